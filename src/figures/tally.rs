//! Counts per group (unit × level × field) and per period, filled in one
//! pass over the dossiers, and the ratios of each unit per calendar month.
//! Memory grows with the number of groups and months, never with the
//! number of rows.

use std::collections::BTreeMap;

use crate::hash::FastMap;

use chrono::{Datelike, NaiveDate};

use super::counts::{Counts, Sign};
use crate::input::{DomainId, Dossier, Level, Status, UnitId};
use crate::period::Period;

/// The finest grouping; every figure is a sum over groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupKey {
    pub unit: UnitId,
    pub level: Level,
    pub domain: DomainId,
}

impl GroupKey {
    pub fn of(d: &Dossier) -> GroupKey {
        GroupKey {
            unit: d.unit,
            level: d.level,
            domain: d.domain,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Tally {
    periods: Vec<Period>,
    /// From this index on, the periods follow one another without gaps
    /// or overlaps (a series of months): a dossier counts only in those
    /// from its receipt to its end, found without visiting the others.
    series_from: usize,
    groups: FastMap<GroupKey, Group>,
    /// The days of calendar months, computed once each (a direct-mapped
    /// table: a file spans a few years at most).
    month_days: Box<[Option<(MonthIndex, Period)>; 64]>,
}

/// A calendar month as `year * 12 + month - 1`.
pub type MonthIndex = i32;

pub fn month_index(d: NaiveDate) -> MonthIndex {
    d.year() * 12 + d.month0() as i32
}

/// The days of calendar month `m`.
pub fn month_period(m: MonthIndex) -> Period {
    let (y, m0) = (m.div_euclid(12), m.rem_euclid(12) as u32);
    let start = NaiveDate::from_ymd_opt(y, m0 + 1, 1).unwrap_or(NaiveDate::MIN);
    let next = if m0 == 11 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m0 + 2, 1)
    };
    Period {
        start,
        end: next.and_then(|n| n.pred_opt()).unwrap_or(start),
    }
}

#[derive(Clone, Debug)]
struct Group {
    /// Dossiers in the group, whatever the period: a group whose only
    /// dossier was superseded by a later row has none and is not shown.
    members: u64,
    counts: Box<[Counts]>,
    /// The group's ratio counts per calendar month (see [`Tally::monthly`]):
    /// the months sorted, searched by halving, apart from their counts so
    /// the search stays in a cache line or two.
    months: Vec<MonthIndex>,
    month_counts: Vec<Counts>,
}

impl Group {
    fn month(&mut self, m: MonthIndex) -> &mut Counts {
        let i = match self.months.binary_search(&m) {
            Ok(i) => i,
            Err(i) => {
                self.months.insert(i, m);
                self.month_counts.insert(i, Counts::default());
                i
            }
        };
        &mut self.month_counts[i]
    }
}

impl Tally {
    /// A tally of the figures of each of `periods`.
    pub fn new(periods: Vec<Period>) -> Tally {
        // The longest tail of consecutive periods (of two or more).
        let mut series_from = periods.len().saturating_sub(1);
        while series_from > 0
            && periods[series_from - 1].end.succ_opt() == Some(periods[series_from].start)
        {
            series_from -= 1;
        }
        if series_from + 1 >= periods.len() {
            series_from = periods.len();
        }
        Tally {
            periods,
            series_from,
            groups: FastMap::default(),
            month_days: Box::new([None; 64]),
        }
    }

    pub fn periods(&self) -> &[Period] {
        &self.periods
    }

    pub fn apply(&mut self, d: &Dossier, sign: Sign) {
        if d.status == Status::NotReceived || d.received.is_none() {
            return;
        }
        let n = self.periods.len();
        let group = self.groups.entry(GroupKey::of(d)).or_insert_with(|| Group {
            members: 0,
            counts: vec![Counts::default(); n].into_boxed_slice(),
            months: Vec::new(),
            month_counts: Vec::new(),
        });
        group.members = match sign {
            Sign::Add => group.members.wrapping_add(1),
            Sign::Remove => group.members.wrapping_sub(1),
        };
        let (head, series) = self.periods.split_at(self.series_from);
        let (counts_head, counts_series) = group.counts.split_at_mut(self.series_from);
        for (c, p) in counts_head.iter_mut().zip(head) {
            c.apply(d, p, sign);
        }
        // In a series, only the periods from the one holding the receipt
        // (or the first) to the one holding the end can count the dossier.
        if let Some(received) = d.received {
            let first = series.partition_point(|p| p.end < received);
            let last = match d.ended {
                Some(e) => series.partition_point(|p| p.start <= e),
                None => series.len(),
            };
            for i in first..last.max(first) {
                counts_series[i].apply(d, &series[i], sign);
            }
        }
        // Ratios count what was received in a month and what was resolved
        // in it: only the months of receipt and of the end can change them.
        let mut touched = [d.received.map(month_index), d.ended.map(month_index)];
        if touched[0] == touched[1] {
            touched[1] = None;
        }
        for m in touched.into_iter().flatten() {
            let slot = &mut self.month_days[m.rem_euclid(64) as usize];
            let days = match slot {
                Some((k, p)) if *k == m => *p,
                _ => {
                    let p = month_period(m);
                    *slot = Some((m, p));
                    p
                }
            };
            group.month(m).apply(d, &days, sign);
        }
    }

