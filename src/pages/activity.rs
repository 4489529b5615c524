//! `/activity`: what changed in the workspace, newest first, a day at a time, by whom and of
//! which kind of record, each change a link to its record. Read from this device's field
//! history (`Workspace::feed`), so it works offline for what the device holds; automation
//! runs held in memory join it, each linking to its rule.

use crate::{
    i18n::{kind_msg, phrase, store_error_msg, use_locale, Counted, Msg},
    local_time::{format_clock, local_day, local_minute, now_ms, use_calendar, zone},
    sync::use_sync,
    ui::{
        automation::{RuleLink, RunOutcomes},
        history::{author_words, bulk_change_words, change_words, is_shown},
        parties::record_target,
        widgets::Filter,
        PageHeader,
    },
    workspace::use_workspace,
};
use leptos::{either::Either, prelude::*};
use leptos_router::components::A;
use rabet_domain::{
    calendar::format_day,
    feed::{by_day, newest, FeedEntry, FeedFilter, FeedItem, Who},
    id::Id,
    kind::EntityKind,
    model::RecordRef,
};

/// Changes shown at first; "Show earlier changes" adds as many again.
const PAGE: usize = 50;

/// The "who" filter's values: everyone, this device's member, or `m:<member id>`.
const ANYONE: &str = "";
const ME: &str = "me";
const MEMBER_PREFIX: &str = "m:";

#[component]
pub fn Activity() -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let sync = use_sync();
    let who = RwSignal::new(ANYONE.to_owned());
    let kind = RwSignal::new(None::<EntityKind>);
    let shown = RwSignal::new(PAGE);
    let filter = Memo::new(move |_| FeedFilter {
        who: who.with(|who| match who.as_str() {
            ANYONE => Who::Anyone,
            ME => Who::Me {
                member: sync
                    .session
                    .with(|session| session.as_ref().map(|s| s.member_id.clone())),
            },
            other => Who::Member(other.trim_start_matches(MEMBER_PREFIX).to_owned()),
        }),
        kind: kind.get(),
    });
    // A new filter starts again from the newest changes.
    Effect::new(move |_| {
        filter.track();
        shown.set(PAGE);
    });
    let entries = LocalResource::new(move || {
        // Read again after every write here and every change merged from elsewhere.
        workspace.local_writes.track();
        workspace.remote_changes.track();
        let (count, filter) = (shown.get(), filter.get());
        // One more than shown tells whether there are earlier ones.
        let runs = if filter.shows_runs() {
            newest_runs(workspace, count + 1)
        } else {
            Vec::new()
        };
        async move {
            let wanted = move |kind, field: &str, author: Option<&str>| {
                is_shown(kind, field) && filter.matches(kind, author)
            };
            let changes = workspace.feed(count + 1, wanted).await;
            changes.map(|changes| newest(changes, runs, count + 1))
        }
    });
    let member_options = move || {
        let me = sync
            .session
            .with(|session| session.as_ref().map(|s| s.member_id.clone()));
        sync.members
            .get()
            .into_iter()
            .filter(|member| Some(&member.id) != me.as_ref())
            .map(|member| {
                let value = format!("{MEMBER_PREFIX}{}", member.id);
                view! { <option value=value>{member.name}</option> }
            })
            .collect_view()
    };
    let kind_options = EntityKind::ALL
        .into_iter()
        .map(|option| {
            view! {
                <option value=option.as_str() selected=move || kind.get() == Some(option)>
                    {move || locale.t(kind_msg(option))}
                </option>
            }
        })
        .collect_view();

    view! {
        <PageHeader title=Msg::NavActivity intro=Msg::ActivityIntro />
        <div class="toolbar">
            <div class="filters">
                <Filter label=Msg::ActivityWho>
                    <select on:change=move |ev| who.set(event_target_value(&ev))>
                        <option value=ANYONE>{move || locale.t(Msg::All)}</option>
                        <option value=ME>{move || locale.t(Msg::HistoryYou)}</option>
                        {member_options}
                    </select>
                </Filter>
                <Filter label=Msg::Kind>
                    <select on:change=move |ev| kind.set(EntityKind::parse(&event_target_value(&ev)))>
                        <option value="">{move || locale.t(Msg::All)}</option>
                        {kind_options}
                    </select>
                </Filter>
            </div>
        </div>
        {move || match entries.get() {
            None => Either::Left(view! { <p class="empty" aria-busy="true">{move || locale.t(Msg::Loading)}</p> }.into_any()),
            Some(Err(error)) => Either::Left(
                view! { <p class="form-failure" role="alert">{locale.t(store_error_msg(&error))}</p> }.into_any(),
            ),
            Some(Ok(entries)) if entries.is_empty() => Either::Left(
                view! { <p class="empty">{move || locale.t(Msg::ActivityEmpty)}</p> }.into_any(),
            ),
            Some(Ok(mut entries)) => {
                let more = entries.len() > shown.get_untracked();
                entries.truncate(shown.get_untracked());
                Either::Right(view! {
                    <Days entries />
                    {more.then(|| view! {
                        <button type="button" class="button" on:click=move |_| shown.update(|n| *n += PAGE)>
                            {move || locale.t(Msg::ActivityShowEarlier)}
                        </button>
                    })}
                })
            }
        }}
    }
}

