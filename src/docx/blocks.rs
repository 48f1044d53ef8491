//! Block tags: where each one goes, and whether they pair up.
//!
//! A block tag alone in its paragraph stands for that paragraph; alone in
//! a table row, for the row. The paragraph or row is replaced by the bare
//! statement, so what lies between `for` and `endfor` repeats. Tags that
//! pair up must be siblings (same parent element) or the output would not
//! nest. Block tags inside running text are allowed only when a whole
//! `if … endif` or `for … endfor` sits in one text node.

use std::collections::BTreeMap;
use std::ops::Range;

use super::error::Fault;
use super::expr::{Token, lex};
use super::tags::{FoundTag, Scan, TagKind};
use super::xml::Part;

/// The block statements the engine supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keyword {
    For,
    EndFor,
    If,
    Elif,
    Else,
    EndIf,
    Set,
}

impl Keyword {
    fn name(self) -> &'static str {
        match self {
            Keyword::For => "for",
            Keyword::EndFor => "endfor",
            Keyword::If => "if",
            Keyword::Elif => "elif",
            Keyword::Else => "else",
            Keyword::EndIf => "endif",
            Keyword::Set => "set",
        }
    }

    fn closer(self) -> &'static str {
        match self {
            Keyword::For => "{% endfor %}",
            _ => "{% endif %}",
        }
    }
}

/// The statement of a block tag, or `None` for one we do not support
/// (macros, includes, `{% set %}` blocks without `=`…).
pub(crate) fn keyword(tag: &FoundTag) -> Option<Keyword> {
    let kw = match tag.keyword() {
        "for" => Keyword::For,
        "endfor" => Keyword::EndFor,
        "if" => Keyword::If,
        "elif" => Keyword::Elif,
        "else" => Keyword::Else,
        "endif" => Keyword::EndIf,
        "set" => Keyword::Set,
        _ => return None,
    };
    if kw == Keyword::Set && !lex(tag.statement()).contains(&Token::Punct("=")) {
        return None;
    }
    Some(kw)
}

/// What a tag stands for in the XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// Inside a text node (every expression, and block tags in running text).
    Inline,
    /// The whole paragraph, by index.
    Paragraph(usize),
    /// The whole table row, by index.
    Row(usize),
}

impl Unit {
    /// The element the unit replaces.
    pub fn span(self, part: &Part) -> Option<Range<usize>> {
        match self {
            Unit::Inline => None,
            Unit::Paragraph(p) => part.paragraphs.get(p).map(|p| p.span.clone()),
            Unit::Row(r) => part.rows.get(r).map(|r| r.span.clone()),
        }
    }

    fn parent(self, part: &Part) -> Option<usize> {
        match self {
            Unit::Inline => None,
            Unit::Paragraph(p) => part.paragraphs.get(p).map(|p| p.parent),
            Unit::Row(r) => part.rows.get(r).map(|r| r.parent),
        }
    }
}

/// Where each tag goes, and the faults of the block structure.
#[derive(Debug, Default)]
pub(crate) struct Layout {
    /// One per tag of the scan.
    pub units: Vec<Unit>,
    /// Faults with the paragraph they are in.
    pub problems: Vec<(usize, Fault)>,
}

/// Places the tags of a part and checks the block structure.
pub(crate) fn layout(part: &Part, scan: &Scan) -> Layout {
    let mut layout = Layout::default();
    for tag in &scan.tags {
        let unit = if tag.kind == TagKind::Expr
            || !scan.alone.get(tag.paragraph).copied().unwrap_or(false)
        {
            Unit::Inline
        } else {
            let text = part.paragraph_text(tag.paragraph);
            let row = part
                .paragraphs
                .get(tag.paragraph)
                .and_then(|p| p.row)
                .filter(|&r| {
                    part.rows
                        .get(r)
                        .is_some_and(|r| r.text.trim() == text.trim())
                });
            match row {
                Some(r) => Unit::Row(r),
                None => Unit::Paragraph(tag.paragraph),
            }
        };
        layout.units.push(unit);
    }
    for tag in &scan.tags {
        if tag.kind == TagKind::Block && keyword(tag).is_none() {
            layout.problems.push((
                tag.paragraph,
                Fault::UnsupportedBlock {
                    tag: tag.source.clone(),
                },
            ));
        }
    }
    check_inline(scan, &mut layout);
    check_units(part, scan, &mut layout);
    layout.problems.sort_by_key(|(p, _)| *p);
    layout
}

