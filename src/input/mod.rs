//! Reading one-stop exports into dossiers (SPEC §1–2).
//!
//! [`expand`] turns files and folders into the files to read; [`plan`]
//! finds what each holds by its content ([`kind`]) and, for delimited
//! text, its encoding and header row; the readers ([`delimited`],
//! [`sheet`], [`html`], [`json`]) hand every row to a [`Visitor`], which
//! ([`load`]) makes it a [`Record`] or a [`RowProblem`], or passes it over
//! as a row that is not a dossier ([`skip`]): nothing is dropped.

pub(crate) mod cells;
mod delimited;
pub(crate) mod dossier;
pub(crate) mod encoding;
pub(crate) mod field;
pub(crate) mod header;
mod html;
mod json;
pub(crate) mod kind;
mod load;
pub(crate) mod names;
mod ole;
pub(crate) mod problem;
// SIMD: the one module allowed unsafe code (each block says why it is sound).
#[allow(unsafe_code)]
pub mod rows;
mod sheet;
pub(crate) mod skip;
pub(crate) mod suggest;
mod table;
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
pub use load::{FileReport, LISTED_SKIPS, ReadCounts, Record};
pub use names::{Names, UnitRule};
pub use problem::{Fault, FaultKind, RowProblem};

use cells::Cells;
pub use header::Columns;
pub use header::Known;
use header::{HeaderRules, accepted_spellings};
pub use kind::Kind;
use values::{DateRules, StatusRules, ValueRules};

/// A file that cannot be read at all. Row faults are [`RowProblem`]s.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("không đọc được {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A scan's own scratch file, in the temp folder.
    #[error("{action} tệp trung gian {}: {}; khi dữ liệu lớn, thư mục tạm cần chỗ trống khoảng 55 byte cho mỗi dòng (đổi thư mục tạm bằng biến TMPDIR, trên Windows TEMP)", .path.display(), crate::atomic::describe(.source))]
    Scratch {
        /// "không ghi được" or "không đọc lại được".
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("không tìm thấy {}", .path.display())]
    NotFound { path: PathBuf },
    #[error("thư mục {} không có tệp dữ liệu nào (.csv, .xlsx, .xls, .ods, .html, .json…){}", .path.display(), passed_over_note(.passed_over))]
    EmptyFolder {
        path: PathBuf,
        passed_over: Vec<(PathBuf, String)>,
    },
    #[error("{} là {what}, không phải tệp xuất của phần mềm Một cửa: bỏ tệp này khỏi -i hoặc khỏi thư mục dữ liệu", .path.display())]
    OwnOutput { path: PathBuf, what: String },
    #[error("tệp {} trống: không có dòng dữ liệu nào", .path.display())]
    Empty { path: PathBuf },
    #[error("{} không phải tệp bảng tính: {why}", .path.display())]
    NotSpreadsheet { path: PathBuf, why: String },
    #[error("không đọc được bảng tính {}: {message}", .path.display())]
    Spreadsheet { path: PathBuf, message: String },
    #[error("{}: không có trang tính '{}'; các trang có: {}", .path.display(), crate::text::quote(.sheet), quoted_list(.sheets))]
    NoSheet {
        path: PathBuf,
        sheet: String,
        sheets: Vec<String>,
    },
    #[error("{}:{line}: {message}", .path.display())]
    Parse {
        path: PathBuf,
        line: u64,
        message: String,
    },
    #[error("{}:{line}: lỗi đọc JSON: {message}", .path.display())]
    Json {
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
    /// One group's 32-bit counts would overflow (see `figures::Tally::overfull`).
    #[error(
        "{unit} có {dossiers} hồ sơ trong một lĩnh vực, quá 4.294.967.295 hồ sơ mà một nhóm (đơn vị × cấp × lĩnh vực) đếm được: hãy chia dữ liệu thành nhiều lần chạy"
    )]
    TooManyInGroup { unit: String, dossiers: u64 },
}

/// Names as a message lists them, each cut to a quote's length.
fn quoted_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| crate::text::quote(n))
        .collect::<Vec<_>>()
        .join(", ")
}

