//! Settings → Team access: an admin's view of who syncs — members, their roles and their
//! devices — with invites (a link and its QR code), role changes and revocation, made through
//! the server's admin routes with this device's token. Other roles, and a device that does
//! not sync, are told why they cannot.

use super::{copy_to_clipboard, sync_failure};
use crate::{
    i18n::{access_role_msg, phrase, use_locale, Locale, Msg, Worded},
    local_time::{format_when, use_calendar},
    sync::{use_sync, SyncError},
    ui::{qr::QrImage, widgets::FailureText},
};
use leptos::{either::Either, prelude::*};
use rabet_domain::sync::{DeviceInfo, InviteResponse, MemberInfo, Role};

#[component]
pub fn TeamAccessSection() -> impl IntoView {
    let locale = use_locale();
    let sync = use_sync();
    // Why this device cannot manage the team, if it cannot: a memo, so that a sync which
    // changes nothing does not rebuild the admin's view.
    let refusal = Memo::new(move |_| {
        if sync.config.with(Option::is_none) {
            Some(Msg::TeamAccessConnectFirst)
        } else if sync.session.with(|s| s.as_ref().and_then(|s| s.role)) != Some(Role::Admin) {
            Some(Msg::TeamAccessAdminOnly)
        } else {
            None
        }
    });
    view! {
        <section class="card settings-section" aria-labelledby="team-access-heading">
            <h2 id="team-access-heading">{move || locale.t(Msg::TeamAccessSection)}</h2>
            <p class="field-hint">{move || locale.t(Msg::TeamAccessHint)}</p>
            {move || match refusal.get() {
                Some(msg) => Either::Left(view! {
                    <p class="access-note" role="note">{move || locale.t(msg)}</p>
                }),
                None => Either::Right(view! { <TeamAdmin /> }),
            }}
        </section>
    }
}

/// A failure of a team route in words; what the server said as the detail.
fn team_failure(locale: Locale, error: &SyncError) -> Worded {
    match error {
        SyncError::Refused { reason, .. } => {
            Worded::with_detail(locale.t(Msg::TeamErrRefused), reason.clone())
        }
        other => sync_failure(locale, other),
    }
}

/// What the last change to the team did, or why it failed.
#[derive(Clone, Copy)]
struct Outcome {
    done: RwSignal<Option<String>>,
    failure: RwSignal<Option<Worded>>,
    /// Counts changes, so the team is asked for again after each.
    changes: RwSignal<u32>,
}

impl Outcome {
    fn settle<T>(
        &self,
        locale: Locale,
        result: Result<T, SyncError>,
        done: impl FnOnce() -> String,
    ) {
        match result {
            Ok(_) => {
                self.done.set(Some(done()));
                self.failure.set(None);
            }
            Err(error) => {
                self.done.set(None);
                self.failure.set(Some(team_failure(locale, &error)));
            }
        }
        // Also after a failure: the list shows what the server holds.
        self.changes.update(|count| *count += 1);
    }
}

