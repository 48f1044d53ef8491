//! Hostile input and wrong output (issue 11): memory bounds on hostile
//! spreadsheets and templates, silent data changes, CSV for Excel, long
//! values in messages, and the letters' headers and sentences.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use tempfile::TempDir;

const HEADER: &str = "ma_ho_so,don_vi,kenh,ngay_tiep_nhan,ngay_hen_tra,ngay_ket_thuc,trang_thai,ten_thu_tuc,linh_vuc,cap\n";

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

// ---------------------------------------------------------------------------
// Tables in full off a terminal (SPEC §5), the overdue window (SPEC §11)

const LONG_UNIT: &str = "Chi nhánh Văn phòng đăng ký đất đai huyện Tứ Kỳ tỉnh Hải Dương";

#[test]
fn a_table_in_a_file_or_a_pipe_has_whole_names() {
    let dir = TempDir::new().unwrap();
    fs::write(
        dir.path().join("ho-so.csv"),
        format!(
            "{HEADER}A,{LONG_UNIT},2,01/11/2023,05/11/2023,,Đang xử lý,Đăng ký đất đai lần đầu cho hộ gia đình cá nhân,Đất đai,huyen\n"
        ),
    )
    .unwrap();
    // The test's stdout is a pipe, not a terminal.
    let out = cctthc(dir.path())
        .env("COLUMNS", "40")
        .args([
            "stats",
            "-i",
            "ho-so.csv",
            "--month",
            "11",
            "--year",
            "2023",
            "--by",
            "don_vi",
        ])
        .output()
        .unwrap();
    code(&out, 0);
    let table = text(&out.stdout);
    assert!(table.contains(LONG_UNIT), "{table}");
    assert!(!table.contains('…'), "{table}");

    let out = cctthc(dir.path())
        .env("COLUMNS", "40")
        .args([
            "qua-han",
            "-i",
            "ho-so.csv",
            "--ngay",
            "06/11/2023",
            "-o",
            "qh.txt",
        ])
        .output()
        .unwrap();
    code(&out, 0);
    let list = fs::read_to_string(dir.path().join("qh.txt")).unwrap();
    assert!(list.contains(LONG_UNIT), "{list}");
    assert!(
        list.contains("Đăng ký đất đai lần đầu cho hộ gia đình cá nhân"),
        "{list}"
    );
}

