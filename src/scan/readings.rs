//! The reading of every row, to merge the codes read more than once in
//! the one read of the input (SPEC §1.6).
//!
//! Each part of a scan leaves its rows' [`Reading`]s (code key, where read,
//! fingerprint, dossier: 55 bytes on disk) grouped by slice of the key
//! space, their top byte, by one counting pass on the worker. They stay in
//! memory while a budget shared by the threads lasts and are appended past
//! it, by the thread that read them, to one of a few spill files (one per
//! thread writing at once, so the files open stay few whatever the rows).
//! Afterwards the slices are taken a group at a time, on every core: the
//! group's keys are compared with a table, and only when some repeat are
//! its readings decoded, sorted by key and reading order, and merged by
//! [`merge_readings`]. Memory stays near five megabytes per thread, however
//! many rows and repeats.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;

use crate::figures::{CodeKey, Merged, Occurrence, Reading, RowPos, merge_readings};
use crate::hash::{FastMap, FastSet};
use crate::input::{self, Channel, DomainId, Dossier, Level, Status, Tri, UnitId};

/// Slices of the key space, by the top eight bits.
const SLICES: usize = 256;

/// Readings per group of slices merged at once: under two megabytes of
/// them, and as much again for their keys and what they take out, per
/// thread.
pub(super) const GROUP: usize = 1 << 15;

/// Bytes of a reading on disk.
const SIZE: usize = 55;

fn slice(r: &Reading) -> usize {
    (r.key.0 >> 56) as usize
}

/// Where each slice of `readings` starts once they are in slice order:
/// `bounds[s]..bounds[s + 1]` for slice `s`.
fn slice_bounds(readings: &[Reading]) -> Box<[usize]> {
    let mut bounds = vec![0usize; SLICES + 1];
    for r in readings {
        bounds[slice(r) + 1] += 1;
    }
    for s in 0..SLICES {
        bounds[s + 1] += bounds[s];
    }
    bounds.into_boxed_slice()
}

/// Puts each of `readings`, taken in order, at its slice's next place,
/// `put(reading, place)`: a counting sort's scatter. The 256 places being
/// written stay in cache; gathering the readings by a sorted index instead
/// missed the cache on nearly every one (60 % of stowing them).
fn scatter(readings: &[Reading], bounds: &[usize], mut put: impl FnMut(&Reading, usize)) {
    let mut next = bounds[..SLICES].to_vec();
    for r in readings {
        let at = &mut next[slice(r)];
        put(r, *at);
        *at += 1;
    }
}

/// A part's names as the shared ones: its unit and field ids translated.
pub(super) struct Ids {
    pub units: Vec<UnitId>,
    pub domains: Vec<DomainId>,
}

impl Ids {
    pub fn remap(&self, d: &mut Dossier) {
        crate::figures::collect::remap(d, &self.units, &self.domains);
    }
}

/// One batch of readings, in slice order.
pub(super) struct Run {
    place: Place,
    /// `bounds[s]..bounds[s + 1]`: the readings of slice `s`.
    bounds: Box<[usize]>,
}

enum Place {
    /// Their ids the shared ones.
    Memory(Vec<Reading>),
    /// At `offset` in a spill file, with the ids of the part that read
    /// them (given when it is merged).
    File {
        spill: Arc<SpillPath>,
        offset: u64,
        /// The file and range they were read in.
        origin: (u32, u32),
        ids: Option<Arc<Ids>>,
    },
}

/// Where readings go as they are read: memory while the shared budget
/// lasts, then the spill files.
pub(super) struct Stow {
    room: AtomicUsize,
    /// Spill files not being written to.
    idle: Mutex<Vec<SpillFile>>,
    /// Emptied buffers, to read the next readings into: fresh memory costs
    /// a page fault a page.
    spare: Mutex<Vec<Vec<Reading>>>,
}

/// Spare buffers kept, at most.
const SPARE: usize = 8;

