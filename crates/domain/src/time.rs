//! Time: instants, the length of a day, whole days between instants, the day an instant falls
//! on, and ranges of whole days. Calendar dates (Gregorian, Jalali) of a [`Day`] are in
//! [`crate::calendar`].
//!
//! Records store instants as Unix milliseconds (`i64` fields, serde-stable); code that reasons
//! about time takes them as [`Instant`]. Nothing here reads a clock or the device's time zone:
//! the caller passes `now` and the [`Zone`] — the workspace's time zone as a table of UTC
//! offsets, which the app builds from the browser's `Intl` and tests build by hand.
//!
//! A **day** of a report is a local day in the zone: the instants from the moment the zone's
//! clocks show that day's first time (normally midnight) to the next day's; a day on which
//! daylight saving starts or ends is 23 or 25 hours long.

use crate::sorting::sort_by_key;
use std::sync::Arc;

use crate::calendar::Day;

/// Milliseconds in a UTC day (no leap seconds). A local day in a [`Zone`] may be an hour
/// shorter or longer ([`Zone::day_length_ms`]); [`days_between`] counts in these.
pub const MS_PER_DAY: i64 = 86_400_000;
/// The length of a minute in milliseconds.
const MINUTE_MS: i64 = 60_000;

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

/// The longest a UTC offset can be, either way (real zones stay within −12 h … +14 h).
const MAX_OFFSET_MS: i64 = 26 * 3_600_000;

/// A time zone: its UTC offset from each instant on, as a table of the changes (daylight
/// saving, a country moving its clocks). The caller builds it; nothing here knows zone names.
///
/// The offset at an instant is found by binary search over the changes, so a ledger of n
/// records is put on local days in O(n log t) for t changes. Before the first change the
/// offset is `base`. Clones share the table.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Zone {
    /// The offset before the first change, ms ahead of UTC (negative behind).
    base: i64,
    /// From each instant on, the offset: sorted by instant, each differing from the one before.
    changes: Arc<[(Instant, i64)]>,
}

impl Default for Zone {
    /// UTC.
    fn default() -> Zone {
        Zone::fixed(0)
    }
}

impl Zone {
    /// A zone that is always `offset_ms` ahead of UTC (0: UTC).
    pub fn fixed(offset_ms: i64) -> Zone {
        Zone {
            base: offset_ms,
            changes: Arc::from(Vec::new()),
        }
    }

    /// A zone `base` ms ahead of UTC until the first change, then each change's offset from
    /// its instant on. Changes may come in any order; one that keeps the offset is dropped.
    pub fn with_changes(base: i64, mut changes: Vec<(Instant, i64)>) -> Zone {
        // Stable: of two changes at one instant, the later given wins.
        sort_by_key(&mut changes, |(at, _)| *at);
        let mut kept: Vec<(Instant, i64)> = Vec::with_capacity(changes.len());
        for (at, offset) in changes {
            if kept.last().is_some_and(|(last, _)| *last == at) {
                kept.pop();
            }
            if offset != kept.last().map_or(base, |(_, before)| *before) {
                kept.push((at, offset));
            }
        }
        Zone {
            base,
            changes: Arc::from(kept),
        }
    }

    /// The offset before the first change.
    pub fn base(&self) -> i64 {
        self.base
    }

    /// The changes, by instant: from each instant on, its offset.
    pub fn changes(&self) -> &[(Instant, i64)] {
        &self.changes
    }

    /// How far the zone's clocks are ahead of UTC at `at`, in ms.
    pub fn offset_at(&self, at: Instant) -> i64 {
        let after = self.changes.partition_point(|(from, _)| *from <= at);
        after
            .checked_sub(1)
            .map_or(self.base, |index| self.changes[index].1)
    }

    /// The day the zone's clocks show at `at`.
    pub fn day_of(&self, at: Instant) -> Day {
        at.local_day(self.offset_at(at))
    }

    /// The first instant of `day` in the zone: when its clocks first show that day. That is
    /// local midnight, or, when the clocks skip midnight (a change at 00:00), the change.
    pub fn day_start(&self, day: Day) -> Instant {
        let wall = day.to_unix_ms();
        // The clocks show `wall` no earlier than `wall - MAX_OFFSET_MS`; walk the stretches of
        // one offset from there to the first where the clocks reach the day.
        let earliest = Instant(wall.saturating_sub(MAX_OFFSET_MS));
        let mut index = self.changes.partition_point(|(from, _)| *from <= earliest);
        loop {
            let (from, offset) = match index.checked_sub(1) {
                None => (Instant(i64::MIN), self.base),
                Some(previous) => self.changes[previous],
            };
            let start = Instant(wall.saturating_sub(offset)).max(from);
            match self.changes.get(index) {
                Some((until, _)) if start >= *until => index += 1,
                _ => return start,
            }
        }
    }

