//! Reading the exports and counting them for a reporting period: the data
//! every command shows, and the figures part of a report's context.

use std::path::PathBuf;

use serde::Serialize;

use crate::figures::{
    Accounting, ByLevel, Collector, DomainFigures, Snapshot, Summary, Tally, UnitFigures,
};
use crate::input::{self, FileReport, Names, Options, RowProblem, UnitRule};
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
        Dataset::read_with_progress(files, options, units, reporting, report, &mut |_| {})
    }

    /// Like [`Dataset::read`], calling `progress` with the rows read so far
    /// every few thousand rows.
    pub fn read_with_progress(
        files: &[PathBuf],
        options: &Options,
        units: &[UnitRule],
        reporting: Reporting,
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
        let mut collector = Collector::new(Tally::new(periods));
        let mut names = Names::new(units);
        let mut rows = 0u64;
        let mut sink = |r: &input::Record<'_>| {
            collector.add(r);
            rows += 1;
            if rows % 8192 == 0 {
                progress(rows);
            }
        };
        let read = input::read(files, options, &mut names, &mut sink, report)?;
        let (tally, merged) = collector.finish();
        Ok(Dataset {
            reporting,
            tally,
            names,
            accounting: Accounting::new(read.counts, merged, files.len() as u64),
            files: read.files,
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
            months: months.into_iter().map(|(m, _)| m).collect(),
        }
    }

    fn index(&self, which: Which) -> Option<usize> {
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

/// What `stats --format json` prints (SPEC §5), with the comparison periods.
/// Nested objects have exactly the contract's keys; extras are top-level.
#[derive(Clone, Debug, Serialize)]
pub struct Figures {
    pub ky: Period,
    pub tong: Summary,
    pub theo_cap: ByLevel,
    pub theo_don_vi: Vec<UnitFigures>,
    pub theo_linh_vuc: Vec<DomainFigures>,
    pub nhap_lieu: Accounting,
    pub luy_ke: PeriodFigures,
    pub ky_lien_truoc: PeriodFigures,
}

impl Figures {
    pub fn of(data: &Dataset) -> Figures {
        let now = Snapshot::new(&data.tally, 0, &data.names);
        let ytd = Snapshot::new(&data.tally, 1, &data.names);
        let prev = Snapshot::new(&data.tally, 2, &data.names);
        Figures {
            ky: data.reporting.current,
            tong: now.tong,
            theo_cap: now.theo_cap,
            theo_don_vi: now.theo_don_vi,
            theo_linh_vuc: now.theo_linh_vuc,
            nhap_lieu: data.accounting,
            luy_ke: ytd.into(),
            ky_lien_truoc: prev.into(),
        }
    }
}
