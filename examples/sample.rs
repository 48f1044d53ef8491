//! The district's sample exports in `examples/du-lieu/`: what the one-stop
//! software of Tứ Kỳ would have exported at the end of each month of 2023,
//! January to November.
//!
//! ```text
//! cargo run --release --example sample [-- OUT_DIR]
//! ```
//!
//! Simulates every dossier received from December 2022 to November 2023
//! (about 4.500 a month: some 200 at district level, the rest at the
//! communes) through its life — received, maybe paused for papers, resolved
//! (rarely late), returned or withdrawn — then writes, for each month, the
//! dossiers received that month plus those still open at its start, each
//! with its status at the month's end. A dossier open across months is in
//! several files with a newer status each time.
//!
//! The trends follow the 2023 letters of `reference/`: online filing and
//! digitisation rising through the year, online payment low at most
//! communes until mid-year (UBND xã Tân Kỳ none at all), then above 90%;
//! UBND xã Hưng Đạo's intake digitisation below the communes' average for
//! the first half; two late Người có công dossiers in June at An Thanh and
//! Tái Sơn.
//!
//! Shapes, as clerks export them: UTF-8 with BOM, a title row and a blank
//! row before the Vietnamese headers, `,`; June as `.xlsx` with date cells;
//! September from the newer export tool: `;`, yes/no as `x`/empty and two
//! units under other names (the config's `ten_khac`). Deterministic.
//!
//! Self-contained: does not use the `cctthc` library.

