#!/usr/bin/env bash
# Peak memory and time of `cctthc stats` on large HTML and JSON exports
# (bench/README.md, "HTML and JSON exports: memory").
#
#   bench/html_memory.sh                # ≈ 100 MB files, 3 runs each
#   bench/html_memory.sh --mb 20 --runs 1
#   bench/html_memory.sh --check-only   # write and check the files, no timing
#
# Writes an Office-HTML "Xuất Excel" page (.xls) and an iGate JSON dump
# ({"content": [...]}) of about --mb MB each, and the same dossiers as CSV,
# in bench/data/memory/ (git-ignored); checks that each gives the figures
# of its CSV; prints size, median wall time and median peak RSS of each.
set -euo pipefail

MB=100
RUNS=3
CHECK_ONLY=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --mb) MB="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --check-only) CHECK_ONLY=1; shift ;;
        *) echo "usage: $0 [--mb N] [--runs N] [--check-only]" >&2; exit 2 ;;
    esac
done

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA="$ROOT/bench/data/memory"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="$TARGET/release/cctthc"
mkdir -p "$DATA"

if [[ ! -x /usr/bin/time ]]; then
    if [[ $(id -u) -eq 0 ]]; then apt-get install -y time >/dev/null; else
        echo "needs GNU time (/usr/bin/time): apt-get install time" >&2; exit 1
    fi
fi
(cd "$ROOT" && cargo build --release --bin cctthc >&2)

# One generator, three forms of the same dossiers. Deterministic.
python3 - "$DATA" "$MB" <<'PY'
import json, os, random, sys
from datetime import date, timedelta

out, mb = sys.argv[1], int(sys.argv[2])
rnd = random.Random(1)
communes = ["Ngọc Kỳ", "Phượng Kỳ", "Đại Sơn", "Dân Chủ", "Hà Kỳ", "Quang Khải", "Tân Kỳ",
            "Văn Tố", "Minh Đức", "Nguyên Giáp", "Quảng Nghiệp", "Tiên Động"]
units = [f"UBND xã {c}" for c in communes] + ["Phòng Tư pháp", "Phòng Tài nguyên và Môi trường",
         "Phòng Kinh tế và Hạ tầng", "Chi nhánh Văn phòng đăng ký đất đai huyện Tứ Kỳ"]
fields = [("Hộ tịch", "Đăng ký khai sinh"), ("Chứng thực", "Chứng thực bản sao từ bản chính"),
          ("Đất đai", "Đăng ký biến động quyền sử dụng đất"), ("Xây dựng", "Cấp giấy phép xây dựng")]
statuses = [("Đã trả kết quả", True), ("Hoàn thành", True), ("Đang xử lý", False),
            ("Chờ bổ sung", False), ("Trả lại hồ sơ", True), ("Rút hồ sơ", True)]
channels = ["Trực tuyến", "Trực tiếp", "Bưu chính công ích"]
start = date(2023, 1, 1)

def dossier(i):
    unit = rnd.choice(units)
    field, proc = rnd.choice(fields)
    status, ends = rnd.choices(statuses, weights=[50, 25, 12, 5, 5, 3])[0]
    recv = start + timedelta(days=rnd.randrange(365))
    due = recv + timedelta(days=rnd.randrange(3, 20))
    end = recv + timedelta(days=rnd.randrange(0, 25)) if ends else None
    return dict(code=f"000.{i % 97:02d}.{i % 31:02d}.H27-{recv:%y%m%d}-{i:07d}", unit=unit,
                field=field, proc=proc, channel=rnd.choice(channels), recv=recv, due=due,
                end=end, status=status, digitised=rnd.random() < 0.8)

html = open(os.path.join(out, "xuat-excel.xls"), "w", encoding="utf-8")
js = open(os.path.join(out, "igate.json"), "w", encoding="utf-8")
csv = open(os.path.join(out, "ho-so.csv"), "w", encoding="utf-8")
html.write('<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">\n'
           '<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
           '<!--[if gte mso 9]><xml><x:ExcelWorkbook><x:ExcelWorksheets><x:ExcelWorksheet><x:Name>Danh sách</x:Name>'
           '</x:ExcelWorksheet></x:ExcelWorksheets></x:ExcelWorkbook></xml><![endif]-->\n'
           '<style>td { mso-number-format:"\\@"; }</style></head><body>\n<table border="1">\n'
           '<tr><td colspan="11"><b>DANH SÁCH HỒ SƠ TIẾP NHẬN NĂM 2023</b></td></tr>\n'
           '<tr><th>STT</th><th>Mã hồ sơ</th><th>Đơn vị<br>tiếp nhận</th><th>Lĩnh vực</th><th>Tên thủ tục</th>'
           '<th>Kênh</th><th>Ngày tiếp nhận</th><th>Ngày hẹn trả</th><th>Ngày kết thúc</th><th>Trạng thái</th>'
           '<th>Số hóa hồ sơ</th></tr>\n')
