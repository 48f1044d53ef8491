//! The tally of one group of dossiers over one period (SPEC §4).
//!
//! Counts are additive, so tallies of files, threads or groups merge by
//! adding them, and a dossier superseded by a later row is taken back out by
//! applying it with the opposite sign.

use std::ops::AddAssign;

use super::due::{self, Outcome, Resolution};
use crate::input::{Channel, Dossier, Tri};
use crate::period::Period;

/// Add a dossier (`+1`) or take it back out (`-1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sign {
    Add,
    Remove,
}

/// A count of [`CountsOf`]: wrapping, so `Remove` is the exact inverse of
/// `Add` and a sum may be negative part way through a merge.
pub trait Count: Copy + Default + Eq + std::fmt::Debug {
    const ONE: Self;
    const MINUS_ONE: Self;
    fn plus(self, o: Self) -> Self;
}

impl Count for u64 {
    const ONE: u64 = 1;
    const MINUS_ONE: u64 = u64::MAX;
    fn plus(self, o: u64) -> u64 {
        self.wrapping_add(o)
    }
}

impl Count for u32 {
    const ONE: u32 = 1;
    const MINUS_ONE: u32 = u32::MAX;
    fn plus(self, o: u32) -> u32 {
        self.wrapping_add(o)
    }
}

/// Every count the figures are made of.
pub type Counts = CountsOf<u64>;

/// The counts of one group and period as the tally stores them: 32 bits
/// hold 4 294 967 295 dossiers per group, which the scan checks (see
/// [`super::Tally::largest_group`]); sums of groups are [`Counts`].
pub(crate) type Counts32 = CountsOf<u32>;

/// The list of the fields of [`CountsOf`], for `$m!` to visit.
macro_rules! with_fields {
    ($m:ident) => {
        $m!(
            online,
            direct,
            postal,
            no_channel,
            carried,
            early,
            on_time,
            late,
            pending_in_time,
            pending_late,
            paused,
            returned,
            withdrawn,
            online_service,
            fee,
            fee_paid_online,
            digitised_in,
            digitised_out
        )
    };
}

/// Every count the figures are made of, in `N`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CountsOf<N> {
    /// Received in the period, by channel; `no_channel` when the export
    /// has no channel column.
    pub online: N,
    pub direct: N,
    pub postal: N,
    pub no_channel: N,
    /// Received before the period and not ended before it.
    pub carried: N,
    /// Resolved in the period, against the due date.
    pub early: N,
    pub on_time: N,
    pub late: N,
    /// Not ended by the period's end.
    pub pending_in_time: N,
    pub pending_late: N,
    pub paused: N,
    /// Ended in the period without a result.
    pub returned: N,
    pub withdrawn: N,
    /// Received in the period whose procedure is an online service.
    pub online_service: N,
    /// Received in the period with a fee, and of those paid online.
    pub fee: N,
    pub fee_paid_online: N,
    /// Received in the period and digitised at intake.
    pub digitised_in: N,
    /// Resolved in the period with a digitised result.
    pub digitised_out: N,
}

/// The counts the five ratios read, each a field of [`Counts`] of the
/// same name. Which of them a dossier adds to is decided once, here, for
/// the figures of a period and for the monthly ratios alike. A value the
/// export does not have counts nowhere: a ratio whose column is missing
/// is null as a whole (see [`crate::input::Known`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RatioField {
    Online,
    Direct,
    Postal,
    NoChannel,
    OnlineService,
    Fee,
    FeePaidOnline,
    DigitisedIn,
    Early,
    OnTime,
    Late,
    DigitisedOut,
}

impl RatioField {
    pub(crate) const COUNT: usize = 12;
}

/// The ratio counts of a dossier received in the period.
#[inline]
pub(crate) fn on_receipt(d: &Dossier, mut bump: impl FnMut(RatioField)) {
    bump(match d.channel {
        Channel::Online => RatioField::Online,
        Channel::Direct => RatioField::Direct,
        Channel::Postal => RatioField::Postal,
        Channel::Unknown => RatioField::NoChannel,
    });
    if d.online_service != Tri::No {
        bump(RatioField::OnlineService);
    }
    if d.fee == Tri::Yes {
        bump(RatioField::Fee);
        if d.paid_online == Tri::Yes {
            bump(RatioField::FeePaidOnline);
        }
    }
    if d.digitised_in == Tri::Yes {
        bump(RatioField::DigitisedIn);
    }
}

/// The ratio counts of a dossier resolved as `resolution`.
#[inline]
pub(crate) fn on_resolution(d: &Dossier, resolution: Resolution, mut bump: impl FnMut(RatioField)) {
    bump(match resolution {
        Resolution::Early => RatioField::Early,
        Resolution::OnTime => RatioField::OnTime,
        Resolution::Late { .. } => RatioField::Late,
    });
    if d.digitised_out == Tri::Yes {
        bump(RatioField::DigitisedOut);
    }
}

