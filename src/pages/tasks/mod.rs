//! Follow-ups: what is overdue, due today, coming up and done, and their export to a calendar.

use crate::i18n::phrase;
use crate::ui::intent::{on_intent, Intent};
use crate::ui::widgets::{refused, RefusedNote};
use crate::{
    download::file_saver,
    i18n::{use_locale, Msg},
    local_time::{local_day, local_instant, now_ms, workspace_zone_name},
    records::task::{new_task, TaskForm, TaskRow},
    ui::{inputs::MemberFilter, parties::record_target, PageHeader},
    workspace::use_workspace,
};
use leptos::prelude::*;
use rabet_domain::kind::EntityKind;
use rabet_domain::sorting::sort_by_key;
use rabet_domain::{calendar::Day, ics::tasks_to_ics, id::Id, model::Task};

/// Done tasks listed at first; older ones come with "Show more".
const DONE_PAGE: usize = 20;
/// What calendar apps are told made the file.
const ICS_PRODUCT_ID: &str = "-//Rabet//Rabet CRM//EN";

/// The lists of the page, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Due {
    Overdue,
    Today,
    Upcoming,
    Someday,
    Done,
}

impl Due {
    const ALL: [Due; 5] = [
        Due::Overdue,
        Due::Today,
        Due::Upcoming,
        Due::Someday,
        Due::Done,
    ];

    fn of(task: &Task, now: i64, tomorrow_starts: i64) -> Due {
        match task.due_at {
            _ if task.is_done() => Due::Done,
            None => Due::Someday,
            Some(due) if due < now => Due::Overdue,
            Some(due) if due < tomorrow_starts => Due::Today,
            Some(_) => Due::Upcoming,
        }
    }

    fn title(self) -> Msg {
        match self {
            Due::Overdue => Msg::DueOverdue,
            Due::Today => Msg::DayToday,
            Due::Upcoming => Msg::DueUpcoming,
            Due::Someday => Msg::NoDueDate,
            Due::Done => Msg::DueDone,
        }
    }

    fn key(self) -> &'static str {
        match self {
            Due::Overdue => "overdue",
            Due::Today => "today",
            Due::Upcoming => "upcoming",
            Due::Someday => "someday",
            Due::Done => "done",
        }
    }
}

#[component]
pub fn Tasks() -> impl IntoView {
    let locale = use_locale();
    let refused = refused(Some(EntityKind::Task));
    let workspace = use_workspace();
    let assignee = RwSignal::new(None::<Id>);
    let editing = RwSignal::new(None::<(Task, bool)>);
    let done_shown = RwSignal::new(DONE_PAGE);
    // The tasks of each list, soonest first (done: latest first).
    let lists = Memo::new(move |_| {
        // "Today" is the workspace zone's (`local_day` tracks it): a change of zone sorts again.
        let now = now_ms();
        let tomorrow_starts = local_instant(Day(local_day(now).0 + 1), 0);
        let assignee = assignee.get();
        let mut lists: Vec<(Due, Vec<Task>)> =
            Due::ALL.iter().map(|&due| (due, Vec::new())).collect();
        workspace.tasks.with(|tasks| {
            for task in tasks
                .iter()
                .filter(|t| assignee.is_none() || t.assignee_id == assignee)
            {
                let due = Due::of(task, now, tomorrow_starts);
                lists[due as usize].1.push(task.clone());
            }
        });
        for (due, tasks) in &mut lists {
            match due {
                Due::Done => sort_by_key(tasks, |t| std::cmp::Reverse(t.done_at)),
                Due::Someday => sort_by_key(tasks, |t| std::cmp::Reverse(t.created_at)),
                _ => sort_by_key(tasks, |t| t.due_at),
            }
        }
        lists
    });
    let save_file = file_saver();
    let export = move |_| {
        let assignee = assignee.get_untracked();
        let open: Vec<(Task, Option<String>)> = workspace.tasks.with_untracked(|tasks| {
            tasks
                .iter()
                .filter(|t| !t.is_done() && (assignee.is_none() || t.assignee_id == assignee))
                .map(|t| {
                    (
                        t.clone(),
                        t.link
                            .as_ref()
                            .and_then(record_target)
                            .map(|(_, name)| name),
                    )
                })
                .collect()
        });
        let zone = workspace
            .settings
            .with_untracked(|s| workspace_zone_name(s.time_zone.as_deref()));
        let ics = tasks_to_ics(&open, now_ms(), ICS_PRODUCT_ID, Some(&zone));
        save_file("rabet-follow-ups.ics", "text/calendar", &ics);
    };

    on_intent(Intent::NewTask, move || {
        editing.set(Some((new_task(None), false)))
    });
    view! {
        <PageHeader title=Msg::NavTasks intro=Msg::TasksIntro />
        <RefusedNote kind=EntityKind::Task />
        <div class="toolbar">
            <MemberFilter label=Msg::AssigneeLabel chosen=assignee />
            <div class="toolbar-actions">
                <button type="button" class="button" on:click=export>{move || locale.t(Msg::ExportIcs)}</button>
                <button type="button" class="button primary" disabled=move || refused.get().is_some() on:click=move |_| editing.set(Some((new_task(None), false)))>
                    {move || locale.t(Msg::NewFollowUp)}
                </button>
            </div>
        </div>
        <div class="task-lists">
            {Due::ALL.into_iter().map(|due| {
                let tasks = Signal::derive(move || lists.with(|l| l[due as usize].1.clone()));
                let heading_id = format!("tasks-{}", due.key());
                let labelled_by = heading_id.clone();
                let count = move || tasks.with(Vec::len);
                let shown = move || if due == Due::Done { done_shown.get() } else { usize::MAX };
                view! {
                    <section class=format!("card task-list due-{}", due.key()) aria-labelledby=labelled_by
                        hidden=move || count() == 0 && matches!(due, Due::Someday | Due::Done)>
                        <h2 id=heading_id>
                            {move || locale.t(due.title())}
                            " "<span class="count">{move || locale.number(count())}</span>
                        </h2>
                        <Show when=move || count() == 0>
                            <p class="empty-line">{move || locale.t(Msg::NothingHere)}</p>
                        </Show>
                        <ul class="plain">
                            <For each=move || tasks.get().into_iter().take(shown()) key=|t| (t.id.clone(), t.done_at, t.due_at, t.title.clone()) let:task>
                                <TaskRow task=task today=due == Due::Today on_edit=Callback::new(move |t| editing.set(Some((t, true)))) />
                            </For>
                        </ul>
                        <Show when=move || { count() > shown() }>
                            <button type="button" class="button subtle" on:click=move |_| done_shown.update(|n| *n += DONE_PAGE)>
                                {move || locale.fill(phrase::ShowMore { count: &locale.number(DONE_PAGE.min(count() - shown())) })}
                            </button>
                        </Show>
                    </section>
                }
            }).collect_view()}
        </div>
        {move || editing.get().map(|(task, existing)| view! {
            <TaskForm initial=task existing=existing on_done=Callback::new(move |_| editing.set(None)) />
        })}
    }
}
