//! Synthetic one-stop-software export of any size, for load tests and demos.
//!
//! ```text
//! cargo run --release --example gen -- --rows N --out FILE [--seed S]
//!     [--year 2023] [--months 1-12] [--headers canonical|vi] [--units N]
//! ```
//!
//! Writes N dossiers in the shape of SPEC §1: CSV (UTF-8, `,`), or `.xlsx`
//! with real date cells when FILE ends in `.xlsx`. Deterministic for a seed.
//! Rows are made and written one at a time, so five million rows take no
//! more memory than ten (CSV; an xlsx is built in memory by rust_xlsxwriter
//! and holds at most 1.048.575 rows).
//!
//! The dossiers look like the district of Tứ Kỳ's: its units and communes,
//! their procedures and fields, mostly online, mostly resolved before the
//! due date, fees on some procedures and mostly paid online, digitised
//! dossiers and results.
//!
//! Self-contained: does not use the `cctthc` library.

#[path = "common/mod.rs"]
mod common;

use chrono::{Datelike, Duration, NaiveDate};
use common::*;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "\
Tạo tệp xuất hồ sơ giả lập (SPEC §1) để thử tải và trình diễn.

Cách dùng:
  cargo run --release --example gen -- --rows N --out TỆP [tùy chọn]

Tùy chọn:
  --rows N          số hồ sơ (dòng dữ liệu)
  --out TỆP         tệp ra: .csv (UTF-8, dấu phẩy) hoặc .xlsx (ô ngày thật)
  --seed S          hạt giống ngẫu nhiên, mặc định 1 (cùng hạt giống, cùng tệp)
  --year Y          năm tiếp nhận, mặc định 2023
  --months A-B      các tháng tiếp nhận, ví dụ 1-12, 11, 3-5; mặc định 1-12
  --headers KIỂU    canonical (tên trường SPEC, mặc định) hoặc vi (tiêu đề tiếng Việt)
  --units N         N đơn vị (xã) khác nhau, chọn đều; mặc định 31 đơn vị của Tứ Kỳ theo tỷ trọng
";

struct Args {
    rows: u64,
    out: PathBuf,
    seed: u64,
    year: i32,
    months: (u32, u32),
    vi: bool,
    /// Distinct units, drawn uniformly; `None`: the district's 31, weighted.
    units: Option<u32>,
}

fn parse_args() -> Result<Args, String> {
    let mut rows = None;
    let mut out = None;
    let mut seed = 1u64;
    let mut year = 2023i32;
    let mut months = (1, 12);
    let mut vi = false;
    let mut units = None;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut val = |name: &str| it.next().ok_or_else(|| format!("thiếu giá trị cho {name}"));
        match a.as_str() {
            "--rows" => {
                rows = Some(
                    val("--rows")?
                        .replace(['_', '.'], "")
                        .parse()
                        .map_err(|_| "--rows: cần một số nguyên")?,
                )
            }
            "--out" | "-o" => out = Some(PathBuf::from(val("--out")?)),
            "--seed" => {
                seed = val("--seed")?
                    .parse()
                    .map_err(|_| "--seed: cần một số nguyên")?
            }
            "--year" => {
                year = val("--year")?.parse().map_err(|_| "--year: cần một năm")?;
                if !(1990..=2100).contains(&year) {
                    return Err("--year: năm từ 1990 đến 2100".into());
                }
            }
            "--months" => {
                months =
                    parse_months(&val("--months")?).ok_or("--months: dạng 1-12, 11 hoặc 3-5")?
            }
            "--headers" => {
                vi = match val("--headers")?.as_str() {
                    "canonical" => false,
                    "vi" => true,
                    other => {
                        return Err(format!(
                            "--headers: canonical hoặc vi, không phải '{other}'"
                        ));
                    }
                }
            }
            "--units" => {
                let n: u32 = val("--units")?
                    .parse()
                    .map_err(|_| "--units: cần một số nguyên")?;
                if n == 0 {
                    return Err("--units: ít nhất 1".into());
                }
                units = Some(n)
            }
            "-h" | "--help" => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("tham số không rõ: '{other}'")),
        }
    }
    Ok(Args {
        rows: rows.ok_or("thiếu --rows")?,
        out: out.ok_or("thiếu --out")?,
        seed,
        year,
        months,
        vi,
        units,
    })
}

// ---------------------------------------------------------------- calendar

