//! Parsing the values of an export (SPEC §1): dates, channels, yes/no,
//! amounts, statuses and levels. Each parser says why a value is refused,
//! in words a clerk understands.

use std::collections::HashMap;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::dossier::{Channel, Level, Status};
use super::field::Field;
use crate::text::{fold, fold_words};

/// Why a value was refused.
pub type Reason = String;

/// A date in any of the accepted forms; the time of day, if any, is checked
/// and dropped because figures compare calendar dates. Empty → `None`.
pub fn date(s: &str) -> Result<Option<NaiveDate>, Reason> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    parse_date(s.as_bytes()).map(Some).ok_or_else(|| {
        "không đọc được ngày (cần dd/mm/yyyy hoặc yyyy-mm-dd, có thể kèm giờ)".into()
    })
}

/// Like [`date`], on the bytes of a delimited file: dates are ASCII, so no
/// decoding is needed.
pub fn date_bytes(b: &[u8]) -> Result<Option<NaiveDate>, Reason> {
    let t = b.trim_ascii();
    if t.is_empty() {
        return Ok(None);
    }
    match parse_date(t) {
        Some(d) => Ok(Some(d)),
        None => date(&String::from_utf8_lossy(t)),
    }
}

/// Whether what follows a 10-character date is a valid time (or nothing).
pub fn time_suffix_ok(rest: &[u8]) -> bool {
    // The usual ` HH:MM:SS`, checked in place.
    if let [b' ', h1, h2, b':', m1, m2, b':', s1, s2] = rest {
        let d = |a: &u8, b: &u8| {
            (a.is_ascii_digit() && b.is_ascii_digit()).then(|| (a - b'0') * 10 + (b - b'0'))
        };
        return matches!((d(h1, h2), d(m1, m2), d(s1, s2)), (Some(h), Some(m), Some(s)) if h < 24 && m < 60 && s <= 60);
    }
    match rest.first() {
        None => true,
        Some(b'T' | b't' | b' ') => parse_time(trim_start(&rest[1..])).is_some(),
        _ => false,
    }
}

fn parse_date(b: &[u8]) -> Option<NaiveDate> {
    // `HH:MM[:SS] dd/mm/yyyy`: some systems put the time first.
    if b.len() > 6 && b.get(2) == Some(&b':') {
        let space = b.iter().position(|&c| c == b' ')?;
        parse_time(&b[..space])?;
        return parse_date(trim_start(&b[space..]));
    }
    let (date, rest) = if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
        let y = digits(&b[0..4])?;
        let m = digits(&b[5..7])?;
        let d = digits(&b[8..10])?;
        (NaiveDate::from_ymd_opt(y as i32, m, d)?, &b[10..])
    } else {
        let (d, rest) = number(b, 2)?;
        let rest = separator(rest)?;
        let (m, rest) = number(rest, 2)?;
        let rest = separator(rest)?;
        if rest.len() < 4 {
            return None;
        }
        let y = digits(&rest[..4])?;
        (NaiveDate::from_ymd_opt(y as i32, m, d)?, &rest[4..])
    };
    if rest.is_empty() {
        return Some(date);
    }
    match rest[0] {
        b'T' | b't' | b' ' => {
            parse_time(trim_start(&rest[1..]))?;
            Some(date)
        }
        _ => None,
    }
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

/// `HH:MM`, `HH:MM:SS`, with optional fraction and `Z` or offset.
fn parse_time(b: &[u8]) -> Option<()> {
    let (h, rest) = number(b, 2)?;
    let rest = rest.strip_prefix(b":")?;
    let (m, mut rest) = number(rest, 2)?;
    let mut s = 0;
    if let Some(r) = rest.strip_prefix(b":") {
        (s, rest) = number(r, 2)?;
        if let Some(r) = rest.strip_prefix(b".") {
            let n = r.iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            rest = &r[n..];
        }
    }
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    let rest = trim_start(rest);
    match rest {
        [] | [b'Z'] => Some(()),
        [b'+' | b'-', tz @ ..]
            if tz.len() <= 5 && tz.iter().all(|c| c.is_ascii_digit() || *c == b':') =>
        {
            Some(())
        }
        _ if rest.eq_ignore_ascii_case(b"AM") || rest.eq_ignore_ascii_case(b"PM") => Some(()),
        _ => None,
    }
}

