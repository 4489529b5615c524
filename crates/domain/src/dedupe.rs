//! Finding contacts that are the same person, and merging them.
//!
//! Two contacts are taken for the same person when they share a phone number (compared in
//! E.164, WhatsApp and Telegram numbers included), an e-mail address (ignoring case) or a full
//! name (compared with [`match_key`], so Arabic and Persian letter forms, digits, case,
//! punctuation, spaces and ZWNJ do not matter). A name counts only when both first and last
//! name are present: a lone "Ali" is too common to say who it is.

use crate::id::Id;
use crate::kind::EntityKind;
use crate::model::{Activity, Contact, Deal, Email, Invoice, Phone, Task, Ticket};
use crate::search::normalize;
use crate::validate::{normalize_email, normalize_phone};
use std::collections::{HashMap, HashSet};

/// Why two contacts look like the same person, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchReason {
    Phone,
    Email,
    Name,
}

/// The form in which names are compared: the search normalization with the spaces removed, so
/// "محمد رضا", "محمدرضا" and "محمد‌رضا" (with a ZWNJ) are one name, as are "علي" and "علی".
pub fn match_key(text: &str) -> String {
    let mut key = normalize(text);
    key.retain(|c| c != ' ');
    key
}

/// The keys a contact is found by, strongest reason first.
fn match_keys(contact: &Contact) -> Vec<MatchKey> {
    let messenger_numbers = [&contact.whatsapp, &contact.telegram];
    let numbers = contact
        .phones
        .iter()
        .map(|phone| &phone.number)
        .chain(messenger_numbers);
    let phones = numbers
        .filter_map(|number| normalize_phone(number).ok())
        .map(|number| (MatchReason::Phone, number));
    let emails = contact
        .emails
        .iter()
        .map(|email| email_key(&email.address))
        .filter(|address| !address.is_empty())
        .map(|address| (MatchReason::Email, address));
    let has_full_name =
        !contact.first_name.trim().is_empty() && !contact.last_name.trim().is_empty();
    let name = has_full_name
        .then(|| match_key(&contact.full_name()))
        .filter(|name| !name.is_empty())
        .map(|name| (MatchReason::Name, name));
    phones.chain(emails).chain(name).collect()
}

fn email_key(address: &str) -> String {
    normalize_email(address).to_lowercase()
}

/// The ids of contacts by each of their match keys, for finding the matches of one contact
/// without comparing it with every other.
#[derive(Clone, Debug, Default)]
pub struct DuplicateIndex {
    /// The indexed contacts' ids, in the order indexed.
    ids: Vec<Id>,
    /// For each key, its latest entry in `entries`.
    latest_by_key: HashMap<MatchKey, Option<usize>>,
    /// The contacts of each key, chained from the latest entry back: nearly every key has one
    /// contact, so a `Vec` (and an id copy) per key would double what indexing allocates.
    entries: Vec<KeyEntry>,
}

type MatchKey = (MatchReason, String);

#[derive(Clone, Copy, Debug)]
struct KeyEntry {
    /// Position in `ids`.
    contact: usize,
    /// The entry of the contact indexed before it under the same key.
    previous: Option<usize>,
}

