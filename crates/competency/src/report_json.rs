//! A report as the compact JSON of a batch record, written directly: byte for byte what
//! `serde_json` writes from the report's derived `Serialize` (tests hold the two together).
//!
//! Why: written through serde, a record cost about 7,800 instructions an evidence item, more
//! than checking it (docs/performance.md, nineteenth pass). Most of that was the generic path
//! for each field (a key escaped byte by byte, separate writes for quotes, commas and colons, a
//! `Result` at every step) over the parts a report has one of per item or per requirement:
//! register entries, item statuses, requirement results and their tallies, findings. Those are
//! written here, with their keys as constant bytes and strings scanned eight bytes at a time
//! (about 4,500 instructions an item in all). The rest, a few per unit (produced-by, outcome,
//! plan, currency window, prior units, and a tally's rule type, field, filter, closest item and
//! span), goes through `serde_json`, whose compact output of a value does not depend on where
//! it stands.
//!
//! Each type written here is taken apart field by field, with no `..`: a field added to it does
//! not compile until it is written here too, and the tests compare every shape of report with
//! `serde_json`'s.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CharEscape, CompactFormatter, Formatter};

use crate::date::Date;
use crate::finding::Finding;
use crate::plain_json::{needs_escape, stops};
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
    while from < bytes.len() && !needs_escape(bytes[from]) {
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
        self.u64(value as u64)
    }

    fn date(&mut self, date: Date) -> io::Result<()> {
        match date.ymd() {
            Some(text) => self.str(text.as_str()),
            None => self.serde(&date),
        }
    }

    /// `key` and a date, where the date is there.
    fn opt_date(&mut self, key: &[u8], value: Option<Date>) -> io::Result<()> {
        match value {
            Some(date) => {
                self.raw(key)?;
                self.date(date)
            }
            None => Ok(()),
        }
    }

    /// `["a","b",...]`.
    fn strs<S: AsRef<str>>(&mut self, items: &[S]) -> io::Result<()> {
        self.list(items, |json, s| json.str(s.as_ref()))
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

    fn report(&mut self, report: &Report<'_>) -> io::Result<()> {
        let Report {
            format,
            produced_by,
            candidate,
            candidate_name,
            assessor,
            assessor_name,
            judgement_date,
            judgement_date_defaulted,
            current_since,
            complete,
            units,
            findings,
            evidence,
            prior_units,
        } = report;
        self.raw(b"{\"format\":")?;
        self.u64(u64::from(*format))?;
        self.raw(b",\"produced_by\":")?;
        self.serde(produced_by)?;
        self.raw(b",\"candidate\":")?;
        self.str(candidate)?;
        self.opt_str(b",\"candidate_name\":", candidate_name.as_deref())?;
        self.opt_str(b",\"assessor\":", assessor.as_deref())?;
        self.opt_str(b",\"assessor_name\":", assessor_name.as_deref())?;
        self.raw(b",\"judgement_date\":")?;
        self.date(*judgement_date)?;
        if *judgement_date_defaulted {
            self.raw(b",\"judgement_date_defaulted\":true")?;
        }
        self.opt_date(b",\"current_since\":", *current_since)?;
        self.raw(b",\"complete\":")?;
        self.bool(*complete)?;
        self.raw(b",\"units\":")?;
        self.list(units, Self::unit)?;
        self.raw(b",\"findings\":")?;
        self.list(findings, Self::finding)?;
        self.raw(b",\"evidence\":")?;
        self.list(evidence, Self::entry)?;
        if !prior_units.is_empty() {
            self.raw(b",\"prior_units\":")?;
            self.serde(prior_units)?;
        }
        self.raw(b"}")
    }

    fn unit(&mut self, unit: &UnitReport<'_>) -> io::Result<()> {
        let UnitReport {
            code,
            release,
            title,
            source_sha256,
            complete,
            met,
            total,
            current_since,
            currency,
            outcome,
            evidence,
            elements,
            requirements,
            findings,
            plan,
        } = unit;
        self.raw(b"{\"code\":")?;
        self.str(code)?;
        self.raw(b",\"release\":")?;
        self.u64(u64::from(*release))?;
        self.raw(b",\"title\":")?;
        self.str(title)?;
        self.raw(b",\"source_sha256\":")?;
        self.str(source_sha256)?;
        self.raw(b",\"complete\":")?;
        self.bool(*complete)?;
        self.raw(b",\"met\":")?;
        self.usize(*met)?;
        self.raw(b",\"total\":")?;
        self.usize(*total)?;
        self.opt_date(b",\"current_since\":", *current_since)?;
        if let Some(currency) = currency {
            self.raw(b",\"currency\":")?;
            self.serde(currency)?;
        }
        self.raw(b",\"outcome\":")?;
        self.serde(outcome)?;
        self.raw(b",\"evidence\":")?;
        self.list(evidence, Self::status)?;
        self.raw(b",\"elements\":")?;
        self.list(elements, Self::element)?;
        self.raw(b",\"requirements\":")?;
        self.list(requirements, Self::requirement)?;
        self.raw(b",\"findings\":")?;
        self.list(findings, Self::finding)?;
        if let Some(plan) = plan {
            self.raw(b",\"plan\":")?;
            self.serde(plan)?;
        }
        self.raw(b"}")
    }

    fn status(&mut self, status: &ItemStatus) -> io::Result<()> {
        let ItemStatus { id, counted, reason } = status;
        self.raw(b"{\"id\":")?;
        self.str(id)?;
        self.raw(b",\"counted\":")?;
        self.bool(*counted)?;
        self.opt_str(b",\"reason\":", reason.map(|r| r.as_str()))?;
        self.raw(b"}")
    }

    fn element(&mut self, element: &ElementHeading<'_>) -> io::Result<()> {
        let ElementHeading { id, title } = element;
        self.raw(b"{\"id\":")?;
        self.str(id)?;
        self.raw(b",\"title\":")?;
        self.str(title)?;
        self.raw(b"}")
    }

    fn requirement(&mut self, requirement: &RequirementResult<'_>) -> io::Result<()> {
        let RequirementResult {
            id,
            kind,
            text,
            met,
            element,
            evidence,
            not_counted,
            tally,
            missing,
        } = requirement;
        self.raw(b"{\"id\":")?;
        self.str(id)?;
        self.raw(b",\"kind\":")?;
        self.str(kind.as_str())?;
        self.raw(b",\"text\":")?;
        self.str(text)?;
        self.raw(b",\"met\":")?;
        self.bool(*met)?;
        self.opt_str(b",\"element\":", element.as_deref())?;
        self.raw(b",\"evidence\":")?;
        self.strs(evidence.as_slice())?;
        if !not_counted.is_empty() {
            self.raw(b",\"not_counted\":")?;
            self.list(not_counted, Self::not_counted)?;
        }
        if let Some(tally) = tally {
            self.raw(b",\"tally\":")?;
            self.tally(tally)?;
        }
        self.opt_str(b",\"missing\":", missing.as_deref())?;
        self.raw(b"}")
    }

    /// A rule's tally: its lists (the values counted, which grow with the portfolio) written
    /// here, the rest through serde.
    fn tally(&mut self, tally: &Tally) -> io::Result<()> {
        let Tally {
            rule,
            met,
            counts,
            field,
            have,
            need,
            filter,
            values,
            remaining,
            list,
            per_item,
            closest,
            span_days,
            parts,
            not_counted,
        } = tally;
        self.raw(b"{\"type\":")?;
        self.serde(rule)?;
        self.raw(b",\"met\":")?;
        self.bool(*met)?;
        self.raw(b",\"counts\":")?;
        self.str(counts.as_str())?;
        if let Some(field) = field {
            self.raw(b",\"field\":")?;
            self.serde(field)?;
        }
        self.raw(b",\"have\":")?;
        self.u64(u64::from(*have))?;
        self.raw(b",\"need\":")?;
        self.u64(u64::from(*need))?;
        if !filter.is_empty() {
            self.raw(b",\"where\":")?;
            self.serde(filter)?;
        }
        if !values.is_empty() {
            self.raw(b",\"values\":")?;
            self.strs(values)?;
        }
        if !remaining.is_empty() {
            self.raw(b",\"remaining\":")?;
            self.strs(remaining)?;
        }
        self.opt_str(b",\"list\":", list.as_deref())?;
        if let Some(per_item) = per_item {
            self.raw(b",\"per_item\":")?;
            self.u64(u64::from(*per_item))?;
        }
        if let Some(closest) = closest {
            self.raw(b",\"closest\":")?;
            self.serde(closest)?;
        }
        if let Some(span) = span_days {
            self.raw(b",\"span_days\":")?;
            self.serde(span)?;
        }
        if !parts.is_empty() {
            self.raw(b",\"parts\":")?;
            self.list(parts, Self::tally)?;
        }
        if !not_counted.is_empty() {
            self.raw(b",\"not_counted\":")?;
            self.list(not_counted, Self::not_counted)?;
        }
        self.raw(b"}")
    }

    fn not_counted(&mut self, not_counted: &NotCounted) -> io::Result<()> {
        let NotCounted { item, reason } = not_counted;
        self.raw(b"{\"item\":")?;
        self.str(item)?;
        self.raw(b",\"reason\":")?;
        self.str(reason.as_str())?;
        self.raw(b"}")
    }

    fn finding(&mut self, finding: &Finding) -> io::Result<()> {
        let Finding {
            code,
            severity,
            item,
            message,
        } = finding;
        self.raw(b"{\"code\":")?;
        self.str(code.as_str())?;
        self.raw(b",\"severity\":")?;
        self.str(severity.as_str())?;
        self.opt_str(b",\"item\":", item.as_deref())?;
        self.raw(b",\"message\":")?;
        self.str(message)?;
        self.raw(b"}")
    }

    fn entry(&mut self, entry: &RegisterEntry) -> io::Result<()> {
        let RegisterEntry {
            id,
            title,
            date,
            end_date,
            method,
            environment,
            judgement,
            verified,
            verified_by,
            verifier_role,
        } = entry;
        self.raw(b"{\"id\":")?;
        self.str(id)?;
        self.raw(b",\"title\":")?;
        self.str(title)?;
        self.raw(b",\"date\":")?;
        self.date(*date)?;
        self.opt_date(b",\"end_date\":", *end_date)?;
        self.raw(b",\"method\":")?;
        self.str(method.as_str())?;
        self.opt_str(b",\"environment\":", environment.map(|e| e.as_str()))?;
        self.raw(b",\"judgement\":")?;
        self.str(judgement.as_str())?;
        self.raw(b",\"verified\":")?;
        self.bool(*verified)?;
        self.opt_str(b",\"verified_by\":", verified_by.as_deref())?;
        self.opt_str(b",\"verifier_role\":", verifier_role.as_deref())?;
        self.raw(b"}")
    }
}

#[cfg(test)]
mod tests;
