#![no_main]
//! Any bytes as a delimited export, bare and after a valid header.

mod common;

use libfuzzer_sys::fuzz_target;

const HEADER: &[u8] = b"ma_ho_so,don_vi,cap,kenh,ngay_tiep_nhan,ngay_hen_tra,ngay_ket_thuc,trang_thai,so_hoa_ho_so,phi_le_phi\n";

fuzz_target!(|data: &[u8]| {
    common::scan("x.csv", data);
    let mut with_header = HEADER.to_vec();
    with_header.extend_from_slice(data);
    common::scan("y.csv", &with_header);
});
