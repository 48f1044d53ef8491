//! A small pull tokenizer for the XML of a workbook's parts, over bytes
//! that arrive in chunks (from the inflating thread) or whole.
//!
//! Why not quick-xml: on a 1M-row sheet (681 MB of XML) its buffered
//! reader takes 4.7 s and its slice reader 2.5 s just to yield events,
//! more than the whole budget of reading the sheet; sheet XML is regular
//! enough (tags, attributes, text, entities) that memchr over a window
//! does it in a fraction of that. Comments, processing instructions and
//! CDATA are understood; a DOCTYPE is refused (no workbook has one).

use std::sync::mpsc::{Receiver, Sender};

use memchr::{memchr, memmem};

/// What the inflating thread sends: a chunk, the end, or why it stopped.
pub(super) enum Chunk {
    /// `Room(buf, start, end)`: the bytes `buf[start..end]`; the room
    /// before `start` takes the unread tail of the last chunk, so the
    /// chunk is not copied behind the tail.
    Room(Vec<u8>, usize, usize),
    End,
    Failed(String),
}

/// A token; slices borrow the tokenizer's window until the next call.
#[derive(Debug, PartialEq)]
pub(super) enum Tok<'a> {
    /// `<name attrs>` or `<name attrs/>` (`empty`); `name` without prefix.
    Start {
        name: &'a [u8],
        attrs: &'a [u8],
        empty: bool,
    },
    End {
        name: &'a [u8],
    },
    /// Character data as written (entities not yet resolved).
    Text(&'a [u8]),
    /// The inside of `<![CDATA[…]]>`, literal.
    CData(&'a [u8]),
    Eof,
}

/// Positions of a token in the window (the borrow checker cannot return
/// a slice from inside the refilling loop).
enum Raw {
    Start(usize, usize, usize, usize, bool),
    End(usize, usize),
    Text(usize, usize),
    CData(usize, usize),
    Skip,
}

/// The longest token kept whole in memory: a text or tag longer than this
/// is no spreadsheet's.
const MAX_TOKEN: usize = 64 << 20;

pub(super) struct Tokens {
    source: Option<Receiver<Chunk>>,
    /// Where spent chunks go back to the inflating thread, to be filled
    /// again (no allocation, no zeroing per chunk).
    spent: Option<Sender<Vec<u8>>>,
    /// The bytes are `buf[pos..end]`.
    buf: Vec<u8>,
    pos: usize,
    end: usize,
}

impl Tokens {
    /// Tokens of bytes from the inflating thread.
    pub fn streamed(source: Receiver<Chunk>) -> Tokens {
        Tokens {
            source: Some(source),
            spent: None,
            buf: Vec::new(),
            pos: 0,
            end: 0,
        }
    }

    /// Tokens of bytes from the inflating thread, which takes the spent
    /// chunks back through `spent`.
    pub fn recycling(source: Receiver<Chunk>, spent: Sender<Vec<u8>>) -> Tokens {
        Tokens {
            spent: Some(spent),
            ..Tokens::streamed(source)
        }
    }

    /// Tokens of a part read whole.
    pub fn whole(bytes: Vec<u8>) -> Tokens {
        Tokens {
            source: None,
            spent: None,
            end: bytes.len(),
            buf: bytes,
            pos: 0,
        }
    }

    /// The next token; `Eof` at the end of the bytes.
    pub fn next(&mut self) -> Result<Tok<'_>, String> {
        let raw = loop {
            let rest = &self.buf[self.pos..self.end];
            if rest.is_empty() && self.source.is_none() {
                return Ok(Tok::Eof);
            }
            match scan(rest, self.source.is_none())? {
                Some((raw, len)) => {
                    let at = self.pos;
                    self.pos += len;
                    match raw {
                        Raw::Skip => continue,
                        raw => break shift(raw, at),
                    }
                }
                None => self.refill()?,
            }
        };
        let b = &self.buf;
        Ok(match raw {
            Raw::Start(n0, n1, a0, a1, empty) => Tok::Start {
                name: local(&b[n0..n1]),
                attrs: &b[a0..a1],
                empty,
            },
            Raw::End(n0, n1) => Tok::End {
                name: local(&b[n0..n1]),
            },
            Raw::Text(s, e) => Tok::Text(&b[s..e]),
            Raw::CData(s, e) => Tok::CData(&b[s..e]),
            Raw::Skip => Tok::Eof,
        })
    }

    /// The text run ahead, if it is whole, non-empty, without `&` or `\r`
    /// and followed by an end tag (the common `<v>123</v>`); not consumed.
    pub fn peek_text(&self) -> Option<&[u8]> {
        let rest = &self.buf[self.pos..self.end];
        let end = memchr(b'<', rest)?;
        let text = &rest[..end];
        if end == 0
            || rest.get(end + 1) != Some(&b'/')
            || memchr::memchr2(b'&', b'\r', text).is_some()
        {
            return None;
        }
        Some(text)
    }

    /// The unread bytes at hand (they may end inside a token); for the
    /// sheet's fast cell path, which consumes what it read with `advance`.
    pub fn window(&self) -> &[u8] {
        &self.buf[self.pos..self.end]
    }

    /// Consumes `n` bytes of `window`.
    pub fn advance(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.end);
    }

    /// Consumes the run `peek_text` gave.
    pub fn take_text(&mut self) {
        if let Some(end) = memchr(b'<', &self.buf[self.pos..self.end]) {
            self.pos += end;
        }
    }

    /// Puts the unread tail (a token cut by the chunk's end) before the
    /// next chunk.
    fn refill(&mut self) -> Result<(), String> {
        let Some(source) = &self.source else {
            return Err(TRUNCATED.into());
        };
        let tail = self.end - self.pos;
        if tail > MAX_TOKEN {
            return Err(TRUNCATED.into());
        }
        match source.recv() {
            Ok(Chunk::Room(mut chunk, start, end)) => {
                if start >= tail && end <= chunk.len() && start <= end {
                    // The tail (a token cut by the chunk's end) goes in
                    // front of the new bytes, into the room left for it.
                    chunk[start - tail..start].copy_from_slice(&self.buf[self.pos..self.end]);
                    let spent = std::mem::replace(&mut self.buf, chunk);
                    self.pos = start - tail;
                    self.end = end;
                    self.give_back(spent);
                } else {
                    // A token longer than the room: joined the old way.
                    self.append(chunk.get(start..end).unwrap_or_default());
                    self.give_back(chunk);
                }
                Ok(())
            }
            Ok(Chunk::End) => {
                self.source = None;
                Ok(())
            }
            Ok(Chunk::Failed(why)) => Err(why),
            // The thread stopped without saying why: it panicked.
            Err(_) => Err(TRUNCATED.into()),
        }
    }
}

