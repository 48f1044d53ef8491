"""Checks that cctthc, DuckDB and Polars give the same figures, and writes
bench/RESULTS.md from the timings bench/run.sh collects.

    python3 bench/compare.py check CCTTHC.json DUCKDB.json POLARS.json
        Compares every figure of SPEC §4 (tiep_nhan.*, da_giai_quyet.*,
        dang_giai_quyet.*, tam_dung, tra_lai, rut, each ratio's tu_so, mau_so
        and phan_tram) for `tong`, each level of `theo_cap` and each unit of
        `theo_don_vi`, the period (`ky`) and the input accounting
        (`nhap_lieu`). Also checks in each file that
        tong = da_giai_quyet + dang_giai_quyet + tam_dung + tra_lai + rut.
        Exit 0 when all agree, 1 with a table of the differences.

    python3 bench/compare.py check [OPTIONS] A.json B.json [C.json]
        The same for two or three outputs. Options (before the files):
          --names a,b[,c]    what to call them (default cctthc,duckdb,polars)
          --expect KEY=N     every file must also have KEY (e.g.
                             nhap_lieu.trung_lap) equal to N
          --figures-only     leave `nhap_lieu` out (the same dossiers read from
                             different files: the figures agree, not the rows)

    python3 bench/compare.py results DIR
        Writes DIR/../RESULTS.md (bench/RESULTS.md) from DIR/times.tsv,
        DIR/meta.json and the JSON outputs the runs left in DIR.

Standard library only: runs with the system python3.
"""

import json
import os
import statistics
import sys
from pathlib import Path

FIGURES = [
    "tiep_nhan.tong", "tiep_nhan.trong_ky", "tiep_nhan.truc_tuyen",
    "tiep_nhan.truc_tiep", "tiep_nhan.buu_chinh", "tiep_nhan.ky_truoc",
    "da_giai_quyet.tong", "da_giai_quyet.truoc_han", "da_giai_quyet.dung_han",
    "da_giai_quyet.qua_han",
    "dang_giai_quyet.tong", "dang_giai_quyet.trong_han", "dang_giai_quyet.qua_han",
    "tam_dung", "tra_lai", "rut",
] + [
    f"ty_le.{r}.{part}"
    for r in ["truc_tuyen", "thanh_toan_truc_tuyen", "so_hoa_dau_vao", "so_hoa_dau_ra", "dung_han"]
    for part in ["tu_so", "mau_so", "phan_tram"]
]
MISSING = "(missing)"


def get(obj, path):
    for part in path.split("."):
        if not isinstance(obj, dict) or part not in obj:
            return MISSING
        obj = obj[part]
    return obj


def scopes(doc):
    """(scope name, SUMMARY) for the total, each level and each unit."""
    out = {"tong": doc.get("tong")}
    for lvl, summ in (doc.get("theo_cap") or {}).items():
        out[f"theo_cap.{lvl}"] = summ
    for u in doc.get("theo_don_vi") or []:
        out[f"theo_don_vi[{u.get('cap')}/{u.get('don_vi')}]"] = u
    return out


def is_zero(summary):
    return all(get(summary, f) in (0, None) for f in FIGURES)


def invariant_problems(name, doc):
    problems = []
    for scope, s in scopes(doc).items():
        if s is None:
            problems.append(f"{name}: {scope} is missing")
            continue
        parts = ["da_giai_quyet.tong", "dang_giai_quyet.tong", "tam_dung", "tra_lai", "rut"]
        vals = [get(s, p) for p in parts]
        tong = get(s, "tiep_nhan.tong")
        if MISSING not in vals and tong != MISSING and sum(vals) != tong:
            problems.append(f"{name}: {scope}: tiep_nhan.tong {tong} != "
                            f"{' + '.join(map(str, vals))} (SPEC §4 buckets)")
    return problems


