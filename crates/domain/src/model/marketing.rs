//! Campaigns and saved customer segments.

use super::{Channel, LeadSource, LifecycleStage, DEFAULT_CURRENCY};
use crate::calendar::Day;
use crate::id::Id;
use crate::kind::EntityKind;
use crate::money::Money;
use serde::{Deserialize, Serialize};

entity! {
    /// A marketing effort that leads and deals are attributed to, for campaign ROI.
    pub struct Campaign {
        pub name: String,
        pub channel: Channel,
        /// What the campaign cost; ROI is (attributed revenue − cost) / cost.
        pub cost: Money = Money::new(0, DEFAULT_CURRENCY),
        pub start_date: Option<Day>,
        pub end_date: Option<Day>,
        pub notes: String,
        pub created_at: i64,
    }
}

entity! {
    /// A message the team sends again and again, with placeholders ({first_name} …) filled
    /// in per contact: the workspace's, kept and synced like any record.
    pub struct MessageTemplate {
        pub name: String,
        pub body: String,
        pub created_at: i64,
    }
}

string_enum! {
    /// RFM (recency, frequency, monetary) customer classes, from best to lost.
    pub enum RfmClass {
        /// Bought recently, often, and spent the most.
        Champions = "champions",
        Loyal = "loyal",
        PotentialLoyalist = "potential_loyalist",
        /// Bought recently for the first time.
        NewCustomer = "new_customer",
        Promising = "promising",
        NeedsAttention = "needs_attention",
        AboutToSleep = "about_to_sleep",
        /// Spent a lot and bought often, but long ago.
        AtRisk = "at_risk",
        /// Were among the best; have not bought for a long time.
        CannotLose = "cannot_lose",
        Hibernating = "hibernating",
        Lost = "lost",
    }
}

/// The criteria of a segment over contacts. Empty lists and `None` mean "any"; a contact
/// matches a list when it matches any item in it, and the segment when it matches every
/// criterion.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SegmentFilter {
    pub tags: Vec<String>,
    pub lifecycle_stages: Vec<LifecycleStage>,
    pub sources: Vec<LeadSource>,
    pub owner_id: Option<Id>,
    /// Last purchase on or before this day (dormant customers).
    pub last_purchase_before: Option<Day>,
    /// Last purchase on or after this day.
    pub last_purchase_after: Option<Day>,
    /// Lifetime spend of at least this many minor units of the workspace currency.
    pub min_spend_minor: Option<i64>,
    pub rfm_classes: Vec<RfmClass>,
    /// Free text matched against name, company, phones, e-mails and notes.
    pub text: String,
    /// Tests of the contacts' custom fields, each of which must hold.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub custom: Vec<crate::custom_field::CustomCriterion>,
}

entity! {
    /// A saved filter over contacts, used for lists, exports and campaigns.
    pub struct Segment {
        pub name: String,
        pub filter: SegmentFilter,
    }
}