impl Tokens {
    /// The unread tail, then `bytes`, from the start of the buffer.
    fn append(&mut self, bytes: &[u8]) {
        self.buf.truncate(self.end);
        self.buf.drain(..self.pos);
        self.buf.extend_from_slice(bytes);
        self.pos = 0;
        self.end = self.buf.len();
    }

    fn give_back(&self, spent: Vec<u8>) {
        if let Some(to) = &self.spent {
            // The thread may be done: the buffer is then just dropped.
            let _ = to.send(spent);
        }
    }
}

pub(super) const TRUNCATED: &str =
    "tệp hỏng hoặc bị cắt cụt: mở bằng Excel rồi lưu lại, hoặc xuất lại từ phần mềm Một cửa";

fn shift(raw: Raw, at: usize) -> Raw {
    match raw {
        Raw::Start(a, b, c, d, e) => Raw::Start(a + at, b + at, c + at, d + at, e),
        Raw::End(a, b) => Raw::End(a + at, b + at),
        Raw::Text(a, b) => Raw::Text(a + at, b + at),
        Raw::CData(a, b) => Raw::CData(a + at, b + at),
        Raw::Skip => Raw::Skip,
    }
}

/// The name without its namespace prefix.
fn local(name: &[u8]) -> &[u8] {
    match memchr(b':', name) {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// The token at the start of `rest` and its length, or `None` if `rest`
/// ends inside it (`last`: no more bytes will come).
fn scan(rest: &[u8], last: bool) -> Result<Option<(Raw, usize)>, String> {
    if rest.first() != Some(&b'<') {
        return Ok(match memchr(b'<', rest) {
            Some(i) => Some((Raw::Text(0, i), i)),
            None if last => Some((Raw::Text(0, rest.len()), rest.len())),
            None => None,
        });
    }
    let found = |needle: &[u8], from: usize| memmem::find(&rest[from..], needle).map(|i| from + i);
    match rest.get(1).copied() {
        None => Ok(None),
        Some(b'/') => Ok(memchr(b'>', rest).map(|i| {
            let name = rest[2..i].trim_ascii_end();
            (Raw::End(2, 2 + name.len()), i + 1)
        })),
        Some(b'?') => Ok(found(b"?>", 2).map(|i| (Raw::Skip, i + 2))),
        Some(b'!') => {
            if rest.len() < 9 && !last {
                return Ok(None);
            }
            if rest.starts_with(b"<!--") {
                Ok(found(b"-->", 4).map(|i| (Raw::Skip, i + 3)))
            } else if rest.starts_with(b"<![CDATA[") {
                Ok(found(b"]]>", 9).map(|i| (Raw::CData(9, i), i + 3)))
            } else {
                Err("tệp có khai báo DOCTYPE, không phải bảng tính Excel: mở bằng Excel rồi lưu lại".into())
            }
        }
        Some(_) => Ok(start_tag(rest)),
    }
}

/// `<name attrs>`: the end is the first `>` outside quotes.
fn start_tag(rest: &[u8]) -> Option<(Raw, usize)> {
    let mut quote = 0u8;
    let mut i = 1;
    loop {
        let b = *rest.get(i)?;
        if quote != 0 {
            if b == quote {
                quote = 0;
            }
        } else if b == b'"' || b == b'\'' {
            quote = b;
        } else if b == b'>' {
            break;
        }
        i += 1;
    }
    let inner = &rest[1..i];
    let empty = inner.last() == Some(&b'/');
    let inner_end = if empty { i - 1 } else { i };
    let name_len = inner
        .iter()
        .position(|b| b.is_ascii_whitespace() || *b == b'/')
        .unwrap_or(inner.len());
    Some((
        Raw::Start(1, 1 + name_len, 1 + name_len, inner_end, empty),
        i + 1,
    ))
}

/// `key="value"` pairs of a tag's attributes, values as written.
pub(super) fn attrs(raw: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        while raw.get(pos).is_some_and(u8::is_ascii_whitespace) {
            pos += 1;
        }
        let eq = pos + memchr(b'=', &raw[pos.min(raw.len())..])?;
        let key = raw[pos..eq].trim_ascii();
        let mut v = eq + 1;
        while raw.get(v).is_some_and(u8::is_ascii_whitespace) {
            v += 1;
        }
        let quote = *raw.get(v)?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let end = v + 1 + memchr(quote, &raw[v + 1..])?;
        pos = end + 1;
        Some((key, &raw[v + 1..end]))
    })
}

