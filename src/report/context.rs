//! The context a template is filled from (SPEC §6): the figures of the
//! period, the year to date and the period before, the report header from
//! config, and the date of the report.

use chrono::NaiveDate;
use serde::Serialize;

use super::data::{Dataset, PeriodInfo, Which};
use crate::config::Config;
use crate::figures::{Accounting, ByLevel, DomainFigures, Snapshot, Summary, UnitFigures};
use crate::input::Level;

/// One level with its units, for templates that loop over levels.
#[derive(Clone, Debug, Serialize)]
pub struct LevelBlock {
    /// `huyen`.
    pub ma: &'static str,
    /// `Cấp huyện`.
    pub ten: &'static str,
    /// `cấp huyện`, for the middle of a sentence.
    pub ten_thuong: String,
    #[serde(flatten)]
    pub tong: Summary,
    pub don_vi: Vec<UnitFigures>,
}

/// The figures of one period as templates see them.
#[derive(Clone, Debug, Serialize)]
pub struct PeriodBlock {
    pub ky: PeriodInfo,
    pub tong: Summary,
    pub theo_cap: ByLevel,
    pub tinh: Option<Summary>,
    pub huyen: Option<Summary>,
    pub xa: Option<Summary>,
    pub cac_cap: Vec<LevelBlock>,
    pub theo_don_vi: Vec<UnitFigures>,
    pub theo_linh_vuc: Vec<DomainFigures>,
}

impl PeriodBlock {
    fn new(ky: PeriodInfo, s: Snapshot) -> PeriodBlock {
        let cac_cap = s
            .theo_cap
            .iter()
            .map(|(level, summary)| LevelBlock {
                ma: level.key(),
                ten: level.label(),
                ten_thuong: level.label().to_lowercase(),
                tong: *summary,
                don_vi: s
                    .theo_don_vi
                    .iter()
                    .filter(|u| u.cap == level)
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
            theo_don_vi: s.theo_don_vi,
            theo_linh_vuc: s.theo_linh_vuc,
        }
    }
}

/// Everything a template can name.
#[derive(Clone, Debug, Serialize)]
pub struct Context {
    #[serde(flatten)]
    pub ky_nay: PeriodBlock,
    pub nhap_lieu: Accounting,
    pub luy_ke: PeriodBlock,
    pub ky_lien_truoc: PeriodBlock,
    /// The date the report is made (`--date`, else today).
    pub ngay_lap: NaiveDate,
    #[serde(flatten)]
    pub header: Header,
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
    pub fn from_config(config: &Config) -> Header {
        let b = &config.bao_cao;
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        Header {
            co_quan: s(&b.co_quan),
            co_quan_cap_tren: s(&b.co_quan_cap_tren),
            dia_danh: s(&b.dia_danh),
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

impl Context {
    pub fn new(data: &Dataset, config: &Config, date: NaiveDate) -> Context {
        let snap = |w: Which| {
            data.snapshot(w)
                .unwrap_or_else(|| Snapshot::new(&data.tally, 0, &data.names))
        };
        let ytd_info = PeriodInfo {
            tu_ngay: data.reporting.year_to_date.start,
            den_ngay: data.reporting.year_to_date.end,
            ten: format!(
                "từ đầu năm {} đến ngày {}",
                data.reporting.year,
                crate::vn::date(data.reporting.year_to_date.end)
            ),
            loai: "luy_ke",
            nam: data.reporting.year,
            thang: None,
            quy: None,
            nua_nam: None,
        };
        Context {
            ky_nay: PeriodBlock::new(PeriodInfo::of(&data.reporting), snap(Which::Current)),
            nhap_lieu: data.accounting,
            luy_ke: PeriodBlock::new(ytd_info, snap(Which::YearToDate)),
            ky_lien_truoc: PeriodBlock::new(
                PeriodInfo::of(&data.reporting.previous()),
                snap(Which::Previous),
            ),
            ngay_lap: date,
            header: Header::from_config(config),
        }
    }

    pub fn to_value(&self) -> minijinja::Value {
        minijinja::Value::from(minijinja::value::Serde(self))
    }
}
