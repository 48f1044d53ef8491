//! Excel workbooks (SPEC §13). Officials send the forms as workbooks as
//! well as documents: `report --format xlsx` writes the period's figures in
//! the layout of Biểu 06/VPCP/KSTT (sheet `Biểu 06`), the five ratios per
//! unit (`Tỷ lệ`), the national index (`Chỉ số 766`) and the late dossiers
//! (`Quá hạn`); `stats` and `qua-han` write their table typed
//! ([`TableBook`]). Nothing here counts: every figure comes from the
//! [`Context`] (or the rows a command hands over), as the .docx gets them.
//!
//! - Numbers are numbers, dates are dates; text is always written as text
//!   (`write_string`), so a unit named `=1+1` never becomes a formula.
//! - Deterministic: the document's creation time is a day of the inputs
//!   (the report's date, the period's end, the watch's day), never the
//!   clock, and rust_xlsxwriter gives every zip entry one fixed time; the
//!   same inputs give the same bytes.
//! - Every workbook says it was written by cctthc (the custom property
//!   [`OWN_WORKBOOK_PROPERTY`](crate::input::kind::OWN_WORKBOOK_PROPERTY)),
//!   so that one left beside the exports is not read as one.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::context::Context;
use super::late::LateDossier;
use crate::figures::counting::{EndedRule, PausedRule};
use crate::figures::index766::{Index, Key};
use crate::figures::{Ratio, RatioKind, Summary};

/// The sheets of the report's workbook, in order.
pub const REPORT_SHEETS: [&str; 4] = ["Biểu 06", "Tỷ lệ", "Chỉ số 766", "Quá hạn"];

/// A fault that is cctthc's own, said without a library's English.
const INTERNAL: &str = "lỗi nội bộ khi tạo bảng tính (xin báo lại cho người phát triển cctthc)";

/// Why a workbook could not be made, in Vietnamese.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Error(String);

impl From<XlsxError> for Error {
    fn from(e: XlsxError) -> Error {
        Error(match e {
            XlsxError::RowColumnLimitError => {
                "bảng quá lớn cho một trang tính Excel (tối đa 1.048.576 dòng)".to_string()
            }
            XlsxError::IoError(e) => crate::atomic::describe(&e),
            // Sheet names, ranges and formats are cctthc's own: any other
            // error is a bug, said without the library's English.
            _ => INTERNAL.to_string(),
        })
    }
}

/// One cell of a table, typed: a count stays a number, a day a date.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A percentage as `stats` writes it, two places (`98.83`).
    Fixed2(Decimal),
    Date(NaiveDate),
    Empty,
}

impl Cell {
    /// A count, empty when its column is missing.
    pub fn count(n: Option<u64>) -> Cell {
        n.map_or(Cell::Empty, |n| Cell::Int(n as i64))
    }

