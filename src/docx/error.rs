//! Errors of the template engine, worded in Vietnamese for the people who
//! edit templates.
//!
//! [`Error`] is fatal: the file cannot be read as a .docx at all.
//! [`Problem`] is one fault in a template, located by part and paragraph;
//! [`Errors`] carries all of them, so a user fixes a template in one pass.

use std::fmt;

/// The most of a tag or a name a message quotes; the rest is `…`. The
/// same length the application quotes values with, kept here so that
/// this module needs nothing of the crate.
const QUOTE_MAX: usize = 80;

/// `value` as a message quotes it: at most [`QUOTE_MAX`] characters.
pub(crate) fn quote(value: &str) -> std::borrow::Cow<'_, str> {
    match value.char_indices().nth(QUOTE_MAX) {
        None => std::borrow::Cow::Borrowed(value),
        Some((cut, _)) => std::borrow::Cow::Owned(format!("{}…", &value[..cut])),
    }
}

/// A file that cannot be opened as a template.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{name}: không đọc được tệp .docx (tệp hỏng hoặc không phải zip): {detail}")]
    Zip { name: String, detail: String },
    #[error("{name}: không phải tệp .docx: không có phần word/document.xml")]
    NotDocx { name: String },
    #[error(
        "{name}, {part}: phần này lớn hơn {limit_mib} MiB khi giải nén — từ chối đọc (tệp hỏng hoặc zip bomb?)"
    )]
    TooLarge {
        name: String,
        part: String,
        limit_mib: u64,
    },
    #[error(
        "{name}: các phần văn bản lớn hơn {limit_mib} MiB khi giải nén — từ chối đọc (tệp hỏng hoặc zip bomb?)"
    )]
    TooLargeTotal { name: String, limit_mib: u64 },
    #[error("{name}, {part}: XML có khai báo DOCTYPE — từ chối đọc")]
    Doctype { name: String, part: String },
    #[error("{name}, {part}: XML không hợp lệ: {detail}")]
    Xml {
        name: String,
        part: String,
        detail: String,
    },
}

/// One fault found in a template, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The template's name, as given to [`Template::from_bytes`](super::Template::from_bytes).
    pub template: String,
    /// The zip part, e.g. `word/document.xml`; empty for the whole file.
    pub part: String,
    /// The visible text of the paragraph holding the fault, when there is one.
    pub paragraph: Option<String>,
    pub fault: Fault,
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// A name the context lacks, with the closest known name.
    UnknownName {
        name: String,
        suggestion: Option<String>,
    },
    UnknownFilter {
        name: String,
        suggestion: Option<String>,
    },
    UnknownTest {
        name: String,
        suggestion: Option<String>,
    },
    UnknownFunction {
        name: String,
        suggestion: Option<String>,
    },
    /// `{{` or `{%` with no closing delimiter in the same paragraph.
    UnclosedTag {
        tag: String,
    },
    /// A block tag sharing its paragraph with other text.
    BlockNotAlone {
        tag: String,
    },
    /// A block tag other than for, if, elif, else, endif, endfor and set.
    UnsupportedBlock {
        tag: String,
    },
    /// A control character that cannot appear in a tag.
    BadCharacter {
        tag: String,
    },
    /// for/endfor or if/endif that do not pair up; the text says how.
    Unbalanced {
        tag: String,
        detail: String,
    },
    /// A block whose tags are not siblings, e.g. `for` in a table row and
    /// `endfor` in a paragraph after the table.
    Misplaced {
        tag: String,
        opener: String,
    },
    /// A loop over a value that is not a list.
    NotIterable {
        name: String,
        kind: String,
    },
    Syntax {
        tag: String,
        detail: String,
    },
    /// An error raised while filling in a value.
    Render {
        tag: Option<String>,
        detail: String,
    },
    /// The filled document is not valid; a bug of the engine more than of
    /// the template, but reported rather than written.
    Output {
        detail: String,
    },
}

