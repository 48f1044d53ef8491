//! What letters that commend and remind units need (SPEC §10, reference
//! 001): targets met, level averages, each unit's distance to them and its
//! change since the period before, months in a row below the average, and
//! the lists of units a letter names.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use serde::Serialize;

use crate::config::Config;
use crate::dataset::{Dataset, Which};
use crate::figures::{
    Counts, MonthIndex, PerRatio, Percent, Ratio, RatioKind, Snapshot, Summary, UnitFigures,
    UnitMonths, month_index,
};
use crate::hash::FastMap;
use crate::input::{Level, UnitId};

/// One value per targeted ratio.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PerTarget<T> {
    pub thanh_toan_truc_tuyen: T,
    pub so_hoa_dau_vao: T,
    pub so_hoa_dau_ra: T,
}

/// How a level's average is taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mean {
    /// Σ numerators ÷ Σ denominators of the level's units.
    Pooled,
    /// The mean of the units' ratios.
    Units,
}

/// `[chi_tieu]` with its defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Targets {
    pub payment: Decimal,
    pub digitised_in: Decimal,
    pub digitised_out: Decimal,
    pub very_low: Decimal,
    pub streak: u32,
    pub mean: Mean,
    pub high: Decimal,
}

impl Targets {
    pub fn from_config(config: &Config) -> Targets {
        let t = &config.chi_tieu;
        Targets {
            payment: t.thanh_toan_truc_tuyen.unwrap_or(Decimal::from(30)),
            digitised_in: t.so_hoa_dau_vao.unwrap_or(Decimal::ONE_HUNDRED),
            digitised_out: t.so_hoa_dau_ra.unwrap_or(Decimal::ONE_HUNDRED),
            very_low: t.rat_thap.unwrap_or(Decimal::TWO),
            streak: t.chuoi_thang.unwrap_or(3),
            mean: match t.trung_binh.as_deref() {
                Some("don_vi") => Mean::Units,
                _ => Mean::Pooled,
            },
            high: t.muc_cao.unwrap_or(Decimal::from(99)),
        }
    }

    /// The target of a ratio, if it has one ([`RatioKind::is_targeted`]).
    pub fn target(&self, ratio: RatioKind) -> Option<Decimal> {
        match ratio {
            RatioKind::Payment => Some(self.payment),
            RatioKind::DigitisedIn => Some(self.digitised_in),
            RatioKind::DigitisedOut => Some(self.digitised_out),
            RatioKind::Online | RatioKind::OnTime => None,
        }
    }
}

/// `chi_tieu` in the context: the targets as the templates quote them.
#[derive(Clone, Debug, Serialize)]
pub struct TargetsView {
    pub thanh_toan_truc_tuyen: Percent,
    pub so_hoa_dau_vao: Percent,
    pub so_hoa_dau_ra: Percent,
    pub rat_thap: Percent,
    pub muc_cao: Percent,
    pub chuoi_thang: u32,
    pub trung_binh: &'static str,
}

impl From<&Targets> for TargetsView {
    fn from(t: &Targets) -> Self {
        TargetsView {
            thanh_toan_truc_tuyen: Percent::round(t.payment),
            so_hoa_dau_vao: Percent::round(t.digitised_in),
            so_hoa_dau_ra: Percent::round(t.digitised_out),
            rat_thap: Percent::round(t.very_low),
            muc_cao: Percent::round(t.high),
            chuoi_thang: t.streak,
            trung_binh: match t.mean {
                Mean::Pooled => "gop",
                Mean::Units => "don_vi",
            },
        }
    }
}

