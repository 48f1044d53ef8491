//! From a row's cells to a validated dossier, or to a list of faults.
//!
//! Every fault of a row is reported, not only the first, so a clerk fixes a
//! row once.

use std::borrow::Cow;
use std::hash::Hasher;
use std::sync::Arc;

use chrono::NaiveDate;

use super::cells::{CellRef, Cells};
use super::dossier::{Channel, DomainId, Dossier, Level, Status, Tri, UnitId};
use super::encoding::Encoding;
use super::field::Field;
use super::names::Names;
use super::problem::{Fault, FaultKind, RowProblem};
use super::skip::{self, Skip};
use super::values::{self, DateRules, StatusRules, ValueRules};
use super::{Header, Visitor};
use crate::hash::{FastMap, FoldHasher};

/// A dossier read from a row, with what identifies it.
#[derive(Debug)]
pub struct Record<'a> {
    /// `ma_ho_so`, the key duplicates merge on: valid UTF-8 (ASCII as read,
    /// or decoded text), kept as bytes so an ASCII code needs no check.
    pub code: &'a [u8],
    pub dossier: Dossier,
    /// The file and line it came from.
    pub file: &'a Arc<str>,
    pub line: u64,
    cells: &'a Cells<'a>,
}

impl Record<'_> {
    /// A hash of the values a [`Dossier`] does not hold. Two readings are
    /// the same when this and their dossiers are equal; the dossiers are
    /// compared apart because their unit and domain ids are local to the
    /// part of the file that read them. Only needed for repeated codes, so
    /// computed on demand.
    pub fn fingerprint(&self) -> u64 {
        let mut h = FoldHasher::default();
        for field in [
            Field::Ended,
            Field::HandedOver,
            Field::Amount,
            Field::ProcedureCode,
            Field::ProcedureName,
        ] {
            // Typed cells by value: writing a date out as text per row
            // took a tenth of reading a workbook.
            match self.cells.get(field) {
                CellRef::Number(n) => h.write_u64(n.to_bits()),
                CellRef::Date(d) => h.write_i32(chrono::Datelike::num_days_from_ce(&d)),
                cell => h.write(cell.key().unwrap_or_default()),
            }
        }
        h.finish()
    }

    /// `ma_thu_tuc`, read only for the few dossiers kept whole.
    pub fn procedure_code(&self) -> String {
        self.cells.text(Field::ProcedureCode).trim().to_string()
    }

    /// `ten_thu_tuc`, read only for the few dossiers kept whole.
    pub fn procedure_name(&self) -> String {
        crate::text::clean_name(&self.cells.text(Field::ProcedureName))
    }
}

/// Counts of what was read, for the input accounting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadCounts {
    /// Rows with data (title, header and blank rows are not counted).
    pub rows: u64,
    /// Rows left out because they are invalid.
    pub rejected: u64,
    /// Rows that are not dossiers (SPEC §1.5).
    pub skipped: u64,
}

/// How many passed-over rows a file lists with their lines.
pub const LISTED_SKIPS: usize = 200;

/// What was read from one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileReport {
    pub name: String,
    pub counts: ReadCounts,
    /// What the file was read as.
    pub kind: Option<super::Kind>,
    /// Its header, once found.
    pub header: Option<Header>,
    /// Optional columns the file lacks: the figures needing them are N/A.
    pub missing: Vec<Field>,
    /// Rows passed over as not dossiers, with their lines (the first
    /// [`LISTED_SKIPS`]; all are counted).
    pub skipped: Vec<(Skip, u64)>,
}

impl FileReport {
    /// The figure columns the file has.
    pub fn known(&self) -> super::Known {
        self.header
            .as_ref()
            .map_or(super::Known::ALL, |h| super::Known::of(&h.columns))
    }
}

/// Turns rows into records for `sink` and faults into problems for
/// `report`, for one file or one range of a file.
pub(crate) struct Loader<'a> {
    pub statuses: &'a StatusRules,
    pub values: &'a ValueRules,
    pub dates: &'a DateRules,
    pub caches: &'a mut Caches,
    pub names: &'a mut Names,
    pub sink: &'a mut dyn FnMut(&Record<'_>),
    pub report: &'a mut dyn FnMut(RowProblem),
    pub counts: ReadCounts,
    pub file: Arc<str>,
    /// The header, once a reader has found it.
    pub header: Option<Header>,
    /// Rows passed over as not dossiers (the first [`LISTED_SKIPS`]).
    pub skipped: Vec<(Skip, u64)>,
}

impl Loader<'_> {
    fn count(&mut self, rejected: bool) {
        self.counts.rows += 1;
        self.counts.rejected += u64::from(rejected);
    }
}

