//! Reporting periods (SPEC §3): the period asked for, the year to date and
//! the period just before, all as whole calendar days.
//!
//! A month runs from its 1st to its last day unless a cut-off day is set:
//! with `ngay_chot = 15`, month M runs from the 15th of M-1 to the 14th of M
//! (Nghị định 09/2019/NĐ-CP).

use std::fmt;

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

/// Whole days from `start` to `end`, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Period {
    #[serde(rename = "tu_ngay")]
    pub start: NaiveDate,
    #[serde(rename = "den_ngay")]
    pub end: NaiveDate,
}

impl Period {
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }

    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "từ ngày {} đến ngày {}",
            crate::vn::date(self.start),
            crate::vn::date(self.end)
        )
    }
}

/// What kind of period was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span {
    Month { year: i32, month: u32 },
    Quarter { year: i32, quarter: u32 },
    Half { year: i32, half: u32 },
    Year { year: i32 },
    Range,
}

/// The period of a report with the ones it is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reporting {
    pub span: Span,
    /// The first day of a reporting month (1 = calendar months).
    pub cutoff: u32,
    pub current: Period,
    /// From the start of the reporting year to the end of `current`.
    pub year_to_date: Period,
    /// The month, quarter, half or year before; for a range, as many days
    /// just before.
    pub previous: Period,
    /// The reporting year `current` ends in.
    pub year: i32,
}

/// `--month`: a number or `prev`, the month before today's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MonthArg {
    Number(u32),
    Previous,
}

impl std::str::FromStr for MonthArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "prev" | "truoc" | "trước" => Ok(MonthArg::Previous),
            t => match t.parse::<u32>() {
                Ok(m) if (1..=12).contains(&m) => Ok(MonthArg::Number(m)),
                _ => Err(format!(
                    "tháng '{}' không hợp lệ: cần 1–12 hoặc 'prev'",
                    crate::text::quote(s)
                )),
            },
        }
    }
}

/// The period flags as given.
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub month: Option<MonthArg>,
    pub year: Option<i32>,
    pub quarter: Option<u32>,
    pub half: Option<u32>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub cutoff: Option<u32>,
}

/// A period that cannot be: a usage error.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    #[error("--to ({to}) trước --from ({from})")]
    ToBeforeFrom { from: String, to: String },
    #[error("cần cả --from và --to")]
    HalfRange,
    #[error("quý phải từ 1 đến 4, không phải {0}")]
    Quarter(u32),
    #[error("nửa năm phải là 1 hoặc 2, không phải {0}")]
    Half(u32),
    #[error("ngày chốt phải từ 1 đến 28, không phải {0}")]
    Cutoff(u32),
    #[error("năm {0} không hợp lệ")]
    Year(i32),
    #[error("chỉ chọn một cách ghi kỳ báo cáo: --month, --quarter, --half hoặc --from/--to")]
    Conflict,
}

