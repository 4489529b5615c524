//! Customers: the people and companies lists, their forms and a customer's page.

mod detail;
mod form;
mod list;

pub use detail::Customer;
pub use list::Customers;
