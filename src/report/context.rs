//! The context a template is filled from (SPEC §6): the figures of the
//! period, the year to date and the period before, the report header from
//! config, and the date of the report.

use chrono::NaiveDate;
use serde::Serialize;

use std::collections::BTreeMap;

use super::analysis::{Analysis, Lists, TargetsView, UnitEntry};
use super::late::{LateDossier, late_dossiers};
use super::periods::{MonthFigures, PeriodInfo, month_series};
use crate::config::Config;
use crate::dataset::{Dataset, Which};
use crate::figures::index766::ChiSo766;
use crate::figures::{
    Accounting, ByLevel, DomainFigures, GroupKey, Percent, Snapshot, Summary, UnitFigures,
};
use crate::figures::{Counting, PerRatio};
use crate::input::{Level, UnitId, values};

/// A unit of a list, as the context holds it: a unit's figures, with or
/// without the analysis.
pub trait Unit: Clone + Serialize {
    fn level(&self) -> Level;
}

impl Unit for UnitFigures {
    fn level(&self) -> Level {
        self.cap
    }
}

impl Unit for UnitEntry {
    fn level(&self) -> Level {
        self.figures.cap
    }
}

/// One level with its units, for templates that loop over levels.
#[derive(Clone, Debug, Serialize)]
pub struct LevelBlock<U> {
    /// `huyen`.
    pub ma: &'static str,
    /// `Cấp huyện`.
    pub ten: &'static str,
    /// `cấp huyện`, for the middle of a sentence.
    pub ten_thuong: String,
    #[serde(flatten)]
    pub tong: Summary,
    pub don_vi: Vec<U>,
}

/// The figures of one period as templates see them.
#[derive(Clone, Debug, Serialize)]
pub struct PeriodBlock<U> {
    pub ky: PeriodInfo,
    pub tong: Summary,
    pub theo_cap: ByLevel,
    pub tinh: Option<Summary>,
    pub huyen: Option<Summary>,
    pub xa: Option<Summary>,
    pub cac_cap: Vec<LevelBlock<U>>,
    pub theo_don_vi: Vec<U>,
    pub theo_linh_vuc: Vec<DomainFigures>,
}

impl<U: Unit> PeriodBlock<U> {
    fn new(ky: PeriodInfo, s: Snapshot, units: Vec<U>) -> PeriodBlock<U> {
        let cac_cap = s
            .theo_cap
            .iter()
            .map(|(level, summary)| LevelBlock {
                ma: level.key(),
                ten: level.label(),
                ten_thuong: level.label().to_lowercase(),
                tong: *summary,
                don_vi: units
                    .iter()
                    .filter(|u| u.level() == level)
                    .cloned()
                    .collect(),
            })
            .collect();
        PeriodBlock {
            ky,
            tong: s.tong,
            tinh: s.theo_cap.get(Level::Tinh).copied(),
            huyen: s.theo_cap.get(Level::Huyen).copied(),
            xa: s.theo_cap.get(Level::Xa).copied(),
            theo_cap: s.theo_cap,
            cac_cap,
            theo_don_vi: units,
            theo_linh_vuc: s.theo_linh_vuc,
        }
    }
}

/// Everything a template can name.
#[derive(Clone, Debug, Serialize)]
pub struct Context<'a> {
    #[serde(flatten)]
    pub ky_nay: PeriodBlock<UnitEntry>,
    pub nhap_lieu: Accounting,
    /// How the buckets were filled (SPEC §4, `[cach_tinh]`).
    pub cach_tinh: Counting,
    pub luy_ke: PeriodBlock<UnitFigures>,
    pub ky_lien_truoc: PeriodBlock<UnitFigures>,
    /// The months of the reporting year up to the period's last one.
    pub theo_thang: Vec<MonthFigures>,
    pub chi_tieu: TargetsView,
    /// Each level's average of each ratio (SPEC §10).
    pub trung_binh: BTreeMap<&'static str, PerRatio<Option<Percent>>>,
    /// The lists a letter names, as unit names (SPEC §10).
    pub danh_sach: Lists<String>,
    /// The same lists with each unit's figures, for templates.
    pub danh_sach_chi_tiet: Lists<UnitEntry>,
    /// Dossiers resolved late in the period or pending past due at its end.
    pub qua_han: Vec<LateDossier<'a>>,
    /// The unit a report is restricted to (`--don-vi`), if any.
    pub don_vi: Option<UnitEntry>,
    /// The date the report is made (`--date`, else today).
    pub ngay_lap: NaiveDate,
    #[serde(flatten)]
    pub header: Header,
    /// The national index estimates of the period (SPEC §12); for one
    /// unit (`--don-vi`), its own, with its rank among all units.
    pub chi_so_766: ChiSo766,
}

