//! Writing a file so that readers only ever see the old file or the whole
//! new one: write beside it under a temporary name, sync, then rename.
//!
//! Whoever runs it (a cron job runs as root), writing never destroys what
//! is not a report (SPEC §8): a target that is not a regular file (a
//! device, a FIFO) is written to as it is, never replaced; a symbolic link
//! is followed and the file it points to replaced; a replaced file keeps
//! its permissions and owner; a read-only file is refused.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// Temporary and spill files being written, so an interrupted run can
/// remove them.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// How many links a chain may have before it is taken for a loop (as
/// Linux's `ELOOP`).
const MAX_LINKS: usize = 40;

fn pending() -> MutexGuard<'static, Vec<PathBuf>> {
    // A panic elsewhere must not keep the clean-up from running.
    PENDING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Removes every temporary and spill file still being written (on a
/// signal): the targets keep their previous content. The returned guard
/// keeps any other thread from creating a new one; hold it until exit.
pub fn abandon_all() -> MutexGuard<'static, Vec<PathBuf>> {
    let mut pending = pending();
    for path in pending.drain(..) {
        let _ = fs::remove_file(path);
    }
    pending
}

/// Marks a scratch file to remove if the run is interrupted; call it
/// before creating the file, so no moment leaves it untracked.
pub fn track(path: &Path) {
    pending().push(path.to_path_buf());
}

/// The scratch file is gone or kept on purpose: no longer removed on a
/// signal.
pub fn forget(path: &Path) {
    pending().retain(|p| p != path);
}

/// A file being written; it replaces its target only on [`Pending::commit`]
/// and is removed if dropped before.
pub struct Pending {
    writer: BufWriter<File>,
    how: How,
    done: bool,
}

enum How {
    /// Not a regular file (a device, a FIFO, the terminal): written to.
    Direct,
    /// Written beside `target` as `tmp`, then renamed over it.
    Replace { target: PathBuf, tmp: PathBuf },
}

impl Pending {
    pub fn create(path: &Path) -> io::Result<Pending> {
        let (writer, how) = match open_target(path)? {
            Target::Direct(file) => (file, How::Direct),
            Target::Replace { target, existing } => {
                let dir = folder_of(&target);
                let (tmp, file) = create_temp(&dir, existing.is_some())?;
                if let Some(meta) = &existing
                    && let Err(e) = keep_owner_and_mode(&file, meta)
                {
                    drop(file);
                    let _ = fs::remove_file(&tmp);
                    forget(&tmp);
                    return Err(e);
                }
                (file, How::Replace { target, tmp })
            }
        };
        Ok(Pending {
            writer: BufWriter::new(writer),
            how,
            done: false,
        })
    }

    pub fn writer(&mut self) -> &mut BufWriter<File> {
        &mut self.writer
    }

    /// Flushes; for a regular file, syncs and renames over the target.
    pub fn commit(mut self) -> io::Result<()> {
        self.writer.flush()?;
        let (tmp, target) = match &self.how {
            How::Direct => {
                self.done = true;
                return Ok(());
            }
            How::Replace { target, tmp } => (tmp.clone(), target.clone()),
        };
        self.writer.get_ref().sync_all()?;
        self.done = true;
        // Close the file before the rename, as Windows needs.
        drop(self);
        let renamed = fs::rename(&tmp, &target).inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
        });
        forget(&tmp);
        if renamed.is_ok() {
            sync_folder(&folder_of(&target));
        }
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
        if !self.done
            && let How::Replace { tmp, .. } = &self.how
        {
            let _ = fs::remove_file(tmp);
            forget(tmp);
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

/// Where a write goes.
enum Target {
    Direct(File),
    /// The file to replace (links followed), and what it is now if it
    /// exists.
    Replace {
        target: PathBuf,
        existing: Option<fs::Metadata>,
    },
}

fn open_target(path: &Path) -> io::Result<Target> {
    if system_path(path) {
        return direct(path);
    }
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "đường dẫn ra là một thư mục",
        )),
        Ok(meta) if !meta.is_file() => direct(path),
        Ok(meta) => {
            refuse_read_only(path, &meta)?;
            Ok(Target::Replace {
                target: fs::canonicalize(path)?,
                existing: Some(meta),
            })
        }
        // A new file, or a link to a file still to be made: made there.
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Target::Replace {
            target: follow_links(path)?,
            existing: None,
        }),
        Err(e) => Err(e),
    }
}

