//! What a file holds, decided by its content, never by its name (SPEC
//! §1.1): the "Xuất Excel" button of web one-stop systems saves an HTML
//! table under a `.xls` name, clerks re-save as `.xlsx`, technicians dump
//! the API as JSON. Also which files in a folder are not exports at all,
//! among them the files cctthc itself writes.

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::Error;

/// The kinds of data file cctthc reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Delimited,
    Xlsx,
    Ods,
    Xls,
    Html,
    Json,
}

impl Kind {
    /// For people (`check`, `-v`).
    pub fn label(self) -> &'static str {
        match self {
            Kind::Delimited => "văn bản có phân cách (CSV/TSV)",
            Kind::Xlsx => "bảng tính Excel (.xlsx)",
            Kind::Ods => "bảng tính OpenDocument (.ods)",
            Kind::Xls => "bảng tính Excel 97–2003 (.xls)",
            Kind::Html => "bảng HTML (trang web lưu thành tệp Excel)",
            Kind::Json => "JSON",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What the start of a file says it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sniffed {
    Data(Kind),
    /// Not an export: what it is, for the message.
    Other(String),
    /// A file cctthc wrote: which.
    Own(&'static str),
}

/// How much of a file is looked at.
const PREFIX: u64 = 64 * 1024;

/// Decides what `path` holds.
pub fn sniff(path: &Path) -> Result<Sniffed, Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut prefix = Vec::new();
    File::open(path)
        .map_err(io)?
        .take(PREFIX)
        .read_to_end(&mut prefix)
        .map_err(io)?;
    if prefix.starts_with(b"PK\x03\x04") {
        return Ok(zip_kind(path));
    }
    if prefix.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // Binary .xls, or another OLE file the sheet reader names.
        return Ok(Sniffed::Data(Kind::Xls));
    }
    if let Some(other) = binary_kind(&prefix) {
        return Ok(Sniffed::Other(other.into()));
    }
    let text = text_start(&prefix);
    let first = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if first.starts_with('<') {
        return Ok(Sniffed::Data(Kind::Html));
    }
    // A file that is one JSON value and no record (`42`, `"…"`, `true`):
    // JSON, so the message says what it is, not that a header is missing.
    let scalar = || {
        prefix.len() <= 4096
            && serde_json::from_str::<serde_json::Value>(first)
                .is_ok_and(|v| !v.is_array() && !v.is_object())
    };
    if first.starts_with('[') || first.starts_with('{') || scalar() {
        return Ok(match own_json(first) {
            Some(own) => Sniffed::Own(own),
            None => Sniffed::Data(Kind::Json),
        });
    }
    Ok(match own_delimited(first) {
        Some(own) => Sniffed::Own(own),
        None => Sniffed::Data(Kind::Delimited),
    })
}

/// A zip: an .xlsx, an .ods, or something else (a .docx…).
fn zip_kind(path: &Path) -> Sniffed {
    let names: Vec<String> = File::open(path)
        .ok()
        .and_then(|f| zip::ZipArchive::new(std::io::BufReader::new(f)).ok())
        .map(|z| {
            z.file_names()
                .filter_map(Result::ok)
                .map(|n| n.into_owned())
                .collect()
        })
        .unwrap_or_default();
    let has = |n: &str| names.iter().any(|x| x == n);
    if has("xl/workbook.xml") || names.iter().any(|n| n.starts_with("xl/")) {
        match has("docProps/custom.xml")
            .then(|| own_workbook(path))
            .flatten()
        {
            Some(own) => Sniffed::Own(own),
            None => Sniffed::Data(Kind::Xlsx),
        }
    } else if has("content.xml") && (has("mimetype") || has("META-INF/manifest.xml")) {
        Sniffed::Data(Kind::Ods)
    } else if has("word/document.xml") {
        Sniffed::Other("tệp Word (.docx)".into())
    } else if names.iter().any(|n| n.starts_with("ppt/")) {
        Sniffed::Other("tệp PowerPoint (.pptx)".into())
    } else if names.is_empty() {
        // A damaged workbook: the sheet reader says what is wrong.
        Sniffed::Data(Kind::Xlsx)
    } else {
        Sniffed::Other("tệp nén .zip (giải nén ra rồi chỉ vào các tệp bên trong)".into())
    }
}

/// The custom document property that marks a workbook cctthc wrote
/// (`--format xlsx`); its value is the command that wrote it.
pub const OWN_WORKBOOK_PROPERTY: &str = "cctthc";

/// Which of cctthc's workbooks `path` is, from its custom properties.
fn own_workbook(path: &Path) -> Option<&'static str> {
    let file = File::open(path).ok()?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).ok()?;
    let mut xml = String::new();
    zip.by_name("docProps/custom.xml")
        .ok()?
        .take(PREFIX)
        .read_to_string(&mut xml)
        .ok()?;
    let marker = format!("name=\"{OWN_WORKBOOK_PROPERTY}\"><vt:lpwstr>");
    let value = &xml[xml.find(&marker)? + marker.len()..];
    Some(match &value[..value.find('<')?] {
        "report" => "bảng tính báo cáo do cctthc ghi (cctthc report)",
        "stats" => "bảng tính số liệu do cctthc ghi (cctthc stats)",
        "qua-han" => "bảng tính hồ sơ quá hạn do cctthc ghi (cctthc qua-han)",
        _ => "bảng tính do cctthc ghi",
    })
}

