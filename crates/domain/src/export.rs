//! Export of contacts that [`crate::import`] reads back.
//!
//! - CSV, in columns the importer recognises: exporting, editing in a spreadsheet and
//!   importing again loses nothing but the address's split into line and city, and the
//!   "other" label of e-mails (exported as work e-mails).
//! - vCard 3.0 or 4.0, for phones and address books: a card carries names, company, job
//!   title, phones and e-mails with their labels, WhatsApp and Telegram, the address, tags
//!   and notes, but not what only a CRM has (stage, source, owner).

use crate::csv;
use crate::custom_field::{FieldDefinition, Reading};
use crate::id::Id;
use crate::model::{Contact, EmailLabel, PhoneLabel};
use crate::money::Money;
use crate::vcard::{self, Version};

/// An amount as a CSV cell: ASCII digits, no grouping, a `.` before the currency's minor
/// digits ("1250000", "-12.50"), so a spreadsheet reads it as a number and the importer's
/// amount reader (`locale::parse_money`) reads it back.
pub fn plain_amount(money: Money) -> String {
    let sign = if money.minor < 0 { "-" } else { "" };
    let magnitude = money.minor.unsigned_abs();
    let digits = money.currency.minor_digits();
    if digits == 0 {
        return format!("{sign}{magnitude}");
    }
    let scale = 10u64.pow(digits);
    let (whole, fraction) = (magnitude / scale, magnitude % scale);
    format!("{sign}{whole}.{fraction:0width$}", width = digits as usize)
}

/// The phone columns, one per label, in the order the importer's header names know them.
const PHONE_COLUMNS: [(PhoneLabel, &str); 5] = [
    (PhoneLabel::Mobile, "Mobile"),
    (PhoneLabel::Work, "Work phone"),
    (PhoneLabel::Home, "Home phone"),
    (PhoneLabel::Fax, "Fax"),
    (PhoneLabel::Other, "Other phone"),
];

const EMAIL_COLUMNS: [(EmailLabel, &str); 2] = [
    (EmailLabel::Work, "Email"),
    (EmailLabel::Personal, "Personal email"),
];

/// The custom fields an export writes, a column each headed by its English label (which the
/// importer maps back to the field), with values written in `reading`'s calendar and currency.
#[derive(Clone, Copy, Debug)]
pub struct CustomColumns<'a> {
    pub fields: &'a [FieldDefinition],
    pub reading: Reading,
}

