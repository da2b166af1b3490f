"""Tests of python/trialsim_reader.py on files that the trialsim binary writes here.

    TRIALSIM_BINARY=build/trialsim python3 tests/test_python_reader.py [WORK_FOLDER]

Registered in ctest (tests/CMakeLists.txt). Values are checked against the file read
independently: h5dump's text output for single cells, and h5py's raw arrays for whole
columns. Known answers: the summary's power is, by definition, the share of replicates
with decision 1 (efficacy) at some look, so it must equal the mean of the decision
column exactly (the same count divided by the same number); the mean events of a look
over the replicates that performed it must match the summary's Welford mean to 1e-9
relative (rounding only).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np

SOURCE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(SOURCE, "python"))
import trialsim_reader as tr  # noqa: E402

BINARY = os.path.abspath(os.environ.get("TRIALSIM_BINARY", os.path.join(SOURCE, "build", "trialsim")))
WORK = None  # set in main
REPLICATES = 3000
KEPT = 4


def run(*arguments):
    subprocess.run([BINARY, *arguments, "--quiet"], check=True, capture_output=True)


def h5dump_cell(path, dataset, index):
    """One value of a dataset as h5dump prints it (an independent reader: the HDF5 tools' own)."""
    start = ",".join(str(i) for i in index)
    count = ",".join("1" for _ in index)
    text = subprocess.run(["h5dump", "-m", "%.17g", "-d", f"{dataset}[{start};;{count};]", "-y", "-w", "0", path],
                          check=True, capture_output=True, text=True).stdout
    data = text[text.index("DATA {") + len("DATA {"):text.rindex("}")]
    return float(data.strip().split()[0].rstrip(",").strip('"')) if data.strip() else None


def h5dump_attribute(path, name):
    text = subprocess.run(["h5dump", "-a", f"/{name}", path], check=True, capture_output=True, text=True).stdout
    return re.search(r'\(0\): "?([^"\n]*)"?', text).group(1)


class SingleRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.path = os.path.join(WORK, "danger_shock.h5")
        run("run", os.path.join(SOURCE, "configs/danger_shock.yaml"), "--replicates", str(REPLICATES),
            "--keep-patients", str(KEPT), "--threads", "2", "-o", cls.path)
        cls.replicates = tr.read_replicates(cls.path)
        cls.summary = tr.read_summary(cls.path)

    def test_long_table_has_one_row_per_replicate_and_look(self):
        self.assertEqual(len(self.replicates), REPLICATES * 2)
        self.assertEqual(list(self.replicates.columns[:4]), ["replicate", "look", "look_name", "performed"])
        self.assertTrue((self.replicates.replicate.values == np.repeat(np.arange(REPLICATES), 2)).all())
        self.assertEqual(list(self.replicates.look_name.iloc[:2]), ["interim", "final"])

    def test_values_match_h5dump(self):
        frame = self.replicates.set_index(["replicate", "look"])
        stopped = frame.xs(0, level="look").query("decision == 1").index[0]  # efficacy at the interim
        cells = [(REPLICATES - 1, 1), (0, 0), (stopped, 0), (stopped, 1), (1234, 1)]
        for column in ["z", "hr", "events", "events_control", "time", "enrolled", "decision", "performed"]:
            for r, k in cells:
                expected = h5dump_cell(self.path, f"/replicates/{column}", (r, k))
                found = float(frame.loc[(r, k), column])
                if np.isnan(expected):
                    self.assertTrue(np.isnan(found), f"{column}[{r},{k}]")
                else:
                    self.assertEqual(found, expected, f"{column}[{r},{k}]")  # %.17g: exact

    def test_whole_columns_match_the_raw_arrays(self):
        with h5py.File(self.path, "r") as f:
            for column in ["z", "hr", "events", "time", "enrolled", "decision", "trigger_reached"]:
                raw = f[f"replicates/{column}"][()]
                np.testing.assert_array_equal(self.replicates[column].values.reshape(REPLICATES, 2), raw)

    def test_looks_not_performed_measure_nothing(self):
        frame = self.replicates
        self.assertTrue(((frame.decision != -1) == frame.performed).all())
        skipped = frame[~frame.performed]
        self.assertGreater(len(skipped), 0)  # O'Brien-Fleming stops some trials at the interim
        for column in ["z", "hr", "events", "events_control", "events_treatment", "time", "enrolled",
                       "trigger_reached"]:
            self.assertTrue(skipped[column].isna().all(), column)
        self.assertFalse(frame[frame.performed].events.isna().any())

    def test_naive_mean_of_final_events_is_over_performed_looks(self):
        final = self.replicates[self.replicates.look_name == "final"]
        summary_final = self.summary[self.summary.look_name == "final"].iloc[0]
        # pandas skips NaN: the mean a user computes without thinking is the summary's.
        self.assertAlmostEqual(final.events.mean() / summary_final.events_mean, 1.0, delta=1e-9)
        self.assertEqual(final.events.count(), summary_final.events_count)
        zeros_in = final.events.fillna(0).mean()
        self.assertLess(zeros_in, 0.99 * final.events.mean())  # what a 0 fill value would have given

    def test_summary_power_is_the_mean_of_the_decision_column(self):
        efficacy = (self.replicates.decision == 1).groupby(self.replicates.replicate).any()
        self.assertEqual(self.summary.power.iloc[0], efficacy.mean())
        for k in (0, 1):
            look = self.replicates[self.replicates.look == k]
            self.assertEqual(self.summary.reject_probability.iloc[k], (look.decision == 1).mean())
            self.assertEqual(self.summary.performed_probability.iloc[k], look.performed.mean())

    def test_summary_quantiles_are_named_by_their_levels(self):
        for level in ["05", "25", "50", "75", "95"]:
            self.assertIn(f"events_q{level}", self.summary.columns)
        with h5py.File(self.path, "r") as f:
            np.testing.assert_array_equal(self.summary.time_q50.values, f["summary/time/quantiles"][:, 2])

    def test_attributes(self):
        attributes = tr.read_attributes(self.path)
        self.assertEqual(attributes["seed_text"], "20130127")
        self.assertEqual(attributes["seed"], 20130127)
        self.assertEqual(attributes["start_date"], "2013-01-27")
        self.assertEqual(attributes["seed_text"], h5dump_attribute(self.path, "seed_text"))
        self.assertIn("description", attributes)

    def test_every_object_is_described(self):
        missing, quantiles = [], []

        def visit(name, obj):
            if not obj.attrs.get("description"):
                missing.append(name)
            if name.endswith("/quantiles"):
                quantiles.append(list(obj.attrs["quantile_levels"]))

        with h5py.File(self.path, "r") as f:
            f.visititems(visit)
        self.assertEqual(missing, [])
        self.assertEqual(len(quantiles), 9)  # 6 per-look distributions and 3 at the stopping look
        self.assertTrue(all(levels == [0.05, 0.25, 0.5, 0.75, 0.95] for levels in quantiles))

    def test_patients(self):
        patients = tr.read_patients(self.path)
        with h5py.File(self.path, "r") as f:
            stored = f["patients/replicate"].shape[0]
            time = f["patients/time"][()]
        self.assertEqual(len(patients), stored * 2)
        self.assertEqual(sorted(patients.replicate.unique()), list(range(KEPT)))
        np.testing.assert_array_equal(patients.time.values, time.reshape(-1))
        # The final look of a trial that reached it counts the events the replicates table stores.
        final = self.replicates.set_index(["replicate", "look"])
        for r in range(KEPT):
            look = int(final.loc[(r, 0), "stop_look"])
            rows = patients[(patients.replicate == r) & (patients.look == look)]
            self.assertEqual(rows.status[rows.analysed == 1].sum(), final.loc[(r, look), "events"])
        self.assertTrue((patients.groupby("replicate").patient.max() == 359).all())

    def test_refuses_a_foreign_file(self):
        foreign = os.path.join(WORK, "foreign.h5")
        with h5py.File(foreign, "w") as f:
            f["x"] = np.arange(3)
        with self.assertRaisesRegex(tr.TrialsimError, "not a trialsim results file"):
            tr.read_summary(foreign)


class Compared(unittest.TestCase):
    """With test.compare a look may be analysed by a compared statistic after the design's procedure stopped."""

    def test_performed_when_any_procedure_analysed_the_look(self):
        path = os.path.join(WORK, "compare.h5")
        run("run", os.path.join(SOURCE, "tests/data/nph/delayed_effect_two_sided.yaml"), "--replicates", "300",
            "-o", path)
        frame = tr.read_replicates(path)
        compared = [c for c in frame.columns if c.startswith("compare_decision_")]
        self.assertGreater(len(compared), 0)
        analysed = (frame.decision != -1) | (frame[compared] != -1).any(axis=1)
        self.assertTrue((frame.performed == analysed).all())
        self.assertTrue(frame.events[~frame.performed].isna().all())
        self.assertFalse(frame.events[frame.performed].isna().any())
        only_compared = frame[frame.performed & (frame.decision == -1)]
        self.assertTrue(only_compared.z.isna().all())  # the design's statistic was not decided there


class Sweep(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.path = os.path.join(WORK, "sweep.h5")
        run("run", os.path.join(SOURCE, "configs/danger_shock_sweep.yaml"), "--replicates", "400", "--threads", "2",
            "--set", "sweep.enrollment.sample_size=[300, 360]", "-o", cls.path)
        cls.scenarios = tr.read_scenarios(cls.path)

    def test_one_row_per_scenario_and_look(self):
        self.assertEqual(len(self.scenarios), 22 * 2)
        self.assertEqual(list(self.scenarios.columns[:5]),
                         ["scenario", "look", "look_name", "enrollment.sample_size",
                          "arms[1].survival.exponential.event_probability"])
        first = self.scenarios.iloc[0]
        self.assertEqual((first.scenario, first.look, first["enrollment.sample_size"]), (0, 0, 300.0))

    def test_agrees_with_each_scenario_and_its_replicates(self):
        for k in (0, 7, 21):
            rows = self.scenarios[self.scenarios.scenario == k]
            summary = tr.read_summary(self.path, scenario=k)
            replicates = tr.read_replicates(self.path, scenario=k)
            efficacy = (replicates.decision == 1).groupby(replicates.replicate).any()
            self.assertEqual(rows.power.iloc[0], efficacy.mean())
            np.testing.assert_array_equal(rows.stop_probability.values, summary.stop_probability.values)
            np.testing.assert_array_equal(rows.expected_events.values, summary.events_mean.values)
            self.assertAlmostEqual(rows.expected_events.iloc[1] / replicates[replicates.look == 1].events.mean(),
                                   1.0, delta=1e-9)

    def test_all_scenarios_stack_with_a_scenario_column(self):
        summary = tr.read_summary(self.path)
        self.assertEqual(list(summary.scenario.unique()), list(range(22)))
        np.testing.assert_array_equal(summary.reject_probability.values, self.scenarios.reject_probability.values)

    def test_table_groups_read_as_equal_length_columns(self):
        with h5py.File(self.path, "r") as f:
            for table, rows in [("scenarios/table", 22), ("scenarios/look_table", 44)]:
                for name, d in f[table].items():
                    self.assertEqual(d.shape, (rows,), f"{table}/{name}")


class Running(unittest.TestCase):
    def test_run_trialsim_returns_the_results(self):
        output = os.path.join(WORK, "run.h5")
        results = tr.run_trialsim(os.path.join(SOURCE, "configs/danger_shock.yaml"), output=output, replicates=500,
                                  seed=7, set={"enrollment.sample_size": 300}, binary=BINARY)
        self.assertEqual(results["file"], output)
        self.assertEqual(results["attributes"]["seed_text"], "7")
        self.assertEqual(len(results["replicates"]), 1000)
        self.assertIn("sample_size: 300", results["attributes"]["config_yaml"])

    def test_a_failed_run_raises_with_trialsim_message(self):
        with self.assertRaisesRegex(tr.TrialsimError, r"exit code 2.*enrollment\.sample_sise"):
            tr.run_trialsim(os.path.join(SOURCE, "configs/danger_shock.yaml"), output=os.path.join(WORK, "bad.h5"),
                            replicates=10, set=["enrollment.sample_sise=300"], binary=BINARY)


class Readme(unittest.TestCase):
    def test_the_readme_python_example_runs_verbatim(self):
        with open(os.path.join(SOURCE, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        match = re.search(r"<!-- tested by tests/test_python_reader.py -->\n```python\n(.*?)```", readme, re.S)
        self.assertIsNotNone(match, "README: no Python example marked as tested")
        folder = os.path.join(WORK, "readme_python")
        os.makedirs(folder, exist_ok=True)
        for name in ["configs", "python"]:
            link = os.path.join(folder, name)
            if not os.path.exists(link):
                os.symlink(os.path.join(SOURCE, name), link)
        # As a user runs it: trialsim found on the PATH.
        environment = dict(os.environ, PATH=os.path.dirname(BINARY) + os.pathsep + os.environ["PATH"])
        environment.pop("TRIALSIM_BINARY", None)
        done = subprocess.run([sys.executable, "-c", match.group(1)], cwd=folder, env=environment,
                              capture_output=True, text=True)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("final", done.stdout)


if __name__ == "__main__":
    WORK = sys.argv.pop(1) if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="trialsim-python-reader-")
    if os.path.exists(WORK):
        shutil.rmtree(WORK)
    os.makedirs(WORK)
    unittest.main(verbosity=2)