/// Inline block tags must open and close within one text node.
fn check_inline(scan: &Scan, layout: &mut Layout) {
    let mut by_paragraph: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (id, tag) in scan.tags.iter().enumerate() {
        if tag.kind == TagKind::Block && layout.units.get(id) == Some(&Unit::Inline) {
            by_paragraph.entry(tag.paragraph).or_default().push(id);
        }
    }
    for (paragraph, ids) in by_paragraph {
        let mut bad: Vec<usize> = Vec::new();
        // Open tags: id, keyword, text node.
        let mut open: Vec<(usize, Keyword, usize)> = Vec::new();
        for id in ids {
            let Some(tag) = scan.tags.get(id) else {
                continue;
            };
            let Some(kw) = keyword(tag) else { continue };
            let top = open.last().copied();
            let fits =
                |opener: Keyword| top.is_some_and(|(_, k, node)| k == opener && node == tag.node);
            match kw {
                Keyword::Set => {}
                Keyword::For | Keyword::If => open.push((id, kw, tag.node)),
                Keyword::Elif if fits(Keyword::If) => {}
                Keyword::Else if fits(Keyword::If) || fits(Keyword::For) => {}
                Keyword::EndFor if fits(Keyword::For) => {
                    open.pop();
                }
                Keyword::EndIf if fits(Keyword::If) => {
                    open.pop();
                }
                _ => bad.push(id),
            }
        }
        bad.extend(open.iter().map(|(id, _, _)| *id));
        bad.sort_unstable();
        for id in bad {
            if let Some(tag) = scan.tags.get(id) {
                layout.problems.push((
                    paragraph,
                    Fault::BlockNotAlone {
                        tag: tag.source.clone(),
                    },
                ));
            }
        }
    }
}

/// An open block: the tag that opened it, its keyword, its parent, and
/// whether an `else` was seen.
struct OpenBlock {
    id: usize,
    keyword: Keyword,
    parent: Option<usize>,
    has_else: bool,
}

/// Block tags standing for paragraphs and rows must pair up, as siblings.
fn check_units(part: &Part, scan: &Scan, layout: &mut Layout) {
    let mut pairing = Pairing {
        scan,
        open: Vec::new(),
        problems: Vec::new(),
    };
    for (id, tag) in scan.tags.iter().enumerate() {
        let unit = layout.units.get(id).copied().unwrap_or(Unit::Inline);
        if unit == Unit::Inline {
            continue;
        }
        let Some(kw) = keyword(tag) else { continue };
        let parent = unit.parent(part);
        match kw {
            Keyword::Set => {}
            Keyword::For | Keyword::If => pairing.open.push(OpenBlock {
                id,
                keyword: kw,
                parent,
                has_else: false,
            }),
            Keyword::Elif | Keyword::Else => pairing.branch(tag, kw, parent),
            Keyword::EndFor | Keyword::EndIf => pairing.close(tag, kw, parent),
        }
    }
    layout.problems.extend(pairing.finish());
}

/// The walk of [`check_units`]: the blocks open and the faults found.
struct Pairing<'s> {
    scan: &'s Scan,
    open: Vec<OpenBlock>,
    problems: Vec<(usize, Fault)>,
}

