//! Rows that describe the table rather than a dossier (SPEC §1.5): a group
//! heading (OpenCPS writes `Hộ tịch ( 16 )` merged across the table), a
//! subtotal or total row, the header repeated on every printed page. They
//! are passed over and counted, never read as dossiers and never errors.

use std::fmt;

use super::cells::{CellRef, Cells};
use super::field::Field;
use crate::text::fold;

/// Why a row is passed over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Skip {
    /// No dossier code and at most two non-empty cells.
    Heading,
    /// Its first non-empty cell is `Tổng cộng`, `Tổng số`, `Cộng` or `Tổng`.
    Total,
    /// The header again (a printed page's), or the row of column numbers
    /// under it.
    Header,
}

impl Skip {
    pub const ALL: [Skip; 3] = [Skip::Heading, Skip::Total, Skip::Header];

    /// For people: `dòng tiêu đề nhóm`…
    pub fn label(self) -> &'static str {
        match self {
            Skip::Heading => "dòng tiêu đề nhóm",
            Skip::Total => "dòng tổng cộng",
            Skip::Header => "dòng tiêu đề cột lặp lại",
        }
    }
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The kind of a row that is not a dossier, or `None` for a dossier row
/// (valid or not). Cheap for a dossier row: one look at its code and its
/// first non-empty cell.
pub fn classify(cells: &Cells<'_>) -> Option<Skip> {
    let code = cells.get(Field::Code);
    let first = (0..cells.len())
        .map(|i| cells.at(i))
        .find(|c| !c.is_blank())?;
    if maybe_word(first) && is_total(first, cells) {
        return Some(Skip::Total);
    }
    if !code.is_blank() {
        // The row of column numbers has one in the code column too.
        let header =
            is_header_copy(cells, code) || (is_small_number(code) && is_column_numbers(cells));
        return header.then_some(Skip::Header);
    }
    let filled = (0..cells.len())
        .filter(|&i| !cells.at(i).is_blank())
        .take(3)
        .count();
    if filled <= 2 {
        // The lower row of a repeated two-row header has two labels only.
        return Some(if is_all_header(cells) {
            Skip::Header
        } else {
            Skip::Heading
        });
    }
    let header = is_all_header(cells) || is_column_numbers(cells);
    header.then_some(Skip::Header)
}

/// Whether a cell may start a total word: its first letter is `T` or `C`.
fn maybe_word(cell: CellRef<'_>) -> bool {
    let first = match cell {
        CellRef::Raw(b) => b.trim_ascii_start().first().copied(),
        CellRef::Text(t) => t.trim_start().bytes().next(),
        _ => None,
    };
    matches!(first, Some(b'T' | b't' | b'C' | b'c'))
}

fn is_total(cell: CellRef<'_>, cells: &Cells<'_>) -> bool {
    // Codes may start with T or C too: those are long, or ASCII words
    // that are not these.
    if let CellRef::Raw(b) = cell {
        if b.len() > 48 {
            return false;
        }
        if b.is_ascii() {
            let mut words = b.split(u8::is_ascii_whitespace).filter(|w| !w.is_empty());
            let first = words.next().unwrap_or_default();
            if !first.eq_ignore_ascii_case(b"tong") && !first.eq_ignore_ascii_case(b"cong") {
                return false;
            }
        }
    }
    let text = cells.text_of(cell);
    if text.len() > 48 {
        return false;
    }
    // Compared with their tone marks where written: `Tổng công ty …` (a
    // unit) is not `Tổng cộng`, though both fold to `tong cong`.
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let is = |w: &str, accented: &str, plain: &str| w == accented || w == plain;
    let tong = |w: &str| is(w, "tổng", "tong");
    let cong = |w: &str| is(w, "cộng", "cong");
    let so = |w: &str| is(w, "số", "so");
    match words.as_slice() {
        [w] => tong(w) || cong(w),
        [t, c, ..] if tong(t) && cong(c) => true,
        [t, s] => tong(t) && so(s),
        [t, s, h, o, ..] => tong(t) && so(s) && is(h, "hồ", "ho") && is(o, "sơ", "so"),
        _ => false,
    }
}

/// A dossier code that is the header's own label for the code column: a
/// repeated header, if the other labelled cells say so too.
fn is_header_copy(cells: &Cells<'_>, code: CellRef<'_>) -> bool {
    let columns = cells.columns();
    let Some(pos) = columns.get(Field::Code) else {
        return false;
    };
    let label = columns.label(pos);
    // Codes have digits and labels none: no text is decoded for a dossier.
    if let Some(b) = code.key()
        && b.iter().any(u8::is_ascii_digit)
        && !label.bytes().any(|c| c.is_ascii_digit())
    {
        return false;
    }
    let text = cells.text_of(code);
    let text = text.trim();
    // Codes are longer than labels, or differ at once: fold only when close.
    if text.len() > label.len() + 8 || text.is_empty() || label.is_empty() {
        return false;
    }
    fold(text) == fold(label) && is_all_header(cells)
}

