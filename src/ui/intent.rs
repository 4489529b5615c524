//! Requests made from outside a page — the command palette, a keyboard shortcut — that the
//! page able to do them takes up: the palette goes to the page and leaves the request, and
//! the page opens its form as if its own button had been pressed.

use leptos::prelude::*;

/// What a page is asked to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intent {
    NewContact,
    NewDeal,
    NewTask,
    NewTicket,
    /// Log a call with the customer whose 360 page is open.
    LogCall,
    LoadSample,
}

/// The request waiting for its page (the context).
#[derive(Clone, Copy)]
pub struct Intents(RwSignal<Option<Intent>>);

impl Intents {
    pub fn provide() {
        provide_context(Intents(RwSignal::new(None)));
    }

    /// Leaves `intent` for the page that does it (replacing one not taken up).
    pub fn ask(self, intent: Intent) {
        self.0.set(Some(intent));
    }

    /// Whether `intent` is waiting, taking it if so (tracked: call it in an effect, which
    /// then runs again at the next request).
    fn take(self, intent: Intent) -> bool {
        let waiting = self.0.get() == Some(intent);
        if waiting {
            self.0.set(None);
        }
        waiting
    }
}

pub fn use_intents() -> Intents {
    expect_context::<Intents>()
}

/// Runs `act` whenever `intent` is asked for while the calling component lives.
pub fn on_intent(intent: Intent, act: impl Fn() + 'static) {
    let intents = use_intents();
    Effect::new(move |_| {
        if intents.take(intent) {
            act();
        }
    });
}