def check(args):
    names = ["cctthc", "duckdb", "polars"]
    expect, input_keys = [], True
    while args and args[0].startswith("--"):
        opt = args.pop(0)
        if opt == "--names" and args:
            names = args.pop(0).split(",")
        elif opt == "--expect" and args and "=" in args[0]:
            key, value = args.pop(0).split("=", 1)
            expect.append((key, int(value)))
        elif opt == "--figures-only":
            input_keys = False
        else:
            sys.exit(__doc__)
    paths = args
    if len(paths) not in (2, 3) or len(names) < len(paths):
        sys.exit(__doc__)
    names = names[: len(paths)]
    docs = []
    for p in paths:
        try:
            docs.append(json.loads(Path(p).read_text(encoding="utf-8")))
        except (OSError, ValueError) as e:
            print(f"cannot read {p}: {e}", file=sys.stderr)
            return 1
    diffs = []  # (scope, figure, values)
    top_keys = ["ky.tu_ngay", "ky.den_ngay"]
    if input_keys:
        top_keys += ["nhap_lieu.so_dong", "nhap_lieu.ho_so", "nhap_lieu.trung_lap",
                    "nhap_lieu.chua_tiep_nhan", "nhap_lieu.loi"]
    for key in top_keys:
        vals = [get(d, key) for d in docs]
        if len(set(map(json.dumps, vals))) > 1:
            diffs.append(("", key, vals))
    expected = []
    for key, value in expect:
        vals = [get(d, key) for d in docs]
        if any(v != value for v in vals):
            diffs.append(("", f"{key} (expected {value})", vals))
        else:
            expected.append(f"{key} = {value}")
    all_scopes = [scopes(d) for d in docs]
    keys = []
    for sc in all_scopes:
        keys += [k for k in sc if k not in keys]
    compared = 0
    for scope in keys:
        present = [sc.get(scope) for sc in all_scopes]
        if any(s is None for s in present):
            # A unit only one side lists is fine if it has nothing to count.
            if all(s is None or is_zero(s) for s in present):
                continue
            diffs.append((scope, "(present)", ["yes" if s is not None else "no" for s in present]))
            continue
        for f in FIGURES:
            vals = [get(s, f) for s in present]
            compared += 1
            if len(set(map(json.dumps, vals))) > 1:
                diffs.append((scope, f, vals))
    problems = [p for n, d in zip(names, docs) for p in invariant_problems(n, d)]
    if not diffs and not problems:
        print(f"agree: {compared} figures in {len(keys)} scopes "
              f"(tong, {sum(k.startswith('theo_cap') for k in keys)} levels, "
              f"{sum(k.startswith('theo_don_vi') for k in keys)} units), "
              f"period {get(docs[0], 'ky.tu_ngay')}..{get(docs[0], 'ky.den_ngay')}"
              + ("" if input_keys else ", nhap_lieu not compared")
              + "".join(f", {e}" for e in expected)
              + ("" if names == ["cctthc", "duckdb", "polars"] else f" ({' / '.join(names)})"))
        return 0
    if diffs:
        print(f"DISAGREE: {len(diffs)} figures differ ({' / '.join(names)}):")
        w = max(len(f"{s} {f}") for s, f, _ in diffs)
        for s, f, vals in diffs[:60]:
            odd = ""
            if len(vals) == 3:
                if vals[1] == vals[2] != vals[0]:
                    odd = f"  <- {names[0]} alone"
                elif vals[0] == vals[1] != vals[2]:
                    odd = f"  <- {names[2]} alone"
                elif vals[0] == vals[2] != vals[1]:
                    odd = f"  <- {names[1]} alone"
            print(f"  {(s + ' ' + f).strip():<{w}}  " + "  ".join(f"{v!s:>10}" for v in vals) + odd)
        if len(diffs) > 60:
            print(f"  … and {len(diffs) - 60} more")
    for p in problems[:20]:
        print(f"INVARIANT: {p}")
    if len(problems) > 20:
        print(f"INVARIANT: … and {len(problems) - 20} more")
    return 1


# ---------------------------------------------------------------- results

TOOLS = ["cctthc", "duckdb", "polars", "cat"]
LABEL = {"cctthc": "cctthc", "duckdb": "DuckDB", "polars": "Polars", "cat": "`cat > /dev/null`"}
XLSX_LABEL = {**LABEL, "polars": "Polars + fastexcel"}


def fmt_int(n):
    return f"{n:,}".replace(",", " ")


