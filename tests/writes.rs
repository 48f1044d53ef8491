//! Writing is safe, whoever runs it (SPEC §8; issue 11): devices and FIFOs
//! are written to, never replaced; links are followed; permissions kept; a
//! read-only file refused; the longest names written; an output that is an
//! input, the template, the config or another output refused before
//! anything is written; outputs beside the exports not read back; every
//! stdout write checked; signals clean up; the data's control characters
//! never reach a terminal.
//!
//! Device targets are made with `mknod` in a temporary folder (root only:
//! CI runs as root); the machine's own `/dev` is never written to. A test
//! that cannot run a part says `SKIPPED: reason` on stderr.

mod skip;
use skip::skipped;

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ref004/canonical.csv")
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("cctthc")
}

fn cctthc(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("cctthc").unwrap();
    cmd.current_dir(dir)
        .env("XDG_CONFIG_HOME", dir.join("no-config"))
        .env("CCTTHC_TODAY", "2023-11-25");
    cmd
}

/// The same run as a plain process, for stdout set by hand.
fn process(dir: &Path) -> Process {
    let mut cmd = Process::new(bin());
    cmd.current_dir(dir)
        .env("XDG_CONFIG_HOME", dir.join("no-config"))
        .env("CCTTHC_TODAY", "2023-11-25");
    cmd
}

/// A copy of the fixture as `name` in `dir`.
fn export(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    fs::copy(fixture(), &path).unwrap();
    path
}

