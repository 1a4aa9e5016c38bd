//! Rendering a long list on every core while keeping the output in order and the
//! memory bounded: chunk `i` goes to helper thread `i % helpers`, which hands its
//! chunks to the caller over a one-slot channel, in order, and gets the emptied buffers
//! back; the caller only writes (the kernel's copy of a 100 MB file is work too). At
//! most three chunks per helper are in memory.

use std::io::{self, Write};
use std::sync::mpsc;

/// Items per chunk: large enough that handing a chunk over costs nothing, small enough
/// that a chunk's buffer stays around a megabyte.
pub const CHUNK: usize = 512;

/// Renders `items` in order into `out`; `render` appends the text of a run of items to
/// a buffer.
pub fn write_in_order<T, W, F>(items: &[T], out: &mut W, render: F) -> io::Result<()>
where
    T: Sync,
    W: Write,
    F: Fn(&[T], &mut Vec<u8>) -> io::Result<()> + Sync,
{
    let chunks: Vec<&[T]> = items.chunks(CHUNK).collect();
    let helpers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(chunks.len());
    if helpers <= 1 {
        let mut buf = Vec::new();
        for c in &chunks {
            buf.clear();
            render(c, &mut buf)?;
            out.write_all(&buf)?;
        }
        return Ok(());
    }
    std::thread::scope(|s| {
        let render = &render;
        let chunks = &chunks;
        // Per helper: finished chunks one way, emptied buffers the other.
        let mut channels = Vec::with_capacity(helpers);
        for t in 0..helpers {
            let (done_tx, done_rx) = mpsc::sync_channel::<io::Result<Vec<u8>>>(1);
            let (back_tx, back_rx) = mpsc::sync_channel::<Vec<u8>>(2);
            s.spawn(move || {
                for c in chunks.iter().skip(t).step_by(helpers) {
                    let mut b = back_rx.try_recv().unwrap_or_default();
                    b.clear();
                    let r = render(c, &mut b).map(|()| b);
                    let failed = r.is_err();
                    // The caller gave up (a write failed): stop.
                    if done_tx.send(r).is_err() || failed {
                        return;
                    }
                }
            });
            channels.push((done_rx, back_tx));
        }
        for i in 0..chunks.len() {
            let (done_rx, back_tx) = &channels[i % helpers];
            let b = done_rx
                .recv()
                .map_err(|_| io::Error::other("a rendering thread stopped"))??;
            out.write_all(&b)?;
            // A helper that has finished no longer takes buffers back: nothing lost.
            let _ = back_tx.try_send(b);
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_in_order_whatever_the_chunking() {
        for n in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 7 * CHUNK + 3] {
            let items: Vec<usize> = (0..n).collect();
            let mut out = Vec::new();
            write_in_order(&items, &mut out, |c, b| {
                for i in c {
                    writeln!(b, "{i}")?;
                }
                Ok(())
            })
            .expect("render");
            let expected: String = (0..n).map(|i| format!("{i}\n")).collect();
            assert_eq!(
                String::from_utf8(out).expect("utf-8"),
                expected,
                "{n} items"
            );
        }
    }

    #[test]
    fn an_error_in_any_chunk_comes_back() {
        let items: Vec<usize> = (0..5 * CHUNK).collect();
        for bad in [0, CHUNK + 1, 4 * CHUNK + 2] {
            let mut out = Vec::new();
            let err = write_in_order(&items, &mut out, |c, b| {
                if c.contains(&bad) {
                    return Err(io::Error::other(format!("item {bad}")));
                }
                b.extend_from_slice(b"x");
                Ok(())
            })
            .expect_err("must fail");
            assert_eq!(err.to_string(), format!("item {bad}"));
        }
    }

    #[test]
    fn a_failing_writer_stops_the_helpers() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let items: Vec<usize> = (0..50 * CHUNK).collect();
        let err = write_in_order(&items, &mut Full, |c, b| {
            b.extend_from_slice(&[b'x'; 16][..c.len().min(16)]);
            Ok(())
        })
        .expect_err("must fail");
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    }
}
