//! One module per page. The bodies are filled by the issues that build each view.

// Activity feed (issue 16).
mod activity;
mod customers;
mod dashboard;
mod not_found;
mod pipeline;
mod settings;
mod sync;
mod tasks;
// Customer 360: follow-ups, tickets, products and invoices.
mod invoices;
mod products;
mod tickets;
// Dashboard and segments.
mod segments;

pub use activity::Activity;
pub use customers::{Customer, Customers, ImportContacts};
pub use dashboard::Dashboard;
pub use invoices::{InvoiceView, Invoices};
pub use not_found::NotFound;
pub use pipeline::Pipeline;
pub use products::Products;
pub use segments::{SegmentView, Segments};
pub use settings::Settings;
pub use sync::{Join, RevokedNotice, SyncIndicator};
pub use tasks::Tasks;
pub use tickets::{TicketView, Tickets};
