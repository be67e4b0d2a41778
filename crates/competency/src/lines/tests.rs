use super::*;
use proptest::prelude::*;

fn plain(input: &[u8], limit: usize, capacity: usize) -> Vec<(u64, Vec<u8>, u64)> {
    BoundedLines::new(io::BufReader::with_capacity(capacity, input), limit)
        .map(|line| line.map(|l| (l.number, l.bytes, l.length)).unwrap_or_default())
        .collect()
}

/// Input made of the bytes lines are split and trimmed at, and others.
fn body() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        proptest::sample::select(vec![b'a', b'{', b'\n', b'\r', 0xEF, 0xBB, 0xBF, b' ']),
        0..200,
    )
}

/// `body`, after a byte order mark if `bom`.
fn with_bom(bom: bool, body: &[u8]) -> Vec<u8> {
    let mut input = if bom { BOM.to_vec() } else { Vec::new() };
    input.extend_from_slice(body);
    input
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// Asking for the next line only within a bound, any number of times and with any
    /// bound, gives the same lines as reading them plainly, each one it gives lighter than
    /// its bound, and holds no more of a longer one than the largest bound asked.
    #[test]
    fn reading_within_a_bound_loses_and_changes_nothing(
        body in body(),
        limit in 0usize..12,
        capacity in 1usize..9,
        asks in proptest::collection::vec(0usize..16, 0..60),
    ) {
        let mut lines = BoundedLines::new(io::BufReader::with_capacity(capacity, body.as_slice()), limit);
        let mut got = Vec::new();
        let mut largest = 0;
        for most in asks {
            largest = largest.max(most);
            // 0: a plain read between the others.
            let next = if most == 0 {
                lines.next()
            } else {
                match lines.next_within(most) {
                    Ok(next) => {
                        if let Some(Ok(line)) = &next {
                            prop_assert!(line.bytes.len() < most, "{} bytes within {most}", line.bytes.len());
                        }
                        next
                    }
                    Err(Longer) => {
                        prop_assert!(lines.partial.len() <= largest);
                        continue;
                    }
                }
            };
            got.extend(next.map(|line| line.map(|l| (l.number, l.bytes, l.length)).unwrap_or_default()));
        }
        got.extend(lines.by_ref().map(|line| line.map(|l| (l.number, l.bytes, l.length)).unwrap_or_default()));
        prop_assert_eq!(got, plain(&body, limit, capacity));
        prop_assert_eq!(lines.bytes_read(), body.len() as u64);
    }
}

/// What `BoundedLines` must give, written the plain way: split at `\n`, drop one `\r` before
/// it, drop a byte order mark at the start, keep at most `limit + 1` bytes of each line; a
/// line of white space only that is longer than that (its `\r` counted) is empty.
fn reference_lines(input: &[u8], limit: usize) -> Vec<(u64, Vec<u8>, u64)> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let mut parts: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
    if parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    parts
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            if line.len() > limit + 1 && line.iter().all(u8::is_ascii_whitespace) {
                return (i as u64 + 1, Vec::new(), 0);
            }
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let kept = line[..line.len().min(limit + 1)].to_vec();
            (i as u64 + 1, kept, line.len() as u64)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// Lines are split, trimmed and bounded exactly as documented, whatever the bytes, the
    /// limit and where the reader's buffer happens to end.
    #[test]
    fn bounded_lines_match_the_plain_reading(
        body in body(),
        bom in proptest::bool::ANY,
        limit in 0usize..12,
        capacity in 1usize..9,
    ) {
        let input = with_bom(bom, &body);
        let reader = io::BufReader::with_capacity(capacity, input.as_slice());
        let mut lines = BoundedLines::new(reader, limit);
        let got: Vec<(u64, Vec<u8>, u64)> = lines
            .by_ref()
            .map(|l| l.map(|l| (l.number, l.bytes, l.length)).unwrap())
            .collect();
        prop_assert_eq!(got, reference_lines(&input, limit));
        prop_assert_eq!(lines.bytes_read(), input.len() as u64);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// Lines handed over borrowed where they can be, between plain reads and reads within a
    /// bound (which may leave the start of a line read), are the lines read plainly: split,
    /// trimmed and bounded alike, whatever the bytes, the limit and where the reader's
    /// buffer ends (a capacity under 9 splits most lines across it).
    #[test]
    fn lines_lent_are_the_lines_read(
        body in body(),
        bom in proptest::bool::ANY,
        limit in 0usize..12,
        capacity in 1usize..40,
        // 0: a plain read; 1: a line lent; more: a read within that bound.
        steps in proptest::collection::vec(0usize..16, 0..60),
    ) {
        let input = with_bom(bom, &body);
        let mut lines = BoundedLines::new(io::BufReader::with_capacity(capacity, input.as_slice()), limit);
        let mut got = Vec::new();
        for step in steps.into_iter().chain(std::iter::repeat(1)) {
            let next = match step {
                0 => lines.next().map(|line| line.map(|l| (l.number, l.bytes, l.length))),
                1 => {
                    let mut lent = None;
                    lines
                        .with_next(&mut |l| lent = Some((l.number, l.bytes.to_vec(), l.length)))
                        .map(|read| read.map(|()| lent.expect("a line is handed over when one is read")))
                }
                most => match lines.next_within(most) {
                    Ok(next) => next.map(|line| line.map(|l| (l.number, l.bytes, l.length))),
                    Err(Longer) => continue,
                },
            };
            match next {
                Some(line) => got.push(line.unwrap()),
                None => break,
            }
        }
        prop_assert_eq!(got, reference_lines(&input, limit));
        prop_assert_eq!(lines.bytes_read(), input.len() as u64);
    }
}

