//! Spreadsheet exports read through calamine, binary `.xls` and `.ods`,
//! whole; and what every spreadsheet reader shares (`xlsx.rs`, which
//! streams `.xlsx` itself, uses it): the zip bomb check, the choice of
//! sheet, the cell length limit, rows handed on in order. Date cells arrive as dates, so no text date format is guessed. The
//! library's own (English) errors are never shown: each becomes what a
//! clerk can do about it.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use calamine::{Data, Ods, OdsError, Reader, Xls, XlsError};
#[cfg(test)]
use calamine::{DataRef, Xlsx, XlsxError};

use super::cells::Cell;
use super::header::HeaderRules;
use super::kind::Kind;
use super::table::Table;
use super::{Error, Visitor};
use crate::text::nfc;

/// Reads the sheet of a spreadsheet of `kind`.
pub(crate) fn read(
    path: &Path,
    kind: Kind,
    sheet: Option<&str>,
    rules: &HeaderRules,
    visitor: &mut dyn Visitor,
) -> Result<(), Error> {
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut file = BufReader::new(file);
    let bad = |message: String| Error::Spreadsheet {
        path: path.to_path_buf(),
        message,
    };
    match kind {
        Kind::Ods => {
            check_sizes(&mut file).map_err(bad)?;
            let book: Ods<_> = Ods::new(file).map_err(|e| bad(ods_error(&e)))?;
            // LibreOffice has no cell limit of Excel's.
            read_whole(path, book, sheet, rules, visitor, ods_error, None)
        }
        _ => {
            // Read whole, as the library would: its records are checked
            // first for sizes it would reserve memory for blindly.
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })?;
            if let Some(why) = super::ole::refuse_xls(&bytes) {
                return Err(bad(why));
            }
            match Xls::new(std::io::Cursor::new(bytes)) {
                Ok(book) => read_whole(
                    path,
                    book,
                    sheet,
                    rules,
                    visitor,
                    xls_error,
                    Some(EXCEL_CELL_MAX),
                ),
                Err(e) => Err(ole_error(path, &e)),
            }
        }
    }
}

/// The cells of an `.xlsx` sheet as calamine reads them: the oracle the
/// streaming reader (`xlsx.rs`) is tested against.
#[cfg(test)]
pub(super) fn xlsx_cells_by_calamine(
    path: &Path,
    sheet: Option<&str>,
) -> Result<Vec<(u32, u32, Cell<'static>)>, String> {
    let mut book: Xlsx<_> = calamine::open_workbook(path).map_err(|e| xlsx_error(&e))?;
    let name = match sheet {
        Some(s) => s.to_string(),
        None => book.sheet_names().first().cloned().unwrap_or_default(),
    };
    let mut cells = book
        .worksheet_cells_reader(&name)
        .map_err(|e| xlsx_error(&e))?;
    let mut all = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(|e| xlsx_error(&e))? {
        let (row, col) = cell.get_position();
        let value = convert_ref(cell.get_value()).map_err(|long| long.start)?;
        all.push((row, col, value));
    }
    Ok(all)
}

/// `.xls` and `.ods`: calamine reads the sheet whole.
fn read_whole<R: Read + Seek, B: Reader<R>>(
    path: &Path,
    mut book: B,
    sheet: Option<&str>,
    rules: &HeaderRules,
    visitor: &mut dyn Visitor,
    describe: fn(&B::Error) -> String,
    limit: Option<usize>,
) -> Result<(), Error> {
    let name = pick_sheet(path, book.sheet_names(), sheet)?;
    let range = book
        .worksheet_range(&name)
        .map_err(|e| Error::Spreadsheet {
            path: path.to_path_buf(),
            message: describe(&e),
        })?;
    let mut table = Table::new(path, rules);
    table.describe(None, Some(name));
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut rows = Rows::default();
    for (row, col, value) in range.used_cells() {
        let (r, c) = (top + row as u32, left + col as u32);
        rows.push(
            r,
            c,
            convert(value, limit).map_err(|long| overlong(path, r, c, long))?,
            &mut table,
            visitor,
        )?;
    }
    rows.flush(&mut table, visitor)?;
    table.finish()
}

