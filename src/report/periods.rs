//! The periods as the context and the JSON show them: a period's days and
//! names, a comparison period's figures, and the months of the year.

use serde::Serialize;

use crate::dataset::Dataset;
use crate::figures::{ByLevel, GroupKey, Snapshot, Summary, UnitFigures};
use crate::input::Level;
use crate::period::{Period, Reporting, Span};

/// The period as the context shows it: its days and its names. `thang`,
/// `quy`, `nua_nam` are none unless the period is of that kind.
#[derive(Clone, Debug, Serialize)]
pub struct PeriodInfo {
    pub tu_ngay: chrono::NaiveDate,
    pub den_ngay: chrono::NaiveDate,
    /// `tháng 11 năm 2023`, `quý IV năm 2023`…
    pub ten: String,
    /// `tháng 11/2023`, `quý IV/2023`…: the short form letters use.
    pub ten_ngan: String,
    /// `thang`, `quy`, `nua_nam`, `nam` or `khoang`.
    pub loai: &'static str,
    pub nam: i32,
    pub thang: Option<u32>,
    pub quy: Option<u32>,
    pub nua_nam: Option<u32>,
}

impl PeriodInfo {
    pub fn of(reporting: &Reporting) -> PeriodInfo {
        let Period { start, end } = reporting.current;
        let mut info = PeriodInfo {
            tu_ngay: start,
            den_ngay: end,
            ten: reporting.label(),
            ten_ngan: reporting.short_label(),
            loai: "khoang",
            nam: reporting.year,
            thang: None,
            quy: None,
            nua_nam: None,
        };
        match reporting.span {
            Span::Month { month, .. } => {
                info.loai = "thang";
                info.thang = Some(month);
            }
            Span::Quarter { quarter, .. } => {
                info.loai = "quy";
                info.quy = Some(quarter);
            }
            Span::Half { half, .. } => {
                info.loai = "nua_nam";
                info.nua_nam = Some(half);
            }
            Span::Year { .. } => info.loai = "nam",
            Span::Range => {}
        }
        info
    }
}

/// The figures of a comparison period (`luy_ke`, `ky_lien_truoc`).
#[derive(Clone, Debug, Serialize)]
pub struct PeriodFigures {
    pub ky: Period,
    pub tong: Summary,
    pub theo_cap: ByLevel,
    pub theo_don_vi: Vec<UnitFigures>,
}

impl From<Snapshot> for PeriodFigures {
    fn from(s: Snapshot) -> Self {
        PeriodFigures {
            ky: s.ky,
            tong: s.tong,
            theo_cap: s.theo_cap,
            theo_don_vi: s.theo_don_vi,
        }
    }
}

/// One month of the reporting year (`theo_thang`).
#[derive(Clone, Debug, Serialize)]
pub struct MonthFigures {
    pub thang: u32,
    pub nam: i32,
    pub ky: Period,
    pub tong: Summary,
    pub theo_cap: ByLevel,
    pub tinh: Option<Summary>,
    pub huyen: Option<Summary>,
    pub xa: Option<Summary>,
}

/// The months of the reporting year up to the period's last, for the
/// groups `keep` selects.
pub fn month_series(data: &Dataset, keep: impl Fn(&GroupKey) -> bool) -> Vec<MonthFigures> {
    let (months, indices): (Vec<u32>, Vec<usize>) = data
        .months()
        .iter()
        .filter_map(|m| Some((*m, data.month_index(*m)?)))
        .unzip();
    months
        .into_iter()
        .zip(Snapshot::of_levels(&data.tally, &indices, keep))
        .filter_map(|(m, s)| s.map(|s| (m, s)))
        .map(|(m, s)| MonthFigures {
            thang: m,
            nam: data.reporting.year,
            ky: s.ky,
            tong: s.tong,
            tinh: s.theo_cap.get(Level::Tinh).copied(),
            huyen: s.theo_cap.get(Level::Huyen).copied(),
            xa: s.theo_cap.get(Level::Xa).copied(),
            theo_cap: s.theo_cap,
        })
        .collect()
}
