//! A bounded pool: at most N jobs at once, results in input order (all at the end, or each
//! as soon as it is due), progress on stderr (a bar on a terminal, or a line per job under
//! `-v`).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
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

/// Runs `job` on every item with at most `parallel` running at once; the results in item
/// order.
pub fn run<T: Sync, R: Send + Outcome>(
    items: &[T],
    parallel: usize,
    progress: Progress,
    label: impl Fn(&T) -> String + Sync,
    job: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let mut results = Vec::with_capacity(items.len());
    let consumed: Result<(), std::convert::Infallible> =
        run_in_order(items, parallel, progress, label, job, |_, r| {
            results.push(r);
            Ok(())
        });
    match consumed {
        Ok(()) => results,
    }
}

/// Like [`run`], but each result goes to `consume`, on the calling thread and in item
/// order, as soon as it and every earlier one are done, instead of all of them coming
/// back at the end: a fleet's results are never all in memory at once (the consumer, a
/// scan storing hosts, works while the next hosts are collected). Results wait for the
/// consumer in a channel of `parallel` places, so workers slow down to its pace; only
/// results that finished ahead of a slower earlier item wait beside it. The first error
/// of `consume` stops the pool: no item is started after it, and it is returned.
pub fn run_in_order<T: Sync, R: Send + Outcome, E>(
    items: &[T],
    parallel: usize,
    progress: Progress,
    label: impl Fn(&T) -> String + Sync,
    job: impl Fn(&T) -> R + Sync,
    mut consume: impl FnMut(&T, R) -> Result<(), E>,
) -> Result<(), E> {
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let bar = (progress == Progress::Bar).then(|| {
        let b = ProgressBar::new(items.len() as u64);
        if let Ok(s) = ProgressStyle::with_template("{pos}/{len} [{wide_bar}] {elapsed} {msg}") {
            b.set_style(s);
        }
        b
    });
    let lines = progress == Progress::Lines;
    let workers = parallel.clamp(1, items.len().max(1));
    let (done, finished) = std::sync::mpsc::sync_channel::<(usize, R)>(workers);
    let mut outcome = Ok(());
    std::thread::scope(|s| {
        for _ in 0..workers {
            let done = done.clone();
            let (next, stop, bar, label, job) = (&next, &stop, &bar, &label, &job);
            s.spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(item) = items.get(i) else { break };
                    if let Some(b) = bar {
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
                    if let Some(b) = bar {
                        b.inc(1);
                    }
                    // The consumer is gone only after an error of its own.
                    if done.send((i, r)).is_err() {
                        break;
                    }
                }
            });
        }
        // The workers hold the only senders now: the channel ends when they all do.
        drop(done);
        let mut waiting: std::collections::BTreeMap<usize, R> = std::collections::BTreeMap::new();
        let mut due = 0;
        for (i, r) in finished.iter() {
            waiting.insert(i, r);
            while let Some(r) = waiting.remove(&due) {
                if let Err(e) = consume(&items[due], r) {
                    outcome = Err(e);
                    stop.store(true, Ordering::SeqCst);
                    break;
                }
                due += 1;
            }
            if outcome.is_err() {
                break;
            }
        }
        // Dropping the receiver unblocks any worker waiting to send.
        drop(finished);
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Results reach the consumer in item order, whatever order the jobs end in.
    #[test]
    fn results_are_consumed_in_item_order() {
        let items: Vec<u64> = (0..40).collect();
        let mut seen = Vec::new();
        let r: Result<(), ()> = run_in_order(
            &items,
            8,
            Progress::Silent,
            |i| i.to_string(),
            |i| {
                // Early items take longest: later ones finish first.
                std::thread::sleep(std::time::Duration::from_millis((40 - i) % 7));
                Ok::<u64, String>(*i * 2)
            },
            |i, r| {
                assert_eq!(r, Ok(*i * 2));
                seen.push(*i);
                Ok(())
            },
        );
        assert_eq!(r, Ok(()));
        assert_eq!(seen, items);
        assert_eq!(
            run(
                &items,
                3,
                Progress::Silent,
                |i| i.to_string(),
                |i| Ok::<u64, String>(*i + 1)
            ),
            (1..41).map(Ok).collect::<Vec<Result<u64, String>>>()
        );
    }

    /// The consumer's first error stops the pool: it is returned, and items not yet
    /// started are never started.
    #[test]
    fn a_consumer_error_stops_the_pool() {
        let items: Vec<u64> = (0..1000).collect();
        let started = AtomicUsize::new(0);
        let mut started_at_error = None;
        let r = run_in_order(
            &items,
            2,
            Progress::Silent,
            |i| i.to_string(),
            |_| {
                started.fetch_add(1, Ordering::SeqCst);
            },
            |i, ()| {
                if *i == 5 {
                    started_at_error = Some(started.load(Ordering::SeqCst));
                    Err(format!("item {i}"))
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(r, Err("item 5".to_string()));
        // How far the workers got before item 5 came back depends on the scheduler (a
        // worker that finishes 5 late lets the other run ahead). After the error is seen,
        // the consumer stops taking results: each worker can still fill the channel's two
        // places and take one job before it sees the stop.
        let at_error = started_at_error.expect("item 5 was consumed");
        let total = started.load(Ordering::SeqCst);
        assert!(
            total <= at_error + 2 + 2 * 2,
            "{total} started, {at_error} at the error"
        );
        assert!(total < items.len(), "{total}");
    }
}
