//! Calendar arithmetic: day numbers, Gregorian and Jalali (Solar Hijri) dates, their names, and
//! the formatting, parsing and month arithmetic the UI and reports need.
//!
//! Every conversion goes through [`Day`], so both calendars agree by construction. Internally
//! day counts are `i64`, so no date, however odd, can overflow or panic (a panic aborts the
//! wasm app); results outside `Day`'s range saturate.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::locale::{digit_value, Lang};
use crate::time::MS_PER_DAY;

/// A calendar day, counted in days since 1970-01-01 (day 0). Date-only fields (due dates,
/// expected close dates) are stored as `Day` so that no time zone can move them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Day(pub i32);

impl Day {
    /// The UTC day containing a Unix timestamp in milliseconds. Rounds down, so instants before
    /// 1970 land on their own day rather than the next one.
    pub fn from_unix_ms(unix_ms: i64) -> Day {
        Day::saturating(unix_ms.div_euclid(MS_PER_DAY))
    }

    /// Midnight UTC at the start of this day, in milliseconds since the Unix epoch.
    pub fn to_unix_ms(self) -> i64 {
        i64::from(self.0) * MS_PER_DAY
    }

    /// The day of the week.
    pub fn weekday(self) -> Weekday {
        // Day 0, 1970-01-01, was a Thursday: index 3 in Monday-first order.
        Weekday::ALL[(i64::from(self.0) + 3).rem_euclid(7) as usize]
    }

    /// This day in the (proleptic) Gregorian calendar.
    pub fn to_gregorian(self) -> GregorianDate {
        let (year, month, day) = Calendar::Gregorian.date_of(self);
        GregorianDate { year, month, day }
    }

    /// This day in the Jalali calendar.
    pub fn to_jalali(self) -> JalaliDate {
        let (year, month, day) = Calendar::Jalali.date_of(self);
        JalaliDate { year, month, day }
    }

    /// The day after (saturating at the last `Day`).
    pub fn after(self) -> Day {
        Day(self.0.saturating_add(1))
    }

    /// The day before (saturating at the first `Day`).
    pub fn before(self) -> Day {
        Day(self.0.saturating_sub(1))
    }

    pub(crate) fn saturating(days: i64) -> Day {
        // The clamp makes the cast lossless.
        Day(days.clamp(i32::MIN.into(), i32::MAX.into()) as i32)
    }
}

/// A day of the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    /// Monday first, as in ISO 8601.
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// The seven days of a week that starts on `first`, such as Saturday to Friday in Iran
    /// (see [`Lang::first_weekday`]).
    pub fn week_starting(first: Weekday) -> [Weekday; 7] {
        std::array::from_fn(|i| Weekday::ALL[(first as usize + i) % 7])
    }

    /// The day's name.
    pub fn name(self, lang: Lang) -> &'static str {
        let names = match lang {
            Lang::En => [
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday",
            ],
            Lang::Fa => [
                "دوشنبه",
                "سه‌شنبه",
                "چهارشنبه",
                "پنجشنبه",
                "جمعه",
                "شنبه",
                "یکشنبه",
            ],
        };
        names[self as usize]
    }
}

/// The calendars dates can be shown and typed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Calendar {
    Gregorian,
    Jalali,
}

const JALALI_MONTHS_EN: [&str; 12] = [
    "Farvardin",
    "Ordibehesht",
    "Khordad",
    "Tir",
    "Mordad",
    "Shahrivar",
    "Mehr",
    "Aban",
    "Azar",
    "Dey",
    "Bahman",
    "Esfand",
];
const JALALI_MONTHS_FA: [&str; 12] = [
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
];
const GREGORIAN_MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const GREGORIAN_MONTHS_FA: [&str; 12] = [
    "ژانویه",
    "فوریه",
    "مارس",
    "آوریل",
    "مه",
    "ژوئن",
    "ژوئیه",
    "اوت",
    "سپتامبر",
    "اکتبر",
    "نوامبر",
    "دسامبر",
];

impl Calendar {
    pub const ALL: [Calendar; 2] = [Calendar::Gregorian, Calendar::Jalali];

