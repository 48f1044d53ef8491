//! The input readers through the real binary (SPEC §1.1–1.7, §5, §9):
//! HTML "Xuất Excel" pages, JSON (arrays, the iGate wrapper, NDJSON),
//! spreadsheets told by their content, rows that are not dossiers, two-row
//! headers, files without a channel column, folders, `check` and `check
//! --goi-y`, and a property: no bytes make cctthc panic.
//!
//! Every figure expected here is worked out in this file from the dossiers
//! it writes (a small model of SPEC §4 below), never taken from cctthc.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use serde_json::{Value, json};
use tempfile::TempDir;

// ------------------------------------------------------------------ running

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn both(&self) -> String {
        format!("--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr)
    }
}

/// A temp folder with an empty `cctthc.toml` and no user config.
fn folder() -> TempDir {
    let dir = TempDir::new().expect("temp dir");
    fs::write(dir.path().join("cctthc.toml"), "").expect("config");
    dir
}

fn cctthc(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_cctthc"))
        .current_dir(dir)
        .env("XDG_CONFIG_HOME", dir.join("no-user-config"))
        .env("NO_COLOR", "1")
        .env("CCTTHC_TODAY", "2024-01-15")
        .env_remove("RUST_BACKTRACE")
        .args(args)
        .output()
        .expect("run cctthc");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert_no_crash(&run);
    run
}

/// No panic, no Rust backtrace, no library's English.
fn assert_no_crash(run: &Run) {
    for bad in [
        "panicked",
        "RUST_BACKTRACE",
        "stack backtrace",
        "lỗi nội bộ",
        "Cfb error",
        "Worksheet not found",
        "EOF while parsing",
        "at line",
        "expected value",
    ] {
        assert!(
            !run.stderr.contains(bad),
            "'{bad}' printed:\n{}",
            run.both()
        );
    }
    assert_ne!(run.code, 101, "{}", run.both());
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, bytes).expect("write input");
    p
}

/// `stats --month 11 --year 2023 --format json` on the inputs: must exit 0.
fn stats(dir: &Path, inputs: &[&str]) -> Value {
    stats_with(dir, inputs, &["--month", "11", "--year", "2023"])
}

fn stats_with(dir: &Path, inputs: &[&str], period: &[&str]) -> Value {
    let mut args = vec!["stats", "--format", "json"];
    args.extend_from_slice(period);
    for i in inputs {
        args.extend(["-i", i]);
    }
    let run = cctthc(dir, &args);
    assert_eq!(run.code, 0, "stats {inputs:?}\n{}", run.both());
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON: {e}\n{}", run.both()))
}

/// A run that must fail with `code`; returns stderr.
fn fails(dir: &Path, args: &[&str], code: i32) -> String {
    let run = cctthc(dir, args);
    assert_eq!(run.code, code, "{args:?}\n{}", run.both());
    assert!(
        run.stdout.is_empty() || args[0] == "check",
        "{}",
        run.both()
    );
    run.stderr
}

// -------------------------------------------------------------- the model

const S: (i32, u32, u32) = (2023, 11, 1);
const E: (i32, u32, u32) = (2023, 11, 30);

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

fn dmy(x: Option<NaiveDate>) -> String {
    x.map(|x| x.format("%d/%m/%Y").to_string())
        .unwrap_or_default()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    NotReceived,
    InProgress,
    Paused,
    Withdrawn,
    Returned,
    Resolved,
}

/// The status words these tests write, classed as SPEC §1.4's table does
/// (and `Lưu kho`, `Đang thẩm định` as the `--goi-y` test maps them).
fn class(status: &str) -> Class {
    match status {
        "Chờ tiếp nhận" => Class::NotReceived,
        "Đang xử lý" | "Lưu kho" | "Đang thẩm định" => Class::InProgress,
        "Chờ bổ sung" => Class::Paused,
        "Rút hồ sơ" => Class::Withdrawn,
        "Trả lại hồ sơ" => Class::Returned,
        "Hoàn thành" | "Đã trả kết quả" => Class::Resolved,
        other => panic!("no class for {other}"),
    }
}

/// The channel a word means (SPEC §1.4), `Kiosk` as the `--goi-y` test maps it.
fn channel(word: &str) -> &'static str {
    match word {
        "Trực tuyến" | "true" => "truc_tuyen",
        "" | "Trực tiếp" | "false" | "Kiosk" => "truc_tiep",
        "Bưu chính công ích" => "buu_chinh",
        other => panic!("no channel for {other}"),
    }
}

#[derive(Clone, Debug)]
struct Ho {
    code: String,
    unit: &'static str,
    level: &'static str,
    kenh: &'static str,
    recv: NaiveDate,
    due: Option<NaiveDate>,
    end: Option<NaiveDate>,
    status: &'static str,
}

const NGOC_KY: &str = "UBND xã Ngọc Kỳ";
const PHUONG_KY: &str = "UBND xã Phượng Kỳ";
const TNMT: &str = "Phòng Tài nguyên & Môi trường";

fn ho(
    code: &str,
    unit: &'static str,
    kenh: &'static str,
    recv: NaiveDate,
    due: Option<NaiveDate>,
    end: Option<NaiveDate>,
    status: &'static str,
) -> Ho {
    let level = if unit.starts_with("Phòng") {
        "huyen"
    } else {
        "xa"
    };
    Ho {
        code: code.into(),
        unit,
        level,
        kenh,
        recv,
        due,
        end,
        status,
    }
}

/// Ten dossiers that fill every bucket of §4 in November 2023, one not
/// received and one that ended before the month.
#[rustfmt::skip]
fn dossiers() -> Vec<Ho> {
    vec![
        ho("HS01", NGOC_KY, "Trực tuyến", d(2023, 11, 1), Some(d(2023, 11, 5)), Some(d(2023, 11, 4)), "Hoàn thành"),
        ho("HS02", NGOC_KY, "Trực tiếp", d(2023, 11, 2), Some(d(2023, 11, 6)), Some(d(2023, 11, 6)), "Đã trả kết quả"),
        ho("HS03", TNMT, "Bưu chính công ích", d(2023, 11, 3), Some(d(2023, 11, 7)), Some(d(2023, 11, 9)), "Hoàn thành"),
        ho("HS04", PHUONG_KY, "Trực tuyến", d(2023, 10, 20), Some(d(2023, 12, 5)), None, "Đang xử lý"),
        ho("HS05", TNMT, "Trực tiếp", d(2023, 11, 10), Some(d(2023, 11, 15)), None, "Đang xử lý"),
        ho("HS06", NGOC_KY, "Trực tuyến", d(2023, 11, 12), Some(d(2023, 11, 20)), None, "Chờ bổ sung"),
        ho("HS07", PHUONG_KY, "Trực tiếp", d(2023, 11, 13), Some(d(2023, 11, 20)), Some(d(2023, 11, 14)), "Trả lại hồ sơ"),
        ho("HS08", TNMT, "Trực tuyến", d(2023, 11, 14), Some(d(2023, 11, 20)), Some(d(2023, 11, 15)), "Rút hồ sơ"),
        ho("HS09", NGOC_KY, "Trực tuyến", d(2023, 11, 15), None, None, "Chờ tiếp nhận"),
        ho("HS10", PHUONG_KY, "Trực tiếp", d(2023, 9, 25), Some(d(2023, 9, 30)), Some(d(2023, 10, 10)), "Hoàn thành"),
    ]
}

/// `tu_so / mau_so` as `phan_tram`: exact, half away from zero, 2 places.
fn ratio(tu: u64, mau: u64) -> Value {
    let pct = if mau == 0 {
        Value::Null
    } else {
        let q = (tu * 20_000 + mau) / (2 * mau);
        Value::String(format!("{}.{:02}", q / 100, q % 100))
    };
    json!({"tu_so": tu, "mau_so": mau, "phan_tram": pct})
}

const NULL_RATIO: fn() -> Value = || json!({"tu_so": null, "mau_so": null, "phan_tram": null});

/// SPEC §4 for [S, E] over `ds`: the counts of a SUMMARY and two of its
/// ratios. `channels`: whether the files had a channel.
fn summary(ds: &[&Ho], s: NaiveDate, e: NaiveDate, channels: bool) -> Value {
    let (mut tong, mut trong_ky, mut ky_truoc) = (0u64, 0u64, 0u64);
    let (mut online, mut direct, mut postal) = (0u64, 0u64, 0u64);
    let (mut truoc, mut dung, mut tre) = (0u64, 0u64, 0u64);
    let (mut trong_han, mut qua_han) = (0u64, 0u64);
    let (mut tam_dung, mut tra_lai, mut rut) = (0u64, 0u64, 0u64);
    for h in ds {
        let c = class(h.status);
        if c == Class::NotReceived || h.recv > e {
            continue;
        }
        let ends = matches!(c, Class::Resolved | Class::Returned | Class::Withdrawn);
        let end = if ends { h.end } else { None };
        if h.recv < s && end.is_some_and(|x| x < s) {
            continue;
        }
        tong += 1;
        if h.recv >= s {
            trong_ky += 1;
            match channel(h.kenh) {
                "truc_tuyen" => online += 1,
                "truc_tiep" => direct += 1,
                _ => postal += 1,
            }
        } else {
            ky_truoc += 1;
        }
        match (c, end.filter(|x| *x <= e)) {
            (Class::Resolved, Some(x)) => match h.due {
                Some(due) if x < due => truoc += 1,
                Some(due) if x > due => tre += 1,
                _ => dung += 1,
            },
            (Class::Returned, Some(_)) => tra_lai += 1,
            (Class::Withdrawn, Some(_)) => rut += 1,
            (Class::Paused, _) => tam_dung += 1,
            _ => match h.due {
                Some(due) if due < e => qua_han += 1,
                _ => trong_han += 1,
            },
        }
    }
    let by_channel = |n: u64| if channels { json!(n) } else { Value::Null };
    json!({
        "tiep_nhan": {
            "tong": tong, "trong_ky": trong_ky, "ky_truoc": ky_truoc,
            "truc_tuyen": by_channel(online), "truc_tiep": by_channel(direct),
            "buu_chinh": by_channel(postal),
        },
        "da_giai_quyet": {"tong": truoc + dung + tre, "truoc_han": truoc, "dung_han": dung, "qua_han": tre},
        "dang_giai_quyet": {"tong": trong_han + qua_han, "trong_han": trong_han, "qua_han": qua_han},
        "tam_dung": tam_dung, "tra_lai": tra_lai, "rut": rut,
        "ty_le": {
            "truc_tuyen": if channels { ratio(online, trong_ky) } else { NULL_RATIO() },
            "dung_han": ratio(truoc + dung, truoc + dung + tre),
        },
    })
}

/// `got` holds every key of `want`, with the same values.
fn assert_subset(got: &Value, want: &Value, path: &str) {
    match want {
        Value::Object(w) => {
            for (k, v) in w {
                let g = got
                    .get(k)
                    .unwrap_or_else(|| panic!("{path}.{k} missing in {got}"));
                assert_subset(g, v, &format!("{path}.{k}"));
            }
        }
        _ => assert_eq!(got, want, "at {path}"),
    }
}

