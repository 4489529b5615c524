//! The kanban: a column per open stage with its count, total and weighted total, cards capped
//! per column with "show more" so thousands of deals stay smooth, and drag and drop wiring.

use super::{
    card::{DealCard, KEYS_HINT_ID},
    drag::DragState,
    moves::{move_to_stage, MovedBy},
    state::{use_page, Editing},
};
use crate::i18n::phrase;
use crate::{
    i18n::{use_locale, Counted, Msg},
    ui::format::{deal_count_text, money_text, totals_text},
};
use leptos::prelude::*;
use rabet_domain::id::Id;

/// Cards drawn per column before "show more": enough to fill a tall screen, few enough that
/// 5,000 deals draw in a blink.
const CARDS_PER_PAGE: usize = 30;

#[component]
pub fn DealBoard() -> impl IntoView {
    let locale = use_locale();
    let page = use_page();
    let drag = DragState::new();
    provide_context(drag);
    let stage_ids = Memo::new(move |_| {
        page.board.with(|b| {
            b.columns
                .iter()
                .map(|c| c.stage.id.clone())
                .collect::<Vec<_>>()
        })
    });
    let drop = move |(deal, stage): (Id, Id)| {
        move_to_stage(page, &deal, &stage, None, MovedBy::Pointer);
    };
    let summary = move || {
        page.board.with(|board| {
            let count = locale.count(Counted::OpenDeals, board.count());
            let total = totals_text(&board.total);
            let weighted = totals_text(&board.weighted);
            locale.fill(phrase::BoardSummary {
                deals: &count,
                total: &total,
                weighted: &weighted,
            })
        })
    };
    view! {
        <p class="board-summary">{summary}</p>
        <p id=KEYS_HINT_ID class="visually-hidden">{move || locale.t(Msg::CardKeysHint)}</p>
        <div
            class="board"
            node_ref=drag.board
            // Busy while a move is being saved (its card already moved): a reload then would
            // lose it.
            aria-busy=move || page.pending.with(|pending| !pending.is_empty()).then_some("true")
            on:dragstart=move |ev| drag.on_drag_start(&ev)
            on:dragover=move |ev| drag.on_drag_over(&ev)
            on:drop=move |ev| {
                if let Some(dropped) = drag.on_drop(&ev) {
                    drop(dropped);
                }
            }
            on:dragend=move |_| drag.on_drag_end()
            on:pointerdown=move |ev| drag.on_pointer_down(&ev)
            on:pointermove=move |ev| drag.on_pointer_move(&ev)
            on:pointerup=move |ev| {
                if let Some(dropped) = drag.on_pointer_up(&ev) {
                    drop(dropped);
                }
            }
            on:pointercancel=move |_| drag.end_touch_drag()
            // On the board itself, not the document, so it is not passive and can stop the
            // page from scrolling under a dragging finger.
            on:touchmove=move |ev| drag.on_touch_move(&ev)
            on:contextmenu=move |ev| drag.on_context_menu(&ev)
        >
            <UnplacedDeals />
            <For each=move || stage_ids.get() key=|id| id.clone() let:stage_id>
                <StageColumn stage_id=stage_id />
            </For>
        </div>
        <DragGhost />
    }
}

/// The figures in a column's header.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ColumnHead {
    name: String,
    count: usize,
    total: String,
    weighted: String,
}

/// The first `limit` cards of `deals`, plus the pinned one wherever it is, so a card just
/// moved never disappears below the cap.
fn shown_cards(deals: &[Id], limit: usize, pinned: Option<&Id>) -> Vec<Id> {
    deals
        .iter()
        .enumerate()
        .filter(|(at, id)| *at < limit || Some(*id) == pinned)
        .map(|(_, id)| id.clone())
        .collect()
}

