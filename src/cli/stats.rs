//! `cctthc stats`: the figures of a period in the terminal, as JSON or CSV,
//! or as a workbook (`--format xlsx -o FILE`, the CSV's table typed).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::common::{
    self, Failure, Global, InputArgs, Keep, PeriodArgs, Session, SkipArgs, TableFormat as Format,
};
use super::excel_csv;
use super::output::Output;
use super::table::{Table, stdout_width, terminal_width};
use crate::dataset::Dataset;
use crate::figures::{Ratio, RatioKind, Summary};
use crate::report::Figures;
use crate::report::analysis::{Analysis, Periods, Targets};
use crate::report::chart;
use crate::report::workbook::{Cell, TableBook};
use crate::vn;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    period: PeriodArgs,
    #[command(flatten)]
    skip: SkipArgs,
    /// Dạng kết quả: table (bảng để đọc, mặc định), json, csv (mỗi đơn vị một dòng), xlsx (bảng CSV đó dạng bảng tính Excel, cần -o)
    #[arg(long, value_enum, value_name = "DẠNG", default_value_t = Format::Table, hide_default_value = true, hide_possible_values = true, help_heading = "Đầu ra")]
    format: Format,
    /// Ghi vào tệp thay vì in ra màn hình (bắt buộc với --format xlsx)
    #[arg(short = 'o', long, value_name = "TỆP", help_heading = "Đầu ra")]
    output: Option<PathBuf>,
    /// Vẽ biểu đồ thanh một tỷ lệ theo đơn vị, có vạch chỉ tiêu: truc_tuyen, thanh_toan_truc_tuyen (mặc định), so_hoa_dau_vao, so_hoa_dau_ra, dung_han
    #[arg(long, value_name = "TỶ_LỆ", num_args = 0..=1, default_missing_value = "thanh_toan_truc_tuyen", help_heading = "Đầu ra")]
    chart: Option<String>,
    /// Chia theo: cap (cấp), don_vi (đơn vị), linh_vuc (lĩnh vực)
    #[arg(
        long,
        value_enum,
        value_name = "THEO",
        hide_possible_values = true,
        help_heading = "Đầu ra"
    )]
    by: Option<By>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum By {
    Cap,
    #[value(name = "don_vi", alias = "don-vi")]
    DonVi,
    #[value(name = "linh_vuc", alias = "linh-vuc")]
    LinhVuc,
}

pub fn run(global: &Global, args: &Args, out: &Output) -> Result<(), Failure> {
    if args.format == Format::Xlsx {
        super::output::workbook_file(args.output.as_deref())?;
    }
    let session = Session::start(global)?;
    let reporting = session.reporting(&args.period)?;
    // Beside the table when it goes to a file (SPEC §9).
    let mode = args.skip.mode(args.output.as_deref());
    let mut planned = common::Files::new();
    if let Some(path) = &args.output {
        planned = planned.writes("bảng số liệu", path);
    }
    let (data, _) = common::read(
        &session,
        &args.input,
        reporting,
        Keep::Nothing,
        mode,
        planned,
        out,
    )?;
    let periods = Periods::of(&data);
    let analysis = Analysis::of(&data, &periods, Targets::from_config(&session.config));
    // The chart reads the analysis; the figures then take it over.
    let chart = match (args.format, &args.chart) {
        (Format::Table, Some(ratio)) => Some(chart_text(&data, &analysis, ratio)?),
        _ => None,
    };
    // The index is shown in the JSON only; 100 000 units cost its
    // arithmetic for nothing in a table.
    let rules = session.config.index_rules();
    let with_index = matches!(args.format, Format::Json).then_some(&rules);
    let figures = Figures::of(&data, analysis, periods, with_index);
    out.phase("phân tích");
    let by = args.by.unwrap_or(By::DonVi);
    let bytes = match args.format {
        // Streamed: the JSON text is not held whole.
        Format::Json if args.output.is_none() => {
            stream_json(&figures)?;
            out.phase("tạo và ghi");
            return Ok(());
        }
        Format::Json => {
            let mut bytes = serde_json::to_vec_pretty(&figures)
                .map_err(|e| Failure::failed(format!("không tạo được JSON: {e}")))?;
            bytes.push(b'\n');
            bytes
        }
        Format::Csv => csv_text(&figures, by)?.into_bytes(),
        Format::Xlsx => workbook(&figures, by, args.output.as_deref())?,
        Format::Table => match chart {
            Some(text) => text,
            // A table written to a file keeps names whole.
            None => table_text(
                &data,
                &figures,
                args.by.unwrap_or(By::Cap),
                args.output.is_none(),
            ),
        }
        .into_bytes(),
    };
    out.phase("tạo");
    match &args.output {
        Some(path) => super::output::write_file(path, &bytes)?,
        None => super::output::print(&bytes)?,
    }
    out.phase("ghi");
    Ok(())
}

