//! JSON exports (SPEC §1.1): an array of records; an object whose first
//! array of objects holds them (VNPT iGate answers `{"content": [...]}`);
//! or one record per line (NDJSON). Nested objects are flattened to dotted
//! names (`agency.name`), arrays inside a record are ignored, numbers and
//! booleans are read as their text.
//!
//! The file is read twice, streaming: once for the shape and the keys
//! (records need not all have the same keys), once for the records, so
//! memory holds one record at a time.
//!
//! How it is read fast: the top-level array or object is walked here, in a
//! window of the file ([`Window`]); each record (each element of that
//! array, each member of that object) is found whole in the window by a
//! scan of its brackets and strings, and given to serde_json as a slice,
//! so serde borrows its strings instead of copying them and reads the
//! bytes without an `io::Read` per byte. The line of a record is counted
//! by that scan, and serde's line within the slice is added to it for an
//! error. A value longer than [`Limits::max_value`] is refused, so memory
//! stays bounded whatever the file.

use std::borrow::Cow;
use std::cell::{Cell as Shared, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use serde::de::{
    self, Deserialize, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor as SerdeVisitor,
};

use super::cells::Cell;
use super::encoding::{Encoding, Transcoder};
use super::header::HeaderRules;
use super::table::Table;
use super::{Error, Visitor};
use crate::text::nfc;

/// More distinct keys than any export has: a hostile file is refused.
const MAX_KEYS: usize = 4096;

const SCALAR: &str = "tệp JSON có một giá trị đơn lẻ, không phải bản ghi: cần một mảng các bản ghi, một đối tượng chứa mảng đó, hoặc một bản ghi mỗi dòng";
const SYNTAX: &str = "cú pháp JSON sai (kiểm tra dấu phẩy, dấu ngoặc kép, dấu ngoặc)";
const CUT: &str = "tệp JSON bị cắt cụt (thiếu dấu đóng } hoặc ])";
const IO: &str = "lỗi đọc tệp (hoặc tệp không phải UTF-8 hay UTF-16 hợp lệ)";

/// How much of the file the window reads at a time, and the longest
/// value (a record, or a member of the top-level object) it may hold.
#[derive(Clone, Copy, Debug)]
struct Limits {
    chunk: usize,
    max_value: usize,
}

const LIMITS: Limits = Limits {
    chunk: 256 * 1024,
    // A dossier is a few kB; 64 MB is a hostile or broken file.
    max_value: 64 << 20,
};

/// Reads the records of a JSON file.
pub(crate) fn read(
    path: &Path,
    rules: &HeaderRules,
    visitor: &mut dyn Visitor,
) -> Result<(), Error> {
    read_with(path, rules, visitor, LIMITS)
}

fn read_with(
    path: &Path,
    rules: &HeaderRules,
    visitor: &mut dyn Visitor,
    limits: Limits,
) -> Result<(), Error> {
    let survey = Ctx::new(Pass::Survey);
    walk(path, &survey, limits)?;
    let Survey {
        values,
        has_elements,
        element_keys,
        object_keys,
        non_records,
        ..
    } = survey.survey.into_inner();
    let mode = if values == 1 && has_elements {
        Mode::Elements
    } else {
        Mode::Objects
    };
    let keys = match mode {
        Mode::Elements => element_keys,
        Mode::Objects => object_keys,
    };
    if keys.order.is_empty() && non_records > 0 {
        return Err(Error::Json {
            path: path.to_path_buf(),
            line: 1,
            message: "mảng JSON chỉ có các giá trị đơn lẻ, không có bản ghi nào (đối tượng {…}): cần một mảng các bản ghi, một đối tượng chứa mảng đó, hoặc một bản ghi mỗi dòng".into(),
        });
    }
    if keys.order.is_empty() {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    let encoding = File::open(path)
        .and_then(|mut f| utf16(&mut f))
        .ok()
        .flatten()
        .map_or("UTF-8", |e| e.name());
    let mut table = Table::new(path, rules);
    table.describe(Some(encoding), None);
    let header: Vec<Cell<'_>> = keys
        .order
        .iter()
        .map(|k| Cell::Text(Cow::Borrowed(k.as_str())))
        .collect();
    table.row(1, &header, visitor)?;
    if !table.has_header() {
        return table.finish();
    }
    let records = Ctx::new(Pass::Records(mode));
    *records.emit.borrow_mut() = Some(Emit {
        table: &mut table,
        visitor,
        keys: &keys,
        seen: Seen::default(),
        error: None,
    });
    let walked = walk(path, &records, limits);
    let error = records.emit.into_inner().and_then(|e| e.error);
    match (error, walked) {
        (Some(e), _) | (None, Err(e)) => Err(e),
        (None, Ok(())) => table.finish(),
    }
}

/// Keys in order of first appearance.
#[derive(Default)]
struct Keys {
    order: Vec<String>,
    index: HashMap<String, usize>,
}

/// The keys of the last record, in its order: the next record most often
/// has the same, so its key is compared with the one at its place before
/// it is hashed.
#[derive(Default)]
struct Seen {
    last: Vec<usize>,
    at: usize,
}

impl Seen {
    /// A record starts.
    fn start(&mut self) {
        self.at = 0;
    }

    /// The index of `name` in `keys`, if it is there.
    fn find(&mut self, keys: &Keys, name: &str) -> Option<usize> {
        let i = match self.last.get(self.at) {
            Some(&i) if keys.order.get(i).is_some_and(|k| k == name) => i,
            _ => *keys.index.get(name)?,
        };
        self.note(i);
        Some(i)
    }

    fn note(&mut self, i: usize) {
        match self.last.get_mut(self.at) {
            Some(slot) => *slot = i,
            None => self.last.push(i),
        }
        self.at += 1;
    }
}

/// What the first pass learns.
#[derive(Default)]
struct Survey {
    /// Top-level values (more than one: one record per line).
    values: usize,
    /// Whether the first value is an array of objects or an object that
    /// holds one.
    has_elements: bool,
    /// Keys of the records in that array.
    element_keys: Keys,
    element_seen: Seen,
    /// Keys of the top-level objects, read as records.
    object_keys: Keys,
    object_seen: Seen,
    /// Whether the top-level object being read has gone past MAX_KEYS.
    object_over: bool,
    /// Values of the first value's array that are not records.
    non_records: usize,
}

/// Where the records are.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    /// In the first value's array of objects.
    Elements,
    /// Each top-level object is one.
    Objects,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    Survey,
    Records(Mode),
}

/// Hands records to the table.
struct Emit<'e, 'v> {
    table: &'e mut Table<'v>,
    visitor: &'e mut dyn Visitor,
    keys: &'e Keys,
    seen: Seen,
    error: Option<Error>,
}

/// What every seed of one pass shares.
struct Ctx<'e, 'v> {
    pass: Pass,
    survey: RefCell<Survey>,
    emit: RefCell<Option<Emit<'e, 'v>>>,
    /// Index of the top-level value being read.
    value: Shared<usize>,
    /// Our own message for a refusal (serde_json's are English).
    problem: RefCell<Option<String>>,
    /// The dotted name of the value being read, reused.
    name: RefCell<String>,
}

impl<'e, 'v> Ctx<'e, 'v> {
    fn new(pass: Pass) -> Ctx<'e, 'v> {
        Ctx {
            pass,
            survey: RefCell::default(),
            emit: RefCell::new(None),
            value: Shared::new(0),
            problem: RefCell::new(None),
            name: RefCell::default(),
        }
    }

    fn refuse<E: de::Error>(&self, message: String) -> E {
        *self.problem.borrow_mut() = Some(message.clone());
        E::custom(message)
    }

    /// Whether arrays of objects in the first value hold records here.
    fn elements_wanted(&self) -> bool {
        self.value.get() == 0 && matches!(self.pass, Pass::Survey | Pass::Records(Mode::Elements))
    }
}

fn too_many_keys() -> String {
    format!("có hơn {MAX_KEYS} khóa khác nhau trong các bản ghi: không phải tệp xuất hồ sơ")
}

/// Where the values of a record go.
trait Sink<'de> {
    /// Whether the values are wanted, or only the names (the survey).
    fn values(&self) -> bool;
    /// The value of the dotted `name`.
    fn put(&mut self, name: &str, cell: Cell<'de>);
}

/// The survey: learns the names.
struct Learn<'a> {
    keys: &'a mut Keys,
    seen: &'a mut Seen,
    /// Set past MAX_KEYS; the record is refused at its end (where the
    /// error is placed).
    over: &'a mut bool,
}