/// Opens what is not a regular file as it is: a device or a FIFO is not
/// replaced by a file. Appending, so a file reached through `/dev/stdout`
/// (a shell's `>>`) keeps what it had.
fn direct(path: &Path) -> io::Result<Target> {
    OpenOptions::new()
        .append(true)
        .open(path)
        .map(Target::Direct)
}

/// A path under `/proc`, or a link into it as `/dev/stdout` and `/dev/fd/N`
/// are: it names whatever a file descriptor is (a shell's `>> log`), to be
/// written to, never replaced. (`/dev/shm` holds ordinary files.)
fn system_path(path: &Path) -> bool {
    if !cfg!(unix) {
        return false;
    }
    let under = |p: &Path| {
        std::path::absolute(p)
            .map(|a| a.starts_with("/proc"))
            .unwrap_or(false)
    };
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        if under(&p) {
            return true;
        }
        match fs::read_link(&p) {
            Ok(next) => p = beside(&p, next),
            Err(_) => return false,
        }
    }
    false
}

/// The end of a chain of symbolic links, which may not exist yet.
fn follow_links(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => p = beside(&p, fs::read_link(&p)?),
            _ => return Ok(p),
        }
    }
    Err(io::Error::other(format!(
        "{}: quá nhiều liên kết (symlink) nối nhau",
        path.display()
    )))
}

/// A link's target, read relative to the link's folder.
fn beside(link: &Path, target: PathBuf) -> PathBuf {
    if target.is_absolute() {
        target
    } else {
        folder_of(link).join(target)
    }
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A file its owner made read-only, or one this user may not write, is not
/// replaced: the rename would succeed where writing the file would not.
fn refuse_read_only(path: &Path, meta: &fs::Metadata) -> io::Result<()> {
    if meta.permissions().readonly() {
        let how = if cfg!(windows) {
            "bỏ dấu Read-only trong Properties của tệp"
        } else {
            "như chmod u+w"
        };
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "tệp đã có và chỉ cho đọc: không ghi đè (bỏ thuộc tính chỉ đọc, {how}, hoặc chọn tệp khác)"
            ),
        ));
    }
    match OpenOptions::new().write(true).open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "tệp đã có và người dùng này không có quyền ghi: không ghi đè",
        )),
        Err(e) => Err(e),
    }
}

/// A temporary file in `dir` under a short name, so a target whose name is
/// as long as the system allows can still be written. Private until it
/// takes the target's permissions when it replaces one.
fn create_temp(dir: &Path, private: bool) -> io::Result<(PathBuf, File)> {
    let pid = std::process::id();
    for attempt in 0..100u32 {
        let tmp = dir.join(format!(".cctthc-{pid}-{attempt}.tmp"));
        track(&tmp);
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        if private {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        #[cfg(not(unix))]
        let _ = private;
        match options.open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) => {
                forget(&tmp);
                if e.kind() != io::ErrorKind::AlreadyExists {
                    return Err(e);
                }
            }
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "không tạo được tệp tạm",
    ))
}

/// The replacement keeps the owner (where this user may give it: root) and
/// the mode of the file it replaces.
fn keep_owner_and_mode(file: &File, meta: &fs::Metadata) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, fchown};
        let mine = file.metadata()?;
        if (mine.uid(), mine.gid()) != (meta.uid(), meta.gid())
            && fchown(file, Some(meta.uid()), Some(meta.gid())).is_err()
        {
            // Not root: the group at least, when this user is in it.
            let _ = fchown(file, None, Some(meta.gid()));
        }
    }
    // After the owner: changing it may clear the set-id bits.
    file.set_permissions(meta.permissions())
}

