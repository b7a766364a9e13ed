//! The log's set-up: `RUST_LOG` chooses what is logged (default `info`), `--log-format` how
//! (text for people, JSON lines for log collectors), always on standard error.

use std::ffi::OsStr;
use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

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

/// Installs the global subscriber. Call once, before anything logs.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
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
