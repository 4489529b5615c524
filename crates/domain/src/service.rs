//! Ticket service: how fast a ticket was answered and resolved, and whether it kept its SLA
//! ([`Ticket::sla_breached`]).

use crate::model::{Activity, ActivityKind, Direction, Ticket};

/// How a ticket was served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TicketService {
    /// From creation to the first response, in ms (never negative); `None` while unanswered.
    pub first_response_ms: Option<i64>,
    /// From creation to resolution, in ms; `None` while open or with no resolution time.
    pub resolution_ms: Option<i64>,
    /// See [`Ticket::sla_breached`].
    pub sla_breached: bool,
}

/// The first response to a ticket: the earlier of its `first_response_at` and the first
/// outbound call, meeting, e-mail or message linked to it (`activities` may hold any
/// activities; the others are skipped). Notes are internal and do not answer anyone.
pub fn first_response_at<'a>(
    ticket: &Ticket,
    activities: impl IntoIterator<Item = &'a Activity>,
) -> Option<i64> {
    let first_activity = activities
        .into_iter()
        .filter(|activity| {
            activity.ticket_id.as_ref() == Some(&ticket.id)
                && activity.kind != ActivityKind::Note
                && activity.direction == Some(Direction::Outbound)
        })
        .map(|activity| activity.at)
        .min();
    match (ticket.first_response_at, first_activity) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// First-response and resolution times and SLA breach of a ticket at `now`.
pub fn ticket_service<'a>(
    ticket: &Ticket,
    activities: impl IntoIterator<Item = &'a Activity>,
    now: i64,
) -> TicketService {
    let since_creation = |at: i64| at.saturating_sub(ticket.created_at).max(0);
    TicketService {
        first_response_ms: first_response_at(ticket, activities).map(since_creation),
        resolution_ms: (!ticket.is_open())
            .then_some(ticket.resolved_at)
            .flatten()
            .map(since_creation),
        sla_breached: ticket.sla_breached(now),
    }
}
