//! Settings → Automation: the workspace's rules (when, if, then), each switched on and off,
//! previewed over the last 30 days, and with the log of its runs, where prepared messages
//! open in the user's own e-mail or SMS app.

use crate::ui::criteria::CustomCriteria;
use crate::{
    automation::{preview, record_label},
    i18n::{store_error_msg, use_locale, Counted, Msg},
    pages::sync::DeadLetters,
    ui::{
        automation::{RuleLink, RunOutcomes},
        editing::{save_change, save_change_marking},
        format::day_text,
    },
    workspace::{use_workspace, Workspace},
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use rabet_domain::sorting::{sort_by, sort_by_key};
use rabet_domain::{
    automation::Hit,
    id::Id,
    kind::EntityKind,
    model::{
        Action, AssigneeRule, AutomationRule, AutomationRun, Comparison, Condition, RunResult,
        SegmentFilter, SendVia, Trigger,
    },
    time::Instant,
    validate::Validate,
};
use serde_json::json;

/// The triggers the form offers, by key; `None` for the number they take.
const WHENS: [(&str, Msg, Option<Msg>); 10] = [
    ("deal_won", Msg::WhenDealWon, None),
    ("deal_lost", Msg::WhenDealLost, None),
    ("deal_created", Msg::WhenDealCreated, None),
    ("contact_created", Msg::WhenContactCreated, None),
    ("became_customer", Msg::WhenBecameCustomer, None),
    ("ticket_resolved", Msg::WhenTicketResolved, None),
    (
        "invoice_overdue",
        Msg::WhenInvoiceOverdue,
        Some(Msg::RuleDays),
    ),
    ("task_overdue", Msg::WhenTaskOverdue, None),
    ("sla_soon", Msg::WhenSlaSoon, Some(Msg::RuleHours)),
    ("no_activity", Msg::WhenNoActivity, Some(Msg::RuleDays)),
];

/// The actions the form offers, by key.
const THENS: [(&str, Msg); 5] = [
    ("task", Msg::ThenTask),
    ("notify", Msg::ThenNotify),
    ("sms", Msg::ThenSms),
    ("email", Msg::ThenEmail),
    ("webhook", Msg::ThenWebhook),
];

/// The trigger (and the conditions it needs) of a form's choice.
fn trigger_of(when: &str, number: i32) -> (Trigger, Vec<Condition>) {
    let changed = |kind, field: &str, to: &str| Trigger::FieldChanged {
        kind,
        field: field.into(),
        to: Some(json!(to)),
    };
    let none_of = |field: &str, values: &[&str]| Condition {
        field: field.into(),
        comparison: Comparison::IsNoneOf,
        values: values.iter().map(|value| json!(value)).collect(),
    };
    match when {
        "deal_lost" => (changed(EntityKind::Deal, "status", "lost"), Vec::new()),
        "deal_created" => (
            Trigger::Created {
                kind: EntityKind::Deal,
            },
            Vec::new(),
        ),
        "contact_created" => (
            Trigger::Created {
                kind: EntityKind::Contact,
            },
            Vec::new(),
        ),
        "became_customer" => (
            changed(EntityKind::Contact, "lifecycle_stage", "customer"),
            Vec::new(),
        ),
        "ticket_resolved" => (
            changed(EntityKind::Ticket, "status", "resolved"),
            Vec::new(),
        ),
        "invoice_overdue" => (
            Trigger::FieldTime {
                kind: EntityKind::Invoice,
                field: "due_date".into(),
                hours: number.saturating_mul(24),
            },
            vec![none_of("status", &["paid", "cancelled"])],
        ),
        "task_overdue" => (
            Trigger::FieldTime {
                kind: EntityKind::Task,
                field: "due_at".into(),
                hours: 0,
            },
            vec![Condition {
                field: "done_at".into(),
                comparison: Comparison::IsAnyOf,
                values: vec![serde_json::Value::Null],
            }],
        ),
        "sla_soon" => (
            Trigger::FieldTime {
                kind: EntityKind::Ticket,
                field: "sla_due_at".into(),
                hours: number.saturating_neg(),
            },
            vec![none_of("status", &["resolved", "closed"])],
        ),
        "no_activity" => (
            Trigger::NoActivity {
                kind: EntityKind::Contact,
                days: number.max(0).unsigned_abs(),
            },
            Vec::new(),
        ),
        _ => (changed(EntityKind::Deal, "status", "won"), Vec::new()),
    }
}

/// The form's words for a rule's trigger.
fn when_msg(rule: &AutomationRule) -> Msg {
    WHENS
        .iter()
        .find(|(key, _, _)| {
            let (trigger, _) = trigger_of(key, 0);
            std::mem::discriminant(&trigger) == std::mem::discriminant(&rule.trigger)
                && trigger.kind() == rule.trigger.kind()
                && match (&trigger, &rule.trigger) {
                    (
                        Trigger::FieldChanged { field, to, .. },
                        Trigger::FieldChanged {
                            field: their_field,
                            to: their_to,
                            ..
                        },
                    ) => field == their_field && to == their_to,
                    (
                        Trigger::FieldTime { field, .. },
                        Trigger::FieldTime {
                            field: their_field, ..
                        },
                    ) => field == their_field,
                    _ => true,
                }
        })
        .map_or(Msg::AutomationSection, |(_, msg, _)| *msg)
}

/// Who a "notify members" action notifies, as the form picked them.
struct Notified {
    member_ids: Vec<Id>,
    record_owner: bool,
}

fn action_of(then: &str, text: String, due_in_days: u32, notified: Notified) -> Action {
    match then {
        "notify" => Action::Notify {
            member_ids: notified.member_ids,
            record_owner: notified.record_owner,
            text,
        },
        "sms" => Action::SendMessage {
            via: SendVia::Sms,
            subject: String::new(),
            body: text,
        },
        "email" => Action::SendMessage {
            via: SendVia::Email,
            subject: text.clone(),
            body: text,
        },
        "webhook" => Action::Webhook { url: text },
        _ => Action::CreateTask {
            title: text,
            assignee: AssigneeRule::RecordOwner,
            member_id: None,
            due_in_days,
        },
    }
}

#[component]
pub fn AutomationSection() -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let rules = move || {
        workspace.automation_rules.with(|rules| {
            let mut all: Vec<AutomationRule> = rules.iter().cloned().collect();
            sort_by(&mut all, |a, b| a.name.cmp(&b.name));
            all
        })
    };
    view! {
        <section class="card settings-section automation" aria-labelledby="automation-heading">
            <h2 id="automation-heading">{move || locale.t(Msg::AutomationSection)}</h2>
            <p class="field-hint">{move || locale.t(Msg::AutomationHint)}</p>
            <ul class="plain rules">
                <For each=rules key=|rule| (rule.id.clone(), rule.enabled, rule.name.clone()) let:rule>
                    <RuleRow rule />
                </For>
            </ul>
            <RuleForm />
            <MessagesToSend />
        </section>
    }
}

