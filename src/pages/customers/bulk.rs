//! Bulk actions on the contacts list: a checkbox per row (click, shift-click for a range),
//! "select all matching" however many match (the selection is described by the filter, not
//! held as ids), and actions on the selection — owner, tags, lifecycle stage, CSV export,
//! delete — each one write (one transaction, one outbox entry) offered back with Undo.

use super::list::contacts_csv_text;
use crate::download::file_saver;
use crate::i18n::{phrase, refusal_msg, stage_msg, use_locale, Counted, Msg};
use crate::local_time::now_ms;
use crate::notice::{use_notices, Notice};
use crate::ui::custom_fields::{reading, shown_definitions};
use crate::ui::editing::failure_reporter;
use crate::ui::widgets::Filter;
use crate::workspace::{next_paint, use_workspace, Collection, Workspace};
use leptos::prelude::*;
use rabet_domain::bulk::{undoing, ContactChange, Selection};
use rabet_domain::custom_field::FieldOwner;
use rabet_domain::export::CustomColumns;
use rabet_domain::id::Id;
use rabet_domain::kind::EntityKind;
use rabet_domain::model::{Contact, LifecycleStage};

/// The contacts list's selection and the rows it is taken from.
#[derive(Clone, Copy)]
pub(super) struct Bulk {
    /// Kept here: contexts cannot be looked up in event handlers or after an `.await`.
    workspace: Workspace,
    selection: RwSignal<Selection<Id>>,
    /// The rows shown, as positions in the workspace's contacts, in the order shown.
    shown: Memo<Vec<usize>>,
    /// On a phone, checkboxes show in "Select" mode (or while something is selected).
    select_mode: RwSignal<bool>,
    /// How many contacts a bulk write is changing, while it runs.
    working: RwSignal<Option<usize>>,
}

impl Bulk {
    pub fn new(shown: Memo<Vec<usize>>) -> Bulk {
        Bulk {
            workspace: use_workspace(),
            selection: RwSignal::new(Selection::default()),
            shown,
            select_mode: RwSignal::new(false),
            working: RwSignal::new(None),
        }
    }

    /// Forgets the selection; the list calls it when its filter changes, so a selection
    /// always holds rows shown.
    pub fn clear(&self) {
        self.selection.update(Selection::clear);
    }

    /// How many rows are selected (tracked).
    fn count(&self) -> usize {
        let shown = self.shown.with(Vec::len);
        self.selection.with(|selection| selection.count(shown))
    }

    /// Whether row checkboxes show on a phone (tracked).
    pub fn selecting(&self) -> bool {
        self.select_mode.get() || self.count() > 0
    }

    fn click(&self, id: Id, shift: bool) {
        if shift {
            let shown: Vec<Id> = self.workspace.contacts.with_untracked(|contacts| {
                self.shown.with_untracked(|shown| {
                    shown.iter().map(|&at| contacts.at(at).id.clone()).collect()
                })
            });
            self.selection
                .update(|selection| selection.extend_to(&shown, id));
        } else {
            self.selection.update(|selection| selection.toggle(id));
        }
    }

    /// Calls `act` with the selected contacts, in the order shown.
    fn with_chosen<T>(&self, act: impl FnOnce(&[&Contact]) -> T) -> T {
        self.workspace
            .contacts
            .with_untracked(|contacts: &Collection<Contact>| {
                self.shown.with_untracked(|shown| {
                    self.selection.with_untracked(|selection| {
                        let chosen: Vec<&Contact> = shown
                            .iter()
                            .map(|&at| contacts.at(at))
                            .filter(|contact| selection.contains(&contact.id))
                            .collect();
                        act(&chosen)
                    })
                })
            })
    }
}

/// A row's checkbox, beside its link.
#[component]
pub(super) fn RowCheck(bulk: Bulk, id: Id, name: String) -> impl IntoView {
    let locale = use_locale();
    let checked = {
        let id = id.clone();
        move || bulk.selection.with(|selection| selection.contains(&id))
    };
    view! {
        <label class="row-select">
            <input
                type="checkbox"
                aria-label=move || locale.fill(phrase::SelectRecord { name: &name })
                prop:checked=checked
                on:click=move |ev| bulk.click(id.clone(), ev.shift_key())
            />
        </label>
    }
}

