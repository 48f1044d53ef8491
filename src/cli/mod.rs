//! The command line: one file per command, shared flags in [`common`].
//!
//! Help and messages are Vietnamese, flags English. Diagnostics go to
//! stderr; stdout carries only what was asked for.

mod check;
mod chi_so;
mod common;
mod desktop;
mod excel_csv;
mod failure;
mod output;
mod overdue;
mod report;
mod shell;
mod stats;
mod table;
mod template;

use std::ffi::OsString;
use std::io::Write;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use common::Global;
pub use failure::Failure;

const EXAMPLES: &str = "\
Ví dụ:
  cctthc report --month 11              Viết báo cáo tháng 11 (.docx)
  cctthc stats --month 11 --by don_vi   Xem số liệu từng đơn vị
  cctthc check -i du-lieu/              Kiểm tra dữ liệu xuất từ phần mềm Một cửa
  cctthc chi-so --month 11              Chỉ số 766 ước tính, xếp hạng đơn vị

Hướng dẫn đầy đủ: README.md (trên Windows: HUONG-DAN.txt); tham chiếu: docs/tham-chieu.md.";

/// Thống kê và báo cáo cải cách thủ tục hành chính (CCTTHC) từ dữ liệu xuất
/// của phần mềm Một cửa.
#[derive(Debug, Parser)]
#[command(
    name = "cctthc",
    version,
    about = "Thống kê và báo cáo cải cách thủ tục hành chính (CCTTHC) từ dữ liệu xuất của phần mềm Một cửa",
    after_help = EXAMPLES,
    help_template = "{about}\n\nCách dùng: {usage}\n\n{all-args}{after-help}",
    subcommand_help_heading = "Lệnh",
    subcommand_value_name = "LỆNH",
    disable_help_subcommand = true,
    disable_help_flag = true,
    disable_version_flag = true
)]
pub struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Viết báo cáo (.docx theo mẫu, hoặc văn bản, Markdown, JSON)
    #[command(
        after_help = "Ví dụ:\n  cctthc report --month 11\n  cctthc report --month 11 --year 2023 -o bao-cao-11.docx\n  cctthc report --quarter 4 --template mau/bao-cao-quy.docx\n  cctthc report --month prev --format md"
    )]
    Report(report::Args),
    /// Tính số liệu và in ra màn hình (bảng), JSON hoặc CSV
    #[command(
        after_help = "Ví dụ:\n  cctthc stats --month 11 --by don_vi\n  cctthc stats --from 23/10/2023 --to 22/11/2023 -i du-lieu/ --format json"
    )]
    Stats(stats::Args),
    /// Kiểm tra dữ liệu xuất: đếm từng dòng, liệt kê mọi lỗi; không ghi gì
    #[command(
        after_help = "Ví dụ:\n  cctthc check -i du-lieu/\n  cctthc check -i ho-so-thang-11.xlsx --month 11"
    )]
    Check(check::Args),
    /// Danh sách hồ sơ quá hạn và sắp đến hạn tại một ngày, theo đơn vị
    #[command(
        name = "qua-han",
        alias = "overdue",
        after_help = "Ví dụ:\n  cctthc qua-han\n  cctthc qua-han --ngay 30/06/2024 --trong 3 --format csv -o qua-han.csv\n  cctthc qua-han --fail-if-any -q || gui-canh-bao"
    )]
    QuaHan(overdue::Args),
    /// Chỉ số 766 ước tính (QĐ 766/QĐ-TTg) của từng đơn vị, xếp hạng; hồ sơ làm giảm điểm
    #[command(
        name = "chi-so",
        after_help = "Ví dụ:\n  cctthc chi-so --month 11\n  cctthc chi-so --quarter 4 --by cap\n  cctthc chi-so --month 11 --ho-so tien_do\n  cctthc chi-so --month 11 --ho-so so_hoa --format csv -o so-hoa.csv\n\nChỉ số tính được: tien_do (20 điểm), truc_tuyen (6), thanh_toan (6), ket_qua_dien_tu (6), so_hoa (4), hai_long (6): 48 trên 100 điểm; điểm và ngưỡng đổi trong [chi_so_766] của cctthc.toml."
    )]
    ChiSo(chi_so::Args),
    /// Mẫu báo cáo: ghi mẫu có sẵn ra để sửa, kiểm tra một mẫu
    Template(template::Args),
    /// In đoạn mã gợi ý lệnh (tab) cho trình lệnh
    #[command(
        after_help = "Ví dụ:\n  cctthc completions bash > /etc/bash_completion.d/cctthc\n  cctthc completions zsh > \"${fpath[1]}/_cctthc\"\n  cctthc completions fish > ~/.config/fish/completions/cctthc.fish"
    )]
    Completions(shell::CompletionsArgs),
    /// In trang hướng dẫn man
    #[command(
        after_help = "Ví dụ:\n  cctthc man > /usr/local/share/man/man1/cctthc.1\n  cctthc man | man -l -"
    )]
    Man,
}

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    // A panic is a bug of cctthc: say so in the user's words, with exit 1,
    // instead of a Rust backtrace. Panics caught on purpose (a spreadsheet
    // library failing on a corrupt file) stay silent.
    static LAST_PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(info.to_string());
        }
    }));
    // Ctrl-C, `timeout`, systemd's stop, a closed terminal (SIGINT, SIGTERM,
    // SIGHUP): remove every temporary and spill file, so the previous
    // report stays as it was and nothing half-written is left. The guard
    // is held until exit, so no other thread makes a new one meanwhile.
    let _ = ctrlc::set_handler(|| {
        let _cleaned = crate::atomic::abandon_all();
        #[cfg(windows)]
        crate::windows::restore_console();
        let _ = writeln!(
            std::io::stderr(),
            "\nđã dừng theo yêu cầu (Ctrl-C hoặc tín hiệu dừng): không tệp nào bị ghi dở"
        );
        std::process::exit(1);
    });
    #[cfg(windows)]
    crate::windows::utf8_console();
    let code = std::panic::catch_unwind(|| launch(std::env::args_os().collect()));
    #[cfg(windows)]
    crate::windows::restore_console();
    match code {
        Ok(code) => code,
        Err(_) => {
            let what = LAST_PANIC
                .lock()
                .ok()
                .and_then(|mut l| l.take())
                .unwrap_or_default();
            let _ = writeln!(
                std::io::stderr(),
                "lỗi nội bộ của cctthc (xin báo lại kèm tệp dữ liệu nếu được): {}",
                output::escape_controls(&what)
            );
            1
        }
    }
}