def fmt_s(x):
    return f"{x:.3f}" if x < 10 else f"{x:.2f}"


def size_sections(L, stats, files, title, label=LABEL):
    """A section per size of `stats` (one shape's runs): each tool's times,
    and the rows of the summary (size, MB, median per tool)."""
    sizes = sorted({r["size"] for r in stats})
    summary_rows = []
    for size in sizes:
        info = files[str(size)]
        mb = info["bytes"] / 1e6
        L.append(f"## {title(size, mb)}".replace(",", " "))
        L.append("")
        L.append("| tool | median s | min–max s | MB/s | rows/s | CPU s (user+sys) | peak RSS MB "
                 "| cctthc time ÷ this |")
        L.append("|---|--:|--:|--:|--:|--:|--:|--:|")
        med = {}
        for tool in TOOLS:
            rs = [r for r in stats if r["size"] == size and r["tool"] == tool]
            if not rs:
                continue
            walls = [r["wall"] for r in rs]
            med[tool] = statistics.median(walls)
        for tool in TOOLS:
            rs = [r for r in stats if r["size"] == size and r["tool"] == tool]
            if not rs:
                continue
            walls = [r["wall"] for r in rs]
            m = med[tool]
            rss = statistics.median([r["rss"] for r in rs]) / 1024
            cpu = statistics.median([r["user"] + r["sys"] for r in rs])
            ratio = "—" if tool == "cctthc" else f"{med['cctthc'] / m:.2f}×"
            L.append(f"| {label[tool]} | {fmt_s(m)} | {fmt_s(min(walls))}–{fmt_s(max(walls))} | "
                     f"{mb / m:,.0f} | {fmt_int(round(size / m))} | {cpu:.2f} | {rss:,.0f} | "
                     f"{ratio} |".replace(",", " "))
        # In-process times of the engines (from their own JSON).
        inproc = []
        for tool in ["duckdb", "polars"]:
            qs, imps = [], []
            for r in stats:
                if r["size"] == size and r["tool"] == tool and r["out"]:
                    try:
                        b = json.loads(Path(r["out"]).read_text(encoding="utf-8"))["_bench"]
                        qs.append(b["query_s"])
                        imps.append(b["import_s"])
                    except (OSError, ValueError, KeyError):
                        pass
            if qs:
                inproc.append(f"{label[tool]} {fmt_s(statistics.median(qs))} s "
                              f"(+ {fmt_s(statistics.median(imps))} s importing the module)")
        L.append("")
        if inproc:
            L.append("In-process query time (median, from the engines' own clocks; the process "
                     "times above add Python start-up and imports): " + "; ".join(inproc) + ".")
            L.append("")
        summary_rows.append((size, mb, med))
    return summary_rows


def tool_line(label, rs, extra=""):
    """A table row: label, median, min–max, CPU, peak RSS of the runs rs."""
    walls = [r["wall"] for r in rs]
    return (f"| {label} | {fmt_s(statistics.median(walls))} | {fmt_s(min(walls))}–{fmt_s(max(walls))} | "
            f"{statistics.median([r['user'] + r['sys'] for r in rs]):.2f} | "
            f"{statistics.median([r['rss'] for r in rs]) / 1024:,.0f} |{extra}").replace(",", " ")


