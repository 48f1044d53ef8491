"""Shared by figures_duckdb.py and figures_polars.py: turns the raw counts of
one group (total, level or unit) into the SUMMARY object of SPEC §5, and the
groups into the JSON that `cctthc stats --format json` prints (the keys
compare.py compares: ky, tong, theo_cap, theo_don_vi, nhap_lieu).

Standard library only, so it costs the engines nothing to import.
"""

import datetime as _dt
import json
import sys
from decimal import ROUND_HALF_UP, Decimal

# The counts both engines compute for every group, in this order.
COUNT_NAMES = [
    "so_dong", "chua_tiep_nhan", "bad",
    "ky_truoc", "trong_ky", "truc_tuyen", "truc_tiep", "buu_chinh",
    "dg_truoc_han", "dg_dung_han", "dg_qua_han", "dg_so_hoa_kq",
    "tra_lai", "rut", "tam_dung", "dang_trong_han", "dang_qua_han",
    "ky_dvc", "ky_phi", "ky_phi_tttt", "ky_so_hoa_hs",
]


def parse_day(text):
    """dd/mm/yyyy or yyyy-mm-dd (as cctthc's --from/--to take them)."""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return _dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    sys.exit(f"bad date '{text}': expected dd/mm/yyyy or yyyy-mm-dd")


def parse_args(argv, doc):
    """FILE [FILE ...] FROM TO of the engines' command line: (files, from, to)."""
    if len(argv) < 4:
        sys.exit(doc)
    return argv[1:-2], parse_day(argv[-2]), parse_day(argv[-1])


def phan_tram(tu, mau):
    """SPEC §4: exact decimal, half away from zero, 2 places; None if mau is 0."""
    if mau == 0:
        return None
    q = (Decimal(tu) * 100 / Decimal(mau)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{q:.2f}"


def ratio(tu, mau):
    return {"tu_so": tu, "mau_so": mau, "phan_tram": phan_tram(tu, mau)}


def summary(c):
    """SPEC §5 SUMMARY from one group's counts (a dict of COUNT_NAMES)."""
    dg = c["dg_truoc_han"] + c["dg_dung_han"] + c["dg_qua_han"]
    dang = c["dang_trong_han"] + c["dang_qua_han"]
    return {
        "tiep_nhan": {
            "tong": c["trong_ky"] + c["ky_truoc"],
            "trong_ky": c["trong_ky"],
            "truc_tuyen": c["truc_tuyen"],
            "truc_tiep": c["truc_tiep"],
            "buu_chinh": c["buu_chinh"],
            "ky_truoc": c["ky_truoc"],
        },
        "da_giai_quyet": {
            "tong": dg,
            "truoc_han": c["dg_truoc_han"],
            "dung_han": c["dg_dung_han"],
            "qua_han": c["dg_qua_han"],
        },
        "dang_giai_quyet": {
            "tong": dang,
            "trong_han": c["dang_trong_han"],
            "qua_han": c["dang_qua_han"],
        },
        "tam_dung": c["tam_dung"],
        "tra_lai": c["tra_lai"],
        "rut": c["rut"],
        "ty_le": {
            "truc_tuyen": ratio(c["truc_tuyen"], c["ky_dvc"]),
            "thanh_toan_truc_tuyen": ratio(c["ky_phi_tttt"], c["ky_phi"]),
            "so_hoa_dau_vao": ratio(c["ky_so_hoa_hs"], c["trong_ky"]),
            "so_hoa_dau_ra": ratio(c["dg_so_hoa_kq"], dg),
            "dung_han": ratio(c["dg_truoc_han"] + c["dg_dung_han"], dg),
        },
    }


def output(total, levels, units, trung_lap, s, e, engine, timings, merged=False):
    """Checks the guards, then prints the figures as JSON on stdout.

    total: counts dict; levels: {lvl: counts}; units: [(lvl, don_vi, counts)].
    merged: the counts are of the rows left once duplicates were merged
    (SPEC §1.6), so the rows read are those plus the trung_lap merged away.
    Exits 3 (as cctthc does on invalid rows) if a guard fired.
    """
    problems = []
    if total["bad"]:
        problems.append(
            f"{total['bad']} rows hold a value this benchmark does not decode "
            "(status, channel, yes/no, level, missing or inverted dates)")
    if None in levels or any(lvl is None for lvl, _, _ in units):
        problems.append("rows without a level")
    if trung_lap and not merged:
        problems.append(
            f"{trung_lap} duplicate ma_ho_so rows: SPEC §1 merges them, this benchmark only "
            "does when given several files")
    if problems:
        for p in problems:
            print(f"{engine}: {p}; its figures would not be SPEC §4's", file=sys.stderr)
        sys.exit(3)
    so_dong = total["so_dong"] + (trung_lap if merged else 0)
    out = {
        "ky": {"tu_ngay": s.isoformat(), "den_ngay": e.isoformat()},
        "tong": summary(total),
        "theo_cap": {lvl: summary(levels[lvl]) for lvl in sorted(levels)},
        "theo_don_vi": [
            {"don_vi": dv, "cap": lvl, **summary(c)}
            for lvl, dv, c in sorted(units, key=lambda u: (u[0], u[1]))
            if c["so_dong"] > c["chua_tiep_nhan"]
        ],
        "nhap_lieu": {
            "so_dong": so_dong,
            "ho_so": so_dong - trung_lap - total["chua_tiep_nhan"],
            "trung_lap": trung_lap,
            "chua_tiep_nhan": total["chua_tiep_nhan"],
            "loi": 0,
        },
        "_bench": {"engine": engine, **timings},
    }
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
