#!/usr/bin/env python3
"""Reads a trialsim results file with h5py, as a user's script would, and checks
its layout (README "Output file"): names, shapes, dtypes and a few invariants.

    read_results.py check FILE [--expect PATH=VALUE ...]
        PATH is a dataset ("summary/power", "replicates/z[3,1]",
        "summary/look_names[0]") or a root attribute ("@seed"). VALUE compares
        exactly: numbers (nan, inf, -inf allowed) or text.
    read_results.py foreign OUT        an HDF5 file without trialsim's attributes
    read_results.py reshape IN OUT     IN with /replicates/z made one-dimensional
    (reshape, delete and future rewrite the checksum block for the edited file)
    read_results.py delete IN OUT PATH IN without the dataset PATH
    read_results.py future IN OUT      IN as a later format: format_version 3, filetype
                                       as a fixed-length string (as other writers make them)

tests/test_io.cpp runs it on files the C++ writer made; exit code 0 when
every check holds, 1 with the failed check on stderr otherwise.
"""

import argparse
import math
import os
import re
import shutil
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile_files import BLOCK_SIZE, checksum_block, restamp  # noqa: E402

QUANTILE_LEVELS = [0.05, 0.25, 0.50, 0.75, 0.95]
PER_LOOK = [
    "reject_probability", "reject_se", "harm_probability", "harm_se",
    "futility_probability", "futility_se", "stop_probability", "stop_se",
    "performed_probability", "trigger_missed_probability", "boundary_z",
    "nominal_alpha", "futility_z", "information_fraction", "mean_z",
    "expected_events", "expected_time",
]
DISTRIBUTIONS = ["events", "events_control", "events_treatment", "enrolled", "time", "hr"]
REPLICATE_COLUMNS = {
    "performed": "u1", "z": "f8", "hr": "f8", "log_hr_se": "f8", "events": "f8", "events_control": "f8",
    "events_treatment": "f8", "time": "f8", "enrolled": "f8", "decision": "i1",
    "trigger_reached": "f8",
}
# Measurements: NaN exactly where the look was not performed (z and hr may also be NaN elsewhere).
MEASURED_EVERYWHERE = ["events", "events_control", "events_treatment", "time", "enrolled", "trigger_reached"]
PATIENT_COLUMNS = {
    "replicate": "i8", "entry": "f8", "arm": "u1", "received": "u1",
    "stratum": "u2", "analysed": "u1", "follow_up": "f8", "event": "u1",
}


def require(condition, message):
    if not condition:
        raise AssertionError(message)


def dataset(group, name, shape, dtype):
    require(name in group, f"{group.name}/{name}: missing")
    d = group[name]
    require(isinstance(d, h5py.Dataset), f"{d.name}: not a dataset")
    require(d.shape == tuple(shape), f"{d.name}: shape {d.shape}, expected {tuple(shape)}")
    require(d.dtype == np.dtype(dtype), f"{d.name}: dtype {d.dtype}, expected {np.dtype(dtype)}")
    return d


def text_attribute(obj, name):
    require(name in obj.attrs, f"{obj.name}: attribute {name} missing")
    value = obj.attrs[name]
    require(isinstance(value, str), f"{obj.name}: attribute {name} is {type(value).__name__}, expected str")
    return value


