//! Custom fields in the contact list: optional columns (chosen per list and remembered on
//! this device), a sort by any of them, and a filter per choice or checkbox field.

use crate::{
    i18n::{use_locale, Msg},
    ui::custom_fields::{shown_definitions, value_words},
};
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use rabet_domain::{
    custom_field::{CustomValues, FieldDefinition, FieldOwner, FieldType},
    locale::Lang,
};
use std::collections::BTreeMap;

/// What the list shows and filters of its custom fields.
#[derive(Clone, Copy)]
pub struct CustomListState {
    owner: FieldOwner,
    /// The ids of the definitions shown as columns.
    columns: RwSignal<Vec<String>>,
    /// Where the choice is remembered on this device.
    key: &'static str,
    /// The option each filtered field must hold, by definition id.
    filters: RwSignal<BTreeMap<String, String>>,
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
            filters: RwSignal::new(BTreeMap::new()),
        }
    }

    fn choose_columns(&self, columns: Vec<String>) {
        // Losing the choice (private mode, full disk) must not stop the list showing it.
        let _ = LocalStorage::set(self.key, &columns);
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
    pub fn sort_options(&self) -> Vec<(String, String)> {
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

    /// The definition a sort option's value names, if it names one.
    pub fn sorted_by(&self, value: &str) -> Option<FieldDefinition> {
        let id = value.strip_prefix(SORT_PREFIX)?;
        shown_definitions(self.owner)
            .into_iter()
            .find(|definition| definition.id.to_string() == id)
    }
}

/// Whether `values` passes every filter.
pub fn admit(filters: &[(FieldDefinition, String)], values: &CustomValues) -> bool {
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

/// A row's values of the chosen columns, each "Label: value".
#[component]
pub fn CustomColumnValues(state: CustomListState, values: CustomValues) -> impl IntoView {
    let locale = use_locale();
    move || {
        state
            .chosen()
            .into_iter()
            .map(|definition| {
                let words = values
                    .get(&definition)
                    .map(|value| value_words(&definition, &value))
                    .unwrap_or_else(|| "—".to_owned());
                let label = definition.label(locale.lang()).to_owned();
                view! { <bdi class="row-sub custom-column" data-user="">{label}": "{words}</bdi> }
            })
            .collect_view()
    }
}
