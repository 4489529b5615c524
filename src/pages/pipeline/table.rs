//! Every deal of the pipeline, open, won and lost, as a table sortable by any column, with the
//! board's filters.

use super::lost::LostReasonPicker;
use super::state::{use_page, Editing, PageState};
use crate::download::file_saver;
use crate::i18n::phrase;
use crate::ui::bulk::{Bulk, BulkBar, RowCheck, SelectAll, StateChoice};
use crate::ui::columns::{CustomColumnCells, CustomColumnHeaders, CustomListControls};
use crate::ui::editing::remembered_member;
use crate::{
    i18n::{use_locale, Locale, Msg},
    ui::{
        format::{day_text, member_name, money_text, party_text},
        labels::deal_status_msg,
    },
    workspace::use_workspace,
};
use leptos::prelude::*;
use rabet_domain::sorting::{sort_by, sort_by_key};
use rabet_domain::{
    bulk::StageMove,
    csv,
    export::plain_amount,
    id::Id,
    model::{Deal, DealStatus},
    report::board::BoardFilter,
    search::normalize,
};
use std::cmp::Ordering;

/// Rows drawn before "show more".
const ROWS_PER_PAGE: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    Title,
    Stage,
    Status,
    Value,
    Close,
    Owner,
}

impl SortKey {
    const COLUMNS: [(SortKey, Msg); 6] = [
        (SortKey::Title, Msg::DealTitle),
        (SortKey::Stage, Msg::DealStage),
        (SortKey::Status, Msg::DealStatusHeader),
        (SortKey::Value, Msg::DealValue),
        (SortKey::Close, Msg::ExpectedClose),
        (SortKey::Owner, Msg::Owner),
    ];
    const KEYS: [(SortKey, &'static str); 6] = [
        (SortKey::Title, "title"),
        (SortKey::Stage, "stage"),
        (SortKey::Status, "status"),
        (SortKey::Value, "value"),
        (SortKey::Close, "close"),
        (SortKey::Owner, "owner"),
    ];

    /// The column's name in a saved view.
    pub fn key(self) -> &'static str {
        SortKey::KEYS
            .iter()
            .find(|(key, _)| *key == self)
            .map_or("close", |(_, name)| name)
    }

    pub fn parse(name: &str) -> Option<SortKey> {
        SortKey::KEYS
            .iter()
            .find(|(_, known)| *known == name)
            .map(|(key, _)| *key)
    }
}

/// Whether a deal of any status passes the board's filters. `Board::build` applies the same
/// rules to open deals only, so the table repeats them for won and lost ones.
fn admits(filter: &BoardFilter, deal: &Deal, text: impl FnOnce() -> String) -> bool {
    let tag = filter.tag.as_deref().map(normalize);
    filter
        .owner
        .as_ref()
        .is_none_or(|owner| deal.owner_id.as_ref() == Some(owner))
        && filter
            .source
            .is_none_or(|source| deal.source == Some(source))
        && tag.is_none_or(|tag| deal.tags.iter().any(|t| normalize(t) == tag))
        && (filter.query.is_empty() || filter.query.matches(&text()))
}