impl Pairing<'_> {
    /// An `elif` or `else`: it must be in an `if` (an `else` may also be in
    /// a `for`), after no `else` of it, and beside its opener.
    fn branch(&mut self, tag: &FoundTag, kw: Keyword, parent: Option<usize>) {
        let scan = self.scan;
        match self.open.last_mut() {
            Some(top)
                if top.keyword == Keyword::If
                    || (kw == Keyword::Else && top.keyword == Keyword::For) =>
            {
                if top.has_else {
                    self.problems.push(unbalanced(
                        tag,
                        format!("đứng sau '{{% else %}}' của '{}'", quoted(scan, top.id)),
                    ));
                }
                top.has_else |= kw == Keyword::Else;
                self.problems.extend(misplaced(scan, tag, parent, top));
            }
            Some(top) => self.problems.push(unbalanced(
                tag,
                format!(
                    "nằm trong '{}' chứ không trong một khối if",
                    quoted(scan, top.id)
                ),
            )),
            None => self.problems.push(unbalanced(
                tag,
                "không có '{% if … %}' mở trước".to_string(),
            )),
        }
    }

    /// An `endfor` or `endif`: it closes the innermost block it ends, and
    /// every block opened inside that one was left unclosed.
    fn close(&mut self, tag: &FoundTag, kw: Keyword, parent: Option<usize>) {
        let opener = if kw == Keyword::EndFor {
            Keyword::For
        } else {
            Keyword::If
        };
        let Some(at) = self.open.iter().rposition(|b| b.keyword == opener) else {
            self.problems.push(unbalanced(
                tag,
                format!("không có '{{% {} … %}}' mở trước", opener.name()),
            ));
            return;
        };
        // Blocks opened inside and never closed.
        for inner in self.open.drain(at + 1..).rev() {
            self.problems.push(unbalanced(
                tag,
                format!(
                    "gặp trước khi '{}' được đóng bằng '{}'",
                    quoted(self.scan, inner.id),
                    inner.keyword.closer()
                ),
            ));
        }
        if let Some(top) = self.open.pop() {
            self.problems
                .extend(misplaced(self.scan, tag, parent, &top));
        }
    }

    /// The faults, with one for each block still open at the end.
    fn finish(mut self) -> Vec<(usize, Fault)> {
        for block in std::mem::take(&mut self.open) {
            if let Some(tag) = self.scan.tags.get(block.id) {
                let detail = format!("không được đóng: thiếu '{}'", block.keyword.closer());
                self.problems.push(unbalanced(tag, detail));
            }
        }
        self.problems
    }
}

/// A tag as a message quotes it (SPEC §9: at most 80 characters).
fn quoted(scan: &Scan, id: usize) -> String {
    scan.tags
        .get(id)
        .map(|t| super::error::quote(&t.source).into_owned())
        .unwrap_or_default()
}

/// The fault of a block tag that does not pair up, and why.
fn unbalanced(tag: &FoundTag, detail: String) -> (usize, Fault) {
    (
        tag.paragraph,
        Fault::Unbalanced {
            tag: tag.source.clone(),
            detail,
        },
    )
}

