//! A row's cells by field, as a reader hands them to the parser: raw bytes
//! from delimited files (decoded only when a value must be read as text),
//! typed values from spreadsheets.

use std::borrow::Cow;

use chrono::NaiveDate;

use super::encoding::{Encoding, decode_field};
use super::field::Field;
use crate::text::nfc;

#[derive(Clone, Debug, Default, PartialEq)]
pub enum Cell<'a> {
    #[default]
    Empty,
    /// Bytes of a delimited file, in the row's encoding.
    Raw(&'a [u8]),
    Text(Cow<'a, str>),
    Number(f64),
    Date(NaiveDate),
}

impl Cell<'_> {
    /// The cell as the user would read it (NFC), for messages and names.
    pub fn display(&self, encoding: Encoding) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Raw(b) => match decode_field(b, encoding) {
                Some(Cow::Borrowed(s)) => nfc(s),
                Some(Cow::Owned(s)) => Cow::Owned(nfc(&s).into_owned()),
                None => Cow::Owned(String::from_utf8_lossy(b).into_owned()),
            },
            Cell::Text(t) => Cow::Borrowed(t),
            Cell::Number(n) => Cow::Owned(number_text(*n)),
            Cell::Date(d) => Cow::Owned(crate::vn::date(*d)),
        }
    }

    /// The bytes a value is looked up by in the parsers' caches; `None` for
    /// typed cells, which have no bytes of their own.
    pub fn key(&self) -> Option<&[u8]> {
        match self {
            Cell::Empty => Some(b""),
            Cell::Raw(b) => Some(b),
            Cell::Text(t) => Some(t.as_bytes()),
            Cell::Number(_) | Cell::Date(_) => None,
        }
    }

    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Raw(b) => b.trim_ascii().is_empty(),
            Cell::Text(t) => t.trim().is_empty(),
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

/// The cells of one row, indexed by field; fields without a column are
/// [`Cell::Empty`] and [`Cells::present`] tells them apart.
#[derive(Debug)]
pub struct Cells<'a> {
    cells: [Cell<'a>; Field::COUNT],
    present: [bool; Field::COUNT],
    /// The encoding of [`Cell::Raw`] bytes.
    pub encoding: Encoding,
}

impl Default for Cells<'_> {
    fn default() -> Self {
        Cells {
            cells: Default::default(),
            present: [false; Field::COUNT],
            encoding: Encoding::Utf8,
        }
    }
}

impl<'a> Cells<'a> {
    pub fn set(&mut self, field: Field, cell: Cell<'a>) {
        self.cells[field.index()] = cell;
        self.present[field.index()] = true;
    }

    pub fn get(&self, field: Field) -> &Cell<'a> {
        &self.cells[field.index()]
    }

    /// A field as text (decoded, NFC).
    pub fn text(&self, field: Field) -> Cow<'_, str> {
        self.get(field).display(self.encoding)
    }

    /// Whether the file has a column for `field`.
    pub fn present(&self, field: Field) -> bool {
        self.present[field.index()]
    }
}
