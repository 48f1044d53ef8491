//! Shared by the data-making examples (`gen`, `sample`, `fixture_ref004`):
//! a small deterministic PRNG, the units and procedures of the district of
//! Tứ Kỳ (Hải Dương) as the 2023 reference documents name them, working-day
//! arithmetic, the value spellings of SPEC §1 and the text encoders the
//! exports come in. Self-contained on purpose: it never uses the `cctthc`
//! library, so the examples build while the library is being written.
#![allow(dead_code)]

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};
use unicode_normalization::UnicodeNormalization;

// ---------------------------------------------------------------- PRNG

/// splitmix64: tiny, fast, and good enough to make test data.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Index drawn with the given weights.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| w as u64).sum();
        let mut x = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if x < w as u64 {
                return i;
            }
            x -= w as u64;
        }
        weights.len() - 1
    }

    /// Fisher–Yates.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

// ---------------------------------------------------------------- units

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cap {
    Huyen,
    Xa,
}

impl Cap {
    pub fn code(self) -> &'static str {
        match self {
            Cap::Huyen => "huyen",
            Cap::Xa => "xa",
        }
    }
}

pub struct Unit {
    pub ten: &'static str,
    pub cap: Cap,
    /// Unit code of the province's system, the prefix of dossier codes.
    pub ma: &'static str,
    /// Relative volume of dossiers.
    pub weight: u32,
}

const fn u(ten: &'static str, cap: Cap, ma: &'static str, weight: u32) -> Unit {
    Unit {
        ten,
        cap,
        ma,
        weight,
    }
}

/// Index of the first commune in [`UNITS`].
pub const FIRST_XA: usize = 8;

/// The district's units: 8 at district level (huyện) and its 23 communes
/// and town (xã, thị trấn).
pub const UNITS: [Unit; 31] = [
    u("Phòng Tư pháp", Cap::Huyen, "000.01.23.H23", 60),
    u(
        "Phòng Tài nguyên và Môi trường",
        Cap::Huyen,
        "000.02.23.H23",
        20,
    ),
    u(
        "Phòng Tài chính - Kế hoạch",
        Cap::Huyen,
        "000.03.23.H23",
        40,
    ),
    u(
        "Phòng Lao động - Thương binh và Xã hội",
        Cap::Huyen,
        "000.04.23.H23",
        2,
    ),
    u("Phòng Kinh tế và Hạ tầng", Cap::Huyen, "000.05.23.H23", 8),
    u("Phòng Nội vụ", Cap::Huyen, "000.06.23.H23", 1),
    u(
        "Văn phòng HĐND và UBND huyện",
        Cap::Huyen,
        "000.07.23.H23",
        2,
    ),
    u(
        "Chi nhánh Văn phòng đăng ký đất đai huyện Tứ Kỳ",
        Cap::Huyen,
        "000.08.23.H23",
        25,
    ),
    u("UBND xã Ngọc Kỳ", Cap::Xa, "000.21.23.H23", 190),
    u("UBND xã Phượng Kỳ", Cap::Xa, "000.22.23.H23", 200),
    u("UBND xã Đại Sơn", Cap::Xa, "000.23.23.H23", 210),
    u("UBND xã Quang Trung", Cap::Xa, "000.24.23.H23", 230),
    u("UBND xã Hưng Đạo", Cap::Xa, "000.25.23.H23", 150),
    u("UBND xã Tái Sơn", Cap::Xa, "000.26.23.H23", 160),
    u("UBND xã An Thanh", Cap::Xa, "000.27.23.H23", 240),
    u("UBND xã Chí Minh", Cap::Xa, "000.28.23.H23", 180),
    u("UBND xã Quang Phục", Cap::Xa, "000.29.23.H23", 200),
    u("UBND xã Quảng Nghiệp", Cap::Xa, "000.30.23.H23", 170),
    u("UBND xã Nguyễn Giáp", Cap::Xa, "000.31.23.H23", 190),
    u("UBND xã Bình Lãng", Cap::Xa, "000.32.23.H23", 160),
    u("UBND xã Hà Kỳ", Cap::Xa, "000.33.23.H23", 150),
    u("UBND xã Cộng Lạc", Cap::Xa, "000.34.23.H23", 200),
    u("UBND xã Văn Tố", Cap::Xa, "000.35.23.H23", 180),
    u("UBND xã Tiên Động", Cap::Xa, "000.36.23.H23", 190),
    u("UBND xã Tân Kỳ", Cap::Xa, "000.37.23.H23", 170),
    u("UBND thị trấn Tứ Kỳ", Cap::Xa, "000.38.23.H23", 300),
    u("UBND xã Dân Chủ", Cap::Xa, "000.39.23.H23", 170),
    u("UBND xã Đại Đồng", Cap::Xa, "000.40.23.H23", 200),
    u("UBND xã Đại Hợp", Cap::Xa, "000.41.23.H23", 190),
    u("UBND xã Hà Thanh", Cap::Xa, "000.42.23.H23", 150),
    u("UBND xã Minh Đức", Cap::Xa, "000.43.23.H23", 180),
];

