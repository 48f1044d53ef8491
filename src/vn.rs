//! Numbers, ratios and dates written the Vietnamese way, once for the
//! terminal, the templates' filters and the text reports.
//!
//! Thousands are grouped with `.`, decimals follow `,`: `4.479`, `98,83%`.
//! Dates follow Nghị định 30/2020/NĐ-CP: `ngày 03 tháng 10 năm 2023`.

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

/// `4479` → `4.479`; `-1200` → `-1.200`.
pub fn int(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Like [`int`], zero-padded below 10 as official documents write counts:
/// `6` → `06`, `1` → `01`; `0` stays `0`.
pub fn int2(n: i64) -> String {
    if (1..10).contains(&n) {
        format!("0{n}")
    } else {
        int(n)
    }
}

/// A decimal with at most `places` places, trailing zeros dropped:
/// `1234.50` → `1.234,5`.
pub fn decimal(d: Decimal, places: u32) -> String {
    let d = d
        .round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    let negative = d.is_sign_negative() && !d.is_zero();
    let abs = d.abs();
    let text = abs.to_string();
    let (whole, frac) = match text.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (text.as_str(), None),
    };
    // `whole` is a run of ASCII digits from Decimal's own formatting.
    let whole: i64 = whole.parse().unwrap_or(0);
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&int(whole));
    if let Some(f) = frac {
        out.push(',');
        out.push_str(f);
    }
    out
}

/// A percentage: `97,86%`, `100%`, `89,8%`; `N/A` when there is none.
pub fn percent(p: Option<Decimal>) -> String {
    match p {
        Some(p) => format!("{}%", decimal(p, 2)),
        None => "N/A".to_string(),
    }
}

/// A count out of a total: `4.224/4.226`.
pub fn ratio(numerator: i64, denominator: i64) -> String {
    format!("{}/{}", int(numerator), int(denominator))
}

/// A change in percentage points: `tăng 0,66%`, `giảm 1,2%`, `không đổi`.
pub fn change(points: Option<Decimal>) -> String {
    let Some(points) = points else {
        return "N/A".to_string();
    };
    let points = points.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    if points.is_zero() {
        "không đổi".to_string()
    } else if points.is_sign_positive() {
        format!("tăng {}%", decimal(points, 2))
    } else {
        format!("giảm {}%", decimal(-points, 2))
    }
}

/// A difference against a reference in percentage points: `thấp hơn 7,24%`,
/// `cao hơn 3%`, `bằng`.
pub fn compare(points: Option<Decimal>) -> String {
    let Some(points) = points else {
        return "N/A".to_string();
    };
    let points = points.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    if points.is_zero() {
        "bằng".to_string()
    } else if points.is_sign_positive() {
        format!("cao hơn {}%", decimal(points, 2))
    } else {
        format!("thấp hơn {}%", decimal(-points, 2))
    }
}

/// `03/10/2023`.
pub fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// `ngày 03 tháng 10 năm 2023`: the day and months 1–2 are zero-padded, as
/// Nghị định 30/2020/NĐ-CP writes them.
pub fn date_long(d: NaiveDate) -> String {
    let month = if d.month() <= 2 {
        format!("{:02}", d.month())
    } else {
        d.month().to_string()
    };
    format!("ngày {:02} tháng {} năm {}", d.day(), month, d.year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn integers_group_thousands_with_dots() {
        assert_eq!(int(0), "0");
        assert_eq!(int(194), "194");
        assert_eq!(int(4479), "4.479");
        assert_eq!(int(1_263_000), "1.263.000");
        assert_eq!(int(-1200), "-1.200");
        assert_eq!(int2(1), "01");
        assert_eq!(int2(9), "09");
        assert_eq!(int2(0), "0");
        assert_eq!(int2(35), "35");
        assert_eq!(int2(4479), "4.479");
    }

    #[test]
    fn percentages_drop_trailing_zeros() {
        assert_eq!(percent(Some(dec("97.86"))), "97,86%");
        assert_eq!(percent(Some(dec("100.00"))), "100%");
        assert_eq!(percent(Some(dec("89.80"))), "89,8%");
        assert_eq!(percent(Some(dec("0.00"))), "0%");
        assert_eq!(percent(Some(dec("1234.5"))), "1.234,5%");
        assert_eq!(percent(None), "N/A");
    }

    #[test]
    fn ratios_and_changes() {
        assert_eq!(ratio(4224, 4226), "4.224/4.226");
        assert_eq!(change(Some(dec("0.66"))), "tăng 0,66%");
        assert_eq!(change(Some(dec("-1.20"))), "giảm 1,2%");
        assert_eq!(change(Some(dec("0.001"))), "không đổi");
        assert_eq!(change(None), "N/A");
        assert_eq!(compare(Some(dec("-7.24"))), "thấp hơn 7,24%");
        assert_eq!(compare(Some(dec("3.00"))), "cao hơn 3%");
        assert_eq!(compare(Some(dec("0"))), "bằng");
    }

    #[test]
    fn dates_as_decree_30_writes_them() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(date(d(2023, 10, 3)), "03/10/2023");
        assert_eq!(date_long(d(2023, 10, 3)), "ngày 03 tháng 10 năm 2023");
        assert_eq!(date_long(d(2023, 9, 29)), "ngày 29 tháng 9 năm 2023");
        assert_eq!(date_long(d(2021, 2, 5)), "ngày 05 tháng 02 năm 2021");
        assert_eq!(decimal(dec("50000.5"), 2), "50.000,5");
    }
}