#[path = "common/mod.rs"]
mod common;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike};
use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const SEED: u64 = 2023;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum End {
    Resolved,
    Returned,
    Withdrawn,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kenh {
    Online,
    Direct,
    Postal,
}

#[derive(Clone)]
struct Dossier {
    ma: String,
    unit: usize,
    proc: usize,
    kenh: Kenh,
    nhan: NaiveDateTime,
    hen: NaiveDateTime,
    /// When it ended, and how.
    end: NaiveDateTime,
    how: End,
    /// Handed over (resolved only).
    tra: Option<NaiveDateTime>,
    /// Paused from, until.
    pause: Option<(NaiveDateTime, NaiveDateTime)>,
    pause_word: &'static str,
    so_hoa_hs: bool,
    so_hoa_kq: bool,
    fee: u32,
    paid: bool,
    /// Not received: registered online then refused (or not yet looked at).
    refused: bool,
}

/// Month index: 0 = December 2022, 1..=11 = January..November 2023.
fn month_index(d: NaiveDate) -> u32 {
    if d.year() == 2022 { 0 } else { d.month() }
}

/// Online payment rate of a commune in a month: Q2 2023 as reference 001
/// reports it, lower before, then rising to ~96% after the July reminder.
fn payment_rate(unit: &str, m: u32) -> f64 {
    let q2 = match unit {
        "UBND xã Chí Minh" => 0.95,
        "UBND xã Quang Phục" => 0.93,
        "UBND xã An Thanh" => 0.86,
        "UBND xã Quảng Nghiệp" => 0.81,
        "UBND xã Nguyễn Giáp" => 0.55,
        "UBND xã Quang Trung" => 0.45,
        "UBND xã Bình Lãng" => 0.40,
        "UBND xã Ngọc Kỳ" => 0.35,
        "UBND thị trấn Tứ Kỳ" => 0.38,
        "UBND xã Hà Kỳ" => 0.0035,
        "UBND xã Đại Sơn" | "UBND xã Cộng Lạc" => 0.004,
        "UBND xã Tái Sơn" | "UBND xã Văn Tố" => 0.012,
        "UBND xã Tiên Động" => 0.013,
        "UBND xã Tân Kỳ" => 0.0,
        "UBND xã Phượng Kỳ" => 0.15,
        "UBND xã Hưng Đạo" => 0.10,
        "UBND xã Dân Chủ" => 0.20,
        "UBND xã Đại Đồng" => 0.12,
        "UBND xã Đại Hợp" => 0.18,
        "UBND xã Hà Thanh" => 0.08,
        "UBND xã Minh Đức" => 0.22,
        _ => 0.60, // district units
    };
    match m {
        0 => q2 * 0.6,
        1..=3 => q2 * 0.75,
        4..=6 => q2,
        _ => {
            let target = if unit.starts_with("UBND") {
                0.965
            } else {
                0.92
            };
            q2 + (target - q2) * ((m - 6) as f64 / 4.0).min(1.0)
        }
    }
}

/// Share of dossiers filed online, by month.
fn online_share(cap: Cap, m: u32) -> f64 {
    match cap {
        Cap::Huyen => (0.90 + 0.011 * m as f64).min(1.0),
        Cap::Xa => 0.70 + 0.0265 * m as f64,
    }
}

/// Intake digitisation rate.
fn sohoa_in_rate(unit: &str, m: u32) -> f64 {
    if unit == "UBND xã Hưng Đạo" && m <= 6 {
        return 0.855 + 0.008 * m as f64;
    }
    if !unit.starts_with("UBND") {
        return if m >= 6 { 1.0 } else { 0.985 };
    }
    (0.955 + 0.0033 * m as f64).min(0.995)
}

fn sohoa_out_rate(unit: &str, m: u32) -> f64 {
    if !unit.starts_with("UBND") {
        return if m >= 6 { 1.0 } else { 0.99 };
    }
    (0.955 + 0.0035 * m as f64).min(0.995)
}

/// Monthly volume relative to an average month.
fn season(m: u32) -> f64 {
    [
        1.0, 0.95, 0.97, 1.03, 0.95, 1.0, 1.02, 1.0, 1.03, 0.95, 1.0, 1.02,
    ][m as usize]
}

/// Working days of the month `d` falls in.
fn workdays_in_month(d: NaiveDate) -> f64 {
    let mut x = NaiveDate::from_ymd_opt(d.year(), d.month(), 1).unwrap();
    let mut n = 0;
    while x.month() == d.month() {
        n += is_workday(x) as u32;
        x += Duration::days(1);
    }
    n as f64
}

struct Sim {
    rng: Rng,
}

impl Sim {
    fn receipt_time(&mut self, day: NaiveDate, kenh: Kenh) -> NaiveDateTime {
        let t = if kenh == Kenh::Online && (!is_workday(day) || self.rng.chance(0.15)) {
            any_time(&mut self.rng)
        } else {
            office_time(&mut self.rng)
        };
        day.and_time(t)
    }

    /// A moment on `day` after `after` (same day: later that day).
    fn at_on(&mut self, day: NaiveDate, after: NaiveDateTime) -> NaiveDateTime {
        if day <= after.date() {
            let secs = self.rng.range(300, 5 * 3600);
            let t = after + Duration::seconds(secs);
            if t.date() == after.date() {
                t
            } else {
                after.date().and_hms_opt(23, 59, 0).unwrap().max(after)
            }
        } else {
            day.and_time(office_time(&mut self.rng))
        }
    }

    fn dossier(&mut self, unit: usize, day: NaiveDate, kenh_online: bool) -> Option<Dossier> {
        let rng = &mut self.rng;
        let m = month_index(day);
        let u = &UNITS[unit];
        let list = procs_of_unit(unit);
        let w: Vec<u32> = list.iter().map(|&p| PROCS[p].weight).collect();
        let proc = list[rng.weighted(&w)];
        let p = &PROCS[proc];
        let kenh = if !p.dvc.online() {
            Kenh::Direct
        } else if kenh_online {
            Kenh::Online
        } else if rng.chance(0.03) {
            Kenh::Postal
        } else {
            Kenh::Direct
        };
        if kenh != Kenh::Online && !is_workday(day) {
            return None;
        }
        let nhan = self.receipt_time(day, kenh);
        let rng = &mut self.rng;
        let hen = due_for(nhan, p.ngay);
        let fee = fee_amount(p, rng);
        let paid = fee > 0
            && match kenh {
                Kenh::Online => rng.chance(payment_rate(u.ten, m)),
                _ => rng.chance(0.01 * payment_rate(u.ten, m)),
            };
        let refused = kenh == Kenh::Online && rng.chance(0.008);
        // Life: maybe paused for papers, then resolved; rarely returned or
        // withdrawn.
        let mut hen = hen;
        let mut pause = None;
        let r = rng.f64();
        let how = if r < 0.0015 {
            End::Returned
        } else if r < 0.0025 {
            End::Withdrawn
        } else {
            End::Resolved
        };
        let mut start = nhan;
        let open_hours = (hen - nhan).num_hours();
        if how == End::Resolved && open_hours >= 4 && rng.chance(0.012) {
            // Paused for papers before the due date; the clock stops meanwhile.
            let from = nhan + Duration::hours(rng.range(1, open_hours.min(60) - 1));
            let until = from + Duration::days(rng.range(4, 30));
            pause = Some((from, until));
            hen += until - from;
            start = until;
        }
        // Officials finish on working days, mostly well before the due date.
        let mut before_due: Vec<NaiveDate> = vec![start.date()];
        let mut x = start.date() + Duration::days(1);
        while x < hen.date() {
            if is_workday(x) {
                before_due.push(x);
            }
            x += Duration::days(1);
        }
        if start.date() >= hen.date() {
            before_due.clear();
        }
        let q = rng.f64();
        let end_day = match how {
            End::Resolved if q < 0.978 && !before_due.is_empty() => {
                let u = rng.f64();
                before_due[((before_due.len() as f64) * u * u) as usize]
            }
            End::Resolved if q < 0.9996 => hen.date(),
            End::Resolved => {
                let late = add_workdays(hen.date() + Duration::days(1), rng.range(0, 2) as u32);
                // June's only late dossiers are the two set below (reference 001).
                if late.year() == 2023 && late.month() == 6 {
                    hen.date()
                } else {
                    late
                }
            }
            _ => add_workdays(start.date(), rng.range(0, 4) as u32),
        };
        let end = self.at_on(end_day, start);
        let rng = &mut self.rng;
        let tra = (how == End::Resolved).then(|| {
            if rng.chance(0.65) {
                end + Duration::minutes(rng.range(2, 120))
            } else {
                (end.date() + Duration::days(rng.range(1, 4))).and_time(office_time(rng))
            }
        });
        let pause_word = *rng.pick(&[
            "Yêu cầu bổ sung giấy tờ",
            "Chờ bổ sung",
            "Yêu cầu bổ sung giấy tờ",
            "Tạm dừng",
        ]);
        Some(Dossier {
            ma: String::new(),
            unit,
            proc,
            kenh,
            nhan,
            hen,
            end,
            how,
            tra,
            pause,
            pause_word,
            so_hoa_hs: rng.chance(sohoa_in_rate(u.ten, m)),
            so_hoa_kq: rng.chance(sohoa_out_rate(u.ten, m)),
            fee,
            paid,
            refused,
        })
    }
}

fn simulate() -> Vec<Dossier> {
    let mut sim = Sim {
        rng: Rng::new(SEED),
    };
    let huyen: Vec<usize> = (0..FIRST_XA).collect();
    let xa: Vec<usize> = (FIRST_XA..UNITS.len()).collect();
    let hw: Vec<u32> = huyen.iter().map(|&u| UNITS[u].weight).collect();
    let xw: Vec<u32> = xa.iter().map(|&u| UNITS[u].weight).collect();
    let mut out = Vec::new();
    let mut day = ymd(2022, 12, 1);
    while day <= ymd(2023, 11, 30) {
        let m = month_index(day);
        let workdays = workdays_in_month(day);
        for (cap, units, weights, per_month) in [
            (Cap::Huyen, &huyen, &hw, 200.0),
            (Cap::Xa, &xa, &xw, 4180.0),
        ] {
            let per_workday = per_month / workdays;
            let base = per_workday * season(m) * if is_workday(day) { 1.0 } else { 0.06 };
            let n = (base * (0.8 + 0.4 * sim.rng.f64())).round() as usize;
            for _ in 0..n {
                let unit = units[sim.rng.weighted(weights)];
                let online = sim.rng.chance(online_share(cap, m)) || !is_workday(day);
                if let Some(d) = sim.dossier(unit, day, online) {
                    out.push(d);
                }
            }
        }
        day += Duration::days(1);
    }
    // June: the two late Người có công dossiers of reference 001.
    for name in ["UBND xã An Thanh", "UBND xã Tái Sơn"] {
        let unit = unit_index(name);
        let d = out
            .iter_mut()
            .find(|d| {
                d.unit == unit
                    && d.nhan.date() >= ymd(2023, 6, 5)
                    && d.kenh == Kenh::Online
                    && d.how == End::Resolved
                    && d.pause.is_none()
            })
            .expect("a June dossier");
        d.proc = (0..PROCS.len())
            .find(|&p| PROCS[p].ma == "1.010823")
            .unwrap();
        d.hen = due_for(d.nhan, PROCS[d.proc].ngay);
        d.fee = 0;
        d.paid = false;
        d.end = (d.hen.date() + Duration::days(2))
            .and_hms_opt(9, 30, 0)
            .unwrap();
        d.tra = Some(d.end + Duration::hours(2));
    }
    out.sort_by_key(|d| (d.nhan, d.unit));
    let mut seq: BTreeMap<(usize, NaiveDate), u32> = BTreeMap::new();
    for d in out.iter_mut() {
        let day = d.nhan.date();
        let n = seq.entry((d.unit, day)).or_insert(0);
        *n += 1;
        d.ma = format!(
            "{}-{:02}{:02}{:02}-{:04}",
            UNITS[d.unit].ma,
            day.year() % 100,
            day.month(),
            day.day(),
            n
        );
    }
    out
}

/// How a month's file is written.
struct Shape {
    delim: char,
    xlsx: bool,
    /// Yes/no as `x` / empty (the newer export tool).
    x_marks: bool,
    /// Units under the names the newer tool gives them.
    other_names: bool,
}

fn unit_name(unit: usize, month: u32, shape: &Shape) -> &'static str {
    let ten = UNITS[unit].ten;
    if shape.other_names {
        match ten {
            "Chi nhánh Văn phòng đăng ký đất đai huyện Tứ Kỳ" => {
                return "CN VPĐKĐĐ huyện Tứ Kỳ";
            }
            "Văn phòng HĐND và UBND huyện" => return "Văn phòng HĐND - UBND huyện",
            _ => {}
        }
    }
    // The old spelling, until the commune's name was corrected in April.
    if ten == "UBND xã Phượng Kỳ" && month <= 3 {
        return "UBND xã Phụng Kỳ";
    }
    ten
}

