//! Customers (companies and contacts) and the team that serves them.

use crate::id::Id;
use crate::kind::EntityKind;
use serde::{Deserialize, Serialize};

string_enum! {
    /// Where a contact stands in its relationship with the business.
    #[derive(Default)]
    pub enum LifecycleStage {
        #[default]
        Lead = "lead",
        Prospect = "prospect",
        Customer = "customer",
        Inactive = "inactive",
        Churned = "churned",
    }
}

string_enum! {
    /// How a contact first found the business; "which channel brings most customers".
    pub enum LeadSource {
        Website = "website",
        Instagram = "instagram",
        Telegram = "telegram",
        Phone = "phone",
        Referral = "referral",
        Exhibition = "exhibition",
        /// A marketing campaign; the contact's `campaign_id` says which.
        Campaign = "campaign",
        /// Came into the shop or office.
        WalkIn = "walk_in",
        Other = "other",
    }
}

string_enum! {
    /// What a phone number is for.
    #[derive(Default)]
    pub enum PhoneLabel {
        #[default]
        Mobile = "mobile",
        Work = "work",
        Home = "home",
        Fax = "fax",
        Other = "other",
    }
}

string_enum! {
    /// What an e-mail address is for.
    #[derive(Default)]
    pub enum EmailLabel {
        #[default]
        Work = "work",
        Personal = "personal",
        Other = "other",
    }
}

string_enum! {
    /// A team member's role: admins manage settings and the team; the others say which
    /// work (and so which default views) a member has.
    #[derive(Default)]
    pub enum Role {
        Admin = "admin",
        Manager = "manager",
        #[default]
        Sales = "sales",
        Marketing = "marketing",
        Support = "support",
    }
}

/// A phone number; `number` is E.164 once normalized (see [`crate::validate::normalize_phone`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Phone {
    pub label: PhoneLabel,
    pub number: String,
}

/// An e-mail address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Email {
    pub label: EmailLabel,
    pub address: String,
}

/// A postal address, free-form because Iranian addresses rarely split into street and number.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Address {
    /// Street, building, unit: everything below the city.
    pub line: String,
    pub city: String,
    pub province: String,
    /// Ten digits in Iran; stored with ASCII digits.
    pub postal_code: String,
    pub country: String,
}

entity! {
    /// An organisation the business sells to (an account).
    pub struct Company {
        pub name: String,
        pub industry: String,
        pub website: String,
        #[serde(deserialize_with = "crate::model::exact_len")]
        pub phones: Vec<Phone>,
        #[serde(deserialize_with = "crate::model::exact_len")]
        pub emails: Vec<Email>,
        pub address: Address,
        /// Economic code (کد اقتصادی) or national id, printed on invoices.
        pub tax_id: String,
        /// The team member responsible for the account.
        pub owner_id: Option<Id>,
        #[serde(deserialize_with = "crate::model::exact_len")]
        pub tags: Vec<String>,
        pub notes: String,
        pub created_at: i64,
        /// Values of the workspace's custom fields, each its own `cf_<id>` field.
        #[serde(flatten)]
        pub custom: crate::custom_field::CustomValues,
    }
}

entity! {
    /// A person: a lead, prospect or customer, possibly working for a [`Company`].
    pub struct Contact {
        pub first_name: String,
        pub last_name: String,
        pub company_id: Option<Id>,
        pub job_title: String,
        #[serde(deserialize_with = "crate::model::exact_len")]
        pub phones: Vec<Phone>,
        #[serde(deserialize_with = "crate::model::exact_len")]
        pub emails: Vec<Email>,
        /// WhatsApp number in E.164, for wa.me links.
        pub whatsapp: String,
        /// Telegram username without `@`, or a phone number in E.164.
        pub telegram: String,
        pub address: Address,
        /// The team member responsible for the contact.
        pub owner_id: Option<Id>,
        #[serde(deserialize_with = "crate::model::exact_len")]
        pub tags: Vec<String>,
        pub lifecycle_stage: LifecycleStage,
        /// `None` when nobody recorded where the contact came from.
        pub source: Option<LeadSource>,
        pub campaign_id: Option<Id>,
        pub notes: String,
        pub created_at: i64,
        /// When `lifecycle_stage` last changed, which places churn in a period.
        pub lifecycle_changed_at: Option<i64>,
        /// When the contact first became a customer, for the lead-to-customer conversion rate.
        pub became_customer_at: Option<i64>,
        /// Unsubscribed: no automated message goes to this contact.
        pub do_not_contact: bool,
        /// Values of the workspace's custom fields, each its own `cf_<id>` field.
        #[serde(flatten)]
        pub custom: crate::custom_field::CustomValues,
    }
}