impl DuplicateIndex {
    /// Indexes `contacts`.
    pub fn new<'c>(contacts: impl IntoIterator<Item = &'c Contact>) -> Self {
        let mut index = DuplicateIndex::default();
        for contact in contacts {
            index.insert(contact);
        }
        index
    }

    /// Adds a contact, so that later look-ups find it.
    pub fn insert(&mut self, contact: &Contact) {
        self.insert_keys(&contact.id, match_keys(contact));
    }

    /// The indexed contacts, other than `contact` itself, that look like the same person: each
    /// once, with its strongest reason, strongest first.
    pub fn find(&self, contact: &Contact) -> Vec<(Id, MatchReason)> {
        self.find_keys(&contact.id, &match_keys(contact))
    }

    /// [`Self::find`], and when nothing matches, [`Self::insert`]: what an import does row by
    /// row, so that a later row of the same file matches an earlier one. Computes the keys once.
    /// Unlike `find`, a name match counts only for a contact with no phone and no e-mail.
    pub fn insert_unless_duplicate(&mut self, contact: &Contact) -> Vec<(Id, MatchReason)> {
        let keys = match_keys(contact);
        let mut matches = self.find_keys(&contact.id, &keys);
        // Common names repeat ("Ali Karimi" is many people): when the contact has a phone or
        // an e-mail, those decide, and a shared name alone does not hold it back.
        if keys.iter().any(|(reason, _)| *reason != MatchReason::Name) {
            matches.retain(|(_, reason)| *reason != MatchReason::Name);
        }
        if matches.is_empty() {
            self.insert_keys(&contact.id, keys);
        }
        matches
    }

    fn insert_keys(&mut self, id: &Id, keys: Vec<MatchKey>) {
        let contact = self.ids.len();
        self.ids.push(id.clone());
        for key in keys {
            let latest = self.latest_by_key.entry(key).or_default();
            // A contact listing one number twice would otherwise be found twice.
            if latest.is_some_and(|entry| self.entries[entry].contact == contact) {
                continue;
            }
            self.entries.push(KeyEntry {
                contact,
                previous: *latest,
            });
            *latest = Some(self.entries.len() - 1);
        }
    }

    fn find_keys(&self, own_id: &Id, keys: &[MatchKey]) -> Vec<(Id, MatchReason)> {
        let mut matches: Vec<(Id, MatchReason)> = Vec::new();
        for key in keys {
            let mut next = self.latest_by_key.get(key).copied().flatten();
            while let Some(entry) = next {
                let KeyEntry { contact, previous } = self.entries[entry];
                let id = &self.ids[contact];
                if id != own_id && matches.iter().all(|(seen, _)| seen != id) {
                    matches.push((id.clone(), key.0));
                }
                next = previous;
            }
        }
        matches
    }
}

/// Groups of contacts that look like the same person, for a "possible duplicates" list.
///
/// Matching is transitive: if A shares a phone with B and B an e-mail with C, all three are
/// one group. Only groups of two or more are returned, ordered by their first member, members
/// in the order of `contacts`.
pub fn find_duplicate_groups(contacts: &[Contact]) -> Vec<Vec<Id>> {
    let mut groups = DisjointSets::new(contacts.len());
    let mut first_with_key = HashMap::new();
    for (position, contact) in contacts.iter().enumerate() {
        for key in match_keys(contact) {
            let first = *first_with_key.entry(key).or_insert(position);
            groups.union(first, position);
        }
    }
    let mut members_by_root: HashMap<usize, Vec<Id>> = HashMap::new();
    let mut roots_in_order = Vec::new();
    for (position, contact) in contacts.iter().enumerate() {
        let root = groups.root(position);
        let members = members_by_root.entry(root).or_default();
        if members.is_empty() {
            roots_in_order.push(root);
        }
        members.push(contact.id.clone());
    }
    roots_in_order
        .into_iter()
        .filter_map(|root| members_by_root.remove(&root))
        .filter(|members| members.len() > 1)
        .collect()
}

/// Union-find over positions, with path halving.
struct DisjointSets {
    parent: Vec<usize>,
}

impl DisjointSets {
    fn new(len: usize) -> Self {
        DisjointSets {
            parent: (0..len).collect(),
        }
    }

    fn root(&mut self, mut position: usize) -> usize {
        while self.parent[position] != position {
            self.parent[position] = self.parent[self.parent[position]];
            position = self.parent[position];
        }
        position
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        // The earlier position becomes the root, which keeps groups ordered by first member.
        self.parent[a.max(b)] = a.min(b);
    }
}

