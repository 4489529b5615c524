//! Creating and editing a follow-up (due time, optional reminder, assignee and what it is
//! about), and a follow-up's row in the lists that show it.

use crate::i18n::phrase;
use crate::ui::widgets::refused;
use crate::{
    i18n::{use_locale, Msg},
    local_time::{
        format_clock, format_duration, format_when, local_minute, now_ms, use_calendar, WhenFields,
        WhenText, DAY_MS, HOUR_MS, MINUTE_MS,
    },
    reminders,
    ui::{
        draft::Draft,
        editing::{delete_with_undo, remember_member, remembered_member, save_change},
        inputs::MemberSelect,
        parties::{record_target, CustomerPicker},
        widgets::{FormDialog, TextField},
    },
    workspace::{use_workspace, Workspace},
};
use leptos::prelude::*;
use leptos_router::components::A;
use rabet_domain::{
    kind::EntityKind,
    model::{RecordRef, Task},
};

/// When a new follow-up is due if only its day is given: the start of a working day.
const DEFAULT_DUE_MINUTE: u32 = 9 * 60;
/// How long before the due time a reminder can fire.
const REMINDER_LEADS: [i64; 5] = [0, 10 * MINUTE_MS, 30 * MINUTE_MS, HOUR_MS, DAY_MS];

/// A new follow-up about `link`, assigned to the member this device last chose.
pub fn new_task(link: Option<RecordRef>) -> Task {
    Task {
        id: Workspace::new_id(),
        link,
        assignee_id: remembered_member(),
        created_at: now_ms(),
        ..Task::default()
    }
}

/// The form. A task opened from a record's page keeps that link; one made on the Tasks page
/// may pick a customer.
#[component]
pub fn TaskForm(
    initial: Task,
    #[prop(optional)] existing: bool,
    on_done: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    let calendar = use_calendar();
    let when = WhenText::new(initial.due_at, calendar.get_untracked(), locale.lang());
    if initial.due_at.is_none() {
        when.time
            .set(crate::local_time::clock_value(DEFAULT_DUE_MINUTE));
    }
    let lead = RwSignal::new(
        initial
            .due_at
            .zip(initial.remind_at)
            .map(|(due, remind)| reminders::lead_of(due, remind)),
    );
    // Only a customer can be picked here; links to deals, tickets and invoices stay as they are.
    let picks_customer = initial
        .link
        .as_ref()
        .is_none_or(|link| matches!(link.kind, EntityKind::Contact | EntityKind::Company));
    let customer = RwSignal::new(initial.link.clone());
    let draft = Draft::new(existing.then(|| initial.clone()), || initial);
    let record = draft.record;
    let title = draft.title(Msg::NewFollowUp, Msg::EditFollowUp);
    let (title_get, title_set) = (
        move || record.with(|t| t.title.clone()),
        move |value: String| record.update(|t| t.title = value),
    );
    let lead_options = move || {
        let mut leads = REMINDER_LEADS.to_vec();
        if let Some(custom) = lead.get_untracked().filter(|l| !leads.contains(l)) {
            leads.push(custom);
        }
        leads
    };
    let lead_text = move |lead: i64| {
        if lead == 0 {
            locale.t(Msg::RemindAtDue).to_owned()
        } else {
            locale.fill(phrase::RemindBefore {
                duration: &format_duration(lead, locale.lang()),
            })
        }
    };
    let choose_lead = move |ev| {
        let chosen = event_target_value(&ev).parse::<i64>().ok();
        if chosen.is_some() {
            reminders::ask_permission();
        }
        lead.set(chosen);
    };
    let submit = move |_| {
        let mut task = record.get_untracked();
        let Ok(due) = when.instant(calendar.get_untracked(), DEFAULT_DUE_MINUTE) else {
            draft.failure.set(Some(Msg::FixHighlighted));
            return;
        };
        task.title = task.title.trim().to_owned();
        task.due_at = due;
        task.remind_at = due
            .zip(lead.get_untracked())
            .map(|(due, lead)| reminders::remind_at(due, lead));
        if picks_customer {
            task.link = customer.get_untracked();
        }
        remember_member(task.assignee_id.as_ref());
        draft.submit(task, move |_| on_done.run(()));
    };

    view! {
        <FormDialog title=title on_submit=Callback::new(submit) on_cancel=on_done saving=draft.saving() failure=draft.failure kind=draft.kind()>
            <TextField label=Msg::TaskTitle id="task-title" get=title_get set=title_set autofocus=true error=draft.error("title") />
            <WhenFields day_label=Msg::DueDate id="task-due" when=when shortcuts=true />
            <div class="form-grid">
                <div class="field">
                    <label class="field-label" for="task-reminder">{move || locale.t(Msg::ReminderLabel)}</label>
                    <select id="task-reminder" on:change=choose_lead>
                        <option value="" selected=move || lead.get().is_none()>{move || locale.t(Msg::NoReminder)}</option>
                        {move || lead_options().into_iter().map(|option| view! {
                            <option value=option.to_string() selected=move || lead.get() == Some(option)>
                                {move || lead_text(option)}
                            </option>
                        }).collect_view()}
                    </select>
                    <Show when=move || lead.get().is_some() && reminders::notifications_blocked()>
                        <span class="field-hint">{move || locale.t(Msg::NotificationsBlocked)}</span>
                    </Show>
                </div>
                <MemberSelect label=Msg::AssigneeLabel id="task-assignee" none=Msg::Unassigned
                    current=Signal::derive(move || record.with(|t| t.assignee_id.clone()))
                    set=move |id| record.update(|t| t.assignee_id = id) />
            </div>
            {picks_customer.then(|| view! { <CustomerPicker label=Msg::AboutLabel id="task-customer" chosen=customer /> })}
            <div class="field">
                <label class="field-label" for="task-notes">{move || locale.t(Msg::Notes)}</label>
                <textarea id="task-notes" rows="3"
                    prop:value=move || record.with(|t| t.notes.clone())
                    on:input=move |ev| record.update(|t| t.notes = event_target_value(&ev))></textarea>
            </div>
        </FormDialog>
    }
}

