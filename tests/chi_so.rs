//! `cctthc chi-so` (SPEC §12) through the real binary: each indicator and
//! the sum on a fixture worked out by hand, ranks with ties, nulls, the
//! config's rules, `--ho-so` against the fixture's own rows, the formats.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

mod skip;
use serde_json::{Value, json};
use skip::skipped;
use tempfile::TempDir;

/// One dossier of the fixture, as the test reasons about it.
#[derive(Clone)]
struct Row {
    code: String,
    unit: &'static str,
    /// `1` direct, `2` online, `3` postal.
    channel: &'static str,
    received: &'static str,
    due: &'static str,
    ended: &'static str,
    status: &'static str,
    digitised_in: bool,
    digitised_out: bool,
    fee: bool,
    paid_online: bool,
}

const AN_BINH: &str = "UBND xã An Bình";
const BINH_MINH: &str = "UBND xã Bình Minh";
const CAM_HA: &str = "UBND xã Cẩm Hà";
const TU_PHAP: &str = "Phòng Tư pháp";

fn resolved(code: String, unit: &'static str, channel: &'static str) -> Row {
    Row {
        code,
        unit,
        channel,
        received: "03/06/2024",
        due: "10/06/2024",
        ended: "05/06/2024",
        status: "Đã trả kết quả",
        digitised_in: true,
        digitised_out: true,
        fee: false,
        paid_online: false,
    }
}

/// Ten dossiers received in June, all resolved before their due date,
/// digitised both ways: 5 online, 5 direct; 4 with a fee, 2 paid online.
fn ten(unit: &'static str, prefix: &str) -> Vec<Row> {
    (0..10)
        .map(|i| {
            let mut r = resolved(
                format!("{prefix}{i:02}"),
                unit,
                if i < 5 { "2" } else { "1" },
            );
            r.fee = i % 2 == 0 && i < 8;
            r.paid_online = r.fee && i < 4;
            r
        })
        .collect()
}

/// A hundred dossiers received in June: 49 online, 51 direct; 10 resolved
/// late (due 05/06, ended 07/06), 90 early; digitised; no fee.
fn hundred() -> Vec<Row> {
    (0..100)
        .map(|i| {
            let mut r = resolved(
                format!("BM{i:03}"),
                BINH_MINH,
                if i < 49 { "2" } else { "1" },
            );
            if i >= 90 {
                r.due = "05/06/2024";
                r.ended = "07/06/2024";
            }
            r
        })
        .collect()
}

/// Phòng Tư pháp, each dossier a case of its own.
fn district() -> Vec<Row> {
    let base = resolved(String::new(), TU_PHAP, "2");
    let row = |code: &str, f: &dyn Fn(&mut Row)| {
        let mut r = base.clone();
        r.code = code.to_string();
        f(&mut r);
        r
    };
    vec![
        // Carried over from May, open past its due date at June's end.
        row("P1", &|r| {
            (r.received, r.due, r.ended, r.status) = ("20/05/2024", "25/05/2024", "", "Đang xử lý")
        }),
        // Online, resolved 2 days late, no digital result, papers not
        // digitised, a fee not paid online.
        row("P2", &|r| {
            (r.due, r.ended, r.digitised_in, r.digitised_out) =
                ("10/06/2024", "12/06/2024", false, false);
            r.fee = true;
        }),
        // Direct, resolved early, with a fee paid online.
        row("P3", &|r| {
            (r.channel, r.received, r.due, r.ended) =
                ("1", "05/06/2024", "20/06/2024", "07/06/2024");
            (r.fee, r.paid_online) = (true, true);
        }),
        // Postal, in progress within its due date.
        row("P4", &|r| {
            (r.channel, r.received, r.due, r.ended, r.status) =
                ("3", "10/06/2024", "30/06/2024", "", "Đang xử lý")
        }),
        // Online, paused, papers not digitised.
        row("P5", &|r| {
            (r.received, r.due, r.ended, r.status) =
                ("15/06/2024", "20/06/2024", "", "Yêu cầu bổ sung giấy tờ");
            r.digitised_in = false;
        }),
        // Received after June, ended before it, never received: not counted.
        row("P6", &|r| {
            (r.received, r.due, r.ended) = ("01/07/2024", "05/07/2024", "03/07/2024")
        }),
        row("P7", &|r| {
            (r.received, r.due, r.ended) = ("10/05/2024", "20/05/2024", "15/05/2024")
        }),
        row("P8", &|r| {
            (r.received, r.due, r.ended, r.status, r.digitised_in) =
                ("", "", "", "Mới đăng ký", false)
        }),
    ]
}