/// Cells gathered into rows as they stream, in row order.
#[derive(Default)]
pub(super) struct Rows<'a> {
    current: Option<u32>,
    row: Vec<Cell<'a>>,
}

impl<'a> Rows<'a> {
    pub(super) fn push(
        &mut self,
        row: u32,
        col: u32,
        cell: Cell<'a>,
        table: &mut Table<'_>,
        visitor: &mut dyn Visitor,
    ) -> Result<(), Error> {
        if self.current != Some(row) {
            self.flush(table, visitor)?;
            self.current = Some(row);
        }
        let col = col as usize;
        // Cells far right of the header are notes, not data.
        if cell.is_blank() || col > 16_384 {
            return Ok(());
        }
        // Cells come left to right, mostly adjacent: push the next one
        // rather than resize by one (a tenth of a sheet's cell time).
        if col == self.row.len() {
            self.row.push(cell);
        } else {
            if self.row.len() < col {
                self.row.resize(col + 1, Cell::Empty);
            }
            self.row[col] = cell;
        }
        Ok(())
    }

    pub(super) fn flush(
        &mut self,
        table: &mut Table<'_>,
        visitor: &mut dyn Visitor,
    ) -> Result<(), Error> {
        let Some(row) = self.current.take() else {
            return Ok(());
        };
        // The buffer is kept for the next row.
        let done = table.row(u64::from(row) + 1, &self.row, visitor);
        self.row.clear();
        done
    }
}

/// Refuses a zip bomb before the spreadsheet library unpacks it: an entry
/// that would unpack to more than 4 GB, or to over 64 MB at more than 250
/// times its packed size (real sheets pack 5–20 times).
pub(super) fn check_sizes(file: &mut BufReader<File>) -> Result<(), String> {
    const GB: u64 = 1 << 30;
    const MB: u64 = 1 << 20;
    let broken = |_| {
        "tệp nén bị hỏng hoặc bị cắt cụt: mở lại bằng Excel rồi lưu, hoặc xuất lại từ phần mềm Một cửa".to_string()
    };
    let mut zip = zip::ZipArchive::new(&mut *file).map_err(broken)?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(broken)?;
        let (size, packed) = (entry.size(), entry.compressed_size().max(1));
        total = total.saturating_add(size);
        if size > 4 * GB || (size > 64 * MB && size / packed > 250) || total > 8 * GB {
            return Err(format!(
                "phần '{}' sẽ giải nén thành {} MB từ {} KB: từ chối đọc (tệp hỏng hoặc zip bomb?)",
                entry.name().unwrap_or_default(),
                size / MB,
                packed / 1024
            ));
        }
    }
    shared_strings_count(&mut zip)?;
    drop(zip);
    file.rewind().map_err(|e| e.to_string())?;
    Ok(())
}

/// More shared strings than any export holds (Excel's sheet has about a
/// million rows): the library reserves room for the declared count before
/// reading one, 24 bytes each.
const MAX_SHARED_STRINGS: u64 = 8 << 20;

