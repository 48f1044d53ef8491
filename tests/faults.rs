//! Faults around a run: where the output goes, the disk, interruption,
//! two runs at once. Each gives a message and an exit code; the previous
//! report is untouched and no partial file is left.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ref004/canonical.csv")
}

fn cctthc(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("cctthc").unwrap();
    cmd.current_dir(dir)
        .env("XDG_CONFIG_HOME", dir.join("no-config"))
        .env("CCTTHC_TODAY", "2023-11-25");
    cmd
}

/// `cctthc report --month 11 --year 2023`, the period of the fixtures.
fn report_november(dir: &Path) -> Command {
    let mut cmd = cctthc(dir);
    cmd.args(["report", "--month", "11", "--year", "2023"]);
    cmd
}

/// Files other than `keep` in `dir`: temporary leftovers.
fn leftovers(dir: &Path, keep: &[&str]) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect()
}

#[test]
fn a_full_disk_on_stdout() {
    if !Path::new("/dev/full").exists() {
        eprintln!("SKIPPED: no /dev/full here");
        return;
    }
    let dir = TempDir::new().unwrap();
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Process::new(assert_cmd::cargo::cargo_bin("cctthc"))
        .current_dir(dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("no-config"))
        .args([
            "stats",
            "--from",
            "23/10/2023",
            "--to",
            "22/11/2023",
            "--format",
            "json",
            "-i",
        ])
        .arg(fixture())
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("không ghi được"));
}

#[test]
fn a_full_disk_for_the_report_leaves_the_old_one() {
    // A 64 KB file system; skipped where mounting is not allowed.
    let dir = TempDir::new().unwrap();
    let mnt = dir.path().join("nho");
    fs::create_dir(&mnt).unwrap();
    let mounted = Process::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&mnt)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("SKIPPED: cannot mount a small tmpfs here");
        return;
    }
    fs::write(mnt.join("bc.docx"), b"old report").unwrap();
    // Fill it up but for a few blocks: too little for a report.
    let _ = fs::write(mnt.join("day"), vec![0u8; 52 * 1024]);
    let result = cctthc(dir.path())
        .args(["report", "--from", "23/10/2023", "--to", "22/11/2023", "-i"])
        .arg(fixture())
        .arg("-o")
        .arg(mnt.join("bc.docx"))
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("không ghi được")
                .and(predicate::str::contains("vẫn giữ nguyên")),
        );
    let _ = result;
    assert_eq!(fs::read(mnt.join("bc.docx")).unwrap(), b"old report");
    assert_eq!(leftovers(&mnt, &["bc.docx", "day"]), Vec::<String>::new());
    let _ = Process::new("umount").arg(&mnt).status();
}

#[test]
fn missing_folder_folder_as_output_and_unwritable_folder() {
    let dir = TempDir::new().unwrap();
    report_november(dir.path())
        .args(["-o", "khong-co/bc.docx", "-i"])
        .arg(fixture())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("thư mục khong-co không tồn tại"));
    fs::create_dir(dir.path().join("bc.docx")).unwrap();
    report_november(dir.path())
        .args(["-o", "bc.docx", "-i"])
        .arg(fixture())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bc.docx"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = dir.path().join("chi-doc");
        fs::create_dir(&ro).unwrap();
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
        if fs::write(ro.join("probe"), b"").is_ok() {
            eprintln!("SKIPPED (unwritable folder): running as root, permissions are not enforced");
            return;
        }
        report_november(dir.path())
            .args(["-o", "chi-doc/bc.docx", "-i"])
            .arg(fixture())
            .assert()
            .code(1)
            .stderr(predicate::str::contains("chi-doc/bc.docx"));
    }
}

#[test]
fn an_input_that_is_gone() {
    let dir = TempDir::new().unwrap();
    fs::copy(fixture(), dir.path().join("a.csv")).unwrap();
    #[cfg(unix)]
    {
        // A link left behind by a file that was moved away.
        std::os::unix::fs::symlink(dir.path().join("da-xoa.csv"), dir.path().join("b.csv"))
            .unwrap();
        cctthc(dir.path())
            .args([
                "stats", "--month", "11", "--year", "2023", "-i", "a.csv", "-i", "b.csv",
            ])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("b.csv"));
    }
}

#[test]
fn two_runs_at_once_both_give_one_complete_report() {
    let dir = TempDir::new().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("cctthc");
    let run = || {
        Process::new(&bin)
            .current_dir(dir.path())
            .env("XDG_CONFIG_HOME", dir.path().join("no-config"))
            .args([
                "report",
                "--from",
                "23/10/2023",
                "--to",
                "22/11/2023",
                "--date",
                "25/11/2023",
                "-q",
                "-o",
                "bc.docx",
                "-i",
            ])
            .arg(fixture())
            .spawn()
            .unwrap()
    };
    let (mut a, mut b) = (run(), run());
    assert!(a.wait().unwrap().success());
    assert!(b.wait().unwrap().success());
    let once = dir.path().join("once.docx");
    cctthc(dir.path())
        .args([
            "report",
            "--from",
            "23/10/2023",
            "--to",
            "22/11/2023",
            "--date",
            "25/11/2023",
            "-q",
            "-i",
        ])
        .arg(fixture())
        .arg("-o")
        .arg(&once)
        .assert()
        .success();
    assert!(fs::read(dir.path().join("bc.docx")).unwrap() == fs::read(&once).unwrap());
    assert_eq!(
        leftovers(dir.path(), &["bc.docx", "once.docx"]),
        Vec::<String>::new()
    );
}

/// Ctrl-C while rows are read and rejects written: the rejects file being
/// written is removed, the previous one stays.
#[cfg(unix)]
#[test]
fn ctrl_c_leaves_no_partial_file() {
    use std::io::Write;
    let dir = TempDir::new().unwrap();
    // Many invalid rows, so the rejects file is being written for a while.
    let mut f = fs::File::create(dir.path().join("ho-so.csv")).unwrap();
    writeln!(
        f,
        "ma_ho_so,don_vi,kenh,ngay_tiep_nhan,ngay_hen_tra,trang_thai"
    )
    .unwrap();
    for i in 0..2_000_000 {
        writeln!(f, "HS{i},UBND xã A,fax,01/11/2023,05/11/2023,Đang xử lý").unwrap();
    }
    drop(f);
    fs::write(dir.path().join("loai.csv"), b"old rejects").unwrap();
    let bin = assert_cmd::cargo::cargo_bin("cctthc");
    let child = Process::new(&bin)
        .current_dir(dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("no-config"))
        .args([
            "stats",
            "--month",
            "11",
            "--year",
            "2023",
            "-i",
            "ho-so.csv",
            "--skip-invalid",
            "--rejects",
            "loai.csv",
            "--format",
            "json",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let _ = Process::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let out = child.wait_with_output().unwrap();
    if out.status.success() {
        eprintln!("SKIPPED: the run finished before the interrupt");
        return;
    }
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Ctrl-C"));
    assert_eq!(
        fs::read(dir.path().join("loai.csv")).unwrap(),
        b"old rejects"
    );
    assert_eq!(
        leftovers(dir.path(), &["ho-so.csv", "loai.csv"]),
        Vec::<String>::new()
    );
}
