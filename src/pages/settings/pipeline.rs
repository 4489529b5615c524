//! Pipeline settings: pipelines and their stages (add, rename, reorder, delete with a place for
//! the stage's deals, default win probability, which stages mean won and lost), the lost
//! reasons offered when a deal is lost, and when an untouched deal counts as stale.

use crate::i18n::phrase;
use crate::ui::history::FieldHistory;
use crate::ui::widgets::{refused, RefusedNote};
use crate::{
    i18n::{counted_phrase, store_error_msg, use_locale, Msg},
    local_time::now_ms,
    records::pipeline::{
        ensure_default_pipeline, pipeline_names, shown_pipeline, shown_pipeline_name,
        DEFAULT_PIPELINE_ID,
    },
    store::StoreError,
    ui::{editing::remembered_member, format::deal_count_text, labels::deal_status_msg},
    workspace::{use_workspace, Workspace},
};
use leptos::prelude::*;
use rabet_domain::kind::EntityKind;
use rabet_domain::sorting::sort_by;
use rabet_domain::{
    id::Id,
    locale::to_ascii_digits,
    model::{DealStatus, Pipeline, Stage},
    report::board::move_deal,
    validate::{Validate, ValidationError},
};
use std::collections::HashMap;

#[component]
pub fn PipelineSettings() -> impl IntoView {
    ensure_default_pipeline();
    let refused = refused(Some(EntityKind::Pipeline));
    view! {
        <RefusedNote kind=EntityKind::Pipeline />
        <fieldset class="form-fields" disabled=move || refused.get().is_some()>
            <PipelinesSection />
            <DealRulesSection />
        </fieldset>
    }
}

/// What the last save did, shown under the editor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SaveStatus {
    Saved,
    Failed(Msg),
}

