//! Creating and editing a deal in a dialog: title, customer, stage (won and lost too, lost with
//! a reason), value or product lines, expected close in the workspace calendar, owner, source
//! and campaign, tags and notes. Typed amounts and dates are checked and explained next to
//! their field, and nothing typed is lost when a save fails.

use super::{lost::LostReasonPicker, picker::RecordPicker};
use crate::i18n::phrase;
use crate::ui::custom_fields::{CustomEdits, CustomFieldInputs};
use crate::ui::history::FieldHistory;
use crate::ui::widgets::refused;
use crate::{
    i18n::{source_msg, use_locale, Locale, Msg},
    local_time::{now_ms, use_calendar},
    ui::{
        draft::Draft,
        editing::{delete_with_undo, remembered_member},
        field_error::{first_error, FieldError, Reason},
        format::{day_text, money_text},
        inputs::{DayField, DayText, MemberSelect, TagsField},
        widgets::{enum_select, FormDialog, IdSelect, TextField},
    },
    workspace::{use_workspace, Workspace},
};
use leptos::prelude::*;
use rabet_domain::custom_field::FieldOwner;
use rabet_domain::kind::EntityKind;
use rabet_domain::sorting::sort_by;
use rabet_domain::{
    calendar::Day,
    id::Id,
    input::{
        amount_input_text, parse_amount, parse_percent, parse_tags, parse_whole_number,
        percent_input_text, tags_input_text,
    },
    locale::MoneyError,
    model::{
        lines_subtotal_minor, Company, Contact, Deal, DealStatus, Discount, LeadSource, LineItem,
        Pipeline,
    },
    money::{Currency, Money},
    report::board::{move_deal, MoveError},
    validate::{Validate, ValidationErrorKind},
};

/// A product line as typed: numbers stay text until the form is saved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct LineDraft {
    product_id: Option<Id>,
    description: String,
    quantity: String,
    unit_price: String,
    discount_pct: String,
}

impl LineDraft {
    fn from_line(line: &LineItem, currency: Currency, locale: Locale) -> Self {
        let percent = match line.discount {
            Discount::Percent { basis_points } => percent_input_text(basis_points, locale.lang()),
            _ => String::new(),
        };
        LineDraft {
            product_id: line.product_id.clone(),
            description: line.description.clone(),
            quantity: locale.number(line.quantity as usize),
            unit_price: amount_input_text(
                Money::new(line.unit_price_minor, currency),
                locale.lang(),
            ),
            discount_pct: percent,
        }
    }

    /// The line, or what is wrong with each of its fields (as the `index`th line).
    fn parse(&self, currency: Currency, index: usize) -> Result<LineItem, Vec<FieldError>> {
        let mut errors = Vec::new();
        let quantity = parse_whole_number(&self.quantity);
        if quantity.is_none() {
            errors.push(FieldError::new("lines.quantity", Reason::WholeNumber).at(index));
        }
        // An empty price is an error here: a line needs one.
        let price = parse_amount(&self.unit_price, currency)
            .and_then(|price| price.ok_or(MoneyError::Empty));
        if let Err(error) = price {
            errors.push(FieldError::new("lines.unit_price_minor", Reason::Amount(error)).at(index));
        }
        let discount = parse_percent(&self.discount_pct);
        if let Err(error) = discount {
            errors.push(FieldError::new("lines.discount", Reason::Percent(error)).at(index));
        }
        match (quantity, price, discount) {
            (Some(quantity), Ok(price), Ok(discount)) => Ok(LineItem {
                product_id: self.product_id.clone(),
                description: self.description.trim().to_owned(),
                quantity,
                unit_price_minor: price.minor,
                discount: discount.map_or(Discount::None, |basis_points| Discount::Percent {
                    basis_points,
                }),
            }),
            _ => Err(errors),
        }
    }
}

