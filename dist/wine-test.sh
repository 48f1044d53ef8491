#!/usr/bin/env bash
# `dist/windows.sh --test`: the zipped cctthc.exe run under Wine on the
# examples, in a folder and with a file whose names have Vietnamese letters
# and spaces. Every output must be byte-identical to the Linux build's for
# the same inputs and --date (SPEC §14); a double click must show the help
# and wait for Enter; files dropped on the program must give last month's
# report beside the first one.
#   bash dist/wine-test.sh target/dist/cctthc-VERSION-windows-x64.zip
set -euo pipefail
cd "$(dirname "$0")/.."
zip=$(realpath "$1")

skip() {
  echo "SKIPPED: dist/windows.sh --test: $*" >&2
  if [ -n "${CCTTHC_SKIPPED:-}" ]; then
    echo "dist/windows.sh --test: $*" >> "$CCTTHC_SKIPPED"
  fi
  exit 0
}
fail() { echo "LỖI: dist/windows.sh --test: $*" >&2; exit 1; }

if ! command -v wine >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq >/dev/null 2>&1 || true
    $sudo apt-get install -y -qq --no-install-recommends wine64 wine >/dev/null 2>&1 || true
  fi
  command -v wine >/dev/null 2>&1 || skip "Wine không có và không cài được (apt-get install wine64)"
fi
command -v script >/dev/null 2>&1 || skip "thiếu 'script' (util-linux) để mở một cửa sổ lệnh giả"

# The Linux side: the build the tests use.
cargo build --locked -q
linux=$(realpath "${CARGO_TARGET_DIR:-target}/debug/cctthc")

work=$(mktemp -d)
trap 'wineserver -k >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
place="$work/Thư mục thử"
mkdir -p "$place/Windows" "$place/Linux"
python3 -m zipfile -e "$zip" "$place/Windows"
root="$place/Windows/$(basename "$zip" .zip)"
[ -f "$root/cctthc.exe" ] || fail "cctthc.exe không có trong $zip"
for f in HUONG-DAN.txt mau/bao-cao-thang.docx vi-du/cctthc.toml docs/tham-chieu.md; do
  [ -f "$root/$f" ] || fail "$f không có trong $zip"
done
cp -r "$root/vi-du" "$root/mau" "$place/Linux/"
win="$root/vi-du"
lin="$place/Linux/vi-du"
for d in "$win" "$lin"; do
  mv "$d/du-lieu/ho-so-2023-11.csv" "$d/du-lieu/hồ sơ tháng 11.csv"
done

# Wine 8 lacks ProcessPrng, which Rust's standard library calls: a
# test-only stand-in beside this copy of the .exe, never in the zip.
x86_64-w64-mingw32-gcc -O2 -shared -o "$root/bcryptprimitives.dll" \
  dist/wine/bcryptprimitives.c dist/wine/bcryptprimitives.def -ladvapi32
export WINEPREFIX="$work/wine" WINEDEBUG=-all WINEDLLOVERRIDES="bcryptprimitives=n,b"
# Wine turns arguments and console text into UTF-16 by the locale.
export LC_ALL=C.UTF-8
wine "$root/cctthc.exe" --version >/dev/null 2>&1 || true   # makes the prefix
version=$(wine "$root/cctthc.exe" --version 2>/dev/null | tr -d '\r')
[ "$version" = "$("$linux" --version)" ] || fail "cctthc.exe --version: '$version'"

checks=0
# Runs the same command in both folders: exit codes and stdout must match,
# and so must each file named after `--`.
same() {
  local files=() args=()
  while [ "$1" != "--" ]; do args+=("$1"); shift; done
  shift
  files=("$@")
  local wrc=0 lrc=0
  (cd "$win" && wine ../cctthc.exe "${args[@]}" > "$work/win.out" 2> "$work/win.err") || wrc=$?
  (cd "$lin" && "$linux" "${args[@]}" > "$work/lin.out" 2> "$work/lin.err") || lrc=$?
  [ "$wrc" = "$lrc" ] || fail "cctthc ${args[*]}: mã thoát $wrc trên Windows, $lrc trên Linux: $(cat "$work/win.err")"
  cmp -s "$work/win.out" "$work/lin.out" || fail "cctthc ${args[*]}: stdout khác nhau"
  for f in "${files[@]}"; do
    [ -f "$win/$f" ] || fail "cctthc ${args[*]}: không có $f trên Windows: $(cat "$work/win.err")"
    cmp -s "$win/$f" "$lin/$f" || fail "cctthc ${args[*]}: $f khác nhau giữa Windows và Linux"
  done
  checks=$((checks + 1))
}

