use super::*;
use std::str::FromStr;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn pts(s: &str) -> Option<Points> {
    Some(Points(dec(s)))
}

#[test]
fn the_index_is_48_points_and_the_rest_make_100() {
    let rules = Rules::default();
    assert_eq!(Index::full_maximum(&rules), 48);
    let rest: u32 = NOT_FROM_EXPORTS.iter().map(|(_, _, p)| p).sum();
    assert_eq!(rest, 52);
    // Group by group, what is estimated and what is not make the group.
    for group in Group::ALL {
        let estimated: u32 = Key::ALL
            .into_iter()
            .filter(|k| k.group() == group)
            .map(Key::default_points)
            .sum();
        let other: u32 = NOT_FROM_EXPORTS
            .iter()
            .filter(|(g, _, _)| *g == group)
            .map(|(_, _, p)| p)
            .sum();
        assert_eq!(estimated + other, group.points(), "{}", group.name());
    }
    let all: u32 = Group::ALL.map(Group::points).iter().sum();
    assert_eq!(all, 100);
    for key in Key::ALL {
        assert_eq!(Key::from_key(key.key()), Some(key));
    }
    assert_eq!(Key::from_key("dung_han"), None);
}

#[test]
fn points_at_and_around_each_threshold() {
    let rule = |k: Key| Rule::default_of(k);
    // truc_tuyen: 6 × min(1, ratio ÷ 50%).
    assert_eq!(rule(Key::TrucTuyen).score(50, 100), pts("6"));
    assert_eq!(rule(Key::TrucTuyen).score(49, 100), pts("5.88"));
    assert_eq!(rule(Key::TrucTuyen).score(51, 100), pts("6"));
    assert_eq!(rule(Key::TrucTuyen).score(1, 2), pts("6"));
    assert_eq!(rule(Key::TrucTuyen).score(0, 7), pts("0"));
    // hai_long: 6 × min(1, ratio ÷ 90%); 89% → 5.9333… → 5.93.
    assert_eq!(rule(Key::HaiLong).score(90, 100), pts("6"));
    assert_eq!(rule(Key::HaiLong).score(9, 10), pts("6"));
    assert_eq!(rule(Key::HaiLong).score(89, 100), pts("5.93"));
    // tien_do: 20 × ratio; 4.224/4.226 → 19.9905… → 19.99.
    assert_eq!(rule(Key::TienDo).score(4224, 4226), pts("19.99"));
    assert_eq!(rule(Key::TienDo).score(4226, 4226), pts("20"));
    // so_hoa: 4 × ratio; ket_qua_dien_tu, thanh_toan: 6 × ratio.
    assert_eq!(rule(Key::SoHoa).score(1, 8), pts("0.5"));
    assert_eq!(rule(Key::KetQuaDienTu).score(2, 3), pts("4"));
    // 6 × 1/1200 = 0.005 exactly: half away from zero, not to even.
    assert_eq!(rule(Key::ThanhToan).score(1, 1200), pts("0.01"));
    // 6 × 126/137 = 5.5182… → 5.52.
    assert_eq!(rule(Key::ThanhToan).score(126, 137), pts("5.52"));
    assert_eq!(rule(Key::ThanhToan).score(0, 0), None);
    // Huge counts do not overflow.
    assert_eq!(rule(Key::TienDo).score(u64::MAX, u64::MAX), pts("20"));
    assert_eq!(rule(Key::TienDo).score(u64::MAX / 2, u64::MAX), pts("10"));
    assert_eq!(
        serde_json::to_string(&rule(Key::TrucTuyen).score(49, 100)).unwrap(),
        "\"5.88\""
    );
    assert_eq!(
        serde_json::to_string(&rule(Key::TrucTuyen).score(1, 1)).unwrap(),
        "\"6.00\""
    );
}

#[test]
fn a_rule_is_checked() {
    assert!(Rule::new(8, dec("40"), false).is_some());
    assert!(Rule::new(8, dec("99.5"), false).is_some());
    assert!(Rule::new(8, dec("100"), false).is_some());
    assert!(Rule::new(8, dec("0"), false).is_none());
    assert!(Rule::new(8, dec("100.01"), false).is_none());
    assert!(Rule::new(8, dec("33.333"), false).is_none());
    assert!(Rule::new(101, dec("50"), false).is_none());
    let r = Rule::new(8, dec("40"), false).unwrap();
    assert_eq!(r.score(40, 100), pts("8"));
    assert_eq!(r.score(30, 100), pts("6"));
}

/// Counts of a small group: 10 received in the period (6 online, 3
/// direct, 1 postal), 2 carried over; 8 resolved (1 late), 1 pending
/// late, the rest pending in time.
fn sample() -> Counts {
    Counts {
        online: 6,
        direct: 3,
        postal: 1,
        carried: 2,
        early: 5,
        on_time: 2,
        late: 1,
        pending_late: 1,
        pending_in_time: 3,
        online_service: 10,
        fee: 4,
        fee_paid_online: 1,
        digitised_in: 9,
        digitised_out: 6,
        ..Counts::default()
    }
}

