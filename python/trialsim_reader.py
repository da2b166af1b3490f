"""Reads trialsim results files (HDF5) into pandas DataFrames, and runs trialsim.

    import trialsim_reader as tr
    summary = tr.read_summary("danger_shock.h5")         # one row per look
    replicates = tr.read_replicates("danger_shock.h5")   # one row per replicate and look
    scenarios = tr.read_scenarios("sweep.h5")            # one row per scenario and look
    patients = tr.read_patients("danger_shock.h5")       # one row per patient and look
    results = tr.run_trialsim("configs/danger_shock.yaml", replicates=2000)

Every function takes the file's path. In a sweep file (a design with a `sweep:`
block) the results of scenario k live in /scenarios/<k>: `scenario=k` reads one,
`scenario=None` reads them all with a `scenario` column in front. The layout of
the file is in the README ("Output file"); this module is its reference reader,
and the R package R/trialsimr reads the same way.

Needs h5py, numpy and pandas (Debian: python3-h5py, python3-pandas).
"""

import os
import shutil
import subprocess
import tempfile

import h5py
import numpy as np
import pandas as pd

__all__ = ["read_attributes", "read_summary", "read_replicates", "read_scenarios", "read_patients",
           "run_trialsim", "TrialsimError"]

FILETYPE = "trialsim results"
FORMAT_VERSION = 2
# Every dataset of /summary and /replicates is read by its shape, so that a figure or a
# column added to the file needs no change here.
# Root attributes that are text.
TEXT_ATTRIBUTES = ["filetype", "trialsim_version", "git_sha", "config_yaml", "created_utc", "design_name",
                   "time_unit", "seed_text", "start_date", "description"]


class TrialsimError(Exception):
    """A file that is not a trialsim results file, or a failed trialsim run."""


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _texts(values):
    return [_text(v) for v in values]


def _open(path):
    try:
        f = h5py.File(path, "r")
    except OSError as error:
        raise TrialsimError(f"{path}: cannot read as HDF5: {error}") from None
    if _text(f.attrs.get("filetype", "")) != FILETYPE:
        f.close()
        raise TrialsimError(f"{path}: not a trialsim results file")
    version = int(f.attrs.get("format_version", -1))
    if version != FORMAT_VERSION:
        f.close()
        raise TrialsimError(f"{path}: format_version {version}; this reader reads {FORMAT_VERSION}")
    return f


def _scenario_count(f):
    return int(f.attrs["scenarios"]) if "scenarios" in f.attrs else 0


def _groups(f, path, scenario):
    """[(scenario or None, group)] of the results the call reads."""
    count = _scenario_count(f)
    if count == 0:
        if scenario is not None:
            raise TrialsimError(f"{path}: scenario {scenario} asked of a file without scenarios")
        return [(None, f)]
    if scenario is None:
        return [(k, f[f"scenarios/{k}"]) for k in range(count)]
    if not 0 <= int(scenario) < count:
        raise TrialsimError(f"{path}: scenario {scenario}: the file has scenarios 0 to {count - 1}")
    return [(int(scenario), f[f"scenarios/{int(scenario)}"])]


def _stack(frames, scenarios):
    """One frame from one per group, with a leading scenario column when the file has scenarios."""
    if scenarios[0] is not None:
        for frame, k in zip(frames, scenarios):
            frame.insert(0, "scenario", k)
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _quantile_names(name, levels):
    return [f"{name}_q{round(level * 100):02d}" for level in levels]


def read_attributes(path, scenario=None):
    """The root attributes (or scenario k's) as a dict; seed as an int, seed_text as text."""
    with _open(path) as f:
        obj = f if scenario is None else _groups(f, path, scenario)[0][1]
        attributes = {}
        for name, value in obj.attrs.items():
            if name in TEXT_ATTRIBUTES or isinstance(value, (str, bytes)):
                attributes[name] = _text(value)
            elif np.ndim(value) == 0:
                attributes[name] = value.item() if hasattr(value, "item") else value
            else:
                attributes[name] = np.asarray(value)
        return attributes


def _numeric_datasets(group, shape):
    return [(name, d) for name, d in group.items()
            if isinstance(d, h5py.Dataset) and d.shape == shape and h5py.check_string_dtype(d.dtype) is None]


