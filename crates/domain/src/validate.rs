//! Validation and normalization of what users type, before it is saved.
//!
//! Errors carry no user-facing text: they name the field and the rule broken, and the app
//! words them in the user's language.

use crate::locale::{digit_value, to_ascii_digits};
use crate::model::{
    Action, Activity, ActivityKind, Address, AutomationRule, AutomationRun, Campaign, Company,
    Contact, Deal, DealStatus, Discount, Email, FieldDefinition, Invoice, LineItem,
    MessageTemplate, Notification, Phone, Pipeline, Product, SavedView, Segment, Settings, Task,
    TeamMember, Ticket, BASIS_POINTS_PER_WHOLE,
};
use std::collections::HashSet;
use std::fmt;
use thiserror::Error;

/// Longest name, title or subject, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest free text (notes, bodies, descriptions), in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Fewest digits in an international number (E.164 allows some very short national numbers,
/// but nothing shorter than this is a real subscriber number with its country code).
const MIN_INTERNATIONAL_DIGITS: usize = 8;
/// Most digits in an E.164 number, country code included.
const MAX_INTERNATIONAL_DIGITS: usize = 15;
/// Digits in an Iranian number after the country code (or after the trunk 0).
const IRAN_NATIONAL_DIGITS: usize = 10;
const IRAN_COUNTRY_CODE: &str = "98";
const CSAT_RANGE: (i64, i64) = (1, 5);

/// A rule a record breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ValidationError {
    /// The stored name of the field, e.g. `"first_name"`; for a field of a list item, the
    /// list and the item's field, e.g. `"lines.quantity"`.
    pub field: &'static str,
    /// The position in the list, for list fields.
    pub index: Option<usize>,
    pub kind: ValidationErrorKind,
}

/// The rules of [`ValidationError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValidationErrorKind {
    /// Empty, but needed.
    Required,
    InvalidEmail,
    InvalidPhone(PhoneError),
    /// Longer than `max` characters.
    TooLong {
        max: usize,
    },
    /// Smaller than `min`.
    BelowMin {
        min: i64,
    },
    /// Outside `min..=max`.
    OutOfRange {
        min: i64,
        max: i64,
    },
    /// A date or time earlier than the field named `other`, which it may not precede.
    EarlierThan {
        other: &'static str,
    },
    /// The same value appears twice in the list.
    Duplicate,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.field)?;
        if let Some(index) = self.index {
            write!(f, "[{index}]")?;
        }
        write!(f, ": {:?}", self.kind)
    }
}

impl std::error::Error for ValidationError {}

/// Why a phone number was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
pub enum PhoneError {
    #[error("no digits")]
    Empty,
    #[error("contains a character that is neither a digit nor a separator")]
    InvalidCharacter,
    #[error("wrong number of digits")]
    WrongLength,
}

/// Normalizes a phone number to E.164 (`+` and digits).
///
/// Accepts Persian and Arabic-Indic digits and the separators people type or paste (spaces,
/// dashes, dots, slashes, parentheses, invisible direction marks). Iranian numbers may be
/// written `09121234567`, `9121234567` (mobile), `989121234567`, `+98 912 …`, `0098 …`, with or
/// without a `(0)` after the country code, and landlines with their area code
/// (`021 8888 7777`); other countries need `+` or `00` and 8–15 digits.
pub fn normalize_phone(input: &str) -> Result<String, PhoneError> {
    let mut digits = String::with_capacity(input.len());
    let mut has_plus = false;
    for c in input.chars() {
        // Persian and Arabic-Indic digits count as ASCII ones.
        if let Some(value) = digit_value(c) {
            digits.push(char::from(b'0' + value as u8));
            continue;
        }
        match c {
            '+' if digits.is_empty() && !has_plus => has_plus = true,
            _ if is_phone_separator(c) => {}
            _ => return Err(PhoneError::InvalidCharacter),
        }
    }
    if digits.is_empty() {
        return Err(if has_plus {
            PhoneError::WrongLength
        } else {
            PhoneError::Empty
        });
    }
    let international = if has_plus {
        Some(digits.as_str())
    } else {
        digits.strip_prefix("00")
    };
    match international {
        Some(number) => match number.strip_prefix(IRAN_COUNTRY_CODE) {
            Some(national) => iranian_number(national.strip_prefix('0').unwrap_or(national)),
            None if !number.starts_with('0')
                && (MIN_INTERNATIONAL_DIGITS..=MAX_INTERNATIONAL_DIGITS)
                    .contains(&number.len()) =>
            {
                Ok(format!("+{number}"))
            }
            None => Err(PhoneError::WrongLength),
        },
        // Without a country code the number must be Iranian: with the trunk 0, a bare mobile
        // number, or the country code without `+`.
        None => match digits.strip_prefix('0') {
            Some(national) => iranian_number(national),
            None if digits.len() == IRAN_NATIONAL_DIGITS && digits.starts_with('9') => {
                iranian_number(&digits)
            }
            None if digits.len() == IRAN_COUNTRY_CODE.len() + IRAN_NATIONAL_DIGITS => {
                match digits.strip_prefix(IRAN_COUNTRY_CODE) {
                    Some(national) => iranian_number(national),
                    None => Err(PhoneError::WrongLength),
                }
            }
            None => Err(PhoneError::WrongLength),
        },
    }
}

/// `+98` and the ten-digit national number (mobile `9…` or area code and subscriber).
fn iranian_number(national: &str) -> Result<String, PhoneError> {
    if national.len() == IRAN_NATIONAL_DIGITS && !national.starts_with('0') {
        Ok(format!("+{IRAN_COUNTRY_CODE}{national}"))
    } else {
        Err(PhoneError::WrongLength)
    }
}

