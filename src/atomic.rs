//! Writing a file so that readers only ever see the old file or the whole
//! new one: write beside it under a temporary name, sync, then rename.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary files being written, so an interrupted run can remove them.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes every temporary file still being written (on Ctrl-C): the
/// targets keep their previous content.
pub fn abandon_all() {
    if let Ok(mut pending) = PENDING.lock() {
        for path in pending.drain(..) {
            let _ = fs::remove_file(path);
        }
    }
}

/// Marks a scratch file to remove if the run is interrupted.
pub fn track(path: &Path) {
    if let Ok(mut pending) = PENDING.lock() {
        pending.push(path.to_path_buf());
    }
}

/// The scratch file is gone or kept on purpose: no longer removed on Ctrl-C.
pub fn forget(path: &Path) {
    if let Ok(mut pending) = PENDING.lock() {
        pending.retain(|p| p != path);
    }
}

/// A file being written; it replaces its target only on [`Pending::commit`]
/// and is removed if dropped before.
pub struct Pending {
    target: PathBuf,
    tmp: PathBuf,
    writer: BufWriter<File>,
    done: bool,
}

impl Pending {
    pub fn create(target: &Path) -> io::Result<Pending> {
        let (tmp, file) = create_temp(target)?;
        if let Ok(mut pending) = PENDING.lock() {
            pending.push(tmp.clone());
        }
        Ok(Pending {
            target: target.to_path_buf(),
            tmp,
            writer: BufWriter::new(file),
            done: false,
        })
    }

    pub fn writer(&mut self) -> &mut BufWriter<File> {
        &mut self.writer
    }

    /// Flushes, syncs and renames over the target.
    pub fn commit(mut self) -> io::Result<()> {
        self.writer.flush()?;
        self.writer.get_ref().sync_all()?;
        self.done = true;
        let (tmp, target) = (self.tmp.clone(), self.target.clone());
        // Close the file before the rename, as Windows needs.
        drop(self);
        let renamed = fs::rename(&tmp, &target).inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
        });
        forget(&tmp);
        renamed
    }
}

impl Write for Pending {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_file(&self.tmp);
            forget(&self.tmp);
        }
    }
}

/// Writes `path` through `fill`; on any error the temporary file is removed
/// and `path` is untouched.
pub fn write<F>(path: &Path, fill: F) -> io::Result<()>
where
    F: FnOnce(&mut BufWriter<File>) -> io::Result<()>,
{
    let mut pending = Pending::create(path)?;
    fill(pending.writer())?;
    pending.commit()
}

/// Writes `bytes` to `path` atomically.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write(path, |w| w.write_all(bytes))
}

fn create_temp(path: &Path) -> io::Result<(PathBuf, File)> {
    if path.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "đường dẫn ra là một thư mục",
        ));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "cctthc".into());
    let pid = std::process::id();
    for attempt in 0..100u32 {
        let tmp = dir.join(format!(".{name}.{pid}.{attempt}.tmp"));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "không tạo được tệp tạm",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_write_leaves_the_old_file() {
        let dir = std::env::temp_dir().join(format!("cctthc-atomic-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.txt");
        write_bytes(&path, b"old").unwrap();
        let r = write(&path, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("boom"))
        });
        assert!(r.is_err());
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            1,
            "no temporary file left"
        );
        {
            let mut p = Pending::create(&path).unwrap();
            p.writer().write_all(b"dropped").unwrap();
        }
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            1,
            "no temporary file left"
        );
        write_bytes(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        fs::remove_dir_all(&dir).unwrap();
    }
}
