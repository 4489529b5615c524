//! A record being edited in a form: the rules it breaks show next to their fields, and a
//! failed save (full disk, aborted transaction) says why while everything typed stays.

use super::field_error::{first_error, FieldError};
use crate::{
    i18n::{store_error_msg, use_locale, Msg},
    workspace::{use_workspace, Listed},
};
use leptos::prelude::*;
use rabet_domain::{kind::EntityKind, validate::Validate};
use std::rc::Rc;

/// A record to save, and what to do once it is saved. Held by the save itself, not by the
/// form's reactive owner, so a form closed while its save is under way is no trouble.
type Submission<E> = (E, Rc<dyn Fn(E)>);

/// The form state every record form keeps.
pub struct Draft<E: Send + Sync + 'static> {
    original: StoredValue<Option<E>>,
    /// The record as the form has it so far.
    pub record: RwSignal<E>,
    /// The fields refused by the last attempt.
    pub errors: RwSignal<Vec<FieldError>>,
    /// Why the last attempt did not save, for the line above the form's buttons.
    pub failure: RwSignal<Option<Msg>>,
    save: Action<Submission<E>, ()>,
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
        let workspace = use_workspace();
        let original = StoredValue::new(initial.clone());
        let failure = RwSignal::new(None);
        let save = Action::new_local(move |(record, on_saved): &Submission<E>| {
            let (record, on_saved) = (record.clone(), Rc::clone(on_saved));
            let original = original.get_value();
            async move {
                match workspace.save(original.as_ref(), record.clone()).await {
                    Ok(()) => on_saved(record),
                    Err(error) => failure.set(Some(store_error_msg(&error))),
                }
            }
        });
        Draft {
            record: RwSignal::new(initial.unwrap_or_else(fresh)),
            original,
            errors: RwSignal::new(Vec::new()),
            failure,
            save,
        }
    }

    /// The kind of record the form writes (what the role must allow).
    pub fn kind(&self) -> EntityKind {
        E::KIND
    }

    pub fn is_new(&self) -> bool {
        self.original.with_value(Option::is_none)
    }

    /// The record as it was before this form, for a form that is editing one.
    pub fn original(&self) -> Option<E> {
        self.original.get_value()
    }

    /// The form's title: `new` for a record being made, `edit` for one being edited.
    pub fn title(self, new: Msg, edit: Msg) -> Signal<&'static str> {
        let locale = use_locale();
        let msg = if self.is_new() { new } else { edit };
        Signal::derive(move || locale.t(msg))
    }

    /// Whether a save is under way.
    pub fn saving(self) -> Signal<bool> {
        self.save.pending().into()
    }

    /// The first error on `field`, for the field's error line.
    pub fn error(self, field: &'static str) -> Signal<Option<FieldError>> {
        first_error(self.errors, field, None)
    }

    /// A getter and setter for one text field of the record.
    pub fn text(
        self,
        get: fn(&E) -> &String,
        set: fn(&mut E, String),
    ) -> (
        impl Fn() -> String + Copy + Send + Sync + 'static,
        impl Fn(String) + Copy + Send + Sync + 'static,
    ) {
        let record = self.record;
        (
            move || record.with(|r| get(r).clone()),
            move |value: String| record.update(|r| set(r, value)),
        )
    }

    /// Shows `errors` (typed text that could not be read, rules broken) and saves nothing.
    pub fn refuse(self, errors: Vec<FieldError>) {
        self.errors.set(errors);
        self.failure.set(Some(Msg::FixHighlighted));
    }

    /// Saves `record` (the draft as the form finished it) if it breaks no rule; then calls
    /// `on_saved` with it. Otherwise the form stays as it is, with the reasons shown.
    pub fn submit(self, record: E, on_saved: impl Fn(E) + 'static) {
        let broken = record.validate();
        if !broken.is_empty() {
            self.refuse(broken.into_iter().map(FieldError::from).collect());
            return;
        }
        self.errors.set(Vec::new());
        self.failure.set(None);
        self.save.dispatch_local((record, Rc::new(on_saved)));
    }
}
