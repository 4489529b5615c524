//! One timeline of everything that happened with the customer, newest first, with filter
//! chips. Only a page of entries is drawn at a time ("Show more" adds the next), so a
//! customer with thousands of entries opens as fast as one with ten.

use super::profile::Profile;
use crate::i18n::phrase;
use crate::{
    automation::record_label,
    i18n::{use_locale, Msg},
    local_time::{format_duration, format_when, machine_time, now_ms, use_calendar, MINUTE_MS},
    ui::automation::{RuleLink, RunOutcomes},
    ui::editing::save_change,
    ui::labels::{
        direction_msg, message_channel_msg, timeline_group_class, timeline_group_msg,
        timeline_kind_msg,
    },
    workspace::use_workspace,
};
use leptos::prelude::*;
use leptos_router::components::A;
use rabet_domain::{
    id::Id,
    kind::EntityKind,
    locale::format_money,
    model::{Activity, AutomationRun},
    report::customer::{TimelineEntry, TimelineFilter, TimelineGroup, TimelineKind},
};

/// Entries drawn at first, and added by each "Show more".
const PAGE: usize = 50;

#[component]
pub fn Timeline(
    profile: Memo<Profile>,
    /// Opens an interaction for editing.
    on_edit_activity: Callback<Activity>,
) -> impl IntoView {
    let locale = use_locale();
    let groups = RwSignal::new(Vec::<TimelineGroup>::new());
    let shown = RwSignal::new(PAGE);
    let matching = Memo::new(move |_| {
        let filter = TimelineFilter::groups(&groups.get());
        profile.with(|p| filter.apply(&p.timeline).count())
    });
    let page = Memo::new(move |_| {
        let filter = TimelineFilter::groups(&groups.get());
        profile.with(|p| {
            filter
                .apply(&p.timeline)
                .take(shown.get())
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let toggle = move |group: Option<TimelineGroup>| {
        groups.update(|groups| match group {
            None => groups.clear(),
            Some(group) => {
                if let Some(at) = groups.iter().position(|g| *g == group) {
                    groups.remove(at);
                } else {
                    groups.push(group);
                }
            }
        });
        shown.set(PAGE);
    };
    let chip = move |group: Option<TimelineGroup>| {
        let pressed =
            move || groups.with(|g| group.map_or(g.is_empty(), |group| g.contains(&group)));
        let label = group.map_or(Msg::All, timeline_group_msg);
        view! {
            <button type="button" class="chip" aria-pressed=move || pressed().to_string() on:click=move |_| toggle(group)>
                {move || locale.t(label)}
            </button>
        }
    };
    view! {
        <section class="card timeline" aria-labelledby="timeline-title">
            <div class="section-head">
                <h2 id="timeline-title">{move || locale.t(Msg::TimelineTitle)}</h2>
                <div class="chips" role="group" aria-label=move || locale.t(Msg::ShowOnly)>
                    {chip(None)}
                    {TimelineGroup::ALL.into_iter().map(|g| chip(Some(g))).collect_view()}
                </div>
            </div>
            <Show when=move || matching.get() == 0>
                <p class="empty-line">{move || locale.t(Msg::TimelineEmpty)}</p>
            </Show>
            <ol class="timeline-list" aria-labelledby="timeline-title">
                <For
                    each=move || page.get()
                    key=|e| (e.at, e.kind, e.record.id.clone(), e.stage_to.clone(), e.title.clone(), e.detail.clone())
                    let:entry
                >
                    <Entry entry=entry on_edit_activity=on_edit_activity />
                </For>
            </ol>
            <Show when=move || { matching.get() > page.with(Vec::len) }>
                <button type="button" class="button" on:click=move |_| shown.update(|n| *n += PAGE)>
                    {move || locale.fill(phrase::ShowMoreOf { shown: &locale.number(page.with(Vec::len)), total: &locale.number(matching.get()) })}
                </button>
            </Show>
        </section>
    }
}

/// The name of a pipeline stage, wherever it is.
fn stage_name(id: &Id) -> Option<String> {
    use_workspace().pipelines.with_untracked(|pipelines| {
        pipelines
            .iter()
            .find_map(|p| p.stage(id).map(|s| use_locale().given_name(&s.name)))
    })
}

#[component]
fn Entry(entry: TimelineEntry, on_edit_activity: Callback<Activity>) -> impl IntoView {
    let locale = use_locale();
    let calendar = use_calendar();
    let workspace = use_workspace();
    let group = entry.kind.group();
    let kind = entry.kind;
    let direction = entry.direction;
    let at = entry.at;
    let future = at > now_ms();
    let author = entry.by.as_ref().and_then(|id| {
        workspace
            .members
            .with_untracked(|m| m.get(id).map(|m| m.display_name().to_owned()))
    });
    let activity = (entry.record.kind == EntityKind::Activity)
        .then(|| {
            workspace
                .activities
                .with_untracked(|a| a.get(&entry.record.id).cloned())
        })
        .flatten();
    // A run is read as it is now: the server writes what became of its messages later.
    let run = (entry.record.kind == EntityKind::AutomationRun).then(|| {
        let id = entry.record.id.clone();
        move || {
            workspace
                .automation_runs
                .with(|runs| runs.get(&id).cloned())
        }
    });
    let title = entry.title.clone();
    let headline = match entry.record.kind {
        EntityKind::AutomationRun => {
            let run = run.clone();
            (move || {
                run.as_ref()
                    .and_then(|run| run())
                    .map(|run| run_headline(&run))
            })
            .into_any()
        }
        EntityKind::Ticket => {
            view! { <A href=format!("/tickets/{}", entry.record.id)><bdi>{title}</bdi></A> }
                .into_any()
        }
        EntityKind::Invoice => {
            view! { <A href=format!("/invoices/{}", entry.record.id)><bdi>{title}</bdi></A> }
                .into_any()
        }
        _ => view! { <bdi>{title}</bdi> }.into_any(),
    };
    let stage_move = entry.stage_to.as_ref().map(|to| {
        let from = entry.stage_from.as_ref().and_then(stage_name);
        let to = stage_name(to).unwrap_or_default();
        match from {
            Some(from) => format!("{from} → {to}"),
            None => to,
        }
    });
    let outcomes = run.map(|run| {
        move || run().map(|run| view! { <span class="run-outcomes"><RunOutcomes run /></span> " " })
    });
    let amount = entry.amount;
    let details = activity.as_ref().map(|a| {
        let channel = a.channel;
        let duration = a.duration_min.map(|m| i64::from(m) * MINUTE_MS);
        let body = a.body.clone();
        view! {
            {move || channel.map(|c| format!(" · {}", locale.t(message_channel_msg(c))))}
            {move || duration.map(|d| format!(" · {}", format_duration(d, locale.lang())))}
            {(!body.is_empty()).then(|| view! { <p class="notes timeline-body"><bdi>{body}</bdi></p> })}
        }
    });
    let task_action = (kind == TimelineKind::TaskDue).then(|| {
        let id = entry.record.id.clone();
        let title = entry.title.clone();
        view! {
            <button type="button" class="button subtle"
                aria-label=move || locale.fill(phrase::MarkDoneNamed { name: &title })
                on:click=move |_| {
                    if let Some(task) = workspace.tasks.with_untracked(|t| t.get(&id).cloned()) {
                        save_change(task, |t| t.done_at = Some(now_ms()));
                    }
                }>
                {move || locale.t(Msg::MarkDone)}
            </button>
        }
    });
    let edit_action = activity.map(|activity| {
        let label = activity.subject.clone();
        view! {
            <button type="button" class="button subtle"
                aria-label=move || locale.fill(phrase::ChangeNamed { name: if label.is_empty() { locale.t(timeline_kind_msg(kind)) } else { &label } })
                on:click=move |_| on_edit_activity.run(activity.clone())>
                {move || locale.t(Msg::ChangeButton)}
            </button>
        }
    });
    view! {
        <li class=format!("timeline-entry group-{}", timeline_group_class(group)) class:future=future>
            <div class="timeline-head">
                <strong>{move || locale.t(timeline_kind_msg(kind))}</strong>
                {move || direction.map(|d| format!(" · {}", locale.t(direction_msg(d))))}
                {details}
                " "
                {headline}
            </div>
            <p class="timeline-detail">
                {(!entry.detail.is_empty()).then(|| view! { <bdi>{entry.detail.clone()}</bdi> " " })}
                {stage_move.map(|s| view! { <bdi>{s}</bdi> " " })}
                {outcomes}
                {amount.map(|m| view! { <span class="amount">{move || format_money(m, locale.lang())}</span> })}
            </p>
            <p class="timeline-meta">
                <time datetime=machine_time(at)>{move || format_when(at, calendar.get(), locale.lang())}</time>
                {author.map(|name| view! { " · " <bdi>{name}</bdi> })}
                {task_action}
                {edit_action}
            </p>
        </li>
    }
}

/// A run on the timeline: its rule, linked to the rule's log (or words saying the rule is
/// gone), and the record it fired on.
fn run_headline(run: &AutomationRun) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let rule = view! { <RuleLink rule=run.rule_id.clone() /> };
    let on = run
        .record
        .as_ref()
        .map(|record| record_label(workspace, locale, record.kind, &record.id))
        .filter(|label| !label.is_empty())
        .map(|label| view! { " · " <bdi>{label}</bdi> });
    view! { {rule} {on} }
}
