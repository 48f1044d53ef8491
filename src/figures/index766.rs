//! Estimates of the national index of Quyết định 766/QĐ-TTg (SPEC §12):
//! the six indicators an export can show (48 of the 100 points), worked
//! out from the tallies of the single pass, and the rule that says which
//! dossiers keep an indicator from full points.
//!
//! They are estimates ("ước tính"): the portal publishes a description of
//! its rules, not a regulation, so each indicator's points and full-points
//! threshold come from `[chi_so_766]` of config, with the defaults here.
//! Counts are always those of the default counting of §4 ([`Counts`]
//! itself), whatever `[cach_tinh]` says.

use std::sync::Arc;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Serialize, Serializer};

use super::collect::KeepRule;
use super::counts::Counts;
use super::due::{self, Outcome};
use super::summary::Percent;
use super::view::Snapshot;
use crate::input::{Channel, Dossier, Known, Level, Tri, UnitId};
use crate::period::Period;

/// One of the six indicators, in the contract's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    /// Dossiers resolved or being handled on time.
    TienDo,
    /// 3.3: dossiers received online.
    TrucTuyen,
    /// 3.6: fees paid online.
    ThanhToan,
    /// Results issued in digital form.
    KetQuaDienTu,
    /// Dossier papers digitised at intake.
    SoHoa,
    /// Satisfaction, the overdue part only.
    HaiLong,
}

impl Key {
    pub const ALL: [Key; 6] = [
        Key::TienDo,
        Key::TrucTuyen,
        Key::ThanhToan,
        Key::KetQuaDienTu,
        Key::SoHoa,
        Key::HaiLong,
    ];

    /// The key of the contract (JSON, config, `--ho-so`).
    pub fn key(self) -> &'static str {
        match self {
            Key::TienDo => "tien_do",
            Key::TrucTuyen => "truc_tuyen",
            Key::ThanhToan => "thanh_toan",
            Key::KetQuaDienTu => "ket_qua_dien_tu",
            Key::SoHoa => "so_hoa",
            Key::HaiLong => "hai_long",
        }
    }

    pub fn from_key(key: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|k| k.key() == key)
    }

    /// The keys, as a message lists them: `tien_do, truc_tuyen, …`.
    pub fn keys() -> String {
        Key::ALL.map(Key::key).join(", ")
    }

    /// The group of the index the indicator belongs to.
    pub fn group(self) -> Group {
        match self {
            Key::TienDo => Group::TienDo,
            Key::TrucTuyen => Group::TrucTuyen,
            Key::ThanhToan => Group::ThanhToan,
            Key::KetQuaDienTu | Key::SoHoa => Group::SoHoa,
            Key::HaiLong => Group::HaiLong,
        }
    }

    /// A short name, for a table's header.
    pub fn label(self) -> &'static str {
        match self {
            Key::TienDo => "Tiến độ",
            Key::TrucTuyen => "Trực tuyến",
            Key::ThanhToan => "Thanh toán",
            Key::KetQuaDienTu => "KQ điện tử",
            Key::SoHoa => "Số hóa",
            Key::HaiLong => "Hài lòng",
        }
    }

    /// What the indicator measures, for people.
    pub fn title(self) -> &'static str {
        match self {
            Key::TienDo => "hồ sơ giải quyết, đang giải quyết trong hạn",
            Key::TrucTuyen => "hồ sơ tiếp nhận trực tuyến (3.3)",
            Key::ThanhToan => "hồ sơ có phí, lệ phí được thanh toán trực tuyến (3.6)",
            Key::KetQuaDienTu => "kết quả giải quyết cấp bản điện tử",
            Key::SoHoa => "hồ sơ được số hóa thành phần khi tiếp nhận",
            Key::HaiLong => "mức độ hài lòng, phần hồ sơ quá hạn",
        }
    }

    /// The columns of the export it needs, for a message.
    pub fn columns(self) -> &'static str {
        match self {
            Key::TienDo | Key::HaiLong => "ngay_tiep_nhan, ngay_hen_tra",
            Key::TrucTuyen => "kenh",
            Key::ThanhToan => "nghia_vu_tai_chinh, thanh_toan_truc_tuyen",
            Key::KetQuaDienTu => "so_hoa_ket_qua",
            Key::SoHoa => "so_hoa_ho_so",
        }
    }

    /// The default points: 48 in all.
    pub fn default_points(self) -> u32 {
        match self {
            Key::TienDo => 20,
            Key::SoHoa => 4,
            _ => 6,
        }
    }

    /// The default ratio, in percent, at which the points are full.
    pub fn default_threshold(self) -> Decimal {
        match self {
            Key::TrucTuyen => Decimal::from(50),
            Key::HaiLong => Decimal::from(90),
            _ => Decimal::ONE_HUNDRED,
        }
    }
}