impl Visitor for Loader<'_> {
    fn header(&mut self, header: &Header) {
        self.header = Some(header.clone());
    }

    fn row(&mut self, line: u64, cells: &Cells<'_>, raw: &dyn Fn() -> Vec<String>) {
        if let Some(kind) = skip::classify(cells) {
            self.counts.rows += 1;
            self.counts.skipped += 1;
            if self.skipped.len() < LISTED_SKIPS {
                self.skipped.push((kind, line));
            }
            return;
        }
        self.caches.use_encoding(cells.encoding);
        let rules = Rules {
            statuses: self.statuses,
            values: self.values,
            dates: self.dates,
        };
        let parsed = parse(cells, &rules, self.names, self.caches);
        self.count(parsed.is_err());
        match parsed {
            Ok(parsed) => {
                let record = Record {
                    code: &parsed.code,
                    dossier: parsed.dossier,
                    file: &self.file,
                    line,
                    cells,
                };
                (self.sink)(&record);
            }
            Err(faults) => {
                (self.report)(RowProblem {
                    file: self.file.clone(),
                    line,
                    faults,
                    cells: raw(),
                });
            }
        }
    }

    fn problem(&mut self, problem: RowProblem) {
        self.count(true);
        (self.report)(problem);
    }
}

/// How many distinct values a cache keeps: vocabularies are small, and a
/// column of unique values must not grow memory with the rows.
const CACHE_LIMIT: usize = 4096;

/// How many unit or field names their caches keep. Every distinct name
/// is interned as a group anyway, so caching it costs memory of the same
/// order; a country's 10 000 communes past the vocabulary limit each took
/// the slow path of decoding, NFC and cleaning on every row (a fifth of
/// the time). Still bounded, against a file of unique names.
const NAME_CACHE_LIMIT: usize = 1 << 18;

/// Bytes of keys a cache keeps at most, whatever their number: a file of
/// unique ten-kilobyte names must not make each thread's caches grow to
/// gigabytes.
const CACHE_BYTES: usize = 16 << 20;

/// A key's length and its first and last eight bytes, which identify a
/// key of up to 16 bytes and tell most longer ones apart (unit names share
/// their start, "UBND xã ", not their end).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Sketch {
    len: usize,
    head: u64,
    tail: u64,
}

impl Sketch {
    fn of(key: &[u8]) -> Sketch {
        let (head, tail) = match (key.first_chunk::<8>(), key.last_chunk::<8>()) {
            (Some(h), Some(t)) => (u64::from_le_bytes(*h), u64::from_le_bytes(*t)),
            _ => (short_word(key), 0),
        };
        Sketch {
            len: key.len(),
            head,
            tail,
        }
    }

    fn slot(&self, bits: u32) -> usize {
        let mixed = (self.head ^ self.tail.rotate_left(29) ^ self.len as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (mixed >> (64 - bits)) as usize
    }
}

/// The bytes of a key shorter than eight bytes as one integer, read as two
/// overlapping loads (a variable-length copy would call memcpy).
fn short_word(key: &[u8]) -> u64 {
    let n = key.len();
    if let (Some(a), Some(b)) = (key.first_chunk::<4>(), key.last_chunk::<4>()) {
        u64::from(u32::from_le_bytes(*a)) | u64::from(u32::from_le_bytes(*b)) << (8 * (n - 4))
    } else if let (Some(a), Some(b)) = (key.first_chunk::<2>(), key.last_chunk::<2>()) {
        u64::from(u16::from_le_bytes(*a)) | u64::from(u16::from_le_bytes(*b)) << (8 * (n - 2))
    } else {
        key.first().map_or(0, |&b| u64::from(b))
    }
}

/// `a == b` for keys a little longer than a word, compared eight bytes at a
/// time in place (a slice comparison calls memcmp): the whole words, then
/// the last eight bytes, overlapping them, for the rest.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let ((wa, _), (wb, _)) = (a.as_chunks::<8>(), b.as_chunks::<8>());
    wa.iter().zip(wb).all(|(x, y)| x == y)
        && match (a.last_chunk::<8>(), b.last_chunk::<8>()) {
            (Some(x), Some(y)) => x == y,
            // Shorter than a word: one small comparison.
            _ => a == b,
        }
}

/// A remembered value: its key's sketch, the key, the value.
type Slot<T> = (Sketch, Box<[u8]>, T);

/// One field's parsed values by the bytes they were read from: a small
/// direct-mapped table checked first (one multiplication and a compare per
/// row), then a hash map of every value seen.
struct Cache<T> {
    slots: Vec<Option<Slot<T>>>,
    bits: u32,
    many: FastMap<Box<[u8]>, T>,
    /// Values kept in `many` at most.
    limit: usize,
    /// Bytes of the keys in `many`.
    bytes: usize,
}

impl<T: Clone> Cache<T> {
    /// For a column of a handful of values (statuses, yes/no): a table
    /// small enough to stay in the first-level cache.
    fn new() -> Self {
        Cache::with_slots(5, CACHE_LIMIT)
    }

    /// For a column of many values (unit names): `2^bits` slots, and up
    /// to `limit` values in all.
    fn with_slots(bits: u32, limit: usize) -> Self {
        Cache {
            slots: vec![None; 1 << bits],
            bits,
            many: FastMap::default(),
            limit,
            bytes: 0,
        }
    }

