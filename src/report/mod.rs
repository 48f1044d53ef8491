//! From counted data to what a user reads: the per-unit analysis, the
//! figures object of `stats`, the overdue watch, and the context and
//! rendering of reports.

pub mod analysis;
pub mod chart;
pub mod context;
pub mod filters;
pub mod late;
pub mod periods;
pub mod render;
pub mod stats;
pub mod templates;
pub mod watch;

pub use context::Context;
pub use periods::{PeriodFigures, PeriodInfo};
pub use stats::Figures;
