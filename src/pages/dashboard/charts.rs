//! The dashboard's charts, from the domain's series (`rabet_domain::report::dashboard::series`): revenue
//! over time, the funnel by stage, leads and revenue by source, the forecast by month and
//! CSAT over time. Each is a memo over the scope, so it is recomputed only when the range,
//! the owner or the records change.

use super::{
    chart::{Chart, ChartData, ChartKind, Series},
    figures::major_units,
    state::use_dashboard,
};
use crate::{
    i18n::{source_msg, use_locale, Locale, Msg},
    records::pipeline::DEFAULT_PIPELINE_ID,
    ui::format::totals_text,
    workspace::use_workspace,
};
use leptos::prelude::*;
use rabet_domain::{
    calendar::{first_day_of_month, format_day, month_of, Calendar, Day},
    id::Id,
    locale::{format_percent, Lang},
    money::{Currency, MoneyTotals},
    report::board::ForecastBucket,
    report::dashboard::{
        series::{
            by_source, csat_over_time, forecast_by_month, funnel, revenue_over_time, Granularity,
        },
        Ratio,
    },
    time::DayRange,
};

/// A bucket's short label under the axis: the day of the month, the week's first day, or the
/// month's name.
pub fn bucket_label(
    bucket: DayRange,
    granularity: Granularity,
    calendar: Calendar,
    lang: Lang,
) -> String {
    let (year, month) = month_of(bucket.start, calendar);
    match granularity {
        Granularity::Day => {
            let day_of_month = bucket.start.0 - first_day_of_month(year, month, calendar).0 + 1;
            lang.localize_digits(&day_of_month.to_string())
        }
        Granularity::Week => {
            let day_of_month = bucket.start.0 - first_day_of_month(year, month, calendar).0 + 1;
            lang.localize_digits(&format!("{month}/{day_of_month}"))
        }
        Granularity::Month => calendar.month_names(lang)[month as usize - 1].to_owned(),
    }
}

/// The categories of a chart over time: each bucket's short label and its period in words.
fn time_categories(
    buckets: impl Iterator<Item = DayRange> + Clone,
    granularity: Granularity,
    calendar: Calendar,
    lang: Lang,
) -> (Vec<String>, Vec<String>) {
    let labels = buckets
        .clone()
        .map(|bucket| bucket_label(bucket, granularity, calendar, lang))
        .collect();
    let texts = buckets
        .map(|bucket| period_text(bucket, calendar, lang))
        .collect();
    (labels, texts)
}

/// A period in full: "1403/07/01 – 1403/07/07", or one day.
pub fn period_text(period: DayRange, calendar: Calendar, lang: Lang) -> String {
    let day = |day: Day| format_day(day, calendar, lang);
    if period.start == period.end {
        day(period.start)
    } else {
        format!("{} – {}", day(period.start), day(period.end))
    }
}

/// Money totals as a chart value (the workspace currency) and as the table's text.
fn money_point(totals: &MoneyTotals, currency: Currency) -> (Option<f64>, String) {
    (
        Some(major_units(totals.get(currency), currency)),
        totals_text(totals),
    )
}

fn series(name: Msg, locale: Locale, points: Vec<(Option<f64>, String)>) -> Series {
    let (values, texts) = points.into_iter().unzip();
    Series {
        name: locale.t(name).to_owned(),
        values,
        texts,
    }
}

fn share_text(ratio: Option<Ratio>, lang: Lang) -> String {
    ratio.map_or_else(String::new, |r| format_percent(r.value(), lang))
}

