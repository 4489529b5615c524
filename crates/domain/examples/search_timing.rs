//! Times a contacts list's search natively over a generated workspace: building the search
//! texts and one [`Haystack`] scan per query, with the texts as [`search_text`] makes them
//! (no spaces inside a field) and, for comparison, with the spaces kept; then the command
//! palette's ranked search ([`Haystack::best`]) typed one character at a time.
//!
//! ```text
//! cargo run -p rabet-domain --release --example search_timing -- [contacts, default 100000] [en|fa]
//! ```

use std::time::Instant;

use rabet_domain::calendar::Day;
use rabet_domain::locale::Lang;
use rabet_domain::sample::{generate, SampleOptions};
use rabet_domain::search::{normalize, normalize_phone_digits, search_text, Haystack, Query};

/// Each query is timed this many times; the median and the 95th percentile are shown.
const RUNS: usize = 40;

fn main() {
    let mut args = std::env::args().skip(1);
    let contacts = args.next().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let lang = match args.next().as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Fa,
    };
    let sample = generate(&SampleOptions {
        seed: 1,
        contacts,
        lang,
        today: Day::from_unix_ms(1_793_000_000_000),
    });
    let started = Instant::now();
    let spaceless: Vec<String> = sample
        .contacts
        .iter()
        .map(|contact| {
            let (texts, phones) = contact.searched_fields();
            search_text(texts, phones)
        })
        .collect();
    let built = started.elapsed();
    // The same fields with the spaces inside them kept, as search texts were before.
    let spaced: Vec<String> = sample
        .contacts
        .iter()
        .map(|contact| {
            let (texts, phones) = contact.searched_fields();
            let texts = texts.into_iter().map(normalize);
            let phones = phones.into_iter().map(normalize_phone_digits);
            let fields: Vec<String> = texts.chain(phones).filter(|f| !f.is_empty()).collect();
            fields.join(" ")
        })
        .collect();
    println!(
        "{contacts} contacts: search texts built in {:.1} ms, {} bytes (with spaces: {} bytes)",
        built.as_secs_f64() * 1e3,
        spaceless.iter().map(String::len).sum::<usize>(),
        spaced.iter().map(String::len).sum::<usize>(),
    );
    let first = &sample.contacts[contacts / 2];
    let queries = [
        first.first_name.clone(),
        format!("{} {}", first.first_name, first.last_name),
        format!("{}{}", first.first_name, first.last_name),
        first.last_name.chars().take(3).collect(),
        "0912".to_owned(),
        "zzzz".to_owned(),
    ];
    for (name, texts) in [("spaceless", &spaceless), ("with spaces", &spaced)] {
        let haystack = Haystack::new(texts.iter().map(String::as_str));
        for query in &queries {
            let parsed = Query::parse(query);
            let mut times: Vec<f64> = (0..RUNS)
                .map(|_| {
                    let started = Instant::now();
                    let hits = haystack.matches(&parsed);
                    std::hint::black_box(hits);
                    started.elapsed().as_secs_f64() * 1e3
                })
                .collect();
            times.sort_unstable_by(f64::total_cmp);
            let found = haystack.matches(&parsed).iter().filter(|hit| **hit).count();
            println!(
                "{name:>12} {query:>24}: p50 {:>6.2} ms  p95 {:>6.2} ms  {found} found",
                times[RUNS / 2],
                times[RUNS * 95 / 100],
            );
        }
    }
    palette_keystrokes(&spaceless, &queries);
}

/// The palette ranks as it finds: the best 12 matches for each prefix of each query, as
/// typed.
fn palette_keystrokes(texts: &[String], queries: &[String]) {
    const SHOWN: usize = 12;
    let haystack = Haystack::new(texts.iter().map(String::as_str));
    let mut times = Vec::new();
    for query in queries {
        let typed: Vec<char> = query.chars().collect();
        for end in 1..=typed.len() {
            let prefix: String = typed[..end].iter().collect();
            for _ in 0..RUNS / 4 {
                let started = Instant::now();
                let best = haystack.best(&Query::parse(&prefix), SHOWN);
                std::hint::black_box(best);
                times.push(started.elapsed().as_secs_f64() * 1e3);
            }
        }
    }
    times.sort_unstable_by(f64::total_cmp);
    println!(
        "palette, best {SHOWN} per keystroke ({} timed): p50 {:.2} ms  p95 {:.2} ms  max {:.2} ms",
        times.len(),
        times[times.len() / 2],
        times[times.len() * 95 / 100],
        times[times.len() - 1],
    );
}
