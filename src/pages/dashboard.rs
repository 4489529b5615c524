use super::PageHeader;
use crate::i18n::Msg;
use leptos::prelude::*;

#[component]
pub fn Dashboard() -> impl IntoView {
    view! { <PageHeader title=Msg::NavDashboard intro=Msg::DashboardIntro /> }
}
