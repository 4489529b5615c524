//! Turning CSV rows and vCards into contacts, with every row that is not imported accounted
//! for.
//!
//! Each input row ends up in exactly one place of the [`ImportOutcome`]:
//! - `contacts`: valid, new, ready to save;
//! - `duplicates`: valid, but looking like an existing contact or an earlier row of the same
//!   file (see [`crate::dedupe`]); not imported unless the user says "import anyway" or
//!   "merge";
//! - `rejected`: with its line, every reason, and the fields as read, so the user can fix and
//!   re-import them ([`rejected_csv`]);
//! - `empty_lines`: rows whose fields are all blank (spreadsheets leave such `,,,` rows at the
//!   end of a sheet); nothing to import or fix, so they are only counted.
//!
//! A row with more fields than the file has headers is rejected when an extra field holds
//! text: the usual cause is an unquoted delimiter inside a value, which shifts every later
//! column, so no field of that row can be trusted. Blank extra fields (a trailing delimiter)
//! are harmless and ignored.

use crate::csv::{self, Table};
use crate::custom_field::{FieldDefinition, Reading, ValueError};
use crate::dedupe::{match_key, DuplicateIndex, MatchReason};
use crate::id::Id;
use crate::model::{
    Company, Contact, Email, EmailLabel, LeadSource, LifecycleStage, Phone, PhoneLabel, TeamMember,
};
use crate::sorting::sort_by_key;
use crate::validate::{normalize_email, Validate, ValidationError};
use crate::vcard::{TypedValue, VCard, VCardError, VCardImport};
use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

/// What a column is imported as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ContactField {
    FirstName,
    LastName,
    /// First and last name in one; used only for rows whose first and last name are both
    /// empty, and split there: the last word is the last name, the rest the first name.
    FullName,
    /// A company name; the importer reuses the company of that name or creates it.
    Company,
    JobTitle,
    Phone(PhoneLabel),
    Email(EmailLabel),
    WhatsApp,
    Telegram,
    Address,
    /// Several tags separated by `,` `،` `;` or `|`.
    Tags,
    /// A [`LifecycleStage`] in English or Persian.
    LifecycleStage,
    /// A [`LeadSource`] in English or Persian.
    LeadSource,
    /// A team member's name or e-mail.
    Owner,
    Notes,
    /// Chosen by the user to skip a column.
    Ignore,
    /// A custom field of contacts: the position of its definition among the import's
    /// ([`ImportContext::with_custom_fields`]), read by its type.
    Custom(usize),
}

impl ContactField {
    /// Every choice, in the order a mapping menu lists them.
    pub const ALL: &'static [ContactField] = &[
        ContactField::FirstName,
        ContactField::LastName,
        ContactField::FullName,
        ContactField::Company,
        ContactField::JobTitle,
        ContactField::Phone(PhoneLabel::Mobile),
        ContactField::Phone(PhoneLabel::Work),
        ContactField::Phone(PhoneLabel::Home),
        ContactField::Phone(PhoneLabel::Fax),
        ContactField::Phone(PhoneLabel::Other),
        ContactField::Email(EmailLabel::Work),
        ContactField::Email(EmailLabel::Personal),
        ContactField::Email(EmailLabel::Other),
        ContactField::WhatsApp,
        ContactField::Telegram,
        ContactField::Address,
        ContactField::Tags,
        ContactField::LifecycleStage,
        ContactField::LeadSource,
        ContactField::Owner,
        ContactField::Notes,
        ContactField::Ignore,
    ];

    /// Whether several columns may be imported as this field (their values add up). Other
    /// fields are guessed for one column at most; a user mapping two columns to one of them
    /// gets their values joined.
    pub fn allows_many_columns(self) -> bool {
        matches!(
            self,
            ContactField::Phone(_)
                | ContactField::Email(_)
                | ContactField::Tags
                | ContactField::Notes
                | ContactField::Ignore
        )
    }
}

/// Header names recognised by [`guess_mapping`], separated by `|` and compared as
/// [`header_key`]s (so "first name" also stands for "FirstName" and "first_name").
const HEADER_NAMES: &[(ContactField, &str)] = &[
    (
        ContactField::FirstName,
        "first name|first|given name|given|forename|fname|نام|اسم|نام کوچک",
    ),
    (
        ContactField::LastName,
        "last name|last|surname|family name|family|lname|نام خانوادگی|فامیلی|فامیل|شهرت",
    ),
    (
        ContactField::FullName,
        "name|full name|display name|contact name|customer name|نام و نام خانوادگی|نام کامل|\
         نام مشتری",
    ),
    (
        ContactField::Company,
        "company|company name|organization|organisation|org|business|account name|شرکت|\
         نام شرکت|سازمان|نام سازمان|کسب و کار",
    ),
    (
        ContactField::JobTitle,
        "job title|position|role|سمت|عنوان شغلی|شغل",
    ),
    (
        ContactField::Phone(PhoneLabel::Mobile),
        "mobile|mobile phone|cell|cell phone|phone|contact number|tel|telephone|موبایل|\
         تلفن همراه|همراه|شماره تماس|شماره تلفن|شماره|تلفن",
    ),
    (
        ContactField::Phone(PhoneLabel::Work),
        "work phone|business phone|office phone|تلفن محل کار|تلفن کار|تلفن شرکت",
    ),
    (
        ContactField::Phone(PhoneLabel::Home),
        "home phone|landline|تلفن منزل|تلفن ثابت|تلفن خانه",
    ),
    (
        ContactField::Phone(PhoneLabel::Fax),
        "fax|business fax|home fax|فکس|نمابر",
    ),
    (ContactField::Phone(PhoneLabel::Other), "other phone"),
    (
        ContactField::Email(EmailLabel::Work),
        "email|mail|email address|work email|business email|ایمیل|پست الکترونیک|\
         پست الکترونیکی|رایانامه|ایمیل کاری",
    ),
    (
        ContactField::Email(EmailLabel::Personal),
        "personal email|home email|ایمیل شخصی",
    ),
    (ContactField::WhatsApp, "whatsapp|واتساپ|واتس اپ"),
    (ContactField::Telegram, "telegram|telegram id|تلگرام"),
    (ContactField::Address, "address|street address|آدرس|نشانی"),
    (
        ContactField::Tags,
        "tags|tag|labels|label|categories|برچسب|برچسب‌ها|تگ|تگ‌ها",
    ),
    (
        ContactField::LifecycleStage,
        "stage|lifecycle stage|lifecycle|مرحله|مرحله مشتری|وضعیت مشتری",
    ),
    (
        ContactField::LeadSource,
        "source|lead source|channel|منبع|منبع سرنخ|کانال|نحوه آشنایی|روش آشنایی",
    ),
    (
        ContactField::Owner,
        "owner|contact owner|assigned to|salesperson|sales rep|مسئول|کارشناس|کارشناس فروش|مالک",
    ),
    (
        ContactField::Notes,
        "notes|note|comments|comment|description|remarks|یادداشت|یادداشت‌ها|توضیحات|توضیح",
    ),
];

