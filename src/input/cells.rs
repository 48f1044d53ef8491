//! A row's cells by field, as a reader hands them to the parser: text from
//! delimited files, typed values from spreadsheets.

use std::borrow::Cow;

use chrono::NaiveDate;

use super::field::Field;

#[derive(Clone, Debug, Default, PartialEq)]
pub enum Cell<'a> {
    #[default]
    Empty,
    Text(Cow<'a, str>),
    Number(f64),
    Date(NaiveDate),
}

impl Cell<'_> {
    /// The cell as the user would read it, for messages and fingerprints.
    pub fn display(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(t) => Cow::Borrowed(t),
            Cell::Number(n) => Cow::Owned(number_text(*n)),
            Cell::Date(d) => Cow::Owned(crate::vn::date(*d)),
        }
    }

    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
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
#[derive(Debug, Default)]
pub struct Cells<'a> {
    cells: [Cell<'a>; Field::COUNT],
    present: [bool; Field::COUNT],
}

impl<'a> Cells<'a> {
    pub fn set(&mut self, field: Field, cell: Cell<'a>) {
        self.cells[field.index()] = cell;
        self.present[field.index()] = true;
    }

    pub fn get(&self, field: Field) -> &Cell<'a> {
        &self.cells[field.index()]
    }

    /// Whether the file has a column for `field`.
    pub fn present(&self, field: Field) -> bool {
        self.present[field.index()]
    }
}
