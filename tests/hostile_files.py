#!/usr/bin/env python3
"""Makes hostile variants of a trialsim results file with h5py, as another
program (or a careless edit) would, for the tests of `trialsim show`.

    hostile_files.py IN OUT [EDIT ...]      IN copied to OUT, then each EDIT applied
    hostile_files.py - OUT [EDIT ...]       a new HDF5 file (no trialsim attributes)

EDIT is one of
    --attr NAME=JSON        set the root attribute NAME (a JSON string, number or list)
    --delattr NAME          remove the root attribute NAME
    --dataset PATH=JSON     replace (or create) the dataset PATH with the JSON value
    --delete PATH           remove the object PATH
    --group PATH            replace the object PATH with an empty group
    --softlink PATH=TARGET  replace PATH with a soft link to TARGET (dangling, or a loop)
    --extlink PATH=FILE     replace PATH with an external link to FILE:/summary
    --keep-checksum         leave the checksum block as it was (stale after an edit);
                            by default it is rewritten for the edited file
    --strip-checksum        copy the objects into a new file without the checksum block
"""

import argparse
import json
import os
import shutil
import zlib

import h5py
import numpy as np


def value_of(text):
    value = json.loads(text)
    return value if isinstance(value, str) else np.array(value)


def split(assignment):
    name, _, value = assignment.partition("=")
    return name, value


def replace(f, path, make):
    if path in f or path in f.get(path.rsplit("/", 1)[0] or "/", {}):
        del f[path]
    make(path)


MAGIC = b"trialsim results file\n"
BLOCK_SIZE = 512


def checksum_block(data):
    """The checksum block (src/io/file_checksum.cpp) of a file whose bytes are `data`: its
    length and zlib's CRC-32 of the block's first two lines and every byte after the block."""
    head = MAGIC + b"length: %020d\n" % len(data)
    crc = zlib.crc32(head + data[BLOCK_SIZE:])
    return (head + b"crc32: %08x\n" % crc).ljust(BLOCK_SIZE, b"\0")


def restamp(path):
    """Rewrites the checksum block of a trialsim file after an edit, as a program that knows
    the format would, so that the edited contents (not the checksum) are what trialsim refuses."""
    with open(path, "r+b") as f:
        data = f.read()
        if not data.startswith(MAGIC):
            return
        f.seek(0)
        f.write(checksum_block(data))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("source")
    parser.add_argument("out")
    parser.add_argument("--attr", action="append", default=[])
    parser.add_argument("--delattr", action="append", default=[])
    parser.add_argument("--dataset", action="append", default=[])
    parser.add_argument("--delete", action="append", default=[])
    parser.add_argument("--group", action="append", default=[])
    parser.add_argument("--softlink", action="append", default=[])
    parser.add_argument("--extlink", action="append", default=[])
    parser.add_argument("--keep-checksum", action="store_true")
    parser.add_argument("--strip-checksum", action="store_true")
    args = parser.parse_args()
    if args.source == "-":
        with h5py.File(args.out, "w") as f:
            f.attrs["creator"] = "another program"
            f.create_dataset("data/x", data=np.arange(10.0))
    else:
        shutil.copyfile(args.source, args.out)
    with h5py.File(args.out, "r+") as f:
        for name, value in map(split, args.attr):
            f.attrs[name] = value_of(value)
        for name in args.delattr:
            del f.attrs[name]
        for path, value in map(split, args.dataset):
            replace(f, path, lambda p, v=value: f.create_dataset(p, data=value_of(v)))
        for path in args.delete:
            del f[path]
        for path in args.group:
            replace(f, path, f.create_group)
        for path, target in map(split, args.softlink):
            replace(f, path, lambda p, t=target: f.__setitem__(p, h5py.SoftLink(t)))
        for path, other in map(split, args.extlink):
            replace(f, path, lambda p, o=other: f.__setitem__(p, h5py.ExternalLink(o, "/summary")))
    if args.strip_checksum:
        # The same objects in a new file without the checksum block.
        copy = args.out + ".copy"
        with h5py.File(args.out, "r") as src, h5py.File(copy, "w") as dst:
            for name, value in src.attrs.items():
                dst.attrs[name] = value
            for name in src:
                src.copy(name, dst)
        os.replace(copy, args.out)
    elif not args.keep_checksum:
        restamp(args.out)


if __name__ == "__main__":
    main()
