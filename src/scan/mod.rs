//! One pass over the exports, in parallel: files are cut into ranges at row
//! boundaries, each read on its own, at most two per thread ahead of the
//! merge; the merge takes them in reading order and gives their dossiers,
//! ids translated, back to the threads, each tallying into one tally of
//! its own. Memory grows with the number of groups; the eight
//! bytes per row of the duplicate check go to disk past a budget, handed
//! over a megabyte at a time by a file read whole (one that cannot be
//! cut), and the readings of repeated codes are merged in batches.
//!
//! A range starts at a guessed row boundary (the first line break after a
//! cut). Rows with quoted line breaks can make the guess wrong; each range
//! is checked against where the previous one stopped, and read again from
//! there when they disagree, so the result is always that of one
//! sequential read.

mod keys;
mod readings;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};

use self::keys::KeyRuns;
use self::readings::{Keeping, Kept, Room};
use crate::figures::collect::remap;
use crate::figures::{
    Accounting, Collector, Detail, Duplicates, KeepRule, Occurrence, RowPos, Tally, code_hash,
};
use crate::hash::FastSet;
use crate::input::{
    self, Caches, Columns, Dossier, Field, FileReport, Loader, Names, Options, Plan, RangeEnds,
    ReadCounts, RowProblem, UnitRule,
};
use crate::period::Period;

/// What to read and how.
pub struct Input<'a> {
    pub files: &'a [PathBuf],
    pub options: &'a Options,
    pub units: &'a [UnitRule],
    pub periods: Vec<Period>,
    pub keep: Option<KeepRule>,
    /// Worker threads; 1 reads everything on the calling thread.
    pub threads: usize,
    /// Bytes per range of a large file.
    pub range_bytes: u64,
    /// Bytes of row keys kept in memory before they go to a temporary file.
    pub key_budget: usize,
    /// Row keys a job that is never dropped (a file read whole) hands over
    /// at once.
    pub key_chunk: usize,
    /// Repeated codes whose readings are gathered in one more read of the
    /// files.
    pub repeat_batch: usize,
    /// Row keys compared at once to find the repeated ones.
    pub key_group: usize,
    /// Bytes of spreadsheets' readings kept for the second pass.
    pub readings_budget: usize,
}

impl<'a> Input<'a> {
    pub fn new(
        files: &'a [PathBuf],
        options: &'a Options,
        units: &'a [UnitRule],
        periods: Vec<Period>,
    ) -> Input<'a> {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(16);
        Input {
            files,
            options,
            units,
            periods,
            keep: None,
            threads,
            range_bytes: 16 << 20,
            key_budget: 8 << 20,
            // A megabyte.
            key_chunk: 1 << 17,
            // About 20 MB of latest readings.
            repeat_batch: 1 << 17,
            key_group: keys::GROUP,
            // A workbook of 350 000 rows or so.
            readings_budget: 32 << 20,
        }
    }
}

/// What a scan found.
pub struct Scanned {
    pub tally: Tally,
    pub names: Names,
    pub accounting: Accounting,
    pub files: Vec<FileReport>,
    /// The dossiers the keep rule selected, final readings only, by code.
    pub details: Vec<Detail>,
}

/// One piece of work: a whole file, or a range of one.
#[derive(Clone)]
struct Job {
    file: u32,
    range: u32,
    path: PathBuf,
    name: Arc<str>,
    plan: Arc<Plan>,
    /// `(start, end, exact)`: rows starting in `[start, end)`; `exact` when
    /// `start` is known to be a row boundary. `None`: the whole file.
    span: Option<(u64, u64, bool)>,
}

/// What one job read.
struct Part {
    collector: Collector,
    /// The code hash of every row, for the duplicate check.
    keys: keys::Sliced,
    names: Names,
    problems: Vec<RowProblem>,
    counts: ReadCounts,
    header: Option<input::Header>,
    skipped: Vec<(input::skip::Skip, u64)>,
    /// For ranges: where the range really started, and its ends.
    ends: Option<(u64, RangeEnds)>,
    /// Second pass: the readings of repeated codes.
    repeats: Vec<(String, Occurrence)>,
    /// First pass over a spreadsheet: every row's reading, for the second.
    readings: Option<readings::Readings>,
}

impl Part {
    /// The second pass of a job whose readings were kept: nothing read,
    /// the readings' ids already the shared ones (no names to translate
    /// them from).
    fn replayed(job: &Job, repeats: Vec<(String, Occurrence)>) -> Part {
        Part {
            collector: Collector::new(None, job.file, job.range),
            keys: keys::Sliced::new(Vec::new()),
            names: Names::new(&[]),
            problems: Vec::new(),
            counts: ReadCounts::default(),
            header: None,
            skipped: Vec::new(),
            ends: None,
            repeats,
            readings: None,
        }
    }
}

