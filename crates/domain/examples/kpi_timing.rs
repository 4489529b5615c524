//! Times each dashboard KPI, and the pipeline board's parts, over a generated workspace,
//! natively: where the dashboard's recompute and the board's render go, without a browser.
//!
//! ```text
//! cargo run -p rabet-domain --release --example kpi_timing -- [contacts, default 100000]
//! ```

use std::time::Instant;

use rabet_domain::calendar::{Calendar, Day, GregorianDate};
use rabet_domain::locale::Lang;
use rabet_domain::report::dashboard::{self as kpi, Preset, Scope};
use rabet_domain::sample::{generate, SampleOptions};
use rabet_domain::time::{Instant as Time, Zone};

const HOUR: i64 = 3_600_000;

fn main() {
    let contacts = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let today = Day::from_unix_ms(1_793_000_000_000);
    let sample = generate(&SampleOptions {
        seed: 1,
        contacts,
        lang: Lang::En,
        today,
    });
    let records = sample.records();
    // A zone with daylight saving, as the app builds from the browser: changes over 50 years.
    let zone = Zone::with_changes(
        -5 * HOUR,
        (1990..2040)
            .flat_map(|year| {
                let march = GregorianDate::new(year, 3, 10)
                    .unwrap()
                    .to_day()
                    .to_unix_ms();
                let november = GregorianDate::new(year, 11, 3)
                    .unwrap()
                    .to_day()
                    .to_unix_ms();
                [
                    (Time(march + 7 * HOUR), -4 * HOUR),
                    (Time(november + 6 * HOUR), -5 * HOUR),
                ]
            })
            .collect(),
    );
    // What counting days in a zone with changes costs, against UTC (fastest of three each).
    for (name, zone) in [
        ("ledger in UTC", Zone::default()),
        ("ledger in New York", zone.clone()),
    ] {
        let fastest = (0..3)
            .map(|_| {
                let started = Instant::now();
                std::hint::black_box(kpi::Ledger::new(&records, &zone));
                started.elapsed().as_secs_f64() * 1e3
            })
            .fold(f64::INFINITY, f64::min);
        println!("{name:>26}: {fastest:>8.1} ms  (fastest of 3)");
    }
    let started = Instant::now();
    let ledger = kpi::Ledger::new(&records, &zone);
    println!(
        "{:>26}: {:>8.1} ms  (once per change of the records)",
        "ledger",
        started.elapsed().as_secs_f64() * 1e3
    );
    let books = kpi::Books {
        records,
        ledger: &ledger,
    };
    let period = Preset::ThisYear.range(today, Calendar::Gregorian);
    let scope = Scope::new(period, None, &sample.settings, zone.clone());
    macro_rules! time {
        ($($kpi:ident),*) => {$(
            let started = Instant::now();
            let value = kpi::$kpi(&books, &scope);
            println!("{:>26}: {:>8.1} ms  {:?}", stringify!($kpi), started.elapsed().as_secs_f64() * 1e3,
                format!("{value:?}").chars().take(60).collect::<String>());
        )*};
    }
    time!(
        revenue,
        order_count,
        average_order_value,
        win_rate,
        lead_conversion_rate,
        sales_cycle,
        pipeline_value,
        churn_rate,
        historic_lifetime_value,
        predicted_lifetime_value,
        csat,
        campaign_returns,
        product_performance
    );
    board_timing(&sample);
}

/// The pipeline board's columns over the same workspace.
fn board_timing(sample: &rabet_domain::sample::Sample) {
    use rabet_domain::report::board::{Board, BoardFilter};
    println!("{:>26}: {} deals", "board over", sample.deals.len());
    let started = Instant::now();
    let board = Board::build(
        &sample.pipelines[0],
        &sample.deals,
        &BoardFilter::default(),
        |_| "",
    );
    let open: usize = board.columns.iter().map(|column| column.deals.len()).sum();
    println!(
        "{:>26}: {:>8.1} ms  {open} open deals",
        "board columns",
        started.elapsed().as_secs_f64() * 1e3
    );
}
