//! The files of `tests/fixtures/real/`: the dossiers of [`data`] as each
//! real system writes them. Every writer keeps only the columns its system
//! has and spells statuses, channels and dates its own way.
//!
//! - Tân Dân (Thanh Hóa) "Xuất Excel": the page's HTML table saved under a
//!   `.xls` name in an Office-HTML wrapper, UTF-8 and Windows-1258; and a
//!   clerk's re-save of it as .xlsx.
//! - OpenCPS report export: binary .xls (Apache POI HSSF on the server),
//!   sheet `report`, text cells only, a heading row `Lĩnh vực ( n ) ` over
//!   each field's dossiers; and its re-save as .xlsx.
//! - The national portal's sync records (DVCQG `DongBoHoSoMC`) dumped as
//!   CSV, with the portal's codes.
//! - VNPT iGate's dossier API: a page `{"content": [...]}` with +0700 and
//!   with UTC (`Z`) times, NDJSON and a plain array.

#![allow(dead_code)]

use crate::biff8;
use crate::common::{cp1258, push_line, xlsx_properties};
use crate::data::{Dossier, Kenh, PROCS, UNITS, period, snapshot};
use chrono::{Datelike, Duration, NaiveDateTime, Timelike};
use std::collections::BTreeMap;

pub const TAN_DAN_HTML: &str = "Danh sách hồ sơ 5_11_2023 9_7.xls";
pub const TAN_DAN_HTML_1258: &str = "Danh sách hồ sơ 5_11_2023 9_12.xls";
pub const TAN_DAN_XLSX: &str = "Danh sách hồ sơ 5_11_2023 9_7.xlsx";
pub const OPENCPS_XLS: &str = "baocaothongke.xls";
pub const OPENCPS_XLSX: &str = "baocaothongke.xlsx";
pub const DVCQG_CSV: &str = "DongBoHoSo_DVCQG_10_2023.csv";
pub const IGATE_JSON: &str = "igate-dossiers.json";
pub const IGATE_JSON_UTC: &str = "igate-dossiers-utc.json";
pub const IGATE_NDJSON: &str = "igate-dossiers.ndjson";
pub const IGATE_ARRAY: &str = "igate-dossiers-array.json";

/// Every layout file, in the order the README lists them.
pub const FILES: [&str; 10] = [
    TAN_DAN_HTML,
    TAN_DAN_HTML_1258,
    TAN_DAN_XLSX,
    OPENCPS_XLS,
    OPENCPS_XLSX,
    DVCQG_CSV,
    IGATE_JSON,
    IGATE_JSON_UTC,
    IGATE_NDJSON,
    IGATE_ARRAY,
];

/// Every layout file's name and bytes.
pub fn files(ds: &[Dossier]) -> Vec<(&'static str, Vec<u8>)> {
    let tan_dan = tan_dan_rows(ds);
    let opencps = opencps_sheet(ds);
    vec![
        (
            TAN_DAN_HTML,
            tan_dan_html(&tan_dan, DateStyle::TimeFirst, "utf-8").into_bytes(),
        ),
        (
            TAN_DAN_HTML_1258,
            cp1258(&tan_dan_html(&tan_dan, DateStyle::Dmy, "windows-1258")),
        ),
        (TAN_DAN_XLSX, tan_dan_xlsx(&tan_dan)),
        (OPENCPS_XLS, biff8::xls(&opencps)),
        (OPENCPS_XLSX, sheet_xlsx(&opencps)),
        (DVCQG_CSV, dvcqg_csv(ds).into_bytes()),
        (IGATE_JSON, igate_page(ds, Zone::Vn).into_bytes()),
        (IGATE_JSON_UTC, igate_page(ds, Zone::Utc).into_bytes()),
        (IGATE_NDJSON, igate_ndjson(ds).into_bytes()),
        (IGATE_ARRAY, igate_array(ds).into_bytes()),
    ]
}

// ---------------------------------------------------------------- dates

#[derive(Clone, Copy, PartialEq, Eq)]
enum DateStyle {
    /// `14:35, 03/10/2023`: Tân Dân's `HH:mm, DD/MM/YYYY`.
    TimeFirst,
    /// `03/10/2023 14:35:00`: Tân Dân's list format and OpenCPS's
    /// `dd/MM/yyyy HH:mm:ss`.
    Dmy,
}

