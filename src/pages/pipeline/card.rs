//! A deal's card on the board: what a salesperson scans for (value, customer, close date, days
//! in stage, next task, staleness) and the ways to move it without a mouse.

use super::{
    drag::DragState,
    moves::{move_to_stage, MovedBy},
    state::{use_page, Editing},
};
use crate::i18n::phrase;
use crate::{
    i18n::{use_locale, Counted, Msg},
    local_time::{format_date, local_day, use_calendar},
    ui::format::{day_text, money_text, party_text},
    workspace::use_workspace,
};
use leptos::{html, prelude::*};
use rabet_domain::{
    id::Id,
    model::{Deal, DealStatus},
    report::board::{is_stale, next_stage, previous_stage},
};
use web_sys::KeyboardEvent;

/// The id of the hidden text that tells keyboard users how to move a card.
pub const KEYS_HINT_ID: &str = "deal-card-keys";

/// Where the card's buttons move the deal.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Targets {
    previous: Option<(Id, String)>,
    next: Option<(Id, String)>,
    won: Option<Id>,
    has_lost: bool,
}

#[component]
pub fn DealCard(id: Id) -> impl IntoView {
    let page = use_page();
    let deal = Memo::new(move |_| page.deal(&id));
    move || deal.get().map(|deal| view! { <CardBody deal=deal /> })
}

