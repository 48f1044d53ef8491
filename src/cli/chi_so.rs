//! `cctthc chi-so`: the estimates of the national index of QĐ 766/QĐ-TTg
//! (SPEC §12) for the total, each level and each unit, ranked; with
//! `--ho-so KEY`, the dossiers that keep indicator KEY from full points.
//! The rules are [`crate::figures::index766`]'s.

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Serialize;

use super::common::{
    self, Failure, Global, InputArgs, Keep, PeriodArgs, Session, SkipArgs, TableFormat as Format,
};
use super::excel_csv;
use super::output::{self, Output, escape_controls};
use super::table::{Table, stdout_width};
use crate::dataset::{Dataset, Which};
use crate::figures::Counts;
use crate::figures::index766::{
    self, ChiSo766, Index, Indicator, Key, NOT_FROM_EXPORTS, Rules, UnitIndex,
};
use crate::hash::FastMap;
use crate::input::{Level, UnitId};
use crate::period::Period;
use crate::report::chi_so::{Costly, Shortfalls};
use crate::report::workbook::{Cell, TableBook};
use crate::vn;
use rust_decimal::Decimal;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    period: PeriodArgs,
    #[command(flatten)]
    skip: SkipArgs,
    /// Chia theo: don_vi (từng đơn vị, xếp hạng trong cấp; mặc định), cap (từng cấp)
    #[arg(long, value_enum, value_name = "THEO", default_value_t = By::DonVi, hide_default_value = true, hide_possible_values = true, help_heading = "Đầu ra")]
    by: By,
    /// Liệt kê hồ sơ làm giảm điểm của một chỉ số: tien_do, truc_tuyen, thanh_toan, ket_qua_dien_tu, so_hoa, hai_long
    #[arg(long = "ho-so", value_name = "CHỈ_SỐ", help_heading = "Đầu ra")]
    ho_so: Option<String>,
    /// Dạng kết quả: table (bảng để đọc, mặc định), json, csv, xlsx (bảng tính, cần -o)
    #[arg(long, value_enum, value_name = "DẠNG", default_value_t = Format::Table, hide_default_value = true, hide_possible_values = true, help_heading = "Đầu ra")]
    format: Format,
    /// Ghi vào tệp thay vì in ra màn hình
    #[arg(short = 'o', long, value_name = "TỆP", help_heading = "Đầu ra")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum By {
    Cap,
    #[value(name = "don_vi", alias = "don-vi")]
    DonVi,
}

pub fn run(global: &Global, args: &Args, out: &Output) -> Result<(), Failure> {
    let session = Session::start(global)?;
    let key = args.ho_so.as_deref().map(parse_key).transpose()?;
    let reporting = session.reporting(&args.period)?;
    let mode = args.skip.mode(args.output.as_deref());
    let mut planned = common::Files::new();
    if let Some(path) = &args.output {
        planned = planned.writes("bảng chỉ số", path);
    }
    // Only the dossiers a list shows are kept whole.
    let keep = key.map_or(Keep::Nothing, |k| {
        Keep::Only(index766::short_of(k, reporting.current))
    });
    let (data, _) = common::read(&session, &args.input, reporting, keep, mode, planned, out)?;
    let rules = session.config.index_rules();
    let index = ChiSo766::of(&data.figures(Which::Current), data.tally.known(), &rules);
    out.phase("phân tích");
    // Colour only on a terminal: never in a file.
    let colour = args.output.is_none() && output::stdout_colour();
    let text = match (key, args.format, &args.output) {
        (Some(_), Format::Xlsx, _) => {
            return Err(Failure::usage(
                "--ho-so chưa ghi được bảng tính: dùng --format csv (mở được bằng Excel)",
            ));
        }
        (Some(key), format, _) => shortfalls_text(&data, &index, key, format, out)?.into_bytes(),
        (None, Format::Xlsx, Some(path)) => {
            index_workbook(&index, &rules, args.by, data.reporting.current.end, path)?
        }
        (None, Format::Xlsx, None) => {
            return Err(Failure::usage(
                "--format xlsx cần -o TỆP.xlsx: bảng tính không in ra màn hình được",
            ));
        }
        (None, Format::Json, _) => json(&Whole::new(&data, index))?.into_bytes(),
        (None, Format::Csv, _) => index_csv(&index, &rules, args.by)?.into_bytes(),
        (None, Format::Table, _) => {
            index_table(&data, &index, &rules, args.by, colour).into_bytes()
        }
    };
    match &args.output {
        Some(path) => crate::atomic::write_bytes(path, &text).map_err(|e| {
            Failure::failed(format!(
                "không ghi được {}: {}",
                path.display(),
                crate::atomic::describe(&e)
            ))
        }),
        // A painted table (the index's) has its data escaped already.
        None if colour && key.is_none() && args.format == Format::Table => {
            output::print_painted(&String::from_utf8_lossy(&text))
        }
        None => output::print(&text),
    }
}

