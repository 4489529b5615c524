//! Custom fields in every list (contacts, companies, the deals table, tickets): optional
//! columns, a sort by any of them, and a filter per choice or checkbox field. A saved view
//! keeps all three (`ListColumns`), so a shared view shows a teammate the same columns; with
//! no view, the columns are the ones chosen on this device.

use crate::{
    i18n::{use_locale, Msg},
    ui::custom_fields::{shown_definitions, value_words},
    ui::saved_views::ViewState,
    ui::widgets::Filter,
};
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use rabet_domain::{
    custom_field::{
        CustomSortKey, CustomValues, FieldDefinition, FieldOwner, FieldType, ListColumns,
    },
    locale::Lang,
    model::encode_state,
};
use std::collections::BTreeMap;

/// What a list shows, sorts and filters of its custom fields.
#[derive(Clone, Copy)]
pub struct CustomListState {
    owner: FieldOwner,
    /// The ids of the definitions shown as columns.
    columns: RwSignal<Vec<String>>,
    /// Where the choice is remembered on this device.
    key: &'static str,
    /// Whether the columns shown are a saved view's: changing them then changes what the view
    /// would save, not this device's own choice.
    from_view: RwSignal<bool>,
    /// The option each filtered field must hold, by definition id.
    filters: RwSignal<BTreeMap<String, String>>,
    /// The definition id the list is sorted by, which wins over the list's own sort.
    sort: RwSignal<Option<String>>,
}

/// A sort option's value for a custom field.
const SORT_PREFIX: &str = "cf:";

impl CustomListState {
    /// The state of a list whose columns are remembered under `key`.
    pub fn new(owner: FieldOwner, key: &'static str) -> Self {
        CustomListState {
            owner,
            columns: RwSignal::new(LocalStorage::get(key).unwrap_or_default()),
            key,
            from_view: RwSignal::new(false),
            filters: RwSignal::new(BTreeMap::new()),
            sort: RwSignal::new(None),
        }
    }

    /// Sorts by the field a sort select's `value` names and says so; any other value (one
    /// of the list's own orders) ends the sort by a field.
    pub fn choose_sort(&self, value: &str) -> bool {
        let field = value.strip_prefix(SORT_PREFIX).map(str::to_owned);
        let named = field.is_some();
        self.sort.set(field);
        named
    }

    /// The sort select's value while sorted by a field (tracked).
    pub fn sort_value(&self) -> Option<String> {
        self.sort.get().map(|id| format!("{SORT_PREFIX}{id}"))
    }

    /// The field the list is sorted by, while it is shown (tracked).
    pub fn sort_field(&self) -> Option<FieldDefinition> {
        let id = self.sort.get()?;
        shown_definitions(self.owner)
            .into_iter()
            .find(|definition| definition.id.to_string() == id)
    }

    /// What the list's selection depends on beside its own filters (tracked).
    pub fn filter_key(&self) -> BTreeMap<String, String> {
        self.filters.get()
    }

    /// Whether a record with `values` passes the filters (tracked).
    pub fn admits(&self) -> impl Fn(&CustomValues) -> bool {
        let filters = self.active_filters();
        move |values| admit(&filters, values)
    }

    /// The key a record with `values` sorts by, while sorted by a field (tracked).
    pub fn sort_key(&self) -> Option<impl Fn(&CustomValues) -> CustomSortKey> {
        let field = self.sort_field()?;
        Some(move |values: &CustomValues| field.sort_key(values))
    }

    fn choose_columns(&self, columns: Vec<String>) {
        if !self.from_view.get_untracked() {
            // Losing the choice (private mode, full disk) must not stop the list showing it.
            let _ = LocalStorage::set(self.key, &columns);
        }
        self.columns.set(columns);
    }

    /// The shown definitions chosen as columns, in order (tracked).
    fn chosen(&self) -> Vec<FieldDefinition> {
        let columns = self.columns.get();
        shown_definitions(self.owner)
            .into_iter()
            .filter(|definition| columns.contains(&definition.id.to_string()))
            .collect()
    }

