//! Creating and editing a deal in a dialog: title, customer, stage (won and lost too, lost with
//! a reason), value or product lines, expected close in the workspace calendar, owner, source
//! and campaign, tags and notes. Typed amounts and dates are checked and explained next to
//! their field, and nothing typed is lost when a save fails.

use super::{
    format::{amount_input_text, day_text, money_text},
    lost::LostReasonPicker,
    picker::RecordPicker,
};
use crate::{
    editing::{delete_with_undo, remembered_member},
    i18n::{source_msg, store_error_msg, use_locale, Locale, Msg},
    local_time::{now_ms, use_calendar, DayField, DayText},
    store::new_id,
    widgets::{enum_select, FormDialog, IdSelect, TextField},
    workspace::use_workspace,
};
use leptos::prelude::*;
use rabet_domain::{
    calendar::Day,
    id::Id,
    locale::{parse_money, to_ascii_digits, MoneyError},
    model::{
        lines_subtotal_minor, Company, Contact, Deal, DealStatus, Discount, LeadSource, LineItem,
        Pipeline,
    },
    money::{Currency, Money},
    report::board::{move_deal, MoveError},
    validate::{Validate, ValidationError, ValidationErrorKind},
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

/// Why a field was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Problem {
    Rule(ValidationError),
    Amount(MoneyError),
    WholeNumber,
    Percent,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FieldProblem {
    /// The deal's field name, as validation names it.
    field: &'static str,
    /// The line, for line fields.
    index: Option<usize>,
    problem: Problem,
}

impl Problem {
    fn describe(self, locale: Locale) -> String {
        let msg = match self {
            Problem::Rule(error) => return locale.validation(&error),
            Problem::Amount(MoneyError::TooManyDecimals { max }) => {
                let max = locale.number(max as usize);
                return locale.fill(Msg::ErrAmountDecimals, &[("max", &max)]);
            }
            Problem::Amount(_) => Msg::ErrAmount,
            Problem::WholeNumber => Msg::ErrWholeNumber,
            Problem::Percent => Msg::ErrOutOfRange,
        };
        locale.t(msg).to_owned()
    }
}

/// A typed percentage ("12.5", "۱۲٫۵٪") in basis points.
fn parse_percent(text: &str) -> Option<u32> {
    let ascii = to_ascii_digits(text.trim()).replace('\u{066B}', ".");
    let number: f64 = ascii
        .trim_end_matches(['%', '\u{066A}'])
        .trim()
        .parse()
        .ok()?;
    (0.0..=100.0)
        .contains(&number)
        .then(|| (number * 100.0).round() as u32)
}

impl LineDraft {
    fn from_line(line: &LineItem, currency: Currency, locale: Locale) -> Self {
        let percent = match line.discount {
            Discount::Percent { basis_points } => locale
                .lang()
                .localize_digits(&format!("{}", f64::from(basis_points) / 100.0)),
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

    /// The line, or what is wrong with each of its fields.
    fn parse(&self, currency: Currency) -> Result<LineItem, Vec<(&'static str, Problem)>> {
        let mut problems = Vec::new();
        let quantity = to_ascii_digits(self.quantity.trim()).parse::<u32>();
        if quantity.is_err() {
            problems.push(("lines.quantity", Problem::WholeNumber));
        }
        let price = parse_money(&self.unit_price, currency);
        if let Err(error) = price {
            problems.push(("lines.unit_price_minor", Problem::Amount(error)));
        }
        let discount = if self.discount_pct.trim().is_empty() {
            Some(Discount::None)
        } else {
            parse_percent(&self.discount_pct).map(|basis_points| Discount::Percent { basis_points })
        };
        if discount.is_none() {
            problems.push(("lines.discount", Problem::Percent));
        }
        match (quantity, price, discount) {
            (Ok(quantity), Ok(price), Some(discount)) => Ok(LineItem {
                product_id: self.product_id.clone(),
                description: self.description.trim().to_owned(),
                quantity,
                unit_price_minor: price.minor,
                discount,
            }),
            _ => Err(problems),
        }
    }
}

/// Splits "a, b، c" into tags, trimmed, without blanks or repeats.
fn parse_tags(text: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in text
        .split([',', '،', ';'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_owned());
        }
    }
    tags
}

/// The form's state: the deal's plain fields in `deal`, typed numbers and dates as text.
#[derive(Clone, Copy)]
struct DealDraft {
    original: StoredValue<Option<Deal>>,
    deal: RwSignal<Deal>,
    value: RwSignal<String>,
    close: DayText,
    tags: RwSignal<String>,
    lines: RwSignal<Vec<LineDraft>>,
    stage: RwSignal<Id>,
    lost_reason: RwSignal<String>,
    problems: RwSignal<Vec<FieldProblem>>,
    saving: RwSignal<bool>,
    failure: RwSignal<Option<Msg>>,
}

impl DealDraft {
    fn new(deal: Deal, original: Option<Deal>, stage: Id, locale: Locale) -> Self {
        let currency = deal.value.currency;
        DealDraft {
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
            tags: RwSignal::new(deal.tags.join(", ")),
            lines: RwSignal::new(
                deal.lines
                    .iter()
                    .map(|line| LineDraft::from_line(line, currency, locale))
                    .collect(),
            ),
            stage: RwSignal::new(stage),
            lost_reason: RwSignal::new(deal.lost_reason.clone()),
            deal: RwSignal::new(deal),
            original: StoredValue::new(original),
            problems: RwSignal::new(Vec::new()),
            saving: RwSignal::new(false),
            failure: RwSignal::new(None),
        }
    }

    /// The first problem of `field` (of line `index`), in words.
    fn problem(self, field: &'static str, index: Option<usize>) -> Signal<Option<String>> {
        let locale = use_locale();
        Signal::derive(move || {
            self.problems.with(|problems| {
                problems
                    .iter()
                    .find(|p| p.field == field && p.index == index)
                    .map(|p| p.problem.describe(locale))
            })
        })
    }

    /// The lines' sum while they are typed, counting the lines that already parse.
    fn lines_total(self) -> Option<i64> {
        let currency = self.deal.with(|d| d.value.currency);
        self.lines.with(|lines| {
            (!lines.is_empty()).then(|| {
                let parsed: Vec<LineItem> = lines
                    .iter()
                    .filter_map(|l| l.parse(currency).ok())
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
    ) -> Result<Deal, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let mut deal = self.deal.get_untracked();
        let currency = deal.value.currency;
        deal.title = deal.title.split_whitespace().collect::<Vec<_>>().join(" ");
        deal.notes = deal.notes.trim().to_owned();
        deal.tags = parse_tags(&self.tags.get_untracked());

        deal.lines = Vec::new();
        for (index, draft) in self.lines.get_untracked().iter().enumerate() {
            match draft.parse(currency) {
                Ok(line) => deal.lines.push(line),
                Err(found) => {
                    problems.extend(found.into_iter().map(|(field, problem)| FieldProblem {
                        field,
                        index: Some(index),
                        problem,
                    }))
                }
            }
        }
        if !self.lines.with_untracked(Vec::is_empty) {
            deal.value.minor = lines_subtotal_minor(&deal.lines);
        } else {
            match parse_money(&self.value.get_untracked(), currency) {
                Ok(value) => deal.value = value,
                Err(MoneyError::Empty) => deal.value.minor = 0,
                Err(error) => problems.push(FieldProblem {
                    field: "value",
                    index: None,
                    problem: Problem::Amount(error),
                }),
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
            Err(MoveError::LostReasonRequired) => problems.push(FieldProblem {
                field: "lost_reason",
                index: None,
                problem: Problem::Rule(ValidationError {
                    field: "lost_reason",
                    index: None,
                    kind: ValidationErrorKind::Required,
                }),
            }),
            Err(_) => {}
        }
        problems.extend(deal.validate().into_iter().map(|error| FieldProblem {
            field: error.field,
            index: error.index,
            problem: Problem::Rule(error),
        }));
        if problems.is_empty() {
            Ok(deal)
        } else {
            Err(problems)
        }
    }

    fn submit(self, pipeline: &Pipeline, on_done: Callback<()>) {
        // An unreadable date is explained by its field.
        let Ok(expected_close) = self.close.day(use_calendar().get_untracked()) else {
            return;
        };
        let deal = match self.build(pipeline, expected_close, now_ms()) {
            Ok(deal) => deal,
            Err(problems) => {
                self.problems.set(problems);
                return;
            }
        };
        self.problems.set(Vec::new());
        let workspace = use_workspace();
        self.saving.set(true);
        self.failure.set(None);
        let original = self.original.get_value();
        leptos::task::spawn_local(async move {
            let saved = workspace.save(original.as_ref(), deal).await;
            self.saving.set(false);
            match saved {
                Ok(()) => on_done.run(()),
                Err(error) => self.failure.set(Some(store_error_msg(&error))),
            }
        });
    }

    /// A getter and setter for one text field of the deal.
    fn text(
        self,
        get: fn(&Deal) -> &String,
        set: fn(&mut Deal, String),
    ) -> (
        impl Fn() -> String + Copy + Send + Sync + 'static,
        impl Fn(String) + Copy + Send + Sync + 'static,
    ) {
        let deal = self.deal;
        (
            move || deal.with(|d| get(d).clone()),
            move |value: String| deal.update(|d| set(d, value)),
        )
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
    let fresh = || Deal {
        id: new_id(),
        pipeline_id: pipeline.id.clone(),
        value: Money::new(0, workspace.settings.with_untracked(|s| s.currency)),
        owner_id: remembered_member(),
        created_at: now_ms(),
        ..Deal::default()
    };
    let deal = initial.clone().unwrap_or_else(fresh);
    let first_open = pipeline
        .first_stage_with(DealStatus::Open)
        .map(|s| s.id.clone());
    let start_stage = if is_new {
        stage.or(first_open)
    } else {
        Some(deal.stage_id.clone())
    };
    let draft = DealDraft::new(
        deal.clone(),
        initial,
        start_stage.unwrap_or_else(|| Id::from_string("")),
        locale,
    );
    let history =
        (!is_new).then(|| view! { <StageHistory deal=deal.clone() pipeline=pipeline.clone() /> });
    let pipeline = StoredValue::new(pipeline);
    let title = Signal::derive(move || locale.t(if is_new { Msg::NewDeal } else { Msg::EditDeal }));
    let (title_get, title_set) = draft.text(|d| &d.title, |d, v| d.title = v);
    let title_error = Signal::derive(move || {
        draft.problems.with(|problems| {
            problems.iter().find_map(|p| match p.problem {
                Problem::Rule(error) if p.field == "title" => Some(error),
                _ => None,
            })
        })
    });
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
            on_submit=Callback::new(move |_| pipeline.with_value(|p| draft.submit(p, on_done)))
            on_cancel=on_done
            saving=draft.saving
            failure=draft.failure
        >
            <div class="form-grid">
                <TextField label=Msg::DealTitle id="deal_title" get=title_get set=title_set autofocus=true error=title_error />
                <StageSelect draft=draft pipeline=pipeline.get_value() />
                <PartyFields draft=draft />
                <ValueFields draft=draft />
                <DayField label=Msg::ExpectedClose id="deal_close" text=draft.close />
                <OwnerSourceFields draft=draft />
            </div>
            <Show when=is_lost_stage>
                <LostReasonPicker reason=draft.lost_reason error=draft.problem("lost_reason", None) />
            </Show>
            <LineItems draft=draft />
            <NotesField draft=draft />
            {history}
            {(!is_new).then(|| view! { <DeleteDeal draft=draft on_done=on_done /> })}
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
fn StageSelect(draft: DealDraft, pipeline: Pipeline) -> impl IntoView {
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
                on:change=move |ev| draft.stage.set(Id::from_string(event_target_value(&ev)))
            >
                {options}
            </select>
        </Field>
    }
}

#[component]
fn PartyFields(draft: DealDraft) -> impl IntoView {
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
fn ValueFields(draft: DealDraft) -> impl IntoView {
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
                aria-invalid=move || draft.problems.with(|p| p.iter().any(|p| p.field == "value")).to_string()
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
fn OwnerSourceFields(draft: DealDraft) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let members = Signal::derive(move || {
        workspace.members.with(|members| {
            let mut all: Vec<(Id, String)> = members
                .iter()
                .map(|m| (m.id.clone(), m.display_name().to_owned()))
                .collect();
            all.sort_by(|a, b| a.1.cmp(&b.1));
            all
        })
    });
    let campaigns = Signal::derive(move || {
        workspace.campaigns.with(|c| {
            c.iter()
                .map(|c| (c.id.clone(), c.name.clone()))
                .collect::<Vec<_>>()
        })
    });
    let (tags_get, tags_set) = (move || draft.tags.get(), move |v| draft.tags.set(v));
    view! {
        <IdSelect
            label=Msg::Owner
            id="deal_owner"
            none=Msg::Unassigned
            options=members
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
        <TextField label=Msg::Tags id="deal_tags" get=tags_get set=tags_set />
    }
}

#[component]
fn LineItems(draft: DealDraft) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let products = Memo::new(move |_| {
        workspace.products.with(|products| {
            let mut offered: Vec<(Id, String, Money)> = products
                .iter()
                .filter(|p| p.active)
                .map(|p| (p.id.clone(), p.name.clone(), p.price))
                .collect();
            offered.sort_by(|a, b| a.1.cmp(&b.1));
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
        let named = move |msg: Msg| move || format!("{} {}", locale.t(msg), locale.number(number));
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
                .with(|l| l.get(at).and_then(|l| l.parse(currency).ok()))
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
                    aria-label=move || format!("{} {}", locale.t(Msg::Remove), named(Msg::Product)())
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
fn NotesField(draft: DealDraft) -> impl IntoView {
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
fn DeleteDeal(draft: DealDraft, on_done: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let delete = move |_| {
        if let Some(deal) = draft.original.get_value() {
            let title = deal.title.clone();
            delete_with_undo(deal, title, move || on_done.run(()));
        }
    };
    view! {
        <p class="form-extra">
            <button type="button" class="button danger" on:click=delete>{move || locale.t(Msg::Delete)}</button>
        </p>
    }
}