/// The figures as JSON on stdout, written as they are serialised.
fn stream_json(figures: &Figures) -> Result<(), Failure> {
    let mut out = std::io::BufWriter::new(super::output::Stdout::new());
    super::output::written(
        serde_json::to_writer_pretty(&mut out, figures)
            .map_err(std::io::Error::from)
            .and_then(|_| out.write_all(b"\n"))
            .and_then(|_| out.flush()),
    )
}

/// The flattened columns of a SUMMARY, in the order of SPEC §5.
const SUMMARY_COLUMNS: [&str; 31] = [
    "tiep_nhan.tong",
    "tiep_nhan.trong_ky",
    "tiep_nhan.truc_tuyen",
    "tiep_nhan.truc_tiep",
    "tiep_nhan.buu_chinh",
    "tiep_nhan.ky_truoc",
    "da_giai_quyet.tong",
    "da_giai_quyet.truoc_han",
    "da_giai_quyet.dung_han",
    "da_giai_quyet.qua_han",
    "dang_giai_quyet.tong",
    "dang_giai_quyet.trong_han",
    "dang_giai_quyet.qua_han",
    "tam_dung",
    "tra_lai",
    "rut",
    "ty_le.truc_tuyen.tu_so",
    "ty_le.truc_tuyen.mau_so",
    "ty_le.truc_tuyen.phan_tram",
    "ty_le.thanh_toan_truc_tuyen.tu_so",
    "ty_le.thanh_toan_truc_tuyen.mau_so",
    "ty_le.thanh_toan_truc_tuyen.phan_tram",
    "ty_le.so_hoa_dau_vao.tu_so",
    "ty_le.so_hoa_dau_vao.mau_so",
    "ty_le.so_hoa_dau_vao.phan_tram",
    "ty_le.so_hoa_dau_ra.tu_so",
    "ty_le.so_hoa_dau_ra.mau_so",
    "ty_le.so_hoa_dau_ra.phan_tram",
    "ty_le.dung_han.tu_so",
    "ty_le.dung_han.mau_so",
    "ty_le.dung_han.phan_tram",
];

/// A SUMMARY's cells in the order of [`SUMMARY_COLUMNS`]; empty where a
/// column is missing.
fn summary_values(s: &Summary) -> Vec<Cell> {
    let mut v: Vec<Cell> = vec![
        Cell::count(Some(s.tiep_nhan.tong)),
        Cell::count(Some(s.tiep_nhan.trong_ky)),
        Cell::count(s.tiep_nhan.truc_tuyen),
        Cell::count(s.tiep_nhan.truc_tiep),
        Cell::count(s.tiep_nhan.buu_chinh),
    ];
    v.extend(
        [
            s.tiep_nhan.ky_truoc,
            s.da_giai_quyet.tong,
            s.da_giai_quyet.truoc_han,
            s.da_giai_quyet.dung_han,
            s.da_giai_quyet.qua_han,
            s.dang_giai_quyet.tong,
            s.dang_giai_quyet.trong_han,
            s.dang_giai_quyet.qua_han,
            s.tam_dung,
            s.tra_lai,
            s.rut,
        ]
        .map(|n| Cell::count(Some(n))),
    );
    for kind in RatioKind::ALL {
        let ratio = s.ty_le.get(kind);
        v.push(Cell::count(ratio.tu_so));
        v.push(Cell::count(ratio.mau_so));
        v.push(
            ratio
                .phan_tram
                .map_or(Cell::Empty, |p| Cell::Fixed2(p.value())),
        );
    }
    v
}