/// The list's selection controls: "select every contact shown" and, on phones, "Select".
#[component]
pub(super) fn SelectAll(bulk: Bulk) -> impl IntoView {
    let locale = use_locale();
    let shown = move || bulk.shown.with(Vec::len);
    let all = move || bulk.selection.with(|selection| selection.is_all(shown()));
    let some = move || !all() && bulk.count() > 0;
    let choose = move |ev: leptos::ev::Event| {
        if event_target_checked(&ev) {
            bulk.selection.update(Selection::select_all_matching);
        } else {
            bulk.clear();
        }
    };
    view! {
        <label class="select-all">
            <input type="checkbox" prop:checked=all prop:indeterminate=some on:change=choose />
            {move || locale.t(Msg::SelectAllShown)}
        </label>
        <button
            type="button"
            class="button select-mode"
            aria-pressed=move || bulk.select_mode.get().to_string()
            on:click=move |_| bulk.select_mode.update(|on| *on = !*on)
        >
            {move || locale.t(Msg::SelectMode)}
        </button>
    }
}

/// What a bulk change says when done.
fn done_msg(change: &ContactChange) -> Counted {
    match change {
        ContactChange::SetOwner(_) => Counted::BulkOwnerSet,
        ContactChange::AddTag(_) => Counted::BulkTagged,
        ContactChange::RemoveTag(_) => Counted::BulkUntagged,
        ContactChange::SetStage(_) => Counted::BulkStageSet,
    }
}

