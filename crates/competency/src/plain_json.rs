//! The check's reader for a plain JSON portfolio: the shape platforms send, read directly
//! into `Portfolio<DocStr>` without serde's machinery, or not at all.
//!
//! It reads only what it can read exactly as the strict serde reader
//! ([`crate::strict`], [`crate::schema_key`]) does, and gives up (`None`) on anything else:
//! a string with an escape or a control character, a key it does not know or sees twice, a
//! number that is not a plain `u32`, a value of another type, `outcomes` or `prior_units`,
//! a key starting with `$` in an item's `units`, characters after the root. The caller then
//! reads the text with serde, which gives the same portfolio or the located error. So this
//! reader decides nothing: what it accepts, serde accepts as the same portfolio (the tests
//! compare the two on every case they hold and on mutated documents), and what it refuses
//! costs one more parse.
//!
//! Why it exists: serde's visitors, the strict adapter around every value and key matching by
//! string cost about as much as checking the portfolio does (issue 8's budget for the check
//! is a sixth of the parse).

use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::value::{BorrowedStrDeserializer, Error as ValueError};

use crate::doc_str::DocStr;
use crate::ids::UnitRef;
use crate::mappings::{Collect, Mappings};
use crate::portfolio::{Date, EvidenceItem, Mapping, Person, Policy, Portfolio, Verification};

/// Reads `text` as a plain JSON portfolio, or `None` when serde must read it (which refuses
/// an array of more than `cap` elements, as this reader then gives up).
pub(crate) fn portfolio(text: &str, cap: usize) -> Option<Portfolio<DocStr<'_>>> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
        list: Vec::new(),
        cap,
    };
    let portfolio = reader.portfolio()?;
    reader.space();
    (reader.at == reader.bytes.len()).then_some(portfolio)
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    /// Where a list of strings is read before it is copied into a `Vec` of its size: one
    /// allocation a list, where growing it (4, 8, 16, ...) takes up to three.
    list: Vec<DocStr<'a>>,
    /// The most elements an array may hold ([`crate::strict`]'s cap): `array` and `strings`,
    /// which read every array, give up on a longer one.
    cap: usize,
}

/// Marks field `bit` as read in `seen`; `None` when it was read before (serde refuses a
/// repeated field).
fn first(seen: &mut u32, bit: u32) -> Option<()> {
    let was = *seen & bit;
    *seen |= bit;
    (was == 0).then_some(())
}

/// A value read from a string by its own `Deserialize`, as serde_json hands it over: a
/// borrowed string.
fn from_str<'a, T: Deserialize<'a>>(text: &'a str) -> Option<T> {
    T::deserialize(BorrowedStrDeserializer::<ValueError>::new(text)).ok()
}

/// Room for this many evidence items before the list first grows: most portfolios hold a few
/// to a few dozen, and growing from nothing (4, 8, 16) reallocated a ten-item portfolio's list
/// twice, moving the items read so far (2.5% of reading it). An item is a few hundred bytes,
/// so this is a few KB at most for a portfolio that holds fewer.
const EVIDENCE_ROOM: usize = 16;

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// A byte a plain JSON string cannot hold as it is: a quote, a backslash or a control
/// character (what [`stops`] looks for eight at a time).
pub(crate) fn needs_escape(byte: u8) -> bool {
    // A table: one load in the loops over a string's last few bytes, where three comparisons
    // made `phase full` 1.8% dearer (callgrind: 196.3 M instructions against 199.8 M).
    static NEEDS_ESCAPE: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 256 {
            table[b] = b < 0x20 || b == b'"' as usize || b == b'\\' as usize;
            b += 1;
        }
        table
    };
    NEEDS_ESCAPE[usize::from(byte)]
}

/// The high bit set in each byte of `word` that may be a quote, a backslash or a control
/// character. The lowest set bit is exact: each test can only raise a false alarm above a
/// byte it rightly flags (the borrow of a subtraction runs upwards).
pub(crate) fn stops(word: u64) -> u64 {
    let quote = word ^ (ONES * u64::from(b'"'));
    let backslash = word ^ (ONES * u64::from(b'\\'));
    let zero = |w: u64| w.wrapping_sub(ONES) & !w;
    (zero(quote) | zero(backslash) | (word.wrapping_sub(ONES * 0x20) & !word)) & HIGHS
}

impl<'a> Reader<'a> {
    /// Skips JSON's whitespace.
    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    /// The next byte after whitespace, not consumed.
    fn peek(&mut self) -> Option<u8> {
        self.space();
        self.bytes.get(self.at).copied()
    }

    /// Consumes `byte` after whitespace.
    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// Consumes `null` when it comes next: an absent optional value.
    fn null(&mut self) -> Option<bool> {
        if self.peek()? != b'n' {
            return Some(false);
        }
        let end = self.at + 4;
        (self.bytes.get(self.at..end)? == b"null").then(|| {
            self.at = end;
            true
        })
    }