/// The form's state: the deal's draft (its plain fields in `deal`), and what is typed as
/// text until the deal is saved: numbers, the close day, tags, lines, stage and lost reason.
#[derive(Clone, Copy)]
struct TypedDeal {
    draft: Draft<Deal>,
    deal: RwSignal<Deal>,
    value: RwSignal<String>,
    close: DayText,
    tags: RwSignal<String>,
    lines: RwSignal<Vec<LineDraft>>,
    stage: RwSignal<Id>,
    lost_reason: RwSignal<String>,
}

impl TypedDeal {
    fn new(draft: Draft<Deal>, stage: Id, locale: Locale) -> Self {
        let deal = draft.record.get_untracked();
        let currency = deal.value.currency;
        TypedDeal {
            value: RwSignal::new(if deal.value.minor == 0 {
                String::new()
            } else {
                amount_input_text(deal.value, locale.lang())
            }),
            close: DayText::new(
                deal.expected_close,
                use_calendar().get_untracked(),
                locale.lang(),
            ),
            tags: RwSignal::new(tags_input_text(&deal.tags)),
            lines: RwSignal::new(
                deal.lines
                    .iter()
                    .map(|line| LineDraft::from_line(line, currency, locale))
                    .collect(),
            ),
            stage: RwSignal::new(stage),
            lost_reason: RwSignal::new(deal.lost_reason),
            deal: draft.record,
            draft,
        }
    }

    /// The first problem of `field` (of line `index`), in words.
    fn problem(self, field: &'static str, index: Option<usize>) -> Signal<Option<String>> {
        let locale = use_locale();
        let error = first_error(self.draft.errors, field, index);
        Signal::derive(move || error.get().map(|e| e.describe(locale)))
    }

    /// The lines' sum while they are typed, counting the lines that already parse.
    fn lines_total(self) -> Option<i64> {
        let currency = self.deal.with(|d| d.value.currency);
        self.lines.with(|lines| {
            (!lines.is_empty()).then(|| {
                let parsed: Vec<LineItem> = lines
                    .iter()
                    .enumerate()
                    .filter_map(|(at, l)| l.parse(currency, at).ok())
                    .collect();
                lines_subtotal_minor(&parsed)
            })
        })
    }

    /// The deal to save, or every problem found.
    fn build(
        self,
        pipeline: &Pipeline,
        expected_close: Option<Day>,
        now: i64,
    ) -> Result<Deal, Vec<FieldError>> {
        let mut problems = Vec::new();
        let mut deal = self.deal.get_untracked();
        let currency = deal.value.currency;
        deal.title = deal.title.split_whitespace().collect::<Vec<_>>().join(" ");
        deal.notes = deal.notes.trim().to_owned();
        deal.tags = parse_tags(&self.tags.get_untracked());

        deal.lines = Vec::new();
        for (index, draft) in self.lines.get_untracked().iter().enumerate() {
            match draft.parse(currency, index) {
                Ok(line) => deal.lines.push(line),
                Err(found) => problems.extend(found),
            }
        }
        if !self.lines.with_untracked(Vec::is_empty) {
            deal.value.minor = lines_subtotal_minor(&deal.lines);
        } else {
            match parse_amount(&self.value.get_untracked(), currency) {
                Ok(value) => deal.value = value.unwrap_or(Money::new(0, currency)),
                Err(error) => problems.push(FieldError::new("value", Reason::Amount(error))),
            }
        }

        deal.expected_close = expected_close;

        // Through `move_deal`, so a stage change from the form is on the history like a drag.
        let reason = self.lost_reason.get_untracked();
        let stage = self.stage.get_untracked();
        match move_deal(
            pipeline,
            &deal,
            &stage,
            Some(&reason),
            remembered_member(),
            now,
        ) {
            Ok(moved) => deal = moved,
            Err(MoveError::LostReasonRequired) => problems.push(FieldError::new(
                "lost_reason",
                Reason::Rule(ValidationErrorKind::Required),
            )),
            Err(_) => {}
        }
        problems.extend(deal.validate().into_iter().map(FieldError::from));
        if problems.is_empty() {
            Ok(deal)
        } else {
            Err(problems)
        }
    }

