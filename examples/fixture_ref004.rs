//! Builds `tests/fixtures/ref004/`: a set of dossiers whose SPEC §4 figures
//! for 23/10/2023–22/11/2023 are exactly those of the district report
//! `reference/004_*.txt` (sections 2.2–2.4), written in six input shapes.
//!
//! ```text
//! cargo run --release --example fixture_ref004 [-- OUT_DIR]
//! ```
//!
//! Built by construction: the exact count of every bucket (received in the
//! period or carried over × outcome, and the channel / online-service / fee /
//! paid / digitised attributes the ratios count) is enumerated first, then
//! the dossiers are spread over units, procedures and dates with a seeded
//! PRNG, so the output is the same on every run. The edge cases are written
//! out by hand below and listed in the generated README.
//!
//! Self-contained: does not use the `cctthc` library.

#[path = "common/mod.rs"]
mod common;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use common::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const SEED: u64 = 420_231_122;

fn s_day() -> NaiveDate {
    ymd(2023, 10, 23)
}
fn e_day() -> NaiveDate {
    ymd(2023, 11, 22)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum When {
    /// Received in the period (`trong_ky`).
    TrongKy,
    /// Received before it and not ended before it (`ky_truoc`).
    KyTruoc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Truoc,
    Dung,
    Qua,
    Dang,
    Tam,
    TraLai,
}

impl Outcome {
    fn label(self) -> &'static str {
        match self {
            Outcome::Truoc => "da_giai_quyet.truoc_han",
            Outcome::Dung => "da_giai_quyet.dung_han",
            Outcome::Qua => "da_giai_quyet.qua_han",
            Outcome::Dang => "dang_giai_quyet.trong_han",
            Outcome::Tam => "tam_dung",
            Outcome::TraLai => "tra_lai",
        }
    }
    fn resolved(self) -> bool {
        matches!(self, Outcome::Truoc | Outcome::Dung | Outcome::Qua)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kenh {
    Online,
    Direct,
    Postal,
}

/// What the ratios count about a dossier received in the period.
#[derive(Clone, Copy, Debug)]
struct Attr {
    kenh: Kenh,
    dvc: bool,
    fee: bool,
    paid: bool,
    sohoa: bool,
}

/// Where a final row falls.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Bucket {
    Counted(Cap, When, Outcome),
    /// Received, but outside the figures of the period.
    Excluded,
    /// Not-received status: left out of every figure.
    NotReceived,
}

#[derive(Clone)]
struct Dos {
    ma: String,
    unit: usize,
    cap_cell: String,
    proc: usize,
    kenh: String,
    nhan: Option<(NaiveDateTime, DateStyle)>,
    hen: Option<(NaiveDateTime, DateStyle)>,
    ket_thuc: Option<(NaiveDateTime, DateStyle)>,
    tra: Option<(NaiveDateTime, DateStyle)>,
    trang_thai: String,
    so_hoa_hs: String,
    so_hoa_kq: String,
    dvc: String,
    nvtc: String,
    tttt: String,
    phi: String,
    bucket: Bucket,
    /// Set for the hand-written edge cases.
    edge: Option<String>,
    /// Receipt (or registration) time, to order the file and number codes.
    sort_key: NaiveDateTime,
}

fn at(v: NaiveDateTime) -> Option<(NaiveDateTime, DateStyle)> {
    Some((v, DateStyle::DmyHms))
}

fn styled(v: NaiveDateTime, st: DateStyle) -> Option<(NaiveDateTime, DateStyle)> {
    Some((st.truncate(v), st))
}

impl Dos {
    fn cells(&self) -> Vec<String> {
        let d = |v: &Option<(NaiveDateTime, DateStyle)>| match v {
            Some((t, st)) => st.format(*t),
            None => String::new(),
        };
        let p = &PROCS[self.proc];
        vec![
            self.ma.clone(),
            UNITS[self.unit].ten.to_string(),
            self.cap_cell.clone(),
            p.ma.to_string(),
            p.ten.to_string(),
            p.linh_vuc.to_string(),
            self.kenh.clone(),
            d(&self.nhan),
            d(&self.hen),
            d(&self.ket_thuc),
            d(&self.tra),
            self.trang_thai.clone(),
            self.so_hoa_hs.clone(),
            self.so_hoa_kq.clone(),
            self.dvc.clone(),
            self.nvtc.clone(),
            self.tttt.clone(),
            self.phi.clone(),
        ]
    }

    fn dates(&self) -> [Option<(NaiveDateTime, DateStyle)>; 4] {
        [self.nhan, self.hen, self.ket_thuc, self.tra]
    }
}

// ---------------------------------------------------------------- pools

fn pool(cap: Cap, fee: Option<bool>, dvc: Option<bool>) -> Vec<usize> {
    (0..PROCS.len())
        .filter(|&i| {
            let p = &PROCS[i];
            p.cap == cap
                && fee.is_none_or(|f| (p.phi > 0) == f)
                && dvc.is_none_or(|d| p.dvc.online() == d)
        })
        .collect()
}

fn pick_proc(rng: &mut Rng, pool: &[usize]) -> usize {
    let w: Vec<u32> = pool.iter().map(|&i| PROCS[i].weight).collect();
    pool[rng.weighted(&w)]
}

fn pick_commune(rng: &mut Rng) -> usize {
    let w: Vec<u32> = UNITS[FIRST_XA..].iter().map(|u| u.weight).collect();
    FIRST_XA + rng.weighted(&w)
}

fn unit_for(rng: &mut Rng, proc: usize) -> usize {
    match PROCS[proc].cap {
        Cap::Huyen => PROCS[proc].don_vi,
        Cap::Xa => pick_commune(rng),
    }
}

// ---------------------------------------------------------------- cells

fn cap_cell(rng: &mut Rng, unit: usize) -> String {
    let u = &UNITS[unit];
    let r = rng.f64();
    let s = match u.cap {
        Cap::Huyen => {
            if r < 0.55 {
                "Cấp huyện"
            } else if r < 0.70 {
                "huyen"
            } else if r < 0.80 {
                "huyện"
            } else {
                ""
            }
        }
        Cap::Xa => {
            if u.ten.starts_with("UBND thị trấn") && r < 0.5 {
                "thị trấn"
            } else if r < 0.55 {
                "Cấp xã"
            } else if r < 0.70 {
                "xa"
            } else if r < 0.80 {
                "xã"
            } else {
                ""
            }
        }
    };
    s.to_string()
}

fn kenh_cell(rng: &mut Rng, k: Kenh) -> String {
    let r = rng.f64();
    match k {
        Kenh::Online => {
            if r < 0.85 {
                "Trực tuyến"
            } else if r < 0.95 {
                "2"
            } else {
                "online"
            }
        }
        Kenh::Direct => {
            if r < 0.80 {
                "Trực tiếp"
            } else if r < 0.94 {
                "1"
            } else {
                ""
            }
        }
        Kenh::Postal => *rng.pick(&["Bưu chính công ích", "Bưu chính", "BCCI", "3"]),
    }
    .to_string()
}

fn status_cell(rng: &mut Rng, o: Outcome) -> String {
    let r = rng.f64();
    match o {
        Outcome::Truoc | Outcome::Dung | Outcome::Qua => {
            if r < 0.60 {
                "Đã trả kết quả"
            } else if r < 0.72 {
                "Đã xử lý xong"
            } else if r < 0.77 {
                "Đã có kết quả"
            } else if r < 0.82 {
                "Hoàn thành"
            } else if r < 0.91 {
                "10"
            } else {
                "9"
            }
        }
        Outcome::Dang => {
            if r < 0.50 {
                "Đang xử lý"
            } else if r < 0.68 {
                "Được tiếp nhận"
            } else if r < 0.78 {
                "Đang giải quyết"
            } else if r < 0.84 {
                "Chờ xử lý"
            } else if r < 0.92 {
                "2"
            } else {
                "4"
            }
        }
        Outcome::Tam => *rng.pick(&ST_TAM_DUNG),
        Outcome::TraLai => *rng.pick(&ST_TRA_LAI),
    }
    .to_string()
}

fn dvc_cell(rng: &mut Rng, proc: usize) -> String {
    let d = PROCS[proc].dvc;
    let r = rng.f64();
    if d.online() {
        if r < 0.50 {
            "Có".into()
        } else if r < 0.85 {
            dvc_word(d).into()
        } else {
            yes_word(rng, 1.0).into()
        }
    } else if r < 0.5 {
        "Cung cấp thông tin".into()
    } else {
        no_word(rng, 0.4).into()
    }
}

fn phi_cell(rng: &mut Rng, proc: usize, fee: bool) -> String {
    if !fee {
        return if rng.chance(0.3) {
            "0".into()
        } else {
            String::new()
        };
    }
    let amount = fee_amount(&PROCS[proc], rng) as u64;
    let r = rng.f64();
    if r < 0.80 {
        fmt_vnd(amount)
    } else if r < 0.97 {
        amount.to_string()
    } else {
        // An odd half-đồng amount, as SPEC §1 allows.
        format!("{},5", fmt_vnd(amount))
    }
}

// ---------------------------------------------------------------- building

struct Builder {
    rng: Rng,
}

impl Builder {
    /// A dossier with every cell filled from its attributes; dates and
    /// status are set by the caller.
    fn base(&mut self, cap: Cap, attr: Attr, proc: Option<usize>, unit: Option<usize>) -> Dos {
        let rng = &mut self.rng;
        let proc = proc.unwrap_or_else(|| {
            let pl = pool(cap, Some(attr.fee), Some(attr.dvc));
            let pl: Vec<usize> = match unit {
                Some(u) if UNITS[u].cap == Cap::Huyen => {
                    pl.into_iter().filter(|&p| PROCS[p].don_vi == u).collect()
                }
                _ => pl,
            };
            pick_proc(rng, &pl)
        });
        let unit = unit.unwrap_or_else(|| unit_for(rng, proc));
        let fee = attr.fee;
        Dos {
            ma: String::new(),
            unit,
            cap_cell: cap_cell(rng, unit),
            proc,
            kenh: kenh_cell(rng, attr.kenh),
            nhan: None,
            hen: None,
            ket_thuc: None,
            tra: None,
            trang_thai: String::new(),
            so_hoa_hs: if attr.sohoa {
                yes_word(rng, 0.25)
            } else {
                no_word(rng, 0.5)
            }
            .into(),
            so_hoa_kq: String::new(),
            dvc: dvc_cell(rng, proc),
            nvtc: if fee {
                yes_word(rng, 0.25)
            } else {
                no_word(rng, 0.4)
            }
            .into(),
            tttt: if fee && attr.paid {
                if rng.chance(0.1) {
                    "2".into()
                } else {
                    yes_word(rng, 0.25).into()
                }
            } else if fee {
                no_word(rng, 0.5).into()
            } else if rng.chance(0.6) {
                String::new()
            } else {
                "Không".into()
            },
            phi: phi_cell(rng, proc, fee),
            bucket: Bucket::Excluded,
            edge: None,
            sort_key: NaiveDateTime::MIN,
        }
    }

    /// A random attribute set for a carried-over or excluded dossier.
    fn loose_attr(&mut self, cap: Cap) -> (Attr, usize) {
        let rng = &mut self.rng;
        let proc = pick_proc(rng, &pool(cap, None, None));
        let p = &PROCS[proc];
        let kenh = if !p.dvc.online() {
            Kenh::Direct
        } else {
            let r = rng.f64();
            if r < 0.88 {
                Kenh::Online
            } else if r < 0.97 {
                Kenh::Direct
            } else {
                Kenh::Postal
            }
        };
        let fee = p.phi > 0;
        let attr = Attr {
            kenh,
            dvc: p.dvc.online(),
            fee,
            paid: fee && kenh == Kenh::Online && rng.chance(0.9),
            sohoa: rng.chance(0.95),
        };
        (attr, proc)
    }

    /// Receipt time by channel: counters are open on working days in office
    /// hours; online dossiers come any time, mostly in office hours.
    fn receipt(&mut self, day: NaiveDate, kenh: Kenh) -> Option<NaiveDateTime> {
        let rng = &mut self.rng;
        if kenh != Kenh::Online {
            return is_workday(day).then(|| day.and_time(office_time(rng)));
        }
        if !is_workday(day) && !rng.chance(0.25) {
            return None;
        }
        let t = if rng.chance(0.82) && is_workday(day) {
            office_time(rng)
        } else {
            any_time(rng)
        };
        Some(day.and_time(t))
    }

    /// An end time on `day`, after `after` when that is the same day.
    fn end_on(&mut self, day: NaiveDate, after: NaiveDateTime) -> NaiveDateTime {
        let rng = &mut self.rng;
        if day == after.date() {
            let from = after + Duration::minutes(5);
            if from.date() != day {
                return after;
            }
            let last = day.and_hms_opt(23, 59, 59).unwrap();
            let span = (last - from).num_seconds().min(6 * 3600);
            from + Duration::seconds(rng.range(0, span))
        } else {
            day.and_time(office_time(rng))
        }
    }

    /// Skewed towards `lo`: most dossiers finish quickly.
    fn day_between(&mut self, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
        let n = (hi - lo).num_days() + 1;
        let u = self.rng.f64();
        lo + Duration::days(((n as f64) * u * u) as i64)
    }

    /// Sets dates and status so that the dossier lands in (when, outcome).
    /// Returns false when this draw cannot (the caller redraws).
    fn place(&mut self, d: &mut Dos, attr: Attr, when: When, o: Outcome) -> bool {
        let (s, e) = (s_day(), e_day());
        let day = match when {
            When::TrongKy => s + Duration::days(self.rng.range(0, (e - s).num_days())),
            When::KyTruoc => {
                let u = self.rng.f64();
                s - Duration::days(1 + (40.0 * u * u) as i64)
            }
        };
        let Some(r) = self.receipt(day, attr.kenh) else {
            return false;
        };
        let due = due_for(r, PROCS[d.proc].ngay);
        let lo = r.date().max(s);
        let end = match o {
            Outcome::Truoc => {
                let hi = (due.date() - Duration::days(1)).min(e);
                if lo > hi {
                    return false;
                }
                let day = self.day_between(lo, hi);
                Some(self.end_on(day, r))
            }
            Outcome::Dung => {
                if due.date() < lo || due.date() > e {
                    return false;
                }
                Some(self.end_on(due.date(), r))
            }
            Outcome::Qua => {
                let lo = lo.max(due.date() + Duration::days(1));
                if lo > e {
                    return false;
                }
                let day = self.day_between(lo, e);
                Some(self.end_on(day, r))
            }
            Outcome::TraLai => {
                let hi = e.min(r.date() + Duration::days(10));
                if lo > hi {
                    return false;
                }
                let day = self.day_between(lo, hi);
                Some(self.end_on(day, r))
            }
            Outcome::Dang => {
                if due.date() < e {
                    return false;
                }
                None
            }
            Outcome::Tam => None,
        };
        d.nhan = at(r);
        d.hen = at(due);
        d.trang_thai = status_cell(&mut self.rng, o);
        if let Some(end) = end {
            self.set_end(d, end, o);
        }
        d.so_hoa_kq = match o {
            Outcome::Dang | Outcome::Tam => {
                if self.rng.chance(0.7) {
                    String::new()
                } else {
                    no_word(&mut self.rng, 0.5).into()
                }
            }
            Outcome::TraLai => String::new(),
            _ => String::new(), // set by the digitisation pass
        };
        true
    }

    /// End and hand-over dates consistent with the status: a dossier that
    /// is "Đã xử lý xong" (9) has no hand-over yet; a few carry the end only
    /// in the hand-over column.
    fn set_end(&mut self, d: &mut Dos, end: NaiveDateTime, o: Outcome) {
        let handed = !matches!(d.trang_thai.as_str(), "Đã xử lý xong" | "9");
        if o.resolved() && handed {
            let tra = if self.rng.chance(0.7) {
                end + Duration::minutes(self.rng.range(0, 90))
            } else {
                let day = end.date() + Duration::days(self.rng.range(1, 3));
                day.and_time(office_time(&mut self.rng))
            };
            if self.rng.chance(0.03) {
                // Only the hand-over date: the end must come from it, so it
                // is the end itself here.
                d.ket_thuc = None;
                d.tra = at(end);
            } else {
                d.ket_thuc = at(end);
                d.tra = at(tra);
            }
        } else {
            d.ket_thuc = at(end);
            d.tra = None;
        }
    }
}

/// The counts of reference 004, by level: (when, outcome) → n.
fn quotas(cap: Cap) -> Vec<(When, Outcome, usize)> {
    use Outcome::*;
    use When::*;
    match cap {
        Cap::Huyen => vec![
            (TrongKy, Truoc, 141),
            (TrongKy, Dung, 5),
            (TrongKy, Dang, 10),
            (TrongKy, TraLai, 2),
            (KyTruoc, Truoc, 30),
            (KyTruoc, Dung, 4),
            (KyTruoc, Dang, 1),
            (KyTruoc, TraLai, 1),
        ],
        Cap::Xa => vec![
            (TrongKy, Truoc, 3658),
            (TrongKy, Dung, 77),
            (TrongKy, Dang, 508),
            (TrongKy, Tam, 30),
            (TrongKy, TraLai, 2),
            (KyTruoc, Truoc, 180),
            (KyTruoc, Dung, 9),
            (KyTruoc, Qua, 1),
            (KyTruoc, Dang, 8),
            (KyTruoc, Tam, 5),
            (KyTruoc, TraLai, 1),
        ],
    }
}

/// The attributes of the dossiers received in the period, by level, with
/// the exact counts the ratios of reference 004 need.
fn trong_ky_attrs(cap: Cap, rng: &mut Rng) -> Vec<Attr> {
    let a = |kenh, dvc, fee, paid| Attr {
        kenh,
        dvc,
        fee,
        paid,
        sohoa: true,
    };
    let mut v = Vec::new();
    let mut push = |n: usize, x: Attr| v.extend(std::iter::repeat_n(x, n));
    match cap {
        Cap::Huyen => {
            // 158 online; 137 with a fee, 126 of them paid online.
            push(126, a(Kenh::Online, true, true, true));
            push(11, a(Kenh::Online, true, true, false));
            push(21, a(Kenh::Online, true, false, false));
        }
        Cap::Xa => {
            // 4.224 online + 51 direct; online service: 4.224 + 2 = 4.226;
            // fee: 3.263 online + the 2 direct online-service ones = 3.265,
            // 3.147 paid online.
            push(3147, a(Kenh::Online, true, true, true));
            push(116, a(Kenh::Online, true, true, false));
            push(961, a(Kenh::Online, true, false, false));
            push(2, a(Kenh::Direct, true, true, false));
            push(49, a(Kenh::Direct, false, false, false));
            // Not digitised at intake: 50 = 30 of the direct + 20 online.
            let direct: Vec<usize> = (0..v.len())
                .filter(|&i| v[i].kenh == Kenh::Direct)
                .collect();
            let online: Vec<usize> = (0..v.len())
                .filter(|&i| v[i].kenh == Kenh::Online)
                .collect();
            let mut direct = direct;
            let mut online = online;
            rng.shuffle(&mut direct);
            rng.shuffle(&mut online);
            for &i in direct.iter().take(30).chain(online.iter().take(20)) {
                v[i].sohoa = false;
            }
        }
    }
    rng.shuffle(&mut v);
    v
}

/// One hand-written dossier.
struct Edge {
    cap: Cap,
    bucket: Bucket,
    kenh: Kenh,
    /// Procedure by code (else drawn from the attributes).
    proc: Option<&'static str>,
    unit: Option<&'static str>,
    nhan: Option<(NaiveDateTime, DateStyle)>,
    hen: Option<(NaiveDateTime, DateStyle)>,
    ket_thuc: Option<(NaiveDateTime, DateStyle)>,
    tra: Option<(NaiveDateTime, DateStyle)>,
    status: &'static str,
    why: &'static str,
}

fn edges() -> Vec<Edge> {
    use Bucket::*;
    use Outcome::*;
    use When::*;
    let c = |cap, w, o| Counted(cap, w, o);
    let (h, x) = (Cap::Huyen, Cap::Xa);
    let on = Kenh::Online;
    let e = |cap, bucket, kenh, nhan, hen, ket_thuc, tra, status, why| Edge {
        cap,
        bucket,
        kenh,
        proc: None,
        unit: None,
        nhan,
        hen,
        ket_thuc,
        tra,
        status,
        why,
    };
    let t = dt;
    vec![
        // ---- huyện
        e(
            h,
            c(h, TrongKy, Dang),
            on,
            at(t(2023, 11, 22, 23, 59, 0)),
            at(t(2023, 11, 28, 17, 0, 0)),
            None,
            None,
            "Được tiếp nhận",
            "received 22/11 23:59 (last minute of the period), open",
        ),
        e(
            h,
            c(h, KyTruoc, Truoc),
            on,
            at(t(2023, 10, 19, 9, 12, 37)),
            at(t(2023, 10, 25, 9, 12, 37)),
            at(t(2023, 10, 23, 7, 45, 10)),
            at(t(2023, 10, 23, 9, 0, 0)),
            "Đã trả kết quả",
            "received before the period, ended 23/10 (its first day): carried over and resolved",
        ),
        e(
            h,
            c(h, TrongKy, Dung),
            on,
            at(t(2023, 10, 30, 14, 20, 5)),
            at(t(2023, 11, 2, 8, 0, 0)),
            at(t(2023, 11, 2, 16, 35, 0)),
            at(t(2023, 11, 2, 16, 40, 0)),
            "Hoàn thành",
            "ended on its due date, hours after the due time: on time (dates compare, not times)",
        ),
        e(
            h,
            c(h, KyTruoc, Dang),
            on,
            at(t(2023, 10, 22, 23, 59, 59)),
            at(t(2023, 11, 24, 17, 0, 0)),
            None,
            None,
            "Đang xử lý",
            "received 22/10 23:59:59, the last second before the period, open: carried over",
        ),
        e(
            h,
            c(h, TrongKy, Dang),
            on,
            at(t(2023, 11, 20, 10, 0, 0)),
            at(t(2023, 11, 24, 10, 0, 0)),
            at(t(2023, 11, 23, 8, 0, 0)),
            at(t(2023, 11, 23, 8, 30, 0)),
            "Đã trả kết quả",
            "resolved on 23/11, after the period: still in progress at its end",
        ),
        e(
            h,
            c(h, TrongKy, Truoc),
            on,
            at(t(2023, 11, 22, 21, 10, 0)),
            at(t(2023, 11, 24, 17, 0, 0)),
            at(t(2023, 11, 22, 23, 59, 59)),
            at(t(2023, 11, 23, 8, 0, 0)),
            "10",
            "ended 22/11 23:59:59, the last second of the period",
        ),
        e(
            h,
            Excluded,
            on,
            at(t(2023, 10, 18, 8, 30, 0)),
            at(t(2023, 10, 23, 8, 30, 0)),
            at(t(2023, 10, 22, 23, 59, 59)),
            at(t(2023, 10, 23, 8, 0, 0)),
            "Đã trả kết quả",
            "ended 22/10 23:59:59, before the period (handed over 23/10, but the end date decides): left out",
        ),
        e(
            h,
            Excluded,
            on,
            at(t(2023, 11, 23, 0, 0, 0)),
            at(t(2023, 11, 28, 17, 0, 0)),
            None,
            None,
            "Được tiếp nhận",
            "received 23/11 00:00:00, after the period: left out",
        ),
        e(
            h,
            Excluded,
            on,
            at(t(2023, 10, 10, 9, 40, 0)),
            at(t(2023, 10, 13, 9, 40, 0)),
            at(t(2023, 10, 20, 10, 0, 0)),
            None,
            "Trả lại hồ sơ",
            "returned on 20/10, before the period: left out",
        ),
        e(
            h,
            Excluded,
            on,
            at(t(2023, 10, 12, 14, 0, 0)),
            at(t(2023, 10, 17, 14, 0, 0)),
            at(t(2023, 10, 20, 0, 0, 0)).map(|(v, _)| (v, DateStyle::DmyDate)),
            at(t(2023, 10, 24, 9, 0, 0)),
            "Đã trả kết quả",
            "ended 20/10 (date only), handed over 24/10 in the period: the end decides, left out",
        ),
        // ---- xã
        e(
            x,
            c(x, TrongKy, Dang),
            on,
            at(t(2023, 11, 22, 23, 59, 0)),
            at(t(2023, 11, 24, 17, 0, 0)),
            None,
            None,
            "Được tiếp nhận",
            "received 22/11 23:59, open",
        ),
        e(
            x,
            c(x, TrongKy, Dang),
            on,
            styled(t(2023, 11, 22, 23, 59, 59), DateStyle::IsoT),
            styled(t(2023, 11, 24, 17, 0, 0), DateStyle::IsoT),
            None,
            None,
            "2",
            "received 2023-11-22T23:59:59 (ISO form), status code 2",
        ),
        e(
            x,
            c(x, KyTruoc, Truoc),
            on,
            at(t(2023, 10, 20, 15, 0, 0)),
            at(t(2023, 10, 24, 15, 0, 0)),
            at(t(2023, 10, 23, 0, 0, 0)),
            at(t(2023, 10, 23, 7, 40, 0)),
            "Đã trả kết quả",
            "carried over, ended 23/10 00:00:00, the first second of the period",
        ),
        e(
            x,
            c(x, KyTruoc, Dung),
            on,
            at(t(2023, 10, 18, 10, 0, 0)),
            at(t(2023, 10, 23, 10, 0, 0)),
            at(t(2023, 10, 23, 15, 30, 0)),
            at(t(2023, 10, 23, 15, 45, 0)),
            "Đã có kết quả",
            "carried over, ended 23/10 15:30 on its due date (due 10:00): on time",
        ),
        e(
            x,
            c(x, TrongKy, Dung),
            on,
            at(t(2023, 11, 7, 8, 0, 0)),
            at(t(2023, 11, 10, 8, 0, 0)),
            at(t(2023, 11, 10, 17, 30, 0)),
            at(t(2023, 11, 10, 17, 35, 0)),
            "Đã trả kết quả",
            "due 10/11 08:00, ended 10/11 17:30: on time",
        ),
        e(
            x,
            c(x, TrongKy, Dang),
            on,
            at(t(2023, 11, 21, 9, 0, 0)),
            at(t(2023, 11, 24, 9, 0, 0)),
            at(t(2023, 11, 24, 10, 0, 0)),
            at(t(2023, 11, 24, 10, 5, 0)),
            "Đã trả kết quả",
            "resolved 24/11, after the period: in progress at its end",
        ),
        e(
            x,
            c(x, TrongKy, Dang),
            on,
            at(t(2023, 11, 20, 14, 0, 0)),
            at(t(2023, 11, 27, 14, 0, 0)),
            at(t(2023, 11, 23, 9, 0, 0)),
            None,
            "Trả lại hồ sơ",
            "returned 23/11, after the period: in progress at its end (not tra_lai)",
        ),
        e(
            x,
            c(x, TrongKy, Dang),
            on,
            at(t(2023, 11, 21, 15, 0, 0)),
            at(t(2023, 11, 28, 15, 0, 0)),
            at(t(2023, 11, 25, 8, 0, 0)),
            None,
            "Xin rút",
            "withdrawn 25/11, after the period: in progress at its end (not rut)",
        ),
        e(
            x,
            c(x, TrongKy, Dang),
            on,
            at(t(2023, 11, 17, 7, 30, 0)),
            at(t(2023, 11, 22, 7, 30, 0)),
            None,
            None,
            "Đang xử lý",
            "open, due 22/11 07:30 = the period's last day: trong_han",
        ),
        e(
            x,
            c(x, TrongKy, Tam),
            on,
            at(t(2023, 11, 1, 9, 0, 0)),
            at(t(2023, 11, 6, 9, 0, 0)),
            None,
            None,
            "5",
            "paused (code 5), due 06/11 already past: tam_dung, not overdue",
        ),
        e(
            x,
            c(x, TrongKy, Tam),
            on,
            at(t(2023, 11, 2, 10, 0, 0)),
            at(t(2023, 11, 7, 10, 0, 0)),
            None,
            None,
            "6",
            "paused (code 6), due 07/11",
        ),
        e(
            x,
            c(x, KyTruoc, Tam),
            on,
            at(t(2023, 10, 10, 8, 45, 0)),
            at(t(2023, 10, 13, 8, 45, 0)),
            None,
            None,
            "Yêu cầu bổ sung giấy tờ",
            "carried over, paused since before the period",
        ),
        Edge {
            proc: Some("1.010823"),
            unit: Some("UBND xã Tái Sơn"),
            ..e(
                x,
                c(x, KyTruoc, Qua),
                on,
                at(t(2023, 10, 9, 8, 15, 0)),
                at(t(2023, 10, 20, 8, 15, 0)),
                at(t(2023, 10, 24, 10, 20, 0)),
                at(t(2023, 10, 24, 14, 0, 0)),
                "Đã trả kết quả",
                "the one overdue: due 20/10, ended 24/10",
            )
        },
        e(
            x,
            c(x, TrongKy, Truoc),
            on,
            at(t(2023, 10, 25, 9, 0, 0)),
            at(t(2023, 10, 27, 9, 0, 0)),
            None,
            at(t(2023, 10, 26, 10, 0, 0)),
            "Đã trả kết quả",
            "no end date: the hand-over date (26/10) stands in",
        ),
        e(
            x,
            c(x, TrongKy, Truoc),
            on,
            at(t(2023, 11, 6, 8, 0, 0)),
            at(t(2023, 11, 9, 8, 0, 0)),
            at(t(2023, 11, 8, 16, 0, 0)),
            at(t(2023, 11, 30, 9, 0, 0)),
            "Đã trả kết quả",
            "ended 08/11, handed over 30/11 after the period: resolved in the period",
        ),
        e(
            x,
            c(x, KyTruoc, TraLai),
            on,
            at(t(2023, 10, 19, 10, 0, 0)),
            at(t(2023, 10, 24, 10, 0, 0)),
            at(t(2023, 10, 23, 9, 0, 0)),
            None,
            "Dừng xử lý",
            "carried over, returned 23/10",
        ),
        e(
            x,
            c(x, TrongKy, Truoc),
            on,
            at(t(2023, 11, 22, 20, 0, 0)),
            at(t(2023, 11, 24, 17, 0, 0)),
            at(t(2023, 11, 22, 23, 59, 59)),
            None,
            "9",
            "ended 22/11 23:59:59 (status code 9, not yet handed over)",
        ),
        e(
            x,
            c(x, TrongKy, Dung),
            on,
            styled(t(2023, 11, 1, 0, 0, 0), DateStyle::IsoDate),
            styled(t(2023, 11, 3, 0, 0, 0), DateStyle::DmyDate),
            styled(t(2023, 11, 3, 15, 5, 0), DateStyle::DmyHmShort),
            styled(t(2023, 11, 3, 15, 20, 0), DateStyle::DmyHmShort),
            "Đã trả kết quả",
            "dates as 2023-11-01, 03/11/2023 and 3/11/2023 15:05: on time",
        ),
        e(
            x,
            c(x, TrongKy, Truoc),
            on,
            styled(t(2023, 11, 6, 8, 5, 0), DateStyle::DmyHmShort),
            styled(t(2023, 11, 9, 8, 5, 0), DateStyle::DmyHmShort),
            styled(t(2023, 11, 7, 10, 30, 0), DateStyle::IsoSpace),
            styled(t(2023, 11, 7, 10, 45, 0), DateStyle::IsoSpace),
            "Hoàn thành",
            "dates as 6/11/2023 08:05 and 2023-11-07 10:30:00",
        ),
        e(
            x,
            Excluded,
            on,
            at(t(2023, 10, 16, 9, 0, 0)),
            at(t(2023, 10, 19, 9, 0, 0)),
            at(t(2023, 10, 22, 23, 59, 59)),
            at(t(2023, 10, 23, 7, 35, 0)),
            "Đã trả kết quả",
            "ended 22/10 23:59:59, before the period: left out",
        ),
        e(
            x,
            Excluded,
            on,
            at(t(2023, 10, 12, 10, 0, 0)),
            at(t(2023, 10, 17, 10, 0, 0)),
            at(t(2023, 10, 20, 15, 0, 0)),
            None,
            "Công dân yêu cầu rút hồ sơ",
            "withdrawn 20/10, before the period: left out",
        ),
        e(
            x,
            Excluded,
            on,
            at(t(2023, 10, 14, 8, 0, 0)),
            at(t(2023, 10, 18, 8, 0, 0)),
            at(t(2023, 10, 21, 16, 0, 0)),
            at(t(2023, 10, 23, 8, 0, 0)),
            "Đã trả kết quả",
            "ended 21/10 (late), handed over 23/10: the end decides, left out",
        ),
        e(
            x,
            Excluded,
            on,
            at(t(2023, 11, 23, 0, 0, 0)),
            at(t(2023, 11, 24, 17, 0, 0)),
            None,
            None,
            "Được tiếp nhận",
            "received 23/11 00:00:00, after the period: left out",
        ),
        e(
            x,
            Excluded,
            on,
            at(t(2023, 11, 25, 8, 0, 0)),
            at(t(2023, 11, 27, 17, 0, 0)),
            at(t(2023, 11, 25, 10, 0, 0)),
            at(t(2023, 11, 25, 10, 10, 0)),
            "Đã trả kết quả",
            "received and resolved 25/11, after the period: left out",
        ),
        e(
            x,
            Excluded,
            on,
            at(t(2023, 11, 23, 8, 0, 0)),
            at(t(2023, 11, 27, 8, 0, 0)),
            at(t(2023, 11, 24, 9, 0, 0)),
            None,
            "7",
            "received 23/11, withdrawn (code 7) 24/11: left out",
        ),
        // ---- not received: out of every figure
        e(
            x,
            NotReceived,
            on,
            None,
            None,
            None,
            None,
            "Mới đăng ký",
            "not received yet, no dates",
        ),
        e(
            x,
            NotReceived,
            on,
            at(t(2023, 10, 30, 10, 0, 0)),
            at(t(2023, 11, 2, 10, 0, 0)),
            None,
            None,
            "Không được tiếp nhận",
            "refused, dated in the period",
        ),
        e(
            x,
            NotReceived,
            Kenh::Direct,
            at(t(2023, 11, 8, 14, 0, 0)),
            None,
            None,
            None,
            "Từ chối tiếp nhận",
            "refused at the counter, dated in the period",
        ),
        e(
            h,
            NotReceived,
            on,
            None,
            None,
            None,
            None,
            "1",
            "status code 1 (newly registered), no dates",
        ),
        e(
            x,
            NotReceived,
            on,
            at(t(2023, 11, 15, 9, 30, 0)),
            at(t(2023, 11, 17, 9, 30, 0)),
            None,
            None,
            "3",
            "status code 3 (refused), dated in the period",
        ),
        e(
            h,
            NotReceived,
            on,
            at(t(2023, 11, 22, 16, 0, 0)),
            None,
            None,
            None,
            "Mới đăng ký",
            "registered 22/11, not received",
        ),
    ]
}

struct Fixture {
    /// Rows in file order.
    rows: Vec<Dos>,
    /// (code, description) of each duplicate group.
    dup_notes: Vec<(String, String)>,
    finals: Vec<Dos>,
}

fn build() -> Fixture {
    let mut b = Builder {
        rng: Rng::new(SEED),
    };
    let mut finals: Vec<Dos> = Vec::new();

    let mut attrs: BTreeMap<Cap, Vec<Attr>> = BTreeMap::new();
    for cap in [Cap::Huyen, Cap::Xa] {
        attrs.insert(cap, trong_ky_attrs(cap, &mut b.rng));
    }
    let mut need: BTreeMap<(Cap, When, Outcome), usize> = BTreeMap::new();
    for cap in [Cap::Huyen, Cap::Xa] {
        for (w, o, n) in quotas(cap) {
            need.insert((cap, w, o), n);
        }
    }

    // Hand-written edges first; they use up quota and attributes.
    for edge in edges() {
        let (attr, proc) = match &edge.bucket {
            Bucket::Counted(cap, When::TrongKy, _) => {
                let list = attrs.get_mut(cap).unwrap();
                let i = list
                    .iter()
                    .position(|a| a.kenh == edge.kenh)
                    .expect("attribute left");
                (list.remove(i), None)
            }
            _ => {
                let (mut a, p) = b.loose_attr(edge.cap);
                if !PROCS[p].dvc.online() || edge.kenh == Kenh::Direct {
                    a.kenh = Kenh::Direct;
                } else {
                    a.kenh = edge.kenh;
                }
                (a, Some(p))
            }
        };
        let proc = match edge.proc {
            Some(code) => Some(
                (0..PROCS.len())
                    .find(|&i| PROCS[i].ma == code && PROCS[i].cap == edge.cap)
                    .unwrap(),
            ),
            None => proc,
        };
        let unit = edge.unit.map(unit_index);
        let mut attr = attr;
        if let Some(p) = proc {
            attr.fee = PROCS[p].phi > 0;
            attr.dvc = PROCS[p].dvc.online();
            attr.paid &= attr.fee;
        }
        let mut d = b.base(edge.cap, attr, proc, unit);
        d.nhan = edge.nhan;
        d.hen = edge.hen;
        d.ket_thuc = edge.ket_thuc;
        d.tra = edge.tra;
        d.trang_thai = edge.status.to_string();
        d.edge = Some(edge.why.to_string());
        if let Bucket::Counted(cap, w, o) = edge.bucket {
            let n = need.get_mut(&(cap, w, o)).unwrap();
            *n = n.checked_sub(1).expect("quota");
        }
        d.bucket = edge.bucket;
        finals.push(d);
    }

    // The rest by quota. Received-in-period dossiers take the remaining
    // attributes in (shuffled) order.
    for cap in [Cap::Huyen, Cap::Xa] {
        let mut outcomes: Vec<(When, Outcome)> = Vec::new();
        for (&(c, w, o), &n) in &need {
            if c == cap {
                outcomes.extend(std::iter::repeat_n((w, o), n));
            }
        }
        b.rng.shuffle(&mut outcomes);
        let mut list = std::mem::take(attrs.get_mut(&cap).unwrap()).into_iter();
        for (w, o) in outcomes {
            let fixed = (w == When::TrongKy).then(|| list.next().expect("attributes"));
            let mut tries = 0;
            let d = loop {
                tries += 1;
                assert!(tries < 100_000, "no placement for {cap:?} {w:?} {o:?}");
                let (attr, proc) = match fixed {
                    Some(a) => (a, None),
                    None => {
                        let (a, p) = b.loose_attr(cap);
                        (a, Some(p))
                    }
                };
                let mut d = b.base(cap, attr, proc, None);
                if b.place(&mut d, attr, w, o) {
                    break d;
                }
            };
            let mut d = d;
            d.bucket = Bucket::Counted(cap, w, o);
            finals.push(d);
        }
        assert!(list.next().is_none(), "every attribute used");
    }

    // Digitised results among the dossiers resolved in the period:
    // huyện 180/180, xã 3.869/3.925.
    for (cap, not_digitised) in [(Cap::Huyen, 0usize), (Cap::Xa, 56)] {
        let mut idx: Vec<usize> = (0..finals.len())
            .filter(|&i| matches!(finals[i].bucket, Bucket::Counted(c, _, o) if c == cap && o.resolved()))
            .collect();
        b.rng.shuffle(&mut idx);
        for (k, &i) in idx.iter().enumerate() {
            finals[i].so_hoa_kq = if k < not_digitised {
                no_word(&mut b.rng, 0.5).into()
            } else {
                yes_word(&mut b.rng, 0.25).into()
            };
        }
    }
    // Everything else that ended gets a plausible result flag too.
    for d in finals.iter_mut() {
        if d.so_hoa_kq.is_empty() && d.ket_thuc.is_some() && d.bucket == Bucket::Excluded {
            d.so_hoa_kq = "Có".into();
        }
    }

    // A few rows written in the other date forms SPEC §1 accepts (one form
    // per row: truncation keeps the order of a row's dates).
    for d in finals.iter_mut().filter(|d| d.edge.is_none()) {
        let r = b.rng.f64();
        let st = if r < 0.015 {
            DateStyle::DmyHmShort
        } else if r < 0.025 {
            DateStyle::IsoT
        } else if r < 0.035 {
            DateStyle::IsoSpace
        } else if r < 0.040 {
            DateStyle::DmyDate
        } else if r < 0.045 {
            DateStyle::IsoDate
        } else {
            continue;
        };
        for v in [&mut d.nhan, &mut d.hen, &mut d.ket_thuc, &mut d.tra] {
            if let Some((t, _)) = *v {
                *v = styled(t, st);
            }
        }
    }

    // Dossier codes: unit code, receipt date, running number per unit/day.
    for d in finals.iter_mut() {
        d.sort_key = d.nhan.map(|x| x.0).unwrap_or(dt(2023, 11, 22, 12, 0, 0));
    }
    finals.sort_by(|a, b| a.sort_key.cmp(&b.sort_key).then(a.unit.cmp(&b.unit)));
    let mut seq: BTreeMap<(usize, NaiveDate), u32> = BTreeMap::new();
    for d in finals.iter_mut() {
        let day = d.sort_key.date();
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

    // ---- duplicates: earlier versions in the body, the final ones at the
    // end (a second export appended); identical repeats.
    let mut rng = Rng::new(SEED ^ 0xD0D0);
    let mut taken: Vec<usize> = Vec::new();
    let choose =
        |rng: &mut Rng, finals: &[Dos], taken: &mut Vec<usize>, ok: &dyn Fn(&Dos) -> bool| {
            let cands: Vec<usize> = (0..finals.len())
                .filter(|&i| !taken.contains(&i) && finals[i].edge.is_none() && ok(&finals[i]))
                .collect();
            let i = *rng.pick(&cands);
            taken.push(i);
            i
        };
    let is = |d: &Dos, cap: Cap, w: When, o: Option<Outcome>| match d.bucket {
        Bucket::Counted(c, ww, oo) => c == cap && ww == w && o.is_none_or(|o| o == oo),
        _ => false,
    };
    let mut body: Vec<(NaiveDateTime, Dos)> = Vec::new();
    let mut tail: Vec<Dos> = Vec::new();
    let mut moved: Vec<usize> = Vec::new();
    let mut dup_notes: Vec<(String, String)> = Vec::new();

    // D1: first exported in progress, later resolved.
    let i = choose(&mut rng, &finals, &mut taken, &|d| {
        is(d, Cap::Xa, When::TrongKy, Some(Outcome::Truoc)) && d.ket_thuc.is_some()
    });
    let mut early = finals[i].clone();
    early.trang_thai = "Đang xử lý".into();
    early.ket_thuc = None;
    early.tra = None;
    early.so_hoa_kq = String::new();
    dup_notes.push((
        finals[i].ma.clone(),
        "earlier row 'Đang xử lý' (would count in dang_giai_quyet), last row resolved before due"
            .into(),
    ));
    body.push((early.sort_key, early));
    moved.push(i);

    // D2: channel corrected from direct to online.
    let i = choose(&mut rng, &finals, &mut taken, &|d| {
        is(d, Cap::Xa, When::TrongKy, None) && d.kenh == "Trực tuyến"
    });
    let mut early = finals[i].clone();
    early.kenh = "Trực tiếp".into();
    dup_notes.push((
        finals[i].ma.clone(),
        "earlier row 'Trực tiếp' (would make truc_tuyen 4.223/4.226), last row 'Trực tuyến'".into(),
    ));
    body.push((early.sort_key, early));
    moved.push(i);

    // D3: unit corrected from a commune to the district's justice office.
    let tu_phap = unit_index("Phòng Tư pháp");
    let i = choose(&mut rng, &finals, &mut taken, &|d| {
        is(d, Cap::Huyen, When::TrongKy, None) && d.unit == tu_phap
    });
    let mut early = finals[i].clone();
    early.unit = unit_index("UBND xã Ngọc Kỳ");
    early.cap_cell = "Cấp xã".into();
    dup_notes.push((finals[i].ma.clone(), "earlier row at 'UBND xã Ngọc Kỳ', level xa (would move it to xã), last row 'Phòng Tư pháp'".into()));
    body.push((early.sort_key, early));
    moved.push(i);

    // D4: digitisation ticked later.
    let i = choose(&mut rng, &finals, &mut taken, &|d| {
        is(d, Cap::Xa, When::TrongKy, None) && YES.contains(&d.so_hoa_hs.as_str())
    });
    let mut early = finals[i].clone();
    early.so_hoa_hs = "Không".into();
    dup_notes.push((
        finals[i].ma.clone(),
        "earlier row so_hoa_ho_so 'Không' (would make so_hoa_dau_vao 4.224/4.275), last row yes"
            .into(),
    ));
    body.push((early.sort_key, early));
    moved.push(i);

    // D5: end date corrected: first exported as finished after the due date.
    let i = choose(&mut rng, &finals, &mut taken, &|d| {
        is(d, Cap::Xa, When::TrongKy, Some(Outcome::Truoc))
            && d.ket_thuc.is_some()
            && d.hen
                .is_some_and(|h| h.0.date() + Duration::days(2) <= e_day())
    });
    let mut early = finals[i].clone();
    let late = early.hen.unwrap().0.date() + Duration::days(2);
    early.ket_thuc = at(late.and_hms_opt(10, 0, 0).unwrap());
    if early.tra.is_some() {
        early.tra = at(late.and_hms_opt(10, 30, 0).unwrap());
    }
    dup_notes.push((
        finals[i].ma.clone(),
        "earlier row ended 2 days after its due date (would be qua_han), last row ended before it"
            .into(),
    ));
    body.push((early.sort_key, early));
    moved.push(i);

    // D6: a, b, a — paused, then exported resolved, then paused again: the
    // last row read (identical to the first) wins.
    let i6 = choose(&mut rng, &finals, &mut taken, &|d| {
        is(d, Cap::Xa, When::TrongKy, Some(Outcome::Tam))
    });
    let mut mid = finals[i6].clone();
    mid.trang_thai = "Đã trả kết quả".into();
    let end = (mid.nhan.unwrap().0 + Duration::days(1)).min(dt(2023, 11, 22, 16, 0, 0));
    mid.ket_thuc = at(end);
    mid.tra = at(end + Duration::minutes(20));
    mid.so_hoa_kq = "Có".into();
    dup_notes.push((finals[i6].ma.clone(), "three rows a, b, a: paused, then resolved (would count in da_giai_quyet), then the paused row again, identical to the first: paused wins".into()));

    // D7: receipt date corrected from before the period into it.
    let i = choose(&mut rng, &finals, &mut taken, &|d| {
        is(d, Cap::Xa, When::TrongKy, Some(Outcome::Dang))
            && d.nhan.is_some_and(|n| n.0.date() >= ymd(2023, 10, 25))
    });
    let mut early = finals[i].clone();
    let t = early.nhan.unwrap().0.time();
    early.nhan = at(ymd(2023, 10, 20).and_time(t));
    early.sort_key = early.nhan.unwrap().0;
    dup_notes.push((finals[i].ma.clone(), "earlier row received 20/10 (would be carried over, trong_ky 4.274), last row received in the period".into()));
    body.push((early.sort_key, early));
    moved.push(i);

    // D8: online payment recorded later.
    let i = choose(&mut rng, &finals, &mut taken, &|d| {
        is(d, Cap::Huyen, When::TrongKy, None)
            && YES.contains(&d.nvtc.as_str())
            && (YES.contains(&d.tttt.as_str()) || d.tttt == "2")
    });
    let mut early = finals[i].clone();
    early.tttt = "Chưa".into();
    dup_notes.push((
        finals[i].ma.clone(),
        "earlier row thanh_toan_truc_tuyen 'Chưa' (would make 125/137), last row paid".into(),
    ));
    body.push((early.sort_key, early));
    moved.push(i);

    // Identical repeats: one right after its original, two at the end.
    let i1 = choose(&mut rng, &finals, &mut taken, &|d| {
        is(d, Cap::Huyen, When::TrongKy, Some(Outcome::Truoc))
    });
    let i2 = choose(&mut rng, &finals, &mut taken, &|d| {
        is(d, Cap::Xa, When::TrongKy, Some(Outcome::Truoc))
    });
    let i3 = choose(&mut rng, &finals, &mut taken, &|d| {
        is(d, Cap::Xa, When::KyTruoc, None)
    });
    for i in [i1, i2, i3] {
        dup_notes.push((finals[i].ma.clone(), "identical row repeated".into()));
    }

    for (i, d) in finals.iter().enumerate() {
        if !moved.contains(&i) {
            body.push((d.sort_key, d.clone()));
            if i == i1 {
                body.push((d.sort_key, d.clone()));
            }
        }
    }
    body.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.ma.cmp(&b.1.ma)));
    for &i in &moved {
        tail.push(finals[i].clone());
    }
    tail.insert(5, mid);
    tail.push(finals[i2].clone());
    tail.push(finals[i3].clone());
    tail.push(finals[i6].clone());

    let mut rows: Vec<Dos> = body.into_iter().map(|(_, d)| d).collect();
    rows.extend(tail);
    Fixture {
        rows,
        dup_notes,
        finals,
    }
}

