//! Finding tags in paragraph text and joining those Word split over runs.
//!
//! Word and LibreOffice cut typed text into runs at every change of
//! formatting, spell-check mark or bookmark, so `{{ x }}` may arrive as
//! `{{`, ` x `, `}}` in three `w:t` nodes. Tags are found in the
//! paragraph's joined text; each tag's text then goes into the node where
//! it starts (keeping that run's formatting) and its pieces are cut from
//! the following nodes, which keep the rest of their text.

use std::collections::BTreeMap;
use std::ops::Range;

use super::xml::Part;

/// An expression `{{ … }}` or a block tag `{% … %}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    Expr,
    Block,
}

/// A tag found in a part.
#[derive(Debug, Clone)]
pub(crate) struct FoundTag {
    pub paragraph: usize,
    /// The text node where the tag starts.
    pub node: usize,
    /// Where the tag is in the paragraph's joined text.
    pub span: Range<usize>,
    pub kind: TagKind,
    /// The tag with curly quotes made straight, e.g. `{{ x | so }}`.
    pub source: String,
    /// The text between the delimiters, e.g. ` x | so `.
    pub inner: String,
}

impl FoundTag {
    /// The statement of a block tag: its words without the whitespace
    /// control marks (`{%-`, `-%}`), which mean nothing for a tag alone.
    pub fn statement(&self) -> &str {
        let s = self.inner.trim();
        let s = s.strip_prefix(['-', '+']).unwrap_or(s);
        let s = s.strip_suffix(['-', '+']).unwrap_or(s);
        s.trim()
    }

    /// The first word of a block tag: `for`, `endif`…
    pub fn keyword(&self) -> &str {
        let s = self.statement();
        let end = s
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(s.len());
        s.get(..end).unwrap_or_default()
    }
}

/// A piece of a rewritten text node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Text(String),
    /// A tag, by index into [`Scan::tags`].
    Tag(usize),
}

/// The tags of a part and the text nodes they change.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    /// In document order.
    pub tags: Vec<FoundTag>,
    /// New contents of the text nodes a tag touches, by text node index.
    pub rewrites: BTreeMap<usize, Vec<Piece>>,
    /// Tags opened and never closed: paragraph and the start of the tag.
    pub unclosed: Vec<(usize, String)>,
    /// Paragraphs whose only text (besides spaces) is one tag.
    pub alone: Vec<bool>,
}

/// Quotes as Word's autocorrect types them, and what they stand for.
fn straight(c: char) -> char {
    match c {
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' => '"',
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' => '\'',
        '\u{a0}' => ' ',
        c => c,
    }
}

fn straighten(s: &str) -> String {
    s.chars().map(straight).collect()
}

/// Where a tag opened at `from` ends (the index after its closing
/// delimiter), or why it does not.
enum End {
    At(usize),
    /// Another tag opens first, at this index.
    Reopened(usize),
    Missing,
}

fn find_end(text: &str, from: usize, close: char, strings: bool) -> End {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut prev: Option<char> = None;
    let Some(rest) = text.get(from..) else {
        return End::Missing;
    };
    for (i, c) in rest.char_indices() {
        let c = straight(c);
        let at = from + i;
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            prev = None;
            continue;
        }
        if strings && (c == '"' || c == '\'') {
            quote = Some(c);
            prev = None;
            continue;
        }
        if prev == Some(close) && c == '}' {
            return End::At(at + 1);
        }
        if prev == Some('{') && (c == '{' || c == '%') {
            return End::Reopened(at - 1);
        }
        prev = Some(c);
    }
    End::Missing
}

/// Finds the next tag opening at or after `from`.
fn find_open(text: &str, from: usize) -> Option<(usize, TagKind)> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i + 1 < bytes.len() {
        if bytes[i] == b'{' {
            match bytes[i + 1] {
                b'{' => return Some((i, TagKind::Expr)),
                b'%' => return Some((i, TagKind::Block)),
                _ => {}
            }
        }
        i += 1;
    }
    None
}

