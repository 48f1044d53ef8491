//! The figures of the real district report `reference/004_*.txt` (Tứ Kỳ,
//! sections 2.2–2.4), reproduced from `tests/fixtures/ref004/canonical.csv`,
//! a set of dossiers built so that, for 23/10/2023–22/11/2023, SPEC §4 gives
//! exactly those numbers (see the fixture's README.md; checked independently
//! by its verify.py, which also wrote expected.json).
//!
//! Runs the real binary: `cctthc stats --from 23/10/2023 --to 22/11/2023
//! -i tests/fixtures/ref004/canonical.csv --format json`, in an empty
//! folder with an empty config file so no user config interferes.

use assert_cmd::Command;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ref004")
        .join(name)
}

/// `cctthc stats` for the report's period on the given inputs, parsed.
fn stats_json(inputs: &[PathBuf]) -> Value {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("cctthc.toml");
    std::fs::write(&config, "").expect("empty config");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cctthc"));
    cmd.current_dir(dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("xdg"))
        .env("NO_COLOR", "1")
        .args([
            "stats",
            "--from",
            "23/10/2023",
            "--to",
            "22/11/2023",
            "--format",
            "json",
            "--config",
        ])
        .arg(&config);
    for input in inputs {
        cmd.arg("-i").arg(input);
    }
    let out = cmd.output().expect("run cctthc");
    assert!(
        out.status.success(),
        "cctthc stats exited with {:?}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON object: {e}\n--- stdout\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// The run on canonical.csv, shared by the tests of this file.
fn canonical() -> &'static Value {
    static RUN: OnceLock<Value> = OnceLock::new();
    RUN.get_or_init(|| stats_json(&[fixture("canonical.csv")]))
}

/// Every key of `want` is in `got` with the same value (`got` may carry
/// more keys: SPEC §5 allows additions).
fn assert_contains(got: &Value, want: &Value, path: &str) {
    match want {
        Value::Object(map) => {
            for (k, w) in map {
                let p = format!("{path}.{k}");
                let g = got
                    .get(k)
                    .unwrap_or_else(|| panic!("{p} is missing in {got}"));
                assert_contains(g, w, &p);
            }
        }
        _ => assert_eq!(got, want, "{path}"),
    }
}

fn huyen() -> Value {
    json!({
        "tiep_nhan": {"tong": 194, "trong_ky": 158, "truc_tuyen": 158, "truc_tiep": 0, "buu_chinh": 0, "ky_truoc": 36},
        "da_giai_quyet": {"tong": 180, "truoc_han": 171, "dung_han": 9, "qua_han": 0},
        "dang_giai_quyet": {"tong": 11, "trong_han": 11, "qua_han": 0},
        "tam_dung": 0, "tra_lai": 3, "rut": 0,
        "ty_le": {
            "truc_tuyen": {"tu_so": 158, "mau_so": 158, "phan_tram": "100.00"},
            "thanh_toan_truc_tuyen": {"tu_so": 126, "mau_so": 137, "phan_tram": "91.97"},
            "so_hoa_dau_vao": {"tu_so": 158, "mau_so": 158, "phan_tram": "100.00"},
            "so_hoa_dau_ra": {"tu_so": 180, "mau_so": 180, "phan_tram": "100.00"},
            "dung_han": {"tu_so": 180, "mau_so": 180, "phan_tram": "100.00"}
        }
    })
}

fn xa() -> Value {
    json!({
        "tiep_nhan": {"tong": 4479, "trong_ky": 4275, "truc_tuyen": 4224, "truc_tiep": 51, "buu_chinh": 0, "ky_truoc": 204},
        "da_giai_quyet": {"tong": 3925, "truoc_han": 3838, "dung_han": 86, "qua_han": 1},
        "dang_giai_quyet": {"tong": 516, "trong_han": 516, "qua_han": 0},
        "tam_dung": 35, "tra_lai": 3, "rut": 0,
        "ty_le": {
            "truc_tuyen": {"tu_so": 4224, "mau_so": 4226, "phan_tram": "99.95"},
            "thanh_toan_truc_tuyen": {"tu_so": 3147, "mau_so": 3265, "phan_tram": "96.39"},
            "so_hoa_dau_vao": {"tu_so": 4225, "mau_so": 4275, "phan_tram": "98.83"},
            "so_hoa_dau_ra": {"tu_so": 3869, "mau_so": 3925, "phan_tram": "98.57"},
            "dung_han": {"tu_so": 3924, "mau_so": 3925, "phan_tram": "99.97"}
        }
    })
}

/// huyện + xã: counts add up, ratios are recomputed from the summed terms
/// (4.382/4.384 = 99,954…; 3.273/3.402 = 96,208…; 4.383/4.433 = 98,872…;
/// 4.049/4.105 = 98,635…; 4.104/4.105 = 99,975…).
fn tong() -> Value {
    json!({
        "tiep_nhan": {"tong": 4673, "trong_ky": 4433, "truc_tuyen": 4382, "truc_tiep": 51, "buu_chinh": 0, "ky_truoc": 240},
        "da_giai_quyet": {"tong": 4105, "truoc_han": 4009, "dung_han": 95, "qua_han": 1},
        "dang_giai_quyet": {"tong": 527, "trong_han": 527, "qua_han": 0},
        "tam_dung": 35, "tra_lai": 6, "rut": 0,
        "ty_le": {
            "truc_tuyen": {"tu_so": 4382, "mau_so": 4384, "phan_tram": "99.95"},
            "thanh_toan_truc_tuyen": {"tu_so": 3273, "mau_so": 3402, "phan_tram": "96.21"},
            "so_hoa_dau_vao": {"tu_so": 4383, "mau_so": 4433, "phan_tram": "98.87"},
            "so_hoa_dau_ra": {"tu_so": 4049, "mau_so": 4105, "phan_tram": "98.64"},
            "dung_han": {"tu_so": 4104, "mau_so": 4105, "phan_tram": "99.98"}
        }
    })
}

#[test]
fn period_is_the_one_asked_for() {
    assert_eq!(
        canonical()["ky"],
        json!({"tu_ngay": "2023-10-23", "den_ngay": "2023-11-22"})
    );
}

#[test]
fn district_level_matches_reference_004() {
    assert_contains(
        &canonical()["theo_cap"]["huyen"],
        &huyen(),
        "theo_cap.huyen",
    );
}

#[test]
fn commune_level_matches_reference_004() {
    assert_contains(&canonical()["theo_cap"]["xa"], &xa(), "theo_cap.xa");
}

#[test]
fn only_the_levels_present_are_listed() {
    let levels = canonical()["theo_cap"]
        .as_object()
        .expect("theo_cap is an object");
    let mut keys: Vec<&str> = levels.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["huyen", "xa"]);
}