/// The value of attribute `name`, as written.
pub(super) fn attr<'a>(raw: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    attrs(raw).find(|(k, _)| *k == name).map(|(_, v)| v)
}

/// Appends character data to `out`: UTF-8 checked, line ends made `\n`
/// (XML 1.0), entities and character references resolved.
pub(super) fn unescape_into(raw: &[u8], out: &mut String) -> Result<(), String> {
    let bad = || {
        "tệp hỏng: chữ trong tệp không đúng mã UTF-8 hoặc có ký hiệu & sai: mở bằng Excel rồi lưu lại".to_string()
    };
    let text = std::str::from_utf8(raw).map_err(|_| bad())?;
    let mut rest = text;
    while let Some(amp) = memchr(b'&', rest.as_bytes()) {
        push_eol(&rest[..amp], out);
        let after = &rest[amp + 1..];
        let semi = after.find(';').ok_or_else(bad)?;
        out.push(entity(&after[..semi]).ok_or_else(bad)?);
        rest = &after[semi + 1..];
    }
    push_eol(rest, out);
    Ok(())
}

fn push_eol(text: &str, out: &mut String) {
    if memchr(b'\r', text.as_bytes()).is_none() {
        out.push_str(text);
        return;
    }
    out.push_str(&text.replace("\r\n", "\n").replace('\r', "\n"));
}

