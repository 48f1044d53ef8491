//! The Vietnamese filters of templates (SPEC §6), as minijinja functions
//! over the formatting of [`crate::vn`].
//!
//! Filters accept what a template naturally hands them: a count, a ratio
//! object (`{tu_so, mau_so, phan_tram}`) or its `phan_tram`, a date string.

use std::str::FromStr;

use chrono::NaiveDate;
use minijinja::value::{Kwargs, Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind, UndefinedBehavior};
use rust_decimal::Decimal;

use crate::vn;

/// An environment with strict names and every filter registered.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_recursion_limit(64);
    env.add_filter("so", so);
    env.add_filter("so2", so2);
    env.add_filter("phan_tram", phan_tram);
    env.add_filter("diem", diem);
    env.add_filter("ty_so", ty_so);
    env.add_filter("ngay", ngay);
    env.add_filter("ngay_dai", ngay_dai);
    env.add_filter("chenh_lech", chenh_lech);
    env.add_filter("so_sanh", so_sanh);
    super::chart::register(&mut env);
    env
}

/// Strict names: a filter never turns an unknown name into `N/A`.
fn defined(value: &Value) -> Result<(), Error> {
    if value.is_undefined() {
        Err(Error::from(ErrorKind::UndefinedError))
    } else {
        Ok(())
    }
}

fn invalid(filter: &str, value: &Value, wanted: &str) -> Error {
    Error::new(
        ErrorKind::InvalidOperation,
        format!(
            "bộ lọc '{filter}' cần {wanted}, không dùng được với {}",
            crate::text::quote(&value.to_string())
        ),
    )
}

fn integer(filter: &str, value: &Value) -> Result<Option<i64>, Error> {
    defined(value)?;
    if value.is_none() {
        return Ok(None);
    }
    if let Some(i) = value.as_i64() {
        return Ok(Some(i));
    }
    if let Some(s) = value.as_str()
        && let Ok(i) = s.trim().parse::<i64>()
    {
        return Ok(Some(i));
    }
    if let Ok(f) = f64::try_from(value.clone())
        && f.fract() == 0.0
        && f.abs() < 1e15
    {
        return Ok(Some(f as i64));
    }
    Err(invalid(filter, value, "một số nguyên"))
}

/// `1.263`; none → `N/A`.
fn so(value: Value) -> Result<String, Error> {
    Ok(integer("so", &value)?.map_or_else(|| "N/A".into(), vn::int))
}

/// `06`, `01`; 0 stays `0`.
fn so2(value: Value) -> Result<String, Error> {
    Ok(integer("so2", &value)?.map_or_else(|| "N/A".into(), vn::int2))
}

/// A percentage from a ratio object, a `phan_tram` string or a number.
fn percent_of(filter: &str, value: &Value) -> Result<Option<Decimal>, Error> {
    defined(value)?;
    if value.is_none() {
        return Ok(None);
    }
    if value.kind() == ValueKind::Map {
        let inner = value.get_attr("phan_tram").unwrap_or_default();
        if inner.is_undefined() {
            return Err(invalid(filter, value, "một tỷ lệ"));
        }
        return percent_of(filter, &inner);
    }
    if let Some(s) = value.as_str() {
        return Decimal::from_str(s.trim())
            .map(Some)
            .map_err(|_| invalid(filter, value, "một tỷ lệ"));
    }
    if let Some(i) = value.as_i64() {
        return Ok(Some(Decimal::from(i)));
    }
    if let Ok(f) = f64::try_from(value.clone()) {
        return Decimal::from_str(&f.to_string())
            .map(Some)
            .map_err(|_| invalid(filter, value, "một tỷ lệ"));
    }
    Err(invalid(filter, value, "một tỷ lệ"))
}

/// `97,86%`, `100%`, `89,8%`; `N/A` when there is none.
fn phan_tram(value: Value) -> Result<String, Error> {
    Ok(vn::percent(percent_of("phan_tram", &value)?))
}

/// Points of the national index (SPEC §12): `41,25`, `6`; `N/A` when
/// there are none. From a number, a `"41.25"` string or an object with
/// `diem`.
fn diem(value: Value) -> Result<String, Error> {
    let value = match value.kind() {
        ValueKind::Map => value.get_attr("diem").unwrap_or_default(),
        _ => value,
    };
    Ok(percent_of("diem", &value)?.map_or_else(|| "N/A".into(), |d| vn::decimal(d, 2)))
}

/// `4.224/4.226` from a ratio object, or `a | ty_so(b)`.
fn ty_so(value: Value, denominator: Option<Value>) -> Result<String, Error> {
    let (n, d) = match denominator {
        Some(d) => (value, d),
        None if value.kind() == ValueKind::Map => (
            value.get_attr("tu_so").unwrap_or_default(),
            value.get_attr("mau_so").unwrap_or_default(),
        ),
        None => return Err(invalid("ty_so", &value, "một tỷ lệ {tu_so, mau_so}")),
    };
    match (integer("ty_so", &n)?, integer("ty_so", &d)?) {
        (Some(n), Some(d)) => Ok(vn::ratio(n, d)),
        _ => Ok("N/A".into()),
    }
}