/// `.tmp` files left in `dir`.
fn temporaries(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

/// A device node made in `dir` (`mknod NAME c MAJOR MINOR`), or why not.
fn device(dir: &Path, name: &str, major: u32, minor: u32) -> Result<PathBuf, String> {
    let path = dir.join(name);
    let made = Process::new("mknod")
        .arg(&path)
        .args(["c", &major.to_string(), &minor.to_string()])
        .stderr(Stdio::null())
        .status();
    match made {
        Ok(s) if s.success() => Ok(path),
        Ok(_) => Err("mknod needs root (CI runs as root)".into()),
        Err(_) => Err("no mknod command here".into()),
    }
}

#[cfg(unix)]
fn is_char_device(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    fs::symlink_metadata(path)
        .unwrap()
        .file_type()
        .is_char_device()
}

#[cfg(unix)]
#[test]
fn a_device_is_written_to_never_replaced() {
    let dir = TempDir::new().unwrap();
    let (null, full, zero) = match (
        device(dir.path(), "null", 1, 3),
        device(dir.path(), "full", 1, 7),
        device(dir.path(), "zero", 1, 5),
    ) {
        (Ok(n), Ok(f), Ok(z)) => (n, f, z),
        (Err(why), ..) | (_, Err(why), _) | (.., Err(why)) => {
            skipped(&format!("device targets: {why}"));
            return;
        }
    };
    let input = export(dir.path(), "ho-so.csv");
    for target in [&null, &zero] {
        cctthc(dir.path())
            .args(["report", "--month", "11", "--year", "2023", "-i"])
            .arg(&input)
            .arg("-o")
            .arg(target)
            .assert()
            .success();
        assert!(
            is_char_device(target),
            "{} is still a device",
            target.display()
        );
    }
    // A full device: exit 1 with the system's words, and still a device.
    cctthc(dir.path())
        .args(["report", "--month", "11", "--year", "2023", "-i"])
        .arg(&input)
        .arg("-o")
        .arg(&full)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("No space left on device"));
    for format in ["csv", "json", "table"] {
        cctthc(dir.path())
            .args(["qua-han", "--ngay", "30/11/2023", "--format", format, "-i"])
            .arg(&input)
            .arg("-o")
            .arg(&full)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("No space left on device"));
        cctthc(dir.path())
            .args(["qua-han", "--ngay", "30/11/2023", "--format", format, "-i"])
            .arg(&input)
            .arg("-o")
            .arg(&zero)
            .assert()
            .success();
    }
    // The rejects file on a device, as it is written row by row.
    let bad = dir.path().join("loi.csv");
    fs::write(
        &bad,
        "ma_ho_so,don_vi,kenh,ngay_tiep_nhan,ngay_hen_tra,trang_thai\nA1,UBND xã A,fax,01/11/2023,05/11/2023,Đang xử lý\n",
    )
    .unwrap();
    let with_rejects = |target: &Path| {
        let mut cmd = cctthc(dir.path());
        cmd.args(["stats", "--month", "11", "--year", "2023", "--skip-invalid"])
            .args(["--format", "json", "-i"])
            .arg(&input)
            .arg("-i")
            .arg(&bad)
            .arg("--rejects")
            .arg(target);
        cmd
    };
    with_rejects(&null).assert().success();
    with_rejects(&full)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("No space left on device"));
    for d in [&null, &full, &zero] {
        assert!(is_char_device(d));
    }
    assert_eq!(temporaries(dir.path()), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn a_fifo_is_written_to_and_its_reader_gets_the_report() {
    let dir = TempDir::new().unwrap();
    let fifo = dir.path().join("ong");
    match Process::new("mkfifo").arg(&fifo).status() {
        Ok(s) if s.success() => {}
        _ => {
            skipped("no mkfifo command here");
            return;
        }
    }
    let input = export(dir.path(), "ho-so.csv");
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            fs::File::open(&fifo)
                .unwrap()
                .read_to_end(&mut bytes)
                .unwrap();
            bytes
        })
    };
    cctthc(dir.path())
        .args(["report", "--month", "11", "--year", "2023", "-q", "-i"])
        .arg(&input)
        .arg("-o")
        .arg(&fifo)
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    let got = reader.join().unwrap();
    assert!(got.starts_with(b"PK"), "the reader got the .docx");
    use std::os::unix::fs::FileTypeExt;
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(temporaries(dir.path()), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn a_link_is_followed_and_the_file_keeps_its_mode_and_owner() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = TempDir::new().unwrap();
    let input = export(dir.path(), "ho-so.csv");
    fs::create_dir(dir.path().join("luu")).unwrap();
    let real = dir.path().join("luu/bc.docx");
    fs::write(&real, b"old report").unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
    let root = std::os::unix::fs::chown(&real, Some(1234), Some(5678)).is_ok();
    let link = dir.path().join("bc.docx");
    std::os::unix::fs::symlink("luu/bc.docx", &link).unwrap();
    cctthc(dir.path())
        .args(["report", "--month", "11", "--year", "2023", "-i"])
        .arg(&input)
        .args(["-o", "bc.docx"])
        .assert()
        .success();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(fs::read(&real).unwrap().starts_with(b"PK"));
    let meta = fs::metadata(&real).unwrap();
    assert_eq!(meta.permissions().mode() & 0o7777, 0o640);
    if root {
        assert_eq!((meta.uid(), meta.gid()), (1234, 5678));
    } else {
        skipped("the owner kept (chown needs root)");
    }
    assert_eq!(temporaries(dir.path()), Vec::<String>::new());
    assert_eq!(temporaries(&dir.path().join("luu")), Vec::<String>::new());

    // A private (0600) list stays private.
    let list = dir.path().join("qua-han.csv");
    fs::write(&list, b"old").unwrap();
    fs::set_permissions(&list, fs::Permissions::from_mode(0o600)).unwrap();
    cctthc(dir.path())
        .args(["qua-han", "--ngay", "30/11/2023", "--format", "csv", "-i"])
        .arg(&input)
        .args(["-o", "qua-han.csv"])
        .assert()
        .success();
    assert_eq!(
        fs::metadata(&list).unwrap().permissions().mode() & 0o7777,
        0o600
    );
}

