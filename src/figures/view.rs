//! The figures of one period as the contract shows them: the total, each
//! level, each unit and each field.

use std::collections::BTreeMap;

use serde::Serialize;

use super::counts::Counts;
use super::summary::Summary;
use super::tally::{GroupKey, Tally};
use crate::input::{Level, Names, UnitId};
use crate::period::Period;

/// One unit's figures (`theo_don_vi`).
#[derive(Clone, Debug, Serialize)]
pub struct UnitFigures {
    pub don_vi: String,
    pub cap: Level,
    #[serde(flatten)]
    pub summary: Summary,
    #[serde(skip)]
    pub unit: UnitId,
    #[serde(skip)]
    pub counts: Counts,
}

/// One field's figures (`theo_linh_vuc`); `null` for dossiers with none.
#[derive(Clone, Debug, Serialize)]
pub struct DomainFigures {
    pub linh_vuc: Option<String>,
    #[serde(flatten)]
    pub summary: Summary,
}

/// The levels present in the data, in the order of government.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ByLevel {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tinh: Option<Summary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub huyen: Option<Summary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xa: Option<Summary>,
}

impl ByLevel {
    pub fn get(&self, level: Level) -> Option<&Summary> {
        match level {
            Level::Tinh => self.tinh.as_ref(),
            Level::Huyen => self.huyen.as_ref(),
            Level::Xa => self.xa.as_ref(),
        }
    }

    fn slot(&mut self, level: Level) -> &mut Option<Summary> {
        match level {
            Level::Tinh => &mut self.tinh,
            Level::Huyen => &mut self.huyen,
            Level::Xa => &mut self.xa,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (Level, &Summary)> {
        Level::ALL
            .into_iter()
            .filter_map(|l| self.get(l).map(|s| (l, s)))
    }
}

/// The figures of one period.
#[derive(Clone, Debug, Serialize)]
pub struct Snapshot {
    pub ky: Period,
    pub tong: Summary,
    pub theo_cap: ByLevel,
    pub theo_don_vi: Vec<UnitFigures>,
    pub theo_linh_vuc: Vec<DomainFigures>,
    #[serde(skip)]
    pub level_counts: BTreeMap<Level, Counts>,
}

impl Snapshot {
    /// The figures of period `index` of `tally`.
    pub fn new(tally: &Tally, index: usize, names: &Names) -> Snapshot {
        Snapshot::of_groups(tally, index, names, |_| true)
    }

    /// The figures of period `index` of the groups `keep` selects.
    pub fn of_groups(
        tally: &Tally,
        index: usize,
        names: &Names,
        keep: impl Fn(&GroupKey) -> bool,
    ) -> Snapshot {
        let ky = tally.periods()[index];
        let known = tally.known();
        let mut total = Counts::default();
        let mut levels: BTreeMap<Level, Counts> = BTreeMap::new();
        let mut units: BTreeMap<(Level, UnitId), Counts> = BTreeMap::new();
        let mut domains: BTreeMap<u32, Counts> = BTreeMap::new();
        for (key, counts) in tally.groups() {
            if !keep(&key) {
                continue;
            }
            let c = &counts[index];
            total += c;
            *levels.entry(key.level).or_default() += c;
            *units.entry((key.level, key.unit)).or_default() += c;
            *domains.entry(key.domain).or_default() += c;
        }
        let mut theo_cap = ByLevel::default();
        for (level, c) in &levels {
            *theo_cap.slot(*level) = Some(Summary::of(c, known));
        }
        let mut theo_don_vi: Vec<UnitFigures> = units
            .into_iter()
            .map(|((level, unit), c)| UnitFigures {
                don_vi: names.unit_name(unit).to_string(),
                cap: level,
                summary: Summary::of(&c, known),
                unit,
                counts: c,
            })
            .collect();
        // By level, then in Vietnamese alphabetical order (SPEC §2).
        theo_don_vi.sort_by_cached_key(|u| (u.cap, crate::text::vi_key(&u.don_vi)));
        let mut theo_linh_vuc: Vec<DomainFigures> = domains
            .into_iter()
            .map(|(d, c)| {
                let name = names.domain_name(d);
                DomainFigures {
                    linh_vuc: (!name.is_empty()).then(|| name.to_string()),
                    summary: Summary::of(&c, known),
                }
            })
            .collect();
        // By name, dossiers without a field last.
        theo_linh_vuc.sort_by(|a, b| match (&a.linh_vuc, &b.linh_vuc) {
            (Some(x), Some(y)) => crate::text::vi_cmp(x, y),
            (x, y) => y.is_some().cmp(&x.is_some()),
        });
        Snapshot {
            ky,
            tong: Summary::of(&total, known),
            theo_cap,
            theo_don_vi,
            theo_linh_vuc,
            level_counts: levels,
        }
    }
}