pub fn unit_index(ten: &str) -> usize {
    UNITS.iter().position(|u| u.ten == ten).expect("known unit")
}

// ---------------------------------------------------------------- procedures

/// How far a procedure is offered online (the `Mức độ DVC` column).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dvc {
    /// Fully online ("Toàn trình").
    ToanTrinh,
    /// Partly online ("Một phần").
    MotPhan,
    /// Information only: not an online public service.
    ThongTin,
}

impl Dvc {
    pub fn online(self) -> bool {
        self != Dvc::ThongTin
    }
}

pub struct Proc {
    pub ma: &'static str,
    pub ten: &'static str,
    pub linh_vuc: &'static str,
    pub cap: Cap,
    /// For district-level procedures, the unit (index in [`UNITS`]) that
    /// handles it; communes all handle every commune procedure.
    pub don_vi: usize,
    /// Fee in VND, 0 = none. Certified copies are charged per page.
    pub phi: u32,
    pub dvc: Dvc,
    /// Statutory time limit, working days.
    pub ngay: u32,
    pub weight: u32,
}

#[allow(clippy::too_many_arguments)]
const fn p(
    ma: &'static str,
    ten: &'static str,
    linh_vuc: &'static str,
    cap: Cap,
    don_vi: usize,
    phi: u32,
    dvc: Dvc,
    ngay: u32,
    weight: u32,
) -> Proc {
    Proc {
        ma,
        ten,
        linh_vuc,
        cap,
        don_vi,
        phi,
        dvc,
        ngay,
        weight,
    }
}

use Cap::{Huyen as H, Xa as X};
use Dvc::{MotPhan as MP, ThongTin as TT, ToanTrinh as TTr};

/// Procedure code of certified copies, charged per page.
pub const BAN_SAO: &str = "2.000815";