// ---------------------------------------------------------------- writing

const VI_VARIANT: [&str; 18] = [
    "Mã hồ sơ",
    "Đơn vị tiếp nhận",
    "Cấp thực hiện",
    "Mã TTHC",
    "Tên thủ tục hành chính",
    "Lĩnh vực",
    "Hình thức nộp",
    "Ngày tiếp nhận",
    "Hạn xử lý",
    "Ngày kết thúc xử lý",
    "Ngày trả kết quả",
    "Trạng thái hồ sơ",
    "Số hoá hồ sơ",
    "Số hoá kết quả",
    "Dịch vụ công trực tuyến",
    "Có phí, lệ phí",
    "Đã thanh toán trực tuyến",
    "Phí, lệ phí",
];

/// Headers of the UTF-16 file, which has no level column (index 2).
const UTF16_HEADERS: [&str; 17] = [
    "Số hồ sơ",
    "Cơ quan thụ lý",
    "Mã thủ tục",
    "Thủ tục",
    "Tên lĩnh vực",
    "Kênh thực hiện",
    "Ngày nhận",
    "Ngày hẹn trả kết quả",
    "Ngày có kết quả",
    "Ngày trả",
    "Trạng thái",
    "Số hóa thành phần hồ sơ",
    "Kết quả điện tử",
    "Mức độ DVC",
    "Phải thanh toán",
    "Thanh toán trực tuyến",
    "Số tiền",
];

