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
    online_flag: Vec<String>,
    /// The user's `[cot]` pairs, kept for [`HeaderRules::for_json`].
    extra: Vec<(String, Field)>,
}

impl HeaderRules {
    /// The accepted spellings, plus `extra` (header, field) pairs from
    /// config, which win over the built-in ones.
    pub fn new(extra: &[(String, Field)]) -> HeaderRules {
        HeaderRules::build(extra, false)
    }

    /// The rules for JSON records: iGate's keys are accepted too.
    pub fn for_json(&self) -> HeaderRules {
        HeaderRules::build(&self.extra, true)
    }

    fn build(extra: &[(String, Field)], json: bool) -> HeaderRules {
        let mut by_folded = HashMap::new();
        for field in Field::ALL {
            by_folded.insert(fold(field.name()), field);
            for header in field.headers() {
                by_folded.insert(fold(header), field);
            }
            if json {
                for key in field.json_keys() {
                    by_folded.insert(fold(key), field);
                }
            }
        }
        for (header, field) in extra {
            by_folded.insert(fold(header), *field);
        }
        let online_flag = Field::ONLINE_FLAG_HEADERS
            .iter()
            .map(|h| fold(h))
            .filter(|h| !by_folded.contains_key(h))
            .collect();
        HeaderRules {
            by_folded,
            online_flag,
            extra: extra.to_vec(),
        }
    }

    pub fn field_of(&self, header: &str) -> Option<Field> {
        self.by_folded.get(&fold(header)).copied()
    }

    /// Which column holds which field in a candidate header row. When two
    /// columns name the same field, the first one is used.
    pub fn columns<S: AsRef<str>>(&self, row: &[S]) -> Columns {
        let mut pos = [None; Field::COUNT];
        let mut online_flag = None;
        for (i, cell) in row.iter().enumerate() {
            let folded = fold(cell.as_ref());
            if let Some(&field) = self.by_folded.get(&folded) {
                pos[field.index()].get_or_insert(i);
            } else if self.online_flag.contains(&folded) {
                online_flag.get_or_insert(i);
            }
        }
        Columns {
            pos,
            width: row.len(),
            labels: row.iter().map(|c| c.as_ref().trim().to_string()).collect(),
            online_flag: if pos[Field::Channel.index()].is_some() {
                None
            } else {
                online_flag
            },
            rows: 1,
            upper: Vec::new(),
        }
    }

    /// The header of a row on its own, or joined with the row above it
    /// when that finds more fields (a group label merged over the
    /// columns' own labels, SPEC §1.3); `None` when neither is a header.
    pub fn header_of<S: AsRef<str>>(&self, above: Option<&[S]>, row: &[S]) -> Option<Columns> {
        let alone = self.columns(row);
        let joined = above.map(|above| {
            let width = above.len().max(row.len());
            let cells: Vec<String> = (0..width)
                .map(|i| {
                    let lower = row.get(i).map_or("", |c| c.as_ref().trim());
                    let upper = above.get(i).map_or("", |c| c.as_ref().trim());
                    // A merged group label sits in its first column only.
                    let group = (0..=i)
                        .rev()
                        .map(|j| above.get(j).map_or("", |c| c.as_ref().trim()))
                        .find(|u| !u.is_empty())
                        .unwrap_or("");
                    if lower.is_empty() {
                        upper.to_string()
                    } else if self.field_of(lower).is_none()
                        && !group.is_empty()
                        && self.field_of(&format!("{group} {lower}")).is_some()
                    {
                        // "Ngày" over "Hẹn trả" names "Ngày hẹn trả".
                        format!("{group} {lower}")
                    } else {
                        lower.to_string()
                    }
                })
                .collect();
            let mut columns = self.columns(&cells);
            columns.rows = 2;
            columns.upper = above
                .iter()
                .map(|c| c.as_ref().trim().to_string())
                .collect();
            columns
        });
        match joined {
            Some(j) if j.is_header() && (!alone.is_header() || j.matched() > alone.matched()) => {
                Some(j)
            }
            _ if alone.is_header() => Some(alone),
            _ => None,
        }
    }
}

/// The position of each field in the rows of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Columns {
    pos: [Option<usize>; Field::COUNT],
    width: usize,
    /// The header's labels as read (a two-row header's joined).
    labels: Vec<String>,
    /// A yes/no column standing in for a missing channel.
    online_flag: Option<usize>,
    /// How many rows the header takes (1, or 2 when joined).
    rows: u8,
    /// A two-row header's upper labels.
    upper: Vec<String>,
}

impl Columns {
    /// Columns named directly, by position (JSON keys, tests).
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

    /// The header's label of column `i`.
    pub fn label(&self, i: usize) -> &str {
        self.labels.get(i).map_or("", String::as_str)
    }

    /// The yes/no column read as the channel when there is no channel
    /// column.
    pub fn online_flag(&self) -> Option<usize> {
        self.online_flag
    }

    /// Whether the channel is known: a channel column or an online flag.
    pub fn has_channel(&self) -> bool {
        self.has(Field::Channel) || self.online_flag.is_some()
    }

    /// How many rows the header takes.
    pub fn header_rows(&self) -> u8 {
        self.rows
    }

    /// Whether `text` is the upper label of column `i` of a two-row
    /// header (a repeated header's upper row).
    pub fn is_upper_label(&self, i: usize, text: &str) -> bool {
        self.upper
            .get(i)
            .is_some_and(|u| !u.is_empty() && fold(u) == fold(text))
    }

