#![no_main]
//! Any bytes as a JSON export (an array, an iGate `{"content": [...]}`
//! wrapper, NDJSON), bare and inside a wrapper after a valid record.

mod common;

use libfuzzer_sys::fuzz_target;

const START: &[u8] = "{\"content\": [{\"code\": \"HS1\", \"agency\": {\"name\": \"UBND xã Ngọc Kỳ\"}, \"acceptedDate\": \"2023-11-01T08:00:00+0700\", \"appointmentDate\": null, \"dossierStatus\": {\"name\": \"Đang xử lý\"}},\n".as_bytes();

fuzz_target!(|data: &[u8]| {
    common::scan("x.json", data);
    let mut wrapped = START.to_vec();
    wrapped.extend_from_slice(data);
    common::scan("y.json", &wrapped);
});
