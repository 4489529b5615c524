//! Time as people read and type it: the browser's time zone and the workspace calendar.
//!
//! Records store UTC milliseconds; people see and type days in the workspace calendar (Jalali
//! or Gregorian) and times on their own clock. Date inputs are plain text in that calendar
//! ("1403/09/02", "2024-11-23"), because the browser's own date picker only knows Gregorian.

use crate::{
    i18n::{use_locale, Msg},
    ui::field_error::FieldError,
    workspace::use_workspace,
};
use leptos::prelude::*;
use rabet_domain::{
    calendar::{format_day, parse_day, Calendar, DateError, DateField, Day},
    locale::{to_ascii_digits, Lang},
    time::{Instant, MS_PER_DAY},
};
use wasm_bindgen::JsValue;

pub const MINUTE_MS: i64 = 60_000;
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
pub const DAY_MS: i64 = MS_PER_DAY;

/// Milliseconds since the Unix epoch, by the browser's clock.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// How far local time is ahead of UTC at `at`, in ms.
fn offset_ms(at: i64) -> i64 {
    let minutes_behind = js_sys::Date::new(&JsValue::from_f64(at as f64)).get_timezone_offset();
    -(minutes_behind * MINUTE_MS as f64) as i64
}

/// The local calendar day an instant falls on.
pub fn local_day(at: i64) -> Day {
    Instant(at).local_day(offset_ms(at))
}

/// Minutes past local midnight.
pub fn local_minute(at: i64) -> u32 {
    ((at + offset_ms(at)).rem_euclid(DAY_MS) / MINUTE_MS) as u32
}

/// The instant `minute` minutes past local midnight on `day`.
pub fn local_instant(day: Day, minute: u32) -> i64 {
    let wall = day.to_unix_ms() + i64::from(minute) * MINUTE_MS;
    // The offset at the wall time is right except next to a daylight-saving change, where the
    // offset at the first guess settles it.
    let guess = wall - offset_ms(wall);
    wall - offset_ms(guess)
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
    let fill = |msg: Msg, values: &[(&str, i64)]| {
        values
            .iter()
            .fold(msg.text(lang).to_owned(), |text, (name, value)| {
                text.replace(&format!("{{{name}}}"), &number(*value))
            })
    };
    match (days, hours) {
        (0, 0) => fill(Msg::DurationMinutes, &[("minutes", minutes)]),
        (0, _) => fill(
            Msg::DurationHoursMinutes,
            &[("hours", hours), ("minutes", minutes)],
        ),
        _ => fill(Msg::DurationDaysHours, &[("days", days), ("hours", hours)]),
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
        Err(_) => Some(locale.fill(Msg::ErrDateFormat, &[("example", &example())])),
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
