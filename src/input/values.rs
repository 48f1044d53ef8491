//! Parsing the values of an export (SPEC §1): dates, channels, yes/no,
//! amounts, statuses and levels. Each parser says why a value is refused,
//! in words a clerk understands.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::str::FromStr;

use chrono::format::{Item, Parsed, StrftimeItems};
use chrono::{FixedOffset, NaiveDate, NaiveTime, TimeZone};
use rust_decimal::Decimal;

use super::dossier::{Channel, Level, Status};
use super::field::Field;
use crate::text::{fold, fold_words};

/// Why a value was refused.
pub type Reason = String;

/// Vietnam's offset from UTC, seconds: times with another offset are moved
/// to it before their date is taken.
const VIETNAM: i32 = 7 * 3600;

fn vietnam() -> Option<FixedOffset> {
    FixedOffset::east_opt(VIETNAM)
}

const BAD_DATE: &str = "không đọc được ngày (cần dd/mm/yyyy hoặc yyyy-mm-dd, có thể kèm giờ; dạng khác thì khai báo trong cctthc.toml: [nhap] dinh_dang_ngay = [\"%d-%m-%Y %H:%M\"])";

/// A date in any of the built-in forms (SPEC §1.4). A time with an offset
/// is moved to Vietnam time first, then its date is taken; any other time
/// is checked and dropped, because figures compare calendar dates.
/// Empty → `None`.
pub fn date(s: &str) -> Result<Option<NaiveDate>, Reason> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    parse_date(s.as_bytes())
        .map(Some)
        .ok_or_else(|| BAD_DATE.into())
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

/// Whether what follows a 10-character date is a valid time (or nothing)
/// that leaves the date as it is: no offset, or Vietnam's own. A cache of
/// dates by their first ten bytes may use them only then.
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
        Some(b'T' | b't' | b' ') => parse_time(trim_start(&rest[1..]))
            .is_some_and(|t| t.offset.is_none_or(|o| o == VIETNAM)),
        _ => false,
    }
}

/// The date a value in a built-in form stands for, in Vietnam time.
pub fn parse_date(b: &[u8]) -> Option<NaiveDate> {
    // `HH:MM[:SS][,] dd/mm/yyyy`: some systems put the time first.
    if b.get(1) == Some(&b':') || b.get(2) == Some(&b':') {
        let end = b.iter().position(|&c| c == b' ' || c == b',')?;
        // Local time only: an offset before the date is not a form in use.
        parse_time(&b[..end]).filter(|t| t.offset.is_none())?;
        let rest = trim_start(b[end..].strip_prefix(b",").unwrap_or(&b[end..]));
        let (date, rest) = day_month_year(rest)?;
        return rest.is_empty().then_some(date);
    }
    // `yyyyMMdd` and `yyyyMMddHHmmss`, the national portal's sync data.
    if matches!(b.len(), 8 | 14) && b.iter().all(u8::is_ascii_digit) {
        let n = |r: std::ops::Range<usize>| digits(&b[r]);
        let date = NaiveDate::from_ymd_opt(n(0..4)? as i32, n(4..6)?, n(6..8)?)?;
        if b.len() == 14 {
            NaiveTime::from_hms_opt(n(8..10)?, n(10..12)?, n(12..14)?)?;
        }
        return Some(date);
    }
    let (date, rest) = if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
        let y = digits(&b[0..4])?;
        let m = digits(&b[5..7])?;
        let d = digits(&b[8..10])?;
        (NaiveDate::from_ymd_opt(y as i32, m, d)?, &b[10..])
    } else {
        day_month_year(b)?
    };
    match rest.first() {
        None => Some(date),
        Some(b'T' | b't' | b' ') => {
            let time = parse_time(trim_start(&rest[1..]))?;
            time.in_vietnam(date)
        }
        _ => None,
    }
}

/// `d/m/yyyy` (or with `-` or `.`), and what follows it.
fn day_month_year(b: &[u8]) -> Option<(NaiveDate, &[u8])> {
    let (d, rest) = number(b, 2)?;
    let rest = separator(rest)?;
    let (m, rest) = number(rest, 2)?;
    let rest = separator(rest)?;
    if rest.len() < 4 {
        return None;
    }
    let y = digits(&rest[..4])?;
    Some((NaiveDate::from_ymd_opt(y as i32, m, d)?, &rest[4..]))
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

/// A time of day as read, with its offset from UTC if it gives one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Time {
    hour: u32,
    minute: u32,
    second: u32,
    /// Seconds east of UTC.
    offset: Option<i32>,
}

impl Time {
    /// The date in Vietnam of this time on `date`.
    fn in_vietnam(self, date: NaiveDate) -> Option<NaiveDate> {
        let offset = match self.offset {
            None => return Some(date),
            Some(o) if o == VIETNAM => return Some(date),
            Some(o) => FixedOffset::east_opt(o)?,
        };
        // A leap second moves no date.
        let naive = date.and_hms_opt(self.hour, self.minute, self.second.min(59))?;
        let at = offset.from_local_datetime(&naive).single()?;
        Some(at.with_timezone(&vietnam()?).date_naive())
    }
}