    /// A string without escapes or control characters, borrowed from the text.
    fn str(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.at;
        let mut at = start;
        while let Some(chunk) = self.bytes.get(at..at + 8) {
            let word = u64::from_le_bytes(chunk.try_into().ok()?);
            let found = stops(word);
            if found != 0 {
                at += (found.trailing_zeros() / 8) as usize;
                break;
            }
            at += 8;
        }
        while let Some(&byte) = self.bytes.get(at) {
            if byte == b'"' {
                self.at = at + 1;
                // A quote is ASCII, so both ends are character boundaries.
                return self.text.get(start..at);
            }
            if needs_escape(byte) {
                return None;
            }
            at += 1;
        }
        None
    }

    fn doc_str(&mut self) -> Option<DocStr<'a>> {
        self.str().map(DocStr::borrowed)
    }

    fn option<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        if self.null()? {
            Some(None)
        } else {
            read(self).map(Some)
        }
    }

    /// A `u32` written as plain digits (serde_json refuses leading zeros; a sign, a fraction
    /// or an exponent is left to it).
    fn u32(&mut self) -> Option<u32> {
        self.space();
        let start = self.at;
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
        let digits = &self.text[start..self.at];
        if digits.len() > 1 && digits.starts_with('0') {
            return None;
        }
        digits.parse().ok()
    }

    fn date(&mut self) -> Option<Date> {
        self.str()?.parse().ok()
    }

    /// An object, each entry handed to `entry` with its key.
    fn object(&mut self, mut entry: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(());
        }
        loop {
            let key = self.str()?;
            self.eat(b':')?;
            entry(self, key)?;
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// An array, each element read by `element`.
    fn elements(&mut self, mut element: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        if self.peek()? == b']' {
            self.at += 1;
            return Some(());
        }
        loop {
            element(self)?;
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// An array, its elements collected into a `Vec` with room for `room` of them to begin
    /// with.
    fn array<T>(&mut self, room: usize, mut element: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let mut out = Vec::with_capacity(room);
        let cap = self.cap;
        self.elements(|r| {
            // Over the cap, serde is left to refuse it (every array is read by these two).
            if out.len() >= cap {
                return None;
            }
            out.push(element(r)?);
            Some(())
        })?;
        Some(out)
    }

    fn strings(&mut self) -> Option<Vec<DocStr<'a>>> {
        let mut list = std::mem::take(&mut self.list);
        list.clear();
        let cap = self.cap;
        let read = self.elements(|r| {
            if list.len() >= cap {
                return None;
            }
            list.push(r.doc_str()?);
            Some(())
        });
        // Copied, not moved, so that the scratch list keeps its room (a borrowed `DocStr`
        // copies as a pointer and a length).
        let out = read.map(|()| list.to_vec());
        self.list = list;
        out
    }

    fn portfolio(&mut self) -> Option<Portfolio<DocStr<'a>>> {
        let mut seen = 0;
        let mut format = None;
        let mut candidate = None;
        let mut assessor = None;
        let mut units = None;
        let mut judgement_date = None;
        let mut policy = None;
        let mut evidence = None;
        self.object(|r, key| {
            match key {
                crate::schema_key::KEY => {
                    first(&mut seen, 1)?;
                    r.str()?;
                }
                "format" => {
                    first(&mut seen, 2)?;
                    format = Some(r.u32()?);
                }
                "candidate" => {
                    first(&mut seen, 4)?;
                    candidate = Some(r.person()?);
                }
                "assessor" => {
                    first(&mut seen, 8)?;
                    assessor = r.option(Self::person)?;
                }
                "units" => {
                    first(&mut seen, 16)?;
                    units = Some(r.array(0, |r| from_str::<UnitRef>(r.str()?))?);
                }
                "judgement_date" => {
                    first(&mut seen, 32)?;
                    judgement_date = r.option(Self::date)?;
                }
                "policy" => {
                    first(&mut seen, 64)?;
                    policy = Some(r.policy()?);
                }
                "evidence" => {
                    first(&mut seen, 128)?;
                    evidence = Some(r.array(EVIDENCE_ROOM, Self::item)?);
                }
                _ => return None,
            }
            Some(())
        })?;
        Some(Portfolio {
            format: format?,
            candidate: candidate?,
            assessor,
            units: units?,
            judgement_date,
            policy: policy.unwrap_or_default(),
            evidence: evidence.unwrap_or_default(),
            outcomes: IndexMap::new(),
            prior_units: Vec::new(),
        })
    }

    fn person(&mut self) -> Option<Person> {
        let mut seen = 0;
        let mut id = None;
        let mut name = None;
        self.object(|r, key| {
            match key {
                "id" => {
                    first(&mut seen, 1)?;
                    id = Some(r.str()?.to_owned());
                }
                "name" => {
                    first(&mut seen, 2)?;
                    name = r.option(|r| r.str().map(str::to_owned))?;
                }
                _ => return None,
            }
            Some(())
        })?;
        Some(Person { id: id?, name })
    }

    fn policy(&mut self) -> Option<Policy> {
        let mut seen = 0;
        let mut policy = Policy::default();
        self.object(|r, key| {
            match key {
                "currency_months" => {
                    first(&mut seen, 1)?;
                    policy.currency_months = r.option(Self::u32)?;
                }
                "currency_years" => {
                    first(&mut seen, 2)?;
                    policy.currency_years = r.option(Self::u32)?;
                }
                "verify" => {
                    first(&mut seen, 4)?;
                    policy.verify = r.array(0, |r| from_str(r.str()?))?;
                }
                "unverified" => {
                    first(&mut seen, 8)?;
                    policy.unverified = from_str(r.str()?)?;
                }
                _ => return None,
            }
            Some(())
        })?;
        Some(policy)
    }

    fn item(&mut self) -> Option<EvidenceItem<DocStr<'a>>> {
        let mut seen = 0;
        let (mut id, mut title, mut date, mut method, mut judgement) = (None, None, None, None, None);
        let (mut end_date, mut environment, mut context, mut service_period) = (None, None, None, None);
        let (mut clients, mut service_periods) = (Vec::new(), Vec::new());
        let mut verification = None;
        let mut units = Mappings::new();
        self.object(|r, key| {
            match key {
                "id" => {
                    first(&mut seen, 1)?;
                    id = Some(r.doc_str()?);
                }
                "title" => {
                    first(&mut seen, 2)?;
                    title = Some(r.doc_str()?);
                }
                "date" => {
                    first(&mut seen, 4)?;
                    date = Some(r.date()?);
                }
                "end_date" => {
                    first(&mut seen, 8)?;
                    end_date = r.option(Self::date)?;
                }
                "method" => {
                    first(&mut seen, 16)?;
                    method = Some(from_str(r.str()?)?);
                }
                "environment" => {
                    first(&mut seen, 32)?;
                    environment = r.option(|r| from_str(r.str()?))?;
                }
                "context" => {
                    first(&mut seen, 64)?;
                    context = r.option(Self::doc_str)?;
                }
                "clients" => {
                    first(&mut seen, 128)?;
                    clients = r.strings()?;
                }
                "service_period" => {
                    first(&mut seen, 256)?;
                    service_period = r.option(Self::doc_str)?;
                }
                "service_periods" => {
                    first(&mut seen, 512)?;
                    service_periods = r.strings()?;
                }
                "judgement" => {
                    first(&mut seen, 1024)?;
                    judgement = Some(from_str(r.str()?)?);
                }
                "verification" => {
                    first(&mut seen, 2048)?;
                    verification = r.option(Self::verification)?;
                }
                "units" => {
                    first(&mut seen, 4096)?;
                    units = r.units()?;
                }
                _ => return None,
            }
            Some(())
        })?;
        Some(EvidenceItem {
            id: id?,
            title: title?,
            date: date?,
            end_date,
            method: method?,
            environment,
            context,
            clients,
            service_period,
            service_periods,
            judgement: judgement?,
            verification,
            units,
        })
    }

    fn verification(&mut self) -> Option<Verification<DocStr<'a>>> {
        let mut seen = 0;
        let (mut by, mut role, mut date) = (None, None, None);
        self.object(|r, key| {
            match key {
                "by" => {
                    first(&mut seen, 1)?;
                    by = Some(r.doc_str()?);
                }
                "role" => {
                    first(&mut seen, 2)?;
                    role = r.option(Self::doc_str)?;
                }
                "date" => {
                    first(&mut seen, 4)?;
                    date = r.option(Self::date)?;
                }
                _ => return None,
            }
            Some(())
        })?;
        Some(Verification { by: by?, role, date })
    }

    /// An item's `units`, sized as `portfolio::units_map` sizes it (serde_json gives no hint).
    fn units(&mut self) -> Option<Mappings<DocStr<'a>>> {
        let mut units = Collect::with_capacity(1);
        let (cap, mut read) = (self.cap, 0usize);
        self.object(|r, code| {
            // The strict reader refuses toml's private date key here; any `$` key is left to it,
            // and so is a map over the cap.
            read += 1;
            if code.starts_with('$') || read > cap {
                return None;
            }
            let mapping = r.mapping()?;
            // A unit named twice is left to the strict reader too, which says where.
            units.push(DocStr::borrowed(code), mapping).ok()
        })?;
        Some(units.finish())
    }

    fn mapping(&mut self) -> Option<Mapping<DocStr<'a>>> {
        let mut seen = 0;
        let mut mapping = Mapping::default();
        self.object(|r, key| {
            match key {
                "covers" => {
                    first(&mut seen, 1)?;
                    mapping.covers = r.strings()?;
                }
                "activities" => {
                    first(&mut seen, 2)?;
                    mapping.activities = r.strings()?;
                }
                "options" => {
                    first(&mut seen, 4)?;
                    mapping.options = r.strings()?;
                }
                _ => return None,
            }
            Some(())
        })?;
        Some(mapping)
    }
}

#[cfg(test)]
mod tests;
