//! A small writer of binary Excel 97–2003 workbooks (BIFF8 in an OLE
//! compound file), enough for what OpenCPS's server writes with Apache POI
//! HSSF: one sheet of text cells, some merged. No Rust crate writes .xls.
//!
//! The `Workbook` stream holds the globals (BOF, CODEPAGE, WINDOW1, FONT,
//! XF, STYLE, BOUNDSHEET8, SST with CONTINUE records, EOF) and the sheet
//! (BOF, DIMENSIONS, LABELSST cells, WINDOW2, MERGEDCELLS, EOF), after
//! [MS-XLS]. The container is a version-3 compound file ([MS-CFB]) with
//! 512-byte sectors: the stream (at least 4096 bytes, so no mini stream),
//! then one directory sector, then the FAT. Deterministic: no timestamps.

/// One worksheet: text cells at (row, column), and merged ranges
/// (first row, last row, first column, last column).
pub struct Sheet {
    pub name: String,
    pub cells: Vec<(u16, u16, String)>,
    pub merges: Vec<(u16, u16, u16, u16)>,
}

/// The bytes of an .xls file holding `sheet`.
pub fn xls(sheet: &Sheet) -> Vec<u8> {
    compound_file(&workbook_stream(sheet))
}

const MAX_RECORD: usize = 8224;

fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
    assert!(data.len() <= MAX_RECORD, "record {typ:#06x} too long");
    out.extend_from_slice(&typ.to_le_bytes());
    out.extend_from_slice(&(data.len() as u16).to_le_bytes());
    out.extend_from_slice(data);
}

fn bof(out: &mut Vec<u8>, dt: u16) {
    let mut d = Vec::new();
    d.extend_from_slice(&0x0600u16.to_le_bytes()); // BIFF8
    d.extend_from_slice(&dt.to_le_bytes()); // 5 globals, 0x10 worksheet
    d.extend_from_slice(&0x10D3u16.to_le_bytes()); // build, as HSSF writes it
    d.extend_from_slice(&0x07CCu16.to_le_bytes()); // year 1996
    d.extend_from_slice(&0x41u32.to_le_bytes()); // file history flags
    d.extend_from_slice(&0x06u32.to_le_bytes()); // lowest BIFF version
    record(out, 0x0809, &d);
}

/// An `XLUnicodeRichExtendedString` without runs: one byte a character
/// when every character fits (as Excel and POI compress), else UTF-16LE.
fn unicode_string(s: &str) -> Vec<u8> {
    let units: Vec<u16> = s.encode_utf16().collect();
    let compressed = units.iter().all(|&u| u <= 0xFF);
    let mut d = Vec::with_capacity(3 + units.len() * 2);
    d.extend_from_slice(&(units.len() as u16).to_le_bytes());
    d.push(if compressed { 0 } else { 1 });
    for u in units {
        if compressed {
            d.push(u as u8);
        } else {
            d.extend_from_slice(&u.to_le_bytes());
        }
    }
    d
}

/// A `ShortXLUnicodeString` (8-bit length), for font and sheet names.
fn short_string(s: &str) -> Vec<u8> {
    let mut d = unicode_string(s);
    // cch as one byte: drop the high byte of the 16-bit length.
    assert!(d[1] == 0, "short string too long");
    d.remove(1);
    d
}

