//! Task reminders while Rabet is open: at a task's reminder time, a browser notification (when
//! the user allowed them) and, always, a notice inside the app.
//!
//! A reminder is an instant; one set whole days before the due time is at the same time on the
//! workspace's clock that many days earlier ([`remind_at`]), which across a daylight-saving
//! change is not a multiple of 24 hours.
//!
//! Permission is asked when a reminder is first set, never on load: a prompt out of nowhere
//! is what browsers and people block. Reminders that came due while the app was closed are
//! shown on the next start, if they are recent.

use crate::i18n::phrase;
use crate::{
    i18n::{use_locale, Msg},
    local_time::{days_before, now_ms, DAY_MS, HOUR_MS},
    notice::{use_notices, Notice},
    workspace::use_workspace,
};
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use std::time::Duration;
use web_sys::{Notification, NotificationOptions, NotificationPermission};

/// Until when (Unix ms) reminders have been shown on this device.
const SHOWN_UNTIL_KEY: &str = "rabet.reminders_shown_until";
/// Missed reminders older than this are not shown at start: after a week away, a pile of
/// stale pop-ups helps nobody (the Tasks page lists what is overdue).
const MISSED_WINDOW_MS: i64 = 12 * HOUR_MS;
/// The longest single wait: timers drift while a laptop sleeps, so long waits are re-checked.
const LONGEST_WAIT_MS: i64 = HOUR_MS;

/// When to remind of a task due at `due`, `lead` ms before it: whole days before are the same
/// time of day on the workspace's clock, other leads exact.
pub fn remind_at(due: i64, lead: i64) -> i64 {
    if lead > 0 && lead % DAY_MS == 0 {
        days_before(due, lead / DAY_MS)
    } else {
        due - lead
    }
}

/// The lead a reminder was set with: the inverse of [`remind_at`].
pub fn lead_of(due: i64, remind: i64) -> i64 {
    let days = (due - remind + DAY_MS / 2).div_euclid(DAY_MS);
    if days > 0 && remind == days_before(due, days) {
        days * DAY_MS
    } else {
        due - remind
    }
}

/// Whether this browser can show notifications at all.
fn supported() -> bool {
    js_sys::Reflect::has(&window(), &"Notification".into()).unwrap_or(false)
}

/// Asks for permission to notify, unless the user already answered.
pub fn ask_permission() {
    if supported() && Notification::permission() == NotificationPermission::Default {
        // The answer is read when a reminder fires; if asking fails the in-app notice remains.
        let _ = Notification::request_permission();
    }
}

/// Whether the user blocked notifications (reminders then show inside the app only).
pub fn notifications_blocked() -> bool {
    !supported() || Notification::permission() == NotificationPermission::Denied
}

fn notify(title: &str, body: &str) {
    if supported() && Notification::permission() == NotificationPermission::Granted {
        let options = NotificationOptions::new();
        options.set_body(body);
        // A notification that cannot be shown still has its in-app notice.
        let _ = Notification::new_with_options(title, &options);
    }
}

/// Watches the tasks and shows each reminder when it comes due.
#[component]
pub fn ReminderWatcher() -> impl IntoView {
    let workspace = use_workspace();
    let locale = use_locale();
    let notices = use_notices();
    let wake = RwSignal::new(0_u32);
    let timer = StoredValue::new_local(None::<TimeoutHandle>);
    Effect::new(move |_| {
        wake.track();
        if !workspace.is_ready() {
            return;
        }
        let now = now_ms();
        let shown_until = LocalStorage::get::<i64>(SHOWN_UNTIL_KEY)
            .unwrap_or(now)
            .max(now - MISSED_WINDOW_MS);
        let (due, next) = workspace.tasks.with(|tasks| {
            let open = tasks.iter().filter(|task| !task.is_done());
            let mut due = Vec::new();
            let mut next: Option<i64> = None;
            for task in open {
                match task.remind_at {
                    Some(at) if at > shown_until && at <= now => due.push(task.title.clone()),
                    Some(at) if at > now => next = Some(next.map_or(at, |n| n.min(at))),
                    _ => {}
                }
            }
            (due, next)
        });
        for title in &due {
            notify(title, locale.t(Msg::ReminderBody));
            notices.show(Notice {
                text: locale.fill(phrase::ReminderNotice { title }),
                undo: None,
            });
        }
        // Forgetting this only means a reminder may show twice.
        let _ = LocalStorage::set(SHOWN_UNTIL_KEY, now);
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
        let handle = next.and_then(|at| {
            let wait = (at - now).clamp(0, LONGEST_WAIT_MS) as u64;
            set_timeout_with_handle(
                move || wake.update(|n| *n = n.wrapping_add(1)),
                Duration::from_millis(wait),
            )
            .ok()
        });
        timer.set_value(handle);
    });
}