fn rows() -> Vec<Row> {
    let mut all = ten(AN_BINH, "AB");
    all.extend(hundred());
    all.extend(ten(CAM_HA, "CH"));
    all.extend(district());
    all
}

fn yes(b: bool) -> &'static str {
    if b { "Có" } else { "Không" }
}

/// The fixture as an export; `without` drops a column.
fn csv(rows: &[Row], without: Option<&str>) -> String {
    let columns = [
        "ma_ho_so",
        "don_vi",
        "ma_thu_tuc",
        "ten_thu_tuc",
        "kenh",
        "ngay_tiep_nhan",
        "ngay_hen_tra",
        "ngay_ket_thuc",
        "trang_thai",
        "so_hoa_ho_so",
        "so_hoa_ket_qua",
        "nghia_vu_tai_chinh",
        "thanh_toan_truc_tuyen",
    ];
    let keep: Vec<bool> = columns.iter().map(|c| Some(*c) != without).collect();
    let line = |cells: Vec<&str>| {
        let cells: Vec<&str> = cells
            .into_iter()
            .zip(&keep)
            .filter_map(|(c, k)| k.then_some(c))
            .collect();
        cells.join(",") + "\n"
    };
    let mut out = line(columns.to_vec());
    for r in rows {
        out.push_str(&line(vec![
            &r.code,
            r.unit,
            "1.000001",
            "Cấp bản sao trích lục",
            r.channel,
            r.received,
            r.due,
            r.ended,
            r.status,
            yes(r.digitised_in),
            yes(r.digitised_out),
            yes(r.fee),
            yes(r.paid_online),
        ]));
    }
    out
}

struct Run {
    code: Option<i32>,
    out: String,
    err: String,
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::cargo_bin("cctthc")
        .unwrap()
        .current_dir(dir)
        .env("XDG_CONFIG_HOME", dir)
        .env("CCTTHC_TODAY", "2024-07-15")
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code(),
        out: String::from_utf8(out.stdout).unwrap(),
        err: String::from_utf8(out.stderr).unwrap(),
    }
}

/// `cctthc chi-so --month 6 --year 2024 ARGS` on `text`, with `config`.
fn chi_so(text: &str, config: &str, args: &[&str]) -> Run {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("ho-so.csv"), text).unwrap();
    fs::write(dir.path().join("cctthc.toml"), config).unwrap();
    let mut all = vec![
        "chi-so",
        "-i",
        "ho-so.csv",
        "--month",
        "6",
        "--year",
        "2024",
    ];
    all.extend(args);
    run_in(dir.path(), &all)
}

fn json_of(config: &str, without: Option<&str>) -> Value {
    let r = chi_so(&csv(&rows(), without), config, &["--format", "json"]);
    assert_eq!(r.code, Some(0), "{}", r.err);
    serde_json::from_str(&r.out).unwrap()
}

fn unit<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["chi_so_766"]["theo_don_vi"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["don_vi"] == name)
        .unwrap_or_else(|| panic!("no {name}"))
}

fn indicator(tu: u64, mau: u64, phan_tram: &str, diem: &str, max: u32) -> Value {
    json!({"tu_so": tu, "mau_so": mau, "phan_tram": phan_tram, "diem": diem, "diem_toi_da": max})
}

