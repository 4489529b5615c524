//! Custom fields: fields a workspace's admins add to contacts, companies, deals and tickets.
//!
//! A [`FieldDefinition`] says what a field holds. A record keeps each value as a top-level
//! field of its own, named by [`FieldDefinition::field_name`] (`cf_<definition id>`), so sync
//! merges custom values field by field like every other field: two devices that edit different
//! custom fields of one contact both keep their edit. A value is stored as JSON of its type's
//! one form ([`CustomValue::to_json`]); typed text — from a form or a CSV cell — is read by
//! [`FieldDefinition::parse`], exactly (no floats), in the workspace's calendar and currency.
//!
//! Definitions are a synced kind of their own ([`crate::model::FieldDefinition`], admin-only
//! on the sync server); contacts, companies, deals and tickets keep their values in
//! [`CustomValues`].

mod columns;
mod criterion;

pub use crate::model::FieldDefinition;
use crate::sorting::sort_by;
use crate::{
    calendar::{format_day, parse_day, Calendar, Day},
    input::parse_amount,
    locale::{format_decimal, to_ascii_digits, Lang},
    money::Currency,
    search::{normalize, search_text},
    validate::{is_valid_email, normalize_email, normalize_phone},
};
pub use columns::ListColumns;
pub use criterion::{CustomCriterion, CustomTest, TestKind};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use thiserror::Error;

/// What a custom field holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    #[default]
    Text,
    LongText,
    /// A decimal number with up to [`NUMBER_DECIMALS`] decimals.
    Number,
    /// An amount in the workspace currency.
    Money,
    /// A day, typed and shown in the workspace calendar.
    Date,
    Choice,
    Choices,
    Checkbox,
    Url,
    Phone,
    Email,
}

impl FieldType {
    pub const ALL: [FieldType; 11] = [
        FieldType::Text,
        FieldType::LongText,
        FieldType::Number,
        FieldType::Money,
        FieldType::Date,
        FieldType::Choice,
        FieldType::Choices,
        FieldType::Checkbox,
        FieldType::Url,
        FieldType::Phone,
        FieldType::Email,
    ];

    /// Whether search looks in its values (the kinds that hold words a person would type).
    pub fn is_searched(self) -> bool {
        matches!(
            self,
            FieldType::Text
                | FieldType::LongText
                | FieldType::Url
                | FieldType::Phone
                | FieldType::Email
        )
    }
}

/// The kinds of record that carry custom fields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldOwner {
    #[default]
    Contact,
    Company,
    Deal,
    Ticket,
}

impl FieldOwner {
    pub const ALL: [FieldOwner; 4] = [
        FieldOwner::Contact,
        FieldOwner::Company,
        FieldOwner::Deal,
        FieldOwner::Ticket,
    ];
}

/// One option of a choice field. Values store the option's id, so renaming it renames it
/// everywhere.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChoiceOption {
    pub id: String,
    pub label_en: String,
    pub label_fa: String,
}

/// What every custom value's field name starts with.
pub const CUSTOM_PREFIX: &str = "cf_";

/// A record's custom values: its `cf_<definition id>` fields as stored, read from the
/// record's own top-level fields (the entity flattens it), so each merges on its own. Empty
/// values are not kept: clearing one removes its field, which an edit writes as null.
///
/// Kept sorted by field name at its exact length: every contact of a workspace is held in
/// memory, and a map's node, with room for eleven values, cost each contact with a value
/// hundreds of bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomValues(Vec<(Box<str>, Value)>);

