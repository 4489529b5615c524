//! Hybrid logical clocks (Kulkarni et al., "Logical Physical Clocks", 2014).
//!
//! A stamp is wall-clock milliseconds plus a counter that orders events within the same
//! millisecond, or while the wall clock stands still or goes backwards, plus the node that
//! issued it. Stamps issued by one clock strictly increase, and a clock that has observed a
//! stamp only issues later ones, so causality is respected without trusting wall clocks.

use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// Number of hex digits in a node id.
const NODE_ID_LEN: usize = 16;
const WALL_HEX_LEN: usize = 16;
const COUNTER_HEX_LEN: usize = 8;
const SORT_KEY_SEPARATOR: char = '-';
/// Length of [`Stamp::to_sort_key`]: wall, counter and node in hex, joined by separators.
pub const SORT_KEY_LEN: usize = WALL_HEX_LEN + 1 + COUNTER_HEX_LEN + 1 + NODE_ID_LEN;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HlcError {
    #[error("node id must be {NODE_ID_LEN} lowercase hex digits, got {0:?}")]
    InvalidNodeId(String),
    #[error("stamp sort key must be {SORT_KEY_LEN} characters of the form <wall>-<counter>-<node> in lowercase hex, got {0:?}")]
    InvalidSortKey(String),
}

/// The id of one replica (a device or browser profile): exactly 16 lowercase hex digits.
///
/// The app makes one from 8 random bytes when it first runs and keeps it. The fixed width keeps
/// [`Stamp::to_sort_key`] fixed-width, and lets the id be held in place: every stamp holds
/// one, and an import copies a stamp several times per op. On the wire it is a plain string;
/// deserializing rejects anything that is not a valid node id.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NodeId([u8; NODE_ID_LEN]);

impl NodeId {
    /// Makes a node id from random bytes supplied by the caller.
    pub fn from_random(bytes: [u8; 8]) -> Self {
        let mut id = String::with_capacity(NODE_ID_LEN);
        crate::hex::push_bytes(&mut id, &bytes);
        NodeId(
            id.into_bytes()
                .try_into()
                .expect("eight bytes are sixteen hex digits"),
        )
    }

    /// Accepts a node id that came from storage or the wire.
    pub fn parse(s: &str) -> Result<Self, HlcError> {
        match s.as_bytes().try_into() {
            Ok(digits) if is_lower_hex(s, NODE_ID_LEN) => Ok(NodeId(digits)),
            _ => Err(HlcError::InvalidNodeId(s.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("a node id is ASCII hex digits")
    }
}

impl TryFrom<String> for NodeId {
    type Error = HlcError;

    fn try_from(s: String) -> Result<Self, HlcError> {
        NodeId::parse(&s)
    }
}

impl From<NodeId> for String {
    fn from(node: NodeId) -> String {
        node.as_str().to_owned()
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// A point in hybrid logical time.
///
/// Stamps are totally ordered by `(wall_ms, counter, node)`; the node breaks ties between
/// replicas deterministically. Serialized as its sort key (a string), which is compact, keeps
/// `wall_ms` exact in JavaScript (it may exceed 2^53 after a bad remote clock) and can be
/// indexed by storage as is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct Stamp {
    /// Milliseconds since the Unix epoch, as far as the issuing clock knew.
    pub wall_ms: u64,
    /// Orders stamps that share `wall_ms`.
    pub counter: u32,
    pub node: NodeId,
}

impl Stamp {
    /// The smallest stamp of `node`; never issued by a clock, it is where a new clock starts.
    pub fn zero(node: NodeId) -> Self {
        Stamp {
            wall_ms: 0,
            counter: 0,
            node,
        }
    }

    /// A fixed-width string ([`SORT_KEY_LEN`] characters) whose byte order equals stamp order.
    pub fn to_sort_key(&self) -> String {
        let mut key = String::with_capacity(SORT_KEY_LEN);
        crate::hex::push_number(&mut key, self.wall_ms, WALL_HEX_LEN);
        key.push(SORT_KEY_SEPARATOR);
        crate::hex::push_number(&mut key, u64::from(self.counter), COUNTER_HEX_LEN);
        key.push(SORT_KEY_SEPARATOR);
        key.push_str(self.node.as_str());
        key
    }

    /// Parses exactly what [`Stamp::to_sort_key`] produces, so every stamp has one key.
    pub fn from_sort_key(key: &str) -> Result<Self, HlcError> {
        let invalid = || HlcError::InvalidSortKey(key.to_owned());
        let mut parts = key.split(SORT_KEY_SEPARATOR);
        let (Some(wall), Some(counter), Some(node), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };
        if !is_lower_hex(wall, WALL_HEX_LEN) || !is_lower_hex(counter, COUNTER_HEX_LEN) {
            return Err(invalid());
        }
        Ok(Stamp {
            wall_ms: u64::from_str_radix(wall, 16).map_err(|_| invalid())?,
            counter: u32::from_str_radix(counter, 16).map_err(|_| invalid())?,
            node: NodeId::parse(node).map_err(|_| invalid())?,
        })
    }

    /// The stamp `n` counts after this one at the same wall time and node, as a clock issues
    /// one write's stamps; `None` past the counter's last value.
    pub fn counted_on(&self, n: u32) -> Option<Stamp> {
        Some(Stamp {
            wall_ms: self.wall_ms,
            counter: self.counter.checked_add(n)?,
            node: self.node,
        })
    }

    /// The smallest `(wall_ms, counter)` after this one: the counter overflows into the wall
    /// time rather than wrapping. Saturates at the maximum, which validated input cannot reach
    /// (see `op::MAX_WALL_MS`).
    fn successor(&self, node: &NodeId) -> Stamp {
        let (wall_ms, counter) = match self.counter.checked_add(1) {
            Some(counter) => (self.wall_ms, counter),
            None if self.wall_ms < u64::MAX => (self.wall_ms + 1, 0),
            None => (self.wall_ms, self.counter),
        };
        Stamp {
            wall_ms,
            counter,
            node: *node,
        }
    }
}

impl TryFrom<String> for Stamp {
    type Error = HlcError;

    fn try_from(key: String) -> Result<Self, HlcError> {
        Stamp::from_sort_key(&key)
    }
}

impl From<Stamp> for String {
    fn from(stamp: Stamp) -> String {
        stamp.to_sort_key()
    }
}

/// As its sort key, written from the stamp in place (`into = "String"` would clone it first:
/// an import serializes one stamp per op).
impl Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_sort_key())
    }
}

/// One replica's hybrid logical clock.
///
/// Invariant: every stamp [`Clock::tick`] returns is strictly greater than every stamp this
/// clock issued or observed before, whatever the wall clock does. Saved with serde so the
/// invariant survives restarts.
///
/// Remote stamps far in the future are accepted, not rejected: rejecting an op because of the
/// local wall clock would make replicas disagree about which ops exist, breaking convergence.
/// Instead the clock adopts the remote wall time and counts on from it; its stamps run ahead
/// of real time until real time catches up, which only delays, never breaks, last-writer-wins.
/// The one hard bound is deterministic and applied at the wire: `op::MAX_WALL_MS`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    node: NodeId,
    last: Stamp,
}

