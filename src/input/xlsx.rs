//! Spreadsheet exports. `.xlsx` streams cell by cell from the sheet XML;
//! `.xls` and `.ods`, given by name, are read whole through calamine.
//! Date cells arrive as dates, so no text date format is guessed.

use std::borrow::Cow;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{Data, DataRef, Reader, Xlsx};

use super::cells::{Cell, Cells};
use super::encoding::Encoding;
use super::header::{Columns, HeaderRules, MAX_HEADER_ROW};
use super::{Error, Visitor};
use crate::text::nfc;

pub(crate) fn read(
    path: &Path,
    sheet: Option<&str>,
    rules: &HeaderRules,
    visitor: &mut dyn Visitor,
) -> Result<(), Error> {
    let bad = |message: String| Error::Spreadsheet {
        path: path.to_path_buf(),
        message,
    };
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut file = BufReader::new(file);
    check_sizes(&mut file).map_err(bad)?;
    let mut book: Xlsx<_> = Xlsx::new(file).map_err(|e| bad(e.to_string()))?;
    let sheet_name = pick_sheet(path, book.sheet_names(), sheet)?;
    let mut cells = book
        .worksheet_cells_reader(&sheet_name)
        .map_err(|e| bad(e.to_string()))?;
    let mut rows = RowAssembler::new(path, rules);
    while let Some(cell) = cells.next_cell().map_err(|e| bad(e.to_string()))? {
        let (row, col) = cell.get_position();
        rows.push(row, col, convert_ref(cell.get_value()), visitor)?;
    }
    rows.finish(visitor)
}

/// `.xls` and `.ods`: calamine reads them whole.
pub(crate) fn read_other(
    path: &Path,
    sheet: Option<&str>,
    rules: &HeaderRules,
    visitor: &mut dyn Visitor,
) -> Result<(), Error> {
    let bad = |message: String| Error::Spreadsheet {
        path: path.to_path_buf(),
        message,
    };
    let mut book = calamine::open_workbook_auto(path).map_err(|e| bad(e.to_string()))?;
    let sheet_name = pick_sheet(path, book.sheet_names(), sheet)?;
    let range = book
        .worksheet_range(&sheet_name)
        .map_err(|e| bad(e.to_string()))?;
    let mut rows = RowAssembler::new(path, rules);
    for (row, col, value) in range.used_cells() {
        let (r, c) = (
            range.start().map_or(0, |s| s.0) + row as u32,
            range.start().map_or(0, |s| s.1) + col as u32,
        );
        rows.push(r, c, convert(value), visitor)?;
    }
    rows.finish(visitor)
}

/// Refuses a zip bomb before the spreadsheet library unpacks it: an entry
/// that would unpack to more than 4 GB, or to over 64 MB at more than 250
/// times its packed size (real sheets pack 5–20 times).
fn check_sizes(file: &mut BufReader<File>) -> Result<(), String> {
    use std::io::Seek;
    const GB: u64 = 1 << 30;
    const MB: u64 = 1 << 20;
    let mut zip = zip::ZipArchive::new(&mut *file).map_err(|e| format!("tệp .xlsx hỏng: {e}"))?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| format!("tệp .xlsx hỏng: {e}"))?;
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
    drop(zip);
    file.rewind().map_err(|e| e.to_string())?;
    Ok(())
}