#[component]
fn CardBody(deal: Deal) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let page = use_page();
    let drag = expect_context::<DragState>();
    let card = NodeRef::<html::Article>::new();
    let id = deal.id.clone();

    let targets = Memo::new({
        let deal = deal.clone();
        move |_| {
            page.pipeline.with(|pipeline| {
                let Some(pipeline) = pipeline else {
                    return Targets::default();
                };
                let named =
                    |stage: &rabet_domain::model::Stage| (stage.id.clone(), stage.name.clone());
                Targets {
                    previous: previous_stage(pipeline, &deal).map(named),
                    next: next_stage(pipeline, &deal).map(named),
                    won: pipeline
                        .first_stage_with(DealStatus::Won)
                        .map(|s| s.id.clone()),
                    has_lost: pipeline.first_stage_with(DealStatus::Lost).is_some(),
                }
            })
        }
    });
    let deal_id = StoredValue::new(id.clone());
    let saving = {
        let id = id.clone();
        move || page.pending.with(|pending| pending.contains_key(&id))
    };
    let move_to = move |stage: Option<Id>, by: MovedBy| {
        if let Some(stage) = stage {
            move_to_stage(page, &deal_id.get_value(), &stage, None, by);
        }
    };
    let on_keydown = {
        let id = id.clone();
        move |ev: KeyboardEvent| {
            if ev.alt_key() || ev.ctrl_key() || ev.meta_key() || ev.shift_key() {
                return;
            }
            let rtl = locale.lang().dir() == "rtl";
            // Arrows follow the screen: the next stage is to the left in Persian.
            let forward = match ev.key().as_str() {
                "ArrowRight" => !rtl,
                "ArrowLeft" => rtl,
                "Enter" if ev.target() == ev.current_target() => {
                    page.editing.set(Some(Editing::Existing(id.clone())));
                    return;
                }
                _ => return,
            };
            ev.prevent_default();
            let target = targets.with_untracked(|t| {
                if forward {
                    t.next.clone()
                } else {
                    t.previous.clone()
                }
            });
            move_to(target.map(|(stage, _)| stage), MovedBy::Keyboard);
        }
    };
    {
        let id = id.clone();
        Effect::new(move |_| {
            let wanted = page.refocus.with(|r| r.as_ref() == Some(&id));
            if let (true, Some(card)) = (wanted, card.get()) {
                let _ = card.focus();
                page.refocus.set(None);
            }
        });
    }

    let settings = workspace.settings.get_untracked();
    let stale = is_stale(
        &deal,
        // The deal's activities through the index: the board never goes over every activity.
        workspace.activities.with_untracked(|activities| {
            activities
                .naming(&id)
                .filter(|activity| activity.deal_id.as_ref() == Some(&id))
                .map(|activity| activity.at)
                .max()
        }),
        page.now,
        settings.stale_deal_days,
    );
    let party = party_text(&deal);
    let today = local_day(page.now);
    let close = deal.expected_close.map(|day| {
        let overdue = day < today;
        view! { <span class="deal-close" class:overdue=overdue>{move || locale.fill(phrase::ClosesOn { date: &day_text(day) })}</span> }
    });
    let days = deal.days_in_stage(page.now);
    let task = {
        let id = id.clone();
        move || {
            page.next_tasks
                .with(|tasks| tasks.get(&id).cloned())
                .map(|task| {
                    let due = task
                        .due_at
                        .map(|at| {
                            format!(
                                " · {}",
                                format_date(at, use_calendar().get(), locale.lang())
                            )
                        })
                        .unwrap_or_default();
                    let text = locale.fill(phrase::NextTask { task: &task.title });
                    view! { <p class="deal-task"><bdi>{text}</bdi>{due}</p> }
                })
        }
    };
    let stale_hint = move || locale.count(Counted::StaleHint, settings.stale_deal_days as usize);
    let dragging = {
        let id = id.clone();
        move || drag.dragging.with(|d| d.as_ref() == Some(&id))
    };
    let move_button = move |target: fn(&Targets) -> Option<(Id, String)>, glyph: &'static str| {
        let label = move || {
            targets
                .with(target)
                .map(|(_, name)| locale.fill(phrase::MoveToStage { stage: &name }))
        };
        view! {
            <button
                type="button"
                class="button subtle deal-move"
                aria-label=label
                title=label
                disabled=move || targets.with(|t| target(t).is_none())
                // With no stage that way it does nothing and has no name: hidden from
                // assistive technology (disabled, it takes no focus either).
                aria-hidden=move || targets.with(|t| target(t).is_none()).then_some("true")
                on:click=move |_| move_to(targets.with_untracked(|t| target(t).map(|(id, _)| id)), MovedBy::Pointer)
            >
                // ‹ and › are mirrored by the browser in right-to-left text, so they point the
                // way the deal moves in either language.
                <span aria-hidden="true">{glyph}</span>
            </button>
        }
    };
    let title = deal.title.clone();
    let open = {
        let id = id.clone();
        move |_| page.editing.set(Some(Editing::Existing(id.clone())))
    };
    let win = move |_| move_to(targets.with_untracked(|t| t.won.clone()), MovedBy::Pointer);
    let lose = {
        let id = id.clone();
        move |_| page.losing.set(Some(id.clone()))
    };

    view! {
        <article
            class="deal-card"
            class:stale=stale
            class:dragging=dragging
            node_ref=card
            tabindex="0"
            draggable="true"
            data-deal-id=id.to_string()
            // Busy while its move is being saved: a reload then would lose it.
            aria-busy=move || saving().then_some("true")
            aria-label=title
            aria-keyshortcuts="ArrowLeft ArrowRight"
            aria-describedby=KEYS_HINT_ID
            on:keydown=on_keydown
        >
            <div class="deal-card-top">
                <button type="button" class="deal-title" on:click=open>
                    <bdi>{title.clone()}</bdi>
                </button>
                {stale.then(|| view! { <span class="badge stale-badge" title=stale_hint>{move || locale.t(Msg::Stale)}</span> })}
            </div>
            {(!party.is_empty()).then(|| view! { <bdi class="deal-party">{party}</bdi> })}
            <p class="deal-figures">
                <span class="deal-value">{move || money_text(deal.value.minor, deal.value.currency)}</span>
                {close}
            </p>
            <p class="deal-age">
                {move || locale.count(Counted::DaysInStage, days as usize)}
            </p>
            {task}
            <div class="deal-actions">
                {move_button(|t| t.previous.clone(), "‹")}
                <button
                    type="button"
                    class="button subtle deal-won"
                    on:click=win
                    disabled=move || targets.with(|t| t.won.is_none())
                >
                    {move || locale.t(Msg::DealWon)}
                </button>
                <button
                    type="button"
                    class="button subtle deal-lost"
                    on:click=lose
                    disabled=move || targets.with(|t| !t.has_lost)
                >
                    {move || locale.t(Msg::DealLost)}
                </button>
                {move_button(|t| t.next.clone(), "›")}
            </div>
        </article>
    }
}