/// `--ho-so KEY`: a usage error listing the keys when it is none of them.
fn parse_key(text: &str) -> Result<Key, Failure> {
    Key::from_key(text.trim()).ok_or_else(|| {
        Failure::usage(format!(
            "--ho-so '{}': không có chỉ số này; dùng một trong: {}",
            crate::text::quote(text),
            Key::keys()
        ))
    })
}

/// What `chi-so --format json` prints.
#[derive(Serialize)]
struct Whole {
    ky: Period,
    chi_so_766: ChiSo766,
    /// The points of the index an export cannot show.
    khong_tinh_duoc: Vec<NotCounted>,
}

#[derive(Serialize)]
struct NotCounted {
    nhom: &'static str,
    /// The group's points in the index.
    diem_nhom: u32,
    noi_dung: &'static str,
    diem: u32,
}

impl Whole {
    fn new(data: &Dataset, index: ChiSo766) -> Whole {
        Whole {
            ky: data.reporting.current,
            chi_so_766: index,
            khong_tinh_duoc: NOT_FROM_EXPORTS
                .iter()
                .map(|(group, what, points)| NotCounted {
                    nhom: group.name(),
                    diem_nhom: group.points(),
                    noi_dung: what,
                    diem: *points,
                })
                .collect(),
        }
    }
}

fn json<T: Serialize>(value: &T) -> Result<String, Failure> {
    let mut s = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::failed(format!("không tạo được JSON: {e}")))?;
    s.push('\n');
    Ok(s)
}

fn csv_failure(e: csv::Error) -> Failure {
    Failure::failed(format!("không tạo được CSV: {e}"))
}

