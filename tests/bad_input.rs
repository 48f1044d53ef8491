//! Each kind of bad input of SPEC §9 through the real binary: the message
//! names file, line, field and value, and the exit code is the contract's.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

const HEADER: &str =
    "ma_ho_so,don_vi,kenh,ngay_tiep_nhan,ngay_hen_tra,ngay_ket_thuc,trang_thai,so_hoa_ho_so\n";
const GOOD: &str =
    "HS0,UBND xã Ngọc Kỳ,Trực tuyến,01/11/2023,05/11/2023,04/11/2023,Hoàn thành,Có\n";

fn cctthc(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("cctthc").unwrap();
    cmd.current_dir(dir)
        .env("XDG_CONFIG_HOME", dir.join("no-config"))
        .env("NO_COLOR", "1")
        .env("CCTTHC_TODAY", "2024-01-15");
    cmd
}

fn write(dir: &TempDir, name: &str, body: &str) -> PathBuf {
    let p = dir.path().join(name);
    fs::write(&p, body).unwrap();
    p
}

/// A file with one good row then `row`, which must fail with `needle`.
fn rejects(row: &str, line_needle: &str, needles: &[&str]) {
    let dir = TempDir::new().unwrap();
    write(&dir, "ho-so.csv", &format!("{HEADER}{GOOD}{row}\n"));
    let mut assert = cctthc(dir.path())
        .args([
            "stats",
            "-i",
            "ho-so.csv",
            "--month",
            "11",
            "--year",
            "2023",
        ])
        .assert()
        .code(3)
        .stdout("")
        .stderr(predicate::str::contains(line_needle));
    for n in needles {
        assert = assert.stderr(predicate::str::contains(*n));
    }
}

#[test]
fn missing_required_value() {
    rejects(
        ",UBND xã Ngọc Kỳ,1,01/11/2023,05/11/2023,,Đang xử lý,Có",
        "ho-so.csv:3: trường 'ma_ho_so' = ''",
        &["thiếu mã hồ sơ"],
    );
    rejects(
        "HS1,UBND xã Ngọc Kỳ,1,,05/11/2023,,Đang xử lý,Có",
        "ho-so.csv:3: trường 'ngay_tiep_nhan' = ''",
        &["thiếu ngày tiếp nhận"],
    );
    rejects(
        "HS1,,1,01/11/2023,05/11/2023,,Đang xử lý,Có",
        "ho-so.csv:3: trường 'don_vi' = ''",
        &["thiếu đơn vị"],
    );
}

#[test]
fn unreadable_date() {
    rejects(
        "HS1,UBND xã Ngọc Kỳ,1,31/02/2023,05/11/2023,,Đang xử lý,Có",
        "ho-so.csv:3: trường 'ngay_tiep_nhan' = '31/02/2023'",
        &["không đọc được ngày"],
    );
    rejects(
        "HS1,UBND xã Ngọc Kỳ,1,01/11/2023,hôm qua,,Đang xử lý,Có",
        "ho-so.csv:3: trường 'ngay_hen_tra' = 'hôm qua'",
        &[],
    );
}

#[test]
fn end_before_receipt() {
    rejects(
        "HS1,UBND xã Ngọc Kỳ,1,05/11/2023,08/11/2023,04/11/2023,Hoàn thành,Có",
        "ho-so.csv:3: trường 'ngay_ket_thuc' = '04/11/2023'",
        &["ngày kết thúc trước ngày tiếp nhận"],
    );
}

#[test]
fn ended_without_end_date() {
    rejects(
        "HS1,UBND xã Ngọc Kỳ,1,05/11/2023,08/11/2023,,Đã trả kết quả,Có",
        "ho-so.csv:3: trường 'ngay_ket_thuc' = ''",
        &["Đã trả kết quả"],
    );
}

#[test]
fn unknown_status_channel_level_and_yes_no() {
    rejects(
        "HS1,UBND xã Ngọc Kỳ,1,05/11/2023,08/11/2023,,Lưu nháp,Có",
        "ho-so.csv:3: trường 'trang_thai' = 'Lưu nháp'",
        &["[trang_thai]"],
    );
    rejects(
        "HS1,UBND xã Ngọc Kỳ,fax,05/11/2023,08/11/2023,,Đang xử lý,Có",
        "ho-so.csv:3: trường 'kenh' = 'fax'",
        &["kênh không rõ"],
    );
    rejects(
        "HS1,Tổ một cửa,1,05/11/2023,08/11/2023,,Đang xử lý,Có",
        "ho-so.csv:3: trường 'don_vi' = 'Tổ một cửa'",
        &["[[don_vi]]", "cap"],
    );
    rejects(
        "HS1,UBND xã Ngọc Kỳ,1,05/11/2023,08/11/2023,,Đang xử lý,có lẽ",
        "ho-so.csv:3: trường 'so_hoa_ho_so' = 'có lẽ'",
        &[],
    );
}

