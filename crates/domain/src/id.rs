//! Record ids: UUIDv7 strings, so ids made on different devices never collide and sort by
//! creation time (which keeps IndexedDB key order close to insertion order).
//!
//! In memory an id is a 4-byte handle into one table of the process's ids, where a UUID is
//! kept once as its 16 bytes (ids of any other shape, such as tests', the settings
//! singleton's or older data's, as text). A 100k workspace holds about 700k records and
//! four million references between them: most fields that name another record hold one of
//! the same few hundred thousand ids, and an `Option<Id>` field costs 4 bytes instead of
//! the 20 of a UUID kept in place. Equality and hashing compare handles; order, text and
//! serialization are those of the id's text.
//!
//! The table only grows: an id, once seen, is kept until the process ends. So it holds only
//! the ids of records the app has in memory (and of records deleted while it runs). Ops carry
//! [`WireId`]s instead, kept in place: there are about ten ops per record, a server relays
//! every op of every workspace and keeps none in memory, and it must not keep what a client
//! sends before it has checked it.

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;
use std::hash::BuildHasher;
use std::marker::PhantomData;
use std::num::NonZeroU32;
use std::ops::Deref;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// A record id. The caller supplies the time and the randomness, keeping the domain free of IO.
///
/// Each text has exactly one handle (the table is searched before it grows), so equal texts
/// are equal handles, and `Eq` and `Hash` can compare handles.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Id(NonZeroU32);

/// The length of a UUID's text, and where its hyphens are.
const UUID_LEN: usize = 36;
const HYPHENS: [usize; 4] = [8, 13, 18, 23];

/// Handles with this bit set are texts; the others are UUIDs. Below it, a UUID's handle is
/// its place in the table plus one, so that no handle is zero and `Option<Id>` is 4 bytes.
const TEXT_BIT: u32 = 1 << 31;

/// UUIDs are kept in chunks of this many: a table that grew by doubling one vector would,
/// while copying it, hold the old and the new at once.
const CHUNK: usize = 1 << 14;

/// An id as the table keeps it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Form<'a> {
    Uuid([u8; 16]),
    Text(&'a str),
}

impl<'a> Form<'a> {
    /// The one form of `text`: a UUID's bytes when the text is a UUID in canonical form.
    fn of(text: &'a str) -> Self {
        match uuid_bytes(text) {
            Some(bytes) => Form::Uuid(bytes),
            None => Form::Text(text),
        }
    }

    fn as_str(self) -> IdStr<'a> {
        match self {
            Form::Uuid(bytes) => IdStr::Uuid(uuid_text(&bytes)),
            Form::Text(text) => IdStr::Text(text),
        }
    }

    /// The order of the texts. Two UUIDs' bytes order as their texts do (hex digits in ASCII
    /// order, hyphens in the same places), so only mixed forms write text out.
    fn text_order(self, other: Form<'_>) -> Ordering {
        match (self, other) {
            (Form::Uuid(a), Form::Uuid(b)) => a.cmp(&b),
            (Form::Text(a), Form::Text(b)) => a.cmp(b),
            _ => (*self.as_str()).cmp(&*other.as_str()),
        }
    }
}

/// Every id seen, and an index from each to its handle.
struct Table {
    uuids: Vec<Vec<[u8; 16]>>,
    /// Leaked: kept for the life of the process, as everything in the table is, which lets
    /// [`Id::as_str`] lend a text without holding the lock.
    texts: Vec<&'static str>,
    index: HashTable<NonZeroU32>,
}

static TABLE: Mutex<Table> = Mutex::new(Table {
    uuids: Vec::new(),
    texts: Vec::new(),
    index: HashTable::new(),
});

