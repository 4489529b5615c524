//! Record ids: UUIDv7 strings, so ids made on different devices never collide and sort by
//! creation time (which keeps IndexedDB key order close to insertion order).
//!
//! In memory a UUID is kept as its 16 bytes rather than 36 characters on the heap: a 100k
//! workspace holds millions of ids (every record's own and every reference), and cloning
//! one then allocates nothing. Ids of any other shape (tests, the settings singleton, ids
//! from older data) are kept as text. Either way an id reads, writes, compares and
//! serializes exactly as its text.

use rustc_hash::FxBuildHasher;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;
use std::hash::BuildHasher;
use std::ops::Deref;

/// A record id. The caller supplies the time and the randomness, keeping the domain free of IO.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Id(Repr);

/// Each text has exactly one form (a UUID is kept as bytes only when it is in the canonical
/// lower-case hyphenated text), so equal texts are equal forms, and `Eq` and `Hash` can
/// compare forms.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    Uuid([u8; 16]),
    Text(Box<str>),
}

/// The length of a UUID's text, and where its hyphens are.
const UUID_LEN: usize = 36;
const HYPHENS: [usize; 4] = [8, 13, 18, 23];

impl Id {
    /// Builds a UUIDv7 (RFC 9562) from milliseconds since the Unix epoch and 10 random bytes.
    pub fn v7(unix_ms: u64, random: [u8; 10]) -> Self {
        let mut b = [0u8; 16];
        b[..6].copy_from_slice(&unix_ms.to_be_bytes()[2..]);
        b[6..].copy_from_slice(&random);
        b[6] = 0x70 | (b[6] & 0x0f); // version 7
        b[8] = 0x80 | (b[8] & 0x3f); // RFC 4122 variant
        Id(Repr::Uuid(b))
    }

    /// Wraps an id that came from storage or the wire.
    pub fn from_string(s: impl Into<String>) -> Self {
        Id::from_text(s.into())
    }

    /// The one form of `text`: a borrowed text is copied, an owned one kept, only if it is
    /// not a UUID.
    fn from_text<T: AsRef<str> + Into<Box<str>>>(text: T) -> Self {
        match uuid_bytes(text.as_ref()) {
            Some(bytes) => Id(Repr::Uuid(bytes)),
            None => Id(Repr::Text(text.into())),
        }
    }

    /// The id's text. A UUID's is written out on the stack, so this allocates nothing.
    pub fn as_str(&self) -> IdStr<'_> {
        match &self.0 {
            Repr::Uuid(bytes) => IdStr::Uuid(uuid_text(bytes)),
            Repr::Text(text) => IdStr::Text(text),
        }
    }

    /// A fast hash of the id (FxHash), for indexes that keep hashes instead of copies of ids.
    /// Not for anything an attacker could choose ids against.
    pub fn hash64(&self) -> u64 {
        FxBuildHasher.hash_one(self)
    }
}

#[cfg(test)]
impl Id {
    /// The text of an id kept as text (tests' short ids), borrowed for as long as the id.
    pub(crate) fn text(&self) -> &str {
        match &self.0 {
            Repr::Text(text) => text,
            Repr::Uuid(_) => panic!("{self:?} is a UUID; use as_str"),
        }
    }
}

/// An id's text, borrowed or written out; use it as a `&str`.
pub enum IdStr<'a> {
    Uuid([u8; UUID_LEN]),
    Text(&'a str),
}

impl Deref for IdStr<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            // Hex digits and hyphens only, so always UTF-8.
            IdStr::Uuid(text) => std::str::from_utf8(text).unwrap_or_default(),
            IdStr::Text(text) => text,
        }
    }
}

impl AsRef<str> for IdStr<'_> {
    fn as_ref(&self) -> &str {
        self
    }
}

impl PartialEq<String> for IdStr<'_> {
    fn eq(&self, other: &String) -> bool {
        **self == *other.as_str()
    }
}

impl fmt::Debug for IdStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl fmt::Display for IdStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

/// The bytes of a UUID in canonical text (lower-case hex, hyphenated), or `None`.
fn uuid_bytes(text: &str) -> Option<[u8; 16]> {
    let text = text.as_bytes();
    if text.len() != UUID_LEN || HYPHENS.iter().any(|&at| text[at] != b'-') {
        return None;
    }
    let mut digits = text
        .iter()
        .enumerate()
        .filter(|(at, _)| !HYPHENS.contains(at))
        .map(|(_, &digit)| match digit {
            b'0'..=b'9' => Some(digit - b'0'),
            b'a'..=b'f' => Some(digit - b'a' + 10),
            _ => None,
        });
    let mut bytes = [0u8; 16];
    for byte in &mut bytes {
        *byte = (digits.next()?? << 4) | digits.next()??;
    }
    Some(bytes)
}

