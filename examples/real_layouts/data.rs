//! The dossiers of `tests/fixtures/real/`: one province (Thanh Hóa, unit
//! codes `…H56`) in the two-level model — three provincial units and five
//! communes and wards —, as their one-stop systems held them on 05/11/2023
//! 09:07 when the exports were made, for the period 01/10/2023–31/10/2023.
//!
//! Every date is Vietnam time (UTC+7), as the systems show it; the writers
//! turn it into each layout's spelling (and into UTC for the `Z` variant).
//! The status is the national portal's code (SPEC §1.4, 1–10); each writer
//! spells it the way its system does.
//!
//! Shared by the generator (`examples/real_layouts/main.rs`) and the
//! acceptance test (`tests/real_layouts.rs`), which works the figures out of
//! these values on its own. Deterministic: a seeded PRNG, and the boundary
//! cases written out by hand in [`hand_written`].
#![allow(dead_code)]

use crate::common::{Rng, add_workdays, any_time, due_for, next_workday, office_time};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use std::collections::BTreeMap;

const SEED: u64 = 20_231_105;
/// Dossiers drawn at random, besides the hand-written ones.
const RANDOM: usize = 300;

pub fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

pub fn at(y: i32, m: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
    ymd(y, m, d).and_hms_opt(h, mi, 0).expect("valid time")
}

/// The period the fixtures are made for: `--from 01/10/2023 --to 31/10/2023`.
pub fn period() -> (NaiveDate, NaiveDate) {
    (ymd(2023, 10, 1), ymd(2023, 10, 31))
}

/// When the exports were made (Tân Dân's file name says 5_11_2023 9_7).
pub fn snapshot() -> NaiveDateTime {
    at(2023, 11, 5, 9, 7)
}

// ---------------------------------------------------------------- units

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cap {
    Tinh,
    Xa,
}

impl Cap {
    pub fn code(self) -> &'static str {
        match self {
            Cap::Tinh => "tinh",
            Cap::Xa => "xa",
        }
    }
}

pub struct Unit {
    pub ten: &'static str,
    /// The level SPEC §2's name rules give this name (no layout has a
    /// level column).
    pub cap: Cap,
    /// Unit code, the prefix of its dossier codes.
    pub ma: &'static str,
    pub weight: u32,
    /// Address part for the applicants of a commune.
    pub dia_ban: &'static str,
}

const fn unit(
    ten: &'static str,
    cap: Cap,
    ma: &'static str,
    weight: u32,
    dia_ban: &'static str,
) -> Unit {
    Unit {
        ten,
        cap,
        ma,
        weight,
        dia_ban,
    }
}

/// Names chosen for SPEC §2's rules: `Văn phòng Đăng ký đất đai tỉnh` is
/// provincial although it holds "phòng"; `Phường …` and the ward's service
/// centre are communes; `Ủy ban nhân dân` reads as `UBND`.
pub const UNITS: [Unit; 8] = [
    unit(
        "Văn phòng Đăng ký đất đai tỉnh Thanh Hóa",
        Cap::Tinh,
        "000.00.22.H56",
        30,
        "",
    ),
    unit(
        "Sở Tư pháp tỉnh Thanh Hóa",
        Cap::Tinh,
        "000.00.19.H56",
        12,
        "",
    ),
    unit(
        "Trung tâm Phục vụ hành chính công tỉnh Thanh Hóa",
        Cap::Tinh,
        "000.00.01.H56",
        22,
        "",
    ),
    unit(
        "UBND xã Đông Tiến",
        Cap::Xa,
        "000.20.30.H56",
        45,
        "xã Đông Tiến, huyện Đông Sơn",
    ),
    unit(
        "Ủy ban nhân dân xã Quảng Phú",
        Cap::Xa,
        "000.35.31.H56",
        35,
        "xã Quảng Phú, thành phố Thanh Hóa",
    ),
    unit(
        "Phường Điện Biên",
        Cap::Xa,
        "000.01.30.H56",
        55,
        "phường Điện Biên, thành phố Thanh Hóa",
    ),
    unit(
        "UBND thị trấn Rừng Thông",
        Cap::Xa,
        "000.20.31.H56",
        30,
        "thị trấn Rừng Thông, huyện Đông Sơn",
    ),
    unit(
        "Trung tâm Phục vụ hành chính công phường Hạc Thành",
        Cap::Xa,
        "000.01.40.H56",
        40,
        "phường Hạc Thành, thành phố Thanh Hóa",
    ),
];