    /// The same value as a CSV cell: what `--format csv` has always written.
    pub fn csv(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Fixed2(d) => format!("{d:.2}"),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// The cell formats of a workbook: Times New Roman, thin borders in tables.
struct Styles {
    title: Format,
    line: Format,
    left: Format,
    right: Format,
    note: Format,
    head: Format,
    number_head: Format,
    text: Format,
    text_bold: Format,
    /// Text in a data table: one line, as in the CSV.
    plain: Format,
    center: Format,
    center_bold: Format,
    int: Format,
    int_bold: Format,
    percent: Format,
    percent_bold: Format,
    fixed2: Format,
    date: Format,
}

impl Styles {
    fn new() -> Styles {
        let base = Format::new()
            .set_font_name("Times New Roman")
            .set_font_size(12);
        let cell = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let text = cell.clone().set_text_wrap();
        let plain = cell.clone();
        let int = cell.clone().set_num_format("#,##0");
        let percent = cell.clone().set_num_format("0.00%");
        let center = cell.clone().set_align(FormatAlign::Center);
        Styles {
            title: base
                .clone()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center),
            line: base.clone().set_italic().set_align(FormatAlign::Center),
            left: base.clone(),
            right: base.clone().set_italic().set_align(FormatAlign::Right),
            note: base
                .clone()
                .set_italic()
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            head: center.clone().set_bold().set_text_wrap(),
            number_head: center.clone().set_italic(),
            text_bold: text.clone().set_bold(),
            text,
            plain,
            center_bold: center.clone().set_bold(),
            center,
            int_bold: int.clone().set_bold(),
            int,
            percent_bold: percent.clone().set_bold(),
            percent,
            fixed2: cell.clone().set_num_format("0.00"),
            date: cell
                .set_num_format("dd/mm/yyyy")
                .set_align(FormatAlign::Center),
        }
    }
}

/// A new workbook stamped with `day` as its creation time and marked as
/// written by cctthc's `command`.
fn new_book(day: NaiveDate, command: &str) -> Result<Workbook, Error> {
    let mut book = Workbook::new();
    // Its zip is written again by `save` with fixed headers, which deflates
    // for good: the fastest level here, the work is not done twice.
    book.set_zip_compression_level(1);
    // A day out of Excel's years (only from a hand-made input) is stamped
    // with a fixed one: still the same bytes every time.
    let created = match excel_day(day) {
        Some(d) => d,
        None => ExcelDateTime::from_ymd(2000, 1, 1)?,
    };
    let properties = DocProperties::new()
        .set_author("cctthc")
        .set_creation_datetime(&created)
        .set_custom_property(crate::input::kind::OWN_WORKBOOK_PROPERTY, command);
    book.set_properties(&properties);
    Ok(book)
}

/// `day` as Excel holds dates, or `None` out of Excel's years (1900–9999).
fn excel_day(day: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(day.year()).ok()?;
    ExcelDateTime::from_ymd(year, day.month() as u8, day.day() as u8).ok()
}

/// The text Excel can hold in a cell (32 767 UTF-16 units), cut at a
/// character where longer.
fn fit(text: &str) -> &str {
    const MAX: usize = 32_767;
    let mut units = 0;
    for (i, c) in text.char_indices() {
        units += c.len_utf16();
        if units > MAX {
            return &text[..i];
        }
    }
    text
}

/// Text as text: never read as a formula, whatever it begins with.
fn put_text(ws: &mut Worksheet, row: u32, col: u16, text: &str, f: &Format) -> Result<(), Error> {
    ws.write_string_with_format(row, col, fit(text), f)?;
    Ok(())
}

/// A count; a bordered empty cell when its column is missing.
fn put_count(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    n: Option<u64>,
    f: &Format,
) -> Result<(), Error> {
    match n {
        Some(n) => ws.write_number_with_format(row, col, n as f64, f)?,
        None => ws.write_blank(row, col, f)?,
    };
    Ok(())
}

/// A day as a date cell (as text out of Excel's years); empty when none.
fn put_date(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    day: Option<NaiveDate>,
    styles: &Styles,
) -> Result<(), Error> {
    match (day, day.and_then(excel_day)) {
        (_, Some(d)) => ws.write_date_with_format(row, col, &d, &styles.date)?,
        (Some(d), None) => {
            ws.write_string_with_format(row, col, crate::vn::date(d), &styles.center)?
        }
        (None, None) => ws.write_blank(row, col, &styles.center)?,
    };
    Ok(())
}

/// `mantissa / 10^(scale + shift)` as the nearest float: `98.83` with
/// shift 0, `0.9883` with shift 2 (a percentage as a fraction).
fn to_float(d: Decimal, shift: i32) -> f64 {
    d.mantissa() as f64 / 10f64.powi(d.scale() as i32 + shift)
}

/// Printed on A4 landscape, one page wide, `repeat` rows on every page.
fn page_setup(ws: &mut Worksheet, repeat: Option<(u32, u32)>) -> Result<(), Error> {
    ws.set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_print_center_horizontally(true)
        .set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    if let Some((first, last)) = repeat {
        ws.set_repeat_rows(first, last)?;
    }
    Ok(())
}

/// A line across `last_col + 1` columns.
fn line(ws: &mut Worksheet, row: u32, last_col: u16, text: &str, f: &Format) -> Result<(), Error> {
    ws.merge_range(row, 0, row, last_col, fit(text), f)?;
    Ok(())
}

// ---------------------------------------------------------------------------
// The report's workbook

/// The report of `context` as a workbook: `Biểu 06`, `Tỷ lệ`, `Chỉ số 766`
/// and `Quá hạn`, stamped with the report's date.
pub fn report(context: &Context<'_>) -> Result<Vec<u8>, Error> {
    let mut book = new_book(context.ngay_lap, "report")?;
    let styles = Styles::new();
    let rows = form_rows(context);
    form_sheet(book.add_worksheet(), context, &rows, &styles)?;
    ratio_sheet(book.add_worksheet(), context, &rows, &styles)?;
    index_sheet(book.add_worksheet(), context, &styles)?;
    late_sheet(book.add_worksheet(), context, &styles)?;
    save(&mut book)
}

/// The workbook's bytes, the same on every platform: rust_xlsxwriter's zip
/// headers name the system it runs on, so the package is written again
/// with fixed ones (SPEC §14: Linux and Windows give the same bytes).
fn save(book: &mut Workbook) -> Result<Vec<u8>, Error> {
    let bytes = book.save_to_buffer()?;
    crate::docx::repack(&bytes).map_err(|_| Error(INTERNAL.to_string()))
}

/// One row of the form: a level with its figures in bold, a unit under it,
/// or the total.
struct FormRow<'c> {
    /// `I`, `II`… for a level, 1, 2… for its units, empty for the total.
    tt: Cell,
    name: &'c str,
    summary: &'c Summary,
    bold: bool,
}

