//! Text normalisation shared by every reader: NFC for values we keep, and a
//! folded form for values we only match (headers, statuses, yes/no…).

use std::borrow::Cow;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// The NFC form of `s`, borrowed when it already is NFC (the common case).
pub fn nfc(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfc().collect())
    }
}

/// NFC, trimmed, with every run of whitespace turned into one space: the form
/// in which unit and field names are compared.
pub fn clean_name(s: &str) -> String {
    let s = nfc(s);
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Lower case, without diacritics, `đ` as `d`, and only letters and digits:
/// `Số hoá`, `Số hóa` and `so_hoa` all fold to `sohoa`.
pub fn fold(s: &str) -> String {
    fold_with(s, false)
}

/// Like [`fold`] but words stay separated by one space, for prefix matching
/// (`UBND xã Ngọc Kỳ` → `ubnd xa ngoc ky`).
pub fn fold_words(s: &str) -> String {
    fold_with(s, true)
}

fn fold_with(s: &str, keep_spaces: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfd() {
        let c = match c {
            'đ' | 'Đ' => 'd',
            '\u{0300}'..='\u{036f}' => continue,
            c => c,
        };
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else if keep_spaces {
            pending_space = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_ignores_case_marks_and_punctuation() {
        assert_eq!(fold("Số hoá"), "sohoa");
        assert_eq!(fold("Số hóa"), "sohoa");
        assert_eq!(fold("so_hoa"), "sohoa");
        assert_eq!(fold("Đơn vị tiếp nhận"), "donvitiepnhan");
        assert_eq!(fold("Phí, lệ phí"), "philephi");
        // Decomposed input folds the same as composed input.
        assert_eq!(fold("Ma\u{0303} hô\u{0300} sơ"), fold("Mã hồ sơ"));
    }

    #[test]
    fn fold_words_keeps_word_boundaries() {
        assert_eq!(fold_words("  UBND  xã Ngọc Kỳ "), "ubnd xa ngoc ky");
        assert_eq!(
            fold_words("Văn phòng HĐND và UBND huyện"),
            "van phong hdnd va ubnd huyen"
        );
    }

    #[test]
    fn clean_name_collapses_whitespace_and_composes() {
        assert_eq!(
            clean_name("  UBND   xa\u{0303}\tNgọc Kỳ "),
            "UBND xã Ngọc Kỳ"
        );
        assert!(matches!(nfc("abc"), Cow::Borrowed(_)));
    }
}