#[test]
fn a_read_only_file_is_not_overwritten() {
    let dir = TempDir::new().unwrap();
    let input = export(dir.path(), "ho-so.csv");
    let old = dir.path().join("bc.docx");
    fs::write(&old, b"signed report").unwrap();
    let mut perms = fs::metadata(&old).unwrap().permissions();
    perms.set_readonly(true);
    fs::set_permissions(&old, perms).unwrap();
    // Refused even as root, who could replace it.
    cctthc(dir.path())
        .args(["report", "--month", "11", "--year", "2023", "-i"])
        .arg(&input)
        .args(["-o", "bc.docx"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bc.docx").and(predicate::str::contains("chỉ cho đọc")));
    assert_eq!(fs::read(&old).unwrap(), b"signed report");
    assert_eq!(temporaries(dir.path()), Vec::<String>::new());
}

#[test]
fn a_name_as_long_as_the_system_allows() {
    let dir = TempDir::new().unwrap();
    let input = export(dir.path(), "ho-so.csv");
    // 255 bytes, Linux's limit for one name; written new, then replaced.
    let name = format!("{}.docx", "b".repeat(250));
    for _ in 0..2 {
        cctthc(dir.path())
            .args(["report", "--month", "11", "--year", "2023", "-q", "-i"])
            .arg(&input)
            .args(["-o", &name])
            .assert()
            .success();
    }
    assert!(fs::read(dir.path().join(&name)).unwrap().starts_with(b"PK"));
    let csv = format!("{}.csv", "c".repeat(251));
    cctthc(dir.path())
        .args(["qua-han", "--ngay", "30/11/2023", "--format", "csv", "-i"])
        .arg(&input)
        .args(["-o", &csv])
        .assert()
        .success();
    assert_eq!(temporaries(dir.path()), Vec::<String>::new());
}

/// Runs `args` in `dir` and checks that it is refused with exit 2, naming
/// `names`, and that `unchanged` keeps its bytes.
fn refused(dir: &Path, args: &[&str], names: &[&str], unchanged: &[&str]) {
    let before: Vec<Vec<u8>> = unchanged
        .iter()
        .map(|f| fs::read(dir.join(f)).unwrap())
        .collect();
    let mut assert = cctthc(dir).args(args).assert().code(2);
    for n in names {
        assert = assert.stderr(predicate::str::contains(*n));
    }
    assert.stderr(predicate::str::contains("cùng một tệp"));
    for (f, bytes) in unchanged.iter().zip(before) {
        assert_eq!(fs::read(dir.join(f)).unwrap(), bytes, "{f} untouched");
    }
    assert_eq!(temporaries(dir), Vec::<String>::new());
}

#[test]
fn an_output_that_is_an_input_the_template_or_the_config_is_refused() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("du-lieu")).unwrap();
    export(d, "du-lieu/ho-so-2023-11.csv");
    export(d, "one.csv");
    let month = ["--month", "11", "--year", "2023"];
    let with = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        v.extend(month.iter().map(|s| s.to_string()));
        v
    };
    let run = |extra: &[&str], names: &[&str], unchanged: &[&str]| {
        let args = with(extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        refused(d, &args, names, unchanged);
    };
    // The export itself, named as given or found in the folder.
    run(
        &[
            "report",
            "-i",
            "du-lieu/ho-so-2023-11.csv",
            "-o",
            "du-lieu/ho-so-2023-11.csv",
        ],
        &["du-lieu/ho-so-2023-11.csv"],
        &["du-lieu/ho-so-2023-11.csv"],
    );
    run(
        &["report", "-i", "du-lieu", "-o", "du-lieu/ho-so-2023-11.csv"],
        &["du-lieu/ho-so-2023-11.csv"],
        &["du-lieu/ho-so-2023-11.csv"],
    );
    // Another spelling of the same path.
    run(
        &["report", "-i", "one.csv", "-o", "./du-lieu/../one.csv"],
        &["./du-lieu/../one.csv", "one.csv"],
        &["one.csv"],
    );
    // The rejects file onto the input, onto the report, onto the list.
    run(
        &[
            "report",
            "-i",
            "one.csv",
            "--skip-invalid",
            "--rejects",
            "one.csv",
            "-o",
            "bc.docx",
        ],
        &["tệp dòng lỗi", "one.csv"],
        &["one.csv"],
    );
    run(
        &[
            "report",
            "-i",
            "one.csv",
            "--skip-invalid",
            "--rejects",
            "bc.txt",
            "--format",
            "text",
            "-o",
            "bc.txt",
        ],
        &["tệp dòng lỗi", "báo cáo", "bc.txt"],
        &[],
    );
    refused(
        d,
        &[
            "qua-han",
            "-i",
            "one.csv",
            "--skip-invalid",
            "--rejects",
            "ds.csv",
            "-o",
            "ds.csv",
        ],
        &["ds.csv"],
        &[],
    );
    refused(
        d,
        &["qua-han", "-i", "one.csv", "-o", "one.csv"],
        &["one.csv"],
        &["one.csv"],
    );
    refused(
        d,
        &["chi-so", "-i", "one.csv", "-o", "one.csv"],
        &["one.csv"],
        &["one.csv"],
    );
    // The template.
    cctthc(d)
        .args(["template", "init", "mau", "-q"])
        .assert()
        .success();
    run(
        &[
            "report",
            "-i",
            "one.csv",
            "-t",
            "mau/bao-cao-thang.docx",
            "-o",
            "mau/bao-cao-thang.docx",
        ],
        &["mẫu", "mau/bao-cao-thang.docx"],
        &["mau/bao-cao-thang.docx"],
    );
    // The config, and a template named in it.
    fs::write(
        d.join("cctthc.toml"),
        "[xuat]\nmau = \"mau/bao-cao-thang.docx\"\n",
    )
    .unwrap();
    run(
        &[
            "report",
            "-i",
            "one.csv",
            "--format",
            "text",
            "-o",
            "cctthc.toml",
        ],
        &["tệp cấu hình", "cctthc.toml"],
        &["cctthc.toml"],
    );
    run(
        &["report", "-i", "one.csv", "-o", "mau/bao-cao-thang.docx"],
        &["mẫu", "mau/bao-cao-thang.docx"],
        &["mau/bao-cao-thang.docx"],
    );
    fs::remove_file(d.join("cctthc.toml")).unwrap();
    #[cfg(unix)]
    {
        // A hard link and a symbolic link to the input.
        fs::hard_link(d.join("one.csv"), d.join("hard.csv")).unwrap();
        std::os::unix::fs::symlink("one.csv", d.join("soft.csv")).unwrap();
        for other in ["hard.csv", "soft.csv"] {
            run(
                &["report", "-i", "one.csv", "--format", "md", "-o", other],
                &[other, "one.csv"],
                &["one.csv"],
            );
        }
    }
    // stdout sent into an input by the shell.
    #[cfg(unix)]
    {
        let out = fs::File::create(d.join("hard.csv")).unwrap();
        let run = process(d)
            .args(["stats", "-i", "one.csv", "--month", "11", "--year", "2023"])
            .stdout(out)
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&run.stderr).contains("one.csv"));
    }
}

