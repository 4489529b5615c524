//! The records Rabet stores and syncs, covering the whole product.
//!
//! Storage contract: every entity is a flat JSON object whose top-level fields are the unit of
//! sync (one operation per field, last writer wins per field). Field names and enum strings are
//! therefore the storage and wire format: renaming one is a data migration. Lists (phones, tags,
//! lines, stages) are whole-field values, edited as a unit. Every entity deserializes with
//! defaults for missing fields, so a record written by an older version, or only partly synced,
//! still loads; unknown fields are ignored.
//!
//! Instants are `i64` Unix milliseconds; date-only fields are [`Day`](crate::calendar::Day);
//! amounts are integer minor units. Validation rules live in [`crate::validate`].

use crate::id::Id;
use crate::kind::EntityKind;
use crate::money::Currency;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Declares a fieldless enum stored as the given strings, with `ALL`, `as_str` and `parse`, so
/// views can list the options (and use the string as a translation key) and importers can read
/// them.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
        )]
        pub enum $name {
            $( $(#[$variant_meta])* #[serde(rename = $wire)] $variant, )+
        }

        impl $name {
            /// Every variant, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable stored name, also usable as a translation key.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire,)+
                }
            }

            /// Reads a stored name; `None` for an unknown one.
            pub fn parse(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|variant| variant.as_str() == name)
            }
        }
    };
}

/// Declares an entity struct: adds the `id` field, the storage derives, a `Default` (fields
/// take `Default::default()` unless given `= value`; `Id` has no default, so new records start
/// with an empty id unless given `(id = value)`) and the [`Entity`] impl. The struct name must
/// match its [`EntityKind`] variant.
macro_rules! entity {
    (@or [$fallback:expr]) => { $fallback };
    (@or [$fallback:expr] $value:expr) => { $value };
    (
        $(#[$meta:meta])*
        pub struct $name:ident $(( id = $default_id:expr ))? {
            $( $(#[$field_meta:meta])* pub $field:ident : $ty:ty $(= $default:expr)?, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[serde(default)]
        pub struct $name {
            /// The record's id: its storage key and its identity in sync.
            pub id: Id,
            $( $(#[$field_meta])* pub $field: $ty, )*
        }

        impl Default for $name {
            fn default() -> Self {
                $name {
                    id: entity!(@or [Id::from_string("")] $($default_id)?),
                    $( $field: entity!(@or [Default::default()] $($default)?), )*
                }
            }
        }

        impl $crate::model::Entity for $name {
            const KIND: EntityKind = EntityKind::$name;

            fn id(&self) -> &Id {
                &self.id
            }
        }
    };
}

mod automation;
mod commerce;
mod custom_field;
mod engagement;
mod marketing;
mod party;
mod pipeline;
mod saved_view;
mod settings;

pub use automation::{
    Action, AssigneeRule, AutomationRule, AutomationRun, Comparison, Condition, Notification,
    Reader, RunOutcome, RunResult, SendVia, Trigger,
};
pub use commerce::{
    lines_subtotal_minor, Discount, Invoice, InvoiceKind, InvoiceStatus, InvoiceTotals, LineItem,
    Product, BASIS_POINTS_PER_WHOLE,
};
pub use custom_field::FieldDefinition;
pub use engagement::{
    Activity, ActivityKind, Channel, Direction, MessageChannel, Priority, Task, Ticket,
    TicketStatus,
};
pub use marketing::{Campaign, MessageTemplate, RfmClass, Segment, SegmentFilter};
pub use party::{
    Address, Company, Contact, Email, EmailLabel, LeadSource, LifecycleStage, Phone, PhoneLabel,
    Role, TeamMember,
};
pub use pipeline::{Deal, DealStatus, DefaultPipelineNames, Pipeline, Stage, StageChange};
pub use saved_view::{decode_state, encode_state, SavedView};
pub use settings::Settings;

/// The currency assumed where a record has none yet: Toman, the unit Iranians price in day to
/// day. Workspaces pick their own in [`Settings::currency`].
pub const DEFAULT_CURRENCY: Currency = Currency::Toman;

/// Reads a record's list at its exact length. Read from JSON, a list grows by doubling from
/// room for four: a contact with one phone kept room for four, and across the records of a
/// 100k-contact workspace, all held in memory, the unused room came to tens of MB.
pub(crate) fn exact_len<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    let mut list = Vec::deserialize(deserializer)?;
    list.shrink_to_fit();
    Ok(list)
}

/// A kind of record that Rabet stores and syncs as a flat object of fields.
pub trait Entity: Serialize + DeserializeOwned {
    /// The store and sync name of this kind.
    const KIND: EntityKind;

    /// The record's id.
    fn id(&self) -> &Id;

    /// The record as its top-level fields: the unit of storage and of sync operations.
    fn to_fields(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(fields)) => fields,
            // Entities are structs of plain data with string keys, so this cannot happen.
            other => panic!("{:?} did not serialize to an object: {other:?}", Self::KIND),
        }
    }

    /// Rebuilds a record from its fields; missing fields take their defaults. Through JSON
    /// text: the app reads stored rows from text, and a second deserializer per entity would
    /// add its code to the wasm again.
    fn from_fields(fields: Map<String, Value>) -> Result<Self, serde_json::Error> {
        serde_json::from_str(&Value::Object(fields).to_string())
    }
}

/// A pointer to any record, e.g. what a task is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RecordRef {
    pub kind: EntityKind,
    pub id: Id,
}

#[cfg(test)]
mod tests;