/// The six groups of the index, 100 points in all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    CongKhai,
    TienDo,
    TrucTuyen,
    ThanhToan,
    HaiLong,
    SoHoa,
}

impl Group {
    #[cfg(test)]
    pub const ALL: [Group; 6] = [
        Group::CongKhai,
        Group::TienDo,
        Group::TrucTuyen,
        Group::ThanhToan,
        Group::HaiLong,
        Group::SoHoa,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Group::CongKhai => "Công khai, minh bạch",
            Group::TienDo => "Tiến độ giải quyết",
            Group::TrucTuyen => "Dịch vụ công trực tuyến",
            Group::ThanhToan => "Thanh toán trực tuyến",
            Group::HaiLong => "Mức độ hài lòng",
            Group::SoHoa => "Số hóa hồ sơ",
        }
    }

    /// The group's points in the index.
    pub fn points(self) -> u32 {
        match self {
            Group::CongKhai | Group::HaiLong => 18,
            Group::TienDo => 20,
            Group::TrucTuyen => 12,
            Group::ThanhToan => 10,
            Group::SoHoa => 22,
        }
    }
}

/// Points of the index an export cannot show, by group: what the portal
/// counts from its own records (the catalogue of procedures, the sync of
/// dossiers, petitions and ratings). 52 points with the 48 estimated make
/// the 100. The portal publishes only a description of its rules, not a
/// regulation: these names and points follow that description, as SPEC
/// §12 lists them ("không tính được từ dữ liệu xuất").
pub const NOT_FROM_EXPORTS: [(Group, &str, u32); 5] = [
    (
        Group::CongKhai,
        "công khai thủ tục hành chính, đồng bộ hồ sơ và kết quả lên Cổng Dịch vụ công quốc gia",
        18,
    ),
    (
        Group::TrucTuyen,
        "các chỉ số 3.1, 3.2, 3.5 (thủ tục cung cấp dịch vụ công trực tuyến, thủ tục có phát sinh hồ sơ trực tuyến)",
        6,
    ),
    (
        Group::ThanhToan,
        "thủ tục có triển khai thanh toán trực tuyến",
        4,
    ),
    (
        Group::HaiLong,
        "phản ánh, kiến nghị và đánh giá của người dân, doanh nghiệp",
        12,
    ),
    (Group::SoHoa, "khai thác, tái sử dụng dữ liệu đã số hóa", 12),
];

/// One indicator's rule: its points and the ratio (percent) from which
/// they are full. Points grow in proportion below the threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    points: u32,
    threshold: Decimal,
    /// Left out of the index (`bo_qua = true`).
    pub skip: bool,
}

impl Rule {
    /// `None` unless the threshold is above 0 and at most 100 with at most
    /// two decimal places, and the points at most 100 (config says why).
    pub fn new(points: u32, threshold: Decimal, skip: bool) -> Option<Rule> {
        let ok = points <= 100
            && threshold > Decimal::ZERO
            && threshold <= Decimal::ONE_HUNDRED
            && threshold.normalize().scale() <= 2;
        ok.then_some(Rule {
            points,
            threshold,
            skip,
        })
    }

    pub fn default_of(key: Key) -> Rule {
        Rule {
            points: key.default_points(),
            threshold: key.default_threshold(),
            skip: false,
        }
    }

    pub fn points(&self) -> u32 {
        self.points
    }

    pub fn threshold(&self) -> Decimal {
        self.threshold
    }