    /// The value of `cell`, computed by `parse` the first time its bytes are
    /// seen. Typed cells (numbers, dates) are parsed every time.
    fn get(&mut self, cell: CellRef<'_>, parse: impl FnOnce() -> T) -> T {
        let Some(key) = cell.key() else {
            return parse();
        };
        let sketch = Sketch::of(key);
        // Two ways: two values of a column ("Có", "Không") may share a slot.
        let first = sketch.slot(self.bits);
        for i in [first, first ^ 1] {
            if let Some((s, k, v)) = &self.slots[i]
                && *s == sketch
                && (key.len() <= 16 || same_bytes(k, key))
            {
                return v.clone();
            }
        }
        let way = if self.slots[first].is_none() {
            first
        } else if self.slots[first ^ 1].is_none() {
            first ^ 1
        } else {
            first
        };
        if let Some(v) = self.many.get(key) {
            self.slots[way] = Some((sketch, key.into(), v.clone()));
            return v.clone();
        }
        let v = parse();
        // A column of unique values must not grow memory with the rows.
        if self.many.len() < self.limit && self.bytes + key.len() <= CACHE_BYTES {
            self.bytes += key.len();
            self.many.insert(key.into(), v.clone());
            self.slots[way] = Some((sketch, key.into(), v.clone()));
        }
        v
    }

    fn clear(&mut self) {
        self.slots.iter_mut().for_each(|s| *s = None);
        self.many.clear();
        self.bytes = 0;
    }

    /// Keeps only the values `keep` accepts.
    fn retain(&mut self, keep: impl Fn(&T) -> bool) {
        for slot in &mut self.slots {
            if slot.as_ref().is_some_and(|(_, _, v)| !keep(v)) {
                *slot = None;
            }
        }
        self.many.retain(|_, v| keep(v));
        self.bytes = self.many.keys().map(|k| k.len()).sum();
    }
}

/// Dates by their first ten bytes, in a small direct-mapped table: a year
/// of exports has a few hundred distinct days. Only a value whose rest
/// leaves the date as it is (no time, or a local one) reads or writes it:
/// `2023-10-03T18:30:00Z` is 04/10, whatever `2023-10-03` was.
pub(crate) struct DateTable(Vec<Option<(DateKey, NaiveDate)>>);

/// A date's ten bytes as two integers, compared without a call to memcmp.
#[derive(Clone, Copy, PartialEq, Eq)]
struct DateKey(u64, u16);

impl Default for DateTable {
    fn default() -> Self {
        DateTable(vec![None; 1024])
    }
}

impl DateTable {
    fn get(&mut self, bytes: &[u8]) -> Result<Option<NaiveDate>, String> {
        let b = bytes.trim_ascii();
        let Some(head) = b.first_chunk::<10>() else {
            return values::date_bytes(b);
        };
        // Only the fixed-width forms: in `d/m/yyyy` the ten bytes shift.
        let fixed = (head[2] == b'/' && head[5] == b'/') || (head[4] == b'-' && head[7] == b'-');
        if !fixed {
            return values::date_bytes(b);
        }
        let [a, b0, c, d, e, f, g, h, i, j] = *head;
        let key = DateKey(
            u64::from_le_bytes([a, b0, c, d, e, f, g, h]),
            u16::from_le_bytes([i, j]),
        );
        // The day, month and year digits, mixed by one multiplication.
        let mixed = key.0 ^ u64::from(key.1).rotate_left(40);
        let slot = (mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54) as usize % self.0.len();
        if !values::time_suffix_ok(&b[10..]) {
            return values::date_bytes(b);
        }
        if let Some((k, date)) = &self.0[slot]
            && *k == key
        {
            return Ok(Some(*date));
        }
        let parsed = values::date_bytes(b)?;
        if let Some(d) = parsed {
            self.0[slot] = Some((key, d));
        }
        Ok(parsed)
    }
}

/// Parsed values of the classifying fields, by their bytes in the current
/// encoding: a status, channel or unit name is decoded and matched once,
/// then found by a hash of its bytes.
pub(crate) struct Caches {
    encoding: Encoding,
    status: Cache<Result<Status, String>>,
    channel: Cache<Result<Channel, String>>,
    online_flag: Cache<Result<Channel, String>>,
    level: Cache<Result<Option<Level>, String>>,
    yes_no: [Cache<Result<bool, String>>; 5],
    /// A unit name's id, and whether its bytes are not UTF-8 in a UTF-8
    /// file (then it has no id).
    unit: Cache<(Option<UnitId>, bool)>,
    /// A field's id, and whether its bytes are not UTF-8 (as for units).
    domain: Cache<(DomainId, bool)>,
    dates: DateTable,
    /// The unit and field ids below which the names cached are the
    /// scan's (see [`Caches::start_part`]).
    shared_below: (UnitId, DomainId),
}