def overlap_sections(L, overlap, meta):
    """A section per size of the overlap shape: cctthc on A + B, on the file
    of the same dossiers, DuckDB merging A + B. Returns the summary rows."""
    out = []
    info = meta.get("overlap", {})
    for size in sorted({r["size"] for r in overlap}):
        o = info["sizes"][str(size)]
        mb = o["bytes"] / 1e6
        rs = {t: [r for r in overlap if r["size"] == size and r["tool"] == t]
              for t in ("cctthc", "cctthc-file", "duckdb")}
        med = {t: statistics.median([r["wall"] for r in v]) for t, v in rs.items() if v}
        L.append(f"## Overlap: {fmt_int(size)} dossiers in two exports sharing {info['pct']} % "
                 f"({mb:,.0f} MB)".replace(",", " "))
        L.append("")
        L.append(f"A = the data rows 1..{fmt_int(o['a_rows'])} of the {fmt_int(size)}-row file, "
                 f"B = rows {fmt_int(size - o['b_rows'] + 1)}..{fmt_int(size)} (each with the header): "
                 f"{fmt_int(o['shared'])} dossiers in both, identical, merged by `ma_ho_so` "
                 "(SPEC §1.6: files in the order given, the later row wins). DuckDB merges the same "
                 "way (each row numbered by its file and its place in the scan, the highest of "
                 "each `ma_ho_so` kept) before the same figures; every run's figures compared, "
                 f"with `nhap_lieu.trung_lap` = {fmt_int(o['shared'])} and `so_dong` = "
                 f"{fmt_int(o['a_rows'] + o['b_rows'])}, and cctthc's figures on A + B compared "
                 "with its figures on the file.")
        L.append("")
        L.append("| run | median s | min–max s | CPU s (user+sys) | peak RSS MB | ratio |")
        L.append("|---|--:|--:|--:|--:|--:|")
        if rs["cctthc"]:
            L.append(tool_line(f"cctthc `-i A -i B` ({fmt_int(o['a_rows'] + o['b_rows'])} rows)",
                               rs["cctthc"], " — |"))
        if rs["cctthc-file"] and "cctthc" in med:
            L.append(tool_line(f"cctthc `-i` the {fmt_int(size)}-row file (no overlap)", rs["cctthc-file"],
                               f" A + B ÷ this: {med['cctthc'] / med['cctthc-file']:.2f}× |"))
        if rs["duckdb"] and "cctthc" in med:
            L.append(tool_line("DuckDB merging A + B", rs["duckdb"],
                               f" this ÷ cctthc A + B: {med['duckdb'] / med['cctthc']:.2f}× |"))
        L.append("")
        out.append((size, mb, med))
    return out


