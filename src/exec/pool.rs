//! A bounded pool: at most N jobs at once, results in input order, progress on stderr (a
//! bar on a terminal, or a line per job under `-v`).

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use crate::output::{Style, seconds};

/// How a pool shows its progress on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Nothing: `-q`, stderr is not a terminal, or the caller reports each job itself.
    Silent,
    /// A bar, cleared at the end (a terminal without `-v`).
    Bar,
    /// `-v`: a line as each job starts and one as it ends, with its duration and, when it
    /// failed, why.
    Lines,
}

impl Progress {
    /// What the output style asks for.
    pub fn for_style(style: &Style) -> Progress {
        if style.quiet {
            Progress::Silent
        } else if style.verbose > 0 {
            Progress::Lines
        } else if style.stderr_tty {
            Progress::Bar
        } else {
            Progress::Silent
        }
    }
}

/// What a job came to, for a [`Progress::Lines`] line.
pub trait Outcome {
    /// Why the job failed; None when it did not.
    fn failure(&self) -> Option<String>;
}

impl Outcome for () {
    fn failure(&self) -> Option<String> {
        None
    }
}

impl<T, E: std::fmt::Display> Outcome for Result<T, E> {
    fn failure(&self) -> Option<String> {
        self.as_ref().err().map(ToString::to_string)
    }
}

/// Runs `job` on every item with at most `parallel` running at once.
pub fn run<T: Sync, R: Send + Outcome>(
    items: &[T],
    parallel: usize,
    progress: Progress,
    label: impl Fn(&T) -> String + Sync,
    job: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    let bar = (progress == Progress::Bar).then(|| {
        let b = ProgressBar::new(items.len() as u64);
        if let Ok(s) = ProgressStyle::with_template("{pos}/{len} [{wide_bar}] {elapsed} {msg}") {
            b.set_style(s);
        }
        b
    });
    let lines = progress == Progress::Lines;
    let workers = parallel.clamp(1, items.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(item) = items.get(i) else { break };
                    if let Some(b) = &bar {
                        b.set_message(label(item));
                    }
                    if lines {
                        eprintln!("{}: started", label(item));
                    }
                    let started = Instant::now();
                    let r = job(item);
                    if lines {
                        let took = seconds(started.elapsed());
                        match r.failure() {
                            None => eprintln!("{}: done in {took}", label(item)),
                            Some(why) => eprintln!(
                                "{}: failed after {took}: {}",
                                label(item),
                                crate::text::one_line(&why)
                            ),
                        }
                    }
                    if let Ok(mut v) = results.lock() {
                        v[i] = Some(r);
                    }
                    if let Some(b) = &bar {
                        b.inc(1);
                    }
                }
            });
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect()
}
