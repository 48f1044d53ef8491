//! `cctthc.toml` (SPEC §7): the report header, where the exports are, the
//! period rule, targets, column and status mappings, units and output.
//!
//! Every key is optional and an unknown key is an error that names it, so a
//! typo never silently falls back to a default.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Deserialize;

use crate::figures::Counting;
use crate::figures::index766::{Key, Rule, Rules};
use crate::input::encoding::Encoding;
use crate::input::header::HeaderRules;
use crate::input::values::{self, CHANNEL_KEYS, DateRules, StatusRules, ValueRules, YES_NO_FIELDS};
use crate::input::{Field, Level, Status, UnitRule};

pub const FILE_NAME: &str = "cctthc.toml";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("không đọc được tệp cấu hình {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("lỗi trong tệp cấu hình {}:\n{message}", .path.display())]
    Invalid { path: PathBuf, message: String },
}

/// One string or a list of them.
#[derive(Clone, Debug, Deserialize, serde::Serialize, PartialEq)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

impl Default for OneOrMany {
    fn default() -> Self {
        OneOrMany::Many(Vec::new())
    }
}

/// A number written as an integer, a decimal or a string (`30`, `97.5`, `"97,5"`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
enum NumberValue {
    Int(i64),
    Float(f64),
    Text(String),
}

fn decimal<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    let v = Option::<NumberValue>::deserialize(d)?;
    v.map(|v| match v {
        NumberValue::Int(i) => Ok(Decimal::from(i)),
        // The shortest text of the float is what the user typed.
        NumberValue::Float(f) => Decimal::from_str(&f.to_string())
            .map_err(|_| serde::de::Error::custom(format!("số không hợp lệ: {f}"))),
        NumberValue::Text(t) => Decimal::from_str(&t.trim().replace(',', ".")).map_err(|_| {
            serde::de::Error::custom(format!("số không hợp lệ: '{}'", crate::text::quote(&t)))
        }),
    })
    .transpose()
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub bao_cao: ReportHeader,
    #[serde(default)]
    pub nhap: InputConfig,
    #[serde(default)]
    pub ky_bao_cao: PeriodConfig,
    #[serde(default)]
    pub chi_tieu: Targets,
    #[serde(default)]
    pub cach_tinh: CountingConfig,
    #[serde(default)]
    pub cot: BTreeMap<String, OneOrMany>,
    #[serde(default)]
    pub trang_thai: BTreeMap<String, OneOrMany>,
    /// `[gia_tri.FIELD]`: a field's other values, word → value.
    #[serde(default)]
    pub gia_tri: BTreeMap<String, BTreeMap<String, toml::Value>>,
    #[serde(default)]
    pub don_vi: Vec<UnitConfig>,
    #[serde(default)]
    pub xuat: OutputConfig,
    /// `[chi_so_766.KEY]`: the national index's points and thresholds.
    #[serde(default)]
    pub chi_so_766: IndexConfig,
    /// The folder relative paths in the file are read from.
    #[serde(skip)]
    pub base: PathBuf,
    /// Where the file was found, if anywhere.
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

/// `[bao_cao]`: the report's header and signature.
#[derive(Clone, Debug, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReportHeader {
    pub co_quan: Option<String>,
    pub co_quan_cap_tren: Option<String>,
    pub dia_danh: Option<String>,
    pub so_ky_hieu: Option<String>,
    pub nguoi_ky: Option<String>,
    pub chuc_vu: Option<String>,
    pub ky_thay: Option<String>,
    pub noi_nhan: Option<OneOrMany>,
}

/// `[nhap]`: where the exports are and how they are encoded.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputConfig {
    pub duong_dan: Option<OneOrMany>,
    pub ma_hoa: Option<String>,
    pub trang_tinh: Option<String>,
    /// More date formats, in chrono's syntax (`%d-%m-%Y %H:%M`).
    pub dinh_dang_ngay: Option<OneOrMany>,
}

/// `[ky_bao_cao]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodConfig {
    pub ngay_chot: Option<u32>,
}

