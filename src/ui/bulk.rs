//! Bulk actions on any list (issue 17): a checkbox per row (click, shift-click for a range),
//! "select all matching" however many match (the selection is described by the filter, not
//! held as ids), and the bar acting on the selection — owner, tags, the kind's stage or
//! status, CSV export, delete — each one write (one transaction, one outbox entry) offered
//! back with Undo. Contacts, companies, deals, tickets and invoices use this one home; what
//! a kind allows is `rabet_domain::bulk::BulkRecord`'s.

use crate::i18n::{counted_phrase, phrase, refusal_msg, use_locale, Counted, Msg};
use crate::local_time::now_ms;
use crate::notice::{use_notices, Notice};
use crate::ui::editing::failure_reporter;
use crate::ui::widgets::Filter;
use crate::workspace::{next_paint, use_workspace, Listed, Workspace};
use leptos::prelude::*;
use rabet_domain::bulk::{undoing, BulkChange, BulkRecord, Selection};
use rabet_domain::id::Id;
use rabet_domain::kind::EntityKind;
use std::marker::PhantomData;

/// A list's selection and the rows it is taken from.
pub struct Bulk<E> {
    /// Kept here: contexts cannot be looked up in event handlers or after an `.await`.
    workspace: Workspace,
    selection: RwSignal<Selection<Id>>,
    /// The rows shown, as positions in the workspace's records of the kind, in the order
    /// shown (all of them, not only those drawn so far).
    shown: Signal<Vec<usize>>,
    /// On a phone, checkboxes show in "Select" mode (or while something is selected).
    select_mode: RwSignal<bool>,
    /// How many records a bulk write is changing, while it runs.
    working: RwSignal<Option<usize>>,
    kind: PhantomData<fn() -> E>,
}

impl<E> Clone for Bulk<E> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<E> Copy for Bulk<E> {}

impl<E: Listed + BulkRecord + 'static> Bulk<E> {
    /// The selection of a list showing `shown`. A selection holds rows shown, so it is
    /// forgotten whenever `filter` (the list's search and filters) changes.
    pub fn new<F: PartialEq + Clone + Send + Sync + 'static>(
        shown: impl Into<Signal<Vec<usize>>>,
        filter: impl Fn() -> F + Send + Sync + 'static,
    ) -> Bulk<E> {
        let bulk = Bulk {
            workspace: use_workspace(),
            selection: RwSignal::new(Selection::default()),
            shown: shown.into(),
            select_mode: RwSignal::new(false),
            working: RwSignal::new(None),
            kind: PhantomData,
        };
        Effect::watch(filter, move |_, _, _| bulk.clear(), false);
        bulk
    }

    pub fn clear(&self) {
        self.selection.update(Selection::clear);
    }

    /// How many rows are selected (tracked).
    fn count(&self) -> usize {
        let shown = self.shown.with(Vec::len);
        self.selection.with(|selection| selection.count(shown))
    }

    /// Whether row checkboxes show on a phone (tracked): the class the list's scope takes.
    pub fn selecting(&self) -> bool {
        self.select_mode.get() || self.count() > 0
    }

    fn click(&self, id: Id, shift: bool) {
        if shift {
            let shown: Vec<Id> = E::collection(&self.workspace).with_untracked(|records| {
                self.shown.with_untracked(|shown| {
                    shown
                        .iter()
                        .map(|&at| records.at(at).id().clone())
                        .collect()
                })
            });
            self.selection
                .update(|selection| selection.extend_to(&shown, id));
        } else {
            self.selection.update(|selection| selection.toggle(id));
        }
    }

    /// Calls `act` with the selected records, in the order shown.
    pub fn with_chosen<T>(&self, act: impl FnOnce(&[&E]) -> T) -> T {
        E::collection(&self.workspace).with_untracked(|records| {
            self.shown.with_untracked(|shown| {
                self.selection.with_untracked(|selection| {
                    let chosen: Vec<&E> = shown
                        .iter()
                        .map(|&at| records.at(at))
                        .filter(|record| selection.contains(record.id()))
                        .collect();
                    act(&chosen)
                })
            })
        })
    }
}