/// Binary files that are clearly not exports.
fn binary_kind(prefix: &[u8]) -> Option<&'static str> {
    let known: [(&[u8], &str); 7] = [
        (b"%PDF", "tệp PDF"),
        (b"\x89PNG", "ảnh PNG"),
        (b"\xFF\xD8\xFF", "ảnh JPEG"),
        (b"GIF8", "ảnh GIF"),
        (b"Rar!", "tệp nén .rar"),
        (b"7z\xBC\xAF", "tệp nén .7z"),
        (b"{\\rtf", "tệp RTF"),
    ];
    known
        .iter()
        .find(|(magic, _)| prefix.starts_with(magic))
        .map(|(_, what)| *what)
}

/// The start of a text file as text, whatever its encoding (enough to see
/// its first characters).
fn text_start(prefix: &[u8]) -> String {
    use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1258};
    let head = &prefix[..prefix.len().min(4096)];
    match head {
        [0xFF, 0xFE, rest @ ..] => UTF_16LE.decode_without_bom_handling(rest).0.into_owned(),
        [0xFE, 0xFF, rest @ ..] => UTF_16BE.decode_without_bom_handling(rest).0.into_owned(),
        // A UTF-8 BOM is no text even before bytes of another encoding
        // (an editor adds it to a Windows-1258 file).
        [0xEF, 0xBB, 0xBF, rest @ ..] => text_start(rest),
        _ => match std::str::from_utf8(head) {
            Ok(s) => s.to_string(),
            Err(e) if e.error_len().is_none() => {
                String::from_utf8_lossy(&head[..e.valid_up_to()]).into_owned()
            }
            Err(_) => WINDOWS_1258
                .decode_without_bom_handling(head)
                .0
                .into_owned(),
        },
    }
}

/// The header lines of the CSV files cctthc writes: never read back as
/// exports (a rejects file or a `qua-han -o` beside the exports).
pub const REJECTS_HEADER: [&str; 6] =
    ["tep", "dong", "truong", "gia_tri", "ly_do", "noi_dung_dong"];
pub const OVERDUE_HEADER: [&str; 9] = [
    "ma_ho_so",
    "don_vi",
    "cap",
    "linh_vuc",
    "ten_thu_tuc",
    "ngay_tiep_nhan",
    "ngay_hen_tra",
    "tinh_trang",
    "so_ngay",
];

/// The header of `chi-so --ho-so KEY --format csv`.
pub const SHORTFALL_HEADER: [&str; 12] = [
    "ma_ho_so",
    "don_vi",
    "cap",
    "linh_vuc",
    "ma_thu_tuc",
    "ten_thu_tuc",
    "ngay_tiep_nhan",
    "ngay_hen_tra",
    "ngay_ket_thuc",
    "chi_so",
    "ly_do",
    "so_ngay",
];

fn own_delimited(text: &str) -> Option<&'static str> {
    let line = text.lines().next().unwrap_or_default().trim_end();
    // The text forms of what cctthc prints: a report carries the Quốc
    // hiệu in its header, the tables their own title line.
    let head: String = text.chars().take(2048).collect();
    if crate::text::fold(&head).contains("conghoaxahoichunghiavietnam") {
        return Some("báo cáo dạng văn bản do cctthc ghi (cctthc report --format text/md)");
    }
    if line.starts_with("Số liệu ") && text.contains("Tiếp") {
        return Some("bảng số liệu do cctthc ghi (cctthc stats)");
    }
    if line.starts_with("Hồ sơ quá hạn và sắp đến hạn") {
        return Some("danh sách hồ sơ quá hạn do cctthc ghi (cctthc qua-han)");
    }
    if line.starts_with("Chỉ số 766 ước tính") || line.starts_with("Hồ sơ làm giảm điểm chỉ số")
    {
        return Some("bảng chỉ số 766 ước tính do cctthc ghi (cctthc chi-so)");
    }
    let cells: Vec<&str> = line.split(',').collect();
    if cells == REJECTS_HEADER {
        Some("tệp dòng lỗi do cctthc ghi")
    } else if cells == OVERDUE_HEADER {
        Some("danh sách hồ sơ quá hạn do cctthc ghi (cctthc qua-han)")
    } else if cells == SHORTFALL_HEADER || cells.ends_with(&["diem", "diem_toi_da"]) {
        Some("bảng chỉ số 766 ước tính do cctthc ghi (cctthc chi-so)")
    } else if cells.get(1..3) == Some(&["tiep_nhan.tong", "tiep_nhan.trong_ky"][..])
        || cells.get(2..4) == Some(&["tiep_nhan.tong", "tiep_nhan.trong_ky"][..])
    {
        Some("bảng số liệu do cctthc ghi (cctthc stats)")
    } else {
        None
    }
}

