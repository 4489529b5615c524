//! Time as people read and type it: the workspace's time zone and calendar.
//!
//! Records store UTC milliseconds; people see and type days in the workspace calendar (Jalali
//! or Gregorian) and times on the workspace's clock: the time zone in its settings, else this
//! device's. Date inputs are plain text in that calendar ("1403/09/02", "2024-11-23"),
//! because the browser's own date picker only knows Gregorian.
//!
//! The zone: the browser's `Intl` knows every IANA zone, but asking it per record is far too
//! slow for KPIs over 100k records, so [`zone_named`] asks it once per week of the years in
//! play and narrows each change of offset down to the minute, giving the domain a
//! [`Zone`] table it searches in O(log changes). [`ZoneKeeper`] keeps the table of the
//! workspace's zone current; the functions here read it.

use std::{cell::RefCell, collections::HashMap};

use crate::{
    i18n::{phrase, use_locale, Msg, Phrase},
    ui::field_error::FieldError,
    workspace::use_workspace,
};
use leptos::prelude::*;
use rabet_domain::{
    calendar::{format_day, parse_day, Calendar, DateError, DateField, Day, GregorianDate},
    locale::{to_ascii_digits, Lang},
    time::{Instant, Zone, MS_PER_DAY},
};
use wasm_bindgen::{prelude::wasm_bindgen, JsValue};

pub const MINUTE_MS: i64 = 60_000;
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
pub const DAY_MS: i64 = MS_PER_DAY;

/// Milliseconds since the Unix epoch, by the browser's clock.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

#[wasm_bindgen]
extern "C" {
    /// `Intl.DateTimeFormat(locales, options)`; throws a RangeError for an unknown zone.
    #[wasm_bindgen(catch, js_namespace = Intl, js_name = DateTimeFormat)]
    fn date_time_format(
        locales: &str,
        options: &js_sys::Object,
    ) -> Result<js_sys::Intl::DateTimeFormat, JsValue>;

    /// `Intl.supportedValuesOf(key)`; missing in older browsers.
    #[wasm_bindgen(catch, js_namespace = Intl, js_name = supportedValuesOf)]
    fn supported_values_of(key: &str) -> Result<js_sys::Array, JsValue>;
}

thread_local! {
    /// The zone the workspace's settings name, as [`ZoneKeeper`] last read them (`None`:
    /// this device's).
    static NAMED: ArcRwSignal<Option<String>> = ArcRwSignal::new(None);
    /// The workspace's zone, built when something first reads it rather than at start: the
    /// first `Intl.DateTimeFormat` and the table cost a slowed phone 200–300 ms, and a new
    /// device's first page shows no day. Built again when the named zone changes.
    static ZONE: ArcMemo<Zone> = ArcMemo::new(|_| {
        let named = NAMED.with(ArcRwSignal::get);
        named
            .as_deref()
            .and_then(zone_named)
            .or_else(|| zone_named(&device_zone_name()))
            .unwrap_or_default()
    });
    /// Tables already built, by zone name.
    static TABLES: RefCell<HashMap<String, Zone>> = RefCell::new(HashMap::new());
}

/// The zone this device's clock is in, as an IANA name ("Asia/Tehran"); "UTC" if the browser
/// does not say.
pub fn device_zone_name() -> String {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    js_sys::Reflect::get(&format.resolved_options(), &"timeZone".into())
        .ok()
        .and_then(|name| name.as_string())
        .unwrap_or_else(|| "UTC".to_owned())
}

/// The IANA zone names this browser knows, sorted, and "UTC" (which some leave out); only
/// "UTC" where the browser cannot list them.
pub fn zone_names() -> Vec<String> {
    let mut names: Vec<String> = supported_values_of("timeZone")
        .map(|names| names.iter().filter_map(|name| name.as_string()).collect())
        .unwrap_or_default();
    if !names.iter().any(|name| name == "UTC") {
        names.push("UTC".to_owned());
    }
    names
}

