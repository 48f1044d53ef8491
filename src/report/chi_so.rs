//! What `chi-so --ho-so KEY` lists (SPEC §12): the dossiers of the period
//! that keep an indicator of the national index estimate from full points,
//! with why. Which dossiers, and why, is decided in
//! [`crate::figures::index766::shortfall`], by the rules the tallies
//! count with.

use chrono::NaiveDate;
use serde::Serialize;

use crate::dataset::Dataset;
use crate::figures::index766::{Key, Shortfall, shortfall};
use crate::input::{Level, UnitId};
use crate::period::Period;

/// One dossier that costs points. Its texts are borrowed from the data:
/// the list can be long.
#[derive(Clone, Debug, Serialize)]
pub struct Costly<'a> {
    pub ma_ho_so: &'a str,
    pub don_vi: &'a str,
    pub cap: Level,
    pub linh_vuc: Option<&'a str>,
    pub ma_thu_tuc: &'a str,
    pub ten_thu_tuc: &'a str,
    pub ngay_tiep_nhan: Option<NaiveDate>,
    pub ngay_hen_tra: Option<NaiveDate>,
    /// When it ended, if by the period's end.
    pub ngay_ket_thuc: Option<NaiveDate>,
    /// Why, for people: `giải quyết quá hạn 3 ngày`, `nộp trực tiếp`…
    pub ly_do: String,
    /// Days past due, for the late (`tien_do`, `hai_long`).
    pub so_ngay: Option<i64>,
    #[serde(skip)]
    pub unit: UnitId,
}

/// What `chi-so --ho-so KEY --format json` prints.
#[derive(Clone, Debug, Serialize)]
pub struct Shortfalls<'a> {
    pub ky: Period,
    pub chi_so: &'static str,
    pub ho_so: Vec<Costly<'a>>,
}

impl<'a> Shortfalls<'a> {
    /// The dossiers of `data` (those kept whole) that keep `key` from full
    /// points in the current period, by level, unit and code.
    pub fn new(data: &'a Dataset, key: Key) -> Shortfalls<'a> {
        let p = data.reporting.current;
        let mut ho_so: Vec<Costly<'a>> = data
            .details
            .iter()
            .filter_map(|d| {
                let x = &d.dossier;
                let why = shortfall(key, x, &p)?;
                let domain = data.names.domain_name(x.domain);
                Some(Costly {
                    ma_ho_so: &d.code,
                    don_vi: data.names.unit_name(x.unit),
                    cap: x.level,
                    linh_vuc: (!domain.is_empty()).then_some(domain),
                    ma_thu_tuc: &d.procedure_code,
                    ten_thu_tuc: &d.procedure_name,
                    ngay_tiep_nhan: x.received,
                    ngay_hen_tra: x.due,
                    ngay_ket_thuc: x.ended.filter(|e| *e <= p.end),
                    ly_do: why.reason(),
                    so_ngay: match why {
                        Shortfall::Late { days, .. } => Some(days),
                        _ => None,
                    },
                    unit: x.unit,
                })
            })
            .collect();
        ho_so.sort_by(|a, b| {
            a.cap
                .cmp(&b.cap)
                .then_with(|| crate::text::vi_cmp(a.don_vi, b.don_vi))
                .then_with(|| a.ma_ho_so.cmp(b.ma_ho_so))
        });
        Shortfalls {
            ky: p,
            chi_so: key.key(),
            ho_so,
        }
    }
}