/// A row's checkbox, beside its link.
#[component]
pub fn RowCheck<E: Listed + BulkRecord + 'static>(
    bulk: Bulk<E>,
    id: Id,
    name: String,
) -> impl IntoView {
    let locale = use_locale();
    let checked = {
        let id = id.clone();
        move || bulk.selection.with(|selection| selection.contains(&id))
    };
    view! {
        <label class="row-select">
            <input
                type="checkbox"
                // Names are read in the reader's digits (an invoice's is its number): an
                // attribute cannot be marked as the user's own text.
                aria-label=move || {
                    let name = locale.lang().localize_digits(&name);
                    locale.fill(phrase::SelectRecord { name: &name })
                }
                prop:checked=checked
                on:click=move |ev| bulk.click(id.clone(), ev.shift_key())
            />
        </label>
    }
}

/// The list's selection controls: "select every … shown" and, on phones, "Select".
#[component]
pub fn SelectAll<E: Listed + BulkRecord + 'static>(bulk: Bulk<E>) -> impl IntoView {
    let locale = use_locale();
    let words = BulkWords::of(E::KIND);
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
            {move || locale.t(words.select_all_shown)}
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

/// The words of a list's bulk actions: a contact's own, or those of any other item.
#[derive(Clone, Copy)]
struct BulkWords {
    select_all_shown: Msg,
    actions: Msg,
    nothing: Msg,
    owner: Msg,
    select_all_matching: Counted,
    working: Counted,
    tagged: Counted,
    untagged: Counted,
    owner_set: Counted,
    state_set: Counted,
    deleted: Counted,
    undone: Counted,
}

impl BulkWords {
    fn of(kind: EntityKind) -> BulkWords {
        if kind == EntityKind::Contact {
            return BulkWords {
                select_all_shown: Msg::SelectAllShown,
                actions: Msg::BulkActions,
                nothing: Msg::BulkNothing,
                owner: Msg::Owner,
                select_all_matching: Counted::BulkSelectAllMatching,
                working: Counted::BulkWorking,
                tagged: Counted::BulkTagged,
                untagged: Counted::BulkUntagged,
                owner_set: Counted::BulkOwnerSet,
                state_set: Counted::BulkStageSet,
                deleted: Counted::BulkDeleted,
                undone: Counted::BulkUndone,
            };
        }
        BulkWords {
            select_all_shown: Msg::SelectAllShownItems,
            actions: Msg::BulkActionsItems,
            nothing: Msg::BulkNothingItems,
            owner: match kind {
                EntityKind::Ticket => Msg::AssigneeLabel,
                _ => Msg::Owner,
            },
            select_all_matching: Counted::BulkSelectAllMatchingItems,
            working: Counted::BulkWorkingItems,
            tagged: Counted::BulkTaggedItems,
            untagged: Counted::BulkUntaggedItems,
            owner_set: Counted::BulkOwnerSetItems,
            state_set: Counted::BulkStateSetItems,
            deleted: Counted::BulkDeletedItems,
            undone: Counted::BulkUndoneItems,
        }
    }

    /// What a bulk change says when done.
    fn done<S>(&self, change: &BulkChange<S>) -> Counted {
        match change {
            BulkChange::SetOwner(_) => self.owner_set,
            BulkChange::AddTag(_) => self.tagged,
            BulkChange::RemoveTag(_) => self.untagged,
            BulkChange::SetState(_) => self.state_set,
        }
    }
}

/// The kind's own state a list's bar can set — a contact's lifecycle stage, a deal's stage,
/// a ticket's status: the select's label, its options `(value, words)`, and the state an
/// option's value names.
pub struct StateChoice<S: 'static> {
    pub label: Msg,
    pub button: Msg,
    pub options: Signal<Vec<(String, String)>>,
    pub named: Callback<String, Option<S>>,
    /// What the chosen option asks for beside it, once for every record (a lost stage's
    /// reason), shown in the bar; `named` reads the answer.
    pub asks: Option<Callback<String, AnyView>>,
}

