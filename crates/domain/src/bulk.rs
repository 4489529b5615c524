//! Acting on many records at once: which rows of a list a person has selected, and what a
//! bulk change does to each record of any kind a list shows (`BulkRecord`).
//!
//! A selection is either rows picked one by one (click, shift-click ranges) or "every row
//! matching the filter" less the ones unticked since, so selecting 100,000 rows holds no
//! 100,000 keys. It is resolved against the rows the list shows only when acting.

use crate::id::Id;
use crate::model::{
    Company, Contact, Deal, DealStatus, Entity, Invoice, InvoiceStatus, LifecycleStage, Stage,
    Ticket, TicketStatus,
};
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

/// A kind of record a list acts on in bulk: where its owner and tags are, if it has them,
/// and how it takes the kind's own state (a contact's lifecycle stage, a deal's stage, a
/// ticket's status).
pub trait BulkRecord: Entity + Clone + PartialEq {
    /// What "set stage" or "set status" gives each record; [`Stateless`] for kinds without.
    type State: Clone;
    /// The synced field [`BulkRecord::owner_mut`] is.
    const OWNER_FIELD: &'static str = "owner_id";
    /// Whether records of the kind have tags (a list offers tag changes only then).
    const TAGGED: bool = true;
    /// The record's owner (a ticket's assignee), if the kind has one.
    fn owner_mut(&mut self) -> Option<&mut Option<Id>>;
    /// The record's tags, if the kind has them.
    fn tags_mut(&mut self) -> Option<&mut Vec<String>>;
    /// [`BulkRecord::owner_mut`], read.
    fn owner(&self) -> Option<&Option<Id>>;
    /// [`BulkRecord::tags_mut`], read.
    fn tags(&self) -> Option<&Vec<String>>;
    /// Moves the record to `state` at `now`.
    fn set_state(&mut self, state: &Self::State, now: i64);
    /// Whether the record may move to `state` (an invoice only by the steps its life
    /// allows); a refused record is left as it is and named.
    fn allows(&self, _state: &Self::State) -> bool {
        true
    }
}

/// The state of a kind that has none a bulk change sets: no value of it exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stateless {}

/// A change made to every selected record at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BulkChange<S> {
    /// Gives the records to a team member, or to nobody.
    SetOwner(Option<Id>),
    /// Adds a tag, unless the record has it already (in any letter case).
    AddTag(String),
    /// Removes a tag, in any letter case.
    RemoveTag(String),
    /// Moves the records to a stage or status of their kind (see [`BulkRecord::set_state`]).
    SetState(S),
}

/// The change the contacts list makes.
pub type ContactChange = BulkChange<LifecycleStage>;

impl<S> BulkChange<S> {
    /// The record after the change at `now`, or `None` when the change leaves it as it was
    /// or its kind has no such field (so a bulk write carries only the records it changes).
    pub fn apply<E: BulkRecord<State = S>>(&self, record: &E, now: i64) -> Option<E> {
        let mut after = record.clone();
        match self {
            BulkChange::SetOwner(owner) => after.owner_mut()?.clone_from(owner),
            BulkChange::AddTag(tag) => {
                let tag = tag.trim();
                let tags = after.tags_mut()?;
                if !tag.is_empty() && !has_tag(tags, tag) {
                    tags.push(tag.to_owned());
                }
            }
            BulkChange::RemoveTag(tag) => after.tags_mut()?.retain(|kept| !same_tag(kept, tag)),
            BulkChange::SetState(state) if record.allows(state) => after.set_state(state, now),
            BulkChange::SetState(_) => return None,
        }
        (after != *record).then_some(after)
    }

    /// The synced fields this change writes, as `record` holds them (the names and values of
    /// [`Entity::to_fields`]): a bulk write's ops come from these alone, before and after, so
    /// an owner or tag change of 10,000 records compares one field of each, not every field.
    /// The one field an owner or tag change writes is serialized alone, not the whole record
    /// (a bulk tag of 10,000 contacts serialized each twice).
    pub fn written_fields<E: BulkRecord<State = S>>(&self, record: &E) -> Map<String, Value> {
        let (written, value) = match self {
            BulkChange::SetOwner(_) => (E::OWNER_FIELD, record.owner().map(serde_json::to_value)),
            BulkChange::AddTag(_) | BulkChange::RemoveTag(_) => {
                ("tags", record.tags().map(serde_json::to_value))
            }
            // A stage or status also moves stamps and histories, each kind its own.
            BulkChange::SetState(_) => return record.to_fields(),
        };
        let mut fields = Map::new();
        match value {
            Some(Ok(value)) => {
                fields.insert(written.to_owned(), value);
            }
            // An id or a list of texts always serializes; were one not to, the whole record
            // would give it as it always did.
            Some(Err(_)) => {
                fields = record.to_fields();
                fields.retain(|name, _| name == written);
            }
            None => {}
        }
        fields
    }

