//! What can be wrong with a row, said so that a clerk can find and fix it:
//! `tệp.csv:15: trường 'ngay_tiep_nhan' = '31/02/2023': ngày không tồn tại`.

use std::fmt;
use std::sync::Arc;

/// The kinds of faults, for the count by kind after the first few.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FaultKind {
    MissingValue,
    BadDate,
    EndBeforeReceipt,
    NoEndDate,
    BadChannel,
    BadYesNo,
    BadAmount,
    UnknownStatus,
    UnknownLevel,
    FieldCount,
    Encoding,
}

impl FaultKind {
    pub fn label(self) -> &'static str {
        match self {
            FaultKind::MissingValue => "thiếu giá trị bắt buộc",
            FaultKind::BadDate => "ngày không đọc được",
            FaultKind::EndBeforeReceipt => "ngày kết thúc trước ngày tiếp nhận",
            FaultKind::NoEndDate => "hồ sơ đã kết thúc nhưng thiếu ngày kết thúc",
            FaultKind::BadChannel => "kênh không rõ",
            FaultKind::BadYesNo => "giá trị có/không không rõ",
            FaultKind::BadAmount => "số tiền không đọc được",
            FaultKind::UnknownStatus => "trạng thái không rõ",
            FaultKind::UnknownLevel => "không xác định được cấp",
            FaultKind::FieldCount => "số ô của dòng khác số cột",
            FaultKind::Encoding => "sai bảng mã",
        }
    }
}

/// One fault in one field (or in the row as a whole).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    /// The field's name (`ngay_tiep_nhan`), or a description of the row.
    pub field: String,
    pub value: String,
    pub reason: String,
}

/// A row that cannot be counted, with every fault found in it.
#[derive(Clone, Debug)]
pub struct RowProblem {
    pub file: Arc<str>,
    /// The line in a text file or the row in a sheet, from 1.
    pub line: u64,
    pub faults: Vec<Fault>,
    /// The row's cells as read, for the rejects file.
    pub cells: Vec<String>,
}

impl RowProblem {
    /// One line per fault, as the contract writes them.
    pub fn lines(&self) -> impl Iterator<Item = String> + '_ {
        self.faults.iter().map(move |f| {
            format!(
                "{}:{}: trường '{}' = '{}': {}",
                self.file,
                self.line,
                f.field,
                crate::text::quote(&f.value),
                f.reason
            )
        })
    }
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, line) in self.lines().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            f.write_str(&line)?;
        }
        Ok(())
    }
}
