//! Everything the 360 page shows about one customer, computed from the workspace in one pass:
//! the KPI strip, the timeline and what is still open.

use crate::{local_time::now_ms, workspace::use_workspace};
use leptos::prelude::*;
use rabet_domain::sorting::sort_by_key;
use rabet_domain::{
    id::Id,
    kind::EntityKind,
    model::{Invoice, RecordRef, Task, Ticket},
    purchases::Customer as Whose,
    report::customer::{
        compute, timeline, AllRecords, AllReferrers, CustomerKpis, CustomerRecords, TimelineEntry,
    },
    rfm::RfmThresholds,
};

/// One customer's figures, history and open work.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    pub kpis: CustomerKpis,
    /// Newest first.
    pub timeline: Vec<TimelineEntry>,
    /// Soonest due first; undated last.
    pub open_tasks: Vec<Task>,
    pub open_tickets: Vec<Ticket>,
    /// Drafts, and issued quotes and invoices not yet settled.
    pub open_documents: Vec<Invoice>,
    /// The customer's deals and tickets, which an interaction can be logged against.
    pub linkable: Vec<(RecordRef, String)>,
}

/// Whether a quote or invoice still needs something done: drafted, sent, accepted (a quote
/// not yet invoiced counts too) or overdue.
fn is_open_document(invoice: &Invoice) -> bool {
    use rabet_domain::model::InvoiceStatus::*;
    matches!(invoice.status, Draft | Sent | Accepted | Overdue)
}

/// The profile of `whose`, recomputed whenever one of its records changes.
pub fn use_profile(whose: Signal<Whose>) -> Memo<Profile> {
    let workspace = use_workspace();
    Memo::new(move |_| {
        let whose = whose.get();
        let currency = workspace.settings.with(|s| s.currency);
        // RFM classes on one profile use the fixed thresholds: quintiles would need every
        // customer's figures, which the KPI dashboard computes, not a single profile.
        let thresholds = RfmThresholds::fixed(currency);
        let now = now_ms();
        workspace.invoices.with(|invoices| {
            workspace.deals.with(|deals| {
                workspace.activities.with(|activities| {
                    workspace.tickets.with(|tickets| {
                        workspace.tasks.with(|tasks| {
                            workspace.automation_runs.with(|runs| {
                                let all = AllRecords {
                                    invoices: invoices.as_slice(),
                                    deals: deals.as_slice(),
                                    activities: activities.as_slice(),
                                    tickets: tickets.as_slice(),
                                    tasks: tasks.as_slice(),
                                    runs: runs.as_slice(),
                                    referrers: Some(AllReferrers {
                                        invoices: invoices.referrers(),
                                        deals: deals.referrers(),
                                        activities: activities.referrers(),
                                        tickets: tickets.referrers(),
                                        tasks: tasks.referrers(),
                                        runs: runs.referrers(),
                                    }),
                                };
                                profile_of(
                                    &CustomerRecords::select(&whose, all),
                                    currency,
                                    &thresholds,
                                    now,
                                )
                            })
                        })
                    })
                })
            })
        })
    })
}

fn profile_of(
    records: &CustomerRecords<'_>,
    currency: rabet_domain::money::Currency,
    thresholds: &RfmThresholds,
    now: i64,
) -> Profile {
    let mut open_tasks: Vec<Task> = records
        .tasks
        .iter()
        .filter(|t| !t.is_done())
        .map(|t| (*t).clone())
        .collect();
    sort_by_key(&mut open_tasks, |t| (t.due_at.is_none(), t.due_at));
    let reference = |kind, id: &Id| RecordRef {
        kind,
        id: id.clone(),
    };
    let linkable = records
        .deals
        .iter()
        .filter(|d| d.is_open())
        .map(|d| (reference(EntityKind::Deal, &d.id), d.title.clone()))
        .chain(
            records
                .tickets
                .iter()
                .filter(|t| t.is_open())
                .map(|t| (reference(EntityKind::Ticket, &t.id), t.subject.clone())),
        )
        .collect();
    Profile {
        kpis: compute(records, currency, thresholds, now),
        timeline: timeline(records),
        open_tasks,
        open_tickets: records
            .tickets
            .iter()
            .filter(|t| t.is_open())
            .map(|t| (*t).clone())
            .collect(),
        open_documents: records
            .invoices
            .iter()
            .filter(|i| is_open_document(i))
            .map(|i| (*i).clone())
            .collect(),
        linkable,
    }
}
