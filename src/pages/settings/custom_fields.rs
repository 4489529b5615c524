//! Settings → Custom fields: the fields admins add to contacts, companies, deals and
//! tickets — type, labels in both languages, required, order, options — archived and restored
//! with their values kept. A type change converts the values, asking first when some would
//! be cleared; deleting a field says how many records hold a value of it.

use crate::{
    i18n::{kind_msg, phrase, store_error_msg, use_locale, Counted, Msg},
    store::StoreError,
    ui::{
        custom_fields::{field_type_msg, reading},
        field_error::{first_error, FieldError},
        widgets::{enum_select, refused, FormDialog, RefusedNote, TextField},
    },
    workspace::{use_workspace, Listed, Workspace},
};
use leptos::prelude::*;
use rabet_domain::sorting::sort_by;
use rabet_domain::{
    custom_field::{ChoiceOption, FieldOwner, FieldType, HasCustomFields, Reading},
    kind::EntityKind,
    locale::Lang,
    model::{Company, Contact, Deal, FieldDefinition, Ticket},
    validate::Validate,
};

const KIND: EntityKind = EntityKind::FieldDefinition;

fn owner_key(owner: FieldOwner) -> &'static str {
    match owner {
        FieldOwner::Contact => "contact",
        FieldOwner::Company => "company",
        FieldOwner::Deal => "deal",
        FieldOwner::Ticket => "ticket",
    }
}

fn owner_msg(owner: FieldOwner) -> Msg {
    kind_msg(match owner {
        FieldOwner::Contact => EntityKind::Contact,
        FieldOwner::Company => EntityKind::Company,
        FieldOwner::Deal => EntityKind::Deal,
        FieldOwner::Ticket => EntityKind::Ticket,
    })
}

fn type_key(field_type: FieldType) -> &'static str {
    match field_type {
        FieldType::Text => "text",
        FieldType::LongText => "long_text",
        FieldType::Number => "number",
        FieldType::Money => "money",
        FieldType::Date => "date",
        FieldType::Choice => "choice",
        FieldType::Choices => "choices",
        FieldType::Checkbox => "checkbox",
        FieldType::Url => "url",
        FieldType::Phone => "phone",
        FieldType::Email => "email",
    }
}

/// The owner's definitions, archived ones included, in order.
fn definitions_of(workspace: Workspace, owner: FieldOwner) -> Vec<FieldDefinition> {
    workspace.field_definitions.with(|definitions| {
        let mut all: Vec<FieldDefinition> = definitions
            .iter()
            .filter(|d| d.owner == owner)
            .cloned()
            .collect();
        sort_by(&mut all, |a, b| {
            a.order
                .cmp(&b.order)
                .then_with(|| a.label_en.cmp(&b.label_en))
        });
        all
    })
}

/// The records of `E` holding a value of `definition`.
fn holders_of<E: Listed + HasCustomFields>(
    workspace: Workspace,
    definition: &FieldDefinition,
) -> Vec<E> {
    E::collection(&workspace).with_untracked(|records| {
        records
            .iter()
            .filter(|record| record.custom().holds(definition))
            .cloned()
            .collect()
    })
}

/// How many records hold a value of `definition`.
fn holder_count(workspace: Workspace, definition: &FieldDefinition) -> usize {
    match definition.owner {
        FieldOwner::Contact => holders_of::<Contact>(workspace, definition).len(),
        FieldOwner::Company => holders_of::<Company>(workspace, definition).len(),
        FieldOwner::Deal => holders_of::<Deal>(workspace, definition).len(),
        FieldOwner::Ticket => holders_of::<Ticket>(workspace, definition).len(),
    }
}