/// Indexes in [`UNITS`].
pub mod u {
    pub const VPDKDD: usize = 0;
    pub const STP: usize = 1;
    pub const TTPVHCC: usize = 2;
    pub const DONG_TIEN: usize = 3;
    pub const QUANG_PHU: usize = 4;
    pub const DIEN_BIEN: usize = 5;
    pub const RUNG_THONG: usize = 6;
    pub const HAC_THANH: usize = 7;
}

// ---------------------------------------------------------------- procedures

pub struct Proc {
    pub ma: &'static str,
    pub ten: &'static str,
    pub linh_vuc: &'static str,
    /// The provincial unit that handles it; `None`: every commune.
    pub don_vi: Option<usize>,
    /// Statutory time limit in working days.
    pub ngay: u32,
    /// Carries a fee or charge.
    pub phi: bool,
    pub weight: u32,
}

#[allow(clippy::too_many_arguments)]
const fn p(
    ma: &'static str,
    ten: &'static str,
    linh_vuc: &'static str,
    don_vi: Option<usize>,
    ngay: u32,
    phi: bool,
    weight: u32,
) -> Proc {
    Proc {
        ma,
        ten,
        linh_vuc,
        don_vi,
        ngay,
        phi,
        weight,
    }
}

pub const PROCS: [Proc; 16] = [
    p(
        "1.004221",
        "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do thay đổi thông tin về người được cấp Giấy chứng nhận",
        "Đất đai",
        Some(u::VPDKDD),
        10,
        true,
        8,
    ),
    p(
        "1.002273",
        "Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất",
        "Đăng ký biện pháp bảo đảm",
        Some(u::VPDKDD),
        1,
        true,
        10,
    ),
    p(
        "1.004193",
        "Cung cấp dữ liệu đất đai",
        "Đất đai",
        Some(u::VPDKDD),
        3,
        true,
        3,
    ),
    p(
        "2.001417",
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam",
        "Lý lịch tư pháp",
        Some(u::STP),
        10,
        true,
        10,
    ),
    p(
        "1.001944",
        "Thủ tục cấp lại Thẻ công chứng viên",
        "Công chứng",
        Some(u::STP),
        5,
        false,
        1,
    ),
    p(
        "2.001610",
        "Đăng ký thành lập doanh nghiệp tư nhân",
        "Thành lập và hoạt động doanh nghiệp",
        Some(u::TTPVHCC),
        3,
        true,
        6,
    ),
    p(
        "1.002809",
        "Cấp đổi giấy phép lái xe do ngành Giao thông vận tải cấp",
        "Đường bộ",
        Some(u::TTPVHCC),
        5,
        true,
        9,
    ),
    p(
        "1.001193",
        "Thủ tục đăng ký khai sinh",
        "Hộ tịch",
        None,
        1,
        false,
        30,
    ),
    p(
        "1.000894",
        "Thủ tục đăng ký kết hôn",
        "Hộ tịch",
        None,
        1,
        false,
        8,
    ),
    p(
        "1.000656",
        "Thủ tục đăng ký khai tử",
        "Hộ tịch",
        None,
        1,
        false,
        8,
    ),
    p(
        "1.004873",
        "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
        "Hộ tịch",
        None,
        3,
        true,
        15,
    ),
    p(
        "2.000815",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam cấp hoặc chứng nhận",
        "Chứng thực",
        None,
        1,
        true,
        35,
    ),
    p(
        "2.001035",
        "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất và nhà ở",
        "Chứng thực",
        None,
        2,
        true,
        6,
    ),
    p(
        "1.010826",
        "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ",
        "Người có công",
        None,
        12,
        false,
        3,
    ),
    p(
        "2.000381",
        "Thủ tục hòa giải tranh chấp đất đai",
        "Đất đai",
        None,
        45,
        false,
        2,
    ),
    p(
        "1.001055",
        "Thủ tục đăng ký hoạt động tín ngưỡng",
        "Tín ngưỡng, tôn giáo",
        None,
        15,
        false,
        2,
    ),
];

/// Indexes of a few procedures in [`PROCS`], for the hand-written cases.
pub mod pr {
    pub const BIEN_DONG: usize = 0;
    pub const THE_CHAP: usize = 1;
    pub const LY_LICH: usize = 3;
    pub const DOANH_NGHIEP: usize = 5;
    pub const GPLX: usize = 6;
    pub const KHAI_SINH: usize = 7;
    pub const KET_HON: usize = 8;
    pub const HON_NHAN: usize = 10;
    pub const BAN_SAO: usize = 11;
    pub const HOP_DONG: usize = 12;
    pub const THO_CUNG: usize = 13;
    pub const HOA_GIAI: usize = 14;
}

