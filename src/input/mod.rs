//! Reading one-stop exports into dossiers (SPEC §1–2).
//!
//! [`read`] takes files and folders, finds each file's format, encoding and
//! header row, and hands every valid row to a sink as a [`Record`] and every
//! invalid one to a reporter as a [`RowProblem`]: nothing is dropped.

pub mod cells;
mod delimited;
pub mod dossier;
pub mod encoding;
pub mod field;
pub mod header;
mod load;
pub mod names;
pub mod problem;
pub mod rows;
pub mod values;
mod xlsx;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub(crate) use delimited::RangeEnds;
pub use dossier::{Channel, DomainId, Dossier, Level, Status, Tri, UnitId};
pub use encoding::Encoding;
pub use field::Field;
pub(crate) use load::{Caches, Loader};
pub use load::{FileReport, ReadCounts, Record};
pub use names::{Names, UnitRule};
pub use problem::{Fault, FaultKind, RowProblem};

use cells::Cells;
pub(crate) use header::Columns;
use header::{HeaderRules, accepted_spellings};
use values::{DateRules, StatusRules, ValueRules};

/// A file that cannot be read at all. Row faults are [`RowProblem`]s.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("không đọc được {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("không tìm thấy {}", .path.display())]
    NotFound { path: PathBuf },
    #[error("thư mục {} không có tệp .csv, .tsv, .txt hay .xlsx nào", .path.display())]
    EmptyFolder { path: PathBuf },
    #[error("tệp {} trống: không có dòng dữ liệu nào", .path.display())]
    Empty { path: PathBuf },
    #[error("{} không phải tệp bảng tính: {why}", .path.display())]
    NotSpreadsheet { path: PathBuf, why: String },
    #[error("không đọc được bảng tính {}: {message}", .path.display())]
    Spreadsheet { path: PathBuf, message: String },
    #[error("{}: không có trang tính '{sheet}'; các trang có: {}", .path.display(), .sheets.join(", "))]
    NoSheet {
        path: PathBuf,
        sheet: String,
        sheets: Vec<String>,
    },
    #[error("{}:{line}: lỗi đọc CSV: {message}", .path.display())]
    Parse {
        path: PathBuf,
        line: u64,
        message: String,
    },
    #[error("{}", no_header_message(.path, .found, .missing))]
    NoHeader {
        path: PathBuf,
        found: Vec<String>,
        missing: Vec<Field>,
    },
}

fn no_header_message(path: &Path, found: &[String], missing: &[Field]) -> String {
    let mut m = format!(
        "{}: không tìm thấy dòng tiêu đề có đủ các cột bắt buộc trong {} dòng đầu.",
        path.display(),
        header::MAX_HEADER_ROW
    );
    if found.iter().any(|c| !c.is_empty()) {
        let cells: Vec<String> = found
            .iter()
            .filter(|c| !c.is_empty())
            .map(|c| format!("'{c}'"))
            .collect();
        let _ = write!(m, "\n  Các cột tìm thấy: {}", cells.join(", "));
    }
    let _ = write!(m, "\n  Thiếu cột:");
    for field in missing {
        let _ = write!(
            m,
            "\n    {field}: tên được chấp nhận: {}",
            accepted_spellings(*field)
        );
    }
    let _ = write!(
        m,
        "\n  Nếu tệp dùng tên cột khác, khai báo trong cctthc.toml, ví dụ: [cot] ma_ho_so = \"Mã HS\""
    );
    m
}

/// Called by the format readers with what they find in a file.
pub(crate) trait Visitor {
    /// The file's header row was found.
    fn columns(&mut self, columns: &Columns);
    /// A data row; `raw` gives its cells as read, for the rejects file.
    fn row(&mut self, line: u64, cells: &Cells<'_>, raw: &dyn Fn() -> Vec<String>);
    /// A row the reader itself could not take apart.
    fn problem(&mut self, problem: RowProblem);
}

/// How to read: the encoding and sheet to force, and the user's mappings.
#[derive(Clone, Debug)]
pub struct Options {
    pub encoding: Option<Encoding>,
    pub sheet: Option<String>,
    pub headers: HeaderRules,
    pub statuses: StatusRules,
    /// `[nhap] dinh_dang_ngay`.
    pub dates: DateRules,
    /// `[gia_tri.FIELD]`.
    pub values: ValueRules,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            encoding: None,
            sheet: None,
            headers: HeaderRules::new(&[]),
            statuses: StatusRules::new(&[]),
            dates: DateRules::default(),
            values: ValueRules::default(),
        }
    }
}

/// The extensions a folder is searched for.
const FOLDER_EXTENSIONS: [&str; 4] = ["csv", "tsv", "txt", "xlsx"];