fn uuid_text(bytes: &[u8; 16]) -> [u8; UUID_LEN] {
    let mut text = [b'-'; UUID_LEN];
    let mut at = 0;
    for &byte in bytes {
        if HYPHENS.contains(&at) {
            at += 1;
        }
        text[at..at + 2].copy_from_slice(&crate::hex::byte_digits(byte));
        at += 2;
    }
    text
}

/// Ids order as their texts. Two UUIDs' bytes order as their texts do (hex digits in
/// ASCII order, hyphens in the same places), so only mixed forms write text out.
impl Ord for Id {
    fn cmp(&self, other: &Self) -> Ordering {
        match (&self.0, &other.0) {
            (Repr::Uuid(a), Repr::Uuid(b)) => a.cmp(b),
            (Repr::Text(a), Repr::Text(b)) => a.cmp(b),
            _ => (*self.as_str()).cmp(&*other.as_str()),
        }
    }
}

impl PartialOrd for Id {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({:?})", &*self.as_str())
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.as_str())
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl serde::de::Visitor<'_> for IdVisitor {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id string")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Id, E> {
                Ok(Id::from_text(text))
            }
            fn visit_string<E: serde::de::Error>(self, text: String) -> Result<Id, E> {
                Ok(Id::from_text(text))
            }
        }
        deserializer.deserialize_str(IdVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn v7_layout_is_rfc_9562() {
        let id = Id::v7(0x0189_8f2a_1b3c, [0xff; 10]);
        assert_eq!(&*id.as_str(), "01898f2a-1b3c-7fff-bfff-ffffffffffff");
    }

    #[test]
    fn a_uuid_is_kept_as_bytes_and_reads_back_as_its_text() {
        let text = "01898f2a-1b3c-7fff-bfff-ffffffffffff";
        let id = Id::from_string(text);
        assert!(matches!(id.0, Repr::Uuid(_)));
        assert_eq!(&*id.as_str(), text);
        assert_eq!(id, Id::v7(0x0189_8f2a_1b3c, [0xff; 10]));
        assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{text}\""));
        let read: Id = serde_json::from_str(&format!("\"{text}\"")).unwrap();
        assert_eq!(read, id);
    }

    #[test]
    fn other_shapes_stay_text() {
        for text in [
            "",
            "c1",
            "settings",
            "01898F2A-1B3C-7FFF-BFFF-FFFFFFFFFFFF",
            "01898f2a-1b3c-7fff-bfff-fffffffffff",
            "01898f2a-1b3c-7fff-bfff-ffffffffffffa",
            "01898f2a_1b3c-7fff-bfff-ffffffffffff",
            "01898f2a-1b3c-7fff-bfff-fffffffffffg",
        ] {
            let id = Id::from_string(text);
            assert!(matches!(id.0, Repr::Text(_)), "{text:?}");
            assert_eq!(&*id.as_str(), text);
            let read: Id = serde_json::from_str(&serde_json::to_string(&id).unwrap()).unwrap();
            assert_eq!(read, id);
        }
    }

    #[test]
    fn an_id_is_no_bigger_than_a_string() {
        assert!(std::mem::size_of::<Id>() <= std::mem::size_of::<String>());
    }

    proptest! {
        /// Whatever their forms, ids compare, hash and match as their texts do.
        #[test]
        fn ids_behave_as_their_texts(
            a in id_text(),
            b in id_text(),
        ) {
            let (x, y) = (Id::from_string(a.clone()), Id::from_string(b.clone()));
            prop_assert_eq!(x.cmp(&y), a.cmp(&b));
            prop_assert_eq!(x == y, a == b);
            prop_assert_eq!(&*x.as_str(), a.as_str());
            if a == b {
                prop_assert_eq!(x.hash64(), y.hash64());
            }
        }
    }

    /// UUIDs, near-UUIDs (one character off) and short texts.
    fn id_text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<(u64, [u8; 10])>().prop_map(|(ms, random)| Id::v7(ms >> 16, random).to_string()),
            (any::<(u64, [u8; 10])>(), 0..36usize, "[0-9a-gA-F-]").prop_map(
                |((ms, random), at, digit)| {
                    let mut text = Id::v7(ms >> 16, random).to_string();
                    text.replace_range(at..=at, &digit);
                    text
                }
            ),
            "[0-9a-f-]{0,8}",
        ]
    }

    #[test]
    fn later_ids_sort_after_earlier_ones() {
        let a = Id::v7(1_700_000_000_000, [0xff; 10]);
        let b = Id::v7(1_700_000_000_001, [0x00; 10]);
        assert!(a < b);
    }
}