/// The yes/no fields, in the order of [`Caches::yes_no`].
const YES_NO: [Field; 5] = [
    Field::OnlineService,
    Field::DigitisedIn,
    Field::DigitisedOut,
    Field::Fee,
    Field::PaidOnline,
];

impl Caches {
    pub fn new() -> Caches {
        Caches {
            encoding: Encoding::Utf8,
            status: Cache::new(),
            channel: Cache::new(),
            online_flag: Cache::new(),
            level: Cache::new(),
            yes_no: std::array::from_fn(|_| Cache::new()),
            unit: Cache::with_slots(10, NAME_CACHE_LIMIT),
            domain: Cache::with_slots(8, NAME_CACHE_LIMIT),
            dates: Default::default(),
            shared_below: (0, 0),
        }
    }

    /// Starts a part whose names are over a copy of the scan's with
    /// `units` units and `domains` fields. The caches live on from part
    /// to part (a thread reads many ranges, and learning ten thousand
    /// units again in each took a fifth of the time): the names an
    /// earlier part cached stay when their ids were the scan's; ids past
    /// its copy were that part's own, and mean nothing now.
    pub(crate) fn start_part(&mut self, units: UnitId, domains: DomainId) {
        let (u, d) = self.shared_below;
        self.unit.retain(|(id, _)| id.is_none_or(|id| id < u));
        self.domain.retain(|(id, _)| *id < d);
        self.shared_below = (units, domains);
    }

    /// Bytes mean different text in another encoding: start afresh.
    fn use_encoding(&mut self, encoding: Encoding) {
        if encoding != self.encoding {
            self.encoding = encoding;
            self.status.clear();
            self.channel.clear();
            self.online_flag.clear();
            self.level.clear();
            self.yes_no.iter_mut().for_each(Cache::clear);
            self.unit.clear();
            self.domain.clear();
        }
    }
}

struct Parsed<'c> {
    code: Cow<'c, [u8]>,
    dossier: Dossier,
}

/// Collects the faults of one row.
struct Faults<'r, 'c> {
    cells: &'r Cells<'c>,
    list: Vec<Fault>,
}

impl Faults<'_, '_> {
    fn add(&mut self, kind: FaultKind, field: Field, reason: impl Into<String>) {
        self.list.push(Fault {
            kind,
            field: field.name().to_string(),
            value: self.cells.text(field).into_owned(),
            reason: reason.into(),
        });
    }

    /// The value of a parser, or a fault of `kind`.
    fn check<T>(&mut self, field: Field, kind: FaultKind, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(reason) => {
                self.add(kind, field, reason);
                None
            }
        }
    }
}

/// The user's mappings a row is read with.
struct Rules<'a> {
    statuses: &'a StatusRules,
    values: &'a ValueRules,
    dates: &'a DateRules,
}

/// One row as a dossier, or every fault found in it: each field is read
/// by its own step below, and a row with any fault is refused whole.
fn parse<'c>(
    cells: &'c Cells<'c>,
    rules: &Rules<'_>,
    names: &mut Names,
    caches: &mut Caches,
) -> Result<Parsed<'c>, Vec<Fault>> {
    let mut faults = Faults {
        cells,
        list: Vec::new(),
    };
    let code = code_of(cells);
    if code.is_empty() {
        faults.add(FaultKind::MissingValue, Field::Code, "thiếu mã hồ sơ");
    }
    let status = caches.status.get(cells.get(Field::Status), || {
        rules.statuses.classify(&cells.text(Field::Status))
    });
    let status = faults.check(Field::Status, FaultKind::UnknownStatus, status);
    let received_flag = status != Some(Status::NotReceived);
    let code_owned = matches!(code, Cow::Owned(_));
    let (unit, domain) = names_of(cells, code_owned, names, caches, &mut faults);
    let (received, due, end) = dates_of(cells, rules.dates, status, caches, &mut faults);
    let channel = channel_of(cells, rules.values, caches, &mut faults);
    let level = level_of(
        cells,
        rules.values,
        unit,
        received_flag,
        names,
        caches,
        &mut faults,
    );
    let [
        online_service,
        digitised_in,
        digitised_out,
        fee,
        paid_online,
    ] = flags_of(cells, rules.values, caches, &mut faults);
    let amount = amount_of(cells, &mut faults);

    if !faults.list.is_empty() {
        return Err(faults.list);
    }
    // Each of these is Some when no fault was recorded.
    let (Some(status), Some(unit), Some(channel), Some(level), Some(_)) =
        (status, unit, channel, level, amount)
    else {
        return Err(vec![]);
    };
    let dossier = Dossier {
        unit,
        level,
        domain,
        status,
        channel,
        received,
        due,
        ended: end,
        online_service,
        digitised_in,
        digitised_out,
        fee,
        paid_online,
    };
    Ok(Parsed { code, dossier })
}

