#!/usr/bin/env python3
"""Reads trialsim's --format csv or json output with Python's own csv and json
modules, as a user's script would, and prints it one value per line so that a
C++ test can compare the values with the results file's:

    flatten_output.py csv|json FILE

    field NAME VALUE        a run-level field (json only)
    cell ROW COLUMN VALUE   row ROW (from 0), column COLUMN
    columns NAME,NAME,...   the column names in order

VALUE is a number as Python's repr of a float (the shortest text that reads
back as the same double; 360 reads as 360.0 from CSV and JSON alike), null for a JSON null or an empty CSV cell, and text as a JSON
string. Exit code 1 when the input is not valid CSV/JSON of that shape (a
JSON row with other keys than the first row, a CSV row of another length).
"""

import csv
import json
import sys


def text(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        raise ValueError("booleans are not expected")
    if isinstance(value, (int, float)):
        return repr(float(value))
    if isinstance(value, list):
        return json.dumps(value)
    return json.dumps(value)


def main(kind, path):
    with open(path, newline="") as stream:
        if kind == "json":
            document = json.load(stream, parse_constant=lambda name: sys.exit(f"{name} is not JSON"))
            rows = document.pop("rows")
            for name, value in document.items():
                print("field", name, text(value))
            columns = list(rows[0].keys()) if rows else []
            for number, row in enumerate(rows):
                if list(row.keys()) != columns:
                    sys.exit(f"row {number} has other keys than row 0")
                for name in columns:
                    print("cell", number, name, text(row[name]))
        else:
            table = list(csv.reader(stream, strict=True))
            columns, rows = table[0], table[1:]
            for number, row in enumerate(rows):
                if len(row) != len(columns):
                    sys.exit(f"row {number} has {len(row)} cells, the header {len(columns)}")
                for name, cell in zip(columns, row):
                    if cell == "":
                        value = None
                    else:
                        try:
                            value = float(cell)
                        except ValueError:
                            value = cell
                    print("cell", number, name, text(value))
    print("columns", ",".join(columns))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
