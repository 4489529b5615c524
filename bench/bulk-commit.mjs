// What a bulk change's commit is made of (issue 17): the puts of a bulk tag of 10,000
// contacts as the store makes them (rows as objects, one history entry a record, one shared
// merge state, one outbox entry, the feed's line), in raw IndexedDB in headless Chromium with
// no app around them, and the same with one part changed or left out, so each part's cost
// shows alone. Sizes are those `crates/domain/examples/bulk_bytes.rs` measured (BENCHMARKS.md).
//
//   node bench/bulk-commit.mjs [--records 9206] [--runs 3] [--ways a,b,…]
//
// Each way runs in a database of its own, filled first with the records' rows (as the sample
// load leaves them); a run is one readwrite transaction: puts issued (main thread), then the
// commit awaited (`oncomplete`).
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, at, all) => (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[at + 1]]] : pairs), []));
const records = Number(args.records ?? 9206);
const runs = Number(args.runs ?? 3);
const allWays = [
  "as the store writes it",
  "no history puts",
  "history 100 records a value",
  "history in 256 chunks (wt-bulk2)",
  "history in 256 chunks, merge state and outbox in 60 KB values",
  "history: only key and new value (small values)",
  "no row puts",
  "rows: only id, tags and m (small rows)",
  "no merge state and outbox",
  "relaxed durability",
  "strict durability",
];
const ways = args.ways ? args.ways.split(",") : allWays;