/// Procedures (codes as the national database numbers them; names
/// shortened as the one-stop software shows them).
pub const PROCS: [Proc; 44] = [
    // --- huyện: Phòng Tư pháp (0)
    p(
        BAN_SAO,
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam cấp hoặc chứng nhận",
        "Chứng thực",
        H,
        0,
        2000,
        TTr,
        1,
        30,
    ),
    p(
        "2.000884",
        "Chứng thực chữ ký trong các giấy tờ, văn bản",
        "Chứng thực",
        H,
        0,
        10000,
        MP,
        1,
        12,
    ),
    p(
        "2.000843",
        "Chứng thực chữ ký người dịch mà người dịch là cộng tác viên dịch thuật của Phòng Tư pháp",
        "Chứng thực",
        H,
        0,
        10000,
        MP,
        1,
        8,
    ),
    p(
        "1.004859",
        "Thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc",
        "Hộ tịch",
        H,
        0,
        28000,
        TTr,
        3,
        6,
    ),
    p(
        "1.001695",
        "Đăng ký khai sinh có yếu tố nước ngoài",
        "Hộ tịch",
        H,
        0,
        75000,
        MP,
        5,
        2,
    ),
    p(
        "1.000080",
        "Cấp bản sao Trích lục hộ tịch",
        "Hộ tịch",
        H,
        0,
        0,
        TTr,
        1,
        2,
    ),
    // --- huyện: Phòng Tài nguyên và Môi trường (1)
    p(
        "1.001990",
        "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền đối với hộ gia đình, cá nhân",
        "Đất đai",
        H,
        1,
        50000,
        MP,
        15,
        10,
    ),
    p(
        "1.004227",
        "Gia hạn sử dụng đất nông nghiệp của hộ gia đình, cá nhân khi hết thời hạn sử dụng đất",
        "Đất đai",
        H,
        1,
        0,
        MP,
        7,
        3,
    ),
    p(
        "1.010733",
        "Đăng ký môi trường",
        "Môi trường",
        H,
        1,
        0,
        TTr,
        10,
        2,
    ),
    // --- huyện: Phòng Tài chính - Kế hoạch (2)
    p(
        "2.000720",
        "Đăng ký thành lập hộ kinh doanh",
        "Đăng ký kinh doanh",
        H,
        2,
        100000,
        TTr,
        3,
        14,
    ),
    p(
        "2.000575",
        "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
        "Đăng ký kinh doanh",
        H,
        2,
        100000,
        TTr,
        3,
        8,
    ),
    p(
        "2.000599",
        "Tạm ngừng hoạt động hộ kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo",
        "Đăng ký kinh doanh",
        H,
        2,
        0,
        TTr,
        3,
        3,
    ),
    p(
        "1.001612",
        "Chấm dứt hoạt động hộ kinh doanh",
        "Đăng ký kinh doanh",
        H,
        2,
        0,
        TTr,
        3,
        2,
    ),
    // --- huyện: Phòng Lao động - Thương binh và Xã hội (3)
    p(
        "1.001758",
        "Tiếp nhận đối tượng bảo trợ xã hội có hoàn cảnh đặc biệt khó khăn vào cơ sở trợ giúp xã hội cấp tỉnh, cấp huyện",
        "Bảo trợ xã hội",
        H,
        3,
        0,
        MP,
        7,
        1,
    ),
    p(
        "1.010819",
        "Giải quyết hưởng chế độ ưu đãi đối với con đẻ của người hoạt động kháng chiến bị nhiễm chất độc hóa học",
        "Người có công",
        H,
        3,
        0,
        MP,
        15,
        1,
    ),
    // --- huyện: Phòng Kinh tế và Hạ tầng (4)
    p(
        "1.009994",
        "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        "Xây dựng",
        H,
        4,
        75000,
        MP,
        15,
        4,
    ),
    p(
        "1.009997",
        "Cấp giấy phép xây dựng sửa chữa, cải tạo đối với nhà ở riêng lẻ",
        "Xây dựng",
        H,
        4,
        75000,
        MP,
        15,
        2,
    ),
    p(
        "2.000633",
        "Cấp Giấy phép bán lẻ rượu",
        "Lưu thông hàng hóa trong nước",
        H,
        4,
        400000,
        TTr,
        10,
        1,
    ),
    // --- huyện: Phòng Nội vụ (5)
    p(
        "1.000775",
        "Thủ tục tặng Giấy khen của Chủ tịch UBND cấp huyện về thực hiện nhiệm vụ chính trị",
        "Thi đua - Khen thưởng",
        H,
        5,
        0,
        MP,
        20,
        1,
    ),
    // --- huyện: Văn phòng HĐND và UBND huyện (6)
    p(
        "2.002227",
        "Thủ tục cung cấp thông tin theo yêu cầu",
        "Tiếp cận thông tin",
        H,
        6,
        0,
        MP,
        10,
        1,
    ),
    // --- huyện: Chi nhánh Văn phòng đăng ký đất đai (7)
    p(
        "1.003010",
        "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do chuyển nhượng, tặng cho, thừa kế",
        "Đất đai",
        H,
        7,
        50000,
        MP,
        10,
        8,
    ),
    p(
        "1.005194",
        "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất",
        "Đất đai",
        H,
        7,
        50000,
        MP,
        7,
        3,
    ),
    p(
        "1.002273",
        "Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất",
        "Đăng ký biện pháp bảo đảm",
        H,
        7,
        80000,
        TTr,
        1,
        8,
    ),
    p(
        "1.002246",
        "Xóa đăng ký biện pháp bảo đảm bằng quyền sử dụng đất, tài sản gắn liền với đất",
        "Đăng ký biện pháp bảo đảm",
        H,
        7,
        20000,
        TTr,
        1,
        5,
    ),
    // --- xã
    p(
        "1.001193",
        "Thủ tục đăng ký khai sinh",
        "Hộ tịch",
        X,
        0,
        0,
        TTr,
        1,
        60,
    ),
    p(
        "1.000894",
        "Thủ tục đăng ký kết hôn",
        "Hộ tịch",
        X,
        0,
        0,
        MP,
        1,
        15,
    ),
    p(
        "1.000656",
        "Thủ tục đăng ký khai tử",
        "Hộ tịch",
        X,
        0,
        0,
        TTr,
        1,
        18,
    ),
    p(
        "1.004873",
        "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
        "Hộ tịch",
        X,
        0,
        3000,
        TTr,
        3,
        40,
    ),
    p(
        "2.000635",
        "Thủ tục cấp bản sao Trích lục hộ tịch",
        "Hộ tịch",
        X,
        0,
        8000,
        TTr,
        1,
        30,
    ),
    p(
        "1.001022",
        "Thủ tục đăng ký nhận cha, mẹ, con",
        "Hộ tịch",
        X,
        0,
        10000,
        MP,
        3,
        3,
    ),
    p(
        "1.004746",
        "Thủ tục thay đổi, cải chính, bổ sung thông tin hộ tịch",
        "Hộ tịch",
        X,
        0,
        10000,
        TTr,
        3,
        6,
    ),
    p(
        "1.004884",
        "Thủ tục đăng ký lại khai sinh",
        "Hộ tịch",
        X,
        0,
        5000,
        MP,
        5,
        3,
    ),
    p(
        BAN_SAO,
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam cấp hoặc chứng nhận",
        "Chứng thực",
        X,
        0,
        2000,
        TTr,
        1,
        200,
    ),
    p(
        "2.000884",
        "Chứng thực chữ ký trong các giấy tờ, văn bản",
        "Chứng thực",
        X,
        0,
        10000,
        MP,
        1,
        25,
    ),
    p(
        "2.001035",
        "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất và nhà ở",
        "Chứng thực",
        X,
        0,
        50000,
        MP,
        2,
        20,
    ),
    p(
        "2.001019",
        "Chứng thực văn bản thỏa thuận phân chia di sản mà di sản là động sản, quyền sử dụng đất, nhà ở",
        "Chứng thực",
        X,
        0,
        50000,
        MP,
        2,
        5,
    ),
    p(
        "2.001016",
        "Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch",
        "Chứng thực",
        X,
        0,
        30000,
        MP,
        2,
        3,
    ),
    p(
        "1.001776",
        "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng, hỗ trợ kinh phí chăm sóc, nuôi dưỡng hàng tháng",
        "Bảo trợ xã hội",
        X,
        0,
        0,
        MP,
        20,
        8,
    ),
    p(
        "1.010826",
        "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ",
        "Người có công",
        X,
        0,
        0,
        MP,
        12,
        3,
    ),
    p(
        "1.010823",
        "Giải quyết chế độ mai táng phí đối với người có công với cách mạng",
        "Người có công",
        X,
        0,
        0,
        MP,
        12,
        5,
    ),
    p(
        "1.000748",
        "Thủ tục tặng Giấy khen của Chủ tịch UBND cấp xã về thực hiện nhiệm vụ chính trị",
        "Thi đua - Khen thưởng",
        X,
        0,
        0,
        MP,
        20,
        2,
    ),
    p(
        "2.000381",
        "Thủ tục hòa giải tranh chấp đất đai",
        "Đất đai",
        X,
        0,
        0,
        TT,
        45,
        3,
    ),
    p(
        "1.000954",
        "Thủ tục xét tặng danh hiệu Gia đình văn hóa hằng năm",
        "Văn hóa cơ sở",
        X,
        0,
        0,
        TT,
        5,
        3,
    ),
    p(
        "2.000930",
        "Thủ tục thực hiện hỗ trợ khi hòa giải viên gặp tai nạn hoặc rủi ro ảnh hưởng đến sức khỏe, tính mạng",
        "Phổ biến giáo dục pháp luật",
        X,
        0,
        0,
        TT,
        3,
        1,
    ),
];