/// A reader that gives what `script` says, one read at a time, then the end; it counts its
/// reads.
struct Scripted {
    script: Vec<io::Result<&'static [u8]>>,
    reads: usize,
}

impl io::Read for Scripted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reads += 1;
        if self.script.is_empty() {
            return Ok(0);
        }
        let bytes = self.script.remove(0)?;
        buf[..bytes.len()].copy_from_slice(bytes);
        Ok(bytes.len())
    }
}

fn scripted(script: Vec<io::Result<&'static [u8]>>) -> BoundedLines<io::BufReader<Scripted>> {
    BoundedLines::new(
        io::BufReader::with_capacity(64, Scripted { script, reads: 0 }),
        100,
    )
}

/// What a run of plain reads or of lent lines gives: each line, or the error's kind, until
/// the end; and how many reads it took.
fn outcomes(
    mut lines: BoundedLines<io::BufReader<Scripted>>,
    lent: bool,
) -> (Vec<Result<Vec<u8>, io::ErrorKind>>, usize) {
    let mut got = Vec::new();
    loop {
        let next = if lent {
            let mut bytes = Vec::new();
            lines
                .with_next(&mut |l| bytes = l.bytes.to_vec())
                .map(|read| read.map(|()| bytes))
        } else {
            lines.next().map(|line| line.map(|l| l.bytes))
        };
        match next {
            Some(line) => got.push(line.map_err(|e| e.kind())),
            None => break,
        }
    }
    (got, lines.reader.get_ref().reads)
}

#[test]
fn lent_lines_retry_an_interrupted_read_and_end_at_an_error_as_plain_ones_do() {
    let script = || {
        vec![
            Err(io::Error::from(io::ErrorKind::Interrupted)),
            Ok(&b"ab\ncd\n"[..]),
            Err(io::Error::other("the disk went away")),
        ]
    };
    let plain = outcomes(scripted(script()), false);
    assert_eq!(
        plain.0,
        vec![Ok(b"ab".to_vec()), Ok(b"cd".to_vec()), Err(io::ErrorKind::Other)]
    );
    assert_eq!(outcomes(scripted(script()), true), plain);
}

#[test]
fn lent_lines_end_at_the_first_end_of_file_as_plain_ones_do() {
    // A terminal gives an end of file once: a second read would wait for another.
    let plain = outcomes(scripted(vec![Ok(&b"ab\n"[..])]), false);
    assert_eq!(plain, (vec![Ok(b"ab".to_vec())], 2));
    assert_eq!(outcomes(scripted(vec![Ok(&b"ab\n"[..])]), true), plain);
}

#[test]
fn a_line_in_the_buffer_is_lent_from_it() {
    let input: &[u8] = b"\xEF\xBB\xBFab\r\ncd\nef";
    let mut lines = BoundedLines::new(input, 100);
    let mut seen = Vec::new();
    while let Some(read) =
        lines.with_next(&mut |l| seen.push((l.number, l.bytes.as_ptr(), l.bytes.to_vec(), l.length)))
    {
        read.unwrap();
    }
    let at = |i: usize| input[i..].as_ptr();
    assert_eq!(
        seen,
        vec![
            (1, at(3), b"ab".to_vec(), 2),
            (2, at(7), b"cd".to_vec(), 2),
            (3, seen[2].1, b"ef".to_vec(), 2)
        ]
    );
    // The last line, with no line ending, is read the plain way (into a `Line` of its own).
    assert_ne!(seen[2].1, at(10));
}

#[test]
fn a_longer_line_is_left_for_a_plain_read() {
    let input = b"ab\nabcdefgh\r\nx";
    let mut lines = BoundedLines::new(io::BufReader::with_capacity(2, &input[..]), 100);
    let first = lines.next_within(4).ok().flatten().and_then(Result::ok);
    assert_eq!(first.map(|l| l.bytes), Some(b"ab".to_vec()));
    assert!(matches!(lines.next_within(4), Err(Longer)));
    assert!(matches!(lines.next_within(6), Err(Longer)));
    let second = lines.next().and_then(Result::ok);
    assert_eq!(
        second.map(|l| (l.number, l.bytes, l.length)),
        Some((2, b"abcdefgh".to_vec(), 8))
    );
    let last = lines.next_within(4).ok().flatten().and_then(Result::ok);
    assert_eq!(last.map(|l| (l.number, l.bytes)), Some((3, b"x".to_vec())));
    assert!(matches!(lines.next_within(4), Ok(None)));
    assert_eq!(lines.bytes_read(), input.len() as u64);
}

#[test]
fn a_line_of_white_space_longer_than_the_limit_is_blank() {
    // Over the limit in the first read (the first line has room for a byte order mark), and
    // past it, read on and dropped; a line with one other byte past the limit is not blank.
    for input in [&b" \t\r\n"[..], b"  \t \r  \n", b"        \n"] {
        assert_eq!(plain(input, 1, 4), [(1, vec![], 0)], "{input:?}");
        let mut lines = BoundedLines::new(io::BufReader::with_capacity(64, input), 1);
        let mut lent = None;
        lines.with_next(&mut |l| lent = Some(l.is_blank()));
        assert_eq!(lent, Some(true), "{input:?}");
    }
    assert_eq!(plain(b"       x\n", 1, 4), [(1, b"  ".to_vec(), 8)]);
}