#[test]
fn outputs_beside_the_exports_are_not_read_back() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    export(d, "ho-so.csv");
    // One invalid row, so rejects files are written.
    fs::write(
        d.join("ho-so-2.csv"),
        "ma_ho_so,don_vi,kenh,ngay_tiep_nhan,ngay_hen_tra,trang_thai\nZZ1,UBND xã A,fax,01/11/2023,05/11/2023,Đang xử lý\n",
    )
    .unwrap();
    fs::write(d.join("cctthc.toml"), "[nhap]\nduong_dan = \".\"\n").unwrap();
    let figures = |d: &Path| -> serde_json::Value {
        let out = cctthc(d)
            .args([
                "stats", "--month", "11", "--year", "2023", "--format", "json",
            ])
            .arg("--skip-invalid")
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["tong"].clone()
    };
    let first = figures(d);
    // README's own lines: the report with its default rejects file, the
    // cron job's list, a table and JSON sent to files by the shell.
    cctthc(d)
        .args([
            "report",
            "--month",
            "11",
            "--year",
            "2023",
            "--skip-invalid",
        ])
        .assert()
        .success();
    assert!(d.join("BC-CCTTHC-2023-11.dong-loi.csv").exists());
    cctthc(d)
        .args([
            "qua-han",
            "--ngay",
            "30/11/2023",
            "--format",
            "csv",
            "-o",
            "qua-han.csv",
        ])
        .arg("--skip-invalid")
        .assert()
        .success();
    assert!(d.join("qua-han.dong-loi.csv").exists(), "beside the list");
    cctthc(d)
        .args([
            "qua-han",
            "--ngay",
            "30/11/2023",
            "--format",
            "json",
            "-o",
            "qua-han.json",
        ])
        .arg("--skip-invalid")
        .assert()
        .success();
    for (format, name) in [("csv", "so-lieu.csv"), ("json", "so-lieu.json")] {
        let out = fs::File::create(d.join(name)).unwrap();
        let run = process(d)
            .args(["stats", "--month", "11", "--year", "2023", "--skip-invalid"])
            .args(["--format", format])
            .stdout(out)
            .output()
            .unwrap();
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        // The file being written is named as not read.
        assert!(String::from_utf8_lossy(&run.stderr).contains(name));
    }
    // Every later run reads the two exports only, and says what it passed over.
    assert_eq!(figures(d), first);
    cctthc(d)
        .args(["check", "--month", "11", "--year", "2023"])
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("BC-CCTTHC-2023-11.dong-loi.csv")
                .and(predicate::str::contains("qua-han.csv"))
                .and(predicate::str::contains("qua-han.json"))
                .and(predicate::str::contains("so-lieu.csv"))
                .and(predicate::str::contains("so-lieu.json"))
                .and(predicate::str::contains("cctthc.toml"))
                .and(predicate::str::contains("BC-CCTTHC-2023-11.docx")),
        )
        .stdout(predicate::str::contains("Đã đọc 2 tệp"));
}