impl Stow {
    pub fn new(budget: usize) -> Stow {
        Stow {
            room: AtomicUsize::new(budget),
            idle: Mutex::new(Vec::new()),
            spare: Mutex::new(Vec::new()),
        }
    }

    /// An empty buffer for readings.
    pub fn buffer(&self) -> Vec<Reading> {
        lock(&self.spare).pop().unwrap_or_default()
    }

    /// A run of `readings` (read in `origin`, file and range; ids their
    /// part's own), in slice order; their buffer is kept for
    /// [`Self::buffer`].
    pub fn run(&self, mut readings: Vec<Reading>, origin: (u32, u32)) -> Result<Run, input::Error> {
        let run = self.place(&readings, origin);
        readings.clear();
        let mut spare = lock(&self.spare);
        if spare.len() < SPARE {
            spare.push(readings);
        }
        run
    }

    fn place(&self, readings: &[Reading], origin: (u32, u32)) -> Result<Run, input::Error> {
        let bounds = slice_bounds(readings);
        let size = std::mem::size_of_val(readings);
        let kept = self
            .room
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |r| {
                r.checked_sub(size)
            })
            .is_ok();
        if kept {
            let mut ordered = readings.to_vec();
            scatter(readings, &bounds, |r, at| ordered[at] = *r);
            return Ok(Run {
                place: Place::Memory(ordered),
                bounds,
            });
        }
        let mut file = match lock(&self.idle).pop() {
            Some(f) => f,
            None => SpillFile::new()?,
        };
        file.buf.clear();
        file.buf.resize(readings.len() * SIZE, 0);
        scatter(readings, &bounds, |r, at| {
            file.buf[at * SIZE..(at + 1) * SIZE].copy_from_slice(&encode(r));
        });
        // A file that failed a write is not used again.
        let offset = file.append()?;
        let spill = file.path.clone();
        lock(&self.idle).push(file);
        Ok(Run {
            place: Place::File {
                spill,
                offset,
                origin,
                ids: None,
            },
            bounds,
        })
    }
}

/// A spill file being appended to.
struct SpillFile {
    path: Arc<SpillPath>,
    file: File,
    len: u64,
    /// What is appended next, kept from one append to the next.
    buf: Vec<u8>,
}

/// A spill file's name; the file is removed when the last run in it goes.
pub(super) struct SpillPath(PathBuf);

impl Drop for SpillPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        crate::atomic::forget(&self.0);
    }
}

impl SpillFile {
    /// A new spill file in the temp folder. Tracked before it exists, so a
    /// signal at any moment leaves none behind; made new only
    /// (`create_new`), so a link planted under its name in a shared temp
    /// folder cannot make a run as root write through it.
    fn new() -> Result<SpillFile, input::Error> {
        // Unique within the process, whatever number of scans run at once.
        static SPILLS: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir();
        let mut attempts = 0;
        loop {
            let path = dir.join(format!(
                "cctthc-readings-{}-{}.bin",
                std::process::id(),
                SPILLS.fetch_add(1, Ordering::Relaxed)
            ));
            crate::atomic::track(&path);
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(file) => {
                    return Ok(SpillFile {
                        path: Arc::new(SpillPath(path)),
                        file,
                        len: 0,
                        buf: Vec::new(),
                    });
                }
                Err(source) => {
                    crate::atomic::forget(&path);
                    attempts += 1;
                    // Left by an earlier run that had this process number.
                    if source.kind() != std::io::ErrorKind::AlreadyExists || attempts == 100 {
                        return Err(write_error(&path, source));
                    }
                }
            }
        }
    }

    /// Appends [`Self::buf`]; gives where it starts.
    fn append(&mut self) -> Result<u64, input::Error> {
        let start = self.len;
        self.file
            .write_all(&self.buf)
            .map_err(|source| write_error(&self.path.0, source))?;
        self.len += self.buf.len() as u64;
        Ok(start)
    }
}

