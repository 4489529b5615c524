//! Criteria on the contacts' custom fields (issue 17), as the segment builder and
//! automation's criteria edit them: a field, an operator its type allows and a value typed
//! in the workspace's calendar and currency (`rabet_domain::custom_field::CustomCriterion`).

use crate::i18n::{phrase, use_locale, Locale, Msg};
use crate::ui::custom_fields::{reading, shown_definitions, value_words};
use crate::ui::widgets::Filter;
use crate::workspace::use_workspace;
use leptos::prelude::*;
use rabet_domain::custom_field::{
    CustomCriterion, CustomTest, CustomValue, FieldDefinition, FieldOwner, FieldType, TestKind,
};

fn kind_msg(kind: TestKind) -> Msg {
    match kind {
        TestKind::Contains => Msg::OpContains,
        TestKind::Equals => Msg::OpEquals,
        TestKind::AtLeast => Msg::OpAtLeast,
        TestKind::AtMost => Msg::OpAtMost,
        TestKind::Exactly => Msg::OpExactly,
        TestKind::Before => Msg::OpBefore,
        TestKind::After => Msg::OpAfter,
        TestKind::Within => Msg::OpWithin,
        TestKind::Is => Msg::OpIs,
        TestKind::IsNot => Msg::OpIsNot,
        TestKind::Checked => Msg::OpChecked,
    }
}

/// The criterion as a line: "Tier is Gold", the value in the reader's language and calendar.
pub fn criterion_words(locale: Locale, criterion: &CustomCriterion) -> String {
    let workspace = use_workspace();
    let Some(definition) = workspace
        .field_definitions
        .with(|definitions| definitions.get(&criterion.field).cloned())
    else {
        return locale.t(Msg::CriterionFieldGone).to_owned();
    };
    let shown = |value: CustomValue| value_words(&definition, &value);
    let value = match &criterion.test {
        CustomTest::Contains(text) | CustomTest::Equals(text) => text.clone(),
        CustomTest::AtLeast(n) | CustomTest::AtMost(n) | CustomTest::Exactly(n) => {
            shown(match definition.field_type {
                FieldType::Money => CustomValue::Money(*n),
                _ => CustomValue::Number(*n),
            })
        }
        CustomTest::Before(day) | CustomTest::After(day) => shown(CustomValue::Date(*day)),
        CustomTest::Within { from, to } => locale.fill(phrase::DayRangeWords {
            from: &shown(CustomValue::Date(*from)),
            to: &shown(CustomValue::Date(*to)),
        }),
        CustomTest::Is(id) | CustomTest::IsNot(id) => shown(CustomValue::Choice(id.clone())),
        CustomTest::Checked(ticked) => shown(CustomValue::Checkbox(*ticked)),
    };
    locale.fill(phrase::CriterionWords {
        field: definition.label(locale.lang()),
        test: locale.t(kind_msg(criterion.test.kind())),
        value: &value,
    })
}

/// The operand of `kind` from what was typed (`to` is the end of a range of days); a word
/// saying what is wrong otherwise.
fn read_test(
    definition: &FieldDefinition,
    kind: TestKind,
    typed: &str,
    to: &str,
    locale: Locale,
) -> Result<CustomTest, String> {
    let reading = reading();
    let value = |text: &str| match definition.parse(text, reading) {
        Ok(Some(value)) => Ok(value),
        Ok(None) => Err(locale.t(Msg::ErrRequired).to_owned()),
        Err(error) => Err(locale.value_error(&error)),
    };
    let amount = |text: &str| match value(text)? {
        CustomValue::Number(n) | CustomValue::Money(n) => Ok(n),
        _ => Err(locale.t(Msg::ErrNotNumber).to_owned()),
    };
    let day = |text: &str| match value(text)? {
        CustomValue::Date(day) => Ok(day),
        _ => Err(locale.t(Msg::ErrRequired).to_owned()),
    };
    let text = || {
        let typed = typed.trim();
        if typed.is_empty() {
            Err(locale.t(Msg::ErrRequired).to_owned())
        } else {
            Ok(typed.to_owned())
        }
    };
    Ok(match kind {
        TestKind::Contains => CustomTest::Contains(text()?),
        TestKind::Equals => CustomTest::Equals(text()?),
        TestKind::AtLeast => CustomTest::AtLeast(amount(typed)?),
        TestKind::AtMost => CustomTest::AtMost(amount(typed)?),
        TestKind::Exactly => CustomTest::Exactly(amount(typed)?),
        TestKind::Before => CustomTest::Before(day(typed)?),
        TestKind::After => CustomTest::After(day(typed)?),
        TestKind::Within => CustomTest::Within {
            from: day(typed)?,
            to: day(to)?,
        },
        // Choices and checkboxes are picked, not typed: the value is an option's id or yes/no.
        TestKind::Is => CustomTest::Is(text()?),
        TestKind::IsNot => CustomTest::IsNot(text()?),
        TestKind::Checked => CustomTest::Checked(typed == "yes"),
    })
}