#[component]
fn StageColumn(stage_id: Id) -> impl IntoView {
    let locale = use_locale();
    let page = use_page();
    let drag = expect_context::<DragState>();
    let limit = RwSignal::new(CARDS_PER_PAGE);
    let head = {
        let stage_id = stage_id.clone();
        Memo::new(move |_| {
            page.board.with(|b| {
                b.columns
                    .iter()
                    .find(|c| c.stage.id == stage_id)
                    .map(|c| ColumnHead {
                        name: c.stage.name.clone(),
                        count: c.deals.len(),
                        total: totals_text(&c.total),
                        weighted: totals_text(&c.weighted),
                    })
            })
        })
    };
    let shown = {
        let stage_id = stage_id.clone();
        Memo::new(move |_| {
            let (limit, pinned) = (limit.get(), page.pinned.get());
            page.board.with(|b| {
                b.columns
                    .iter()
                    .find(|c| c.stage.id == stage_id)
                    .map(|c| shown_cards(&c.deals, limit, pinned.as_ref()))
                    .unwrap_or_default()
            })
        })
    };
    let hidden = move || head.with(|h| h.as_ref().map_or(0, |h| h.count)) - shown.with(Vec::len);
    let field = move |read: fn(&ColumnHead) -> String| move || head.with(|h| h.as_ref().map(read));
    let heading_id = format!("stage-{stage_id}");
    let labelled_by = heading_id.clone();
    let is_target = {
        let stage_id = stage_id.clone();
        move || drag.over.with(|over| over.as_ref() == Some(&stage_id))
    };
    let add_here = {
        let stage_id = stage_id.clone();
        move |_| page.editing.set(Some(Editing::New(Some(stage_id.clone()))))
    };
    view! {
        <section
            class="board-column"
            class:drop-target=is_target
            data-stage-id=stage_id.to_string()
            aria-labelledby=labelled_by
        >
            <header class="column-head">
                <h2 id=heading_id>{field(|h| h.name.clone())}</h2>
                <p class="column-count">{move || head.with(|h| h.as_ref().map(|h| deal_count_text(h.count)))}</p>
                <dl class="column-totals">
                    <div>
                        <dt>{move || locale.t(Msg::ColumnTotal)}</dt>
                        <dd>{field(|h| h.total.clone())}</dd>
                    </div>
                    <div>
                        <dt>{move || locale.t(Msg::ColumnWeighted)}</dt>
                        <dd>{field(|h| h.weighted.clone())}</dd>
                    </div>
                </dl>
            </header>
            <ol class="column-cards">
                <For each=move || shown.get() key=|id| id.clone() let:id>
                    <li>
                        <DealCard id=id />
                    </li>
                </For>
            </ol>
            <Show when=move || { hidden() > 0 }>
                <button
                    type="button"
                    class="button subtle show-more"
                    on:click=move |_| limit.update(|l| *l += CARDS_PER_PAGE)
                >
                    {move || locale.fill(phrase::ShowMore { count: &locale.number(hidden()) })}
                </button>
            </Show>
            <button type="button" class="button subtle column-add" on:click=add_here>
                {move || {
                    let stage = head.with(|h| h.as_ref().map(|h| h.name.clone())).unwrap_or_default();
                    locale.fill(phrase::NewDealIn { stage: &stage })
                }}
            </button>
        </section>
    }
}

/// Open deals whose stage was deleted (or left closed by a sync merge): listed first so they
/// can be dragged or edited into a stage.
#[component]
fn UnplacedDeals() -> impl IntoView {
    let locale = use_locale();
    let page = use_page();
    let deals = Memo::new(move |_| {
        page.board
            .with(|b| shown_cards(&b.unplaced, CARDS_PER_PAGE, None))
    });
    view! {
        <Show when=move || deals.with(|d| !d.is_empty())>
            <section class="board-column unplaced" aria-labelledby="stage-unplaced">
                <header class="column-head">
                    <h2 id="stage-unplaced">{move || locale.t(Msg::UnplacedDeals)}</h2>
                    <p class="column-count">{move || page.board.with(|b| deal_count_text(b.unplaced.len()))}</p>
                </header>
                <ol class="column-cards">
                    <For each=move || deals.get() key=|id| id.clone() let:id>
                        <li>
                            <DealCard id=id />
                        </li>
                    </For>
                </ol>
            </section>
        </Show>
    }
}

/// The card under a dragging finger.
#[component]
fn DragGhost() -> impl IntoView {
    let locale = use_locale();
    let page = use_page();
    let drag = expect_context::<DragState>();
    let deal = Memo::new(move |_| drag.dragging.get().and_then(|id| page.deal(&id)));
    let transform = move || {
        drag.finger
            .get()
            .map(|(x, y)| format!("translate({x}px, {y}px) translate(-50%, -50%)"))
    };
    view! {
        <Show when=move || drag.finger.with(Option::is_some)>
            <div class="drag-layer" aria-hidden="true">
                <div class="drag-ghost" dir=move || locale.lang().dir() style:transform=transform>
                    {move || deal.get().map(|deal| view! {
                        <bdi class="deal-title">{deal.title}</bdi>
                        <span class="deal-value">{money_text(deal.value.minor, deal.value.currency)}</span>
                    })}
                </div>
            </div>
        </Show>
    }
}