/// A unit's figures with what is judged of them.
#[derive(Clone, Debug, Serialize)]
pub struct UnitEntry {
    #[serde(flatten)]
    pub figures: UnitFigures,
    /// Whether each targeted ratio meets its target; null without data.
    pub dat_chi_tieu: PerTarget<Option<bool>>,
    /// Calendar months in a row, ending with the period's last, below the
    /// level's average.
    pub chuoi_duoi_trung_binh: PerRatio<u32>,
    /// The ratio minus the level's average, in percentage points.
    pub so_voi_trung_binh: PerRatio<Option<Percent>>,
    /// The ratio minus that of the period before, in percentage points.
    pub chenh_lech: PerRatio<Option<Percent>>,
    pub ky_lien_truoc: Summary,
    pub luy_ke: Summary,
    /// Overdue dossiers (resolved late or pending past due) by field.
    pub qua_han_theo_linh_vuc: Vec<FieldCount>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FieldCount {
    pub linh_vuc: Option<String>,
    pub so_ho_so: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Streak {
    pub don_vi: String,
    pub so_thang: u32,
}

/// The lists of SPEC §10, as names (`danh_sach`).
#[derive(Clone, Debug, Serialize)]
pub struct Lists<T> {
    pub so_hoa_100: Vec<T>,
    /// Both digitisation ratios at or above the high mark, short of 100%.
    pub so_hoa_cao: Vec<T>,
    pub thanh_toan_dat: Vec<T>,
    pub thanh_toan_chua_dat: Vec<T>,
    pub thanh_toan_rat_thap: Vec<T>,
    pub thanh_toan_khong: Vec<T>,
    pub co_qua_han: Vec<T>,
    pub chuoi_duoi_trung_binh: PerRatio<Vec<Streak>>,
}

impl<T> Default for Lists<T> {
    fn default() -> Self {
        Lists {
            so_hoa_100: Vec::new(),
            so_hoa_cao: Vec::new(),
            thanh_toan_dat: Vec::new(),
            thanh_toan_chua_dat: Vec::new(),
            thanh_toan_rat_thap: Vec::new(),
            thanh_toan_khong: Vec::new(),
            co_qua_han: Vec::new(),
            chuoi_duoi_trung_binh: PerRatio::default(),
        }
    }
}

impl<T> Lists<T> {
    /// The same lists with each unit mapped.
    pub fn map<U>(&self, f: impl Fn(&T) -> U) -> Lists<U> {
        let m = |v: &Vec<T>| v.iter().map(&f).collect();
        Lists {
            so_hoa_100: m(&self.so_hoa_100),
            so_hoa_cao: m(&self.so_hoa_cao),
            thanh_toan_dat: m(&self.thanh_toan_dat),
            thanh_toan_chua_dat: m(&self.thanh_toan_chua_dat),
            thanh_toan_rat_thap: m(&self.thanh_toan_rat_thap),
            thanh_toan_khong: m(&self.thanh_toan_khong),
            co_qua_han: m(&self.co_qua_han),
            chuoi_duoi_trung_binh: self.chuoi_duoi_trung_binh.clone(),
        }
    }

    pub fn retain(&mut self, keep: impl Fn(&T) -> bool, keep_name: impl Fn(&str) -> bool) {
        for v in [
            &mut self.so_hoa_100,
            &mut self.so_hoa_cao,
            &mut self.thanh_toan_dat,
            &mut self.thanh_toan_chua_dat,
            &mut self.thanh_toan_rat_thap,
            &mut self.thanh_toan_khong,
            &mut self.co_qua_han,
        ] {
            v.retain(&keep);
        }
        for kind in RatioKind::ALL {
            self.chuoi_duoi_trung_binh
                .get_mut(kind)
                .retain(|s| keep_name(&s.don_vi));
        }
    }
}

/// The analysis of a period over all units.
#[derive(Clone, Debug)]
pub struct Analysis {
    pub targets: Targets,
    /// Each level's average of each ratio in the period.
    pub averages: BTreeMap<Level, PerRatio<Option<Percent>>>,
    /// The units, sorted by level then name, with their judgement.
    pub units: Vec<UnitEntry>,
    pub lists: Lists<UnitEntry>,
}

fn percent(r: &Ratio) -> Option<Decimal> {
    r.phan_tram.map(Percent::value)
}

/// Ratio `kind` of a summary.
fn ratio(s: &Summary, kind: RatioKind) -> &Ratio {
    s.ty_le.get(kind)
}

/// The average of ratio `key` over units, pooled or as a mean.
fn average<'a>(
    units: impl Iterator<Item = &'a Summary>,
    pooled: &Summary,
    key: RatioKind,
    mean: Mean,
) -> Option<Percent> {
    match mean {
        Mean::Pooled => ratio(pooled, key).phan_tram,
        Mean::Units => {
            let mut sum = MeanSum::default();
            for s in units {
                sum.add(ratio(s, key));
            }
            sum.mean()
        }
    }
}

/// The mean of unit ratios, summed a unit at a time: each exact ratio of
/// a unit with a denominator.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct MeanSum {
    sum: Decimal,
    units: u64,
}

