//! The exports read and counted for a reporting period: the data every
//! command shows. Reading is [`crate::scan`]'s; this holds its result
//! with the periods it was counted for, and picks a period's figures.

use std::path::PathBuf;

use crate::figures::{Accounting, Detail, KeepRule, Snapshot, Tally};
use crate::input::{self, FileReport, Names, Options, RowProblem, UnitRule};
use crate::period::Reporting;

/// Which of the tallied periods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    Current,
    YearToDate,
    Previous,
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

/// The periods a dataset is counted for, in the order [`Which`] finds
/// them: the current one, the year to date, the one before, then each
/// month of the reporting year up to the current one's last.
fn tallied_periods(reporting: &Reporting) -> (Vec<crate::period::Period>, Vec<u32>) {
    let months = reporting.months_of_year();
    let mut periods = vec![
        reporting.current,
        reporting.year_to_date,
        reporting.previous,
    ];
    periods.extend(months.iter().map(|(_, p)| *p));
    (periods, months.into_iter().map(|(m, _)| m).collect())
}

impl Dataset {
    /// Reads `files` and counts them for `reporting`: invalid rows go to
    /// `report` and are left out, the dossiers `keep` selects are kept
    /// whole, and `progress` hears the rows read so far every few thousand
    /// rows.
    pub fn read(
        files: &[PathBuf],
        options: &Options,
        units: &[UnitRule],
        reporting: Reporting,
        keep: Option<KeepRule>,
        report: &mut dyn FnMut(RowProblem),
        progress: &mut dyn FnMut(u64),
    ) -> Result<Dataset, input::Error> {
        let (periods, months) = tallied_periods(&reporting);
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
            months,
        })
    }

    /// A small dataset with every level, one unit each, and dossiers in the
    /// period: a context in which every name a template may use exists,
    /// for `template check`.
    pub fn sample(reporting: Reporting) -> Dataset {
        use crate::figures::Sign;
        use crate::input::{Channel, Dossier, Level, Status, Tri};
        let (periods, months) = tallied_periods(&reporting);
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
            months,
        }
    }

    /// The position of a period in the tally: always there.
    pub fn index(&self, which: Which) -> usize {
        match which {
            Which::Current => 0,
            Which::YearToDate => 1,
            Which::Previous => 2,
        }
    }

    /// The position of a month of the reporting year (from 1) in the
    /// tally, if it was tallied.
    pub fn month_index(&self, month: u32) -> Option<usize> {
        self.months.iter().position(|x| *x == month).map(|i| i + 3)
    }

    /// The figures of a period.
    pub fn figures(&self, which: Which) -> Snapshot {
        Snapshot::new(&self.tally, self.index(which), &self.names)
    }

    /// The months of the reporting year up to the period's last one.
    pub fn months(&self) -> &[u32] {
        &self.months
    }
}
