//! Just enough of an OLE compound file ([MS-CFB]) to read one stream, and
//! of the BIFF records of a binary .xls in it, to refuse what would make
//! the spreadsheet library reserve memory without bound: a DIMENSIONS
//! record claiming billions of cells is taken at its word by calamine,
//! which aborts the process trying to reserve them.
//!
//! Every offset and chain comes from the file, so every read is checked
//! and every chain walk is bounded by the number of sectors.

const FREE_OR_END: u32 = 0xFFFF_FFFA; // MAXREGSECT + 1: reserved values start here
const HEADER_LEN: usize = 512;
const DIR_ENTRY: usize = 128;

/// BIFF8's sheet: 65 536 rows by 256 columns. A sheet that says it is
/// larger is not one Excel wrote.
pub const MAX_ROWS: u64 = 65_536;
pub const MAX_COLS: u64 = 256;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// A compound file held in memory.
struct Compound<'a> {
    bytes: &'a [u8],
    sector: usize,
    mini_sector: usize,
    mini_cutoff: u64,
    fat: Vec<u32>,
}

impl<'a> Compound<'a> {
    fn new(bytes: &'a [u8]) -> Option<Compound<'a>> {
        if !bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            return None;
        }
        let shift = u16_at(bytes, 0x1E)?;
        let mini_shift = u16_at(bytes, 0x20)?;
        // Version 3 has 512-byte sectors, version 4 has 4096.
        if !(shift == 9 || shift == 12) || mini_shift != 6 {
            return None;
        }
        let mut c = Compound {
            bytes,
            sector: 1 << shift,
            mini_sector: 1 << mini_shift,
            mini_cutoff: u64::from(u32_at(bytes, 0x38)?),
            fat: Vec::new(),
        };
        // The FAT's sectors: 109 in the header, the rest in DIFAT sectors.
        let mut fat_sectors: Vec<u32> = (0..109)
            .filter_map(|i| u32_at(bytes, 0x4C + 4 * i))
            .filter(|&s| s < FREE_OR_END)
            .collect();
        let mut difat = u32_at(bytes, 0x44)?;
        let per_sector = c.sector / 4;
        let mut guard = c.sectors();
        while difat < FREE_OR_END {
            guard = guard.checked_sub(1)?;
            let s = c.sector_bytes(difat)?;
            fat_sectors.extend(
                (0..per_sector - 1)
                    .filter_map(|i| u32_at(s, 4 * i))
                    .filter(|&s| s < FREE_OR_END),
            );
            difat = u32_at(s, 4 * (per_sector - 1))?;
        }
        if fat_sectors.len() > c.sectors() {
            return None;
        }
        let mut fat = Vec::with_capacity(fat_sectors.len() * per_sector);
        for s in fat_sectors {
            let s = c.sector_bytes(s)?;
            fat.extend((0..per_sector).filter_map(|i| u32_at(s, 4 * i)));
        }
        c.fat = fat;
        Some(c)
    }

    /// How many sectors the file has room for: no chain is longer.
    fn sectors(&self) -> usize {
        self.bytes.len().saturating_sub(HEADER_LEN) / self.sector + 1
    }

    fn sector_bytes(&self, id: u32) -> Option<&'a [u8]> {
        let start = HEADER_LEN.checked_add((id as usize).checked_mul(self.sector)?)?;
        self.bytes.get(start..start.checked_add(self.sector)?)
    }

    /// The bytes of the chain starting at `start`, cut to `len`; a chain
    /// longer than `links` sectors loops, and is refused.
    fn chain<'s>(
        start: u32,
        len: u64,
        fat: &[u32],
        links: usize,
        read: impl Fn(u32) -> Option<&'s [u8]>,
    ) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let mut id = start;
        let mut guard = links + 1;
        while id < FREE_OR_END && (out.len() as u64) < len {
            guard = guard.checked_sub(1)?;
            out.extend_from_slice(read(id)?);
            id = *fat.get(id as usize)?;
        }
        out.truncate(usize::try_from(len).ok()?.min(out.len()));
        Some(out)
    }

    fn big_chain(&self, start: u32, len: u64) -> Option<Vec<u8>> {
        Compound::chain(start, len, &self.fat, self.sectors(), |id| {
            self.sector_bytes(id)
        })
    }

    /// The stream named one of `names` (compared without case).
    fn stream(&self, names: &[&str]) -> Option<Vec<u8>> {
        let dir = self.big_chain(u32_at(self.bytes, 0x30)?, u64::MAX)?;
        let entries: Vec<&[u8]> = dir.chunks_exact(DIR_ENTRY).collect();
        let root = entries.first()?;
        let size = |e: &[u8]| -> Option<u64> {
            // Version 3 files keep only the low 32 bits.
            let low = u64::from(u32_at(e, 0x78)?);
            let high = if self.sector == 512 {
                0
            } else {
                u64::from(u32_at(e, 0x7C)?)
            };
            Some(high << 32 | low)
        };
        let found = entries.iter().find(|e| {
            let len = u16_at(e, 0x40).map_or(0, usize::from).min(64);
            let name: Vec<u16> = (0..len.saturating_sub(2) / 2)
                .filter_map(|i| u16_at(e, 2 * i))
                .collect();
            let name = String::from_utf16_lossy(&name);
            e.get(0x42) == Some(&2) && names.iter().any(|n| n.eq_ignore_ascii_case(&name))
        })?;
        let (start, len) = (u32_at(found, 0x74)?, size(found)?);
        if len >= self.mini_cutoff {
            return self.big_chain(start, len);
        }
        // A small stream lives in the mini stream, the root's own stream,
        // in 64-byte sectors chained by the mini FAT.
        let mini_stream = self.big_chain(u32_at(root, 0x74)?, size(root)?)?;
        let mini_fat_bytes = self.big_chain(u32_at(self.bytes, 0x3C)?, u64::MAX)?;
        let mini_fat: Vec<u32> = (0..mini_fat_bytes.len() / 4)
            .filter_map(|i| u32_at(&mini_fat_bytes, 4 * i))
            .collect();
        let m = self.mini_sector;
        Compound::chain(start, len, &mini_fat, mini_stream.len() / m, |id| {
            let at = (id as usize).checked_mul(m)?;
            mini_stream.get(at..at.checked_add(m)?)
        })
    }
}