fn separator(b: &[u8]) -> Option<&[u8]> {
    match b.first()? {
        b'/' | b'-' | b'.' => Some(&b[1..]),
        _ => None,
    }
}

/// One or up to `max` ASCII digits, and the rest.
fn number(b: &[u8], max: usize) -> Option<(u32, &[u8])> {
    let n = b
        .iter()
        .take(max)
        .take_while(|c| c.is_ascii_digit())
        .count();
    if n == 0 {
        return None;
    }
    Some((digits(&b[..n])?, &b[n..]))
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

/// The channel; empty means direct.
pub fn channel(s: &str) -> Result<Channel, Reason> {
    let f = fold(s);
    match f.as_str() {
        "" | "1" | "tructiep" | "direct" => Ok(Channel::Direct),
        "2" | "online" | "tructuyen" => Ok(Channel::Online),
        "3" | "bcci" | "buuchinh" | "buuchinhcongich" | "postal" => Ok(Channel::Postal),
        _ if f.starts_with("tructuyen") || f.starts_with("dvctt") => Ok(Channel::Online),
        _ if f.starts_with("tructiep") => Ok(Channel::Direct),
        _ if f.starts_with("buuchinh") || f.contains("bcci") => Ok(Channel::Postal),
        _ => Err(
            "kênh không rõ (cần Trực tuyến, Trực tiếp hoặc Bưu chính công ích; hay mã 1, 2, 3)"
                .into(),
        ),
    }
}

/// A yes/no column; empty means no. Some fields accept more words.
pub fn yes_no(s: &str, field: Field) -> Result<bool, Reason> {
    let t = s.trim();
    if matches!(t, "✓" | "✔" | "☑" | "√") {
        return Ok(true);
    }
    let f = fold(t);
    match (f.as_str(), field) {
        ("co" | "x" | "1" | "true" | "da" | "yes" | "y" | "c", _) => Ok(true),
        ("" | "khong" | "0" | "false" | "chua" | "no" | "n" | "k", _) => Ok(false),
        ("toantrinh" | "motphan" | "mucdo3" | "mucdo4", Field::OnlineService) => Ok(true),
        ("cungcapthongtin" | "mucdo1" | "mucdo2", Field::OnlineService) => Ok(false),
        ("2", Field::PaidOnline) => Ok(true),
        _ => Err("giá trị có/không không rõ (cần Có, x, 1, Đã… hoặc Không, 0, Chưa…)".into()),
    }
}

/// An amount in VND with Vietnamese separators (`50.000`, `50.000,5`);
/// empty is 0.
/// Whether `b` is an amount written the plain way, which [`amount`]
/// accepts: digits, or groups of three digits after the first one to three
/// separated by dots (`12.000`), or nothing. Checked on bytes, so the
/// usual amounts cost no allocation.
pub fn plain_amount(b: &[u8]) -> bool {
    if b.iter().all(u8::is_ascii_digit) {
        return true;
    }
    let mut groups = b.split(|&c| c == b'.');
    let first_ok = groups
        .next()
        .is_some_and(|g| (1..=3).contains(&g.len()) && g.iter().all(u8::is_ascii_digit));
    first_ok && groups.all(|g| g.len() == 3 && g.iter().all(u8::is_ascii_digit))
}

pub fn amount(s: &str) -> Result<Decimal, Reason> {
    let bad = || Reason::from("số tiền không đọc được (ví dụ đúng: 50.000 hoặc 50000)");
    let mut t = s.trim();
    for unit in ["VNĐ", "VND", "vnđ", "vnd", "đồng", "đ", "₫"] {
        if let Some(stripped) = t.strip_suffix(unit) {
            t = stripped.trim_end();
            break;
        }
    }
    if t.is_empty() {
        return Ok(Decimal::ZERO);
    }
    let (whole, frac) = match t.split_once(',') {
        Some((w, f)) => (w, Some(f)),
        None => (t, None),
    };
    let groups: Vec<&str> = whole.split('.').collect();
    let grouped = groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3);
    let canonical = if grouped || groups.len() == 1 {
        let mut c = groups.concat();
        if let Some(f) = frac {
            c.push('.');
            c.push_str(f);
        }
        c
    } else if groups.len() == 2 && frac.is_none() {
        // `50000.5`: a machine-written decimal point.
        whole.to_string()
    } else {
        return Err(bad());
    };
    if canonical.is_empty()
        || !canonical.bytes().all(|c| c.is_ascii_digit() || c == b'.')
        || canonical.starts_with('.')
        || canonical.ends_with('.')
    {
        return Err(bad());
    }
    Decimal::from_str(&canonical).map_err(|_| bad())
}

