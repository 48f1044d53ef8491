//! Delimited exports (CSV, TSV, `;`): encoding, delimiter and header row are
//! found from the start of the file, then rows stream through the csv parser
//! on raw bytes and only the fields the figures need are decoded.

use std::borrow::Cow;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

use super::cells::Cells;
use super::encoding::{Encoding, MALFORMED, Transcoder, decode_field, is_utf8_prefix, mostly_utf8};
use super::field::Field;
use super::header::{Columns, HeaderRules, MAX_HEADER_ROW};
use super::problem::{Fault, FaultKind, RowProblem};
use super::rows::{Reader as RecordReader, Record};
use super::{Error, Visitor};
use crate::text::nfc;

/// How much of a file is read to find its encoding, delimiter and header.
const PREFIX_LEN: usize = 1 << 20;
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// What the start of a delimited file says about all of it.
#[derive(Clone, Debug)]
pub(crate) struct Layout {
    /// The encoding of the bytes the parser sees (UTF-16 is transcoded).
    encoding: Encoding,
    source: Encoding,
    /// Whether the encoding was guessed (no BOM, not forced).
    auto: bool,
    /// Whether the guess is settled by the prefix: UTF-8 proven by a
    /// multi-byte character, or Windows-1258.
    settled: bool,
    bom: usize,
    delimiter: u8,
    header_index: usize,
    /// The line of the header row (its first, when it takes two).
    header_line: u64,
    pub columns: Columns,
    named_width: usize,
    /// Where the first data row may start (just after the header row) and
    /// its line; none where bytes and text differ (UTF-16).
    data_start: Option<(u64, u64)>,
    pub file_len: u64,
}

impl Layout {
    /// The header, as `check` shows it.
    pub fn header(&self) -> super::Header {
        super::Header {
            columns: self.columns.clone(),
            line: self.header_line,
            last_line: self.header_line + u64::from(self.columns.header_rows()).max(1) - 1,
            encoding: Some(self.source.name()),
            sheet: None,
        }
    }

    /// Where a file can be read in parallel ranges: byte offset of the data
    /// and its first line. Only for files whose encoding is settled.
    pub fn splittable(&self) -> Option<(u64, u64)> {
        if self.settled && !matches!(self.source, Encoding::Utf16Le | Encoding::Utf16Be) {
            self.data_start
        } else {
            None
        }
    }
}

/// The encoding a file is read in, the length of its BOM, and whether it
/// was guessed (no BOM, none forced). A forced encoding drops any BOM, its
/// own or another's (SPEC §1.2): a BOM is never read as text.
fn source_encoding(prefix: &[u8], forced: Option<Encoding>) -> (Encoding, usize, bool) {
    let bom = Encoding::from_bom(prefix);
    let (source, skip) = match (forced, bom) {
        (Some(f), Some((_, len))) => (f, len),
        (Some(f), None) => (f, 0),
        (None, Some((b, len))) => (b, len),
        (None, None) if is_utf8_prefix(prefix) || mostly_utf8(prefix) => (Encoding::Utf8, 0),
        (None, None) => (Encoding::Windows1258, 0),
    };
    (source, skip, forced.is_none() && bom.is_none())
}

/// The byte and line where the data begins, after the header's rows, if
/// they lie whole in `text`.
fn data_position(text: &[u8], found: &FoundHeader) -> Option<(u64, u64)> {
    let mut reader = RecordReader::new(text, found.delimiter);
    for _ in 0..=found.header_index {
        reader.read().ok()??;
    }
    Some(reader.position())
}

/// The line the data starts on: the one after the header's last line
/// (`u64::MAX` when the text ends before the header does).
fn data_line(text: &[u8], found: &FoundHeader) -> u64 {
    let mut reader = RecordReader::new(text, found.delimiter);
    let mut line = u64::MAX;
    for _ in 0..=found.header_index {
        if reader.read().ok().flatten().is_none() {
            break;
        }
        line = reader.position().1;
    }
    line
}

