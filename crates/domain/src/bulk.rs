//! Acting on many records at once: which rows of a list a person has selected, and what a
//! bulk change does to each record.
//!
//! A selection is either rows picked one by one (click, shift-click ranges) or "every row
//! matching the filter" less the ones unticked since, so selecting 100,000 rows holds no
//! 100,000 keys. It is resolved against the rows the list shows only when acting.

use crate::id::Id;
use crate::model::{Contact, LifecycleStage};
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::hash::Hash;

/// The rows of a list a person has selected; `K` is a row's key (a record id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection<K: Hash + Eq> {
    /// Rows picked one at a time; `anchor` is the last one clicked, where a shift-click's
    /// range starts.
    Picked { keys: HashSet<K>, anchor: Option<K> },
    /// Every row matching the list's filter, but those unticked since.
    AllMatching { except: HashSet<K> },
}

impl<K: Hash + Eq + Clone> Default for Selection<K> {
    fn default() -> Self {
        Selection::Picked {
            keys: HashSet::new(),
            anchor: None,
        }
    }
}

impl<K: Hash + Eq + Clone> Selection<K> {
    pub fn contains(&self, key: &K) -> bool {
        match self {
            Selection::Picked { keys, .. } => keys.contains(key),
            Selection::AllMatching { except } => !except.contains(key),
        }
    }

    /// Whether nothing is selected, out of `shown` rows.
    pub fn is_empty(&self, shown: usize) -> bool {
        self.count(shown) == 0
    }

    /// How many rows are selected when the list shows `shown` rows. A selection is cleared
    /// whenever the filter changes, so every key it holds is one of the rows shown.
    pub fn count(&self, shown: usize) -> usize {
        match self {
            Selection::Picked { keys, .. } => keys.len().min(shown),
            Selection::AllMatching { except } => shown.saturating_sub(except.len()),
        }
    }

    /// Whether every one of `shown` rows is selected (and there is one).
    pub fn is_all(&self, shown: usize) -> bool {
        shown > 0 && self.count(shown) == shown
    }

    /// A click on a row's checkbox: selects or unselects that row, which becomes the anchor.
    pub fn toggle(&mut self, key: K) {
        match self {
            Selection::Picked { keys, anchor } => {
                if !keys.remove(&key) {
                    keys.insert(key.clone());
                }
                *anchor = Some(key);
            }
            Selection::AllMatching { except } => {
                if !except.remove(&key) {
                    except.insert(key);
                }
            }
        }
    }

    /// A shift-click on `key`: selects every row from the anchor to it, in the order `shown`
    /// lists them. Without an anchor among the rows shown, it is a plain click.
    pub fn extend_to(&mut self, shown: &[K], key: K) {
        let anchor = match self {
            Selection::Picked {
                anchor: Some(anchor),
                ..
            } => shown.iter().position(|row| row == anchor),
            _ => None,
        };
        let (Some(from), Some(to)) = (anchor, shown.iter().position(|row| *row == key)) else {
            self.toggle(key);
            return;
        };
        let range = &shown[from.min(to)..=from.max(to)];
        if let Selection::Picked { keys, anchor } = self {
            keys.extend(range.iter().cloned());
            *anchor = Some(key);
        }
    }

    /// Selects every row matching the filter, however many.
    pub fn select_all_matching(&mut self) {
        *self = Selection::AllMatching {
            except: HashSet::new(),
        };
    }

    pub fn clear(&mut self) {
        *self = Selection::default();
    }

    /// The selected rows among those shown, in the order shown.
    pub fn resolve<'a>(&'a self, shown: impl IntoIterator<Item = &'a K> + 'a) -> Vec<&'a K> {
        shown.into_iter().filter(|key| self.contains(key)).collect()
    }
}

/// A change made to every selected contact at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContactChange {
    /// Gives the contacts to a team member, or to nobody.
    SetOwner(Option<Id>),
    /// Adds a tag, unless the contact has it already (in any letter case).
    AddTag(String),
    /// Removes a tag, in any letter case.
    RemoveTag(String),
    /// Moves the contacts to a lifecycle stage, stamping when (see
    /// [`Contact::set_lifecycle_stage`]).
    SetStage(LifecycleStage),
}

impl ContactChange {
    /// The contact after the change at `now`, or `None` when the change leaves it as it was
    /// (so a bulk write carries only the records it changes).
    pub fn apply(&self, contact: &Contact, now: i64) -> Option<Contact> {
        let mut after = contact.clone();
        match self {
            ContactChange::SetOwner(owner) => after.owner_id.clone_from(owner),
            ContactChange::AddTag(tag) => {
                let tag = tag.trim();
                if !tag.is_empty() && !has_tag(&after.tags, tag) {
                    after.tags.push(tag.to_owned());
                }
            }
            ContactChange::RemoveTag(tag) => after.tags.retain(|kept| !same_tag(kept, tag)),
            ContactChange::SetStage(stage) => after.set_lifecycle_stage(*stage, now),
        }
        (after != *contact).then_some(after)
    }

    /// The synced fields this change writes, as `contact` holds them (the names and values of
    /// [`crate::model::Entity::to_fields`]): a bulk write's ops come from these alone, before
    /// and after, rather than from every field of every contact serialized twice.
    pub fn written_fields(&self, contact: &Contact) -> Map<String, Value> {
        fn field(name: &str, value: impl serde::Serialize) -> (String, Value) {
            // Ids, strings, stages and numbers always serialize.
            let value = serde_json::to_value(value).unwrap_or(Value::Null);
            (name.to_owned(), value)
        }
        match self {
            ContactChange::SetOwner(_) => Map::from_iter([field("owner_id", &contact.owner_id)]),
            ContactChange::AddTag(_) | ContactChange::RemoveTag(_) => {
                Map::from_iter([field("tags", &contact.tags)])
            }
            ContactChange::SetStage(_) => Map::from_iter([
                field("lifecycle_stage", contact.lifecycle_stage),
                field("lifecycle_changed_at", contact.lifecycle_changed_at),
                field("became_customer_at", contact.became_customer_at),
            ]),
        }
    }

    /// Each changed contact before and after: what one bulk write stores, and, reversed, what
    /// undoes it.
    pub fn edits<'a>(
        &self,
        contacts: impl IntoIterator<Item = &'a Contact>,
        now: i64,
    ) -> Vec<(Contact, Contact)> {
        contacts
            .into_iter()
            .filter_map(|contact| Some((contact.clone(), self.apply(contact, now)?)))
            .collect()
    }
}

/// Swaps each edit's before and after: the edits that undo a bulk change.
pub fn undoing<E>(edits: Vec<(E, E)>) -> Vec<(E, E)> {
    edits
        .into_iter()
        .map(|(before, after)| (after, before))
        .collect()
}

fn same_tag(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

fn has_tag(tags: &[String], tag: &str) -> bool {
    tags.iter().any(|kept| same_tag(kept, tag))
}

#[cfg(test)]
mod tests;
