//! `.xlsx` workbooks, streamed: one thread inflates the sheet's zip entry
//! into bounded chunks, the reading thread takes its cells apart as they
//! come (`tokens.rs`), so unzipping and parsing run on two cores. Shared
//! strings are read once, normalised (NFC), and lent to every cell that
//! names them; no text is copied per cell but inline ones.
//!
//! It gives the cells calamine gives (`tests` compares them on random
//! workbooks): the same date formats, the same date conversion (calamine's
//! own), the same text rules (`<t>` trimmed unless `xml:space="preserve"`,
//! `_xHHHH_` escapes, phonetic runs left out). calamine stays for `.xls`
//! and `.ods`. Where calamine would refuse a whole file for one odd cell
//! (an unknown error code, a boolean written `2`) the cell's text is kept.

mod tokens;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};

use calamine::{CellErrorType, ExcelDateTime, ExcelDateTimeType};
use chrono::NaiveDate;

use super::cells::Cell;
use super::header::HeaderRules;
use super::sheet::{EXCEL_CELL_MAX, Overlong, Rows, check_sizes, overlong, pick_sheet, text};
use super::table::Table;
use super::{Error, Visitor};
use crate::text::nfc;
use tokens::{Chunk, TRUNCATED, Tok, Tokens, attr, attrs, unescape_into};

/// Bytes of XML per chunk, and chunks in flight between the threads.
/// Small enough that a chunk is still in the cache when it is read.
const CHUNK: usize = 64 << 10;
const IN_FLIGHT: usize = 4;

/// The most of a token cut by a chunk's end that is put in front of the
/// next chunk in place (a longer one is copied with the chunk).
const ROOM: usize = 4 << 10;

/// The most a small part (workbook, relationships, styles) unpacks to.
const SMALL_PART_MAX: u64 = 64 << 20;

/// Reads the first sheet, or the one named, into `visitor`'s rows.
pub(crate) fn read(
    path: &Path,
    sheet: Option<&str>,
    rules: &HeaderRules,
    visitor: &mut dyn Visitor,
) -> Result<(), Error> {
    let (book, name, cells) = open(path, sheet, CHUNK)?;
    let mut table = Table::new(path, rules);
    table.describe(None, Some(name));
    let mut rows = Rows::default();
    stream(path, &book, cells, &mut |row, col, cell| {
        rows.push(row, col, cell, &mut table, visitor)
    })?;
    rows.flush(&mut table, visitor)?;
    table.finish()
}

/// Every cell of a sheet with its row and column (from 0), for tests.
#[cfg(test)]
pub(crate) fn cells(
    path: &Path,
    sheet: Option<&str>,
) -> Result<Vec<(u32, u32, Cell<'static>)>, Error> {
    cells_in_chunks(path, sheet, CHUNK)
}

/// `cells`, the parts inflated `chunk` bytes at a time (to put a chunk's
/// end anywhere in the XML).
#[cfg(test)]
pub(crate) fn cells_in_chunks(
    path: &Path,
    sheet: Option<&str>,
    chunk: usize,
) -> Result<Vec<(u32, u32, Cell<'static>)>, Error> {
    let (book, _, source) = open(path, sheet, chunk)?;
    let mut all = Vec::new();
    stream(path, &book, source, &mut |r, c, cell: Cell<'_>| {
        let owned = match cell {
            Cell::Text(t) => Cell::Text(Cow::Owned(t.into_owned())),
            Cell::Empty => Cell::Empty,
            Cell::Number(n) => Cell::Number(n),
            Cell::Date(d) => Cell::Date(d),
        };
        all.push((r, c, owned));
        Ok(())
    })?;
    Ok(all)
}

/// What the cells of any sheet need from the rest of the workbook.
struct Book {
    strings: Strings,
    /// By style (`s`): whether a number is a date or a duration.
    formats: Vec<Option<ExcelDateTimeType>>,
    date1904: bool,
    /// The days last converted to dates (a sheet's date columns repeat
    /// them): calamine's conversion per day, not per cell.
    days: [std::cell::Cell<(i64, NaiveDate)>; 8],
}

impl Book {
    /// The date of `day` if it is among the days last converted.
    fn converted(&self, day: i64) -> Option<NaiveDate> {
        match self.days[day.rem_euclid(8) as usize].get() {
            (d, date) if d == day => Some(date),
            _ => None,
        }
    }
}

/// `Book::days` before any: no serial's day is `i64::MIN`.
fn no_days() -> [std::cell::Cell<(i64, NaiveDate)>; 8] {
    std::array::from_fn(|_| std::cell::Cell::new((i64::MIN, NaiveDate::MIN)))
}

/// The workbook's parts read, the sheet picked, and its XML on its way.
fn open(path: &Path, wanted: Option<&str>, chunk: usize) -> Result<(Book, String, Tokens), Error> {
    let bad = |message: String| Error::Spreadsheet {
        path: path.to_path_buf(),
        message,
    };
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut file = BufReader::new(file);
    check_sizes(&mut file).map_err(bad)?;
    let mut zip = zip::ZipArchive::new(file).map_err(|_| bad(TRUNCATED.into()))?;
    let names = PartNames::of(&zip);
    let main = office_document(&mut zip, &names).map_err(bad)?;
    let rels = relationships(&mut zip, &names, &main).map_err(bad)?;
    let (sheets, date1904) = workbook(&mut zip, &names, &main, &rels).map_err(bad)?;
    let name = pick_sheet(
        path,
        sheets.iter().map(|(n, _)| n.clone()).collect(),
        wanted,
    )?;
    let part = sheets
        .iter()
        .find(|(n, _)| *n == name)
        .and_then(|(_, p)| names.find(p))
        .ok_or_else(|| {
            bad(format!(
                "không có phần chứa trang tính '{}' trong tệp: {}",
                crate::text::quote(&name),
                super::sheet::CORRUPT
            ))
        })?;
    // The sheet starts inflating while the strings are read.
    let cells = inflate(path, part, chunk);
    let styles = target(&rels, "/styles", &main, "styles.xml");
    let formats = match names.find(&styles) {
        Some(p) => number_formats(small_part(&mut zip, p).map_err(bad)?).map_err(bad)?,
        None => Vec::new(),
    };
    let shared = target(&rels, "/sharedStrings", &main, "sharedStrings.xml");
    let strings = match names.find(&shared) {
        Some(p) => shared_strings(inflate(path, p, chunk)).map_err(bad)?,
        None => Strings::default(),
    };
    let book = Book {
        strings,
        formats,
        date1904,
        days: no_days(),
    };
    Ok((book, name, cells))
}

/// Part names by their lowercase form, `\` made `/` (as Excel finds them).
struct PartNames(HashMap<String, String>);

impl PartNames {
    fn of<R: Read + std::io::Seek>(zip: &zip::ZipArchive<R>) -> PartNames {
        PartNames(
            zip.file_names()
                .filter_map(Result::ok)
                .map(|n| (n.replace('\\', "/").to_ascii_lowercase(), n.to_string()))
                .collect(),
        )
    }

    fn find(&self, part: &str) -> Option<&str> {
        self.0
            .get(&part.trim_start_matches('/').to_ascii_lowercase())
            .map(String::as_str)
    }
}

/// A small part, read whole.
fn small_part<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
) -> Result<Vec<u8>, String> {
    let entry = zip.by_name(name).map_err(|_| TRUNCATED.to_string())?;
    if entry.size() > SMALL_PART_MAX {
        return Err(format!(
            "phần '{name}' quá lớn: tệp hỏng hoặc không phải tệp xuất của phần mềm Một cửa"
        ));
    }
    let mut bytes = Vec::new();
    entry
        .take(SMALL_PART_MAX + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| TRUNCATED.to_string())?;
    if bytes.len() as u64 > SMALL_PART_MAX {
        return Err(format!(
            "phần '{name}' quá lớn: tệp hỏng hoặc không phải tệp xuất của phần mềm Một cửa"
        ));
    }
    Ok(bytes)
}

