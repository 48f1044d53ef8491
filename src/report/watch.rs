//! The overdue watch (SPEC §11): as of a day, the dossiers still open past
//! their due date, and those due within a few days, as a list to print.
//! Where a dossier stands is decided in [`crate::figures::due`].

use chrono::NaiveDate;
use serde::Serialize;

use crate::dataset::Dataset;
use crate::figures::due::{Standing, standing};
use crate::input::Level;

/// One dossier of the watch, with the keys of SPEC §11.
#[derive(Clone, Debug, Serialize)]
pub struct Watched {
    pub ma_ho_so: String,
    pub don_vi: String,
    pub cap: Level,
    pub linh_vuc: Option<String>,
    pub ten_thu_tuc: String,
    pub ngay_tiep_nhan: Option<NaiveDate>,
    pub ngay_hen_tra: Option<NaiveDate>,
    pub tinh_trang: Standing,
    pub so_ngay: i64,
}

/// What `cctthc qua-han --format json` prints.
#[derive(Clone, Debug, Serialize)]
pub struct Watch {
    pub ngay: NaiveDate,
    pub ho_so: Vec<Watched>,
}

impl Watch {
    /// Overdue first, most overdue first; then those due soonest; ties by
    /// code.
    pub fn new(data: &Dataset, day: NaiveDate, within: u32) -> Watch {
        let mut ho_so: Vec<Watched> = data
            .details
            .iter()
            .filter_map(|x| {
                let d = &x.dossier;
                let (tinh_trang, so_ngay) = standing(d, day, within)?;
                let domain = data.names.domain_name(d.domain);
                Some(Watched {
                    ma_ho_so: x.code.to_string(),
                    don_vi: data.names.unit_name(d.unit).to_string(),
                    cap: d.level,
                    linh_vuc: (!domain.is_empty()).then(|| domain.to_string()),
                    ten_thu_tuc: x.procedure_name.to_string(),
                    ngay_tiep_nhan: d.received,
                    ngay_hen_tra: d.due,
                    tinh_trang,
                    so_ngay,
                })
            })
            .collect();
        ho_so.sort_by(|a, b| {
            let key = |w: &Watched| match w.tinh_trang {
                Standing::QuaHan => (0, -w.so_ngay),
                Standing::SapDenHan => (1, w.so_ngay),
            };
            key(a)
                .cmp(&key(b))
                .then_with(|| a.ma_ho_so.cmp(&b.ma_ho_so))
        });
        Watch { ngay: day, ho_so }
    }
}