/// The figures of `ds` (dossiers as the files hold them) for November
/// 2023: the total, each level and each unit.
fn assert_figures(got: &Value, ds: &[Ho], channels: bool) {
    let (s, e) = (d(S.0, S.1, S.2), d(E.0, E.1, E.2));
    let all: Vec<&Ho> = ds.iter().collect();
    assert_subset(&got["tong"], &summary(&all, s, e, channels), "tong");
    let mut levels: Vec<&str> = ds
        .iter()
        .filter(|h| class(h.status) != Class::NotReceived)
        .map(|h| h.level)
        .collect();
    levels.sort();
    levels.dedup();
    let got_levels: Vec<&String> = got["theo_cap"]
        .as_object()
        .expect("theo_cap")
        .keys()
        .collect();
    assert_eq!(
        got_levels.len(),
        levels.len(),
        "theo_cap: {got_levels:?} vs {levels:?}"
    );
    for level in levels {
        let of: Vec<&Ho> = ds.iter().filter(|h| h.level == level).collect();
        assert_subset(
            &got["theo_cap"][level],
            &summary(&of, s, e, channels),
            level,
        );
    }
    let mut units: Vec<(&str, &str)> = ds
        .iter()
        .filter(|h| class(h.status) != Class::NotReceived)
        .map(|h| (h.level, h.unit))
        .collect();
    // By level (province, district, commune), then by name (these names
    // sort the same in Vietnamese order as in byte order).
    let rank = |l: &str| ["tinh", "huyen", "xa"].iter().position(|x| *x == l);
    units.sort_by_key(|&(l, u)| (rank(l), u));
    units.dedup();
    let got_units: Vec<(String, String)> = got["theo_don_vi"]
        .as_array()
        .expect("theo_don_vi")
        .iter()
        .map(|u| {
            (
                u["cap"].as_str().unwrap().to_string(),
                u["don_vi"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want_units: Vec<(String, String)> = units
        .iter()
        .map(|(l, u)| (l.to_string(), u.to_string()))
        .collect();
    assert_eq!(got_units, want_units, "theo_don_vi");
    for (i, (_, unit)) in units.iter().enumerate() {
        let of: Vec<&Ho> = ds.iter().filter(|h| h.unit == *unit).collect();
        assert_subset(&got["theo_don_vi"][i], &summary(&of, s, e, channels), unit);
    }
}

/// `nhap_lieu`: `rows` data rows written, of which `skipped` are not
/// dossiers; the dossiers `ds` (distinct codes), none rejected.
fn assert_accounting(got: &Value, ds: &[Ho], skipped: u64) {
    let not_received = ds
        .iter()
        .filter(|h| class(h.status) == Class::NotReceived)
        .count() as u64;
    let rows = ds.len() as u64 + skipped;
    let want = json!({
        "so_dong": rows,
        "ho_so": ds.len() as u64 - not_received,
        "trung_lap": 0,
        "chua_tiep_nhan": not_received,
        "loi": 0,
        "bo_qua": skipped,
    });
    assert_eq!(got["nhap_lieu"], want, "nhap_lieu");
    let n = &got["nhap_lieu"];
    let sum: u64 = ["ho_so", "trung_lap", "chua_tiep_nhan", "loi", "bo_qua"]
        .iter()
        .map(|k| n[k].as_u64().unwrap())
        .sum();
    assert_eq!(n["so_dong"].as_u64().unwrap(), sum);
}

// ------------------------------------------------------------ the writers

const HEADERS: [&str; 7] = [
    "Mã hồ sơ",
    "Đơn vị tiếp nhận",
    "Kênh",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày kết thúc",
    "Trạng thái",
];

fn cells(h: &Ho) -> [String; 7] {
    [
        h.code.clone(),
        h.unit.to_string(),
        h.kenh.to_string(),
        dmy(Some(h.recv)),
        dmy(h.due),
        dmy(h.end),
        h.status.to_string(),
    ]
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn csv_line(cells: &[String]) -> String {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| {
            if c.contains([',', '"', '\n']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.clone()
            }
        })
        .collect();
    quoted.join(",") + "\n"
}

fn csv(ds: &[Ho]) -> String {
    let mut s = csv_line(&HEADERS.map(String::from));
    for h in ds {
        s.push_str(&csv_line(&cells(h)));
    }
    s
}

/// A plain HTML table of `ds`, the header in `<th>`.
fn html_table(ds: &[Ho]) -> String {
    let mut s = String::from("<table border=\"1\">\n<tr>");
    for h in HEADERS {
        s.push_str(&format!("<th>{}</th>", esc(h)));
    }
    s.push_str("</tr>\n");
    for h in ds {
        s.push_str("<tr>");
        for c in cells(h) {
            s.push_str(&format!("<td>{}</td>", esc(&c)));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</table>\n");
    s
}

/// Windows-1258 bytes of `s`: a letter the code page has whole is one
/// byte, others are the letter without its tone plus the tone as a
/// combining mark, as Vietnamese Windows writes them.
fn cp1258(s: &str) -> Vec<u8> {
    use unicode_normalization::UnicodeNormalization;
    let enc = encoding_rs::WINDOWS_1258;
    let tones = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
    let mut out = Vec::new();
    for ch in s.nfc() {
        let one = ch.to_string();
        let (bytes, _, unmappable) = enc.encode(&one);
        if !unmappable {
            out.extend_from_slice(&bytes);
            continue;
        }
        let parts: Vec<char> = one.nfd().collect();
        let base: String = parts
            .iter()
            .filter(|c| !tones.contains(c))
            .collect::<String>()
            .nfc()
            .collect();
        let tone: String = parts.iter().filter(|c| tones.contains(c)).collect();
        let joined = base + &tone;
        let (bytes, _, unmappable) = enc.encode(&joined);
        assert!(!unmappable, "{ch} has no Windows-1258 form");
        out.extend_from_slice(&bytes);
    }
    assert!(std::str::from_utf8(&out).is_err(), "meant to be non-UTF-8");
    out
}

// ------------------------------------------------------------- 1. HTML

/// A table that is not the export: if read, its dossier HSX would count.
const DECOY: &str = "<table><tr><td>Mã hồ sơ</td><td>Đơn vị</td><td>Ngày tiếp nhận</td><td>Ngày hẹn trả</td><td>Trạng thái</td></tr><tr><td>HSX</td><td>UBND xã Ngọc Kỳ</td><td>01/11/2023</td><td>05/11/2023</td><td>Đang xử lý</td></tr></table>";

/// The page the "Xuất Excel" button of a web one-stop system saves as
/// `.xls`: an Office-HTML wrapper, a conditional comment, a style and a
/// script holding table markup, title rows with colspan, a `<th>` header
/// with `<br>`, markup, `&nbsp;` and `&amp;` inside cells.
fn office_page(ds: &[Ho]) -> String {
    let mut s = String::from(
        "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\" xmlns:x=\"urn:schemas-microsoft-com:office:excel\" xmlns=\"http://www.w3.org/TR/REC-html40\">\n\
         <head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n\
         <!--[if gte mso 9]><xml><x:ExcelWorkbook><x:ExcelWorksheets><x:ExcelWorksheet><x:Name>Danh sách</x:Name></x:ExcelWorksheet></x:ExcelWorksheets></x:ExcelWorkbook></xml>",
    );
    s.push_str(DECOY);
    s.push_str("<![endif]-->\n<style>\ntd { mso-number-format:\"\\@\"; border: .5pt solid windowtext; }\n/* ");
    s.push_str(DECOY);
    s.push_str(" */\n</style>\n<script type=\"text/javascript\">\nvar t = \"");
    s.push_str(DECOY);
    s.push_str("\"; if (1 < 2) { document.write(t); }\n</script>\n</head>\n<body>\n<table border=\"1\" cellpadding=\"2\">\n");
    s.push_str(
        "<tr><td colspan=\"7\" align=\"center\"><b>DANH SÁCH HỒ SƠ TIẾP NHẬN</b></td></tr>\n",
    );
    s.push_str("<tr><td colspan=\"7\" align=\"center\"><i>Từ ngày 01/11/2023 đến ngày 30/11/2023</i></td></tr>\n");
    s.push_str("<tr><td colspan=\"7\">&nbsp;</td></tr>\n");
    s.push_str("<tr style=\"font-weight:bold\"><th>Mã<br>hồ sơ</th><th>Đơn vị<br/>tiếp nhận</th><th>Kênh</th><th>Ngày<br>tiếp nhận</th><th>Ngày hẹn trả</th><th>Ngày kết thúc</th><th>Trạng thái</th></tr>\n");
    for h in ds {
        let unit = esc(h.unit)
            .replace("xã ", "xã&nbsp;")
            .replace("UBND ", "UBND<br>");
        s.push_str(&format!(
            "<tr><td style=\"mso-number-format:'\\@'\"><span>{}</span></td><td>{unit}</td><td><font face=\"Times New Roman\">{}</font></td><td>{}</td><td>{}</td><td>{}</td><td><b>{}</b></td></tr>\n",
            h.code,
            esc(h.kenh).replace(' ', "&nbsp;"),
            dmy(Some(h.recv)),
            dmy(h.due),
            dmy(h.end),
            esc(h.status),
        ));
    }
    s.push_str("</table>\n</body>\n</html>\n");
    s
}

#[test]
fn html_office_export_saved_as_xls() {
    let dir = folder();
    let ds = dossiers();
    write(dir.path(), "Danh sach ho so.xls", office_page(&ds));
    let got = stats(dir.path(), &["Danh sach ho so.xls"]);
    assert_figures(&got, &ds, true);
    assert_accounting(&got, &ds, 0);
    // The header is the page's 4th table row, on the line it is written on.
    let page = office_page(&ds);
    let header_line = page.lines().position(|l| l.contains("<th>Mã<br>")).unwrap() + 1;
    let run = cctthc(dir.path(), &["check", "-i", "Danh sach ho so.xls"]);
    assert_eq!(run.code, 0, "{}", run.both());
    for want in [
        "Danh sach ho so.xls: bảng HTML".to_string(),
        "bảng mã UTF-8".to_string(),
        format!("dòng tiêu đề: dòng {header_line}\n"),
        "ma_ho_so              ← 'Mã hồ sơ' (cột 1, A)".to_string(),
        "don_vi                ← 'Đơn vị tiếp nhận' (cột 2, B)".to_string(),
        "ngay_tiep_nhan        ← 'Ngày tiếp nhận' (cột 4, D)".to_string(),
    ] {
        assert!(run.stdout.contains(&want), "no '{want}' in\n{}", run.stdout);
    }
}

/// A `colspan` puts its value in the first column and leaves the others
/// empty; so does a `rowspan` for the rows below it (SPEC §1.1).
#[test]
fn html_colspan_and_rowspan_leave_the_other_cells_empty() {
    let dir = folder();
    let ds = dossiers();
    let mut page = String::from("<html><body><table>\n<tr>");
    for h in HEADERS {
        page.push_str(&format!("<th>{h}</th>"));
    }
    page.push_str("</tr>\n");
    for h in &ds {
        let c = cells(h).map(|c| esc(&c));
        let row = match h.code.as_str() {
            // In progress, no end: one cell over due date and end date.
            "HS04" => format!(
                "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td colspan=\"2\">{}</td><td>{}</td>",
                c[0], c[1], c[2], c[3], c[4], c[6]
            ),
            // Its channel cell covers the next row too, whose channel is
            // then empty: read as direct, which HS07 is.
            "HS06" => format!(
                "<td>{}</td><td>{}</td><td rowspan=\"2\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                c[0], c[1], c[2], c[3], c[4], c[5], c[6]
            ),
            "HS07" => format!(
                "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                c[0], c[1], c[3], c[4], c[5], c[6]
            ),
            _ => c.iter().map(|x| format!("<td>{x}</td>")).collect(),
        };
        page.push_str(&format!("<tr>{row}</tr>\n"));
    }
    page.push_str("</table></body></html>\n");
    assert_eq!(
        ds.iter().find(|h| h.code == "HS07").unwrap().kenh,
        "Trực tiếp"
    );
    write(dir.path(), "spans.html", &page);
    let got = stats(dir.path(), &["spans.html"]);
    assert_figures(&got, &ds, true);
    assert_accounting(&got, &ds, 0);

    // A unit cell with rowspan=3 over three dossiers: the two rows under it
    // have no unit, a required field, and each is an error on its line.
    let mut page = String::from("<table>\n<tr>");
    for h in HEADERS {
        page.push_str(&format!("<th>{h}</th>"));
    }
    page.push_str("</tr>\n");
    let three = [&ds[0], &ds[1], &ds[5]];
    for (i, h) in three.iter().enumerate() {
        let c = cells(h).map(|c| esc(&c));
        let unit = if i == 0 {
            format!("<td rowspan=\"3\">{}</td>", c[1])
        } else {
            String::new()
        };
        page.push_str(&format!(
            "<tr><td>{}</td>{unit}<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            c[0], c[2], c[3], c[4], c[5], c[6]
        ));
    }
    page.push_str("</table>\n");
    write(dir.path(), "rowspan.html", &page);
    let line_of = |code: &str| page.lines().position(|l| l.contains(code)).unwrap() + 1;
    let err = fails(
        dir.path(),
        &[
            "stats",
            "-i",
            "rowspan.html",
            "--month",
            "11",
            "--year",
            "2023",
        ],
        3,
    );
    for code in ["HS02", "HS06"] {
        let want = format!("rowspan.html:{}: trường 'don_vi' = ''", line_of(code));
        assert!(err.contains(&want), "no '{want}' in\n{err}");
    }
    assert!(
        !err.contains(&format!("rowspan.html:{}:", line_of("HS01"))),
        "{err}"
    );
    assert!(err.contains("2 dòng dữ liệu không hợp lệ"), "{err}");
}

/// The same page in every encoding SPEC §1.1 names: a BOM wins over a
/// declaration, a declaration (`<meta charset>` or `http-equiv`) over the
/// bytes, valid UTF-8 over Windows-1258.
#[test]
fn html_encodings() {
    let ds = dossiers();
    let page = |head: &str| {
        format!(
            "<html><head>{head}<title>Danh sách hồ sơ</title></head><body>\n{}</body></html>\n",
            html_table(&ds)
        )
    };
    let meta = "<meta charset=\"windows-1258\">";
    let equiv = "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1258\">";
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(page(meta).as_bytes());
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(page(meta).encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("bom.xls", bom, "UTF-8"),
        ("utf16.xls", utf16, "UTF-16LE"),
        ("meta.xls", cp1258(&page(meta)), "windows-1258"),
        ("equiv.xls", cp1258(&page(equiv)), "windows-1258"),
        ("utf8.xls", page("").into_bytes(), "UTF-8"),
        ("cp1258.xls", cp1258(&page("")), "windows-1258"),
        // A page whose declaration is UTF-8 and bytes are too.
        (
            "meta-utf8.html",
            page("<meta charset=utf-8>").into_bytes(),
            "UTF-8",
        ),
    ];
    for (name, bytes, encoding) in cases {
        let dir = folder();
        write(dir.path(), name, &bytes);
        let got = stats(dir.path(), &[name]);
        assert_figures(&got, &ds, true);
        assert_accounting(&got, &ds, 0);
        let run = cctthc(dir.path(), &["check", "-i", name]);
        assert_eq!(run.code, 0, "{name}: {}", run.both());
        let want =
            format!("{name}: bảng HTML (trang web lưu thành tệp Excel), bảng mã {encoding}\n");
        assert!(
            run.stdout.contains(&want),
            "{name}: no '{want}' in\n{}",
            run.stdout
        );
    }
}

/// A layout table wrapping the data table, a letterhead table before it
/// and a signature table after: the first table that holds a header row
/// is read, the others are not.
#[test]
fn html_nested_layout_tables() {
    let dir = folder();
    let ds = dossiers();
    let page = format!(
        "<html><body>\n<table width=\"100%\"><tr><td>ỦY BAN NHÂN DÂN HUYỆN TỨ KỲ</td><td>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</td></tr></table>\n\
         <table class=\"layout\"><tr><td>\n<div>Báo cáo</div>\n{}</td></tr>\n<tr><td>Ghi chú: Trạng thái, Mã hồ sơ</td></tr></table>\n\
         <table><tr><td>Người lập biểu</td><td>HS99</td></tr></table>\n{DECOY}\n</body></html>\n",
        html_table(&ds)
    );
    write(dir.path(), "nested.html", &page);
    let got = stats(dir.path(), &["nested.html"]);
    assert_figures(&got, &ds, true);
    assert_accounting(&got, &ds, 0);
}

#[test]
fn html_page_without_a_table_is_a_clear_error() {
    let dir = folder();
    write(
        dir.path(),
        "trong.xls",
        "<html><head><title>Lỗi</title></head><body><p>Phiên đăng nhập đã hết hạn.</p></body></html>\n",
    );
    let err = fails(
        dir.path(),
        &[
            "stats",
            "-i",
            "trong.xls",
            "--month",
            "11",
            "--year",
            "2023",
        ],
        1,
    );
    assert!(err.contains("trong.xls"), "{err}");
    assert!(err.contains("trang HTML không có bảng nào"), "{err}");
}

#[test]
fn html_named_html_or_htm_reads_the_same() {
    let dir = folder();
    let ds = dossiers();
    let page = office_page(&ds);
    write(dir.path(), "a.html", &page);
    write(dir.path(), "b.htm", &page);
    let a = stats(dir.path(), &["a.html"]);
    let b = stats(dir.path(), &["b.htm"]);
    assert_figures(&a, &ds, true);
    assert_eq!(a, b);
}

// ------------------------------------------------------------- 2. JSON

fn iso(x: Option<NaiveDate>, time: &str) -> Value {
    match x {
        Some(x) => Value::String(format!("{}T{time}", x.format("%Y-%m-%d"))),
        None => Value::Null,
    }
}

/// A record as VNPT iGate's API gives it: nested objects, arrays inside,
/// numbers and booleans, and no `completedDate` key while there is none.
fn igate_record(h: &Ho, accepted: Value) -> Value {
    let mut r = json!({
        "id": format!("64f1{}", h.code.to_lowercase()),
        "code": h.code,
        "agency": {"id": "5f3a", "name": h.unit, "parent": {"name": "UBND huyện Tứ Kỳ"}},
        "procedure": {"code": "1.001193", "name": "Đăng ký khai sinh", "level": 4},
        "sector": {"name": "Hộ tịch"},
        "applyMethod": {"id": 1, "name": h.kenh},
        "acceptedDate": accepted,
        "appointmentDate": iso(h.due, "17:00:00.000+0700"),
        "dossierStatus": {"id": 4, "name": h.status, "comment": ""},
        "attachment": [{"id": 1, "name": "to-khai.pdf", "size": 10240}],
        "eForm": {"data": {"hoTen": "Nguyễn Văn A", "namSinh": 1990, "daKetHon": false}},
        "fee": 0,
        "isPaid": false,
    });
    if h.end.is_some() {
        r["completedDate"] = iso(h.end, "10:30:00+07:00");
    }
    r
}

fn igate(ds: &[Ho]) -> String {
    let content: Vec<Value> = ds
        .iter()
        .map(|h| igate_record(h, iso(Some(h.recv), "08:15:00.000+0700")))
        .collect();
    let page = json!({
        "errors": [],
        "meta": {"tags": ["hs", "mc"], "version": 2},
        "content": content,
        "links": [{"rel": "next", "href": "?page=1"}],
        "totalElements": ds.len(),
        "totalPages": 1,
        "last": true,
    });
    serde_json::to_string_pretty(&page).unwrap()
}

#[test]
fn json_igate_wrapper() {
    let dir = folder();
    let ds = dossiers();
    write(dir.path(), "igate.json", igate(&ds));
    let got = stats(dir.path(), &["igate.json"]);
    assert_figures(&got, &ds, true);
    assert_accounting(&got, &ds, 0);
    let run = cctthc(dir.path(), &["check", "-i", "igate.json"]);
    assert_eq!(run.code, 0, "{}", run.both());
    for want in [
        "igate.json: JSON",
        "← 'code'",
        "← 'agency.name'",
        "← 'dossierStatus.name'",
        "← 'applyMethod.name'",
        "← 'acceptedDate'",
        "← 'completedDate'",
        "'agency.parent.name'",
    ] {
        assert!(run.stdout.contains(want), "no '{want}' in\n{}", run.stdout);
    }
}

/// A top-level array of records with the field names as keys, records
/// with different key sets (an end date only where there is one, extra
/// keys in some), numbers and booleans as values.
#[test]
fn json_array_with_differing_keys() {
    let dir = folder();
    let ds = dossiers();
    let records: Vec<Value> = ds
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let mut r = json!({
                "ma_ho_so": h.code,
                "don_vi": h.unit,
                "kenh": h.kenh,
                "ngay_tiep_nhan": dmy(Some(h.recv)),
                "ngay_hen_tra": dmy(h.due),
                "trang_thai": h.status,
            });
            if h.end.is_some() {
                r["ngay_ket_thuc"] = Value::String(dmy(h.end));
            }
            if i % 3 == 0 {
                r["so_tien"] = json!(50000.5);
                r["ghi_chu"] = json!({"noi_dung": "x", "ds": [1, 2]});
            }
            r
        })
        .collect();
    write(
        dir.path(),
        "mang.json",
        serde_json::to_string(&records).unwrap(),
    );
    let got = stats(dir.path(), &["mang.json"]);
    assert_figures(&got, &ds, true);
    assert_accounting(&got, &ds, 0);
}

/// One record per line, a BOM first, numeric codes and a yes/no `online`
/// flag instead of a channel (OpenCPS writes `true`/`false`).
#[test]
fn ndjson_with_bom_numbers_and_booleans() {
    let dir = folder();
    let ds: Vec<Ho> = dossiers()
        .into_iter()
        .enumerate()
        .map(|(i, mut h)| {
            h.code = format!("{}", 230_001 + i);
            h.kenh = if channel(h.kenh) == "truc_tuyen" {
                "true"
            } else {
                "false"
            };
            h
        })
        .collect();
    let mut text = String::from("\u{feff}");
    for h in &ds {
        let r = json!({
            "code": h.code.parse::<u64>().unwrap(),
            "agency": {"name": h.unit},
            "online": h.kenh == "true",
            "acceptedDate": iso(Some(h.recv), "07:30:00+0700"),
            "appointmentDate": iso(h.due, "17:00:00+0700"),
            "completedDate": iso(h.end, "16:00:00+0700"),
            "dossierStatus": {"name": h.status},
            "fee": 20000,
        });
        text.push_str(&serde_json::to_string(&r).unwrap());
        text.push('\n');
    }
    write(dir.path(), "ho-so.ndjson", &text);
    let got = stats(dir.path(), &["ho-so.ndjson"]);
    assert_figures(&got, &ds, true);
    assert_accounting(&got, &ds, 0);
    let codes: Vec<&str> = ds.iter().map(|h| h.code.as_str()).collect();
    assert_eq!(codes[0], "230001");
}

/// A time with an offset is first put in Vietnam time (UTC+7), then its
/// date is taken: 18:30Z on 31 October is 1 November in Vietnam.
#[test]
fn json_accepted_dates_with_offsets() {
    let dir = folder();
    let base = dossiers();
    let in_progress = |code: &str, recv: NaiveDate| {
        let mut h = base[4].clone();
        h.code = code.into();
        h.recv = recv;
        h
    };
    // (dossier with its Vietnamese date, acceptedDate as written)
    let cases = vec![
        (in_progress("Z1", d(2023, 11, 1)), "2023-10-31T18:30:00Z"),
        (in_progress("Z2", d(2023, 10, 31)), "2023-10-31T16:59:59Z"),
        (
            in_progress("Z3", d(2023, 12, 1)),
            "2023-11-30T17:00:00.000Z",
        ),
        (
            in_progress("Z4", d(2023, 11, 30)),
            "2023-11-30T23:59:00+0700",
        ),
        (
            in_progress("Z5", d(2023, 10, 31)),
            "2023-11-01T00:30:00+0900",
        ),
        (
            in_progress("Z6", d(2023, 11, 1)),
            "2023-11-01T00:00:00+07:00",
        ),
    ];
    let content: Vec<Value> = cases
        .iter()
        .map(|(h, at)| igate_record(h, json!(at)))
        .collect();
    write(
        dir.path(),
        "utc.json",
        serde_json::to_string_pretty(&json!({"content": content})).unwrap(),
    );
    let ds: Vec<Ho> = cases.into_iter().map(|(h, _)| h).collect();
    let got = stats(dir.path(), &["utc.json"]);
    assert_figures(&got, &ds, true);
    // Z1, Z4 and Z6 in the month; Z2 and Z5 carried over; Z3 not yet.
    assert_eq!(got["tong"]["tiep_nhan"]["trong_ky"], 3);
    assert_eq!(got["tong"]["tiep_nhan"]["ky_truoc"], 2);
    let october = stats_with(
        dir.path(),
        &["utc.json"],
        &["--month", "10", "--year", "2023"],
    );
    assert_eq!(october["tong"]["tiep_nhan"]["trong_ky"], 2);
}

/// Broken JSON is an error naming the file and the line, in Vietnamese,
/// never serde's English; a value that is not a record is named as such.
#[test]
fn broken_json_is_a_vietnamese_error_with_its_line() {
    let dir = folder();
    let text = igate(&dossiers());
    // Cut in the middle of a line: the end comes on that line.
    let cut_line = text.lines().count() / 2;
    let cut: usize = text
        .lines()
        .take(cut_line - 1)
        .map(|l| l.len() + 1)
        .sum::<usize>()
        + 5;
    write(dir.path(), "cut.json", &text[..cut]);
    let err = fails(
        dir.path(),
        &["stats", "-i", "cut.json", "--month", "11", "--year", "2023"],
        1,
    );
    assert!(err.contains(&format!("cut.json:{cut_line}:")), "{err}");
    assert!(err.contains("bị cắt cụt"), "{err}");

    let bad = "[\n  {\"ma_ho_so\": \"HS01\", \"don_vi\": \"UBND xã Ngọc Kỳ\",\n   \"trang_thai\": \"Đang xử lý\" \"ngay_tiep_nhan\": \"01/11/2023\"}\n]\n";
    write(dir.path(), "bad.json", bad);
    let err = fails(
        dir.path(),
        &["stats", "-i", "bad.json", "--month", "11", "--year", "2023"],
        1,
    );
    assert!(err.contains("bad.json:3:"), "{err}");
    assert!(err.contains("cú pháp JSON sai"), "{err}");

    let quotes = "{'content': [{'code': 'HS01'}]}\n";
    write(dir.path(), "quotes.json", quotes);
    let err = fails(
        dir.path(),
        &[
            "stats",
            "-i",
            "quotes.json",
            "--month",
            "11",
            "--year",
            "2023",
        ],
        1,
    );
    assert!(err.contains("quotes.json:1:"), "{err}");

    // A second top-level value that is not a record (NDJSON).
    let record = serde_json::to_string(&igate_record(
        &dossiers()[4],
        json!("2023-11-10T08:00:00+0700"),
    ))
    .unwrap();
    write(dir.path(), "scalar-line.json", format!("{record}\n42\n"));
    let err = fails(
        dir.path(),
        &[
            "stats",
            "-i",
            "scalar-line.json",
            "--month",
            "11",
            "--year",
            "2023",
        ],
        1,
    );
    assert!(err.contains("scalar-line.json:2:"), "{err}");
    assert!(err.contains("giá trị đơn lẻ"), "{err}");

    // NDJSON: the line is the file's, not the record's.
    let good = dossiers()
        .iter()
        .map(|h| {
            serde_json::to_string(&igate_record(h, json!("2023-11-10T08:00:00+0700"))).unwrap()
                + "\n"
        })
        .collect::<String>();
    let broken_at = dossiers().len() + 2;
    write(
        dir.path(),
        "syntax.ndjson",
        format!("{good}\n{{\"code\": \"HSZ\" \"agency\": {{}}}}\n{good}"),
    );
    let err = fails(
        dir.path(),
        &[
            "stats",
            "-i",
            "syntax.ndjson",
            "--month",
            "11",
            "--year",
            "2023",
        ],
        1,
    );
    assert!(
        err.contains(&format!(
            "syntax.ndjson:{broken_at}: lỗi đọc JSON: cú pháp JSON sai"
        )),
        "{err}"
    );
    write(
        dir.path(),
        "cut.ndjson",
        format!("{good}\n{{\"code\": \"HSZ\",\n \"agency\": {{\"name\": \"UBND"),
    );
    let err = fails(
        dir.path(),
        &[
            "stats",
            "-i",
            "cut.ndjson",
            "--month",
            "11",
            "--year",
            "2023",
        ],
        1,
    );
    assert!(
        err.contains(&format!(
            "cut.ndjson:{}: lỗi đọc JSON: tệp JSON bị cắt cụt",
            broken_at + 1
        )),
        "{err}"
    );

    assert!(!err.contains("CSV"), "a JSON file is not CSV: {err}");
    for name in ["cut.json", "bad.json", "quotes.json"] {
        let err = fails(
            dir.path(),
            &["stats", "-i", name, "--month", "11", "--year", "2023"],
            1,
        );
        assert!(err.contains("JSON"), "{err}");
        assert!(!err.contains("CSV"), "a JSON file is not CSV: {err}");
        for english in ["expected", "EOF", "column", "key must be", "trailing"] {
            assert!(!err.contains(english), "English from serde: {err}");
        }
    }
}

/// A file that is one JSON value and not a record: a number, a string,
/// `true`; or an array of values that are not records.
#[test]
fn json_scalar_or_array_of_scalars_is_a_clear_error() {
    let dir = folder();
    for (name, text) in [
        ("so.json", "42\n"),
        ("chuoi.json", "\"Danh sách hồ sơ\"\n"),
        ("dung.json", "true\n"),
    ] {
        write(dir.path(), name, text);
        let err = fails(
            dir.path(),
            &["stats", "-i", name, "--month", "11", "--year", "2023"],
            1,
        );
        assert!(err.contains(&format!("{name}:1: lỗi đọc JSON")), "{err}");
        assert!(err.contains("giá trị đơn lẻ"), "{name}: {err}");
    }
    write(dir.path(), "mang-so.json", "[1, 2, 3]\n");
    let err = fails(
        dir.path(),
        &[
            "stats",
            "-i",
            "mang-so.json",
            "--month",
            "11",
            "--year",
            "2023",
        ],
        1,
    );
    assert!(err.contains("mang-so.json"), "{err}");
    assert!(
        !err.contains("trống"),
        "[1, 2, 3] is not an empty file: {err}"
    );
    assert!(err.contains("bản ghi"), "{err}");
}

// ------------------------------------------------- sheets: one grid, three forms

/// A sheet as cells, with merged ranges (first row, first column, last
/// row, last column): the value in the first cell, the others empty.
struct Grid {
    rows: Vec<Vec<String>>,
    merges: Vec<(usize, usize, usize, usize)>,
}

impl Grid {
    fn new() -> Grid {
        Grid {
            rows: Vec::new(),
            merges: Vec::new(),
        }
    }

    fn row(&mut self, cells: &[&str]) -> usize {
        self.rows
            .push(cells.iter().map(|c| c.to_string()).collect());
        self.rows.len() - 1
    }

    fn merge(&mut self, r1: usize, c1: usize, r2: usize, c2: usize) {
        self.merges.push((r1, c1, r2, c2));
    }

    /// A row merged across `width` columns, its text in the first.
    fn banner(&mut self, text: &str, width: usize) -> usize {
        let mut cells = vec![text];
        cells.resize(width, "");
        let r = self.row(&cells);
        self.merge(r, 0, r, width - 1);
        r
    }

    /// The line of the row holding `needle` in its first cells (from 1).
    fn line_of(&self, needle: &str) -> usize {
        self.rows
            .iter()
            .position(|r| r.iter().any(|c| c == needle))
            .unwrap_or_else(|| panic!("no row with {needle}"))
            + 1
    }

    fn csv(&self) -> String {
        self.rows.iter().map(|r| csv_line(r)).collect()
    }

    fn xlsx(&self) -> Vec<u8> {
        use rust_xlsxwriter::{Format, Workbook};
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("Danh sách").unwrap();
        let plain = Format::new();
        for (r, row) in self.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if v.is_empty() {
                    continue;
                }
                match v.parse::<f64>() {
                    Ok(n) if !v.starts_with('0') => {
                        ws.write_number(r as u32, c as u16, n).map(|_| ())
                    }
                    _ => ws.write_string(r as u32, c as u16, v).map(|_| ()),
                }
                .unwrap();
            }
        }
        for &(r1, c1, r2, c2) in &self.merges {
            let v = &self.rows[r1][c1];
            ws.merge_range(r1 as u32, c1 as u16, r2 as u32, c2 as u16, v, &plain)
                .unwrap();
        }
        wb.save_to_buffer().unwrap()
    }

    /// An HTML table, merged ranges as colspan/rowspan (the covered cells
    /// not written), one `<tr>` a line after an opening line.
    fn html(&self) -> String {
        let mut s = String::from("<html><body><table border=\"1\">\n");
        for (r, row) in self.rows.iter().enumerate() {
            s.push_str("<tr>");
            for (c, v) in row.iter().enumerate() {
                let covered = self.merges.iter().any(|&(r1, c1, r2, c2)| {
                    (r1..=r2).contains(&r) && (c1..=c2).contains(&c) && (r, c) != (r1, c1)
                });
                if covered {
                    continue;
                }
                let mut attrs = String::new();
                if let Some(&(r1, c1, r2, c2)) = self
                    .merges
                    .iter()
                    .find(|&&(r1, c1, _, _)| (r1, c1) == (r, c))
                {
                    if c2 > c1 {
                        attrs.push_str(&format!(" colspan=\"{}\"", c2 - c1 + 1));
                    }
                    if r2 > r1 {
                        attrs.push_str(&format!(" rowspan=\"{}\"", r2 - r1 + 1));
                    }
                }
                s.push_str(&format!("<td{attrs}>{}</td>", esc(v)));
            }
            s.push_str("</tr>\n");
        }
        s.push_str("</table></body></html>\n");
        s
    }
}

/// The dossiers under a one-row header, as a grid.
fn plain_grid(ds: &[Ho]) -> Grid {
    let mut g = Grid::new();
    g.row(&HEADERS);
    for h in ds {
        let c = cells(h);
        g.row(&c.iter().map(String::as_str).collect::<Vec<_>>());
    }
    g
}

/// A minimal OLE compound file (CFB v3, 512-byte sectors) holding these
/// streams, each 4 KB: what Office writes for a password-protected
/// workbook (`EncryptionInfo`, `EncryptedPackage`) or a Word 97 document.
fn ole(streams: &[&str]) -> Vec<u8> {
    const FREE: u32 = 0xFFFF_FFFF;
    const END: u32 = 0xFFFF_FFFE;
    const FAT: u32 = 0xFFFF_FFFD;
    let per_stream = 8u32; // sectors of 512 bytes
    let mut out = vec![0u8; 512];
    out[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    let put16 = |b: &mut [u8], at: usize, v: u16| b[at..at + 2].copy_from_slice(&v.to_le_bytes());
    let put32 = |b: &mut [u8], at: usize, v: u32| b[at..at + 4].copy_from_slice(&v.to_le_bytes());
    put16(&mut out, 24, 0x003E);
    put16(&mut out, 26, 0x0003);
    put16(&mut out, 28, 0xFFFE);
    put16(&mut out, 30, 9);
    put16(&mut out, 32, 6);
    put32(&mut out, 44, 1); // one FAT sector
    put32(&mut out, 48, 1); // directory at sector 1
    put32(&mut out, 56, 4096);
    put32(&mut out, 60, END); // no mini FAT
    put32(&mut out, 68, END); // no DIFAT sectors
    for i in 0..109 {
        put32(&mut out, 76 + 4 * i, if i == 0 { 0 } else { FREE });
    }
    // Sector 0: the FAT.
    let mut fat = vec![0xFFu8; 512];
    put32(&mut fat, 0, FAT);
    put32(&mut fat, 4, END);
    let mut next = 2u32;
    let mut starts = Vec::new();
    for _ in streams {
        starts.push(next);
        for k in 0..per_stream {
            let v = if k + 1 == per_stream { END } else { next + 1 };
            put32(&mut fat, 4 * next as usize, v);
            next += 1;
        }
    }
    out.extend_from_slice(&fat);
    // Sector 1: the directory: the root, then the streams chained as
    // right siblings (in the order CFB sorts them: shorter names first).
    let mut order: Vec<usize> = (0..streams.len()).collect();
    order.sort_by_key(|&i| (streams[i].len(), streams[i].to_uppercase()));
    let mut dir = vec![0u8; 512];
    let entry = |dir: &mut Vec<u8>,
                 i: usize,
                 name: &str,
                 kind: u8,
                 right: u32,
                 child: u32,
                 start: u32,
                 size: u32| {
        let at = i * 128;
        let units: Vec<u16> = name.encode_utf16().collect();
        for (k, u) in units.iter().enumerate() {
            put16(dir, at + 2 * k, *u);
        }
        put16(dir, at + 64, 2 * (units.len() as u16 + 1));
        dir[at + 66] = kind;
        dir[at + 67] = 1; // black
        put32(dir, at + 68, FREE);
        put32(dir, at + 72, right);
        put32(dir, at + 76, child);
        put32(dir, at + 116, start);
        put32(dir, at + 120, size);
    };
    entry(&mut dir, 0, "Root Entry", 5, FREE, 1, END, 0);
    for (pos, &i) in order.iter().enumerate() {
        let right = if pos + 1 < order.len() {
            pos as u32 + 2
        } else {
            FREE
        };
        entry(
            &mut dir,
            pos + 1,
            streams[i],
            2,
            right,
            FREE,
            starts[i],
            per_stream * 512,
        );
    }
    for i in order.len() + 1..4 {
        put32(&mut dir, i * 128 + 68, FREE);
        put32(&mut dir, i * 128 + 72, FREE);
        put32(&mut dir, i * 128 + 76, FREE);
    }
    out.extend_from_slice(&dir);
    for (i, _) in streams.iter().enumerate() {
        out.extend(std::iter::repeat_n(
            0x5A + i as u8,
            (per_stream * 512) as usize,
        ));
    }
    out
}

/// A .docx: a zip holding `word/document.xml`.
fn docx() -> Vec<u8> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default();
        z.start_file("[Content_Types].xml", o).unwrap();
        z.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
        z.start_file("word/document.xml", o).unwrap();
        z.write_all(b"<?xml version=\"1.0\"?><w:document/>")
            .unwrap();
        z.finish().unwrap();
    }
    buf.into_inner()
}

// ------------------------------------------------ 3. spreadsheets by content

#[test]
fn the_kind_comes_from_the_content_not_the_name() {
    let dir = folder();
    let ds = dossiers();
    let g = plain_grid(&ds);
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("xlsx-named.xls", g.xlsx(), "bảng tính Excel (.xlsx)"),
        ("html-named.xlsx", g.html().into_bytes(), "bảng HTML"),
        (
            "csv-named.xls",
            g.csv().into_bytes(),
            "văn bản có phân cách (CSV/TSV)",
        ),
        ("xlsx-named.csv", g.xlsx(), "bảng tính Excel (.xlsx)"),
    ];
    for (name, bytes, kind) in cases {
        write(dir.path(), name, &bytes);
        let got = stats(dir.path(), &[name]);
        assert_figures(&got, &ds, true);
        assert_accounting(&got, &ds, 0);
        let run = cctthc(dir.path(), &["check", "-i", name]);
        assert_eq!(run.code, 0, "{name}: {}", run.both());
        let want = format!("  {name}: {kind}");
        assert!(run.stdout.contains(&want), "no '{want}' in\n{}", run.stdout);
    }
}

