//! Every user-visible string of the app, in English and Persian, and the locale context.
//!
//! Views never hold literals: they ask `Locale::t(Msg::…)`, so a string missing in one
//! language is a compile error, not a blank on screen.

use crate::{file::ReadError, store::StoreError};
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use rabet_domain::{
    backup::{BackupError, BACKUP_VERSION},
    csv::CsvError,
    custom_field::ValueError,
    import::{ContactField, RejectReason},
    kind::EntityKind,
    locale::{format_number, Lang},
    model::{EmailLabel, LeadSource, LifecycleStage, PhoneLabel, Role},
    sync::{Refusal, Role as AccessRole},
    text_file::NotText,
    validate::{PhoneError, ValidationError, ValidationErrorKind},
    vcard::{PropertyError, SkippedProperty},
};

pub(crate) const LANG_KEY: &str = "rabet.lang";

// An entry of `messages!` is `Key => "English", "Persian";`, or, when its texts hold values,
// `Key { name, … } => "… {name} …", "…";`. A plain entry is a `Msg`; an entry with values is
// not (it is left out of `Msg` by `#[cfg(any())]`, which is never true) but a struct
// `phrase::Key { name: &str, … }`, so a value that is missing, misspelt or extra does not
// compile, and both texts must name exactly the values listed.
macro_rules! messages {
    ($($key:ident $({ $($value:ident),* })? => $en:literal, $fa:literal;)*) => {
        /// A user-visible string, looked up in the current language by `Locale::t`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Msg { $($(#[cfg(any())] $(#[doc = stringify!($value)])*)? $key,)* }

        impl Msg {
            /// Every entry without values, for the tests.
            #[allow(dead_code)]
            pub const ALL: &'static [Msg] =
                &[$($(#[cfg(any())] $(#[doc = stringify!($value)])*)? Msg::$key,)*];

            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $(
                        $(#[cfg(any())] $(#[doc = stringify!($value)])*)?
                        (Msg::$key, Lang::En) => $en,
                        $(#[cfg(any())] $(#[doc = stringify!($value)])*)?
                        (Msg::$key, Lang::Fa) => $fa,
                    )*
                }
            }
        }

        /// Every entry's name and texts in both languages, plain or with values, for the tests.
        #[cfg(test)]
        const ALL_TEXTS: &[(&str, &str, &str)] = &[$((stringify!($key), $en, $fa)),*];

        /// The messages with values: one struct per entry, its fields the values.
        pub mod phrase {
            use super::*;
            $(phrase!($key $({ $($value),* })? => $en, $fa);)*
        }
    };
}

/// The `phrase::Key` struct of a `messages!` entry with values; nothing for a plain entry.
macro_rules! phrase {
    ($key:ident => $en:literal, $fa:literal) => {};
    ($key:ident { $($value:ident),* } => $en:literal, $fa:literal) => {
        #[derive(Clone, Copy, Debug)]
        pub struct $key<'a> { $(pub $value: &'a str),* }

        impl Phrase for $key<'_> {
            fn in_lang(&self, lang: Lang) -> String {
                let template = match lang { Lang::En => $en, Lang::Fa => $fa };
                fill_in(template, &[$((stringify!($value), self.$value)),*], lang)
            }
        }

        const _: () = assert!(
            names_exactly($en, &[$(stringify!($value)),*])
                && names_exactly($fa, &[$(stringify!($value)),*]),
            stringify!($key)
        );
    };
}

