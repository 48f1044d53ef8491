//! JSON exports (SPEC §1.1): an array of records; an object whose first
//! array of objects holds them (VNPT iGate answers `{"content": [...]}`);
//! or one record per line (NDJSON). Nested objects are flattened to dotted
//! names (`agency.name`), arrays inside a record are ignored, numbers and
//! booleans are read as their text.
//!
//! The file is read twice, streaming: once for the shape and the keys
//! (records need not all have the same keys), once for the records, so
//! memory holds one record at a time.

use std::borrow::Cow;
use std::cell::{Cell as Shared, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::rc::Rc;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor as SerdeVisitor};

use super::cells::Cell;
use super::encoding::{Encoding, Transcoder};
use super::header::HeaderRules;
use super::table::Table;
use super::{Error, Visitor};
use crate::text::nfc;

/// More distinct keys than any export has: a hostile file is refused.
const MAX_KEYS: usize = 4096;

const SCALAR: &str = "tệp JSON có một giá trị đơn lẻ, không phải bản ghi: cần một mảng các bản ghi, một đối tượng chứa mảng đó, hoặc một bản ghi mỗi dòng";

/// Reads the records of a JSON file.
pub(crate) fn read(
    path: &Path,
    rules: &HeaderRules,
    visitor: &mut dyn Visitor,
) -> Result<(), Error> {
    let survey = Ctx::new(Pass::Survey);
    walk(path, &survey)?;
    let Survey {
        values,
        has_elements,
        element_keys,
        object_keys,
        non_records,
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
        error: None,
    });
    let walked = walk(path, &records);
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