impl CustomValues {
    fn position(&self, name: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(field, _)| (**field).cmp(name))
    }

    /// The value of `definition`, typed; `None` when empty or of another shape.
    pub fn get(&self, definition: &FieldDefinition) -> Option<CustomValue> {
        self.get_named(&definition.field_name(), definition.field_type)
    }

    /// The value of the field `name` read as `field_type`; `None` when empty or of another
    /// shape.
    pub fn get_named(&self, name: &str, field_type: FieldType) -> Option<CustomValue> {
        let at = self.position(name).ok()?;
        CustomValue::from_json(field_type, &self.0[at].1)
    }

    /// Whether the record holds a value for `definition` (of whatever shape).
    pub fn holds(&self, definition: &FieldDefinition) -> bool {
        self.position(&definition.field_name()).is_ok()
    }

    pub fn set(&mut self, definition: &FieldDefinition, value: Option<CustomValue>) {
        let name = definition.field_name();
        match (self.position(&name), value) {
            (Ok(at), Some(value)) => self.0[at].1 = value.to_json(),
            (Err(at), Some(value)) => self.0.insert(at, (name.into(), value.to_json())),
            (Ok(at), None) => drop(self.0.remove(at)),
            (Err(_), None) => {}
        }
        self.0.shrink_to_fit();
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The values stored as text, which search looks in: text, long text, URLs, phones,
    /// e-mails — and numbers, kept as decimal text. Choices are option ids, also text, but
    /// random ones that no typed word matches.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.0.iter().filter_map(|(_, value)| value.as_str())
    }
}

impl Serialize for CustomValues {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(name, value)| (&**name, value)))
    }
}

impl<'de> Deserialize<'de> for CustomValues {
    /// Keeps the `cf_` fields of a record that hold something; the entity's other unknown
    /// fields are ignored as before.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let fields = Map::<String, Value>::deserialize(deserializer)?;
        let mut values: Vec<(Box<str>, Value)> = fields
            .into_iter()
            .filter(|(name, value)| name.starts_with(CUSTOM_PREFIX) && !value.is_null())
            .map(|(name, value)| (name.into_boxed_str(), value))
            .collect();
        sort_by(&mut values, |a, b| a.0.cmp(&b.0));
        values.shrink_to_fit();
        Ok(CustomValues(values))
    }
}

/// A kind of record that carries custom fields.
pub trait HasCustomFields {
    const OWNER: FieldOwner;
    fn custom(&self) -> &CustomValues;
    fn custom_mut(&mut self) -> &mut CustomValues;
}

macro_rules! has_custom_fields {
    ($($kind:ident => $owner:ident;)+) => {
        $(
            impl HasCustomFields for crate::model::$kind {
                const OWNER: FieldOwner = FieldOwner::$owner;
                fn custom(&self) -> &CustomValues {
                    &self.custom
                }
                fn custom_mut(&mut self) -> &mut CustomValues {
                    &mut self.custom
                }
            }
        )+
    };
}

has_custom_fields! {
    Contact => Contact;
    Company => Company;
    Deal => Deal;
    Ticket => Ticket;
}

/// A workspace's definitions of one owner that forms and pages show: not archived, in their
/// order (then by English label, so every device shows one order).
pub fn shown_fields<'d>(
    definitions: impl IntoIterator<Item = &'d FieldDefinition>,
    owner: FieldOwner,
) -> Vec<&'d FieldDefinition> {
    let mut shown: Vec<&FieldDefinition> = definitions
        .into_iter()
        .filter(|d| d.owner == owner && !d.archived)
        .collect();
    sort_by(&mut shown, |a, b| {
        a.order
            .cmp(&b.order)
            .then_with(|| a.label_en.cmp(&b.label_en))
    });
    shown
}

/// Decimals a number field keeps.
pub const NUMBER_DECIMALS: u32 = 4;
const NUMBER_SCALE: i64 = 10_i64.pow(NUMBER_DECIMALS);

/// A custom field's value, typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CustomValue {
    /// Text, long text, a URL, a phone (E.164) or an e-mail address.
    Text(String),
    /// In ten-thousandths: 12.5 is 125,000.
    Number(i64),
    /// Minor units of the workspace currency.
    Money(i64),
    Date(Day),
    /// An option's id.
    Choice(String),
    /// Option ids, in the definition's order.
    Choices(Vec<String>),
    Checkbox(bool),
}

/// Why typed text is not a value of the field.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ValueError {
    #[error("a value is required")]
    Required,
    #[error("not a number (digits, an optional minus sign and up to four decimals)")]
    NotNumber,
    #[error("not an amount")]
    NotMoney,
    #[error("not a date in the workspace calendar")]
    NotDate,
    #[error("not one of the field's options: {0}")]
    UnknownOption(String),
    #[error("not yes or no")]
    NotCheckbox,
    #[error("not a web address")]
    NotUrl,
    #[error("not a phone number")]
    NotPhone,
    #[error("not an e-mail address")]
    NotEmail,
}