impl Sink<'_> for Learn<'_> {
    fn values(&self) -> bool {
        false
    }

    fn put(&mut self, name: &str, _: Cell<'_>) {
        if *self.over || self.seen.find(self.keys, name).is_some() {
            return;
        }
        if self.keys.order.len() >= MAX_KEYS {
            *self.over = true;
            return;
        }
        let i = self.keys.order.len();
        self.keys.index.insert(name.to_string(), i);
        self.keys.order.push(name.to_string());
        self.seen.note(i);
    }
}

/// The records pass: the cells of a record, by the header's keys.
struct Fill<'a, 'de> {
    cells: &'a mut [Cell<'de>],
    keys: &'a Keys,
    seen: &'a mut Seen,
}

impl<'de> Sink<'de> for Fill<'_, 'de> {
    fn values(&self) -> bool {
        true
    }

    fn put(&mut self, name: &str, cell: Cell<'de>) {
        if let Some(i) = self.seen.find(self.keys, name) {
            self.cells[i] = cell;
        }
    }
}

/// As [`Fill`], for a top-level object, read a member at a time from
/// different windows: its cells own their text.
struct FillOwned<'a> {
    cells: &'a mut [Cell<'static>],
    keys: &'a Keys,
    seen: &'a mut Seen,
}

impl<'de> Sink<'de> for FillOwned<'_> {
    fn values(&self) -> bool {
        true
    }

    fn put(&mut self, name: &str, cell: Cell<'de>) {
        if let Some(i) = self.seen.find(self.keys, name) {
            self.cells[i] = owned(cell);
        }
    }
}

fn owned(cell: Cell<'_>) -> Cell<'static> {
    match cell {
        Cell::Empty => Cell::Empty,
        Cell::Text(t) => Cell::Text(Cow::Owned(t.into_owned())),
        Cell::Number(n) => Cell::Number(n),
        Cell::Date(d) => Cell::Date(d),
    }
}

/// Values that are read (for their errors) but not kept.
struct Discard;

impl Sink<'_> for Discard {
    fn values(&self) -> bool {
        false
    }

    fn put(&mut self, _: &str, _: Cell<'_>) {}
}

/// Why a value could not be found whole in the window.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cut {
    /// The file ended first.
    Eof,
    /// It is longer than `Limits::max_value`.
    TooLong,
}

/// Where a value ends, found by its brackets and strings (serde checks
/// the rest). Resumable: the window may grow under it.
#[derive(Default)]
struct Scan {
    /// Bytes of the value scanned (past its end after an escape cut by
    /// the window).
    at: usize,
    depth: usize,
    string: bool,
    scalar: bool,
    /// Newlines outside strings (there are none inside a valid string).
    newlines: u64,
}

/// Bytes the scan of a container stops at outside strings.
const STOPS: [bool; 256] = {
    let mut t = [false; 256];
    t[b'"' as usize] = true;
    t[b'{' as usize] = true;
    t[b'[' as usize] = true;
    t[b'}' as usize] = true;
    t[b']' as usize] = true;
    t[b'\n' as usize] = true;
    t
};

/// Bytes that end a number or a word (`true`, `null`): serde stops there.
fn ends_scalar(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\n' | b'\t' | b'\r' | b',' | b']' | b'}' | b'[' | b'{' | b'"' | b':'
    )
}

impl Scan {
    /// The length of the value `bytes` start with, once they hold all of
    /// it (a number or a word: and the byte after it).
    fn end(&mut self, bytes: &[u8]) -> Option<usize> {
        let mut i = self.at;
        if i == 0 {
            match *bytes.first()? {
                b'{' | b'[' => self.depth = 1,
                b'"' => self.string = true,
                _ => self.scalar = true,
            }
            i = 1;
        }
        if self.scalar {
            return match bytes.get(i..)?.iter().position(|&b| ends_scalar(b)) {
                Some(n) => Some(i + n),
                None => {
                    self.at = bytes.len();
                    None
                }
            };
        }
        loop {
            let Some(rest) = bytes.get(i..) else {
                // An escape's second byte is not read yet.
                self.at = i;
                return None;
            };
            if self.string {
                match memchr::memchr2(b'"', b'\\', rest) {
                    Some(n) if rest[n] == b'"' => {
                        i += n + 1;
                        self.string = false;
                        if self.depth == 0 {
                            return Some(i);
                        }
                    }
                    Some(n) => i += n + 2,
                    None => {
                        self.at = bytes.len();
                        return None;
                    }
                }
            } else {
                let Some(n) = rest.iter().position(|&b| STOPS[b as usize]) else {
                    self.at = bytes.len();
                    return None;
                };
                i += n + 1;
                match rest[n] {
                    b'"' => self.string = true,
                    b'{' | b'[' => self.depth += 1,
                    b'\n' => self.newlines += 1,
                    _ => {
                        self.depth -= 1;
                        if self.depth == 0 {
                            return Some(i);
                        }
                    }
                }
            }
        }
    }
}

