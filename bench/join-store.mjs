// Why a join's pages take long to store: the snapshot pages of a running server's workspace
// (as rows, what a new device fetches), put into IndexedDB in headless Chromium in several
// ways, with no app around them, so each way's cost per row shows alone.
//
//   node bench/join-store.mjs --at http://127.0.0.1:8743 --token TOKEN [--pages 40] [--ways …]
//
// Ways: the app's join before this experiment (`JSON.parse` of the answer, a put per row
// object, the page's shared merge state, commit awaited before the next page); the same with
// the next pages' puts issued while earlier pages commit (up to three transactions open);
// rows as JSON text instead of objects; rows without the merge state; rows 100 to a value;
// each page as one value (`--ways` picks some, comma-separated).
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, at, all) => (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[at + 1]]] : pairs), []));
const at = args.at;
const maxPages = Number(args.pages ?? 40);
const headers = { authorization: `Bearer ${args.token}`, "accept-encoding": "gzip" };

/** The workspace's snapshot pages as the server's answers' text, every kind, in order. */
async function pages() {
  const get = async (query) => (await fetch(`${at}/api/v1/snapshot?${query}&rows=true`, { headers })).text();
  const first = await get("kind=contact");
  const { cursor, totals } = JSON.parse(first);
  const texts = [];
  for (const kind of Object.keys(totals)) {
    let after = null;
    for (;;) {
      const text = kind === "contact" && after === null ? first : await get(`kind=${kind}&cursor=${cursor}${after ? `&after=${encodeURIComponent(after)}` : ""}`);
      texts.push({ kind, text });
      const page = JSON.parse(text);
      if (!page.more || texts.length >= maxPages) break;
      after = page.last;
    }
    if (texts.length >= maxPages) break;
  }
  return texts;
}

const texts = await pages();
const rowCount = texts.reduce((sum, { text }) => sum + JSON.parse(text).rows.length, 0);
const kinds = [...new Set(texts.map(({ kind }) => kind))];
console.log(`${texts.length} pages, ${rowCount} rows, ${(texts.reduce((sum, { text }) => sum + text.length, 0) / 2 ** 20).toFixed(1)} MiB of text; kinds ${kinds.join(", ")}`);

const profile = mkdtempSync(join(tmpdir(), "rabet-join-store-"));
const context = await chromium.launchPersistentContext(profile, { executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium" });
const page = context.pages()[0] ?? (await context.newPage());
await page.route("http://bench.invalid/", (route) => route.fulfill({ contentType: "text/html", body: "<!doctype html><title>bench</title>" }));
await page.goto("http://bench.invalid/");

const ways = (args.ways ?? "app (commit awaited),relaxed durability,puts overlap commits,rows as JSON text,no merge state,100 rows a value,a page as one value").split(",");
for (const way of ways) {
  const result = await page.evaluate(
    async ({ way, texts, kinds }) => {
      const name = `join-${Math.random()}`;
      const db = await new Promise((resolve, reject) => {
        const open = indexedDB.open(name, 1);
        open.onupgradeneeded = () => {
          for (const kind of kinds) open.result.createObjectStore(kind, way === "a page as one value" ? undefined : { keyPath: "id" });
          open.result.createObjectStore("merge");
        };
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const done = (tx) => new Promise((resolve, reject) => ((tx.oncomplete = resolve), (tx.onabort = tx.onerror = () => reject(tx.error))));
      const started = performance.now();
      let cloning = 0;
      const inFlight = [];
      for (const [at, { kind, text }] of texts.entries()) {
        const tx = db.transaction([kind, "merge"], "readwrite", way.startsWith("relaxed") ? { durability: "relaxed" } : {});
        const store = tx.objectStore(kind);
        const clone = performance.now();
        const answer = JSON.parse(text);
        const key = `shared/join/${kind}/${at}`;
        if (way === "a page as one value") {
          store.put(text, key);
        } else if (way === "100 rows a value") {
          for (let from = 0; from < answer.rows.length; from += 100) store.put({ id: `${key}/${from}`, rows: answer.rows.slice(from, from + 100) });
          tx.objectStore("merge").put(answer.merge, key);
        } else {
          for (const row of answer.rows) {
            row.m = key;
            store.put(way === "rows as JSON text" ? { id: row.id, t: JSON.stringify(row) } : row);
          }
          if (way !== "no merge state") tx.objectStore("merge").put(answer.merge, key);
        }
        cloning += performance.now() - clone;
        inFlight.push(done(tx));
        if (way.endsWith("puts overlap commits")) {
          if (inFlight.length >= 3) await inFlight.shift();
        } else {
          await inFlight.shift();
        }
      }
      await Promise.all(inFlight);
      const ms = performance.now() - started;
      db.close();
      await new Promise((resolve) => (indexedDB.deleteDatabase(name).onsuccess = resolve));
      return { ms, cloning };
    },
    { way, texts, kinds },
  );
  const load = (await import("node:fs")).readFileSync("/proc/loadavg", "utf8").split(" ")[0];
  console.log(`${way}: ${Math.round(result.ms)} ms, ${Math.round((result.ms * 1000) / rowCount)} µs a row (main thread parsing and putting: ${Math.round(result.cloning)} ms), load ${load}`);
}
await context.close();
rmSync(profile, { recursive: true, force: true });
