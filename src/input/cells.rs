//! A row's cells by field, as a reader hands them to the parser: raw bytes
//! from delimited files (decoded only when a value must be read as text),
//! typed values from spreadsheets.
//!
//! Nothing is copied per row: [`Cells`] is a view of the reader's row and
//! of the file's columns, and a field's cell is looked up when asked for.

use std::borrow::Cow;

use chrono::NaiveDate;

use super::encoding::{Encoding, decode_field};
use super::field::Field;
use super::header::Columns;
use super::rows::Record;
use crate::text::nfc;

/// A spreadsheet cell, as the sheet reader keeps it for a row.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Cell<'a> {
    #[default]
    Empty,
    Text(Cow<'a, str>),
    Number(f64),
    Date(NaiveDate),
}

impl Cell<'_> {
    pub fn as_ref(&self) -> CellRef<'_> {
        match self {
            Cell::Empty => CellRef::Empty,
            Cell::Text(t) => CellRef::Text(t),
            Cell::Number(n) => CellRef::Number(*n),
            Cell::Date(d) => CellRef::Date(*d),
        }
    }

    pub fn is_blank(&self) -> bool {
        self.as_ref().is_blank()
    }

    /// The cell as the user would read it.
    pub fn text(&self) -> String {
        self.as_ref().display(Encoding::Utf8).into_owned()
    }
}

/// One field's cell of a row, borrowed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CellRef<'a> {
    Empty,
    /// Bytes of a delimited file, in the row's encoding.
    Raw(&'a [u8]),
    Text(&'a str),
    Number(f64),
    Date(NaiveDate),
}

impl<'a> CellRef<'a> {
    /// The cell as the user would read it (NFC), for messages and names.
    pub fn display(self, encoding: Encoding) -> Cow<'a, str> {
        match self {
            CellRef::Empty => Cow::Borrowed(""),
            CellRef::Raw(b) => match decode_field(b, encoding) {
                Some(Cow::Borrowed(s)) => nfc(s),
                Some(Cow::Owned(s)) => Cow::Owned(nfc(&s).into_owned()),
                None => Cow::Owned(String::from_utf8_lossy(b).into_owned()),
            },
            CellRef::Text(t) => Cow::Borrowed(t),
            CellRef::Number(n) => Cow::Owned(number_text(n)),
            CellRef::Date(d) => Cow::Owned(crate::vn::date(d)),
        }
    }

    /// The bytes a value is looked up by in the parsers' caches; `None` for
    /// typed cells, which have no bytes of their own.
    pub fn key(self) -> Option<&'a [u8]> {
        match self {
            CellRef::Empty => Some(b""),
            CellRef::Raw(b) => Some(b),
            CellRef::Text(t) => Some(t.as_bytes()),
            CellRef::Number(_) | CellRef::Date(_) => None,
        }
    }

    pub fn is_blank(self) -> bool {
        match self {
            CellRef::Empty => true,
            CellRef::Raw(b) => b.trim_ascii().is_empty(),
            // What `trim().is_empty()` says, stopping at the first other
            // character (a sheet's cells are rarely blank, and trimming
            // also ran over each from its end).
            CellRef::Text(t) => t.chars().all(char::is_whitespace),
            _ => false,
        }
    }
}

/// `9.0` → `9`, so codes typed as numbers in a sheet read as codes.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// The cells of one row, by field; fields without a column are
/// [`CellRef::Empty`] and [`Cells::present`] tells them apart.
#[derive(Clone, Copy, Debug)]
pub struct Cells<'a> {
    values: Values<'a>,
    columns: &'a Columns,
    /// The encoding of [`CellRef::Raw`] bytes.
    pub encoding: Encoding,
    /// The whole row is known to be valid UTF-8, so no field of it needs
    /// checking on its own.
    pub valid_utf8: bool,
}

#[derive(Clone, Copy, Debug)]
enum Values<'a> {
    Record(Record<'a>),
    Typed(&'a [Cell<'a>]),
}

impl<'a> Cells<'a> {
    /// A delimited record's fields, as bytes in `encoding`. A UTF-8 row
    /// is checked whole here, at SIMD speed: its fields (cut at ASCII
    /// delimiters and quotes) are then valid too, and the short ones are
    /// not checked one by one.
    pub fn of_record(record: Record<'a>, columns: &'a Columns, encoding: Encoding) -> Cells<'a> {
        Cells {
            values: Values::Record(record),
            columns,
            encoding,
            valid_utf8: encoding == Encoding::Utf8
                && (record.known.utf8 || simdutf8::basic::from_utf8(record.as_slice()).is_ok()),
        }
    }

    /// A spreadsheet row's cells.
    pub fn of_row(row: &'a [Cell<'a>], columns: &'a Columns) -> Cells<'a> {
        Cells {
            values: Values::Typed(row),
            columns,
            encoding: Encoding::Utf8,
            valid_utf8: true,
        }
    }

    pub fn get(&self, field: Field) -> CellRef<'a> {
        match self.columns.get(field) {
            // A short record's missing cells are empty.
            Some(pos) => self.at(pos),
            None => CellRef::Empty,
        }
    }

    /// A field as text (decoded, NFC).
    pub fn text(&self, field: Field) -> Cow<'a, str> {
        self.text_of(self.get(field))
    }

    /// A cell of this row as text (decoded, NFC).
    pub fn text_of(&self, cell: CellRef<'a>) -> Cow<'a, str> {
        cell.display(self.encoding)
    }

    /// Whether the file has a column for `field`.
    pub fn present(&self, field: Field) -> bool {
        self.columns.has(field)
    }

    /// The cell in column `pos`, whatever field it holds.
    pub fn at(&self, pos: usize) -> CellRef<'a> {
        match self.values {
            Values::Record(r) => CellRef::Raw(r.get(pos).unwrap_or_default()),
            Values::Typed(row) => row.get(pos).map_or(CellRef::Empty, Cell::as_ref),
        }
    }

    /// How many cells the row has.
    pub fn len(&self) -> usize {
        match self.values {
            Values::Record(r) => r.len(),
            Values::Typed(row) => row.len(),
        }
    }

    /// The file's header.
    pub fn columns(&self) -> &'a Columns {
        self.columns
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn blank_text_is_what_trims_to_nothing(t in "[ \t\u{a0}\u{3000}\u{200b}a\u{0300}]{0,6}") {
            proptest::prop_assert_eq!(CellRef::Text(&t).is_blank(), t.trim().is_empty());
        }
    }
}
