"""SPEC §4 figures with DuckDB: runs bench/figures.sql on one CSV, or on
several read as one input with their duplicates merged.

    bench/.venv/bin/python bench/figures_duckdb.py FILE [FILE ...] FROM TO

FROM and TO are dd/mm/yyyy or yyyy-mm-dd, both inclusive. Several FILEs are
read in the order given and a ma_ho_so read more than once counts once, as
its last reading (SPEC §1.6, as `cctthc stats -i A -i B`); with one FILE a
duplicate stops the script (exit 3). Prints the figures
as JSON on stdout in the shape of `cctthc stats --format json` (ky, tong,
theo_cap, theo_don_vi, nhap_lieu) plus `_bench` (in-process times). DuckDB
runs on every core (threads = os.cpu_count()), reading the CSV in parallel
with explicit column types; the date columns are parsed by the reader
(TIMESTAMP with the `dd/mm/yyyy HH:MM:SS` format) and cast to dates.
"""

import os
import sys
import time
from pathlib import Path

t0 = time.perf_counter()
import duckdb  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from summary import COUNT_NAMES, output, parse_args  # noqa: E402


def main():
    paths, s, e = parse_args(sys.argv, __doc__)
    for path in paths:
        if not os.path.isfile(path):
            sys.exit(f"no such file: {path}")
    merged = len(paths) > 1
    sql = (Path(__file__).resolve().parent / "figures.sql").read_text(encoding="utf-8")
    if not merged:
        sql = "\n".join(line for line in sql.splitlines() if not line.endswith("-- merge"))
    quoted = ["'" + p.replace("'", "''") + "'" for p in paths]
    files = f"[{', '.join(quoted)}]" if merged else quoted[0]
    sql = (sql.replace("${FILES}", files)
              .replace("${FROM}", s.isoformat())
              .replace("${TO}", e.isoformat()))
    con = duckdb.connect(config={
        "threads": os.cpu_count(),
        "preserve_insertion_order": False,
    })
    t1 = time.perf_counter()
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r)) for r in cur.fetchall()]
    t2 = time.perf_counter()

    total, levels, units, trung_lap = None, {}, [], 0
    for r in rows:
        c = {k: int(r[k]) for k in COUNT_NAMES}
        trung_lap = int(r["trung_lap"])
        if r["g"] == 3:
            total = c
        elif r["g"] == 1:
            levels[r["lvl"]] = c
        else:
            units.append((r["lvl"], r["don_vi"], c))
    if total is None:
        sys.exit("duckdb: the file has no rows")
    output(total, levels, units, trung_lap, s, e, "duckdb", {
        "import_s": round(t1 - t0, 4),
        "query_s": round(t2 - t1, 4),
        "version": duckdb.__version__,
        "threads": os.cpu_count(),
        "files": len(paths),
    }, merged=merged)


if __name__ == "__main__":
    main()
