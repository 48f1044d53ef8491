//! Turning a part into a minijinja template, and rendering it.
//!
//! The XML is kept verbatim and the tags are written with delimiters made
//! of a control character (U+0001) that well-formed XML cannot contain, so
//! nothing in the document text or markup (`{#`, `{%` in an attribute…) is
//! ever read as template syntax. Paragraphs and rows standing for block
//! tags become bare statements; text nodes holding tags get their new text.

use std::ops::Range;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Value, ValueKind};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior};

use super::blocks::{Unit, keyword};
use super::error::Fault;
use super::picture::{ALONE_FLAG, Picture, Placed, marker};
use super::tags::{FoundTag, Piece, Scan, TagKind};
use super::xml::{Part, TextNode, escape_text, escape_value, preserve_space};

const VAR_START: &str = "\u{1}{";
const VAR_END: &str = "}\u{1}";
const BLOCK_START: &str = "\u{1}%";
const BLOCK_END: &str = "%\u{1}";
const COMMENT_START: &str = "\u{1}#";
const COMMENT_END: &str = "#\u{1}";

/// Whether `s` holds a character our delimiters use; such a tag is refused.
pub(crate) fn has_control(s: &str) -> bool {
    s.chars()
        .any(|c| (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
}

/// The template syntax: control-character delimiters and no whitespace
/// tricks, so the XML between tags comes out byte for byte.
fn syntax() -> Result<SyntaxConfig, Error> {
    SyntaxConfig::builder()
        .variable_delimiters(VAR_START, VAR_END)
        .block_delimiters(BLOCK_START, BLOCK_END)
        .comment_delimiters(COMMENT_START, COMMENT_END)
        .trim_blocks(false)
        .lstrip_blocks(false)
        .keep_trailing_newline(true)
        .build()
}

/// Writes a value into a text node: XML-escaped, none as nothing. A
/// [`Picture`] becomes a marker, replaced by a drawing after rendering;
/// it must be the only thing in its paragraph.
fn format_value(
    out: &mut minijinja::Output<'_>,
    state: &mut minijinja::State<'_, '_>,
    value: &Value,
) -> Result<(), Error> {
    if let Some(picture) = value.downcast_object::<Picture>() {
        let alone = state.lookup(ALONE_FLAG).is_some_and(|v| v.is_true());
        if !alone {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                "hình ảnh phải do một thẻ {{ … }} đứng riêng trong đoạn tạo ra, không chèn được giữa câu chữ",
            ));
        }
        if let Some(fault) = picture.fault() {
            return Err(Error::new(ErrorKind::InvalidOperation, fault));
        }
        let placed = state.get_or_insert_extension(Placed::default());
        let mark = marker(placed.0.len());
        placed.0.push(picture);
        return out
            .write_str(&mark)
            .map_err(|_| Error::from(ErrorKind::WriteFailure));
    }
    match value.kind() {
        ValueKind::Undefined => Err(Error::new(
            ErrorKind::UndefinedError,
            "giá trị không xác định",
        )),
        ValueKind::None => Ok(()),
        // Raw bytes have no size or kind; pictures come as `Picture`.
        ValueKind::Bytes => Err(Error::new(
            ErrorKind::InvalidOperation,
            "không chèn được dữ liệu nhị phân vào văn bản",
        )),
        _ => {
            let mut escaped = String::new();
            escape_value(&value.to_string(), &mut escaped);
            out.write_str(&escaped)
                .map_err(|_| Error::from(ErrorKind::WriteFailure))
        }
    }
}

/// The fuel of one part's rendering when the caller sets none: about two
/// million steps, or 128 MB of text made by the template, far more than a
/// report of a few hundred units takes (a unit's rows cost a few hundred).
pub const DEFAULT_FUEL: u64 = 2_000_000;

/// The caller's environment (its filters, functions and globals) set up
/// for rendering parts: our syntax, strict undefined, XML-escaped output.
pub(crate) fn environment<'s>(env: &Environment<'s>) -> Result<Environment<'s>, Error> {
    let mut env = env.clone();
    env.set_syntax(syntax()?);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_formatter(format_value);
    // Debug info gives error ranges, which locate the failing tag.
    env.set_debug(true);
    // A template's work is bounded: without fuel, a loop in a loop runs
    // until memory is gone. The caller may allow more for large data.
    if env.fuel().is_none() {
        env.set_fuel(Some(DEFAULT_FUEL));
    }
    Ok(env)
}

/// An environment for checking tag syntax alone.
pub(crate) fn syntax_environment() -> Result<Environment<'static>, Error> {
    let mut env = Environment::new();
    env.set_syntax(syntax()?);
    Ok(env)
}

