//! HTML tables: the "Xuất Excel" of web one-stop systems saves the page's
//! `<table>` (often in an Office-HTML wrapper) under a `.xls` name. The
//! file streams through html5ever's tokenizer, so memory stays bounded
//! however long the table: the first table that holds a header row is the
//! export (SPEC §1.1); `colspan`/`rowspan` are expanded with the value in
//! the first cell, `<br>` and block tags read as spaces, entities decoded,
//! other markup dropped.

use std::cell::RefCell;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use super::cells::Cell;
use super::encoding::Encoding;
use super::header::HeaderRules;
use super::problem::{Fault, FaultKind, RowProblem};
use super::table::Table;
use super::{Error, Visitor};
use crate::text::clean_name;

/// The widest row accepted: a hostile `colspan` must not fill memory.
const MAX_COLUMNS: usize = 16_384;

/// Reads the export table of an HTML file.
pub(crate) fn read(
    path: &Path,
    file_name: &std::sync::Arc<str>,
    forced: Option<Encoding>,
    rules: &HeaderRules,
    visitor: &mut dyn Visitor,
) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    let mut prefix = Vec::new();
    (&mut file)
        .take(64 * 1024)
        .read_to_end(&mut prefix)
        .map_err(io)?;
    let (mut encoding, bom) = detect(&prefix, forced);
    // Undeclared and UTF-8 in its first bytes: the whole file decides.
    if forced.is_none()
        && bom == 0
        && encoding == encoding_rs::UTF_8
        && declared_charset(&prefix).is_none()
        && !super::encoding::is_utf8_file(path).map_err(io)?
    {
        encoding = encoding_rs::WINDOWS_1258;
    }
    let sink = Sink {
        state: RefCell::new(State {
            path,
            file_name,
            rules,
            visitor,
            tables: Vec::new(),
            chosen: None,
            done: false,
            best_error: None,
            raw: None,
            replaced: false,
            encoding_name: encoding.name(),
            spreadsheet_xml: false,
        }),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let queue = BufferQueue::default();
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut input = prefix;
    input.drain(..bom.min(input.len()));
    let mut buf = vec![0u8; 64 * 1024];
    let mut text = String::new();
    loop {
        let last = input.is_empty();
        text.clear();
        text.reserve(
            decoder
                .max_utf8_buffer_length(input.len())
                .unwrap_or(input.len() * 3),
        );
        let (_, _, replaced) = decoder.decode_to_string(&input, &mut text, last);
        if replaced {
            tokenizer.sink.state.borrow_mut().replaced = true;
        }
        if !text.is_empty() {
            queue.push_back(StrTendril::from_slice(&text));
            let _ = tokenizer.feed(&queue);
        }
        if last || tokenizer.sink.state.borrow().done {
            break;
        }
        let n = file.read(&mut buf).map_err(io)?;
        input.clear();
        input.extend_from_slice(&buf[..n]);
    }
    tokenizer.end();
    let state = tokenizer.sink.state.into_inner();
    state.finish()
}

/// The encoding of an HTML file and the length of its BOM: a BOM, else the
/// `<meta charset>` or `http-equiv` declaration, else valid UTF-8, else
/// Windows-1258 (SPEC §1.1). `--encoding` wins over all of them.
fn detect(prefix: &[u8], forced: Option<Encoding>) -> (&'static encoding_rs::Encoding, usize) {
    let bom = Encoding::from_bom(prefix);
    // A forced encoding drops any BOM, its own or another's (SPEC §1.2).
    if let Some(f) = forced {
        return (f.encoding_rs(), bom.map_or(0, |(_, n)| n));
    }
    if let Some((b, len)) = bom {
        return (b.encoding_rs(), len);
    }
    if let Some(declared) = declared_charset(prefix) {
        return (declared, 0);
    }
    if super::encoding::is_utf8_prefix(prefix) {
        (encoding_rs::UTF_8, 0)
    } else {
        (encoding_rs::WINDOWS_1258, 0)
    }
}

