//! The compact JSON report, with its long arrays rendered on two cores.
//!
//! A report of 100 000 connections is hundreds of megabytes of JSON, nearly all of it in a few
//! arrays (the connections, the port spans, the pool series' steps), and serde_json renders it on
//! one core. [`write_compact`] writes exactly what `serde_json::to_writer` writes, but while it
//! runs, an array whose field is marked `#[serde(serialize_with = "crate::json::long_array")]`
//! alternates chunks of its elements: this thread renders one chunk while a second renders the
//! next into a buffer, whose bytes this thread then splices into the output in their place. At
//! most a few chunks wait in memory, so the report stays a stream.
//!
//! The splice goes through serde_json's public formatter interface: inside [`write_compact`] the
//! formatter is [`Splicing`], which writes serde_json's compact form (the trait's defaults) except
//! that a `null` written while a rendered chunk is pending is that chunk's next element. Outside it
//! (indented JSON, `serde_json::to_value`, one core) a marked array is an ordinary sequence.

use std::cell::{Cell, RefCell};
use std::io::{self, Write};

use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::ser::Formatter;

use crate::cores;

/// Elements rendered as one piece of work: enough to outweigh handing a chunk between threads,
/// few enough that the chunks in flight stay small (a connection is about 2 KB of JSON).
const CHUNK: usize = 256;

/// Rendered chunks that may wait for this thread.
const IN_FLIGHT: usize = 4;

/// A chunk of elements rendered on the second core: their JSON back to back, and where each ends.
#[derive(Default)]
struct Rendered {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

thread_local! {
    /// Set while [`write_compact`] runs on this thread: its formatter splices.
    static SPLICING: Cell<bool> = const { Cell::new(false) };
    /// Set while a long array is split on this thread: an array inside one of its elements is
    /// written whole, so the standing second thread is never asked for two things at once.
    static SPLITTING: Cell<bool> = const { Cell::new(false) };
    /// The chunk being spliced in, and the next of its elements to write.
    static PENDING: RefCell<Option<(Rendered, usize)>> = const { RefCell::new(None) };
}

/// `value` as compact JSON into `out`, byte for byte what `serde_json::to_writer` writes; its
/// long arrays rendered on two cores where there are two ([`cores::two`]).
pub fn write_compact<W: Write, T: Serialize + ?Sized>(out: W, value: &T) -> serde_json::Result<()> {
    let before = SPLICING.with(|c| c.replace(true));
    // Restored even on a panic, so a caught one leaves the thread as it was.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            SPLICING.with(|c| c.set(self.0));
            SPLITTING.with(|c| c.set(false));
            PENDING.with(|p| p.borrow_mut().take());
        }
    }
    let _restore = Restore(before);
    value.serialize(&mut serde_json::Serializer::with_formatter(out, Splicing))
}

/// serde_json's compact formatter (the trait's defaults), but a `null` written while a rendered
/// chunk is pending is the chunk's next element.
struct Splicing;

impl Formatter for Splicing {
    fn write_null<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        let element = PENDING.with(|p| -> Option<io::Result<()>> {
            let mut p = p.borrow_mut();
            let (chunk, next) = p.as_mut()?;
            let start = next.checked_sub(1).map_or(0, |i| chunk.ends[i]);
            let end = *chunk.ends.get(*next)?;
            *next += 1;
            Some(writer.write_all(&chunk.bytes[start..end]))
        });
        element.unwrap_or_else(|| writer.write_all(b"null"))
    }
}

/// What stands in the sequence for an element rendered elsewhere: a `null` to serde, which
/// [`Splicing`] writes as the element.
struct Spliced;

impl Serialize for Spliced {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit()
    }
}

/// A field's `serialize_with` for an array that can be long: an ordinary sequence, except inside
/// [`write_compact`] on a machine with two cores, where every other chunk of its elements is
/// rendered on the second core.
pub fn long_array<S, C, T>(items: &C, serializer: S) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    C: AsRef<[T]> + ?Sized,
    T: Serialize + Sync,
{
    chunked(items.as_ref(), &AsIs, serializer)
}

/// [`long_array`] of what `form` makes of each item (the form an item has in the report).
pub fn long_array_with<S, T, U>(
    items: &[T],
    form: impl Fn(&T) -> U + Sync,
    serializer: S,
) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    T: Sync,
    U: Serialize,
{
    chunked(items, &Formed(form), serializer)
}

/// How an item of a long array is written: as the sequence's next element, or rendered apart.
trait Form<T>: Sync {
    fn element<Q: SerializeSeq>(&self, seq: &mut Q, item: &T) -> Result<(), Q::Error>;
    fn render(&self, out: &mut Vec<u8>, item: &T) -> serde_json::Result<()>;
}

/// Each item as it is.
struct AsIs;

impl<T: Serialize> Form<T> for AsIs {
    fn element<Q: SerializeSeq>(&self, seq: &mut Q, item: &T) -> Result<(), Q::Error> {
        seq.serialize_element(item)
    }
    fn render(&self, out: &mut Vec<u8>, item: &T) -> serde_json::Result<()> {
        serde_json::to_writer(out, item)
    }
}

/// Each item as a function makes it.
struct Formed<F>(F);

impl<T, U: Serialize, F: Fn(&T) -> U + Sync> Form<T> for Formed<F> {
    fn element<Q: SerializeSeq>(&self, seq: &mut Q, item: &T) -> Result<(), Q::Error> {
        seq.serialize_element(&(self.0)(item))
    }
    fn render(&self, out: &mut Vec<u8>, item: &T) -> serde_json::Result<()> {
        serde_json::to_writer(out, &(self.0)(item))
    }
}

