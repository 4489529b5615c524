//! Support tickets: the list with its filters and a ticket's page (the form is
//! `records::ticket`).

mod page;

pub use page::TicketView;

use crate::i18n::phrase;
use crate::ui::intent::{on_intent, Intent};
use crate::ui::widgets::{refused, RefusedNote};
use crate::{
    i18n::{use_locale, Msg},
    local_time::{format_when, now_ms, use_calendar},
    records::ticket::{new_ticket, TicketForm},
    ui::{
        inputs::MemberFilter,
        labels::{priority_msg, ticket_status_msg},
        parties::{customer_name, customer_of},
        widgets::{enum_select, Filter, SearchBox, ShowNext},
        PageHeader,
    },
    workspace::use_workspace,
};
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_navigate};
use rabet_domain::kind::EntityKind;
use rabet_domain::{
    id::Id,
    model::{Priority, Ticket, TicketStatus},
    search::Query,
};

/// Rows drawn at first; more come with "Show more".
const PAGE: usize = 100;

/// Which tickets the status filter keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StatusFilter {
    /// New, open or pending: the work queue, shown first.
    Unresolved,
    Any,
    Is(TicketStatus),
}

impl StatusFilter {
    fn admits(self, ticket: &Ticket) -> bool {
        match self {
            StatusFilter::Unresolved => ticket.is_open(),
            StatusFilter::Any => true,
            StatusFilter::Is(status) => ticket.status == status,
        }
    }

    fn key(self) -> &'static str {
        match self {
            StatusFilter::Unresolved => "unresolved",
            StatusFilter::Any => "",
            StatusFilter::Is(status) => status.as_str(),
        }
    }

    fn parse(key: &str) -> Self {
        match key {
            "unresolved" => StatusFilter::Unresolved,
            "" => StatusFilter::Any,
            key => TicketStatus::parse(key).map_or(StatusFilter::Any, StatusFilter::Is),
        }
    }
}

/// Most urgent first: open tickets by SLA due time (none last), then priority; closed ones
/// by when they were resolved, latest first.
fn urgency(ticket: &Ticket) -> (bool, i64, std::cmp::Reverse<usize>, std::cmp::Reverse<i64>) {
    let priority = Priority::ALL
        .iter()
        .position(|p| *p == ticket.priority)
        .unwrap_or(0);
    (
        !ticket.is_open(),
        if ticket.is_open() {
            ticket.sla_due_at.unwrap_or(i64::MAX)
        } else {
            0
        },
        std::cmp::Reverse(priority),
        std::cmp::Reverse(ticket.resolved_at.unwrap_or(ticket.created_at)),
    )
}

