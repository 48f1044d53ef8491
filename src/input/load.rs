//! From a row's cells to a validated dossier, or to a list of faults.
//!
//! Every fault of a row is reported, not only the first, so a clerk fixes a
//! row once.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use chrono::NaiveDate;

use super::Visitor;
use super::cells::{Cell, Cells};
use super::dossier::{Dossier, Level, Status, Tri};
use super::field::Field;
use super::header::Columns;
use super::names::Names;
use super::problem::{Fault, FaultKind, RowProblem};
use super::values::{self, StatusRules};

/// A dossier read from a row, with what identifies it.
#[derive(Debug)]
pub struct Record<'a> {
    /// `ma_ho_so`, the key duplicates merge on.
    pub code: &'a str,
    /// A hash of every value of the row: equal for identical rows.
    pub fingerprint: u64,
    pub dossier: Dossier,
    pub procedure_code: &'a str,
    pub procedure_name: &'a str,
    /// The file and line it came from.
    pub file: &'a Arc<str>,
    pub line: u64,
}

/// Counts of what was read, for the input accounting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadCounts {
    /// Rows with data (title, header and blank rows are not counted).
    pub rows: u64,
    /// Rows left out because they are invalid.
    pub rejected: u64,
}

/// What was read from one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileReport {
    pub name: String,
    pub counts: ReadCounts,
    /// Optional columns the file lacks: the figures needing them are N/A.
    pub missing: Vec<Field>,
}

/// Turns rows into records for `sink` and faults into problems for `report`.
pub(crate) struct Loader<'a> {
    pub statuses: &'a StatusRules,
    pub names: &'a mut Names,
    pub sink: &'a mut dyn FnMut(&Record<'_>),
    pub report: &'a mut dyn FnMut(RowProblem),
    pub counts: ReadCounts,
    pub file: Arc<str>,
    pub files: Vec<FileReport>,
}

impl Loader<'_> {
    pub fn begin_file(&mut self, name: Arc<str>) {
        self.files.push(FileReport {
            name: name.to_string(),
            ..FileReport::default()
        });
        self.file = name;
    }

    fn count(&mut self, rejected: bool) {
        let r = u64::from(rejected);
        self.counts.rows += 1;
        self.counts.rejected += r;
        if let Some(f) = self.files.last_mut() {
            f.counts.rows += 1;
            f.counts.rejected += r;
        }
    }
}

impl Visitor for Loader<'_> {
    fn columns(&mut self, columns: &Columns) {
        if let Some(f) = self.files.last_mut() {
            f.missing = Field::ALL
                .into_iter()
                .filter(|field| !columns.has(*field))
                .collect();
        }
    }

    fn row(&mut self, line: u64, cells: &Cells<'_>, raw: &dyn Fn() -> Vec<String>) {
        let parsed = parse(cells, self.statuses, self.names);
        self.count(parsed.is_err());
        match parsed {
            Ok(parsed) => {
                let record = Record {
                    code: &parsed.code,
                    fingerprint: parsed.fingerprint,
                    dossier: parsed.dossier,
                    procedure_code: &parsed.procedure_code,
                    procedure_name: &parsed.procedure_name,
                    file: &self.file,
                    line,
                };
                (self.sink)(&record);
            }
            Err(faults) => {
                (self.report)(RowProblem {
                    file: self.file.clone(),
                    line,
                    faults,
                    cells: raw(),
                });
            }
        }
    }

    fn problem(&mut self, problem: RowProblem) {
        self.count(true);
        (self.report)(problem);
    }
}

struct Parsed {
    code: String,
    procedure_code: String,
    procedure_name: String,
    fingerprint: u64,
    dossier: Dossier,
}

/// Collects the faults of one row.
struct Faults(Vec<Fault>);

impl Faults {
    fn add(&mut self, kind: FaultKind, field: Field, cell: &Cell<'_>, reason: impl Into<String>) {
        self.0.push(Fault {
            kind,
            field: field.name().to_string(),
            value: cell.display().into_owned(),
            reason: reason.into(),
        });
    }

