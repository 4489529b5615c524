//! What pages build on: form state and its save, field errors, inputs, formatting, the words
//! for stored choices, and the pieces several pages share. Pages import from here, never from
//! one another.

pub mod draft;
pub mod editing;
pub mod field_error;
pub mod format;
pub mod inputs;
pub mod intent;
pub mod labels;
pub mod messages;
pub mod parties;
pub mod widgets;

use crate::i18n::{use_locale, Msg};
use leptos::prelude::*;
use leptos_meta::Title;

/// The heading, document title and introduction every page starts with.
#[component]
pub fn PageHeader(title: Msg, intro: Msg) -> impl IntoView {
    let locale = use_locale();
    view! {
        <Title text=move || format!("{} · {}", locale.t(title), locale.t(Msg::AppName)) />
        <header class="page-header">
            <h1>{move || locale.t(title)}</h1>
            <p class="page-intro">{move || locale.t(intro)}</p>
        </header>
    }
}