/// The records whose values a change from `before` to `after` rewrites, each with its values
/// converted, and how many values do not convert (those are cleared).
fn converted_records<E: Listed + HasCustomFields>(
    workspace: Workspace,
    before: &FieldDefinition,
    after: &FieldDefinition,
    reading: Reading,
) -> (Vec<(E, E)>, usize) {
    let holders = holders_of::<E>(workspace, before);
    let values: Vec<_> = holders
        .iter()
        .filter_map(|record| record.custom().get(before))
        .collect();
    let conversion = before.convert_all(after, &values, reading);
    let mut converted = conversion.converted.into_iter();
    let changed = holders
        .into_iter()
        .filter_map(|record| {
            // A value of another shape (retyped while offline) reads as none and is cleared.
            let value = match record.custom().get(before) {
                Some(_) => converted.next().flatten(),
                None => None,
            };
            let mut next = record.clone();
            next.custom_mut().set(after, value);
            (next.custom() != record.custom()).then_some((record, next))
        })
        .collect();
    (changed, conversion.refused)
}

/// Saves `records` (before, after) one by one.
async fn save_all<E: Listed>(workspace: Workspace, records: Vec<(E, E)>) -> Result<(), StoreError> {
    for (before, after) in records {
        workspace.save(Some(&before), after).await?;
    }
    Ok(())
}

/// Converts the values of the changed definition's records; `None` when the user keeps the
/// type because some values would be cleared.
fn conversion_plan<E: Listed + HasCustomFields>(
    workspace: Workspace,
    before: &FieldDefinition,
    after: &FieldDefinition,
    reading: Reading,
    confirm: impl Fn(usize) -> bool,
) -> Option<Vec<(E, E)>> {
    let (records, refused) = converted_records::<E>(workspace, before, after, reading);
    (refused == 0 || confirm(refused)).then_some(records)
}

/// Saves the definition; a type change first converts the values, after asking.
async fn save_definition(
    workspace: Workspace,
    before: Option<FieldDefinition>,
    after: FieldDefinition,
    reading: Reading,
    confirm: impl Fn(usize) -> bool,
) -> Result<bool, StoreError> {
    let retyped = before
        .as_ref()
        .filter(|before| before.field_type != after.field_type || before.options != after.options);
    macro_rules! convert_then_save {
        ($kind:ty) => {{
            let plan = match retyped {
                Some(before) => {
                    match conversion_plan::<$kind>(workspace, before, &after, reading, confirm) {
                        Some(plan) => plan,
                        None => return Ok(false),
                    }
                }
                None => Vec::new(),
            };
            workspace.save(before.as_ref(), after.clone()).await?;
            save_all(workspace, plan).await?;
        }};
    }
    match after.owner {
        FieldOwner::Contact => convert_then_save!(Contact),
        FieldOwner::Company => convert_then_save!(Company),
        FieldOwner::Deal => convert_then_save!(Deal),
        FieldOwner::Ticket => convert_then_save!(Ticket),
    }
    Ok(true)
}

fn confirmed(question: &str) -> bool {
    window().confirm_with_message(question).unwrap_or(false)
}

#[component]
pub fn CustomFieldsSection() -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let owner = RwSignal::new(FieldOwner::Contact);
    // The definition being edited: a new one, or one of the list.
    let editing = RwSignal::new(None::<(Option<FieldDefinition>, FieldDefinition)>);
    let failure = RwSignal::new(None::<Msg>);
    let refused = refused(Some(KIND));
    let definitions = Memo::new(move |_| definitions_of(workspace, owner.get()));
    let add = move |_| {
        let order = definitions.with(|all| all.last().map_or(0, |d| d.order + 1));
        let fresh = FieldDefinition {
            id: Workspace::new_id(),
            owner: owner.get_untracked(),
            order,
            ..FieldDefinition::default()
        };
        editing.set(Some((None, fresh)));
    };
    let report = move |result: Result<(), StoreError>| {
        failure.set(result.err().map(|error| store_error_msg(&error)));
    };
    let rows = move || {
        let all = definitions.get();
        let last = all.len().saturating_sub(1);
        all.iter()
            .enumerate()
            .map(|(position, definition)| {
                let neighbours = (
                    position.checked_sub(1).map(|p| all[p].clone()),
                    (position < last).then(|| all[position + 1].clone()),
                );
                view! { <DefinitionRow definition=definition.clone() neighbours editing report /> }
            })
            .collect_view()
    };
    view! {
        <section class="card settings-section custom-fields-settings" aria-labelledby="custom-fields-title">
            <h2 id="custom-fields-title">{move || locale.t(Msg::CustomFieldsSection)}</h2>
            <p class="field-hint">{move || locale.t(Msg::CustomFieldsHint)}</p>
            <RefusedNote kind=KIND />
            <div class="toolbar">
                <label class="field">
                    <span class="field-label">{move || locale.t(Msg::CustomFieldsOf)}</span>
                    {enum_select(
                        "custom-fields-owner",
                        &FieldOwner::ALL,
                        owner_key,
                        owner_msg,
                        move || Some(owner.get()),
                        move |chosen| if let Some(chosen) = chosen { owner.set(chosen) },
                        None,
                    )}
                </label>
                <button type="button" class="button" disabled=move || refused.get().is_some() on:click=add>
                    {move || locale.t(Msg::AddCustomField)}
                </button>
            </div>
            <Show
                when=move || definitions.with(|all| !all.is_empty())
                fallback=move || view! { <p class="empty">{move || locale.t(Msg::CustomFieldsNone)}</p> }
            >
                <ol class="custom-field-rows plain">{rows}</ol>
            </Show>
            <p class="form-failure" role="alert">{move || failure.get().map(|msg| locale.t(msg))}</p>
            {move || editing.get().map(|(before, draft)| view! {
                <DefinitionForm before draft on_done=Callback::new(move |_| editing.set(None)) />
            })}
        </section>
    }
}

