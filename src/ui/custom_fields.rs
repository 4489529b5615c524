//! Custom fields where records are edited and shown: the inputs of a record's form (typed
//! text read by the field's type, in the workspace calendar and currency) and the values on
//! its page, in the reader's language.

use crate::{
    i18n::{use_locale, Msg},
    local_time::use_calendar,
    ui::format::money_text,
    workspace::use_workspace,
};
use leptos::prelude::*;
use rabet_domain::{
    calendar::format_day,
    custom_field::{
        shown_fields, CustomValue, CustomValues, FieldDefinition, FieldOwner, FieldType,
        HasCustomFields, Reading, ValueError,
    },
    id::Id,
    locale::Lang,
};
use std::collections::HashMap;

/// How typed values are read now: the workspace calendar (reactive) and currency.
pub fn reading() -> Reading {
    Reading {
        calendar: use_calendar().get(),
        currency: use_workspace().settings.with(|s| s.currency),
    }
}

/// The fields of `owner` that forms and pages show, in order (reactive).
pub fn shown_definitions(owner: FieldOwner) -> Vec<FieldDefinition> {
    use_workspace().field_definitions.with(|definitions| {
        shown_fields(definitions.iter(), owner)
            .into_iter()
            .cloned()
            .collect()
    })
}

pub fn field_type_msg(field_type: FieldType) -> Msg {
    match field_type {
        FieldType::Text => Msg::FieldTypeText,
        FieldType::LongText => Msg::FieldTypeLongText,
        FieldType::Number => Msg::FieldTypeNumber,
        FieldType::Money => Msg::FieldTypeMoney,
        FieldType::Date => Msg::FieldTypeDate,
        FieldType::Choice => Msg::FieldTypeChoice,
        FieldType::Choices => Msg::FieldTypeChoices,
        FieldType::Checkbox => Msg::FieldTypeCheckbox,
        FieldType::Url => Msg::FieldTypeUrl,
        FieldType::Phone => Msg::FieldTypePhone,
        FieldType::Email => Msg::FieldTypeEmail,
    }
}

/// A value in the reader's language: digits, the calendar's date, option labels (reactive).
pub fn value_words(definition: &FieldDefinition, value: &CustomValue) -> String {
    let locale = use_locale();
    let lang = locale.lang();
    let reading = reading();
    let option = |id: &str| {
        definition
            .options
            .iter()
            .find(|option| option.id == id)
            .map_or_else(
                || id.to_owned(),
                |option| match lang {
                    Lang::En => option.label_en.clone(),
                    Lang::Fa => option.label_fa.clone(),
                },
            )
    };
    match value {
        CustomValue::Number(_) => lang.localize_digits(&definition.write(value, reading)),
        CustomValue::Money(minor) => money_text(*minor, reading.currency),
        CustomValue::Date(day) => format_day(*day, reading.calendar, lang),
        CustomValue::Choice(id) => option(id),
        CustomValue::Choices(ids) => {
            let separator = if lang == Lang::Fa { "، " } else { ", " };
            ids.iter()
                .map(|id| option(id))
                .collect::<Vec<_>>()
                .join(separator)
        }
        CustomValue::Checkbox(checked) => locale
            .t(if *checked {
                Msg::ValueYes
            } else {
                Msg::ValueNo
            })
            .to_owned(),
        CustomValue::Text(text) => text.clone(),
    }
}

/// The custom fields of a record being edited: each field's text as typed, and why the last
/// save refused it.
#[derive(Clone, Copy)]
pub struct CustomEdits {
    texts: RwSignal<HashMap<Id, String>>,
    errors: RwSignal<HashMap<Id, ValueError>>,
}

impl CustomEdits {
    /// The values of `record` as text the fields read back.
    pub fn new<E: HasCustomFields>(record: &E) -> Self {
        let reading = reading();
        let texts = use_workspace()
            .field_definitions
            .with_untracked(|definitions| {
                definitions
                    .iter()
                    .filter(|definition| definition.owner == E::OWNER)
                    .filter_map(|definition| {
                        let value = record.custom().get(definition)?;
                        Some((definition.id.clone(), definition.write(&value, reading)))
                    })
                    .collect()
            });
        CustomEdits {
            texts: RwSignal::new(texts),
            errors: RwSignal::new(HashMap::new()),
        }
    }

    /// Reads every shown field's text into `record`; `false`, with the reasons shown beside
    /// the fields, when any is refused. Archived fields keep their values.
    pub fn apply<E: HasCustomFields>(&self, record: &mut E) -> bool {
        let reading = reading();
        let texts = self.texts.get_untracked();
        let mut errors = HashMap::new();
        for definition in shown_definitions(E::OWNER) {
            let text = texts.get(&definition.id).map_or("", String::as_str);
            match definition.parse(text, reading) {
                Ok(value) => record.custom_mut().set(&definition, value),
                Err(error) => {
                    errors.insert(definition.id.clone(), error);
                }
            }
        }
        let valid = errors.is_empty();
        self.errors.set(errors);
        valid
    }

    fn text(&self, id: &Id) -> String {
        self.texts
            .with(|texts| texts.get(id).cloned())
            .unwrap_or_default()
    }

    fn set(&self, id: &Id, text: String) {
        self.texts.update(|texts| {
            texts.insert(id.clone(), text);
        });
    }
}