/// The days a run can touch (receipts in the chosen months, ends and due
/// dates up to a few months later), with everything precomputed so a row
/// costs no date arithmetic.
struct Calendar {
    first: NaiveDate,
    /// "dd/mm/yyyy" of each day.
    dmy: Vec<[u8; 10]>,
    workday: Vec<bool>,
    /// Index into `workdays` of the first working day on or after each day.
    rank: Vec<u32>,
    /// Day indexes of the working days.
    workdays: Vec<u32>,
    /// Day indexes a receipt may fall on.
    receipt_days: Vec<u32>,
    /// Excel serial number of day 0.
    serial0: f64,
}

impl Calendar {
    fn new(year: i32, months: (u32, u32)) -> Calendar {
        let first = ymd(year, months.0, 1);
        let last_receipt = if months.1 == 12 {
            ymd(year + 1, 1, 1)
        } else {
            ymd(year, months.1 + 1, 1)
        } - Duration::days(1);
        let end = last_receipt + Duration::days(200);
        let n = (end - first).num_days() as usize + 1;
        let mut dmy = Vec::with_capacity(n);
        let mut workday = Vec::with_capacity(n);
        for i in 0..n {
            let d = first + Duration::days(i as i64);
            let s = format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year());
            dmy.push(s.as_bytes().try_into().unwrap());
            workday.push(is_workday(d));
        }
        let workdays: Vec<u32> = (0..n as u32).filter(|&i| workday[i as usize]).collect();
        let mut rank = vec![0u32; n];
        let mut r = workdays.len() as u32;
        for i in (0..n).rev() {
            if workday[i] {
                r -= 1;
            }
            rank[i] = r.min(workdays.len() as u32 - 1);
        }
        let receipt_days = (0..=(last_receipt - first).num_days() as u32).collect();
        let serial0 = (first - ymd(1899, 12, 30)).num_days() as f64;
        Calendar {
            first,
            dmy,
            workday,
            rank,
            workdays,
            receipt_days,
            serial0,
        }
    }

    /// `k` working days after day `d` (0: the first working day from d).
    fn add_workdays(&self, d: u32, k: u32) -> u32 {
        let i = (self.rank[d as usize] + k) as usize;
        self.workdays[i.min(self.workdays.len() - 1)]
    }

    fn last(&self) -> u32 {
        self.dmy.len() as u32 - 1
    }
}

/// A moment: day index and second of the day.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct At {
    day: u32,
    sec: u32,
}

/// In-progress statuses, the usual one twice as often.
const OPEN_WORDS: [&str; 6] = [
    "Đang xử lý",
    "Đang xử lý",
    "Được tiếp nhận",
    "Đang giải quyết",
    "Chờ xử lý",
    "4",
];

const OPEN: u32 = 7 * 3600 + 1800;
const CLOSE: u32 = 17 * 3600;

// ---------------------------------------------------------------- rows

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kenh {
    Online,
    Direct,
    Postal,
}

struct Row {
    seq: u64,
    /// The district's unit whose procedures and level the row has.
    unit: usize,
    /// The unit written: `unit` itself, or one of `--units` named after it.
    named: usize,
    proc: usize,
    kenh: Kenh,
    nhan: Option<At>,
    hen: Option<At>,
    ket_thuc: Option<At>,
    tra: Option<At>,
    status: &'static str,
    so_hoa_hs: bool,
    so_hoa_kq: Option<bool>,
    fee: bool,
    paid: bool,
    /// Fee multiplier (pages of a certified copy).
    pages: u32,
    dvc_form: u8,
}

struct Catalog {
    unit_weights: Vec<u32>,
    /// `--units`: the names of the units, each after one of the district's.
    names: Option<Vec<String>>,
    /// Per unit: its procedures and their weights.
    procs: Vec<(Vec<usize>, Vec<u32>)>,
}

impl Catalog {
    fn new(units: Option<u32>) -> Catalog {
        // The first 31 keep their names; the others add a number.
        let names = units.map(|n| {
            (0..n as usize)
                .map(|v| {
                    let u = &UNITS[v % UNITS.len()];
                    match v / UNITS.len() {
                        0 => u.ten.to_string(),
                        k => format!("{} số {k}", u.ten),
                    }
                })
                .collect()
        });
        let unit_weights = UNITS.iter().map(|u| u.weight).collect();
        let procs = (0..UNITS.len())
            .map(|u| {
                let list = procs_of_unit(u);
                let w = list.iter().map(|&p| PROCS[p].weight).collect();
                (list, w)
            })
            .collect();
        Catalog {
            unit_weights,
            names,
            procs,
        }
    }
}