/// Each command that prints, with the arguments that make it print.
fn printers(input: &Path) -> Vec<Vec<String>> {
    let i = input.to_string_lossy().into_owned();
    let month = ["--month", "11", "--year", "2023"];
    let with = |cmd: &[&str]| -> Vec<String> {
        cmd.iter()
            .chain(month.iter())
            .map(|s| s.to_string())
            .chain(["-i".to_string(), i.clone()])
            .collect()
    };
    let plain = |cmd: &[&str]| -> Vec<String> { cmd.iter().map(|s| s.to_string()).collect() };
    vec![
        with(&["check"]),
        with(&["check", "--goi-y"]),
        with(&["stats"]),
        with(&["stats", "--by", "don_vi"]),
        with(&["stats", "--format", "json"]),
        with(&["stats", "--format", "csv"]),
        with(&["stats", "--chart"]),
        with(&["report", "--format", "text"]),
        with(&["report", "--format", "md"]),
        with(&["report", "--format", "json"]),
        with(&["chi-so"]),
        with(&["chi-so", "--format", "json"]),
        with(&["chi-so", "--format", "csv"]),
        with(&["chi-so", "--ho-so", "tien_do"]),
        plain(&["qua-han", "--ngay", "30/11/2023", "-i", &i]),
        plain(&[
            "qua-han",
            "--ngay",
            "30/11/2023",
            "--format",
            "json",
            "-i",
            &i,
        ]),
        plain(&[
            "qua-han",
            "--ngay",
            "30/11/2023",
            "--format",
            "csv",
            "-i",
            &i,
        ]),
        plain(&["template", "check", "bao-cao-thang"]),
        plain(&["completions", "bash"]),
        plain(&["man"]),
        plain(&["--help"]),
        plain(&["report", "--help"]),
    ]
}

