//! The shell: locale, router, navigation and the page area.

use crate::{
    i18n::{apply_to_document, use_locale, Locale, Msg},
    nav::Navigation,
    pages, pwa,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = Locale::initial();
    apply_to_document(lang);
    provide_context(Locale::new(lang));
    let locale = use_locale();

    view! {
        <Title text=move || locale.t(Msg::AppName) />
        <Router>
            <a class="skip-link" href="#main">{move || locale.t(Msg::SkipToContent)}</a>
            <div class="shell">
                <Navigation />
                <main id="main" class="page" tabindex="-1">
                    <Routes fallback=pages::NotFound>
                        <Route path=path!("/") view=pages::Dashboard />
                        <Route path=path!("/pipeline") view=pages::Pipeline />
                        <Route path=path!("/customers") view=pages::Customers />
                        <Route path=path!("/customers/:id") view=pages::Customer />
                        <Route path=path!("/tasks") view=pages::Tasks />
                        <Route path=path!("/settings") view=pages::Settings />
                    </Routes>
                </main>
            </div>
            <pwa::UpdatePrompt />
        </Router>
    }
}