impl MeanSum {
    fn add(&mut self, r: &Ratio) {
        if let (Some(t), Some(m)) = (r.tu_so, r.mau_so)
            && m > 0
        {
            self.sum += Decimal::from(t) * Decimal::ONE_HUNDRED / Decimal::from(m);
            self.units += 1;
        }
    }

    fn mean(&self) -> Option<Percent> {
        (self.units > 0).then(|| Percent::round(self.sum / Decimal::from(self.units)))
    }
}

fn difference(a: Option<Decimal>, b: Option<Decimal>) -> Option<Percent> {
    Some(Percent::round(a? - b?))
}

/// The figures of the period, the year to date and the period before, as
/// the analysis and `stats` both read them: worked out once.
pub struct Periods {
    pub now: Snapshot,
    pub ytd: Snapshot,
    pub prev: Snapshot,
}

impl Periods {
    pub fn of(data: &Dataset) -> Periods {
        Periods {
            now: data.figures(Which::Current),
            ytd: data.figures(Which::YearToDate),
            prev: data.figures(Which::Previous),
        }
    }
}

impl Analysis {
    pub fn new(data: &Dataset, targets: Targets) -> Analysis {
        Analysis::of(data, &Periods::of(data), targets)
    }

    /// The analysis of `data` from its periods' figures.
    pub fn of(data: &Dataset, periods: &Periods, targets: Targets) -> Analysis {
        let Periods { now, ytd, prev } = periods;
        // Each unit's figures in the other periods, by unit: a search per
        // unit would make the analysis quadratic in the number of units.
        let by_unit = |s: &Snapshot| -> FastMap<(UnitId, Level), Summary> {
            s.theo_don_vi
                .iter()
                .map(|x| ((x.unit, x.cap), x.summary))
                .collect()
        };
        let (prev_units, ytd_units) = (by_unit(prev), by_unit(ytd));
        let find = |s: &FastMap<(UnitId, Level), Summary>, u: &UnitFigures| {
            s.get(&(u.unit, u.cap)).copied().unwrap_or_default()
        };
        let mut averages = BTreeMap::new();
        for (level, pooled) in now.theo_cap.iter() {
            let units = || {
                now.theo_don_vi
                    .iter()
                    .filter(move |u| u.cap == level)
                    .map(|u| &u.summary)
            };
            averages.insert(
                level,
                PerRatio::from_fn(|k| average(units(), pooled, k, targets.mean)),
            );
        }
        let monthly = MonthlyAverages::new(data, targets.mean);
        let last_month = month_index(data.reporting.current.end);
        let late_by_field = late_by_field(data);
        let units: Vec<UnitEntry> = now
            .theo_don_vi
            .iter()
            .map(|u| {
                let s = &u.summary;
                let before = find(&prev_units, u);
                let avg = averages.get(&u.cap);
                UnitEntry {
                    dat_chi_tieu: PerTarget {
                        thanh_toan_truc_tuyen: meets(s, RatioKind::Payment, &targets),
                        so_hoa_dau_vao: meets(s, RatioKind::DigitisedIn, &targets),
                        so_hoa_dau_ra: meets(s, RatioKind::DigitisedOut, &targets),
                    },
                    chuoi_duoi_trung_binh: monthly.streaks(u.unit, u.cap, last_month),
                    so_voi_trung_binh: PerRatio::from_fn(|k| {
                        difference(
                            percent(ratio(s, k)),
                            avg.and_then(|a| *a.get(k)).map(Percent::value),
                        )
                    }),
                    chenh_lech: PerRatio::from_fn(|k| {
                        difference(percent(ratio(s, k)), percent(ratio(&before, k)))
                    }),
                    ky_lien_truoc: before,
                    luy_ke: find(&ytd_units, u),
                    qua_han_theo_linh_vuc: late_by_field
                        .get(&(u.unit, u.cap))
                        .cloned()
                        .unwrap_or_default(),
                    figures: u.clone(),
                }
            })
            .collect();
        let lists = Analysis::lists(&units, &targets);
        Analysis {
            targets,
            averages,
            units,
            lists,
        }
    }