#[component]
pub fn DealTable() -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let page = use_page();
    let sort = page.sort;
    let limit = RwSignal::new(ROWS_PER_PAGE);
    let owner_names = Memo::new(move |_| {
        workspace.members.with(|m| {
            m.iter()
                .map(|m| (m.id.clone(), m.display_name().to_owned()))
                .collect::<std::collections::HashMap<_, _>>()
        })
    });
    let rows = Memo::new(move |_| {
        let Some(pipeline) = page.pipeline.get() else {
            return Vec::new();
        };
        let filter = page.filter.get();
        let (key, ascending) = sort.get();
        let admits_custom = page.custom.admits();
        let by_field = page.custom.sort_key();
        let stage_order = |deal: &Deal| pipeline.stages.iter().position(|s| s.id == deal.stage_id);
        let owner = |deal: &Deal| {
            deal.owner_id
                .as_ref()
                .and_then(|id| owner_names.with(|names| names.get(id).map(|n| normalize(n))))
        };
        page.pending.with(|pending| {
            workspace.deals.with(|deals| {
                let mut shown: Vec<(usize, &Deal)> = deals
                    .iter()
                    .map(|deal| pending.get(&deal.id).unwrap_or(deal))
                    .enumerate()
                    .filter(|(_, deal)| deal.pipeline_id == pipeline.id)
                    .filter(|(_, deal)| {
                        admits(&filter, deal, || {
                            let party = party_text(deal);
                            rabet_domain::report::board::deal_search_text(
                                deal,
                                [party.as_str()],
                                [],
                            )
                        })
                    })
                    .filter(|(_, deal)| admits_custom(&deal.custom))
                    .collect();
                if let Some(field_key) = &by_field {
                    sort_by_key(&mut shown, |(_, deal)| {
                        (field_key(&deal.custom), deal.id.clone())
                    });
                    return shown.into_iter().map(|(at, _)| at).collect::<Vec<usize>>();
                }
                sort_by(&mut shown, |(_, a), (_, b)| {
                    let order = match key {
                        SortKey::Title => normalize(&a.title).cmp(&normalize(&b.title)),
                        SortKey::Stage => stage_order(a).cmp(&stage_order(b)),
                        SortKey::Status => status_rank(a.status).cmp(&status_rank(b.status)),
                        SortKey::Value => (a.value.currency, a.value.minor)
                            .cmp(&(b.value.currency, b.value.minor)),
                        SortKey::Close => last_if_none(a.expected_close, b.expected_close),
                        SortKey::Owner => last_if_none(owner(a), owner(b)),
                    };
                    let order = if ascending { order } else { order.reverse() };
                    order.then_with(|| a.id.cmp(&b.id))
                });
                shown.into_iter().map(|(at, _)| at).collect::<Vec<usize>>()
            })
        })
    });
    let shown = Memo::new(move |_| {
        workspace.deals.with(|deals| {
            rows.with(|r| {
                r.iter()
                    .take(limit.get())
                    .map(|&at| deals.at(at).id.clone())
                    .collect::<Vec<Id>>()
            })
        })
    });
    let bulk = Bulk::<Deal>::new(rows, move || {
        (
            page.filter.get(),
            page.pipeline.with(|p| p.as_ref().map(|p| p.id.clone())),
            page.custom.filter_key(),
        )
    });
    // A lost stage asks its reason once, beside the stage, for every deal moved.
    let lost_reason = RwSignal::new(String::new());
    let lost_error = RwSignal::new(None::<String>);
    let stage_named = move |id: &str| {
        page.pipeline.with_untracked(|p| {
            p.as_ref()
                .and_then(|p| p.stages.iter().find(|s| *s.id.as_str() == *id).cloned())
        })
    };
    let stage_choice = StateChoice {
        label: Msg::DealStage,
        button: Msg::BulkSetStage,
        options: Signal::derive(move || {
            page.pipeline.with(|p| {
                p.iter()
                    .flat_map(|p| &p.stages)
                    .map(|stage| (stage.id.to_string(), locale.given_name(&stage.name)))
                    .collect()
            })
        }),
        named: Callback::new(move |id: String| {
            let stage = stage_named(&id)?;
            let reason = lost_reason.get_untracked();
            if stage.outcome == DealStatus::Lost && reason.trim().is_empty() {
                lost_error.set(Some(locale.t(Msg::ErrRequired).to_owned()));
                return None;
            }
            lost_error.set(None);
            Some(StageMove {
                stage,
                by: remembered_member(),
                lost_reason: reason,
            })
        }),
        asks: Some(Callback::new(move |id: String| {
            let lost = stage_named(&id).is_some_and(|stage| stage.outcome == DealStatus::Lost);
            lost.then(|| view! { <LostReasonPicker reason=lost_reason error=lost_error.into() /> })
                .into_any()
        })),
    };
    let save_file = file_saver();
    let export = move |()| {
        let text = bulk.with_chosen(|chosen| deals_csv(locale, chosen, page));
        save_file("deals.csv", "text/csv;charset=utf-8", &text);
    };
    let header = move |(key, msg): (SortKey, Msg)| {
        // While sorted by a custom field, no column of the deal's own is.
        let state = move || {
            let by_field = page.custom.sort_value().is_some();
            sort.with(|(k, ascending)| (*k == key && !by_field).then_some(*ascending))
        };
        view! {
            <th
                scope="col"
                aria-sort=move || match state() {
                    Some(true) => "ascending",
                    Some(false) => "descending",
                    None => "none",
                }
            >
                <button
                    type="button"
                    class="sort-button"
                    on:click=move |_| {
                        page.custom.choose_sort("");
                        sort.update(|(k, ascending)| {
                            *ascending = *k != key || !*ascending;
                            *k = key;
                        });
                    }
                >
                    {move || locale.t(msg)}
                    <span aria-hidden="true" class="sort-mark">
                        {move || match state() {
                            Some(true) => "▲",
                            Some(false) => "▼",
                            None => "",
                        }}
                    </span>
                </button>
            </th>
        }
    };
    view! {
        <div class="filters">
            <CustomListControls state=page.custom />
        </div>
        <div class="bulk-scope" class:selecting=move || bulk.selecting()>
        <div class="list-head">
            <SelectAll bulk />
            <p class="list-count" aria-live="polite">
                {move || {
                    let shown = locale.number(shown.with(Vec::len));
                    let total = locale.number(rows.with(Vec::len));
                    locale.fill(phrase::ShownOfTotal { shown: &shown, total: &total })
                }}
            </p>
        </div>
        <BulkBar bulk export state=stage_choice />
        <div class="deal-table-wrap">
            <table class="deal-table">
                <thead>
                    <tr>
                        <th scope="col" class="row-check"><span class="visually-hidden">{move || locale.t(Msg::SelectMode)}</span></th>
                        {SortKey::COLUMNS.into_iter().map(header).collect_view()}
                        <th scope="col">{move || locale.t(Msg::CustomerTitle)}</th>
                        <CustomColumnHeaders state=page.custom />
                    </tr>
                </thead>
                <tbody>
                    <For each=move || shown.get() key=|id| id.clone() let:id>
                        <DealRow id=id bulk />
                    </For>
                </tbody>
            </table>
        </div>
        <Show when=move || { rows.with(Vec::len) > shown.with(Vec::len) }>
            <button type="button" class="button subtle show-more" on:click=move |_| limit.update(|l| *l += ROWS_PER_PAGE)>
                {move || {
                    let more = locale.number(rows.with(Vec::len) - shown.with(Vec::len));
                    locale.fill(phrase::ShowMore { count: &more })
                }}
            </button>
        </Show>
        </div>
    }
}