#[component]
fn PipelinesSection() -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let chosen = RwSignal::new(None::<Id>);
    // Bumped after a save, so the editor starts again from what was stored.
    let revision = RwSignal::new(0_u32);
    let status = RwSignal::new(None::<SaveStatus>);
    let pipelines = Memo::new(move |_| {
        workspace.pipelines.with(|p| {
            let mut all: Vec<(Id, String)> = p
                .iter()
                .map(|p| (p.id.clone(), shown_pipeline_name(p, locale)))
                .collect();
            sort_by(&mut all, |a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
            all
        })
    });
    let editing = Memo::new(move |_| {
        let exists = |id: &Id| pipelines.with(|all| all.iter().any(|(p, _)| p == id));
        chosen
            .get()
            .filter(exists)
            .or_else(|| Some(Id::from_string(DEFAULT_PIPELINE_ID)).filter(exists))
            .or_else(|| pipelines.with(|all| all.first().map(|(id, _)| id.clone())))
    });
    let add_pipeline = move |_| {
        let names = pipeline_names(Msg::NewPipelineName, locale.lang());
        let pipeline = Pipeline::default_sales(Workspace::new_id(), names, Workspace::new_id);
        let id = pipeline.id.clone();
        leptos::task::spawn_local(async move {
            match workspace.save(None, pipeline).await {
                Ok(()) => {
                    status.set(None);
                    chosen.set(Some(id));
                }
                Err(error) => status.set(Some(SaveStatus::Failed(store_error_msg(&error)))),
            }
        });
    };
    let editor = move || {
        revision.track();
        let id = editing.get()?;
        let pipeline = workspace
            .pipelines
            .with_untracked(|p| p.get(&id).cloned())
            .map(|p| shown_pipeline(p, locale))?;
        let on_saved = Callback::new(move |_| revision.update(|r| *r += 1));
        Some(view! {
            <PipelineEditor initial=pipeline status=status on_saved=on_saved />
            <FieldHistory kind=EntityKind::Pipeline id=id />
        })
    };
    view! {
        <section class="card settings-section pipeline-settings" aria-labelledby="pipelines-title">
            <h2 id="pipelines-title">{move || locale.t(Msg::PipelinesSection)}</h2>
            <div class="toolbar">
                <label class="field">
                    <span class="field-label">{move || locale.t(Msg::PipelineToEdit)}</span>
                    <select on:change=move |ev| {
                        status.set(None);
                        chosen.set(Id::find(&event_target_value(&ev)));
                    }>
                        {move || pipelines.get().into_iter().map(|(id, name)| {
                            let selected = editing.with_untracked(|e| e.as_ref() == Some(&id));
                            view! { <option value=id.to_string() selected=selected>{name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <button type="button" class="button" on:click=add_pipeline>{move || locale.t(Msg::AddPipeline)}</button>
            </div>
            {editor}
            <p class="form-status" role="status">
                {move || match status.get() {
                    Some(SaveStatus::Saved) => Some(locale.t(Msg::PipelineSaved)),
                    _ => None,
                }}
            </p>
            <p class="form-failure" role="alert">
                {move || match status.get() {
                    Some(SaveStatus::Failed(msg)) => Some(locale.t(msg)),
                    _ => None,
                }}
            </p>
        </section>
    }
}

/// The deals per stage of one pipeline.
fn deal_counts(pipeline_id: &Id) -> HashMap<Id, usize> {
    let workspace = use_workspace();
    workspace.deals.with(|deals| {
        let mut counts = HashMap::new();
        for deal in deals.iter().filter(|d| &d.pipeline_id == pipeline_id) {
            *counts.entry(deal.stage_id.clone()).or_default() += 1;
        }
        counts
    })
}

#[component]
fn PipelineEditor(
    initial: Pipeline,
    status: RwSignal<Option<SaveStatus>>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let draft = RwSignal::new(initial.clone());
    // Where the deals of each deleted stage go.
    let destinations = RwSignal::new(HashMap::<Id, Id>::new());
    let errors = RwSignal::new(Vec::<ValidationError>::new());
    let needs_open_stage = RwSignal::new(false);
    let saving = RwSignal::new(false);
    let pipeline_id = initial.id.clone();
    let counts = Memo::new(move |_| deal_counts(&pipeline_id));
    let initial = StoredValue::new(initial);
    let deleted = Memo::new(move |_| {
        let kept = draft.with(|p| p.stages.iter().map(|s| s.id.clone()).collect::<Vec<_>>());
        initial.with_value(|p| {
            p.stages
                .iter()
                .filter(|s| !kept.contains(&s.id))
                .map(|s| {
                    (
                        s.clone(),
                        counts.with(|c| c.get(&s.id).copied().unwrap_or(0)),
                    )
                })
                .filter(|(_, count)| *count > 0)
                .collect::<Vec<(Stage, usize)>>()
        })
    });
    let stage_ids = Memo::new(move |_| {
        draft.with(|p| p.stages.iter().map(|s| s.id.clone()).collect::<Vec<_>>())
    });
    let name_error = move || {
        errors.with(|e| {
            e.iter()
                .find(|e| e.field == "name")
                .map(|e| locale.validation(e))
        })
    };
    let add_stage = move |_| {
        draft.update(|p| {
            // New stages are open ones, so they go before won and lost.
            let at = p
                .stages
                .iter()
                .position(|s| s.outcome != DealStatus::Open)
                .unwrap_or(p.stages.len());
            p.stages.insert(
                at,
                Stage {
                    id: Workspace::new_id(),
                    name: locale.t(Msg::NewStageName).to_owned(),
                    probability_pct: 50,
                    outcome: DealStatus::Open,
                },
            );
        })
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut pipeline = draft.get_untracked();
        pipeline.name = pipeline.name.trim().to_owned();
        for stage in &mut pipeline.stages {
            stage.name = stage.name.trim().to_owned();
        }
        let found = pipeline.validate();
        let no_open = pipeline.first_stage_with(DealStatus::Open).is_none();
        needs_open_stage.set(no_open);
        let valid = found.is_empty() && !no_open;
        errors.set(found);
        if !valid {
            return;
        }
        let before = initial.get_value();
        let destinations = destinations.get_untracked();
        saving.set(true);
        status.set(None);
        leptos::task::spawn_local(async move {
            let saved = save_pipeline(workspace, before, pipeline, destinations).await;
            saving.set(false);
            match saved {
                Ok(()) => {
                    status.set(Some(SaveStatus::Saved));
                    on_saved.run(());
                }
                Err(error) => status.set(Some(SaveStatus::Failed(store_error_msg(&error)))),
            }
        });
    };
    let pipeline_count = move || workspace.pipelines.with(|p| p.len());
    let has_deals = move || counts.with(|c| c.values().sum::<usize>() > 0);
    let delete_pipeline = move |_| {
        let id = initial.with_value(|p| p.id.clone());
        leptos::task::spawn_local(async move {
            if let Err(error) = workspace.delete::<Pipeline>(&id).await {
                status.set(Some(SaveStatus::Failed(store_error_msg(&error))));
            }
        });
    };

    view! {
        <form class="pipeline-editor" on:submit=save novalidate>
            <label class="field">
                <span class="field-label">{move || locale.t(Msg::PipelineName)}</span>
                <input
                    type="text"
                    prop:value=move || draft.with(|p| p.name.clone())
                    on:input=move |ev| {
                        let name = event_target_value(&ev);
                        draft.update(|p| p.name = name);
                    }
                />
                <span class="field-error" role="alert">{name_error}</span>
            </label>
            <ol class="stage-rows">
                <For each=move || stage_ids.get() key=|id| id.clone() let:stage_id>
                    <StageRow stage_id=stage_id draft=draft errors=errors counts=counts destinations=destinations />
                </For>
            </ol>
            <p class="form-failure" role="alert">
                {move || needs_open_stage.get().then(|| locale.t(Msg::ErrNeedsOpenStage))}
            </p>
            <For each=move || deleted.get() key=|(stage, _)| stage.id.clone() let:deleted_stage>
                <DeletedStage stage=deleted_stage.0 count=deleted_stage.1 draft=draft destinations=destinations initial=initial />
            </For>
            <div class="form-actions stage-actions">
                <button type="button" class="button" on:click=add_stage>{move || locale.t(Msg::AddStage)}</button>
                <button type="submit" class="button primary" disabled=move || saving.get()>
                    {move || locale.t(if saving.get() { Msg::Saving } else { Msg::Save })}
                </button>
            </div>
            <Show when=move || { pipeline_count() > 1 }>
                <p class="form-extra">
                    <button type="button" class="button danger" disabled=has_deals on:click=delete_pipeline>
                        {move || locale.t(Msg::DeletePipeline)}
                    </button>
                    {move || has_deals().then(|| view! { <span class="field-hint">{locale.t(Msg::PipelineHasDeals)}</span> })}
                </p>
            </Show>
        </form>
    }
}

/// Saves the pipeline, then moves the deals of its deleted stages where the user chose.
async fn save_pipeline(
    workspace: Workspace,
    before: Pipeline,
    after: Pipeline,
    destinations: HashMap<Id, Id>,
) -> Result<(), StoreError> {
    let author = remembered_member();
    workspace.save(Some(&before), after.clone()).await?;
    let now = now_ms();
    let orphans: Vec<_> = workspace.deals.with_untracked(|deals| {
        deals
            .iter()
            .filter(|d| d.pipeline_id == after.id && after.stage(&d.stage_id).is_none())
            .filter_map(|d| {
                destinations
                    .get(&d.stage_id)
                    .map(|to| (d.clone(), to.clone()))
            })
            .collect()
    });
    for (deal, to) in orphans {
        // A lost deal moved to another lost stage keeps its reason.
        if let Ok(moved) = move_deal(
            &after,
            &deal,
            &to,
            Some(&deal.lost_reason),
            author.clone(),
            now,
        ) {
            workspace.save(Some(&deal), moved).await?;
        }
    }
    Ok(())
}

#[component]
fn StageRow(
    stage_id: Id,
    draft: RwSignal<Pipeline>,
    errors: RwSignal<Vec<ValidationError>>,
    counts: Memo<HashMap<Id, usize>>,
    destinations: RwSignal<HashMap<Id, Id>>,
) -> impl IntoView {
    let locale = use_locale();
    let position = {
        let stage_id = stage_id.clone();
        Memo::new(move |_| {
            draft
                .with(|p| p.stages.iter().position(|s| s.id == stage_id))
                .unwrap_or(0)
        })
    };
    let stage = move || draft.with(|p| p.stages.get(position.get()).cloned());
    let edit = move |change: &dyn Fn(&mut Stage)| {
        draft.update(|p| {
            if let Some(stage) = p.stages.get_mut(position.get_untracked()) {
                change(stage);
            }
        })
    };
    let labelled = move |msg: Msg| {
        move || {
            let name = stage().map(|s| s.name).unwrap_or_default();
            locale.fill(phrase::ActionOn {
                action: locale.t(msg),
                name: &locale.given_name(&name),
            })
        }
    };
    let error = move |field: &'static str| {
        move || {
            errors.with(|e| {
                e.iter()
                    .find(|e| e.field == field && e.index == Some(position.get()))
                    .map(|e| locale.validation(e))
            })
        }
    };
    let shift = move |by: isize| {
        move |_| {
            draft.update(|p| {
                let from = position.get_untracked();
                let to = from as isize + by;
                if (0..p.stages.len() as isize).contains(&to) {
                    p.stages.swap(from, to as usize);
                }
            })
        }
    };
    let delete = {
        let stage_id = stage_id.clone();
        move |_| {
            let mut remaining = None;
            draft.update(|p| {
                p.stages.retain(|s| s.id != stage_id);
                remaining = p
                    .first_stage_with(DealStatus::Open)
                    .or(p.stages.first())
                    .map(|s| s.id.clone());
            });
            if let Some(to) = remaining {
                destinations.update(|d| {
                    d.insert(stage_id.clone(), to);
                });
            }
        }
    };
    let count = {
        let stage_id = stage_id.clone();
        move || counts.with(|c| c.get(&stage_id).copied().unwrap_or(0))
    };
    let is_last = move || draft.with(|p| position.get() + 1 >= p.stages.len());
    view! {
        <li class="stage-row">
            <span class="stage-number" aria-hidden="true">{move || locale.number(position.get() + 1)}</span>
            <div class="field stage-name">
                <input
                    type="text"
                    aria-label=move || locale.fill(phrase::NumberedLabel { label: locale.t(Msg::StageName), number: &locale.number(position.get() + 1) })
                    prop:value=move || stage().map(|s| s.name).unwrap_or_default()
                    on:input=move |ev| {
                        let name = event_target_value(&ev);
                        edit(&|s| s.name = name.clone());
                    }
                />
                <span class="field-error" role="alert">{error("stages.name")}</span>
            </div>
            <label class="field stage-probability">
                <span class="field-label">{move || locale.t(Msg::WinProbability)}</span>
                <input
                    type="number"
                    min="0"
                    max="100"
                    step="1"
                    prop:value=move || stage().map(|s| s.probability_pct.to_string()).unwrap_or_default()
                    on:input=move |ev| {
                        if let Ok(pct) = to_ascii_digits(&event_target_value(&ev)).trim().parse::<u16>() {
                            // Over 100 stays visible as typed, for validation to explain.
                            edit(&|s| s.probability_pct = pct.min(u16::from(u8::MAX)) as u8);
                        }
                    }
                />
                <span class="field-error" role="alert">{error("stages.probability_pct")}</span>
            </label>
            <label class="field stage-outcome">
                <span class="field-label">{move || locale.t(Msg::StageOutcome)}</span>
                <select on:change=move |ev| {
                    if let Some(outcome) = DealStatus::parse(&event_target_value(&ev)) {
                        edit(&|s| s.outcome = outcome);
                    }
                }>
                    {DealStatus::ALL.iter().copied().map(|outcome| view! {
                        <option
                            value=outcome.as_str()
                            selected=move || stage().is_some_and(|s| s.outcome == outcome)
                        >
                            {move || locale.t(deal_status_msg(outcome))}
                        </option>
                    }).collect_view()}
                </select>
            </label>
            <span class="stage-deals">{move || deal_count_text(count())}</span>
            <div class="stage-buttons">
                <button type="button" class="button subtle" aria-label=labelled(Msg::MoveUp) title=labelled(Msg::MoveUp)
                    disabled=move || position.get() == 0 on:click=shift(-1)>
                    <span aria-hidden="true">"↑"</span>
                </button>
                <button type="button" class="button subtle" aria-label=labelled(Msg::MoveDown) title=labelled(Msg::MoveDown)
                    disabled=is_last on:click=shift(1)>
                    <span aria-hidden="true">"↓"</span>
                </button>
                <button type="button" class="button subtle danger" aria-label=labelled(Msg::DeleteStage) title=labelled(Msg::DeleteStage)
                    disabled=move || draft.with(|p| p.stages.len() <= 1) on:click=delete>
                    <span aria-hidden="true">"×"</span>
                </button>
            </div>
        </li>
    }
}

/// A stage deleted in the draft that still has deals: where they go, or undo the delete.
#[component]
fn DeletedStage(
    stage: Stage,
    count: usize,
    draft: RwSignal<Pipeline>,
    destinations: RwSignal<HashMap<Id, Id>>,
    initial: StoredValue<Pipeline>,
) -> impl IntoView {
    let locale = use_locale();
    let stage_id = stage.id.clone();
    let destination = {
        let stage_id = stage_id.clone();
        move || destinations.with(|d| d.get(&stage_id).cloned())
    };
    let choose = {
        let stage_id = stage_id.clone();
        move |ev| {
            let Some(to) = Id::find(&event_target_value(&ev)) else {
                return;
            };
            destinations.update(|d| {
                d.insert(stage_id.clone(), to);
            });
        }
    };
    let restore = {
        let stage = stage.clone();
        move |_| {
            let at = initial.with_value(|p| p.stages.iter().position(|s| s.id == stage.id));
            draft.update(|p| {
                let at = at.unwrap_or(p.stages.len()).min(p.stages.len());
                p.stages.insert(at, stage.clone());
            });
            destinations.update(|d| {
                d.remove(&stage.id);
            });
        }
    };
    let select_id = format!("move-deals-{stage_id}");
    view! {
        <div class="deleted-stage">
            <label class="field-label" for=select_id.clone()>
                {move || {
                    let stage = locale.given_name(&stage.name);
                    locale.fill(counted_phrase::MoveDealsOfStage { count, stage: &stage })
                }}
            </label>
            <select id=select_id on:change=choose>
                {move || draft.get().stages.into_iter().map(|s| {
                    let selected = destination().as_ref() == Some(&s.id);
                    view! { <option value=s.id.to_string() selected=selected>{s.name}</option> }
                }).collect_view()}
            </select>
            <button type="button" class="button subtle" on:click=restore>{move || locale.t(Msg::Undo)}</button>
        </div>
    }
}

/// Lost reasons and the staleness threshold, saved as soon as they change.
#[component]
fn DealRulesSection() -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let failure = RwSignal::new(None::<Msg>);
    let stale_error = RwSignal::new(None::<String>);
    let new_reason = RwSignal::new(String::new());
    let reasons = Memo::new(move |_| workspace.settings.with(|s| s.lost_reasons.clone()));
    let update = move |change: Box<dyn FnOnce(&mut rabet_domain::model::Settings)>| {
        leptos::task::spawn_local(async move {
            let saved = workspace.update_settings(change).await;
            failure.set(saved.err().map(|error| store_error_msg(&error)));
        });
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let reason = new_reason.get_untracked().trim().to_owned();
        if reason.is_empty() || reasons.with_untracked(|r| r.contains(&reason)) {
            return;
        }
        new_reason.set(String::new());
        update(Box::new(move |s| s.lost_reasons.push(reason)));
    };
    let set_stale_days = move |ev| {
        let text = to_ascii_digits(&event_target_value(&ev));
        let mut settings = workspace.settings.get_untracked();
        settings.stale_deal_days = text.trim().parse().unwrap_or(0);
        let problem = settings
            .validate()
            .into_iter()
            .find(|e| e.field == "stale_deal_days");
        stale_error.set(problem.map(|e| locale.validation(&e)));
        if problem.is_none() {
            let days = settings.stale_deal_days;
            update(Box::new(move |s| s.stale_deal_days = days));
        }
    };
    view! {
        <section class="card settings-section" aria-labelledby="deal-rules-title">
            <h2 id="deal-rules-title">{move || locale.t(Msg::DealRulesSection)}</h2>
            <h3 class="field-label">{move || locale.t(Msg::LostReasons)}</h3>
            <ul class="plain lost-reason-list">
                <For each=move || reasons.get() key=|r| r.clone() let:reason>
                    <li>
                        <bdi>{
                            let reason = reason.clone();
                            move || locale.given_name(&reason)
                        }</bdi>
                        <button
                            type="button"
                            class="button subtle"
                            aria-label={
                                let reason = reason.clone();
                                move || locale.fill(phrase::RemoveNamed { name: &locale.given_name(&reason) })
                            }
                            on:click={
                                let reason = reason.clone();
                                move |_| {
                                    let reason = reason.clone();
                                    update(Box::new(move |s| s.lost_reasons.retain(|r| *r != reason)));
                                }
                            }
                        >
                            <span aria-hidden="true">"×"</span>
                        </button>
                    </li>
                </For>
            </ul>
            <form class="form-grid" on:submit=add novalidate>
                <label class="field">
                    <span class="field-label">{move || locale.t(Msg::NewLostReason)}</span>
                    <input type="text" prop:value=move || new_reason.get() on:input=move |ev| new_reason.set(event_target_value(&ev)) />
                </label>
                <div class="field">
                    <span class="field-label" aria-hidden="true">" "</span>
                    <button type="submit" class="button">{move || locale.t(Msg::AddLostReason)}</button>
                </div>
            </form>
            <label class="field">
                <span class="field-label">{move || locale.t(Msg::StaleDays)}</span>
                <input
                    type="number"
                    min="1"
                    prop:value=move || workspace.settings.with(|s| s.stale_deal_days.to_string())
                    on:change=set_stale_days
                />
                <span class="field-error" role="alert">{move || stale_error.get()}</span>
            </label>
            <p class="form-failure" role="alert">{move || failure.get().map(|m| locale.t(m))}</p>
        </section>
    }
}
