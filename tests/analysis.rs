//! Per-unit analysis (SPEC §10) on data whose answers are known by
//! construction: four communes and two district offices over April–June
//! 2023, crossing the targets and the level's average.

use std::fmt::Write as _;
use std::fs;

use assert_cmd::Command;
use serde_json::{Value, json};
use tempfile::TempDir;

const A: &str = "UBND xã An Thanh";
const B: &str = "UBND xã Bình Lãng";
const C: &str = "UBND xã Chí Minh";
const D: &str = "UBND xã Đại Sơn";

struct Rows {
    csv: String,
    n: u32,
}

impl Rows {
    fn new() -> Rows {
        Rows {
            csv: "ma_ho_so,don_vi,kenh,ngay_tiep_nhan,ngay_hen_tra,ngay_ket_thuc,trang_thai,so_hoa_ho_so,so_hoa_ket_qua,nghia_vu_tai_chinh,thanh_toan_truc_tuyen,linh_vuc\n".into(),
            n: 0,
        }
    }

    /// `count` dossiers of `unit` received on day 5 of `month`, resolved the
    /// same day, on time; `digitised` of them digitised at intake, `fee` of
    /// them with a fee, `paid` of those paid online.
    fn month(&mut self, unit: &str, month: u32, count: u32, digitised: u32, fee: u32, paid: u32) {
        for i in 0..count {
            self.n += 1;
            let yes = |b: bool| if b { "Có" } else { "Không" };
            let _ = writeln!(
                self.csv,
                "HS{:05},{unit},Trực tuyến,05/{month:02}/2023 08:00,08/{month:02}/2023,05/{month:02}/2023 16:00,Đã trả kết quả,{},Có,{},{},Hộ tịch",
                self.n,
                yes(i < digitised),
                yes(i < fee),
                yes(i < paid),
            );
        }
    }

    fn row(&mut self, row: &str) {
        self.n += 1;
        let _ = writeln!(self.csv, "HS{:05},{row}", self.n);
    }
}

fn data() -> String {
    let mut r = Rows::new();
    // so_hoa_dau_vao: A 100% every month; B 90, 70, 80; C 50, 60, 70; D 100, 100, 90.
    for (unit, counts) in [
        (A, [10, 10, 10]),
        (B, [9, 7, 0]),
        (C, [5, 6, 7]),
        (D, [10, 10, 0]),
    ] {
        for (m, digitised) in [4, 5, 6].into_iter().zip(counts) {
            match (unit, m) {
                (B, 6) | (D, 6) => {}
                _ => r.month(unit, m, 10, digitised, 0, 0),
            }
        }
    }
    // June for B and D, with fees: B 1/110 paid (0,91%), D 5/20 (25%); B
    // digitised 80%, D 90%. A's and C's fees come in `june`.
    r.month(B, 6, 110, 88, 110, 1);
    r.month(D, 6, 20, 18, 20, 5);
    // District offices: all digitised, no fees.
    r.month("Phòng Tư pháp", 6, 5, 5, 0, 0);
    r.month("Phòng Nội vụ", 6, 5, 5, 0, 0);
    // C resolved one dossier late in June (due 10/06, ended 12/06), in the
    // field Hộ tịch; D has one still open past its due date (25/06).
    r.row(&format!("{C},Trực tuyến,01/06/2023,10/06/2023,12/06/2023,Đã trả kết quả,Không,Có,Không,Không,Hộ tịch"));
    r.row(&format!(
        "{D},Trực tuyến,20/06/2023,25/06/2023,,Đang xử lý,Có,,Có,Có,Chứng thực"
    ));
    r.csv
}

/// The report's context for June 2023.
fn report_json(csv: &str) -> Value {
    june_json("report", csv, &[], "")
}

fn stats(csv: &str, extra: &[&str], config: &str) -> Value {
    june_json("stats", csv, extra, config)
}

/// The JSON `command` prints for June 2023, from `csv` with `config`.
fn june_json(command: &str, csv: &str, extra: &[&str], config: &str) -> Value {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("ho-so.csv"), csv).unwrap();
    fs::write(dir.path().join("cctthc.toml"), config).unwrap();
    let out = Command::cargo_bin("cctthc")
        .unwrap()
        .current_dir(dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("no-config"))
        .args([
            command,
            "-i",
            "ho-so.csv",
            "--format",
            "json",
            "--month",
            "6",
            "--year",
            "2023",
        ])
        .args(extra)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

