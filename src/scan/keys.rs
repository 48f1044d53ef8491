//! The code hash of every row, to find the codes read more than once.
//!
//! Each part of a scan hands in its hashes grouped by slice of the hash
//! space (their top byte, by one counting pass on the worker). They stay in
//! memory up to a budget and go to temporary files past it, with where each
//! slice starts. The repeats are then found one
//! group of slices at a time, on every core: the group's hashes from every
//! run are read, sorted and compared with their neighbours. Memory stays
//! near a megabyte per thread, whatever the number of rows.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::hash::FastSet;
use crate::input;

/// Slices of the hash space, by the top eight bits.
const SLICES: usize = 256;

/// Hashes per group of slices read at once (one megabyte, and as much
/// again or twice for the table that finds the repeats).
pub(super) const GROUP: usize = 1 << 17;

/// One part's hashes in slice order, and where each slice starts.
pub(super) struct Sliced {
    keys: Vec<u64>,
    bounds: Box<[usize]>,
}

impl Sliced {
    /// Orders `keys` by their top byte (a counting sort: two passes).
    pub fn new(keys: Vec<u64>) -> Sliced {
        let slice = |k: u64| (k >> 56) as usize;
        let mut bounds = vec![0usize; SLICES + 1];
        for &k in &keys {
            bounds[slice(k) + 1] += 1;
        }
        for s in 0..SLICES {
            bounds[s + 1] += bounds[s];
        }
        let mut next = bounds.clone();
        let mut out = vec![0u64; keys.len()];
        for &k in &keys {
            let at = &mut next[slice(k)];
            out[*at] = k;
            *at += 1;
        }
        Sliced {
            keys: out,
            bounds: bounds.into_boxed_slice(),
        }
    }
}

/// One part's hashes in slice order, and where each slice starts.
struct Run {
    place: Place,
    /// `bounds[s]..bounds[s + 1]`: the hashes of slice `s`.
    bounds: Box<[usize]>,
}

enum Place {
    Memory(Vec<u64>),
    File(PathBuf),
}

pub(super) struct KeyRuns {
    budget: usize,
    bytes: usize,
    runs: Vec<Run>,
    /// Hashes per group, about.
    group: usize,
}

impl KeyRuns {
    /// Keys kept in memory up to `budget` bytes, compared `group` at a
    /// time.
    pub fn new(budget: usize, group: usize) -> KeyRuns {
        KeyRuns {
            budget,
            bytes: 0,
            runs: Vec::new(),
            group,
        }
    }

    /// Adds one part's hashes.
    pub fn add(&mut self, part: Sliced) -> Result<(), input::Error> {
        let Sliced { keys, bounds } = part;
        if keys.is_empty() {
            return Ok(());
        }
        let size = keys.len() * 8;
        if self.bytes + size <= self.budget {
            self.bytes += size;
            self.runs.push(Run {
                place: Place::Memory(keys),
                bounds,
            });
            return Ok(());
        }
        let (path, file) = spill_file()?;
        self.runs.push(Run {
            place: Place::File(path.clone()),
            bounds,
        });
        let io = |source| input::Error::Io {
            path: path.clone(),
            source,
        };
        let mut w = BufWriter::with_capacity(1 << 20, file);
        for k in &keys {
            w.write_all(&k.to_le_bytes()).map_err(io)?;
        }
        w.flush().map_err(io)?;
        Ok(())
    }

    /// The hashes that appear more than once, in batches of whole groups
    /// of about `limit` hashes each (one batch when they are few), so a
    /// batch's readings can be gathered in bounded memory.
    pub fn repeated_batches(
        &self,
        threads: usize,
        limit: usize,
    ) -> Result<Vec<Vec<(usize, usize)>>, input::Error> {
        let groups = self.groups();
        let counts: Vec<AtomicUsize> = groups.iter().map(|_| AtomicUsize::new(0)).collect();
        self.each_group(threads, &groups, |i, repeats| {
            counts[i].store(repeats.len(), Ordering::Relaxed);
        })?;
        let mut batches: Vec<Vec<(usize, usize)>> = Vec::new();
        let mut size = 0;
        for (group, count) in groups.into_iter().zip(counts) {
            let count = count.into_inner();
            if count == 0 {
                continue;
            }
            match batches.last_mut() {
                Some(batch) if size + count <= limit => batch.push(group),
                _ => {
                    batches.push(vec![group]);
                    size = 0;
                }
            }
            size += count;
        }
        Ok(batches)
    }