/// Reads `input`, tallying every row; invalid rows go to `report` in
/// reading order, and `progress` hears the rows read so far.
pub fn run(
    input: &Input<'_>,
    report: &mut dyn FnMut(RowProblem),
    progress: &mut dyn FnMut(u64),
) -> Result<Scanned, input::Error> {
    let (jobs, reports) = plan_files(input)?;
    let keys = Mutex::new(KeyRuns::new(input.key_budget, input.key_group));
    let room = Room::new(input.readings_budget);
    let mut m = Merge {
        names: Names::new(input.units),
        kept: Kept::new(),
        tally: Tally::new(input.periods.clone()),
        details: Vec::new(),
        keys: &keys,
        received: 0,
        not_received: 0,
        rows: 0,
        reports,
        expected: BTreeMap::new(),
        report,
        progress,
    };
    for job in &jobs {
        if let (Some((start, _, true)), Some(first)) = (job.span, job.plan.splittable())
            && start == first.0
        {
            m.expected.insert(job.file, first);
        }
    }
    let accepted = first_pass(&jobs, input, Pass::First(&keys, &room), &mut m)?;
    let Merge {
        mut names,
        kept,
        mut tally,
        mut details,
        received,
        not_received,
        rows,
        reports,
        ..
    } = m;
    let keys = keys.into_inner().unwrap_or_else(|p| p.into_inner());
    let merged = repeats_pass(
        &accepted,
        input,
        (&keys, &kept),
        &mut names,
        &mut tally,
        &mut details,
    )?;
    details.sort_by(|a, b| a.code.cmp(&b.code));
    if let Some((key, dossiers)) = tally.overfull() {
        return Err(input::Error::TooManyInGroup {
            unit: names.unit_name(key.unit).to_string(),
            dossiers,
        });
    }
    // A figure whose column any file lacks is null (SPEC §1.4).
    for r in &reports {
        tally.restrict(r.known());
    }
    let accounting = Accounting {
        so_dong: rows,
        ho_so: received - merged.removed_received,
        trung_lap: merged.duplicates,
        chua_tiep_nhan: not_received - merged.removed_not_received,
        loi: reports.iter().map(|r| r.counts.rejected).sum(),
        bo_qua: reports.iter().map(|r| r.counts.skipped).sum(),
        trung_lap_khac: merged.differing,
        tep: input.files.len() as u64,
    };
    Ok(Scanned {
        tally,
        names,
        accounting,
        files: reports,
        details,
    })
}

/// Each file's reading plan, as jobs of byte ranges, and its report so far.
fn plan_files(input: &Input<'_>) -> Result<(Vec<Job>, Vec<FileReport>), input::Error> {
    let mut jobs = Vec::new();
    let mut reports = Vec::new();
    for (i, path) in input.files.iter().enumerate() {
        let plan = Arc::new(input::plan(path, input.options)?);
        let name: Arc<str> = Arc::from(path.display().to_string());
        let header = plan.header();
        reports.push(FileReport {
            name: name.to_string(),
            kind: Some(plan.kind()),
            missing: header
                .as_ref()
                .map(|h| missing(&h.columns))
                .unwrap_or_default(),
            header,
            ..FileReport::default()
        });
        jobs.extend(split(i as u32, path, name, plan, input));
    }
    Ok((jobs, reports))
}

/// Reads every job, merged in order; a range whose guessed start fell
/// inside a quoted field is read again from the true boundary. Gives the
/// jobs as they were accepted, for the second pass.
fn first_pass(
    jobs: &[Job],
    input: &Input<'_>,
    pass: Pass<'_>,
    m: &mut Merge<'_>,
) -> Result<Vec<Job>, input::Error> {
    let mut accepted: Vec<Job> = Vec::new();
    let tally = run_jobs(jobs, input, pass, &mut |index, part| {
        let job = &jobs[index];
        let part = part?;
        let (Some((start, ends)), Some(&(want, _))) = (part.ends, m.expected.get(&job.file)) else {
            accepted.push(job.clone());
            return m.merge(job, part);
        };
        let end = job.span.map_or(u64::MAX, |s| s.1);
        if want >= end {
            // A row of the previous range ran over all of this one.
            return Ok(None);
        }
        if start == want || ends.first.map(|f| f.0) == Some(want) {
            accepted.push(job.clone());
            return m.merge(job, part);
        }
        let exact = Job {
            span: Some((want, end, true)),
            ..job.clone()
        };
        let part = run_job(&exact, input, pass)?;
        accepted.push(exact.clone());
        m.merge(&exact, part)
    })?;
    m.tally.merge(tally);
    Ok(accepted)
}

/// Codes read more than once: their rows read again (or their readings
/// kept, for spreadsheets) and the last kept (SPEC §1.6). In batches of
/// the hash space, so the readings held stay bounded; one batch, one more
/// read of the files, unless the repeats are many.
fn repeats_pass(
    accepted: &[Job],
    input: &Input<'_>,
    (keys, kept): (&KeyRuns, &Kept),
    names: &mut Names,
    tally: &mut Tally,
    details: &mut Vec<crate::figures::Detail>,
) -> Result<crate::figures::Merged, input::Error> {
    let mut merged = crate::figures::Merged::default();
    for batch in keys.repeated_batches(input.threads, input.repeat_batch)? {
        let repeated = keys.repeated(input.threads, &batch)?;
        let mut duplicates = Duplicates::default();
        let pass = Pass::Repeats(&repeated, kept);
        run_jobs(accepted, input, pass, &mut |_, part| {
            let part = part?;
            let (units, domains) = names.import(&part.names);
            for (code, mut o) in part.repeats {
                remap(&mut o.dossier, &units, &domains);
                duplicates.add(&code, o, tally);
            }
            Ok(None)
        })?;
        merged += duplicates.finish(details);
    }
    Ok(merged)
}