    /// The names of months 1 to 12 (index 0 is the first month).
    pub fn month_names(self, lang: Lang) -> &'static [&'static str; 12] {
        match (self, lang) {
            (Calendar::Gregorian, Lang::En) => &GREGORIAN_MONTHS_EN,
            (Calendar::Gregorian, Lang::Fa) => &GREGORIAN_MONTHS_FA,
            (Calendar::Jalali, Lang::En) => &JALALI_MONTHS_EN,
            (Calendar::Jalali, Lang::Fa) => &JALALI_MONTHS_FA,
        }
    }

    /// Whether `year` has a leap day (29 February; 30 Esfand).
    pub fn is_leap_year(self, year: i32) -> bool {
        let year = i64::from(year);
        match self {
            Calendar::Gregorian => {
                year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
            }
            Calendar::Jalali => nowruz(year + 1) - nowruz(year) == 366,
        }
    }

    /// The number of days in `month` of `year`, or 0 for a month outside 1..=12.
    pub fn days_in_month(self, year: i32, month: u32) -> u32 {
        let leap_day = u32::from(self.is_leap_year(year));
        match (self, month) {
            (Calendar::Gregorian, 2) => 28 + leap_day,
            (Calendar::Gregorian, 4 | 6 | 9 | 11) => 30,
            (Calendar::Gregorian, 1..=12) => 31,
            (Calendar::Jalali, 1..=6) => 31,
            (Calendar::Jalali, 7..=11) => 30,
            (Calendar::Jalali, 12) => 29 + leap_day,
            _ => 0,
        }
    }

    /// Year, month and day of `day` in this calendar.
    fn date_of(self, day: Day) -> (i32, u32, u32) {
        let days = i64::from(day.0);
        let (year, month, day) = match self {
            Calendar::Gregorian => gregorian_from_days(days),
            Calendar::Jalali => jalali_from_days(days),
        };
        // A Day spans under six million years, so the year fits.
        (year as i32, month, day)
    }

    /// The day at `year`, `month`, `day` of this calendar. Months past 12 and days past the
    /// month's end carry on into the following months, so any input has an answer.
    fn day_at(self, year: i32, month: u32, day: u32) -> Day {
        let months = i64::from(year) * 12 + i64::from(month) - 1;
        let (year, month) = (months.div_euclid(12), months.rem_euclid(12) + 1);
        let first_of_month = match self {
            Calendar::Gregorian => gregorian_to_days(year, month),
            Calendar::Jalali => jalali_to_days(year, month),
        };
        Day::saturating(first_of_month + i64::from(day) - 1)
    }
}

/// Days since 1970-01-01 of the first day of a proleptic Gregorian month.
fn gregorian_to_days(year: i64, month: i64) -> i64 {
    // Count years from March so the leap day falls at the end of the counted year.
    let year = if month <= 2 { year - 1 } else { year };
    let month_from_march = (month + 9) % 12;
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    // Month lengths from March run 31,30,31,30,31 and repeat: (153 m + 2) / 5 sums them.
    let day_of_year = (153 * month_from_march + 2) / 5;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    // 719468 days lie between 0000-03-01 and 1970-01-01; an era of 400 years has 146097.
    era * 146_097 + day_of_era - 719_468
}

/// Proleptic Gregorian year, month and day of a day count (inverse of `gregorian_to_days`).
fn gregorian_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    // Subtract the leap days accumulated so far to find the year within the 400-year era.
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = era * 400 + year_of_era + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

/// Jalali years at which the 33-year leap pattern restarts, from Borkowski, "The Persian
/// calendar for 3000 years" (1996), as used by jalaali-js. With them the arithmetic matches the
/// astronomical calendar (Nowruz is the day of the March equinox if it falls before Tehran noon)
/// over this table's span, -61 to 3177 AP.
const LEAP_PATTERN_BREAKS: [i64; 20] = [
    -61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324,
    2394, 2456, 3178,
];

