//! What pages build on: form state and its save, field errors, inputs, formatting, the words
//! for stored choices, and the pieces several pages share. Pages import from here, never from
//! one another.

pub mod automation;
pub mod bulk;
pub mod columns;
pub mod criteria;
pub mod custom_fields;
pub mod draft;
pub mod editing;
pub mod field_error;
pub mod format;
pub mod history;
pub mod inputs;
pub mod intent;
pub mod labels;
pub mod messages;
pub mod notifications;
pub mod parties;
pub mod qr;
pub mod saved_views;
pub mod widgets;

use crate::i18n::{phrase, use_locale, Locale, Msg};
use leptos::prelude::*;
use leptos_meta::Title;

/// The browser's title for a page: its name, then the app's.
pub fn browser_title(locale: Locale, page: &str) -> String {
    locale.fill(phrase::BrowserTitle {
        page,
        app: locale.t(Msg::AppName),
    })
}

/// The heading, document title and introduction every page starts with.
#[component]
pub fn PageHeader(title: Msg, intro: Msg) -> impl IntoView {
    let locale = use_locale();
    view! {
        <Title text=move || browser_title(locale, locale.t(title)) />
        <header class="page-header">
            <h1>{move || locale.t(title)}</h1>
            <p class="page-intro">{move || locale.t(intro)}</p>
        </header>
    }
}