fn workbook_stream(sheet: &Sheet) -> Vec<u8> {
    // Shared strings, in order of first use.
    let mut sst: Vec<&str> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut cell_sst = Vec::with_capacity(sheet.cells.len());
    for (_, _, s) in &sheet.cells {
        let i = *index.entry(s.as_str()).or_insert_with(|| {
            sst.push(s.as_str());
            sst.len() - 1
        });
        cell_sst.push(i as u32);
    }

    let mut w = Vec::new();
    bof(&mut w, 0x0005);
    record(&mut w, 0x0042, &1200u16.to_le_bytes()); // CODEPAGE: UTF-16
    // WINDOW1: position, size, flags, active sheet 0, one tab selected.
    let mut win1 = Vec::new();
    for v in [0x0168u16, 0x001E, 0x3A5C, 0x23BE, 0x0038, 0, 0, 1, 0x0258] {
        win1.extend_from_slice(&v.to_le_bytes());
    }
    record(&mut w, 0x003D, &win1);
    // FONT ×4 (index 4 is never used in BIFF): Arial 10 pt.
    for _ in 0..4 {
        let mut f = Vec::new();
        f.extend_from_slice(&200u16.to_le_bytes()); // height, twips
        f.extend_from_slice(&0u16.to_le_bytes()); // attributes
        f.extend_from_slice(&0x7FFFu16.to_le_bytes()); // colour: automatic
        f.extend_from_slice(&400u16.to_le_bytes()); // weight: normal
        f.extend_from_slice(&[0, 0, 0, 0, 0, 0]); // escapement, underline, family, charset, reserved
        f.extend_from_slice(&short_string("Arial"));
        record(&mut w, 0x0031, &f);
    }
    // XF: 15 style formats, then the cell format every cell uses (15).
    for i in 0..16 {
        let mut x = Vec::new();
        x.extend_from_slice(&0u16.to_le_bytes()); // font
        x.extend_from_slice(&0u16.to_le_bytes()); // number format: General
        let options: u16 = if i < 15 { 0xFFF5 } else { 0x0001 };
        x.extend_from_slice(&options.to_le_bytes());
        x.extend_from_slice(&0x0020u16.to_le_bytes()); // alignment: bottom
        let used: u16 = if i < 15 && i > 0 { 0xF400 } else { 0 };
        x.extend_from_slice(&used.to_le_bytes());
        x.extend_from_slice(&[0; 8]); // borders
        x.extend_from_slice(&0x20C0u16.to_le_bytes()); // fill colours
        record(&mut w, 0x00E0, &x);
    }
    // STYLE: the built-in Normal style on XF 0.
    record(&mut w, 0x0293, &[0x00, 0x80, 0x00, 0xFF]);
    // BOUNDSHEET8, its stream position patched once known.
    let boundsheet_at = w.len() + 4;
    let mut bs = vec![0, 0, 0, 0, 0x00, 0x00]; // position, visible, worksheet
    bs.extend_from_slice(&short_string(&sheet.name));
    record(&mut w, 0x0085, &bs);
    // SST: whole strings per record, continued as needed.
    let mut chunk = Vec::new();
    chunk.extend_from_slice(&(sheet.cells.len() as u32).to_le_bytes());
    chunk.extend_from_slice(&(sst.len() as u32).to_le_bytes());
    let mut typ = 0x00FC;
    for s in &sst {
        let bytes = unicode_string(s);
        if chunk.len() + bytes.len() > MAX_RECORD {
            record(&mut w, typ, &chunk);
            chunk.clear();
            typ = 0x003C; // CONTINUE
        }
        chunk.extend_from_slice(&bytes);
    }
    record(&mut w, typ, &chunk);
    record(&mut w, 0x000A, &[]);

    // The sheet.
    let sheet_at = w.len() as u32;
    w[boundsheet_at..boundsheet_at + 4].copy_from_slice(&sheet_at.to_le_bytes());
    bof(&mut w, 0x0010);
    let rows = sheet.cells.iter().map(|c| c.0 + 1).max().unwrap_or(0);
    let cols = sheet.cells.iter().map(|c| c.1 + 1).max().unwrap_or(0);
    let mut dim = Vec::new();
    dim.extend_from_slice(&0u32.to_le_bytes());
    dim.extend_from_slice(&(rows as u32).to_le_bytes());
    dim.extend_from_slice(&0u16.to_le_bytes());
    dim.extend_from_slice(&cols.to_le_bytes());
    dim.extend_from_slice(&0u16.to_le_bytes());
    record(&mut w, 0x0200, &dim);
    for ((row, col, _), isst) in sheet.cells.iter().zip(cell_sst) {
        let mut c = Vec::with_capacity(10);
        c.extend_from_slice(&row.to_le_bytes());
        c.extend_from_slice(&col.to_le_bytes());
        c.extend_from_slice(&15u16.to_le_bytes()); // XF
        c.extend_from_slice(&isst.to_le_bytes());
        record(&mut w, 0x00FD, &c); // LABELSST
    }
    // WINDOW2: grid lines, headers, zeros, first tab selected.
    let mut win2 = Vec::new();
    for v in [0x06B6u16, 0, 0, 0x0040, 0, 0, 0, 0, 0] {
        win2.extend_from_slice(&v.to_le_bytes());
    }
    record(&mut w, 0x023E, &win2);
    for merges in sheet.merges.chunks(1026) {
        let mut m = Vec::new();
        m.extend_from_slice(&(merges.len() as u16).to_le_bytes());
        for &(r0, r1, c0, c1) in merges {
            for v in [r0, r1, c0, c1] {
                m.extend_from_slice(&v.to_le_bytes());
            }
        }
        record(&mut w, 0x00E5, &m); // MERGEDCELLS
    }
    record(&mut w, 0x000A, &[]);
    w
}