#[component]
pub fn Charts() -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let state = use_dashboard();
    let currency = Memo::new(move |_| workspace.settings.with(|s| s.currency));

    let revenue = Memo::new(move |_| {
        let (scope, calendar, lang) = (state.scope.get(), state.calendar.get(), locale.lang());
        let granularity = Granularity::for_period(scope.period);
        let points = state.with_books(workspace, |books| {
            revenue_over_time(books, &scope, granularity, calendar)
        });
        let (categories, category_texts) =
            time_categories(points.iter().map(|p| p.bucket), granularity, calendar, lang);
        ChartData {
            categories,
            category_texts,
            series: vec![series(
                Msg::ChartRevenue,
                locale,
                points
                    .iter()
                    .map(|p| money_point(&p.revenue, currency.get()))
                    .collect(),
            )],
        }
    });

    let funnel_data = Memo::new(move |_| {
        let scope = state.scope.get();
        let lang = locale.lang();
        let preferred = workspace.settings.with(|s| s.default_pipeline_id.clone());
        state.with_books(workspace, |books| {
            let records = &books.records;
            let pipeline = preferred
                .iter()
                .chain([&Id::from_string(DEFAULT_PIPELINE_ID)])
                .find_map(|id| records.pipelines.iter().find(|p| &p.id == id))
                .or_else(|| records.pipelines.first());
            let Some(pipeline) = pipeline else {
                return ChartData::default();
            };
            let result = funnel(records, &scope, pipeline);
            let stage_name = |id: &Id| {
                pipeline
                    .stages
                    .iter()
                    .find(|s| &s.id == id)
                    .map(|s| locale.given_name(&s.name))
                    .unwrap_or_default()
            };
            let names: Vec<String> = result
                .steps
                .iter()
                .map(|s| stage_name(&s.stage_id))
                .collect();
            ChartData {
                categories: names.clone(),
                category_texts: names,
                series: vec![series(
                    Msg::ChartDealsReached,
                    locale,
                    result
                        .steps
                        .iter()
                        .map(|step| {
                            let count = locale.number(step.reached as usize);
                            let share = share_text(step.conversion, lang);
                            (Some(f64::from(step.reached)), format!("{count} · {share}"))
                        })
                        .collect(),
                )],
            }
        })
    });

    let sources = Memo::new(move |_| {
        let scope = state.scope.get();
        state.with_books(workspace, |books| by_source(books, &scope))
    });
    let source_names = move || {
        sources.with(|rows| {
            rows.iter()
                .map(|row| {
                    locale
                        .t(row.source.map_or(Msg::Unknown, source_msg))
                        .to_owned()
                })
                .collect::<Vec<_>>()
        })
    };
    let leads = Memo::new(move |_| {
        let names = source_names();
        sources.with(|rows| {
            let count = |n: u32| (Some(f64::from(n)), locale.number(n as usize));
            ChartData {
                categories: names.clone(),
                category_texts: names,
                series: vec![
                    series(
                        Msg::ChartLeads,
                        locale,
                        rows.iter().map(|r| count(r.leads)).collect(),
                    ),
                    series(
                        Msg::ChartNewCustomers,
                        locale,
                        rows.iter().map(|r| count(r.customers)).collect(),
                    ),
                ],
            }
        })
    });
    let source_revenue = Memo::new(move |_| {
        let names = source_names();
        sources.with(|rows| ChartData {
            categories: names.clone(),
            category_texts: names,
            series: vec![series(
                Msg::ChartRevenue,
                locale,
                rows.iter()
                    .map(|r| money_point(&r.revenue, currency.get()))
                    .collect(),
            )],
        })
    });

    let forecast = Memo::new(move |_| {
        let (scope, calendar, lang) = (state.scope.get(), state.calendar.get(), locale.lang());
        let result = state.with_books(workspace, |books| {
            forecast_by_month(&books.records, &scope, calendar)
        });
        let names = calendar.month_names(lang);
        let months = result.months.into_iter().map(|month| {
            let short = names[month.month as usize - 1].to_owned();
            let full = lang.localize_digits(&format!("{short} {}", month.year));
            (short, full, month.deals)
        });
        let side = |msg: Msg, bucket: ForecastBucket| {
            (bucket.count > 0).then(|| (locale.t(msg).to_owned(), locale.t(msg).to_owned(), bucket))
        };
        let cells: Vec<_> = side(Msg::ForecastOverdue, result.earlier)
            .into_iter()
            .chain(months)
            .chain(side(Msg::ForecastLater, result.later))
            .chain(side(Msg::ForecastUndated, result.undated))
            .collect();
        ChartData {
            categories: cells.iter().map(|(short, _, _)| short.clone()).collect(),
            category_texts: cells.iter().map(|(_, full, _)| full.clone()).collect(),
            series: vec![series(
                Msg::ChartWeighted,
                locale,
                cells
                    .iter()
                    .map(|(_, _, bucket)| money_point(&bucket.weighted, currency.get()))
                    .collect(),
            )],
        }
    });

    let csat = Memo::new(move |_| {
        let (scope, calendar, lang) = (state.scope.get(), state.calendar.get(), locale.lang());
        let granularity = Granularity::for_period(scope.period);
        let points = state.with_books(workspace, |books| {
            csat_over_time(&books.records, &scope, granularity, calendar)
        });
        let (categories, category_texts) =
            time_categories(points.iter().map(|p| p.bucket), granularity, calendar, lang);
        ChartData {
            categories,
            category_texts,
            series: vec![series(
                Msg::ChartSatisfied,
                locale,
                points
                    .iter()
                    .map(|p| match p.csat {
                        Some(csat) => (
                            Some(csat.satisfied_share()),
                            format_percent(csat.satisfied_share(), lang),
                        ),
                        None => (None, locale.t(Msg::NoData).to_owned()),
                    })
                    .collect(),
            )],
        }
    });

    view! {
        <section class="dashboard-section" aria-labelledby="charts-title">
            <h2 id="charts-title">{move || locale.t(Msg::ChartsTitle)}</h2>
            <div class="chart-grid">
                <Chart id="chart-revenue" title=Msg::ChartRevenueOverTime description=Msg::ChartRevenueOverTimeDesc
                    kind=ChartKind::Bars data=revenue />
                <Chart id="chart-funnel" title=Msg::ChartFunnel description=Msg::ChartFunnelDesc
                    kind=ChartKind::Bars data=funnel_data />
                <Chart id="chart-leads" title=Msg::ChartLeadsBySource description=Msg::ChartLeadsBySourceDesc
                    kind=ChartKind::Bars data=leads />
                <Chart id="chart-source-revenue" title=Msg::ChartRevenueBySource description=Msg::ChartRevenueBySourceDesc
                    kind=ChartKind::Bars data=source_revenue />
                <Chart id="chart-forecast" title=Msg::ChartForecast description=Msg::ChartForecastDesc
                    kind=ChartKind::Bars data=forecast />
                <Chart id="chart-csat" title=Msg::ChartCsat description=Msg::ChartCsatDesc
                    kind=ChartKind::Line data=csat top=1.0 axis=percent_axis />
            </div>
        </section>
    }
}

fn percent_axis(value: f64, lang: Lang) -> String {
    format_percent(value, lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn buckets_are_labelled_in_the_calendar() {
        // 1403/07/01 (Jalali) is 2024-09-22.
        let mehr_first = rabet_domain::calendar::JalaliDate::new(1403, 7, 1)
            .unwrap()
            .to_day();
        let week = DayRange {
            start: Day(mehr_first.0 + 7),
            end: Day(mehr_first.0 + 13),
        };
        assert_eq!(
            bucket_label(week, Granularity::Day, Calendar::Jalali, Lang::Fa),
            "۸"
        );
        assert_eq!(
            bucket_label(week, Granularity::Week, Calendar::Jalali, Lang::En),
            "7/8"
        );
        assert_eq!(
            bucket_label(week, Granularity::Month, Calendar::Jalali, Lang::Fa),
            "مهر"
        );
        assert_eq!(
            period_text(week, Calendar::Gregorian, Lang::En),
            "2024-09-29 – 2024-10-05"
        );
    }
}