impl<N: Count> CountsOf<N> {
    /// Counts `d` into the figures of `p` (or takes it out); which
    /// bucket it falls in is decided in [`super::due`].
    pub fn apply(&mut self, d: &Dossier, p: &Period, sign: Sign) {
        if due::counted_in(d, p) {
            self.count(d, p, sign);
        }
    }

    /// [`Self::apply`] for a dossier `p` counts ([`due::counted_in`]).
    pub(crate) fn count(&mut self, d: &Dossier, p: &Period, sign: Sign) {
        // Wrapping arithmetic makes `Remove` the exact inverse of `Add`.
        let one = match sign {
            Sign::Add => N::ONE,
            Sign::Remove => N::MINUS_ONE,
        };
        let bump = |n: &mut N| *n = n.plus(one);
        match d.received {
            Some(r) if p.contains(r) => on_receipt(d, |f| bump(self.ratio_field(f))),
            _ => bump(&mut self.carried),
        }
        match due::outcome(d, p) {
            Outcome::Resolved(r) => on_resolution(d, r, |f| bump(self.ratio_field(f))),
            Outcome::Returned => bump(&mut self.returned),
            Outcome::Withdrawn => bump(&mut self.withdrawn),
            Outcome::Paused => bump(&mut self.paused),
            Outcome::Pending { late: Some(_) } => bump(&mut self.pending_late),
            Outcome::Pending { late: None } => bump(&mut self.pending_in_time),
        }
    }

    /// The count of a ratio field.
    fn ratio_field(&mut self, f: RatioField) -> &mut N {
        match f {
            RatioField::Online => &mut self.online,
            RatioField::Direct => &mut self.direct,
            RatioField::Postal => &mut self.postal,
            RatioField::NoChannel => &mut self.no_channel,
            RatioField::OnlineService => &mut self.online_service,
            RatioField::Fee => &mut self.fee,
            RatioField::FeePaidOnline => &mut self.fee_paid_online,
            RatioField::DigitisedIn => &mut self.digitised_in,
            RatioField::Early => &mut self.early,
            RatioField::OnTime => &mut self.on_time,
            RatioField::Late => &mut self.late,
            RatioField::DigitisedOut => &mut self.digitised_out,
        }
    }
}

impl From<&Counts32> for Counts {
    fn from(c: &Counts32) -> Counts {
        macro_rules! widen {
            ($($f:ident),*) => { Counts { $($f: u64::from(c.$f),)* } };
        }
        with_fields!(widen)
    }
}

impl Counts {
    /// Received in the period.
    pub fn received(&self) -> u64 {
        self.online + self.direct + self.postal + self.no_channel
    }

    /// Received in the period plus carried over.
    pub fn total(&self) -> u64 {
        self.received() + self.carried
    }

    pub fn resolved(&self) -> u64 {
        self.early + self.on_time + self.late
    }

    pub fn pending(&self) -> u64 {
        self.pending_in_time + self.pending_late
    }

    /// Whether any dossier is late: resolved late or pending past its due date.
    pub fn has_overdue(&self) -> bool {
        self.late + self.pending_late > 0
    }
}

impl<N: Count> AddAssign<&CountsOf<N>> for CountsOf<N> {
    fn add_assign(&mut self, o: &CountsOf<N>) {
        // Wrapping: a group may be negative part way through a merge.
        macro_rules! add {
            ($($f:ident),*) => { $(self.$f = self.$f.plus(o.$f);)* };
        }
        with_fields!(add);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Status;
    use chrono::NaiveDate;

    fn d(m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2023, m, dd).unwrap()
    }

    fn dossier(
        status: Status,
        received: NaiveDate,
        due: NaiveDate,
        ended: Option<NaiveDate>,
    ) -> Dossier {
        Dossier::dated(status, received, due, ended)
    }

    const P: Period = Period {
        start: NaiveDate::from_ymd_opt(2023, 10, 23).unwrap(),
        end: NaiveDate::from_ymd_opt(2023, 11, 22).unwrap(),
    };

    fn count(ds: &[Dossier]) -> Counts {
        let mut c = Counts::default();
        for x in ds {
            c.apply(x, &P, Sign::Add);
        }
        c
    }

    #[test]
    fn period_edges() {
        use Status::*;
        let c = count(&[
            // Received on the last day: in the period, still pending.
            dossier(InProgress, d(11, 22), d(11, 25), None),
            // Ended on its due date: on time.
            dossier(Resolved, d(11, 1), d(11, 10), Some(d(11, 10))),
            // Ended after the period: pending at its end, past due.
            dossier(Resolved, d(11, 1), d(11, 10), Some(d(11, 23))),
            // Carried over and ended on the first day.
            dossier(Resolved, d(10, 20), d(10, 30), Some(d(10, 23))),
            // Ended the day before the period: not counted.
            dossier(Resolved, d(10, 20), d(10, 30), Some(d(10, 22))),
            // Received after the period: not counted.
            dossier(Resolved, d(11, 23), d(11, 30), Some(d(11, 24))),
            // Not received: never counted.
            dossier(NotReceived, d(11, 1), d(11, 5), None),
            dossier(Paused, d(11, 1), d(11, 5), None),
            dossier(Returned, d(11, 1), d(11, 5), Some(d(11, 2))),
        ]);
        assert_eq!(c.received(), 5);
        assert_eq!(c.carried, 1);
        assert_eq!((c.early, c.on_time, c.late), (1, 1, 0));
        assert_eq!((c.pending_in_time, c.pending_late), (1, 1));
        assert_eq!((c.paused, c.returned, c.withdrawn), (1, 1, 0));
        assert_eq!(
            c.total(),
            c.resolved() + c.pending() + c.paused + c.returned + c.withdrawn
        );
    }