impl<S: Copy + Send + Sync + 'static> StateChoice<S> {
    /// The choice among a stored enum's values (`all`, stored as `key`, read back by
    /// `parse`), each in the reader's words.
    pub fn of_values(
        (label, button): (Msg, Msg),
        all: &'static [S],
        key: fn(S) -> &'static str,
        words: fn(S) -> Msg,
        parse: fn(&str) -> Option<S>,
    ) -> Self {
        let locale = use_locale();
        StateChoice {
            label,
            button,
            options: Signal::derive(move || {
                all.iter()
                    .map(|&value| (key(value).to_owned(), locale.t(words(value)).to_owned()))
                    .collect()
            }),
            named: Callback::new(move |chosen: String| parse(&chosen)),
            asks: None,
        }
    }
}

impl<S> Clone for StateChoice<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for StateChoice<S> {}

/// The actions on the selection; shown while something is selected. `export` saves the
/// selected records as a file (the list knows its columns); `state` is the kind's stage or
/// status, when it has one; `name` names a record the kind refuses to move (an invoice
/// whose status cannot take that step), as its row does.
#[component]
pub fn BulkBar<E>(
    bulk: Bulk<E>,
    #[prop(into)] export: Callback<()>,
    #[prop(optional)] state: Option<StateChoice<E::State>>,
    #[prop(optional)] name: Option<fn(&E) -> String>,
) -> impl IntoView
where
    E: Listed + BulkRecord + 'static,
    E::State: Clone + Send + Sync + 'static,
{
    let locale = use_locale();
    let workspace = use_workspace();
    let notices = use_notices();
    let report = failure_reporter();
    let words = BulkWords::of(E::KIND);
    let tag = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let count = move || bulk.count();
    let all_matching = move || {
        bulk.selection
            .with(|s| matches!(s, Selection::AllMatching { .. }))
    };
    let busy = move || bulk.working.get().is_some();
    let refused = move || workspace.refusal(E::KIND);
    let delete_refused = move || workspace.delete_refusal(E::KIND);

    // Says the count changing, lets it paint, then builds and stores the one write.
    let change = move |change: BulkChange<E::State>| {
        bulk.working.set(Some(count()));
        leptos::task::spawn_local(async move {
            next_paint().await;
            let (edits, refused) = bulk.with_chosen(|chosen| {
                let refused: Vec<String> = change
                    .refused(chosen.iter().copied())
                    .into_iter()
                    .map(|record| name.map(|name| name(record)).unwrap_or_default())
                    .collect();
                (change.edits(chosen.iter().copied(), now_ms()), refused)
            });
            // Said after what was done: the records left as they were, counted and named.
            let refusal = (!refused.is_empty()).then(|| {
                let lang = locale.lang();
                let names: Vec<String> = refused
                    .iter()
                    .filter(|name| !name.is_empty())
                    .map(|name| lang.localize_digits(name))
                    .collect();
                let names = names.join(locale.t(Msg::ListSeparator));
                locale.fill(counted_phrase::BulkRefused {
                    count: refused.len(),
                    names: &names,
                })
            });
            let with_refusal = move |done: String| match &refusal {
                Some(refusal) => format!("{done} {refusal}"),
                None => done,
            };
            if edits.is_empty() {
                bulk.working.set(None);
                notices.show(Notice {
                    text: with_refusal(locale.t(words.nothing).to_owned()),
                    undo: None,
                });
                return;
            }
            let changed = edits.len();
            let written = |record: &E| change.written_fields(record);
            let saved = workspace.save_edits(&edits, written).await;
            bulk.working.set(None);
            if let Err(error) = saved {
                report(&error);
                return;
            }
            let undone = change.clone();
            let undo = Callback::new(move |_| {
                let undoing = undoing(edits.clone());
                let change = undone.clone();
                leptos::task::spawn_local(async move {
                    let written = |record: &E| change.written_fields(record);
                    match workspace.save_edits(&undoing, written).await {
                        Ok(()) => {
                            // The rows come back unselected: a change that emptied the
                            // filtered list left its selection behind.
                            bulk.clear();
                            notices.show(Notice {
                                text: locale.count(words.undone, changed),
                                undo: None,
                            });
                        }
                        Err(error) => report(&error),
                    }
                });
            });
            notices.show(Notice {
                text: with_refusal(locale.count(words.done(&change), changed)),
                undo: Some(undo),
            });
        });
    };
    let delete = move |_| {
        bulk.working.set(Some(count()));
        leptos::task::spawn_local(async move {
            next_paint().await;
            let ids: Vec<Id> =
                bulk.with_chosen(|chosen| chosen.iter().map(|r| r.id().clone()).collect());
            let deleted = workspace.delete_many::<E>(&ids).await;
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
                    match workspace.restore_many::<E>(&ids).await {
                        Ok(()) => notices.show(Notice {
                            text: locale.count(words.undone, ids.len()),
                            undo: None,
                        }),
                        Err(error) => report(&error),
                    }
                });
            });
            notices.show(Notice {
                text: locale.count(words.deleted, count),
                undo: Some(undo),
            });
        });
    };
    let tag_change = move |add: bool| {
        let tag = tag.get_untracked();
        change(match add {
            true => BulkChange::AddTag(tag),
            false => BulkChange::RemoveTag(tag),
        });
    };
    let no_tag = move || tag.with(|tag| tag.trim().is_empty());
    let cannot = move || busy() || refused().is_some();
    let tags = move || {
        E::TAGGED.then(|| view! {
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
        })
    };
    let state_group = move |StateChoice {
                                label,
                                button,
                                options,
                                named,
                                asks,
                            }: StateChoice<E::State>| {
        let chosen = RwSignal::new(String::new());
        // The first option until one is picked.
        let value = move || {
            let picked = chosen.get();
            if picked.is_empty() {
                options.with(|o| {
                    o.first()
                        .map(|(value, _)| value.clone())
                        .unwrap_or_default()
                })
            } else {
                picked
            }
        };
        view! {
            <span class="bulk-group">
                <Filter label=label>
                    <select on:change=move |ev| chosen.set(event_target_value(&ev)) prop:value=value>
                        {move || options.get().into_iter().map(|(value, text)| view! { <option value=value>{text}</option> }).collect_view()}
                    </select>
                </Filter>
                {move || asks.map(|asks| asks.run(value()))}
                <button type="button" class="button" disabled=cannot on:click=move |_| {
                    if let Some(state) = named.run(value()) {
                        change(BulkChange::SetState(state));
                    }
                }>
                    {move || locale.t(button)}
                </button>
            </span>
        }
    };

    view! {
        <Show when=move || { count() > 0 || busy() }>
            <section class="bulk-bar" aria-label=move || locale.t(words.actions)>
                <p class="bulk-count" aria-live="polite">
                    {move || locale.count(Counted::BulkSelected, count())}
                </p>
                <Show when=move || !all_matching()>
                    <button type="button" class="button" on:click=move |_| bulk.selection.update(Selection::select_all_matching)>
                        {move || locale.count(words.select_all_matching, bulk.shown.with(Vec::len))}
                    </button>
                </Show>
                <button type="button" class="button subtle" on:click=move |_| bulk.clear()>
                    {move || locale.t(Msg::ClearSelection)}
                </button>
                {tags}
                <span class="bulk-group">
                    <Filter label=words.owner>
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
                        change(BulkChange::SetOwner(chosen));
                    }>
                        {move || locale.t(Msg::BulkSetOwner)}
                    </button>
                </span>
                {move || state.map(state_group)}
                <button type="button" class="button" disabled=busy on:click=move |_| export.run(())>
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
                        {locale.count(words.working, changing)}
                    </p>
                })}
            </section>
        </Show>
    }
}
