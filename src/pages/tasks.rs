use super::PageHeader;
use crate::i18n::Msg;
use leptos::prelude::*;

#[component]
pub fn Tasks() -> impl IntoView {
    view! { <PageHeader title=Msg::NavTasks intro=Msg::TasksIntro /> }
}
