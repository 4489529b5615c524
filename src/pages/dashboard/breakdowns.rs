//! The figures that come as a breakdown rather than one number: customers per RFM segment
//! (each a link to the segment), campaign ROI, and what sells best.

use super::state::use_dashboard;
use crate::{
    i18n::{use_locale, Msg},
    ui::{format::totals_text, labels::rfm_segment_msg},
    workspace::use_workspace,
};
use leptos::prelude::*;
use leptos_router::components::A;
use rabet_domain::{
    locale::{format_money, format_percent},
    report::dashboard::{campaign_returns, rfm_distribution},
    report::segment::RfmSegment,
    rfm::RfmThresholds,
};

/// Best sellers shown.
const TOP_PRODUCTS: usize = 5;

#[component]
pub fn Breakdowns() -> impl IntoView {
    view! {
        <section class="dashboard-section breakdowns">
            <RfmSegments />
            <CampaignReturns />
            <BestSellers />
        </section>
    }
}

/// Customers per built-in RFM segment at the period's end.
#[component]
fn RfmSegments() -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let state = use_dashboard();
    let counts = Memo::new(move |_| {
        let scope = state.scope.get();
        let classes = state.with_books(workspace, |books| {
            rfm_distribution(books, &scope, &RfmThresholds::fixed(scope.currency))
        });
        RfmSegment::ALL.map(|segment| {
            let members = classes
                .iter()
                .filter(|(class, _)| segment.classes().contains(class))
                .map(|(_, count)| *count)
                .sum::<u32>();
            (segment, members)
        })
    });
    view! {
        <div class="card breakdown">
            <h3 id="rfm-title">{move || locale.t(Msg::CustomersBySegment)}</h3>
            <ul class="plain breakdown-rows" aria-labelledby="rfm-title">
                {move || counts.get().into_iter().map(|(segment, members)| view! {
                    <li>
                        <A href=format!("/segments/rfm-{}", segment.as_str())>{locale.t(rfm_segment_msg(segment))}</A>
                        <span class="row-figure">{locale.number(members as usize)}</span>
                    </li>
                }).collect_view()}
            </ul>
        </div>
    }
}

/// Return on each campaign running in the period.
#[component]
fn CampaignReturns() -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let state = use_dashboard();
    let rows = Memo::new(move |_| {
        let scope = state.scope.get();
        state.with_books(workspace, |books| campaign_returns(books, &scope))
    });
    let name = move |id: &rabet_domain::id::Id| {
        workspace
            .campaigns
            .with(|c| c.get(id).map(|c| c.name.clone()))
            .unwrap_or_default()
    };
    view! {
        <BreakdownTable id="roi-title" title=Msg::CampaignRoiTitle empty=Msg::NoCampaignsInPeriod
            columns=[Msg::DealCampaign, Msg::CampaignCost, Msg::ChartRevenue, Msg::CampaignRoi]
            has_rows=Signal::derive(move || rows.with(|r| !r.is_empty()))
            rows=move || rows.get().into_iter().map(|row| {
                let lang = locale.lang();
                let roi = row.roi.map_or_else(|| locale.t(Msg::NoData).to_owned(), |roi| format_percent(roi, lang));
                view! {
                    <tr>
                        <th scope="row"><bdi>{name(&row.campaign_id)}</bdi></th>
                        <td>{format_money(row.cost, lang)}</td>
                        <td>{format_money(row.revenue, lang)}</td>
                        <td>{roi}</td>
                    </tr>
                }
            }).collect_view()
        />
    }
}

/// The products that sold best in the period.
#[component]
fn BestSellers() -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let state = use_dashboard();
    let rows = Memo::new(move |_| {
        state.sold.with(|sold| {
            sold.iter()
                .filter(|row| row.units > 0)
                .take(TOP_PRODUCTS)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let name = move |id: &rabet_domain::id::Id| {
        workspace
            .products
            .with(|p| p.get(id).map(|p| p.name.clone()))
            .unwrap_or_default()
    };
    view! {
        <BreakdownTable id="best-title" title=Msg::BestSellersTitle empty=Msg::NoSalesInPeriod
            columns=[Msg::Product, Msg::Quantity, Msg::ChartRevenue, Msg::LostDeals]
            has_rows=Signal::derive(move || rows.with(|r| !r.is_empty()))
            rows=move || rows.get().into_iter().map(|row| view! {
                <tr>
                    <th scope="row"><bdi>{name(&row.product_id)}</bdi></th>
                    <td>{locale.number(row.units as usize)}</td>
                    <td>{totals_text(&row.revenue)}</td>
                    <td>{locale.number(row.lost_deals as usize)}</td>
                </tr>
            }).collect_view()
        />
    }
}

/// A breakdown as a table: its heading, column names and rows, or a line saying there are
/// none in the period. `id` names the heading, which names the table.
#[component]
fn BreakdownTable(
    id: &'static str,
    title: Msg,
    empty: Msg,
    columns: [Msg; 4],
    #[prop(into)] has_rows: Signal<bool>,
    #[prop(into)] rows: ViewFn,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="card breakdown">
            <h3 id=id>{move || locale.t(title)}</h3>
            <Show when=move || has_rows.get()
                fallback=move || view! { <p class="empty-line">{move || locale.t(empty)}</p> }>
                // Wider than a phone: it scrolls, and takes the focus so arrow keys scroll it.
                <div class="table-scroll" role="region" tabindex="0" aria-labelledby=id>
                    <table class="breakdown-table" aria-labelledby=id>
                        <thead><tr>
                            {columns.map(|column| view! { <th scope="col">{move || locale.t(column)}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>{let rows = rows.clone(); move || rows.run()}</tbody>
                    </table>
                </div>
            </Show>
        </div>
    }
}
