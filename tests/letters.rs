//! The letters through the real binary, on the example data (`examples/`:
//! district Tứ Kỳ, January–November 2023):
//!
//! - `bieu-duong-nhac-nho` (reference 001) for June 2023: the units it
//!   commends, criticises and reminds, and their figures, are those of
//!   `cctthc stats --format json` for the same month;
//! - `cong-van-xa` (reference 000) restricted to one commune
//!   (`--don-vi`): the commune's year to date and month.
//!
//! Expected strings are derived from the `stats` JSON, formatted the way
//! SPEC §6 says the filters write (4.224/4.226, 98,83%, tăng 0,66%…).
//! When LibreOffice is installed, the letters are converted to PDF.

mod skip;
use skip::skipped;

use std::ffi::OsString;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn cctthc(tmp: &Path) -> Command {
    let mut cmd = Command::cargo_bin("cctthc").unwrap();
    cmd.current_dir(root().join("examples"))
        .env("XDG_CONFIG_HOME", tmp.join("no-config"))
        .env("CCTTHC_TODAY", "2023-07-15")
        .env("NO_COLOR", "1");
    cmd
}

fn stats(tmp: &Path, month: &str) -> Value {
    json_of(tmp, "stats", month)
}

/// The overdue dossiers of a month, from the report's context (`stats`
/// gives figures, not dossiers).
fn late_of(tmp: &Path, month: &str) -> Vec<Value> {
    let context = json_of(tmp, "report", month);
    context["qua_han"].as_array().expect("qua_han").clone()
}

/// The JSON `command` prints for a month of 2023.
fn json_of(tmp: &Path, command: &str, month: &str) -> Value {
    let out = cctthc(tmp)
        .args([
            command, "--month", month, "--year", "2023", "--format", "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{command} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

// ---------------------------------------------------------------------------
// The Vietnamese number style of SPEC §6

/// 1.263
fn so(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// 06, 01; 0 stays 0.
fn so2(n: usize) -> String {
    if (1..10).contains(&n) {
        format!("0{n}")
    } else {
        so(n as i64)
    }
}

/// "98.83" → 9883 (hundredths).
fn hundredths(s: &Value) -> i64 {
    let s = s
        .as_str()
        .unwrap_or_else(|| panic!("a percentage string: {s}"));
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let frac = format!("{frac:0<2}");
    let v = int.parse::<i64>().unwrap() * 100 + frac[..2].parse::<i64>().unwrap();
    if neg { -v } else { v }
}

/// 9883 → "98,83"; 8980 → "89,8"; 10000 → "100".
fn decimal(h: i64) -> String {
    let int = so(h / 100);
    let frac = format!("{:02}", h % 100);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        int
    } else {
        format!("{int},{frac}")
    }
}

/// A ratio object or its `phan_tram` → "98,83%".
fn pct(v: &Value) -> String {
    let p = if v.is_object() { &v["phan_tram"] } else { v };
    format!("{}%", decimal(hundredths(p)))
}

/// A ratio object → "4.224/4.226".
fn ty_so(r: &Value) -> String {
    format!(
        "{}/{}",
        so(r["tu_so"].as_i64().unwrap()),
        so(r["mau_so"].as_i64().unwrap())
    )
}

/// A change in hundredths of a point → "tăng 0,66%".
fn chenh_lech(d: i64) -> String {
    match d.signum() {
        0 => "không đổi".into(),
        1 => format!("tăng {}%", decimal(d)),
        _ => format!("giảm {}%", decimal(-d)),
    }
}

/// A difference against an average → "thấp hơn 7,24%".
fn so_sanh(d: i64) -> String {
    match d.signum() {
        0 => "bằng".into(),
        1 => format!("cao hơn {}%", decimal(d)),
        _ => format!("thấp hơn {}%", decimal(-d)),
    }
}

/// "2023-09-30" → "30/09/2023".
fn ngay(v: &Value) -> String {
    let s = v.as_str().unwrap();
    format!("{}/{}/{}", &s[8..10], &s[5..7], &s[..4])
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().expect("a unit name").to_string())
        .collect()
}

fn unit<'a>(st: &'a Value, name: &str) -> &'a Value {
    st["theo_don_vi"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["don_vi"] == name)
        .unwrap_or_else(|| panic!("no unit {name} in stats"))
}

