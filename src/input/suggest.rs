//! What `cctthc.toml` would fix, as a fragment to append to it (SPEC §1.7,
//! `cctthc check --goi-y`): every unknown status word, every unknown value
//! of a field, every unit without a level, every required column not
//! found. Where a word suggests an answer it is filled in and marked as a
//! guess; where nothing does, the entry is a comment listing the choices,
//! so the fragment is valid TOML as it stands.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use super::dossier::{Level, Status};
use super::field::Field;
use super::problem::{FaultKind, RowProblem};
use super::values;
use crate::text::{clean_name, fold, fold_words};

const GUESS: &str = "# đoán, cần kiểm tra";

/// The fixes gathered from a read.
#[derive(Debug, Default)]
pub struct Suggestions {
    /// Unknown status words, by folded form.
    statuses: BTreeMap<String, String>,
    /// Unknown values of `kenh`, `cap` and the yes/no fields.
    values: BTreeMap<&'static str, BTreeMap<String, String>>,
    /// Units without a level.
    units: BTreeMap<String, String>,
    /// Dates that were not read, a few per field.
    dates: BTreeMap<String, Vec<String>>,
    /// Required columns not found: the file, the field, the closest header.
    columns: Vec<(String, Field, Option<String>)>,
}

/// How many distinct values of one kind are suggested.
const MAX_PER_KIND: usize = 500;

impl Suggestions {
    /// The fixes a row's faults call for.
    pub fn add(&mut self, problem: &RowProblem) {
        for f in &problem.faults {
            let value = f.value.trim();
            if value.is_empty() {
                continue;
            }
            let key = fold(value);
            match f.kind {
                FaultKind::UnknownStatus => insert(&mut self.statuses, key, value),
                FaultKind::UnknownLevel if f.field == Field::Unit.name() => {
                    insert(
                        &mut self.units,
                        fold(&clean_name(value)),
                        &clean_name(value),
                    );
                }
                FaultKind::UnknownLevel => {
                    insert(
                        self.values.entry(Field::Level.name()).or_default(),
                        key,
                        value,
                    );
                }
                FaultKind::BadChannel => {
                    insert(
                        self.values.entry(Field::Channel.name()).or_default(),
                        key,
                        value,
                    );
                }
                FaultKind::BadYesNo => {
                    if let Some(field) = Field::from_name(&f.field) {
                        insert(self.values.entry(field.name()).or_default(), key, value);
                    }
                }
                FaultKind::BadDate => {
                    let samples = self.dates.entry(f.field.clone()).or_default();
                    if samples.len() < 3 && !samples.iter().any(|s| s == value) {
                        samples.push(value.to_string());
                    }
                }
                _ => {}
            }
        }
    }

