//! The sales pipeline and lost reasons a new workspace starts with, in the user's language.

use crate::{
    i18n::{store_error_msg, use_locale, Locale, Msg},
    notice::{use_notices, Notice},
    workspace::{use_workspace, Collection},
};
use leptos::prelude::*;
use rabet_domain::{
    id::Id,
    kind::EntityKind,
    locale::Lang,
    model::{DefaultPipelineNames, Pipeline},
};
use std::cell::Cell;

/// Fixed ids, so that two devices which each create the default pipeline offline merge it into
/// one record (with one set of stages) when they sync.
pub const DEFAULT_PIPELINE_ID: &str = "pipeline-default";
const DEFAULT_STAGE_ID_PREFIX: &str = "stage-default-";

const DEFAULT_LOST_REASONS: [Msg; 5] = [
    Msg::LostReasonPrice,
    Msg::LostReasonCompetitor,
    Msg::LostReasonBudget,
    Msg::LostReasonTiming,
    Msg::LostReasonNoResponse,
];

thread_local! {
    /// Set while the default pipeline is being saved, so two views asking at once save it once.
    static CREATING: Cell<bool> = const { Cell::new(false) };
}

/// The stage names of a pipeline made in `lang`; the pipeline is called `name`.
pub fn pipeline_names(name: Msg, lang: Lang) -> DefaultPipelineNames {
    DefaultPipelineNames {
        pipeline: name.text(lang).to_owned(),
        lead_in: Msg::StageLeadIn.text(lang).to_owned(),
        qualified: Msg::StageQualified.text(lang).to_owned(),
        proposal: Msg::StageProposal.text(lang).to_owned(),
        negotiation: Msg::StageNegotiation.text(lang).to_owned(),
        won: Msg::StageWon.text(lang).to_owned(),
        lost: Msg::StageLost.text(lang).to_owned(),
    }
}

/// The default sales pipeline, with its fixed ids, named in `lang`.
pub fn default_pipeline(lang: Lang) -> Pipeline {
    let mut stage_number = 0;
    Pipeline::default_sales(
        Id::from_string(DEFAULT_PIPELINE_ID),
        pipeline_names(Msg::DefaultPipelineName, lang),
        || {
            stage_number += 1;
            Id::from_string(format!("{DEFAULT_STAGE_ID_PREFIX}{stage_number}"))
        },
    )
}

/// Once the workspace has loaded with no pipeline, saves the default one (and the default lost
/// reasons, if there are none) in the current language.
pub fn ensure_default_pipeline() {
    let workspace = use_workspace();
    let locale = use_locale();
    let notices = use_notices();
    Effect::new(move |_| {
        let ready = workspace.is_ready();
        // A role that may not write pipelines gets the admins' through sync.
        let allowed = workspace.refusal(EntityKind::Pipeline).is_none();
        if !ready
            || !allowed
            || !workspace.pipelines.with(Collection::is_empty)
            || CREATING.replace(true)
        {
            return;
        }
        let lang = untrack(|| locale.lang());
        leptos::task::spawn_local(async move {
            let mut saved = workspace.save(None, default_pipeline(lang)).await;
            if saved.is_ok()
                && workspace
                    .settings
                    .with_untracked(|s| s.lost_reasons.is_empty())
            {
                let reasons = DEFAULT_LOST_REASONS.map(|msg| msg.text(lang).to_owned());
                saved = workspace
                    .update_settings(|s| s.lost_reasons = reasons.to_vec())
                    .await;
            }
            CREATING.set(false);
            if let Err(error) = saved {
                notices.show(Notice {
                    text: locale.t(store_error_msg(&error)).into(),
                    undo: None,
                });
            }
        });
    });
}

/// `pipeline` as the reader sees it: the default pipeline's name and its stages' names, while
/// still the ones Rabet gave (in either language), in the current language; a name a user
/// gave is kept. Only shown, never saved: a language switch writes nothing.
pub fn shown_pipeline(mut pipeline: Pipeline, locale: Locale) -> Pipeline {
    if *pipeline.id.as_str() == *DEFAULT_PIPELINE_ID {
        pipeline.name = locale.given_name(&pipeline.name);
        for stage in &mut pipeline.stages {
            if stage.id.as_str().starts_with(DEFAULT_STAGE_ID_PREFIX) {
                stage.name = locale.given_name(&stage.name);
            }
        }
    }
    pipeline
}

/// A pipeline's name as the reader sees it (see [`shown_pipeline`]).
pub fn shown_pipeline_name(pipeline: &Pipeline, locale: Locale) -> String {
    if *pipeline.id.as_str() == *DEFAULT_PIPELINE_ID {
        locale.given_name(&pipeline.name)
    } else {
        pipeline.name.clone()
    }
}