#[test]
fn an_index_from_counts_worked_by_hand() {
    let i = Index::of(&sample(), Known::ALL, &Rules::default());
    let get = |k: Key| i.chi_so.get(k).unwrap();
    // tien_do: (12 − 1 − 1) / 12 → 20 × 10/12 = 16.666… → 16.67.
    assert_eq!(
        (get(Key::TienDo).tu_so, get(Key::TienDo).mau_so),
        (Some(10), Some(12))
    );
    assert_eq!(get(Key::TienDo).diem, pts("16.67"));
    assert_eq!(get(Key::TienDo).phan_tram, Percent::of(10, 12));
    // truc_tuyen: 6/10 = 60% ≥ 50% → 6.
    assert_eq!(get(Key::TrucTuyen).diem, pts("6"));
    // thanh_toan: 1/4 → 1.5.
    assert_eq!(get(Key::ThanhToan).diem, pts("1.5"));
    // ket_qua_dien_tu: 6/8 → 4.5; so_hoa: 9/10 → 3.6.
    assert_eq!(get(Key::KetQuaDienTu).diem, pts("4.5"));
    assert_eq!(get(Key::SoHoa).diem, pts("3.6"));
    // hai_long: 10/12 = 83.33% of 90% → 6 × 10/12 / 0.9 = 5.555… → 5.56.
    assert_eq!(get(Key::HaiLong).diem, pts("5.56"));
    // The sum of the rounded points.
    assert_eq!(i.diem, pts("37.83"));
    assert_eq!(i.diem_toi_da, 48);
    assert!(get(Key::TienDo).short() && !get(Key::TrucTuyen).short());
}

#[test]
fn nothing_to_count_and_missing_columns_are_null_and_left_out() {
    let mut c = sample();
    c.fee = 0;
    c.fee_paid_online = 0;
    let no_digits = Known {
        digitised_in: false,
        ..Known::ALL
    };
    let i = Index::of(&c, no_digits, &Rules::default());
    let pay = i.chi_so.thanh_toan.unwrap();
    assert_eq!((pay.tu_so, pay.mau_so, pay.diem), (Some(0), Some(0), None));
    assert_eq!(pay.diem_toi_da, 6);
    let digits = i.chi_so.so_hoa.unwrap();
    assert_eq!(
        (digits.tu_so, digits.mau_so, digits.diem),
        (None, None, None)
    );
    assert_eq!(i.diem_toi_da, 48 - 6 - 4);
    assert_eq!(i.diem, pts("32.73"));
    let json = serde_json::to_value(i).unwrap();
    assert_eq!(
        json["chi_so"]["so_hoa"],
        serde_json::json!({"tu_so": null, "mau_so": null, "phan_tram": null, "diem": null, "diem_toi_da": 4})
    );
    assert_eq!(json["diem"], "32.73");
    assert_eq!(json["diem_toi_da"], 38);
    // No dossier at all: nothing to score.
    let empty = Index::of(&Counts::default(), Known::ALL, &Rules::default());
    assert_eq!((empty.diem, empty.diem_toi_da), (None, 0));
}

#[test]
fn rules_change_points_thresholds_and_what_is_left_out() {
    let mut rules = Rules::default();
    rules.set(Key::TrucTuyen, Rule::new(8, dec("70"), false).unwrap());
    let i = Index::of(&sample(), Known::ALL, &rules);
    // 60% of 70% → 8 × 6/7 = 6.857… → 6.86.
    assert_eq!(i.chi_so.truc_tuyen.unwrap().diem, pts("6.86"));
    assert_eq!(i.diem_toi_da, 50);
    rules.set(Key::TrucTuyen, Rule::new(8, dec("70"), true).unwrap());
    let i = Index::of(&sample(), Known::ALL, &rules);
    assert_eq!(i.chi_so.truc_tuyen, None);
    assert_eq!(i.diem_toi_da, 42);
    assert_eq!(Index::full_maximum(&rules), 42);
    let json = serde_json::to_value(i).unwrap();
    assert!(json["chi_so"].get("truc_tuyen").is_none(), "{json}");
}

fn unit(cap: Level, diem: Option<&str>) -> UnitIndex {
    let mut index = Index::of(&Counts::default(), Known::ALL, &Rules::default());
    index.diem = diem.map(|d| Points(dec(d)));
    UnitIndex {
        don_vi: String::new(),
        cap,
        index,
        xep_hang: None,
        unit: 0,
    }
}

#[test]
fn ranks_within_a_level_with_ties() {
    let mut units = vec![
        unit(Level::Xa, Some("40")),
        unit(Level::Xa, Some("45.5")),
        unit(Level::Huyen, Some("10")),
        unit(Level::Xa, Some("40")),
        unit(Level::Xa, None),
        unit(Level::Xa, Some("39.99")),
        unit(Level::Huyen, Some("10")),
    ];
    rank(&mut units);
    let ranks: Vec<Option<u32>> = units.iter().map(|u| u.xep_hang).collect();
    assert_eq!(
        ranks,
        [Some(2), Some(1), Some(1), Some(2), None, Some(4), Some(1)]
    );
}

