//! Finding the header row and mapping its columns to fields.
//!
//! Headers match whatever their case, diacritics, punctuation or spacing
//! (`Số hoá hồ sơ`, `so_hoa_ho_so`), so a header is compared in its folded
//! form ([`crate::text::fold`]).

use std::collections::HashMap;

use super::field::Field;
use crate::text::fold;

/// How far down a file the header may be: exports start with title rows.
pub const MAX_HEADER_ROW: usize = 20;

/// Header spellings → fields: the contract's, then the user's from `[cot]`.
#[derive(Clone, Debug)]
pub struct HeaderRules {
    by_folded: HashMap<String, Field>,
}

impl HeaderRules {
    /// The accepted spellings, plus `extra` (header, field) pairs from
    /// config, which win over the built-in ones.
    pub fn new(extra: &[(String, Field)]) -> HeaderRules {
        let mut by_folded = HashMap::new();
        for field in Field::ALL {
            by_folded.insert(fold(field.name()), field);
            for header in field.headers() {
                by_folded.insert(fold(header), field);
            }
        }
        for (header, field) in extra {
            by_folded.insert(fold(header), *field);
        }
        HeaderRules { by_folded }
    }

    pub fn field_of(&self, header: &str) -> Option<Field> {
        self.by_folded.get(&fold(header)).copied()
    }

    /// Which column holds which field in a candidate header row. When two
    /// columns name the same field, the first one is used.
    pub fn columns<S: AsRef<str>>(&self, row: &[S]) -> Columns {
        let mut pos = [None; Field::COUNT];
        for (i, cell) in row.iter().enumerate() {
            if let Some(field) = self.field_of(cell.as_ref()) {
                pos[field.index()].get_or_insert(i);
            }
        }
        Columns {
            pos,
            width: row.len(),
        }
    }
}

/// The position of each field in the rows of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Columns {
    pos: [Option<usize>; Field::COUNT],
    width: usize,
}

impl Columns {
    pub fn get(&self, field: Field) -> Option<usize> {
        self.pos[field.index()]
    }

    pub fn has(&self, field: Field) -> bool {
        self.get(field).is_some()
    }

    /// The number of cells of the header row.
    pub fn width(&self) -> usize {
        self.width
    }

    pub fn missing_required(&self) -> Vec<Field> {
        Field::REQUIRED
            .into_iter()
            .filter(|f| !self.has(*f))
            .collect()
    }

    pub fn matched(&self) -> usize {
        self.pos.iter().filter(|p| p.is_some()).count()
    }

    pub fn is_header(&self) -> bool {
        self.missing_required().is_empty()
    }
}

/// The header spellings accepted for a field, for messages.
pub fn accepted_spellings(field: Field) -> String {
    let mut names = vec![field.name()];
    names.extend(field.headers());
    names.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_headers_in_any_spelling_map_to_fields() {
        let rules = HeaderRules::new(&[]);
        assert_eq!(rules.field_of("Số hoá hồ sơ"), Some(Field::DigitisedIn));
        assert_eq!(rules.field_of("SỐ HÓA HỒ SƠ"), Some(Field::DigitisedIn));
        assert_eq!(rules.field_of("so_hoa_ho_so"), Some(Field::DigitisedIn));
        assert_eq!(rules.field_of("Hạn xử lý"), Some(Field::Due));
        assert_eq!(
            rules.field_of("Ma\u{0303} hô\u{0300} sơ"),
            Some(Field::Code)
        );
        assert_eq!(rules.field_of("Phí, lệ phí"), Some(Field::Amount));
        assert_eq!(rules.field_of("Ghi chú"), None);
    }

    #[test]
    fn config_headers_are_added_and_win() {
        let rules = HeaderRules::new(&[
            ("Mã HS".to_string(), Field::Code),
            ("Ngày trả".to_string(), Field::Ended),
        ]);
        assert_eq!(rules.field_of("ma hs"), Some(Field::Code));
        assert_eq!(rules.field_of("Ngày trả"), Some(Field::Ended));
    }

    #[test]
    fn header_row_needs_every_required_column() {
        let rules = HeaderRules::new(&[]);
        let row = [
            "STT",
            "Mã hồ sơ",
            "Đơn vị",
            "Kênh",
            "Ngày tiếp nhận",
            "Ngày hẹn trả",
            "Trạng thái",
        ];
        let cols = rules.columns(&row);
        assert!(cols.is_header());
        assert_eq!(cols.get(Field::Code), Some(1));
        assert_eq!(cols.get(Field::Domain), None);
        let cols = rules.columns(&row[..5]);
        assert_eq!(cols.missing_required(), vec![Field::Due, Field::Status]);
    }
}