/// The part of the file being read.
struct Window {
    source: Box<dyn Read>,
    buf: Vec<u8>,
    /// The next byte to read in `buf`.
    pos: usize,
    /// The line of that byte.
    line: u64,
    eof: bool,
    limits: Limits,
}

/// A value found whole (or cut) at the window's position.
struct Extent {
    len: usize,
    newlines: u64,
    cut: Option<Cut>,
}

impl Window {
    /// Reads more of the file after what is unread; false at its end.
    fn more(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let len = self.buf.len();
        self.buf.resize(len + self.limits.chunk, 0);
        let n = loop {
            match self.source.read(&mut self.buf[len..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.buf.truncate(len);
                    return Err(e);
                }
            }
        };
        self.buf.truncate(len + n);
        self.eof = n == 0;
        Ok(n > 0)
    }

    /// Passes over blanks; the next byte, or None at the end of the file.
    fn peek(&mut self, blank: fn(&u8) -> bool) -> io::Result<Option<u8>> {
        loop {
            while let Some(&b) = self.buf.get(self.pos) {
                if !blank(&b) {
                    return Ok(Some(b));
                }
                if b == b'\n' {
                    self.line += 1;
                }
                self.pos += 1;
            }
            if !self.more()? {
                return Ok(None);
            }
        }
    }

    /// The value at the position, read into the window whole.
    fn extent(&mut self) -> io::Result<Extent> {
        let mut scan = Scan::default();
        loop {
            let unread = &self.buf[self.pos..];
            if let Some(len) = scan.end(unread) {
                return Ok(Extent {
                    len,
                    newlines: scan.newlines,
                    cut: None,
                });
            }
            let cut = if unread.len() > self.limits.max_value {
                Some(Cut::TooLong)
            } else if !self.more()? {
                Some(Cut::Eof)
            } else {
                None
            };
            if let Some(cut) = cut {
                return Ok(Extent {
                    len: self.buf.len() - self.pos,
                    newlines: scan.newlines,
                    cut: Some(cut),
                });
            }
        }
    }
}

/// JSON's blanks (serde's: not a form feed).
fn json_blank(b: &u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\t' | b'\r')
}

/// One pass over the file.
struct Walk<'p, 'c, 'e, 'v> {
    path: &'p Path,
    ctx: &'c Ctx<'e, 'v>,
    window: Window,
}

/// Reads every top-level value of the file.
fn walk(path: &Path, ctx: &Ctx<'_, '_>, limits: Limits) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    // UTF-16 with a BOM (PowerShell writes its JSON so) is read as UTF-8.
    let source: Box<dyn Read> = match utf16(&mut file).map_err(io)? {
        // Malformed UTF-16 is marked, and serde refuses the mark at its line.
        Some(encoding) => Box::new(Transcoder::new(file, encoding)),
        None => Box::new(file),
    };
    let mut walk = Walk {
        path,
        ctx,
        window: Window {
            source,
            buf: Vec::with_capacity(limits.chunk),
            pos: 0,
            line: 1,
            eof: false,
            limits,
        },
    };
    let w = &mut walk.window;
    // A BOM is not JSON.
    while w.buf.len() < 3 && w.more().map_err(io)? {}
    if w.buf.starts_with(b"\xEF\xBB\xBF") {
        w.pos = 3;
    }
    let mut index = 0usize;
    // Between top-level values, any ASCII blank (as before serde reads).
    while let Some(first) = walk.window.peek(u8::is_ascii_whitespace).map_err(io)? {
        ctx.value.set(index);
        match first {
            b'[' => {
                walk.array(ctx.elements_wanted(), true)?;
            }
            b'{' => walk.object()?,
            _ => {
                let at = walk.window.line;
                if !walk.scalar::<Null>()?.0 {
                    return Err(walk.error(at, SCALAR.into()));
                }
            }
        }
        index += 1;
        ctx.survey.borrow_mut().values = index;
    }
    Ok(())
}

impl Walk<'_, '_, '_, '_> {
    fn error(&self, line: u64, message: String) -> Error {
        Error::Json {
            path: self.path.to_path_buf(),
            line,
            message,
        }
    }

    /// serde's error on a value that starts on line `at`, or the table's
    /// that stopped it.
    fn fail(&self, e: &serde_json::Error, at: u64) -> Error {
        let ours = self.ctx.problem.borrow_mut().take();
        if let Some(emit) = self.ctx.emit.borrow_mut().as_mut()
            && let Some(err) = emit.error.take()
        {
            return err;
        }
        json_error(self.path, at, e, ours)
    }

    fn too_long(&self, at: u64) -> Error {
        self.error(
            at,
            format!(
                "một bản ghi JSON dài hơn {} MB: không phải tệp xuất hồ sơ",
                self.window.limits.max_value >> 20
            ),
        )
    }

    /// The next byte after JSON blanks, which must be there.
    fn next(&mut self) -> Result<u8, Error> {
        match self.window.peek(json_blank) {
            Ok(Some(b)) => Ok(b),
            Ok(None) => Err(self.error(self.window.line, CUT.into())),
            Err(_) => Err(self.error(self.window.line, IO.into())),
        }
    }

    fn syntax(&self) -> Error {
        self.error(self.window.line, SYNTAX.into())
    }

    fn extent(&mut self) -> Result<Extent, Error> {
        self.window
            .extent()
            .map_err(|_| self.error(self.window.line, IO.into()))
    }

