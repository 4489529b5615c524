//! Languages, digits and number formatting shared by every view.
//!
//! Persian output follows CLDR's `fa` symbols: Persian digits, `٬` (U+066C) between thousands,
//! `٫` (U+066B) before decimals, `٪` for percent, and a minus sign preceded by a left-to-right
//! mark so that it stays on the left of the number inside right-to-left text.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::calendar::{Calendar, Weekday};
use crate::money::{Currency, Money};

/// The languages Rabet speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Fa,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fa];

    /// BCP 47 code, as used in `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fa => "fa",
        }
    }

    /// Text direction, as used in `<html dir>`.
    pub fn dir(self) -> &'static str {
        match self {
            Lang::En => "ltr",
            Lang::Fa => "rtl",
        }
    }

    /// Picks the language for a browser language tag such as `fa-IR` or `en-US`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "fa" | "per" | "fas" => Some(Lang::Fa),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The calendar dates are shown in unless the user picks another: Iranians live by the
    /// Jalali calendar.
    pub fn default_calendar(self) -> Calendar {
        match self {
            Lang::En => Calendar::Gregorian,
            Lang::Fa => Calendar::Jalali,
        }
    }

    /// The first day of the week in month views and weekly reports: Saturday in Iran, Monday
    /// (ISO 8601) otherwise.
    pub fn first_weekday(self) -> Weekday {
        match self {
            Lang::En => Weekday::Monday,
            Lang::Fa => Weekday::Saturday,
        }
    }

    /// Rewrites the ASCII digits of `text` in this language's digits.
    pub fn localize_digits(self, text: &str) -> String {
        match self {
            Lang::En => text.to_owned(),
            Lang::Fa => to_persian_digits(text),
        }
    }

    fn number_symbols(self) -> NumberSymbols {
        match self {
            Lang::En => NumberSymbols {
                group: ',',
                decimal: '.',
                minus: "-",
                percent: '%',
            },
            Lang::Fa => NumberSymbols {
                group: '\u{066C}',
                decimal: '\u{066B}',
                minus: "\u{200E}\u{2212}",
                percent: '\u{066A}',
            },
        }
    }
}

/// The characters a language writes numbers with (besides its digits).
struct NumberSymbols {
    group: char,
    decimal: char,
    minus: &'static str,
    percent: char,
}

const PERSIAN_DIGITS: [char; 10] = ['۰', '۱', '۲', '۳', '۴', '۵', '۶', '۷', '۸', '۹'];

/// The value of an ASCII, Persian (U+06F0..) or Arabic-Indic (U+0660..) digit.
pub fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '\u{06F0}'..='\u{06F9}' => Some(c as u32 - 0x06F0),
        '\u{0660}'..='\u{0669}' => Some(c as u32 - 0x0660),
        _ => None,
    }
}

/// Maps Persian (U+06F0..) and Arabic-Indic (U+0660..) digits to ASCII; other chars pass through.
pub fn to_ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match digit_value(c) {
            Some(value) => char::from(b'0' + value as u8),
            None => c,
        })
        .collect()
}

/// Maps ASCII digits to Persian digits; other chars pass through.
pub fn to_persian_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => PERSIAN_DIGITS[(c as u8 - b'0') as usize],
            _ => c,
        })
        .collect()
}

/// An integer with thousands grouping: "1,234,567" or "۱٬۲۳۴٬۵۶۷".
pub fn format_number(n: i64, lang: Lang) -> String {
    format_decimal(n, 0, lang)
}

/// A fixed-point number stored as an integer count of `10^-digits`: `format_decimal(123450, 2,
/// En)` is "1,234.50" and in Persian "۱٬۲۳۴٫۵۰".
pub fn format_decimal(minor: i64, digits: u32, lang: Lang) -> String {
    let mut out = String::new();
    if minor < 0 {
        out.push_str(lang.number_symbols().minus);
    }
    out.push_str(&format_magnitude(minor.unsigned_abs(), digits, lang));
    out
}

/// A ratio as a percentage with one decimal: 0.125 is "12.5%" or "۱۲٫۵٪". A ratio that is not
/// a number (such as 0/0, a conversion rate with no deals) shows as "—" rather than a made-up
/// figure.
pub fn format_percent(ratio: f64, lang: Lang) -> String {
    if !ratio.is_finite() {
        return "—".to_owned();
    }
    // `as` saturates, so absurdly large ratios cannot wrap around.
    let tenths_of_percent = (ratio * 1000.0).round() as i64;
    let mut out = format_decimal(tenths_of_percent, 1, lang);
    out.push(lang.number_symbols().percent);
    out
}