/// Merges `secondary` into `primary`, for when the user says two contacts are one person.
///
/// - The result is `primary` (same id); its non-empty single values (names, company, job
///   title, WhatsApp, Telegram, address, owner, source, campaign, lifecycle stage) are kept,
///   and empty ones are filled from `secondary`. The address is taken whole, never mixed.
/// - Phones, e-mails and tags are the union, primary's first, without repeats (phones compared
///   in E.164, e-mails and tags ignoring case).
/// - A WhatsApp or Telegram number of `secondary` that differs from primary's is kept among
///   the phones. A differing Telegram user name has nowhere to go and is dropped.
/// - Notes are joined, primary's first, separated by a blank line.
/// - `created_at` and `became_customer_at` take the earlier of the two: the relationship began
///   when the first of them did.
pub fn merge(primary: &Contact, secondary: &Contact) -> Contact {
    let mut merged = primary.clone();
    let other = secondary.clone();
    for (kept, offered) in [
        (&mut merged.first_name, other.first_name),
        (&mut merged.last_name, other.last_name),
        (&mut merged.job_title, other.job_title),
    ] {
        fill_text(kept, offered);
    }
    let spare_numbers = [
        fill_messenger(&mut merged.whatsapp, other.whatsapp),
        fill_messenger(&mut merged.telegram, other.telegram),
    ];
    if merged.address == Default::default() {
        merged.address = other.address;
    }
    fill(&mut merged.company_id, other.company_id);
    fill(&mut merged.owner_id, other.owner_id);
    fill(&mut merged.source, other.source);
    fill(&mut merged.campaign_id, other.campaign_id);
    fill(&mut merged.lifecycle_changed_at, other.lifecycle_changed_at);
    let spare_phones = spare_numbers.into_iter().flatten().map(|number| Phone {
        number,
        ..Phone::default()
    });
    let phones = other.phones.into_iter().chain(spare_phones);
    union_by(&mut merged.phones, phones, |phone| {
        normalize_phone(&phone.number).unwrap_or_else(|_| phone.number.trim().to_owned())
    });
    union_by(&mut merged.emails, other.emails, |email: &Email| {
        email_key(&email.address)
    });
    union_by(&mut merged.tags, other.tags, |tag| {
        tag.trim().to_lowercase()
    });
    let other_notes = other.notes.trim();
    if !other_notes.is_empty() && merged.notes.trim() != other_notes {
        if !merged.notes.trim().is_empty() {
            merged.notes.push_str("\n\n");
        }
        merged.notes.push_str(other_notes);
    }
    merged.created_at = merged.created_at.min(other.created_at);
    merged.became_customer_at = match (merged.became_customer_at, other.became_customer_at) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    merged
}

fn fill_text(kept: &mut String, offered: String) {
    if kept.trim().is_empty() {
        *kept = offered;
    }
}

fn fill<T>(kept: &mut Option<T>, offered: Option<T>) {
    if kept.is_none() {
        *kept = offered;
    }
}

/// Fills an empty messenger handle; returns the offered one when it is a different phone
/// number, so that it is not lost.
fn fill_messenger(kept: &mut String, offered: String) -> Option<String> {
    if kept.trim().is_empty() {
        *kept = offered;
        return None;
    }
    let offered_number = normalize_phone(&offered).ok()?;
    (normalize_phone(kept).ok() != Some(offered_number)).then_some(offered)
}

/// Appends the items of `offered` whose key is not in `kept` yet.
fn union_by<T, K: Eq + std::hash::Hash>(
    kept: &mut Vec<T>,
    offered: impl IntoIterator<Item = T>,
    key: impl Fn(&T) -> K,
) {
    let mut seen: HashSet<K> = kept.iter().map(&key).collect();
    kept.extend(offered.into_iter().filter(|item| seen.insert(key(item))));
}

/// A record that can point at a contact; after a merge, the app re-points the secondary's
/// deals, activities, tasks, tickets and invoices at the primary with it.
pub trait ContactLinks {
    /// Replaces a reference to contact `from` with `to`; returns whether anything changed (and
    /// so the record needs saving).
    fn relink_contact(&mut self, from: &Id, to: &Id) -> bool;
}

/// Implements [`ContactLinks`] for entities whose link is a `contact_id` field.
macro_rules! contact_id_links {
    ($($entity:ty),+) => {$(
        impl ContactLinks for $entity {
            fn relink_contact(&mut self, from: &Id, to: &Id) -> bool {
                replace_id(self.contact_id.as_mut(), from, to)
            }
        }
    )+};
}

contact_id_links!(Deal, Activity, Ticket, Invoice);

impl ContactLinks for Task {
    fn relink_contact(&mut self, from: &Id, to: &Id) -> bool {
        let link = self
            .link
            .as_mut()
            .filter(|link| link.kind == EntityKind::Contact);
        replace_id(link.map(|link| &mut link.id), from, to)
    }
}

