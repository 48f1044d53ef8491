//! Tallying records as they are read, and merging duplicate dossiers
//! afterwards (SPEC §1): the same `ma_ho_so` in several rows counts once;
//! where the rows differ, the one read last wins.
//!
//! Every row is tallied as it is read (the scan hands a range's dossiers
//! to a tally once their ids are the shared ones), and leaves a compact
//! [`Reading`]: its code's 128-bit key, where it was read, the dossier.
//! The scan finds the keys read more than once; [`merge_readings`] then
//! takes all but the last reading of each back out of the tally.

use std::sync::Arc;

use super::tally::Tally;
use crate::hash::{FastMap, bytes_hash2};
use crate::input::{DomainId, Dossier, Record, Status, UnitId};

/// Where a row was read: file, range of the file, line in the range. Rows
/// compare in reading order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RowPos {
    pub file: u32,
    pub range: u32,
    pub line: u64,
}

/// A dossier kept with its texts, for lists of single dossiers (overdue).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detail {
    pub code: Box<str>,
    /// Shared between the dossiers of one procedure.
    pub procedure_code: Arc<str>,
    pub procedure_name: Arc<str>,
    pub dossier: Dossier,
    pub pos: RowPos,
}

/// Which dossiers to keep whole; the rest are only counted.
pub type KeepRule = Arc<dyn Fn(&Dossier) -> bool + Send + Sync>;

/// What dossiers merge on: their code, as two 64-bit hashes (two codes
/// agree in both with probability about 2⁻¹²⁸).
pub type CodeKey = (u64, u64);

pub fn code_key(code: &[u8]) -> CodeKey {
    bytes_hash2(code)
}

/// A row as the duplicate check needs it, about 70 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    pub key: CodeKey,
    pub occurrence: Occurrence,
}

/// Collects one file or range of a file.
pub struct Collector {
    /// The dossiers a tally counts (received), in reading order, with the
    /// range's own ids.
    pub dossiers: Vec<Dossier>,
    /// The reading of every row tallied, in reading order.
    pub readings: Vec<Reading>,
    /// Rows tallied as received, and as never received.
    pub received: u64,
    pub not_received: u64,
    keep: Option<KeepRule>,
    pub kept: Vec<Detail>,
    /// Procedure texts, one copy each.
    texts: FastMap<String, Arc<str>>,
    file: u32,
    range: u32,
}

impl Collector {
    pub fn new(keep: Option<KeepRule>, file: u32, range: u32) -> Collector {
        Collector {
            dossiers: Vec::new(),
            readings: Vec::new(),
            received: 0,
            not_received: 0,
            keep,
            kept: Vec::new(),
            texts: FastMap::default(),
            file,
            range,
        }
    }

    pub fn add(&mut self, record: &Record<'_>) {
        let pos = RowPos {
            file: self.file,
            range: self.range,
            line: record.line,
        };
        self.readings.push(Reading {
            key: code_key(record.code),
            occurrence: Occurrence {
                pos,
                fingerprint: record.fingerprint(),
                dossier: record.dossier,
            },
        });
        if record.dossier.status == Status::NotReceived {
            self.not_received += 1;
        } else {
            self.received += 1;
        }
        if Tally::counts(&record.dossier) {
            self.dossiers.push(record.dossier);
        }
        if let Some(keep) = &self.keep
            && keep(&record.dossier)
        {
            let mut text = |t: String| match self.texts.get(&t) {
                Some(a) => a.clone(),
                None => {
                    let a: Arc<str> = Arc::from(t.as_str());
                    self.texts.insert(t, a.clone());
                    a
                }
            };
            let procedure_code = text(record.procedure_code());
            let procedure_name = text(record.procedure_name());
            self.kept.push(Detail {
                code: String::from_utf8_lossy(record.code).into(),
                procedure_code,
                procedure_name,
                dossier: record.dossier,
                pos,
            });
        }
    }
}

/// Translates a dossier's ids (a thread's own names) to the shared names.
pub fn remap(d: &mut Dossier, units: &[UnitId], domains: &[DomainId]) {
    d.unit = units.get(d.unit as usize).copied().unwrap_or(d.unit);
    d.domain = domains.get(d.domain as usize).copied().unwrap_or(d.domain);
}

/// Where and what a row read: what merging compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub pos: RowPos,
    /// See [`crate::input::Record::fingerprint`]; `dossier` must hold the
    /// shared ids before readings are compared.
    pub fingerprint: u64,
    pub dossier: Dossier,
}

