//! The figures of one period as the contract shows them: the total, each
//! level, each unit and each field.

use std::collections::BTreeMap;

use serde::Serialize;

use super::counts::Counts;
use super::summary::Summary;
use super::tally::{GroupKey, Tally};
use crate::hash::FastMap;
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

    /// The total and the levels of each period of `indices`, for the
    /// groups `keep` selects, without the units and fields: the months of
    /// a year need no more, and are summed in one pass over the groups.
    /// `None` for an index the tally does not have.
    pub fn of_levels(
        tally: &Tally,
        indices: &[usize],
        keep: impl Fn(&GroupKey) -> bool,
    ) -> Vec<Option<Snapshot>> {
        let known = tally.known();
        let counting = tally.counting();
        let mut sums: Vec<(Counts, BTreeMap<Level, Counts>)> =
            vec![Default::default(); indices.len()];
        tally.each_group(|key, counts| {
            if !keep(key) {
                return;
            }
            for (&index, (total, levels)) in indices.iter().zip(sums.iter_mut()) {
                if let Some(c) = counts.get(index) {
                    *total += &c;
                    *levels.entry(key.level).or_default() += &c;
                }
            }
        });
        indices
            .iter()
            .zip(sums)
            .map(|(&index, (total, levels))| {
                let mut theo_cap = ByLevel::default();
                for (level, c) in &levels {
                    *theo_cap.slot(*level) = Some(Summary::of(c, known, counting));
                }
                Some(Snapshot {
                    ky: *tally.periods().get(index)?,
                    tong: Summary::of(&total, known, counting),
                    theo_cap,
                    theo_don_vi: Vec::new(),
                    theo_linh_vuc: Vec::new(),
                    level_counts: levels,
                })
            })
            .collect()
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
        let counting = tally.counting();
        let mut total = Counts::default();
        let mut levels: BTreeMap<Level, Counts> = BTreeMap::new();
        // Sums do not depend on the order groups come in; units are
        // sorted after, by level and name.
        let mut units: FastMap<(Level, UnitId), Counts> = FastMap::default();
        let mut domains: BTreeMap<u32, Counts> = BTreeMap::new();
        tally.each_group(|key, counts| {
            let Some(c) = counts.get(index).filter(|_| keep(key)) else {
                return;
            };
            total += &c;
            *levels.entry(key.level).or_default() += &c;
            *units.entry((key.level, key.unit)).or_default() += &c;
            *domains.entry(key.domain).or_default() += &c;
        });
        let mut theo_cap = ByLevel::default();
        for (level, c) in &levels {
            *theo_cap.slot(*level) = Some(Summary::of(c, known, counting));
        }
        // By level, then in Vietnamese alphabetical order (SPEC §2): the
        // keys are sorted, not the figures, which are large to move.
        let mut order: Vec<(Level, u32, UnitId)> = units
            .keys()
            .map(|&(level, unit)| (level, names.unit_rank(unit), unit))
            .collect();
        order.sort_unstable();
        let theo_don_vi: Vec<UnitFigures> = order
            .into_iter()
            .filter_map(|(level, _, unit)| {
                let c = units.remove(&(level, unit))?;
                Some(UnitFigures {
                    don_vi: names.unit_name(unit).to_string(),
                    cap: level,
                    summary: Summary::of(&c, known, counting),
                    unit,
                    counts: c,
                })
            })
            .collect();
        let mut theo_linh_vuc: Vec<DomainFigures> = domains
            .into_iter()
            .map(|(d, c)| {
                let name = names.domain_name(d);
                DomainFigures {
                    linh_vuc: (!name.is_empty()).then(|| name.to_string()),
                    summary: Summary::of(&c, known, counting),
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
            tong: Summary::of(&total, known, counting),
            theo_cap,
            theo_don_vi,
            theo_linh_vuc,
            level_counts: levels,
        }
    }
}
