//! The due-date rules, in one place (SPEC §4, §11): which dossiers a
//! period counts, whether one resolved on a day was early, on time or
//! late, whether one still open at a period's end is late, and where an
//! open dossier stands on a day for the overdue watch.
//!
//! The tallies ([`super::Counts`]), the report's late list and the overdue
//! watch all ask here, so a dossier counted late is the one listed late.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::collect::KeepRule;
use crate::input::{Dossier, Status};
use crate::period::Period;

/// A resolution against the due date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// Before the due date.
    Early,
    /// On the due date, or without one.
    OnTime,
    /// After the due date, by `days`.
    Late { days: i64 },
}

/// A dossier resolved on `ended` against `due`.
#[inline]
pub fn resolution(due: Option<NaiveDate>, ended: NaiveDate) -> Resolution {
    match due {
        Some(due) if ended < due => Resolution::Early,
        Some(due) if ended > due => Resolution::Late {
            days: (ended - due).num_days(),
        },
        _ => Resolution::OnTime,
    }
}

/// Days past due of a dossier still open on `day`, if any: it is late
/// once its due date is before that day (due on the day is in time).
#[inline]
pub fn open_late(due: Option<NaiveDate>, day: NaiveDate) -> Option<i64> {
    due.filter(|due| *due < day)
        .map(|due| (day - due).num_days())
}

/// Whether period `p` counts `d` at all: received in it, or received
/// before it and not ended before its first day.
#[inline]
pub fn counted_in(d: &Dossier, p: &Period) -> bool {
    if d.status == Status::NotReceived {
        return false;
    }
    let Some(received) = d.received else {
        return false;
    };
    p.contains(received) || (received < p.start && d.ended.is_none_or(|e| e >= p.start))
}

/// Where a dossier that `p` counts stands at the end of `p`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Resolved(Resolution),
    Returned,
    Withdrawn,
    /// Open and paused (awaiting papers): neither in time nor late.
    Paused,
    /// Open at the period's end; `late` is the days past due, if any.
    Pending {
        late: Option<i64>,
    },
}

/// The outcome of `d` at the end of `p`: ended by then, by its final
/// status; else paused, or pending against the period's last day.
#[inline]
pub fn outcome(d: &Dossier, p: &Period) -> Outcome {
    match d.ended.filter(|e| *e <= p.end) {
        Some(ended) => match d.status {
            Status::Resolved => Outcome::Resolved(resolution(d.due, ended)),
            Status::Returned => Outcome::Returned,
            // Only final statuses carry an end date; withdrawn is the rest.
            _ => Outcome::Withdrawn,
        },
        None if d.status == Status::Paused => Outcome::Paused,
        None => Outcome::Pending {
            late: open_late(d.due, p.end),
        },
    }
}

/// Days late of `d` in `p`, if it is late there: resolved in `p` after
/// its due date, or open (not paused) at the end of `p` past it. Exactly
/// the dossiers the tallies count as `late` or `pending_late`.
pub fn lateness(d: &Dossier, p: &Period) -> Option<i64> {
    if !counted_in(d, p) {
        return None;
    }
    match outcome(d, p) {
        Outcome::Resolved(Resolution::Late { days }) => Some(days),
        Outcome::Pending { late } => late,
        _ => None,
    }
}

/// The keep rule of reports: the dossiers late in `p`.
pub fn late_in(p: Period) -> KeepRule {
    std::sync::Arc::new(move |d: &Dossier| lateness(d, &p).is_some())
}

/// Where an open dossier stands on a day, for the overdue watch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    QuaHan,
    SapDenHan,
}

/// `Some((standing, days))` for a dossier open on `day` (received by then,
/// not ended by then, not paused) that is overdue there as a period ending
/// on `day` counts it (days past due, ≥ 1), or due within `within` days
/// (days left, ≥ 0).
pub fn standing(d: &Dossier, day: NaiveDate, within: u32) -> Option<(Standing, i64)> {
    if matches!(d.status, Status::NotReceived | Status::Paused) {
        return None;
    }
    if d.received.is_none_or(|r| r > day) || d.ended.is_some_and(|e| e <= day) {
        return None;
    }
    let due = d.due?;
    if let Some(days) = open_late(Some(due), day) {
        return Some((Standing::QuaHan, days));
    }
    // A window past the calendar's end (`--trong 100000000`) reaches every
    // due date: clamped, never an empty list.
    let horizon = day
        .checked_add_days(Days::new(u64::from(within)))
        .unwrap_or(NaiveDate::MAX);
    (due <= horizon).then(|| (Standing::SapDenHan, (due - day).num_days()))
}