impl Keys {
    fn add(&mut self, key: &str) -> Result<(), String> {
        if self.index.contains_key(key) {
            return Ok(());
        }
        if self.order.len() >= MAX_KEYS {
            return Err(format!(
                "có hơn {MAX_KEYS} khóa khác nhau trong các bản ghi: không phải tệp xuất hồ sơ"
            ));
        }
        self.index.insert(key.to_string(), self.order.len());
        self.order.push(key.to_string());
        Ok(())
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
    /// Keys of the top-level objects, read as records.
    object_keys: Keys,
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
    error: Option<Error>,
}

/// What every seed of one pass shares.
struct Ctx<'e, 'v> {
    pass: Pass,
    survey: RefCell<Survey>,
    emit: RefCell<Option<Emit<'e, 'v>>>,
    line: Rc<Shared<u64>>,
    /// Index of the top-level value being read.
    value: Shared<usize>,
    /// Our own message for a refusal (serde_json's are English).
    problem: RefCell<Option<String>>,
}

impl<'e, 'v> Ctx<'e, 'v> {
    fn new(pass: Pass) -> Ctx<'e, 'v> {
        Ctx {
            pass,
            survey: RefCell::default(),
            emit: RefCell::new(None),
            line: Rc::new(Shared::new(1)),
            value: Shared::new(0),
            problem: RefCell::new(None),
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

    /// A complete record of `kind`, read from `line`.
    fn record<E: de::Error>(&self, record: Flat, line: u64, kind: Mode) -> Result<(), E> {
        match self.pass {
            Pass::Survey => {
                let mut s = self.survey.borrow_mut();
                if kind == Mode::Elements {
                    s.has_elements = true;
                }
                let keys = match kind {
                    Mode::Objects => &mut s.object_keys,
                    Mode::Elements => &mut s.element_keys,
                };
                for (k, _) in &record.0 {
                    keys.add(k).map_err(|m| self.refuse(m))?;
                }
                Ok(())
            }
            Pass::Records(mode) if mode == kind => {
                let mut emit = self.emit.borrow_mut();
                let Some(emit) = emit.as_mut() else {
                    return Ok(());
                };
                let mut cells = vec![Cell::Empty; emit.keys.order.len()];
                for (k, v) in record.0 {
                    if let Some(&i) = emit.keys.index.get(&k) {
                        cells[i] = v;
                    }
                }
                if let Err(e) = emit.table.row(line, &cells, &mut *emit.visitor) {
                    emit.error = Some(e);
                    return Err(E::custom("stop"));
                }
                Ok(())
            }
            Pass::Records(_) => Ok(()),
        }
    }
}

/// Reads every top-level value of the file.
fn walk(path: &Path, ctx: &Ctx<'_, '_>) -> Result<(), Error> {
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
    let mut reader = Lines {
        inner: BufReader::with_capacity(256 * 1024, source),
        line: ctx.line.clone(),
    };
    // A BOM is not JSON.
    if reader
        .inner
        .fill_buf()
        .map_err(io)?
        .starts_with(b"\xEF\xBB\xBF")
    {
        reader.inner.consume(3);
    }
    let mut index = 0usize;
    while reader.skip_blank().map_err(io)? {
        ctx.value.set(index);
        let at = ctx.line.get();
        let mut de = serde_json::Deserializer::from_reader(&mut reader);
        if let Err(e) = (Top { ctx }).deserialize(&mut de) {
            let ours = ctx.problem.borrow_mut().take();
            if let Some(emit) = ctx.emit.borrow_mut().as_mut()
                && let Some(err) = emit.error.take()
            {
                return Err(err);
            }
            return Err(json_error(path, at, &e, ours));
        }
        index += 1;
        ctx.survey.borrow_mut().values = index;
    }
    Ok(())
}

fn json_error(path: &Path, at: u64, e: &serde_json::Error, ours: Option<String>) -> Error {
    use serde_json::error::Category;
    let scalar = ours.as_deref() == Some(SCALAR);
    let message = match (ours, e.classify()) {
        (Some(m), _) => m,
        (None, Category::Eof) => "tệp JSON bị cắt cụt (thiếu dấu đóng } hoặc ])".into(),
        (None, Category::Io) => "lỗi đọc tệp (hoặc tệp không phải UTF-8 hay UTF-16 hợp lệ)".into(),
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
        (None, _) => "cú pháp JSON sai (kiểm tra dấu phẩy, dấu ngoặc kép, dấu ngoặc)".into(),
    };
    // serde counts lines from the start of the value it reads, which is
    // line `at` of the file (one record a line in NDJSON); a value that is
    // not a record is named where it starts.
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

/// A reader that counts the lines it has given out, so a record's line is
/// known where it starts (serde_json reads byte by byte).
struct Lines<R> {
    inner: BufReader<R>,
    line: Rc<Shared<u64>>,
}

impl<R: Read> Lines<R> {
    /// Skips whitespace between top-level values; false at the end.
    fn skip_blank(&mut self) -> std::io::Result<bool> {
        loop {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                return Ok(false);
            }
            let blank = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
            let newlines = buf[..blank].iter().filter(|&&b| b == b'\n').count() as u64;
            self.line.set(self.line.get() + newlines);
            let more = blank < buf.len();
            self.inner.consume(blank);
            if more {
                return Ok(true);
            }
        }
    }
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // serde_json asks for one byte at a time: give it from the buffer
        // without the general copy and count.
        if let ([slot], [b, ..]) = (&mut *buf, self.inner.buffer()) {
            *slot = *b;
            if *b == b'\n' {
                self.line.set(self.line.get() + 1);
            }
            self.inner.consume(1);
            return Ok(1);
        }
        let n = self.inner.read(buf)?;
        let newlines = buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        self.line.set(self.line.get() + newlines);
        Ok(n)
    }
}

/// A record's values by dotted key, as cells.
#[derive(Default)]
struct Flat(Vec<(String, Cell<'static>)>);

/// A top-level value: an array of records, an object holding one, or a
/// record.
struct Top<'c, 'e, 'v> {
    ctx: &'c Ctx<'e, 'v>,
}

impl<'de> DeserializeSeed<'de> for Top<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> SerdeVisitor<'de> for Top<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("một mảng hoặc đối tượng JSON")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let take = self.ctx.elements_wanted();
        while let Some(record) = seq.next_element_seed(Element {
            ctx: self.ctx,
            take,
        })? {
            if take && !record && self.ctx.pass == Pass::Survey {
                self.ctx.survey.borrow_mut().non_records += 1;
            }
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let line = self.ctx.line.get();
        let mut record = Flat::default();
        let mut found = false;
        while let Some(key) = map.next_key::<String>()? {
            let take = !found && self.ctx.elements_wanted();
            found |= map.next_value_seed(Value {
                ctx: self.ctx,
                record: &mut record,
                key,
                records: take,
            })?;
        }
        self.ctx.record(record, line, Mode::Objects)
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(self.scalar())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(self.scalar())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(self.scalar())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(self.scalar())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(self.scalar())
    }
}

impl Top<'_, '_, '_> {
    fn scalar<E: de::Error>(&self) -> E {
        self.ctx.refuse(SCALAR.into())
    }
}

/// An element of an array: a record when `take`, else passed over.
struct Element<'c, 'e, 'v> {
    ctx: &'c Ctx<'e, 'v>,
    take: bool,
}

