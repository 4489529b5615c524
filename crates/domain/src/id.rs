//! Record ids: UUIDv7 strings, so ids made on different devices never collide and sort by
//! creation time (which keeps IndexedDB key order close to insertion order).

use rustc_hash::FxBuildHasher;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::hash::BuildHasher;

/// A record id. The caller supplies the time and the randomness, keeping the domain free of IO.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Id(String);

impl Id {
    /// Builds a UUIDv7 (RFC 9562) from milliseconds since the Unix epoch and 10 random bytes.
    pub fn v7(unix_ms: u64, random: [u8; 10]) -> Self {
        let mut b = [0u8; 16];
        b[..6].copy_from_slice(&unix_ms.to_be_bytes()[2..]);
        b[6..].copy_from_slice(&random);
        b[6] = 0x70 | (b[6] & 0x0f); // version 7
        b[8] = 0x80 | (b[8] & 0x3f); // RFC 4122 variant
        let mut id = String::with_capacity(36);
        for (at, part) in [&b[..4], &b[4..6], &b[6..8], &b[8..10], &b[10..]]
            .into_iter()
            .enumerate()
        {
            if at > 0 {
                id.push('-');
            }
            crate::hex::push_bytes(&mut id, part);
        }
        Id(id)
    }

    /// Wraps an id that came from storage or the wire.
    pub fn from_string(s: impl Into<String>) -> Self {
        Id(s.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A fast hash of the id (FxHash), for indexes that keep hashes instead of copies of ids.
    /// Not for anything an attacker could choose ids against.
    pub fn hash64(&self) -> u64 {
        FxBuildHasher.hash_one(self)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v7_layout_is_rfc_9562() {
        let id = Id::v7(0x0189_8f2a_1b3c, [0xff; 10]);
        assert_eq!(id.as_str(), "01898f2a-1b3c-7fff-bfff-ffffffffffff");
    }

    #[test]
    fn later_ids_sort_after_earlier_ones() {
        let a = Id::v7(1_700_000_000_000, [0xff; 10]);
        let b = Id::v7(1_700_000_000_001, [0x00; 10]);
        assert!(a < b);
    }
}
