//! The overdue watch (SPEC §11): as of a day, the dossiers still open past
//! their due date, and those due within a few days.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::data::Dataset;
use crate::figures::KeepRule;
use crate::input::{Dossier, Level, Status};

/// Where an open dossier stands against its due date on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    QuaHan,
    SapDenHan,
}

/// `Some((standing, days))` for a dossier open on `day` (received by then,
/// not ended by then, not paused) that is overdue (days past due, ≥ 1) or
/// due within `within` days (days left, ≥ 0).
pub fn standing(d: &Dossier, day: NaiveDate, within: u32) -> Option<(Standing, i64)> {
    if matches!(d.status, Status::NotReceived | Status::Paused) {
        return None;
    }
    if d.received.is_none_or(|r| r > day) || d.ended.is_some_and(|e| e <= day) {
        return None;
    }
    let due = d.due?;
    // A window past the calendar's end (`--trong 100000000`) reaches every
    // due date: clamped, never an empty list.
    let horizon = day
        .checked_add_days(Days::new(u64::from(within)))
        .unwrap_or(NaiveDate::MAX);
    if due < day {
        Some((Standing::QuaHan, (day - due).num_days()))
    } else if due <= horizon {
        Some((Standing::SapDenHan, (due - day).num_days()))
    } else {
        None
    }
}

/// The keep rule that gathers the dossiers of the watch.
pub fn keep(day: NaiveDate, within: u32) -> KeepRule {
    std::sync::Arc::new(move |d: &Dossier| standing(d, day, within).is_some())
}

/// One dossier of the watch, with the keys of SPEC §11.
#[derive(Clone, Debug, Serialize)]
pub struct Watched {
    pub ma_ho_so: String,
    pub don_vi: String,
    pub cap: Level,
    pub linh_vuc: Option<String>,
    pub ten_thu_tuc: String,
    pub ngay_tiep_nhan: Option<NaiveDate>,
    pub ngay_hen_tra: Option<NaiveDate>,
    pub tinh_trang: Standing,
    pub so_ngay: i64,
}

/// What `cctthc qua-han --format json` prints.
#[derive(Clone, Debug, Serialize)]
pub struct Watch {
    pub ngay: NaiveDate,
    pub ho_so: Vec<Watched>,
}

impl Watch {
    /// Overdue first, most overdue first; then those due soonest; ties by
    /// code.
    pub fn new(data: &Dataset, day: NaiveDate, within: u32) -> Watch {
        let mut ho_so: Vec<Watched> = data
            .details
            .iter()
            .filter_map(|x| {
                let d = &x.dossier;
                let (tinh_trang, so_ngay) = standing(d, day, within)?;
                let domain = data.names.domain_name(d.domain);
                Some(Watched {
                    ma_ho_so: x.code.to_string(),
                    don_vi: data.names.unit_name(d.unit).to_string(),
                    cap: d.level,
                    linh_vuc: (!domain.is_empty()).then(|| domain.to_string()),
                    ten_thu_tuc: x.procedure_name.to_string(),
                    ngay_tiep_nhan: d.received,
                    ngay_hen_tra: d.due,
                    tinh_trang,
                    so_ngay,
                })
            })
            .collect();
        ho_so.sort_by(|a, b| {
            let key = |w: &Watched| match w.tinh_trang {
                Standing::QuaHan => (0, -w.so_ngay),
                Standing::SapDenHan => (1, w.so_ngay),
            };
            key(a)
                .cmp(&key(b))
                .then_with(|| a.ma_ho_so.cmp(&b.ma_ho_so))
        });
        Watch { ngay: day, ho_so }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Channel, Tri};

    fn d(m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, m, dd).unwrap()
    }

    fn dossier(status: Status, due: NaiveDate, ended: Option<NaiveDate>) -> Dossier {
        Dossier {
            unit: 0,
            level: Level::Xa,
            domain: 0,
            status,
            channel: Channel::Online,
            received: Some(d(6, 1)),
            due: Some(due),
            ended,
            online_service: Tri::Yes,
            digitised_in: Tri::Yes,
            digitised_out: Tri::Yes,
            fee: Tri::No,
            paid_online: Tri::No,
        }
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
}
