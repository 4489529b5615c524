//! Who a ticket, invoice, task or activity is for: naming that customer, and picking one.

use crate::{
    i18n::{use_locale, Msg},
    workspace::{use_workspace, Collection, Searched},
};
use leptos::prelude::*;
use leptos_router::components::A;
use rabet_domain::{
    id::Id,
    kind::EntityKind,
    model::{Company, Contact, RecordRef},
    search::Query,
};

/// Matches shown under the picker's search box.
const PICKER_MATCHES: usize = 6;

/// The customer a record is for: its contact when it names one, else its company. Tracks the
/// collections it reads.
pub fn customer_of(contact_id: Option<&Id>, company_id: Option<&Id>) -> Option<RecordRef> {
    let workspace = use_workspace();
    let contact = contact_id.filter(|id| workspace.contacts.with(|c| c.get(id).is_some()));
    match (contact, company_id) {
        (Some(id), _) => Some(RecordRef {
            kind: EntityKind::Contact,
            id: id.clone(),
        }),
        (None, Some(id)) => Some(RecordRef {
            kind: EntityKind::Company,
            id: id.clone(),
        }),
        (None, None) => None,
    }
}

/// The name a list shows for a contact or company (tracks the collection it reads); `None`
/// for other kinds and for deleted records.
pub fn customer_name(customer: &RecordRef) -> Option<String> {
    let workspace = use_workspace();
    match customer.kind {
        EntityKind::Contact => workspace
            .contacts
            .with(|c| c.get(&customer.id).map(Contact::display_name)),
        EntityKind::Company => workspace
            .companies
            .with(|c| c.get(&customer.id).map(|c| c.name.clone())),
        _ => None,
    }
}

/// A link to a customer's page, or nothing when the record has no customer.
pub fn customer_link(customer: Option<RecordRef>) -> impl IntoView {
    customer.and_then(|customer| {
        customer_name(&customer).map(|name| {
            view! { <A href=format!("/customers/{}", customer.id)><bdi>{name}</bdi></A> }
        })
    })
}

/// The contact and company fields of a record for the chosen customer: a contact brings
/// their company along, so the company's page counts the record too.
pub fn parties_of(customer: &RecordRef) -> (Option<Id>, Option<Id>) {
    let workspace = use_workspace();
    match customer.kind {
        EntityKind::Contact => {
            let company = workspace.contacts.with_untracked(|c| {
                c.get(&customer.id)
                    .and_then(|contact| contact.company_id.clone())
            });
            (Some(customer.id.clone()), company)
        }
        _ => (None, Some(customer.id.clone())),
    }
}

/// The first matches of `query` in a collection, as (record, name).
fn matches<E: Searched>(
    records: &Collection<E>,
    query: &Query,
    kind: EntityKind,
    name: impl Fn(&E) -> String,
    found: &mut Vec<(RecordRef, String)>,
) {
    for at in 0..records.len() {
        if found.len() >= PICKER_MATCHES {
            return;
        }
        if records.matches_at(at, query) {
            let record = records.at(at);
            let reference = RecordRef {
                kind,
                id: record.id().clone(),
            };
            found.push((reference, name(record)));
        }
    }
}

/// Chooses a contact or company by typing part of a name, phone or e-mail: a select would list
/// every customer, which is no use with thousands.
#[component]
pub fn CustomerPicker(
    label: Msg,
    id: &'static str,
    chosen: RwSignal<Option<RecordRef>>,
) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let query = RwSignal::new(String::new());
    let found = Memo::new(move |_| {
        let query = Query::parse(&query.get());
        if query.is_empty() {
            return Vec::new();
        }
        let mut found = Vec::new();
        workspace.contacts.with(|contacts| {
            matches(
                contacts,
                &query,
                EntityKind::Contact,
                Contact::display_name,
                &mut found,
            )
        });
        workspace.companies.with(|companies| {
            matches(
                companies,
                &query,
                EntityKind::Company,
                |c: &Company| c.name.clone(),
                &mut found,
            )
        });
        found
    });
    let chosen_name = move || chosen.get().and_then(|c| customer_name(&c));
    view! {
        <div class="field customer-picker">
            <label class="field-label" for=id>{move || locale.t(label)}</label>
            <Show
                when=move || chosen.with(Option::is_some)
                fallback=move || view! {
                    <input id=id type="search" autocomplete="off"
                        placeholder=move || locale.t(Msg::SearchHint)
                        prop:value=move || query.get()
                        on:input=move |ev| query.set(event_target_value(&ev)) />
                    <ul class="plain picker-matches">
                        <For each=move || found.get() key=|(customer, _)| customer.id.clone() let:((customer, name))>
                            <li>
                                <button type="button" class="button subtle" on:click=move |_| chosen.set(Some(customer.clone()))>
                                    <bdi>{name}</bdi>
                                </button>
                            </li>
                        </For>
                    </ul>
                }
            >
                <p class="picked">
                    <bdi>{chosen_name}</bdi>
                    <button type="button" class="button subtle" on:click=move |_| chosen.set(None)>
                        {move || locale.t(Msg::ChangeButton)}
                    </button>
                </p>
            </Show>
        </div>
    }
}

/// Where a link to a record leads and what it is called: a customer's page, a ticket, an
/// invoice, or the deal open on its pipeline. `None` when the record is gone or has no page.
pub fn record_target(link: &RecordRef) -> Option<(String, String)> {
    let workspace = use_workspace();
    let id = &link.id;
    match link.kind {
        EntityKind::Contact | EntityKind::Company => {
            customer_name(link).map(|name| (format!("/customers/{id}"), name))
        }
        EntityKind::Deal => workspace.deals.with(|d| {
            d.get(id)
                .map(|deal| (format!("/pipeline?deal={id}"), deal.title.clone()))
        }),
        EntityKind::Ticket => workspace.tickets.with(|t| {
            t.get(id)
                .map(|t| (format!("/tickets/{id}"), t.subject.clone()))
        }),
        EntityKind::Invoice => workspace.invoices.with(|i| {
            i.get(id)
                .map(|i| (format!("/invoices/{id}"), i.number.clone()))
        }),
        _ => None,
    }
}
