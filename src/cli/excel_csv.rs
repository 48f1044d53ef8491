//! Every CSV cctthc writes (`stats`, `qua-han`, the rejects file) is meant
//! to be opened in Excel (SPEC §5): UTF-8 with a BOM, so the Vietnamese
//! text is not garbled, and no cell a spreadsheet would run as a formula.

use std::borrow::Cow;
use std::io::{self, Write};

/// The UTF-8 byte order mark Excel needs to read a CSV as UTF-8.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A CSV writer on `out`, the BOM already written.
pub fn writer<W: Write>(mut out: W) -> io::Result<csv::Writer<W>> {
    out.write_all(BOM)?;
    Ok(csv::Writer::from_writer(out))
}

/// Writes one row, each cell made safe for a spreadsheet.
pub fn row<W: Write, S: AsRef<str>>(
    w: &mut csv::Writer<W>,
    cells: impl IntoIterator<Item = S>,
) -> csv::Result<()> {
    w.write_record(cells.into_iter().map(|c| cell(c.as_ref()).into_owned()))
}

/// A cell as a spreadsheet may show it: text beginning with `=`, `+`, `-`,
/// `@`, a tab or a carriage return would be read as a formula (or start
/// one), so it gets a leading `'`, as a clerk would type it.
pub fn cell(text: &str) -> Cow<'_, str> {
    match text.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_the_bom_written() {
        let mut w = writer(Vec::new()).unwrap();
        row(
            &mut w,
            [
                "=HYPERLINK(\"x\")",
                "+1",
                "-2",
                "@SUM(A1)",
                "\tx",
                "\rx",
                "UBND xã A",
                "",
            ],
        )
        .unwrap();
        let bytes = w.into_inner().unwrap();
        let text = std::str::from_utf8(&bytes).unwrap();
        assert_eq!(
            text,
            "\u{feff}\"'=HYPERLINK(\"\"x\"\")\",'+1,'-2,'@SUM(A1),'\tx,\"'\rx\",UBND xã A,\n"
        );
    }
}