/// Days since 1970-01-01 of 1 Farvardin (Nowruz) of a Jalali year. Years outside the break
/// table continue the nearest segment's 33-year pattern, an extrapolation that keeps the
/// calendar total (every year still has 365 or 366 days).
fn nowruz(jalali_year: i64) -> i64 {
    // Borkowski's count of Jalali leap days, offset so that it lines up with the Gregorian one.
    let mut jalali_leaps = -14;
    let mut segment_start = LEAP_PATTERN_BREAKS[0];
    let mut segment_len = None;
    for &next_break in &LEAP_PATTERN_BREAKS[1..] {
        if jalali_year < next_break {
            segment_len = Some(next_break - segment_start);
            break;
        }
        let len = next_break - segment_start;
        jalali_leaps += len / 33 * 8 + len % 33 / 4;
        segment_start = next_break;
    }
    // Eight leap years per 33, at years 0, 4, ..., 28 of each cycle.
    let years_in_segment = jalali_year - segment_start;
    jalali_leaps += years_in_segment.div_euclid(33) * 8 + (years_in_segment.rem_euclid(33) + 3) / 4;
    // A segment whose last cycle is 4 years long ends with an extra leap year.
    if let Some(len) = segment_len {
        if len % 33 == 4 && len - years_in_segment == 4 {
            jalali_leaps += 1;
        }
    }
    let gregorian_year = jalali_year + 621;
    let gregorian_leaps = gregorian_year.div_euclid(4) - gregorian_year.div_euclid(100)
        + gregorian_year.div_euclid(400)
        - 150;
    let day_in_march = 20 + jalali_leaps - gregorian_leaps;
    gregorian_to_days(gregorian_year, 3) + day_in_march - 1
}

/// Days since 1970-01-01 of the first day of a Jalali month.
fn jalali_to_days(year: i64, month: i64) -> i64 {
    // The first six months have 31 days, the next five 30.
    let days_before_month = if month <= 7 {
        31 * (month - 1)
    } else {
        186 + 30 * (month - 7)
    };
    nowruz(year) + days_before_month
}

/// Jalali year, month and day of a day count.
fn jalali_from_days(days: i64) -> (i64, u32, u32) {
    let (gregorian_year, _, _) = gregorian_from_days(days);
    // Nowruz falls in March, so the Jalali year is the Gregorian one minus 621 or 622. Far
    // outside the break table the extrapolated Nowruz drifts out of March, hence the loops.
    let mut year = gregorian_year - 621;
    while days < nowruz(year) {
        year -= 1;
    }
    while days >= nowruz(year + 1) {
        year += 1;
    }
    let day_of_year = days - nowruz(year);
    let (month, day_of_month) = if day_of_year < 186 {
        (day_of_year / 31 + 1, day_of_year % 31)
    } else {
        ((day_of_year - 186) / 30 + 7, (day_of_year - 186) % 30)
    };
    (year, month as u32, day_of_month as u32 + 1)
}

/// A date in the proleptic Gregorian calendar. [`GregorianDate::new`] and [`Day::to_gregorian`]
/// give real dates; a struct literal is not checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GregorianDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl GregorianDate {
    /// Checks that the date exists, with a four-digit year.
    pub fn new(year: i32, month: u32, day: u32) -> Result<Self, DateError> {
        check_date(Calendar::Gregorian, year.into(), month.into(), day.into())?;
        Ok(GregorianDate { year, month, day })
    }

    /// The day number of this date.
    pub fn to_day(self) -> Day {
        Calendar::Gregorian.day_at(self.year, self.month, self.day)
    }
}

/// A date in the Jalali (Solar Hijri) calendar, Iran's official calendar. [`JalaliDate::new`]
/// and [`Day::to_jalali`] give real dates; a struct literal is not checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JalaliDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl JalaliDate {
    /// Checks that the date exists (30 Esfand only in leap years), with a four-digit year.
    pub fn new(year: i32, month: u32, day: u32) -> Result<Self, DateError> {
        check_date(Calendar::Jalali, year.into(), month.into(), day.into())?;
        Ok(JalaliDate { year, month, day })
    }

    /// The day number of this date.
    pub fn to_day(self) -> Day {
        Calendar::Jalali.day_at(self.year, self.month, self.day)
    }
}

/// The part of a date that is out of range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateField {
    Year,
    Month,
    Day,
}

impl fmt::Display for DateField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateField::Year => "year",
            DateField::Month => "month",
            DateField::Day => "day",
        })
    }
}

/// Why a date is not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
pub enum DateError {
    #[error("no date was entered")]
    Empty,
    #[error("expected year, month and day, such as 1403/01/15")]
    Malformed,
    #[error("{field} {value} is out of range ({min} to {max})")]
    OutOfRange {
        field: DateField,
        value: i64,
        min: i64,
        max: i64,
    },
}

/// Years people type and read as four digits; the bound also keeps every valid date's `Day`
/// far from overflow.
const YEARS: (i64, i64) = (1, 9999);

