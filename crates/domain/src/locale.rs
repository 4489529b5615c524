//! Languages, digits and number formatting shared by every view.

use serde::{Deserialize, Serialize};

/// The languages Rabet speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Fa,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fa];

    /// BCP 47 code, as used in `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fa => "fa",
        }
    }

    /// Text direction, as used in `<html dir>`.
    pub fn dir(self) -> &'static str {
        match self {
            Lang::En => "ltr",
            Lang::Fa => "rtl",
        }
    }

    /// Picks the language for a browser language tag such as `fa-IR` or `en-US`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "fa" | "per" | "fas" => Some(Lang::Fa),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

const PERSIAN_DIGITS: [char; 10] = ['۰', '۱', '۲', '۳', '۴', '۵', '۶', '۷', '۸', '۹'];

/// Maps Persian (U+06F0..) and Arabic-Indic (U+0660..) digits to ASCII; other chars pass through.
pub fn to_ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            _ => c,
        })
        .collect()
}

/// Maps ASCII digits to Persian digits; other chars pass through.
pub fn to_persian_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => PERSIAN_DIGITS[(c as u8 - b'0') as usize],
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_map_both_ways() {
        assert_eq!(to_ascii_digits("۰۹۱۲-٣٤٥"), "0912-345");
        assert_eq!(to_persian_digits("0912-345"), "۰۹۱۲-۳۴۵");
    }

    #[test]
    fn browser_tags_pick_a_language() {
        assert_eq!(Lang::from_tag("fa-IR"), Some(Lang::Fa));
        assert_eq!(Lang::from_tag("en_GB"), Some(Lang::En));
        assert_eq!(Lang::from_tag("de"), None);
    }
}
