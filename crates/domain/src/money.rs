//! Money: integer minor units with a currency, never floats.

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
}
