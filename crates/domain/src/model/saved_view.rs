//! A list's filters, sort and columns saved under a name (issue 17): personal, seen by the
//! member who saved it, or shared with the team. Synced like every record.

use crate::id::Id;
use crate::kind::EntityKind;

entity! {
    /// A named state of one list. The state is kept as the list's query string
    /// (`stage=lead&tag=vip&sort=name`), the same text a link to the list carries, so every
    /// list keeps its own filters and columns without a type per list.
    pub struct SavedView {
        pub name: String,
        /// The list it belongs to, e.g. `contacts`.
        pub list: String,
        pub state: String,
        /// Seen by the whole team; otherwise only by `member_id`.
        pub shared: bool,
        /// The member who saved it (their sync member id; empty on a device that has never
        /// synced, whose views are all its own).
        pub member_id: String,
        pub created_at: i64,
    }
}

impl SavedView {
    /// Whether the member `me` (`None`: a device not syncing) sees this view in its list.
    pub fn visible_to(&self, me: Option<&str>) -> bool {
        self.shared || self.member_id.is_empty() || me.is_none_or(|me| me == self.member_id)
    }

    /// The state's pairs of key and value, decoded.
    pub fn pairs(&self) -> Vec<(String, String)> {
        decode_state(&self.state)
    }
}

/// A list's state as query-string text: each key and value percent-encoded (bytes other than
/// ASCII letters, digits and `-_.~`), pairs joined by `&`; empty values are left out.
pub fn encode_state<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    pairs
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| format!("{}={}", percent_encode(key), percent_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Reads what [`encode_state`] wrote (and any query string); a malformed escape is kept as
/// text.
pub fn decode_state(text: &str) -> Vec<(String, String)> {
    text.trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect()
}

fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let escaped = (bytes[at] == b'%')
            .then(|| text.get(at + 1..at + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                decoded.push(byte);
                at += 3;
            }
            None => {
                decoded.push(if bytes[at] == b'+' { b' ' } else { bytes[at] });
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_state_reads_back_with_persian_text_and_reserved_characters() {
        let state = encode_state([
            ("tag", "مشتری ویژه"),
            ("q", "a&b=c%"),
            ("stage", ""),
            ("sort", "name"),
        ]);
        assert!(!state.contains("stage"));
        assert_eq!(
            decode_state(&state),
            [
                ("tag".into(), "مشتری ویژه".into()),
                ("q".into(), "a&b=c%".into()),
                ("sort".into(), "name".into())
            ]
        );
    }

    #[test]
    fn a_browsers_query_string_reads_too() {
        assert_eq!(
            decode_state("?tag=vip+list&bad=%zz"),
            [
                ("tag".into(), "vip list".into()),
                ("bad".into(), "%zz".into())
            ]
        );
    }

    #[test]
    fn personal_views_are_their_members_and_shared_ones_everyones() {
        let view = |shared: bool, member: &str| SavedView {
            shared,
            member_id: member.into(),
            ..SavedView::default()
        };
        assert!(view(false, "ali").visible_to(Some("ali")));
        assert!(!view(false, "ali").visible_to(Some("bita")));
        assert!(view(true, "ali").visible_to(Some("bita")));
        // Saved before syncing, or on a device that does not sync: its own.
        assert!(view(false, "").visible_to(Some("bita")));
        assert!(view(false, "ali").visible_to(None));
    }

    proptest! {
        #[test]
        fn any_state_reads_back(pairs in proptest::collection::vec(("[a-z_]{1,8}", "\\PC{1,12}"), 0..6)) {
            let encoded = encode_state(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            prop_assert_eq!(decode_state(&encoded), pairs);
        }
    }
}