#[test]
fn password_protected_workbook_is_named_as_such() {
    let dir = folder();
    let locked = ole(&["EncryptionInfo", "EncryptedPackage"]);
    for name in ["bao-mat.xlsx", "bao-mat.xls"] {
        write(dir.path(), name, &locked);
        let err = fails(
            dir.path(),
            &["stats", "-i", name, "--month", "11", "--year", "2023"],
            1,
        );
        assert!(err.contains(name), "{err}");
        assert!(err.contains("mật khẩu"), "{err}");
        for english in ["Cfb", "Worksheet", "error", "Error", "stream", "Stream"] {
            assert!(!err.contains(english), "English in: {err}");
        }
        let run = cctthc(dir.path(), &["check", "-i", name]);
        assert_eq!(run.code, 1, "{}", run.both());
        assert!(run.stderr.contains("mật khẩu"), "{}", run.both());
    }
    // A Word 97 document is an OLE file too.
    write(dir.path(), "cong-van.xls", ole(&["WordDocument", "1Table"]));
    let err = fails(
        dir.path(),
        &[
            "stats",
            "-i",
            "cong-van.xls",
            "--month",
            "11",
            "--year",
            "2023",
        ],
        1,
    );
    assert!(err.contains("tệp Word"), "{err}");
}

#[test]
fn word_document_and_damaged_workbook_are_clear_errors() {
    let dir = folder();
    write(dir.path(), "bao-cao.docx", docx());
    let err = fails(
        dir.path(),
        &[
            "stats",
            "-i",
            "bao-cao.docx",
            "--month",
            "11",
            "--year",
            "2023",
        ],
        1,
    );
    assert!(err.contains("bao-cao.docx"), "{err}");
    assert!(err.contains("tệp Word"), "{err}");

    let mut xlsx = plain_grid(&dossiers()).xlsx();
    xlsx.truncate(xlsx.len() / 2);
    write(dir.path(), "hong.xlsx", &xlsx);
    let err = fails(
        dir.path(),
        &[
            "stats",
            "-i",
            "hong.xlsx",
            "--month",
            "11",
            "--year",
            "2023",
        ],
        1,
    );
    assert!(err.contains("hong.xlsx"), "{err}");
    assert!(err.contains("Excel"), "says what to do: {err}");

    write(dir.path(), "dung.xlsx", plain_grid(&dossiers()).xlsx());
    let err = fails(
        dir.path(),
        &[
            "stats",
            "-i",
            "dung.xlsx",
            "--sheet",
            "Sheet9",
            "--month",
            "11",
            "--year",
            "2023",
        ],
        1,
    );
    assert!(err.contains("không có trang tính 'Sheet9'"), "{err}");
    assert!(err.contains("Danh sách"), "{err}");
}