/// The criteria on the contacts' custom fields: each as a line with "Remove", and a row to
/// add one.
#[component]
pub fn CustomCriteria(criteria: RwSignal<Vec<CustomCriterion>>) -> impl IntoView {
    let locale = use_locale();
    let definitions = Memo::new(move |_| shown_definitions(FieldOwner::Contact));
    let field = RwSignal::new(String::new());
    let kind = RwSignal::new(None::<TestKind>);
    let typed = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let chosen = Memo::new(move |_| {
        let id = field.get();
        definitions.with(|all| {
            all.iter()
                .find(|d| d.id.as_str() == id)
                .or(all.first())
                .cloned()
        })
    });
    // The operator picked, if the field's type allows it; else its usual one.
    let test_kind = move || {
        let allowed = chosen.with(|d| d.as_ref().map(|d| TestKind::allowed(d.field_type)))?;
        kind.get()
            .filter(|k| allowed.contains(k))
            .or(allowed.first().copied())
    };
    let add = move |_| {
        let (Some(definition), Some(kind)) = (chosen.get_untracked(), untrack(test_kind)) else {
            return;
        };
        let read = read_test(
            &definition,
            kind,
            &typed.get_untracked(),
            &to.get_untracked(),
            locale,
        );
        match read {
            Ok(test) => {
                criteria.update(|all| {
                    all.push(CustomCriterion {
                        field: definition.id.clone(),
                        field_type: definition.field_type,
                        test,
                    })
                });
                typed.set(String::new());
                to.set(String::new());
                problem.set(None);
            }
            Err(words) => problem.set(Some(words)),
        }
    };
    let operand = move || {
        let definition = chosen.get()?;
        let kind = test_kind()?;
        let picked = |options: Vec<(String, String)>| {
            // A choice starts at its first option, so "Add" never reads an empty one.
            if typed.with_untracked(|t| !options.iter().any(|(value, _)| value == t)) {
                typed.set(
                    options
                        .first()
                        .map(|(value, _)| value.clone())
                        .unwrap_or_default(),
                );
            }
            view! {
                <Filter label=Msg::CriterionValue>
                    <select on:change=move |ev| typed.set(event_target_value(&ev)) prop:value=move || typed.get()>
                        {options.into_iter().map(|(value, text)| view! { <option value=value>{text}</option> }).collect_view()}
                    </select>
                </Filter>
            }
            .into_any()
        };
        Some(match kind {
            TestKind::Is | TestKind::IsNot => picked(
                definition
                    .options
                    .iter()
                    .map(|o| (o.id.clone(), value_words(&definition, &CustomValue::Choice(o.id.clone()))))
                    .collect(),
            ),
            TestKind::Checked => picked(vec![
                ("yes".to_owned(), locale.t(Msg::ValueYes).to_owned()),
                ("no".to_owned(), locale.t(Msg::ValueNo).to_owned()),
            ]),
            _ => view! {
                <Filter label=Msg::CriterionValue>
                    <input type="text" prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev)) />
                </Filter>
                {(kind == TestKind::Within).then(|| view! {
                    <Filter label=Msg::CriterionTo>
                        <input type="text" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev)) />
                    </Filter>
                })}
            }
            .into_any(),
        })
    };

    view! {
        <fieldset class="custom-criteria">
            <legend class="field-label">{move || locale.t(Msg::CustomCriteria)}</legend>
            <ul class="plain">
                {move || criteria.get().into_iter().enumerate().map(|(at, criterion)| view! {
                    <li class="custom-criterion">
                        <span>{criterion_words(locale, &criterion)}</span>
                        <button type="button" class="button subtle" on:click=move |_| criteria.update(|all| { all.remove(at); })>
                            {move || locale.t(Msg::Remove)}
                        </button>
                    </li>
                }).collect_view()}
            </ul>
            <Show when=move || definitions.with(|d| !d.is_empty())>
                <div class="criterion-add">
                    <Filter label=Msg::CriterionField>
                        <select on:change=move |ev| { field.set(event_target_value(&ev)); typed.set(String::new()); problem.set(None); }>
                            {move || definitions.get().into_iter().map(|d| {
                                let label = d.label(locale.lang()).to_owned();
                                view! { <option value=d.id.to_string()>{label}</option> }
                            }).collect_view()}
                        </select>
                    </Filter>
                    <Filter label=Msg::CriterionTest>
                        <select on:change=move |ev| kind.set(chosen.with_untracked(|d| {
                            let value = event_target_value(&ev);
                            d.as_ref().and_then(|d| TestKind::allowed(d.field_type).iter().copied().find(|k| format!("{k:?}") == value))
                        }))>
                            {move || chosen.get().map(|d| TestKind::allowed(d.field_type).iter().map(|k| {
                                let selected = test_kind() == Some(*k);
                                view! { <option value=format!("{k:?}") selected=selected>{locale.t(kind_msg(*k))}</option> }
                            }).collect_view())}
                        </select>
                    </Filter>
                    {operand}
                    <button type="button" class="button" on:click=add>{move || locale.t(Msg::AddCriterion)}</button>
                    {move || problem.get().map(|words| view! { <p class="field-error" role="alert">{words}</p> })}
                </div>
            </Show>
        </fieldset>
    }
}