pub fn procs_of(unit: usize) -> Vec<usize> {
    (0..PROCS.len())
        .filter(|&i| match PROCS[i].don_vi {
            Some(d) => d == unit,
            None => UNITS[unit].cap == Cap::Xa,
        })
        .collect()
}

// ---------------------------------------------------------------- dossiers

/// Channel, as the national portal codes it (`KenhThucHien`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kenh {
    /// 1
    TrucTiep,
    /// 2
    TrucTuyen,
    /// 3
    BuuChinh,
}

impl Kenh {
    pub fn code(self) -> u8 {
        match self {
            Kenh::TrucTiep => 1,
            Kenh::TrucTuyen => 2,
            Kenh::BuuChinh => 3,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Dossier {
    pub ma: String,
    pub unit: usize,
    pub proc: usize,
    /// The national portal's status code, 1–10 (SPEC §1.4).
    pub trang_thai: u8,
    /// Picks one of a system's spellings of that status.
    pub bien_the: u8,
    pub kenh: Kenh,
    /// Submitted (Tân Dân's `Ngày nộp hồ sơ`).
    pub nop: NaiveDateTime,
    /// Received; `None` for a dossier not received.
    pub nhan: Option<NaiveDateTime>,
    /// Due; `None`: no due date.
    pub hen: Option<NaiveDateTime>,
    /// Processing ended (resolved, returned, withdrawn).
    pub ket_thuc: Option<NaiveDateTime>,
    /// Result handed over.
    pub tra: Option<NaiveDateTime>,
    /// The sync record leaves `NgayKetThucXuLy` empty: `NgayTra` (the
    /// same time) stands in for it (SPEC §1.4).
    pub chi_ngay_tra: bool,
    /// Papers digitised at intake (`HoSoCoThanhPhanSoHoa`).
    pub so_hoa: bool,
    /// `DuocThanhToanTrucTuyen`: 0 no fee asked, 1 paid online on the
    /// national portal, 2 paid through the province's gateway, 3 a fee
    /// asked and not paid online.
    pub thanh_toan: u8,
    pub nguoi_nop: String,
    pub chu_ho_so: String,
    pub dia_chi: String,
    /// Why a hand-written case is there.
    pub ghi_chu: Option<&'static str>,
}

impl Dossier {
    pub fn unit(&self) -> &'static Unit {
        &UNITS[self.unit]
    }
    pub fn proc(&self) -> &'static Proc {
        &PROCS[self.proc]
    }
    pub fn received(&self) -> bool {
        !matches!(self.trang_thai, 1 | 3)
    }
}

const HO: [&str; 10] = [
    "Nguyễn", "Lê", "Trịnh", "Lê", "Hoàng", "Phạm", "Đỗ", "Mai", "Vũ", "Hà",
];
const DEM: [&str; 8] = ["Văn", "Thị", "Đình", "Xuân", "Thị", "Ngọc", "Quang", "Minh"];
const TEN: [&str; 16] = [
    "An", "Bình", "Cường", "Dung", "Giang", "Hải", "Hằng", "Hưng", "Lan", "Long", "Mai", "Nam",
    "Phương", "Sơn", "Thảo", "Tuấn",
];
/// Applicants that are companies: `&` and quotes, as real names have them.
const CONG_TY: [&str; 3] = [
    "Công ty TNHH Hải & Sơn",
    "Công ty CP Xây dựng \"Hàm Rồng\"",
    "Doanh nghiệp tư nhân Minh Đức <Chi nhánh 2>",
];
const THON: [&str; 6] = [
    "Thôn 3",
    "Thôn Nhuệ Sâm",
    "Khu phố 3 & 4",
    "Số 12 ngõ 5 đường Lê Lai",
    "Thôn Thịnh Trị",
    "Số 8 phố Trần Phú",
];
const NOI_KHAC: [&str; 3] = [
    "phường Đông Thọ, thành phố Thanh Hóa",
    "xã Thiệu Đô, huyện Thiệu Hóa",
    "thị trấn Hậu Lộc, huyện Hậu Lộc",
];

fn person(rng: &mut Rng) -> String {
    format!("{} {} {}", rng.pick(&HO), rng.pick(&DEM), rng.pick(&TEN))
}

fn address(rng: &mut Rng, unit: usize) -> String {
    let place = match UNITS[unit].dia_ban {
        "" => *rng.pick(&NOI_KHAC),
        p => p,
    };
    format!("{}, {}, tỉnh Thanh Hóa", rng.pick(&THON), place)
}

/// Dossier codes: `<unit code>-<yymmdd of submission>-<4-digit sequence>`.
#[derive(Default)]
struct Codes(BTreeMap<(usize, NaiveDate), u32>);

impl Codes {
    fn next(&mut self, unit: usize, day: NaiveDate) -> String {
        let n = self.0.entry((unit, day)).or_insert(0);
        *n += 1;
        format!("{}-{}-{:04}", UNITS[unit].ma, day.format("%y%m%d"), *n)
    }
}

/// Every dossier of the fixtures: the hand-written boundary cases first,
/// then the drawn ones.
pub fn dataset() -> Vec<Dossier> {
    let mut rng = Rng::new(SEED);
    let mut codes = Codes::default();
    let mut out = hand_written(&mut rng, &mut codes);
    for _ in 0..RANDOM {
        out.push(drawn(&mut rng, &mut codes));
    }
    out
}

/// A hand-written case: the values given, the people drawn.
#[allow(clippy::too_many_arguments)]
fn hand(
    rng: &mut Rng,
    codes: &mut Codes,
    unit: usize,
    proc: usize,
    kenh: Kenh,
    trang_thai: u8,
    nop: NaiveDateTime,
    nhan: Option<NaiveDateTime>,
    hen: Option<NaiveDateTime>,
    ket_thuc: Option<NaiveDateTime>,
    ghi_chu: &'static str,
) -> Dossier {
    let tra = (trang_thai == 10).then(|| ket_thuc.expect("an end") + Duration::minutes(20));
    let who = person(rng);
    Dossier {
        ma: codes.next(unit, nop.date()),
        unit,
        proc,
        trang_thai,
        bien_the: (rng.next_u64() % 4) as u8,
        kenh,
        nop,
        nhan,
        hen,
        ket_thuc,
        tra,
        chi_ngay_tra: false,
        so_hoa: true,
        thanh_toan: if PROCS[proc].phi { 2 } else { 0 },
        nguoi_nop: who.clone(),
        chu_ho_so: who,
        dia_chi: address(rng, unit),
        ghi_chu: Some(ghi_chu),
    }
}

/// The boundary cases, each with the reason it is there. Times are
/// Vietnam's: the night-time ones are those whose UTC date is the day
/// before, so that a reader taking the date in UTC gets other figures.
fn hand_written(rng: &mut Rng, codes: &mut Codes) -> Vec<Dossier> {
    use Kenh::*;
    use pr::*;
    use u::*;
    let mut v = Vec::new();
    let mut h = |unit, proc, kenh, tt, nop, nhan, hen, end, note| {
        v.push(hand(
            rng, codes, unit, proc, kenh, tt, nop, nhan, hen, end, note,
        ))
    };
    // -- received on the boundaries, at night (UTC: the day before)
    h(
        DIEN_BIEN,
        KHAI_SINH,
        TrucTuyen,
        10,
        at(2023, 10, 1, 0, 40),
        Some(at(2023, 10, 1, 0, 40)),
        Some(at(2023, 10, 2, 17, 0)),
        Some(at(2023, 10, 2, 9, 15)),
        "tiếp nhận 00:40 ngày 01/10 (UTC 30/09 17:40): trong kỳ, giải quyết trước hạn; đọc theo UTC thành kỳ trước",
    );
    h(
        HAC_THANH,
        HON_NHAN,
        TrucTuyen,
        4,
        at(2023, 10, 1, 6, 10),
        Some(at(2023, 10, 1, 6, 10)),
        Some(at(2023, 10, 5, 17, 0)),
        None,
        "tiếp nhận 06:10 ngày 01/10 (UTC 30/09 23:10), còn đang xử lý quá hạn: trong kỳ; đọc theo UTC thành kỳ trước",
    );
    h(
        VPDKDD,
        THE_CHAP,
        TrucTuyen,
        2,
        at(2023, 11, 1, 1, 30),
        Some(at(2023, 11, 1, 1, 30)),
        Some(at(2023, 11, 2, 17, 0)),
        None,
        "tiếp nhận 01:30 ngày 01/11 (UTC 31/10 18:30): sau kỳ, không tính; đọc theo UTC thành trong kỳ",
    );
    h(
        QUANG_PHU,
        BAN_SAO,
        TrucTuyen,
        9,
        at(2023, 11, 1, 5, 50),
        Some(at(2023, 11, 1, 5, 50)),
        Some(at(2023, 11, 2, 17, 0)),
        Some(at(2023, 11, 1, 8, 30)),
        "tiếp nhận 05:50 ngày 01/11 (UTC 31/10 22:50): sau kỳ; đọc theo UTC thành trong kỳ",
    );
    // -- ended on the boundaries, at night
    h(
        HAC_THANH,
        BAN_SAO,
        TrucTuyen,
        9,
        at(2023, 10, 30, 15, 0),
        Some(at(2023, 10, 30, 15, 5)),
        Some(at(2023, 11, 1, 15, 5)),
        Some(at(2023, 11, 1, 3, 0)),
        "kết thúc 03:00 ngày 01/11 (UTC 31/10 20:00): cuối kỳ còn đang giải quyết trong hạn; đọc theo UTC thành đã giải quyết",
    );
    h(
        TTPVHCC,
        GPLX,
        TrucTiep,
        10,
        at(2023, 9, 28, 10, 0),
        Some(at(2023, 9, 28, 10, 0)),
        Some(at(2023, 10, 5, 10, 0)),
        Some(at(2023, 10, 1, 5, 0)),
        "tiếp nhận 28/09, kết thúc 05:00 ngày 01/10 (UTC 30/09 22:00): kỳ trước chuyển sang, giải quyết trước hạn; đọc theo UTC thành đã xong trước kỳ",
    );
    h(
        STP,
        LY_LICH,
        TrucTuyen,
        10,
        at(2023, 9, 20, 9, 0),
        Some(at(2023, 9, 20, 9, 30)),
        Some(at(2023, 10, 4, 9, 30)),
        Some(at(2023, 10, 1, 2, 15)),
        "tiếp nhận 20/09, kết thúc 02:15 ngày 01/10 (UTC 30/09 19:15): kỳ trước, trước hạn; đọc theo UTC thành đã xong trước kỳ",
    );
    // -- due on a boundary at night
    h(
        DONG_TIEN,
        HON_NHAN,
        TrucTiep,
        10,
        at(2023, 10, 10, 8, 0),
        Some(at(2023, 10, 10, 8, 0)),
        Some(at(2023, 10, 16, 0, 0)),
        Some(at(2023, 10, 16, 10, 0)),
        "hẹn trả 00:00 ngày 16/10 (UTC 15/10 17:00), xong 10:00 ngày 16/10: đúng hạn; đọc theo UTC thành quá hạn",
    );
    h(
        VPDKDD,
        BIEN_DONG,
        TrucTiep,
        4,
        at(2023, 10, 17, 9, 0),
        Some(at(2023, 10, 17, 9, 0)),
        Some(at(2023, 10, 31, 5, 0)),
        None,
        "hẹn trả 05:00 ngày 31/10 (UTC 30/10 22:00), chưa xong: cuối kỳ trong hạn; đọc theo UTC thành quá hạn",
    );
    // -- calendar dates, not times of day
    h(
        RUNG_THONG,
        HOP_DONG,
        TrucTiep,
        10,
        at(2023, 10, 13, 10, 0),
        Some(at(2023, 10, 13, 10, 0)),
        Some(at(2023, 10, 17, 10, 0)),
        Some(at(2023, 10, 17, 16, 30)),
        "hẹn 10:00 ngày 17/10, xong 16:30 cùng ngày: đúng hạn (so ngày, không so giờ)",
    );
    h(
        DIEN_BIEN,
        HON_NHAN,
        TrucTuyen,
        9,
        at(2023, 10, 17, 14, 0),
        Some(at(2023, 10, 17, 14, 20)),
        Some(at(2023, 10, 20, 17, 0)),
        Some(at(2023, 10, 20, 8, 5)),
        "hẹn 17:00 ngày 20/10, xong 08:05 cùng ngày: đúng hạn, không phải trước hạn",
    );
    h(
        TTPVHCC,
        DOANH_NGHIEP,
        TrucTuyen,
        10,
        at(2023, 10, 31, 15, 40),
        Some(at(2023, 10, 31, 16, 0)),
        Some(at(2023, 11, 3, 16, 0)),
        Some(at(2023, 10, 31, 16, 45)),
        "tiếp nhận và xong ngày 31/10 (cuối kỳ): trong kỳ, trước hạn",
    );
    // -- no due date
    h(
        DONG_TIEN,
        HOA_GIAI,
        TrucTiep,
        10,
        at(2023, 10, 9, 9, 0),
        Some(at(2023, 10, 9, 9, 0)),
        None,
        Some(at(2023, 10, 27, 15, 0)),
        "không có ngày hẹn trả, đã xong: đúng hạn",
    );
    h(
        HAC_THANH,
        HOA_GIAI,
        TrucTiep,
        4,
        at(2023, 9, 25, 9, 0),
        Some(at(2023, 9, 25, 9, 0)),
        None,
        None,
        "không có ngày hẹn trả, chưa xong: kỳ trước, đang giải quyết trong hạn",
    );
    // -- in progress on the period's end
    h(
        QUANG_PHU,
        THO_CUNG,
        TrucTiep,
        4,
        at(2023, 10, 13, 9, 0),
        Some(at(2023, 10, 13, 9, 0)),
        Some(at(2023, 10, 31, 9, 0)),
        None,
        "hẹn trả đúng ngày cuối kỳ 31/10, chưa xong: trong hạn",
    );
    h(
        DONG_TIEN,
        THO_CUNG,
        BuuChinh,
        2,
        at(2023, 10, 12, 10, 0),
        Some(at(2023, 10, 12, 10, 0)),
        Some(at(2023, 10, 30, 10, 0)),
        None,
        "hẹn trả 30/10, chưa xong: đang giải quyết quá hạn (nộp qua bưu chính)",
    );
    h(
        STP,
        LY_LICH,
        BuuChinh,
        9,
        at(2023, 10, 20, 9, 0),
        Some(at(2023, 10, 20, 9, 0)),
        Some(at(2023, 11, 3, 9, 0)),
        Some(at(2023, 11, 2, 10, 0)),
        "xong 02/11 (sau kỳ): cuối kỳ còn đang giải quyết trong hạn",
    );
    // -- paused, carried over
    h(
        DIEN_BIEN,
        HON_NHAN,
        TrucTiep,
        5,
        at(2023, 9, 15, 9, 0),
        Some(at(2023, 9, 15, 9, 0)),
        Some(at(2023, 9, 20, 9, 0)),
        None,
        "tiếp nhận 15/09, đang chờ bổ sung: kỳ trước, tạm dừng",
    );
    h(
        VPDKDD,
        BIEN_DONG,
        TrucTuyen,
        6,
        at(2023, 9, 21, 14, 0),
        Some(at(2023, 9, 21, 15, 0)),
        Some(at(2023, 10, 5, 15, 0)),
        None,
        "tiếp nhận 21/09, chờ thực hiện nghĩa vụ tài chính: kỳ trước, tạm dừng",
    );
    // -- withdrawn and returned
    h(
        RUNG_THONG,
        KET_HON,
        TrucTiep,
        7,
        at(2023, 10, 30, 9, 0),
        Some(at(2023, 10, 30, 9, 0)),
        Some(at(2023, 10, 31, 9, 0)),
        Some(at(2023, 10, 31, 23, 0)),
        "rút hồ sơ 23:00 ngày 31/10: rút trong kỳ",
    );
    h(
        HAC_THANH,
        BAN_SAO,
        TrucTuyen,
        7,
        at(2023, 10, 31, 10, 0),
        Some(at(2023, 10, 31, 10, 0)),
        Some(at(2023, 11, 1, 10, 0)),
        Some(at(2023, 11, 1, 8, 0)),
        "rút hồ sơ 01/11 (sau kỳ): cuối kỳ còn đang giải quyết",
    );
    h(
        STP,
        LY_LICH,
        TrucTiep,
        7,
        at(2023, 10, 9, 14, 0),
        Some(at(2023, 10, 9, 14, 0)),
        Some(at(2023, 10, 23, 14, 0)),
        Some(at(2023, 10, 12, 9, 30)),
        "công dân xin rút hồ sơ ngày 12/10: rút trong kỳ (cấp tỉnh)",
    );
    h(
        TTPVHCC,
        GPLX,
        TrucTiep,
        8,
        at(2023, 9, 29, 10, 0),
        Some(at(2023, 9, 29, 10, 0)),
        Some(at(2023, 10, 6, 10, 0)),
        Some(at(2023, 10, 2, 9, 0)),
        "tiếp nhận 29/09, trả lại 02/10 (không đủ điều kiện): kỳ trước, trả lại",
    );
    h(
        QUANG_PHU,
        HOP_DONG,
        TrucTiep,
        8,
        at(2023, 10, 18, 10, 0),
        Some(at(2023, 10, 18, 10, 0)),
        Some(at(2023, 10, 20, 10, 0)),
        Some(at(2023, 10, 19, 14, 0)),
        "trả lại trong kỳ",
    );
    // -- ended before the period, received after it
    h(
        DIEN_BIEN,
        BAN_SAO,
        TrucTiep,
        10,
        at(2023, 9, 29, 9, 0),
        Some(at(2023, 9, 29, 9, 0)),
        Some(at(2023, 10, 2, 9, 0)),
        Some(at(2023, 9, 30, 23, 59)),
        "xong 23:59 ngày 30/09: trước kỳ, không tính",
    );
    h(
        STP,
        LY_LICH,
        TrucTuyen,
        4,
        at(2023, 11, 2, 10, 0),
        Some(at(2023, 11, 2, 10, 0)),
        Some(at(2023, 11, 16, 10, 0)),
        None,
        "tiếp nhận 02/11: sau kỳ, không tính",
    );
    // -- late
    h(
        DONG_TIEN,
        THO_CUNG,
        TrucTiep,
        10,
        at(2023, 9, 12, 9, 0),
        Some(at(2023, 9, 12, 9, 0)),
        Some(at(2023, 9, 28, 9, 0)),
        Some(at(2023, 10, 3, 15, 0)),
        "tiếp nhận 12/09, hẹn 28/09, xong 03/10: kỳ trước, giải quyết quá hạn",
    );
    h(
        VPDKDD,
        BIEN_DONG,
        TrucTuyen,
        10,
        at(2023, 10, 2, 8, 0),
        Some(at(2023, 10, 2, 8, 0)),
        Some(at(2023, 10, 16, 8, 0)),
        Some(at(2023, 10, 17, 8, 0)),
        "hẹn 16/10, xong 17/10: giải quyết quá hạn một ngày",
    );
    // -- not received
    h(
        HAC_THANH,
        KHAI_SINH,
        TrucTuyen,
        1,
        at(2023, 10, 30, 21, 0),
        None,
        None,
        None,
        "mới đăng ký trực tuyến, chưa tiếp nhận: không tính",
    );
    h(
        VPDKDD,
        THE_CHAP,
        TrucTuyen,
        3,
        at(2023, 10, 12, 10, 0),
        None,
        None,
        None,
        "không được tiếp nhận: không tính",
    );
    // -- the sync record gives only NgayTra
    h(
        RUNG_THONG,
        BAN_SAO,
        TrucTiep,
        10,
        at(2023, 10, 24, 9, 0),
        Some(at(2023, 10, 24, 9, 0)),
        Some(at(2023, 10, 25, 9, 0)),
        Some(at(2023, 10, 24, 15, 0)),
        "bản đồng bộ để trống NgayKetThucXuLy, NgayTra thay (SPEC §1.4)",
    );
    if let Some(last) = v.last_mut() {
        last.tra = last.ket_thuc;
        last.chi_ngay_tra = true;
    }
    v
}

/// One dossier drawn at random.
fn drawn(rng: &mut Rng, codes: &mut Codes) -> Dossier {
    let weights: Vec<u32> = UNITS.iter().map(|u| u.weight).collect();
    let unit = rng.weighted(&weights);
    let procs = procs_of(unit);
    let pw: Vec<u32> = procs.iter().map(|&i| PROCS[i].weight).collect();
    let proc = procs[rng.weighted(&pw)];
    let xa = UNITS[unit].cap == Cap::Xa;
    let kenh = match rng.weighted(if xa { &[70, 27, 3] } else { &[50, 40, 10] }) {
        0 => Kenh::TrucTuyen,
        1 => Kenh::TrucTiep,
        _ => Kenh::BuuChinh,
    };
    let (s, _) = period();
    // Most in the period, the rest from mid-August to the export.
    let day = s + Duration::days(if rng.chance(0.6) {
        rng.range(0, 30)
    } else {
        rng.range(-50, 33)
    });
    let nop = if kenh == Kenh::TrucTuyen {
        day.and_time(any_time(rng))
    } else {
        next_workday(day).and_time(office_time(rng))
    };
    let nop = nop.min(snapshot() - Duration::hours(30));
    // Online dossiers are received when an officer takes them in.
    let nhan = if kenh == Kenh::TrucTuyen && rng.chance(0.7) {
        let d = add_workdays(nop.date(), rng.below(2) as u32);
        let t = office_time(rng);
        let r = d.and_time(t);
        if r < nop {
            nop + Duration::minutes(15)
        } else {
            r
        }
    } else {
        nop
    };
    let p = &PROCS[proc];
    let hen = (p.ngay > 0).then(|| due_for(nhan, p.ngay));
    let who = person(rng);
    let nguoi_nop = if rng.chance(0.05) {
        rng.pick(&CONG_TY).to_string()
    } else if rng.chance(0.15) {
        person(rng)
    } else {
        who.clone()
    };
    let mut d = Dossier {
        ma: codes.next(unit, nop.date()),
        unit,
        proc,
        trang_thai: 4,
        bien_the: (rng.next_u64() % 4) as u8,
        kenh,
        nop,
        nhan: Some(nhan),
        hen,
        ket_thuc: None,
        tra: None,
        chi_ngay_tra: false,
        so_hoa: rng.chance(if xa { 0.9 } else { 0.75 }),
        thanh_toan: 0,
        nguoi_nop,
        chu_ho_so: who,
        dia_chi: address(rng, unit),
        ghi_chu: None,
    };
    if p.phi {
        d.thanh_toan = if kenh == Kenh::TrucTuyen && rng.chance(0.8) {
            1 + rng.below(2) as u8
        } else {
            3
        };
    }
    if nhan > snapshot() - Duration::hours(40) || rng.chance(0.03) {
        // Not taken in (yet), or refused.
        d.trang_thai = if rng.chance(0.5) { 1 } else { 3 };
        d.nhan = None;
        d.hen = None;
        return d;
    }
    let old = (snapshot() - nhan).num_days() > 25;
    let open = if old { [1, 1] } else { [14, 6] };
    let outcome = rng.weighted(&[72, open[0], open[1], 3, 5]);
    let end = match outcome {
        0 => resolution(rng, nhan, hen),
        3 | 4 => nhan + Duration::hours(rng.range(20, 24 * 6)),
        _ => {
            d.trang_thai = if outcome == 1 {
                *rng.pick(&[2, 4, 4])
            } else {
                *rng.pick(&[5, 5, 6])
            };
            return d;
        }
    };
    if end >= snapshot() {
        d.trang_thai = 4;
        return d;
    }
    d.ket_thuc = Some(end);
    d.trang_thai = match outcome {
        3 => 7,
        4 => 8,
        _ => {
            let tra = end + Duration::minutes(rng.range(10, 3 * 24 * 60));
            if tra < snapshot() && rng.chance(0.8) {
                d.tra = Some(tra);
                if rng.chance(0.06) {
                    d.tra = Some(end);
                    d.chi_ngay_tra = true;
                }
                10
            } else {
                9
            }
        }
    };
    d
}

/// When a resolved dossier ended: mostly before its due date, some on the
/// day (at any hour), a few after.
fn resolution(rng: &mut Rng, nhan: NaiveDateTime, hen: Option<NaiveDateTime>) -> NaiveDateTime {
    let office = |rng: &mut Rng, day: NaiveDate| -> NaiveDateTime {
        let t = office_time(rng);
        day.and_time(t)
    };
    let Some(hen) = hen else {
        let k = rng.below(6) as u32;
        return office(rng, add_workdays(nhan.date(), k)).max(nhan);
    };
    let kind = rng.weighted(&[80, 12, 8]);
    let early_days = (hen.date() - nhan.date()).num_days();
    let end = match kind {
        0 if early_days >= 1 => {
            let day = nhan.date() + Duration::days(rng.below(early_days as u64) as i64);
            let t = if day == nhan.date() {
                NaiveTime::from_hms_opt(17, 30, 0).unwrap()
            } else {
                office_time(rng)
            };
            let e = day.and_time(t);
            if e <= nhan {
                nhan + Duration::minutes(40)
            } else {
                e
            }
        }
        0 | 1 => office(rng, hen.date()),
        _ => {
            let k = rng.below(5) as u32;
            office(rng, add_workdays(hen.date() + Duration::days(1), k))
        }
    };
    end.max(nhan + Duration::minutes(5))
}