/// The chosen deals as CSV, with the table's columns in the reader's language.
fn deals_csv(locale: Locale, deals: &[&Deal], page: PageState) -> String {
    // Deals may be in different currencies: the code follows the plain value it qualifies.
    let headers: Vec<&str> = SortKey::COLUMNS
        .iter()
        .flat_map(|(key, msg)| {
            let currency = (*key == SortKey::Value).then(|| locale.t(Msg::Currency));
            std::iter::once(locale.t(*msg)).chain(currency)
        })
        .chain([locale.t(Msg::CustomerTitle)])
        .collect();
    let pipeline = page.pipeline.get_untracked();
    let rows = deals.iter().map(|deal| {
        let stage = pipeline
            .as_ref()
            .and_then(|p| p.stage(&deal.stage_id))
            .map(|s| locale.given_name(&s.name))
            .unwrap_or_default();
        let owner = member_name(deal.owner_id.as_ref());
        [
            deal.title.clone(),
            stage,
            locale.t(deal_status_msg(deal.status)).to_owned(),
            // A number a spreadsheet and the importer read, not the amount as shown.
            plain_amount(deal.value),
            deal.value.currency.code().to_owned(),
            deal.expected_close.map(day_text).unwrap_or_default(),
            owner,
            party_text(deal),
        ]
    });
    csv::write(&headers, rows)
}

fn status_rank(status: DealStatus) -> u8 {
    match status {
        DealStatus::Open => 0,
        DealStatus::Won => 1,
        DealStatus::Lost => 2,
    }
}

/// Ascending order with missing values after all present ones.
fn last_if_none<T: Ord>(a: Option<T>, b: Option<T>) -> Ordering {
    (a.is_none(), a).cmp(&(b.is_none(), b))
}

#[component]
fn DealRow(id: Id, bulk: Bulk<Deal>) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let page = use_page();
    let deal = Memo::new(move |_| page.deal(&id));
    move || {
        deal.get().map(|deal| {
            let stage = page
                .pipeline
                .with(|p| p.as_ref().and_then(|p| p.stage(&deal.stage_id)).map(|s| s.name.clone()))
                .unwrap_or_default();
            let lost_reason = locale.given_name(&deal.lost_reason);
            let owner = deal.owner_id.as_ref().and_then(|id| {
                workspace.members.with(|m| m.get(id).map(|m| m.display_name().to_owned()))
            });
            let status = deal.status;
            let reason = (status == DealStatus::Lost).then_some(lost_reason);
            let close = deal.expected_close;
            let id = deal.id.clone();
            view! {
                <tr class=format!("deal-row status-{}", status.as_str())>
                    <td class="row-check"><RowCheck bulk id=id.clone() name=deal.title.clone() /></td>
                    <th scope="row">
                        <button
                            type="button"
                            class="deal-title"
                            on:click=move |_| page.editing.set(Some(Editing::Existing(id.clone())))
                        >
                            <bdi>{deal.title.clone()}</bdi>
                        </button>
                    </th>
                    <td><bdi>{stage}</bdi></td>
                    <td>{move || match &reason {
                        Some(reason) => locale.fill(phrase::StatusBecause { status: locale.t(deal_status_msg(status)), reason }),
                        None => locale.t(deal_status_msg(status)).to_owned(),
                    }}</td>
                    <td class="number">{move || money_text(deal.value.minor, deal.value.currency)}</td>
                    <td>{move || close.map(day_text)}</td>
                    <td><bdi>{owner}</bdi></td>
                    <td><bdi>{party_text(&deal)}</bdi></td>
                    <CustomColumnCells state=page.custom values=deal.custom.clone() />
                </tr>
            }
        })
    }
}
