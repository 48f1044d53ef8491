//! Splitting delimited text into records, fast, without copying fields.
//!
//! Records are found 64 bytes at a time: one SIMD pass marks delimiters,
//! quotes, line feeds and carriage returns as bits, quotes turn into an
//! "inside quotes" mask by a prefix XOR, and the fields are the spans
//! between the delimiters left outside quotes. A field is handed out as a
//! slice of the read buffer, its quotes stripped. Only a record with an
//! escaped quote (`""`), text after a closing quote, a quote inside an
//! unquoted field or a lone CR goes through `csv_core`, which handles every
//! CSV rule and copies the fields.

use std::io::{self, Read};

use memchr::memchr_iter;

/// One record: its fields and where it starts. Borrowed from the reader
/// until the next read.
#[derive(Clone, Copy, Debug)]
pub struct Record<'a> {
    data: &'a [u8],
    spans: &'a [(u32, u32)],
    /// Byte offset of the record's start from the reader's start.
    pub byte: u64,
    /// Line of the record's start, from 1.
    pub line: u64,
    /// What the reader already knows of the record's bytes (see
    /// [`Reader::vet`]): a record it does not know about is checked alone.
    pub known: Known,
}

/// What a check of the bytes ahead, many records at a time, found of one
/// record: checking each record alone took a twelfth of reading a CSV
/// (the fixed cost of each call, on a few hundred bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Known {
    /// Its bytes are valid UTF-8.
    pub utf8: bool,
    /// It has no NUL byte.
    pub no_nul: bool,
}

impl<'a> Record<'a> {
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Field `i`, unquoted.
    pub fn get(&self, i: usize) -> Option<&'a [u8]> {
        let &(s, e) = self.spans.get(i)?;
        self.data.get(s as usize..e as usize)
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let (data, spans) = (self.data, self.spans);
        spans
            .iter()
            .filter_map(move |&(s, e)| data.get(s as usize..e as usize))
    }

    /// The record's bytes from its first field to its last: the fields
    /// with the delimiters and quotes between them (ASCII), enough to ask
    /// whether the text is ASCII or valid UTF-8.
    pub fn as_slice(&self) -> &'a [u8] {
        match (self.spans.first(), self.spans.last()) {
            (Some(&(s, _)), Some(&(_, e))) if s <= e => {
                self.data.get(s as usize..e as usize).unwrap_or_default()
            }
            _ => &[],
        }
    }
}

/// The largest line accepted (a hostile file could be one endless line).
const MAX_RECORD: usize = 256 << 20;

/// Reads records from delimited text.
pub struct Reader<R> {
    inner: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    delimiter: u8,
    /// Field spans of the last record, in `buf` from the record's start or
    /// in `owned`.
    spans: Vec<(u32, u32)>,
    /// The last record's fields when csv_core read it.
    owned: Vec<u8>,
    ends: Vec<usize>,
    core: csv_core::Reader,
    /// Whether the processor has AVX2, found once.
    avx2: bool,
    /// Offset and line of `buf[start]` from the reader's start.
    byte: u64,
    line: u64,
    /// Whether to check UTF-8 ahead (a UTF-8 file's reader).
    utf8: bool,
    /// `buf[..utf8_until]` from some record's start is valid UTF-8, and
    /// `buf[..nul_until]` has no NUL byte from some record's start.
    utf8_until: usize,
    nul_until: usize,
}

/// Bytes checked ahead at once: many records, and in cache.
const VET_AHEAD: usize = 64 << 10;

/// What one look at the unread bytes found.
enum Scan {
    /// A record of `len` bytes (its line break included), with `lines`
    /// line breaks in all.
    Record { len: usize, lines: u64 },
    /// An empty line.
    Blank { len: usize },
    /// The record goes on past the bytes read so far.
    More,
    /// A record the fast path does not take: csv_core reads it.
    Slow,
    /// No bytes left.
    End,
}