    fn submit(self, pipeline: &Pipeline, custom: CustomEdits, on_done: Callback<()>) {
        // An unreadable date is explained by its field.
        let Ok(expected_close) = self.close.day(use_calendar().get_untracked()) else {
            return;
        };
        match self.build(pipeline, expected_close, now_ms()) {
            Ok(mut deal) => {
                // A custom value that does not read is explained beside its field.
                if custom.apply(&mut deal) {
                    self.draft.submit(deal, move |_| on_done.run(()));
                } else {
                    self.draft.refuse(Vec::new());
                }
            }
            Err(errors) => self.draft.refuse(errors),
        }
    }
}

#[component]
pub fn DealForm(
    initial: Option<Deal>,
    pipeline: Pipeline,
    /// Where a new deal starts; the first open stage when `None`.
    stage: Option<Id>,
    on_done: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let is_new = initial.is_none();
    let fresh = Deal {
        id: Workspace::new_id(),
        pipeline_id: pipeline.id.clone(),
        value: Money::new(0, workspace.settings.with_untracked(|s| s.currency)),
        owner_id: remembered_member(),
        created_at: now_ms(),
        ..Deal::default()
    };
    let deal = initial.clone().unwrap_or(fresh);
    let custom = CustomEdits::new(&deal);
    let first_open = pipeline
        .first_stage_with(DealStatus::Open)
        .map(|s| s.id.clone());
    let start_stage = if is_new {
        stage.or(first_open)
    } else {
        Some(deal.stage_id.clone())
    };
    let draft = TypedDeal::new(
        Draft::new(initial, || deal.clone()),
        start_stage.unwrap_or_else(|| Id::from_string("")),
        locale,
    );
    let history =
        (!is_new).then(|| view! { <StageHistory deal=deal.clone() pipeline=pipeline.clone() /> });
    let pipeline = StoredValue::new(pipeline);
    let title = draft.draft.title(Msg::NewDeal, Msg::EditDeal);
    let (title_get, title_set) = draft.draft.text(|d| &d.title, |d, v| d.title = v);
    let title_error = draft.draft.error("title");
    let is_lost_stage = move || {
        let stage = draft.stage.get();
        pipeline.with_value(|p| {
            p.stage(&stage)
                .is_some_and(|s| s.outcome == DealStatus::Lost)
        })
    };

    view! {
        <FormDialog
            title=title
            on_submit=Callback::new(move |_| pipeline.with_value(|p| draft.submit(p, custom, on_done)))
            on_cancel=on_done
            saving=draft.draft.saving()
            failure=draft.draft.failure kind=draft.draft.kind()
        >
            <div class="form-grid">
                <TextField label=Msg::DealTitle id="deal_title" get=title_get set=title_set autofocus=true error=title_error />
                <StageSelect draft=draft pipeline=pipeline.get_value() />
                <PartyFields draft=draft />
                <ValueFields draft=draft />
                <DayField label=Msg::ExpectedClose id="deal_close" text=draft.close />
                <OwnerSourceFields draft=draft />
            </div>
            <CustomFieldInputs owner=FieldOwner::Deal edits=custom />
            <Show when=is_lost_stage>
                <LostReasonPicker reason=draft.lost_reason error=draft.problem("lost_reason", None) />
            </Show>
            <LineItems draft=draft />
            <NotesField draft=draft />
            {history}
            {(!is_new).then(|| view! { <DeleteDeal draft=draft on_done=on_done /> })}
            {draft.draft.original().map(|deal| view! { <FieldHistory kind=EntityKind::Deal id=deal.id /> })}
        </FormDialog>
    }
}

/// A label, a control and its error, tied together for assistive technology; the control
/// must carry `id` and `aria-describedby="{id}-error"`.
#[component]
fn Field(
    label: Msg,
    id: &'static str,
    error: Signal<Option<String>>,
    #[prop(optional)] hint: Option<Signal<String>>,
    children: Children,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="field">
            <label class="field-label" for=id>{move || locale.t(label)}</label>
            {children()}
            {hint.map(|hint| view! { <span class="field-hint">{hint}</span> })}
            <span class="field-error" id=format!("{id}-error") role="alert">{move || error.get()}</span>
        </div>
    }
}

