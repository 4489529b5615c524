//! "Load sample workspace": a realistic, deterministic data set from
//! `rabet_domain::sample`, in the user's language, so a newcomer sees every view alive.

use super::pipeline::default_pipeline;
use crate::i18n::phrase;
use crate::ui::intent::{on_intent, Intent};
use crate::{
    i18n::{store_error_msg, use_locale, Counted, Msg},
    local_time::{local_day, now_ms},
    store::StoreError,
    workspace::{use_workspace, Collection, Ids, Listed, Workspace},
};
use leptos::prelude::*;
use rabet_domain::{
    id::Id,
    model::Pipeline,
    sample::{generate, Sample, SampleOptions},
};
use std::{cell::Cell, collections::HashMap};

/// Fixed, so that devices loading the sample on the same day make the same records (the same
/// ids), which sync merges rather than duplicates.
const SAMPLE_SEED: u64 = 1_403;
/// Enough customers for every list and chart to show something, few enough to load in seconds.
const SAMPLE_CONTACTS: usize = 300;
/// The sizes offered in settings: the larger ones show how Rabet copes at scale (and feed the
/// benchmark).
const SAMPLE_SIZES: [usize; 4] = [SAMPLE_CONTACTS, 10_000, 50_000, 100_000];

/// Moves the sample's pipeline onto the ids of the workspace's default pipeline (same stages,
/// by position), so loading the sample never adds a second "Sales" pipeline next to it.
pub fn adopt_default_pipeline(sample: &mut Sample, default: &Pipeline) {
    let Some(pipeline) = sample.pipelines.first_mut() else {
        return;
    };
    let stages: HashMap<Id, Id> = pipeline
        .stages
        .iter()
        .zip(&default.stages)
        .map(|(ours, theirs)| (ours.id.clone(), theirs.id.clone()))
        .collect();
    let renamed = |id: &mut Id| {
        if let Some(new) = stages.get(id) {
            *id = new.clone();
        }
    };
    let old_id = std::mem::replace(&mut pipeline.id, default.id.clone());
    for stage in &mut pipeline.stages {
        renamed(&mut stage.id);
    }
    for deal in sample.deals.iter_mut().filter(|d| d.pipeline_id == old_id) {
        deal.pipeline_id = default.id.clone();
        renamed(&mut deal.stage_id);
        for change in &mut deal.stage_history {
            renamed(&mut change.to);
            if let Some(from) = change.from.as_mut() {
                renamed(from);
            }
        }
    }
    sample.settings.default_pipeline_id = Some(default.id.clone());
}

/// How far loading has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Loading {
    Idle,
    Saving { done: usize, total: usize },
    Done(usize),
}

/// Records saved so far across kinds, shown in `shown`. Counted here rather than read back
/// from the signal, which is gone if the loader leaves the page (the empty dashboard does once
/// the first customers are saved) while saving goes on.
struct Progress {
    done: Cell<usize>,
    total: usize,
    shown: RwSignal<Loading>,
}

/// Saves one kind of the sample, reporting progress.
async fn save_kind<E: Listed>(
    workspace: Workspace,
    items: Vec<E>,
    progress: &Progress,
) -> Result<(), StoreError> {
    let before = progress.done.get();
    let count = items.len();
    workspace
        .save_many(items, Ids::MayExist, |saved| {
            progress.shown.set(Loading::Saving {
                done: before + saved,
                total: progress.total,
            })
        })
        .await?;
    progress.done.set(before + count);
    Ok(())
}

/// Saves the whole sample, the records others point at first.
async fn save_sample(
    workspace: Workspace,
    sample: Sample,
    progress: &Progress,
) -> Result<(), StoreError> {
    let settings = sample.settings.clone();
    workspace
        .update_settings(move |s| {
            // KPIs are in the workspace currency: the sample's, or its figures would be empty.
            s.currency = settings.currency;
            s.default_pipeline_id = settings.default_pipeline_id;
            if s.lost_reasons.is_empty() {
                s.lost_reasons = settings.lost_reasons;
            }
            if s.workspace_name.trim().is_empty() {
                s.workspace_name = settings.workspace_name;
            }
        })
        .await?;
    let Sample {
        team,
        pipelines,
        products,
        campaigns,
        companies,
        contacts,
        deals,
        invoices,
        activities,
        tasks,
        tickets,
        field_definitions,
        ..
    } = sample;
    // An existing default pipeline is kept (with its names) when it has every stage the
    // sample's deals are in; otherwise the sample's stages are saved onto it.
    for pipeline in pipelines {
        let existing = workspace
            .pipelines
            .with_untracked(|p| p.get(&pipeline.id).cloned());
        let has_stages = existing.as_ref().is_some_and(|existing| {
            pipeline
                .stages
                .iter()
                .all(|stage| existing.stages.iter().any(|s| s.id == stage.id))
        });
        if !has_stages {
            workspace.save(existing.as_ref(), pipeline).await?;
        }
    }
    save_kind(workspace, field_definitions, progress).await?;
    save_kind(workspace, team, progress).await?;
    save_kind(workspace, products, progress).await?;
    save_kind(workspace, campaigns, progress).await?;
    save_kind(workspace, companies, progress).await?;
    save_kind(workspace, contacts, progress).await?;
    save_kind(workspace, deals, progress).await?;
    save_kind(workspace, invoices, progress).await?;
    save_kind(workspace, activities, progress).await?;
    save_kind(workspace, tasks, progress).await?;
    save_kind(workspace, tickets, progress).await
}

