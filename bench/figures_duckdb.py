"""SPEC §4 figures with DuckDB: runs bench/figures.sql on one CSV.

    bench/.venv/bin/python bench/figures_duckdb.py FILE FROM TO

FROM and TO are dd/mm/yyyy or yyyy-mm-dd, both inclusive. Prints the figures
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
from summary import COUNT_NAMES, output, parse_day  # noqa: E402


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    path, s, e = sys.argv[1], parse_day(sys.argv[2]), parse_day(sys.argv[3])
    if not os.path.isfile(path):
        sys.exit(f"no such file: {path}")
    sql = (Path(__file__).resolve().parent / "figures.sql").read_text(encoding="utf-8")
    sql = (sql.replace("${FILE}", path.replace("'", "''"))
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
    })


if __name__ == "__main__":
    main()