fn delimited(rows: &[Dos], header: &[&str], delim: char, eol: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    push_line(&mut line, header, delim);
    out.push_str(line.trim_end_matches("\r\n"));
    out.push_str(eol);
    for r in rows {
        let mut line = String::new();
        push_line(&mut line, &r.cells(), delim);
        out.push_str(line.trim_end_matches("\r\n"));
        out.push_str(eol);
    }
    out
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap_or_else(|e| panic!("writing {name}: {e}"));
}

fn write_xlsx(dir: &Path, rows: &[Dos]) -> Result<(), rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook};
    let mut wb = Workbook::new();
    wb.set_properties(&xlsx_properties("Danh sách hồ sơ", ymd(2023, 11, 23)));
    let ws = wb.add_worksheet();
    ws.set_name("Danh sách hồ sơ")?;
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_align(FormatAlign::Center);
    let full = Format::new().set_num_format("dd/mm/yyyy hh:mm:ss");
    let short = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let date_only = Format::new().set_num_format("dd/mm/yyyy");
    ws.merge_range(
        0,
        0,
        0,
        18,
        "DANH SÁCH HỒ SƠ TIẾP NHẬN TỪ NGÀY 23/10/2023 ĐẾN NGÀY 22/11/2023",
        &title,
    )?;
    ws.write_string_with_format(2, 0, "STT", &bold)?;
    for (c, h) in HEADERS_VI.iter().enumerate() {
        ws.write_string_with_format(2, c as u16 + 1, *h, &bold)?;
    }
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    for (i, r) in rows.iter().enumerate() {
        let row = 3 + i as u32;
        ws.write_number(row, 0, (i + 1) as f64)?;
        let cells = r.cells();
        let dates = r.dates();
        for (c, v) in cells.iter().enumerate() {
            let xc = c as u16 + 1;
            if let Some(k) = col::DATES.iter().position(|&d| d == c) {
                if let Some((t, st)) = dates[k] {
                    use chrono::Timelike;
                    let x =
                        ExcelDateTime::from_ymd(t.year() as u16, t.month() as u8, t.day() as u8)?
                            .and_hms(t.hour() as u16, t.minute() as u8, t.second() as f64)?;
                    let f = if st.date_only() {
                        &date_only
                    } else if st == DateStyle::DmyHmShort {
                        &short
                    } else {
                        &full
                    };
                    ws.write_datetime_with_format(row, xc, &x, f)?;
                }
                continue;
            }
            if v.is_empty() {
                continue;
            }
            let as_number = match c {
                col::KENH
                | col::TRANG_THAI
                | col::SO_HOA_HS
                | col::SO_HOA_KQ
                | col::DVC
                | col::NVTC
                | col::TTTT => numeric(v),
                col::PHI => true,
                _ => false,
            };
            if as_number {
                let n: f64 = if c == col::PHI {
                    v.replace('.', "")
                        .replace(',', ".")
                        .parse()
                        .expect("amount")
                } else {
                    v.parse().unwrap()
                };
                ws.write_number(row, xc, n)?;
            } else {
                ws.write_string(row, xc, v)?;
            }
        }
    }
    ws.set_column_width(1, 28)?;
    ws.set_column_width(2, 40)?;
    ws.set_column_width(5, 60)?;
    for c in 8..=11 {
        ws.set_column_width(c, 19)?;
    }
    wb.save(dir.join("ho-so.xlsx"))?;
    Ok(())
}

