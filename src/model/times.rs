//! Times as people type them: in the configured `timezone`, as RFC 3339, as
//! `YYYY-MM-DD HH:MM`, or as a bare `HH:MM` placed after an earlier time.
//!
//! A typed time is stored as RFC 3339 with the zone's offset at that instant (`Z` for UTC),
//! so the file shows the clock time people read on their dashboards and stays valid for
//! every reader. A bare `HH:MM` that would land before the time it follows is never moved
//! silently: [`Clock::place_after`] says so, and the interview asks.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;

use crate::model::dates::Stamp;

/// The zone people type times in.
#[derive(Debug, Clone)]
pub struct Clock {
    zone: TimeZone,
    name: String,
}

/// Where a typed time lands relative to the one before it.
#[derive(Debug, Clone, PartialEq)]
pub enum Placed {
    /// At or after the previous time, on the day typed (or the previous time's day).
    InOrder(Stamp),
    /// A bare `HH:MM` that is before the previous time on its day; this is the same clock
    /// time on the next day, to be confirmed.
    NextDay(Stamp),
    /// A full time before the previous one.
    Before(Stamp),
}

impl Default for Clock {
    fn default() -> Self {
        Clock::utc()
    }
}

impl Clock {
    /// UTC.
    pub fn utc() -> Clock {
        Clock {
            zone: TimeZone::UTC,
            name: "UTC".into(),
        }
    }

    /// The IANA zone `name` (`Europe/Amsterdam`), or why it is not one.
    pub fn named(name: &str) -> Result<Clock, String> {
        let name = name.trim();
        if name.eq_ignore_ascii_case("utc") || name == "Z" {
            return Ok(Clock::utc());
        }
        TimeZone::get(name)
            .map(|zone| Clock {
                zone,
                name: name.to_string(),
            })
            .map_err(|_| {
                format!("`{name}` is not an IANA time zone name (such as UTC or Europe/Amsterdam)")
            })
    }

    /// The zone's name, as configured.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn is_utc(&self) -> bool {
        self.name == "UTC"
    }

    /// The calendar day of `stamp` in this zone.
    pub fn day_of(&self, stamp: &Stamp) -> Date {
        stamp.at().to_zoned_datetime(self.zone.clone()).date()
    }

    /// `stamp` as people in this zone read it: `2017-01-31 23:27`.
    pub fn show(&self, stamp: &Stamp) -> String {
        stamp
            .at()
            .to_zoned_datetime(self.zone.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    }

    /// The stamp of a wall-clock time in this zone (RFC 3339 with the zone's offset).
    pub fn stamp(&self, civil: DateTime) -> Result<Stamp, String> {
        let zoned = civil
            .to_zoned_datetime(self.zone.clone())
            .map_err(|e| format!("{civil} is not a time in {}: {e}", self.name))?;
        let text = if self.is_utc() {
            zoned.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
        } else {
            zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
        };
        text.parse()
    }

    /// The stamp of an instant, written with this zone's offset.
    pub fn at(&self, at: jiff::Timestamp) -> Result<Stamp, String> {
        self.stamp(at.to_zoned_datetime(self.zone.clone()).datetime())
    }

    /// Parses RFC 3339 (any offset, kept as written), `YYYY-MM-DD HH:MM` in this zone, or,
    /// given a day, `HH:MM` on that day.
    pub fn parse(&self, text: &str, day: Option<Date>) -> Result<Stamp, String> {
        let text = text.trim();
        if let Ok(s) = text.parse::<Stamp>() {
            return Ok(s);
        }
        let civil = if let Ok(dt) = text.parse::<DateTime>() {
            Some(dt)
        } else if let (Some(day), Some(t)) = (day, clock_time(text)) {
            Some(day.to_datetime(t))
        } else {
            None
        };
        match civil {
            Some(civil) => self.stamp(civil),
            None => Err(format!(
                "`{text}` is not a time: use {}YYYY-MM-DD HH:MM ({}) or RFC 3339 (2026-11-22T09:58:00Z)",
                if day.is_some() { "HH:MM, " } else { "" },
                self.name
            )),
        }
    }

    /// Parses a time that should come at or after `previous`: a bare `HH:MM` is taken on
    /// `previous`'s day, or, when that is earlier, offered as the next day.
    pub fn place_after(&self, text: &str, previous: &Stamp) -> Result<Placed, String> {
        let day = self.day_of(previous);
        let stamp = self.parse(text, Some(day))?;
        if stamp.at() >= previous.at() {
            return Ok(Placed::InOrder(stamp));
        }
        if let Some(t) = clock_time(text) {
            let next = day.tomorrow().map_err(|e| e.to_string())?;
            return Ok(Placed::NextDay(self.stamp(next.to_datetime(t))?));
        }
        Ok(Placed::Before(stamp))
    }
}

/// `HH:MM` (or `HH:MM:SS`) alone.
pub fn clock_time(text: &str) -> Option<Time> {
    let text = text.trim();
    (text.len() <= 8 && text.contains(':'))
        .then(|| text.parse::<Time>().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(s: &str) -> Stamp {
        s.parse().unwrap()
    }

    #[test]
    fn clock_times_after_midnight_are_offered_on_the_next_day() {
        let clock = Clock::utc();
        let started = stamp("2017-01-31T23:27:00Z");
        assert_eq!(
            clock.place_after("00:36", &started),
            Ok(Placed::NextDay(stamp("2017-02-01T00:36:00Z")))
        );
        assert_eq!(
            clock.place_after("23:30", &started),
            Ok(Placed::InOrder(stamp("2017-01-31T23:30:00Z")))
        );
        assert_eq!(
            clock.place_after("2017-01-31 22:00", &started),
            Ok(Placed::Before(stamp("2017-01-31T22:00:00Z")))
        );
        assert!(clock.place_after("25:00", &started).is_err());
    }

    #[test]
    fn typed_times_are_read_in_the_zone_and_stored_with_its_offset() {
        let clock = Clock::named("Europe/Amsterdam").unwrap();
        let s = clock.parse("2017-01-31 23:27", None).unwrap();
        assert_eq!(s.as_str(), "2017-01-31T23:27:00+01:00");
        assert_eq!(s.at(), stamp("2017-01-31T22:27:00Z").at());
        // Summer time has another offset.
        let s = clock.parse("2017-07-01 10:00", None).unwrap();
        assert_eq!(s.as_str(), "2017-07-01T10:00:00+02:00");
        // The day of an HH:MM is the zone's day, not UTC's.
        let late = stamp("2017-01-31T23:30:00Z"); // 00:30 on 1 February in Amsterdam
        assert_eq!(clock.day_of(&late).to_string(), "2017-02-01");
        assert_eq!(
            clock.place_after("00:45", &late),
            Ok(Placed::InOrder(stamp("2017-02-01T00:45:00+01:00")))
        );
        // RFC 3339 is kept as written.
        assert_eq!(
            clock.parse("2017-01-31T10:00:00Z", None).unwrap().as_str(),
            "2017-01-31T10:00:00Z"
        );
        assert!(Clock::named("Mars/Olympus").is_err());
        assert_eq!(Clock::named("utc").unwrap().name(), "UTC");
    }
}
