#!/usr/bin/python3
"""tools/report at 1% of its replicates, its figures checked against the results files.

    tests/test_report.py TRIALSIM

Runs tools/report --replicates-scale 0.01 --output into a temporary folder (the
committed results/ are not touched; about 30 s on 2 cores) and checks that
- it exits 0: a column it reads that has moved or been renamed in the results
  file (as when the per-look columns went from /scenarios/table to
  /scenarios/look_table) ends it with a KeyError and fails this test;
- the report has every section heading, in order, and every PNG it names is
  in the folder and is a PNG that decodes to a non-empty image;
- each replicate count is the design's scaled by 0.01 (1,000 for the planned
  procedure, 2,000 per reading of the interim, 200 per sweep scenario);
- its figures are those recomputed here from each trial's decisions in the
  results files (/replicates/decision and /replicates/stop_look, read with
  h5py; each scenario identified by its own resolved design in the
  config_yaml attribute, not by the tables tools/report reads): power =
  P(reject for benefit at any look), its SE sqrt(p (1 - p) / n), P(reject for
  benefit at each look), P(stop at the interim), P(any rejection) under H0
  and its SE, for the planned procedure, both readings of the interim, every
  cell of the sweep's power table and every timeline. A printed figure agrees
  when it is the recomputed one rounded to the digits printed: within half a
  unit of its last digit;
- the sample-size section is consistent with itself: the answer at the design's
  42% is a simulated sample size whose power reaches 0.8 while one patient
  fewer does not.
The checks can fail: they are run again on copies of the report with one
figure moved by one unit of its last printed digit (the planned power 0.9400
-> 0.9401, a cell of the sweep's table, the interim's P(stop) of the first
reading); each copy must be refused, or this test fails.
"""

import math
import os
import re
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOL = os.path.join(ROOT, "tools", "report")
SCALE = 0.01
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HEADINGS = ["# DanGer Shock: the design checked by simulation", "## The analytic calculation",
            "## The planned procedure, simulated", "## The interim as the protocol states it, and the other reading",
            "## Power over the pump arm's mortality", "## The sample size that 80% power needs",
            "## When would the interim have happened?"]
IMAGES = ["planned_hr.png", "planned_look_times.png", "planned_accrual.png", "planned_km.png", "power_curve.png",
          "timeline_look_times.png", "timeline_accrual.png"]
# simulation.replicates of configs/danger_shock.yaml, _interim_readings.yaml, _sweep.yaml, _timelines.yaml
DESIGN_REPLICATES = {"planned.h5": 100000, "interim_readings.h5": 200000, "sweep.h5": 20000, "timelines.h5": 20000}
BENEFIT, HARM = 1, 2  # /replicates/decision codes (README, "Results file")
NUMBER = r"(-?\d+(?:\.\d+)?)"

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)


class Trials:
    """What one scenario's trials decided, from /replicates."""

    def __init__(self, group):
        self.decision = group["replicates/decision"][()]
        self.stop_look = group["replicates/stop_look"][()].astype(int)
        self.n = len(self.stop_look)
        self.design = yaml.safe_load(group.attrs["config_yaml"])

    def power(self):
        return np.mean(np.any(self.decision == BENEFIT, axis=1))

    def reject_any(self):
        return np.mean(np.any((self.decision == BENEFIT) | (self.decision == HARM), axis=1))

    def reject_at(self, look):
        return np.mean(self.decision[:, look] == BENEFIT)

    def stop_at(self, look):
        return np.mean(self.stop_look == look)

    def se(self, p):
        return math.sqrt(p * (1 - p) / self.n)


def scenarios(path):
    with h5py.File(path, "r") as f:
        return [Trials(f[f"scenarios/{k}"]) for k in range(len(f["scenarios/table/scenario"]))]


def agrees(printed, value):
    """The printed figure is value rounded to its digits: within half a unit of its last digit."""
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return abs(float(printed) - value) <= 0.5 * 10.0 ** -decimals + 1e-12


class Comparison:
    """Figures of one report's text against the recomputed ones; collects the disagreements."""

    def __init__(self, text):
        self.text = text
        self.wrong = []
        self.compared = 0

    def figure(self, what, printed, value):
        self.compared += 1
        if not agrees(printed, value):
            self.wrong.append(f"{what}: report {printed}, results file {value:.6f}")

    def search(self, pattern, what):
        found = re.search(pattern, self.text)
        if not found:
            self.wrong.append(f"{what}: not found in the report ({pattern})")
        return found

    def section(self, heading):
        start = self.text.find(heading)
        end = self.text.find("\n## ", start + 1)
        return self.text[start:end if end >= 0 else len(self.text)]