fn readme(fx: &Fixture) -> String {
    let mut s = String::new();
    let rows = &fx.rows;
    let finals = &fx.finals;
    let n_not = finals
        .iter()
        .filter(|d| d.bucket == Bucket::NotReceived)
        .count();
    let n_excl = finals
        .iter()
        .filter(|d| d.bucket == Bucket::Excluded)
        .count();
    let n_counted = finals.len() - n_not - n_excl;
    let dups = rows.len() - finals.len();
    let _ = writeln!(
        s,
        "# Fixture: reference 004 (Tứ Kỳ, 23/10/2023 – 22/11/2023)\n"
    );
    let _ = writeln!(
        s,
        "Generated by `cargo run --release --example fixture_ref004` (deterministic; do not edit by hand).\n\
         Checked independently by `python3 tests/fixtures/ref004/verify.py`, which recomputes the SPEC §4\n\
         figures from `canonical.csv` and compares every other shape with it cell by cell; it also wrote\n\
         `expected.json` (the figures per level and per unit, in the JSON shape of SPEC §5), which\n\
         `tests/ref004.rs` uses. `python3 verify.py stats -i PATH… [--from D --to D]` prints the figures of any\n\
         input the way `cctthc stats --format json` does (SPEC §5 keys only), to compare by hand.\n\n\
         For the period 23/10/2023–22/11/2023 (`--from 23/10/2023 --to 22/11/2023`) the figures are those of\n\
         `reference/004_*.txt`, sections 2.2–2.4, for both levels.\n"
    );
    let _ = writeln!(s, "## Files (the same {} rows in each)\n", rows.len());
    let _ = writeln!(
        s,
        "| file | shape |\n|---|---|\n\
         | `canonical.csv` | SPEC field names as headers, UTF-8 without BOM, `,`, LF |\n\
         | `vi-bom-title.csv` | UTF-8 with BOM, two title rows and a blank row, then Vietnamese headers with variant spellings (`Số hoá hồ sơ`, `Hạn xử lý`, `Đơn vị tiếp nhận`, …) and an extra `STT` column, `;`, CRLF |\n\
         | `nfd.tsv` | `canonical.csv` with all text decomposed (NFD), tab-delimited |\n\
         | `cp1258.csv` | Windows-1258 (tones as combining marks over precomposed base letters), the standard Vietnamese headers, `,`, CRLF |\n\
         | `utf16.csv` | UTF-16 LE with BOM, tab-delimited (Excel's \"Unicode text\"), other accepted headers (`Số hồ sơ`, `Cơ quan thụ lý`, `Ngày có kết quả`, `Mức độ DVC`, …), **no `cap` column**: every level comes from the unit name |\n\
         | `ho-so.xlsx` | sheet `Danh sách hồ sơ`: title row, blank row, header with `STT`; dates are real date cells (`dd/mm/yyyy hh:mm:ss`, or `dd/mm/yyyy` for the date-only values); amounts, `STT` and the bare numeric codes (status `9`, channel `2`, yes/no `1`/`0`) are number cells |\n"
    );
    let _ = writeln!(s, "## Input accounting (`nhap_lieu`, one file)\n");
    let _ = writeln!(
        s,
        "| key | value | why |\n|---|---|---|\n\
         | `so_dong` | {} | data rows |\n\
         | `ho_so` | {} | distinct received dossiers: {} counted in the figures + {} received but outside the period |\n\
         | `trung_lap` | {} | rows merged into an earlier one with the same `ma_ho_so` (3 identical repeats, 7 corrected rows, and 2 more rows of the a-b-a triple) |\n\
         | `chua_tiep_nhan` | {} | rows with a not-received status |\n\
         | `loi` | 0 | |\n\n\
         `so_dong` = `ho_so` + `trung_lap` + `chua_tiep_nhan`.\n",
        rows.len(),
        n_counted + n_excl,
        n_counted,
        n_excl,
        dups,
        n_not
    );
    let _ = writeln!(s, "## Buckets (final rows)\n");
    let _ = writeln!(
        s,
        "| level | received | bucket | dossiers | of which hand-written |\n|---|---|---|---:|---:|"
    );
    let mut counts: BTreeMap<Bucket, (usize, usize)> = BTreeMap::new();
    for d in finals {
        let e = counts.entry(d.bucket.clone()).or_default();
        e.0 += 1;
        if d.edge.is_some() {
            e.1 += 1;
        }
    }
    for (b, (n, ne)) in &counts {
        let (lv, w, o) = match b {
            Bucket::Counted(c, w, o) => (
                c.code().to_string(),
                match w {
                    When::TrongKy => "in the period (trong_ky)",
                    When::KyTruoc => "before, carried over (ky_truoc)",
                },
                o.label().to_string(),
            ),
            Bucket::Excluded => (
                "both".into(),
                "outside",
                "left out (ended before 23/10 or received after 22/11)".into(),
            ),
            Bucket::NotReceived => ("both".into(), "—", "not received (chua_tiep_nhan)".into()),
        };
        let _ = writeln!(s, "| {lv} | {w} | {o} | {n} | {ne} |");
    }
    let _ = writeln!(
        s,
        "\nhuyện: 158 + 36 = 194 = 180 (171 + 9 + 0) + 11 + 0 + 3 + 0.  \n\
         xã: 4.275 + 204 = 4.479 = 3.925 (3.838 + 86 + 1) + 516 + 35 + 3 + 0.\n"
    );
    let _ = writeln!(s, "## Ratio attributes (dossiers received in the period)\n");
    let _ = writeln!(
        s,
        "- huyện (158): all online, all with `dvc_truc_tuyen` yes, all digitised at intake; 137 with a fee, 126 of them paid online. All 180 resolved have a digitised result.\n\
         - xã (4.275): 4.224 online (all `dvc_truc_tuyen` yes) and 51 direct, of which 2 are online-service procedures (`dvc_truc_tuyen` yes) and 49 are not (`Cung cấp thông tin`, `Không`, …): 4.224/4.226. With a fee: 3.263 online + the 2 direct online-service ones = 3.265, of which 3.147 (all online) paid online. Not digitised at intake: 50 (30 direct, 20 online): 4.225/4.275. Of the 3.925 resolved in the period 56 have no digitised result: 3.869/3.925.\n\
         - Carried-over dossiers have random channels (some direct, some postal), fees and intake digitisation: none of them may count in those ratios.\n"
    );
    let _ = writeln!(s, "## Hand-written edge cases\n");
    let _ = writeln!(s, "| ma_ho_so | bucket | what it tests |\n|---|---|---|");
    for d in finals.iter().filter(|d| d.edge.is_some()) {
        let b = match &d.bucket {
            Bucket::Counted(c, w, o) => format!("{} {:?} {}", c.code(), w, o.label()),
            Bucket::Excluded => "left out".into(),
            Bucket::NotReceived => "not received".into(),
        };
        let code = if d.ma.is_empty() {
            "".into()
        } else {
            format!("`{}`", d.ma)
        };
        let _ = writeln!(s, "| {code} | {b} | {} |", d.edge.as_ref().unwrap());
    }
    let _ = writeln!(s, "\n## Duplicates\n");
    let _ = writeln!(
        s,
        "The corrected rows come last in each file, as if a newer export had been appended; the row read last wins.\n"
    );
    let _ = writeln!(s, "| ma_ho_so | rows |\n|---|---|");
    for (ma, note) in &fx.dup_notes {
        let _ = writeln!(s, "| `{ma}` | {note} |");
    }
    let _ = writeln!(
        s,
        "\n## Value spellings\n\n\
         Status as words and as portal codes (`2`, `5`, `6`, `7`, `9`, `10`…); channel as `Trực tuyến`/`2`/`online`,\n\
         `Trực tiếp`/`1`/empty and `Bưu chính công ích`/`Bưu chính`/`BCCI`/`3` (postal only on carried-over or left-out\n\
         dossiers); yes/no as `Có`, `x`, `1`, `true`, `Đã`, `yes` / `Không`, `0`, `false`, `Chưa`, `no`, empty;\n\
         `dvc_truc_tuyen` also `Toàn trình`, `Một phần`, `Cung cấp thông tin`; `thanh_toan_truc_tuyen` also `2`;\n\
         amounts `50.000`, `50000`, `2.000,5`; `cap` as `Cấp huyện`, `huyen`, `huyện`, `Cấp xã`, `xa`, `xã`, `thị trấn`\n\
         or empty (level from the unit name, SPEC §2). No `✓`: Windows-1258 cannot encode it.\n"
    );
    s
}