    /// The chosen columns with the words of `values` in each, if it holds one (tracked).
    fn chosen_words(&self, values: &CustomValues) -> Vec<(FieldDefinition, Option<String>)> {
        self.chosen()
            .into_iter()
            .map(|definition| {
                let words = values
                    .get(&definition)
                    .map(|value| value_words(&definition, &value));
                (definition, words)
            })
            .collect()
    }

    /// The filters in force, with their definitions (tracked).
    pub fn active_filters(&self) -> Vec<(FieldDefinition, String)> {
        let filters = self.filters.get();
        shown_definitions(self.owner)
            .into_iter()
            .filter_map(|definition| {
                let wanted = filters.get(&definition.id.to_string())?.clone();
                Some((definition, wanted))
            })
            .collect()
    }

    /// The sort options the custom fields add: `(value, label)`.
    fn sort_options(&self) -> Vec<(String, String)> {
        let lang = use_locale().lang();
        shown_definitions(self.owner)
            .into_iter()
            .map(|definition| {
                (
                    format!("{SORT_PREFIX}{}", definition.id),
                    definition.label(lang).to_owned(),
                )
            })
            .collect()
    }
}

impl ViewState for CustomListState {
    fn encode(&self) -> String {
        let state = ListColumns {
            columns: Some(self.columns.get_untracked()),
            sort: self.sort.get_untracked(),
            filters: self.filters.get_untracked(),
        };
        let pairs = state.pairs();
        encode_state(
            pairs
                .iter()
                .map(|(key, value)| (key.as_str(), value.as_str())),
        )
    }

    fn apply(&self, pairs: &[(String, String)]) {
        let state = ListColumns::from_pairs(pairs);
        self.from_view.set(state.columns.is_some());
        self.columns.set(
            state
                .columns
                .unwrap_or_else(|| LocalStorage::get(self.key).unwrap_or_default()),
        );
        self.sort.set(state.sort);
        self.filters.set(state.filters);
    }
}

/// Whether `values` passes every filter.
fn admit(filters: &[(FieldDefinition, String)], values: &CustomValues) -> bool {
    filters
        .iter()
        .all(|(definition, wanted)| definition.holds_option(values, wanted))
}

/// The options a field is filtered by: `(value, label)`.
fn filter_options(definition: &FieldDefinition, lang: Lang) -> Vec<(String, String)> {
    let locale = use_locale();
    match definition.field_type {
        FieldType::Checkbox => vec![
            ("yes".to_owned(), locale.t(Msg::ValueYes).to_owned()),
            ("no".to_owned(), locale.t(Msg::ValueNo).to_owned()),
        ],
        _ => definition
            .options
            .iter()
            .map(|option| {
                let label = match lang {
                    Lang::En => &option.label_en,
                    Lang::Fa => &option.label_fa,
                };
                (option.id.clone(), label.clone())
            })
            .collect(),
    }
}

