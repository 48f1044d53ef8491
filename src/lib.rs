//! `cctthc` turns the dossier exports of a province's one-stop software into
//! the figures of administrative-procedure reform (CCTTHC) and writes the
//! periodic report from a .docx template.
//!
//! The data flows one way, and the modules follow it:
//! [`input`] reads exports into dossiers, [`period`] fixes the dates,
//! [`figures`] tallies dossiers in one pass, [`report`] builds the context
//! and renders it with [`docx`]. [`vn`] writes numbers and dates the
//! Vietnamese way; [`config`] reads `cctthc.toml`; [`cli`] is the command line.

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
