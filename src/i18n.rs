//! Every user-visible string of the app, in English and Persian, and the locale context.
//!
//! Views never hold literals: they ask `Locale::t(Msg::…)`, so a string missing in one
//! language is a compile error, not a blank on screen.

use crate::store::StoreError;
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use rabet_domain::{
    locale::{format_number, Lang},
    model::{EmailLabel, LeadSource, LifecycleStage, PhoneLabel, Role},
    validate::{PhoneError, ValidationError, ValidationErrorKind},
};

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
    TasksIntro => "Follow-ups that are overdue, due today and coming up.", "پیگیری‌های عقب‌افتاده، امروز و پیش رو.";
    SettingsIntro => "Language, calendar, currency, pipelines, team and sync.", "زبان، تقویم، واحد پول، قیف‌ها، تیم و همگام‌سازی.";
    NotFoundTitle => "Page not found", "صفحه پیدا نشد";
    NotFoundBody => "There is nothing at this address.", "در این نشانی چیزی نیست.";
    BackToDashboard => "Back to the dashboard", "بازگشت به داشبورد";
    UpdateAvailable => "A new version of Rabet is available.", "نسخهٔ تازه‌ای از رابط آماده است.";
    UpdateReload => "Reload", "بارگذاری دوباره";
    UpdateLater => "Later", "بعداً";
    Loading => "Loading…", "در حال بارگذاری…";
    WorkspaceSection => "Workspace", "فضای کار";
    Calendar => "Calendar", "تقویم";
    CalendarAuto => "Follow the language", "مطابق زبان";
    CalendarGregorian => "Gregorian", "میلادی";
    CalendarJalali => "Solar Hijri (Jalali)", "هجری شمسی";
    Currency => "Currency", "واحد پول";
    TeamSection => "Team", "تیم";
    TeamHint => "Owners of customers and deals, and assignees of tasks, are chosen from this list.", "مسئول مشتریان و معامله‌ها و انجام‌دهندهٔ کارها از این فهرست انتخاب می‌شوند.";
    MemberName => "Name", "نام";
    Role => "Role", "نقش";
    AddMember => "Add member", "افزودن عضو";
    RoleAdmin => "Administrator", "مدیر سیستم";
    RoleManager => "Manager", "مدیر";
    RoleSales => "Sales", "فروش";
    RoleMarketing => "Marketing", "بازاریابی";
    RoleSupport => "Support", "پشتیبانی";
    StorageSection => "Storage on this device", "فضای ذخیره‌سازی این دستگاه";
    StorageUsage => "{usage} MB used of {quota} MB available to Rabet.", "{usage} مگابایت از {quota} مگابایتِ در دسترس رابط استفاده شده است.";
    StorageUnknown => "This browser does not report how much storage is used.", "این مرورگر میزان فضای استفاده‌شده را گزارش نمی‌دهد.";
    StoragePersisted => "Protected: the browser will not clear this data to free up space.", "محافظت‌شده: مرورگر این داده‌ها را برای آزاد کردن فضا پاک نمی‌کند.";
    StorageNotPersisted => "Not protected: the browser may clear this data when the device runs low on space. Keep a backup.", "محافظت‌نشده: اگر فضای دستگاه کم شود، مرورگر ممکن است این داده‌ها را پاک کند. نسخهٔ پشتیبان نگه دارید.";
    ProtectStorage => "Protect my data", "محافظت از داده‌ها";
    LoadFailed => "Your data could not be opened.", "داده‌های شما باز نشد.";
    People => "People", "اشخاص";
    Companies => "Companies", "شرکت‌ها";
    CustomerKind => "Show", "نمایش";
    Search => "Search", "جستجو";
    SearchHint => "Name, phone, e-mail or tag", "نام، تلفن، ایمیل یا برچسب";
    All => "All", "همه";
    SortBy => "Sort by", "مرتب‌سازی";
    SortName => "Name", "نام";
    SortNewest => "Newest first", "جدیدترین";
    SortOldest => "Oldest first", "قدیمی‌ترین";
    NewContact => "New contact", "مخاطب جدید";
    NewCompany => "New company", "شرکت جدید";
    EditContact => "Edit contact", "ویرایش مخاطب";
    EditCompany => "Edit company", "ویرایش شرکت";
    ShownOfTotal => "{shown} of {total}", "{shown} از {total}";
    EmptyContacts => "No contacts yet. Add one, or import a CSV or vCard file.", "هنوز مخاطبی ندارید. یکی بیفزایید یا فایل CSV یا vCard وارد کنید.";
    EmptyCompanies => "No companies yet.", "هنوز شرکتی ندارید.";
    NoMatches => "Nothing matches the search and filters.", "چیزی با جستجو و فیلترها جور نیست.";
    FirstName => "First name", "نام";
    LastName => "Last name", "نام خانوادگی";
    Company => "Company", "شرکت";
    CompanyName => "Company name", "نام شرکت";
    NoCompany => "No company", "بدون شرکت";
    JobTitle => "Job title", "سمت";
    Industry => "Industry", "صنعت";
    Website => "Website", "وب‌سایت";
    Phones => "Phone numbers", "شماره‌های تلفن";
    Phone => "Phone", "تلفن";
    AddPhone => "Add phone", "افزودن تلفن";
    Emails => "E-mail addresses", "نشانی‌های ایمیل";
    Email => "E-mail", "ایمیل";
    AddEmail => "Add e-mail", "افزودن ایمیل";
    Remove => "Remove", "حذف";
    Kind => "Kind", "نوع";
    WhatsApp => "WhatsApp", "واتساپ";
    Telegram => "Telegram", "تلگرام";
    LifecycleStage => "Stage", "وضعیت";
    LeadSource => "Source", "منبع";
    Unknown => "Unknown", "نامشخص";
    Owner => "Owner", "مسئول";
    Unassigned => "Unassigned", "بدون مسئول";
    Tags => "Tags", "برچسب‌ها";
    TagsHint => "Separate tags with commas", "برچسب‌ها را با ویرگول جدا کنید";
    Address => "Address", "نشانی";
    City => "City", "شهر";
    Notes => "Notes", "یادداشت‌ها";
    Save => "Save", "ذخیره";
    Saving => "Saving…", "در حال ذخیره…";
    Cancel => "Cancel", "انصراف";
    Edit => "Edit", "ویرایش";
    Delete => "Delete", "حذف";
    Deleted => "Deleted {name}.", "«{name}» حذف شد.";
    Undo => "Undo", "بازگرداندن";
    Close => "Close", "بستن";
    NotFoundRecord => "This customer does not exist or was deleted.", "این مشتری وجود ندارد یا حذف شده است.";
    BackToCustomers => "Back to customers", "بازگشت به مشتریان";
    ErrRequired => "Required", "الزامی است";
    ErrContactIdentity => "Give at least a name, a phone number or an e-mail.", "دست‌کم نام، شماره تلفن یا ایمیل را وارد کنید.";
    ErrInvalidEmail => "Not a valid e-mail address", "نشانی ایمیل معتبر نیست";
    ErrPhoneCharacters => "A phone number may hold only digits, spaces, + - ( )", "شماره تلفن فقط می‌تواند رقم، فاصله و + - ( ) داشته باشد";
    ErrPhoneLength => "Not a valid phone number: check the number of digits", "شماره تلفن معتبر نیست: تعداد ارقام را بررسی کنید";
    ErrTooLong => "Too long: at most {max} characters", "بیش از حد طولانی: حداکثر {max} نویسه";
    ErrOutOfRange => "Out of the allowed range", "خارج از محدودهٔ مجاز";
    ErrEarlier => "Is earlier than it may be", "زودتر از حد مجاز است";
    ErrDuplicate => "Entered twice", "تکراری است";
    ErrStorageFull => "This device is out of storage space. Nothing you typed is lost: free some space and save again.", "فضای ذخیره‌سازی این دستگاه پر است. چیزی از دست نرفته است: کمی فضا آزاد کنید و دوباره ذخیره کنید.";
    ErrStorageAborted => "Saving did not complete. Your input is still here; please try again.", "ذخیره کامل نشد. اطلاعات واردشده سر جایش است؛ دوباره تلاش کنید.";
    ErrStorageUnavailable => "The browser's storage is not available (private windows may block it).", "فضای ذخیره‌سازی مرورگر در دسترس نیست (پنجره‌های خصوصی ممکن است آن را مسدود کنند).";
    ErrStorageCorrupt => "A stored record could not be read.", "یکی از رکوردهای ذخیره‌شده خوانده نشد.";
    ErrStorageOther => "The browser's storage reported an error.", "فضای ذخیره‌سازی مرورگر خطا داد.";
    StageLead => "Lead", "سرنخ";
    StageProspect => "Prospect", "مشتری بالقوه";
    StageCustomer => "Customer", "مشتری";
    StageInactive => "Inactive", "غیرفعال";
    StageChurned => "Churned", "ازدست‌رفته";
    SourceWebsite => "Website", "وب‌سایت";
    SourceInstagram => "Instagram", "اینستاگرام";
    SourceTelegram => "Telegram", "تلگرام";
    SourcePhone => "Phone call", "تماس تلفنی";
    SourceReferral => "Referral", "معرفی";
    SourceExhibition => "Exhibition", "نمایشگاه";
    SourceCampaign => "Campaign", "کمپین";
    SourceWalkIn => "Walk-in", "مراجعهٔ حضوری";
    SourceOther => "Other", "سایر";
    LabelMobile => "Mobile", "همراه";
    LabelWork => "Work", "محل کار";
    LabelHome => "Home", "منزل";
    LabelFax => "Fax", "فکس";
    LabelPersonal => "Personal", "شخصی";
    LabelOther => "Other", "سایر";
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

    /// The text of `msg` with each `{name}` replaced by its value.
    pub fn fill(&self, msg: Msg, values: &[(&str, &str)]) -> String {
        values
            .iter()
            .fold(self.t(msg).to_owned(), |text, (name, value)| {
                text.replace(&format!("{{{name}}}"), value)
            })
    }

    /// A whole number as the reader writes it (grouped; Persian digits in Persian).
    pub fn number(&self, n: usize) -> String {
        format_number(i64::try_from(n).unwrap_or(i64::MAX), self.lang())
    }

    /// What a broken validation rule means, in words.
    pub fn validation(&self, error: &ValidationError) -> String {
        let msg = match error.kind {
            ValidationErrorKind::Required if error.field == "first_name" => Msg::ErrContactIdentity,
            ValidationErrorKind::Required => Msg::ErrRequired,
            ValidationErrorKind::InvalidEmail => Msg::ErrInvalidEmail,
            ValidationErrorKind::InvalidPhone(PhoneError::InvalidCharacter) => {
                Msg::ErrPhoneCharacters
            }
            ValidationErrorKind::InvalidPhone(_) => Msg::ErrPhoneLength,
            ValidationErrorKind::TooLong { max } => {
                return self.fill(Msg::ErrTooLong, &[("max", &self.number(max))]);
            }
            ValidationErrorKind::BelowMin { .. } | ValidationErrorKind::OutOfRange { .. } => {
                Msg::ErrOutOfRange
            }
            ValidationErrorKind::EarlierThan { .. } => Msg::ErrEarlier,
            ValidationErrorKind::Duplicate => Msg::ErrDuplicate,
        };
        self.t(msg).to_owned()
    }
}

