//! Where text goes. Messages to the user on stderr: coloured only on a
//! terminal and never with `NO_COLOR`; silenced by `--quiet` except
//! errors, and never carrying the control characters of the data. What
//! was asked for on stdout, every write checked, the data's control
//! characters escaped when it is a terminal.

use std::borrow::Cow;
use std::cell::RefCell;
use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

use super::failure::Failure;

pub struct Output {
    quiet: bool,
    verbose: bool,
    colour: bool,
    phases: RefCell<Phases>,
}

/// Where a run's time went, for `-v`: each phase's name and length.
struct Phases {
    start: Instant,
    since: Instant,
    done: Vec<(&'static str, Duration)>,
}

impl Output {
    pub fn new(quiet: bool, verbose: bool) -> Output {
        let colour = io::stderr().is_terminal() && colour_allowed() && console_colours(true);
        let now = Instant::now();
        Output {
            quiet,
            verbose,
            colour,
            phases: RefCell::new(Phases {
                start: now,
                since: now,
                done: Vec::new(),
            }),
        }
    }

    /// Ends the phase `name` (`đọc`, `phân tích`, `tạo`, `ghi`), begun
    /// where the previous one ended.
    pub fn phase(&self, name: &'static str) {
        let mut p = self.phases.borrow_mut();
        let now = Instant::now();
        let length = now - p.since;
        p.done.push((name, length));
        p.since = now;
    }

    /// With `-v`, one line of where the time went (`đọc 120 ms · …`).
    pub fn phase_times(&self) {
        let p = self.phases.borrow();
        if p.done.is_empty() {
            return;
        }
        let mut parts: Vec<String> = p
            .done
            .iter()
            .map(|(n, d)| format!("{n} {}", millis(*d)))
            .collect();
        parts.push(format!("tổng {}", millis(p.start.elapsed())));
        self.detail(&format!("thời gian: {}", parts.join(" · ")));
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// The message without the data's control characters: on a terminal
    /// they would be obeyed, and a log file is read on a terminal too.
    fn clean<'a>(&self, text: &'a str) -> Cow<'a, str> {
        escape_controls(text)
    }

    fn line(&self, text: &str) {
        // A diagnostic that cannot be written (stderr closed) is lost; the
        // exit code still says how the run went.
        let _ = writeln!(io::stderr().lock(), "{text}");
    }

    pub fn error(&self, message: &str) {
        self.line(&format!(
            "{} {}",
            self.paint("1;31", "lỗi:"),
            self.clean(message)
        ));
    }

    pub fn warn(&self, message: &str) {
        if !self.quiet {
            self.line(&format!(
                "{} {}",
                self.paint("1;33", "chú ý:"),
                self.clean(message)
            ));
        }
    }

    pub fn info(&self, message: &str) {
        if !self.quiet {
            self.line(&self.clean(message));
        }
    }

    pub fn detail(&self, message: &str) {
        if self.verbose && !self.quiet {
            self.line(&self.paint("2", &self.clean(message)));
        }
    }

    pub fn quiet(&self) -> bool {
        self.quiet
    }

    /// A problem line of the input, shown even when quiet: it explains the
    /// exit code.
    pub fn problem(&self, message: &str) {
        self.line(&self.clean(message));
    }

    /// A block of text on stderr as it is (no prefix), unless quiet.
    pub fn text(&self, text: &str) {
        if !self.quiet {
            let _ = io::stderr().lock().write_all(self.clean(text).as_bytes());
        }
    }
}

/// A duration in milliseconds, the Vietnamese way (`1.234 ms`, `0,4 ms`).
fn millis(d: Duration) -> String {
    let ms = d.as_micros();
    if ms < 10_000 {
        format!("{},{} ms", ms / 1000, ms % 1000 / 100)
    } else {
        format!("{} ms", crate::vn::int((ms / 1000) as i64))
    }
}

/// Colour is wanted: no `NO_COLOR`, and not a dumb terminal.
fn colour_allowed() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var("TERM").map_or(true, |t| t != "dumb")
}

/// Whether what goes to stdout may be coloured: a terminal, colour allowed.
pub fn stdout_colour() -> bool {
    io::stdout().is_terminal() && colour_allowed() && console_colours(false)
}