fn unit<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["theo_don_vi"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["don_vi"] == name)
        .unwrap_or_else(|| panic!("no unit {name}"))
}

/// June as constructed: A and C carry their fees on dedicated rows.
fn june() -> String {
    let mut csv = data();
    let mut r = Rows::new();
    r.n = 90_000;
    // A: 10 more June dossiers, all digitised, 10 with a fee, 5 paid: keeps
    // A at 100% and gives it 5/10 = 50%.
    r.month(A, 6, 10, 10, 10, 5);
    // C: 10 more June dossiers, 7 digitised, 10 with a fee, none paid.
    r.month(C, 6, 10, 7, 10, 0);
    csv.push_str(r.csv.split_once('\n').unwrap().1);
    csv
}

#[test]
fn level_averages_pooled_and_mean() {
    let v = stats(&june(), &[], "");
    // June, xa: digitised 20+7+7+88+18+1 (D's open row) = 141 of 10+10+...:
    // A 20/20, B 88/110, C (7+7)/(10+10+1), D (18+1)/(20+1).
    let xa = &v["theo_cap"]["xa"]["ty_le"]["so_hoa_dau_vao"];
    assert_eq!(xa["tu_so"], 20 + 88 + 14 + 19);
    assert_eq!(xa["mau_so"], 20 + 110 + 21 + 21);
    assert_eq!(v["trung_binh"]["xa"]["so_hoa_dau_vao"], xa["phan_tram"]);
    assert_eq!(v["trung_binh"]["xa"]["so_hoa_dau_vao"], "81.98");
    let mean = stats(&june(), &[], "[chi_tieu]\ntrung_binh = \"don_vi\"\n");
    // (100 + 80 + 66.666… + 90.476…) / 4 = 84.2857…
    assert_eq!(mean["trung_binh"]["xa"]["so_hoa_dau_vao"], "84.29");
    assert_eq!(v["trung_binh"]["huyen"]["so_hoa_dau_vao"], "100.00");
    assert!(v["trung_binh"].get("tinh").is_none());
}

#[test]
fn targets_met_or_not() {
    let v = stats(&june(), &[], "");
    assert_eq!(
        unit(&v, A)["dat_chi_tieu"],
        json!({"thanh_toan_truc_tuyen": true, "so_hoa_dau_vao": true, "so_hoa_dau_ra": true})
    );
    assert_eq!(unit(&v, B)["dat_chi_tieu"]["thanh_toan_truc_tuyen"], false);
    assert_eq!(unit(&v, B)["dat_chi_tieu"]["so_hoa_dau_vao"], false);
    // No fee at all: no payment ratio, so no judgement.
    assert_eq!(
        unit(&v, "Phòng Tư pháp")["dat_chi_tieu"]["thanh_toan_truc_tuyen"],
        Value::Null
    );
    // A lower target changes the answer.
    let low = stats(&june(), &[], "[chi_tieu]\nthanh_toan_truc_tuyen = 20\n");
    assert_eq!(unit(&low, D)["dat_chi_tieu"]["thanh_toan_truc_tuyen"], true);
}

#[test]
fn streaks_below_the_level_average() {
    let v = stats(&june(), &[], "");
    // so_hoa_dau_vao by month: April avg 85% (C 50 below), May 82.5% (B 70,
    // C 60 below), June 81.98% (B 80, C 66.67 below). C: 3 months, B: 2.
    assert_eq!(unit(&v, C)["chuoi_duoi_trung_binh"]["so_hoa_dau_vao"], 3);
    assert_eq!(unit(&v, B)["chuoi_duoi_trung_binh"]["so_hoa_dau_vao"], 2);
    assert_eq!(unit(&v, A)["chuoi_duoi_trung_binh"]["so_hoa_dau_vao"], 0);
    assert_eq!(unit(&v, D)["chuoi_duoi_trung_binh"]["so_hoa_dau_vao"], 0);
    assert_eq!(
        v["danh_sach"]["chuoi_duoi_trung_binh"]["so_hoa_dau_vao"],
        json!([{"don_vi": C, "so_thang": 3}])
    );
    let two = stats(&june(), &[], "[chi_tieu]\nchuoi_thang = 2\n");
    assert_eq!(
        two["danh_sach"]["chuoi_duoi_trung_binh"]["so_hoa_dau_vao"],
        json!([{"don_vi": B, "so_thang": 2}, {"don_vi": C, "so_thang": 3}])
    );
}