// ------------------------------------- 4–5. rows that are not dossiers, two-row headers

/// How cctthc's `check` names each kind of row passed over.
const HEADING: &str = "dòng tiêu đề nhóm";
const TOTAL: &str = "dòng tổng cộng";
const HEADER_AGAIN: &str = "dòng tiêu đề cột lặp lại";

/// The header (one row, or two: `Ngày, tháng, năm` merged over `Nhận hồ
/// sơ · Hẹn trả kết quả`, the other labels merged down), at the grid's end.
fn header_rows(g: &mut Grid, two_rows: bool) -> Vec<usize> {
    if !two_rows {
        return vec![g.row(&[
            "STT",
            "Mã hồ sơ",
            "Đơn vị tiếp nhận",
            "Kênh",
            "Ngày tiếp nhận",
            "Ngày hẹn trả",
            "Ngày kết thúc",
            "Trạng thái",
        ])];
    }
    let top = g.row(&[
        "STT",
        "Mã hồ sơ",
        "Đơn vị tiếp nhận",
        "Kênh",
        "Ngày, tháng, năm",
        "",
        "Ngày kết thúc",
        "Trạng thái",
    ]);
    let low = g.row(&["", "", "", "", "Nhận hồ sơ", "Hẹn trả kết quả", "", ""]);
    for c in [0, 1, 2, 3, 6, 7] {
        g.merge(top, c, low, c);
    }
    g.merge(top, 4, top, 5);
    vec![top, low]
}