def compare_planned(c, work):
    with h5py.File(os.path.join(work, "planned.h5"), "r") as f:
        t = Trials(f)
    found = c.search(rf"\*\*power {NUMBER}\*\* \(Monte Carlo SE {NUMBER}\)", "planned power")
    if found:
        c.figure("planned power", found[1], t.power())
        c.figure("planned power SE", found[2], t.se(t.power()))
    found = c.search(rf"stops for efficacy at the interim with probability {NUMBER},\s+"
                     rf"and rejects at the final analysis with probability {NUMBER}", "planned rejection per look")
    if found:
        c.figure("planned P(reject at the interim)", found[1], t.reject_at(0))
        c.figure("planned P(reject at the final)", found[2], t.reject_at(1))
    found = c.search(r"\n([\d,]+) simulated trials", "planned replicates")
    if found:
        c.figure("planned replicates", found[1].replace(",", ""), t.n)


def compare_interim_readings(c, work):
    trials = scenarios(os.path.join(work, "interim_readings.h5"))

    def scenario(population, mortality):
        return [t for t in trials if t.design["analyses"][0]["population"] == population
                and math.isclose(t.design["arms"][1]["survival"]["exponential"]["event_probability"], mortality)][0]

    for title, population in (("first 180 completed (protocol)", "first_completed"),
                              ("all randomised at the cut", "all_randomised")):
        found = c.search(rf"\| {re.escape(title)} \| {NUMBER} \| {NUMBER} \| {NUMBER} \| {NUMBER} \({NUMBER}\) \| "
                         rf"{NUMBER} \| {NUMBER} \({NUMBER}\) \| {NUMBER} \({NUMBER}\) \|", f"interim row {title}")
        if not found:
            continue
        alt, null = scenario(population, 0.42), scenario(population, 0.60)
        c.figure(f"{title}: power", found[4], alt.power())
        c.figure(f"{title}: power SE", found[5], alt.se(alt.power()))
        c.figure(f"{title}: P(stop at the interim)", found[6], alt.stop_at(0))
        c.figure(f"{title}: type I error", found[7], null.reject_any())
        c.figure(f"{title}: type I error SE", found[8], null.se(null.reject_any()))
        c.figure(f"{title}: P(reject for benefit) under H0", found[9], null.power())
        c.figure(f"{title}: its SE", found[10], null.se(null.power()))
    found = c.search(r"both arms \(type I error\), ([\d,]+) replicates each", "interim replicates")
    if found:
        c.figure("interim replicates", found[1].replace(",", ""), trials[0].n)


def compare_sweep(c, work):
    trials = scenarios(os.path.join(work, "sweep.h5"))
    section = c.section("## Power over the pump arm's mortality")
    header = re.search(r"\| pump mortality \|((?: N = \d+ \|)+)", section)
    if not header:
        c.wrong.append("sweep: no power table")
        return
    sizes = [int(v) for v in re.findall(r"N = (\d+)", header[1])]
    cells = 0
    for row in re.finditer(r"^\| (\d+)% \|(.*)\|$", section, re.M):
        mortality = int(row[1]) / 100
        for size, cell in zip(sizes, row[2].split("|")):
            found = re.fullmatch(rf" {NUMBER} \({NUMBER}\) ", cell)
            t = [t for t in trials if t.design["enrollment"]["sample_size"] == size and math.isclose(
                t.design["arms"][1]["survival"]["exponential"]["event_probability"], mortality)]
            if not found or len(t) != 1:
                c.wrong.append(f"sweep {mortality:.2f}, N = {size}: cell '{cell}', {len(t)} scenarios")
                continue
            c.figure(f"sweep {mortality:.2f}, N = {size}: power", found[1], t[0].power())
            c.figure(f"sweep {mortality:.2f}, N = {size}: SE", found[2], t[0].se(t[0].power()))
            cells += 1
    if cells != len(trials):
        c.wrong.append(f"sweep: {cells} cells of power for {len(trials)} scenarios")
    found = c.search(r"scenarios on common random numbers, ([\d,]+) replicates each", "sweep replicates")
    if found:
        c.figure("sweep replicates", found[1].replace(",", ""), trials[0].n)


def compare_timelines(c, work):
    trials = scenarios(os.path.join(work, "timelines.h5"))

    def scenario(timeline, interim):
        return [t for t in trials if t.design["enrollment"]["timeline"] == timeline
                and t.design["analyses"][0]["when"]["completed_follow_up"] == interim][0]

    for t in trials:
        timeline, interim = t.design["enrollment"]["timeline"], t.design["analyses"][0]["when"]["completed_follow_up"]
        found = c.search(rf"\| {re.escape(timeline.replace('_', ' '))} \| {interim} \| [\d-]+ \| [\d-]+ \| {NUMBER} \|",
                         f"timeline row {timeline}, {interim}")
        if found:
            c.figure(f"timeline {timeline}, interim at {interim}: power", found[1], t.power())
    found = c.search(rf"P\(stop at the interim\) {NUMBER} instead of {NUMBER}", "timeline P(stop)")
    if found:
        c.figure("as it happened, interim at 120: P(stop at the interim)", found[1],
                 scenario("as_it_happened", 120).stop_at(0))
        c.figure("as it happened, interim at 180: P(stop at the interim)", found[2],
                 scenario("as_it_happened", 180).stop_at(0))


