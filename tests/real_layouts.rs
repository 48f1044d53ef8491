//! Acceptance test of the layouts real one-stop systems export
//! (`tests/fixtures/real/`, built by `cargo run --example real_layouts`).
//!
//! One set of dossiers (`examples/real_layouts/data.rs`) is written as
//! Tân Dân's HTML "Excel" in UTF-8 and Windows-1258 and its .xlsx re-save,
//! OpenCPS's binary .xls report and its re-save, the national portal's sync
//! records as CSV, and VNPT iGate's API as a page (+0700 and UTC), NDJSON
//! and an array. For each, `cctthc stats --format json` must give the
//! figures of SPEC §4/§5 that this file works out on its own from the
//! dossiers — a plain reading of the contract, not the `cctthc` library —
//! with the figures whose column the layout lacks `null` (SPEC §1.4).

#[path = "../examples/common/mod.rs"]
mod common;

#[path = "../examples/real_layouts/biff8.rs"]
mod biff8;
#[path = "../examples/real_layouts/data.rs"]
mod data;
#[path = "../examples/real_layouts/layouts.rs"]
mod layouts;

use assert_cmd::Command;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real")
        .join(name)
}

const FROM: &str = "01/10/2023";
const TO: &str = "31/10/2023";

// ---------------------------------------------------------------- the layouts

/// How a layout gives the channel.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Channel {
    /// No channel column: the split and the online ratio are null.
    Missing,
    /// Online, direct and postal.
    Full,
    /// OpenCPS's `Trực tuyến` = true/false: online or direct (SPEC §1.3).
    OnlineFlag,
}

/// What a layout holds, as far as the figures go. None of them has a fee
/// column (`nghia_vu_tai_chinh`), a digitised-result column or a level
/// column; only the sync records say whether the papers were digitised.
#[derive(Clone, Copy, Debug)]
struct Layout {
    file: &'static str,
    channel: Channel,
    digitised_in: bool,
    /// Holds the dossiers not received (the sync records do not).
    not_received: bool,
    /// A heading row over each field's dossiers (OpenCPS).
    headings: bool,
}

const fn layout(
    file: &'static str,
    channel: Channel,
    digitised_in: bool,
    not_received: bool,
    headings: bool,
) -> Layout {
    Layout {
        file,
        channel,
        digitised_in,
        not_received,
        headings,
    }
}

const TAN_DAN_HTML: Layout = layout(
    "Danh sách hồ sơ 5_11_2023 9_7.xls",
    Channel::Missing,
    false,
    true,
    false,
);
const TAN_DAN_HTML_1258: Layout = layout(
    "Danh sách hồ sơ 5_11_2023 9_12.xls",
    Channel::Missing,
    false,
    true,
    false,
);
const TAN_DAN_XLSX: Layout = layout(
    "Danh sách hồ sơ 5_11_2023 9_7.xlsx",
    Channel::Missing,
    false,
    true,
    false,
);
const OPENCPS_XLS: Layout = layout("baocaothongke.xls", Channel::OnlineFlag, false, true, true);
const OPENCPS_XLSX: Layout = layout("baocaothongke.xlsx", Channel::OnlineFlag, false, true, true);
const DVCQG_CSV: Layout = layout(
    "DongBoHoSo_DVCQG_10_2023.csv",
    Channel::Full,
    true,
    false,
    false,
);
const IGATE_JSON: Layout = layout("igate-dossiers.json", Channel::Full, false, true, false);
const IGATE_JSON_UTC: Layout = layout("igate-dossiers-utc.json", Channel::Full, false, true, false);
const IGATE_NDJSON: Layout = layout("igate-dossiers.ndjson", Channel::Full, false, true, false);
const IGATE_ARRAY: Layout = layout(
    "igate-dossiers-array.json",
    Channel::Full,
    false,
    true,
    false,
);

