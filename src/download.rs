//! Saving a file the app made (CSV and vCard export, rejected rows, backup) to the user's
//! device.

use crate::workspace::Workspace;
use leptos::prelude::WithUntracked;
use rabet_domain::{export::contacts_vcard, model::Contact, vcard::Version};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

/// Offers `content` as a download named `file_name`.
pub fn download(file_name: &str, mime: &str, content: &str) -> Result<(), JsValue> {
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

/// Offers `contacts` as vCards named `file_name`, in version 3.0, which phones import most
/// widely; their companies' names come from `workspace`.
pub fn download_vcards<'a>(
    workspace: Workspace,
    contacts: impl IntoIterator<Item = &'a Contact>,
    file_name: &str,
) -> Result<(), JsValue> {
    let text = workspace.companies.with_untracked(|companies| {
        contacts_vcard(
            contacts,
            &|id| companies.get(id).map(|c| c.name.clone()),
            Version::V3,
        )
    });
    download(file_name, "text/vcard;charset=utf-8", &text)
}
