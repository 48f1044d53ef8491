//! The same dossiers in every input shape give the same figures: the
//! reference-004 fixture (`tests/fixtures/ref004/`) is written as
//! canonical CSV, Vietnamese headers with title rows, BOM and `;`, NFD text
//! with tabs, Windows-1258, UTF-16 LE without a level column, and xlsx with
//! real date cells. `cctthc stats --format json` must print the very same
//! JSON for each, and for a folder holding all of them at once (every
//! dossier then read six times: merged as duplicates, the figures unchanged).

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const SHAPES: [&str; 6] = [
    "canonical.csv",
    "vi-bom-title.csv",
    "nfd.tsv",
    "cp1258.csv",
    "utf16.csv",
    "ho-so.xlsx",
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ref004")
        .join(name)
}

/// `cctthc stats --from 23/10/2023 --to 22/11/2023 -i INPUT --format json`,
/// in an empty folder with an empty config file.
fn stats_json(input: &Path) -> Value {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("cctthc.toml");
    std::fs::write(&config, "").expect("empty config");
    let out = Command::new(env!("CARGO_BIN_EXE_cctthc"))
        .current_dir(dir.path())
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
        .arg(&config)
        .arg("-i")
        .arg(input)
        .output()
        .expect("run cctthc");
    assert!(
        out.status.success(),
        "cctthc stats -i {} exited with {:?}\n--- stderr\n{}",
        input.display(),
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

fn canonical() -> &'static Value {
    static RUN: OnceLock<Value> = OnceLock::new();
    RUN.get_or_init(|| stats_json(&fixture("canonical.csv")))
}

/// Where two JSON values first differ, for a readable failure.
fn first_difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                let p = format!("{path}.{k}");
                match (x.get(k), y.get(k)) {
                    (Some(u), Some(v)) => {
                        if let Some(d) = first_difference(u, v, &p) {
                            return Some(d);
                        }
                    }
                    (u, v) => return Some(format!("{p}: {u:?} vs {v:?}")),
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (u, v)) in x.iter().zip(y).enumerate() {
                if let Some(d) = first_difference(u, v, &format!("{path}[{i}]")) {
                    return Some(d);
                }
            }
            (x.len() != y.len()).then(|| format!("{path}: {} items vs {}", x.len(), y.len()))
        }
        _ => (a != b).then(|| format!("{path}: {a} vs {b}")),
    }
}

fn assert_same_as_canonical(shape: &str) {
    let got = stats_json(&fixture(shape));
    let want = canonical();
    if let Some(d) = first_difference(&got, want, "") {
        panic!("{shape} differs from canonical.csv at {d}");
    }
    assert_eq!(&got, want);
}

#[test]
fn vietnamese_headers_title_rows_bom_semicolon() {
    assert_same_as_canonical("vi-bom-title.csv");
}

#[test]
fn decomposed_unicode_tab_delimited() {
    assert_same_as_canonical("nfd.tsv");
}

#[test]
fn windows_1258() {
    assert_same_as_canonical("cp1258.csv");
}

#[test]
fn utf16_without_level_column() {
    assert_same_as_canonical("utf16.csv");
}

#[test]
fn xlsx_with_date_cells() {
    assert_same_as_canonical("ho-so.xlsx");
}

/// A folder of all six shapes: every row read six times. The figures are
/// those of one file; the accounting counts every row: 6 × 4.701 rows,
/// still 4.683 dossiers, the rest merged or not received. (SPEC §5 does not
/// say whether a not-received row read again counts as not received — 36 —
/// or as a duplicate — 6 —; either way every row is accounted for.)
#[test]
fn folder_of_every_shape_merges_the_duplicates() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("du-lieu");
    std::fs::create_dir(&data).unwrap();
    for shape in SHAPES {
        std::fs::copy(fixture(shape), data.join(shape)).unwrap();
    }
    let got = stats_json(&data);
    let want = canonical();
    for key in ["ky", "tong", "theo_cap", "theo_don_vi"] {
        if let Some(d) = first_difference(&got[key], &want[key], key) {
            panic!("a folder of every shape differs from canonical.csv at {d}");
        }
    }
    let n = |v: &Value, k: &str| {
        v["nhap_lieu"][k]
            .as_i64()
            .unwrap_or_else(|| panic!("nhap_lieu.{k}"))
    };
    let files = SHAPES.len() as i64;
    assert_eq!(n(&got, "so_dong"), files * n(want, "so_dong"), "so_dong");
    assert_eq!(n(&got, "ho_so"), n(want, "ho_so"), "ho_so");
    // A code read again merges whatever its status: a not-received row
    // read six times counts once as not received, five times as a duplicate.
    let not_received = n(&got, "chua_tiep_nhan");
    assert_eq!(not_received, n(want, "chua_tiep_nhan"), "chua_tiep_nhan");
    assert_eq!(n(&got, "loi"), 0, "loi");
    assert_eq!(
        n(&got, "trung_lap"),
        n(&got, "so_dong") - n(&got, "ho_so") - not_received,
        "trung_lap: every other row is merged"
    );
}