/// The running result of a scan, parts merged in reading order.
struct Merge<'r> {
    names: Names,
    kept: Kept,
    tally: Tally,
    details: Vec<Detail>,
    keys: &'r Mutex<KeyRuns>,
    received: u64,
    not_received: u64,
    rows: u64,
    reports: Vec<FileReport>,
    /// Where each file's next range must start, and that byte's line.
    expected: BTreeMap<u32, (u64, u64)>,
    report: &'r mut dyn FnMut(RowProblem),
    progress: &'r mut dyn FnMut(u64),
}

impl Merge<'_> {
    /// Takes in the part of `job`; gives its dossiers, with the shared ids,
    /// to tally.
    fn merge(&mut self, job: &Job, part: Part) -> Result<Option<Vec<Dossier>>, input::Error> {
        let Part {
            collector,
            keys,
            names,
            mut problems,
            counts,
            header,
            skipped,
            ends,
            readings,
            ..
        } = part;
        let (units, domains) = self.names.import(&names);
        if let Some(mut readings) = readings {
            for r in &mut readings.rows {
                remap(&mut r.occurrence.dossier, &units, &domains);
            }
            self.kept.insert((job.file, job.range), readings);
        }
        let mut dossiers = collector.dossiers;
        for d in &mut dossiers {
            remap(d, &units, &domains);
        }
        // Lines of a range count from its start: make them the file's.
        let base = match (ends, self.expected.get(&job.file)) {
            (Some((_, e)), Some(&(_, line))) => {
                let anchor = if job.span.is_some_and(|s| s.2) {
                    1
                } else {
                    e.first.map_or(1, |f| f.1)
                };
                let base = line.saturating_sub(anchor);
                self.expected.insert(job.file, (e.next.0, base + e.next.1));
                base
            }
            _ => 0,
        };
        for mut d in collector.kept {
            remap(&mut d.dossier, &units, &domains);
            self.details.push(d);
        }
        add_keys(self.keys, keys)?;
        self.received += collector.received;
        self.not_received += collector.not_received;
        self.rows += counts.rows;
        if let Some(r) = self.reports.get_mut(job.file as usize) {
            r.counts.rows += counts.rows;
            r.counts.rejected += counts.rejected;
            r.counts.skipped += counts.skipped;
            let room = input::LISTED_SKIPS.saturating_sub(r.skipped.len());
            r.skipped
                .extend(skipped.into_iter().take(room).map(|(k, l)| (k, l + base)));
            if let Some(h) = header {
                r.missing = missing(&h.columns);
                r.header = Some(h);
            }
        }
        for mut p in problems.drain(..) {
            p.line += base;
            (self.report)(p);
        }
        (self.progress)(self.rows);
        Ok(Some(dossiers))
    }
}

fn missing(columns: &Columns) -> Vec<Field> {
    Field::ALL
        .into_iter()
        .filter(|f| !columns.has(*f))
        .collect()
}

/// The jobs of one file: ranges when it is large and splittable.
fn split(file: u32, path: &Path, name: Arc<str>, plan: Arc<Plan>, input: &Input<'_>) -> Vec<Job> {
    let whole = Job {
        file,
        range: 0,
        path: path.to_path_buf(),
        name: name.clone(),
        plan: plan.clone(),
        span: None,
    };
    let Some((start, _)) = plan.splittable() else {
        return vec![whole];
    };
    let len = plan.len();
    // Cut even for one thread: a range's row keys are bounded by its size.
    if len.saturating_sub(start) < input.range_bytes.saturating_mul(2) {
        return vec![Job {
            span: Some((start, len, true)),
            ..whole
        }];
    }
    let mut jobs = Vec::new();
    let mut from = start;
    let mut range = 0;
    while from < len {
        let to = (from + input.range_bytes).min(len);
        jobs.push(Job {
            range,
            span: Some((from, to, from == start)),
            ..whole.clone()
        });
        range += 1;
        from = to;
    }
    jobs
}

/// Jobs a thread may read ahead of the one merged next: a result waits in
/// memory until its turn, so the results held are bounded by the threads,
/// not the rows, however slow the merging.
const AHEAD_PER_THREAD: usize = 2;

/// What `done` makes of a job's result: the dossiers to tally, their ids
/// the shared ones.
type Done<'d> =
    dyn FnMut(usize, Result<Part, input::Error>) -> Result<Option<Vec<Dossier>>, input::Error> + 'd;

