//! A short-lived message at the bottom of the screen, optionally with an undo button.

use crate::i18n::{use_locale, Msg};
use leptos::prelude::*;

#[derive(Clone)]
pub struct Notice {
    pub text: String,
    pub undo: Option<Callback<()>>,
}

/// The notice context: at most one notice shows at a time; a new one replaces it.
#[derive(Clone, Copy)]
pub struct Notices(RwSignal<Option<Notice>>);

impl Notices {
    pub fn provide() {
        provide_context(Notices(RwSignal::new(None)));
    }

    pub fn show(&self, notice: Notice) {
        self.0.set(Some(notice));
    }

    fn dismiss(&self) {
        self.0.set(None);
    }
}

pub fn use_notices() -> Notices {
    expect_context::<Notices>()
}

/// What shows a message in a notice. Made where the contexts are at hand, so that it can be
/// used later: after an `.await` or in a browser callback, where they are not.
pub fn msg_reporter() -> impl Fn(Msg) + Copy + 'static {
    let locale = use_locale();
    let notices = use_notices();
    move |msg| {
        notices.show(Notice {
            text: locale.t(msg).into(),
            undo: None,
        })
    }
}

#[component]
pub fn NoticeArea() -> impl IntoView {
    let locale = use_locale();
    let notices = use_notices();
    view! {
        <div class="notice-area" role="status" aria-live="polite">
            {move || notices.0.get().map(|notice| {
                let undo = notice.undo.map(|undo| view! {
                    <button type="button" class="button primary" on:click=move |_| {
                        notices.dismiss();
                        undo.run(());
                    }>{move || locale.t(Msg::Undo)}</button>
                });
                view! {
                    <div class="notice">
                        <span>{notice.text}</span>
                        {undo}
                        <button type="button" class="button subtle" on:click=move |_| notices.dismiss()>
                            {move || locale.t(Msg::Close)}
                        </button>
                    </div>
                }
            })}
        </div>
    }
}