/// Indices of the procedures a unit handles.
pub fn procs_of_unit(unit: usize) -> Vec<usize> {
    let cap = UNITS[unit].cap;
    (0..PROCS.len())
        .filter(|&i| PROCS[i].cap == cap && (cap == Cap::Xa || PROCS[i].don_vi == unit))
        .collect()
}

/// The fee of one dossier: certified copies cost per page.
pub fn fee_amount(proc: &Proc, rng: &mut Rng) -> u32 {
    if proc.ma == BAN_SAO {
        proc.phi * rng.range(1, 8) as u32
    } else {
        proc.phi
    }
}

// ---------------------------------------------------------------- dates

pub fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

pub fn dt(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
    ymd(y, m, d).and_hms_opt(h, mi, s).expect("valid time")
}

/// Public holidays of 2023 (with the days off moved around them); other
/// years get the fixed-date holidays only.
pub fn is_holiday(d: NaiveDate) -> bool {
    let (y, m, dd) = (d.year(), d.month(), d.day());
    if y == 2023 {
        return matches!(
            (m, dd),
            (1, 2) | (1, 20..=26) | (4, 29) | (4, 30) | (5, 1..=3) | (9, 1..=4)
        );
    }
    matches!((m, dd), (1, 1) | (4, 30) | (5, 1) | (9, 2))
}