/// The row of a dossier as exported at `t` (the month's last second).
fn cells(d: &Dossier, t: NaiveDateTime, month: u32, shape: &Shape) -> Option<Vec<String>> {
    let p = &PROCS[d.proc];
    let u = &UNITS[d.unit];
    let yn = |b: bool| {
        if shape.x_marks {
            if b { "x" } else { "" }
        } else if b {
            "Có"
        } else {
            "Không"
        }
        .to_string()
    };
    let mut nhan = fmt_dt(d.nhan);
    let mut hen = fmt_dt(d.hen);
    let (mut ket_thuc, mut tra, mut so_hoa_kq) = (String::new(), String::new(), String::new());
    let status: &str = if d.refused {
        // Refused within a day, or still waiting at the month's end.
        if t - d.nhan < Duration::days(2) {
            nhan.clear();
            hen.clear();
            "Mới đăng ký"
        } else {
            hen.clear();
            "Từ chối tiếp nhận"
        }
    } else if d.end <= t {
        ket_thuc = fmt_dt(d.end);
        match d.how {
            End::Resolved => {
                so_hoa_kq = yn(d.so_hoa_kq);
                match d.tra {
                    Some(x) if x <= t => {
                        tra = fmt_dt(x);
                        "Đã trả kết quả"
                    }
                    _ => "Đã xử lý xong",
                }
            }
            End::Returned => "Trả lại hồ sơ",
            End::Withdrawn => "Công dân yêu cầu rút hồ sơ",
        }
    } else if d.pause.is_some_and(|(a, b)| a <= t && t < b) {
        d.pause_word
    } else if t - d.nhan < Duration::days(1) {
        "Được tiếp nhận"
    } else {
        "Đang xử lý"
    };
    let kenh = match d.kenh {
        Kenh::Online => KENH_TRUC_TUYEN,
        Kenh::Direct => KENH_TRUC_TIEP,
        Kenh::Postal => KENH_BUU_CHINH,
    };
    Some(vec![
        d.ma.clone(),
        unit_name(d.unit, month, shape).to_string(),
        match u.cap {
            Cap::Huyen => "Cấp huyện".into(),
            Cap::Xa => "Cấp xã".into(),
        },
        p.ma.to_string(),
        p.ten.to_string(),
        p.linh_vuc.to_string(),
        kenh.to_string(),
        nhan,
        hen,
        ket_thuc,
        tra,
        status.to_string(),
        if d.refused {
            String::new()
        } else {
            yn(d.so_hoa_hs)
        },
        so_hoa_kq,
        dvc_word(p.dvc).to_string(),
        yn(d.fee > 0),
        if d.fee > 0 && !d.refused {
            yn(d.paid)
        } else {
            String::new()
        },
        if d.fee > 0 {
            fmt_vnd(d.fee as u64)
        } else {
            String::new()
        },
    ])
}