#[component]
fn DefinitionRow(
    definition: FieldDefinition,
    /// The definitions before and after it, which moving it swaps places with.
    neighbours: (Option<FieldDefinition>, Option<FieldDefinition>),
    editing: RwSignal<Option<(Option<FieldDefinition>, FieldDefinition)>>,
    report: impl Fn(Result<(), StoreError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let refused = refused(Some(KIND));
    let stored = StoredValue::new(definition.clone());
    let label = StoredValue::new((definition.label_en.clone(), definition.label_fa.clone()));
    let label = move || {
        label.with_value(|(en, fa)| match locale.lang() {
            Lang::En => en.clone(),
            Lang::Fa => fa.clone(),
        })
    };
    let named = move |msg: Msg| {
        move || {
            locale.fill(phrase::ActionOn {
                action: locale.t(msg),
                name: &label(),
            })
        }
    };
    let (before, after) = neighbours;
    let swap_with = move |other: Option<FieldDefinition>| {
        let other = StoredValue::new(other);
        move |_| {
            let Some(other) = other.get_value() else {
                return;
            };
            let this = stored.get_value();
            leptos::task::spawn_local(async move {
                let moved = FieldDefinition {
                    order: other.order,
                    ..this.clone()
                };
                // Equal orders (made on two devices) still part: the moved one goes past.
                let order = if other.order == this.order {
                    this.order
                        + if moved.label_en < other.label_en {
                            1
                        } else {
                            -1
                        }
                } else {
                    this.order
                };
                let displaced = FieldDefinition {
                    order,
                    ..other.clone()
                };
                let result = async {
                    workspace.save(Some(&this), moved).await?;
                    workspace.save(Some(&other), displaced).await
                }
                .await;
                report(result);
            });
        }
    };
    let is_first = before.is_none();
    let is_last = after.is_none();
    let archived = definition.archived;
    let toggle_archive = move |_| {
        let this = stored.get_value();
        leptos::task::spawn_local(async move {
            let next = FieldDefinition {
                archived: !this.archived,
                ..this.clone()
            };
            report(workspace.save(Some(&this), next).await);
        });
    };
    let delete = move |_| {
        let this = stored.get_value();
        let held = holder_count(workspace, &this);
        if !confirmed(&locale.count(Counted::CustomFieldHeld, held)) {
            return;
        }
        leptos::task::spawn_local(async move {
            report(
                workspace
                    .delete::<FieldDefinition>(&this.id)
                    .await
                    .map(drop),
            );
        });
    };
    let edit = move |_| {
        let this = stored.get_value();
        editing.set(Some((Some(this.clone()), this)));
    };
    let field_type = definition.field_type;
    let required = definition.required;
    view! {
        <li class="custom-field-row" class:archived=archived>
            <span class="custom-field-label" data-user="">{label}</span>
            <span class="badge">{move || locale.t(field_type_msg(field_type))}</span>
            {required.then(|| view! { <span class="badge">{move || locale.t(Msg::CustomFieldRequired)}</span> })}
            {archived.then(|| view! { <span class="badge">{move || locale.t(Msg::CustomFieldArchived)}</span> })}
            <span class="row-actions">
                <button type="button" class="button subtle" aria-label=named(Msg::MoveUp)
                    disabled=move || is_first || refused.get().is_some() on:click=swap_with(before)>"↑"</button>
                <button type="button" class="button subtle" aria-label=named(Msg::MoveDown)
                    disabled=move || is_last || refused.get().is_some() on:click=swap_with(after)>"↓"</button>
                <button type="button" class="button subtle" aria-label=named(Msg::Edit) on:click=edit>
                    {move || locale.t(Msg::Edit)}
                </button>
                <button type="button" class="button subtle"
                    aria-label=named(if archived { Msg::CustomFieldRestore } else { Msg::CustomFieldArchive })
                    disabled=move || refused.get().is_some() on:click=toggle_archive>
                    {move || locale.t(if archived { Msg::CustomFieldRestore } else { Msg::CustomFieldArchive })}
                </button>
                <button type="button" class="button subtle danger" aria-label=named(Msg::Delete)
                    disabled=move || refused.get().is_some() on:click=delete>
                    {move || locale.t(Msg::Delete)}
                </button>
            </span>
        </li>
    }
}

/// The form of one definition, new (`before` = None) or edited.
#[component]
fn DefinitionForm(
    before: Option<FieldDefinition>,
    draft: FieldDefinition,
    on_done: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let is_new = before.is_none();
    let before = StoredValue::new(before);
    let draft = RwSignal::new(draft);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<Msg>);
    let saving = RwSignal::new(false);
    let title = Signal::derive(move || {
        locale.t(if is_new {
            Msg::NewCustomField
        } else {
            Msg::EditCustomField
        })
    });
    let submit = Callback::new(move |_| {
        let mut definition = draft.get_untracked();
        definition.label_en = definition.label_en.trim().to_owned();
        definition.label_fa = definition.label_fa.trim().to_owned();
        if !definition.has_options() {
            definition.options.clear();
        }
        for option in &mut definition.options {
            option.label_en = option.label_en.trim().to_owned();
            option.label_fa = option.label_fa.trim().to_owned();
        }
        let broken = definition.validate();
        if !broken.is_empty() {
            errors.set(broken.into_iter().map(FieldError::from).collect());
            failure.set(Some(Msg::FixHighlighted));
            return;
        }
        errors.set(Vec::new());
        failure.set(None);
        saving.set(true);
        let before = before.get_value();
        let confirm =
            move |refused| confirmed(&locale.count(Counted::CustomFieldUnconverted, refused));
        // Read here: the calendar and currency come from contexts, which the task below,
        // running after this handler, has none of.
        let reading = reading();
        leptos::task::spawn_local(async move {
            let saved = save_definition(workspace, before, definition, reading, confirm).await;
            saving.set(false);
            match saved {
                Ok(true) => on_done.run(()),
                Ok(false) => {}
                Err(error) => failure.set(Some(store_error_msg(&error))),
            }
        });
    });
    let text = |get: fn(&FieldDefinition) -> &String, set: fn(&mut FieldDefinition, String)| {
        (
            move || draft.with(|d| get(d).clone()),
            move |value: String| draft.update(|d| set(d, value)),
        )
    };
    let (en_get, en_set) = text(|d| &d.label_en, |d, v| d.label_en = v);
    let (fa_get, fa_set) = text(|d| &d.label_fa, |d, v| d.label_fa = v);
    let has_options = move || draft.with(FieldDefinition::has_options);
    let option_ids = Memo::new(move |_| {
        draft.with(|d| d.options.iter().map(|o| o.id.clone()).collect::<Vec<_>>())
    });
    let add_option = move |_| {
        draft.update(|d| {
            d.options.push(ChoiceOption {
                id: Workspace::new_id().to_string(),
                ..ChoiceOption::default()
            })
        })
    };
    view! {
        <FormDialog title on_submit=submit on_cancel=on_done saving failure kind=Some(KIND)>
            <div class="form-grid">
                <div class="field">
                    <label class="field-label" for="custom-field-type">{move || locale.t(Msg::CustomFieldType)}</label>
                    {enum_select(
                        "custom-field-type",
                        &FieldType::ALL,
                        type_key,
                        field_type_msg,
                        move || Some(draft.with(|d| d.field_type)),
                        move |chosen| if let Some(chosen) = chosen {
                            draft.update(|d| d.field_type = chosen);
                        },
                        None,
                    )}
                </div>
                <TextField label=Msg::CustomFieldLabelEn id="custom-field-label-en" get=en_get set=en_set
                    autofocus=true error=first_error(errors, "label_en", None) />
                <TextField label=Msg::CustomFieldLabelFa id="custom-field-label-fa" get=fa_get set=fa_set
                    error=first_error(errors, "label_fa", None) />
                <label class="check">
                    <input type="checkbox" prop:checked=move || draft.with(|d| d.required)
                        on:change=move |ev| {
                            let required = event_target_checked(&ev);
                            draft.update(|d| d.required = required);
                        } />
                    {move || locale.t(Msg::CustomFieldRequired)}
                </label>
            </div>
            <Show when=has_options>
                <fieldset class="custom-field-options">
                    <legend>{move || locale.t(Msg::CustomFieldOptions)}</legend>
                    <p class="field-error" role="alert">
                        {move || first_error(errors, "options", None).get().map(|e| e.describe(locale))}
                    </p>
                    <ol class="plain">
                        <For each=move || option_ids.get() key=|id| id.clone() let:option_id>
                            <OptionRow option_id draft errors />
                        </For>
                    </ol>
                    <button type="button" class="button" on:click=add_option>{move || locale.t(Msg::AddOption)}</button>
                </fieldset>
            </Show>
        </FormDialog>
    }
}

