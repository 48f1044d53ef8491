//! Text encodings of exports: UTF-8 (with or without BOM), UTF-16 with BOM
//! and Windows-1258, the code page of older Vietnamese Windows software.
//!
//! UTF-8 and Windows-1258 agree on ASCII, so delimiters and quotes can be
//! parsed on the raw bytes and only the fields decoded; UTF-16 is transcoded
//! to UTF-8 as it streams.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Read};

use encoding_rs::{Decoder, DecoderResult, UTF_16BE, UTF_16LE, WINDOWS_1258};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1258,
}

impl Encoding {
    /// Reads the names a user may give (`--encoding`, `[nhap] ma_hoa`).
    pub fn from_name(name: &str) -> Option<Encoding> {
        let n: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match n.as_str() {
            "utf8" => Some(Encoding::Utf8),
            "utf16" | "utf16le" | "unicode" => Some(Encoding::Utf16Le),
            "utf16be" => Some(Encoding::Utf16Be),
            "windows1258" | "cp1258" | "1258" | "win1258" => Some(Encoding::Windows1258),
            _ => None,
        }
    }

    pub const NAMES: &'static str = "utf-8, utf-16, utf-16be, windows-1258";

    /// The encoding_rs encoding of the same name.
    pub fn encoding_rs(self) -> &'static encoding_rs::Encoding {
        match self {
            Encoding::Utf8 => encoding_rs::UTF_8,
            Encoding::Utf16Le => UTF_16LE,
            Encoding::Utf16Be => UTF_16BE,
            Encoding::Windows1258 => WINDOWS_1258,
        }
    }

    /// The name shown to people.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Windows1258 => "Windows-1258",
        }
    }

    /// The BOM at the start of `bytes`, with its length.
    pub fn from_bom(bytes: &[u8]) -> Option<(Encoding, usize)> {
        match bytes {
            [0xEF, 0xBB, 0xBF, ..] => Some((Encoding::Utf8, 3)),
            [0xFF, 0xFE, ..] => Some((Encoding::Utf16Le, 2)),
            [0xFE, 0xFF, ..] => Some((Encoding::Utf16Be, 2)),
            _ => None,
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether `prefix` (the start of a file, possibly cut in the middle of a
/// character) is UTF-8.
pub fn is_utf8_prefix(prefix: &[u8]) -> bool {
    match std::str::from_utf8(prefix) {
        Ok(_) => true,
        // `error_len() == None`: the bytes end inside a valid sequence.
        Err(e) => e.error_len().is_none(),
    }
}

/// Whether a whole file is valid UTF-8, read a block at a time.
pub fn is_utf8_file(path: &std::path::Path) -> io::Result<bool> {
    let mut file = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 256 * 1024];
    // Bytes of a character cut at the end of the last block.
    let mut carry = 0usize;
    loop {
        let n = file.read(&mut buf[carry..])?;
        let end = carry + n;
        if n == 0 {
            return Ok(carry == 0);
        }
        match std::str::from_utf8(&buf[..end]) {
            Ok(_) => carry = 0,
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                buf.copy_within(valid..end, 0);
                carry = end - valid;
            }
            Err(_) => return Ok(false),
        }
    }
}

/// Whether text that is not all valid UTF-8 is still mostly UTF-8: more
/// valid multi-byte characters than invalid bytes. Windows-1258 text almost
/// never forms a valid multi-byte sequence, so a UTF-8 export with a stray
/// row from elsewhere is still read as UTF-8, and that row is flagged.
pub fn mostly_utf8(mut bytes: &[u8]) -> bool {
    let (mut valid, mut invalid) = (0usize, 0usize);
    loop {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                valid += s.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(e) => {
                let (good, rest) = bytes.split_at(e.valid_up_to());
                // `good` is valid by construction.
                valid += std::str::from_utf8(good)
                    .map_or(0, |s| s.chars().filter(|c| !c.is_ascii()).count());
                match e.error_len() {
                    Some(n) => {
                        invalid += n;
                        bytes = &rest[n..];
                    }
                    // Cut inside a character at the end of the prefix.
                    None => break,
                }
            }
        }
    }
    valid > invalid
}

