//! The reading of every row of a spreadsheet, kept from the first pass so
//! the second, over repeated codes, need not parse the file again: a
//! workbook's second parse (unzipping, XML, shared strings) costs as much
//! as its first, where a delimited file's ranges skip the rows of other
//! codes cheaply, and HTML and JSON are streamed to stay small.
//!
//! A reading is the code, the dossier and where it was read, about 90
//! bytes a row. The readings of all files together stay within a budget,
//! so memory still does not grow with the rows; a file whose readings do
//! not fit is parsed again.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::figures::{Occurrence, code_hash};
use crate::hash::FastSet;
use crate::input::Kind;

/// A row's reading, as the second pass would gather it.
pub(super) struct Reading {
    hash: u64,
    /// Where the code is in [`Readings::codes`].
    code: (u32, u32),
    pub occurrence: Occurrence,
}

/// One job's readings, their codes in one string.
#[derive(Default)]
pub(super) struct Readings {
    codes: String,
    pub rows: Vec<Reading>,
}

/// The readings kept, by job (file, range), their ids the shared ones.
pub(super) type Kept = BTreeMap<(u32, u32), Readings>;

/// Whether a file of `kind` has its readings kept: a spreadsheet's, whose
/// read held all its cells.
pub(super) fn worth_keeping(kind: Kind) -> bool {
    matches!(kind, Kind::Xlsx | Kind::Ods | Kind::Xls)
}

/// Bytes the readings of all jobs may still take, shared by the threads.
pub(super) struct Room(AtomicUsize);

impl Room {
    pub fn new(bytes: usize) -> Room {
        Room(AtomicUsize::new(bytes))
    }

    fn take(&self, n: usize) -> bool {
        self.0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |r| r.checked_sub(n))
            .is_ok()
    }

    fn give(&self, n: usize) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
}

/// One job's readings as it is read; none once the room ran out.
pub(super) struct Keeping<'a> {
    room: &'a Room,
    kept: Option<Readings>,
    taken: usize,
}

impl<'a> Keeping<'a> {
    /// Keeps readings only when `on`.
    pub fn new(room: &'a Room, on: bool) -> Keeping<'a> {
        Keeping {
            room,
            kept: on.then(Readings::default),
            taken: 0,
        }
    }

    pub fn on(&self) -> bool {
        self.kept.is_some()
    }

    pub fn add(&mut self, code: &[u8], occurrence: Occurrence) {
        let Some(kept) = &mut self.kept else { return };
        let text = String::from_utf8_lossy(code);
        let size = std::mem::size_of::<Reading>() + text.len();
        // Offsets in 32 bits: past 4 GB of codes, the job is parsed again.
        let span = u32::try_from(kept.codes.len())
            .ok()
            .zip(u32::try_from(kept.codes.len() + text.len()).ok());
        if let Some((start, end)) = span.filter(|_| self.room.take(size)) {
            self.taken += size;
            kept.codes.push_str(&text);
            kept.rows.push(Reading {
                hash: code_hash(code),
                code: (start, end - start),
                occurrence,
            });
        } else {
            // All or nothing for a job: it is parsed again.
            self.room.give(self.taken);
            (self.kept, self.taken) = (None, 0);
        }
    }

    pub fn finish(self) -> Option<Readings> {
        self.kept
    }
}

impl Readings {
    /// The readings of the codes of `repeated`, in reading order.
    pub fn of_repeated(&self, repeated: &FastSet<u64>) -> Vec<(String, Occurrence)> {
        self.rows
            .iter()
            .filter(|r| repeated.contains(&r.hash))
            .map(|r| {
                let (start, len) = (r.code.0 as usize, r.code.1 as usize);
                let code = self.codes.get(start..start + len).unwrap_or_default();
                (code.to_string(), r.occurrence.clone())
            })
            .collect()
    }
}