/// Makes the rename durable; where a folder cannot be synced (Windows,
/// some file systems), the rename stands all the same.
fn sync_folder(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// An error of writing, for the clerk: what it means in Vietnamese, then
/// the system's own words (which a technician may search for).
pub fn describe(e: &io::Error) -> String {
    // Windows will not replace a file another program holds open: the
    // report the clerk is reading in Word (sharing or lock violation).
    if cfg!(windows) && matches!(e.raw_os_error(), Some(32 | 33)) {
        return format!(
            "tệp đang mở trong chương trình khác (Word, Excel?): đóng tệp rồi chạy lại ({e})"
        );
    }
    let meaning = match e.kind() {
        io::ErrorKind::StorageFull => "đĩa đã đầy",
        io::ErrorKind::QuotaExceeded => "đã hết hạn mức dung lượng",
        io::ErrorKind::ReadOnlyFilesystem => "ổ đĩa chỉ cho đọc",
        io::ErrorKind::FileTooLarge => "tệp quá lớn",
        io::ErrorKind::InvalidFilename => "tên tệp quá dài hoặc không hợp lệ",
        io::ErrorKind::NotFound => "không tìm thấy thư mục hoặc tệp",
        io::ErrorKind::PermissionDenied if cfg!(windows) && e.raw_os_error().is_some() => {
            "không có quyền ghi, hoặc tệp đang mở trong Word, Excel (đóng tệp rồi chạy lại)"
        }
        io::ErrorKind::PermissionDenied if e.raw_os_error().is_some() => "không có quyền ghi",
        _ => return e.to_string(),
    };
    format!("{meaning} ({e})")
}

/// What makes two paths one file: its device and inode when it exists,
/// else its absolute path with links and `..` resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileId {
    Node(u64, u64),
    Path(PathBuf),
    /// A device, a FIFO: writing it twice, or writing what is read from
    /// it, destroys no file.
    NotAFile,
}

impl FileId {
    pub fn of(path: &Path) -> FileId {
        match fs::metadata(path) {
            Ok(meta) if !meta.is_file() && !meta.is_dir() => FileId::NotAFile,
            Ok(meta) => node(path, &meta),
            Err(_) => FileId::Path(absolute(path)),
        }
    }

    /// The file stdout goes to, when it is a regular file.
    pub fn stdout() -> Option<FileId> {
        #[cfg(unix)]
        {
            use std::os::fd::AsFd;
            let fd = io::stdout().as_fd().try_clone_to_owned().ok()?;
            let meta = File::from(fd).metadata().ok()?;
            meta.is_file().then(|| node(Path::new(""), &meta))
        }
        #[cfg(windows)]
        {
            use std::os::windows::io::AsHandle;
            let handle = io::stdout().as_handle().try_clone_to_owned().ok()?;
            let (volume, index) = crate::windows::file_id(&File::from(handle))?;
            Some(FileId::Node(volume, index))
        }
        #[cfg(not(any(unix, windows)))]
        {
            None
        }
    }

    /// Whether writing one destroys the other.
    pub fn same(&self, other: &FileId) -> bool {
        *self != FileId::NotAFile && self == other
    }
}

#[cfg(unix)]
fn node(_: &Path, meta: &fs::Metadata) -> FileId {
    use std::os::unix::fs::MetadataExt;
    FileId::Node(meta.dev(), meta.ino())
}

#[cfg(windows)]
fn node(path: &Path, _: &fs::Metadata) -> FileId {
    use std::os::windows::fs::OpenOptionsExt;
    // No access asked, and backup semantics, so folders and files we may
    // not read open too: only their identity is wanted.
    const FILE_FLAG_BACKUP_SEMANTICS: u32 = 0x0200_0000;
    let file = fs::OpenOptions::new()
        .access_mode(0)
        .custom_flags(FILE_FLAG_BACKUP_SEMANTICS)
        .open(path);
    match file.ok().as_ref().and_then(crate::windows::file_id) {
        Some((volume, index)) => FileId::Node(volume, index),
        None => FileId::Path(absolute(path)),
    }
}

