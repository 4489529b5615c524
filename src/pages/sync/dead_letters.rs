//! The messages the sync server gave up on, and those it postponed (the quota reached, a
//! failed attempt) with when it tries again, in a rule's log: asked of the server's admin
//! route when online, each reason worded from its stable code; why there are none to show
//! otherwise.

use super::sync_failure;
use crate::{
    i18n::{phrase, use_locale, Counted, Msg},
    local_time::{format_when, use_calendar},
    sync::{use_sync, SyncError, SyncStatus},
    ui::widgets::FailureText,
    workspace::use_workspace,
};
use leptos::{either::Either, prelude::*};
use rabet_domain::{
    id::Id,
    sync::{DeadLetter, DeadLetterReason, LetterState},
};

fn reason_msg(reason: DeadLetterReason) -> Msg {
    match reason {
        DeadLetterReason::DoNotContact => Msg::RunDoNotContact,
        DeadLetterReason::SmtpRefused => Msg::DeadSmtpRefused,
        DeadLetterReason::GatewayError => Msg::DeadGatewayError,
        DeadLetterReason::GatewayUnreachable => Msg::DeadGatewayUnreachable,
        DeadLetterReason::BadAddress => Msg::DeadBadAddress,
        DeadLetterReason::NotConfigured => Msg::DeadNotConfigured,
        DeadLetterReason::WebhookRefused => Msg::DeadWebhookRefused,
        DeadLetterReason::WebhookFailed => Msg::DeadWebhookFailed,
        DeadLetterReason::QuotaReached => Msg::DeadQuotaReached,
        DeadLetterReason::Other => Msg::DeadOther,
    }
}

/// The dead letters of the runs of `rule`, and its messages the server postponed.
#[component]
pub fn DeadLetters(rule: Id) -> impl IntoView {
    let locale = use_locale();
    let sync = use_sync();
    let workspace = use_workspace();
    // Asked again when the device comes back online.
    let online = Memo::new(move |_| !matches!(sync.status.get(), SyncStatus::Offline));
    let letters = LocalResource::new(move || {
        online.track();
        sync.config.track();
        async move { sync.dead_letters().await }
    });
    let runs = move || {
        workspace.automation_runs.with(|runs| {
            runs.naming(&rule)
                .map(|run| run.id.to_string())
                .collect::<Vec<_>>()
        })
    };
    let body = move || {
        if sync.config.with(Option::is_none) {
            return Either::Left(note(Msg::DeadLettersNoServer));
        }
        match letters.get() {
            None => Either::Left(
                view! { <p class="row-sub" aria-busy="true">{move || locale.t(Msg::Loading)}</p> }
                    .into_any(),
            ),
            Some(Err(SyncError::Offline)) => Either::Left(note(Msg::DeadLettersOffline)),
            Some(Err(SyncError::NotAdmin(_))) => Either::Left(note(Msg::DeadLettersAdminOnly)),
            Some(Err(error)) => {
                let failure = Signal::derive(move || Some(sync_failure(locale, &error)));
                Either::Left(view! { <FailureText failure /> }.into_any())
            }
            Some(Ok(all)) => {
                let runs = runs();
                let (dead, postponed): (Vec<DeadLetter>, Vec<DeadLetter>) = all
                    .into_iter()
                    .filter(|letter| runs.contains(&letter.run))
                    .partition(|letter| letter.state == LetterState::Dead);
                let waiting = (!postponed.is_empty()).then(|| {
                    view! {
                        <div class="dead-letters" role="region" aria-label=move || locale.t(Msg::PostponedHeading)>
                            <h4>{move || locale.t(Msg::PostponedHeading)}</h4>
                            <Letters letters=postponed counted=Counted::PostponedLetters />
                        </div>
                    }
                });
                Either::Right(view! {
                    <Letters letters=dead counted=Counted::DeadLetters />
                    {waiting}
                })
            }
        }
    };
    view! {
        <div class="dead-letters" role="region" aria-label=move || locale.t(Msg::DeadLettersHeading)>
            <h4>{move || locale.t(Msg::DeadLettersHeading)}</h4>
            {body}
        </div>
    }
}

/// Letters under their count.
#[component]
fn Letters(letters: Vec<DeadLetter>, counted: Counted) -> impl IntoView {
    let locale = use_locale();
    let count = letters.len();
    view! {
        <p class="row-sub">{move || locale.count(counted, count)}</p>
        <ul class="plain">
            {letters.into_iter().map(|letter| view! { <Letter letter /> }).collect_view()}
        </ul>
    }
}

fn note(msg: Msg) -> AnyView {
    let locale = use_locale();
    view! { <p class="access-note" role="note">{move || locale.t(msg)}</p> }.into_any()
}

#[component]
fn Letter(letter: DeadLetter) -> impl IntoView {
    let locale = use_locale();
    let calendar = use_calendar();
    let reason = reason_msg(letter.reason);
    let via = match letter.via.as_str() {
        "sms" => Msg::ActionSms,
        "webhook" => Msg::ActionWebhook,
        _ => Msg::ActionEmail,
    };
    let attempts = letter.attempts as usize;
    let retry = letter.retry_at.map(|at| {
        let when = move || format_when(at, calendar.get(), locale.lang());
        view! {
            " · "<span class="dead-retry">{move || locale.fill(phrase::PostponedUntil { when: &when() })}</span>
        }
    });
    view! {
        <li class="dead-letter">
            {move || locale.t(via)}" · "<bdi dir="ltr">{letter.recipient.clone()}</bdi>" · "
            <strong class="dead-reason">{move || locale.t(reason)}</strong>" · "
            {move || locale.count(Counted::Attempts, attempts)}
            {retry}
            <details>
                <summary>{move || locale.t(Msg::DetailsToggle)}</summary>
                <bdi dir="ltr" class="run-reason">{letter.error.clone()}</bdi>
            </details>
        </li>
    }
}
