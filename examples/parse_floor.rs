//! The parsing crates alone over an export, doing the least work: the floor
//! that `cctthc stats` on the same HTML or JSON file is compared with
//! (`bench/readers.sh`, bench/README.md "HTML and JSON exports: speed").
//!
//! ```text
//! cargo run --release --example parse_floor -- html|json FILE
//! ```
//!
//! - `html`: html5ever's tokenizer (the version cctthc uses) over the file,
//!   read 64 KB at a time and checked as UTF-8 (as `src/input/html.rs`
//!   feeds it), into a sink that only counts tags and characters (and, as
//!   cctthc does, switches `<style>`/`<script>` to raw text). No tree
//!   builder: `markup5ever_rcdom` is not a dependency.
//! - `json`: serde_json into `serde::de::IgnoredAny`, from the whole file in
//!   memory (`from_slice`, serde_json's own floor) and streamed through a
//!   256 KB `BufReader` (`from_reader`, as `src/input/json.rs` reads); then
//!   into `serde_json::Value`, streamed (what a naive reader does; it holds
//!   the whole document).
//!
//! Prints one line per measure: label, elapsed seconds, MB/s (10^6 bytes
//! per second of the file's size). The time includes reading the file.

use std::cell::Cell;
use std::fs::File;
use std::io::{BufReader, Read};
use std::time::Instant;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use serde::Deserialize;
use serde::de::IgnoredAny;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mode, path] = args.as_slice() else {
        eprintln!("usage: parse_floor html|json FILE");
        std::process::exit(2);
    };
    let size = std::fs::metadata(path).expect("the file").len() as f64;
    let report = |label: &str, secs: f64, what: String| {
        println!(
            "{label:<22} {secs:8.3} s {:8.1} MB/s  {what}",
            size / secs / 1e6
        );
    };
    match mode.as_str() {
        "html" => {
            let start = Instant::now();
            let (tags, chars) = html(path);
            report(
                "html5ever-tokenizer",
                start.elapsed().as_secs_f64(),
                format!("{tags} tags, {chars} bytes of text"),
            );
        }
        "json" => {
            let start = Instant::now();
            let bytes = std::fs::read(path).expect("the file");
            IgnoredAny::deserialize(&mut serde_json::Deserializer::from_slice(&bytes))
                .expect("JSON");
            drop(bytes);
            report(
                "json-ignored-slice",
                start.elapsed().as_secs_f64(),
                String::new(),
            );

            let (_, secs) = streamed::<IgnoredAny>(path);
            report("json-ignored-reader", secs, String::new());

            let (value, secs) = streamed::<serde_json::Value>(path);
            let records = value
                .get("content")
                .and_then(|c| c.as_array())
                .map_or(0, Vec::len);
            report(
                "json-value-reader",
                secs,
                format!("{records} records in \"content\""),
            );
        }
        _ => {
            eprintln!("usage: parse_floor html|json FILE");
            std::process::exit(2);
        }
    }
}

/// `T` deserialized from `path` through a 256 KB `BufReader`, as
/// `src/input/json.rs` reads, and the seconds it took.
fn streamed<T: serde::de::DeserializeOwned>(path: &str) -> (T, f64) {
    let start = Instant::now();
    let reader = BufReader::with_capacity(256 * 1024, File::open(path).expect("the file"));
    let mut de = serde_json::Deserializer::from_reader(reader);
    let value = T::deserialize(&mut de).expect("JSON");
    de.end().expect("JSON");
    (value, start.elapsed().as_secs_f64())
}

/// Counts tags and text; nothing else.
#[derive(Default)]
struct Count {
    tags: Cell<u64>,
    chars: Cell<u64>,
}

impl TokenSink for Count {
    type Handle = ();
    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            Token::TagToken(tag) => {
                self.tags.set(self.tags.get() + 1);
                if tag.kind == TagKind::StartTag {
                    match &*tag.name {
                        "style" => return TokenSinkResult::RawData(RawKind::Rawtext),
                        "script" => return TokenSinkResult::RawData(RawKind::ScriptData),
                        _ => {}
                    }
                }
            }
            Token::CharacterTokens(text) => self.chars.set(self.chars.get() + text.len() as u64),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

fn html(path: &str) -> (u64, u64) {
    let mut file = File::open(path).expect("the file");
    let tokenizer = Tokenizer::new(Count::default(), TokenizerOpts::default());
    let queue = BufferQueue::default();
    let mut buf = vec![0u8; 64 * 1024];
    // Bytes of a character cut by the end of the last read.
    let mut carry = 0;
    loop {
        let n = file.read(&mut buf[carry..]).expect("read");
        let filled = carry + n;
        // One pass of UTF-8 checking; a character cut at the end waits.
        let mut chunks = buf[..filled].utf8_chunks();
        let first = chunks.next();
        let text = first.as_ref().map_or("", |c| c.valid());
        let cut = first.map_or(0, |c| c.invalid().len());
        if chunks.next().is_some() || (cut > 0 && (n == 0 || cut >= 4)) {
            panic!("not UTF-8 near byte {}", text.len());
        }
        let valid = text.len();
        if valid > 0 {
            queue.push_back(StrTendril::from_slice(text));
            let _ = tokenizer.feed(&queue);
        }
        if n == 0 {
            break;
        }
        buf.copy_within(valid..filled, 0);
        carry = filled - valid;
    }
    tokenizer.end();
    (tokenizer.sink.tags.get(), tokenizer.sink.chars.get())
}
