#![no_main]
//! Any bytes as a spreadsheet.

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::scan("x.xlsx", data);
});