/// Runs `args` as the way the program was started asks (cli/desktop.rs):
/// a command line, a double click, or files dropped on it.
fn launch(args: Vec<OsString>) -> i32 {
    #[cfg(windows)]
    let own_console = crate::windows::own_console();
    #[cfg(not(windows))]
    let own_console = false;
    let is_command = |a: &std::ffi::OsStr| {
        command()
            .get_subcommands()
            .any(|s| s.get_name() == a || s.get_all_aliases().any(|n| n == a))
    };
    match desktop::Launch::of(&args, own_console, is_command) {
        desktop::Launch::Command => run(args),
        desktop::Launch::DoubleClick => desktop::double_click(&command().render_help().to_string()),
        desktop::Launch::Dropped(paths) => {
            let exe = std::env::current_exe().ok();
            let exe_dir = exe.as_deref().and_then(std::path::Path::parent);
            let program = args.first().cloned().unwrap_or_else(|| "cctthc".into());
            let code = run(desktop::report_args(&program, &paths, exe_dir));
            desktop::after_drop(code, own_console)
        }
    }
}

/// Runs with the given arguments (the first is the program name).
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let matches = match command().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            if !e.use_stderr() {
                // --help and --version: checked as any output on stdout.
                let text = e.render().to_string();
                return match output::print(text.as_bytes()) {
                    Ok(()) => 0,
                    Err(f) => {
                        output::Output::new(false, false).error(&f.message);
                        1
                    }
                };
            }
            // No command at all: the help, which is Vietnamese already.
            let message =
                if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    e.render().to_string()
                } else {
                    vietnamese_usage_error(&e)
                };
            // The arguments are quoted back: shown, not obeyed.
            let _ = write!(std::io::stderr(), "{}", output::escape_controls(&message));
            return 2;
        }
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = write!(
                std::io::stderr(),
                "{}",
                output::escape_controls(&e.to_string())
            );
            return 2;
        }
    };
    let out = output::Output::new(cli.global.quiet, cli.global.verbose);
    let result = match &cli.command {
        Command::Stats(a) => stats::run(&cli.global, a, &out),
        Command::Check(a) => check::run(&cli.global, a, &out),
        Command::Report(a) => report::run(&cli.global, a, &out),
        Command::Template(a) => template::run(&cli.global, a, &out),
        Command::QuaHan(a) => overdue::run(&cli.global, a, &out),
        Command::ChiSo(a) => chi_so::run(&cli.global, a, &out),
        Command::Completions(a) => shell::completions(a),
        Command::Man => shell::man(),
    };
    out.phase_times();
    match result {
        Ok(()) => 0,
        Err(f) => {
            if !f.message.is_empty() {
                out.error(&f.message);
            }
            f.code as i32
        }
    }
}

