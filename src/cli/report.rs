//! `cctthc report`: the report of a period, as a .docx filled from a
//! template (or as text, Markdown, the JSON context or a workbook of the
//! figures), written atomically.

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};

use super::common::{self, Failure, Global, InputArgs, Keep, PeriodArgs, Session, SkipArgs};
use super::output::Output;
use crate::dataset::Dataset;
use crate::docx::Template;
use crate::period::{Reporting, Span};
use crate::report::analysis::{Analysis, Targets};
use crate::report::render::{self, Format};
use crate::report::{Context, templates, workbook};
use crate::vn;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    period: PeriodArgs,
    #[command(flatten)]
    skip: SkipArgs,
    /// Mẫu báo cáo: tệp .docx, hoặc tên mẫu có sẵn (bao-cao-thang). Mặc định: [xuat] mau, hoặc bao-cao-thang
    #[arg(short = 't', long, value_name = "MẪU", help_heading = "Đầu ra")]
    template: Option<String>,
    /// Tệp kết quả. Mặc định: theo [xuat] tep, hoặc BC-CCTTHC-<năm>-<tháng>.docx (.xlsx với --format xlsx)
    #[arg(short = 'o', long, value_name = "TỆP", help_heading = "Đầu ra")]
    output: Option<PathBuf>,
    /// Dạng kết quả: docx, text, md, json (ngữ cảnh của mẫu), xlsx (bảng tính Excel: Biểu 06, tỷ lệ, hồ sơ quá hạn). Mặc định: theo đuôi tệp -o, hoặc docx
    #[arg(
        long,
        value_enum,
        value_name = "DẠNG",
        hide_possible_values = true,
        help_heading = "Đầu ra"
    )]
    format: Option<FormatArg>,
    /// Chỉ lấy số liệu của một đơn vị (công văn gửi một xã): tên đơn vị như trong dữ liệu
    #[arg(long, value_name = "TÊN", help_heading = "Đầu ra")]
    don_vi: Option<String>,
    /// Ngày lập báo cáo (dd/mm/yyyy). Mặc định: hôm nay
    #[arg(long, value_name = "NGÀY", value_parser = common::parse_day, help_heading = "Đầu ra")]
    date: Option<NaiveDate>,
    /// Files dropped on the program (cli/desktop.rs): without `-o`, the
    /// report goes beside the first input, under its default name.
    #[arg(long, hide = true)]
    beside_input: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum FormatArg {
    Docx,
    Text,
    Md,
    Json,
    Xlsx,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Docx => Format::Docx,
            FormatArg::Text => Format::Text,
            FormatArg::Md => Format::Markdown,
            FormatArg::Json => Format::Json,
            FormatArg::Xlsx => Format::Xlsx,
        }
    }
}

/// The report's file name when `[xuat] tep` gives none.
const DEFAULT_NAME: &str = "BC-CCTTHC-{ky}.docx";

/// Where the report goes.
enum Destination {
    File(PathBuf),
    Stdout,
}

pub fn run(global: &Global, args: &Args, out: &Output) -> Result<(), Failure> {
    let session = Session::start(global)?;
    let reporting = session.reporting(&args.period)?;
    let format = pick_format(&session, args);
    let destination = destination(&session, args, &reporting, format)?;
    let template = template_for(&session, args, format, out)?;
    let mut planned = common::Files::new();
    if let Some((_, Some(file))) = &template {
        planned = planned.reads("mẫu", file);
    }
    if let Destination::File(path) = &destination {
        planned = planned.writes("báo cáo", path);
    }
    let mode = args.skip.mode(match &destination {
        Destination::File(p) => Some(p.as_path()),
        Destination::Stdout => None,
    });
    let (data, _) = common::read(
        &session,
        &args.input,
        reporting,
        Keep::Late,
        mode,
        planned,
        out,
    )?;
    let date = args.date.unwrap_or(session.today);
    let unit = match &args.don_vi {
        Some(name) => Some(find_unit(&data, name)?),
        None => None,
    };
    let analysis = Analysis::new(&data, Targets::from_config(&session.config));
    let context = Context::new(&data, &analysis, &session.config, date, unit);
    out.phase("phân tích");
    let bytes = match &template {
        Some((template, _)) => render_with(template, &context, format)?,
        None => workbook::report(&context).map_err(|e| {
            let file = match &destination {
                Destination::File(path) => path.display().to_string(),
                Destination::Stdout => "-".to_string(),
            };
            Failure::failed(format!("không tạo được bảng tính báo cáo {file}: {e}"))
        })?,
    };
    out.phase("tạo");
    let count = context.ky_nay.tong.tiep_nhan.tong;
    match destination {
        Destination::Stdout => super::output::print(&bytes)?,
        Destination::File(path) => {
            write_report(&path, &bytes)?;
            out.phase("ghi");
            let period = match data.reporting.span {
                Span::Range => data.reporting.label(),
                _ => format!("{} ({})", data.reporting.label(), data.reporting.current),
            };
            out.info(&format!(
                "Đã ghi {} — {period}, {} hồ sơ.",
                path.display(),
                vn::int(count as i64)
            ));
        }
    }
    Ok(())
}