impl Contact {
    /// What lists, pickers and segment criteria search in: names, job title, handles,
    /// e-mails, tags, custom text values and phones, normalized
    /// ([`crate::search::search_text`]).
    pub fn search_text(&self) -> String {
        let (texts, phones) = self.searched_fields();
        crate::search::search_text(texts, phones)
    }

    /// The words a contact is searched by, and its phone numbers, as typed.
    pub fn searched_fields(
        &self,
    ) -> (
        impl Iterator<Item = &str> + '_,
        impl Iterator<Item = &str> + '_,
    ) {
        let texts = [
            self.first_name.as_str(),
            self.last_name.as_str(),
            self.job_title.as_str(),
            self.telegram.as_str(),
        ];
        let emails = self.emails.iter().map(|e| e.address.as_str());
        let tags = self.tags.iter().map(String::as_str);
        let phones = self.phones.iter().map(|p| p.number.as_str());
        (
            texts
                .into_iter()
                .chain(emails)
                .chain(tags)
                .chain(self.custom.texts()),
            phones.chain([self.whatsapp.as_str()]),
        )
    }

    /// First and last name joined, or empty.
    pub fn full_name(&self) -> String {
        let first = self.first_name.trim();
        let last = self.last_name.trim();
        match (first.is_empty(), last.is_empty()) {
            (false, false) => format!("{first} {last}"),
            (false, true) => first.to_owned(),
            _ => last.to_owned(),
        }
    }

    /// What lists and titles show: the full name, else the first e-mail, else the first phone;
    /// empty only for a contact with none of them (which validation rejects).
    pub fn display_name(&self) -> String {
        let full_name = self.full_name();
        if !full_name.is_empty() {
            return full_name;
        }
        self.primary_email()
            .or_else(|| self.primary_phone())
            .unwrap_or_default()
            .to_owned()
    }

    /// The first non-blank phone number, used by one-tap call and message actions.
    pub fn primary_phone(&self) -> Option<&str> {
        first_non_blank(self.phones.iter().map(|phone| phone.number.as_str()))
    }

    /// The first non-blank e-mail address.
    pub fn primary_email(&self) -> Option<&str> {
        first_non_blank(self.emails.iter().map(|email| email.address.as_str()))
    }

    /// Moves the contact to `stage`, stamping the times the conversion and churn KPIs need.
    pub fn set_lifecycle_stage(&mut self, stage: LifecycleStage, at: i64) {
        if stage == self.lifecycle_stage {
            return;
        }
        self.lifecycle_stage = stage;
        self.lifecycle_changed_at = Some(at);
        if stage == LifecycleStage::Customer && self.became_customer_at.is_none() {
            self.became_customer_at = Some(at);
        }
    }
}

entity! {
    /// A member of the team: owner of records, assignee of tasks and tickets.
    pub struct TeamMember {
        pub name: String,
        pub email: String,
        pub phone: String,
        pub role: Role,
        /// Members who left stay, inactive, so the records they owned keep their history.
        pub active: bool = true,
    }
}

impl TeamMember {
    /// The name, else the e-mail.
    pub fn display_name(&self) -> &str {
        first_non_blank([self.name.as_str(), self.email.as_str()]).unwrap_or_default()
    }
}

fn first_non_blank<'a>(candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(str::trim)
        .find(|text| !text.is_empty())
}