#[test]
fn each_indicator_and_the_sum_worked_by_hand() {
    let v = json_of("", None);
    // An Bình: 10/10 on time; 5/10 online = 50% → full 6; 2/4 paid → 3.
    let ab = unit(&v, AN_BINH);
    assert_eq!(ab["cap"], "xa");
    assert_eq!(
        ab["chi_so"]["tien_do"],
        indicator(10, 10, "100.00", "20.00", 20)
    );
    assert_eq!(
        ab["chi_so"]["truc_tuyen"],
        indicator(5, 10, "50.00", "6.00", 6)
    );
    assert_eq!(
        ab["chi_so"]["thanh_toan"],
        indicator(2, 4, "50.00", "3.00", 6)
    );
    assert_eq!(
        ab["chi_so"]["ket_qua_dien_tu"],
        indicator(10, 10, "100.00", "6.00", 6)
    );
    assert_eq!(
        ab["chi_so"]["so_hoa"],
        indicator(10, 10, "100.00", "4.00", 4)
    );
    assert_eq!(
        ab["chi_so"]["hai_long"],
        indicator(10, 10, "100.00", "6.00", 6)
    );
    assert_eq!(
        (&ab["diem"], &ab["diem_toi_da"]),
        (&json!("45.00"), &json!(48))
    );
    // Bình Minh: 49/100 online → 6 × 49/50 = 5.88; 90/100 on time → 18
    // and hai_long at 90% exactly → 6; no fee at all → null, out of the
    // maximum: 18 + 5.88 + 6 + 4 + 6 = 39.88 of 42.
    let bm = unit(&v, BINH_MINH);
    assert_eq!(
        bm["chi_so"]["truc_tuyen"],
        indicator(49, 100, "49.00", "5.88", 6)
    );
    assert_eq!(
        bm["chi_so"]["tien_do"],
        indicator(90, 100, "90.00", "18.00", 20)
    );
    assert_eq!(
        bm["chi_so"]["hai_long"],
        indicator(90, 100, "90.00", "6.00", 6)
    );
    assert_eq!(
        bm["chi_so"]["thanh_toan"],
        json!({"tu_so": 0, "mau_so": 0, "phan_tram": null, "diem": null, "diem_toi_da": 6})
    );
    assert_eq!(
        (&bm["diem"], &bm["diem_toi_da"]),
        (&json!("39.88"), &json!(42))
    );
    // Phòng Tư pháp: 5 counted (P1 carried, P2–P5), 2 late (P1 open, P2
    // resolved late) → 3/5: tien_do 12, hai_long 6 × 60/90 = 4; online
    // 2/4 (P2, P5) → 6; fee 1/2 → 3; digital result 1/2 (P3 of P2, P3) →
    // 3; digitised 2/4 (P3, P4) → 2. Sum 30.
    let tp = unit(&v, TU_PHAP);
    assert_eq!(tp["cap"], "huyen");
    assert_eq!(
        tp["chi_so"]["tien_do"],
        indicator(3, 5, "60.00", "12.00", 20)
    );
    assert_eq!(
        tp["chi_so"]["hai_long"],
        indicator(3, 5, "60.00", "4.00", 6)
    );
    assert_eq!(
        tp["chi_so"]["truc_tuyen"],
        indicator(2, 4, "50.00", "6.00", 6)
    );
    assert_eq!(
        tp["chi_so"]["thanh_toan"],
        indicator(1, 2, "50.00", "3.00", 6)
    );
    assert_eq!(
        tp["chi_so"]["ket_qua_dien_tu"],
        indicator(1, 2, "50.00", "3.00", 6)
    );
    assert_eq!(tp["chi_so"]["so_hoa"], indicator(2, 4, "50.00", "2.00", 4));
    assert_eq!(
        (&tp["diem"], &tp["diem_toi_da"]),
        (&json!("30.00"), &json!(48))
    );
    assert_eq!(tp["xep_hang"], 1);
}