impl Clock {
    pub fn new(node: NodeId) -> Self {
        Clock {
            last: Stamp::zero(node),
            node,
        }
    }

    pub fn node(&self) -> &NodeId {
        &self.node
    }

    /// The latest stamp issued or merged into this clock.
    pub fn last(&self) -> &Stamp {
        &self.last
    }

    /// Issues a stamp for a local event at wall time `wall_ms`.
    pub fn tick(&mut self, wall_ms: u64) -> Stamp {
        self.last = if wall_ms > self.last.wall_ms {
            Stamp {
                wall_ms,
                counter: 0,
                node: self.node,
            }
        } else {
            self.last.successor(&self.node)
        };
        self.last.clone()
    }

    /// Merges a stamp received from another replica, as the HLC receive rule: the new time is
    /// the latest of local, remote and wall time, and its counter goes past any counter
    /// already used at that wall time. Afterwards every tick is greater than `remote`.
    pub fn observe(&mut self, remote: &Stamp, wall_ms: u64) {
        let wall_is_latest = wall_ms > self.last.wall_ms && wall_ms > remote.wall_ms;
        self.last = if wall_is_latest {
            Stamp {
                wall_ms,
                counter: 0,
                node: self.node,
            }
        } else {
            // Only wall time and counter matter here: the successor of the larger pair beats
            // both stamps whatever their nodes.
            let latest =
                if (remote.wall_ms, remote.counter) > (self.last.wall_ms, self.last.counter) {
                    remote
                } else {
                    &self.last
                };
            latest.successor(&self.node)
        };
    }
}

