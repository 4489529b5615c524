//! Amounts and percentages as typed in the invoice form and shown back in it.

use rabet_domain::{
    locale::{format_decimal, parse_money, Lang},
    model::BASIS_POINTS_PER_WHOLE,
    money::{Currency, Money},
};

/// An amount as the form shows it for editing: grouped digits, no currency unit.
pub fn money_text(money: Money, lang: Lang) -> String {
    format_decimal(money.minor, money.currency.minor_digits(), lang)
}

/// A rate in basis points as "9" or "9.5" (trailing zeros dropped).
pub fn percent_text(basis_points: u32, lang: Lang) -> String {
    let text = format_decimal(basis_points.into(), 2, Lang::En);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    lang.localize_digits(text)
}

/// Reads "9", "9.5", "۹٫۵" or "9.5%" as basis points; `Ok(None)` for an empty field.
pub fn parse_percent(text: &str) -> Result<Option<u32>, ()> {
    let text = text.trim().trim_end_matches(['%', '٪']).trim();
    if text.is_empty() {
        return Ok(None);
    }
    // A percentage with two decimals counts hundredths of a percent, which is how an amount
    // with two minor digits counts cents, so the amount reader reads it exactly.
    let hundredths = parse_money(text, Currency::Usd).map_err(|_| ())?.minor;
    u32::try_from(hundredths)
        .ok()
        .filter(|bp| *bp <= BASIS_POINTS_PER_WHOLE)
        .map(Some)
        .ok_or(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn percentages_read_as_basis_points_in_either_script() {
        assert_eq!(parse_percent(""), Ok(None));
        assert_eq!(parse_percent("9"), Ok(Some(900)));
        assert_eq!(parse_percent("9.5"), Ok(Some(950)));
        assert_eq!(parse_percent("۹٫۵٪"), Ok(Some(950)));
        assert_eq!(parse_percent("100%"), Ok(Some(10_000)));
        assert_eq!(parse_percent("100.01"), Err(()));
        assert_eq!(parse_percent("9.555"), Err(()));
        assert_eq!(parse_percent("-1"), Err(()));
        assert_eq!(parse_percent("ten"), Err(()));
    }

    #[wasm_bindgen_test]
    fn percentages_show_without_trailing_zeros() {
        assert_eq!(percent_text(950, Lang::En), "9.5");
        assert_eq!(percent_text(1_000, Lang::En), "10");
        assert_eq!(percent_text(10_000, Lang::En), "100");
        assert_eq!(percent_text(950, Lang::Fa), "۹.۵");
        assert_eq!(parse_percent(&percent_text(925, Lang::Fa)), Ok(Some(925)));
    }
}
