//! How a join by snapshot walks a workspace: customers first, then every other kind, each
//! kind in parts a device may fetch at the same time. The app's join follows this walk, and
//! the sync server prepares its pages in the same walk, so that it holds, ready to send,
//! every page a joining device asks for.

use crate::kind::EntityKind;
use std::collections::{BTreeMap, VecDeque};

/// Kinds joined first, so the customer lists fill first.
pub const CUSTOMERS: [EntityKind; 2] = [EntityKind::Contact, EntityKind::Company];

/// Every kind in the order a join stores them: [`CUSTOMERS`] first.
pub fn join_order() -> Vec<EntityKind> {
    let others = EntityKind::ALL
        .into_iter()
        .filter(|kind| !CUSTOMERS.contains(kind));
    CUSTOMERS.into_iter().chain(others).collect()
}

/// A stretch of one kind's records: those after `after` up to and including `until` (see
/// `SnapshotResponse::splits`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Part {
    pub kind: EntityKind,
    pub after: Option<String>,
    pub until: Option<String>,
}

impl Part {
    /// The part a join asks for first: the first kind, whole (its answer tells the rest).
    pub fn first() -> Part {
        Part {
            kind: CUSTOMERS[0],
            after: None,
            until: None,
        }
    }

    /// The rest of this part after a page that ended at `last`.
    pub fn rest_after(&self, last: Option<String>) -> Part {
        Part {
            after: last,
            ..self.clone()
        }
    }
}

/// What the first page of a join said of the workspace: whether its kind has more records
/// after it and which is its last, and, from a server that says, how many records each kind
/// holds and where each kind's parts end.
#[derive(Clone, Copy, Debug)]
pub struct FirstPage<'a> {
    pub more: bool,
    pub last: Option<&'a String>,
    pub totals: Option<&'a BTreeMap<EntityKind, u64>>,
    pub splits: Option<&'a BTreeMap<EntityKind, Vec<String>>>,
}

/// The parts a join reads after its first page (`first`, whose answer is `page`), in the
/// order they are stored: the rest of the first kind, then each other kind of `kinds` the
/// workspace holds records of, cut where the server says (whole kinds when it does not).
pub fn parts_after_first(
    kinds: &[EntityKind],
    first: &Part,
    page: FirstPage<'_>,
) -> VecDeque<Part> {
    let mut parts = VecDeque::new();
    for &kind in kinds {
        // Kinds with no record at the cursor have nothing to read: later ones come in the tail.
        if page
            .totals
            .is_some_and(|totals| !totals.contains_key(&kind))
        {
            continue;
        }
        let mut after = None;
        if kind == first.kind {
            if !page.more {
                continue;
            }
            after = page.last.cloned();
        }
        let ends = page.splits.and_then(|splits| splits.get(&kind));
        let start = after.clone();
        let ends = ends.into_iter().flatten();
        let ends = ends.filter(|end| start.as_ref().is_none_or(|start| *end > start));
        for end in ends.cloned() {
            parts.push_back(Part {
                kind,
                after: after.replace(end.clone()),
                until: Some(end),
            });
        }
        parts.push_back(Part {
            kind,
            after,
            until: None,
        });
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(kind: EntityKind, after: Option<&str>, until: Option<&str>) -> Part {
        Part {
            kind,
            after: after.map(str::to_owned),
            until: until.map(str::to_owned),
        }
    }

    #[test]
    fn customers_come_first_and_every_kind_once() {
        let order = join_order();
        assert_eq!(order[..2], CUSTOMERS);
        assert_eq!(order.len(), EntityKind::ALL.len());
    }

    #[test]
    fn the_first_kind_goes_on_after_its_first_page_and_other_kinds_in_their_parts() {
        let kinds = [EntityKind::Contact, EntityKind::Company, EntityKind::Task];
        let totals = BTreeMap::from([(EntityKind::Contact, 3_000), (EntityKind::Task, 10)]);
        let splits = BTreeMap::from([(
            EntityKind::Contact,
            vec!["c1000".to_owned(), "c2000".to_owned()],
        )]);
        let last = "c0900".to_owned();
        let page = FirstPage {
            more: true,
            last: Some(&last),
            totals: Some(&totals),
            splits: Some(&splits),
        };
        let parts = parts_after_first(&kinds, &Part::first(), page);
        assert_eq!(
            parts,
            [
                part(EntityKind::Contact, Some("c0900"), Some("c1000")),
                part(EntityKind::Contact, Some("c1000"), Some("c2000")),
                part(EntityKind::Contact, Some("c2000"), None),
                // No company at the cursor: none asked for.
                part(EntityKind::Task, None, None),
            ]
        );
        // A first page that held the whole first kind leaves only the other kinds; a server
        // that says nothing of totals or parts gets each kind asked for whole.
        let whole = FirstPage {
            more: false,
            last: Some(&last),
            totals: None,
            splits: None,
        };
        assert_eq!(
            parts_after_first(&kinds, &Part::first(), whole),
            [
                part(EntityKind::Company, None, None),
                part(EntityKind::Task, None, None)
            ]
        );
    }
}