/// The fault of a tag whose opener has another parent, if it has.
fn misplaced(
    scan: &Scan,
    tag: &FoundTag,
    parent: Option<usize>,
    opener: &OpenBlock,
) -> Option<(usize, Fault)> {
    (opener.parent != parent).then(|| {
        (
            tag.paragraph,
            Fault::Misplaced {
                tag: tag.source.clone(),
                opener: quoted(scan, opener.id),
            },
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docx::tags::scan;
    use crate::docx::tests::document_part;

    fn p(text: &str) -> String {
        format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
    }

    fn row(cells: &[&str]) -> String {
        let cells: String = cells
            .iter()
            .map(|c| format!("<w:tc>{}</w:tc>", p(c)))
            .collect();
        format!("<w:tr>{cells}</w:tr>")
    }

    fn lay(body: &str) -> (Part, Layout) {
        let part = document_part(body);
        let s = scan(&part);
        let l = layout(&part, &s);
        (part, l)
    }

    #[test]
    fn places_rows_paragraphs_and_inline_tags() {
        let body = format!(
            "{}<w:tbl>{}{}{}</w:tbl>{}{}{}",
            p("{% if a %}"),
            row(&["{% for d in ds %}", ""]),
            row(&["{{ d.ten }}", "{{ d.so }}"]),
            row(&["", "{%endfor%}"]),
            p("{% endif %}"),
            p("x {% if b %}y{% endif %}"),
            p("{% set n = 1 %}"),
        );
        let (_, l) = lay(&body);
        assert_eq!(
            l.units,
            vec![
                Unit::Paragraph(0),
                Unit::Row(0),
                Unit::Inline,
                Unit::Inline,
                Unit::Row(2),
                Unit::Paragraph(7),
                Unit::Inline,
                Unit::Inline,
                Unit::Paragraph(9),
            ]
        );
        assert!(l.problems.is_empty(), "{:?}", l.problems);
    }

    #[test]
    fn block_in_a_cell_with_other_text_is_a_paragraph_unit() {
        let body = format!(
            "<w:tbl><w:tr><w:tc>{}</w:tc><w:tc>{}{}{}</w:tc></w:tr></w:tbl>",
            p("Tên"),
            p("{% if a %}"),
            p("x"),
            p("{% endif %}")
        );
        let (_, l) = lay(&body);
        assert_eq!(l.units, vec![Unit::Paragraph(1), Unit::Paragraph(3)]);
        assert!(l.problems.is_empty(), "{:?}", l.problems);
    }

    fn faults(body: &str) -> Vec<String> {
        lay(body)
            .1
            .problems
            .iter()
            .map(|(_, f)| f.to_string())
            .collect()
    }

    #[test]
    fn reports_structure_faults() {
        assert_eq!(
            faults(&p("Tổng {% if a %} số")),
            vec!["thẻ khối '{% if a %}' phải đứng một mình trong đoạn hoặc trong hàng bảng"]
        );
        assert_eq!(
            faults(&p("{% endfor %}")),
            vec!["thẻ '{% endfor %}': không có '{% for … %}' mở trước"]
        );
        assert_eq!(
            faults(&p("{% for x in y %}")),
            vec!["thẻ '{% for x in y %}': không được đóng: thiếu '{% endfor %}'"]
        );
        assert_eq!(
            faults(&format!("{}{}", p("{% for x in y %}"), p("{% endif %}"))).len(),
            2
        );
        assert_eq!(
            faults(&p("{% include 'x' %}")),
            vec![
                "thẻ khối '{% include 'x' %}' không được hỗ trợ (chỉ dùng for, endfor, if, elif, else, endif, set … = …)"
            ]
        );
        let misplaced = faults(&format!(
            "<w:tbl>{}{}</w:tbl>{}",
            row(&["{% for d in ds %}"]),
            row(&["{{ d }}"]),
            p("{% endfor %}")
        ));
        assert_eq!(misplaced.len(), 1);
        assert!(misplaced[0].contains("không cùng chỗ"), "{misplaced:?}");
        // Inline blocks must stay in one text node.
        let split =
            "<w:p><w:r><w:t>a {% if x %}b</w:t></w:r><w:r><w:t>c{% endif %}</w:t></w:r></w:p>";
        assert_eq!(faults(split).len(), 2);
        assert!(
            faults(&format!(
                "{}{}{}",
                p("{% if a %}"),
                p("{% else %}"),
                p("{% endif %}")
            ))
            .is_empty()
        );
        assert_eq!(
            faults(&format!(
                "{}{}{}{}",
                p("{% if a %}"),
                p("{% else %}"),
                p("{% else %}"),
                p("{% endif %}")
            ))
            .len(),
            1
        );
    }
}