#[test]
fn the_total_and_the_levels_worked_by_hand() {
    let v = json_of("", None);
    let tong = &v["chi_so_766"]["tong"];
    // 125 counted, 12 late → 113/125 = 90.4%: 20 × 0.904 = 18.08, and
    // hai_long at or above 90% → 6. Online 61/124 → 6 × 61/62 = 5.903…
    // Fee 5/10 → 3. Results 121/122 → 5.950… Digitised 122/124 → 3.935…
    assert_eq!(
        tong["chi_so"]["tien_do"],
        indicator(113, 125, "90.40", "18.08", 20)
    );
    assert_eq!(
        tong["chi_so"]["truc_tuyen"],
        indicator(61, 124, "49.19", "5.90", 6)
    );
    assert_eq!(
        tong["chi_so"]["thanh_toan"],
        indicator(5, 10, "50.00", "3.00", 6)
    );
    assert_eq!(
        tong["chi_so"]["ket_qua_dien_tu"],
        indicator(121, 122, "99.18", "5.95", 6)
    );
    assert_eq!(
        tong["chi_so"]["so_hoa"],
        indicator(122, 124, "98.39", "3.94", 4)
    );
    assert_eq!(
        tong["chi_so"]["hai_long"],
        indicator(113, 125, "90.40", "6.00", 6)
    );
    // The sum of the rounded points: 18.08 + 5.90 + 3 + 5.95 + 3.94 + 6.
    assert_eq!(
        (&tong["diem"], &tong["diem_toi_da"]),
        (&json!("42.87"), &json!(48))
    );
    // Communes: 110/120 → 18.33; online 59/120 → 5.90; fee 4/8 → 3.
    let xa = &v["chi_so_766"]["theo_cap"]["xa"];
    assert_eq!(xa["chi_so"]["tien_do"]["diem"], "18.33");
    assert_eq!(xa["chi_so"]["truc_tuyen"]["diem"], "5.90");
    assert_eq!(
        (&xa["diem"], &xa["diem_toi_da"]),
        (&json!("43.23"), &json!(48))
    );
    let cap: Vec<&String> = v["chi_so_766"]["theo_cap"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(cap, ["huyen", "xa"]);
    assert_eq!(v["chi_so_766"]["theo_cap"]["huyen"], {
        let mut tp = unit(&v, TU_PHAP).clone();
        let o = tp.as_object_mut().unwrap();
        for k in ["don_vi", "cap", "xep_hang"] {
            o.remove(k);
        }
        tp
    });
    let rest: u64 = v["khong_tinh_duoc"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["diem"].as_u64().unwrap())
        .sum();
    assert_eq!(rest, 52);
}

#[test]
fn units_are_ranked_within_their_level_and_ties_share_a_rank() {
    let v = json_of("", None);
    let units: Vec<(String, Value)> = v["chi_so_766"]["theo_don_vi"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["don_vi"].as_str().unwrap().to_string(),
                u["xep_hang"].clone(),
            )
        })
        .collect();
    // Sorted by level then name, as every list; ranks by points: An Bình
    // and Cẩm Hà 45 share 1, Bình Minh 39.88 is 3.
    let want = [(TU_PHAP, 1), (AN_BINH, 1), (BINH_MINH, 3), (CAM_HA, 1)];
    let want: Vec<(String, Value)> = want
        .iter()
        .map(|(n, r)| (n.to_string(), json!(r)))
        .collect();
    assert_eq!(units, want);
    // The table lists them ranked, labelled as an estimate.
    let r = chi_so(&csv(&rows(), None), "", &[]);
    assert_eq!(r.code, Some(0), "{}", r.err);
    assert!(
        r.out.starts_with("Chỉ số 766 ước tính tháng 6 năm 2024"),
        "{}",
        r.out
    );
    let at = |s: &str| r.out.find(s).unwrap_or_else(|| panic!("{s}:\n{}", r.out));
    assert!(at(&format!("1. {AN_BINH}")) < at(&format!("1. {CAM_HA}")));
    assert!(at(&format!("1. {CAM_HA}")) < at(&format!("3. {BINH_MINH}")));
    assert!(r.out.contains("39,88/42"), "{}", r.out);
    assert!(r.out.contains(" 5,88 "), "{}", r.out);
    assert!(
        r.out.contains("Không tính được từ dữ liệu xuất (52 điểm)"),
        "{}",
        r.out
    );
    assert!(!r.out.contains('\x1b'), "no colour off a terminal");
    let lines: Vec<&str> = r.out.lines().collect();
    let total = lines
        .iter()
        .position(|l| l.starts_with("Tổng cộng"))
        .unwrap();
    assert!(lines[total].ends_with("42,87"), "{}", lines[total]);
    assert!(lines[total + 1].contains("49,19%"), "{}", lines[total + 1]);
}

