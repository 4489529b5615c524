//! The pipeline: deals on a kanban by stage, or in a table, with filters, a pipeline switcher
//! and a forecast strip; and the deal form. (Pipeline settings are a section of `/settings`.)

mod board;
mod card;
mod deal_form;
mod drag;
mod forecast;
mod lost;
mod moves;
mod picker;
mod state;
mod table;
mod views;

use crate::ui::intent::{on_intent, Intent};
use crate::ui::saved_views::ViewPicker;
use crate::ui::widgets::{refused, RefusedNote};
use crate::{
    i18n::{source_msg, use_locale, Msg},
    records::pipeline::{ensure_default_pipeline, shown_pipeline_name},
    ui::inputs::MemberSelect,
    ui::widgets::{enum_select, Filter, SearchBox},
    ui::PageHeader,
    workspace::{use_workspace, LoadState},
};
use board::DealBoard;
use deal_form::DealForm;
use forecast::ForecastStrip;
use leptos::{either::Either, prelude::*};
use leptos_router::hooks::use_query_map;
use lost::LostDialog;
use rabet_domain::kind::EntityKind;
use rabet_domain::sorting::sort_by;
use rabet_domain::{id::Id, model::LeadSource};
use state::{Editing, PageState, PageView};
use std::collections::BTreeSet;
use table::DealTable;

#[component]
pub fn Pipeline() -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    ensure_default_pipeline();
    let page = PageState::provide();
    open_linked_deal(page);
    let ready = move || page.pipeline.with(Option::is_some);
    let loading = move || {
        let failed = workspace.state.with(|s| matches!(s, LoadState::Failed(_)));
        (!failed).then(|| view! { <p class="empty">{move || locale.t(Msg::Loading)}</p> })
    };
    view! {
        <div class="pipeline-page">
            <PageHeader title=Msg::NavPipeline intro=Msg::PipelineIntro />
            <RefusedNote kind=EntityKind::Deal />
            <Show when=ready fallback=loading>
                <Toolbar />
                <ViewPicker state=(page, page.custom) list="deals" path="/pipeline" all=Msg::AllDealsView />
                <Filters />
                <ForecastStrip />
                {move || match page.view.get() {
                    PageView::Board => Either::Left(view! { <DealBoard /> }),
                    PageView::Table => Either::Right(view! { <DealTable /> }),
                }}
                <DealDialog />
                {move || page.losing.get().map(|id| view! { <LostDialog deal_id=id /> })}
            </Show>
            <p class="visually-hidden" role="status" aria-live="polite">{move || page.announcement.get()}</p>
        </div>
    }
}

/// A link to one deal (`/pipeline?deal=<id>`, as the dashboard's lists make) opens it in the
/// deal form on its own pipeline's board, once per link followed.
fn open_linked_deal(page: PageState) {
    let workspace = use_workspace();
    let query = use_query_map();
    let opened = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        let ready = workspace.is_ready();
        let Some(wanted) = query.with(|q| q.get("deal")).filter(|_| ready) else {
            return;
        };
        if opened.with_value(|o| o.as_ref() == Some(&wanted)) {
            return;
        }
        let Some(id) = Id::find(&wanted) else {
            return;
        };
        let pipeline = workspace
            .deals
            .with_untracked(|d| d.get(&id).map(|d| d.pipeline_id.clone()));
        if let Some(pipeline) = pipeline {
            opened.set_value(Some(wanted));
            page.chosen.set(Some(pipeline));
            page.editing.set(Some(Editing::Existing(id)));
        }
    });
}

