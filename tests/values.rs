//! The config's value mappings and date formats (SPEC §1.4, §7) through the
//! real binary, and the hints given when they are missing.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

const HEADER: &str =
    "ma_ho_so,don_vi,cap,kenh,ngay_tiep_nhan,ngay_hen_tra,ngay_ket_thuc,trang_thai,so_hoa_ho_so\n";

/// The cache of dates by their first ten bytes is primed with 31/10 by the
/// first row; the third's `Z` time is 01/11 in Vietnam all the same.
const ROWS: &str = "\
HS0,UBND xã Ngọc Kỳ,,Trực tiếp,2023-10-31 08:00:00,2023-11-03,2023-10-31,Hoàn thành,Có
HS1,Tổ một cửa,Cấp cơ sở,Qua Zalo,03-11-2023 08h15,08/11/2023,,Đang xử lý,Đủ
HS2,UBND xã Ngọc Kỳ,,Trực tuyến,2023-11-01T18:30:00Z,08/11/2023,,Đang xử lý,Có
HS3,UBND xã Ngọc Kỳ,,online,2023-10-31T18:30:00Z,08/11/2023,,Đang xử lý liên thông,Không
";

const CONFIG: &str = r#"
[nhap]
dinh_dang_ngay = "%d-%m-%Y %Hh%M"
[gia_tri.kenh]
"Qua Zalo" = "truc_tuyen"
[gia_tri.so_hoa_ho_so]
"Đủ" = true
[gia_tri.cap]
"Cấp cơ sở" = "xa"
"#;

fn cctthc(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("cctthc").unwrap();
    cmd.current_dir(dir)
        .env("XDG_CONFIG_HOME", dir.join("no-config"))
        .env("NO_COLOR", "1")
        .env("CCTTHC_TODAY", "2024-01-15");
    cmd
}

fn stats(dir: &Path) -> Command {
    let mut cmd = cctthc(dir);
    cmd.args([
        "stats",
        "-i",
        "ho-so.csv",
        "--month",
        "11",
        "--year",
        "2023",
        "--format",
        "json",
    ]);
    cmd
}

#[test]
fn config_maps_values_and_adds_date_formats() {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("ho-so.csv"), format!("{HEADER}{ROWS}")).unwrap();
    fs::write(dir.path().join("cctthc.toml"), CONFIG).unwrap();
    let out = stats(dir.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let received = &v["tong"]["tiep_nhan"];
    // HS3 was received on 01/11 in Vietnam, HS0 in October.
    assert_eq!(received["trong_ky"], 3, "{received}");
    assert_eq!(received["truc_tuyen"], 3, "{received}");
    assert_eq!(v["tong"]["ty_le"]["so_hoa_dau_vao"]["tu_so"], 2, "{v}");
    let units = v["theo_don_vi"].as_array().unwrap();
    let to = units
        .iter()
        .find(|u| u["don_vi"] == "Tổ một cửa")
        .expect("Tổ một cửa");
    assert_eq!(to["cap"], "xa");
}

#[test]
fn without_the_config_each_value_says_where_to_map_it() {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("ho-so.csv"), format!("{HEADER}{ROWS}")).unwrap();
    let assert = stats(dir.path()).assert().code(3).stdout("");
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    for needle in [
        "trường 'kenh' = 'Qua Zalo'",
        "[gia_tri.kenh]",
        "trường 'cap' = 'Cấp cơ sở'",
        "[gia_tri.cap]",
        "trường 'so_hoa_ho_so' = 'Đủ'",
        "[gia_tri.so_hoa_ho_so]",
        "trường 'ngay_tiep_nhan' = '03-11-2023 08h15'",
        "[nhap] dinh_dang_ngay",
    ] {
        assert!(stderr.contains(needle), "{needle}\n{stderr}");
    }
}