#[component]
fn RuleRow(rule: AutomationRule) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let hits = RwSignal::new(None::<Result<Vec<Hit>, Msg>>);
    // A run's link (`rule_href`) opens its rule's log.
    let linked = use_query_map()
        .with_untracked(|query| query.get_str("rule") == Some(rule.id.to_string().as_str()));
    let show_log = RwSignal::new(linked);
    let row = NodeRef::<leptos::html::Li>::new();
    Effect::new(move || {
        if let Some(row) = row.get().filter(|_| linked) {
            row.scroll_into_view();
        }
    });
    let name = rule.name.clone();
    let when = when_msg(&rule);
    let kind = rule.trigger.kind();
    let toggled = rule.clone();
    let saving = RwSignal::new(false);
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        save_change_marking(toggled.clone(), Some(saving), move |rule| {
            rule.enabled = on;
            if on {
                rule.enabled_at = js_sys::Date::now() as i64;
            }
        });
    };
    let previewed = rule.clone();
    let run_preview = move |_| {
        let rule = previewed.clone();
        leptos::task::spawn_local(async move {
            let result = preview(workspace, rule)
                .await
                .map_err(|error| store_error_msg(&error));
            hits.set(Some(result));
        });
    };
    let preview_text = move || {
        hits.get().map(|result| match result {
            Ok(hits) => {
                let names: Vec<String> = hits
                    .iter()
                    .take(10)
                    .map(|hit| record_label(workspace, locale, kind, &hit.id))
                    .collect();
                view! {
                    <p class="rule-preview" role="status">{locale.count(Counted::WouldHaveFired, hits.len())}</p>
                    <ul class="plain">{names.into_iter().map(|name| view! { <li><bdi>{name}</bdi></li> }).collect_view()}</ul>
                }
                .into_any()
            }
            Err(msg) => view! { <p class="field-error" role="alert">{locale.t(msg)}</p> }.into_any(),
        })
    };
    let rule_for_log = rule.clone();
    let log = move || {
        show_log
            .get()
            .then(|| view! { <RunLog rule=rule_for_log.clone() /> })
    };
    let enabled = rule.enabled;
    view! {
        <li class="rule" node_ref=row>
            <label class="rule-switch">
                <input type="checkbox" prop:checked=enabled on:change=toggle aria-busy=move || saving.get().then_some("true") />
                " "
                <bdi class="row-title">{name}</bdi>
            </label>
            " · "
            <span class="row-sub">{move || locale.t(when)}</span>
            " "
            <button type="button" class="button" on:click=run_preview>{move || locale.t(Msg::RulePreview)}</button>
            " "
            <button type="button" class="button" aria-expanded=move || show_log.get().to_string() on:click=move |_| show_log.update(|shown| *shown = !*shown)>
                {move || locale.t(Msg::RuleLog)}
            </button>
            {preview_text}
            {log}
        </li>
    }
}