/// A row per level with its units under it, then the total, as the .docx
/// table lays them out (`templates/build.rs` `loop_rows`).
fn form_rows<'c>(context: &'c Context<'_>) -> Vec<FormRow<'c>> {
    const ROMAN: [&str; 3] = ["I", "II", "III"];
    let block = &context.ky_nay;
    let mut rows = Vec::new();
    for (i, level) in block.cac_cap.iter().enumerate() {
        rows.push(FormRow {
            tt: Cell::Text(ROMAN.get(i).copied().unwrap_or_default().to_string()),
            name: level.ten,
            summary: &level.tong,
            bold: true,
        });
        for (n, u) in level.don_vi.iter().enumerate() {
            rows.push(FormRow {
                tt: Cell::Int(n as i64 + 1),
                name: &u.figures.don_vi,
                summary: &u.figures.summary,
                bold: false,
            });
        }
    }
    rows.push(FormRow {
        tt: Cell::Empty,
        name: "Tổng cộng",
        summary: &block.tong,
        bold: true,
    });
    rows
}

/// The first two cells of a form row: its number and its name.
fn put_row_name(ws: &mut Worksheet, r: u32, row: &FormRow<'_>, s: &Styles) -> Result<(), Error> {
    let (center, text) = if row.bold {
        (&s.center_bold, &s.text_bold)
    } else {
        (&s.center, &s.text)
    };
    match &row.tt {
        Cell::Int(n) => ws.write_number_with_format(r, 0, *n as f64, center)?,
        Cell::Text(t) => ws.write_string_with_format(r, 0, t, center)?,
        _ => ws.write_blank(r, 0, center)?,
    };
    put_text(ws, r, 1, row.name, text)?;
    fit_row(ws, r, &[(row.name, NAME_WIDTH)])
}

/// The width of the units' column of `Biểu 06` and `Tỷ lệ`.
const NAME_WIDTH: f64 = 38.0;

/// Makes row `r` tall enough for its wrapped `cells` (text, column
/// width). Neither Excel nor LibreOffice grows a row for wrapped text it
/// did not type, so the lines are estimated: a column `w` wide holds
/// about `1.2 w` letters of Times New Roman 12.
fn fit_row(ws: &mut Worksheet, r: u32, cells: &[(&str, f64)]) -> Result<(), Error> {
    const LINE: f64 = 15.75;
    let lines = cells
        .iter()
        .map(|(text, width)| {
            let per_line = (width * 1.2).floor().max(1.0);
            (text.chars().count() as f64 / per_line).ceil()
        })
        .fold(1.0, f64::max);
    if lines > 1.0 {
        ws.set_row_height(r, LINE * lines.min(20.0))?;
    }
    Ok(())
}

/// The title block of a sheet: the form's name, the title, the period.
fn title_block(
    ws: &mut Worksheet,
    last: u16,
    form: &str,
    title: &str,
    context: &Context<'_>,
    s: &Styles,
) -> Result<u32, Error> {
    let ky = &context.ky_nay.ky;
    line(ws, 0, last, form, &s.left)?;
    line(ws, 1, last, title, &s.title)?;
    let period = format!(
        "Kỳ báo cáo: từ ngày {} đến ngày {}",
        crate::vn::date(ky.tu_ngay),
        crate::vn::date(ky.den_ngay)
    );
    line(ws, 2, last, &period, &s.line)?;
    Ok(3)
}

