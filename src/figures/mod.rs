//! Counting dossiers into the figures of SPEC §4, in one pass, with tallies
//! that merge.

pub mod collect;
pub mod counts;
pub mod due;
pub mod ratio;
pub mod summary;
pub mod tally;
pub mod view;

pub use collect::{
    Accounting, Collector, Detail, Duplicates, KeepRule, Merged, Occurrence, RowPos, code_hash,
};
pub use counts::{Counts, Sign};
pub use ratio::{PerRatio, RatioKind};
pub use summary::{Percent, Ratio, Ratios, Summary};
pub use tally::{GroupKey, MonthIndex, Tally, UnitMonths, month_index, month_period};
pub use view::{ByLevel, DomainFigures, Snapshot, UnitFigures};
