//! Instants and days: [`Stamp`] (an RFC 3339 instant as the file writes it), day
//! arithmetic, and today's date (`COE_TODAY` for reproducible reports).

use std::fmt;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

/// An RFC 3339 timestamp that keeps the text it was written as, so that loading and saving
/// a file leaves it byte-identical even when it uses an offset other than `Z`.
#[derive(Debug, Clone)]
pub struct Stamp {
    at: jiff::Timestamp,
    text: String,
}

impl Stamp {
    /// The instant.
    pub fn at(&self) -> jiff::Timestamp {
        self.at
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The UTC calendar date of the instant.
    pub fn date(&self) -> Date {
        self.at.to_zoned_datetime(jiff::tz::TimeZone::UTC).date()
    }

    /// Whole minutes from `self` to `later` (negative when `later` is earlier).
    pub fn minutes_until(&self, later: &Stamp) -> i64 {
        (later.at.as_second() - self.at.as_second()).div_euclid(60)
    }
}

impl From<jiff::Timestamp> for Stamp {
    fn from(at: jiff::Timestamp) -> Self {
        // Minute precision is what people type and what timelines need.
        let at = at
            .round(
                jiff::TimestampRound::new()
                    .smallest(jiff::Unit::Minute)
                    .mode(jiff::RoundMode::Trunc),
            )
            .unwrap_or(at);
        Stamp {
            at,
            text: at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        }
    }
}

impl std::str::FromStr for Stamp {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        // RFC 3339 requires a full date, a time and an offset; jiff checks real calendar
        // dates (no 30 February) and accepts lower-case `t`/`z` as RFC 3339 allows.
        let valid_shape = text.len() >= 20 && matches!(text.as_bytes().get(10), Some(b'T' | b't'));
        match text.parse::<jiff::Timestamp>() {
            Ok(at) if valid_shape => Ok(Stamp {
                at,
                text: text.to_string(),
            }),
            Ok(_) => Err(format!(
                "`{text}` is not an RFC 3339 timestamp (e.g. 2026-11-22T09:58:00Z)"
            )),
            Err(e) => Err(format!(
                "`{text}` is not a valid RFC 3339 timestamp (e.g. 2026-11-22T09:58:00Z): {e}"
            )),
        }
    }
}

impl PartialEq for Stamp {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at
    }
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Stamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Stamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "date-time" })
    }
}

/// The JSON Schema of a calendar date (`YYYY-MM-DD`).
pub struct DateSchema;

impl JsonSchema for DateSchema {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "date" })
    }
}

/// Parses a calendar date written `YYYY-MM-DD` (exactly that shape, and a real date).
pub fn parse_date(text: &str) -> Result<Date, String> {
    let t = text.trim();
    let shaped = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    match t.parse::<Date>() {
        Ok(date) if shaped => Ok(date),
        Err(_) if shaped => Err(format!("`{t}` is not a real calendar date")),
        _ => Err(format!(
            "`{t}` is not a date: use YYYY-MM-DD, such as 2026-12-15"
        )),
    }
}

/// `date` moved by `days` (saturating at the ends of the calendar).
pub fn add_days(date: Date, days: i64) -> Date {
    let days = days.clamp(-10_000_000, 10_000_000);
    date.saturating_add(jiff::SignedDuration::from_hours(days * 24))
}

/// Whole days from `earlier` to `later` (negative when `later` is earlier).
pub fn days_between(later: Date, earlier: Date) -> i64 {
    later.duration_since(earlier).as_secs().div_euclid(86_400)
}

/// Today's date: `COE_TODAY` (YYYY-MM-DD) when set, so reports and checks can be
/// reproduced for a given day; else the local date. A `COE_TODAY` that is not a date is
/// ignored here; [`today_problem`] says why, and `coe` warns about it once at start.
pub fn today() -> Date {
    std::env::var("COE_TODAY")
        .ok()
        .and_then(|text| parse_date(&text).ok())
        .unwrap_or_else(|| jiff::ZonedDateTime::now().date())
}

/// Why `COE_TODAY` is not used, when it is set to something that is not a date.
pub fn today_problem() -> Option<String> {
    let text = std::env::var("COE_TODAY").ok()?;
    if text.trim().is_empty() {
        return None;
    }
    parse_date(&text)
        .err()
        .map(|e| format!("COE_TODAY: {e}; using today's date instead"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps() {
        let s: Stamp = "2026-11-22T10:58:00+01:00"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.as_str(), "2026-11-22T10:58:00+01:00");
        assert_eq!(s.date().to_string(), "2026-11-22");
        assert!("2026-02-30T10:00:00Z".parse::<Stamp>().is_err());
        assert!("2026-11-22".parse::<Stamp>().is_err());
        assert!("2026-11-22 10:00".parse::<Stamp>().is_err());
    }
}
