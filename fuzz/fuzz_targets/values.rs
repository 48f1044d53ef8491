#![no_main]
//! Any text in the value parsers.

use cctthc::input::{Field, values};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = values::date_bytes(data);
    let s = String::from_utf8_lossy(data);
    let _ = values::date(&s);
    let _ = values::amount(&s);
    let _ = values::channel(&s);
    let _ = values::level(&s);
    for f in [Field::Fee, Field::PaidOnline, Field::OnlineService] {
        let _ = values::yes_no(&s, f);
    }
    let _ = values::StatusRules::new(&[]).classify(&s);
    let _ = values::level_from_unit(&s);
});
