//! Reading the exports and counting them for a reporting period: the data
//! every command shows, and the figures part of a report's context.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Serialize;

use super::analysis::{Analysis, Lists, Periods, TargetsView, UnitEntry};
use crate::figures::PerRatio;

use crate::figures::due;
use crate::figures::{
    Accounting, ByLevel, Detail, DomainFigures, GroupKey, KeepRule, Percent, Snapshot, Summary,
    Tally, UnitFigures,
};
use crate::input::{self, FileReport, Level, Names, Options, RowProblem, UnitId, UnitRule};
use crate::period::{Period, Reporting, Span};

/// Which of the tallied periods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    Current,
    YearToDate,
    Previous,
    /// A month of the reporting year, from 1.
    Month(u32),
}

/// The exports, read and counted.
pub struct Dataset {
    pub reporting: Reporting,
    pub tally: Tally,
    pub names: Names,
    pub accounting: Accounting,
    pub files: Vec<FileReport>,
    /// The dossiers kept whole (by default: late in the period).
    pub details: Vec<Detail>,
    months: Vec<u32>,
}

impl Dataset {
    /// Reads `files` and counts them for `reporting`; invalid rows go to
    /// `report` and are left out.
    pub fn read(
        files: &[PathBuf],
        options: &Options,
        units: &[UnitRule],
        reporting: Reporting,
        report: &mut dyn FnMut(RowProblem),
    ) -> Result<Dataset, input::Error> {
        let keep = Some(due::late_in(reporting.current));
        Dataset::read_with_progress(files, options, units, reporting, keep, report, &mut |_| {})
    }

    /// Like [`Dataset::read`], keeping whole the dossiers `keep` selects,
    /// and calling `progress` with the rows read so far every few thousand
    /// rows.
    pub fn read_with_progress(
        files: &[PathBuf],
        options: &Options,
        units: &[UnitRule],
        reporting: Reporting,
        keep: Option<KeepRule>,
        report: &mut dyn FnMut(RowProblem),
        progress: &mut dyn FnMut(u64),
    ) -> Result<Dataset, input::Error> {
        let months = reporting.months_of_year();
        let mut periods = vec![
            reporting.current,
            reporting.year_to_date,
            reporting.previous,
        ];
        periods.extend(months.iter().map(|(_, p)| *p));
        let mut input = crate::scan::Input::new(files, options, units, periods);
        input.keep = keep;
        let scanned = crate::scan::run(&input, report, progress)?;
        Ok(Dataset {
            reporting,
            tally: scanned.tally,
            names: scanned.names,
            accounting: scanned.accounting,
            details: scanned.details,
            files: scanned.files,
            months: months.into_iter().map(|(m, _)| m).collect(),
        })
    }

    /// A small dataset with every level, one unit each, and dossiers in the
    /// period: a context in which every name a template may use exists,
    /// for `template check`.
    pub fn sample(reporting: Reporting) -> Dataset {
        use crate::figures::Sign;
        use crate::input::{Channel, Dossier, Level, Status, Tri};
        let months = reporting.months_of_year();
        let mut periods = vec![
            reporting.current,
            reporting.year_to_date,
            reporting.previous,
        ];
        periods.extend(months.iter().map(|(_, p)| *p));
        let mut tally = Tally::new(periods);
        let mut names = Names::new(&[]);
        let day = reporting.current.start;
        for (unit, level) in [
            ("Sở Tư pháp", Level::Tinh),
            ("Phòng Tư pháp", Level::Huyen),
            ("UBND xã Ngọc Kỳ", Level::Xa),
        ] {
            let Some(unit) = names.unit(unit) else {
                continue;
            };
            let domain = names.domain("Hộ tịch");
            let d = Dossier {
                unit,
                level,
                domain,
                status: Status::Resolved,
                channel: Channel::Online,
                received: Some(day),
                due: Some(day),
                ended: Some(day),
                online_service: Tri::Yes,
                digitised_in: Tri::Yes,
                digitised_out: Tri::Yes,
                fee: Tri::Yes,
                paid_online: Tri::Yes,
            };
            tally.apply(&d, Sign::Add);
        }
        Dataset {
            reporting,
            tally,
            names,
            accounting: Accounting::default(),
            files: Vec::new(),
            details: Vec::new(),
            months: months.into_iter().map(|(m, _)| m).collect(),
        }
    }

    /// The position of a period in the tally.
    pub fn index(&self, which: Which) -> Option<usize> {
        match which {
            Which::Current => Some(0),
            Which::YearToDate => Some(1),
            Which::Previous => Some(2),
            Which::Month(m) => self.months.iter().position(|x| *x == m).map(|i| i + 3),
        }
    }

