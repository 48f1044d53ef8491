//! One pass over the exports, in parallel: files are cut into ranges at row
//! boundaries, each read on its own, at most two per thread ahead of the
//! merge; the merge takes them in reading order and gives their dossiers,
//! ids translated, back to the threads, each tallying into one tally of
//! its own. Each row also leaves a compact reading (`readings.rs`),
//! written to disk past a budget by the thread that read it; once all is
//! read, the codes read more than once are merged from the readings, so
//! the files are read once however many codes repeat. Memory grows with
//! the number of groups, not the rows.
//!
//! A range starts at a guessed row boundary (the first line break after a
//! cut). Rows with quoted line breaks can make the guess wrong; each range
//! is checked against where the previous one stopped, and read again from
//! there when they disagree, so the result is always that of one
//! sequential read.

mod readings;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};

use self::readings::{Ids, Run, Runs, Stow};
use crate::figures::{Accounting, Collector, Detail, KeepRule, Sign, Tally, code_key};
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
    /// Bytes of rows' readings kept in memory before they go to
    /// temporary files.
    pub readings_budget: usize,
    /// Readings a job stows at once as it reads.
    pub readings_chunk: usize,
    /// Readings compared at once to find the repeated codes.
    pub readings_group: usize,
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
            // About 230 000 rows: a district's year never touches the disk.
            readings_budget: 16 << 20,
            // About 4 MB.
            readings_chunk: 1 << 16,
            readings_group: readings::GROUP,
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
    /// The reading of every row, for the duplicate check, the ids the
    /// part's own.
    runs: Vec<Run>,
    names: Names,
    problems: Vec<RowProblem>,
    counts: ReadCounts,
    header: Option<input::Header>,
    skipped: Vec<(input::skip::Skip, u64)>,
    /// For ranges: where the range really started, and its ends.
    ends: Option<(u64, RangeEnds)>,
}

/// What the reading threads share: where the rows' readings go, and the
/// scan's names as the merge last published them.
struct Shared {
    stow: Stow,
    names: Mutex<Arc<Names>>,
}

