//! `cctthc qua-han` (SPEC §11) through the real binary: the edges of the
//! watch, its order, its formats and its exit codes.

use std::fs;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{Value, json};
use tempfile::TempDir;

const CSV: &str = "\
ma_ho_so,don_vi,linh_vuc,ten_thu_tuc,kenh,ngay_tiep_nhan,ngay_hen_tra,ngay_ket_thuc,trang_thai
TODAY,UBND xã Ngọc Kỳ,Hộ tịch,Đăng ký khai sinh,2,20/06/2024,30/06/2024 17:00,,Đang xử lý
TOMORROW,UBND xã Ngọc Kỳ,Hộ tịch,Đăng ký kết hôn,2,20/06/2024,01/07/2024,,Đang xử lý
IN3DAYS,UBND xã Ngọc Kỳ,Hộ tịch,Đăng ký kết hôn,2,20/06/2024,03/07/2024,,Đang xử lý
LATE1,Phòng Tư pháp,Chứng thực,Chứng thực bản sao,2,01/06/2024,29/06/2024,,Đang giải quyết
LATE10,UBND xã Ngọc Kỳ,,Cấp bản sao trích lục,2,01/06/2024,20/06/2024,,Chờ xử lý
LATE10B,UBND xã Ngọc Kỳ,,Cấp bản sao trích lục,2,01/06/2024,20/06/2024,,4
RESOLVED_LATE,UBND xã Ngọc Kỳ,Hộ tịch,Đăng ký khai tử,2,01/06/2024,10/06/2024,15/06/2024,Đã trả kết quả
RESOLVED_AFTER,UBND xã Ngọc Kỳ,Hộ tịch,Đăng ký khai tử,2,01/06/2024,10/06/2024,02/07/2024,Đã trả kết quả
PAUSED,UBND xã Ngọc Kỳ,Hộ tịch,Đăng ký khai tử,2,01/06/2024,10/06/2024,,Yêu cầu bổ sung giấy tờ
FUTURE,UBND xã Ngọc Kỳ,Hộ tịch,Đăng ký khai tử,2,01/07/2024,01/07/2024,,Đang xử lý
NEW,UBND xã Ngọc Kỳ,Hộ tịch,Đăng ký khai tử,2,,,,Mới đăng ký
";

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("ho-so.csv"), CSV).unwrap();
    let out = Command::cargo_bin("cctthc")
        .unwrap()
        .current_dir(dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .env("CCTTHC_TODAY", "2024-06-30")
        .args(["qua-han", "-i", "ho-so.csv"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn the_watch_as_of_a_day() {
    let (code, out, _) = run(&["--ngay", "30/06/2024", "--format", "json"]);
    assert_eq!(code, Some(0), "a list is not a failure");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ngay"], "2024-06-30");
    let got: Vec<(String, String, i64)> = v["ho_so"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["ma_ho_so"].as_str().unwrap().to_string(),
                x["tinh_trang"].as_str().unwrap().to_string(),
                x["so_ngay"].as_i64().unwrap(),
            )
        })
        .collect();
    let want = [
        ("RESOLVED_AFTER", "qua_han", 20),
        ("LATE10", "qua_han", 10),
        ("LATE10B", "qua_han", 10),
        ("LATE1", "qua_han", 1),
        ("TODAY", "sap_den_han", 0),
        ("TOMORROW", "sap_den_han", 1),
    ];
    let want: Vec<(String, String, i64)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), *c))
        .collect();
    assert_eq!(got, want);
    let first = &v["ho_so"][3];
    assert_eq!(
        first,
        &json!({
            "ma_ho_so": "LATE1", "don_vi": "Phòng Tư pháp", "cap": "huyen", "linh_vuc": "Chứng thực",
            "ten_thu_tuc": "Chứng thực bản sao", "ngay_tiep_nhan": "2024-06-01", "ngay_hen_tra": "2024-06-29",
            "tinh_trang": "qua_han", "so_ngay": 1
        })
    );
    assert_eq!(v["ho_so"][1]["linh_vuc"], Value::Null);
}

#[test]
fn the_horizon_and_the_default_day() {
    let (_, out, _) = run(&["--trong", "3", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ngay"], "2024-06-30", "today by default");
    assert!(
        v["ho_so"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["ma_ho_so"] == "IN3DAYS")
    );
    let (_, out, _) = run(&["--trong", "0", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let soon: Vec<&Value> = v["ho_so"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["tinh_trang"] == "sap_den_han")
        .collect();
    assert_eq!(soon.len(), 1);
    assert_eq!(soon[0]["ma_ho_so"], "TODAY");
}

#[test]
fn table_groups_by_unit_and_csv_has_a_row_each() {
    let (code, out, _) = run(&["--ngay", "30/06/2024"]);
    assert_eq!(code, Some(0));
    assert!(
        out.contains("Phòng Tư pháp: 1 quá hạn, 0 sắp đến hạn"),
        "{out}"
    );
    assert!(
        out.contains("UBND xã Ngọc Kỳ: 3 quá hạn, 2 sắp đến hạn"),
        "{out}"
    );
    assert!(out.contains("quá hạn 10 ngày"), "{out}");
    assert!(out.contains("đến hạn hôm nay"), "{out}");
    let (_, out, _) = run(&["--ngay", "30/06/2024", "--format", "csv"]);
    let lines: Vec<&str> = out.lines().collect();
    // A BOM, for Excel (SPEC §5).
    assert_eq!(
        lines[0],
        "\u{feff}ma_ho_so,don_vi,cap,linh_vuc,ten_thu_tuc,ngay_tiep_nhan,ngay_hen_tra,tinh_trang,so_ngay"
    );
    assert_eq!(lines.len(), 7);
}

#[test]
fn fail_if_any_is_for_alerts() {
    let (code, _, err) = run(&["--ngay", "30/06/2024", "--fail-if-any"]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("4 hồ sơ quá hạn, 2 hồ sơ sắp đến hạn"),
        "{err}"
    );
    let (code, out, _) = run(&["--ngay", "01/01/2024", "--fail-if-any"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("Không có hồ sơ nào"));
}

#[test]
fn alias_and_output_file() {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("ho-so.csv"), CSV).unwrap();
    Command::cargo_bin("cctthc")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "overdue",
            "-i",
            "ho-so.csv",
            "--ngay",
            "2024-06-30",
            "--format",
            "csv",
            "-o",
            "qh.csv",
        ])
        .assert()
        .success()
        .stdout(predicate::str::is_empty());
    assert!(
        fs::read_to_string(dir.path().join("qh.csv"))
            .unwrap()
            .contains("LATE1,Phòng Tư pháp,huyen")
    );
}