impl Request {
    /// The period asked for, as of `today`. With no period flag, the month
    /// before today's: the one a report is usually written for.
    pub fn resolve(&self, today: NaiveDate) -> Result<Reporting, Error> {
        let cutoff = self.cutoff.unwrap_or(1);
        if !(1..=28).contains(&cutoff) {
            return Err(Error::Cutoff(cutoff));
        }
        if let Some(y) = self.year.filter(|y| !(1900..=9999).contains(y)) {
            return Err(Error::Year(y));
        }
        let chosen = [
            self.month.is_some(),
            self.quarter.is_some(),
            self.half.is_some(),
            self.from.is_some() || self.to.is_some(),
        ];
        if chosen.iter().filter(|c| **c).count() > 1 {
            return Err(Error::Conflict);
        }
        // The latest year in which the given first month has begun.
        let default_year = |first_month: u32| {
            if first_month <= today.month() {
                today.year()
            } else {
                today.year() - 1
            }
        };
        let span = match (self.month, self.quarter, self.half, self.from, self.to) {
            (Some(MonthArg::Previous), ..) => {
                let prev = first_of_month(today) - Days::new(1);
                Span::Month {
                    year: prev.year(),
                    month: prev.month(),
                }
            }
            (Some(MonthArg::Number(month)), ..) => Span::Month {
                year: self.year.unwrap_or_else(|| default_year(month)),
                month,
            },
            (_, Some(quarter), ..) => {
                if !(1..=4).contains(&quarter) {
                    return Err(Error::Quarter(quarter));
                }
                Span::Quarter {
                    year: self.year.unwrap_or_else(|| default_year(quarter * 3 - 2)),
                    quarter,
                }
            }
            (_, _, Some(half), ..) => {
                if !(1..=2).contains(&half) {
                    return Err(Error::Half(half));
                }
                Span::Half {
                    year: self.year.unwrap_or_else(|| default_year(half * 6 - 5)),
                    half,
                }
            }
            (_, _, _, Some(from), Some(to)) => {
                if to < from {
                    return Err(Error::ToBeforeFrom {
                        from: crate::vn::date(from),
                        to: crate::vn::date(to),
                    });
                }
                return Ok(range(from, to, cutoff));
            }
            (_, _, _, Some(_), None) | (_, _, _, None, Some(_)) => return Err(Error::HalfRange),
            (None, None, None, None, None) => match self.year {
                Some(year) => Span::Year { year },
                None => {
                    let prev = first_of_month(today) - Days::new(1);
                    Span::Month {
                        year: prev.year(),
                        month: prev.month(),
                    }
                }
            },
        };
        Ok(of_span(span, cutoff))
    }
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// Months before or after `(year, month)`.
fn add_months(year: i32, month: u32, delta: i32) -> (i32, u32) {
    let index = year * 12 + month as i32 - 1 + delta;
    (index.div_euclid(12), index.rem_euclid(12) as u32 + 1)
}

/// The first day of reporting month `(year, month)` under `cutoff`.
fn month_start(year: i32, month: u32, cutoff: u32) -> NaiveDate {
    let (y, m) = if cutoff <= 1 {
        (year, month)
    } else {
        add_months(year, month, -1)
    };
    // Cut-off days are 1–28, so the day exists in every month.
    NaiveDate::from_ymd_opt(y, m, cutoff.max(1)).unwrap_or(NaiveDate::MIN)
}

/// Reporting months `first..=last` (counted from `(year, month)`) as days.
fn months(year: i32, month: u32, count: i32, cutoff: u32) -> Period {
    let (ny, nm) = add_months(year, month, count);
    Period {
        start: month_start(year, month, cutoff),
        end: month_start(ny, nm, cutoff) - Days::new(1),
    }
}

/// The reporting month `(year, month)` as days.
pub fn month(year: i32, month: u32, cutoff: u32) -> Period {
    months(year, month, 1, cutoff)
}

/// The reporting month a day falls in.
pub fn month_of(d: NaiveDate, cutoff: u32) -> (i32, u32) {
    if cutoff > 1 && d.day() >= cutoff {
        add_months(d.year(), d.month(), 1)
    } else {
        (d.year(), d.month())
    }
}

fn of_span(span: Span, cutoff: u32) -> Reporting {
    let (year, first, count) = match span {
        Span::Month { year, month } => (year, month, 1),
        Span::Quarter { year, quarter } => (year, quarter * 3 - 2, 3),
        Span::Half { year, half } => (year, half * 6 - 5, 6),
        // Ranges are resolved by `range`; a whole year is the fallback.
        Span::Year { .. } | Span::Range => (year_of_range(span), 1, 12),
    };
    let current = months(year, first, count, cutoff);
    let (py, pm) = add_months(year, first, -count);
    Reporting {
        span,
        cutoff,
        current,
        year_to_date: Period {
            start: month_start(year, 1, cutoff),
            end: current.end,
        },
        previous: months(py, pm, count, cutoff),
        year,
    }
}

fn year_of_range(span: Span) -> i32 {
    match span {
        Span::Year { year } => year,
        _ => 1970,
    }
}

fn range(from: NaiveDate, to: NaiveDate, cutoff: u32) -> Reporting {
    let current = Period {
        start: from,
        end: to,
    };
    let days = current.days() as u64;
    let (year, _) = month_of(to, cutoff);
    Reporting {
        span: Span::Range,
        cutoff,
        current,
        year_to_date: Period {
            start: month_start(year, 1, cutoff).min(from),
            end: to,
        },
        previous: Period {
            start: from - Days::new(days),
            end: from - Days::new(1),
        },
        year,
    }
}

impl Reporting {
    /// The reporting months of the year up to the period's last one, for
    /// monthly series.
    pub fn months_of_year(&self) -> Vec<(u32, Period)> {
        let (_, last) = month_of(self.current.end, self.cutoff);
        (1..=last)
            .map(|m| (m, month(self.year, m, self.cutoff)))
            .collect()
    }

