"""SPEC §4 figures with Polars, lazily and streaming, on every core.

    bench/.venv/bin/python bench/figures_polars.py FILE [FILE ...] FROM TO

FROM and TO are dd/mm/yyyy or yyyy-mm-dd, both inclusive. Prints the figures
as JSON on stdout in the shape of `cctthc stats --format json` (ky, tong,
theo_cap, theo_don_vi, nhap_lieu) plus `_bench` (in-process times).

The same plan as bench/figures.sql: `scan_csv` with an explicit schema (every
column text), the four date columns parsed from `dd/mm/yyyy HH:MM:SS` to
calendar dates, then ONE streaming pass that counts the rows by their raw
values and by where their dates fall against the period, and counts the
distinct ma_ho_so. Decoding the values (SPEC §1, §2) and the figures (§4)
then work on those few tens of thousands of groups.

Several FILEs are read in the order given and a ma_ho_so read more than once
counts once, as its last reading (SPEC §1.6, as `cctthc stats -i A -i B`):
each row numbered by its file's place and its row index, only the highest
of each ma_ho_so kept. With one FILE a duplicate stops the script (exit 3).

A FILE ending in .xlsx is read with fastexcel (`pl.read_excel(...,
engine="calamine")`, only the columns the figures need; its date cells come
as datetimes): one sheet, canonical headers, as `gen --out F.xlsx` writes it.
"""

import os
import sys
import time
from pathlib import Path

t0 = time.perf_counter()
import polars as pl  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from summary import COUNT_NAMES, output, parse_args  # noqa: E402

COLUMNS = [
    "ma_ho_so", "don_vi", "cap", "ma_thu_tuc", "ten_thu_tuc", "linh_vuc", "kenh",
    "ngay_tiep_nhan", "ngay_hen_tra", "ngay_ket_thuc", "ngay_tra_ket_qua",
    "trang_thai", "so_hoa_ho_so", "so_hoa_ket_qua", "dvc_truc_tuyen",
    "nghia_vu_tai_chinh", "thanh_toan_truc_tuyen", "phi_le_phi",
]
RAW_KEYS = [
    "don_vi", "cap", "kenh", "trang_thai", "so_hoa_ho_so", "so_hoa_ket_qua",
    "dvc_truc_tuyen", "nghia_vu_tai_chinh", "thanh_toan_truc_tuyen",
]
DATE_FORMAT = "%d/%m/%Y %H:%M:%S"
DATES = ["ngay_tiep_nhan", "ngay_hen_tra", "ngay_ket_thuc", "ngay_tra_ket_qua"]

# SPEC §1 spellings, lower-cased; matched after lower() and strip().
YES = ["có", "x", "1", "true", "đã", "yes", "✓"]
NO = ["không", "0", "false", "chưa", "no", ""]
STATUS = {
    "chua": ["mới đăng ký", "không được tiếp nhận", "từ chối tiếp nhận", "1", "3"],
    "dang": ["được tiếp nhận", "đang xử lý", "đang giải quyết", "chờ xử lý", "2", "4"],
    "dung": ["yêu cầu bổ sung giấy tờ", "chờ bổ sung", "yêu cầu thực hiện nghĩa vụ tài chính",
             "tạm dừng", "5", "6"],
    "rut": ["công dân yêu cầu rút hồ sơ", "rút hồ sơ", "xin rút", "7"],
    "tra": ["dừng xử lý", "trả lại", "trả lại hồ sơ", "không đủ điều kiện", "8"],
    "xong": ["đã xử lý xong", "đã trả kết quả", "đã có kết quả", "hoàn thành", "9", "10"],
}
KENH = {
    "tt": ["trực tuyến", "2", "online"],
    "tp": ["trực tiếp", "1", ""],
    "bc": ["bưu chính công ích", "bưu chính", "bcci", "3"],
}
CAP = {
    "xa": ["xa", "xã", "cấp xã", "phường", "thị trấn", "đặc khu"],
    "huyen": ["huyen", "huyện", "cấp huyện"],
    "tinh": ["tinh", "tỉnh", "cấp tỉnh", "sở"],
}
# SPEC §2: the level from the unit's name when `cap` is empty.
UNIT_PREFIXES = [
    ("xa", ["UBND xã ", "UBND phường ", "UBND thị trấn ", "UBND đặc khu "]),
    ("huyen", ["Phòng ", "UBND huyện ", "Văn phòng HĐND và UBND huyện",
               "Chi nhánh Văn phòng đăng ký đất đai"]),
    ("tinh", ["Sở ", "Trung tâm Phục vụ hành chính công tỉnh"]),
]