pub fn is_workday(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !is_holiday(d)
}

pub fn next_workday(mut d: NaiveDate) -> NaiveDate {
    while !is_workday(d) {
        d += Duration::days(1);
    }
    d
}

/// `k` working days after `d` (k = 0: the next working day on or after d).
pub fn add_workdays(d: NaiveDate, k: u32) -> NaiveDate {
    let mut d = next_workday(d);
    for _ in 0..k {
        d = next_workday(d + Duration::days(1));
    }
    d
}

/// The due date of a dossier received at `r` for a procedure of `k` working
/// days: counted from the next working day when it came outside office
/// hours; due at the same time of day, or 17:00.
pub fn due_for(r: NaiveDateTime, k: u32) -> NaiveDateTime {
    let t = r.time();
    let office = is_workday(r.date())
        && t >= NaiveTime::from_hms_opt(7, 30, 0).unwrap()
        && t < NaiveTime::from_hms_opt(17, 0, 0).unwrap();
    if office {
        add_workdays(r.date(), k).and_time(t)
    } else {
        let start = if t >= NaiveTime::from_hms_opt(17, 0, 0).unwrap() {
            r.date() + Duration::days(1)
        } else {
            r.date()
        };
        add_workdays(start, k).and_hms_opt(17, 0, 0).unwrap()
    }
}

/// A time in office hours (07:30–17:00), seconds included.
pub fn office_time(rng: &mut Rng) -> NaiveTime {
    let s = rng.range(7 * 3600 + 1800, 17 * 3600 - 1) as u32;
    NaiveTime::from_num_seconds_from_midnight_opt(s, 0).unwrap()
}

/// Any time of day.
pub fn any_time(rng: &mut Rng) -> NaiveTime {
    let s = rng.range(0, 86_399) as u32;
    NaiveTime::from_num_seconds_from_midnight_opt(s, 0).unwrap()
}

/// How a date is written in a cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateStyle {
    /// 23/10/2023 08:15:00 — what the one-stop software exports.
    DmyHms,
    /// 3/7/2023 08:15
    DmyHmShort,
    /// 2023-10-23T08:15:00
    IsoT,
    /// 2023-10-23 08:15:00
    IsoSpace,
    /// 23/10/2023
    DmyDate,
    /// 2023-10-23
    IsoDate,
}

impl DateStyle {
    pub fn date_only(self) -> bool {
        matches!(self, DateStyle::DmyDate | DateStyle::IsoDate)
    }

    /// The value as this style keeps it (seconds or time dropped).
    pub fn truncate(self, v: NaiveDateTime) -> NaiveDateTime {
        match self {
            DateStyle::DmyHmShort => v.date().and_hms_opt(v.hour(), v.minute(), 0).unwrap(),
            DateStyle::DmyDate | DateStyle::IsoDate => v.date().and_hms_opt(0, 0, 0).unwrap(),
            _ => v,
        }
    }

    pub fn format(self, v: NaiveDateTime) -> String {
        let (y, m, d) = (v.year(), v.month(), v.day());
        let (h, mi, s) = (v.hour(), v.minute(), v.second());
        match self {
            DateStyle::DmyHms => format!("{d:02}/{m:02}/{y:04} {h:02}:{mi:02}:{s:02}"),
            DateStyle::DmyHmShort => format!("{d}/{m}/{y:04} {h:02}:{mi:02}"),
            DateStyle::IsoT => format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}"),
            DateStyle::IsoSpace => format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}"),
            DateStyle::DmyDate => format!("{d:02}/{m:02}/{y:04}"),
            DateStyle::IsoDate => format!("{y:04}-{m:02}-{d:02}"),
        }
    }
}

