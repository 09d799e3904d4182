#!/usr/bin/env python3
"""Check that every Parquet table of a newslens run reads back equal to its CSV form.

    python3 tests/parquet_check.py PARQUET_DIR CSV_DIR

PARQUET_DIR is the output of a run with --format parquet, CSV_DIR the output of the same run
with --format csv. For every NAME.csv in CSV_DIR, NAME.parquet must exist in PARQUET_DIR and
read back — with pandas (pyarrow) and with DuckDB — as the same table: the same columns in the
same order, the same rows in the same order, equal values, and a null exactly where the CSV
cell is empty. Text columns are compared as text (the CSV read with dtype=str), numbers as
numbers (exactly: both files hold the shortest round-trip form). Exit status 0: all equal;
1: a difference (printed); 3: pandas/pyarrow missing; DuckDB missing is reported and, with
the environment variable CI set, an error (exit 3).
"""
import math
import os
import sys

try:
    import pandas as pd
    import pyarrow.parquet as pq
except ImportError:
    print("pandas and pyarrow are needed", file=sys.stderr)
    sys.exit(3)
try:
    import duckdb
except ImportError:
    duckdb = None


def same(a, b):
    a_null = a is None or (isinstance(a, float) and math.isnan(a)) or a is pd.NA
    b_null = b is None or (isinstance(b, float) and math.isnan(b)) or b is pd.NA
    if a_null or b_null:
        return a_null and b_null
    if isinstance(a, str) or isinstance(b, str):
        return str(a) == str(b)
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a) == bool(b)
    return float(a) == float(b)


def compare(name, expected, got, how):
    if list(expected.columns) != list(got.columns):
        return f"{name} ({how}): columns {list(got.columns)} != {list(expected.columns)}"
    if len(expected) != len(got):
        return f"{name} ({how}): {len(got)} rows != {len(expected)}"
    for col in expected.columns:
        for i, (a, b) in enumerate(zip(expected[col].tolist(), got[col].tolist())):
            if not same(a, b):
                return f"{name} ({how}): row {i}, column {col}: {b!r} != {a!r}"
    return None


def main():
    pq_dir, csv_dir = sys.argv[1], sys.argv[2]
    if duckdb is None:
        print("duckdb is not installed: checked with pandas only", file=sys.stderr)
        if os.environ.get("CI"):
            sys.exit(3)
    errors, checked = [], 0
    for f in sorted(os.listdir(csv_dir)):
        if not f.endswith(".csv"):
            continue
        name = f[:-4]
        path = os.path.join(pq_dir, name + ".parquet")
        if not os.path.exists(path):
            errors.append(f"{name}.parquet missing")
            continue
        schema = pq.read_schema(path)
        text = [fld.name for fld in schema if str(fld.type) in ("string", "large_string")]
        csv = pd.read_csv(
            os.path.join(csv_dir, f),
            dtype={c: str for c in text},
            keep_default_na=False,
            na_values={c: [""] for c in schema.names},
            encoding="utf-8-sig",
        )
        got = pd.read_parquet(path)
        err = compare(name, csv, got, "pandas")
        if err is None and duckdb is not None:
            con = duckdb.connect()
            err = compare(name, csv, con.execute("SELECT * FROM read_parquet(?)", [path]).df(), "duckdb")
            con.close()
        if err:
            errors.append(err)
        checked += 1
    for e in errors:
        print(e)
    print(f"{checked} tables checked, {len(errors)} differ")
    sys.exit(1 if errors or checked == 0 else 0)


if __name__ == "__main__":
    main()