/// The charset a `<meta>` tag declares in the first bytes, read with the
/// tokenizer (the bytes as Windows-1252, which keeps ASCII as it is).
fn declared_charset(prefix: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    struct Metas(RefCell<Option<String>>);
    impl TokenSink for Metas {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            if let Token::TagToken(tag) = token
                && tag.kind == TagKind::StartTag
                && &*tag.name == "meta"
                && self.0.borrow().is_none()
            {
                let attr = |n: &str| {
                    tag.attrs
                        .iter()
                        .find(|a| (*a.name.local).eq_ignore_ascii_case(n))
                        .map(|a| a.value.to_string())
                };
                let found = attr("charset").or_else(|| {
                    let equiv = attr("http-equiv")?;
                    equiv
                        .eq_ignore_ascii_case("content-type")
                        .then(|| attr("content").and_then(|c| charset_of_content(&c)))
                        .flatten()
                });
                *self.0.borrow_mut() = found;
            }
            TokenSinkResult::Continue
        }
    }
    let text = encoding_rs::WINDOWS_1252
        .decode_without_bom_handling(&prefix[..prefix.len().min(8192)])
        .0;
    let tokenizer = Tokenizer::new(Metas(RefCell::new(None)), TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(&text));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    let label = tokenizer.sink.0.into_inner()?;
    let found = encoding_rs::Encoding::for_label(label.trim().as_bytes())?;
    // A page cannot declare itself UTF-16 in bytes that read as ASCII.
    Some(
        if found == encoding_rs::UTF_16LE || found == encoding_rs::UTF_16BE {
            encoding_rs::UTF_8
        } else {
            found
        },
    )
}

/// `text/html; charset=windows-1258` → `windows-1258`.
fn charset_of_content(content: &str) -> Option<String> {
    let lower = content.to_ascii_lowercase();
    let at = lower.find("charset")?;
    let rest = content[at + "charset".len()..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest
        .find(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace())
        .unwrap_or(rest.len());
    (end > 0).then(|| rest[..end].to_string())
}

struct Sink<'a> {
    state: RefCell<State<'a>>,
}

/// One open `<table>`.
struct Open<'r> {
    table: Table<'r>,
    row: Option<Row>,
    /// Set when the table has no header in its first rows: its other rows
    /// are passed over.
    failed: bool,
    /// For each column, how many more rows a `rowspan` above covers.
    spans: Vec<usize>,
}

/// The row being read.
struct Row {
    line: u64,
    cells: Vec<RawCell>,
    /// Whether a cell is open (text goes to the last cell).
    in_cell: bool,
}

/// A `<td>` or `<th>` as written, before spans are placed.
struct RawCell {
    text: String,
    colspan: usize,
    rowspan: usize,
}

struct State<'a> {
    path: &'a Path,
    file_name: &'a std::sync::Arc<str>,
    rules: &'a HeaderRules,
    visitor: &'a mut dyn Visitor,
    tables: Vec<Open<'a>>,
    /// The index in `tables` of the table that holds the header.
    chosen: Option<usize>,
    /// The export table has ended: the rest of the file is not read.
    done: bool,
    best_error: Option<(usize, Error)>,
    /// Inside `<script>`, `<style>`…: its text is not a cell's.
    raw: Option<String>,
    /// Whether the decoder met bytes that are not valid in the encoding.
    replaced: bool,
    encoding_name: &'static str,
    /// A `<Workbook>`: Excel 2003's XML Spreadsheet, not HTML.
    spreadsheet_xml: bool,
}

