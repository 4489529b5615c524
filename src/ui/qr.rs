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
