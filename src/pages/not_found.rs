use crate::{
    i18n::{use_locale, Msg},
    ui::PageHeader,
};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    let locale = use_locale();
    view! {
        <PageHeader title=Msg::NotFoundTitle intro=Msg::NotFoundBody />
        <A href="/">{move || locale.t(Msg::BackToDashboard)}</A>
    }
}