/// An export as one-stop systems print it: title rows, the header, the
/// row of column numbers, group headings over the dossiers of a field,
/// subtotal and total rows, the header again on the next page. Returns
/// the grid and, for each row passed over, its kind and grid index.
fn report_grid(ds: &[Ho], two_rows: bool) -> (Grid, Vec<(&'static str, usize)>) {
    let mut g = Grid::new();
    let mut skipped = Vec::new();
    g.banner("DANH SÁCH HỒ SƠ TIẾP NHẬN", 8);
    g.banner("Kỳ báo cáo: tháng 11/2023", 8);
    header_rows(&mut g, two_rows);
    let numbers = g.row(&["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"]);
    skipped.push((HEADER_AGAIN, numbers));
    let half = ds.len() / 2;
    for (part, chunk) in [&ds[..half], &ds[half..]].into_iter().enumerate() {
        if part == 1 {
            // Page 2 repeats the header.
            for r in header_rows(&mut g, two_rows) {
                skipped.push((HEADER_AGAIN, r));
            }
        }
        let field = if part == 0 {
            "Hộ tịch"
        } else {
            "Đất đai"
        };
        let heading = g.banner(&format!("{field} ( {} )", chunk.len()), 8);
        skipped.push((HEADING, heading));
        for (i, h) in chunk.iter().enumerate() {
            let c = cells(h);
            let stt = (part * half + i + 1).to_string();
            let mut row = vec![stt.as_str()];
            row.extend(c[..4].iter().map(String::as_str));
            row.extend(c[4..].iter().map(String::as_str));
            g.row(&row);
        }
        let n = chunk.len().to_string();
        // A subtotal whose word stands in the code column.
        let sub = g.row(&["", "Cộng:", "", &n, "", "", "", &n]);
        skipped.push((TOTAL, sub));
    }
    let all = ds.len().to_string();
    let total = g.row(&["Tổng cộng", "", "", &all, "", "", "", &all]);
    skipped.push((TOTAL, total));
    let note = g.row(&["", "", "", "", "", "Người lập biểu", "", ""]);
    skipped.push((HEADING, note));
    (g, skipped)
}

/// The `check` lines for the rows passed over, lines from `first_line`.
fn skipped_lines(skipped: &[(&str, usize)], first_line: usize) -> Vec<String> {
    let mut out = Vec::new();
    for kind in [HEADING, TOTAL, HEADER_AGAIN] {
        let lines: Vec<String> = skipped
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, r)| (r + first_line).to_string())
            .collect();
        if !lines.is_empty() {
            out.push(format!("      {kind}: dòng {}\n", lines.join(", ")));
        }
    }
    out
}

/// The grid as CSV, xlsx and HTML: the same figures, the rows passed over
/// counted in `bo_qua` and listed by `check` with their lines.
fn assert_report_layout(two_rows: bool) {
    let ds = dossiers();
    let (g, skipped) = report_grid(&ds, two_rows);
    let dir = folder();
    let forms: [(&str, Vec<u8>, usize); 3] = [
        ("bao-cao.csv", g.csv().into_bytes(), 1),
        ("bao-cao.xlsx", g.xlsx(), 1),
        ("bao-cao.xls", g.html().into_bytes(), 2),
    ];
    for (name, bytes, first_line) in forms {
        write(dir.path(), name, &bytes);
        let got = stats(dir.path(), &[name]);
        assert_figures(&got, &ds, true);
        assert_accounting(&got, &ds, skipped.len() as u64);
        let run = cctthc(dir.path(), &["check", "-i", name]);
        assert_eq!(run.code, 0, "{name}: {}", run.both());
        let header = if two_rows {
            format!(
                "dòng tiêu đề: dòng {}–{} (tiêu đề hai dòng)\n",
                2 + first_line,
                3 + first_line
            )
        } else {
            format!("dòng tiêu đề: dòng {}\n", 2 + first_line)
        };
        let mut wants = vec![
            header,
            format!("    {} dòng không phải hồ sơ, bỏ qua:\n", skipped.len()),
        ];
        let total = run
            .stdout
            .lines()
            .find(|l| l.starts_with("  dòng không phải hồ sơ:"))
            .and_then(|l| l.split_whitespace().last())
            .unwrap_or_default();
        assert_eq!(total, skipped.len().to_string(), "{name}: {}", run.stdout);
        wants.extend(skipped_lines(&skipped, first_line));
        if two_rows {
            wants.push("ngay_tiep_nhan        ← 'Nhận hồ sơ' (cột 5, E)".into());
            wants.push("ngay_hen_tra          ← 'Hẹn trả kết quả' (cột 6, F)".into());
        }
        for want in wants {
            assert!(
                run.stdout.contains(&want),
                "{name}: no '{want}' in\n{}",
                run.stdout
            );
        }
    }
}

