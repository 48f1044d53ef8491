//! A filled .docx read back as plain text or Markdown: paragraphs become
//! lines, tables become rows of cells. Used for `--format text|md` and for
//! reading reports in tests.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

use super::error::Error;

/// How tables and emphasis are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Cells separated by ` | `, no markup.
    Plain,
    /// Markdown tables, fully bold paragraphs in `**…**`.
    Markdown,
}

/// Reads the text of `word/document.xml` of a .docx.
pub fn to_text(docx: &[u8], style: Style) -> Result<String, Error> {
    let name = "document";
    let zip_err = |detail: String| Error::Zip {
        name: name.to_string(),
        detail,
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).map_err(|e| zip_err(e.to_string()))?;
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .map_err(|_| Error::NotDocx {
            name: name.to_string(),
        })?
        // Reports are small; the cap guards against a hostile archive.
        .take(256 << 20)
        .read_to_string(&mut xml)
        .map_err(|e| zip_err(e.to_string()))?;
    let blocks = parse(&xml).map_err(|detail| Error::Xml {
        name: name.to_string(),
        part: "word/document.xml".into(),
        detail,
    })?;
    Ok(write(&blocks, style))
}

#[derive(Debug, Default)]
struct Paragraph {
    text: String,
    /// Whether every run with text is bold.
    bold: bool,
}

#[derive(Debug)]
enum Block {
    Paragraph(Paragraph),
    /// Rows of cells, each cell the text of its paragraphs.
    Table(Vec<Vec<String>>),
}

/// Walks the body: top-level paragraphs, and tables (nested tables are
/// flattened into their cell's text).
fn parse(xml: &str) -> Result<Vec<Block>, String> {
    let mut reader = Reader::from_str(xml);
    let mut walk = Walk::default();
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "b" && walk.in_rpr => {
                let off = e.attributes().flatten().any(|a| {
                    a.key.local_name().as_ref() == "val"
                        && matches!(a.value.as_ref(), "0" | "false")
                });
                walk.run_bold = !off;
            }
            Event::Start(e) => walk.start(e.local_name().as_ref()),
            Event::Empty(e) => walk.empty(e.local_name().as_ref()),
            Event::Text(t) if walk.in_text => walk.text(t.as_ref()),
            Event::GeneralRef(r) if walk.in_text => {
                if let (Some(p), Some(c)) = (walk.para.as_mut(), reference(r.as_ref())) {
                    p.text.push(c);
                }
            }
            Event::End(e) => walk.end(e.local_name().as_ref()),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(walk.blocks)
}

/// Where [`parse`] is in the body, and what it has read.
#[derive(Default)]
struct Walk {
    blocks: Vec<Block>,
    /// The paragraph being read.
    para: Option<Paragraph>,
    /// Whether the paragraph has a run with text (a paragraph of spaces
    /// only is not bold).
    any_text_run: bool,
    run_bold: bool,
    in_text: bool,
    in_rpr: bool,
    table_depth: usize,
    /// The rows of the top-level table being read.
    rows: Vec<Vec<String>>,
    /// The cell of that table being read.
    cell: Option<String>,
}

impl Walk {
    /// An element opens: tables, rows, cells, paragraphs and runs start.
    fn start(&mut self, name: &str) {
        match name {
            "tbl" => {
                self.table_depth += 1;
                if self.table_depth == 1 {
                    self.rows.clear();
                }
            }
            "tr" if self.table_depth == 1 => self.rows.push(Vec::new()),
            "tc" if self.table_depth == 1 => self.cell = Some(String::new()),
            "p" => {
                self.para = Some(Paragraph {
                    bold: true,
                    ..Paragraph::default()
                });
                self.any_text_run = false;
            }
            "r" => self.run_bold = false,
            "rPr" => self.in_rpr = true,
            "t" => self.in_text = true,
            _ => {}
        }
    }

    /// An empty element: tabs and breaks are text, `<w:p/>` an empty
    /// paragraph.
    fn empty(&mut self, name: &str) {
        match name {
            "tab" => {
                if let Some(p) = self.para.as_mut() {
                    p.text.push('\t');
                }
            }
            "br" | "cr" => {
                if let Some(p) = self.para.as_mut() {
                    p.text.push('\n');
                }
            }
            "p" => self.finish_paragraph(Paragraph::default()),
            _ => {}
        }
    }

    /// Text of a `w:t`; a run with visible text decides the boldness.
    fn text(&mut self, text: &str) {
        if let Some(p) = self.para.as_mut() {
            if !text.trim().is_empty() {
                p.bold &= self.run_bold;
                self.any_text_run = true;
            }
            p.text.push_str(text);
        }
    }

