//! The segment form: a name and the criteria of a `SegmentFilter`, with the number of contacts
//! that match as the user types.

use super::member_positions;
use crate::{
    i18n::{source_msg, stage_msg, use_locale, Counted, Msg},
    local_time::{now_ms, use_calendar},
    ui::{
        criteria::CustomCriteria,
        draft::Draft,
        inputs::{AmountField, AmountText, DayField, DayText, MemberSelect, TagsField},
        labels::rfm_class_msg,
        widgets::{FormDialog, TextField},
    },
    workspace::{use_workspace, Workspace},
};
use leptos::prelude::*;
use rabet_domain::{
    id::Id,
    input::{parse_tags, tags_input_text},
    model::{LeadSource, LifecycleStage, RfmClass, Segment, SegmentFilter},
    money::Money,
};

/// Checkboxes over a list criterion of the filter.
#[component]
fn CheckGroup<T>(
    legend: Msg,
    options: &'static [T],
    text: fn(T) -> Msg,
    list: fn(&SegmentFilter) -> &Vec<T>,
    list_mut: fn(&mut SegmentFilter) -> &mut Vec<T>,
    record: RwSignal<Segment>,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let locale = use_locale();
    let toggle = move |option: T, on: bool| {
        record.update(|s| {
            let chosen = list_mut(&mut s.filter);
            chosen.retain(|o| *o != option);
            if on {
                chosen.push(option);
            }
        })
    };
    view! {
        <fieldset class="check-group">
            <legend class="field-label">{move || locale.t(legend)}</legend>
            {options.iter().copied().map(|option| view! {
                <label class="check">
                    <input type="checkbox"
                        prop:checked=move || record.with(|s| list(&s.filter).contains(&option))
                        on:change=move |ev| toggle(option, event_target_checked(&ev)) />
                    {move || locale.t(text(option))}
                </label>
            }).collect_view()}
        </fieldset>
    }
}

#[component]
pub fn SegmentForm(initial: Option<Segment>, on_done: Callback<Option<Id>>) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let calendar = use_calendar();
    let lang = untrack(|| locale.lang());
    let currency = workspace.settings.with_untracked(|s| s.currency);
    let filter = initial
        .as_ref()
        .map(|s| s.filter.clone())
        .unwrap_or_default();
    let tags = RwSignal::new(tags_input_text(&filter.tags));
    let custom = RwSignal::new(filter.custom.clone());
    let before = DayText::new(filter.last_purchase_before, calendar.get_untracked(), lang);
    let after = DayText::new(filter.last_purchase_after, calendar.get_untracked(), lang);
    let min_spend = AmountText::new(
        filter
            .min_spend_minor
            .map(|minor| Money::new(minor, currency)),
        currency,
    );
    let draft = Draft::new(initial, || Segment {
        id: Workspace::new_id(),
        ..Segment::default()
    });
    let record = draft.record;
    let title = draft.title(Msg::NewSegment, Msg::EditSegment);
    // The filter as typed so far; `None` while a day or amount cannot be read.
    let typed = move || {
        let calendar = calendar.get();
        let mut filter = record.with(|s| s.filter.clone());
        filter.tags = parse_tags(&tags.get());
        filter.custom = custom.get();
        filter.last_purchase_before = before.day(calendar).ok()?;
        filter.last_purchase_after = after.day(calendar).ok()?;
        filter.min_spend_minor = min_spend.amount().ok()?.map(|money| money.minor);
        Some(filter)
    };
    let now = now_ms();
    let matching = Memo::new(move |_| {
        typed().map(|filter| member_positions(workspace, &[filter], now)[0].len())
    });
    let submit = move |_| {
        let Some(filter) = untrack(typed) else {
            draft.failure.set(Some(Msg::FixHighlighted));
            return;
        };
        let mut segment = record.get_untracked();
        segment.name = segment.name.trim().to_owned();
        segment.filter = filter;
        draft.submit(segment, move |saved| on_done.run(Some(saved.id)));
    };
    view! {
        <FormDialog title=title on_submit=Callback::new(submit) on_cancel=Callback::new(move |_| on_done.run(None))
            saving=draft.saving() failure=draft.failure kind=draft.kind()>
            <div class="form-grid">
                <TextField label=Msg::SegmentName id="segment-name" autofocus=true error=draft.error("name")
                    get=move || record.with(|s| s.name.clone()) set=move |v| record.update(|s| s.name = v) />
                <TextField label=Msg::SearchText id="segment-text"
                    get=move || record.with(|s| s.filter.text.clone()) set=move |v| record.update(|s| s.filter.text = v) />
                <TagsField id="segment-tags" text=tags />
                <MemberSelect label=Msg::Owner id="segment-owner" none=Msg::All
                    current=Signal::derive(move || record.with(|s| s.filter.owner_id.clone()))
                    set=move |owner| record.update(|s| s.filter.owner_id = owner) />
                <DayField label=Msg::LastPurchaseAfter id="segment-after" text=after />
                <DayField label=Msg::LastPurchaseBefore id="segment-before" text=before />
                <AmountField label=Msg::MinSpend id="segment-spend" amount=min_spend />
            </div>
            <CheckGroup legend=Msg::LifecycleStage options=LifecycleStage::ALL text=stage_msg
                list=|f| &f.lifecycle_stages list_mut=|f| &mut f.lifecycle_stages record=record />
            <CheckGroup legend=Msg::LeadSource options=LeadSource::ALL text=source_msg
                list=|f| &f.sources list_mut=|f| &mut f.sources record=record />
            <CheckGroup legend=Msg::KpiRfmClass options=RfmClass::ALL text=rfm_class_msg
                list=|f| &f.rfm_classes list_mut=|f| &mut f.rfm_classes record=record />
            <CustomCriteria criteria=custom />
            <p class="segment-matching" role="status">
                {move || matching.get().map(|count| locale.count(Counted::ContactsMatch, count))}
            </p>
        </FormDialog>
    }
}