#[test]
fn rows_that_are_not_dossiers_are_passed_over_and_counted() {
    assert_report_layout(false);
}

#[test]
fn two_row_headers_and_their_repeats() {
    assert_report_layout(true);
}

/// A row without a code that has three or more values is not a heading:
/// it is an input error on its line.
#[test]
fn a_row_without_a_code_and_three_values_is_an_error() {
    let ds = dossiers();
    let (mut g, _) = report_grid(&ds, false);
    let at = g.line_of("HS03");
    g.rows.insert(
        at,
        [
            "",
            "",
            NGOC_KY,
            "Trực tuyến",
            "01/11/2023",
            "05/11/2023",
            "",
            "Đang xử lý",
        ]
        .map(String::from)
        .to_vec(),
    );
    // The merges below it move down a row.
    for m in &mut g.merges {
        if m.0 >= at {
            m.0 += 1;
            m.2 += 1;
        }
    }
    let dir = folder();
    for (name, bytes, first_line) in [("x.csv", g.csv().into_bytes(), 1), ("x.xlsx", g.xlsx(), 1)] {
        write(dir.path(), name, &bytes);
        let err = fails(
            dir.path(),
            &["stats", "-i", name, "--month", "11", "--year", "2023"],
            3,
        );
        let want = format!("{name}:{}: trường 'ma_ho_so' = ''", at + first_line);
        assert!(err.contains(&want), "no '{want}' in\n{err}");
        assert!(err.contains("1 dòng dữ liệu không hợp lệ"), "{err}");
    }
}

// ------------------------------------------------------ 6. no channel column

/// The grid without its `Kênh` column, or with an online flag there.
fn grid_without_channel(ds: &[Ho], flag: Option<&str>) -> Grid {
    let mut g = Grid::new();
    let mut header: Vec<&str> = HEADERS.to_vec();
    match flag {
        Some(name) => header[2] = name,
        None => {
            header.remove(2);
        }
    }
    g.row(&header);
    for h in ds {
        let mut c: Vec<String> = cells(h).to_vec();
        match flag {
            Some(_) => c[2] = (channel(h.kenh) == "truc_tuyen").to_string(),
            None => {
                c.remove(2);
            }
        }
        g.row(&c.iter().map(String::as_str).collect::<Vec<_>>());
    }
    g
}

#[test]
fn without_a_channel_column_the_channel_figures_are_null() {
    let dir = folder();
    let ds = dossiers();
    write(
        dir.path(),
        "khong-kenh.csv",
        grid_without_channel(&ds, None).csv(),
    );
    let got = stats(dir.path(), &["khong-kenh.csv"]);
    assert_figures(&got, &ds, false);
    assert_accounting(&got, &ds, 0);
    assert_eq!(got["tong"]["tiep_nhan"]["truc_tuyen"], Value::Null);
    assert_eq!(got["tong"]["ty_le"]["truc_tuyen"], NULL_RATIO());
    assert_ne!(got["tong"]["tiep_nhan"]["trong_ky"], json!(0));
}

/// `Trực tuyến` = true/false (OpenCPS) stands in for the channel: a yes
/// is online, a no direct.
#[test]
fn an_online_flag_gives_the_split() {
    let ds = dossiers();
    let flagged: Vec<Ho> = ds
        .iter()
        .cloned()
        .map(|mut h| {
            h.kenh = if channel(h.kenh) == "truc_tuyen" {
                "true"
            } else {
                "false"
            };
            h
        })
        .collect();
    for flag in ["Trực tuyến", "Nộp trực tuyến", "online"] {
        let dir = folder();
        let g = grid_without_channel(&ds, Some(flag));
        write(dir.path(), "co.csv", g.csv());
        write(dir.path(), "co.xlsx", g.xlsx());
        for name in ["co.csv", "co.xlsx"] {
            let got = stats(dir.path(), &[name]);
            assert_figures(&got, &flagged, true);
        }
        let run = cctthc(dir.path(), &["check", "-i", "co.csv"]);
        let want = format!(
            "kenh                  ← '{flag}' (cột 3, C; có: trực tuyến, không: trực tiếp)"
        );
        assert!(run.stdout.contains(&want), "no '{want}' in\n{}", run.stdout);
    }
}

/// A ratio whose column is missing is null even in a period without
/// dossiers, and when any file read lacks the column; with the column,
/// an empty period gives 0 of 0.
#[test]
fn a_missing_column_is_null_whatever_the_period_holds() {
    let dir = folder();
    let ds = dossiers();
    write(dir.path(), "co-kenh.csv", plain_grid(&ds[..5]).csv());
    write(
        dir.path(),
        "khong-kenh.csv",
        grid_without_channel(&ds[5..], None).csv(),
    );
    let january = ["--month", "1", "--year", "2023"];

    let without = stats_with(dir.path(), &["khong-kenh.csv"], &january);
    assert_eq!(without["tong"]["tiep_nhan"]["trong_ky"], 0);
    assert_eq!(without["tong"]["tiep_nhan"]["truc_tuyen"], Value::Null);
    assert_eq!(without["tong"]["tiep_nhan"]["truc_tiep"], Value::Null);
    assert_eq!(without["tong"]["tiep_nhan"]["buu_chinh"], Value::Null);
    assert_eq!(without["tong"]["ty_le"]["truc_tuyen"], NULL_RATIO());
    assert_eq!(without["tong"]["ty_le"]["so_hoa_dau_vao"], NULL_RATIO());
    assert_eq!(without["tong"]["ty_le"]["dung_han"], ratio(0, 0));

    let with = stats_with(dir.path(), &["co-kenh.csv"], &january);
    assert_eq!(with["tong"]["tiep_nhan"]["truc_tuyen"], 0);
    assert_eq!(with["tong"]["ty_le"]["truc_tuyen"], ratio(0, 0));

    // One of two files lacks it: null for everyone, the units of the
    // file that has it too.
    let both = stats(dir.path(), &["co-kenh.csv", "khong-kenh.csv"]);
    assert_figures(&both, &ds, false);
    assert_accounting(&both, &ds, 0);
    for unit in both["theo_don_vi"].as_array().unwrap() {
        assert_eq!(
            unit["ty_le"]["truc_tuyen"],
            NULL_RATIO(),
            "{}",
            unit["don_vi"]
        );
    }
}

// ------------------------------------------------------------- 7. folders