def results(data_dir):
    data_dir = Path(data_dir)
    meta = json.loads((data_dir / "meta.json").read_text(encoding="utf-8"))
    rows = []
    for line in (data_dir / "times.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        kind, size, run, tool, wall, rss, user, sys_, others, tries, out = line.split("\t")
        rows.append(dict(kind=kind, size=int(size), run=int(run), tool=tool, wall=float(wall),
                         rss=int(rss), user=float(user), sys=float(sys_), others=int(others),
                         tries=int(tries), out=out))
    L = []
    L.append("# Benchmark results")
    L.append("")
    L.append(f"Written by `{('bench/run.sh ' + meta['args']).strip()}` on {meta['date']} "
             f"(see `bench/README.md` for what is measured and how).")
    L.append("")
    L.append(f"- cctthc: commit `{meta['commit']}`{' with uncommitted changes in src/' if meta['dirty'] else ''}, "
             f"{meta['rustc']}, `cargo build --release`")
    L.append(f"- DuckDB {meta['duckdb']}, Polars {meta['polars']}"
             + (f", fastexcel {meta['fastexcel']}" if meta.get("fastexcel") else "")
             + f", {meta['python']}")
    L.append(f"- Machine: {meta['cpu']}, {meta['cores']} cores, {meta['mem_gb']} GB RAM, Linux {meta['kernel']}")
    L.append(f"- Data: `cargo run --release --example gen -- --rows N --seed {meta['seed']}` "
             "(year 2023, canonical headers, no duplicate ma_ho_so within a file)")
    L.append(f"- Period: `--from {meta['from']} --to {meta['to']}`")
    L.append(f"- Each figure: median of {meta['runs']} runs per tool, the tools interleaved "
             "(cctthc, DuckDB, Polars, cat, cctthc, …), the file read once with `cat > /dev/null` "
             "before each run; wall time of the whole process; peak RSS from `/usr/bin/time -f %M`.")
    limit = meta.get("quiet_busy", 15)
    redone = sum(r["tries"] - 1 for r in rows)
    noisy = [r for r in rows if r["others"] > limit]
    L.append(f"- Noise: the script waited for quiet cores before each run and did a run again when "
             f"other processes used more than {limit}% of the machine during it: "
             f"{redone} run(s) redone; "
             + (f"**{len(noisy)} of {len(rows)} recorded runs still disturbed** (`others` column of the "
                "raw timings), so their times are less trustworthy."
                if noisy else "every recorded run was undisturbed."))
    L.append("")

    L.append("## Figures")
    L.append("")
    L.append("cctthc, DuckDB and Polars (or the two named in parentheses) were compared on "
             "every figure of SPEC §4 (`tong`, each level of `theo_cap`, each unit of "
             "`theo_don_vi`, with each ratio's tu_so, mau_so and phan_tram) and on `nhap_lieu` "
             "(unless said), for these files and periods; the run stops at the first "
             "disagreement, and every timed run was compared again:")
    L.append("")
    checks = data_dir / "checks.tsv"
    for line in checks.read_text(encoding="utf-8").splitlines() if checks.exists() else []:
        what, rows_, from_, to_, result = line.split("\t")
        period = f", `--from {from_} --to {to_}`" if from_ != "-" else ""
        L.append(f"- {what + ', ' if what else ''}{fmt_int(int(rows_))} rows{period}: {result}")
    L.append("")
    L.append("Total figures of the benchmark period (cctthc's JSON), for reference:")
    L.append("")
    L.append("| rows | tiep_nhan.tong | trong_ky | ky_truoc | da_giai_quyet | dang_giai_quyet | "
             "tam_dung | tra_lai | rut | dung_han % | truc_tuyen % |")
    L.append("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for size in sorted({r["size"] for r in rows if r["kind"] == "stats"}):
        f = data_dir / "out" / f"check-{size}-cctthc.json"
        try:
            t = json.loads(f.read_text(encoding="utf-8"))["tong"]
        except (OSError, ValueError, KeyError):
            continue
        L.append(f"| {fmt_int(size)} | {fmt_int(t['tiep_nhan']['tong'])} | "
                 f"{fmt_int(t['tiep_nhan']['trong_ky'])} | {fmt_int(t['tiep_nhan']['ky_truoc'])} | "
                 f"{fmt_int(t['da_giai_quyet']['tong'])} | {fmt_int(t['dang_giai_quyet']['tong'])} | "
                 f"{fmt_int(t['tam_dung'])} | {fmt_int(t['tra_lai'])} | {fmt_int(t['rut'])} | "
                 f"{t['ty_le']['dung_han']['phan_tram']} | {t['ty_le']['truc_tuyen']['phan_tram']} |")
    L.append("")

    stats = [r for r in rows if r["kind"] == "stats"]
    summary_rows = size_sections(L, stats, meta["files"], lambda size, mb: f"{fmt_int(size)} rows ({mb:,.0f} MB)")
    units = [r for r in rows if r["kind"] == "units"]
    units_rows = size_sections(
        L, units, meta.get("units_files", {}),
        lambda size, mb: f"{fmt_int(size)} rows over {fmt_int(meta['units'])} units ({mb:,.0f} MB)")
    overlap = [r for r in rows if r["kind"] == "overlap"]
    overlap_rows = overlap_sections(L, overlap, meta)
    xlsx = [r for r in rows if r["kind"] == "xlsx"]
    xlsx_rows = size_sections(
        L, xlsx, {str(meta["xlsx"]["rows"]): meta["xlsx"]} if xlsx else {},
        lambda size, mb: f"{fmt_int(size)} rows as one .xlsx ({mb:,.0f} MB)", XLSX_LABEL)
    if xlsx_rows:
        L.append("DuckDB is left out: it has no fast .xlsx reader. Polars reads the sheet with "
                 "fastexcel (`pl.read_excel(..., engine=\"calamine\")`, only the columns the "
                 "figures need), then computes the figures as from CSV.")
        L.append("")

    if summary_rows:
        L.append("## Summary")
        L.append("")
        L.append("cctthc's median time divided by each tool's (above 1: cctthc is slower).")
        L.append("")
        L.append("| shape | rows | cctthc s | cctthc MB/s | ÷ DuckDB | ÷ Polars | ÷ cat |")
        L.append("|---|--:|--:|--:|--:|--:|--:|")
        shapes = [("31 units", summary_rows)]
        if units_rows:
            shapes.append((f"{fmt_int(meta['units'])} units", units_rows))
        if overlap_rows:
            shapes.append((f"overlap {meta['overlap']['pct']} % (A + B)", overlap_rows))
        if xlsx_rows:
            shapes.append((".xlsx", xlsx_rows))
        for shape, shape_rows in shapes:
            for size, mb, med in shape_rows:
                def r(t):
                    return f"{med['cctthc'] / med[t]:.2f}×" if t in med and "cctthc" in med else "—"
                L.append(f"| {shape} | {fmt_int(size)} | {fmt_s(med['cctthc'])} | {mb / med['cctthc']:,.0f} | "
                         f"{r('duckdb')} | {r('polars')} | {r('cat')} |".replace(",", " "))
        L.append("")

    rep = [r for r in rows if r["kind"] == "report"]
    if rep:
        info = meta["report"]
        walls = [r["wall"] for r in rep]
        L.append("## A district month, command start to written .docx")
        L.append("")
        L.append(f"`cctthc report -i FILE --month {info['month']} --year {info['year']} -o out.docx` "
                 f"on {fmt_int(info['rows'])} rows generated for that month "
                 f"(`--months {info['month']}`, {info['bytes'] / 1e6:.1f} MB), "
                 f"{len(walls)} runs: median **{walls and fmt_s(statistics.median(walls))} s** "
                 f"(min {fmt_s(min(walls))}, max {fmt_s(max(walls))}), "
                 f"peak RSS {statistics.median([r['rss'] for r in rep]) / 1024:.0f} MB.")
        L.append("")

    dis = [r for r in rows if r["kind"] == "district"]
    dmed = {}
    if dis:
        info = meta["district"]
        L.append("## The example district's month, every export an .xlsx")
        L.append("")
        L.append(f"`cctthc report --month {meta['report']['month']} --year {meta['report']['year']} "
                 f"-o out.docx` in a copy of `examples/` (its `cctthc.toml` and its {info['files']} "
                 f"monthly exports, {fmt_int(info['rows'])} rows in all): as shipped (CSV, "
                 f"{info['xlsx_shipped']} of them .xlsx), and with every CSV month turned into an "
                 ".xlsx by `bench/csv_to_xlsx.py` (date cells, shared strings; `stats` of the month "
                 "checked equal). Runs interleaved.")
        L.append("")
        L.append("| exports | MB | median s | min–max s | CPU s (user+sys) | peak RSS MB |")
        L.append("|---|--:|--:|--:|--:|--:|")
        for shape, label, key in [("csv", "as shipped (CSV)", "csv_bytes"), ("xlsx", "every month .xlsx", "xlsx_bytes")]:
            rs = [r for r in dis if r["tool"] == f"district-{shape}"]
            if rs:
                dmed[shape] = statistics.median([r["wall"] for r in rs])
                line = tool_line(label, rs)
                head, rest = line.split(" | ", 1)
                L.append(f"{head} | {info[key] / 1e6:.1f} | {rest}")
        L.append("")

    # The targets of the issue this benchmark was written for.
    if summary_rows:
        L.append("## Targets")
        L.append("")
        L.append("| target | measured | met |")
        L.append("|---|---|:-:|")
        size, mb, med = max(summary_rows, key=lambda row: row[0])
        engines = [t for t in ("duckdb", "polars") if t in med]
        if engines and "cctthc" in med:
            fastest = min(engines, key=lambda t: med[t])
            x = med[fastest] / med["cctthc"]
            L.append(f"| {fmt_int(size)} rows: `cctthc stats` at least 3× faster than the faster "
                     f"of DuckDB and Polars | {x:.2f}× {LABEL[fastest]} "
                     f"({fmt_s(med['cctthc'])} s against {fmt_s(med[fastest])} s) | "
                     f"{'yes' if x >= 3 else 'no'} |")
        for size, mb, med in summary_rows:
            rs = [r["rss"] for r in stats if r["size"] == size and r["tool"] == "cctthc"]
            if rs:
                peak = max(rs) / 1024
                L.append(f"| {fmt_int(size)} rows: peak RSS under 64 MB | {peak:.0f} MB (highest run) | "
                         f"{'yes' if peak < 64 else 'no'} |")
        for size, mb, med in units_rows:
            if "duckdb" in med and "cctthc" in med:
                x = med["duckdb"] / med["cctthc"]
                L.append(f"| {fmt_int(meta['units'])} units, {fmt_int(size)} rows: at least 2× faster "
                         f"than DuckDB | {x:.2f}× ({fmt_s(med['cctthc'])} s against "
                         f"{fmt_s(med['duckdb'])} s) | {'yes' if x >= 2 else 'no'} |")
            rs = [r["rss"] for r in units if r["size"] == size and r["tool"] == "cctthc"]
            if rs:
                peak = max(rs) / 1024
                L.append(f"| {fmt_int(meta['units'])} units, {fmt_int(size)} rows: peak RSS about "
                         f"one thread's (≤ 400 MB) | {peak:.0f} MB (highest run) | "
                         f"{'yes' if peak <= 400 else 'no'} |")
        for size, mb, med in overlap_rows:
            pct = meta["overlap"]["pct"]
            if "cctthc-file" in med and "cctthc" in med:
                x = med["cctthc"] / med["cctthc-file"]
                L.append(f"| overlap {pct} %, {fmt_int(size)} dossiers: A + B costs at most 2× the same "
                         f"dossiers without overlap | {x:.2f}× ({fmt_s(med['cctthc'])} s against "
                         f"{fmt_s(med['cctthc-file'])} s) | {'yes' if x <= 2 else 'no'} |")
            if "duckdb" in med and "cctthc" in med:
                x = med["duckdb"] / med["cctthc"]
                L.append(f"| overlap {pct} %, {fmt_int(size)} dossiers: at least 2× faster than "
                         f"DuckDB's de-duplication | {x:.2f}× ({fmt_s(med['cctthc'])} s against "
                         f"{fmt_s(med['duckdb'])} s) | {'yes' if x >= 2 else 'no'} |")
        for size, mb, med in xlsx_rows:
            if "polars" in med and "cctthc" in med:
                x = med["polars"] / med["cctthc"]
                L.append(f"| {fmt_int(size)}-row .xlsx: at least 2× faster than Polars + fastexcel | "
                         f"{x:.2f}× ({fmt_s(med['cctthc'])} s against {fmt_s(med['polars'])} s) | "
                         f"{'yes' if x >= 2 else 'no'} |")
        if rep:
            m = statistics.median([r["wall"] for r in rep])
            L.append(f"| a district month to .docx under 100 ms | {m * 1000:.0f} ms (median) | "
                     f"{'yes' if m < 0.1 else 'no'} |")
        if "xlsx" in dmed:
            m = dmed["xlsx"]
            L.append(f"| the example district's month, every export an .xlsx, to .docx under 100 ms | "
                     f"{m * 1000:.0f} ms (median; {dmed.get('csv', 0) * 1000:.0f} ms as shipped) | "
                     f"{'yes' if m < 0.1 else 'no'} |")
        L.append("")

    L.append("## Raw timings")
    L.append("")
    L.append("Every recorded run, in the order it ran (`wall` from the shell's clock; `user`, `sys`, "
             "peak RSS from `/usr/bin/time`; `others`: CPU used by other processes during the run, "
             "in % of the machine, – for runs under half a second, too short to tell; `tries`: 2 or more when disturbed runs were done again).")
    L.append("")
    L.append("| what | rows | run | tool | wall s | user s | sys s | peak RSS MB | others % | tries |")
    L.append("|---|--:|--:|---|--:|--:|--:|--:|--:|--:|")
    for r in rows:
        L.append(f"| {r['kind']} | {fmt_int(r['size'])} | {r['run']} | {r['tool']} | {r['wall']:.3f} | "
                 f"{r['user']:.2f} | {r['sys']:.2f} | {r['rss'] / 1024:.0f} | "
                 f"{r['others'] if r['others'] >= 0 else '–'} | {r['tries']} |")
    L.append("")
    out = data_dir.parent / "RESULTS.md"
    out.write_text("\n".join(L), encoding="utf-8")
    print(f"wrote {out}")
    return 0


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2:]))
    if len(sys.argv) == 3 and sys.argv[1] == "results":
        sys.exit(results(sys.argv[2]))
    sys.exit(__doc__)


if __name__ == "__main__":
    main()
