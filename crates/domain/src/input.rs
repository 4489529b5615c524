//! What users type into forms, read exactly: amounts in minor units, percentages in basis
//! points, whole numbers and tags. Each reader has a writer that shows a stored value for
//! editing so that it reads back unchanged. No floats: a typed "9.95" is 995, never 994.99….

use crate::{
    locale::{format_decimal, parse_money, to_ascii_digits, Lang, MoneyError},
    model::BASIS_POINTS_PER_WHOLE,
    money::{Currency, Money},
};
use thiserror::Error;

/// An amount as typed; `Ok(None)` for an empty field. Digits and separators in any script the
/// amount reader accepts (see [`parse_money`]).
pub fn parse_amount(text: &str, currency: Currency) -> Result<Option<Money>, MoneyError> {
    match parse_money(text, currency) {
        Ok(money) => Ok(Some(money)),
        Err(MoneyError::Empty) => Ok(None),
        Err(error) => Err(error),
    }
}

/// An amount as a form shows it for editing: grouped, in the reader's digits, without the
/// currency's unit, so that [`parse_amount`] reads it back.
pub fn amount_input_text(money: Money, lang: Lang) -> String {
    format_decimal(money.minor, money.currency.minor_digits(), lang)
}

/// Why typed text is not a percentage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
#[error("not a percentage from 0 to 100 with at most two decimals")]
pub struct PercentError;

/// Percent signs in either script, which a typed percentage may end with.
const PERCENT_SIGNS: [char; 2] = ['%', '\u{066A}'];

/// Reads "9", "9.5", "۹٫۵" or "9.5%" as basis points (hundredths of a percent), from 0 to
/// 100%; `Ok(None)` for an empty field.
pub fn parse_percent(text: &str) -> Result<Option<u32>, PercentError> {
    let text = text.trim().trim_end_matches(PERCENT_SIGNS).trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.contains(|c: char| !c.is_numeric() && !matches!(c, '.' | '\u{066B}' | ',' | '\u{066C}'))
    {
        return Err(PercentError);
    }
    // Hundredths of a percent count the way cents count in an amount with two minor digits,
    // so the amount reader reads them exactly, in every script it knows.
    let hundredths = parse_money(text, Currency::Usd)
        .map_err(|_| PercentError)?
        .minor;
    u32::try_from(hundredths)
        .ok()
        .filter(|basis_points| *basis_points <= BASIS_POINTS_PER_WHOLE)
        .map(Some)
        .ok_or(PercentError)
}

/// Basis points as a form shows them for editing: "9" or "9.5", trailing zeros dropped, in the
/// reader's digits; [`parse_percent`] reads it back.
pub fn percent_input_text(basis_points: u32, lang: Lang) -> String {
    let text = format_decimal(basis_points.into(), 2, Lang::En);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    lang.localize_digits(text)
}

/// A whole number such as a quantity, in any script's digits; `None` when it is not one.
pub fn parse_whole_number(text: &str) -> Option<u32> {
    to_ascii_digits(text.trim()).parse().ok()
}

/// What separates typed tags: Latin and Persian commas, semicolons and line breaks.
const TAG_SEPARATORS: [char; 4] = [',', '،', ';', '\n'];

/// Splits "vip, عمده‌فروش؛ wholesale" style text into tags: trimmed, blanks dropped, and a tag
/// that repeats an earlier one but for letter case dropped too (the first spelling stays).
pub fn parse_tags(text: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in text.split(TAG_SEPARATORS).map(str::trim) {
        let repeated = tags
            .iter()
            .any(|kept| kept.to_lowercase() == tag.to_lowercase());
        if !tag.is_empty() && !repeated {
            tags.push(tag.to_owned());
        }
    }
    tags
}

/// Tags as a form shows them for editing; [`parse_tags`] reads them back.
pub fn tags_input_text(tags: &[String]) -> String {
    tags.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn empty_fields_are_no_value_rather_than_errors() {
        assert_eq!(parse_amount("  ", Currency::Irr), Ok(None));
        assert_eq!(parse_percent(" % "), Ok(None));
        assert!(parse_tags(" , ;\n ").is_empty());
    }

    #[test]
    fn amounts_read_in_either_script() {
        let toman = |minor| Ok(Some(Money::new(minor, Currency::Toman)));
        assert_eq!(parse_amount("۱۲٬۵۰۰", Currency::Toman), toman(12_500));
        assert_eq!(parse_amount("12,500", Currency::Toman), toman(12_500));
        let dollars = parse_amount("9.95", Currency::Usd);
        assert_eq!(dollars, Ok(Some(Money::new(995, Currency::Usd))));
        assert_eq!(
            parse_amount("1,50", Currency::Usd),
            Err(MoneyError::Malformed)
        );
    }

    #[test]
    fn percentages_read_as_basis_points_in_either_script() {
        assert_eq!(parse_percent("9"), Ok(Some(900)));
        assert_eq!(parse_percent("9.5"), Ok(Some(950)));
        assert_eq!(parse_percent("۹٫۵٪"), Ok(Some(950)));
        assert_eq!(parse_percent("١٢٫٢٥ %"), Ok(Some(1_225)));
        assert_eq!(parse_percent("100%"), Ok(Some(10_000)));
        assert_eq!(parse_percent("0"), Ok(Some(0)));
        for refused in ["100.01", "9.555", "-1", "ten", "$9", "9 Toman"] {
            assert_eq!(parse_percent(refused), Err(PercentError), "{refused}");
        }
    }

    #[test]
    fn percentages_show_without_trailing_zeros() {
        assert_eq!(percent_input_text(950, Lang::En), "9.5");
        assert_eq!(percent_input_text(1_000, Lang::En), "10");
        assert_eq!(percent_input_text(10_000, Lang::En), "100");
        assert_eq!(percent_input_text(0, Lang::En), "0");
        assert_eq!(percent_input_text(950, Lang::Fa), "۹.۵");
    }

    #[test]
    fn whole_numbers_read_in_either_script() {
        assert_eq!(parse_whole_number(" ۱۲ "), Some(12));
        assert_eq!(parse_whole_number("3"), Some(3));
        assert_eq!(parse_whole_number("1.5"), None);
        assert_eq!(parse_whole_number("-1"), None);
        assert_eq!(parse_whole_number(""), None);
    }

    #[test]
    fn tags_split_on_every_separator_and_drop_repeats_whatever_their_case() {
        assert_eq!(
            parse_tags(" vip, عمده‌فروش ،wholesale;; VIP\nnew,, "),
            ["vip", "عمده‌فروش", "wholesale", "new"]
        );
    }

    proptest! {
        #[test]
        fn amounts_read_back_as_shown(minor in any::<i64>(), fa in any::<bool>()) {
            let lang = if fa { Lang::Fa } else { Lang::En };
            for currency in Currency::ALL {
                let money = Money::new(minor, currency);
                let shown = amount_input_text(money, lang);
                prop_assert_eq!(parse_amount(&shown, currency), Ok(Some(money)));
            }
        }

        #[test]
        fn percentages_read_back_as_shown(basis_points in 0..=BASIS_POINTS_PER_WHOLE, fa in any::<bool>()) {
            let lang = if fa { Lang::Fa } else { Lang::En };
            let shown = percent_input_text(basis_points, lang);
            prop_assert_eq!(parse_percent(&shown), Ok(Some(basis_points)));
        }

        #[test]
        fn tags_read_back_as_shown(text in "[a-zA-Z ,;،\n]{0,40}") {
            let tags = parse_tags(&text);
            prop_assert_eq!(parse_tags(&tags_input_text(&tags)), tags);
        }
    }
}
