//! How an automation run reads wherever it is shown (a rule's log, a record's timeline, the
//! activity feed): what each action did, in words, with a prepared message's link and a
//! failure's reason.

use crate::{
    i18n::{use_locale, Msg},
    ui::messages::prepared_message_href,
    workspace::use_workspace,
};
use leptos::prelude::*;
use leptos_router::components::A;
use rabet_domain::{
    id::Id,
    model::{Action, AutomationRun, RunOutcome, RunResult},
};

pub fn run_result_msg(result: RunResult) -> Msg {
    match result {
        RunResult::Done => Msg::RunDone,
        RunResult::Prepared => Msg::RunPrepared,
        RunResult::Queued => Msg::RunQueued,
        RunResult::Sent => Msg::RunSent,
        RunResult::DoNotContact => Msg::RunDoNotContact,
        RunResult::NoAddress => Msg::RunNoAddress,
        RunResult::NoMember => Msg::RunNoMember,
        RunResult::Failed => Msg::RunFailed,
    }
}

/// What an action does, in a few words.
pub fn action_msg(action: &Action) -> Msg {
    match action {
        Action::CreateTask { .. } => Msg::ActionTaskCreated,
        Action::SetField { .. } => Msg::ActionFieldSet,
        Action::Notify { .. } => Msg::ActionNotified,
        Action::SendMessage {
            via: rabet_domain::model::SendVia::Email,
            ..
        } => Msg::ActionEmail,
        Action::SendMessage { .. } => Msg::ActionSms,
        Action::Webhook { .. } => Msg::ActionWebhook,
    }
}

/// A run's rule by name, linked to Settings › Automation with its log open; words saying
/// it was deleted when it is gone.
#[component]
pub fn RuleLink(rule: Id) -> impl IntoView {
    let locale = use_locale();
    let name = use_workspace()
        .automation_rules
        .with_untracked(|rules| rules.get(&rule).map(|rule| rule.name.clone()));
    match name {
        Some(name) => {
            view! { <A href=format!("/settings?rule={rule}")><bdi>{name}</bdi></A> }.into_any()
        }
        None => view! { <span>{move || locale.t(Msg::RuleDeleted)}</span> }.into_any(),
    }
}

/// Each action of a run: what it was (when its rule is still there), what became of it, the
/// reason it failed, and a prepared message's link.
#[component]
pub fn RunOutcomes(run: AutomationRun) -> impl IntoView {
    let actions: Vec<Action> = use_workspace().automation_rules.with_untracked(|rules| {
        rules
            .get(&run.rule_id)
            .map(|rule| rule.actions.clone())
            .unwrap_or_default()
    });
    run.outcomes
        .into_iter()
        .map(|outcome| {
            let action = actions.get(outcome.action as usize).cloned();
            view! { <Outcome outcome action /> }
        })
        .collect_view()
}

#[component]
fn Outcome(outcome: RunOutcome, action: Option<Action>) -> impl IntoView {
    let locale = use_locale();
    let what = action.as_ref().map(action_msg);
    let via = action.and_then(|action| match action {
        Action::SendMessage { via, .. } => Some(via),
        _ => None,
    });
    let open = via
        .filter(|_| outcome.result == RunResult::Prepared)
        .map(|via| {
            let href = prepared_message_href(via, &outcome.detail, &outcome.subject, &outcome.body);
            view! { " " <a href=href>{move || locale.t(Msg::OpenMessage)}</a> }
        });
    // Why it failed, as the device or server that tried it put it.
    let reason = (outcome.result == RunResult::Failed && !outcome.detail.is_empty())
        .then(|| view! { ": " <bdi class="run-reason">{outcome.detail.clone()}</bdi> });
    let result = outcome.result;
    view! {
        <span class="run-outcome">
            {what.map(|what| view! { {move || locale.t(what)} ": " })}
            {move || locale.t(run_result_msg(result))}
            {reason}
            {open}
        </span>
    }
}