#[component]
pub fn Tickets() -> impl IntoView {
    let locale = use_locale();
    let refused = refused(Some(EntityKind::Ticket));
    let workspace = use_workspace();
    let navigate = use_navigate();
    let query = RwSignal::new(String::new());
    let status = RwSignal::new(StatusFilter::Unresolved);
    let priority = RwSignal::new(None::<Priority>);
    let assignee = RwSignal::new(None::<Id>);
    let breaching = RwSignal::new(false);
    let shown = RwSignal::new(PAGE);
    let creating = RwSignal::new(false);
    let visible = Memo::new(move |_| {
        let query = Query::parse(&query.get());
        let (status, priority, assignee, breaching) = (
            status.get(),
            priority.get(),
            assignee.get(),
            breaching.get(),
        );
        let now = now_ms();
        workspace.tickets.with(|tickets| {
            let matching = tickets.matching(&query);
            let mut found: Vec<Ticket> = (0..tickets.len())
                .filter(|&at| matching.at(at))
                .map(|at| tickets.at(at))
                .filter(|t| {
                    status.admits(t)
                        && priority.is_none_or(|p| t.priority == p)
                        && (assignee.is_none() || t.assignee_id == assignee)
                        && (!breaching || t.sla_breached(now))
                })
                .cloned()
                .collect();
            found.sort_by_cached_key(urgency);
            found
        })
    });
    let status_options = [
        (StatusFilter::Unresolved, Msg::FilterUnresolved),
        (StatusFilter::Any, Msg::All),
    ]
    .into_iter()
    .chain(TicketStatus::ALL.iter().map(|&s| (StatusFilter::Is(s), ticket_status_msg(s))))
    .map(|(filter, msg)| view! {
        <option value=filter.key() selected=move || status.get() == filter>{move || locale.t(msg)}</option>
    })
    .collect_view();
    on_intent(Intent::NewTicket, move || creating.set(true));
    let open_created = Callback::new(move |ticket: Ticket| {
        creating.set(false);
        navigate(&format!("/tickets/{}", ticket.id), Default::default());
    });

    view! {
        <PageHeader title=Msg::NavTickets intro=Msg::TicketsIntro />
        <RefusedNote kind=EntityKind::Ticket />
        <div class="toolbar">
            <div class="filters">
                <SearchBox query placeholder=Msg::SubjectLabel />
                <Filter label=Msg::RecordStatus>
                    <select on:change=move |ev| status.set(StatusFilter::parse(&event_target_value(&ev)))>{status_options}</select>
                </Filter>
                <Filter label=Msg::PriorityLabel>
                    {enum_select("tickets-priority", Priority::ALL, Priority::as_str, priority_msg,
                        move || priority.get(), move |p| priority.set(p), Some(Msg::All))}
                </Filter>
                <MemberFilter label=Msg::AssigneeLabel chosen=assignee />
                <label class="check">
                    <input type="checkbox" prop:checked=move || breaching.get() on:change=move |ev| breaching.set(event_target_checked(&ev)) />
                    {move || locale.t(Msg::BreachingSlaOnly)}
                </label>
            </div>
            <button type="button" class="button primary" disabled=move || refused.get().is_some() on:click=move |_| creating.set(true)>
                {move || locale.t(Msg::NewTicket)}
            </button>
        </div>
        <p class="list-count" aria-live="polite">{move || locale.number(visible.with(Vec::len))}" "{move || locale.t(Msg::NavTickets)}</p>
        <Show when=move || !visible.with(Vec::is_empty) fallback=move || view! { <p class="empty">{move || locale.t(Msg::NoTickets)}</p> }>
            <ul class="plain record-list">
                <For each=move || visible.get().into_iter().take(shown.get()) key=|t| (t.id.clone(), t.status, t.priority, t.subject.clone(), t.sla_due_at) let:ticket>
                    <TicketRow ticket=ticket />
                </For>
            </ul>
        </Show>
        <ShowNext shown=shown step=PAGE total=Signal::derive(move || visible.with(Vec::len)) />
        <Show when=move || creating.get()>
            <TicketForm initial=new_ticket(None) on_saved=open_created on_cancel=Callback::new(move |_| creating.set(false)) />
        </Show>
    }
}

#[component]
fn TicketRow(ticket: Ticket) -> impl IntoView {
    let locale = use_locale();
    let calendar = use_calendar();
    let customer = customer_of(ticket.contact_id.as_ref(), ticket.company_id.as_ref())
        .and_then(|c| customer_name(&c));
    let breached = ticket.sla_breached(now_ms());
    let (status, priority) = (ticket.status, ticket.priority);
    let sla = ticket.sla_due_at;
    view! {
        <li class="record-row">
            <A href=format!("/tickets/{}", ticket.id) attr:class="row-link">
                <span class="row-main">
                    <bdi class="row-title">{ticket.subject.clone()}</bdi>
                    <bdi class="row-sub">{customer}</bdi>
                </span>
                <span class="row-meta">
                    <span class=format!("badge status-{}", status.as_str())>{move || locale.t(ticket_status_msg(status))}</span>
                    <span class=format!("badge priority-{}", priority.as_str())>{move || locale.t(priority_msg(priority))}</span>
                </span>
                <span class="row-sub">
                    {move || sla.map(|at| locale.fill(phrase::LabelledValue { label: locale.t(Msg::SlaDue), value: &format_when(at, calendar.get(), locale.lang()) }))}
                    {breached.then(|| view! { " " <span class="badge breached">{move || locale.t(Msg::SlaBreached)}</span> })}
                </span>
            </A>
        </li>
    }
}