struct Gen<'a> {
    rng: Rng,
    cal: &'a Calendar,
    cat: &'a Catalog,
}

impl Gen<'_> {
    fn time_in_office(&mut self) -> u32 {
        self.rng.range(OPEN as i64, CLOSE as i64 - 1) as u32
    }

    fn row(&mut self, seq: u64) -> Row {
        let cal = self.cal;
        let (unit, named) = match &self.cat.names {
            Some(names) => {
                let v = self.rng.range(0, names.len() as i64 - 1) as usize;
                (v % UNITS.len(), v)
            }
            None => {
                let u = self.rng.weighted(&self.cat.unit_weights);
                (u, u)
            }
        };
        let (plist, pw) = &self.cat.procs[unit];
        let proc = plist[self.rng.weighted(pw)];
        let p = &PROCS[proc];
        let mut kenh = if !p.dvc.online() {
            Kenh::Direct
        } else {
            let r = self.rng.f64();
            if r < 0.86 {
                Kenh::Online
            } else if r < 0.99 {
                Kenh::Direct
            } else {
                Kenh::Postal
            }
        };
        // Receipt: counters open on working days; online any day, mostly in
        // office hours.
        let mut day = *self.rng.pick(&cal.receipt_days);
        if !cal.workday[day as usize] && (kenh != Kenh::Online || !self.rng.chance(0.3)) {
            {
                day = cal.add_workdays(day, 0);
                if day > *cal.receipt_days.last().unwrap() {
                    day = *cal.receipt_days.last().unwrap();
                    kenh = Kenh::Online;
                }
            }
        }
        let sec = if kenh == Kenh::Online && (self.rng.chance(0.18) || !cal.workday[day as usize]) {
            self.rng.range(0, 86_399) as u32
        } else {
            self.time_in_office()
        };
        let nhan = At { day, sec };
        // Due: k working days, counted from the next working day when the
        // dossier came outside office hours.
        let in_office = cal.workday[day as usize] && (OPEN..CLOSE).contains(&sec);
        let hen = if in_office {
            At {
                day: cal.add_workdays(day, p.ngay),
                sec,
            }
        } else {
            let start = if sec >= CLOSE { day + 1 } else { day };
            At {
                day: cal.add_workdays(start.min(cal.last()), p.ngay),
                sec: CLOSE,
            }
        };

        let fee = p.phi > 0;
        let paid = fee
            && if kenh == Kenh::Online {
                self.rng.chance(0.82)
            } else {
                self.rng.chance(0.03)
            };
        let pages = if p.ma == BAN_SAO {
            self.rng.range(1, 8) as u32
        } else {
            1
        };
        let mut row = Row {
            seq,
            unit,
            named,
            proc,
            kenh,
            nhan: Some(nhan),
            hen: Some(hen),
            ket_thuc: None,
            tra: None,
            status: "",
            so_hoa_hs: self.rng.chance(0.965),
            so_hoa_kq: None,
            fee,
            paid,
            pages,
            dvc_form: self.rng.below(10) as u8,
        };

        // Old dossiers are rarely left open; the recent ones often are (see
        // the snapshot below).
        let export = *cal.receipt_days.last().unwrap();
        let recent = export.saturating_sub(nhan.day) <= 20;
        let r = self.rng.f64();
        let (open, paused) = if recent {
            (0.025, 0.033)
        } else {
            (0.0155, 0.0165)
        };
        if r < 0.015 {
            // Not received: registered online and refused, or not yet looked at.
            if self.rng.chance(0.5) {
                row.status = "Mới đăng ký";
                row.nhan = None;
            } else {
                row.status = if self.rng.chance(0.7) {
                    "Từ chối tiếp nhận"
                } else {
                    "Không được tiếp nhận"
                };
            }
            row.hen = None;
            row.so_hoa_hs = false;
            row.paid = false;
        } else if r < open {
            row.status = self.in_progress();
        } else if r < paused {
            row.status = *self.rng.pick(&ST_TAM_DUNG);
        } else if r < paused + 0.008 {
            row.status = *self.rng.pick(&ST_TRA_LAI);
            row.ket_thuc = Some(self.later(nhan, 0, 5));
        } else if r < paused + 0.013 {
            row.status = *self.rng.pick(&ST_RUT);
            row.ket_thuc = Some(self.later(nhan, 0, 5));
        } else {
            // Resolved: mostly before the due date.
            let q = self.rng.f64();
            let end = if q < 0.92 && hen.day > nhan.day {
                let span = hen.day - nhan.day;
                let u = self.rng.f64();
                let d = nhan.day + (span as f64 * u * u) as u32;
                self.on_day(d.min(hen.day - 1), nhan)
            } else if q < 0.98 {
                self.on_day(hen.day, nhan)
            } else {
                self.later(hen, 1, 6)
            };
            row.ket_thuc = Some(end);
            row.so_hoa_kq = Some(self.rng.chance(0.975));
            let s = self.rng.f64();
            row.status = if s < 0.74 {
                "Đã trả kết quả"
            } else if s < 0.86 {
                "Đã xử lý xong"
            } else if s < 0.90 {
                "Hoàn thành"
            } else if s < 0.95 {
                "10"
            } else {
                "9"
            };
            if !matches!(row.status, "Đã xử lý xong" | "9") {
                row.tra = Some(if self.rng.chance(0.7) {
                    let sec = (end.sec + self.rng.range(60, 5400) as u32).min(86_399);
                    At { day: end.day, sec }
                } else {
                    self.later(end, 1, 3)
                });
            }
        }
        // The export is a snapshot at the end of the last month: what ends
        // later is still in progress, what is handed over later not yet.
        if row.ket_thuc.is_some_and(|e| e.day > export) {
            row.status = self.in_progress();
            row.ket_thuc = None;
            row.tra = None;
            row.so_hoa_kq = None;
        } else if row.tra.is_some_and(|t| t.day > export) {
            row.status = "Đã xử lý xong";
            row.tra = None;
        }
        row
    }

    fn in_progress(&mut self) -> &'static str {
        OPEN_WORDS[self.rng.below(OPEN_WORDS.len() as u64) as usize]
    }

    /// A moment on day `d`, not before `after`.
    fn on_day(&mut self, d: u32, after: At) -> At {
        if d == after.day {
            // Same day: within the afternoon for office-hours receipts, soon
            // after for the few handled in the evening.
            let lo = (after.sec + 300).min(86_399);
            let hi = (lo + 6 * 3600)
                .min((CLOSE + 1800).max(lo + 3600))
                .min(86_399);
            At {
                day: d,
                sec: self.rng.range(lo as i64, hi as i64) as u32,
            }
        } else {
            At {
                day: d,
                sec: self.time_in_office(),
            }
        }
    }

    /// A working-day moment `lo..=hi` working days after `from`.
    fn later(&mut self, from: At, lo: u32, hi: u32) -> At {
        let k = self.rng.range(lo as i64, hi as i64) as u32;
        let d = self.cal.add_workdays(from.day, k).max(from.day);
        self.on_day(d, from)
    }
}