mod prop {
    use super::super::*;
    use crate::figures::{Sign, Summary};
    use crate::input::Status;
    use chrono::{Days, NaiveDate};
    use proptest::prelude::*;

    fn day(n: u16) -> NaiveDate {
        NaiveDate::from_ymd_opt(2023, 1, 1).unwrap() + Days::new(u64::from(n))
    }

    fn tri() -> impl Strategy<Value = Tri> {
        prop_oneof![Just(Tri::Unknown), Just(Tri::No), Just(Tri::Yes)]
    }

    prop_compose! {
        fn dossier()(
            status in 0usize..6, channel in 0usize..3,
            received in proptest::option::weighted(0.95, 0u16..200),
            due in proptest::option::weighted(0.9, 0u16..40),
            took in proptest::option::weighted(0.8, 0u16..60),
            flags in proptest::collection::vec(tri(), 5),
        ) -> Dossier {
            let status = Status::ALL[status];
            Dossier {
                unit: 0, level: Level::Xa, domain: 0, status,
                channel: [Channel::Online, Channel::Direct, Channel::Postal][channel],
                received: received.map(day),
                due: received.zip(due).map(|(r, d)| day(r + d)),
                ended: if status.is_final() { received.zip(took).map(|(r, t)| day(r + t)) } else { None },
                online_service: flags[0], digitised_in: flags[1], digitised_out: flags[2],
                fee: flags[3], paid_online: flags[4],
            }
        }
    }

    /// `(tu_so, mau_so)` of each indicator, recounted dossier by dossier
    /// from the dates and flags, without the tallies' rules.
    fn recount(key: Key, ds: &[Dossier], p: &Period) -> (u64, u64) {
        let counted = |d: &&Dossier| {
            d.status != Status::NotReceived
                && d.received
                    .is_some_and(|r| r <= p.end && d.ended.is_none_or(|e| e >= p.start))
        };
        let received = |d: &Dossier| d.received.is_some_and(|r| r >= p.start && r <= p.end);
        let ended_in = |d: &Dossier| d.ended.filter(|e| *e <= p.end);
        let late = |d: &Dossier| match ended_in(d) {
            Some(e) => d.status == Status::Resolved && d.due.is_some_and(|due| e > due),
            None => d.status != Status::Paused && d.due.is_some_and(|due| due < p.end),
        };
        let resolved = |d: &Dossier| d.status == Status::Resolved && ended_in(d).is_some();
        let n = |f: &dyn Fn(&Dossier) -> bool| {
            ds.iter().filter(counted).filter(|d| f(d)).count() as u64
        };
        match key {
            Key::TienDo | Key::HaiLong => (n(&|d| !late(d)), n(&|_| true)),
            Key::TrucTuyen => (
                n(&|d| received(d) && d.channel == Channel::Online),
                n(&received),
            ),
            Key::ThanhToan => (
                n(&|d| received(d) && d.fee == Tri::Yes && d.paid_online == Tri::Yes),
                n(&|d| received(d) && d.fee == Tri::Yes),
            ),
            Key::KetQuaDienTu => (
                n(&|d| resolved(d) && d.digitised_out == Tri::Yes),
                n(&resolved),
            ),
            Key::SoHoa => (
                n(&|d| received(d) && d.digitised_in == Tri::Yes),
                n(&received),
            ),
        }
    }

    proptest! {
        /// The indicators' ratios from the tallies are a recount of the
        /// dossiers; the dossiers `--ho-so` lists are exactly those in the
        /// denominator and not in the numerator; and the three ratios §4
        /// also has are its ratios, counted the default way.
        #[test]
        fn the_indicators_are_a_recount_of_the_dossiers(
            ds in proptest::collection::vec(dossier(), 0..150),
            start in 0u16..200, len in 0u16..100,
        ) {
            let p = Period { start: day(start), end: day(start + len) };
            let mut c = Counts::default();
            for d in &ds {
                c.apply(d, &p, Sign::Add);
            }
            let index = Index::of(&c, Known::ALL, &Rules::default());
            for key in Key::ALL {
                let (tu, mau) = recount(key, &ds, &p);
                let got = index.chi_so.get(key).unwrap();
                prop_assert_eq!((got.tu_so, got.mau_so), (Some(tu), Some(mau)), "{:?}", key);
                prop_assert_eq!(got.diem.is_none(), mau == 0);
                let short = ds.iter().filter(|d| shortfall(key, d, &p).is_some()).count() as u64;
                prop_assert_eq!(short, mau - tu, "{:?}", key);
            }
            let s = Summary::of(&c, Known::ALL, crate::figures::Counting::default());
            let same = |i: Option<Indicator>, r: crate::figures::Ratio| {
                i.is_some_and(|i| (i.tu_so, i.mau_so) == (r.tu_so, r.mau_so))
            };
            prop_assert!(same(index.chi_so.thanh_toan, s.ty_le.thanh_toan_truc_tuyen));
            prop_assert!(same(index.chi_so.ket_qua_dien_tu, s.ty_le.so_hoa_dau_ra));
            prop_assert!(same(index.chi_so.so_hoa, s.ty_le.so_hoa_dau_vao));
        }
    }
}