/// Reads the start of a file: encoding, delimiter, header row.
pub(crate) fn layout(
    path: &Path,
    forced: Option<Encoding>,
    rules: &HeaderRules,
) -> Result<Layout, Error> {
    let io_err = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io_err)?;
    let file_len = file.metadata().map_err(io_err)?.len();
    let mut prefix = Vec::with_capacity(64 * 1024);
    (&mut file)
        .take(PREFIX_LEN as u64)
        .read_to_end(&mut prefix)
        .map_err(io_err)?;

    let (source, skip, auto) = source_encoding(&prefix, forced);
    let body = &prefix[skip..];
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    let utf16 = matches!(source, Encoding::Utf16Le | Encoding::Utf16Be);
    // A NUL byte before the data is binary, not text; one in a data row
    // is that row's error (see `Rows::process`).
    let nul_line = (!utf16)
        .then(|| memchr::memchr(0, body))
        .flatten()
        .map(|at| 1 + memchr::memchr_iter(b'\n', &body[..at]).count() as u64);
    let binary = |line: u64| Error::NotSpreadsheet {
        path: path.to_path_buf(),
        why: format!(
            "dòng {line} chứa byte NUL (dữ liệu nhị phân) trước dòng dữ liệu đầu tiên: tệp không phải CSV/TSV, hoặc bị hỏng"
        ),
    };
    let sniff_text: Cow<'_, [u8]> = if utf16 {
        let mut t = Vec::new();
        Transcoder::new(body, source)
            .read_to_end(&mut t)
            .map_err(io_err)?;
        Cow::Owned(t)
    } else {
        Cow::Borrowed(body)
    };
    let encoding = if utf16 { Encoding::Utf8 } else { source };
    let found = match find_header(&sniff_text, encoding, rules) {
        Ok(found) => found,
        Err(_) if nul_line.is_some() => return Err(binary(nul_line.unwrap_or(1))),
        Err((found, missing)) => {
            return Err(Error::NoHeader {
                path: path.to_path_buf(),
                found,
                missing,
            });
        }
    };
    if let Some(line) = nul_line
        && line < data_line(&sniff_text, &found)
    {
        return Err(binary(line));
    }
    // Where the data begins, in bytes of the file, when the whole header
    // row lies within the prefix (or the prefix was the whole file).
    let data_start = (!utf16)
        .then(|| {
            let (byte, line) = data_position(body, &found)?;
            ((byte as usize) < body.len() || prefix.len() as u64 == file_len)
                .then(|| (byte + skip as u64, line))
        })
        .flatten();
    let settled = match source {
        Encoding::Utf8 => !auto || is_proven_utf8(body) || mostly_utf8(body),
        _ => true,
    };
    Ok(Layout {
        encoding,
        source,
        auto,
        settled,
        bom: skip,
        delimiter: found.delimiter,
        header_index: found.header_index,
        header_line: found.header_line,
        columns: found.columns,
        named_width: found.named_width,
        data_start,
        file_len,
    })
}

/// A prefix cut inside a character still proves UTF-8 if it has valid
/// multi-byte characters before the cut.
fn is_proven_utf8(body: &[u8]) -> bool {
    match std::str::from_utf8(body) {
        Ok(s) => !s.is_ascii(),
        Err(e) => e.error_len().is_none() && !body[..e.valid_up_to()].is_ascii(),
    }
}

