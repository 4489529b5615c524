//! Money: integer minor units with a currency, never floats; totals kept per currency (the
//! workspace has no exchange rates, so amounts in different currencies are never added); and
//! the integer arithmetic every money figure shares: rounding half away from zero and
//! saturating instead of overflowing.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Currency {
    /// Iranian rial.
    #[serde(rename = "IRR")]
    Irr,
    /// Toman: ten rials, the unit Iranians price things in day to day.
    #[serde(rename = "IRT")]
    Toman,
    #[serde(rename = "USD")]
    Usd,
    #[serde(rename = "EUR")]
    Eur,
}

impl Currency {
    /// The stored code, as in serde: ISO 4217, and "IRT" for Toman, which has none.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Irr => "IRR",
            Currency::Toman => "IRT",
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
        }
    }

    /// Digits after the decimal point in the currency's minor unit.
    pub fn minor_digits(self) -> u32 {
        match self {
            Currency::Irr | Currency::Toman => 0,
            Currency::Usd | Currency::Eur => 2,
        }
    }
}

/// An amount in the currency's minor unit (cents for USD; whole rials for IRR).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }
}

/// Amounts per currency, in minor units. Currencies nothing was added in are absent; [`get`]
/// reads them as 0.
///
/// A slot per currency rather than a map: the KPIs add up hundreds of thousands of order lines
/// into these, and a map would allocate for each total.
///
/// [`get`]: MoneyTotals::get
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MoneyTotals(PerCurrency<i64>);

impl MoneyTotals {
    /// The amount in `currency` (0 when nothing is in it).
    pub fn get(&self, currency: Currency) -> i64 {
        self.0.get(currency).unwrap_or(0)
    }

    /// Whether nothing was added (an empty column).
    pub fn is_empty(&self) -> bool {
        self.0.iter().next().is_none()
    }

    /// Every amount, in [`Currency`]'s declaration order.
    pub fn iter(&self) -> impl Iterator<Item = Money> + '_ {
        self.0
            .iter()
            .map(|(currency, minor)| Money::new(minor, currency))
    }

    /// The amounts in every currency but `workspace`, in declaration order: what a figure in
    /// the workspace currency leaves out, for the page to show beside it.
    pub fn others(&self, workspace: Currency) -> Vec<Money> {
        self.iter()
            .filter(|money| money.currency != workspace)
            .collect()
    }

    /// The amounts to show: the workspace currency first, then the others in declaration
    /// order. The workspace currency is listed (as 0) even when nothing is in it, so a column
    /// header always has a figure.
    pub fn display(&self, workspace: Currency) -> Vec<Money> {
        let mut out = vec![Money::new(self.get(workspace), workspace)];
        out.extend(self.others(workspace));
        out
    }

    /// Adds an amount to its currency's total, saturating instead of overflowing.
    pub fn add(&mut self, money: Money) {
        let total = self.0.entry(money.currency);
        *total = total.saturating_add(money.minor);
    }

    /// Exact sums narrowed to minor units, saturating.
    pub(crate) fn saturated(sums: &PerCurrency<i128>) -> MoneyTotals {
        MoneyTotals(sums.map(saturate))
    }
}

/// A value per currency, present once something was added in that currency.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct PerCurrency<T>([Option<T>; DECLARED.len()]);

/// Every currency in declaration order: a currency's slot is its place here.
const DECLARED: [Currency; 4] = [Currency::Irr, Currency::Toman, Currency::Usd, Currency::Eur];

impl<T: Copy + Default> PerCurrency<T> {
    fn get(&self, currency: Currency) -> Option<T> {
        self.0[currency as usize]
    }

    pub(crate) fn entry(&mut self, currency: Currency) -> &mut T {
        self.0[currency as usize].get_or_insert_with(T::default)
    }

    /// The present values, in declaration order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (Currency, T)> + '_ {
        DECLARED
            .iter()
            .zip(&self.0)
            .filter_map(|(currency, value)| Some((*currency, (*value)?)))
    }

    pub(crate) fn map<U>(&self, f: impl Fn(T) -> U) -> PerCurrency<U> {
        PerCurrency(self.0.map(|value| value.map(&f)))
    }
}

/// `numerator / denominator` (denominator > 0), rounded half away from zero: the one rounding
/// of every money figure (averages, weighted amounts, tax and discounts).
pub fn div_round_half_away(numerator: i128, denominator: i128) -> i128 {
    let (quotient, remainder) = (numerator / denominator, numerator % denominator);
    if remainder.abs() * 2 >= denominator {
        quotient + numerator.signum()
    } else {
        quotient
    }
}

/// `total / count` rounded half away from zero, in minor units; `None` when `count` is 0.
pub fn average(total: i128, count: u32) -> Option<i64> {
    (count > 0).then(|| saturate(div_round_half_away(total, i128::from(count))))
}

/// Clamps a wide intermediate result into `i64` instead of wrapping on absurd inputs.
pub fn saturate(value: i128) -> i64 {
    // The clamp makes the cast lossless.
    value.clamp(i64::MIN.into(), i64::MAX.into()) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_the_stored_form() {
        for currency in [Currency::Irr, Currency::Toman, Currency::Usd, Currency::Eur] {
            let json = serde_json::to_string(&currency).unwrap();
            assert_eq!(json, format!("\"{}\"", currency.code()));
        }
    }

    #[test]
    fn every_currency_has_its_own_slot_in_declaration_order() {
        for currency in Currency::ALL {
            assert_eq!(DECLARED[currency as usize], currency);
        }
        let mut totals = MoneyTotals::default();
        assert!(totals.is_empty());
        totals.add(Money::new(5, Currency::Eur));
        totals.add(Money::new(0, Currency::Irr));
        totals.add(Money::new(7, Currency::Eur));
        assert_eq!(
            totals.iter().collect::<Vec<_>>(),
            [Money::new(0, Currency::Irr), Money::new(12, Currency::Eur)],
            "a currency added as 0 is still listed"
        );
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(div_round_half_away(5, 2), 3);
        assert_eq!(div_round_half_away(-5, 2), -3);
        assert_eq!(div_round_half_away(4, 3), 1);
        assert_eq!(div_round_half_away(-4, 3), -1);
        assert_eq!(average(4_000_001, 3), Some(1_333_334));
        assert_eq!(average(7, 0), None);
        assert_eq!(saturate(i128::MAX), i64::MAX);
        assert_eq!(saturate(i128::MIN), i64::MIN);
    }
}
