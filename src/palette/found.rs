//! What the palette finds for a query: records of five kinds, pages and actions, ranked
//! together by the domain's search ranking, the best few.

use super::actions::{Action, ActionContext};
use crate::{
    i18n::{Locale, Msg},
    nav::DESTINATIONS,
    ui::labels::document_title,
    workspace::{Collection, Searched, Workspace},
};
use leptos::prelude::*;
use rabet_domain::{
    model::{Company, Contact, Deal, Invoice, Ticket},
    search::{normalize, Best, Query},
};

/// How many results the palette shows.
pub const SHOWN: usize = 12;

/// What choosing a result does.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// Opens this address in the app.
    Go(String),
    Run(Action),
}

/// One result: what it is, its name, a detail that tells like-named ones apart, and where it
/// leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub kind: Msg,
    pub name: String,
    pub detail: String,
    pub target: Target,
    /// The action's shortcut key, shown beside it.
    pub key: Option<&'static str>,
}

/// Pages the palette reaches besides the navigation's.
const MORE_PAGES: [(&str, Msg); 3] = [
    ("/segments", Msg::NavSegments),
    ("/products", Msg::Products),
    ("/customers/import", Msg::ImportTitle),
];

/// The best results for `typed`, best first. Records are looked for only once something is
/// typed; an empty query lists the actions, then the pages.
pub fn find(
    workspace: Workspace,
    locale: Locale,
    context: &ActionContext,
    typed: &str,
) -> Vec<Found> {
    let query = Query::parse(typed);
    let mut best = Best::new(SHOWN);
    let mut by_label = |label: &str, found: Found| {
        if let Some(rank) = query.rank(&normalize(label)) {
            best.push(rank, found);
        }
    };
    for action in Action::ALL.into_iter().filter(|a| a.available(context)) {
        let label = locale.t(action.label());
        by_label(
            label,
            found(
                Msg::PaletteKindAction,
                label,
                String::new(),
                Target::Run(action),
            )
            .with_key(action.key()),
        );
    }
    let pages = DESTINATIONS.iter().map(|(href, msg, _)| (*href, *msg));
    for (href, msg) in pages.chain(MORE_PAGES) {
        let label = locale.t(msg);
        by_label(
            label,
            found(
                Msg::PaletteKindPage,
                label,
                String::new(),
                Target::Go(href.to_owned()),
            ),
        );
    }
    if !query.is_empty() {
        records(workspace.contacts, &query, &mut best, |c: &Contact| {
            let detail = c.primary_phone().or(c.primary_email()).unwrap_or_default();
            found(
                Msg::KindContact,
                &c.display_name(),
                detail.to_owned(),
                Target::Go(format!("/customers/{}", c.id)),
            )
        });
        records(workspace.companies, &query, &mut best, |c: &Company| {
            found(
                Msg::KindCompany,
                &c.name,
                c.industry.clone(),
                Target::Go(format!("/customers/{}", c.id)),
            )
        });
        records(workspace.deals, &query, &mut best, |d: &Deal| {
            found(
                Msg::KindDeal,
                &d.title,
                String::new(),
                Target::Go(format!("/pipeline?deal={}", d.id)),
            )
        });
        records(workspace.tickets, &query, &mut best, |t: &Ticket| {
            found(
                Msg::KindTicket,
                &t.subject,
                String::new(),
                Target::Go(format!("/tickets/{}", t.id)),
            )
        });
        records(workspace.invoices, &query, &mut best, |i: &Invoice| {
            found(
                Msg::PaletteKindInvoice,
                &document_title(locale, i),
                String::new(),
                Target::Go(format!("/invoices/{}", i.id)),
            )
        });
    }
    best.into_sorted()
        .into_iter()
        .map(|(_, found)| found)
        .collect()
}

fn found(kind: Msg, name: &str, detail: String, target: Target) -> Found {
    Found {
        kind,
        name: name.to_owned(),
        detail,
        target,
        key: None,
    }
}

impl Found {
    fn with_key(self, key: Option<&'static str>) -> Found {
        Found { key, ..self }
    }
}

/// Offers the best records of one kind (tracked, so results follow writes).
fn records<E: Searched>(
    collection: RwSignal<Collection<E>>,
    query: &Query,
    best: &mut Best<Found>,
    describe: impl Fn(&E) -> Found,
) {
    collection.with(|records| {
        for (rank, position) in records.best(query, SHOWN) {
            best.push(rank, describe(records.at(position)));
        }
    });
}