/// `[cach_tinh]`: how the form's buckets are filled (SPEC §4).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountingConfig {
    /// `"rieng"` (default) or `"dung_han"`.
    pub tra_lai_rut: Option<String>,
    /// `"rieng"` (default) or `"trong_han"`.
    pub tam_dung: Option<String>,
}

/// `[chi_tieu]`: targets in percent, and how averages are taken.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    #[serde(default, deserialize_with = "decimal")]
    pub thanh_toan_truc_tuyen: Option<Decimal>,
    #[serde(default, deserialize_with = "decimal")]
    pub so_hoa_dau_vao: Option<Decimal>,
    #[serde(default, deserialize_with = "decimal")]
    pub so_hoa_dau_ra: Option<Decimal>,
    #[serde(default, deserialize_with = "decimal")]
    pub rat_thap: Option<Decimal>,
    pub chuoi_thang: Option<u32>,
    pub trung_binh: Option<String>,
    /// A high mark for digitisation (default 99): units at or above it on
    /// both ratios, short of 100%, are named as doing well.
    #[serde(default, deserialize_with = "decimal")]
    pub muc_cao: Option<Decimal>,
}

/// `[[don_vi]]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitConfig {
    pub ten: String,
    pub cap: Option<String>,
    #[serde(default)]
    pub ten_khac: OneOrMany,
}

/// `[xuat]`: the template and the output file name pattern.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputConfig {
    pub mau: Option<String>,
    pub tep: Option<String>,
}

/// `[chi_so_766]`: one table per indicator of the national index (SPEC
/// §12); an indicator not named keeps its defaults.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexConfig {
    pub tien_do: Option<IndicatorConfig>,
    pub truc_tuyen: Option<IndicatorConfig>,
    pub thanh_toan: Option<IndicatorConfig>,
    pub ket_qua_dien_tu: Option<IndicatorConfig>,
    pub so_hoa: Option<IndicatorConfig>,
    pub hai_long: Option<IndicatorConfig>,
}

/// `[chi_so_766.KEY]`: `diem` (whole points), `nguong` (the ratio, in
/// percent, from which the points are full), `bo_qua` (leave it out).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorConfig {
    #[serde(default, deserialize_with = "decimal")]
    pub diem: Option<Decimal>,
    #[serde(default, deserialize_with = "decimal")]
    pub nguong: Option<Decimal>,
    pub bo_qua: Option<bool>,
}

impl IndexConfig {
    fn get(&self, key: Key) -> Option<&IndicatorConfig> {
        match key {
            Key::TienDo => self.tien_do.as_ref(),
            Key::TrucTuyen => self.truc_tuyen.as_ref(),
            Key::ThanhToan => self.thanh_toan.as_ref(),
            Key::KetQuaDienTu => self.ket_qua_dien_tu.as_ref(),
            Key::SoHoa => self.so_hoa.as_ref(),
            Key::HaiLong => self.hai_long.as_ref(),
        }
    }

    /// The rules, each value checked, with a message naming the key.
    fn rules(&self) -> Result<Rules, String> {
        let mut rules = Rules::default();
        for key in Key::ALL {
            let Some(c) = self.get(key) else { continue };
            let at = |name: &str, v: Decimal| format!("[chi_so_766.{}] {name} = {v}", key.key());
            let points = match c.diem {
                None => key.default_points(),
                Some(d) => d
                    .fract()
                    .is_zero()
                    .then(|| d.to_u32())
                    .flatten()
                    .filter(|p| (1..=100).contains(p))
                    .ok_or_else(|| {
                        format!(
                            "{}: cần một số nguyên từ 1 đến 100 (điểm); để bỏ chỉ số này, dùng bo_qua = true",
                            at("diem", d)
                        )
                    })?,
            };
            let threshold = c.nguong.unwrap_or_else(|| key.default_threshold());
            let rule =
                Rule::new(points, threshold, c.bo_qua.unwrap_or(false)).ok_or_else(|| {
                    format!(
                        "{}: cần lớn hơn 0 và không quá 100 (phần trăm), tối đa 2 chữ số thập phân",
                        at("nguong", threshold)
                    )
                })?;
            rules.set(key, rule);
        }
        Ok(rules)
    }
}

