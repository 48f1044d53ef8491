//! The report's list of late dossiers: those the figures count late in
//! the period (the rule is [`crate::figures::due::lateness`]), with what
//! a letter names of each.

use chrono::NaiveDate;
use serde::Serialize;

use crate::dataset::Dataset;
use crate::figures::{Detail, due};
use crate::input::{Level, UnitId};
use crate::period::Period;

/// A dossier as a list shows it: its code, unit, field, procedure and
/// dates, the texts borrowed from the data (a list can be long). The late
/// list and the index's `--ho-so` lists add what they say of it.
#[derive(Clone, Debug, Serialize)]
pub struct Listed<'a> {
    pub ma_ho_so: &'a str,
    pub don_vi: &'a str,
    pub cap: Level,
    pub linh_vuc: Option<&'a str>,
    pub ma_thu_tuc: &'a str,
    pub ten_thu_tuc: &'a str,
    pub ngay_tiep_nhan: Option<NaiveDate>,
    pub ngay_hen_tra: Option<NaiveDate>,
    /// When it ended, if by the end of the period; null while open.
    pub ngay_ket_thuc: Option<NaiveDate>,
    #[serde(skip)]
    pub unit: UnitId,
}

impl<'a> Listed<'a> {
    /// A dossier kept whole, as of the end of `p`.
    pub fn of(data: &'a Dataset, d: &'a Detail, p: &Period) -> Listed<'a> {
        let x = &d.dossier;
        let domain = data.names.domain_name(x.domain);
        Listed {
            ma_ho_so: &d.code,
            don_vi: data.names.unit_name(x.unit),
            cap: x.level,
            linh_vuc: (!domain.is_empty()).then_some(domain),
            ma_thu_tuc: &d.procedure_code,
            ten_thu_tuc: &d.procedure_name,
            ngay_tiep_nhan: x.received,
            ngay_hen_tra: x.due,
            ngay_ket_thuc: x.ended.filter(|e| *e <= p.end),
            unit: x.unit,
        }
    }

    /// The order of every list: by level, unit (Vietnamese order), code.
    pub fn order(&self, other: &Listed<'_>) -> std::cmp::Ordering {
        self.cap
            .cmp(&other.cap)
            .then_with(|| crate::text::vi_cmp(self.don_vi, other.don_vi))
            .then_with(|| self.ma_ho_so.cmp(other.ma_ho_so))
    }
}

/// A dossier resolved late in the period or pending past due at its end.
#[derive(Clone, Debug, Serialize)]
pub struct LateDossier<'a> {
    #[serde(flatten)]
    pub dossier: Listed<'a>,
    /// `da_giai_quyet` (resolved late) or `dang_giai_quyet` (still open).
    pub tinh_trang: &'static str,
    /// Days past the due date: to the end, or to the period's end.
    pub so_ngay: i64,
}

/// The late dossiers of the period, by level, unit and code.
pub fn late_dossiers(data: &Dataset) -> Vec<LateDossier<'_>> {
    let p = data.reporting.current;
    let mut out: Vec<LateDossier<'_>> = data
        .details
        .iter()
        .filter_map(|d| {
            let days = due::lateness(&d.dossier, &p)?;
            let dossier = Listed::of(data, d, &p);
            Some(LateDossier {
                tinh_trang: if dossier.ngay_ket_thuc.is_some() {
                    "da_giai_quyet"
                } else {
                    "dang_giai_quyet"
                },
                so_ngay: days,
                dossier,
            })
        })
        .collect();
    out.sort_by(|a, b| a.dossier.order(&b.dossier));
    out
}
