//! Segment criteria on custom fields (issue 17): a test of one field's value with the
//! operators its type allows — text contains or equals, number and money compared, a date
//! before, after or within days, a choice that is or is not an option, a checkbox ticked or
//! not. The segment builder and automation's criteria share them through `SegmentFilter`.
//!
//! A criterion keeps the field's type beside its id, so every replica — the sync server's
//! automation too, which holds no definitions — reads the value the same way. A value the
//! criterion cannot read as that type (the field's type changed since) holds nothing.

use super::{field_name_of, CustomValue, CustomValues, FieldType};
use crate::calendar::Day;
use crate::id::Id;
use crate::search::normalize;
use serde::{Deserialize, Serialize};

/// One criterion on a custom field of contacts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomCriterion {
    /// The field's definition.
    pub field: Id,
    pub field_type: FieldType,
    pub test: CustomTest,
}

/// What a criterion asks of a value. Numbers are in ten-thousandths and money in minor
/// units, as stored; a choice is an option's id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", content = "value", rename_all = "snake_case")]
pub enum CustomTest {
    /// The text holds this, compared folded (letter case, Persian and Arabic forms).
    Contains(String),
    /// The text is this, compared folded.
    Equals(String),
    AtLeast(i64),
    AtMost(i64),
    Exactly(i64),
    /// Strictly before the day.
    Before(Day),
    /// Strictly after the day.
    After(Day),
    /// From one day to another, both included.
    Within {
        from: Day,
        to: Day,
    },
    /// The choice is the option, or the multiple choice holds it.
    Is(String),
    /// The choice is not the option (an empty field is not it either).
    IsNot(String),
    /// The checkbox is ticked (`true`) or not (`false`, an empty field too).
    Checked(bool),
}

/// The operators, as a form offers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TestKind {
    Contains,
    Equals,
    AtLeast,
    AtMost,
    Exactly,
    Before,
    After,
    Within,
    Is,
    IsNot,
    Checked,
}

impl TestKind {
    /// The operators a field of `field_type` allows, the first the usual one.
    pub fn allowed(field_type: FieldType) -> &'static [TestKind] {
        use TestKind::*;
        match field_type {
            FieldType::Text
            | FieldType::LongText
            | FieldType::Url
            | FieldType::Phone
            | FieldType::Email => &[Contains, Equals],
            FieldType::Number | FieldType::Money => &[AtLeast, AtMost, Exactly],
            FieldType::Date => &[Before, After, Within],
            FieldType::Choice | FieldType::Choices => &[Is, IsNot],
            FieldType::Checkbox => &[Checked],
        }
    }
}

impl CustomTest {
    pub fn kind(&self) -> TestKind {
        match self {
            CustomTest::Contains(_) => TestKind::Contains,
            CustomTest::Equals(_) => TestKind::Equals,
            CustomTest::AtLeast(_) => TestKind::AtLeast,
            CustomTest::AtMost(_) => TestKind::AtMost,
            CustomTest::Exactly(_) => TestKind::Exactly,
            CustomTest::Before(_) => TestKind::Before,
            CustomTest::After(_) => TestKind::After,
            CustomTest::Within { .. } => TestKind::Within,
            CustomTest::Is(_) => TestKind::Is,
            CustomTest::IsNot(_) => TestKind::IsNot,
            CustomTest::Checked(_) => TestKind::Checked,
        }
    }
}

impl CustomCriterion {
    /// Whether the test is one the field's type allows.
    pub fn is_valid(&self) -> bool {
        TestKind::allowed(self.field_type).contains(&self.test.kind())
    }

    /// Whether `values` (a contact's) pass. A criterion its type does not allow passes
    /// nothing.
    pub fn holds(&self, values: &CustomValues) -> bool {
        if !self.is_valid() {
            return false;
        }
        let value = values.get_named(&field_name_of(&self.field), self.field_type);
        let holds_option = |wanted: &str| match &value {
            Some(CustomValue::Choice(id)) => id == wanted,
            Some(CustomValue::Choices(ids)) => ids.iter().any(|id| id == wanted),
            _ => false,
        };
        let amount = match &value {
            Some(CustomValue::Number(n) | CustomValue::Money(n)) => Some(*n),
            _ => None,
        };
        let day = match &value {
            Some(CustomValue::Date(day)) => Some(*day),
            _ => None,
        };
        let text = match &value {
            Some(CustomValue::Text(text)) => Some(normalize(text)),
            _ => None,
        };
        match &self.test {
            CustomTest::Contains(part) => text.is_some_and(|t| t.contains(&normalize(part))),
            CustomTest::Equals(whole) => text.is_some_and(|t| t == normalize(whole)),
            CustomTest::AtLeast(min) => amount.is_some_and(|n| n >= *min),
            CustomTest::AtMost(max) => amount.is_some_and(|n| n <= *max),
            CustomTest::Exactly(wanted) => amount == Some(*wanted),
            CustomTest::Before(limit) => day.is_some_and(|d| d < *limit),
            CustomTest::After(limit) => day.is_some_and(|d| d > *limit),
            CustomTest::Within { from, to } => day.is_some_and(|d| *from <= d && d <= *to),
            CustomTest::Is(option) => holds_option(option),
            CustomTest::IsNot(option) => !holds_option(option),
            CustomTest::Checked(ticked) => {
                matches!(value, Some(CustomValue::Checkbox(true))) == *ticked
            }
        }
    }
}