/// `dd/mm/yyyy HH:MM:SS`, the one-stop software's own format.
pub fn fmt_dt(v: NaiveDateTime) -> String {
    DateStyle::DmyHms.format(v)
}

// ---------------------------------------------------------------- values

/// Amount the Vietnamese way: 1.250.000
pub fn fmt_vnd(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

pub const KENH_TRUC_TUYEN: &str = "Trực tuyến";
pub const KENH_TRUC_TIEP: &str = "Trực tiếp";
pub const KENH_BUU_CHINH: &str = "Bưu chính công ích";

/// Statuses as the one-stop software writes them, by class (SPEC §1).
pub const ST_CHUA_TIEP_NHAN: [&str; 5] = [
    "Mới đăng ký",
    "Không được tiếp nhận",
    "Từ chối tiếp nhận",
    "1",
    "3",
];
pub const ST_DANG_XU_LY: [&str; 6] = [
    "Được tiếp nhận",
    "Đang xử lý",
    "Đang giải quyết",
    "Chờ xử lý",
    "2",
    "4",
];
pub const ST_TAM_DUNG: [&str; 6] = [
    "Yêu cầu bổ sung giấy tờ",
    "Chờ bổ sung",
    "Yêu cầu thực hiện nghĩa vụ tài chính",
    "Tạm dừng",
    "5",
    "6",
];
pub const ST_RUT: [&str; 4] = ["Công dân yêu cầu rút hồ sơ", "Rút hồ sơ", "Xin rút", "7"];
pub const ST_TRA_LAI: [&str; 5] = [
    "Dừng xử lý",
    "Trả lại",
    "Trả lại hồ sơ",
    "Không đủ điều kiện",
    "8",
];
pub const ST_DA_XONG: [&str; 6] = [
    "Đã xử lý xong",
    "Đã trả kết quả",
    "Đã có kết quả",
    "Hoàn thành",
    "9",
    "10",
];

/// Yes spellings (SPEC §1) — every one but `✓`, which Windows-1258 lacks.
pub const YES: [&str; 6] = ["Có", "x", "1", "true", "Đã", "yes"];
pub const NO: [&str; 6] = ["Không", "0", "false", "Chưa", "no", ""];

/// Mostly "Có", sometimes another yes spelling.
pub fn yes_word(rng: &mut Rng, variety: f64) -> &'static str {
    if rng.chance(variety) {
        YES[rng.below(YES.len() as u64) as usize]
    } else {
        "Có"
    }
}

pub fn no_word(rng: &mut Rng, variety: f64) -> &'static str {
    if rng.chance(variety) {
        NO[rng.below(NO.len() as u64) as usize]
    } else {
        "Không"
    }
}

/// The `DVC trực tuyến` cell of a procedure.
pub fn dvc_word(dvc: Dvc) -> &'static str {
    match dvc {
        Dvc::ToanTrinh => "Toàn trình",
        Dvc::MotPhan => "Một phần",
        Dvc::ThongTin => "Cung cấp thông tin",
    }
}

// ---------------------------------------------------------------- headers

/// SPEC §1 field names, in the order the exports list them.
pub const FIELDS: [&str; 18] = [
    "ma_ho_so",
    "don_vi",
    "cap",
    "ma_thu_tuc",
    "ten_thu_tuc",
    "linh_vuc",
    "kenh",
    "ngay_tiep_nhan",
    "ngay_hen_tra",
    "ngay_ket_thuc",
    "ngay_tra_ket_qua",
    "trang_thai",
    "so_hoa_ho_so",
    "so_hoa_ket_qua",
    "dvc_truc_tuyen",
    "nghia_vu_tai_chinh",
    "thanh_toan_truc_tuyen",
    "phi_le_phi",
];

/// The Vietnamese headers the one-stop software writes, same order.
pub const HEADERS_VI: [&str; 18] = [
    "Mã hồ sơ",
    "Đơn vị",
    "Cấp",
    "Mã thủ tục",
    "Tên thủ tục",
    "Lĩnh vực",
    "Kênh",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày kết thúc xử lý",
    "Ngày trả kết quả",
    "Trạng thái",
    "Số hóa hồ sơ",
    "Số hóa kết quả",
    "DVC trực tuyến",
    "Nghĩa vụ tài chính",
    "Thanh toán trực tuyến",
    "Phí, lệ phí",
];