    /// The hashes of `groups` that appear more than once, found on
    /// `threads` threads.
    pub fn repeated(
        &self,
        threads: usize,
        groups: &[(usize, usize)],
    ) -> Result<FastSet<u64>, input::Error> {
        let found = Mutex::new(FastSet::default());
        self.each_group(threads, groups, |_, repeats| {
            // A poisoned lock only means another thread panicked.
            let mut found = found.lock().unwrap_or_else(|p| p.into_inner());
            found.extend(repeats);
        })?;
        Ok(found.into_inner().unwrap_or_else(|p| p.into_inner()))
    }

    /// Calls `f` with each group's index and its repeated hashes (a hash
    /// seen three times may be there twice), on `threads` threads.
    fn each_group(
        &self,
        threads: usize,
        groups: &[(usize, usize)],
        f: impl Fn(usize, &[u64]) + Sync,
    ) -> Result<(), input::Error> {
        let next = AtomicUsize::new(0);
        let failure = Mutex::new(None);
        let work = || {
            let mut reader = GroupReader::new(&self.runs);
            let mut repeats = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&(a, b)) = groups.get(i) else { break };
                repeats.clear();
                if let Err(e) = reader.repeats(a, b, &mut repeats) {
                    next.store(groups.len(), Ordering::Relaxed);
                    *failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                    return;
                }
                f(i, &repeats);
            }
        };
        let threads = threads.clamp(1, groups.len().max(1));
        if threads == 1 {
            work();
        } else {
            std::thread::scope(|scope| {
                for _ in 0..threads {
                    scope.spawn(work);
                }
            });
        }
        match failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Consecutive slices in groups of about [`GROUP`] hashes.
    fn groups(&self) -> Vec<(usize, usize)> {
        let mut groups = Vec::new();
        let (mut start, mut size) = (0, 0);
        for s in 0..SLICES {
            size += self
                .runs
                .iter()
                .map(|r| r.bounds[s + 1] - r.bounds[s])
                .sum::<usize>();
            if size >= self.group || s + 1 == SLICES {
                if size > 0 {
                    groups.push((start, s + 1));
                }
                (start, size) = (s + 1, 0);
            }
        }
        groups
    }
}

/// Reads a group of slices from every run, with the run files open.
struct GroupReader<'a> {
    runs: &'a [Run],
    files: Vec<Option<File>>,
    keys: Vec<u64>,
    bytes: Vec<u8>,
    table: Vec<u64>,
}

impl<'a> GroupReader<'a> {
    fn new(runs: &'a [Run]) -> Self {
        GroupReader {
            runs,
            files: runs.iter().map(|_| None).collect(),
            keys: Vec::new(),
            bytes: Vec::new(),
            table: Vec::new(),
        }
    }

    /// Adds to `out` the hashes of slices `a..b` seen more than once.
    fn repeats(&mut self, a: usize, b: usize, out: &mut Vec<u64>) -> Result<(), input::Error> {
        self.keys.clear();
        for (run, file) in self.runs.iter().zip(&mut self.files) {
            let (from, to) = (run.bounds[a], run.bounds[b]);
            if from == to {
                continue;
            }
            match &run.place {
                Place::Memory(keys) => self.keys.extend_from_slice(&keys[from..to]),
                Place::File(path) => {
                    let io = |source| input::Error::Io {
                        path: path.clone(),
                        source,
                    };
                    let file = match file {
                        Some(f) => f,
                        None => file.insert(File::open(path).map_err(io)?),
                    };
                    file.seek(SeekFrom::Start(from as u64 * 8)).map_err(io)?;
                    self.bytes.resize((to - from) * 8, 0);
                    file.read_exact(&mut self.bytes).map_err(io)?;
                    let (words, _) = self.bytes.as_chunks::<8>();
                    self.keys
                        .extend(words.iter().map(|w| u64::from_le_bytes(*w)));
                }
            }
        }
        repeats_of(&self.keys, &mut self.table, out);
        Ok(())
    }
}