    /// A file whose header lacks required columns: a `[cot]` entry for
    /// each, naming the closest header the file has that is not used.
    pub fn missing_columns(&mut self, path: &Path, found: &[String], missing: &[Field]) {
        let rules = super::header::HeaderRules::new(&[]);
        let unused: Vec<&String> = found
            .iter()
            .filter(|h| !h.trim().is_empty() && rules.field_of(h).is_none())
            .collect();
        for &field in missing {
            let closest = unused
                .iter()
                .map(|h| (closeness(field, h), *h))
                .filter(|(score, _)| *score > 0.3)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, h)| h.clone());
            self.columns
                .push((path.display().to_string(), field, closest));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.statuses.is_empty()
            && self.values.is_empty()
            && self.units.is_empty()
            && self.dates.is_empty()
            && self.columns.is_empty()
    }

    /// The fragment. `defined` holds the tables the user's config already
    /// has (`trang_thai`, `gia_tri.kenh`…): TOML does not let a table be
    /// opened twice, so their entries are written as comments to move in.
    pub fn render(&self, defined: &BTreeSet<String>) -> String {
        let mut out = String::from(
            "# Gợi ý cấu hình của `cctthc check --goi-y`: thêm vào cuối cctthc.toml,\n\
             # xem lại các dòng có \"# đoán, cần kiểm tra\" và điền các dòng còn là chú thích.\n",
        );
        if self.is_empty() {
            out.push_str("# Không có gì cần khai báo thêm.\n");
            return out;
        }
        if !self.columns.is_empty() {
            let lines = self
                .columns
                .iter()
                .map(|(file, field, closest)| match closest {
                    Some(h) => format!("{} = {} {GUESS} (tệp {file})", field.name(), quote(h)),
                    None => format!("# {} = \"\" # tên cột trong tệp {file}", field.name()),
                });
            table(&mut out, "cot", lines.collect(), defined);
        }
        if !self.statuses.is_empty() {
            let lines = self.statuses.values().map(|word| match status_guess(word) {
                Some(s) => format!("{} = \"{}\" {GUESS}", quote(word), s.key()),
                None => format!(
                    "# {} = \"\" # chọn: {}",
                    quote(word),
                    Status::ALL.map(|s| s.key()).join(", ")
                ),
            });
            table(&mut out, "trang_thai", lines.collect(), defined);
        }
        for (field, words) in &self.values {
            let lines = words.values().map(|word| value_line(field, word));
            table(
                &mut out,
                &format!("gia_tri.{field}"),
                lines.collect(),
                defined,
            );
        }
        if !self.dates.is_empty() {
            let mut lines = Vec::new();
            let mut formats = BTreeSet::new();
            for (field, samples) in &self.dates {
                for s in samples {
                    match date_format_guess(s) {
                        Some(f) => {
                            lines.push(format!("# {field}: '{s}' đọc được với \"{f}\""));
                            formats.insert(f);
                        }
                        None => lines.push(format!(
                            "# {field}: '{s}' chưa đọc được: thêm định dạng (cú pháp chrono, ví dụ \"%d-%m-%Y %H:%M\")"
                        )),
                    }
                }
            }
            let list: Vec<String> = formats.iter().map(|f| quote(f)).collect();
            if list.is_empty() {
                lines.push("# dinh_dang_ngay = [\"%d-%m-%Y %H:%M\"]".into());
            } else {
                lines.push(format!("dinh_dang_ngay = [{}] {GUESS}", list.join(", ")));
            }
            table(&mut out, "nhap", lines, defined);
        }
        for name in self.units.values() {
            out.push('\n');
            out.push_str(&values::unit_block(name));
        }
        out
    }
}

fn insert(map: &mut BTreeMap<String, String>, key: String, value: &str) {
    if map.len() < MAX_PER_KIND {
        map.entry(key).or_insert_with(|| value.to_string());
    }
}

/// A TOML string.
fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// One table of the fragment, commented out if the config has it.
fn table(out: &mut String, name: &str, lines: Vec<String>, defined: &BTreeSet<String>) {
    out.push('\n');
    if defined.contains(name) {
        let _ = writeln!(
            out,
            "# Bảng [{name}] đã có trong cctthc.toml: chuyển các dòng dưới đây vào bảng đó (bỏ dấu # đầu dòng)."
        );
        let _ = writeln!(out, "# [{name}]");
        for l in lines {
            if l.starts_with('#') {
                let _ = writeln!(out, "{l}");
            } else {
                let _ = writeln!(out, "# {l}");
            }
        }
        return;
    }
    let _ = writeln!(out, "[{name}]");
    for l in lines {
        let _ = writeln!(out, "{l}");
    }
}

/// How close a header is to what `field` is usually called (0 to 1).
fn closeness(field: Field, header: &str) -> f64 {
    let h = fold(header);
    std::iter::once(field.name())
        .chain(field.headers().iter().copied())
        .map(|name| strsim::normalized_levenshtein(&fold(name), &h))
        .fold(0.0, f64::max)
}

