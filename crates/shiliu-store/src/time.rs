//! Times as the store keeps them: UTC milliseconds since the Unix epoch.
//!
//! Reports group by UTC day and by week (weeks start on Monday, UTC). The store never asks for a
//! time zone: a classroom PC's clock is often wrong, and every stored time says only what that
//! clock said; ordering across PCs uses the hybrid logical clock in [`crate::Hlc`] instead.

use serde::{Deserialize, Serialize};

const DAY_MS: i64 = 86_400_000;

/// A moment, in UTC milliseconds since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    pub const fn from_millis(ms: i64) -> Timestamp {
        Timestamp(ms)
    }

    /// The system clock.
    pub fn now() -> Timestamp {
        let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        Timestamp(i64::try_from(since.as_millis()).unwrap_or(i64::MAX))
    }

    pub const fn millis(self) -> i64 {
        self.0
    }

    pub fn plus_days(self, days: f64) -> Timestamp {
        Timestamp(self.0.saturating_add((days * DAY_MS as f64).round() as i64))
    }

    pub fn minus_days(self, days: i64) -> Timestamp {
        Timestamp(self.0.saturating_sub(days.saturating_mul(DAY_MS)))
    }

    /// Whole days since the epoch (UTC).
    pub fn day(self) -> i64 {
        self.0.div_euclid(DAY_MS)
    }

    /// The week number: Monday-based weeks counted from the week of 1970-01-01.
    pub fn week(self) -> i64 {
        week_of_day(self.day())
    }

    /// Whole days from `earlier` to `self`, never negative (clocks go backwards on real PCs).
    pub fn days_since(self, earlier: Timestamp) -> u32 {
        u32::try_from(self.0.saturating_sub(earlier.0).max(0) / DAY_MS).unwrap_or(u32::MAX)
    }

    /// `YYYY-MM-DD` (UTC).
    pub fn date(self) -> String {
        let (y, m, d) = civil_from_days(self.day());
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// `YYYY-MM-DD HH:MM` (UTC).
    pub fn date_time(self) -> String {
        let minutes = self.0.rem_euclid(DAY_MS) / 60_000;
        format!("{} {:02}:{:02}", self.date(), minutes / 60, minutes % 60)
    }
}

/// The week a day belongs to (day 0, 1970-01-01, was a Thursday).
pub(crate) fn week_of_day(day: i64) -> i64 {
    (day + 3).div_euclid(7)
}

/// The first moment (Monday 00:00 UTC) of a week.
pub fn week_start(week: i64) -> Timestamp {
    Timestamp((week * 7 - 3) * DAY_MS)
}

/// `YYYY-MM-DD` → days since the epoch, for dates written by [`Timestamp::date`].
pub(crate) fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || text.len() != 10 {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    (Timestamp::from_millis(days * DAY_MS).date() == text).then_some(days)
}

/// Days since the epoch → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_printed_in_utc() {
        assert_eq!(Timestamp::from_millis(0).date(), "1970-01-01");
        // 2024-02-29 12:34 UTC
        assert_eq!(Timestamp::from_millis(1_709_210_040_000).date_time(), "2024-02-29 12:34");
        assert_eq!(Timestamp::from_millis(-1).date(), "1969-12-31");
    }

    #[test]
    fn dates_read_back() {
        for ms in [0, 1_709_210_040_000, 951_782_400_000, 4_102_444_800_000] {
            let t = Timestamp::from_millis(ms);
            assert_eq!(parse_date(&t.date()), Some(t.day()));
        }
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2023-2-1"), None);
    }

    #[test]
    fn weeks_start_on_monday() {
        // 2024-03-04 was a Monday.
        let monday = Timestamp::from_millis(1_709_510_400_000);
        assert_eq!(week_start(monday.week()), monday);
        assert_eq!(monday.plus_days(6.9).week(), monday.week());
        assert_eq!(monday.plus_days(7.0).week(), monday.week() + 1);
        assert_eq!(monday.minus_days(1).week(), monday.week() - 1);
    }

    #[test]
    fn days_since_never_goes_negative() {
        let t = Timestamp::from_millis(10 * DAY_MS);
        assert_eq!(t.days_since(Timestamp::from_millis(0)), 10);
        assert_eq!(Timestamp::from_millis(0).days_since(t), 0);
    }
}