#[test]
fn a_folder_reads_its_data_files_and_names_the_others() {
    let root = folder();
    let data = root.path().join("du-lieu");
    fs::create_dir(&data).unwrap();
    let ds = dossiers();
    write(&data, "1-ho-so.csv", csv(&ds[..4]));
    write(&data, "2-xuat-excel.xls", office_page(&ds[4..7]));
    write(&data, "3-igate.json", igate(&ds[7..]));
    write(&data, "README.md", "# Dữ liệu tháng 11\n");
    write(&data, "bao-cao.docx", docx());
    write(&data, "cong-van.pdf", b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
    write(
        &data,
        "cctthc.toml",
        "[bao_cao]\nco_quan = \"UBND huyện Tứ Kỳ\"\n",
    );
    write(&data, ".ghi-chu.csv", csv(&ds));
    write(&data, "~$1-ho-so.xlsx", b"\x0bclerk");

    // Files cctthc wrote, from another export.
    let other = root.path().join("khac");
    fs::create_dir(&other).unwrap();
    let mut bad = dossiers()[..3].to_vec();
    for h in &mut bad {
        h.code = format!("K{}", h.code);
    }
    bad[1].kenh = "Fax";
    write(&other, "k.csv", csv(&bad).replace("Fax", "Qua fax"));
    let run = cctthc(
        root.path(),
        &[
            "stats",
            "-i",
            "khac/k.csv",
            "--month",
            "11",
            "--year",
            "2023",
            "--skip-invalid",
            "--rejects",
            "du-lieu/loi.csv",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.both());
    write(&data, "so-lieu.json", &run.stdout);
    let run = cctthc(
        root.path(),
        &[
            "qua-han",
            "-i",
            "khac/k.csv",
            "--ngay",
            "2023-11-20",
            "--format",
            "csv",
            "-o",
            "du-lieu/qua-han.csv",
            "--skip-invalid",
            "--rejects",
            "khac/r.csv",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.both());
    for own in ["loi.csv", "qua-han.csv", "so-lieu.json"] {
        assert!(data.join(own).is_file(), "{own} not written");
    }

    let run = cctthc(
        root.path(),
        &[
            "stats", "-i", "du-lieu", "--month", "11", "--year", "2023", "--format", "json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.both());
    let got: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_figures(&got, &ds, true);
    assert_accounting(&got, &ds, 0);
    let notices: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("README.md"))
        .collect();
    assert_eq!(notices.len(), 1, "one notice line:\n{}", run.stderr);
    let notice = notices[0];
    for named in [
        "README.md",
        "bao-cao.docx",
        "cong-van.pdf",
        "cctthc.toml",
        "loi.csv",
        "qua-han.csv",
        "so-lieu.json",
    ] {
        assert!(
            notice.contains(&format!("du-lieu/{named}")),
            "{named} not named: {notice}"
        );
    }
    assert!(notice.contains("7 tệp"), "{notice}");
    for silent in [".ghi-chu.csv", "~$1-ho-so.xlsx"] {
        assert!(
            !run.stderr.contains(silent),
            "{silent} named:\n{}",
            run.stderr
        );
    }
    for data_file in ["1-ho-so.csv", "2-xuat-excel.xls", "3-igate.json"] {
        assert!(
            !notice.contains(data_file),
            "{data_file} passed over: {notice}"
        );
    }

    // Given with -i, a file cctthc wrote is an error, not data.
    for own in ["loi.csv", "qua-han.csv", "so-lieu.json"] {
        let path = format!("du-lieu/{own}");
        let err = fails(
            root.path(),
            &["stats", "-i", &path, "--month", "11", "--year", "2023"],
            1,
        );
        assert!(err.contains(&path), "{err}");
        assert!(err.contains("do cctthc ghi"), "{err}");
        assert!(err.contains("không phải tệp xuất"), "{err}");
    }
}

// ----------------------------------------------------------------- 8. check

#[test]
fn check_shows_how_a_file_was_read() {
    let dir = folder();
    let ds = dossiers();
    let mut text = String::from(
        "STT;Mã hồ sơ;Đơn vị;Ngày tiếp nhận;Ngày hẹn trả;Ngày có kết quả;Trạng thái;Ghi chú;Người nộp\n",
    );
    for (i, h) in ds.iter().enumerate() {
        let c = cells(h);
        text.push_str(&format!(
            "{};{};{};{};{};{};{};;Nguyễn Văn {}\n",
            i + 1,
            c[0],
            c[1],
            c[3],
            c[4],
            c[5],
            c[6],
            i
        ));
    }
    write(dir.path(), "ho-so.txt", format!("\u{feff}{text}"));
    let run = cctthc(dir.path(), &["check", "-i", "ho-so.txt"]);
    assert_eq!(run.code, 0, "{}", run.both());
    let wants = [
        "Đã đọc 1 tệp:\n".to_string(),
        "  ho-so.txt: văn bản có phân cách (CSV/TSV), bảng mã UTF-8\n".into(),
        "    dòng tiêu đề: dòng 1\n".into(),
        "      ma_ho_so              ← 'Mã hồ sơ' (cột 2, B)\n".into(),
        "      don_vi                ← 'Đơn vị' (cột 3, C)\n".into(),
        "      ngay_tiep_nhan        ← 'Ngày tiếp nhận' (cột 4, D)\n".into(),
        "      ngay_hen_tra          ← 'Ngày hẹn trả' (cột 5, E)\n".into(),
        "      ngay_ket_thuc         ← 'Ngày có kết quả' (cột 6, F)\n".into(),
        "      trang_thai            ← 'Trạng thái' (cột 7, G)\n".into(),
        "    cột không dùng: 'STT', 'Ghi chú', 'Người nộp'\n".into(),
        "    không có cột kenh: số hồ sơ theo kênh (trực tuyến, trực tiếp, bưu chính) và tỷ lệ tiếp nhận trực tuyến là N/A\n".into(),
        "    không có cột so_hoa_ho_so: tỷ lệ số hóa hồ sơ (đầu vào) là N/A\n".into(),
        "    không có cột so_hoa_ket_qua: tỷ lệ số hóa kết quả (đầu ra) là N/A\n".into(),
        "    không có cột nghia_vu_tai_chinh, thanh_toan_truc_tuyen: tỷ lệ thanh toán trực tuyến là N/A\n".into(),
        format!("    {} dòng dữ liệu\n", ds.len()),
        "Không có dòng lỗi.".into(),
    ];
    for want in &wants {
        assert!(
            run.stdout.contains(want.as_str()),
            "no '{want}' in\n{}",
            run.stdout
        );
    }
    // Fields found are not listed as missing.
    for field in ["ma_ho_so", "don_vi", "ngay_ket_thuc", "trang_thai"] {
        assert!(
            !run.stdout.contains(&format!("không có cột {field}")),
            "{}",
            run.stdout
        );
    }
    let count = |label: &str| {
        run.stdout
            .lines()
            .find(|l| l.starts_with(label))
            .and_then(|l| l.split_whitespace().last())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(count("Số dòng dữ liệu:"), ds.len().to_string());
    assert_eq!(count("  hồ sơ chưa tiếp nhận:"), "1");
    assert_eq!(count("  hồ sơ được tính:"), (ds.len() - 1).to_string());
}

// ---------------------------------------------------------- 9. check --goi-y

/// Two files with what config must fix: an unknown status word with a
/// guess and one without, an unknown channel word, a unit without a
/// level, a date form cctthc does not read; and a file whose code column
/// is headed `Mã HS`. Writes `a.csv` and `b.csv`; returns their dossiers.
fn needs_config(dir: &Path) -> Vec<Ho> {
    let base = dossiers();
    let mut a: Vec<Ho> = base[..5].to_vec();
    let g =
        |code: &str, unit, kenh, recv, due, status| ho(code, unit, kenh, recv, due, None, status);
    a.push(g(
        "G1",
        NGOC_KY,
        "Trực tiếp",
        d(2023, 11, 5),
        Some(d(2023, 11, 10)),
        "Lưu kho",
    ));
    a.push(g(
        "G2",
        PHUONG_KY,
        "Trực tuyến",
        d(2023, 11, 6),
        Some(d(2023, 12, 12)),
        "Đang thẩm định",
    ));
    a.push(g(
        "G3",
        NGOC_KY,
        "Kiosk",
        d(2023, 11, 7),
        Some(d(2023, 11, 9)),
        "Đang xử lý",
    ));
    // No level in its name: the test answers `xa` in the fragment.
    let g4 = ho(
        "G4",
        "Bộ phận Một cửa",
        "Trực tuyến",
        d(2023, 11, 7),
        Some(d(2023, 11, 10)),
        Some(d(2023, 11, 9)),
        "Hoàn thành",
    );
    assert_eq!(g4.level, "xa");
    a.push(g4);
    a.push(g(
        "G5",
        TNMT,
        "Trực tiếp",
        d(2023, 11, 3),
        Some(d(2023, 11, 20)),
        "Đang xử lý",
    ));
    let mut text = csv_line(&HEADERS.map(String::from));
    for h in &a {
        let mut c = cells(h);
        if h.code == "G5" {
            c[3] = "03/11/2023 08h15".into();
        }
        text.push_str(&csv_line(&c));
    }
    write(dir, "a.csv", text);
    let b: Vec<Ho> = base[5..].to_vec();
    write(dir, "b.csv", csv(&b).replacen("Mã hồ sơ", "Mã HS", 1));
    a.into_iter().chain(b).collect()
}

/// What a clerk does with the fragment: each commented choice filled in.
fn fill(line: &str) -> String {
    if line.starts_with("# \"Lưu kho\" = ") {
        "\"Lưu kho\" = \"dang_giai_quyet\"".into()
    } else if line.starts_with("# \"Kiosk\" = ") {
        "\"Kiosk\" = \"truc_tiep\"".into()
    } else if line.starts_with("# cap = ") {
        "cap = \"xa\"".into()
    } else {
        line.to_string()
    }
}

fn goi_y(dir: &Path) -> (String, toml::Table) {
    let run = cctthc(dir, &["check", "--goi-y", "-i", "a.csv", "-i", "b.csv"]);
    assert!(matches!(run.code, 0 | 3), "{}", run.both());
    let table: toml::Table =
        toml::from_str(&run.stdout).unwrap_or_else(|e| panic!("not TOML: {e}\n{}", run.stdout));
    (run.stdout, table)
}

#[test]
fn goi_y_fragment_appended_and_filled_makes_every_file_readable() {
    let dir = folder();
    let ds = needs_config(dir.path());
    // Before: the files do not read.
    let err = fails(
        dir.path(),
        &[
            "stats", "-i", "a.csv", "-i", "b.csv", "--month", "11", "--year", "2023",
        ],
        1,
    );
    assert!(err.contains("b.csv"), "{err}");

    let (text, table) = goi_y(dir.path());
    assert_eq!(table["cot"]["ma_ho_so"].as_str(), Some("Mã HS"), "{text}");
    assert_eq!(
        table["trang_thai"]["Đang thẩm định"].as_str(),
        Some("dang_giai_quyet"),
        "{text}"
    );
    assert!(table["trang_thai"].get("Lưu kho").is_none(), "{text}");
    assert!(text.contains("# \"Lưu kho\" = \"\" # chọn: "), "{text}");
    assert!(
        text.contains("# \"Kiosk\" = # chọn: \"truc_tuyen\", \"truc_tiep\", \"buu_chinh\""),
        "{text}"
    );
    assert_eq!(
        table
            .get("nhap")
            .unwrap_or_else(|| panic!("no [nhap] in\n{text}"))["dinh_dang_ngay"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>()),
        Some(vec!["%d/%m/%Y %Hh%M"]),
        "{text}"
    );
    let units = table["don_vi"].as_array().expect("[[don_vi]]");
    assert_eq!(units.len(), 1, "{text}");
    assert_eq!(units[0]["ten"].as_str(), Some("Bộ phận Một cửa"));
    assert!(units[0].get("cap").is_none(), "no level is guessed: {text}");
    for guess in [
        "ma_ho_so = \"Mã HS\" # đoán, cần kiểm tra",
        "\"Đang thẩm định\" = \"dang_giai_quyet\" # đoán, cần kiểm tra",
    ] {
        assert!(text.contains(guess), "no '{guess}' in\n{text}");
    }

    // Appended as it is: valid, and the files still need the choices.
    let filled: String = text.lines().map(|l| fill(l) + "\n").collect();
    assert_ne!(filled, text);
    fs::write(dir.path().join("cctthc.toml"), &filled).unwrap();
    let got = stats(dir.path(), &["a.csv", "b.csv"]);
    assert_figures(&got, &ds, true);
    assert_accounting(&got, &ds, 0);
}

/// The config already has a `[trang_thai]` table: the fragment does not
/// open it again (invalid TOML) but asks for its lines to be moved in.
#[test]
fn goi_y_with_a_trang_thai_table_already_there() {
    let dir = folder();
    let mut ds = needs_config(dir.path());
    // A word the config maps already.
    let existing = "[trang_thai]\n\"Xong\" = \"da_giai_quyet\"\n";
    fs::write(dir.path().join("cctthc.toml"), existing).unwrap();
    let text = fs::read_to_string(dir.path().join("a.csv")).unwrap();
    fs::write(
        dir.path().join("a.csv"),
        text.replacen("Đã trả kết quả", "Xong", 1),
    )
    .unwrap();
    let (fragment, table) = goi_y(dir.path());
    assert!(
        table.get("trang_thai").is_none(),
        "[trang_thai] opened again:\n{fragment}"
    );
    assert!(
        fragment.contains("# Bảng [trang_thai] đã có trong cctthc.toml"),
        "{fragment}"
    );
    let config = format!("{existing}{fragment}");
    toml::from_str::<toml::Table>(&config)
        .unwrap_or_else(|e| panic!("appended, not TOML: {e}\n{config}"));

    // Move the commented [trang_thai] lines into the table, filled in.
    let mut moved = Vec::new();
    let mut rest = String::new();
    let mut inside = false;
    for line in fragment.lines() {
        if line == "# [trang_thai]" {
            inside = true;
            continue;
        }
        if inside && line.starts_with("# \"") {
            let entry = fill(line);
            moved.push(entry.strip_prefix("# ").unwrap_or(&entry).to_string());
            continue;
        }
        inside = false;
        rest.push_str(&fill(line));
        rest.push('\n');
    }
    assert_eq!(moved.len(), 2, "{fragment}");
    let config = format!("{existing}{}\n{rest}", moved.join("\n"));
    fs::write(dir.path().join("cctthc.toml"), &config).unwrap();
    for h in &mut ds {
        if h.status == "Đã trả kết quả" {
            h.status = "Hoàn thành";
        }
    }
    let got = stats(dir.path(), &["a.csv", "b.csv"]);
    assert_figures(&got, &ds, true);
    assert_accounting(&got, &ds, 0);
}

// ------------------------------------------------------ 10. no bytes crash it

mod any_bytes {
    use super::*;
    use proptest::prelude::*;

    /// A valid file of each kind, to mutate.
    fn seeds() -> [Vec<u8>; 4] {
        let ds = dossiers();
        [
            office_page(&ds).into_bytes(),
            igate(&ds).into_bytes(),
            plain_grid(&ds).xlsx(),
            report_grid(&ds, true).0.html().into_bytes(),
        ]
    }

    /// Edits of a seed: (where, what, byte).
    fn mutate(seed: &[u8], edits: &[(usize, u8, u8)], cut: Option<usize>) -> Vec<u8> {
        let mut b = seed.to_vec();
        for &(at, op, byte) in edits {
            if b.is_empty() {
                b.push(byte);
                continue;
            }
            let i = at % b.len();
            match op % 5 {
                0 => b[i] = byte,
                1 => b.insert(i, byte),
                2 => {
                    b.remove(i);
                }
                3 => {
                    // A chunk repeated (a table row, a zip entry, a record twice).
                    let end = (i + 1 + byte as usize * 4).min(b.len());
                    let chunk = b[i..end].to_vec();
                    b.splice(i..i, chunk);
                }
                _ => b[i] ^= 1 << (byte % 8),
            }
        }
        if let Some(c) = cut {
            b.truncate(c % (b.len() + 1));
        }
        b
    }

    fn bytes() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..2048),
            // Text-like noise: markup and JSON punctuation.
            prop::collection::vec(
                prop::sample::select(
                    b"<>/=\"' {}[],:tdrhablecolspan0123456789\n\xC3\xA1\xEF\xBB\xBF".to_vec()
                ),
                0..1024
            ),
            (
                0..4usize,
                prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..24),
                prop::option::of(any::<usize>()),
            )
                .prop_map(|(k, edits, cut)| mutate(&seeds()[k], &edits, cut)),
        ]
    }

    fn never_crashes(name: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
        let dir = folder();
        write(dir.path(), name, bytes);
        // `cctthc` asserts: no panic, no backtrace, no library English.
        let run = cctthc(
            dir.path(),
            &[
                "stats", "-i", name, "--month", "11", "--year", "2023", "--format", "json",
            ],
        );
        prop_assert!(
            matches!(run.code, 0 | 1 | 3),
            "exit {}: {}",
            run.code,
            run.both()
        );
        if run.code == 0 {
            prop_assert!(
                serde_json::from_str::<Value>(&run.stdout).is_ok(),
                "{}",
                run.both()
            );
        } else {
            prop_assert!(
                run.stderr.contains(name),
                "the message names the file: {}",
                run.both()
            );
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn named_xls(bytes in bytes()) {
            never_crashes("x.xls", &bytes)?;
        }

        #[test]
        fn named_html(bytes in bytes()) {
            never_crashes("x.html", &bytes)?;
        }

        #[test]
        fn named_json(bytes in bytes()) {
            never_crashes("x.json", &bytes)?;
        }
    }
}

/// UTF-16 with a BOM, as PowerShell's `ConvertTo-Json > file` writes it
/// (SPEC §1.2), LE and BE.
#[test]
fn json_in_utf16() {
    let dir = folder();
    let ds = dossiers();
    let text = igate(&ds);
    let le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    for (name, bytes, encoding) in [("le.json", le, "UTF-16LE"), ("be.json", be, "UTF-16BE")] {
        write(dir.path(), name, &bytes);
        let got = stats(dir.path(), &[name]);
        assert_figures(&got, &ds, true);
        assert_accounting(&got, &ds, 0);
        let run = cctthc(dir.path(), &["check", "-i", name]);
        let want = format!("{name}: JSON, bảng mã {encoding}\n");
        assert!(run.stdout.contains(&want), "no '{want}' in\n{}", run.both());
    }
    // An unpaired surrogate is an error, never replaced.
    let mut lone: Vec<u8> = vec![0xFF, 0xFE];
    lone.extend("[{\"code\": \"A".encode_utf16().flat_map(u16::to_le_bytes));
    lone.extend([0x00, 0xD8]);
    lone.extend("\"}]".encode_utf16().flat_map(u16::to_le_bytes));
    write(dir.path(), "lone.json", &lone);
    let err = fails(
        dir.path(),
        &[
            "stats",
            "-i",
            "lone.json",
            "--month",
            "11",
            "--year",
            "2023",
        ],
        1,
    );
    assert!(err.contains("lone.json"), "{err}");
    assert!(err.contains("UTF-16"), "{err}");
}

/// A page written one cell a line, as many servers indent it: a row's
/// line is where its `<tr>` starts, for the header as for errors.
#[test]
fn html_one_cell_a_line() {
    let ds = dossiers();
    let (g, skipped) = report_grid(&ds, true);
    let pretty = g
        .html()
        .replace("<tr>", "<tr>\n  ")
        .replace("</td><td", "</td>\n  <td")
        .replace("</td></tr>", "</td>\n</tr>");
    let dir = folder();
    write(dir.path(), "thut-le.html", &pretty);
    let got = stats(dir.path(), &["thut-le.html"]);
    assert_figures(&got, &ds, true);
    assert_accounting(&got, &ds, skipped.len() as u64);
    let lines: Vec<&str> = pretty.lines().collect();
    let tr = |n: usize| {
        lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.starts_with("<tr>"))
            .nth(n)
            .map(|(i, _)| i + 1)
            .unwrap()
    };
    // Rows 0–1 are the title, 2–3 the header.
    let want = format!(
        "dòng tiêu đề: dòng {}–{} (tiêu đề hai dòng)\n",
        tr(2),
        tr(3)
    );
    let run = cctthc(dir.path(), &["check", "-i", "thut-le.html"]);
    assert!(run.stdout.contains(&want), "no '{want}' in\n{}", run.stdout);
    let headings: Vec<String> = skipped
        .iter()
        .filter(|(k, _)| *k == HEADING)
        .map(|(_, r)| tr(*r).to_string())
        .collect();
    let want = format!("      {HEADING}: dòng {}\n", headings.join(", "));
    assert!(run.stdout.contains(&want), "no '{want}' in\n{}", run.stdout);

    // An invalid row is named by the line of its `<tr>`.
    let broken = pretty.replacen("Đang xử lý", "Lưu nháp", 1);
    write(dir.path(), "loi.html", &broken);
    let row = broken.lines().position(|l| l.contains("Lưu nháp")).unwrap();
    let start = broken
        .lines()
        .take(row)
        .collect::<Vec<_>>()
        .iter()
        .rposition(|l| l.starts_with("<tr>"))
        .unwrap()
        + 1;
    let err = fails(
        dir.path(),
        &["stats", "-i", "loi.html", "--month", "11", "--year", "2023"],
        3,
    );
    let want = format!("loi.html:{start}: trường 'trang_thai' = 'Lưu nháp'");
    assert!(err.contains(&want), "no '{want}' in\n{err}");
}

/// Bytes that are not valid in the page's declared encoding are an error
/// on their row's line, never replaced silently (SPEC §1.2).
#[test]
fn html_invalid_bytes_are_an_error_on_their_line() {
    let ds = dossiers();
    let page = format!(
        "<html><head><meta charset=\"utf-8\"></head><body>\n{}</body></html>\n",
        html_table(&ds)
    );
    let line = page.lines().position(|l| l.contains("HS05")).unwrap() + 1;
    let bytes = page
        .replacen("HS05</td><td>Phòng", "HS05</td><td>Ph\u{1}", 1)
        .into_bytes();
    let bytes: Vec<u8> = bytes
        .into_iter()
        .map(|b| if b == 1 { 0xFF } else { b })
        .collect();
    let dir = folder();
    write(dir.path(), "hong.xls", &bytes);
    let err = fails(
        dir.path(),
        &["stats", "-i", "hong.xls", "--month", "11", "--year", "2023"],
        3,
    );
    assert!(err.contains(&format!("hong.xls:{line}:")), "{err}");
    assert!(err.contains("byte không hợp lệ"), "{err}");
    assert!(err.contains("1 dòng dữ liệu không hợp lệ"), "{err}");
}

impl Grid {
    /// An OpenDocument spreadsheet of the grid (what LibreOffice saves).
    fn ods(&self) -> Vec<u8> {
        use std::io::Write;
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content \
             xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
             xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
             xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
             <office:body><office:spreadsheet><table:table table:name=\"Danh sách\">",
        );
        for (r, row) in self.rows.iter().enumerate() {
            xml.push_str("<table:table-row>");
            for (c, v) in row.iter().enumerate() {
                let covered = self.merges.iter().any(|&(r1, c1, r2, c2)| {
                    (r1..=r2).contains(&r) && (c1..=c2).contains(&c) && (r, c) != (r1, c1)
                });
                if covered {
                    xml.push_str("<table:covered-table-cell/>");
                    continue;
                }
                let mut attrs = String::new();
                if let Some(&(r1, c1, r2, c2)) = self
                    .merges
                    .iter()
                    .find(|&&(r1, c1, _, _)| (r1, c1) == (r, c))
                {
                    attrs = format!(
                        " table:number-columns-spanned=\"{}\" table:number-rows-spanned=\"{}\"",
                        c2 - c1 + 1,
                        r2 - r1 + 1
                    );
                }
                if v.is_empty() {
                    xml.push_str(&format!("<table:table-cell{attrs}/>"));
                } else {
                    xml.push_str(&format!(
                        "<table:table-cell{attrs} office:value-type=\"string\"><text:p>{}</text:p></table:table-cell>",
                        esc(v)
                    ));
                }
            }
            xml.push_str("</table:table-row>");
        }
        xml.push_str(
            "</table:table></office:spreadsheet></office:body></office:document-content>\n",
        );
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut buf);
            let stored = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            z.start_file("mimetype", stored).unwrap();
            z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
                .unwrap();
            z.start_file("content.xml", zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(xml.as_bytes()).unwrap();
            z.start_file(
                "META-INF/manifest.xml",
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            z.write_all(
                b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
                  <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
                  <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>",
            )
            .unwrap();
            z.finish().unwrap();
        }
        buf.into_inner()
    }
}

