//! Rabet's domain: pure Rust with no web-sys and no IO.
//!
//! Everything here is deterministic: callers pass in the current time and any randomness,
//! so the same inputs always give the same outputs, natively and in wasm.

// Tests are not in the wasm, so they may sort with the standard sorts (see clippy.toml).
#![cfg_attr(test, allow(clippy::disallowed_methods))]

pub mod automation;
pub mod backup;
pub mod bulk;
pub mod calendar;
pub mod csat;
pub mod csv;
pub mod custom_field;
pub mod dedupe;
pub mod export;
pub mod feed;
mod hex;
pub mod history;
pub mod hlc;
pub mod ics;
pub mod id;
pub mod import;
pub mod input;
pub mod kind;
pub mod locale;
pub mod model;
pub mod money;
pub mod op;
pub mod outbox;
pub mod purchases;
pub mod referrers;
pub mod replica;
pub mod report;
pub mod rfm;
pub mod run;
pub mod sample;
pub mod search;
pub mod service;
pub mod sorting;
pub mod sync;
pub mod text_file;
pub mod time;
pub mod validate;
pub mod vcard;
