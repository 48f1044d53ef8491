//! Started without a command (SPEC §14; cli/desktop.rs): paths alone, as
//! files dropped on `cctthc.exe` arrive, give last month's report beside
//! the first path, with the `cctthc.toml` found near them; anything else is
//! a command line. The Windows side (a console of its own waiting for
//! Enter) runs under Wine in `dist/windows.sh --test`.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

fn cctthc(dir: &Path, today: &str) -> Command {
    let mut cmd = Command::cargo_bin("cctthc").unwrap();
    cmd.current_dir(dir)
        .env("XDG_CONFIG_HOME", dir.join("no-config"))
        .env("CCTTHC_TODAY", today);
    cmd
}

/// The examples' config and two of its months, in folders named with
/// Vietnamese letters and spaces.
fn desk() -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("Báo cáo xã");
    let data = work.join("dữ liệu tháng");
    fs::create_dir_all(&data).unwrap();
    fs::copy(examples().join("cctthc.toml"), work.join("cctthc.toml")).unwrap();
    let (a, b) = (
        data.join("hồ sơ tháng 11.csv"),
        data.join("ho-so-2023-10.csv"),
    );
    fs::copy(examples().join("du-lieu/ho-so-2023-11.csv"), &a).unwrap();
    fs::copy(examples().join("du-lieu/ho-so-2023-10.csv"), &b).unwrap();
    (dir, work, a, b)
}

#[test]
fn dropped_files_give_last_months_report_beside_the_first() {
    let (dir, work, a, b) = desk();
    cctthc(dir.path(), "2023-12-05")
        .arg(&a)
        .arg(&b)
        .assert()
        .success()
        .stderr(predicate::str::contains("Đã ghi"))
        .stderr(predicate::str::contains("tháng 11 năm 2023"))
        .stderr(predicate::str::contains("Nhấn Enter").not());
    // `[xuat] tep` is bao-cao/BC-CCTTHC-{nam}-{thang}.docx: its name only.
    let beside = a.parent().unwrap().join("BC-CCTTHC-2023-11.docx");
    let dropped = fs::read(&beside).expect("the report beside the first file");
    assert!(
        !work.join("bao-cao").exists(),
        "nothing where the config says"
    );
    // The same as the command the drop stands for, with the same config.
    let typed = dir.path().join("typed.docx");
    cctthc(dir.path(), "2023-12-05")
        .args(["--config"])
        .arg(work.join("cctthc.toml"))
        .args(["report", "--month", "11", "--year", "2023", "-i"])
        .arg(&a)
        .arg("-i")
        .arg(&b)
        .arg("-o")
        .arg(&typed)
        .assert()
        .success();
    assert_eq!(dropped, fs::read(&typed).unwrap());
}

#[test]
fn the_config_is_the_one_near_the_files() {
    let (dir, work, a, _) = desk();
    // The examples' config heads the report with its district; without it
    // the header has dots where the unit's name would be.
    let docx = |path: &Path| {
        cctthc::docx::text::to_text(&fs::read(path).unwrap(), cctthc::docx::text::Style::Plain)
            .unwrap()
    };
    cctthc(dir.path(), "2023-12-05").arg(&a).assert().success();
    let with = docx(&a.parent().unwrap().join("BC-CCTTHC-2023-11.docx"));
    assert!(
        with.contains("UBND HUYỆN TỨ KỲ"),
        "{}",
        &with[..400.min(with.len())]
    );
    fs::remove_file(work.join("cctthc.toml")).unwrap();
    fs::remove_file(a.parent().unwrap().join("BC-CCTTHC-2023-11.docx")).unwrap();
    cctthc(dir.path(), "2023-12-05").arg(&a).assert().success();
    let without = docx(&a.parent().unwrap().join("BC-CCTTHC-2023-11.docx"));
    assert!(!without.contains("TỨ KỲ"));
}

#[test]
fn a_folder_dropped_gives_the_report_beside_it() {
    let (dir, _work, a, _) = desk();
    let folder = a.parent().unwrap();
    cctthc(dir.path(), "2023-12-05")
        .arg(folder)
        .assert()
        .success();
    assert!(
        folder
            .parent()
            .unwrap()
            .join("BC-CCTTHC-2023-11.docx")
            .is_file()
    );
}

#[test]
fn anything_but_existing_paths_is_a_command_line() {
    let (dir, _work, a, _) = desk();
    // A flag among the paths: clap's usage error, nothing written.
    cctthc(dir.path(), "2023-12-05")
        .arg(&a)
        .arg("--month")
        .assert()
        .code(2);
    // A missing file: the unknown command, in Vietnamese.
    cctthc(dir.path(), "2023-12-05")
        .arg(&a)
        .arg("khong-co.csv")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("không có lệnh"));
    assert!(!a.parent().unwrap().join("BC-CCTTHC-2023-11.docx").exists());
    // A file named like a command does not hide the command.
    fs::write(dir.path().join("stats"), "x").unwrap();
    cctthc(dir.path(), "2023-12-05")
        .args(["stats", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--by"));
    // No argument off a console of its own: the usage, exit 2, no wait.
    cctthc(dir.path(), "2023-12-05")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Cách dùng"))
        .stderr(predicate::str::contains("Nhấn Enter").not());
}