#[test]
fn lists_for_the_letter() {
    let v = stats(&june(), &[], "");
    let l = &v["danh_sach"];
    assert_eq!(l["so_hoa_100"], json!(["Phòng Nội vụ", "Phòng Tư pháp", A]));
    assert_eq!(l["thanh_toan_dat"], json!([A]));
    assert_eq!(l["thanh_toan_chua_dat"], json!([B, D]));
    assert_eq!(l["thanh_toan_rat_thap"], json!([B]));
    assert_eq!(l["thanh_toan_khong"], json!([C]));
    assert_eq!(l["co_qua_han"], json!([C, D]));
}

#[test]
fn overdue_dossiers_of_the_period() {
    let v = stats(&june(), &[], "");
    // The dossiers are in the report's context; stats gives figures only.
    assert!(v.get("qua_han").is_none());
    let context = report_json(&june());
    let q = context["qua_han"].as_array().unwrap();
    assert_eq!(q.len(), 2);
    assert_eq!(q[0]["don_vi"], C);
    assert_eq!(q[0]["tinh_trang"], "da_giai_quyet");
    assert_eq!(q[0]["so_ngay"], 2);
    assert_eq!(q[0]["ngay_ket_thuc"], "2023-06-12");
    assert_eq!(q[1]["don_vi"], D);
    assert_eq!(q[1]["tinh_trang"], "dang_giai_quyet");
    assert_eq!(q[1]["so_ngay"], 5);
    assert_eq!(q[1]["ngay_ket_thuc"], Value::Null);
    assert_eq!(q[1]["linh_vuc"], "Chứng thực");
    assert_eq!(
        unit(&v, D)["qua_han_theo_linh_vuc"],
        json!([{"linh_vuc": "Chứng thực", "so_ho_so": 1}])
    );
}

#[test]
fn change_since_the_month_before_and_distance_to_the_average() {
    let v = stats(&june(), &[], "");
    // C: May 60%, June 14/21 = 66.67%: up 6.67 points; 15.31 below 81.98.
    assert_eq!(unit(&v, C)["chenh_lech"]["so_hoa_dau_vao"], "6.67");
    assert_eq!(unit(&v, C)["so_voi_trung_binh"]["so_hoa_dau_vao"], "-15.31");
    assert_eq!(
        unit(&v, C)["ky_lien_truoc"]["ty_le"]["so_hoa_dau_vao"]["phan_tram"],
        "60.00"
    );
    assert_eq!(unit(&v, C)["luy_ke"]["tiep_nhan"]["trong_ky"], 41);
    assert_eq!(v["theo_thang"].as_array().unwrap().len(), 6);
    assert_eq!(
        v["theo_thang"][3]["xa"]["ty_le"]["so_hoa_dau_vao"]["phan_tram"],
        "85.00"
    );
}

#[test]
fn stats_draws_a_ratio_as_text_bars() {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("ho-so.csv"), june()).unwrap();
    let out = Command::cargo_bin("cctthc")
        .unwrap()
        .current_dir(dir.path())
        .env("COLUMNS", "80")
        .args([
            "stats",
            "-i",
            "ho-so.csv",
            "--month",
            "6",
            "--year",
            "2023",
            "--chart",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.starts_with("Tỷ lệ thanh toán trực tuyến theo đơn vị, tháng 6/2023"),
        "{text}"
    );
    let line = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} in {text}"))
    };
    assert!(line(A).ends_with("50%") && line(A).contains('█'));
    assert!(line(B).ends_with("0,91%"));
    assert!(line(C).ends_with("0%"));
    assert!(line("Phòng Tư pháp").ends_with("N/A"));
    assert!(text.contains("Chỉ tiêu 30%"));
    assert!(text.lines().all(|l| l.chars().count() <= 80));
    Command::cargo_bin("cctthc")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "stats",
            "-i",
            "ho-so.csv",
            "--month",
            "6",
            "--year",
            "2023",
            "--chart",
            "so_hoa",
        ])
        .assert()
        .code(2);
}
