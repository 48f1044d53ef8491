//! `cctthc qua-han` (alias `overdue`): the dossiers open past their due
//! date and those due within a few days, as of a day, grouped by unit. A
//! list, not a failure: it exits 0 unless `--fail-if-any` is given.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::common::{
    self, Failure, Global, InputArgs, Keep, Session, SkipArgs, TableFormat as Format,
};
use super::excel_csv;
use super::output::Output;
use super::table::{Table, stdout_width};
use crate::figures::due::{self, Standing};
use crate::period::Request;
use crate::report::watch::{self, Watch};
use crate::report::workbook::{Cell, TableBook};
use crate::vn;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    skip: SkipArgs,
    /// Xét tại ngày này (dd/mm/yyyy). Mặc định: hôm nay
    #[arg(long, value_name = "NGÀY", value_parser = common::parse_day, help_heading = "Danh sách")]
    ngay: Option<NaiveDate>,
    /// Kể cả hồ sơ đến hạn trong N ngày tới (mặc định 2)
    #[arg(
        long,
        value_name = "N",
        default_value_t = 2,
        hide_default_value = true,
        help_heading = "Danh sách"
    )]
    trong: u32,
    /// Dạng kết quả: table (mặc định), json, csv, xlsx (bảng tính Excel, cần -o)
    #[arg(long, value_enum, value_name = "DẠNG", default_value_t = Format::Table, hide_default_value = true, hide_possible_values = true, help_heading = "Đầu ra")]
    format: Format,
    /// Ghi vào tệp thay vì in ra màn hình
    #[arg(short = 'o', long, value_name = "TỆP", help_heading = "Đầu ra")]
    output: Option<PathBuf>,
    /// Thoát với mã 1 khi danh sách không trống (cho kịch bản cảnh báo)
    #[arg(long, help_heading = "Đầu ra")]
    fail_if_any: bool,
}

pub fn run(global: &Global, args: &Args, out: &Output) -> Result<(), Failure> {
    if args.format == Format::Xlsx {
        super::output::workbook_file(args.output.as_deref())?;
    }
    let session = Session::start(global)?;
    let day = args.ngay.unwrap_or(session.today);
    // The figures are not shown; a period is needed only to read.
    let reporting = Request {
        from: Some(day),
        to: Some(day),
        ..Request::default()
    }
    .resolve(day)?;
    // Beside the list when it goes to a file (SPEC §9).
    let mode = args.skip.mode(args.output.as_deref());
    let mut planned = common::Files::new();
    if let Some(path) = &args.output {
        planned = planned.writes("danh sách", path);
    }
    let keep = due::watched(day, args.trong);
    let (data, _) = common::read(
        &session,
        &args.input,
        reporting,
        Keep::Only(keep),
        mode,
        planned,
        out,
    )?;
    let list = Watch::new(&data, day, args.trong);
    out.phase("phân tích");
    let bytes = list_bytes(&list, args)?;
    match &args.output {
        Some(path) => super::output::write_file(path, &bytes)?,
        None => super::output::print(&bytes)?,
    }
    out.phase("tạo và ghi");
    let overdue = list
        .ho_so
        .iter()
        .filter(|w| w.tinh_trang == Standing::QuaHan)
        .count();
    let soon = list.ho_so.len() - overdue;
    out.detail(&format!(
        "{overdue} hồ sơ quá hạn, {soon} hồ sơ sắp đến hạn"
    ));
    if args.fail_if_any && !list.ho_so.is_empty() {
        return Err(Failure::failed(format!(
            "ngày {}: {} hồ sơ quá hạn, {} hồ sơ sắp đến hạn",
            vn::date(day),
            vn::int(overdue as i64),
            vn::int(soon as i64)
        )));
    }
    Ok(())
}

/// The list in the format asked for.
fn list_bytes(list: &Watch, args: &Args) -> Result<Vec<u8>, Failure> {
    Ok(match args.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(list)
                .map_err(|e| Failure::failed(format!("không tạo được JSON: {e}")))?;
            s.push('\n');
            s.into_bytes()
        }
        Format::Csv => csv_text(list)?.into_bytes(),
        Format::Xlsx => workbook(list, args.output.as_deref())?,
        // A table written to a file keeps names whole.
        Format::Table => table_text(list, args.trong, args.output.is_none()).into_bytes(),
    })
}

fn standing_text(w: &watch::Watched) -> String {
    match (w.tinh_trang, w.so_ngay) {
        (Standing::QuaHan, n) => format!("quá hạn {n} ngày"),
        (Standing::SapDenHan, 0) => "đến hạn hôm nay".to_string(),
        (Standing::SapDenHan, n) => format!("còn {n} ngày"),
    }
}