#[test]
fn total_is_the_sum_of_the_levels() {
    // The expected total really is the sum of the two levels' terms.
    let (h, x, t) = (huyen(), xa(), tong());
    for group in ["tiep_nhan", "da_giai_quyet", "dang_giai_quyet"] {
        for (k, v) in t[group].as_object().unwrap() {
            assert_eq!(
                v.as_i64().unwrap(),
                h[group][k].as_i64().unwrap() + x[group][k].as_i64().unwrap(),
                "{group}.{k}"
            );
        }
    }
    for k in ["tam_dung", "tra_lai", "rut"] {
        assert_eq!(
            t[k].as_i64().unwrap(),
            h[k].as_i64().unwrap() + x[k].as_i64().unwrap(),
            "{k}"
        );
    }
    for (k, v) in t["ty_le"].as_object().unwrap() {
        for term in ["tu_so", "mau_so"] {
            assert_eq!(
                v[term].as_i64().unwrap(),
                h["ty_le"][k][term].as_i64().unwrap() + x["ty_le"][k][term].as_i64().unwrap(),
                "ty_le.{k}.{term}"
            );
        }
    }
    assert_contains(&canonical()["tong"], &t, "tong");
}

#[test]
fn every_dossier_falls_in_one_bucket() {
    let v = canonical();
    let mut summaries: Vec<(String, &Value)> = vec![("tong".into(), &v["tong"])];
    for (k, s) in v["theo_cap"].as_object().unwrap() {
        summaries.push((format!("theo_cap.{k}"), s));
    }
    for s in v["theo_don_vi"].as_array().expect("theo_don_vi is a list") {
        summaries.push((format!("theo_don_vi[{}]", s["don_vi"]), s));
    }
    for (name, s) in summaries {
        let n = |p: &str| {
            s.pointer(p)
                .and_then(Value::as_i64)
                .unwrap_or_else(|| panic!("{name}{p}"))
        };
        assert_eq!(
            n("/tiep_nhan/tong"),
            n("/tiep_nhan/trong_ky") + n("/tiep_nhan/ky_truoc"),
            "{name}"
        );
        assert_eq!(
            n("/tiep_nhan/trong_ky"),
            n("/tiep_nhan/truc_tuyen") + n("/tiep_nhan/truc_tiep") + n("/tiep_nhan/buu_chinh"),
            "{name}"
        );
        assert_eq!(
            n("/tiep_nhan/tong"),
            n("/da_giai_quyet/tong")
                + n("/dang_giai_quyet/tong")
                + n("/tam_dung")
                + n("/tra_lai")
                + n("/rut"),
            "{name}"
        );
    }
}