/// Decodes one field of a file in an ASCII-compatible encoding (UTF-8 or
/// Windows-1258). `None` when the bytes are not valid UTF-8.
pub fn decode_field(bytes: &[u8], encoding: Encoding) -> Option<Cow<'_, str>> {
    match encoding {
        Encoding::Windows1258 => Some(WINDOWS_1258.decode_without_bom_handling(bytes).0),
        // UTF-16 was transcoded to UTF-8 before parsing.
        _ => simdutf8::basic::from_utf8(bytes).ok().map(Cow::Borrowed),
    }
}

/// What a [`Transcoder`] writes for each malformed UTF-16 sequence (a lone
/// surrogate, an odd last byte): a byte that valid UTF-8 never holds, so
/// the row holding it is found and refused, never read with U+FFFD in the
/// place of what was lost (two codes that differ there would merge).
pub const MALFORMED: u8 = 0xFF;

/// A reader that transcodes UTF-16 to UTF-8 as it is read; see
/// [`MALFORMED`] for what it makes of invalid input.
pub struct Transcoder<R> {
    inner: R,
    decoder: Decoder,
    input: Vec<u8>,
    input_len: usize,
    output: Vec<u8>,
    out_pos: usize,
    out_len: usize,
    eof: bool,
}

impl<R: Read> Transcoder<R> {
    /// `inner` must start after the BOM.
    pub fn new(inner: R, encoding: Encoding) -> Transcoder<R> {
        let decoder = match encoding {
            Encoding::Utf16Be => UTF_16BE.new_decoder_without_bom_handling(),
            _ => UTF_16LE.new_decoder_without_bom_handling(),
        };
        Transcoder {
            inner,
            decoder,
            input: vec![0; 64 * 1024],
            input_len: 0,
            output: vec![0; 3 * 64 * 1024 + 16],
            out_pos: 0,
            out_len: 0,
            eof: false,
        }
    }