    fn lists(units: &[UnitEntry], t: &Targets) -> Lists<UnitEntry> {
        let mut l = Lists::default();
        for u in units {
            let s = &u.figures.summary;
            let (din, dout) = (&s.ty_le.so_hoa_dau_vao, &s.ty_le.so_hoa_dau_ra);
            let full =
                |r: &Ratio| matches!((r.tu_so, r.mau_so), (Some(a), Some(b)) if b > 0 && a == b);
            if full(din) && full(dout) {
                l.so_hoa_100.push(u.clone());
            } else if percent(din)
                .zip(percent(dout))
                .is_some_and(|(a, b)| a >= t.high && b >= t.high)
            {
                l.so_hoa_cao.push(u.clone());
            }
            let pay = &s.ty_le.thanh_toan_truc_tuyen;
            if let (Some(tu), Some(mau), Some(p)) = (pay.tu_so, pay.mau_so, percent(pay)) {
                if p >= t.payment {
                    l.thanh_toan_dat.push(u.clone());
                } else if tu > 0 {
                    l.thanh_toan_chua_dat.push(u.clone());
                }
                if tu > 0 && p < t.very_low {
                    l.thanh_toan_rat_thap.push(u.clone());
                }
                if tu == 0 && mau > 0 {
                    l.thanh_toan_khong.push(u.clone());
                }
            }
            if u.figures.counts.has_overdue() {
                l.co_qua_han.push(u.clone());
            }
        }
        l.chuoi_duoi_trung_binh = PerRatio::from_fn(|k| {
            units
                .iter()
                .filter_map(|u| {
                    let n = *u.chuoi_duoi_trung_binh.get(k);
                    (n >= t.streak && n > 0).then(|| Streak {
                        don_vi: u.figures.don_vi.clone(),
                        so_thang: n,
                    })
                })
                .collect()
        });
        l
    }

    /// `trung_binh` as the contract writes it: `{level: {ratio: "97.04"}}`.
    pub fn averages_by_key(&self) -> BTreeMap<&'static str, PerRatio<Option<Percent>>> {
        self.averages.iter().map(|(l, a)| (l.key(), *a)).collect()
    }

    /// Keeps only unit `unit` (a unit's own letter).
    pub fn restrict(&mut self, unit: UnitId) {
        self.units.retain(|u| u.figures.unit == unit);
        let name = self
            .units
            .first()
            .map(|u| u.figures.don_vi.clone())
            .unwrap_or_default();
        self.lists.retain(|u| u.figures.unit == unit, |n| n == name);
    }
}

fn meets(s: &Summary, key: RatioKind, t: &Targets) -> Option<bool> {
    let p = percent(ratio(s, key))?;
    Some(p >= t.target(key)?)
}

