//! A report as the compact JSON of a batch record, written directly: byte for byte what
//! `serde_json` writes from the report's derived `Serialize` (tests hold the two together).
//!
//! Why: written through serde, a record cost about 7,800 instructions an evidence item, more
//! than checking it; written here, about 4,500 (docs/performance.md, nineteenth pass). Most of that is the generic path for each field (a key
//! escaped byte by byte, separate writes for quotes, commas and colons, a `Result` at every
//! step) over the parts a report has one of per item or per requirement: register entries,
//! item statuses, requirement results and their tallies, findings. Those are written here,
//! with their keys as constant bytes and strings scanned eight bytes at a time; the rest
//! (outcome, plan, currency, prior units, a tally's rule and filter: a few per unit) goes
//! through `serde_json`, whose compact output of a value does not depend on where it stands.
//!
//! A field added to one of the types written here must be added here too: the tests compare
//! every shape of report against `serde_json` and fail until it is.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CharEscape, CompactFormatter, Formatter};

use crate::date::Date;
use crate::finding::Finding;
use crate::plain_json::stops;
use crate::report::{
    ElementHeading, ItemStatus, NotCounted, RegisterEntry, Report, RequirementResult, UnitReport,
};
use crate::tally::Tally;

/// Writes `{"line":N,"report":{...}}`, as `serde_json::to_writer` writes a `Record` that holds
/// a report.
pub(crate) fn write_record(out: &mut impl Write, line: u64, report: &Report<'_>) -> io::Result<()> {
    let mut json = Json { out };
    json.raw(b"{\"line\":")?;
    json.u64(line)?;
    json.raw(b",\"report\":")?;
    json.report(report)?;
    json.raw(b"}")
}

struct Json<'w, W> {
    out: &'w mut W,
}

/// Bytes a JSON string cannot hold as they are: `"`, `\` and the controls below 0x20.
static NEEDS_ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// The position of the first byte of `bytes[from..]` that needs escaping, or `bytes.len()`:
/// eight bytes at a time with the reader's test for the bytes a plain string stops at (the
/// same three kinds), then byte by byte.
fn next_escape(bytes: &[u8], mut from: usize) -> usize {
    while let Some(word) = bytes.get(from..).and_then(<[u8]>::first_chunk::<8>) {
        let found = stops(u64::from_le_bytes(*word));
        if found != 0 {
            return from + (found.trailing_zeros() / 8) as usize;
        }
        from += 8;
    }
    while from < bytes.len() && !NEEDS_ESCAPE[usize::from(bytes[from])] {
        from += 1;
    }
    from
}