/// Digits of `magnitude / 10^digits` with grouping, decimal separator and the language's digits.
fn format_magnitude(magnitude: u64, digits: u32, lang: Lang) -> String {
    let symbols = lang.number_symbols();
    let digits = digits as usize;
    // Pad so at least one digit stands before the decimal point: 5 cents is "0.05".
    let padded = format!("{magnitude:0>width$}", width = digits + 1);
    let (whole, fraction) = padded.split_at(padded.len() - digits);
    let mut out = String::with_capacity(padded.len() * 2);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(symbols.group);
        }
        out.push(digit);
    }
    if !fraction.is_empty() {
        out.push(symbols.decimal);
        out.push_str(fraction);
    }
    lang.localize_digits(&out)
}

/// Where a currency's sign or unit goes around an amount.
enum Affix {
    Before(&'static str),
    After(&'static str),
}

impl Currency {
    /// Every currency, in the order pickers list them (the Iranian ones first).
    pub const ALL: [Currency; 4] = [Currency::Toman, Currency::Irr, Currency::Usd, Currency::Eur];

    /// The currency's name for pickers and column headers.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Currency::Toman, Lang::En) => "Toman",
            (Currency::Irr, Lang::En) => "Iranian rial",
            (Currency::Usd, Lang::En) => "US dollar",
            (Currency::Eur, Lang::En) => "Euro",
            (Currency::Toman, Lang::Fa) => "تومان",
            (Currency::Irr, Lang::Fa) => "ریال",
            (Currency::Usd, Lang::Fa) => "دلار",
            (Currency::Eur, Lang::Fa) => "یورو",
        }
    }

    /// English writes dollars and euros with a leading symbol, and rials with the ISO code
    /// because "Rls" is unfamiliar; Persian writes the unit's name after the amount.
    fn affix(self, lang: Lang) -> Affix {
        match (self, lang) {
            (Currency::Usd, Lang::En) => Affix::Before("$"),
            (Currency::Eur, Lang::En) => Affix::Before("€"),
            (Currency::Irr, Lang::En) => Affix::After("IRR"),
            (Currency::Toman, Lang::En) | (_, Lang::Fa) => Affix::After(self.label(lang)),
        }
    }
}

/// An amount with its currency: "$1,234.50", "12,000 Toman", "۱۲٬۰۰۰ تومان".
pub fn format_money(money: Money, lang: Lang) -> String {
    let amount = format_magnitude(
        money.minor.unsigned_abs(),
        money.currency.minor_digits(),
        lang,
    );
    let sign = if money.minor < 0 {
        lang.number_symbols().minus
    } else {
        ""
    };
    match money.currency.affix(lang) {
        Affix::Before(symbol) => format!("{sign}{symbol}{amount}"),
        Affix::After(unit) => format!("{sign}{amount} {unit}"),
    }
}

/// Why typed text is not an amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
pub enum MoneyError {
    #[error("no amount was entered")]
    Empty,
    #[error("not an amount: use digits, an optional minus sign and decimal point")]
    Malformed,
    #[error("too many digits after the decimal point (at most {max})")]
    TooManyDecimals { max: u32 },
    #[error("the amount is too large")]
    Overflow,
}