#[test]
fn a_missing_column_makes_its_indicator_null_and_out_of_the_maximum() {
    let v = json_of("", Some("so_hoa_ket_qua"));
    let tong = &v["chi_so_766"]["tong"];
    assert_eq!(
        tong["chi_so"]["ket_qua_dien_tu"],
        json!({"tu_so": null, "mau_so": null, "phan_tram": null, "diem": null, "diem_toi_da": 6})
    );
    // 42.87 − 5.95.
    assert_eq!(
        (&tong["diem"], &tong["diem_toi_da"]),
        (&json!("36.92"), &json!(42))
    );
    let r = chi_so(&csv(&rows(), Some("so_hoa_ket_qua")), "", &[]);
    assert!(r.out.contains("N/A"), "{}", r.out);
    let r = chi_so(
        &csv(&rows(), Some("so_hoa_ket_qua")),
        "",
        &["--ho-so", "ket_qua_dien_tu", "--format", "json"],
    );
    assert_eq!(r.code, Some(0));
    assert!(r.err.contains("so_hoa_ket_qua"), "{}", r.err);
    let v: Value = serde_json::from_str(&r.out).unwrap();
    assert_eq!(v["ho_so"], json!([]));
}

#[test]
fn config_changes_points_thresholds_and_leaves_out() {
    let v = json_of("[chi_so_766.truc_tuyen]\nnguong = 40\ndiem = 8\n", None);
    // 50% and 49% are both at or above 40%: full 8 points.
    let ab = unit(&v, AN_BINH);
    assert_eq!(
        ab["chi_so"]["truc_tuyen"],
        indicator(5, 10, "50.00", "8.00", 8)
    );
    assert_eq!(
        (&ab["diem"], &ab["diem_toi_da"]),
        (&json!("47.00"), &json!(50))
    );
    let bm = unit(&v, BINH_MINH);
    assert_eq!(bm["chi_so"]["truc_tuyen"]["diem"], "8.00");
    assert_eq!(v["chi_so_766"]["tong"]["diem_toi_da"], 50);
    // Phòng Tư pháp 2/4 = 50% of a 70% threshold: 8 × 5/7 = 5.714…
    let v = json_of("[chi_so_766.truc_tuyen]\nnguong = 70\ndiem = 8\n", None);
    assert_eq!(unit(&v, TU_PHAP)["chi_so"]["truc_tuyen"]["diem"], "5.71");
    let v = json_of("[chi_so_766.truc_tuyen]\nbo_qua = true\n", None);
    let ab = unit(&v, AN_BINH);
    assert!(ab["chi_so"].get("truc_tuyen").is_none(), "{ab}");
    assert_eq!(
        (&ab["diem"], &ab["diem_toi_da"]),
        (&json!("39.00"), &json!(42))
    );
    let r = chi_so(
        &csv(&rows(), None),
        "[chi_so_766.truc_tuyen]\nbo_qua = true\n",
        &["--format", "csv"],
    );
    assert!(!r.out.contains("truc_tuyen."), "{}", r.out);
    // stats --format json carries the same object.
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("ho-so.csv"), csv(&rows(), None)).unwrap();
    fs::write(
        dir.path().join("cctthc.toml"),
        "[chi_so_766.truc_tuyen]\nbo_qua = true\n",
    )
    .unwrap();
    let s = run_in(
        dir.path(),
        &[
            "stats",
            "-i",
            "ho-so.csv",
            "--month",
            "6",
            "--year",
            "2024",
            "--format",
            "json",
        ],
    );
    let s: Value = serde_json::from_str(&s.out).unwrap();
    assert_eq!(s["chi_so_766"], v["chi_so_766"]);
}

