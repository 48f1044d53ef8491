//! Hostile files: each gives a clear message and an exit code, never a
//! crash, and nothing is written (issue 6; the README table lists them).

use std::fs;
use std::io::Write;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

const HEADER: &str =
    "ma_ho_so,don_vi,kenh,ngay_tiep_nhan,ngay_hen_tra,ngay_ket_thuc,trang_thai,ten_thu_tuc\n";

fn cctthc(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("cctthc").unwrap();
    cmd.current_dir(dir)
        .env("XDG_CONFIG_HOME", dir.join("no-config"))
        .env("CCTTHC_TODAY", "2024-01-15");
    cmd
}

/// `cctthc report --month 11 --year 2023`, the period of the fixtures.
fn report_november(dir: &Path) -> Command {
    let mut cmd = cctthc(dir);
    cmd.args(["report", "--month", "11", "--year", "2023"]);
    cmd
}

fn zip_file(entries: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, body) in entries {
        w.start_file(
            *name,
            zip::write::SimpleFileOptions::default().compression_method(method),
        )
        .unwrap();
        w.write_all(body).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn an_xlsx_zip_bomb_is_refused() {
    let dir = TempDir::new().unwrap();
    // 300 MB of spaces packed into well under 1 MB.
    let big = vec![b' '; 300 << 20];
    let bomb = zip_file(
        &[
            ("[Content_Types].xml", b"<Types/>"),
            ("xl/worksheets/sheet1.xml", &big),
        ],
        zip::CompressionMethod::Deflated,
    );
    assert!(bomb.len() < 2 << 20);
    fs::write(dir.path().join("bom.xlsx"), bomb).unwrap();
    cctthc(dir.path())
        .args(["stats", "-i", "bom.xlsx", "--month", "11", "--year", "2023"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bom.xlsx").and(predicate::str::contains("zip bomb")));
}

#[test]
fn a_template_zip_bomb_and_a_dtd_are_refused() {
    let dir = TempDir::new().unwrap();
    fs::write(
        dir.path().join("ho-so.csv"),
        format!("{HEADER}A,UBND xã A,2,01/11/2023,05/11/2023,,Đang xử lý,X\n"),
    )
    .unwrap();
    let big = vec![b' '; 100 << 20];
    let bomb = zip_file(
        &[("word/document.xml", &big)],
        zip::CompressionMethod::Deflated,
    );
    fs::write(dir.path().join("bom.docx"), bomb).unwrap();
    report_november(dir.path())
        .args(["-i", "ho-so.csv", "-t", "bom.docx", "-o", "r.docx"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bom.docx").and(predicate::str::contains("MiB")));
    let dtd = br#"<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x "y">]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"#;
    fs::write(
        dir.path().join("dtd.docx"),
        zip_file(
            &[("word/document.xml", dtd)],
            zip::CompressionMethod::Deflated,
        ),
    )
    .unwrap();
    report_november(dir.path())
        .args(["-i", "ho-so.csv", "-t", "dtd.docx", "-o", "r.docx"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("DOCTYPE"));
    assert!(!dir.path().join("r.docx").exists());
}

#[test]
fn truncated_and_fake_files() {
    let dir = TempDir::new().unwrap();
    let real =
        fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ref004/ho-so.xlsx"))
            .unwrap();
    fs::write(dir.path().join("cut.xlsx"), &real[..real.len() / 2]).unwrap();
    cctthc(dir.path())
        .args(["stats", "-i", "cut.xlsx", "--month", "11", "--year", "2023"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cut.xlsx"));
    let template =
        fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/bao-cao-thang.docx"))
            .unwrap();
    fs::write(dir.path().join("cut.docx"), &template[..template.len() / 3]).unwrap();
    fs::write(
        dir.path().join("ho-so.csv"),
        format!("{HEADER}A,UBND xã A,2,01/11/2023,05/11/2023,,Đang xử lý,X\n"),
    )
    .unwrap();
    report_november(dir.path())
        .args(["-i", "ho-so.csv", "-t", "cut.docx", "-o", "r.docx"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cut.docx"));
    fs::write(dir.path().join("text.docx"), "không phải docx").unwrap();
    report_november(dir.path())
        .args(["-i", "ho-so.csv", "-t", "text.docx", "-o", "r.docx"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("text.docx"));
}

#[test]
fn a_ten_megabyte_cell_and_ten_thousand_columns() {
    let dir = TempDir::new().unwrap();
    let huge = "x".repeat(10 << 20);
    fs::write(
        dir.path().join("to.csv"),
        format!("{HEADER}A,UBND xã A,2,01/11/2023,05/11/2023,,Đang xử lý,{huge}\nB,UBND xã A,2,01/11/2023,05/11/2023,,{huge},X\n"),
    )
    .unwrap();
    let out = cctthc(dir.path())
        .args([
            "stats",
            "-i",
            "to.csv",
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
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["nhap_lieu"]["ho_so"], 1);
    assert_eq!(v["nhap_lieu"]["loi"], 1);
    // The message shows the start of the value, not 10 MB of it.
    cctthc(dir.path())
        .args(["stats", "-i", "to.csv", "--month", "11", "--year", "2023"])
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("to.csv:3: trường 'trang_thai' = 'xxxx")
                .and(predicate::function(|e: &str| e.len() < 10_000)),
        );

    let mut wide = String::from("ma_ho_so,don_vi,kenh,ngay_tiep_nhan,ngay_hen_tra,trang_thai");
    for i in 0..10_000 {
        wide.push_str(&format!(",cot{i}"));
    }
    wide.push('\n');
    wide.push_str("A,UBND xã A,2,01/11/2023,05/11/2023,Đang xử lý");
    wide.push_str(&",".repeat(10_000));
    wide.push('\n');
    fs::write(dir.path().join("rong.csv"), wide).unwrap();
    cctthc(dir.path())
        .args([
            "stats", "-i", "rong.csv", "--month", "11", "--year", "2023", "--format", "json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"ho_so\": 1"));
}

#[test]
fn a_stray_quote_says_where() {
    let dir = TempDir::new().unwrap();
    fs::write(
        dir.path().join("nhay.csv"),
        format!(
            "{HEADER}A,UBND xã A,2,01/11/2023,05/11/2023,,Đang xử lý,X\nB,\"UBND xã B,2,01/11/2023,05/11/2023,,Đang xử lý,X\nC,UBND xã C,2,01/11/2023,05/11/2023,,Đang xử lý,X\n"
        ),
    )
    .unwrap();
    cctthc(dir.path())
        .args(["stats", "-i", "nhay.csv", "--month", "11", "--year", "2023"])
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("nhay.csv:3:").and(predicate::str::contains("dấu ngoặc kép")),
        );
}

#[test]
fn mixed_encodings_across_files() {
    let dir = TempDir::new().unwrap();
    fs::write(
        dir.path().join("a.csv"),
        format!("{HEADER}A,UBND xã Ngọc Kỳ,2,01/11/2023,05/11/2023,,Đang xử lý,X\n"),
    )
    .unwrap();
    // The same commune in Windows-1258: "Ngọc Kỳ" as N g o + dot below, K y + grave.
    let mut b = HEADER.as_bytes().to_vec();
    b.extend_from_slice(
        b"B,UBND xa\xDE Ngo\xF2c Ky\xCC,2,01/11/2023,05/11/2023,,\xD0ang x\xFD\xD2 ly\xEC,X\n",
    );
    fs::write(dir.path().join("b.csv"), b).unwrap();
    let out = cctthc(dir.path())
        .args([
            "stats", "-i", "a.csv", "-i", "b.csv", "--month", "11", "--year", "2023", "--format",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let units = v["theo_don_vi"].as_array().unwrap();
    assert_eq!(units.len(), 1, "{units:?}");
    assert_eq!(units[0]["don_vi"], "UBND xã Ngọc Kỳ");
    assert_eq!(units[0]["tiep_nhan"]["tong"], 2);
}
