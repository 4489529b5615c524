//! The KPI dashboard: a range and owner, the KPI cards with their change against the previous
//! period, SVG charts, breakdowns and the lists that need attention. Every figure comes from
//! `rabet_domain::report::dashboard` through a memo over the dashboard's scope.

mod breakdowns;
mod cards;
mod chart;
mod charts;
mod figures;
mod lists;
mod range;
mod state;

use crate::{
    i18n::{use_locale, Msg},
    records::sample::SampleLoader,
    ui::PageHeader,
    workspace::use_workspace,
};
use breakdowns::Breakdowns;
use cards::KpiCards;
use charts::Charts;
use leptos::prelude::*;
use leptos_router::components::A;
use lists::QuestionLists;
use range::RangeBar;
use state::DashboardState;

#[component]
pub fn Dashboard() -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let ready = move || workspace.is_ready();
    // A workspace with nobody to sell to has nothing to measure yet.
    let empty = move || workspace.is_empty();
    view! {
        <div class="dashboard">
            <PageHeader title=Msg::NavDashboard intro=Msg::DashboardIntro />
            <Show when=ready fallback=move || view! { <p class="empty">{move || locale.t(Msg::Loading)}</p> }>
                <Show when=move || !empty() fallback=EmptyDashboard>
                    <Figures />
                </Show>
            </Show>
        </div>
    }
}

/// The range, cards, charts and lists. Their state is made here, not with the page: it
/// reads today in the workspace's zone, and a new workspace's start builds no zone table
/// (`local_time`).
#[component]
fn Figures() -> impl IntoView {
    let locale = use_locale();
    DashboardState::provide();
    view! {
        <div class="toolbar">
            <RangeBar />
            <A href="/segments" attr:class="button">{move || locale.t(Msg::NavSegments)}</A>
        </div>
        <KpiCards />
        <Charts />
        <QuestionLists />
        <Breakdowns />
    }
}

/// What a new workspace shows: how to get numbers here.
#[component]
fn EmptyDashboard() -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="card dashboard-empty" aria-labelledby="dashboard-empty-title">
            <h2 id="dashboard-empty-title">{move || locale.t(Msg::DashboardEmptyTitle)}</h2>
            <p>{move || locale.t(Msg::DashboardEmptyBody)}</p>
            <SampleLoader />
            <p class="field-hint">
                <A href="/customers">{move || locale.t(Msg::DashboardEmptyOwnData)}</A>
            </p>
        </section>
    }
}
