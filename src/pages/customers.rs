use super::PageHeader;
use crate::i18n::Msg;
use leptos::prelude::*;

#[component]
pub fn Customers() -> impl IntoView {
    view! { <PageHeader title=Msg::NavCustomers intro=Msg::CustomersIntro /> }
}

#[component]
pub fn Customer() -> impl IntoView {
    view! { <PageHeader title=Msg::CustomerTitle intro=Msg::CustomerIntro /> }
}
