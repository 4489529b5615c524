//! Sales pipelines and the deals that move through them.

use super::{LeadSource, LineItem, DEFAULT_CURRENCY};
use crate::calendar::Day;
use crate::id::Id;
use crate::kind::EntityKind;
use crate::money::Money;
use crate::time::{days_between, Instant};
use serde::{Deserialize, Serialize};

string_enum! {
    /// Whether a deal is still being worked on; also what entering a [`Stage`] makes it.
    #[derive(Default)]
    pub enum DealStatus {
        #[default]
        Open = "open",
        Won = "won",
        Lost = "lost",
    }
}

/// A column of a pipeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// Unique within its pipeline; deals point at it, so renaming a stage keeps its deals.
    pub id: Id,
    pub name: String,
    /// Default chance of winning a deal in this stage, 0–100, for the weighted pipeline.
    pub probability_pct: u8,
    /// The status a deal takes on entering the stage.
    pub outcome: DealStatus,
}

entity! {
    /// A sales process: an ordered list of stages. A workspace may have several.
    pub struct Pipeline {
        pub name: String,
        /// In board order, left to right (right to left in Persian).
        #[serde(deserialize_with = "crate::model::exact_len")]
        pub stages: Vec<Stage>,
    }
}

/// The names of the default pipeline and its stages, translated by the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultPipelineNames {
    pub pipeline: String,
    pub lead_in: String,
    pub qualified: String,
    pub proposal: String,
    pub negotiation: String,
    pub won: String,
    pub lost: String,
}

impl Pipeline {
    /// The pipeline a new workspace starts with: lead-in, qualified, proposal, negotiation,
    /// won, lost. `new_id` makes each stage's id.
    pub fn default_sales(
        id: Id,
        names: DefaultPipelineNames,
        mut new_id: impl FnMut() -> Id,
    ) -> Self {
        let stages = [
            (names.lead_in, 10, DealStatus::Open),
            (names.qualified, 25, DealStatus::Open),
            (names.proposal, 50, DealStatus::Open),
            (names.negotiation, 75, DealStatus::Open),
            (names.won, 100, DealStatus::Won),
            (names.lost, 0, DealStatus::Lost),
        ]
        .into_iter()
        .map(|(name, probability_pct, outcome)| Stage {
            id: new_id(),
            name,
            probability_pct,
            outcome,
        })
        .collect();
        Pipeline {
            id,
            name: names.pipeline,
            stages,
        }
    }

    /// The stage with this id.
    pub fn stage(&self, id: &Id) -> Option<&Stage> {
        self.stages.iter().find(|stage| &stage.id == id)
    }

    /// The first stage with this outcome: where new deals start (`Open`), and where the
    /// card's won and lost buttons move a deal.
    pub fn first_stage_with(&self, outcome: DealStatus) -> Option<&Stage> {
        self.stages.iter().find(|stage| stage.outcome == outcome)
    }
}

/// One move of a deal between stages, kept for the timeline and stage-duration figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageChange {
    /// `None` for the deal's first stage.
    pub from: Option<Id>,
    pub to: Id,
    pub at: i64,
    /// The team member who moved it.
    pub by: Option<Id>,
}

entity! {
    /// A sales opportunity moving through the stages of a [`Pipeline`].
    pub struct Deal {
        pub title: String,
        pub pipeline_id: Id = Id::from_string(""),
        pub stage_id: Id = Id::from_string(""),
        pub contact_id: Option<Id>,
        pub company_id: Option<Id>,
        /// Expected revenue; the lines, when present, say what it is made of.
        pub value: Money = Money::new(0, DEFAULT_CURRENCY),
        pub expected_close: Option<Day>,
        pub owner_id: Option<Id>,
        pub source: Option<LeadSource>,
        pub campaign_id: Option<Id>,
        /// Products on the deal, in the currency of `value`.
        #[serde(deserialize_with = "crate::model::exact_len")]
        pub lines: Vec<LineItem>,
        pub status: DealStatus,
        /// One of the workspace's lost reasons, when `status` is lost.
        pub lost_reason: String,
        pub closed_at: Option<i64>,
        pub stage_entered_at: i64,
        #[serde(deserialize_with = "crate::model::exact_len")]
        pub stage_history: Vec<StageChange>,
        #[serde(deserialize_with = "crate::model::exact_len")]
        pub tags: Vec<String>,
        pub notes: String,
        pub created_at: i64,
        /// Values of the workspace's custom fields, each its own `cf_<id>` field.
        #[serde(flatten)]
        pub custom: crate::custom_field::CustomValues,
    }
}

impl Deal {
    /// Whether the deal still counts in the open pipeline.
    pub fn is_open(&self) -> bool {
        self.status == DealStatus::Open
    }

    /// Moves the deal into `stage`, recording the change and taking the stage's outcome as
    /// its status. Moving into the current stage changes nothing.
    pub fn move_to_stage(&mut self, stage: &Stage, at: i64, by: Option<Id>) {
        if stage.id == self.stage_id {
            return;
        }
        let from = Some(self.stage_id.clone()).filter(|id| !id.as_str().is_empty());
        self.stage_history.push(StageChange {
            from,
            to: stage.id.clone(),
            at,
            by,
        });
        self.stage_id = stage.id.clone();
        self.stage_entered_at = at;
        self.status = stage.outcome;
        self.closed_at = (stage.outcome != DealStatus::Open).then_some(at);
        if stage.outcome != DealStatus::Lost {
            self.lost_reason.clear();
        }
    }

    /// Whole days spent in the current stage by `now` (Unix ms), as cards show it.
    pub fn days_in_stage(&self, now: i64) -> i64 {
        days_between(Instant(self.stage_entered_at), Instant(now))
    }
}
