//! The report's list of late dossiers: those the figures count late in
//! the period (the rule is [`crate::figures::due::lateness`]), with what
//! a letter names of each.

use chrono::NaiveDate;
use serde::Serialize;

use crate::dataset::Dataset;
use crate::figures::due;
use crate::input::{Level, UnitId};

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
