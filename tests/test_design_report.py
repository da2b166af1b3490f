#!/usr/bin/python3
"""tools/report-design on shipped designs, its HTML opened in headless Chromium.

    tests/test_design_report.py TRIALSIM WORK_FOLDER

For configs/danger_shock.yaml (4,000 replicates per hypothesis),
configs/danger_shock_delayed_effect.yaml (non-proportional hazards, 2,000) and
DanGer Shock as a non-inferiority design (margin 1.3, one-sided 0.025, 2,000): runs
the report, opens report.html in headless Chromium (--dump-dom of a copy with a
script that records each image's decoded size, the report itself has none) and
checks that
- the sections' headings are in the rendered page and every image decoded
  (naturalWidth > 0), the page needs nothing from outside (no http(s) link, no
  script, every image a data: URI), and report.md names the same PNGs, present;
- the figures the page shows are those of the results files read back with h5py:
  power, P(any rejection) and their SEs under H1 and H0, expected events at stop,
  the cumulative efficacy probability of the last look (= power), the boundary z;
- H0 is the design under the null: the treatment arm is relative_to_control with
  the null hazard ratio, and its type I error (P(any rejection), two-sided) is
  within 3 SE of alpha, SE = sqrt(alpha (1 - alpha) / n): 0.0034 at n = 4,000 and
  0.0049 at n = 2,000 (alpha 0.05), 0.0035 for the non-inferiority design (alpha
  0.025, HR0 = 1.3);
- the efficacy boundary on the HR scale is HR0 exp(-z / sqrt(d / 4)) at the look's
  mean events d (Schoenfeld, 1:1);
- the HR estimation under H0 (superiority) against known answers: with equal laws, 1:1 permuted
  blocks and symmetric two-sided boundaries, swapping the arms' labels gives an
  equally likely trial with log HR negated, so the mean log HR at the interim
  (every trial performs it) is 0: the reported bias is within 3 of its SEs of 0;
  the coverage of the 95% Wald interval there is within 3 SE + 0.01 of 0.95
  (0.01 for the Wald interval's own error at about 100 events), and both agree
  with the values recomputed here from /replicates/hr and /replicates/log_hr_se;
- a sweep design is refused with exit code 2 and a message that says why.
Exit code 77 (ctest SKIP_RETURN_CODE) when no Chromium is installed.
"""

import html.parser
import math
import os
import re
import shutil
import subprocess
import sys

import h5py
import numpy as np
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOL = os.path.join(ROOT, "tools", "report-design")
SKIP = 77
Z95 = 1.959963984540054
HEADINGS = ["Operating characteristics", "Boundaries", "Stopping at each look", "Hazard-ratio estimation",
            "Kaplan-Meier curves of one simulated trial", "How this report was made"]
IMAGES = ["stopping.png", "hr_h1.png", "hr_h0.png", "km_h1.png", "km_h0.png"]
CHECK_SCRIPT = """<script>
window.addEventListener("load", function () {
  var found = Array.prototype.map.call(document.images, function (image) {
    return image.complete + ":" + image.naturalWidth + "x" + image.naturalHeight;
  });
  var out = document.createElement("pre");
  out.id = "image-check";
  out.textContent = found.join(" ");
  document.body.appendChild(out);
});
</script>
"""

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)


def browser():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Tables(html.parser.HTMLParser):
    """Headings and tables (as rows of cell texts) of a page, in order."""

    def __init__(self):
        super().__init__()
        self.headings, self.tables, self.cell, self.in_heading, self.pre_id, self.pre = [], [], None, False, None, {}

    def handle_starttag(self, tag, attributes):
        if tag in ("h1", "h2", "h3"):
            self.in_heading = True
            self.headings.append("")
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = ""
        elif tag == "pre":
            self.pre_id = dict(attributes).get("id", "")
            self.pre[self.pre_id] = ""

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3"):
            self.in_heading = False
        elif tag in ("td", "th"):
            self.tables[-1][-1].append(self.cell.strip())
            self.cell = None
        elif tag == "pre":
            self.pre_id = None

    def handle_data(self, data):
        if self.in_heading:
            self.headings[-1] += data
        if self.cell is not None:
            self.cell += data
        if self.pre_id is not None:
            self.pre[self.pre_id] += data

    def row(self, first_cell_start):
        """The first table row whose first cell starts with the text."""
        for table in self.tables:
            for row in table:
                if row and row[0].startswith(first_cell_start):
                    return row
        return None