/// `nhap_lieu` for canonical.csv (4.701 data rows):
/// - `ho_so` 4.683 distinct received dossiers: the 4.673 counted in the
///   figures and 10 received but outside the period (ended before 23/10 or
///   received after 22/11);
/// - `trung_lap` 12: 3 identical repeats, 7 rows superseded by a corrected
///   row later in the file, and the 2 later rows of an a-b-a triple;
/// - `chua_tiep_nhan` 6 rows with a not-received status;
/// - `loi` 0.
///
/// 4.701 = 4.683 + 12 + 6.
#[test]
fn input_accounting_covers_every_row() {
    assert_contains(
        &canonical()["nhap_lieu"],
        &json!({"so_dong": 4701, "ho_so": 4683, "trung_lap": 12, "chua_tiep_nhan": 6, "loi": 0}),
        "nhap_lieu",
    );
}

/// Per unit, against expected.json (written by verify.py). Units are
/// matched by name; a unit with no dossier in the period may be listed with
/// zeros or left out.
#[test]
fn per_unit_figures_match_the_construction() {
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("expected.json")).unwrap()).unwrap();
    let got = canonical()["theo_don_vi"]
        .as_array()
        .expect("theo_don_vi is a list");
    let find = |name: &str| got.iter().find(|u| u["don_vi"] == name);
    for want in expected["theo_don_vi"].as_array().unwrap() {
        let name = want["don_vi"].as_str().unwrap();
        let unit = find(name).unwrap_or_else(|| panic!("unit {name} missing from theo_don_vi"));
        assert_contains(unit, want, &format!("theo_don_vi[{name}]"));
    }
    for unit in got {
        let name = unit["don_vi"].as_str().expect("don_vi is a string");
        let known = expected["theo_don_vi"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["don_vi"] == name);
        assert!(
            known || unit["tiep_nhan"]["tong"] == 0,
            "unexpected unit {name} with dossiers"
        );
    }
    // Grouped by level: every huyện unit before every xã unit.
    let levels: Vec<&str> = got.iter().map(|u| u["cap"].as_str().unwrap()).collect();
    let first_xa = levels
        .iter()
        .position(|&l| l == "xa")
        .unwrap_or(levels.len());
    assert!(
        levels[first_xa..].iter().all(|&l| l == "xa"),
        "theo_don_vi is not grouped by level: {levels:?}"
    );
}

/// The last differing row of a duplicated code wins, even when it repeats
/// an earlier one (a, b, a → a): a is a paused dossier of UBND xã Hà Kỳ
/// (`000.33.23.H23-231120-0005`), b the same dossier resolved. And a dossier
/// first exported at UBND xã Ngọc Kỳ, then corrected to Phòng Tư pháp
/// (`000.01.23.H23-231109-0002`), counts at Phòng Tư pháp only. (The names
/// come from the generated fixture; see its README.)
#[test]
fn last_row_read_wins() {
    let got = canonical()["theo_don_vi"].as_array().unwrap();
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("expected.json")).unwrap()).unwrap();
    for name in ["UBND xã Hà Kỳ", "Phòng Tư pháp", "UBND xã Ngọc Kỳ"] {
        let want = expected["theo_don_vi"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["don_vi"] == name)
            .unwrap();
        let unit = got
            .iter()
            .find(|u| u["don_vi"] == name)
            .unwrap_or_else(|| panic!("{name} missing"));
        assert_contains(
            &unit["tiep_nhan"],
            &want["tiep_nhan"],
            &format!("{name}.tiep_nhan"),
        );
        assert_contains(
            &unit["da_giai_quyet"],
            &want["da_giai_quyet"],
            &format!("{name}.da_giai_quyet"),
        );
        assert_eq!(unit["tam_dung"], want["tam_dung"], "{name}.tam_dung");
    }
}