/// A tag as template source, for checking its syntax on its own: blocks
/// are completed so that a lone `for` is valid.
fn tag_source(kind: TagKind, inner: &str, keyword: &str) -> String {
    match (kind, keyword) {
        (TagKind::Expr, _) => format!("{VAR_START}{inner}{VAR_END}"),
        (TagKind::Block, "for") => {
            format!("{BLOCK_START}{inner}{BLOCK_END}{BLOCK_START} endfor {BLOCK_END}")
        }
        (TagKind::Block, "if") => {
            format!("{BLOCK_START}{inner}{BLOCK_END}{BLOCK_START} endif {BLOCK_END}")
        }
        (TagKind::Block, "elif") => format!(
            "{BLOCK_START} if true {BLOCK_END}{BLOCK_START}{inner}{BLOCK_END}{BLOCK_START} endif {BLOCK_END}"
        ),
        (TagKind::Block, "set") => format!("{BLOCK_START}{inner}{BLOCK_END}"),
        // else, endif, endfor: nothing to check on their own.
        _ => String::new(),
    }
}

/// The syntax faults of each tag on its own, so that all are reported
/// rather than the first of the part. `env` is a [`syntax_environment`].
pub(crate) fn syntax_faults(scan: &Scan, env: &mut Environment<'static>) -> Vec<(usize, Fault)> {
    let mut faults = Vec::new();
    for tag in &scan.tags {
        if has_control(&tag.inner) {
            let tag_text = tag.source.escape_debug().to_string();
            faults.push((tag.paragraph, Fault::BadCharacter { tag: tag_text }));
            continue;
        }
        // Unsupported block tags are reported by the layout.
        if tag.kind == TagKind::Block && keyword(tag).is_none() {
            continue;
        }
        let source = tag_source(tag.kind, &tag.inner, tag.keyword());
        if source.is_empty() {
            continue;
        }
        if let Err(e) = env.add_template_owned("tag", source) {
            faults.push((
                tag.paragraph,
                Fault::Syntax {
                    tag: tag.source.clone(),
                    detail: e.detail().unwrap_or_default().to_string(),
                },
            ));
        }
    }
    faults
}

/// A part as template source, with where each tag went.
pub(crate) struct Source {
    pub text: String,
    /// Ranges of the source holding each tag, with the tag's index.
    pub tags: Vec<(Range<usize>, usize)>,
}

impl Source {
    /// The tag at a source offset (of an error), if any.
    pub fn tag_at(&self, offset: usize) -> Option<usize> {
        self.tags
            .iter()
            .find(|(range, _)| range.contains(&offset))
            .map(|(_, tag)| *tag)
    }
}

/// A replacement of part of the XML.
struct Edit {
    range: Range<usize>,
    text: String,
    tag: Option<usize>,
}

/// The qualified name of an element from its start tag, e.g. `w:p`.
fn element_name(start_tag: &str) -> &str {
    let s = start_tag.trim_start_matches('<');
    let end = s
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(s.len());
    s.get(..end).unwrap_or_default()
}

/// Builds the template source of a part: block tags' paragraphs and rows
/// become statements, text nodes holding tags get their new text, and
/// the rest of the XML is kept verbatim.
pub(crate) fn build(part: &Part, scan: &Scan, units: &[Unit]) -> Source {
    let mut edits = unit_edits(part, scan, units);
    for (&node, pieces) in &scan.rewrites {
        if let Some(text_node) = part.texts.get(node) {
            node_edits(part, scan, text_node, pieces, &mut edits);
        }
    }
    // Stable: insertions at one offset keep their order.
    edits.sort_by_key(|e| e.range.start);
    apply(&part.xml, edits)
}

/// The edits replacing each paragraph or row that stands for a block tag
/// by the tag's bare statement.
fn unit_edits(part: &Part, scan: &Scan, units: &[Unit]) -> Vec<Edit> {
    let mut edits = Vec::new();
    for (id, tag) in scan.tags.iter().enumerate() {
        let unit = units.get(id).copied().unwrap_or(Unit::Inline);
        let Some(span) = unit.span(part) else {
            continue;
        };
        let statement = format!("{BLOCK_START} {} {BLOCK_END}", tag.statement());
        let text = match kept_section(part, unit) {
            // Before the statement of a tag opening a block (so outside
            // it), after the statement of the others.
            Some(kept) if matches!(tag.keyword(), "for" | "if") => format!("{kept}{statement}"),
            Some(kept) => format!("{statement}{kept}"),
            None => statement,
        };
        edits.push(Edit {
            range: span,
            text,
            tag: Some(id),
        });
    }
    edits
}