    /// The period just before, as a reporting period of its own kind.
    pub fn previous(&self) -> Reporting {
        let span = match self.span {
            Span::Month { year, month } => {
                let (year, month) = add_months(year, month, -1);
                Span::Month { year, month }
            }
            Span::Quarter { year, quarter: 1 } => Span::Quarter {
                year: year - 1,
                quarter: 4,
            },
            Span::Quarter { year, quarter } => Span::Quarter {
                year,
                quarter: quarter - 1,
            },
            Span::Half { year, half: 1 } => Span::Half {
                year: year - 1,
                half: 2,
            },
            Span::Half { year, .. } => Span::Half { year, half: 1 },
            Span::Year { year } => Span::Year { year: year - 1 },
            Span::Range => return range(self.previous.start, self.previous.end, self.cutoff),
        };
        of_span(span, self.cutoff)
    }

    /// The short name letters use: `tháng 11/2023`, `quý IV/2023`…
    pub fn short_label(&self) -> String {
        match self.span {
            Span::Month { year, month } => format!("tháng {month}/{year}"),
            Span::Quarter { year, quarter } => {
                let roman = ["I", "II", "III", "IV"][(quarter as usize).saturating_sub(1).min(3)];
                format!("quý {roman}/{year}")
            }
            _ => self.label(),
        }
    }