/// How typed values are read: the workspace's calendar and currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    pub calendar: Calendar,
    pub currency: Currency,
}

/// The record field that holds the value of the definition `id` (see
/// [`FieldDefinition::field_name`]).
pub fn field_name_of(id: &crate::id::Id) -> String {
    let id: String = id
        .as_str()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("{CUSTOM_PREFIX}{id}")
}

impl FieldDefinition {
    /// The record field that holds this field's value.
    /// Op field names hold only ASCII letters, digits and `_`, so the id's other characters
    /// (a UUID's hyphens) are written as `_`.
    pub fn field_name(&self) -> String {
        field_name_of(&self.id)
    }

    /// Whether this field's type has options.
    pub fn has_options(&self) -> bool {
        matches!(self.field_type, FieldType::Choice | FieldType::Choices)
    }

    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.label_en,
            Lang::Fa => &self.label_fa,
        }
    }

    /// Reads typed text; `Ok(None)` for an empty, optional field.
    pub fn parse(&self, text: &str, reading: Reading) -> Result<Option<CustomValue>, ValueError> {
        let text = text.trim();
        if text.is_empty() {
            return if self.required {
                Err(ValueError::Required)
            } else {
                Ok(None)
            };
        }
        let value = match self.field_type {
            FieldType::Text | FieldType::LongText => CustomValue::Text(text.to_owned()),
            FieldType::Number => CustomValue::Number(parse_number(text)?),
            FieldType::Money => match parse_amount(text, reading.currency) {
                Ok(Some(money)) => CustomValue::Money(money.minor),
                _ => return Err(ValueError::NotMoney),
            },
            FieldType::Date => CustomValue::Date(
                parse_day(text, reading.calendar).map_err(|_| ValueError::NotDate)?,
            ),
            FieldType::Choice => CustomValue::Choice(self.option_id(text)?),
            FieldType::Choices => {
                let mut ids = Vec::new();
                for part in text.split([',', '،', ';']).map(str::trim) {
                    if !part.is_empty() {
                        ids.push(self.option_id(part)?);
                    }
                }
                // Kept in the definition's order, each once.
                let mut ordered: Vec<String> = self
                    .options
                    .iter()
                    .filter(|option| ids.contains(&option.id))
                    .map(|option| option.id.clone())
                    .collect();
                ordered.dedup();
                CustomValue::Choices(ordered)
            }
            FieldType::Checkbox => CustomValue::Checkbox(parse_checkbox(text)?),
            FieldType::Url => CustomValue::Text(parse_url(text)?),
            FieldType::Phone => {
                CustomValue::Text(normalize_phone(text).map_err(|_| ValueError::NotPhone)?)
            }
            FieldType::Email => {
                let address = normalize_email(text);
                if !is_valid_email(&address) {
                    return Err(ValueError::NotEmail);
                }
                CustomValue::Text(address)
            }
        };
        Ok(Some(value))
    }

    /// The option typed: by its id, or its label in either language (compared as search
    /// compares, so Arabic and Persian spellings, and a space for a ZWNJ, match).
    fn option_id(&self, typed: &str) -> Result<String, ValueError> {
        let folded = |text: &str| search_text([text], []);
        let wanted = folded(typed);
        self.options
            .iter()
            .find(|option| {
                option.id == typed
                    || folded(&option.label_en) == wanted
                    || folded(&option.label_fa) == wanted
            })
            .map(|option| option.id.clone())
            .ok_or_else(|| ValueError::UnknownOption(typed.to_owned()))
    }

    /// A value as text that [`FieldDefinition::parse`] reads back in `reading` (and that a
    /// CSV export writes): ASCII digits, English option labels.
    pub fn write(&self, value: &CustomValue, reading: Reading) -> String {
        let label = |id: &str| {
            self.options
                .iter()
                .find(|option| option.id == id)
                .map_or_else(|| id.to_owned(), |option| option.label_en.clone())
        };
        match value {
            CustomValue::Text(text) => text.clone(),
            CustomValue::Number(n) => write_number(*n),
            CustomValue::Money(minor) => {
                format_decimal(*minor, reading.currency.minor_digits(), Lang::En)
            }
            CustomValue::Date(day) => format_day(*day, reading.calendar, Lang::En),
            CustomValue::Choice(id) => label(id),
            CustomValue::Choices(ids) => ids
                .iter()
                .map(|id| label(id))
                .collect::<Vec<_>>()
                .join(", "),
            CustomValue::Checkbox(true) => "yes".to_owned(),
            CustomValue::Checkbox(false) => "no".to_owned(),
        }
    }

    /// What changing this field to `to` does to `values`: each value converted (read back
    /// from its text as the new type), or counted as refused when it does not convert. The
    /// app refuses the change, naming the count, or asks to clear the refused ones.
    pub fn convert_all<'v>(
        &self,
        to: &FieldDefinition,
        values: impl IntoIterator<Item = &'v CustomValue>,
        reading: Reading,
    ) -> Conversion {
        let optional = FieldDefinition {
            required: false,
            ..to.clone()
        };
        let mut conversion = Conversion::default();
        for value in values {
            match optional.parse(&self.write(value, reading), reading) {
                Ok(converted) => conversion.converted.push(converted),
                Err(_) => {
                    conversion.converted.push(None);
                    conversion.refused += 1;
                }
            }
        }
        conversion
    }
}