fn fmt_date(v: Option<NaiveDateTime>, style: DateStyle) -> String {
    let Some(v) = v else {
        return String::new();
    };
    let (y, m, d, h, mi, s) = (
        v.year(),
        v.month(),
        v.day(),
        v.hour(),
        v.minute(),
        v.second(),
    );
    match style {
        DateStyle::TimeFirst => format!("{h:02}:{mi:02}, {d:02}/{m:02}/{y:04}"),
        DateStyle::Dmy => format!("{d:02}/{m:02}/{y:04} {h:02}:{mi:02}:{s:02}"),
    }
}

/// The national portal's `yyyyMMddHHmmss`.
fn compact(v: Option<NaiveDateTime>) -> String {
    v.map(|v| v.format("%Y%m%d%H%M%S").to_string())
        .unwrap_or_default()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Zone {
    /// `2023-10-03T14:35:00.000+0700`, as iGate answers.
    Vn,
    /// The same instant in UTC: `2023-10-03T07:35:00.000Z`.
    Utc,
}

fn iso(v: NaiveDateTime, zone: Zone) -> String {
    match zone {
        Zone::Vn => format!("{}+0700", v.format("%Y-%m-%dT%H:%M:%S%.3f")),
        Zone::Utc => format!(
            "{}Z",
            (v - Duration::hours(7)).format("%Y-%m-%dT%H:%M:%S%.3f")
        ),
    }
}

fn period_line() -> String {
    let (s, e) = period();
    format!(
        "Từ ngày {} đến ngày {}",
        s.format("%d/%m/%Y"),
        e.format("%d/%m/%Y")
    )
}

// ---------------------------------------------------------------- Tân Dân

/// Tân Dân's status words: its `TRANGTHAIHOSO` table, which follows the
/// national codes one for one.
fn tan_dan_status(code: u8) -> &'static str {
    match code {
        1 => "Mới đăng ký",
        2 => "Được tiếp nhận",
        3 => "Không được tiếp nhận",
        4 => "Đang xử lý",
        5 => "Yêu cầu bổ sung giấy tờ",
        6 => "Yêu cầu thực hiện nghĩa vụ tài chính",
        7 => "Công dân yêu cầu rút hồ sơ",
        8 => "Dừng xử lý",
        9 => "Đã xử lý xong",
        10 => "Đã trả kết quả",
        _ => unreachable!("status code {code}"),
    }
}

const TAN_DAN_HEADERS: [&str; 12] = [
    "STT",
    "Đơn vị tiếp nhận",
    "Tên thủ tục hành chính",
    "Mã hồ sơ",
    "Trạng thái",
    "Địa chỉ",
    "Người nộp",
    "Chủ hồ sơ",
    "Ngày nộp hồ sơ",
    "Ngày nhận",
    "Ngày hẹn trả",
    "Ngày kết thúc xử lý",
];

