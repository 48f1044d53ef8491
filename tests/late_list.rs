//! The report's late list and the figures agree, unit by unit and month by
//! month, on the example district (SPEC §4: a dossier counted `qua_han` is
//! the one the report lists late), and each listed dossier's days are
//! worked out here from its own dates.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;
use chrono::NaiveDate;
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::cargo_bin("cctthc")
        .unwrap()
        .current_dir(root.join("examples"))
        .env("XDG_CONFIG_HOME", root.join("target/no-config"))
        .args(args)
        .args(["--year", "2023", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn date(v: &Value) -> Option<NaiveDate> {
    v.as_str()
        .map(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
}

#[test]
fn the_late_list_is_what_the_figures_count_late() {
    let mut listed_in_year = 0;
    for month in 1..=11 {
        let m = month.to_string();
        let stats = json(&["stats", "--month", &m]);
        let context = json(&["report", "--month", &m]);
        let end = date(&stats["ky"]["den_ngay"]).unwrap();
        let mut counted: BTreeMap<String, u64> = BTreeMap::new();
        for u in stats["theo_don_vi"].as_array().unwrap() {
            let n = u["da_giai_quyet"]["qua_han"].as_u64().unwrap()
                + u["dang_giai_quyet"]["qua_han"].as_u64().unwrap();
            if n > 0 {
                counted.insert(u["don_vi"].as_str().unwrap().to_string(), n);
            }
        }
        let mut listed: BTreeMap<String, u64> = BTreeMap::new();
        for d in context["qua_han"].as_array().unwrap() {
            *listed
                .entry(d["don_vi"].as_str().unwrap().to_string())
                .or_default() += 1;
            let due = date(&d["ngay_hen_tra"]).expect("a late dossier has a due date");
            let until = date(&d["ngay_ket_thuc"]).unwrap_or(end);
            assert!(until <= end, "{d}");
            assert_eq!(
                d["so_ngay"].as_i64().unwrap(),
                (until - due).num_days(),
                "{d}"
            );
            assert!(until > due, "{d}");
            let state = if d["ngay_ket_thuc"].is_null() {
                "dang_giai_quyet"
            } else {
                "da_giai_quyet"
            };
            assert_eq!(d["tinh_trang"], state, "{d}");
        }
        assert_eq!(listed, counted, "month {month}");
        listed_in_year += listed.values().sum::<u64>();
    }
    assert!(listed_in_year > 0, "the example district has late dossiers");
}