/// What a storage failure means for the user, in words.
pub fn store_error_msg(error: &StoreError) -> Msg {
    match error {
        StoreError::QuotaExceeded => Msg::ErrStorageFull,
        StoreError::Aborted(_) => Msg::ErrStorageAborted,
        StoreError::Unavailable(_) => Msg::ErrStorageUnavailable,
        StoreError::Corrupt { .. } => Msg::ErrStorageCorrupt,
        StoreError::Other(_) => Msg::ErrStorageOther,
    }
}

pub fn role_msg(role: Role) -> Msg {
    match role {
        Role::Admin => Msg::RoleAdmin,
        Role::Manager => Msg::RoleManager,
        Role::Sales => Msg::RoleSales,
        Role::Marketing => Msg::RoleMarketing,
        Role::Support => Msg::RoleSupport,
    }
}

pub fn stage_msg(stage: LifecycleStage) -> Msg {
    match stage {
        LifecycleStage::Lead => Msg::StageLead,
        LifecycleStage::Prospect => Msg::StageProspect,
        LifecycleStage::Customer => Msg::StageCustomer,
        LifecycleStage::Inactive => Msg::StageInactive,
        LifecycleStage::Churned => Msg::StageChurned,
    }
}

pub fn source_msg(source: LeadSource) -> Msg {
    match source {
        LeadSource::Website => Msg::SourceWebsite,
        LeadSource::Instagram => Msg::SourceInstagram,
        LeadSource::Telegram => Msg::SourceTelegram,
        LeadSource::Phone => Msg::SourcePhone,
        LeadSource::Referral => Msg::SourceReferral,
        LeadSource::Exhibition => Msg::SourceExhibition,
        LeadSource::Campaign => Msg::SourceCampaign,
        LeadSource::WalkIn => Msg::SourceWalkIn,
        LeadSource::Other => Msg::SourceOther,
    }
}

pub fn phone_label_msg(label: PhoneLabel) -> Msg {
    match label {
        PhoneLabel::Mobile => Msg::LabelMobile,
        PhoneLabel::Work => Msg::LabelWork,
        PhoneLabel::Home => Msg::LabelHome,
        PhoneLabel::Fax => Msg::LabelFax,
        PhoneLabel::Other => Msg::LabelOther,
    }
}

pub fn email_label_msg(label: EmailLabel) -> Msg {
    match label {
        EmailLabel::Work => Msg::LabelWork,
        EmailLabel::Personal => Msg::LabelPersonal,
        EmailLabel::Other => Msg::LabelOther,
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
