//! Plain-text tables: numbers right-aligned; on a terminal the first column
//! is cut to fit its width (80 columns unless `COLUMNS` says more), in a
//! file or a pipe names are written in full (SPEC §5). Widths are
//! terminal columns: a letter's combining marks take none.

use unicode_width::UnicodeWidthStr;

use crate::report::chart::{cut, pad};

/// A table: a header of one or more lines per column, then rows.
pub struct Table {
    headers: Vec<Vec<String>>,
    rows: Vec<Row>,
}

enum Row {
    Cells(Vec<String>),
    /// Cells, some painted with an SGR code (`31` red) after padding, so
    /// the colour takes no column. The caller escapes the data's control
    /// characters first, and paints only when colour is allowed.
    Painted(Vec<String>, Vec<Option<&'static str>>),
    Rule,
    /// A line across the whole table (a group's heading).
    Text(String),
}

impl Table {
    /// `headers[i]` holds the header lines of column `i`.
    pub fn new(headers: Vec<Vec<&str>>) -> Table {
        Table {
            headers: headers
                .into_iter()
                .map(|h| h.into_iter().map(String::from).collect())
                .collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(Row::Cells(cells));
    }

    /// A row whose cells `paints` colours (`None`: as it is).
    pub fn painted(&mut self, cells: Vec<String>, paints: Vec<Option<&'static str>>) {
        self.rows.push(Row::Painted(cells, paints));
    }

    pub fn rule(&mut self) {
        self.rows.push(Row::Rule);
    }

    pub fn line(&mut self, text: String) {
        self.rows.push(Row::Text(text));
    }

    /// The table as text; `width` cuts the first column to fit, `None`
    /// leaves every cell whole.
    pub fn render(&self, width: Option<usize>) -> String {
        let n = self.headers.len();
        let mut widths = vec![0usize; n];
        for (i, h) in self.headers.iter().enumerate() {
            widths[i] = h.iter().map(|l| l.width()).max().unwrap_or(0);
        }
        for row in &self.rows {
            if let Row::Cells(cells) | Row::Painted(cells, _) = row {
                for (i, c) in cells.iter().enumerate().take(n) {
                    widths[i] = widths[i].max(c.width());
                }
            }
        }
        // The first column takes what the others leave.
        if let Some(width) = width {
            let others: usize = widths[1..].iter().map(|w| w + 1).sum();
            widths[0] = widths[0].min(width.saturating_sub(others + 1)).max(12);
        }
        let total: usize = widths.iter().sum::<usize>() + n - 1;
        let lines = self.headers.iter().map(Vec::len).max().unwrap_or(0);
        let mut out = String::new();
        for l in 0..lines {
            let cells: Vec<String> = self
                .headers
                .iter()
                .map(|h| {
                    // Header lines sit at the bottom of their cell.
                    let pad = lines - h.len();
                    if l >= pad {
                        h[l - pad].clone()
                    } else {
                        String::new()
                    }
                })
                .collect();
            push_line(&mut out, &cells, &widths, &[]);
        }
        out.push_str(&"─".repeat(total));
        out.push('\n');
        for row in &self.rows {
            match row {
                Row::Cells(cells) => push_line(&mut out, cells, &widths, &[]),
                Row::Painted(cells, paints) => push_line(&mut out, cells, &widths, paints),
                Row::Rule => {
                    out.push_str(&"─".repeat(total));
                    out.push('\n');
                }
                Row::Text(t) => {
                    out.push_str(&width.map_or_else(|| t.clone(), |w| cut(t, w)));
                    out.push('\n');
                }
            }
        }
        out
    }
}

fn push_line(out: &mut String, cells: &[String], widths: &[usize], paints: &[Option<&str>]) {
    let mut line = String::new();
    for (i, w) in widths.iter().enumerate() {
        let cell = cells.get(i).map_or("", String::as_str);
        let text = if i == 0 {
            pad(&cut(cell, *w), *w, false)
        } else {
            line.push(' ');
            pad(cell, *w, true)
        };
        match paints.get(i).copied().flatten() {
            Some(code) if !cell.is_empty() => {
                line.push_str(&format!("\x1b[{code}m{text}\x1b[0m"));
            }
            _ => line.push_str(&text),
        }
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// The width a table on stdout must fit: the terminal's, or none when
/// stdout is a file or a pipe.
pub fn stdout_width() -> Option<usize> {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal().then(terminal_width)
}

/// The terminal width to fit: `COLUMNS`, else 80.
pub fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w| *w >= 40)
        .unwrap_or(80)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_the_width_and_aligns_numbers() {
        let mut t = Table::new(vec![
            vec!["Đơn vị"],
            vec!["Tiếp", "nhận"],
            vec!["Đúng", "hạn"],
        ]);
        t.row(vec![
            "Chi nhánh Văn phòng đăng ký đất đai huyện Tứ Kỳ".into(),
            "4.479".into(),
            "99,97%".into(),
        ]);
        t.row(vec!["UBND xã Ngọc Kỳ".into(), "12".into(), "100%".into()]);
        let s = t.render(Some(40));
        for line in s.lines() {
            assert!(line.width() <= 40, "{line}");
        }
        assert!(s.contains("…"));
        assert!(s.contains("UBND xã Ngọc Kỳ"));
        assert!(s.lines().any(|l| l.ends_with("   12   100%")), "{s}");
        let whole = t.render(None);
        assert!(whole.contains("Chi nhánh Văn phòng đăng ký đất đai huyện Tứ Kỳ 4.479"));
        assert!(!whole.contains("…"));
    }

    #[test]
    fn paint_takes_no_column() {
        let table = |paint: Option<&'static str>| {
            let mut t = Table::new(vec![vec!["Đơn vị"], vec!["Điểm"]]);
            t.painted(vec!["UBND xã A".into(), "5,88".into()], vec![None, paint]);
            t.row(vec!["UBND xã Ngọc Kỳ".into(), "6".into()]);
            t.render(None)
        };
        let plain = table(None);
        let red = table(Some("31"));
        assert!(red.contains("\x1b[31m5,88\x1b[0m"), "{red:?}");
        assert_eq!(red.replace("\x1b[31m", "").replace("\x1b[0m", ""), plain);
    }

    #[test]
    fn marks_take_no_column() {
        use unicode_normalization::UnicodeNormalization;
        // Names composed (NFC) or decomposed (NFD, as some exports write
        // them) make the same table: a letter's marks take no column.
        let table = |name: &str| {
            let mut t = Table::new(vec![vec!["Đơn vị"], vec!["Tiếp", "nhận"]]);
            t.row(vec![name.to_string(), "4.479".into()]);
            t.row(vec!["UBND xã Ngọc Kỳ".into(), "12".into()]);
            t.line("Cấp xã: UBND xã Ngọc Kỳ và các đơn vị khác".into());
            t
        };
        let nfc = "Chi nhánh Văn phòng đăng ký đất đai huyện Tứ Kỳ";
        let nfd: String = nfc.nfd().collect();
        for width in [None, Some(40)] {
            let composed: String = table(&nfd).render(width).nfc().collect();
            assert_eq!(composed, table(nfc).render(width), "{width:?}");
        }
        // The numbers end in the same column on every line.
        let s = table(&nfd).render(None);
        let ends: Vec<usize> = s.lines().take(5).map(|l| l.width()).collect();
        assert!(ends.windows(2).all(|w| w[0] == w[1]), "{ends:?}\n{s}");
        assert_eq!(ends.first(), Some(&(nfc.width() + 1 + "4.479".width())));
    }
}