#[test]
fn an_unknown_key_is_an_error() {
    let r = chi_so(
        &csv(&rows(), None),
        "[chi_so_766.truc_tuyenn]\ndiem = 8\n",
        &[],
    );
    assert_eq!(r.code, Some(2), "{}", r.err);
    assert!(r.err.contains("truc_tuyenn"), "{}", r.err);
    let r = chi_so(
        &csv(&rows(), None),
        "[chi_so_766.hai_long]\nnguong = 0\n",
        &[],
    );
    assert_eq!(r.code, Some(2), "{}", r.err);
    assert!(
        r.err.contains("[chi_so_766.hai_long] nguong = 0"),
        "{}",
        r.err
    );
    let r = chi_so(&csv(&rows(), None), "", &["--ho-so", "dung_han"]);
    assert_eq!(r.code, Some(2), "{}", r.err);
    for k in [
        "dung_han",
        "tien_do",
        "truc_tuyen",
        "thanh_toan",
        "ket_qua_dien_tu",
        "so_hoa",
        "hai_long",
    ] {
        assert!(r.err.contains(k), "{}", r.err);
    }
    assert!(r.out.is_empty());
}

/// The codes `chi-so --ho-so KEY --format json` lists.
fn listed(key: &str) -> Vec<String> {
    let r = chi_so(
        &csv(&rows(), None),
        "",
        &["--ho-so", key, "--format", "json"],
    );
    assert_eq!(r.code, Some(0), "{}", r.err);
    let v: Value = serde_json::from_str(&r.out).unwrap();
    assert_eq!(v["chi_so"], key);
    assert_eq!(
        v["ky"],
        json!({"tu_ngay": "2024-06-01", "den_ngay": "2024-06-30"})
    );
    let mut codes: Vec<String> = v["ho_so"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["ma_ho_so"].as_str().unwrap().to_string())
        .collect();
    codes.sort();
    codes
}

/// The codes of the fixture's rows that `pick` selects, worked out from
/// the rows as the test wrote them: dates compared as text of June 2024.
fn expected(pick: impl Fn(&Row) -> bool) -> Vec<String> {
    let mut codes: Vec<String> = rows()
        .into_iter()
        .filter(|r| pick(r))
        .map(|r| r.code)
        .collect();
    codes.sort();
    codes
}

/// `dd/mm/yyyy` as (yyyy, mm, dd), so days compare in order.
fn day(text: &str) -> Option<(u32, u32, u32)> {
    if text.is_empty() {
        return None;
    }
    let mut parts = text.split('/').map(|p| p.parse::<u32>().unwrap());
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    Some((y, m, d))
}

const JUNE_START: (u32, u32, u32) = (2024, 6, 1);
const JUNE_END: (u32, u32, u32) = (2024, 6, 30);

/// Received in June 2024 (the fixture's dates are all 2024).
fn in_june(date: &str) -> bool {
    date.ends_with("/06/2024")
}

#[test]
fn ho_so_lists_the_dossiers_that_cost_each_indicator() {
    // Late in June, from the rows' dates: counted in June (received by
    // its end, not ended before it), then resolved in June after the due
    // date, or not ended by June 30 (and not paused) with a due date
    // before it: Bình Minh's ten, P1 and P2.
    let late = expected(|r| {
        let (received, due, ended) = (day(r.received), day(r.due), day(r.ended));
        let counted = received.is_some_and(|d| d <= JUNE_END)
            && ended.is_none_or(|e| e >= JUNE_START)
            && r.status != "Mới đăng ký";
        let open = ended.is_none_or(|e| e > JUNE_END);
        counted
            && match (open, due) {
                (false, Some(due)) => ended.is_some_and(|e| e > due),
                (true, Some(due)) => r.status != "Yêu cầu bổ sung giấy tờ" && due < JUNE_END,
                (_, None) => false,
            }
    });
    assert_eq!(late.len(), 12);
    assert_eq!(listed("tien_do"), late);
    assert_eq!(listed("hai_long"), late);
    let counted = |r: &Row| in_june(r.received) && r.status != "Mới đăng ký";
    assert_eq!(
        listed("truc_tuyen"),
        expected(|r| counted(r) && r.channel != "2")
    );
    assert_eq!(
        listed("thanh_toan"),
        expected(|r| counted(r) && r.fee && !r.paid_online)
    );
    assert_eq!(
        listed("so_hoa"),
        expected(|r| counted(r) && !r.digitised_in)
    );
    assert_eq!(
        listed("ket_qua_dien_tu"),
        expected(|r| in_june(r.ended) && r.status == "Đã trả kết quả" && !r.digitised_out)
    );
    assert_eq!(listed("so_hoa"), ["P2", "P5"]);
}

