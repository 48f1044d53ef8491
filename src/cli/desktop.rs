//! Started from the desktop rather than typed in a terminal (SPEC §14).
//!
//! A double click on `cctthc.exe` opens a console that closes the moment
//! the program exits, so the help is shown and the program waits for
//! Enter. Files dropped on it arrive as arguments and nothing else: they
//! make the report of the month before today, written beside the first of
//! them, and the program waits so the clerk can read where it went. The
//! same command line works in a terminal on every platform (`cctthc
//! ho-so.xlsx`), without the wait.

use std::ffi::{OsStr, OsString};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use crate::config::FILE_NAME;

/// How the program was started.
#[derive(Debug, PartialEq, Eq)]
pub enum Launch {
    /// A command line, as typed or as a script gives it.
    Command,
    /// No arguments, and a console of its own: a double click.
    DoubleClick,
    /// Nothing but paths of files or folders that exist: dropped files.
    Dropped(Vec<PathBuf>),
}

impl Launch {
    /// What `args` (the program's name first) mean; `is_command` tells the
    /// names a first argument is a command by, even where a file bears one
    /// (asked only when every argument is a path).
    pub fn of(args: &[OsString], own_console: bool, is_command: impl Fn(&OsStr) -> bool) -> Launch {
        let rest = args.get(1..).unwrap_or_default();
        if rest.is_empty() {
            return if own_console {
                Launch::DoubleClick
            } else {
                Launch::Command
            };
        }
        let path_only = |a: &OsString| {
            let text = a.to_string_lossy();
            !text.starts_with('-') && Path::new(a).exists()
        };
        if rest.iter().all(path_only) && !is_command(&rest[0]) {
            Launch::Dropped(rest.iter().map(PathBuf::from).collect())
        } else {
            Launch::Command
        }
    }
}

/// Shown under the help after a double click.
const DOUBLE_CLICK: &str = "\
cctthc là chương trình chạy bằng lệnh, không có cửa sổ riêng. Có hai cách dùng:
  1. Kéo các tệp xuất từ phần mềm Một cửa (.xls, .xlsx, .csv) thả vào biểu tượng
     cctthc.exe: báo cáo tháng trước được ghi ngay cạnh tệp thứ nhất.
  2. Mở PowerShell trong thư mục có cctthc.exe (giữ Shift, bấm chuột phải vào
     khoảng trống của thư mục, chọn \"Open PowerShell window here\"), rồi gõ:
       .\\cctthc report --month 11
Hướng dẫn từng bước: HUONG-DAN.txt (cùng thư mục với cctthc.exe).";

/// The help for a clerk who double-clicked, then the wait.
pub fn double_click(help: &str) -> i32 {
    let mut err = std::io::stderr();
    let _ = write!(err, "{help}\n{DOUBLE_CLICK}\n");
    wait_for_enter();
    0
}

/// The arguments of `cctthc report` for `paths` dropped on the program:
/// last month, read from those paths, with the `cctthc.toml` found beside
/// them or the program, the report beside the first.
pub fn report_args(program: &OsStr, paths: &[PathBuf], exe_dir: Option<&Path>) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec![program.into(), "report".into(), "--month".into()];
    args.push("prev".into());
    if let Some(config) = config_for(paths, exe_dir) {
        args.push("--config".into());
        args.push(config.into());
    }
    args.push("--beside-input".into());
    for path in paths {
        args.push("-i".into());
        args.push(path.into());
    }
    args
}

/// The first `cctthc.toml` in the folder of the first path, the folder
/// above it (exports kept in `du-lieu/` beside the config, as in the
/// examples), then the program's folder. None: the usual search.
fn config_for(paths: &[PathBuf], exe_dir: Option<&Path>) -> Option<PathBuf> {
    let first = paths.first()?;
    let folder = first.parent().filter(|p| !p.as_os_str().is_empty());
    let folder = folder.unwrap_or(Path::new("."));
    let mut candidates = vec![folder.join(FILE_NAME), folder.join("..").join(FILE_NAME)];
    candidates.extend(exe_dir.map(|d| d.join(FILE_NAME)));
    candidates.into_iter().find(|c| c.is_file())
}

/// After a report from dropped files: the exit code stays the report's,
/// and a console of our own waits so its window does not vanish.
pub fn after_drop(code: i32, own_console: bool) -> i32 {
    if own_console {
        wait_for_enter();
    }
    code
}

/// Waits for Enter (or the end of input), saying so.
fn wait_for_enter() {
    let _ = write!(std::io::stderr(), "\nNhấn Enter để đóng cửa sổ này.");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &OsStr) -> bool {
        false
    }

    fn report(a: &OsStr) -> bool {
        a == "report"
    }

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn a_double_click_only_with_a_console_of_its_own() {
        assert_eq!(
            Launch::of(&args(&["cctthc"]), true, none),
            Launch::DoubleClick
        );
        assert_eq!(Launch::of(&args(&["cctthc"]), false, none), Launch::Command);
        assert_eq!(Launch::of(&[], true, none), Launch::DoubleClick);
    }

    #[test]
    fn dropped_paths_are_existing_paths_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("hồ sơ 11.csv");
        let b = dir.path().join("report");
        std::fs::write(&a, "x").unwrap();
        std::fs::write(&b, "x").unwrap();
        let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
        let dropped = Launch::of(&args(&["cctthc", a, b]), false, report);
        assert_eq!(dropped, Launch::Dropped(vec![a.into(), b.into()]));
        let folder = dir.path().to_str().unwrap();
        assert_eq!(
            Launch::of(&args(&["cctthc", folder]), true, none),
            Launch::Dropped(vec![folder.into()])
        );
        // A flag, a missing file, a command named like a file: a command line.
        for line in [
            vec!["cctthc", a, "-q"],
            vec!["cctthc", a, "khong-co.csv"],
            vec!["cctthc", "report"],
        ] {
            let cwd_file = Launch::of(&args(&line), true, report);
            assert_eq!(cwd_file, Launch::Command, "{line:?}");
        }
    }

    #[test]
    fn the_config_beside_the_exports_then_above_then_beside_the_program() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("du-lieu");
        let exe = dir.path().join("chuong-trinh");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::create_dir_all(&exe).unwrap();
        let export = data.join("a.csv");
        std::fs::write(&export, "x").unwrap();
        let paths = [export.clone()];
        assert_eq!(config_for(&paths, Some(&exe)), None);
        std::fs::write(exe.join(FILE_NAME), "").unwrap();
        assert_eq!(config_for(&paths, Some(&exe)), Some(exe.join(FILE_NAME)));
        std::fs::write(dir.path().join(FILE_NAME), "").unwrap();
        let above = data.join("..").join(FILE_NAME);
        assert_eq!(config_for(&paths, Some(&exe)), Some(above));
        std::fs::write(data.join(FILE_NAME), "").unwrap();
        assert_eq!(config_for(&paths, Some(&exe)), Some(data.join(FILE_NAME)));
    }

    #[test]
    fn the_report_of_last_month_beside_the_first_path() {
        let dir = tempfile::tempdir().unwrap();
        let (a, c) = (dir.path().join("a b.csv"), dir.path().join("c.xlsx"));
        let got = report_args(OsStr::new("cctthc"), &[a.clone(), c.clone()], None);
        let mut want = args(&["cctthc", "report", "--month", "prev", "--beside-input"]);
        want.extend(["-i".into(), a.into(), "-i".into(), c.into()]);
        assert_eq!(got, want);
    }
}