// ---------------------------------------------------------------- CSV

/// Field text ready to write: quoted when it holds a comma or quote.
fn csv_text(s: &str) -> Vec<u8> {
    let mut out = String::new();
    push_field(&mut out, s, ',');
    out.into_bytes()
}

struct CsvCells {
    units: Vec<Vec<u8>>,
    caps: Vec<&'static [u8]>,
    proc_ma: Vec<Vec<u8>>,
    proc_ten: Vec<Vec<u8>>,
    proc_lv: Vec<Vec<u8>>,
    /// Per procedure, the fee text for 1..=8 pages.
    fees: Vec<Vec<Vec<u8>>>,
}

impl CsvCells {
    fn new(cat: &Catalog) -> CsvCells {
        CsvCells {
            units: match &cat.names {
                Some(names) => names.iter().map(|n| csv_text(n)).collect(),
                None => UNITS.iter().map(|u| csv_text(u.ten)).collect(),
            },
            caps: UNITS
                .iter()
                .map(|u| match u.cap {
                    Cap::Huyen => "Cấp huyện".as_bytes(),
                    Cap::Xa => "Cấp xã".as_bytes(),
                })
                .collect(),
            proc_ma: PROCS.iter().map(|p| csv_text(p.ma)).collect(),
            proc_ten: PROCS.iter().map(|p| csv_text(p.ten)).collect(),
            proc_lv: PROCS.iter().map(|p| csv_text(p.linh_vuc)).collect(),
            fees: PROCS
                .iter()
                .map(|p| {
                    (1..=8u64)
                        .map(|n| fmt_vnd(p.phi as u64 * n).into_bytes())
                        .collect()
                })
                .collect(),
        }
    }
}