/// `HH:MM`, `HH:MM:SS`, with an optional fraction, then `Z`, an offset
/// (`+07`, `+0700`, `+07:00`, `-05:00`) or `AM`/`PM`.
fn parse_time(b: &[u8]) -> Option<Time> {
    let (hour, rest) = number(b, 2)?;
    let rest = rest.strip_prefix(b":")?;
    let (minute, mut rest) = number(rest, 2)?;
    let mut second = 0;
    if let Some(r) = rest.strip_prefix(b":") {
        (second, rest) = number(r, 2)?;
        if let Some(r) = rest.strip_prefix(b".").or_else(|| rest.strip_prefix(b",")) {
            let n = r.iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            rest = &r[n..];
        }
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let time = |offset| {
        Some(Time {
            hour,
            minute,
            second,
            offset,
        })
    };
    match trim_start(rest) {
        [] => time(None),
        [b'Z' | b'z'] => time(Some(0)),
        [sign @ (b'+' | b'-'), tz @ ..] => {
            let (h, m) = match tz {
                [h1, h2] => (digits(&[*h1, *h2])?, 0),
                [h1, h2, m1, m2] | [h1, h2, b':', m1, m2] => {
                    (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?)
                }
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let seconds = (h * 3600 + m * 60) as i32;
            time(Some(if *sign == b'-' { -seconds } else { seconds }))
        }
        r if r.eq_ignore_ascii_case(b"AM") || r.eq_ignore_ascii_case(b"PM") => {
            (1..=12).contains(&hour).then_some(())?;
            time(None)
        }
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

/// The date formats of `[nhap] dinh_dang_ngay` (chrono's strftime syntax),
/// tried after the built-in forms.
#[derive(Clone, Debug, Default)]
pub struct DateRules {
    formats: Vec<(String, Vec<Item<'static>>)>,
}

impl DateRules {
    /// Checks every format: one chrono cannot read, or that does not give a
    /// whole date, is refused with its text.
    pub fn new(formats: &[String]) -> Result<DateRules, Reason> {
        let formats = formats
            .iter()
            .map(|f| Ok((f.clone(), date_format(f)?)))
            .collect::<Result<_, Reason>>()?;
        Ok(DateRules { formats })
    }

    pub fn is_empty(&self) -> bool {
        self.formats.is_empty()
    }

    /// A date in a built-in form, else in one of the formats; empty → `None`.
    pub fn date(&self, s: &str) -> Result<Option<NaiveDate>, Reason> {
        date(s).or_else(|e| self.extra(s).map(Some).ok_or(e))
    }

    /// The date `s` stands for in the first of the formats that reads it.
    pub fn extra(&self, s: &str) -> Option<NaiveDate> {
        let s = s.trim();
        self.formats
            .iter()
            .find_map(|(_, items)| with_items(s, items))
    }
}

/// The items of one strftime format, if it reads back a whole date.
fn date_format(f: &str) -> Result<Vec<Item<'static>>, Reason> {
    let refused = |why: &str| {
        format!(
            "[nhap] dinh_dang_ngay = \"{f}\": {why} (dùng cú pháp của chrono, ví dụ \"%d-%m-%Y %H:%M\", \"%Y%m%d\")"
        )
    };
    let items: Vec<Item<'static>> = StrftimeItems::new(f)
        .parse()
        .map_err(|_| refused("định dạng không hợp lệ"))?
        .into_iter()
        .map(Item::to_owned)
        .collect();
    // A format must read back what it writes: that proves it has a day, a
    // month and a year, and nothing chrono can write but not read.
    let sample = FixedOffset::east_opt(VIETNAM)
        .and_then(|tz| tz.with_ymd_and_hms(2023, 10, 3, 8, 15, 30).single())
        .ok_or_else(|| refused("lỗi nội bộ"))?;
    let mut text = String::new();
    write!(text, "{}", sample.format_with_items(items.iter()))
        .map_err(|_| refused("định dạng không hợp lệ"))?;
    if with_items(&text, &items) != Some(sample.date_naive()) {
        return Err(refused("cần có đủ ngày, tháng và năm"));
    }
    Ok(items)
}

/// `s` read with a format: moved to Vietnam time when it gives an offset,
/// else the date as written.
fn with_items(s: &str, items: &[Item<'static>]) -> Option<NaiveDate> {
    let mut parsed = Parsed::new();
    chrono::format::parse(&mut parsed, s, items.iter()).ok()?;
    if let Ok(at) = parsed.to_datetime() {
        return Some(at.with_timezone(&vietnam()?).date_naive());
    }
    match parsed.to_naive_datetime_with_offset(0) {
        Ok(at) => Some(at.date()),
        Err(_) => parsed.to_naive_date().ok(),
    }
}

/// The channel in the built-in words and codes; empty means direct.
pub fn channel(s: &str) -> Result<Channel, Reason> {
    builtin_channel(&fold(s)).ok_or_else(|| BAD_CHANNEL.into())
}

const BAD_CHANNEL: &str =
    "kênh không rõ (cần Trực tuyến, Trực tiếp hoặc Bưu chính công ích; hay mã 1, 2, 3)";

fn builtin_channel(f: &str) -> Option<Channel> {
    match f {
        "" | "1" => return Some(Channel::Direct),
        "2" => return Some(Channel::Online),
        "3" => return Some(Channel::Postal),
        _ => {}
    }
    // `Nộp trực tuyến`, `Qua BCCI`: the verb or preposition adds nothing.
    let bare = f.strip_prefix("nop").unwrap_or(f);
    let bare = bare.strip_prefix("qua").unwrap_or(bare);
    match bare {
        "tructiep" | "direct" => Some(Channel::Direct),
        "tructuyen" | "online" | "mang" => Some(Channel::Online),
        "bcci" | "buuchinh" | "buuchinhcongich" | "postal" => Some(Channel::Postal),
        _ if bare.starts_with("tructuyen") || bare.starts_with("dvctt") => Some(Channel::Online),
        _ if bare.starts_with("tructiep") => Some(Channel::Direct),
        _ if bare.starts_with("buuchinh") || bare.contains("bcci") => Some(Channel::Postal),
        _ => None,
    }
}

/// A yes/no column in the built-in words; empty means no. Some fields
/// accept more words.
pub fn yes_no(s: &str, field: Field) -> Result<bool, Reason> {
    builtin_yes_no(s, &fold(s), field).ok_or_else(|| BAD_YES_NO.into())
}

const BAD_YES_NO: &str = "giá trị có/không không rõ (cần Có, x, 1, Đã… hoặc Không, 0, Chưa…)";

fn builtin_yes_no(raw: &str, f: &str, field: Field) -> Option<bool> {
    if matches!(raw.trim(), "✓" | "✔" | "☑" | "√") {
        return Some(true);
    }
    match (f, field) {
        ("co" | "x" | "1" | "true" | "da" | "yes" | "y" | "c", _) => Some(true),
        ("" | "khong" | "0" | "false" | "chua" | "no" | "n" | "k", _) => Some(false),
        ("toantrinh" | "motphan" | "mucdo3" | "mucdo4", Field::OnlineService) => Some(true),
        ("cungcapthongtin" | "mucdo1" | "mucdo2", Field::OnlineService) => Some(false),
        // The national portal's `DuocThanhToanTrucTuyen`: 2 paid through the
        // province's gateway, 3 a fee asked for and not paid online.
        ("2", Field::PaidOnline) => Some(true),
        ("3", Field::PaidOnline) => Some(false),
        _ => None,
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

/// A level written in the `cap` column, in the built-in words; empty →
/// `None`.
pub fn level(s: &str) -> Result<Option<Level>, Reason> {
    builtin_level(&fold_words(s)).ok_or_else(|| BAD_LEVEL.into())
}

const BAD_LEVEL: &str = "cấp không rõ (cần tinh, huyen hoặc xa: Cấp tỉnh, Cấp huyện, Cấp xã)";

fn builtin_level(f: &str) -> Option<Option<Level>> {
    Some(Some(match f {
        "" => return Some(None),
        "tinh" | "cap tinh" | "so" | "cap so" | "so nganh" | "so ban nganh" => Level::Tinh,
        "huyen" | "cap huyen" | "quan" | "cap quan" | "thi xa" | "thanh pho" => Level::Huyen,
        "xa" | "cap xa" | "phuong" | "thi tran" | "dac khu" => Level::Xa,
        _ if f.starts_with("so ") => Level::Tinh,
        _ => return None,
    }))
}

/// The cities governed directly by the central government: `UBND thành
/// phố` with one of these names is a province, with any other a district.
const PROVINCE_CITIES: [&str; 6] = [
    "ha noi",
    "ho chi minh",
    "hai phong",
    "da nang",
    "can tho",
    "hue",
];

/// The level a unit's name implies (SPEC §2), if any: case is ignored and
/// `Ủy ban nhân dân` is read as `UBND`.
pub fn level_from_unit(name: &str) -> Option<Level> {
    let name = &*crate::text::nfc(name);
    let f = fold_words(name)
        .replace("uy ban nhan dan", "ubnd")
        .replace("hoi dong nhan dan", "hdnd");
    // `p` then at least one more word.
    let begins = |p: &str| f.len() > p.len() && f.starts_with(p) && f.as_bytes()[p.len()] == b' ';
    let after = |p: &str| begins(p).then(|| &f[p.len() + 1..]);
    // A whole name as well: a district's own export says `UBND huyện`.
    let names = |p: &&str| f == *p || begins(p);
    const XA: [&str; 11] = [
        "ubnd xa",
        "ubnd phuong",
        "ubnd thi tran",
        "ubnd dac khu",
        "xa",
        "phuong",
        "thi tran",
        "dac khu",
        "trung tam phuc vu hanh chinh cong xa",
        "trung tam phuc vu hanh chinh cong phuong",
        "trung tam phuc vu hanh chinh cong dac khu",
    ];
    const HUYEN: [&str; 8] = [
        "ubnd huyen",
        "ubnd quan",
        "ubnd thi xa",
        "van phong hdnd va ubnd huyen",
        "van phong hdnd ubnd huyen",
        "van phong hdnd va ubnd quan",
        "van phong hdnd va ubnd thi xa",
        "chi nhanh van phong dang ky dat dai",
    ];
    const TINH: [&str; 3] = [
        "ubnd tinh",
        "van phong dang ky dat dai tinh",
        "trung tam phuc vu hanh chinh cong tinh",
    ];
    // `Xã`, `Phường` alone name no commune.
    if XA[..4].iter().any(names) || XA[4..].iter().any(|p| begins(p)) {
        return Some(Level::Xa);
    }
    // `Phòng` and `Sở` fold like `Phong` and `Số`: the first word is looked
    // at as written, without marks only in a name written without them.
    let first = name.split_whitespace().next().map(str::to_lowercase);
    let first_is = |accented: &str, plain: &str| {
        first
            .as_deref()
            .is_some_and(|w| w == accented || (name.is_ascii() && w == plain))
            && f.contains(' ')
    };
    if first_is("phòng", "phong") || HUYEN.iter().any(names) {
        return Some(Level::Huyen);
    }
    if let Some(city) = after("ubnd thanh pho").or_else(|| after("ubnd tp")) {
        return Some(if PROVINCE_CITIES.contains(&city) {
            Level::Tinh
        } else {
            Level::Huyen
        });
    }
    if first_is("sở", "so") || TINH.iter().any(names) || ends_with_province(name) {
        return Some(Level::Tinh);
    }
    None
}

/// Whether a name ends with `tỉnh <Name>` (`Công an tỉnh Thanh Hóa`): one
/// to four words after the last `tỉnh`, none of them a word of a lower
/// level (`tỉnh Thanh Hóa, chi nhánh huyện Tứ Kỳ` is not a province's).
fn ends_with_province(name: &str) -> bool {
    // Called with NFC text.
    let words: Vec<String> = name
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    // `tinh` without marks only in a name written without them: with marks
    // it may be `Tịnh` (`Tịnh Biên`).
    let plain = name.is_ascii();
    let Some(at) = words
        .iter()
        .rposition(|w| w == "tỉnh" || (plain && w == "tinh"))
    else {
        return false;
    };
    const LOWER: [&str; 13] = [
        "huyện",
        "quận",
        "xã",
        "phường",
        "thị",
        "trấn",
        "thành",
        "phố",
        "chi",
        "nhánh",
        "phòng",
        "sở",
        "ubnd",
    ];
    const LOWER_PLAIN: [&str; 8] = [
        "huyen", "quan", "xa", "phuong", "tran", "pho", "nhanh", "ubnd",
    ];
    let rest = &words[at + 1..];
    (1..=4).contains(&rest.len())
        && !rest
            .iter()
            .any(|w| LOWER.contains(&w.as_str()) || (plain && LOWER_PLAIN.contains(&w.as_str())))
}

/// A weaker guess than [`level_from_unit`], for suggestions only: the
/// first word of a level in the name (`huyện`, `quận`, `thị xã` → huyen;
/// `xã`, `phường`, `thị trấn` → xa; `tỉnh`, `Sở` → tinh). `Bộ phận một cửa
/// xã A, huyện B` is the commune's.
pub fn guess_level(name: &str) -> Option<Level> {
    let name = &*crate::text::nfc(name);
    if let Some(level) = level_from_unit(name) {
        return Some(level);
    }
    let words: Vec<String> = name
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .collect();
    words.iter().enumerate().find_map(|(i, w)| {
        let next = words.get(i + 1).map(String::as_str);
        match (w.as_str(), next) {
            ("thị", Some("xã")) | ("huyện" | "quận", _) => Some(Level::Huyen),
            // `xã hội` is society, not a commune.
            ("xã", Some("hội")) => None,
            ("thị", Some("trấn")) | ("xã" | "phường", _) => Some(Level::Xa),
            ("đặc", Some("khu")) => Some(Level::Xa),
            ("tỉnh" | "sở", _) => Some(Level::Tinh),
            _ => None,
        }
    })
}

/// The place a unit is named after, as a letter's place line writes it
/// (SPEC §6): the words after the first level word, up to a comma.
/// `UBND xã Phượng Kỳ` → `Phượng Kỳ`; `Sở Tư pháp tỉnh Thanh Hóa` →
/// `Thanh Hóa`; `Bộ phận một cửa xã A, huyện B` → `A`. None when the name
/// holds no level word (`Công an tỉnh` has no name after it either).
pub fn place_name(name: &str) -> Option<String> {
    let name = crate::text::clean_name(name);
    let words: Vec<&str> = name.split(' ').collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let at = |i: usize| lower.get(i).map(String::as_str);
    let start = (0..words.len()).find_map(|i| match (at(i)?, at(i + 1)) {
        ("xã", Some("hội")) => None,
        ("thị", Some("xã" | "trấn")) | ("đặc", Some("khu")) | ("thành", Some("phố")) => {
            Some(i + 2)
        }
        ("xã" | "phường" | "huyện" | "quận" | "tỉnh", _) => Some(i + 1),
        _ => None,
    })?;
    let mut place = Vec::new();
    for word in words.get(start..).unwrap_or_default() {
        let (word, comma) = match word.strip_suffix(',') {
            Some(w) => (w, true),
            None => (*word, false),
        };
        if !word.is_empty() {
            place.push(word);
        }
        if comma {
            break;
        }
    }
    (!place.is_empty()).then(|| place.join(" "))
}

/// The `[[don_vi]]` block that gives a unit its level, as valid TOML on its
/// own lines: the name escaped, and `cap` filled in only where the name
/// suggests one (marked as a guess), else a comment listing the choices.
pub fn unit_block(name: &str) -> String {
    let ten = toml::Value::String(name.to_string()).to_string();
    let cap = match guess_level(name) {
        Some(level) => format!("cap = \"{}\" # đoán, cần kiểm tra", level.key()),
        None => "# cap = \"tinh\" | \"huyen\" | \"xa\"".to_string(),
    };
    format!("[[don_vi]]\nten = {ten}\n{cap}\n")
}

/// The targets `[gia_tri.kenh]` accepts.
pub const CHANNEL_KEYS: [(&str, Channel); 3] = [
    ("truc_tuyen", Channel::Online),
    ("truc_tiep", Channel::Direct),
    ("buu_chinh", Channel::Postal),
];

/// The yes/no fields `[gia_tri.FIELD]` accepts.
pub const YES_NO_FIELDS: [Field; 5] = [
    Field::DigitisedIn,
    Field::DigitisedOut,
    Field::OnlineService,
    Field::Fee,
    Field::PaidOnline,
];

/// A word mapped in config: the word as written, and its value.
type Mapped<T> = HashMap<String, (String, T)>;

/// The values `[gia_tri.FIELD]` maps, matched folded like the built-in
/// words, and tried before them: config wins.
#[derive(Clone, Debug, Default)]
pub struct ValueRules {
    channels: Mapped<Channel>,
    yes_no: HashMap<Field, Mapped<bool>>,
    levels: Mapped<Level>,
}

impl ValueRules {
    /// Maps `word` to a channel; `Err` names another word of the same
    /// folded form mapped to something else.
    pub fn add_channel(&mut self, word: &str, channel: Channel) -> Result<(), String> {
        add(&mut self.channels, word, channel)
    }

    pub fn add_yes_no(&mut self, field: Field, word: &str, value: bool) -> Result<(), String> {
        add(self.yes_no.entry(field).or_default(), word, value)
    }

    pub fn add_level(&mut self, word: &str, level: Level) -> Result<(), String> {
        add(&mut self.levels, word, level)
    }

    pub fn channel(&self, s: &str) -> Result<Channel, Reason> {
        let f = fold(s);
        if let Some((_, c)) = self.channels.get(&f) {
            return Ok(*c);
        }
        builtin_channel(&f).ok_or_else(|| {
            format!(
                "{BAD_CHANNEL}; giá trị khác thì khai báo trong cctthc.toml, ví dụ [gia_tri.kenh] \"Qua Zalo\" = \"truc_tuyen\" (truc_tuyen, truc_tiep, buu_chinh)"
            )
        })
    }

    pub fn yes_no(&self, s: &str, field: Field) -> Result<bool, Reason> {
        let f = fold(s);
        if let Some((_, v)) = self.yes_no.get(&field).and_then(|m| m.get(&f)) {
            return Ok(*v);
        }
        builtin_yes_no(s, &f, field).ok_or_else(|| {
            format!(
                "{BAD_YES_NO}; giá trị khác thì khai báo trong cctthc.toml, ví dụ [gia_tri.{}] \"Đủ\" = true",
                field.name()
            )
        })
    }

    pub fn level(&self, s: &str) -> Result<Option<Level>, Reason> {
        if let Some((_, l)) = self.levels.get(&fold(s)) {
            return Ok(Some(*l));
        }
        builtin_level(&fold_words(s)).ok_or_else(|| {
            format!(
                "{BAD_LEVEL}; giá trị khác thì khai báo trong cctthc.toml, ví dụ [gia_tri.cap] \"Cấp cơ sở\" = \"xa\""
            )
        })
    }
}

fn add<T: PartialEq + Copy>(map: &mut Mapped<T>, word: &str, value: T) -> Result<(), String> {
    match map.get(&fold(word)) {
        Some((other, v)) if *v != value => Err(other.clone()),
        Some(_) => Ok(()),
        None => {
            map.insert(fold(word), (word.to_string(), value));
            Ok(())
        }
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

/// SPEC §1.4's table: the words, then the national portal's codes.
const BUILT_IN_STATUSES: &[(&[&str], Status)] = &[
    (
        &[
            "Mới đăng ký",
            "Chờ tiếp nhận",
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
            "Đã tiếp nhận",
            "Hồ sơ mới nhận",
            "Đang xử lý",
            "Đang giải quyết",
            "Đang xử lý liên thông",
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
            "Chờ thanh toán",
            "Tạm dừng",
            "5",
            "6",
        ],
        Status::Paused,
    ),
    (
        &[
            "Công dân yêu cầu rút hồ sơ",
            "Rút hồ sơ",
            "Đã rút hồ sơ",
            "Xin rút",
            "7",
        ],
        Status::Withdrawn,
    ),
    (
        &[
            "Dừng xử lý",
            "Từ chối xử lý",
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
            "Chờ trả kết quả",
            "Có kết quả",
            "Đã có kết quả",
            "Đã trả kết quả",
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

    #[test]
    fn a_place_is_the_name_after_the_level_word() {
        for (unit, place) in [
            ("UBND xã Phượng Kỳ", Some("Phượng Kỳ")),
            ("Ủy ban nhân dân  phường Điện Biên", Some("Điện Biên")),
            ("UBND thị trấn Tứ Kỳ", Some("Tứ Kỳ")),
            ("UBND thành phố Hải Dương", Some("Hải Dương")),
            ("Sở Tư pháp tỉnh Thanh Hóa", Some("Thanh Hóa")),
            ("Bộ phận một cửa xã An Thanh, huyện Tứ Kỳ", Some("An Thanh")),
            (
                "Phòng Lao động - Thương binh và Xã hội huyện Tứ Kỳ",
                Some("Tứ Kỳ"),
            ),
            (
                "Trung tâm Phục vụ hành chính công đặc khu Phú Quốc",
                Some("Phú Quốc"),
            ),
            ("Công an tỉnh", None),
            ("Văn phòng Đăng ký đất đai", None),
        ] {
            assert_eq!(place_name(unit).as_deref(), place, "{unit}");
        }
    }

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
            "3/10/2023 8:15",
            "2023-10-03",
            "2023-10-03T08:15:59",
            "2023-10-03 08:15:59",
            "2023-10-03T08:15:59.123",
            "2023-10-03T08:15:59.123Z",
            "2023-10-03T08:15:59+07:00",
            "2023-10-03T08:15:59.000+0700",
            "2023-10-03T08:15:59+07",
            " 03/10/2023 ",
            "08:15 03/10/2023",
            "08:15, 03/10/2023",
            "08:15:59 03/10/2023",
            "8:15 3/10/2023",
            "20231003",
            "20231003081559",
            "03/10/2023 08:15 PM",
        ] {
            assert_eq!(date(s), Ok(d(2023, 10, 3)), "{s}");
        }
        assert_eq!(date("1/2/2024 23:59"), Ok(d(2024, 2, 1)));
        assert_eq!(date(""), Ok(None));
    }

    #[test]
    fn a_time_with_an_offset_is_taken_in_vietnam() {
        // 18:30 UTC is 01:30 the next day in Vietnam.
        assert_eq!(date("2023-10-03T18:30:00Z"), Ok(d(2023, 10, 4)));
        assert_eq!(date("2023-10-03T16:59:59Z"), Ok(d(2023, 10, 3)));
        assert_eq!(date("2023-10-03T17:00:00Z"), Ok(d(2023, 10, 4)));
        assert_eq!(date("2025-07-15T17:00:00.000+0700"), Ok(d(2025, 7, 15)));
        assert_eq!(date("2023-10-03T23:30:00-05:00"), Ok(d(2023, 10, 4)));
        // East of Vietnam, an early hour is the day before.
        assert_eq!(date("2023-10-03T01:00:00+09:00"), Ok(d(2023, 10, 2)));
        assert_eq!(date("2023-12-31 20:00:00+00:00"), Ok(d(2024, 1, 1)));
        assert_eq!(date("03/10/2023 18:30 Z"), Ok(d(2023, 10, 4)));
        // Without an offset the time is Vietnam's.
        assert_eq!(date("2023-10-03T23:30:00"), Ok(d(2023, 10, 3)));
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
            "20231301",
            "20230230",
            "20231003250000",
            "20231003086000",
            "2023100308",
            "202310030815599",
            "2023-10-03T08:15:59+25:00",
            "2023-10-03T08:15:59+07:60",
            "2023-10-03T08:15:59+7",
            "2023-10-03T08:15:59.",
            "08:15Z 03/10/2023",
            "08:15 03/10/2023 09:00",
            "13:15 PM",
            "03/10/2023 13:15 PM",
        ] {
            assert!(date(s).is_err(), "{s}");
        }
        let e = date("3 tháng 10").unwrap_err();
        assert!(e.contains("[nhap] dinh_dang_ngay"), "{e}");
    }

    #[test]
    fn a_suffix_may_use_the_cache_only_when_it_keeps_the_date() {
        for ok in [
            "",
            " 08:15:59",
            " 23:59:60",
            " 00:00:00",
            "T08:15:59",
            " 08:15",
            "T08:15:59.5+07:00",
            " 08:15 AM",
        ] {
            assert!(time_suffix_ok(ok.as_bytes()), "{ok:?}");
        }
        for moves in [
            "T18:30:00Z",
            "T08:15:59-05:00",
            " 08:15+0000",
            " 25:00:00",
            " 24:00:00",
            " 08:60:00",
            " 08:15:61",
            " 0a:15:00",
            "x",
            " ",
        ] {
            assert!(!time_suffix_ok(moves.as_bytes()), "{moves:?}");
        }
    }

    #[test]
    fn dates_in_the_formats_of_the_config() {
        let rules = DateRules::new(&[
            "%d-%m-%Y %Hh%M".to_string(),
            "ngày %d tháng %m năm %Y".to_string(),
            "%Y/%m/%d %H:%M %z".to_string(),
        ])
        .unwrap();
        assert_eq!(rules.date("03-10-2023 08h15"), Ok(d(2023, 10, 3)));
        assert_eq!(rules.date("ngày 03 tháng 10 năm 2023"), Ok(d(2023, 10, 3)));
        // An offset in the format moves the time to Vietnam's.
        assert_eq!(rules.date("2023/10/03 18:30 +0000"), Ok(d(2023, 10, 4)));
        // The built-in forms come first, and still work.
        assert_eq!(rules.date("2023-10-03T18:30:00Z"), Ok(d(2023, 10, 4)));
        assert_eq!(rules.date(" "), Ok(None));
        assert!(rules.date("03-10-2023 8 giờ").is_err());
        assert!(DateRules::default().extra("03-10-2023 08h15").is_none());
    }

    #[test]
    fn formats_without_a_whole_date_are_refused() {
        for bad in ["%H:%M", "%d/%m", "%Y-%m", "%Q", "", "%d-%m-%Y %"] {
            let e = DateRules::new(&[bad.to_string()]).unwrap_err();
            assert!(
                e.contains("dinh_dang_ngay") && e.contains(bad),
                "{bad}: {e}"
            );
        }
        for good in ["%d-%m-%Y %H:%M", "%Y%m%d", "%d/%m/%y", "%Y-%j", "%s"] {
            assert!(DateRules::new(&[good.to_string()]).is_ok(), "{good}");
        }
    }

    #[test]
    fn channels_words_and_codes() {
        for s in [
            "Trực tuyến",
            "Nộp trực tuyến",
            "Qua mạng",
            "2",
            "online",
            "TRỰC TUYẾN",
        ] {
            assert_eq!(channel(s), Ok(Channel::Online), "{s}");
        }
        for s in ["Trực tiếp", "Nộp trực tiếp", "1", "", "  "] {
            assert_eq!(channel(s), Ok(Channel::Direct), "{s}");
        }
        for s in [
            "Bưu chính công ích",
            "Qua bưu chính công ích",
            "Bưu chính",
            "Qua BCCI",
            "BCCI",
            "3",
        ] {
            assert_eq!(channel(s), Ok(Channel::Postal), "{s}");
        }
        for s in ["fax", "4", "Nộp", "Qua", "12", "Nộp 2"] {
            assert!(channel(s).is_err(), "{s}");
        }
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
        assert_eq!(yes_no("3", Field::PaidOnline), Ok(false));
        assert!(yes_no("3", Field::DigitisedIn).is_err());
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
        let table: [(&[&str], Status); 6] = [
            (
                &[
                    "Mới đăng ký",
                    "Chờ tiếp nhận",
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
                    "Đã tiếp nhận",
                    "Hồ sơ mới nhận",
                    "Đang xử lý",
                    "Đang giải quyết",
                    "Đang xử lý liên thông",
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
                    "Chờ thanh toán",
                    "Tạm dừng",
                    "5",
                    "6",
                ],
                Status::Paused,
            ),
            (
                &[
                    "Công dân yêu cầu rút hồ sơ",
                    "Rút hồ sơ",
                    "Đã rút hồ sơ",
                    "Xin rút",
                    "7",
                ],
                Status::Withdrawn,
            ),
            (
                &[
                    "Dừng xử lý",
                    "Từ chối xử lý",
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
                    "Chờ trả kết quả",
                    "Có kết quả",
                    "Đã có kết quả",
                    "Đã trả kết quả",
                    "Hoàn thành",
                    "9",
                    "10",
                ],
                Status::Resolved,
            ),
        ];
        for (words, class) in table {
            for w in words {
                assert_eq!(rules.classify(w), Ok(class), "{w}");
            }
        }
        assert_eq!(rules.classify("ĐANG XỬ LÝ"), Ok(Status::InProgress));
        assert_eq!(rules.classify("Đã phê duyệt"), Ok(Status::Resolved));
        assert!(rules.classify("Lưu nháp").is_err());
        assert!(rules.classify("11").is_err());
        assert!(rules.classify("").is_err());
    }

    #[test]
    fn levels_from_the_cap_column() {
        assert_eq!(level("Cấp xã"), Ok(Some(Level::Xa)));
        assert_eq!(level("huyen"), Ok(Some(Level::Huyen)));
        assert_eq!(level("Sở Tư pháp"), Ok(Some(Level::Tinh)));
        assert_eq!(level(""), Ok(None));
        assert!(level("thôn").is_err());
    }

    #[test]
    fn levels_from_unit_names() {
        let cases: &[(&str, Option<Level>)] = &[
            ("UBND xã Ngọc Kỳ", Some(Level::Xa)),
            ("Ủy ban nhân dân xã Ngọc Kỳ", Some(Level::Xa)),
            ("Uỷ ban Nhân dân Phường Ba Đình", Some(Level::Xa)),
            ("UBND thị trấn Tứ Kỳ", Some(Level::Xa)),
            ("UBND đặc khu Phú Quốc", Some(Level::Xa)),
            ("Phường Điện Biên", Some(Level::Xa)),
            ("Xã Ngọc Kỳ", Some(Level::Xa)),
            ("Thị trấn Tứ Kỳ", Some(Level::Xa)),
            ("Đặc khu Côn Đảo", Some(Level::Xa)),
            (
                "Trung tâm Phục vụ hành chính công xã Ngọc Kỳ",
                Some(Level::Xa),
            ),
            (
                "Trung tâm phục vụ hành chính công phường Hạc Thành",
                Some(Level::Xa),
            ),
            (
                "Trung tâm Phục vụ hành chính công đặc khu Phú Quốc",
                Some(Level::Xa),
            ),
            ("Phòng Tư pháp", Some(Level::Huyen)),
            ("PHÒNG TÀI NGUYÊN VÀ MÔI TRƯỜNG", Some(Level::Huyen)),
            ("UBND huyện Tứ Kỳ", Some(Level::Huyen)),
            ("UBND quận Ba Đình", Some(Level::Huyen)),
            ("UBND thị xã Kinh Môn", Some(Level::Huyen)),
            ("UBND thành phố Thanh Hóa", Some(Level::Huyen)),
            ("UBND TP. Hải Dương", Some(Level::Huyen)),
            ("Văn phòng HĐND và UBND huyện", Some(Level::Huyen)),
            (
                "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện Tứ Kỳ",
                Some(Level::Huyen),
            ),
            (
                "Chi nhánh Văn phòng đăng ký đất đai huyện Tứ Kỳ",
                Some(Level::Huyen),
            ),
            ("UBND thành phố Hà Nội", Some(Level::Tinh)),
            ("Ủy ban nhân dân Thành phố Hồ Chí Minh", Some(Level::Tinh)),
            ("UBND TP Huế", Some(Level::Tinh)),
            ("Sở Tư pháp", Some(Level::Tinh)),
            ("SỞ NỘI VỤ", Some(Level::Tinh)),
            ("UBND tỉnh Hải Dương", Some(Level::Tinh)),
            (
                "Văn phòng Đăng ký đất đai tỉnh Thanh Hóa",
                Some(Level::Tinh),
            ),
            (
                "Trung tâm Phục vụ hành chính công tỉnh Thanh Hóa",
                Some(Level::Tinh),
            ),
            ("Công an tỉnh Thanh Hóa", Some(Level::Tinh)),
            ("Cục Thuế tỉnh Bà Rịa - Vũng Tàu", Some(Level::Tinh)),
            ("Cong an tinh Thanh Hoa", Some(Level::Tinh)),
            ("Bộ phận Một cửa", None),
            // `Tịnh` is not `tỉnh`; a name after `tỉnh` that goes down a
            // level is not a province's; `Phong`, `Số` are not `Phòng`, `Sở`.
            ("Trung tâm Y tế Tịnh Biên", None),
            ("Văn phòng ĐKĐĐ tỉnh Thanh Hóa chi nhánh Tứ Kỳ", None),
            ("Phong Điền", None),
            ("Số 5", None),
            ("Phòng", None),
            ("Xã", None),
            ("UBND thành phố", None),
        ];
        for (name, want) in cases {
            assert_eq!(level_from_unit(name), *want, "{name}");
        }
        // Decomposed input reads the same.
        assert_eq!(
            level_from_unit("So\u{31b}\u{309} Tư pháp"),
            Some(Level::Tinh)
        );
    }

    #[test]
    fn weaker_guesses_for_suggestions() {
        assert_eq!(
            guess_level("Bộ phận một cửa xã Ngọc Kỳ, huyện Tứ Kỳ"),
            Some(Level::Xa)
        );
        assert_eq!(guess_level("Chi cục Thuế huyện Tứ Kỳ"), Some(Level::Huyen));
        assert_eq!(
            guess_level("Bộ phận một cửa thị xã Kinh Môn"),
            Some(Level::Huyen)
        );
        assert_eq!(
            guess_level("Bộ phận một cửa thị trấn Tứ Kỳ"),
            Some(Level::Xa)
        );
        assert_eq!(guess_level("Bảo hiểm xã hội tỉnh"), Some(Level::Tinh));
        assert_eq!(guess_level("Thanh tra tỉnh"), Some(Level::Tinh));
        assert_eq!(guess_level("UBND xã A"), Some(Level::Xa));
        assert_eq!(guess_level("Bộ phận Một cửa"), None);
        assert_eq!(guess_level("Tổ một cửa"), None);
    }

    #[test]
    fn unit_blocks_are_valid_toml() {
        #[derive(serde::Deserialize)]
        struct Fragment {
            don_vi: Vec<crate::config::UnitConfig>,
        }
        for (name, cap) in [
            ("Bộ phận một cửa xã Ngọc Kỳ", Some("xa")),
            ("Tổ \"một cửa\" C:\\dữ liệu", None),
            ("Tổ\u{1b}[31m đỏ", None),
            ("Thanh tra tỉnh 'A'", Some("tinh")),
        ] {
            let block = unit_block(name);
            assert!(block.starts_with("[[don_vi]]\n"), "{block}");
            let parsed: Fragment =
                toml::from_str(&block).unwrap_or_else(|e| panic!("{block}\n{e}"));
            assert_eq!(parsed.don_vi.len(), 1);
            assert_eq!(parsed.don_vi[0].ten, name);
            assert_eq!(parsed.don_vi[0].cap.as_deref(), cap, "{block}");
            match cap {
                Some(_) => assert!(block.contains("# đoán, cần kiểm tra"), "{block}"),
                None => assert!(
                    block.contains("# cap = \"tinh\" | \"huyen\" | \"xa\""),
                    "{block}"
                ),
            }
            // Escape sequences never reach a terminal as they are.
            assert!(!block.contains('\u{1b}'), "{block}");
        }
    }

    #[test]
    fn config_values_win_over_the_built_in_words() {
        let mut rules = ValueRules::default();
        rules.add_channel("Qua Zalo", Channel::Online).unwrap();
        rules.add_channel("1", Channel::Postal).unwrap();
        rules.add_yes_no(Field::DigitisedIn, "Đủ", true).unwrap();
        rules.add_yes_no(Field::PaidOnline, "Chưa", true).unwrap();
        rules.add_level("Cấp cơ sở", Level::Xa).unwrap();
        assert_eq!(rules.channel("qua zalo"), Ok(Channel::Online));
        assert_eq!(rules.channel("QUA  ZALO."), Ok(Channel::Online));
        assert_eq!(rules.channel("1"), Ok(Channel::Postal));
        assert_eq!(rules.channel("Trực tuyến"), Ok(Channel::Online));
        let e = rules.channel("Qua Viber").unwrap_err();
        assert!(e.contains("[gia_tri.kenh]"), "{e}");
        assert_eq!(rules.yes_no("đủ", Field::DigitisedIn), Ok(true));
        assert!(rules.yes_no("Đủ", Field::DigitisedOut).is_err());
        let e = rules.yes_no("Đủ", Field::DigitisedOut).unwrap_err();
        assert!(e.contains("[gia_tri.so_hoa_ket_qua]"), "{e}");
        assert_eq!(rules.yes_no("Chưa", Field::PaidOnline), Ok(true));
        assert_eq!(rules.yes_no("Chưa", Field::Fee), Ok(false));
        assert_eq!(rules.level("cấp cơ sở"), Ok(Some(Level::Xa)));
        assert_eq!(rules.level("Cấp tỉnh"), Ok(Some(Level::Tinh)));
        assert_eq!(rules.level(""), Ok(None));
        let e = rules.level("thôn").unwrap_err();
        assert!(e.contains("[gia_tri.cap]"), "{e}");
        // Two spellings of one word mapped two ways: the other is named.
        assert_eq!(
            rules.add_channel("qua zalo", Channel::Direct),
            Err("Qua Zalo".into())
        );
        assert_eq!(rules.add_channel("QUA ZALO", Channel::Online), Ok(()));
    }

    proptest::proptest! {
        #[test]
        fn no_value_makes_a_parser_panic(s in "[0-9:/.,TZz+\\- ]{0,30}|\\PC{0,30}") {
            let rules = DateRules::new(&["%d-%m-%Y %H:%M %z".to_string()]).unwrap();
            let _ = rules.date(&s);
            let _ = date_bytes(s.as_bytes());
            let _ = time_suffix_ok(s.as_bytes());
            let _ = level_from_unit(&s);
            let _ = guess_level(&s);
            let block = unit_block(&s);
            proptest::prop_assert!(toml::from_str::<toml::Table>(&block).is_ok(), "{}", block);
            let _ = ValueRules::default().channel(&s);
            // Whatever is accepted is a date whose time, if any, was valid.
            if let Ok(Some(d)) = date(&s) {
                proptest::prop_assert!((0..=10000).contains(&chrono::Datelike::year(&d)));
            }
        }
    }
}