/// The workbook part's path (`xl/workbook.xml` unless `_rels/.rels` says).
fn office_document<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    names: &PartNames,
) -> Result<String, String> {
    let Some(rels) = names.find("_rels/.rels") else {
        return Ok("xl/workbook.xml".into());
    };
    let rels = read_relationships(small_part(zip, rels)?, "")?;
    Ok(rels
        .values()
        .find(|(_, kind)| kind.ends_with("/officeDocument"))
        .map_or_else(|| "xl/workbook.xml".into(), |(t, _)| t.clone()))
}

/// Id → (part path, type) of the workbook's relationships.
type Relationships = HashMap<String, (String, String)>;

fn relationships<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    names: &PartNames,
    main: &str,
) -> Result<Relationships, String> {
    let (dir, file) = main.rsplit_once('/').unwrap_or(("", main));
    let path = if dir.is_empty() {
        format!("_rels/{file}.rels")
    } else {
        format!("{dir}/_rels/{file}.rels")
    };
    match names.find(&path) {
        Some(p) => read_relationships(small_part(zip, p)?, dir),
        None => Ok(HashMap::new()),
    }
}

/// `<Relationship Id Target Type>`, targets made paths from the root.
fn read_relationships(xml: Vec<u8>, dir: &str) -> Result<Relationships, String> {
    let mut tokens = Tokens::whole(xml);
    let mut out = HashMap::new();
    loop {
        match tokens.next()? {
            Tok::Start {
                name: b"Relationship",
                attrs: a,
                ..
            } => {
                let (mut id, mut target, mut kind) = (String::new(), String::new(), String::new());
                for (k, v) in attrs(a) {
                    match k {
                        b"Id" => unescape_into(v, &mut id)?,
                        b"Target" => unescape_into(v, &mut target)?,
                        b"Type" => unescape_into(v, &mut kind)?,
                        _ => {}
                    }
                }
                out.insert(id, (resolve(dir, &target), kind));
            }
            Tok::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// A relationship's target from the root: absolute, or relative to `dir`
/// with `..` and `.` taken out.
fn resolve(dir: &str, target: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let joined;
    let full = match target.strip_prefix('/') {
        Some(abs) => abs,
        None => {
            joined = format!("{dir}/{target}");
            &joined
        }
    };
    for piece in full.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The part of the relationship whose type ends with `kind`, or the
/// usual name beside the workbook.
fn target(rels: &Relationships, kind: &str, main: &str, usual: &str) -> String {
    rels.values()
        .find(|(_, k)| k.ends_with(kind))
        .map(|(t, _)| t.clone())
        .unwrap_or_else(|| {
            let dir = main.rsplit_once('/').map_or("", |(d, _)| d);
            resolve(dir, usual)
        })
}

/// The sheets (name, part) in order, and whether dates count from 1904.
fn workbook<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    names: &PartNames,
    main: &str,
    rels: &Relationships,
) -> Result<(Vec<(String, String)>, bool), String> {
    let part = names
        .find(main)
        .ok_or_else(|| super::sheet::CORRUPT.to_string())?;
    let mut tokens = Tokens::whole(small_part(zip, part)?);
    let (mut sheets, mut date1904) = (Vec::new(), false);
    loop {
        match tokens.next()? {
            Tok::Start {
                name: b"sheet",
                attrs: a,
                ..
            } => {
                let (mut name, mut id) = (String::new(), String::new());
                for (k, v) in attrs(a) {
                    if k == b"name" {
                        unescape_into(v, &mut name)?;
                    } else if k == b"id" || k.ends_with(b":id") {
                        unescape_into(v, &mut id)?;
                    }
                }
                let part = rels.get(&id).map(|(t, _)| t.clone()).unwrap_or_default();
                sheets.push((name, part));
            }
            Tok::Start {
                name: b"workbookPr",
                attrs: a,
                ..
            } => {
                if let Some(v) = attr(a, b"date1904") {
                    date1904 = v == b"1" || v == b"true";
                }
            }
            Tok::Eof => return Ok((sheets, date1904)),
            _ => {}
        }
    }
}

/// Starts a thread inflating `part` into chunks, for the tokens it gives.
/// More bytes than the entry declares (which `check_sizes` bounded) stop it.
fn inflate(path: &Path, part: &str, chunk: usize) -> Tokens {
    let (tx, rx) = sync_channel(IN_FLIGHT);
    let (spent_tx, spent) = channel();
    let (path, part) = (path.to_path_buf(), part.to_string());
    // If the thread cannot start, the sender is dropped with the closure and
    // the reader sees a cut stream: an error, not a hang.
    let _ = std::thread::Builder::new()
        .name("xlsx-inflate".into())
        .spawn(move || {
            if let Err(why) = pump(&path, &part, chunk.max(1), &tx, &spent) {
                let _ = tx.send(Chunk::Failed(why));
            }
        });
    Tokens::recycling(rx, spent_tx)
}

fn pump(
    path: &PathBuf,
    part: &str,
    size: usize,
    tx: &SyncSender<Chunk>,
    spent: &Receiver<Vec<u8>>,
) -> Result<(), String> {
    let broken = |_| TRUNCATED.to_string();
    let file = File::open(path).map_err(|e| format!("lỗi đọc tệp: {e}"))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(broken)?;
    let mut entry = zip.by_name(part).map_err(broken)?;
    let declared = entry.size();
    let mut total = 0u64;
    // Room before each chunk's bytes for the tail of the one before.
    let room = (size / 16).clamp(1, ROOM);
    loop {
        // A buffer the reader is done with, or (the first few) a new one;
        // at most IN_FLIGHT + 2 are ever in use.
        let mut chunk = match spent.try_recv() {
            Ok(b) if b.len() == room + size => b,
            _ => vec![0u8; room + size],
        };
        let mut n = 0;
        while n < size {
            match entry.read(&mut chunk[room + n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return Err(TRUNCATED.into()),
            }
        }
        total += n as u64;
        if total > declared {
            return Err(format!(
                "phần '{part}' giải nén ra nhiều hơn {} byte đã khai: từ chối đọc (tệp hỏng hoặc zip bomb?)",
                crate::vn::int(i64::try_from(declared).unwrap_or(i64::MAX))
            ));
        }
        let last = n < size;
        if n > 0 && tx.send(Chunk::Room(chunk, room, room + n)).is_err() {
            // The reader stopped (an error, or the end of the sheet data).
            return Ok(());
        }
        if last {
            let _ = tx.send(Chunk::End);
            return Ok(());
        }
    }
}

/// The shared strings, one arena of NFC text; an overlong one is kept
/// aside, refused when a cell names it.
#[derive(Default)]
struct Strings {
    text: String,
    ends: Vec<usize>,
    long: HashMap<usize, Overlong>,
}

impl Strings {
    fn get(&self, i: usize) -> Option<Result<&str, &Overlong>> {
        if let Some(long) = self.long.get(&i) {
            return Some(Err(long));
        }
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(Ok(&self.text[start..end]))
    }

    fn push(&mut self, s: &str) {
        if s.len() > EXCEL_CELL_MAX && s.encode_utf16().nth(EXCEL_CELL_MAX).is_some() {
            self.long.insert(
                self.ends.len(),
                Overlong {
                    chars: s.chars().count(),
                    start: crate::text::quote(s).into_owned(),
                },
            );
        } else {
            self.text.push_str(&nfc(s));
        }
        self.ends.push(self.text.len());
    }
}

fn shared_strings(mut tokens: Tokens) -> Result<Strings, String> {
    let mut strings = Strings::default();
    let (mut s, mut piece) = (String::new(), String::new());
    loop {
        if let Some(len) = quick_si(tokens.window(), &mut strings) {
            tokens.advance(len);
            continue;
        }
        match tokens.next()? {
            Tok::Start {
                name: b"si",
                empty: false,
                ..
            } => {
                rich_text(&mut tokens, b"si", &mut s, &mut piece)?;
                strings.push(&s);
            }
            Tok::Start {
                name: b"si",
                empty: true,
                ..
            } => strings.push(""),
            Tok::End { name: b"sst" } | Tok::Eof => return Ok(strings),
            _ => {}
        }
    }
}

/// The usual string item, `<si><t>text</t></si>` (or `<t xml:space=
/// "preserve">`) with neither `&` nor `\r` in its text, whole at the start
/// of `rest`: pushed as `rich_text` makes it; its length, or `None`.
fn quick_si(rest: &[u8], strings: &mut Strings) -> Option<usize> {
    const PLAIN: &[u8] = b"<si><t>";
    const KEPT: &[u8] = b"<si><t xml:space=\"preserve\">";
    let (start, preserve) = if rest.starts_with(PLAIN) {
        (PLAIN.len(), false)
    } else if rest.starts_with(KEPT) {
        (KEPT.len(), true)
    } else {
        return None;
    };
    let len = memchr::memchr(b'<', &rest[start..])?;
    let raw = &rest[start..start + len];
    if !rest[start + len..].starts_with(b"</t></si>") || memchr::memchr2(b'&', b'\r', raw).is_some()
    {
        return None;
    }
    let text = std::str::from_utf8(raw).ok()?;
    let run = if preserve {
        text
    } else {
        text.trim_matches([' ', '\t', '\r', '\n'])
    };
    strings.push(&unescape_excel(run));
    Some(start + len + b"</t></si>".len())
}

/// The text of a string item (`<si>`, `<is>`) up to `</closing>`: its
/// `<t>` runs joined, phonetic runs (`<rPh>`) left out, as calamine does.
fn rich_text(
    tokens: &mut Tokens,
    closing: &[u8],
    out: &mut String,
    piece: &mut String,
) -> Result<(), String> {
    out.clear();
    let mut phonetic = false;
    loop {
        match tokens.next()? {
            Tok::Start {
                name: b"rPh",
                empty: false,
                ..
            } => phonetic = true,
            Tok::End { name: b"rPh" } => phonetic = false,
            Tok::Start {
                name: b"t",
                attrs: a,
                empty: false,
            } if !phonetic => {
                let preserve = attr(a, b"xml:space") == Some(b"preserve");
                piece.clear();
                element_text(tokens, b"t", piece)?;
                let run = if preserve {
                    piece.as_str()
                } else {
                    piece.trim_matches([' ', '\t', '\r', '\n'])
                };
                out.push_str(&unescape_excel(run));
            }
            Tok::End { name } if name == closing => return Ok(()),
            Tok::Eof => return Err(TRUNCATED.into()),
            _ => {}
        }
    }
}

/// The character data up to `</closing>`, entities resolved.
fn element_text(tokens: &mut Tokens, closing: &[u8], out: &mut String) -> Result<(), String> {
    loop {
        match tokens.next()? {
            Tok::Text(raw) => unescape_into(raw, out)?,
            Tok::CData(raw) => {
                let s = std::str::from_utf8(raw).map_err(|_| TRUNCATED.to_string())?;
                out.push_str(&s.replace("\r\n", "\n").replace('\r', "\n"));
            }
            Tok::End { name } if name == closing => return Ok(()),
            Tok::Eof => return Err(TRUNCATED.into()),
            _ => {}
        }
    }
}

/// Skips what is left of an element whose start was just read.
fn skip_element(tokens: &mut Tokens) -> Result<(), String> {
    let mut depth = 1usize;
    while depth > 0 {
        match tokens.next()? {
            Tok::Start { empty: false, .. } => depth += 1,
            Tok::End { .. } => depth -= 1,
            Tok::Eof => return Err(TRUNCATED.into()),
            _ => {}
        }
    }
    Ok(())
}

/// Excel's `_xHHHH_` escapes (a UTF-16 unit each; `_x005F_` is `_`).
fn unescape_excel(s: &str) -> Cow<'_, str> {
    let unit_at = |i: usize| -> Option<u16> {
        let b = s.as_bytes().get(i..i + 7)?;
        if b[0] != b'_'
            || b[1] != b'x'
            || b[6] != b'_'
            || !b[2..6].iter().all(u8::is_ascii_hexdigit)
        {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&b[2..6]).ok()?, 16).ok()
    };
    let Some(first) = (0..s.len()).find(|&i| s.as_bytes()[i] == b'_' && unit_at(i).is_some())
    else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len());
    out.push_str(&s[..first]);
    let mut i = first;
    while i < s.len() {
        match unit_at(i) {
            Some(unit) => {
                i += 7;
                let c = match unit {
                    0xD800..=0xDBFF => match unit_at(i) {
                        Some(low @ 0xDC00..=0xDFFF) => {
                            i += 7;
                            char::from_u32(
                                0x10000
                                    + ((u32::from(unit) - 0xD800) << 10)
                                    + (u32::from(low) - 0xDC00),
                            )
                        }
                        _ => None,
                    },
                    u => char::from_u32(u32::from(u)),
                };
                out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            None => {
                // `i` is at a char boundary: escapes are ASCII.
                let c = s[i..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
                out.push(c);
                i += c.len_utf8().max(1);
            }
        }
    }
    Cow::Owned(out)
}

/// A cell's `t`.
#[derive(Clone, Copy, PartialEq)]
enum Type {
    Number,
    Shared,
    Inline,
    Str,
    Bool,
    Error,
    Date,
}

impl Type {
    // Called for every cell; left out of line, it was 1 % of a sheet's
    // reading in calls alone.
    #[inline(always)]
    fn of(t: Option<&[u8]>) -> Type {
        match t {
            Some(b"s") => Type::Shared,
            Some(b"inlineStr" | b"is") => Type::Inline,
            Some(b"str") => Type::Str,
            Some(b"b") => Type::Bool,
            Some(b"e") => Type::Error,
            Some(b"d") => Type::Date,
            _ => Type::Number,
        }
    }
}

/// Where a cell is and how to read it, from its `<c>` tag.
struct CellTag {
    row: u32,
    col: u32,
    style: Option<usize>,
    kind: Type,
}

/// The cells of the sheet's `<sheetData>`, in order, to `sink`.
fn stream<'s>(
    path: &Path,
    book: &'s Book,
    mut tokens: Tokens,
    sink: &mut dyn FnMut(u32, u32, Cell<'s>) -> Result<(), Error>,
) -> Result<(), Error> {
    let bad = |message: String| Error::Spreadsheet {
        path: path.to_path_buf(),
        message,
    };
    loop {
        match tokens.next().map_err(bad)? {
            Tok::Start {
                name: b"sheetData",
                empty,
                ..
            } => {
                if empty {
                    return Ok(());
                }
                break;
            }
            Tok::Eof => {
                return Err(bad(format!(
                    "trang tính không có bảng ô nào (trang biểu đồ?): {}",
                    super::sheet::CORRUPT
                )));
            }
            _ => {}
        }
    }
    let (mut row, mut col) = (0u32, 0u32);
    let (mut value, mut piece) = (String::new(), String::new());
    let mut last_row = RowDigits::default();
    loop {
        // Most of a sheet is `<c r=".." s=".." t=".."><v>..</v></c>` and
        // `</row>`, read straight from the window; anything else (or a cell
        // cut by the window's end) goes the general way below, which reads
        // the same tag the same way.
        match quick(tokens.window(), book, row, col, &mut last_row) {
            Quick::Cell {
                row: r,
                col: c,
                cell,
                len,
            } => {
                tokens.advance(len);
                col = c.saturating_add(1);
                sink(r, c, cell)?;
                continue;
            }
            Quick::Open { tag, empty, len } => {
                tokens.advance(len);
                let cell = if empty {
                    Cell::Empty
                } else {
                    cell(path, book, &mut tokens, &tag, &mut value, &mut piece)?
                };
                col = tag.col.saturating_add(1);
                sink(tag.row, tag.col, cell)?;
                continue;
            }
            Quick::Row(r, len) => {
                tokens.advance(len);
                if let Some(r) = r {
                    row = r;
                }
                continue;
            }
            Quick::RowEnd(len) => {
                tokens.advance(len);
                row = row.saturating_add(1);
                col = 0;
                continue;
            }
            Quick::No => {}
        }
        match tokens.next().map_err(bad)? {
            Tok::Start {
                name: b"row",
                attrs: a,
                empty: false,
            } => {
                if let Some(r) = attr(a, b"r").and_then(|r| position(r).map(|(r, _)| r)) {
                    row = r;
                }
            }
            Tok::End { name: b"row" } => {
                row = row.saturating_add(1);
                col = 0;
            }
            Tok::Start {
                name: b"c",
                attrs: a,
                empty,
            } => {
                let (mut r, mut s, mut t) = (None, None, None);
                for (k, v) in attrs(a) {
                    match k {
                        b"r" => r = position(v),
                        b"s" => s = Some(style(v)),
                        b"t" => t = Some(v),
                        _ => {}
                    }
                }
                let (cr, cc) = match r {
                    Some((r, Some(c))) => (r, c),
                    _ => (row, col),
                };
                let tag = CellTag {
                    row: cr,
                    col: cc,
                    style: s,
                    kind: Type::of(t),
                };
                let cell = if empty {
                    Cell::Empty
                } else {
                    cell(path, book, &mut tokens, &tag, &mut value, &mut piece)?
                };
                col = cc.saturating_add(1);
                sink(cr, cc, cell)?;
            }
            Tok::End { name: b"sheetData" } => return Ok(()),
            Tok::Eof => return Err(bad(TRUNCATED.into())),
            _ => {}
        }
    }
}

/// A cell's `s`: its style's index (an unreadable one is the first).
fn style(v: &[u8]) -> usize {
    // The usual few digits without the general parse.
    if !v.is_empty() && v.len() <= 9 && v.iter().all(u8::is_ascii_digit) {
        return v.iter().fold(0, |n, b| n * 10 + usize::from(b - b'0'));
    }
    std::str::from_utf8(v)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// What `quick` made of the bytes ahead.
enum Quick<'s> {
    /// A whole plain cell, `len` bytes up to its `</c>`.
    Cell {
        row: u32,
        col: u32,
        cell: Cell<'s>,
        len: usize,
    },
    /// A cell's start tag (`len` bytes), its value left to `cell`.
    Open {
        tag: CellTag,
        empty: bool,
        len: usize,
    },
    /// `<row …>` (not empty), and the row its `r` names.
    Row(Option<u32>, usize),
    /// `</row>`.
    RowEnd(usize),
    /// Anything else: the general tokenizer's turn.
    No,
}

/// The digits of the row in the last cell's `r` and the row they name:
/// the cells of a row repeat them, so they are compared, not parsed again.
#[derive(Default)]
struct RowDigits {
    digits: [u8; 10],
    len: usize,
    row: u32,
}

/// The plain forms at the start of `rest`, read as `stream`'s general
/// path reads them (`Quick::No` whenever they differ in the least: another
/// prefix, spacing or quoting, an entity, a child other than `<v>`).
fn quick<'s>(rest: &[u8], book: &'s Book, row: u32, col: u32, last: &mut RowDigits) -> Quick<'s> {
    match (rest.first(), rest.get(1), rest.get(2)) {
        (Some(b'<'), Some(b'c'), _) => quick_cell(rest, book, row, col, last),
        (Some(b'<'), Some(b'/'), _) if rest.starts_with(b"</row>") => Quick::RowEnd(6),
        (Some(b'<'), Some(b'r'), Some(b'o')) => {
            // The general path takes the first `r` (`attr`).
            let mut r = None;
            match plain_tag(rest, b"row", |k, v| {
                if k == b"r" && r.is_none() {
                    r = Some(v);
                }
            }) {
                Some((false, len)) => Quick::Row(r.and_then(|r| position(r).map(|(r, _)| r)), len),
                _ => Quick::No,
            }
        }
        _ => Quick::No,
    }
}

fn quick_cell<'s>(
    rest: &[u8],
    book: &'s Book,
    row: u32,
    col: u32,
    last: &mut RowDigits,
) -> Quick<'s> {
    let (mut r, mut s, mut t) = (None, None, None);
    let Some((empty, open)) = plain_tag(rest, b"c", |k, v| match k {
        b"r" => r = Some(v),
        b"s" => s = Some(v),
        b"t" => t = Some(v),
        _ => {}
    }) else {
        return Quick::No;
    };
    let (row, col) = match r.and_then(|r| quick_position(r, last)) {
        Some((r, Some(c))) => (r, c),
        _ => (row, col),
    };
    let tag = CellTag {
        row,
        col,
        style: s.map(style),
        kind: Type::of(t),
    };
    if !empty && let Some((cell, len)) = plain_value(&rest[open..], book, &tag) {
        return Quick::Cell {
            row,
            col,
            cell,
            len: open + len,
        };
    }
    Quick::Open {
        tag,
        empty,
        len: open,
    }
}