/// A short excerpt of an unclosed tag for messages.
fn excerpt(text: &str, from: usize) -> String {
    let rest = text.get(from..).unwrap_or_default();
    let cut: String = rest.chars().take(40).collect();
    if cut.len() < rest.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

/// Finds the tags of one paragraph's joined text: their spans, and the
/// starts of unclosed tags.
pub(crate) fn paragraph_tags(text: &str) -> (Vec<(Range<usize>, TagKind)>, Vec<usize>) {
    let mut tags = Vec::new();
    let mut unclosed = Vec::new();
    let mut from = 0;
    while let Some((start, kind)) = find_open(text, from) {
        let close = match kind {
            TagKind::Expr => '}',
            TagKind::Block => '%',
        };
        // Skip quoted strings, but an unbalanced quote must not hide the end.
        let end = match find_end(text, start + 2, close, true) {
            End::Missing => find_end(text, start + 2, close, false),
            found => found,
        };
        match end {
            End::At(end) => {
                tags.push((start..end, kind));
                from = end;
            }
            End::Reopened(next) => {
                unclosed.push(start);
                from = next;
            }
            End::Missing => {
                unclosed.push(start);
                break;
            }
        }
    }
    (tags, unclosed)
}

/// Finds every tag of a part and the rewritten text nodes.
pub(crate) fn scan(part: &Part) -> Scan {
    let mut scan = Scan {
        alone: vec![false; part.paragraphs.len()],
        ..Scan::default()
    };
    // Joined text and node offsets per paragraph, kept for the rewrite.
    let mut joined: Vec<(String, Vec<usize>)> = Vec::with_capacity(part.paragraphs.len());
    for (p, paragraph) in part.paragraphs.iter().enumerate() {
        let mut text = String::new();
        let mut starts = Vec::with_capacity(paragraph.texts.len());
        for &t in &paragraph.texts {
            starts.push(text.len());
            if let Some(node) = part.texts.get(t) {
                text.push_str(&node.text);
            }
        }
        let (tags, unclosed) = paragraph_tags(&text);
        for start in unclosed {
            scan.unclosed.push((p, straighten(&excerpt(&text, start))));
        }
        let mut outside = String::new();
        let mut last = 0;
        for (span, kind) in &tags {
            outside.push_str(text.get(last..span.start).unwrap_or_default());
            last = span.end;
            let raw = text.get(span.clone()).unwrap_or_default();
            let inner = raw.get(2..raw.len().saturating_sub(2)).unwrap_or_default();
            // The node holding the tag's first character.
            let k = starts
                .partition_point(|&s| s <= span.start)
                .saturating_sub(1);
            let node = paragraph.texts.get(k).copied().unwrap_or_default();
            scan.tags.push(FoundTag {
                paragraph: p,
                node,
                span: span.clone(),
                kind: *kind,
                source: straighten(raw),
                inner: straighten(inner),
            });
        }
        outside.push_str(text.get(last..).unwrap_or_default());
        if let Some(alone) = scan.alone.get_mut(p) {
            *alone = tags.len() == 1 && outside.trim().is_empty();
        }
        joined.push((text, starts));
    }
    // Document order: a text box's paragraph sits inside another paragraph.
    let position = |t: &FoundTag| part.texts.get(t.node).map_or(0, |n| n.content.start);
    scan.tags.sort_by_key(position);

    // Rebuild each node a tag touches from the paragraph text minus the
    // tag pieces, with each tag in the node where it starts.
    let mut by_paragraph: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (id, tag) in scan.tags.iter().enumerate() {
        by_paragraph.entry(tag.paragraph).or_default().push(id);
    }
    for (p, ids) in by_paragraph {
        let (Some((text, starts)), Some(paragraph)) = (joined.get(p), part.paragraphs.get(p))
        else {
            continue;
        };
        for (k, &node) in paragraph.texts.iter().enumerate() {
            let start = starts.get(k).copied().unwrap_or_default();
            let end = starts.get(k + 1).copied().unwrap_or(text.len());
            let mut touched = false;
            let mut pieces = Vec::new();
            let mut cur = start;
            for &id in &ids {
                let Some(tag) = scan.tags.get(id) else {
                    continue;
                };
                if start >= end || tag.span.end <= start || tag.span.start >= end {
                    continue;
                }
                touched = true;
                if tag.span.start >= start {
                    if cur < tag.span.start {
                        let before = text.get(cur..tag.span.start).unwrap_or_default();
                        pieces.push(Piece::Text(before.to_string()));
                    }
                    pieces.push(Piece::Tag(id));
                }
                cur = cur.max(tag.span.end.min(end));
            }
            if !touched {
                continue;
            }
            if cur < end {
                pieces.push(Piece::Text(
                    text.get(cur..end).unwrap_or_default().to_string(),
                ));
            }
            scan.rewrites.insert(node, pieces);
        }
    }
    scan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docx::tests::document_part;

    #[test]
    fn finds_tags_and_unclosed_ones() {
        let (tags, unclosed) = paragraph_tags("a {{ x }} b {% if y %}{{ z");
        assert_eq!(tags.len(), 2);
        assert_eq!(unclosed, vec![22]);
        let (tags, unclosed) = paragraph_tags("{{ x {{ y }}");
        assert_eq!(tags, vec![(5..12, TagKind::Expr)]);
        assert_eq!(unclosed, vec![0]);
        // A closing delimiter inside a string does not end the tag.
        let (tags, _) = paragraph_tags(r#"{{ "}}" ~ x }} rest"#);
        assert_eq!(tags, vec![(0..14, TagKind::Expr)]);
        // An unbalanced quote does not hide the end.
        let (tags, _) = paragraph_tags("{{ x' }} rest");
        assert_eq!(tags, vec![(0..8, TagKind::Expr)]);
        // `{#` and lone braces are text.
        let (tags, unclosed) = paragraph_tags("{# x #} { y } }}");
        assert!(tags.is_empty() && unclosed.is_empty());
    }

    #[test]
    fn joins_a_tag_split_over_runs() {
        let part = document_part(concat!(
            "<w:p><w:r><w:t>Tổng: {</w:t></w:r>",
            "<w:proofErr w:type=\"spellStart\"/>",
            "<w:r><w:rPr><w:b/></w:rPr><w:t>{ xa.</w:t></w:r>",
            "<w:bookmarkStart w:id=\"0\" w:name=\"b\"/>",
            "<w:r><w:t>tong }</w:t></w:r><w:bookmarkEnd w:id=\"0\"/>",
            "<w:r><w:t>} hồ sơ</w:t></w:r><w:r><w:t>untouched</w:t></w:r></w:p>",
        ));
        let scan = scan(&part);
        assert_eq!(scan.tags.len(), 1);
        assert_eq!(scan.tags[0].source, "{{ xa.tong }}");
        assert_eq!(scan.tags[0].node, 0);
        assert_eq!(
            scan.rewrites.get(&0),
            Some(&vec![Piece::Text("Tổng: ".into()), Piece::Tag(0)])
        );
        assert_eq!(scan.rewrites.get(&1), Some(&vec![]));
        assert_eq!(scan.rewrites.get(&2), Some(&vec![]));
        assert_eq!(
            scan.rewrites.get(&3),
            Some(&vec![Piece::Text(" hồ sơ".into())])
        );
        assert_eq!(scan.rewrites.get(&4), None);
        assert!(!scan.alone[0]);
    }

    #[test]
    fn straightens_curly_quotes_and_finds_lone_tags() {
        let part = document_part(concat!(
            "<w:p><w:r><w:t>{{ x | default(“a”) }}{{ y }}</w:t></w:r></w:p>",
            "<w:p><w:r><w:t xml:space=\"preserve\"> {%- for d in ds -%} </w:t></w:r></w:p>",
        ));
        let scan = scan(&part);
        assert_eq!(scan.tags[0].source, "{{ x | default(\"a\") }}");
        assert_eq!(
            scan.rewrites.get(&0),
            Some(&vec![Piece::Tag(0), Piece::Tag(1)])
        );
        assert_eq!(scan.tags[2].statement(), "for d in ds");
        assert_eq!(scan.tags[2].keyword(), "for");
        assert_eq!(scan.alone, vec![false, true]);
    }
}
