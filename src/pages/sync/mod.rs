//! Sync in the UI: the settings section (server and token, or stop), the page an invite link
//! opens, and the status indicator the shell always shows; the team's access (`team`) and
//! what a revoked device shows (`revoked`).

mod dead_letters;
mod revoked;
mod team;

pub use dead_letters::DeadLetters;
pub use revoked::RevokedNotice;
pub use team::TeamAccessSection;

use crate::i18n::{counted_phrase, phrase};
use crate::{
    i18n::{
        access_role_msg, kind_msg, refusal_msg, store_error_msg, use_locale, Locale, Msg, Worded,
    },
    icons::Icon,
    local_time::{format_when, use_calendar},
    store::NotAccepted,
    sync::{use_sync, SyncConfig, SyncError, SyncStatus},
    ui::widgets::FailureText,
};
use leptos::{either::Either, prelude::*};
use leptos_router::hooks::use_navigate;
use rabet_domain::sync::SessionInfo;

/// Connect to a server, or see the connection and stop it.
#[component]
pub fn SyncSection() -> impl IntoView {
    let locale = use_locale();
    let sync = use_sync();
    // A memo, so a load that finds no settings does not redraw the form and lose typing.
    let config = Memo::new(move |_| sync.config.get());
    view! {
        <section class="card settings-section" aria-labelledby="sync-heading">
            <h2 id="sync-heading">{move || locale.t(Msg::SyncSection)}</h2>
            <p class="field-hint">{move || locale.t(Msg::SyncIntro)}</p>
            {move || match config.get() {
                None => view! { <ConnectForm /> }.into_any(),
                Some(config) => view! { <Connected config /> }.into_any(),
            }}
        </section>
        <NotAcceptedList />
    }
}