fn push2(out: &mut Vec<u8>, n: u32) {
    out.push(b'0' + (n / 10) as u8);
    out.push(b'0' + (n % 10) as u8);
}

fn push_at(out: &mut Vec<u8>, cal: &Calendar, at: Option<At>) {
    if let Some(at) = at {
        out.extend_from_slice(&cal.dmy[at.day as usize]);
        out.push(b' ');
        push2(out, at.sec / 3600);
        out.push(b':');
        push2(out, at.sec / 60 % 60);
        out.push(b':');
        push2(out, at.sec % 60);
    }
}

fn push_u64(out: &mut Vec<u8>, mut n: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut i = 20;
    while n > 0 || 20 - i < width {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out.extend_from_slice(&buf[i..]);
}

fn yes_no(b: bool) -> &'static [u8] {
    if b {
        "Có".as_bytes()
    } else {
        "Không".as_bytes()
    }
}

fn dvc_text(row: &Row) -> &'static str {
    let d = PROCS[row.proc].dvc;
    match (d.online(), row.dvc_form) {
        (true, 0..=5) => "Có",
        (true, _) => dvc_word(d),
        (false, 0..=5) => "Không",
        (false, _) => "Cung cấp thông tin",
    }
}

fn kenh_text(k: Kenh) -> &'static str {
    match k {
        Kenh::Online => KENH_TRUC_TUYEN,
        Kenh::Direct => KENH_TRUC_TIEP,
        Kenh::Postal => KENH_BUU_CHINH,
    }
}

/// ma_ho_so: unit code, receipt date yymmdd, running number.
fn push_code(out: &mut Vec<u8>, row: &Row, cal: &Calendar) {
    out.extend_from_slice(UNITS[row.unit].ma.as_bytes());
    out.push(b'-');
    let d = row.nhan.map(|a| a.day).unwrap_or(0) as usize;
    let dmy = &cal.dmy[d];
    out.extend_from_slice(&dmy[8..10]);
    out.extend_from_slice(&dmy[3..5]);
    out.extend_from_slice(&dmy[0..2]);
    out.push(b'-');
    push_u64(out, row.seq, 7);
}

fn write_csv_row(out: &mut Vec<u8>, row: &Row, cal: &Calendar, cells: &CsvCells) {
    push_code(out, row, cal);
    out.push(b',');
    out.extend_from_slice(&cells.units[row.named]);
    out.push(b',');
    out.extend_from_slice(cells.caps[row.unit]);
    out.push(b',');
    out.extend_from_slice(&cells.proc_ma[row.proc]);
    out.push(b',');
    out.extend_from_slice(&cells.proc_ten[row.proc]);
    out.push(b',');
    out.extend_from_slice(&cells.proc_lv[row.proc]);
    out.push(b',');
    out.extend_from_slice(kenh_text(row.kenh).as_bytes());
    for at in [row.nhan, row.hen, row.ket_thuc, row.tra] {
        out.push(b',');
        push_at(out, cal, at);
    }
    out.push(b',');
    out.extend_from_slice(row.status.as_bytes());
    out.push(b',');
    out.extend_from_slice(yes_no(row.so_hoa_hs));
    out.push(b',');
    if let Some(b) = row.so_hoa_kq {
        out.extend_from_slice(yes_no(b));
    }
    out.push(b',');
    out.extend_from_slice(dvc_text(row).as_bytes());
    out.push(b',');
    out.extend_from_slice(yes_no(row.fee));
    out.push(b',');
    if row.fee {
        out.extend_from_slice(yes_no(row.paid));
    }
    out.push(b',');
    if row.fee {
        out.extend_from_slice(&cells.fees[row.proc][row.pages as usize - 1]);
    }
    out.push(b'\n');
}

fn headers(vi: bool) -> &'static [&'static str; 18] {
    if vi { &HEADERS_VI } else { &FIELDS }
}