/// The template and its file, or none for a workbook, which is made from
/// the figures alone.
fn template_for(
    session: &Session,
    args: &Args,
    format: Format,
    out: &Output,
) -> Result<Option<(Template, Option<PathBuf>)>, Failure> {
    if format != Format::Xlsx {
        return load_template_file(session, args.template.as_deref()).map(Some);
    }
    if args.template.is_some() {
        out.warn("bảng tính (--format xlsx) không dùng mẫu: bỏ qua --template");
    }
    Ok(None)
}

/// `-o`, else stdout for the text formats, else the default file.
fn destination(
    session: &Session,
    args: &Args,
    reporting: &Reporting,
    format: Format,
) -> Result<Destination, Failure> {
    if format == Format::Xlsx && args.output.is_some() {
        super::output::workbook_file(args.output.as_deref())?;
    }
    Ok(match &args.output {
        Some(o) if o.as_os_str() == "-" => Destination::Stdout,
        Some(o) => Destination::File(o.clone()),
        None if !matches!(format, Format::Docx | Format::Xlsx) => Destination::Stdout,
        None if args.beside_input => {
            Destination::File(beside_input(session, args, reporting, format)?)
        }
        None => Destination::File(default_output(session, reporting, format)?),
    })
}

/// The default file name (`[xuat] tep`'s, without its folders) in the
/// folder of the first input, where a clerk who dropped files looks.
fn beside_input(
    session: &Session,
    args: &Args,
    reporting: &Reporting,
    format: Format,
) -> Result<PathBuf, Failure> {
    let pattern = session.config.xuat.tep.as_deref().unwrap_or(DEFAULT_NAME);
    let name = fill_pattern(pattern, reporting)?;
    let mut file = PathBuf::from(Path::new(&name).file_name().unwrap_or(name.as_ref()));
    if format == Format::Xlsx {
        file.set_extension("xlsx");
    }
    let folder = args
        .input
        .inputs
        .first()
        .and_then(|first| first.parent())
        .unwrap_or(Path::new(""));
    Ok(folder.join(file))
}

/// `--format`, else what `-o` ends with, else a workbook when `[xuat] tep`
/// names one, else docx.
fn pick_format(session: &Session, args: &Args) -> Format {
    match (args.format, &args.output) {
        (Some(f), _) => f.into(),
        (None, Some(o)) => Format::from_extension(o).unwrap_or(Format::Docx),
        (None, None) => match session.config.xuat.tep.as_deref().map(Path::new) {
            Some(tep) if Format::from_extension(tep) == Some(Format::Xlsx) => Format::Xlsx,
            _ => Format::Docx,
        },
    }
}

/// The report filled from `template`, its errors said in full.
fn render_with(template: &Template, context: &Context, format: Format) -> Result<Vec<u8>, Failure> {
    render::render(template, context, format).map_err(|e| match e {
        render::Error::Template(errors) => Failure::failed(format!(
            "mẫu {} có {} lỗi:\n{}",
            template.name(),
            errors.problems.len(),
            errors
        )),
        other => Failure::failed(other.to_string()),
    })
}

/// The unit `name` names, or a usage error listing the closest names.
pub fn find_unit(data: &Dataset, name: &str) -> Result<crate::input::UnitId, Failure> {
    if let Some(id) = data.names.find(name) {
        return Ok(id);
    }
    let wanted = crate::text::fold(name);
    let mut close: Vec<&str> = data
        .names
        .units()
        .filter(|u| {
            let f = crate::text::fold(u);
            f.contains(&wanted) || wanted.contains(&f)
        })
        .collect();
    if close.is_empty() {
        close = data.names.units().collect();
    }
    close.sort_by(|a, b| crate::text::vi_cmp(a, b));
    close.truncate(10);
    let close: Vec<_> = close.into_iter().map(crate::text::quote).collect();
    Err(Failure::usage(format!(
        "không có đơn vị '{}' trong dữ liệu; các đơn vị gần nhất: {}",
        crate::text::quote(name),
        close.join("; ")
    )))
}

fn write_report(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        return Err(Failure::failed(format!(
            "không ghi được {}: thư mục {} không tồn tại",
            path.display(),
            dir.display()
        )));
    }
    crate::atomic::write_bytes(path, bytes).map_err(|e| {
        Failure::failed(format!(
            "không ghi được {}: {} (báo cáo cũ, nếu có, vẫn giữ nguyên)",
            path.display(),
            crate::atomic::describe(&e)
        ))
    })
}

