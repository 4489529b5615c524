//! Support tickets: the list with its filters and a ticket's page (the form is
//! `records::ticket`).

mod page;

pub use page::TicketView;

use crate::download::file_saver;
use crate::i18n::phrase;
use crate::ui::bulk::{Bulk, BulkBar, RowCheck, SelectAll, StateChoice};
use crate::ui::columns::{
    CustomColumnValues, CustomListControls, CustomListState, FieldSortSelect,
};
use crate::ui::format::member_name;
use crate::ui::intent::{on_intent, Intent};
use crate::ui::saved_views::{TextState, ViewPicker};
use crate::ui::widgets::{first_shown, refused, FilterSelect, RefusedNote};
use crate::{
    i18n::{use_locale, Locale, Msg},
    local_time::{format_when, now_ms, use_calendar},
    records::ticket::{new_ticket, TicketForm},
    ui::{
        inputs::member_options,
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
use rabet_domain::sorting::sort_by_key;
use rabet_domain::{
    csv,
    custom_field::FieldOwner,
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

    /// The filter's text in the list's state; the work queue, where the list starts, is
    /// the empty text.
    fn key(self) -> &'static str {
        match self {
            StatusFilter::Unresolved => "",
            StatusFilter::Any => "any",
            StatusFilter::Is(status) => status.as_str(),
        }
    }

    fn parse(key: &str) -> Self {
        match key {
            "" => StatusFilter::Unresolved,
            "any" => StatusFilter::Any,
            key => TicketStatus::parse(key).map_or(StatusFilter::Unresolved, StatusFilter::Is),
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
    // What the list shows, as a saved view keeps it.
    let state = TextState::new(["q", "status", "priority", "assignee", "breaching"]);
    let [query, status_text, priority_text, assignee_text, breaching_text] =
        ["q", "status", "priority", "assignee", "breaching"].map(|key| state.get(key));
    let status = Memo::new(move |_| StatusFilter::parse(&status_text.get()));
    let priority = Memo::new(move |_| Priority::parse(&priority_text.get()));
    let breaching = Memo::new(move |_| !breaching_text.with(String::is_empty));
    let custom = CustomListState::new(FieldOwner::Ticket, "rabet.columns.tickets");
    let shown = RwSignal::new(PAGE);
    let creating = RwSignal::new(false);
    // Positions in the workspace's tickets, most urgent first.
    let visible = Memo::new(move |_| {
        let query = Query::parse(&query.get());
        let (status, priority, breaching) = (status.get(), priority.get(), breaching.get());
        let assignee = assignee_text.with(|id| Id::find(id).filter(|_| !id.is_empty()));
        let admits_custom = custom.admits();
        let by_field = custom.sort_key();
        let now = now_ms();
        workspace.tickets.with(|tickets| {
            let matching = tickets.matching(&query);
            let mut found: Vec<usize> = (0..tickets.len())
                .filter(|&at| matching.at(at))
                .filter(|&at| {
                    let t = tickets.at(at);
                    status.admits(t)
                        && priority.is_none_or(|p| t.priority == p)
                        && (assignee.is_none() || t.assignee_id == assignee)
                        && (!breaching || t.sla_breached(now))
                        && admits_custom(&t.custom)
                })
                .collect();
            match &by_field {
                Some(key) => sort_by_key(&mut found, |&at| key(&tickets.at(at).custom)),
                None => sort_by_key(&mut found, |&at| urgency(tickets.at(at))),
            }
            found
        })
    });
    let bulk = Bulk::<Ticket>::new(visible, move || (state.values(), custom.filter_key()));
    let status_choice = StateChoice::of_values(
        (Msg::RecordStatus, Msg::BulkSetStatus),
        TicketStatus::ALL,
        TicketStatus::as_str,
        ticket_status_msg,
        TicketStatus::parse,
    );
    let assignee_options = Signal::derive(move || {
        member_options()
            .get()
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect()
    });
    let save_file = file_saver();
    let export = move |()| {
        let text = bulk.with_chosen(|chosen| tickets_csv(locale, chosen));
        save_file("tickets.csv", "text/csv;charset=utf-8", &text);
    };
    let drawn = first_shown::<Ticket>(visible, shown);
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
        <ViewPicker state=(state, custom) list="tickets" path="/tickets" all=Msg::AllTicketsView />
        <div class="toolbar">
            <div class="filters">
                <SearchBox query placeholder=Msg::SubjectLabel />
                <Filter label=Msg::RecordStatus>
                    <select on:change=move |ev| status_text.set(event_target_value(&ev)) prop:value=move || status_text.get()>{status_options}</select>
                </Filter>
                <Filter label=Msg::PriorityLabel>
                    {enum_select("tickets-priority", Priority::ALL, Priority::as_str, priority_msg,
                        move || priority.get(), move |p: Option<Priority>| priority_text.set(p.map_or("", Priority::as_str).to_owned()), Some(Msg::All))}
                </Filter>
                <FilterSelect label=Msg::AssigneeLabel options=assignee_options value=assignee_text />
                <label class="check">
                    <input type="checkbox" prop:checked=move || breaching.get() on:change=move |ev| breaching_text.set(if event_target_checked(&ev) { "1" } else { "" }.to_owned()) />
                    {move || locale.t(Msg::BreachingSlaOnly)}
                </label>
                <FieldSortSelect state=custom own=Msg::SortMostUrgent />
                <CustomListControls state=custom />
            </div>
            <button type="button" class="button primary" disabled=move || refused.get().is_some() on:click=move |_| creating.set(true)>
                {move || locale.t(Msg::NewTicket)}
            </button>
        </div>
        <div class="bulk-scope" class:selecting=move || bulk.selecting()>
        <div class="list-head">
            <SelectAll bulk />
            <p class="list-count" aria-live="polite">{move || locale.number(visible.with(Vec::len))}" "{move || locale.t(Msg::NavTickets)}</p>
        </div>
        <BulkBar bulk export state=status_choice />
        <Show when=move || !visible.with(Vec::is_empty) fallback=move || view! { <p class="empty">{move || locale.t(Msg::NoTickets)}</p> }>
            <ul class="plain record-list">
                // Custom values hold JSON, which does not hash: their text stands in the key.
                <For each=drawn key=|t| (t.id.clone(), t.status, t.priority, t.subject.clone(), t.sla_due_at, t.assignee_id.clone(), t.tags.clone(), format!("{:?}", t.custom)) let:ticket>
                    <TicketRow ticket=ticket bulk custom />
                </For>
            </ul>
        </Show>
        </div>
        <ShowNext shown=shown step=PAGE total=Signal::derive(move || visible.with(Vec::len)) />
        <Show when=move || creating.get()>
            <TicketForm initial=new_ticket(None) on_saved=open_created on_cancel=Callback::new(move |_| creating.set(false)) />
        </Show>
    }
}

/// The chosen tickets as CSV: subject, customer, status, priority, assignee, SLA due.
fn tickets_csv(locale: Locale, tickets: &[&Ticket]) -> String {
    let calendar = use_calendar().get_untracked();
    let headers = [
        Msg::SubjectLabel,
        Msg::CustomerTitle,
        Msg::RecordStatus,
        Msg::PriorityLabel,
        Msg::AssigneeLabel,
        Msg::SlaDue,
    ]
    .map(|msg| locale.t(msg));
    let rows = tickets.iter().map(|ticket| {
        let customer = customer_of(ticket.contact_id.as_ref(), ticket.company_id.as_ref())
            .and_then(|c| customer_name(&c))
            .unwrap_or_default();
        let assignee = member_name(ticket.assignee_id.as_ref());
        [
            ticket.subject.clone(),
            customer,
            locale.t(ticket_status_msg(ticket.status)).to_owned(),
            locale.t(priority_msg(ticket.priority)).to_owned(),
            assignee,
            ticket
                .sla_due_at
                .map(|at| format_when(at, calendar, locale.lang()))
                .unwrap_or_default(),
        ]
    });
    csv::write(&headers, rows)
}

#[component]
fn TicketRow(ticket: Ticket, bulk: Bulk<Ticket>, custom: CustomListState) -> impl IntoView {
    let locale = use_locale();
    let calendar = use_calendar();
    let customer = customer_of(ticket.contact_id.as_ref(), ticket.company_id.as_ref())
        .and_then(|c| customer_name(&c));
    let breached = ticket.sla_breached(now_ms());
    let (status, priority) = (ticket.status, ticket.priority);
    let sla = ticket.sla_due_at;
    view! {
        <li class="record-row">
            <RowCheck bulk id=ticket.id.clone() name=ticket.subject.clone() />
            <A href=format!("/tickets/{}", ticket.id) attr:class="row-link">
                <span class="row-main">
                    <bdi class="row-title">{ticket.subject.clone()}</bdi>
                    <bdi class="row-sub">{customer}</bdi>
                </span>
                <span class="row-meta">
                    <span class=format!("badge status-{}", status.as_str())>{move || locale.t(ticket_status_msg(status))}</span>
                    <span class=format!("badge priority-{}", priority.as_str())>{move || locale.t(priority_msg(priority))}</span>
                    <CustomColumnValues state=custom values=ticket.custom.clone() />
                </span>
                <span class="row-sub">
                    {move || sla.map(|at| locale.fill(phrase::LabelledValue { label: locale.t(Msg::SlaDue), value: &format_when(at, calendar.get(), locale.lang()) }))}
                    {breached.then(|| view! { " " <span class="badge breached">{move || locale.t(Msg::SlaBreached)}</span> })}
                </span>
            </A>
        </li>
    }
}