#[test]
fn a_unit_without_a_level_is_given_a_block_to_paste() {
    let dir = TempDir::new().unwrap();
    let rows = "\
HS1,Tổ \"một cửa\" C:\\A,,1,01/11/2023,08/11/2023,,Đang xử lý,Có
HS2,Bộ phận một cửa xã Ngọc Kỳ,,1,01/11/2023,08/11/2023,,Đang xử lý,Có
";
    // The first name in CSV quoting.
    let rows = rows.replace("Tổ \"một cửa\" C:\\A", "\"Tổ \"\"một cửa\"\" C:\\A\"");
    fs::write(dir.path().join("ho-so.csv"), format!("{HEADER}{rows}")).unwrap();
    let assert = stats(dir.path())
        .assert()
        .code(3)
        .stderr(predicate::str::contains("[[don_vi]]\n"));
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    // Each block, from its header to the line of `cap`, is valid TOML.
    let blocks: Vec<String> = stderr
        .split("[[don_vi]]\n")
        .skip(1)
        .map(|rest| {
            let lines: Vec<&str> = rest.lines().take(2).collect();
            format!("[[don_vi]]\n{}\n", lines.join("\n"))
        })
        .collect();
    assert_eq!(blocks.len(), 2, "{stderr}");
    let parsed: Vec<toml::Table> = blocks
        .iter()
        .map(|b| toml::from_str(b).unwrap_or_else(|e| panic!("{b}\n{e}")))
        .collect();
    let unit = |t: &toml::Table| {
        t["don_vi"].as_array().unwrap()[0]
            .as_table()
            .unwrap()
            .clone()
    };
    assert_eq!(
        unit(&parsed[0])["ten"].as_str(),
        Some("Tổ \"một cửa\" C:\\A")
    );
    assert!(unit(&parsed[0]).get("cap").is_none());
    assert!(
        blocks[0].contains("# cap = \"tinh\" | \"huyen\" | \"xa\""),
        "{}",
        blocks[0]
    );
    assert_eq!(unit(&parsed[1])["cap"].as_str(), Some("xa"));
    assert!(blocks[1].contains("# đoán, cần kiểm tra"), "{}", blocks[1]);
}

#[test]
fn units_and_fields_are_in_vietnamese_alphabetical_order() {
    let dir = TempDir::new().unwrap();
    let header =
        "ma_ho_so,don_vi,linh_vuc,kenh,ngay_tiep_nhan,ngay_hen_tra,ngay_ket_thuc,trang_thai\n";
    let rows = "\
HS1,UBND xã Hà Kỳ,Hộ tịch,1,01/11/2023,08/11/2023,,Đang xử lý
HS2,UBND xã Đại Sơn,Đất đai,1,01/11/2023,08/11/2023,,Đang xử lý
HS3,UBND xã Dân Chủ,Chứng thực,1,01/11/2023,08/11/2023,,Đang xử lý
HS4,Phòng Tư pháp,Ấn phẩm,1,01/11/2023,08/11/2023,,Đang xử lý
HS5,UBND xã Ấp Bắc,Anh văn,1,01/11/2023,08/11/2023,,Đang xử lý
";
    fs::write(dir.path().join("ho-so.csv"), format!("{header}{rows}")).unwrap();
    let out = stats(dir.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let names = |key: &str, field: &str| -> Vec<String> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u[field].as_str().unwrap_or("").to_string())
            .collect()
    };
    // The district's office first (levels first), then the communes; code
    // point order would put `Đại Sơn` after `Hà Kỳ` and `Ấp` before `Dân`.
    assert_eq!(
        names("theo_don_vi", "don_vi"),
        [
            "Phòng Tư pháp",
            "UBND xã Ấp Bắc",
            "UBND xã Dân Chủ",
            "UBND xã Đại Sơn",
            "UBND xã Hà Kỳ"
        ]
    );
    assert_eq!(
        names("theo_linh_vuc", "linh_vuc"),
        ["Anh văn", "Ấn phẩm", "Chứng thực", "Đất đai", "Hộ tịch"]
    );
}