def _summary_frame(group):
    s = group["summary"]
    names = _texts(s["look_names"][()])
    looks = len(names)
    frame = pd.DataFrame({"look": np.arange(looks), "look_name": names})
    scalars = _numeric_datasets(s, ())
    for name, d in scalars:  # power, power_se, reject_any, reject_any_se
        frame[name] = d[()]
    for name, d in _numeric_datasets(s, (looks,)):
        if name != "quantile_levels":  # [level], not [look]
            frame[name] = d[()]
    # Distributions: groups with count, mean, sd and quantiles [look, level].
    for name, d in s.items():
        if not isinstance(d, h5py.Group) or "quantiles" not in d or d["count"].shape != (looks,):
            continue
        frame[f"{name}_count"] = d["count"][()]
        frame[f"{name}_mean"] = d["mean"][()]
        frame[f"{name}_sd"] = d["sd"][()]
        quantiles = d["quantiles"][()]
        for j, column in enumerate(_quantile_names(name, d["quantiles"].attrs["quantile_levels"])):
            frame[column] = quantiles[:, j]
    return frame


def read_summary(path, scenario=None):
    """Operating characteristics, one row per look (per scenario and look in a sweep file).

    Columns: look (from 0), look_name, the run's power, power_se, reject_any and
    reject_any_se (repeated on every look), the per-look probabilities and plan
    values of /summary, and for events, events_control, events_treatment,
    enrolled, time and hr their count, mean, sd and quantiles (events_q05 ...
    events_q95) over the replicates that performed the look.
    """
    with _open(path) as f:
        groups = _groups(f, path, scenario)
        return _stack([_summary_frame(g) for _, g in groups], [k for k, _ in groups])


def _replicate_frame(group, performed_only):
    r = group["replicates"]
    names = _texts(group["summary/look_names"][()])
    replicates, looks = r["decision"].shape
    frame = pd.DataFrame({
        "replicate": np.repeat(np.arange(replicates), looks),
        "look": np.tile(np.arange(looks), replicates),
        "look_name": pd.Categorical(np.tile(names, replicates), categories=names),
    })
    # HDF5 stores [replicate, look] row-major: flattening in C order gives replicate-major rows.
    frame["performed"] = r["performed"][()].reshape(-1) == 1
    for name, d in r.items():
        if name == "performed":
            continue
        if d.ndim == 2:  # [replicate, look]
            frame[name] = d[()].reshape(-1)
        elif d.ndim == 1:  # [replicate]: repeated on each look
            frame[name] = np.repeat(d[()], looks)
        else:  # [replicate, look, compared statistic]: a column per statistic of test.compare
            values = d[()]
            for c, key in enumerate(_texts(group["summary/compare/key"][()])):
                frame[f"{name}_{key}"] = values[:, :, c].reshape(-1)
    if performed_only:
        frame = frame[frame["performed"]].reset_index(drop=True)
    return frame


def read_replicates(path, scenario=None, performed_only=False):
    """Every simulated trial, one row per replicate and look (long format).

    Columns: replicate, look, look_name, performed (False for looks the trial
    never reached: their measurements are NaN), z, hr, log_hr_se, events, events_control,
    events_treatment, time, enrolled, decision (-1 not performed, 0 continue,
    1 efficacy, 2 harm, 3 futility, 4 final look without rejection),
    trigger_reached, stop_look, and with test.compare compare_z_<statistic> and
    compare_decision_<statistic>. performed_only=True keeps the performed looks.
    """
    with _open(path) as f:
        groups = _groups(f, path, scenario)
        return _stack([_replicate_frame(g, performed_only) for _, g in groups], [k for k, _ in groups])


def _columns(group):
    return {name: (_texts(d[()]) if h5py.check_string_dtype(d.dtype) is not None else d[()])
            for name, d in group.items()}


