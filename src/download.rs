//! Saving a file the app made (CSV and vCard export, rejected rows, backup) to the user's
//! device.

use crate::{
    i18n::{use_locale, Msg},
    notice::msg_reporter,
    workspace::Workspace,
};
use leptos::prelude::*;
use rabet_domain::{
    backup::Backup,
    calendar::{format_day, Calendar, Day},
    export::contacts_vcard,
    locale::Lang,
    model::Contact,
    vcard::Version,
};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

/// What offers a file (name, media type, content) as a download, and says so in a notice when
/// the browser refuses. Made where the contexts are at hand, so that it can be used after an
/// `.await`, where they are not.
pub fn file_saver() -> impl Fn(&str, &str, &str) + Copy + 'static {
    let report = msg_reporter();
    move |file_name, mime, content| {
        if download(file_name, mime, content).is_err() {
            report(Msg::DownloadFailed);
        }
    }
}

/// What offers a backup as a download named by its day (`rabet-backup-2024-03-01.json`).
pub fn backup_saver() -> impl Fn(&Backup) + Copy + 'static {
    let save = file_saver();
    move |backup| {
        let day = Day::from_unix_ms(backup.created_at);
        let name = format!(
            "rabet-backup-{}.json",
            format_day(day, Calendar::Gregorian, Lang::En)
        );
        save(&name, "application/json", &backup.to_json());
    }
}

/// Offers `content` as a download named `file_name`.
fn download(file_name: &str, mime: &str, content: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(content));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let document = leptos::prelude::document();
    let anchor: HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    Url::revoke_object_url(&url)
}

/// The media type of a vCard file, for [`file_saver`].
pub const VCARD_MIME: &str = "text/vcard;charset=utf-8";

/// `contacts` as one vCard file in `version`; their companies' names come from `workspace`.
pub fn vcards_text<'a>(
    workspace: Workspace,
    contacts: impl IntoIterator<Item = &'a Contact>,
    version: Version,
) -> String {
    workspace.companies.with_untracked(|companies| {
        contacts_vcard(
            contacts,
            &|id| companies.get(id).map(|c| c.name.clone()),
            version,
        )
    })
}

/// "Export vCard" with the version it writes: 3.0, which phones import most widely (chosen
/// at first), or 4.0. `save` is given the version chosen and saves the file.
#[component]
pub fn VcardExport(#[prop(into)] save: Callback<Version>) -> impl IntoView {
    let locale = use_locale();
    let version = RwSignal::new(Version::V3);
    let choose = move |ev| {
        version.set(match event_target_value(&ev).as_str() {
            "4.0" => Version::V4,
            _ => Version::V3,
        })
    };
    view! {
        <span class="vcard-export">
            <select aria-label=move || locale.t(Msg::VcardVersion) on:change=choose>
                <option value="3.0" selected>{move || locale.t(Msg::VcardVersion3)}</option>
                <option value="4.0">{move || locale.t(Msg::VcardVersion4)}</option>
            </select>
            <button type="button" class="button" on:click=move |_| save.run(version.get_untracked())>
                {move || locale.t(Msg::ExportVcard)}
            </button>
        </span>
    }
}
