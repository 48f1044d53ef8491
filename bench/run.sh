#!/usr/bin/env bash
# Benchmark of `cctthc stats` against DuckDB, Polars and `cat`, with a check
# that all three compute the same SPEC §4 figures. See bench/README.md.
#
#   bench/run.sh [--sizes 1000000,5000000] [--runs 5] [--from 01/04/2023]
#                [--to 30/09/2023] [--seed 1] [--check-rows 100000]
#                [--report-rows 5000] [--report-runs 10] [--units 10000]
#                [--overlap 20] [--xlsx-rows 1000000]
#
# From a clean checkout: builds cctthc and the generator (cargo build
# --release), generates the exports into bench/data/ (git-ignored), creates
# bench/.venv with duckdb, polars, fastexcel and xlsxwriter, checks the
# figures, times the tools and writes bench/RESULTS.md. Shapes besides each
# size's file: the same rows over --units units (0: none); two exports of
# each size sharing --overlap % of the dossiers, merged (0: none); an .xlsx
# of --xlsx-rows rows against Polars + fastexcel (0: none); the example
# district's month with every export an .xlsx (with --report-runs).
# Stops with a message as soon as the figures disagree or a tool fails.
set -euo pipefail
export LC_NUMERIC=C PYTHONUTF8=1

SIZES=1000000,5000000
RUNS=5
FROM=01/04/2023
TO=30/09/2023
SEED=1
CHECK_ROWS=100000
REPORT_ROWS=5000
REPORT_RUNS=10
REPORT_MONTH=11
REPORT_YEAR=2023  # the generator's default year
UNITS=10000
OVERLAP=20
XLSX_ROWS=1000000

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
die() { printf '\nbench: %s\n' "$*" >&2; exit 1; }
need_value() { [ $# -ge 2 ] && [ -n "$2" ] || die "$1 needs a value (see --help)"; }

ARGS="$*"
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) need_value "$@"; SIZES=$2; shift 2 ;;
        --runs) need_value "$@"; RUNS=$2; shift 2 ;;
        --from) need_value "$@"; FROM=$2; shift 2 ;;
        --to) need_value "$@"; TO=$2; shift 2 ;;
        --seed) need_value "$@"; SEED=$2; shift 2 ;;
        --check-rows) need_value "$@"; CHECK_ROWS=$2; shift 2 ;;
        --report-rows) need_value "$@"; REPORT_ROWS=$2; shift 2 ;;
        --report-runs) need_value "$@"; REPORT_RUNS=$2; shift 2 ;;
        --units) need_value "$@"; UNITS=$2; shift 2 ;;
        --overlap) need_value "$@"; OVERLAP=$2; shift 2 ;;
        --xlsx-rows) need_value "$@"; XLSX_ROWS=$2; shift 2 ;;
        -h|--help) usage 0 ;;
        *) echo "bench: unknown argument '$1'" >&2; usage 2 ;;
    esac