/// Whether the console shows ANSI colours: a Windows console is asked to
/// (older ones cannot, and would print the escapes); terminals elsewhere do.
fn console_colours(stderr: bool) -> bool {
    #[cfg(windows)]
    return crate::windows::colours(stderr);
    #[cfg(not(windows))]
    {
        let _ = stderr;
        true
    }
}

/// Writes `text` to stdout as it is and flushes ([`written`]): for text
/// that carries cctthc's own colours, whose data was escaped already with
/// [`escape_controls`].
pub fn print_painted(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    written(out.write_all(text.as_bytes()).and_then(|_| out.flush()))
}

/// Shows the control characters of `text` (all but newline and tab) as
/// escapes (`\x1b`, `\u{9b}`), so a terminal prints them instead of
/// obeying them: a unit named `\x1b[31m…` does not turn the screen red.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hostile) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_hostile(c) {
            out.push(c);
        } else if (c as u32) < 0x80 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

fn is_hostile(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// stdout for what the user asked for: on a terminal, the control
/// characters of the data are escaped ([`escape_controls`]); elsewhere the
/// bytes go as they are.
pub struct Stdout {
    out: io::StdoutLock<'static>,
    terminal: bool,
    /// The start of a character split between two writes.
    partial: Vec<u8>,
}

impl Stdout {
    pub fn new() -> Stdout {
        let out = io::stdout().lock();
        let terminal = out.is_terminal();
        Stdout {
            out,
            terminal,
            partial: Vec::new(),
        }
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.terminal {
            return self.out.write(buf);
        }
        self.partial.extend_from_slice(buf);
        let bytes = std::mem::take(&mut self.partial);
        let mut rest = &bytes[..];
        while !rest.is_empty() {
            match std::str::from_utf8(rest) {
                Ok(s) => {
                    self.out.write_all(escape_controls(s).as_bytes())?;
                    rest = &[];
                }
                Err(e) => {
                    let (valid, after) = rest.split_at(e.valid_up_to());
                    // Checked by from_utf8 just above.
                    let s = std::str::from_utf8(valid).unwrap_or_default();
                    self.out.write_all(escape_controls(s).as_bytes())?;
                    match e.error_len() {
                        // Cut by the end of this write: wait for the rest.
                        None => {
                            self.partial = after.to_vec();
                            rest = &[];
                        }
                        Some(n) => {
                            for b in &after[..n] {
                                write!(self.out, "\\x{b:02x}")?;
                            }
                            rest = &after[n..];
                        }
                    }
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.partial.is_empty() {
            let partial = std::mem::take(&mut self.partial);
            for b in partial {
                write!(self.out, "\\x{b:02x}")?;
            }
        }
        self.out.flush()
    }
}

/// Writes `bytes` to stdout and flushes ([`written`]).
pub fn print(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = Stdout::new();
    written(out.write_all(bytes).and_then(|_| out.flush()))
}

/// A workbook goes to a file (SPEC §13): `--format xlsx` without `-o FILE`
/// (or with `-o -`) is a usage error, before anything is read.
pub fn workbook_file(output: Option<&std::path::Path>) -> Result<(), Failure> {
    match output {
        Some(path) if path.as_os_str() != "-" => Ok(()),
        _ => Err(Failure::usage(
            "--format xlsx cần -o TỆP.xlsx: bảng tính không in ra màn hình được",
        )),
    }
}

/// Writes `bytes` to the file `path` atomically (SPEC §8): the old file,
/// if any, stays whole when writing fails.
pub fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), Failure> {
    crate::atomic::write_bytes(path, bytes).map_err(|e| {
        Failure::failed(format!(
            "không ghi được {}: {}",
            path.display(),
            crate::atomic::describe(&e)
        ))
    })
}

/// The end of writing to stdout: a pipe closed by its reader (`| head`)
/// ends quietly; any other error (a full disk) is exit 1.
pub fn written(result: io::Result<()>) -> Result<(), Failure> {
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::failed(format!(
            "không ghi được kết quả ra stdout: {}",
            crate::atomic::describe(&e)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(escape_controls("UBND xã Ngọc Kỳ"), "UBND xã Ngọc Kỳ");
        assert_eq!(
            escape_controls("A\x1b[31mB\r\u{9b}2J\x07\n\tC"),
            "A\\x1b[31mB\\x0d\\u{9b}2J\\x07\n\tC"
        );
        assert!(matches!(escape_controls("x\ny"), Cow::Borrowed(_)));
    }
}