    /// `points × min(1, ratio ÷ threshold)` for `tu / mau`, exact, then
    /// rounded half away from zero to two places; `None` when `mau` is 0.
    pub fn score(&self, tu: u64, mau: u64) -> Option<Points> {
        if mau == 0 {
            return None;
        }
        let full = Decimal::from(self.points);
        // tu × 100 against mau × threshold, so that a ratio exactly at the
        // threshold is full points. No overflow: u64 counts times 100
        // (or a threshold of four digits) stay far below Decimal's 7.9e28.
        let have = Decimal::from(tu).checked_mul(Decimal::ONE_HUNDRED)?;
        let need = Decimal::from(mau).checked_mul(self.threshold)?;
        if have >= need {
            return Some(Points::round(full));
        }
        Some(Points::round(full.checked_mul(have)?.checked_div(need)?))
    }
}

/// Each indicator's rule (`[chi_so_766]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rules {
    rules: PerIndicator<Rule>,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            rules: PerIndicator::from_fn(Rule::default_of),
        }
    }
}

impl Rules {
    pub fn get(&self, key: Key) -> &Rule {
        self.rules.get(key)
    }

    pub fn set(&mut self, key: Key, rule: Rule) {
        *self.rules.get_mut(key) = rule;
    }
}

/// Points rounded to two places; serialised as a string (`"41.25"`), as
/// percentages are, so no float ever touches them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Points(pub Decimal);

impl Points {
    pub fn round(d: Decimal) -> Points {
        Points(d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
    }

    pub fn value(self) -> Decimal {
        self.0
    }
}

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{:.2}", self.0))
    }
}

/// One value per indicator, serialised under the contract's keys.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PerIndicator<T> {
    pub tien_do: T,
    pub truc_tuyen: T,
    pub thanh_toan: T,
    pub ket_qua_dien_tu: T,
    pub so_hoa: T,
    pub hai_long: T,
}

impl<T> PerIndicator<T> {
    pub fn from_fn(mut f: impl FnMut(Key) -> T) -> PerIndicator<T> {
        PerIndicator {
            tien_do: f(Key::TienDo),
            truc_tuyen: f(Key::TrucTuyen),
            thanh_toan: f(Key::ThanhToan),
            ket_qua_dien_tu: f(Key::KetQuaDienTu),
            so_hoa: f(Key::SoHoa),
            hai_long: f(Key::HaiLong),
        }
    }

    pub fn get(&self, key: Key) -> &T {
        match key {
            Key::TienDo => &self.tien_do,
            Key::TrucTuyen => &self.truc_tuyen,
            Key::ThanhToan => &self.thanh_toan,
            Key::KetQuaDienTu => &self.ket_qua_dien_tu,
            Key::SoHoa => &self.so_hoa,
            Key::HaiLong => &self.hai_long,
        }
    }

    pub fn get_mut(&mut self, key: Key) -> &mut T {
        match key {
            Key::TienDo => &mut self.tien_do,
            Key::TrucTuyen => &mut self.truc_tuyen,
            Key::ThanhToan => &mut self.thanh_toan,
            Key::KetQuaDienTu => &mut self.ket_qua_dien_tu,
            Key::SoHoa => &mut self.so_hoa,
            Key::HaiLong => &mut self.hai_long,
        }
    }
}

/// `(tu_so, mau_so)` of indicator `key` from the default counts, or
/// `None` when a column it needs is missing (SPEC §12 table).
pub fn fraction(key: Key, c: &Counts, known: Known) -> Option<(u64, u64)> {
    let on_time = || {
        let total = c.total();
        (total.saturating_sub(c.late + c.pending_late), total)
    };
    match key {
        Key::TienDo | Key::HaiLong => Some(on_time()),
        Key::TrucTuyen => known.channel.then(|| (c.online, c.received())),
        Key::ThanhToan => (known.fee && known.paid_online).then_some((c.fee_paid_online, c.fee)),
        Key::KetQuaDienTu => known.digitised_out.then(|| (c.digitised_out, c.resolved())),
        Key::SoHoa => known.digitised_in.then(|| (c.digitised_in, c.received())),
    }
}

/// One indicator of an INDEX: its ratio, its points (null when there is
/// nothing to count or its column is missing) and its maximum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Indicator {
    pub tu_so: Option<u64>,
    pub mau_so: Option<u64>,
    pub phan_tram: Option<Percent>,
    pub diem: Option<Points>,
    pub diem_toi_da: u32,
}

