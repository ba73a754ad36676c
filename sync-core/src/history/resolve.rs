//! Resolving a [`HistoryRequest`] against a clock and a time zone.

use super::query::{HistoryQuery, HistoryRequest, TimeRange};
use crate::error::QueryError;
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Resolved UTC bounds of a time range: `(since inclusive, until exclusive)`.
pub type Bounds = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

impl TimeRange {
    /// UTC bounds `(since inclusive, until exclusive)` of this range at `now`; "today" starts
    /// at midnight in `tz` (the first valid instant of the day when midnight is skipped by a
    /// daylight-saving change). `week` is the last 7 days, `month` the last 30.
    pub fn bounds(&self, now: DateTime<Utc>, tz: Tz) -> Result<Bounds, QueryError> {
        Ok(match *self {
            TimeRange::All => (None, None),
            TimeRange::Week => (Some(now - Duration::days(7)), None),
            TimeRange::Month => (Some(now - Duration::days(30)), None),
            TimeRange::Today => (Some(start_of_day(now, tz)), None),
            TimeRange::Between { since, until } => {
                if let (Some(s), Some(u)) = (since, until)
                    && s > u
                {
                    return Err(QueryError::InvalidRange {
                        since: s.to_rfc3339(),
                        until: u.to_rfc3339(),
                    });
                }
                (since, until)
            }
        })
    }
}

fn start_of_day(now: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
    let day = now.with_timezone(&tz).date_naive();
    // Midnight may not exist (a DST jump at 00:00): take the first valid quarter hour after it.
    (0..=24 * 4)
        .map(|q| day.and_time(NaiveTime::MIN) + Duration::minutes(15 * q))
        .find_map(|local| tz.from_local_datetime(&local).earliest())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now)
}

impl HistoryRequest {
    /// Resolves the time range at `now` in `tz` into a [`HistoryQuery`].
    pub fn resolve(&self, now: DateTime<Utc>, tz: Tz) -> Result<HistoryQuery, QueryError> {
        let (since, until) = self.range.bounds(now, tz)?;
        Ok(HistoryQuery {
            category: self.category,
            sync_type: self.sync_type,
            status: self.status,
            since,
            until,
            page: self.page,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn today_starts_at_local_midnight() {
        let now = at("2026-03-10T03:30:00Z");
        let (since, until) = TimeRange::Today.bounds(now, chrono_tz::Asia::Shanghai).unwrap();
        // 03:30Z is 11:30 in Shanghai; local midnight is 16:00Z the day before.
        assert_eq!(since, Some(at("2026-03-09T16:00:00Z")));
        assert_eq!(until, None);
        let (since, _) = TimeRange::Today
            .bounds(now, chrono_tz::America::New_York)
            .unwrap();
        // 03:30Z is 23:30 on the 9th in New York (EDT since 8 March): midnight is 04:00Z.
        assert_eq!(since, Some(at("2026-03-09T04:00:00Z")));
    }

    #[test]
    fn skipped_midnight_uses_first_valid_instant() {
        // Santiago skips 00:00-01:00 on 2026-09-06 (start of DST).
        let now = at("2026-09-06T12:00:00Z");
        let (since, _) = TimeRange::Today
            .bounds(now, chrono_tz::America::Santiago)
            .unwrap();
        assert_eq!(since, Some(at("2026-09-06T04:00:00Z")));
    }

    #[test]
    fn presets_and_invalid_range() {
        let now = at("2026-03-10T03:30:00Z");
        assert_eq!(
            TimeRange::Week.bounds(now, Tz::UTC).unwrap().0,
            Some(at("2026-03-03T03:30:00Z"))
        );
        assert_eq!(
            TimeRange::Month.bounds(now, Tz::UTC).unwrap().0,
            Some(at("2026-02-08T03:30:00Z"))
        );
        let bad = TimeRange::Between {
            since: Some(now),
            until: Some(now - Duration::seconds(1)),
        };
        let err = bad.bounds(now, Tz::UTC).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid time range: since 2026-03-10T03:30:00"),
            "{err}"
        );
    }
}