    /// The records this change may not touch (an invoice's status it cannot take), in order:
    /// what a list counts and names after acting.
    pub fn refused<'a, E: BulkRecord<State = S> + 'a>(
        &self,
        records: impl IntoIterator<Item = &'a E>,
    ) -> Vec<&'a E> {
        match self {
            BulkChange::SetState(state) => records
                .into_iter()
                .filter(|record| !record.allows(state))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Each changed record before and after: what one bulk write stores, and, reversed,
    /// what undoes it.
    pub fn edits<'a, E: BulkRecord<State = S> + 'a>(
        &self,
        records: impl IntoIterator<Item = &'a E>,
        now: i64,
    ) -> Vec<(E, E)> {
        records
            .into_iter()
            .filter_map(|record| Some((record.clone(), self.apply(record, now)?)))
            .collect()
    }
}

impl BulkRecord for Contact {
    type State = LifecycleStage;
    fn owner_mut(&mut self) -> Option<&mut Option<Id>> {
        Some(&mut self.owner_id)
    }
    fn tags_mut(&mut self) -> Option<&mut Vec<String>> {
        Some(&mut self.tags)
    }
    fn owner(&self) -> Option<&Option<Id>> {
        Some(&self.owner_id)
    }
    fn tags(&self) -> Option<&Vec<String>> {
        Some(&self.tags)
    }
    /// Stamps when (see [`Contact::set_lifecycle_stage`]).
    fn set_state(&mut self, stage: &LifecycleStage, now: i64) {
        self.set_lifecycle_stage(*stage, now);
    }
}

impl BulkRecord for Company {
    type State = Stateless;
    fn owner_mut(&mut self) -> Option<&mut Option<Id>> {
        Some(&mut self.owner_id)
    }
    fn tags_mut(&mut self) -> Option<&mut Vec<String>> {
        Some(&mut self.tags)
    }
    fn owner(&self) -> Option<&Option<Id>> {
        Some(&self.owner_id)
    }
    fn tags(&self) -> Option<&Vec<String>> {
        Some(&self.tags)
    }
    fn set_state(&mut self, state: &Stateless, _: i64) {
        match *state {}
    }
}

/// Where a bulk change moves deals: a stage of their pipeline, who moved them (the stage
/// history names them) and, to a lost stage, why they were lost (asked once for all).
#[derive(Clone, Debug, PartialEq)]
pub struct StageMove {
    pub stage: Stage,
    pub by: Option<Id>,
    pub lost_reason: String,
}

impl BulkRecord for Deal {
    type State = StageMove;
    fn owner_mut(&mut self) -> Option<&mut Option<Id>> {
        Some(&mut self.owner_id)
    }
    fn tags_mut(&mut self) -> Option<&mut Vec<String>> {
        Some(&mut self.tags)
    }
    /// Records the move in the deal's stage history and takes the stage's outcome (see
    /// [`Deal::move_to_stage`]).
    fn owner(&self) -> Option<&Option<Id>> {
        Some(&self.owner_id)
    }
    fn tags(&self) -> Option<&Vec<String>> {
        Some(&self.tags)
    }
    fn set_state(&mut self, to: &StageMove, now: i64) {
        self.move_to_stage(&to.stage, now, to.by.clone());
        if to.stage.outcome == DealStatus::Lost {
            to.lost_reason.trim().clone_into(&mut self.lost_reason);
        }
    }
    /// A deal is lost only with its reason.
    fn allows(&self, to: &StageMove) -> bool {
        to.stage.outcome != DealStatus::Lost || !to.lost_reason.trim().is_empty()
    }
}

impl BulkRecord for Ticket {
    type State = TicketStatus;
    const OWNER_FIELD: &'static str = "assignee_id";
    /// A ticket's owner is its assignee.
    fn owner_mut(&mut self) -> Option<&mut Option<Id>> {
        Some(&mut self.assignee_id)
    }
    fn tags_mut(&mut self) -> Option<&mut Vec<String>> {
        Some(&mut self.tags)
    }
    fn owner(&self) -> Option<&Option<Id>> {
        Some(&self.assignee_id)
    }
    fn tags(&self) -> Option<&Vec<String>> {
        Some(&self.tags)
    }
    fn set_state(&mut self, status: &TicketStatus, now: i64) {
        self.set_status(*status, now);
    }
}

impl BulkRecord for Invoice {
    type State = InvoiceStatus;
    const TAGGED: bool = false;
    fn owner_mut(&mut self) -> Option<&mut Option<Id>> {
        Some(&mut self.owner_id)
    }
    fn tags_mut(&mut self) -> Option<&mut Vec<String>> {
        None
    }
    fn owner(&self) -> Option<&Option<Id>> {
        Some(&self.owner_id)
    }
    fn tags(&self) -> Option<&Vec<String>> {
        None
    }
    fn set_state(&mut self, status: &InvoiceStatus, now: i64) {
        self.set_status(*status, now);
    }
    /// See [`Invoice::can_become`].
    fn allows(&self, status: &InvoiceStatus) -> bool {
        self.can_become(*status)
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