/// The table. It is never left half-changed (nothing in it panics between changes), so a
/// panic elsewhere while it was held leaves it usable.
fn table() -> MutexGuard<'static, Table> {
    TABLE.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Table {
    fn form(&self, handle: NonZeroU32) -> Form<'static> {
        form_in(&self.uuids, &self.texts, handle)
    }

    /// The handle of `form` if the table holds it, and the hash it is indexed by.
    fn find(&self, form: Form<'_>) -> (Option<NonZeroU32>, u64) {
        let hash = FxBuildHasher.hash_one(form);
        let known = self.index.find(hash, |&handle| self.form(handle) == form);
        (known.copied(), hash)
    }

    /// The handle of `form`, added to the table if it is new.
    fn handle(&mut self, form: Form<'_>) -> NonZeroU32 {
        let (known, hash) = self.find(form);
        if let Some(handle) = known {
            return handle;
        }
        let handle = match form {
            Form::Uuid(bytes) => {
                match self.uuids.last_mut() {
                    Some(chunk) if chunk.len() < CHUNK => chunk.push(bytes),
                    _ => {
                        let mut chunk = Vec::with_capacity(CHUNK);
                        chunk.push(bytes);
                        self.uuids.push(chunk);
                    }
                }
                let full_chunks = self.uuids.len() - 1;
                (full_chunks * CHUNK + self.uuids[full_chunks].len()) as u32
            }
            Form::Text(text) => {
                self.texts.push(Box::leak(text.into()));
                (self.texts.len() - 1) as u32 | TEXT_BIT
            }
        };
        let handle = NonZeroU32::new(handle).expect("a UUID's handle is its place plus one");
        self.index.insert_unique(hash, handle, |&handle| {
            FxBuildHasher.hash_one(form_in(&self.uuids, &self.texts, handle))
        });
        handle
    }
}

fn form_in(uuids: &[Vec<[u8; 16]>], texts: &[&'static str], handle: NonZeroU32) -> Form<'static> {
    let handle = handle.get();
    if handle & TEXT_BIT != 0 {
        Form::Text(texts[(handle & !TEXT_BIT) as usize])
    } else {
        let at = handle as usize - 1;
        Form::Uuid(uuids[at / CHUNK][at % CHUNK])
    }
}

impl Id {
    /// Builds a UUIDv7 (RFC 9562) from milliseconds since the Unix epoch and 10 random bytes.
    pub fn v7(unix_ms: u64, random: [u8; 10]) -> Self {
        Id(table().handle(Form::Uuid(uuid_v7(unix_ms, random))))
    }

    /// A UUID (version 8) that is a function of `parts` alone: devices that make the same
    /// record independently (an automation rule's task for one trigger) give it one id, so
    /// their copies merge into one record. See [`WireId::derived`] for the same id unheld.
    pub fn derived(parts: &[&str]) -> Self {
        Id(table().handle(Form::Uuid(derived_uuid(parts))))
    }

    /// The id of a record about to be held: a decoded or new record's, or a fixed id the
    /// app defines. It enters the table for good, so text from outside (a URL, a form's
    /// value, local storage) goes through [`Id::find`] instead.
    pub fn from_string(s: impl AsRef<str>) -> Self {
        Id::from_form(Form::of(s.as_ref()))
    }

    /// The id whose text is `text` if the table holds it, adding nothing: for ids from
    /// outside. Every record held has its id in the table, so `None` means that `text` names
    /// no record held.
    pub fn find(text: &str) -> Option<Id> {
        table().find(Form::of(text)).0.map(Id)
    }

    /// How many ids the table holds, to check that something leaves it alone.
    pub fn table_len() -> usize {
        let table = table();
        table.texts.len() + table.uuids.iter().map(Vec::len).sum::<usize>()
    }

    fn form(&self) -> Form<'static> {
        table().form(self.0)
    }

    /// The id's text. A UUID's is written out on the stack, so this allocates nothing.
    pub fn as_str(&self) -> IdStr<'static> {
        self.form().as_str()
    }

    /// A fast hash of the id (FxHash), for indexes that keep hashes instead of copies of ids.
    /// Not for anything an attacker could choose ids against.
    pub fn hash64(&self) -> u64 {
        FxBuildHasher.hash_one(self)
    }
}

