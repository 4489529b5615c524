use super::PageHeader;
use crate::i18n::{use_locale, Msg};
use leptos::prelude::*;
use rabet_domain::locale::Lang;

#[component]
pub fn Settings() -> impl IntoView {
    let locale = use_locale();
    let options = Lang::ALL
        .into_iter()
        .map(|lang| {
            view! {
                <option value=lang.code() selected=move || locale.lang() == lang>
                    {Msg::LanguageName.text(lang)}
                </option>
            }
        })
        .collect_view();
    let choose = move |ev| {
        let code = event_target_value(&ev);
        if let Some(lang) = Lang::from_tag(&code) {
            locale.set(lang);
        }
    };
    view! {
        <PageHeader title=Msg::NavSettings intro=Msg::SettingsIntro />
        <section class="card settings-section">
            <label class="field">
                <span class="field-label">{move || locale.t(Msg::Language)}</span>
                <select on:change=choose>{options}</select>
                <span class="field-hint">{move || locale.t(Msg::SettingsLanguageHint)}</span>
            </label>
        </section>
    }
}