impl Indicator {
    fn of(key: Key, rule: &Rule, c: &Counts, known: Known) -> Indicator {
        let f = fraction(key, c, known);
        Indicator {
            tu_so: f.map(|(t, _)| t),
            mau_so: f.map(|(_, m)| m),
            phan_tram: f.and_then(|(t, m)| Percent::of(t, m)),
            diem: f.and_then(|(t, m)| rule.score(t, m)),
            diem_toi_da: rule.points(),
        }
    }

    /// Whether points were lost: worked out and below the maximum.
    pub fn short(&self) -> bool {
        self.diem
            .is_some_and(|d| d.value() < Decimal::from(self.diem_toi_da))
    }
}

/// INDEX of SPEC §12: the indicators, their points summed (the sum of the
/// rounded points, so the figures shown add up) and the maximum of those
/// worked out. `diem` is null when no indicator could be worked out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Index {
    #[serde(serialize_with = "present")]
    pub chi_so: PerIndicator<Option<Indicator>>,
    pub diem: Option<Points>,
    pub diem_toi_da: u32,
}

impl Index {
    pub fn of(c: &Counts, known: Known, rules: &Rules) -> Index {
        let chi_so = PerIndicator::from_fn(|key| {
            let rule = rules.get(key);
            (!rule.skip).then(|| Indicator::of(key, rule, c, known))
        });
        let mut sum = Decimal::ZERO;
        let mut most = 0u32;
        let mut any = false;
        for key in Key::ALL {
            if let Some(Indicator {
                diem: Some(d),
                diem_toi_da,
                ..
            }) = chi_so.get(key)
            {
                sum += d.value();
                most += diem_toi_da;
                any = true;
            }
        }
        Index {
            chi_so,
            diem: any.then_some(Points(sum)),
            diem_toi_da: most,
        }
    }

    /// The maximum of every indicator not left out, counted or not: 48 by
    /// default.
    pub fn full_maximum(rules: &Rules) -> u32 {
        Key::ALL
            .into_iter()
            .map(|k| rules.get(k))
            .filter(|r| !r.skip)
            .map(Rule::points)
            .sum()
    }
}

/// The indicators not left out, under their keys in the contract's order.
fn present<S: Serializer>(v: &PerIndicator<Option<Indicator>>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(None)?;
    for key in Key::ALL {
        if let Some(i) = v.get(key) {
            map.serialize_entry(key.key(), i)?;
        }
    }
    map.end()
}

/// The levels present, each with its INDEX.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct IndexByLevel {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tinh: Option<Index>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub huyen: Option<Index>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xa: Option<Index>,
}

impl IndexByLevel {
    pub fn get(&self, level: Level) -> Option<&Index> {
        match level {
            Level::Tinh => self.tinh.as_ref(),
            Level::Huyen => self.huyen.as_ref(),
            Level::Xa => self.xa.as_ref(),
        }
    }

    fn slot(&mut self, level: Level) -> &mut Option<Index> {
        match level {
            Level::Tinh => &mut self.tinh,
            Level::Huyen => &mut self.huyen,
            Level::Xa => &mut self.xa,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (Level, &Index)> {
        Level::ALL
            .into_iter()
            .filter_map(|l| self.get(l).map(|x| (l, x)))
    }
}

/// One unit's INDEX with its rank within its level: 1 for the most
/// points, equal points sharing a rank (1, 2, 2, 4); null for a unit with
/// nothing to score.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnitIndex {
    pub don_vi: String,
    pub cap: Level,
    #[serde(flatten)]
    pub index: Index,
    pub xep_hang: Option<u32>,
    #[serde(skip)]
    pub unit: UnitId,
}

/// `chi_so_766` of SPEC §12: the total, each level and each unit (sorted
/// as the figures are: by level, then name).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChiSo766 {
    pub tong: Index,
    pub theo_cap: IndexByLevel,
    pub theo_don_vi: Vec<UnitIndex>,
}

impl ChiSo766 {
    /// The index of the groups `s` holds, from their default counts.
    pub fn of(s: &Snapshot, known: Known, rules: &Rules) -> ChiSo766 {
        let mut total = Counts::default();
        let mut theo_cap = IndexByLevel::default();
        for (level, c) in &s.level_counts {
            total += c;
            *theo_cap.slot(*level) = Some(Index::of(c, known, rules));
        }
        let mut theo_don_vi: Vec<UnitIndex> = s
            .theo_don_vi
            .iter()
            .map(|u| UnitIndex {
                don_vi: u.don_vi.clone(),
                cap: u.cap,
                index: Index::of(&u.counts, known, rules),
                xep_hang: None,
                unit: u.unit,
            })
            .collect();
        rank(&mut theo_don_vi);
        ChiSo766 {
            tong: Index::of(&total, known, rules),
            theo_cap,
            theo_don_vi,
        }
    }
}