    /// The value of a parser, or a fault of `kind`.
    fn check<T>(
        &mut self,
        field: Field,
        cell: &Cell<'_>,
        kind: FaultKind,
        result: Result<T, String>,
    ) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(reason) => {
                self.add(kind, field, cell, reason);
                None
            }
        }
    }
}

fn parse(
    cells: &Cells<'_>,
    statuses: &StatusRules,
    names: &mut Names,
) -> Result<Parsed, Vec<Fault>> {
    let mut faults = Faults(Vec::new());
    let text = |f: Field| cells.get(f).display();

    let code = text(Field::Code).trim().to_string();
    if code.is_empty() {
        faults.add(
            FaultKind::MissingValue,
            Field::Code,
            cells.get(Field::Code),
            "thiếu mã hồ sơ",
        );
    }
    let status_cell = cells.get(Field::Status);
    let status = faults.check(
        Field::Status,
        status_cell,
        FaultKind::UnknownStatus,
        statuses.classify(&status_cell.display()),
    );
    let received_flag = status != Some(Status::NotReceived);

    let unit_cell = cells.get(Field::Unit);
    let unit = names.unit(&unit_cell.display());
    if unit.is_none() {
        faults.add(
            FaultKind::MissingValue,
            Field::Unit,
            unit_cell,
            "thiếu đơn vị",
        );
    }

    let received = date(&mut faults, cells, Field::Received);
    let due = date(&mut faults, cells, Field::Due);
    let ended = date(&mut faults, cells, Field::Ended);
    let handed_over = date(&mut faults, cells, Field::HandedOver);
    if received_flag && matches!(received, Some(None)) {
        faults.add(
            FaultKind::MissingValue,
            Field::Received,
            cells.get(Field::Received),
            "thiếu ngày tiếp nhận",
        );
    }
    let received = received.flatten();

    let mut end = None;
    if status.is_some_and(|s| s.is_final()) {
        match (ended.flatten(), handed_over.flatten()) {
            (Some(e), _) => end = Some((Field::Ended, e)),
            (None, Some(h)) => end = Some((Field::HandedOver, h)),
            // Unreadable: already a fault.
            _ if ended.is_none() || handed_over.is_none() => {}
            _ => {
                let reason = if cells.present(Field::Ended) || cells.present(Field::HandedOver) {
                    format!(
                        "hồ sơ có trạng thái '{}' nhưng không có ngày kết thúc xử lý hay ngày trả kết quả",
                        status_cell.display()
                    )
                } else {
                    "hồ sơ đã kết thúc nhưng tệp không có cột ngày kết thúc xử lý hay ngày trả kết quả"
                        .to_string()
                };
                faults.add(
                    FaultKind::NoEndDate,
                    Field::Ended,
                    cells.get(Field::Ended),
                    reason,
                );
            }
        }
        if let (Some((field, e)), Some(r)) = (end, received) {
            if e < r {
                faults.add(
                    FaultKind::EndBeforeReceipt,
                    field,
                    cells.get(field),
                    format!(
                        "ngày kết thúc trước ngày tiếp nhận ({})",
                        crate::vn::date(r)
                    ),
                );
            }
        }
    }
    let end = end.map(|(_, e)| e);

    let channel_cell = cells.get(Field::Channel);
    let channel = faults.check(
        Field::Channel,
        channel_cell,
        FaultKind::BadChannel,
        values::channel(&channel_cell.display()),
    );

    let level_cell = cells.get(Field::Level);
    let level_value = faults.check(
        Field::Level,
        level_cell,
        FaultKind::UnknownLevel,
        values::level(&level_cell.display()),
    );
    let level = match (level_value, unit) {
        (Some(Some(l)), _) => Some(l),
        (Some(None), Some(u)) => match names.unit_level(u) {
            Some(l) => Some(l),
            None if !received_flag => Some(Level::Xa),
            None => {
                let name = names.unit_name(u).to_string();
                faults.add(
                    FaultKind::UnknownLevel,
                    Field::Unit,
                    unit_cell,
                    format!(
                        "không xác định được cấp của đơn vị '{name}': thêm cột 'cap' (tinh, huyen, xa) vào tệp, hoặc khai báo trong cctthc.toml: [[don_vi]] ten = \"{name}\" cap = \"xa\""
                    ),
                );
                None
            }
        },
        _ => None,
    };

    let yes_no = |faults: &mut Faults, field: Field| -> Tri {
        if !cells.present(field) {
            return Tri::Unknown;
        }
        let cell = cells.get(field);
        let parsed = match cell {
            Cell::Number(n) => values::yes_no(&super::cells::number_text(*n), field),
            other => values::yes_no(&other.display(), field),
        };
        faults
            .check(field, cell, FaultKind::BadYesNo, parsed)
            .map_or(Tri::Unknown, Tri::from)
    };
    let online_service = yes_no(&mut faults, Field::OnlineService);
    let digitised_in = yes_no(&mut faults, Field::DigitisedIn);
    let digitised_out = yes_no(&mut faults, Field::DigitisedOut);
    let fee = yes_no(&mut faults, Field::Fee);
    let paid_online = yes_no(&mut faults, Field::PaidOnline);

    let amount_cell = cells.get(Field::Amount);
    let amount = match amount_cell {
        Cell::Number(n) => {
            rust_decimal::Decimal::try_from(*n).map_err(|_| "số tiền không hợp lệ".to_string())
        }
        other => values::amount(&other.display()),
    };
    let amount = faults.check(Field::Amount, amount_cell, FaultKind::BadAmount, amount);

    let domain = names.domain(&text(Field::Domain));
    let procedure_code = text(Field::ProcedureCode).trim().to_string();
    let procedure_name = crate::text::clean_name(&text(Field::ProcedureName));

    if !faults.0.is_empty() {
        return Err(faults.0);
    }
    // Each of these is Some when no fault was recorded.
    let (Some(status), Some(unit), Some(channel), Some(level), Some(amount)) =
        (status, unit, channel, level, amount)
    else {
        return Err(vec![]);
    };
    let dossier = Dossier {
        unit,
        level,
        domain,
        status,
        channel,
        received,
        due: due.flatten(),
        ended: end,
        online_service,
        digitised_in,
        digitised_out,
        fee,
        paid_online,
    };
    let mut h = DefaultHasher::new();
    (
        &code,
        names.unit_name(unit),
        names.domain_name(domain),
        &procedure_code,
        &procedure_name,
        amount,
    )
        .hash(&mut h);
    // The end date as written, even where the status makes it irrelevant.
    (dossier, ended.flatten(), handed_over.flatten()).hash(&mut h);
    Ok(Parsed {
        fingerprint: h.finish(),
        code,
        procedure_code,
        procedure_name,
        dossier,
    })
}

/// `None` when the value is unreadable (a fault is recorded), `Some(None)`
/// when it is empty.
fn date(faults: &mut Faults, cells: &Cells<'_>, field: Field) -> Option<Option<NaiveDate>> {
    let cell = cells.get(field);
    let result = match cell {
        Cell::Empty => Ok(None),
        Cell::Date(d) => Ok(Some(*d)),
        Cell::Number(n) => excel_serial(*n)
            .map(Some)
            .ok_or_else(|| "không đọc được ngày (ô số không phải ngày Excel)".to_string()),
        Cell::Text(t) => values::date(t),
    };
    faults.check(field, cell, FaultKind::BadDate, result)
}

/// An Excel serial date (1900 system) from a number cell without a date
/// format; plausible years only.
fn excel_serial(n: f64) -> Option<NaiveDate> {
    if !(1.0..=2_958_465.0).contains(&n) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let date = base.checked_add_signed(chrono::Duration::days(n.floor() as i64))?;
    (1990..=2100)
        .contains(&chrono::Datelike::year(&date))
        .then_some(date)
}