impl<'de> DeserializeSeed<'de> for Element<'_, '_, '_> {
    /// Whether it was an object.
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        if self.take {
            d.deserialize_any(self)
        } else {
            <IgnoredAny as de::Deserialize>::deserialize(d).map(|_| false)
        }
    }
}

impl<'de> SerdeVisitor<'de> for Element<'_, '_, '_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("một bản ghi")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let line = self.ctx.line.get();
        let mut record = Flat::default();
        while let Some(key) = map.next_key::<String>()? {
            map.next_value_seed(Value {
                ctx: self.ctx,
                record: &mut record,
                key,
                records: false,
            })?;
        }
        self.ctx.record(record, line, Mode::Elements)?;
        Ok(true)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(false)
    }

    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }
}

/// The value of `key` in a record: a scalar becomes a cell, an object is
/// flattened under `key.`, an array is ignored (or, directly under a
/// top-level object in the first pass or the elements mode, holds the
/// records when `records`).
struct Value<'c, 'r, 'e, 'v> {
    ctx: &'c Ctx<'e, 'v>,
    record: &'r mut Flat,
    key: String,
    records: bool,
}

impl<'de> DeserializeSeed<'de> for Value<'_, '_, '_, '_> {
    /// Whether it was an array holding records.
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl Value<'_, '_, '_, '_> {
    fn put(self, cell: Cell<'static>) -> bool {
        self.record.0.push((self.key, cell));
        false
    }

    /// The survey wants only the keys: values are not built for it.
    fn put_with(self, cell: impl FnOnce() -> Cell<'static>) -> bool {
        let cell = match self.ctx.pass {
            Pass::Survey => Cell::Empty,
            Pass::Records(_) => cell(),
        };
        self.put(cell)
    }
}

impl<'de> SerdeVisitor<'de> for Value<'_, '_, '_, '_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("một giá trị")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            let key = format!("{}.{key}", self.key);
            map.next_value_seed(Value {
                ctx: self.ctx,
                record: &mut *self.record,
                key,
                records: false,
            })?;
        }
        Ok(false)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        let mut held = false;
        while let Some(object) = seq.next_element_seed(Element {
            ctx: self.ctx,
            take: self.records,
        })? {
            held |= object;
        }
        Ok(held)
    }

    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(self.put(Cell::Empty))
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<bool, E> {
        Ok(self.put(Cell::Text(Cow::Borrowed(if b { "true" } else { "false" }))))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<bool, E> {
        Ok(self.put_with(|| Cell::Text(Cow::Owned(n.to_string()))))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<bool, E> {
        Ok(self.put_with(|| Cell::Text(Cow::Owned(n.to_string()))))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<bool, E> {
        Ok(self.put_with(|| Cell::Text(Cow::Owned(n.to_string()))))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<bool, E> {
        Ok(self.put_with(|| Cell::Text(Cow::Owned(nfc(s).into_owned()))))
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<bool, E> {
        Ok(self.put_with(|| {
            Cell::Text(Cow::Owned(match nfc(&s) {
                Cow::Borrowed(_) => s,
                Cow::Owned(n) => n,
            }))
        }))
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
}