/// The header of the table `--by` asks for.
fn table_header(by: By) -> Vec<&'static str> {
    let mut header: Vec<&str> = match by {
        By::DonVi => vec!["don_vi", "cap"],
        By::Cap => vec!["cap"],
        By::LinhVuc => vec!["linh_vuc"],
    };
    header.extend(SUMMARY_COLUMNS);
    header
}

/// The rows of the table `--by` asks for: a unit, a level or a field each.
fn table_rows(figures: &Figures, by: By) -> Box<dyn Iterator<Item = Vec<Cell>> + '_> {
    let row = |names: Vec<String>, s: &Summary| {
        let mut row: Vec<Cell> = names.into_iter().map(Cell::Text).collect();
        row.extend(summary_values(s));
        row
    };
    match by {
        By::DonVi => Box::new(figures.theo_don_vi.iter().map(move |u| {
            let names = vec![u.figures.don_vi.clone(), u.figures.cap.key().to_string()];
            row(names, &u.figures.summary)
        })),
        By::Cap => Box::new(
            figures
                .theo_cap
                .iter()
                .map(move |(level, s)| row(vec![level.key().to_string()], s)),
        ),
        By::LinhVuc => Box::new(
            figures
                .theo_linh_vuc
                .iter()
                .map(move |d| row(vec![d.linh_vuc.clone().unwrap_or_default()], &d.summary)),
        ),
    }
}