impl<R: Read> Reader<R> {
    pub fn new(inner: R, delimiter: u8) -> Reader<R> {
        Reader {
            inner,
            buf: vec![0; 256 << 10],
            start: 0,
            end: 0,
            eof: false,
            delimiter,
            spans: Vec::new(),
            owned: Vec::new(),
            ends: Vec::new(),
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            avx2: has_avx2(),
            byte: 0,
            line: 1,
            utf8: false,
            utf8_until: 0,
            nul_until: 0,
        }
    }

    /// Whether records are to be known as UTF-8 or not (see [`Known`]);
    /// off, `Known::utf8` is always false.
    pub fn check_utf8(&mut self, on: bool) {
        self.utf8 = on;
    }

    /// What is known of `buf[at..at + len]`, a record's bytes, checking the
    /// bytes from `at` on, up to [`VET_AHEAD`] of them, when the last
    /// check did not reach its end. A check stops at the first bad byte
    /// (or cut character), so a record past it is checked from its own
    /// start; one longer than `VET_AHEAD` is left to be checked alone.
    fn vet(&mut self, at: usize, len: usize) -> Known {
        let end = at + len;
        let ahead = at..self.end.min(at + VET_AHEAD.max(len));
        if end > self.nul_until {
            self.nul_until = match memchr::memchr(0, &self.buf[ahead.clone()]) {
                Some(p) => at + p,
                None => ahead.end,
            };
        }
        if self.utf8 && end > self.utf8_until {
            let bytes = &self.buf[ahead.clone()];
            // The quicker check first; the one that says where only when
            // something is wrong.
            self.utf8_until = match simdutf8::basic::from_utf8(bytes) {
                Ok(_) => ahead.end,
                Err(_) => {
                    at + simdutf8::compat::from_utf8(bytes).map_or_else(|e| e.valid_up_to(), |_| 0)
                }
            };
        }
        Known {
            utf8: self.utf8 && end <= self.utf8_until,
            no_nul: end <= self.nul_until,
        }
    }

    /// Where the next record would start: bytes read and line.
    pub fn position(&self) -> (u64, u64) {
        (self.byte, self.line)
    }