/// How a header is compared: [`match_key`] without ASCII digits, so "First Name",
/// "first_name" and "FIRST-NAME" are one header, and so are "Phone 2" and "phone".
fn header_key(header: &str) -> String {
    match_key(header)
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .collect()
}

/// Words that header names add around the field name: "Phone 1 - Value" (Google), "Primary
/// Phone", "Mobile Phone Number" (HubSpot), "شماره موبایل".
const HEADER_FILLERS: &[&str] = &["value", "number", "primary", "main", "شماره", "اصلی"];

/// Guesses what each column holds from its header, in English or Persian, ignoring case,
/// spaces, punctuation, numbering and Arabic letter forms. Unrecognised headers get `None`
/// (and are not imported unless the user maps them).
///
/// Only whole header names are recognised, never a word inside one: "Phone 1 - Type" holds
/// labels and "Email Opt Out" yes/no answers, and reading them as numbers or addresses would
/// reject every row. Phones, e-mails, tags and notes may come from several columns; any other
/// field is guessed for the first column that names it only.
pub fn guess_mapping(headers: &[String]) -> Vec<Option<ContactField>> {
    let known: HashMap<String, ContactField> = HEADER_NAMES
        .iter()
        .flat_map(|(field, names)| names.split('|').map(|name| (header_key(name), *field)))
        .collect();
    let mut taken = Vec::new();
    headers
        .iter()
        .map(|header| {
            let key = header_key(header);
            let field = known
                .get(&key)
                .or_else(|| known.get(without_fillers(&key)))
                .copied()?;
            if field.allows_many_columns() {
                return Some(field);
            }
            if taken.contains(&field) {
                return None;
            }
            taken.push(field);
            Some(field)
        })
        .collect()
}

fn without_fillers(mut key: &str) -> &str {
    while let Some(shorter) = HEADER_FILLERS.iter().find_map(|filler| {
        key.strip_prefix(filler)
            .or_else(|| key.strip_suffix(filler))
    }) {
        key = shorter;
    }
    key
}

/// Words accepted for each lifecycle stage besides its stored name, separated by `|`.
const STAGE_WORDS: &[(LifecycleStage, &str)] = &[
    (LifecycleStage::Lead, "سرنخ|لید"),
    (
        LifecycleStage::Prospect,
        "مشتری بالقوه|مشتری احتمالی|مشتری راغب",
    ),
    (LifecycleStage::Customer, "client|مشتری|خریدار"),
    (LifecycleStage::Inactive, "dormant|غیرفعال|راکد"),
    (
        LifecycleStage::Churned,
        "churn|lost|ریزش|ریزش کرده|از دست رفته",
    ),
];

/// Words accepted for each lead source besides its stored name, separated by `|`.
const SOURCE_WORDS: &[(LeadSource, &str)] = &[
    (LeadSource::Website, "web|site|web site|وبسایت|سایت|وب"),
    (LeadSource::Instagram, "insta|اینستاگرام|اینستا"),
    (LeadSource::Telegram, "تلگرام"),
    (LeadSource::Phone, "call|تلفن|تماس|تماس تلفنی"),
    (LeadSource::Referral, "referred|معرفی|معرف"),
    (LeadSource::Exhibition, "expo|fair|trade show|نمایشگاه"),
    (LeadSource::Campaign, "کمپین"),
    (LeadSource::WalkIn, "حضوری|مراجعه حضوری"),
    (LeadSource::Other, "سایر|دیگر"),
];

/// Built once: every row of a large import looks its stage and source up here.
static STAGES_BY_KEY: LazyLock<HashMap<String, LifecycleStage>> =
    LazyLock::new(|| words_by_key(LifecycleStage::ALL, LifecycleStage::as_str, STAGE_WORDS));
static SOURCES_BY_KEY: LazyLock<HashMap<String, LeadSource>> =
    LazyLock::new(|| words_by_key(LeadSource::ALL, LeadSource::as_str, SOURCE_WORDS));

/// Maps the [`match_key`] of each value's stored name and extra words to the value, so that
/// "Walk-in", "walk_in" and "WALK IN" all read as [`LeadSource::WalkIn`].
fn words_by_key<T: Copy>(
    values: &[T],
    stored_name: impl Fn(T) -> &'static str,
    words: &[(T, &'static str)],
) -> HashMap<String, T> {
    let stored = values.iter().map(|&value| (value, stored_name(value)));
    let extra = words
        .iter()
        .flat_map(|&(value, words)| words.split('|').map(move |word| (value, word)));
    stored
        .chain(extra)
        .map(|(value, word)| (match_key(word), value))
        .collect()
}

/// Reads a lifecycle stage written in English or Persian ("customer", "مشتری").
pub fn parse_lifecycle_stage(text: &str) -> Option<LifecycleStage> {
    STAGES_BY_KEY.get(&match_key(text)).copied()
}

/// Reads a lead source written in English or Persian ("Instagram", "اینستاگرام").
pub fn parse_lead_source(text: &str) -> Option<LeadSource> {
    SOURCES_BY_KEY.get(&match_key(text)).copied()
}

/// Why a row was not imported. The app words it in the user's language; [`fmt::Display`]
/// gives a stable, language-neutral code for logs and files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RejectReason {
    /// The row has text in fields beyond the last header.
    ExtraFields {
        headers: usize,
        fields: usize,
    },
    UnknownLifecycleStage(String),
    UnknownLeadSource(String),
    /// No team member has this name or e-mail.
    UnknownOwner(String),
    /// The contact breaks a validation rule. `field` is `"company"` for the company name.
    Invalid(ValidationError),
    /// The vCard could not be read.
    UnreadableCard(VCardError),
    /// A custom field's value does not read as its type (or a required one is empty).
    CustomValue {
        label_en: String,
        label_fa: String,
        error: ValueError,
    },
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RejectReason::ExtraFields { headers, fields } => {
                write!(f, "extra_fields({fields} > {headers})")
            }
            RejectReason::UnknownLifecycleStage(text) => {
                write!(f, "unknown_lifecycle_stage({text:?})")
            }
            RejectReason::UnknownLeadSource(text) => write!(f, "unknown_lead_source({text:?})"),
            RejectReason::UnknownOwner(text) => write!(f, "unknown_owner({text:?})"),
            RejectReason::Invalid(error) => write!(f, "invalid({error})"),
            RejectReason::UnreadableCard(error) => write!(f, "unreadable_card({error})"),
            RejectReason::CustomValue {
                label_en, error, ..
            } => write!(f, "custom_value({label_en:?}: {error})"),
        }
    }
}