/// Reads a whole file, header and all (the only way for UTF-16).
pub(crate) fn read_all(
    path: &Path,
    name: &Arc<str>,
    layout: &Layout,
    visitor: &mut dyn Visitor,
) -> Result<(), Error> {
    let io_err = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io_err)?;
    let mut bom = vec![0; layout.bom];
    file.read_exact(&mut bom).map_err(io_err)?;
    let file = std::io::BufReader::with_capacity(256 * 1024, file);
    let stream: Box<dyn Read> = if matches!(layout.source, Encoding::Utf16Le | Encoding::Utf16Be) {
        Box::new(Transcoder::new(file, layout.source))
    } else {
        Box::new(file)
    };
    let mut reader = RecordReader::new(stream, layout.delimiter);
    let mut rows = Rows::new(path, name, layout);
    let mut index = 0usize;
    while let Some(record) = rows.next(&mut reader)? {
        let this = index;
        index += 1;
        if this > layout.header_index {
            rows.process(&record, visitor);
        }
    }
    Ok(())
}

/// Where a range read stopped: the first row it did not take (or the end
/// of the file), as a byte offset in the file and a line relative to the
/// range's start; and the same for the first row it took.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RangeEnds {
    pub first: Option<(u64, u64)>,
    pub next: (u64, u64),
}

/// Reads the rows that start in `[start, end)` of a file (`start` at a row
/// boundary, or guessed to be one), with lines counted from 1 at `start`.
/// A row that starts before `end` is read to its end, past `end` if need be.
pub(crate) fn read_range(
    path: &Path,
    name: &Arc<str>,
    layout: &Layout,
    start: u64,
    end: u64,
    visitor: &mut dyn Visitor,
) -> Result<RangeEnds, Error> {
    let io_err = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io_err)?;
    file.seek(SeekFrom::Start(start)).map_err(io_err)?;
    let mut reader = RecordReader::new(file, layout.delimiter);
    let mut rows = Rows::new(path, name, layout);
    let mut first = None;
    let span = end.saturating_sub(start);
    loop {
        let Some(record) = rows.next(&mut reader)? else {
            let (byte, line) = reader.position();
            return Ok(RangeEnds {
                first,
                next: (start + byte, line),
            });
        };
        if record.byte >= span {
            return Ok(RangeEnds {
                first,
                next: (start + record.byte, record.line),
            });
        }
        first.get_or_insert((start + record.byte, record.line));
        rows.process(&record, visitor);
    }
}

/// Turning parsed records into cells for the visitor.
struct Rows<'a> {
    path: &'a Path,
    name: &'a Arc<str>,
    layout: &'a Layout,
    state: Decoding,
}

