//! What a generated workspace's records cost in memory, kind by kind, natively: the bytes a
//! clone of each kind's records allocates, and a record's inline size. The app holds the same
//! records in wasm, where pointers and lengths take 4 bytes instead of 8, so its figures are
//! somewhat lower; the proportions carry over.
//!
//! ```text
//! cargo run -p rabet-domain --release --example memory -- [contacts, default 100000]
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use rabet_domain::calendar::Day;
use rabet_domain::locale::Lang;
use rabet_domain::sample::{generate, SampleOptions};

/// The system allocator, counting the bytes live.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn main() {
    let contacts = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let sample = generate(&SampleOptions {
        seed: 1,
        contacts,
        lang: Lang::En,
        today: Day::from_unix_ms(1_793_000_000_000),
    });
    println!(
        "{:>12} {:>9} {:>7} {:>10} {:>9}",
        "kind", "records", "inline", "MB", "B/record"
    );
    let mut total = 0;
    macro_rules! measure {
        ($($kind:ident),*) => {$(
            let before = LIVE.load(Relaxed);
            let copy = sample.$kind.clone();
            let bytes = LIVE.load(Relaxed) - before;
            total += bytes;
            println!(
                "{:>12} {:>9} {:>7} {:>10.1} {:>9}",
                stringify!($kind),
                copy.len(),
                size_of_val(&copy[0]),
                bytes as f64 / 1e6,
                bytes / copy.len().max(1),
            );
            drop(copy);
        )*};
    }
    measure!(contacts, companies, deals, activities, tasks, tickets, invoices, products, campaigns);
    println!(
        "{:>12} {:>9} {:>7} {:>10.1}",
        "all",
        "",
        "",
        total as f64 / 1e6
    );
}
