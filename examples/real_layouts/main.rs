//! Builds `tests/fixtures/real/`: one set of dossiers written in the
//! layouts real one-stop systems export (Tân Dân's HTML `.xls` and its
//! .xlsx re-save, OpenCPS's binary .xls report and its re-save, the
//! national portal's sync records as CSV, VNPT iGate's API as JSON, NDJSON
//! and an array, with +0700 and with UTC times).
//!
//! ```text
//! cargo run --example real_layouts [-- OUT_DIR]
//! ```
//!
//! Deterministic: the same bytes on every run. `tests/real_layouts.rs`
//! checks that the committed files are what this writes, then works the
//! SPEC §4 figures out of the same dossiers ([`data`]) on its own and
//! compares them with `cctthc stats` on each file.
//!
//! Self-contained: does not use the `cctthc` library.

#[path = "../common/mod.rs"]
mod common;

mod biff8;
mod data;
mod layouts;

use std::path::PathBuf;

fn main() {
    let out = std::env::args_os().nth(1).map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real"),
        PathBuf::from,
    );
    std::fs::create_dir_all(&out).expect("output folder");
    let ds = data::dataset();
    for (name, bytes) in layouts::files(&ds) {
        let path = out.join(name);
        std::fs::write(&path, &bytes)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        println!("{:>9} bytes  {}", bytes.len(), path.display());
    }
    println!("{}", layouts::census(&ds));
    println!("hand-written cases:");
    for d in ds.iter().filter(|d| d.ghi_chu.is_some()) {
        println!("  {}  {}", d.ma, d.ghi_chu.unwrap_or_default());
    }
}