/// The list as the page shows it: latest submission first.
fn tan_dan_rows(ds: &[Dossier]) -> Vec<&Dossier> {
    let mut rows: Vec<&Dossier> = ds.iter().collect();
    rows.sort_by(|a, b| b.nop.cmp(&a.nop).then_with(|| a.ma.cmp(&b.ma)));
    rows
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The second space of a name as a line break: `UBND xã<br>Đông Tiến`.
fn with_break(s: &str) -> String {
    match s.match_indices(' ').nth(1) {
        Some((i, _)) => format!("{}<br>{}", esc(&s[..i]), esc(&s[i + 1..])),
        None => esc(s),
    }
}

const TD: &str = "vertical-align:middle;padding:5px;border:1px solid #333";

fn tan_dan_html(rows: &[&Dossier], dates: DateStyle, charset: &str) -> String {
    let mut h = String::with_capacity(rows.len() * 1500);
    h.push_str(
        "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\" \
         xmlns:x=\"urn:schemas-microsoft-com:office:excel\" \
         xmlns=\"http://www.w3.org/TR/REC-html40\">\n<head>\n",
    );
    h.push_str(&format!(
        "<meta http-equiv=\"Content-Type\" content=\"text/html; charset={charset}\">\n"
    ));
    h.push_str(
        "<!--[if gte mso 9]><xml><x:ExcelWorkbook><x:ExcelWorksheets><x:ExcelWorksheet>\
         <x:Name>Danh sách hồ sơ</x:Name><x:WorksheetOptions><x:DisplayGridlines/>\
         </x:WorksheetOptions></x:ExcelWorksheet></x:ExcelWorksheets></x:ExcelWorkbook>\
         </xml><![endif]-->\n",
    );
    h.push_str(
        "<style>\ntable { border-collapse: collapse; }\ntd { mso-number-format: General; }\n\
         .addMsoNumberFormat_center { text-align: center; }\n</style>\n</head>\n<body>\n",
    );
    h.push_str(
        "<table style=\"font-family: &quot;Times New Roman&quot;, Times, serif; font-size: 17px\">\
         <thead>",
    );
    // Two title rows: their colspans (9 and 8) are narrower than the
    // table's 12 columns, as on the real page.
    h.push_str(&format!(
        "<tr><td colspan=\"9\" style=\"vertical-align:middle;padding:5px;font-size:19px\">\
         <strong>DANH SÁCH HỒ SƠ</strong><br><strong class=\"filterDate\">{}</strong></td></tr>\
         <tr><td colspan=\"8\" style=\"vertical-align:middle;padding:5px\"><strong></strong></td></tr>",
        period_line()
    ));
    h.push_str("<tr>");
    for head in TAN_DAN_HEADERS {
        h.push_str(&format!("<td style=\"{TD}\"><strong>{head}</strong></td>"));
    }
    h.push_str("</tr></thead><tbody id=\"data\">\n");
    for (i, d) in rows.iter().enumerate() {
        let unit = d.unit().ten;
        let unit = if i % 5 == 2 {
            with_break(unit)
        } else {
            esc(unit)
        };
        let code = if i % 2 == 1 {
            format!("<b>{}</b>", d.ma)
        } else {
            d.ma.clone()
        };
        let address = match d.dia_chi.rsplit_once(", ") {
            Some((a, b)) if i % 3 == 0 => format!("{},<br>{}", esc(a), esc(b)),
            _ => esc(&d.dia_chi),
        };
        let cells = [
            format!("<td style=\"{TD};text-align:center\">{}</td>", i + 1),
            format!("<td style=\"{TD};text-align:left\">{unit}</td>"),
            format!(
                "<td style=\"text-align:left;{TD}\">{}</td>",
                esc(d.proc().ten)
            ),
            format!(
                "<td class=\"addMsoNumberFormat_center\" style=\"mso-number-format:&quot;@&quot;; \
                 border: 1px solid #333; text-align: center\">{code}</td>"
            ),
            format!(
                "<td style=\"{TD}\"><span class=\"ant-tag\">{}</span></td>",
                tan_dan_status(d.trang_thai)
            ),
            format!("<td style=\"text-align:left;{TD}\">{address}</td>"),
            format!("<td style=\"{TD}\">{}</td>", esc(&d.nguoi_nop)),
            format!("<td style=\"{TD}\">{}</td>", esc(&d.chu_ho_so)),
            format!("<td style=\"{TD}\">{}</td>", fmt_date(Some(d.nop), dates)),
            format!("<td style=\"{TD}\">{}</td>", fmt_date(d.nhan, dates)),
            format!("<td style=\"{TD}\">{}</td>", fmt_date(d.hen, dates)),
            format!("<td style=\"{TD}\">{}</td>", fmt_date(d.ket_thuc, dates)),
        ];
        h.push_str("<tr>");
        for c in cells {
            h.push_str(&c);
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table>\n</body>\n</html>\n");
    h
}

/// Excel's re-save of the UTF-8 page: the title rows merged as their
/// colspans said, every cell text (the dates as the page wrote them).
fn tan_dan_xlsx(rows: &[&Dossier]) -> Vec<u8> {
    use rust_xlsxwriter::{Format, FormatAlign, Workbook};
    let mut wb = Workbook::new();
    wb.set_properties(&xlsx_properties("Danh sách hồ sơ", snapshot().date()));
    let ws = wb.add_worksheet();
    ws.set_name("Danh sách hồ sơ").expect("sheet name");
    let title = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center);
    ws.merge_range(
        0,
        0,
        0,
        8,
        &format!("DANH SÁCH HỒ SƠ\n{}", period_line()),
        &title,
    )
    .expect("merge");
    ws.merge_range(1, 0, 1, 7, "", &Format::new())
        .expect("merge");
    let bold = Format::new()
        .set_bold()
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    for (c, head) in TAN_DAN_HEADERS.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *head, &bold)
            .expect("cell");
    }
    for (i, d) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        let address = match d.dia_chi.rsplit_once(", ") {
            Some((a, b)) if i % 3 == 0 => format!("{a},\n{b}"),
            _ => d.dia_chi.clone(),
        };
        let values = [
            (i + 1).to_string(),
            d.unit().ten.to_string(),
            d.proc().ten.to_string(),
            d.ma.clone(),
            tan_dan_status(d.trang_thai).to_string(),
            address,
            d.nguoi_nop.clone(),
            d.chu_ho_so.clone(),
            fmt_date(Some(d.nop), DateStyle::TimeFirst),
            fmt_date(d.nhan, DateStyle::TimeFirst),
            fmt_date(d.hen, DateStyle::TimeFirst),
            fmt_date(d.ket_thuc, DateStyle::TimeFirst),
        ];
        for (c, v) in values.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r, c as u16, v).expect("cell");
            }
        }
    }
    wb.save_to_buffer().expect("xlsx")
}

