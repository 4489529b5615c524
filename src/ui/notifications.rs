//! In-app notifications from automation rules (issue 22): a bell in the header whose name
//! says how many are unread, opening the list of this device's member's notifications. One
//! opens its record and is marked read (a synced field, so it is read on every device of the
//! member); "Mark all read" marks the rest.

use crate::{
    i18n::{use_locale, Counted, Msg},
    icons::Icon,
    local_time::{format_when, use_calendar},
    sync::{use_sync, SyncEngine},
    ui::{editing::failure_reporter, parties::record_target},
    workspace::{use_workspace, Workspace},
};
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use rabet_domain::model::{Notification, Reader};
use rabet_domain::sorting::sort_by;
use std::cmp::Reverse;

/// This device's member's notifications, newest first: a device that does not sync reads
/// everyone's; one that syncs, those of the team member it syncs as.
fn mine(workspace: Workspace, sync: SyncEngine) -> Vec<Notification> {
    let syncing = sync.config.with(Option::is_some);
    let name = sync
        .session
        .with(|session| session.as_ref().map(|s| s.member.clone()))
        .unwrap_or_default();
    workspace.members.with(|members| {
        let reader = if syncing {
            Reader::of(Some(&name), members.iter())
        } else {
            Reader::Everyone
        };
        workspace.notifications.with(|all| {
            let mut mine: Vec<Notification> =
                all.iter().filter(|n| n.is_for(reader)).cloned().collect();
            sort_by(&mut mine, |a, b| {
                Reverse(a.created_at)
                    .cmp(&Reverse(b.created_at))
                    .then_with(|| a.id.cmp(&b.id))
            });
            mine
        })
    })
}

/// Marks `notifications` read, one write each; a failure is told in a notice.
fn mark_read(workspace: Workspace, notifications: Vec<Notification>) {
    let report = failure_reporter();
    leptos::task::spawn_local(async move {
        let now = js_sys::Date::now() as i64;
        for notification in notifications.into_iter().filter(Notification::is_unread) {
            let read = Notification {
                read_at: Some(now),
                ..notification.clone()
            };
            if let Err(error) = workspace.save(Some(&notification), read).await {
                report(&error);
                return;
            }
        }
    });
}

#[component]
pub fn NotificationBell() -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let sync = use_sync();
    let notifications = Memo::new(move |_| mine(workspace, sync));
    let unread = move || notifications.with(|all| all.iter().filter(|n| n.is_unread()).count());
    let open = RwSignal::new(false);
    let bell = NodeRef::<leptos::html::Button>::new();
    let close = move || {
        open.set(false);
        if let Some(bell) = bell.get_untracked() {
            bell.focus().ok();
        }
    };
    // The button's name carries the count, so a screen reader hears it with the button.
    let name = move || match unread() {
        0 => locale.t(Msg::NotificationsHeading).to_owned(),
        count => locale.count(Counted::NotificationsUnread, count),
    };
    let badge = move || {
        let count = unread();
        (count > 0).then(
            || view! { <span class="bell-count" aria-hidden="true">{locale.number(count)}</span> },
        )
    };
    // Opening a notification goes to its record: the list closes as the page changes.
    let location = use_location();
    Effect::new(move || {
        location.pathname.track();
        location.search.track();
        open.set(false);
    });
    // On the wrapper, so Escape closes the list whether the focus is in it or still on the bell.
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" && open.get_untracked() {
            ev.stop_propagation();
            close();
        }
    };
    let panel = move || {
        open.get().then(|| {
            view! {
                <div id="notifications-panel" class="notifications-panel" role="region"
                    aria-labelledby="notifications-heading">
                    <div class="notifications-head">
                        <h2 id="notifications-heading">{move || locale.t(Msg::NotificationsHeading)}</h2>
                        <button type="button" class="button subtle" disabled=move || unread() == 0
                            on:click=move |_| mark_read(workspace, notifications.get_untracked())>
                            {move || locale.t(Msg::NotificationsMarkAllRead)}
                        </button>
                    </div>
                    <NotificationList notifications />
                </div>
            }
        })
    };
    view! {
        <div class="notifications" on:keydown=on_key>
            <button type="button" class="bell" node_ref=bell aria-label=name
                aria-expanded=move || open.get().to_string() aria-controls="notifications-panel"
                on:click=move |_| open.update(|open| *open = !*open)>
                {Icon::Bell.view()}
                {badge}
            </button>
            {panel}
        </div>
    }
}

#[component]
fn NotificationList(notifications: Memo<Vec<Notification>>) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let calendar = use_calendar();
    move || {
        let all = notifications.get();
        if all.is_empty() {
            return view! { <p class="row-sub">{locale.t(Msg::NotificationsNone)}</p> }.into_any();
        }
        let items = all
            .into_iter()
            .map(|notification| {
                let unread = notification.is_unread();
                let target = notification.record.as_ref().and_then(record_target);
                let when = format_when(notification.created_at, calendar.get(), locale.lang());
                let read = notification.clone();
                let opened = move |_| mark_read(workspace, vec![read.clone()]);
                let state = unread.then(|| {
                    view! { <span class="visually-hidden">{locale.t(Msg::NotificationUnread)}", "</span> }
                });
                let body = view! {
                    {state}
                    <bdi class="notification-text">{notification.text.clone()}</bdi>
                    <span class="row-sub">
                        {target.as_ref().map(|(_, name)| view! { <bdi>{name.clone()}</bdi>" · " })}
                        {when}
                    </span>
                };
                let entry = match target {
                    Some((href, _)) => {
                        view! { <a class="notification" href=href on:click=opened>{body}</a> }.into_any()
                    }
                    // Its record is gone: opening it only marks it read.
                    None => view! { <button type="button" class="notification" on:click=opened>{body}</button> }
                        .into_any(),
                };
                view! { <li class:unread=unread>{entry}</li> }
            })
            .collect_view();
        view! { <ul class="plain notification-list">{items}</ul> }.into_any()
    }
}