fn csv_text(figures: &Figures, by: By) -> Result<String, Failure> {
    let bad = |e: csv::Error| Failure::failed(format!("không tạo được CSV: {e}"));
    let mut w = excel_csv::writer(Vec::new()).map_err(|e| bad(e.into()))?;
    excel_csv::row(&mut w, table_header(by)).map_err(bad)?;
    for row in table_rows(figures, by) {
        excel_csv::row(&mut w, row.iter().map(Cell::csv)).map_err(bad)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Failure::failed(format!("không tạo được CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Failure::failed(e.to_string()))
}

/// The CSV's table as a workbook, stamped with the period's last day.
fn workbook(figures: &Figures, by: By, file: Option<&Path>) -> Result<Vec<u8>, Failure> {
    let file = file.map(|f| f.display().to_string()).unwrap_or_default();
    let bad = |e| Failure::failed(format!("không tạo được bảng tính số liệu {file}: {e}"));
    let mut book =
        TableBook::new("Số liệu", &table_header(by), figures.ky.end, "stats").map_err(bad)?;
    for row in table_rows(figures, by) {
        book.row(&row).map_err(bad)?;
    }
    book.finish().map_err(bad)
}

/// One ratio per unit as text bars, with the target as a mark.
fn chart_text(data: &Dataset, analysis: &Analysis, key: &str) -> Result<String, Failure> {
    let ratio = RatioKind::from_key(key).ok_or_else(|| {
        Failure::usage(format!(
            "--chart '{}': không có tỷ lệ này; dùng một trong: {}",
            crate::text::quote(key),
            RatioKind::keys()
        ))
    })?;
    let title = ratio.title();
    let bars = analysis
        .units
        .iter()
        .map(|u| chart::Bar {
            label: u.figures.don_vi.clone(),
            value: u.figures.summary.ty_le.get(ratio).percent(),
        })
        .collect();
    let target = analysis.targets.target(ratio);
    let c = chart::BarChart {
        title: format!("{title}, {}", data.reporting.short_label()),
        bars,
        target,
        target_label: target.map_or_else(String::new, |t| {
            format!("Chỉ tiêu {}", vn::percent(Some(t)))
        }),
    };
    Ok(chart::text(&c, terminal_width()))
}

fn pct(r: &Ratio) -> String {
    match (r.mau_so, r.phan_tram) {
        (Some(_), Some(p)) => vn::percent(Some(p.value())),
        (Some(0), None) => "–".to_string(),
        _ => "N/A".to_string(),
    }
}

fn cells(name: &str, s: &Summary) -> Vec<String> {
    let n = |x: u64| vn::int(x as i64);
    vec![
        name.to_string(),
        n(s.tiep_nhan.tong),
        n(s.da_giai_quyet.tong),
        n(s.dang_giai_quyet.tong + s.tam_dung),
        n(s.da_giai_quyet.qua_han + s.dang_giai_quyet.qua_han),
        pct(&s.ty_le.dung_han),
        pct(&s.ty_le.truc_tuyen),
        pct(&s.ty_le.thanh_toan_truc_tuyen),
        pct(&s.ty_le.so_hoa_dau_vao),
        pct(&s.ty_le.so_hoa_dau_ra),
    ]
}

fn table_text(data: &Dataset, figures: &Figures, by: By, on_stdout: bool) -> String {
    let first = match by {
        By::Cap => "Cấp",
        By::DonVi => "Đơn vị",
        By::LinhVuc => "Lĩnh vực",
    };
    let mut t = Table::new(vec![
        vec![first],
        vec!["Tiếp", "nhận"],
        vec!["Đã", "GQ"],
        vec!["Đang", "GQ"],
        vec!["Quá", "hạn"],
        vec!["Đúng", "hạn"],
        vec!["Trực", "tuyến"],
        vec!["TT trực", "tuyến"],
        vec!["Số hóa", "vào"],
        vec!["Số hóa", "ra"],
    ]);
    match by {
        By::Cap => {
            for (level, s) in figures.theo_cap.iter() {
                t.row(cells(level.label(), s));
            }
        }
        By::DonVi => {
            for (level, s) in figures.theo_cap.iter() {
                for u in figures
                    .theo_don_vi
                    .iter()
                    .filter(|u| u.figures.cap == level)
                {
                    t.row(cells(&u.figures.don_vi, &u.figures.summary));
                }
                t.row(cells(&format!("Cộng {}", level.label().to_lowercase()), s));
                t.rule();
            }
        }
        By::LinhVuc => {
            for d in &figures.theo_linh_vuc {
                t.row(cells(
                    d.linh_vuc.as_deref().unwrap_or("(không ghi lĩnh vực)"),
                    &d.summary,
                ));
            }
        }
    }
    if by != By::DonVi {
        t.rule();
    }
    t.row(cells("Tổng cộng", &figures.tong));
    let a = &figures.nhap_lieu;
    let mut s = format!(
        "Số liệu {} ({})\n\n",
        data.reporting.label(),
        data.reporting.current
    );
    s.push_str(&t.render(if on_stdout { stdout_width() } else { None }));
    s.push_str(
        "GQ: giải quyết · Đang GQ gồm cả tạm dừng · Quá hạn: đã GQ quá hạn và đang GQ quá hạn\n",
    );
    s.push_str("TT: thanh toán · N/A: dữ liệu xuất không có cột cần thiết\n");
    s.push_str(&format!(
        "\nĐã đọc {} dòng từ {} tệp: {} hồ sơ, {} dòng trùng đã gộp, {} hồ sơ chưa tiếp nhận, {} dòng lỗi bỏ qua{}.\n",
        vn::int(a.so_dong as i64),
        vn::int(a.tep as i64),
        vn::int(a.ho_so as i64),
        vn::int(a.trung_lap as i64),
        vn::int(a.chua_tiep_nhan as i64),
        vn::int(a.loi as i64),
        if a.bo_qua > 0 {
            format!(", {} dòng không phải hồ sơ", vn::int(a.bo_qua as i64))
        } else {
            String::new()
        },
    ));
    s
}