/// `<name k="v" k="v">` (or `/>`) at the start of `rest`, written plainly:
/// one space before each attribute, double quotes. Gives whether it is
/// empty and its length, each attribute to `each`; `None` for any other
/// shape, or if `rest` ends inside it.
fn plain_tag<'a>(
    rest: &'a [u8],
    name: &[u8],
    mut each: impl FnMut(&'a [u8], &'a [u8]),
) -> Option<(bool, usize)> {
    let mut i = 1 + name.len();
    if rest.first() != Some(&b'<') || rest.get(1..i)? != name {
        return None;
    }
    let special = |b: u8| {
        matches!(
            b,
            b'=' | b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/' | b'"' | b'\'' | b'<'
        )
    };
    loop {
        match *rest.get(i)? {
            b'>' => return Some((false, i + 1)),
            b'/' => return (*rest.get(i + 1)? == b'>').then_some((true, i + 2)),
            b' ' => {
                let key = i + 1;
                // One letter (`r`, `s`, `t`) is the usual key.
                let mut eq = key + 1;
                if special(*rest.get(key)?) {
                    return None;
                }
                while !special(*rest.get(eq)?) {
                    eq += 1;
                }
                if rest[eq] != b'=' || *rest.get(eq + 1)? != b'"' {
                    return None;
                }
                let value = eq + 2;
                let mut close = value;
                while *rest.get(close)? != b'"' {
                    close += 1;
                }
                each(&rest[key..eq], &rest[value..close]);
                i = close + 1;
            }
            _ => return None,
        }
    }
}