fn date(filter: &str, value: &Value) -> Result<Option<NaiveDate>, Error> {
    defined(value)?;
    if value.is_none() {
        return Ok(None);
    }
    if value.kind() == ValueKind::Map {
        // A period: its last day, the date reports are dated by.
        let end = value.get_attr("den_ngay").unwrap_or_default();
        if end.is_undefined() {
            return Err(invalid(filter, value, "một ngày"));
        }
        return date(filter, &end);
    }
    match value.as_str().map(crate::input::values::date) {
        Some(Ok(Some(d))) => Ok(Some(d)),
        _ => Err(invalid(filter, value, "một ngày")),
    }
}

/// `03/10/2023`.
fn ngay(value: Value) -> Result<String, Error> {
    Ok(date("ngay", &value)?.map_or_else(|| "N/A".into(), vn::date))
}

/// `ngày 03 tháng 10 năm 2023`.
fn ngay_dai(value: Value) -> Result<String, Error> {
    Ok(date("ngay_dai", &value)?.map_or_else(|| "N/A".into(), vn::date_long))
}

/// A change in percentage points: `tăng 0,66%`, `giảm 1,2%`, `không đổi`.
/// `x | chenh_lech` reads x as the change; `x | chenh_lech(y)` is x − y.
fn chenh_lech(value: Value, before: Option<Value>, _kw: Kwargs) -> Result<String, Error> {
    let now = percent_of("chenh_lech", &value)?;
    let change = match before {
        Some(b) => match (now, percent_of("chenh_lech", &b)?) {
            (Some(a), Some(b)) => Some(a - b),
            _ => None,
        },
        None => now,
    };
    Ok(vn::change(change))
}

/// A difference against a reference: `thấp hơn 7,24%`, `cao hơn 3%`,
/// `bằng`. `x | so_sanh` reads x as the difference; `x | so_sanh(y)` is
/// x − y.
fn so_sanh(value: Value, reference: Option<Value>) -> Result<String, Error> {
    let now = percent_of("so_sanh", &value)?;
    let diff = match reference {
        Some(r) => match (now, percent_of("so_sanh", &r)?) {
            (Some(a), Some(b)) => Some(a - b),
            _ => None,
        },
        None => now,
    };
    Ok(vn::compare(diff))
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    fn render(src: &str, ctx: Value) -> String {
        environment().render_str(src, ctx).unwrap()
    }

    #[test]
    fn filters_write_the_vietnamese_way() {
        let ratio = context! { tu_so => 4224, mau_so => 4226, phan_tram => "99.95" };
        let ctx =
            context! { n => 4479, r => ratio, d => "2023-10-03", z => 0, one => 1, none => () };
        assert_eq!(render("{{ n | so }}", ctx.clone()), "4.479");
        assert_eq!(render("{{ one | so2 }} {{ z | so2 }}", ctx.clone()), "01 0");
        assert_eq!(render("{{ r | phan_tram }}", ctx.clone()), "99,95%");
        assert_eq!(
            render("{{ r.phan_tram | phan_tram }}", ctx.clone()),
            "99,95%"
        );
        assert_eq!(render("{{ none | phan_tram }}", ctx.clone()), "N/A");
        assert_eq!(render("{{ r | ty_so }}", ctx.clone()), "4.224/4.226");
        assert_eq!(render("{{ d | ngay }}", ctx.clone()), "03/10/2023");
        assert_eq!(
            render("{{ d | ngay_dai }}", ctx.clone()),
            "ngày 03 tháng 10 năm 2023"
        );
        assert_eq!(
            render("{{ '0.66' | chenh_lech }}", ctx.clone()),
            "tăng 0,66%"
        );
        assert_eq!(
            render("{{ r | chenh_lech('100') }}", ctx.clone()),
            "giảm 0,05%"
        );
        assert_eq!(render("{{ r | chenh_lech(r) }}", ctx.clone()), "không đổi");
        assert_eq!(
            render("{{ '-7.24' | so_sanh }}", ctx.clone()),
            "thấp hơn 7,24%"
        );
        assert_eq!(render("{{ r | so_sanh('90') }}", ctx), "cao hơn 9,95%");
        let points = context! { diem => "41.25", whole => "6.00", none => () };
        assert_eq!(render("{{ diem | diem }}", points.clone()), "41,25");
        assert_eq!(render("{{ whole | diem }}", points.clone()), "6");
        assert_eq!(render("{{ none | diem }}", points.clone()), "N/A");
        let index = context! { x => points };
        assert_eq!(render("{{ x | diem }}", index), "41,25");
    }

    #[test]
    fn wrong_values_are_errors_not_garbage() {
        let env = environment();
        assert!(env.render_str("{{ 'abc' | so }}", context! {}).is_err());
        assert!(
            env.render_str("{{ 'hôm qua' | ngay }}", context! {})
                .is_err()
        );
        assert!(
            env.render_str("{{ x | so }}", context! {}).is_err(),
            "strict names"
        );
    }
}