const profile = mkdtempSync(join(tmpdir(), "rabet-bulk-commit-"));
const context = await chromium.launchPersistentContext(profile, { executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const page = context.pages()[0] ?? (await context.newPage());
await page.route("http://bench.invalid/", (route) => route.fulfill({ contentType: "text/html", body: "<!doctype html><title>bench</title>" }));
await page.goto("http://bench.invalid/");

const load = () => readFileSync("/proc/loadavg", "utf8").split(" ")[0];
for (let run = 0; run < runs; run++) {
  for (const way of ways) {
    const result = await page.evaluate(
      async ({ way, records, run }) => {
        const name = `bulk-${way}-${run}`;
        const db = await new Promise((resolve, reject) => {
          const open = indexedDB.open(name, 1);
          open.onupgradeneeded = () => {
            open.result.createObjectStore("contact", { keyPath: "id" });
            for (const store of ["merge", "history", "history_by_time", "outbox", "meta"]) open.result.createObjectStore(store);
          };
          open.onsuccess = () => resolve(open.result);
          open.onerror = () => reject(open.error);
        });
        const done = (tx) => new Promise((resolve, reject) => ((tx.oncomplete = resolve), (tx.onabort = tx.onerror = () => reject(tx.error))));
        const id = (at) => `c${String(at).padStart(6, "0")}x7k2m9q4r1`;
        const text = (n, at) => `${"abcdefghij".repeat(Math.ceil(n / 10)).slice(0, n - 4)}${String(at % 10000).padStart(4, "0")}`;
        // About 726 bytes as JSON, as a sample contact's row.
        const row = (at, tags) => ({
          id: id(at),
          v: {
            id: id(at),
            first_name: text(12, at),
            last_name: text(14, at),
            email: `${text(20, at)}@example.com`,
            phone: "+98 912 345 6789",
            company_id: id(at + 1),
            owner_id: "member-0001",
            tags,
            title: text(18, at),
            city: text(12, at),
            country: "IR",
            notes: text(220, at),
            source: "import",
            status: "active",
            created_at: "2026-10-01T09:30:00Z",
            birthday: "1990-01-01",
            custom: { size: text(10, at), tier: "gold" },
          },
          d: false,
          m: "shared/0001",
        });
        const fill = db.transaction(["contact"], "readwrite");
        for (let at = 0; at < records; at++) fill.objectStore("contact").put(row(at, ["lead"]));
        await done(fill);
        const stamp = "0000018c2d3e4f50000a";
        const op = (at) => `op-${String(at).padStart(6, "0")}-k3j4h5g6`;
        const started = performance.now();
        const tx = db.transaction(["contact", "merge", "history", "history_by_time", "outbox", "meta"], "readwrite", way === "relaxed durability" ? { durability: "relaxed" } : way === "strict durability" ? { durability: "strict" } : {});
        const contact = tx.objectStore("contact");
        const history = tx.objectStore("history");
        let chunk = [];
        const chunks = [];
        for (let at = 0; at < records; at++) {
          if (way !== "no row puts") {
            contact.put(way.startsWith("rows: only") ? { id: id(at), v: { id: id(at), tags: ["lead", "bench"] }, m: "shared/0002" } : row(at, ["lead", "bench"]));
          }
          const key = `contact/${id(at)}/${stamp} ${op(at)}`;
          // About 273 bytes as JSON, as a tag's change.
          const change = JSON.stringify({ field: "tags", old: ["lead"], new: ["lead", "bench"], stamp: `2026-12-07T09:30:00.000Z-000a-${text(24, at)}`, op: op(at), won: true, author: "member-0001-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" });
          if (way === "no history puts") continue;
          if (way === "history 100 records a value") {
            chunk.push(key, change);
            if (chunk.length === 200 || at === records - 1) {
              history.put(chunk.join("\n"), `bulk/${at}`);
              chunk = [];
            }
          } else if (way.startsWith("history in 256 chunks")) {
            (chunks[at % 256] ??= []).push(`${id(at)} ${change}`);
            if (at === records - 1) chunks.forEach((lines, bucket) => history.put(lines.join("\n"), `contact/${bucket.toString(16)}/${stamp}`));
          } else if (way.startsWith("history: only")) {
            history.put(`${op(at)} ["lead","bench"]`, key);
          } else {
            history.put(change, key);
          }
        }
        if (way !== "no merge state and outbox") {
          // 176 bytes a record: the tags line over its base.
          const merge = Array.from({ length: records }, (_, at) => `#contact/${id(at)}\n@contact/${id(at)}\ntags ${stamp} ${op(at)}\n${"x".repeat(100)}`).join("\n");
          // 201 bytes an op, as UTF-8 bytes.
          const outbox = new TextEncoder().encode(Array.from({ length: records }, (_, at) => JSON.stringify({ id: op(at), entity: "contact", record: id(at), field: "tags", value: ["lead", "bench"], stamp: `${stamp}${"y".repeat(60)}` })).join("\n"));
          if (way.endsWith("in 60 KB values")) {
            for (let from = 0; from < merge.length; from += 60_000) tx.objectStore("merge").put(merge.slice(from, from + 60_000), `shared/0002/${from}`);
            for (let from = 0; from < outbox.length; from += 60_000) tx.objectStore("outbox").put(outbox.slice(from, from + 60_000), `${op(records - 1)} ${records}/${from}`);
          } else {
            tx.objectStore("merge").put(merge, "shared/0002");
            tx.objectStore("outbox").put(outbox, `${op(records - 1)} ${records}`);
          }
        }
        tx.objectStore("history_by_time").put(`contact/${id(0)} tags member-0001 ${records}`, `${stamp} ${op(0)}`);
        tx.objectStore("meta").put("clock", "clock");
        const issued = performance.now();
        tx.commit();
        await done(tx);
        const committed = performance.now();
        db.close();
        await new Promise((resolve) => (indexedDB.deleteDatabase(name).onsuccess = resolve));
        return { puts: issued - started, commit: committed - issued, total: committed - started };
      },
      { way, records, run },
    );
    console.log(`run ${run + 1}, ${way}: puts issued ${Math.round(result.puts)} ms, commit ${Math.round(result.commit)} ms, total ${Math.round(result.total)} ms (load ${load()})`);
  }
}
await context.close();
rmSync(profile, { recursive: true, force: true });
