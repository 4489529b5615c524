//! The forecast strip: the weighted value of the board's deals by month of expected close, for
//! the next six months of the workspace calendar, with overdue and undated deals beside them.

use super::state::use_page;
use crate::{
    i18n::{use_locale, Msg},
    local_time::{local_day, use_calendar},
    ui::format::{deal_count_text, totals_text},
    workspace::use_workspace,
};
use leptos::prelude::*;
use rabet_domain::{
    calendar::month_of,
    report::board::{forecast, ForecastBucket},
};

const MONTHS: u32 = 6;

/// One cell of the strip.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Cell {
    label: String,
    bucket: ForecastBucket,
    overdue: bool,
}

#[component]
pub fn ForecastStrip() -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let page = use_page();
    let cells = Memo::new(move |_| {
        let Some(pipeline) = page.pipeline.get() else {
            return Vec::new();
        };
        let (calendar, lang) = (use_calendar().get(), locale.lang());
        let (year, month) = month_of(local_day(page.now), calendar);
        let result = page.board.with(|board| {
            page.pending.with(|pending| {
                workspace.deals.with(|deals| {
                    let on_board = board
                        .columns
                        .iter()
                        .flat_map(|column| &column.deals)
                        .filter_map(|id| pending.get(id).or_else(|| deals.get(id)));
                    forecast([&pipeline], on_board, calendar, year, month, MONTHS)
                })
            })
        });
        let names = calendar.month_names(lang);
        let named = |msg: Msg, bucket: ForecastBucket, overdue: bool| {
            (bucket.count > 0).then(|| Cell {
                label: locale.t(msg).to_owned(),
                bucket,
                overdue,
            })
        };
        let months = result.months.into_iter().map(|month| Cell {
            label: lang.localize_digits(&format!(
                "{} {}",
                names[month.month as usize - 1],
                month.year
            )),
            bucket: month.deals,
            overdue: false,
        });
        named(Msg::ForecastOverdue, result.earlier, true)
            .into_iter()
            .chain(months)
            .chain(named(Msg::ForecastLater, result.later, false))
            .chain(named(Msg::ForecastUndated, result.undated, false))
            .collect::<Vec<_>>()
    });
    // Bars compare the workspace currency only: amounts in different currencies do not add.
    let largest = Memo::new(move |_| {
        let currency = workspace.settings.with(|s| s.currency);
        cells.with(|cells| {
            cells
                .iter()
                .map(|c| c.bucket.weighted.get(currency))
                .max()
                .unwrap_or(0)
        })
    });
    let bar = move |cell: &Cell| {
        let currency = workspace.settings.with(|s| s.currency);
        let share = cell.bucket.weighted.get(currency) as f64 / largest.get().max(1) as f64;
        format!("{:.1}%", share * 100.0)
    };
    view! {
        <section class="forecast" aria-labelledby="forecast-title">
            <h2 id="forecast-title">{move || locale.t(Msg::ForecastTitle)}</h2>
            // It scrolls sideways on a phone: focusable, so arrow keys scroll it.
            <ol class="forecast-cells" tabindex="0" aria-labelledby="forecast-title">
                {move || cells.get().into_iter().map(|cell| {
                    let size = bar(&cell);
                    view! {
                        <li class="forecast-cell" class:overdue=cell.overdue>
                            <span class="forecast-label">{cell.label.clone()}</span>
                            <span class="forecast-value">{totals_text(&cell.bucket.weighted)}</span>
                            <span class="forecast-count">{deal_count_text(cell.bucket.count)}</span>
                            <span class="forecast-bar" aria-hidden="true" style:inline-size=size></span>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}