impl<W: Write> Json<'_, W> {
    fn raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)
    }

    /// A string, quoted and escaped as serde_json escapes it.
    fn str(&mut self, s: &str) -> io::Result<()> {
        let bytes = s.as_bytes();
        let mut end = next_escape(bytes, 0);
        self.raw(b"\"")?;
        let mut start = 0;
        while let Some(&b) = bytes.get(end) {
            self.raw(&bytes[start..end])?;
            let escape = match b {
                b'"' => CharEscape::Quote,
                b'\\' => CharEscape::ReverseSolidus,
                0x08 => CharEscape::Backspace,
                0x09 => CharEscape::Tab,
                0x0A => CharEscape::LineFeed,
                0x0C => CharEscape::FormFeed,
                0x0D => CharEscape::CarriageReturn,
                _ => CharEscape::AsciiControl(b),
            };
            CompactFormatter.write_char_escape(self.out, escape)?;
            start = end + 1;
            end = next_escape(bytes, start);
        }
        self.raw(&bytes[start..])?;
        self.raw(b"\"")
    }

    /// `key` (constant bytes: `,"name":`) and a string, where the string is there.
    fn opt_str(&mut self, key: &[u8], value: Option<&str>) -> io::Result<()> {
        match value {
            Some(value) => {
                self.raw(key)?;
                self.str(value)
            }
            None => Ok(()),
        }
    }

    fn bool(&mut self, value: bool) -> io::Result<()> {
        self.raw(if value { b"true" } else { b"false" })
    }

    fn u64(&mut self, value: u64) -> io::Result<()> {
        CompactFormatter.write_u64(self.out, value)
    }

    fn usize(&mut self, value: usize) -> io::Result<()> {
        // As serde writes a `usize`: `serialize_u64(value as u64)`.
        CompactFormatter.write_u64(self.out, value as u64)
    }

    fn date(&mut self, date: Date) -> io::Result<()> {
        match date.ymd() {
            Some(text) => self.str(text.as_str()),
            None => self.serde(&date),
        }
    }

    /// A value through serde_json: the parts of a report there are a few of per unit.
    fn serde<T: ?Sized + Serialize>(&mut self, value: &T) -> io::Result<()> {
        serde_json::to_writer(&mut *self.out, value).map_err(io::Error::from)
    }

    /// `[a,b,...]`, each element written by `each`.
    fn list<T>(
        &mut self,
        items: &[T],
        mut each: impl FnMut(&mut Self, &T) -> io::Result<()>,
    ) -> io::Result<()> {
        self.raw(b"[")?;
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.raw(b",")?;
            }
            each(self, item)?;
        }
        self.raw(b"]")
    }

    fn report(&mut self, r: &Report<'_>) -> io::Result<()> {
        self.raw(b"{\"format\":")?;
        self.u64(u64::from(r.format))?;
        self.raw(b",\"produced_by\":")?;
        self.serde(&r.produced_by)?;
        self.raw(b",\"candidate\":")?;
        self.str(&r.candidate)?;
        self.opt_str(b",\"candidate_name\":", r.candidate_name.as_deref())?;
        self.opt_str(b",\"assessor\":", r.assessor.as_deref())?;
        self.opt_str(b",\"assessor_name\":", r.assessor_name.as_deref())?;
        self.raw(b",\"judgement_date\":")?;
        self.date(r.judgement_date)?;
        if r.judgement_date_defaulted {
            self.raw(b",\"judgement_date_defaulted\":true")?;
        }
        if let Some(since) = r.current_since {
            self.raw(b",\"current_since\":")?;
            self.date(since)?;
        }
        self.raw(b",\"complete\":")?;
        self.bool(r.complete)?;
        self.raw(b",\"units\":")?;
        self.list(&r.units, Self::unit)?;
        self.raw(b",\"findings\":")?;
        self.list(&r.findings, Self::finding)?;
        self.raw(b",\"evidence\":")?;
        self.list(&r.evidence, Self::entry)?;
        if !r.prior_units.is_empty() {
            self.raw(b",\"prior_units\":")?;
            self.serde(&r.prior_units)?;
        }
        self.raw(b"}")
    }

    fn unit(&mut self, u: &UnitReport<'_>) -> io::Result<()> {
        self.raw(b"{\"code\":")?;
        self.str(&u.code)?;
        self.raw(b",\"release\":")?;
        self.u64(u64::from(u.release))?;
        self.raw(b",\"title\":")?;
        self.str(&u.title)?;
        self.raw(b",\"source_sha256\":")?;
        self.str(&u.source_sha256)?;
        self.raw(b",\"complete\":")?;
        self.bool(u.complete)?;
        self.raw(b",\"met\":")?;
        self.usize(u.met)?;
        self.raw(b",\"total\":")?;
        self.usize(u.total)?;
        if let Some(since) = u.current_since {
            self.raw(b",\"current_since\":")?;
            self.date(since)?;
        }
        if let Some(currency) = &u.currency {
            self.raw(b",\"currency\":")?;
            self.serde(currency)?;
        }
        self.raw(b",\"outcome\":")?;
        self.serde(&u.outcome)?;
        self.raw(b",\"evidence\":")?;
        self.list(&u.evidence, Self::status)?;
        self.raw(b",\"elements\":")?;
        self.list(&u.elements, Self::element)?;
        self.raw(b",\"requirements\":")?;
        self.list(&u.requirements, Self::requirement)?;
        self.raw(b",\"findings\":")?;
        self.list(&u.findings, Self::finding)?;
        if let Some(plan) = &u.plan {
            self.raw(b",\"plan\":")?;
            self.serde(plan)?;
        }
        self.raw(b"}")
    }

    fn status(&mut self, s: &ItemStatus) -> io::Result<()> {
        self.raw(b"{\"id\":")?;
        self.str(&s.id)?;
        self.raw(b",\"counted\":")?;
        self.bool(s.counted)?;
        self.opt_str(b",\"reason\":", s.reason.map(|r| r.as_str()))?;
        self.raw(b"}")
    }

    fn element(&mut self, e: &ElementHeading<'_>) -> io::Result<()> {
        self.raw(b"{\"id\":")?;
        self.str(&e.id)?;
        self.raw(b",\"title\":")?;
        self.str(&e.title)?;
        self.raw(b"}")
    }

    fn requirement(&mut self, r: &RequirementResult<'_>) -> io::Result<()> {
        self.raw(b"{\"id\":")?;
        self.str(&r.id)?;
        self.raw(b",\"kind\":")?;
        self.str(r.kind.as_str())?;
        self.raw(b",\"text\":")?;
        self.str(&r.text)?;
        self.raw(b",\"met\":")?;
        self.bool(r.met)?;
        self.opt_str(b",\"element\":", r.element.as_deref())?;
        self.raw(b",\"evidence\":")?;
        self.list(r.evidence.as_slice(), |json, id| json.str(id))?;
        if !r.not_counted.is_empty() {
            self.raw(b",\"not_counted\":")?;
            self.list(&r.not_counted, Self::not_counted)?;
        }
        if let Some(tally) = &r.tally {
            self.raw(b",\"tally\":")?;
            self.tally(tally)?;
        }
        self.opt_str(b",\"missing\":", r.missing.as_deref())?;
        self.raw(b"}")
    }

    /// A rule's tally: its lists (the values counted, which grow with the portfolio) written
    /// here, the rest through serde.
    fn tally(&mut self, t: &Tally) -> io::Result<()> {
        self.raw(b"{\"type\":")?;
        self.serde(&t.rule)?;
        self.raw(b",\"met\":")?;
        self.bool(t.met)?;
        self.raw(b",\"counts\":")?;
        self.str(t.counts.as_str())?;
        if let Some(field) = &t.field {
            self.raw(b",\"field\":")?;
            self.serde(field)?;
        }
        self.raw(b",\"have\":")?;
        self.u64(u64::from(t.have))?;
        self.raw(b",\"need\":")?;
        self.u64(u64::from(t.need))?;
        if !t.filter.is_empty() {
            self.raw(b",\"where\":")?;
            self.serde(&t.filter)?;
        }
        if !t.values.is_empty() {
            self.raw(b",\"values\":")?;
            self.list(&t.values, |json, v| json.str(v))?;
        }
        if !t.remaining.is_empty() {
            self.raw(b",\"remaining\":")?;
            self.list(&t.remaining, |json, v| json.str(v))?;
        }
        self.opt_str(b",\"list\":", t.list.as_deref())?;
        if let Some(per_item) = t.per_item {
            self.raw(b",\"per_item\":")?;
            self.u64(u64::from(per_item))?;
        }
        if let Some(closest) = &t.closest {
            self.raw(b",\"closest\":")?;
            self.serde(closest)?;
        }
        if let Some(span) = &t.span_days {
            self.raw(b",\"span_days\":")?;
            self.serde(span)?;
        }
        if !t.parts.is_empty() {
            self.raw(b",\"parts\":")?;
            self.list(&t.parts, Self::tally)?;
        }
        if !t.not_counted.is_empty() {
            self.raw(b",\"not_counted\":")?;
            self.list(&t.not_counted, Self::not_counted)?;
        }
        self.raw(b"}")
    }

    fn not_counted(&mut self, n: &NotCounted) -> io::Result<()> {
        self.raw(b"{\"item\":")?;
        self.str(&n.item)?;
        self.raw(b",\"reason\":")?;
        self.str(n.reason.as_str())?;
        self.raw(b"}")
    }

    fn finding(&mut self, f: &Finding) -> io::Result<()> {
        self.raw(b"{\"code\":")?;
        self.str(f.code.as_str())?;
        self.raw(b",\"severity\":")?;
        self.str(f.severity.as_str())?;
        self.opt_str(b",\"item\":", f.item.as_deref())?;
        self.raw(b",\"message\":")?;
        self.str(&f.message)?;
        self.raw(b"}")
    }

    fn entry(&mut self, e: &RegisterEntry) -> io::Result<()> {
        self.raw(b"{\"id\":")?;
        self.str(&e.id)?;
        self.raw(b",\"title\":")?;
        self.str(&e.title)?;
        self.raw(b",\"date\":")?;
        self.date(e.date)?;
        if let Some(end) = e.end_date {
            self.raw(b",\"end_date\":")?;
            self.date(end)?;
        }
        self.raw(b",\"method\":")?;
        self.str(e.method.as_str())?;
        self.opt_str(b",\"environment\":", e.environment.map(|m| m.as_str()))?;
        self.raw(b",\"judgement\":")?;
        self.str(e.judgement.as_str())?;
        self.raw(b",\"verified\":")?;
        self.bool(e.verified)?;
        self.opt_str(b",\"verified_by\":", e.verified_by.as_deref())?;
        self.opt_str(b",\"verifier_role\":", e.verifier_role.as_deref())?;
        self.raw(b"}")
    }
}

#[cfg(test)]
mod tests;