    /// The object or array at the position, read by `seed` from its bytes.
    fn container<S, T>(&mut self, seed: S) -> Result<T, Error>
    where
        S: for<'de> DeserializeSeed<'de, Value = T>,
    {
        let at = self.window.line;
        let extent = self.extent()?;
        let w = &self.window;
        // In bounds: an extent is at most what is unread.
        let bytes = &w.buf[w.pos..w.pos + extent.len];
        // Checked as UTF-8 at once (SIMD), serde need not check each
        // string; if it is not, serde finds where, as before.
        let got = match simdutf8::basic::from_utf8(bytes) {
            Ok(text) => seed.deserialize(&mut serde_json::Deserializer::from_str(text)),
            Err(_) => seed.deserialize(&mut serde_json::Deserializer::from_slice(bytes)),
        };
        match (got, extent.cut) {
            (Ok(value), None) => {
                self.window.pos += extent.len;
                self.window.line += extent.newlines;
                Ok(value)
            }
            (Err(e), Some(Cut::TooLong)) if e.is_eof() => Err(self.too_long(at)),
            (Err(e), _) => Err(self.fail(&e, at)),
            // The scan and serde agree on where a container ends.
            (Ok(_), Some(Cut::TooLong)) => Err(self.too_long(at)),
            (Ok(_), Some(Cut::Eof)) => Err(self.error(self.window.line, CUT.into())),
        }
    }

    /// The string, number or word at the position, as `T`. serde says
    /// where it ends (a number's end is the first byte that is not of it).
    fn scalar<T: for<'a> Deserialize<'a>>(&mut self) -> Result<T, Error> {
        let at = self.window.line;
        let extent = self.extent()?;
        let w = &self.window;
        // With the byte after it, which ends a number.
        let bytes = &w.buf[w.pos..w.buf.len().min(w.pos + extent.len + 1)];
        let (got, end) = match simdutf8::basic::from_utf8(bytes) {
            Ok(text) => first(serde_json::Deserializer::from_str(text).into_iter::<T>()),
            Err(_) => first(serde_json::Deserializer::from_slice(bytes).into_iter::<T>()),
        };
        let got = match got {
            Some(got) => got,
            // Not reached: the position is not blank.
            None => return Err(self.error(at, CUT.into())),
        };
        let got = match got {
            Ok(value) => Ok(value),
            // What follows a number is for the caller to judge (a `,`, or
            // not): the value itself was read.
            Err(e)
                if end > 0
                    && e.classify() == serde_json::error::Category::Syntax
                    && e.to_string().starts_with("trailing characters") =>
            {
                T::deserialize(&mut serde_json::Deserializer::from_slice(&bytes[..end]))
            }
            Err(e) => Err(e),
        };
        match got {
            Ok(value) => {
                self.window.pos += end;
                // No newline in a scalar.
                Ok(value)
            }
            Err(e) if e.is_eof() && extent.cut == Some(Cut::TooLong) => Err(self.too_long(at)),
            Err(e) => Err(self.fail(&e, at)),
        }
    }

    /// The array at the position, streamed: its elements are records when
    /// `take`. Whether it held an object.
    fn array(&mut self, take: bool, top: bool) -> Result<bool, Error> {
        self.window.pos += 1;
        let mut held = false;
        let mut first = true;
        loop {
            let mut b = self.next()?;
            if b == b']' && first {
                self.window.pos += 1;
                return Ok(held);
            }
            if !first {
                match b {
                    b']' => {
                        self.window.pos += 1;
                        return Ok(held);
                    }
                    b',' => {
                        self.window.pos += 1;
                        b = self.next()?;
                    }
                    _ => return Err(self.syntax()),
                }
            }
            first = false;
            let record = self.element(b, take)?;
            held |= record;
            if top && take && !record && self.ctx.pass == Pass::Survey {
                self.ctx.survey.borrow_mut().non_records += 1;
            }
        }
    }

    /// An element of an array, starting with `b`: a record when `take`,
    /// else passed over. Whether it was an object.
    fn element(&mut self, b: u8, take: bool) -> Result<bool, Error> {
        let ctx = self.ctx;
        match (b, take) {
            (b'{' | b'[', true) => {
                let line = self.window.line;
                self.container(Element { ctx, line })
            }
            (b'{' | b'[', false) => self
                .container(std::marker::PhantomData::<IgnoredAny>)
                .map(|_| false),
            (_, true) => self.scalar::<Null>().map(|_| false),
            (_, false) => self.scalar::<IgnoredAny>().map(|_| false),
        }
    }

    /// A top-level object, streamed: a record itself (one per line), and,
    /// in the first value, its first array of objects holds the records.
    fn object(&mut self) -> Result<(), Error> {
        let ctx = self.ctx;
        let line = self.window.line;
        self.window.pos += 1;
        let mut cells: Vec<Cell<'static>> = match (ctx.pass, ctx.emit.borrow().as_ref()) {
            (Pass::Records(Mode::Objects), Some(emit)) => vec![Cell::Empty; emit.keys.order.len()],
            _ => Vec::new(),
        };
        match ctx.pass {
            Pass::Survey => {
                let mut s = ctx.survey.borrow_mut();
                s.object_seen.start();
                s.object_over = false;
            }
            Pass::Records(_) => {
                if let Some(emit) = ctx.emit.borrow_mut().as_mut() {
                    emit.seen.start();
                }
            }
        }
        let wanted = ctx.elements_wanted();
        let mut found = false;
        let mut first = true;
        loop {
            let mut b = self.next()?;
            if b == b'}' && first {
                self.window.pos += 1;
                break;
            }
            if !first {
                match b {
                    b'}' => {
                        self.window.pos += 1;
                        break;
                    }
                    b',' => {
                        self.window.pos += 1;
                        b = self.next()?;
                    }
                    _ => return Err(self.syntax()),
                }
            }
            first = false;
            if b != b'"' {
                return Err(self.syntax());
            }
            let key: String = self.scalar()?;
            if self.next()? != b':' {
                return Err(self.syntax());
            }
            self.window.pos += 1;
            let b = self.next()?;
            if b == b'[' {
                let take = !found && wanted;
                found |= self.array(take, false)?;
                continue;
            }
            let mut name = ctx.name.borrow_mut();
            name.clear();
            name.push_str(&key);
            if b == b'{' {
                self.container(Member {
                    ctx,
                    cells: &mut cells,
                    name: &mut name,
                })?;
            } else {
                let Scalar(cell) = self.scalar()?;
                member(ctx, &mut cells, |sink| {
                    sink.put(&name, cell);
                    Ok::<(), ()>(())
                })
                .ok();
            }
        }
        match ctx.pass {
            Pass::Survey => {
                if ctx.survey.borrow().object_over {
                    return Err(self.error(self.window.line, too_many_keys()));
                }
            }
            Pass::Records(Mode::Objects) => {
                let mut emit = ctx.emit.borrow_mut();
                if let Some(emit) = emit.as_mut() {
                    emit.table.row(line, &cells, &mut *emit.visitor)?;
                }
            }
            Pass::Records(Mode::Elements) => {}
        }
        Ok(())
    }
}

