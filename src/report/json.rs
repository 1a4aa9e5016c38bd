//! Pretty JSON for the large documents (json, sarif), byte for byte what
//! `serde_json::to_writer_pretty` writes, but faster:
//! - each line break and its indentation go out in one write, not one per level (a
//!   100 MB SARIF file has millions of lines);
//! - the document's one big array is spliced in: the document is serialised with that
//!   array as a marker, and the array's elements are rendered on every core, in order
//!   ([`super::chunks`]), between the text before and after the marker.

use std::cell::Cell;
use std::io::{self, Write};

use serde::{Serialize, Serializer};
use serde_json::ser::Formatter;

/// A newline and the deepest indentation written in one piece; deeper levels loop.
const BREAK: &[u8; 129] = &{
    let mut b = [b' '; 129];
    b[0] = b'\n';
    b
};

#[derive(Default)]
pub struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    fn line<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        let spaces = self.depth * 2;
        if spaces < BREAK.len() {
            return w.write_all(&BREAK[..=spaces]);
        }
        w.write_all(BREAK)?;
        for _ in BREAK.len() - 1..spaces {
            w.write_all(b" ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line(w)?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.line(w)
    }
}

impl Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// What a spliced array is serialised as in the document: the control characters are
/// escaped as `\u0001`, and the marker is searched for only as the value of its key,
/// where no string content can produce it (its quotes would be escaped).
const SPLICE: &str = "\u{1}patchcycle:splice\u{1}";

thread_local! {
    /// Set while a document is serialised for splicing.
    static SPLICING: Cell<bool> = const { Cell::new(false) };
}

/// `#[serde(serialize_with)]` for a document's big array: the array, or the splice
/// marker while [`write_spliced`] serialises the document around it.
pub fn spliceable<T: Serialize, S: Serializer>(items: &[T], s: S) -> Result<S::Ok, S::Error> {
    if SPLICING.get() {
        s.serialize_str(SPLICE)
    } else {
        items.serialize(s)
    }
}

/// How a document is laid out: indented by two spaces (as `serde_json`'s pretty
/// printer), or on one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Pretty,
    Compact,
}

fn serialize<W: Write, T: ?Sized + Serialize>(
    w: W,
    value: &T,
    layout: Layout,
    depth: usize,
) -> io::Result<()> {
    let r = match layout {
        Layout::Pretty => value.serialize(&mut serde_json::Serializer::with_formatter(
            w,
            Pretty {
                depth,
                has_value: false,
            },
        )),
        Layout::Compact => value.serialize(&mut serde_json::Serializer::new(w)),
    };
    r.map_err(io::Error::from)
}

/// Writes `doc` as JSON with its field `key` (serialised via [`spliceable`]) holding
/// `items`, rendered on every core. The same bytes as serialising `doc` whole.
pub fn write_spliced<W, D, T>(
    out: &mut W,
    doc: &D,
    layout: Layout,
    key: &str,
    items: &[T],
) -> io::Result<()>
where
    W: Write,
    D: ?Sized + Serialize,
    T: Serialize + Sync,
{
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            SPLICING.set(false);
        }
    }
    let mut text = Vec::new();
    {
        SPLICING.set(true);
        let _reset = Reset;
        serialize(&mut text, doc, layout, 0)?;
    }
    let key = format!(
        "\"{key}\":{}",
        if layout == Layout::Pretty { " " } else { "" }
    );
    let needle = format!("{key}{}", serde_json::to_string(SPLICE)?);
    let at = text
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
        .ok_or_else(|| io::Error::other(format!("the document has no spliced {key} field")))?;
    // The key's line sets the depth of the elements: one level below it.
    let line = text[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let depth = (at - line) / 2 + 1;
    out.write_all(&text[..at + key.len()])?;
    if items.is_empty() {
        out.write_all(b"[]")?;
    } else {
        out.write_all(b"[")?;
        let level = |depth| Pretty {
            depth,
            has_value: true,
        };
        super::chunks::write_in_order(items, out, |chunk, buf| {
            for (i, item) in chunk.iter().enumerate() {
                let first = i == 0 && std::ptr::eq(chunk.as_ptr(), items.as_ptr());
                match layout {
                    Layout::Pretty => level(depth).item(buf, first)?,
                    Layout::Compact if !first => buf.push(b','),
                    Layout::Compact => {}
                }
                serialize(&mut *buf, item, layout, depth)?;
            }
            Ok(())
        })?;
        if layout == Layout::Pretty {
            level(depth - 1).line(out)?;
        }
        out.write_all(b"]")?;
    }
    out.write_all(&text[at + needle.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Same bytes as serde_json's own pretty printer, also past the one-write depth.
    #[test]
    fn matches_serde_json_pretty() {
        let mut deep = serde_json::json!("leaf");
        for i in 0..70 {
            deep = serde_json::json!({ "level": i, "empty": [], "none": {}, "next": [deep, 1.5, null] });
        }
        let mut ours = Vec::new();
        serialize(&mut ours, &deep, Layout::Pretty, 0).expect("serialise");
        let theirs = serde_json::to_vec_pretty(&deep).expect("serialise");
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&theirs)
        );
    }

    #[derive(Serialize)]
    struct Doc {
        before: Vec<&'static str>,
        inner: Inner,
        after: &'static str,
    }

    #[derive(Serialize)]
    struct Inner {
        name: &'static str,
        #[serde(serialize_with = "spliceable")]
        items: Vec<serde_json::Value>,
        tail: u8,
    }

    /// Spliced documents equal the whole document serialised by serde_json, in both
    /// layouts, for no items, one, and several chunks' worth.
    #[test]
    fn spliced_equals_whole() {
        for n in [0, 1, 3, super::super::chunks::CHUNK * 2 + 5] {
            let items: Vec<serde_json::Value> = (0..n)
                .map(|i| serde_json::json!({"i": i, "s": "x\"y\u{1}", "list": [i, {"deep": []}]}))
                .collect();
            let doc = Doc {
                before: vec!["items", "\"items\": []"],
                inner: Inner {
                    name: "items",
                    items: items.clone(),
                    tail: 7,
                },
                after: "end",
            };
            for layout in [Layout::Pretty, Layout::Compact] {
                let mut ours = Vec::new();
                write_spliced(&mut ours, &doc, layout, "items", &items).expect("splice");
                let theirs = match layout {
                    Layout::Pretty => serde_json::to_vec_pretty(&doc),
                    Layout::Compact => serde_json::to_vec(&doc),
                }
                .expect("serialise");
                assert_eq!(
                    String::from_utf8_lossy(&ours),
                    String::from_utf8_lossy(&theirs),
                    "{n} items, {layout:?}"
                );
            }
        }
    }
}
