//! The figures of a group as the contract names them (SPEC §5 SUMMARY):
//! what JSON, templates and tables show.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Serialize, Serializer};

use super::counting::Counting;
use super::counts::Counts;
use super::ratio::PerRatio;
use crate::input::Known;

/// A percentage rounded half away from zero to two places; it serialises as
/// a string (`"98.83"`) so no float ever touches it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Percent(pub Decimal);

impl Percent {
    /// `numerator / denominator × 100`; `None` when the denominator is 0.
    pub fn of(numerator: u64, denominator: u64) -> Option<Percent> {
        if denominator == 0 {
            return None;
        }
        let p = Decimal::from(numerator) * Decimal::ONE_HUNDRED / Decimal::from(denominator);
        Some(Percent(p.round_dp_with_strategy(
            2,
            RoundingStrategy::MidpointAwayFromZero,
        )))
    }

    /// `d` rounded as percentages are: half away from zero, two places.
    pub fn round(d: Decimal) -> Percent {
        Percent(d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
    }

    pub fn value(self) -> Decimal {
        self.0
    }
}

impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{:.2}", self.0))
    }
}

/// One ratio: `null` parts when the export lacks what it needs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Ratio {
    pub tu_so: Option<u64>,
    pub mau_so: Option<u64>,
    pub phan_tram: Option<Percent>,
}

impl Ratio {
    pub fn new(numerator: u64, denominator: u64) -> Ratio {
        Ratio {
            tu_so: Some(numerator),
            mau_so: Some(denominator),
            phan_tram: Percent::of(numerator, denominator),
        }
    }

    /// The ratio, or all `null` when its column is not `known`.
    fn known(numerator: u64, denominator: u64, known: bool) -> Ratio {
        if known {
            Ratio::new(numerator, denominator)
        } else {
            Ratio::default()
        }
    }

    pub fn percent(&self) -> Option<Decimal> {
        self.phan_tram.map(Percent::value)
    }
}

/// `tiep_nhan`; the split by channel is `null` without a channel column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Received {
    pub tong: u64,
    pub trong_ky: u64,
    pub truc_tuyen: Option<u64>,
    pub truc_tiep: Option<u64>,
    pub buu_chinh: Option<u64>,
    pub ky_truoc: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Resolved {
    pub tong: u64,
    pub truoc_han: u64,
    pub dung_han: u64,
    pub qua_han: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Pending {
    pub tong: u64,
    pub trong_han: u64,
    pub qua_han: u64,
}

/// `ty_le`: the five ratios.
pub type Ratios = PerRatio<Ratio>;

/// SUMMARY of SPEC §5.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub tiep_nhan: Received,
    pub da_giai_quyet: Resolved,
    pub dang_giai_quyet: Pending,
    pub tam_dung: u64,
    pub tra_lai: u64,
    pub rut: u64,
    pub ty_le: Ratios,
}

impl Summary {
    /// The figures of `c`, null where a column is not `known`, with the
    /// buckets filled as `counting` says (SPEC §4).
    pub fn of(c: &Counts, known: Known, counting: Counting) -> Summary {
        let received = c.received();
        let (early, on_time, late) = counting.resolved(c);
        let resolved = early + on_time + late;
        let (in_time, pending_late) = counting.pending(c);
        let by_channel = |n: u64| known.channel.then_some(n);
        Summary {
            tiep_nhan: Received {
                tong: c.total(),
                trong_ky: received,
                truc_tuyen: by_channel(c.online),
                truc_tiep: by_channel(c.direct),
                buu_chinh: by_channel(c.postal),
                ky_truoc: c.carried,
            },
            da_giai_quyet: Resolved {
                tong: resolved,
                truoc_han: early,
                dung_han: on_time,
                qua_han: late,
            },
            dang_giai_quyet: Pending {
                tong: in_time + pending_late,
                trong_han: in_time,
                qua_han: pending_late,
            },
            tam_dung: c.paused,
            tra_lai: c.returned,
            rut: c.withdrawn,
            ty_le: Ratios {
                truc_tuyen: Ratio::known(c.online, c.online_service, known.channel),
                thanh_toan_truc_tuyen: Ratio::known(
                    c.fee_paid_online,
                    c.fee,
                    known.fee && known.paid_online,
                ),
                so_hoa_dau_vao: Ratio::known(c.digitised_in, received, known.digitised_in),
                // Results digitised of the dossiers that have a result: a
                // returned dossier shown as resolved has none.
                so_hoa_dau_ra: Ratio::known(c.digitised_out, c.resolved(), known.digitised_out),
                dung_han: Ratio::new(early + on_time, resolved),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_half_away_from_zero() {
        let s = |n, d| serde_json::to_string(&Percent::of(n, d)).unwrap();
        assert_eq!(s(4224, 4226), "\"99.95\"");
        assert_eq!(s(3147, 3265), "\"96.39\"");
        assert_eq!(s(4225, 4275), "\"98.83\"");
        assert_eq!(s(3869, 3925), "\"98.57\"");
        assert_eq!(s(126, 137), "\"91.97\"");
        assert_eq!(s(158, 158), "\"100.00\"");
        assert_eq!(s(1, 8), "\"12.50\"");
        // 1/800 = 0.125% → 0.13 (half away from zero, not to even).
        assert_eq!(s(1, 800), "\"0.13\"");
        assert_eq!(s(0, 0), "null");
    }

    #[test]
    fn a_missing_column_makes_the_whole_ratio_null_even_with_no_dossiers() {
        let null = r#"{"tu_so":null,"mau_so":null,"phan_tram":null}"#;
        let r = Ratio::known(1, 2, false);
        assert_eq!(serde_json::to_string(&r).unwrap(), null);
        let no_channel = Known {
            channel: false,
            ..Known::ALL
        };
        for c in [
            Counts::default(),
            Counts {
                no_channel: 3,
                ..Counts::default()
            },
        ] {
            let s = Summary::of(&c, no_channel, Counting::default());
            assert_eq!(serde_json::to_string(&s.ty_le.truc_tuyen).unwrap(), null);
            assert_eq!(s.tiep_nhan.truc_tuyen, None);
            assert_eq!(s.tiep_nhan.trong_ky, c.no_channel);
            let known = Summary::of(&c, Known::ALL, Counting::default());
            assert_eq!(known.tiep_nhan.truc_tiep, Some(0));
        }
    }
}
