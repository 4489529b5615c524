//! One module per page. The bodies are filled by the issues that build each view.

mod customers;
mod dashboard;
mod not_found;
mod pipeline;
mod settings;
mod sync;
mod tasks;
// Customer 360: interactions, follow-ups, tickets, products and invoices.
mod activities;
mod invoices;
mod labels;
mod parties;
mod products;
mod tickets;
// Dashboard, segments and the sample workspace.
mod messages;
mod sample;
mod segments;

pub use customers::{Customer, Customers, ImportContacts};
pub use dashboard::Dashboard;
pub use invoices::{InvoiceView, Invoices};
pub use not_found::NotFound;
pub use pipeline::Pipeline;
pub use products::Products;
pub use segments::{SegmentView, Segments};
pub use settings::Settings;
pub use sync::{Join, SyncIndicator};
pub use tasks::Tasks;
pub use tickets::{TicketView, Tickets};

use crate::i18n::{use_locale, Msg};
use leptos::prelude::*;
use leptos_meta::Title;

/// The heading, document title and introduction every page starts with.
#[component]
fn PageHeader(title: Msg, intro: Msg) -> impl IntoView {
    let locale = use_locale();
    view! {
        <Title text=move || format!("{} · {}", locale.t(title), locale.t(Msg::AppName)) />
        <header class="page-header">
            <h1>{move || locale.t(title)}</h1>
            <p class="page-intro">{move || locale.t(intro)}</p>
        </header>
    }
}
