//! Messages to the user on stderr: coloured only on a terminal and never
//! with `NO_COLOR`; silenced by `--quiet` except errors.

use std::io::{IsTerminal, Write};

pub struct Output {
    quiet: bool,
    verbose: bool,
    colour: bool,
}

impl Output {
    pub fn new(quiet: bool, verbose: bool) -> Output {
        let colour = std::io::stderr().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && std::env::var("TERM").map_or(true, |t| t != "dumb");
        Output {
            quiet,
            verbose,
            colour,
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn line(&self, text: &str) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{text}");
    }

    pub fn error(&self, message: &str) {
        self.line(&format!("{} {message}", self.paint("1;31", "lỗi:")));
    }

    pub fn warn(&self, message: &str) {
        if !self.quiet {
            self.line(&format!("{} {message}", self.paint("1;33", "chú ý:")));
        }
    }

    pub fn info(&self, message: &str) {
        if !self.quiet {
            self.line(message);
        }
    }

    pub fn detail(&self, message: &str) {
        if self.verbose && !self.quiet {
            self.line(&self.paint("2", message));
        }
    }

    pub fn quiet(&self) -> bool {
        self.quiet
    }

    /// A problem line of the input, shown even when quiet: it explains the
    /// exit code.
    pub fn problem(&self, message: &str) {
        self.line(message);
    }
}
