//! The command line as a native tool: help in Vietnamese with an example
//! for each command, completions, the man page, quiet and verbose, colour.

use assert_cmd::Command;
use predicates::prelude::*;

fn cctthc() -> Command {
    let mut cmd = Command::cargo_bin("cctthc").unwrap();
    cmd.env(
        "XDG_CONFIG_HOME",
        std::env::temp_dir().join("cctthc-no-config"),
    );
    cmd
}

#[test]
fn help_is_vietnamese_with_an_example_for_each_command() {
    cctthc()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Cách dùng: cctthc [TUỲ CHỌN] <LỆNH>",
        ))
        .stdout(predicate::str::contains("Ví dụ:"))
        .stdout(predicate::str::contains("Usage").not())
        .stdout(predicate::str::contains("Options:").not());
    for cmd in [
        &["report"][..],
        &["stats"],
        &["check"],
        &["qua-han"],
        &["chi-so"],
        &["template", "init"],
        &["template", "check"],
        &["completions"],
        &["man"],
    ] {
        cctthc()
            .args(cmd)
            .arg("--help")
            .assert()
            .success()
            .stdout(predicate::str::contains("Ví dụ:"))
            .stdout(predicate::str::contains("Cách dùng: cctthc"))
            .stdout(predicate::str::contains("Options:").not());
    }
}

#[test]
fn completions_for_every_shell_and_a_man_page() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        cctthc()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains("qua-han"));
    }
    cctthc()
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::starts_with(".ie"))
        .stdout(predicate::str::contains(".TH cctthc"))
        .stdout(predicate::str::contains("cctthc\\-report"));
}

#[test]
fn usage_errors_are_vietnamese_and_exit_2() {
    cctthc()
        .args(["stats", "--frm", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("lỗi: tham số lạ '--frm'"))
        .stderr(predicate::str::contains("gợi ý"));
}

#[test]
fn quiet_keeps_stdout_for_the_output_only_and_no_colour_without_a_terminal() {
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::write(
        dir.path().join("a.csv"),
        "ma_ho_so,don_vi,kenh,ngay_tiep_nhan,ngay_hen_tra,trang_thai\nA,UBND xã A,2,01/11/2023,05/11/2023,Lưu nháp\n",
    )
    .unwrap();
    let out = cctthc()
        .current_dir(dir.path())
        .args([
            "stats", "-q", "-i", "a.csv", "--month", "11", "--year", "2023",
        ])
        .assert()
        .code(3)
        .stdout("")
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(
        err.contains("a.csv:2: trường 'trang_thai'"),
        "errors show even when quiet: {err}"
    );
    assert!(!err.contains('\u{1b}'), "no colour codes off a terminal");
    cctthc()
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args([
            "stats", "-v", "-i", "a.csv", "--month", "11", "--year", "2023",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("đọc a.csv"))
        .stderr(predicate::str::contains('\u{1b}').not());
}

#[test]
fn verbose_says_where_the_time_went_phase_by_phase() {
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("bc.docx");
    let run = |verbose: bool| {
        let mut cmd = cctthc();
        cmd.current_dir(&examples);
        if verbose {
            cmd.arg("-v");
        }
        cmd.args([
            "report",
            "--month",
            "11",
            "--year",
            "2023",
            "--date",
            "25/11/2023",
            "-o",
        ])
        .arg(&report)
        .assert()
        .success()
    };
    let line = predicate::str::is_match(
        r"thời gian: đọc [0-9.,]+ ms · phân tích [0-9.,]+ ms · tạo [0-9.,]+ ms · ghi [0-9.,]+ ms · tổng [0-9.,]+ ms",
    )
    .unwrap();
    run(true).stderr(line);
    run(false).stderr(predicate::str::contains("thời gian").not());
}
