//! Memory bounded by the groups, not the rows or the periods (issue 15):
//! ten thousand units over the fifteen periods of `--month 12` run in
//! little more than cctthc needs for a file of ten rows, under
//! `ulimit -v`. The limit is relative, so a debug or release build, a
//! small or a large machine, all hold it.

mod skip;

use std::fmt::Write as _;
use std::path::Path;

use tempfile::TempDir;

const HEADER: &str = "ma_ho_so,don_vi,kenh,ngay_tiep_nhan,ngay_hen_tra,ngay_ket_thuc,trang_thai,ten_thu_tuc,linh_vuc,cap\n";

/// `rows` dossiers over `units` units with `fields` fields each, received
/// over the whole of 2023, some open at its end: every group in many
/// periods.
fn dossiers(path: &Path, rows: usize, units: usize, fields: usize) {
    let mut csv = String::with_capacity(rows * 100);
    csv.push_str(HEADER);
    for i in 0..rows {
        let (day, month) = (1 + i % 28, 1 + (i / units) % 12);
        let (end, status) = if i % 4 == 0 {
            (String::new(), "Đang xử lý")
        } else {
            let m = (month + i % 2).min(12);
            (
                format!("{:02}/{m:02}/2023", (day + i % 5).min(28)),
                "Đã trả kết quả",
            )
        };
        // Cannot fail: writing to a String.
        let _ = writeln!(
            csv,
            "HS{i},UBND xã Số {},1,{day:02}/{month:02}/2023,{day:02}/{:02}/2023,{end},{status},Thủ tục {},Lĩnh vực {},xa",
            i % units,
            (month + 1).min(12),
            i % 3,
            (i / units) % fields,
        );
    }
    std::fs::write(path, csv).unwrap();
}

/// Where a run may go: on any of the machine's cores, or on one only.
#[derive(Clone, Copy)]
enum Cores {
    All,
    /// The number of one core this process may run on (`taskset -c`).
    One(u32),
}

/// Whether `stats` of `file` succeeds with the address space limited to
/// `kb`. One glibc malloc arena: the others reserve 64 MB of address space
/// each, as many as threads, which would make the limit the machine's.
fn runs_within(dir: &Path, files: &[&str], kb: u64, cores: Cores) -> bool {
    let bin = assert_cmd::cargo::cargo_bin("cctthc");
    let pin = match cores {
        Cores::All => String::new(),
        Cores::One(cpu) => format!("taskset -c {cpu} "),
    };
    let out = std::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(format!("ulimit -v {kb} && exec {pin}\"$0\" \"$@\""))
        .arg(bin)
        .arg("stats")
        .args(files.iter().flat_map(|f| ["-i", f]))
        .args(["--month", "12", "--year", "2023", "--format", "json"])
        .current_dir(dir)
        .env("XDG_CONFIG_HOME", dir.join("no-config"))
        .env("CCTTHC_TODAY", "2024-01-15")
        .env("NO_COLOR", "1")
        .env("MALLOC_ARENA_MAX", "1")
        .output()
        .unwrap();
    out.status.success()
}

/// A folder for a test's files, or `None` (the test skipped, and saying
/// so) where there is no shell to set `ulimit -v`.
fn scratch() -> Option<TempDir> {
    if !Path::new("/bin/sh").exists() {
        skip::skipped("no /bin/sh to set ulimit -v");
        return None;
    }
    Some(TempDir::new().unwrap())
}

/// The first core this process may run on, from `taskset -pc`, or
/// `None` (the caller skips, saying so) where there is no `taskset` or
/// its answer cannot be read.
fn one_core() -> Option<Cores> {
    let out = std::process::Command::new("taskset")
        .args(["-pc", &std::process::id().to_string()])
        .output()
        .ok()?;
    // "pid 123's current affinity list: 0-3,6"
    let text = String::from_utf8_lossy(&out.stdout);
    let list = text.rsplit(':').next()?.trim();
    let first = list.split([',', '-']).next()?;
    first.parse().ok().map(Cores::One)
}

/// The least address space, to 4 MB, in which `stats` of `files` runs.
fn least(dir: &Path, files: &[&str], cores: Cores) -> u64 {
    let (mut lo, mut hi) = (4 << 10, 16 << 20);
    if !runs_within(dir, files, hi, cores) {
        return hi;
    }
    while hi - lo > 4 << 10 {
        let mid = lo + (hi - lo) / 2;
        if runs_within(dir, files, mid, cores) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

/// 80 000 groups (10 000 units × 8 fields, 2 dossiers each) with dossiers
/// in up to 15 periods each. Every period's counts took 144 bytes per
/// group and the tally was copied to be merged: this file needed 343 MB
/// (release build); with only the periods a group has dossiers in, in
/// 32 bits, 243 MB (255 MB in a debug build; ten rows need 15 and 27),
/// most of it now the per-unit analysis of `stats`.
#[test]
fn ten_thousand_units_in_fifteen_periods_need_little_memory() {
    let Some(dir) = scratch() else { return };
    dossiers(&dir.path().join("ten.csv"), 10, 1, 1);
    dossiers(&dir.path().join("units.csv"), 160_000, 10_000, 8);
    let base = least(dir.path(), &["ten.csv"], Cores::All);
    let limit = base + (256 << 10);
    eprintln!(
        "ten rows need {} MB; 10 000 units get {} MB",
        base >> 10,
        limit >> 10
    );
    assert!(
        runs_within(dir.path(), &["units.csv"], limit, Cores::All),
        "10 000 units over 15 periods need more than {} MB (ten rows: {} MB)",
        limit >> 10,
        base >> 10
    );
}

/// Two exports of the same 300 000 dossiers, the second read after the
/// first: every code repeats. Their readings go to disk past a budget and
/// are merged a group of keys at a time, so the run needs what two
/// exports of different dossiers need, not memory for the repeated codes.
///
/// On one core, where every allocation comes in the same order each run:
/// on several, what the threads hold at the peak changes with their
/// timing (a debug build under load measured 12 MB apart), and the merge
/// holds a few megabytes per thread, as many as the machine has cores.
#[test]
fn an_export_given_twice_needs_no_memory_for_its_repeats() {
    let Some(dir) = scratch() else { return };
    let Some(cores) = one_core() else {
        skip::skipped("no taskset (or no affinity list from it) to run on one core");
        return;
    };
    let once = dir.path().join("once.csv");
    dossiers(&once, 300_000, 30, 4);
    std::fs::copy(&once, dir.path().join("again.csv")).unwrap();
    let text = std::fs::read_to_string(&once).unwrap();
    std::fs::write(dir.path().join("other.csv"), text.replace("\nHS", "\nHX")).unwrap();
    let apart = least(dir.path(), &["once.csv", "other.csv"], cores);
    // The 300 000 repeated codes held as text with a reading each would
    // be 30 MB more.
    let limit = apart + (8 << 10);
    eprintln!(
        "two exports of different dossiers need {} MB; the same export twice gets {} MB",
        apart >> 10,
        limit >> 10
    );
    assert!(
        runs_within(dir.path(), &["once.csv", "again.csv"], limit, cores),
        "the export given twice needs more than {} MB (two different ones: {} MB)",
        limit >> 10,
        apart >> 10
    );
}