/// Refuses a declared count of shared strings (`<sst uniqueCount=…>`)
/// that the part cannot hold (each `<si>` takes at least 5 bytes) or that
/// is past any export: the spreadsheet library would reserve memory for it
/// whole, and abort on 4 billion.
fn shared_strings_count<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> Result<(), String> {
    let Some(name) = zip
        .file_names()
        .filter_map(Result::ok)
        .find(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
        .map(|n| n.into_owned())
    else {
        return Ok(());
    };
    let Ok(entry) = zip.by_name(&name) else {
        return Ok(());
    };
    let size = entry.size();
    let mut start = Vec::new();
    // The <sst> tag opens the part; its first kilobytes are enough.
    if entry.take(64 * 1024).read_to_end(&mut start).is_err() {
        return Ok(());
    }
    let mut reader = quick_xml::Reader::from_reader(&start[..]);
    let mut buf = Vec::new();
    let declared = loop {
        match reader.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e))
                if e.local_name().as_ref() == "sst" =>
            {
                break e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref() == "uniqueCount")
                    .and_then(|a| a.value.trim().parse::<u64>().ok());
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => break None,
            _ => buf.clear(),
        }
    };
    match declared {
        Some(n) if n > size / 5 + 1 || n > MAX_SHARED_STRINGS => Err(format!(
            "phần '{name}' khai báo {} chuỗi chữ dùng chung nhưng {}: tệp hỏng hoặc bị sửa; mở bằng Excel rồi lưu lại, hoặc xuất lại từ phần mềm Một cửa",
            crate::vn::int(i64::try_from(n).unwrap_or(i64::MAX)),
            if n > size / 5 + 1 {
                format!("chỉ dài {} byte", crate::vn::int(size as i64))
            } else {
                format!(
                    "một bảng tính xuất từ phần mềm Một cửa không có quá {}",
                    crate::vn::int(MAX_SHARED_STRINGS as i64)
                )
            }
        )),
        _ => Ok(()),
    }
}

pub(super) fn pick_sheet(
    path: &Path,
    names: Vec<String>,
    wanted: Option<&str>,
) -> Result<String, Error> {
    match wanted {
        Some(w) => names
            .iter()
            .find(|n| n.as_str() == w || crate::text::fold(n) == crate::text::fold(w))
            .cloned()
            .ok_or_else(|| Error::NoSheet {
                path: path.to_path_buf(),
                sheet: w.to_string(),
                sheets: names.clone(),
            }),
        None => names.into_iter().next().ok_or_else(|| Error::Empty {
            path: path.to_path_buf(),
        }),
    }
}

const PROTECTED: &str = "bảng tính có mật khẩu: mở bằng Excel, gỡ mật khẩu (Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu, xóa trống) rồi lưu lại";
pub(super) const CORRUPT: &str = "tệp hỏng hoặc không đúng định dạng: mở bằng Excel rồi lưu lại, hoặc xuất lại từ phần mềm Một cửa";

#[cfg(test)]
fn xlsx_error(e: &XlsxError) -> String {
    match e {
        XlsxError::Password => PROTECTED.into(),
        XlsxError::Io(io) => format!("lỗi đọc tệp: {io}"),
        _ => CORRUPT.into(),
    }
}

fn ods_error(e: &OdsError) -> String {
    match e {
        OdsError::Password => PROTECTED.into(),
        OdsError::Io(io) => format!("lỗi đọc tệp: {io}"),
        _ => CORRUPT.into(),
    }
}

fn xls_error(e: &XlsError) -> String {
    match e {
        XlsError::Password => PROTECTED.into(),
        XlsError::Io(io) => format!("lỗi đọc tệp: {io}"),
        _ => CORRUPT.into(),
    }
}

/// An OLE file calamine cannot open as a workbook: a password-protected
/// .xlsx (Office wraps it in OLE), a Word document, or a damaged file.
fn ole_error(path: &Path, e: &XlsError) -> Error {
    let names = ole_stream_names(path);
    let has = |n: &str| names.iter().any(|s| s.eq_ignore_ascii_case(n));
    if has("EncryptedPackage") || has("EncryptionInfo") || matches!(e, XlsError::Password) {
        return Error::Spreadsheet {
            path: path.to_path_buf(),
            message: PROTECTED.into(),
        };
    }
    let what = if has("WordDocument") {
        "tệp Word (.doc), không phải bảng tính"
    } else if has("PowerPoint Document") {
        "tệp PowerPoint, không phải bảng tính"
    } else {
        return Error::Spreadsheet {
            path: path.to_path_buf(),
            message: xls_error(e),
        };
    };
    Error::NotSpreadsheet {
        path: path.to_path_buf(),
        why: what.into(),
    }
}