fn is_phone_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '.' | '/' | '(' | ')' | '\u{2010}'..='\u{2015}' | '\u{2212}'
        )
        || is_invisible_mark(c)
}

/// Zero-width and bidirectional marks that copying from right-to-left text leaves behind.
fn is_invisible_mark(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
    )
}

/// A practical e-mail syntax check: one `@`, a non-empty local part without spaces, and a
/// domain of dot-separated labels (letters of any script, digits, inner hyphens) whose last
/// label is not all digits. It does not prove the mailbox exists.
pub fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.chars().count() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && !local.chars().any(|c| c.is_whitespace() || c.is_control());
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|top| !top.chars().all(|c| c.is_ascii_digit()));
    local_ok && domain_ok && email.chars().count() <= 254
}

/// Trims an e-mail address, drops invisible marks and lowercases the domain (the local part is
/// case-sensitive in principle, so it is kept as typed).
pub fn normalize_email(input: &str) -> String {
    let cleaned: String = input.chars().filter(|&c| !is_invisible_mark(c)).collect();
    let cleaned = cleaned.trim();
    match cleaned.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain.to_lowercase()),
        None => cleaned.to_owned(),
    }
}

/// The rules a record must satisfy before it is saved.
pub trait Validate {
    /// Every rule the record breaks; empty when it may be saved.
    fn validate(&self) -> Vec<ValidationError>;
}

impl Validate for Contact {
    fn validate(&self) -> Vec<ValidationError> {
        let mut errors = Errors::default();
        let has_name = !self.first_name.trim().is_empty() || !self.last_name.trim().is_empty();
        let has_phone = self.phones.iter().any(|p| !p.number.trim().is_empty());
        let has_email = self.emails.iter().any(|e| !e.address.trim().is_empty());
        if !(has_name || has_phone || has_email) {
            // Reported on the name, the first thing the form asks for.
            errors.push("first_name", None, ValidationErrorKind::Required);
        }
        errors.max_chars("first_name", &self.first_name, MAX_NAME_CHARS);
        errors.max_chars("last_name", &self.last_name, MAX_NAME_CHARS);
        errors.max_chars("job_title", &self.job_title, MAX_NAME_CHARS);
        errors.phones(&self.phones);
        errors.emails(&self.emails);
        errors.optional_phone("whatsapp", &self.whatsapp);
        errors.max_chars("notes", &self.notes, MAX_TEXT_CHARS);
        errors.into_vec()
    }
}

impl Validate for Company {
    fn validate(&self) -> Vec<ValidationError> {
        let mut errors = Errors::default();
        errors.name("name", &self.name);
        errors.phones(&self.phones);
        errors.emails(&self.emails);
        errors.max_chars("notes", &self.notes, MAX_TEXT_CHARS);
        errors.into_vec()
    }
}

impl Validate for TeamMember {
    fn validate(&self) -> Vec<ValidationError> {
        let mut errors = Errors::default();
        errors.name("name", &self.name);
        if !self.email.is_empty() && !is_valid_email(&self.email) {
            errors.push("email", None, ValidationErrorKind::InvalidEmail);
        }
        errors.optional_phone("phone", &self.phone);
        errors.into_vec()
    }
}

impl Validate for Pipeline {
    fn validate(&self) -> Vec<ValidationError> {
        let mut errors = Errors::default();
        errors.name("name", &self.name);
        if self.stages.is_empty() {
            errors.push("stages", None, ValidationErrorKind::Required);
        }
        let mut seen_ids = HashSet::new();
        for (index, stage) in self.stages.iter().enumerate() {
            if stage.name.trim().is_empty() {
                errors.push("stages.name", Some(index), ValidationErrorKind::Required);
            }
            errors.in_range(
                "stages.probability_pct",
                Some(index),
                stage.probability_pct.into(),
                (0, 100),
            );
            if !seen_ids.insert(&stage.id) {
                errors.push("stages.id", Some(index), ValidationErrorKind::Duplicate);
            }
        }
        errors.into_vec()
    }
}

impl Validate for Deal {
    fn validate(&self) -> Vec<ValidationError> {
        let mut errors = Errors::default();
        errors.name("title", &self.title);
        errors.required("pipeline_id", &self.pipeline_id.as_str());
        errors.required("stage_id", &self.stage_id.as_str());
        errors.at_least("value", None, self.value.minor, 0);
        if self.status == DealStatus::Lost {
            errors.required("lost_reason", &self.lost_reason);
        }
        errors.lines(&self.lines);
        errors.max_chars("notes", &self.notes, MAX_TEXT_CHARS);
        errors.into_vec()
    }
}

impl Validate for Activity {
    fn validate(&self) -> Vec<ValidationError> {
        let mut errors = Errors::default();
        if self.kind == ActivityKind::Message && self.channel.is_none() {
            errors.push("channel", None, ValidationErrorKind::Required);
        }
        errors.max_chars("subject", &self.subject, MAX_NAME_CHARS);
        errors.max_chars("body", &self.body, MAX_TEXT_CHARS);
        errors.into_vec()
    }
}

impl Validate for Task {
    fn validate(&self) -> Vec<ValidationError> {
        let mut errors = Errors::default();
        errors.name("title", &self.title);
        errors.max_chars("notes", &self.notes, MAX_TEXT_CHARS);
        errors.into_vec()
    }
}