    /// The labelled columns no field is read from.
    pub fn unused(&self) -> Vec<&str> {
        (0..self.labels.len())
            .filter(|i| !self.pos.contains(&Some(*i)) && self.online_flag != Some(*i))
            .map(|i| self.label(i))
            .filter(|l| !l.is_empty())
            .collect()
    }

    pub fn missing_required(&self) -> Vec<Field> {
        Field::REQUIRED
            .into_iter()
            .filter(|f| !self.has(*f))
            .collect()
    }

    pub fn matched(&self) -> usize {
        self.pos.iter().filter(|p| p.is_some()).count() + usize::from(self.online_flag.is_some())
    }

    pub fn is_header(&self) -> bool {
        self.missing_required().is_empty()
    }
}

/// Which of the columns figures need an export has. A figure whose column
/// is missing from any file read is null as a whole, whatever the period
/// holds (SPEC §1.4): a column is known or it is not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Known {
    /// A channel column, or an online flag standing in for one.
    pub channel: bool,
    pub digitised_in: bool,
    pub digitised_out: bool,
    pub fee: bool,
    pub paid_online: bool,
}

impl Known {
    pub const ALL: Known = Known {
        channel: true,
        digitised_in: true,
        digitised_out: true,
        fee: true,
        paid_online: true,
    };

    pub fn of(columns: &Columns) -> Known {
        Known {
            channel: columns.has_channel(),
            digitised_in: columns.has(Field::DigitisedIn),
            digitised_out: columns.has(Field::DigitisedOut),
            fee: columns.has(Field::Fee),
            paid_online: columns.has(Field::PaidOnline),
        }
    }

    /// What both know.
    pub fn and(self, o: Known) -> Known {
        Known {
            channel: self.channel && o.channel,
            digitised_in: self.digitised_in && o.digitised_in,
            digitised_out: self.digitised_out && o.digitised_out,
            fee: self.fee && o.fee,
            paid_online: self.paid_online && o.paid_online,
        }
    }
}

impl Default for Known {
    fn default() -> Known {
        Known::ALL
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
        // No channel column: still a header, the channel is N/A.
        let cols = rules.columns(&[row[1], row[2], row[4], row[5], row[6]]);
        assert!(cols.is_header() && !cols.has_channel());
    }
}

#[cfg(test)]
mod more_tests {
    use super::*;

    #[test]
    fn an_online_flag_stands_in_for_a_missing_channel() {
        let rules = HeaderRules::new(&[]);
        let row = [
            "Mã hồ sơ",
            "Cơ quan thực hiện",
            "Tình trạng",
            "Trực tuyến",
            "Ngày tiếp nhận",
            "Ngày hẹn trả",
            "Ngày kết thúc",
            "Ghi chú",
        ];
        let cols = rules.columns(&row);
        assert!(cols.is_header());
        assert_eq!(cols.online_flag(), Some(3));
        assert!(cols.has_channel());
        assert_eq!(cols.get(Field::Unit), Some(1));
        assert_eq!(cols.get(Field::Status), Some(2));
        assert_eq!(cols.get(Field::Ended), Some(6));
        assert_eq!(cols.unused(), vec!["Ghi chú"]);
        // With a channel column the flag is not used.
        let mut with_channel = row.to_vec();
        with_channel.push("Kênh");
        assert_eq!(rules.columns(&with_channel).online_flag(), None);
    }

    #[test]
    fn a_two_row_header_is_read_as_one() {
        let rules = HeaderRules::new(&[]);
        let upper = [
            "STT",
            "Mã hồ sơ",
            "Đơn vị",
            "Trạng thái",
            "Ngày, tháng, năm",
            "",
        ];
        let lower = ["", "", "", "", "Nhận hồ sơ", "Hẹn trả kết quả"];
        assert!(rules.header_of(None, &upper).is_none());
        let cols = rules
            .header_of(Some(&upper[..]), &lower)
            .expect("joined header");
        assert_eq!(cols.header_rows(), 2);
        assert_eq!(cols.get(Field::Received), Some(4));
        assert_eq!(cols.get(Field::Due), Some(5));
        assert_eq!(cols.get(Field::Code), Some(1));
        // The group label joins a lower label that names nothing alone.
        let upper = ["Mã hồ sơ", "Đơn vị", "Trạng thái", "Ngày", "", ""];
        let lower = ["", "", "", "Tiếp nhận", "Hẹn trả", "Kết thúc xử lý"];
        let cols = rules
            .header_of(Some(&upper[..]), &lower)
            .expect("joined header");
        assert_eq!(cols.get(Field::Received), Some(3));
        assert_eq!(cols.get(Field::Due), Some(4));
        assert_eq!(cols.get(Field::Ended), Some(5));
        assert_eq!(cols.label(4), "Ngày Hẹn trả");
    }

    #[test]
    fn igate_keys_only_in_json() {
        let row = [
            "code",
            "agency.name",
            "acceptedDate",
            "appointmentDate",
            "dossierStatus.name",
        ];
        assert!(!HeaderRules::new(&[]).columns(&row).is_header());
        let json = HeaderRules::new(&[]).for_json();
        let cols = json.columns(&row);
        assert!(cols.is_header());
        assert_eq!(cols.get(Field::Unit), Some(1));
    }
}
