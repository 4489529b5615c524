//! What a generated workspace's records cost in memory, kind by kind, natively: the bytes
//! each kind's records allocate when read from JSON text one by one, as the app reads stored
//! rows, and a record's inline size. The app holds the same records in wasm, where pointers
//! and lengths take 4 bytes instead of 8, so its figures are somewhat lower; the proportions
//! carry over.
//!
//! ```text
//! cargo run -p rabet-domain --release --example memory -- [contacts, default 100000]
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use rabet_domain::calendar::Day;
use rabet_domain::locale::Lang;
use rabet_domain::model::{
    Activity, Campaign, Company, Contact, Deal, Invoice, Product, Task, Ticket,
};
use rabet_domain::sample::{generate, SampleOptions};

/// The system allocator, counting the bytes live.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

#[allow(unsafe_code)] // A global allocator can only be written in unsafe code.
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
        ($($kind:ident: $entity:ty),*) => {$(
            let texts: Vec<String> = sample.$kind.iter().map(|record| serde_json::to_string(record).unwrap()).collect();
            let before = LIVE.load(Relaxed);
            let read: Vec<$entity> = texts.iter().map(|text| serde_json::from_str(text).unwrap()).collect();
            let bytes = LIVE.load(Relaxed) - before;
            total += bytes;
            println!(
                "{:>12} {:>9} {:>7} {:>10.1} {:>9}",
                stringify!($kind),
                read.len(),
                size_of::<$entity>(),
                bytes as f64 / 1e6,
                bytes / read.len().max(1),
            );
        )*};
    }
    measure!(
        contacts: Contact,
        companies: Company,
        deals: Deal,
        activities: Activity,
        tasks: Task,
        tickets: Ticket,
        invoices: Invoice,
        products: Product,
        campaigns: Campaign
    );
    println!(
        "{:>12} {:>9} {:>7} {:>10.1}",
        "all",
        "",
        "",
        total as f64 / 1e6
    );
}
