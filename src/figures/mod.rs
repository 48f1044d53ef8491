//! Counting dossiers into the figures of SPEC §4, in one pass, with tallies
//! that merge.

pub(crate) mod collect;
pub(crate) mod counting;
pub(crate) mod counts;
pub(crate) mod due;
pub(crate) mod index766;
pub(crate) mod ratio;
pub(crate) mod summary;
pub(crate) mod tally;
pub(crate) mod view;

pub use collect::{
    Accounting, CodeKey, Collector, Detail, KeepRule, Merged, Occurrence, Reading, RowPos,
    code_key, drop_merged_details, merge_readings,
};
pub use counting::Counting;
pub use counts::{Counts, Sign};
pub use ratio::{PerRatio, RatioKind};
pub use summary::{Percent, Ratio, Ratios, Summary};
pub use tally::{GroupCounts, GroupKey, MonthIndex, Tally, UnitMonths, month_index, month_period};
pub use view::{ByLevel, DomainFigures, Snapshot, UnitFigures};