/// Writes `contacts` as CSV. `company_name` and `owner_name` turn ids into the names the
/// importer matches. A label used several times by one contact gets numbered columns
/// ("Mobile", "Mobile 2"), as many as the contact with the most needs. `custom` adds its
/// fields' columns last.
pub fn contacts_csv<'a>(
    contacts: impl IntoIterator<Item = &'a Contact> + Clone,
    company_name: &dyn Fn(&Id) -> Option<String>,
    owner_name: &dyn Fn(&Id) -> Option<String>,
    custom: Option<CustomColumns<'_>>,
) -> String {
    let custom_fields = custom.map_or(&[][..], |custom| custom.fields);
    let phone_counts = PHONE_COLUMNS.map(|(label, _)| {
        most(contacts.clone(), |c| {
            c.phones.iter().filter(|p| p.label == label).count()
        })
    });
    let email_counts = EMAIL_COLUMNS.map(|(label, _)| {
        most(contacts.clone(), |c| {
            c.emails
                .iter()
                .filter(|e| email_column(e.label) == label)
                .count()
        })
    });
    let mut headers: Vec<String> = ["First name", "Last name", "Company", "Job title"]
        .map(String::from)
        .to_vec();
    for ((_, name), count) in PHONE_COLUMNS.iter().zip(phone_counts) {
        headers.extend(numbered(name, count));
    }
    for ((_, name), count) in EMAIL_COLUMNS.iter().zip(email_counts) {
        headers.extend(numbered(name, count));
    }
    headers.extend(
        [
            "WhatsApp", "Telegram", "Address", "Tags", "Stage", "Source", "Owner", "Notes",
        ]
        .map(String::from),
    );
    headers.extend(custom_fields.iter().map(|field| field.label_en.clone()));

    let rows = contacts.into_iter().map(|contact| {
        let mut row = vec![
            contact.first_name.clone(),
            contact.last_name.clone(),
            contact
                .company_id
                .as_ref()
                .and_then(company_name)
                .unwrap_or_default(),
            contact.job_title.clone(),
        ];
        for ((label, _), count) in PHONE_COLUMNS.iter().zip(phone_counts) {
            let numbers = contact
                .phones
                .iter()
                .filter(|p| p.label == *label)
                .map(|p| p.number.clone());
            row.extend(padded(numbers, count));
        }
        for ((label, _), count) in EMAIL_COLUMNS.iter().zip(email_counts) {
            let addresses = contact
                .emails
                .iter()
                .filter(|e| email_column(e.label) == *label)
                .map(|e| e.address.clone());
            row.extend(padded(addresses, count));
        }
        let address = [contact.address.line.as_str(), contact.address.city.as_str()]
            .into_iter()
            .filter(|part| !part.trim().is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        row.extend([
            contact.whatsapp.clone(),
            contact.telegram.clone(),
            address,
            contact.tags.join(", "),
            contact.lifecycle_stage.as_str().to_owned(),
            contact
                .source
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            contact
                .owner_id
                .as_ref()
                .and_then(owner_name)
                .unwrap_or_default(),
            contact.notes.clone(),
        ]);
        if let Some(custom) = custom {
            row.extend(custom.fields.iter().map(|field| {
                contact
                    .custom
                    .get(field)
                    .map(|value| field.write(&value, custom.reading))
                    .unwrap_or_default()
            }));
        }
        row
    });
    csv::write(&headers, rows)
}

/// Writes `contacts` as vCards of `version`. `company_name` turns a company id into the
/// organisation the card names.
pub fn contacts_vcard<'a>(
    contacts: impl IntoIterator<Item = &'a Contact>,
    company_name: &dyn Fn(&Id) -> Option<String>,
    version: Version,
) -> String {
    let mut writer = vcard::Writer::new(version);
    for contact in contacts {
        writer.begin_card();
        writer.name(
            &contact.last_name,
            &contact.first_name,
            &contact.full_name(),
        );
        let company = contact.company_id.as_ref().and_then(company_name);
        writer.text("ORG", &[], &[company.as_deref().unwrap_or_default()]);
        writer.text("TITLE", &[], &[&contact.job_title]);
        for phone in &contact.phones {
            write_phone(&mut writer, phone.label, &phone.number);
        }
        for email in &contact.emails {
            let types = match (version, email.label) {
                (Version::V3, EmailLabel::Work) => "TYPE=internet,work",
                (Version::V3, EmailLabel::Personal) => "TYPE=internet,home",
                (Version::V3, EmailLabel::Other) => "TYPE=internet,other",
                (Version::V4, EmailLabel::Work) => "TYPE=work",
                (Version::V4, EmailLabel::Personal) => "TYPE=home",
                (Version::V4, EmailLabel::Other) => "TYPE=other",
            };
            writer.text("EMAIL", &[types], &[&email.address]);
        }
        writer.text("X-WHATSAPP", &[], &[&contact.whatsapp]);
        writer.text("X-TELEGRAM", &[], &[&contact.telegram]);
        let address = &contact.address;
        writer.text(
            "ADR",
            &[],
            &[
                "",
                "",
                &address.line,
                &address.city,
                &address.province,
                &address.postal_code,
                &address.country,
            ],
        );
        let tags: Vec<String> = contact.tags.iter().map(|tag| vcard::escape(tag)).collect();
        if !tags.is_empty() {
            writer.raw("CATEGORIES", &[], &tags.join(","));
        }
        writer.text("NOTE", &[], &[&contact.notes]);
        writer.end_card();
    }
    writer.finish()
}

