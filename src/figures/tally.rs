//! Counts per group (unit × level × field) and per period, filled in one
//! pass over the dossiers, and the ratios of each unit per calendar month.
//! Memory grows with the number of groups and of the periods and months
//! each has dossiers in, never with the number of rows.

use crate::hash::FastMap;

use chrono::{Datelike, NaiveDate};

use super::counting::Counting;
use super::counts::{Counts, Counts32, RatioField, Sign, on_receipt, on_resolution};
use super::due;
use crate::input::{DomainId, Dossier, Known, Level, Status, UnitId};
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
    /// The columns every file read has: the figures needing another are
    /// null.
    known: Known,
    counting: Counting,
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

/// A unit's counts by calendar month, the months sorted: most units have
/// a few months, and a map per unit would cost a node of eleven.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnitMonths(Vec<(MonthIndex, Counts)>);

impl UnitMonths {
    pub fn get(&self, m: &MonthIndex) -> Option<&Counts> {
        let i = self.0.binary_search_by_key(m, |(k, _)| *k).ok()?;
        self.0.get(i).map(|(_, c)| c)
    }

    fn entry(&mut self, m: MonthIndex) -> &mut Counts {
        let i = match self.0.binary_search_by_key(&m, |(k, _)| *k) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, (m, Counts::default()));
                i
            }
        };
        &mut self.0[i].1
    }

    /// The months in order, with their counts.
    pub fn iter(&self) -> impl Iterator<Item = (&MonthIndex, &Counts)> {
        self.0.iter().map(|(m, c)| (m, c))
    }
}

#[derive(Clone, Debug)]
struct Group {
    /// Dossiers in the group, whatever the period: a group whose only
    /// dossier was superseded by a later row has none and is not shown.
    members: u64,
    /// The periods the group has dossiers in, by index, ascending, with
    /// their counts; a period absent counts zero. A dossier counts in few
    /// of the periods (the current one, the year, the months it is open
    /// in), so a group holds few, in 32 bits ([`Tally::overfull`]). The
    /// indices apart, so a scan over them stays in a cache line.
    periods: Vec<PeriodIndex>,
    counts: Vec<Counts32>,
    /// The group's ratio counts per calendar month (see [`Tally::monthly`]):
    /// the months sorted, searched by halving, apart from their counts so
    /// the search stays in a cache line or two.
    months: Vec<MonthIndex>,
    month_counts: Vec<RatioCounts>,
}

/// A period's position in [`Tally::periods`]. Periods are a handful: a
/// tally of 2³² of them would need 32 GB for their dates alone.
type PeriodIndex = u32;

impl Group {
    fn new() -> Group {
        Group {
            members: 0,
            periods: Vec::new(),
            counts: Vec::new(),
            months: Vec::new(),
            month_counts: Vec::new(),
        }
    }

    /// The counts of period `index`, looked for from position `*from`
    /// on, which is then moved past it: a dossier's periods come in
    /// ascending order, so they are found in one scan of the few there.
    fn period(&mut self, index: usize, from: &mut usize) -> &mut Counts32 {
        let index = index as PeriodIndex;
        let mut i = *from;
        while self.periods.get(i).is_some_and(|&p| p < index) {
            i += 1;
        }
        if self.periods.get(i) != Some(&index) {
            self.periods.insert(i, index);
            self.counts.insert(i, Counts32::default());
        }
        *from = i + 1;
        &mut self.counts[i]
    }

    fn month(&mut self, m: MonthIndex) -> &mut RatioCounts {
        let i = match self.months.binary_search(&m) {
            Ok(i) => i,
            Err(i) => {
                self.months.insert(i, m);
                self.month_counts.insert(i, RatioCounts::default());
                i
            }
        };
        &mut self.month_counts[i]
    }
}

/// One group's counts of every period, zero for a period it has no
/// dossier in.
#[derive(Clone, Copy, Debug)]
pub struct GroupCounts<'a> {
    periods: usize,
    indices: &'a [PeriodIndex],
    counts: &'a [Counts32],
}

impl GroupCounts<'_> {
    /// The counts of period `index`; `None` past the tally's periods.
    pub fn get(&self, index: usize) -> Option<Counts> {
        if index >= self.periods {
            return None;
        }
        let found = self.indices.binary_search(&(index as PeriodIndex));
        Some(match found.ok().and_then(|i| self.counts.get(i)) {
            Some(c) => Counts::from(c),
            None => Counts::default(),
        })
    }
}