/// Every non-empty cell is the header's label of its column (a page's
/// repeated header, upper or lower row), and there are at least two.
fn is_all_header(cells: &Cells<'_>) -> bool {
    let columns = cells.columns();
    let mut matched = 0;
    for i in 0..cells.len() {
        let cell = cells.at(i);
        if cell.is_blank() {
            continue;
        }
        let text = cells.text_of(cell);
        let label = columns.label(i);
        let same = fold(&text) == fold(label) || columns.is_upper_label(i, &text);
        if !same {
            return false;
        }
        matched += 1;
    }
    matched >= 2
}

/// `4` or `(4)`: what the code column holds in a row of column numbers.
fn is_small_number(cell: CellRef<'_>) -> bool {
    match cell {
        CellRef::Number(n) => (1.0..=99.0).contains(&n),
        _ => cell.key().is_some_and(|b| {
            let b = b.trim_ascii();
            let inner = b
                .strip_prefix(b"(")
                .and_then(|x| x.strip_suffix(b")"))
                .unwrap_or(b);
            (1..=2).contains(&inner.len()) && inner.iter().all(u8::is_ascii_digit)
        }),
    }
}

/// The row of column numbers forms put under their header: `1 2 3 …` or
/// `(1) (2) (3) …`, each cell its column's number, at least three.
fn is_column_numbers(cells: &Cells<'_>) -> bool {
    let mut n = 0u32;
    for i in 0..cells.len() {
        let cell = cells.at(i);
        if cell.is_blank() {
            continue;
        }
        let text = cells.text_of(cell);
        let digits = text.trim().trim_start_matches('(').trim_end_matches(')');
        match digits.parse::<u32>() {
            Ok(k) if k == n + 1 => n = k,
            _ => return false,
        }
    }
    n >= 3
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::cells::Cell;
    use crate::input::header::HeaderRules;
    use std::borrow::Cow;

    fn kind_of(header: &[&str], row: &[&str]) -> Option<Skip> {
        let columns = HeaderRules::new(&[]).columns(header);
        let cells: Vec<Cell<'_>> = row.iter().map(|t| Cell::Text(Cow::Borrowed(*t))).collect();
        classify(&Cells::of_row(&cells, &columns))
    }

    const HEADER: [&str; 6] = [
        "STT",
        "Mã hồ sơ",
        "Đơn vị",
        "Ngày tiếp nhận",
        "Ngày hẹn trả",
        "Trạng thái",
    ];

    #[test]
    fn rows_that_describe_the_table_are_told_apart() {
        let k = |row: &[&str]| kind_of(&HEADER, row);
        assert_eq!(
            k(&["Hộ tịch ( 16 )", "", "", "", "", ""]),
            Some(Skip::Heading)
        );
        assert_eq!(k(&["", "", "UBND xã A", "", "", "12"]), Some(Skip::Heading));
        assert_eq!(k(&["Tổng cộng", "", "", "", "", "16"]), Some(Skip::Total));
        assert_eq!(k(&["", "Tổng số", "3", "4", "5", "6"]), Some(Skip::Total));
        assert_eq!(k(&["Cộng:", "", "", "4", "5", "6"]), Some(Skip::Total));
        assert_eq!(k(&HEADER), Some(Skip::Header));
        assert_eq!(
            k(&["stt", "MÃ HỒ SƠ", "Đơn vị", "", "", ""]),
            Some(Skip::Header)
        );
        assert_eq!(
            k(&["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"]),
            Some(Skip::Header)
        );
        assert_eq!(k(&["1", "2", "3", "4", "5", "6"]), Some(Skip::Header));
        // Dossier rows, valid or not, are not passed over.
        assert_eq!(
            k(&[
                "1",
                "H56-0001",
                "UBND xã A",
                "03/10/2023",
                "05/10/2023",
                "9"
            ]),
            None
        );
        assert_eq!(
            k(&["", "", "UBND xã A", "03/10/2023", "05/10/2023", "9"]),
            None
        );
        assert_eq!(
            k(&["1", "2", "UBND xã A", "03/10/2023", "05/10/2023", "9"]),
            None
        );
        assert_eq!(
            k(&["Tổng cục Thuế", "T-01", "Tổng cục", "x", "y", "z"]),
            None
        );
        assert_eq!(k(&["", "", "", "", "", ""]), None);
    }

    #[test]
    fn a_repeated_two_row_header_is_passed_over() {
        let rules = HeaderRules::new(&[]);
        let upper = ["Mã hồ sơ", "Đơn vị", "Trạng thái", "Ngày, tháng, năm", ""];
        let lower = ["", "", "", "Nhận hồ sơ", "Hẹn trả kết quả"];
        let columns = rules.header_of(Some(&upper[..]), &lower).unwrap();
        for row in [&upper[..], &lower[..]] {
            let cells: Vec<Cell<'_>> = row.iter().map(|t| Cell::Text(Cow::Borrowed(*t))).collect();
            assert_eq!(
                classify(&Cells::of_row(&cells, &columns)),
                Some(Skip::Header),
                "{row:?}"
            );
        }
    }
}
