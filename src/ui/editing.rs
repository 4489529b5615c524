//! Saving one-tap changes (mark done, mark paid, resolve) and deletions, with failures shown in
//! a notice, and the team member forms start with. Forms save through `ui::draft`.

use crate::i18n::phrase;
use crate::{
    i18n::{store_error_msg, use_locale},
    notice::{use_notices, Notice},
    store::StoreError,
    workspace::{use_workspace, Listed},
};
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use rabet_domain::id::Id;

/// The team member this device last picked as author or assignee, so the next form starts
/// with them (Rabet has no sign-in to say who "me" is).
const LAST_MEMBER_KEY: &str = "rabet.last_member";

pub fn remembered_member() -> Option<Id> {
    LocalStorage::get::<String>(LAST_MEMBER_KEY)
        .ok()
        .and_then(|id| Id::find(&id))
}

pub fn remember_member(id: Option<&Id>) {
    // Losing this convenience (private mode, full disk) must not stop the save.
    let _ = match id {
        Some(id) => LocalStorage::set(LAST_MEMBER_KEY, id.to_string()),
        None => {
            LocalStorage::delete(LAST_MEMBER_KEY);
            Ok(())
        }
    };
}

/// What reports a failed write in a notice. Made where the contexts are at hand, so that it
/// can be used after an `.await`, where they are not.
pub fn failure_reporter() -> impl Fn(&StoreError) + Copy + 'static {
    let locale = use_locale();
    let notices = use_notices();
    move |error| {
        notices.show(Notice {
            text: locale.t(store_error_msg(error)).into(),
            undo: None,
        })
    }
}

/// Saves a one-tap change to a stored record; says so in a notice if it fails (the record in
/// memory then stays as it was).
pub fn save_change<E: Listed>(record: E, change: impl FnOnce(&mut E)) {
    save_change_marking(record, None, change);
}

/// [`save_change`], with `saving` true until the change is stored (a control shows itself
/// busy meanwhile, as a reload then would lose the change).
pub fn save_change_marking<E: Listed>(
    record: E,
    saving: Option<RwSignal<bool>>,
    change: impl FnOnce(&mut E),
) {
    let mut after = record.clone();
    change(&mut after);
    let workspace = use_workspace();
    let report = failure_reporter();
    if let Some(saving) = saving {
        saving.set(true);
    }
    leptos::task::spawn_local(async move {
        let saved = workspace.save(Some(&record), after).await;
        if let Some(saving) = saving {
            saving.set(false);
        }
        if let Err(error) = saved {
            report(&error);
        }
    });
}

/// Deletes a record, then calls `on_deleted` and offers to undo in a notice naming it.
pub fn delete_with_undo<E: Listed>(record: E, name: String, on_deleted: impl FnOnce() + 'static) {
    let workspace = use_workspace();
    let locale = use_locale();
    let notices = use_notices();
    let report = failure_reporter();
    leptos::task::spawn_local(async move {
        if let Err(error) = workspace.delete::<E>(record.id()).await {
            report(&error);
            return;
        }
        on_deleted();
        let undo = Callback::new(move |_| {
            let record = record.clone();
            leptos::task::spawn_local(async move {
                if let Err(error) = workspace.restore(record).await {
                    report(&error);
                }
            });
        });
        notices.show(Notice {
            text: locale.fill(phrase::Deleted { name: &name }),
            undo: Some(undo),
        });
    });
}