const LAYOUTS: [Layout; 10] = [
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

/// The units as `theo_don_vi` must list them: by level (tỉnh, then xã),
/// then by name in Vietnamese order (SPEC §2: `UBND` before `Ủy ban`, the
/// tone of `Ủ` only breaking ties).
const UNIT_ORDER: [(&str, &str); 8] = [
    ("Sở Tư pháp tỉnh Thanh Hóa", "tinh"),
    ("Trung tâm Phục vụ hành chính công tỉnh Thanh Hóa", "tinh"),
    ("Văn phòng Đăng ký đất đai tỉnh Thanh Hóa", "tinh"),
    ("Phường Điện Biên", "xa"),
    ("Trung tâm Phục vụ hành chính công phường Hạc Thành", "xa"),
    ("UBND thị trấn Rừng Thông", "xa"),
    ("UBND xã Đông Tiến", "xa"),
    ("Ủy ban nhân dân xã Quảng Phú", "xa"),
];

// ---------------------------------------------------------------- SPEC §4

/// Status classes of SPEC §1.4, by the national portal's code.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    NotReceived,
    InProgress,
    Paused,
    Withdrawn,
    Returned,
    Resolved,
}

fn class(code: u8) -> Class {
    match code {
        1 | 3 => Class::NotReceived,
        2 | 4 => Class::InProgress,
        5 | 6 => Class::Paused,
        7 => Class::Withdrawn,
        8 => Class::Returned,
        9 | 10 => Class::Resolved,
        _ => panic!("status code {code}"),
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Via {
    Online,
    Direct,
    Postal,
}

/// A dossier as the figures see it: calendar dates.
#[derive(Clone, Debug)]
struct Row {
    unit: &'static str,
    class: Class,
    received: Option<NaiveDate>,
    due: Option<NaiveDate>,
    /// `ngay_ket_thuc`, or `ngay_tra_ket_qua` where it is empty.
    end: Option<NaiveDate>,
    via: Via,
    digitised_in: bool,
}

/// The dossiers, their dates taken in Vietnam time — or, to show what a
/// reader that takes them in UTC would get, shifted back 7 hours first.
fn rows(in_utc: bool) -> Vec<Row> {
    let day = |v: Option<NaiveDateTime>| {
        v.map(|v| {
            if in_utc {
                (v - Duration::hours(7)).date()
            } else {
                v.date()
            }
        })
    };
    data::dataset()
        .iter()
        .map(|d| Row {
            unit: data::UNITS[d.unit].ten,
            class: class(d.trang_thai),
            received: day(d.nhan),
            due: day(d.hen),
            end: day(d.ket_thuc.or(d.tra)),
            via: match d.kenh {
                data::Kenh::TrucTuyen => Via::Online,
                data::Kenh::TrucTiep => Via::Direct,
                data::Kenh::BuuChinh => Via::Postal,
            },
            digitised_in: d.so_hoa,
        })
        .collect()
}

#[derive(Default, Debug, PartialEq, Eq, Clone, Copy)]
struct Tally {
    in_period: u64,
    carried_over: u64,
    online: u64,
    direct: u64,
    postal: u64,
    digitised_in: u64,
    early: u64,
    on_time: u64,
    late: u64,
    open_in_time: u64,
    open_late: u64,
    paused: u64,
    returned: u64,
    withdrawn: u64,
}

impl Tally {
    fn total(&self) -> u64 {
        self.in_period + self.carried_over
    }
    fn resolved(&self) -> u64 {
        self.early + self.on_time + self.late
    }
    fn open(&self) -> u64 {
        self.open_in_time + self.open_late
    }
}

/// SPEC §4 for the period [s, e], the default counting rule.
fn tally<'a>(rows: impl IntoIterator<Item = &'a Row>, s: NaiveDate, e: NaiveDate) -> Tally {
    let mut t = Tally::default();
    for r in rows {
        if r.class == Class::NotReceived {
            continue;
        }
        let received = r.received.expect("a received dossier has its date");
        let ends = matches!(
            r.class,
            Class::Resolved | Class::Returned | Class::Withdrawn
        );
        let end = if ends {
            Some(r.end.expect("an ended dossier has its end"))
        } else {
            None
        };
        if received > e {
            continue;
        }
        if received >= s {
            t.in_period += 1;
            match r.via {
                Via::Online => t.online += 1,
                Via::Direct => t.direct += 1,
                Via::Postal => t.postal += 1,
            }
            t.digitised_in += u64::from(r.digitised_in);
        } else if end.is_some_and(|end| end < s) {
            continue; // ended before the period
        } else {
            t.carried_over += 1;
        }
        match end {
            Some(end) if end <= e => match r.class {
                Class::Resolved => match r.due {
                    Some(due) if end < due => t.early += 1,
                    Some(due) if end > due => t.late += 1,
                    _ => t.on_time += 1,
                },
                Class::Returned => t.returned += 1,
                Class::Withdrawn => t.withdrawn += 1,
                _ => unreachable!(),
            },
            _ if r.class == Class::Paused => t.paused += 1,
            _ => match r.due {
                Some(due) if due < e => t.open_late += 1,
                _ => t.open_in_time += 1,
            },
        }
    }
    t
}

/// `phan_tram`: exact, half away from zero, two places; null for 0/0.
fn percent(num: u64, den: u64) -> Value {
    if den == 0 {
        return Value::Null;
    }
    let hundredths = (num * 10_000 * 2 + den) / (2 * den);
    Value::String(format!("{}.{:02}", hundredths / 100, hundredths % 100))
}

fn ratio(num: u64, den: u64) -> Value {
    json!({"tu_so": num, "mau_so": den, "phan_tram": percent(num, den)})
}

/// SUMMARY (SPEC §5) of a tally, with what the layout cannot know null.
fn summary(t: &Tally, channel: Channel, digitised_in: bool) -> Value {
    let (online, direct, postal) = match channel {
        Channel::Missing => (Value::Null, Value::Null, Value::Null),
        Channel::Full => (json!(t.online), json!(t.direct), json!(t.postal)),
        Channel::OnlineFlag => (json!(t.online), json!(t.direct + t.postal), json!(0)),
    };
    json!({
        "tiep_nhan": {
            "tong": t.total(),
            "trong_ky": t.in_period,
            "truc_tuyen": online,
            "truc_tiep": direct,
            "buu_chinh": postal,
            "ky_truoc": t.carried_over,
        },
        "da_giai_quyet": {
            "tong": t.resolved(),
            "truoc_han": t.early,
            "dung_han": t.on_time,
            "qua_han": t.late,
        },
        "dang_giai_quyet": {
            "tong": t.open(),
            "trong_han": t.open_in_time,
            "qua_han": t.open_late,
        },
        "tam_dung": t.paused,
        "tra_lai": t.returned,
        "rut": t.withdrawn,
        "ty_le": {
            // No `DVC trực tuyến` column: every procedure counts as online.
            "truc_tuyen": if channel == Channel::Missing {
                Value::Null
            } else {
                ratio(t.online, t.in_period)
            },
            // No layout has a fee column (`nghia_vu_tai_chinh`): the sync
            // records' DuocThanhToanTrucTuyen alone does not say which
            // dossiers carry a fee, so the denominator is unknown.
            "thanh_toan_truc_tuyen": Value::Null,
            "so_hoa_dau_vao": if digitised_in {
                ratio(t.digitised_in, t.in_period)
            } else {
                Value::Null
            },
            "so_hoa_dau_ra": Value::Null,
            "dung_han": ratio(t.early + t.on_time, t.resolved()),
        },
    })
}

fn period() -> (NaiveDate, NaiveDate) {
    let (s, e) = data::period();
    assert_eq!(s.format("%d/%m/%Y").to_string(), FROM);
    assert_eq!(e.format("%d/%m/%Y").to_string(), TO);
    (s, e)
}

/// The figures part of the JSON (`ky`, `tong`, `theo_cap`, `theo_don_vi`).
fn figures(rows: &[Row], channel: Channel, digitised_in: bool) -> Value {
    let (s, e) = period();
    let level = |unit: &str| {
        UNIT_ORDER
            .iter()
            .find(|u| u.0 == unit)
            .unwrap_or_else(|| panic!("unit {unit} not in UNIT_ORDER"))
            .1
    };
    let of = |keep: &dyn Fn(&Row) -> bool| {
        summary(
            &tally(rows.iter().filter(|r| keep(r)), s, e),
            channel,
            digitised_in,
        )
    };
    let mut theo_cap = serde_json::Map::new();
    for cap in ["tinh", "xa"] {
        theo_cap.insert(cap.to_string(), of(&|r: &Row| level(r.unit) == cap));
    }
    let theo_don_vi: Vec<Value> = UNIT_ORDER
        .iter()
        .map(|&(unit, cap)| {
            let mut entry = serde_json::Map::new();
            entry.insert("don_vi".into(), json!(unit));
            entry.insert("cap".into(), json!(cap));
            if let Value::Object(m) = of(&|r: &Row| r.unit == unit) {
                entry.extend(m);
            }
            Value::Object(entry)
        })
        .collect();
    json!({
        "ky": {"tu_ngay": s.to_string(), "den_ngay": e.to_string()},
        "tong": of(&|_| true),
        "theo_cap": theo_cap,
        "theo_don_vi": theo_don_vi,
    })
}

/// Heading rows of the OpenCPS report: one per field.
fn fields() -> usize {
    data::dataset()
        .iter()
        .map(|d| data::PROCS[d.proc].linh_vuc)
        .collect::<BTreeSet<_>>()
        .len()
}

/// `nhap_lieu` of one layout read alone.
fn accounting(l: &Layout) -> Value {
    let all = rows(false);
    let received = all.iter().filter(|r| r.class != Class::NotReceived).count();
    let not_received = if l.not_received {
        all.len() - received
    } else {
        0
    };
    let headings = if l.headings { fields() } else { 0 };
    json!({
        "so_dong": received + not_received + headings,
        "ho_so": received,
        "trung_lap": 0,
        "chua_tiep_nhan": not_received,
        "loi": 0,
        "bo_qua": headings,
    })
}

// ---------------------------------------------------------------- comparing

/// Every place where `got` differs from `want`. Keys `want` lacks are
/// allowed (SPEC §5: more keys may be added). A `null` figure may come as
/// `null` or as a ratio whose parts are all null.
fn differences(want: &Value, got: &Value, path: &str, out: &mut Vec<String>) {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (k, wv) in w {
                let p = format!("{path}.{k}");
                match g.get(k) {
                    Some(gv) => differences(wv, gv, &p, out),
                    None => out.push(format!("{p}: missing, want {wv}")),
                }
            }
        }
        (Value::Array(w), Value::Array(g)) => {
            if w.len() != g.len() {
                out.push(format!("{path}: {} items, want {}", g.len(), w.len()));
            }
            for (i, (wv, gv)) in w.iter().zip(g).enumerate() {
                differences(wv, gv, &format!("{path}[{i}]"), out);
            }
        }
        (Value::Null, Value::Object(g)) if g.values().all(Value::is_null) => {}
        _ if want == got => {}
        _ => out.push(format!("{path}: {got}, want {want}")),
    }
}