impl Config {
    /// `explicit`, else `./cctthc.toml`, else the user's config folder; no
    /// file at all gives the defaults.
    pub fn find(explicit: Option<&Path>) -> Result<Config, Error> {
        if let Some(path) = explicit {
            return Config::load(path);
        }
        let local = PathBuf::from(FILE_NAME);
        if local.is_file() {
            return Config::load(&local);
        }
        if let Some(dir) = user_config_dir() {
            let path = dir.join("cctthc").join(FILE_NAME);
            if path.is_file() {
                return Config::load(&path);
            }
        }
        Ok(Config {
            base: PathBuf::from("."),
            ..Config::default()
        })
    }

    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut config = Config::parse(&text).map_err(|message| Error::Invalid {
            path: path.to_path_buf(),
            message,
        })?;
        config.base = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    /// Parses and checks the text of a config file.
    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), String> {
        if let Some(d) = self.ky_bao_cao.ngay_chot
            && !(1..=28).contains(&d)
        {
            return Err(format!("[ky_bao_cao] ngay_chot = {d}: cần từ 1 đến 28"));
        }
        if let Some(e) = &self.nhap.ma_hoa
            && Encoding::from_name(e).is_none()
        {
            return Err(format!(
                "[nhap] ma_hoa = {}: không biết bảng mã này (dùng {})",
                toml_str(e),
                Encoding::NAMES
            ));
        }
        self.counting()?;
        if let Some(t) = &self.chi_tieu.trung_binh
            && !matches!(t.as_str(), "gop" | "don_vi")
        {
            return Err(format!(
                "[chi_tieu] trung_binh = {}: cần \"gop\" hoặc \"don_vi\"",
                toml_str(t)
            ));
        }
        for (key, value) in [
            ("thanh_toan_truc_tuyen", self.chi_tieu.thanh_toan_truc_tuyen),
            ("so_hoa_dau_vao", self.chi_tieu.so_hoa_dau_vao),
            ("so_hoa_dau_ra", self.chi_tieu.so_hoa_dau_ra),
            ("rat_thap", self.chi_tieu.rat_thap),
            ("muc_cao", self.chi_tieu.muc_cao),
        ] {
            if let Some(v) = value
                && (v < Decimal::ZERO || v > Decimal::ONE_HUNDRED)
            {
                return Err(format!(
                    "[chi_tieu] {key} = {v}: cần từ 0 đến 100 (phần trăm)"
                ));
            }
        }
        self.column_mappings()?;
        self.status_mappings()?;
        self.date_rules()?;
        self.value_rules()?;
        self.unit_rules()?;
        self.chi_so_766.rules()?;
        Ok(())
    }

    /// `[chi_so_766]` as the index's rules; already checked when the file
    /// was read, so no error is lost here.
    pub fn index_rules(&self) -> Rules {
        self.chi_so_766.rules().unwrap_or_default()
    }

    /// `[nhap] dinh_dang_ngay`, each format checked.
    pub fn date_rules(&self) -> Result<DateRules, String> {
        let formats = self
            .nhap
            .dinh_dang_ngay
            .as_ref()
            .map(OneOrMany::to_vec)
            .unwrap_or_default();
        DateRules::new(&formats)
    }

    /// `[gia_tri.FIELD]`: `kenh` to `truc_tuyen`, `truc_tiep` or
    /// `buu_chinh`; a yes/no field to `true` or `false`; `cap` to `tinh`,
    /// `huyen` or `xa`.
    pub fn value_rules(&self) -> Result<ValueRules, String> {
        let mut rules = ValueRules::default();
        for (field_name, words) in &self.gia_tri {
            let yes_no = YES_NO_FIELDS
                .into_iter()
                .find(|f| f.name() == field_name.trim());
            for (word, value) in words {
                let at = || format!("[gia_tri.{}] {}", toml_key(field_name), toml_key(word));
                let added = match (field_name.trim(), yes_no, value) {
                    ("kenh", _, toml::Value::String(v)) => {
                        match CHANNEL_KEYS.iter().find(|(k, _)| *k == v.trim()) {
                            Some((_, c)) => rules.add_channel(word, *c),
                            None => {
                                return Err(format!(
                                    "{} = {}: kênh không rõ; cần một trong: {}",
                                    at(),
                                    toml_str(v),
                                    keys(CHANNEL_KEYS.iter().map(|(k, _)| *k))
                                ));
                            }
                        }
                    }
                    ("kenh", _, v) => {
                        return Err(format!(
                            "{} = {v}: cần một chuỗi, một trong: {}",
                            at(),
                            keys(CHANNEL_KEYS.iter().map(|(k, _)| *k))
                        ));
                    }
                    ("cap", _, toml::Value::String(v)) => match Level::from_key(v.trim()) {
                        Some(l) => rules.add_level(word, l),
                        None => {
                            return Err(format!(
                                "{} = {}: cấp không rõ; cần một trong: {}",
                                at(),
                                toml_str(v),
                                keys(Level::ALL.iter().map(|l| l.key()))
                            ));
                        }
                    },
                    ("cap", _, v) => {
                        return Err(format!(
                            "{} = {v}: cần một chuỗi, một trong: {}",
                            at(),
                            keys(Level::ALL.iter().map(|l| l.key()))
                        ));
                    }
                    (_, Some(field), toml::Value::Boolean(b)) => rules.add_yes_no(field, word, *b),
                    (_, Some(_), v) => {
                        return Err(format!(
                            "{} = {v}: cần true (có) hoặc false (không), không có dấu ngoặc kép",
                            at()
                        ));
                    }
                    (_, None, _) => {
                        return Err(format!(
                            "[gia_tri.{}]: không phải trường ánh xạ được giá trị; các trường: {}",
                            toml_key(field_name),
                            keys(
                                std::iter::once("kenh")
                                    .chain(YES_NO_FIELDS.iter().map(|f| f.name()))
                                    .chain(std::iter::once("cap"))
                            )
                        ));
                    }
                };
                if let Err(other) = added {
                    return Err(format!(
                        "[gia_tri.{}]: {} và {} là cùng một giá trị (so không phân biệt hoa thường, dấu) nhưng được ánh xạ khác nhau",
                        toml_key(field_name),
                        toml_key(&other),
                        toml_key(word)
                    ));
                }
            }
        }
        Ok(rules)
    }

    /// `[cot]` as (header, field) pairs. Either way round is accepted:
    /// `ma_ho_so = "Mã HS"` or `"Mã HS" = "ma_ho_so"`.
    pub fn column_mappings(&self) -> Result<Vec<(String, Field)>, String> {
        let mut pairs = Vec::new();
        for (key, value) in &self.cot {
            if let Some(field) = Field::from_name(key.trim()) {
                for header in value.to_vec() {
                    pairs.push((header, field));
                }
                continue;
            }
            match value {
                OneOrMany::One(v) => match Field::from_name(v.trim()) {
                    Some(field) => pairs.push((key.clone(), field)),
                    None => {
                        return Err(format!(
                            "[cot] {} = {}: {} không phải tên trường; các trường: {}",
                            toml_key(key),
                            toml_str(v),
                            toml_str(v),
                            field_names()
                        ));
                    }
                },
                OneOrMany::Many(_) => {
                    return Err(format!(
                        "[cot] {}: không phải tên trường; các trường: {}",
                        toml_key(key),
                        field_names()
                    ));
                }
            }
        }
        Ok(pairs)
    }

    /// `[trang_thai]` as (word, class) pairs; a class is its key
    /// (`da_giai_quyet`…) or any status word the contract knows.
    pub fn status_mappings(&self) -> Result<Vec<(String, Status)>, String> {
        let class_names = || {
            Status::ALL
                .iter()
                .map(|s| s.key())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut pairs = Vec::new();
        for (key, value) in &self.trang_thai {
            let key_class = Status::ALL.into_iter().find(|s| s.key() == key.trim());
            match (key_class, value) {
                (Some(class), v) => {
                    for word in v.to_vec() {
                        pairs.push((word, class));
                    }
                }
                (None, OneOrMany::One(v)) => match StatusRules::class_of(v) {
                    Some(class) => pairs.push((key.clone(), class)),
                    None => {
                        return Err(format!(
                            "[trang_thai] {} = {}: {} không phải loại trạng thái; các loại: {}",
                            toml_key(key),
                            toml_str(v),
                            toml_str(v),
                            class_names()
                        ));
                    }
                },
                (None, OneOrMany::Many(_)) => {
                    return Err(format!(
                        "[trang_thai] {}: không phải loại trạng thái; các loại: {}",
                        toml_key(key),
                        class_names()
                    ));
                }
            }
        }
        Ok(pairs)
    }

    /// `[[don_vi]]`, each with its level; two entries that claim one name
    /// (as `ten` or `ten_khac`, compared NFC with whitespace collapsed) are
    /// an error naming both.
    pub fn unit_rules(&self) -> Result<Vec<UnitRule>, String> {
        let mut claimed: std::collections::HashMap<String, usize> = Default::default();
        let mut rules = Vec::with_capacity(self.don_vi.len());
        for (i, u) in self.don_vi.iter().enumerate() {
            if u.ten.trim().is_empty() {
                return Err("[[don_vi]]: thiếu ten".to_string());
            }
            let level = match &u.cap {
                None => None,
                Some(c) => Some(values::level(c).ok().flatten().ok_or_else(|| {
                    format!(
                        "[[don_vi]] ten = {}: cap = {} không rõ (cần \"tinh\", \"huyen\" hoặc \"xa\")",
                        toml_str(&u.ten),
                        toml_str(c)
                    )
                })?),
            };
            let aliases = u.ten_khac.to_vec();
            for name in std::iter::once(&u.ten).chain(&aliases) {
                let clean = crate::text::clean_name(name);
                match claimed.get(&clean) {
                    Some(&j) if j != i => {
                        return Err(format!(
                            "hai mục [[don_vi]] cùng nhận tên {}: mục thứ {} (ten = {}) và mục thứ {} (ten = {}); mỗi tên (ten hay ten_khac) chỉ được thuộc một đơn vị",
                            toml_str(&clean),
                            j + 1,
                            toml_str(&self.don_vi[j].ten),
                            i + 1,
                            toml_str(&u.ten),
                        ));
                    }
                    _ => {
                        claimed.insert(clean, i);
                    }
                }
            }
            rules.push(UnitRule {
                name: u.ten.clone(),
                level,
                aliases,
            });
        }
        Ok(rules)
    }

    pub fn header_rules(&self) -> HeaderRules {
        HeaderRules::new(&self.column_mappings().unwrap_or_default())
    }

    /// Already checked when the file was read, so no error is lost here.
    pub fn input_rules(&self) -> (DateRules, ValueRules) {
        (
            self.date_rules().unwrap_or_default(),
            self.value_rules().unwrap_or_default(),
        )
    }

    pub fn status_rules(&self) -> StatusRules {
        StatusRules::new(&self.status_mappings().unwrap_or_default())
    }

    pub fn encoding(&self) -> Option<Encoding> {
        self.nhap.ma_hoa.as_deref().and_then(Encoding::from_name)
    }

    /// `[nhap] duong_dan`, relative to the config file.
    pub fn input_paths(&self) -> Vec<PathBuf> {
        self.nhap
            .duong_dan
            .as_ref()
            .map(|d| d.to_vec().into_iter().map(|p| self.resolve(&p)).collect())
            .unwrap_or_default()
    }

    /// The counting rule of `[cach_tinh]`, or why its value is wrong.
    pub fn counting(&self) -> Result<Counting, String> {
        Counting::parse(
            self.cach_tinh.tra_lai_rut.as_deref(),
            self.cach_tinh.tam_dung.as_deref(),
        )
    }

    /// A path from the file, relative to the file's folder.
    pub fn resolve(&self, path: &str) -> PathBuf {
        let p = PathBuf::from(path);
        if p.is_absolute() || self.base == Path::new(".") {
            p
        } else {
            self.base.join(p)
        }
    }
}

