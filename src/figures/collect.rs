//! Merging duplicate dossiers while tallying (SPEC §1): the same `ma_ho_so`
//! in several rows counts once; where the rows differ, the one read last
//! wins, and the earlier one is taken back out of the tally.

use std::collections::HashMap;

use super::counts::Sign;
use super::tally::Tally;
use crate::input::{Dossier, Record, Status};

#[derive(Clone, Copy, Debug)]
struct Seen {
    fingerprint: u64,
    dossier: Dossier,
}

/// Tallies records as they are read, merging duplicates.
#[derive(Debug)]
pub struct Collector {
    tally: Tally,
    seen: HashMap<Box<str>, Seen>,
    duplicates: u64,
    differing: u64,
}

/// What a collector found, for the input accounting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Merged {
    /// Distinct dossiers counted (received).
    pub dossiers: u64,
    /// Distinct dossiers never received.
    pub not_received: u64,
    /// Rows merged into an earlier row of the same dossier.
    pub duplicates: u64,
    /// Of those, rows that differed from the earlier one.
    pub differing: u64,
}

/// The input accounting (`nhap_lieu`): every row read is counted once, as
/// a dossier, a duplicate, a not-received row or a rejected row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Accounting {
    pub so_dong: u64,
    pub ho_so: u64,
    pub trung_lap: u64,
    pub chua_tiep_nhan: u64,
    pub loi: u64,
    /// Of the duplicates, those that differed (the later row won). Not in
    /// the JSON, whose keys are the contract's exactly.
    #[serde(skip)]
    pub trung_lap_khac: u64,
    /// Files read.
    #[serde(skip)]
    pub tep: u64,
}

impl Accounting {
    pub fn new(read: crate::input::ReadCounts, merged: Merged, files: u64) -> Accounting {
        Accounting {
            so_dong: read.rows,
            ho_so: merged.dossiers,
            trung_lap: merged.duplicates,
            chua_tiep_nhan: merged.not_received,
            loi: read.rejected,
            trung_lap_khac: merged.differing,
            tep: files,
        }
    }
}

impl Collector {
    pub fn new(tally: Tally) -> Collector {
        Collector {
            tally,
            seen: HashMap::new(),
            duplicates: 0,
            differing: 0,
        }
    }

    pub fn add(&mut self, record: &Record<'_>) {
        match self.seen.get_mut(record.code) {
            None => {
                self.tally.apply(&record.dossier, Sign::Add);
                self.seen.insert(
                    record.code.into(),
                    Seen {
                        fingerprint: record.fingerprint,
                        dossier: record.dossier,
                    },
                );
            }
            Some(seen) => {
                self.duplicates += 1;
                if seen.fingerprint != record.fingerprint {
                    self.differing += 1;
                    self.tally.apply(&seen.dossier, Sign::Remove);
                    self.tally.apply(&record.dossier, Sign::Add);
                    *seen = Seen {
                        fingerprint: record.fingerprint,
                        dossier: record.dossier,
                    };
                }
            }
        }
    }

    /// The dossiers kept, after merging; each appears once.
    pub fn dossiers(&self) -> impl Iterator<Item = (&str, &Dossier)> {
        self.seen.iter().map(|(k, s)| (&**k, &s.dossier))
    }

    pub fn finish(self) -> (Tally, Merged) {
        let not_received = self
            .seen
            .values()
            .filter(|s| s.dossier.status == Status::NotReceived)
            .count() as u64;
        let merged = Merged {
            dossiers: self.seen.len() as u64 - not_received,
            not_received,
            duplicates: self.duplicates,
            differing: self.differing,
        };
        (self.tally, merged)
    }
}