/// `<v>text</v></c>` after a number's or shared string's start tag, read
/// as `plain` reads it: the cell and the length to the end of `</c>`.
fn plain_value<'s>(rest: &[u8], book: &'s Book, tag: &CellTag) -> Option<(Cell<'s>, usize)> {
    if rest.get(..3)? != b"<v>" {
        return None;
    }
    let shared = match tag.kind {
        Type::Shared => true,
        Type::Number => false,
        _ => return None,
    };
    // One pass to the `<`: whether all are digits and their value (up to
    // 18 digits, no overflow), or any byte the general path treats apart;
    // else where the one dot among digits is, with the value before it
    // (a date-time serial's day).
    let (mut end, mut whole) = (3, 0u64);
    let (mut digits, mut dot, mut odd) = (true, None, false);
    loop {
        let b = *rest.get(end)?;
        match b {
            b'0'..=b'9' => whole = whole.wrapping_mul(10).wrapping_add(u64::from(b - b'0')),
            b'<' => break,
            b'&' | b'\r' => return None,
            b'.' if digits => (digits, dot) = (false, Some((end, whole))),
            _ => (digits, odd) = (false, true),
        }
        end += 1;
    }
    let raw = &rest[3..end];
    if raw.is_empty() || raw.len() > 18 || rest.get(end..end + 8)? != b"</v></c>" {
        return None;
    }
    let cell = if shared {
        if !digits {
            return None;
        }
        match book.strings.get(usize::try_from(whole).ok()?)? {
            Ok(s) => Cell::Text(Cow::Borrowed(s)),
            Err(_) => return None,
        }
    } else if digits && raw.len() <= 15 {
        // Below 10^15 < 2^53: exact, as the parse gives it.
        number(book, tag.style, whole as f64)
    } else if let Some((at, day)) = dot.filter(|_| !odd)
        && let Some(date) = known_day(book, tag.style, at - 3, day, &rest[at + 1..end])
    {
        // A date-time serial of a day already converted: no float parse.
        Cell::Date(date)
    } else {
        number(
            book,
            tag.style,
            std::str::from_utf8(raw).ok()?.parse().ok()?,
        )
    };
    Some((cell, end + 8))
}