#[test]
fn ho_so_tien_do_is_the_reports_late_list() {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("ho-so.csv"), csv(&rows(), None)).unwrap();
    let r = run_in(
        dir.path(),
        &[
            "report",
            "-i",
            "ho-so.csv",
            "--month",
            "6",
            "--year",
            "2024",
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.err);
    let v: Value = serde_json::from_str(&r.out).unwrap();
    let mut late: Vec<String> = v["qua_han"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["ma_ho_so"].as_str().unwrap().to_string())
        .collect();
    late.sort();
    assert_eq!(listed("tien_do"), late);
    // The context carries the same index as chi-so.
    assert_eq!(v["chi_so_766"], json_of("", None)["chi_so_766"]);
}

#[test]
fn ho_so_as_a_table_and_as_csv() {
    let text = csv(&rows(), None);
    let r = chi_so(&text, "", &["--ho-so", "tien_do"]);
    assert_eq!(r.code, Some(0), "{}", r.err);
    assert!(
        r.out.starts_with("Hồ sơ làm giảm điểm chỉ số \"Tiến độ\""),
        "{}",
        r.out
    );
    assert!(
        r.out
            .contains("Phòng Tư pháp: 2 hồ sơ; chỉ số đạt 12/20 điểm (60%)"),
        "{}",
        r.out
    );
    assert!(r.out.contains("giải quyết quá hạn 2 ngày"), "{}", r.out);
    assert!(r.out.contains("quá hạn 36 ngày, chưa xong"), "{}", r.out);
    assert!(r.out.contains("Tổng: 12 hồ sơ."), "{}", r.out);
    let r = chi_so(&text, "", &["--ho-so", "thanh_toan", "--format", "csv"]);
    assert!(r.out.starts_with("\u{feff}ma_ho_so,don_vi,cap,linh_vuc,ma_thu_tuc,ten_thu_tuc,ngay_tiep_nhan,ngay_hen_tra,ngay_ket_thuc,chi_so,ly_do,so_ngay\n"), "{}", r.out);
    assert!(
        r.out.contains("P2,Phòng Tư pháp,huyen,,1.000001,Cấp bản sao trích lục,2024-06-03,2024-06-10,2024-06-12,thanh_toan,không thanh toán trực tuyến,\n"),
        "{}",
        r.out
    );
    assert_eq!(r.out.lines().count(), 1 + 5);
}

#[test]
fn csv_by_unit_and_by_level_and_own_outputs_are_not_read_back() {
    let dir = TempDir::new().unwrap();
    let data = dir.path().join("du-lieu");
    fs::create_dir(&data).unwrap();
    fs::write(data.join("ho-so.csv"), csv(&rows(), None)).unwrap();
    let period = ["--month", "6", "--year", "2024"];
    let mut args = vec!["chi-so", "-i", "du-lieu"];
    args.extend(period);
    args.extend(["--format", "csv", "-o", "du-lieu/chi-so.csv"]);
    assert_eq!(run_in(dir.path(), &args).code, Some(0));
    let written = fs::read_to_string(data.join("chi-so.csv")).unwrap();
    let mut lines = written.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("\u{feff}don_vi,cap,xep_hang,tien_do.tu_so,tien_do.mau_so,tien_do.phan_tram,tien_do.diem,tien_do.diem_toi_da,truc_tuyen.tu_so"), "{header}");
    assert!(header.ends_with(",diem,diem_toi_da"), "{header}");
    let first: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        &first[..8],
        [
            "Phòng Tư pháp",
            "huyen",
            "1",
            "3",
            "5",
            "60.00",
            "12.00",
            "20"
        ]
    );
    assert_eq!(&first[first.len() - 2..], ["30.00", "48"]);
    let names: Vec<&str> = written
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(
        names,
        [TU_PHAP, AN_BINH, CAM_HA, BINH_MINH],
        "ranked within each level"
    );
    // Another run on the folder passes over what chi-so wrote there.
    let mut args = vec!["chi-so", "-i", "du-lieu"];
    args.extend(period);
    args.extend(["--by", "cap", "--format", "csv"]);
    let r = run_in(dir.path(), &args);
    assert_eq!(r.code, Some(0), "{}", r.err);
    assert!(r.err.contains("chi-so.csv"), "{}", r.err);
    let rows: Vec<&str> = r.out.lines().collect();
    assert!(
        rows[0].starts_with("\u{feff}cap,tien_do.tu_so"),
        "{}",
        rows[0]
    );
    assert!(
        rows[1].starts_with("huyen,3,5,") && rows[2].starts_with("xa,110,120,"),
        "{}",
        r.out
    );
    assert_eq!(rows.len(), 3);
}

