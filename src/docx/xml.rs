//! Reading a WordprocessingML part into the few things the engine needs:
//! paragraphs (`w:p`), table rows (`w:tr`) and text nodes (`w:t`), each as
//! a byte range of the original XML, so everything else is kept verbatim.
//!
//! Also the checks on the filled XML and the escaping helpers.

use std::ops::Range;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// The WordprocessingML namespaces: transitional (what Word and
/// LibreOffice write) and strict.
const W_NAMESPACES: [&str; 2] = [
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
];

/// Marks the root when an element has no parent.
pub(crate) const NO_PARENT: usize = usize::MAX;

/// A `w:p` paragraph.
#[derive(Debug)]
pub(crate) struct Paragraph {
    /// The whole element, start tag to end tag.
    pub span: Range<usize>,
    /// The `w:pPr` properties, kept when a block tag's paragraph carries a
    /// section break.
    pub props: Option<Range<usize>>,
    /// Whether the paragraph ends a section (`w:sectPr` in its properties).
    pub has_section: bool,
    /// Start offset of the enclosing element: block tags that pair up must
    /// have the same parent, or the output would not nest.
    pub parent: usize,
    /// The table row the paragraph sits in (through a cell), if any.
    pub row: Option<usize>,
    /// Indices into [`Part::texts`], in document order; text of nested
    /// paragraphs (text boxes) is not included.
    pub texts: Vec<usize>,
}

/// A `w:tr` table row.
#[derive(Debug)]
pub(crate) struct Row {
    pub span: Range<usize>,
    /// Start offset of the table.
    pub parent: usize,
    /// All the text in the row, nested tables included.
    pub text: String,
}

/// A `w:t` text node.
#[derive(Debug)]
pub(crate) struct TextNode {
    /// The start tag `<w:t …>`, rewritten to add `xml:space="preserve"`.
    pub start_tag: Range<usize>,
    /// The escaped content between start and end tags.
    pub content: Range<usize>,
    /// The unescaped text.
    pub text: String,
}

/// A parsed part: its XML and where its paragraphs, rows and texts are.
#[derive(Debug)]
pub(crate) struct Part {
    pub name: String,
    pub xml: String,
    pub paragraphs: Vec<Paragraph>,
    pub rows: Vec<Row>,
    pub texts: Vec<TextNode>,
}

impl Part {
    /// The visible text of a paragraph: its text nodes joined.
    pub fn paragraph_text(&self, paragraph: usize) -> String {
        let Some(p) = self.paragraphs.get(paragraph) else {
            return String::new();
        };
        p.texts
            .iter()
            .filter_map(|&t| self.texts.get(t))
            .map(|t| t.text.as_str())
            .collect()
    }
}

/// Why a part could not be read.
#[derive(Debug)]
pub(crate) enum ParseError {
    Doctype,
    Xml(String),
}

/// What an open element is to us.
enum Open {
    Paragraph(usize),
    Row(usize),
    /// A `w:t` of a paragraph: where its content starts, and its start tag.
    Text(usize, Range<usize>),
    Props(usize, usize),
    Other,
}

#[derive(PartialEq)]
enum Kind {
    Paragraph,
    Row,
    Text,
    Props,
    Section,
    Other,
}

fn kind(ns: &ResolveResult<'_>, local: &str) -> Kind {
    let ResolveResult::Bound(ns) = ns else {
        return Kind::Other;
    };
    if !W_NAMESPACES.contains(&ns.as_ref()) {
        return Kind::Other;
    }
    match local {
        "p" => Kind::Paragraph,
        "tr" => Kind::Row,
        "t" => Kind::Text,
        "pPr" => Kind::Props,
        "sectPr" => Kind::Section,
        _ => Kind::Other,
    }
}

fn xml_error(err: impl std::fmt::Display, at: u64) -> ParseError {
    ParseError::Xml(format!("{err} (byte {at})"))
}

/// Parses a part. Fails on malformed XML and on a DOCTYPE (which could
/// declare entities we do not expand).
pub(crate) fn parse(name: &str, xml: String) -> Result<Part, ParseError> {
    let found = read(&xml)?;
    found.check_complete(name)?;
    Ok(Part {
        name: name.to_string(),
        xml,
        paragraphs: found.paragraphs,
        rows: found.rows,
        texts: found.texts,
    })
}

/// What reading a part finds, while it reads.
#[derive(Default)]
struct Found {
    paragraphs: Vec<Paragraph>,
    rows: Vec<Row>,
    texts: Vec<TextNode>,
    /// Open elements with their start offsets.
    stack: Vec<(Open, usize)>,
    /// Whether any element was seen.
    has_root: bool,
}