def compare_sample_size(c):
    section = c.section("## The sample size that 80% power needs")
    answer = c.search(r"\| 42\.0% \| \*\*(\d+)\*\* \|", "sample size at 42%")
    points = {int(v): float(p) for v, p in re.findall(rf"^\| (\d+) \| {NUMBER} \(", section, re.M)}
    if answer:
        n = int(answer[1])
        if not (n in points and n - 1 in points and points[n] >= 0.8 > points[n - 1]):
            c.wrong.append(f"sample size {n}: power {points.get(n)} there and {points.get(n - 1)} at one fewer")


def compare(text, work):
    c = Comparison(text)
    compare_planned(c, work)
    compare_interim_readings(c, work)
    compare_sweep(c, work)
    compare_timelines(c, work)
    compare_sample_size(c)
    return c


def png_size(path):
    """Width and height from a PNG's IHDR chunk (None: not a PNG)."""
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != PNG_SIGNATURE or head[12:16] != b"IHDR":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def check_images(text, folder):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.image

    named = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    check(sorted(named) == sorted(IMAGES), f"the report names the images {named}, expected {IMAGES}")
    for name in named:
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            check(False, f"{name} is named by the report but missing")
            continue
        size = png_size(path)
        check(size is not None and size[0] > 0 and size[1] > 0, f"{name} is not a PNG with a size: {size}")
        pixels = matplotlib.image.imread(path)
        check(pixels.shape[:2] == (size[1], size[0]) and np.ptp(pixels) > 0, f"{name} does not decode to a drawing")


def perturbed(text, pattern, what):
    """The text with the first number matched by pattern's group 1 moved by one unit of its last digit."""
    found = re.search(pattern, text)
    check(found is not None, f"self-check: {what} not found")
    if not found:
        return text
    printed = found[1]
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    moved = f"{float(printed) + 10.0 ** -decimals:.{decimals}f}"
    return text[:found.start(1)] + moved + text[found.end(1):]


def main(argv):
    if len(argv) != 1:
        sys.exit("usage: tests/test_report.py TRIALSIM")
    trialsim = os.path.abspath(argv[0])
    with tempfile.TemporaryDirectory(prefix="trialsim_report_") as work:
        start = time.time()
        done = subprocess.run([sys.executable, TOOL, "--trialsim", trialsim, "--threads", "2", "--output", work,
                               "--replicates-scale", str(SCALE)], capture_output=True, text=True)
        print(f"tools/report --replicates-scale {SCALE}: exit {done.returncode}, {time.time() - start:.1f} s")
        check(done.returncode == 0, f"tools/report failed:\n{done.stdout}\n{done.stderr}")
        report = os.path.join(work, "danger_shock_report.md")
        if done.returncode != 0 or not os.path.exists(report):
            return 1
        with open(report) as f:
            text = f.read()

        positions = [text.find("\n" + h + "\n") if i else text.find(h + "\n") for i, h in enumerate(HEADINGS)]
        for heading, position in zip(HEADINGS, positions):
            check(position >= 0, f"heading missing: {heading}")
        check(positions == sorted(positions), f"headings out of order: {positions}")
        check(f"scaled by {SCALE:g}" in text, "the header does not say that the replicates are scaled")
        check_images(text, work)

        for name, replicates in DESIGN_REPLICATES.items():
            with h5py.File(os.path.join(work, name), "r") as f:
                group = f["scenarios/0"] if "scenarios" in f else f
                check(group.attrs["replicates"] == round(replicates * SCALE),
                      f"{name}: {group.attrs['replicates']} replicates, expected {replicates} x {SCALE}")

        comparison = compare(text, work)
        for wrong in comparison.wrong:
            check(False, wrong)
        # 4 + 1 planned, 2 x 7 + 1 interim, 44 x 2 + 1 sweep, 6 + 2 timelines
        print(f"{comparison.compared} figures of the report compared with the results files")
        check(comparison.compared == 117, f"{comparison.compared} figures compared, expected 117")

        # The comparison can fail: one figure moved by one unit of its last printed digit is refused.
        for pattern, what in ((rf"\*\*power {NUMBER}\*\*", "the planned power"),
                              (rf"\n\| 45% \| {NUMBER} \(", "the sweep's power at 45%, N = 240"),
                              (rf"\| first 180 completed \(protocol\) \|(?: [^|]+ \|){{4}} {NUMBER} \|",
                               "P(stop at the interim) of the protocol's reading")):
            check(len(compare(perturbed(text, pattern, what), work).wrong) == len(comparison.wrong) + 1,
                  f"self-check: {what} moved by one unit of its last digit was not the one figure refused")
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