    /// Moves the unread bytes to the front and reads more; `false` at the
    /// end of input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.utf8_until = self.utf8_until.saturating_sub(self.start);
            self.nul_until = self.nul_until.saturating_sub(self.start);
            self.start = 0;
        }
        if self.end == self.buf.len() {
            if self.buf.len() >= MAX_RECORD {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "một dòng dài hơn 256 MB: tệp không phải bảng dữ liệu?",
                ));
            }
            self.buf.resize(self.buf.len() * 2, 0);
        }
        let n = loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        if n == 0 {
            self.eof = true;
            return Ok(false);
        }
        self.end += n;
        Ok(true)
    }

    fn advance(&mut self, n: usize, lines: u64) {
        self.start += n;
        self.byte += n as u64;
        self.line += lines;
    }

    /// Reads the next record; `None` at the end of input. Blank lines are
    /// skipped.
    pub fn read(&mut self) -> io::Result<Option<Record<'_>>> {
        loop {
            let window = &self.buf[self.start..self.end];
            let found = match self.avx2 {
                // SAFETY: `avx2` is set only when the processor has AVX2.
                #[cfg(target_arch = "x86_64")]
                true => unsafe { scan_avx2(window, self.eof, self.delimiter, &mut self.spans) },
                _ => scan(window, self.eof, self.delimiter, &mut self.spans),
            };
            match found {
                Scan::Record { len, lines } => {
                    let (at, byte, line) = (self.start, self.byte, self.line);
                    let known = self.vet(at, len);
                    self.advance(len, lines);
                    return Ok(Some(Record {
                        data: &self.buf[at..self.end],
                        spans: &self.spans,
                        byte,
                        line,
                        known,
                    }));
                }
                Scan::Blank { len } => self.advance(len, 1),
                Scan::More => {
                    // At the end of input the next scan takes what is left.
                    self.fill()?;
                }
                Scan::Slow => return self.slow(),
                Scan::End => return Ok(None),
            }
        }
    }

    /// One record by csv_core, from `buf[start]`, over as many lines and
    /// refills as it takes.
    fn slow(&mut self) -> io::Result<Option<Record<'_>>> {
        use csv_core::ReadRecordResult as R;
        let (byte, line) = (self.byte, self.line);
        self.owned.resize(self.owned.len().max(1024), 0);
        self.ends.resize(self.ends.len().max(64), 0);
        let (mut nout, mut nend) = (0, 0);
        let mut got = true;
        loop {
            let input = &self.buf[self.start..self.end];
            let (result, nin, o, e) =
                self.core
                    .read_record(input, &mut self.owned[nout..], &mut self.ends[nend..]);
            let lines = memchr_iter(b'\n', &input[..nin]).count() as u64;
            self.advance(nin, lines);
            // csv_core counts ends from the start of the record, across
            // calls.
            nout += o;
            nend += e;
            match result {
                R::InputEmpty => {
                    if !self.fill()? {
                        // End of input inside the record: finish it.
                        got = continue_at_end(
                            &mut self.core,
                            &mut self.owned,
                            &mut self.ends,
                            &mut nout,
                            &mut nend,
                        );
                        break;
                    }
                }
                R::OutputFull => {
                    let len = self.owned.len();
                    self.owned.resize(len * 2, 0);
                }
                R::OutputEndsFull => {
                    let len = self.ends.len();
                    self.ends.resize(len * 2, 0);
                }
                R::Record => break,
                R::End => {
                    got = false;
                    break;
                }
            }
        }
        // After a record ended by CR, csv_core waits to skip an LF; the
        // fast path skips it instead, as a blank line.
        self.core.reset();
        if !got {
            return Ok(None);
        }
        self.spans.clear();
        let mut from = 0;
        for &end in &self.ends[..nend] {
            // Bounded by the buffer, which is at most MAX_RECORD bytes.
            self.spans.push((from as u32, end as u32));
            from = end;
        }
        Ok(Some(Record {
            data: &self.owned[..nout],
            spans: &self.spans,
            byte,
            line,
            known: Known::default(),
        }))
    }
}

/// Bits of the 64 bytes at `block` (bit `i` for byte `i`) equal to the
/// delimiter, a quote, LF and CR.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Marks {
    delimiter: u64,
    quote: u64,
    lf: u64,
    cr: u64,
}

impl Marks {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    fn of(block: &[u8; 64], delimiter: u8) -> Marks {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
        };
        let mut out = [0u64; 4];
        // SAFETY: this is compiled only where SSE2 is enabled (every
        // x86_64 target has it), and each load reads the 16 bytes of a
        // chunk of `block`; `loadu` has no alignment requirement.
        unsafe {
            let needles = [delimiter, b'"', b'\n', b'\r'].map(|c| _mm_set1_epi8(c as i8));
            for (k, chunk) in block.chunks_exact(16).enumerate() {
                let v = _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>());
                for (o, n) in out.iter_mut().zip(&needles) {
                    let bits = _mm_movemask_epi8(_mm_cmpeq_epi8(v, *n)) as u32 & 0xFFFF;
                    *o |= u64::from(bits) << (16 * k);
                }
            }
        }
        Marks {
            delimiter: out[0],
            quote: out[1],
            lf: out[2],
            cr: out[3],
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    #[inline]
    fn of_avx2(block: &[u8; 64], delimiter: u8) -> Marks {
        use std::arch::x86_64::{
            __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_set1_epi8,
        };
        let needles = [delimiter, b'"', b'\n', b'\r'].map(|c| _mm256_set1_epi8(c as i8));
        let mut out = [0u64; 4];
        for (k, chunk) in block.chunks_exact(32).enumerate() {
            // SAFETY: `chunk` is 32 readable bytes; `loadu` has no
            // alignment requirement.
            let v = unsafe { _mm256_loadu_si256(chunk.as_ptr().cast::<__m256i>()) };
            for (o, n) in out.iter_mut().zip(&needles) {
                let bits = _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, *n)) as u32;
                *o |= u64::from(bits) << (32 * k);
            }
        }
        Marks {
            delimiter: out[0],
            quote: out[1],
            lf: out[2],
            cr: out[3],
        }
    }

    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    fn of(block: &[u8; 64], delimiter: u8) -> Marks {
        Marks::scalar(block, delimiter)
    }

    #[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
    fn scalar(block: &[u8; 64], delimiter: u8) -> Marks {
        let mut m = Marks {
            delimiter: 0,
            quote: 0,
            lf: 0,
            cr: 0,
        };
        for (i, &c) in block.iter().enumerate() {
            let bit = 1u64 << i;
            match c {
                _ if c == delimiter => m.delimiter |= bit,
                b'"' => m.quote |= bit,
                b'\n' => m.lf |= bit,
                b'\r' => m.cr |= bit,
                _ => {}
            }
        }
        m
    }
}

fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Bit `i` set when an odd number of bits `0..=i` of `x` are set: with
/// quote bits, the bytes from an opening quote to before its closing one.
fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

/// Finds the record at the start of `window` and its fields' spans.
///
/// The fast path takes CSV whose quoted fields are simple: each quote
/// opens a field (it follows a delimiter or starts the line) or closes one
/// (a delimiter, the line break or the end follows). Anything else is
/// [`Scan::Slow`].
fn scan(window: &[u8], eof: bool, delimiter: u8, spans: &mut Vec<(u32, u32)>) -> Scan {
    scan_with(window, eof, spans, |b| Marks::of(b, delimiter))
}

/// [`scan`] compiled for AVX2, with the marks found 32 bytes at a time.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn scan_avx2(window: &[u8], eof: bool, delimiter: u8, spans: &mut Vec<(u32, u32)>) -> Scan {
    scan_with(window, eof, spans, |b| Marks::of_avx2(b, delimiter))
}

/// The marks of the last bytes of the input (fewer than 64), padded with
/// zeros (no delimiter is a zero byte), and the bit after them: the end
/// acts as a line break.
#[inline(always)]
fn last_block(rest: &[u8], marks_of: &impl Fn(&[u8; 64]) -> Marks) -> (Marks, u64) {
    let mut block = [0u8; 64];
    block[..rest.len()].copy_from_slice(rest);
    let mut m = marks_of(&block);
    let real = (1u64 << rest.len()) - 1;
    m.delimiter &= real;
    m.quote &= real;
    m.lf &= real;
    m.cr &= real;
    (m, 1u64 << rest.len())
}

