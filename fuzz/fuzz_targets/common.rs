//! Scanning bytes as a file of the given name, as the command line would.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use cctthc::input::Options;
use cctthc::period::Period;
use cctthc::scan::{Input, run};
use chrono::NaiveDate;

pub fn scan(name: &str, bytes: &[u8]) {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!("cctthc-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path: PathBuf = dir.join(format!("{}-{name}", N.fetch_add(1, Ordering::Relaxed) % 4));
    if std::fs::write(&path, bytes).is_err() {
        return;
    }
    let files = vec![path.clone()];
    let options = Options::default();
    let d = |m| NaiveDate::from_ymd_opt(2023, m, 1).unwrap_or_default();
    let periods = vec![Period { start: d(1), end: d(12) }, Period { start: d(6), end: d(7) }];
    let mut input = Input::new(&files, &options, &[], periods);
    // Small ranges, so range boundaries are exercised too.
    input.range_bytes = 97;
    input.threads = 2;
    let _ = run(&input, &mut |_| {}, &mut |_| {});
    let _ = std::fs::remove_file(&path);
}