js.write('{"content": [\n')
csv.write("ma_ho_so,don_vi,linh_vuc,ten_thu_tuc,kenh,ngay_tiep_nhan,ngay_hen_tra,ngay_ket_thuc,trang_thai,so_hoa_ho_so\n")
dmy = lambda d: d.strftime("%d/%m/%Y") + " 08:15" if d else ""
iso = lambda d: d.strftime("%Y-%m-%d") + "T08:15:00.000+0700" if d else None
target = mb * 1_000_000
i = 0
n_json = 0
while html.tell() < target:
    i += 1
    d = dossier(i)
    yes = "Có" if d["digitised"] else "Không"
    unit_html = d["unit"].replace(" ", "&nbsp;", 1)
    html.write(f'<tr><td>{i}</td><td style="mso-number-format:\'\\@\'">{d["code"]}</td><td>{unit_html}</td>'
               f'<td>{d["field"]}</td><td>{d["proc"]}</td><td>{d["channel"]}</td><td>{dmy(d["recv"])}</td>'
               f'<td>{dmy(d["due"])}</td><td>{dmy(d["end"])}</td><td><b>{d["status"]}</b></td><td>{yes}</td></tr>\n')
    rec = {"id": f"64f1{i:020x}", "code": d["code"],
           "agency": {"id": f"{hash(d['unit']) & 0xffffff:06x}", "name": d["unit"], "parent": {"name": "UBND huyện Tứ Kỳ"}},
           "procedure": {"code": "1.001193", "name": d["proc"]}, "sector": {"name": d["field"]},
           "applyMethod": {"id": channels.index(d["channel"]), "name": d["channel"]},
           "acceptedDate": iso(d["recv"]), "appointmentDate": iso(d["due"]),
           "dossierStatus": {"id": 4, "name": d["status"]},
           "attachment": [{"id": 1, "name": "to-khai.pdf"}], "so_hoa_ho_so": d["digitised"]}
    if d["end"]:
        rec["completedDate"] = iso(d["end"])
    if js.tell() < target:
        # The JSON holds the first dossiers, up to the same size.
        js.write(("" if i == 1 else ",\n") + json.dumps(rec, ensure_ascii=False))
        n_json = i
    csv.write(f'{d["code"]},{d["unit"]},{d["field"]},{d["proc"]},{d["channel"]},{dmy(d["recv"])},'
              f'{dmy(d["due"])},{dmy(d["end"])},{d["status"]},{yes}\n')
html.write("</table>\n</body>\n</html>\n")
js.write(f'\n], "totalElements": {n_json}, "totalPages": 1, "last": true}}\n')
csv.close()
# The JSON's dossiers as CSV too, to check its figures.
with open(os.path.join(out, "ho-so.csv"), encoding="utf-8") as all_rows, \
        open(os.path.join(out, "ho-so-json.csv"), "w", encoding="utf-8") as part:
    for n, line in enumerate(all_rows):
        if n > n_json:
            break
        part.write(line)
print(f"{i} dossiers in the HTML and CSV, {n_json} in the JSON", file=sys.stderr)
PY

cd "$DATA"
: > cctthc.toml
export XDG_CONFIG_HOME="$DATA/no-config"
ARGS=(stats --from 01/01/2023 --to 31/12/2023 --format json)
for f in ho-so.csv xuat-excel.xls ho-so-json.csv igate.json; do
    "$BIN" "${ARGS[@]}" -i "$f" > "out-$f.json"
done
python3 - <<'PY'
import json
out = lambda f: json.load(open(f"out-{f}.json"))
for csv, other in (("ho-so.csv", "xuat-excel.xls"), ("ho-so-json.csv", "igate.json")):
    a, b = out(csv), out(other)
    for k in ("tong", "theo_cap", "theo_don_vi", "nhap_lieu"):
        assert a[k] == b[k], f"{k} differs between {csv} and {other}"
    print(f"{other}: the figures of the same rows as CSV ({a['nhap_lieu']['so_dong']} rows, "
          f"tong.tiep_nhan.tong = {a['tong']['tiep_nhan']['tong']})")
PY
[[ $CHECK_ONLY -eq 1 ]] && exit 0

printf '%-16s %10s %10s %12s %10s\n' file MB "time s" "peak RSS MB" "RSS/size"
for f in ho-so.csv xuat-excel.xls igate.json; do
    size=$(stat -c %s "$f")
    times=(); rss=()
    for _ in $(seq "$RUNS"); do
        cat "$f" > /dev/null
        read -r t m < <( { /usr/bin/time -f '%e %M' "$BIN" "${ARGS[@]}" -i "$f" > /dev/null; } 2>&1 | tail -1)
        times+=("$t"); rss+=("$m")
    done
    mt=$(printf '%s\n' "${times[@]}" | sort -g | sed -n "$(( (RUNS + 1) / 2 ))p")
    mr=$(printf '%s\n' "${rss[@]}" | sort -g | sed -n "$(( (RUNS + 1) / 2 ))p")
    awk -v f="$f" -v s="$size" -v t="$mt" -v r="$mr" 'BEGIN {
        printf "%-16s %10.1f %10.2f %12.1f %10.3f\n", f, s / 1e6, t, r * 1024 / 1e6, r * 1024 / s }'
done