/// Every part's runs, to merge the repeated codes once all are read.
pub(super) struct Runs {
    runs: Vec<Run>,
    /// Readings per group, about.
    group: usize,
}

/// What merging the repeated codes gave.
#[derive(Default)]
pub(super) struct Outcome {
    pub merged: Merged,
    /// Where each repeated code of `wanted` was read last.
    pub last: FastMap<CodeKey, RowPos>,
}

impl Runs {
    pub fn new(group: usize) -> Runs {
        Runs {
            runs: Vec::new(),
            group: group.max(1),
        }
    }

    /// Adds a merged part's runs; `ids` make its ids the shared ones.
    pub fn add(&mut self, runs: Vec<Run>, ids: &Arc<Ids>) {
        for mut run in runs {
            match &mut run.place {
                Place::Memory(readings) => {
                    for r in readings {
                        ids.remap(&mut r.occurrence.dossier);
                    }
                }
                Place::File { ids: slot, .. } => *slot = Some(ids.clone()),
            }
            if run.bounds[SLICES] > 0 {
                self.runs.push(run);
            }
        }
    }

    /// Merges the readings of every code read more than once, on
    /// `threads` threads: `take_out` gets the dossiers of the earlier
    /// readings, a group's at a time. Where the codes of `wanted` were
    /// read last is noted.
    pub fn merge(
        &self,
        threads: usize,
        wanted: &FastSet<CodeKey>,
        take_out: &(dyn Fn(&[Dossier]) + Sync),
    ) -> Result<Outcome, input::Error> {
        let groups = self.groups();
        let next = AtomicUsize::new(0);
        let result = Mutex::new(Ok(Outcome::default()));
        let work = || {
            let mut reader = GroupReader::new(&self.runs);
            let mut mine = Outcome::default();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&(a, b)) = groups.get(i) else { break };
                if let Err(e) = reader.merge(a, b, wanted, take_out, &mut mine) {
                    next.store(groups.len(), Ordering::Relaxed);
                    *lock(&result) = Err(e);
                    return;
                }
            }
            if let Ok(all) = &mut *lock(&result) {
                all.merged += mine.merged;
                all.last.extend(mine.last);
            }
        };
        let threads = threads.clamp(1, groups.len().max(1));
        if threads == 1 {
            work();
        } else {
            std::thread::scope(|scope| {
                for _ in 0..threads {
                    scope.spawn(work);
                }
            });
        }
        result.into_inner().unwrap_or_else(|p| p.into_inner())
    }

    /// Consecutive slices in groups of about `group` readings.
    fn groups(&self) -> Vec<(usize, usize)> {
        let mut groups = Vec::new();
        let (mut start, mut size) = (0, 0);
        for s in 0..SLICES {
            size += self
                .runs
                .iter()
                .map(|r| r.bounds[s + 1] - r.bounds[s])
                .sum::<usize>();
            if size >= self.group || s + 1 == SLICES {
                if size > 0 {
                    groups.push((start, s + 1));
                }
                (start, size) = (s + 1, 0);
            }
        }
        groups
    }
}

/// Reads groups of slices from every run, with the spill files open.
struct GroupReader<'a> {
    runs: &'a [Run],
    files: FastMap<*const SpillPath, File>,
    /// The group's readings read from files, as bytes, by run.
    bytes: Vec<u8>,
    keys: Vec<u64>,
    table: Vec<u64>,
    repeats: Vec<u64>,
    readings: Vec<Reading>,
    occurrences: Vec<Occurrence>,
    taken_out: Vec<Dossier>,
}

impl<'a> GroupReader<'a> {
    fn new(runs: &'a [Run]) -> Self {
        GroupReader {
            runs,
            files: FastMap::default(),
            bytes: Vec::new(),
            keys: Vec::new(),
            table: Vec::new(),
            repeats: Vec::new(),
            readings: Vec::new(),
            occurrences: Vec::new(),
            taken_out: Vec::new(),
        }
    }