/// `position`, with the row's digits compared against the last cell's.
fn quick_position(r: &[u8], last: &mut RowDigits) -> Option<(u32, Option<u32>)> {
    let letters = r.iter().take_while(|b| b.is_ascii_uppercase()).count();
    let digits = &r[letters..];
    if letters == 0 || letters > 3 || digits.is_empty() || digits.len() > last.digits.len() {
        return position(r);
    }
    // Byte by byte: the few digits compared as slices called memcmp for
    // every cell.
    let same = digits.len() == last.len && digits.iter().zip(&last.digits).all(|(a, b)| a == b);
    let row = if same {
        last.row
    } else {
        let found = position(r)?;
        // Only digits are kept, so a match above is a valid row.
        if digits.iter().all(u8::is_ascii_digit) {
            last.digits[..digits.len()].copy_from_slice(digits);
            last.len = digits.len();
            last.row = found.0;
        }
        return Some(found);
    };
    // Up to three capitals: no overflow.
    let col = r[..letters]
        .iter()
        .fold(0u32, |c, b| c * 26 + u32::from(b - b'A') + 1);
    Some((row, Some(col - 1)))
}

/// `A1` → (row, column) from 0; the column is absent in a row's `r`.
fn position(r: &[u8]) -> Option<(u32, Option<u32>)> {
    let (mut col, mut row, mut i) = (0u32, 0u32, 0);
    while let Some(b) = r.get(i).filter(|b| b.is_ascii_alphabetic()) {
        col = col
            .checked_mul(26)?
            .checked_add(u32::from(b.to_ascii_uppercase() - b'A') + 1)?;
        i += 1;
    }
    if i == r.len() {
        return None;
    }
    for b in &r[i..] {
        if !b.is_ascii_digit() {
            return None;
        }
        row = row.checked_mul(10)?.checked_add(u32::from(b - b'0'))?;
    }
    Some((row.checked_sub(1)?, col.checked_sub(1)))
}

/// The value of one `<c>` whose start was just read, up to its `</c>`.
fn cell<'s>(
    path: &Path,
    book: &'s Book,
    tokens: &mut Tokens,
    tag: &CellTag,
    value: &mut String,
    piece: &mut String,
) -> Result<Cell<'s>, Error> {
    let bad = |message: String| Error::Spreadsheet {
        path: path.to_path_buf(),
        message,
    };
    let long = |l: Overlong| overlong(path, tag.row, tag.col, l);
    let mut out = Cell::Empty;
    loop {
        match tokens.next().map_err(bad)? {
            Tok::Start {
                name: b"v",
                empty: false,
                ..
            } if tag.kind != Type::Inline => {
                if let Some(cell) = plain(book, tag, tokens).map_err(bad)? {
                    out = cell;
                    continue;
                }
                value.clear();
                element_text(tokens, b"v", value).map_err(bad)?;
                out = typed(book, tag, value).map_err(long)?;
            }
            Tok::Start {
                name: b"is",
                empty: false,
                ..
            } => {
                rich_text(tokens, b"is", value, piece).map_err(bad)?;
                out = text(value, Some(EXCEL_CELL_MAX)).map_err(long)?;
            }
            Tok::Start { empty: false, .. } => skip_element(tokens).map_err(bad)?,
            Tok::End { name: b"c" } => return Ok(out),
            Tok::Eof => return Err(bad(TRUNCATED.into())),
            _ => {}
        }
    }
}

/// The common `<v>`: a number or a shared string's index, one text run
/// without entities, read from the bytes as they are; `None` (nothing
/// consumed) for anything else.
fn plain<'s>(
    book: &'s Book,
    tag: &CellTag,
    tokens: &mut Tokens,
) -> Result<Option<Cell<'s>>, String> {
    if !matches!(tag.kind, Type::Number | Type::Shared) {
        return Ok(None);
    }
    let Some(raw) = tokens.peek_text() else {
        return Ok(None);
    };
    let cell = if tag.kind == Type::Shared {
        let mut i = 0usize;
        for b in raw {
            if !b.is_ascii_digit() {
                return Ok(None);
            }
            match i
                .checked_mul(10)
                .and_then(|i| i.checked_add(usize::from(b - b'0')))
            {
                Some(next) => i = next,
                None => return Ok(None),
            }
        }
        match book.strings.get(i) {
            Some(Ok(s)) => Cell::Text(Cow::Borrowed(s)),
            _ => return Ok(None),
        }
    } else {
        match std::str::from_utf8(raw)
            .ok()
            .and_then(|v| v.parse::<f64>().ok())
        {
            Some(n) => number(book, tag.style, n),
            None => return Ok(None),
        }
    };
    tokens.take_text();
    Ok(Some(cell))
}

/// A `<v>` value by the cell's type and style.
fn typed<'s>(book: &'s Book, tag: &CellTag, v: &str) -> Result<Cell<'s>, Overlong> {
    let limit = Some(EXCEL_CELL_MAX);
    Ok(match tag.kind {
        Type::Shared => {
            if v.is_empty() {
                return Ok(Cell::Empty);
            }
            // As calamine: an unreadable index is the first string.
            let i = v.parse().unwrap_or(0);
            match book.strings.get(i) {
                Some(Ok(s)) => Cell::Text(Cow::Borrowed(s)),
                Some(Err(long)) => return Err(long.clone()),
                None => Cell::Empty,
            }
        }
        Type::Bool => match v.trim() {
            "" => Cell::Empty,
            "0" => Cell::Text(Cow::Borrowed("false")),
            "1" => Cell::Text(Cow::Borrowed("true")),
            t if t.eq_ignore_ascii_case("false") => Cell::Text(Cow::Borrowed("false")),
            t if t.eq_ignore_ascii_case("true") => Cell::Text(Cow::Borrowed("true")),
            _ => text(v, limit)?,
        },
        Type::Error => match error_code(v) {
            Some(e) => Cell::Text(Cow::Owned(format!("#{e:?}"))),
            None => text(v, limit)?,
        },
        Type::Date => text(v, limit)?,
        Type::Str => text(&unescape_excel(v), limit)?,
        Type::Inline => Cell::Empty,
        Type::Number => {
            if v.is_empty() {
                return Ok(Cell::Empty);
            }
            match v.parse::<f64>() {
                Ok(n) => number(book, tag.style, n),
                Err(_) => text(v, limit)?,
            }
        }
    })
}

fn error_code(v: &str) -> Option<CellErrorType> {
    Some(match v {
        "#DIV/0!" => CellErrorType::Div0,
        "#N/A" => CellErrorType::NA,
        "#NAME?" => CellErrorType::Name,
        "#NULL!" => CellErrorType::Null,
        "#NUM!" => CellErrorType::Num,
        "#REF!" => CellErrorType::Ref,
        "#VALUE!" => CellErrorType::Value,
        _ => return None,
    })
}