/// A row that was not imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RejectedRow {
    /// The 1-based line the row (or the card's `BEGIN:VCARD`) starts on.
    pub line: usize,
    /// Every reason found, never empty.
    pub reasons: Vec<RejectReason>,
    /// The row's fields as read; empty for vCards.
    pub raw: Vec<String>,
}

/// A valid row that looks like a contact already known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateRow {
    pub line: usize,
    /// The contact as it would be imported (with its own new id), for "import anyway" or to
    /// [`merge`](crate::dedupe::merge) into a match.
    pub contact: Contact,
    /// The contacts it looks like, strongest reason first: existing ones, or contacts of
    /// earlier rows (in [`ImportOutcome::contacts`]).
    pub matches: Vec<(Id, MatchReason)>,
}

/// Where every row of one import went; see the module documentation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    pub contacts: Vec<Contact>,
    /// Companies named by imported or duplicate rows that did not exist, owned by the owner of
    /// the first such row; save them with the contacts.
    pub new_companies: Vec<Company>,
    /// In line order.
    pub rejected: Vec<RejectedRow>,
    pub duplicates: Vec<DuplicateRow>,
    /// Lines of rows with nothing but blank fields.
    pub empty_lines: Vec<usize>,
}

impl ImportOutcome {
    /// The rows this outcome accounts for, each in one of its lists.
    pub fn rows(&self) -> usize {
        self.contacts.len() + self.rejected.len() + self.duplicates.len() + self.empty_lines.len()
    }

    /// Adds the outcome of a later part of the same import (see [`import_part`]).
    pub fn absorb(&mut self, later: ImportOutcome) {
        self.contacts.extend(later.contacts);
        self.new_companies.extend(later.new_companies);
        self.rejected.extend(later.rejected);
        self.duplicates.extend(later.duplicates);
        self.empty_lines.extend(later.empty_lines);
    }
}

/// What an import needs from the workspace. It remembers what imports add (contacts for
/// duplicate detection, new companies), so importing a CSV and then a vCard with one context
/// reuses the companies and finds duplicates across both.
pub struct ImportContext<'a> {
    new_id: &'a mut dyn FnMut() -> Id,
    created_at: i64,
    default_owner: Option<Id>,
    companies_by_key: HashMap<String, Id>,
    owners_by_key: HashMap<String, Id>,
    duplicates: DuplicateIndex,
    custom_fields: Vec<FieldDefinition>,
    reading: Option<Reading>,
}

impl<'a> ImportContext<'a> {
    /// `new_id` makes a fresh id per call (for contacts and new companies), `created_at` (Unix
    /// ms) stamps them, `default_owner` owns rows that name no owner; `companies`, `team`
    /// and `contacts` are the workspace's current records.
    pub fn new(
        new_id: &'a mut dyn FnMut() -> Id,
        created_at: i64,
        default_owner: Option<Id>,
        companies: &[Company],
        team: &[TeamMember],
        contacts: &[Contact],
    ) -> Self {
        let companies_by_key = companies
            .iter()
            .map(|company| (match_key(&company.name), company.id.clone()))
            .collect();
        let owners_by_key = team
            .iter()
            .flat_map(|member| {
                let email = normalize_email(&member.email).to_lowercase();
                [match_key(&member.name), email].map(|key| (key, member.id.clone()))
            })
            .filter(|(key, _)| !key.is_empty())
            .collect();
        ImportContext {
            new_id,
            created_at,
            default_owner,
            companies_by_key,
            owners_by_key,
            duplicates: DuplicateIndex::new(contacts),
            custom_fields: Vec::new(),
            reading: None,
        }
    }

    /// The contacts' custom fields that columns may be mapped to
    /// ([`ContactField::Custom`] is a position in `fields`), read in `reading`; a required
    /// one left empty rejects the row.
    pub fn with_custom_fields(mut self, fields: Vec<FieldDefinition>, reading: Reading) -> Self {
        self.custom_fields = fields;
        self.reading = Some(reading);
        self
    }

    /// The custom fields columns may be mapped to.
    pub fn custom_fields(&self) -> &[FieldDefinition] {
        &self.custom_fields
    }
}

/// Maps each column left unrecognised by [`guess_mapping`] whose header is a custom field's
/// label, in English or Persian, to that field (at most one column each).
pub fn guess_custom_columns(
    headers: &[String],
    fields: &[FieldDefinition],
    mapping: &mut [Option<ContactField>],
) {
    for (index, field) in fields.iter().enumerate() {
        let labels = [header_key(&field.label_en), header_key(&field.label_fa)];
        let taken = mapping.contains(&Some(ContactField::Custom(index)));
        let column = headers
            .iter()
            .zip(mapping.iter())
            .position(|(header, mapped)| mapped.is_none() && labels.contains(&header_key(header)));
        if let (false, Some(column)) = (taken, column) {
            mapping[column] = Some(ContactField::Custom(index));
        }
    }
}

/// A row read into contact fields, before the values that need the workspace (company,
/// owner) or parsing (stage, source) are resolved.
#[derive(Default)]
struct Draft {
    contact: Contact,
    full_name: String,
    company: String,
    stage: String,
    source: String,
    owner: String,
    /// Custom fields' texts by their position in the context's.
    custom: Vec<(usize, String)>,
}

/// Imports the rows of a CSV file, reading column `i` as `mapping[i]` (`None` or missing
/// means ignored).
pub fn import_rows(
    table: &Table,
    mapping: &[Option<ContactField>],
    ctx: &mut ImportContext<'_>,
) -> ImportOutcome {
    import_part(table, &table.rows, mapping, ctx)
}

/// [`import_rows`] for `rows`, a part of `table`'s: an app checks a large file a part at a
/// time with one context (each part's rows are checked against the parts before it, as they
/// would be in one go) and saves each part while checking the next; a preview checks the
/// first rows.
pub fn import_part(
    table: &Table,
    rows: &[crate::csv::Record],
    mapping: &[Option<ContactField>],
    ctx: &mut ImportContext<'_>,
) -> ImportOutcome {
    let mut outcome = ImportOutcome::default();
    let headers = table.headers.len();
    for row in rows {
        if row.fields.iter().all(|field| field.trim().is_empty()) {
            outcome.empty_lines.push(row.line);
            continue;
        }
        let draft = if row.fields[headers.min(row.fields.len())..]
            .iter()
            .any(|extra| !extra.trim().is_empty())
        {
            Err(vec![RejectReason::ExtraFields {
                headers,
                fields: row.fields.len(),
            }])
        } else {
            Ok(draft_from_row(row, mapping))
        };
        settle(&mut outcome, ctx, row.line, draft, &row.fields);
    }
    outcome
}

