//! Records held back while a line checked alone is checked: the records of the lines checked
//! beside it come after its own, so they wait, in a temporary file rather than in memory (a
//! second of the other threads' work is about 100 MB of records), and are written out once
//! its record is (docs/batch.md#memory-and-threads).

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};

use crate::batch::Verdict;
use crate::spool::Spool;

/// Records gathered in memory before they go to the file together: few, large writes.
const BUFFER: usize = 64 * 1024;

/// The records held back, in order: the first `on_file` bytes of the file, then `buffer`.
#[derive(Debug)]
pub(crate) struct Held {
    /// Makes the file, when it is first needed.
    make: Option<fn() -> io::Result<File>>,
    file: Option<File>,
    /// Bytes of whole records written to the file since the hold began.
    on_file: u64,
    /// Whole records not yet written to the file: all that is held after the file failed.
    buffer: Vec<u8>,
    /// The verdicts of the records held, in order.
    verdicts: Vec<Verdict>,
    /// The file could not be made or written: nothing more is held.
    failed: bool,
}

impl Held {
    /// Records held in a file that `make` makes, once, when first asked to hold; with `None`,
    /// none are held.
    pub(crate) fn new(make: Option<fn() -> io::Result<File>>) -> Self {
        Held {
            make,
            file: None,
            on_file: 0,
            buffer: Vec::new(),
            verdicts: Vec::new(),
            failed: false,
        }
    }

    /// Whether records can be held: there is a file for them (made now if need be) and it
    /// has not failed.
    pub(crate) fn ready(&mut self) -> bool {
        if self.file.is_none() && !self.failed {
            match self.make.map(|make| make()) {
                Some(Ok(file)) => self.file = Some(file),
                _ => self.failed = true,
            }
        }
        !self.failed
    }

    /// Holds back one record. `false` once no more should be: the file failed, and what it did
    /// not take is held in memory, so nothing is lost, but nothing more should be added.
    pub(crate) fn push(&mut self, verdict: Verdict, record: &Spool) -> bool {
        self.verdicts.push(verdict);
        if self.failed || self.buffer.len() + record.size() < BUFFER {
            // Into memory: it cannot fail.
            let _ = record.write_to(&mut self.buffer);
            return !self.failed;
        }
        // The buffer, then the record straight from its blocks: a large record is not copied
        // into memory a second time.
        match self.spill(record) {
            Ok(()) => true,
            Err(_) => {
                // Some of it may be in the file, past `on_file`: that is never read.
                self.failed = true;
                let _ = record.write_to(&mut self.buffer);
                false
            }
        }
    }

    /// Writes the buffer and then `record` to the file.
    fn spill(&mut self, record: &Spool) -> io::Result<()> {
        let file = self.file.as_mut().ok_or_else(|| io::Error::other("no file"))?;
        file.write_all(&self.buffer)?;
        self.on_file += self.buffer.len() as u64;
        self.buffer.clear();
        record.write_to(file)?;
        self.on_file += record.size() as u64;
        Ok(())
    }

    /// Writes every record held to `out`, in order, calls `each` with their verdicts once
    /// they are all written, and empties the file for the next hold. An error reading the file
    /// back is given with what it was doing.
    pub(crate) fn release(&mut self, out: &mut impl Write, each: impl FnMut(Verdict)) -> io::Result<()> {
        if self.on_file > 0 {
            if let Some(file) = self.file.as_mut() {
                copy_back(file, self.on_file, out)?;
                // A file that cannot be emptied is not used again.
                if file
                    .seek(SeekFrom::Start(0))
                    .and_then(|_| file.set_len(0))
                    .is_err()
                {
                    self.failed = true;
                }
            }
            self.on_file = 0;
        }
        out.write_all(&self.buffer)?;
        self.buffer.clear();
        if self.buffer.capacity() > 2 * BUFFER {
            // Records held in memory after the file failed: do not keep that room.
            self.buffer.shrink_to(BUFFER);
        }
        self.verdicts.drain(..).for_each(each);
        Ok(())
    }
}

/// Copies the first `length` bytes of `file` to `out`.
fn copy_back(file: &mut File, length: u64, out: &mut impl Write) -> io::Result<()> {
    let context = |e: io::Error| {
        io::Error::new(
            e.kind(),
            format!("reading back the records held in a temporary file: {e}"),
        )
    };
    file.seek(SeekFrom::Start(0)).map_err(context)?;
    let mut chunk = [0u8; 16 * 1024];
    let mut left = length;
    while left > 0 {
        let want = usize::try_from(left).unwrap_or(usize::MAX).min(chunk.len());
        let read = match file.read(&mut chunk[..want]) {
            Ok(0) => {
                return Err(context(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("{left} bytes fewer than were written"),
                )));
            }
            Ok(read) => read,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(context(e)),
        };
        out.write_all(&chunk[..read])?;
        left -= read as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(text: &str) -> Spool {
        let mut spool = Spool::default();
        let _ = spool.write_all(text.as_bytes());
        spool.finish();
        spool
    }

    fn temp() -> io::Result<File> {
        tempfile::tempfile()
    }

    fn broken() -> io::Result<File> {
        Err(io::Error::other("no room"))
    }

    #[test]
    fn records_come_back_in_order_from_the_file_and_memory_each_hold() {
        let mut held = Held::new(Some(temp));
        for hold in 0..3 {
            assert!(held.ready());
            let mut expected = Vec::new();
            // Over three buffers' worth, so that most go through the file.
            for n in 0..(3 * BUFFER / 20 + hold) {
                let line = if n == 5 {
                    // A record larger than the buffer, written to the file from its blocks.
                    format!("{{\"line\":\"{}\"}}\n", "y".repeat(BUFFER))
                } else {
                    format!("{{\"line\":{n:>8}}}\n")
                };
                expected.extend_from_slice(line.as_bytes());
                let verdict = if n % 2 == 0 {
                    Verdict::Complete
                } else {
                    Verdict::Invalid
                };
                assert!(held.push(verdict, &record(&line)));
            }
            assert!(held.on_file > 0);
            let mut out = Vec::new();
            let mut verdicts = Vec::new();
            held.release(&mut out, |v| verdicts.push(v)).unwrap();
            assert_eq!(out, expected, "hold {hold}");
            assert_eq!(verdicts.len(), 3 * BUFFER / 20 + hold);
            assert_eq!(verdicts[1], Verdict::Invalid);
        }
    }

    #[test]
    fn without_a_file_nothing_is_held() {
        assert!(!Held::new(None).ready());
        let mut held = Held::new(Some(broken));
        assert!(!held.ready());
        assert!(!held.ready());
    }

    #[test]
    fn a_file_that_fails_keeps_what_it_did_not_take_in_memory() {
        // A file opened for reading only: every write to it fails.
        fn read_only() -> io::Result<File> {
            File::open(std::env::current_exe()?)
        }
        let mut held = Held::new(Some(read_only));
        assert!(held.ready());
        assert!(held.push(Verdict::Complete, &record("w\n")));
        let line = "x".repeat(BUFFER);
        assert!(!held.push(Verdict::Complete, &record(&line)));
        assert!(!held.push(Verdict::Incomplete, &record("y\n")));
        let mut out = Vec::new();
        let mut count = 0;
        held.release(&mut out, |_| count += 1).unwrap();
        assert_eq!(out, format!("w\n{line}y\n").into_bytes());
        assert_eq!(count, 3);
        assert!(!held.ready());
    }
}
