//! From counted data to what a user reads: the figures object of `stats`,
//! and the context and rendering of reports.

pub mod analysis;
pub mod chart;
pub mod context;
pub mod data;
pub mod filters;
pub mod render;
pub mod templates;
pub mod watch;

pub use context::Context;
pub use data::{Dataset, Figures, PeriodFigures, PeriodInfo, Which};