/// A `TEL` property: in 4.0 a `tel:` URI when the number is one (as stored numbers in E.164
/// are), else text, which both versions allow.
fn write_phone(writer: &mut vcard::Writer, label: PhoneLabel, number: &str) {
    let types = match label {
        PhoneLabel::Mobile => "TYPE=cell,voice",
        PhoneLabel::Work => "TYPE=work,voice",
        PhoneLabel::Home => "TYPE=home,voice",
        PhoneLabel::Fax => "TYPE=fax",
        PhoneLabel::Other => "TYPE=other,voice",
    };
    let is_uri = !number.is_empty()
        && number
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-'));
    if writer.version() == Version::V4 && is_uri {
        writer.raw("TEL", &["VALUE=uri", types], &format!("tel:{number}"));
    } else {
        writer.text("TEL", &[types], &[number]);
    }
}

/// The column an e-mail of `label` goes to: "other" has no header of its own.
fn email_column(label: EmailLabel) -> EmailLabel {
    match label {
        EmailLabel::Other => EmailLabel::Work,
        label => label,
    }
}

fn most<'a>(
    contacts: impl IntoIterator<Item = &'a Contact>,
    count: impl Fn(&Contact) -> usize,
) -> usize {
    contacts.into_iter().map(count).max().unwrap_or(0)
}

/// "Mobile", "Mobile 2", … for `count` columns; none when no contact needs the column.
fn numbered(name: &str, count: usize) -> Vec<String> {
    (1..=count)
        .map(|n| {
            if n == 1 {
                name.to_owned()
            } else {
                format!("{name} {n}")
            }
        })
        .collect()
}