#[component]
fn StageSelect(draft: TypedDeal, pipeline: Pipeline) -> impl IntoView {
    let options = pipeline
        .stages
        .into_iter()
        .map(|stage| {
            let id = stage.id.clone();
            let selected = move || draft.stage.with(|s| *s == id);
            view! { <option value=stage.id.to_string() selected=selected>{stage.name}</option> }
        })
        .collect_view();
    view! {
        <Field label=Msg::DealStage id="deal_stage" error=draft.problem("stage_id", None)>
            <select
                id="deal_stage"
                aria-describedby="deal_stage-error"
                on:change=move |ev| {
                    if let Some(stage) = Id::find(&event_target_value(&ev)) {
                        draft.stage.set(stage);
                    }
                }
            >
                {options}
            </select>
        </Field>
    }
}

#[component]
fn PartyFields(draft: TypedDeal) -> impl IntoView {
    let workspace = use_workspace();
    let company = Signal::derive(move || draft.deal.with(|d| d.company_id.clone()));
    let contact = Signal::derive(move || draft.deal.with(|d| d.contact_id.clone()));
    let pick_contact = Callback::new(move |picked: Option<Id>| {
        // A person's company is usually the deal's company too.
        let their_company = picked.as_ref().and_then(|id| {
            workspace
                .contacts
                .with_untracked(|c| c.get(id).and_then(|c| c.company_id.clone()))
        });
        draft.deal.update(|d| {
            d.contact_id = picked;
            if d.company_id.is_none() {
                d.company_id = their_company;
            }
        });
    });
    view! {
        <RecordPicker
            label=Msg::Company
            id="deal_company"
            current=company
            on_pick=Callback::new(move |picked| draft.deal.update(|d| d.company_id = picked))
            name_of=|c: &Company| c.name.clone()
        />
        <RecordPicker
            label=Msg::DealContact
            id="deal_contact"
            current=contact
            on_pick=pick_contact
            name_of=Contact::display_name
        />
    }
}