fn passed_over_note(passed: &[(PathBuf, String)]) -> String {
    if passed.is_empty() {
        return String::new();
    }
    let names: Vec<String> = passed
        .iter()
        .map(|(p, why)| format!("{} ({why})", p.display()))
        .collect();
    format!("; đã bỏ qua: {}", names.join(", "))
}

fn no_header_message(path: &Path, found: &[String], missing: &[Field]) -> String {
    let mut m = format!(
        "{}: không tìm thấy dòng tiêu đề có đủ các cột bắt buộc trong {} dòng đầu.",
        path.display(),
        header::MAX_HEADER_ROW
    );
    if found.iter().any(|c| !c.is_empty()) {
        // Each cut to a quote's length, and the first few only: a row of
        // ten thousand cells is no header to list.
        const SHOWN: usize = 40;
        let filled: Vec<&String> = found.iter().filter(|c| !c.is_empty()).collect();
        let cells: Vec<String> = filled
            .iter()
            .take(SHOWN)
            .map(|c| format!("'{}'", crate::text::quote(c)))
            .collect();
        let _ = write!(m, "\n  Các cột tìm thấy: {}", cells.join(", "));
        if filled.len() > SHOWN {
            let _ = write!(m, " và {} cột khác", filled.len() - SHOWN);
        }
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

/// A file's header row, when a reader finds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub columns: Columns,
    /// The line (row) of the header, its first when it takes two.
    pub line: u64,
    /// The line of its last row (of an HTML table, where a row may take
    /// several lines: not always `line + 1`).
    pub last_line: u64,
    /// The encoding the text was read in, where the file has one.
    pub encoding: Option<&'static str>,
    /// The sheet read, for spreadsheets.
    pub sheet: Option<String>,
}

/// Called by the format readers with what they find in a file.
pub(crate) trait Visitor {
    /// The file's header row was found.
    fn header(&mut self, header: &Header);
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

/// The files a run reads, and the files of its folders it does not.
#[derive(Clone, Debug, Default)]
pub struct Expanded {
    pub files: Vec<PathBuf>,
    /// Files in a folder that are not exports, and what each is.
    pub passed_over: Vec<(PathBuf, String)>,
}

/// Files to read: each file as given, each folder's exports in name order
/// (not recursive). In a folder, hidden files and Office lock files are
/// passed over silently, other files that are not exports with a word.
pub fn expand(inputs: &[PathBuf]) -> Result<Expanded, Error> {
    let mut out = Expanded::default();
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
            out.files.push(input.clone());
            continue;
        }
        let io = |source| Error::Io {
            path: input.clone(),
            source,
        };
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(input).map_err(io)? {
            let entry = entry.map_err(io)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            // Office's lock files (`~$ho-so.xlsx`) and hidden files are not exports.
            if name.starts_with("~$") || name.starts_with('.') {
                continue;
            }
            let path = entry.path();
            if path.is_file() {
                entries.push(path);
            }
        }
        entries.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        let mut found = Vec::new();
        let mut passed = Vec::new();
        for path in entries {
            match folder_entry(&path)? {
                None => found.push(path),
                Some(why) => passed.push((path, why)),
            }
        }
        if found.is_empty() {
            return Err(Error::EmptyFolder {
                path: input.clone(),
                passed_over: passed,
            });
        }
        out.files.extend(found);
        out.passed_over.extend(passed);
    }
    Ok(out)
}

/// Why a file of a folder is not read, or `None` to read it: data by its
/// content, and plain text only under a data file's extension (a README
/// or a config file beside the exports is not one).
fn folder_entry(path: &Path) -> Result<Option<String>, Error> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    Ok(match kind::sniff(path)? {
        kind::Sniffed::Own(what) => Some(what.to_string()),
        kind::Sniffed::Other(what) => Some(what),
        // Text is data under a data file's extension only: a cctthc.toml
        // begins with `[` as JSON does, an .xml or a .md with `<`.
        kind::Sniffed::Data(kind::Kind::Delimited | kind::Kind::Json | kind::Kind::Html)
            if !ext.is_empty() && !kind::TEXT_DATA_EXTENSIONS.contains(&ext.as_str()) =>
        {
            Some(format!("tệp .{ext}, không phải tệp dữ liệu"))
        }
        kind::Sniffed::Data(_) => None,
    })
}

