//! Why a command stopped: a message for the user and its exit code
//! (SPEC §8), from each layer's error.

use crate::input;

/// Exit codes (SPEC §8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    Failed = 1,
    Usage = 2,
    InvalidRows = 3,
}

/// Why a command stopped, with its exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: Code,
    pub message: String,
}

impl Failure {
    pub fn failed(message: impl Into<String>) -> Failure {
        Failure {
            code: Code::Failed,
            message: message.into(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: Code::Usage,
            message: message.into(),
        }
    }
}

impl From<input::Error> for Failure {
    fn from(e: input::Error) -> Failure {
        Failure::failed(e.to_string())
    }
}

impl From<crate::config::Error> for Failure {
    fn from(e: crate::config::Error) -> Failure {
        match e {
            crate::config::Error::Io { .. } => Failure::failed(e.to_string()),
            crate::config::Error::Invalid { .. } => Failure::usage(e.to_string()),
        }
    }
}

impl From<crate::period::Error> for Failure {
    fn from(e: crate::period::Error) -> Failure {
        Failure::usage(e.to_string())
    }
}
