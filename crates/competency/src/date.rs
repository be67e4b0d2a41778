//! [`Date`]: a calendar date as portfolios and reports write it, `YYYY-MM-DD`, parsed and
//! written directly (a chrono format string costs more than the rest of reading an item).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::report::SharedStr;

/// A calendar date, written `YYYY-MM-DD` (a TOML date or a JSON string).
///
/// ```
/// use competency::Date;
/// let d: Date = "2026-02-28".parse().unwrap();
/// assert_eq!(d.to_string(), "2026-02-28");
/// assert!("2026-02-30".parse::<Date>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(chrono::NaiveDate);

// The pattern takes the shape; `format: date` (RFC 3339 full-date) takes the calendar, so a
// validator that asserts formats also refuses 2026-02-30, as the parser does.
#[cfg(feature = "schema")]
crate::schema::string_schema!(Date, "Date", {
    "description": "A calendar date, YYYY-MM-DD. In JSON a string; in TOML a local date (2026-03-02) or a string. A schema validator sees a TOML local date as the string of its TOML text, as taplo does; a date with a time or an offset is refused.",
    "type": "string",
    "format": "date",
    "pattern": "^([0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-[0-9]{2}-[0-9]{2}$",
    "examples": ["2026-03-02"]
});

impl Date {
    /// The date as chrono's type.
    pub fn naive(self) -> chrono::NaiveDate {
        self.0
    }
    /// Today, in local time.
    pub fn today() -> Date {
        Date(chrono::Local::now().date_naive())
    }
    /// This date less `months` calendar months (clamped to the month's end), and never before
    /// 0001-01-01, the earliest date a document can hold: a currency window of three years
    /// from 0002-06-30 starts there, not in year −1, which no report could write as
    /// `YYYY-MM-DD`.
    ///
    /// ```
    /// use competency::Date;
    /// let date: Date = "2026-03-31".parse().unwrap();
    /// assert_eq!(date.minus_months(1).to_string(), "2026-02-28");
    /// let early: Date = "0002-06-30".parse().unwrap();
    /// assert_eq!(early.minus_months(36).to_string(), "0001-01-01");
    /// assert!("0000-12-31".parse::<Date>().is_err());
    /// ```
    pub fn minus_months(self, months: u32) -> Date {
        let earliest = chrono::NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or(chrono::NaiveDate::MIN);
        Date(
            self.0
                .checked_sub_months(chrono::Months::new(months))
                .unwrap_or(earliest)
                .max(earliest),
        )
    }
    /// Days from `earlier` to this date.
    pub fn days_since(self, earlier: Date) -> i64 {
        (self.0 - earlier.0).num_days()
    }
}

impl From<chrono::NaiveDate> for Date {
    fn from(date: chrono::NaiveDate) -> Self {
        Date(date)
    }
}

/// Why a string is not a [`Date`]: not `YYYY-MM-DD`, or not a day of the calendar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{shown:?} is not a date: write YYYY-MM-DD, such as 2026-03-31")]
pub struct DateError {
    /// The text, cut short when long (a hostile document's "date" can be megabytes).
    shown: String,
}

impl std::str::FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // Exactly four digits, a hyphen, two, a hyphen, two: no sign, no longer year. Parsed
        // directly, since a format string costs more than the rest of reading an item.
        let b = s.as_bytes();
        let digits = |range: std::ops::Range<usize>| {
            b[range].iter().try_fold(0u32, |n, d| {
                d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
            })
        };
        let date = (b.len() == 10 && b[4] == b'-' && b[7] == b'-')
            .then(|| Some((digits(0..4)?, digits(5..7)?, digits(8..10)?)))
            .flatten()
            // From year 1: RFC 3339 allows year 0, but most date libraries (Python's, which the
            // schema's `format: date` is checked with) do not, and no evidence is that old.
            .filter(|(y, _, _)| *y >= 1)
            .and_then(|(y, m, d)| chrono::NaiveDate::from_ymd_opt(y as i32, m, d));
        date.map(Date).ok_or_else(|| DateError {
            shown: crate::text::shown(s).into_owned(),
        })
    }
}

impl Date {
    /// `YYYY-MM-DD` written directly, for years 1 to 9999 (every date a document can hold);
    /// a format string costs more than the rest of writing a register entry.
    pub(crate) fn ymd(self) -> Option<Ymd> {
        use chrono::Datelike;
        let year = u32::try_from(self.0.year()).ok().filter(|y| *y <= 9999)?;
        let mut out = *b"0000-00-00";
        for (at, value, width) in [(0, year, 4), (5, self.0.month(), 2), (8, self.0.day(), 2)] {
            let mut v = value;
            for slot in out[at..at + width].iter_mut().rev() {
                *slot = b'0' + (v % 10) as u8;
                v /= 10;
            }
        }
        Some(Ymd(out))
    }
}

/// A date's `YYYY-MM-DD` bytes, ASCII digits and hyphens.
pub(crate) struct Ymd([u8; 10]);

impl Ymd {
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl Date {
    /// The date as `YYYY-MM-DD` text, as `to_string` writes it, without the formatting
    /// machinery or a `String` in between, for the lists of dates a tally holds.
    pub(crate) fn shared(self) -> SharedStr {
        match self.ymd() {
            Some(text) => SharedStr::from(text.as_str()),
            None => SharedStr::from(self.to_string()),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ymd() {
            Some(text) => f.write_str(text.as_str()),
            // Only a date made outside a document can fall outside (`From<NaiveDate>`).
            None => write!(f, "{}", self.0.format("%Y-%m-%d")),
        }
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.ymd() {
            Some(text) => serializer.serialize_str(text.as_str()),
            None => serializer.collect_str(self),
        }
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date written YYYY-MM-DD")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Date, E> {
                v.parse().map_err(E::custom)
            }
            // A TOML date literal (`date = 2026-03-02`) arrives as toml's datetime type.
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Date, A::Error> {
                let datetime =
                    toml::value::Datetime::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                match (datetime.date, datetime.time) {
                    (Some(_), None) => datetime.to_string().parse().map_err(serde::de::Error::custom),
                    _ => Err(serde::de::Error::custom(format!(
                        "{datetime} is not a date: write YYYY-MM-DD without a time"
                    ))),
                }
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}