/// A number, or the date its style makes it (calamine's conversion).
fn number(book: &Book, style: Option<usize>, n: f64) -> Cell<'static> {
    let format = match style {
        Some(s) => book.formats.get(s).copied().flatten(),
        None => None,
    };
    let Some(kind) = format else {
        return Cell::Number(n);
    };
    let day = day_of(book.date1904, n);
    // Past chrono's years (±262 143, some 95 million days) there is no
    // date; and calamine would panic on the milliseconds of ±1e300.
    if day.unsigned_abs() > 100_000_000 {
        return Cell::Number(n);
    }
    if let Some(date) = book.converted(day) {
        return Cell::Date(date);
    }
    match ExcelDateTime::new(n, kind, book.date1904).as_datetime() {
        Some(d) => {
            book.days[day.rem_euclid(8) as usize].set((day, d.date()));
            Cell::Date(d.date())
        }
        None => Cell::Number(n),
    }
}

/// The day of a serial: the milliseconds from 1899-12-30 as calamine's
/// `as_datetime` counts them (it adds them to that midnight), floored.
fn day_of(date1904: bool, n: f64) -> i64 {
    let f = if date1904 { n + 1462.0 } else { n };
    let f = if f >= 60.0 { f } else { f + 1.0 };
    ((f * 86_400_000.0).round() as i64).div_euclid(86_400_000)
}

/// The day of a date-styled serial written `45177.6599537037` (`digits`
/// digits of value `whole`, a dot, the digits `fraction`), when `day_of`
/// would give the same: at most nine digits before the dot and a fraction
/// under 0.9999999, so that no rounding to the millisecond reaches
/// midnight. `None` for anything else.
fn serial_day(date1904: bool, digits: usize, whole: u64, fraction: &[u8]) -> Option<i64> {
    if !(1..=9).contains(&digits) || fraction.len() >= 7 && fraction[..7] == *b"9999999" {
        return None;
    }
    // Nine digits at most: no overflow.
    let day = whole as i64 + if date1904 { 1462 } else { 0 };
    Some(if day >= 60 { day } else { day + 1 })
}

/// The date of a date-styled serial whose day was converted before
/// (`serial_day`'s arguments).
fn known_day(
    book: &Book,
    style: Option<usize>,
    digits: usize,
    whole: u64,
    fraction: &[u8],
) -> Option<NaiveDate> {
    book.formats.get(style?).copied().flatten()?;
    book.converted(serial_day(book.date1904, digits, whole, fraction)?)
}

/// `styles.xml`: for each cell format (`cellXfs`), whether its number
/// format shows a date or a duration.
fn number_formats(xml: Vec<u8>) -> Result<Vec<Option<ExcelDateTimeType>>, String> {
    let mut tokens = Tokens::whole(xml);
    let mut custom: HashMap<Vec<u8>, Option<ExcelDateTimeType>> = HashMap::new();
    let mut formats = Vec::new();
    let mut in_xfs = false;
    loop {
        match tokens.next()? {
            Tok::Start {
                name: b"numFmt",
                attrs: a,
                ..
            } => {
                if let (Some(id), Some(code)) = (attr(a, b"numFmtId"), attr(a, b"formatCode")) {
                    let mut c = String::new();
                    unescape_into(code, &mut c)?;
                    custom.insert(id.to_vec(), custom_format(&c));
                }
            }
            Tok::Start {
                name: b"cellXfs",
                empty: false,
                ..
            } => in_xfs = true,
            Tok::End { name: b"cellXfs" } => in_xfs = false,
            Tok::Start {
                name: b"xf",
                attrs: a,
                ..
            } if in_xfs => {
                formats.push(attr(a, b"numFmtId").and_then(|id| match custom.get(id) {
                    Some(f) => *f,
                    None => builtin_format(id),
                }));
            }
            Tok::Eof => return Ok(formats),
            _ => {}
        }
    }
}

/// calamine's `builtin_format_by_id` (its `formats` module is private).
fn builtin_format(id: &[u8]) -> Option<ExcelDateTimeType> {
    let id: u32 = std::str::from_utf8(id).ok()?.parse().ok()?;
    match id {
        14..=22 | 27..=36 | 45 | 47 | 50..=58 => Some(ExcelDateTimeType::DateTime),
        46 => Some(ExcelDateTimeType::TimeDelta),
        _ => None,
    }
}