impl Validate for Ticket {
    fn validate(&self) -> Vec<ValidationError> {
        let mut errors = Errors::default();
        errors.name("subject", &self.subject);
        errors.max_chars("description", &self.description, MAX_TEXT_CHARS);
        if let Some(csat) = self.csat {
            errors.in_range("csat", None, csat.into(), CSAT_RANGE);
        }
        errors.not_earlier(
            "resolved_at",
            self.resolved_at,
            "created_at",
            Some(self.created_at),
        );
        errors.into_vec()
    }
}

impl Validate for Product {
    fn validate(&self) -> Vec<ValidationError> {
        let mut errors = Errors::default();
        errors.name("name", &self.name);
        errors.max_chars("sku", &self.sku, MAX_NAME_CHARS);
        errors.at_least("price", None, self.price.minor, 0);
        errors.into_vec()
    }
}

impl Validate for Invoice {
    fn validate(&self) -> Vec<ValidationError> {
        let mut errors = Errors::default();
        if self.lines.is_empty() {
            errors.push("lines", None, ValidationErrorKind::Required);
        }
        errors.lines(&self.lines);
        let subtotal = self.totals().subtotal_minor;
        errors.discount("discount", None, self.discount, subtotal);
        errors.in_range(
            "tax_rate_bp",
            None,
            self.tax_rate_bp.into(),
            (0, BASIS_POINTS_PER_WHOLE.into()),
        );
        if self.issue_date.is_none() {
            errors.push("issue_date", None, ValidationErrorKind::Required);
        }
        errors.not_earlier("due_date", self.due_date, "issue_date", self.issue_date);
        errors.into_vec()
    }
}

impl Validate for Campaign {
    fn validate(&self) -> Vec<ValidationError> {
        let mut errors = Errors::default();
        errors.name("name", &self.name);
        errors.at_least("cost", None, self.cost.minor, 0);
        errors.not_earlier("end_date", self.end_date, "start_date", self.start_date);
        errors.into_vec()
    }
}

impl Validate for MessageTemplate {
    fn validate(&self) -> Vec<ValidationError> {
        let mut errors = Errors::default();
        errors.name("name", &self.name);
        errors.into_vec()
    }
}

impl Validate for Segment {
    fn validate(&self) -> Vec<ValidationError> {
        let mut errors = Errors::default();
        errors.name("name", &self.name);
        errors.into_vec()
    }
}

impl Validate for SavedView {
    fn validate(&self) -> Vec<ValidationError> {
        let mut errors = Errors::default();
        errors.name("name", &self.name);
        errors.into_vec()
    }
}

impl Validate for Settings {
    fn validate(&self) -> Vec<ValidationError> {
        let mut errors = Errors::default();
        errors.at_least("stale_deal_days", None, self.stale_deal_days.into(), 1);
        errors.at_least("dormant_days", None, self.dormant_days.into(), 1);
        errors.into_vec()
    }
}

impl Validate for FieldDefinition {
    /// Both labels; a choice field's options each with both labels, no two alike in one
    /// language (a CSV cell names an option by its label). The option's position is the
    /// error's index.
    fn validate(&self) -> Vec<ValidationError> {
        let mut errors = Errors::default();
        errors.name("label_en", &self.label_en);
        errors.name("label_fa", &self.label_fa);
        if self.has_options() && self.options.is_empty() {
            errors.push("options", None, ValidationErrorKind::Required);
        }
        let mut seen = HashSet::new();
        for (index, option) in self.options.iter().enumerate() {
            for (field, label) in [
                ("options.label_en", &option.label_en),
                ("options.label_fa", &option.label_fa),
            ] {
                if label.trim().is_empty() {
                    errors.push(field, Some(index), ValidationErrorKind::Required);
                } else if !seen.insert((field, crate::search::search_text([label.as_str()], []))) {
                    errors.push(field, Some(index), ValidationErrorKind::Duplicate);
                }
            }
        }
        errors.into_vec()
    }
}

/// Longest offset of a time-based rule either way: a year, in hours.
pub const MAX_RULE_OFFSET_HOURS: i64 = 366 * 24;
/// Longest wait of a "no activity" rule, and furthest due offset of a task a rule creates.
pub const MAX_RULE_DAYS: i64 = 3650;

impl Validate for AutomationRule {
    /// A name, at least one action, field names for field triggers, offsets within bounds,
    /// and each action complete (a task's title, a message's body, a webhook's URL). The
    /// action's position is the error's index.
    fn validate(&self) -> Vec<ValidationError> {
        let mut errors = Errors::default();
        errors.name("name", &self.name);
        match &self.trigger {
            crate::model::Trigger::Created { .. } => {}
            crate::model::Trigger::FieldChanged { field, .. } => errors.required("field", field),
            crate::model::Trigger::FieldTime { field, hours, .. } => {
                errors.required("field", field);
                let max = MAX_RULE_OFFSET_HOURS;
                errors.in_range("hours", None, (*hours).into(), (-max, max));
            }
            crate::model::Trigger::NoActivity { days, .. } => {
                errors.in_range("days", None, (*days).into(), (1, MAX_RULE_DAYS));
            }
        }
        if self.actions.is_empty() {
            errors.push("actions", None, ValidationErrorKind::Required);
        }
        for (index, action) in self.actions.iter().enumerate() {
            let at = Some(index);
            let mut required = |field, text: &str| {
                if text.trim().is_empty() {
                    errors.push(field, at, ValidationErrorKind::Required);
                }
            };
            match action {
                Action::CreateTask {
                    title, due_in_days, ..
                } => {
                    required("title", title);
                    errors.in_range("due_in_days", at, (*due_in_days).into(), (0, MAX_RULE_DAYS));
                }
                Action::SetField { field, .. } => required("field", field),
                Action::Notify {
                    member_ids,
                    record_owner,
                    text,
                } => {
                    required("text", text);
                    if member_ids.is_empty() && !record_owner {
                        errors.push("member_ids", at, ValidationErrorKind::Required);
                    }
                }
                Action::SendMessage { body, .. } => required("body", body),
                Action::Webhook { url } => {
                    if !(url.starts_with("https://") || url.starts_with("http://")) {
                        errors.push("url", at, ValidationErrorKind::Required);
                    }
                }
            }
        }
        errors.into_vec()
    }
}