fn assert_matches(what: &str, want: &Value, got: &Value) {
    let mut diffs = Vec::new();
    differences(want, got, "", &mut diffs);
    if let (Some(w), Some(g)) = (want.get("theo_cap"), got.get("theo_cap")) {
        let keys = |v: &Value| {
            v.as_object()
                .map(|m| m.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        };
        if keys(w) != keys(g) {
            diffs.push(format!(
                ".theo_cap: levels {:?}, want {:?}",
                keys(g),
                keys(w)
            ));
        }
    }
    if !diffs.is_empty() {
        let shown: Vec<&String> = diffs.iter().take(40).collect();
        panic!(
            "{what}: {} differences from SPEC §4/§5 worked out by hand:\n  {}{}",
            diffs.len(),
            shown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n  "),
            if diffs.len() > 40 { "\n  …" } else { "" }
        );
    }
}

// ---------------------------------------------------------------- running

/// `cctthc stats --from 01/10/2023 --to 31/10/2023 --format json -i INPUT`
/// in an empty folder, with an empty config and an empty config home.
fn stats_json(input: &Path) -> Value {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("cctthc.toml");
    std::fs::write(&config, "").expect("empty config");
    let xdg = dir.path().join("xdg");
    std::fs::create_dir(&xdg).expect("config home");
    let out = Command::new(env!("CARGO_BIN_EXE_cctthc"))
        .current_dir(dir.path())
        .env("XDG_CONFIG_HOME", &xdg)
        .env("NO_COLOR", "1")
        .args(["stats", "--from", FROM, "--to", TO, "--format", "json"])
        .arg("--config")
        .arg(&config)
        .arg("-i")
        .arg(input)
        .output()
        .expect("run cctthc");
    assert!(
        out.status.success(),
        "cctthc stats -i {} exited with {:?}\n--- stderr\n{}",
        input.display(),
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON object: {e}\n--- stdout\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn check_layout(l: Layout) {
    let got = stats_json(&fixture(l.file));
    let mut want = figures(&rows(false), l.channel, l.digitised_in);
    want["nhap_lieu"] = accounting(&l);
    assert_matches(l.file, &want, &got);
}

#[test]
fn tan_dan_html_utf8() {
    check_layout(TAN_DAN_HTML);
}

#[test]
fn tan_dan_html_windows_1258() {
    check_layout(TAN_DAN_HTML_1258);
}

#[test]
fn tan_dan_xlsx_resave() {
    check_layout(TAN_DAN_XLSX);
}

#[test]
fn opencps_binary_xls() {
    check_layout(OPENCPS_XLS);
}

#[test]
fn opencps_xlsx_resave() {
    check_layout(OPENCPS_XLSX);
}

#[test]
fn national_portal_sync_csv() {
    check_layout(DVCQG_CSV);
}

#[test]
fn igate_page_json() {
    check_layout(IGATE_JSON);
}

#[test]
fn igate_page_json_in_utc() {
    check_layout(IGATE_JSON_UTC);
}

#[test]
fn igate_ndjson() {
    check_layout(IGATE_NDJSON);
}

#[test]
fn igate_array_json() {
    check_layout(IGATE_ARRAY);
}

/// A folder holding every layout: the same codes in each, so every dossier
/// is read up to ten times and merged as a duplicate. The figures are
/// those of one layout with every figure null whose column some file lacks
/// (SPEC §1.4: the channel, which Tân Dân's exports lack, and the
/// digitised papers, which only the sync records have); the accounting
/// counts every row read.
#[test]
fn folder_of_every_layout_merges_the_duplicates() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("xuat-tu-cac-he-thong");
    std::fs::create_dir(&folder).expect("folder");
    for l in LAYOUTS {
        std::fs::copy(fixture(l.file), folder.join(l.file)).expect("copy a layout");
    }
    let got = stats_json(&folder);
    let want = figures(&rows(false), Channel::Missing, false);
    assert_matches("a folder of every layout", &want, &got);

    let n = |k: &str| {
        got["nhap_lieu"][k]
            .as_u64()
            .unwrap_or_else(|| panic!("nhap_lieu.{k} is not a count: {}", got["nhap_lieu"]))
    };
    let one: Vec<Value> = LAYOUTS.iter().map(accounting).collect();
    let sum = |k: &str| one.iter().map(|a| a[k].as_u64().unwrap()).sum::<u64>();
    let received = one[0]["ho_so"].as_u64().unwrap();
    let not_received_rows = sum("chua_tiep_nhan");
    let not_received = one[0]["chua_tiep_nhan"].as_u64().unwrap();
    assert_eq!(
        n("so_dong"),
        sum("so_dong"),
        "so_dong: every row of every file"
    );
    assert_eq!(n("ho_so"), received, "ho_so: each dossier once");
    assert_eq!(
        n("bo_qua"),
        sum("bo_qua"),
        "bo_qua: the OpenCPS headings, twice"
    );
    assert_eq!(n("loi"), 0, "loi");
    // SPEC §5 does not say whether a not-received row read again counts
    // as not received or as a duplicate; either way every row is counted.
    let chua = n("chua_tiep_nhan");
    assert!(
        chua == not_received || chua == not_received_rows,
        "chua_tiep_nhan = {chua}: want {not_received} (once each) or {not_received_rows} (every row)"
    );
    assert_eq!(
        n("trung_lap"),
        n("so_dong") - n("ho_so") - chua - n("bo_qua"),
        "trung_lap: every other row is a repeat"
    );
    assert_eq!(
        n("trung_lap"),
        sum("ho_so") - received + (not_received_rows - chua),
        "trung_lap"
    );
}

/// A control for the figures worked out here: the same dossiers as a
/// plain CSV with SPEC's field names (the level, the channel and the
/// digitised papers included), which cctthc has long read. If this fails, the expectations
/// of this file are wrong, not the readers of the real layouts.
#[test]
fn control_the_same_dossiers_as_canonical_csv() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("canonical.csv");
    let mut csv = String::from(
        "ma_ho_so,don_vi,cap,kenh,ngay_tiep_nhan,ngay_hen_tra,ngay_ket_thuc,ngay_tra_ket_qua,trang_thai,so_hoa_ho_so\n",
    );
    let date = |v: Option<NaiveDateTime>| {
        v.map(|v| v.format("%d/%m/%Y %H:%M:%S").to_string())
            .unwrap_or_default()
    };
    for d in data::dataset() {
        let kenh = match d.kenh {
            data::Kenh::TrucTuyen => "Trực tuyến",
            data::Kenh::TrucTiep => "Trực tiếp",
            data::Kenh::BuuChinh => "Bưu chính công ích",
        };
        csv.push_str(&format!(
            "{},{},{},{kenh},{},{},{},{},{},{}\n",
            d.ma,
            data::UNITS[d.unit].ten,
            data::UNITS[d.unit].cap.code(),
            date(d.nhan),
            date(d.hen),
            date(d.ket_thuc),
            date(d.tra),
            d.trang_thai,
            if d.so_hoa { "Có" } else { "Không" },
        ));
    }
    std::fs::write(&path, csv).expect("write the control CSV");
    let got = stats_json(&path);
    let mut want = figures(&rows(false), Channel::Full, true);
    let all = rows(false);
    let received = all.iter().filter(|r| r.class != Class::NotReceived).count();
    want["nhap_lieu"] = json!({
        "so_dong": all.len(),
        "ho_so": received,
        "trung_lap": 0,
        "chua_tiep_nhan": all.len() - received,
        "loi": 0,
    });
    assert_matches("the control CSV", &want, &got);
}

// ---------------------------------------------------------------- the fixtures themselves

/// The committed files are what the generator writes from the dossiers the
/// figures above are worked out of.
#[test]
fn fixtures_are_what_the_generator_writes() {
    let files = layouts::files(&data::dataset());
    let names: Vec<&str> = files.iter().map(|f| f.0).collect();
    let mine: Vec<&str> = LAYOUTS.iter().map(|l| l.file).collect();
    assert_eq!(names, mine, "the generator's files and this test's layouts");
    assert_eq!(names, layouts::FILES, "layouts::FILES");
    let mut stale = Vec::new();
    for (name, bytes) in &files {
        match std::fs::read(fixture(name)) {
            Ok(on_disk) if &on_disk == bytes => {}
            Ok(_) => stale.push(format!("{name} differs")),
            Err(e) => stale.push(format!("{name}: {e}")),
        }
    }
    assert!(
        stale.is_empty(),
        "tests/fixtures/real/ is not what `cargo run --example real_layouts` writes:\n  {}",
        stale.join("\n  ")
    );
}

/// The dossiers on the period's boundaries at night change the figures if
/// a reader takes the dates of the `Z` times in UTC: the UTC variant
/// tests the conversion to Vietnam time.
#[test]
fn utc_dates_would_give_other_figures() {
    let (s, e) = period();
    let (vn, utc) = (rows(false), rows(true));
    let changed = vn
        .iter()
        .zip(&utc)
        .filter(|(a, b)| tally([*a], s, e) != tally([*b], s, e))
        .count();
    assert!(
        changed >= 8,
        "only {changed} dossiers change buckets in UTC"
    );
    assert_ne!(
        tally(&vn, s, e),
        tally(&utc, s, e),
        "the figures of the period"
    );
}

/// Every bucket of SPEC §4 is there, at both levels.
#[test]
fn the_dossiers_cover_every_bucket() {
    let (s, e) = period();
    let all = rows(false);
    let level = |cap: &str| {
        let units: Vec<&str> = UNIT_ORDER
            .iter()
            .filter(|u| u.1 == cap)
            .map(|u| u.0)
            .collect();
        tally(all.iter().filter(|r| units.contains(&r.unit)), s, e)
    };
    for cap in ["tinh", "xa"] {
        let t = level(cap);
        let buckets = [
            ("trong_ky", t.in_period),
            ("ky_truoc", t.carried_over),
            ("truc_tuyen", t.online),
            ("truc_tiep", t.direct),
            ("buu_chinh", t.postal),
            ("truoc_han", t.early),
            ("dung_han", t.on_time),
            ("qua_han", t.late),
            ("dang_giai_quyet.trong_han", t.open_in_time),
            ("dang_giai_quyet.qua_han", t.open_late),
            ("tam_dung", t.paused),
            ("tra_lai", t.returned),
            ("rut", t.withdrawn),
        ];
        for (name, n) in buckets {
            assert!(n > 0, "{cap}: no dossier in {name}");
        }
    }
    let codes: BTreeSet<u8> = data::dataset().iter().map(|d| d.trang_thai).collect();
    assert_eq!(codes, (1..=10).collect(), "every status code");
    let units: BTreeMap<&str, usize> = all.iter().fold(BTreeMap::new(), |mut m, r| {
        *m.entry(r.unit).or_default() += 1;
        m
    });
    assert_eq!(units.len(), UNIT_ORDER.len(), "every unit has dossiers");
}

// ---------------------------------------------------------------- calamine reads the .xls

/// The hand-made BIFF8 file is a workbook calamine 0.38 (cctthc's reader)
/// reads as OpenCPS's: one sheet `report`, text cells only, every cell
/// where the model put it, the headings merged across the table.
#[test]
fn opencps_xls_reads_with_calamine() {
    use calamine::{Data, Reader, Xls, open_workbook, open_workbook_auto};
    let path = fixture(OPENCPS_XLS.file);
    let mut wb = open_workbook_auto(&path).expect("calamine opens the .xls");
    assert!(
        matches!(wb, calamine::Sheets::Xls(_)),
        "read as binary .xls"
    );
    assert_eq!(wb.sheet_names(), vec!["report".to_string()]);
    let range = wb.worksheet_range("report").expect("sheet report");
    let text = |r: u32, c: u32| match range.get_value((r, c)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => panic!("({r}, {c}) is not a text cell: {other:?}"),
    };
    assert_eq!(text(1, 0), "DANH SÁCH HỒ SƠ TIẾP NHẬN");
    let header: Vec<String> = (0..9).map(|c| text(3, c)).collect();
    assert_eq!(
        header,
        [
            "STT",
            "Mã hồ sơ",
            "Cơ quan thực hiện",
            "Tên thủ tục",
            "Tình trạng",
            "Trực tuyến",
            "Ngày tiếp nhận",
            "Ngày hẹn trả",
            "Ngày kết thúc",
        ]
    );
    let heading = text(4, 0);
    assert!(
        heading.ends_with(" ) ") && heading.contains(" ( "),
        "a heading like `Hộ tịch ( 16 ) `: {heading:?}"
    );
    assert_eq!(text(4, 1), "", "a heading has its first cell only");
    assert_eq!(text(5, 0), "1");
    assert!(matches!(text(5, 5).as_str(), "true" | "false"));
    for (r, c, cell) in range.used_cells() {
        assert!(
            matches!(cell, Data::String(_)),
            "every cell is text: ({r}, {c}) = {cell:?}"
        );
    }

    // Every cell of the model, the last ones (past the SST's first CONTINUE
    // record) included.
    let model = layouts::opencps_sheet(&data::dataset());
    assert!(model.cells.len() > 2000);
    for (r, c, v) in &model.cells {
        assert_eq!(&text(*r as u32, *c as u32), v, "cell ({r}, {c})");
    }
    let dossiers = data::dataset().len();
    let headings = fields();
    let rows = range.end().expect("cells").0 + 1;
    assert_eq!(rows as usize, 4 + headings + dossiers, "rows");

    let xls: Xls<_> = open_workbook(&path).expect("calamine opens the .xls as Xls");
    let merges = xls.merge_cells_by_sheet_name("report").expect("merges");
    let merged: BTreeSet<((u32, u32), (u32, u32))> =
        merges.iter().map(|d| (d.start, d.end)).collect();
    assert!(
        merged.contains(&((4, 0), (4, 8))),
        "the first heading merged"
    );
    assert!(merged.contains(&((1, 0), (1, 8))), "the title merged");
    assert_eq!(
        merged.len(),
        4 + headings,
        "title merges and one per heading"
    );
}

/// The re-saves keep the merged title and heading rows.
#[test]
fn xlsx_resaves_keep_the_merges() {
    use calamine::{Reader, Xlsx, open_workbook};
    let mut opencps: Xlsx<_> = open_workbook(fixture(OPENCPS_XLSX.file)).expect("opens");
    assert_eq!(opencps.sheet_names(), vec!["report".to_string()]);
    let merges = opencps.merge_cells_by_sheet_name("report").expect("merges");
    assert!(merges.iter().any(|d| d.start == (4, 0) && d.end == (4, 8)));
    assert_eq!(merges.len(), 4 + fields());

    let mut tan_dan: Xlsx<_> = open_workbook(fixture(TAN_DAN_XLSX.file)).expect("opens");
    let sheet = tan_dan.sheet_names()[0].clone();
    let merges = tan_dan.merge_cells_by_sheet_name(&sheet).expect("merges");
    let merged: BTreeSet<((u32, u32), (u32, u32))> =
        merges.iter().map(|d| (d.start, d.end)).collect();
    assert_eq!(
        merged,
        BTreeSet::from([((0, 0), (0, 8)), ((1, 0), (1, 7))]),
        "the two title rows, merged as their colspans said"
    );
    let range = tan_dan.worksheet_range(&sheet).expect("sheet");
    for (r, c, cell) in range.used_cells() {
        assert!(
            matches!(cell, calamine::Data::String(_)),
            "every cell is text: ({r}, {c}) = {cell:?}"
        );
    }
}