/// `không có {what} 'name'`, with the closest known name if there is one.
fn unknown(
    f: &mut fmt::Formatter<'_>,
    what: &str,
    name: &str,
    suggestion: &Option<String>,
) -> fmt::Result {
    write!(f, "không có {what} '{}'", quote(name))?;
    match suggestion {
        Some(s) => write!(f, " — có phải '{}'?", quote(s)),
        None => Ok(()),
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::UnknownName { name, suggestion } => unknown(f, "tên", name, suggestion),
            Fault::UnknownFilter { name, suggestion } => unknown(f, "bộ lọc", name, suggestion),
            Fault::UnknownTest { name, suggestion } => unknown(f, "phép thử", name, suggestion),
            Fault::UnknownFunction { name, suggestion } => unknown(f, "hàm", name, suggestion),
            Fault::UnclosedTag { tag } => {
                let close = if tag.starts_with("{%") { "%}" } else { "}}" };
                write!(
                    f,
                    "thẻ '{}' không được đóng: thiếu '{close}' trong cùng đoạn",
                    quote(tag)
                )
            }
            Fault::BlockNotAlone { tag } => write!(
                f,
                "thẻ khối '{}' phải đứng một mình trong đoạn hoặc trong hàng bảng",
                quote(tag)
            ),
            Fault::UnsupportedBlock { tag } => write!(
                f,
                "thẻ khối '{}' không được hỗ trợ (chỉ dùng for, endfor, if, elif, else, endif, set … = …)",
                quote(tag)
            ),
            Fault::BadCharacter { tag } => {
                write!(f, "thẻ '{}' chứa ký tự điều khiển không hợp lệ", quote(tag))
            }
            Fault::Unbalanced { tag, detail } => write!(f, "thẻ '{}': {detail}", quote(tag)),
            Fault::Misplaced { tag, opener } => write!(
                f,
                "thẻ '{}' không cùng chỗ với '{}' (một thẻ trong bảng, thẻ kia ngoài bảng?): hai thẻ phải cùng là đoạn của một nơi hoặc cùng là hàng của một bảng",
                quote(tag),
                quote(opener)
            ),
            Fault::NotIterable { name, kind } => write!(
                f,
                "không lặp được trên '{}': đó là {kind}, không phải danh sách",
                quote(name)
            ),
            Fault::Syntax { tag, detail } => {
                write!(f, "lỗi cú pháp trong '{}': {detail}", quote(tag))
            }
            Fault::Render {
                tag: Some(tag),
                detail,
            } => write!(f, "lỗi khi điền '{}': {detail}", quote(tag)),
            Fault::Render { tag: None, detail } => write!(f, "lỗi khi điền mẫu: {detail}"),
            Fault::Output { detail } => write!(f, "không tạo được tệp kết quả: {detail}"),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.template)?;
        if !self.part.is_empty() {
            write!(f, ", {}", self.part)?;
        }
        if let Some(text) = &self.paragraph {
            // Cut as any quoted value is (SPEC §9).
            write!(f, ", đoạn \"{}\"", quote(text.trim()))?;
        }
        write!(f, ": {}", self.fault)
    }
}

/// All the problems found in a template, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Errors {
    pub problems: Vec<Problem>,
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_names_template_part_paragraph_and_fault() {
        let p = Problem {
            template: "bao-cao.docx".into(),
            part: "word/document.xml".into(),
            paragraph: Some("Tổng số: {{ xa.tiep_nhan.tongg }}".into()),
            fault: Fault::UnknownName {
                name: "xa.tiep_nhan.tongg".into(),
                suggestion: Some("xa.tiep_nhan.tong".into()),
            },
        };
        assert_eq!(
            p.to_string(),
            "bao-cao.docx, word/document.xml, đoạn \"Tổng số: {{ xa.tiep_nhan.tongg }}\": \
             không có tên 'xa.tiep_nhan.tongg' — có phải 'xa.tiep_nhan.tong'?"
        );
    }
}