/// The first value of a stream, and where it ended.
fn first<'de, R: serde_json::de::Read<'de>, T: Deserialize<'de>>(
    mut stream: serde_json::StreamDeserializer<'de, R, T>,
) -> (Option<serde_json::Result<T>>, usize) {
    let got = stream.next();
    (got, stream.byte_offset())
}

/// An object member of a top-level object, into this pass's sink.
struct Member<'c, 'e, 'v, 'a> {
    ctx: &'c Ctx<'e, 'v>,
    cells: &'a mut [Cell<'static>],
    name: &'a mut String,
}

impl<'de> DeserializeSeed<'de> for Member<'_, '_, '_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let name = self.name;
        member(self.ctx, self.cells, |sink| {
            Value { sink, name }.deserialize(d)
        })
    }
}

/// `f` with the sink of a member of a top-level object in this pass.
fn member<'de, T, E>(
    ctx: &Ctx<'_, '_>,
    cells: &mut [Cell<'static>],
    f: impl FnOnce(&mut dyn Sink<'de>) -> Result<T, E>,
) -> Result<T, E> {
    match ctx.pass {
        Pass::Survey => {
            let mut s = ctx.survey.borrow_mut();
            let s = &mut *s;
            f(&mut Learn {
                keys: &mut s.object_keys,
                seen: &mut s.object_seen,
                over: &mut s.object_over,
            })
        }
        Pass::Records(Mode::Objects) => {
            let mut emit = ctx.emit.borrow_mut();
            match emit.as_mut() {
                Some(emit) => f(&mut FillOwned {
                    cells,
                    keys: emit.keys,
                    seen: &mut emit.seen,
                }),
                None => f(&mut Discard),
            }
        }
        Pass::Records(Mode::Elements) => f(&mut Discard),
    }
}

fn json_error(path: &Path, at: u64, e: &serde_json::Error, ours: Option<String>) -> Error {
    use serde_json::error::Category;
    let scalar = ours.as_deref() == Some(SCALAR);
    let message = match (ours, e.classify()) {
        (Some(m), _) => m,
        (None, Category::Eof) => CUT.into(),
        (None, Category::Io) => IO.into(),
        (None, _) if e.to_string().contains("recursion limit") => {
            "các đối tượng lồng nhau quá sâu: không phải tệp xuất hồ sơ".into()
        }
        // Bytes that are not UTF-8, or UTF-16 that did not decode (marked
        // by the transcoder), or a `\uD800` without its pair: never read
        // with a replacement character (SPEC §1.2).
        (None, _)
            if ["invalid unicode code point", "surrogate"]
                .iter()
                .any(|m| e.to_string().contains(m)) =>
        {
            "một chuỗi chứa ký tự không hợp lệ (byte không phải UTF-8, hoặc nửa cặp surrogate UTF-16 đơn lẻ): tệp hỏng; xuất lại từ phần mềm Một cửa".into()
        }
        (None, _) => SYNTAX.into(),
    };
    // serde counts lines from the start of the value it reads, which is
    // line `at` of the file; a value that is not a record is named where
    // it starts.
    let line = match e.line() {
        0 => at,
        _ if scalar => at,
        n => at + n as u64 - 1,
    };
    Error::Json {
        path: path.to_path_buf(),
        line,
        message,
    }
}

/// The UTF-16 encoding whose BOM starts the file, if any; the file is
/// left just after that BOM (or at its start).
fn utf16(file: &mut File) -> std::io::Result<Option<Encoding>> {
    let mut bom = [0u8; 2];
    let got = file.read(&mut bom)?;
    let found = match Encoding::from_bom(&bom[..got]) {
        Some((e @ (Encoding::Utf16Le | Encoding::Utf16Be), 2)) => Some(e),
        _ => None,
    };
    file.seek(SeekFrom::Start(if found.is_some() { 2 } else { 0 }))?;
    Ok(found)
}

/// A scalar read for its errors; whether it was `null`.
struct Null(bool);

impl<'de> Deserialize<'de> for Null {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Null, D::Error> {
        d.deserialize_any(NullVisitor)
    }
}

struct NullVisitor;

impl<'de> SerdeVisitor<'de> for NullVisitor {
    type Value = Null;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("một giá trị")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Null, E> {
        Ok(Null(true))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Null, E> {
        Ok(Null(false))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Null, E> {
        Ok(Null(false))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Null, E> {
        Ok(Null(false))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Null, E> {
        Ok(Null(false))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Null, E> {
        Ok(Null(false))
    }
}

/// A scalar member of a top-level object, as its owned cell.
struct Scalar(Cell<'static>);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
        let mut cell = Cell::Empty;
        d.deserialize_any(Value {
            sink: &mut One(&mut cell),
            name: &mut String::new(),
        })?;
        Ok(Scalar(owned(cell)))
    }
}

/// Takes the one value it is given.
struct One<'a, 'de>(&'a mut Cell<'de>);

impl<'de> Sink<'de> for One<'_, 'de> {
    fn values(&self) -> bool {
        true
    }

    fn put(&mut self, _: &str, cell: Cell<'de>) {
        *self.0 = cell;
    }
}

/// An object or array element of an array that holds records, starting on
/// `line`.
struct Element<'c, 'e, 'v> {
    ctx: &'c Ctx<'e, 'v>,
    line: u64,
}

impl<'de> DeserializeSeed<'de> for Element<'_, '_, '_> {
    /// Whether it was an object.
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

/// The members of a record, each into `sink`.
fn members<'de, A: MapAccess<'de>>(
    map: &mut A,
    sink: &mut dyn Sink<'de>,
    name: &mut String,
) -> Result<(), A::Error> {
    while map
        .next_key_seed(Key {
            name,
            base: 0,
            dot: false,
        })?
        .is_some()
    {
        map.next_value_seed(Value {
            sink: &mut *sink,
            name,
        })?;
    }
    Ok(())
}

impl<'de> SerdeVisitor<'de> for Element<'_, '_, '_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("một bản ghi")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let ctx = self.ctx;
        let mut name = ctx.name.borrow_mut();
        match ctx.pass {
            Pass::Survey => {
                let mut s = ctx.survey.borrow_mut();
                let s = &mut *s;
                s.element_seen.start();
                let mut over = false;
                members(
                    &mut map,
                    &mut Learn {
                        keys: &mut s.element_keys,
                        seen: &mut s.element_seen,
                        over: &mut over,
                    },
                    &mut name,
                )?;
                if over {
                    return Err(ctx.refuse(too_many_keys()));
                }
                s.has_elements = true;
            }
            Pass::Records(_) => {
                let mut emit = ctx.emit.borrow_mut();
                let Some(emit) = emit.as_mut() else {
                    members(&mut map, &mut Discard, &mut name)?;
                    return Ok(true);
                };
                emit.seen.start();
                let mut cells = vec![Cell::Empty; emit.keys.order.len()];
                members(
                    &mut map,
                    &mut Fill {
                        cells: &mut cells,
                        keys: emit.keys,
                        seen: &mut emit.seen,
                    },
                    &mut name,
                )?;
                if let Err(e) = emit.table.row(self.line, &cells, &mut *emit.visitor) {
                    emit.error = Some(e);
                    return Err(de::Error::custom("stop"));
                }
            }
        }
        Ok(true)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(false)
    }
}

/// A key of a record, written into the dotted name after its first
/// `base` bytes (and a dot when `dot`).
struct Key<'a> {
    name: &'a mut String,
    base: usize,
    dot: bool,
}

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> SerdeVisitor<'de> for Key<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("một khóa")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<(), E> {
        self.name.truncate(self.base);
        if self.dot {
            self.name.push('.');
        }
        self.name.push_str(key);
        Ok(())
    }
}

