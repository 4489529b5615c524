//! Workspace-wide settings.

use super::DEFAULT_CURRENCY;
use crate::calendar::Calendar;
use crate::id::Id;
use crate::kind::EntityKind;
use crate::money::Currency;

entity! {
    /// Settings shared by the whole workspace. There is one record, with the fixed id
    /// [`Settings::ID`], so that devices which create it offline merge into the same record.
    pub struct Settings(id = Id::from_string(Settings::ID)) {
        pub workspace_name: String,
        /// The currency of new deals, products and invoices, and of KPI totals.
        pub currency: Currency = DEFAULT_CURRENCY,
        /// `None` follows the language (`Lang::default_calendar`): Jalali in Persian.
        pub calendar: Option<Calendar>,
        /// The workspace's time zone, an IANA name ("Asia/Tehran"): reports, "today",
        /// overdue, reminders and calendar exports count days in it. `None` follows each
        /// device's own zone. The app turns the name into a [`crate::time::Zone`].
        pub time_zone: Option<String>,
        /// Open deals with no activity for this many days are marked stale.
        pub stale_deal_days: u32 = 14,
        /// Customers with no purchase for this many days count as dormant (inactive).
        pub dormant_days: u32 = 90,
        /// The reasons offered when a deal is lost, in the workspace's language.
        #[serde(deserialize_with = "crate::model::exact_len")]
        pub lost_reasons: Vec<String>,
        pub default_pipeline_id: Option<Id>,
        /// Whether a device whose access an admin revoked may download a backup of what it
        /// holds before it clears the workspace (admins decide; off unless they allow it).
        pub revoked_may_backup: bool,
    }
}

impl Settings {
    /// The id of the one settings record.
    pub const ID: &'static str = "settings";
}