/// Runs `jobs` and hands each result to `done` in job order. The dossiers
/// `done` gives back are tallied on the worker threads, each into one
/// tally of its own, of the groups that fall to it: every group is in one
/// tally, however many jobs and threads. Gives the sum of those tallies.
fn run_jobs(
    jobs: &[Job],
    input: &Input<'_>,
    pass: Pass<'_>,
    done: &mut Done<'_>,
) -> Result<Tally, input::Error> {
    let mut tally = Tally::new(input.periods.clone());
    if input.threads <= 1 || jobs.len() <= 1 {
        for (i, job) in jobs.iter().enumerate() {
            if let Some(dossiers) = done(i, run_job(job, input, pass))? {
                tally_all(&mut tally, &dossiers);
            }
        }
        return Ok(tally);
    }
    let threads = input.threads.min(jobs.len());
    let board = Board::new(jobs.len(), threads, threads * AHEAD_PER_THREAD);
    let tallies = Mutex::new(Vec::new());
    let (tx, rx) = mpsc::channel();
    let merged = std::thread::scope(|scope| {
        for me in 0..threads {
            let tx = tx.clone();
            let (board, tallies) = (&board, &tallies);
            scope.spawn(move || {
                let mut mine = Tally::new(input.periods.clone());
                loop {
                    match board.work(me) {
                        Work::Read(i) => {
                            let Some(job) = jobs.get(i) else { break };
                            if tx.send((i, run_job(job, input, pass))).is_err() {
                                break;
                            }
                        }
                        Work::Tally(dossiers) => tally_all(&mut mine, &dossiers),
                        Work::Quit => break,
                    }
                }
                lock(tallies).push(mine);
            });
        }
        drop(tx);
        let merged = merge_in_order(jobs.len(), &rx, &board, done);
        board.finish(merged.is_err());
        merged
    });
    merged?;
    for mine in tallies.into_inner().unwrap_or_else(|p| p.into_inner()) {
        tally.merge(mine);
    }
    Ok(tally)
}

/// Takes the results as they arrive, in any order, and hands them to
/// `done` in job order; what `done` gives back goes to the threads to
/// tally.
fn merge_in_order(
    jobs: usize,
    rx: &mpsc::Receiver<(usize, Result<Part, input::Error>)>,
    board: &Board,
    done: &mut Done<'_>,
) -> Result<(), input::Error> {
    let mut pending = BTreeMap::new();
    let mut want = 0;
    while want < jobs {
        // Every thread gone: one panicked, which the scope passes on.
        let Ok((i, result)) = rx.recv() else { break };
        pending.insert(i, result);
        while let Some(result) = pending.remove(&want) {
            let dossiers = done(want, result)?;
            want += 1;
            board.merged(want, dossiers);
        }
    }
    Ok(())
}

fn tally_all(tally: &mut Tally, dossiers: &[Dossier]) {
    for d in dossiers {
        tally.apply(d, crate::figures::Sign::Add);
    }
}

/// A worker thread's next piece of work.
enum Work {
    Read(usize),
    Tally(Vec<Dossier>),
    Quit,
}

/// What the threads of a pass share: which job is read next, how many are
/// merged, the merged dossiers waiting to be tallied.
struct Board {
    state: Mutex<BoardState>,
    wake: Condvar,
    jobs: usize,
    threads: usize,
    /// Jobs read or being read, not yet merged, at most.
    window: usize,
}

struct BoardState {
    next: usize,
    merged: usize,
    /// By thread, the dossiers of its groups.
    waiting: Vec<std::collections::VecDeque<Vec<Dossier>>>,
    /// Every job merged: the threads stop once nothing waits.
    closed: bool,
    /// The pass failed: the threads stop now.
    stop: bool,
}

impl Board {
    fn new(jobs: usize, threads: usize, window: usize) -> Board {
        Board {
            state: Mutex::new(BoardState {
                next: 0,
                merged: 0,
                waiting: (0..threads).map(|_| Default::default()).collect(),
                closed: false,
                stop: false,
            }),
            wake: Condvar::new(),
            jobs,
            threads,
            window,
        }
    }