/// `--template`, else `[xuat] mau`, else the built-in monthly report.
pub fn load_template(session: &Session, wanted: Option<&str>) -> Result<Template, Failure> {
    load_template_file(session, wanted).map(|(t, _)| t)
}

/// The template, and the file it was read from when it is not built in.
pub fn load_template_file(
    session: &Session,
    wanted: Option<&str>,
) -> Result<(Template, Option<PathBuf>), Failure> {
    let mut file = None;
    let (name, bytes): (String, Vec<u8>) = match wanted {
        Some(w) => {
            let path = Path::new(w);
            if path.is_file() {
                file = Some(path.to_path_buf());
                (w.to_string(), read_template(path)?)
            } else if let Some(b) = templates::find(w) {
                (b.file.to_string(), b.bytes.to_vec())
            } else {
                let names: Vec<&str> = templates::BUILTIN.iter().map(|b| b.name).collect();
                return Err(Failure::failed(format!(
                    "không tìm thấy mẫu '{}': không có tệp này, và mẫu có sẵn là: {}",
                    crate::text::quote(w),
                    names.join(", ")
                )));
            }
        }
        None => match &session.config.xuat.mau {
            Some(m) => {
                let path = session.config.resolve(m);
                match templates::find(m) {
                    Some(b) if !path.is_file() => (b.file.to_string(), b.bytes.to_vec()),
                    _ => {
                        let bytes = read_template(&path)?;
                        let name = path.display().to_string();
                        file = Some(path);
                        (name, bytes)
                    }
                }
            }
            None => {
                let b = templates::find(templates::DEFAULT)
                    .ok_or_else(|| Failure::failed("thiếu mẫu mặc định"))?;
                (b.file.to_string(), b.bytes.to_vec())
            }
        },
    };
    let template =
        Template::from_bytes(&name, &bytes).map_err(|e| Failure::failed(e.to_string()))?;
    Ok((template, file))
}

fn read_template(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path)
        .map_err(|e| Failure::failed(format!("không đọc được mẫu {}: {e}", path.display())))
}

/// `[xuat] tep` with its placeholders filled, else `BC-CCTTHC-…docx`; a
/// workbook's name ends in `.xlsx` whatever the pattern's does.
fn default_output(
    session: &Session,
    reporting: &Reporting,
    format: Format,
) -> Result<PathBuf, Failure> {
    let pattern = session
        .config
        .xuat
        .tep
        .clone()
        .unwrap_or_else(|| DEFAULT_NAME.to_string());
    let name = fill_pattern(&pattern, reporting)?;
    let mut path = session.config.resolve(&name);
    if format == Format::Xlsx {
        path.set_extension("xlsx");
    }
    // The folders of a configured pattern are the user's layout: make them.
    if session.config.xuat.tep.is_some()
        && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).map_err(|e| {
            Failure::failed(format!("không tạo được thư mục {}: {e}", dir.display()))
        })?;
    }
    Ok(path)
}

/// Fills `{nam}`, `{thang}`, `{quy}`, `{ky}`, `{tu_ngay}`, `{den_ngay}`.
pub fn fill_pattern(pattern: &str, reporting: &Reporting) -> Result<String, Failure> {
    let end = reporting.current.end;
    let (month, quarter) = match reporting.span {
        Span::Month { month, .. } => (format!("{month:02}"), month.div_ceil(3).to_string()),
        Span::Quarter { quarter, .. } => (format!("{:02}", quarter * 3), quarter.to_string()),
        Span::Half { half, .. } => (format!("{:02}", half * 6), (half * 2).to_string()),
        _ => (
            format!("{:02}", end.month()),
            end.month().div_ceil(3).to_string(),
        ),
    };
    let ky = match reporting.span {
        Span::Month { year, month } => format!("{year}-{month:02}"),
        Span::Quarter { year, quarter } => format!("{year}-Q{quarter}"),
        Span::Half { year, half } => format!("{year}-H{half}"),
        Span::Year { year } => format!("{year}"),
        Span::Range => format!(
            "{}_{}",
            reporting.current.start.format("%Y-%m-%d"),
            end.format("%Y-%m-%d")
        ),
    };
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| Failure::usage(format!("[xuat] tep = \"{pattern}\": thiếu dấu }}")))?;
        let value = match &after[..close] {
            "nam" => reporting.year.to_string(),
            "thang" => month.clone(),
            "quy" => quarter.clone(),
            "ky" => ky.clone(),
            "tu_ngay" => reporting.current.start.format("%Y-%m-%d").to_string(),
            "den_ngay" => end.format("%Y-%m-%d").to_string(),
            other => {
                return Err(Failure::usage(format!(
                    "[xuat] tep = \"{pattern}\": không biết {{{other}}} (dùng {{nam}}, {{thang}}, {{quy}}, {{ky}}, {{tu_ngay}}, {{den_ngay}})"
                )));
            }
        };
        out.push_str(&value);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}