    /// Merges the repeated codes of slices `a..b`.
    fn merge(
        &mut self,
        a: usize,
        b: usize,
        wanted: &FastSet<CodeKey>,
        take_out: &(dyn Fn(&[Dossier]) + Sync),
        out: &mut Outcome,
    ) -> Result<(), input::Error> {
        self.read(a, b)?;
        self.repeats.clear();
        repeats_of(&self.keys, &mut self.table, &mut self.repeats);
        if self.repeats.is_empty() {
            return Ok(());
        }
        let repeated: FastSet<u64> = self.repeats.iter().copied().collect();
        self.decode(a, b, &repeated)?;
        self.readings
            .sort_unstable_by_key(|r| (r.key, r.occurrence.pos));
        self.taken_out.clear();
        for same in self.readings.chunk_by(|x, y| x.key == y.key) {
            let (Some(first), Some(last)) = (same.first(), same.last()) else {
                continue;
            };
            if same.len() < 2 {
                continue;
            }
            self.occurrences.clear();
            self.occurrences.extend(same.iter().map(|r| r.occurrence));
            out.merged += merge_readings(&self.occurrences, &mut self.taken_out);
            if wanted.contains(&first.key) {
                out.last.insert(first.key, last.occurrence.pos);
            }
        }
        take_out(&self.taken_out);
        Ok(())
    }

    /// Reads the keys of slices `a..b` from every run, and the bytes of
    /// those in files.
    fn read(&mut self, a: usize, b: usize) -> Result<(), input::Error> {
        self.keys.clear();
        self.bytes.clear();
        for run in self.runs {
            let (from, to) = (run.bounds[a], run.bounds[b]);
            match &run.place {
                Place::Memory(readings) => {
                    self.keys.extend(readings[from..to].iter().map(|r| r.key.0));
                }
                Place::File { spill, offset, .. } => {
                    let at = self.bytes.len();
                    self.bytes.resize(at + (to - from) * SIZE, 0);
                    let file = match self.files.entry(Arc::as_ptr(spill)) {
                        std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                        std::collections::hash_map::Entry::Vacant(e) => {
                            e.insert(File::open(&spill.0).map_err(|s| io(spill, s))?)
                        }
                    };
                    let start = offset + (from * SIZE) as u64;
                    file.seek(SeekFrom::Start(start))
                        .and_then(|_| file.read_exact(&mut self.bytes[at..]))
                        .map_err(|s| io(spill, s))?;
                    let (records, _) = self.bytes[at..].as_chunks::<SIZE>();
                    self.keys.extend(records.iter().map(|r| word(r, 0)));
                }
            }
        }
        Ok(())
    }

    /// Gathers the readings of slices `a..b` whose key is `repeated`, as
    /// read by [`Self::read`], their ids the shared ones.
    fn decode(&mut self, a: usize, b: usize, repeated: &FastSet<u64>) -> Result<(), input::Error> {
        self.readings.clear();
        let mut at = 0;
        for run in self.runs {
            let (from, to) = (run.bounds[a], run.bounds[b]);
            match &run.place {
                Place::Memory(readings) => self.readings.extend(
                    readings[from..to]
                        .iter()
                        .filter(|r| repeated.contains(&r.key.0)),
                ),
                Place::File {
                    spill, ids, origin, ..
                } => {
                    let end = at + (to - from) * SIZE;
                    let (records, _) = self.bytes[at..end].as_chunks::<SIZE>();
                    at = end;
                    for record in records {
                        if !repeated.contains(&word(record, 0)) {
                            continue;
                        }
                        let Some(mut r) = decode(record, *origin) else {
                            let bad = std::io::Error::from(std::io::ErrorKind::InvalidData);
                            return Err(io(spill, bad));
                        };
                        if let Some(ids) = ids {
                            ids.remap(&mut r.occurrence.dossier);
                        }
                        self.readings.push(r);
                    }
                }
            }
        }
        Ok(())
    }
}