    /// The figures of one of the periods; `None` for a month not tallied.
    pub fn snapshot(&self, which: Which) -> Option<Snapshot> {
        self.index(which)
            .map(|i| Snapshot::new(&self.tally, i, &self.names))
    }

    /// The months of the reporting year up to the period's last one.
    pub fn months(&self) -> &[u32] {
        &self.months
    }
}

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

/// What `stats --format json` prints (SPEC §5, §10), with the comparison
/// periods. The objects of §5 have exactly the contract's keys; the units
/// add those of §10.
#[derive(Clone, Debug, Serialize)]
pub struct Figures {
    pub ky: Period,
    pub tong: Summary,
    pub theo_cap: ByLevel,
    pub theo_don_vi: Vec<UnitEntry>,
    pub theo_linh_vuc: Vec<DomainFigures>,
    pub nhap_lieu: Accounting,
    pub trung_binh: BTreeMap<&'static str, PerRatio<Option<Percent>>>,
    pub danh_sach: Lists<String>,
    pub chi_tieu: TargetsView,
    pub luy_ke: PeriodFigures,
    pub ky_lien_truoc: PeriodFigures,
    pub theo_thang: Vec<MonthFigures>,
}

impl Figures {
    /// The figures of `data`, from the periods `analysis` was made of; the
    /// analysis is taken, not copied (a list of 100 000 units is large).
    pub fn of(data: &Dataset, analysis: Analysis, periods: Periods) -> Figures {
        let Periods { now, ytd, prev } = periods;
        Figures {
            ky: data.reporting.current,
            tong: now.tong,
            theo_cap: now.theo_cap,
            theo_linh_vuc: now.theo_linh_vuc,
            nhap_lieu: data.accounting,
            trung_binh: analysis.averages_by_key(),
            danh_sach: analysis.lists.map(|u| u.figures.don_vi.clone()),
            chi_tieu: TargetsView::from(&analysis.targets),
            theo_don_vi: analysis.units,
            luy_ke: ytd.into(),
            ky_lien_truoc: prev.into(),
            theo_thang: month_series(data, |_| true),
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
        .filter_map(|m| Some((*m, data.index(Which::Month(*m))?)))
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

/// A dossier resolved late in the period or pending past due at its end.
/// Its texts are borrowed from the data: the list can be long.
#[derive(Clone, Debug, Serialize)]
pub struct LateDossier<'a> {
    pub ma_ho_so: &'a str,
    pub don_vi: &'a str,
    pub cap: Level,
    pub linh_vuc: Option<&'a str>,
    pub ma_thu_tuc: &'a str,
    pub ten_thu_tuc: &'a str,
    pub ngay_tiep_nhan: Option<NaiveDate>,
    pub ngay_hen_tra: Option<NaiveDate>,
    /// Null while in progress.
    pub ngay_ket_thuc: Option<NaiveDate>,
    /// `da_giai_quyet` (resolved late) or `dang_giai_quyet` (still open).
    pub tinh_trang: &'static str,
    /// Days past the due date: to the end, or to the period's end.
    pub so_ngay: i64,
    #[serde(skip)]
    pub unit: UnitId,
}

/// The late dossiers of the period, by level, unit and code.
pub fn late_dossiers(data: &Dataset) -> Vec<LateDossier<'_>> {
    let p = data.reporting.current;
    let mut out: Vec<LateDossier<'_>> = data
        .details
        .iter()
        .filter_map(|d| {
            let x = &d.dossier;
            let days = due::lateness(x, &p)?;
            let ended = x.ended.filter(|e| *e <= p.end);
            let domain = data.names.domain_name(x.domain);
            Some(LateDossier {
                ma_ho_so: &d.code,
                don_vi: data.names.unit_name(x.unit),
                cap: x.level,
                linh_vuc: (!domain.is_empty()).then_some(domain),
                ma_thu_tuc: &d.procedure_code,
                ten_thu_tuc: &d.procedure_name,
                ngay_tiep_nhan: x.received,
                ngay_hen_tra: x.due,
                ngay_ket_thuc: ended,
                tinh_trang: if ended.is_some() {
                    "da_giai_quyet"
                } else {
                    "dang_giai_quyet"
                },
                so_ngay: days,
                unit: x.unit,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        a.cap
            .cmp(&b.cap)
            .then_with(|| crate::text::vi_cmp(a.don_vi, b.don_vi))
            .then_with(|| a.ma_ho_so.cmp(b.ma_ho_so))
    });
    out
}