    /// The instant the zone's clocks show `minute` minutes past midnight on `day` (past the
    /// day's start, when its midnight is skipped). A time that the clocks skip reads at the
    /// offset before the change; one they show twice is the first of the two.
    pub fn instant_at(&self, day: Day, minute: u32) -> Instant {
        if minute == 0 {
            return self.day_start(day);
        }
        let wall = day.to_unix_ms() + i64::from(minute) * MINUTE_MS;
        // The offset at the wall time is right except next to a change, where the offset at
        // the first guess settles it.
        let guess = wall - self.offset_at(Instant(wall));
        Instant(wall - self.offset_at(Instant(guess)))
    }

    /// How long `day` is in the zone: 24 hours, or 23 or 25 on a daylight-saving change.
    pub fn day_length_ms(&self, day: Day) -> i64 {
        self.day_start(day.after()).0 - self.day_start(day).0
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

    /// Whether the instant falls on one of the range's days in `zone`.
    pub fn contains_instant(self, at: Instant, zone: &Zone) -> bool {
        self.contains(zone.day_of(at))
    }

    /// The range's first instant in `zone`: when its first day starts there.
    pub fn start_instant(self, zone: &Zone) -> Instant {
        zone.day_start(self.start)
    }

    /// The first instant after the range in `zone`: when the day after its last day starts.
    pub fn end_instant(self, zone: &Zone) -> Instant {
        zone.day_start(self.end.after())
    }
}

/// Zones built by hand, as the app builds them from the browser, for tests.
#[cfg(test)]
pub(crate) mod zones {
    use super::{Instant, Zone};
    use crate::calendar::{Day, GregorianDate, Weekday};

    pub const HOUR: i64 = 3_600_000;

    /// Tehran: UTC+3:30 all year (Iran dropped daylight saving in 2022).
    pub fn tehran() -> Zone {
        Zone::fixed(7 * HOUR / 2)
    }

    /// The `nth` Sunday of a month (1-based).
    fn sunday(year: i32, month: u32, nth: i32) -> Day {
        let first = GregorianDate::new(year, month, 1).unwrap().to_day();
        let to_sunday = (0..7)
            .find(|ahead| Day(first.0 + ahead).weekday() == Weekday::Sunday)
            .unwrap();
        Day(first.0 + to_sunday + 7 * (nth - 1))
    }

    /// New York, 2020–2030: UTC−5, and UTC−4 from 02:00 on the second Sunday of March to
    /// 02:00 on the first Sunday of November.
    pub fn new_york() -> Zone {
        let changes = (2020..=2030)
            .flat_map(|year| {
                [
                    (
                        Instant(sunday(year, 3, 2).to_unix_ms() + 7 * HOUR),
                        -4 * HOUR,
                    ),
                    (
                        Instant(sunday(year, 11, 1).to_unix_ms() + 6 * HOUR),
                        -5 * HOUR,
                    ),
                ]
            })
            .collect();
        Zone::with_changes(-5 * HOUR, changes)
    }

    /// The instant the zone's clocks show `hour:minute` on a Gregorian day (the first time,
    /// should it show it twice).
    pub fn local(
        zone: &Zone,
        (year, month, day): (i32, u32, u32),
        hour: i64,
        minute: i64,
    ) -> Instant {
        let day = GregorianDate::new(year, month, day).unwrap().to_day();
        let wall = day.to_unix_ms() + hour * HOUR + minute * 60_000;
        let start = zone.day_start(day);
        Instant(start.0 + wall - (start.0 + zone.offset_at(start)))
    }
}

#[cfg(test)]
mod tests {
    use super::zones::*;
    use super::*;
    use crate::calendar::{GregorianDate, JalaliDate};

    fn gregorian(year: i32, month: u32, day: u32) -> Day {
        GregorianDate::new(year, month, day).unwrap().to_day()
    }

    #[test]
    fn one_in_the_morning_in_tehran_on_1_farvardin_is_in_farvardin() {
        let nowruz = JalaliDate::new(1404, 1, 1).unwrap().to_day();
        assert_eq!(nowruz, gregorian(2025, 3, 21));
        // 01:00 in Tehran is 21:30 UTC the evening before.
        let at = Instant(nowruz.to_unix_ms() + HOUR - 7 * HOUR / 2);
        assert_eq!(at.day(), gregorian(2025, 3, 20));
        let tehran = tehran();
        assert_eq!(tehran.day_of(at), nowruz);
        assert_eq!(tehran.day_of(at).to_jalali().month, 1);
        assert_eq!(tehran.day_start(nowruz), Instant(at.0 - HOUR));
        assert_eq!(tehran.day_length_ms(nowruz), 24 * HOUR);
    }