/// Adds to `out` the keys of `keys` seen more than once (some maybe more
/// than once). The keys are hashes, so their low bits index an
/// open-addressing table directly: one pass, no sort. Zero marks an empty
/// slot, so the key zero is counted apart.
fn repeats_of(keys: &[u64], table: &mut Vec<u64>, out: &mut Vec<u64>) {
    // Filled to between three eighths and three quarters.
    let size = (keys.len() + keys.len() / 3).next_power_of_two().max(16);
    let mask = size - 1;
    table.clear();
    table.resize(size, 0);
    let mut zeros = 0;
    for &k in keys {
        if k == 0 {
            zeros += 1;
            continue;
        }
        let mut i = k as usize & mask;
        loop {
            match table[i] {
                0 => {
                    table[i] = k;
                    break;
                }
                seen if seen == k => {
                    out.push(k);
                    break;
                }
                _ => i = (i + 1) & mask,
            }
        }
    }
    if zeros > 1 {
        out.push(0);
    }
}

/// A new spill file in the temp folder. Tracked before it exists, so a
/// signal at any moment leaves none behind; made new only (`create_new`),
/// so a link planted under its name in a shared temp folder cannot make a
/// run as root write through it.
fn spill_file() -> Result<(PathBuf, File), input::Error> {
    // Unique within the process, whatever number of scans run at once.
    static SPILLS: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir();
    let mut attempts = 0;
    loop {
        let path = dir.join(format!(
            "cctthc-keys-{}-{}.bin",
            std::process::id(),
            SPILLS.fetch_add(1, Ordering::Relaxed)
        ));
        crate::atomic::track(&path);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok((path, file)),
            Err(source) => {
                crate::atomic::forget(&path);
                attempts += 1;
                // Left by an earlier run that had this process number.
                if source.kind() != std::io::ErrorKind::AlreadyExists || attempts == 100 {
                    return Err(input::Error::Io { path, source });
                }
            }
        }
    }
}

impl Drop for KeyRuns {
    fn drop(&mut self) {
        for run in &self.runs {
            if let Place::File(path) = &run.place {
                let _ = std::fs::remove_file(path);
                crate::atomic::forget(path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// In memory, spilled or both, on one thread or several: the
        /// repeats are those a plain count finds.
        #[test]
        fn repeats_are_the_codes_seen_twice(
            runs in proptest::collection::vec(proptest::collection::vec(prop_oneof![0u64..40, any::<u64>()], 0..300), 0..12),
            budget in 0usize..4000,
            threads in 1usize..4,
            limit in prop_oneof![Just(0usize), Just(3), Just(usize::MAX)],
            group in prop_oneof![Just(1usize), Just(50), Just(GROUP)],
        ) {
            let mut keys = KeyRuns::new(budget, group);
            let mut count = std::collections::HashMap::new();
            for run in runs {
                for k in &run {
                    *count.entry(*k).or_insert(0) += 1;
                }
                keys.add(Sliced::new(run)).unwrap();
            }
            let want: FastSet<u64> = count.into_iter().filter(|(_, n)| *n > 1).map(|(k, _)| k).collect();
            // Whatever the batches, together they are every repeat once.
            let mut got = FastSet::default();
            for batch in keys.repeated_batches(threads, limit).unwrap() {
                let part = keys.repeated(threads, &batch).unwrap();
                prop_assert!(part.iter().all(|k| !got.contains(k)));
                got.extend(part);
            }
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn slices_are_in_order_of_the_top_byte() {
        let s = Sliced::new(vec![5 << 56 | 1, 1, 5 << 56, 255 << 56, 2]);
        assert_eq!(s.keys, vec![1, 2, 5 << 56 | 1, 5 << 56, 255 << 56]);
        assert_eq!(
            (s.bounds[0], s.bounds[1], s.bounds[5], s.bounds[6]),
            (0, 2, 2, 4)
        );
        assert_eq!((s.bounds[255], s.bounds[256]), (4, 5));
    }

    #[test]
    fn spilled_files_are_removed() {
        let mut keys = KeyRuns::new(0, GROUP);
        keys.add(Sliced::new(vec![3, 1 << 60, 2])).unwrap();
        let Place::File(path) = &keys.runs[0].place else {
            panic!("not spilled")
        };
        let path = path.clone();
        assert!(path.exists());
        assert!(keys.repeated_batches(2, usize::MAX).unwrap().is_empty());
        drop(keys);
        assert!(!path.exists());
    }
}