/// The inputs of `owner`'s shown custom fields, for its form.
#[component]
pub fn CustomFieldInputs(owner: FieldOwner, edits: CustomEdits) -> impl IntoView {
    let fields = move || {
        shown_definitions(owner)
            .into_iter()
            .map(|definition| view! { <CustomFieldInput definition edits /> })
            .collect_view()
    };
    view! { <div class="form-grid custom-fields">{fields}</div> }
}

#[component]
fn CustomFieldInput(definition: FieldDefinition, edits: CustomEdits) -> impl IntoView {
    let locale = use_locale();
    let id = definition.id.clone();
    let input_id = format!("cf-{}", id.as_str());
    let error_id = format!("{input_id}-error");
    let label = StoredValue::new((definition.label_en.clone(), definition.label_fa.clone()));
    let label = move || {
        label.with_value(|(en, fa)| match locale.lang() {
            Lang::En => en.clone(),
            Lang::Fa => fa.clone(),
        })
    };
    // Copy, so every closure below can hold it.
    let key = StoredValue::new(id);
    let error = move || {
        key.with_value(|id| edits.errors.with(|errors| errors.get(id).cloned()))
            .map(|error| locale.value_error(&error))
    };
    let invalid = move || {
        key.with_value(|id| edits.errors.with(|errors| errors.contains_key(id)))
            .to_string()
    };
    let text = move || key.with_value(|id| edits.text(id));
    let set = move |value: String| key.with_value(|id| edits.set(id, value));
    let option_label = move |en: &str, fa: &str| match locale.lang() {
        Lang::En => en.to_owned(),
        Lang::Fa => fa.to_owned(),
    };
    let control = match definition.field_type {
        FieldType::LongText => view! {
            <textarea id=input_id.clone() rows="3" prop:value=text
                aria-invalid=invalid aria-describedby=error_id.clone()
                on:input=move |ev| set(event_target_value(&ev))></textarea>
        }
        .into_any(),
        FieldType::Choice => {
            let options = definition.options.clone();
            view! {
                <select id=input_id.clone() aria-invalid=invalid aria-describedby=error_id.clone()
                    on:change=move |ev| set(event_target_value(&ev))>
                    <option value="" selected=move || text().is_empty()>
                        {move || locale.t(Msg::CustomFieldNoneChosen)}
                    </option>
                    {options.into_iter().map(|option| {
                        let chosen = option.id.clone();
                        view! {
                            <option value=option.id.clone() selected=move || text() == chosen>
                                {move || option_label(&option.label_en, &option.label_fa)}
                            </option>
                        }
                    }).collect_view()}
                </select>
            }
            .into_any()
        }
        FieldType::Choices => {
            // Kept as option ids joined by commas, which the field reads back.
            let chosen = move |text: &str, option: &str| text.split(',').any(|id| id == option);
            let boxes = definition
                .options
                .clone()
                .into_iter()
                .map(|option| {
                    let (this, other) = (option.id.clone(), option.id.clone());
                    view! {
                        <label class="check">
                            <input type="checkbox"
                                prop:checked=move || chosen(&text(), &this)
                                on:change=move |ev| {
                                    let mut ids: Vec<String> = text()
                                        .split(',')
                                        .filter(|id| !id.is_empty() && *id != other)
                                        .map(str::to_owned)
                                        .collect();
                                    if event_target_checked(&ev) {
                                        ids.push(other.clone());
                                    }
                                    set(ids.join(","));
                                } />
                            {move || option_label(&option.label_en, &option.label_fa)}
                        </label>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="choices" id=input_id.clone() aria-describedby=error_id.clone()>
                    <legend class="field-label">{label}</legend>
                    {boxes}
                </fieldset>
            }
            .into_any()
        }
        FieldType::Checkbox => view! {
            <input id=input_id.clone() type="checkbox"
                aria-invalid=invalid aria-describedby=error_id.clone()
                prop:checked=move || !text().is_empty()
                on:change=move |ev| {
                    set(if event_target_checked(&ev) { "yes".to_owned() } else { String::new() })
                } />
        }
        .into_any(),
        field_type => {
            let (kind, mode) = match field_type {
                FieldType::Url => ("url", "url"),
                FieldType::Phone => ("tel", "tel"),
                FieldType::Email => ("email", "email"),
                FieldType::Number | FieldType::Money => ("text", "decimal"),
                _ => ("text", "text"),
            };
            view! {
                <input id=input_id.clone() type=kind inputmode=mode prop:value=text
                    aria-invalid=invalid aria-describedby=error_id.clone()
                    on:input=move |ev| set(event_target_value(&ev)) />
            }
            .into_any()
        }
    };
    // A group of boxes is named by its legend; every other control by a label.
    let label_element = (definition.field_type != FieldType::Choices).then(|| {
        view! { <label class="field-label" for=input_id.clone()>{label}</label> }
    });
    view! {
        <div class="field custom-field">
            {label_element}
            {control}
            <span class="field-error" id=error_id role="alert">{error}</span>
        </div>
    }
}

/// The shown custom fields of a record that hold a value: rows of label and value for the
/// record page's details list (`<dl>`).
#[component]
pub fn CustomFieldValues(owner: FieldOwner, values: CustomValues) -> impl IntoView {
    let locale = use_locale();
    move || {
        shown_definitions(owner)
            .into_iter()
            .filter_map(|definition| {
                let value = values.get(&definition)?;
                let label = definition.label(locale.lang()).to_owned();
                let words = value_words(&definition, &value);
                Some(view! {
                    <div class="detail custom-value">
                        <dt>{label}</dt>
                        <dd><bdi data-user="">{words}</bdi></dd>
                    </div>
                })
            })
            .collect_view()
    }
}
