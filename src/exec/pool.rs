//! A bounded pool: at most N jobs at once, results in input order, a progress bar on a
//! terminal only.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use indicatif::{ProgressBar, ProgressStyle};

/// Runs `job` on every item with at most `parallel` running at once.
pub fn run<T: Sync, R: Send>(
    items: &[T],
    parallel: usize,
    progress: bool,
    label: impl Fn(&T) -> String + Sync,
    job: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    let bar = progress.then(|| {
        let b = ProgressBar::new(items.len() as u64);
        if let Ok(s) = ProgressStyle::with_template("{pos}/{len} [{wide_bar}] {elapsed} {msg}") {
            b.set_style(s);
        }
        b
    });
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
                    let r = job(item);
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
