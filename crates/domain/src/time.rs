//! Time: instants, the length of a day, whole days between instants, the day an instant falls
//! on, and ranges of whole days. Calendar dates (Gregorian, Jalali) of a [`Day`] are in
//! [`crate::calendar`].
//!
//! Records store instants as Unix milliseconds (`i64` fields, serde-stable); code that reasons
//! about time takes them as [`Instant`]. Nothing here reads a clock or the device's time zone:
//! the caller passes `now` and the zone's offset.

use crate::calendar::Day;

/// Milliseconds in a day. Days are UTC days of exactly this length (no leap seconds).
pub const MS_PER_DAY: i64 = 86_400_000;

/// A moment: milliseconds since the Unix epoch, UTC.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(pub i64);

impl Instant {
    /// The UTC day the instant falls on.
    pub fn day(self) -> Day {
        Day::from_unix_ms(self.0)
    }

    /// The day the instant falls on in a zone `offset_ms` ahead of UTC (negative behind).
    pub fn local_day(self, offset_ms: i64) -> Day {
        Day::from_unix_ms(self.0.saturating_add(offset_ms))
    }
}

/// Whole days from `earlier` to `later`, rounded down (23 hours is 0 days); never negative.
pub fn days_between(earlier: Instant, later: Instant) -> i64 {
    later.0.saturating_sub(earlier.0).max(0) / MS_PER_DAY
}

/// A range of whole days, both ends included: a report's period, or one bar of a chart.
/// `start <= end` always holds for ranges made by [`DayRange::new`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DayRange {
    pub start: Day,
    pub end: Day,
}

impl DayRange {
    /// The days from `a` to `b`, in either order.
    pub fn new(a: Day, b: Day) -> DayRange {
        DayRange {
            start: a.min(b),
            end: a.max(b),
        }
    }

    /// The number of days, at least 1.
    pub fn days(self) -> i64 {
        i64::from(self.end.0) - i64::from(self.start.0) + 1
    }

    /// The range of equal length that ends the day before this one starts.
    pub fn previous(self) -> DayRange {
        let end = self.start.before();
        DayRange {
            start: Day::saturating(i64::from(end.0) - self.days() + 1),
            end,
        }
    }

    /// Whether `day` is one of the range's days.
    pub fn contains(self, day: Day) -> bool {
        self.start <= day && day <= self.end
    }

    /// Whether the instant falls on one of the range's (UTC) days.
    pub fn contains_instant(self, at: Instant) -> bool {
        self.contains(at.day())
    }

    /// The first instant after the range: midnight UTC after its last day.
    pub fn end_instant(self) -> Instant {
        Instant((i64::from(self.end.0) + 1) * MS_PER_DAY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_between_rounds_down_and_never_goes_negative() {
        let noon = Instant(Day(10).to_unix_ms() + MS_PER_DAY / 2);
        assert_eq!(days_between(noon, Instant(noon.0 + MS_PER_DAY - 1)), 0);
        assert_eq!(days_between(noon, Instant(noon.0 + MS_PER_DAY)), 1);
        assert_eq!(days_between(noon, Instant(noon.0 - MS_PER_DAY)), 0);
        assert_eq!(
            days_between(Instant(i64::MIN), Instant(i64::MAX)),
            i64::MAX / MS_PER_DAY
        );
    }

    #[test]
    fn the_local_day_follows_the_given_offset() {
        let late_evening_utc = Instant(Day(10).to_unix_ms() + 22 * 3_600_000);
        assert_eq!(late_evening_utc.day(), Day(10));
        // Tehran, UTC+3:30: already the next day.
        assert_eq!(late_evening_utc.local_day(12_600_000), Day(11));
        assert_eq!(late_evening_utc.local_day(-5 * 3_600_000), Day(10));
    }

    #[test]
    fn ranges_count_their_days_and_step_back() {
        let range = DayRange::new(Day(20), Day(11));
        assert_eq!(
            range,
            DayRange {
                start: Day(11),
                end: Day(20)
            }
        );
        assert_eq!(range.days(), 10);
        assert_eq!(
            range.previous(),
            DayRange {
                start: Day(1),
                end: Day(10)
            }
        );
        assert!(range.contains_instant(Instant(Day(20).to_unix_ms() + MS_PER_DAY - 1)));
        assert!(!range.contains_instant(range.end_instant()));
    }
}
