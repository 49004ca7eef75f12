//! The progress line of a long `check`: after about a second, one line on standard error,
//! rewritten in place, saying how many files have been read; erased when the run is done.
//! Only for a person at a terminal: never when standard error is not a terminal, never in CI
//! (`CI` set), never with `--quiet` or a machine format (SPEC §6 formats are for programs).
//!
//! The counters are process-wide statics, so that the pipeline reports its progress without a
//! parameter threaded through every stage; they are only ever displayed, never read for a
//! result, so two runs in one process (tests) can only blur each other's progress line.
//!
//! Layer `entry`.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::cli::Format;

/// Source files of the run.
static TOTAL: AtomicUsize = AtomicUsize::new(0);
/// Source files read (from the cache or from disk) so far.
static DONE: AtomicUsize = AtomicUsize::new(0);

/// How long a run goes before the line appears: a quick run prints nothing.
const DELAY: Duration = Duration::from_secs(1);
/// How often the line is rewritten.
const TICK: Duration = Duration::from_millis(100);

/// Called by extraction once it knows the files: `total` of them, `known` already taken from
/// the cache.
pub(super) fn files(total: usize, known: usize) {
    TOTAL.store(total, Ordering::Relaxed);
    DONE.store(known, Ordering::Relaxed);
}

/// Called by extraction after each file read.
pub(super) fn file_done() {
    DONE.fetch_add(1, Ordering::Relaxed);
}

/// Whether a run with these report formats shows the line: only for people (`human`, or
/// `agent` read in a terminal), only when standard error is a terminal, not in CI, not with
/// `--quiet`.
pub(super) fn wanted(formats: &[Format], quiet: bool) -> bool {
    let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    is_shown(
        formats,
        quiet,
        std::io::IsTerminal::is_terminal(&std::io::stderr()),
        in_ci,
    )
}

/// [`wanted`], with the environment as arguments.
fn is_shown(formats: &[Format], quiet: bool, stderr_is_terminal: bool, in_ci: bool) -> bool {
    let for_people = formats
        .iter()
        .all(|f| matches!(f, Format::Human | Format::Agent));
    for_people && !quiet && stderr_is_terminal && !in_ci
}

/// The line for the counters' values.
fn line(done: usize, total: usize) -> String {
    if done < total {
        format!("archgate: {done}/{total} files read")
    } else {
        format!("archgate: {total} files read; resolving imports and checking the rules")
    }
}

/// The progress line while it lives; [`Progress::finish`] (or dropping it) erases it.
pub(super) struct Progress {
    running: Option<(mpsc::Sender<()>, JoinHandle<()>)>,
}

impl Progress {
    /// Starts the line's thread when `enabled`; it prints nothing before [`DELAY`].
    pub fn start(enabled: bool) -> Self {
        files(0, 0);
        if !enabled {
            return Self { running: None };
        }
        let (stop, stopped) = mpsc::channel::<()>();
        let spawned = std::thread::Builder::new()
            .name("archgate-progress".to_owned())
            .spawn(move || {
                show(&stopped, &mut std::io::stderr(), DELAY);
            });
        Self {
            running: spawned.ok().map(|handle| (stop, handle)),
        }
    }

    /// Erases the line (if it was shown) and stops its thread.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some((stop, handle)) = self.running.take() {
            // A closed channel stops the thread too: the send's result does not matter.
            let _ = stop.send(());
            let _ = handle.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The thread's loop: wait `delay`, then rewrite the line every [`TICK`] until told to stop,
/// then erase it. Write errors end the line quietly: progress is never worth a failure.
fn show(stopped: &mpsc::Receiver<()>, err: &mut dyn Write, delay: Duration) {
    if !matches!(stopped.recv_timeout(delay), Err(RecvTimeoutError::Timeout)) {
        return;
    }
    let mut width: usize = 0;
    loop {
        let text = line(DONE.load(Ordering::Relaxed), TOTAL.load(Ordering::Relaxed));
        // Padding over the previous text instead of an escape sequence: `\r` works on every
        // terminal, `TERM=dumb` included.
        let pad = width.saturating_sub(text.len());
        width = text.len();
        if write!(err, "\r{text}{}", " ".repeat(pad))
            .and_then(|()| err.flush())
            .is_err()
        {
            return;
        }
        if !matches!(stopped.recv_timeout(TICK), Err(RecvTimeoutError::Timeout)) {
            break;
        }
    }
    let _ = write!(err, "\r{}\r", " ".repeat(width)).and_then(|()| err.flush());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_people_at_a_terminal_outside_ci_see_it() {
        let human = [Format::Human];
        assert!(is_shown(&human, false, true, false));
        assert!(is_shown(&[Format::Agent], false, true, false));
        // Near misses: each condition alone turns it off.
        assert!(!is_shown(&human, true, true, false), "--quiet");
        assert!(
            !is_shown(&human, false, false, false),
            "stderr not a terminal"
        );
        assert!(!is_shown(&human, false, true, true), "CI");
        for machine in [Format::Json, Format::Sarif, Format::Github] {
            assert!(!is_shown(&[machine], false, true, false), "{machine:?}");
            assert!(!is_shown(&[Format::Human, machine], false, true, false));
        }
    }

    #[test]
    fn the_line_counts_files_then_says_what_is_left() {
        assert_eq!(line(3, 10), "archgate: 3/10 files read");
        assert_eq!(
            line(10, 10),
            "archgate: 10 files read; resolving imports and checking the rules"
        );
    }

    #[test]
    fn a_run_stopped_before_the_delay_prints_nothing() {
        let (stop, stopped) = mpsc::channel();
        stop.send(()).unwrap();
        let mut err = Vec::new();
        show(&stopped, &mut err, DELAY);
        assert!(err.is_empty());
    }

    /// A terminal that asks the line to stop as soon as it is first written.
    struct StopOnWrite {
        written: Vec<u8>,
        stop: mpsc::Sender<()>,
    }

    impl Write for StopOnWrite {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.written.extend_from_slice(buf);
            let _ = self.stop.send(());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_long_run_shows_the_line_then_erases_it() {
        let (stop, stopped) = mpsc::channel();
        let mut err = StopOnWrite {
            written: Vec::new(),
            stop,
        };
        show(&stopped, &mut err, Duration::ZERO);
        // The counters are shared with any run in this process: only the shape is certain.
        let text = String::from_utf8(err.written).unwrap();
        let parts: Vec<&str> = text.split('\r').collect();
        assert_eq!(parts.len(), 4, "{text:?}");
        assert_eq!(parts[0], "");
        assert!(parts[1].starts_with("archgate: "), "{text:?}");
        assert_eq!(
            parts[2],
            " ".repeat(parts[1].len()),
            "erased with as many blanks"
        );
        assert_eq!(parts[3], "");
    }
}