    /// Tallying comes first, so the dossiers waiting stay few; a job is
    /// read only in its turn. The job merged next is always being read or
    /// done, so the threads never all wait.
    fn work(&self, me: usize) -> Work {
        let mut s = lock(&self.state);
        loop {
            if s.stop {
                return Work::Quit;
            }
            if let Some(dossiers) = s.waiting.get_mut(me).and_then(|w| w.pop_front()) {
                return Work::Tally(dossiers);
            }
            if s.next < self.jobs && s.next < s.merged.saturating_add(self.window) {
                s.next += 1;
                return Work::Read(s.next - 1);
            }
            if s.closed {
                return Work::Quit;
            }
            s = self.wake.wait(s).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Job `merged - 1` is merged; its dossiers go to the threads whose
    /// groups they are of.
    fn merged(&self, merged: usize, dossiers: Option<Vec<Dossier>>) {
        let mut shares = vec![Vec::new(); self.threads];
        for d in dossiers.into_iter().flatten() {
            if let Some(share) = shares.get_mut(shard(&d, self.threads)) {
                share.push(d);
            }
        }
        let mut s = lock(&self.state);
        s.merged = merged;
        for (w, share) in s.waiting.iter_mut().zip(shares) {
            if !share.is_empty() {
                w.push_back(share);
            }
        }
        self.wake.notify_all();
    }

    fn finish(&self, failed: bool) {
        let mut s = lock(&self.state);
        s.closed = true;
        s.stop |= failed;
        self.wake.notify_all();
    }
}

/// Which of `threads` threads tallies the group of `d`: a mix of its
/// unit and field, so each group is in one thread's tally.
fn shard(d: &Dossier, threads: usize) -> usize {
    let key = u64::from(d.unit) << 32 | u64::from(d.domain);
    let mixed = key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
    mixed as usize % threads.max(1)
}

/// A poisoned lock only means another thread panicked, which the scope
/// passes on.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Adds one part's row keys to the shared ones.
fn add_keys(shared: &Mutex<KeyRuns>, part: keys::Sliced) -> Result<(), input::Error> {
    lock(shared).add(part)
}

/// Which pass over the files a job belongs to.
#[derive(Clone, Copy)]
enum Pass<'a> {
    /// Every row is tallied and its key goes to the shared keys; a
    /// spreadsheet's readings are kept while there is room.
    First(&'a Mutex<KeyRuns>, &'a Room),
    /// Only the readings of these repeated codes are gathered, from the
    /// kept ones where there are.
    Repeats(&'a FastSet<u64>, &'a Kept),
}

/// Reads a job's file, whole or its byte range (from the first row
/// boundary after a guessed start); gives the range's start and ends.
fn read_job(
    job: &Job,
    input: &Input<'_>,
    loader: &mut Loader<'_>,
) -> Result<Option<(u64, RangeEnds)>, input::Error> {
    let Some((start, end, exact)) = job.span else {
        input::read_whole(&job.path, &job.name, &job.plan, input.options, loader)?;
        return Ok(None);
    };
    let start = if exact {
        start
    } else {
        row_start_after(&job.path, start)?
    };
    let ends = input::read_range(&job.path, &job.name, &job.plan, start, end, loader)?;
    Ok(Some((start, ends)))
}

/// A reading of a repeated code, for the second pass to compare.
fn occurrence(r: &input::Record<'_>, pos: RowPos) -> (String, Occurrence) {
    (
        String::from_utf8_lossy(r.code).into_owned(),
        reading(r, pos),
    )
}

fn reading(r: &input::Record<'_>, pos: RowPos) -> Occurrence {
    Occurrence {
        pos,
        fingerprint: r.fingerprint(),
        dossier: r.dossier,
    }
}

/// Reads one job, in `pass`; in the second, a job whose readings were
/// kept is not read again.
fn run_job(job: &Job, input: &Input<'_>, pass: Pass<'_>) -> Result<Part, input::Error> {
    if let Pass::Repeats(set, kept) = pass
        && let Some(kept) = kept.get(&(job.file, job.range))
    {
        return Ok(Part::replayed(job, kept.of_repeated(set)));
    }
    read_part(job, input, pass)
}

/// Reads one job's file or range, in `pass`.
fn read_part(job: &Job, input: &Input<'_>, pass: Pass<'_>) -> Result<Part, input::Error> {
    let (repeated, mut keeping) = match pass {
        Pass::First(_, room) => {
            let on = job.span.is_none() && readings::worth_keeping(job.plan.kind());
            (None, Some(Keeping::new(room, on)))
        }
        Pass::Repeats(set, _) => (Some(set), None),
    };
    let mut names = Names::new(input.units);
    let keep = if repeated.is_some() {
        None
    } else {
        input.keep.clone()
    };
    let mut collector = Collector::new(keep, job.file, job.range);
    let mut repeats = Vec::new();
    let mut problems = Vec::new();
    // A job that starts at a known row boundary (a file read whole, its
    // first range, a range read again) is never dropped, so its keys can
    // go to the shared ones as it is read; a guessed range's wait until it
    // is accepted, and are bounded by its size.
    let never_dropped = job.span.is_none_or(|s| s.2);
    let mut key_error = None;
    let (counts, columns, ends) = {
        let (file, range) = (job.file, job.range);
        let pos = |r: &input::Record<'_>| RowPos {
            file,
            range,
            line: r.line,
        };
        let mut sink = |r: &input::Record<'_>| match pass {
            Pass::First(shared_keys, _) => {
                collector.add(r);
                if let Some(k) = keeping.as_mut().filter(|k| k.on()) {
                    k.add(r.code, reading(r, pos(r)));
                }
                if never_dropped && collector.keys.len() >= input.key_chunk && key_error.is_none() {
                    let chunk = keys::Sliced::new(std::mem::take(&mut collector.keys));
                    key_error = add_keys(shared_keys, chunk).err();
                }
            }
            Pass::Repeats(set, _) => {
                if set.contains(&code_hash(r.code)) {
                    repeats.push(occurrence(r, pos(r)));
                }
            }
        };
        let mut report = |p: RowProblem| {
            if repeated.is_none() {
                problems.push(p);
            }
        };
        // The second pass parses only the rows of repeated codes.
        let wanted = repeated.map(|set| move |code: &[u8]| set.contains(&code_hash(code)));
        let only = wanted.as_ref().map(|f| f as &dyn Fn(&[u8]) -> bool);
        let mut loader = Loader {
            statuses: &input.options.statuses,
            values: &input.options.values,
            dates: &input.options.dates,
            caches: Caches::new(),
            names: &mut names,
            sink: &mut sink,
            report: &mut report,
            counts: ReadCounts::default(),
            file: job.name.clone(),
            header: None,
            skipped: Vec::new(),
            only,
        };
        let ends = read_job(job, input, &mut loader)?;
        (
            loader.counts,
            (loader.header.take(), std::mem::take(&mut loader.skipped)),
            ends,
        )
    };
    let (header, skipped) = columns;
    if let Some(e) = key_error {
        return Err(e);
    }
    // Sliced here, on the worker, for the duplicate check.
    let keys = keys::Sliced::new(std::mem::take(&mut collector.keys));
    Ok(Part {
        collector,
        keys,
        names,
        problems,
        counts,
        header,
        skipped,
        ends,
        repeats,
        readings: keeping.and_then(Keeping::finish),
    })
}

