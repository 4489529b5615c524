//! The kinds of record Rabet stores, in one list that everything made per kind is generated
//! from. The names are stable: they are IndexedDB store names and the `entity` of every sync
//! operation, so renaming one is a data migration.

use crate::model::Entity;
use crate::referrers::Refers;
use crate::validate::Validate;
use serde::{Deserialize, Serialize};

/// Hands the one list of kinds to the macro `$callback`, as lines
/// `Kind => "stable name", collection;`: the kind, which is also the name of its entity type
/// in [`crate::model`]; its stable name; the field of the app's workspace that keeps its
/// records.
///
/// Adding a kind: a line here, and its entity in `model` with its [`Validate`] rules and
/// [`Refers`] (the compiler asks for both); the app's store then makes its IndexedDB store
/// in a new schema step.
#[macro_export]
macro_rules! for_each_kind {
    ($callback:ident) => {
        $callback! {
            Company => "company", companies;
            Contact => "contact", contacts;
            Pipeline => "pipeline", pipelines;
            Deal => "deal", deals;
            Activity => "activity", activities;
            Task => "task", tasks;
            Ticket => "ticket", tickets;
            Product => "product", products;
            Invoice => "invoice", invoices;
            Campaign => "campaign", campaigns;
            Segment => "segment", segments;
            TeamMember => "team_member", members;
            Settings => "settings", settings;
            AutomationRule => "automation_rule", automation_rules;
            AutomationRun => "automation_run", automation_runs;
            SavedView => "saved_view", saved_views;
            // Message templates (issue 16): the workspace's, synced, no longer one browser's.
            MessageTemplate => "message_template", message_templates;
            FieldDefinition => "field_definition", field_definitions;
            // In-app notifications from automation rules (issue 22).
            Notification => "notification", notifications;
        }
    };
}

macro_rules! entity_kinds {
    ($($kind:ident => $name:literal, $collection:ident;)+) => {
        /// A kind of record. Kinds order as listed.
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
        pub enum EntityKind {
            $(#[serde(rename = $name)] $kind,)+
        }

        impl EntityKind {
            /// Every kind, in order.
            pub const ALL: [EntityKind; [$($name),+].len()] = [$(EntityKind::$kind),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(EntityKind::$kind => $name,)+
                }
            }
        }

        // Every kind's entity has its rules and references (`Entity::KIND` is its variant,
        // which `model`'s `entity!` sees to).
        const _: fn() = || {
            fn complete<E: Entity + Validate + Refers>() {}
            $(complete::<crate::model::$kind>();)+
        };
    };
}

for_each_kind!(entity_kinds);

impl EntityKind {
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for kind in EntityKind::ALL {
            assert_eq!(EntityKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
    }
}
