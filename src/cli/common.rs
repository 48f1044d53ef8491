//! What the commands that read data share: global flags, input and period
//! flags, and reading the exports with their problems reported.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

pub use super::failure::{Code, Failure};
use super::output::Output;
use crate::config::Config;
use crate::dataset::Dataset;
use crate::figures::KeepRule;
use crate::input::{self, Encoding, FaultKind, Options, RowProblem};
use crate::period::{MonthArg, Reporting, Request};

#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Tuỳ chọn chung")]
pub struct Global {
    /// Tệp cấu hình (mặc định: ./cctthc.toml, rồi thư mục cấu hình của người dùng)
    #[arg(long, global = true, value_name = "TỆP")]
    pub config: Option<PathBuf>,
    /// Chỉ in lỗi
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// In thêm chi tiết về những gì đã đọc
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

#[derive(Clone, Debug, clap::Args)]
#[command(next_help_heading = "Dữ liệu vào")]
pub struct InputArgs {
    /// Tệp hoặc thư mục dữ liệu xuất (.csv, .xlsx, .xls, .ods, trang HTML lưu thành .xls, .json); dùng nhiều lần được. Mặc định: [nhap] duong_dan trong cctthc.toml
    #[arg(short = 'i', long = "input", value_name = "ĐƯỜNG_DẪN")]
    pub inputs: Vec<PathBuf>,
    /// Bảng mã của tệp văn bản: utf-8, utf-16, utf-16be, windows-1258 (mặc định: tự nhận)
    #[arg(long, value_name = "BẢNG_MÃ")]
    pub encoding: Option<String>,
    /// Trang tính của bảng tính .xlsx, .xls, .ods (mặc định: trang đầu tiên)
    #[arg(long, value_name = "TÊN")]
    pub sheet: Option<String>,
}

/// The output of the table commands (`stats`, `qua-han`, `chi-so`): text
/// for the terminal, JSON, CSV for Excel, a workbook (SPEC §13, to `-o`
/// only). The variants carry no doc comments: clap would show them to the
/// user, in English, in shell completions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    Table,
    Json,
    Csv,
    Xlsx,
}

#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Bỏ qua dòng lỗi")]
pub struct SkipArgs {
    /// Bỏ qua các dòng lỗi thay vì dừng; các dòng này được ghi vào tệp --rejects
    #[arg(long)]
    pub skip_invalid: bool,
    /// Tệp CSV ghi các dòng bị bỏ qua và lý do (mặc định: cạnh tệp kết quả)
    #[arg(long, value_name = "TỆP", requires = "skip_invalid")]
    pub rejects: Option<PathBuf>,
}

impl SkipArgs {
    /// What to do with invalid rows: stop, or leave them out and write
    /// them to `--rejects`, by default beside the output file `beside`
    /// (`X.dong-loi.csv`), else `cctthc-dong-loi.csv` (SPEC §9).
    pub fn mode(&self, beside: Option<&Path>) -> OnProblem<'static> {
        if !self.skip_invalid {
            return OnProblem::Stop;
        }
        let rejects = self.rejects.clone().unwrap_or_else(|| {
            beside.map_or_else(
                || PathBuf::from("cctthc-dong-loi.csv"),
                |p| p.with_extension("dong-loi.csv"),
            )
        });
        OnProblem::Skip { rejects }
    }
}

#[derive(Debug, Default, clap::Args)]
#[command(next_help_heading = "Kỳ báo cáo")]
pub struct PeriodArgs {
    /// Tháng báo cáo: 1–12, hoặc 'prev' (tháng trước tháng hiện tại). Mặc định: tháng trước
    #[arg(long, value_name = "THÁNG")]
    pub month: Option<MonthArg>,
    /// Năm (mặc định: năm gần nhất mà tháng, quý hay nửa năm đó đã bắt đầu)
    #[arg(long, value_name = "NĂM")]
    pub year: Option<i32>,
    /// Quý: 1–4
    #[arg(long, value_name = "QUÝ", conflicts_with_all = ["month", "half", "from", "to"])]
    pub quarter: Option<u32>,
    /// Nửa năm: 1 (6 tháng đầu) hoặc 2 (6 tháng cuối)
    #[arg(long, value_name = "1|2", conflicts_with_all = ["month", "from", "to"])]
    pub half: Option<u32>,
    /// Từ ngày (dd/mm/yyyy hoặc yyyy-mm-dd), tính cả ngày này
    #[arg(long, value_name = "NGÀY", value_parser = parse_day, requires = "to", conflicts_with_all = ["month", "year"])]
    pub from: Option<NaiveDate>,
    /// Đến ngày (dd/mm/yyyy hoặc yyyy-mm-dd), tính cả ngày này
    #[arg(long, value_name = "NGÀY", value_parser = parse_day, requires = "from")]
    pub to: Option<NaiveDate>,
    /// Ngày chốt số liệu (1–28): tháng M tính từ ngày này của tháng M-1 đến hết ngày trước đó của tháng M. Mặc định: [ky_bao_cao] ngay_chot, hoặc cả tháng
    #[arg(long, value_name = "NGÀY")]
    pub cutoff: Option<u32>,
}

