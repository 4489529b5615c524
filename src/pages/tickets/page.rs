//! One ticket: its status, service times against the SLA, replies, and the customer's rating.

use crate::i18n::phrase;
use crate::ui::custom_fields::CustomFieldValues;
use crate::ui::history::FieldHistory;
use crate::ui::widgets::{refused, RefusedNote};
use crate::{
    i18n::{use_locale, Msg},
    local_time::{format_duration, format_when, now_ms, use_calendar},
    records::{
        activity::{new_activity, ActivityForm},
        ticket::TicketForm,
    },
    ui::browser_title,
    ui::{
        editing::{delete_with_undo, save_change},
        labels::{activity_kind_msg, channel_msg, priority_msg, ticket_status_msg},
        parties::{customer_link, customer_of},
        PageHeader,
    },
    workspace::use_workspace,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_params_map},
};
use rabet_domain::custom_field::FieldOwner;
use rabet_domain::kind::EntityKind;
use rabet_domain::sorting::sort_by_key;
use rabet_domain::{
    model::{Activity, ActivityKind, Ticket, TicketStatus},
    service::ticket_service,
};

#[component]
pub fn TicketView() -> impl IntoView {
    let workspace = use_workspace();
    let params = use_params_map();
    let ticket = Memo::new(move |_| {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        workspace.tickets.with(|t| t.find(&id).cloned())
    });
    move || match ticket.get() {
        Some(ticket) => view! { <TicketPage ticket=ticket /> }.into_any(),
        None => view! { <MissingTicket /> }.into_any(),
    }
}

#[component]
fn MissingTicket() -> impl IntoView {
    let locale = use_locale();
    view! {
        <PageHeader title=Msg::TicketLabel intro=Msg::NotFoundTicket />
        <A href="/tickets">{move || locale.t(Msg::BackToTickets)}</A>
    }
}

/// The status moves offered for a ticket in `status`.
fn moves(status: TicketStatus) -> &'static [(Msg, TicketStatus)] {
    match status {
        TicketStatus::New => &[
            (Msg::StartWork, TicketStatus::Open),
            (Msg::ResolveTicket, TicketStatus::Resolved),
        ],
        TicketStatus::Open => &[
            (Msg::WaitForCustomer, TicketStatus::Pending),
            (Msg::ResolveTicket, TicketStatus::Resolved),
        ],
        TicketStatus::Pending => &[
            (Msg::StartWork, TicketStatus::Open),
            (Msg::ResolveTicket, TicketStatus::Resolved),
        ],
        TicketStatus::Resolved => &[
            (Msg::CloseTicket, TicketStatus::Closed),
            (Msg::ReopenTicket, TicketStatus::Open),
        ],
        TicketStatus::Closed => &[(Msg::ReopenTicket, TicketStatus::Open)],
    }
}