// ---------------------------------------------------------------------------
// Rendering

/// The names `cctthc template init` writes: the built-in templates.
fn builtins(tmp: &Path) -> Vec<String> {
    let dir = tmp.join("mau");
    cctthc(tmp)
        .args(["template", "init"])
        .arg(&dir)
        .assert()
        .success();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    names
}

/// The template with the chart paragraph emptied, for a binary without
/// `bieu_do`.
fn without_chart(docx: &[u8]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if name == "word/document.xml" {
            let xml = String::from_utf8(data).unwrap();
            let tag = "{{ bieu_do(&quot;thanh_toan_truc_tuyen&quot;) }}";
            assert!(xml.contains(tag), "the chart tag is in the template");
            data = xml.replace(tag, "").into_bytes();
        }
        out.start_file(name, options).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Renders the letter `name` with `args` to `tmp/name.docx`: the built-in
/// when it is registered, else `templates/name.docx`. When the binary does
/// not know `bieu_do` yet, a copy without the chart paragraph is rendered
/// instead (and a note printed). Returns the file and its plain text.
fn letter(tmp: &Path, name: &str, args: &[&str]) -> (PathBuf, String) {
    let out = tmp.join(format!("{name}.docx"));
    let file = root().join("templates").join(format!("{name}.docx"));
    let run = |template: OsString| -> Output {
        cctthc(tmp)
            .arg("report")
            .args(args)
            .args(["--date", "15/07/2023", "--template"])
            .arg(template)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap()
    };
    let template: OsString = if builtins(tmp).contains(&format!("{name}.docx")) {
        name.into()
    } else {
        eprintln!(
            "note: '{name}' is not a built-in template yet; using {}",
            file.display()
        );
        file.clone().into()
    };
    let mut output = run(template);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() && stderr.contains("không có hàm 'bieu_do'") {
        eprintln!(
            "note: the binary has no function bieu_do yet; rendering a copy of {} without the chart paragraph",
            file.display()
        );
        let copy = tmp.join(format!("{name}-khong-bieu-do.docx"));
        std::fs::write(&copy, without_chart(&std::fs::read(&file).unwrap())).unwrap();
        output = run(copy.into());
    }
    assert!(
        output.status.success(),
        "cctthc report {args:?} --template {name} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout.is_empty(), "stdout carries nothing");
    let bytes = std::fs::read(&out).expect("the letter is written");
    let text = cctthc::docx::text::to_text(&bytes, cctthc::docx::text::Style::Plain)
        .expect("the letter reads back");
    assert!(
        !text.contains("{{") && !text.contains("{%"),
        "a tag survives:\n{text}"
    );
    assert!(!text.contains("N/A"), "{text}");
    (out, text)
}

#[track_caller]
fn has(text: &str, s: &str) {
    assert!(text.contains(s), "no {s:?} in\n{text}");
}

#[track_caller]
fn has_line(text: &str, line: &str) {
    assert!(
        text.lines().any(|l| l.trim() == line),
        "no line {line:?} in\n{text}"
    );
}

/// Converts `docx` to PDF with LibreOffice and checks it is A4 with the
/// Quốc hiệu and "Kính gửi:" on its first page. Skips without soffice.
fn libreoffice(tmp: &Path, docx: &Path) {
    let ok = |p: &str, flag: &str| {
        Process::new(p)
            .arg(flag)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !ok("soffice", "--version") {
        skipped("the PDF: soffice (LibreOffice) is not installed");
        return;
    }
    let dir = tmp.join("pdf");
    let out = Process::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            tmp.join("lo-profile").display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&dir)
        .arg(docx)
        .output()
        .unwrap();
    // soffice exits 0 even when it fails: the PDF is the proof.
    let pdf = dir.join(docx.with_extension("pdf").file_name().unwrap());
    assert!(
        pdf.is_file(),
        "LibreOffice wrote no PDF: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if !ok("pdfinfo", "-v") || !ok("pdftotext", "-v") {
        skipped("the PDF checks: poppler-utils is not installed");
        return;
    }
    let info =
        String::from_utf8(Process::new("pdfinfo").arg(&pdf).output().unwrap().stdout).unwrap();
    assert!(info.contains("(A4)"), "{info}");
    let text = String::from_utf8(
        Process::new("pdftotext")
            .args(["-f", "1", "-l", "1", "-layout"])
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(
        text.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        "Quốc hiệu on one line:\n{text}"
    );
    assert!(text.contains("Kính gửi:"), "{text}");
}

// ---------------------------------------------------------------------------
// bieu-duong-nhac-nho: June 2023

#[test]
fn the_letter_commends_criticises_and_reminds_the_units_of_the_month() {
    let tmp = TempDir::new().unwrap();
    let tmp = tmp.path();
    let st = stats(tmp, "6");
    let (docx, text) = letter(
        tmp,
        "bieu-duong-nhac-nho",
        &["--month", "6", "--year", "2023"],
    );
    let ky = "tháng 6 năm 2023";
    let truoc = "tháng 5 năm 2023";
    let ds = &st["danh_sach"];
    let target = &st["chi_tieu"]["thanh_toan_truc_tuyen"];

    // Header and addressees.
    has(&text, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    has(&text, "Độc lập - Tự do - Hạnh phúc");
    has(
        &text,
        &format!(
            "V/v biểu dương, nhắc nhở các cơ quan, đơn vị trong thực hiện nhiệm vụ cải cách hành chính {ky}"
        ),
    );
    has(&text, "Tứ Kỳ, ngày 15 tháng 7 năm 2023");
    has(&text, "Kính gửi:");
    has(&text, "- Chủ tịch UBND các xã, phường, thị trấn.");

    // The overall ratios against the month before.
    let now = &st["tong"]["ty_le"];
    let before = &st["ky_lien_truoc"]["tong"]["ty_le"];
    for (label, key) in [
        (
            "tỷ lệ số hoá đầy đủ thành phần hồ sơ khi tiếp nhận đạt",
            "so_hoa_dau_vao",
        ),
        ("tỷ lệ số hoá kết quả giải quyết TTHC đạt", "so_hoa_dau_ra"),
        ("tỷ lệ thanh toán trực tuyến đạt", "thanh_toan_truc_tuyen"),
    ] {
        let change = hundredths(&now[key]["phan_tram"]) - hundredths(&before[key]["phan_tram"]);
        has(
            &text,
            &format!(
                "{label} {}, {} so với {truoc}",
                pct(&now[key]),
                chenh_lech(change)
            ),
        );
    }
    // The overdue dossiers of the month.
    let late = late_of(tmp, "6");
    if late.is_empty() {
        has(&text, "không phát sinh hồ sơ giải quyết TTHC quá hạn");
    } else {
        has(
            &text,
            &format!(
                "phát sinh {} hồ sơ giải quyết TTHC quá hạn ở lĩnh vực",
                so2(late.len())
            ),
        );
        for d in &late {
            has(&text, d["linh_vuc"].as_str().unwrap());
            has(&text, d["don_vi"].as_str().unwrap());
        }
    }

    // 1. Commendations.
    has_line(&text, "1. Biểu dương các cơ quan, đơn vị");
    let full = names(&ds["so_hoa_100"]);
    if full.is_empty() {
        assert!(!text.contains("đạt tỷ lệ 100%; gồm"), "{text}");
    } else {
        has(
            &text,
            &format!(
                "- {} cơ quan, đơn vị có kết quả tỷ lệ số hoá đầy đủ thành phần hồ sơ khi tiếp nhận và số hoá kết quả giải quyết TTHC trong {ky} đạt tỷ lệ 100%; gồm: ",
                so2(full.len())
            ),
        );
    }
    for name in &full {
        let r = &unit(&st, name)["ty_le"];
        has(
            &text,
            &format!(
                "{name} (tiếp nhận {} hồ sơ, giải quyết {} hồ sơ)",
                ty_so(&r["so_hoa_dau_vao"]),
                ty_so(&r["so_hoa_dau_ra"])
            ),
        );
    }
    let high = names(&ds["so_hoa_cao"]);
    if high.is_empty() {
        assert!(!text.contains("đạt tỷ lệ cao"), "{text}");
    }
    for name in &high {
        let r = &unit(&st, name)["ty_le"];
        has(
            &text,
            &format!(
                "{name} (tiếp nhận đạt {}; giải quyết đạt {})",
                pct(&r["so_hoa_dau_vao"]),
                pct(&r["so_hoa_dau_ra"])
            ),
        );
    }
    let paid = names(&ds["thanh_toan_dat"]);
    for name in &paid {
        let r = &unit(&st, name)["ty_le"];
        has(
            &text,
            &format!("{name} ({})", pct(&r["thanh_toan_truc_tuyen"])),
        );
    }

    // 2. Criticism, 3. reminders: only when someone is named; the
    // sections are numbered in order.
    let mut section = 1;
    let streaks = ds["chuoi_duoi_trung_binh"]["so_hoa_dau_vao"]
        .as_array()
        .unwrap();
    if streaks.is_empty() {
        assert!(!text.contains("Phê bình"), "{text}");
    } else {
        section += 1;
        let named: Vec<&str> = streaks
            .iter()
            .map(|s| s["don_vi"].as_str().unwrap())
            .collect();
        has_line(&text, &format!("{section}. Phê bình {}", named.join(", ")));
        for s in streaks {
            let u = unit(&st, s["don_vi"].as_str().unwrap());
            let average = &st["trung_binh"][u["cap"].as_str().unwrap()]["so_hoa_dau_vao"];
            has(
                &text,
                &format!(
                    "Có {} tháng liên tiếp tỷ lệ số hoá đầy đủ thành phần hồ sơ thấp hơn so với mức trung bình chung",
                    so2(s["so_thang"].as_u64().unwrap() as usize)
                ),
            );
            has(
                &text,
                &format!(
                    "(trong {ky}, đạt {}, {} so với {truoc}",
                    pct(&u["ty_le"]["so_hoa_dau_vao"]),
                    chenh_lech(hundredths(&u["chenh_lech"]["so_hoa_dau_vao"]))
                ),
            );
            has(
                &text,
                &format!(
                    "{} so với trung bình chung là {})",
                    so_sanh(hundredths(&u["so_voi_trung_binh"]["so_hoa_dau_vao"])),
                    pct(average)
                ),
            );
        }
    }
    let late_units = names(&ds["co_qua_han"]);
    if late_units.is_empty() {
        assert!(!text.contains("Nhắc nhở"), "{text}");
    } else {
        section += 1;
        has_line(
            &text,
            &format!("{section}. Nhắc nhở {}", late_units.join(", ")),
        );
        for name in &late_units {
            let fields = unit(&st, name)["qua_han_theo_linh_vuc"].as_array().unwrap();
            let count: u64 = fields.iter().map(|f| f["so_ho_so"].as_u64().unwrap()).sum();
            has(
                &text,
                &format!(
                    "đã để phát sinh {} hồ sơ quá hạn thuộc lĩnh vực {}",
                    so2(count as usize),
                    fields[0]["linh_vuc"].as_str().unwrap()
                ),
            );
        }
    }

    // 4. Online payment against the target.
    section += 1;
    has_line(&text, &format!("{section}. Về thanh toán trực tuyến"));
    if !paid.is_empty() {
        has(
            &text,
            &format!(
                "+ Có {} cơ quan, đơn vị thực hiện thanh toán trực tuyến đạt chỉ tiêu giao ({}), gồm {}.",
                so2(paid.len()),
                pct(target),
                paid.join(", ")
            ),
        );
    }
    let short = names(&ds["thanh_toan_chua_dat"]);
    if !short.is_empty() {
        let listed: Vec<String> = short
            .iter()
            .map(|n| {
                format!(
                    "{n} ({})",
                    pct(&unit(&st, n)["ty_le"]["thanh_toan_truc_tuyen"])
                )
            })
            .collect();
        has(
            &text,
            &format!(
                "+ Có {} cơ quan, đơn vị thực hiện thanh toán trực tuyến chưa đạt chỉ tiêu giao, gồm: {}",
                so2(short.len()),
                listed.join(", ")
            ),
        );
    }
    let very_low = names(&ds["thanh_toan_rat_thap"]);
    if !very_low.is_empty() {
        let listed: Vec<String> = very_low
            .iter()
            .map(|n| {
                format!(
                    "{n} ({})",
                    pct(&unit(&st, n)["ty_le"]["thanh_toan_truc_tuyen"])
                )
            })
            .collect();
        has(
            &text,
            &format!(
                "trong đó {} cơ quan, đơn vị có tỷ lệ thanh toán trực tuyến rất thấp (dưới {}): {}.",
                so2(very_low.len()),
                pct(&st["chi_tieu"]["rat_thap"]),
                listed.join(", ")
            ),
        );
    }
    let none = names(&ds["thanh_toan_khong"]);
    if none.is_empty() {
        assert!(
            !text.contains("chưa thực hiện thanh toán trực tuyến ("),
            "{text}"
        );
    } else {
        has(
            &text,
            &format!(
                "+ Có {} cơ quan, đơn vị chưa thực hiện thanh toán trực tuyến ({}).",
                so2(none.len()),
                none.join(", ")
            ),
        );
    }
    has(
        &text,
        &format!("Biểu đồ: Tỷ lệ thanh toán trực tuyến của các cơ quan, đơn vị {ky}"),
    );

    // 5. Tasks, closing, signature.
    section += 1;
    assert!(
        text.lines()
            .any(|l| l.starts_with(&format!("{section}. Chủ tịch ")) && l.contains(" giao ")),
        "section {section}, the tasks:\n{text}"
    );
    has(
        &text,
        &format!(
            "Đảm bảo ít nhất {} thanh toán trực tuyến trên Cổng dịch vụ công quốc gia",
            pct(target)
        ),
    );
    has(&text, "ngay trong tháng 7 năm 2023./.");
    has(&text, "Nơi nhận: - Như trên;");
    has(&text, "Đào Văn Soái");

    // The example data names units in every list the letter uses, so all
    // its sections show.
    for list in [
        "so_hoa_100",
        "thanh_toan_dat",
        "thanh_toan_chua_dat",
        "thanh_toan_khong",
        "co_qua_han",
    ] {
        assert!(!names(&ds[list]).is_empty(), "the June data has no {list}");
    }
    assert!(!streaks.is_empty());

    libreoffice(tmp, &docx);
}

// ---------------------------------------------------------------------------
// cong-van-xa: one commune

/// The commune letter's figures paragraph and what falls short, from the
/// unit's entry of `stats` (its month `ty_le` and year to date `luy_ke`).
fn check_commune_letter(st: &Value, late: &[Value], text: &str, name: &str, ky: &str) {
    let u = unit(st, name);
    let m = &u["ty_le"];
    let y = &u["luy_ke"]["ty_le"];
    has(
        text,
        &format!(
            "Tính đến ngày {}, có {} hồ sơ được tiếp nhận và giải quyết trên DVC ({ky} là {} hồ sơ), đạt {}; \
             tỷ lệ số hoá đầy đủ thành phần hồ sơ TTHC khi tiếp nhận là {} hồ sơ, đạt {} ({ky} là {} hồ sơ, đạt {}); \
             tỷ lệ số hoá kết quả giải quyết TTHC {} hồ sơ, đạt {} ({ky} là {} hồ sơ, đạt {}); \
             tỷ lệ thanh toán trực tuyến là {} hồ sơ, đạt {} ({ky} là {} hồ sơ, đạt {}).",
            ngay(&st["ky"]["den_ngay"]),
            ty_so(&y["truc_tuyen"]),
            ty_so(&m["truc_tuyen"]),
            pct(&y["truc_tuyen"]),
            ty_so(&y["so_hoa_dau_vao"]),
            pct(&y["so_hoa_dau_vao"]),
            ty_so(&m["so_hoa_dau_vao"]),
            pct(&m["so_hoa_dau_vao"]),
            ty_so(&y["so_hoa_dau_ra"]),
            pct(&y["so_hoa_dau_ra"]),
            ty_so(&m["so_hoa_dau_ra"]),
            pct(&m["so_hoa_dau_ra"]),
            ty_so(&y["thanh_toan_truc_tuyen"]),
            pct(&y["thanh_toan_truc_tuyen"]),
            ty_so(&m["thanh_toan_truc_tuyen"]),
            pct(&m["thanh_toan_truc_tuyen"]),
        ),
    );
    // Overdue dossiers of the commune.
    let late: Vec<&Value> = late.iter().filter(|d| d["don_vi"] == name).collect();
    if late.is_empty() {
        assert!(!text.contains("trễ hạn"), "{text}");
    } else {
        has(
            text,
            &format!(
                "trong {ky} vẫn còn {} hồ sơ trễ hạn thuộc lĩnh vực {}",
                so2(late.len()),
                late[0]["linh_vuc"].as_str().unwrap()
            ),
        );
    }
    // Online payment below the target, for the year so far or the month.
    let target = &st["chi_tieu"]["thanh_toan_truc_tuyen"];
    let year_short = hundredths(&y["thanh_toan_truc_tuyen"]["phan_tram"]) < hundredths(target);
    let month_short = u["dat_chi_tieu"]["thanh_toan_truc_tuyen"] == false;
    if year_short || month_short {
        has(
            text,
            &format!("chưa đạt chỉ tiêu UBND tỉnh giao ({})", pct(target)),
        );
    } else {
        assert!(!text.contains("chưa đạt chỉ tiêu"), "{text}");
    }
    if year_short {
        has(
            text,
            &format!(
                "tỷ lệ thanh toán trực tuyến từ đầu năm đạt {}",
                pct(&y["thanh_toan_truc_tuyen"])
            ),
        );
    }
    if month_short {
        has(
            text,
            &format!("{ky} đạt {}", pct(&m["thanh_toan_truc_tuyen"])),
        );
    }
    has(text, "Chủ tịch UBND xã yêu cầu:");
    has_line(text, "1. Bộ phận có thủ tục hành chính cấp xã:");
    has(text, "chất lượng kết quả giải quyết TTHC./.");
    has(text, "Nơi nhận: - Như trên;");
    // Only the commune's own figures: no other unit is named.
    for other in st["theo_don_vi"].as_array().unwrap() {
        let other = other["don_vi"].as_str().unwrap();
        if other != name && !name.contains(other) {
            assert!(
                !text.contains(other),
                "{other} in the letter of {name}:\n{text}"
            );
        }
    }
}

#[test]
fn the_commune_letter_gives_its_year_to_date_and_month() {
    let tmp = TempDir::new().unwrap();
    let tmp = tmp.path();
    let name = "UBND xã Phượng Kỳ";
    let st = stats(tmp, "9");
    let (docx, text) = letter(
        tmp,
        "cong-van-xa",
        &["--month", "9", "--year", "2023", "--don-vi", name],
    );
    has(
        &text,
        "V/v triển khai các nhiệm vụ CCTTHC trọng tâm từ nay đến hết năm 2023",
    );
    has(&text, "Kính gửi: | - Ban Thường vụ Đảng ủy xã;");
    has(&text, "- Tổ chức, cá nhân có nhu cầu giải quyết TTHC.");
    has(&text, "đến hết tháng 9 năm 2023");
    check_commune_letter(&st, &late_of(tmp, "9"), &text, name, "tháng 9 năm 2023");
    // The example commune is short of the target for the year so far.
    has(&text, "tỷ lệ thanh toán trực tuyến từ đầu năm đạt");
    libreoffice(tmp, &docx);
}

/// A commune with an overdue dossier in the month (An Thanh, June 2023).
#[test]
fn the_commune_letter_names_its_overdue_dossiers() {
    let tmp = TempDir::new().unwrap();
    let tmp = tmp.path();
    let name = "UBND xã An Thanh";
    let st = stats(tmp, "6");
    let late = late_of(tmp, "6");
    assert!(
        late.iter().any(|d| d["don_vi"] == name),
        "the June data has an overdue dossier at {name}"
    );
    let (_, text) = letter(
        tmp,
        "cong-van-xa",
        &["--month", "6", "--year", "2023", "--don-vi", name],
    );
    check_commune_letter(&st, &late, &text, name, "tháng 6 năm 2023");
}

// ---------------------------------------------------------------------------
// A letter of one unit without [bao_cao]; ratios without their columns

/// A config with no `[bao_cao]`, reading the example's exports.
fn bare_setup(tmp: &Path) -> PathBuf {
    let config = tmp.join("trong.toml");
    let data = root().join("examples/du-lieu");
    let data = toml::Value::String(data.to_string_lossy().into_owned());
    std::fs::write(&config, format!("[nhap]\nduong_dan = {data}\n")).unwrap();
    config
}

#[test]
fn a_commune_letter_without_config_is_headed_by_the_commune() {
    let tmp = TempDir::new().unwrap();
    let config = bare_setup(tmp.path());
    let config = config.to_str().unwrap();
    let (_, text) = letter(
        tmp.path(),
        "cong-van-xa",
        &[
            "--config",
            config,
            "--month",
            "6",
            "--year",
            "2023",
            "--don-vi",
            "UBND xã Phượng Kỳ",
        ],
    );
    let head = text.lines().next().unwrap_or_default();
    // The issuing body and the place from the unit (SPEC §6); the number,
    // which config does not give, as dots to fill in.
    has(head, "UBND XÃ PHƯỢNG KỲ Số: ……/UBND V/v");
    has(head, "Phượng Kỳ, ngày 15 tháng 7 năm 2023");
    assert!(
        !head.contains("Số: V/v") && !head.contains(" , ngày"),
        "{head}"
    );
    // The body names no agency it does not know.
    assert!(!text.contains("của  về"), "{text}");

    // With the example's config, its [bao_cao] wins over the unit.
    let tmp = TempDir::new().unwrap();
    let (_, text) = letter(
        tmp.path(),
        "cong-van-xa",
        &[
            "--month",
            "6",
            "--year",
            "2023",
            "--don-vi",
            "UBND xã Phượng Kỳ",
        ],
    );
    let head = text.lines().next().unwrap_or_default();
    has(head, "UBND TỈNH HẢI DƯƠNG UBND HUYỆN TỨ KỲ Số: /BC-UBND");
    has(head, "Tứ Kỳ, ngày 15 tháng 7 năm 2023");
}

#[test]
fn a_district_letter_without_config_leaves_dots_not_blanks() {
    let tmp = TempDir::new().unwrap();
    let config = bare_setup(tmp.path());
    let (_, text) = letter(
        tmp.path(),
        "bieu-duong-nhac-nho",
        &[
            "--config",
            config.to_str().unwrap(),
            "--month",
            "6",
            "--year",
            "2023",
        ],
    );
    let head = text.lines().next().unwrap_or_default();
    has(head, "…… Số: ……/UBND V/v");
    has(head, "……, ngày 15 tháng 7 năm 2023");
    has(&text, "Chủ tịch …… biểu dương");
}

/// The export of September 2023 (semicolons, as Excel writes it in
/// Vietnam) without the columns `dropped`, as a CSV.
fn export_without(tmp: &Path, dropped: &[&str]) -> PathBuf {
    let source = root().join("examples/du-lieu/ho-so-2023-09.csv");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .flexible(true)
        .from_path(&source)
        .unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let at = rows
        .iter()
        .position(|r| r.iter().any(|c| c == "Mã hồ sơ"))
        .expect("a header row");
    let keep: Vec<usize> = (0..rows[at].len())
        .filter(|&i| !dropped.contains(&&rows[at][i]))
        .collect();
    assert_eq!(
        keep.len() + dropped.len(),
        rows[at].len(),
        "every dropped column is there"
    );
    let path = tmp.join("thieu-cot.csv");
    let mut w = csv::Writer::from_path(&path).unwrap();
    for row in &rows[at..] {
        if row.len() == rows[at].len() {
            w.write_record(keep.iter().map(|&i| &row[i])).unwrap();
        }
    }
    w.flush().unwrap();
    path
}

/// The paragraphs of a letter's text that are not table rows.
fn sentences(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| !l.contains(" | ") && !l.contains('│'))
        .collect()
}

#[test]
fn a_ratio_without_its_column_is_left_out_of_every_sentence() {
    let tmp = TempDir::new().unwrap();
    let file = export_without(
        tmp.path(),
        &[
            "Số hóa kết quả",
            "Nghĩa vụ tài chính",
            "Thanh toán trực tuyến",
            "Phí, lệ phí",
        ],
    );
    let file = file.to_str().unwrap();
    let period = ["-i", file, "--month", "9", "--year", "2023"];
    let st = {
        let out = cctthc(tmp.path())
            .args(["stats", "--format", "json"])
            .args(period)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    // The missing ratios have no figure; the one kept has.
    assert!(st["tong"]["ty_le"]["so_hoa_dau_ra"]["phan_tram"].is_null());
    assert!(st["tong"]["ty_le"]["thanh_toan_truc_tuyen"]["phan_tram"].is_null());
    let kept = pct(&st["tong"]["ty_le"]["so_hoa_dau_vao"]);
    for (template, extra) in [
        ("bao-cao-thang", vec![]),
        ("bieu-duong-nhac-nho", vec![]),
        ("cong-van-xa", vec!["--don-vi", "UBND xã Phượng Kỳ"]),
    ] {
        let mut args: Vec<&str> = period.to_vec();
        args.extend(extra);
        let out = cctthc(tmp.path())
            .arg("report")
            .args(&args)
            .args([
                "--date",
                "15/10/2023",
                "--format",
                "text",
                "--template",
                template,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{template}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        for line in sentences(&text) {
            assert!(!line.contains("N/A"), "{template}: {line}");
            assert!(
                !line.contains(", ;") && !line.contains("đạt ;"),
                "{template}: {line}"
            );
        }
        if template != "cong-van-xa" {
            has(&text, &format!("hồ sơ khi tiếp nhận đạt {kept}"));
            assert!(
                !text.contains("tỷ lệ thanh toán trực tuyến đạt"),
                "{template}: {text}"
            );
        }
    }
}

#[test]
fn the_letter_names_the_units_with_the_fewest_estimated_points() {
    let tmp = TempDir::new().unwrap();
    let st = stats(tmp.path(), "11");
    let (_, text) = letter(
        tmp.path(),
        "bieu-duong-nhac-nho",
        &["--month", "11", "--year", "2023"],
    );
    let units = st["chi_so_766"]["theo_don_vi"].as_array().unwrap();
    let points = |u: &Value| u["diem"].as_str().unwrap().parse::<f64>().unwrap();
    for (level, name) in [("huyen", "Cấp huyện"), ("xa", "Cấp xã")] {
        // Worked out here: the units of the level that lost points, fewest
        // points first, the first three.
        let mut lost: Vec<&Value> = units
            .iter()
            .filter(|u| u["cap"] == level && !u["diem"].is_null())
            .filter(|u| points(u) < u["diem_toi_da"].as_f64().unwrap())
            .collect();
        lost.sort_by(|a, b| points(a).total_cmp(&points(b)));
        assert!(lost.len() >= 3, "{level}");
        let named: Vec<String> = lost[..3]
            .iter()
            .map(|u| {
                format!(
                    "{} ({}/{} điểm)",
                    u["don_vi"].as_str().unwrap(),
                    u["diem"]
                        .as_str()
                        .unwrap()
                        .trim_end_matches('0')
                        .trim_end_matches('.')
                        .replace('.', ","),
                    u["diem_toi_da"]
                )
            })
            .collect();
        has(&text, &format!("- {name}: {}.", named.join("; ")));
    }
}