const SECTOR: usize = 512;
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const FATSECT: u32 = 0xFFFF_FFFD;
const FREESECT: u32 = 0xFFFF_FFFF;
const NOSTREAM: u32 = 0xFFFF_FFFF;

/// A version-3 compound file holding one stream named `Workbook`.
fn compound_file(stream: &[u8]) -> Vec<u8> {
    let mut data = stream.to_vec();
    // Below 4096 bytes a stream lives in the mini stream; Excel pads the
    // Workbook stream instead.
    if data.len() < 4096 {
        data.resize(4096, 0);
    }
    let size = data.len();
    data.resize(size.div_ceil(SECTOR) * SECTOR, 0);
    let n = data.len() / SECTOR; // stream sectors 0..n
    let dir = n as u32; // then the directory
    let mut fats = 1;
    while n + 1 + fats > fats * (SECTOR / 4) {
        fats += 1;
    }
    assert!(fats <= 109, "stream too large for a header-only DIFAT");

    let mut fat = Vec::with_capacity(fats * SECTOR / 4);
    for i in 0..n as u32 {
        fat.push(if i + 1 == n as u32 { ENDOFCHAIN } else { i + 1 });
    }
    fat.push(ENDOFCHAIN); // the directory
    fat.extend(std::iter::repeat_n(FATSECT, fats));
    fat.resize(fats * SECTOR / 4, FREESECT);

    let mut out = Vec::with_capacity((1 + n + 1 + fats) * SECTOR);
    // Header.
    out.extend_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    out.extend_from_slice(&[0; 16]); // CLSID
    out.extend_from_slice(&0x003Eu16.to_le_bytes()); // minor version
    out.extend_from_slice(&0x0003u16.to_le_bytes()); // major version 3
    out.extend_from_slice(&0xFFFEu16.to_le_bytes()); // little-endian
    out.extend_from_slice(&9u16.to_le_bytes()); // 512-byte sectors
    out.extend_from_slice(&6u16.to_le_bytes()); // 64-byte mini sectors
    out.extend_from_slice(&[0; 6]);
    out.extend_from_slice(&0u32.to_le_bytes()); // directory sectors (v3: 0)
    out.extend_from_slice(&(fats as u32).to_le_bytes());
    out.extend_from_slice(&dir.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes()); // transaction signature
    out.extend_from_slice(&4096u32.to_le_bytes()); // mini stream cutoff
    out.extend_from_slice(&ENDOFCHAIN.to_le_bytes()); // no mini FAT
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&ENDOFCHAIN.to_le_bytes()); // no DIFAT sectors
    out.extend_from_slice(&0u32.to_le_bytes());
    for i in 0..109u32 {
        let id = if (i as usize) < fats {
            dir + 1 + i
        } else {
            FREESECT
        };
        out.extend_from_slice(&id.to_le_bytes());
    }
    debug_assert_eq!(out.len(), SECTOR);

    out.extend_from_slice(&data);

    // Directory: Root Entry, Workbook, two unused entries.
    let mut entries = Vec::with_capacity(SECTOR);
    entries.extend(dir_entry("Root Entry", 5, 1, ENDOFCHAIN, 0));
    entries.extend(dir_entry("Workbook", 2, NOSTREAM, 0, size as u32));
    for _ in 0..2 {
        entries.extend(dir_entry("", 0, NOSTREAM, 0, 0));
    }
    out.extend_from_slice(&entries);

    for id in fat {
        out.extend_from_slice(&id.to_le_bytes());
    }
    out
}

fn dir_entry(name: &str, typ: u8, child: u32, start: u32, size: u32) -> Vec<u8> {
    let mut e = vec![0u8; 128];
    let units: Vec<u16> = name.encode_utf16().collect();
    for (i, u) in units.iter().enumerate() {
        e[i * 2..i * 2 + 2].copy_from_slice(&u.to_le_bytes());
    }
    let len = if name.is_empty() {
        0
    } else {
        (units.len() as u16 + 1) * 2
    };
    e[64..66].copy_from_slice(&len.to_le_bytes());
    e[66] = typ;
    e[67] = if typ == 0 { 0 } else { 1 }; // black
    e[68..72].copy_from_slice(&NOSTREAM.to_le_bytes()); // left sibling
    e[72..76].copy_from_slice(&NOSTREAM.to_le_bytes()); // right sibling
    e[76..80].copy_from_slice(&child.to_le_bytes());
    // CLSID, state bits, creation and modification times: zero.
    e[116..120].copy_from_slice(&start.to_le_bytes());
    e[120..124].copy_from_slice(&size.to_le_bytes());
    e
}