/// Checks a typed date field by field, so the error names the field to fix.
fn check_date(calendar: Calendar, year: i64, month: i64, day: i64) -> Result<Day, DateError> {
    let in_range = |field, value, min, max| {
        if (min..=max).contains(&value) {
            Ok(value)
        } else {
            Err(DateError::OutOfRange {
                field,
                value,
                min,
                max,
            })
        }
    };
    let (min_year, max_year) = YEARS;
    let year = in_range(DateField::Year, year, min_year, max_year)? as i32;
    let month = in_range(DateField::Month, month, 1, 12)? as u32;
    let month_len = calendar.days_in_month(year, month);
    let day = in_range(DateField::Day, day, 1, month_len.into())? as u32;
    Ok(calendar.day_at(year, month, day))
}

/// The short numeric form of a date for lists and inputs: "1403/01/15" (Jalali, as Iranians
/// write it) or "2024-04-03" (Gregorian, ISO 8601), in the language's digits.
pub fn format_day(day: Day, calendar: Calendar, lang: Lang) -> String {
    let (year, month, day) = calendar.date_of(day);
    let separator = match calendar {
        Calendar::Gregorian => '-',
        Calendar::Jalali => '/',
    };
    lang.localize_digits(&format!(
        "{year:04}{separator}{month:02}{separator}{day:02}"
    ))
}

/// The long form with the month's name: "15 Farvardin 1403", "۱۵ فروردین ۱۴۰۳", "3 April 2024".
pub fn format_day_long(day: Day, calendar: Calendar, lang: Lang) -> String {
    let (year, month, day) = calendar.date_of(day);
    let month_name = calendar.month_names(lang)[month as usize - 1];
    lang.localize_digits(&format!("{day} {month_name} {year}"))
}

/// Parses a typed date: year, month and day in that order, separated by `/`, `-` or `.`, in
/// ASCII, Persian or Arabic-Indic digits ("1403/1/15", "۱۴۰۳/۰۱/۱۵", "2024-04-03").
pub fn parse_day(input: &str, calendar: Calendar) -> Result<Day, DateError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(DateError::Empty);
    }
    let mut fields = input.split(['/', '-', '.']).map(parse_field);
    let (Some(year), Some(month), Some(day), None) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err(DateError::Malformed);
    };
    check_date(calendar, year?, month?, day?)
}

/// A run of digits; values too long for `i64` saturate and are then reported as out of range.
fn parse_field(field: &str) -> Result<i64, DateError> {
    let field = field.trim();
    if field.is_empty() {
        return Err(DateError::Malformed);
    }
    field.chars().try_fold(0i64, |value, c| {
        let digit = digit_value(c).ok_or(DateError::Malformed)?;
        Ok(value.saturating_mul(10).saturating_add(digit.into()))
    })
}

/// The year and month (1..=12) that `day` falls in.
pub fn month_of(day: Day, calendar: Calendar) -> (i32, u32) {
    let (year, month, _) = calendar.date_of(day);
    (year, month)
}

/// The first day of a month. A month past 12 carries into the next year (month 13 is the first
/// month of `year + 1`), so callers can step months without special cases.
pub fn first_day_of_month(year: i32, month: u32, calendar: Calendar) -> Day {
    calendar.day_at(year, month, 1)
}

/// The same day of the month `months` months later (earlier when negative), moved back to the
/// month's last day when the month is shorter: 31 January plus one month is 28 or 29 February.
pub fn add_months(day: Day, months: i32, calendar: Calendar) -> Day {
    let (year, month, day_of_month) = calendar.date_of(day);
    let target = i64::from(year) * 12 + i64::from(month) - 1 + i64::from(months);
    // The year is far inside i32 for any Day plus an i32 count of months.
    let (year, month) = (
        target.div_euclid(12) as i32,
        target.rem_euclid(12) as u32 + 1,
    );
    let day_of_month = day_of_month.min(calendar.days_in_month(year, month));
    calendar.day_at(year, month, day_of_month)
}

/// A calendar unit that reports group days by. Quarters start in months 1, 4, 7 and 10; in the Jalali calendar they are
/// the seasons, starting on 1 Farvardin, 1 Tir, 1 Mehr and 1 Dey.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CalendarUnit {
    Month,
    Quarter,
    Year,
}