fn draft_from_row(row: &csv::Record, mapping: &[Option<ContactField>]) -> Draft {
    let mut draft = Draft::default();
    let contact = &mut draft.contact;
    for (column, field) in mapping.iter().enumerate() {
        let value = row.get(column).trim();
        let Some(field) = field.filter(|_| !value.is_empty()) else {
            continue;
        };
        match field {
            ContactField::FirstName => append(&mut contact.first_name, value, " "),
            ContactField::LastName => append(&mut contact.last_name, value, " "),
            ContactField::FullName => append(&mut draft.full_name, value, " "),
            ContactField::Company => append(&mut draft.company, value, " "),
            ContactField::JobTitle => append(&mut contact.job_title, value, " "),
            ContactField::Phone(label) => {
                contact.phones.extend(split_list(value).map(|number| Phone {
                    label,
                    number: number.to_owned(),
                }))
            }
            ContactField::Email(label) => {
                contact
                    .emails
                    .extend(split_list(value).map(|address| Email {
                        label,
                        address: address.to_owned(),
                    }))
            }
            ContactField::WhatsApp => append(&mut contact.whatsapp, value, " "),
            ContactField::Telegram => append(&mut contact.telegram, value, " "),
            ContactField::Address => append(&mut contact.address.line, value, ", "),
            ContactField::Tags => contact.tags.extend(split_list(value).map(str::to_owned)),
            ContactField::LifecycleStage => append(&mut draft.stage, value, " "),
            ContactField::LeadSource => append(&mut draft.source, value, " "),
            ContactField::Owner => append(&mut draft.owner, value, " "),
            ContactField::Notes => append(&mut contact.notes, value, "\n"),
            ContactField::Custom(index) => draft.custom.push((index, value.to_owned())),
            ContactField::Ignore => {}
        }
    }
    draft
}

