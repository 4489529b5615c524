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

/// The request waiting for its page, with that page's path (the context).
#[derive(Clone, Copy)]
pub struct Intents(RwSignal<Option<(Intent, String)>>);

impl Intents {
    pub fn provide() {
        provide_context(Intents(RwSignal::new(None)));
    }

    /// Leaves `intent` for the page at `path`, which does it (replacing one not taken up).
    pub fn ask(self, intent: Intent, path: String) {
        self.0.set(Some((intent, path)));
    }

    /// Forgets a request once the user is on another page than the one it was for (the page
    /// could not take it up), so that it does not surprise them on a later visit.
    pub fn forget_unless_at(self, path: &str) {
        let stale = self.0.with_untracked(|waiting| {
            waiting
                .as_ref()
                .is_some_and(|(_, for_path)| for_path != path)
        });
        if stale {
            self.0.set(None);
        }
    }

    /// Whether `intent` is waiting, taking it if so (tracked: call it in an effect, which
    /// then runs again at the next request).
    fn take(self, intent: Intent) -> bool {
        let waiting = self
            .0
            .with(|waiting| waiting.as_ref().is_some_and(|(asked, _)| *asked == intent));
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