impl CalendarUnit {
    fn months(self) -> u32 {
        match self {
            CalendarUnit::Month => 1,
            CalendarUnit::Quarter => 3,
            CalendarUnit::Year => 12,
        }
    }
}

/// The first day of the month, quarter or year (`unit`) containing `day`.
pub fn period_start(day: Day, unit: CalendarUnit, calendar: Calendar) -> Day {
    let (year, month) = month_of(day, calendar);
    let first_month = month - (month - 1) % unit.months();
    first_day_of_month(year, first_month, calendar)
}

/// The last day of the month, quarter or year (`unit`) containing `day` (inclusive).
pub fn period_end(day: Day, unit: CalendarUnit, calendar: Calendar) -> Day {
    let next_start = add_months(
        period_start(day, unit, calendar),
        unit.months() as i32,
        calendar,
    );
    Day(next_start.0.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn gregorian(year: i32, month: u32, day: u32) -> Day {
        GregorianDate::new(year, month, day).unwrap().to_day()
    }

    fn jalali(year: i32, month: u32, day: u32) -> Day {
        JalaliDate::new(year, month, day).unwrap().to_day()
    }

    /// Year, month and day.
    type Ymd = (i32, u32, u32);

    /// Nowruz dates as observed in Iran, leap-day boundaries, and dated events.
    const KNOWN_PAIRS: [(Ymd, Ymd); 26] = [
        ((1278, 10, 11), (1900, 1, 1)),
        ((1279, 1, 1), (1900, 3, 21)),
        ((1300, 1, 1), (1921, 3, 21)),
        // The Solar Hijri calendar became law on 11 Farvardin 1304 (31 March 1925).
        ((1304, 1, 1), (1925, 3, 21)),
        ((1304, 1, 11), (1925, 3, 31)),
        // Oil nationalization day.
        ((1329, 12, 29), (1951, 3, 20)),
        ((1344, 1, 1), (1965, 3, 21)),
        // Victory of the revolution; the Islamic Republic referendum; start of the Iran-Iraq war.
        ((1357, 11, 22), (1979, 2, 11)),
        ((1358, 1, 12), (1979, 4, 1)),
        ((1359, 6, 31), (1980, 9, 22)),
        ((1370, 1, 1), (1991, 3, 21)),
        ((1375, 1, 1), (1996, 3, 20)),
        ((1395, 1, 1), (2016, 3, 20)),
        ((1399, 1, 1), (2020, 3, 20)),
        ((1399, 12, 30), (2021, 3, 20)),
        ((1400, 1, 1), (2021, 3, 21)),
        ((1403, 1, 1), (2024, 3, 20)),
        ((1403, 1, 15), (2024, 4, 3)),
        ((1403, 10, 1), (2024, 12, 21)),
        ((1403, 12, 30), (2025, 3, 20)),
        ((1404, 1, 1), (2025, 3, 21)),
        ((1405, 1, 1), (2026, 3, 21)),
        ((1408, 12, 30), (2030, 3, 20)),
        ((1409, 1, 1), (2030, 3, 21)),
        ((1479, 1, 1), (2100, 3, 21)),
        ((1479, 10, 10), (2100, 12, 31)),
    ];

    #[test]
    fn known_jalali_gregorian_pairs_agree() {
        for ((jy, jm, jd), (gy, gm, gd)) in KNOWN_PAIRS {
            let day = gregorian(gy, gm, gd);
            assert_eq!(jalali(jy, jm, jd), day, "{jy}/{jm}/{jd}");
            assert_eq!(
                day.to_jalali(),
                JalaliDate {
                    year: jy,
                    month: jm,
                    day: jd
                }
            );
        }
    }

    #[test]
    fn leap_years_around_the_five_year_gaps() {
        let leap_years: Vec<i32> = (1390..=1412)
            .filter(|&year| Calendar::Jalali.is_leap_year(year))
            .collect();
        // 1403 to 1408 is a five-year gap, which the plain 33-year rule gets wrong.
        assert_eq!(leap_years, [1391, 1395, 1399, 1403, 1408, 1412]);
        assert!(Calendar::Gregorian.is_leap_year(2000));
        assert!(!Calendar::Gregorian.is_leap_year(1900));
        assert!(Calendar::Gregorian.is_leap_year(2024));
    }

    fn next_date(calendar: Calendar, (year, month, day): Ymd) -> Ymd {
        if day < calendar.days_in_month(year, month) {
            (year, month, day + 1)
        } else if month < 12 {
            (year, month + 1, 1)
        } else {
            (year + 1, 1, 1)
        }
    }

    #[test]
    fn every_day_from_1900_to_2100_converts_without_gaps() {
        let first = gregorian(1900, 1, 1);
        let last = gregorian(2100, 12, 31);
        let mut previous = (first.to_gregorian(), first.to_jalali());
        for number in first.0 + 1..=last.0 {
            let day = Day(number);
            let (greg, jal) = (day.to_gregorian(), day.to_jalali());
            assert_eq!(
                GregorianDate::new(greg.year, greg.month, greg.day),
                Ok(greg)
            );
            assert_eq!(JalaliDate::new(jal.year, jal.month, jal.day), Ok(jal));
            assert_eq!(greg.to_day(), day);
            assert_eq!(jal.to_day(), day);
            let (prev_greg, prev_jal) = previous;
            assert_eq!(
                (greg.year, greg.month, greg.day),
                next_date(
                    Calendar::Gregorian,
                    (prev_greg.year, prev_greg.month, prev_greg.day)
                )
            );
            assert_eq!(
                (jal.year, jal.month, jal.day),
                next_date(
                    Calendar::Jalali,
                    (prev_jal.year, prev_jal.month, prev_jal.day)
                )
            );
            previous = (greg, jal);
        }
    }

    #[test]
    fn years_beyond_the_break_table_still_have_365_or_366_days() {
        for year in (-3000..=6000).step_by(7) {
            let length = nowruz(year + 1) - nowruz(year);
            assert!(length == 365 || length == 366, "year {year}: {length}");
        }
    }

    #[test]
    fn impossible_dates_are_rejected() {
        let day_error = |value, max| DateError::OutOfRange {
            field: DateField::Day,
            value,
            min: 1,
            max,
        };
        assert!(JalaliDate::new(1403, 12, 30).is_ok());
        assert_eq!(JalaliDate::new(1404, 12, 30), Err(day_error(30, 29)));
        assert_eq!(JalaliDate::new(1403, 12, 31), Err(day_error(31, 30)));
        assert!(JalaliDate::new(1403, 6, 31).is_ok());
        assert_eq!(JalaliDate::new(1403, 7, 31), Err(day_error(31, 30)));
        assert_eq!(JalaliDate::new(1403, 1, 0), Err(day_error(0, 31)));
        assert!(matches!(
            JalaliDate::new(1403, 13, 1),
            Err(DateError::OutOfRange {
                field: DateField::Month,
                ..
            })
        ));
        assert!(matches!(
            JalaliDate::new(0, 1, 1),
            Err(DateError::OutOfRange {
                field: DateField::Year,
                ..
            })
        ));
        assert!(GregorianDate::new(2024, 2, 29).is_ok());
        assert!(GregorianDate::new(2000, 2, 29).is_ok());
        assert_eq!(GregorianDate::new(1900, 2, 29), Err(day_error(29, 28)));
        assert_eq!(GregorianDate::new(2024, 4, 31), Err(day_error(31, 30)));
    }

    #[test]
    fn unix_milliseconds_round_down_to_the_utc_day() {
        assert_eq!(Day::from_unix_ms(0), Day(0));
        assert_eq!(Day::from_unix_ms(MS_PER_DAY - 1), Day(0));
        assert_eq!(Day::from_unix_ms(MS_PER_DAY), Day(1));
        assert_eq!(Day::from_unix_ms(-1), Day(-1));
        assert_eq!(Day::from_unix_ms(i64::MAX), Day(i32::MAX));
        // 2024-03-20T12:00:00Z
        assert_eq!(Day::from_unix_ms(1_710_936_000_000), gregorian(2024, 3, 20));
        assert_eq!(gregorian(2024, 3, 20).to_unix_ms(), 1_710_892_800_000);
    }

    #[test]
    fn weekdays_and_their_names() {
        assert_eq!(Day(0).weekday(), Weekday::Thursday);
        assert_eq!(Day(-1).weekday(), Weekday::Wednesday);
        assert_eq!(gregorian(2024, 3, 20).weekday(), Weekday::Wednesday);
        assert_eq!(gregorian(2025, 3, 21).weekday(), Weekday::Friday);
        let iranian_week = Weekday::week_starting(Lang::Fa.first_weekday());
        assert_eq!(iranian_week[0].name(Lang::Fa), "شنبه");
        assert_eq!(iranian_week[6], Weekday::Friday);
        assert_eq!(Weekday::week_starting(Weekday::Monday), Weekday::ALL);
        assert_eq!(Weekday::Tuesday.name(Lang::Fa), "سه\u{200C}شنبه");
        assert_eq!(Weekday::Sunday.name(Lang::En), "Sunday");
    }

    #[test]
    fn month_names_in_both_languages() {
        assert_eq!(Calendar::Jalali.month_names(Lang::Fa)[0], "فروردین");
        assert_eq!(Calendar::Jalali.month_names(Lang::En)[11], "Esfand");
        assert_eq!(Calendar::Gregorian.month_names(Lang::Fa)[1], "فوریه");
        assert_eq!(Calendar::Gregorian.month_names(Lang::En)[3], "April");
    }

    #[test]
    fn formats_short_and_long_dates() {
        let day = gregorian(2024, 4, 3);
        assert_eq!(format_day(day, Calendar::Jalali, Lang::En), "1403/01/15");
        assert_eq!(format_day(day, Calendar::Jalali, Lang::Fa), "۱۴۰۳/۰۱/۱۵");
        assert_eq!(format_day(day, Calendar::Gregorian, Lang::En), "2024-04-03");
        assert_eq!(format_day(day, Calendar::Gregorian, Lang::Fa), "۲۰۲۴-۰۴-۰۳");
        assert_eq!(
            format_day_long(day, Calendar::Jalali, Lang::En),
            "15 Farvardin 1403"
        );
        assert_eq!(
            format_day_long(day, Calendar::Jalali, Lang::Fa),
            "۱۵ فروردین ۱۴۰۳"
        );
        assert_eq!(
            format_day_long(day, Calendar::Gregorian, Lang::En),
            "3 April 2024"
        );
        assert_eq!(
            format_day_long(day, Calendar::Gregorian, Lang::Fa),
            "۳ آوریل ۲۰۲۴"
        );
    }

    #[test]
    fn parses_dates_in_any_digits_and_separators() {
        let day = gregorian(2024, 4, 3);
        for input in [
            "1403/01/15",
            "1403/1/15",
            "۱۴۰۳/۰۱/۱۵",
            "١٤٠٣-٠١-١٥",
            " 1403.1.15 ",
        ] {
            assert_eq!(parse_day(input, Calendar::Jalali), Ok(day), "{input}");
        }
        assert_eq!(parse_day("2024-04-03", Calendar::Gregorian), Ok(day));
        assert_eq!(parse_day("2024/4/3", Calendar::Gregorian), Ok(day));
    }

    #[test]
    fn parse_errors_say_what_is_wrong() {
        assert_eq!(parse_day("", Calendar::Jalali), Err(DateError::Empty));
        assert_eq!(parse_day("  ", Calendar::Jalali), Err(DateError::Empty));
        for input in [
            "1403/01",
            "1403/01/15/2",
            "1403//15",
            "14o3/01/15",
            "1403 01 15",
        ] {
            assert_eq!(
                parse_day(input, Calendar::Jalali),
                Err(DateError::Malformed),
                "{input}"
            );
        }
        assert_eq!(
            parse_day("1404/12/30", Calendar::Jalali),
            Err(DateError::OutOfRange {
                field: DateField::Day,
                value: 30,
                min: 1,
                max: 29
            })
        );
        assert_eq!(
            parse_day("1403/13/01", Calendar::Jalali),
            Err(DateError::OutOfRange {
                field: DateField::Month,
                value: 13,
                min: 1,
                max: 12
            })
        );
        assert!(matches!(
            parse_day("99999999999999999999999/1/1", Calendar::Gregorian),
            Err(DateError::OutOfRange {
                field: DateField::Year,
                ..
            })
        ));
        assert_eq!(
            DateError::OutOfRange {
                field: DateField::Day,
                value: 30,
                min: 1,
                max: 29
            }
            .to_string(),
            "day 30 is out of range (1 to 29)"
        );
    }

    #[test]
    fn month_arithmetic_clamps_to_shorter_months() {
        assert_eq!(month_of(jalali(1403, 8, 15), Calendar::Jalali), (1403, 8));
        assert_eq!(
            first_day_of_month(1403, 13, Calendar::Jalali),
            jalali(1404, 1, 1)
        );
        assert_eq!(
            add_months(jalali(1403, 6, 31), 1, Calendar::Jalali),
            jalali(1403, 7, 30)
        );
        assert_eq!(
            add_months(jalali(1403, 12, 30), 12, Calendar::Jalali),
            jalali(1404, 12, 29)
        );
        assert_eq!(
            add_months(jalali(1403, 2, 10), -3, Calendar::Jalali),
            jalali(1402, 11, 10)
        );
        assert_eq!(
            add_months(gregorian(2024, 1, 31), 1, Calendar::Gregorian),
            gregorian(2024, 2, 29)
        );
        assert_eq!(
            add_months(gregorian(2024, 3, 31), -13, Calendar::Gregorian),
            gregorian(2023, 2, 28)
        );
    }

    #[test]
    fn periods_follow_each_calendar() {
        let aban = jalali(1403, 8, 15);
        let bounds = |day, period, calendar| {
            (
                period_start(day, period, calendar),
                period_end(day, period, calendar),
            )
        };
        assert_eq!(
            bounds(aban, CalendarUnit::Month, Calendar::Jalali),
            (jalali(1403, 8, 1), jalali(1403, 8, 30))
        );
        // Autumn: Mehr, Aban, Azar.
        assert_eq!(
            bounds(aban, CalendarUnit::Quarter, Calendar::Jalali),
            (jalali(1403, 7, 1), jalali(1403, 9, 30))
        );
        assert_eq!(
            bounds(aban, CalendarUnit::Year, Calendar::Jalali),
            (jalali(1403, 1, 1), jalali(1403, 12, 30))
        );
        assert_eq!(
            bounds(jalali(1404, 12, 5), CalendarUnit::Quarter, Calendar::Jalali),
            (jalali(1404, 10, 1), jalali(1404, 12, 29))
        );
        assert_eq!(
            bounds(aban, CalendarUnit::Quarter, Calendar::Gregorian),
            (gregorian(2024, 10, 1), gregorian(2024, 12, 31))
        );
        assert_eq!(
            bounds(
                gregorian(2024, 2, 10),
                CalendarUnit::Month,
                Calendar::Gregorian
            ),
            (gregorian(2024, 2, 1), gregorian(2024, 2, 29))
        );
        assert_eq!(
            bounds(aban, CalendarUnit::Year, Calendar::Gregorian),
            (gregorian(2024, 1, 1), gregorian(2024, 12, 31))
        );
    }

    #[test]
    fn calendar_serializes_in_lowercase() {
        assert_eq!(
            serde_json::to_string(&Calendar::Jalali).unwrap(),
            "\"jalali\""
        );
        assert_eq!(
            serde_json::from_str::<Calendar>("\"gregorian\"").unwrap(),
            Calendar::Gregorian
        );
    }

    proptest! {
        #[test]
        fn any_day_round_trips_through_both_calendars(number in -2_000_000i32..2_000_000) {
            let day = Day(number);
            prop_assert_eq!(day.to_jalali().to_day(), day);
            prop_assert_eq!(day.to_gregorian().to_day(), day);
        }

        #[test]
        fn formatted_days_parse_back(number in jalali(1, 1, 1).0..=gregorian(9999, 12, 31).0) {
            let day = Day(number);
            for calendar in Calendar::ALL {
                for lang in Lang::ALL {
                    let text = format_day(day, calendar, lang);
                    prop_assert_eq!(parse_day(&text, calendar), Ok(day), "{}", text);
                }
            }
        }

        #[test]
        fn extreme_days_convert_without_panicking(number in any::<i32>()) {
            let day = Day(number);
            let jal = day.to_jalali();
            prop_assert!((1..=12).contains(&jal.month));
            prop_assert!(jal.day >= 1 && jal.day <= Calendar::Jalali.days_in_month(jal.year, jal.month));
            prop_assert_eq!(jal.to_day(), day);
            prop_assert_eq!(day.to_gregorian().to_day(), day);
            let _ = period_end(day, CalendarUnit::Year, Calendar::Jalali);
            let _ = add_months(day, i32::MAX, Calendar::Gregorian);
        }
    }
}
