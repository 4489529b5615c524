//! Segments: which contacts a saved [`SegmentFilter`] selects, and the built-in RFM segments.
//!
//! Purchase facts (last purchase, spend, RFM class) come from invoices, so they are computed
//! once per evaluation in a [`SegmentIndex`] (one pass over the invoices); each contact is then
//! tested in constant time plus its tags, and the free-text test, the only costly one, runs
//! last. Segments of 100k contacts evaluate in milliseconds.
//!
//! Orders, customers and purchase figures are those of [`crate::purchases`], as on the
//! customer page and the dashboard: a contact's orders are the paid invoices naming it; spend
//! is in the workspace currency; purchase dates count every currency. A purchase's day is its
//! day in the workspace's time zone, as on the dashboard.

use rustc_hash::FxHashMap;

use crate::calendar::Day;
use crate::id::Id;
use crate::model::{Contact, Invoice, RfmClass, SegmentFilter};
use crate::money::Currency;
use crate::purchases::PurchaseFacts;
use crate::rfm::{Rfm, RfmThresholds, RfmValues};
use crate::search::{normalize, Query};
use crate::time::{Instant, Zone};

/// A buyer as segments test it: its purchases, the day of its last purchase in the workspace's
/// zone, and the RFM class they score at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BuyerFacts {
    pub purchases: PurchaseFacts,
    pub last_day: Day,
    pub rfm: RfmClass,
}

/// Every buyer's [`BuyerFacts`] at one moment, by contact id.
#[derive(Clone, Debug, Default)]
pub struct SegmentIndex<'a> {
    facts: FxHashMap<&'a Id, BuyerFacts>,
}

impl<'a> SegmentIndex<'a> {
    /// Facts at `now` from the orders among `invoices`, with RFM classes scored by
    /// `thresholds` (the customer page's: [`RfmThresholds::fixed`], or quintiles) and days
    /// counted in `zone`, the workspace's.
    pub fn new(
        invoices: &'a [Invoice],
        currency: Currency,
        thresholds: &RfmThresholds,
        now: i64,
        zone: &Zone,
    ) -> Self {
        let now = Instant(now);
        let facts = PurchaseFacts::by_contact(invoices, currency)
            .into_iter()
            .map(|(id, purchases)| {
                let rfm = Rfm::score(RfmValues::of(&purchases, now), thresholds).class;
                let last_day = zone.day_of(purchases.last);
                (
                    id,
                    BuyerFacts {
                        purchases,
                        last_day,
                        rfm,
                    },
                )
            })
            .collect();
        SegmentIndex { facts }
    }

    /// The contact's facts; `None` when it never bought.
    pub fn facts(&self, contact_id: &Id) -> Option<&BuyerFacts> {
        self.facts.get(contact_id)
    }
}

/// A [`SegmentFilter`] with its tags and text normalized once, for testing many contacts.
#[derive(Clone, Debug)]
pub struct PreparedSegment<'f> {
    filter: &'f SegmentFilter,
    tags: Vec<String>,
    query: Query,
}

impl<'f> PreparedSegment<'f> {
    pub fn new(filter: &'f SegmentFilter) -> Self {
        PreparedSegment {
            filter,
            tags: filter.tags.iter().map(|tag| normalize(tag)).collect(),
            query: Query::parse(&filter.text),
        }
    }