#[component]
fn ValueFields(draft: TypedDeal) -> impl IntoView {
    let locale = use_locale();
    let from_lines = move || draft.lines.with(|l| !l.is_empty());
    let shown_value = move || match draft.lines_total() {
        Some(total) => {
            let currency = draft.deal.with(|d| d.value.currency);
            amount_input_text(Money::new(total, currency), locale.lang())
        }
        None => draft.value.get(),
    };
    let hint = Signal::derive(move || {
        if from_lines() {
            locale.t(Msg::ValueFromLines).to_owned()
        } else {
            String::new()
        }
    });
    let currency = move || draft.deal.with(|d| d.value.currency);
    view! {
        <Field label=Msg::DealValue id="deal_value" error=draft.problem("value", None) hint=hint>
            <input
                id="deal_value"
                type="text"
                inputmode="decimal"
                dir="ltr"
                aria-describedby="deal_value-error"
                aria-invalid=move || draft.draft.errors.with(|e| e.iter().any(|e| e.field == "value")).to_string()
                readonly=from_lines
                prop:value=shown_value
                on:input=move |ev| draft.value.set(event_target_value(&ev))
            />
        </Field>
        <div class="field">
            <label class="field-label" for="deal_currency">{move || locale.t(Msg::Currency)}</label>
            <select
                id="deal_currency"
                on:change=move |ev| {
                    let code = event_target_value(&ev);
                    if let Some(chosen) = Currency::ALL.into_iter().find(|c| c.code() == code) {
                        draft.deal.update(|d| d.value.currency = chosen);
                    }
                }
            >
                {Currency::ALL.into_iter().map(|option| view! {
                    <option value=option.code() selected=move || currency() == option>
                        {move || option.label(locale.lang())}
                    </option>
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
fn OwnerSourceFields(draft: TypedDeal) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let campaigns = Signal::derive(move || {
        workspace.campaigns.with(|c| {
            c.iter()
                .map(|c| (c.id.clone(), c.name.clone()))
                .collect::<Vec<_>>()
        })
    });
    view! {
        <MemberSelect
            label=Msg::Owner
            id="deal_owner"
            none=Msg::Unassigned
            current=Signal::derive(move || draft.deal.with(|d| d.owner_id.clone()))
            set=move |owner| draft.deal.update(|d| d.owner_id = owner)
        />
        <div class="field">
            <label class="field-label" for="deal_source">{move || locale.t(Msg::LeadSource)}</label>
            {enum_select(
                "deal_source",
                LeadSource::ALL,
                LeadSource::as_str,
                source_msg,
                move || draft.deal.with(|d| d.source),
                move |source| draft.deal.update(|d| d.source = source),
                Some(Msg::Unknown),
            )}
        </div>
        <Show when=move || campaigns.with(|c| !c.is_empty())>
            <IdSelect
                label=Msg::DealCampaign
                id="deal_campaign"
                none=Msg::NoCampaign
                options=campaigns
                current=Signal::derive(move || draft.deal.with(|d| d.campaign_id.clone()))
                set=move |campaign| draft.deal.update(|d| d.campaign_id = campaign)
            />
        </Show>
        <TagsField id="deal_tags" text=draft.tags />
    }
}

#[component]
fn LineItems(draft: TypedDeal) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let products = Memo::new(move |_| {
        workspace.products.with(|products| {
            let mut offered: Vec<(Id, String, Money)> = products
                .iter()
                .filter(|p| p.active)
                .map(|p| (p.id.clone(), p.name.clone(), p.price))
                .collect();
            sort_by(&mut offered, |a, b| a.1.cmp(&b.1));
            offered
        })
    });
    let update_line = move |at: usize, change: &dyn Fn(&mut LineDraft)| {
        draft.lines.update(|lines| {
            if let Some(line) = lines.get_mut(at) {
                change(line);
            }
        })
    };
    let pick_product = move |at: usize, chosen: String| {
        let currency = draft.deal.with_untracked(|d| d.value.currency);
        let product =
            products.with_untracked(|p| p.iter().find(|(id, ..)| id.as_str() == chosen).cloned());
        update_line(at, &|line| match &product {
            Some((id, name, price)) => {
                line.product_id = Some(id.clone());
                line.description = name.clone();
                // A price in another currency would be off by its exchange rate.
                if price.currency == currency {
                    line.unit_price = amount_input_text(*price, locale.lang());
                }
            }
            None => line.product_id = None,
        });
    };
    let row = move |at: usize| {
        let number = at + 1;
        let read = move |get: fn(&LineDraft) -> String| {
            move || draft.lines.with(|l| l.get(at).map(get).unwrap_or_default())
        };
        let named = move |msg: Msg| {
            move || {
                locale.fill(phrase::NumberedLabel {
                    label: locale.t(msg),
                    number: &locale.number(number),
                })
            }
        };
        let input = move |msg: Msg,
                          mode: &'static str,
                          get: fn(&LineDraft) -> String,
                          set: fn(&mut LineDraft, String)| {
            view! {
                <input
                    type="text"
                    inputmode=mode
                    aria-label=named(msg)
                    prop:value=read(get)
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        update_line(at, &|line| set(line, value.clone()));
                    }
                />
            }
        };
        let product_id = move || {
            draft
                .lines
                .with(|l| l.get(at).and_then(|l| l.product_id.clone()))
        };
        let line_total = move || {
            let currency = draft.deal.with(|d| d.value.currency);
            draft
                .lines
                .with(|l| l.get(at).and_then(|l| l.parse(currency, at).ok()))
                .map(|line| money_text(line.net_minor(), currency))
        };
        let errors = move || {
            [
                "lines.description",
                "lines.quantity",
                "lines.unit_price_minor",
                "lines.discount",
            ]
            .into_iter()
            .filter_map(|field| draft.problem(field, Some(at)).get())
            .collect::<Vec<_>>()
            .join(" · ")
        };
        view! {
            <div class="line-row">
                <select aria-label=named(Msg::Product) on:change=move |ev| pick_product(at, event_target_value(&ev))>
                    <option value="" selected=move || product_id().is_none()>{move || locale.t(Msg::FreeTextLine)}</option>
                    {move || products.get().into_iter().map(|(id, name, _)| {
                        let selected = product_id().as_ref() == Some(&id);
                        view! { <option value=id.to_string() selected=selected>{name}</option> }
                    }).collect_view()}
                </select>
                {input(Msg::LineDescription, "text", |l| l.description.clone(), |l, v| l.description = v)}
                {input(Msg::Quantity, "numeric", |l| l.quantity.clone(), |l, v| l.quantity = v)}
                {input(Msg::UnitPrice, "decimal", |l| l.unit_price.clone(), |l, v| l.unit_price = v)}
                {input(Msg::DiscountPercent, "decimal", |l| l.discount_pct.clone(), |l, v| l.discount_pct = v)}
                <output class="line-total">{line_total}</output>
                <button
                    type="button"
                    class="button subtle"
                    aria-label=move || locale.fill(phrase::RemoveNamed { name: &named(Msg::Product)() })
                    on:click=move |_| draft.lines.update(|l| {
                        if at < l.len() {
                            l.remove(at);
                        }
                    })
                >
                    "×"
                </button>
                <span class="field-error" role="alert">{errors}</span>
            </div>
        }
    };
    let add = move |_| {
        draft.lines.update(|l| {
            l.push(LineDraft {
                quantity: locale.number(1),
                ..LineDraft::default()
            })
        })
    };
    view! {
        <fieldset class="entries line-items">
            <legend class="field-label">{move || locale.t(Msg::Products)}</legend>
            {move || (0..draft.lines.with(Vec::len)).map(row).collect_view()}
            <button type="button" class="button subtle" on:click=add>{move || locale.t(Msg::AddProduct)}</button>
        </fieldset>
    }
}

#[component]
fn NotesField(draft: TypedDeal) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="field">
            <label class="field-label" for="deal_notes">{move || locale.t(Msg::Notes)}</label>
            <textarea
                id="deal_notes"
                rows="3"
                aria-describedby="deal_notes-error"
                prop:value=move || draft.deal.with(|d| d.notes.clone())
                on:input=move |ev| {
                    let notes = event_target_value(&ev);
                    draft.deal.update(|d| d.notes = notes);
                }
            ></textarea>
            <span class="field-error" id="deal_notes-error" role="alert">{move || draft.problem("notes", None).get()}</span>
        </div>
    }
}