fn io(spill: &SpillPath, source: std::io::Error) -> input::Error {
    input::Error::Scratch {
        action: "không đọc lại được",
        path: spill.0.clone(),
        source,
    }
}

fn write_error(path: &std::path::Path, source: std::io::Error) -> input::Error {
    input::Error::Scratch {
        action: "không ghi được",
        path: path.to_path_buf(),
        source,
    }
}

/// A poisoned lock only means another thread panicked, which the scope
/// passes on.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn word(record: &[u8; SIZE], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&record[at..at + 8]);
    u64::from_le_bytes(w)
}

fn half(record: &[u8; SIZE], at: usize) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&record[at..at + 4]);
    u32::from_le_bytes(w)
}

/// A day as a number, `i32::MIN` for none.
fn day(d: Option<NaiveDate>) -> i32 {
    d.map_or(i32::MIN, |d| chrono::Datelike::num_days_from_ce(&d))
}

/// The date of a [`day`] number; `Err` for one that is no date.
fn date(n: i32) -> Result<Option<NaiveDate>, ()> {
    if n == i32::MIN {
        return Ok(None);
    }
    NaiveDate::from_num_days_from_ce_opt(n).map(Some).ok_or(())
}

/// A reading as 55 bytes, little-endian: key, line, fingerprint, unit,
/// field, level, status and channel in a byte, the five yes/no values in
/// two, the three dates. The file and range are the run's.
fn encode(r: &Reading) -> [u8; SIZE] {
    let (o, d) = (&r.occurrence, &r.occurrence.dossier);
    let mut b = [0u8; SIZE];
    b[0..8].copy_from_slice(&r.key.0.to_le_bytes());
    b[8..16].copy_from_slice(&r.key.1.to_le_bytes());
    b[16..24].copy_from_slice(&o.pos.line.to_le_bytes());
    b[24..32].copy_from_slice(&o.fingerprint.to_le_bytes());
    b[32..36].copy_from_slice(&d.unit.to_le_bytes());
    b[36..40].copy_from_slice(&d.domain.to_le_bytes());
    b[40] = d.level as u8 | (d.status as u8) << 2 | (d.channel as u8) << 5;
    let tris = [
        d.online_service,
        d.digitised_in,
        d.digitised_out,
        d.fee,
        d.paid_online,
    ];
    let packed = tris
        .iter()
        .enumerate()
        .fold(0u16, |acc, (i, t)| acc | (*t as u16) << (2 * i));
    b[41..43].copy_from_slice(&packed.to_le_bytes());
    b[43..47].copy_from_slice(&day(d.received).to_le_bytes());
    b[47..51].copy_from_slice(&day(d.due).to_le_bytes());
    b[51..55].copy_from_slice(&day(d.ended).to_le_bytes());
    b
}

/// The reading [`encode`] wrote, read in `(file, range)`; `None` for
/// bytes it cannot have written.
fn decode(b: &[u8; SIZE], (file, range): (u32, u32)) -> Option<Reading> {
    let small = |v: u8, bits: u8| usize::from(v >> bits);
    let tris = u16::from_le_bytes([b[41], b[42]]);
    let tri = |i: usize| Tri::ALL.get(usize::from(tris >> (2 * i) & 3)).copied();
    let day = |i: usize| date(half(b, i) as i32).ok();
    if tris >> 10 != 0 || b[40] >> 7 != 0 {
        return None;
    }
    let dossier = Dossier {
        unit: half(b, 32),
        domain: half(b, 36),
        level: Level::ALL.get(small(b[40], 0) & 3).copied()?,
        status: Status::ALL.get(small(b[40], 2) & 7).copied()?,
        channel: Channel::ALL.get(small(b[40], 5) & 3).copied()?,
        online_service: tri(0)?,
        digitised_in: tri(1)?,
        digitised_out: tri(2)?,
        fee: tri(3)?,
        paid_online: tri(4)?,
        received: day(43)?,
        due: day(47)?,
        ended: day(51)?,
    };
    Some(Reading {
        key: (word(b, 0), word(b, 8)),
        occurrence: Occurrence {
            pos: RowPos {
                file,
                range,
                line: word(b, 16),
            },
            fingerprint: word(b, 24),
            dossier,
        },
    })
}