fn is_lower_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn node(byte: u8) -> NodeId {
        NodeId::from_random([byte; 8])
    }

    fn stamp(wall_ms: u64, counter: u32, node_byte: u8) -> Stamp {
        Stamp {
            wall_ms,
            counter,
            node: node(node_byte),
        }
    }

    fn any_stamp() -> impl Strategy<Value = Stamp> {
        (any::<u64>(), any::<u32>(), any::<[u8; 8]>()).prop_map(|(wall_ms, counter, bytes)| Stamp {
            wall_ms,
            counter,
            node: NodeId::from_random(bytes),
        })
    }

    #[derive(Debug, Clone)]
    enum ClockEvent {
        Tick { wall_ms: u64 },
        Observe { remote: Stamp, wall_ms: u64 },
    }

    fn clock_event() -> impl Strategy<Value = ClockEvent> {
        // Small wall times make ties and backwards clocks common; the counter range reaches
        // the overflow into the wall time.
        let wall = 0u64..40;
        prop_oneof![
            wall.clone()
                .prop_map(|wall_ms| ClockEvent::Tick { wall_ms }),
            (
                wall.clone(),
                prop_oneof![0u32..4, (u32::MAX - 2)..=u32::MAX],
                any::<u8>(),
                wall
            )
                .prop_map(|(remote_wall, counter, node_byte, wall_ms)| {
                    ClockEvent::Observe {
                        remote: stamp(remote_wall, counter, node_byte),
                        wall_ms,
                    }
                }),
        ]
    }

    #[test]
    fn node_ids_are_sixteen_lower_hex_digits() {
        assert_eq!(
            NodeId::from_random([0xab, 0, 1, 2, 3, 4, 5, 0xff]).as_str(),
            "ab000102030405ff"
        );
        assert!(NodeId::parse("0123456789abcdef").is_ok());
        for bad in [
            "",
            "0123456789ABCDEF",
            "0123456789abcde",
            "0123456789abcdef0",
            "g123456789abcdef",
        ] {
            assert_eq!(
                NodeId::parse(bad),
                Err(HlcError::InvalidNodeId(bad.to_owned()))
            );
        }
        assert!(serde_json::from_str::<NodeId>("\"not-a-node\"").is_err());
    }

    #[test]
    fn ties_on_wall_time_and_counter_are_broken_by_node() {
        assert!(stamp(5, 0, 1) < stamp(5, 0, 2));
        assert!(stamp(5, 1, 1) > stamp(5, 0, 2));
        assert!(stamp(6, 0, 1) > stamp(5, 9, 2));
    }

    #[test]
    fn stamp_serializes_as_its_sort_key() {
        let s = stamp(1_700_000_000_000, 7, 0xa1);
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, "\"0000018bcfe56800-00000007-a1a1a1a1a1a1a1a1\"");
        assert_eq!(serde_json::from_str::<Stamp>(&json).unwrap(), s);
    }

    #[test]
    fn malformed_sort_keys_are_rejected() {
        let good = stamp(0xabc, 0xde, 0xff).to_sort_key();
        assert_eq!(good.len(), SORT_KEY_LEN);
        let bad = [
            String::new(),
            good.to_uppercase(),
            good.replacen('-', "+", 1),
            format!("{good}-00"),
            good.replacen("0000000000000abc", "+000000000000abc", 1),
            good[1..].to_owned(),
        ];
        for key in bad {
            assert_eq!(
                Stamp::from_sort_key(&key),
                Err(HlcError::InvalidSortKey(key.clone()))
            );
        }
    }

    #[test]
    fn tick_keeps_increasing_when_the_wall_clock_goes_back() {
        let mut clock = Clock::new(node(1));
        let a = clock.tick(100);
        let b = clock.tick(50);
        let c = clock.tick(100);
        assert_eq!(a, stamp(100, 0, 1));
        assert_eq!(b, stamp(100, 1, 1));
        assert_eq!(c, stamp(100, 2, 1));
        assert_eq!(clock.tick(101), stamp(101, 0, 1));
    }

    #[test]
    fn observing_a_future_stamp_carries_the_clock_forward() {
        let mut clock = Clock::new(node(1));
        clock.observe(&stamp(1_000, 4, 2), 10);
        assert_eq!(clock.tick(10), stamp(1_000, 6, 1));
        // Once real time passes the remote wall time, the counter restarts.
        assert_eq!(clock.tick(1_001), stamp(1_001, 0, 1));
    }

    #[test]
    fn a_full_counter_overflows_into_the_wall_time() {
        let mut clock = Clock::new(node(1));
        clock.observe(&stamp(10, u32::MAX, 2), 0);
        assert_eq!(clock.tick(0), stamp(11, 1, 1));
    }

    #[test]
    fn clock_survives_a_save_and_load() {
        let mut clock = Clock::new(node(1));
        clock.tick(42);
        let saved = serde_json::to_string(&clock).unwrap();
        let mut loaded: Clock = serde_json::from_str(&saved).unwrap();
        assert_eq!(loaded, clock);
        assert!(loaded.tick(0) > stamp(42, 0, 1));
    }

    proptest! {
        #[test]
        fn sort_key_round_trips_and_sorts_like_the_stamp(a in any_stamp(), b in any_stamp()) {
            prop_assert_eq!(Stamp::from_sort_key(&a.to_sort_key()), Ok(a.clone()));
            prop_assert_eq!(a.to_sort_key().len(), SORT_KEY_LEN);
            prop_assert_eq!(a.to_sort_key().cmp(&b.to_sort_key()), a.cmp(&b));
        }

        /// Law: ticks strictly increase, and after observing a remote stamp the next tick is
        /// greater than it, whatever the wall clock does.
        #[test]
        fn ticks_exceed_everything_issued_or_observed(
            events in prop::collection::vec(clock_event(), 1..60)
        ) {
            let mut clock = Clock::new(node(0));
            let mut latest_seen: Option<Stamp> = None;
            for event in events {
                match event {
                    ClockEvent::Tick { wall_ms } => {
                        let issued = clock.tick(wall_ms);
                        if let Some(seen) = &latest_seen {
                            prop_assert!(&issued > seen, "{issued:?} after {seen:?}");
                        }
                        latest_seen = Some(issued);
                    }
                    ClockEvent::Observe { remote, wall_ms } => {
                        clock.observe(&remote, wall_ms);
                        latest_seen = latest_seen.max(Some(remote));
                    }
                }
            }
        }
    }
}