impl Validate for AutomationRun {
    /// Runs are written by the automation itself, whole.
    fn validate(&self) -> Vec<ValidationError> {
        Vec::new()
    }
}

impl Validate for Notification {
    /// Notifications are written by the automation itself, whole; members only mark them read.
    fn validate(&self) -> Vec<ValidationError> {
        Vec::new()
    }
}

/// Collects the errors of one record.
#[derive(Default)]
struct Errors(Vec<ValidationError>);

impl Errors {
    fn into_vec(self) -> Vec<ValidationError> {
        self.0
    }

    fn push(&mut self, field: &'static str, index: Option<usize>, kind: ValidationErrorKind) {
        self.0.push(ValidationError { field, index, kind });
    }

    fn required(&mut self, field: &'static str, value: &str) {
        if value.trim().is_empty() {
            self.push(field, None, ValidationErrorKind::Required);
        }
    }

    fn max_chars(&mut self, field: &'static str, value: &str, max: usize) {
        if value.chars().count() > max {
            self.push(field, None, ValidationErrorKind::TooLong { max });
        }
    }

    /// A required single-line name, title or subject.
    fn name(&mut self, field: &'static str, value: &str) {
        self.required(field, value);
        self.max_chars(field, value, MAX_NAME_CHARS);
    }

    fn at_least(&mut self, field: &'static str, index: Option<usize>, value: i64, min: i64) {
        if value < min {
            self.push(field, index, ValidationErrorKind::BelowMin { min });
        }
    }

    fn in_range(
        &mut self,
        field: &'static str,
        index: Option<usize>,
        value: i64,
        (min, max): (i64, i64),
    ) {
        if !(min..=max).contains(&value) {
            self.push(field, index, ValidationErrorKind::OutOfRange { min, max });
        }
    }

    /// `value` may not precede `other`; either being unset is fine.
    fn not_earlier<T: PartialOrd>(
        &mut self,
        field: &'static str,
        value: Option<T>,
        other_field: &'static str,
        other: Option<T>,
    ) {
        if let (Some(value), Some(other)) = (value, other) {
            if value < other {
                let kind = ValidationErrorKind::EarlierThan { other: other_field };
                self.push(field, None, kind);
            }
        }
    }

    fn optional_phone(&mut self, field: &'static str, number: &str) {
        if number.trim().is_empty() {
            return;
        }
        if let Err(error) = normalize_phone(number) {
            self.push(field, None, ValidationErrorKind::InvalidPhone(error));
        }
    }

    /// Each number valid, none twice (compared in E.164).
    fn phones(&mut self, phones: &[Phone]) {
        let mut seen = HashSet::new();
        for (index, phone) in phones.iter().enumerate() {
            match normalize_phone(&phone.number) {
                Ok(number) => {
                    if !seen.insert(number) {
                        self.push("phones", Some(index), ValidationErrorKind::Duplicate);
                    }
                }
                Err(error) => {
                    let kind = ValidationErrorKind::InvalidPhone(error);
                    self.push("phones", Some(index), kind);
                }
            }
        }
    }

    /// Each address valid, none twice (compared ignoring case).
    fn emails(&mut self, emails: &[Email]) {
        let mut seen = HashSet::new();
        for (index, email) in emails.iter().enumerate() {
            if !is_valid_email(&email.address) {
                self.push("emails", Some(index), ValidationErrorKind::InvalidEmail);
            } else if !seen.insert(email.address.to_lowercase()) {
                self.push("emails", Some(index), ValidationErrorKind::Duplicate);
            }
        }
    }

    /// Each line says what is sold, sells at least one unit at a price that is not negative,
    /// and has a discount that fits it.
    fn lines(&mut self, lines: &[LineItem]) {
        for (index, line) in lines.iter().enumerate() {
            let at = Some(index);
            if line.product_id.is_none() && line.description.trim().is_empty() {
                self.push("lines.description", at, ValidationErrorKind::Required);
            }
            self.at_least("lines.quantity", at, line.quantity.into(), 1);
            self.at_least("lines.unit_price_minor", at, line.unit_price_minor, 0);
            self.discount("lines.discount", at, line.discount, line.gross_minor());
        }
    }

    /// A percentage between 0 and 100 %, or an amount between 0 and what it is taken from.
    fn discount(
        &mut self,
        field: &'static str,
        index: Option<usize>,
        discount: Discount,
        gross: i64,
    ) {
        match discount {
            Discount::None => {}
            Discount::Percent { basis_points } => self.in_range(
                field,
                index,
                basis_points.into(),
                (0, BASIS_POINTS_PER_WHOLE.into()),
            ),
            Discount::Amount { minor } => self.in_range(field, index, minor, (0, gross.max(0))),
        }
    }
}

