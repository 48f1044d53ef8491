//! `cctthc` turns the dossier exports of a province's one-stop software into
//! the figures of administrative-procedure reform (CCTTHC) and writes the
//! periodic report from a .docx template.
//!
//! The data flows one way, and the modules follow it (see
//! `ARCHITECTURE.md`): [`input`] reads exports into dossiers, [`scan`]
//! reads every file in one parallel pass, [`figures`] tallies the dossiers
//! for the periods [`period`] fixes, `dataset` holds the result, [`report`]
//! builds the analysis and the context and renders it with [`docx`], which
//! knows nothing of the rest. `vn` writes numbers and dates the Vietnamese
//! way; `config` reads `cctthc.toml`; [`cli`] is the command line; `windows`
//! holds the few Windows calls the standard library lacks.

pub(crate) mod atomic;
pub mod cli;
pub(crate) mod config;
pub(crate) mod dataset;
pub mod docx;
pub mod figures;
pub(crate) mod hash;
pub mod input;
pub mod period;
pub mod report;
pub mod scan;
pub(crate) mod text;
pub(crate) mod vn;
#[cfg(windows)]
pub(crate) mod windows;