fn csv_finish(w: csv::Writer<Vec<u8>>) -> Result<String, Failure> {
    let bytes = w
        .into_inner()
        .map_err(|e| Failure::failed(format!("không tạo được CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Failure::failed(e.to_string()))
}

/// The indicators not left out by config.
fn shown_keys(rules: &Rules) -> Vec<Key> {
    Key::ALL
        .into_iter()
        .filter(|k| !rules.get(*k).skip)
        .collect()
}

/// Units in the order of a ranking: by level, then rank (units with
/// nothing to score last), then name, as they come.
fn ranked(index: &ChiSo766) -> Vec<&UnitIndex> {
    let mut units: Vec<&UnitIndex> = index.theo_don_vi.iter().collect();
    units.sort_by_key(|u| (u.cap, u.xep_hang.is_none(), u.xep_hang));
    units
}

/// The index as a table: one row per unit (ranked) or per level, each
/// indicator's ratio and points flattened (`tien_do.tu_so` …), then the
/// sum; typed, for the CSV and the workbook alike.
fn index_rows(index: &ChiSo766, rules: &Rules, by: By) -> (Vec<String>, Vec<Vec<Cell>>) {
    let keys = shown_keys(rules);
    let mut header: Vec<String> = match by {
        By::DonVi => vec!["don_vi".into(), "cap".into(), "xep_hang".into()],
        By::Cap => vec!["cap".into()],
    };
    for k in &keys {
        for part in ["tu_so", "mau_so", "phan_tram", "diem", "diem_toi_da"] {
            header.push(format!("{}.{part}", k.key()));
        }
    }
    header.extend(["diem".into(), "diem_toi_da".into()]);
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    match by {
        By::DonVi => {
            for u in ranked(index) {
                let mut row = vec![
                    Cell::Text(u.don_vi.clone()),
                    Cell::Text(u.cap.key().into()),
                    Cell::count(u.xep_hang.map(u64::from)),
                ];
                row.extend(index_values(&u.index, &keys));
                rows.push(row);
            }
        }
        By::Cap => {
            for (level, x) in index.theo_cap.iter() {
                let mut row = vec![Cell::Text(level.key().into())];
                row.extend(index_values(x, &keys));
                rows.push(row);
            }
        }
    }
    (header, rows)
}

/// The index table as CSV.
fn index_csv(index: &ChiSo766, rules: &Rules, by: By) -> Result<String, Failure> {
    let (header, rows) = index_rows(index, rules, by);
    let mut w = excel_csv::writer(Vec::new()).map_err(|e| csv_failure(e.into()))?;
    excel_csv::row(&mut w, &header).map_err(csv_failure)?;
    for row in rows {
        excel_csv::row(&mut w, row.iter().map(Cell::csv)).map_err(csv_failure)?;
    }
    csv_finish(w)
}

/// The index table as a workbook (SPEC §13), stamped with the period's
/// last day.
fn index_workbook(
    index: &ChiSo766,
    rules: &Rules,
    by: By,
    day: chrono::NaiveDate,
    file: &std::path::Path,
) -> Result<Vec<u8>, Failure> {
    let bad = |e| {
        Failure::failed(format!(
            "không tạo được bảng tính chỉ số {}: {e}",
            file.display()
        ))
    };
    let (header, rows) = index_rows(index, rules, by);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut book = TableBook::new("Chỉ số 766", &header, day, "chi-so").map_err(bad)?;
    for row in &rows {
        book.row(row).map_err(bad)?;
    }
    book.finish().map_err(bad)
}

fn index_values(x: &Index, keys: &[Key]) -> Vec<Cell> {
    let fixed = |d: Option<Decimal>| d.map_or(Cell::Empty, Cell::Fixed2);
    let mut v = Vec::new();
    for k in keys {
        let Some(i) = x.chi_so.get(*k) else { continue };
        v.push(Cell::count(i.tu_so));
        v.push(Cell::count(i.mau_so));
        v.push(fixed(i.phan_tram.map(|p| p.value())));
        v.push(fixed(i.diem.map(|d| d.value())));
        v.push(Cell::Int(i64::from(i.diem_toi_da)));
    }
    v.push(fixed(x.diem.map(|d| d.value())));
    v.push(Cell::Int(i64::from(x.diem_toi_da)));
    v
}

/// SGR codes: points lost in red, the sum in bold.
const LOST: &str = "31";
const SUM: &str = "1";

/// The points cell of an indicator: its points, `–` with nothing to
/// count, `N/A` without the column.
fn points_cell(i: &Indicator) -> String {
    match (i.diem, i.mau_so) {
        (Some(d), _) => vn::decimal(d.value(), 2),
        (None, Some(_)) => "–".to_string(),
        (None, None) => "N/A".to_string(),
    }
}

/// The sum: `47,64` out of the full maximum, else `35,2/42`.
fn sum_cell(x: &Index, full: u32) -> String {
    match x.diem {
        None => "–".to_string(),
        Some(d) if x.diem_toi_da == full => vn::decimal(d.value(), 2),
        Some(d) => format!("{}/{}", vn::decimal(d.value(), 2), x.diem_toi_da),
    }
}

/// What every row of the index table shares: the indicators shown, the
/// full maximum, whether lost points are painted.
struct Layout {
    keys: Vec<Key>,
    full: u32,
    colour: bool,
}

impl Layout {
    /// The two lines of one row: points (lost points painted when
    /// colour is on), then ratios.
    fn rows(&self, t: &mut Table, name: String, x: &Index) {
        let mut points = vec![name];
        let mut paints = vec![None];
        let mut ratios = vec![String::new()];
        for k in &self.keys {
            let Some(i) = x.chi_so.get(*k) else { continue };
            points.push(points_cell(i));
            paints.push((self.colour && i.short()).then_some(LOST));
            ratios.push(
                i.phan_tram
                    .map(|p| vn::percent(Some(p.value())))
                    .unwrap_or_default(),
            );
        }
        points.push(sum_cell(x, self.full));
        paints.push(self.colour.then_some(SUM));
        t.painted(points, paints);
        t.row(ratios);
    }

    /// A unit's name as a painted table holds it: the data's control
    /// characters escaped, since painted text goes out as it is.
    fn name(&self, s: &str) -> String {
        match self.colour {
            true => escape_controls(s).into_owned(),
            false => s.to_string(),
        }
    }
}

fn index_header(keys: &[Key], rules: &Rules, full: u32) -> Table {
    let mut headers: Vec<Vec<String>> = vec![vec!["Đơn vị".to_string()]];
    for k in keys {
        // Two words on two lines, so the columns stay narrow.
        let mut lines: Vec<String> = match k.label().split_once(' ') {
            Some((a, b)) => vec![a.to_string(), b.to_string()],
            None => vec![k.label().to_string()],
        };
        lines.push(format!("({})", rules.get(*k).points()));
        headers.push(lines);
    }
    headers.push(vec!["Điểm".into(), "ước tính".into(), format!("({full})")]);
    let refs: Vec<Vec<&str>> = headers
        .iter()
        .map(|h| h.iter().map(String::as_str).collect())
        .collect();
    Table::new(refs)
}

/// `12. UBND xã A`, ranks right-aligned to `width` digits.
fn ranked_name(u: &UnitIndex, width: usize) -> String {
    match u.xep_hang {
        Some(r) => format!("{r:>width$}. {}", u.don_vi),
        None => format!("{:>width$}  {}", "", u.don_vi),
    }
}

/// The table for people: units ranked within their level (or the levels),
/// each indicator's points over its ratio, the sum; labelled "ước tính".
fn index_table(data: &Dataset, index: &ChiSo766, rules: &Rules, by: By, colour: bool) -> String {
    let keys = shown_keys(rules);
    let full = Index::full_maximum(rules);
    let mut t = index_header(&keys, rules, full);
    let layout = Layout { keys, full, colour };
    match by {
        By::DonVi => unit_rows(&mut t, index, &layout),
        By::Cap => {
            for (level, x) in index.theo_cap.iter() {
                layout.rows(&mut t, level.label().to_string(), x);
            }
            t.rule();
        }
    }
    layout.rows(&mut t, "Tổng cộng".to_string(), &index.tong);
    let mut s = format!(
        "Chỉ số 766 ước tính {} ({})\n",
        data.reporting.label(),
        data.reporting.current
    );
    s.push_str(&format!(
        "Theo Quyết định 766/QĐ-TTg, từ dữ liệu xuất: {} chỉ số, {} trên 100 điểm.\n\n",
        layout.keys.len(),
        full
    ));
    s.push_str(&t.render(stdout_width()));
    s.push_str(&index_notes(&layout.keys, rules, colour));
    s
}

/// Each level: its units ranked, then the level's own index.
fn unit_rows(t: &mut Table, index: &ChiSo766, layout: &Layout) {
    let units = ranked(index);
    let width = units
        .iter()
        .filter_map(|u| u.xep_hang)
        .max()
        .map_or(1, |r| r.to_string().len());
    for (level, x) in index.theo_cap.iter() {
        t.line(level.label().to_string());
        for u in units.iter().filter(|u| u.cap == level) {
            layout.rows(t, layout.name(&ranked_name(u, width)), &u.index);
        }
        layout.rows(t, format!("Cộng {}", level.label().to_lowercase()), x);
        t.rule();
    }
}

fn index_notes(keys: &[Key], rules: &Rules, colour: bool) -> String {
    let mut s = String::from(
        "\nMỗi dòng: điểm ước tính của từng chỉ số, dòng dưới là tỷ lệ. (N): điểm tối đa.\n\
         –: không có hồ sơ để tính; N/A: dữ liệu xuất không có cột cần thiết; hai loại này không tính vào điểm tối đa.\n\
         Đơn vị xếp hạng trong từng cấp theo điểm ước tính; bằng điểm thì cùng hạng.\n",
    );
    let thresholds: Vec<String> = keys
        .iter()
        .map(|k| {
            format!(
                "{} {}",
                k.label(),
                vn::percent(Some(rules.get(*k).threshold()))
            )
        })
        .collect();
    s.push_str(&format!(
        "Đủ điểm khi tỷ lệ đạt: {}; thấp hơn thì điểm theo tỷ lệ.\n",
        thresholds.join(", ")
    ));
    if colour {
        s.push_str("Điểm bị trừ tô màu đỏ.\n");
    }
    let rest: u32 = NOT_FROM_EXPORTS.iter().map(|(_, _, p)| p).sum();
    s.push_str(&format!(
        "\nKhông tính được từ dữ liệu xuất ({rest} điểm):\n"
    ));
    for (group, what, points) in NOT_FROM_EXPORTS {
        s.push_str(&format!("  - {}: {what} ({points} điểm)\n", group.name()));
    }
    s.push_str(
        "\nĐây là ước tính: Cổng Dịch vụ công quốc gia chỉ công bố mô tả cách tính. \
         Điểm và ngưỡng đổi được trong [chi_so_766] của cctthc.toml.\n",
    );
    s
}

/// `--ho-so KEY` in the format asked for; a warning when the indicator
/// cannot be worked out or is left out by config.
fn shortfalls_text(
    data: &Dataset,
    index: &ChiSo766,
    key: Key,
    format: Format,
    out: &Output,
) -> Result<String, Failure> {
    let missing = index766::fraction(key, &Counts::default(), data.tally.known()).is_none();
    let list = Shortfalls::new(data, key);
    let list = if missing {
        out.warn(&format!(
            "dữ liệu xuất không có cột {} cần cho chỉ số {}: không liệt kê được hồ sơ",
            key.columns(),
            key.key()
        ));
        Shortfalls {
            ho_so: Vec::new(),
            ..list
        }
    } else {
        list
    };
    if index.tong.chi_so.get(key).is_none() {
        out.warn(&format!(
            "chỉ số {} đang bị bỏ qua ([chi_so_766.{}] bo_qua = true trong cctthc.toml)",
            key.key(),
            key.key()
        ));
    }
    match format {
        Format::Json => json(&list),
        Format::Csv => shortfalls_csv(&list),
        Format::Table | Format::Xlsx => Ok(shortfalls_table(data, index, &list, key)),
    }
}

fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn shortfalls_csv(list: &Shortfalls<'_>) -> Result<String, Failure> {
    let mut w = excel_csv::writer(Vec::new()).map_err(|e| csv_failure(e.into()))?;
    // The header `input` knows as this command's own, never read back.
    excel_csv::row(&mut w, crate::input::kind::SHORTFALL_HEADER).map_err(csv_failure)?;
    for x in &list.ho_so {
        excel_csv::row(
            &mut w,
            [
                x.dossier.ma_ho_so.to_string(),
                x.dossier.don_vi.to_string(),
                x.dossier.cap.key().to_string(),
                x.dossier.linh_vuc.unwrap_or_default().to_string(),
                x.dossier.ma_thu_tuc.to_string(),
                x.dossier.ten_thu_tuc.to_string(),
                date(x.dossier.ngay_tiep_nhan),
                date(x.dossier.ngay_hen_tra),
                date(x.dossier.ngay_ket_thuc),
                list.chi_so.to_string(),
                x.ly_do.clone(),
                x.so_ngay.map(|n| n.to_string()).unwrap_or_default(),
            ],
        )
        .map_err(csv_failure)?;
    }
    csv_finish(w)
}

/// `đạt 19,5/20 điểm (97,5%)`, or why there are no points.
fn standing(x: Option<&Indicator>) -> String {
    match x {
        None => "bỏ qua".to_string(),
        Some(i) => match (i.diem, i.mau_so) {
            (Some(d), _) => format!(
                "đạt {}/{} điểm ({})",
                vn::decimal(d.value(), 2),
                i.diem_toi_da,
                vn::percent(i.phan_tram.map(|p| p.value()))
            ),
            (None, Some(_)) => "không có hồ sơ để tính".to_string(),
            (None, None) => "không tính được (thiếu cột)".to_string(),
        },
    }
}

/// The dates a list shows: those the indicator turns on.
fn shown_dates(key: Key) -> (bool, bool) {
    // (due date, end date); the date received is always shown.
    match key {
        Key::TienDo | Key::HaiLong => (true, true),
        Key::KetQuaDienTu => (false, true),
        Key::TrucTuyen | Key::ThanhToan | Key::SoHoa => (false, false),
    }
}

/// The list for people, grouped by unit with each unit's points.
fn shortfalls_table(data: &Dataset, index: &ChiSo766, list: &Shortfalls<'_>, key: Key) -> String {
    let mut s = format!(
        "Hồ sơ làm giảm điểm chỉ số \"{}\" (ước tính theo QĐ 766/QĐ-TTg), {} ({})\nChỉ số: {} (nhóm {}).\n\n",
        key.label(),
        data.reporting.label(),
        data.reporting.current,
        key.title(),
        key.group().name(),
    );
    if list.ho_so.is_empty() {
        s.push_str("Không có hồ sơ nào làm giảm điểm chỉ số này.\n");
        s.push_str(&format!(
            "Toàn bộ: {}.\n",
            standing(index.tong.chi_so.get(key).as_ref())
        ));
        return s;
    }
    let t = shortfalls_rows(index, list, key);
    s.push_str(&t.render(stdout_width()));
    s.push_str(&format!(
        "Tổng: {} hồ sơ. Toàn bộ: {}.\n",
        vn::int(list.ho_so.len() as i64),
        standing(index.tong.chi_so.get(key).as_ref())
    ));
    s
}

/// The dossiers grouped by unit, each unit under a heading with its points.
fn shortfalls_rows(index: &ChiSo766, list: &Shortfalls<'_>, key: Key) -> Table {
    let (due, end) = shown_dates(key);
    let mut headers = vec![vec!["Thủ tục"], vec!["Mã hồ sơ"], vec!["Tiếp nhận"]];
    if due {
        headers.push(vec!["Hẹn trả"]);
    }
    if end {
        headers.push(vec!["Kết thúc"]);
    }
    headers.push(vec!["Lý do"]);
    let mut t = Table::new(headers);
    let day = |d: Option<NaiveDate>| d.map(vn::date).unwrap_or_default();
    // Each unit's index found once, not searched for per unit.
    let units: FastMap<(UnitId, Level), &UnitIndex> = index
        .theo_don_vi
        .iter()
        .map(|u| ((u.unit, u.cap), u))
        .collect();
    let groups = list
        .ho_so
        .chunk_by(|a, b| a.dossier.cap == b.dossier.cap && a.dossier.don_vi == b.dossier.don_vi);
    for (i, group) in groups.enumerate() {
        if i > 0 {
            t.line(String::new());
        }
        t.line(unit_heading(&units, group, key));
        for x in group {
            let mut row = vec![
                format!("  {}", x.dossier.ten_thu_tuc),
                x.dossier.ma_ho_so.to_string(),
                day(x.dossier.ngay_tiep_nhan),
            ];
            if due {
                row.push(day(x.dossier.ngay_hen_tra));
            }
            if end {
                row.push(day(x.dossier.ngay_ket_thuc));
            }
            row.push(x.ly_do.clone());
            t.row(row);
        }
    }
    t
}

/// `UBND xã A: 3 hồ sơ; chỉ số đạt 5,88/6 điểm (49%)`.
fn unit_heading(
    units: &FastMap<(UnitId, Level), &UnitIndex>,
    group: &[Costly<'_>],
    key: Key,
) -> String {
    let Some(first) = group.first() else {
        return String::new();
    };
    let points = units
        .get(&(first.dossier.unit, first.dossier.cap))
        .map_or_else(String::new, |u| {
            format!("; chỉ số {}", standing(u.index.chi_so.get(key).as_ref()))
        });
    format!(
        "{}: {} hồ sơ{points}",
        first.dossier.don_vi,
        vn::int(group.len() as i64)
    )
}