/// The list's controls for its custom fields: a filter per choice or checkbox field, and
/// the columns to show.
#[component]
pub fn CustomListControls(state: CustomListState) -> impl IntoView {
    let locale = use_locale();
    let filters = move || {
        shown_definitions(state.owner)
            .into_iter()
            .filter(|definition| {
                matches!(
                    definition.field_type,
                    FieldType::Choice | FieldType::Choices | FieldType::Checkbox
                )
            })
            .map(|definition| {
                let lang = locale.lang();
                let options = filter_options(&definition, lang);
                let key = definition.id.to_string();
                let current = {
                    let key = key.clone();
                    move || {
                        state
                            .filters
                            .with(|f| f.get(&key).cloned().unwrap_or_default())
                    }
                };
                view! {
                    <label class="filter">
                        <span class="filter-label">{definition.label(lang).to_owned()}</span>
                        <select on:change=move |ev| {
                            let chosen = event_target_value(&ev);
                            state.filters.update(|filters| {
                                if chosen.is_empty() {
                                    filters.remove(&key);
                                } else {
                                    filters.insert(key.clone(), chosen);
                                }
                            });
                        }>
                            <option value="">{move || locale.t(Msg::All)}</option>
                            {options.into_iter().map(|(value, label)| {
                                let selected = current() == value;
                                view! { <option value=value selected=selected>{label}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                }
            })
            .collect_view()
    };
    let columns = move || {
        let chosen = state.columns.get();
        shown_definitions(state.owner)
            .into_iter()
            .map(|definition| {
                let id = definition.id.to_string();
                let checked = chosen.contains(&id);
                view! {
                    <label class="check">
                        <input type="checkbox" prop:checked=checked on:change=move |ev| {
                            let show = event_target_checked(&ev);
                            let mut columns = state.columns.get_untracked();
                            columns.retain(|column| *column != id);
                            if show {
                                columns.push(id.clone());
                            }
                            state.choose_columns(columns);
                        } />
                        {definition.label(locale.lang()).to_owned()}
                    </label>
                }
            })
            .collect_view()
    };
    let any = move || !shown_definitions(state.owner).is_empty();
    view! {
        {filters}
        <Show when=any>
            // Not a `Filter`: a label around the boxes would name the first box by all of it.
            <div class="filter">
                <span class="filter-label">{move || locale.t(Msg::ListColumns)}</span>
                <details class="column-choice">
                    <summary>{move || locale.t(Msg::ListColumnsChoose)}</summary>
                    <div class="column-choice-options">{columns}</div>
                </details>
            </div>
        </Show>
    }
}

/// The sort select's options for the list's custom fields, after the list's own.
#[component]
pub fn FieldSortOptions(state: CustomListState) -> impl IntoView {
    move || {
        state
            .sort_options()
            .into_iter()
            .map(|(value, label)| {
                let selected = state
                    .sort
                    .with_untracked(|sort| sort.as_deref() == value.strip_prefix(SORT_PREFIX));
                view! { <option value=value selected=selected>{label}</option> }
            })
            .collect_view()
    }
}

/// "Sort by" for a list with one order of its own (named `own`) and its custom fields.
#[component]
pub fn FieldSortSelect(state: CustomListState, own: Msg) -> impl IntoView {
    let locale = use_locale();
    view! {
        <Filter label=Msg::SortBy>
            <select
                on:change=move |ev| {
                    state.choose_sort(&event_target_value(&ev));
                }
                prop:value=move || state.sort_value().unwrap_or_default()
            >
                <option value="">{move || locale.t(own)}</option>
                <FieldSortOptions state />
            </select>
        </Filter>
    }
}

/// A row's values of the chosen columns, each "Label: value".
#[component]
pub fn CustomColumnValues(state: CustomListState, values: CustomValues) -> impl IntoView {
    let locale = use_locale();
    move || {
        state
            .chosen_words(&values)
            .into_iter()
            .map(|(definition, words)| {
                let words = words.unwrap_or_else(|| "—".to_owned());
                let label = definition.label(locale.lang()).to_owned();
                view! { <bdi class="row-sub custom-column" data-user="">{label}": "{words}</bdi> }
            })
            .collect_view()
    }
}

/// A table's headers of the chosen columns, each a button sorting by its field.
#[component]
pub fn CustomColumnHeaders(state: CustomListState) -> impl IntoView {
    let locale = use_locale();
    move || {
        state
            .chosen()
            .into_iter()
            .map(|definition| {
                let id = definition.id.to_string();
                let sorted = {
                    let id = id.clone();
                    Signal::derive(move || state.sort.with(|sort| sort.as_deref() == Some(id.as_str())))
                };
                let label = definition.label(locale.lang()).to_owned();
                view! {
                    <th scope="col" aria-sort=move || if sorted.get() { "ascending" } else { "none" }>
                        <button type="button" class="sort-button" on:click=move |_| state.sort.set(Some(id.clone()))>
                            <bdi data-user="">{label}</bdi>
                            <span aria-hidden="true" class="sort-mark">{move || if sorted.get() { "▲" } else { "" }}</span>
                        </button>
                    </th>
                }
            })
            .collect_view()
    }
}

/// A table row's cells of the chosen columns.
#[component]
pub fn CustomColumnCells(state: CustomListState, values: CustomValues) -> impl IntoView {
    move || {
        state
            .chosen_words(&values)
            .into_iter()
            .map(|(_, words)| view! { <td><bdi data-user="">{words}</bdi></td> })
            .collect_view()
    }
}
