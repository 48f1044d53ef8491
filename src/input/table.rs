//! Rows of cells from a spreadsheet, an HTML table or JSON records, made
//! into dossier rows: the header found among the first rows (a two-row
//! header read as one, SPEC §1.3), then every row after it handed to the
//! visitor with its line.

use std::path::Path;

use super::cells::{Cell, Cells};
use super::header::{HeaderRules, MAX_HEADER_ROW};
use super::{Error, Header, Visitor};

/// Finds the header, then hands on the rows under it.
pub(crate) struct Table<'r> {
    path: &'r Path,
    rules: &'r HeaderRules,
    /// What the header will say about the file.
    encoding: Option<&'static str>,
    sheet: Option<String>,
    /// Rows seen before the header, as text, with their lines.
    early: Vec<(u64, Vec<String>)>,
    header: Option<Header>,
}

impl<'r> Table<'r> {
    pub fn new(path: &'r Path, rules: &'r HeaderRules) -> Table<'r> {
        Table {
            path,
            rules,
            encoding: None,
            sheet: None,
            early: Vec::new(),
            header: None,
        }
    }

    /// The encoding and sheet the header will report.
    pub fn describe(&mut self, encoding: Option<&'static str>, sheet: Option<String>) {
        self.encoding = encoding;
        self.sheet = sheet;
    }

    /// Whether the header has been found.
    pub fn has_header(&self) -> bool {
        self.header.is_some()
    }

    /// One row (line from 1). Blank rows are passed over.
    pub fn row(
        &mut self,
        line: u64,
        cells: &[Cell<'_>],
        visitor: &mut dyn Visitor,
    ) -> Result<(), Error> {
        if cells.iter().all(Cell::is_blank) {
            return Ok(());
        }
        if let Some(header) = &self.header {
            let by_field = Cells::of_row(cells, &header.columns);
            let raw = || cells.iter().map(Cell::text).collect::<Vec<String>>();
            visitor.row(line, &by_field, &raw);
            return Ok(());
        }
        let texts: Vec<String> = cells.iter().map(|c| c.text().trim().to_string()).collect();
        let above = self.early.last().map(|(_, r)| r.as_slice());
        if let Some(columns) = self.rules.header_of(above, &texts) {
            let first = if columns.header_rows() == 2 {
                self.early.last().map_or(line, |(l, _)| *l)
            } else {
                line
            };
            let header = Header {
                columns,
                line: first,
                last_line: line,
                encoding: self.encoding,
                sheet: self.sheet.clone(),
            };
            visitor.header(&header);
            self.header = Some(header);
            self.early.clear();
            return Ok(());
        }
        if self.early.len() >= MAX_HEADER_ROW {
            return Err(self.no_header());
        }
        self.early.push((line, texts));
        Ok(())
    }

    /// The end of the rows: an error if no header was found.
    pub fn finish(self) -> Result<(), Error> {
        if self.header.is_some() {
            return Ok(());
        }
        if self.early.is_empty() {
            return Err(Error::Empty {
                path: self.path.to_path_buf(),
            });
        }
        Err(self.no_header())
    }

    fn no_header(&self) -> Error {
        let best = self
            .early
            .iter()
            .rev()
            .max_by_key(|(_, row)| self.rules.columns(row).matched())
            .map(|(_, row)| row.clone())
            .unwrap_or_default();
        let missing = self.rules.columns(&best).missing_required();
        Error::NoHeader {
            path: self.path.to_path_buf(),
            found: best,
            missing,
        }
    }
}