/// `values`, then empty fields up to `count`.
fn padded(values: impl Iterator<Item = String>, count: usize) -> Vec<String> {
    let mut fields: Vec<String> = values.collect();
    fields.resize(count, String::new());
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{guess_mapping, import_rows, import_vcards, ImportContext, ImportOutcome};
    use crate::model::{Address, Company, Email, LeadSource, LifecycleStage, Phone, TeamMember};
    use crate::money::Currency;

    fn id(s: &str) -> Id {
        Id::from_string(s)
    }

    fn sample() -> (Vec<Contact>, Company, TeamMember) {
        let company = Company {
            id: id("co-1"),
            name: "پارس صنعت".into(),
            ..Company::default()
        };
        let owner = TeamMember {
            id: id("tm-1"),
            name: "Maryam".into(),
            ..TeamMember::default()
        };
        let ali = Contact {
            id: id("c-1"),
            first_name: "علی".into(),
            last_name: "کریمی".into(),
            company_id: Some(company.id.clone()),
            job_title: "مدیر فروش".into(),
            phones: vec![
                Phone {
                    label: PhoneLabel::Mobile,
                    number: "+989123456789".into(),
                },
                Phone {
                    label: PhoneLabel::Mobile,
                    number: "+989351112233".into(),
                },
                Phone {
                    label: PhoneLabel::Work,
                    number: "+982188887777".into(),
                },
            ],
            emails: vec![Email {
                label: EmailLabel::Work,
                address: "ali@pars.example".into(),
            }],
            whatsapp: "+989123456789".into(),
            telegram: "ali_k".into(),
            tags: vec!["vip".into(), "تهران".into()],
            address: Address {
                line: "خیابان ولیعصر، کوچهٔ بهار; پلاک ۱۲".into(),
                city: "تهران".into(),
                province: "تهران".into(),
                postal_code: "1234567890".into(),
                country: "ایران".into(),
            },
            lifecycle_stage: LifecycleStage::Customer,
            source: Some(LeadSource::Exhibition),
            owner_id: Some(owner.id.clone()),
            notes: "Likes \"quoted\" text, commas, and\nnew lines".into(),
            ..Contact::default()
        };
        let sara = Contact {
            id: id("c-2"),
            first_name: "Sara".into(),
            phones: vec![
                Phone {
                    label: PhoneLabel::Fax,
                    number: "+982122223333".into(),
                },
                Phone {
                    label: PhoneLabel::Other,
                    number: "+982144445555".into(),
                },
            ],
            emails: vec![Email {
                label: EmailLabel::Personal,
                address: "sara@example.com".into(),
            }],
            ..Contact::default()
        };
        (vec![ali, sara], company, owner)
    }

    /// Imports into a workspace holding only `company` and `owner`; nothing may be rejected.
    fn import_into(
        company: &Company,
        owner: &TeamMember,
        import: impl FnOnce(&mut ImportContext<'_>) -> ImportOutcome,
    ) -> ImportOutcome {
        let mut counter = 0;
        let mut new_id = || {
            counter += 1;
            id(&format!("new-{counter}"))
        };
        let mut ctx = ImportContext::new(
            &mut new_id,
            0,
            None,
            std::slice::from_ref(company),
            std::slice::from_ref(owner),
            &[],
        );
        let outcome = import(&mut ctx);
        assert!(outcome.rejected.is_empty(), "{:?}", outcome.rejected);
        outcome
    }

    proptest::proptest! {
        /// A deal's value exported plainly reads back as the same amount.
        #[test]
        fn plain_amounts_read_back(
            minor in -1_000_000_000_000_000i64..1_000_000_000_000_000,
            currency in proptest::sample::select(vec![Currency::Irr, Currency::Toman, Currency::Usd, Currency::Eur]),
        ) {
            let money = Money::new(minor, currency);
            let text = plain_amount(money);
            proptest::prop_assert!(text.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-'));
            proptest::prop_assert_eq!(crate::locale::parse_money(&text, currency), Ok(money));
        }
    }

    #[test]
    fn plain_amounts_have_no_grouping_or_unit() {
        assert_eq!(
            plain_amount(Money::new(125_000_000, Currency::Toman)),
            "125000000"
        );
        assert_eq!(plain_amount(Money::new(-1_250, Currency::Usd)), "-12.50");
        assert_eq!(plain_amount(Money::new(5, Currency::Eur)), "0.05");
    }

    #[test]
    fn numbers_repeated_labels_and_leaves_unused_ones_out() {
        let (contacts, company, owner) = sample();
        let text = contacts_csv(
            &contacts,
            &|i| (*i == company.id).then(|| company.name.clone()),
            &|i| (*i == owner.id).then(|| owner.name.clone()),
            None,
        );
        let table = csv::parse(&text).unwrap();
        let headers: Vec<&str> = table.headers.iter().map(String::as_str).collect();
        assert_eq!(
            headers,
            [
                "First name",
                "Last name",
                "Company",
                "Job title",
                "Mobile",
                "Mobile 2",
                "Work phone",
                "Fax",
                "Other phone",
                "Email",
                "Personal email",
                "WhatsApp",
                "Telegram",
                "Address",
                "Tags",
                "Stage",
                "Source",
                "Owner",
                "Notes"
            ]
        );
        assert_eq!(table.rows[1].get(10), "sara@example.com");
    }

    #[test]
    fn importing_an_export_gives_the_same_contacts() {
        let (contacts, company, owner) = sample();
        let text = contacts_csv(
            &contacts,
            &|i| (*i == company.id).then(|| company.name.clone()),
            &|i| (*i == owner.id).then(|| owner.name.clone()),
            None,
        );
        let table = csv::parse(&text).unwrap();
        let mapping = guess_mapping(&table.headers);
        let outcome = import_into(&company, &owner, |ctx| import_rows(&table, &mapping, ctx));
        assert!(outcome.new_companies.is_empty());
        assert_eq!(outcome.contacts.len(), contacts.len());
        for (original, imported) in contacts.iter().zip(&outcome.contacts) {
            // What the file does not carry: the id, timestamps, and the address's split.
            let expected = Contact {
                id: imported.id.clone(),
                created_at: imported.created_at,
                lifecycle_changed_at: imported.lifecycle_changed_at,
                became_customer_at: imported.became_customer_at,
                address: imported.address.clone(),
                ..original.clone()
            };
            assert_eq!(imported, &expected);
        }
    }

    #[test]
    fn custom_columns_export_and_import_back() {
        use crate::calendar::{Calendar, Day};
        use crate::custom_field::{CustomValue, FieldType};
        use crate::import::guess_custom_columns;
        use crate::money::Currency;
        let (mut contacts, company, owner) = sample();
        let fields = [
            FieldDefinition {
                id: id("renewal"),
                field_type: FieldType::Date,
                label_en: "Renewal".into(),
                label_fa: "تمدید".into(),
                ..FieldDefinition::default()
            },
            FieldDefinition {
                id: id("budget"),
                field_type: FieldType::Money,
                label_en: "Budget".into(),
                label_fa: "بودجه".into(),
                ..FieldDefinition::default()
            },
        ];
        contacts[0]
            .custom
            .set(&fields[0], Some(CustomValue::Date(Day(19_800))));
        contacts[1]
            .custom
            .set(&fields[1], Some(CustomValue::Money(12_500_000)));
        let reading = Reading {
            calendar: Calendar::Jalali,
            currency: Currency::Toman,
        };
        let text = contacts_csv(
            &contacts,
            &|i| (*i == company.id).then(|| company.name.clone()),
            &|i| (*i == owner.id).then(|| owner.name.clone()),
            Some(CustomColumns {
                fields: &fields,
                reading,
            }),
        );
        let table = csv::parse(&text).unwrap();
        assert_eq!(
            table.headers[table.headers.len() - 2..],
            ["Renewal", "Budget"]
        );
        let mut mapping = guess_mapping(&table.headers);
        guess_custom_columns(&table.headers, &fields, &mut mapping);
        let mut new_id = || id("new");
        let mut ctx = ImportContext::new(
            &mut new_id,
            0,
            None,
            std::slice::from_ref(&company),
            std::slice::from_ref(&owner),
            &[],
        )
        .with_custom_fields(fields.to_vec(), reading);
        let outcome = import_rows(&table, &mapping, &mut ctx);
        assert_eq!(outcome.contacts.len(), contacts.len());
        for (original, imported) in contacts.iter().zip(&outcome.contacts) {
            assert_eq!(imported.custom, original.custom);
        }
    }

    #[test]
    fn importing_a_vcard_export_gives_the_same_contacts() {
        let (mut contacts, company, owner) = sample();
        // Unlike the CSV, a card keeps the "other" label of an e-mail.
        contacts[1].emails.push(Email {
            label: EmailLabel::Other,
            address: "sara@other.example".into(),
        });
        for version in [Version::V3, Version::V4] {
            let text = contacts_vcard(
                &contacts,
                &|i| (*i == company.id).then(|| company.name.clone()),
                version,
            );
            let parsed = vcard::parse(&text);
            assert_eq!((&parsed.errors, &parsed.skipped), (&vec![], &vec![]));
            let outcome = import_into(&company, &owner, |ctx| import_vcards(&parsed, ctx));
            assert_eq!(outcome.contacts.len(), contacts.len());
            for (original, imported) in contacts.iter().zip(&outcome.contacts) {
                // What a card does not carry: the id, timestamps, stage, source and owner.
                let expected = Contact {
                    id: imported.id.clone(),
                    created_at: imported.created_at,
                    lifecycle_stage: imported.lifecycle_stage,
                    lifecycle_changed_at: imported.lifecycle_changed_at,
                    became_customer_at: imported.became_customer_at,
                    source: imported.source,
                    owner_id: imported.owner_id.clone(),
                    ..original.clone()
                };
                assert_eq!(imported, &expected, "{version:?}");
            }
        }
    }
}
