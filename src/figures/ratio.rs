//! The five ratios of SPEC §4 as a type: each with its key in the
//! contract, its title, and whether `[chi_tieu]` sets a target for it;
//! and [`PerRatio`], one value per ratio, serialised under those keys.

use serde::Serialize;

/// One of the five ratios, in the contract's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RatioKind {
    /// `truc_tuyen`: received online of those whose procedure is online.
    Online,
    /// `thanh_toan_truc_tuyen`: paid online of those with a fee.
    Payment,
    /// `so_hoa_dau_vao`: digitised at intake of those received.
    DigitisedIn,
    /// `so_hoa_dau_ra`: digitised results of those resolved.
    DigitisedOut,
    /// `dung_han`: resolved early or on time of those resolved.
    OnTime,
}

impl RatioKind {
    pub const ALL: [RatioKind; 5] = [
        RatioKind::Online,
        RatioKind::Payment,
        RatioKind::DigitisedIn,
        RatioKind::DigitisedOut,
        RatioKind::OnTime,
    ];

    /// The key of the contract (JSON, templates, `--chart`).
    pub fn key(self) -> &'static str {
        match self {
            RatioKind::Online => "truc_tuyen",
            RatioKind::Payment => "thanh_toan_truc_tuyen",
            RatioKind::DigitisedIn => "so_hoa_dau_vao",
            RatioKind::DigitisedOut => "so_hoa_dau_ra",
            RatioKind::OnTime => "dung_han",
        }
    }

    /// The ratio a key names.
    pub fn from_key(key: &str) -> Option<RatioKind> {
        RatioKind::ALL.into_iter().find(|r| r.key() == key)
    }

    /// The keys, as a message lists them: `truc_tuyen, …`.
    pub fn keys() -> String {
        RatioKind::ALL.map(RatioKind::key).join(", ")
    }

    /// The title of a chart of the ratio by unit.
    pub fn title(self) -> &'static str {
        match self {
            RatioKind::Online => "Tỷ lệ tiếp nhận hồ sơ trực tuyến theo đơn vị",
            RatioKind::Payment => "Tỷ lệ thanh toán trực tuyến theo đơn vị",
            RatioKind::DigitisedIn => "Tỷ lệ số hóa hồ sơ khi tiếp nhận theo đơn vị",
            RatioKind::DigitisedOut => "Tỷ lệ số hóa kết quả giải quyết TTHC theo đơn vị",
            RatioKind::OnTime => "Tỷ lệ giải quyết hồ sơ đúng hạn theo đơn vị",
        }
    }

    /// Whether `[chi_tieu]` sets a target for it (SPEC §10).
    pub fn is_targeted(self) -> bool {
        matches!(
            self,
            RatioKind::Payment | RatioKind::DigitisedIn | RatioKind::DigitisedOut
        )
    }
}

/// One value per ratio, serialised under the contract's keys in its order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PerRatio<T> {
    pub truc_tuyen: T,
    pub thanh_toan_truc_tuyen: T,
    pub so_hoa_dau_vao: T,
    pub so_hoa_dau_ra: T,
    pub dung_han: T,
}

impl<T> PerRatio<T> {
    pub fn from_fn(mut f: impl FnMut(RatioKind) -> T) -> PerRatio<T> {
        PerRatio {
            truc_tuyen: f(RatioKind::Online),
            thanh_toan_truc_tuyen: f(RatioKind::Payment),
            so_hoa_dau_vao: f(RatioKind::DigitisedIn),
            so_hoa_dau_ra: f(RatioKind::DigitisedOut),
            dung_han: f(RatioKind::OnTime),
        }
    }

    pub fn get(&self, kind: RatioKind) -> &T {
        match kind {
            RatioKind::Online => &self.truc_tuyen,
            RatioKind::Payment => &self.thanh_toan_truc_tuyen,
            RatioKind::DigitisedIn => &self.so_hoa_dau_vao,
            RatioKind::DigitisedOut => &self.so_hoa_dau_ra,
            RatioKind::OnTime => &self.dung_han,
        }
    }

    pub fn get_mut(&mut self, kind: RatioKind) -> &mut T {
        match kind {
            RatioKind::Online => &mut self.truc_tuyen,
            RatioKind::Payment => &mut self.thanh_toan_truc_tuyen,
            RatioKind::DigitisedIn => &mut self.so_hoa_dau_vao,
            RatioKind::DigitisedOut => &mut self.so_hoa_dau_ra,
            RatioKind::OnTime => &mut self.dung_han,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_the_contracts_and_serialise_in_its_order() {
        let keys = PerRatio::from_fn(RatioKind::key);
        let json = serde_json::to_string(&keys).unwrap();
        assert_eq!(
            json,
            r#"{"truc_tuyen":"truc_tuyen","thanh_toan_truc_tuyen":"thanh_toan_truc_tuyen","so_hoa_dau_vao":"so_hoa_dau_vao","so_hoa_dau_ra":"so_hoa_dau_ra","dung_han":"dung_han"}"#
        );
        for kind in RatioKind::ALL {
            assert_eq!(RatioKind::from_key(kind.key()), Some(kind));
            assert_eq!(*keys.get(kind), kind.key());
        }
        assert_eq!(RatioKind::from_key("so_hoa"), None);
        let targeted: Vec<&str> = RatioKind::ALL
            .into_iter()
            .filter(|r| r.is_targeted())
            .map(RatioKind::key)
            .collect();
        assert_eq!(
            targeted,
            ["thanh_toan_truc_tuyen", "so_hoa_dau_vao", "so_hoa_dau_ra"]
        );
    }
}