// ---------------------------------------------------------------- OpenCPS

/// OpenCPS's `dossierStatusText`, several spellings for some statuses.
fn opencps_status(code: u8, v: u8) -> &'static str {
    match code {
        1 => "Chờ tiếp nhận",
        2 => "Hồ sơ mới nhận",
        3 => "Từ chối tiếp nhận",
        4 => [
            "Đang xử lý",
            "Đang xử lý liên thông",
            "Chờ xử lý",
            "Đang xử lý",
        ][v as usize % 4],
        5 => ["Yêu cầu bổ sung giấy tờ", "Chờ bổ sung"][v as usize % 2],
        6 => "Chờ thanh toán",
        7 => "Đã rút hồ sơ",
        8 => "Từ chối xử lý",
        9 => ["Chờ trả kết quả", "Đã xử lý xong"][v as usize % 2],
        10 => "Đã trả kết quả",
        _ => unreachable!("status code {code}"),
    }
}

const OPENCPS_HEADERS: [&str; 9] = [
    "STT",
    "Mã hồ sơ",
    "Cơ quan thực hiện",
    "Tên thủ tục",
    "Tình trạng",
    "Trực tuyến",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày kết thúc",
];

/// The report sheet as the server lays out the client's document: a row
/// of two merged halves and two title lines merged across, the header,
/// then per field a heading row (its text in the first cell only, merged
/// across the table) and the field's dossiers numbered from 1. Empty
/// values are a single space, as the client writes them.
pub fn opencps_sheet(ds: &[Dossier]) -> biff8::Sheet {
    let width = OPENCPS_HEADERS.len() as u16;
    let mut cells = Vec::new();
    let mut merges = Vec::new();
    let half = width / 2;
    cells.push((0, 0, "UBND TỈNH THANH HÓA".to_string()));
    merges.push((0, 0, 0, half - 1));
    cells.push((0, half, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".to_string()));
    merges.push((0, 0, half, 2 * half - 1));
    cells.push((1, 0, "DANH SÁCH HỒ SƠ TIẾP NHẬN".to_string()));
    merges.push((1, 1, 0, width - 1));
    cells.push((2, 0, period_line()));
    merges.push((2, 2, 0, width - 1));
    for (c, head) in OPENCPS_HEADERS.iter().enumerate() {
        cells.push((3, c as u16, head.to_string()));
    }

    // Grouped by field, in the order the client ends up with: first seen
    // in the data (received first), reversed.
    let mut list: Vec<&Dossier> = ds.iter().collect();
    list.sort_by(|a, b| (a.nhan.unwrap_or(a.nop), &a.ma).cmp(&(b.nhan.unwrap_or(b.nop), &b.ma)));
    let mut order: Vec<&str> = Vec::new();
    let mut groups: BTreeMap<&str, Vec<&Dossier>> = BTreeMap::new();
    for d in list {
        let f = d.proc().linh_vuc;
        if !groups.contains_key(f) {
            order.push(f);
        }
        groups.entry(f).or_default().push(d);
    }
    order.reverse();

    let blank = |s: String| if s.is_empty() { " ".to_string() } else { s };
    let mut r: u16 = 4;
    for f in order {
        let group = &groups[f];
        cells.push((r, 0, format!("{f} ( {} ) ", group.len())));
        merges.push((r, r, 0, width - 1));
        r += 1;
        for (i, d) in group.iter().enumerate() {
            let values = [
                (i + 1).to_string(),
                d.ma.clone(),
                d.unit().ten.to_string(),
                d.proc().ten.to_string(),
                opencps_status(d.trang_thai, d.bien_the).to_string(),
                (d.kenh == Kenh::TrucTuyen).to_string(),
                fmt_date(d.nhan, DateStyle::Dmy),
                fmt_date(d.hen, DateStyle::Dmy),
                fmt_date(d.ket_thuc, DateStyle::Dmy),
            ];
            for (c, v) in values.into_iter().enumerate() {
                cells.push((r, c as u16, blank(v)));
            }
            r += 1;
        }
    }
    biff8::Sheet {
        name: "report".to_string(),
        cells,
        merges,
    }
}

/// Excel's re-save of the report: the same text cells and merged ranges.
fn sheet_xlsx(sheet: &biff8::Sheet) -> Vec<u8> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    wb.set_properties(&xlsx_properties("report", snapshot().date()));
    let ws = wb.add_worksheet();
    ws.set_name(&sheet.name).expect("sheet name");
    let plain = Format::new();
    let mut merged = std::collections::HashSet::new();
    for &(r0, r1, c0, c1) in &sheet.merges {
        let text = sheet
            .cells
            .iter()
            .find(|c| c.0 == r0 && c.1 == c0)
            .map_or("", |c| c.2.as_str());
        ws.merge_range(r0 as u32, c0, r1 as u32, c1, text, &plain)
            .expect("merge");
        merged.insert((r0, c0));
    }
    for (r, c, v) in &sheet.cells {
        if !merged.contains(&(*r, *c)) {
            ws.write_string(*r as u32, *c, v).expect("cell");
        }
    }
    wb.save_to_buffer().expect("xlsx")
}

// ---------------------------------------------------------------- DVCQG

const DVCQG_HEADERS: [&str; 10] = [
    "MaHoSo",
    "KenhThucHien",
    "NgayTiepNhan",
    "NgayHenTra",
    "TrangThaiHoSo",
    "NgayKetThucXuLy",
    "NgayTra",
    "DonViXuLy",
    "HoSoCoThanhPhanSoHoa",
    "DuocThanhToanTrucTuyen",
];

/// The sync records of the dossiers received (the sync sends only those
/// with a `NgayTiepNhan`), by code; UTF-8, LF.
fn dvcqg_csv(ds: &[Dossier]) -> String {
    let mut rows: Vec<&Dossier> = ds.iter().filter(|d| d.received()).collect();
    rows.sort_by(|a, b| a.ma.cmp(&b.ma));
    let mut out = String::new();
    push_line(&mut out, &DVCQG_HEADERS, ',');
    for d in rows {
        let end = if d.chi_ngay_tra { None } else { d.ket_thuc };
        let fields = [
            d.ma.clone(),
            d.kenh.code().to_string(),
            compact(d.nhan),
            compact(d.hen),
            d.trang_thai.to_string(),
            compact(end),
            compact(d.tra),
            d.unit().ten.to_string(),
            u8::from(d.so_hoa).to_string(),
            d.thanh_toan.to_string(),
        ];
        push_line(&mut out, &fields, ',');
    }
    out.replace("\r\n", "\n")
}

// ---------------------------------------------------------------- iGate

/// iGate's `dossierStatus.name`.
fn igate_status(code: u8, v: u8) -> &'static str {
    let v = v as usize;
    match code {
        1 => ["Mới đăng ký", "Chờ tiếp nhận"][v % 2],
        2 => "Đã tiếp nhận",
        3 => "Từ chối tiếp nhận",
        4 => ["Đang xử lý", "Đang giải quyết"][v % 2],
        5 => "Chờ bổ sung",
        6 => "Tạm dừng",
        7 => ["Xin rút", "Rút hồ sơ"][v % 2],
        8 => ["Trả lại hồ sơ", "Không đủ điều kiện", "Trả lại"][v % 3],
        9 => ["Có kết quả", "Đã có kết quả", "Hoàn thành"][v % 3],
        10 => "Đã trả kết quả",
        _ => unreachable!("status code {code}"),
    }
}

