//! `cctthc template init|check`: write out the built-in templates for
//! editing, and list a template's tags and the names it uses that the
//! context lacks.

use std::path::PathBuf;

use super::common::{Failure, Global, Session};
use super::output::Output;
use crate::dataset::Dataset;
use crate::docx::TagKind;
use crate::report::analysis::{Analysis, Targets};
use crate::report::{Context, filters, templates};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Ghi các mẫu có sẵn ra thư mục để sửa trong Word hoặc LibreOffice
    #[command(
        after_help = "Ví dụ:\n  cctthc template init mau/\n  (rồi khai báo [xuat] mau = \"mau/bao-cao-thang.docx\" trong cctthc.toml)"
    )]
    Init {
        /// Thư mục ghi mẫu, tạo nếu chưa có (mặc định: thư mục hiện tại)
        #[arg(
            value_name = "THƯ_MỤC",
            default_value = ".",
            hide_default_value = true,
            help_heading = "Đối số"
        )]
        dir: PathBuf,
        /// Ghi đè tệp đã có
        #[arg(long, help_heading = "Tuỳ chọn")]
        force: bool,
    },
    /// Liệt kê các thẻ của một mẫu và những tên mẫu dùng mà số liệu không có
    #[command(after_help = "Ví dụ:\n  cctthc template check mau/bao-cao-thang.docx")]
    Check {
        /// Tệp mẫu .docx, hoặc tên mẫu có sẵn
        #[arg(value_name = "MẪU", help_heading = "Đối số")]
        file: String,
    },
}

pub fn run(global: &Global, args: &Args, out: &Output) -> Result<(), Failure> {
    match &args.command {
        Command::Init { dir, force } => init(dir, *force, out),
        Command::Check { file } => check(global, file, out),
    }
}

fn init(dir: &PathBuf, force: bool, out: &Output) -> Result<(), Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::failed(format!("không tạo được thư mục {}: {e}", dir.display())))?;
    for b in templates::BUILTIN {
        let path = dir.join(b.file);
        if path.exists() && !force {
            return Err(Failure::failed(format!(
                "{} đã có; dùng --force để ghi đè",
                path.display()
            )));
        }
        crate::atomic::write_bytes(&path, b.bytes).map_err(|e| {
            Failure::failed(format!(
                "không ghi được {}: {}",
                path.display(),
                crate::atomic::describe(&e)
            ))
        })?;
        out.info(&format!("Đã ghi {} — {}", path.display(), b.about));
    }
    Ok(())
}

fn check(global: &Global, file: &str, out: &Output) -> Result<(), Failure> {
    let session = Session::start(global)?;
    let template = super::report::load_template(&session, Some(file))?;
    let reporting = session
        .reporting(&Default::default())
        .map_err(|f| Failure::failed(f.message))?;
    let sample = Dataset::sample(reporting);
    let analysis = Analysis::new(&sample, Targets::from_config(&session.config));
    let unit = sample.names.find("UBND xã Ngọc Kỳ");
    let context = Context::new(&sample, &analysis, &session.config, session.today, unit);
    let env = filters::environment();
    let problems = template.check(&env, &context.to_value());
    let mut text = String::new();
    let tags = template.tags();
    text.push_str(&format!("{}: {} thẻ\n", template.name(), tags.len()));
    let mut last = (String::new(), String::new());
    for tag in &tags {
        let here = (tag.part.clone(), tag.paragraph.clone());
        if here != last {
            text.push_str(&format!(
                "\n{} — \"{}\"\n",
                tag.part,
                shorten(&tag.paragraph)
            ));
            last = here;
        }
        let kind = match tag.kind {
            TagKind::Block => "khối",
            _ => "giá trị",
        };
        text.push_str(&format!("  [{kind}] {}\n", tag.source));
    }
    if problems.is_empty() {
        text.push_str("\nKhông có lỗi: mọi tên trong mẫu đều có trong số liệu.\n");
    } else {
        text.push_str(&format!("\n{} lỗi:\n", problems.len()));
        for p in &problems {
            text.push_str(&format!("  {p}\n"));
        }
    }
    super::output::print(text.as_bytes())?;
    if problems.is_empty() {
        Ok(())
    } else {
        out.detail("mẫu có lỗi");
        Err(Failure::failed(""))
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 70 {
        s.chars().take(69).collect::<String>() + "…"
    } else {
        s.to_string()
    }
}