/// The actions on the selection; shown while something is selected.
#[component]
pub(super) fn BulkBar(bulk: Bulk) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let notices = use_notices();
    let report = failure_reporter();
    let save_file = file_saver();
    // The contacts' custom fields, a column each, as the list's export writes them.
    let export_columns = Memo::new(move |_| (shown_definitions(FieldOwner::Contact), reading()));
    let tag = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let stage = RwSignal::new(LifecycleStage::Customer.as_str().to_owned());
    let count = move || bulk.count();
    let all_matching = move || {
        bulk.selection
            .with(|s| matches!(s, Selection::AllMatching { .. }))
    };
    let busy = move || bulk.working.get().is_some();
    let refused = move || workspace.refusal(EntityKind::Contact);
    let delete_refused = move || workspace.delete_refusal(EntityKind::Contact);

    // Says the count changing, lets it paint, then builds and stores the one write.
    let change = move |change: ContactChange| {
        bulk.working.set(Some(count()));
        leptos::task::spawn_local(async move {
            next_paint().await;
            let edits = bulk.with_chosen(|chosen| change.edits(chosen.iter().copied(), now_ms()));
            if edits.is_empty() {
                bulk.working.set(None);
                notices.show(Notice {
                    text: locale.t(Msg::BulkNothing).into(),
                    undo: None,
                });
                return;
            }
            let changed = edits.len();
            let written = |contact: &Contact| change.written_fields(contact);
            let saved = workspace.save_edits(&edits, written).await;
            bulk.working.set(None);
            if let Err(error) = saved {
                report(&error);
                return;
            }
            let done = done_msg(&change);
            let undo = Callback::new(move |_| {
                let undoing = undoing(edits.clone());
                let change = change.clone();
                leptos::task::spawn_local(async move {
                    let written = |contact: &Contact| change.written_fields(contact);
                    match workspace.save_edits(&undoing, written).await {
                        Ok(()) => notices.show(Notice {
                            text: locale.count(Counted::BulkUndone, changed),
                            undo: None,
                        }),
                        Err(error) => report(&error),
                    }
                });
            });
            notices.show(Notice {
                text: locale.count(done, changed),
                undo: Some(undo),
            });
        });
    };
    let delete = move |_| {
        bulk.working.set(Some(count()));
        leptos::task::spawn_local(async move {
            next_paint().await;
            let ids: Vec<Id> =
                bulk.with_chosen(|chosen| chosen.iter().map(|c| c.id.clone()).collect());
            let deleted = workspace.delete_many::<Contact>(&ids).await;
            bulk.working.set(None);
            if let Err(error) = deleted {
                report(&error);
                return;
            }
            bulk.clear();
            let count = ids.len();
            let undo = Callback::new(move |_| {
                let ids = ids.clone();
                leptos::task::spawn_local(async move {
                    match workspace.restore_many::<Contact>(&ids).await {
                        Ok(()) => notices.show(Notice {
                            text: locale.count(Counted::BulkUndone, ids.len()),
                            undo: None,
                        }),
                        Err(error) => report(&error),
                    }
                });
            });
            notices.show(Notice {
                text: locale.count(Counted::BulkDeleted, count),
                undo: Some(undo),
            });
        });
    };
    let export = move |_| {
        let (fields, reading) = export_columns.get_untracked();
        let columns = CustomColumns {
            fields: &fields,
            reading,
        };
        let text = bulk
            .with_chosen(|chosen| contacts_csv_text(workspace, chosen.iter().copied(), columns));
        save_file("contacts.csv", "text/csv;charset=utf-8", &text);
    };
    let tag_change = move |add: bool| {
        let tag = tag.get_untracked();
        change(match add {
            true => ContactChange::AddTag(tag),
            false => ContactChange::RemoveTag(tag),
        });
    };
    let no_tag = move || tag.with(|tag| tag.trim().is_empty());
    let cannot = move || busy() || refused().is_some();

    view! {
        <Show when=move || { count() > 0 || busy() }>
            <section class="bulk-bar" aria-label=move || locale.t(Msg::BulkActions)>
                <p class="bulk-count" aria-live="polite">
                    {move || locale.count(Counted::BulkSelected, count())}
                </p>
                <Show when=move || !all_matching()>
                    <button type="button" class="button" on:click=move |_| bulk.selection.update(Selection::select_all_matching)>
                        {move || locale.count(Counted::BulkSelectAllMatching, bulk.shown.with(Vec::len))}
                    </button>
                </Show>
                <button type="button" class="button subtle" on:click=move |_| bulk.clear()>
                    {move || locale.t(Msg::ClearSelection)}
                </button>
                <span class="bulk-group">
                    <Filter label=Msg::BulkTag>
                        <input type="text" prop:value=move || tag.get() on:input=move |ev| tag.set(event_target_value(&ev)) />
                    </Filter>
                    <button type="button" class="button" disabled=move || cannot() || no_tag() on:click=move |_| tag_change(true)>
                        {move || locale.t(Msg::BulkAddTag)}
                    </button>
                    <button type="button" class="button" disabled=move || cannot() || no_tag() on:click=move |_| tag_change(false)>
                        {move || locale.t(Msg::BulkRemoveTag)}
                    </button>
                </span>
                <span class="bulk-group">
                    <Filter label=Msg::Owner>
                        <select on:change=move |ev| owner.set(event_target_value(&ev))>
                            <option value="">{move || locale.t(Msg::Unassigned)}</option>
                            {move || workspace.members.with(|members| {
                                members
                                    .iter()
                                    .map(|m| view! { <option value=m.id.to_string()>{m.display_name().to_owned()}</option> })
                                    .collect_view()
                            })}
                        </select>
                    </Filter>
                    <button type="button" class="button" disabled=cannot on:click=move |_| {
                        let chosen = owner.with_untracked(|id| workspace.members.with_untracked(|members| members.find(id).map(|m| m.id.clone())));
                        change(ContactChange::SetOwner(chosen));
                    }>
                        {move || locale.t(Msg::BulkSetOwner)}
                    </button>
                </span>
                <span class="bulk-group">
                    <Filter label=Msg::LifecycleStage>
                        <select on:change=move |ev| stage.set(event_target_value(&ev)) prop:value=move || stage.get()>
                            {LifecycleStage::ALL
                                .iter()
                                .map(|s| view! { <option value=s.as_str()>{move || locale.t(stage_msg(*s))}</option> })
                                .collect_view()}
                        </select>
                    </Filter>
                    <button type="button" class="button" disabled=cannot on:click=move |_| {
                        if let Some(stage) = LifecycleStage::parse(&stage.get_untracked()) {
                            change(ContactChange::SetStage(stage));
                        }
                    }>
                        {move || locale.t(Msg::BulkSetStage)}
                    </button>
                </span>
                <button type="button" class="button" disabled=busy on:click=export>
                    {move || locale.t(Msg::BulkExport)}
                </button>
                <button type="button" class="button danger" disabled=move || busy() || delete_refused().is_some() on:click=delete>
                    {move || locale.t(Msg::BulkDelete)}
                </button>
                {move || delete_refused().map(|refusal| view! {
                    <p class="access-note" role="note">{locale.t(refusal_msg(Some(refusal)))}</p>
                })}
                {move || bulk.working.get().map(|changing| view! {
                    <p class="bulk-working" role="status" aria-busy="true">
                        <progress></progress>
                        {locale.count(Counted::BulkWorking, changing)}
                    </p>
                })}
            </section>
        </Show>
    }
}