/// Adds to `out` the keys of `keys` seen more than once (some maybe more
/// than once). The keys are hashes, so their low bits index an
/// open-addressing table directly: one pass, no sort. Zero marks an empty
/// slot, so the key zero is counted apart.
fn repeats_of(keys: &[u64], table: &mut Vec<u64>, out: &mut Vec<u64>) {
    // Filled to between three eighths and three quarters.
    let size = (keys.len() + keys.len() / 3).next_power_of_two().max(16);
    let mask = size - 1;
    table.clear();
    table.resize(size, 0);
    let mut zeros = 0;
    for &k in keys {
        if k == 0 {
            zeros += 1;
            continue;
        }
        let mut i = k as usize & mask;
        loop {
            match table[i] {
                0 => {
                    table[i] = k;
                    break;
                }
                seen if seen == k => {
                    out.push(k);
                    break;
                }
                _ => i = (i + 1) & mask,
            }
        }
    }
    if zeros > 1 {
        out.push(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tri(n: u8) -> Tri {
        Tri::ALL[usize::from(n) % 3]
    }

    /// A reading of code key `k` at `line`, its values from `v`.
    fn reading(k: u64, file: u32, line: u64, v: u64) -> Reading {
        let day = |n: u64| NaiveDate::from_num_days_from_ce_opt(738_000 + (n % 400) as i32);
        Reading {
            // Keys apart in both halves, some sharing a top byte.
            key: ((k % 4) << 56 | k, k.wrapping_mul(31)),
            occurrence: Occurrence {
                pos: RowPos {
                    file,
                    range: file / 2,
                    line,
                },
                fingerprint: v % 3,
                dossier: Dossier {
                    unit: (v % 5) as u32,
                    domain: (v % 2) as u32,
                    level: Level::ALL[(v % 3) as usize],
                    status: Status::ALL[(v % 6) as usize],
                    channel: Channel::ALL[(v % 4) as usize],
                    received: day(v).filter(|_| !v.is_multiple_of(7)),
                    due: day(v / 3),
                    ended: day(v / 5).filter(|_| v.is_multiple_of(2)),
                    online_service: tri(v as u8),
                    digitised_in: tri((v >> 2) as u8),
                    digitised_out: tri((v >> 4) as u8),
                    fee: tri((v >> 6) as u8),
                    paid_online: tri((v >> 8) as u8),
                },
            },
        }
    }

    #[test]
    fn small_values_are_coded_by_their_place() {
        for (i, l) in Level::ALL.into_iter().enumerate() {
            assert_eq!(l as usize, i);
        }
        for (i, s) in Status::ALL.into_iter().enumerate() {
            assert_eq!(s as usize, i);
        }
        for (i, c) in Channel::ALL.into_iter().enumerate() {
            assert_eq!(c as usize, i);
        }
        for (i, t) in Tri::ALL.into_iter().enumerate() {
            assert_eq!(t as usize, i);
        }
    }

    #[test]
    fn bytes_that_are_no_reading_are_refused() {
        let good = encode(&reading(1, 0, 1, 1));
        assert_eq!(decode(&good, (0, 0)), Some(reading(1, 0, 1, 1)));
        // Level 3, status 7, the top bit; a yes/no value 3, bits past five.
        for (at, v) in [(40, 3), (40, 7 << 2), (40, 1 << 7), (41, 3), (42, 1 << 3)] {
            let mut bad = good;
            bad[at] |= v;
            assert_eq!(decode(&bad, (0, 0)), None, "byte {at} | {v}");
        }
        let mut bad = good;
        bad[47..51].copy_from_slice(&i32::MAX.to_le_bytes());
        assert_eq!(decode(&bad, (0, 0)), None);
    }

    proptest! {
        #[test]
        fn readings_come_back_as_written(k: u64, file: u32, line: u64, v: u64) {
            let r = reading(k, file, line, v);
            prop_assert_eq!(decode(&encode(&r), (file, file / 2)), Some(r));
        }

        /// In memory, spilled or both, in any groups, on one thread or
        /// several: each code's readings but its last are taken out, and
        /// the counts are those of a plain count over all readings.
        #[test]
        fn repeats_merge_as_a_plain_count_says(
            parts in proptest::collection::vec(proptest::collection::vec((0u64..30, any::<u64>()), 0..60), 0..8),
            budget in prop_oneof![Just(0usize), 0usize..6000, Just(usize::MAX)],
            threads in 1usize..4,
            group in prop_oneof![Just(1usize), Just(7), Just(GROUP)],
        ) {
            let stow = Stow::new(budget);
            let mut runs = Runs::new(group);
            let mut all = Vec::new();
            for (file, part) in parts.iter().enumerate() {
                let readings: Vec<Reading> = part
                    .iter()
                    .enumerate()
                    .map(|(line, &(k, v))| reading(k, file as u32, line as u64, v))
                    .collect();
                all.extend(readings.iter().copied());
                // Ids as read: unit n is shared unit n + 100.
                let ids = Arc::new(Ids { units: (100..105).collect(), domains: vec![0, 1] });
                let run = stow.run(readings, (file as u32, file as u32 / 2)).unwrap();
                runs.add(vec![run], &ids);
            }
            for r in &mut all {
                r.occurrence.dossier.unit += 100;
            }
            let wanted: FastSet<CodeKey> = all.iter().map(|r| r.key).filter(|k| k.0 % 2 == 0).collect();
            let taken = Mutex::new(Vec::new());
            let out = runs
                .merge(threads, &wanted, &|d: &[Dossier]| taken.lock().unwrap().extend_from_slice(d))
                .unwrap();
            // A plain count: by key, in reading order.
            let mut by_key: std::collections::BTreeMap<CodeKey, Vec<Occurrence>> = Default::default();
            for r in &all {
                by_key.entry(r.key).or_default().push(r.occurrence);
            }
            let (mut dups, mut differing, mut not_received) = (0, 0, 0);
            let mut want_taken = Vec::new();
            let mut want_last = FastMap::default();
            for (key, mut list) in by_key {
                list.sort_by_key(|o| o.pos);
                dups += list.len() as u64 - 1;
                for i in 1..list.len() {
                    let (a, b) = (list[i - 1], list[i]);
                    differing += u64::from(a.fingerprint != b.fingerprint || a.dossier != b.dossier);
                    not_received += u64::from(a.dossier.status == Status::NotReceived);
                    want_taken.push(format!("{:?}", a.dossier));
                }
                if list.len() > 1 && wanted.contains(&key) {
                    want_last.insert(key, list[list.len() - 1].pos);
                }
            }
            prop_assert_eq!(out.merged.duplicates, dups);
            prop_assert_eq!(out.merged.differing, differing);
            prop_assert_eq!(out.merged.removed_not_received, not_received);
            prop_assert_eq!(out.merged.removed_received, dups - not_received);
            prop_assert_eq!(out.last, want_last);
            let mut got: Vec<String> = taken.into_inner().unwrap().iter().map(|d| format!("{d:?}")).collect();
            got.sort();
            want_taken.sort();
            prop_assert_eq!(got, want_taken);
        }
    }

    #[test]
    fn spill_files_are_removed() {
        let stow = Stow::new(0);
        let run = stow
            .run(vec![reading(1, 0, 0, 0), reading(2, 0, 1, 0)], (0, 0))
            .unwrap();
        let Place::File { spill, .. } = &run.place else {
            panic!("not spilled")
        };
        let path = spill.0.clone();
        assert!(path.exists());
        drop(run);
        assert!(path.exists(), "still the stow's");
        drop(stow);
        assert!(!path.exists());
    }
}