    #[test]
    fn half_past_eleven_in_new_york_on_31_december_is_in_december() {
        let new_york = new_york();
        let at = local(&new_york, (2024, 12, 31), 23, 30);
        // 04:30 UTC on 1 January.
        assert_eq!(
            at,
            Instant(gregorian(2025, 1, 1).to_unix_ms() + 9 * HOUR / 2)
        );
        assert_eq!(at.day(), gregorian(2025, 1, 1));
        assert_eq!(new_york.day_of(at), gregorian(2024, 12, 31));
        let december = DayRange::new(gregorian(2024, 12, 1), gregorian(2024, 12, 31));
        assert!(december.contains_instant(at, &new_york));
        assert!(!december.contains_instant(at, &Zone::default()));
        assert_eq!(december.end_instant(&new_york), Instant(at.0 + 30 * 60_000));
    }

    #[test]
    fn daylight_saving_days_are_23_and_25_hours_long() {
        let new_york = new_york();
        let spring = gregorian(2025, 3, 9);
        let autumn = gregorian(2025, 11, 2);
        assert_eq!(new_york.day_length_ms(spring.before()), 24 * HOUR);
        assert_eq!(new_york.day_length_ms(spring), 23 * HOUR);
        assert_eq!(new_york.day_length_ms(autumn), 25 * HOUR);
        assert_eq!(new_york.day_length_ms(autumn.after()), 24 * HOUR);
        // Midnight is at UTC−5 before the spring change and UTC−4 after it.
        assert_eq!(
            new_york.day_start(spring),
            Instant(spring.to_unix_ms() + 5 * HOUR)
        );
        assert_eq!(
            new_york.day_start(spring.after()),
            Instant(spring.after().to_unix_ms() + 4 * HOUR)
        );
        // A clock time reads back on its day, before and after the spring change.
        assert_eq!(
            new_york.instant_at(spring.after(), 9 * 60),
            Instant(spring.after().to_unix_ms() + 13 * HOUR)
        );
        assert_eq!(
            new_york.instant_at(spring.before(), 9 * 60),
            Instant(spring.before().to_unix_ms() + 14 * HOUR)
        );
        assert_eq!(new_york.instant_at(spring, 0), new_york.day_start(spring));
        // 01:30 on the autumn day happens twice; both are on that day.
        let first = local(&new_york, (2025, 11, 2), 1, 30);
        assert_eq!(new_york.day_of(first), autumn);
        assert_eq!(new_york.day_of(Instant(first.0 + HOUR)), autumn);
        // A week of days covers every instant once: 7 × 24 h − 1 h across the spring change.
        let week = DayRange::new(gregorian(2025, 3, 6), gregorian(2025, 3, 12));
        assert_eq!(
            week.end_instant(&new_york).0 - week.start_instant(&new_york).0,
            7 * 24 * HOUR - HOUR
        );
    }

    #[test]
    fn a_day_whose_midnight_is_skipped_starts_at_the_change() {
        // Clocks go from 00:00 to 01:00 at UTC+2 (as Beirut's once did).
        let day = gregorian(2024, 3, 31);
        let change = Instant(day.to_unix_ms() - 2 * HOUR);
        let zone = Zone::with_changes(2 * HOUR, vec![(change, 3 * HOUR)]);
        assert_eq!(zone.day_start(day), change);
        assert_eq!(zone.day_of(change), day);
        assert_eq!(zone.day_of(Instant(change.0 - 1)), day.before());
        assert_eq!(zone.day_length_ms(day), 23 * HOUR);
    }

    proptest::proptest! {
        #[test]
        fn an_instant_lies_between_the_start_of_its_day_and_the_next(
            at in 1_577_836_800_000i64..1_924_992_000_000, // 2020–2030
            zone in 0usize..3,
        ) {
            let zone = [new_york(), tehran(), Zone::default()][zone].clone();
            let at = Instant(at);
            let day = zone.day_of(at);
            proptest::prop_assert!(zone.day_start(day) <= at);
            proptest::prop_assert!(at < zone.day_start(day.after()));
            let hours = zone.day_length_ms(day) / HOUR;
            proptest::prop_assert!((23..=25).contains(&hours));
        }
    }

    #[test]
    fn zone_tables_keep_only_real_changes() {
        let zone = Zone::with_changes(
            0,
            vec![
                (Instant(30), 0),
                (Instant(20), HOUR),
                (Instant(10), HOUR),
                (Instant(10), 0),
            ],
        );
        assert_eq!(zone.changes(), &[(Instant(20), HOUR), (Instant(30), 0)]);
        assert_eq!(zone.offset_at(Instant(19)), 0);
        assert_eq!(zone.offset_at(Instant(20)), HOUR);
        assert_eq!(zone.offset_at(Instant(i64::MAX)), 0);
        assert_eq!(Zone::default(), Zone::fixed(0));
    }

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
        let utc = Zone::default();
        assert!(range.contains_instant(Instant(Day(20).to_unix_ms() + MS_PER_DAY - 1), &utc));
        assert!(!range.contains_instant(range.end_instant(&utc), &utc));
    }
}