#[inline(always)]
fn scan_with(
    window: &[u8],
    eof: bool,
    spans: &mut Vec<(u32, u32)>,
    marks_of: impl Fn(&[u8; 64]) -> Marks,
) -> Scan {
    spans.clear();
    if window.is_empty() {
        return if eof { Scan::End } else { Scan::More };
    }
    let mut field_start = 0usize;
    // All ones while inside quotes at the end of the previous block.
    let mut inside = 0u64;
    // Bit 63 of the previous block's marks, carried into bit 0.
    let (mut after_sep, mut after_close, mut after_cr) = (1u64, 0u64, 0u64);
    let mut lines = 0u64;
    let mut at = 0usize;
    loop {
        let (marks, end_bit) = match window.get(at..).and_then(<[u8]>::first_chunk::<64>) {
            Some(block) => (marks_of(block), 0u64),
            None if !eof => return Scan::More,
            None => last_block(&window[at.min(window.len())..], &marks_of),
        };
        let quoted = prefix_xor(marks.quote) ^ inside;
        inside = 0u64.wrapping_sub(quoted >> 63);
        let lf = marks.lf & !quoted;
        let sep = (marks.delimiter & !quoted) | lf | end_bit;
        // The record ends at the first line break outside quotes (or the
        // end of input); later bits belong to the next record.
        let stop = sep & (lf | end_bit);
        let within = match stop {
            0 => u64::MAX,
            s => u64::MAX >> (63 - s.trailing_zeros()),
        };
        let close = marks.quote & !quoted;
        let cr = marks.cr & !quoted;
        // Most blocks have no quote or CR, and none just before: nothing
        // to check.
        if (marks.quote | marks.cr | after_close | after_cr) != 0 {
            let open = marks.quote & quoted;
            let bad = (open & !((sep << 1) | after_sep))
                | (((close << 1) | after_close) & !(sep | cr))
                | (((cr << 1) | after_cr) & !marks.lf);
            if bad & within != 0 {
                return Scan::Slow;
            }
        }
        // A quote never closed, unless the record ended before the end.
        if end_bit != 0 && inside != 0 && stop == end_bit {
            return Scan::Slow;
        }
        if quoted != 0 {
            lines += u64::from((marks.lf & quoted & within).count_ones());
        }
        // Bit i: byte i - 1 is a CR outside quotes, which is checked to
        // precede a LF.
        let cr_before = (cr << 1) | after_cr;
        let mut fields = sep & within;
        // Without branches on the data: fields are often empty or quoted
        // in no pattern a predictor learns.
        while fields != 0 {
            let bit = fields.trailing_zeros();
            fields &= fields - 1;
            let i = at + bit as usize;
            let end = i - ((cr_before >> bit) & 1) as usize;
            // A field that opens with a quote is checked to end with one.
            let q = usize::from(window.get(field_start) == Some(&b'"'));
            spans.push(((field_start + q) as u32, (end - q) as u32));
            field_start = i + 1;
        }
        if stop != 0 {
            let i = at + stop.trailing_zeros() as usize;
            let len = (i + 1).min(window.len());
            let terminated = window.get(i) == Some(&b'\n');
            if spans.len() == 1 && spans[0] == (0, 0) && window.first() != Some(&b'"') {
                return Scan::Blank { len };
            }
            return Scan::Record {
                len,
                lines: lines + u64::from(terminated),
            };
        }
        after_sep = sep >> 63;
        after_close = close >> 63;
        after_cr = cr >> 63;
        at += 64;
    }
}