/// LibreOffice's .ods, under its name and under `.xls`, with a two-row
/// header of merged cells and the rows that are not dossiers.
#[test]
fn ods_by_content() {
    let ds = dossiers();
    let (g, skipped) = report_grid(&ds, true);
    let dir = folder();
    for name in ["bao-cao.ods", "ods-named.xls"] {
        write(dir.path(), name, g.ods());
        let got = stats(dir.path(), &[name]);
        assert_figures(&got, &ds, true);
        assert_accounting(&got, &ds, skipped.len() as u64);
        let run = cctthc(dir.path(), &["check", "-i", name]);
        let want = format!("  {name}: bảng tính OpenDocument (.ods)\n");
        assert!(run.stdout.contains(&want), "no '{want}' in\n{}", run.both());
        assert!(
            run.stdout
                .contains("dòng tiêu đề: dòng 3–4 (tiêu đề hai dòng)"),
            "{}",
            run.stdout
        );
    }
}

/// Total rows as systems spell them are passed over; a dossier whose
/// first cell is a unit named `Tổng công ty …` is not one of them.
#[test]
fn total_words_and_units_that_look_like_them() {
    let mut ds = dossiers();
    for h in ds.iter_mut().take(3) {
        h.unit = "Tổng công ty Điện lực miền Bắc";
        h.level = "tinh";
    }
    let mut text = String::from(
        "Đơn vị,Cấp,Mã hồ sơ,Kênh,Ngày tiếp nhận,Ngày hẹn trả,Ngày kết thúc,Trạng thái\n",
    );
    for h in &ds {
        let c = cells(h);
        text.push_str(&csv_line(&[
            c[1].clone(),
            h.level.into(),
            c[0].clone(),
            c[2].clone(),
            c[3].clone(),
            c[4].clone(),
            c[5].clone(),
            c[6].clone(),
        ]));
    }
    let totals = [
        "TỔNG CỘNG,,,5,,,,5",
        "Tổng cộng (10 hồ sơ),,,,,,,10",
        "Cộng:,,,3,,,,3",
        "Tổng số hồ sơ: 10,,,,10,,,",
        "Tong cong,,,10,,,,10",
        "Tổng,,,10,,,,10",
    ];
    for t in totals {
        text.push_str(t);
        text.push('\n');
    }
    let dir = folder();
    write(dir.path(), "tong.csv", &text);
    let got = stats(dir.path(), &["tong.csv"]);
    assert_figures(&got, &ds, true);
    assert_accounting(&got, &ds, totals.len() as u64);
    let run = cctthc(dir.path(), &["check", "-i", "tong.csv"]);
    let first = ds.len() + 2;
    let lines: Vec<String> = (first..first + totals.len())
        .map(|l| l.to_string())
        .collect();
    let want = format!("      {TOTAL}: dòng {}\n", lines.join(", "));
    assert!(run.stdout.contains(&want), "no '{want}' in\n{}", run.stdout);
}

/// Excel 2003's XML Spreadsheet under a `.xls` name (older .NET exports
/// write it): not HTML and not read, but named, with what to do.
#[test]
fn excel_2003_xml_is_named() {
    let dir = folder();
    let mut xml = String::from(
        "<?xml version=\"1.0\"?>\n<?mso-application progid=\"Excel.Sheet\"?>\n\
         <Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\">\n\
         <Worksheet ss:Name=\"Danh sách\"><Table>\n<Row>",
    );
    for h in HEADERS {
        xml.push_str(&format!("<Cell><Data ss:Type=\"String\">{h}</Data></Cell>"));
    }
    xml.push_str("</Row>\n");
    for h in dossiers() {
        xml.push_str("<Row>");
        for c in cells(&h) {
            xml.push_str(&format!(
                "<Cell><Data ss:Type=\"String\">{}</Data></Cell>",
                esc(&c)
            ));
        }
        xml.push_str("</Row>\n");
    }
    xml.push_str("</Table></Worksheet></Workbook>\n");
    write(dir.path(), "Excel2003.xls", &xml);
    let err = fails(
        dir.path(),
        &[
            "stats",
            "-i",
            "Excel2003.xls",
            "--month",
            "11",
            "--year",
            "2023",
        ],
        1,
    );
    assert!(err.contains("Excel2003.xls"), "{err}");
    assert!(err.contains("XML Spreadsheet"), "{err}");
    assert!(err.contains(".xlsx"), "says what to do: {err}");
    assert!(!err.contains("trống"), "not an empty file: {err}");
}
