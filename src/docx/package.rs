//! The .docx as a zip: which parts hold text to fill, reading them with a
//! size cap, and writing the output with every other entry copied raw.
//!
//! Output is deterministic: entries keep their order, copied entries keep
//! their compressed bytes and metadata, and rewritten entries get a fixed
//! time, so the same template and context give the same bytes.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, System, ZipArchive, ZipWriter};

use super::error::Error;

/// Largest decompressed size of a part we read: a real document.xml is a
/// few MiB, so anything bigger is a corrupt file or a zip bomb.
pub(crate) const PART_LIMIT: u64 = 64 * 1024 * 1024;

/// Largest decompressed size of all the parts we read together, so that
/// many parts just under [`PART_LIMIT`] cannot exhaust memory either.
pub(crate) const TOTAL_LIMIT: u64 = 256 * 1024 * 1024;

/// A part whose text may hold tags.
pub(crate) struct RawPart {
    /// Position of the entry in the zip, kept to write entries in order.
    pub index: usize,
    pub name: String,
    pub xml: String,
}

/// Whether a zip entry is a part whose text we fill: the main document,
/// headers, footers, footnotes and endnotes (never glossary or others).
pub(crate) fn is_template_part(name: &str) -> bool {
    let Some(file) = name.strip_prefix("word/") else {
        return false;
    };
    let Some(stem) = file.strip_suffix(".xml") else {
        return false;
    };
    let numbered = |prefix: &str| {
        stem.strip_prefix(prefix)
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
    };
    numbered("document") || numbered("header") || numbered("footer") || {
        stem == "footnotes" || stem == "endnotes"
    }
}

fn zip_error(name: &str, err: impl std::fmt::Display) -> Error {
    Error::Zip {
        name: name.to_string(),
        detail: err.to_string(),
    }
}

/// Reads the parts to fill, refusing oversized ones and non-UTF-8 text.
pub(crate) fn read_parts(name: &str, bytes: &[u8]) -> Result<Vec<RawPart>, Error> {
    read_parts_within(name, bytes, PART_LIMIT, TOTAL_LIMIT)
}

fn read_parts_within(
    name: &str,
    bytes: &[u8],
    part_limit: u64,
    total_limit: u64,
) -> Result<Vec<RawPart>, Error> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| zip_error(name, e))?;
    let mut parts = Vec::new();
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).map_err(|e| zip_error(name, e))?;
        let part = match file.name() {
            Ok(part) if is_template_part(&part) => part.into_owned(),
            _ => continue,
        };
        let read = read_capped(&mut file, part_limit)
            .map_err(|e| zip_error(name, format!("{part}: {e}")))?;
        let Some(data) = read else {
            return Err(Error::TooLarge {
                name: name.to_string(),
                part,
                limit_mib: part_limit / (1024 * 1024),
            });
        };
        total = total.saturating_add(data.len() as u64);
        if total > total_limit {
            return Err(Error::TooLargeTotal {
                name: name.to_string(),
                limit_mib: total_limit / (1024 * 1024),
            });
        }
        let xml = String::from_utf8(data).map_err(|_| Error::Xml {
            name: name.to_string(),
            part: part.clone(),
            detail: "không phải văn bản UTF-8".to_string(),
        })?;
        // A byte order mark is optional in UTF-8; dropping it keeps offsets simple.
        let xml = match xml.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => xml,
        };
        parts.push(RawPart {
            index,
            name: part,
            xml,
        });
    }
    if !parts.iter().any(|p| p.name == "word/document.xml") {
        return Err(Error::NotDocx {
            name: name.to_string(),
        });
    }
    Ok(parts)
}

/// The names of all entries, in zip order.
pub(crate) fn entry_names(bytes: &[u8]) -> Result<Vec<String>, String> {
    let archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    archive
        .file_names()
        .map(|n| n.map(|n| n.into_owned()).map_err(|e| e.to_string()))
        .collect()
}

/// One entry's index and contents (at most [`PART_LIMIT`] bytes), or
/// `None` when the zip has no entry of that name.
pub(crate) fn read_entry(bytes: &[u8], name: &str) -> Result<Option<(usize, Vec<u8>)>, String> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let Some(index) = archive.index_for_name(name) else {
        return Ok(None);
    };
    let file = archive.by_index(index).map_err(|e| e.to_string())?;
    let read = read_capped(file, PART_LIMIT).map_err(|e| format!("{name}: {e}"))?;
    let Some(data) = read else {
        return Err(format!(
            "{name}: lớn hơn {} MiB khi giải nén",
            PART_LIMIT / (1024 * 1024)
        ));
    };
    Ok(Some((index, data)))
}

/// All of `file`, or `None` when it holds more than `limit` bytes. One
/// byte past the cap is read to tell "at the cap" from "over it"; the
/// size a zip entry declares is not trusted.
fn read_capped(file: impl Read, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut data = Vec::new();
    file.take(limit + 1).read_to_end(&mut data)?;
    Ok((data.len() as u64 <= limit).then_some(data))
}