/// How a file is to be read, found from its start.
pub(crate) enum Plan {
    Delimited(Box<delimited::Layout>),
    Whole(Kind),
}

impl Plan {
    /// Where a file can be read in parallel ranges: the byte offset of its
    /// data and that row's line.
    pub fn splittable(&self) -> Option<(u64, u64)> {
        match self {
            Plan::Delimited(layout) => layout.splittable(),
            Plan::Whole(_) => None,
        }
    }

    /// The header, when known before reading (delimited files).
    pub fn header(&self) -> Option<Header> {
        match self {
            Plan::Delimited(layout) => Some(layout.header()),
            Plan::Whole(_) => None,
        }
    }

    pub fn kind(&self) -> Kind {
        match self {
            Plan::Delimited(_) => Kind::Delimited,
            Plan::Whole(kind) => *kind,
        }
    }

    pub fn len(&self) -> u64 {
        match self {
            Plan::Delimited(layout) => layout.file_len,
            Plan::Whole(_) => 0,
        }
    }
}

/// Finds what a file holds, and for delimited files its encoding,
/// delimiter and header.
pub(crate) fn plan(path: &Path, options: &Options) -> Result<Plan, Error> {
    match kind::sniff(path)? {
        kind::Sniffed::Own(what) => Err(Error::OwnOutput {
            path: path.to_path_buf(),
            what: what.to_string(),
        }),
        kind::Sniffed::Other(what) => Err(Error::NotSpreadsheet {
            path: path.to_path_buf(),
            why: format!("đây là {what}"),
        }),
        kind::Sniffed::Data(Kind::Delimited) => Ok(Plan::Delimited(Box::new(delimited::layout(
            path,
            options.encoding,
            &options.headers,
        )?))),
        kind::Sniffed::Data(kind) => Ok(Plan::Whole(kind)),
    }
}

/// The header of a file, found without counting its rows (for `check
/// --goi-y`, which must see every file's missing columns at once).
pub fn probe(path: &Path, options: &Options) -> Result<Header, Error> {
    struct Probe(Option<Header>);
    impl Visitor for Probe {
        fn header(&mut self, header: &Header) {
            self.0.get_or_insert_with(|| header.clone());
        }
        fn row(&mut self, _: u64, _: &Cells<'_>, _: &dyn Fn() -> Vec<String>) {}
        fn problem(&mut self, _: RowProblem) {}
    }
    let plan = plan(path, options)?;
    if let Some(header) = plan.header() {
        return Ok(header);
    }
    let name: Arc<str> = Arc::from(path.display().to_string());
    let mut probe = Probe(None);
    read_whole(path, &name, &plan, options, &mut probe)?;
    probe.0.ok_or_else(|| Error::Empty {
        path: path.to_path_buf(),
    })
}

/// Reads a whole file in one pass.
pub(crate) fn read_whole(
    path: &Path,
    name: &Arc<str>,
    plan: &Plan,
    options: &Options,
    visitor: &mut dyn Visitor,
) -> Result<(), Error> {
    let kind = match plan {
        Plan::Delimited(layout) => return delimited::read_all(path, name, layout, visitor),
        Plan::Whole(kind) => *kind,
    };
    // A corrupt file must be an error, never a crash, even if a library
    // panics on it.
    let sheet = options.sheet.as_deref();
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match kind {
        Kind::Html => html::read(path, name, options.encoding, &options.headers, visitor),
        Kind::Json => json::read(path, &options.headers.for_json(), visitor),
        Kind::Xlsx => xlsx::read(path, sheet, &options.headers, visitor),
        _ => sheet::read(path, kind, sheet, &options.headers, visitor),
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
        Plan::Whole(_) => Ok(RangeEnds {
            first: None,
            next: (end, 1),
        }),
    }
}
