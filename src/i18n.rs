//! Every user-visible string of the app, in English and Persian, and the locale context.
//!
//! Views never hold literals: they ask `Locale::t(Msg::…)`, so a string missing in one
//! language is a compile error, not a blank on screen.

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use rabet_domain::locale::Lang;

const LANG_KEY: &str = "rabet.lang";

macro_rules! messages {
    ($($key:ident => $en:literal, $fa:literal;)*) => {
        /// A user-visible string, looked up in the current language by `Locale::t`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Msg { $($key),* }

        impl Msg {
            #[cfg(test)]
            pub const ALL: &'static [Msg] = &[$(Msg::$key),*];

            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$key, Lang::En) => $en, (Msg::$key, Lang::Fa) => $fa,)*
                }
            }
        }
    };
}

messages! {
    AppName => "Rabet", "رابط";
    MainNavigation => "Main navigation", "ناوبری اصلی";
    SkipToContent => "Skip to content", "رفتن به محتوا";
    NavDashboard => "Dashboard", "داشبورد";
    NavPipeline => "Pipeline", "قیف فروش";
    NavCustomers => "Customers", "مشتریان";
    NavTasks => "Tasks", "کارها";
    NavSettings => "Settings", "تنظیمات";
    OtherLanguageName => "فارسی", "English";
    SwitchLanguage => "Switch to Persian", "تغییر زبان به انگلیسی";
    Language => "Language", "زبان";
    LanguageName => "English", "فارسی";
    SettingsLanguageHint => "Persian is written right to left and uses Persian digits.", "انگلیسی از چپ به راست نوشته می‌شود و ارقام لاتین دارد.";
    DashboardIntro => "Your sales, customers and support at a glance. Numbers appear here as you add customers and deals.", "نمای کلی فروش، مشتریان و پشتیبانی. با افزودن مشتری و معامله، اعداد این‌جا نمایان می‌شوند.";
    PipelineIntro => "Deals by stage, from first contact to won.", "معامله‌ها به تفکیک مرحله، از نخستین تماس تا موفقیت.";
    CustomersIntro => "People and companies you work with.", "اشخاص و شرکت‌هایی که با آن‌ها کار می‌کنید.";
    CustomerTitle => "Customer", "مشتری";
    CustomerIntro => "Everything about this customer on one page.", "همه‌چیز دربارهٔ این مشتری در یک صفحه.";
    TasksIntro => "Follow-ups that are overdue, due today and coming up.", "پیگیری‌های عقب‌افتاده، امروز و پیش رو.";
    SettingsIntro => "Language, calendar, currency, pipelines, team and sync.", "زبان، تقویم، واحد پول، قیف‌ها، تیم و همگام‌سازی.";
    NotFoundTitle => "Page not found", "صفحه پیدا نشد";
    NotFoundBody => "There is nothing at this address.", "در این نشانی چیزی نیست.";
    BackToDashboard => "Back to the dashboard", "بازگشت به داشبورد";
    UpdateAvailable => "A new version of Rabet is available.", "نسخهٔ تازه‌ای از رابط آماده است.";
    UpdateReload => "Reload", "بارگذاری دوباره";
    UpdateLater => "Later", "بعداً";
}

/// The current language, shared by every view through context.
#[derive(Clone, Copy)]
pub struct Locale(RwSignal<Lang>);

impl Locale {
    /// The language saved on this device, else the browser's, else English.
    pub fn initial() -> Lang {
        LocalStorage::get::<Lang>(LANG_KEY)
            .ok()
            .or_else(browser_lang)
            .unwrap_or(Lang::En)
    }

    pub fn new(lang: Lang) -> Self {
        Locale(RwSignal::new(lang))
    }

    pub fn lang(&self) -> Lang {
        self.0.get()
    }

    /// Switches language, remembers it on this device and updates `<html lang dir>`.
    pub fn set(&self, lang: Lang) {
        // Losing the preference (private mode, full disk) must not stop the switch itself.
        let _ = LocalStorage::set(LANG_KEY, lang);
        apply_to_document(lang);
        self.0.set(lang);
    }

    /// The text of `msg` in the current language (reactive).
    pub fn t(&self, msg: Msg) -> &'static str {
        msg.text(self.lang())
    }
}

pub fn use_locale() -> Locale {
    expect_context::<Locale>()
}

/// Sets `<html lang dir>` so the whole document (and CSS logical properties) follow `lang`.
pub fn apply_to_document(lang: Lang) {
    if let Some(html) = document().document_element() {
        let _ = html.set_attribute("lang", lang.code());
        let _ = html.set_attribute("dir", lang.dir());
    }
}

fn browser_lang() -> Option<Lang> {
    let navigator = window().navigator();
    let preferred = navigator.languages();
    preferred
        .iter()
        .filter_map(|tag| tag.as_string())
        .chain(navigator.language())
        .find_map(|tag| Lang::from_tag(&tag))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn html_attr(name: &str) -> Option<String> {
        document().document_element()?.get_attribute(name)
    }

    #[wasm_bindgen_test]
    fn every_message_is_translated() {
        for msg in Msg::ALL {
            let (en, fa) = (msg.text(Lang::En), msg.text(Lang::Fa));
            assert!(!en.trim().is_empty() && !fa.trim().is_empty(), "{msg:?}");
            assert_ne!(en, fa, "{msg:?} is not translated");
        }
    }

    #[wasm_bindgen_test]
    fn persian_text_is_written_in_persian() {
        let persian = |c: char| ('\u{0600}'..='\u{06FF}').contains(&c);
        for msg in Msg::ALL {
            // The language switch names English in English; everything else reads in Persian.
            if matches!(msg, Msg::OtherLanguageName) {
                continue;
            }
            assert!(msg.text(Lang::Fa).chars().any(persian), "{msg:?}");
        }
    }

    #[wasm_bindgen_test]
    fn switching_language_sets_document_direction_and_persists() {
        let owner = Owner::new();
        owner.with(|| {
            let locale = Locale::new(Lang::En);
            locale.set(Lang::Fa);
            assert_eq!(html_attr("lang").as_deref(), Some("fa"));
            assert_eq!(html_attr("dir").as_deref(), Some("rtl"));
            assert_eq!(Locale::initial(), Lang::Fa);
            assert_eq!(locale.t(Msg::NavCustomers), "مشتریان");

            locale.set(Lang::En);
            assert_eq!(html_attr("dir").as_deref(), Some("ltr"));
            assert_eq!(Locale::initial(), Lang::En);
        });
    }

    #[wasm_bindgen_test]
    fn first_visit_follows_the_browser_language() {
        LocalStorage::delete(LANG_KEY);
        let expected = browser_lang().unwrap_or(Lang::En);
        assert_eq!(Locale::initial(), expected);
    }
}