fn run_csv(args: &Args, cal: &Calendar, cat: &Catalog) -> std::io::Result<()> {
    let file = File::create(&args.out)?;
    let mut w = BufWriter::with_capacity(1 << 22, file);
    let mut line = String::new();
    push_line(&mut line, headers(args.vi), ',');
    w.write_all(line.trim_end().as_bytes())?;
    w.write_all(b"\n")?;
    let cells = CsvCells::new(cat);
    let mut g = Gen {
        rng: Rng::new(args.seed),
        cal,
        cat,
    };
    let mut buf = Vec::with_capacity(1 << 16);
    for seq in 1..=args.rows {
        let row = g.row(seq);
        write_csv_row(&mut buf, &row, cal, &cells);
        if buf.len() > 60_000 {
            w.write_all(&buf)?;
            buf.clear();
        }
    }
    w.write_all(&buf)?;
    w.flush()
}

// ---------------------------------------------------------------- xlsx

fn run_xlsx(args: &Args, cal: &Calendar, cat: &Catalog) -> Result<(), rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    wb.set_properties(&xlsx_properties("Danh sách hồ sơ", cal.first));
    let ws = wb.add_worksheet();
    ws.set_name("Danh sách hồ sơ")?;
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd/mm/yyyy hh:mm:ss");
    let money = Format::new().set_num_format("#,##0");
    for (c, h) in headers(args.vi).iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    let mut g = Gen {
        rng: Rng::new(args.seed),
        cal,
        cat,
    };
    let mut code = Vec::with_capacity(40);
    for seq in 1..=args.rows {
        let row = g.row(seq);
        let r = seq as u32;
        let u = &UNITS[row.unit];
        let p = &PROCS[row.proc];
        code.clear();
        push_code(&mut code, &row, cal);
        ws.write_string(r, 0, std::str::from_utf8(&code).unwrap())?;
        let name = cat.names.as_ref().map_or(u.ten, |n| n[row.named].as_str());
        ws.write_string(r, 1, name)?;
        ws.write_string(
            r,
            2,
            if u.cap == Cap::Huyen {
                "Cấp huyện"
            } else {
                "Cấp xã"
            },
        )?;
        ws.write_string(r, 3, p.ma)?;
        ws.write_string(r, 4, p.ten)?;
        ws.write_string(r, 5, p.linh_vuc)?;
        ws.write_string(r, 6, kenh_text(row.kenh))?;
        for (i, at) in [row.nhan, row.hen, row.ket_thuc, row.tra]
            .into_iter()
            .enumerate()
        {
            if let Some(at) = at {
                let serial = cal.serial0 + at.day as f64 + at.sec as f64 / 86_400.0;
                ws.write_datetime_with_format(
                    r,
                    7 + i as u16,
                    ExcelDateTime::from_serial_datetime(serial)?,
                    &date,
                )?;
            }
        }
        ws.write_string(r, 11, row.status)?;
        let yn = |b: bool| if b { "Có" } else { "Không" };
        ws.write_string(r, 12, yn(row.so_hoa_hs))?;
        if let Some(b) = row.so_hoa_kq {
            ws.write_string(r, 13, yn(b))?;
        }
        ws.write_string(r, 14, dvc_text(&row))?;
        ws.write_string(r, 15, yn(row.fee))?;
        if row.fee {
            ws.write_string(r, 16, yn(row.paid))?;
            ws.write_number_with_format(r, 17, (p.phi * row.pages) as f64, &money)?;
        }
    }
    ws.set_column_width(1, 30)?;
    ws.set_column_width(4, 50)?;
    for c in 7..=10 {
        ws.set_column_width(c, 19)?;
    }
    wb.save(&args.out)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("lỗi: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let xlsx = args
        .out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if xlsx && args.rows > 1_048_575 {
        eprintln!("lỗi: một trang tính Excel chứa tối đa 1.048.575 dòng dữ liệu; hãy xuất CSV");
        return ExitCode::from(2);
    }
    let started = Instant::now();
    let cal = Calendar::new(args.year, args.months);
    let cat = Catalog::new(args.units);
    let result = if xlsx {
        run_xlsx(&args, &cal, &cat).map_err(|e| e.to_string())
    } else {
        run_csv(&args, &cal, &cat).map_err(|e| e.to_string())
    };
    if let Err(e) = result {
        eprintln!("lỗi: không ghi được {}: {e}", args.out.display());
        return ExitCode::from(1);
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{}: {} hồ sơ, {:.1} giây ({:.0} dòng/giây), từ {}",
        args.out.display(),
        args.rows,
        secs,
        args.rows as f64 / secs.max(1e-9),
        cal.first
    );
    ExitCode::SUCCESS
}