def rendered(chromium, page, folder):
    """The DOM Chromium built from the page, with the decoded image sizes appended."""
    with open(page, encoding="utf-8") as f:
        text = f.read()
    probe = os.path.join(folder, "rendered_check.html")
    with open(probe, "w", encoding="utf-8") as f:
        f.write(text.replace("</body>", CHECK_SCRIPT + "</body>"))
    done = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000",
                           "--dump-dom", "file://" + probe], capture_output=True, text=True, timeout=120)
    check(done.returncode == 0, f"chromium exit code {done.returncode}: {done.stderr[-500:]}")
    parser = Tables()
    parser.feed(done.stdout)
    return text, parser


def with_se(value, se):
    return f"{value:.4f} ({se:.4f})"


def check_report(chromium, design, replicates, folder, name=None, extra=()):
    name = name or os.path.splitext(os.path.basename(design))[0]
    out = os.path.join(folder, name)
    shutil.rmtree(out, ignore_errors=True)
    done = subprocess.run([TOOL, design, "-o", out, "--replicates", str(replicates), "--threads", "2",
                           "--trialsim", sys.argv[1], *extra], capture_output=True, text=True)
    check(done.returncode == 0, f"{name}: tools/report-design exit code {done.returncode}: {done.stderr}")
    if done.returncode != 0:
        return
    text, page = rendered(chromium, os.path.join(out, "report.html"), folder)

    # Rendered, self-contained, every image decoded.
    for heading in HEADINGS:
        check(heading in page.headings, f"{name}: heading '{heading}' not in the rendered page ({page.headings})")
    check(not re.search(r"https?://|<script|<link", text, re.I), f"{name}: the HTML refers to something outside")
    sources = re.findall(r'<img src="([^"]{0,30})', text)
    check(len(sources) == len(IMAGES) and all(s.startswith("data:image/png;base64,") for s in sources),
          f"{name}: images are not {len(IMAGES)} data: URIs: {sources}")
    sizes = page.pre.get("image-check", "").split()
    check(len(sizes) == len(IMAGES), f"{name}: Chromium saw {len(sizes)} images, expected {len(IMAGES)}")
    for size in sizes:
        complete, dimensions = size.split(":")
        width, height = (int(v) for v in dimensions.split("x"))
        check(complete == "true" and width > 100 and height > 100, f"{name}: an image did not decode: {size}")
    with open(os.path.join(out, "report.md"), encoding="utf-8") as f:
        markdown = f.read()
    for image in IMAGES:
        check(f"]({image})" in markdown and os.path.getsize(os.path.join(out, image)) > 1000,
              f"{name}: report.md does not show {image}, or it is missing")
    for heading in HEADINGS:
        check(f"## {heading}" in markdown, f"{name}: report.md lacks '## {heading}'")

    # The figures shown are those of the files.
    with h5py.File(os.path.join(out, "h1.h5"), "r") as h1, h5py.File(os.path.join(out, "h0.h5"), "r") as h0:
        for label, key in (("power: ", "power"), ("P(reject at any look", "reject_any")):
            row = page.row(label)
            check(row is not None and row[1:] == [with_se(f["summary/" + key][()], f["summary/" + key + "_se"][()])
                                                  for f in (h1, h0)],
                  f"{name}: row '{label}' is {row}, the files say {[f['summary/' + key][()] for f in (h1, h0)]}")
        row = page.row("expected events at stop")
        check(row is not None and row[1].startswith(f"{h1['summary/at_stop/events/mean'][()]:.1f} (")
              and row[2].startswith(f"{h0['summary/at_stop/events/mean'][()]:.1f} ("),
              f"{name}: expected events at stop {row} against the files' /summary/at_stop/events/mean")
        looks = len(h1["summary/look_names"][()])
        boundary_rows = [t for t in page.tables if t[0][:3] == ["look", "information fraction", "efficacy z"]][0]
        null_ratio = float(yaml.safe_load(h1.attrs["config_yaml"])["test"].get("null_hazard_ratio", 1.0))
        for k in range(looks):
            check(boundary_rows[k + 1][2] == f"{h1['summary/boundary_z'][k]:.3f}",
                  f"{name}: boundary z of look {k}: {boundary_rows[k + 1]}")
            # Schoenfeld, 1:1: z = -(log HR - log HR0) sqrt(d / 4) at the look's mean events d.
            events = h1["summary/events/mean"][k]
            hr_boundary = null_ratio * math.exp(-h1["summary/boundary_z"][k] / math.sqrt(events / 4))
            check(boundary_rows[k + 1][6] == f"{hr_boundary:.3f}",
                  f"{name}: efficacy HR of look {k}: {boundary_rows[k + 1][6]}, expected {hr_boundary:.3f}")
        stopping = [t for t in page.tables if t[0][:3] == ["look", "P(reach)", "efficacy"]]
        check(len(stopping) == 2, f"{name}: {len(stopping)} stopping tables, expected H1 and H0")
        for table, f in zip(stopping, (h1, h0)):
            power = f["summary/power"][()]
            check(table[looks][3].startswith(f"{power:.4f} "),
                  f"{name}: cumulative efficacy at the last look {table[looks][3]} is not the power {power:.4f}")
            for k in range(looks):
                check(table[k + 1][2].startswith(f"{f['summary/reject_probability'][k]:.4f} "),
                      f"{name}: efficacy at look {k} {table[k + 1][2]} against /summary/reject_probability")

        # H0 is the null, and its type I error is alpha's.
        design = yaml.safe_load(h0.attrs["config_yaml"])
        null_ratio = float(design["test"].get("null_hazard_ratio", 1.0))
        check(design["arms"][1]["survival"] == {"relative_to_control": {"hazard_ratio": null_ratio}},
              f"{name}: H0's treatment arm is {design['arms'][1]['survival']}")
        alpha = float(design["test"]["alpha"])
        n = int(h0.attrs["replicates"])
        se = math.sqrt(alpha * (1 - alpha) / n)
        error = h0["summary/reject_any"][()]
        print(f"{name}: type I error {error:.4f}, alpha {alpha}, {n} replicates, SE {se:.4f}, "
              f"{(error - alpha) / se:+.2f} SE")
        check(abs(error - alpha) <= 3 * se, f"{name}: type I error {error:.4f} not within 3 SE ({se:.4f}) of {alpha}")

        if null_ratio != 1.0:
            return  # the symmetry below holds under HR = 1 only

        # HR estimation under H0 at the interim, against the known answers and recomputed here.
        hr, log_se = h0["replicates/hr"][:, 0], h0["replicates/log_hr_se"][:, 0]
        usable = np.isfinite(hr) & (hr > 0) & np.isfinite(log_se)
        log_hr = np.log(hr[usable]) - math.log(null_ratio)
        bias, bias_se = log_hr.mean(), log_hr.std(ddof=1) / math.sqrt(log_hr.size)
        covered = np.abs(log_hr) <= Z95 * log_se[usable]
        coverage, coverage_se = covered.mean(), covered.std(ddof=1) / math.sqrt(covered.size)
        rows = [t for t in page.tables if t[0][:2] == ["trials", "estimates"]]
        interim = rows[-1][1]  # the H0 table comes last
        check(interim[4] == with_se(bias, bias_se) and interim[5] == with_se(coverage, coverage_se),
              f"{name}: H0 interim estimation row {interim}, recomputed bias {bias:.4f} coverage {coverage:.4f}")
        print(f"{name}: H0 interim: bias of log HR {bias:+.4f} (SE {bias_se:.4f}), coverage {coverage:.4f} "
              f"(SE {coverage_se:.4f})")
        check(abs(bias) <= 3 * bias_se, f"{name}: bias of log HR under H0 {bias:.4f} not within 3 SE of 0")
        check(abs(coverage - 0.95) <= 3 * coverage_se + 0.01, f"{name}: coverage under H0 {coverage:.4f}")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    chromium = browser()
    if chromium is None:
        print("no chromium: skipped (tools/setup installs it)")
        return SKIP
    folder = sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    check_report(chromium, os.path.join(ROOT, "configs", "danger_shock.yaml"), 4000, folder)
    check_report(chromium, os.path.join(ROOT, "configs", "danger_shock_delayed_effect.yaml"), 2000, folder)
    # Non-inferiority: margin 1.3, one-sided 0.025, no true difference under H1; H0 is HR = 1.3.
    check_report(chromium, os.path.join(ROOT, "configs", "danger_shock.yaml"), 2000, folder,
                 "non_inferiority", ["--set", "test.null_hazard_ratio=1.3", "--set", "test.sides=1", "--set",
                                     "test.alpha=0.025", "--set", "arms[1].survival={relative_to_control: "
                                     "{hazard_ratio: 1}}"])
    done = subprocess.run([TOOL, os.path.join(ROOT, "configs", "danger_shock_sweep.yaml"), "-o",
                           os.path.join(folder, "sweep"), "--trialsim", sys.argv[1]], capture_output=True, text=True)
    check(done.returncode == 2 and "has a sweep: block" in done.stderr
          and not os.path.exists(os.path.join(folder, "sweep", "report.html")),
          f"sweep design: exit code {done.returncode}, {done.stderr}")
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