    fn fill(&mut self) -> io::Result<()> {
        while self.out_pos == self.out_len && !(self.eof && self.input_len == 0) {
            if !self.eof && self.input_len < self.input.len() {
                let n = self.inner.read(&mut self.input[self.input_len..])?;
                if n == 0 {
                    self.eof = true;
                }
                self.input_len += n;
            }
            // One byte of the output is kept for a marker.
            let room = self.output.len() - 1;
            let (mut read, mut written) = (0, 0);
            while written < room {
                let (result, r, w) = self.decoder.decode_to_utf8_without_replacement(
                    &self.input[read..self.input_len],
                    &mut self.output[written..room],
                    self.eof,
                );
                read += r;
                written += w;
                match result {
                    DecoderResult::Malformed(..) => {
                        self.output[written] = MALFORMED;
                        written += 1;
                    }
                    DecoderResult::InputEmpty | DecoderResult::OutputFull => break,
                }
            }
            self.input.copy_within(read..self.input_len, 0);
            self.input_len -= read;
            self.out_pos = 0;
            self.out_len = written;
            if self.eof && read == 0 && written == 0 {
                self.input_len = 0;
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Transcoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.fill()?;
        let n = buf.len().min(self.out_len - self.out_pos);
        buf[..n].copy_from_slice(&self.output[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_boms() {
        assert_eq!(Encoding::from_name("UTF-8"), Some(Encoding::Utf8));
        assert_eq!(Encoding::from_name("cp1258"), Some(Encoding::Windows1258));
        assert_eq!(
            Encoding::from_name("Windows-1258"),
            Some(Encoding::Windows1258)
        );
        assert_eq!(Encoding::from_name("latin1"), None);
        assert_eq!(
            Encoding::from_bom(b"\xEF\xBB\xBFa"),
            Some((Encoding::Utf8, 3))
        );
        assert_eq!(
            Encoding::from_bom(b"\xFF\xFEa\0"),
            Some((Encoding::Utf16Le, 2))
        );
        assert_eq!(Encoding::from_bom(b"a"), None);
    }

    #[test]
    fn whole_files_are_checked_across_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x");
        // A character across the 256 KB block boundary.
        let mut text = "a".repeat(256 * 1024 - 1).into_bytes();
        text.extend_from_slice("ệ".as_bytes());
        std::fs::write(&path, &text).unwrap();
        assert!(is_utf8_file(&path).unwrap());
        text.push(0xE3);
        std::fs::write(&path, &text).unwrap();
        assert!(!is_utf8_file(&path).unwrap());
    }

    #[test]
    fn utf8_prefix_may_end_inside_a_character() {
        let s = "Mã hồ sơ".as_bytes();
        assert!(is_utf8_prefix(s));
        assert!(is_utf8_prefix(&s[..2]));
        assert!(!is_utf8_prefix(b"M\xE3 h\xF4"));
    }

    #[test]
    fn mostly_utf8_tells_a_stray_row_from_a_code_page() {
        let mut mixed = "Trực tuyến, Đã trả kết quả, UBND xã Ngọc Kỳ\n"
            .as_bytes()
            .to_vec();
        mixed.extend_from_slice(b"UBND x\xE3 B\n");
        assert!(mostly_utf8(&mixed));
        assert!(!mostly_utf8(
            b"\xD0\xF5n v\xEB, Co\xEC, Tr\xF2c tuy\xEA\xF2n"
        ));
        assert!(!mostly_utf8(b"ascii only"));
    }

    #[test]
    fn windows_1258_fields_decode() {
        // "Có" in Windows-1258: C, o, combining acute (0xEC).
        let decoded = decode_field(b"Co\xEC", Encoding::Windows1258).unwrap();
        assert_eq!(crate::text::nfc(&decoded), "Có");
        assert!(decode_field(b"Co\xEC", Encoding::Utf8).is_none());
    }

    #[test]
    fn a_lone_surrogate_is_marked_not_replaced() {
        // "A", a lone high surrogate, "B", then an odd last byte.
        let units: [u16; 3] = [0x41, 0xD800, 0x42];
        let mut bytes: Vec<u8> = units.iter().flat_map(|u| u.to_le_bytes()).collect();
        bytes.push(0x43);
        let mut out = Vec::new();
        Transcoder::new(&bytes[..], Encoding::Utf16Le)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, [b'A', MALFORMED, b'B', MALFORMED]);
        // Many, across the buffers' ends.
        let units: Vec<u16> = (0..200_000)
            .map(|i| if i % 3 == 0 { 0xDC00 } else { 0x1EA1 })
            .collect();
        let bytes: Vec<u8> = units.iter().flat_map(|u| u.to_be_bytes()).collect();
        let mut out = Vec::new();
        Transcoder::new(&bytes[..], Encoding::Utf16Be)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out.iter().filter(|&&b| b == MALFORMED).count(), 66_667);
        assert_eq!(out.len(), 66_667 + 133_333 * 3);
    }

    #[test]
    fn utf16_transcodes_in_small_reads() {
        let text = "Mã hồ sơ;Đơn vị\nHS-1;UBND xã Ngọc Kỳ\n".repeat(5000);
        for (enc, encode) in [
            (Encoding::Utf16Le, u16::to_le_bytes as fn(u16) -> [u8; 2]),
            (Encoding::Utf16Be, u16::to_be_bytes),
        ] {
            let bytes: Vec<u8> = text.encode_utf16().flat_map(encode).collect();
            let mut out = String::new();
            Transcoder::new(&bytes[..], enc)
                .read_to_string(&mut out)
                .unwrap();
            assert_eq!(out, text);
        }
    }
}