fn pick_sheet(path: &Path, names: Vec<String>, wanted: Option<&str>) -> Result<String, Error> {
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

fn convert_ref(value: &DataRef<'_>) -> Cell<'static> {
    match value {
        DataRef::Empty => Cell::Empty,
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) => text(s),
        DataRef::SharedString(s) => text(s),
        DataRef::Bool(b) => Cell::Text(Cow::Borrowed(if *b { "true" } else { "false" })),
        DataRef::DateTime(dt) => match dt.as_datetime() {
            Some(d) => Cell::Date(d.date()),
            None => Cell::Number(dt.as_f64()),
        },
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => text(s),
        DataRef::Error(e) => Cell::Text(Cow::Owned(format!("#{e:?}"))),
    }
}

fn convert(value: &Data) -> Cell<'static> {
    match value {
        Data::Empty => Cell::Empty,
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => text(s),
        Data::Bool(b) => Cell::Text(Cow::Borrowed(if *b { "true" } else { "false" })),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(d) => Cell::Date(d.date()),
            None => Cell::Number(dt.as_f64()),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => text(s),
        Data::Error(e) => Cell::Text(Cow::Owned(format!("#{e:?}"))),
    }
}

fn text(s: &str) -> Cell<'static> {
    Cell::Text(Cow::Owned(nfc(s).into_owned()))
}

/// Gathers streamed cells into rows, finds the header among the first rows,
/// then hands each data row to the visitor.
struct RowAssembler<'r> {
    path: &'r Path,
    rules: &'r HeaderRules,
    current: Option<u32>,
    row: Vec<Cell<'static>>,
    /// Rows seen before the header, kept to report what was found.
    early: Vec<Vec<String>>,
    columns: Option<Columns>,
}

impl<'r> RowAssembler<'r> {
    fn new(path: &'r Path, rules: &'r HeaderRules) -> Self {
        RowAssembler {
            path,
            rules,
            current: None,
            row: Vec::new(),
            early: Vec::new(),
            columns: None,
        }
    }

    fn push(
        &mut self,
        row: u32,
        col: u32,
        cell: Cell<'static>,
        visitor: &mut dyn Visitor,
    ) -> Result<(), Error> {
        if self.current != Some(row) {
            self.flush(visitor)?;
            self.current = Some(row);
        }
        if cell.is_blank() {
            return Ok(());
        }
        let col = col as usize;
        // Cells far right of the header are notes, not data.
        if col > 16_384 {
            return Ok(());
        }
        if self.row.len() <= col {
            self.row.resize(col + 1, Cell::Empty);
        }
        self.row[col] = cell;
        Ok(())
    }

    fn flush(&mut self, visitor: &mut dyn Visitor) -> Result<(), Error> {
        let Some(row) = self.current.take() else {
            return Ok(());
        };
        let cells = std::mem::take(&mut self.row);
        if cells.iter().all(Cell::is_blank) {
            return Ok(());
        }
        match &self.columns {
            Some(columns) => {
                let by_field = Cells::of_row(&cells, columns);
                let raw = || {
                    cells
                        .iter()
                        .map(|c| c.as_ref().display(Encoding::Utf8).into_owned())
                        .collect()
                };
                visitor.row(u64::from(row) + 1, &by_field, &raw);
            }
            None => {
                let texts: Vec<String> = cells
                    .iter()
                    .map(|c| c.as_ref().display(Encoding::Utf8).trim().to_string())
                    .collect();
                let columns = self.rules.columns(&texts);
                if columns.is_header() {
                    visitor.columns(&columns);
                    self.columns = Some(columns);
                } else if self.early.len() < MAX_HEADER_ROW {
                    self.early.push(texts);
                } else {
                    return Err(self.no_header());
                }
            }
        }
        Ok(())
    }

    fn finish(mut self, visitor: &mut dyn Visitor) -> Result<(), Error> {
        self.flush(visitor)?;
        if self.columns.is_none() {
            if self.early.is_empty() {
                return Err(Error::Empty {
                    path: self.path.to_path_buf(),
                });
            }
            return Err(self.no_header());
        }
        Ok(())
    }

    fn no_header(&self) -> Error {
        let best = self
            .early
            .iter()
            .rev()
            .max_by_key(|row| self.rules.columns(row).matched())
            .cloned()
            .unwrap_or_default();
        let missing = self.rules.columns(&best).missing_required();
        Error::NoHeader {
            path: self.path.to_path_buf(),
            found: best,
            missing,
        }
    }
}
