//! Merging duplicate dossiers while tallying (SPEC §1): the same `ma_ho_so`
//! in several rows counts once; where the rows differ, the one read last
//! wins, and the earlier one is taken back out of the tally.

use crate::hash::FastMap;

use super::counts::Sign;
use super::tally::Tally;
use crate::input::{Dossier, Record, Status};

#[derive(Clone, Copy, Debug)]
struct Seen {
    fingerprint: u64,
    dossier: Dossier,
}

/// A dossier kept with its texts, for lists of single dossiers (overdue).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detail {
    pub code: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub dossier: Dossier,
}

/// Which dossiers to keep whole; the rest are only counted.
pub type KeepRule = Box<dyn Fn(&Dossier) -> bool>;

/// Tallies records as they are read, merging duplicates.
pub struct Collector {
    tally: Tally,
    seen: FastMap<Box<str>, Seen>,
    duplicates: u64,
    differing: u64,
    keep: Option<KeepRule>,
    kept: FastMap<Box<str>, Detail>,
}

/// What a collector gathered.
pub struct Collected {
    pub tally: Tally,
    pub merged: Merged,
    /// The dossiers the keep rule selected, by code.
    pub details: Vec<Detail>,
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
            seen: FastMap::default(),
            duplicates: 0,
            differing: 0,
            keep: None,
            kept: FastMap::default(),
        }
    }

    /// Also keeps, whole, the final rows of the dossiers `keep` selects.
    pub fn keeping(mut self, keep: KeepRule) -> Collector {
        self.keep = Some(keep);
        self
    }

    fn consider(&mut self, record: &Record<'_>) {
        if let Some(keep) = &self.keep {
            if keep(&record.dossier) {
                self.kept.insert(
                    record.code.into(),
                    Detail {
                        code: record.code.to_string(),
                        procedure_code: record.procedure_code(),
                        procedure_name: record.procedure_name(),
                        dossier: record.dossier,
                    },
                );
            }
        }
    }

    pub fn add(&mut self, record: &Record<'_>) {
        match self.seen.get_mut(record.code) {
            None => {
                self.tally.apply(&record.dossier, Sign::Add);
                self.consider(record);
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
                    self.kept.remove(record.code);
                    self.consider(record);
                }
            }
        }
    }

    pub fn finish(self) -> Collected {
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
        let mut details: Vec<Detail> = self.kept.into_values().collect();
        details.sort_by(|a, b| a.code.cmp(&b.code));
        Collected {
            tally: self.tally,
            merged,
            details,
        }
    }
}