/// The class a status word suggests.
fn status_guess(word: &str) -> Option<Status> {
    let w = fold_words(word);
    let has = |parts: &[&str]| parts.iter().any(|p| w.contains(p));
    if has(&[
        "tu choi tiep nhan",
        "khong tiep nhan",
        "cho tiep nhan",
        "moi dang ky",
        "nhap",
    ]) {
        Some(Status::NotReceived)
    } else if has(&["rut"]) {
        Some(Status::Withdrawn)
    } else if has(&[
        "tra lai",
        "tu choi",
        "dung xu ly",
        "khong du dieu kien",
        "huy",
    ]) {
        Some(Status::Returned)
    } else if has(&[
        "bo sung",
        "tam dung",
        "thanh toan",
        "nghia vu tai chinh",
        "cho y kien",
    ]) {
        Some(Status::Paused)
    } else if has(&[
        "tra ket qua",
        "co ket qua",
        "hoan thanh",
        "xong",
        "da giai quyet",
        "da xu ly",
        "phe duyet",
        "ban hanh",
    ]) {
        Some(Status::Resolved)
    } else if has(&[
        "dang",
        "cho xu ly",
        "tiep nhan",
        "chuyen",
        "trinh",
        "tham dinh",
        "xu ly",
    ]) {
        Some(Status::InProgress)
    } else {
        None
    }
}

/// The `[gia_tri.FIELD]` line for an unknown value.
fn value_line(field: &str, word: &str) -> String {
    let w = fold_words(word);
    let has = |parts: &[&str]| parts.iter().any(|p| w.contains(p));
    let guess: Option<String> = match field {
        "kenh" => {
            if has(&[
                "truc tuyen",
                "mang",
                "online",
                "dvc",
                "cong dich vu",
                "dien tu",
                "zalo",
                "app",
            ]) {
                Some("\"truc_tuyen\"".into())
            } else if has(&["buu", "bcci"]) {
                Some("\"buu_chinh\"".into())
            } else if has(&["truc tiep", "mot cua", "quay", "tai"]) {
                Some("\"truc_tiep\"".into())
            } else {
                None
            }
        }
        // "Cấp cơ sở" (grassroots) is the commune, whatever "sở" says.
        "cap" if has(&["co so"]) => Some("\"xa\"".into()),
        "cap" => values::guess_level(word).map(|l: Level| format!("\"{}\"", l.key())),
        _ => {
            if w.starts_with("co")
                || w.starts_with("da ")
                || w == "da"
                || w == "du"
                || has(&["day du"])
            {
                Some("true".into())
            } else if w.starts_with("khong") || w.starts_with("chua") {
                Some("false".into())
            } else {
                None
            }
        }
    };
    match guess {
        Some(g) => format!("{} = {g} {GUESS}", quote(word)),
        None => {
            let choices = match field {
                "kenh" => "\"truc_tuyen\", \"truc_tiep\", \"buu_chinh\"",
                "cap" => "\"tinh\", \"huyen\", \"xa\"",
                _ => "true, false",
            };
            format!("# {} = # chọn: {choices}", quote(word))
        }
    }
}

