//! Calendar arithmetic: day numbers, Gregorian and Jalali (Solar Hijri) dates.

use serde::{Deserialize, Serialize};

/// A calendar day, counted in days since 1970-01-01 (day 0). Date-only fields (due dates,
/// expected close dates) are stored as `Day` so that no time zone can move them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Day(pub i32);