/// The counts of [`Counts`] that the five ratios use, for one calendar
/// month, indexed by [`RatioField`]: one cache line, counted by two short
/// steps per row instead of the whole [`Counts::apply`]. 32 bits, as the
/// periods' ([`Tally::overfull`]); wrapping keeps `Remove` the inverse of
/// `Add`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct RatioCounts([u32; RatioField::COUNT]);

impl RatioCounts {
    fn bump(&mut self, f: RatioField, sign: Sign) {
        let n = &mut self.0[f as usize];
        *n = match sign {
            Sign::Add => n.wrapping_add(1),
            Sign::Remove => n.wrapping_sub(1),
        };
    }

    fn add(&mut self, o: &RatioCounts) {
        for (m, o) in self.0.iter_mut().zip(o.0) {
            *m = m.wrapping_add(o);
        }
    }

    /// As [`Counts`], the fields ratios do not use left at zero.
    fn counts(&self) -> Counts {
        let n = |f: RatioField| u64::from(self.0[f as usize]);
        Counts {
            online: n(RatioField::Online),
            direct: n(RatioField::Direct),
            postal: n(RatioField::Postal),
            no_channel: n(RatioField::NoChannel),
            online_service: n(RatioField::OnlineService),
            fee: n(RatioField::Fee),
            fee_paid_online: n(RatioField::FeePaidOnline),
            digitised_in: n(RatioField::DigitisedIn),
            early: n(RatioField::Early),
            on_time: n(RatioField::OnTime),
            late: n(RatioField::Late),
            digitised_out: n(RatioField::DigitisedOut),
            ..Counts::default()
        }
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
            known: Known::ALL,
            counting: Counting::default(),
        }
    }

    pub fn periods(&self) -> &[Period] {
        &self.periods
    }

    /// The columns every file read has.
    pub fn known(&self) -> Known {
        self.known
    }

    /// How the form's buckets are filled (`[cach_tinh]`).
    pub fn counting(&self) -> Counting {
        self.counting
    }

    /// Fills the buckets as `counting` says from now on.
    pub fn set_counting(&mut self, counting: Counting) {
        self.counting = counting;
    }

    /// Records that a file read lacks some columns.
    pub fn restrict(&mut self, known: Known) {
        self.known = self.known.and(known);
    }

    /// Whether [`Self::apply`] counts `d`: never-received dossiers are
    /// not.
    pub fn counts(d: &Dossier) -> bool {
        d.status != Status::NotReceived && d.received.is_some()
    }

    pub fn apply(&mut self, d: &Dossier, sign: Sign) {
        if !Self::counts(d) {
            return;
        }
        let group = self
            .groups
            .entry(GroupKey::of(d))
            .or_insert_with(Group::new);
        group.members = match sign {
            Sign::Add => group.members.wrapping_add(1),
            Sign::Remove => group.members.wrapping_sub(1),
        };
        let (head, series) = self.periods.split_at(self.series_from);
        let mut from = 0;
        for (i, p) in head.iter().enumerate() {
            if due::counted_in(d, p) {
                group.period(i, &mut from).count(d, p, sign);
            }
        }
        // In a series, only the periods from the one holding the receipt
        // (or the first) to the one holding the end can count the dossier.
        if let Some(received) = d.received {
            let first = series.partition_point(|p| p.end < received);
            let last = match d.ended {
                Some(e) => series.partition_point(|p| p.start <= e),
                None => series.len(),
            };
            for (i, p) in series.iter().enumerate().take(last).skip(first) {
                if due::counted_in(d, p) {
                    group
                        .period(self.series_from + i, &mut from)
                        .count(d, p, sign);
                }
            }
        }
        // Ratios count what was received in a month and what was resolved
        // in it: only the months of receipt and of the end change them.
        if let Some(r) = d.received {
            let month = group.month(month_index(r));
            on_receipt(d, |f| month.bump(f, sign));
        }
        if let (Some(e), Status::Resolved) = (d.ended, d.status) {
            let month = group.month(month_index(e));
            on_resolution(d, due::resolution(d.due, e), |f| month.bump(f, sign));
        }
    }

    /// The ratio counts of each unit per calendar month. Only the fields
    /// that ratios use are filled; the others are zero.
    pub fn monthly(&self) -> FastMap<(UnitId, Level), UnitMonths> {
        let mut out: FastMap<(UnitId, Level), UnitMonths> = FastMap::default();
        for (key, group) in &self.groups {
            if group.members == 0 {
                continue;
            }
            let mine = out.entry((key.unit, key.level)).or_default();
            for (m, c) in group.months.iter().zip(&group.month_counts) {
                *mine.entry(*m) += &c.counts();
            }
        }
        out
    }

    fn add_group(&mut self, key: GroupKey, group: Group) {
        match self.groups.get_mut(&key) {
            Some(mine) => {
                mine.members = mine.members.wrapping_add(group.members);
                let mut from = 0;
                for (i, c) in group.periods.iter().zip(&group.counts) {
                    *mine.period(*i as usize, &mut from) += c;
                }
                for (m, c) in group.months.into_iter().zip(group.month_counts) {
                    mine.month(m).add(&c);
                }
            }
            None => {
                self.groups.insert(key, group);
            }
        }
    }

    /// Adds `other`, a tally of the same periods and ids (another
    /// thread's).
    pub fn merge(&mut self, other: Tally) {
        debug_assert_eq!(self.periods, other.periods);
        self.restrict(other.known);
        if self.groups.is_empty() {
            // Taken whole: no second table while the first is emptied.
            self.groups = other.groups;
            return;
        }
        for (key, group) in other.groups {
            self.add_group(key, group);
        }
    }

    /// A group with more dossiers than its 32-bit counts hold, if any,
    /// with how many it has. Counts wrap, so they are exact, whatever the
    /// order of adding and taking out, as long as each group's final
    /// number of dossiers fits: no count of a period exceeds it (a
    /// dossier adds at most one to each).
    pub fn overfull(&self) -> Option<(GroupKey, u64)> {
        self.groups
            .iter()
            .find(|(_, g)| g.members > u64::from(u32::MAX))
            .map(|(k, g)| (*k, g.members))
    }

    fn view<'a>(&self, group: &'a Group) -> GroupCounts<'a> {
        GroupCounts {
            periods: self.periods.len(),
            indices: &group.periods,
            counts: &group.counts,
        }
    }

    /// The groups with dossiers, in a stable order, with their counts for
    /// each period.
    pub fn groups(&self) -> Vec<(GroupKey, GroupCounts<'_>)> {
        let mut groups: Vec<_> = self
            .groups
            .iter()
            .filter(|(_, g)| g.members != 0)
            .map(|(k, g)| (*k, self.view(g)))
            .collect();
        groups.sort_by_key(|(k, _)| *k);
        groups
    }

    /// Visits every group with members, in no particular order.
    pub fn each_group(&self, mut visit: impl FnMut(&GroupKey, GroupCounts<'_>)) {
        for (key, group) in &self.groups {
            if group.members != 0 {
                visit(key, self.view(group));
            }
        }
    }

    /// The sum, for period `index`, of the groups `keep` selects.
    pub fn sum(&self, index: usize, keep: impl Fn(&GroupKey) -> bool) -> Counts {
        let mut total = Counts::default();
        for (key, group) in &self.groups {
            if keep(key)
                && let Some(c) = self.view(group).get(index)
            {
                total += &c;
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

    /// 32-bit counts are exact up to 4 294 967 295 dossiers a group; one
    /// more is found, for the scan to stop with an error.
    #[test]
    fn a_group_past_32_bits_is_found() {
        let mut tally = Tally::new(vec![Period {
            start: day(0),
            end: day(364),
        }]);
        let d = Dossier::dated(Status::InProgress, day(3), day(9), None);
        tally.apply(&d, Sign::Add);
        assert_eq!(tally.overfull(), None);
        for g in tally.groups.values_mut() {
            g.members = u64::from(u32::MAX);
        }
        assert_eq!(tally.overfull(), None);
        tally.apply(&d, Sign::Add);
        assert_eq!(tally.overfull(), Some((GroupKey::of(&d), 1 << 32)));
    }

    proptest! {
        /// Many groups, each keeping only the periods it has dossiers in,
        /// tallied in four parts merged at the end, some dossiers taken
        /// out by another part than the one that added them: every group's
        /// counts in every period are those of a plain count.
        #[test]
        fn kept_periods_are_the_plain_counts(
            ds in proptest::collection::vec(
                (0u32..6, 0u32..3, 0usize..6, 0u16..400, proptest::option::of(0u16..90), 0u16..30, 0usize..4, proptest::bool::ANY),
                0..120),
        ) {
            let mut periods = vec![
                Period { start: day(40), end: day(70) },
                Period { start: day(0), end: day(364) },
                Period { start: day(10), end: day(39) },
            ];
            periods.extend((1..=12).map(|m| month_period(2023 * 12 + m - 1)));
            let mut parts = vec![Tally::new(periods.clone()); 4];
            let mut naive: std::collections::HashMap<GroupKey, (u64, Vec<Counts>)> = Default::default();
            for (unit, domain, status, r, took, due, part, remove) in ds {
                let status = Status::ALL[status];
                let d = Dossier {
                    unit, level: Level::Xa, domain, status, channel: Channel::Online,
                    received: Some(day(r)), due: Some(day(r + due)),
                    ended: if status.is_final() { took.map(|t| day(r + t)) } else { None },
                    online_service: Tri::Yes, digitised_in: Tri::No, digitised_out: Tri::Yes,
                    fee: Tri::No, paid_online: Tri::No,
                };
                let mut signs = vec![(part, Sign::Add)];
                if remove {
                    signs.push(((part + 1) % 4, Sign::Remove));
                }
                for (part, sign) in signs {
                    parts[part].apply(&d, sign);
                    if !Tally::counts(&d) {
                        continue;
                    }
                    let (members, counts) = naive
                        .entry(GroupKey::of(&d))
                        .or_insert_with(|| (0, vec![Counts::default(); periods.len()]));
                    *members = if sign == Sign::Add { *members + 1 } else { *members - 1 };
                    for (c, p) in counts.iter_mut().zip(&periods) {
                        c.apply(&d, p, sign);
                    }
                }
            }
            let mut tally = Tally::new(periods.clone());
            for part in parts {
                tally.merge(part);
            }
            let groups = tally.groups();
            let want: Vec<GroupKey> = {
                let mut k: Vec<GroupKey> = naive.iter().filter(|(_, (m, _))| *m != 0).map(|(k, _)| *k).collect();
                k.sort();
                k
            };
            prop_assert_eq!(groups.iter().map(|(k, _)| *k).collect::<Vec<_>>(), want);
            for (key, counts) in &groups {
                for (i, c) in naive[key].1.iter().enumerate() {
                    prop_assert_eq!(counts.get(i), Some(*c), "{:?} period {}", key, i);
                }
                prop_assert_eq!(counts.get(periods.len()), None);
            }
        }
    }

    proptest! {
        /// The month counts of the ratio fields are those of the whole
        /// apply over the calendar month, with dossiers added and taken out.
        #[test]
        fn month_counts_are_the_ratio_fields_of_the_month(
            ds in proptest::collection::vec(
                (0usize..6, 0u16..400, proptest::option::of(0u16..90), proptest::option::of(0u16..30), 0usize..3, 0usize..3, proptest::bool::ANY),
                0..60),
        ) {
            let months: Vec<MonthIndex> = (0..14).map(|m| 2023 * 12 + m).collect();
            let mut tally = Tally::new(vec![]);
            let mut naive = vec![Counts::default(); months.len()];
            let tri = [Tri::Yes, Tri::No, Tri::Unknown];
            for (i, (status, r, took, due, a, b, remove)) in ds.into_iter().enumerate() {
                let status = Status::ALL[status];
                let d = Dossier {
                    unit: 0, level: Level::Xa, domain: 0, status,
                    channel: [Channel::Online, Channel::Direct, Channel::Postal, Channel::Unknown][(a + b) % 4],
                    received: Some(day(r)), due: due.map(|x| day(r + x)),
                    ended: if status.is_final() { took.map(|t| day(r + t)) } else { None },
                    online_service: tri[b], digitised_in: tri[a], digitised_out: tri[(a + b) % 3],
                    fee: tri[(a + 1) % 3], paid_online: tri[b],
                };
                // A dossier is taken out only after it was added (a
                // superseded duplicate), never below zero.
                let signs: &[Sign] = if remove && i % 2 == 1 { &[Sign::Add, Sign::Remove] } else { &[Sign::Add] };
                for &sign in signs {
                    tally.apply(&d, sign);
                    for (c, m) in naive.iter_mut().zip(&months) {
                        c.apply(&d, &month_period(*m), sign);
                    }
                }
            }
            let monthly = tally.monthly();
            let got = monthly.get(&(0, Level::Xa));
            for (m, want) in months.iter().zip(&naive) {
                let have = got.and_then(|g| g.get(m)).copied().unwrap_or_default();
                let ratio_fields = |c: &Counts| [
                    c.online, c.direct, c.postal, c.no_channel, c.online_service, c.fee,
                    c.fee_paid_online, c.digitised_in, c.early, c.on_time, c.late, c.digitised_out,
                ];
                prop_assert_eq!(ratio_fields(&have), ratio_fields(want), "month {}", m);
            }
        }
    }
}
