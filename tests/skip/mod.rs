//! A part of a test that cannot run here (not root, a tool missing): said
//! on stderr as `SKIPPED: reason`, and counted when `CCTTHC_SKIPPED` names
//! a file (`.ci/run` sets it and prints the count), so a test that could
//! not run never passes unseen.

use std::io::Write;

pub fn skipped(reason: &str) {
    eprintln!("SKIPPED: {reason}");
    if let Some(path) = std::env::var_os("CCTTHC_SKIPPED") {
        let test = std::thread::current().name().unwrap_or("?").to_string();
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = writeln!(f, "{test}: {reason}");
        }
    }
}
