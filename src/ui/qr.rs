//! A text as a QR code, drawn as inline SVG: one path of the dark modules, sharp at any size
//! and in print, dark on light whatever the theme (scanners need it).

use leptos::prelude::*;
use qrcodegen::{QrCode, QrCodeEcc};

/// The quiet zone around the code, in modules, that scanners need (ISO/IEC 18004).
const QUIET_ZONE: i32 = 4;

/// The SVG path of the dark modules of `text`'s QR code and the side of the whole picture in
/// modules, quiet zone included; `None` for a text too long for any QR code.
pub fn qr_path(text: &str) -> Option<(String, i32)> {
    // Medium error correction: a link of a few hundred bytes stays at a size phones read
    // from a screen, and survives a smudge or a glare.
    let code = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let size = code.size();
    let mut path = String::new();
    for y in 0..size {
        let mut x = 0;
        while x < size {
            if !code.get_module(x, y) {
                x += 1;
                continue;
            }
            // A run of dark modules in a row is one rectangle.
            let start = x;
            while x < size && code.get_module(x, y) {
                x += 1;
            }
            let run = x - start;
            path.push_str(&format!(
                "M{},{}h{run}v1h-{run}z",
                start + QUIET_ZONE,
                y + QUIET_ZONE
            ));
        }
    }
    Some((path, size + 2 * QUIET_ZONE))
}

/// `text` as a QR code image named `label` (an image's name for screen readers); nothing for
/// a text too long for one.
#[component]
pub fn QrImage(text: String, label: String) -> impl IntoView {
    qr_path(&text).map(|(path, side)| {
        view! {
            <svg
                class="qr-code"
                role="img"
                aria-label=label
                viewBox=format!("0 0 {side} {side}")
                shape-rendering="crispEdges"
                xmlns="http://www.w3.org/2000/svg"
            >
                <rect width=side height=side fill="#fff" />
                <path d=path fill="#000" />
            </svg>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn a_short_link_is_a_version_one_code_with_its_finder_patterns_and_quiet_zone() {
        // Up to 14 bytes at medium correction fit version 1: 21 modules, and four on each side.
        let (path, side) = qr_path("https://r.io").unwrap();
        assert_eq!(side, 21 + 2 * QUIET_ZONE);
        // The first row holds the top edges of the two upper finder patterns, 7 modules each,
        // after the quiet zone and with light separators beside them.
        assert!(path.starts_with("M4,4h7v1h-7z"), "{path}");
        assert!(path.contains("M18,4h7v1h-7z"), "{path}");
        // The second row of a finder pattern: dark, five light, dark.
        assert!(path.contains("M4,5h1v1h-1zM10,5h1v1h-1z"), "{path}");
    }

    #[wasm_bindgen_test]
    fn a_text_too_long_for_any_code_has_none() {
        assert_eq!(qr_path(&"x".repeat(8_000)), None);
    }
}