/// Ranks units within their level by points, highest first; equal points
/// share a rank and the next rank skips (1, 2, 2, 4).
pub fn rank(units: &mut [UnitIndex]) {
    let mut order: Vec<(Level, std::cmp::Reverse<Points>, usize)> = units
        .iter()
        .enumerate()
        .filter_map(|(i, u)| Some((u.cap, std::cmp::Reverse(u.index.diem?), i)))
        .collect();
    order.sort_unstable();
    for level in order.chunk_by(|a, b| a.0 == b.0) {
        let mut shown = 0u32;
        for (place, &(_, points, i)) in level.iter().enumerate() {
            if place == 0 || level[place - 1].1 != points {
                shown = place as u32 + 1;
            }
            units[i].xep_hang = Some(shown);
        }
    }
}

/// Why a dossier keeps an indicator from full points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortfall {
    /// Late by `days`: resolved late in the period (`open` false), or
    /// still open past its due date at the period's end.
    Late { days: i64, open: bool },
    /// Received in the period by another channel than online.
    NotOnline(Channel),
    /// Received in the period with a fee not paid online.
    FeeNotPaidOnline,
    /// Resolved in the period without a digital result.
    NoDigitalResult,
    /// Received in the period without its papers digitised.
    NotDigitised,
}

impl Shortfall {
    /// The reason, for people.
    pub fn reason(self) -> String {
        match self {
            Shortfall::Late { days, open: false } => format!("giải quyết quá hạn {days} ngày"),
            Shortfall::Late { days, open: true } => {
                format!("quá hạn {days} ngày, chưa xong")
            }
            Shortfall::NotOnline(Channel::Postal) => "nộp qua bưu chính".to_string(),
            Shortfall::NotOnline(Channel::Unknown) => "không rõ kênh nộp".to_string(),
            Shortfall::NotOnline(_) => "nộp trực tiếp".to_string(),
            Shortfall::FeeNotPaidOnline => "không thanh toán trực tuyến".to_string(),
            Shortfall::NoDigitalResult => "không có kết quả điện tử".to_string(),
            Shortfall::NotDigitised => "chưa số hóa thành phần".to_string(),
        }
    }
}

/// Why `d` keeps indicator `key` from full points in `p`, if it does: it
/// is in the indicator's `mau_so` and not in its `tu_so`, by the same
/// rules the tallies count with ([`due`], [`super::counts`]).
pub fn shortfall(key: Key, d: &Dossier, p: &Period) -> Option<Shortfall> {
    if !due::counted_in(d, p) {
        return None;
    }
    let received = d.received.is_some_and(|r| p.contains(r));
    match key {
        Key::TienDo | Key::HaiLong => {
            let days = due::lateness(d, p)?;
            let open = !matches!(due::outcome(d, p), Outcome::Resolved(_));
            Some(Shortfall::Late { days, open })
        }
        Key::TrucTuyen => {
            (received && d.channel != Channel::Online).then_some(Shortfall::NotOnline(d.channel))
        }
        Key::ThanhToan => (received && d.fee == Tri::Yes && d.paid_online != Tri::Yes)
            .then_some(Shortfall::FeeNotPaidOnline),
        Key::KetQuaDienTu => (matches!(due::outcome(d, p), Outcome::Resolved(_))
            && d.digitised_out != Tri::Yes)
            .then_some(Shortfall::NoDigitalResult),
        Key::SoHoa => (received && d.digitised_in != Tri::Yes).then_some(Shortfall::NotDigitised),
    }
}

/// The keep rule of `chi-so --ho-so KEY`: the dossiers that keep `key`
/// from full points in `p`.
pub fn short_of(key: Key, p: Period) -> KeepRule {
    Arc::new(move |d: &Dossier| shortfall(key, d, &p).is_some())
}

#[cfg(test)]
mod tests;