/// The first row boundary at or after `at`: just after the first line
/// break at or after `at - 1`.
fn row_start_after(path: &Path, at: u64) -> Result<u64, input::Error> {
    let io = |source| input::Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    let from = at.saturating_sub(1);
    file.seek(SeekFrom::Start(from)).map_err(io)?;
    let mut reader = BufReader::with_capacity(64 * 1024, file);
    let mut pos = from;
    let mut buf = [0u8; 64 * 1024];
    loop {
        let n = reader.read(&mut buf).map_err(io)?;
        if n == 0 {
            return Ok(pos);
        }
        if let Some(i) = buf[..n].iter().position(|&b| b == b'\n') {
            return Ok(pos + i as u64 + 1);
        }
        pos += n as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::Snapshot;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    /// Everything a scan yields, as text, to compare two scans. Several
    /// threads also read the repeated codes one batch per group of keys.
    fn outcome(path: &Path, threads: usize, range_bytes: u64) -> String {
        let periods = vec![
            Period {
                start: d(2023, 10, 23),
                end: d(2023, 11, 22),
            },
            Period {
                start: d(2023, 1, 1),
                end: d(2023, 12, 31),
            },
        ];
        outcome_of(path, threads, range_bytes, periods)
    }

    /// [`outcome`] over `periods`, every one of them and the months.
    fn outcome_of(path: &Path, threads: usize, range_bytes: u64, periods: Vec<Period>) -> String {
        outcome_files(
            &[path.to_path_buf()],
            threads,
            range_bytes,
            periods,
            64 << 20,
        )
    }

    /// [`outcome_of`] of several files, spreadsheets' readings kept up to
    /// `budget` bytes.
    fn outcome_files(
        files: &[PathBuf],
        threads: usize,
        range_bytes: u64,
        periods: Vec<Period>,
        budget: usize,
    ) -> String {
        let options = Options::default();
        let count = periods.len();
        let mut input = Input::new(files, &options, &[], periods);
        input.readings_budget = budget;
        input.threads = threads;
        input.range_bytes = range_bytes;
        input.key_budget = 64;
        input.key_chunk = 5;
        if threads > 1 {
            (input.repeat_batch, input.key_group) = (0, 4);
        }
        input.keep = Some(crate::figures::due::late_in(Period {
            start: d(2023, 10, 23),
            end: d(2023, 11, 22),
        }));
        let mut problems = Vec::new();
        let scanned = run(&input, &mut |p| problems.push(p.to_string()), &mut |_| {}).unwrap();
        let mut out = String::new();
        for i in 0..count {
            let s = Snapshot::new(&scanned.tally, i, &scanned.names);
            out +=
                &serde_json::to_string(&(&s.tong, &s.theo_cap, &s.theo_don_vi, &s.theo_linh_vuc))
                    .unwrap();
        }
        let mut months: Vec<_> = scanned.tally.monthly().into_iter().collect();
        months.sort_by_key(|(k, _)| *k);
        out += &format!(
            "\n{months:?}\n{:?}\n{:?}\n",
            scanned.accounting, scanned.files
        );
        for d in &scanned.details {
            out += &format!("{} {:?} {}\n", d.code, d.dossier, d.procedure_name);
        }
        out += &problems.join("\n");
        out
    }

    const HEADER: &str = "ma_ho_so,don_vi,linh_vuc,ten_thu_tuc,kenh,ngay_tiep_nhan,ngay_hen_tra,ngay_ket_thuc,trang_thai,so_hoa_ho_so";

    /// Rows with quoted line breaks and delimiters, multi-byte text, blank
    /// lines, invalid rows and repeated codes.
    fn rows(n: usize, seed: u64) -> String {
        let mut s = String::new();
        let mut x = seed | 1;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let units = [
            "UBND xã Ngọc Kỳ",
            "UBND xã Đại Sơn",
            "Phòng Tư pháp",
            "UBND thị trấn Tứ Kỳ",
        ];
        for i in 0..n {
            let r = next();
            let code = if r % 11 == 0 {
                format!("HS{}", r % 7)
            } else {
                format!("HS-{i}")
            };
            let unit = units[(r >> 8) as usize % units.len()];
            let name = match r % 5 {
                0 => "\"Đăng ký khai sinh,\nkết hôn\"".to_string(),
                1 => "\"Chứng thực \"\"bản sao\"\"\"".to_string(),
                _ => "Cấp bản sao trích lục hộ tịch".to_string(),
            };
            let day = 1 + (r >> 16) % 28;
            let month = 10 + (r >> 24) % 2;
            let ended = if r % 3 == 0 {
                String::new()
            } else {
                format!("{:02}/{month}/2023", (day + 2).min(28))
            };
            let status = if ended.is_empty() {
                "Đang xử lý"
            } else {
                "Đã trả kết quả"
            };
            let channel = if r % 13 == 0 { "fax" } else { "Trực tuyến" };
            s.push_str(&format!(
                "{code},{unit},Hộ tịch,{name},{channel},{day:02}/{month}/2023 08:00,{:02}/{month}/2023,{ended},{status},{}\n",
                (day + 3).min(28),
                if r % 4 == 0 { "Không" } else { "Có" },
            ));
            if r % 17 == 0 {
                s.push('\n');
            }
        }
        s
    }

    /// Rows of many units and fields over a year, codes repeated, some
    /// with quoted line breaks: many groups, each in many periods.
    fn wide_rows(n: usize, seed: u64) -> String {
        let mut s = String::new();
        let mut x = seed | 1;
        let fields = [
            "Hộ tịch",
            "Chứng thực",
            "Đất đai",
            "Tư pháp",
            "Xây dựng",
            "",
        ];
        for i in 0..n {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let r = x;
            let code = if r.is_multiple_of(7) {
                format!("HS{}", r % 13)
            } else {
                format!("HS-{i}")
            };
            let unit = match r % 9 {
                0 => format!("Phòng số {}", (r >> 4) % 5),
                _ => format!("UBND xã Số {}", (r >> 8) % 40),
            };
            let field = fields[(r >> 12) as usize % fields.len()];
            let name = if r.is_multiple_of(5) {
                "\"Khai sinh,\nkết hôn\""
            } else {
                "Chứng thực"
            };
            let (day, month) = (1 + (r >> 16) % 28, 1 + (r >> 24) % 12);
            let took = (r >> 32) % 70;
            let ended = chrono::NaiveDate::from_ymd_opt(2023, month as u32, day as u32)
                .and_then(|d| d.checked_add_days(chrono::Days::new(took)))
                .filter(|_| !r.is_multiple_of(3))
                .map(|e| e.format("%d/%m/%Y").to_string());
            let status = if ended.is_some() {
                "Đã trả kết quả"
            } else {
                "Đang xử lý"
            };
            s.push_str(&format!(
                "{code},{unit},{field},{name},Trực tuyến,{day:02}/{month:02}/2023 08:00,{:02}/{month:02}/2023,{},{status},Có\n",
                (day + (r >> 40) % 10).min(28),
                ended.unwrap_or_default(),
            ));
        }
        s
    }

    /// A period, the year, the one before and the twelve months.
    fn year_periods() -> Vec<Period> {
        let mut periods = vec![
            Period {
                start: d(2023, 3, 10),
                end: d(2023, 5, 20),
            },
            Period {
                start: d(2023, 1, 1),
                end: d(2023, 12, 31),
            },
            Period {
                start: d(2022, 12, 30),
                end: d(2023, 3, 9),
            },
        ];
        periods.extend((0..12).map(|m| crate::figures::month_period(2023 * 12 + m)));
        periods
    }

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn ranges_give_what_one_read_gives() {
        let dir = std::env::temp_dir().join(format!("cctthc-scan-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let body = rows(400, 7);
        let plain = write(
            &dir,
            "plain.csv",
            &format!("DANH SÁCH HỒ SƠ\n\n{HEADER}\n{body}"),
        );
        let crlf = write(
            &dir,
            "crlf.csv",
            &format!("\u{feff}{HEADER}\r\n{}", body.replace('\n', "\r\n")),
        );
        for path in [&plain, &crlf] {
            let one = outcome(path, 1, 1 << 30);
            for range in [50, 97, 256, 1000] {
                for threads in [2, 3] {
                    assert_eq!(
                        outcome(path, threads, range),
                        one,
                        "{} by {range} bytes",
                        path.display()
                    );
                }
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A workbook of the rows of `csv` (its header first), every cell text.
    fn workbook(path: &Path, csv: &str) {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (r, line) in csv.lines().enumerate() {
            for (c, cell) in line.split(',').enumerate() {
                sheet.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
        book.save(path).unwrap();
    }

    /// The second pass over a workbook from its kept readings, from
    /// parsing it again, or some of each (the budget ran out part way):
    /// the same figures, duplicates and differing readings.
    #[test]
    fn kept_readings_give_what_parsing_again_gives() {
        let dir = std::env::temp_dir().join(format!("cctthc-scan-kept-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // No quoted cells: split on commas into cells.
        let plain = |seed| wide_rows(300, seed).replace("\"Khai sinh,\nkết hôn\"", "Khai sinh");
        let (a, b) = (plain(3), plain(5));
        let files = vec![dir.join("a.xlsx"), dir.join("b.xlsx"), dir.join("c.csv")];
        workbook(&files[0], &format!("{HEADER}\n{a}"));
        workbook(&files[1], &format!("{HEADER}\n{b}"));
        write(&dir, "c.csv", &format!("{HEADER}\n{a}"));
        let again = outcome_files(&files, 1, 1 << 30, year_periods(), 0);
        // Codes repeat within and across files, some readings differing.
        assert!(!again.contains("trung_lap: 0,") && !again.contains("trung_lap_khac: 0,"));
        // All kept, the first file's only, none.
        let file = 300 * (std::mem::size_of::<readings::Reading>() + "HS-100".len());
        for budget in [64 << 20, file * 3 / 2, file / 10] {
            for threads in [1, 3] {
                let kept = outcome_files(&files, threads, 97, year_periods(), budget);
                assert_eq!(kept, again, "budget {budget}, {threads} threads");
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Found by CI: identical readings of a code in two ranges were counted
    /// as differing, because the fingerprint hashed range-local unit ids.
    #[test]
    fn identical_readings_in_two_ranges_are_not_differing() {
        let dir = std::env::temp_dir().join(format!("cctthc-scan-same-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = write(
            &dir,
            "x.csv",
            &format!("{HEADER}\n{}", rows(60, 14437879424242208086)),
        );
        let one = outcome(&path, 1, 1 << 30);
        let many = outcome(&path, 3, 20);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(many, one);
        assert!(one.contains("trung_lap_khac: 4"), "{one}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn any_cut_gives_what_one_read_gives(seed in 1u64.., n in 1usize..120, range in 20u64..400) {
            let dir = std::env::temp_dir().join(format!("cctthc-scan-p-{}-{seed}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let path = write(&dir, "x.csv", &format!("{HEADER}\n{}", rows(n, seed)));
            let one = outcome(&path, 1, 1 << 30);
            let many = outcome(&path, 3, range);
            std::fs::remove_dir_all(&dir).unwrap();
            prop_assert_eq!(many, one);
        }

        /// Many groups in many periods, read by 2 to 4 threads in ranges of
        /// a few rows: the figures of one read on one thread.
        #[test]
        fn many_groups_on_any_threads(seed in 1u64.., n in 1usize..400, range in 20u64..800, threads in 2usize..5) {
            let dir = std::env::temp_dir().join(format!("cctthc-scan-w-{}-{seed}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let path = write(&dir, "x.csv", &format!("{HEADER}\n{}", wide_rows(n, seed)));
            let one = outcome_of(&path, 1, 1 << 30, year_periods());
            let many = outcome_of(&path, threads, range, year_periods());
            std::fs::remove_dir_all(&dir).unwrap();
            prop_assert_eq!(many, one);
        }
    }
}

#[cfg(test)]
mod never_panics {
    use super::*;
    use crate::period::Period;
    use chrono::NaiveDate;
    use proptest::prelude::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn scan_bytes(name: &str, bytes: &[u8]) {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "cctthc-anybytes-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let files = vec![path];
        let options = Options::default();
        let d = NaiveDate::from_ymd_opt(2023, 11, 1).unwrap();
        let mut input = Input::new(&files, &options, &[], vec![Period { start: d, end: d }]);
        input.range_bytes = 64;
        // Either figures or an error; a panic fails the test.
        let _ = run(&input, &mut |_| {}, &mut |_| {});
        std::fs::remove_dir_all(&dir).unwrap();
    }

    const HEADER: &[u8] =
        b"ma_ho_so,don_vi,kenh,ngay_tiep_nhan,ngay_hen_tra,trang_thai,so_hoa_ho_so,phi_le_phi\n";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn any_bytes_as_csv(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            scan_bytes("x.csv", &bytes);
            let mut with_header = HEADER.to_vec();
            with_header.extend_from_slice(&bytes);
            scan_bytes("y.csv", &with_header);
        }

        #[test]
        fn any_bytes_as_xlsx(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let mut zipped = b"PK\x03\x04".to_vec();
            zipped.extend_from_slice(&bytes);
            scan_bytes("x.xlsx", &zipped);
        }

        #[test]
        fn rows_of_printable_noise(rows in proptest::collection::vec("[ -~àáạảãăằđĐơưỳ,;\"\t]{0,80}", 0..40)) {
            let mut text = HEADER.to_vec();
            for r in rows {
                text.extend_from_slice(r.as_bytes());
                text.push(b'\n');
            }
            scan_bytes("z.csv", &text);
        }

        #[test]
        fn any_text_in_the_value_parsers(s in "\\PC{0,40}") {
            use crate::input::values;
            let _ = values::date(&s);
            let _ = values::date_bytes(s.as_bytes());
            let _ = values::amount(&s);
            let _ = values::channel(&s);
            let _ = values::level(&s);
            let _ = values::yes_no(&s, crate::input::Field::Fee);
            let _ = values::StatusRules::new(&[]).classify(&s);
            let _ = crate::period::MonthArg::from_str(&s);
        }
    }

    use std::str::FromStr;
}
