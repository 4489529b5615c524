//! The one kind of error a form shows beside a field: a rule the record breaks, or typed
//! text that cannot be read as what the field holds.

use crate::i18n::phrase;
use crate::i18n::{Locale, Msg};
use leptos::prelude::*;
use rabet_domain::{
    input::PercentError,
    locale::MoneyError,
    validate::{ValidationError, ValidationErrorKind},
};

/// Why a field was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    Rule(ValidationErrorKind),
    Amount(MoneyError),
    Percent(PercentError),
    WholeNumber,
}

/// A refused field: the record's field name as validation names it, the list item for list
/// fields, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub index: Option<usize>,
    pub reason: Reason,
}

impl From<ValidationError> for FieldError {
    fn from(error: ValidationError) -> Self {
        FieldError {
            field: error.field,
            index: error.index,
            reason: Reason::Rule(error.kind),
        }
    }
}

impl FieldError {
    pub fn new(field: &'static str, reason: Reason) -> Self {
        FieldError {
            field,
            index: None,
            reason,
        }
    }

    /// The same error on list item `index`.
    pub fn at(self, index: usize) -> Self {
        FieldError {
            index: Some(index),
            ..self
        }
    }

    /// The error in the reader's words.
    pub fn describe(&self, locale: Locale) -> String {
        let msg = match self.reason {
            Reason::Rule(kind) => {
                return locale.validation(&ValidationError {
                    field: self.field,
                    index: self.index,
                    kind,
                })
            }
            Reason::Amount(MoneyError::TooManyDecimals { max }) => {
                let max = locale.number(max as usize);
                return locale.fill(phrase::ErrAmountDecimals { max: &max });
            }
            Reason::Amount(_) => Msg::ErrAmount,
            Reason::Percent(_) => Msg::ErrOutOfRange,
            Reason::WholeNumber => Msg::ErrWholeNumber,
        };
        locale.t(msg).to_owned()
    }
}

/// The first error of `field`: of list item `index`, or of any item for `None`.
pub fn first_error(
    errors: RwSignal<Vec<FieldError>>,
    field: &'static str,
    index: Option<usize>,
) -> Signal<Option<FieldError>> {
    Signal::derive(move || {
        errors.with(|errors| {
            errors
                .iter()
                .find(|e| e.field == field && (index.is_none() || e.index == index))
                .copied()
        })
    })
}