/// Whether a field holds bytes that are not UTF-8 in a UTF-8 file (a
/// stray byte further down): such a name must never be interned with a
/// replacement character.
fn bad_bytes(cells: &Cells<'_>, field: Field) -> bool {
    match cells.get(field) {
        CellRef::Raw(b) => {
            cells.encoding == Encoding::Utf8
                && !cells.valid_utf8
                && !b.is_ascii()
                && simdutf8::basic::from_utf8(b).is_err()
        }
        _ => false,
    }
}

/// The unit and the field (lĩnh vực), interned once per spelling; the
/// texts kept as they are (code, names, procedure) checked for bad bytes.
fn names_of(
    cells: &Cells<'_>,
    code_owned: bool,
    names: &mut Names,
    caches: &mut Caches,
    faults: &mut Faults<'_, '_>,
) -> (Option<UnitId>, DomainId) {
    let (unit, bad_unit) = caches.unit.get(cells.get(Field::Unit), || {
        let bad = bad_bytes(cells, Field::Unit);
        let unit = if bad {
            None
        } else {
            names.unit(&cells.text(Field::Unit))
        };
        (unit, bad)
    });
    if unit.is_none() && !bad_unit {
        faults.add(FaultKind::MissingValue, Field::Unit, "thiếu đơn vị");
    }
    // An ASCII code (borrowed as read) has no bad bytes to look for.
    let bad_code = code_owned && bad_bytes(cells, Field::Code);
    let (domain, bad_domain) = caches.domain.get(cells.get(Field::Domain), || {
        let bad = bad_bytes(cells, Field::Domain);
        let id = if bad {
            0
        } else {
            names.domain(&cells.text(Field::Domain))
        };
        (id, bad)
    });
    let bad_fields = [
        (Field::Code, bad_code),
        (Field::Unit, bad_unit),
        (Field::Domain, bad_domain),
        (Field::ProcedureCode, bad_bytes(cells, Field::ProcedureCode)),
        (Field::ProcedureName, bad_bytes(cells, Field::ProcedureName)),
    ];
    for (field, bad) in bad_fields {
        if bad {
            faults.add(
                FaultKind::Encoding,
                field,
                "byte không hợp lệ trong tệp UTF-8 (tệp trộn nhiều bảng mã?)",
            );
        }
    }
    (unit, domain)
}

/// The dates of receipt, due and end. A final status needs an end (the
/// end of processing, else the hand-over), not before the receipt.
fn dates_of(
    cells: &Cells<'_>,
    formats: &DateRules,
    status: Option<Status>,
    caches: &mut Caches,
    faults: &mut Faults<'_, '_>,
) -> (Option<NaiveDate>, Option<NaiveDate>, Option<NaiveDate>) {
    let mut read = |field| read_date(faults, &mut caches.dates, formats, field);
    let received = read(Field::Received);
    let due = read(Field::Due);
    let ended = read(Field::Ended);
    let handed_over = read(Field::HandedOver);
    if status != Some(Status::NotReceived) && matches!(received, Some(None)) {
        faults.add(
            FaultKind::MissingValue,
            Field::Received,
            "thiếu ngày tiếp nhận",
        );
    }
    let received = received.flatten();
    if !status.is_some_and(|s| s.is_final()) {
        return (received, due.flatten(), None);
    }
    let end = match (ended.flatten(), handed_over.flatten()) {
        (Some(e), _) => Some((Field::Ended, e)),
        (None, Some(h)) => Some((Field::HandedOver, h)),
        // Unreadable: already a fault.
        _ if ended.is_none() || handed_over.is_none() => None,
        _ => {
            let reason = if cells.present(Field::Ended) || cells.present(Field::HandedOver) {
                format!(
                    "hồ sơ có trạng thái '{}' nhưng không có ngày kết thúc xử lý hay ngày trả kết quả",
                    cells.text(Field::Status)
                )
            } else {
                "hồ sơ đã kết thúc nhưng tệp không có cột ngày kết thúc xử lý hay ngày trả kết quả"
                    .to_string()
            };
            faults.add(FaultKind::NoEndDate, Field::Ended, reason);
            None
        }
    };
    if let (Some((field, e)), Some(r)) = (end, received)
        && e < r
    {
        faults.add(
            FaultKind::EndBeforeReceipt,
            field,
            format!(
                "ngày kết thúc trước ngày tiếp nhận ({})",
                crate::vn::date(r)
            ),
        );
    }
    (received, due.flatten(), end.map(|(_, e)| e))
}