/// A clap usage error in Vietnamese, written from its kind and context
/// (never by rewriting clap's English text, which changes between
/// versions).
fn vietnamese_usage_error(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ErrorKind};
    // Values are quoted cut to a quote's length (SPEC §9): a 10 kB
    // argument is not printed back whole.
    let whole = |k: ContextKind| e.get(k).map(|v| v.to_string()).unwrap_or_default();
    let get = |k: ContextKind| crate::text::quote(&whole(k)).into_owned();
    let arg = get(ContextKind::InvalidArg);
    let value = get(ContextKind::InvalidValue);
    let mut m = String::from("lỗi: ");
    m.push_str(&match e.kind() {
        ErrorKind::UnknownArgument => format!("tham số lạ '{arg}'"),
        ErrorKind::InvalidSubcommand => {
            format!("không có lệnh '{}'", get(ContextKind::InvalidSubcommand))
        }
        ErrorKind::InvalidValue => {
            if value.is_empty() {
                format!("tham số '{arg}' cần một giá trị")
            } else {
                format!("giá trị không hợp lệ '{value}' cho '{arg}'")
            }
        }
        ErrorKind::ValueValidation => {
            // Our value parsers say why in Vietnamese; the standard
            // library's number parsers do not.
            let why = match std::error::Error::source(e) {
                Some(s) if s.downcast_ref::<std::num::ParseIntError>().is_some() => {
                    ": cần một số nguyên".to_string()
                }
                Some(s) => format!(": {s}"),
                None => String::new(),
            };
            format!("giá trị không hợp lệ '{value}' cho '{arg}'{why}")
        }
        ErrorKind::ArgumentConflict => format!(
            "tham số '{arg}' không dùng cùng được với '{}'",
            get(ContextKind::PriorArg)
        ),
        ErrorKind::MissingRequiredArgument => {
            format!("thiếu tham số bắt buộc: {arg}")
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "thiếu lệnh (report, stats, check, qua-han, chi-so, template…)".to_string()
        }
        ErrorKind::NoEquals => format!("tham số '{arg}' cần dấu '=' trước giá trị"),
        ErrorKind::TooManyValues => format!("quá nhiều giá trị cho '{arg}': '{value}'"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("số giá trị cho '{arg}' không đúng")
        }
        ErrorKind::InvalidUtf8 => "tham số không phải văn bản UTF-8".to_string(),
        _ => "tham số dòng lệnh không hợp lệ".to_string(),
    });
    m.push('\n');
    let suggested = get(ContextKind::SuggestedArg);
    if !suggested.is_empty() {
        m.push_str(&format!("  gợi ý: có tham số gần giống: '{suggested}'\n"));
    }
    let suggested = get(ContextKind::SuggestedSubcommand);
    if !suggested.is_empty() {
        m.push_str(&format!("  gợi ý: có lệnh gần giống: '{suggested}'\n"));
    }
    let valid = get(ContextKind::ValidValue);
    if !valid.is_empty() {
        m.push_str(&format!("  [giá trị được nhận: {valid}]\n"));
    }
    if value.starts_with('-') && e.kind() == ErrorKind::UnknownArgument {
        m.push_str(&format!(
            "  gợi ý: để truyền '{value}' làm giá trị, dùng '-- {value}'\n"
        ));
    }
    let usage = whole(ContextKind::Usage);
    let usage = usage.trim().trim_start_matches("Usage:").trim();
    if !usage.is_empty() {
        m.push_str(&format!("\nCách dùng: {usage}\n"));
    }
    m.push_str("\nXem hướng dẫn: --help\n");
    m
}

