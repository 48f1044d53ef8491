//! docs/tham-chieu.md names everything a user can write or read: every
//! config key, every template filter, every key of `stats --format json`.
//! The names are taken from the code, so a new one fails here until the
//! reference has it in backticks.

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The names written in backticks in the reference: each backticked span
/// as a whole, and each identifier inside it (so `[chi_so_766.KEY]` gives
/// `chi_so_766`, and `{tu_so, mau_so}` gives both).
fn documented() -> BTreeSet<String> {
    let doc = read("docs/tham-chieu.md");
    let mut names = BTreeSet::new();
    for (i, span) in doc.split('`').enumerate() {
        if i % 2 == 0 {
            continue;
        }
        names.insert(span.to_string());
        for word in span.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')) {
            if !word.is_empty() {
                names.insert(word.to_string());
            }
        }
    }
    names
}

fn missing(what: &str, wanted: &BTreeSet<String>, documented: &BTreeSet<String>) -> Vec<String> {
    wanted
        .iter()
        .filter(|n| !documented.contains(*n))
        .map(|n| format!("{what}: `{n}`"))
        .collect()
}

/// The `pub` fields of the structs deserialized with
/// `#[serde(deny_unknown_fields)]` in src/config.rs, except those serde
/// skips.
fn config_keys() -> BTreeSet<String> {
    let src = read("src/config.rs");
    let mut keys = BTreeSet::new();
    let mut in_struct = false;
    let mut armed = false;
    let mut skip_next = false;
    for line in src.lines() {
        let t = line.trim();
        if t == "#[serde(deny_unknown_fields)]" {
            armed = true;
            continue;
        }
        if armed && t.starts_with("pub struct ") {
            in_struct = true;
            armed = false;
            continue;
        }
        if !in_struct {
            continue;
        }
        if t == "}" {
            in_struct = false;
            continue;
        }
        if t.starts_with("#[serde(skip") {
            skip_next = true;
            continue;
        }
        if let Some(rest) = t.strip_prefix("pub ")
            && let Some((name, _)) = rest.split_once(':')
            && !std::mem::take(&mut skip_next)
        {
            keys.insert(name.trim().to_string());
        }
    }
    assert!(
        keys.len() > 30 && keys.contains("ngay_chot") && keys.contains("ten_khac"),
        "the scan of src/config.rs found too few keys: {keys:?}"
    );
    keys
}

/// Every `env.add_filter("NAME"` of src/report/filters.rs.
fn filters() -> BTreeSet<String> {
    let src = read("src/report/filters.rs");
    let names: BTreeSet<String> = src
        .split("env.add_filter(\"")
        .skip(1)
        .filter_map(|rest| rest.split_once('"').map(|(n, _)| n.to_string()))
        .collect();
    assert!(names.contains("so"), "no filter found: {names:?}");
    names
}

/// Every object key of the JSON, at any depth. Unit and field names are
/// values, not keys; the level keys of `theo_cap` and `trung_binh`
/// (`tinh`, `huyen`, `xa`) are keys and are documented too.
fn collect_keys(value: &serde_json::Value, keys: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                keys.insert(k.clone());
                collect_keys(v, keys);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_keys(v, keys)),
        _ => {}
    }
}

fn json_keys() -> BTreeSet<String> {
    let home = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("cctthc")
        .unwrap()
        .current_dir(root().join("examples"))
        .env("XDG_CONFIG_HOME", home.path())
        .env_remove("APPDATA")
        .args([
            "stats", "--format", "json", "--month", "11", "--year", "2023",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "stats failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut keys = BTreeSet::new();
    collect_keys(&json, &mut keys);
    assert!(keys.contains("tiep_nhan") && keys.contains("chi_so_766"));
    keys
}

#[test]
fn the_reference_names_every_config_key_filter_and_json_key() {
    let documented = documented();
    let mut problems = Vec::new();
    problems.extend(missing(
        "khóa cấu hình (src/config.rs)",
        &config_keys(),
        &documented,
    ));
    problems.extend(missing(
        "bộ lọc (src/report/filters.rs)",
        &filters(),
        &documented,
    ));
    problems.extend(missing(
        "khóa JSON (stats --format json)",
        &json_keys(),
        &documented,
    ));
    for name in ["bao-cao-thang", "bieu-duong-nhac-nho", "cong-van-xa"] {
        if !documented.contains(name) {
            problems.push(format!("mẫu: `{name}`"));
        }
    }
    assert!(
        problems.is_empty(),
        "docs/tham-chieu.md thiếu {} tên:\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

/// The repository paths a text names in backticks (`docs/x.md`, `tests/`),
/// by their first folder; outputs the commands make are not among them.
fn named_paths(text: &str) -> BTreeSet<String> {
    const TOP: [&str; 11] = [
        "src/",
        "tests/",
        "docs/",
        "dist/",
        "examples/",
        "bench/",
        "fuzz/",
        "templates/",
        ".ci/",
        "ARCHITECTURE.md",
        "README.md",
    ];
    // Written by the README's main command and by dist/windows.sh.
    const MADE: [&str; 2] = ["examples/bao-cao/", "target/"];
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| TOP.iter().any(|t| s.starts_with(t)))
        .filter(|s| !MADE.iter().any(|m| s.starts_with(m)))
        .filter(|s| !s.contains(char::is_whitespace))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_file_the_readme_and_the_help_name_exists() {
    let mut named = named_paths(&read("README.md"));
    let help = Command::cargo_bin("cctthc")
        .unwrap()
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    // The help names files bare, not in backticks.
    for word in help.split(|c: char| c.is_whitespace() || c == ';' || c == '(' || c == ')') {
        let word = word.trim_end_matches(['.', ',', ':']);
        if word.ends_with(".md") || word.ends_with(".txt") {
            named.insert(word.to_string());
        }
    }
    assert!(named.contains("docs/du-lieu-vao.md") && named.contains("docs/tham-chieu.md"));
    let missing: Vec<_> = named
        .iter()
        // HUONG-DAN.txt is the zip's name for dist/HUONG-DAN.txt.
        .map(|p| {
            if p == "HUONG-DAN.txt" {
                "dist/HUONG-DAN.txt"
            } else {
                p.as_str()
            }
        })
        .filter(|p| !root().join(p).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "README.md hay --help nêu tệp không có: {missing:?}"
    );
}