/// `[bao_cao]` of config, empty strings where unset so a template never
/// prints `none`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Header {
    pub co_quan: String,
    pub co_quan_cap_tren: String,
    pub dia_danh: String,
    pub so_ky_hieu: String,
    pub nguoi_ky: String,
    pub chuc_vu: String,
    pub ky_thay: String,
    pub noi_nhan: Vec<String>,
}

impl Header {
    /// `[bao_cao]`; for a letter of one unit (`--don-vi`), the issuing body
    /// and the place default to that unit's where config leaves them out
    /// (SPEC §6).
    pub fn from_config(config: &Config, unit: Option<&str>) -> Header {
        let b = &config.bao_cao;
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        let or_unit =
            |v: &Option<String>, of_unit: Option<String>| v.clone().or(of_unit).unwrap_or_default();
        Header {
            co_quan: or_unit(&b.co_quan, unit.map(crate::text::clean_name)),
            co_quan_cap_tren: s(&b.co_quan_cap_tren),
            dia_danh: or_unit(&b.dia_danh, unit.and_then(values::place_name)),
            so_ky_hieu: s(&b.so_ky_hieu),
            nguoi_ky: s(&b.nguoi_ky),
            chuc_vu: s(&b.chuc_vu),
            ky_thay: s(&b.ky_thay),
            noi_nhan: b
                .noi_nhan
                .as_ref()
                .map(|n| {
                    n.to_vec()
                        .iter()
                        .flat_map(|s| {
                            s.lines()
                                .map(str::trim)
                                .filter(|l| !l.is_empty())
                                .map(String::from)
                                .collect::<Vec<_>>()
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// The index of `now`; restricted to one unit, the unit keeps its rank
/// among all the units of its level.
fn index_of(data: &Dataset, now: &Snapshot, config: &Config, unit: Option<UnitId>) -> ChiSo766 {
    let rules = config.index_rules();
    let known = data.tally.known();
    let mut index = ChiSo766::of(now, known, &rules);
    if let Some(u) = unit {
        let all = ChiSo766::of(&data.figures(Which::Current), known, &rules);
        index.theo_don_vi = all
            .theo_don_vi
            .into_iter()
            .filter(|x| x.unit == u)
            .collect();
    }
    index
}

impl<'a> Context<'a> {
    /// The context of `data`, judged by `analysis`; restricted to one unit
    /// when `unit` is given (its level's averages stay those of all units).
    pub fn new(
        data: &'a Dataset,
        analysis: &Analysis,
        config: &Config,
        date: NaiveDate,
        unit: Option<UnitId>,
    ) -> Context<'a> {
        let keep = |k: &GroupKey| unit.is_none_or(|u| k.unit == u);
        let snap = |w: Which| {
            let index = data.index(w);
            Snapshot::of_groups(&data.tally, index, &data.names, keep)
        };
        let ytd_info = PeriodInfo {
            tu_ngay: data.reporting.year_to_date.start,
            den_ngay: data.reporting.year_to_date.end,
            ten: format!(
                "từ đầu năm {} đến ngày {}",
                data.reporting.year,
                crate::vn::date(data.reporting.year_to_date.end)
            ),
            ten_ngan: format!("lũy kế năm {}", data.reporting.year),
            loai: "luy_ke",
            nam: data.reporting.year,
            thang: None,
            quy: None,
            nua_nam: None,
        };
        let mut analysis = analysis.clone();
        if let Some(u) = unit {
            analysis.restrict(u);
        }
        let now = snap(Which::Current);
        let chi_so_766 = index_of(data, &now, config, unit);
        let ytd = snap(Which::YearToDate);
        let prev = snap(Which::Previous);
        let qua_han = late_dossiers(data)
            .into_iter()
            .filter(|d| unit.is_none_or(|u| d.dossier.unit == u))
            .collect();
        Context {
            ky_nay: PeriodBlock::new(PeriodInfo::of(&data.reporting), now, analysis.units.clone()),
            nhap_lieu: data.accounting,
            cach_tinh: data.tally.counting(),
            luy_ke: PeriodBlock::new(ytd_info, ytd.clone(), ytd.theo_don_vi),
            ky_lien_truoc: PeriodBlock::new(
                PeriodInfo::of(&data.reporting.previous()),
                prev.clone(),
                prev.theo_don_vi,
            ),
            theo_thang: month_series(data, keep),
            chi_tieu: TargetsView::from(&analysis.targets),
            trung_binh: analysis.averages_by_key(),
            danh_sach: analysis.lists.map(|u| u.figures.don_vi.clone()),
            danh_sach_chi_tiet: analysis.lists.clone(),
            qua_han,
            don_vi: unit.and_then(|_| analysis.units.first().cloned()),
            ngay_lap: date,
            header: Header::from_config(config, unit.map(|u| data.names.unit_name(u))),
            chi_so_766,
        }
    }

    pub fn to_value(&self) -> minijinja::Value {
        minijinja::Value::from(minijinja::value::Serde(self))
    }
}