/// What merging duplicates changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Merged {
    /// Rows merged into a later row of the same dossier.
    pub duplicates: u64,
    /// Of those, rows that differed from the next reading.
    pub differing: u64,
    /// Earlier readings taken out that were received, and not received.
    pub removed_received: u64,
    pub removed_not_received: u64,
}

impl std::ops::AddAssign for Merged {
    fn add_assign(&mut self, o: Merged) {
        self.duplicates += o.duplicates;
        self.differing += o.differing;
        self.removed_received += o.removed_received;
        self.removed_not_received += o.removed_not_received;
    }
}

/// Merges the readings of one code, in reading order (SPEC §1.6): the
/// last stays; each earlier one is compared with the next, and its dossier
/// goes to `taken_out`, to be taken back out of the tally.
pub fn merge_readings(readings: &[Occurrence], taken_out: &mut Vec<Dossier>) -> Merged {
    let mut m = Merged::default();
    for pair in readings.windows(2) {
        let (earlier, next) = (&pair[0], &pair[1]);
        taken_out.push(earlier.dossier);
        m.duplicates += 1;
        if (earlier.fingerprint, earlier.dossier) != (next.fingerprint, next.dossier) {
            m.differing += 1;
        }
        if earlier.dossier.status == Status::NotReceived {
            m.removed_not_received += 1;
        } else {
            m.removed_received += 1;
        }
    }
    m
}

/// Drops the kept details of readings merged into a later one: `last`
/// holds where each repeated code was read last.
pub fn drop_merged_details(details: &mut Vec<Detail>, last: &FastMap<CodeKey, RowPos>) {
    details.retain(|d| {
        last.get(&code_key(d.code.as_bytes()))
            .is_none_or(|pos| *pos == d.pos)
    });
}

/// The input accounting (`nhap_lieu`): every row read is counted once, as
/// a dossier, a duplicate, a not-received row, a rejected row or a row
/// that is not a dossier.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Accounting {
    pub so_dong: u64,
    pub ho_so: u64,
    pub trung_lap: u64,
    pub chua_tiep_nhan: u64,
    pub loi: u64,
    /// Rows that are not dossiers: group headings, totals, repeated headers.
    pub bo_qua: u64,
    /// Of the duplicates, those that differed from the next reading. Not in
    /// the JSON, whose keys are the contract's exactly.
    #[serde(skip)]
    pub trung_lap_khac: u64,
    /// Files read.
    #[serde(skip)]
    pub tep: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Channel, Level, Tri};
    use chrono::NaiveDate;

    fn reading(line: u64, fingerprint: u64, channel: Channel) -> Occurrence {
        let day = NaiveDate::from_ymd_opt(2023, 6, 5);
        Occurrence {
            pos: RowPos {
                file: 0,
                range: 0,
                line,
            },
            fingerprint,
            dossier: Dossier {
                unit: 0,
                level: Level::Xa,
                domain: 0,
                status: Status::InProgress,
                channel,
                received: day,
                due: day,
                ended: None,
                online_service: Tri::Yes,
                digitised_in: Tri::Yes,
                digitised_out: Tri::Unknown,
                fee: Tri::No,
                paid_online: Tri::Unknown,
            },
        }
    }

    /// The last reading stays; each earlier one is compared with the next
    /// and taken out.
    #[test]
    fn the_last_reading_stays() {
        // Line 1 and 2 differ; 2 and 3 are the same reading.
        let readings = [
            reading(1, 7, Channel::Direct),
            reading(2, 8, Channel::Online),
            reading(3, 8, Channel::Online),
        ];
        let mut out = Vec::new();
        let merged = merge_readings(&readings, &mut out);
        assert_eq!((merged.duplicates, merged.removed_received), (2, 2));
        assert_eq!(merged.differing, 1);
        assert_eq!(out, vec![readings[0].dossier, readings[1].dossier]);
        assert_eq!(merge_readings(&readings[..1], &mut out), Merged::default());
    }

    #[test]
    fn details_of_earlier_readings_are_dropped() {
        let detail = |code: &str, line| Detail {
            code: code.into(),
            procedure_code: Arc::from(""),
            procedure_name: Arc::from(""),
            dossier: reading(line, 0, Channel::Online).dossier,
            pos: reading(line, 0, Channel::Online).pos,
        };
        let mut details = vec![detail("A", 1), detail("A", 3), detail("B", 2)];
        let mut last = FastMap::default();
        last.insert(code_key(b"A"), reading(3, 0, Channel::Online).pos);
        drop_merged_details(&mut details, &last);
        let left: Vec<_> = details.iter().map(|d| (&*d.code, d.pos.line)).collect();
        assert_eq!(left, vec![("A", 3), ("B", 2)]);
    }
}