    /// An element closes: paragraphs, cells and tables are done.
    fn end(&mut self, name: &str) {
        match name {
            "t" => self.in_text = false,
            "rPr" => self.in_rpr = false,
            "p" => {
                if let Some(mut p) = self.para.take() {
                    p.bold &= self.any_text_run;
                    self.finish_paragraph(p);
                }
            }
            "tc" if self.table_depth == 1 => {
                if let (Some(c), Some(row)) = (self.cell.take(), self.rows.last_mut()) {
                    row.push(c);
                }
            }
            "tbl" => {
                self.table_depth = self.table_depth.saturating_sub(1);
                if self.table_depth == 0 {
                    self.blocks
                        .push(Block::Table(std::mem::take(&mut self.rows)));
                }
            }
            _ => {}
        }
    }

    /// A paragraph read: a block of its own, or in a table its cell's text.
    fn finish_paragraph(&mut self, p: Paragraph) {
        if self.table_depth > 0 {
            if let Some(c) = self.cell.as_mut() {
                let t = p.text.trim();
                if !t.is_empty() {
                    if !c.is_empty() {
                        c.push(' ');
                    }
                    c.push_str(t);
                }
            }
        } else {
            self.blocks.push(Block::Paragraph(p));
        }
    }
}

/// The character an entity or character reference stands for.
fn reference(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        other => other
            .strip_prefix('#')
            .and_then(|n| match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => n.parse::<u32>().ok(),
            })
            .and_then(char::from_u32),
    }
}

fn write(blocks: &[Block], style: Style) -> String {
    let mut out = String::new();
    let mut blank = true;
    for block in blocks {
        match block {
            Block::Paragraph(p) => {
                let text = p.text.trim_end();
                if text.trim().is_empty() {
                    if !blank {
                        out.push('\n');
                        blank = true;
                    }
                    continue;
                }
                if style == Style::Markdown {
                    if !blank {
                        out.push('\n');
                    }
                    if p.bold {
                        out.push_str(&format!("**{}**\n", text.trim()));
                    } else {
                        out.push_str(&markdown_escape(text));
                        out.push('\n');
                    }
                } else {
                    out.push_str(text);
                    out.push('\n');
                }
                blank = false;
            }
            Block::Table(rows) => {
                if !blank {
                    out.push('\n');
                }
                out.push_str(&table(rows, style));
                out.push('\n');
                blank = true;
            }
        }
    }
    out.trim_end().to_string() + "\n"
}

fn table(rows: &[Vec<String>], style: Style) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<String> = (0..width)
            .map(|c| row.get(c).cloned().unwrap_or_default())
            .collect();
        match style {
            Style::Plain => {
                let line = cells.join(" | ");
                out.push_str(line.trim_end_matches([' ', '|']));
                out.push('\n');
            }
            Style::Markdown => {
                let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
                out.push_str(&format!("| {} |\n", cells.join(" | ")));
                if i == 0 {
                    out.push_str(&format!("|{}\n", "---|".repeat(width)));
                }
            }
        }
    }
    out
}

/// Text that would read as Markdown syntax at the start of a line.
fn markdown_escape(text: &str) -> String {
    let t = text.replace('*', "\\*").replace('_', "\\_");
    match t.chars().next() {
        Some('#' | '>' | '+' | '-') => format!("\\{t}"),
        _ => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>BÁO CÁO</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Tổng số: </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>4.479</w:t></w:r><w:r><w:t> hồ sơ &amp; A &lt;B&gt;</w:t></w:r></w:p>
<w:p/>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Đơn vị</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Tổng</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>UBND xã Ngọc Kỳ</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>12</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><w:t>- Lưu: VT.</w:t></w:r></w:p>
</w:body></w:document>"#;

    fn docx() -> Vec<u8> {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        w.write_all(DOC.as_bytes()).unwrap();
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn plain_text_reads_paragraphs_and_tables() {
        let t = to_text(&docx(), Style::Plain).unwrap();
        assert_eq!(
            t,
            "BÁO CÁO\nTổng số: 4.479 hồ sơ & A <B>\n\nĐơn vị | Tổng\nUBND xã Ngọc Kỳ | 12\n\n- Lưu: VT.\n"
        );
    }

    #[test]
    fn markdown_has_tables_and_bold_titles() {
        let t = to_text(&docx(), Style::Markdown).unwrap();
        assert!(t.starts_with("**BÁO CÁO**\n"), "{t}");
        assert!(
            t.contains("| Đơn vị | Tổng |\n|---|---|\n| UBND xã Ngọc Kỳ | 12 |\n"),
            "{t}"
        );
        assert!(t.contains("\\- Lưu: VT."), "{t}");
    }
}
