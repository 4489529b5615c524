//! The dashboard's choices (range, owner) and what follows from them: the period, the scope
//! every KPI runs on, and the workspace's records as the KPI functions read them.

use crate::{
    i18n::use_locale,
    local_time::{local_day, now_ms, use_calendar, zone, DayText},
    workspace::{use_workspace, Workspace},
};
use leptos::prelude::*;
use rabet_domain::{
    calendar::Calendar,
    id::Id,
    report::dashboard::{
        product_performance, Books, Ledger, Preset, ProductPerformance, Records, Scope,
    },
    time::DayRange,
};

/// The range picker's choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeChoice {
    Preset(Preset),
    /// The days typed in the two custom fields.
    Custom,
}

#[derive(Clone, Copy)]
pub struct DashboardState {
    /// When the page opened (Unix ms): lists are "as of now", and the presets end today.
    pub now: i64,
    /// The workspace calendar: presets, custom fields and chart buckets follow it.
    pub calendar: Signal<Calendar>,
    pub range: RwSignal<RangeChoice>,
    pub custom_from: DayText,
    pub custom_to: DayText,
    /// Only this team member's records; `None` for the whole team.
    pub owner: RwSignal<Option<Id>>,
    /// The period measured; while the custom fields cannot be read, the last one read.
    pub period: Memo<DayRange>,
    /// The period, owner and settings every card and chart runs on.
    pub scope: Memo<Scope>,
    /// The owner and settings for the lists, which are about today whatever the range, so
    /// changing the range leaves them alone.
    pub list_scope: Memo<Scope>,
    /// The orders prepared from the records: rebuilt when the records change, read as they
    /// are when the range or owner does.
    ledger: Memo<Ledger>,
    /// How each product sold in the period: best sellers and slow products both read it.
    pub sold: Memo<Vec<ProductPerformance>>,
}

impl DashboardState {
    pub fn provide() -> DashboardState {
        let workspace = use_workspace();
        let locale = use_locale();
        let calendar = use_calendar();
        let now = now_ms();
        // Today in the workspace's zone, which a change in settings moves.
        let today = Memo::new(move |_| local_day(now));
        let range = RwSignal::new(RangeChoice::Preset(Preset::ThisMonth));
        let initial = Preset::ThisMonth.range(today.get_untracked(), calendar.get_untracked());
        let lang = untrack(|| locale.lang());
        let custom_from = DayText::new(Some(initial.start), calendar.get_untracked(), lang);
        let custom_to = DayText::new(Some(initial.end), calendar.get_untracked(), lang);
        let owner = RwSignal::new(None);
        let period = Memo::new(move |previous: Option<&DayRange>| {
            let calendar = calendar.get();
            match range.get() {
                RangeChoice::Preset(preset) => preset.range(today.get(), calendar),
                RangeChoice::Custom => match (custom_from.day(calendar), custom_to.day(calendar)) {
                    (Ok(Some(from)), Ok(Some(to))) => DayRange::new(from, to),
                    _ => previous.copied().unwrap_or(initial),
                },
            }
        });
        let scope = Memo::new(move |_| {
            workspace
                .settings
                .with(|s| Scope::new(period.get(), owner.get(), s, zone()))
        });
        let list_scope = Memo::new(move |_| {
            let today = DayRange::new(today.get(), today.get());
            workspace
                .settings
                .with(|s| Scope::new(today, owner.get(), s, zone()))
        });
        // A ledger has no cheap equality: every rebuild counts as a change. Its days are the
        // workspace zone's, so a change of zone rebuilds it.
        let ledger = Memo::new_with_compare(
            move |_| with_records(workspace, |records| Ledger::new(records, &zone())),
            |_, _| true,
        );
        let sold = Memo::new(move |_| {
            let scope = scope.get();
            with_books(ledger, workspace, |books| {
                product_performance(books, &scope)
            })
        });
        let state = DashboardState {
            now,
            calendar,
            range,
            custom_from,
            custom_to,
            owner,
            period,
            scope,
            list_scope,
            ledger,
            sold,
        };
        provide_context(state);
        state
    }

    /// Switches to a custom range starting from the period shown now, so the fields begin
    /// with the days the user is looking at.
    pub fn choose_custom(&self) {
        let locale = use_locale();
        let (calendar, lang) = (self.calendar.get_untracked(), untrack(|| locale.lang()));
        let period = self.period.get_untracked();
        self.custom_from.set(period.start, calendar, lang);
        self.custom_to.set(period.end, calendar, lang);
        self.range.set(RangeChoice::Custom);
    }
}

impl DashboardState {
    /// Runs `f` on the records and their ledger (tracking both).
    pub fn with_books<T>(&self, workspace: Workspace, f: impl FnOnce(&Books<'_>) -> T) -> T {
        with_books(self.ledger, workspace, f)
    }
}

fn with_books<T>(ledger: Memo<Ledger>, workspace: Workspace, f: impl FnOnce(&Books<'_>) -> T) -> T {
    ledger.with(|ledger| {
        with_records(workspace, |records| {
            f(&Books {
                records: *records,
                ledger,
            })
        })
    })
}

pub fn use_dashboard() -> DashboardState {
    expect_context::<DashboardState>()
}

/// Runs `f` on every record kind the KPIs read (tracking each collection).
fn with_records<T>(workspace: Workspace, f: impl FnOnce(&Records<'_>) -> T) -> T {
    workspace.contacts.with(|contacts| {
        workspace.pipelines.with(|pipelines| {
            workspace.deals.with(|deals| {
                workspace.invoices.with(|invoices| {
                    workspace.tickets.with(|tickets| {
                        workspace.activities.with(|activities| {
                            workspace.products.with(|products| {
                                workspace.campaigns.with(|campaigns| {
                                    f(&Records {
                                        contacts: contacts.as_slice(),
                                        pipelines: pipelines.as_slice(),
                                        deals: deals.as_slice(),
                                        invoices: invoices.as_slice(),
                                        tickets: tickets.as_slice(),
                                        activities: activities.as_slice(),
                                        products: products.as_slice(),
                                        campaigns: campaigns.as_slice(),
                                    })
                                })
                            })
                        })
                    })
                })
            })
        })
    })
}