/// A day on the command line: `dd/mm/yyyy`, `d/m/yyyy` or `yyyy-mm-dd`.
pub fn parse_day(s: &str) -> Result<NaiveDate, String> {
    match input::values::date(s) {
        Ok(Some(d)) => Ok(d),
        _ => Err(format!(
            "ngày '{}' không hợp lệ (cần dd/mm/yyyy hoặc yyyy-mm-dd)",
            crate::text::quote(s)
        )),
    }
}

/// Config and today's date, for one run.
pub struct Session {
    pub config: Config,
    pub today: NaiveDate,
}

impl Session {
    pub fn start(global: &Global) -> Result<Session, Failure> {
        let config = Config::find(global.config.as_deref())?;
        Ok(Session {
            config,
            today: today(),
        })
    }

    /// The files to read: `-i`, else `[nhap] duong_dan`, and those of
    /// their folders that are not read.
    pub fn files(&self, args: &InputArgs) -> Result<input::Expanded, Failure> {
        let inputs = if args.inputs.is_empty() {
            self.config.input_paths()
        } else {
            args.inputs.clone()
        };
        if inputs.is_empty() {
            return Err(Failure::usage(
                "chưa có dữ liệu vào: dùng -i <tệp hoặc thư mục>, hoặc khai báo [nhap] duong_dan trong cctthc.toml",
            ));
        }
        let mut expanded = input::expand(&inputs)?;
        // Found in an input folder, the config and the file this run's
        // stdout goes to (`stats > so-lieu.csv`) are not exports. Named
        // with -i, they are refused later, as any output that is an input.
        let own: Vec<(crate::atomic::FileId, &str)> = [
            self.config
                .path
                .as_deref()
                .map(|p| (crate::atomic::FileId::of(p), "tệp cấu hình của cctthc")),
            crate::atomic::FileId::stdout()
                .map(|id| (id, "tệp mà lần chạy này đang ghi kết quả vào")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !own.is_empty() {
            let mut kept = Vec::new();
            for file in std::mem::take(&mut expanded.files) {
                let id = crate::atomic::FileId::of(&file);
                match own.iter().find(|(o, _)| o.same(&id)) {
                    Some((_, what)) if !inputs.contains(&file) => {
                        expanded.passed_over.push((file, what.to_string()));
                    }
                    _ => kept.push(file),
                }
            }
            expanded.files = kept;
        }
        if expanded.files.is_empty()
            && let Some(folder) = inputs.iter().find(|p| p.is_dir())
        {
            return Err(input::Error::EmptyFolder {
                path: folder.clone(),
                passed_over: expanded.passed_over,
            }
            .into());
        }
        Ok(expanded)
    }

    pub fn options(&self, args: &InputArgs) -> Result<Options, Failure> {
        let encoding = match &args.encoding {
            Some(name) => Some(Encoding::from_name(name).ok_or_else(|| {
                Failure::usage(format!(
                    "bảng mã '{}' không được hỗ trợ (dùng {})",
                    crate::text::quote(name),
                    Encoding::NAMES
                ))
            })?),
            None => self.config.encoding(),
        };
        let (dates, values) = self.config.input_rules();
        Ok(Options {
            encoding,
            sheet: args
                .sheet
                .clone()
                .or_else(|| self.config.nhap.trang_tinh.clone()),
            headers: self.config.header_rules(),
            statuses: self.config.status_rules(),
            dates,
            values,
        })
    }

    pub fn reporting(&self, args: &PeriodArgs) -> Result<Reporting, Failure> {
        let request = Request {
            month: args.month,
            year: args.year,
            quarter: args.quarter,
            half: args.half,
            from: args.from,
            to: args.to,
            cutoff: args.cutoff.or(self.config.ky_bao_cao.ngay_chot),
        };
        Ok(request.resolve(self.today)?)
    }
}

/// Today, or `CCTTHC_TODAY` (yyyy-mm-dd) so tests and reruns are exact.
pub fn today() -> NaiveDate {
    std::env::var("CCTTHC_TODAY")
        .ok()
        .and_then(|s| input::values::date(&s).ok().flatten())
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// What to do with invalid rows.
pub enum OnProblem<'a> {
    /// Stop with exit 3 after reading, showing the first few.
    Stop,
    /// Leave them out, writing each with its reason to a file.
    Skip { rejects: PathBuf },
    /// Print every one to stdout as it is found (`check`).
    List(&'a mut dyn std::io::Write),
    /// Hand every one to a function, and go on (`check --goi-y`).
    Each(&'a mut dyn FnMut(&RowProblem)),
}

/// How many problem lines are shown before only counting.
pub const SHOWN_PROBLEMS: usize = 20;

/// The problems of a read, counted by kind.
#[derive(Default)]
pub struct Problems {
    pub rows: u64,
    pub faults: u64,
    pub by_kind: BTreeMap<FaultKind, u64>,
    pub shown: Vec<String>,
}

impl Problems {
    fn add(&mut self, p: &RowProblem) {
        self.rows += 1;
        for f in &p.faults {
            self.faults += 1;
            *self.by_kind.entry(f.kind).or_default() += 1;
        }
        for line in p.lines() {
            if self.shown.len() < SHOWN_PROBLEMS {
                self.shown.push(line);
            }
        }
    }

    /// The count by kind, one line each.
    pub fn kinds(&self) -> Vec<String> {
        self.by_kind
            .iter()
            .map(|(k, n)| format!("  {}: {}", k.label(), crate::vn::int(*n as i64)))
            .collect()
    }
}

/// The dossiers a command keeps whole, with their texts; the others are
/// only counted. Kept dossiers are the one thing that grows with the rows,
/// so a command keeps only what it shows.
pub enum Keep {
    /// Those late in the period, for the lists of a report.
    Late,
    Only(KeepRule),
    Nothing,
}

/// The files a run writes, and those other than the inputs it reads (the
/// template): before anything is written, an output that is the same file
/// as an input, the template, the config or another output is refused
/// (SPEC §8), however the two paths are spelled.
#[derive(Default)]
pub struct Files {
    reads: Vec<(&'static str, PathBuf)>,
    writes: Vec<(&'static str, PathBuf)>,
    stdout: Option<crate::atomic::FileId>,
}

impl Files {
    pub fn new() -> Files {
        Files::default()
    }

    /// A file the run reads, with what it is (`mẫu`).
    pub fn reads(mut self, what: &'static str, path: impl Into<PathBuf>) -> Files {
        self.reads.push((what, path.into()));
        self
    }

    /// A file the run writes, with what it is (`báo cáo`).
    pub fn writes(mut self, what: &'static str, path: impl Into<PathBuf>) -> Files {
        self.writes.push((what, path.into()));
        self
    }

    /// stdout, when it goes to a file: the shell has emptied it already,
    /// but it must not be read as an input it was.
    fn writes_stdout(mut self) -> Files {
        self.stdout = crate::atomic::FileId::stdout();
        self
    }

    /// A usage error naming both files when an output is one of them.
    pub fn check(&self) -> Result<(), Failure> {
        use crate::atomic::FileId;
        let reads: Vec<FileId> = self.reads.iter().map(|(_, p)| FileId::of(p)).collect();
        let writes: Vec<FileId> = self.writes.iter().map(|(_, p)| FileId::of(p)).collect();
        if let Some(out) = &self.stdout
            && let Some(r) = reads.iter().position(|r| r.same(out))
        {
            let (what, path) = &self.reads[r];
            return Err(Failure::usage(format!(
                "kết quả in ra (stdout) đang được ghi vào {what} {}: tệp đó đã bị xoá trắng khi chuyển hướng (>); chọn tệp khác để ghi kết quả",
                path.display()
            )));
        }
        for (i, (what, path)) in self.writes.iter().enumerate() {
            let read = reads.iter().position(|r| r.same(&writes[i]));
            let other = || writes[..i].iter().position(|w| w.same(&writes[i]));
            let clash = match (read, other()) {
                (Some(r), _) => &self.reads[r],
                (None, Some(w)) => &self.writes[w],
                (None, None) => continue,
            };
            return Err(Failure::usage(format!(
                "{what} {} là cùng một tệp với {} {}: không ghi gì, để khỏi ghi đè lên nó; chọn tệp ra khác",
                path.display(),
                clash.0,
                clash.1.display()
            )));
        }
        Ok(())
    }
}

/// Reads the exports for `reporting`, handling invalid rows as `mode` says.
///
/// `planned` holds the other files of the run; they are checked with the
/// inputs and the rejects file before anything is read or written.
pub fn read(
    session: &Session,
    input: &InputArgs,
    reporting: Reporting,
    keep: Keep,
    mode: OnProblem<'_>,
    planned: Files,
    out: &Output,
) -> Result<(Dataset, Problems), Failure> {
    let input::Expanded { files, passed_over } = session.files(input)?;
    check_files(session, &files, &mode, planned)?;
    if !passed_over.is_empty() {
        let names: Vec<String> = passed_over
            .iter()
            .map(|(p, why)| format!("{} ({why})", p.display()))
            .collect();
        out.warn(&format!(
            "không đọc {} tệp không phải dữ liệu xuất: {}",
            passed_over.len(),
            names.join("; ")
        ));
    }
    let options = session.options(input)?;
    let units = session.config.unit_rules().map_err(Failure::usage)?;
    for f in &files {
        out.detail(&format!("đọc {}", f.display()));
    }
    let keep = match keep {
        Keep::Late => Some(crate::figures::due::late_in(reporting.current)),
        Keep::Only(rule) => Some(rule),
        Keep::Nothing => None,
    };
    let stop = matches!(mode, OnProblem::Stop);
    let (mut list, mut each, rejects) = match mode {
        OnProblem::Stop => (None, None, None),
        OnProblem::List(w) => (Some(w), None, None),
        OnProblem::Each(f) => (None, Some(f), None),
        OnProblem::Skip { rejects } => (None, None, Some(rejects)),
    };
    let mut file = rejects.as_deref().map(Rejects::new);
    let mut problems = Problems::default();
    let mut write_error: Option<std::io::Error> = None;
    let progress = Progress::new(out);
    let counting = session.config.counting().map_err(Failure::usage)?;
    let mut data = Dataset::read(
        &files,
        &options,
        &units,
        reporting,
        keep,
        &mut |p| {
            problems.add(&p);
            if let Some(w) = list.as_mut() {
                for line in p.lines() {
                    if let Err(e) = writeln!(w, "{line}") {
                        write_error.get_or_insert(e);
                    }
                }
            }
            if let Some(f) = each.as_mut() {
                f(&p);
            }
            if let Some(file) = file.as_mut() {
                file.add(&p);
            }
        },
        &mut |n| progress.update(n),
    )?;
    data.tally.set_counting(counting);
    if let (Some(file), Some(rejects)) = (file, &rejects) {
        skipped_rows(file, rejects, &problems, out)?;
    }
    progress.finish();
    if let Some(e) = write_error {
        super::output::written(Err(e))?;
    }
    describe_files(&data, out);
    out.phase("đọc");
    if stop {
        fail_on_problems(&problems, out)?;
    }
    Ok((data, problems))
}

/// Checks that no output of the run is one of its inputs, its config or
/// another output, before anything is read or written (SPEC §8).
fn check_files(
    session: &Session,
    files: &[PathBuf],
    mode: &OnProblem<'_>,
    planned: Files,
) -> Result<(), Failure> {
    let mut planned = planned;
    if let Some(config) = &session.config.path {
        planned = planned.reads("tệp cấu hình", config);
    }
    for f in files {
        planned = planned.reads("dữ liệu vào", f);
    }
    if let OnProblem::Skip { rejects } = mode {
        planned = planned.writes("tệp dòng lỗi", rejects);
    }
    planned.writes_stdout().check()
}

/// The rejects file written when rows were left out, and what was left
/// out said by kind.
fn skipped_rows(
    file: Rejects,
    rejects: &Path,
    problems: &Problems,
    out: &Output,
) -> Result<(), Failure> {
    if problems.rows == 0 {
        return Ok(());
    }
    file.commit()?;
    out.warn(&format!(
        "đã bỏ qua {} dòng lỗi; chi tiết từng dòng trong {}",
        crate::vn::int(problems.rows as i64),
        rejects.display()
    ));
    for line in problems.kinds() {
        out.info(&line);
    }
    Ok(())
}

/// How each file was read, for `--verbose`.
fn describe_files(data: &Dataset, out: &Output) {
    for file in &data.files {
        let kind = file.kind.map_or("", |k| k.label());
        let encoding = file
            .header
            .as_ref()
            .and_then(|h| h.encoding)
            .map(|e| format!(", bảng mã {e}"))
            .unwrap_or_default();
        out.detail(&format!("{}: đọc như {kind}{encoding}", file.name));
        if !file.missing.is_empty() {
            let names: Vec<&str> = file.missing.iter().map(|f| f.name()).collect();
            out.detail(&format!("{}: không có cột {}", file.name, names.join(", ")));
        }
    }
}

/// Stops with exit 3 when rows were invalid and not skipped.
fn fail_on_problems(problems: &Problems, out: &Output) -> Result<(), Failure> {
    if problems.rows == 0 {
        return Ok(());
    }
    for line in &problems.shown {
        out.problem(line);
    }
    if problems.faults as usize > problems.shown.len() {
        out.problem(&format!(
            "… và {} lỗi khác. Theo loại:",
            crate::vn::int(problems.faults as i64 - problems.shown.len() as i64)
        ));
        for line in problems.kinds() {
            out.problem(&line);
        }
    }
    Err(Failure {
        code: Code::InvalidRows,
        message: format!(
            "{} dòng dữ liệu không hợp lệ. Sửa tệp xuất, hoặc dùng --skip-invalid để bỏ qua các dòng này (chúng được ghi vào tệp --rejects).",
            crate::vn::int(problems.rows as i64)
        ),
    })
}

/// The rejects file, written as problems come: one row per fault with the
/// row's cells after it. Created on the first problem, so a clean run
/// leaves an earlier rejects file alone.
struct Rejects {
    path: PathBuf,
    file: Option<csv::Writer<crate::atomic::Pending>>,
    error: Option<std::io::Error>,
}

impl Rejects {
    fn new(path: &Path) -> Rejects {
        Rejects {
            path: path.to_path_buf(),
            file: None,
            error: None,
        }
    }

    fn add(&mut self, row: &RowProblem) {
        if self.error.is_some() {
            return;
        }
        if let Err(e) = self.try_add(row) {
            self.error = Some(e);
        }
    }

    fn try_add(&mut self, row: &RowProblem) -> std::io::Result<()> {
        let w = match &mut self.file {
            Some(w) => w,
            None => {
                let pending = crate::atomic::Pending::create(&self.path)?;
                let mut w = super::excel_csv::writer(pending)?;
                // The header `input` knows as a rejects file, never read back.
                super::excel_csv::row(&mut w, crate::input::kind::REJECTS_HEADER)?;
                self.file.insert(w)
            }
        };
        let line = row.line.to_string();
        let content = row.cells.join(" | ");
        for f in &row.faults {
            super::excel_csv::row(
                w,
                [&*row.file, &line, &f.field, &f.value, &f.reason, &content],
            )?;
        }
        Ok(())
    }

    fn commit(self) -> Result<(), Failure> {
        let fail = |e: std::io::Error| {
            Failure::failed(format!(
                "không ghi được tệp dòng lỗi {}: {}",
                self.path.display(),
                crate::atomic::describe(&e)
            ))
        };
        if let Some(e) = self.error {
            return Err(fail(e));
        }
        match self.file {
            Some(w) => w
                .into_inner()
                .map_err(|e| fail(e.into_error()))?
                .commit()
                .map_err(fail),
            None => Ok(()),
        }
    }
}

/// A spinner on stderr for reads that take more than a second, only on a
/// terminal and never with `--quiet`.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    start: std::time::Instant,
    shown: std::cell::Cell<bool>,
}

impl Progress {
    fn new(out: &Output) -> Progress {
        use std::io::IsTerminal;
        let bar = (std::io::stderr().is_terminal() && !out.quiet()).then(|| {
            let bar = indicatif::ProgressBar::hidden();
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{spinner} đã đọc {msg} dòng ({elapsed})")
            {
                bar.set_style(style);
            }
            bar
        });
        Progress {
            bar,
            start: std::time::Instant::now(),
            shown: std::cell::Cell::new(false),
        }
    }

    fn update(&self, rows: u64) {
        let Some(bar) = &self.bar else { return };
        if !self.shown.get() {
            if self.start.elapsed() < std::time::Duration::from_secs(1) {
                return;
            }
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            self.shown.set(true);
        }
        bar.set_message(crate::vn::int(rows as i64));
        bar.tick();
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
