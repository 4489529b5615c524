//! The messages the sync server gave up on, in a rule's log: asked of the server's admin
//! route when online, each with its reason in words; why there are none to show otherwise.

use super::sync_failure;
use crate::{
    i18n::{use_locale, Counted, Msg},
    sync::{use_sync, SyncError, SyncStatus},
    ui::widgets::FailureText,
    workspace::use_workspace,
};
use leptos::{either::Either, prelude::*};
use rabet_domain::{
    id::Id,
    sync::{DeadLetter, DeadLetterReason},
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
        DeadLetterReason::Other => Msg::DeadOther,
    }
}

/// The dead letters of the runs of `rule`.
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
                let mine: Vec<DeadLetter> = all
                    .into_iter()
                    .filter(|letter| runs.contains(&letter.run))
                    .collect();
                Either::Right(view! {
                    <p class="row-sub">{locale.count(Counted::DeadLetters, mine.len())}</p>
                    <ul class="plain">
                        {mine.into_iter().map(|letter| view! { <Letter letter /> }).collect_view()}
                    </ul>
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

fn note(msg: Msg) -> AnyView {
    let locale = use_locale();
    view! { <p class="access-note" role="note">{move || locale.t(msg)}</p> }.into_any()
}

#[component]
fn Letter(letter: DeadLetter) -> impl IntoView {
    let locale = use_locale();
    let reason = reason_msg(letter.reason());
    let via = if letter.via == "sms" {
        Msg::ActionSms
    } else {
        Msg::ActionEmail
    };
    let attempts = letter.attempts as usize;
    view! {
        <li class="dead-letter">
            {move || locale.t(via)}" · "<bdi dir="ltr">{letter.recipient.clone()}</bdi>" · "
            <strong class="dead-reason">{move || locale.t(reason)}</strong>" · "
            {move || locale.count(Counted::Attempts, attempts)}
            <details>
                <summary>{move || locale.t(Msg::DetailsToggle)}</summary>
                <bdi dir="ltr" class="run-reason">{letter.error.clone()}</bdi>
            </details>
        </li>
    }
}