#[cfg(not(any(unix, windows)))]
fn node(path: &Path, _: &fs::Metadata) -> FileId {
    // No stable file index in std: the resolved path, in any case.
    FileId::Path(
        fs::canonicalize(path)
            .map(|p| PathBuf::from(p.to_string_lossy().to_lowercase()))
            .unwrap_or_else(|_| absolute(path)),
    )
}

/// The absolute path of a file that does not exist: links followed, its
/// folder resolved when it exists, else `.` and `..` taken away as written.
fn absolute(path: &Path) -> PathBuf {
    let p = follow_links(path).unwrap_or_else(|_| path.to_path_buf());
    let resolved = p
        .file_name()
        .and_then(|name| fs::canonicalize(folder_of(&p)).ok().map(|d| d.join(name)));
    let p = resolved.unwrap_or_else(|| {
        let abs = std::path::absolute(&p).unwrap_or(p);
        let mut out = PathBuf::new();
        for c in abs.components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir => {
                    out.pop();
                }
                other => out.push(other),
            }
        }
        out
    });
    if cfg!(windows) {
        PathBuf::from(p.to_string_lossy().to_lowercase())
    } else {
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    }

    #[test]
    fn failed_write_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        write_bytes(&path, b"old").unwrap();
        let r = write(&path, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("boom"))
        });
        assert!(r.is_err());
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(leftovers(dir.path()), Vec::<String>::new());
        {
            let mut p = Pending::create(&path).unwrap();
            p.writer().write_all(b"dropped").unwrap();
        }
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(leftovers(dir.path()), Vec::<String>::new());
        write_bytes(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert!(
            !pending().iter().any(|p| p.starts_with(dir.path())),
            "nothing left to clean up"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_followed_and_the_mode_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("that.docx");
        fs::write(&real, b"old").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o600)).unwrap();
        let link = dir.path().join("this.docx");
        std::os::unix::fs::symlink("that.docx", &link).unwrap();
        write_bytes(&link, b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&real).unwrap(), b"new");
        let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode, 0o600);
        // A link to a file still to be made: made where it points.
        let dangling = dir.path().join("later.docx");
        std::os::unix::fs::symlink("made.docx", &dangling).unwrap();
        write_bytes(&dangling, b"made").unwrap();
        assert_eq!(fs::read(dir.path().join("made.docx")).unwrap(), b"made");
        assert_eq!(leftovers(dir.path()), Vec::<String>::new());
    }

    #[test]
    fn a_read_only_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ro.csv");
        fs::write(&path, b"old").unwrap();
        let mut perms = fs::metadata(&path).unwrap().permissions();
        perms.set_readonly(true);
        fs::set_permissions(&path, perms).unwrap();
        let e = write_bytes(&path, b"new").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::PermissionDenied);
        assert!(e.to_string().contains("chỉ cho đọc"), "{e}");
        assert_eq!(fs::read(&path).unwrap(), b"old");
    }

    #[test]
    fn the_longest_name_can_be_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("{}.csv", "x".repeat(251)));
        write_bytes(&path, b"1").unwrap();
        write_bytes(&path, b"2").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"2");
    }

    #[test]
    fn one_file_by_any_path() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.csv");
        fs::write(&a, b"x").unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        let round = dir.path().join("sub/../a.csv");
        assert!(FileId::of(&a).same(&FileId::of(&round)));
        let b = dir.path().join("b.csv");
        assert!(!FileId::of(&a).same(&FileId::of(&b)));
        let new = dir.path().join("sub/../new.csv");
        assert!(FileId::of(&new).same(&FileId::of(&dir.path().join("new.csv"))));
        #[cfg(unix)]
        {
            fs::hard_link(&a, dir.path().join("hard.csv")).unwrap();
            assert!(FileId::of(&a).same(&FileId::of(&dir.path().join("hard.csv"))));
            std::os::unix::fs::symlink(&a, dir.path().join("soft.csv")).unwrap();
            assert!(FileId::of(&a).same(&FileId::of(&dir.path().join("soft.csv"))));
        }
    }
}