/// cctthc's JSON begins with its own first key: `ky` (stats, the report's
/// context) or `ngay` (qua-han).
fn own_json(text: &str) -> Option<&'static str> {
    let rest = text.strip_prefix('{')?.trim_start();
    if rest.starts_with("\"ky\"") {
        Some("số liệu JSON do cctthc ghi (cctthc stats/report)")
    } else if rest.starts_with("\"ngay\"") && text.contains("\"ho_so\"") {
        Some("danh sách hồ sơ quá hạn do cctthc ghi (cctthc qua-han)")
    } else {
        None
    }
}

/// Extensions of text files that may be exports; other text in a folder
/// (a README, a config file, a log) is not read.
pub const TEXT_DATA_EXTENSIONS: [&str; 11] = [
    "csv", "tsv", "txt", "tab", "xls", "xlsx", "htm", "html", "json", "ndjson", "jsonl",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff_bytes(bytes: &[u8]) -> Sniffed {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.xls");
        std::fs::write(&path, bytes).unwrap();
        sniff(&path).unwrap()
    }

    #[test]
    fn kinds_come_from_content() {
        assert_eq!(
            sniff_bytes(b"\xEF\xBB\xBF  <html><table>"),
            Sniffed::Data(Kind::Html)
        );
        assert_eq!(sniff_bytes(b"\n[{\"code\": 1}]"), Sniffed::Data(Kind::Json));
        assert_eq!(sniff_bytes(b"{\"content\": []}"), Sniffed::Data(Kind::Json));
        assert_eq!(
            sniff_bytes(b"ma_ho_so,don_vi\n"),
            Sniffed::Data(Kind::Delimited)
        );
        assert_eq!(
            sniff_bytes(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0]),
            Sniffed::Data(Kind::Xls)
        );
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("<table>".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(sniff_bytes(&utf16), Sniffed::Data(Kind::Html));
        assert!(matches!(sniff_bytes(b"%PDF-1.7"), Sniffed::Other(_)));
    }

    #[test]
    fn own_outputs_are_known() {
        let rejects = format!("\u{feff}{}\n", REJECTS_HEADER.join(","));
        assert!(matches!(sniff_bytes(rejects.as_bytes()), Sniffed::Own(_)));
        let overdue = format!("{}\nHS1,A\n", OVERDUE_HEADER.join(","));
        assert!(matches!(sniff_bytes(overdue.as_bytes()), Sniffed::Own(_)));
        assert!(matches!(
            sniff_bytes(b"\xEF\xBB\xBFdon_vi,cap,tiep_nhan.tong,tiep_nhan.trong_ky\n"),
            Sniffed::Own(_)
        ));
        assert!(matches!(
            sniff_bytes(b"{\n  \"ky\": {\"tu_ngay\": \"2023-10-01\"}"),
            Sniffed::Own(_)
        ));
        assert!(matches!(
            sniff_bytes(b"{\n  \"ngay\": \"2024-06-30\",\n  \"ho_so\": []}"),
            Sniffed::Own(_)
        ));
        let shortfalls = format!("\u{feff}{}\nHS1,A\n", SHORTFALL_HEADER.join(","));
        assert!(matches!(
            sniff_bytes(shortfalls.as_bytes()),
            Sniffed::Own(_)
        ));
        assert!(matches!(
            sniff_bytes("\u{feff}don_vi,cap,xep_hang,tien_do.tu_so,diem,diem_toi_da\n".as_bytes()),
            Sniffed::Own(_)
        ));
        for text in [
            "Chỉ số 766 ước tính tháng 11 năm 2023 (từ ngày 01/11/2023)\n",
            "Hồ sơ làm giảm điểm chỉ số \"Tiến độ giải quyết\"\n",
            "UBND TỈNH A | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nBÁO CÁO\n",
            "| UBND A | Cộng hòa xã hội chủ nghĩa Việt Nam |\n|---|---|\n",
            "Số liệu tháng 11 năm 2023 (từ ngày 01/11/2023)\n\n   Tiếp    Đã\n",
            "Hồ sơ quá hạn và sắp đến hạn (trong 2 ngày) tại ngày 20/11/2023\n",
        ] {
            assert!(
                matches!(sniff_bytes(text.as_bytes()), Sniffed::Own(_)),
                "{text}"
            );
        }
    }
}