def read_scenarios(path):
    """The scenario table of a sweep file, one row per scenario and look.

    Columns: scenario, look, look_name, the swept paths (one column each), label,
    power, power_se, power_difference (to scenario 0, paired) and its SE,
    reject_any, reject_any_se, expected_events_at_stop, expected_time_at_stop,
    then the per-look figures of /scenarios/look_table.
    """
    with _open(path) as f:
        if _scenario_count(f) == 0:
            raise TrialsimError(f"{path}: not a sweep file (no /scenarios); use read_summary")
        table = pd.DataFrame(_columns(f["scenarios/table"]))
        looks = pd.DataFrame(_columns(f["scenarios/look_table"]))
        axes = _texts(f["scenarios/axes"][()])
    front = ["scenario", "look", "look_name"] + axes + ["label"]
    merged = looks.merge(table, on="scenario", how="left", validate="many_to_one")
    return merged[front + [c for c in merged.columns if c not in front]]


def _patient_frame(group):
    p = group["patients"]
    names = _texts(group["summary/look_names"][()])
    patients, looks = p["time"].shape
    replicate = p["replicate"][()]
    # Position of each patient within its replicate (patients are stored replicate by replicate).
    starts = np.r_[0, np.flatnonzero(np.diff(replicate)) + 1]
    index = np.arange(patients) - np.repeat(starts, np.diff(np.r_[starts, patients]))
    frame = pd.DataFrame({
        "replicate": np.repeat(replicate, looks),
        "patient": np.repeat(index, looks),
        "look": np.tile(np.arange(looks), patients),
        "look_name": pd.Categorical(np.tile(names, patients), categories=names),
    })
    for name in ["entry", "arm", "received", "stratum", "analysed", "follow_up", "event"]:
        frame[name] = np.repeat(p[name][()], looks)
    frame["time"] = p["time"][()].reshape(-1)
    frame["status"] = p["status"][()].reshape(-1)
    return frame


def read_patients(path, scenario=None):
    """Patients kept with --keep-patients, one row per patient and look.

    Columns: replicate, patient (from 0 within the replicate), look, look_name,
    entry, arm (as assigned, 0 control), received, stratum, analysed, follow_up,
    event, and time and status as that look analysed them (time NaN: not in the
    look's data). An empty frame when the file keeps no patients.
    """
    with _open(path) as f:
        groups = [(k, g) for k, g in _groups(f, path, scenario) if "patients" in g]
        if not groups:
            return pd.DataFrame(columns=["replicate", "patient", "look", "look_name", "entry", "arm", "received",
                                         "stratum", "analysed", "follow_up", "event", "time", "status"])
        return _stack([_patient_frame(g) for _, g in groups], [k for k, _ in groups])


def _binary(binary):
    found = binary or os.environ.get("TRIALSIM_BINARY") or shutil.which("trialsim")
    if not found:
        raise TrialsimError("trialsim not found: pass binary=, set TRIALSIM_BINARY or put trialsim on PATH")
    return found


def run_trialsim(design, output=None, replicates=None, seed=None, threads=None, keep_patients=None, set=None,
                 binary=None):
    """Runs `trialsim run DESIGN` and reads its results file.

    set: a dict or list of "path=value" overrides (--set). output: where the
    file goes (default: a temporary folder, kept). Returns a dict with file,
    attributes, summary (read_summary), replicates (read_replicates), and for
    sweep files scenarios (read_scenarios); raises TrialsimError with trialsim's
    message when the run fails.
    """
    if output is None:
        output = os.path.join(tempfile.mkdtemp(prefix="trialsim-"), "results.h5")
    command = [_binary(binary), "run", str(design), "-o", str(output), "--quiet"]
    for option, value in [("--replicates", replicates), ("--seed", seed), ("--threads", threads),
                          ("--keep-patients", keep_patients)]:
        if value is not None:
            command += [option, str(value)]
    assignments = set.items() if isinstance(set, dict) else [] if set is None else [tuple(a.split("=", 1)) for a in set]
    for path, value in assignments:
        command += ["--set", f"{path}={value}"]
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        raise TrialsimError(f"trialsim failed (exit code {run.returncode}): {run.stderr.strip()}")
    results = {"file": str(output), "attributes": read_attributes(output), "summary": read_summary(output),
               "replicates": read_replicates(output)}
    if "scenarios" in results["attributes"]:
        results["scenarios"] = read_scenarios(output)
    return results