    #[test]
    fn remove_undoes_add() {
        let x = dossier(Status::Resolved, d(11, 1), d(11, 10), Some(d(11, 12)));
        let mut c = count(&[x]);
        assert_eq!(c.late, 1);
        c.apply(&x, &P, Sign::Remove);
        assert_eq!(c, Counts::default());
    }

    mod prop {
        use super::super::*;
        use crate::input::{Level, Status};
        use chrono::{Days, NaiveDate};
        use proptest::prelude::*;

        fn day(n: u16) -> NaiveDate {
            NaiveDate::from_ymd_opt(2023, 1, 1).unwrap() + Days::new(u64::from(n))
        }

        fn tri() -> impl Strategy<Value = Tri> {
            prop_oneof![Just(Tri::Unknown), Just(Tri::No), Just(Tri::Yes)]
        }

        prop_compose! {
            fn dossier()(
                status in 0usize..6, channel in 0usize..4,
                received in proptest::option::weighted(0.95, 0u16..200),
                due in proptest::option::weighted(0.9, 0u16..40),
                took in proptest::option::weighted(0.8, 0u16..60),
                flags in proptest::collection::vec(tri(), 5),
            ) -> Dossier {
                let status = Status::ALL[status];
                Dossier {
                    unit: 0, level: Level::Xa, domain: 0, status,
                    channel: [Channel::Online, Channel::Direct, Channel::Postal, Channel::Unknown][channel],
                    received: received.map(day),
                    due: received.zip(due).map(|(r, d)| day(r + d)),
                    ended: if status.is_final() { received.zip(took).map(|(r, t)| day(r + t)) } else { None },
                    online_service: flags[0], digitised_in: flags[1], digitised_out: flags[2],
                    fee: flags[3], paid_online: flags[4],
                }
            }
        }

        proptest! {
            #[test]
            fn every_dossier_falls_in_exactly_one_bucket(
                ds in proptest::collection::vec(dossier(), 0..200),
                start in 0u16..200, len in 0u16..100,
            ) {
                let p = Period { start: day(start), end: day(start + len) };
                let mut c = Counts::default();
                for d in &ds {
                    c.apply(d, &p, Sign::Add);
                }
                prop_assert_eq!(c.total(), c.resolved() + c.pending() + c.paused + c.returned + c.withdrawn);
                let expected = ds.iter().filter(|d| {
                    d.status != Status::NotReceived && d.received.is_some_and(|r| r <= p.end && d.ended.is_none_or(|e| e >= p.start))
                }).count() as u64;
                prop_assert_eq!(c.total(), expected);
                // The counts on receipt, worked out from the dossiers.
                let received: Vec<&Dossier> = ds.iter().filter(|d| {
                    d.status != Status::NotReceived && d.received.is_some_and(|r| p.contains(r))
                }).collect();
                let n = |f: &dyn Fn(&Dossier) -> bool| received.iter().filter(|d| f(d)).count() as u64;
                prop_assert_eq!(c.online, n(&|d| d.channel == Channel::Online));
                prop_assert_eq!(c.direct, n(&|d| d.channel == Channel::Direct));
                prop_assert_eq!(c.postal, n(&|d| d.channel == Channel::Postal));
                prop_assert_eq!(c.no_channel, n(&|d| d.channel == Channel::Unknown));
                prop_assert_eq!(c.fee, n(&|d| d.fee == Tri::Yes));
                prop_assert_eq!(c.fee_paid_online, n(&|d| d.fee == Tri::Yes && d.paid_online == Tri::Yes));
                prop_assert_eq!(c.digitised_in, n(&|d| d.digitised_in == Tri::Yes));
                prop_assert_eq!(c.online_service, n(&|d| d.online_service != Tri::No));
                // Split anywhere, the halves add up to the whole; removing undoes.
                let (a, b) = ds.split_at(ds.len() / 2);
                let (mut ca, mut cb) = (Counts::default(), Counts::default());
                a.iter().for_each(|d| ca.apply(d, &p, Sign::Add));
                b.iter().for_each(|d| cb.apply(d, &p, Sign::Add));
                ca += &cb;
                prop_assert_eq!(ca, c);
                for d in ds.iter().rev() {
                    c.apply(d, &p, Sign::Remove);
                }
                prop_assert_eq!(c, Counts::default());
            }
        }
    }
}