fn replace_id(slot: Option<&mut Id>, from: &Id, to: &Id) -> bool {
    match slot {
        Some(id) if id == from => {
            *id = to.clone();
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn on_import_a_shared_name_alone_does_not_hold_back_a_contact_with_numbers() {
        let person = |id: &str, phone: &str| Contact {
            id: Id::from_string(id),
            first_name: "Ali".into(),
            last_name: "Karimi".into(),
            phones: (!phone.is_empty())
                .then(|| Phone {
                    number: phone.into(),
                    ..Phone::default()
                })
                .into_iter()
                .collect(),
            ..Contact::default()
        };
        let mut index = DuplicateIndex::default();
        assert!(index
            .insert_unless_duplicate(&person("a", "+989121111111"))
            .is_empty());
        assert!(index
            .insert_unless_duplicate(&person("b", "+989122222222"))
            .is_empty());
        let same_number = index.insert_unless_duplicate(&person("c", "+989122222222"));
        assert_eq!(same_number, [(Id::from_string("b"), MatchReason::Phone)]);
        let name_only = index.insert_unless_duplicate(&person("d", ""));
        assert_eq!(name_only.len(), 2);
        assert!(name_only
            .iter()
            .all(|(_, reason)| *reason == MatchReason::Name));
    }

    use super::*;
    use crate::model::{Address, LeadSource, LifecycleStage, RecordRef};

    fn id(text: &str) -> Id {
        Id::from_string(text)
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

    fn contact(key: &str, first: &str, last: &str) -> Contact {
        Contact {
            id: id(key),
            first_name: first.into(),
            last_name: last.into(),
            ..Contact::default()
        }
    }

    #[test]
    fn finds_by_phone_in_any_spelling_email_case_and_name_form() {
        let existing = [
            Contact {
                phones: vec![phone("+989121234567")],
                ..contact("a", "Ali", "")
            },
            Contact {
                emails: vec![email("Sara@Example.com")],
                ..contact("b", "", "")
            },
            contact("c", "محمد رضا", "علي‌زاده"),
        ];
        let index = DuplicateIndex::new(&existing);
        let by_phone = Contact {
            whatsapp: "۰۹۱۲ ۱۲۳ ۴۵۶۷".into(),
            ..contact("x", "", "")
        };
        assert_eq!(index.find(&by_phone), [(id("a"), MatchReason::Phone)]);
        let by_email = Contact {
            emails: vec![email(" sara@EXAMPLE.com ")],
            ..contact("x", "", "")
        };
        assert_eq!(index.find(&by_email), [(id("b"), MatchReason::Email)]);
        let by_name = contact("x", "محمدرضا", "علیزاده");
        assert_eq!(index.find(&by_name), [(id("c"), MatchReason::Name)]);
        assert_eq!(index.find(&contact("x", "Ali", "")), []);
        // A contact is not its own duplicate.
        assert_eq!(index.find(&existing[0]), []);
    }

    #[test]
    fn each_match_is_listed_once_with_its_strongest_reason() {
        let existing = Contact {
            phones: vec![phone("09121234567"), phone("+98 912 123 4567")],
            emails: vec![email("ali@x.ir")],
            ..contact("a", "Ali", "Rezaei")
        };
        let other = Contact {
            emails: vec![email("sara@x.ir")],
            ..contact("b", "Sara", "Karimi")
        };
        let index = DuplicateIndex::new([&other, &existing]);
        let probe = Contact {
            phones: vec![phone("09121234567")],
            emails: vec![email("ALI@x.ir"), email("sara@x.ir")],
            ..contact("x", "ali", "rezaei")
        };
        assert_eq!(
            index.find(&probe),
            [(id("a"), MatchReason::Phone), (id("b"), MatchReason::Email)]
        );
    }

    #[test]
    fn groups_are_transitive_and_ordered() {
        let contacts = [
            contact("lonely", "Reza", ""),
            Contact {
                phones: vec![phone("09121234567")],
                ..contact("a", "", "")
            },
            contact("n1", "Sara", "Karimi"),
            Contact {
                phones: vec![phone("+989121234567")],
                emails: vec![email("b@x.ir")],
                ..contact("b", "", "")
            },
            Contact {
                emails: vec![email("B@X.IR")],
                ..contact("c", "", "")
            },
            contact("n2", "sara", "KARIMI"),
        ];
        assert_eq!(
            find_duplicate_groups(&contacts),
            [vec![id("a"), id("b"), id("c")], vec![id("n1"), id("n2")]]
        );
        assert_eq!(find_duplicate_groups(&[]), Vec::<Vec<Id>>::new());
    }

    #[test]
    fn merge_keeps_primary_fills_gaps_and_unions_lists() {
        let primary = Contact {
            phones: vec![phone("+989121234567")],
            emails: vec![email("ali@x.ir")],
            tags: vec!["VIP".into()],
            whatsapp: "+989121234567".into(),
            lifecycle_stage: LifecycleStage::Lead,
            notes: "Prefers calls".into(),
            created_at: 500,
            ..contact("p", "Ali", "")
        };
        let secondary = Contact {
            job_title: "CEO".into(),
            phones: vec![phone("09121234567"), phone("02188887777")],
            emails: vec![email("ALI@x.ir"), email("ali@home.ir")],
            tags: vec!["vip".into(), "Wholesale".into()],
            whatsapp: "+989350000000".into(),
            telegram: "ali_r".into(),
            address: Address {
                city: "Tehran".into(),
                ..Address::default()
            },
            owner_id: Some(id("owner")),
            source: Some(LeadSource::Instagram),
            lifecycle_stage: LifecycleStage::Customer,
            became_customer_at: Some(300),
            notes: "Met at the fair".into(),
            created_at: 100,
            ..contact("s", "Alireza", "Rezaei")
        };
        let merged = merge(&primary, &secondary);
        assert_eq!(
            merged,
            Contact {
                id: id("p"),
                first_name: "Ali".into(),
                last_name: "Rezaei".into(),
                job_title: "CEO".into(),
                phones: vec![
                    phone("+989121234567"),
                    phone("02188887777"),
                    phone("+989350000000"),
                ],
                emails: vec![email("ali@x.ir"), email("ali@home.ir")],
                tags: vec!["VIP".into(), "Wholesale".into()],
                whatsapp: "+989121234567".into(),
                telegram: "ali_r".into(),
                address: secondary.address.clone(),
                owner_id: Some(id("owner")),
                source: Some(LeadSource::Instagram),
                lifecycle_stage: LifecycleStage::Lead,
                became_customer_at: Some(300),
                notes: "Prefers calls\n\nMet at the fair".into(),
                created_at: 100,
                ..Contact::default()
            }
        );
        // Merging what is already there adds nothing.
        assert_eq!(merge(&merged, &merged), merged);
    }

    #[test]
    fn relink_moves_only_links_to_the_secondary() {
        let (secondary, primary, other) = (id("s"), id("p"), id("o"));
        let mut deal = Deal {
            contact_id: Some(secondary.clone()),
            ..Deal::default()
        };
        assert!(deal.relink_contact(&secondary, &primary));
        assert_eq!(deal.contact_id, Some(primary.clone()));
        assert!(!deal.relink_contact(&secondary, &primary));

        let mut unrelated = Ticket {
            contact_id: Some(other.clone()),
            ..Ticket::default()
        };
        assert!(!unrelated.relink_contact(&secondary, &primary));
        assert!(!Invoice::default().relink_contact(&secondary, &primary));

        let task_about = |kind| Task {
            link: Some(RecordRef {
                kind,
                id: secondary.clone(),
            }),
            ..Task::default()
        };
        let mut task = task_about(EntityKind::Contact);
        assert!(task.relink_contact(&secondary, &primary));
        assert_eq!(task.link.unwrap().id, primary);
        // A deal that happens to share the id is not the contact.
        let mut about_deal = task_about(EntityKind::Deal);
        assert!(!about_deal.relink_contact(&secondary, &primary));
        let mut activity = Activity {
            contact_id: Some(secondary.clone()),
            ..Activity::default()
        };
        assert!(activity.relink_contact(&secondary, &primary));
    }
}