/// The screen of `cctthc ARGS` run on a terminal (`script`), with
/// `NO_COLOR` set or not; `None` without `script`.
fn on_a_terminal(dir: &Path, args: &[&str], no_colour: bool) -> Option<String> {
    let line = std::iter::once(
        assert_cmd::cargo::cargo_bin("cctthc")
            .to_string_lossy()
            .into_owned(),
    )
    .chain(args.iter().map(|a| a.to_string()))
    .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
    .collect::<Vec<_>>()
    .join(" ");
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-q", "-e", "-c", &line, "/dev/null"])
        .current_dir(dir)
        .env("XDG_CONFIG_HOME", dir.join("no-config"))
        .env("CCTTHC_TODAY", "2024-07-15")
        .env("TERM", "xterm")
        .env("COLUMNS", "200")
        .stdin(std::process::Stdio::null());
    if no_colour {
        cmd.env("NO_COLOR", "1");
    } else {
        cmd.env_remove("NO_COLOR");
    }
    let out = cmd.output().ok()?;
    if !out.status.success() && out.stdout.is_empty() {
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn lost_points_are_red_on_a_terminal_only_and_never_with_no_color() {
    let dir = TempDir::new().unwrap();
    // A unit whose name carries escape sequences: shown, never obeyed.
    let mut all = rows();
    for r in all.iter_mut().filter(|r| r.unit == CAM_HA) {
        r.unit = "UBND xã \u{1b}[32mXanh\u{1b}[2J";
    }
    fs::write(dir.path().join("ho-so.csv"), csv(&all, None)).unwrap();
    let args = [
        "chi-so",
        "-i",
        "ho-so.csv",
        "--month",
        "6",
        "--year",
        "2024",
    ];
    let Some(screen) = on_a_terminal(dir.path(), &args, false) else {
        skipped("a terminal for chi-so: no `script` command (util-linux) here");
        return;
    };
    // Bình Minh's 5,88 of 6 is red, its hai_long 6 of 6 is not.
    assert!(screen.contains("\u{1b}[31m  5,88\u{1b}[0m"), "{screen:?}");
    assert!(screen.contains("Điểm bị trừ tô màu đỏ"), "{screen}");
    assert!(screen.contains("\\x1b[32mXanh\\x1b[2J"), "{screen}");
    assert!(
        !screen.contains("\u{1b}[32m") && !screen.contains("\u{1b}[2J"),
        "{screen:?}"
    );
    let plain = on_a_terminal(dir.path(), &args, true).unwrap_or_default();
    assert!(!plain.contains('\u{1b}'), "NO_COLOR: {plain:?}");
    assert!(plain.contains("\\x1b[32mXanh"), "{plain}");
    assert!(!plain.contains("tô màu"), "{plain}");
    // Into a file, never painted.
    let r = run_in(dir.path(), &args);
    assert!(
        !r.out.contains('\u{1b}') || r.out.contains("Xanh"),
        "{}",
        r.out
    );
    assert!(!r.out.contains("\u{1b}[31m"), "{:?}", r.out);
}