#[component]
fn TeamAdmin() -> impl IntoView {
    let locale = use_locale();
    let sync = use_sync();
    let outcome = Outcome {
        done: RwSignal::new(None),
        failure: RwSignal::new(None),
        changes: RwSignal::new(0),
    };
    let team = LocalResource::new(move || {
        outcome.changes.get();
        async move { sync.admin_team().await }
    });
    let change_role = Action::new_local(move |(member, role): &(MemberInfo, Role)| {
        let (member, role) = (member.clone(), *role);
        async move {
            let result = sync.change_role(member.id.clone(), role).await;
            outcome.settle(locale, result, || {
                locale.fill(phrase::TeamRoleChanged {
                    name: &member.name,
                    role: locale.t(access_role_msg(role)),
                })
            });
            // This device's own role may be the one changed.
            sync.sync_now();
        }
    });
    let revoke = Action::new_local(move |(member, device): &(MemberInfo, String)| {
        let (name, device) = (member.name.clone(), device.clone());
        async move {
            let result = sync.revoke_device(device).await;
            outcome.settle(locale, result, || {
                locale.fill(phrase::TeamRevoked { name: &name })
            });
        }
    });
    let load_failure = Signal::derive(move || {
        team.get()
            .and_then(Result::err)
            .map(|e| team_failure(locale, &e))
    });
    let members = move || team.get().and_then(Result::ok).unwrap_or_default();
    view! {
        <div class="team-heading">
            <h3>{move || locale.t(Msg::TeamMembersHeading)}</h3>
            <button type="button" class="button"
                on:click=move |_| outcome.changes.update(|count| *count += 1)>
                {move || locale.t(Msg::TeamRefresh)}
            </button>
        </div>
        <FailureText failure=load_failure />
        <FailureText failure=outcome.failure />
        <p role="status">{move || outcome.done.get()}</p>
        <ul class="plain team-members" aria-busy=move || team.get().is_none().to_string()>
            <For
                each=members
                key=|member| {
                    let devices: Vec<_> = member
                        .devices
                        .iter()
                        .map(|d| (d.id.clone(), d.revoked_at_ms, d.last_seen_ms))
                        .collect();
                    (member.id.clone(), member.role, member.name.clone(), devices)
                }
                children=move |member| view! { <MemberRow member change_role revoke /> }
            />
        </ul>
        <InviteForm outcome />
    }
}

#[component]
fn MemberRow(
    member: MemberInfo,
    change_role: Action<(MemberInfo, Role), ()>,
    revoke: Action<(MemberInfo, String), ()>,
) -> impl IntoView {
    let locale = use_locale();
    let sync = use_sync();
    let me = sync
        .session
        .with_untracked(|s| s.as_ref().is_some_and(|s| s.member_id == member.id));
    let role_label = locale.fill(phrase::TeamRoleOf { name: &member.name });
    let chosen = member.clone();
    let choose = move |ev| {
        if let Some(role) = Role::parse(&event_target_value(&ev)) {
            change_role.dispatch((chosen.clone(), role));
        }
    };
    let current = member.role;
    let devices = member
        .devices
        .iter()
        .map(|device| view! { <DeviceRow member=member.clone() device=device.clone() revoke /> })
        .collect_view();
    view! {
        <li class="team-member">
            <div class="team-member-head">
                <bdi class="row-title">{member.name.clone()}</bdi>
                {me.then(|| view! { " " <span class="row-sub">{move || locale.t(Msg::TeamYou)}</span> })}
                <select aria-label=role_label disabled=move || change_role.pending().get() on:change=choose>
                    {Role::ALL.into_iter().map(|role| view! {
                        <option value=role.as_str() selected=role == current>
                            {move || locale.t(access_role_msg(role))}
                        </option>
                    }).collect_view()}
                </select>
            </div>
            <ul class="plain team-devices">{devices}</ul>
        </li>
    }
}

#[component]
fn DeviceRow(
    member: MemberInfo,
    device: DeviceInfo,
    revoke: Action<(MemberInfo, String), ()>,
) -> impl IntoView {
    let locale = use_locale();
    let calendar = use_calendar();
    let when = move |at: i64| format_when(at, calendar.get(), locale.lang());
    let added = device.created_at_ms;
    let seen = device.last_seen_ms;
    let state = match device.revoked_at_ms {
        Some(at) => Either::Left(view! {
            <span class="team-device-revoked">
                {move || locale.fill(phrase::TeamDeviceRevoked { when: &when(at) })}
            </span>
        }),
        None => {
            let label = locale.fill(phrase::TeamRevokeDevice {
                name: &member.name,
                id: &device.id,
            });
            let confirm = locale.fill(phrase::TeamRevokeConfirm { name: &member.name });
            let id = device.id.clone();
            let ask = move |_| {
                if window().confirm_with_message(&confirm).unwrap_or(false) {
                    revoke.dispatch((member.clone(), id.clone()));
                }
            };
            Either::Right(view! {
                <button type="button" class="button danger" aria-label=label
                    disabled=move || revoke.pending().get() on:click=ask>
                    {move || locale.t(Msg::TeamRevoke)}
                </button>
            })
        }
    };
    view! {
        <li class="team-device">
            <span>
                <bdi dir="ltr">{move || locale.fill(phrase::TeamDevice { id: &device.id })}</bdi>
                " · "
                {move || locale.fill(phrase::TeamDeviceAdded { when: &when(added) })}
                " · "
                {move || match seen {
                    Some(at) => locale.fill(phrase::TeamDeviceSeen { when: &when(at) }),
                    None => locale.t(Msg::TeamDeviceNeverSeen).to_owned(),
                }}
            </span>
            {state}
        </li>
    }
}