/// A level written in the `cap` column; empty → `None`.
pub fn level(s: &str) -> Result<Option<Level>, Reason> {
    let f = fold_words(s);
    let level = match f.as_str() {
        "" => return Ok(None),
        "tinh" | "cap tinh" | "so" | "cap so" | "so nganh" | "so ban nganh" => Level::Tinh,
        "huyen" | "cap huyen" | "quan" | "cap quan" | "thi xa" | "thanh pho" => Level::Huyen,
        "xa" | "cap xa" | "phuong" | "thi tran" | "dac khu" => Level::Xa,
        _ if f.starts_with("so ") => Level::Tinh,
        _ => {
            return Err(
                "cấp không rõ (cần tinh, huyen hoặc xa: Cấp tỉnh, Cấp huyện, Cấp xã)".into(),
            );
        }
    };
    Ok(Some(level))
}

/// The level a unit's name implies (SPEC §2), if any.
pub fn level_from_unit(name: &str) -> Option<Level> {
    let f = fold_words(name);
    const XA: [&str; 8] = [
        "ubnd xa ",
        "ubnd phuong ",
        "ubnd thi tran ",
        "ubnd dac khu ",
        "uy ban nhan dan xa ",
        "uy ban nhan dan phuong ",
        "uy ban nhan dan thi tran ",
        "uy ban nhan dan dac khu ",
    ];
    const HUYEN: [&str; 5] = [
        "phong ",
        "ubnd huyen",
        "uy ban nhan dan huyen",
        "van phong hdnd va ubnd huyen",
        "chi nhanh van phong dang ky dat dai",
    ];
    const TINH: [&str; 2] = ["so ", "trung tam phuc vu hanh chinh cong tinh"];
    if XA.iter().any(|p| f.starts_with(p)) {
        Some(Level::Xa)
    } else if HUYEN.iter().any(|p| f.starts_with(p)) {
        Some(Level::Huyen)
    } else if TINH.iter().any(|p| f.starts_with(p)) {
        Some(Level::Tinh)
    } else {
        None
    }
}

/// Status words and codes → classes: the contract's table, then the words
/// the user adds in `[trang_thai]`.
#[derive(Clone, Debug)]
pub struct StatusRules {
    by_folded: HashMap<String, Status>,
}

impl StatusRules {
    pub fn new(extra: &[(String, Status)]) -> StatusRules {
        let mut by_folded = HashMap::new();
        for (words, status) in BUILT_IN_STATUSES {
            for w in *words {
                by_folded.insert(fold(w), *status);
            }
        }
        for status in Status::ALL {
            by_folded.insert(fold(status.key()), status);
        }
        for (word, status) in extra {
            by_folded.insert(fold(word), *status);
        }
        StatusRules { by_folded }
    }

    pub fn classify(&self, s: &str) -> Result<Status, Reason> {
        let f = fold(s);
        if f.is_empty() {
            return Err("thiếu trạng thái".into());
        }
        self.by_folded.get(&f).copied().ok_or_else(|| {
            "trạng thái không rõ (thêm vào [trang_thai] trong cctthc.toml nếu đây là trạng thái hợp lệ)"
                .into()
        })
    }