/// A section break in a block tag's paragraph must survive: the empty
/// paragraph (its start tag and properties) that carries it outside the
/// block, or `None` when the unit is not such a paragraph.
fn kept_section(part: &Part, unit: Unit) -> Option<String> {
    let Unit::Paragraph(p) = unit else {
        return None;
    };
    let paragraph = part.paragraphs.get(p)?;
    if !paragraph.has_section {
        return None;
    }
    let props = paragraph.props.clone()?;
    let open = part
        .xml
        .get(paragraph.span.start..props.start)
        .unwrap_or_default();
    let open = open
        .get(..open.find('>').map_or(open.len(), |i| i + 1))
        .unwrap_or_default();
    Some(format!(
        "{open}{}</{}>",
        part.xml.get(props).unwrap_or_default(),
        element_name(open)
    ))
}

/// The edits rewriting one text node a tag touches: its start tag made to
/// preserve spaces, then one edit per piece so that errors map to their
/// tag (the first replaces the old content, the others are inserted at
/// its end), or an emptied content when no piece is left.
fn node_edits(
    part: &Part,
    scan: &Scan,
    text_node: &TextNode,
    pieces: &[Piece],
    edits: &mut Vec<Edit>,
) {
    let start_tag = part
        .xml
        .get(text_node.start_tag.clone())
        .unwrap_or_default();
    edits.push(Edit {
        range: text_node.start_tag.clone(),
        text: preserve_space(start_tag),
        tag: None,
    });
    let mut at = text_node.content.start;
    let mut first = true;
    for piece in pieces {
        let Some((text, tag)) = piece_text(scan, piece) else {
            continue;
        };
        let range = if first {
            text_node.content.clone()
        } else {
            at..at
        };
        first = false;
        at = text_node.content.end;
        edits.push(Edit { range, text, tag });
    }
    if first {
        edits.push(Edit {
            range: text_node.content.clone(),
            text: String::new(),
            tag: None,
        });
    }
}

/// The source of one piece of a rewritten text node, with the tag it
/// holds; `None` for a tag missing from the scan (which cannot happen).
fn piece_text(scan: &Scan, piece: &Piece) -> Option<(String, Option<usize>)> {
    match piece {
        Piece::Text(t) => {
            let mut escaped = String::new();
            escape_text(t, &mut escaped);
            Some((escaped, None))
        }
        Piece::Tag(id) => {
            let tag = scan.tags.get(*id)?;
            let alone = scan.alone.get(tag.paragraph).copied().unwrap_or(false);
            Some((tag_text(tag, alone), Some(*id)))
        }
    }
}

/// A tag as it goes into a text node. Only an expression alone in its
/// paragraph may give a picture; the flag set around it tells the
/// formatter.
fn tag_text(tag: &FoundTag, alone: bool) -> String {
    match tag.kind {
        TagKind::Expr if alone => format!(
            "{BLOCK_START} set {ALONE_FLAG} = true {BLOCK_END}{VAR_START}{}{VAR_END}{BLOCK_START} set {ALONE_FLAG} = false {BLOCK_END}",
            tag.inner
        ),
        TagKind::Expr => format!("{VAR_START}{}{VAR_END}", tag.inner),
        TagKind::Block => format!("{BLOCK_START}{}{BLOCK_END}", tag.inner),
    }
}

/// Applies edits sorted by start to the XML, noting where each tag went.
/// An edit starting inside one already applied (inside a paragraph or
/// row replaced by a statement) is dropped.
fn apply(xml: &str, edits: Vec<Edit>) -> Source {
    let mut source = Source {
        text: String::with_capacity(xml.len() + 1024),
        tags: Vec::new(),
    };
    let mut pos = 0;
    for edit in edits {
        if edit.range.start < pos {
            continue;
        }
        source
            .text
            .push_str(xml.get(pos..edit.range.start).unwrap_or_default());
        let start = source.text.len();
        source.text.push_str(&edit.text);
        if let Some(tag) = edit.tag {
            source.tags.push((start..source.text.len(), tag));
        }
        pos = edit.range.end;
    }
    source.text.push_str(xml.get(pos..).unwrap_or_default());
    source
}