/// The value of the dotted `name` in a record: a scalar becomes a cell, an
/// object is flattened under `name.`, an array is ignored.
struct Value<'a, 'de> {
    sink: &'a mut dyn Sink<'de>,
    name: &'a mut String,
}

impl<'de> DeserializeSeed<'de> for Value<'_, 'de> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Value<'_, 'de> {
    fn put(self, cell: impl FnOnce() -> Cell<'de>) {
        // The survey wants the name alone: no cell is made for it.
        let cell = if self.sink.values() {
            cell()
        } else {
            Cell::Empty
        };
        self.sink.put(self.name, cell);
    }
}

impl<'de> SerdeVisitor<'de> for Value<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("một giá trị")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let base = self.name.len();
        while map
            .next_key_seed(Key {
                name: self.name,
                base,
                dot: true,
            })?
            .is_some()
        {
            map.next_value_seed(Value {
                sink: &mut *self.sink,
                name: self.name,
            })?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.put(|| Cell::Empty);
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<(), E> {
        self.put(|| Cell::Text(Cow::Borrowed(if b { "true" } else { "false" })));
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<(), E> {
        self.put(|| Cell::Text(Cow::Owned(n.to_string())));
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<(), E> {
        self.put(|| Cell::Text(Cow::Owned(n.to_string())));
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<(), E> {
        self.put(|| Cell::Text(Cow::Owned(n.to_string())));
        Ok(())
    }

    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<(), E> {
        self.put(|| Cell::Text(nfc(s)));
        Ok(())
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        self.put(|| Cell::Text(Cow::Owned(nfc(s).into_owned())));
        Ok(())
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<(), E> {
        self.put(|| {
            Cell::Text(Cow::Owned(match nfc(&s) {
                Cow::Borrowed(_) => s,
                Cow::Owned(n) => n,
            }))
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::cells::Cells;
    use crate::input::field::Field;
    use crate::input::{Header, RowProblem};

    #[derive(Default)]
    struct Rows {
        header: Option<Header>,
        rows: Vec<(u64, Vec<String>)>,
    }

    impl Visitor for Rows {
        fn header(&mut self, header: &Header) {
            self.header = Some(header.clone());
        }
        fn row(&mut self, line: u64, cells: &Cells<'_>, _: &dyn Fn() -> Vec<String>) {
            let fields = [
                Field::Code,
                Field::Unit,
                Field::Channel,
                Field::Received,
                Field::Status,
            ];
            self.rows
                .push((line, fields.map(|f| cells.text(f).into_owned()).to_vec()));
        }
        fn problem(&mut self, _: RowProblem) {}
    }

    fn read_text(text: &str) -> Result<Rows, Error> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        std::fs::write(&path, text).unwrap();
        let mut rows = Rows::default();
        read(&path, &HeaderRules::new(&[]).for_json(), &mut rows)?;
        Ok(rows)
    }

    const IGATE: &str = r#"{"errors": [], "content": [
  {"code": "G1", "agency": {"name": "UBND xã A", "id": 7}, "applyMethod": {"name": "Trực tuyến"},
   "acceptedDate": "2025-07-15T17:00:00.000+0700", "appointmentDate": "2025-07-20", "attachments": [{"x": 1}],
   "dossierStatus": {"name": "Đang xử lý"}},
  {"code": 2, "agency": {"name": "UBND xã B"}, "acceptedDate": "2025-07-16", "appointmentDate": null,
   "dossierStatus": {"name": "Đang xử lý"}, "paid": true}
], "totalElements": 2}"#;

    #[test]
    fn igate_answers_are_flattened_records() {
        let rows = read_text(IGATE).unwrap();
        assert!(rows.header.unwrap().columns.has(Field::Channel));
        assert_eq!(rows.rows.len(), 2);
        assert_eq!(
            rows.rows[0].1,
            [
                "G1",
                "UBND xã A",
                "Trực tuyến",
                "2025-07-15T17:00:00.000+0700",
                "Đang xử lý"
            ]
        );
        // A number as its text; a key the record lacks is empty.
        assert_eq!(rows.rows[1].1[..3], ["2", "UBND xã B", ""]);
        assert_eq!(rows.rows[0].0, 2);
        assert_eq!(rows.rows[1].0, 5);
    }

    #[test]
    fn arrays_and_lines_of_records() {
        let array = r#"[{"code": "A", "agency": {"name": "X"}, "acceptedDate": "2023-10-01", "appointmentDate": "", "dossierStatus": {"name": "9"}}]"#;
        assert_eq!(read_text(array).unwrap().rows[0].1[0], "A");
        let lines = "{\"code\": \"A\", \"agency\": {\"name\": \"X\"}, \"acceptedDate\": \"d\", \"appointmentDate\": \"\", \"dossierStatus\": {\"name\": \"9\"}, \"files\": [{\"n\": 1}]}\n\n{\"code\": \"B\", \"agency\": {\"name\": \"Y\"}, \"acceptedDate\": \"d\", \"appointmentDate\": \"\", \"dossierStatus\": {\"name\": \"9\"}}\n";
        let rows = read_text(lines).unwrap();
        let codes: Vec<(u64, &str)> = rows.rows.iter().map(|(l, c)| (*l, c[0].as_str())).collect();
        assert_eq!(codes, [(1, "A"), (3, "B")]);
        let bom = format!("\u{feff}{array}");
        assert_eq!(read_text(&bom).unwrap().rows.len(), 1);
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(array.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        std::fs::write(&path, utf16).unwrap();
        let mut rows = Rows::default();
        read(&path, &HeaderRules::new(&[]).for_json(), &mut rows).unwrap();
        assert_eq!(rows.rows[0].1[1], "X");
    }

    #[test]
    fn broken_json_is_a_vietnamese_error_with_its_line() {
        for (text, line, words) in [
            ("[{\"code\": \"A\",\n \"x\": }]", 2, "cú pháp JSON"),
            ("[{\"code\": \"A\"", 1, "cắt cụt"),
            ("42", 1, "giá trị đơn lẻ"),
        ] {
            match read_text(text) {
                Err(Error::Json {
                    line: l, message, ..
                }) => {
                    assert_eq!(l, line, "{text}");
                    assert!(message.contains(words), "{message}");
                    assert!(!message.contains("expected"), "{message}");
                }
                other => panic!("{text}: {:?}", other.err()),
            }
        }
        assert!(matches!(read_text("[]"), Err(Error::Empty { .. })));
        assert!(matches!(
            read_text("[{\"a\": 1}]"),
            Err(Error::NoHeader { .. })
        ));
    }

    /// What a file gives, as comparable text: each row's line and cells
    /// (every column, in the keys' order), or the error.
    fn outcome(bytes: &[u8], limits: Limits) -> Result<Vec<(u64, Vec<String>)>, String> {
        #[derive(Default)]
        struct All(Vec<(u64, Vec<String>)>);
        impl Visitor for All {
            fn header(&mut self, _: &Header) {}
            fn row(&mut self, line: u64, _: &Cells<'_>, raw: &dyn Fn() -> Vec<String>) {
                self.0.push((line, raw()));
            }
            fn problem(&mut self, _: RowProblem) {}
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        std::fs::write(&path, bytes).unwrap();
        let mut all = All::default();
        match read_with(&path, &HeaderRules::new(&[]).for_json(), &mut all, limits) {
            Ok(()) => Ok(all.0),
            Err(Error::Json { line, message, .. }) => Err(format!("{line}: {message}")),
            Err(e) => Err(e.to_string().replace(&*dir.path().to_string_lossy(), "")),
        }
    }

    fn small(chunk: usize) -> Limits {
        Limits {
            chunk,
            max_value: 1 << 20,
        }
    }

    const RECORD: &str = r#"{"code": "A\"1", "agency": {"name": "UBND x\u00e3 A", "parent": {"name": "H"}}, "acceptedDate": "2024-01-02", "appointmentDate": null, "dossierStatus": {"name": "1"}, "n": -1.5e3, "ok": false, "files": [{"a": [1, {"b": "}"}]}]}"#;

    /// The window cuts records, strings, escapes and numbers anywhere: the
    /// rows, their lines and the errors (with theirs) do not change.
    #[test]
    fn any_window_reads_the_same() {
        let pretty = RECORD.replace(", ", ",\n    ");
        let texts = [
            IGATE.to_string(),
            format!("[{RECORD},\n{RECORD}]"),
            format!("[\n  {pretty},\n\n  {pretty}\n]\n"),
            format!(
                "{{\"errors\": [], \"total\": 2, \"content\": [{pretty}, 7, {RECORD}], \"more\": [{{\"code\": 1}}]}}"
            ),
            format!("{RECORD}\n\n{pretty}\n{RECORD}"),
            format!("\u{feff}{RECORD}\r\n{RECORD}\r\n"),
            // Errors: in a record, between records, at the end, in NDJSON.
            format!("[{RECORD},\n{pretty},\n{{\"code\": \"B\",\n \"x\": }}]"),
            format!("[{RECORD}\n {RECORD}]"),
            format!("[{RECORD},\n{RECORD},\n]"),
            format!("[{RECORD},\n{pretty}"),
            format!("{{\"content\": [{RECORD}],\n\"x\": 1,\n}}"),
            format!("{RECORD}\n{RECORD}\n{{\"code\": \"x\" \"y\": 1}}\n"),
            format!("{RECORD}\n\n42\n"),
            format!("{RECORD}\n{{\"code\": \"\\ud800\"}}\n"),
            format!("[{RECORD}, tru]"),
            format!("[{RECORD}, 12x]"),
            format!("[{RECORD}, 1e999]"),
            "[1, \"a\", null]".to_string(),
            "null\n[]".to_string(),
            "{'content': []}".to_string(),
        ];
        for text in &texts {
            let want = outcome(text.as_bytes(), LIMITS);
            for chunk in [1, 2, 3, 5, 8, 13, 64, 1000] {
                assert_eq!(
                    outcome(text.as_bytes(), small(chunk)),
                    want,
                    "{chunk}: {text}"
                );
            }
        }
        // The errors' lines, once by hand.
        let lines = |t: &String| outcome(t.as_bytes(), small(3)).map(|_| ()).unwrap_err();
        assert!(lines(&texts[6]).starts_with(&format!("{}: cú pháp", 3 + pretty.lines().count())));
        assert!(lines(&texts[7]).starts_with("2: cú pháp"));
        assert!(lines(&texts[8]).starts_with("3: cú pháp"));
        assert!(
            lines(&texts[9])
                .starts_with(&format!("{}: tệp JSON bị cắt", 1 + pretty.lines().count()))
        );
        assert!(lines(&texts[11]).starts_with("3: cú pháp"));
        assert!(lines(&texts[12]).starts_with("3: tệp JSON có một giá trị đơn lẻ"));
        let e = lines(&texts[13]);
        assert!(e.starts_with("2: "), "{e}");
        let rows = outcome(texts[2].as_bytes(), small(1)).unwrap();
        assert_eq!(
            rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            [2, 3 + pretty.lines().count() as u64]
        );
        let utf16: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(texts[4].encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(
            outcome(&utf16, small(7)),
            outcome(texts[4].as_bytes(), LIMITS)
        );
    }

    #[test]
    fn a_value_longer_than_the_limit_is_refused() {
        let limits = Limits {
            chunk: 16,
            max_value: 100,
        };
        let text = format!("[{RECORD},\n{RECORD}]");
        let err = outcome(text.as_bytes(), limits).unwrap_err();
        assert!(err.starts_with("1: một bản ghi JSON dài hơn"), "{err}");
        // A syntax error before the limit is still named as such.
        let err = outcome(b"[{\"a\": 1 \"b\": \"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789\"}]", limits).unwrap_err();
        assert!(err.starts_with("1: cú pháp"), "{err}");
    }

    /// A value for the property below: what is written, and what is read.
    #[derive(Clone, Debug)]
    enum G {
        Null,
        Bool(bool),
        Int(i64),
        Float(f64),
        Str(String),
        /// Written with every character as a `\u` escape.
        Escaped(String),
        Obj(Vec<(String, G)>),
        Arr(Vec<G>),
    }

    fn value() -> impl proptest::strategy::Strategy<Value = G> {
        use proptest::prelude::*;
        let text = "[a-zA-Z0-9\u{0300}\u{1EA1}\u{0111}\"\\\\\t }{,:\\[\\]]{0,8}";
        let leaf = prop_oneof![
            Just(G::Null),
            any::<bool>().prop_map(G::Bool),
            any::<i64>().prop_map(G::Int),
            (-1e9f64..1e9).prop_map(G::Float),
            text.prop_map(G::Str),
            text.prop_map(G::Escaped),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(("[xy][0-2]", inner.clone()), 0..4).prop_map(G::Obj),
                proptest::collection::vec(inner, 0..4).prop_map(G::Arr),
            ]
        })
    }

    fn write(g: &G, pretty: bool, out: &mut String) {
        let sep = if pretty { ",\n  " } else { ", " };
        match g {
            G::Null => out.push_str("null"),
            G::Bool(b) => out.push_str(&b.to_string()),
            G::Int(n) => out.push_str(&n.to_string()),
            G::Float(f) => out.push_str(&serde_json::to_string(f).unwrap()),
            G::Str(s) => out.push_str(&serde_json::to_string(s).unwrap()),
            G::Escaped(s) => {
                out.push('"');
                for u in s.encode_utf16() {
                    out.push_str(&format!("\\u{u:04x}"));
                }
                out.push('"');
            }
            G::Obj(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push_str(sep);
                    }
                    out.push_str(&serde_json::to_string(k).unwrap());
                    out.push_str(": ");
                    write(v, pretty, out);
                }
                out.push('}');
            }
            G::Arr(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(sep);
                    }
                    write(v, pretty, out);
                }
                out.push(']');
            }
        }
    }

    /// The dotted names and texts of a record, the simple way.
    fn flatten(prefix: &str, members: &[(String, G)], out: &mut Vec<(String, String)>) {
        for (k, v) in members {
            let name = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            let text = match v {
                G::Obj(inner) => {
                    flatten(&name, inner, out);
                    continue;
                }
                G::Arr(_) => continue,
                G::Null => String::new(),
                G::Bool(b) => b.to_string(),
                G::Int(n) => n.to_string(),
                // As serde reads it back.
                G::Float(f) => serde_json::from_str::<f64>(&serde_json::to_string(f).unwrap())
                    .unwrap()
                    .to_string(),
                G::Str(s) | G::Escaped(s) => nfc(s).into_owned(),
            };
            out.push((name, text));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Records read in any layout, window and spacing are the simple
        /// flattening of what was written, on the lines they start on.
        #[test]
        fn records_are_their_simple_flattening(
            extras in proptest::collection::vec(proptest::collection::vec(("[xy][0-2]", value()), 0..4), 2..6),
            layout in 0..3u8,
            pretty in proptest::bool::ANY,
            chunk in 1..40usize,
        ) {
            let mut records = Vec::new();
            for (i, extra) in extras.into_iter().enumerate() {
                let mut members = vec![
                    ("code".to_string(), G::Str(format!("C{i}"))),
                    ("agency".to_string(), G::Obj(vec![("name".to_string(), G::Str("U".into()))])),
                    ("acceptedDate".to_string(), G::Str("2024-01-01".into())),
                    ("appointmentDate".to_string(), G::Null),
                    ("dossierStatus".to_string(), G::Obj(vec![("name".to_string(), G::Escaped("Đã".into()))])),
                ];
                members.extend(extra);
                records.push(members);
            }
            let (open, between, close) = match layout {
                0 => ("[\n", ",\n", "\n]\n"),
                1 => ("{\"errors\": [], \"content\": [", ", ", "], \"total\": {\"n\": 1}}"),
                _ => ("", "\n", "\n"),
            };
            let mut text = open.to_string();
            let mut lines = Vec::new();
            for (i, members) in records.iter().enumerate() {
                if i > 0 {
                    text.push_str(between);
                }
                lines.push(1 + text.matches('\n').count() as u64);
                write(&G::Obj(members.clone()), pretty, &mut text);
            }
            text.push_str(close);

            let mut order: Vec<String> = Vec::new();
            let flat: Vec<Vec<(String, String)>> = records.iter().map(|members| {
                let mut out = Vec::new();
                flatten("", members, &mut out);
                for (k, _) in &out {
                    if !order.contains(k) {
                        order.push(k.clone());
                    }
                }
                out
            }).collect();
            let want: Vec<(u64, Vec<String>)> = flat.iter().zip(&lines).map(|(out, &line)| {
                let cells = order.iter().map(|k| {
                    out.iter().rev().find(|(n, _)| n == k).map_or(String::new(), |(_, t)| t.clone())
                }).collect();
                (line, cells)
            }).collect();
            proptest::prop_assert_eq!(outcome(text.as_bytes(), small(chunk)), Ok(want), "{}", text);
        }
    }
}