/// The outcome of [`FieldDefinition::convert_all`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Conversion {
    /// Each value as the new type, in order; `None` where it did not convert (or was empty).
    pub converted: Vec<Option<CustomValue>>,
    /// How many values did not convert.
    pub refused: usize,
}

impl CustomValue {
    /// The stored form: a string, an integer (money in minor units, a date as its day
    /// number), a decimal string for numbers, a list of option ids or a boolean.
    pub fn to_json(&self) -> Value {
        match self {
            CustomValue::Text(text) | CustomValue::Choice(text) => Value::from(text.as_str()),
            CustomValue::Number(n) => Value::from(write_number(*n)),
            CustomValue::Money(minor) => Value::from(*minor),
            CustomValue::Date(day) => Value::from(day.0),
            CustomValue::Choices(ids) => Value::from(ids.clone()),
            CustomValue::Checkbox(checked) => Value::from(*checked),
        }
    }

    /// Reads a stored value of a field of `field_type`; `None` for null or a value of another
    /// shape (a field's type changed while a device was offline), which forms show as empty.
    pub fn from_json(field_type: FieldType, value: &Value) -> Option<CustomValue> {
        match field_type {
            FieldType::Text
            | FieldType::LongText
            | FieldType::Url
            | FieldType::Phone
            | FieldType::Email => value.as_str().map(|s| CustomValue::Text(s.to_owned())),
            FieldType::Choice => value.as_str().map(|s| CustomValue::Choice(s.to_owned())),
            FieldType::Number => value
                .as_str()
                .and_then(|s| parse_number(s).ok())
                .map(CustomValue::Number),
            FieldType::Money => value.as_i64().map(CustomValue::Money),
            FieldType::Date => value
                .as_i64()
                .and_then(|day| i32::try_from(day).ok())
                .map(|day| CustomValue::Date(Day(day))),
            FieldType::Choices => value.as_array().map(|ids| {
                CustomValue::Choices(
                    ids.iter()
                        .filter_map(|id| id.as_str().map(str::to_owned))
                        .collect(),
                )
            }),
            FieldType::Checkbox => value.as_bool().map(CustomValue::Checkbox),
        }
    }
}

/// How a list sorts a custom field's values: numbers, amounts and days by size, choices in
/// the definition's order, unticked before ticked, text as search compares it. Records
/// without a value sort last ([`CustomSortKey::Empty`] is the greatest).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CustomSortKey {
    Number(i64),
    Text(String),
    Empty,
}