#[test]
fn wrong_number_of_fields() {
    rejects("HS1,UBND xã Ngọc Kỳ,1", "ho-so.csv:3:", &["3 ô", "8 cột"]);
}

#[test]
fn every_fault_of_a_row_is_listed_and_more_than_twenty_are_counted() {
    let dir = TempDir::new().unwrap();
    let mut body = String::from(HEADER);
    for i in 0..30 {
        body.push_str(&format!(
            "HS{i},UBND xã Ngọc Kỳ,fax,31/02/2023,05/11/2023,,Đang xử lý,Có\n"
        ));
    }
    write(&dir, "x.csv", &body);
    let out = cctthc(dir.path())
        .args(["stats", "-i", "x.csv", "--month", "11", "--year", "2023"])
        .assert()
        .code(3)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    let listed = err.lines().filter(|l| l.starts_with("x.csv:")).count();
    assert_eq!(listed, 20, "{err}");
    assert!(err.contains("x.csv:2: trường 'ngay_tiep_nhan'"), "{err}");
    assert!(err.contains("x.csv:2: trường 'kenh'"), "{err}");
    assert!(err.contains("ngày không đọc được: 30"), "{err}");
    assert!(err.contains("kênh không rõ: 30"), "{err}");
    assert!(err.contains("30 dòng"), "{err}");
}

#[test]
fn skip_invalid_writes_rejects_and_counts_them() {
    let dir = TempDir::new().unwrap();
    write(
        &dir,
        "ho-so.csv",
        &format!(
            "{HEADER}{GOOD}HS1,UBND xã Ngọc Kỳ,fax,01/11/2023,05/11/2023,,Đang xử lý,Có\nHS2,UBND xã Ngọc Kỳ,1\n"
        ),
    );
    let out = cctthc(dir.path())
        .args([
            "stats",
            "-i",
            "ho-so.csv",
            "--month",
            "11",
            "--year",
            "2023",
            "--format",
            "json",
            "--skip-invalid",
            "--rejects",
            "loai.csv",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("loai.csv"))
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["nhap_lieu"]["so_dong"], 3);
    assert_eq!(v["nhap_lieu"]["ho_so"], 1);
    assert_eq!(v["nhap_lieu"]["loi"], 2);
    assert_eq!(v["tong"]["tiep_nhan"]["tong"], 1);
    let rejects = fs::read_to_string(dir.path().join("loai.csv")).unwrap();
    let rejects = rejects.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = rejects.lines().collect();
    assert_eq!(lines[0], "tep,dong,truong,gia_tri,ly_do,noi_dung_dong");
    assert!(lines[1].starts_with("ho-so.csv,3,kenh,fax,"), "{rejects}");
    assert!(lines[2].starts_with("ho-so.csv,4,"), "{rejects}");
    assert_eq!(lines.len(), 3);
}