#[cfg(test)]
impl Id {
    /// The text of an id kept as text (tests' short ids).
    pub(crate) fn text(&self) -> &'static str {
        match self.form() {
            Form::Text(text) => text,
            Form::Uuid(_) => panic!("{self:?} is a UUID; use as_str"),
        }
    }

    fn is_uuid(&self) -> bool {
        matches!(self.form(), Form::Uuid(_))
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

/// Builds a UUIDv7 (RFC 9562) from milliseconds since the Unix epoch and 10 random bytes.
/// 128-bit FNV-1a over the parts, each ended by a byte no UTF-8 text holds (so `["ab", "c"]`
/// and `["a", "bc"]` differ), as a version 8 (custom) UUID.
fn derived_uuid(parts: &[&str]) -> [u8; 16] {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let hash = parts
        .iter()
        .flat_map(|part| part.bytes().chain([0xff]))
        .fold(OFFSET, |hash, byte| {
            (hash ^ u128::from(byte)).wrapping_mul(PRIME)
        });
    let mut b = hash.to_be_bytes();
    b[6] = 0x80 | (b[6] & 0x0f); // version 8: custom
    b[8] = 0x80 | (b[8] & 0x3f); // RFC 4122 variant
    b
}

fn uuid_v7(unix_ms: u64, random: [u8; 10]) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[..6].copy_from_slice(&unix_ms.to_be_bytes()[2..]);
    b[6..].copy_from_slice(&random);
    b[6] = 0x70 | (b[6] & 0x0f); // version 7
    b[8] = 0x80 | (b[8] & 0x3f); // RFC 4122 variant
    b
}

/// What both kinds of id do as their texts: order (given `Ord`), print and (de)serialize.
macro_rules! text_like {
    ($id:ident) => {
        impl PartialOrd for $id {
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }

        impl fmt::Display for $id {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.as_str())
            }
        }

        impl fmt::Debug for $id {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($id), &*self.as_str())
            }
        }

        impl Serialize for $id {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $id {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str(IdVisitor(PhantomData))
            }
        }
    };
}

/// Ids order as their texts.
impl Ord for Id {
    fn cmp(&self, other: &Self) -> Ordering {
        if self == other {
            return Ordering::Equal;
        }
        let (a, b) = {
            let table = table();
            (table.form(self.0), table.form(other.0))
        };
        a.text_order(b)
    }
}

text_like!(Id);

/// An id as ops carry it, in outboxes and on the wire: the same text as an [`Id`], kept in
/// place (a UUID as its 16 bytes) instead of in the table, so that it is freed with its op.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct WireId(Owned);

/// [`Form`], owning its text.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Owned {
    Uuid([u8; 16]),
    Text(Box<str>),
}

impl WireId {
    /// A UUIDv7, as [`Id::v7`] makes, for an op of one's own.
    pub fn v7(unix_ms: u64, random: [u8; 10]) -> Self {
        WireId(Owned::Uuid(uuid_v7(unix_ms, random)))
    }

    /// Wraps an id that came from storage.
    pub fn from_string(s: impl AsRef<str>) -> Self {
        WireId::from_form(Form::of(s.as_ref()))
    }

    fn form(&self) -> Form<'_> {
        match &self.0 {
            Owned::Uuid(bytes) => Form::Uuid(*bytes),
            Owned::Text(text) => Form::Text(text),
        }
    }

    /// The id's text, as [`Id::as_str`].
    /// [`Id::derived`] as an op's id: not entered in the id table, for asking whether a
    /// record is held (through [`Id::from`] only once it is).
    pub fn derived(parts: &[&str]) -> Self {
        WireId(Owned::Uuid(derived_uuid(parts)))
    }

    pub fn as_str(&self) -> IdStr<'_> {
        self.form().as_str()
    }

    /// Whether the id is a UUID in canonical form (as every id this app makes is).
    pub fn is_uuid(&self) -> bool {
        matches!(self.0, Owned::Uuid(_))
    }

    /// The UUID `n` places after this one, counting in its last 62 bits (RFC 9562's
    /// monotonic random part), its version and variant kept: one write's op ids count up from
    /// a random first one, so that a run of them is stored as the first and each op's place
    /// (see [`crate::run`]). `None` for an id that is not a UUID, or past the last place.
    pub fn counted_on(&self, n: u64) -> Option<WireId> {
        const LOW: u64 = (1 << 62) - 1;
        let Owned::Uuid(bytes) = &self.0 else {
            return None;
        };
        let tail = u64::from_be_bytes(bytes[8..].try_into().expect("eight bytes"));
        let counted = (tail & LOW).checked_add(n).filter(|&low| low <= LOW)?;
        let mut next = *bytes;
        next[8..].copy_from_slice(&((tail & !LOW) | counted).to_be_bytes());
        Some(WireId(Owned::Uuid(next)))
    }
}