day=25/11/2023
same report --month 11 --year 2023 --date $day -- bao-cao/BC-CCTTHC-2023-11.docx
same report --month 11 --year 2023 --date $day -o "bảng tính 11.xlsx" -- "bảng tính 11.xlsx"
same report --month 9 --year 2023 --date 05/10/2023 -t ../mau/cong-van-xa.docx \
  --don-vi "UBND xã Phượng Kỳ" -o "công văn xã.docx" -- "công văn xã.docx"
same report --month 11 --year 2023 --date $day --format md --
same stats --month 11 --year 2023 --by don_vi --
same stats --month 11 --year 2023 --format json --
same stats --month 11 --year 2023 --by don_vi --format xlsx -o "số liệu.xlsx" -- "số liệu.xlsx"
same qua-han --ngay 30/11/2023 --format csv -o "quá hạn.csv" -- "quá hạn.csv"
same chi-so --month 11 --year 2023 --format xlsx -o "chỉ số.xlsx" -- "chỉ số.xlsx"
same check -i "du-lieu/hồ sơ tháng 11.csv" --
# An output that is an input is refused before anything is written.
same stats --month 11 --year 2023 --format csv -o "du-lieu/hồ sơ tháng 11.csv" --
grep -q "cùng một tệp" "$work/win.err" || fail "tệp ra trùng tệp vào: $(cat "$work/win.err")"

# In a console of its own (a pseudo-terminal), as Explorer starts it.
console() { # SECONDS_BEFORE_ENTER COMMAND...
  local wait=$1
  shift
  # The Enter may come after the program is gone: not an error here.
  { trap '' PIPE; sleep "$wait"; printf '\r' 2>/dev/null || true; sleep 1; } |
    timeout 60 script -qec "$(printf '%q ' "$@")" /dev/null > "$work/console.out" 2>&1
}
# The console's text without its escapes, and its lines joined again where
# the 80-column window wrapped them.
strip() { sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$work/console.out" | tr -d '\r\n'; }

# A double click: the help, then it waits for Enter.
start=$(date +%s)
(cd "$win" && console 6 wine ../cctthc.exe) || fail "nhấp đúp: mã thoát $?"
took=$(( $(date +%s) - start ))
strip | grep -q "Cách dùng: cctthc" || fail "nhấp đúp: không thấy hướng dẫn: $(strip | head -c 400)"
strip | grep -q "Nhấn Enter để đóng cửa sổ này" || fail "nhấp đúp: không chờ Enter"
[ "$took" -ge 6 ] || fail "nhấp đúp: cửa sổ đóng sau $took giây, không chờ Enter"
checks=$((checks + 1))

# Files dropped on cctthc.exe: last month's report beside the first file,
# the same bytes as the same drop on Linux.
month=$(TZ=Asia/Ho_Chi_Minh date -d "$(TZ=Asia/Ho_Chi_Minh date +%Y-%m-01) -1 day" +%Y-%m)
report="du-lieu/BC-CCTTHC-$month.docx"
first=$(winepath -w "$win/du-lieu/hồ sơ tháng 11.csv" 2>/dev/null)
second=$(winepath -w "$win/du-lieu/ho-so-2023-10.csv" 2>/dev/null)
(cd "$place" && console 4 wine "$root/cctthc.exe" "$first" "$second") || fail "thả tệp: mã thoát $?"
strip | grep -q "Đã ghi .*BC-CCTTHC-$month.docx" || fail "thả tệp: $(strip | tail -c 400)"
strip | grep -q "Nhấn Enter để đóng cửa sổ này" || fail "thả tệp: không chờ Enter"
(cd "$place" && "$linux" "$lin/du-lieu/hồ sơ tháng 11.csv" "$lin/du-lieu/ho-so-2023-10.csv" 2>/dev/null)
cmp -s "$win/$report" "$lin/$report" || fail "thả tệp: $report khác nhau giữa Windows và Linux"
checks=$((checks + 1))

# Vietnamese in the console itself.
(cd "$win" && console 1 wine ../cctthc.exe stats --month 11 --year 2023 --by don_vi) || fail "bảng số liệu trong cửa sổ lệnh: mã thoát $?"
strip | grep -q "UBND xã Phượng Kỳ" || fail "chữ Việt trong cửa sổ lệnh: $(strip | head -c 400)"
checks=$((checks + 1))

echo "dist/windows.sh --test: $checks phép thử dưới Wine đều qua ($(basename "$zip"))" >&2
