//! Reading a file the user picked.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, HtmlInputElement, TextDecoder, TextDecoderOptions};

/// The first file chosen in a file input's change event.
pub fn chosen_file(event: &web_sys::Event) -> Option<File> {
    let input: HtmlInputElement = event.target()?.dyn_into().ok()?;
    input.files()?.get(0)
}

/// The file's text. UTF-8 first; a file that is not valid UTF-8 is read as Windows-1256,
/// which Excel on Persian Windows uses when it saves "CSV" without "UTF-8".
pub async fn read_text(file: &File) -> Result<String, String> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(describe)?;
    let bytes = js_sys::Uint8Array::new(&buffer);
    let strict = TextDecoderOptions::new();
    strict.set_fatal(true);
    let utf8 = TextDecoder::new_with_label_and_options("utf-8", &strict).map_err(describe)?;
    match utf8.decode_with_buffer_source(&bytes) {
        Ok(text) => Ok(text),
        Err(_) => TextDecoder::new_with_label("windows-1256")
            .and_then(|decoder| decoder.decode_with_buffer_source(&bytes))
            .map_err(describe),
    }
}

fn describe(error: JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_else(|| format!("{error:?}"))
}