/// Files to read: each file as given, each folder's exports in name order.
pub fn expand(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => Error::NotFound {
                path: input.clone(),
            },
            _ => Error::Io {
                path: input.clone(),
                source,
            },
        })?;
        if !meta.is_dir() {
            files.push(input.clone());
            continue;
        }
        let entries = std::fs::read_dir(input).map_err(|source| Error::Io {
            path: input.clone(),
            source,
        })?;
        let mut found = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| Error::Io {
                path: input.clone(),
                source,
            })?;
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            // Office's lock files (`~$ho-so.xlsx`) and hidden files are not exports.
            if name.starts_with("~$") || name.starts_with('.') {
                continue;
            }
            let wanted = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| FOLDER_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
            if wanted && path.is_file() {
                found.push(path);
            }
        }
        if found.is_empty() {
            return Err(Error::EmptyFolder {
                path: input.clone(),
            });
        }
        found.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        files.extend(found);
    }
    Ok(files)
}

/// How a file is to be read, found from its start.
pub(crate) enum Plan {
    Delimited(Box<delimited::Layout>),
    Sheet(Format),
}

impl Plan {
    /// Where a file can be read in parallel ranges: the byte offset of its
    /// data and that row's line.
    pub fn splittable(&self) -> Option<(u64, u64)> {
        match self {
            Plan::Delimited(layout) => layout.splittable(),
            Plan::Sheet(_) => None,
        }
    }

    /// The header, when known before reading (delimited files).
    pub fn columns(&self) -> Option<&Columns> {
        match self {
            Plan::Delimited(layout) => Some(&layout.columns),
            Plan::Sheet(_) => None,
        }
    }

    pub fn len(&self) -> u64 {
        match self {
            Plan::Delimited(layout) => layout.file_len,
            Plan::Sheet(_) => 0,
        }
    }
}

/// Finds a file's format, and for delimited files its encoding, delimiter
/// and header.
pub(crate) fn plan(path: &Path, options: &Options) -> Result<Plan, Error> {
    match format_of(path)? {
        Format::Delimited => Ok(Plan::Delimited(Box::new(delimited::layout(
            path,
            options.encoding,
            &options.headers,
        )?))),
        format => Ok(Plan::Sheet(format)),
    }
}

/// Reads a whole file in one pass.
pub(crate) fn read_whole(
    path: &Path,
    name: &Arc<str>,
    plan: &Plan,
    options: &Options,
    visitor: &mut dyn Visitor,
) -> Result<(), Error> {
    let format = match plan {
        Plan::Delimited(layout) => return delimited::read_all(path, name, layout, visitor),
        Plan::Sheet(format) => *format,
    };
    // A corrupt spreadsheet must be an error, never a crash, even if the
    // spreadsheet library panics on it.
    let sheet = options.sheet.as_deref();
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match format {
        Format::Xlsx => xlsx::read(path, sheet, &options.headers, visitor),
        _ => xlsx::read_other(path, sheet, &options.headers, visitor),
    }));
    read.unwrap_or_else(|_| {
        Err(Error::Spreadsheet {
            path: path.to_path_buf(),
            message: "tệp hỏng, không đọc được".into(),
        })
    })
}

/// Reads the rows of a delimited file that start in `[start, end)`.
pub(crate) fn read_range(
    path: &Path,
    name: &Arc<str>,
    plan: &Plan,
    start: u64,
    end: u64,
    visitor: &mut dyn Visitor,
) -> Result<RangeEnds, Error> {
    match plan {
        Plan::Delimited(layout) => delimited::read_range(path, name, layout, start, end, visitor),
        // Not splittable: the caller reads it whole.
        Plan::Sheet(_) => Ok(RangeEnds {
            first: None,
            next: (end, 1),
        }),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Delimited,
    Xlsx,
    OtherSheet,
}

fn format_of(path: &Path) -> Result<Format, Error> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let mut magic = [0u8; 4];
    let n = {
        use std::io::Read;
        let mut f = std::fs::File::open(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        f.read(&mut magic).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?
    };
    let zip = n == 4 && magic == *b"PK\x03\x04";
    let ole = n == 4 && magic == [0xD0, 0xCF, 0x11, 0xE0];
    Ok(match ext.as_str() {
        "xlsx" | "xlsm" if zip => Format::Xlsx,
        "xlsx" | "xlsm" => {
            return Err(Error::NotSpreadsheet {
                path: path.to_path_buf(),
                why: "tệp có đuôi .xlsx nhưng không phải tệp Excel (không phải tệp nén .zip)"
                    .into(),
            });
        }
        "xls" | "ods" | "xlsb" => Format::OtherSheet,
        _ if zip => Format::Xlsx,
        _ if ole => Format::OtherSheet,
        _ => Format::Delimited,
    })
}
