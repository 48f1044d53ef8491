//! A dossier as the figures need it: small, `Copy`, with names interned.

use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;

/// A level of government (SPEC §2). Levels are data: a 2023 district has
/// `huyen` and `xa`, a 2026 province `tinh` and `xa`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Tinh,
    Huyen,
    Xa,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Tinh, Level::Huyen, Level::Xa];

    /// The key used in JSON, config and templates.
    pub fn key(self) -> &'static str {
        match self {
            Level::Tinh => "tinh",
            Level::Huyen => "huyen",
            Level::Xa => "xa",
        }
    }

    /// `Cấp xã`, for people.
    pub fn label(self) -> &'static str {
        match self {
            Level::Tinh => "Cấp tỉnh",
            Level::Huyen => "Cấp huyện",
            Level::Xa => "Cấp xã",
        }
    }

    pub fn from_key(key: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.key() == key)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// How the dossier was submitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Channel {
    Online,
    Direct,
    Postal,
    /// The export has no channel column (nor an online flag).
    Unknown,
}

impl Channel {
    /// In the order of their discriminants.
    pub const ALL: [Channel; 4] = [
        Channel::Online,
        Channel::Direct,
        Channel::Postal,
        Channel::Unknown,
    ];
}

/// The status classes of SPEC §1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// Left out of every figure.
    NotReceived,
    InProgress,
    Paused,
    Withdrawn,
    Returned,
    Resolved,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::NotReceived,
        Status::InProgress,
        Status::Paused,
        Status::Withdrawn,
        Status::Returned,
        Status::Resolved,
    ];

    /// The class's name in config (`[trang_thai]`) and messages.
    pub fn key(self) -> &'static str {
        match self {
            Status::NotReceived => "chua_tiep_nhan",
            Status::InProgress => "dang_giai_quyet",
            Status::Paused => "tam_dung",
            Status::Withdrawn => "rut",
            Status::Returned => "tra_lai",
            Status::Resolved => "da_giai_quyet",
        }
    }

    /// Whether the dossier's processing has ended (it has an end date).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Status::Withdrawn | Status::Returned | Status::Resolved
        )
    }
}

/// A yes/no value, or unknown when the export has no such column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Tri {
    #[default]
    Unknown,
    No,
    Yes,
}

impl Tri {
    /// In the order of their discriminants.
    pub const ALL: [Tri; 3] = [Tri::Unknown, Tri::No, Tri::Yes];
}

impl From<bool> for Tri {
    fn from(b: bool) -> Tri {
        if b { Tri::Yes } else { Tri::No }
    }
}

/// An interned unit name (see [`super::Names`]).
pub type UnitId = u32;
/// An interned field (`linh_vuc`) name; 0 is the empty name.
pub type DomainId = u32;

/// One dossier, parsed and validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Dossier {
    pub unit: UnitId,
    pub level: Level,
    pub domain: DomainId,
    pub status: Status,
    pub channel: Channel,
    /// `None` only for a dossier that was never received.
    pub received: Option<NaiveDate>,
    pub due: Option<NaiveDate>,
    /// When a resolved, returned or withdrawn dossier ended; `None` for the
    /// other classes whatever the export says.
    pub ended: Option<NaiveDate>,
    /// Whether the procedure is an online public service; unknown counts
    /// as yes (SPEC §1).
    pub online_service: Tri,
    pub digitised_in: Tri,
    pub digitised_out: Tri,
    pub fee: Tri,
    pub paid_online: Tri,
}

#[cfg(test)]
impl Dossier {
    /// A dossier of unit 0 of a commune, received online, digitised both
    /// ways, without a fee: what the tests of the due-date rules vary.
    pub(crate) fn dated(
        status: Status,
        received: NaiveDate,
        due: NaiveDate,
        ended: Option<NaiveDate>,
    ) -> Dossier {
        Dossier {
            unit: 0,
            level: Level::Xa,
            domain: 0,
            status,
            channel: Channel::Online,
            received: Some(received),
            due: Some(due),
            ended,
            online_service: Tri::Yes,
            digitised_in: Tri::Yes,
            digitised_out: Tri::Yes,
            fee: Tri::No,
            paid_online: Tri::No,
        }
    }
}
