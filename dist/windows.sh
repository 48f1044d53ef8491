#!/usr/bin/env bash
# The Windows zip (SPEC §14), built from Linux:
#   bash dist/windows.sh          -> target/dist/cctthc-VERSION-windows-x64.zip
#   bash dist/windows.sh --test   -> the same, then the zipped cctthc.exe run
#                                    under Wine and checked against Linux
# Installs what it needs (the Rust target, MinGW; Wine for --test) as
# .ci/run does. Where Wine cannot be installed, --test says SKIPPED and why.
set -euo pipefail
cd "$(dirname "$0")/.."

test=false
case "${1:-}" in
  --test) test=true ;;
  "") ;;
  *) echo "cách dùng: bash dist/windows.sh [--test]" >&2; exit 2 ;;
esac

target=x86_64-pc-windows-gnu
version=$(awk -F'"' '/^version *=/ { print $2; exit }' Cargo.toml)
name="cctthc-$version-windows-x64"
out="${CARGO_TARGET_DIR:-target}"
dist="$out/dist"

apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null 2>&1 || true
  $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Without the tools, the zip cannot be made; the test then says why it
# did not run rather than failing where nothing can be installed.
cannot() {
  if $test; then
    echo "SKIPPED: dist/windows.sh --test: $*" >&2
    if [ -n "${CCTTHC_SKIPPED:-}" ]; then echo "dist/windows.sh --test: $*" >> "$CCTTHC_SKIPPED"; fi
    exit 0
  fi
  echo "lỗi: $*" >&2
  exit 1
}
rustup target list --installed 2>/dev/null | grep -qx "$target" || rustup target add "$target" ||
  cannot "không cài được đích $target (rustup target add $target)"
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || apt_install gcc-mingw-w64-x86-64 ||
  cannot "không cài được MinGW (apt-get install gcc-mingw-w64-x86-64)"

echo "+ cargo build --release --locked --target $target" >&2
# The .exe is stripped: no debug lines to build.
CARGO_PROFILE_RELEASE_DEBUG=false cargo build --release --locked --target "$target"

stage="$dist/$name"
rm -rf "$stage"
mkdir -p "$stage/mau" "$stage/vi-du" "$stage/docs"
x86_64-w64-mingw32-strip -o "$stage/cctthc.exe" "$out/$target/release/cctthc.exe"
# Notepad on every Windows reads UTF-8 with a BOM and CRLF line ends.
{ printf '\xef\xbb\xbf'; sed 's/$/\r/' dist/HUONG-DAN.txt; } > "$stage/HUONG-DAN.txt"
cp templates/*.docx "$stage/mau/"
cp docs/*.md "$stage/docs/"
cp examples/cctthc.toml "$stage/vi-du/"
cp -r examples/du-lieu "$stage/vi-du/du-lieu"

# Same files, same zip: names sorted, fixed times and modes.
python3 - "$stage" "$dist/$name.zip" <<'PY'
import os, sys, zipfile
stage, dest = sys.argv[1], sys.argv[2]
root = os.path.basename(stage)
paths = []
for folder, dirs, files in os.walk(stage):
    dirs.sort()
    paths += [os.path.join(folder, f) for f in sorted(files)]
tmp = dest + ".tmp"
with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for p in paths:
        info = zipfile.ZipInfo(root + "/" + os.path.relpath(p, stage).replace(os.sep, "/"),
                               (1980, 1, 1, 0, 0, 0))
        info.external_attr = 0o100644 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(p, "rb") as f:
            z.writestr(info, f.read(), compresslevel=9)
os.replace(tmp, dest)
PY
echo "Đã ghi $dist/$name.zip" >&2

$test || exit 0
exec bash dist/wine-test.sh "$dist/$name.zip"