/// A date cell: `None` when the value is unreadable (a fault is
/// recorded), `Some(None)` when it is empty.
fn read_date(
    faults: &mut Faults<'_, '_>,
    last: &mut DateTable,
    formats: &DateRules,
    field: Field,
) -> Option<Option<NaiveDate>> {
    let result = match faults.cells.get(field) {
        CellRef::Empty => Ok(None),
        CellRef::Date(d) => Ok(Some(d)),
        CellRef::Number(n) => excel_serial(n)
            .map(Some)
            .ok_or_else(|| "không đọc được ngày (ô số không phải ngày Excel)".to_string()),
        // The config's formats only after the built-in forms fail, on
        // the decoded text (a format may hold letters).
        CellRef::Raw(b) => last.get(b).or_else(|e| {
            if formats.is_empty() {
                return Err(e);
            }
            formats.extra(&faults.cells.text(field)).map(Some).ok_or(e)
        }),
        CellRef::Text(t) => formats.date(t),
    };
    faults.check(field, FaultKind::BadDate, result)
}

/// The level: from its column, else the unit's (config or name); a
/// dossier not received needs none. `None` when unknown (a fault).
fn level_of(
    cells: &Cells<'_>,
    rules: &ValueRules,
    unit: Option<UnitId>,
    received_flag: bool,
    names: &Names,
    caches: &mut Caches,
    faults: &mut Faults<'_, '_>,
) -> Option<Level> {
    let value = caches.level.get(cells.get(Field::Level), || {
        rules.level(&cells.text(Field::Level))
    });
    match (
        faults.check(Field::Level, FaultKind::UnknownLevel, value),
        unit,
    ) {
        (Some(Some(l)), _) => Some(l),
        (Some(None), Some(u)) => match names.unit_level(u) {
            Some(l) => Some(l),
            None if !received_flag => Some(Level::Xa),
            None => {
                faults.add(
                    FaultKind::UnknownLevel,
                    Field::Unit,
                    unknown_level(names.unit_name(u)),
                );
                None
            }
        },
        _ => None,
    }
}

/// The yes/no fields, in the order of [`YES_NO`]; unknown where the
/// column is missing.
fn flags_of(
    cells: &Cells<'_>,
    rules: &ValueRules,
    caches: &mut Caches,
    faults: &mut Faults<'_, '_>,
) -> [Tri; 5] {
    let mut flags = [Tri::Unknown; 5];
    for (i, field) in YES_NO.into_iter().enumerate() {
        if !cells.present(field) {
            continue;
        }
        let parsed = caches.yes_no[i].get(cells.get(field), || match cells.get(field) {
            CellRef::Number(n) => rules.yes_no(&super::cells::number_text(n), field),
            _ => rules.yes_no(&cells.text(field), field),
        });
        flags[i] = faults
            .check(field, FaultKind::BadYesNo, parsed)
            .map_or(Tri::Unknown, Tri::from);
    }
    flags
}

/// Whether the amount (phí, lệ phí) is readable: only its validity
/// matters, no figure uses its value. `None` when it is not (a fault).
fn amount_of(cells: &Cells<'_>, faults: &mut Faults<'_, '_>) -> Option<()> {
    let amount = match cells.get(Field::Amount) {
        CellRef::Number(n) => number_is_amount(n)
            .then_some(())
            .ok_or_else(|| "số tiền không hợp lệ".to_string()),
        // Digits, grouped by dots or not (or nothing), are an amount as
        // they stand.
        CellRef::Raw(b) if values::plain_amount(b.trim_ascii()) => Ok(()),
        CellRef::Raw(b) if b.is_ascii() => {
            values::amount(std::str::from_utf8(b).unwrap_or_default()).map(|_| ())
        }
        _ => values::amount(&cells.text(Field::Amount)).map(|_| ()),
    };
    faults.check(Field::Amount, FaultKind::BadAmount, amount)
}

/// Whether a spreadsheet number is an amount `Decimal` can hold. Every
/// finite number under 10^28 is (a test checks it against the conversion
/// itself), so the costly conversion runs only for the rare one beyond.
fn number_is_amount(n: f64) -> bool {
    (n.is_finite() && n.abs() < 1e28) || rust_decimal::Decimal::try_from(n).is_ok()
}

/// The channel: from the channel column, else from a yes/no "online"
/// column (OpenCPS), else unknown; `None` when unreadable (a fault).
fn channel_of(
    cells: &Cells<'_>,
    rules: &ValueRules,
    caches: &mut Caches,
    faults: &mut Faults<'_, '_>,
) -> Option<Channel> {
    if cells.present(Field::Channel) {
        let cell = cells.get(Field::Channel);
        let channel = caches
            .channel
            .get(cell, || rules.channel(&cells.text(Field::Channel)));
        return faults.check(Field::Channel, FaultKind::BadChannel, channel);
    }
    let Some(pos) = cells.columns().online_flag() else {
        return Some(Channel::Unknown);
    };
    let cell = cells.at(pos);
    let parsed = caches.online_flag.get(cell, || {
        let text = cells.text_of(cell);
        match values::yes_no(&text, Field::Channel) {
            Ok(true) => Ok(Channel::Online),
            Ok(false) => Ok(Channel::Direct),
            // A column headed "Trực tuyến" may hold channel words.
            Err(_) => rules.channel(&text).map_err(|_| {
                "giá trị không rõ ở cột trực tuyến (cần true/false, Có/Không, 1/0)".to_string()
            }),
        }
    });
    match parsed {
        Ok(c) => Some(c),
        Err(reason) => {
            faults.list.push(Fault {
                kind: FaultKind::BadChannel,
                field: cells.columns().label(pos).to_string(),
                value: cells.text_of(cell).into_owned(),
                reason,
            });
            None
        }
    }
}