impl<'a> Rows<'a> {
    fn new(path: &'a Path, name: &'a Arc<str>, layout: &'a Layout) -> Rows<'a> {
        Rows {
            path,
            name,
            layout,
            state: Decoding {
                encoding: layout.encoding,
                auto: layout.auto,
                seen_multibyte: layout.settled,
            },
        }
    }

    fn next<'r, R: Read>(
        &self,
        reader: &'r mut RecordReader<R>,
    ) -> Result<Option<Record<'r>>, Error> {
        // Where the failing record starts, for the message.
        let line = reader.position().1;
        reader.check_utf8(self.state.encoding == Encoding::Utf8);
        reader.read().map_err(|e| Error::Parse {
            path: self.path.to_path_buf(),
            line,
            message: format!("lỗi đọc CSV: {e}"),
        })
    }

    fn process(&mut self, record: &Record<'_>, visitor: &mut dyn Visitor) {
        let layout = self.layout;
        let name = self.name;
        if record.is_empty() || record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            return;
        }
        let line = record.line;
        let width = layout.columns.width();
        let extra_filled = (width..record.len())
            .filter_map(|i| record.get(i))
            .any(|f| !f.trim_ascii().is_empty());
        if record.len() < layout.named_width || extra_filled {
            visitor.problem(RowProblem {
                file: name.clone(),
                line,
                faults: vec![Fault {
                    kind: FaultKind::FieldCount,
                    field: "(cả dòng)".into(),
                    value: format!("{} ô", record.len()),
                    reason: format!(
                        "dòng có {} ô nhưng dòng tiêu đề có {} cột (kiểm tra dấu phân cách hoặc dấu ngoặc kép)",
                        record.len(),
                        width
                    ),
                }],
                cells: raw_cells(record, self.state.encoding),
            });
            return;
        }
        let mut faults = Vec::new();
        // A NUL byte is no text; UTF-16 that does not decode (a lone
        // surrogate) is marked by the transcoder. Either makes the row an
        // input error, never read around (SPEC §1.2).
        let utf16 = matches!(layout.source, Encoding::Utf16Le | Encoding::Utf16Be);
        let suspect = if utf16 {
            memchr::memchr2(0, MALFORMED, record.as_slice())
        } else if record.known.no_nul {
            None
        } else {
            memchr::memchr(0, record.as_slice())
        };
        if suspect.is_some() {
            for field in Field::ALL {
                let Some(bytes) = layout.columns.get(field).and_then(|p| record.get(p)) else {
                    continue;
                };
                let reason = if bytes.contains(&0) {
                    "chứa byte NUL (dữ liệu nhị phân): tệp bị hỏng; xuất lại từ phần mềm Một cửa"
                        .to_string()
                } else if utf16 && bytes.contains(&MALFORMED) {
                    format!(
                        "ký tự {} không hợp lệ (nửa cặp surrogate đơn lẻ hoặc byte lẻ): tệp hỏng, xuất lại từ phần mềm Một cửa",
                        layout.source.name()
                    )
                } else {
                    continue;
                };
                faults.push(Fault {
                    kind: FaultKind::Encoding,
                    field: field.name().into(),
                    value: String::from_utf8_lossy(bytes).replace('\0', "\\0"),
                    reason,
                });
            }
        }
        // A file that looked like UTF-8 is checked until its first row of
        // multi-byte characters settles it; fields are decoded later, only
        // where a value must be read as text.
        let state = &mut self.state;
        if state.unsettled() && !record.as_slice().is_ascii() {
            state.check(record);
            if state.encoding == Encoding::Utf8 && std::str::from_utf8(record.as_slice()).is_err() {
                for field in Field::ALL {
                    let Some(bytes) = layout.columns.get(field).and_then(|p| record.get(p)) else {
                        continue;
                    };
                    if std::str::from_utf8(bytes).is_err() {
                        faults.push(Fault {
                            kind: FaultKind::Encoding,
                            field: field.name().into(),
                            value: String::from_utf8_lossy(bytes).into_owned(),
                            reason: "byte không hợp lệ trong tệp UTF-8 (tệp trộn nhiều bảng mã?)"
                                .into(),
                        });
                    }
                }
            }
        }
        let encoding = state.encoding;
        let raw = || raw_cells(record, encoding);
        if !faults.is_empty() {
            visitor.problem(RowProblem {
                file: name.clone(),
                line,
                faults,
                cells: raw(),
            });
            return;
        }
        let cells = Cells::of_record(*record, &layout.columns, encoding);
        visitor.row(line, &cells, &raw);
    }
}

fn raw_cells(record: &Record<'_>, encoding: Encoding) -> Vec<String> {
    record
        .iter()
        .map(|f| match decode_field(f, encoding) {
            Some(t) => nfc(&t).into_owned(),
            None => String::from_utf8_lossy(f).into_owned(),
        })
        .collect()
}

/// The encoding of one file. A file that looked like UTF-8 from its start
/// but has bytes that are not UTF-8 further down, before any multi-byte
/// character, is Windows-1258 after all.
struct Decoding {
    encoding: Encoding,
    auto: bool,
    seen_multibyte: bool,
}

impl Decoding {
    /// Whether rows must still be checked: a UTF-8 guess not yet proven.
    fn unsettled(&self) -> bool {
        self.encoding == Encoding::Utf8 && !self.seen_multibyte
    }

    /// Looks at a row with non-ASCII bytes.
    fn check(&mut self, record: &Record<'_>) {
        let valid = std::str::from_utf8(record.as_slice()).is_ok();
        if valid {
            self.seen_multibyte = true;
        } else if self.auto {
            self.encoding = Encoding::Windows1258;
            self.seen_multibyte = true;
        }
    }
}

