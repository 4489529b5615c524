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
