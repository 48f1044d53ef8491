//! Faults around a run: where the output goes, the disk, interruption,
//! two runs at once. Each gives a message and an exit code; the previous
//! report is untouched and no partial file is left.

mod skip;
use skip::skipped;

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
    // A full device made here, never the machine's own /dev/full.
    let dir = TempDir::new().unwrap();
    let full = dir.path().join("full");
    let made = Process::new("mknod")
        .arg(&full)
        .args(["c", "1", "7"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        skipped("a full device needs mknod, as root (CI runs as root)");
        return;
    }
    let full = fs::OpenOptions::new().write(true).open(&full).unwrap();
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
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("không ghi được") && stderr.contains("No space left on device"));
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
        skipped("cannot mount a small tmpfs here");
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
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        let ro = dir.path().join("chi-doc");
        fs::create_dir(&ro).unwrap();
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
        let Some(mut user) = as_a_user(dir.path()) else {
            skipped(
                "an unwritable folder: running as root without setpriv, permissions are not enforced",
            );
            return;
        };
        user.args(["report", "--month", "11", "--year", "2023"])
            .args(["-o", "chi-doc/bc.docx", "-i"])
            .arg(fixture())
            .assert()
            .code(1)
            .stderr(
                predicate::str::contains("chi-doc/bc.docx")
                    .and(predicate::str::contains("không có quyền ghi")),
            );
    }
}

/// cctthc run by a user whom permissions bind: this user when not root,
/// else (CI runs as root) `nobody` through `setpriv`; `None` when root
/// cannot become another user here.
#[cfg(unix)]
fn as_a_user(dir: &Path) -> Option<Command> {
    if !is_root() {
        return Some(cctthc(dir));
    }
    let works = Process::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !works {
        return None;
    }
    let mut cmd = Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(assert_cmd::cargo::cargo_bin("cctthc"))
        .current_dir(dir)
        .env("XDG_CONFIG_HOME", dir.join("no-config"))
        .env("CCTTHC_TODAY", "2023-11-25");
    Some(cmd)
}

/// A file another user owns, in a folder this user may write: the rename
/// would replace it, but writing it is not allowed, so it is refused.
#[cfg(unix)]
#[test]
fn a_file_this_user_may_not_write_is_not_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o777)).unwrap();
    let other = dir.path().join("cua-nguoi-khac.docx");
    fs::write(&other, b"someone else's report").unwrap();
    fs::set_permissions(&other, fs::Permissions::from_mode(0o644)).unwrap();
    // Root makes the file and runs cctthc as nobody.
    let user = is_root().then(|| as_a_user(dir.path())).flatten();
    let Some(mut user) = user else {
        skipped("another user's file: needs root and setpriv (CI runs as root)");
        return;
    };
    user.args(["report", "--month", "11", "--year", "2023"])
        .args(["-o", "cua-nguoi-khac.docx", "-i"])
        .arg(fixture())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("không có quyền ghi"));
    assert_eq!(fs::read(&other).unwrap(), b"someone else's report");
    assert_eq!(
        leftovers(dir.path(), &["cua-nguoi-khac.docx"]),
        Vec::<String>::new()
    );
}

#[cfg(unix)]
fn is_root() -> bool {
    Process::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
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
        skipped("the run finished before the interrupt");
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
