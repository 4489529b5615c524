//! Reading a file the user picked.

use rabet_domain::text_file::{self, NotText};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, HtmlInputElement};

/// The first file chosen in a file input's change event.
pub fn chosen_file(event: &web_sys::Event) -> Option<File> {
    let input: HtmlInputElement = event.target()?.dyn_into().ok()?;
    input.files()?.get(0)
}

/// Why a chosen file gives no text.
#[derive(Clone, Debug, PartialEq)]
pub enum ReadError {
    /// The browser could not read the file (it was moved, or access was denied): its message.
    Browser(String),
    /// The file is a picture, a workbook or other bytes that are not text.
    NotText(NotText),
}

/// The file's text, in whichever encoding it was saved (see [`text_file::decode`]: UTF-8,
/// UTF-16 or Windows-1256), without a byte-order mark.
pub async fn read_text(file: &File) -> Result<String, ReadError> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|error| ReadError::Browser(describe(error)))?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    text_file::decode(bytes).map_err(ReadError::NotText)
}

fn describe(error: JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_else(|| format!("{error:?}"))
}
