//! The columns of Biểu 06/VPCP/KSTT, the per-unit form of every report:
//! one home for the report template's annex table (templates/build.rs) and
//! the workbook's `Biểu 06` sheet.

/// Columns (3)…(13) in groups: each group's title and how many columns it
/// spans, over [`COLUMNS`].
pub const GROUPS: [(&str, u16); 3] = [
    ("Số hồ sơ tiếp nhận", 4),
    ("Số hồ sơ đã giải quyết", 4),
    ("Số hồ sơ đang giải quyết", 3),
];

/// The titles of columns (3)…(13), under their [`GROUPS`].
pub const COLUMNS: [&str; 11] = [
    "Tổng số",
    "Trực tuyến",
    "Trực tiếp và BCCI",
    "Kỳ trước chuyển qua",
    "Tổng số",
    "Trước hạn",
    "Đúng hạn",
    "Quá hạn",
    "Tổng số",
    "Trong hạn",
    "Quá hạn",
];