/// The clap command with Vietnamese help flags.
pub fn command() -> clap::Command {
    let help = clap::Arg::new("help")
        .short('h')
        .long("help")
        .help("In hướng dẫn này")
        .action(clap::ArgAction::Help)
        .global(true);
    let version = clap::Arg::new("version")
        .short('V')
        .long("version")
        .help("In phiên bản")
        .action(clap::ArgAction::Version);
    let mut cmd = Cli::command().arg(help).arg(version);
    cmd = cmd.override_usage("cctthc [TUỲ CHỌN] <LỆNH>");
    cmd.mut_subcommands(vietnamese)
}

/// Help in Vietnamese for a subcommand and those under it.
fn vietnamese(sc: clap::Command) -> clap::Command {
    const TEMPLATE: &str = "{about}\n\nCách dùng: {usage}\n\n{all-args}{after-help}";
    let name = sc.get_name().to_string();
    let usage = if sc.has_subcommands() {
        format!("cctthc {name} <LỆNH>")
    } else {
        format!("cctthc {name} [TUỲ CHỌN]")
    };
    sc.help_template(TEMPLATE)
        .override_usage(usage)
        .subcommand_help_heading("Lệnh")
        .subcommand_value_name("LỆNH")
        .disable_help_subcommand(true)
        .mut_subcommands(move |inner| {
            let usage = format!("cctthc {name} {} [TUỲ CHỌN]", inner.get_name());
            inner.help_template(TEMPLATE).override_usage(usage)
        })
}

#[cfg(test)]
mod usage_tests {
    use super::*;

    #[test]
    fn usage_errors_are_written_in_vietnamese_from_their_kind() {
        let cases: [&[&str]; 8] = [
            &["cctthc", "stats", "--frm", "1"],
            &["cctthc", "stats", "--month", "13"],
            &["cctthc", "stats", "--month"],
            &["cctthc", "stat"],
            &["cctthc", "stats", "--from", "01/01/2023", "--month", "2"],
            &["cctthc", "report", "--format", "pdf"],
            &["cctthc", "qua-han", "--trong", "x"],
            &["cctthc"],
        ];
        for args in cases {
            let Err(e) = command().try_get_matches_from(args) else {
                panic!("{args:?} was accepted");
            };
            let m = vietnamese_usage_error(&e);
            assert!(m.starts_with("lỗi: "), "{m}");
            for english in ["error", "Usage", "invalid", "found", "argument", "For more"] {
                assert!(!m.contains(english), "{args:?}: {m}");
            }
        }
        let e = command()
            .try_get_matches_from(["cctthc", "stats", "--frm", "1"])
            .err()
            .unwrap_or_else(|| panic!("accepted"));
        let m = vietnamese_usage_error(&e);
        assert!(
            m.contains("tham số lạ '--frm'") && m.contains("'--from'"),
            "{m}"
        );
    }
}
