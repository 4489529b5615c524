//! Customers: the people and companies lists, their forms and a customer's page.

mod detail;
mod form;
mod import;
mod list;

pub use detail::Customer;
pub use import::ImportContacts;
pub use list::Customers;
