//! Marks the phases of a bulk write in the browser's performance timeline: User Timing
//! measures named `write: <phase>` (and the import page's `import: <phase>` before its
//! writes), which a profiler shows beside its samples and the benchmark prints (`node
//! bench/run.mjs --only bulk --profile`, `--only import --profile`). Only writes of many
//! records are marked, since the timeline keeps every entry until the page unloads. A join by
//! snapshot marks each page's phases, `join: <phase>` (a join has tens to hundreds of pages;
//! `node bench/run.mjs --only join` prints them).

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

/// A write of at least this many records is marked.
const MARKED_FROM: usize = 1_000;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;

    /// `performance.measure(name, { start, end })`.
    #[wasm_bindgen(js_namespace = performance, js_name = measure)]
    fn performance_measure(name: &str, span: &js_sys::Object);
}

/// The phases of one write, each measured from the end of the one before.
pub(crate) struct Phases {
    /// When the current phase began, if this write is marked.
    began: Option<f64>,
}

impl Phases {
    /// Starts the first phase of a write of `records` records.
    pub(crate) fn new(records: usize) -> Phases {
        Phases {
            began: (records >= MARKED_FROM).then(performance_now),
        }
    }

    /// Starts the first phase of a page of a join by snapshot, which is always marked.
    pub(crate) fn join_page() -> Phases {
        Phases {
            began: Some(performance_now()),
        }
    }

    /// Ends the current phase as `name`; the next begins.
    pub(crate) fn end(&mut self, name: &str) {
        let Some(began) = self.began else {
            return;
        };
        let ended = performance_now();
        let span = js_sys::Object::new();
        // Setting a property of a plain object cannot fail.
        for (key, at) in [("start", began), ("end", ended)] {
            js_sys::Reflect::set(&span, &JsValue::from_str(key), &JsValue::from_f64(at))
                .expect("a plain object takes properties");
        }
        performance_measure(name, &span);
        self.began = Some(ended);
    }
}

/// How long a write's synchronous work may run before it lets the browser draw a frame (see
/// `Store`'s `breathe`).
const SLICE_MS: f64 = 40.0;

/// A slice of a write's synchronous work: whether it has run long enough to let the
/// browser draw.
pub(crate) struct Slice {
    began: f64,
}

impl Slice {
    pub(crate) fn new() -> Slice {
        Slice {
            began: performance_now(),
        }
    }

    /// Whether this slice has run for [`SLICE_MS`].
    pub(crate) fn due(&self) -> bool {
        performance_now() - self.began >= SLICE_MS
    }

    /// Starts the next slice.
    pub(crate) fn restart(&mut self) {
        self.began = performance_now();
    }
}