/// What minijinja says went wrong, in Vietnamese where we can.
pub(crate) fn describe(err: &Error) -> String {
    let what = match err.kind() {
        ErrorKind::UndefinedError => "giá trị không xác định (tên không có trong dữ liệu)",
        ErrorKind::UnknownFilter => "không có bộ lọc này",
        ErrorKind::UnknownTest => "không có phép thử này",
        ErrorKind::UnknownFunction => "không có hàm này",
        ErrorKind::InvalidOperation => "phép toán không hợp lệ",
        ErrorKind::SyntaxError => "sai cú pháp",
        ErrorKind::MissingArgument => "thiếu đối số",
        ErrorKind::TooManyArguments => "thừa đối số",
        ErrorKind::CannotUnpack => "không tách được giá trị",
        ErrorKind::OutOfFuel => {
            return "mẫu phải làm quá nhiều việc (vòng lặp quá lớn, hoặc vòng lặp lồng trong vòng lặp?): dừng lại để không làm treo máy; sửa mẫu cho vòng lặp chỉ đi qua danh sách số liệu".to_string();
        }
        _ => "",
    };
    match (what, err.detail()) {
        ("", Some(detail)) => detail.to_string(),
        ("", None) => err.kind().to_string(),
        (what, Some(detail)) if !detail.is_empty() => format!("{what}: {detail}"),
        (what, _) => what.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docx::blocks::layout;
    use crate::docx::tags::scan;
    use crate::docx::tests::document_part;
    use minijinja::context;

    fn source(body: &str) -> (Part, Source) {
        let part = document_part(body);
        let s = scan(&part);
        let l = layout(&part, &s);
        let src = build(&part, &s, &l.units);
        (part, src)
    }

    fn render(src: &Source, ctx: Value) -> Result<String, Error> {
        let env = environment(&Environment::new())?;
        env.render_named_str("word/document.xml", &src.text, ctx)
    }

    #[test]
    fn rewrites_only_what_tags_touch() {
        let (_, src) = source(concat!(
            r#"<w:p w:rsidR="1"><w:r><w:t>{# x #} {%</w:t></w:r><w:r><w:t>raw%} a</w:t></w:r></w:p>"#,
            r#"<w:p><w:r><w:t>Số: {{ </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>n }}.</w:t></w:r></w:p>"#,
        ));
        // `{%raw%}` was a tag (unsupported, caught by the checks), the
        // comment-like text stayed text.
        assert!(
            src.text.contains("{# x #} \u{1}%raw%\u{1}</w:t>"),
            "{}",
            src.text
        );
        assert!(src.text.contains(
            "<w:t xml:space=\"preserve\">Số: \u{1}{ n }\u{1}</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">.</w:t>"
        ), "{}", src.text);
        assert_eq!(src.tags.len(), 2);
    }

    #[test]
    fn renders_loops_over_rows_and_escapes_values() {
        let (_, src) = source(concat!(
            "<w:tbl>",
            "<w:tr><w:tc><w:p><w:r><w:t>{% for d in ds %}</w:t></w:r></w:p></w:tc></w:tr>",
            "<w:tr><w:tc><w:p><w:r><w:t>{{ d }}</w:t></w:r></w:p></w:tc></w:tr>",
            "<w:tr><w:tc><w:p><w:r><w:t>{% endfor %}</w:t></w:r></w:p></w:tc></w:tr>",
            "</w:tbl>",
        ));
        let out = match render(&src, context! { ds => vec!["A & B <C>", "{{x}}"] }) {
            Ok(out) => out,
            Err(e) => panic!("{e:#}"),
        };
        assert_eq!(out.matches("<w:tr>").count(), 2);
        assert!(out.contains(">A &amp; B &lt;C&gt;</w:t>"), "{out}");
        assert!(out.contains(">&#123;&#123;x}}</w:t>"), "{out}");
    }

    #[test]
    fn error_ranges_point_at_the_tag() {
        let (_, src) = source(concat!(
            "<w:p><w:r><w:t>{{ a }}</w:t></w:r></w:p>",
            "<w:p><w:r><w:t>{{ b.c }}</w:t></w:r></w:p>",
        ));
        let err = match render(&src, context! { a => 1, b => 2 }) {
            Ok(out) => panic!("rendered {out}"),
            Err(e) => e,
        };
        let at = err.range().map(|r| r.start);
        assert_eq!(at.and_then(|at| src.tag_at(at)), Some(1), "{err:#}");
    }

    #[test]
    fn section_break_survives_a_removed_paragraph() {
        let (_, src) = source(concat!(
            "<w:p><w:r><w:t>{% if x %}</w:t></w:r></w:p>",
            "<w:p><w:r><w:t>có</w:t></w:r></w:p>",
            r#"<w:p w:rsidR="7"><w:pPr><w:sectPr><w:pgSz w:orient="landscape"/></w:sectPr></w:pPr><w:r><w:t>{% endif %}</w:t></w:r></w:p>"#,
        ));
        for x in [true, false] {
            let out = match render(&src, context! { x }) {
                Ok(out) => out,
                Err(e) => panic!("{e:#}"),
            };
            assert!(out.contains(r#"<w:p w:rsidR="7"><w:pPr><w:sectPr><w:pgSz w:orient="landscape"/></w:sectPr></w:pPr></w:p>"#), "{out}");
            assert_eq!(out.contains("có"), x);
            assert!(!out.contains("endif"));
        }
    }
}