/// Channel words: the page variants use iGate's own, the NDJSON and array
/// dumps other systems' (`Nộp trực tuyến`, `Qua mạng`).
#[derive(Clone, Copy)]
enum Words {
    IGate,
    Nop,
    QuaMang,
}

fn apply_method(k: Kenh, words: Words) -> (i64, &'static str) {
    match (k, words) {
        (Kenh::TrucTuyen, Words::IGate) => (0, "Trực tuyến"),
        (Kenh::TrucTuyen, Words::Nop) => (0, "Nộp trực tuyến"),
        (Kenh::TrucTuyen, Words::QuaMang) => (0, "Qua mạng"),
        (Kenh::TrucTiep, Words::Nop) => (1, "Nộp trực tiếp"),
        (Kenh::TrucTiep, _) => (1, "Trực tiếp"),
        (Kenh::BuuChinh, Words::QuaMang) => (2, "Bưu chính công ích"),
        (Kenh::BuuChinh, _) => (2, "Qua bưu chính công ích"),
    }
}

/// JSON with keys in the order given.
enum J {
    S(String),
    N(i64),
    B(bool),
    Null,
    A(Vec<J>),
    O(Vec<(&'static str, J)>),
}

impl J {
    fn s(v: impl Into<String>) -> J {
        J::S(v.into())
    }

    fn write(&self, out: &mut String) {
        match self {
            J::S(s) => out.push_str(&serde_json::to_string(s).expect("string")),
            J::N(n) => out.push_str(&n.to_string()),
            J::B(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Null => out.push_str("null"),
            J::A(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            J::O(fields) => {
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::to_string(k).expect("key"));
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }

    fn text(&self) -> String {
        let mut s = String::new();
        self.write(&mut s);
        s
    }
}

/// A MongoDB-style id, deterministic.
fn oid(kind: u64, n: u64) -> String {
    let mut x = (kind << 40) ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 29;
    format!(
        "652f{:08x}{:012x}",
        kind as u32 ^ 0x5e1d,
        x & 0xFFFF_FFFF_FFFF
    )
}

fn igate_record(i: usize, d: &Dossier, zone: Zone, words: Words) -> J {
    let p = d.proc();
    let u = d.unit();
    let date = |v: Option<NaiveDateTime>| v.map_or(J::Null, |v| J::s(iso(v, zone)));
    let (method_id, method) = apply_method(d.kenh, words);
    let files = if d.so_hoa { 2 } else { 1 };
    let attachment = (0..files)
        .map(|k| {
            J::O(vec![
                ("id", J::s(oid(7, (i * 4 + k) as u64))),
                (
                    "filename",
                    J::s(if k == 0 {
                        "to-khai.pdf"
                    } else {
                        "giay-to-kem-theo.pdf"
                    }),
                ),
                (
                    "size",
                    J::N(40_000 + ((i * 7919 + k * 104_729) % 900_000) as i64),
                ),
                ("group", J::s("5f9bd9692994dc687e68b5a6")),
            ])
        })
        .collect();
    J::O(vec![
        ("id", J::s(oid(1, i as u64))),
        ("code", J::s(&d.ma)),
        (
            "procedure",
            J::O(vec![
                ("id", J::s(oid(2, d.proc as u64))),
                ("code", J::s(p.ma)),
                (
                    "translate",
                    J::A(vec![J::O(vec![
                        ("languageId", J::N(228)),
                        ("name", J::s(p.ten)),
                    ])]),
                ),
                ("name", J::s(p.ten)),
            ]),
        ),
        (
            "sector",
            J::O(vec![
                ("id", J::s(oid(3, p.linh_vuc.len() as u64))),
                ("name", J::s(p.linh_vuc)),
            ]),
        ),
        (
            "agency",
            J::O(vec![
                ("id", J::s(oid(4, d.unit as u64))),
                ("code", J::s(u.ma)),
                ("name", J::s(u.ten)),
                (
                    "parent",
                    J::O(vec![
                        ("id", J::s(oid(4, 99))),
                        ("name", J::s("UBND tỉnh Thanh Hóa")),
                    ]),
                ),
            ]),
        ),
        (
            "applicant",
            J::O(vec![
                ("eformId", J::s(oid(5, d.proc as u64))),
                (
                    "data",
                    J::O(vec![
                        ("fullname", J::s(&d.chu_ho_so)),
                        ("address", J::s(&d.dia_chi)),
                        (
                            "phoneNumber",
                            J::s(format!("09{:08}", (i * 7_654_321) % 100_000_000)),
                        ),
                    ]),
                ),
            ]),
        ),
        (
            "applyMethod",
            J::O(vec![("id", J::N(method_id)), ("name", J::s(method))]),
        ),
        (
            "dossierStatus",
            J::O(vec![
                ("id", J::N(d.trang_thai as i64)),
                ("name", J::s(igate_status(d.trang_thai, d.bien_the))),
                ("comment", J::s("")),
            ]),
        ),
        ("appliedDate", date(Some(d.nop))),
        ("acceptedDate", date(d.nhan)),
        ("appointmentDate", date(d.hen)),
        ("completedDate", date(d.ket_thuc)),
        ("returnedDate", date(d.tra)),
        ("attachment", J::A(attachment)),
        ("countPause", J::N(i64::from(matches!(d.trang_thai, 5 | 6)))),
        ("undefindedCompleteTime", J::B(d.hen.is_none())),
    ])
}

/// The API's order: latest submission first.
fn igate_rows(ds: &[Dossier]) -> Vec<&Dossier> {
    tan_dan_rows(ds)
}

fn igate_page(ds: &[Dossier], zone: Zone) -> String {
    let rows = igate_rows(ds);
    let n = rows.len() as i64;
    let content = rows
        .iter()
        .enumerate()
        .map(|(i, d)| igate_record(i, d, zone, Words::IGate))
        .collect();
    let sort = || {
        J::O(vec![
            ("sorted", J::B(true)),
            ("unsorted", J::B(false)),
            ("empty", J::B(false)),
        ])
    };
    let page = J::O(vec![
        ("content", J::A(content)),
        (
            "pageable",
            J::O(vec![
                ("sort", sort()),
                ("pageNumber", J::N(0)),
                ("pageSize", J::N(n)),
                ("offset", J::N(0)),
                ("paged", J::B(true)),
                ("unpaged", J::B(false)),
            ]),
        ),
        ("totalPages", J::N(1)),
        ("totalElements", J::N(n)),
        ("last", J::B(true)),
        ("numberOfElements", J::N(n)),
        ("first", J::B(true)),
        ("size", J::N(n)),
        ("number", J::N(0)),
        ("sort", sort()),
        ("empty", J::B(false)),
    ]);
    page.text() + "\n"
}

fn igate_ndjson(ds: &[Dossier]) -> String {
    let mut out = String::new();
    for (i, d) in igate_rows(ds).iter().enumerate() {
        out.push_str(&igate_record(i, d, Zone::Vn, Words::Nop).text());
        out.push('\n');
    }
    out
}

fn igate_array(ds: &[Dossier]) -> String {
    let mut out = String::from("[\n");
    let rows = igate_rows(ds);
    for (i, d) in rows.iter().enumerate() {
        out.push_str(&igate_record(i, d, Zone::Vn, Words::QuaMang).text());
        out.push_str(if i + 1 < rows.len() { ",\n" } else { "\n" });
    }
    out.push_str("]\n");
    out
}

/// How many of each status code and channel, for the generator's summary.
pub fn census(ds: &[Dossier]) -> String {
    let mut by_status = BTreeMap::new();
    for d in ds {
        *by_status.entry(d.trang_thai).or_insert(0u32) += 1;
    }
    let fields: std::collections::BTreeSet<&str> = ds.iter().map(|d| d.proc().linh_vuc).collect();
    format!(
        "{} dossiers ({} units, {} procedures, {} fields); by status code: {by_status:?}",
        ds.len(),
        UNITS.len(),
        PROCS.len(),
        fields.len()
    )
}
