//! What `chi-so --ho-so KEY` lists (SPEC §12): the dossiers of the period
//! that keep an indicator of the national index estimate from full points,
//! with why. Which dossiers, and why, is decided in
//! [`crate::figures::index766::shortfall`], by the rules the tallies
//! count with.

use serde::Serialize;

use super::late::Listed;

use crate::dataset::Dataset;
use crate::figures::index766::{Key, Shortfall, shortfall};
use crate::period::Period;

/// One dossier that costs points, with why.
#[derive(Clone, Debug, Serialize)]
pub struct Costly<'a> {
    #[serde(flatten)]
    pub dossier: Listed<'a>,
    /// Why, for people: `giải quyết quá hạn 3 ngày`, `nộp trực tiếp`…
    pub ly_do: String,
    /// Days past due, for the late (`tien_do`, `hai_long`).
    pub so_ngay: Option<i64>,
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
                let why = shortfall(key, &d.dossier, &p)?;
                Some(Costly {
                    dossier: Listed::of(data, d, &p),
                    ly_do: why.reason(),
                    so_ngay: match why {
                        Shortfall::Late { days, .. } => Some(days),
                        _ => None,
                    },
                })
            })
            .collect();
        ho_so.sort_by(|a, b| a.dossier.order(&b.dossier));
        Shortfalls {
            ky: p,
            chi_so: key.key(),
            ho_so,
        }
    }
}
