//! From counted data to what a user reads: the per-unit analysis, the
//! figures object of `stats`, the overdue watch, and the context and
//! rendering of reports.

pub(crate) mod analysis;
pub(crate) mod chart;
pub(crate) mod chi_so;
pub(crate) mod context;
pub mod filters;
pub mod form;
pub(crate) mod late;
pub(crate) mod periods;
pub(crate) mod render;
pub(crate) mod stats;
pub(crate) mod templates;
pub(crate) mod watch;
pub(crate) mod workbook;

pub(crate) use context::Context;
pub(crate) use stats::Figures;
