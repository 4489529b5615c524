//! Navigation: a sidebar on wide screens, a bottom bar on phones (the CSS decides which).

use crate::{
    i18n::{use_locale, Msg},
    icons::Icon,
};
use leptos::prelude::*;
use leptos_router::components::A;
use rabet_domain::locale::Lang;

/// The app's top-level destinations, in menu order.
const DESTINATIONS: [(&str, Msg, Icon); 7] = [
    ("/", Msg::NavDashboard, Icon::Dashboard),
    ("/pipeline", Msg::NavPipeline, Icon::Pipeline),
    ("/customers", Msg::NavCustomers, Icon::Customers),
    ("/tasks", Msg::NavTasks, Icon::Tasks),
    ("/tickets", Msg::NavTickets, Icon::Tickets),
    ("/invoices", Msg::NavInvoices, Icon::Invoices),
    ("/settings", Msg::NavSettings, Icon::Settings),
];

#[component]
pub fn Navigation() -> impl IntoView {
    let locale = use_locale();
    let links = DESTINATIONS
        .into_iter()
        .map(|(href, msg, icon)| {
            view! {
                <li>
                    <A href=href exact=true attr:class="nav-link">
                        {icon.view()}
                        <span class="nav-label">{move || locale.t(msg)}</span>
                    </A>
                </li>
            }
        })
        .collect_view();
    let switch_language = move |_| {
        let next = match locale.lang() {
            Lang::En => Lang::Fa,
            Lang::Fa => Lang::En,
        };
        locale.set(next);
    };

    let other_lang = move || match locale.lang() {
        Lang::En => "fa",
        Lang::Fa => "en",
    };

    view! {
        <nav class="nav" aria-label=move || locale.t(Msg::MainNavigation)>
            <div class="brand">
                {Icon::Logo.view()}
                <span class="brand-name">{move || locale.t(Msg::AppName)}</span>
            </div>
            <ul class="nav-list">{links}</ul>
            <div class="nav-sync">
                <crate::pages::SyncIndicator />
            </div>
            // The name starts with the visible text (the other language, in that language),
            // so speech control finds the button by what it shows.
            <button type="button" class="lang-switch" on:click=switch_language>
                <span lang=other_lang>{move || locale.t(Msg::OtherLanguageName)}</span>
                <span class="visually-hidden">" — " {move || locale.t(Msg::SwitchLanguage)}</span>
            </button>
        </nav>
    }
}