/// The stream names an OLE compound file's directory holds, looked for in
/// its first megabytes (the names are UTF-16 in 128-byte entries).
fn ole_stream_names(path: &Path) -> Vec<String> {
    let mut bytes = Vec::new();
    let read = File::open(path).and_then(|f| f.take(8 << 20).read_to_end(&mut bytes));
    if read.is_err() {
        return Vec::new();
    }
    let wanted = [
        "EncryptedPackage",
        "EncryptionInfo",
        "WordDocument",
        "PowerPoint Document",
    ];
    wanted
        .iter()
        .filter(|name| {
            let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
            bytes.chunks(128).any(|entry| entry.starts_with(&utf16))
        })
        .map(|n| n.to_string())
        .collect()
}

/// The most characters (UTF-16 units) an Excel cell holds. A longer one
/// was not written by Excel, nor by an export meant for it: refused, so a
/// 10 MB string shared by every cell is not copied into each.
pub(super) const EXCEL_CELL_MAX: usize = 32_767;

/// A text cell over the limit: its length in characters and its start.
#[derive(Clone)]
pub(super) struct Overlong {
    pub chars: usize,
    pub start: String,
}

pub(super) fn overlong(path: &Path, row: u32, col: u32, long: Overlong) -> Error {
    Error::Spreadsheet {
        path: path.to_path_buf(),
        message: format!(
            "ô {}{} dài {} ký tự, quá {} ký tự một ô Excel chứa được ('{}'): tệp hỏng hoặc không phải tệp xuất của phần mềm Một cửa; xuất lại tệp",
            column_name(col),
            u64::from(row) + 1,
            crate::vn::int(i64::try_from(long.chars).unwrap_or(i64::MAX)),
            crate::vn::int(EXCEL_CELL_MAX as i64),
            long.start
        ),
    }
}

/// `A`, `B`, … `Z`, `AA`… for column `col` from 0.
fn column_name(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let d = ((n - 1) % 26) as u8;
        out.push(b'A' + d);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Text within `limit` characters, checked before it is copied.
pub(super) fn text(s: &str, limit: Option<usize>) -> Result<Cell<'static>, Overlong> {
    if let Some(max) = limit {
        // A text has no more UTF-16 units than UTF-8 bytes: a short one
        // needs no count.
        if s.len() > max && s.encode_utf16().nth(max).is_some() {
            return Err(Overlong {
                chars: s.chars().count(),
                start: crate::text::quote(s).into_owned(),
            });
        }
    }
    Ok(Cell::Text(Cow::Owned(nfc(s).into_owned())))
}

#[cfg(test)]
fn convert_ref(value: &DataRef<'_>) -> Result<Cell<'static>, Overlong> {
    let limit = Some(EXCEL_CELL_MAX);
    Ok(match value {
        DataRef::Empty => Cell::Empty,
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) => text(s, limit)?,
        DataRef::SharedString(s) => text(s, limit)?,
        DataRef::Bool(b) => Cell::Text(Cow::Borrowed(if *b { "true" } else { "false" })),
        DataRef::DateTime(dt) => match dt.as_datetime() {
            Some(d) => Cell::Date(d.date()),
            None => Cell::Number(dt.as_f64()),
        },
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => text(s, limit)?,
        DataRef::Error(e) => Cell::Text(Cow::Owned(format!("#{e:?}"))),
    })
}

fn convert(value: &Data, limit: Option<usize>) -> Result<Cell<'static>, Overlong> {
    Ok(match value {
        Data::Empty => Cell::Empty,
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => text(s, limit)?,
        Data::Bool(b) => Cell::Text(Cow::Borrowed(if *b { "true" } else { "false" })),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(d) => Cell::Date(d.date()),
            None => Cell::Number(dt.as_f64()),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => text(s, limit)?,
        Data::Error(e) => Cell::Text(Cow::Owned(format!("#{e:?}"))),
    })
}
