//! CSV export of contacts, in columns that [`crate::import`] reads back: exporting, editing
//! in a spreadsheet and importing again loses nothing but the address's split into line and
//! city, and the "other" label of e-mails (exported as work e-mails).

use crate::csv;
use crate::id::Id;
use crate::model::{Contact, EmailLabel, PhoneLabel};

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

/// Writes `contacts` as CSV. `company_name` and `owner_name` turn ids into the names the
/// importer matches. A label used several times by one contact gets numbered columns
/// ("Mobile", "Mobile 2"), as many as the contact with the most needs.
pub fn contacts_csv<'a>(
    contacts: impl IntoIterator<Item = &'a Contact> + Clone,
    company_name: &dyn Fn(&Id) -> Option<String>,
    owner_name: &dyn Fn(&Id) -> Option<String>,
) -> String {
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
        row
    });
    csv::write(&headers, rows)
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
    use crate::import::{guess_mapping, import_rows, ImportContext};
    use crate::model::{Company, Email, LeadSource, LifecycleStage, Phone, TeamMember};

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
            lifecycle_stage: LifecycleStage::Customer,
            source: Some(LeadSource::Exhibition),
            owner_id: Some(owner.id.clone()),
            notes: "Likes \"quoted\" text, commas, and\nnew lines".into(),
            ..Contact::default()
        };
        let sara = Contact {
            id: id("c-2"),
            first_name: "Sara".into(),
            emails: vec![Email {
                label: EmailLabel::Personal,
                address: "sara@example.com".into(),
            }],
            ..Contact::default()
        };
        (vec![ali, sara], company, owner)
    }

    #[test]
    fn numbers_repeated_labels_and_leaves_unused_ones_out() {
        let (contacts, company, owner) = sample();
        let text = contacts_csv(
            &contacts,
            &|i| (*i == company.id).then(|| company.name.clone()),
            &|i| (*i == owner.id).then(|| owner.name.clone()),
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
        assert_eq!(table.rows[1].get(8), "sara@example.com");
    }

    #[test]
    fn importing_an_export_gives_the_same_contacts() {
        let (contacts, company, owner) = sample();
        let text = contacts_csv(
            &contacts,
            &|i| (*i == company.id).then(|| company.name.clone()),
            &|i| (*i == owner.id).then(|| owner.name.clone()),
        );
        let table = csv::parse(&text).unwrap();
        let mapping = guess_mapping(&table.headers);
        let mut counter = 0;
        let mut new_id = || {
            counter += 1;
            id(&format!("new-{counter}"))
        };
        let mut ctx = ImportContext::new(
            &mut new_id,
            0,
            None,
            std::slice::from_ref(&company),
            std::slice::from_ref(&owner),
            &[],
        );
        let outcome = import_rows(&table, &mapping, &mut ctx);
        assert!(outcome.rejected.is_empty(), "{:?}", outcome.rejected);
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
}
