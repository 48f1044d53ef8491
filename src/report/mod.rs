//! From counted data to what a user reads: the figures object of `stats`,
//! and the context and rendering of reports.

pub mod data;

pub use data::{Dataset, Figures, PeriodFigures, PeriodInfo, Which};