/// Reads the events of a part, recording its paragraphs, rows and text
/// nodes; every attribute and entity reference is checked on the way.
fn read(xml: &str) -> Result<Found, ParseError> {
    let mut found = Found::default();
    let mut reader = NsReader::from_str(xml);
    loop {
        let start = reader.buffer_position();
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| xml_error(e, start))?;
        let k = match &event {
            Event::Start(e) | Event::Empty(e) => kind(&ns, e.local_name().as_ref()),
            _ => Kind::Other,
        };
        let end = reader.buffer_position();
        let (start, end) = (to_usize(start)?, to_usize(end)?);
        if matches!(event, Event::Start(_) | Event::Empty(_)) {
            found.has_root = true;
        }
        match event {
            Event::Start(e) => {
                check_attributes(&e, start).map_err(ParseError::Xml)?;
                let open = found.open_element(k, start..end, false);
                found.stack.push((open, start));
            }
            Event::Empty(e) => {
                check_attributes(&e, start).map_err(ParseError::Xml)?;
                found.open_element(k, start..end, true);
            }
            Event::End(_) => found.close_element(xml, start, end)?,
            Event::GeneralRef(r) => {
                check_ref(r.as_ref()).map_err(|e| xml_error(e, start as u64))?;
            }
            Event::DocType(_) => return Err(ParseError::Doctype),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(found)
}

/// Without a DTD only the five predefined entities and character
/// references exist; anything else is not well-formed.
fn check_ref(name: &str) -> Result<(), quick_xml::escape::EscapeError> {
    let probe = format!("&{name};");
    quick_xml::escape::unescape(&probe).map(|_| ())
}

fn to_usize(pos: u64) -> Result<usize, ParseError> {
    usize::try_from(pos).map_err(|_| ParseError::Xml("phần XML quá lớn".into()))
}

/// Quick-xml checks attributes only when asked; a malformed one must not
/// slip into the output. Used on the parts read and on the filled ones.
fn check_attributes(e: &BytesStart<'_>, at: usize) -> Result<(), String> {
    for attr in e.attributes() {
        attr.map_err(|err| format!("{err} (byte {at})"))?;
    }
    Ok(())
}

fn innermost_paragraph(stack: &[(Open, usize)]) -> Option<usize> {
    stack.iter().rev().find_map(|(open, _)| match open {
        Open::Paragraph(i) => Some(*i),
        _ => None,
    })
}

impl Found {
    /// Records an element that starts at `tag`; returns what to push on
    /// the stack (unused for empty elements).
    fn open_element(&mut self, k: Kind, tag: Range<usize>, empty: bool) -> Open {
        let parent = self.stack.last().map_or(NO_PARENT, |(_, start)| *start);
        match k {
            Kind::Paragraph => {
                // The row counts only if no paragraph (a text box) is closer.
                let row = self.stack.iter().rev().find_map(|(open, _)| match open {
                    Open::Row(r) => Some(Some(*r)),
                    Open::Paragraph(_) => Some(None),
                    _ => None,
                });
                self.paragraphs.push(Paragraph {
                    span: tag.clone(),
                    props: None,
                    has_section: false,
                    parent,
                    row: row.flatten(),
                    texts: Vec::new(),
                });
                Open::Paragraph(self.paragraphs.len() - 1)
            }
            Kind::Row => {
                self.rows.push(Row {
                    span: tag.clone(),
                    parent,
                    text: String::new(),
                });
                Open::Row(self.rows.len() - 1)
            }
            Kind::Text if !empty && innermost_paragraph(&self.stack).is_some() => {
                Open::Text(tag.end, tag)
            }
            Kind::Props => match self.stack.last() {
                Some((Open::Paragraph(p), _)) => {
                    if empty {
                        if let Some(par) = self.paragraphs.get_mut(*p) {
                            par.props = Some(tag);
                        }
                        Open::Other
                    } else {
                        Open::Props(*p, tag.start)
                    }
                }
                _ => Open::Other,
            },
            Kind::Section => {
                if let Some(p) = innermost_paragraph(&self.stack)
                    && let Some(par) = self.paragraphs.get_mut(p)
                {
                    par.has_section = true;
                }
                Open::Other
            }
            _ => Open::Other,
        }
    }

    /// Closes the innermost open element, whose end tag is `start..end`:
    /// paragraphs, rows and properties get their whole span, text nodes
    /// are recorded.
    fn close_element(&mut self, xml: &str, start: usize, end: usize) -> Result<(), ParseError> {
        let Some((open, open_start)) = self.stack.pop() else {
            return Err(xml_error("thẻ đóng thừa", start as u64));
        };
        match open {
            Open::Paragraph(i) => {
                if let Some(p) = self.paragraphs.get_mut(i) {
                    p.span = open_start..end;
                }
            }
            Open::Row(i) => {
                if let Some(r) = self.rows.get_mut(i) {
                    r.span = open_start..end;
                }
            }
            Open::Props(i, props_start) => {
                if let Some(p) = self.paragraphs.get_mut(i) {
                    p.props = Some(props_start..end);
                }
            }
            Open::Text(content_start, start_tag) => {
                self.close_text(xml, content_start..start, start_tag)?;
            }
            Open::Other => {}
        }
        Ok(())
    }

    /// Records a text node with its unescaped text, adding the text to
    /// every row it is in and the node to its innermost paragraph.
    fn close_text(
        &mut self,
        xml: &str,
        content: Range<usize>,
        start_tag: Range<usize>,
    ) -> Result<(), ParseError> {
        let raw = xml.get(content.clone()).unwrap_or_default();
        // Comments or CDATA inside w:t never come from Word; such a node
        // is left alone rather than misread.
        if raw.contains('<') {
            return Ok(());
        }
        let text = quick_xml::escape::unescape(raw)
            .map_err(|e| xml_error(e, content.start as u64))?
            .into_owned();
        let node = self.texts.len();
        for (open, _) in &self.stack {
            if let Open::Row(r) = open
                && let Some(row) = self.rows.get_mut(*r)
            {
                row.text.push_str(&text);
            }
        }
        if let Some(p) = innermost_paragraph(&self.stack)
            && let Some(p) = self.paragraphs.get_mut(p)
        {
            p.texts.push(node);
        }
        self.texts.push(TextNode {
            start_tag,
            content,
            text,
        });
        Ok(())
    }

    /// Refuses a part read to its end that is cut short (elements left
    /// open), empty, or a main document without a paragraph.
    fn check_complete(&self, name: &str) -> Result<(), ParseError> {
        if !self.stack.is_empty() {
            return Err(ParseError::Xml(
                "phần XML bị cắt cụt: còn thẻ chưa đóng".into(),
            ));
        }
        // An empty part is not XML; a document without a paragraph gives an
        // empty report (a table's cells hold paragraphs too).
        if !self.has_root {
            return Err(ParseError::Xml(
                "phần này trống (không có nội dung XML)".into(),
            ));
        }
        if name == "word/document.xml" && self.paragraphs.is_empty() {
            return Err(ParseError::Xml(
                "văn bản chính không có đoạn nào: mẫu trống; mở bằng Word, soạn nội dung rồi lưu lại"
                    .into(),
            ));
        }
        Ok(())
    }
}

/// The start tag of a text node with `xml:space="preserve"`, so the spaces
/// around a filled value are kept.
pub(crate) fn preserve_space(start_tag: &str) -> String {
    let mut reader = NsReader::from_str(start_tag);
    let Ok((_, Event::Start(e))) = reader.read_resolved_event() else {
        // The tag came from a parsed part, so this is unreachable; keeping
        // the tag as it was is a safe answer anyway.
        return start_tag.to_string();
    };
    let mut out = String::from("<");
    out.push_str(e.name().as_ref());
    for attr in e.attributes().flatten() {
        if attr.key.as_ref() == "xml:space" {
            continue;
        }
        out.push(' ');
        out.push_str(attr.key.as_ref());
        out.push_str("=\"");
        // Raw values are already escaped, except a `"` inside single quotes.
        out.push_str(&attr.value.replace('"', "&quot;"));
        out.push('"');
    }
    out.push_str(" xml:space=\"preserve\">");
    out
}

/// Escapes text for an XML text node.
pub(crate) fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
}