impl TokenSink for Sink<'_> {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        let mut state = self.state.borrow_mut();
        if state.done {
            return TokenSinkResult::Continue;
        }
        match token {
            Token::TagToken(tag) => return state.tag(&tag, line),
            Token::CharacterTokens(text) => state.text(&text),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

impl<'a> State<'a> {
    fn tag(&mut self, tag: &Tag, line: u64) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        if let Some(raw) = &self.raw {
            if tag.kind == TagKind::EndTag && raw == name {
                self.raw = None;
            }
            return TokenSinkResult::Continue;
        }
        let nested = self.chosen.is_some_and(|i| self.tables.len() > i + 1);
        if nested && matches!(name, "tr" | "td" | "th") {
            self.text(" ");
            return TokenSinkResult::Continue;
        }
        match (tag.kind, name) {
            (TagKind::StartTag, "script") => return self.enter_raw(name, RawKind::ScriptData),
            (TagKind::StartTag, "style" | "xmp" | "iframe" | "noembed" | "noframes") => {
                return self.enter_raw(name, RawKind::Rawtext);
            }
            (TagKind::StartTag, "title" | "textarea") => {
                return self.enter_raw(name, RawKind::Rcdata);
            }
            (TagKind::StartTag, "workbook") if self.chosen.is_none() => {
                self.spreadsheet_xml = true;
            }
            (TagKind::StartTag, "table") => self.open_table(),
            (TagKind::EndTag, "table") => self.close_table(),
            (TagKind::StartTag, "tr") => {
                self.end_row();
                if let Some(open) = self.current() {
                    open.row = Some(Row {
                        line,
                        cells: Vec::new(),
                        in_cell: false,
                    });
                }
            }
            (TagKind::EndTag, "tr") => self.end_row(),
            (TagKind::StartTag, "td" | "th") => self.start_cell(tag, line),
            (TagKind::EndTag, "td" | "th") => {
                if let Some(row) = self.current().and_then(|o| o.row.as_mut()) {
                    row.in_cell = false;
                }
            }
            (_, "br" | "p" | "div" | "li") => self.text(" "),
            _ => {}
        }
        TokenSinkResult::Continue
    }

    fn enter_raw(&mut self, name: &str, kind: RawKind) -> TokenSinkResult<()> {
        self.raw = Some(name.to_string());
        TokenSinkResult::RawData(kind)
    }

    /// The table rows go to: the export table once found, inside which
    /// nested tables are read as the text of its cells.
    fn current(&mut self) -> Option<&mut Open<'a>> {
        match self.chosen {
            Some(i) => self.tables.get_mut(i),
            None => self.tables.last_mut(),
        }
    }

    fn open_table(&mut self) {
        if self.chosen.is_none() {
            let mut table = Table::new(self.path, self.rules);
            table.describe(Some(self.encoding_name), None);
            self.tables.push(Open {
                table,
                row: None,
                failed: false,
                spans: Vec::new(),
            });
        } else {
            // A table nested in the export table: its text is the cell's.
            self.text(" ");
            self.tables.push(Open {
                table: Table::new(self.path, self.rules),
                row: None,
                failed: true,
                spans: Vec::new(),
            });
        }
    }

    fn close_table(&mut self) {
        if self.chosen.is_some_and(|i| i + 1 < self.tables.len()) {
            self.tables.pop();
            self.text(" ");
            return;
        }
        self.end_row();
        let Some(open) = self.tables.pop() else {
            return;
        };
        if self.chosen.is_some() {
            self.done = true;
            self.chosen = None;
            return;
        }
        if !open.failed
            && let Err(e) = open.table.finish()
        {
            self.keep_error(e);
        }
    }

    fn start_cell(&mut self, tag: &Tag, line: u64) {
        let span = |n: &str, max: usize| {
            tag.attrs
                .iter()
                .find(|a| (*a.name.local).eq_ignore_ascii_case(n))
                .and_then(|a| a.value.trim().parse::<usize>().ok())
                .unwrap_or(1)
                .clamp(1, max)
        };
        let (colspan, rowspan) = (span("colspan", MAX_COLUMNS), span("rowspan", 65_534));
        let Some(open) = self.current() else { return };
        let row = open.row.get_or_insert_with(|| Row {
            line,
            cells: Vec::new(),
            in_cell: false,
        });
        if row.cells.len() >= MAX_COLUMNS {
            row.in_cell = false;
            return;
        }
        row.cells.push(RawCell {
            text: String::new(),
            colspan,
            rowspan,
        });
        row.in_cell = true;
    }

    fn text(&mut self, text: &str) {
        if self.raw.is_some() {
            return;
        }
        let Some(row) = self.current().and_then(|o| o.row.as_mut()) else {
            return;
        };
        if let (true, Some(cell)) = (row.in_cell, row.cells.last_mut()) {
            cell.text.push_str(text);
        }
    }

    fn end_row(&mut self) {
        let replaced = self.replaced;
        let file_name = self.file_name.clone();
        let Some(index) = self.chosen.or(self.tables.len().checked_sub(1)) else {
            return;
        };
        let Some(open) = self.tables.get_mut(index) else {
            return;
        };
        let Some(row) = open.row.take() else { return };
        if open.failed {
            return;
        }
        let cells = open.place(row.cells);
        let had_header = open.table.has_header();
        if had_header && replaced && cells.iter().any(|c| c.contains('\u{FFFD}')) {
            self.visitor.problem(RowProblem {
                file: file_name,
                line: row.line,
                faults: vec![Fault {
                    kind: FaultKind::Encoding,
                    field: "(cả dòng)".into(),
                    value: cells.join(" | "),
                    reason: "byte không hợp lệ trong bảng mã của trang (kiểm tra khai báo charset)"
                        .into(),
                }],
                cells,
            });
            return;
        }
        let typed: Vec<Cell<'_>> = cells
            .iter()
            .map(|c| Cell::Text(std::borrow::Cow::Borrowed(c.as_str())))
            .collect();
        let result = open.table.row(row.line, &typed, &mut *self.visitor);
        match result {
            Ok(()) => {
                if !had_header && open.table.has_header() {
                    self.chosen = Some(index);
                    // Tables around the export table end with it.
                    self.tables.truncate(index + 1);
                }
            }
            Err(e) => {
                open.failed = true;
                self.keep_error(e);
            }
        }
    }

    /// Keeps the most telling of the errors of tables without a header.
    fn keep_error(&mut self, e: Error) {
        let score = match &e {
            Error::NoHeader { found, missing, .. } => {
                1 + found.iter().filter(|c| !c.is_empty()).count().min(1) * (100 - missing.len())
            }
            _ => 0,
        };
        if self.best_error.as_ref().is_none_or(|(s, _)| score > *s) {
            self.best_error = Some((score, e));
        }
    }

    fn finish(mut self) -> Result<(), Error> {
        while !self.tables.is_empty() && !self.done {
            self.close_table();
        }
        if self.done {
            return Ok(());
        }
        if self.spreadsheet_xml {
            return Err(Error::Spreadsheet {
                path: self.path.to_path_buf(),
                message: "đây là bảng tính XML của Excel 2003 (XML Spreadsheet), dạng cctthc không đọc: mở bằng Excel rồi lưu thành .xlsx (Tệp → Lưu thành → Sổ làm việc Excel)".into(),
            });
        }
        Err(match self.best_error {
            Some((_, e)) => e,
            None => Error::NotSpreadsheet {
                path: self.path.to_path_buf(),
                why: "trang HTML không có bảng nào (thẻ <table>)".into(),
            },
        })
    }
}