/// Column indexes of [`FIELDS`].
pub mod col {
    pub const MA: usize = 0;
    pub const DON_VI: usize = 1;
    pub const CAP: usize = 2;
    pub const MA_TT: usize = 3;
    pub const TEN_TT: usize = 4;
    pub const LINH_VUC: usize = 5;
    pub const KENH: usize = 6;
    pub const TIEP_NHAN: usize = 7;
    pub const HEN_TRA: usize = 8;
    pub const KET_THUC: usize = 9;
    pub const TRA_KQ: usize = 10;
    pub const TRANG_THAI: usize = 11;
    pub const SO_HOA_HS: usize = 12;
    pub const SO_HOA_KQ: usize = 13;
    pub const DVC: usize = 14;
    pub const NVTC: usize = 15;
    pub const TTTT: usize = 16;
    pub const PHI: usize = 17;
    /// The date columns.
    pub const DATES: [usize; 4] = [TIEP_NHAN, HEN_TRA, KET_THUC, TRA_KQ];
}

// ---------------------------------------------------------------- text

/// Appends one delimited-text field, quoted when it must be.
pub fn push_field(out: &mut String, value: &str, delim: char) {
    if value.contains(delim) || value.contains('"') || value.contains('\n') || value.contains('\r')
    {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

/// One line of delimited text (CRLF, as Excel writes it).
pub fn push_line<S: AsRef<str>>(out: &mut String, fields: &[S], delim: char) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(delim);
        }
        push_field(out, f.as_ref(), delim);
    }
    out.push_str("\r\n");
}

pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

pub fn nfd(s: &str) -> String {
    s.nfd().collect()
}

/// UTF-16 LE with a BOM.
pub fn utf16le_bom(s: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for u in s.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

/// Windows-1258 as Vietnamese Windows writes it: the base letters
/// (â ê ô ă ơ ư đ…) precomposed, the five tone marks as combining
/// characters. Panics on a character the code page lacks, and checks that
/// decoding and NFC give the text back.
pub fn cp1258(s: &str) -> Vec<u8> {
    let text = cp1258_form(s);
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1258.encode(&text);
    assert!(!unmappable, "text not representable in Windows-1258: {s:?}");
    let (back, _, bad) = encoding_rs::WINDOWS_1258.decode(&bytes);
    assert!(!bad);
    assert_eq!(nfc(&back), nfc(s), "Windows-1258 round trip");
    bytes.into_owned()
}

/// Decomposed tones over precomposed base letters.
pub fn cp1258_form(s: &str) -> String {
    const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
    let mut out = String::with_capacity(s.len() + 16);
    let decomposed: Vec<char> = s.nfd().collect();
    let mut i = 0;
    while i < decomposed.len() {
        let mut base = decomposed[i];
        let mut tones = Vec::new();
        i += 1;
        while i < decomposed.len() && unicode_normalization::char::is_combining_mark(decomposed[i])
        {
            let m = decomposed[i];
            if TONES.contains(&m) {
                tones.push(m);
            } else if let Some(c) = unicode_normalization::char::compose(base, m) {
                base = c;
            } else {
                tones.push(m);
            }
            i += 1;
        }
        out.push(base);
        out.extend(tones);
    }
    out
}

/// Parses `1-12`, `11`, `3-5` into an inclusive month range.
pub fn parse_months(s: &str) -> Option<(u32, u32)> {
    let (a, b) = match s.split_once('-') {
        Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
        None => {
            let m = s.trim().parse().ok()?;
            (m, m)
        }
    };
    (1 <= a && a <= b && b <= 12).then_some((a, b))
}

/// Fixed document properties, so a regenerated xlsx is byte-identical (the
/// default stamps the time of writing).
pub fn xlsx_properties(title: &str, created: NaiveDate) -> rust_xlsxwriter::DocProperties {
    let when = rust_xlsxwriter::ExcelDateTime::from_ymd(
        created.year() as u16,
        created.month() as u8,
        created.day() as u8,
    )
    .expect("valid date")
    .and_hms(17, 0, 0)
    .expect("valid time");
    rust_xlsxwriter::DocProperties::new()
        .set_title(title)
        .set_author("Bộ phận Một cửa")
        .set_creation_datetime(&when)
}