/// Tells csv_core the input has ended, so it completes a last record;
/// `false` when there was none.
fn continue_at_end(
    core: &mut csv_core::Reader,
    bytes: &mut Vec<u8>,
    ends: &mut Vec<usize>,
    nout: &mut usize,
    nend: &mut usize,
) -> bool {
    loop {
        if *nout >= bytes.len() {
            let len = bytes.len();
            bytes.resize(len * 2 + 1, 0);
        }
        if *nend >= ends.len() {
            let len = ends.len();
            ends.resize(len * 2 + 1, 0);
        }
        let (result, _, o, e) = core.read_record(&[], &mut bytes[*nout..], &mut ends[*nend..]);
        *nout += o;
        *nend += e;
        match result {
            csv_core::ReadRecordResult::OutputFull | csv_core::ReadRecordResult::OutputEndsFull => {
            }
            csv_core::ReadRecordResult::Record => return true,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &[u8], delimiter: u8) -> Vec<(Vec<String>, u64, u64)> {
        let mut r = Reader::new(text, delimiter);
        r.buf = vec![0; 7]; // tiny buffer: every refill path runs
        let mut out = Vec::new();
        while let Some(rec) = r.read().unwrap() {
            out.push((
                rec.iter()
                    .map(|f| String::from_utf8(f.to_vec()).unwrap())
                    .collect(),
                rec.byte,
                rec.line,
            ));
        }
        out
    }

    #[test]
    fn plain_quoted_and_multiline_records() {
        let text = b"a,b,c\n\n1,\"x, \"\"y\"\"\",3\r\n\"multi\nline\",2,\r\nz,,\nlast";
        let got = records(text, b',');
        let fields: Vec<Vec<String>> = got.iter().map(|r| r.0.clone()).collect();
        assert_eq!(
            fields,
            vec![
                vec!["a", "b", "c"],
                vec!["1", "x, \"y\"", "3"],
                vec!["multi\nline", "2", ""],
                vec!["z", "", ""],
                vec!["last"],
            ]
        );
        let lines: Vec<u64> = got.iter().map(|r| r.2).collect();
        assert_eq!(lines, vec![1, 3, 4, 6, 7]);
        let bytes: Vec<u64> = got.iter().map(|r| r.1).collect();
        assert_eq!(bytes, vec![0, 7, 23, 40, 44]);
    }

    #[test]
    fn agrees_with_the_csv_crate() {
        let text = "Mã hồ sơ;Đơn vị;Ghi chú\r\nHS1;UBND xã A;\"có ; dấu\"\r\nHS2;\"UBND\r\nxã B\";\r\n\r\nHS3;C;\"\"\r\n\"a\";\"b\";\nx\"y;\"z\"w;\"\"\"\"\n;;\"\"\n\"q\"";
        let mine: Vec<Vec<String>> = records(text.as_bytes(), b';')
            .into_iter()
            .map(|r| r.0)
            .collect();
        let mut theirs = Vec::new();
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        for rec in rdr.byte_records() {
            theirs.push(
                rec.unwrap()
                    .iter()
                    .map(|f| String::from_utf8(f.to_vec()).unwrap())
                    .collect::<Vec<_>>(),
            );
        }
        assert_eq!(mine, theirs);
    }

    fn theirs(text: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text);
        rdr.byte_records()
            .map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect())
            .collect()
    }

    /// Every record of `text`, checking that each starts after the last,
    /// on the line its byte is on, and not on a line break (the csv crate
    /// counts skipped blank lines into the next record, so it is no guide).
    fn mine(r: &mut Reader<&[u8]>, text: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut out = Vec::new();
        let mut last = None;
        while let Some(rec) = r.read().unwrap() {
            let at = rec.byte as usize;
            assert!(last.is_none_or(|l| l < at), "{last:?} then {at}");
            let lines = text[..at].iter().filter(|&&b| b == b'\n').count() as u64;
            assert_eq!(rec.line, lines + 1, "record at byte {at}");
            assert!(
                !matches!(text.get(at), Some(b'\n')),
                "record at a line break, byte {at}"
            );
            last = Some(at);
            out.push(rec.iter().map(<[u8]>::to_vec).collect());
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn same_records_as_the_csv_crate(text in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::strategy::Just(b'a'), proptest::strategy::Just(b','),
                proptest::strategy::Just(b'"'), proptest::strategy::Just(b'\n'),
                proptest::strategy::Just(b'\r'), proptest::strategy::Just(b' '),
                proptest::strategy::Just(0xC3u8), proptest::strategy::Just(0xA1u8),
            ],
            0..400,
        ), avx2: bool, buffer in proptest::prop_oneof![1usize..8, 60usize..70, 100usize..500]) {
            // Small buffers refill inside records; large ones hold batches
            // of several records.
            let mut r = Reader::new(&text[..], b',');
            r.buf = vec![0; buffer];
            r.avx2 &= avx2;
            proptest::prop_assert_eq!(mine(&mut r, &text), theirs(&text));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// What the reader says it knows of a record's bytes is true of
        /// them, whatever the bad bytes and refills around it.
        #[test]
        fn what_is_known_of_records_is_true(text in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::strategy::Just(b'a'), proptest::strategy::Just(b','),
                proptest::strategy::Just(b'"'), proptest::strategy::Just(b'\n'),
                proptest::strategy::Just(0u8), proptest::strategy::Just(0xC3u8),
                proptest::strategy::Just(0xA1u8), proptest::strategy::Just(0xE1u8),
            ],
            0..400,
        ), buffer in proptest::prop_oneof![1usize..8, 60usize..70, 100usize..500]) {
            let mut r = Reader::new(&text[..], b',');
            r.buf = vec![0; buffer];
            r.check_utf8(true);
            while let Some(rec) = r.read().unwrap() {
                let bytes = rec.as_slice();
                if rec.known.utf8 {
                    proptest::prop_assert!(std::str::from_utf8(bytes).is_ok(), "{:?}", bytes);
                }
                if rec.known.no_nul {
                    proptest::prop_assert!(!bytes.contains(&0), "{:?}", bytes);
                }
            }
        }
    }

    /// Clean records are known as clean, again after a bad one, and only
    /// checked as UTF-8 when asked.
    #[test]
    fn clean_records_are_known() {
        let mut text = Vec::new();
        for i in 0..3000 {
            let row = match i {
                1000 => "HS1000,UBND x\u{e3} A\0,1\n".to_string(),
                _ => format!("HS{i},UBND xã Nguyễn Giáp,{i}\n"),
            };
            text.extend_from_slice(row.as_bytes());
            if i == 2000 {
                text.extend_from_slice(b"HS,\xff\xfe,2\n");
            }
        }
        for utf8 in [true, false] {
            let mut r = Reader::new(&text[..], b',');
            r.buf = vec![0; 4096];
            r.check_utf8(utf8);
            let mut known = Vec::new();
            while let Some(rec) = r.read().unwrap() {
                known.push(rec.known);
            }
            assert_eq!(known.len(), 3001);
            let clean = Known { utf8, no_nul: true };
            for (i, k) in known.iter().enumerate() {
                let want = match i {
                    1000 => Known {
                        utf8,
                        no_nul: false,
                    },
                    2001 => Known {
                        utf8: false,
                        no_nul: true,
                    },
                    _ => clean,
                };
                assert_eq!(*k, want, "record {i}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn simd_marks_are_the_plain_ones(bytes in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::strategy::Just(b','), proptest::strategy::Just(b'"'),
                proptest::strategy::Just(b'\n'), proptest::strategy::Just(b'\r'),
                proptest::strategy::Just(b';'), proptest::num::u8::ANY,
            ], 64)) {
            let mut all = [0u8; 64];
            all.copy_from_slice(&bytes);
            for d in [b',', b';', b'\t'] {
                proptest::prop_assert_eq!(Marks::of(&all, d), Marks::scalar(&all, d));
                #[cfg(target_arch = "x86_64")]
                if has_avx2() {
                    // SAFETY: the processor has AVX2.
                    let wide = unsafe { Marks::of_avx2(&all, d) };
                    proptest::prop_assert_eq!(wide, Marks::scalar(&all, d));
                }
            }
        }
    }

    #[test]
    fn records_across_blocks_and_refills() {
        // Fields of every length around the 64-byte blocks, quoted or not,
        // with CRLF and a last line without a break.
        let mut text = Vec::new();
        for n in 0..140 {
            let f = "x".repeat(n);
            text.extend_from_slice(format!("{f},\"{f},\",{n}\r\n\n").as_bytes());
        }
        text.extend_from_slice(b"end,\"q\"");
        for (buf, avx2) in [
            (3, false),
            (64, true),
            (65, false),
            (1000, true),
            (1000, false),
        ] {
            let mut r = Reader::new(&text[..], b',');
            r.buf = vec![0; buf];
            r.avx2 &= avx2;
            assert_eq!(mine(&mut r, &text), theirs(&text), "buffer of {buf}");
        }
        let lines: Vec<u64> = records(&text, b',').iter().map(|r| r.2).collect();
        assert_eq!(lines[..3], [1, 3, 5]);
        assert_eq!(*lines.last().unwrap(), 281);
    }
}
