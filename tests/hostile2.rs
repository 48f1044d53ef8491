//! Hostile input and wrong output (issue 11): memory bounds on hostile
//! spreadsheets and templates, silent data changes, CSV for Excel, long
//! values in messages, and the letters' headers and sentences.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use tempfile::TempDir;

const HEADER: &str =
    "ma_ho_so,don_vi,kenh,ngay_tiep_nhan,ngay_hen_tra,ngay_ket_thuc,trang_thai,ten_thu_tuc,linh_vuc,cap\n";

fn cctthc(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("cctthc").unwrap();
    cmd.current_dir(dir)
        .env("XDG_CONFIG_HOME", dir.join("no-config"))
        .env("CCTTHC_TODAY", "2024-01-15")
        .env("NO_COLOR", "1");
    cmd
}

fn run(dir: &Path, args: &[&str]) -> Output {
    cctthc(dir).args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[track_caller]
fn code(out: &Output, want: i32) {
    assert_eq!(
        out.status.code(),
        Some(want),
        "stdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// No line of stderr quotes more than 80 characters of a value: none is
/// longer than the message around it allows.
#[track_caller]
fn short_lines(stderr: &[u8], limit: usize) {
    for line in text(stderr).lines() {
        assert!(
            line.chars().count() <= limit,
            "a line of {} characters: {}…",
            line.chars().count(),
            line.chars().take(200).collect::<String>()
        );
    }
}

fn zip_file(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, body) in entries {
        w.start_file(
            *name,
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated),
        )
        .unwrap();
        w.write_all(body).unwrap();
    }
    w.finish().unwrap().into_inner()
}

// ---------------------------------------------------------------------------
// CSV for Excel (SPEC §5)

#[test]
fn every_csv_has_a_bom_and_no_formula() {
    let dir = TempDir::new().unwrap();
    fs::write(
        dir.path().join("ho-so.csv"),
        format!(
            "{HEADER}\
             +84,=HYPERLINK(\"http://x\"),2,01/11/2023,05/11/2023,,Đang xử lý,@SUM(A1),-Hộ tịch,xa\n\
             B,UBND xã A,2,01/11/2023,05/11/2023,,=1+1,X,Y,xa\n"
        ),
    )
    .unwrap();
    let out = run(
        dir.path(),
        &[
            "stats",
            "-i",
            "ho-so.csv",
            "--month",
            "11",
            "--year",
            "2023",
            "--format",
            "csv",
            "--skip-invalid",
            "--rejects",
            "loi.csv",
        ],
    );
    code(&out, 0);
    let stats = text(&out.stdout);
    assert!(stats.starts_with("\u{feff}don_vi,cap,"), "{stats}");
    assert!(
        stats.contains("\"'=HYPERLINK(\"\"http://x\"\")\",xa,"),
        "{stats}"
    );
    let rejects = fs::read_to_string(dir.path().join("loi.csv")).unwrap();
    assert!(rejects.starts_with("\u{feff}tep,dong,"), "{rejects}");
    assert!(rejects.contains(",'=1+1,"), "{rejects}");
    assert!(!rejects.contains(",=1+1"), "{rejects}");

    let out = run(
        dir.path(),
        &[
            "qua-han",
            "-i",
            "ho-so.csv",
            "--ngay",
            "30/11/2023",
            "--format",
            "csv",
            "--skip-invalid",
            "--rejects",
            "loi2.csv",
        ],
    );
    code(&out, 0);
    let list = text(&out.stdout);
    assert!(list.starts_with("\u{feff}ma_ho_so,"), "{list}");
    assert!(
        list.contains("'+84,\"'=HYPERLINK(\"\"http://x\"\")\",xa,'-Hộ tịch,'@SUM(A1),"),
        "{list}"
    );
}