/// The zone's table of offsets from 2000 to 15 years from now (before and after, the first
/// and last offsets hold); `None` for a name the browser does not know. Built once per name.
pub fn zone_named(name: &str) -> Option<Zone> {
    if let Some(zone) = TABLES.with(|tables| tables.borrow().get(name).cloned()) {
        return Some(zone);
    }
    let options = js_sys::Object::new();
    for (key, value) in [
        ("timeZone", name),
        ("hourCycle", "h23"),
        ("year", "numeric"),
        ("month", "2-digit"),
        ("day", "2-digit"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
        ("second", "2-digit"),
    ] {
        js_sys::Reflect::set(&options, &key.into(), &value.into()).ok()?;
    }
    let format: js_sys::Function = date_time_format("en-US", &options).ok()?.format();
    // "03/21/2025, 01:00:00": the clock's reading at `at` (a whole second), as UTC ms.
    let offset = |at: i64| -> Option<i64> {
        let text = format
            .call1(&JsValue::UNDEFINED, &JsValue::from_f64(at as f64))
            .ok()?
            .as_string()?;
        let mut numbers = text
            .split(|c: char| !c.is_ascii_digit())
            .filter(|part| !part.is_empty())
            .map(str::parse::<i64>);
        let mut next = || numbers.next()?.ok();
        let (month, day, year) = (next()?, next()?, next()?);
        let (hour, minute, second) = (next()? % 24, next()?, next()?);
        let date = GregorianDate::new(i32::try_from(year).ok()?, month as u32, day as u32).ok()?;
        let wall = date.to_day().to_unix_ms() + ((hour * 60 + minute) * 60 + second) * 1_000;
        Some(wall - at)
    };
    let from = GregorianDate::new(2000, 1, 1).ok()?.to_day().to_unix_ms();
    let until = now_ms().div_euclid(MINUTE_MS) * MINUTE_MS + 15 * 366 * DAY_MS;
    let base = offset(from)?;
    let mut changes = Vec::new();
    let (mut at, mut current) = (from, base);
    while at < until {
        let next = at + 7 * DAY_MS;
        let later = offset(next)?;
        if later != current {
            // The change is in (at, next]: halve down to the minute.
            let (mut before, mut after) = (at, next);
            while after - before > MINUTE_MS {
                let middle = before + (after - before) / 2 / MINUTE_MS * MINUTE_MS;
                if offset(middle)? == current {
                    before = middle;
                } else {
                    after = middle;
                }
            }
            changes.push((Instant(after), offset(after)?));
            current = later;
        }
        at = next;
    }
    let zone = Zone::with_changes(base, changes);
    TABLES.with(|tables| tables.borrow_mut().insert(name.to_owned(), zone.clone()));
    Some(zone)
}

/// The workspace's zone: the one days are counted in. Read in a view or a memo, it is
/// tracked, so whatever shows or counts days redraws when the zone changes in Settings (or
/// arrives from another device).
pub fn zone() -> Zone {
    with_zone(Zone::clone)
}

/// `f` of the workspace's zone, tracked like [`zone`] but without copying its table.
fn with_zone<T>(f: impl FnOnce(&Zone) -> T) -> T {
    ZONE.with(|zone| zone.with(f))
}

/// The zone the workspace's settings name, else this device's.
pub fn workspace_zone_name(settings_zone: Option<&str>) -> String {
    settings_zone
        .map(str::to_owned)
        .unwrap_or_else(device_zone_name)
}

/// Keeps [`zone`] the workspace's: the zone its settings name (when this browser knows it),
/// else this device's. It only passes the name on; the table is built when read.
#[component]
pub fn ZoneKeeper() -> impl IntoView {
    let workspace = use_workspace();
    Effect::new(move |_| {
        let named = workspace.settings.with(|s| s.time_zone.clone());
        NAMED.with(|current| {
            if current.with_untracked(|current| *current != named) {
                current.set(named);
            }
        });
    });
}

/// How far the workspace's clocks are ahead of UTC at `at`, in ms.
fn offset_ms(at: i64) -> i64 {
    with_zone(|zone| zone.offset_at(Instant(at)))
}

/// The day an instant falls on in the workspace's zone.
pub fn local_day(at: i64) -> Day {
    with_zone(|zone| zone.day_of(Instant(at)))
}

/// Minutes past local midnight.
pub fn local_minute(at: i64) -> u32 {
    ((at + offset_ms(at)).rem_euclid(DAY_MS) / MINUTE_MS) as u32
}

/// The instant `minute` minutes past local midnight on `day` (past the day's start, when
/// its midnight is skipped).
pub fn local_instant(day: Day, minute: u32) -> i64 {
    with_zone(|zone| zone.instant_at(day, minute).0)
}

/// The same time on the workspace's clock `days` days earlier: across a daylight-saving
/// change that is 23 or 25 hours per day rather than 24.
pub fn days_before(at: i64, days: i64) -> i64 {
    let day = Day(local_day(at)
        .0
        .saturating_sub(days.clamp(0, i32::MAX.into()) as i32));
    local_instant(day, local_minute(at)) + at.rem_euclid(MINUTE_MS)
}

/// "09:05", in the language's digits.
pub fn format_clock(minute: u32, lang: Lang) -> String {
    lang.localize_digits(&format!("{:02}:{:02}", minute / 60, minute % 60))
}

/// The date of an instant in `calendar`.
pub fn format_date(at: i64, calendar: Calendar, lang: Lang) -> String {
    format_day(local_day(at), calendar, lang)
}

/// Date and time of an instant: "1403/09/02 14:05".
pub fn format_when(at: i64, calendar: Calendar, lang: Lang) -> String {
    format!(
        "{} {}",
        format_date(at, calendar, lang),
        format_clock(local_minute(at), lang)
    )
}

/// An instant as `<time datetime>` wants it (UTC, ISO 8601).
pub fn machine_time(at: i64) -> String {
    js_sys::Date::new(&JsValue::from_f64(at as f64))
        .to_iso_string()
        .into()
}

/// Reads "9:05" or "۰۹:۰۵" (an `<input type=time>` gives "09:05") as minutes past midnight.
pub fn parse_clock(text: &str) -> Option<u32> {
    let text = to_ascii_digits(text.trim());
    let (hours, minutes) = text.split_once(':')?;
    let (hours, minutes): (u32, u32) = (hours.parse().ok()?, minutes.get(..2)?.parse().ok()?);
    (hours < 24 && minutes < 60).then_some(hours * 60 + minutes)
}

/// The workspace calendar: the one chosen in settings, else the language's.
pub fn use_calendar() -> Signal<Calendar> {
    let workspace = use_workspace();
    let locale = use_locale();
    Signal::derive(move || {
        workspace
            .settings
            .with(|s| s.calendar)
            .unwrap_or_else(|| locale.lang().default_calendar())
    })
}

/// A duration in words: "3 h 20 min", "2 d 4 h", "45 min".
pub fn format_duration(ms: i64, lang: Lang) -> String {
    let minutes = ms.max(0) / MINUTE_MS;
    let (days, hours, minutes) = (minutes / 1_440, minutes / 60 % 24, minutes % 60);
    let number = |n: i64| lang.localize_digits(&n.to_string());
    match (days, hours) {
        (0, 0) => phrase::DurationMinutes {
            minutes: &number(minutes),
        }
        .in_lang(lang),
        (0, _) => phrase::DurationHoursMinutes {
            hours: &number(hours),
            minutes: &number(minutes),
        }
        .in_lang(lang),
        _ => phrase::DurationDaysHours {
            days: &number(days),
            hours: &number(hours),
        }
        .in_lang(lang),
    }
}

/// What a date field holds: the text as typed, read in the workspace calendar on demand.
#[derive(Clone, Copy)]
pub struct DayText(pub RwSignal<String>);

impl DayText {
    pub fn new(day: Option<Day>, calendar: Calendar, lang: Lang) -> Self {
        DayText(RwSignal::new(
            day.map(|day| format_day(day, calendar, lang))
                .unwrap_or_default(),
        ))
    }

    /// The day typed; `Ok(None)` when the field is empty.
    pub fn day(&self, calendar: Calendar) -> Result<Option<Day>, DateError> {
        match parse_day(&self.0.get(), calendar) {
            Ok(day) => Ok(Some(day)),
            Err(DateError::Empty) => Ok(None),
            Err(error) => Err(error),
        }
    }

    pub fn set(&self, day: Day, calendar: Calendar, lang: Lang) {
        self.0.set(format_day(day, calendar, lang));
    }
}

/// A date typed in the workspace calendar, saying how to write it when it cannot be read.
/// `shortcuts` adds one-tap "Today", "Tomorrow" and "Next week".
#[component]
pub fn DayField(
    label: Msg,
    id: &'static str,
    text: DayText,
    #[prop(optional)] shortcuts: bool,
    /// A rule the saved record breaks on this field.
    #[prop(optional, into)]
    error: MaybeProp<FieldError>,
) -> impl IntoView {
    let locale = use_locale();
    let calendar = use_calendar();
    let example = move || format_day(local_day(now_ms()), calendar.get(), locale.lang());
    let problem = move || match text.day(calendar.get()) {
        Err(DateError::OutOfRange { field, .. }) => Some(
            locale
                .t(match field {
                    DateField::Year => Msg::ErrDateYear,
                    DateField::Month => Msg::ErrDateMonth,
                    DateField::Day => Msg::ErrDateDay,
                })
                .to_owned(),
        ),
        Err(_) => Some(locale.fill(phrase::ErrDateFormat {
            example: &example(),
        })),
        Ok(_) => error.get().map(|e| e.describe(locale)),
    };
    let error_id = format!("{id}-error");
    let pick = move |days_ahead: i64| {
        let day = local_day(now_ms() + days_ahead * DAY_MS);
        text.set(day, calendar.get_untracked(), locale.lang());
    };
    let chips = shortcuts.then(|| {
        [
            (0, Msg::DayToday),
            (1, Msg::DayTomorrow),
            (7, Msg::DayNextWeek),
        ]
        .into_iter()
        .map(|(days, msg)| {
            view! {
                <button type="button" class="chip" on:click=move |_| pick(days)>
                    {move || locale.t(msg)}
                </button>
            }
        })
        .collect_view()
    });
    view! {
        <div class="field">
            <label class="field-label" for=id>{move || locale.t(label)}</label>
            <input
                id=id
                type="text"
                inputmode="numeric"
                dir="ltr"
                autocomplete="off"
                placeholder=example
                prop:value=move || text.0.get()
                on:input=move |ev| text.0.set(event_target_value(&ev))
                aria-invalid=move || problem().is_some().to_string()
                aria-describedby=error_id.clone()
            />
            {chips.map(|chips| view! { <div class="chips">{chips}</div> })}
            <span class="field-error" id=error_id role="alert">{problem}</span>
        </div>
    }
}

/// A date and a time typed in two fields, read as one instant.
#[derive(Clone, Copy)]
pub struct WhenText {
    pub day: DayText,
    /// "HH:MM", as `<input type=time>` gives it.
    pub time: RwSignal<String>,
    /// The instant the fields started from, and their texts then: unchanged fields give it
    /// back to the millisecond instead of rounding it to the minute.
    initial: StoredValue<Option<(i64, String, String)>>,
}

impl WhenText {
    /// Fields showing `at`, or empty.
    pub fn new(at: Option<i64>, calendar: Calendar, lang: Lang) -> Self {
        let day = DayText::new(at.map(local_day), calendar, lang);
        let time = at
            .map(|at| clock_value(local_minute(at)))
            .unwrap_or_default();
        let initial = at.map(|at| (at, day.0.get_untracked(), time.clone()));
        WhenText {
            day,
            time: RwSignal::new(time),
            initial: StoredValue::new(initial),
        }
    }

    /// The instant typed; `Ok(None)` when no day is. A day without a time means
    /// `default_minute` past midnight.
    pub fn instant(
        &self,
        calendar: Calendar,
        default_minute: u32,
    ) -> Result<Option<i64>, DateError> {
        let (day_text, time_text) = (self.day.0.get_untracked(), self.time.get_untracked());
        if let Some((at, day, time)) = self.initial.get_value() {
            if day == day_text && time == time_text {
                return Ok(Some(at));
            }
        }
        let minute = parse_clock(&time_text).unwrap_or(default_minute);
        Ok(self
            .day
            .day(calendar)?
            .map(|day| local_instant(day, minute)))
    }
}

/// Minutes past midnight as an `<input type=time>` value, "09:05" in ASCII digits.
pub fn clock_value(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// A day field (in the workspace calendar) and a time field side by side.
#[component]
pub fn WhenFields(
    day_label: Msg,
    id: &'static str,
    when: WhenText,
    #[prop(optional)] shortcuts: bool,
    #[prop(optional, into)] error: MaybeProp<FieldError>,
) -> impl IntoView {
    let locale = use_locale();
    let time_id = format!("{id}-time");
    view! {
        <div class="when-fields">
            <DayField label=day_label id=id text=when.day shortcuts=shortcuts error=error />
            <div class="field">
                <label class="field-label" for=time_id.clone()>{move || locale.t(Msg::WhenTime)}</label>
                <input id=time_id type="time" dir="ltr"
                    prop:value=move || when.time.get()
                    on:input=move |ev| when.time.set(event_target_value(&ev)) />
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn clock_times_read_in_either_script() {
        assert_eq!(parse_clock("09:05"), Some(9 * 60 + 5));
        assert_eq!(parse_clock("۱۴:۳۰"), Some(14 * 60 + 30));
        assert_eq!(parse_clock("24:00"), None);
        assert_eq!(parse_clock("9"), None);
        assert_eq!(clock_value(9 * 60 + 5), "09:05");
    }

    #[wasm_bindgen_test]
    fn local_days_and_instants_round_trip() {
        let now = now_ms();
        let (day, minute) = (local_day(now), local_minute(now));
        let again = local_instant(day, minute);
        assert!((now - again).abs() < MINUTE_MS);
        assert_eq!(local_day(again), day);
    }

    fn gregorian(year: i32, month: u32, day: u32) -> Day {
        GregorianDate::new(year, month, day).unwrap().to_day()
    }

    #[wasm_bindgen_test]
    fn zone_tables_come_from_intl() {
        let tehran = zone_named("Asia/Tehran").unwrap();
        let at = |day: Day| Instant(day.to_unix_ms());
        assert_eq!(
            tehran.offset_at(at(gregorian(2025, 3, 21))),
            7 * HOUR_MS / 2
        );
        // Iran kept daylight saving until September 2022.
        assert_eq!(tehran.offset_at(at(gregorian(2021, 7, 1))), 9 * HOUR_MS / 2);
        let new_york = zone_named("America/New_York").unwrap();
        assert_eq!(new_york.offset_at(at(gregorian(2025, 7, 1))), -4 * HOUR_MS);
        assert_eq!(new_york.day_length_ms(gregorian(2025, 3, 9)), 23 * HOUR_MS);
        assert_eq!(new_york.day_length_ms(gregorian(2025, 11, 2)), 25 * HOUR_MS);
        assert_eq!(
            new_york.day_start(gregorian(2025, 3, 9)),
            Instant(gregorian(2025, 3, 9).to_unix_ms() + 5 * HOUR_MS)
        );
        assert_eq!(zone_named("UTC").unwrap(), Zone::default());
        assert!(zone_named("Not/A_Zone").is_none());
        assert!(!device_zone_name().is_empty());
    }

    #[wasm_bindgen_test]
    fn a_reminder_a_day_before_keeps_the_clock_time() {
        let due = now_ms() / MINUTE_MS * MINUTE_MS + 3 * DAY_MS;
        let remind = crate::reminders::remind_at(due, DAY_MS);
        assert_eq!(local_minute(remind), local_minute(due));
        assert_eq!(local_day(remind).0 + 1, local_day(due).0);
        assert_eq!(crate::reminders::lead_of(due, remind), DAY_MS);
        assert_eq!(
            crate::reminders::lead_of(due, due - 10 * MINUTE_MS),
            10 * MINUTE_MS
        );
    }

    #[wasm_bindgen_test]
    fn durations_are_worded() {
        assert_eq!(format_duration(45 * MINUTE_MS, Lang::En), "45 min");
        assert_eq!(
            format_duration(3 * HOUR_MS + 20 * MINUTE_MS, Lang::En),
            "3 h 20 min"
        );
        assert_eq!(
            format_duration(2 * DAY_MS + 4 * HOUR_MS, Lang::En),
            "2 d 4 h"
        );
    }
}
