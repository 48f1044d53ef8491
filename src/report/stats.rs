//! What `stats --format json` prints (SPEC §5, §10).

use std::collections::BTreeMap;

use serde::Serialize;

use super::analysis::{Analysis, Lists, Periods, TargetsView, UnitEntry};
use super::periods::{MonthFigures, PeriodFigures, month_series};
use crate::dataset::Dataset;
use crate::figures::index766::{ChiSo766, Rules};
use crate::figures::{Accounting, ByLevel, Counting, DomainFigures, PerRatio, Percent, Summary};
use crate::period::Period;

/// What `stats --format json` prints (SPEC §5, §10), with the comparison
/// periods. The objects of §5 have exactly the contract's keys; the units
/// add those of §10.
#[derive(Clone, Debug, Serialize)]
pub struct Figures {
    pub ky: Period,
    /// How the buckets were filled (SPEC §4, `[cach_tinh]`).
    pub cach_tinh: Counting,
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
    /// The national index estimates (SPEC §12); worked out only for the
    /// JSON, the one output that shows them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chi_so_766: Option<ChiSo766>,
}

impl Figures {
    /// The figures of `data`, from the periods `analysis` was made of; the
    /// analysis is taken, not copied (a list of 100 000 units is large).
    /// The national index follows `rules`, when they are given.
    pub fn of(
        data: &Dataset,
        analysis: Analysis,
        periods: Periods,
        rules: Option<&Rules>,
    ) -> Figures {
        let Periods { now, ytd, prev } = periods;
        let chi_so_766 = rules.map(|r| ChiSo766::of(&now, data.tally.known(), r));
        Figures {
            ky: data.reporting.current,
            cach_tinh: data.tally.counting(),
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
            chi_so_766,
        }
    }
}
