//! How the dashboard words its numbers: the change against the previous period, compact axis
//! figures, and money in the workspace currency as chart values.

use crate::i18n::{phrase, Msg, Phrase};
use rabet_domain::{
    locale::{format_decimal, format_number, format_percent, Lang},
    money::Currency,
    report::dashboard::Change,
};

/// Which way a figure moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trend {
    Up,
    Down,
    Flat,
}

impl Trend {
    pub fn of(change: &Change) -> Trend {
        // Shares differ by rounding noise when equal counts are divided differently.
        const NOISE: f64 = 1e-9;
        if change.absolute > NOISE {
            Trend::Up
        } else if change.absolute < -NOISE {
            Trend::Down
        } else {
            Trend::Flat
        }
    }

    /// The arrow shown, which screen readers skip (the word is read instead).
    pub fn arrow(self) -> &'static str {
        match self {
            Trend::Up => "▲",
            Trend::Down => "▼",
            Trend::Flat => "■",
        }
    }

    pub fn msg(self) -> Msg {
        match self {
            Trend::Up => Msg::TrendUp,
            Trend::Down => Msg::TrendDown,
            Trend::Flat => Msg::TrendFlat,
        }
    }
}

/// Whether a rise is good news: more revenue is, a longer sales cycle or more churn is not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

/// The CSS class of a change: good, bad or flat news.
pub fn change_class(trend: Trend, better: Better) -> &'static str {
    match (trend, better) {
        (Trend::Flat, _) => "kpi-change flat",
        (Trend::Up, Better::Higher) | (Trend::Down, Better::Lower) => "kpi-change good",
        _ => "kpi-change bad",
    }
}

/// The size of a change: "12.5%" of the previous figure, or, when the previous period had
/// zero, `None` (a percentage of nothing is no number).
pub fn change_percent(change: &Change, lang: Lang) -> Option<String> {
    change
        .percent
        .map(|percent| format_percent(percent.abs() / 100.0, lang))
}

/// A number short enough for a chart axis: "950", "12.5K", "3.2M" (Persian "۱۲٫۵ هزار").
pub fn compact_number(value: f64, lang: Lang) -> String {
    let magnitude = value.abs();
    let (scale, unit): (f64, fn(&str, Lang) -> String) = if magnitude >= 1e9 {
        (1e9, |n, lang| phrase::Billions { n }.in_lang(lang))
    } else if magnitude >= 1e6 {
        (1e6, |n, lang| phrase::Millions { n }.in_lang(lang))
    } else if magnitude >= 1e3 {
        (1e3, |n, lang| phrase::Thousands { n }.in_lang(lang))
    } else {
        return format_number(value.round() as i64, lang);
    };
    let tenths = (value / scale * 10.0).round() as i64;
    let number = if tenths % 10 == 0 {
        format_number(tenths / 10, lang)
    } else {
        format_decimal(tenths, 1, lang)
    };
    unit(&number, lang)
}

/// Minor units of `currency` as major units, the scale charts draw money on.
pub fn major_units(minor: i64, currency: Currency) -> f64 {
    minor as f64 / 10f64.powi(currency.minor_digits() as i32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn changes_read_as_trends_and_news() {
        let up = Change::between(120.0, 100.0);
        assert_eq!(Trend::of(&up), Trend::Up);
        assert_eq!(change_percent(&up, Lang::En).as_deref(), Some("20.0%"));
        assert_eq!(change_class(Trend::Up, Better::Lower), "kpi-change bad");
        let down = Change::between(50.0, 200.0);
        assert_eq!(Trend::of(&down), Trend::Down);
        assert_eq!(change_percent(&down, Lang::Fa).as_deref(), Some("۷۵٫۰٪"));
        assert_eq!(change_class(Trend::Down, Better::Lower), "kpi-change good");
        let from_nothing = Change::between(3.0, 0.0);
        assert_eq!(change_percent(&from_nothing, Lang::En), None);
        assert_eq!(Trend::of(&Change::between(0.3, 0.3)), Trend::Flat);
    }

    #[wasm_bindgen_test]
    fn axis_numbers_are_compact() {
        assert_eq!(compact_number(950.0, Lang::En), "950");
        assert_eq!(compact_number(12_500.0, Lang::En), "12.5K");
        assert_eq!(compact_number(3_000_000.0, Lang::En), "3M");
        assert_eq!(compact_number(12_500.0, Lang::Fa), "۱۲٫۵ هزار");
        assert_eq!(major_units(12_345, Currency::Usd), 123.45);
    }
}