/// The keep rule that gathers the dossiers of the watch.
pub fn watched(day: NaiveDate, within: u32) -> KeepRule {
    std::sync::Arc::new(move |d: &Dossier| standing(d, day, within).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::{Counts, Sign};
    use crate::input::Dossier;

    fn d(m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, m, dd).unwrap()
    }

    fn dossier(status: Status, due: NaiveDate, ended: Option<NaiveDate>) -> Dossier {
        Dossier::dated(status, d(6, 1), due, ended)
    }

    #[test]
    fn a_resolution_against_its_due_date() {
        assert_eq!(resolution(Some(d(6, 10)), d(6, 9)), Resolution::Early);
        assert_eq!(resolution(Some(d(6, 10)), d(6, 10)), Resolution::OnTime);
        assert_eq!(
            resolution(Some(d(6, 10)), d(6, 13)),
            Resolution::Late { days: 3 }
        );
        assert_eq!(resolution(None, d(6, 13)), Resolution::OnTime);
    }

    #[test]
    fn late_days_in_a_period() {
        let p = Period {
            start: d(6, 1),
            end: d(6, 30),
        };
        let open = Status::InProgress;
        assert_eq!(
            lateness(&dossier(open, d(6, 30), None), &p),
            None,
            "due on the last day"
        );
        assert_eq!(lateness(&dossier(open, d(6, 27), None), &p), Some(3));
        assert_eq!(lateness(&dossier(Status::Paused, d(6, 2), None), &p), None);
        let late = dossier(Status::Resolved, d(6, 10), Some(d(6, 12)));
        assert_eq!(lateness(&late, &p), Some(2));
        // Resolved after the period: open at its end, late to its last day.
        let after = dossier(Status::Resolved, d(6, 10), Some(d(7, 5)));
        assert_eq!(lateness(&after, &p), Some(20));
        let returned = dossier(Status::Returned, d(6, 10), Some(d(6, 12)));
        assert_eq!(lateness(&returned, &p), None, "returned is never late");
        let before = Period {
            start: d(7, 1),
            end: d(7, 31),
        };
        assert_eq!(lateness(&late, &before), None, "ended before the period");
    }

    #[test]
    fn edges_of_the_watch() {
        let day = d(6, 30);
        let open = Status::InProgress;
        assert_eq!(
            standing(&dossier(open, d(6, 30), None), day, 2),
            Some((Standing::SapDenHan, 0)),
            "due today"
        );
        assert_eq!(
            standing(&dossier(open, d(7, 1), None), day, 2),
            Some((Standing::SapDenHan, 1)),
            "due tomorrow"
        );
        assert_eq!(
            standing(&dossier(open, d(7, 2), None), day, 2),
            Some((Standing::SapDenHan, 2))
        );
        assert_eq!(
            standing(&dossier(open, d(7, 3), None), day, 2),
            None,
            "beyond the horizon"
        );
        assert_eq!(
            standing(&dossier(open, d(6, 29), None), day, 2),
            Some((Standing::QuaHan, 1))
        );
        assert_eq!(
            standing(&dossier(Status::Paused, d(6, 1), None), day, 2),
            None,
            "paused"
        );
        assert_eq!(
            standing(&dossier(Status::Resolved, d(6, 10), Some(d(6, 20))), day, 2),
            None,
            "resolved late before the day"
        );
        assert_eq!(
            standing(&dossier(Status::Resolved, d(6, 10), Some(d(7, 5))), day, 2),
            Some((Standing::QuaHan, 20)),
            "resolved after the day: still open on it"
        );
        let mut later = dossier(open, d(7, 1), None);
        later.received = Some(d(7, 1));
        assert_eq!(standing(&later, day, 2), None, "received after the day");
    }

    mod prop {
        use super::super::*;
        use crate::figures::{Counts, Sign};
        use crate::input::{Channel, Level, Tri};
        use chrono::{Days, NaiveDate};
        use proptest::prelude::*;

        fn day(n: u16) -> NaiveDate {
            NaiveDate::from_ymd_opt(2023, 1, 1).unwrap() + Days::new(u64::from(n))
        }

        prop_compose! {
            fn dossier()(
                status in 0usize..6,
                received in proptest::option::weighted(0.95, 0u16..200),
                due in proptest::option::weighted(0.9, 0u16..40),
                took in proptest::option::weighted(0.8, 0u16..60),
            ) -> Dossier {
                let status = Status::ALL[status];
                Dossier {
                    unit: 0, level: Level::Xa, domain: 0, status,
                    channel: Channel::Direct,
                    received: received.map(day),
                    due: received.zip(due).map(|(r, d)| day(r + d)),
                    ended: if status.is_final() { received.zip(took).map(|(r, t)| day(r + t)) } else { None },
                    online_service: Tri::No, digitised_in: Tri::No, digitised_out: Tri::No,
                    fee: Tri::No, paid_online: Tri::No,
                }
            }
        }

        proptest! {
            /// Dossier by dossier, the late list and the tallies agree: a
            /// dossier is listed late exactly when it adds one to `late`
            /// or `pending_late`, and its days are worked out here from
            /// its dates, not by the rule.
            #[test]
            fn the_late_list_is_what_the_tallies_count_late(
                ds in proptest::collection::vec(dossier(), 0..100),
                start in 0u16..200, len in 0u16..100,
            ) {
                let p = Period { start: day(start), end: day(start + len) };
                let mut all = Counts::default();
                let mut listed = 0u64;
                for x in &ds {
                    let mut c = Counts::default();
                    c.apply(x, &p, Sign::Add);
                    all.apply(x, &p, Sign::Add);
                    let counted_late = c.late + c.pending_late;
                    let days = lateness(x, &p);
                    prop_assert_eq!(counted_late == 1, days.is_some(), "{:?}", x);
                    if let Some(days) = days {
                        listed += 1;
                        let due = x.due.unwrap();
                        let until = match x.ended {
                            Some(e) if e <= p.end => e,
                            _ => p.end,
                        };
                        prop_assert_eq!(days, (until - due).num_days());
                        prop_assert!(days >= 1);
                    }
                }
                prop_assert_eq!(all.late + all.pending_late, listed);
            }
        }
    }

    #[test]
    fn a_watch_on_a_period_end_is_the_late_list_of_open_dossiers() {
        // On the period's last day, overdue in the watch is pending late.
        let p = Period {
            start: d(6, 1),
            end: d(6, 30),
        };
        for due in [d(6, 28), d(6, 29), d(6, 30), d(7, 1)] {
            let x = dossier(Status::InProgress, due, None);
            let mut c = Counts::default();
            c.apply(&x, &p, Sign::Add);
            let overdue = matches!(standing(&x, p.end, 0), Some((Standing::QuaHan, _)));
            assert_eq!(overdue, c.pending_late == 1, "due {due}");
        }
    }
}