/// calamine's `detect_custom_number_format`: a date if the first section
/// has d, m, y, h or s outside quotes, brackets and escapes; a duration
/// for `[h]`, `[mm]`, `[s]`.
fn custom_format(format: &str) -> Option<ExcelDateTimeType> {
    let (mut escaped, mut quoted, mut brackets) = (false, false, 0u8);
    let (mut prev, mut hms, mut ap) = (' ', false, false);
    for s in format.chars() {
        match (s, escaped, quoted, ap, brackets) {
            (_, true, ..) => escaped = false,
            ('_' | '\\' | '*', ..) => escaped = true,
            ('"', _, true, _, _) => quoted = false,
            (_, _, true, _, _) => (),
            ('"', _, _, _, _) => quoted = true,
            (';', ..) => return None,
            ('[', ..) => brackets = brackets.saturating_add(1),
            (']', .., 1) if hms => return Some(ExcelDateTimeType::TimeDelta),
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => ap = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0) => {
                return Some(ExcelDateTimeType::DateTime);
            }
            ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => {
                return Some(ExcelDateTimeType::DateTime);
            }
            _ => {
                if !(hms && s.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(s, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = s;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::sheet::xlsx_cells_by_calamine;
    use super::*;
    use proptest::prelude::*;
    use rust_xlsxwriter::{Format, Formula, Workbook};

    /// What a random cell holds.
    #[derive(Clone, Debug)]
    enum Value {
        Text(String),
        Rich(String, String),
        Number(f64),
        Bool(bool),
        /// A serial number under one of the formats.
        Dated(f64, usize),
        Formula(String),
        Blank,
    }

    const FORMATS: [&str; 9] = [
        "dd/mm/yyyy",
        "dd/mm/yyyy hh:mm:ss",
        "yyyy-mm-dd",
        "[h]:mm:ss",
        "hh:mm",
        "0.00",
        "\"Y\"0",
        "mmm-yy",
        "#,##0",
    ];

    fn text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "Hà Nội",
            "Ủy ban",
            "Đã trả",
            "Nghệ An",
            "a&b",
            "<x>",
            "\"q\"",
            "'",
            " lead",
            "trail ",
            "_x0041_",
            "_x005F_x0041_",
            "tab\t",
            "line\nbreak",
            "Ho\u{0300}a",
            "x",
            "123",
            "",
        ]);
        prop::collection::vec(pieces, 0..4).prop_map(|p| p.concat())
    }

    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            text().prop_map(Value::Text),
            (text(), text()).prop_map(|(a, b)| Value::Rich(a, b)),
            prop_oneof![
                any::<i32>().prop_map(f64::from),
                -1e12f64..1e12,
                Just(0.1 + 0.2)
            ]
            .prop_map(Value::Number),
            any::<bool>().prop_map(Value::Bool),
            (
                prop_oneof![
                    0.0f64..80_000.0,
                    Just(59.0),
                    Just(60.0),
                    Just(61.0),
                    Just(0.5),
                    Just(45_197.317_118_055_56)
                ],
                0..FORMATS.len()
            )
                .prop_map(|(n, f)| Value::Dated(n, f)),
            text().prop_map(Value::Formula),
            Just(Value::Blank),
        ]
    }

    type Sheet = Vec<((u32, u16), Value)>;

    fn write(path: &Path, sheets: &[Sheet]) {
        let mut book = Workbook::new();
        let formats: Vec<Format> = FORMATS
            .iter()
            .map(|f| Format::new().set_num_format(*f))
            .collect();
        let bold = Format::new().set_bold();
        let names = ["Trang 1", "Hồ sơ & mẫu", "Sheet3"];
        for (i, cells) in sheets.iter().enumerate() {
            let ws = book.add_worksheet();
            ws.set_name(names[i]).unwrap();
            for ((r, c), v) in cells {
                let (r, c) = (*r, *c);
                match v {
                    Value::Text(s) => ws.write_string(r, c, s).map(|_| ()),
                    Value::Rich(a, b) if !a.is_empty() && !b.is_empty() => ws
                        .write_rich_string(
                            r,
                            c,
                            &[(&bold, a.as_str()), (&Format::new(), b.as_str())],
                        )
                        .map(|_| ()),
                    Value::Rich(a, b) => ws.write_string(r, c, format!("{a}{b}")).map(|_| ()),
                    Value::Number(n) => ws.write_number(r, c, *n).map(|_| ()),
                    Value::Bool(b) => ws.write_boolean(r, c, *b).map(|_| ()),
                    Value::Dated(n, f) => ws
                        .write_number_with_format(r, c, *n, &formats[*f])
                        .map(|_| ()),
                    Value::Formula(s) => ws
                        .write_formula(r, c, Formula::new("=\"x\"").set_result(s))
                        .map(|_| ()),
                    Value::Blank => ws.write_blank(r, c, &bold).map(|_| ()),
                }
                .unwrap();
            }
        }
        book.save(path).unwrap();
    }

    /// The cells a reader gives, empty ones left out (calamine passes
    /// over `<c/>`; rows take no empty cell either way).
    fn filled(cells: Vec<(u32, u32, Cell<'static>)>) -> Vec<(u32, u32, Cell<'static>)> {
        cells
            .into_iter()
            .filter(|(_, _, c)| *c != Cell::Empty)
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn cells_are_calamines(sheets in prop::collection::vec(
            prop::collection::vec(((0u32..40, 0u16..12), value()), 0..60), 1..4),
            chunk in 1usize..300,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("b.xlsx");
            write(&path, &sheets);
            let names = ["Trang 1", "Hồ sơ & mẫu", "Sheet3"];
            for (i, name) in names.iter().take(sheets.len()).enumerate() {
                let wanted = if i == 0 { None } else { Some(*name) };
                let ours = filled(cells(&path, wanted).map_err(|e| e.to_string()).unwrap());
                let theirs = filled(xlsx_cells_by_calamine(&path, Some(name)).unwrap());
                let cut = filled(cells_in_chunks(&path, wanted, chunk).map_err(|e| e.to_string()).unwrap());
                prop_assert_eq!(&ours, &theirs);
                prop_assert_eq!(cut, theirs, "chunks of {} bytes", chunk);
            }
        }
    }

    /// A workbook written by hand around the `<sheetData>` of its one sheet
    /// (dates from 1904; styles 1 and 2 are dates; seven shared strings).
    fn hand_written(dir: &Path, name: &str, sheet: &str) -> PathBuf {
        let ns = "http://schemas.openxmlformats.org";
        let files: [(&str, String); 6] = [
            (
                "[Content_Types].xml",
                format!(
                    r#"<?xml version="1.0"?><Types xmlns="{ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#
                ),
            ),
            (
                "_rels/.rels",
                format!(
                    r#"<?xml version="1.0"?><Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
                ),
            ),
            (
                "xl/workbook.xml",
                format!(
                    r#"<?xml version="1.0"?><workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/relationships"><workbookPr date1904="1"/><sheets><sheet name="A &amp; B" sheetId="1" r:id="rId1"/></sheets></workbook>"#
                ),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                format!(
                    r#"<?xml version="1.0"?><Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/><Relationship Id="rId3" Type="{ns}/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#
                ),
            ),
            (
                "xl/styles.xml",
                format!(
                    r#"<?xml version="1.0"?><styleSheet xmlns="{ns}/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="&quot;Ngày&quot; dd/mm/yyyy"/></numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/></cellXfs></styleSheet>"#
                ),
            ),
            (
                "xl/worksheets/sheet1.xml",
                format!(
                    r#"<?xml version="1.0"?><worksheet xmlns="{ns}/spreadsheetml/2006/main">{sheet}</worksheet>"#
                ),
            ),
        ];
        let mut files = files.to_vec();
        files.push(("xl/sharedStrings.xml", format!(r#"<?xml version="1.0"?><sst xmlns="{ns}/spreadsheetml/2006/main" uniqueCount="7"><si><t>Ho&#x300;a</t></si><si><r><t>a</t></r><r><t>b</t></r></si><si><t>c</t></si><si><t xml:space="preserve"> d </t></si><si><t></t></si><si/><si><t>  e\tf </t></si></sst>"#)));
        let path = dir.join(name);
        let mut w = zip::ZipWriter::new(File::create(&path).unwrap());
        for (name, body) in &files {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut w, body.as_bytes()).unwrap();
        }
        w.finish().unwrap();
        path
    }

    /// Our cells against calamine's, the XML cut into chunks of every
    /// size up to `max` and the usual one.
    fn same_in_any_chunks(path: &Path, max: usize) -> Vec<(u32, u32, Cell<'static>)> {
        let theirs = filled(xlsx_cells_by_calamine(path, None).unwrap());
        let ours = filled(cells(path, None).unwrap());
        assert_eq!(ours, theirs);
        for chunk in 1..=max {
            let cut = filled(cells_in_chunks(path, None, chunk).unwrap());
            assert_eq!(cut, theirs, "chunks of {chunk} bytes");
        }
        ours
    }

    /// A sheet written by hand: inline and rich strings, phonetic runs,
    /// kept spaces, cells and rows without `r`, every type.
    #[test]
    fn a_hand_written_sheet_reads_as_calamine_reads_it() {
        let sheet = r#"<sheetData>
<row r="2"><c r="A2" t="inlineStr"><is><t>  Hà &amp; Nội  </t></is></c><c t="inlineStr"><is><r><t>Đã </t></r><r><t xml:space="preserve"> trả</t></r><rPh><t>x</t></rPh></is></c>
<c t="b"><v>1</v></c><c t="e"><v>#N/A</v></c><c t="d"><v>2023-11-05T08:00:00</v></c><c t="str"><f>1</f><v>a_x000D_b</v></c><c s="1"><v>45197.5</v></c><c s="2"><v>3</v></c><c><v>abc</v></c></row>
<row><c><v>7</v></c><c r="D3" s="1"><v>60</v></c><c><v>1e3</v></c></row>
<row r="9"><c r="B9" t="s"><v>1</v></c><c r="C9" t="s"><v>0</v></c></row>
</sheetData>"#;
        let dir = tempfile::tempdir().unwrap();
        let path = hand_written(dir.path(), "h.xlsx", sheet);
        let ours = same_in_any_chunks(&path, sheet.len() + 400);
        assert!(
            ours.contains(&(1, 0, Cell::Text("Hà & Nội".into()))),
            "{ours:?}"
        );
        assert!(ours.contains(&(8, 2, Cell::Text("Hòa".into()))), "{ours:?}");
    }

    /// The shapes beside the plain `<c r s t><v>` that the fast path must
    /// leave to the general one, or read as it does: attributes in other
    /// orders, quoting and spacing, prefixes, entities, self-closing cells,
    /// a cell's row other than its `<row>`'s, repeated row digits.
    #[test]
    fn odd_cell_shapes_read_as_calamine_reads_them() {
        let sheet = r#"<sheetData>
<row r="1" spans="1:9"><c s="1" t="s" r="A1"><v>0</v></c><c t="s" r="B1"><v>2</v></c><c r="C1" s="0"/><c r="D1" t='s'><v>1</v></c><c  r="E1"><v>5</v></c><c r="F1"	s="2"><v>7</v></c><c r="G1" ><v>8</v></c><c r="H1"><v >9</v></c><c r="I1"><v>10</v ></c><c r="J1" t="s"><v>3</v></c><c r="K1" t="s"><v>4</v></c><c r="L1" t="s"><v>5</v></c><c r="M1" t="s"><v>6</v></c></row>
<row r="2"><c r="A2" t="str"><v>a &amp; b</v></c><c r="D2" t="inlineStr"><is><t>x&#x1EA0;</t></is></c><c r="E2" t="b"><v>0</v></c><c r="F2" t="e"><v>#DIV/0!</v></c><c r="G2" t="str"><v>_x0041_</v></c><c r="H2"><v> 12 </v></c><c r="I2"><v></v></c></row>
<x:row r="3"><x:c r="A3" t="s"><x:v>1</x:v></x:c><x:c r="B3"><x:v>2.5</x:v></x:c></x:row>
<row r="10"><c r="A10"><v>1</v></c><c r="B10" s="1"><v>45000</v></c><c r="C11"><v>3</v></c><c r="D10"><v>4</v></c><c><v>5</v></c><c r="A10"><v>6</v></c></row>
<row r="11"><c r="AA11"><v>1</v></c><c r="AC11" t="s"><v>x</v></c><c r="AD11"><v>1e3</v></c><c r="AE11"><v>-0</v></c><c r="AF11"><v>123456789012345</v></c><c r="AG11"><v>1234567890123456789</v></c><c r="AH11"><v>007</v></c></row>
<row r="12"/><row><c r="A13" s="2"><f>1+1</f><v>2</v></c><c r="B13" t="s"><v>2</v><v>0</v></c></row>
<row r="14"><c r="A14"/><c r="B14" s="1" /><c r="C14" t="s"></c><c r="D14"><v>1</v></c>
</row><row r="15"><c r="a15"><v>1</v></c><c r="b15" t="s"><v>0</v></c><c r="A15"><v>2</v></c></row></sheetData>"#;
        let dir = tempfile::tempdir().unwrap();
        let path = hand_written(dir.path(), "o.xlsx", sheet);
        let ours = same_in_any_chunks(&path, sheet.len() + 400);
        assert!(ours.contains(&(0, 0, Cell::Text("Hòa".into()))), "{ours:?}");
        assert!(ours.contains(&(10, 2, Cell::Number(3.0))), "{ours:?}");
        assert!(ours.contains(&(2, 1, Cell::Number(2.5))), "{ours:?}");
    }

    /// Where calamine reads a cell otherwise (it takes a `<v>`'s first text
    /// run only, gives CDATA as empty, refuses a shared string's index past
    /// the table), the cell reads as it always did, in chunks of any size.
    #[test]
    fn cells_calamine_reads_otherwise_keep_their_reading() {
        let sheet = r#"<sheetData><row r="1"><c r="A1"><v>1&#48;</v></c><c r="B1" t="s"><v>&#49;</v></c><c r="C1" t="s"><v>99</v></c><c r="D1"><v><![CDATA[12]]></v></c><c r="E1" t="str"><v><![CDATA[a<b]]></v></c><c r="F1"><v>3</v></c></row></sheetData>"#;
        let dir = tempfile::tempdir().unwrap();
        let path = hand_written(dir.path(), "k.xlsx", sheet);
        let want = vec![
            (0, 0, Cell::Number(10.0)),
            (0, 1, Cell::Text("ab".into())),
            (0, 3, Cell::Number(12.0)),
            (0, 4, Cell::Text("a<b".into())),
            (0, 5, Cell::Number(3.0)),
        ];
        for chunk in 1..=sheet.len() + 400 {
            let ours = filled(cells_in_chunks(&path, None, chunk).unwrap());
            assert_eq!(ours, want, "chunks of {chunk} bytes");
        }
    }

    #[test]
    fn date_formats_are_calamines() {
        for (code, want) in [
            ("DD/MM/YY", Some(ExcelDateTimeType::DateTime)),
            ("[h]:mm:ss", Some(ExcelDateTimeType::TimeDelta)),
            ("\"Y: \"0.00\"m\"", None),
            ("#,##0*y", None),
            ("[$-404]e\"\\xfc\"m", Some(ExcelDateTimeType::DateTime)),
            (
                "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
                None,
            ),
        ] {
            assert_eq!(custom_format(code), want, "{code}");
        }
    }

    /// The dates by day are calamine's dates, whatever the order of the
    /// serials (near midnight, far out of range, negative, 1904).
    #[test]
    fn dates_by_day_are_calamines() {
        let mut serials = vec![
            0.0,
            59.0,
            59.999_999_99,
            60.0,
            60.5,
            61.0,
            -1.0,
            -0.5,
            1e300,
            -1e300,
            2_958_465.999_999,
            2_958_466.0,
            45_197.999_999_99,
            45_197.999_999_999_9,
            45_198.0,
            f64::NAN,
        ];
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..5000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            serials.push((x % 200_000_000) as f64 / 1000.0 - 10_000.0);
        }
        for date1904 in [false, true] {
            let book = Book {
                strings: Strings::default(),
                formats: vec![Some(ExcelDateTimeType::DateTime)],
                date1904,
                days: no_days(),
            };
            for &n in &serials {
                // calamine panics on ±1e300; beyond chrono's years it is None.
                let want = match std::panic::catch_unwind(|| {
                    ExcelDateTime::new(n, ExcelDateTimeType::DateTime, date1904).as_datetime()
                }) {
                    Ok(Some(d)) => Cell::Date(d.date()),
                    _ => Cell::Number(n),
                };
                let got = number(&book, Some(0), n);
                match (&got, &want) {
                    (Cell::Number(a), Cell::Number(b)) if a.is_nan() && b.is_nan() => {}
                    _ => assert_eq!(got, want, "{n} (1904: {date1904})"),
                }
            }
        }
    }

    proptest::proptest! {
        /// A number cell read by `plain_value` is the float its text parses
        /// to, or its date: serials whose day was converted before (read
        /// from the digits) or not, fractions near and at midnight, and
        /// numbers that are not serials.
        #[test]
        fn plain_numbers_are_their_floats(
            whole in 0u64..3_000_000,
            fraction in "[0-9]{0,17}",
            nines in 0usize..12,
            other in "[-0-9.eE]{1,18}",
            date1904: bool,
            seen: bool,
        ) {
            let book = Book {
                strings: Strings::default(),
                formats: vec![None, Some(ExcelDateTimeType::DateTime)],
                date1904,
                days: no_days(),
            };
            let serials = [
                format!("{whole}.{fraction}"),
                format!("{whole}.{}{fraction}", "9".repeat(nines)),
                other,
            ];
            for raw in serials {
                let Ok(n) = raw.parse::<f64>() else { continue };
                for style in [0, 1] {
                    if seen {
                        number(&book, Some(style), n); // its day converted
                    }
                    let tag = CellTag { row: 0, col: 0, style: Some(style), kind: Type::Number };
                    let xml = format!("<v>{raw}</v></c>");
                    let got = plain_value(xml.as_bytes(), &book, &tag).map(|(c, _)| c);
                    // Longer numbers are the general path's.
                    let want = (raw.len() <= 18).then(|| number(&book, Some(style), n));
                    proptest::prop_assert_eq!(got, want, "{}", raw);
                }
            }
        }
    }

    #[test]
    fn serial_days_refuse_what_they_cannot_read() {
        assert_eq!(serial_day(false, 0, 0, b"5"), None);
        assert_eq!(serial_day(false, 10, 1_234_567_890, b"5"), None);
        assert_eq!(serial_day(false, 5, 45177, b"9999999"), None);
        assert_eq!(serial_day(false, 5, 45177, b"999999"), Some(45177));
        assert_eq!(serial_day(false, 2, 59, b"5"), Some(60));
        assert_eq!(serial_day(true, 1, 0, b"25"), Some(1462));
    }

    #[test]
    fn positions() {
        assert_eq!(position(b"A1"), Some((0, Some(0))));
        assert_eq!(position(b"AB12"), Some((11, Some(27))));
        assert_eq!(position(b"7"), Some((6, None)));
        assert_eq!(position(b"A0"), None);
        assert_eq!(position(b"ZZZZZZZZZZ1"), None);
        assert_eq!(position(b"A99999999999"), None);
    }
}