#[cfg(unix)]
#[test]
fn a_full_disk_on_stdout_is_exit_1_for_every_command() {
    let dir = TempDir::new().unwrap();
    let full = match device(dir.path(), "full", 1, 7) {
        Ok(f) => f,
        Err(why) => {
            skipped(&format!("stdout on a full device: {why}"));
            return;
        }
    };
    let input = export(dir.path(), "ho-so.csv");
    for args in printers(&input) {
        let out = process(dir.path())
            .args(&args)
            .stdout(fs::OpenOptions::new().write(true).open(&full).unwrap())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("No space left on device") && stderr.contains("không ghi được"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn a_pipe_closed_by_its_reader_ends_quietly() {
    let dir = TempDir::new().unwrap();
    let input = export(dir.path(), "ho-so.csv");
    for args in printers(&input) {
        let mut child = process(dir.path())
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // `| head -c 1`: one byte read, then the pipe closed.
        {
            let mut stdout = child.stdout.take().unwrap();
            let mut one = [0u8; 1];
            let _ = stdout.read(&mut one);
        }
        let out: Output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("không ghi được"), "{args:?}: {stderr}");
    }
}

/// A unit whose name carries a terminal escape (red text, clear screen).
const HOSTILE: &str = "UBND xã \u{1b}[31mĐỏ\u{1b}[2J";

fn hostile_export(dir: &Path, bad_row: bool) -> PathBuf {
    let path = dir.join("ho-so.csv");
    let mut f = fs::File::create(&path).unwrap();
    writeln!(
        f,
        "ma_ho_so,don_vi,kenh,ngay_tiep_nhan,ngay_hen_tra,trang_thai"
    )
    .unwrap();
    writeln!(f, "A1,{HOSTILE},1,01/11/2023,05/11/2023,Đang xử lý").unwrap();
    writeln!(f, "A2,{HOSTILE},2,02/11/2023,04/11/2023,Đang xử lý").unwrap();
    if bad_row {
        writeln!(
            f,
            "A3,{HOSTILE},fax\u{1b}[5m,02/11/2023,04/11/2023,Đang xử lý"
        )
        .unwrap();
    }
    path
}

#[test]
fn escapes_in_the_data_never_reach_stderr_raw() {
    let dir = TempDir::new().unwrap();
    let input = hostile_export(dir.path(), true);
    let out = cctthc(dir.path())
        .args(["stats", "--month", "11", "--year", "2023", "-i"])
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("\\x1b[5m"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
    // `--don-vi` with no such unit quotes the names.
    let input = hostile_export(dir.path(), false);
    let out = cctthc(dir.path())
        .args([
            "report", "--month", "11", "--year", "2023", "--format", "text",
        ])
        .args(["--don-vi", "\u{1b}]0;pwned\u{7}", "-i"])
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("\\x1b]0;pwned\\x07"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
    // Sent to a file or a pipe, the data stays as it was.
    let out = cctthc(dir.path())
        .args([
            "stats", "--month", "11", "--year", "2023", "--format", "csv", "-i",
        ])
        .arg(&input)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(HOSTILE));
}

/// Runs `args` with stdout and stderr on a terminal (`script` makes one),
/// and gives what the terminal received.
fn on_a_terminal(dir: &Path, args: &[&str]) -> Option<String> {
    let line = std::iter::once(bin().to_string_lossy().into_owned())
        .chain(args.iter().map(|a| a.to_string()))
        .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
        .collect::<Vec<_>>()
        .join(" ");
    let out = Process::new("script")
        .args(["-q", "-e", "-c", &line, "/dev/null"])
        .current_dir(dir)
        .env("XDG_CONFIG_HOME", dir.join("no-config"))
        .env("CCTTHC_TODAY", "2023-11-25")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() && out.stdout.is_empty() {
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn escapes_in_the_data_are_shown_escaped_on_a_terminal() {
    let dir = TempDir::new().unwrap();
    let input = hostile_export(dir.path(), false);
    let i = input.to_string_lossy().into_owned();
    let month = ["--month", "11", "--year", "2023"];
    let mut runs: Vec<Vec<&str>> = vec![
        vec!["stats", "--by", "don_vi"],
        vec!["stats", "--format", "csv"],
        vec!["stats", "--chart", "truc_tuyen"],
        vec!["report", "--format", "md"],
        vec!["chi-so"],
        vec!["chi-so", "--format", "csv"],
        vec!["chi-so", "--ho-so", "truc_tuyen"],
    ];
    for r in &mut runs {
        r.extend(month);
        r.extend(["-i", &i]);
    }
    runs.push(vec!["qua-han", "--ngay", "30/11/2023", "-i", &i]);
    runs.push(vec![
        "qua-han",
        "--ngay",
        "30/11/2023",
        "--format",
        "csv",
        "-i",
        &i,
    ]);
    for args in runs {
        let Some(screen) = on_a_terminal(dir.path(), &args) else {
            skipped(&format!(
                "a terminal for {args:?}: no `script` command (util-linux) here"
            ));
            return;
        };
        assert!(screen.contains("Đỏ"), "{args:?}: {screen}");
        assert!(
            !screen.contains('\u{1b}'),
            "{args:?}: raw escape: {screen:?}"
        );
        // The chart and the text report drop controls from their text
        // themselves; the tables and CSV show them escaped.
        if !args.contains(&"--chart") && !args.contains(&"report") {
            assert!(screen.contains("\\x1b[31m"), "{args:?}: {screen}");
        }
    }
    // `check` lists the problems of the data on stdout.
    let bad = hostile_export(dir.path(), true);
    let b = bad.to_string_lossy().into_owned();
    if let Some(screen) = on_a_terminal(dir.path(), &["check", "-i", &b]) {
        assert!(screen.contains("\\x1b[5m"), "{screen}");
        assert!(!screen.contains('\u{1b}'), "raw escape: {screen:?}");
    }
}

/// A large export: invalid rows first (so the rejects file is being
/// written), then more dossiers than the memory budget for codes, so the
/// scanner spills to the temp folder.
fn large_export(path: &Path) {
    let mut f = std::io::BufWriter::new(fs::File::create(path).unwrap());
    writeln!(
        f,
        "ma_ho_so,don_vi,kenh,ngay_tiep_nhan,ngay_hen_tra,trang_thai"
    )
    .unwrap();
    for i in 0..20 {
        writeln!(f, "BAD{i},UBND xã A,fax,01/11/2023,05/11/2023,Đang xử lý").unwrap();
    }
    for i in 0..1_500_000u32 {
        writeln!(f, "HS{i},UBND xã A,1,01/11/2023,05/11/2023,Đang xử lý").unwrap();
    }
    f.flush().unwrap();
}

fn names(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .map(|r| {
            r.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(unix)]
#[test]
fn sigterm_and_sighup_remove_every_temporary_and_spill_file() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    large_export(&d.join("lon.csv"));
    fs::create_dir(d.join("bao-cao")).unwrap();
    fs::write(d.join("bao-cao/bc.docx"), b"the earlier report").unwrap();
    fs::write(d.join("bao-cao/bc.dong-loi.csv"), b"the earlier rejects").unwrap();
    for signal in ["TERM", "HUP", "INT"] {
        let tmp = d.join(format!("tmp-{signal}"));
        fs::create_dir(&tmp).unwrap();
        let mut child = process(d)
            .args(["report", "--month", "11", "--year", "2023", "-i", "lon.csv"])
            .args(["--skip-invalid", "-o", "bao-cao/bc.docx"])
            .env("TMPDIR", &tmp)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Wait until both kinds of scratch file exist.
        let start = Instant::now();
        let ready = loop {
            let spill = names(&tmp)
                .iter()
                .any(|n| n.starts_with("cctthc-readings-"));
            let beside = !temporaries(&d.join("bao-cao")).is_empty();
            if spill && beside {
                break true;
            }
            if child.try_wait().unwrap().is_some() || start.elapsed() > Duration::from_secs(300) {
                break false;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        assert!(
            ready,
            "SIG{signal}: the run ended before its scratch files were seen"
        );
        Process::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(1), "SIG{signal}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("đã dừng theo yêu cầu"));
        assert_eq!(
            names(&tmp),
            Vec::<String>::new(),
            "SIG{signal}: spill files"
        );
        assert_eq!(temporaries(&d.join("bao-cao")), Vec::<String>::new());
        assert_eq!(temporaries(d), Vec::<String>::new());
        assert_eq!(
            fs::read(d.join("bao-cao/bc.docx")).unwrap(),
            b"the earlier report"
        );
        assert_eq!(
            fs::read(d.join("bao-cao/bc.dong-loi.csv")).unwrap(),
            b"the earlier rejects"
        );
    }
}

/// A temp folder that cannot take the scan's scratch files: the message
/// says which file, what went wrong in Vietnamese, and how to move the
/// temp folder; nothing is written.
#[test]
fn a_temp_folder_without_room_is_named_with_the_way_out() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let mut f = std::io::BufWriter::new(fs::File::create(d.join("lon.csv")).unwrap());
    writeln!(
        f,
        "ma_ho_so,don_vi,kenh,ngay_tiep_nhan,ngay_hen_tra,trang_thai"
    )
    .unwrap();
    // Past the readings kept in memory (16 MB, about 230 000 rows).
    for i in 0..300_000u32 {
        writeln!(f, "HS{i},UBND xã A,1,01/11/2023,05/11/2023,Đang xử lý").unwrap();
    }
    f.flush().unwrap();
    drop(f);
    let out = cctthc(d)
        .args(["report", "--month", "11", "--year", "2023", "-i", "lon.csv"])
        .env("TMPDIR", d.join("khong-co"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("không ghi được tệp trung gian"), "{err}");
    assert!(err.contains("khong-co"), "{err}");
    assert!(err.contains("không tìm thấy thư mục hoặc tệp"), "{err}");
    assert!(err.contains("TMPDIR"), "{err}");
    assert_eq!(names(d), vec!["lon.csv".to_string()]);
}