impl Contact {
    /// Tidies the record before saving: trims and collapses spaces in names, normalizes
    /// phones to E.164 and e-mails (lowercase domain), drops blank phone and e-mail rows and
    /// repeated tags. Values that fail to normalize are kept as typed so that validation can
    /// report them and nothing typed is lost.
    pub fn normalize(&mut self) {
        for line in [
            &mut self.first_name,
            &mut self.last_name,
            &mut self.job_title,
        ] {
            collapse_spaces(line);
        }
        normalize_phones(&mut self.phones);
        normalize_emails(&mut self.emails);
        normalize_optional_phone(&mut self.whatsapp);
        self.telegram = normalize_telegram(&self.telegram);
        normalize_address(&mut self.address);
        normalize_tags(&mut self.tags);
        trim_in_place(&mut self.notes);
    }
}

impl Company {
    /// Tidies the record before saving, like [`Contact::normalize`].
    pub fn normalize(&mut self) {
        for line in [&mut self.name, &mut self.industry, &mut self.tax_id] {
            collapse_spaces(line);
        }
        trim_in_place(&mut self.website);
        normalize_phones(&mut self.phones);
        normalize_emails(&mut self.emails);
        normalize_address(&mut self.address);
        normalize_tags(&mut self.tags);
        trim_in_place(&mut self.notes);
    }
}

impl TeamMember {
    /// Tidies the record before saving, like [`Contact::normalize`].
    pub fn normalize(&mut self) {
        collapse_spaces(&mut self.name);
        self.email = normalize_email(&self.email);
        normalize_optional_phone(&mut self.phone);
    }
}

/// Trims and collapses runs of whitespace into one space. Zero-width non-joiners, which
/// Persian words need, are not whitespace and stay.
fn collapse_spaces(text: &mut String) {
    *text = text.split_whitespace().collect::<Vec<_>>().join(" ");
}

fn trim_in_place(text: &mut String) {
    *text = text.trim().to_owned();
}

fn normalize_optional_phone(number: &mut String) {
    trim_in_place(number);
    if let Ok(normalized) = normalize_phone(number) {
        *number = normalized;
    }
}

fn normalize_phones(phones: &mut Vec<Phone>) {
    phones
        .iter_mut()
        .for_each(|p| normalize_optional_phone(&mut p.number));
    phones.retain(|p| !p.number.is_empty());
}

fn normalize_emails(emails: &mut Vec<Email>) {
    emails
        .iter_mut()
        .for_each(|e| e.address = normalize_email(&e.address));
    emails.retain(|e| !e.address.is_empty());
}

/// A phone number in E.164, else a username without the `@` that people often type.
fn normalize_telegram(handle: &str) -> String {
    let handle = handle.trim();
    normalize_phone(handle).unwrap_or_else(|_| handle.trim_start_matches('@').to_owned())
}

fn normalize_address(address: &mut Address) {
    for line in [
        &mut address.line,
        &mut address.city,
        &mut address.province,
        &mut address.country,
    ] {
        collapse_spaces(line);
    }
    address.postal_code = to_ascii_digits(address.postal_code.trim());
}