/// Writes a copy of the zip `bytes` where the entries at the keys of
/// `replaced` get new contents and the `added` entries follow the others
/// (PNG stored as they are, the rest deflated); all others are copied raw.
pub(crate) fn write(
    bytes: &[u8],
    replaced: &BTreeMap<usize, Vec<u8>>,
    added: &[(String, Vec<u8>)],
) -> Result<Vec<u8>, String> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = fixed_options();
    for index in 0..archive.len() {
        match replaced.get(&index) {
            Some(data) => {
                let file = archive.by_index_raw(index).map_err(|e| e.to_string())?;
                let name = file.name().map_err(|e| e.to_string())?.into_owned();
                drop(file);
                writer
                    .start_file(name, options)
                    .map_err(|e| e.to_string())?;
                writer.write_all(data).map_err(|e| e.to_string())?;
            }
            None => {
                let file = archive.by_index_raw(index).map_err(|e| e.to_string())?;
                writer.raw_copy_file(file).map_err(|e| e.to_string())?;
            }
        }
    }
    for (name, data) in added {
        // PNG is compressed already; deflating it again gains nothing.
        let method = if name.ends_with(".png") {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        writer
            .start_file(name.as_str(), options.compression_method(method))
            .map_err(|e| e.to_string())?;
        writer.write_all(data).map_err(|e| e.to_string())?;
    }
    if !archive.comment().is_empty() {
        writer
            .set_raw_comment(archive.comment().into())
            .map_err(|e| e.to_string())?;
    }
    let out = writer.finish().map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

/// Options of every entry we write: deflated, at a fixed time, and made
/// "on Unix" on every platform (the zip crate would otherwise write the
/// system it runs on), so Linux and Windows give the same bytes.
fn fixed_options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .system(System::Unix)
}

/// The zip `bytes` written again entry by entry with [`fixed_options`]
/// (stored entries stay stored), for a package another crate wrote with
/// the host's system in its headers (rust_xlsxwriter's workbooks). Only
/// for packages this program made: nothing here caps the sizes.
pub fn repack(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let mut data = Vec::new();
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).map_err(|e| e.to_string())?;
        let name = file.name().map_err(|e| e.to_string())?.into_owned();
        let method = match file.compression() {
            CompressionMethod::Stored => CompressionMethod::Stored,
            _ => CompressionMethod::Deflated,
        };
        data.clear();
        file.read_to_end(&mut data).map_err(|e| e.to_string())?;
        drop(file);
        writer
            .start_file(name, fixed_options().compression_method(method))
            .map_err(|e| e.to_string())?;
        writer.write_all(&data).map_err(|e| e.to_string())?;
    }
    Ok(writer.finish().map_err(|e| e.to_string())?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_parts() {
        for yes in [
            "word/document.xml",
            "word/header1.xml",
            "word/footer12.xml",
            "word/header.xml",
            "word/footnotes.xml",
            "word/endnotes.xml",
        ] {
            assert!(is_template_part(yes), "{yes}");
        }
        for no in [
            "word/styles.xml",
            "word/glossary/document.xml",
            "word/_rels/document.xml.rels",
            "word/headerx.xml",
            "docProps/core.xml",
            "word/document.xml.bak",
        ] {
            assert!(!is_template_part(no), "{no}");
        }
    }

    #[test]
    fn not_a_zip_is_an_error() {
        let err = read_parts("x.docx", b"not a zip at all").err();
        assert!(matches!(err, Some(Error::Zip { .. })), "{err:?}");
    }

    /// A zip of spaces: tiny compressed, `size` bytes per part.
    fn spaces(parts: &[&str], size: usize) -> Vec<u8> {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        let spaces = vec![b' '; size];
        let result = (|| -> zip::result::ZipResult<Vec<u8>> {
            for part in parts {
                w.start_file(*part, opts)?;
                w.write_all(&spaces)?;
            }
            Ok(w.finish()?.into_inner())
        })();
        match result {
            Ok(bytes) => bytes,
            Err(e) => panic!("building the test zip: {e}"),
        }
    }

    #[test]
    fn oversized_part_is_refused() {
        let bytes = spaces(&["word/document.xml"], 3 * 1024 * 1024);
        assert!(bytes.len() < 64 * 1024);
        let err = read_parts_within("bomb.docx", &bytes, 2 * 1024 * 1024, 10 * 1024 * 1024).err();
        assert!(
            matches!(err, Some(Error::TooLarge { limit_mib: 2, .. })),
            "{err:?}"
        );
        let ok = read_parts_within("ok.docx", &bytes, 3 * 1024 * 1024, 10 * 1024 * 1024);
        assert!(ok.is_ok());
    }

    #[test]
    fn oversized_total_is_refused() {
        let parts = ["word/document.xml", "word/header1.xml", "word/header2.xml"];
        let bytes = spaces(&parts, 1024 * 1024);
        let err = read_parts_within("bomb.docx", &bytes, 2 * 1024 * 1024, 2 * 1024 * 1024).err();
        assert!(matches!(err, Some(Error::TooLargeTotal { .. })), "{err:?}");
    }
}
