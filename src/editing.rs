//! Saving records from forms and from one-tap actions (mark done, mark paid, resolve).
//!
//! A form edits a draft: the rules the record breaks show next to their fields, and a failed
//! save (full disk, aborted transaction) says why while everything typed stays in the form.

use crate::{
    i18n::{store_error_msg, use_locale, Msg},
    notice::{use_notices, Notice},
    store::StoreError,
    widgets::field_error,
    workspace::{use_workspace, Listed},
};
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use rabet_domain::{
    id::Id,
    validate::{Validate, ValidationError},
};

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

/// A record being edited in a form.
pub struct Draft<E: Send + Sync + 'static> {
    original: StoredValue<Option<E>>,
    pub record: RwSignal<E>,
    pub errors: RwSignal<Vec<ValidationError>>,
    pub saving: RwSignal<bool>,
    pub failure: RwSignal<Option<Msg>>,
}

impl<E: Send + Sync + 'static> Clone for Draft<E> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<E: Send + Sync + 'static> Copy for Draft<E> {}

impl<E: Listed + Validate> Draft<E> {
    /// Edits `initial`, or a new record made by `fresh`.
    pub fn new(initial: Option<E>, fresh: impl FnOnce() -> E) -> Self {
        Draft {
            record: RwSignal::new(initial.clone().unwrap_or_else(fresh)),
            original: StoredValue::new(initial),
            errors: RwSignal::new(Vec::new()),
            saving: RwSignal::new(false),
            failure: RwSignal::new(None),
        }
    }

    pub fn is_new(&self) -> bool {
        self.original.with_value(Option::is_none)
    }

    /// The first rule broken on `field`, for the field's error line.
    pub fn error(self, field: &'static str) -> Signal<Option<ValidationError>> {
        Signal::derive(field_error(self.errors, field, None))
    }

    /// Saves `record` (the draft as the form finished it) if it breaks no rule; then calls
    /// `on_saved` with it. Otherwise the form stays as it is, with the reasons shown.
    pub fn submit(self, record: E, on_saved: impl FnOnce(E) + 'static) {
        let found = record.validate();
        let valid = found.is_empty();
        self.errors.set(found);
        if !valid {
            self.failure.set(Some(Msg::FixHighlighted));
            return;
        }
        let workspace = use_workspace();
        self.saving.set(true);
        self.failure.set(None);
        let original = self.original.get_value();
        leptos::task::spawn_local(async move {
            let saved = workspace.save(original.as_ref(), record.clone()).await;
            self.saving.set(false);
            match saved {
                Ok(()) => on_saved(record),
                Err(error) => self.failure.set(Some(store_error_msg(&error))),
            }
        });
    }
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
    let mut after = record.clone();
    change(&mut after);
    let workspace = use_workspace();
    let report = failure_reporter();
    leptos::task::spawn_local(async move {
        if let Err(error) = workspace.save(Some(&record), after).await {
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
            text: locale.fill(Msg::Deleted, &[("name", &name)]),
            undo: Some(undo),
        });
    });
}