/// Splits a cell holding several values (tags, or several phones or e-mails in one cell) at
/// `,` `،` (Persian comma) `;` and `|`.
fn split_list(value: &str) -> impl Iterator<Item = &str> {
    value
        .split([',', '،', ';', '|'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

fn append(text: &mut String, value: &str, separator: &str) {
    if !text.is_empty() {
        text.push_str(separator);
    }
    text.push_str(value);
}

/// Imports the cards of a vCard file; cards that could not be read are rejected with their
/// error. The line of a card is the line of its `BEGIN:VCARD`.
///
/// Card data with no contact field of its own (web addresses, birthday, messengers other than
/// WhatsApp and Telegram) is appended to the notes, one `label: value` line each, rather than
/// dropped.
pub fn import_vcards(parsed: &VCardImport, ctx: &mut ImportContext<'_>) -> ImportOutcome {
    let mut outcome = ImportOutcome::default();
    for error in &parsed.errors {
        let reasons = vec![RejectReason::UnreadableCard(error.clone())];
        settle(&mut outcome, ctx, error.line(), Err(reasons), &[]);
    }
    for card in &parsed.cards {
        settle(&mut outcome, ctx, card.line, Ok(draft_from_card(card)), &[]);
    }
    sort_by_key(&mut outcome.rejected, |row| row.line);
    outcome
}

fn draft_from_card(card: &VCard) -> Draft {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let mut draft = Draft {
        contact: Contact {
            first_name: text(&card.given_name),
            last_name: text(&card.family_name),
            job_title: text(&card.title),
            phones: card.phones.iter().map(card_phone).collect(),
            emails: card.emails.iter().map(card_email).collect(),
            notes: text(&card.note),
            ..Contact::default()
        },
        full_name: text(&card.full_name),
        company: text(&card.organization),
        ..Draft::default()
    };
    draft.contact.address = card.address.clone().unwrap_or_default();
    draft.contact.tags = card.categories.clone();
    let mut leftovers = Vec::new();
    for messenger in &card.messengers {
        let slot = match messenger.service.as_str() {
            "whatsapp" => Some(&mut draft.contact.whatsapp),
            "telegram" => Some(&mut draft.contact.telegram),
            _ => None,
        };
        match slot {
            Some(slot) if slot.is_empty() => *slot = messenger.handle.clone(),
            _ => leftovers.push((messenger.service.as_str(), messenger.handle.as_str())),
        }
    }
    leftovers.extend(card.urls.iter().map(|url| ("url", url.as_str())));
    leftovers.extend(card.birthday.as_deref().map(|day| ("birthday", day)));
    for (label, value) in leftovers {
        append(&mut draft.contact.notes, &format!("{label}: {value}"), "\n");
    }
    draft
}

/// The phone label of a card's `TEL` types; a fax is never called, so it goes first.
fn card_phone(tel: &TypedValue) -> Phone {
    let has = |names: &[&str]| tel.labels.iter().any(|l| names.contains(&l.as_str()));
    let label = if has(&["fax"]) {
        PhoneLabel::Fax
    } else if has(&["cell", "mobile", "iphone"]) {
        PhoneLabel::Mobile
    } else if has(&["work"]) {
        PhoneLabel::Work
    } else if has(&["home"]) {
        PhoneLabel::Home
    } else if has(&["other"]) {
        PhoneLabel::Other
    } else {
        PhoneLabel::default()
    };
    Phone {
        label,
        number: tel.value.clone(),
    }
}

fn card_email(email: &TypedValue) -> Email {
    let has = |name: &str| email.labels.iter().any(|l| l == name);
    let label = if has("home") || has("personal") {
        EmailLabel::Personal
    } else if has("other") {
        EmailLabel::Other
    } else {
        EmailLabel::Work
    };
    Email {
        label,
        address: email.value.clone(),
    }
}

/// Finishes one row: resolves, validates and files it as a contact, a duplicate or a
/// rejection.
fn settle(
    outcome: &mut ImportOutcome,
    ctx: &mut ImportContext<'_>,
    line: usize,
    draft: Result<Draft, Vec<RejectReason>>,
    raw: &[String],
) {
    let contact = draft.and_then(|draft| resolve(draft, ctx, &mut outcome.new_companies));
    match contact {
        Err(reasons) => outcome.rejected.push(RejectedRow {
            line,
            reasons,
            raw: raw.to_vec(),
        }),
        Ok(contact) => {
            let matches = ctx.duplicates.insert_unless_duplicate(&contact);
            if matches.is_empty() {
                outcome.contacts.push(contact);
            } else {
                outcome.duplicates.push(DuplicateRow {
                    line,
                    contact,
                    matches,
                });
            }
        }
    }
}

/// Turns a draft into a valid contact with an id, or every reason it cannot be one. The
/// company is looked up (or created) last, so rejected rows create none.
fn resolve(
    draft: Draft,
    ctx: &mut ImportContext<'_>,
    new_companies: &mut Vec<Company>,
) -> Result<Contact, Vec<RejectReason>> {
    let Draft {
        mut contact,
        full_name,
        company,
        stage,
        source,
        owner,
        custom,
    } = draft;
    let mut reasons = Vec::new();
    if let Some(reading) = ctx.reading {
        for (index, field) in ctx.custom_fields.iter().enumerate() {
            let text = custom
                .iter()
                .find(|(column, _)| *column == index)
                .map_or("", |(_, text)| text.as_str());
            match field.parse(text, reading) {
                Ok(value) => contact.custom.set(field, value),
                Err(error) => reasons.push(RejectReason::CustomValue {
                    label_en: field.label_en.clone(),
                    label_fa: field.label_fa.clone(),
                    error,
                }),
            }
        }
    }
    if contact.first_name.trim().is_empty() && contact.last_name.trim().is_empty() {
        (contact.first_name, contact.last_name) = split_full_name(&full_name);
    }
    if !stage.is_empty() {
        match parse_lifecycle_stage(&stage) {
            // The import does not know when the stage was reached, so it stamps no change
            // times: stamping the import time would count old customers as new conversions.
            Some(stage) => contact.lifecycle_stage = stage,
            None => reasons.push(RejectReason::UnknownLifecycleStage(stage)),
        }
    }
    if !source.is_empty() {
        match parse_lead_source(&source) {
            Some(parsed) => contact.source = Some(parsed),
            None => reasons.push(RejectReason::UnknownLeadSource(source)),
        }
    }
    contact.owner_id = if owner.is_empty() {
        ctx.default_owner.clone()
    } else {
        let by_email = normalize_email(&owner).to_lowercase();
        let found = ctx.owners_by_key.get(&match_key(&owner));
        let found = found.or_else(|| ctx.owners_by_key.get(&by_email)).cloned();
        if found.is_none() {
            reasons.push(RejectReason::UnknownOwner(owner));
        }
        found
    };
    contact.normalize();
    reasons.extend(contact.validate().into_iter().map(RejectReason::Invalid));
    let company_key = match_key(&company);
    let existing_company = ctx.companies_by_key.get(&company_key).cloned();
    let new_company = (existing_company.is_none() && !company_key.is_empty()).then(|| {
        let mut new = Company {
            name: company,
            ..Company::default()
        };
        new.normalize();
        new
    });
    if let Some(company) = &new_company {
        let errors = company.validate().into_iter().map(|error| ValidationError {
            field: "company",
            ..error
        });
        reasons.extend(errors.map(RejectReason::Invalid));
    }
    if !reasons.is_empty() {
        return Err(reasons);
    }
    contact.company_id = existing_company.or_else(|| {
        let mut company = new_company?;
        company.id = (ctx.new_id)();
        company.owner_id = contact.owner_id.clone();
        company.created_at = ctx.created_at;
        ctx.companies_by_key.insert(company_key, company.id.clone());
        let id = company.id.clone();
        new_companies.push(company);
        Some(id)
    });
    contact.id = (ctx.new_id)();
    contact.created_at = ctx.created_at;
    Ok(contact)
}

/// Splits a full name at its last space: the last word is the last name, the rest the first
/// name ("محمد رضا کریمی" → "محمد رضا", "کریمی"); a single word is a first name. Compound
/// last names written with a ZWNJ ("علی‌زاده") stay whole, as ZWNJ is not a space.
fn split_full_name(full_name: &str) -> (String, String) {
    let full_name = full_name.trim();
    match full_name.rsplit_once(char::is_whitespace) {
        Some((first, last)) => (first.trim().to_owned(), last.to_owned()),
        None => (full_name.to_owned(), String::new()),
    }
}

/// The rejected rows as CSV, to download, fix and import again: a `line` and a `reason`
/// column (each reason worded by `describe`, joined by "; "), then the original columns with
/// the row's fields as read. The two columns come first so rows with extra fields stay
/// aligned under the original headers; re-importing ignores them as no header guess matches.
pub fn rejected_csv(
    outcome: &ImportOutcome,
    headers: &[String],
    describe: &dyn Fn(&RejectReason) -> String,
) -> String {
    let header_row = ["line", "reason"]
        .into_iter()
        .map(str::to_owned)
        .chain(headers.iter().cloned());
    let header_row: Vec<String> = header_row.collect();
    let rows = outcome.rejected.iter().map(|row| {
        let reasons: Vec<String> = row.reasons.iter().map(describe).collect();
        [row.line.to_string(), reasons.join("; ")]
            .into_iter()
            .chain(row.raw.iter().cloned())
            .collect::<Vec<_>>()
    });
    csv::write(&header_row, rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{PhoneError, ValidationErrorKind};
    use crate::vcard;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| item.to_string()).collect()
    }

    /// Sequential ids "id-1", "id-2" …
    fn counter() -> impl FnMut() -> Id {
        let mut made = 0;
        move || {
            made += 1;
            Id::from_string(format!("id-{made}"))
        }
    }

    fn team() -> Vec<TeamMember> {
        vec![TeamMember {
            id: Id::from_string("sara"),
            name: "سارا کریمی".into(),
            email: "sara@rabet.ir".into(),
            ..TeamMember::default()
        }]
    }

    fn existing_company() -> Company {
        Company {
            id: Id::from_string("acme"),
            name: "شرکت پارس کالا".into(),
            ..Company::default()
        }
    }

    fn existing_contact() -> Contact {
        Contact {
            id: Id::from_string("known"),
            first_name: "Reza".into(),
            phones: vec![Phone {
                number: "+989350000000".into(),
                ..Phone::default()
            }],
            ..Contact::default()
        }
    }

    /// Imports CSV text with the guessed mapping into a workspace with one company, one team
    /// member and one contact.
    fn import_csv(text: &str) -> ImportOutcome {
        import_csv_in_parts(text, usize::MAX)
    }

    /// [`import_csv`], checking `part` rows at a time with one context.
    fn import_csv_in_parts(text: &str, part: usize) -> ImportOutcome {
        let table = csv::parse(text).unwrap();
        let mapping = guess_mapping(&table.headers);
        let mut new_id = counter();
        let (companies, team, contacts) = ([existing_company()], team(), [existing_contact()]);
        let default_owner = Some(Id::from_string("me"));
        let mut ctx = ImportContext::new(
            &mut new_id,
            1_000,
            default_owner,
            &companies,
            &team,
            &contacts,
        );
        if part >= table.rows.len() {
            return import_rows(&table, &mapping, &mut ctx);
        }
        let mut outcome = ImportOutcome::default();
        for rows in table.rows.chunks(part) {
            let later = import_part(&table, rows, &mapping, &mut ctx);
            assert_eq!(later.rows(), rows.len(), "every row accounted for");
            outcome.absorb(later);
        }
        outcome
    }

    #[test]
    fn a_file_checked_in_parts_is_imported_as_in_one_go() {
        // Duplicates of earlier parts' rows, a new company named in two parts, rejected and
        // empty rows.
        let text = "Name,Phone,Email,Company,Stage\n\
                    Ali,09121234567,ali@x.ir,Nova,customer\n\
                    Reza,+98 935 000 0000,,,\n\
                    ,,,,\n\
                    Sara,,sara@x.ir,Nova,\n\
                    Bad,,not-an-email,,hot\n\
                    Ali R.,,ALI@x.ir,,\n\
                    Mina,09120000001,,شرکت پارس کالا,lead\n";
        let whole = import_csv(text);
        assert_eq!(whole.new_companies.len(), 1);
        assert_eq!(whole.duplicates.len(), 2);
        assert!(!whole.rejected.is_empty() && !whole.empty_lines.is_empty());
        for part in 1..=4 {
            assert_eq!(import_csv_in_parts(text, part), whole, "parts of {part}");
        }
    }

    #[test]
    fn custom_columns_are_guessed_by_label_and_bad_values_rejected_with_their_line() {
        use crate::calendar::{parse_day, Calendar};
        use crate::custom_field::{ChoiceOption, CustomValue, FieldType};
        use crate::money::Currency;
        let renewal = FieldDefinition {
            id: Id::from_string("renewal"),
            field_type: FieldType::Date,
            label_en: "Renewal".into(),
            label_fa: "تمدید".into(),
            ..FieldDefinition::default()
        };
        let tier = FieldDefinition {
            id: Id::from_string("tier"),
            field_type: FieldType::Choice,
            label_en: "Tier".into(),
            label_fa: "سطح".into(),
            required: true,
            options: vec![ChoiceOption {
                id: "gold".into(),
                label_en: "Gold".into(),
                label_fa: "طلایی".into(),
            }],
            ..FieldDefinition::default()
        };
        let fields = vec![renewal.clone(), tier.clone()];
        let text = "نام,تمدید,Tier\nسارا,۱۴۰۳/۰۱/۱۵,طلایی\nBita,1403/13/01,Gold\nCyrus,,\n";
        let table = csv::parse(text).unwrap();
        let mut mapping = guess_mapping(&table.headers);
        guess_custom_columns(&table.headers, &fields, &mut mapping);
        assert_eq!(
            mapping,
            [
                Some(ContactField::FirstName),
                Some(ContactField::Custom(0)),
                Some(ContactField::Custom(1))
            ]
        );
        let mut new_id = counter();
        let reading = Reading {
            calendar: Calendar::Jalali,
            currency: Currency::Toman,
        };
        let mut ctx = ImportContext::new(&mut new_id, 1_000, None, &[], &[], &[])
            .with_custom_fields(fields, reading);
        let outcome = import_rows(&table, &mapping, &mut ctx);

        assert_eq!(outcome.contacts.len(), 1);
        let sara = &outcome.contacts[0];
        assert_eq!(
            sara.custom.get(&renewal),
            Some(CustomValue::Date(
                parse_day("1403/01/15", Calendar::Jalali).unwrap()
            ))
        );
        assert_eq!(
            sara.custom.get(&tier),
            Some(CustomValue::Choice("gold".into()))
        );
        // Line 3: not a Jalali day; line 4: the required tier is missing.
        let rejected: Vec<(usize, Vec<String>)> = outcome
            .rejected
            .iter()
            .map(|row| {
                (
                    row.line,
                    row.reasons.iter().map(ToString::to_string).collect(),
                )
            })
            .collect();
        assert_eq!(
            rejected,
            [
                (
                    3,
                    vec!["custom_value(\"Renewal\": not a date in the workspace calendar)".into()]
                ),
                (
                    4,
                    vec!["custom_value(\"Tier\": a value is required)".into()]
                ),
            ]
        );
    }

    #[test]
    fn guesses_english_and_persian_headers() {
        use ContactField::*;
        let headers = strings(&[
            "First Name",
            "last_name",
            "نام و نام خانوادگی",
            "E-mail",
            "Mobile Phone Number",
            "تلفن محل كار",
            "Organization",
            "برچسب‌ها",
            "مرحله",
            "Lead Source",
            "مسئول",
            "توضيحات",
            "نشانی",
            "Phone 2",
            "WhatsApp",
        ]);
        assert_eq!(
            guess_mapping(&headers),
            [
                Some(FirstName),
                Some(LastName),
                Some(FullName),
                Some(Email(EmailLabel::Work)),
                Some(Phone(PhoneLabel::Mobile)),
                Some(Phone(PhoneLabel::Work)),
                Some(Company),
                Some(Tags),
                Some(LifecycleStage),
                Some(LeadSource),
                Some(Owner),
                Some(Notes),
                Some(Address),
                Some(Phone(PhoneLabel::Mobile)),
                Some(WhatsApp),
            ]
        );
        let persian = strings(&[
            "نام",
            "نام خانوادگي",
            "فامیلی",
            "شماره تماس",
            "ایمیل",
            "شرکت",
        ]);
        assert_eq!(
            guess_mapping(&persian),
            [
                Some(FirstName),
                Some(LastName),
                None,
                Some(Phone(PhoneLabel::Mobile)),
                Some(Email(EmailLabel::Work)),
                Some(Company),
            ]
        );
    }

    #[test]
    fn guesses_only_whole_header_names() {
        use ContactField::*;
        let google = strings(&[
            "Given Name",
            "Family Name",
            "E-mail 1 - Value",
            "Phone 1 - Type",
            "Phone 1 - Value",
            "Email Opt Out",
            "line",
            "reason",
            "First name",
        ]);
        assert_eq!(
            guess_mapping(&google),
            [
                Some(FirstName),
                Some(LastName),
                Some(Email(EmailLabel::Work)),
                None,
                Some(Phone(PhoneLabel::Mobile)),
                None,
                None,
                None,
                None,
            ]
        );
    }

    #[test]
    fn reads_stages_and_sources_in_both_languages() {
        assert_eq!(
            parse_lifecycle_stage(" Customer "),
            Some(LifecycleStage::Customer)
        );
        assert_eq!(
            parse_lifecycle_stage("مشتري"),
            Some(LifecycleStage::Customer)
        );
        assert_eq!(
            parse_lifecycle_stage("مشتری بالقوه"),
            Some(LifecycleStage::Prospect)
        );
        assert_eq!(parse_lifecycle_stage("سرنخ"), Some(LifecycleStage::Lead));
        assert_eq!(parse_lifecycle_stage("hot"), None);
        assert_eq!(parse_lead_source("Walk-in"), Some(LeadSource::WalkIn));
        assert_eq!(parse_lead_source("walk_in"), Some(LeadSource::WalkIn));
        assert_eq!(parse_lead_source("وب‌سایت"), Some(LeadSource::Website));
        assert_eq!(parse_lead_source("اينستاگرام"), Some(LeadSource::Instagram));
        assert_eq!(parse_lead_source("billboard"), None);
    }

    #[test]
    fn imports_rows_reusing_and_creating_companies() {
        let outcome = import_csv(
            "نام,نام خانوادگی,موبایل,ایمیل,شرکت,برچسب,مرحله,منبع,مسئول\n\
             علی,رضایی,۰۹۱۲ ۱۲۳ ۴۵۶۷,Ali@Example.COM,شركت پارس كالا,VIP، عمده,مشتری,اینستاگرام,سارا کریمی\n\
             Mina,Ahmadi,09121112233,,Rabet Co,,,,SARA@rabet.ir\n\
             Omid,,09124445566,,rabet  co,,,,\n",
        );
        assert_eq!(outcome.rejected, []);
        assert_eq!(outcome.duplicates, []);
        let [ali, mina, omid] = &outcome.contacts[..] else {
            panic!("three contacts: {outcome:?}");
        };
        assert_eq!(
            (ali.first_name.as_str(), ali.last_name.as_str()),
            ("علی", "رضایی")
        );
        assert_eq!(ali.phones[0].number, "+989121234567");
        assert_eq!(ali.emails[0].address, "Ali@example.com");
        assert_eq!(ali.company_id, Some(Id::from_string("acme")));
        assert_eq!(ali.tags, ["VIP", "عمده"]);
        assert_eq!(ali.lifecycle_stage, LifecycleStage::Customer);
        assert_eq!(ali.became_customer_at, None);
        assert_eq!(ali.source, Some(LeadSource::Instagram));
        assert_eq!(ali.owner_id, Some(Id::from_string("sara")));
        assert_eq!(ali.created_at, 1_000);
        assert_eq!(mina.owner_id, Some(Id::from_string("sara")));
        assert_eq!(omid.owner_id, Some(Id::from_string("me")));
        // "Rabet Co" is created once, by the first row naming it.
        assert_eq!(outcome.new_companies.len(), 1);
        let rabet = &outcome.new_companies[0];
        assert_eq!((rabet.name.as_str(), rabet.created_at), ("Rabet Co", 1_000));
        assert_eq!(mina.company_id, Some(rabet.id.clone()));
        assert_eq!(omid.company_id, Some(rabet.id.clone()));
        let ids: Vec<&str> = [&ali.id, &rabet.id, &mina.id, &omid.id]
            .map(Id::text)
            .to_vec();
        assert_eq!(ids, ["id-1", "id-2", "id-3", "id-4"]);
    }

    #[test]
    fn full_name_is_split_only_when_first_and_last_are_empty() {
        let outcome = import_csv(
            "First name,Last name,Full name,Phone\n\
             ,,محمد رضا کریمی,09120000001\n\
             Sara,,Sara Ahmadi,09120000002\n\
             ,,Cher,09120000003\n",
        );
        let names: Vec<(&str, &str)> = outcome
            .contacts
            .iter()
            .map(|c| (c.first_name.as_str(), c.last_name.as_str()))
            .collect();
        assert_eq!(names, [("محمد رضا", "کریمی"), ("Sara", ""), ("Cher", "")]);
    }

    #[test]
    fn every_row_not_imported_is_accounted_for() {
        let text = "Name,Email,Stage,Owner,Tags\n\
                    Ali,ali@x.ir,customer,,\n\
                    ,,,,\n\
                    Bad,not-an-email,hot,Nobody,\n\
                    Shifted,b@x.ir,Tehran, Iran,,vip\n\
                    Trailing,c@x.ir,,,,,\n\
                    ,,,,just a tag\n";
        let outcome = import_csv(text);
        let invalid = |field, kind| {
            RejectReason::Invalid(ValidationError {
                field,
                index: None,
                kind,
            })
        };
        let imported: Vec<&str> = outcome
            .contacts
            .iter()
            .map(|c| c.first_name.as_str())
            .collect();
        assert_eq!(imported, ["Ali", "Trailing"]);
        assert_eq!(outcome.empty_lines, [3]);
        assert_eq!(
            outcome.rejected,
            [
                RejectedRow {
                    line: 4,
                    reasons: vec![
                        RejectReason::UnknownLifecycleStage("hot".into()),
                        RejectReason::UnknownOwner("Nobody".into()),
                        RejectReason::Invalid(ValidationError {
                            field: "emails",
                            index: Some(0),
                            kind: ValidationErrorKind::InvalidEmail,
                        }),
                    ],
                    raw: strings(&["Bad", "not-an-email", "hot", "Nobody", ""]),
                },
                RejectedRow {
                    line: 5,
                    reasons: vec![RejectReason::ExtraFields {
                        headers: 5,
                        fields: 6
                    }],
                    raw: strings(&["Shifted", "b@x.ir", "Tehran", " Iran", "", "vip"]),
                },
                RejectedRow {
                    line: 7,
                    reasons: vec![invalid("first_name", ValidationErrorKind::Required)],
                    raw: strings(&["", "", "", "", "just a tag"]),
                },
            ]
        );
        let accounted = outcome.contacts.len()
            + outcome.duplicates.len()
            + outcome.rejected.len()
            + outcome.empty_lines.len();
        assert_eq!(accounted, csv::parse(text).unwrap().rows.len());
    }

    #[test]
    fn duplicates_of_existing_contacts_and_earlier_rows_are_held_back() {
        let outcome = import_csv(
            "Name,Phone,Email\n\
             Reza,+98 935 000 0000,\n\
             Ali,09121234567,ali@x.ir\n\
             Ali R.,,ALI@x.ir\n",
        );
        assert_eq!(outcome.contacts.len(), 1);
        let ali = &outcome.contacts[0];
        let [reza, ali_again] = &outcome.duplicates[..] else {
            panic!("two duplicates: {outcome:?}");
        };
        assert_eq!((reza.line, reza.contact.first_name.as_str()), (2, "Reza"));
        let known = Id::from_string("known");
        assert_eq!(reza.matches, [(known, MatchReason::Phone)]);
        assert_eq!(ali_again.line, 4);
        let names = (&ali_again.contact.first_name, &ali_again.contact.last_name);
        assert_eq!(names, (&"Ali".to_owned(), &"R.".to_owned()));
        assert_eq!(ali_again.matches, [(ali.id.clone(), MatchReason::Email)]);
    }

    #[test]
    fn rejected_rows_download_as_csv_that_reads_back() {
        let outcome = import_csv(
            "Name,Phone\n\
             Ali,12\n\
             \"Sara, Jr.\",0912 000 0000,extra\n",
        );
        let headers = strings(&["Name", "Phone"]);
        let codes = rejected_csv(&outcome, &headers, &|reason| reason.to_string());
        let table = csv::parse(&codes).unwrap();
        assert_eq!(table.headers, ["line", "reason", "Name", "Phone"]);
        assert_eq!(
            table.rows[0].fields,
            [
                "2",
                "invalid(phones[0]: InvalidPhone(WrongLength))",
                "Ali",
                "12"
            ]
        );
        assert_eq!(
            table.rows[1].fields,
            [
                "3",
                "extra_fields(3 > 2)",
                "Sara, Jr.",
                "0912 000 0000",
                "extra"
            ]
        );
        let translated = rejected_csv(&outcome, &headers, &|reason| match reason {
            RejectReason::ExtraFields { .. } => "ستون اضافه".into(),
            _ => "نامعتبر".into(),
        });
        assert!(translated.contains("\r\n2,نامعتبر,Ali,12\r\n"));
        // Fixed and imported again, the two extra columns are left alone.
        assert_eq!(guess_mapping(&table.headers)[..2], [None, None]);
    }

    #[test]
    fn reason_codes_are_stable() {
        let reasons = [
            RejectReason::UnknownLifecycleStage("hot".into()),
            RejectReason::UnknownLeadSource("tv".into()),
            RejectReason::UnknownOwner("x".into()),
            RejectReason::Invalid(ValidationError {
                field: "whatsapp",
                index: None,
                kind: ValidationErrorKind::InvalidPhone(PhoneError::Empty),
            }),
            RejectReason::UnreadableCard(VCardError::EmptyCard { line: 3 }),
        ];
        let codes: Vec<String> = reasons.iter().map(ToString::to_string).collect();
        assert_eq!(
            codes,
            [
                "unknown_lifecycle_stage(\"hot\")",
                "unknown_lead_source(\"tv\")",
                "unknown_owner(\"x\")",
                "invalid(whatsapp: InvalidPhone(Empty))",
                "unreadable_card(line 3: contact card is empty (no name, phone or e-mail))",
            ]
        );
    }

    #[test]
    fn imports_vcards_and_keeps_what_has_no_field_in_notes() {
        let parsed = vcard::parse(
            "BEGIN:VCARD\n\
             VERSION:3.0\n\
             FN:Ali Rezaei\n\
             ORG:Rabet Co\n\
             TEL;TYPE=WORK:021 8888 7777\n\
             TEL;TYPE=CELL:09121234567\n\
             EMAIL;TYPE=HOME:ali@home.ir\n\
             X-TELEGRAM:@ali_r\n\
             X-SKYPE:ali.skype\n\
             URL:https://ali.ir\n\
             NOTE:Met at the fair\n\
             END:VCARD\n\
             BEGIN:VCARD\n\
             N:;;;;\n\
             END:VCARD\n\
             BEGIN:VCARD\n\
             FN:No Number\n\
             TEL:12\n\
             END:VCARD\n\
             BEGIN:VCARD\n\
             FN:Reza\n\
             TEL:09350000000\n\
             END:VCARD\n",
        );
        let mut new_id = counter();
        let contacts = [existing_contact()];
        let mut ctx = ImportContext::new(&mut new_id, 5, None, &[], &[], &contacts);
        let outcome = import_vcards(&parsed, &mut ctx);
        let [ali] = &outcome.contacts[..] else {
            panic!("one contact: {outcome:?}");
        };
        assert_eq!(
            (ali.first_name.as_str(), ali.last_name.as_str()),
            ("Ali", "Rezaei")
        );
        let phones: Vec<(PhoneLabel, &str)> = ali
            .phones
            .iter()
            .map(|p| (p.label, p.number.as_str()))
            .collect();
        assert_eq!(
            phones,
            [
                (PhoneLabel::Work, "+982188887777"),
                (PhoneLabel::Mobile, "+989121234567")
            ]
        );
        assert_eq!(ali.emails[0].label, EmailLabel::Personal);
        assert_eq!(ali.telegram, "ali_r");
        assert_eq!(
            ali.notes,
            "Met at the fair\nskype: ali.skype\nurl: https://ali.ir"
        );
        assert_eq!(outcome.new_companies[0].name, "Rabet Co");
        assert_eq!(ali.company_id, Some(outcome.new_companies[0].id.clone()));
        let rejected: Vec<(usize, &RejectReason)> = outcome
            .rejected
            .iter()
            .map(|row| (row.line, &row.reasons[0]))
            .collect();
        assert_eq!(
            rejected,
            [
                (
                    13,
                    &RejectReason::UnreadableCard(VCardError::EmptyCard { line: 13 })
                ),
                (
                    16,
                    &RejectReason::Invalid(ValidationError {
                        field: "phones",
                        index: Some(0),
                        kind: ValidationErrorKind::InvalidPhone(PhoneError::WrongLength),
                    })
                ),
            ]
        );
        assert_eq!(outcome.duplicates[0].line, 20);
    }

    #[test]
    fn imports_a_hundred_thousand_rows() {
        let rows: Vec<csv::Record> = (0..100_000)
            .map(|i| csv::Record {
                line: i + 2,
                fields: vec![
                    format!("First {i}"),
                    format!("Last {i}"),
                    format!("0912{i:07}"),
                    format!("user{i}@example.com"),
                    format!("Company {}", i % 1_000),
                    "vip, wholesale".to_owned(),
                ],
            })
            .collect();
        let table = Table {
            delimiter: csv::Delimiter::Comma,
            headers: strings(&[
                "First name",
                "Last name",
                "Mobile",
                "Email",
                "Company",
                "Tags",
            ]),
            rows,
        };
        let mut new_id = counter();
        let mut ctx = ImportContext::new(&mut new_id, 0, None, &[], &[], &[]);
        let outcome = import_rows(&table, &guess_mapping(&table.headers), &mut ctx);
        assert_eq!(outcome.contacts.len(), 100_000);
        assert_eq!(outcome.new_companies.len(), 1_000);
        assert_eq!((outcome.rejected.len(), outcome.duplicates.len()), (0, 0));
    }
}