#[component]
fn TicketPage(ticket: Ticket) -> impl IntoView {
    let locale = use_locale();
    let refused = refused(Some(EntityKind::Ticket));
    let workspace = use_workspace();
    let calendar = use_calendar();
    let navigate = use_navigate();
    let (editing, set_editing) = signal(false);
    let (replying, set_replying) = signal(false);
    let ticket = StoredValue::new(ticket);
    let get = move || ticket.get_value();
    let customer = customer_of(get().contact_id.as_ref(), get().company_id.as_ref());
    let status = get().status;
    let replies = Memo::new(move |_| {
        let id = get().id;
        workspace.activities.with(|activities| {
            let mut replies: Vec<Activity> = activities
                .iter()
                .filter(|a| a.ticket_id.as_ref() == Some(&id))
                .cloned()
                .collect();
            sort_by_key(&mut replies, |a| std::cmp::Reverse(a.at));
            replies
        })
    });
    let service = move || replies.with(|r| ticket_service(&get(), r.iter(), now_ms()));
    let duration = move |ms: Option<i64>, missing: Msg| {
        ms.map(|ms| format_duration(ms, locale.lang()))
            .unwrap_or_else(|| locale.t(missing).to_owned())
    };
    let when = move |at: Option<i64>| at.map(|at| format_when(at, calendar.get(), locale.lang()));
    let status_buttons = moves(status)
        .iter()
        .map(|&(label, next)| {
            let primary = next == TicketStatus::Resolved;
            view! {
                <button type="button" class="button" class:primary=primary
                    on:click=move |_| save_change(get(), |t| t.set_status(next, now_ms()))>
                    {move || locale.t(label)}
                </button>
            }
        })
        .collect_view();
    let reply = move || {
        let t = get();
        Activity {
            ticket_id: Some(t.id.clone()),
            contact_id: t.contact_id.clone(),
            company_id: t.company_id.clone(),
            subject: t.subject.clone(),
            ..new_activity(ActivityKind::Email)
        }
    };
    let delete = move |_| {
        let t = get();
        let navigate = navigate.clone();
        delete_with_undo(t.clone(), t.subject.clone(), move || {
            navigate("/tickets", Default::default())
        });
    };
    let subject = get().subject;
    let title_text = subject.clone();

    view! {
        <Title text=move || browser_title(locale, &title_text) />
        <header class="page-header record-header">
            <div>
                <h1><bdi>{subject}</bdi></h1>
                <p class="page-intro">
                    <span class=format!("badge status-{}", status.as_str())>{move || locale.t(ticket_status_msg(status))}</span>
                    <span class=format!("badge priority-{}", get().priority.as_str())>{move || locale.t(priority_msg(get().priority))}</span>
                    {move || locale.t(channel_msg(get().channel))}
                    {customer.clone().map(|c| view! { " · " {customer_link(Some(c))} })}
                </p>
            </div>
            <div class="record-actions">
                {status_buttons}
                <button type="button" class="button" disabled=move || refused.get().is_some() on:click=move |_| set_replying.set(true)>{move || locale.t(Msg::LogReply)}</button>
                <button type="button" class="button" disabled=move || refused.get().is_some() on:click=move |_| set_editing.set(true)>{move || locale.t(Msg::Edit)}</button>
                <button type="button" class="button danger" disabled=move || refused.get().is_some() on:click=delete>{move || locale.t(Msg::Delete)}</button>
            </div>
        </header>
        <RefusedNote kind=EntityKind::Ticket />
        <div class="ticket-layout">
            <section class="card" aria-labelledby="ticket-service">
                <h2 id="ticket-service">{move || locale.t(Msg::ServiceSection)}</h2>
                <dl class="details">
                    <div class="detail"><dt>{move || locale.t(Msg::OpenedAt)}</dt><dd>{move || when(Some(get().created_at))}</dd></div>
                    <div class="detail"><dt>{move || locale.t(Msg::FirstResponse)}</dt><dd>{move || duration(service().first_response_ms, Msg::NotAnswered)}</dd></div>
                    <div class="detail"><dt>{move || locale.t(Msg::ResolutionTime)}</dt><dd>{move || duration(service().resolution_ms, Msg::NotResolved)}</dd></div>
                    <div class="detail">
                        <dt>{move || locale.t(Msg::SlaDue)}</dt>
                        <dd>
                            {move || when(get().sla_due_at).unwrap_or_else(|| locale.t(Msg::NoSla).to_owned())}
                            {move || service().sla_breached.then(|| view! { " " <span class="badge breached">{locale.t(Msg::SlaBreached)}</span> })}
                        </dd>
                    </div>
                    // The workspace's custom fields of tickets that hold a value.
                    {move || view! { <CustomFieldValues owner=FieldOwner::Ticket values=get().custom /> }}
                </dl>
                {(!get().description.is_empty()).then(|| view! { <p class="notes">{get().description}</p> })}
            </section>
            {(!get().is_open()).then(|| view! { <CsatRating ticket=get() /> })}
            <section class="card" aria-labelledby="ticket-replies">
                <h2 id="ticket-replies">{move || locale.t(Msg::RepliesSection)}</h2>
                <Show when=move || replies.with(Vec::is_empty)>
                    <p class="empty-line">{move || locale.t(Msg::NoRepliesYet)}</p>
                </Show>
                <ul class="plain replies">
                    <For each=move || replies.get() key=|a| (a.id.clone(), a.at, a.outcome.clone(), a.body.clone()) let:activity>
                        <li>
                            <p class="row-sub">
                                {move || locale.t(activity_kind_msg(activity.kind))}
                                " · "
                                {let at = activity.at; move || format_when(at, calendar.get(), locale.lang())}
                            </p>
                            <p><bdi>{activity.outcome.clone()}</bdi></p>
                            <p class="notes"><bdi>{activity.body.clone()}</bdi></p>
                        </li>
                    </For>
                </ul>
            </section>
        </div>
        <FieldHistory kind=EntityKind::Ticket id=get().id />
        <Show when=move || editing.get()>
            <TicketForm initial=get() existing=true
                on_saved=Callback::new(move |_| set_editing.set(false))
                on_cancel=Callback::new(move |_| set_editing.set(false)) />
        </Show>
        <Show when=move || replying.get()>
            <ActivityForm initial=reply() on_done=Callback::new(move |_| set_replying.set(false)) />
        </Show>
    }
}

/// The customer's 1–5 satisfaction rating, asked once the ticket is resolved.
#[component]
fn CsatRating(ticket: Ticket) -> impl IntoView {
    let locale = use_locale();
    let current = ticket.csat;
    let ticket = StoredValue::new(ticket);
    view! {
        <section class="card" aria-labelledby="ticket-csat">
            <fieldset class="csat">
                <legend id="ticket-csat"><h2>{move || locale.t(Msg::CustomerRating)}</h2></legend>
                <p class="field-hint">{move || locale.t(Msg::CustomerRatingHint)}</p>
                <div class="choice-row">
                    {(1..=5_u8).map(|rating| view! {
                        <label class="choice rating">
                            <input type="radio" name="csat" prop:checked=current == Some(rating)
                                aria-label=move || locale.fill(phrase::RatingOfFive { rating: &locale.number(rating.into()) })
                                on:change=move |_| save_change(ticket.get_value(), |t| t.csat = Some(rating)) />
                            <span aria-hidden="true">{move || locale.number(rating.into())}</span>
                        </label>
                    }).collect_view()}
                </div>
            </fieldset>
        </section>
    }
}