    /// The class a word or class name stands for, for reading config.
    pub fn class_of(word: &str) -> Option<Status> {
        StatusRules::new(&[]).classify(word).ok()
    }
}

const BUILT_IN_STATUSES: &[(&[&str], Status)] = &[
    (
        &[
            "Mới đăng ký",
            "Không được tiếp nhận",
            "Từ chối tiếp nhận",
            "1",
            "3",
        ],
        Status::NotReceived,
    ),
    (
        &[
            "Được tiếp nhận",
            "Đang xử lý",
            "Đang giải quyết",
            "Chờ xử lý",
            "2",
            "4",
        ],
        Status::InProgress,
    ),
    (
        &[
            "Yêu cầu bổ sung giấy tờ",
            "Chờ bổ sung",
            "Yêu cầu thực hiện nghĩa vụ tài chính",
            "Tạm dừng",
            "5",
            "6",
        ],
        Status::Paused,
    ),
    (
        &["Công dân yêu cầu rút hồ sơ", "Rút hồ sơ", "Xin rút", "7"],
        Status::Withdrawn,
    ),
    (
        &[
            "Dừng xử lý",
            "Trả lại",
            "Trả lại hồ sơ",
            "Không đủ điều kiện",
            "8",
        ],
        Status::Returned,
    ),
    (
        &[
            "Đã xử lý xong",
            "Đã trả kết quả",
            "Đã có kết quả",
            "Hoàn thành",
            "9",
            "10",
        ],
        Status::Resolved,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, dd)
    }

    #[test]
    fn dates_in_every_accepted_form() {
        for s in [
            "03/10/2023",
            "3/10/2023",
            "03/10/2023 08:15",
            "03/10/2023 08:15:59",
            "2023-10-03",
            "2023-10-03T08:15:59",
            "2023-10-03 08:15:59",
            "2023-10-03T08:15:59.123Z",
            "2023-10-03T08:15:59+07:00",
            " 03/10/2023 ",
            "08:15 03/10/2023",
        ] {
            assert_eq!(date(s), Ok(d(2023, 10, 3)), "{s}");
        }
        assert_eq!(date("1/2/2024 23:59"), Ok(d(2024, 2, 1)));
        assert_eq!(date(""), Ok(None));
    }

    #[test]
    fn impossible_dates_are_refused() {
        for s in [
            "31/02/2023",
            "2023-13-01",
            "03/10/23",
            "hôm qua",
            "03/10/2023 25:00",
            "03/10/2023 08:61",
            "03/10/2023x",
            "45234",
            "//",
        ] {
            assert!(date(s).is_err(), "{s}");
        }
    }

    #[test]
    fn channels_words_and_codes() {
        assert_eq!(channel("Trực tuyến"), Ok(Channel::Online));
        assert_eq!(channel("2"), Ok(Channel::Online));
        assert_eq!(channel("online"), Ok(Channel::Online));
        assert_eq!(channel("Trực tiếp"), Ok(Channel::Direct));
        assert_eq!(channel(""), Ok(Channel::Direct));
        assert_eq!(channel("1"), Ok(Channel::Direct));
        assert_eq!(channel("Bưu chính công ích"), Ok(Channel::Postal));
        assert_eq!(channel("BCCI"), Ok(Channel::Postal));
        assert_eq!(channel("3"), Ok(Channel::Postal));
        assert!(channel("fax").is_err());
    }

    #[test]
    fn yes_no_forms() {
        for s in ["Có", "x", "X", "1", "true", "Đã", "yes", "✓"] {
            assert_eq!(yes_no(s, Field::DigitisedIn), Ok(true), "{s}");
        }
        for s in ["Không", "0", "false", "Chưa", "no", ""] {
            assert_eq!(yes_no(s, Field::DigitisedIn), Ok(false), "{s}");
        }
        assert_eq!(yes_no("Toàn trình", Field::OnlineService), Ok(true));
        assert_eq!(yes_no("Một phần", Field::OnlineService), Ok(true));
        assert_eq!(
            yes_no("Cung cấp thông tin", Field::OnlineService),
            Ok(false)
        );
        assert!(yes_no("Toàn trình", Field::DigitisedIn).is_err());
        assert_eq!(yes_no("2", Field::PaidOnline), Ok(true));
        assert!(yes_no("2", Field::Fee).is_err());
        assert!(yes_no("có lẽ", Field::Fee).is_err());
    }

    #[test]
    fn plain_amounts_agree_with_the_parser() {
        for s in [
            "",
            "0",
            "12",
            "12.000",
            "1.250.000",
            "1250000",
            "12.00",
            "1.2",
            ".000",
            "000.",
            "1..000",
            "1234.000",
            "12.000,5",
            "12 000",
            "a",
            "1.000.00",
        ] {
            if plain_amount(s.as_bytes()) {
                assert!(amount(s).is_ok(), "{s}");
            }
        }
        assert!(plain_amount(b"12.000") && plain_amount(b"") && plain_amount(b"7"));
        assert!(!plain_amount(b"12.00") && !plain_amount(b".000") && !plain_amount(b"1234.000"));
    }

    #[test]
    fn amounts_with_vietnamese_separators() {
        let a = |s| amount(s).map(|d| d.to_string());
        assert_eq!(a("50.000"), Ok("50000".into()));
        assert_eq!(a("50000"), Ok("50000".into()));
        assert_eq!(a("50.000,5"), Ok("50000.5".into()));
        assert_eq!(a("1.250.000 đ"), Ok("1250000".into()));
        assert_eq!(a(""), Ok("0".into()));
        assert_eq!(a("50000.5"), Ok("50000.5".into()));
        for s in ["năm chục", "5.00.000", "-", "1,2,3", ".5", "50.000.0"] {
            assert!(amount(s).is_err(), "{s}");
        }
    }

    #[test]
    fn statuses_words_codes_and_config() {
        let rules = StatusRules::new(&[("Đã phê duyệt".into(), Status::Resolved)]);
        assert_eq!(rules.classify("Đã xử lý xong"), Ok(Status::Resolved));
        assert_eq!(rules.classify("ĐANG XỬ LÝ"), Ok(Status::InProgress));
        assert_eq!(rules.classify("10"), Ok(Status::Resolved));
        assert_eq!(rules.classify("1"), Ok(Status::NotReceived));
        assert_eq!(rules.classify("5"), Ok(Status::Paused));
        assert_eq!(rules.classify("7"), Ok(Status::Withdrawn));
        assert_eq!(rules.classify("8"), Ok(Status::Returned));
        assert_eq!(rules.classify("Đã phê duyệt"), Ok(Status::Resolved));
        assert!(rules.classify("Lưu nháp").is_err());
        assert!(rules.classify("").is_err());
    }

    #[test]
    fn levels_from_values_and_names() {
        assert_eq!(level("Cấp xã"), Ok(Some(Level::Xa)));
        assert_eq!(level("huyen"), Ok(Some(Level::Huyen)));
        assert_eq!(level("Sở Tư pháp"), Ok(Some(Level::Tinh)));
        assert_eq!(level(""), Ok(None));
        assert!(level("thôn").is_err());
        assert_eq!(level_from_unit("UBND xã Ngọc Kỳ"), Some(Level::Xa));
        assert_eq!(level_from_unit("UBND thị trấn Tứ Kỳ"), Some(Level::Xa));
        assert_eq!(level_from_unit("Phòng Tư pháp"), Some(Level::Huyen));
        assert_eq!(
            level_from_unit("Văn phòng HĐND và UBND huyện"),
            Some(Level::Huyen)
        );
        assert_eq!(
            level_from_unit("Chi nhánh Văn phòng đăng ký đất đai huyện Tứ Kỳ"),
            Some(Level::Huyen)
        );
        assert_eq!(level_from_unit("Sở Tư pháp"), Some(Level::Tinh));
        assert_eq!(level_from_unit("Bộ phận Một cửa"), None);
    }
}