#[component]
fn RunLog(rule: AutomationRule) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let rule_id = rule.id.clone();
    let runs = move || {
        workspace.automation_runs.with(|runs| {
            let mut mine: Vec<AutomationRun> = runs.naming(&rule_id).cloned().collect();
            sort_by_key(&mut mine, |run| std::cmp::Reverse(run.at));
            mine.truncate(50);
            mine
        })
    };
    view! {
        <ul class="plain run-log">
            {move || {
                let runs = runs();
                if runs.is_empty() {
                    return view! { <li class="row-sub">{locale.t(Msg::RunNone)}</li> }.into_any();
                }
                runs.into_iter().map(|run| {
                    let record = run
                        .record
                        .as_ref()
                        .map(|record| record_label(workspace, locale, record.kind, &record.id))
                        .unwrap_or_default();
                    let day = day_text(crate::local_time::zone().day_of(Instant(run.at)));
                    let outcomes = view! { <RunOutcomes run=run.clone() /> };
                    view! {
                        <li class="run">
                            <span class="row-sub">{day}</span>
                            " · "
                            <bdi class="row-title">{record}</bdi>
                            " · "
                            {outcomes}
                        </li>
                    }
                }).collect_view().into_any()
            }}
        </ul>
        <DeadLetters rule=rule.id.clone() />
    }
}