/// Overdue dossiers per unit and field in the period.
fn late_by_field(data: &Dataset) -> HashMap<(UnitId, Level), Vec<FieldCount>> {
    let mut out: HashMap<(UnitId, Level), Vec<FieldCount>> = HashMap::new();
    for (key, counts) in data.tally.groups() {
        let c = counts.get(0).unwrap_or_default();
        let n = c.late + c.pending_late;
        if n > 0 {
            let name = data.names.domain_name(key.domain);
            out.entry((key.unit, key.level))
                .or_default()
                .push(FieldCount {
                    linh_vuc: (!name.is_empty()).then(|| name.to_string()),
                    so_ho_so: n,
                });
        }
    }
    for v in out.values_mut() {
        v.sort_by(|a, b| {
            b.so_ho_so
                .cmp(&a.so_ho_so)
                .then_with(|| match (&a.linh_vuc, &b.linh_vuc) {
                    (Some(x), Some(y)) => crate::text::vi_cmp(x, y),
                    (x, y) => x.is_some().cmp(&y.is_some()),
                })
        });
    }
    out
}

/// Each level's average of each ratio per calendar month, for streaks.
struct MonthlyAverages {
    units: FastMap<(UnitId, Level), UnitMonths>,
    levels: HashMap<(Level, MonthIndex), PerRatio<Option<Percent>>>,
    known: crate::input::Known,
    counting: crate::figures::Counting,
}

impl MonthlyAverages {
    fn new(data: &Dataset, mean: Mean) -> MonthlyAverages {
        let monthly = data.tally.monthly();
        let known = data.tally.known();
        let counting = data.tally.counting();
        let mut pooled: HashMap<(Level, MonthIndex), Counts> = HashMap::new();
        // The mean of unit ratios is summed as units come: a list of every
        // unit's month would cost memory for each unit and month.
        let mut means: HashMap<(Level, MonthIndex), PerRatio<MeanSum>> = HashMap::new();
        for ((_, level), months) in &monthly {
            for (m, c) in months.iter() {
                *pooled.entry((*level, *m)).or_default() += c;
                if mean == Mean::Units {
                    let s = Summary::of(c, known, counting);
                    let sums = means.entry((*level, *m)).or_default();
                    for kind in RatioKind::ALL {
                        sums.get_mut(kind).add(ratio(&s, kind));
                    }
                }
            }
        }
        let levels = pooled
            .iter()
            .map(|(key, c)| {
                let all = Summary::of(c, known, counting);
                let averages = match mean {
                    Mean::Pooled => PerRatio::from_fn(|k| ratio(&all, k).phan_tram),
                    Mean::Units => {
                        let sums = means.get(key);
                        PerRatio::from_fn(|k| sums.and_then(|s| s.get(k).mean()))
                    }
                };
                (*key, averages)
            })
            .collect();
        MonthlyAverages {
            units: monthly,
            levels,
            known,
            counting,
        }
    }

    /// Months in a row, ending with `last`, where the unit's ratio is below
    /// its level's average, for each ratio; a month without a denominator
    /// ends the run. Each month's figures are worked out once for all five.
    fn streaks(&self, unit: UnitId, level: Level, last: MonthIndex) -> PerRatio<u32> {
        let mut runs = PerRatio::<u32>::default();
        let Some(months) = self.units.get(&(unit, level)) else {
            return runs;
        };
        let mut open = PerRatio::from_fn(|_| true);
        let mut m = last;
        while let Some(c) = months.get(&m) {
            let s = Summary::of(c, self.known, self.counting);
            let averages = self.levels.get(&(level, m));
            let mut any = false;
            for kind in RatioKind::ALL {
                let (going, run) = (open.get_mut(kind), runs.get_mut(kind));
                if !*going {
                    continue;
                }
                let r = ratio(&s, kind);
                let below = match (
                    r.mau_so.filter(|d| *d > 0).and(percent(r)),
                    averages.and_then(|a| *a.get(kind)),
                ) {
                    (Some(mine), Some(avg)) => mine < avg.value(),
                    _ => false,
                };
                if below {
                    *run += 1;
                    any = true;
                } else {
                    *going = false;
                }
            }
            if !any {
                break;
            }
            m -= 1;
        }
        runs
    }
}