struct FoundHeader {
    delimiter: u8,
    /// The record index of the header row (its lower row, when two).
    header_index: usize,
    header_line: u64,
    columns: Columns,
    /// Cells up to the last named header cell: rows may omit empty ones after.
    named_width: usize,
}

/// The delimiter and header row, or the best candidate row's cells and the
/// required fields it lacks.
fn find_header(
    text: &[u8],
    encoding: Encoding,
    rules: &HeaderRules,
) -> Result<FoundHeader, (Vec<String>, Vec<Field>)> {
    let mut best: Option<FoundHeader> = None;
    let mut best_partial: Option<(usize, Vec<String>, Vec<Field>)> = None;
    for delimiter in DELIMITERS {
        let mut reader = RecordReader::new(text, delimiter);
        let mut above: Option<(u64, Vec<String>)> = None;
        for index in 0..MAX_HEADER_ROW {
            let Ok(Some(record)) = reader.read() else {
                break;
            };
            let line = record.line;
            let cells: Vec<String> = record
                .iter()
                .map(|f| {
                    decode_field(f, encoding)
                        .map(|t| t.trim().to_string())
                        .unwrap_or_else(|| {
                            decode_field(f, Encoding::Windows1258)
                                .map(|t| t.trim().to_string())
                                .unwrap_or_default()
                        })
                })
                .collect();
            let joined = rules.header_of(above.as_ref().map(|(_, a)| a.as_slice()), &cells);
            if let Some(columns) = joined {
                let header_line = match (&above, columns.header_rows()) {
                    (Some((l, _)), 2) => *l,
                    _ => line,
                };
                let better = match &best {
                    None => true,
                    Some(b) => {
                        index < b.header_index
                            || (index == b.header_index && columns.matched() > b.columns.matched())
                    }
                };
                if better {
                    let named_width = cells
                        .iter()
                        .rposition(|c| !c.is_empty())
                        .map_or(0, |p| p + 1);
                    best = Some(FoundHeader {
                        delimiter,
                        header_index: index,
                        header_line,
                        columns,
                        named_width,
                    });
                }
                break;
            }
            let columns = rules.columns(&cells);
            let matched = columns.matched();
            let nonempty = cells.iter().any(|c| !c.is_empty());
            if nonempty && best_partial.as_ref().is_none_or(|(m, _, _)| matched > *m) {
                best_partial = Some((matched, cells.clone(), columns.missing_required()));
            }
            if nonempty {
                above = Some((line, cells));
            }
        }
    }
    best.ok_or_else(|| match best_partial {
        Some((_, cells, missing)) => (cells, missing),
        None => (Vec::new(), Field::REQUIRED.to_vec()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_after_title_rows_with_semicolons() {
        let text = "DANH SÁCH HỒ SƠ;;;\n\n;Mã hồ sơ;Đơn vị;Kênh;Ngày tiếp nhận;Ngày hẹn trả;Trạng thái\n1;HS1;UBND xã A;2;01/01/2023;02/01/2023;9\n";
        let found = find_header(text.as_bytes(), Encoding::Utf8, &HeaderRules::new(&[]))
            .ok()
            .unwrap();
        assert_eq!(found.delimiter, b';');
        assert_eq!(found.header_index, 1);
        assert_eq!(found.columns.get(Field::Code), Some(1));
    }

    #[test]
    fn missing_columns_are_named() {
        let text = "ma_ho_so,don_vi,kenh\nHS1,X,1\n";
        let (found, missing) = find_header(text.as_bytes(), Encoding::Utf8, &HeaderRules::new(&[]))
            .err()
            .unwrap();
        assert_eq!(found, vec!["ma_ho_so", "don_vi", "kenh"]);
        assert_eq!(missing, vec![Field::Received, Field::Due, Field::Status]);
    }
}