/// Reads `input`, tallying every row; invalid rows go to `report` in
/// reading order, and `progress` hears the rows read so far.
pub fn run(
    input: &Input<'_>,
    report: &mut dyn FnMut(RowProblem),
    progress: &mut dyn FnMut(u64),
) -> Result<Scanned, input::Error> {
    let (jobs, reports) = plan_files(input)?;
    let shared = Shared {
        stow: Stow::new(input.readings_budget),
        names: Mutex::new(Arc::new(Names::new(input.units))),
    };
    let mut m = Merge {
        names: Names::new(input.units),
        tally: Tally::new(input.periods.clone()),
        details: Vec::new(),
        runs: Runs::new(input.readings_group),
        published: (&shared.names, 0),
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
    first_pass(&jobs, input, &shared, &mut m)?;
    let Merge {
        names,
        tally,
        mut details,
        runs,
        received,
        not_received,
        rows,
        reports,
        ..
    } = m;
    drop(shared);
    let (mut tally, merged) = merge_repeats(&runs, input.threads, tally, &mut details)?;
    drop(runs);
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
    for (i, (path, plan)) in input.files.iter().zip(plans(input)).enumerate() {
        let plan = Arc::new(plan?);
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

/// Every file's plan, in the files' order, found on the scan's threads:
/// finding a header folds the cells of a file's first rows, which for a
/// district's dozen monthly exports was a tenth of the read, done before
/// any reading began.
fn plans(input: &Input<'_>) -> Vec<Result<Plan, input::Error>> {
    let files = input.files;
    let threads = input.threads.min(files.len());
    if threads <= 1 {
        return files
            .iter()
            .map(|p| input::plan(p, input.options))
            .collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut found: Vec<Option<Result<Plan, input::Error>>> = files.iter().map(|_| None).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(path) = files.get(i) else { break };
                        mine.push((i, input::plan(path, input.options)));
                    }
                    mine
                })
            })
            .collect();
        for worker in workers {
            match worker.join() {
                Ok(mine) => mine.into_iter().for_each(|(i, plan)| found[i] = Some(plan)),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    // Every file was taken by a worker that finished; planned here again
    // only if that were ever not so.
    found
        .into_iter()
        .zip(files)
        .map(|(plan, path)| plan.unwrap_or_else(|| input::plan(path, input.options)))
        .collect()
}

/// Reads every job, merged in order; a range whose guessed start fell
/// inside a quoted field is read again from the true boundary.
fn first_pass(
    jobs: &[Job],
    input: &Input<'_>,
    shared: &Shared,
    m: &mut Merge<'_>,
) -> Result<(), input::Error> {
    let tally = run_jobs(jobs, input, shared, &mut |index, part| {
        let job = &jobs[index];
        let part = part?;
        let (Some((start, ends)), Some(&(want, _))) = (part.ends, m.expected.get(&job.file)) else {
            return m.merge(job, part);
        };
        let end = job.span.map_or(u64::MAX, |s| s.1);
        if want >= end {
            // A row of the previous range ran over all of this one.
            return Ok(None);
        }
        if start == want || ends.first.map(|f| f.0) == Some(want) {
            return m.merge(job, part);
        }
        let exact = Job {
            span: Some((want, end, true)),
            ..job.clone()
        };
        let part = read_part(&exact, input, shared, &mut Caches::new())?;
        m.merge(&exact, part)
    })?;
    m.tally.merge(tally);
    Ok(())
}

/// Codes read more than once: all but the last reading of each taken back
/// out of `tally` (SPEC §1.6), and the kept details of those readings
/// dropped.
fn merge_repeats(
    runs: &Runs,
    threads: usize,
    tally: Tally,
    details: &mut Vec<Detail>,
) -> Result<(Tally, crate::figures::Merged), input::Error> {
    let wanted = details
        .iter()
        .map(|d| code_key(d.code.as_bytes()))
        .collect();
    let tally = Mutex::new(tally);
    let outcome = runs.merge(threads, &wanted, &|dossiers| {
        let mut tally = lock(&tally);
        for d in dossiers {
            tally.apply(d, Sign::Remove);
        }
    })?;
    crate::figures::drop_merged_details(details, &outcome.last);
    let tally = tally.into_inner().unwrap_or_else(|p| p.into_inner());
    Ok((tally, outcome.merged))
}

/// The running result of a scan, parts merged in reading order.
struct Merge<'r> {
    names: Names,
    /// Where the names are published for the threads, and how many there
    /// were (units and fields) when last published.
    published: (&'r Mutex<Arc<Names>>, u32),
    tally: Tally,
    details: Vec<Detail>,
    runs: Runs,
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
            runs,
            names,
            mut problems,
            counts,
            header,
            skipped,
            ends,
        } = part;
        let (units, domains) = self.names.import(&names);
        let ids = Arc::new(Ids { units, domains });
        self.publish();
        let mut dossiers = collector.dossiers;
        for d in &mut dossiers {
            ids.remap(d);
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
            ids.remap(&mut d.dossier);
            self.details.push(d);
        }
        self.runs.add(runs, &ids);
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

impl Merge<'_> {
    /// Publishes a copy of the names once they have doubled (or grown by
    /// 64) since the last: copies stay few, and a part interns at most
    /// about as many names as are known.
    fn publish(&mut self) {
        let (units, domains) = self.names.counts();
        let (slot, last) = &mut self.published;
        if units + domains >= last.saturating_mul(2).max(*last + 64) {
            *lock(slot) = Arc::new(self.names.copy());
            *last = units + domains;
        }
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
    shared: &Shared,
    done: &mut Done<'_>,
) -> Result<Tally, input::Error> {
    let mut tally = Tally::new(input.periods.clone());
    if input.threads <= 1 || jobs.len() <= 1 {
        let mut caches = Caches::new();
        for (i, job) in jobs.iter().enumerate() {
            if let Some(dossiers) = done(i, read_part(job, input, shared, &mut caches))? {
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
                let mut caches = Caches::new();
                loop {
                    match board.work(me) {
                        Work::Read(i) => {
                            let Some(job) = jobs.get(i) else { break };
                            let part = read_part(job, input, shared, &mut caches);
                            if tx.send((i, part)).is_err() {
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

/// Reads one job's file or range, its names over the scan's published
/// ones, with the caches of the thread's earlier parts; its rows'
/// readings are stowed a chunk at a time.
fn read_part(
    job: &Job,
    input: &Input<'_>,
    shared: &Shared,
    caches: &mut Caches,
) -> Result<Part, input::Error> {
    let stow = &shared.stow;
    let base = lock(&shared.names).clone();
    let (units, domains) = base.counts();
    caches.start_part(units, domains);
    let mut names = Names::over(base);
    let mut collector = Collector::new(input.keep.clone(), job.file, job.range);
    collector.readings = stow.buffer();
    let origin = (job.file, job.range);
    let mut runs = Vec::new();
    let mut problems = Vec::new();
    let mut stow_error = None;
    let (counts, columns, ends) = {
        let mut sink = |r: &input::Record<'_>| {
            collector.add(r);
            if collector.readings.len() >= input.readings_chunk && stow_error.is_none() {
                match stow.run(
                    std::mem::replace(&mut collector.readings, stow.buffer()),
                    origin,
                ) {
                    Ok(run) => runs.push(run),
                    Err(e) => stow_error = Some(e),
                }
            }
        };
        let mut report = |p: RowProblem| problems.push(p);
        let mut loader = Loader {
            statuses: &input.options.statuses,
            values: &input.options.values,
            dates: &input.options.dates,
            caches,
            names: &mut names,
            sink: &mut sink,
            report: &mut report,
            counts: ReadCounts::default(),
            file: job.name.clone(),
            header: None,
            skipped: Vec::new(),
        };
        let ends = read_job(job, input, &mut loader)?;
        (
            loader.counts,
            (loader.header.take(), std::mem::take(&mut loader.skipped)),
            ends,
        )
    };
    let (header, skipped) = columns;
    if let Some(e) = stow_error {
        return Err(e);
    }
    runs.push(stow.run(std::mem::take(&mut collector.readings), origin)?);
    Ok(Part {
        collector,
        runs,
        names,
        problems,
        counts,
        header,
        skipped,
        ends,
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

    /// [`outcome`] over `periods`, every one of them and the months. One
    /// thread keeps the rows' readings in memory; several, a few and the
    /// rest on disk.
    fn outcome_of(path: &Path, threads: usize, range_bytes: u64, periods: Vec<Period>) -> String {
        let budget = if threads == 1 {
            64 << 20
        } else {
            64 * std::mem::size_of::<crate::figures::Reading>()
        };
        outcome_files(&[path.to_path_buf()], threads, range_bytes, periods, budget)
    }

    /// [`outcome_of`] of several files, the rows' readings in memory up to
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
        input.readings_chunk = 5;
        if threads > 1 {
            input.readings_group = 4;
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

    /// Workbooks and CSV whose codes repeat within and across files, the
    /// rows' readings in memory, on disk, or some of each (the budget ran
    /// out part way): the same figures, duplicates and differing readings.
    #[test]
    fn readings_anywhere_give_the_same_merge() {
        let dir = std::env::temp_dir().join(format!("cctthc-scan-kept-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // No quoted cells: split on commas into cells.
        let plain = |seed| wide_rows(300, seed).replace("\"Khai sinh,\nkết hôn\"", "Khai sinh");
        let (a, b) = (plain(3), plain(5));
        let files = vec![dir.join("a.xlsx"), dir.join("b.xlsx"), dir.join("c.csv")];
        workbook(&files[0], &format!("{HEADER}\n{a}"));
        workbook(&files[1], &format!("{HEADER}\n{b}"));
        write(&dir, "c.csv", &format!("{HEADER}\n{a}"));
        let again = outcome_files(&files, 1, 1 << 30, year_periods(), 64 << 20);
        // Codes repeat within and across files, some readings differing.
        assert!(!again.contains("trung_lap: 0,") && !again.contains("trung_lap_khac: 0,"));
        // All in memory, the first file's only, a few, none.
        let file = 300 * std::mem::size_of::<crate::figures::Reading>();
        for budget in [64 << 20, file * 3 / 2, file / 10, 0] {
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
