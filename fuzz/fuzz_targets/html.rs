#![no_main]
//! Any bytes as a "Xuất Excel" page: an HTML file named `.xls`, bare and
//! after the start of a valid table.

mod common;

use libfuzzer_sys::fuzz_target;

const TABLE: &[u8] = "<html><head><meta charset=\"utf-8\"></head><body><table>\n<tr><th>Mã hồ sơ</th><th>Đơn vị</th><th>Ngày tiếp nhận</th><th>Ngày hẹn trả</th><th>Trạng thái</th></tr>\n".as_bytes();

fuzz_target!(|data: &[u8]| {
    common::scan("x.xls", data);
    let mut page = TABLE.to_vec();
    page.extend_from_slice(data);
    common::scan("y.xls", &page);
});