fn table_text(list: &Watch, within: u32, on_stdout: bool) -> String {
    let mut s = format!(
        "Hồ sơ quá hạn và sắp đến hạn (trong {within} ngày) tại ngày {}\n\n",
        vn::date(list.ngay)
    );
    if list.ho_so.is_empty() {
        s.push_str("Không có hồ sơ nào quá hạn hay sắp đến hạn.\n");
        return s;
    }
    // Grouped by unit, units in the order of government then by name; a
    // stable sort keeps the list's order within a unit, and one pass
    // groups (a search per unit would be quadratic).
    let mut rows: Vec<&watch::Watched> = list.ho_so.iter().collect();
    rows.sort_by(|a, b| {
        a.cap
            .cmp(&b.cap)
            .then_with(|| crate::text::vi_cmp(&a.don_vi, &b.don_vi))
    });
    let mut t = Table::new(vec![
        vec!["Thủ tục"],
        vec!["Mã hồ sơ"],
        vec!["Hạn trả"],
        vec!["Tình trạng"],
    ]);
    let groups = rows.chunk_by(|a, b| a.cap == b.cap && a.don_vi == b.don_vi);
    for (i, group) in groups.enumerate() {
        let unit = &group[0].don_vi;
        let late = group
            .iter()
            .filter(|w| w.tinh_trang == Standing::QuaHan)
            .count();
        if i > 0 {
            t.line(String::new());
        }
        t.line(format!(
            "{unit}: {late} quá hạn, {} sắp đến hạn",
            group.len() - late
        ));
        for w in group {
            t.row(vec![
                format!("  {}", w.ten_thu_tuc),
                w.ma_ho_so.clone(),
                w.ngay_hen_tra.map(vn::date).unwrap_or_default(),
                standing_text(w),
            ]);
        }
    }
    s.push_str(&t.render(if on_stdout { stdout_width() } else { None }));
    let late = list
        .ho_so
        .iter()
        .filter(|w| w.tinh_trang == Standing::QuaHan)
        .count();
    s.push_str(&format!(
        "Tổng: {} hồ sơ quá hạn, {} hồ sơ sắp đến hạn.\n",
        vn::int(late as i64),
        vn::int((list.ho_so.len() - late) as i64)
    ));
    s
}

/// A dossier of the watch as the cells of [`OVERDUE_HEADER`]'s columns.
///
/// [`OVERDUE_HEADER`]: crate::input::kind::OVERDUE_HEADER
fn watch_row(x: &watch::Watched) -> [Cell; 9] {
    let date = |d: Option<NaiveDate>| d.map_or(Cell::Empty, Cell::Date);
    let text = |s: &str| Cell::Text(s.to_string());
    [
        text(&x.ma_ho_so),
        text(&x.don_vi),
        text(x.cap.key()),
        text(x.linh_vuc.as_deref().unwrap_or_default()),
        text(&x.ten_thu_tuc),
        date(x.ngay_tiep_nhan),
        date(x.ngay_hen_tra),
        text(match x.tinh_trang {
            Standing::QuaHan => "qua_han",
            Standing::SapDenHan => "sap_den_han",
        }),
        Cell::Int(x.so_ngay),
    ]
}

fn csv_text(list: &Watch) -> Result<String, Failure> {
    let bad = |e: csv::Error| Failure::failed(format!("không tạo được CSV: {e}"));
    let mut w = excel_csv::writer(Vec::new()).map_err(|e| bad(e.into()))?;
    // The header `input` knows as this command's own, never read back.
    excel_csv::row(&mut w, crate::input::kind::OVERDUE_HEADER).map_err(bad)?;
    for x in &list.ho_so {
        excel_csv::row(&mut w, watch_row(x).iter().map(Cell::csv)).map_err(bad)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Failure::failed(format!("không tạo được CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Failure::failed(e.to_string()))
}

/// The CSV's table as a workbook, stamped with the day of the watch.
fn workbook(list: &Watch, file: Option<&Path>) -> Result<Vec<u8>, Failure> {
    let file = file.map(|f| f.display().to_string()).unwrap_or_default();
    let bad = |e| Failure::failed(format!("không tạo được bảng tính danh sách {file}: {e}"));
    let header = crate::input::kind::OVERDUE_HEADER;
    let mut book = TableBook::new("Quá hạn", &header, list.ngay, "qua-han").map_err(bad)?;
    for x in &list.ho_so {
        book.row(&watch_row(x)).map_err(bad)?;
    }
    book.finish().map_err(bad)
}
