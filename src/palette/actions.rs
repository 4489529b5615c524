//! The actions the palette runs and the single keys that run them.

use crate::{
    i18n::{Locale, Msg},
    sync::SyncEngine,
    ui::intent::{Intent, Intents},
};
use leptos::prelude::*;
use leptos_router::NavigateOptions;

/// Something the palette (or its shortcut) does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    NewContact,
    NewDeal,
    NewTask,
    NewTicket,
    LogCall,
    LoadSample,
    SwitchLanguage,
    SyncNow,
}

/// What decides which actions are offered, and what they act on.
#[derive(Clone)]
pub struct ActionContext {
    /// The path of the page open now.
    pub path: String,
    pub syncing: bool,
}

impl ActionContext {
    /// Whether a customer's 360 page is open (`/customers/<id>`).
    fn on_customer(&self) -> bool {
        self.path
            .strip_prefix("/customers/")
            .is_some_and(|rest| !rest.is_empty() && rest != "import")
    }
}

impl Action {
    pub const ALL: [Action; 8] = [
        Action::NewContact,
        Action::NewDeal,
        Action::NewTask,
        Action::NewTicket,
        Action::LogCall,
        Action::LoadSample,
        Action::SwitchLanguage,
        Action::SyncNow,
    ];

    pub fn label(self) -> Msg {
        match self {
            Action::NewContact => Msg::NewContact,
            Action::NewDeal => Msg::NewDeal,
            Action::NewTask => Msg::NewFollowUp,
            Action::NewTicket => Msg::NewTicket,
            Action::LogCall => Msg::PaletteLogCall,
            Action::LoadSample => Msg::LoadSample,
            Action::SwitchLanguage => Msg::SwitchLanguage,
            Action::SyncNow => Msg::SyncNow,
        }
    }

    /// The key that runs it outside fields, as shown, and the physical key
    /// (`KeyboardEvent.code`) that presses it on any layout, Persian included.
    pub fn shortcut(self) -> Option<(&'static str, &'static str)> {
        match self {
            Action::NewContact => Some(("C", "KeyC")),
            Action::NewDeal => Some(("D", "KeyD")),
            Action::NewTask => Some(("F", "KeyF")),
            Action::NewTicket => Some(("T", "KeyT")),
            Action::LogCall => Some(("L", "KeyL")),
            _ => None,
        }
    }

    pub fn key(self) -> Option<&'static str> {
        self.shortcut().map(|(shown, _)| shown)
    }

    pub fn available(self, context: &ActionContext) -> bool {
        match self {
            Action::LogCall => context.on_customer(),
            Action::SyncNow => context.syncing,
            _ => true,
        }
    }

    /// The page that does it, and the request left for that page.
    fn request(self, context: &ActionContext) -> Option<(String, Intent)> {
        let (path, intent) = match self {
            Action::NewContact => ("/customers", Intent::NewContact),
            Action::NewDeal => ("/pipeline", Intent::NewDeal),
            Action::NewTask => ("/tasks", Intent::NewTask),
            Action::NewTicket => ("/tickets", Intent::NewTicket),
            Action::LogCall => (context.path.as_str(), Intent::LogCall),
            Action::LoadSample => ("/settings", Intent::LoadSample),
            Action::SwitchLanguage | Action::SyncNow => return None,
        };
        Some((path.to_owned(), intent))
    }
}

/// Goes to a path in the app (the router's navigate, kept).
type Navigate = Box<dyn Fn(&str)>;

/// Runs actions: the contexts they need, taken while the shell is built.
#[derive(Clone, Copy)]
pub struct Runner {
    locale: Locale,
    sync: SyncEngine,
    intents: Intents,
    navigate: StoredValue<Navigate, LocalStorage>,
    path: Memo<String>,
}

impl Runner {
    pub fn new() -> Runner {
        let navigate = leptos_router::hooks::use_navigate();
        let location = leptos_router::hooks::use_location();
        Runner {
            locale: crate::i18n::use_locale(),
            sync: crate::sync::use_sync(),
            intents: crate::ui::intent::use_intents(),
            navigate: StoredValue::new_local(Box::new(move |path: &str| {
                navigate(path, NavigateOptions::default());
            })),
            path: Memo::new(move |_| location.pathname.get()),
        }
    }

    /// Forgets a request left for a page once another page is open (for the shell's life).
    pub fn forget_stale_requests(&self) {
        let (intents, path) = (self.intents, self.path);
        Effect::new(move |_| path.with(|path| intents.forget_unless_at(path)));
    }

    /// What decides the actions offered now (tracked).
    pub fn context(&self) -> ActionContext {
        ActionContext {
            path: self.path.get(),
            syncing: self.sync.config.with(Option::is_some),
        }
    }

    fn context_untracked(&self) -> ActionContext {
        untrack(|| self.context())
    }

    pub fn go(&self, path: &str) {
        self.navigate.with_value(|navigate| navigate(path));
    }

    pub fn run(&self, action: Action) {
        let context = self.context_untracked();
        if !action.available(&context) {
            return;
        }
        if let Some((path, intent)) = action.request(&context) {
            if path != context.path {
                self.go(&path);
            }
            self.intents.ask(intent, path);
            return;
        }
        match action {
            Action::SwitchLanguage => self.locale.switch(),
            Action::SyncNow => self.sync.sync_now(),
            _ => {}
        }
    }
}