/// Escapes a filled-in value. Braces are written as character references
/// too, so a value holding `{{` is never mistaken for a leftover tag.
pub(crate) fn escape_value(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '{' => out.push_str("&#123;"),
            // Characters XML 1.0 forbids would make Word refuse the file.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{fffe}' | '\u{ffff}' => {}
            _ => out.push(c),
        }
    }
}

/// Checks that a filled part is well-formed XML with one root, and that no
/// tag survives in its text.
pub(crate) fn check_output(xml: &str) -> Result<(), String> {
    let mut reader = NsReader::from_str(xml);
    let mut depth = 0usize;
    let mut roots = 0usize;
    let mut text_start: Option<usize> = None;
    loop {
        let start = reader.buffer_position();
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| format!("{e} (byte {start})"))?;
        let is_text = match &event {
            Event::Start(e) => kind(&ns, e.local_name().as_ref()) == Kind::Text,
            _ => false,
        };
        let end = reader.buffer_position();
        let (start, end) = (
            usize::try_from(start).map_err(|e| e.to_string())?,
            usize::try_from(end).map_err(|e| e.to_string())?,
        );
        match event {
            Event::Start(e) => {
                check_attributes(&e, start)?;
                if depth == 0 {
                    roots += 1;
                }
                depth += 1;
                text_start = is_text.then_some(end);
            }
            Event::Empty(e) => {
                check_attributes(&e, start)?;
                if depth == 0 {
                    roots += 1;
                }
            }
            Event::End(_) => {
                if depth == 0 {
                    return Err(format!("thẻ đóng thừa (byte {start})"));
                }
                depth -= 1;
                if let Some(from) = text_start.take() {
                    let raw = xml.get(from..start).unwrap_or_default();
                    if raw.contains("{{") || raw.contains("{%") {
                        return Err(format!("còn sót thẻ trong văn bản: \"{raw}\""));
                    }
                }
            }
            Event::Text(t)
                if depth == 0 && !t.as_ref().chars().all(|c| c.is_ascii_whitespace()) =>
            {
                return Err(format!("văn bản nằm ngoài phần tử gốc (byte {start})"));
            }
            Event::GeneralRef(r) => {
                check_ref(r.as_ref()).map_err(|e| format!("{e} (byte {start})"))?
            }
            Event::DocType(_) => return Err("có khai báo DOCTYPE".into()),
            Event::Eof => break,
            _ => {}
        }
    }
    if depth != 0 {
        return Err("còn thẻ chưa đóng".into());
    }
    if roots != 1 {
        return Err(format!("cần đúng một phần tử gốc, có {roots}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:pPr><w:sectPr/></w:pPr><w:r><w:t>A &amp; </w:t></w:r><w:r><w:t xml:space="preserve">B</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>
<w:sectPr/></w:body></w:document>"#;

    fn parsed() -> Part {
        match parse("word/document.xml", DOC.to_string()) {
            Ok(part) => part,
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn finds_paragraphs_rows_and_texts() {
        let part = parsed();
        assert_eq!(part.paragraphs.len(), 3);
        assert_eq!(part.paragraph_text(0), "A & B");
        assert!(part.paragraphs[0].has_section);
        assert!(part.paragraphs[0].props.is_some());
        assert_eq!(part.paragraphs[0].row, None);
        assert_eq!(part.paragraphs[1].row, Some(0));
        assert_eq!(part.paragraphs[2].row, Some(0));
        assert_eq!(part.paragraphs[2].span.len(), "<w:p/>".len());
        assert_eq!(part.rows[0].text, "x");
        assert!(part.xml[part.rows[0].span.clone()].starts_with("<w:tr>"));
        assert!(part.xml[part.rows[0].span.clone()].ends_with("</w:tr>"));
        assert_eq!(&part.xml[part.texts[0].content.clone()], "A &amp; ");
        // Cells are distinct parents; the row's parent is the table.
        assert_ne!(part.paragraphs[1].parent, part.paragraphs[2].parent);
        assert!(part.xml[part.rows[0].parent..].starts_with("<w:tbl>"));
    }

    #[test]
    fn refuses_doctype_and_malformed_xml() {
        let doctype = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>"#;
        assert!(matches!(
            parse("p", doctype.to_string()),
            Err(ParseError::Doctype)
        ));
        for bad in [
            "<a><b></a>",
            "<a>",
            "<a x=1/>",
            "<w:p xmlns:w=\"x\"><w:t>&bogus;</w:t></w:p>",
        ] {
            assert!(parse("p", bad.to_string()).is_err(), "{bad}");
        }
    }

    #[test]
    fn preserve_space_replaces_existing_attribute() {
        assert_eq!(preserve_space("<w:t>"), "<w:t xml:space=\"preserve\">");
        assert_eq!(
            preserve_space("<w:t xml:space='default' a='x\"y'>"),
            "<w:t a=\"x&quot;y\" xml:space=\"preserve\">"
        );
    }

    #[test]
    fn output_check() {
        assert!(check_output(DOC).is_ok());
        assert!(check_output("<a><b></a>").is_err());
        assert!(check_output("<a></a><b/>").is_err());
        assert!(check_output("<a>").is_err());
        let w = r#"<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:t>{{ x }}</w:t></w:p>"#;
        assert!(check_output(w).is_err());
        let escaped = r#"<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:t>&#123;{ x }}</w:t></w:p>"#;
        assert!(check_output(escaped).is_ok());
    }
}