/// A chrono format that reads `sample` as a date, guessed from where its
/// numbers stand (`03-10-2023 14:35` → `%d-%m-%Y %H:%M`).
fn date_format_guess(sample: &str) -> Option<String> {
    let s = sample.trim();
    // The numbers' lengths, in order, and the text between them.
    let mut pieces: Vec<Result<usize, char>> = Vec::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 {
            pieces.push(Ok(digits));
            rest = &rest[digits..];
        } else {
            pieces.push(Err(c));
            rest = &rest[c.len_utf8()..];
        }
    }
    let year_first = matches!(pieces.first(), Some(Ok(4)));
    let mut names = if year_first {
        vec!["%Y", "%m", "%d", "%H", "%M", "%S"]
    } else {
        vec!["%d", "%m", "%Y", "%H", "%M", "%S"]
    };
    names.reverse();
    let mut format = String::new();
    for p in pieces {
        match p {
            Ok(len) => {
                let mut name = names.pop()?;
                if name == "%Y" && len == 2 {
                    name = "%y";
                }
                format.push_str(name);
            }
            Err('%') => format.push_str("%%"),
            Err(c) => format.push(c),
        }
    }
    values::DateRules::new(std::slice::from_ref(&format))
        .ok()
        .and_then(|rules| rules.extra(s))
        .map(|_| format)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::problem::Fault;
    use std::sync::Arc;

    fn problem(kind: FaultKind, field: &str, value: &str) -> RowProblem {
        RowProblem {
            file: Arc::from("x.csv"),
            line: 2,
            faults: vec![Fault {
                kind,
                field: field.into(),
                value: value.into(),
                reason: String::new(),
            }],
            cells: vec![],
        }
    }

    #[test]
    fn the_fragment_is_valid_toml_with_guesses_and_choices() {
        let mut s = Suggestions::default();
        s.add(&problem(
            FaultKind::UnknownStatus,
            "trang_thai",
            "Đã phê duyệt",
        ));
        s.add(&problem(
            FaultKind::UnknownStatus,
            "trang_thai",
            "Lưu kho \"A\"",
        ));
        s.add(&problem(FaultKind::BadChannel, "kenh", "Qua Zalo"));
        s.add(&problem(FaultKind::BadChannel, "kenh", "Khác"));
        s.add(&problem(FaultKind::UnknownLevel, "cap", "Khối B"));
        s.add(&problem(FaultKind::BadYesNo, "so_hoa_ho_so", "Đủ"));
        s.add(&problem(FaultKind::UnknownLevel, "cap", "Cấp cơ sở"));
        s.add(&problem(
            FaultKind::UnknownLevel,
            "don_vi",
            "Công an huyện Tứ Kỳ",
        ));
        s.add(&problem(
            FaultKind::BadDate,
            "ngay_tiep_nhan",
            "03-10-2023 14h35",
        ));
        s.missing_columns(
            Path::new("a.csv"),
            &["Mã HS".into(), "Hạn trả KQ".into(), "Ngày tiếp nhận".into()],
            &[Field::Code, Field::Due],
        );
        let text = s.render(&BTreeSet::new());
        let parsed: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(
            parsed["trang_thai"]["Đã phê duyệt"].as_str(),
            Some("da_giai_quyet")
        );
        assert!(parsed["trang_thai"].get("Lưu kho \"A\"").is_none());
        assert!(text.contains("# 'Lưu kho \"A\"' = \"\" # chọn:"), "{text}");
        assert_eq!(
            parsed["gia_tri"]["kenh"]["Qua Zalo"].as_str(),
            Some("truc_tuyen")
        );
        assert_eq!(
            parsed["gia_tri"]["so_hoa_ho_so"]["Đủ"].as_bool(),
            Some(true)
        );
        assert_eq!(parsed["gia_tri"]["cap"]["Cấp cơ sở"].as_str(), Some("xa"));
        assert!(parsed["gia_tri"]["cap"].get("Khối B").is_none());
        assert!(
            text.contains("# \"Khối B\" = # chọn: \"tinh\", \"huyen\", \"xa\""),
            "{text}"
        );
        assert!(
            text.contains("# \"Khác\" = # chọn: \"truc_tuyen\""),
            "{text}"
        );
        assert_eq!(parsed["cot"]["ma_ho_so"].as_str(), Some("Mã HS"));
        assert_eq!(parsed["cot"]["ngay_hen_tra"].as_str(), Some("Hạn trả KQ"));
        let units = parsed["don_vi"].as_array().unwrap();
        assert_eq!(units[0]["ten"].as_str(), Some("Công an huyện Tứ Kỳ"));
        assert_eq!(units[0]["cap"].as_str(), Some("huyen"));
        // Appended to a config that has these tables already, still valid.
        let mut defined = BTreeSet::new();
        defined.insert("trang_thai".to_string());
        defined.insert("gia_tri.kenh".to_string());
        let text = s.render(&defined);
        let config = format!(
            "[trang_thai]\n\"Xong\" = \"da_giai_quyet\"\n[gia_tri.kenh]\n\"A\" = \"truc_tuyen\"\n{text}"
        );
        toml::from_str::<toml::Table>(&config).unwrap_or_else(|e| panic!("{e}\n{config}"));
    }

    #[test]
    fn date_formats_are_guessed_from_samples() {
        assert_eq!(
            date_format_guess("03-10-2023 14:35").as_deref(),
            Some("%d-%m-%Y %H:%M")
        );
        assert_eq!(date_format_guess("2023.10.03").as_deref(), Some("%Y.%m.%d"));
        assert_eq!(date_format_guess("14h35 03/10/2023").as_deref(), None);
        assert_eq!(date_format_guess("ngày 3"), None);
    }
}