fn month_rows(all: &[Dossier], month: u32) -> (NaiveDateTime, Vec<&Dossier>) {
    let start = ymd(2023, month, 1).and_hms_opt(0, 0, 0).unwrap();
    let next = if month == 12 {
        ymd(2024, 1, 1)
    } else {
        ymd(2023, month + 1, 1)
    };
    let t = (next - Duration::days(1)).and_hms_opt(23, 59, 59).unwrap();
    let rows = all
        .iter()
        .filter(|d| {
            let in_month = d.nhan >= start && d.nhan <= t;
            let open_before = !d.refused && d.nhan < start && d.end >= start;
            in_month || open_before
        })
        .collect();
    (t, rows)
}

fn title(month: u32) -> String {
    format!(
        "DANH SÁCH HỒ SƠ TIẾP NHẬN VÀ GIẢI QUYẾT TTHC - THÁNG {month:02}/2023 (xuất ngày {})",
        {
            let next = if month == 12 {
                ymd(2024, 1, 1)
            } else {
                ymd(2023, month + 1, 1)
            };
            let d = next - Duration::days(1);
            format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
        }
    )
}

fn write_csv(path: &Path, month: u32, t: NaiveDateTime, rows: &[&Dossier], shape: &Shape) {
    let mut s = String::from("\u{FEFF}");
    s.push_str(&title(month));
    s.push_str("\r\n\r\n");
    let mut header = vec!["STT"];
    header.extend(HEADERS_VI);
    push_line(&mut s, &header, shape.delim);
    let mut n = 0;
    for d in rows {
        if let Some(c) = cells(d, t, month, shape) {
            n += 1;
            let mut line = vec![n.to_string()];
            line.extend(c);
            push_line(&mut s, &line, shape.delim);
        }
    }
    std::fs::write(path, s).expect("write csv");
}

