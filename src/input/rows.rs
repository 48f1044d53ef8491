//! Splitting delimited text into records, fast. Exports are mostly lines
//! without quotes: those are split with a SIMD byte search. A line with a
//! quote (a field with a delimiter, a quote or a line break in it) goes
//! through `csv_core`, which handles every CSV rule.

use std::io::{self, Read};

use memchr::{memchr, memchr_iter, memchr3_iter};

/// One record: its fields' bytes, unquoted, and where it starts.
#[derive(Clone, Debug, Default)]
pub struct Record {
    bytes: Vec<u8>,
    ends: Vec<usize>,
    /// Byte offset of the record's start from the reader's start.
    pub byte: u64,
    /// Line of the record's start, from 1.
    pub line: u64,
}

impl Record {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.bytes.get(start..end)
    }

    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Every field's bytes, one after the other.
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
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
    core: csv_core::Reader,
    /// Offset and line of `buf[start]` from the reader's start.
    byte: u64,
    line: u64,
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
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            byte: 0,
            line: 1,
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

    /// Reads the next record; `false` at the end of input. Blank lines are
    /// skipped.
    pub fn read(&mut self, record: &mut Record) -> io::Result<bool> {
        loop {
            let window = &self.buf[self.start..self.end];
            let Some(nl) = memchr(b'\n', window) else {
                if self.fill()? {
                    continue;
                }
                // The last line, without a line break.
                if self.start == self.end {
                    return Ok(false);
                }
                let len = self.end - self.start;
                if self.take_line(record, len, len)? {
                    return Ok(true);
                }
                continue;
            };
            let mut line_end = nl;
            if line_end > 0 && window[line_end - 1] == b'\r' {
                line_end -= 1;
            }
            if line_end == 0 {
                self.advance(nl + 1, 1);
                continue;
            }
            if self.take_line(record, line_end, nl + 1)? {
                return Ok(true);
            }
        }
    }

    /// Takes the line `buf[start..start + content]` (consuming `total`
    /// bytes), or hands it to csv_core when it has a quote or a lone CR.
    /// `false` when what was consumed held no record (lone CRs).
    fn take_line(&mut self, record: &mut Record, content: usize, total: usize) -> io::Result<bool> {
        let line = &self.buf[self.start..self.start + content];
        record.clear();
        record.byte = self.byte;
        record.line = self.line;
        if !split(line, self.delimiter, record) {
            record.clear();
            return self.slow(record);
        }
        self.advance(total, u64::from(total > content));
        Ok(true)
    }

    /// One record by csv_core, from `buf[start]`, over as many lines and
    /// refills as it takes.
    fn slow(&mut self, record: &mut Record) -> io::Result<bool> {
        use csv_core::ReadRecordResult as R;
        record.bytes.resize(record.bytes.len().max(1024), 0);
        record.ends.resize(record.ends.len().max(64), 0);
        let (mut nout, mut nend) = (0, 0);
        let mut got = true;
        loop {
            let input = &self.buf[self.start..self.end];
            let (result, nin, o, e) =
                self.core
                    .read_record(input, &mut record.bytes[nout..], &mut record.ends[nend..]);
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
                        got = continue_at_end(&mut self.core, record, &mut nout, &mut nend);
                        break;
                    }
                }
                R::OutputFull => {
                    let len = record.bytes.len();
                    record.bytes.resize(len * 2, 0);
                }
                R::OutputEndsFull => {
                    let len = record.ends.len();
                    record.ends.resize(len * 2, 0);
                }
                R::Record => break,
                R::End => {
                    got = false;
                    break;
                }
            }
        }
        record.bytes.truncate(nout);
        record.ends.truncate(nend);
        // After a record ended by CR, csv_core waits to skip an LF; the
        // line reader skips it instead, as a blank line.
        self.core.reset();
        Ok(got)
    }
}

/// Splits a one-line record in one pass over its delimiters and quotes.
/// Quoted fields must be simple: a quote, text without quotes, a quote,
/// then a delimiter or the end. `false` for anything else (escaped quotes,
/// text after a closing quote, a quote inside an unquoted field, a lone CR),
/// which csv_core then reads.
fn split(line: &[u8], delimiter: u8, record: &mut Record) -> bool {
    let mut start = 0;
    // The position of the opening quote of the current field, if quoted.
    let mut open: Option<usize> = None;
    // After a closing quote, the field's end; only a delimiter may follow.
    let mut closed: Option<usize> = None;
    for i in memchr3_iter(delimiter, b'"', b'\r', line) {
        match line[i] {
            b'"' => match (open, closed) {
                (None, None) if i == start => open = Some(i),
                (Some(_), None) => {
                    closed = Some(i);
                    open = None;
                }
                _ => return false,
            },
            b'\r' => return false,
            _ => {
                if open.is_some() {
                    continue; // a delimiter inside quotes
                }
                match closed.take() {
                    Some(q) if q + 1 == i => record.bytes.extend_from_slice(&line[start + 1..q]),
                    Some(_) => return false,
                    None => record.bytes.extend_from_slice(&line[start..i]),
                }
                record.ends.push(record.bytes.len());
                start = i + 1;
            }
        }
    }
    if open.is_some() {
        return false;
    }
    match closed {
        Some(q) if q + 1 == line.len() => record.bytes.extend_from_slice(&line[start + 1..q]),
        Some(_) => return false,
        None => record.bytes.extend_from_slice(&line[start..]),
    }
    record.ends.push(record.bytes.len());
    true
}

/// Tells csv_core the input has ended, so it completes a last record;
/// `false` when there was none.
fn continue_at_end(
    core: &mut csv_core::Reader,
    record: &mut Record,
    nout: &mut usize,
    nend: &mut usize,
) -> bool {
    loop {
        if *nout >= record.bytes.len() {
            let len = record.bytes.len();
            record.bytes.resize(len * 2 + 1, 0);
        }
        if *nend >= record.ends.len() {
            let len = record.ends.len();
            record.ends.resize(len * 2 + 1, 0);
        }
        let (result, _, o, e) =
            core.read_record(&[], &mut record.bytes[*nout..], &mut record.ends[*nend..]);
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
        let mut rec = Record::default();
        while r.read(&mut rec).unwrap() {
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

    proptest::proptest! {
        #[test]
        fn same_records_as_the_csv_crate(text in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::strategy::Just(b'a'), proptest::strategy::Just(b','),
                proptest::strategy::Just(b'"'), proptest::strategy::Just(b'\n'),
                proptest::strategy::Just(b'\r'), proptest::strategy::Just(b' '),
                proptest::strategy::Just(0xC3u8), proptest::strategy::Just(0xA1u8),
            ],
            0..200,
        )) {
            let mut r = Reader::new(&text[..], b',');
            r.buf = vec![0; 5];
            let mut mine = Vec::new();
            let mut rec = Record::default();
            while r.read(&mut rec).unwrap() {
                mine.push(rec.iter().map(<[u8]>::to_vec).collect::<Vec<_>>());
            }
            proptest::prop_assert_eq!(mine, theirs(&text));
        }
    }
}