fn record_count(sample: &Sample) -> usize {
    sample.field_definitions.len()
        + sample.team.len()
        + sample.products.len()
        + sample.campaigns.len()
        + sample.companies.len()
        + sample.contacts.len()
        + sample.deals.len()
        + sample.invoices.len()
        + sample.activities.len()
        + sample.tasks.len()
        + sample.tickets.len()
}

/// The button that loads the sample, with its progress and outcome.
#[component]
pub fn SampleLoader(
    /// How many contacts to make; the rest of the sample is in proportion.
    #[prop(into, default = Signal::stored(SAMPLE_CONTACTS))]
    contacts: Signal<usize>,
) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let progress = RwSignal::new(Loading::Idle);
    let failure = RwSignal::new(None::<Msg>);
    let has_data = move || {
        !(workspace.contacts.with_untracked(Collection::is_empty)
            && workspace.companies.with_untracked(Collection::is_empty)
            && workspace.deals.with_untracked(Collection::is_empty)
            && workspace.invoices.with_untracked(Collection::is_empty))
    };
    let load = move || {
        if has_data()
            && !window()
                .confirm_with_message(locale.t(Msg::SampleConfirm))
                .unwrap_or(false)
        {
            return;
        }
        let lang = locale.lang();
        let mut sample = generate(&SampleOptions {
            seed: SAMPLE_SEED,
            contacts: contacts.get_untracked(),
            lang,
            today: local_day(now_ms()),
        });
        adopt_default_pipeline(&mut sample, &default_pipeline(lang));
        let total = record_count(&sample);
        failure.set(None);
        progress.set(Loading::Saving { done: 0, total });
        leptos::task::spawn_local(async move {
            let counted = Progress {
                done: Cell::new(0),
                total,
                shown: progress,
            };
            match save_sample(workspace, sample, &counted).await {
                Ok(()) => progress.set(Loading::Done(total)),
                Err(error) => {
                    progress.set(Loading::Idle);
                    failure.set(Some(store_error_msg(&error)));
                }
            }
        });
    };
    let busy = move || matches!(progress.get(), Loading::Saving { .. });
    let unavailable = move || {
        busy()
            || workspace
                .state
                .with(|s| *s != crate::workspace::LoadState::Ready)
    };
    // The palette's "Load sample workspace"; while loading may not start, the button shows why.
    on_intent(Intent::LoadSample, move || {
        if !untrack(unavailable) {
            load();
        }
    });
    let status = move || {
        match progress.get() {
        Loading::Idle => None,
        Loading::Saving { done, total } => Some(
            view! {
                <progress max=total.to_string() value=done.to_string()
                    aria-label=move || locale.t(Msg::SampleProgress)></progress>
                <span>{locale.fill(phrase::SampleSaving { done: &locale.number(done), total: &locale.number(total) })}</span>
            }
            .into_any(),
        ),
        Loading::Done(count) => Some(
            view! { <span>{locale.count(Counted::SampleDone, count)}</span> }
                .into_any(),
        ),
    }
    };
    view! {
        <div class="sample-loader">
            <button type="button" class="button primary" disabled=unavailable on:click=move |_| load()>
                {move || locale.t(Msg::LoadSample)}
            </button>
            <p class="sample-status" role="status">{status}</p>
            <p class="form-failure" role="alert">{move || failure.get().map(|m| locale.t(m))}</p>
        </div>
    }
}

/// The settings section around the loader.
#[component]
pub fn SampleSection() -> impl IntoView {
    let locale = use_locale();
    let contacts = RwSignal::new(SAMPLE_CONTACTS);
    let sizes = SAMPLE_SIZES
        .iter()
        .map(|&size| {
            view! {
                <option value=size.to_string() selected=move || contacts.get() == size>
                    {move || locale.number(size)}
                </option>
            }
        })
        .collect_view();
    let choose = move |ev| {
        if let Ok(size) = event_target_value(&ev).parse() {
            contacts.set(size);
        }
    };
    view! {
        <section class="card settings-section" id="sample" aria-labelledby="sample-title">
            <h2 id="sample-title">{move || locale.t(Msg::SampleSection)}</h2>
            <p class="field-hint">{move || locale.t(Msg::SampleHint)}</p>
            <label class="field">
                <span class="field-label">{move || locale.t(Msg::SampleSize)}</span>
                <select on:change=choose>{sizes}</select>
                <span class="field-hint">{move || locale.t(Msg::SampleSizeHint)}</span>
            </label>
            <SampleLoader contacts />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rabet_domain::{calendar::Day, locale::Lang};
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn the_sample_uses_the_default_pipeline_ids() {
        let mut sample = generate(&SampleOptions {
            seed: 1,
            contacts: 40,
            lang: Lang::En,
            today: Day(20_000),
        });
        let default = default_pipeline(Lang::En);
        adopt_default_pipeline(&mut sample, &default);
        let pipeline = &sample.pipelines[0];
        assert_eq!(pipeline.id, default.id);
        let stage_ids = |p: &Pipeline| p.stages.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
        assert_eq!(stage_ids(pipeline), stage_ids(&default));
        assert_eq!(
            sample.settings.default_pipeline_id.as_ref(),
            Some(&default.id)
        );
        assert!(!sample.deals.is_empty());
        for deal in &sample.deals {
            assert_eq!(deal.pipeline_id, default.id);
            let known = |id: &Id| default.stages.iter().any(|s| &s.id == id);
            assert!(known(&deal.stage_id));
            assert!(deal
                .stage_history
                .iter()
                .all(|c| known(&c.to) && c.from.as_ref().is_none_or(known)));
        }
    }
}