/// A key as TOML writes it: bare when it can be, else quoted and escaped.
/// A key as a message shows it: bare if TOML allows, else quoted; cut to
/// a quote's length (SPEC §9).
fn toml_key(key: &str) -> String {
    let key = crate::text::quote(key);
    let bare = !key.is_empty()
        && key
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-');
    if bare {
        key.to_string()
    } else {
        toml::Value::String(key.into_owned()).to_string()
    }
}

/// A value as a message shows it: a TOML string, cut to a quote's length.
fn toml_str(value: &str) -> String {
    toml::Value::String(crate::text::quote(value).into_owned()).to_string()
}

fn keys<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(|k| format!("\"{k}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn field_names() -> String {
    Field::ALL
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(", ")
}

fn user_config_dir() -> Option<PathBuf> {
    if let Some(x) = std::env::var_os("XDG_CONFIG_HOME").filter(|x| !x.is_empty()) {
        return Some(PathBuf::from(x));
    }
    if let Some(appdata) = std::env::var_os("APPDATA").filter(|x| !x.is_empty()) {
        return Some(PathBuf::from(appdata));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_config_parses() {
        let c = Config::parse(
            r#"
[bao_cao]
co_quan = "UBND HUYỆN TỨ KỲ"
noi_nhan = ["UBND tỉnh", "Lưu: VT"]
[nhap]
duong_dan = "du-lieu"
ma_hoa = "windows-1258"
[ky_bao_cao]
ngay_chot = 15
[chi_tieu]
thanh_toan_truc_tuyen = 30
so_hoa_dau_vao = 99.5
trung_binh = "don_vi"
[cot]
ma_ho_so = "Mã HS"
"Hạn trả" = "ngay_hen_tra"
[trang_thai]
"Đã phê duyệt" = "da_giai_quyet"
tam_dung = ["Chờ thẩm định"]
"Đã duyệt" = "Hoàn thành"
[[don_vi]]
ten = "UBND xã Phượng Kỳ"
cap = "xa"
ten_khac = ["Xã Phượng Kỳ"]
[xuat]
tep = "bao-cao/BC-{nam}-{thang}.docx"
"#,
        )
        .unwrap();
        assert_eq!(c.ky_bao_cao.ngay_chot, Some(15));
        assert_eq!(
            c.chi_tieu.so_hoa_dau_vao,
            Some(Decimal::from_str("99.5").unwrap())
        );
        let cols = c.column_mappings().unwrap();
        assert!(cols.contains(&("Mã HS".to_string(), Field::Code)));
        assert!(cols.contains(&("Hạn trả".to_string(), Field::Due)));
        let st = c.status_mappings().unwrap();
        assert!(st.contains(&("Đã phê duyệt".to_string(), Status::Resolved)));
        assert!(st.contains(&("Chờ thẩm định".to_string(), Status::Paused)));
        assert!(st.contains(&("Đã duyệt".to_string(), Status::Resolved)));
        assert_eq!(c.unit_rules().unwrap()[0].level, Some(Level::Xa));
    }

    #[test]
    fn unknown_keys_and_bad_values_are_named() {
        let e = Config::parse("[bao_cao]\nco_quann = \"x\"\n").unwrap_err();
        assert!(e.contains("co_quann"), "{e}");
        let e = Config::parse("[nhapp]\n").unwrap_err();
        assert!(e.contains("nhapp"), "{e}");
        let e = Config::parse("[cot]\n\"Mã HS\" = \"ma_hs\"\n").unwrap_err();
        assert!(e.contains("ma_hs"), "{e}");
        let e = Config::parse("[trang_thai]\n\"X\" = \"xong\"\n").unwrap_err();
        assert!(e.contains("xong"), "{e}");
        let e = Config::parse("[ky_bao_cao]\nngay_chot = 31\n").unwrap_err();
        assert!(e.contains("ngay_chot"), "{e}");
        let e = Config::parse("[[don_vi]]\nten = \"A\"\ncap = \"thon\"\n").unwrap_err();
        assert!(e.contains("thon"), "{e}");
    }

    #[test]
    fn value_mappings_are_read_and_checked() {
        let c = Config::parse(
            r#"
[gia_tri.kenh]
"Qua Zalo" = "truc_tuyen"
"Nộp tại quầy" = "truc_tiep"
[gia_tri.so_hoa_ho_so]
"Đủ" = true
[gia_tri.thanh_toan_truc_tuyen]
"Chưa thanh toán" = false
[gia_tri.cap]
"Cấp cơ sở" = "xa"
"#,
        )
        .unwrap();
        let rules = c.value_rules().unwrap();
        assert_eq!(rules.channel("qua zalo"), Ok(crate::input::Channel::Online));
        assert_eq!(
            rules.channel("Nộp tại quầy"),
            Ok(crate::input::Channel::Direct)
        );
        assert_eq!(rules.yes_no("ĐỦ", Field::DigitisedIn), Ok(true));
        assert_eq!(
            rules.yes_no("Chưa thanh toán", Field::PaidOnline),
            Ok(false)
        );
        assert_eq!(rules.level("Cấp cơ sở"), Ok(Some(Level::Xa)));

        let bad = |text: &str, wanted: &[&str]| {
            let e = Config::parse(text).unwrap_err();
            for w in wanted {
                assert!(e.contains(w), "{text}: {e}");
            }
        };
        bad(
            "[gia_tri.trang_thai]\n\"X\" = \"y\"\n",
            &[
                "trang_thai",
                "kenh",
                "so_hoa_ho_so",
                "so_hoa_ket_qua",
                "dvc_truc_tuyen",
                "nghia_vu_tai_chinh",
                "thanh_toan_truc_tuyen",
                "cap",
            ],
        );
        bad(
            "[gia_tri.kenh]\n\"Qua Zalo\" = \"zalo\"\n",
            &[
                "[gia_tri.kenh] \"Qua Zalo\"",
                "zalo",
                "truc_tuyen",
                "truc_tiep",
                "buu_chinh",
            ],
        );
        bad(
            "[gia_tri.kenh]\nzalo = true\n",
            &["[gia_tri.kenh] zalo", "truc_tuyen"],
        );
        bad(
            "[gia_tri.so_hoa_ket_qua]\n\"Đủ\" = \"co\"\n",
            &["[gia_tri.so_hoa_ket_qua] \"Đủ\"", "true", "false"],
        );
        bad(
            "[gia_tri.cap]\n\"Cấp cơ sở\" = \"thon\"\n",
            &["[gia_tri.cap] \"Cấp cơ sở\"", "thon", "tinh", "huyen", "xa"],
        );
        bad(
            "[gia_tri.kenh]\n\"Qua Zalo\" = \"truc_tuyen\"\n\"qua zalo\" = \"truc_tiep\"\n",
            &["\"Qua Zalo\"", "\"qua zalo\""],
        );
    }

    #[test]
    fn date_formats_are_checked_when_the_file_is_read() {
        let c = Config::parse("[nhap]\ndinh_dang_ngay = \"%d-%m-%Y %H:%M\"\n").unwrap();
        let rules = c.date_rules().unwrap();
        assert_eq!(
            rules.date("03-10-2023 08:15"),
            Ok(chrono::NaiveDate::from_ymd_opt(2023, 10, 3))
        );
        let c =
            Config::parse("[nhap]\ndinh_dang_ngay = [\"%Hh%M %d.%m.%Y\", \"%Y%m%d\"]\n").unwrap();
        assert_eq!(
            c.date_rules().unwrap().date("08h15 03.10.2023"),
            Ok(chrono::NaiveDate::from_ymd_opt(2023, 10, 3))
        );
        let e = Config::parse("[nhap]\ndinh_dang_ngay = [\"%d-%m-%Y\", \"%H giờ\"]\n").unwrap_err();
        assert!(e.contains("dinh_dang_ngay") && e.contains("%H giờ"), "{e}");
    }

    #[test]
    fn two_units_claiming_one_name_are_named() {
        let e = Config::parse(
            r#"
[[don_vi]]
ten = "UBND xã Phượng Kỳ"
ten_khac = ["Xã Phượng Kỳ"]
[[don_vi]]
ten = "UBND xã Kỳ Sơn"
ten_khac = "Xã  Phượng Kỳ"
"#,
        )
        .unwrap_err();
        for w in [
            "UBND xã Phượng Kỳ",
            "UBND xã Kỳ Sơn",
            "Xã Phượng Kỳ",
            "thứ 1",
            "thứ 2",
        ] {
            assert!(e.contains(w), "{e}");
        }
        // Composed and decomposed spellings are one name.
        let e = Config::parse(
            "[[don_vi]]\nten = \"UBND xã A\"\n[[don_vi]]\nten = \"UBND xa\u{0303} A\"\n",
        )
        .unwrap_err();
        assert!(e.contains("hai mục [[don_vi]]"), "{e}");
        // One entry may repeat its own name.
        let c = Config::parse("[[don_vi]]\nten = \"UBND xã A\"\nten_khac = [\"UBND xã A\"]\n");
        assert!(c.is_ok());
    }
}

#[cfg(test)]
mod index_tests {
    use super::*;

    #[test]
    fn the_national_index_rules_are_read_and_checked() {
        let c = Config::parse(
            "[chi_so_766.truc_tuyen]\nnguong = 40\ndiem = 8\n[chi_so_766.so_hoa]\nbo_qua = true\n[chi_so_766.hai_long]\nnguong = \"92,5\"\n",
        )
        .unwrap();
        let rules = c.index_rules();
        let online = rules.get(Key::TrucTuyen);
        assert_eq!(
            (online.points(), online.threshold()),
            (8, Decimal::from(40))
        );
        assert!(!online.skip);
        assert!(rules.get(Key::SoHoa).skip);
        assert_eq!(rules.get(Key::SoHoa).points(), 4);
        assert_eq!(
            rules.get(Key::HaiLong).threshold(),
            Decimal::from_str("92.5").unwrap()
        );
        assert_eq!(rules.get(Key::TienDo), &Rule::default_of(Key::TienDo));
        assert_eq!(Config::parse("").unwrap().index_rules(), Rules::default());

        let bad = |text: &str, wanted: &[&str]| {
            let e = Config::parse(text).unwrap_err();
            for w in wanted {
                assert!(e.contains(w), "{text}: {e}");
            }
        };
        bad(
            "[chi_so_766.truc_tuyenn]\ndiem = 8\n",
            &["truc_tuyenn", "truc_tuyen"],
        );
        bad("[chi_so_766.truc_tuyen]\ndiemm = 8\n", &["diemm"]);
        bad(
            "[chi_so_766.truc_tuyen]\ndiem = 7.5\n",
            &["[chi_so_766.truc_tuyen] diem = 7.5", "số nguyên"],
        );
        bad(
            "[chi_so_766.tien_do]\ndiem = 0\n",
            &["[chi_so_766.tien_do] diem = 0", "bo_qua"],
        );
        bad(
            "[chi_so_766.hai_long]\nnguong = 0\n",
            &["[chi_so_766.hai_long] nguong = 0", "lớn hơn 0"],
        );
        bad(
            "[chi_so_766.hai_long]\nnguong = 120\n",
            &["[chi_so_766.hai_long] nguong = 120", "100"],
        );
        bad(
            "[chi_so_766.hai_long]\nnguong = 33.333\n",
            &["nguong = 33.333", "2 chữ số thập phân"],
        );
        bad("[chi_so_766.so_hoa]\nbo_qua = \"co\"\n", &["bo_qua"]);
    }
}