    /// A name for people: `tháng 11 năm 2023`, `quý IV năm 2023`…
    pub fn label(&self) -> String {
        match self.span {
            Span::Month { year, month } => format!("tháng {month} năm {year}"),
            Span::Quarter { year, quarter } => {
                let roman = ["I", "II", "III", "IV"][(quarter as usize).saturating_sub(1).min(3)];
                format!("quý {roman} năm {year}")
            }
            Span::Half { year, half: 1 } => format!("6 tháng đầu năm {year}"),
            Span::Half { year, .. } => format!("6 tháng cuối năm {year}"),
            Span::Year { year } => format!("năm {year}"),
            Span::Range => self.current.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    fn req() -> Request {
        Request::default()
    }

    #[test]
    fn month_defaults_to_the_latest_year_it_has_begun() {
        let today = d(2026, 11, 23);
        let r = Request {
            month: Some(MonthArg::Number(11)),
            ..req()
        }
        .resolve(today)
        .unwrap();
        assert_eq!(
            r.current,
            Period {
                start: d(2026, 11, 1),
                end: d(2026, 11, 30)
            }
        );
        let r = Request {
            month: Some(MonthArg::Number(12)),
            ..req()
        }
        .resolve(today)
        .unwrap();
        assert_eq!(
            r.current,
            Period {
                start: d(2025, 12, 1),
                end: d(2025, 12, 31)
            }
        );
        let r = Request {
            month: Some(MonthArg::Previous),
            ..req()
        }
        .resolve(d(2026, 1, 5))
        .unwrap();
        assert_eq!(
            r.current,
            Period {
                start: d(2025, 12, 1),
                end: d(2025, 12, 31)
            }
        );
        assert_eq!(
            r.previous,
            Period {
                start: d(2025, 11, 1),
                end: d(2025, 11, 30)
            }
        );
        assert_eq!(
            r.year_to_date,
            Period {
                start: d(2025, 1, 1),
                end: d(2025, 12, 31)
            }
        );
    }

    #[test]
    fn cutoff_months_run_from_the_cutoff_day() {
        let r = Request {
            month: Some(MonthArg::Number(11)),
            year: Some(2023),
            cutoff: Some(15),
            ..req()
        }
        .resolve(d(2026, 1, 1))
        .unwrap();
        assert_eq!(
            r.current,
            Period {
                start: d(2023, 10, 15),
                end: d(2023, 11, 14)
            }
        );
        assert_eq!(
            r.previous,
            Period {
                start: d(2023, 9, 15),
                end: d(2023, 10, 14)
            }
        );
        assert_eq!(r.year_to_date.start, d(2022, 12, 15));
        let jan = month(2024, 1, 15);
        assert_eq!(
            jan,
            Period {
                start: d(2023, 12, 15),
                end: d(2024, 1, 14)
            }
        );
        assert_eq!(month_of(d(2023, 12, 20), 15), (2024, 1));
        assert_eq!(month_of(d(2023, 12, 14), 15), (2023, 12));
    }

    #[test]
    fn leap_february_and_quarters_and_halves() {
        assert_eq!(
            month(2024, 2, 1),
            Period {
                start: d(2024, 2, 1),
                end: d(2024, 2, 29)
            }
        );
        let today = d(2026, 11, 23);
        let q = Request {
            quarter: Some(4),
            year: Some(2023),
            ..req()
        }
        .resolve(today)
        .unwrap();
        assert_eq!(
            q.current,
            Period {
                start: d(2023, 10, 1),
                end: d(2023, 12, 31)
            }
        );
        assert_eq!(
            q.previous,
            Period {
                start: d(2023, 7, 1),
                end: d(2023, 9, 30)
            }
        );
        assert_eq!(q.previous().current, q.previous);
        assert_eq!(q.previous().label(), "quý III năm 2023");
        let q1 = Request {
            quarter: Some(1),
            year: Some(2024),
            ..req()
        }
        .resolve(today)
        .unwrap();
        assert_eq!(
            q1.previous,
            Period {
                start: d(2023, 10, 1),
                end: d(2023, 12, 31)
            }
        );
        let h = Request {
            half: Some(1),
            year: Some(2023),
            ..req()
        }
        .resolve(today)
        .unwrap();
        assert_eq!(
            h.current,
            Period {
                start: d(2023, 1, 1),
                end: d(2023, 6, 30)
            }
        );
        assert_eq!(h.label(), "6 tháng đầu năm 2023");
        let y = Request {
            year: Some(2023),
            ..req()
        }
        .resolve(today)
        .unwrap();
        assert_eq!(
            y.current,
            Period {
                start: d(2023, 1, 1),
                end: d(2023, 12, 31)
            }
        );
        assert_eq!(y.previous.start, d(2022, 1, 1));
    }

    #[test]
    fn ranges_compare_with_as_many_days_before() {
        let r = Request {
            from: Some(d(2023, 10, 23)),
            to: Some(d(2023, 11, 22)),
            ..req()
        }
        .resolve(d(2026, 11, 23))
        .unwrap();
        assert_eq!(r.current.days(), 31);
        assert_eq!(
            r.previous,
            Period {
                start: d(2023, 9, 22),
                end: d(2023, 10, 22)
            }
        );
        assert_eq!(
            r.year_to_date,
            Period {
                start: d(2023, 1, 1),
                end: d(2023, 11, 22)
            }
        );
        assert_eq!(r.months_of_year().len(), 11);
    }

    #[test]
    fn impossible_periods_are_usage_errors() {
        let today = d(2026, 11, 23);
        let back = Request {
            from: Some(d(2023, 11, 22)),
            to: Some(d(2023, 10, 23)),
            ..req()
        };
        assert!(matches!(
            back.resolve(today),
            Err(Error::ToBeforeFrom { .. })
        ));
        assert_eq!(
            Request {
                quarter: Some(5),
                ..req()
            }
            .resolve(today),
            Err(Error::Quarter(5))
        );
        assert_eq!(
            Request {
                from: Some(today),
                ..req()
            }
            .resolve(today),
            Err(Error::HalfRange)
        );
        assert!("13".parse::<MonthArg>().is_err());
        assert_eq!("prev".parse::<MonthArg>(), Ok(MonthArg::Previous));
    }
}
