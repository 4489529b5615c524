//! The kinds of record Rabet stores. The names are stable: they are IndexedDB store names and
//! the `entity` of every sync operation, so renaming one is a data migration.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Company,
    Contact,
    Pipeline,
    Deal,
    Activity,
    Task,
    Ticket,
    Product,
    Invoice,
    Campaign,
    Segment,
    TeamMember,
    Settings,
}

impl EntityKind {
    pub const ALL: [EntityKind; 13] = [
        EntityKind::Company,
        EntityKind::Contact,
        EntityKind::Pipeline,
        EntityKind::Deal,
        EntityKind::Activity,
        EntityKind::Task,
        EntityKind::Ticket,
        EntityKind::Product,
        EntityKind::Invoice,
        EntityKind::Campaign,
        EntityKind::Segment,
        EntityKind::TeamMember,
        EntityKind::Settings,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Company => "company",
            EntityKind::Contact => "contact",
            EntityKind::Pipeline => "pipeline",
            EntityKind::Deal => "deal",
            EntityKind::Activity => "activity",
            EntityKind::Task => "task",
            EntityKind::Ticket => "ticket",
            EntityKind::Product => "product",
            EntityKind::Invoice => "invoice",
            EntityKind::Campaign => "campaign",
            EntityKind::Segment => "segment",
            EntityKind::TeamMember => "team_member",
            EntityKind::Settings => "settings",
        }
    }

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