/// Trims tags and drops blank ones and repeats (ignoring case), keeping the first spelling.
fn normalize_tags(tags: &mut Vec<String>) {
    tags.iter_mut().for_each(collapse_spaces);
    let mut seen = HashSet::new();
    tags.retain(|tag| !tag.is_empty() && seen.insert(tag.to_lowercase()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Day;
    use crate::id::Id;
    use crate::model::{MessageChannel, Stage};
    use crate::money::{Currency, Money};
    use proptest::prelude::*;
    use ValidationErrorKind::*;

    fn error(
        field: &'static str,
        index: Option<usize>,
        kind: ValidationErrorKind,
    ) -> ValidationError {
        ValidationError { field, index, kind }
    }

    fn phone(number: &str) -> Phone {
        Phone {
            number: number.into(),
            ..Phone::default()
        }
    }

    fn email(address: &str) -> Email {
        Email {
            address: address.into(),
            ..Email::default()
        }
    }

    fn line(quantity: u32, unit_price_minor: i64) -> LineItem {
        LineItem {
            description: "Service".into(),
            quantity,
            unit_price_minor,
            ..LineItem::default()
        }
    }

    #[test]
    fn iranian_mobile_in_every_form_becomes_e164() {
        for input in [
            "09121234567",
            "9121234567",
            "+98 912 123 4567",
            "+98 (0) 912 123 4567",
            "0098 912 123 4567",
            "00989121234567",
            "989121234567",
            "0912-123-4567",
            "(0912) 123.45.67",
            "۰۹۱۲۱۲۳۴۵۶۷",
            "٠٩١٢١٢٣٤٥٦٧",
            "+۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷",
            "\u{200E}0912 123 4567\u{200F}",
        ] {
            assert_eq!(
                normalize_phone(input).as_deref(),
                Ok("+989121234567"),
                "{input:?}"
            );
        }
    }

    #[test]
    fn iranian_landline_with_area_code_becomes_e164() {
        assert_eq!(
            normalize_phone("021 8888 7777").as_deref(),
            Ok("+982188887777")
        );
        assert_eq!(
            normalize_phone("+98 21 8888 7777").as_deref(),
            Ok("+982188887777")
        );
        assert_eq!(
            normalize_phone("۰۳۱-۳۲۲۲۱۱۱۱").as_deref(),
            Ok("+983132221111")
        );
    }

    #[test]
    fn other_countries_keep_their_code() {
        assert_eq!(
            normalize_phone("+1 (415) 555-2671").as_deref(),
            Ok("+14155552671")
        );
        assert_eq!(
            normalize_phone("0049 30 123456").as_deref(),
            Ok("+4930123456")
        );
        assert_eq!(
            normalize_phone("+971 50 123 4567").as_deref(),
            Ok("+971501234567")
        );
    }

    #[test]
    fn invalid_phones_are_rejected_with_a_reason() {
        assert_eq!(normalize_phone(""), Err(PhoneError::Empty));
        assert_eq!(normalize_phone(" - "), Err(PhoneError::Empty));
        assert_eq!(
            normalize_phone("0912abc4567"),
            Err(PhoneError::InvalidCharacter)
        );
        assert_eq!(
            normalize_phone("call 0912"),
            Err(PhoneError::InvalidCharacter)
        );
        assert_eq!(
            normalize_phone("0912+1234567"),
            Err(PhoneError::InvalidCharacter)
        );
        assert_eq!(normalize_phone("+"), Err(PhoneError::WrongLength));
        assert_eq!(normalize_phone("0912123456"), Err(PhoneError::WrongLength));
        assert_eq!(
            normalize_phone("091212345678"),
            Err(PhoneError::WrongLength)
        );
        assert_eq!(normalize_phone("88887777"), Err(PhoneError::WrongLength));
        assert_eq!(normalize_phone("2125551234"), Err(PhoneError::WrongLength));
        assert_eq!(
            normalize_phone("+98 912 123 456"),
            Err(PhoneError::WrongLength)
        );
        assert_eq!(normalize_phone("+1234567"), Err(PhoneError::WrongLength));
        assert_eq!(
            normalize_phone("+1234567890123456"),
            Err(PhoneError::WrongLength)
        );
        assert_eq!(normalize_phone("+0123456789"), Err(PhoneError::WrongLength));
    }

    proptest! {
        #[test]
        fn normalized_phones_normalize_to_themselves(input in "[+]?[0-9 ()-]{0,20}") {
            if let Ok(normalized) = normalize_phone(&input) {
                prop_assert_eq!(normalize_phone(&normalized), Ok(normalized.clone()));
                prop_assert!(normalized.starts_with('+'));
                prop_assert!(normalized[1..].chars().all(|c| c.is_ascii_digit()));
            }
        }

        #[test]
        fn any_mobile_reads_the_same_in_persian_digits(subscriber in "[0-9]{9}") {
            let ascii = format!("09{subscriber}");
            let persian = crate::locale::to_persian_digits(&ascii);
            prop_assert_eq!(normalize_phone(&persian), Ok(format!("+989{subscriber}")));
        }
    }

    #[test]
    fn practical_emails_are_accepted() {
        for address in [
            "ali@example.com",
            "first.last+tag@mail.example.co.ir",
            "ALI@EXAMPLE.COM",
            "info@فروشگاه.ایران",
            "user@xn--mgbh0fb.xn--mgba3a4f16a",
            "o'brien@example.ie",
        ] {
            assert!(is_valid_email(address), "{address:?}");
        }
    }

    #[test]
    fn malformed_emails_are_rejected() {
        for address in [
            "",
            "ali",
            "@example.com",
            "ali@",
            "ali@example",
            "ali@@example.com",
            "ali@exa@mple.com",
            "ali reza@example.com",
            "ali@exam ple.com",
            "ali@example..com",
            "ali@.example.com",
            "ali@example.com.",
            "ali@-example.com",
            "ali@example_mail.com",
            ".ali@example.com",
            "ali..reza@example.com",
            "ali@1.2.3.4",
        ] {
            assert!(!is_valid_email(address), "{address:?}");
        }
    }

    #[test]
    fn email_normalization_trims_and_lowercases_the_domain_only() {
        assert_eq!(
            normalize_email("  Ali.Reza@Example.COM \u{200F}"),
            "Ali.Reza@example.com"
        );
        assert_eq!(normalize_email(" not an email "), "not an email");
    }

    #[test]
    fn contact_needs_a_name_a_phone_or_an_email() {
        assert_eq!(
            Contact::default().validate(),
            [error("first_name", None, Required)]
        );
        let blank_rows = Contact {
            first_name: "  ".into(),
            phones: vec![phone(" ")],
            emails: vec![email("")],
            ..Contact::default()
        };
        assert!(blank_rows
            .validate()
            .contains(&error("first_name", None, Required)));
        for contact in [
            Contact {
                last_name: "Ahmadi".into(),
                ..Contact::default()
            },
            Contact {
                phones: vec![phone("09121234567")],
                ..Contact::default()
            },
            Contact {
                emails: vec![email("a@b.ir")],
                ..Contact::default()
            },
        ] {
            assert_eq!(contact.validate(), [], "{contact:?}");
        }
    }

    #[test]
    fn contact_reports_each_bad_or_repeated_phone_and_email() {
        let contact = Contact {
            first_name: "x".repeat(MAX_NAME_CHARS + 1),
            phones: vec![phone("09121234567"), phone("12"), phone("+98 912 123 4567")],
            emails: vec![email("a@b.ir"), email("nope"), email("A@b.ir")],
            whatsapp: "whatsapp me".into(),
            notes: "n".repeat(MAX_TEXT_CHARS + 1),
            ..Contact::default()
        };
        assert_eq!(
            contact.validate(),
            [
                error(
                    "first_name",
                    None,
                    TooLong {
                        max: MAX_NAME_CHARS
                    }
                ),
                error("phones", Some(1), InvalidPhone(PhoneError::WrongLength)),
                error("phones", Some(2), Duplicate),
                error("emails", Some(1), InvalidEmail),
                error("emails", Some(2), Duplicate),
                error("whatsapp", None, InvalidPhone(PhoneError::InvalidCharacter)),
                error(
                    "notes",
                    None,
                    TooLong {
                        max: MAX_TEXT_CHARS
                    }
                ),
            ]
        );
    }

    #[test]
    fn names_are_measured_in_characters_not_bytes() {
        let persian_name = "ع".repeat(MAX_NAME_CHARS);
        let contact = Contact {
            first_name: persian_name,
            ..Contact::default()
        };
        assert_eq!(contact.validate(), []);
    }

    #[test]
    fn contact_normalize_tidies_what_was_typed() {
        let mut contact = Contact {
            first_name: "  علی  ".into(),
            last_name: " محمد\u{200C}زاده   رضایی ".into(),
            phones: vec![phone(" ۰۹۱۲ ۱۲۳ ۴۵۶۷ "), phone("  "), phone(" 12 ")],
            emails: vec![email(" Ali@Example.COM "), email(" ")],
            whatsapp: "0912 123 4567".into(),
            telegram: " @ali_reza ".into(),
            address: Address {
                postal_code: " ۱۲۳۴۵۶۷۸۹۰ ".into(),
                city: " Tehran ".into(),
                ..Address::default()
            },
            tags: vec![
                " VIP ".into(),
                "vip".into(),
                "".into(),
                "wholesale  buyer".into(),
            ],
            notes: "  line one\nline two  ".into(),
            ..Contact::default()
        };
        contact.normalize();
        assert_eq!(contact.first_name, "علی");
        assert_eq!(contact.last_name, "محمد\u{200C}زاده رضایی");
        assert_eq!(contact.phones, [phone("+989121234567"), phone("12")]);
        assert_eq!(contact.emails, [email("Ali@example.com")]);
        assert_eq!(contact.whatsapp, "+989121234567");
        assert_eq!(contact.telegram, "ali_reza");
        assert_eq!(contact.address.postal_code, "1234567890");
        assert_eq!(contact.address.city, "Tehran");
        assert_eq!(contact.tags, ["VIP", "wholesale buyer"]);
        assert_eq!(contact.notes, "line one\nline two");
    }

    #[test]
    fn telegram_phone_numbers_are_normalized_too() {
        let mut contact = Contact {
            telegram: "+98 912 123 4567".into(),
            ..Contact::default()
        };
        contact.normalize();
        assert_eq!(contact.telegram, "+989121234567");
    }

    #[test]
    fn company_and_team_member_rules() {
        let company = Company {
            emails: vec![email("bad")],
            ..Company::default()
        };
        assert_eq!(
            company.validate(),
            [
                error("name", None, Required),
                error("emails", Some(0), InvalidEmail)
            ]
        );
        let mut member = TeamMember {
            name: " Sara ".into(),
            email: " Sara@Rabet.IR ".into(),
            ..TeamMember::default()
        };
        member.normalize();
        assert_eq!(
            (member.name.as_str(), member.email.as_str()),
            ("Sara", "Sara@rabet.ir")
        );
        assert_eq!(member.validate(), []);
        let nameless = TeamMember {
            email: "x".into(),
            phone: "abc".into(),
            ..TeamMember::default()
        };
        assert_eq!(
            nameless.validate(),
            [
                error("name", None, Required),
                error("email", None, InvalidEmail),
                error("phone", None, InvalidPhone(PhoneError::InvalidCharacter)),
            ]
        );
    }

    #[test]
    fn company_normalize_shares_the_contact_rules() {
        let mut company = Company {
            name: "  Rabet   Co ".into(),
            phones: vec![phone("021 8888 7777")],
            emails: vec![email("Info@Rabet.IR")],
            ..Company::default()
        };
        company.normalize();
        assert_eq!(company.name, "Rabet Co");
        assert_eq!(company.phones, [phone("+982188887777")]);
        assert_eq!(company.emails, [email("Info@rabet.ir")]);
    }

    fn valid_deal() -> Deal {
        Deal {
            title: "Website redesign".into(),
            pipeline_id: Id::from_string("p"),
            stage_id: Id::from_string("s"),
            value: Money::new(50_000_000, Currency::Toman),
            ..Deal::default()
        }
    }

    #[test]
    fn deal_rules() {
        assert_eq!(valid_deal().validate(), []);
        assert_eq!(
            Deal::default().validate(),
            [
                error("title", None, Required),
                error("pipeline_id", None, Required),
                error("stage_id", None, Required),
            ]
        );
        let negative = Deal {
            value: Money::new(-1, Currency::Usd),
            ..valid_deal()
        };
        assert_eq!(
            negative.validate(),
            [error("value", None, BelowMin { min: 0 })]
        );
        let lost = Deal {
            status: DealStatus::Lost,
            ..valid_deal()
        };
        assert_eq!(lost.validate(), [error("lost_reason", None, Required)]);
        let with_reason = Deal {
            lost_reason: "price".into(),
            ..lost
        };
        assert_eq!(with_reason.validate(), []);
    }

    #[test]
    fn line_rules_apply_to_deals_and_invoices() {
        let deal = Deal {
            lines: vec![
                LineItem {
                    description: " ".into(),
                    ..line(1, 100)
                },
                line(0, -5),
                LineItem {
                    discount: Discount::Percent {
                        basis_points: 10_001,
                    },
                    ..line(1, 100)
                },
                LineItem {
                    discount: Discount::Amount { minor: 201 },
                    ..line(2, 100)
                },
                LineItem {
                    discount: Discount::Amount { minor: 200 },
                    ..line(2, 100)
                },
                LineItem {
                    product_id: Some(Id::from_string("prod")),
                    description: String::new(),
                    ..line(1, 0)
                },
            ],
            ..valid_deal()
        };
        assert_eq!(
            deal.validate(),
            [
                error("lines.description", Some(0), Required),
                error("lines.quantity", Some(1), BelowMin { min: 1 }),
                error("lines.unit_price_minor", Some(1), BelowMin { min: 0 }),
                error(
                    "lines.discount",
                    Some(2),
                    OutOfRange {
                        min: 0,
                        max: 10_000
                    }
                ),
                error("lines.discount", Some(3), OutOfRange { min: 0, max: 200 }),
            ]
        );
    }

    #[test]
    fn invoice_rules() {
        let valid = Invoice {
            lines: vec![line(2, 1_000)],
            issue_date: Some(Day(20_000)),
            due_date: Some(Day(20_000)),
            tax_rate_bp: 1_000,
            ..Invoice::default()
        };
        assert_eq!(valid.validate(), []);
        assert_eq!(
            Invoice::default().validate(),
            [
                error("lines", None, Required),
                error("issue_date", None, Required)
            ]
        );
        let inverted = Invoice {
            due_date: Some(Day(19_999)),
            discount: Discount::Amount { minor: 2_001 },
            tax_rate_bp: 10_001,
            ..valid
        };
        assert_eq!(
            inverted.validate(),
            [
                error("discount", None, OutOfRange { min: 0, max: 2_000 }),
                error(
                    "tax_rate_bp",
                    None,
                    OutOfRange {
                        min: 0,
                        max: 10_000
                    }
                ),
                error(
                    "due_date",
                    None,
                    EarlierThan {
                        other: "issue_date"
                    }
                ),
            ]
        );
    }

    #[test]
    fn ticket_rules() {
        let ticket = Ticket {
            subject: "Refund".into(),
            created_at: 1_000,
            ..Ticket::default()
        };
        assert_eq!(ticket.validate(), []);
        for csat in 1..=5 {
            assert_eq!(
                Ticket {
                    csat: Some(csat),
                    ..ticket.clone()
                }
                .validate(),
                []
            );
        }
        for csat in [0, 6] {
            assert_eq!(
                Ticket {
                    csat: Some(csat),
                    ..ticket.clone()
                }
                .validate(),
                [error("csat", None, OutOfRange { min: 1, max: 5 })]
            );
        }
        let resolved_before_created = Ticket {
            resolved_at: Some(999),
            ..ticket
        };
        assert_eq!(
            resolved_before_created.validate(),
            [error(
                "resolved_at",
                None,
                EarlierThan {
                    other: "created_at"
                }
            )]
        );
        assert_eq!(
            Ticket::default().validate(),
            [error("subject", None, Required)]
        );
    }

    #[test]
    fn task_product_segment_and_campaign_rules() {
        assert_eq!(Task::default().validate(), [error("title", None, Required)]);
        assert_eq!(
            Task {
                title: "Call back".into(),
                ..Task::default()
            }
            .validate(),
            []
        );

        let free = Product {
            name: "Sample".into(),
            ..Product::default()
        };
        assert_eq!(free.validate(), []);
        let negative = Product {
            price: Money::new(-1, Currency::Irr),
            ..free
        };
        assert_eq!(
            negative.validate(),
            [error("price", None, BelowMin { min: 0 })]
        );
        assert_eq!(
            Product::default().validate(),
            [error("name", None, Required)]
        );

        assert_eq!(
            Segment::default().validate(),
            [error("name", None, Required)]
        );

        let campaign = Campaign {
            name: "Nowruz".into(),
            cost: Money::new(-5, Currency::Toman),
            start_date: Some(Day(10)),
            end_date: Some(Day(9)),
            ..Campaign::default()
        };
        assert_eq!(
            campaign.validate(),
            [
                error("cost", None, BelowMin { min: 0 }),
                error(
                    "end_date",
                    None,
                    EarlierThan {
                        other: "start_date"
                    }
                ),
            ]
        );
    }

    #[test]
    fn pipeline_rules() {
        let stage = |id: &str, name: &str, probability_pct| Stage {
            id: Id::from_string(id),
            name: name.into(),
            probability_pct,
            outcome: DealStatus::Open,
        };
        let pipeline = Pipeline {
            name: "Sales".into(),
            stages: vec![stage("a", "Lead", 10), stage("a", "", 101)],
            ..Pipeline::default()
        };
        assert_eq!(
            pipeline.validate(),
            [
                error("stages.name", Some(1), Required),
                error(
                    "stages.probability_pct",
                    Some(1),
                    OutOfRange { min: 0, max: 100 }
                ),
                error("stages.id", Some(1), Duplicate),
            ]
        );
        assert_eq!(
            Pipeline::default().validate(),
            [
                error("name", None, Required),
                error("stages", None, Required)
            ]
        );
    }

    #[test]
    fn activity_and_settings_rules() {
        let message = Activity {
            kind: ActivityKind::Message,
            ..Activity::default()
        };
        assert_eq!(message.validate(), [error("channel", None, Required)]);
        let sent = Activity {
            channel: Some(MessageChannel::Whatsapp),
            ..message
        };
        assert_eq!(sent.validate(), []);
        assert_eq!(Activity::default().validate(), []);

        assert_eq!(Settings::default().validate(), []);
        let zero = Settings {
            stale_deal_days: 0,
            dormant_days: 0,
            ..Settings::default()
        };
        assert_eq!(
            zero.validate(),
            [
                error("stale_deal_days", None, BelowMin { min: 1 }),
                error("dormant_days", None, BelowMin { min: 1 }),
            ]
        );
    }

    #[test]
    fn errors_display_field_index_and_kind_for_logs() {
        let shown = error("phones", Some(2), InvalidPhone(PhoneError::WrongLength)).to_string();
        assert_eq!(shown, "phones[2]: InvalidPhone(WrongLength)");
    }
}