fn write_xlsx(
    path: &Path,
    month: u32,
    t: NaiveDateTime,
    rows: &[&Dossier],
    shape: &Shape,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    wb.set_properties(&xlsx_properties(&title(month), t.date()));
    let ws = wb.add_worksheet();
    ws.set_name(format!("Tháng {month:02}-2023"))?;
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd/mm/yyyy hh:mm:ss");
    let money = Format::new().set_num_format("#,##0");
    ws.write_string_with_format(0, 0, title(month), &bold)?;
    ws.write_string_with_format(2, 0, "STT", &bold)?;
    for (c, h) in HEADERS_VI.iter().enumerate() {
        ws.write_string_with_format(2, c as u16 + 1, *h, &bold)?;
    }
    let mut r = 3u32;
    for d in rows {
        let Some(c) = cells(d, t, month, shape) else {
            continue;
        };
        ws.write_number(r, 0, (r - 2) as f64)?;
        for (i, v) in c.iter().enumerate() {
            let col = i as u16 + 1;
            if v.is_empty() {
                continue;
            }
            if col::DATES.contains(&i) {
                let x = chrono::NaiveDateTime::parse_from_str(v, "%d/%m/%Y %H:%M:%S")
                    .expect("own date");
                let e = ExcelDateTime::from_ymd(x.year() as u16, x.month() as u8, x.day() as u8)?
                    .and_hms(x.hour() as u16, x.minute() as u8, x.second())?;
                ws.write_datetime_with_format(r, col, &e, &date)?;
            } else if i == col::PHI {
                ws.write_number_with_format(
                    r,
                    col,
                    v.replace('.', "").parse::<f64>().unwrap(),
                    &money,
                )?;
            } else {
                ws.write_string(r, col, v)?;
            }
        }
        r += 1;
    }
    ws.set_column_width(1, 28)?;
    ws.set_column_width(2, 34)?;
    ws.set_column_width(5, 50)?;
    for c in 8..=11 {
        ws.set_column_width(c, 19)?;
    }
    wb.save(path)
}

fn main() {
    let dir: PathBuf = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/du-lieu"));
    std::fs::create_dir_all(&dir).expect("output folder");
    let all = simulate();
    let mut total = 0;
    for month in 1..=11u32 {
        let (t, rows) = month_rows(&all, month);
        let shape = Shape {
            delim: if month == 9 { ';' } else { ',' },
            xlsx: month == 6,
            x_marks: month == 9,
            other_names: month == 9,
        };
        let name = format!(
            "ho-so-2023-{month:02}.{}",
            if shape.xlsx { "xlsx" } else { "csv" }
        );
        let path = dir.join(&name);
        if shape.xlsx {
            write_xlsx(&path, month, t, &rows, &shape).expect("write xlsx");
        } else {
            write_csv(&path, month, t, &rows, &shape);
        }
        let received = rows
            .iter()
            .filter(|d| d.nhan.month() == month && d.nhan.year() == 2023)
            .count();
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        total += size;
        eprintln!(
            "{name}: {} rows ({received} received in the month), {} KB",
            rows.len(),
            size / 1024
        );
    }
    eprintln!("total {} KB", total / 1024);
}
