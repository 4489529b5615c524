//! Navigation: a sidebar on wide screens, a bottom bar on phones (the CSS decides which).

use crate::{
    i18n::{use_locale, Msg},
    icons::Icon,
    palette::{use_palette, PALETTE_KEYS},
};
use leptos::prelude::*;
use leptos_router::components::A;
use rabet_domain::locale::Lang;

/// The app's top-level destinations, in menu order.
pub const DESTINATIONS: [(&str, Msg, Icon); 8] = [
    ("/", Msg::NavDashboard, Icon::Dashboard),
    ("/pipeline", Msg::NavPipeline, Icon::Pipeline),
    ("/customers", Msg::NavCustomers, Icon::Customers),
    ("/tasks", Msg::NavTasks, Icon::Tasks),
    ("/tickets", Msg::NavTickets, Icon::Tickets),
    ("/invoices", Msg::NavInvoices, Icon::Invoices),
    ("/activity", Msg::NavActivity, Icon::Activity),
    ("/settings", Msg::NavSettings, Icon::Settings),
];

/// Destinations the phones' bottom bar leaves out, its labels being whole only up to seven:
/// there they are reached from the command palette (the search button).
const NOT_ON_PHONES: [&str; 1] = ["/activity"];

#[component]
pub fn Navigation() -> impl IntoView {
    let locale = use_locale();
    let palette = use_palette();
    let links = DESTINATIONS
        .into_iter()
        .map(|(href, msg, icon)| {
            view! {
                <li class:wide-only=NOT_ON_PHONES.contains(&href)>
                    <A href=href exact=true attr:class="nav-link">
                        {icon.view()}
                        <span class="nav-label">{move || locale.t(msg)}</span>
                    </A>
                </li>
            }
        })
        .collect_view();
    let switch_language = move |_| locale.switch();

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
            // On phones a button at the top of the screen (the bar has no room for it).
            <button type="button" class="palette-open" aria-keyshortcuts="Control+K Meta+K"
                on:click=move |_| palette.open()>
                {Icon::Search.view()}
                <span class="palette-open-label">{move || locale.t(Msg::PaletteOpen)}</span>
                <kbd class="palette-open-key" aria-hidden="true" dir="ltr">{PALETTE_KEYS}</kbd>
            </button>
            <crate::ui::notifications::NotificationBell />
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