def words(col):
    """The column lower-cased and stripped, empty for null."""
    return pl.col(col).fill_null("").str.strip_chars().str.to_lowercase()


def classify(col, classes):
    """Decode `col` to the class whose spellings hold it, else null."""
    mapping = {w: cls for cls, ws in classes.items() for w in ws}
    return words(col).replace_strict(mapping, default=None, return_dtype=pl.String)


def yes_no(col, extra_yes=(), extra_no=()):
    return classify(col, {"y": YES + list(extra_yes), "n": NO + list(extra_no)}) == "y"


def level():
    from_cap = classify("cap", CAP)
    from_name = pl.lit(None, dtype=pl.String)
    for lvl, prefixes in reversed(UNIT_PREFIXES):
        cond = pl.any_horizontal([pl.col("don_vi").str.starts_with(p) for p in prefixes])
        from_name = pl.when(cond).then(pl.lit(lvl)).otherwise(from_name)
    return pl.when(words("cap") == "").then(from_name).otherwise(from_cap)


def read(paths):
    """(rows to count, all rows read, whether they were merged): the rows as
    a LazyFrame with text columns, and the dates as text (CSV) or datetimes
    (xlsx)."""
    def one(path, index):
        if path.lower().endswith(".xlsx"):
            cols = ["ma_ho_so"] + RAW_KEYS + DATES
            df = pl.read_excel(path, engine="calamine", columns=cols, schema_overrides={
                c: pl.Datetime if c in DATES else pl.String for c in cols})
            lf = df.lazy()
            return lf.with_row_index("_row") if index else lf
        return pl.scan_csv(path, schema={c: pl.String for c in COLUMNS},
                           row_index_name="_row" if index else None)

    if len(paths) == 1:
        lf = one(paths[0], False)
        return lf, lf, False
    every = pl.concat([
        one(p, True).with_columns(_ord=pl.lit(i, pl.Int64) * 2**40 + pl.col("_row").cast(pl.Int64))
        for i, p in enumerate(paths)
    ])
    last = every.group_by("ma_ho_so").agg(pl.col("_ord").max())
    return every.join(last, on=["ma_ho_so", "_ord"], how="semi"), every, True