/// `[bao_cao]` values, or dots to fill in by hand (SPEC §6).
fn or_dots(value: &str) -> &str {
    if value.trim().is_empty() {
        "……"
    } else {
        value
    }
}

/// The eleven figures of a form row, in the columns' order; the direct
/// and postal split is empty without a channel column.
fn form_values(s: &Summary) -> [Option<u64>; 11] {
    let t = &s.tiep_nhan;
    let direct = t.truc_tiep.map(|d| d + t.buu_chinh.unwrap_or(0));
    [
        Some(t.tong),
        t.truc_tuyen,
        direct,
        Some(t.ky_truoc),
        Some(s.da_giai_quyet.tong),
        Some(s.da_giai_quyet.truoc_han),
        Some(s.da_giai_quyet.dung_han),
        Some(s.da_giai_quyet.qua_han),
        Some(s.dang_giai_quyet.tong),
        Some(s.dang_giai_quyet.trong_han),
        Some(s.dang_giai_quyet.qua_han),
    ]
}

/// Sheet `Biểu 06`: the title block, the form's two-row header merged as
/// on paper with the column numbers (1)…(13), the rows, the counting note.
fn form_sheet(
    ws: &mut Worksheet,
    context: &Context<'_>,
    rows: &[FormRow<'_>],
    s: &Styles,
) -> Result<(), Error> {
    const LAST: u16 = 12;
    ws.set_name(REPORT_SHEETS[0])?;
    let h = &context.header;
    title_block(
        ws,
        LAST,
        "Biểu số 06/VPCP/KSTT",
        "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
        context,
        s,
    )?;
    line(
        ws,
        3,
        LAST,
        &format!("Đơn vị báo cáo: {}", or_dots(&h.co_quan)),
        &s.left,
    )?;
    line(
        ws,
        4,
        LAST,
        &format!("Đơn vị nhận báo cáo: {}", or_dots(&h.co_quan_cap_tren)),
        &s.left,
    )?;
    line(ws, 5, LAST, "Đơn vị tính: hồ sơ", &s.right)?;
    let top = 6;
    form_header(ws, top, s)?;
    let first = top + 3;
    for (i, row) in rows.iter().enumerate() {
        let r = first + i as u32;
        put_row_name(ws, r, row, s)?;
        let f = if row.bold { &s.int_bold } else { &s.int };
        for (c, v) in form_values(row.summary).into_iter().enumerate() {
            put_count(ws, r, 2 + c as u16, v, f)?;
        }
    }
    let note = first + rows.len() as u32 + 1;
    ws.set_row_height(note, 32)?;
    line(ws, note, LAST, &counting_note(context), &s.note)?;
    ws.set_row_height(top, 30)?.set_row_height(top + 1, 48)?;
    ws.set_column_width(0, 5)?.set_column_width(1, NAME_WIDTH)?;
    ws.set_column_range_width(2, LAST, 11)?;
    ws.set_freeze_panes(first, 2)?;
    page_setup(ws, Some((top, top + 2)))
}

/// The form's header on rows `top`…`top + 2`: the groups merged over
/// their columns, TT and Đơn vị over both rows, then (1)…(13).
fn form_header(ws: &mut Worksheet, top: u32, s: &Styles) -> Result<(), Error> {
    ws.merge_range(top, 0, top + 1, 0, "TT", &s.head)?;
    ws.merge_range(top, 1, top + 1, 1, "Đơn vị", &s.head)?;
    let mut col = 2;
    for (title, span) in super::form::GROUPS {
        ws.merge_range(top, col, top, col + span - 1, title, &s.head)?;
        col += span;
    }
    for (i, title) in super::form::COLUMNS.iter().enumerate() {
        put_text(ws, top + 1, 2 + i as u16, title, &s.head)?;
    }
    for c in 0..2 + super::form::COLUMNS.len() as u16 {
        put_text(ws, top + 2, c, &format!("({})", c + 1), &s.number_head)?;
    }
    Ok(())
}

/// Which counting rule filled the table (SPEC §4), as the .docx says it.
fn counting_note(context: &Context<'_>) -> String {
    let ended = match context.cach_tinh.tra_lai_rut {
        EndedRule::DungHan => "hồ sơ trả lại, xin rút được tính là đã giải quyết đúng hạn",
        EndedRule::Rieng => "hồ sơ trả lại, xin rút được tính riêng",
    };
    let paused = match context.cach_tinh.tam_dung {
        PausedRule::TrongHan => {
            "hồ sơ tạm dừng (chờ bổ sung) được tính là đang giải quyết trong hạn"
        }
        PausedRule::Rieng => "hồ sơ tạm dừng được tính riêng",
    };
    format!("Ghi chú: {ended}; {paused}.")
}

/// The ratios' column titles, in the contract's order.
fn ratio_title(kind: RatioKind) -> &'static str {
    match kind {
        RatioKind::Online => "Tiếp nhận trực tuyến",
        RatioKind::Payment => "Thanh toán trực tuyến",
        RatioKind::DigitisedIn => "Số hóa đầu vào",
        RatioKind::DigitisedOut => "Số hóa đầu ra",
        RatioKind::OnTime => "Giải quyết đúng hạn",
    }
}

