//! `cctthc report` through the real binary: the reference-004 figures in
//! the report's own style, no leftover tags, the same bytes twice, errors
//! that say where they are, and LibreOffice opening the result.

mod skip;
use skip::skipped;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

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

/// Writes the reference-004 report into `dir` and returns its path.
fn report(dir: &Path, extra: &[&str]) -> PathBuf {
    let out = dir.join("bao-cao.docx");
    cctthc(dir)
        .args([
            "report",
            "--from",
            "23/10/2023",
            "--to",
            "22/11/2023",
            "--date",
            "25/11/2023",
            "-i",
        ])
        .arg(fixture())
        .arg("-o")
        .arg(&out)
        .args(extra)
        .assert()
        .success()
        .stdout("")
        .stderr(
            predicate::str::contains("bao-cao.docx").and(predicate::str::contains("4.673 hồ sơ")),
        );
    out
}

fn document_xml(docx: &Path) -> String {
    let mut zip = zip::ZipArchive::new(fs::File::open(docx).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    s
}

fn text_of(docx: &Path) -> String {
    cctthc::docx::text::to_text(&fs::read(docx).unwrap(), cctthc::docx::text::Style::Plain).unwrap()
}

const FIGURES: [&str; 14] = [
    "Tổng số hồ sơ TTHC đã tiếp nhận trong kỳ báo cáo: 4.479",
    "Tiếp nhận trong kỳ: 4.275 (trực tuyến: 4.224, trực tiếp: 51); số từ kỳ trước chuyển qua: 204",
    "giải quyết trước hạn: 3.838, đúng hạn: 86, quá hạn: 01",
    "Số lượng hồ sơ đang tạm dừng: 35",
    "Số lượng hồ sơ trả lại dân do không đủ điều kiện giải quyết: 03",
    "4.224/4.226 hồ sơ (đạt tỷ lệ 99,95%)",
    "3.147/3.265, đạt tỷ lệ 96,39%",
    "Số hóa đầu vào: 4.225/4.275, đạt tỷ lệ 98,83%",
    "Số hóa đầu ra: 3.869/3.925, đạt tỷ lệ 98,57%",
    "Tổng số hồ sơ TTHC đã tiếp nhận trong kỳ báo cáo: 194",
    "Tiếp nhận trong kỳ: 158 (trực tuyến: 158, trực tiếp: 0); số từ kỳ trước chuyển qua: 36",
    "giải quyết trước hạn: 171, đúng hạn: 9, quá hạn: 0",
    "126/137, đạt tỷ lệ 91,97%",
    "158/158 hồ sơ (đạt tỷ lệ 100%)",
];

#[test]
fn reference_004_figures_in_its_style() {
    let dir = TempDir::new().unwrap();
    let out = report(dir.path(), &[]);
    let text = text_of(&out);
    for f in FIGURES {
        assert!(text.contains(f), "missing {f:?} in:\n{text}");
    }
    assert!(text.contains("từ ngày 23/10/2023 đến ngày 22/11/2023"));
    assert!(text.contains("ngày 25 tháng 11 năm 2023"));
    assert!(!text.contains("{{") && !text.contains("{%"), "leftover tag");
    let xml = document_xml(&out);
    assert!(!xml.contains("{{") && !xml.contains("{%"));
}

#[test]
fn same_bytes_twice() {
    let a = TempDir::new().unwrap();
    let b = TempDir::new().unwrap();
    let x = fs::read(report(a.path(), &[])).unwrap();
    let y = fs::read(report(b.path(), &[])).unwrap();
    assert!(x == y, "two runs differ");
}

#[test]
fn text_markdown_and_json_formats() {
    let dir = TempDir::new().unwrap();
    let run = |format: &str| {
        let out = cctthc(dir.path())
            .args([
                "report",
                "--from",
                "23/10/2023",
                "--to",
                "22/11/2023",
                "--date",
                "25/11/2023",
                "--format",
                format,
                "-i",
            ])
            .arg(fixture())
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    let text = run("text");
    assert!(
        text.contains("4.224/4.226 hồ sơ (đạt tỷ lệ 99,95%)"),
        "{text}"
    );
    let md = run("md");
    assert!(md.contains("**BÁO CÁO**"), "{md}");
    assert!(md.contains("| II | Cấp xã | 4.479 |"), "{md}");
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(json["xa"]["tiep_nhan"]["tong"], 4479);
    assert_eq!(
        json["huyen"]["ty_le"]["thanh_toan_truc_tuyen"]["phan_tram"],
        "91.97"
    );
    assert_eq!(json["tinh"], serde_json::Value::Null);
    assert_eq!(json["ngay_lap"], "2023-11-25");
    assert_eq!(
        json["luy_ke"]["tong"]["tiep_nhan"]["tong"].as_u64(),
        Some(year_to_date_total()),
        "luy_ke: received from 1 January to 22/11/2023, or carried into the year"
    );
    assert_eq!(json["ky_lien_truoc"]["ky"]["den_ngay"], "2023-10-22");
}

#[test]
fn unit_names_with_xml_characters_come_out_as_written() {
    let dir = TempDir::new().unwrap();
    fs::write(
        dir.path().join("ho-so.csv"),
        "ma_ho_so,don_vi,cap,kenh,ngay_tiep_nhan,ngay_hen_tra,ngay_ket_thuc,trang_thai\n\
         A,\"Phòng A & B <C>\",huyen,2,01/11/2023,05/11/2023,02/11/2023,Hoàn thành\n",
    )
    .unwrap();
    cctthc(dir.path())
        .args([
            "report",
            "--month",
            "11",
            "--year",
            "2023",
            "-i",
            "ho-so.csv",
            "-o",
            "r.docx",
        ])
        .assert()
        .success();
    let out = dir.path().join("r.docx");
    assert!(text_of(&out).contains("Phòng A & B <C>"));
    assert!(document_xml(&out).contains("Phòng A &amp; B &lt;C&gt;"));
}

#[test]
fn output_file_from_the_config_pattern() {
    let dir = TempDir::new().unwrap();
    fs::copy(fixture(), dir.path().join("ho-so.csv")).unwrap();
    fs::write(
        dir.path().join("cctthc.toml"),
        "[bao_cao]\nco_quan = \"UBND huyện Tứ Kỳ\"\ndia_danh = \"Tứ Kỳ\"\n[nhap]\nduong_dan = \"ho-so.csv\"\n[ky_bao_cao]\nngay_chot = 23\n[xuat]\ntep = \"bao-cao/BC-{nam}-{thang}.docx\"\n",
    )
    .unwrap();
    cctthc(dir.path())
        .args([
            "report",
            "--month",
            "11",
            "--year",
            "2023",
            "--date",
            "25/11/2023",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("bao-cao/BC-2023-11.docx"));
    let text = text_of(&dir.path().join("bao-cao/BC-2023-11.docx"));
    assert!(text.contains("Tứ Kỳ, ngày 25 tháng 11 năm 2023"), "{text}");
    assert!(text.contains("UBND HUYỆN TỨ KỲ"), "{text}");
    assert!(
        text.contains("Số hóa đầu vào: 4.225/4.275, đạt tỷ lệ 98,83%"),
        "{text}"
    );
}

#[test]
fn template_errors_say_where_they_are_and_nothing_is_written() {
    let dir = TempDir::new().unwrap();
    // A template made from the default one with a misspelt name.
    let default =
        fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/bao-cao-thang.docx"))
            .unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(default)).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut body = Vec::new();
        f.read_to_end(&mut body).unwrap();
        if name == "word/document.xml" {
            body = String::from_utf8(body)
                .unwrap()
                .replacen("c.tiep_nhan.tong", "c.tiep_nhan.tongg", 1)
                .replacen("{{ ky.ten }}", "{{ ky.ten ", 1)
                .into_bytes();
        }
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut w, &body).unwrap();
    }
    fs::write(
        dir.path().join("mau.docx"),
        w.finish().unwrap().into_inner(),
    )
    .unwrap();
    fs::write(dir.path().join("r.docx"), b"old report").unwrap();
    cctthc(dir.path())
        .args([
            "report", "--month", "11", "--year", "2023", "-t", "mau.docx", "-o", "r.docx", "-i",
        ])
        .arg(fixture())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("mau.docx, word/document.xml"))
        .stderr(predicate::str::contains("c.tiep_nhan.tongg"))
        .stderr(predicate::str::contains("c.tiep_nhan.tong'"))
        .stderr(predicate::str::contains("{{ ky.ten"));
    assert_eq!(fs::read(dir.path().join("r.docx")).unwrap(), b"old report");
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn template_init_and_check() {
    let dir = TempDir::new().unwrap();
    cctthc(dir.path())
        .args(["template", "init", "mau"])
        .assert()
        .success();
    let path = dir.path().join("mau/bao-cao-thang.docx");
    assert!(path.is_file());
    cctthc(dir.path())
        .args(["template", "check", "mau/bao-cao-thang.docx"])
        .assert()
        .success()
        .stdout(predicate::str::contains("{{ c.tiep_nhan.tong | so }}"))
        .stdout(predicate::str::contains("Không có lỗi"));
    cctthc(dir.path())
        .args(["template", "init", "mau"])
        .assert()
        .code(1);
    cctthc(dir.path())
        .args(["template", "init", "mau", "--force"])
        .assert()
        .success();
}

