//! The command line: one file per command, shared flags in [`common`].
//!
//! Help and messages are Vietnamese, flags English. Diagnostics go to
//! stderr; stdout carries only what was asked for.

mod check;
mod common;
mod excel_csv;
mod output;
mod overdue;
mod report;
mod shell;
mod stats;
mod table;
mod template;

use std::ffi::OsString;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

pub use common::Failure;
use common::Global;

const EXAMPLES: &str = "\
Ví dụ:
  cctthc report --month 11              Viết báo cáo tháng 11 (.docx)
  cctthc stats --month 11 --by don_vi   Xem số liệu từng đơn vị
  cctthc check -i du-lieu/              Kiểm tra dữ liệu xuất từ phần mềm Một cửa

Hướng dẫn đầy đủ: README.md; hợp đồng dữ liệu: SPEC.md.";

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
    // Ctrl-C while a report is being written: remove the temporary file, so
    // the previous report stays as it was and nothing half-written is left.
    let _ = ctrlc::set_handler(|| {
        crate::atomic::abandon_all();
        eprintln!("\nđã dừng theo yêu cầu (Ctrl-C): không tệp nào bị ghi dở");
        std::process::exit(1);
    });
    match std::panic::catch_unwind(|| run(std::env::args_os())) {
        Ok(code) => code,
        Err(_) => {
            let what = LAST_PANIC
                .lock()
                .ok()
                .and_then(|mut l| l.take())
                .unwrap_or_default();
            eprintln!("lỗi nội bộ của cctthc (xin báo lại kèm tệp dữ liệu nếu được): {what}");
            1
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
                // --help and --version.
                let _ = e.print();
                return 0;
            }
            eprint!("{}", vietnamese_usage_error(&e.render().to_string()));
            return 2;
        }
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
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
        Command::Completions(a) => shell::completions(a),
        Command::Man => shell::man(),
    };
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

/// clap's usage errors, in Vietnamese.
fn vietnamese_usage_error(message: &str) -> String {
    const WORDS: [(&str, &str); 17] = [
        ("' found", "'"),
        ("error: ", "lỗi: "),
        ("unexpected argument '", "tham số lạ '"),
        ("invalid value '", "giá trị không hợp lệ '"),
        ("' for '", "' cho '"),
        ("the argument '", "tham số '"),
        ("cannot be used with", "không dùng cùng được với"),
        (
            "the following required arguments were not provided:",
            "thiếu tham số bắt buộc:",
        ),
        ("requires a value but none was supplied", "cần một giá trị"),
        ("unrecognized subcommand '", "không có lệnh '"),
        ("a similar argument exists:", "có tham số gần giống:"),
        ("a similar subcommand exists:", "có lệnh gần giống:"),
        ("to pass '", "để truyền '"),
        ("as a value, use '", "làm giá trị, dùng '"),
        ("Usage: ", "Cách dùng: "),
        (
            "For more information, try '--help'.",
            "Xem hướng dẫn: --help",
        ),
        ("[possible values: ", "[giá trị được nhận: "),
    ];
    let mut m = message.to_string();
    for (en, vi) in WORDS {
        m = m.replace(en, vi);
    }
    shorten_quoted(&m.replace("  tip: ", "  gợi ý: "))
}

/// clap quotes the values it refuses whole: each `'…'` is cut to a
/// quote's length (SPEC §9), so a 10 kB argument is not printed back.
fn shorten_quoted(message: &str) -> String {
    message
        .split('\'')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                crate::text::quote(part)
            } else {
                std::borrow::Cow::Borrowed(part)
            }
        })
        .collect::<Vec<_>>()
        .join("'")
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
