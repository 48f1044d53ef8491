//! Text normalisation shared by every reader: NFC for values we keep, and a
//! folded form for values we only match (headers, statuses, yes/no…).

use std::borrow::Cow;
use std::cmp::Ordering;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// The NFC form of `s`, borrowed when it already is NFC (the common case).
pub fn nfc(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfc().collect())
    }
}

/// The most of a value a message quotes (SPEC §9).
pub const QUOTE_MAX: usize = 80;

/// A value as a message quotes it: at most [`QUOTE_MAX`] characters, then
/// `…` (a 10 MB cell, a 10 kB unit name).
pub fn quote(value: &str) -> Cow<'_, str> {
    match value.char_indices().nth(QUOTE_MAX) {
        None => Cow::Borrowed(value),
        Some((cut, _)) => Cow::Owned(format!("{}…", &value[..cut])),
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
    let mut folded = Folded::new(s.len(), keep_spaces);
    // Each character decomposed on its own (ASCII needs none): the
    // marks dropped here need no canonical reordering, and the streaming
    // NFD of whole lines made header detection a third of a district's
    // read.
    for c in s.chars() {
        if c.is_ascii() {
            folded.take(c);
        } else {
            unicode_normalization::char::decompose_canonical(c, |d| folded.take(d));
        }
    }
    folded.out
}

/// A fold being built from decomposed characters.
struct Folded {
    out: String,
    pending_space: bool,
    keep_spaces: bool,
}

impl Folded {
    fn new(capacity: usize, keep_spaces: bool) -> Folded {
        Folded {
            out: String::with_capacity(capacity),
            pending_space: false,
            keep_spaces,
        }
    }

    /// One decomposed character: marks dropped, `đ` as `d`, letters and
    /// digits in lower case, anything else a word break.
    fn take(&mut self, c: char) {
        let c = match c {
            'đ' | 'Đ' => 'd',
            '\u{0300}'..='\u{036f}' => return,
            c => c,
        };
        if c.is_alphanumeric() {
            if self.pending_space && !self.out.is_empty() {
                self.out.push(' ');
            }
            self.pending_space = false;
            self.out.extend(c.to_lowercase());
        } else if self.keep_spaces {
            self.pending_space = true;
        }
    }
}

/// Vietnamese alphabetical order (SPEC §2): letters as the alphabet orders
/// them (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y), case
/// ignored; then tone marks (none, huyền, hỏi, ngã, sắc, nặng) left to
/// right; then case; then the raw text, so that the order is total.
/// Runs of digits compare by value (`Phường 2` before `Phường 10`).
pub fn vi_cmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    vi_key(a).cmp(&vi_key(b))
}

/// The key [`vi_cmp`] compares, for `sort_by_cached_key` on long lists.
pub fn vi_key(s: &str) -> ViKey {
    let mut key = ViKey {
        letters: Vec::with_capacity(s.len()),
        tones: Vec::new(),
        cases: Vec::new(),
        raw: s.to_string(),
    };
    let mut chars = s.nfd().peekable();
    let mut digits = String::new();
    let mut space = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            digits.push(c);
            if chars.peek().is_some_and(char::is_ascii_digit) {
                continue;
            }
            push_number(&mut key.letters, &digits);
            digits.clear();
            continue;
        }
        if c.is_whitespace() {
            // A run of spaces is one separator, and none at the ends.
            space = true;
            continue;
        }
        if space && !key.letters.is_empty() {
            key.letters.push(SPACE);
        }
        space = false;
        // The marks of this letter: vowel marks make another letter, tone
        // marks only break ties.
        let (mut modifier, mut tone) = (0, 0);
        while let Some(&m) = chars.peek() {
            match m {
                '\u{0306}' => modifier = 1, // breve: ă
                '\u{0302}' => modifier = 2, // circumflex: â ê ô
                '\u{031B}' => modifier = 3, // horn: ơ ư
                '\u{0300}' => tone = 1,     // huyền
                '\u{0309}' => tone = 2,     // hỏi
                '\u{0303}' => tone = 3,     // ngã
                '\u{0301}' => tone = 4,     // sắc
                '\u{0323}' => tone = 5,     // nặng
                _ if is_combining(m) => {}  // foreign marks: raw text decides
                _ => break,
            }
            chars.next();
        }
        let lower = c.to_lowercase().next().unwrap_or(c);
        key.letters.push(letter_weight(lower, modifier));
        key.tones.push(tone);
        key.cases.push(u8::from(lower != c));
    }
    key
}

/// What [`vi_cmp`] compares, in order: letters, tones, case, raw text.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ViKey {
    letters: Vec<u32>,
    tones: Vec<u8>,
    cases: Vec<u8>,
    raw: String,
}

/// Weights of the first level: separators, then punctuation, then numbers,
/// then Latin letters, then any other letter.
const SPACE: u32 = 1;
const PUNCTUATION: u32 = 0x10;
const NUMBER: u32 = 0x20_0000;
const LATIN: u32 = 0x30_0000;
const OTHER: u32 = 0x40_0000;

fn letter_weight(c: char, modifier: u32) -> u32 {
    match c {
        'đ' => LATIN + ('d' as u32 - 'a' as u32) * 4 + 1,
        'a'..='z' => LATIN + (c as u32 - 'a' as u32) * 4 + modifier,
        _ if c.is_alphanumeric() => OTHER + c as u32,
        _ => PUNCTUATION + c as u32,
    }
}

/// A run of digits by value: its length without leading zeros, then its
/// digits (leading zeros are left to the raw text).
fn push_number(out: &mut Vec<u32>, digits: &str) {
    let significant = digits.trim_start_matches('0');
    out.push(NUMBER + significant.len() as u32);
    out.extend(significant.bytes().map(|d| NUMBER + u32::from(d - b'0')));
}

fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
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

    /// The fold over the streaming NFD of the whole text, as first
    /// written, to check the per-character decomposition against.
    fn fold_by_nfd(s: &str, keep_spaces: bool) -> String {
        let mut folded = Folded::new(s.len(), keep_spaces);
        s.nfd().for_each(|c| folded.take(c));
        folded.out
    }

    proptest::proptest! {
        #[test]
        fn fold_is_the_fold_of_the_nfd(s in "[ -~àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđĐÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴÈÉẸẺẼÊỀẾỆỂỄÌÍỊỈĨÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠÙÚỤỦŨƯỪỨỰỬỮỲÝỴỶỸ\u{0300}\u{0301}\u{0303}\u{0309}\u{0323}İẞ한글\t]{0,60}") {
            proptest::prop_assert_eq!(fold(&s), fold_by_nfd(&s, false));
            proptest::prop_assert_eq!(fold_words(&s), fold_by_nfd(&s, true));
        }
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

    #[test]
    fn vietnamese_alphabetical_order() {
        let mut names = vec![
            "UBND xã Hà Kỳ",
            "UBND xã Đại Sơn",
            "UBND xã Dân Chủ",
            "UBND xã Ân Thi",
            "UBND xã Ăn Sơn",
            "UBND xã An Bình",
            "UBND xã Anh Sơn",
            "UBND xã Ấp Bắc",
        ];
        names.sort_by(|a, b| vi_cmp(a, b));
        assert_eq!(
            names,
            [
                "UBND xã An Bình",
                "UBND xã Anh Sơn",
                "UBND xã Ăn Sơn",
                "UBND xã Ân Thi",
                "UBND xã Ấp Bắc",
                "UBND xã Dân Chủ",
                "UBND xã Đại Sơn",
                "UBND xã Hà Kỳ",
            ]
        );
        // Code-point order gets these wrong: `Đ` (U+0110) sorts after `H`.
        assert_eq!(vi_cmp("UBND xã Đại Sơn", "UBND xã Hà Kỳ"), Ordering::Less);
        assert_eq!(
            vi_cmp("UBND xã Đại Sơn", "UBND xã Dân Chủ"),
            Ordering::Greater
        );
        assert_eq!(vi_cmp("Ấp", "Anh"), Ordering::Greater);
        assert_eq!(vi_cmp("ơ", "ô"), Ordering::Greater);
        assert_eq!(vi_cmp("ư", "v"), Ordering::Less);
        assert_eq!(vi_cmp("ê", "f"), Ordering::Less);
    }

    #[test]
    fn tones_only_break_ties() {
        let mut words = vec!["mạ", "má", "mã", "mả", "mà", "ma", "mai"];
        words.sort_by(|a, b| vi_cmp(a, b));
        assert_eq!(words, ["ma", "mà", "mả", "mã", "má", "mạ", "mai"]);
        // A tone never outweighs a letter: `bá` < `bb`.
        assert_eq!(vi_cmp("bá", "bb"), Ordering::Less);
        // Case is ignored first, then lower before upper.
        assert_eq!(vi_cmp("hà nội", "Hà Tĩnh"), Ordering::Less);
        assert_eq!(vi_cmp("Hà", "hà"), Ordering::Greater);
        // Decomposed and composed spellings differ only in the raw text.
        let (nfc_form, nfd_form) = ("Kỳ", "Ky\u{0300}");
        assert_ne!(vi_cmp(nfc_form, nfd_form), Ordering::Equal);
        assert_eq!(vi_key(nfc_form).letters, vi_key(nfd_form).letters);
        assert_eq!(vi_key(nfc_form).tones, vi_key(nfd_form).tones);
    }

    #[test]
    fn spaces_and_numbers() {
        assert_eq!(vi_cmp("An Bình", "Anh"), Ordering::Less);
        assert_eq!(vi_cmp("Phường 2", "Phường 10"), Ordering::Less);
        assert_eq!(vi_cmp("Phường 10", "Phường 9"), Ordering::Greater);
        assert!(vi_cmp("Phường  2", "Phường 2").is_ne());
        assert_eq!(vi_key("Phường  2").letters, vi_key(" Phường 2 ").letters);
        assert_eq!(vi_cmp("", "a"), Ordering::Less);
    }

    proptest::proptest! {
        #[test]
        fn vi_cmp_is_a_total_order(
            a in "[aăâbdđeêioôơuưy AĂÂĐÊƠƯ0-9\u{0300}\u{0301}\u{0309}\u{0303}\u{0323}-]{0,6}",
            b in "[aăâbdđeêioôơuưy AĂÂĐÊƠƯ0-9\u{0300}\u{0301}\u{0309}\u{0303}\u{0323}-]{0,6}",
            c in "[aăâbdđeêioôơuưy AĂÂĐÊƠƯ0-9\u{0300}\u{0301}\u{0309}\u{0303}\u{0323}-]{0,6}",
        ) {
            let (ab, ba) = (vi_cmp(&a, &b), vi_cmp(&b, &a));
            proptest::prop_assert_eq!(ab, ba.reverse());
            proptest::prop_assert_eq!(ab.is_eq(), a == b);
            if ab.is_le() && vi_cmp(&b, &c).is_le() {
                proptest::prop_assert!(vi_cmp(&a, &c).is_le());
            }
            let mut v = [a.clone(), b.clone(), c.clone()];
            v.sort_by(|x, y| vi_cmp(x, y));
            proptest::prop_assert!(v.windows(2).all(|w| vi_cmp(&w[0], &w[1]).is_le()));
        }
    }
}