/// `--trong` past the calendar's end is clamped to it: every dossier due
/// later is listed, none is lost to an overflow.
#[test]
fn a_huge_overdue_window_lists_everything_due() {
    let dir = TempDir::new().unwrap();
    fs::write(
        dir.path().join("ho-so.csv"),
        format!(
            "{HEADER}A,UBND xã A,2,01/11/2023,05/11/2099,,Đang xử lý,X,Y,xa\nB,UBND xã A,2,01/11/2023,05/11/2023,,Đang xử lý,X,Y,xa\n"
        ),
    )
    .unwrap();
    let out = run(
        dir.path(),
        &[
            "qua-han",
            "-i",
            "ho-so.csv",
            "--ngay",
            "06/11/2023",
            "--trong",
            "100000000",
            "--format",
            "json",
        ],
    );
    code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = v["ho_so"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{v}");
    assert_eq!(list[0]["tinh_trang"], "qua_han");
    assert_eq!(list[1]["ma_ho_so"], "A");
    assert_eq!(list[1]["tinh_trang"], "sap_den_han");
}

// ---------------------------------------------------------------------------
// The per-unit analysis is linear (issue 11, item 6)

/// `rows` dossiers spread over `units` units, every one in November 2023.
fn many_units(path: &Path, rows: usize, units: usize) {
    let mut csv = String::with_capacity(rows * 90);
    csv.push_str(HEADER);
    for i in 0..rows {
        let day = 1 + i % 28;
        let (end, status) = if i % 3 == 0 {
            (String::new(), "Đang xử lý")
        } else {
            (
                format!("{:02}/11/2023", (day + 3).min(30)),
                "Đã trả kết quả",
            )
        };
        csv.push_str(&format!(
            "HS{i},UBND xã Số {},{},{day:02}/11/2023,{:02}/11/2023,{end},{status},Thủ tục {},Lĩnh vực {},xa\n",
            i % units,
            1 + i % 2,
            (day + 5).min(30),
            i % 11,
            i % 7
        ));
    }
    fs::write(path, csv).unwrap();
}

/// The CPU time (user and system) a run of cctthc takes, in seconds.
#[cfg(unix)]
// The child is waited for by wait4, which gives its CPU time.
#[allow(clippy::zombie_processes)]
// A child's CPU time is only had from wait4; the crate's code stays safe.
#[allow(unsafe_code)]
fn cpu_seconds(dir: &Path, args: &[&str]) -> f64 {
    let bin = assert_cmd::cargo::cargo_bin("cctthc");
    let child = std::process::Command::new(bin)
        .current_dir(dir)
        .env("XDG_CONFIG_HOME", dir.join("no-config"))
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pid is our own child, not yet waited for; the pointers
    // are to live locals.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{args:?}"
    );
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// 100 000 units cost at most a few times 30 units on the same rows: the
/// work per unit is a constant, never a search through the others. Each
/// side is the fastest of two runs, as a ratio measured here, not a time.
#[cfg(unix)]
#[test]
fn a_hundred_thousand_units_cost_a_few_times_thirty() {
    let dir = TempDir::new().unwrap();
    const ROWS: usize = 200_000;
    many_units(&dir.path().join("it.csv"), ROWS, 30);
    many_units(&dir.path().join("nhieu.csv"), ROWS, 100_000);
    let stats = |file: &str| {
        let args = ["stats", "-i", file, "--month", "11", "--year", "2023"];
        cpu_seconds(dir.path(), &args).min(cpu_seconds(dir.path(), &args))
    };
    let few = stats("it.csv");
    let many = stats("nhieu.csv");
    let ratio = many / few;
    eprintln!("stats: 30 units {few:.2} s, 100 000 units {many:.2} s of CPU: {ratio:.1} times");
    // A search per unit made it hundreds of times (issue 11: 30–45 s
    // against 0.05 s). Linear, a unit still costs more than a row: about
    // 60 µs against 7 µs unoptimised (6 times here), 10 µs against 0.35 µs
    // in an optimised build, where reading rows is that much faster.
    let bound = if cfg!(debug_assertions) { 10.0 } else { 40.0 };
    assert!(
        ratio < bound,
        "100 000 units cost {ratio:.1} times 30 units ({many:.2} s against {few:.2} s)"
    );
}

// ---------------------------------------------------------------------------
// Memory stays bounded on hostile files (SPEC §9), under a 1 GB limit

/// Runs cctthc with its address space limited to about 1 GB, as a small
/// machine or a container would have it; `None` where `sh` is missing.
fn limited(dir: &Path, args: &[&str]) -> Option<Output> {
    if !Path::new("/bin/sh").exists() {
        eprintln!("SKIPPED: no /bin/sh to set ulimit -v");
        return None;
    }
    let bin = assert_cmd::cargo::cargo_bin("cctthc");
    let out = std::process::Command::new("/bin/sh")
        .arg("-c")
        .arg("ulimit -v 1000000 && exec \"$0\" \"$@\"")
        .arg(bin)
        .args(args)
        .current_dir(dir)
        .env("XDG_CONFIG_HOME", dir.join("no-config"))
        .env("CCTTHC_TODAY", "2024-01-15")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    Some(out)
}

/// A clear refusal: exit 1, the file named, a Vietnamese message, and no
/// abort, panic or library message.
#[track_caller]
fn refused(out: &Output, file: &str, needle: &str) {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for bad in ["panicked", "memory allocation", "backtrace", "Aborted"] {
        assert!(!err.contains(bad), "{err}");
    }
    assert!(err.contains(file) && err.contains(needle), "{err}");
    short_lines(&out.stderr, 400);
}

/// A workbook of one sheet, its shared strings and cells as given.
fn workbook(shared: &str, sheet: &str) -> Vec<u8> {
    let ns = "http://schemas.openxmlformats.org";
    zip_file(&[
        (
            "[Content_Types].xml",
            format!(
                r#"<?xml version="1.0"?><Types xmlns="{ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#
            )
            .as_bytes(),
        ),
        (
            "_rels/.rels",
            format!(
                r#"<?xml version="1.0"?><Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            )
            .as_bytes(),
        ),
        (
            "xl/workbook.xml",
            format!(
                r#"<?xml version="1.0"?><workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            )
            .as_bytes(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                r#"<?xml version="1.0"?><Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{ns}/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
            )
            .as_bytes(),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                r#"<?xml version="1.0"?><worksheet xmlns="{ns}/spreadsheetml/2006/main"><sheetData>{sheet}</sheetData></worksheet>"#
            )
            .as_bytes(),
        ),
        (
            "xl/sharedStrings.xml",
            format!(r#"<?xml version="1.0"?>{shared}"#).as_bytes(),
        ),
    ])
}

/// The header row of the hostile workbooks, as inline strings.
fn header_row() -> String {
    let names = [
        "ma_ho_so",
        "don_vi",
        "kenh",
        "ngay_tiep_nhan",
        "ngay_hen_tra",
        "trang_thai",
        "cap",
    ];
    let cells: String = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            format!(
                r#"<c r="{}1" t="inlineStr"><is><t>{n}</t></is></c>"#,
                char::from(b'A' + i as u8)
            )
        })
        .collect();
    format!(r#"<row r="1">{cells}</row>"#)
}

#[test]
fn a_workbook_declaring_four_billion_shared_strings_is_refused() {
    let dir = TempDir::new().unwrap();
    let ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let book = workbook(
        &format!(
            r#"<sst xmlns="{ns}" count="4294967295" uniqueCount="4294967295"><si><t>x</t></si></sst>"#
        ),
        &header_row(),
    );
    assert!(book.len() < 4096, "{}", book.len());
    fs::write(dir.path().join("sst.xlsx"), book).unwrap();
    let Some(out) = limited(
        dir.path(),
        &["stats", "-i", "sst.xlsx", "--month", "11", "--year", "2023"],
    ) else {
        return;
    };
    refused(&out, "sst.xlsx", "4.294.967.295 chuỗi");
}

#[test]
fn one_ten_megabyte_string_in_two_thousand_cells_is_refused() {
    let dir = TempDir::new().unwrap();
    let ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let huge = "x".repeat(10 << 20);
    let mut sheet = header_row();
    for r in 2..2002 {
        sheet.push_str(&format!(
            r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>HS{r}</t></is></c><c r="B{r}" t="s"><v>0</v></c></row>"#
        ));
    }
    let book = workbook(
        &format!(r#"<sst xmlns="{ns}" count="2000" uniqueCount="1"><si><t>{huge}</t></si></sst>"#),
        &sheet,
    );
    assert!(book.len() < 200 << 10, "{}", book.len());
    fs::write(dir.path().join("to.xlsx"), book).unwrap();
    let Some(out) = limited(
        dir.path(),
        &["stats", "-i", "to.xlsx", "--month", "11", "--year", "2023"],
    ) else {
        return;
    };
    refused(&out, "to.xlsx", "ô B2 dài 10.485.760 ký tự");
    assert!(text(&out.stderr).contains("'xxxxxxxx"));
}

#[test]
fn an_xls_declaring_billions_of_cells_is_refused() {
    let dir = TempDir::new().unwrap();
    let real = fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real/baocaothongke.xls"),
    )
    .unwrap();
    // The fixture's DIMENSIONS record (type 0x0200, 14 bytes), its last
    // row made 4 294 967 280.
    let at = real
        .windows(4)
        .position(|w| w == [0x00, 0x02, 0x0E, 0x00])
        .unwrap();
    let mut bad = real.clone();
    bad[at + 8..at + 12].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    fs::write(dir.path().join("dims.xls"), bad).unwrap();
    let Some(out) = limited(
        dir.path(),
        &["stats", "-i", "dims.xls", "--month", "11", "--year", "2023"],
    ) else {
        return;
    };
    refused(&out, "dims.xls", "4.294.967.280");
}

/// A minimal template: one paragraph per line of `lines`.
fn template(lines: &[&str]) -> Vec<u8> {
    let body: String = lines
        .iter()
        .map(|l| format!(r#"<w:p><w:r><w:t xml:space="preserve">{l}</w:t></w:r></w:p>"#))
        .collect();
    let doc = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    zip_file(&[("word/document.xml", doc.as_bytes())])
}

#[test]
fn a_template_looping_in_a_loop_is_refused() {
    let dir = TempDir::new().unwrap();
    fs::write(
        dir.path().join("ho-so.csv"),
        format!("{HEADER}A,UBND xã A,2,01/11/2023,05/11/2023,,Đang xử lý,X,Y,xa\n"),
    )
    .unwrap();
    fs::write(
        dir.path().join("vong.docx"),
        template(&[
            "{% for i in range(100000) %}",
            "{% for j in range(100000) %}",
            "{{ i }} {{ j }} {{ tong.tiep_nhan.tong }}",
            "{% endfor %}",
            "{% endfor %}",
        ]),
    )
    .unwrap();
    let Some(out) = limited(
        dir.path(),
        &[
            "report",
            "-i",
            "ho-so.csv",
            "--month",
            "11",
            "--year",
            "2023",
            "-t",
            "vong.docx",
            "-o",
            "r.docx",
        ],
    ) else {
        return;
    };
    refused(&out, "vong.docx", "quá nhiều việc");
    assert!(!dir.path().join("r.docx").exists());
    // The same in a string built by the template.
    fs::write(
        dir.path().join("chuoi.docx"),
        template(&["{{ 'x' * 1000000000 }}"]),
    )
    .unwrap();
    let Some(out) = limited(
        dir.path(),
        &[
            "report",
            "-i",
            "ho-so.csv",
            "--month",
            "11",
            "--year",
            "2023",
            "-t",
            "chuoi.docx",
            "-o",
            "r.docx",
        ],
    ) else {
        return;
    };
    refused(&out, "chuoi.docx", "quá nhiều việc");
}

#[test]
fn an_empty_template_is_an_error() {
    let dir = TempDir::new().unwrap();
    fs::write(
        dir.path().join("ho-so.csv"),
        format!("{HEADER}A,UBND xã A,2,01/11/2023,05/11/2023,,Đang xử lý,X,Y,xa\n"),
    )
    .unwrap();
    fs::write(
        dir.path().join("trong.docx"),
        zip_file(&[("word/document.xml", b"")]),
    )
    .unwrap();
    let ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    fs::write(
        dir.path().join("khong-doan.docx"),
        zip_file(&[(
            "word/document.xml",
            format!(r#"<w:document xmlns:w="{ns}"><w:body/></w:document>"#).as_bytes(),
        )]),
    )
    .unwrap();
    for (file, needle) in [
        ("trong.docx", "trống"),
        ("khong-doan.docx", "không có đoạn nào"),
    ] {
        let out = run(
            dir.path(),
            &[
                "report",
                "-i",
                "ho-so.csv",
                "--month",
                "11",
                "--year",
                "2023",
                "-t",
                file,
                "-o",
                "r.docx",
            ],
        );
        code(&out, 1);
        assert!(text(&out.stderr).contains(needle), "{}", text(&out.stderr));
        let out = run(dir.path(), &["template", "check", file]);
        code(&out, 1);
        assert!(text(&out.stderr).contains(needle), "{}", text(&out.stderr));
    }
    assert!(!dir.path().join("r.docx").exists());
}

// ---------------------------------------------------------------------------
// No silent data changes (SPEC §1.2)

fn utf16le(units: &[u16]) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    out.extend(units.iter().flat_map(|u| u.to_le_bytes()));
    out
}

/// Two codes that differ only in a lone surrogate were both read as
/// `HS1�` and merged into one dossier.
#[test]
fn utf16_lone_surrogates_are_an_error_on_their_line() {
    let dir = TempDir::new().unwrap();
    let mut units: Vec<u16> = HEADER.encode_utf16().collect();
    for (i, lone) in [0xD800u16, 0xDC00].into_iter().enumerate() {
        units.extend("HS1".encode_utf16());
        units.push(lone);
        units.extend(
            format!(
                ",UBND xã A,2,0{}/11/2023,05/11/2023,,Đang xử lý,X,Y,xa\n",
                i + 1
            )
            .encode_utf16(),
        );
    }
    units.extend("HS2,UBND xã A,2,01/11/2023,05/11/2023,,Đang xử lý,X,Y,xa\n".encode_utf16());
    fs::write(dir.path().join("u16.csv"), utf16le(&units)).unwrap();
    let out = run(
        dir.path(),
        &["stats", "-i", "u16.csv", "--month", "11", "--year", "2023"],
    );
    code(&out, 3);
    let err = text(&out.stderr);
    for line in [2, 3] {
        assert!(
            err.contains(&format!("u16.csv:{line}: trường 'ma_ho_so' = 'HS1")),
            "{err}"
        );
    }
    assert!(err.contains("UTF-16LE không hợp lệ"), "{err}");
    let out = run(
        dir.path(),
        &[
            "stats",
            "-i",
            "u16.csv",
            "--month",
            "11",
            "--year",
            "2023",
            "--format",
            "json",
            "--skip-invalid",
            "--rejects",
            "loi.csv",
        ],
    );
    code(&out, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["nhap_lieu"]["ho_so"], 1, "{v}");
    assert_eq!(v["nhap_lieu"]["loi"], 2, "{v}");

    // JSON in UTF-16 with a lone surrogate: the file is refused at its line.
    let mut units: Vec<u16> = "[\n{\"ma_ho_so\": \"HS1".encode_utf16().collect();
    units.push(0xD800);
    units.extend("\"}\n]\n".encode_utf16());
    fs::write(dir.path().join("u16.json"), utf16le(&units)).unwrap();
    let out = run(
        dir.path(),
        &["stats", "-i", "u16.json", "--month", "11", "--year", "2023"],
    );
    code(&out, 1);
    let err = text(&out.stderr);
    assert!(
        err.contains("u16.json:2:") && err.contains("surrogate"),
        "{err}"
    );
}

/// A UTF-8 file with one stray byte in a field's name: the row is an
/// error, never a name with U+FFFD.
#[test]
fn a_stray_byte_in_a_kept_text_is_an_error() {
    let dir = TempDir::new().unwrap();
    let mut csv = format!("{HEADER}A,UBND xã A,2,01/11/2023,05/11/2023,,Đang xử lý,X,Hộ tịch,xa\n")
        .into_bytes();
    csv.extend_from_slice(b"B,UBND x\xc3\xa3 A,2,01/11/2023,05/11/2023,,\xc4\x90ang x\xe1\xbb\xad l\xc3\xbd,X,H\xff t\xe1\xbb\x8bch,xa\n");
    fs::write(dir.path().join("le.csv"), csv).unwrap();
    let out = run(
        dir.path(),
        &["stats", "-i", "le.csv", "--month", "11", "--year", "2023"],
    );
    code(&out, 3);
    let err = text(&out.stderr);
    assert!(err.contains("le.csv:3: trường 'linh_vuc'"), "{err}");
}

/// A UTF-8 BOM before Windows-1258 text (an editor added it): with
/// `--encoding windows-1258` the BOM is dropped, not read into the first
/// header.
#[test]
fn a_forced_encoding_drops_a_foreign_bom() {
    let dir = TempDir::new().unwrap();
    // "UBND xã A" and "Đang xử lý" in Windows-1258: tones as combining
    // marks (0xDE tilde, 0xF2 hook above, 0xEC acute), Đ 0xD0, ư 0xFD.
    let row: &[u8] = b"A,UBND xa\xDE A,2,01/11/2023,05/11/2023,,\xD0ang x\xFD\xF2 ly\xEC,X,Y,xa\n";
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(HEADER.as_bytes());
    bytes.extend_from_slice(row);
    fs::write(dir.path().join("bom.csv"), &bytes).unwrap();
    let mut page = b"\xEF\xBB\xBF<html><body><table><tr><th>".to_vec();
    page.extend_from_slice(HEADER.trim().replace(',', "</th><th>").as_bytes());
    page.extend_from_slice(b"</th></tr><tr><td>");
    let cells: Vec<&[u8]> = row.trim_ascii_end().split(|&b| b == b',').collect();
    page.extend_from_slice(&cells.join(&b"</td><td>"[..]));
    page.extend_from_slice(b"</td></tr></table></body></html>");
    fs::write(dir.path().join("bom.xls"), &page).unwrap();
    for file in ["bom.csv", "bom.xls"] {
        let out = run(
            dir.path(),
            &[
                "stats",
                "-i",
                file,
                "--encoding",
                "windows-1258",
                "--month",
                "11",
                "--year",
                "2023",
                "--format",
                "json",
            ],
        );
        code(&out, 0);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["theo_don_vi"][0]["don_vi"], "UBND xã A", "{file}: {v}");
        assert_eq!(v["tong"]["dang_giai_quyet"]["tong"], 1, "{file}: {v}");
    }
}

/// A NUL byte in a data row is that row's error, with its line; one
/// before the header makes the file binary, said with the line.
#[test]
fn a_nul_byte_is_an_error_with_its_line() {
    let dir = TempDir::new().unwrap();
    let rows = format!(
        "{HEADER}A,UBND xã A,2,01/11/2023,05/11/2023,,Đang xử lý,X,Y,xa\nB,UBND xã\0B,2,01/11/2023,05/11/2023,,Đang xử lý,X,Y,xa\n"
    );
    fs::write(dir.path().join("nul.csv"), &rows).unwrap();
    let out = run(
        dir.path(),
        &["stats", "-i", "nul.csv", "--month", "11", "--year", "2023"],
    );
    code(&out, 3);
    let err = text(&out.stderr);
    assert!(
        err.contains("nul.csv:3: trường 'don_vi' = 'UBND xã\\0B'") && err.contains("NUL"),
        "{err}"
    );
    // Past the first megabyte, the same.
    let mut far = HEADER.to_string();
    for i in 0..20_000 {
        far.push_str(&format!(
            "A{i},UBND xã A,2,01/11/2023,05/11/2023,,Đang xử lý,X,Y,xa\n"
        ));
    }
    far.push_str("B,UBND xã\0B,2,01/11/2023,05/11/2023,,Đang xử lý,X,Y,xa\n");
    assert!(far.len() > 1 << 20);
    fs::write(dir.path().join("xa.csv"), &far).unwrap();
    let out = run(
        dir.path(),
        &["stats", "-i", "xa.csv", "--month", "11", "--year", "2023"],
    );
    code(&out, 3);
    assert!(
        text(&out.stderr).contains("xa.csv:20002: trường 'don_vi'"),
        "{}",
        text(&out.stderr)
    );

    fs::write(dir.path().join("nhi-phan.csv"), format!("TI\0TLE\n{rows}")).unwrap();
    let out = run(
        dir.path(),
        &[
            "stats",
            "-i",
            "nhi-phan.csv",
            "--month",
            "11",
            "--year",
            "2023",
        ],
    );
    code(&out, 1);
    let err = text(&out.stderr);
    assert!(
        err.contains("nhi-phan.csv") && err.contains("dòng 1 chứa byte NUL"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------
// A message quotes at most 80 characters of any value (SPEC §9)

/// No line of `bytes` holds more than 80 characters of the long value.
#[track_caller]
fn quotes_short(what: &str, bytes: &[u8]) {
    let run = "A".repeat(81);
    for line in text(bytes).lines() {
        assert!(
            !line.contains(&run),
            "{what}: a line quotes more than 80 characters: {}…",
            line.chars().take(300).collect::<String>()
        );
    }
}

#[test]
fn a_ten_kilobyte_value_is_quoted_in_eighty_characters() {
    let dir = TempDir::new().unwrap();
    let long = format!("Đơn vị {}", "A".repeat(10_000));
    let short = "UBND xã Ngọc Kỳ";
    // No level for the long unit: an error naming it, with its fix.
    fs::write(
        dir.path().join("ho-so.csv"),
        format!(
            "ma_ho_so,don_vi,kenh,ngay_tiep_nhan,ngay_hen_tra,ngay_ket_thuc,trang_thai,{long}\n\
             A,{long},2,01/11/2023,05/11/2023,,Đang xử lý,\n\
             B,{short},2,01/11/2023,05/11/2023,,{long},\n\
             C,{short},2,01/11/2023,05/11/2023,{long},Đã trả kết quả,\n\
             {long},{short},{long},01/11/2023,05/11/2023,,Đang xử lý,\n\
             ,{long},,,,,,\n"
        ),
    )
    .unwrap();
    // A header of 10 kB and no required column.
    fs::write(dir.path().join("tieu-de.csv"), format!("{long},x\n1,2\n")).unwrap();
    // Units known by a level: the long one through config.
    fs::create_dir_all(dir.path().join("cfg")).unwrap();
    fs::write(
        dir.path().join("cfg/cctthc.toml"),
        format!("[[don_vi]]\nten = \"{long}\"\ncap = \"xa\"\n"),
    )
    .unwrap();
    fs::write(
        dir.path().join("hai.toml"),
        format!(
            "[[don_vi]]\nten = \"{long}\"\ncap = \"xa\"\n[[don_vi]]\nten = \"Khác\"\ncap = \"xa\"\nten_khac = [\"{long}\"]\n"
        ),
    )
    .unwrap();
    let month = ["--month", "11", "--year", "2023"];
    let with = |args: &[&str]| -> Vec<String> {
        args.iter()
            .map(|s| s.to_string())
            .chain(month.iter().map(|s| s.to_string()))
            .collect()
    };
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("stats", with(&["stats", "-i", "ho-so.csv"])),
        ("check", with(&["check", "-i", "ho-so.csv"])),
        (
            "check --goi-y",
            with(&["check", "-i", "ho-so.csv", "--goi-y"]),
        ),
        (
            "report",
            with(&[
                "report",
                "-i",
                "ho-so.csv",
                "--skip-invalid",
                "--format",
                "text",
            ]),
        ),
        (
            "report --don-vi",
            with(&[
                "report",
                "-i",
                "ho-so.csv",
                "--skip-invalid",
                "--don-vi",
                "Đơn vị",
                "--format",
                "text",
            ]),
        ),
        (
            "report --don-vi long",
            with(&[
                "report",
                "-i",
                "ho-so.csv",
                "--skip-invalid",
                "--don-vi",
                &long,
                "--format",
                "text",
            ]),
        ),
        (
            "qua-han",
            vec![
                "qua-han".into(),
                "-i".into(),
                "ho-so.csv".into(),
                "--ngay".into(),
                "30/11/2023".into(),
            ],
        ),
        ("header", with(&["stats", "-i", "tieu-de.csv"])),
        (
            "config clash",
            with(&["stats", "--config", "hai.toml", "-i", "ho-so.csv"]),
        ),
        (
            "--month",
            vec![
                "stats".into(),
                "-i".into(),
                "ho-so.csv".into(),
                "--month".into(),
                long.clone(),
            ],
        ),
        (
            "--from",
            vec![
                "stats".into(),
                "-i".into(),
                "ho-so.csv".into(),
                "--from".into(),
                long.clone(),
                "--to".into(),
                "01/01/2024".into(),
            ],
        ),
        (
            "--encoding",
            with(&["stats", "-i", "ho-so.csv", "--encoding", &long]),
        ),
        (
            "--sheet",
            with(&["stats", "-i", "tieu-de.csv", "--sheet", &long]),
        ),
        (
            "--chart",
            with(&[
                "stats",
                "-i",
                "ho-so.csv",
                "--skip-invalid",
                "--chart",
                &long,
            ]),
        ),
        (
            "--template",
            with(&["report", "-i", "ho-so.csv", "--template", &long]),
        ),
    ];
    for (what, args) in &cases {
        for config in [None, Some("cfg")] {
            let mut cmd = cctthc(dir.path());
            if let Some(c) = config {
                cmd.env("XDG_CONFIG_HOME", dir.path().join(c));
            }
            let out = cmd.args(args).output().unwrap();
            assert!(out.status.code().is_some(), "{what}: killed");
            quotes_short(what, &out.stderr);
            if *what == "check" {
                quotes_short(what, &out.stdout);
            }
        }
    }
    // A template naming a long unknown value, and a long paragraph.
    fs::write(
        dir.path().join("mau.docx"),
        template(&[&format!("{{{{ {} }}}} {long}", "A".repeat(10_000))]),
    )
    .unwrap();
    let out = run(dir.path(), &["template", "check", "mau.docx"]);
    quotes_short("template check", &out.stderr);
    // Its problems; the tags it lists are its output, as written.
    let problems = text(&out.stdout);
    let problems = problems.split("lỗi:").nth(1).unwrap_or_default();
    quotes_short("template check", problems.as_bytes());
    let out = run(
        dir.path(),
        &[
            "report",
            "-i",
            "ho-so.csv",
            "--skip-invalid",
            "-t",
            "mau.docx",
            "-o",
            "r.docx",
            "--month",
            "11",
            "--year",
            "2023",
        ],
    );
    code(&out, 1);
    quotes_short("report -t", &out.stderr);
}
