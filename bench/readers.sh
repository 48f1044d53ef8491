#!/usr/bin/env bash
# Speed of `cctthc stats` on large HTML and JSON exports against their
# parsing crates alone over the same bytes (bench/README.md, "HTML and
# JSON exports: speed").
#
#   bench/readers.sh                 # ≈ 100 MB files, 3 runs
#   bench/readers.sh --mb 20 --runs 5
#
# The files are bench/html_memory.sh's (written and checked against their
# CSV by it, in bench/data/memory/; kept for the next run of the same --mb). Each run times, interleaved and with
# the file in the page cache: cctthc on the HTML, html5ever's tokenizer
# alone (examples/parse_floor.rs), cctthc on the JSON, serde_json alone
# (into IgnoredAny, from memory and streamed; into Value), cctthc on the
# CSV of the HTML's dossiers. Prints the median of each and cctthc ÷ floor.
set -euo pipefail

MB=100
RUNS=3
while [[ $# -gt 0 ]]; do
    case "$1" in
        --mb) MB="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        *) echo "usage: $0 [--mb N] [--runs N]" >&2; exit 2 ;;
    esac
done

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA="$ROOT/bench/data/memory"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="$TARGET/release/cctthc"
FLOOR="$TARGET/release/examples/parse_floor"

# Files of this size already written and checked are kept (a stamp says so).
if [[ "$(cat "$DATA/readers.mb" 2>/dev/null)" != "$MB" ]]; then
    rm -f "$DATA/readers.mb"
    "$ROOT/bench/html_memory.sh" --mb "$MB" --check-only   # builds cctthc too
    echo "$MB" > "$DATA/readers.mb"
else
    (cd "$ROOT" && cargo build --release --bin cctthc >&2)
fi
# Apart: built with the binary, the example's dev-dependencies would
# change the features the binary is built with.
(cd "$ROOT" && cargo build --release --example parse_floor >&2)

cd "$DATA"
export XDG_CONFIG_HOME="$DATA/no-config"
ARGS=(stats --from 01/01/2023 --to 31/12/2023 --format json)
LOG="$DATA/readers.log"
: > "$LOG"

# `name seconds` lines in the log, one per measure per run.
cctthc() {  # name file
    cat "$2" > /dev/null
    local t
    t=$( { /usr/bin/time -f '%e %U %S' "$BIN" "${ARGS[@]}" -i "$2" > /dev/null; } 2>&1 | tail -1)
    read -r wall user sys <<< "$t"
    echo "$1 $wall $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" >> "$LOG"
}
floor() {  # mode file
    cat "$2" > /dev/null
    "$FLOOR" "$1" "$2" | awk '{ print $1, $2 }' >> "$LOG"
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for r in $(seq "$RUNS"); do
    echo "run $r of $RUNS (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    cctthc cctthc-html xuat-excel.xls
    floor html xuat-excel.xls
    cctthc cctthc-json igate.json
    floor json igate.json
    cctthc cctthc-csv ho-so.csv
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

median() {  # name [column]
    awk -v n="$1" -v c="${2:-2}" '$1 == n { print $c }' "$LOG" | sort -g |
        awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
mb() { awk -v s="$(stat -c %s "$1")" 'BEGIN { printf "%.1f", s / 1e6 }'; }

printf '%-22s %-15s %7s %9s %8s %9s\n' measure file MB "median s" "MB/s" "CPU s"
for m in cctthc-html:xuat-excel.xls html5ever-tokenizer:xuat-excel.xls \
         cctthc-json:igate.json json-ignored-slice:igate.json json-ignored-reader:igate.json \
         json-value-reader:igate.json cctthc-csv:ho-so.csv; do
    name=${m%%:*}; file=${m#*:}
    t=$(median "$name")
    cpu=$( [[ $name == cctthc-* ]] && median "$name" 3 || echo -)
    awk -v n="$name" -v f="$file" -v s="$(mb "$file")" -v t="$t" -v c="$cpu" 'BEGIN {
        printf "%-22s %-15s %7.1f %9.2f %8.1f %9s\n", n, f, s, t, s / t, c }'
done
echo
ratio() { awk -v a="$(median "$1")" -v b="$(median "$2")" -v l="$1 ÷ $2" 'BEGIN { printf "%-44s %6.2f\n", l, a / b }'; }
ratio cctthc-html html5ever-tokenizer
ratio cctthc-json json-ignored-slice
ratio cctthc-json json-ignored-reader
ratio cctthc-json json-value-reader
ratio cctthc-html cctthc-csv
echo "(every run: $LOG)"