/// The deal's moves between stages, newest first.
#[component]
fn StageHistory(deal: Deal, pipeline: Pipeline) -> impl IntoView {
    let locale = use_locale();
    let stage_name = move |id: &Id| {
        pipeline
            .stage(id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    };
    let entries = deal
        .stage_history
        .iter()
        .rev()
        .map(|change| {
            let from = change.from.as_ref().map(&stage_name);
            let to = stage_name(&change.to);
            let day = Day::from_unix_ms(change.at);
            view! {
                <li>
                    <span class="row-sub">{move || day_text(day)}</span>
                    " "
                    <bdi>{from.map(|from| format!("{from} → "))}{to}</bdi>
                </li>
            }
        })
        .collect_view();
    view! {
        <details class="stage-history">
            <summary>{move || locale.t(Msg::StageHistory)}</summary>
            <ol class="plain">{entries}</ol>
        </details>
    }
}

/// Deletes the deal, closes the form and offers to undo.
#[component]
fn DeleteDeal(draft: TypedDeal, on_done: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let refused = refused(Some(EntityKind::Deal));
    let delete = move |_| {
        if let Some(deal) = draft.draft.original() {
            let title = deal.title.clone();
            delete_with_undo(deal, title, move || on_done.run(()));
        }
    };
    view! {
        <p class="form-extra">
            <button type="button" class="button danger" disabled=move || refused.get().is_some() on:click=delete>
                {move || locale.t(Msg::Delete)}
            </button>
        </p>
    }
}