def main():
    paths, s, e = parse_args(sys.argv, __doc__)
    for path in paths:
        if not os.path.isfile(path):
            sys.exit(f"no such file: {path}")
    t1 = time.perf_counter()

    lf, every, merged = read(paths)
    t_read = time.perf_counter()

    def day(col):
        if lf.collect_schema()[col] == pl.String:
            return pl.col(col).str.strptime(pl.Date, DATE_FORMAT, strict=True)
        return pl.col(col).cast(pl.Date)

    def scale(d):
        # 0 none, 1 before S, 2 in [S, E], 3 after E
        return (pl.when(d.is_null()).then(0).when(d < s).then(1)
                .when(d <= e).then(2).otherwise(3).cast(pl.Int8))

    rec = pl.col("rec")
    en = pl.col("en")
    due = pl.col("due")
    grouped = (
        lf.with_columns(
            rec=day("ngay_tiep_nhan"),
            due=day("ngay_hen_tra"),
            # ngay_tra_ket_qua stands in for an empty ngay_ket_thuc (SPEC §1)
            en=pl.coalesce(day("ngay_ket_thuc"), day("ngay_tra_ket_qua")),
        )
        .group_by(
            *RAW_KEYS,
            rc=scale(rec),
            ec=scale(en),
            end_vs_due=(en - due).dt.total_days().sign(),
            due_before_e=due < e,
            end_before_rec=en < rec,
        )
        .agg(n=pl.len())
    )
    keys = every.select(rows=pl.len(), distinct=pl.col("ma_ho_so").n_unique())
    groups, keys = pl.collect_all([grouped, keys], engine="streaming")
    t2 = time.perf_counter()

    trung_lap = int(keys["rows"][0] - keys["distinct"][0])
    ended_cls = pl.col("cls").is_in(["xong", "tra", "rut"])
    decoded = groups.with_columns(
        lvl=level(),
        cls=classify("trang_thai", STATUS),
        k=classify("kenh", KENH),
        shs=yes_no("so_hoa_ho_so"),
        skq=yes_no("so_hoa_ket_qua"),
        dvc=yes_no("dvc_truc_tuyen", ["toàn trình", "một phần"], ["cung cấp thông tin"]),
        phi=yes_no("nghia_vu_tai_chinh"),
        tttt=yes_no("thanh_toan_truc_tuyen", ["2"]),
    ).with_columns(
        # only resolved, returned and withdrawn dossiers have ended (SPEC §1)
        endc=pl.when(ended_cls).then(pl.col("ec")).otherwise(0),
    ).with_columns(
        received=(pl.col("cls") != "chua").fill_null(False) & (pl.col("rc") != 0),
        in_ky=pl.col("rc") == 2,
        in_set=(pl.col("rc") == 2) | ((pl.col("rc") == 1) & (pl.col("endc") != 1)),
        ended_by_e=pl.col("endc").is_in([1, 2]),
        bad=(pl.any_horizontal([pl.col(c).is_null() for c in
                                ["cls", "lvl", "k", "shs", "skq", "dvc", "phi", "tttt"]])
             | ((pl.col("cls") != "chua") & (pl.col("rc") == 0))
             | (ended_cls & (pl.col("ec") == 0))
             | (ended_cls & pl.col("end_before_rec").fill_null(False))).fill_null(True),
    )

    c = pl.col
    counted = c("received") & c("in_set")
    resolved = counted & c("ended_by_e") & (c("cls") == "xong")
    pending = counted & ~c("ended_by_e")
    ky = c("received") & c("in_ky")
    conds = {
        "so_dong": pl.lit(True),
        "chua_tiep_nhan": c("cls") == "chua",
        "bad": c("bad"),
        "ky_truoc": counted & ~c("in_ky"),
        "trong_ky": ky,
        "truc_tuyen": ky & (c("k") == "tt"),
        "truc_tiep": ky & (c("k") == "tp"),
        "buu_chinh": ky & (c("k") == "bc"),
        "dg_truoc_han": resolved & (c("end_vs_due") < 0),
        "dg_dung_han": resolved & ((c("end_vs_due") == 0) | c("end_vs_due").is_null()),
        "dg_qua_han": resolved & (c("end_vs_due") > 0),
        "dg_so_hoa_kq": resolved & c("skq"),
        "tra_lai": counted & c("ended_by_e") & (c("cls") == "tra"),
        "rut": counted & c("ended_by_e") & (c("cls") == "rut"),
        "tam_dung": pending & (c("cls") == "dung"),
        "dang_trong_han": pending & (c("cls") != "dung") & ~c("due_before_e").fill_null(False),
        "dang_qua_han": pending & (c("cls") != "dung") & c("due_before_e").fill_null(False),
        "ky_dvc": ky & c("dvc"),
        "ky_phi": ky & c("phi"),
        "ky_phi_tttt": ky & c("phi") & c("tttt"),
        "ky_so_hoa_hs": ky & c("shs"),
    }
    assert list(conds) == COUNT_NAMES
    per_unit = (
        decoded.group_by("lvl", "don_vi")
        .agg(**{name: c("n").filter(cond.fill_null(False)).sum() for name, cond in conds.items()})
        .to_dicts()
    )
    total = {name: 0 for name in COUNT_NAMES}
    levels, units = {}, []
    for r in per_unit:
        counts = {name: int(r[name]) for name in COUNT_NAMES}
        units.append((r["lvl"], r["don_vi"], counts))
        lv = levels.setdefault(r["lvl"], {name: 0 for name in COUNT_NAMES})
        for name in COUNT_NAMES:
            lv[name] += counts[name]
            total[name] += counts[name]
    t3 = time.perf_counter()
    output(total, levels, units, trung_lap, s, e, "polars", {
        "import_s": round(t1 - t0, 4),
        "read_s": round(t_read - t1, 4),  # reading an .xlsx (CSV: lazy, in scan_s)
        "scan_s": round(t2 - t1, 4),
        "query_s": round(t3 - t1, 4),
        "version": pl.__version__,
        "threads": pl.thread_pool_size(),
        "files": len(paths),
    }, merged=merged)


if __name__ == "__main__":
    main()