def check_root(f):
    require(text_attribute(f, "filetype") == "trialsim results", "filetype")
    require(int(f.attrs["format_version"]) == 2, "format_version")
    for name in ["trialsim_version", "git_sha", "config_yaml", "design_name", "time_unit"]:
        text_attribute(f, name)
    require(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", text_attribute(f, "created_utc")), "created_utc")
    require(f.attrs["seed"].dtype == np.uint64, "seed: expected uint64")
    require(text_attribute(f, "seed_text") == str(int(f.attrs["seed"])), "seed_text: the seed in decimal")
    if "start_date" in f.attrs:
        require(re.fullmatch(r"\d{4}-\d\d-\d\d", text_attribute(f, "start_date")), "start_date: ISO yyyy-mm-dd")
    require(f.attrs["replicates"].dtype == np.int64, "replicates: expected int64")
    return int(f.attrs["replicates"])


def check_distribution(group, shape):
    dataset(group, "count", shape, "i8")
    dataset(group, "mean", shape, "f8")
    dataset(group, "sd", shape, "f8")
    dataset(group, "quantiles", shape + (5,), "f8")
    require(list(group.attrs["quantile_levels"]) == QUANTILE_LEVELS, f"{group.name}: quantile_levels")
    require(list(group["quantiles"].attrs["quantile_levels"]) == QUANTILE_LEVELS,
            f"{group.name}/quantiles: quantile_levels")


def check_summary(f):
    summary = f["summary"]
    names = summary["look_names"]
    require(names.ndim == 1 and h5py.check_string_dtype(names.dtype) is not None, "look_names: 1-D strings")
    looks = names.shape[0]
    for name in ["power", "power_se", "reject_any", "reject_any_se"]:
        dataset(summary, name, (), "f8")
    for name in PER_LOOK:
        dataset(summary, name, (looks,), "f8")
    for name in DISTRIBUTIONS:
        check_distribution(summary[name], (looks,))
    for name in ["events", "enrolled", "time"]:
        check_distribution(summary["at_stop"][name], ())
    require(np.array_equal(summary["expected_events"][()], summary["events/mean"][()], equal_nan=True),
            "expected_events == events/mean")
    require(np.array_equal(summary["expected_time"][()], summary["time/mean"][()], equal_nan=True),
            "expected_time == time/mean")
    return looks


def check_replicates(f, replicates, looks):
    group = f["replicates"]
    for name, dtype in REPLICATE_COLUMNS.items():
        d = dataset(group, name, (replicates, looks), dtype)
        text_attribute(d, "description")
        if replicates > 0:
            require(d.chunks is not None and d.chunks[1] == looks, f"{d.name}: chunked by rows")
            require(d.compression in (None, "gzip"), f"{d.name}: compression {d.compression}")
    stop_look = dataset(group, "stop_look", (replicates,), "i1")
    text_attribute(stop_look, "description")
    require("4 final look" in text_attribute(group["decision"], "description"), "decision codes described")
    decision = group["decision"][()]
    require(np.all((decision >= -1) & (decision <= 4)), "decision codes within -1..4")
    require(np.array_equal(group["events"][()], group["events_control"][()] + group["events_treatment"][()],
                           equal_nan=True), "events == events_control + events_treatment")
    performed = group["performed"][()] == 1
    if "compare_decision" not in group:
        require(np.array_equal(performed, decision != -1), "performed == (decision != -1) without test.compare")
    for name in MEASURED_EVERYWHERE:
        values = group[name][()]
        require(np.array_equal(np.isnan(values), ~performed), f"{name}: NaN exactly where the look was not performed")
    for name in ["z", "hr"]:
        require(np.all(np.isnan(group[name][()][~performed])), f"{name}: NaN where the look was not performed")
    stops = stop_look[()]
    require(np.all((stops >= 0) & (stops < looks)), "stop_look within the looks")


def check_patients(f, looks):
    if "patients" not in f:
        return 0
    group = f["patients"]
    patients = group["replicate"].shape[0]
    for name, dtype in PATIENT_COLUMNS.items():
        dataset(group, name, (patients,), dtype)
    dataset(group, "time", (patients, looks), "f8")
    dataset(group, "status", (patients, looks), "u1")
    return patients


def parse_value(text):
    for number in (int, float):
        try:
            return number(text)
        except ValueError:
            pass
    return text


def lookup(f, path):
    if path.startswith("@"):
        return f.attrs[path[1:]]
    match = re.fullmatch(r"([^\[]+)(?:\[([0-9, ]+)\])?", path)
    require(match is not None, f"cannot parse {path}")
    d = f[match.group(1)]
    if match.group(2) is None:
        return d[()]
    index = tuple(int(i) for i in match.group(2).split(","))
    return d[index]


def same(found, expected):
    if isinstance(found, bytes):
        found = found.decode("utf-8")
    if isinstance(expected, str):
        return str(found) == expected
    if isinstance(expected, int) and isinstance(found, (int, np.integer)):
        return int(found) == expected  # exact, even for uint64 beyond float precision
    found, expected = float(found), float(expected)
    return (math.isnan(found) and math.isnan(expected)) or found == expected


def check_descriptions(f):
    """Every group and dataset carries a non-empty description attribute."""
    missing = []

    def visit(name, obj):
        description = obj.attrs.get("description")
        if not isinstance(description, str) or not description:
            missing.append(name)

    visit("/", f)
    f.visititems(visit)
    require(not missing, f"objects without a description: {missing[:10]}")


def check(arguments):
    # The checksum block, recomputed here with zlib's CRC-32 (an implementation of its own).
    with open(arguments.file, "rb") as raw:
        data = raw.read()
    require(data[:BLOCK_SIZE] == checksum_block(data), "the checksum block does not match the file")
    with h5py.File(arguments.file, "r") as f:
        require(f.userblock_size == BLOCK_SIZE, f"user block of {f.userblock_size} bytes")
        require(f["replicates/z"].fletcher32, "/replicates/z has no Fletcher32 filter")
        check_descriptions(f)
        replicates = check_root(f)
        looks = check_summary(f)
        check_replicates(f, replicates, looks)
        patients = check_patients(f, looks)
        dataset(f["runtime"], "seconds", (), "f8")
        dataset(f["runtime"], "threads", (), "i4")
        for expectation in arguments.expect:
            path, _, value = expectation.partition("=")
            found = lookup(f, path)
            require(same(found, parse_value(value)), f"{path}: found {found!r}, expected {value}")
        names = [n.decode("utf-8") for n in f["summary/look_names"][()]]
        print(f"{f.attrs['design_name']}: {replicates} replicates, looks {names}, {patients} patients, "
              f"power {f['summary/power'][()]:.4f}")


def foreign(arguments):
    with h5py.File(arguments.output, "w") as f:
        f["data"] = np.arange(10.0)
        f.attrs["creator"] = "h5py"


def reshape(arguments):
    shutil.copyfile(arguments.input, arguments.output)
    with h5py.File(arguments.output, "r+") as f:
        z = f["replicates/z"][()]
        del f["replicates/z"]
        f["replicates/z"] = z[:, 0]
    restamp(arguments.output)  # a deliberate edit: the layout, not the checksum, is what is refused


def delete(arguments):
    shutil.copyfile(arguments.input, arguments.output)
    with h5py.File(arguments.output, "r+") as f:
        del f[arguments.path]
    restamp(arguments.output)


def future(arguments):
    shutil.copyfile(arguments.input, arguments.output)
    with h5py.File(arguments.output, "r+") as f:
        f.attrs["filetype"] = np.bytes_(b"trialsim results")
        f.attrs["format_version"] = np.int32(3)
    restamp(arguments.output)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    check_parser = commands.add_parser("check")
    check_parser.add_argument("file")
    check_parser.add_argument("--expect", action="append", default=[])
    check_parser.set_defaults(run=check)
    foreign_parser = commands.add_parser("foreign")
    foreign_parser.add_argument("output")
    foreign_parser.set_defaults(run=foreign)
    reshape_parser = commands.add_parser("reshape")
    reshape_parser.add_argument("input")
    reshape_parser.add_argument("output")
    reshape_parser.set_defaults(run=reshape)
    delete_parser = commands.add_parser("delete")
    delete_parser.add_argument("input")
    delete_parser.add_argument("output")
    delete_parser.add_argument("path")
    delete_parser.set_defaults(run=delete)
    future_parser = commands.add_parser("future")
    future_parser.add_argument("input")
    future_parser.add_argument("output")
    future_parser.set_defaults(run=future)
    arguments = parser.parse_args()
    try:
        arguments.run(arguments)
    except (AssertionError, KeyError) as error:
        print(f"read_results.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