impl Open<'_> {
    /// The row's cells in their columns: a `colspan` adds empty cells
    /// after its value, a `rowspan` empty cells below it.
    fn place(&mut self, raw: Vec<RawCell>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut below = Vec::new();
        for cell in raw {
            while self.spans.get(out.len()).is_some_and(|&n| n > 0) {
                out.push(String::new());
            }
            let col = out.len();
            if col >= MAX_COLUMNS {
                break;
            }
            out.push(clean_name(&cell.text));
            let width = cell.colspan.min(MAX_COLUMNS - col);
            out.resize(col + width, String::new());
            if cell.rowspan > 1 {
                below.push((col, width, cell.rowspan - 1));
            }
        }
        for n in &mut self.spans {
            *n = n.saturating_sub(1);
        }
        for (col, width, rows) in below {
            if self.spans.len() < col + width {
                self.spans.resize(col + width, 0);
            }
            self.spans[col..col + width].fill(rows);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::cells::Cells;
    use crate::input::field::Field;
    use crate::input::{Header, RowProblem};

    /// Rows by field, as text.
    #[derive(Default)]
    struct Rows {
        header: Option<Header>,
        rows: Vec<(u64, Vec<String>)>,
        problems: Vec<RowProblem>,
    }

    impl Visitor for Rows {
        fn header(&mut self, header: &Header) {
            self.header = Some(header.clone());
        }
        fn row(&mut self, line: u64, cells: &Cells<'_>, _: &dyn Fn() -> Vec<String>) {
            let fields = [Field::Code, Field::Unit, Field::Received, Field::Status];
            self.rows
                .push((line, fields.map(|f| cells.text(f).into_owned()).to_vec()));
        }
        fn problem(&mut self, p: RowProblem) {
            self.problems.push(p);
        }
    }

    fn read_bytes(bytes: &[u8]) -> Result<Rows, Error> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.xls");
        std::fs::write(&path, bytes).unwrap();
        let mut rows = Rows::default();
        let name: std::sync::Arc<str> = "x.xls".into();
        read(&path, &name, None, &HeaderRules::new(&[]), &mut rows)?;
        Ok(rows)
    }

    const TABLE: &str = "<table><tr><th>Mã hồ sơ</th><th>Đơn vị</th><th>Ngày nhận</th><th>Ngày hẹn trả</th><th>Trạng thái</th></tr>\
        <tr><td>HS1</td><td rowspan=2>UBND xã <b>A</b><br>Bắc</td><td>03/10/2023</td><td colspan=2>05/10/2023</td></tr>\
        <tr><td>HS2</td><td>04/10/2023</td><td>06/10/2023</td><td>Đang xử lý</td></tr></table>";

    #[test]
    fn cells_markup_and_spans() {
        let page = format!(
            "<html><head><style>td {{ x: \"<td>\" }}</style><script>var s = '<tr><td>no</td></tr>';</script></head><body>\n<!-- <table><tr><td>Mã hồ sơ</td></tr></table> -->\n{TABLE}</body></html>"
        );
        let rows = read_bytes(page.as_bytes()).unwrap();
        let header = rows.header.unwrap();
        assert_eq!(header.columns.get(Field::Status), Some(4));
        assert_eq!(header.encoding, Some("UTF-8"));
        let cells: Vec<&Vec<String>> = rows.rows.iter().map(|(_, c)| c).collect();
        // colspan: the value in the first cell, the next empty.
        assert_eq!(cells[0], &vec!["HS1", "UBND xã A Bắc", "03/10/2023", ""]);
        // rowspan: the cell below is empty, the row's own cells move right.
        assert_eq!(cells[1], &vec!["HS2", "", "04/10/2023", "Đang xử lý"]);
        assert_eq!(rows.rows[0].0, 3);
    }

    #[test]
    fn encodings_are_declared_or_detected() {
        let body = format!(
            "<html><head><meta charset=\"windows-1258\"></head><body>{TABLE}</body></html>"
        );
        let (bytes, _, _) = encoding_rs::WINDOWS_1258.encode(&body);
        let rows = read_bytes(&bytes).unwrap();
        assert_eq!(rows.header.unwrap().encoding, Some("windows-1258"));
        assert_eq!(rows.rows[0].1[1], "UBND xã A Bắc");
        // No declaration, not UTF-8: Windows-1258.
        let plain = format!("<html><body>{TABLE}</body></html>");
        let (bytes, _, _) = encoding_rs::WINDOWS_1258.encode(&plain);
        let rows = read_bytes(&bytes).unwrap();
        assert_eq!(rows.rows[1].1[3], "Đang xử lý");
        // http-equiv, and a BOM that wins over it.
        let equiv = format!(
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">{TABLE}"
        );
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(equiv.as_bytes());
        assert_eq!(read_bytes(&with_bom).unwrap().rows.len(), 2);
        assert_eq!(
            charset_of_content("text/html; charset = 'utf-8'").as_deref(),
            Some("utf-8")
        );
    }

    #[test]
    fn the_first_table_with_a_header_is_the_export() {
        let page = format!(
            "<table><tr><td>Logo</td><td>Menu</td></tr></table><table><tr><td>{TABLE}</td></tr></table><table>{}</table>",
            "<tr><td>Mã hồ sơ</td><td>Đơn vị</td><td>Ngày nhận</td><td>Ngày hẹn trả</td><td>Trạng thái</td></tr><tr><td>HS9</td></tr>"
        );
        let rows = read_bytes(page.as_bytes()).unwrap();
        let codes: Vec<&str> = rows.rows.iter().map(|(_, c)| c[0].as_str()).collect();
        assert_eq!(codes, ["HS1", "HS2"]);
    }

    #[test]
    fn a_page_without_a_table_or_header_is_an_error() {
        assert!(matches!(
            read_bytes(b"<html><body>Xin chao</body></html>"),
            Err(Error::NotSpreadsheet { .. })
        ));
        assert!(matches!(
            read_bytes(b"<table><tr><td>STT</td><td>Ten</td></tr></table>"),
            Err(Error::NoHeader { .. })
        ));
    }
}