/// One follow-up: a checkbox that marks it done, when it is due, what it is about and who
/// does it. `today` shows only the time, as the list already says the day.
#[component]
pub fn TaskRow(
    task: Task,
    #[prop(optional)] today: bool,
    on_edit: Callback<Task>,
) -> impl IntoView {
    let locale = use_locale();
    let refused = refused(Some(EntityKind::Task));
    let workspace = use_workspace();
    let calendar = use_calendar();
    let check_id = format!("task-{}", task.id);
    let due = task.due_at.map(|due| {
        move || {
            if today {
                format_clock(local_minute(due), locale.lang())
            } else {
                format_when(due, calendar.get(), locale.lang())
            }
        }
    });
    let target = task.link.as_ref().and_then(record_target);
    let assignee = task.assignee_id.as_ref().and_then(|id| {
        workspace
            .members
            .with_untracked(|m| m.get(id).map(|m| m.display_name().to_owned()))
    });
    let done = task.is_done();
    let overdue = task.is_overdue(now_ms());
    let toggled = task.clone();
    let toggle = move |_| {
        save_change(toggled.clone(), |t| {
            t.done_at = if t.is_done() { None } else { Some(now_ms()) }
        })
    };
    let edited = task.clone();
    let title = task.title.clone();
    view! {
        <li class="task-row" class:done=done class:overdue=overdue>
            <input type="checkbox" id=check_id.clone() prop:checked=done on:change=toggle />
            <div class="task-main">
                <label for=check_id><bdi>{task.title.clone()}</bdi></label>
                <p class="row-sub">
                    {due.map(|due| view! { <span dir="auto">{due}</span> })}
                    {target.map(|(href, name)| view! { " · " <A href=href><bdi>{name}</bdi></A> })}
                    {assignee.map(|name| view! { " · " <bdi>{name}</bdi> })}
                </p>
            </div>
            <div class="row-actions">
                <button type="button" class="button subtle" disabled=move || refused.get().is_some() on:click=move |_| on_edit.run(edited.clone())
                    aria-label=move || locale.fill(phrase::ActionOn { action: locale.t(Msg::Edit), name: &title })>
                    {move || locale.t(Msg::Edit)}
                </button>
                <button type="button" class="button subtle danger" disabled=move || refused.get().is_some()
                    aria-label={let title = task.title.clone(); move || locale.fill(phrase::ActionOn { action: locale.t(Msg::Delete), name: &title })}
                    on:click={let task = task.clone(); move |_| delete_with_undo(task.clone(), task.title.clone(), || {})}>
                    {move || locale.t(Msg::Delete)}
                </button>
            </div>
        </li>
    }
}
