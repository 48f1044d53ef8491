//! `[cach_tinh]` (SPEC §4) on the reference-004 fixture: the default keeps
//! every bucket apart; `tra_lai_rut = "dung_han"` shows returned and
//! withdrawn dossiers as resolved on time, `tam_dung = "trong_han"` paused
//! ones as in progress in time; the counts of their own stay, and the
//! form's identity holds in each mode, for the total, each level and unit.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn stats(counting: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cctthc.toml");
    std::fs::write(&config, format!("[cach_tinh]\n{counting}\n")).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ref004/canonical.csv");
    let out = Command::cargo_bin("cctthc")
        .unwrap()
        .current_dir(dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("xdg"))
        .args([
            "stats",
            "--from",
            "23/10/2023",
            "--to",
            "22/11/2023",
            "--format",
            "json",
        ])
        .arg("--config")
        .arg(&config)
        .arg("-i")
        .arg(&fixture)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn n(v: &Value) -> u64 {
    v.as_u64().unwrap()
}

/// Every summary of a stats object: the total, the levels, the units.
fn summaries(v: &Value) -> Vec<(String, &Value)> {
    let mut out = vec![("tong".to_string(), &v["tong"])];
    for (level, s) in v["theo_cap"].as_object().unwrap() {
        out.push((level.clone(), s));
    }
    for u in v["theo_don_vi"].as_array().unwrap() {
        out.push((u["don_vi"].as_str().unwrap().to_string(), u));
    }
    out
}

#[test]
fn each_rule_moves_its_buckets_and_keeps_the_identity() {
    let base = stats("");
    assert_eq!(base["cach_tinh"]["tra_lai_rut"], "rieng");
    assert_eq!(base["cach_tinh"]["tam_dung"], "rieng");
    // Reference 004's commune level as the default counts it.
    assert_eq!(n(&base["theo_cap"]["xa"]["tiep_nhan"]["tong"]), 4479);
    // The fixture has dossiers in every bucket that moves.
    let t = &base["tong"];
    assert!(
        n(&t["tra_lai"]) + n(&t["rut"]) > 0 && n(&t["tam_dung"]) > 0,
        "{t}"
    );
    let modes = [
        ("tra_lai_rut = \"dung_han\"", true, false),
        ("tam_dung = \"trong_han\"", false, true),
        (
            "tra_lai_rut = \"dung_han\"\ntam_dung = \"trong_han\"",
            true,
            true,
        ),
    ];
    for (config, ended, paused) in modes {
        let v = stats(config);
        assert_eq!(
            v["cach_tinh"]["tra_lai_rut"],
            if ended { "dung_han" } else { "rieng" }
        );
        assert_eq!(
            v["cach_tinh"]["tam_dung"],
            if paused { "trong_han" } else { "rieng" }
        );
        for ((name, s), (_, b)) in summaries(&v).into_iter().zip(summaries(&base)) {
            let (r, w, p) = (n(&b["tra_lai"]), n(&b["rut"]), n(&b["tam_dung"]));
            // The counts of their own stay as the default gives them.
            assert_eq!(
                (n(&s["tra_lai"]), n(&s["rut"]), n(&s["tam_dung"])),
                (r, w, p),
                "{name}"
            );
            assert_eq!(s["tiep_nhan"], b["tiep_nhan"], "{name}");
            let moved = if ended { r + w } else { 0 };
            assert_eq!(
                n(&s["da_giai_quyet"]["tong"]),
                n(&b["da_giai_quyet"]["tong"]) + moved,
                "{name}"
            );
            assert_eq!(
                n(&s["da_giai_quyet"]["dung_han"]),
                n(&b["da_giai_quyet"]["dung_han"]) + moved,
                "{name}"
            );
            assert_eq!(
                s["da_giai_quyet"]["truoc_han"], b["da_giai_quyet"]["truoc_han"],
                "{name}"
            );
            assert_eq!(
                s["da_giai_quyet"]["qua_han"], b["da_giai_quyet"]["qua_han"],
                "{name}"
            );
            let moved_p = if paused { p } else { 0 };
            assert_eq!(
                n(&s["dang_giai_quyet"]["tong"]),
                n(&b["dang_giai_quyet"]["tong"]) + moved_p,
                "{name}"
            );
            assert_eq!(
                n(&s["dang_giai_quyet"]["trong_han"]),
                n(&b["dang_giai_quyet"]["trong_han"]) + moved_p,
                "{name}"
            );
            // The identity of the form in this mode.
            let mut parts = n(&s["da_giai_quyet"]["tong"]) + n(&s["dang_giai_quyet"]["tong"]);
            if !ended {
                parts += r + w;
            }
            if !paused {
                parts += p;
            }
            assert_eq!(n(&s["tiep_nhan"]["tong"]), parts, "{name}: {config}");
            // The on-time ratio over what the form shows as resolved.
            let d = &s["da_giai_quyet"];
            assert_eq!(
                n(&s["ty_le"]["dung_han"]["mau_so"]),
                n(&d["tong"]),
                "{name}"
            );
            assert_eq!(
                n(&s["ty_le"]["dung_han"]["tu_so"]),
                n(&d["truoc_han"]) + n(&d["dung_han"]),
                "{name}"
            );
        }
    }
}

#[test]
fn a_wrong_rule_is_a_config_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cctthc.toml");
    std::fs::write(&config, "[cach_tinh]\ntam_dung = \"dung_han\"\n").unwrap();
    let out = Command::cargo_bin("cctthc")
        .unwrap()
        .current_dir(dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("xdg"))
        .args(["stats", "--month", "11", "--year", "2023", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("[cach_tinh] tam_dung = \"dung_han\": cần \"rieng\" hoặc \"trong_han\""),
        "{err}"
    );
}

#[test]
fn the_national_index_is_counted_the_default_way_in_every_mode() {
    // SPEC §12: the estimates take the figures of §4 counted the default
    // way, whatever [cach_tinh] says; the figures themselves do move.
    let base = stats("");
    let both = stats("tra_lai_rut = \"dung_han\"\ntam_dung = \"trong_han\"");
    assert_ne!(base["tong"]["da_giai_quyet"], both["tong"]["da_giai_quyet"]);
    assert!(
        base["chi_so_766"]["tong"]["diem"].is_string(),
        "{}",
        base["chi_so_766"]
    );
    assert_eq!(base["chi_so_766"], both["chi_so_766"]);
}