/// Parses an amount typed or pasted by a user, in `currency`.
///
/// Accepts ASCII, Persian and Arabic-Indic digits; `,`, `٬` and spaces between groups of three
/// digits; `.` or `٫` before at most the currency's minor digits; a leading `-` or `−`; and the
/// currency's own symbol or unit as [`format_money`] writes it in either language, so formatted
/// amounts parse back. Groups must be three digits so that a decimal comma ("1,50") is an error
/// rather than silently a hundred times too much.
pub fn parse_money(input: &str, currency: Currency) -> Result<Money, MoneyError> {
    // Bidi marks are invisible and come along when copying right-to-left text.
    let cleaned: String = input
        .chars()
        .filter(|c| !matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}'))
        .collect();
    let text = cleaned.trim();
    if text.is_empty() {
        return Err(MoneyError::Empty);
    }
    let (negative, text) = match text.strip_prefix(['-', '\u{2212}']) {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let number = strip_currency_affixes(text, currency);
    let magnitude = parse_magnitude(number, currency.minor_digits())?;
    let minor = if negative {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    };
    minor
        .map(|minor| Money::new(minor, currency))
        .ok_or(MoneyError::Overflow)
}

fn strip_currency_affixes(text: &str, currency: Currency) -> &str {
    Lang::ALL
        .into_iter()
        .fold(text, |text, lang| match currency.affix(lang) {
            Affix::Before(symbol) => text.strip_prefix(symbol).unwrap_or(text).trim_start(),
            Affix::After(unit) => text.strip_suffix(unit).unwrap_or(text).trim_end(),
        })
}

/// Parses unsigned digits with optional grouping and decimals into minor units.
fn parse_magnitude(number: &str, minor_digits: u32) -> Result<u64, MoneyError> {
    let (whole, fraction) = match number.split_once(['.', '\u{066B}']) {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (number, None),
    };
    let mut groups = whole.split([',', '\u{066C}', ' ', '\u{00A0}', '\u{202F}']);
    let first_group = groups.next().unwrap_or_default();
    let grouped = whole.len() != first_group.len();
    if grouped && first_group.chars().count() > 3 {
        return Err(MoneyError::Malformed);
    }
    let mut value = push_digits(0, first_group)?;
    for group in groups {
        if group.chars().count() != 3 {
            return Err(MoneyError::Malformed);
        }
        value = push_digits(value, group)?;
    }
    let fraction_len = match fraction {
        None => 0,
        Some(fraction) => {
            value = push_digits(value, fraction)?;
            fraction.chars().count() as u32
        }
    };
    if fraction_len > minor_digits {
        return Err(MoneyError::TooManyDecimals { max: minor_digits });
    }
    value
        .checked_mul(10u64.pow(minor_digits - fraction_len))
        .ok_or(MoneyError::Overflow)
}

/// Appends a non-empty run of digits to `value`.
fn push_digits(value: u64, digits: &str) -> Result<u64, MoneyError> {
    if digits.is_empty() {
        return Err(MoneyError::Malformed);
    }
    digits.chars().try_fold(value, |value, c| {
        let digit = digit_value(c).ok_or(MoneyError::Malformed)?;
        value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(digit)))
            .ok_or(MoneyError::Overflow)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const FA_MINUS: &str = "\u{200E}\u{2212}";

    #[test]
    fn digits_map_both_ways() {
        assert_eq!(to_ascii_digits("۰۹۱۲-٣٤٥"), "0912-345");
        assert_eq!(to_persian_digits("0912-345"), "۰۹۱۲-۳۴۵");
        assert_eq!(digit_value('۷'), Some(7));
        assert_eq!(digit_value('٧'), Some(7));
        assert_eq!(digit_value('x'), None);
    }

    #[test]
    fn browser_tags_pick_a_language() {
        assert_eq!(Lang::from_tag("fa-IR"), Some(Lang::Fa));
        assert_eq!(Lang::from_tag("en_GB"), Some(Lang::En));
        assert_eq!(Lang::from_tag("de"), None);
    }

    #[test]
    fn each_language_has_its_calendar_and_week() {
        assert_eq!(Lang::Fa.default_calendar(), Calendar::Jalali);
        assert_eq!(Lang::En.default_calendar(), Calendar::Gregorian);
        assert_eq!(Lang::Fa.first_weekday(), Weekday::Saturday);
        assert_eq!(Lang::En.first_weekday(), Weekday::Monday);
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(format_number(0, Lang::En), "0");
        assert_eq!(format_number(999, Lang::En), "999");
        assert_eq!(format_number(1000, Lang::En), "1,000");
        assert_eq!(format_number(1_234_567, Lang::En), "1,234,567");
        assert_eq!(format_number(-1_234_567, Lang::En), "-1,234,567");
        assert_eq!(
            format_number(i64::MIN, Lang::En),
            "-9,223,372,036,854,775,808"
        );
        assert_eq!(format_number(1_234_567, Lang::Fa), "۱٬۲۳۴٬۵۶۷");
        assert_eq!(format_number(-1234, Lang::Fa), format!("{FA_MINUS}۱٬۲۳۴"));
    }

    #[test]
    fn decimals_keep_their_fixed_digits() {
        assert_eq!(format_decimal(123_450, 2, Lang::En), "1,234.50");
        assert_eq!(format_decimal(5, 2, Lang::En), "0.05");
        assert_eq!(format_decimal(-5, 2, Lang::En), "-0.05");
        assert_eq!(format_decimal(7, 0, Lang::En), "7");
        assert_eq!(format_decimal(123_450, 2, Lang::Fa), "۱٬۲۳۴٫۵۰");
    }

    #[test]
    fn percentages_have_one_decimal() {
        assert_eq!(format_percent(0.125, Lang::En), "12.5%");
        assert_eq!(format_percent(0.0, Lang::En), "0.0%");
        assert_eq!(format_percent(1.0, Lang::En), "100.0%");
        assert_eq!(format_percent(-0.034, Lang::En), "-3.4%");
        assert_eq!(format_percent(0.12345, Lang::En), "12.3%");
        assert_eq!(format_percent(-0.0001, Lang::En), "0.0%");
        assert_eq!(format_percent(0.125, Lang::Fa), "۱۲٫۵٪");
        assert_eq!(format_percent(f64::NAN, Lang::Fa), "—");
    }

    #[test]
    fn money_is_written_as_each_language_expects() {
        let money = |minor, currency| Money::new(minor, currency);
        let en = |m| format_money(m, Lang::En);
        let fa = |m| format_money(m, Lang::Fa);
        assert_eq!(en(money(123_450, Currency::Usd)), "$1,234.50");
        assert_eq!(en(money(123_450, Currency::Eur)), "€1,234.50");
        assert_eq!(en(money(-500, Currency::Usd)), "-$5.00");
        assert_eq!(en(money(12_000, Currency::Toman)), "12,000 Toman");
        assert_eq!(en(money(12_000, Currency::Irr)), "12,000 IRR");
        assert_eq!(fa(money(12_000, Currency::Toman)), "۱۲٬۰۰۰ تومان");
        assert_eq!(fa(money(12_000, Currency::Irr)), "۱۲٬۰۰۰ ریال");
        assert_eq!(fa(money(123_450, Currency::Usd)), "۱٬۲۳۴٫۵۰ دلار");
        assert_eq!(
            fa(money(-12_000, Currency::Toman)),
            format!("{FA_MINUS}۱۲٬۰۰۰ تومان")
        );
    }

    #[test]
    fn currencies_have_distinct_labels() {
        for lang in Lang::ALL {
            let mut labels: Vec<_> = Currency::ALL.iter().map(|c| c.label(lang)).collect();
            labels.sort_unstable();
            labels.dedup();
            assert_eq!(labels.len(), Currency::ALL.len());
        }
        assert_eq!(Currency::Toman.label(Lang::Fa), "تومان");
    }

    #[test]
    fn parses_typed_amounts() {
        let usd = |text| parse_money(text, Currency::Usd).map(|m| m.minor);
        let toman = |text| parse_money(text, Currency::Toman).map(|m| m.minor);
        assert_eq!(usd("1234.5"), Ok(123_450));
        assert_eq!(usd("1,234.50"), Ok(123_450));
        assert_eq!(usd("۱٬۲۳۴٫۵"), Ok(123_450));
        assert_eq!(usd("$1,234.50"), Ok(123_450));
        assert_eq!(usd("-$5"), Ok(-500));
        assert_eq!(usd("\u{2212}0.05"), Ok(-5));
        assert_eq!(usd(".5"), Err(MoneyError::Malformed));
        assert_eq!(toman("١٢٣"), Ok(123));
        assert_eq!(toman("12 000"), Ok(12_000));
        assert_eq!(toman(" 12,000 Toman "), Ok(12_000));
        assert_eq!(toman("۱۲٬۰۰۰ تومان"), Ok(12_000));
    }

    #[test]
    fn amount_errors_are_typed() {
        let usd = |text| parse_money(text, Currency::Usd);
        assert_eq!(usd(""), Err(MoneyError::Empty));
        assert_eq!(usd(" \u{200F} "), Err(MoneyError::Empty));
        for text in [
            "abc", "-", "$", "1.2.3", "1,50", "12,0000", ",123", "1.", "$-5", "1e5",
        ] {
            assert_eq!(usd(text), Err(MoneyError::Malformed), "{text}");
        }
        assert_eq!(usd("1.234"), Err(MoneyError::TooManyDecimals { max: 2 }));
        assert_eq!(
            parse_money("12.5", Currency::Toman),
            Err(MoneyError::TooManyDecimals { max: 0 })
        );
        assert_eq!(usd("99999999999999999999"), Err(MoneyError::Overflow));
        assert_eq!(usd("92233720368547758.08"), Err(MoneyError::Overflow));
        assert_eq!(usd("-92233720368547758.08").map(|m| m.minor), Ok(i64::MIN));
    }

    fn any_currency() -> impl Strategy<Value = Currency> {
        proptest::sample::select(Currency::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn formatted_money_parses_back(minor in any::<i64>(), currency in any_currency()) {
            let money = Money::new(minor, currency);
            for lang in Lang::ALL {
                let text = format_money(money, lang);
                prop_assert_eq!(parse_money(&text, currency), Ok(money), "{}", text);
            }
        }
    }
}