done
[[ "$SIZES" =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--sizes: comma-separated row counts, e.g. 1000000,5000000"
for n in "$RUNS" "$SEED" "$CHECK_ROWS" "$REPORT_ROWS" "$REPORT_RUNS" "$UNITS" "$OVERLAP" "$XLSX_ROWS"; do
    [[ "$n" =~ ^[0-9]+$ ]] || die "'$n' is not a number"
done
[ "$RUNS" -ge 1 ] || die "--runs must be at least 1"
[ "$OVERLAP" -le 100 ] || die "--overlap: a share of the dossiers in %, 0 to 100"
[ "$XLSX_ROWS" -le 1048575 ] || die "--xlsx-rows: a sheet holds at most 1 048 575 rows"
IFS=, read -r -a SIZE_LIST <<< "$SIZES"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
DATA=$ROOT/bench/data
OUT=$DATA/out
mkdir -p "$OUT" "$DATA/xdg"
rm -f "$OUT"/*.json "$OUT"/*.docx "$OUT"/*.err "$OUT"/*.time "$DATA/times.tsv" "$DATA/checks.tsv"
step() { printf '\n== %s\n' "$*"; }

# ---------------------------------------------------------------- tools
command -v cargo >/dev/null || die "cargo not found: install Rust (https://rustup.rs)"
command -v python3 >/dev/null || die "python3 not found"
TIME=/usr/bin/time
if ! [ -x "$TIME" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        step "installing GNU time (apt-get install time)"
        apt-get install -y -qq time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
    fi
    [ -x "$TIME" ] || die "/usr/bin/time not found: install GNU time (sudo apt-get install time)"
fi

step "building cctthc and the generator (cargo build --release)"
cargo build --release --bin cctthc --example gen || die "cargo build --release failed (see above)"
# target/, or wherever CARGO_TARGET_DIR or a cargo config puts it
TARGET=$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])') \
    || die "cargo metadata failed"
CCTTHC=$TARGET/release/cctthc
GEN=$TARGET/release/examples/gen
[ -x "$CCTTHC" ] && [ -x "$GEN" ] || die "no $CCTTHC or $GEN after the build"

VENV=$ROOT/bench/.venv
PY=$VENV/bin/python
MODULES="duckdb polars"  # pip names = module names
[ "$XLSX_ROWS" -gt 0 ] && MODULES+=" fastexcel"     # Polars' .xlsx reader
[ "$REPORT_RUNS" -gt 0 ] && MODULES+=" xlsxwriter"  # the district's months as .xlsx
if ! [ -x "$PY" ]; then
    step "creating bench/.venv"
    python3 -m venv "$VENV" || die "python3 -m venv failed (on Debian/Ubuntu: apt-get install python3-venv)"
    "$VENV/bin/pip" install --quiet --upgrade pip
fi
missing=$(for m in $MODULES; do "$PY" -c "import $m" 2>/dev/null || printf '%s ' "$m"; done)
if [ -n "$missing" ]; then
    step "installing into bench/.venv: $missing"
    # shellcheck disable=SC2086
    "$VENV/bin/pip" install --quiet $missing || die "pip install $missing failed"
fi

# ---------------------------------------------------------------- data
# gen_file ROWS FILE [generator options…]: generates FILE unless it is there
# already and newer than the generator (the generator is deterministic).
gen_file() {
    local rows=$1 file=$2
    shift 2
    if [ -s "$file" ] && [ "$file" -nt "$GEN" ]; then
        echo "$(basename "$file"): up to date"
        return
    fi
    # the generator writes .xlsx or CSV by the name's ending: keep it
    local tmp=${file%.*}.tmp.${file##*.}
    "$GEN" --rows "$rows" --seed "$SEED" "$@" --out "$tmp" || die "the generator failed"
    mv "$tmp" "$file"
}
data_file() { echo "$DATA/gen-$1-s$SEED.csv"; }
units_file() { echo "$DATA/gen-$1-u$UNITS-s$SEED.csv"; }
xlsx_file() { echo "$DATA/gen-$1-s$SEED.xlsx"; }

# The overlap shape: two exports of N dossiers sharing OVERLAP % of them, as
# January–June and April–September would: A = the data rows 1..a of the
# N-row file, B = rows b+1..N (a - b rows in both, identical), each with the
# header. 20 %: a = 0.6 N, b = 0.4 N.
overlap_a_end() { echo $(($1 * (100 + OVERLAP) / 200)); }
overlap_b_start() { echo $(($1 * (100 - OVERLAP) / 200)); }
overlap_shared() { echo $(($(overlap_a_end "$1") - $(overlap_b_start "$1"))); }
# what cctthc must report reading A + B: the codes merged, the rows read
overlap_expect() {
    echo "--expect nhap_lieu.trung_lap=$(overlap_shared "$1")" \
        "--expect nhap_lieu.so_dong=$(($1 + $(overlap_shared "$1")))"
}
overlap_file() { echo "$DATA/gen-$1-s$SEED-o$OVERLAP-$2.csv"; }
# split_overlap N SRC A B: writes A and B from SRC unless they are newer.
split_overlap() {
    local n=$1 src=$2 a=$3 b=$4 ae bs
    ae=$(overlap_a_end "$n")
    bs=$(overlap_b_start "$n")
    if [ -s "$a" ] && [ -s "$b" ] && [ "$a" -nt "$src" ] && [ "$b" -nt "$src" ]; then
        echo "$(basename "$a"), $(basename "$b"): up to date"
        return
    fi
    # one record per line: the generator writes no line break inside a field
    [ "$(wc -l < "$src")" = $((n + 1)) ] || die "$(basename "$src") is not $n records of one line each"
    head -n $((ae + 1)) "$src" > "$a.tmp"
    { head -n 1 "$src"; tail -n +$((bs + 2)) "$src"; } > "$b.tmp"
    mv "$a.tmp" "$a"
    mv "$b.tmp" "$b"
    echo "$(basename "$a"): rows 1..$ae, $(basename "$b"): rows $((bs + 1))..$n ($((ae - bs)) in both)"
}

step "generating the exports"
for n in "${SIZE_LIST[@]}" $([ "$CHECK_ROWS" -gt 0 ] && echo "$CHECK_ROWS"); do
    gen_file "$n" "$(data_file "$n")"
done
if [ "$UNITS" -gt 0 ]; then
    for n in "${SIZE_LIST[@]}"; do
        gen_file "$n" "$(units_file "$n")" --units "$UNITS"
    done
fi
if [ "$OVERLAP" -gt 0 ]; then
    for n in "${SIZE_LIST[@]}"; do
        split_overlap "$n" "$(data_file "$n")" "$(overlap_file "$n" a)" "$(overlap_file "$n" b)"
    done
    if [ "$CHECK_ROWS" -gt 0 ]; then
        # the check's B tells another story about the shared dossiers, so that
        # which reading wins shows in the figures
        n=$CHECK_ROWS
        split_overlap "$n" "$(data_file "$n")" "$(overlap_file "$n" a)" "$(overlap_file "$n" b)"
        if ! [ "$(overlap_file "$n" b-edited)" -nt "$(overlap_file "$n" b)" ]; then
            python3 "$ROOT/bench/overlap_edit.py" "$(overlap_file "$n" b)" "$(overlap_file "$n" b-edited).tmp" \
                "$(overlap_shared "$n")" || die "overlap_edit.py failed"
            mv "$(overlap_file "$n" b-edited).tmp" "$(overlap_file "$n" b-edited)"
        fi
    fi
fi
[ "$XLSX_ROWS" -gt 0 ] && gen_file "$XLSX_ROWS" "$(xlsx_file "$XLSX_ROWS")"
REPORT_FILE=$DATA/gen-month$REPORT_MONTH-$REPORT_ROWS-s$SEED.csv
[ "$REPORT_RUNS" -gt 0 ] && gen_file "$REPORT_ROWS" "$REPORT_FILE" --year "$REPORT_YEAR" --months "$REPORT_MONTH"

# The example district (examples/cctthc.toml, its months in examples/du-lieu/)
# twice: as shipped (CSV months, June an .xlsx), and with every month an .xlsx
# (bench/csv_to_xlsx.py: date cells, shared strings, as a clerk saves it).
DISTRICT_CSV=$DATA/district-csv
DISTRICT_XLSX=$DATA/district-xlsx
if [ "$REPORT_RUNS" -gt 0 ]; then
    grep -q '^duong_dan = "du-lieu"' "$ROOT/examples/cctthc.toml" \
        || die "examples/cctthc.toml no longer reads du-lieu/: update run.sh"
    rm -rf "$DISTRICT_CSV"
    mkdir -p "$DISTRICT_CSV" "$DISTRICT_XLSX/du-lieu"
    cp -p "$ROOT/examples/cctthc.toml" "$DISTRICT_XLSX/"
    cp -rp "$ROOT/examples/cctthc.toml" "$ROOT/examples/du-lieu" "$DISTRICT_CSV/"
    for x in "$DISTRICT_XLSX"/du-lieu/*.xlsx; do  # months gone from examples/
        name=$(basename "$x" .xlsx)
        [ -e "$ROOT/examples/du-lieu/$name.csv" ] || [ -e "$ROOT/examples/du-lieu/$name.xlsx" ] || rm -f "$x"
    done
    converted=0
    for f in "$ROOT"/examples/du-lieu/*; do
        name=$(basename "$f")
        case $name in
            *.csv)
                x=$DISTRICT_XLSX/du-lieu/${name%.csv}.xlsx
                if ! [ "$x" -nt "$f" ] || ! [ "$x" -nt "$ROOT/bench/csv_to_xlsx.py" ]; then
                    "$PY" "$ROOT/bench/csv_to_xlsx.py" "$f" "$x.tmp" || die "csv_to_xlsx.py failed on $name"
                    mv "$x.tmp" "$x"
                    converted=$((converted + 1))
                fi ;;
            *.xlsx) cp -p "$f" "$DISTRICT_XLSX/du-lieu/" ;;
            *) die "examples/du-lieu/$name: neither .csv nor .xlsx: update run.sh" ;;
        esac
    done
    echo "district: $(ls "$DISTRICT_CSV/du-lieu" | wc -l) monthly exports; as .xlsx: $converted converted now, the rest up to date"
fi

# ---------------------------------------------------------------- running
# The machine may be shared (a build or test suite beside the benchmark).
# Before a timed run the script waits until the cores are quiet, and after it
# measures how much CPU OTHER processes used during the run (all CPU time in
# /proc/stat minus the tool's own user + sys time); a run they disturbed by
# more than QUIET_BUSY % of the machine is done again (up to QUIET_TRIES
# times in all). What was left is recorded with each run.
QUIET_BUSY=${QUIET_BUSY:-15}
QUIET_WAIT=${QUIET_WAIT:-120}
QUIET_TRIES=${QUIET_TRIES:-4}
NCPU=$(nproc)
HZ=$(getconf CLK_TCK)

# cpu_ticks: busy and total ticks of all cores since boot.
cpu_ticks() {
    awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t; exit }' /proc/stat
}
# cpu_busy: the share of all cores (0-100) busy over the next half second.
cpu_busy() {
    local b0 t0 b1 t1
    read -r b0 t0 < <(cpu_ticks)
    sleep 0.5
    read -r b1 t1 < <(cpu_ticks)
    echo $(( t1 > t0 ? 100 * (b1 - b0) / (t1 - t0) : 0 ))
}
# wait_quiet: waits (up to QUIET_WAIT seconds) until the cores are less than
# QUIET_BUSY % busy.
wait_quiet() {
    local waited=0 busy
    busy=$(cpu_busy)
    while [ "$busy" -gt "$QUIET_BUSY" ] && [ "$waited" -lt "$QUIET_WAIT" ]; do
        [ "$waited" = 0 ] && printf '  (waiting for the machine to be quiet: %s%% busy)\n' "$busy"
        sleep 2
        waited=$((waited + 2))
        busy=$(cpu_busy)
    done
}

# run_tool KIND SIZE RUN TOOL FROM TO OUTFILE FILE...: runs one tool as its
# own process on the FILEs (several: one input, in order) after reading them
# once (warm page cache), appends its wall time, peak RSS, CPU times and the
# others' share of the machine to times.tsv (KIND "check" runs once,
# unrecorded). TOOL cctthc* (any label): `cctthc stats`; duckdb, polars: the
# engines' scripts; cat; report: `cctthc report -i FILE`; district-stats,
# district-* (any other label): `cctthc stats` / `report` of the month in
# FILE, a district's folder (its cctthc.toml and exports).
printf 'kind\tsize\trun\ttool\twall_s\tmaxrss_kb\tuser_s\tsys_s\tothers_pct\ttries\tout\n' > "$DATA/times.tsv"
run_tool() {
    local kind=$1 size=$2 run=$3 tool=$4 from=$5 to=$6 out=$7
    shift 7
    local -a files=("$@") inputs=() cmd
    local err=${out%.*}.err tf=${out%.*}.time cwd=$DATA file=$1 f
    for f in "${files[@]}"; do inputs+=(-i "$f"); done
    case $tool in
        cctthc*) cmd=("$CCTTHC" stats "${inputs[@]}" --from "$from" --to "$to" --format json) ;;
        duckdb) cmd=("$PY" "$ROOT/bench/figures_duckdb.py" "${files[@]}" "$from" "$to") ;;
        polars) cmd=("$PY" "$ROOT/bench/figures_polars.py" "${files[@]}" "$from" "$to") ;;
        cat) cmd=(cat "${files[@]}"); out=/dev/null ;;
        report) cmd=("$CCTTHC" report -i "$file" --month "$REPORT_MONTH" --year "$REPORT_YEAR" -o "$out"); out=/dev/null ;;
        district-stats) cwd=$file
            cmd=("$CCTTHC" stats --month "$REPORT_MONTH" --year "$REPORT_YEAR" --format json) ;;
        district-*) cwd=$file
            cmd=("$CCTTHC" report --month "$REPORT_MONTH" --year "$REPORT_YEAR" -o "$out"); out=/dev/null ;;
        *) die "run_tool: unknown tool $tool" ;;
    esac
    local try=0 t0 t1 b0 n0 b1 n1 rc rss user sys wall others
    while :; do
        try=$((try + 1))
        [ "$kind" != check ] && wait_quiet
        find "${files[@]}" -type f -exec cat {} + > /dev/null
        rc=0
        read -r b0 n0 < <(cpu_ticks)
        t0=$EPOCHREALTIME
        # cwd bench/data (or the district's folder, for its cctthc.toml) and an
        # empty XDG_CONFIG_HOME: no other cctthc.toml applies.
        (cd "$cwd" && XDG_CONFIG_HOME="$DATA/xdg" NO_COLOR=1 \
            "$TIME" -f '%M %U %S' -o "$tf" "${cmd[@]}" > "$out" 2> "$err") || rc=$?
        t1=$EPOCHREALTIME
        read -r b1 n1 < <(cpu_ticks)
        if [ "$rc" != 0 ]; then
            echo "--- $tool stderr (last lines of $err):" >&2
            tail -n 20 "$err" >&2
            die "$tool failed (exit $rc): ${cmd[*]}"
        fi
        [ "$kind" = check ] && return 0
        read -r rss user sys < <(tail -n 1 "$tf")
        wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
        # others' CPU seconds during the run, as a share of the machine; -1
        # (unknown) for runs under half a second, too short for ticks of 1/HZ s
        others=$(awk -v busy=$((b1 - b0)) -v hz="$HZ" -v u="$user" -v s="$sys" \
            -v w="$wall" -v n="$NCPU" 'BEGIN {
                o = busy / hz - u - s; if (o < 0) o = 0
                printf "%d", (w >= 0.5 ? 100 * o / (w * n) : -1) }')
        printf '  %-13s %8.3f s  %6d MB  CPU %6.2f s' "$tool" "$wall" $((rss / 1024)) \
            "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')"
        if [ "$others" -gt "$QUIET_BUSY" ] && [ "$try" -lt "$QUIET_TRIES" ]; then
            printf '  - disturbed: other processes used %s%% of the machine; again\n' "$others"
            continue
        fi
        if [ "$others" -ge 0 ]; then printf '  (others: %s%%)\n' "$others"; else echo; fi
        break
    done
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$size" "$run" "$tool" "$wall" \
        "$rss" "$user" "$sys" "$others" "$try" "$([ "$out" = /dev/null ] || echo "$out")" >> "$DATA/times.tsv"
}

# check_tools WHAT ROWS FROM TO TAG "TOOLS" "COMPARE OPTIONS" FILE...: each
# of TOOLS (2 or 3) once on the FILEs, then their figures compared; stops at a
# disagreement. WHAT says in RESULTS.md which shape it was ("" for one file).
check_tools() {
    local what=$1 rows=$2 from=$3 to=$4 tag=$5 tools=$6 opts=$7 result tool
    shift 7
    local -a jsons=()
    for tool in $tools; do
        run_tool check "$rows" 0 "$tool" "$from" "$to" "$OUT/$tag-$tool.json" "$@"
        jsons+=("$OUT/$tag-$tool.json")
    done
    # shellcheck disable=SC2086
    if ! result=$(python3 "$ROOT/bench/compare.py" check $opts --names "${tools// /,}" "${jsons[@]}"); then
        echo "$result" >&2
        die "the figures disagree: ${what:+$what, }$(basename "$1")${2:+ …}, --from $from --to $to
       (JSON in $OUT/$tag-*.json). Not timing anything."
    fi
    echo "  ${what:+$what, }$rows rows, $from..$to: $result"
    printf '%s\t%s\t%s\t%s\t%s\n' "$what" "$rows" "$from" "$to" "$result" >> "$DATA/checks.tsv"
}
# check ROWS FILE FROM TO TAG: the three tools once on one file, then compare.
check() { check_tools "" "$1" "$3" "$4" "$5" "cctthc duckdb polars" "" "$2"; }
# same_figures WHAT ROWS A.json B.json NAMES [OPTIONS]: two outputs of cctthc
# on the same dossiers from different files agree (OPTIONS: compare.py's).
same_figures() {
    local what=$1 rows=$2 result
    # shellcheck disable=SC2086
    if ! result=$(python3 "$ROOT/bench/compare.py" check ${6:-} --names "$5" "$3" "$4"); then
        echo "$result" >&2
        die "$what: the figures of $(basename "$3") and $(basename "$4") differ"
    fi
    echo "  $what, $rows rows, $FROM..$TO: $result"
    printf '%s\t%s\t%s\t%s\t%s\n' "$what" "$rows" "$FROM" "$TO" "$result" >> "$DATA/checks.tsv"
}

step "checking the figures (cctthc, DuckDB, Polars)"
if [ "$CHECK_ROWS" -gt 0 ]; then
    # A smaller file over more periods: the benchmark's, a month whose end
    # leaves many dossiers pending, the whole year, and a month after the last
    # receipt (only carried-over dossiers, ratios with a zero denominator).
    f=$(data_file "$CHECK_ROWS")
    i=0
    for period in "$FROM $TO" "01/12/2023 31/12/2023" "01/01/2023 31/12/2023" "01/01/2024 31/01/2024"; do
        read -r pf pt <<< "$period"
        i=$((i + 1))
        check "$CHECK_ROWS" "$f" "$pf" "$pt" "small-$i"
    done
    if [ "$OVERLAP" -gt 0 ]; then
        # Which reading wins: B's shared rows changed (overlap_edit.py), the
        # files in both orders, so the later one's reading must be counted.
        n=$CHECK_ROWS
        a=$(overlap_file "$n" a)
        be=$(overlap_file "$n" b-edited)
        check_tools "overlap $OVERLAP %, B's shared rows changed, A then B" "$n" "$FROM" "$TO" \
            small-overlap-ab "cctthc duckdb polars" "$(overlap_expect "$n")" "$a" "$be"
        check_tools "overlap $OVERLAP %, B's shared rows changed, B then A" "$n" "$FROM" "$TO" \
            small-overlap-ba "cctthc duckdb polars" "$(overlap_expect "$n")" "$be" "$a"
        # B then A: A's readings win, so the figures are the whole file's
        same_figures "overlap $OVERLAP %, B then A, against the file" "$n" \
            "$OUT/small-1-cctthc.json" "$OUT/small-overlap-ba-cctthc.json" cctthc-file,cctthc-b-a --figures-only
    fi
fi
for n in "${SIZE_LIST[@]}"; do
    check "$n" "$(data_file "$n")" "$FROM" "$TO" "check-$n"
    if [ "$UNITS" -gt 0 ]; then check "$n" "$(units_file "$n")" "$FROM" "$TO" "check-units-$n"; fi
    if [ "$OVERLAP" -gt 0 ]; then
        check_tools "overlap $OVERLAP %, A + B" "$n" "$FROM" "$TO" "check-overlap-$n" "cctthc duckdb polars" \
            "$(overlap_expect "$n")" "$(overlap_file "$n" a)" "$(overlap_file "$n" b)"
        # the shared rows are identical: merged, A + B are the file's dossiers
        same_figures "overlap $OVERLAP %, A + B against the file" "$n" \
            "$OUT/check-$n-cctthc.json" "$OUT/check-overlap-$n-cctthc.json" cctthc-file,cctthc-a-b --figures-only
    fi
done
if [ "$XLSX_ROWS" -gt 0 ]; then
    # DuckDB left out: it has no fast .xlsx reader to compare with
    x=$(xlsx_file "$XLSX_ROWS")
    check_tools ".xlsx" "$XLSX_ROWS" "$FROM" "$TO" "check-xlsx-$XLSX_ROWS" "cctthc polars" "" "$x"
    # the generator writes the same dossiers to .xlsx as to CSV: when the CSV
    # of as many rows was checked, cctthc must read the same from both
    csv_json=$OUT/check-$XLSX_ROWS-cctthc.json
    [ "$XLSX_ROWS" = "$CHECK_ROWS" ] && csv_json=$OUT/small-1-cctthc.json
    if [ -s "$csv_json" ]; then
        same_figures ".xlsx against the CSV of the same rows" "$XLSX_ROWS" \
            "$OUT/check-xlsx-$XLSX_ROWS-cctthc.json" "$csv_json" cctthc-xlsx,cctthc-csv
    fi
fi
if [ "$REPORT_RUNS" -gt 0 ]; then
    # the months as .xlsx hold what the CSV months hold: same figures, same rows
    run_tool check 0 0 district-stats - - "$OUT/check-district-csv.json" "$DISTRICT_CSV"
    run_tool check 0 0 district-stats - - "$OUT/check-district-xlsx.json" "$DISTRICT_XLSX"
    result=$(python3 "$ROOT/bench/compare.py" check --names csv,xlsx \
        "$OUT/check-district-csv.json" "$OUT/check-district-xlsx.json") \
        || { echo "$result" >&2; die "the district's months as .xlsx do not give the CSV months' figures"; }
    DISTRICT_ROWS=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["nhap_lieu"]["so_dong"])' \
        "$OUT/check-district-csv.json")
    echo "  district, $REPORT_MONTH/$REPORT_YEAR, CSV months against .xlsx months: $result"
    printf '%s\t%s\t%s\t%s\t%s\n' "the example district's month $REPORT_MONTH/$REPORT_YEAR (\`stats\`), its CSV months against the same as .xlsx" \
        "$DISTRICT_ROWS" "-" "-" "$result" >> "$DATA/checks.tsv"
fi

# time_shape KIND ROWS FILE: RUNS runs of every tool on FILE, interleaved,
# each run's figures compared again.
time_shape() {
    local kind=$1 n=$2 f=$3 run tool tag
    step "timing $kind: $n rows ($(du -h "$f" | cut -f1)), $RUNS runs, tools interleaved"
    for run in $(seq 1 "$RUNS"); do
        echo " run $run"
        tag="$kind-$n-$run"
        for tool in cctthc duckdb polars cat; do
            run_tool "$kind" "$n" "$run" "$tool" "$FROM" "$TO" "$OUT/$tag-$tool.json" "$f"
        done
        python3 "$ROOT/bench/compare.py" check "$OUT/$tag-cctthc.json" \
            "$OUT/$tag-duckdb.json" "$OUT/$tag-polars.json" > "$OUT/compare-$tag.txt" \
            || { cat "$OUT/compare-$tag.txt" >&2; die "the figures of run $run ($kind, $n rows) disagree"; }
    done
}
# time_overlap N: cctthc on A + B, cctthc on the N-row file (the same
# dossiers, no overlap), DuckDB merging A + B; interleaved, compared again.
time_overlap() {
    local n=$1 a b f run tag shared
    a=$(overlap_file "$n" a)
    b=$(overlap_file "$n" b)
    f=$(data_file "$n")
    shared=$(overlap_shared "$n")
    step "timing overlap: $n dossiers in A + B ($(du -ch "$a" "$b" | tail -n 1 | cut -f1), $shared in both), $RUNS runs"
    for run in $(seq 1 "$RUNS"); do
        echo " run $run"
        tag="overlap-$n-$run"
        run_tool overlap "$n" "$run" cctthc "$FROM" "$TO" "$OUT/$tag-cctthc.json" "$a" "$b"
        run_tool overlap "$n" "$run" cctthc-file "$FROM" "$TO" "$OUT/$tag-cctthc-file.json" "$f"
        run_tool overlap "$n" "$run" duckdb "$FROM" "$TO" "$OUT/$tag-duckdb.json" "$a" "$b"
        # shellcheck disable=SC2046
        { python3 "$ROOT/bench/compare.py" check --names cctthc,duckdb $(overlap_expect "$n") \
              "$OUT/$tag-cctthc.json" "$OUT/$tag-duckdb.json" \
          && python3 "$ROOT/bench/compare.py" check --figures-only --names cctthc-a-b,cctthc-file \
              "$OUT/$tag-cctthc.json" "$OUT/$tag-cctthc-file.json"; } > "$OUT/compare-$tag.txt" \
            || { cat "$OUT/compare-$tag.txt" >&2; die "the figures of run $run (overlap, $n dossiers) disagree"; }
    done
}
for n in "${SIZE_LIST[@]}"; do
    time_shape stats "$n" "$(data_file "$n")"
    if [ "$UNITS" -gt 0 ]; then time_shape units "$n" "$(units_file "$n")"; fi
    if [ "$OVERLAP" -gt 0 ]; then time_overlap "$n"; fi
done

if [ "$XLSX_ROWS" -gt 0 ]; then
    x=$(xlsx_file "$XLSX_ROWS")
    step "timing .xlsx: $XLSX_ROWS rows ($(du -h "$x" | cut -f1)), cctthc and Polars + fastexcel, $RUNS runs"
    for run in $(seq 1 "$RUNS"); do
        echo " run $run"
        tag="xlsx-$XLSX_ROWS-$run"
        for tool in cctthc polars; do
            run_tool xlsx "$XLSX_ROWS" "$run" "$tool" "$FROM" "$TO" "$OUT/$tag-$tool.json" "$x"
        done
        python3 "$ROOT/bench/compare.py" check --names cctthc,polars "$OUT/$tag-cctthc.json" \
            "$OUT/$tag-polars.json" > "$OUT/compare-$tag.txt" \
            || { cat "$OUT/compare-$tag.txt" >&2; die "the figures of run $run (.xlsx) disagree"; }
    done
fi

if [ "$REPORT_RUNS" -gt 0 ]; then
    step "timing a district month report: $REPORT_ROWS rows, $REPORT_MONTH/$REPORT_YEAR, $REPORT_RUNS runs"
    for run in $(seq 1 "$REPORT_RUNS"); do
        run_tool report "$REPORT_ROWS" "$run" report - - "$OUT/report-$run.docx" "$REPORT_FILE"
        [ -s "$OUT/report-$run.docx" ] || die "cctthc report wrote no $OUT/report-$run.docx"
    done
    step "timing the example district's month $REPORT_MONTH/$REPORT_YEAR: CSV months, then every month .xlsx, $REPORT_RUNS runs"
    for run in $(seq 1 "$REPORT_RUNS"); do
        for shape in csv xlsx; do
            d=$DISTRICT_CSV
            [ "$shape" = xlsx ] && d=$DISTRICT_XLSX
            run_tool district "$DISTRICT_ROWS" "$run" "district-$shape" - - "$OUT/district-$shape-$run.docx" "$d"
            [ -s "$OUT/district-$shape-$run.docx" ] || die "cctthc report wrote no $OUT/district-$shape-$run.docx"
        done
    done
fi

# ---------------------------------------------------------------- results
step "writing bench/RESULTS.md"
dirty=false
git diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null \
    && [ -z "$(git ls-files --others --exclude-standard -- src)" ] || dirty=true
files_json=$(for n in "${SIZE_LIST[@]}"; do printf '"%s": {"bytes": %s},' "$n" "$(stat -c %s "$(data_file "$n")")"; done)
units_json=$(if [ "$UNITS" -gt 0 ]; then for n in "${SIZE_LIST[@]}"; do printf '"%s": {"bytes": %s},' "$n" "$(stat -c %s "$(units_file "$n")")"; done; fi)
report_bytes=0
[ "$REPORT_RUNS" -gt 0 ] && report_bytes=$(stat -c %s "$REPORT_FILE")
overlap_json=$(if [ "$OVERLAP" -gt 0 ]; then for n in "${SIZE_LIST[@]}"; do
    printf '"%s": {"a_rows": %s, "b_rows": %s, "shared": %s, "bytes": %s},' "$n" "$(overlap_a_end "$n")" \
        $((n - $(overlap_b_start "$n"))) "$(overlap_shared "$n")" \
        $(($(stat -c %s "$(overlap_file "$n" a)") + $(stat -c %s "$(overlap_file "$n" b)")))
done; fi)
xlsx_bytes=0
[ "$XLSX_ROWS" -gt 0 ] && xlsx_bytes=$(stat -c %s "$(xlsx_file "$XLSX_ROWS")")
district_json='"runs": 0'
if [ "$REPORT_RUNS" -gt 0 ]; then
    district_json=$(printf '"runs": %s, "rows": %s, "files": %s, "xlsx_shipped": %s, "csv_bytes": %s, "xlsx_bytes": %s' \
        "$REPORT_RUNS" "$DISTRICT_ROWS" "$(ls "$DISTRICT_CSV/du-lieu" | wc -l)" \
        "$(ls "$ROOT"/examples/du-lieu/*.xlsx 2>/dev/null | wc -l)" \
        "$(cat "$DISTRICT_CSV"/du-lieu/* | wc -c)" "$(cat "$DISTRICT_XLSX"/du-lieu/* | wc -c)")
fi
cat > "$DATA/meta.json" <<EOF
{
 "args": $(printf '%s' "$ARGS" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))'),
 "date": "$(date -u '+%Y-%m-%d %H:%M UTC')",
 "commit": "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)",
 "dirty": $dirty,
 "rustc": "$(rustc --version)",
 "duckdb": "$("$PY" -c 'import duckdb; print(duckdb.__version__)')",
 "polars": "$("$PY" -c 'import polars; print(polars.__version__)')",
 "fastexcel": "$("$PY" -c 'import fastexcel; print(fastexcel.__version__)' 2>/dev/null)",
 "python": "$("$PY" --version)",
 "cpu": "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')",
 "cores": $(nproc),
 "mem_gb": $(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo),
 "kernel": "$(uname -r)",
 "seed": $SEED,
 "from": "$FROM",
 "to": "$TO",
 "runs": $RUNS,
 "quiet_busy": $QUIET_BUSY,
 "files": {${files_json%,}},
 "units": $UNITS,
 "units_files": {${units_json%,}},
 "report": {"rows": $REPORT_ROWS, "month": $REPORT_MONTH, "year": $REPORT_YEAR, "bytes": $report_bytes},
 "overlap": {"pct": $OVERLAP, "sizes": {${overlap_json%,}}},
 "xlsx": {"rows": $XLSX_ROWS, "bytes": $xlsx_bytes},
 "district": {$district_json}
}
EOF
python3 "$ROOT/bench/compare.py" results "$DATA"