/// Why a binary .xls must not be handed to the spreadsheet library, if it
/// must not: a sheet whose DIMENSIONS record claims more cells than a
/// BIFF sheet can hold, or a range that ends before it starts.
pub fn refuse_xls(bytes: &[u8]) -> Option<String> {
    let stream = Compound::new(bytes)?.stream(&["Workbook", "Book"])?;
    let mut at = 0usize;
    while let (Some(typ), Some(len)) = (u16_at(&stream, at), u16_at(&stream, at + 2)) {
        let data = stream.get(at + 4..at + 4 + usize::from(len))?;
        at += 4 + usize::from(len);
        if typ != 0x0200 {
            continue;
        }
        // [MS-XLS] 2.4.90: first row, row after the last, first column,
        // column after the last (BIFF5 has 16-bit rows).
        let (first_row, end_row, first_col, end_col) = match data.len() {
            10 => (
                u64::from(u16_at(data, 0)?),
                u64::from(u16_at(data, 2)?),
                u64::from(u16_at(data, 4)?),
                u64::from(u16_at(data, 6)?),
            ),
            14 | 16 => (
                u64::from(u32_at(data, 0)?),
                u64::from(u32_at(data, 4)?),
                u64::from(u16_at(data, 8)?),
                u64::from(u16_at(data, 10)?),
            ),
            _ => continue,
        };
        // calamine reads a first column past 255, or after the end, as 0.
        let first_col = if first_col > 0xFF || end_col < first_col {
            0
        } else {
            first_col
        };
        if end_row == 0 || end_col == 0 {
            continue;
        }
        let (rows, cols) = (
            end_row.checked_sub(first_row),
            end_col.checked_sub(first_col),
        );
        match (rows, cols) {
            (Some(r), Some(c)) if r >= 1 && c >= 1 && r <= MAX_ROWS && c <= MAX_COLS => {}
            _ => {
                return Some(format!(
                    "một trang tính khai báo vùng dữ liệu từ dòng {} đến dòng {}, cột {} đến cột {} — quá giới hạn {} dòng × {} cột của tệp .xls: tệp hỏng hoặc bị sửa; mở bằng Excel rồi lưu lại, hoặc xuất lại từ phần mềm Một cửa",
                    crate::vn::int(first_row as i64 + 1),
                    crate::vn::int(end_row as i64),
                    first_col + 1,
                    end_col,
                    crate::vn::int(MAX_ROWS as i64),
                    MAX_COLS
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/real/baocaothongke.xls");
        std::fs::read(path).unwrap()
    }

    #[test]
    fn a_real_workbook_is_read_and_passes() {
        let bytes = fixture();
        let stream = Compound::new(&bytes)
            .unwrap()
            .stream(&["Workbook"])
            .unwrap();
        // The stream starts with a BIFF8 BOF record.
        assert_eq!(&stream[..2], &[0x09, 0x08]);
        assert_eq!(refuse_xls(&bytes), None);
    }

    #[test]
    fn billions_of_declared_cells_are_refused() {
        let bytes = fixture();
        let stream = Compound::new(&bytes)
            .unwrap()
            .stream(&["Workbook"])
            .unwrap();
        // Patch the DIMENSIONS record where it lies in the file (the
        // stream's sectors are contiguous in this fixture).
        let dim = stream
            .windows(4)
            .position(|w| w == [0x00, 0x02, 0x0E, 0x00])
            .unwrap();
        let in_file = bytes
            .windows(32)
            .position(|w| w == &stream[dim..dim + 32])
            .unwrap();
        let mut bad = bytes.clone();
        bad[in_file + 8..in_file + 12].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
        let why = refuse_xls(&bad).unwrap();
        assert!(why.contains("4.294.967.280"), "{why}");
        // A range that ends before it starts.
        let mut bad = bytes.clone();
        bad[in_file + 4..in_file + 8].copy_from_slice(&10u32.to_le_bytes());
        bad[in_file + 8..in_file + 12].copy_from_slice(&5u32.to_le_bytes());
        assert!(refuse_xls(&bad).is_some());
    }

    #[test]
    fn garbage_is_not_a_compound_file() {
        assert_eq!(refuse_xls(b""), None);
        let mut b = vec![0u8; 4096];
        b[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        b[0x1E] = 9;
        b[0x20] = 6;
        // Chains that loop on themselves end.
        for i in 0..109 {
            b[0x4C + 4 * i..0x50 + 4 * i].copy_from_slice(&0u32.to_le_bytes());
        }
        assert_eq!(refuse_xls(&b), None);
    }
}