#[component]
fn InviteForm(outcome: Outcome) -> impl IntoView {
    let locale = use_locale();
    let sync = use_sync();
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Member);
    let invite = Action::new_local(move |(name, role): &(String, Role)| {
        let (name, role) = (name.clone(), *role);
        async move { sync.invite(name, role).await }
    });
    Effect::new(move |_| {
        if invite.value().with(|done| matches!(done, Some(Ok(_)))) {
            name.set(String::new());
            outcome.changes.update(|count| *count += 1);
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = name.get_untracked().trim().to_owned();
        if !typed.is_empty() {
            invite.dispatch((typed, role.get_untracked()));
        }
    };
    let answer = move || {
        invite.value().get().map(|answer| match answer {
            Ok(invited) => Either::Left(view! { <InviteCard invited /> }),
            Err(error) => Either::Right(view! {
                <FailureText failure=Signal::stored(Some(team_failure(locale, &error))) />
            }),
        })
    };
    view! {
        <h3>{move || locale.t(Msg::TeamInviteHeading)}</h3>
        <form class="form-grid" on:submit=submit>
            <label class="field">
                <span class="field-label">{move || locale.t(Msg::MemberName)}</span>
                <input type="text" required bind:value=name />
            </label>
            <label class="field">
                <span class="field-label">{move || locale.t(Msg::Role)}</span>
                <select on:change=move |ev| {
                    if let Some(chosen) = Role::parse(&event_target_value(&ev)) {
                        role.set(chosen);
                    }
                }>
                    {Role::ALL.into_iter().map(|r| view! {
                        <option value=r.as_str() selected=move || role.get() == r>
                            {move || locale.t(access_role_msg(r))}
                        </option>
                    }).collect_view()}
                </select>
            </label>
            <div class="form-actions">
                <button type="submit" class="button primary"
                    disabled=move || invite.pending().get()
                    aria-busy=move || invite.pending().get().to_string()>
                    {move || locale.t(if invite.pending().get() { Msg::TeamInviting } else { Msg::TeamInvite })}
                </button>
            </div>
        </form>
        {answer}
    }
}

/// A new member's invite: the link, to copy, and its QR code, to scan with their phone.
#[component]
fn InviteCard(invited: InviteResponse) -> impl IntoView {
    let locale = use_locale();
    let name = invited.member.name;
    let link = invited.invite_link.unwrap_or_default();
    let heading = locale.fill(phrase::TeamInviteFor { name: &name });
    let qr_label = locale.fill(phrase::TeamInviteQr { name: &name });
    let copied = RwSignal::new(None::<Msg>);
    let text = link.clone();
    let copy = move |_| {
        let text = text.clone();
        leptos::task::spawn_local(async move {
            copied.set(Some(if copy_to_clipboard(&text).await {
                Msg::TeamCopied
            } else {
                Msg::TeamCopyFailed
            }));
        });
    };
    view! {
        <div class="invite-card" role="group" aria-labelledby="invite-heading">
            <h4 id="invite-heading">{heading}</h4>
            <p class="field-hint">{move || locale.t(Msg::TeamInviteHint)}</p>
            <label class="field">
                <span class="field-label">{move || locale.t(Msg::TeamInviteLink)}</span>
                <input type="text" readonly dir="ltr" prop:value=link.clone() />
            </label>
            <div class="form-actions">
                <button type="button" class="button" on:click=copy>
                    {move || locale.t(Msg::TeamCopyLink)}
                </button>
                <span role="status">{move || copied.get().map(|msg| locale.t(msg))}</span>
            </div>
            <QrImage text=link label=qr_label />
        </div>
    }
}