impl From<&Id> for WireId {
    fn from(id: &Id) -> Self {
        WireId::from_form(id.form())
    }
}

/// The record an op names, as the app holds it: this keeps the id in the table.
impl From<&WireId> for Id {
    fn from(id: &WireId) -> Self {
        Id::from_form(id.form())
    }
}

impl PartialEq<Id> for WireId {
    fn eq(&self, other: &Id) -> bool {
        self.form() == other.form()
    }
}

impl Ord for WireId {
    fn cmp(&self, other: &Self) -> Ordering {
        self.form().text_order(other.form())
    }
}

text_like!(WireId);

/// The two kinds of id, each made from an id's form.
trait FromForm {
    fn from_form(form: Form<'_>) -> Self;
}

impl FromForm for Id {
    /// The one handle of `form`.
    fn from_form(form: Form<'_>) -> Self {
        Id(table().handle(form))
    }
}

impl FromForm for WireId {
    fn from_form(form: Form<'_>) -> Self {
        WireId(match form {
            Form::Uuid(bytes) => Owned::Uuid(bytes),
            Form::Text(text) => Owned::Text(text.into()),
        })
    }
}

/// Reads either kind of id from its text.
struct IdVisitor<T>(PhantomData<T>);

impl<T: FromForm> serde::de::Visitor<'_> for IdVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an id string")
    }
    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<T, E> {
        Ok(T::from_form(Form::of(text)))
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
        assert!(id.is_uuid());
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
            assert!(!id.is_uuid(), "{text:?}");
            assert_eq!(&*id.as_str(), text);
            let read: Id = serde_json::from_str(&serde_json::to_string(&id).unwrap()).unwrap();
            assert_eq!(read, id);
        }
    }

    #[test]
    fn a_field_naming_a_record_takes_four_bytes() {
        assert_eq!(std::mem::size_of::<Option<Id>>(), 4);
    }

    #[test]
    fn an_ops_ids_stay_out_of_the_table_until_the_app_holds_the_record() {
        // A UUID no other test makes.
        let text = "0badcafe-0001-7a5a-9a5a-5a5a5a5a5a5b";
        let wire: WireId = serde_json::from_str(&format!("\"{text}\"")).unwrap();
        let other = WireId::from_string("not-a-uuid-and-not-in-any-other-test");
        assert_eq!(&*wire.as_str(), text);
        assert_eq!(Id::find(text), None);
        assert_eq!(Id::find(&other.as_str()), None);
        let id = Id::from(&wire);
        assert_eq!(Id::find(text), Some(id.clone()));
        assert!(wire == id);
        assert_eq!(WireId::from(&id), wire);
    }

    #[test]
    fn finding_an_id_from_outside_adds_nothing_to_the_table() {
        let held = Id::v7(0x0189_8f2a_1b3d, [0x5a; 10]);
        assert_eq!(Id::find(&held.as_str()), Some(held.clone()));
        for n in 0..10_000u64 {
            let stranger = WireId::v7(0x0bad_0000_0000 + n, [0xa5; 10]).to_string();
            assert_eq!(Id::find(&stranger), None, "{stranger}");
            assert_eq!(Id::find(&stranger), None, "looking twice finds it no more");
        }
        let text = "a-text-id-no-other-test-makes";
        assert_eq!(Id::find(text), None);
        assert_eq!(Id::find(text), None);
    }

    proptest! {
        /// Whatever their forms and kinds, ids compare, hash and match as their texts do.
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
            let (u, v) = (WireId::from_string(&a), WireId::from_string(&b));
            prop_assert_eq!(u.cmp(&v), a.cmp(&b));
            prop_assert_eq!(u == v, a == b);
            prop_assert_eq!(u == y, a == b);
            prop_assert_eq!(&*u.as_str(), a.as_str());
            let read: WireId = serde_json::from_str(&serde_json::to_string(&u).unwrap()).unwrap();
            prop_assert_eq!(read, u);
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