/// The real client: LibreOffice converts the report to PDF, which shows the
/// figures on A4 pages. Skipped, saying so, where LibreOffice is absent.
#[test]
fn libreoffice_renders_the_report() {
    let has = |cmd: &str| Process::new(cmd).arg("--version").output().is_ok();
    if !has("soffice") || !has("pdftotext") || !has("pdfinfo") {
        skipped("soffice, pdftotext or pdfinfo not installed (CI installs them)");
        return;
    }
    let dir = TempDir::new().unwrap();
    let out = report(dir.path(), &[]);
    let status = Process::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}/lo-profile",
            dir.path().display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&out)
        .output()
        .unwrap();
    let pdf = dir.path().join("bao-cao.pdf");
    assert!(pdf.is_file(), "LibreOffice wrote no PDF: {status:?}");
    let info =
        String::from_utf8(Process::new("pdfinfo").arg(&pdf).output().unwrap().stdout).unwrap();
    assert!(info.contains("(A4)"), "{info}");
    let text = String::from_utf8(
        Process::new("pdftotext")
            .args(["-layout"])
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    for f in [
        "4.479",
        "4.224/4.226",
        "99,95%",
        "96,39%",
        "98,83%",
        "98,57%",
        "91,97%",
        "BÁO CÁO",
    ] {
        assert!(text.contains(f), "{f} not in the PDF text");
    }
    assert!(text.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
}

/// The letter with its chart, twice from the example data: same bytes, and
/// the chart is a picture of the package.
#[test]
fn letter_with_chart_same_bytes_twice() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let dir = TempDir::new().unwrap();
    let mut outputs = Vec::new();
    for name in ["a.docx", "b.docx"] {
        let out = dir.path().join(name);
        Command::cargo_bin("cctthc")
            .unwrap()
            .current_dir(&examples)
            .env("XDG_CONFIG_HOME", dir.path())
            .args([
                "report",
                "--month",
                "6",
                "--year",
                "2023",
                "--date",
                "15/07/2023",
                "-t",
                "bieu-duong-nhac-nho",
                "-q",
                "-o",
            ])
            .arg(&out)
            .assert()
            .success();
        outputs.push(fs::read(&out).unwrap());
    }
    assert!(outputs[0] == outputs[1], "two runs differ");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&outputs[0])).unwrap();
    let media: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.starts_with("word/media/"))
        .map(|n| n.into_owned())
        .collect();
    assert_eq!(media.len(), 1, "{media:?}");
    let mut png = Vec::new();
    zip.by_name(&media[0])
        .unwrap()
        .read_to_end(&mut png)
        .unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let xml = {
        let mut s = String::new();
        zip.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        s
    };
    assert!(xml.contains("<w:drawing>"));
}

