//! Period edges through the real binary, with times of day in the exports:
//! figures compare calendar dates (SPEC §3–4).

use std::fs;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

const HEADER: &str = "ma_ho_so,don_vi,kenh,ngay_tiep_nhan,ngay_hen_tra,ngay_ket_thuc,trang_thai\n";

fn stats(body: &str, period: &[&str]) -> Value {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("ho-so.csv"), format!("{HEADER}{body}")).unwrap();
    let out = Command::cargo_bin("cctthc")
        .unwrap()
        .current_dir(dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .env("CCTTHC_TODAY", "2026-11-23")
        .args(["stats", "-i", "ho-so.csv", "--format", "json"])
        .args(period)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

const REF_PERIOD: [&str; 4] = ["--from", "23/10/2023", "--to", "22/11/2023"];

#[test]
fn received_at_23_59_on_the_last_day_is_in_the_period() {
    let v = stats(
        "A,UBND xã Ngọc Kỳ,2,22/11/2023 23:59,27/11/2023,,Đang xử lý\n\
         B,UBND xã Ngọc Kỳ,2,23/11/2023 00:00,27/11/2023,,Đang xử lý\n",
        &REF_PERIOD,
    );
    let t = &v["tong"];
    assert_eq!(t["tiep_nhan"]["trong_ky"], 1);
    assert_eq!(t["dang_giai_quyet"]["trong_han"], 1);
    assert_eq!(t["tiep_nhan"]["tong"], 1);
}

#[test]
fn ended_on_the_due_date_at_a_later_hour_is_on_time() {
    let v = stats(
        "A,UBND xã Ngọc Kỳ,2,01/11/2023 08:00,05/11/2023 08:00,05/11/2023 16:30,Hoàn thành\n\
         B,UBND xã Ngọc Kỳ,2,01/11/2023 08:00,2023-11-05T08:00:00,2023-11-06T07:00:00,Hoàn thành\n\
         C,UBND xã Ngọc Kỳ,2,01/11/2023 08:00,05/11/2023,04/11/2023 23:59:59,Hoàn thành\n",
        &REF_PERIOD,
    );
    let r = &v["tong"]["da_giai_quyet"];
    assert_eq!(
        (
            r["truoc_han"].as_u64(),
            r["dung_han"].as_u64(),
            r["qua_han"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(v["tong"]["ty_le"]["dung_han"]["phan_tram"], "66.67");
}

#[test]
fn ended_after_the_period_is_still_in_progress_at_its_end() {
    let v = stats(
        "A,UBND xã Ngọc Kỳ,2,20/11/2023,30/11/2023,23/11/2023,Hoàn thành\n\
         B,UBND xã Ngọc Kỳ,2,10/11/2023,15/11/2023,25/11/2023,Hoàn thành\n\
         C,UBND xã Ngọc Kỳ,2,10/11/2023,22/11/2023,,Đang xử lý\n\
         D,UBND xã Ngọc Kỳ,2,10/11/2023,15/11/2023,,Yêu cầu bổ sung giấy tờ\n",
        &REF_PERIOD,
    );
    let t = &v["tong"];
    assert_eq!(t["da_giai_quyet"]["tong"], 0);
    assert_eq!(
        t["dang_giai_quyet"]["trong_han"], 2,
        "due on or after the end: in time"
    );
    assert_eq!(t["dang_giai_quyet"]["qua_han"], 1);
    assert_eq!(t["tam_dung"], 1);
}

#[test]
fn carried_over_and_ended_before_the_period() {
    let v = stats(
        "A,UBND xã Ngọc Kỳ,2,20/10/2023,25/10/2023,23/10/2023,Hoàn thành\n\
         B,UBND xã Ngọc Kỳ,2,20/10/2023,25/10/2023,22/10/2023 17:00,Hoàn thành\n\
         C,UBND xã Ngọc Kỳ,1,01/09/2023,25/09/2023,,Đang xử lý\n\
         D,UBND xã Ngọc Kỳ,1,01/09/2023,25/09/2023,30/10/2023,Trả lại hồ sơ\n\
         E,UBND xã Ngọc Kỳ,1,01/09/2023,25/09/2023,30/10/2023,Rút hồ sơ\n",
        &REF_PERIOD,
    );
    let t = &v["tong"];
    assert_eq!(t["tiep_nhan"]["ky_truoc"], 4);
    assert_eq!(t["tiep_nhan"]["trong_ky"], 0);
    assert_eq!(t["da_giai_quyet"]["truoc_han"], 1);
    assert_eq!(t["dang_giai_quyet"]["qua_han"], 1);
    assert_eq!(t["tra_lai"], 1);
    assert_eq!(t["rut"], 1);
    // Nothing received in the period: the resolution ratio has a zero
    // denominator; the export has no digitisation column, so that ratio is
    // null as a whole (SPEC §1.4), not 0 of 0.
    let ratio = |k: &str| {
        let r = &t["ty_le"][k];
        (
            r["tu_so"].clone(),
            r["mau_so"].clone(),
            r["phan_tram"].clone(),
        )
    };
    assert_eq!(ratio("dung_han"), (1.into(), 1.into(), "100.00".into()));
    assert_eq!(ratio("truc_tuyen"), (0.into(), 0.into(), Value::Null));
    assert_eq!(
        ratio("so_hoa_dau_vao"),
        (Value::Null, Value::Null, Value::Null)
    );
}

#[test]
fn received_after_the_period_is_left_out() {
    let v = stats(
        "A,UBND xã Ngọc Kỳ,2,23/11/2023,30/11/2023,24/11/2023,Hoàn thành\n\
         B,UBND xã Ngọc Kỳ,2,01/11/2023,30/11/2023,02/11/2023,Hoàn thành\n",
        &REF_PERIOD,
    );
    assert_eq!(v["tong"]["tiep_nhan"]["tong"], 1);
    assert_eq!(v["luy_ke"]["tong"]["tiep_nhan"]["tong"], 1);
    assert_eq!(v["ky_lien_truoc"]["ky"]["tu_ngay"], "2023-09-22");
    assert_eq!(v["ky_lien_truoc"]["ky"]["den_ngay"], "2023-10-22");
}

#[test]
fn month_flags_pick_the_right_days() {
    let body = "A,UBND xã Ngọc Kỳ,2,30/11/2025,05/12/2025,,Đang xử lý\n\
                B,UBND xã Ngọc Kỳ,2,01/12/2025,05/12/2025,,Đang xử lý\n\
                C,UBND xã Ngọc Kỳ,2,15/11/2026,05/12/2026,,Đang xử lý\n";
    // On 2026-11-23, month 12 is December 2025 and month 11 is November 2026.
    let dec = stats(body, &["--month", "12"]);
    assert_eq!(dec["ky"]["tu_ngay"], "2025-12-01");
    assert_eq!(dec["ky"]["den_ngay"], "2025-12-31");
    assert_eq!(dec["tong"]["tiep_nhan"]["trong_ky"], 1);
    assert_eq!(dec["tong"]["tiep_nhan"]["ky_truoc"], 1);
    let nov = stats(body, &["--month", "11"]);
    assert_eq!(nov["ky"]["tu_ngay"], "2026-11-01");
    assert_eq!(nov["tong"]["tiep_nhan"]["trong_ky"], 1);
    let prev = stats(body, &["--month", "prev"]);
    assert_eq!(prev["ky"]["tu_ngay"], "2026-10-01");
    let cut = stats(body, &["--month", "12", "--year", "2025", "--cutoff", "15"]);
    assert_eq!(cut["ky"]["tu_ngay"], "2025-11-15");
    assert_eq!(cut["ky"]["den_ngay"], "2025-12-14");
    assert_eq!(cut["tong"]["tiep_nhan"]["trong_ky"], 2);
    let q = stats(body, &["--quarter", "4", "--year", "2025"]);
    assert_eq!(q["ky"]["den_ngay"], "2025-12-31");
    assert_eq!(q["tong"]["tiep_nhan"]["trong_ky"], 2);
}

#[test]
fn cutoff_comes_from_config_and_the_flag_wins() {
    let dir = TempDir::new().unwrap();
    fs::write(
        dir.path().join("cctthc.toml"),
        "[ky_bao_cao]\nngay_chot = 23\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("ho-so.csv"),
        format!("{HEADER}A,UBND xã Ngọc Kỳ,2,23/10/2023,30/10/2023,,Đang xử lý\n"),
    )
    .unwrap();
    let run = |extra: &[&str]| -> Value {
        let out = Command::cargo_bin("cctthc")
            .unwrap()
            .current_dir(dir.path())
            .args([
                "stats",
                "-i",
                "ho-so.csv",
                "--format",
                "json",
                "--month",
                "11",
                "--year",
                "2023",
            ])
            .args(extra)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out).unwrap()
    };
    let v = run(&[]);
    assert_eq!(v["ky"]["tu_ngay"], "2023-10-23");
    assert_eq!(v["ky"]["den_ngay"], "2023-11-22");
    let v = run(&["--cutoff", "1"]);
    assert_eq!(v["ky"]["tu_ngay"], "2023-11-01");
}
