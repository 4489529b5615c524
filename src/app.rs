//! The shell: locale, router, navigation and the page area.

use crate::{
    i18n::{apply_to_document, store_error_msg, use_locale, Locale, Msg},
    local_time,
    nav::Navigation,
    notice::{NoticeArea, Notices},
    pages,
    palette::{CommandPalette, Palette},
    pwa, reminders,
    sync::SyncEngine,
    ui::intent::Intents,
    workspace::{LoadState, Workspace},
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
    Notices::provide();
    let workspace = Workspace::provide();
    crate::automation::start(workspace);
    SyncEngine::provide();
    crate::ui::messages::move_device_templates();
    Intents::provide();
    Palette::provide();
    let load_failure = move || match workspace.state.get() {
        LoadState::Failed(error) => Some(view! {
            <div class="banner danger" role="alert">
                <strong>{move || locale.t(Msg::LoadFailed)}</strong>
                " "
                {move || locale.t(store_error_msg(&error))}
            </div>
        }),
        _ => None,
    };
    // Tells assistive technology (and the benchmark and tests) that the records are still
    // arriving, or that a change is still being stored (a reload then would lose it).
    let loading = move || {
        let loading = workspace.state.with(|s| *s == LoadState::Loading);
        (loading || workspace.writes_in_flight.get() > 0).to_string()
    };

    view! {
        <Title text=move || locale.t(Msg::AppName) />
        <Router>
            <a class="skip-link" href="#main">{move || locale.t(Msg::SkipToContent)}</a>
            <div class="shell">
                <Navigation />
                <main id="main" class="page" tabindex="-1" aria-busy=loading>
                    {load_failure}
                    <pages::RevokedNotice />
                    <Routes fallback=pages::NotFound>
                        <Route path=path!("/") view=pages::Dashboard />
                        <Route path=path!("/pipeline") view=pages::Pipeline />
                        <Route path=path!("/customers") view=pages::Customers />
                        <Route path=path!("/customers/import") view=pages::ImportContacts />
                        <Route path=path!("/customers/:id") view=pages::Customer />
                        <Route path=path!("/tasks") view=pages::Tasks />
                        <Route path=path!("/tickets") view=pages::Tickets />
                        <Route path=path!("/tickets/:id") view=pages::TicketView />
                        <Route path=path!("/invoices") view=pages::Invoices />
                        <Route path=path!("/invoices/:id") view=pages::InvoiceView />
                        <Route path=path!("/products") view=pages::Products />
                        <Route path=path!("/segments") view=pages::Segments />
                        <Route path=path!("/segments/:id") view=pages::SegmentView />
                        <Route path=path!("/settings") view=pages::Settings />
                        <Route path=path!("/activity") view=pages::Activity />
                        <Route path=path!("/join") view=pages::Join />
                    </Routes>
                </main>
            </div>
            <CommandPalette />
            <NoticeArea />
            <pwa::UpdatePrompt />
            <reminders::ReminderWatcher />
            <local_time::ZoneKeeper />
        </Router>
    }
}