impl FieldDefinition {
    /// The key `values` sorts by in a list sorted by this field.
    pub fn sort_key(&self, values: &CustomValues) -> CustomSortKey {
        let option = |id: &str| {
            self.options
                .iter()
                .position(|option| option.id == id)
                .map_or(i64::MAX, |at| at as i64)
        };
        match values.get(self) {
            None => CustomSortKey::Empty,
            Some(CustomValue::Number(n) | CustomValue::Money(n)) => CustomSortKey::Number(n),
            Some(CustomValue::Date(day)) => CustomSortKey::Number(day.0.into()),
            Some(CustomValue::Checkbox(checked)) => CustomSortKey::Number(checked.into()),
            Some(CustomValue::Choice(id)) => CustomSortKey::Number(option(&id)),
            Some(CustomValue::Choices(ids)) => {
                CustomSortKey::Number(ids.first().map_or(i64::MAX, |id| option(id)))
            }
            Some(CustomValue::Text(text)) => CustomSortKey::Text(normalize(&text)),
        }
    }

    /// Whether `values` holds `wanted`: one of a choice field's options (for a multiple
    /// choice, among its options), or a checkbox's state.
    pub fn holds_option(&self, values: &CustomValues, wanted: &str) -> bool {
        match values.get(self) {
            Some(CustomValue::Choice(id)) => id == wanted,
            Some(CustomValue::Choices(ids)) => ids.iter().any(|id| id == wanted),
            Some(CustomValue::Checkbox(checked)) => wanted == if checked { "yes" } else { "no" },
            _ => false,
        }
    }
}

/// A decimal typed in any digits, with an optional minus sign and grouping separators, to
/// ten-thousandths.
fn parse_number(text: &str) -> Result<i64, ValueError> {
    let ascii: String = to_ascii_digits(text)
        .chars()
        .filter(|c| !matches!(c, ',' | '٬' | ' '))
        .map(|c| if c == '٫' || c == '/' { '.' } else { c })
        .collect();
    let (negative, digits) = match ascii.strip_prefix(['-', '−']) {
        Some(rest) => (true, rest),
        None => (false, ascii.as_str()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty()
        || !all_digits(whole)
        || !all_digits(fraction)
        || fraction.len() > NUMBER_DECIMALS as usize
    {
        return Err(ValueError::NotNumber);
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| ValueError::NotNumber)?
    };
    let fraction: i64 = format!("{fraction:0<width$}", width = NUMBER_DECIMALS as usize)
        .parse()
        .map_err(|_| ValueError::NotNumber)?;
    let scaled = whole
        .checked_mul(NUMBER_SCALE)
        .and_then(|n| n.checked_add(fraction))
        .ok_or(ValueError::NotNumber)?;
    Ok(if negative { -scaled } else { scaled })
}

/// Ten-thousandths as the shortest decimal: 125,000 is "12.5".
fn write_number(n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    let n = n.unsigned_abs();
    let scale = NUMBER_SCALE.unsigned_abs();
    let (whole, fraction) = (n / scale, n % scale);
    if fraction == 0 {
        return format!("{sign}{whole}");
    }
    let fraction = format!("{fraction:0width$}", width = NUMBER_DECIMALS as usize);
    format!("{sign}{whole}.{}", fraction.trim_end_matches('0'))
}

fn parse_checkbox(text: &str) -> Result<bool, ValueError> {
    match normalize(text).as_str() {
        "yes" | "y" | "true" | "1" | "x" | "بله" | "آری" | "اری" | "بلی" => Ok(true),
        "no" | "n" | "false" | "0" | "خیر" | "نه" => Ok(false),
        _ if text == "✓" || text == "✔" => Ok(true),
        _ => Err(ValueError::NotCheckbox),
    }
}

/// A web address: http(s) with a host that has a dot; a bare "example.com/x" gets https://.
fn parse_url(text: &str) -> Result<String, ValueError> {
    let lower = text.to_ascii_lowercase();
    let (with_scheme, rest) = if let Some(rest) = lower.strip_prefix("https://") {
        (text.to_owned(), rest)
    } else if let Some(rest) = lower.strip_prefix("http://") {
        (text.to_owned(), rest)
    } else if lower.contains("://") {
        return Err(ValueError::NotUrl);
    } else {
        (format!("https://{text}"), lower.as_str())
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let valid_host = host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | ':'));
    if valid_host && !text.chars().any(char::is_whitespace) {
        Ok(with_scheme)
    } else {
        Err(ValueError::NotUrl)
    }
}

#[cfg(test)]
mod tests;