    /// The ratio counts of each unit per calendar month. Only the fields
    /// that ratios use are right: carried-over and pending dossiers are
    /// counted in the months of receipt and end only.
    pub fn monthly(&self) -> FastMap<(UnitId, Level), BTreeMap<MonthIndex, Counts>> {
        let mut out: FastMap<(UnitId, Level), BTreeMap<MonthIndex, Counts>> = FastMap::default();
        for (key, group) in &self.groups {
            if group.members == 0 {
                continue;
            }
            let mine = out.entry((key.unit, key.level)).or_default();
            for (m, c) in group.months.iter().zip(&group.month_counts) {
                *mine.entry(*m).or_default() += c;
            }
        }
        out
    }

    fn add_group(&mut self, key: GroupKey, group: Group) {
        match self.groups.get_mut(&key) {
            Some(mine) => {
                mine.members = mine.members.wrapping_add(group.members);
                for (m, o) in mine.counts.iter_mut().zip(group.counts.iter()) {
                    *m += o;
                }
                for (m, c) in group.months.into_iter().zip(group.month_counts) {
                    *mine.month(m) += &c;
                }
            }
            None => {
                self.groups.insert(key, group);
            }
        }
    }

    /// The same tally with unit and field ids translated (from a thread's
    /// own names to the shared ones).
    pub fn remap(self, units: &[UnitId], domains: &[DomainId]) -> Tally {
        let unit = |u: UnitId| units.get(u as usize).copied().unwrap_or(u);
        let domain = |d: DomainId| domains.get(d as usize).copied().unwrap_or(d);
        let mut out = Tally::new(self.periods);
        debug_assert_eq!(out.series_from, self.series_from);
        for (key, group) in self.groups {
            let key = GroupKey {
                unit: unit(key.unit),
                level: key.level,
                domain: domain(key.domain),
            };
            out.add_group(key, group);
        }
        out
    }

    /// Adds `other`, a tally of the same periods (another file or thread).
    pub fn merge(&mut self, other: Tally) {
        debug_assert_eq!(self.periods, other.periods);
        for (key, group) in other.groups {
            self.add_group(key, group);
        }
    }

    /// The groups with dossiers, in a stable order, with their counts for
    /// each period.
    pub fn groups(&self) -> Vec<(GroupKey, &[Counts])> {
        let mut groups: Vec<_> = self
            .groups
            .iter()
            .filter(|(_, g)| g.members != 0)
            .map(|(k, g)| (*k, &g.counts[..]))
            .collect();
        groups.sort_by_key(|(k, _)| *k);
        groups
    }

    /// The sum, for period `index`, of the groups `keep` selects.
    pub fn sum(&self, index: usize, keep: impl Fn(&GroupKey) -> bool) -> Counts {
        let mut total = Counts::default();
        for (key, group) in &self.groups {
            if keep(key) {
                if let Some(c) = group.counts.get(index) {
                    total += c;
                }
            }
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Channel, Status, Tri};
    use chrono::Days;
    use proptest::prelude::*;

    fn day(n: u16) -> NaiveDate {
        NaiveDate::from_ymd_opt(2023, 1, 1).unwrap() + Days::new(u64::from(n))
    }

    proptest! {
        /// Skipping the months of a series a dossier cannot count in gives
        /// what visiting them all gives.
        #[test]
        fn series_shortcut_is_exact(
            ds in proptest::collection::vec((0usize..6, 0u16..400, proptest::option::of(0u16..90), 0u16..30), 0..60),
        ) {
            let mut periods = vec![Period { start: day(40), end: day(70) }, Period { start: day(0), end: day(364) }];
            periods.extend((1..=12).map(|m| month_period(2023 * 12 + m - 1)));
            let mut tally = Tally::new(periods.clone());
            prop_assert_eq!(tally.series_from, 2);
            let mut naive = vec![Counts::default(); periods.len()];
            for (status, r, took, due) in ds {
                let status = Status::ALL[status];
                let d = Dossier {
                    unit: 0, level: Level::Xa, domain: 0, status, channel: Channel::Online,
                    received: Some(day(r)), due: Some(day(r + due)),
                    ended: if status.is_final() { took.map(|t| day(r + t)) } else { None },
                    online_service: Tri::Yes, digitised_in: Tri::No, digitised_out: Tri::Yes,
                    fee: Tri::No, paid_online: Tri::No,
                };
                tally.apply(&d, Sign::Add);
                for (c, p) in naive.iter_mut().zip(&periods) {
                    c.apply(&d, p, Sign::Add);
                }
            }
            for (i, want) in naive.iter().enumerate() {
                prop_assert_eq!(&tally.sum(i, |_| true), want);
            }
        }
    }
}
