//! Customer satisfaction: the 1–5 ratings customers give resolved tickets, summed.

use crate::model::Ticket;

/// Customer-satisfaction ratings (1–5) summed, so that summaries of several customers or
/// periods add up exactly; [`Csat::mean`] and [`Csat::satisfied_share`] give the figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Csat {
    /// Number of ratings.
    pub responses: u32,
    /// Sum of the ratings.
    pub sum: u32,
    /// Ratings of 4 or 5.
    pub satisfied: u32,
}

impl Csat {
    /// Summarises ratings; values outside 1–5 are ignored. `None` when no rating is left.
    pub fn from_ratings(ratings: impl IntoIterator<Item = u8>) -> Option<Csat> {
        let mut csat = Csat::default();
        for rating in ratings.into_iter().filter(|r| (1..=5).contains(r)) {
            csat.responses += 1;
            csat.sum += u32::from(rating);
            csat.satisfied += u32::from(rating >= 4);
        }
        (csat.responses > 0).then_some(csat)
    }

    /// The CSAT ratings of tickets (those rated).
    pub fn of_tickets<'t>(tickets: impl IntoIterator<Item = &'t Ticket>) -> Option<Csat> {
        Csat::from_ratings(tickets.into_iter().filter_map(|ticket| ticket.csat))
    }

    /// The mean rating, 1.0–5.0 (0.0 for an empty summary, which `from_ratings` never makes).
    pub fn mean(&self) -> f64 {
        if self.responses == 0 {
            return 0.0;
        }
        f64::from(self.sum) / f64::from(self.responses)
    }

    /// The share of ratings that are 4 or 5, 0.0–1.0.
    pub fn satisfied_share(&self) -> f64 {
        if self.responses == 0 {
            return 0.0;
        }
        f64::from(self.satisfied) / f64::from(self.responses)
    }
}

/// When a ticket's rating counts: at its resolution, else its creation.
pub fn rated_at(ticket: &Ticket) -> i64 {
    ticket.resolved_at.unwrap_or(ticket.created_at)
}