fn main() {
    let dir: PathBuf = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ref004"));
    std::fs::create_dir_all(&dir).expect("output folder");
    let fx = build();
    let rows = &fx.rows;

    // canonical.csv
    let canonical = delimited(rows, &FIELDS, ',', "\n");
    write(&dir, "canonical.csv", canonical.as_bytes());

    // vi-bom-title.csv
    let mut vi = String::from("\u{FEFF}");
    vi.push_str("ỦY BAN NHÂN DÂN HUYỆN TỨ KỲ\r\n");
    let mut t2 =
        vec!["DANH SÁCH HỒ SƠ TIẾP NHẬN TỪ NGÀY 23/10/2023 ĐẾN NGÀY 22/11/2023".to_string()];
    t2.extend(std::iter::repeat_n(String::new(), 18));
    push_line(&mut vi, &t2, ';');
    vi.push_str("\r\n");
    let mut header = vec!["STT"];
    header.extend(VI_VARIANT);
    push_line(&mut vi, &header, ';');
    for (i, r) in rows.iter().enumerate() {
        let mut cells = vec![(i + 1).to_string()];
        cells.extend(r.cells());
        push_line(&mut vi, &cells, ';');
    }
    write(&dir, "vi-bom-title.csv", vi.as_bytes());

    // nfd.tsv
    let tsv = delimited(rows, &FIELDS, '\t', "\n");
    write(&dir, "nfd.tsv", nfd(&tsv).as_bytes());

    // cp1258.csv
    let text = delimited(rows, &HEADERS_VI, ',', "\r\n");
    let bytes = cp1258(&text);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the Windows-1258 file must not pass for UTF-8"
    );
    write(&dir, "cp1258.csv", &bytes);

    // utf16.csv: no level column
    let mut u16text = String::new();
    push_line(&mut u16text, &UTF16_HEADERS, '\t');
    for r in rows {
        let mut cells = r.cells();
        cells.remove(col::CAP);
        push_line(&mut u16text, &cells, '\t');
    }
    write(&dir, "utf16.csv", &utf16le_bom(&u16text));

    write_xlsx(&dir, rows).expect("xlsx");
    write(&dir, "README.md", readme(&fx).as_bytes());

    let n_not = fx
        .finals
        .iter()
        .filter(|d| d.bucket == Bucket::NotReceived)
        .count();
    eprintln!(
        "{}: {} rows, {} dossiers, {} duplicate rows, {} not received",
        dir.display(),
        rows.len(),
        fx.finals.len() - n_not,
        rows.len() - fx.finals.len(),
        n_not
    );
}
