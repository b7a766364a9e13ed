//! The log's set-up: `RUST_LOG` chooses what is logged (default `info`), `--log-format` how
//! (text for people, JSON lines for log collectors), always on standard error.
//!
//! Lines are formatted on the thread that logs and written by a thread of their own
//! (tracing-appender's non-blocking writer), which writes every line queued meanwhile in one go:
//! at `info`, one line per request, a blocking `write(2)` per line on the request's thread cost
//! a measurable share of the throughput (BENCHMARKS.md, "Request log and metrics overhead").
//! Nothing is dropped: past 128,000 queued lines, logging waits for the writer.

use std::ffi::OsStr;
use std::io::{BufWriter, IsTerminal};

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

/// Keeps the log's writer thread: dropping it writes out the lines still queued. Hold it until
/// the process ends.
#[must_use = "the log's last lines are lost unless the guard lives until the end"]
pub struct LogGuard(#[expect(dead_code, reason = "held for its Drop")] WorkerGuard);

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// One human-readable line per event; coloured on a terminal.
    #[default]
    Text,
    /// One JSON object per line, with the span fields (method, route) at the top level of
    /// `span`, for log collectors.
    Json,
}

/// The writer's buffer: the lines queued while it wrote the last batch go out in one write.
const WRITE_BUFFER_BYTES: usize = 64 * 1024;

/// Installs the global subscriber. Call once, before anything logs.
pub fn init(format: LogFormat) -> LogGuard {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // The writer thread flushes the buffer each time the queue is empty.
    let (writer, guard) = NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("legalmap-log")
        .finish(BufWriter::with_capacity(WRITE_BUFFER_BYTES, std::io::stderr()));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer);
    match format {
        LogFormat::Text => {
            let no_color = std::env::var_os("NO_COLOR");
            builder.with_ansi(use_colour(std::io::stderr().is_terminal(), no_color.as_deref())).init();
        }
        // Collectors want the fields, not a sentence: the event's fields sit at the top level.
        LogFormat::Json => {
            builder.json().flatten_event(true).with_current_span(true).with_span_list(false).init()
        }
    }
    LogGuard(guard)
}

/// Colour codes only for a person at a terminal: a file or a journal would keep them as noise,
/// and `NO_COLOR` (any non-empty value, <https://no-color.org>) turns them off everywhere.
fn use_colour(stderr_is_terminal: bool, no_color: Option<&OsStr>) -> bool {
    stderr_is_terminal && no_color.is_none_or(OsStr::is_empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(use_colour(true, None));
        assert!(use_colour(true, Some(OsStr::new(""))), "an empty NO_COLOR does not count");
        assert!(!use_colour(true, Some(OsStr::new("1"))));
        assert!(!use_colour(false, None));
    }
}
