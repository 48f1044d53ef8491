//! Tallying records as they are read, and merging duplicate dossiers
//! afterwards (SPEC §1): the same `ma_ho_so` in several rows counts once;
//! where the rows differ, the one read last wins.
//!
//! Memory must not grow with the rows, so a pass keeps only a 64-bit hash of
//! each code. Every row is tallied (the scan hands a range's dossiers to a
//! tally once their ids are the shared ones); when some codes turn out to
//! repeat, a second pass reads just those rows again and takes all but the
//! last of each back out of the tally ([`Duplicates`]).

use std::sync::Arc;

use super::counts::Sign;
use super::tally::Tally;
use crate::hash::{FastMap, bytes_hash};
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

/// The hash a dossier code is merged on.
pub fn code_hash(code: &[u8]) -> u64 {
    bytes_hash(code)
}

/// Collects one file or range of a file.
pub struct Collector {
    /// The dossiers a tally counts (received), in reading order, with the
    /// range's own ids.
    pub dossiers: Vec<Dossier>,
    /// The code hash of every row tallied, in reading order.
    pub keys: Vec<u64>,
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
            keys: Vec::new(),
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
        self.keys.push(code_hash(record.code));
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
                pos: RowPos {
                    file: self.file,
                    range: self.range,
                    line: record.line,
                },
            });
        }
    }
}

/// Translates a dossier's ids (a thread's own names) to the shared names.
pub fn remap(d: &mut Dossier, units: &[UnitId], domains: &[DomainId]) {
    d.unit = units.get(d.unit as usize).copied().unwrap_or(d.unit);
    d.domain = domains.get(d.domain as usize).copied().unwrap_or(d.domain);
}

/// One reading of a repeated code, from the second pass.
#[derive(Clone, Debug)]
pub struct Occurrence {
    pub pos: RowPos,
    /// See [`crate::input::Record::fingerprint`]; `dossier` must hold the
    /// shared ids before readings are compared.
    pub fingerprint: u64,
    pub dossier: Dossier,
}

/// The readings of repeated codes, from the second pass, merged as they
/// come: only the latest reading of each code is held, so memory grows with
/// the codes of a batch, not with their readings.
#[derive(Debug, Default)]
pub struct Duplicates {
    latest: FastMap<Box<str>, Occurrence>,
    merged: Merged,
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

impl Duplicates {
    /// Adds a reading of `code`; of it and the one held, the earlier (in
    /// reading order) is taken out of `tally`. Readings come in reading
    /// order, so an earlier one is compared with the next reading.
    pub fn add(&mut self, code: &str, mut occurrence: Occurrence, tally: &mut Tally) {
        let Some(held) = self.latest.get_mut(code) else {
            self.latest.insert(code.into(), occurrence);
            return;
        };
        if occurrence.pos > held.pos {
            std::mem::swap(held, &mut occurrence);
        }
        let (earlier, next) = (&occurrence, &*held);
        tally.apply(&earlier.dossier, Sign::Remove);
        let m = &mut self.merged;
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

    /// Drops the kept details of the readings taken out.
    pub fn finish(self, details: &mut Vec<Detail>) -> Merged {
        details.retain(|d| {
            self.latest
                .get(&*d.code)
                .is_none_or(|last| last.pos == d.pos)
        });
        self.merged
    }
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
    use crate::period::Period;
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

    /// Readings in any order: the last in reading order stays, each earlier
    /// one is compared with the next, and only the last is counted.
    #[test]
    fn the_last_reading_stays_whatever_order_they_come_in() {
        let june = Period {
            start: NaiveDate::from_ymd_opt(2023, 6, 1).unwrap(),
            end: NaiveDate::from_ymd_opt(2023, 6, 30).unwrap(),
        };
        // Line 1 and 2 differ; 2 and 3 are the same reading.
        let readings = [
            reading(1, 7, Channel::Direct),
            reading(2, 8, Channel::Online),
            reading(3, 8, Channel::Online),
        ];
        for order in [[0, 1, 2], [2, 0, 1], [1, 2, 0]] {
            let mut tally = Tally::new(vec![june]);
            for r in &readings {
                tally.apply(&r.dossier, Sign::Add);
            }
            let mut duplicates = Duplicates::default();
            for i in order {
                duplicates.add("HS1", readings[i].clone(), &mut tally);
            }
            assert_eq!(duplicates.latest["HS1"].pos.line, 3, "{order:?}");
            let merged = duplicates.finish(&mut Vec::new());
            assert_eq!((merged.duplicates, merged.removed_received), (2, 2));
            let counts = tally.sum(0, |_| true);
            assert_eq!((counts.online, counts.direct), (1, 0), "{order:?}");
            if order == [0, 1, 2] {
                assert_eq!(merged.differing, 1);
            }
        }
    }
}