/// The year-to-date dossiers of the fixture, counted from its CSV: received
/// by 22/11/2023 and not ended before 1 January, leaving out those never
/// received (SPEC §3–4).
fn year_to_date_total() -> u64 {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ref004/canonical.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (received, ended, handed, status) = (
        col("ngay_tiep_nhan"),
        col("ngay_ket_thuc"),
        col("ngay_tra_ket_qua"),
        col("trang_thai"),
    );
    // `d/m/yyyy …` or `yyyy-mm-dd…` as yyyymmdd, comparable as numbers.
    let day = |s: &str| -> Option<u32> {
        let mut numbers = s
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty());
        let (a, b, c) = (numbers.next()?, numbers.next()?, numbers.next()?);
        let (y, m, d) = if a.len() == 4 { (a, b, c) } else { (c, b, a) };
        Some(
            y.parse::<u32>().ok()? * 10_000
                + m.parse::<u32>().ok()? * 100
                + d.parse::<u32>().ok()?,
        )
    };
    let not_received = [
        "Mới đăng ký",
        "Không được tiếp nhận",
        "Từ chối tiếp nhận",
        "1",
        "3",
    ];
    // A code read twice counts once, as its last reading says.
    let mut last = std::collections::HashMap::new();
    for row in reader.records() {
        let row = row.unwrap();
        last.insert(row[0].to_string(), row);
    }
    let mut n = 0;
    for row in last.values() {
        if not_received.contains(&&row[status]) {
            continue;
        }
        let Some(r) = day(&row[received]) else {
            continue;
        };
        let end = day(&row[ended]).or_else(|| day(&row[handed]));
        // Dates as yyyymmdd numbers.
        if r <= 20231122 && end.is_none_or(|e| e >= 20230101) {
            n += 1;
        }
    }
    n
}