/// Sheet `Tỷ lệ`: for each of the five ratios its numerator, denominator
/// and the ratio as a number in percent format (empty when null).
fn ratio_sheet(
    ws: &mut Worksheet,
    context: &Context<'_>,
    rows: &[FormRow<'_>],
    s: &Styles,
) -> Result<(), Error> {
    const LAST: u16 = 1 + 3 * RatioKind::ALL.len() as u16;
    ws.set_name(REPORT_SHEETS[1])?;
    let title = "TỶ LỆ TIẾP NHẬN TRỰC TUYẾN, THANH TOÁN TRỰC TUYẾN, SỐ HÓA VÀ GIẢI QUYẾT ĐÚNG HẠN";
    let top = title_block(ws, LAST, "Kèm theo Biểu số 06/VPCP/KSTT", title, context, s)?;
    ws.merge_range(top, 0, top + 1, 0, "TT", &s.head)?;
    ws.merge_range(top, 1, top + 1, 1, "Đơn vị", &s.head)?;
    for (i, kind) in RatioKind::ALL.into_iter().enumerate() {
        let col = 2 + 3 * i as u16;
        ws.merge_range(top, col, top, col + 2, ratio_title(kind), &s.head)?;
        for (j, part) in ["Tử số", "Mẫu số", "Tỷ lệ"].iter().enumerate() {
            put_text(ws, top + 1, col + j as u16, part, &s.head)?;
        }
    }
    let first = top + 2;
    for (i, row) in rows.iter().enumerate() {
        let r = first + i as u32;
        put_row_name(ws, r, row, s)?;
        for (k, kind) in RatioKind::ALL.into_iter().enumerate() {
            put_ratio(
                ws,
                r,
                2 + 3 * k as u16,
                row.summary.ty_le.get(kind),
                row.bold,
                s,
            )?;
        }
    }
    ws.set_row_height(top, 32)?;
    ws.set_column_width(0, 5)?.set_column_width(1, NAME_WIDTH)?;
    ws.set_column_range_width(2, LAST, 9)?;
    ws.set_freeze_panes(first, 2)?;
    page_setup(ws, Some((top, top + 1)))
}

/// A ratio in three cells from `col`: numerator, denominator, fraction.
fn put_ratio(
    ws: &mut Worksheet,
    r: u32,
    col: u16,
    ratio: &Ratio,
    bold: bool,
    s: &Styles,
) -> Result<(), Error> {
    let (int, percent) = if bold {
        (&s.int_bold, &s.percent_bold)
    } else {
        (&s.int, &s.percent)
    };
    put_count(ws, r, col, ratio.tu_so, int)?;
    put_count(ws, r, col + 1, ratio.mau_so, int)?;
    match ratio.phan_tram {
        Some(p) => ws.write_number_with_format(r, col + 2, to_float(p.value(), 2), percent)?,
        None => ws.write_blank(r, col + 2, percent)?,
    };
    Ok(())
}

/// Sheet `Chỉ số 766`: the national index estimated (SPEC §12): for each
/// level then its units, the rank within the level, each indicator's
/// ratio and points, the sum and its maximum; every figure "ước tính".
fn index_sheet(ws: &mut Worksheet, context: &Context<'_>, s: &Styles) -> Result<(), Error> {
    const LAST: u16 = 2 + 2 * Key::ALL.len() as u16 + 1;
    ws.set_name(REPORT_SHEETS[2])?;
    let title =
        "KẾT QUẢ BỘ CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP (ƯỚC TÍNH THEO QUYẾT ĐỊNH 766/QĐ-TTg)";
    let top = title_block(ws, LAST, "Ước tính từ dữ liệu xuất", title, context, s)?;
    ws.merge_range(top, 0, top + 1, 0, "Hạng", &s.head)?;
    ws.merge_range(top, 1, top + 1, 1, "Đơn vị", &s.head)?;
    for (i, key) in Key::ALL.into_iter().enumerate() {
        let col = 2 + 2 * i as u16;
        ws.merge_range(top, col, top, col + 1, key.label(), &s.head)?;
        put_text(ws, top + 1, col, "Tỷ lệ", &s.head)?;
        put_text(ws, top + 1, col + 1, "Điểm", &s.head)?;
    }
    ws.merge_range(top, LAST - 1, top, LAST, "Tổng (ước tính)", &s.head)?;
    put_text(ws, top + 1, LAST - 1, "Điểm", &s.head)?;
    put_text(ws, top + 1, LAST, "Tối đa", &s.head)?;
    let index = &context.chi_so_766;
    let mut r = top + 2;
    for (level, of_level) in index.theo_cap.iter() {
        put_text(ws, r, 0, "", &s.center_bold)?;
        put_text(ws, r, 1, level.label(), &s.text_bold)?;
        index_cells(ws, r, of_level, true, s)?;
        r += 1;
        for u in index.theo_don_vi.iter().filter(|u| u.cap == level) {
            match u.xep_hang {
                Some(rank) => ws.write_number_with_format(r, 0, f64::from(rank), &s.center)?,
                None => ws.write_blank(r, 0, &s.center)?,
            };
            put_text(ws, r, 1, &u.don_vi, &s.text)?;
            index_cells(ws, r, &u.index, false, s)?;
            r += 1;
        }
    }
    put_text(ws, r, 0, "", &s.center_bold)?;
    put_text(ws, r, 1, "Tổng cộng", &s.text_bold)?;
    index_cells(ws, r, &index.tong, true, s)?;
    ws.set_row_height(top, 32)?;
    ws.set_column_width(0, 6)?.set_column_width(1, NAME_WIDTH)?;
    ws.set_column_range_width(2, LAST, 9)?;
    ws.set_freeze_panes(top + 2, 2)?;
    page_setup(ws, Some((top, top + 1)))
}

/// One INDEX in its cells from column 2: each indicator's ratio and
/// points (empty where there are none), the sum and its maximum.
fn index_cells(
    ws: &mut Worksheet,
    r: u32,
    index: &Index,
    bold: bool,
    s: &Styles,
) -> Result<(), Error> {
    let percent = if bold { &s.percent_bold } else { &s.percent };
    for (i, key) in Key::ALL.into_iter().enumerate() {
        let col = 2 + 2 * i as u16;
        let indicator = index.chi_so.get(key).as_ref();
        match indicator.and_then(|x| x.phan_tram) {
            Some(p) => ws.write_number_with_format(r, col, to_float(p.value(), 2), percent)?,
            None => ws.write_blank(r, col, percent)?,
        };
        match indicator.and_then(|x| x.diem) {
            Some(d) => {
                ws.write_number_with_format(r, col + 1, to_float(d.value(), 0), &s.fixed2)?
            }
            None => ws.write_blank(r, col + 1, &s.fixed2)?,
        };
    }
    let last = 2 + 2 * Key::ALL.len() as u16;
    match index.diem {
        Some(d) => ws.write_number_with_format(r, last, to_float(d.value(), 0), &s.fixed2)?,
        None => ws.write_blank(r, last, &s.fixed2)?,
    };
    ws.write_number_with_format(r, last + 1, f64::from(index.diem_toi_da), &s.int)?;
    Ok(())
}

/// The columns of sheet `Quá hạn`, with their widths.
const LATE_COLUMNS: [(&str, f64); 12] = [
    ("TT", 5.0),
    ("Mã hồ sơ", 22.0),
    ("Đơn vị", 30.0),
    ("Cấp", 10.0),
    ("Lĩnh vực", 22.0),
    ("Mã thủ tục", 14.0),
    ("Tên thủ tục", 40.0),
    ("Ngày tiếp nhận", 12.0),
    ("Ngày hẹn trả", 12.0),
    ("Ngày kết thúc", 12.0),
    ("Tình trạng", 16.0),
    ("Số ngày quá hạn", 10.0),
];

/// Sheet `Quá hạn`: the dossiers resolved late in the period or still open
/// past their due date at its end, as the report lists them.
fn late_sheet(ws: &mut Worksheet, context: &Context<'_>, s: &Styles) -> Result<(), Error> {
    const LAST: u16 = LATE_COLUMNS.len() as u16 - 1;
    ws.set_name(REPORT_SHEETS[3])?;
    let top = title_block(
        ws,
        LAST,
        "Kèm theo Biểu số 06/VPCP/KSTT",
        "DANH SÁCH HỒ SƠ QUÁ HẠN",
        context,
        s,
    )?;
    for (c, (title, width)) in LATE_COLUMNS.iter().enumerate() {
        put_text(ws, top, c as u16, title, &s.head)?;
        ws.set_column_width(c as u16, *width)?;
    }
    ws.set_row_height(top, 32)?;
    let first = top + 1;
    for (i, d) in context.qua_han.iter().enumerate() {
        late_row(ws, first + i as u32, i, d, s)?;
    }
    if context.qua_han.is_empty() {
        line(
            ws,
            first,
            LAST,
            "Không có hồ sơ quá hạn trong kỳ báo cáo.",
            &s.left,
        )?;
    }
    ws.set_freeze_panes(first, 0)?;
    page_setup(ws, Some((top, top)))
}

fn late_row(
    ws: &mut Worksheet,
    r: u32,
    i: usize,
    d: &LateDossier<'_>,
    s: &Styles,
) -> Result<(), Error> {
    ws.write_number_with_format(r, 0, i as f64 + 1.0, &s.center)?;
    let texts = [
        d.dossier.ma_ho_so,
        d.dossier.don_vi,
        d.dossier.cap.label(),
        d.dossier.linh_vuc.unwrap_or_default(),
        d.dossier.ma_thu_tuc,
        d.dossier.ten_thu_tuc,
    ];
    for (c, t) in texts.iter().enumerate() {
        put_text(ws, r, 1 + c as u16, t, &s.text)?;
    }
    let wrapped: Vec<(&str, f64)> = texts
        .iter()
        .zip(&LATE_COLUMNS[1..])
        .map(|(t, (_, width))| (*t, *width))
        .collect();
    fit_row(ws, r, &wrapped)?;
    put_date(ws, r, 7, d.dossier.ngay_tiep_nhan, s)?;
    put_date(ws, r, 8, d.dossier.ngay_hen_tra, s)?;
    put_date(ws, r, 9, d.dossier.ngay_ket_thuc, s)?;
    let status = match d.tinh_trang {
        "da_giai_quyet" => "Đã giải quyết quá hạn",
        _ => "Đang giải quyết quá hạn",
    };
    put_text(ws, r, 10, status, &s.text)?;
    ws.write_number_with_format(r, 11, d.so_ngay as f64, &s.int)?;
    Ok(())
}

// ---------------------------------------------------------------------------
// The tables of `stats` and `qua-han`

/// A workbook of one sheet holding a command's table as its CSV holds it
/// (the same header, the same rows), typed; rows are written as they come.
pub struct TableBook {
    book: Workbook,
    sheet: Worksheet,
    styles: Styles,
    next: u32,
    /// The widest value of each column so far, in characters.
    widths: Vec<usize>,
}

impl TableBook {
    /// A sheet `name` with `header` as its first row, frozen; the
    /// workbook stamped with `day` and marked as written by `command`.
    pub fn new(
        name: &str,
        header: &[&str],
        day: NaiveDate,
        command: &str,
    ) -> Result<TableBook, Error> {
        let book = new_book(day, command)?;
        let styles = Styles::new();
        let mut sheet = Worksheet::new();
        sheet.set_name(name)?;
        for (c, title) in header.iter().enumerate() {
            put_text(&mut sheet, 0, c as u16, title, &styles.head)?;
        }
        Ok(TableBook {
            book,
            sheet,
            styles,
            next: 1,
            widths: header.iter().map(|h| h.chars().count()).collect(),
        })
    }

    /// Appends a row.
    pub fn row(&mut self, cells: &[Cell]) -> Result<(), Error> {
        let (r, s, ws) = (self.next, &self.styles, &mut self.sheet);
        for (c, cell) in cells.iter().enumerate() {
            let col = c as u16;
            match cell {
                Cell::Text(t) => put_text(ws, r, col, t, &s.plain)?,
                Cell::Int(n) => {
                    ws.write_number_with_format(r, col, *n as f64, &s.int)?;
                }
                Cell::Fixed2(d) => {
                    ws.write_number_with_format(r, col, to_float(*d, 0), &s.fixed2)?;
                }
                Cell::Date(d) => put_date(ws, r, col, Some(*d), s)?,
                Cell::Empty => {
                    ws.write_blank(r, col, &s.center)?;
                }
            }
            let width = match cell {
                Cell::Date(_) => 10,
                other => other.csv().chars().count(),
            };
            match self.widths.get_mut(c) {
                Some(w) => *w = (*w).max(width),
                None => self.widths.push(width),
            }
        }
        self.next += 1;
        Ok(())
    }

    /// The workbook's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>, Error> {
        let ws = &mut self.sheet;
        for (c, w) in self.widths.iter().enumerate() {
            ws.set_column_width(c as u16, (*w).clamp(6, 60) as f64 + 2.0)?;
        }
        let last_col = self.widths.len().saturating_sub(1) as u16;
        ws.autofilter(0, 0, self.next - 1, last_col)?;
        ws.set_freeze_panes(1, 1)?;
        page_setup(ws, Some((0, 0)))?;
        self.book.push_worksheet(self.sheet);
        save(&mut self.book)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_write_the_csv_text_of_before() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(Cell::count(Some(4479)).csv(), "4479");
        assert_eq!(Cell::count(None).csv(), "");
        assert_eq!(Cell::Fixed2(d("98.83")).csv(), "98.83");
        assert_eq!(Cell::Fixed2(d("100")).csv(), "100.00");
        let day = NaiveDate::from_ymd_opt(2023, 11, 3).unwrap();
        assert_eq!(Cell::Date(day).csv(), "2023-11-03");
        assert_eq!(Cell::Text("=1+1".into()).csv(), "=1+1");
    }

    #[test]
    fn percentages_become_the_nearest_float() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(to_float(d("98.83"), 2), 0.9883);
        assert_eq!(to_float(d("98.83"), 0), 98.83);
        assert_eq!(to_float(d("100.00"), 2), 1.0);
        assert_eq!(to_float(d("0"), 2), 0.0);
    }

    #[test]
    fn text_is_cut_where_excel_stops() {
        assert_eq!(fit("UBND xã Đại Sơn"), "UBND xã Đại Sơn");
        let long = "đ".repeat(40_000);
        assert_eq!(fit(&long).chars().count(), 32_767);
        // A letter outside the BMP takes two UTF-16 units.
        let wide = "𝔸".repeat(20_000);
        assert_eq!(fit(&wide).chars().count(), 16_383);
    }

    #[test]
    fn days_outside_excels_years_have_no_date() {
        assert!(excel_day(NaiveDate::from_ymd_opt(2023, 11, 30).unwrap()).is_some());
        assert!(excel_day(NaiveDate::from_ymd_opt(1899, 6, 1).unwrap()).is_none());
        assert!(excel_day(NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap()).is_none());
    }

    #[test]
    fn a_table_book_is_the_same_bytes_twice() {
        let day = NaiveDate::from_ymd_opt(2023, 11, 30).unwrap();
        let book = || {
            let mut b = TableBook::new("Số liệu", &["don_vi", "so"], day, "stats").unwrap();
            b.row(&[Cell::Text("=1+1".into()), Cell::Int(3)]).unwrap();
            b.finish().unwrap()
        };
        assert_eq!(book(), book());
    }
}