/// Every message a rule prepared on a device (no sync server sends it), newest first: each
/// opens in the person's own e-mail or SMS app, and is marked sent once they have.
#[component]
fn MessagesToSend() -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let waiting = move || {
        workspace.automation_runs.with(|runs| {
            let mut waiting: Vec<AutomationRun> = runs
                .iter()
                .filter(|run| {
                    run.outcomes
                        .iter()
                        .any(|outcome| outcome.result == RunResult::Prepared)
                })
                .cloned()
                .collect();
            sort_by_key(&mut waiting, |run| std::cmp::Reverse(run.at));
            waiting
        })
    };
    let mark_sent = move |run: AutomationRun| {
        save_change(run, |run| {
            for outcome in &mut run.outcomes {
                if outcome.result == RunResult::Prepared {
                    outcome.result = RunResult::Sent;
                }
            }
        });
    };
    view! {
        <section class="messages-to-send" aria-labelledby="messages-to-send-heading">
            <h3 id="messages-to-send-heading">{move || locale.t(Msg::MessagesToSendHeading)}</h3>
            {move || {
                let waiting = waiting();
                if waiting.is_empty() {
                    return view! { <p class="row-sub">{locale.t(Msg::MessagesToSendNone)}</p> }.into_any();
                }
                let count = locale.count(Counted::MessagesToSend, waiting.len());
                let rows = waiting.into_iter().map(|run| {
                    let record = run
                        .record
                        .as_ref()
                        .map(|record| record_label(workspace, locale, record.kind, &record.id))
                        .unwrap_or_default();
                    let marked = run.clone();
                    view! {
                        <li class="message-to-send">
                            <bdi class="row-title">{record}</bdi>
                            " · "
                            <RuleLink rule=run.rule_id.clone() />
                            " · "
                            <RunOutcomes run />
                            " "
                            <button type="button" class="button subtle" on:click=move |_| mark_sent(marked.clone())>
                                {locale.t(Msg::MarkSent)}
                            </button>
                        </li>
                    }
                }).collect_view();
                view! {
                    <p class="row-sub" role="status">{count}</p>
                    <ul class="plain messages-to-send-list">{rows}</ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn RuleForm() -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let name = RwSignal::new(String::new());
    let when = RwSignal::new(WHENS[0].0.to_owned());
    let number = RwSignal::new("1".to_owned());
    let then = RwSignal::new(THENS[0].0.to_owned());
    let text = RwSignal::new(String::new());
    let due_days = RwSignal::new("3".to_owned());
    let tags = RwSignal::new(String::new());
    let notify_owner = RwSignal::new(true);
    let notify_members = RwSignal::new(Vec::<Id>::new());
    // Criteria on the contact's custom fields, as the segment builder has them.
    let custom = RwSignal::new(Vec::new());
    let problem = RwSignal::new(None::<String>);
    let number_label = move || {
        let key = when.get();
        WHENS
            .iter()
            .find(|(k, _, _)| *k == key)
            .and_then(|(_, _, number)| *number)
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let read = |typed: RwSignal<String>| {
            rabet_domain::input::parse_whole_number(&typed.get_untracked()).unwrap_or(0)
        };
        let (trigger, conditions) = trigger_of(
            &when.get_untracked(),
            i32::try_from(read(number)).unwrap_or(i32::MAX),
        );
        let due = read(due_days);
        let now = js_sys::Date::now() as i64;
        let rule = AutomationRule {
            id: Workspace::new_id(),
            name: name.get_untracked().trim().to_owned(),
            enabled: false,
            enabled_at: now,
            trigger,
            conditions,
            criteria: SegmentFilter {
                tags: rabet_domain::input::parse_tags(&tags.get_untracked()),
                custom: custom.get_untracked(),
                ..SegmentFilter::default()
            },
            actions: vec![action_of(
                &then.get_untracked(),
                text.get_untracked(),
                due,
                Notified {
                    member_ids: notify_members.get_untracked(),
                    record_owner: notify_owner.get_untracked(),
                },
            )],
            created_at: now,
        };
        if let Some(error) = rule.validate().first() {
            problem.set(Some(locale.validation(error)));
            return;
        }
        problem.set(None);
        leptos::task::spawn_local(async move {
            match workspace.save(None, rule).await {
                Ok(()) => {
                    name.set(String::new());
                    text.set(String::new());
                }
                Err(error) => problem.set(Some(locale.t(store_error_msg(&error)).to_owned())),
            }
        });
    };
    let placeholders = "{first_name} {full_name} {title} {number} {owner}";
    view! {
        <form class="form-grid rule-form" on:submit=add novalidate>
            <label class="field">
                <span class="field-label">{move || locale.t(Msg::RuleName)}</span>
                <input type="text" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            </label>
            <label class="field">
                <span class="field-label">{move || locale.t(Msg::RuleWhen)}</span>
                <select on:change=move |ev| when.set(event_target_value(&ev))>
                    {WHENS.iter().map(|(key, msg, _)| view! {
                        <option value=*key selected=move || when.get() == *key>{move || locale.t(*msg)}</option>
                    }).collect_view()}
                </select>
            </label>
            {move || number_label().map(|label| view! {
                <label class="field">
                    <span class="field-label">{locale.t(label)}</span>
                    <input type="text" inputmode="numeric" prop:value=move || number.get() on:input=move |ev| number.set(event_target_value(&ev)) />
                </label>
            })}
            <label class="field">
                <span class="field-label">{move || locale.t(Msg::RuleTags)}</span>
                <input type="text" prop:value=move || tags.get() on:input=move |ev| tags.set(event_target_value(&ev)) />
            </label>
            <CustomCriteria criteria=custom />
            <label class="field">
                <span class="field-label">{move || locale.t(Msg::RuleThen)}</span>
                <select on:change=move |ev| then.set(event_target_value(&ev))>
                    {THENS.iter().map(|(key, msg)| view! {
                        <option value=*key selected=move || then.get() == *key>{move || locale.t(*msg)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span class="field-label">{move || locale.t(Msg::RuleText)}</span>
                <input type="text" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev)) />
                <span class="field-hint">{move || locale.t(Msg::PlaceholdersHint)}" "<bdi dir="ltr">{placeholders}</bdi></span>
            </label>
            {move || (then.get() == "notify").then(|| view! { <NotifyWho owner=notify_owner members=notify_members /> })}
            {move || (then.get() == "task").then(|| view! {
                <label class="field">
                    <span class="field-label">{locale.t(Msg::TaskDueInDays)}</span>
                    <input type="text" inputmode="numeric" prop:value=move || due_days.get() on:input=move |ev| due_days.set(event_target_value(&ev)) />
                </label>
            })}
            <div class="field">
                <span class="field-label" aria-hidden="true">" "</span>
                <button type="submit" class="button primary">{move || locale.t(Msg::AddRule)}</button>
            </div>
            <p class="field-error" role="alert">{move || problem.get()}</p>
        </form>
    }
}

/// The members a "notify members" action notifies: the record's owner and any of the team,
/// each a checkbox.
#[component]
fn NotifyWho(owner: RwSignal<bool>, members: RwSignal<Vec<Id>>) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let team = move || {
        workspace.members.with(|team| {
            let mut active: Vec<(Id, String)> = team
                .iter()
                .filter(|member| member.active)
                .map(|member| (member.id.clone(), member.display_name().to_owned()))
                .collect();
            sort_by(&mut active, |a, b| a.1.cmp(&b.1));
            active
        })
    };
    let toggle = move |id: Id, on: bool| {
        members.update(|members| {
            members.retain(|member| *member != id);
            if on {
                members.push(id);
            }
        })
    };
    view! {
        <fieldset class="field notify-who">
            <legend class="field-label">{move || locale.t(Msg::NotifyWho)}</legend>
            <label class="check">
                <input type="checkbox" prop:checked=move || owner.get() on:change=move |ev| owner.set(event_target_checked(&ev)) />
                " "{move || locale.t(Msg::NotifyRecordOwner)}
            </label>
            <For each=team key=|(id, name)| (id.clone(), name.clone()) let:member>
                {
                    let (id, name) = member;
                    let checked_id = id.clone();
                    view! {
                        <label class="check">
                            <input type="checkbox" prop:checked=move || members.with(|m| m.contains(&checked_id))
                                on:change=move |ev| toggle(id.clone(), event_target_checked(&ev)) />
                            " "<bdi>{name}</bdi>
                        </label>
                    }
                }
            </For>
        </fieldset>
    }
}
