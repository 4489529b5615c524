//! Who names whom: the ids a record refers to (its contact, company, deal, ticket or task
//! link), and an index from an id to the records that name it.
//!
//! A customer's 360 page picks its records by these references
//! ([`crate::report::customer::CustomerRecords::select`]). Scanning every invoice, activity and task of
//! a 100k-contact workspace for one customer takes a tenth of a second; the index answers with
//! just the customer's records.

use rustc_hash::FxHashMap;

use crate::id::Id;
use crate::model::{
    Activity, AutomationRule, AutomationRun, Campaign, Company, Contact, Deal, FieldDefinition,
    Invoice, MessageTemplate, Notification, Pipeline, Product, SavedView, Segment, Settings, Task,
    TeamMember, Ticket,
};

/// The ids of other records that a record names, which a customer's records are picked by.
/// Kinds that name none keep the default.
pub trait Refers {
    fn references(&self) -> [Option<&Id>; 4] {
        [None; 4]
    }
}

impl Refers for Contact {
    /// A company's people are the contacts that name it.
    fn references(&self) -> [Option<&Id>; 4] {
        [self.company_id.as_ref(), None, None, None]
    }
}

impl Refers for Activity {
    fn references(&self) -> [Option<&Id>; 4] {
        [
            self.contact_id.as_ref(),
            self.company_id.as_ref(),
            self.deal_id.as_ref(),
            self.ticket_id.as_ref(),
        ]
    }
}

impl Refers for Task {
    fn references(&self) -> [Option<&Id>; 4] {
        [self.link.as_ref().map(|link| &link.id), None, None, None]
    }
}

/// Kinds whose records name a customer by contact and company.
macro_rules! refers_to_parties {
    ($($kind:ty),+) => {$(
        impl Refers for $kind {
            fn references(&self) -> [Option<&Id>; 4] {
                [self.contact_id.as_ref(), self.company_id.as_ref(), None, None]
            }
        }
    )+};
}

refers_to_parties!(Invoice, Deal, Ticket);

impl Refers for Company {}
impl Refers for TeamMember {}
impl Refers for Pipeline {}
impl Refers for Product {}
impl Refers for Campaign {}
impl Refers for MessageTemplate {}
impl Refers for Segment {}
impl Refers for SavedView {}
impl Refers for Settings {}
impl Refers for AutomationRule {}
impl Refers for FieldDefinition {}
// A notification is a member's, not part of its record's timeline (its run is).
impl Refers for Notification {}

impl Refers for AutomationRun {
    /// A run shows on its record's timeline and in its rule's log.
    fn references(&self) -> [Option<&Id>; 4] {
        [
            self.record.as_ref().map(|record| &record.id),
            Some(&self.rule_id),
            None,
            None,
        ]
    }
}

/// The positions of one kind's records by the ids they name (see [`Refers`]).
///
/// An id is a 4-byte handle (see [`Id`]), so keying by ids costs no more than keying by
/// their hashes would.
#[derive(Clone, Debug, Default)]
pub struct Referrers {
    by_id: FxHashMap<Id, Vec<u32>>,
}

impl Referrers {
    /// The index of `records`, each at its position in the slice.
    pub fn of<E: Refers>(records: &[E]) -> Referrers {
        let mut referrers = Referrers::default();
        for (position, record) in records.iter().enumerate() {
            referrers.add(record, position);
        }
        referrers
    }

    /// Notes that `record` is at `position`.
    pub fn add(&mut self, record: &impl Refers, position: usize) {
        let position = position as u32;
        for id in record.references().into_iter().flatten() {
            let positions = self.by_id.entry(id.clone()).or_default();
            if !positions.contains(&position) {
                positions.push(position);
            }
        }
    }

    /// Forgets that `record` is at `position` (it moved or was removed).
    pub fn remove(&mut self, record: &impl Refers, position: usize) {
        let position = position as u32;
        for id in record.references().into_iter().flatten() {
            if let Some(positions) = self.by_id.get_mut(id) {
                positions.retain(|at| *at != position);
                if positions.is_empty() {
                    self.by_id.remove(id);
                }
            }
        }
    }

    /// Positions of the records that name `id`, in no particular order.
    pub fn naming(&self, id: &Id) -> &[u32] {
        self.by_id.get(id).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn activity(id: &str, contact: &str, deal: Option<&str>) -> Activity {
        Activity {
            id: Id::from_string(id),
            contact_id: Some(Id::from_string(contact)),
            deal_id: deal.map(Id::from_string),
            ..Activity::default()
        }
    }

    #[test]
    fn an_index_finds_the_records_naming_an_id_and_forgets_removed_ones() {
        let records = [
            activity("a1", "ali", Some("d1")),
            activity("a2", "sara", None),
            activity("a3", "ali", None),
        ];
        let mut referrers = Referrers::of(&records);
        let naming = |referrers: &Referrers, id: &str| {
            let mut positions = referrers.naming(&Id::from_string(id)).to_vec();
            positions.sort_unstable();
            positions
        };
        assert_eq!(naming(&referrers, "ali"), [0, 2]);
        assert_eq!(naming(&referrers, "d1"), [0]);
        assert_eq!(naming(&referrers, "sara"), [1]);
        assert!(naming(&referrers, "nobody").is_empty());

        referrers.remove(&records[0], 0);
        assert_eq!(naming(&referrers, "ali"), [2]);
        assert!(naming(&referrers, "d1").is_empty());
    }
}