/// Why a unit has no level, with the `[[don_vi]]` block that gives it one
/// on its own lines. A name too long to quote (SPEC §9) is left to
/// `cctthc check --goi-y`.
fn unknown_level(name: &str) -> String {
    let mut reason = String::from(
        "không xác định được cấp của đơn vị: thêm cột 'cap' (tinh, huyen, xa) vào tệp, hoặc khai báo đơn vị trong cctthc.toml",
    );
    if name.chars().count() <= 80 {
        reason.push_str(":\n");
        reason.push_str(values::unit_block(name).trim_end());
    } else {
        reason.push_str(" (tên dài: `cctthc check --goi-y` in sẵn khối [[don_vi]] cho đơn vị này)");
    }
    reason
}

/// `ma_ho_so`: codes are ASCII in practice, read with no decoding or copy.
fn code_of<'c>(cells: &'c Cells<'c>) -> Cow<'c, [u8]> {
    match cells.get(Field::Code) {
        CellRef::Raw(b) if b.is_ascii() => Cow::Borrowed(b.trim_ascii()),
        _ => Cow::Owned(cells.text(Field::Code).trim().as_bytes().to_vec()),
    }
}

/// An Excel serial date (1900 system) from a number cell without a date
/// format; plausible years only.
fn excel_serial(n: f64) -> Option<NaiveDate> {
    if !(1.0..=2_958_465.0).contains(&n) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let date = base.checked_add_signed(chrono::Duration::days(n.floor() as i64))?;
    (1990..=2100)
        .contains(&chrono::Datelike::year(&date))
        .then_some(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_values_sharing_a_slot_both_stay_in_the_table() {
        let (yes, no) = ("Có".as_bytes(), "Không".as_bytes());
        let first = Sketch::of(yes).slot(5);
        assert_eq!(first, Sketch::of(no).slot(5), "the case this test is for");
        let mut cache = Cache::new();
        for _ in 0..3 {
            assert!(cache.get(CellRef::Raw(yes), || true));
            assert!(!cache.get(CellRef::Raw(no), || false));
        }
        let held: Vec<&[u8]> = [first, first ^ 1]
            .iter()
            .filter_map(|&i| cache.slots[i].as_ref().map(|(_, k, _)| &k[..]))
            .collect();
        assert!(held.contains(&yes) && held.contains(&no));
    }

    #[test]
    fn cache_tells_apart_keys_with_the_same_ends() {
        let mut cache = Cache::new();
        let a = "UBND xã Hưng Đạo - Cấp xã".as_bytes();
        let b = "UBND xã Hưng Đảo - Cấp xã".as_bytes();
        assert_eq!(Sketch::of(a).slot(5), Sketch::of(b).slot(5));
        for _ in 0..3 {
            assert_eq!(cache.get(CellRef::Raw(a), || 1), 1);
            assert_eq!(cache.get(CellRef::Raw(b), || 2), 2);
        }
        // Short keys differ in their bytes or their length.
        let short: [(&[u8], i32); 5] = [(b"", 0), (b"\0", 1), (b"9", 9), (b"Co", 3), (b"Co\0", 4)];
        for (k, v) in short {
            assert_eq!(cache.get(CellRef::Raw(k), || v), v);
        }
        // Found again, not parsed again.
        for (k, v) in short {
            assert_eq!(cache.get(CellRef::Raw(k), || 99), v);
        }
    }

    #[test]
    fn short_words_are_the_bytes() {
        for n in 0..8 {
            let key: Vec<u8> = (1..=n as u8).map(|b| b * 17).collect();
            let plain = key
                .iter()
                .enumerate()
                .fold(0u64, |w, (i, &b)| w | u64::from(b) << (8 * i));
            assert_eq!(short_word(&key), plain, "{n} bytes");
        }
    }

    #[test]
    fn same_bytes_is_equality() {
        let words = [
            "",
            "a",
            "UBND xã A",
            "UBND xã Hưng Đạo - Cấp xã",
            "UBND xã Hưng Đảo - Cấp xã",
        ];
        for a in words {
            for b in words {
                assert_eq!(same_bytes(a.as_bytes(), b.as_bytes()), a == b, "{a} {b}");
            }
        }
    }

    /// A name cached by a part stays for the next only if its id was the
    /// scan's when that part began; ids past it were the part's own.
    #[test]
    fn names_cached_by_a_part_outlive_it_only_when_shared() {
        let mut caches = Caches::new();
        caches.start_part(10, 4);
        let unit = |c: &mut Caches, name: &str, parsed: Option<UnitId>| {
            c.unit
                .get(CellRef::Raw(name.as_bytes()), || (parsed, false))
                .0
        };
        assert_eq!(unit(&mut caches, "UBND xã A", Some(3)), Some(3));
        assert_eq!(unit(&mut caches, "UBND xã B", Some(10)), Some(10));
        assert_eq!(unit(&mut caches, "", None), None);
        let domain = |c: &mut Caches, name: &str, parsed: DomainId| {
            c.domain
                .get(CellRef::Raw(name.as_bytes()), || (parsed, false))
                .0
        };
        assert_eq!(domain(&mut caches, "Hộ tịch", 2), 2);
        assert_eq!(domain(&mut caches, "Đất đai", 4), 4);
        caches.start_part(12, 5);
        // Kept: parsed again would give 99.
        assert_eq!(unit(&mut caches, "UBND xã A", Some(99)), Some(3));
        assert_eq!(unit(&mut caches, "", Some(99)), None);
        assert_eq!(domain(&mut caches, "Hộ tịch", 99), 2);
        // Dropped: parsed again.
        assert_eq!(unit(&mut caches, "UBND xã B", Some(99)), Some(99));
        assert_eq!(domain(&mut caches, "Đất đai", 99), 99);
    }

    #[test]
    fn cache_of_unique_values_stays_bounded() {
        let mut cache = Cache::new();
        for i in 0..(CACHE_LIMIT + 100) {
            let key = format!("value {i}");
            assert_eq!(cache.get(CellRef::Raw(key.as_bytes()), || i), i);
        }
        assert_eq!(cache.many.len(), CACHE_LIMIT);
    }

    #[test]
    fn cache_of_long_names_stays_within_its_bytes() {
        let mut cache = Cache::with_slots(10, NAME_CACHE_LIMIT);
        let long = "x".repeat(10_000);
        for i in 0..3_000 {
            let key = format!("{long}{i}");
            assert_eq!(cache.get(CellRef::Raw(key.as_bytes()), || i), i);
        }
        assert!(cache.bytes <= CACHE_BYTES);
        assert_eq!(
            cache.bytes,
            cache.many.keys().map(|k| k.len()).sum::<usize>()
        );
        assert!(cache.many.len() < 3_000 && cache.many.len() > 1_000);
    }

    #[test]
    fn a_date_whose_time_moves_it_neither_reads_nor_writes_the_table() {
        let d = |m, dd| Ok(NaiveDate::from_ymd_opt(2023, m, dd));
        let mut table = DateTable::default();
        assert_eq!(table.get(b"2023-10-03 08:00:00"), d(10, 3));
        assert_eq!(table.get(b"2023-10-03T18:30:00Z"), d(10, 4));
        assert_eq!(table.get(b"2023-10-03T23:30:00-05:00"), d(10, 4));
        assert_eq!(table.get(b"2023-10-03"), d(10, 3));
        // The other way round: a moved date is not remembered.
        let mut table = DateTable::default();
        assert_eq!(table.get(b"2023-10-03T18:30:00Z"), d(10, 4));
        assert_eq!(table.0.iter().flatten().count(), 0);
        assert_eq!(table.get(b"2023-10-03 08:00:00"), d(10, 3));
        assert_eq!(table.0.iter().flatten().count(), 1);
        // Vietnam's own offset keeps the date, and the table serves it.
        assert_eq!(table.get(b"2023-10-03T23:30:00+07:00"), d(10, 3));
        assert_eq!(table.get(b"03/10/2023 18:30:00"), d(10, 3));
        assert_eq!(table.get(b"03/10/2023 18:30 Z"), d(10, 4));
        assert!(table.get(b"2023-10-03x").is_err());
    }

    #[test]
    fn the_hint_for_a_unit_without_a_level_is_a_block_of_toml() {
        let reason = unknown_level("Tổ \"một cửa\"");
        let (_, block) = reason.split_once(":\n").expect(&reason);
        let parsed: toml::Table = toml::from_str(block).unwrap_or_else(|e| panic!("{block}\n{e}"));
        let unit = &parsed["don_vi"].as_array().expect(block)[0];
        assert_eq!(unit["ten"].as_str(), Some("Tổ \"một cửa\""));
        let long = "Tổ ".repeat(40);
        let reason = unknown_level(&long);
        assert!(
            !reason.contains(&long) && reason.contains("--goi-y"),
            "{reason}"
        );
    }

    proptest::proptest! {
        /// The shortcut says what the conversion says, on every finite
        /// number up to and past its bound.
        #[test]
        fn number_is_amount_agrees_with_the_conversion(
            n in proptest::num::f64::ANY,
            scaled in -1e29f64..1e29,
        ) {
            for x in [n, scaled, 1e28, -1e28, 9.99e27, 7.9e28, 8e28] {
                proptest::prop_assert_eq!(
                    number_is_amount(x),
                    rust_decimal::Decimal::try_from(x).is_ok(),
                    "{}", x
                );
            }
        }
    }
}