// An entry of `counted!` is `Key(count) => [one, other], [one, other];` (English, Persian),
// or with more values `Key(count) { name, … } => …`: then, as in `messages!`, it is a struct
// `phrase::Key { count: usize, name: &str, … }` instead of a `Counted`.
macro_rules! counted {
    ($($key:ident($count:ident) $({ $($value:ident),* })? => [$en_one:literal, $en_other:literal], [$fa_one:literal, $fa_other:literal];)*) => {
        /// A sentence about a count, in the CLDR plural forms of each language (`one`,
        /// `other`); `Locale::count` picks the form for the number and writes the number in.
        /// It is a type apart from `Msg`, so a counted sentence cannot be filled without its
        /// count.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Counted { $($(#[cfg(any())] $(#[doc = stringify!($value)])*)? $key,)* }

        impl Counted {
            #[allow(dead_code)]
            pub const ALL: &'static [Counted] =
                &[$($(#[cfg(any())] $(#[doc = stringify!($value)])*)? Counted::$key,)*];

            /// The form of `self` for `category` in `lang`.
            pub fn form(self, lang: Lang, category: Plural) -> &'static str {
                match self {
                    $(
                        $(#[cfg(any())] $(#[doc = stringify!($value)])*)?
                        Counted::$key => plural_form([$en_one, $en_other, $fa_one, $fa_other], lang, category),
                    )*
                }
            }

            /// The placeholder the count is written into.
            pub fn count_name(self) -> &'static str {
                match self {
                    $($(#[cfg(any())] $(#[doc = stringify!($value)])*)? Counted::$key => stringify!($count),)*
                }
            }
        }

        /// Every entry's forms (English one, other; Persian one, other), for the tests.
        #[cfg(test)]
        const ALL_FORMS: &[[&str; 4]] = &[$([$en_one, $en_other, $fa_one, $fa_other]),*];

        pub mod counted_phrase {
            use super::*;
            $(counted_phrase!($key($count) $({ $($value),* })? => [$en_one, $en_other, $fa_one, $fa_other]);)*
        }

        // Every form holds the count's placeholder and names the same values.
        $(const _: () = assert!(
            names_exactly($en_one, &[stringify!($count) $($(, stringify!($value))*)?])
                && names_exactly($en_other, &[stringify!($count) $($(, stringify!($value))*)?])
                && names_exactly($fa_one, &[stringify!($count) $($(, stringify!($value))*)?])
                && names_exactly($fa_other, &[stringify!($count) $($(, stringify!($value))*)?]),
            stringify!($key)
        );)*
    };
}

/// The `phrase`-like struct of a `counted!` entry with more values than its count.
macro_rules! counted_phrase {
    ($key:ident($count:ident) => $forms:expr) => {};
    ($key:ident($count:ident) { $($value:ident),* } => $forms:expr) => {
        #[derive(Clone, Copy, Debug)]
        pub struct $key<'a> { pub $count: usize, $(pub $value: &'a str),* }

        impl Phrase for $key<'_> {
            fn in_lang(&self, lang: Lang) -> String {
                let number = format_number(i64::try_from(self.$count).unwrap_or(i64::MAX), lang);
                let template = plural_form($forms, lang, Plural::of(lang, self.$count));
                fill_in(template, &[(stringify!($count), &number) $(, (stringify!($value), self.$value))*], lang)
            }
        }
    };
}

/// A message with its values, in a language: what `Locale::fill` shows. Made by the
/// `messages!` and `counted!` tables only (the structs of `phrase` and `counted_phrase`).
pub trait Phrase {
    fn in_lang(&self, lang: Lang) -> String;
}

/// Of a counted entry's forms (English one, other; Persian one, other), the one for `lang`
/// and `category`.
const fn plural_form(forms: [&'static str; 4], lang: Lang, category: Plural) -> &'static str {
    let index = match (lang, category) {
        (Lang::En, Plural::One) => 0,
        (Lang::En, Plural::Other) => 1,
        (Lang::Fa, Plural::One) => 2,
        (Lang::Fa, Plural::Other) => 3,
    };
    forms[index]
}

/// A CLDR plural category; English and Persian use only these two.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plural {
    One,
    Other,
}

impl Plural {
    /// CLDR's rule for a whole number: English `one` is 1; Persian `one` is `i = 0 or n = 1`.
    /// (Persian nouns stay singular after any number, so its two forms read alike.)
    pub fn of(lang: Lang, n: usize) -> Plural {
        match (lang, n) {
            (Lang::En, 1) | (Lang::Fa, 0 | 1) => Plural::One,
            _ => Plural::Other,
        }
    }

    /// The category of a number given in tenths (2.5 is 25): a fraction is `other` in
    /// English; in Persian, `one` while its whole part is 0 or it is exactly 1.
    pub fn of_tenths(lang: Lang, tenths: i64) -> Plural {
        match lang {
            Lang::En if tenths == 10 => Plural::One,
            Lang::Fa if (0..10).contains(&tenths) || tenths == 10 => Plural::One,
            _ => Plural::Other,
        }
    }
}

/// Whether `{name}` occurs in `text` (at compile time).
const fn has_placeholder(text: &str, name: &str) -> bool {
    let (t, n) = (text.as_bytes(), name.as_bytes());
    let mut i = 0;
    while i + n.len() + 2 <= t.len() {
        if t[i] == b'{' && t[i + n.len() + 1] == b'}' && same_bytes(t, i + 1, n) {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether `text[at..]` starts with `part`.
const fn same_bytes(text: &[u8], at: usize, part: &[u8]) -> bool {
    let mut j = 0;
    while j < part.len() && at + j < text.len() && text[at + j] == part[j] {
        j += 1;
    }
    j == part.len()
}

/// Whether the placeholders of `text` (`{name}`, a name being ASCII letters, digits and `_`)
/// are exactly `names`: each of them occurs, and no other (at compile time).
const fn names_exactly(text: &str, names: &[&str]) -> bool {
    let mut k = 0;
    while k < names.len() {
        if !has_placeholder(text, names[k]) {
            return false;
        }
        k += 1;
    }
    let t = text.as_bytes();
    let mut i = 0;
    while i < t.len() {
        if t[i] == b'{' {
            let mut end = i + 1;
            while end < t.len() && (t[end].is_ascii_alphanumeric() || t[end] == b'_') {
                end += 1;
            }
            if end < t.len() && t[end] == b'}' && end > i + 1 {
                let mut listed = false;
                let mut k = 0;
                while !listed && k < names.len() {
                    let name = names[k].as_bytes();
                    listed = name.len() == end - i - 1 && same_bytes(t, i + 1, name);
                    k += 1;
                }
                if !listed {
                    return false;
                }
            }
        }
        i += 1;
    }
    true
}

counted! {
    Days(days) => ["{days} day", "{days} days"], ["{days} روز", "{days} روز"];
    Deals(count) => ["{count} deal", "{count} deals"], ["{count} معامله", "{count} معامله"];
    OpenDeals(count) => ["{count} open deal", "{count} open deals"], ["{count} معاملهٔ باز", "{count} معاملهٔ باز"];
    DaysInStage(days) => ["{days} day in this stage", "{days} days in this stage"], ["{days} روز در این مرحله", "{days} روز در این مرحله"];
    StaleHint(days) => ["No activity for {days} day or more", "No activity for {days} days or more"], ["{days} روز یا بیشتر بدون فعالیت", "{days} روز یا بیشتر بدون فعالیت"];
    MoveDealsOfStage(count) { stage } => ["“{stage}” is deleted; move its {count} deal to", "“{stage}” is deleted; move its {count} deals to"], ["«{stage}» حذف می‌شود؛ {count} معاملهٔ آن منتقل شود به", "«{stage}» حذف می‌شود؛ {count} معاملهٔ آن منتقل شود به"];
    Documents(count) => ["{count} document", "{count} documents"], ["{count} سند", "{count} سند"];
    DetailsSkipped(count) => ["{count} detail could not be read and is left out; its contact is still imported:", "{count} details could not be read and are left out; their contacts are still imported:"], ["{count} مورد از جزئیات خوانده نشد و کنار گذاشته می‌شود؛ مخاطبش با این حال وارد می‌شود:", "{count} مورد از جزئیات خوانده نشد و کنار گذاشته می‌شود؛ مخاطبانشان با این حال وارد می‌شوند:"];
    ImportRows(count) => ["Import {count} row", "Import {count} rows"], ["ورود {count} ردیف", "ورود {count} ردیف"];
    ImportDone(imported) => ["{imported} contact imported.", "{imported} contacts imported."], ["{imported} مخاطب وارد شد.", "{imported} مخاطب وارد شد."];
    ImportRejected(count) => ["{count} row was not imported:", "{count} rows were not imported:"], ["{count} ردیف وارد نشد:", "{count} ردیف وارد نشد:"];
    ImportDuplicates(count) => ["{count} row looks like a contact you already have and was not imported:", "{count} rows look like contacts you already have and were not imported:"], ["{count} ردیف شبیه مخاطبی است که از قبل دارید و وارد نشد:", "{count} ردیف شبیه مخاطبانی است که از قبل دارید و وارد نشد:"];
    ImportEmptyLines(count) => ["{count} empty row was skipped.", "{count} empty rows were skipped."], ["{count} ردیف خالی نادیده گرفته شد.", "{count} ردیف خالی نادیده گرفته شد."];
    ImportAllAnyway(count) => ["Import {count} anyway", "Import all {count} anyway"], ["{count} ردیف با این حال وارد شود", "هر {count} ردیف با این حال وارد شوند"];
    RowFields(fields) => ["The row has {fields} field", "The row has {fields} fields"], ["این ردیف {fields} خانه دارد", "این ردیف {fields} خانه دارد"];
    FileColumns(headers) => ["the file has {headers} column", "the file has {headers} columns"], ["فایل {headers} ستون دارد", "فایل {headers} ستون دارد"];
    RestoreDone(count) => ["Restored {count} record.", "Restored {count} records."], ["{count} رکورد بازگردانی شد.", "{count} رکورد بازگردانی شد."];
    Ratings(count) => ["{count} rating", "{count} ratings"], ["{count} امتیاز", "{count} امتیاز"];
    LostInDeals(count) => ["On {count} lost deal", "On {count} lost deals"], ["در {count} معاملهٔ ناموفق", "در {count} معاملهٔ ناموفق"];
    People(count) => ["{count} person", "{count} people"], ["{count} نفر", "{count} نفر"];
    Members(count) => ["{count} contact", "{count} contacts"], ["{count} مخاطب", "{count} مخاطب"];
    ContactsMatch(count) => ["{count} contact matches.", "{count} contacts match."], ["{count} مخاطب با این شرط‌ها جور است.", "{count} مخاطب با این شرط‌ها جور است."];
    SampleDone(count) => ["Sample workspace loaded: {count} record.", "Sample workspace loaded: {count} records."], ["فضای کار نمونه بارگذاری شد: {count} رکورد.", "فضای کار نمونه بارگذاری شد: {count} رکورد."];
    // Sync at team scale (issue 20): a new device joins by snapshot.
    JoinCustomers(total) { done } => ["Receiving the team's records: {done} of {total} customer", "Receiving the team's records: {done} of {total} customers"], ["دریافت داده‌های تیم: {done} از {total} مشتری", "دریافت داده‌های تیم: {done} از {total} مشتری"];
    JoinOthers(total) { done } => ["Receiving the team's records: {done} of {total} other record", "Receiving the team's records: {done} of {total} other records"], ["دریافت داده‌های تیم: {done} از {total} رکورد دیگر", "دریافت داده‌های تیم: {done} از {total} رکورد دیگر"];
    // Command palette (issue 17).
    PaletteFound(count) => ["{count} result", "{count} results"], ["{count} نتیجه", "{count} نتیجه"];
    // Bulk actions (issue 17).
    BulkSelected(count) => ["{count} selected", "{count} selected"], ["{count} انتخاب‌شده", "{count} انتخاب‌شده"];
    BulkSelectAllMatching(count) => ["Select the {count} matching contact", "Select all {count} matching contacts"], ["انتخاب {count} مخاطبِ جور با فیلتر", "انتخاب هر {count} مخاطبِ جور با فیلتر"];
    BulkWorking(count) => ["Changing {count} contact…", "Changing {count} contacts…"], ["در حال تغییر {count} مخاطب…", "در حال تغییر {count} مخاطب…"];
    BulkTagged(count) => ["Tag added to {count} contact.", "Tag added to {count} contacts."], ["برچسب به {count} مخاطب افزوده شد.", "برچسب به {count} مخاطب افزوده شد."];
    BulkUntagged(count) => ["Tag removed from {count} contact.", "Tag removed from {count} contacts."], ["برچسب از {count} مخاطب برداشته شد.", "برچسب از {count} مخاطب برداشته شد."];
    BulkOwnerSet(count) => ["Owner set on {count} contact.", "Owner set on {count} contacts."], ["مسئول {count} مخاطب تعیین شد.", "مسئول {count} مخاطب تعیین شد."];
    BulkStageSet(count) => ["Stage set on {count} contact.", "Stage set on {count} contacts."], ["مرحلهٔ {count} مخاطب تعیین شد.", "مرحلهٔ {count} مخاطب تعیین شد."];
    BulkDeleted(count) => ["{count} contact deleted.", "{count} contacts deleted."], ["{count} مخاطب حذف شد.", "{count} مخاطب حذف شد."];
    BulkUndone(count) => ["Undone for {count} contact.", "Undone for {count} contacts."], ["برای {count} مخاطب بازگردانده شد.", "برای {count} مخاطب بازگردانده شد."];
    // Bulk actions and saved views on every list (issue 17, lists).
    BulkSelectAllMatchingItems(count) => ["Select the {count} matching item", "Select all {count} matching items"], ["انتخاب {count} موردِ جور با فیلتر", "انتخاب هر {count} موردِ جور با فیلتر"];
    BulkWorkingItems(count) => ["Changing {count} item…", "Changing {count} items…"], ["در حال تغییر {count} مورد…", "در حال تغییر {count} مورد…"];
    BulkTaggedItems(count) => ["Tag added to {count} item.", "Tag added to {count} items."], ["برچسب به {count} مورد افزوده شد.", "برچسب به {count} مورد افزوده شد."];
    BulkUntaggedItems(count) => ["Tag removed from {count} item.", "Tag removed from {count} items."], ["برچسب از {count} مورد برداشته شد.", "برچسب از {count} مورد برداشته شد."];
    BulkOwnerSetItems(count) => ["Owner set on {count} item.", "Owner set on {count} items."], ["مسئول {count} مورد تعیین شد.", "مسئول {count} مورد تعیین شد."];
    BulkStateSetItems(count) => ["{count} item moved.", "{count} items moved."], ["{count} مورد جابه‌جا شد.", "{count} مورد جابه‌جا شد."];
    BulkDeletedItems(count) => ["{count} item deleted.", "{count} items deleted."], ["{count} مورد حذف شد.", "{count} مورد حذف شد."];
    BulkUndoneItems(count) => ["Undone for {count} item.", "Undone for {count} items."], ["برای {count} مورد بازگردانده شد.", "برای {count} مورد بازگردانده شد."];
    // Custom fields (issue 17).
    CustomFieldUnconverted(count) => ["{count} value does not convert to the new type. Change the type and clear it?", "{count} values do not convert to the new type. Change the type and clear them?"], ["{count} مقدار به نوع تازه تبدیل نمی‌شود. نوع عوض شود و آن مقدار پاک شود؟", "{count} مقدار به نوع تازه تبدیل نمی‌شود. نوع عوض شود و آن مقدارها پاک شوند؟"];
    CustomFieldHeld(count) => ["{count} record holds a value of this field. Delete the field? Its values will no longer be shown.", "{count} records hold a value of this field. Delete the field? Its values will no longer be shown."], ["{count} رکورد مقداری در این فیلد دارد. فیلد حذف شود؟ مقدارهایش دیگر نشان داده نمی‌شوند.", "{count} رکورد مقداری در این فیلد دارند. فیلد حذف شود؟ مقدارهایش دیگر نشان داده نمی‌شوند."];
    // Custom columns and the bulk actions left (issue 17, full lists).
    BulkRefused(count) { names } => ["{count} item cannot take that step and was left as it was: {names}.", "{count} items cannot take that step and were left as they were: {names}."], ["{count} مورد نمی‌تواند به این وضعیت برود و همان‌طور ماند: {names}.", "{count} مورد نمی‌توانند به این وضعیت بروند و همان‌طور ماندند: {names}."];
    // Automation (issue 22).
    WouldHaveFired(count) => ["Would have fired {count} time in the last 30 days.", "Would have fired {count} times in the last 30 days."], ["در ۳۰ روز گذشته {count} بار اجرا می‌شد.", "در ۳۰ روز گذشته {count} بار اجرا می‌شد."];
    // Automation in the app (issue 22, the app part): dead letters, messages to send.
    DeadLetters(count) => ["{count} message failed for good.", "{count} messages failed for good."], ["{count} پیام برای همیشه ناموفق ماند.", "{count} پیام برای همیشه ناموفق ماندند."];
    // Close automation (issue 22): messages the server postponed.
    PostponedLetters(count) => ["{count} message waits to be sent.", "{count} messages wait to be sent."], ["{count} پیام منتظر ارسال است.", "{count} پیام منتظر ارسال‌اند."];
    Attempts(count) => ["{count} attempt", "{count} attempts"], ["{count} تلاش", "{count} تلاش"];
    MessagesToSend(count) => ["{count} message prepared by a rule waits for you to send it.", "{count} messages prepared by rules wait for you to send them."], ["{count} پیام آماده‌شده با قاعده منتظر ارسال شماست.", "{count} پیام آماده‌شده با قاعده‌ها منتظر ارسال شمایند."];
    // In-app notifications (issue 22): the bell's name with the count of unread.
    NotificationsUnread(count) => ["Notifications, {count} unread", "Notifications, {count} unread"], ["اعلان‌ها، {count} خوانده‌نشده", "اعلان‌ها، {count} خوانده‌نشده"];
    // A bulk change in the activity feed (issue 17): one line for every record it wrote.
    ActivityBulkContacts(count) => ["{count} contact", "{count} contacts"], ["{count} مخاطب", "{count} مخاطب"];
    ActivityBulkItems(count) => ["{count} item", "{count} items"], ["{count} مورد", "{count} مورد"];
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
    StorageUsage { usage, quota } => "{usage} MB used of {quota} MB available to Rabet.", "{usage} مگابایت از {quota} مگابایتِ در دسترس رابط استفاده شده است.";
    StorageUnknown => "This browser does not report how much storage is used.", "این مرورگر میزان فضای استفاده‌شده را گزارش نمی‌دهد.";
    // Customer 360: interactions, follow-ups, tickets, products, quotes and invoices.
    NavTickets => "Tickets", "تیکت‌ها";
    NavInvoices => "Invoices", "فاکتورها";
    TicketsIntro => "Support cases, most urgent first: status, priority and service times against the SLA.", "درخواست‌های پشتیبانی، فوری‌ترها اول: وضعیت، اولویت و زمان‌های پاسخ در برابر SLA.";
    InvoicesIntro => "Quotes and invoices, and the payments still to follow up.", "پیش‌فاکتورها و فاکتورها، و پرداخت‌هایی که هنوز باید پیگیری شوند.";
    ProductsIntro => "What you sell, offered on quote and invoice lines.", "آنچه می‌فروشید؛ برای ردیف‌های پیش‌فاکتور و فاکتور.";
    FixHighlighted => "Some fields need attention; they are marked.", "چند خانه نیاز به اصلاح دارد؛ علامت خورده‌اند.";
    DownloadFailed => "The file could not be saved by the browser.", "مرورگر نتوانست فایل را ذخیره کند.";
    CopyFailed => "The text could not be copied; copy it from the message box.", "متن کپی نشد؛ آن را از کادر پیام کپی کنید.";
    PrintFailed => "The browser could not open printing.", "مرورگر نتوانست چاپ را باز کند.";
    UpdateFailed => "The new version could not be started; reload the page to use it.", "نسخهٔ جدید راه‌اندازی نشد؛ برای استفاده از آن صفحه را دوباره بارگذاری کنید.";
    WhenDate => "Date", "تاریخ";
    WhenTime => "Time", "ساعت";
    DayToday => "Today", "امروز";
    DayTomorrow => "Tomorrow", "فردا";
    DayNextWeek => "Next week", "هفتهٔ بعد";
    DurationMinutes { minutes } => "{minutes} min", "{minutes} دقیقه";
    DurationHoursMinutes { hours, minutes } => "{hours} h {minutes} min", "{hours} ساعت و {minutes} دقیقه";
    DurationDaysHours { days, hours } => "{days} d {hours} h", "{days} روز و {hours} ساعت";
    ChangeButton => "Change", "تغییر";
    ForCustomer => "Customer", "مشتری";
    AboutLabel => "About", "دربارهٔ";
    JustTheCustomer => "The customer in general", "خود مشتری به‌طور کلی";
    AboutDeal => "Deal", "معامله";
    TicketLabel => "Ticket", "تیکت";
    PersonLabel => "Person", "شخص";
    NoPerson => "Nobody in particular", "شخص خاصی نه";
    AuthorLabel => "Logged by", "ثبت‌کننده";
    AssigneeLabel => "Assigned to", "انجام‌دهنده";
    SubjectLabel => "Subject", "موضوع";
    DescriptionLabel => "Description", "شرح";
    DetailsSection => "Details", "جزئیات";
    RecordStatus => "Status", "وضعیت";
    ActivityCall => "Call", "تماس";
    ActivityMeeting => "Meeting", "جلسه";
    ActivityMessage => "Message", "پیام";
    ActivityNote => "Note", "یادداشت";
    ChannelLabel => "Channel", "کانال";
    ChannelSms => "SMS", "پیامک";
    ChannelChat => "Chat", "گفتگوی آنلاین";
    ChannelInPerson => "In person", "حضوری";
    DirectionLabel => "Direction", "جهت";
    Inbound => "Inbound", "ورودی";
    Outbound => "Outbound", "خروجی";
    DurationMinutesLabel => "Duration (minutes)", "مدت (دقیقه)";
    OutcomeLabel => "Outcome", "نتیجه";
    OutcomeTalked => "Talked", "صحبت شد";
    OutcomeNoAnswer => "No answer", "پاسخ نداد";
    OutcomeVoicemail => "Left a voicemail", "پیام صوتی گذاشته شد";
    OutcomeCallBack => "Call back later", "بعداً تماس گرفته شود";
    LogCall => "Log call", "ثبت تماس";
    LogMeeting => "Log meeting", "ثبت جلسه";
    LogEmail => "Log e-mail", "ثبت ایمیل";
    LogMessage => "Log message", "ثبت پیام";
    AddNote => "Add note", "افزودن یادداشت";
    EditInteraction => "Edit interaction", "ویرایش تعامل";
    QuickActions => "Quick actions", "کارهای سریع";
    ScheduleFollowUp => "Schedule follow-up", "برنامهٔ پیگیری";
    NewFollowUp => "New follow-up", "پیگیری جدید";
    EditFollowUp => "Edit follow-up", "ویرایش پیگیری";
    TaskTitle => "Title", "عنوان";
    DueDate => "Due date", "موعد";
    ReminderLabel => "Reminder", "یادآوری";
    NoReminder => "No reminder", "بدون یادآوری";
    RemindAtDue => "At the due time", "سر موعد";
    RemindBefore { duration } => "{duration} before", "{duration} پیش از موعد";
    NotificationsBlocked => "This browser blocks Rabet's notifications; the reminder will show inside Rabet while it is open.", "این مرورگر اعلان‌های رابط را مسدود کرده است؛ یادآوری تا وقتی رابط باز است داخل خود برنامه نمایش داده می‌شود.";
    ReminderNotice { title } => "Reminder: {title}", "یادآوری: {title}";
    ReminderBody => "A follow-up is due in Rabet.", "موعد یک پیگیری در رابط رسیده است.";
    DueOverdue => "Overdue", "عقب‌افتاده";
    DueUpcoming => "Upcoming", "پیش رو";
    DueDone => "Done", "انجام‌شده";
    NoDueDate => "No due date", "بدون موعد";
    NothingHere => "Nothing here.", "چیزی این‌جا نیست.";
    MarkDone => "Mark done", "انجام شد";
    ExportIcs => "Export open follow-ups (.ics)", "خروجی پیگیری‌های باز (.ics)";
    NewTicket => "New ticket", "تیکت جدید";
    EditTicket => "Edit ticket", "ویرایش تیکت";
    NotFoundTicket => "This ticket does not exist or was deleted.", "این تیکت وجود ندارد یا حذف شده است.";
    BackToTickets => "Back to tickets", "بازگشت به تیکت‌ها";
    NoTickets => "No tickets match.", "تیکتی با این فیلترها نیست.";
    PriorityLabel => "Priority", "اولویت";
    PriorityLow => "Low", "کم";
    PriorityNormal => "Normal", "عادی";
    PriorityHigh => "High", "زیاد";
    PriorityUrgent => "Urgent", "فوری";
    TicketNew => "New", "جدید";
    TicketOpen => "Open", "در حال رسیدگی";
    TicketPending => "Waiting", "در انتظار";
    TicketResolved => "Resolved", "حل‌شده";
    TicketClosed => "Closed", "بسته";
    FilterUnresolved => "Not resolved yet", "هنوز حل‌نشده";
    BreachingSlaOnly => "Past SLA only", "فقط گذشته از SLA";
    SlaDue => "SLA due", "مهلت SLA";
    NoSla => "No SLA", "بدون SLA";
    SlaBreached => "Past SLA", "گذشته از SLA";
    StartWork => "Start work", "شروع رسیدگی";
    WaitForCustomer => "Wait for customer", "در انتظار مشتری";
    ResolveTicket => "Resolve", "حل شد";
    CloseTicket => "Close ticket", "بستن تیکت";
    ReopenTicket => "Reopen", "بازگشایی";
    LogReply => "Log reply", "ثبت پاسخ";
    ServiceSection => "Service", "خدمات";
    OpenedAt => "Opened", "ثبت‌شده در";
    FirstResponse => "First response", "نخستین پاسخ";
    ResolutionTime => "Time to resolve", "زمان حل";
    NotAnswered => "Not answered yet", "هنوز پاسخ داده نشده";
    NotResolved => "Not resolved yet", "هنوز حل نشده";
    RepliesSection => "Replies and calls", "پاسخ‌ها و تماس‌ها";
    NoRepliesYet => "Nothing logged on this ticket yet.", "هنوز چیزی برای این تیکت ثبت نشده است.";
    CustomerRating => "Customer rating", "رضایت مشتری";
    CustomerRatingHint => "How satisfied was the customer with the resolution?", "مشتری چقدر از حل مشکل راضی بود؟";
    RatingOfFive { rating } => "{rating} of 5", "{rating} از ۵";
    InvoiceLabel => "Invoice", "فاکتور";
    QuoteLabel => "Quote", "پیش‌فاکتور";
    FilterQuotes => "Quotes", "پیش‌فاکتورها";
    NewInvoice => "New invoice", "فاکتور جدید";
    NewQuote => "New quote", "پیش‌فاکتور جدید";
    EditInvoice => "Edit invoice", "ویرایش فاکتور";
    EditQuote => "Edit quote", "ویرایش پیش‌فاکتور";
    NotFoundInvoice => "This document does not exist or was deleted.", "این سند وجود ندارد یا حذف شده است.";
    BackToInvoices => "Back to invoices", "بازگشت به فاکتورها";
    NoInvoices => "No quotes or invoices match.", "پیش‌فاکتور یا فاکتوری با این فیلترها نیست.";
    InvoiceDraft => "Draft", "پیش‌نویس";
    InvoiceSent => "Sent", "ارسال‌شده";
    InvoiceAccepted => "Accepted", "پذیرفته‌شده";
    InvoicePaid => "Paid", "پرداخت‌شده";
    InvoiceOverdue => "Overdue", "سررسید گذشته";
    InvoiceCancelled => "Cancelled", "لغوشده";
    FilterUnpaid => "Waiting for payment", "در انتظار پرداخت";
    FilterPastDue => "Past due", "گذشته از سررسید";
    DocNumber => "Number", "شماره";
    IssueDate => "Issue date", "تاریخ صدور";
    ValidUntil => "Valid until", "معتبر تا";
    PaidOn => "Paid on", "تاریخ پرداخت";
    LinesLabel => "Lines", "ردیف‌ها";
    AddLine => "Add line", "افزودن ردیف";
    RemoveLine => "Remove line", "حذف ردیف";
    LineAmount => "Amount", "مبلغ";
    DocumentDiscount => "Discount on the whole", "تخفیف کل";
    DiscountKind => "Discount as", "نوع تخفیف";
    TaxPercent => "Tax (VAT) %", "مالیات بر ارزش افزوده ٪";
    TotalsSubtotal => "Subtotal", "جمع ردیف‌ها";
    TotalsDiscount => "Discount", "تخفیف";
    TotalsTax => "Tax", "مالیات";
    TotalsTotal => "Total", "مبلغ کل";
    ErrNotAPercent => "Enter a percentage from 0 to 100", "درصدی از ۰ تا ۱۰۰ وارد کنید";
    BillTo => "Bill to", "خریدار";
    TaxId => "Economic code", "کد اقتصادی";
    MarkSent => "Mark as sent", "ثبت ارسال";
    MarkAccepted => "Mark as accepted", "ثبت پذیرش";
    MarkPaid => "Mark as paid", "ثبت پرداخت";
    CancelDocument => "Cancel document", "لغو سند";
    ConvertToInvoice => "Convert to invoice", "تبدیل به فاکتور";
    OpenInvoice => "Open its invoice", "باز کردن فاکتور آن";
    PrintDocument => "Print", "چاپ";
    NewProduct => "New product", "محصول جدید";
    EditProduct => "Edit product", "ویرایش محصول";
    ProductName => "Name", "نام محصول";
    Sku => "Code (SKU)", "کد کالا";
    ProductSearchHint => "Name or code", "نام یا کد";
    NoProducts => "No products yet.", "هنوز محصولی ندارید.";
    ProductInactive => "Not offered", "غیرفعال";
    OfferedOnNewDocuments => "Offered on new quotes and invoices", "در پیش‌فاکتورها و فاکتورهای جدید پیشنهاد شود";
    NoPipelineYet => "The pipeline has no stages yet; open it once to set them up.", "قیف فروش هنوز مرحله‌ای ندارد؛ یک بار آن را باز کنید تا مرحله‌ها ساخته شوند.";
    KeyFigures => "Key figures", "شاخص‌های کلیدی";
    KpiLifetimeValue => "Lifetime value", "ارزش طول عمر";
    KpiOrders => "Orders", "سفارش‌ها";
    KpiAverageOrderValue => "Average order", "میانگین سفارش";
    KpiLastPurchase => "Last purchase", "آخرین خرید";
    KpiSinceLastContact => "Since last contact", "از آخرین ارتباط";
    KpiOpenDealValue => "Open deals", "معامله‌های باز";
    KpiOpenTickets => "Open tickets", "تیکت‌های باز";
    KpiAverageCsat => "Satisfaction", "رضایت";
    KpiRfmClass => "RFM class", "دستهٔ RFM";
    NoneYet => "None yet", "هنوز ندارد";
    NoContactYet => "No contact yet", "هنوز ارتباطی نبوده";
    OpenTicketsPastSla { open, late } => "{open} ({late} past SLA)", "{open} ({late} گذشته از SLA)";
    CsatOutOfFive { mean } => "{mean} / 5", "{mean} از ۵";
    RfmChampions => "Champions", "قهرمانان";
    RfmLoyal => "Loyal", "وفادار";
    RfmPotentialLoyalist => "Potential loyalist", "وفادار بالقوه";
    RfmNewCustomer => "New customer", "مشتری تازه";
    RfmPromising => "Promising", "امیدوارکننده";
    RfmNeedsAttention => "Needs attention", "نیازمند توجه";
    RfmAboutToSleep => "About to sleep", "در آستانهٔ خواب";
    RfmAtRisk => "At risk", "در معرض ریزش";
    RfmCannotLose => "Can't lose them", "نباید از دست برود";
    RfmHibernating => "Hibernating", "خفته";
    RfmLost => "Lost", "ازدست‌رفته";
    TimelineTitle => "Timeline", "خط زمانی";
    ShowOnly => "Show only", "فقط نمایش";
    TimelineInteractions => "Interactions", "تعامل‌ها";
    TimelineDeals => "Deals", "معامله‌ها";
    TimelineFollowUps => "Follow-ups", "پیگیری‌ها";
    TimelineEmpty => "Nothing has happened with this customer yet.", "هنوز با این مشتری اتفاقی ثبت نشده است.";
    ShowMoreOf { shown, total } => "Show more ({shown} of {total})", "نمایش بیشتر ({shown} از {total})";
    EventDealCreated => "Deal opened", "معامله باز شد";
    EventDealMoved => "Deal moved", "معامله جابه‌جا شد";
    EventDealWon => "Deal won", "معامله موفق شد";
    EventDealLost => "Deal lost", "معامله ناموفق شد";
    EventQuoteIssued => "Quote issued", "پیش‌فاکتور صادر شد";
    EventInvoiceIssued => "Invoice issued", "فاکتور صادر شد";
    EventInvoicePaid => "Invoice paid", "فاکتور پرداخت شد";
    EventTicketOpened => "Ticket opened", "تیکت ثبت شد";
    EventTicketResolved => "Ticket resolved", "تیکت حل شد";
    EventFollowUpDue => "Follow-up due", "موعد پیگیری";
    EventFollowUpDone => "Follow-up done", "پیگیری انجام شد";
    StillOpen => "Still open", "هنوز باز";
    NothingOpen => "Nothing open with this customer.", "کار بازی با این مشتری نیست.";
    SendMessage => "Message", "پیام";
    TemplateLabel => "Template", "قالب";
    MessageText => "Text", "متن";
    PlaceholdersHint => "Placeholders filled in for this contact:", "جاهای خالی که برای این مخاطب پر می‌شوند:";
    SaveTemplate => "Save as template", "ذخیره به‌عنوان قالب";
    DeleteTemplate => "Delete this template", "حذف این قالب";
    LogOnTimeline => "Log it on the timeline", "روی خط زمانی ثبت شود";
    SendVia { channel } => "Send by {channel}", "ارسال با {channel}";
    NoWayToReach => "This contact has no e-mail, phone or messenger to send to.", "این مخاطب ایمیل، تلفن یا پیام‌رسانی برای ارسال ندارد.";
    MessagePreview => "As it will be sent", "متنی که فرستاده می‌شود";
    TemplateGreetingName => "Greeting", "سلام و احوال‌پرسی";
    TemplateGreetingBody => "Hello {first_name}, thank you for your interest. How can we help you?", "سلام {first_name} عزیز، از توجه شما سپاسگزاریم. چطور می‌توانیم کمکتان کنیم؟";
    TemplateFollowUpName => "Following up", "پیگیری";
    TemplateFollowUpBody => "Hello {first_name}, following up on our conversation about {company}. Do you have a moment this week?", "سلام {first_name} عزیز، در ادامهٔ گفت‌وگویمان دربارهٔ {company} پیام می‌دهم. این هفته فرصتی دارید؟";
    TemplatePaymentName => "Payment reminder", "یادآوری پرداخت";
    TemplatePaymentBody => "Hello {first_name}, a friendly reminder that our invoice is due. Thank you!", "سلام {first_name} عزیز، یادآوری می‌کنم موعد پرداخت فاکتور رسیده است. سپاس!";
    StoragePersisted => "Protected: the browser will not clear this data to free up space.", "محافظت‌شده: مرورگر این داده‌ها را برای آزاد کردن فضا پاک نمی‌کند.";
    StorageNotPersisted => "Not protected: the browser may clear this data when the device runs low on space. Keep a backup.", "محافظت‌نشده: اگر فضای دستگاه کم شود، مرورگر ممکن است این داده‌ها را پاک کند. نسخهٔ پشتیبان نگه دارید.";
    ProtectStorage => "Protect my data", "محافظت از داده‌ها";
    Import => "Import", "ورود از فایل";
    ImportTitle => "Import contacts", "ورود مخاطبان از فایل";
    ImportIntro => "Bring contacts in from a spreadsheet (CSV) or a phone's address book (vCard).", "مخاطبان را از صفحه‌گسترده (CSV) یا دفترچه تلفن گوشی (vCard) وارد کنید.";
    ChooseFile => "Choose a CSV or vCard file", "یک فایل CSV یا vCard انتخاب کنید";
    FileUnreadable => "The browser could not read this file.", "مرورگر نتوانست این فایل را بخواند.";
    FileEmpty => "The file has no rows to import.", "فایل ردیفی برای ورود ندارد.";
    FileIsWorkbook => "This is an Excel workbook (or another ZIP archive), not text. In Excel, choose File › Save As › “CSV UTF-8”, then pick the saved file.", "این فایل کارپوشهٔ اکسل (یا بایگانی ZIP دیگری) است، نه متن. در اکسل از File › Save As گزینهٔ «CSV UTF-8» را انتخاب کنید و فایل ذخیره‌شده را برگزینید.";
    FileIsPdf => "This is a PDF document, not a text file.", "این فایل سند PDF است، نه فایل متنی.";
    FileIsPicture => "This is a picture, not a text file.", "این فایل تصویر است، نه فایل متنی.";
    FileNotText => "This file is not text: it holds bytes that no text file has.", "این فایل متنی نیست: بایت‌هایی دارد که هیچ فایل متنی ندارد.";
    SkippedCharset { line, property, charset } => "Line {line} ({property}): the character set {charset} is not supported", "سطر {line} ({property}): نویسه‌گان {charset} پشتیبانی نمی‌شود";
    SkippedInvalidText { line, property } => "Line {line} ({property}): the text is not valid in its character set", "سطر {line} ({property}): متن در نویسه‌گان خودش معتبر نیست";
    SkippedInvalidBase64 { line, property } => "Line {line} ({property}): the base64 text is not valid", "سطر {line} ({property}): متن base64 معتبر نیست";
    ColumnMapping => "Columns", "ستون‌ها";
    ColumnMappingHint => "Check what each column of the file is. Guesses are made from the headers.", "بررسی کنید هر ستون فایل چیست. حدس‌ها از روی سرستون‌ها زده شده‌اند.";
    FileColumn => "Column in the file", "ستون فایل";
    Examples => "Examples", "نمونه‌ها";
    ImportsAs => "Imports as", "واردشدن به‌عنوان";
    Preview => "Preview of the first rows", "پیش‌نمایش نخستین ردیف‌ها";
    Line => "Line", "سطر";
    Reason => "Reason", "دلیل";
    Importing { done, total } => "Importing… {done} of {total}", "در حال ورود… {done} از {total}";
    ImportProgress => "Import progress", "پیشرفت ورود";
    DownloadRejected => "Download the rejected rows", "دریافت ردیف‌های ردشده";
    ImportAnyway => "Import anyway", "با این حال وارد شود";
    AndMore { count } => "…and {count} more.", "…و {count} مورد دیگر.";
    MergeInto { name } => "Merge into {name}", "ادغام با {name}";
    Merged { name } => "Merged into {name}.", "با {name} ادغام شد.";
    DontImport => "Don't import", "وارد نشود";
    FullName => "Full name", "نام کامل";
    ExportCsv => "Export CSV", "خروجی CSV";
    ExportVcard => "Export vCard", "خروجی vCard";
    RejectUnknownStage { value } => "Unknown stage “{value}”", "وضعیت ناشناخته «{value}»";
    RejectUnknownSource { value } => "Unknown source “{value}”", "منبع ناشناخته «{value}»";
    RejectUnknownOwner { value } => "No team member is called “{value}”", "عضوی از تیم با نام «{value}» نیست";
    RejectUnreadableCard => "This card could not be read", "این کارت خوانده نشد";
    BackupSection => "Backup", "نسخهٔ پشتیبان";
    BackupHint => "A backup is one file with every record of this workspace. Keep it somewhere safe.", "نسخهٔ پشتیبان یک فایل با همهٔ رکوردهای این فضای کار است. آن را جای امنی نگه دارید.";
    DownloadBackup => "Download a backup", "دریافت نسخهٔ پشتیبان";
    RestoreBackup => "Restore from a backup file", "بازگردانی از فایل پشتیبان";
    RestoreMerge => "Merge with what is here (newer edits win)", "ادغام با داده‌های فعلی (ویرایش جدیدتر برنده است)";
    RestoreReplace => "Replace everything here", "جایگزینی همهٔ داده‌های فعلی";
    RestoreMode => "How to restore", "شیوهٔ بازگردانی";
    RestoreConfirm => "Replace every record on this device with the backup? This cannot be undone.", "همهٔ رکوردهای این دستگاه با نسخهٔ پشتیبان جایگزین شود؟ این کار بازگشت‌پذیر نیست.";
    LoadFailed => "Your data could not be opened.", "داده‌های شما باز نشد.";
    SyncSection => "Team sync", "همگام‌سازی تیمی";
    SyncIntro => "Share one set of customers with your team through your own Rabet server. Everything keeps working offline and syncs when the network is back.", "یک مجموعه مشتری را از راه سرور رابطِ خودتان با تیم به اشتراک بگذارید. همه چیز بی‌اینترنت هم کار می‌کند و با بازگشت شبکه همگام می‌شود.";
    SyncServer => "Server address", "نشانی سرور";
    SyncToken => "Access token", "توکن دسترسی";
    SyncConnect => "Connect", "اتصال";
    SyncConnecting => "Connecting…", "در حال اتصال…";
    SyncConnectedAs { member, workspace } => "Connected as {member} to the workspace {workspace}.", "با نام {member} به فضای کاری {workspace} وصل هستید.";
    SyncNow => "Sync now", "همگام‌سازی اکنون";
    SyncStop => "Stop syncing", "توقف همگام‌سازی";
    SyncOff => "On this device only", "فقط روی همین دستگاه";
    SyncOffline => "Offline — changes are kept", "آفلاین — تغییرها نگه داشته می‌شوند";
    SyncSyncing => "Syncing…", "در حال همگام‌سازی…";
    SyncUpToDate => "Up to date", "به‌روز";
    SyncPending { count } => "changes waiting: {count}", "تغییرهای در انتظار: {count}";
    // Sync at team scale (issue 20).
    SyncErrSnapshotNeeded => "The server no longer holds the changes this device missed; it receives the team's records again.", "سرور دیگر تغییرهایی را که این دستگاه از دست داده نگه نمی‌دارد؛ داده‌های تیم دوباره دریافت می‌شود.";
    SyncErrBadUrl => "The server address is not valid.", "نشانی سرور معتبر نیست.";
    SyncErrUnreachable => "The server cannot be reached.", "سرور در دسترس نیست.";
    SyncErrUnauthorized => "The server refused the access token.", "سرور توکن دسترسی را نپذیرفت.";
    SyncErrRateLimited => "The server is busy; trying again shortly.", "سرور شلوغ است؛ کمی بعد دوباره تلاش می‌شود.";
    SyncErrServer => "Sync failed: the server could not take the changes.", "همگام‌سازی ناموفق بود: سرور نتوانست تغییرها را بپذیرد.";
    SyncErrBadAnswer => "The server answered something this app cannot read.", "پاسخ سرور برای این برنامه خوانا نیست.";
    JoinTitle => "Join a team", "پیوستن به تیم";
    JoinExplain => "This invite connects this device to your team's server. Customers on this device will be shared with the team.", "این دعوت این دستگاه را به سرور تیم شما وصل می‌کند. مشتریان این دستگاه با تیم به اشتراک گذاشته می‌شوند.";
    JoinConfirm => "Join and sync", "پیوستن و همگام‌سازی";
    JoinInvalid => "This invite link is incomplete. Ask for a new one.", "این پیوند دعوت ناقص است. پیوند تازه‌ای بخواهید.";
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
    ShownOfTotal { shown, total } => "{shown} of {total}", "{shown} از {total}";
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
    Deleted { name } => "Deleted {name}.", "«{name}» حذف شد.";
    Undo => "Undo", "بازگرداندن";
    Close => "Close", "بستن";
    NotFoundRecord => "This customer does not exist or was deleted.", "این مشتری وجود ندارد یا حذف شده است.";
    BackToCustomers => "Back to customers", "بازگشت به مشتریان";
    ErrRequired => "Required", "الزامی است";
    ErrContactIdentity => "Give at least a name, a phone number or an e-mail.", "دست‌کم نام، شماره تلفن یا ایمیل را وارد کنید.";
    ErrInvalidEmail => "Not a valid e-mail address", "نشانی ایمیل معتبر نیست";
    ErrPhoneCharacters => "A phone number may hold only digits, spaces, + - ( )", "شماره تلفن فقط می‌تواند رقم، فاصله و + - ( ) داشته باشد";
    ErrPhoneLength => "Not a valid phone number: check the number of digits", "شماره تلفن معتبر نیست: تعداد ارقام را بررسی کنید";
    ErrTooLong { max } => "Too long: at most {max} characters", "بیش از حد طولانی: حداکثر {max} نویسه";
    ErrOutOfRange => "Out of the allowed range", "خارج از محدودهٔ مجاز";
    ErrEarlier => "Is earlier than it may be", "زودتر از حد مجاز است";
    ErrDuplicate => "Entered twice", "تکراری است";
    ErrStorageFull => "This device is out of storage space. Nothing you typed is lost: free some space and save again.", "فضای ذخیره‌سازی این دستگاه پر است. چیزی از دست نرفته است: کمی فضا آزاد کنید و دوباره ذخیره کنید.";
    ErrStorageAborted => "Saving did not complete. Your input is still here; please try again.", "ذخیره کامل نشد. اطلاعات واردشده سر جایش است؛ دوباره تلاش کنید.";
    ErrStorageUnavailable => "The browser's storage is not available (private windows may block it).", "فضای ذخیره‌سازی مرورگر در دسترس نیست (پنجره‌های خصوصی ممکن است آن را مسدود کنند).";
    ErrStorageCorrupt => "A stored record could not be read.", "یکی از رکوردهای ذخیره‌شده خوانده نشد.";
    ErrStorageBrowser => "The browser's storage reported an error.", "فضای ذخیره‌سازی مرورگر خطا داد.";
    ErrStorageUnreadable => "This device's saved sync state could not be read.", "وضعیت همگام‌سازی ذخیره‌شده در این دستگاه خوانده نشد.";
    ErrStorageInvalidEdit => "This change cannot be saved: a value is too large or malformed.", "این تغییر ذخیره نمی‌شود: یکی از مقدارها بیش از حد بزرگ یا نادرست است.";
    ErrStorageRemoteRefused => "Changes received from the sync server were malformed and were not saved.", "تغییرهای دریافتی از سرور همگام‌سازی نادرست بودند و ذخیره نشدند.";
    ErrStorageUnencodable => "A value could not be prepared for saving.", "یکی از مقدارها برای ذخیره آماده نشد.";
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
    DefaultPipelineName => "Sales", "فروش";
    NewPipelineName => "New pipeline", "قیف جدید";
    StageLeadIn => "Lead in", "سرنخ ورودی";
    StageQualified => "Qualified", "واجد شرایط";
    StageProposal => "Proposal", "ارائهٔ پیشنهاد";
    StageNegotiation => "Negotiation", "مذاکره";
    StageWon => "Won", "موفق";
    StageLost => "Lost", "ناموفق";
    NewStageName => "New stage", "مرحلهٔ جدید";
    LostReasonPrice => "Price too high", "قیمت بالا";
    LostReasonCompetitor => "Chose a competitor", "انتخاب رقیب";
    LostReasonBudget => "No budget", "نبود بودجه";
    LostReasonTiming => "Bad timing", "زمان نامناسب";
    LostReasonNoResponse => "Stopped responding", "قطع ارتباط مشتری";
    ViewBoard => "Board", "تابلو";
    ViewTable => "Table", "جدول";
    DealView => "View", "نما";
    NewDeal => "New deal", "معاملهٔ جدید";
    EditDeal => "Edit deal", "ویرایش معامله";
    NewDealIn { stage } => "New deal in {stage}", "معاملهٔ جدید در {stage}";
    DealSearchHint => "Title, customer, phone or tag", "عنوان، مشتری، تلفن یا برچسب";
    CardKeysHint => "The left and right arrow keys move the deal to the neighbouring stage; Enter opens it.", "کلیدهای جهت‌نمای چپ و راست معامله را به مرحلهٔ کناری می‌برند؛ Enter آن را باز می‌کند.";
    ColumnTotal => "Total", "جمع";
    ColumnWeighted => "Weighted", "وزنی";
    ShowMore { count } => "Show {count} more", "نمایش {count} مورد دیگر";
    UnplacedDeals => "Without a stage", "بدون مرحله";
    ClosesOn { date } => "Closes {date}", "بستن: {date}";
    NextTask { task } => "Next: {task}", "کار بعدی: {task}";
    Stale => "Stale", "راکد";
    MoveToStage { stage } => "Move to {stage}", "انتقال به {stage}";
    DealOpen => "Open", "باز";
    DealWon => "Won", "موفق";
    DealLost => "Lost", "ناموفق";
    MovedTo { deal, stage } => "“{deal}” moved to {stage}.", "«{deal}» به {stage} منتقل شد.";
    MarkedWon { deal } => "“{deal}” marked as won.", "«{deal}» موفق ثبت شد.";
    MarkedLost { deal } => "“{deal}” marked as lost.", "«{deal}» ناموفق ثبت شد.";
    MarkLostTitle => "Mark the deal as lost", "ثبت معامله به‌عنوان ناموفق";
    LostReason => "Reason", "دلیل";
    LostReasonOther => "Other reason", "دلیل دیگر";
    LostReasonDescribe => "Describe the reason", "شرح دلیل";
    DealTitle => "Title", "عنوان";
    DealStage => "Stage", "مرحله";
    DealContact => "Contact", "مخاطب";
    DealValue => "Value", "ارزش";
    ValueFromLines => "The sum of the products below", "جمع محصولات زیر";
    ExpectedClose => "Expected close", "تاریخ پیش‌بینی‌شدهٔ بستن";
    DealCampaign => "Campaign", "کمپین";
    NoCampaign => "No campaign", "بدون کمپین";
    Products => "Products", "محصولات";
    Product => "Product", "محصول";
    FreeTextLine => "Other (describe)", "سایر (با شرح)";
    LineDescription => "Description", "شرح";
    Quantity => "Quantity", "تعداد";
    UnitPrice => "Unit price", "قیمت واحد";
    DiscountPercent => "Discount %", "تخفیف ٪";
    AddProduct => "Add product", "افزودن محصول";
    StageHistory => "Stage history", "تاریخچهٔ مرحله‌ها";
    DealStatusHeader => "Status", "وضعیت";
    ForecastTitle => "Forecast: weighted value by expected close", "پیش‌بینی: ارزش وزنی بر اساس تاریخ بستن";
    ForecastOverdue => "Overdue", "گذشته از موعد";
    ForecastLater => "Later", "بعدتر";
    ForecastUndated => "No date", "بدون تاریخ";
    ErrAmount => "Not a valid amount", "مبلغ معتبر نیست";
    ErrAmountDecimals { max } => "At most {max} digits after the decimal point", "حداکثر {max} رقم پس از ممیز";
    ErrDateFormat { example } => "Write the date as year/month/day, for example {example}", "تاریخ را به شکل سال/ماه/روز بنویسید، برای نمونه {example}";
    ErrDateYear => "The year is out of range", "سال خارج از محدوده است";
    ErrDateMonth => "The month must be from 1 to 12", "ماه باید از ۱ تا ۱۲ باشد";
    ErrDateDay => "That month has no such day", "آن ماه چنین روزی ندارد";
    ErrWholeNumber => "Enter a whole number, 1 or more", "یک عدد صحیح، ۱ یا بیشتر، وارد کنید";
    ErrNeedsOpenStage => "A pipeline needs at least one open stage.", "قیف دست‌کم به یک مرحلهٔ باز نیاز دارد.";
    PipelinesSection => "Pipelines and stages", "قیف‌ها و مرحله‌ها";
    PipelineToEdit => "Pipeline", "قیف";
    AddPipeline => "Add pipeline", "افزودن قیف";
    PipelineName => "Pipeline name", "نام قیف";
    StageName => "Stage name", "نام مرحله";
    WinProbability => "Win probability %", "احتمال موفقیت ٪";
    StageOutcome => "Deals here are", "معامله‌های این مرحله";
    MoveUp => "Move up", "انتقال به بالا";
    MoveDown => "Move down", "انتقال به پایین";
    DeleteStage => "Delete stage", "حذف مرحله";
    AddStage => "Add stage", "افزودن مرحله";
    PipelineSaved => "Pipeline saved.", "قیف ذخیره شد.";
    DeletePipeline => "Delete pipeline", "حذف قیف";
    PipelineHasDeals => "Only a pipeline without deals can be deleted.", "فقط قیفی که معامله ندارد حذف می‌شود.";
    DealRulesSection => "Deals", "معامله‌ها";
    LostReasons => "Reasons offered when a deal is lost", "دلایل پیشنهادی برای معاملهٔ ناموفق";
    NewLostReason => "New reason", "دلیل تازه";
    AddLostReason => "Add reason", "افزودن دلیل";
    StaleDays => "Mark an open deal as stale after this many days without activity", "علامت‌گذاری معاملهٔ باز به‌عنوان راکد پس از این تعداد روز بدون فعالیت";
    // Dashboard, segments and the sample workspace.
    NavSegments => "Segments", "بخش‌بندی‌ها";
    DashboardEmptyTitle => "Nothing to measure yet", "هنوز چیزی برای سنجش نیست";
    DashboardEmptyBody => "The dashboard fills in as you add customers, deals and invoices. To look around first, load a sample workspace: a few hundred made-up customers with two years of history.", "داشبورد با افزودن مشتری، معامله و فاکتور پر می‌شود. برای آشنایی، یک فضای کار نمونه بارگذاری کنید: چند صد مشتری ساختگی با دو سال سابقه.";
    DashboardEmptyOwnData => "Or start with your own customers", "یا با مشتریان خودتان شروع کنید";
    RangeLabel => "Period", "بازه";
    RangeThisMonth => "This month", "این ماه";
    RangeLastMonth => "Last month", "ماه گذشته";
    RangeThisQuarter => "This quarter", "این فصل";
    RangeThisYear => "This year", "امسال";
    RangeCustom => "Custom dates", "تاریخ دلخواه";
    RangeFrom => "From", "از";
    RangeTo => "To", "تا";
    WholeTeam => "Whole team", "همهٔ تیم";
    ShowingPeriod { period } => "Showing {period}", "نمایش {period}";
    ComparedWith { period } => "Changes are against the previous period of equal length: {period}.", "تغییرها نسبت به دورهٔ هم‌اندازهٔ پیشین است: {period}.";
    NoData => "No data", "بدون داده";
    NothingToCompare => "Nothing to compare with", "چیزی برای مقایسه نیست";
    FromNothing => "from none", "از صفر";
    TrendUp => "Up", "افزایش";
    TrendDown => "Down", "کاهش";
    TrendFlat => "No change", "بدون تغییر";
    PartOfWhole { part, whole } => "{part} of {whole}", "{part} از {whole}";
    MeanIs { mean } => "mean {mean}", "میانگین {mean}";
    KpiRevenue => "Revenue", "درآمد";
    KpiLeadConversion => "Lead → customer", "تبدیل سرنخ به مشتری";
    KpiWinRate => "Deal win rate", "نرخ موفقیت معامله";
    KpiSalesCycle => "Sales cycle (median)", "چرخهٔ فروش (میانه)";
    KpiCsat => "Satisfied customers (CSAT)", "رضایت مشتری (CSAT)";
    KpiChurnRate => "Churn rate", "نرخ ریزش";
    KpiHistoricLifetimeValue => "Lifetime value per customer", "ارزش طول عمر هر مشتری";
    KpiPredictedLifetimeValue => "Predicted lifetime value", "ارزش طول عمر پیش‌بینی‌شده";
    KpiPipelineValue => "Pipeline value", "ارزش قیف فروش";
    KpiWeightedPipeline => "Weighted pipeline", "ارزش وزنی قیف";
    Thousands { n } => "{n}K", "{n} هزار";
    Millions { n } => "{n}M", "{n} میلیون";
    Billions { n } => "{n}B", "{n} میلیارد";
    ChartsTitle => "Charts", "نمودارها";
    ShowNumbers => "Show the numbers", "نمایش اعداد";
    NoDataInPeriod => "Nothing in this period.", "در این بازه چیزی نیست.";
    ChartRevenue => "Revenue", "درآمد";
    ChartRevenueOverTime => "Revenue over time", "درآمد در طول زمان";
    ChartRevenueOverTimeDesc => "Paid invoices in each part of the period.", "فاکتورهای پرداخت‌شده در هر بخش از بازه.";
    ChartFunnel => "Funnel by stage", "قیف بر اساس مرحله";
    ChartFunnelDesc => "Deals opened in the period and how far they got, with the share that reached each stage from the one before.", "معامله‌های بازشده در این بازه و این‌که تا کجا پیش رفتند، با سهم رسیدن به هر مرحله از مرحلهٔ پیشین.";
    ChartDealsReached => "Deals", "معامله‌ها";
    ChartLeadsBySource => "Leads by source", "سرنخ‌ها بر اساس منبع";
    ChartLeadsBySourceDesc => "New contacts and new customers in the period, by where they came from.", "مخاطبان و مشتریان تازهٔ این بازه، بر اساس منبع آشنایی.";
    ChartLeads => "Leads", "سرنخ‌ها";
    ChartNewCustomers => "New customers", "مشتریان تازه";
    ChartRevenueBySource => "Revenue by source", "درآمد بر اساس منبع";
    ChartRevenueBySourceDesc => "Paid invoices in the period, by where the customer came from.", "فاکتورهای پرداخت‌شدهٔ این بازه، بر اساس منبع آشنایی مشتری.";
    ChartForecast => "Forecast by month", "پیش‌بینی ماه‌به‌ماه";
    ChartForecastDesc => "Weighted value of open deals by the month they are expected to close.", "ارزش وزنی معامله‌های باز بر اساس ماه پیش‌بینی‌شدهٔ بستن.";
    ChartWeighted => "Weighted value", "ارزش وزنی";
    ChartCsat => "Customer satisfaction over time", "رضایت مشتری در طول زمان";
    ChartCsatDesc => "Share of ratings of 4 or 5 for tickets resolved in each part of the period.", "سهم امتیازهای ۴ و ۵ برای تیکت‌های حل‌شده در هر بخش از بازه.";
    ChartSatisfied => "Satisfied", "راضی";
    NeedsAttentionTitle => "Needs attention", "نیازمند رسیدگی";
    ListDormant => "Customers who stopped buying", "مشتریانی که دیگر خرید نکرده‌اند";
    ListDormantEmpty => "Every customer bought recently.", "همهٔ مشتریان به‌تازگی خرید کرده‌اند.";
    ListOverdue => "Overdue invoices", "فاکتورهای سررسیدگذشته";
    ListOverdueEmpty => "No invoice is past due.", "هیچ فاکتوری از سررسید نگذشته است.";
    ListQuotes => "Quotes not followed up", "پیش‌فاکتورهای پیگیری‌نشده";
    ListQuotesEmpty => "Every sent quote was followed up this week.", "همهٔ پیش‌فاکتورهای ارسالی این هفته پیگیری شده‌اند.";
    ListSla => "Tickets past their SLA", "تیکت‌های گذشته از SLA";
    ListSlaEmpty => "Every ticket was answered in time.", "به همهٔ تیکت‌ها به‌موقع رسیدگی شده است.";
    ListStale => "Deals going stale", "معامله‌های راکد";
    ListStaleEmpty => "Every open deal had activity recently.", "همهٔ معامله‌های باز به‌تازگی فعالیت داشته‌اند.";
    ListSlow => "Products that fail to sell", "محصولاتی که فروش نمی‌روند";
    ListSlowEmpty => "No products in the catalogue.", "محصولی در فهرست نیست.";
    LastPurchaseOn { date } => "Last purchase {date}", "آخرین خرید {date}";
    LastFollowUpOn { date } => "Last followed up {date}", "آخرین پیگیری {date}";
    NeverFollowedUp => "Never followed up", "هرگز پیگیری نشده";
    OverdueBy { days } => "{days} overdue", "{days} گذشته از سررسید";
    WaitingFor { days } => "Waiting {days}", "{days} در انتظار";
    LateBy { duration } => "{duration} late", "{duration} تأخیر";
    ResolvedLateBy { duration } => "Resolved {duration} late", "با {duration} تأخیر حل شد";
    IdleFor { days } => "Idle for {days}", "{days} بدون فعالیت";
    NoPurchaseFor { days } => "No purchase for {days}", "{days} بدون خرید";
    UnitsSold { count } => "{count} sold", "{count} فروخته‌شده";
    CustomersBySegment => "Customers by RFM segment", "مشتریان بر اساس بخش RFM";
    CampaignRoiTitle => "Campaign return", "بازده کمپین‌ها";
    CampaignCost => "Cost", "هزینه";
    CampaignRoi => "ROI", "بازده سرمایه";
    NoCampaignsInPeriod => "No campaign ran in this period.", "در این بازه کمپینی اجرا نشده است.";
    BestSellersTitle => "Best sellers", "پرفروش‌ترین‌ها";
    NoSalesInPeriod => "Nothing was sold in this period.", "در این بازه چیزی فروخته نشده است.";
    LostDeals => "Lost deals", "معامله‌های ناموفق";
    SegmentsIntro => "Groups of customers by tags, stage, source, owner, purchases and RFM class: for lists, exports and message batches.", "گروه‌های مشتریان بر اساس برچسب، وضعیت، منبع، مسئول، خرید و دستهٔ RFM: برای فهرست، خروجی و پیام گروهی.";
    NewSegment => "New segment", "بخش جدید";
    EditSegment => "Edit segment", "ویرایش بخش";
    SegmentName => "Segment name", "نام بخش";
    SavedSegments => "Your segments", "بخش‌های شما";
    NoSavedSegments => "No saved segments yet.", "هنوز بخشی ذخیره نشده است.";
    RfmSegments => "RFM segments", "بخش‌های RFM";
    RfmSegmentsHint => "Customers grouped by how recently, how often and how much they buy.", "مشتریان بر اساس تازگی، دفعات و مبلغ خرید گروه‌بندی شده‌اند.";
    SegmentNewCustomers => "New customers", "مشتریان تازه";
    NoMembers => "No contact is in this segment.", "مخاطبی در این بخش نیست.";
    EveryContact => "Every contact", "همهٔ مخاطبان";
    SegmentNotFound => "This segment does not exist or was deleted.", "این بخش وجود ندارد یا حذف شده است.";
    BackToSegments => "Back to segments", "بازگشت به بخش‌بندی‌ها";
    LastPurchaseAfter => "Last purchase on or after", "آخرین خرید از تاریخ";
    LastPurchaseBefore => "Last purchase on or before", "آخرین خرید تا تاریخ";
    MinSpend => "Spent at least", "حداقل مبلغ خرید";
    SearchText => "Text", "متن";
    MessageBatch => "Message batch", "پیام گروهی";
    MessageBatchHint => "The message is filled in for each contact; open the links one by one in your own e-mail, SMS or WhatsApp.", "پیام برای هر مخاطب پر می‌شود؛ پیوندها را یکی‌یکی در ایمیل، پیامک یا واتساپ خودتان باز کنید.";
    SampleSection => "Sample workspace", "فضای کار نمونه";
    SampleHint => "Adds a few hundred made-up customers with deals, invoices, tickets and campaigns over two years, in the current language, so every view has something to show.", "چند صد مشتری ساختگی با معامله، فاکتور، تیکت و کمپین در دو سال، به زبان فعلی، اضافه می‌کند تا همهٔ بخش‌ها چیزی برای نمایش داشته باشند.";
    LoadSample => "Load sample workspace", "بارگذاری فضای کار نمونه";
    SampleSize => "Customers in the sample", "تعداد مشتریان نمونه";
    SampleSizeHint => "Large samples take minutes to save and show how Rabet copes at scale.", "نمونه‌های بزرگ ذخیره‌شان چند دقیقه طول می‌کشد و نشان می‌دهند رابط در مقیاس بالا چگونه کار می‌کند.";
    SampleConfirm => "This workspace already has records. Add the sample records to them? The workspace currency becomes the sample's.", "این فضای کار از قبل رکورد دارد. رکوردهای نمونه به آن‌ها افزوده شود؟ واحد پول فضای کار همان واحد پول نمونه می‌شود.";
    SampleProgress => "Sample workspace progress", "پیشرفت بارگذاری نمونه";
    SampleSaving { done, total } => "Saving the sample… {done} of {total}", "در حال ذخیرهٔ نمونه… {done} از {total}";
    // Every browser, every tab: what the browser does with the stored data.
    StorageEviction => "Safari (on iPhone, iPad and Mac) deletes the data of a website that is not installed after about a week without a visit. Install Rabet (Share → Add to Home Screen, or File → Add to Dock) or sync with a server so that nothing is lost.", "سافاری (در آیفون، آیپد و مک) داده‌های وب‌سایتی را که نصب نشده، پس از حدود یک هفته بی‌بازدید پاک می‌کند. رابط را نصب کنید (اشتراک‌گذاری ← افزودن به صفحهٔ اصلی، یا File ← Add to Dock) یا با یک سرور همگام کنید تا چیزی از دست نرود.";
    PersistGranted => "The browser agreed to protect this data.", "مرورگر پذیرفت که از این داده‌ها محافظت کند.";
    PersistRefused => "The browser did not agree to protect this data now. Browsers decide by how much a website is used and whether it is installed; keep a backup or sync with a server.", "مرورگر فعلاً نپذیرفت که از این داده‌ها محافظت کند. مرورگرها بر پایهٔ میزان استفاده از وب‌سایت و نصب بودن آن تصمیم می‌گیرند؛ نسخهٔ پشتیبان نگه دارید یا با یک سرور همگام کنید.";
    // Time zones and the predicted lifetime value's window.
    TimeZone => "Time zone", "منطقهٔ زمانی";
    TimeZoneDevice { zone } => "This device's ({zone})", "زمان این دستگاه ({zone})";
    TimeZoneHint => "Reports, “today”, overdue items and reminders count days in this zone.", "گزارش‌ها، «امروز»، موارد سررسیدگذشته و یادآوری‌ها روزها را در این منطقهٔ زمانی می‌شمارند.";
    KpiFromLastYear => "from the last 12 months", "بر پایهٔ ۱۲ ماه گذشته";
    UnpaidTotal { documents, total } => "{documents} · waiting for payment: {total}", "{documents} · در انتظار پرداخت: {total}";
    RejectExtraFields { row, file } => "{row}, but {file}", "{row}، اما {file}";
    BoardSummary { deals, total, weighted } => "{deals} · {total} · weighted {weighted}", "{deals} · {total} · وزنی {weighted}";
    FieldProblem { field, problem } => "{field}: {problem}", "{field}: {problem}";
    // (FieldProblem also writes "label: value" lines.)
    LabelledField { field, label } => "{field} ({label})", "{field} ({label})";
    DocumentTitle { kind, number } => "{kind} {number}", "{kind} {number}";
    MarkDoneNamed { name } => "Mark done: {name}", "انجام شد: {name}";
    ChangeNamed { name } => "Change: {name}", "تغییر: {name}";
    NumberedLabel { label, number } => "{label} {number}", "{label} {number}";
    AddressLineCity { line, city } => "{line}, {city}", "{line}، {city}";
    RemoveNamed { name } => "Remove {name}", "حذف {name}";
    StatusBecause { status, reason } => "{status}: {reason}", "{status}: {reason}";
    CsatSummary { mean, ratings } => "{mean} · {ratings}", "{mean} · {ratings}";
    DetailsToggle => "Details", "جزئیات فنی";
    CsvUnterminatedQuote { line } => "A quoted field that starts on line {line} is never closed. Check the quotation marks on that line.", "خانه‌ای که در سطر {line} با گیومه شروع شده هرگز بسته نمی‌شود. گیومه‌های آن سطر را بررسی کنید.";
    BackupNotJson => "The file is not a backup: its content is not JSON.", "این فایل پشتیبان نیست: محتوای آن JSON نیست.";
    BackupWrongFormat => "The file is JSON but not a Rabet backup.", "این فایل JSON است اما پشتیبان رابط نیست.";
    BackupNewerVersion { found, supported } => "The backup was made by a newer version of Rabet ({found}); this version reads up to {supported}.", "این پشتیبان با نسخهٔ تازه‌تری از رابط ساخته شده است ({found})؛ این نسخه تا {supported} را می‌خواند.";
    BackupBrokenHeader => "The backup's header is damaged.", "سرآیند فایل پشتیبان آسیب دیده است.";
    BackupBrokenRecord { index } => "Record {index} of the backup is damaged.", "رکورد {index} فایل پشتیبان آسیب دیده است.";
    // Roles (issue 16): what this device's role allows, and writes the server did not accept.
    AccessAdmin => "Admin", "مدیر";
    AccessMember => "Member", "عضو";
    AccessViewer => "Viewer", "بیننده";
    AccessYourRole { role } => "Your role: {role}", "نقش شما: {role}";
    RefusalReadOnly => "Your role is viewer: you can read but not change anything.", "نقش شما بیننده است: می‌توانید بخوانید اما چیزی را تغییر نمی‌دهید.";
    RefusalAdminOnly => "Only an admin can change this.", "فقط مدیر می‌تواند این را تغییر دهد.";
    RefusalNotCreator => "A member can delete only records they created.", "عضو فقط رکوردهایی را که خودش ساخته می‌تواند حذف کند.";
    RefusalUnknown => "The server did not accept this change.", "سرور این تغییر را نپذیرفت.";
    SyncErrRevoked => "An admin revoked this device's access.", "مدیر دسترسی این دستگاه را لغو کرده است.";
    SyncErrForbidden => "The server refused a change your role does not allow.", "سرور تغییری را که نقش شما اجازه نمی‌دهد نپذیرفت.";
    NotAcceptedHeading => "Not accepted", "پذیرفته‌نشده";
    NotAcceptedIntro => "Changes made on this device that the server refused. They are no longer in the workspace: copy what you need, then discard them.", "تغییرهایی از این دستگاه که سرور نپذیرفت. این تغییرها دیگر در فضای کار نیستند: آنچه را لازم دارید رونوشت کنید و سپس کنار بگذارید.";
    NotAcceptedPending { count } => "{count} not accepted", "{count} پذیرفته‌نشده";
    NotAcceptedWhat { kind, when } => "{kind} · {when}", "{kind} · {when}";
    NotAcceptedDeletion => "Deleted", "حذف شد";
    NotAcceptedRestored => "Restored", "بازگردانده شد";
    NotAcceptedCopy => "Copy", "رونوشت";
    NotAcceptedCopied => "Copied", "رونوشت شد";
    NotAcceptedCopyFailed => "The browser did not allow copying.", "مرورگر اجازهٔ رونوشت نداد.";
    NotAcceptedDiscard => "Discard", "کنار گذاشتن";
    KindCompany => "Company", "شرکت";
    KindContact => "Contact", "مخاطب";
    KindDeal => "Deal", "معامله";
    KindActivity => "Activity", "فعالیت";
    KindTask => "Task", "کار";
    KindTicket => "Ticket", "تیکت";
    KindInvoice => "Invoice", "فاکتور";
    KindPipeline => "Pipeline", "پایپ‌لاین";
    KindProduct => "Product", "محصول";
    KindCampaign => "Campaign", "کمپین";
    KindSegment => "Segment", "بخش مشتریان";
    KindTeamMember => "Team member", "عضو تیم";
    KindSettings => "Workspace settings", "تنظیمات فضای کار";
    KindAutomationRule => "Automation rule", "قاعدهٔ خودکارسازی";
    KindAutomationRun => "Automation run", "اجرای خودکارسازی";
    HistoryHeading => "History", "تاریخچه";
    HistoryEmpty => "No field of this record has changed since it was created.", "از زمان ساخت این رکورد هیچ فیلدی از آن تغییر نکرده است.";
    HistoryYou => "You", "شما";
    HistoryTeammate => "A teammate", "یکی از اعضای تیم";
    HistoryChange { field, old, new } => "{field}: {old} → {new}", "{field}: {old} ← {new}";
    HistoryNotKept => "Not kept: an edit made at the same time on another device won.", "نگه داشته نشد: ویرایشی که هم‌زمان روی دستگاه دیگری انجام شد برنده شد.";
    HistoryRestore => "Restore this value", "بازگرداندن این مقدار";
    HistoryRestoreNamed { value } => "Restore this value: {value}", "بازگرداندن این مقدار: {value}";
    // Activity feed (issue 16): the workspace's changes, by whom and of which record.
    NavActivity => "Activity", "تغییرات";
    ActivityIntro => "What changed in the workspace, newest first: on this device, and from the team as it syncs.", "آنچه در فضای کار تغییر کرد، تازه‌ترین در بالا: روی این دستگاه، و از تیم هنگام همگام‌سازی.";
    ActivityWho => "Changed by", "تغییر توسط";
    ActivityEmpty => "No change to show: edits of existing records appear here.", "تغییری برای نمایش نیست: ویرایش رکوردهای موجود اینجا نمایش داده می‌شود.";
    ActivityShowEarlier => "Show earlier changes", "نمایش تغییرات پیش‌تر";
    ActivityRecord { kind, name } => "{kind}: {name}", "{kind}: {name}";
    // Message templates and workspace settings as records with history (issue 16).
    KindMessageTemplate => "Message template", "قالب پیام";
    HistoryStages => "Stages", "مراحل";
    // Issue 18: vCard export in the version a user chooses.
    VcardVersion => "vCard version", "نسخهٔ vCard";
    VcardVersion3 => "vCard 3.0 (most phones)", "vCard ۳٫۰ (بیشتر گوشی‌ها)";
    VcardVersion4 => "vCard 4.0", "vCard ۴٫۰";
    // Issue 18: sentences that were put together in code.
    ActionOn { action, name } => "{action} “{name}”", "{action} «{name}»";
    LabelledValue { label, value } => "{label}: {value}", "{label}: {value}";
    BrowserTitle { page, app } => "{page} · {app}", "{page} · {app}";
    // Command palette and keyboard shortcuts (issue 17).
    PaletteOpen => "Search", "جست‌وجو";
    PaletteTitle => "Command palette", "فرمان‌یاب";
    PaletteInput => "Find a customer, deal, ticket, invoice, page or action", "یافتن مشتری، معامله، تیکت، فاکتور، صفحه یا کار";
    PalettePlaceholder => "Name, phone, e-mail, number or action…", "نام، تلفن، ایمیل، شماره یا کار…";
    PaletteResults => "Results", "نتیجه‌ها";
    PaletteNoMatch => "Nothing matches.", "چیزی پیدا نشد.";
    PaletteHint => "↑ ↓ to choose, Enter to open, Esc to close", "↑ ↓ برای انتخاب، Enter برای باز کردن، Esc برای بستن";
    PaletteKindInvoice => "Document", "سند";
    PaletteKindPage => "Page", "صفحه";
    PaletteKindAction => "Action", "کار";
    PaletteLogCall => "Log a call with this customer", "ثبت تماس با این مشتری";
    // Bulk actions (issue 17).
    SelectRecord { name } => "Select {name}", "انتخاب {name}";
    SelectMode => "Select", "انتخاب";
    SelectAllShown => "Select every contact shown", "انتخاب همهٔ مخاطبان نمایش‌داده‌شده";
    ClearSelection => "Clear selection", "لغو انتخاب";
    BulkActions => "Act on the selected contacts", "کار روی مخاطبان انتخاب‌شده";
    BulkTag => "Tag", "برچسب";
    BulkAddTag => "Add tag", "افزودن برچسب";
    BulkRemoveTag => "Remove tag", "برداشتن برچسب";
    BulkSetOwner => "Set owner", "تعیین مسئول";
    BulkSetStage => "Set stage", "تعیین مرحله";
    BulkExport => "Export selected (CSV)", "خروجی انتخاب‌شده‌ها (CSV)";
    BulkDelete => "Delete selected", "حذف انتخاب‌شده‌ها";
    KindSavedView => "Saved view", "نمای ذخیره‌شده";
    // Saved views (issue 17).
    AllContactsView => "All contacts", "همهٔ مخاطبان";
    SaveView => "Save view", "ذخیرهٔ نما";
    UpdateView => "Update view", "به‌روزرسانی نما";
    RenameView => "Rename view", "تغییر نام نما";
    DeleteView => "Delete view", "حذف نما";
    ViewName => "View name", "نام نما";
    ViewShared => "Shared with the team", "مشترک با تیم";
    SharedView { name } => "{name} (shared)", "{name} (مشترک)";
    BulkNothing => "The selected contacts are like that already: nothing changed.", "مخاطبان انتخاب‌شده از پیش همین‌طورند: چیزی تغییر نکرد.";
    ShortcutsTitle => "Keyboard shortcuts", "میان‌برهای صفحه‌کلید";
    ShortcutsHint => "Single-key shortcuts work when no field is being typed in.", "میان‌برهای تک‌کلیدی وقتی کار می‌کنند که در هیچ خانه‌ای تایپ نمی‌کنید.";
    ShortcutKey => "Keys", "کلیدها";
    ShortcutAction => "Does", "کار";
    ShortcutPalette => "Open the command palette", "باز کردن فرمان‌یاب";
    ShortcutHelp => "Show these shortcuts", "نمایش همین میان‌برها";
    ShortcutSearch => "Search this page's list", "جست‌وجو در فهرست همین صفحه";
    // Custom fields (issue 17).
    KindFieldDefinition => "Custom field", "فیلد سفارشی";
    CustomFieldsSection => "Custom fields", "فیلدهای سفارشی";
    CustomFieldsHint => "Fields your team adds to contacts, companies, deals and tickets. An archived field is hidden from forms and pages; its values are kept.", "فیلدهایی که تیم شما به مخاطبان، شرکت‌ها، معامله‌ها و تیکت‌ها می‌افزاید. فیلد بایگانی‌شده در فرم‌ها و صفحه‌ها دیده نمی‌شود؛ مقدارهایش می‌مانند.";
    CustomFieldsOf => "Fields of", "فیلدهای";
    CustomFieldsNone => "No custom fields yet.", "هنوز فیلد سفارشی‌ای نیست.";
    CustomFieldsOnRecord => "More fields", "فیلدهای بیشتر";
    AddCustomField => "Add field", "افزودن فیلد";
    NewCustomField => "New custom field", "فیلد سفارشی تازه";
    EditCustomField => "Edit custom field", "ویرایش فیلد سفارشی";
    CustomFieldType => "Type", "نوع";
    CustomFieldLabelEn => "Label in English", "برچسب به انگلیسی";
    CustomFieldLabelFa => "Label in Persian", "برچسب به فارسی";
    CustomFieldRequired => "Required", "الزامی";
    CustomFieldOptions => "Options", "گزینه‌ها";
    CustomFieldOptionEn => "Option in English", "گزینه به انگلیسی";
    CustomFieldOptionFa => "Option in Persian", "گزینه به فارسی";
    AddOption => "Add option", "افزودن گزینه";
    CustomFieldArchive => "Archive", "بایگانی";
    CustomFieldRestore => "Restore", "بازگرداندن";
    CustomFieldArchived => "Archived", "بایگانی‌شده";
    CustomFieldConvert => "Change the type", "تغییر نوع";
    CustomFieldDelete => "Delete the field", "حذف فیلد";
    CustomFieldNoneChosen => "None", "هیچ‌کدام";
    FieldTypeText => "Text", "متن";
    FieldTypeLongText => "Long text", "متن بلند";
    FieldTypeNumber => "Number", "عدد";
    FieldTypeMoney => "Amount", "مبلغ";
    FieldTypeDate => "Date", "تاریخ";
    FieldTypeChoice => "Single choice", "تک‌گزینه‌ای";
    FieldTypeChoices => "Multiple choice", "چندگزینه‌ای";
    FieldTypeCheckbox => "Checkbox", "تیک";
    FieldTypeUrl => "Web address", "نشانی وب";
    FieldTypePhone => "Phone", "تلفن";
    FieldTypeEmail => "E-mail", "ایمیل";
    ValueYes => "Yes", "بله";
    ListColumns => "Columns", "ستون‌ها";
    ListColumnsChoose => "Custom fields shown", "فیلدهای سفارشی نمایش‌داده‌شده";
    ValueNo => "No", "خیر";
    ErrNotNumber => "Not a number: digits, an optional minus sign and up to four decimals", "عدد نیست: رقم، علامت منفی در صورت نیاز و تا چهار رقم اعشار";
    ErrUnknownOption { option } => "“{option}” is not one of the field's options", "«{option}» از گزینه‌های این فیلد نیست";
    ErrNotCheckbox => "Write yes or no", "بله یا خیر بنویسید";
    ErrNotDate => "Write the date as year/month/day in the workspace calendar", "تاریخ را به شکل سال/ماه/روز در تقویم فضای کار بنویسید";
    ErrNotUrl => "Not a web address", "نشانی وب معتبر نیست";
    // Automation (issue 22).
    AutomationSection => "Automation", "خودکارسازی";
    AutomationHint => "Rules that follow up on their own: when something happens or time passes, if the record matches, then the action is done once, on the first device that sees it. A new rule starts switched off: preview it, then switch it on.", "قاعده‌هایی که خودشان پیگیری می‌کنند: وقتی اتفاقی بیفتد یا زمانی بگذرد، اگر رکورد با شرط‌ها جور باشد، کار یک بار و در نخستین دستگاهی که آن را می‌بیند انجام می‌شود. قاعدهٔ تازه خاموش است: پیش‌نمایش بگیرید، سپس روشنش کنید.";
    RuleName => "Rule name", "نام قاعده";
    RuleWhen => "When", "وقتی";
    RuleThen => "Then", "آنگاه";
    RuleDays => "Days", "روز";
    RuleHours => "Hours", "ساعت";
    RuleTags => "Only for contacts tagged (optional)", "فقط برای مخاطبان با برچسب (اختیاری)";
    RuleText => "Text, or the webhook's URL", "متن، یا نشانی وب‌هوک";
    TaskDueInDays => "Task due after (days)", "موعد وظیفه پس از (روز)";
    AddRule => "Add rule", "افزودن قاعده";
    RulePreview => "Preview", "پیش‌نمایش";
    RuleLog => "Log", "گزارش اجرا";
    RunNone => "Not run yet.", "هنوز اجرا نشده است.";
    OpenMessage => "Open message", "باز کردن پیام";
    WhenDealWon => "A deal is won", "معامله‌ای موفق شود";
    WhenDealLost => "A deal is lost", "معامله‌ای ناموفق شود";
    WhenDealCreated => "A deal is created", "معامله‌ای ساخته شود";
    WhenContactCreated => "A contact is created", "مخاطبی ساخته شود";
    WhenBecameCustomer => "A contact becomes a customer", "مخاطبی مشتری شود";
    WhenTicketResolved => "A ticket is resolved", "تیکتی حل شود";
    WhenInvoiceOverdue => "An invoice is overdue by some days", "چند روز از سررسید فاکتوری بگذرد";
    WhenTaskOverdue => "A task is overdue", "موعد وظیفه‌ای بگذرد";
    WhenSlaSoon => "A ticket's SLA ends within some hours", "تا پایان مهلت SLA تیکتی چند ساعت مانده باشد";
    WhenNoActivity => "A contact has no activity for some days", "مخاطبی چند روز بی‌فعالیت بماند";
    ThenTask => "Create a follow-up task for the record's owner", "ساختن وظیفهٔ پیگیری برای مسئول رکورد";
    ThenNotify => "Notify the team in the app", "اعلان به تیم در برنامه";
    ThenSms => "Send an SMS to the contact", "ارسال پیامک به مخاطب";
    ThenEmail => "Send an e-mail to the contact", "ارسال ایمیل به مخاطب";
    ThenWebhook => "Call a webhook", "فراخوانی وب‌هوک";
    RunDone => "Done", "انجام شد";
    RunPrepared => "Prepared, waiting for you to send it", "آماده؛ منتظر ارسال شما";
    RunQueued => "Waiting for the sync server", "در انتظار سرور همگام‌سازی";
    RunSent => "Sent", "ارسال شد";
    RunDoNotContact => "Not sent: the contact asked not to be contacted", "ارسال نشد: مخاطب نخواسته با او تماس گرفته شود";
    RunNoAddress => "Not sent: the contact has no address for it", "ارسال نشد: مخاطب نشانی مناسب ندارد";
    RunFailed => "Failed", "ناموفق";
    // Automation on the sync server (issue 22, the server part).
    DoNotContact => "Do not contact: no automated e-mail or SMS", "تماس نگیرید: بدون ایمیل و پیامک خودکار";
    // Automation in the app (issue 22, the app part): runs on timelines and in the feed.
    EventRuleRan => "Rule ran", "قاعده اجرا شد";
    RuleDeleted => "A deleted rule", "قاعده‌ای حذف‌شده";
    ActionTaskCreated => "Follow-up task", "وظیفهٔ پیگیری";
    ActionFieldSet => "Field set", "تنظیم فیلد";
    ActionNotified => "Team notified", "اعلان به تیم";
    ActionEmail => "E-mail", "ایمیل";
    ActionSms => "SMS", "پیامک";
    ActionWebhook => "Webhook", "وب‌هوک";
    DeadLettersHeading => "Messages that failed for good", "پیام‌هایی که برای همیشه ناموفق ماندند";
    DeadLettersNoServer => "No sync server: this device sends no message itself; prepared ones wait under “Messages to send”.", "بدون سرور همگام‌سازی: این دستگاه خودش پیامی نمی‌فرستد؛ پیام‌های آماده در «پیام‌های آمادهٔ ارسال» منتظر شمایند.";
    DeadLettersOffline => "Offline: the server's list of messages that failed for good is shown when this device is online.", "آفلاین: فهرست پیام‌های ناموفق سرور وقتی این دستگاه آنلاین شود نشان داده می‌شود.";
    DeadLettersAdminOnly => "Only an admin sees the messages the server gave up on.", "فقط مدیر پیام‌هایی را می‌بیند که سرور از ارسالشان دست کشید.";
    DeadSmtpRefused => "The e-mail server (SMTP) refused it", "سرور ایمیل (SMTP) آن را نپذیرفت";
    DeadGatewayError => "The SMS gateway answered with an error", "درگاه پیامک با خطا پاسخ داد";
    DeadGatewayUnreachable => "The SMS gateway could not be reached", "درگاه پیامک در دسترس نبود";
    DeadBadAddress => "The address is not valid", "نشانی معتبر نیست";
    DeadNotConfigured => "The server has no e-mail or SMS sending set up", "ارسال ایمیل یا پیامک روی سرور تنظیم نشده است";
    DeadWebhookRefused => "The webhook's address is inside the server's network; the operator has not allowed it", "نشانی وب‌هوک درون شبکهٔ سرور است و گردانندهٔ سرور اجازه‌اش را نداده است";
    DeadWebhookFailed => "The webhook could not be reached or answered with an error", "وب‌هوک در دسترس نبود یا با خطا پاسخ داد";
    DeadOther => "The server could not send it (see the details)", "سرور نتوانست آن را بفرستد (جزئیات را ببینید)";
    // Close automation (issue 22): reasons by the server's stable codes, postponed messages.
    DeadQuotaReached => "The workspace sent as many messages as its daily quota allows", "فضای کار به اندازهٔ سهمیهٔ روزانه‌اش پیام فرستاده است";
    PostponedHeading => "Messages the server postponed", "پیام‌هایی که سرور به تعویق انداخت";
    PostponedUntil { when } => "Postponed: tries again {when}", "به تعویق افتاد: تلاش دوباره {when}";
    MessagesToSendHeading => "Messages to send", "پیام‌های آمادهٔ ارسال";
    MessagesToSendNone => "No prepared message waits to be sent.", "پیام آماده‌ای منتظر ارسال نیست.";
    // The team from the app (issue 16): members, devices, invites, revocation.
    TeamAccessSection => "Team access", "دسترسی تیم";
    TeamAccessHint => "Who syncs with this workspace's server, with which role and on which devices. Invite a member with a link to open on their phone.", "چه کسانی با چه نقشی و روی کدام دستگاه‌ها با سرور این فضای کاری همگام می‌شوند. عضو تازه را با پیوندی دعوت کنید که روی گوشی‌اش باز می‌کند.";
    TeamAccessConnectFirst => "Connect this device to a sync server to manage the team's access.", "برای مدیریت دسترسی تیم، این دستگاه را به سرور همگام‌سازی وصل کنید.";
    TeamAccessAdminOnly => "Only an admin manages the team's access.", "فقط مدیر دسترسی تیم را مدیریت می‌کند.";
    TeamMembersHeading => "Members and devices", "اعضا و دستگاه‌ها";
    TeamRefresh => "Refresh", "تازه‌سازی";
    TeamYou => "(you)", "(شما)";
    TeamRoleOf { name } => "Role of {name}", "نقش {name}";
    TeamDevice { id } => "Device {id}", "دستگاه {id}";
    TeamDeviceAdded { when } => "added {when}", "افزوده {when}";
    TeamDeviceSeen { when } => "last synced {when}", "آخرین همگام‌سازی {when}";
    TeamDeviceNeverSeen => "not synced yet", "هنوز همگام نشده";
    TeamDeviceRevoked { when } => "revoked {when}", "لغوشده {when}";
    TeamRevoke => "Revoke", "لغو دسترسی";
    TeamRevokeDevice { name, id } => "Revoke {name}'s device {id}", "لغو دسترسی دستگاه {id} از {name}";
    TeamRevokeConfirm { name } => "Revoke this device of {name}? It stops syncing and clears the workspace from its browser.", "دسترسی این دستگاه {name} لغو شود؟ همگام‌سازی‌اش متوقف می‌شود و فضای کاری از مرورگرش پاک می‌شود.";
    TeamRevoked { name } => "A device of {name} was revoked.", "دسترسی یک دستگاه {name} لغو شد.";
    TeamRoleChanged { name, role } => "{name} is now: {role}.", "نقش {name} اکنون: {role}.";
    TeamInviteHeading => "Invite a member", "دعوت از عضو تازه";
    TeamInvite => "Create invite", "ساختن دعوت‌نامه";
    TeamInviting => "Creating…", "در حال ساختن…";
    TeamInviteFor { name } => "Invite for {name}", "دعوت‌نامهٔ {name}";
    TeamInviteHint => "Open this link on the member's phone, or scan the code with it. It holds their access token and is shown only now.", "این پیوند را روی گوشی عضو باز کنید یا کد را با آن بخوانید. توکن دسترسی او در آن است و فقط همین حالا نشان داده می‌شود.";
    TeamInviteLink => "Invite link", "پیوند دعوت";
    TeamInviteQr { name } => "QR code of the invite link for {name}", "کد QR پیوند دعوت {name}";
    TeamCopyLink => "Copy link", "رونوشت پیوند";
    TeamCopied => "Copied.", "رونوشت شد.";
    TeamCopyFailed => "The browser did not allow copying; select the link and copy it.", "مرورگر اجازهٔ رونوشت نداد؛ پیوند را انتخاب و رونوشت کنید.";
    TeamErrOffline => "This device is offline: the team is managed only online.", "این دستگاه آفلاین است: تیم فقط آنلاین مدیریت می‌شود.";
    TeamErrNotAdmin => "The server says this device's member is not an admin.", "سرور می‌گوید عضو این دستگاه مدیر نیست.";
    TeamErrRefused => "The server refused the change.", "سرور این تغییر را نپذیرفت.";
    RevokedMayBackup => "Revoked devices may download a backup", "دستگاه‌های لغوشده می‌توانند پشتیبان بگیرند";
    RevokedMayBackupHint => "Before a device whose access was revoked clears the workspace, it offers its person a backup of what it holds.", "دستگاهی که دسترسی‌اش لغو شده، پیش از پاک کردن فضای کاری، پشتیبانی از داده‌هایش به کاربرش پیشنهاد می‌کند.";
    RevokedTitle => "This device's access was revoked", "دسترسی این دستگاه لغو شد";
    RevokedExplain => "An admin revoked this device's access: it no longer syncs, and the workspace is cleared from this browser.", "مدیر دسترسی این دستگاه را لغو کرده است: دیگر همگام نمی‌شود و فضای کاری از این مرورگر پاک می‌شود.";
    RevokedBackupOffer => "Your admins allow you to download a backup of what this device holds first.", "مدیران شما اجازه می‌دهند پیش از آن از داده‌های این دستگاه پشتیبان بگیرید.";
    RevokedBackupThenClear => "Download a backup, then clear", "گرفتن پشتیبان، سپس پاک کردن";
    RevokedClear => "Clear without a backup", "پاک کردن بدون پشتیبان";
    RevokedClearing => "Clearing…", "در حال پاک کردن…";
    RevokedCleared => "The workspace was cleared from this browser. To work with the team again, open a new invite link.", "فضای کاری از این مرورگر پاک شد. برای کار دوباره با تیم، پیوند دعوت تازه‌ای باز کنید.";
    // Bulk actions and saved views on every list (issue 17, lists).
    SelectAllShownItems => "Select every item shown", "انتخاب همهٔ موردهای نمایش‌داده‌شده";
    BulkActionsItems => "Act on the selected items", "کار روی موردهای انتخاب‌شده";
    BulkNothingItems => "The selected items are like that already: nothing changed.", "موردهای انتخاب‌شده از پیش همین‌طورند: چیزی تغییر نکرد.";
    BulkSetStatus => "Set status", "تعیین وضعیت";
    AllCompaniesView => "All companies", "همهٔ شرکت‌ها";
    AllDealsView => "All deals", "همهٔ معامله‌ها";
    AllTicketsView => "All tickets", "همهٔ تیکت‌ها";
    AllInvoicesView => "All documents", "همهٔ سندها";
    // Custom columns and the bulk actions left (issue 17, full lists).
    ListSeparator => ", ", "، ";
    SortMostUrgent => "Most urgent", "فوری‌ترها";
    SortIssued => "Latest issued", "تازه‌ترین صدور";
    // Segment criteria on custom fields (issue 17, lists).
    CustomCriteria => "Custom fields", "فیلدهای سفارشی";
    CriterionField => "Field", "فیلد";
    CriterionTest => "Condition", "شرط";
    CriterionValue => "Value", "مقدار";
    CriterionTo => "To", "تا";
    AddCriterion => "Add condition", "افزودن شرط";
    CriterionFieldGone => "A custom field that was deleted", "فیلد سفارشیِ حذف‌شده";
    CriterionWords { field, test, value } => "{field} {test} {value}", "{field} {test} {value}";
    DayRangeWords { from, to } => "{from} to {to}", "{from} تا {to}";
    OpContains => "contains", "شامل";
    OpEquals => "is exactly", "دقیقاً برابر";
    OpAtLeast => "at least", "دست‌کم";
    OpAtMost => "at most", "حداکثر";
    OpExactly => "equals", "برابر";
    OpBefore => "before", "پیش از";
    OpAfter => "after", "پس از";
    OpWithin => "from", "از";
    OpIs => "is", "هست";
    OpIsNot => "is not", "نیست";
    OpChecked => "is", "هست";
    // In-app notifications (issue 22).
    NotificationsHeading => "Notifications", "اعلان‌ها";
    KindNotification => "Notification", "اعلان";
    NotificationsNone => "No notifications yet.", "هنوز اعلانی نیست.";
    NotificationsMarkAllRead => "Mark all read", "همه خوانده شد";
    NotificationUnread => "Unread", "خوانده‌نشده";
    NotifyWho => "Who is notified", "چه کسانی اعلان بگیرند";
    NotifyRecordOwner => "The record's owner", "مسئول رکورد";
    RunNoMember => "Not done: nobody to notify (the record has no owner)", "انجام نشد: کسی برای اعلان نیست (رکورد مسئول ندارد)";
    // A bulk change in the activity feed (issue 17): what it did to every record it wrote.
    ActivityTagAdded { tag } => "Tag {tag} added", "برچسب {tag} افزوده شد";
    ActivityTagRemoved { tag } => "Tag {tag} removed", "برچسب {tag} برداشته شد";
    ActivitySetTo { field, new } => "{field} set to {new}", "{field} به {new} تغییر کرد";
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

    /// Switches to the other language (the navigation's button, the palette's action).
    pub fn switch(&self) {
        self.set(match self.0.get_untracked() {
            Lang::En => Lang::Fa,
            Lang::Fa => Lang::En,
        });
    }

    /// The text of `msg` in the current language (reactive).
    pub fn t(&self, msg: Msg) -> &'static str {
        msg.text(self.lang())
    }

    /// A message with its values (`phrase::Key { name: … }`) in the current language. In
    /// right-to-left text a value with Latin letters or digits is bidi-isolated (FSI … PDI,
    /// what `<bdi>` does), so a number, an id or a name in the other direction keeps its own
    /// order: "فاکتور 2026-1512" never reads "1512-2026".
    pub fn fill(&self, phrase: impl Phrase) -> String {
        phrase.in_lang(self.lang())
    }

    /// The form of `counted` for a count already written (`shown`, e.g. "2.5") whose plural
    /// category is `plural`.
    pub fn count_shown(&self, counted: Counted, shown: &str, plural: Plural) -> String {
        let lang = self.lang();
        fill_in(
            counted.form(lang, plural),
            &[(counted.count_name(), shown)],
            lang,
        )
    }

    /// The form of `counted` for `count`, e.g. "1 day", "5 days", "۵ روز".
    pub fn count(&self, counted: Counted, count: usize) -> String {
        let lang = self.lang();
        fill_in(
            counted.form(lang, Plural::of(lang, count)),
            &[(counted.count_name(), &self.number(count))],
            lang,
        )
    }

    /// A name Rabet gave (the default pipeline, its stages, lost reasons) in the current
    /// language, while it is still one of the default names in either language; a name a user
    /// gave is shown as it is.
    pub fn given_name(&self, name: &str) -> String {
        default_name(name).map_or_else(|| name.to_owned(), |msg| self.t(msg).to_owned())
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
                return self.fill(phrase::ErrTooLong {
                    max: &self.number(max),
                });
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

impl Locale {
    /// A column's import target, e.g. "Phone (Mobile)".
    pub fn contact_field(&self, field: ContactField) -> String {
        let simple = |msg| self.t(msg).to_owned();
        let labelled = |msg, label| {
            self.fill(phrase::LabelledField {
                field: self.t(msg),
                label: self.t(label),
            })
        };
        match field {
            ContactField::FirstName => simple(Msg::FirstName),
            ContactField::LastName => simple(Msg::LastName),
            ContactField::FullName => simple(Msg::FullName),
            ContactField::Company => simple(Msg::Company),
            ContactField::JobTitle => simple(Msg::JobTitle),
            ContactField::Phone(label) => labelled(Msg::Phone, phone_label_msg(label)),
            ContactField::Email(label) => labelled(Msg::Email, email_label_msg(label)),
            ContactField::WhatsApp => simple(Msg::WhatsApp),
            ContactField::Telegram => simple(Msg::Telegram),
            ContactField::Address => simple(Msg::Address),
            ContactField::Tags => simple(Msg::Tags),
            ContactField::LifecycleStage => simple(Msg::LifecycleStage),
            ContactField::LeadSource => simple(Msg::LeadSource),
            ContactField::Owner => simple(Msg::Owner),
            ContactField::Notes => simple(Msg::Notes),
            ContactField::Ignore => simple(Msg::DontImport),
            // The mapping names each custom field by its label; this is the fallback.
            ContactField::Custom(_) => simple(Msg::KindFieldDefinition),
        }
    }

    /// Why an imported row was rejected, in words.
    pub fn reject_reason(&self, reason: &RejectReason) -> String {
        match reason {
            RejectReason::ExtraFields { headers, fields } => self.fill(phrase::RejectExtraFields {
                row: &self.count(Counted::RowFields, *fields),
                file: &self.count(Counted::FileColumns, *headers),
            }),
            RejectReason::UnknownLifecycleStage(value) => {
                self.fill(phrase::RejectUnknownStage { value })
            }
            RejectReason::UnknownLeadSource(value) => {
                self.fill(phrase::RejectUnknownSource { value })
            }
            RejectReason::UnknownOwner(value) => self.fill(phrase::RejectUnknownOwner { value }),
            RejectReason::Invalid(error) => match field_msg(error.field) {
                Some(field) => self.fill(phrase::FieldProblem {
                    field: self.t(field),
                    problem: &self.validation(error),
                }),
                None => self.validation(error),
            },
            RejectReason::UnreadableCard(_) => self.t(Msg::RejectUnreadableCard).to_owned(),
            RejectReason::CustomValue {
                label_en,
                label_fa,
                error,
            } => self.fill(phrase::FieldProblem {
                field: match self.lang() {
                    Lang::En => label_en,
                    Lang::Fa => label_fa,
                },
                problem: &self.value_error(error),
            }),
        }
    }

    /// Why typed text is not a custom field's value, in words.
    pub fn value_error(&self, error: &ValueError) -> String {
        let msg = match error {
            ValueError::Required => Msg::ErrRequired,
            ValueError::NotNumber => Msg::ErrNotNumber,
            ValueError::NotMoney => Msg::ErrAmount,
            ValueError::NotDate => Msg::ErrNotDate,
            ValueError::UnknownOption(option) => {
                return self.fill(phrase::ErrUnknownOption { option })
            }
            ValueError::NotCheckbox => Msg::ErrNotCheckbox,
            ValueError::NotUrl => Msg::ErrNotUrl,
            ValueError::NotPhone => Msg::ErrPhoneLength,
            ValueError::NotEmail => Msg::ErrInvalidEmail,
        };
        self.t(msg).to_owned()
    }

    /// Why a chosen file could not be read, in words.
    pub fn read_error(&self, error: &ReadError) -> Worded {
        match error {
            ReadError::Browser(reason) => {
                Worded::with_detail(self.t(Msg::FileUnreadable), reason.clone())
            }
            ReadError::NotText(kind) => Worded::plain(self.t(match kind {
                NotText::Workbook => Msg::FileIsWorkbook,
                NotText::Pdf => Msg::FileIsPdf,
                NotText::Picture => Msg::FileIsPicture,
                NotText::Binary => Msg::FileNotText,
            })),
        }
    }

    /// Why a CSV file could not be read, in words; the parser's own words as the detail.
    pub fn csv_error(&self, error: &CsvError) -> Worded {
        let text = match error {
            CsvError::UnterminatedQuote { line } => self.fill(phrase::CsvUnterminatedQuote {
                line: &self.number(*line),
            }),
        };
        Worded::with_detail(text, error.to_string())
    }

    /// Why a file is not a backup this version can restore, in words.
    pub fn backup_error(&self, error: &BackupError) -> Worded {
        let text = match error {
            BackupError::NotJson(_) => self.t(Msg::BackupNotJson).to_owned(),
            BackupError::WrongFormat => self.t(Msg::BackupWrongFormat).to_owned(),
            BackupError::UnsupportedVersion { found } => self.fill(phrase::BackupNewerVersion {
                found: &self.number(*found as usize),
                supported: &self.number(BACKUP_VERSION as usize),
            }),
            BackupError::InvalidHeader { .. } => self.t(Msg::BackupBrokenHeader).to_owned(),
            BackupError::MalformedRecord { index, .. } => self.fill(phrase::BackupBrokenRecord {
                index: &self.number(index + 1),
            }),
        };
        Worded::with_detail(text, error.to_string())
    }

    /// A vCard property left out of its card, with its line, in words.
    pub fn skipped_property(&self, skipped: &SkippedProperty) -> String {
        let line = &self.number(skipped.line);
        let property = &skipped.name;
        match &skipped.error {
            PropertyError::UnsupportedCharset(charset) => self.fill(phrase::SkippedCharset {
                line,
                property,
                charset,
            }),
            PropertyError::InvalidText => self.fill(phrase::SkippedInvalidText { line, property }),
            PropertyError::InvalidBase64 => {
                self.fill(phrase::SkippedInvalidBase64 { line, property })
            }
        }
    }
}

/// A failure in words: what it means for the user, and the technical detail (the failing
/// part's own text: a parser, the browser, a server) shown only under "Details".
#[derive(Clone, Debug, PartialEq)]
pub struct Worded {
    pub text: String,
    pub detail: Option<String>,
}

impl Worded {
    pub fn plain(text: impl Into<String>) -> Self {
        Worded {
            text: text.into(),
            detail: None,
        }
    }

    pub fn with_detail(text: impl Into<String>, detail: impl Into<String>) -> Self {
        Worded {
            text: text.into(),
            detail: Some(detail.into()).filter(|d: &String| !d.trim().is_empty()),
        }
    }
}

/// The label of a stored contact field named in a validation error.
fn field_msg(field: &str) -> Option<Msg> {
    Some(match field {
        "first_name" => Msg::FirstName,
        "last_name" => Msg::LastName,
        "job_title" => Msg::JobTitle,
        "company" | "name" => Msg::Company,
        "phones" => Msg::Phone,
        "emails" => Msg::Email,
        "whatsapp" => Msg::WhatsApp,
        "telegram" => Msg::Telegram,
        "notes" => Msg::Notes,
        _ => return None,
    })
}

/// What a storage failure means for the user, in words.
pub fn store_error_msg(error: &StoreError) -> Msg {
    match error {
        StoreError::QuotaExceeded => Msg::ErrStorageFull,
        StoreError::Aborted(_) => Msg::ErrStorageAborted,
        StoreError::Unavailable(_) => Msg::ErrStorageUnavailable,
        StoreError::Corrupt { .. } => Msg::ErrStorageCorrupt,
        StoreError::Unreadable { .. } => Msg::ErrStorageUnreadable,
        StoreError::InvalidEdit(_) => Msg::ErrStorageInvalidEdit,
        StoreError::RemoteOpRefused { .. } => Msg::ErrStorageRemoteRefused,
        StoreError::Unencodable(_) => Msg::ErrStorageUnencodable,
        StoreError::Browser(_) => Msg::ErrStorageBrowser,
        StoreError::NotAllowed(refusal) => refusal_msg(Some(*refusal)),
    }
}

/// Why the role does not allow a write; `None`: the server refused it for a reason the role
/// table does not explain.
pub fn refusal_msg(refusal: Option<Refusal>) -> Msg {
    match refusal {
        Some(Refusal::ReadOnly) => Msg::RefusalReadOnly,
        Some(Refusal::AdminOnly) => Msg::RefusalAdminOnly,
        Some(Refusal::NotCreator) => Msg::RefusalNotCreator,
        None => Msg::RefusalUnknown,
    }
}

/// A sync role's name.
pub fn access_role_msg(role: AccessRole) -> Msg {
    match role {
        AccessRole::Admin => Msg::AccessAdmin,
        AccessRole::Member => Msg::AccessMember,
        AccessRole::Viewer => Msg::AccessViewer,
    }
}

/// A kind of record's name.
pub fn kind_msg(kind: EntityKind) -> Msg {
    match kind {
        EntityKind::Company => Msg::KindCompany,
        EntityKind::Contact => Msg::KindContact,
        EntityKind::Deal => Msg::KindDeal,
        EntityKind::Activity => Msg::KindActivity,
        EntityKind::Task => Msg::KindTask,
        EntityKind::Ticket => Msg::KindTicket,
        EntityKind::Invoice => Msg::KindInvoice,
        EntityKind::Pipeline => Msg::KindPipeline,
        EntityKind::Product => Msg::KindProduct,
        EntityKind::Campaign => Msg::KindCampaign,
        EntityKind::Segment => Msg::KindSegment,
        EntityKind::TeamMember => Msg::KindTeamMember,
        EntityKind::Settings => Msg::KindSettings,
        EntityKind::AutomationRule => Msg::KindAutomationRule,
        EntityKind::AutomationRun => Msg::KindAutomationRun,
        EntityKind::SavedView => Msg::KindSavedView,
        EntityKind::MessageTemplate => Msg::KindMessageTemplate,
        EntityKind::FieldDefinition => Msg::KindFieldDefinition,
        EntityKind::Notification => Msg::KindNotification,
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

/// `template` with each `{name}` replaced by its value, isolated in right-to-left text when it
/// holds Latin letters or digits (an id, a number as typed, an e-mail, an English name): those
/// are what the bidi algorithm would reorder with the words around them.
fn fill_in(template: &str, values: &[(&str, &str)], lang: Lang) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            let value = if lang.dir() == "rtl" && value.chars().any(|c| c.is_ascii_alphanumeric()) {
                format!("\u{2068}{value}\u{2069}")
            } else {
                (*value).to_owned()
            };
            text.replace(&format!("{{{name}}}"), &value)
        })
}

/// The names Rabet gives what it creates; shown in the reader's language until renamed.
pub const DEFAULT_NAMES: [Msg; 12] = [
    Msg::DefaultPipelineName,
    Msg::StageLeadIn,
    Msg::StageQualified,
    Msg::StageProposal,
    Msg::StageNegotiation,
    Msg::StageWon,
    Msg::StageLost,
    Msg::LostReasonPrice,
    Msg::LostReasonCompetitor,
    Msg::LostReasonBudget,
    Msg::LostReasonTiming,
    Msg::LostReasonNoResponse,
];

/// Which default name `name` is, in either language.
fn default_name(name: &str) -> Option<Msg> {
    DEFAULT_NAMES
        .into_iter()
        .find(|msg| msg.text(Lang::En) == name || msg.text(Lang::Fa) == name)
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

    /// Whether `text` is only placeholders and punctuation ("{field}: {problem}"), the same
    /// in both languages.
    fn is_template(text: &str) -> bool {
        let mut words = String::new();
        let mut inside = false;
        for c in text.chars() {
            match c {
                '{' => inside = true,
                '}' => inside = false,
                c if !inside => words.push(c),
                _ => {}
            }
        }
        !words.chars().any(char::is_alphabetic)
    }

    #[wasm_bindgen_test]
    fn every_message_is_translated() {
        for (key, en, fa) in ALL_TEXTS {
            assert!(!en.trim().is_empty() && !fa.trim().is_empty(), "{key}");
            if !is_template(en) {
                assert_ne!(en, fa, "{key} is not translated");
            }
        }
        for [en_one, en_other, fa_one, fa_other] in ALL_FORMS {
            assert_ne!(en_one, fa_one);
            assert_ne!(en_other, fa_other);
        }
    }

    #[wasm_bindgen_test]
    fn a_message_without_values_shows_no_placeholder() {
        // The starter message templates show the templates' own placeholders to the user.
        let starters = [
            Msg::TemplateGreetingBody,
            Msg::TemplateFollowUpBody,
            Msg::TemplatePaymentBody,
        ];
        for msg in Msg::ALL.iter().filter(|msg| !starters.contains(msg)) {
            for lang in [Lang::En, Lang::Fa] {
                assert!(names_exactly(msg.text(lang), &[]), "{msg:?}");
            }
        }
    }

    #[wasm_bindgen_test]
    fn counts_take_their_plural_form() {
        let owner = Owner::new();
        owner.with(|| {
            let locale = Locale::new(Lang::En);
            assert_eq!(locale.count(Counted::Days, 1), "1 day");
            assert_eq!(locale.count(Counted::Days, 0), "0 days");
            assert_eq!(locale.count(Counted::Days, 5), "5 days");
            assert_eq!(locale.count(Counted::OpenDeals, 1_200), "1,200 open deals");
            let move_deals = |count| counted_phrase::MoveDealsOfStage {
                count,
                stage: "Won",
            };
            assert_eq!(
                locale.fill(move_deals(1)),
                "“Won” is deleted; move its 1 deal to"
            );
            assert_eq!(
                locale.fill(move_deals(3)),
                "“Won” is deleted; move its 3 deals to"
            );
            let locale = Locale::new(Lang::Fa);
            assert_eq!(locale.count(Counted::Days, 1), "۱ روز");
            assert_eq!(locale.count(Counted::Days, 5), "۵ روز");
        });
    }

    #[wasm_bindgen_test]
    fn values_are_isolated_in_right_to_left_text() {
        let owner = Owner::new();
        owner.with(|| {
            let fa = Locale::new(Lang::Fa);
            assert_eq!(
                fa.fill(phrase::NextTask { task: "2026-1512" }),
                "کار بعدی: \u{2068}2026-1512\u{2069}"
            );
            let en = Locale::new(Lang::En);
            assert_eq!(en.fill(phrase::NextTask { task: "call" }), "Next: call");
        });
    }

    #[wasm_bindgen_test]
    fn names_rabet_gave_follow_the_language() {
        let owner = Owner::new();
        owner.with(|| {
            let fa = Locale::new(Lang::Fa);
            assert_eq!(fa.given_name("Lead in"), "سرنخ ورودی");
            assert_eq!(fa.given_name("Price too high"), "قیمت بالا");
            assert_eq!(fa.given_name("Our own stage"), "Our own stage");
            let en = Locale::new(Lang::En);
            assert_eq!(en.given_name("سرنخ ورودی"), "Lead in");
        });
    }

    #[wasm_bindgen_test]
    fn placeholders_are_compared() {
        assert!(names_exactly("{a} and {b}", &["b", "a"]));
        assert!(!names_exactly("{a} and {b}", &["a"]));
        assert!(!names_exactly("{a}", &["a", "b"]));
        assert!(names_exactly("{ not a placeholder }", &[]));
        assert!(has_placeholder("x {days} y", "days"));
        assert!(!has_placeholder("x {day} y", "days"));
    }

    #[wasm_bindgen_test]
    fn persian_text_is_written_in_persian() {
        let persian = |c: char| ('\u{0600}'..='\u{06FF}').contains(&c);
        for (key, en, fa) in ALL_TEXTS {
            // The language switch names English in English; everything else reads in Persian.
            if *key == "OtherLanguageName" || is_template(en) {
                continue;
            }
            assert!(fa.chars().any(persian), "{key}");
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