fn chunked<S: Serializer, T: Sync>(
    items: &[T],
    form: &impl Form<T>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut seq = serializer.serialize_seq(Some(items.len()))?;
    if items.len() <= CHUNK
        || !SPLICING.with(Cell::get)
        || SPLITTING.with(Cell::get)
        || !cores::two()
    {
        for item in items {
            form.element(&mut seq, item)?;
        }
        return seq.end();
    }
    let (to_here, from_there) = crossbeam_channel::bounded::<Rendered>(IN_FLIGHT);
    let (to_there, spare) = crossbeam_channel::bounded::<Rendered>(IN_FLIGHT + 2);
    let odd_chunks = items.chunks(CHUNK).skip(1).step_by(2);
    let before = SPLITTING.with(|c| c.replace(true));
    let ((), written) = cores::beside_standing(
        move || {
            for chunk in odd_chunks {
                let mut r = spare.try_recv().unwrap_or_default();
                if render(chunk, form, &mut r).is_err() || to_here.send(r).is_err() {
                    // An element that cannot be rendered: this thread stops and the other
                    // renders the rest itself, meeting the error there. Or nobody is waiting:
                    // the other stopped at an error of its own.
                    break;
                }
            }
        },
        move || {
            for (k, chunk) in items.chunks(CHUNK).enumerate() {
                match (k % 2 == 1).then(|| from_there.recv().ok()).flatten() {
                    Some(r) => {
                        PENDING.with(|p| *p.borrow_mut() = Some((r, 0)));
                        for _ in chunk {
                            seq.serialize_element(&Spliced)?;
                        }
                        if let Some((r, _)) = PENDING.with(|p| p.borrow_mut().take()) {
                            let _ = to_there.try_send(r);
                        }
                    }
                    None => {
                        for item in chunk {
                            form.element(&mut seq, item)?;
                        }
                    }
                }
            }
            seq.end()
        },
    );
    SPLITTING.with(|c| c.set(before));
    written
}

/// `chunk`'s items as compact JSON into `r`, back to back.
fn render<T>(chunk: &[T], form: &impl Form<T>, r: &mut Rendered) -> serde_json::Result<()> {
    r.bytes.clear();
    r.ends.clear();
    for item in chunk {
        form.render(&mut r.bytes, item)?;
        r.ends.push(r.bytes.len());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Doc {
        name: &'static str,
        #[serde(serialize_with = "long_array")]
        numbers: Vec<Item>,
        #[serde(serialize_with = "long_array")]
        short: Vec<Item>,
    }

    #[derive(Serialize)]
    struct Item {
        n: u64,
        half: f64,
        text: String,
    }

    fn doc(len: usize) -> Doc {
        let item = |n: usize| Item {
            n: n as u64 * 7_919,
            half: n as f64 / 2.0,
            text: format!("\"item\" {n}\n"),
        };
        Doc {
            name: "doc",
            numbers: (0..len).map(item).collect(),
            short: (0..3).map(item).collect(),
        }
    }

    #[test]
    fn compact_output_is_serde_jsons_byte_for_byte() {
        // Lengths around the chunk boundaries: one chunk, an odd and an even number of them, a
        // last chunk cut short.
        for len in [
            0,
            1,
            CHUNK,
            CHUNK + 1,
            2 * CHUNK,
            3 * CHUNK - 1,
            9 * CHUNK + 17,
        ] {
            let d = doc(len);
            let mut fast = Vec::new();
            write_compact(&mut fast, &d).unwrap();
            assert_eq!(fast, serde_json::to_vec(&d).unwrap(), "{len} elements");
        }
    }

    #[test]
    fn outside_the_compact_writer_a_long_array_is_an_ordinary_one() {
        let d = doc(3 * CHUNK);
        let pretty = serde_json::to_string_pretty(&d).unwrap();
        assert!(
            pretty.contains("\n    {\n      \"n\": 7919,"),
            "indented elements"
        );
        let v = serde_json::to_value(&d).unwrap();
        assert_eq!(v["numbers"][CHUNK + 1]["n"], (CHUNK as u64 + 1) * 7_919);
        // And the flag is down again after the compact writer.
        write_compact(std::io::sink(), &d).unwrap();
        assert!(!SPLICING.with(Cell::get));
    }

    #[test]
    fn on_one_core_the_compact_writer_gives_the_same_bytes() {
        let d = doc(5 * CHUNK);
        let mut one = Vec::new();
        cores::on_one_core(|| write_compact(&mut one, &d)).unwrap();
        let mut two = Vec::new();
        write_compact(&mut two, &d).unwrap();
        assert_eq!(one, two);
    }

    /// A writer that fails part-way (a closed pipe) stops both threads with the error.
    #[test]
    fn a_failing_writer_stops_the_render_with_its_error() {
        struct FailAfter(usize);
        impl Write for FailAfter {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                if self.0 < buf.len() {
                    return Err(std::io::ErrorKind::BrokenPipe.into());
                }
                self.0 -= buf.len();
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let d = doc(20 * CHUNK);
        let err = write_compact(FailAfter(10_000), &d).unwrap_err();
        assert_eq!(err.io_error_kind(), Some(std::io::ErrorKind::BrokenPipe));
    }
}