/// The pipeline switcher, board/table switch and "new deal".
#[component]
fn Toolbar() -> impl IntoView {
    let locale = use_locale();
    let refused = refused(Some(EntityKind::Deal));
    let workspace = use_workspace();
    let page = state::use_page();
    let pipelines = Signal::derive(move || {
        workspace.pipelines.with(|p| {
            let mut all: Vec<(Id, String)> = p
                .iter()
                .map(|p| (p.id.clone(), shown_pipeline_name(p, locale)))
                .collect();
            sort_by(&mut all, |a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
            all
        })
    });
    let current = move || page.pipeline.with(|p| p.as_ref().map(|p| p.id.clone()));
    on_intent(Intent::NewDeal, move || {
        page.editing.set(Some(Editing::New(None)))
    });
    let view_button = move |which: PageView, label: Msg| {
        view! {
            <button
                type="button"
                class="segment"
                aria-pressed=move || (page.view.get() == which).to_string()
                on:click=move |_| page.view.set(which)
            >
                {move || locale.t(label)}
            </button>
        }
    };
    view! {
        <div class="toolbar pipeline-toolbar">
            <Filter label=Msg::NavPipeline>
                <select on:change=move |ev| page.chosen.set(Id::find(&event_target_value(&ev)))>
                    {move || pipelines.get().into_iter().map(|(id, name)| {
                        let selected = current().as_ref() == Some(&id);
                        view! { <option value=id.to_string() selected=selected>{name}</option> }
                    }).collect_view()}
                </select>
            </Filter>
            <div class="segmented" role="group" aria-label=move || locale.t(Msg::DealView)>
                {view_button(PageView::Board, Msg::ViewBoard)}
                {view_button(PageView::Table, Msg::ViewTable)}
            </div>
            <button type="button" class="button primary" disabled=move || refused.get().is_some()
                on:click=move |_| page.editing.set(Some(Editing::New(None)))>
                {move || locale.t(Msg::NewDeal)}
            </button>
        </div>
    }
}

/// Text, owner, tag and source filters, shared by the board, table and forecast.
#[component]
fn Filters() -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let page = state::use_page();
    let tags = Memo::new(move |_| {
        workspace.deals.with(|deals| {
            deals
                .iter()
                .flat_map(|d| d.tags.iter().cloned())
                .collect::<BTreeSet<String>>()
        })
    });
    view! {
        <div class="filters pipeline-filters">
            <SearchBox query=page.query placeholder=Msg::DealSearchHint />
            <MemberSelect
                label=Msg::Owner
                id="deal_filter_owner"
                none=Msg::All
                current=page.owner
                set=move |owner| page.owner.set(owner)
            />
            <Filter label=Msg::Tags>
                <select on:change=move |ev| page.tag.set(Some(event_target_value(&ev)).filter(|t| !t.is_empty()))>
                    <option value="">{move || locale.t(Msg::All)}</option>
                    {move || tags.get().into_iter().map(|tag| {
                        let selected = page.tag.with_untracked(|t| t.as_ref() == Some(&tag));
                        let value = tag.clone();
                        view! { <option value=value selected=selected>{tag}</option> }
                    }).collect_view()}
                </select>
            </Filter>
            <label class="filter" for="deal_filter_source">
                <span class="filter-label">{move || locale.t(Msg::LeadSource)}</span>
                {enum_select(
                    "deal_filter_source",
                    LeadSource::ALL,
                    LeadSource::as_str,
                    source_msg,
                    move || page.source.get(),
                    move |source| page.source.set(source),
                    Some(Msg::All),
                )}
            </label>
        </div>
    }
}

/// The deal form, for a new deal or the one being edited.
#[component]
fn DealDialog() -> impl IntoView {
    let workspace = use_workspace();
    let page = state::use_page();
    let done = Callback::new(move |_| page.editing.set(None));
    move || {
        let editing = page.editing.get()?;
        let pipeline = page.pipeline.get_untracked()?;
        Some(match editing {
            Editing::New(stage) => {
                view! { <DealForm initial=None pipeline=pipeline stage=stage on_done=done /> }
                    .into_any()
            }
            Editing::Existing(id) => {
                let deal = workspace.deals.with_untracked(|d| d.get(&id).cloned())?;
                view! { <DealForm initial=Some(deal) pipeline=pipeline stage=None on_done=done /> }
                    .into_any()
            }
        })
    }
}