#[component]
fn OptionRow(
    option_id: String,
    draft: RwSignal<FieldDefinition>,
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    let locale = use_locale();
    let key = StoredValue::new(option_id);
    let position = Memo::new(move |_| {
        key.with_value(|id| draft.with(|d| d.options.iter().position(|o| &o.id == id)))
            .unwrap_or(0)
    });
    let number = move || locale.number(position.get() + 1);
    let input = move |msg: Msg, field: &'static str, lang: Lang| {
        let error = move || first_error(errors, field, Some(position.get())).get();
        view! {
            <span class="field">
                <input type="text"
                    aria-label=move || locale.fill(phrase::NumberedLabel { label: locale.t(msg), number: &number() })
                    aria-invalid=move || error().is_some().to_string()
                    prop:value=move || draft.with(|d| d.options.get(position.get()).map(|o| match lang {
                        Lang::En => o.label_en.clone(),
                        Lang::Fa => o.label_fa.clone(),
                    }).unwrap_or_default())
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        draft.update(|d| if let Some(option) = d.options.get_mut(position.get_untracked()) {
                            match lang {
                                Lang::En => option.label_en = text,
                                Lang::Fa => option.label_fa = text,
                            }
                        });
                    } />
                <span class="field-error" role="alert">{move || error().map(|e| e.describe(locale))}</span>
            </span>
        }
    };
    let remove = move |_| {
        key.with_value(|id| draft.update(|d| d.options.retain(|o| &o.id != id)));
    };
    view! {
        <li class="option-row">
            {input(Msg::CustomFieldOptionEn, "options.label_en", Lang::En)}
            {input(Msg::CustomFieldOptionFa, "options.label_fa", Lang::Fa)}
            <button type="button" class="button subtle"
                aria-label=move || locale.fill(phrase::NumberedLabel { label: locale.t(Msg::Remove), number: &number() })
                on:click=remove>
                {move || locale.t(Msg::Remove)}
            </button>
        </li>
    }
}