    /// Whether `contact` is in the segment. A list criterion matches when the contact matches
    /// any item; every criterion must match:
    /// - tags compare after [`normalize`] (case, Arabic/Persian letter forms, ZWNJ);
    /// - a contact with no recorded source matches no source list;
    /// - purchase criteria (last purchase on/before or on/after a day, RFM classes) need a
    ///   purchase; minimum spend reads a non-buyer's spend as 0;
    /// - custom field criteria each hold (see [`crate::custom_field::CustomCriterion::holds`]);
    /// - `text_of` gives the contact's search text (from [`crate::search::search_text`], e.g.
    ///   the contact list's); it is only called when the filter has text and everything else
    ///   matched.
    pub fn matches<S: AsRef<str>>(
        &self,
        contact: &Contact,
        facts: Option<&BuyerFacts>,
        text_of: impl FnOnce(&Contact) -> S,
    ) -> bool {
        let filter = self.filter;
        let any = |list_is_empty: bool, hit: bool| list_is_empty || hit;
        let passes = any(
            self.tags.is_empty(),
            contact
                .tags
                .iter()
                .any(|tag| self.tags.contains(&normalize(tag))),
        ) && any(
            filter.lifecycle_stages.is_empty(),
            filter.lifecycle_stages.contains(&contact.lifecycle_stage),
        ) && any(
            filter.sources.is_empty(),
            contact
                .source
                .is_some_and(|source| filter.sources.contains(&source)),
        ) && filter
            .owner_id
            .as_ref()
            .is_none_or(|owner| contact.owner_id.as_ref() == Some(owner))
            && filter
                .last_purchase_before
                .is_none_or(|day| facts.is_some_and(|f| f.last_day <= day))
            && filter
                .last_purchase_after
                .is_none_or(|day| facts.is_some_and(|f| f.last_day >= day))
            && filter
                .min_spend_minor
                .is_none_or(|min| facts.map_or(0, |f| f.purchases.spend.minor) >= min)
            && any(
                filter.rfm_classes.is_empty(),
                facts.is_some_and(|f| filter.rfm_classes.contains(&f.rfm)),
            )
            && filter
                .custom
                .iter()
                .all(|criterion| criterion.holds(&contact.custom));
        passes && (self.query.is_empty() || self.query.matches(text_of(contact).as_ref()))
    }
}

/// The contacts of `contacts` in the segment, in their order. See [`PreparedSegment::matches`].
pub fn evaluate<'c, S: AsRef<str>>(
    filter: &SegmentFilter,
    contacts: &'c [Contact],
    index: &SegmentIndex<'_>,
    text_of: impl Fn(&Contact) -> S,
) -> Vec<&'c Contact> {
    let segment = PreparedSegment::new(filter);
    contacts
        .iter()
        .filter(|contact| segment.matches(contact, index.facts(&contact.id), &text_of))
        .collect()
}

/// The segments every workspace has, each a group of RFM classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RfmSegment {
    Champions,
    Loyal,
    /// Potential loyalists and promising customers.
    Promising,
    NewCustomers,
    /// Needs attention and about to sleep.
    NeedsAttention,
    /// At risk and can't lose: good customers slipping away, the win-back list.
    AtRisk,
    /// Hibernating and lost.
    Hibernating,
}

impl RfmSegment {
    pub const ALL: [RfmSegment; 7] = [
        RfmSegment::Champions,
        RfmSegment::Loyal,
        RfmSegment::Promising,
        RfmSegment::NewCustomers,
        RfmSegment::NeedsAttention,
        RfmSegment::AtRisk,
        RfmSegment::Hibernating,
    ];

    /// A stable name, usable as a translation key.
    pub fn as_str(self) -> &'static str {
        match self {
            RfmSegment::Champions => "champions",
            RfmSegment::Loyal => "loyal",
            RfmSegment::Promising => "promising",
            RfmSegment::NewCustomers => "new_customers",
            RfmSegment::NeedsAttention => "needs_attention",
            RfmSegment::AtRisk => "at_risk",
            RfmSegment::Hibernating => "hibernating",
        }
    }

    /// The RFM classes in the segment; together the segments hold every class once.
    pub fn classes(self) -> &'static [RfmClass] {
        use RfmClass::*;
        match self {
            RfmSegment::Champions => &[Champions],
            RfmSegment::Loyal => &[Loyal],
            RfmSegment::Promising => &[PotentialLoyalist, Promising],
            RfmSegment::NewCustomers => &[NewCustomer],
            RfmSegment::NeedsAttention => &[NeedsAttention, AboutToSleep],
            RfmSegment::AtRisk => &[AtRisk, CannotLose],
            RfmSegment::Hibernating => &[Hibernating, Lost],
        }
    }

    /// The segment as a filter, to list, export or save like any other.
    pub fn filter(self) -> SegmentFilter {
        SegmentFilter {
            rfm_classes: self.classes().to_vec(),
            ..SegmentFilter::default()
        }
    }
}

#[cfg(test)]
mod tests;