#[test]
fn missing_column_lists_found_and_accepted_headers() {
    let dir = TempDir::new().unwrap();
    write(
        &dir,
        "thieu.csv",
        "Mã hồ sơ,Đơn vị,Kênh,Ngày tiếp nhận,Ghi chú\nHS1,UBND xã A,1,01/11/2023,\n",
    );
    cctthc(dir.path())
        .args([
            "stats",
            "-i",
            "thieu.csv",
            "--month",
            "11",
            "--year",
            "2023",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("thieu.csv"))
        .stderr(predicate::str::contains("'Ghi chú'"))
        .stderr(predicate::str::contains("ngay_hen_tra"))
        .stderr(predicate::str::contains("Hạn xử lý"))
        .stderr(predicate::str::contains("trang_thai"))
        .stderr(predicate::str::contains("Trạng thái hồ sơ"));
}

#[test]
fn unreadable_files_are_clear_errors() {
    let dir = TempDir::new().unwrap();
    write(&dir, "rong.csv", "");
    cctthc(dir.path())
        .args(["stats", "-i", "rong.csv", "--month", "11"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("rong.csv").and(predicate::str::contains("trống")));
    fs::write(
        dir.path().join("anh.csv"),
        [0x89u8, b'P', b'N', b'G', 0, 0, 0, 1, 2],
    )
    .unwrap();
    cctthc(dir.path())
        .args(["stats", "-i", "anh.csv", "--month", "11"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("không phải tệp bảng tính"));
    write(&dir, "hong.xlsx", "PK\u{3}\u{4} this is not really a zip");
    cctthc(dir.path())
        .args(["stats", "-i", "hong.xlsx", "--month", "11"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("hong.xlsx"));
    // A file is what its content says (SPEC §1.1): text named .xlsx is
    // read as text, and here lacks columns.
    write(&dir, "gia.xlsx", "ma_ho_so,don_vi\n");
    cctthc(dir.path())
        .args(["stats", "-i", "gia.xlsx", "--month", "11"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("gia.xlsx")
                .and(predicate::str::contains("không tìm thấy dòng tiêu đề"))
                .and(predicate::str::contains("Xls error").not()),
        );
    cctthc(dir.path())
        .args(["stats", "-i", "khong-co.csv", "--month", "11"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("khong-co.csv"));
    fs::create_dir(dir.path().join("trong")).unwrap();
    cctthc(dir.path())
        .args(["stats", "-i", "trong", "--month", "11"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("trong"));
}

#[test]
fn usage_errors_exit_2() {
    let dir = TempDir::new().unwrap();
    write(&dir, "ho-so.csv", &format!("{HEADER}{GOOD}"));
    for args in [
        &[
            "stats",
            "-i",
            "ho-so.csv",
            "--from",
            "22/11/2023",
            "--to",
            "23/10/2023",
        ][..],
        &[
            "stats",
            "-i",
            "ho-so.csv",
            "--from",
            "31/02/2023",
            "--to",
            "23/10/2023",
        ],
        &["stats", "-i", "ho-so.csv", "--month", "13"],
        &[
            "stats",
            "-i",
            "ho-so.csv",
            "--month",
            "11",
            "--quarter",
            "4",
        ],
        &["stats", "-i", "ho-so.csv", "--quarter", "5"],
        &["stats", "-i", "ho-so.csv", "--from", "01/11/2023"],
        &["stats", "-i", "ho-so.csv", "--format", "pdf"],
        &["stats", "-i", "ho-so.csv", "--encoding", "latin9"],
        &["stats", "--no-such-flag"],
        &["stats"],
    ] {
        cctthc(dir.path()).args(args).assert().code(2);
    }
    cctthc(dir.path())
        .args([
            "stats",
            "-i",
            "ho-so.csv",
            "--from",
            "22/11/2023",
            "--to",
            "23/10/2023",
        ])
        .assert()
        .stderr(predicate::str::contains(
            "--to (23/10/2023) trước --from (22/11/2023)",
        ));
}

#[test]
fn bad_config_names_the_key() {
    let dir = TempDir::new().unwrap();
    write(&dir, "ho-so.csv", &format!("{HEADER}{GOOD}"));
    write(
        &dir,
        "cctthc.toml",
        "[bao_cao]\nco_quan = \"UBND\"\nnguoi_kyy = \"A\"\n",
    );
    cctthc(dir.path())
        .args(["stats", "-i", "ho-so.csv", "--month", "11"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cctthc.toml").and(predicate::str::contains("nguoi_kyy")));
}

#[test]
fn check_lists_every_problem_and_accounts_for_every_row() {
    let dir = TempDir::new().unwrap();
    write(
        &dir,
        "ho-so.csv",
        &format!(
            "{HEADER}{GOOD}{GOOD}HS1,UBND xã Ngọc Kỳ,fax,01/11/2023,05/11/2023,,Đang xử lý,Có\nHS2,UBND xã Ngọc Kỳ,1,,,,Mới đăng ký,\n"
        ),
    );
    cctthc(dir.path())
        .args(["check", "-i", "ho-so.csv"])
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "ho-so.csv:4: trường 'kenh' = 'fax'",
        ))
        .stdout(predicate::str::is_match(r"Số dòng dữ liệu:\s+4").unwrap())
        .stdout(predicate::str::is_match(r"hồ sơ được tính:\s+1").unwrap())
        .stdout(predicate::str::is_match(r"dòng trùng đã gộp:\s+1").unwrap())
        .stdout(predicate::str::is_match(r"hồ sơ chưa tiếp nhận:\s+1").unwrap())
        .stdout(predicate::str::is_match(r"dòng lỗi:\s+1").unwrap());
    write(&dir, "ho-so.csv", &format!("{HEADER}{GOOD}"));
    cctthc(dir.path())
        .args(["check", "-i", "ho-so.csv"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Không có dòng lỗi"));
}

#[test]
fn a_stray_windows_1258_byte_in_a_utf8_file_is_named() {
    let dir = TempDir::new().unwrap();
    let mut body = format!("{HEADER}{GOOD}").into_bytes();
    // "UBND xã B" with the Windows-1258 byte for "ã" instead of UTF-8.
    body.extend_from_slice(
        b"HS9,UBND x\xE3 B,1,01/11/2023,05/11/2023,,\xD0ang x\xF0 l\xFD,C\xF3\n",
    );
    fs::write(dir.path().join("tron.csv"), body).unwrap();
    cctthc(dir.path())
        .args(["stats", "-i", "tron.csv", "--month", "11", "--year", "2023"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("tron.csv:3: trường 'don_vi'"))
        .stderr(predicate::str::contains("byte không hợp lệ"));
}