/// The newest `count` automation runs held, newest first, with their instants (tracked, so
/// the feed is read again when a run is written).
fn newest_runs(workspace: crate::workspace::Workspace, count: usize) -> Vec<(i64, Id)> {
    workspace.automation_runs.with(|runs| {
        let mut all: Vec<(i64, Id)> = runs.iter().map(|run| (run.at, run.id.clone())).collect();
        all.sort_unstable_by(|a, b| b.cmp(a));
        all.truncate(count);
        all
    })
}

/// The changes in a section per local day, newest first.
#[component]
fn Days(entries: Vec<FeedItem>) -> impl IntoView {
    let locale = use_locale();
    let calendar = use_calendar();
    let today = local_day(now_ms());
    by_day(entries, &zone())
        .into_iter()
        .map(|(day, run)| {
            let heading = format!("activity-day-{}", day.0);
            let title = move || {
                if day == today {
                    locale.t(Msg::DayToday).to_owned()
                } else {
                    format_day(day, calendar.get(), locale.lang())
                }
            };
            let rows = run
                .into_iter()
                .map(|item| match item {
                    FeedItem::Change(entry) => view! { <Entry entry=*entry /> }.into_any(),
                    FeedItem::Run { id, .. } => view! { <RunEntry id /> }.into_any(),
                })
                .collect_view();
            let labelled_by = heading.clone();
            view! {
                <section class="card activity-day" aria-labelledby=labelled_by>
                    <h2 id=heading>{title}</h2>
                    <ol class="history-list">{rows}</ol>
                </section>
            }
        })
        .collect_view()
}

#[component]
fn Entry(entry: FeedEntry) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let sync = use_sync();
    let FeedEntry {
        kind,
        record,
        change,
        records,
    } = entry;
    let who = author_words(sync, locale, change.author.clone());
    let at = change.stamp.wall_ms as i64;
    let when = move || format_clock(local_minute(at), locale.lang());
    // A bulk change is one line for all its records, linking to their list.
    let bulk = records > 1;
    let what: Box<dyn Fn() -> String + Send + Sync> = match bulk {
        true => Box::new(bulk_change_words(workspace, locale, kind, &change)),
        false => Box::new(change_words(workspace, locale, kind, &change)),
    };
    // Records held in memory have their id in the table already; a gone one has no page.
    let target = (!bulk)
        .then(|| Id::find(&record.as_str()))
        .flatten()
        .and_then(|id| record_target(&RecordRef { kind, id }));
    let (href, name) = match target {
        Some((href, name)) => (href, Some(name)),
        None => (list_of(kind).to_owned(), None),
    };
    let counted = match kind {
        EntityKind::Contact => Counted::ActivityBulkContacts,
        _ => Counted::ActivityBulkItems,
    };
    let record = move || match &name {
        _ if bulk => locale.count(counted, records),
        Some(name) => locale.fill(phrase::ActivityRecord {
            kind: locale.t(kind_msg(kind)),
            name,
        }),
        None => locale.t(kind_msg(kind)).to_owned(),
    };
    let what = move || what();
    view! {
        <li class="history-entry">
            <p class="history-who"><bdi>{who}</bdi>" · "<span dir="auto">{when}</span></p>
            <p><A href=href><bdi>{record}</bdi></A></p>
            <p class="history-what" dir="auto">{what}</p>
            {(!change.won).then(|| view! { <p class="history-lost">{move || locale.t(Msg::HistoryNotKept)}</p> })}
        </li>
    }
}

/// An automation run: its rule (linked to the rule's log), the record it fired on and what
/// each action did.
#[component]
fn RunEntry(id: Id) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let run = workspace
        .automation_runs
        .with_untracked(|runs| runs.get(&id).cloned());
    run.map(|run| {
        let at = run.at;
        let when = move || format_clock(local_minute(at), locale.lang());
        let rule = view! { <RuleLink rule=run.rule_id.clone() /> };
        let target = run.record.clone().and_then(|record| record_target(&record));
        let record = target.map(|(href, name)| view! { " · " <A href=href><bdi>{name}</bdi></A> });
        view! {
            <li class="history-entry automation-run">
                <p class="history-who">{move || locale.t(Msg::AutomationSection)}" · "<span dir="auto">{when}</span></p>
                <p>{rule}{record}</p>
                <p class="history-what"><RunOutcomes run /></p>
            </li>
        }
    })
}

/// Where a kind's records are listed: the link of a change whose record has no page of its
/// own (or is gone).
fn list_of(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Contact
        | EntityKind::Company
        | EntityKind::Activity
        | EntityKind::SavedView => "/customers",
        EntityKind::Deal => "/pipeline",
        EntityKind::Task => "/tasks",
        EntityKind::Ticket => "/tickets",
        EntityKind::Invoice => "/invoices",
        EntityKind::Product => "/products",
        EntityKind::Segment | EntityKind::Campaign => "/segments",
        EntityKind::Pipeline
        | EntityKind::TeamMember
        | EntityKind::Settings
        | EntityKind::AutomationRule
        | EntityKind::AutomationRun
        // Notifications come from rules; the bell lists them.
        | EntityKind::Notification
        | EntityKind::MessageTemplate
        | EntityKind::FieldDefinition => "/settings",
    }
}