/// Server address and token, checked with the server before they are kept.
#[component]
fn ConnectForm() -> impl IntoView {
    let locale = use_locale();
    let sync = use_sync();
    // Settings are stored with the workspace, which must be open and its settings read first.
    let ready = move || sync.is_ready();
    let server = RwSignal::new(default_server());
    let token = RwSignal::new(String::new());
    let connect = Action::new_local(move |config: &SyncConfig| {
        let config = config.clone();
        async move { sync.connect(config).await.map(drop) }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        connect.dispatch(SyncConfig {
            server: server.get_untracked().trim().to_owned(),
            token: token.get_untracked().trim().to_owned(),
        });
    };
    let failure = move || {
        connect.value().get().and_then(Result::err).map(|error| {
            view! { <FailureText failure=Signal::stored(Some(sync_failure(locale, &error))) /> }
        })
    };
    view! {
        <form class="form-grid" on:submit=submit>
            <label class="field">
                <span class="field-label">{move || locale.t(Msg::SyncServer)}</span>
                <input type="url" required dir="ltr" bind:value=server placeholder="https://" />
            </label>
            <label class="field">
                <span class="field-label">{move || locale.t(Msg::SyncToken)}</span>
                <input type="password" required dir="ltr" autocomplete="off" bind:value=token />
            </label>
            {failure}
            <div class="form-actions">
                <button
                    type="submit"
                    class="button primary"
                    disabled=move || connect.pending().get() || !ready()
                    aria-busy=move || (connect.pending().get() || !ready()).to_string()
                >
                    {move || locale.t(if connect.pending().get() { Msg::SyncConnecting } else { Msg::SyncConnect })}
                </button>
            </div>
        </form>
    }
}

#[component]
fn Connected(config: SyncConfig) -> impl IntoView {
    let locale = use_locale();
    let sync = use_sync();
    let stop = Action::new_local(move |_: &()| async move { sync.disconnect().await });
    let who = move || {
        sync.session.get().map(|info| {
            locale.fill(phrase::SyncConnectedAs {
                member: &info.member,
                workspace: workspace_name(&info),
            })
        })
    };
    let failure = move || {
        stop.value().get().and_then(Result::err).map(|error| {
            view! { <FailureText failure=Signal::stored(Some(sync_failure(locale, &error))) /> }
        })
    };
    let role = move || {
        sync.session.get().and_then(|info| info.role).map(|role| {
            locale.fill(phrase::AccessYourRole {
                role: locale.t(access_role_msg(role)),
            })
        })
    };
    view! {
        <p>{who}</p>
        <p class="sync-role">{role}</p>
        <p dir="ltr" class="sync-server">{config.server}</p>
        {failure}
        <div class="form-actions">
            <button type="button" class="button danger" on:click=move |_| { stop.dispatch(()); }>
                {move || locale.t(Msg::SyncStop)}
            </button>
        </div>
    }
}

/// Where an invite link (`/join#server=…&token=…`) lands: says what joining means, then
/// connects on the user's word. The token travels in the fragment, which browsers never send
/// to a server.
#[component]
pub fn Join() -> impl IntoView {
    let locale = use_locale();
    let sync = use_sync();
    let navigate = use_navigate();
    let invite = window()
        .location()
        .hash()
        .ok()
        .and_then(|hash| SyncConfig::from_invite(&hash));
    let join = Action::new_local(move |config: &SyncConfig| {
        let config = config.clone();
        async move { sync.connect(config).await.map(drop) }
    });
    Effect::new(move |_| {
        if matches!(join.value().get(), Some(Ok(()))) {
            navigate("/settings", Default::default());
        }
    });
    let body = match invite {
        None => view! { <p role="alert">{move || locale.t(Msg::JoinInvalid)}</p> }.into_any(),
        Some(config) => {
            let server = config.server.clone();
            let failure = move || {
                join.value().get().and_then(Result::err).map(|error| {
                    view! { <FailureText failure=Signal::stored(Some(sync_failure(locale, &error))) /> }
                })
            };
            view! {
                <p>{move || locale.t(Msg::JoinExplain)}</p>
                <p dir="ltr" class="sync-server">{server}</p>
                {failure}
                // Waits, visibly, until the workspace and its sync settings are read: a tap
                // before would be lost (the settings read would undo the connection).
                <button
                    type="button"
                    class="button primary"
                    disabled=move || join.pending().get() || !sync.is_ready()
                    aria-busy=move || (join.pending().get() || !sync.is_ready()).to_string()
                    on:click=move |_| { join.dispatch(config.clone()); }
                >
                    {move || locale.t(Msg::JoinConfirm)}
                </button>
            }
            .into_any()
        }
    };
    view! {
        <crate::ui::PageHeader title=Msg::JoinTitle intro=Msg::SyncIntro />
        <section class="card settings-section">{body}</section>
    }
}

/// Offline, syncing, up to date or failed (with the reason), and how many changes wait.
#[component]
pub fn SyncIndicator() -> impl IntoView {
    let locale = use_locale();
    let sync = use_sync();
    let state = move || match sync.status.get() {
        SyncStatus::Off => ("off", locale.t(Msg::SyncOff).to_owned()),
        SyncStatus::Offline => ("offline", locale.t(Msg::SyncOffline).to_owned()),
        SyncStatus::Syncing => ("busy", locale.t(Msg::SyncSyncing).to_owned()),
        SyncStatus::Joining {
            customers,
            done,
            total,
        } => {
            let done = &locale.number(usize::try_from(done).unwrap_or(usize::MAX));
            let total = usize::try_from(total).unwrap_or(usize::MAX);
            let text = if customers {
                locale.fill(counted_phrase::JoinCustomers { total, done })
            } else {
                locale.fill(counted_phrase::JoinOthers { total, done })
            };
            ("busy", text)
        }
        SyncStatus::UpToDate(_) => ("ok", locale.t(Msg::SyncUpToDate).to_owned()),
        SyncStatus::Failed(error) => ("error", sync_error_text(locale, &error)),
    };
    let pending = move || {
        let count = sync.pending.get();
        (count > 0 && sync.config.with(Option::is_some)).then(|| {
            locale.fill(phrase::SyncPending {
                count: &locale.number(count),
            })
        })
    };
    let not_accepted = move || {
        let count = sync.not_accepted.get();
        (count > 0).then(|| {
            let text = locale.fill(phrase::NotAcceptedPending {
                count: &locale.number(count),
            });
            view! { " · " <a class="sync-refused" href="/settings#not-accepted">{text}</a> }
        })
    };
    let connected = move || sync.config.with(Option::is_some);
    // When the last sync finished, for tests and tooling that wait for a fresh one.
    let synced_at = move || match sync.status.get() {
        SyncStatus::UpToDate(at) => Some(at.to_string()),
        _ => None,
    };
    view! {
        <span
            class="sync-status"
            data-state=move || state().0
            data-synced-at=synced_at
            role="status"
            aria-live="polite"
        >
            <span class="sync-dot" aria-hidden="true"></span>
            <span class="sync-text">{move || state().1}</span>
            {move || pending().map(|text| view! { " · " <span class="sync-pending">{text}</span> })}
        </span>
        {not_accepted}
        <Show when=connected>
            <button
                type="button"
                class="icon-button sync-now"
                aria-label=move || locale.t(Msg::SyncNow)
                title=move || locale.t(Msg::SyncNow)
                disabled=move || {
                    sync.status.with(|s| matches!(s, SyncStatus::Syncing | SyncStatus::Joining { .. }))
                }
                on:click=move |_| sync.sync_now()
            >
                {Icon::Refresh.view()}
            </button>
        </Show>
    }
}

fn sync_error_text(locale: Locale, error: &SyncError) -> String {
    sync_failure(locale, error).text
}

/// A sync failure in words; what the server said, in its own words, as the detail.
pub(crate) fn sync_failure(locale: Locale, error: &SyncError) -> Worded {
    let msg = match error {
        SyncError::BadUrl => Msg::SyncErrBadUrl,
        SyncError::Unreachable => Msg::SyncErrUnreachable,
        SyncError::Unauthorized => Msg::SyncErrUnauthorized,
        SyncError::Revoked => Msg::SyncErrRevoked,
        SyncError::Offline => Msg::TeamErrOffline,
        SyncError::NotAdmin(reason) => {
            return Worded::with_detail(locale.t(Msg::TeamErrNotAdmin), reason.clone());
        }
        SyncError::Forbidden { reason, .. } => {
            return Worded::with_detail(locale.t(Msg::SyncErrForbidden), reason.clone());
        }
        SyncError::RateLimited => Msg::SyncErrRateLimited,
        SyncError::SnapshotNeeded => Msg::SyncErrSnapshotNeeded,
        SyncError::Refused { reason, .. } | SyncError::Server { reason, .. } => {
            return Worded::with_detail(locale.t(Msg::SyncErrServer), reason.clone());
        }
        SyncError::BadAnswer(detail) => {
            return Worded::with_detail(locale.t(Msg::SyncErrBadAnswer), detail.clone());
        }
        SyncError::Store(error) => store_error_msg(error),
    };
    Worded::plain(locale.t(msg))
}

/// A workspace's name, or its id from a server that sends no name.
fn workspace_name(info: &SessionInfo) -> &str {
    if info.workspace_name.is_empty() {
        &info.workspace
    } else {
        &info.workspace_name
    }
}

/// The app's own origin: when the server also serves the app, that is the sync server.
fn default_server() -> String {
    window().location().origin().unwrap_or_default()
}

/// Writes the server refused for this member's role: what each changed, why, and a way to
/// copy it before discarding it. Shown only while there are some.
#[component]
fn NotAcceptedList() -> impl IntoView {
    let locale = use_locale();
    let sync = use_sync();
    let list = LocalResource::new(move || {
        sync.not_accepted.get();
        async move { sync.list_not_accepted().await }
    });
    let discard = Action::new_local(move |key: &String| {
        let key = key.clone();
        async move { sync.discard_not_accepted(key).await }
    });
    let failure = move || {
        let read = list.get().and_then(Result::err);
        let discarded = discard.value().get().and_then(Result::err);
        read.or(discarded).map(|error| {
            view! { <FailureText failure=Signal::stored(Some(sync_failure(locale, &error))) /> }
        })
    };
    let entries = move || list.get().and_then(Result::ok).unwrap_or_default();
    let shown = move || sync.not_accepted.get() != 0 || failure().is_some();
    view! {
        <Show when=shown>
            <section
                id="not-accepted"
                class="card settings-section"
                aria-labelledby="not-accepted-heading"
            >
                <h2 id="not-accepted-heading">{move || locale.t(Msg::NotAcceptedHeading)}</h2>
                <p class="field-hint">{move || locale.t(Msg::NotAcceptedIntro)}</p>
                {failure}
                <ul class="not-accepted">
                    <For
                        each=entries
                        key=|entry| entry.key().map(ToString::to_string)
                        children=move |entry| view! { <NotAcceptedEntry entry discard /> }
                    />
                </ul>
            </section>
        </Show>
    }
}

#[component]
fn NotAcceptedEntry(
    entry: NotAccepted,
    discard: Action<String, Result<(), SyncError>>,
) -> impl IntoView {
    let locale = use_locale();
    let calendar = use_calendar();
    let key = entry.key().map(ToString::to_string).unwrap_or_default();
    let kind = entry.ops.first().map(|op| op.entity);
    let refused_at = entry.refused_at as i64;
    let what = move || {
        let when = format_when(refused_at, calendar.get(), locale.lang());
        let kind = kind.map_or("", |kind| locale.t(kind_msg(kind)));
        locale.fill(phrase::NotAcceptedWhat { kind, when: &when })
    };
    let refusal = entry.refusal;
    let changes = entry
        .ops
        .iter()
        .map(|op| {
            let value = if op.field == rabet_domain::op::DELETED_FIELD {
                let msg = if op.deletes() {
                    Msg::NotAcceptedDeletion
                } else {
                    Msg::NotAcceptedRestored
                };
                Either::Left(move || locale.t(msg))
            } else {
                Either::Right(format!("{}: {}", op.field, op.value))
            };
            view! { <li dir="auto">{value}</li> }
        })
        .collect_view();
    let copied = RwSignal::new(None::<Msg>);
    let text = copy_text(&entry);
    let copy = move |_| {
        let text = text.clone();
        leptos::task::spawn_local(async move {
            copied.set(Some(if copy_to_clipboard(&text).await {
                Msg::NotAcceptedCopied
            } else {
                Msg::NotAcceptedCopyFailed
            }));
        });
    };
    view! {
        <li class="not-accepted-entry">
            <p class="not-accepted-what">{what}</p>
            <p class="not-accepted-why">{move || locale.t(refusal_msg(refusal))}</p>
            <ul class="not-accepted-changes">{changes}</ul>
            <div class="form-actions">
                <button type="button" class="button" on:click=copy>
                    {move || locale.t(Msg::NotAcceptedCopy)}
                </button>
                <button
                    type="button"
                    class="button danger"
                    disabled=move || discard.pending().get()
                    on:click=move |_| { discard.dispatch(key.clone()); }
                >
                    {move || locale.t(Msg::NotAcceptedDiscard)}
                </button>
                <span role="status">{move || copied.get().map(|msg| locale.t(msg))}</span>
            </div>
        </li>
    }
}

/// A refused write as text to paste elsewhere: its record, then each field and value.
fn copy_text(entry: &NotAccepted) -> String {
    let mut lines = Vec::new();
    if let Some(op) = entry.ops.first() {
        lines.push(format!("{} {}", op.entity.as_str(), op.record));
    }
    lines.extend(
        entry
            .ops
            .iter()
            .map(|op| format!("{}: {}", op.field, op.value)),
    );
    lines.join("\n")
}

/// Puts `text` on the clipboard; whether the browser allowed it.
async fn copy_to_clipboard(text: &str) -> bool {
    let clipboard = window().navigator().clipboard();
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text))
        .await
        .is_ok()
}