fn entity(name: &str) -> Option<char> {
    Some(match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "apos" => '\'',
        "quot" => '"',
        _ => {
            let code = if let Some(hex) = name.strip_prefix("#x") {
                u32::from_str_radix(hex, 16).ok()?
            } else {
                name.strip_prefix('#')?.parse().ok()?
            };
            // XML forbids NUL; quick-xml refuses it too.
            return char::from_u32(code).filter(|c| *c != '\0');
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(xml: &str) -> Vec<String> {
        let mut t = Tokens::whole(xml.as_bytes().to_vec());
        let mut out = Vec::new();
        loop {
            let s = match t.next().unwrap() {
                Tok::Eof => break,
                Tok::Start { name, attrs, empty } => format!(
                    "<{}|{}|{empty}",
                    String::from_utf8_lossy(name),
                    String::from_utf8_lossy(attrs).trim()
                ),
                Tok::End { name } => format!("</{}", String::from_utf8_lossy(name)),
                Tok::Text(x) => format!("T{}", String::from_utf8_lossy(x)),
                Tok::CData(x) => format!("C{}", String::from_utf8_lossy(x)),
            };
            out.push(s);
        }
        out
    }

    #[test]
    fn tokens_of_a_sheet_fragment() {
        let xml = r#"<?xml version="1.0"?><!-- a > b --><x:row r="1"><c r="A1" t="s" a='>'><v>0</v></c><c/><t><![CDATA[<&>]]></t></x:row >"#;
        assert_eq!(
            all(xml),
            [
                "<row|r=\"1\"|false",
                "<c|r=\"A1\" t=\"s\" a='>'|false",
                "<v||false",
                "T0",
                "</v",
                "</c",
                "<c||true",
                "<t||false",
                "C<&>",
                "</t",
                "</row"
            ]
        );
    }

    #[test]
    fn chunk_boundaries_anywhere_give_the_same_tokens() {
        let xml = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Hà &amp; Nội</t></is></c><!-- x --></row>"#;
        let whole = all(xml);
        for step in 1..xml.len() {
            let (tx, rx) = std::sync::mpsc::channel();
            for piece in xml.as_bytes().chunks(step) {
                tx.send(Chunk::Room(piece.to_vec(), 0, piece.len()))
                    .unwrap();
            }
            tx.send(Chunk::End).unwrap();
            let mut t = Tokens::streamed(rx);
            let mut n = 0;
            loop {
                match t.next().unwrap() {
                    Tok::Eof => break,
                    Tok::Text(x)
                        if !whole.contains(&format!("T{}", String::from_utf8_lossy(x))) =>
                    {
                        // Text may split at a chunk's end only where no `<` follows yet.
                        panic!("split text at step {step}");
                    }
                    _ => n += 1,
                }
            }
            assert_eq!(n, whole.len(), "step {step}");
        }
    }

    #[test]
    fn entities_and_line_ends() {
        let mut s = String::new();
        unescape_into(b"a&lt;b&#x1EA0;&#65;\r\nc\rd&#13;", &mut s).unwrap();
        assert_eq!(s, "a<bẠA\nc\nd\r");
        assert!(unescape_into(b"&bogus;", &mut String::new()).is_err());
        assert!(unescape_into(b"&#0;", &mut String::new()).is_err());
        assert!(unescape_into(b"\xff", &mut String::new()).is_err());
    }

    #[test]
    fn a_cut_stream_is_an_error_not_a_token() {
        let (tx, rx) = std::sync::mpsc::channel();
        let cut = b"<row r=\"1\"><c r=".to_vec();
        let n = cut.len();
        tx.send(Chunk::Room(cut, 0, n)).unwrap();
        drop(tx);
        let mut t = Tokens::streamed(rx);
        assert!(matches!(t.next(), Ok(Tok::Start { .. })));
        assert!(t.next().is_err());
    }
}
