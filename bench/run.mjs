// Rabet's benchmark: the release build in headless Chromium, on the real server, over
// workspaces made by the domain's sample generator (`rabet_domain::sample`). It measures and
// prints; it asserts nothing. Results go to stdout as a table and to BENCHMARKS.md.
//
// Usage (after the release build of app and server; ./bench.sh does all of it):
//   node bench/run.mjs [--sizes 10000,100000] [--out BENCHMARKS.md]
//   node bench/run.mjs --only import --dist other/dist   # just the import, of another build
//   node bench/run.mjs --only join --sizes 100000        # just a new device joining
//   node bench/run.mjs --only join --sizes 10000 --ways none --server other/rabet-server
//                                                       # the server's pages, another server
//   node bench/run.mjs --only palette --sizes 100000 --out target/bench/palette.md --port 8106
//   node bench/run.mjs --only bulk --sizes 10000 --out target/bench/bulk.md --port 8107
import { chromium } from "playwright-core";
import { execFileSync, spawn } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";

const args = Object.fromEntries(process.argv.slice(2).map((arg, i, all) => (arg.startsWith("--") ? [arg.slice(2), all[i + 1]] : [])).filter((pair) => pair.length));
const sizes = (args.sizes ?? "10000,100000").split(",").map(Number).filter(Boolean);
const outFile = args.out ?? "BENCHMARKS.md";
// A build to compare with (e.g. the previous commit's dist/), served by the same server.
const dist = args.dist ?? "dist";
// A server binary to compare with (e.g. a copy of main's), for every server the bench runs.
const serverBin = args.server ?? "target/release/rabet-server";
// `--only import` measures the CSV import against the raw put and nothing else.
const importOnly = args.only === "import";
// `--only join` measures a new device joining the sample workspaces and nothing else;
// `--ways` picks which of its ways (comma-separated, all by default).
const joinOnly = args.only === "join";
// `--ways none` times the server's pages alone.
// "by snapshot" joins once the server has prepared the workspace's snapshot (its pages ready
// to send); "by snapshot with pages built as asked" on a server that prepares none.
const joinWays = (args.ways ?? "by snapshot,by snapshot with pages built as asked,by snapshot in pages of ops,op by op").split(",").filter((way) => way !== "none");
// `--port` when another bench runs on this machine; a join's own server takes the next one.
// `--only palette` loads each sample and measures the command palette (and list search).
const paletteOnly = args.only === "palette";
// `--only bulk` loads each sample and tags every contact at once, then undoes it.
const bulkOnly = args.only === "bulk";
// `--profile` (with `--only bulk` or `--only import`) records a CPU profile of the bulk tag
// (or of the import, from its click) into target/bench
// and prints where its time went: the app's phases (its `performance.measure` marks) and
// self time by function (wasm functions are unnamed in a release build; the JS glue's
// names show the IndexedDB and JSON calls).
const profiling = "profile" in args || process.argv.includes("--profile");
// Another port lets benchmarks of several checkouts run on one machine.
const port = Number(args.port ?? 8123);
const origin = `http://127.0.0.1:${port}`;
const work = "target/bench";
mkdirSync(work, { recursive: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1];
const round = (ms) => Math.round(ms);
const kb = (bytes) => +(bytes / 1024).toFixed(1);

/** Initial-load transfer: the gzip files the server sends for html, js, wasm and css. */
function transferSize() {
  const files = readdirSync(dist).filter((name) => /\.(html|js|wasm|css)\.gz$/.test(name) && name !== "sw.js.gz");
  const parts = Object.fromEntries(files.map((name) => [name.replace(/\.gz$/, ""), statSync(join(dist, name)).size]));
  return { parts, total: Object.values(parts).reduce((a, b) => a + b, 0) };
}

/** A contacts CSV from the sample generator, made once per size. */
function sampleCsv(size) {
  const file = join(work, `contacts-${size}.csv`);
  if (!existsSync(file)) {
    execFileSync("cargo", ["run", "-q", "-p", "rabet-domain", "--release", "--example", "sample", "--", "--contacts", String(size), "--lang", "fa", "--today", "2026-11-01", "--out", file], { stdio: "inherit" });
  }
  return readFileSync(file);
}

const server = spawn(serverBin, ["serve", "--addr", `127.0.0.1:${port}`, "--dist", dist, "--data-dir", join(work, "server-data")], { stdio: ["ignore", "ignore", "inherit"] });
await waitForHealth(origin);
const launchOptions = {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--enable-precise-memory-info", "--js-flags=--expose-gc"],
};
const chromiumVersion = await chromium.launch(launchOptions).then(async (browser) => {
  const version = browser.version();
  await browser.close();
  return version;
});
const machine = `${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Chromium ${chromiumVersion}`;

async function waitForHealth(origin) {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${origin}/api/health`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the server did not start");
}

/**
 * A fresh browser profile with a page that keeps a handle on the app's wasm memory. The
 * profile is on disk, as a user's is: an in-memory (incognito) one has a storage quota that
 * the 100k sample exceeds once another such profile has held the 100k import.
 */
async function freshPage() {
  const profile = mkdtempSync(join(tmpdir(), "rabet-bench-"));
  const context = await chromium.launchPersistentContext(profile, { ...launchOptions, viewport: { width: 1280, height: 800 } });
  await context.addInitScript(() => addEventListener("TrunkApplicationStarted", (event) => (window.__wasm = event.detail.wasm)));
  const page = context.pages()[0] ?? (await context.newPage());
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { page, close };
}

/** Milliseconds from navigation start until `ready` holds in the page. */
async function timeToReady(page, url, ready, arg) {
  await page.goto(url);
  await page.waitForFunction(ready, arg, { timeout: 600_000, polling: "raf" });
  return page.evaluate(() => performance.now());
}

const contactsShown = (count) => document.querySelector(".list-count")?.textContent === `${count.toLocaleString("en-US")} of ${count.toLocaleString("en-US")}`;

/** Fills the workspace with the sample generator at `size` contacts, through Settings. */
async function loadSample(page, size) {
  await page.goto(`${origin}/settings`);
  const section = page.locator("section").filter({ has: page.getByRole("heading", { name: "Sample workspace" }) });
  await section.getByLabel("Customers in the sample").selectOption(String(size));
  page.once("dialog", (dialog) => dialog.accept());
  const started = Date.now();
  await section.getByRole("button", { name: "Load sample workspace" }).click();
  // 100,000 contacts (≈670k records) take several minutes here. A failure is said in the
  // section's alert: report it rather than wait out the timeout.
  const failure = section.getByRole("alert").filter({ hasText: /\S/ });
  await section.getByText(/^Sample workspace loaded/).or(failure).waitFor({ timeout: 1_800_000 });
  if (await failure.isVisible()) throw new Error(await failure.textContent());
  return Date.now() - started;
}

/** Imports the sample CSV; `beforeClick` runs once the import is ready to start (a profiler). */
async function importCsv(page, size, beforeClick = async () => {}) {
  await page.goto(`${origin}/customers/import`);
  await page.getByLabel("Choose a CSV or vCard file").setInputFiles({ name: "contacts.csv", mimeType: "text/csv", buffer: sampleCsv(size) });
  const button = page.getByRole("button", { name: `Import ${size.toLocaleString("en-US")} rows` });
  await button.waitFor({ timeout: 300_000 });
  // The sample's owners are not members of this empty workspace: leave that column out.
  await page.getByRole("combobox", { name: "Imports as: Owner" }).selectOption({ label: "Don't import" });
  await beforeClick();
  // Timed in the page, from the click to the report's line in the document: Playwright's own
  // waiting polls at growing intervals (up to 500 ms apart), which would add its wait to the
  // import's, as it did until 2026-12-07.
  return page.evaluate(
    ({ label, done }) =>
      new Promise((resolve) => {
        const target = [...document.querySelectorAll("button")].find((b) => b.textContent.trim() === label);
        let started;
        new MutationObserver((_, observer) => {
          if (document.querySelector(".import-done")?.textContent === done) {
            observer.disconnect();
            resolve(performance.now() - started);
          }
        }).observe(document.body, { childList: true, subtree: true, characterData: true });
        started = performance.now();
        target.click();
      }),
    { label: `Import ${size.toLocaleString("en-US")} rows`, done: `${size.toLocaleString("en-US")} contacts imported.` },
  );
}

/** The same number of contact-shaped rows, put by plain IndexedDB in one transaction. */
function rawBulkPut(page, size) {
  return page.evaluate(async (count) => {
    const open = indexedDB.open("raw-bench", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("contacts", { keyPath: "id" });
    const db = await new Promise((resolve, reject) => {
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const rows = Array.from({ length: count }, (_, i) => ({ id: `c-${i}`, first_name: "علی", last_name: "کریمی", phones: [{ label: "mobile", number: `+98912${i}` }], emails: [{ label: "work", address: `c${i}@example.com` }], tags: ["vip"], lifecycle_stage: "customer", created_at: Date.now() }));
    const t0 = performance.now();
    const tx = db.transaction("contacts", "readwrite");
    const store = tx.objectStore("contacts");
    for (const row of rows) store.put(row);
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    const elapsed = performance.now() - t0;
    db.close();
    indexedDB.deleteDatabase("raw-bench");
    return elapsed;
  }, size);
}

/** Input event to the list's count changing, over 50 Persian and Latin queries. */
async function searchLatency(page, size) {
  await page.goto(`${origin}/customers`);
  await page.waitForFunction(contactsShown, size, { timeout: 600_000 });
  const queries = ["علی", "كريمي", "زهرا", "رضا", "محمد", "0912", "تهران", "vip", "سارا", "احمدی"];
  const timings = [];
  for (let round = 0; round < 5; round++) {
    for (const query of queries) {
      timings.push(
        await page.evaluate(async (query) => {
          const input = document.querySelector('input[type="search"]');
          const count = document.querySelector(".list-count");
          const changed = new Promise((resolve) => new MutationObserver((_, observer) => (observer.disconnect(), resolve())).observe(count, { childList: true, subtree: true, characterData: true }));
          const t0 = performance.now();
          input.value = query;
          input.dispatchEvent(new Event("input", { bubbles: true }));
          await Promise.race([changed, new Promise((resolve) => setTimeout(resolve, 5000))]);
          const elapsed = performance.now() - t0;
          input.value = "";
          input.dispatchEvent(new Event("input", { bubbles: true }));
          await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
          return elapsed;
        }, query),
      );
    }
  }
  return { median: +median(timings).toFixed(1), p95: +p95(timings).toFixed(1) };
}

/**
 * The command palette, typed one key at a time: each keystroke's input event to the end of
 * the work it starts (the results found, ranked and put in the page: everything before the
 * next task runs), over Persian, Latin and phone queries.
 */
async function paletteLatency(page) {
  await page.goto(`${origin}/customers`);
  await workspaceLoaded(page);
  await page.keyboard.press("Control+K");
  await page.locator(".palette-input").waitFor();
  const queries = ["علی رضایی", "كريمي", "محمد", "0912 345", "karimi", "تهران", "new deal"];
  const timings = [];
  for (let round = 0; round < 3; round++) {
    for (const query of queries) {
      timings.push(
        ...(await page.evaluate(async (query) => {
          const input = document.querySelector(".palette-input");
          const typed = [];
          for (let end = 1; end <= query.length; end++) {
            const t0 = performance.now();
            input.value = query.slice(0, end);
            input.dispatchEvent(new Event("input", { bubbles: true }));
            await new Promise((resolve) => setTimeout(resolve));
            typed.push([input.value, performance.now() - t0]);
          }
          input.value = "";
          input.dispatchEvent(new Event("input", { bubbles: true }));
          await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
          return typed;
        }, query)),
      );
    }
  }
  await page.keyboard.press("Escape");
  // Which keystrokes the 95th percentile is made of, for whoever goes after it.
  const slowest = [...timings].sort((a, b) => b[1] - a[1]).slice(0, 10);
  console.log(`slowest keystrokes: ${slowest.map(([typed, ms]) => `"${typed}" ${ms.toFixed(1)} ms`).join(", ")}`);
  const times = timings.map(([, ms]) => ms);
  return { median: +median(times).toFixed(1), p95: +p95(times).toFixed(1), keys: times.length };
}

/** Waits until every record is in memory, so a measurement is not of the start-up load. */
function workspaceLoaded(page) {
  return page.locator('main[aria-busy="false"]').waitFor({ timeout: 600_000 });
}

/** Click on the navigation to the next frame painted with its content, by client routing. */
async function navigationRender(page, link, ready) {
  await page.goto(`${origin}/customers`);
  await workspaceLoaded(page);
  return page.evaluate(
    async ([link, ready]) => {
      const anchor = [...document.querySelectorAll("nav a")].find((a) => a.textContent.trim() === link);
      const t0 = performance.now();
      anchor.click();
      // eslint-disable-next-line no-new-func
      const isReady = new Function(`return (${ready})`);
      while (!isReady()) await new Promise((resolve) => requestAnimationFrame(resolve));
      await new Promise((resolve) => requestAnimationFrame(resolve));
      return performance.now() - t0;
    },
    [link, ready],
  );
}

/** A card moved to the next stage with the keyboard: key press to the card painted there. */
function moveRepaint(page) {
  return page.evaluate(async () => {
    const columns = [...document.querySelectorAll(".board-column:not(.unplaced)")];
    const card = columns[0].querySelector("article");
    const count = (column) => column.querySelector(".column-count").textContent;
    const [before, beforeNext] = [count(columns[0]), count(columns[1])];
    card.focus();
    const t0 = performance.now();
    card.dispatchEvent(new KeyboardEvent("keydown", { key: document.dir === "rtl" ? "ArrowLeft" : "ArrowRight", bubbles: true }));
    // Columns show a capped number of cards, so watch the card leave and the counts change.
    const moved = () => !columns[0].contains(card) && count(columns[0]) !== before && count(columns[1]) !== beforeNext;
    while (!moved()) {
      if (performance.now() - t0 > 10_000) return NaN;
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    await new Promise((resolve) => requestAnimationFrame(resolve));
    return performance.now() - t0;
  });
}

/** Opening a customer with 2,000 timeline entries: list click to the timeline painted. */
async function open360(page) {
  // The first listed customer gets 2,000 logged calls through the app's own restore (a merge
  // of a generated backup), so the page is measured as a user would meet it.
  const file = join(work, "timeline-2000.json");
  await page.goto(`${origin}/customers`);
  await page.locator('a[href^="/customers/0"]').first().waitFor({ timeout: 600_000 });
  const contactId = await page.evaluate(() => document.querySelector('a[href^="/customers/0"]')?.getAttribute("href")?.split("/").pop());
  writeFileSync(file, JSON.stringify(timelineBackup(contactId, 2000)));
  await page.goto(`${origin}/settings`);
  // Restoring is possible only once the workspace is open.
  await workspaceLoaded(page);
  const section = page.locator("section").filter({ has: page.getByRole("heading", { name: "Backup" }) });
  await section.getByRole("radio", { name: /^Merge/ }).check();
  page.once("dialog", (dialog) => dialog.accept());
  await section.getByLabel("Restore from a backup file").setInputFiles(file);
  await page.getByText(/^Restored [\d,]+ records\.$/).waitFor({ timeout: 600_000 });
  await page.goto(`${origin}/customers`);
  await page.locator(`a[href="/customers/${contactId}"]`).first().waitFor();
  await workspaceLoaded(page);
  return page.evaluate(async (contactId) => {
    const t0 = performance.now();
    document.querySelector(`a[href="/customers/${contactId}"]`).click();
    while (!document.querySelector(".timeline-list li")) await new Promise((resolve) => requestAnimationFrame(resolve));
    await new Promise((resolve) => requestAnimationFrame(resolve));
    return performance.now() - t0;
  }, contactId);
}

/** A backup (format 1) of `count` logged calls about one contact. */
function timelineBackup(contactId, count) {
  const node = "00000000000000be";
  const wall = Date.now();
  const stamp = (i) => `${(wall + i).toString(16).padStart(16, "0")}-00000000-${node}`;
  const records = Array.from({ length: count }, (_, i) => {
    const id = `bench-call-${String(i).padStart(5, "0")}`;
    const values = { kind: "call", direction: "outbound", at: wall - (count - i) * 3_600_000, outcome: `Call ${i}`, contact_id: contactId };
    const fields = Object.fromEntries(Object.entries(values).map(([field, value]) => [field, { value, stamp: stamp(i), op: `${id}-${field}` }]));
    return { entity: "activity", id, fields };
  });
  return { format: "rabet-backup", version: 1, created_at: wall, node, records };
}

/** Dashboard: choosing the one-year range to the cards repainted. */
async function dashboardRecompute(page) {
  await page.goto(`${origin}/`);
  await page.locator(".kpi-card").first().waitFor({ timeout: 600_000 });
  await workspaceLoaded(page);
  return page.evaluate(async () => {
    // From this month to this year: the cards change, and every figure is computed anew.
    const select = document.getElementById("dashboard-range");
    const cards = document.querySelector(".kpi-grid");
    const before = cards.textContent;
    const t0 = performance.now();
    select.value = "this_year";
    select.dispatchEvent(new Event("change", { bubbles: true }));
    while (cards.textContent === before) await new Promise((resolve) => requestAnimationFrame(resolve));
    await new Promise((resolve) => requestAnimationFrame(resolve));
    return performance.now() - t0;
  });
}

/** The server CLI on the bench server's data (or another server's, in `dataDir`). */
function cli(...args) {
  return cliIn(join(work, "server-data"), ...args);
}

function cliIn(dataDir, ...args) {
  return execFileSync(serverBin, [...args, "--data-dir", dataDir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** Connects a page to a new workspace's sync and returns how long until it is up to date. */
async function connectAndSync(page, token, at = origin) {
  await page.goto(`${at}/settings`);
  const section = page.locator("section").filter({ has: page.getByRole("heading", { name: "Team sync" }) });
  await section.getByLabel("Access token").fill(token);
  const started = Date.now();
  await section.getByRole("button", { name: "Connect" }).click();
  await page.locator('.nav-sync [data-state="ok"]').waitFor({ timeout: 3_600_000 });
  return Date.now() - started;
}

/** `count` contact ops (one field each of count/5 contacts), pushed over HTTP in 1,000s. */
async function pushOps(token, count) {
  const node = "00000000000000bf";
  const wall = Date.now();
  const fields = ["first_name", "last_name", "job_title", "notes", "lifecycle_stage"];
  const values = ["Sara", "Karimi", "Buyer", "bench", "customer"];
  for (let start = 0; start < count; start += 1000) {
    const ops = [];
    for (let i = start; i < Math.min(count, start + 1000); i++) {
      const record = `bench-contact-${String(Math.floor(i / fields.length)).padStart(7, "0")}`;
      const f = i % fields.length;
      ops.push({ id: `bench-op-${i}`, entity: "contact", record, field: fields[f], value: values[f], stamp: `${(wall + i).toString(16).padStart(16, "0")}-00000000-${node}` });
    }
    const answer = await fetch(`${origin}/api/v1/ops`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ ops }) });
    if (!answer.ok) throw new Error(`push refused: ${answer.status} ${await answer.text()}`);
  }
}

/** Sync: a fresh client pulling 100k ops, and a client pushing the ops of an import. */
async function measureSync() {
  const workspace = cli("workspace", "create", `bench ${Date.now()}`);
  const token = () => cli("token", "issue", "--workspace", workspace, "--member", "bench");
  const pulled = 100_000;
  await pushOps(token(), pulled);
  {
    const { page, close } = await freshPage();
    const ms = await connectAndSync(page, token());
    record(`sync: fresh client pulls ${pulled.toLocaleString("en-US")} ops (${(pulled / 5).toLocaleString("en-US")} contacts)`, `${round(ms)} ms`, "—");
    await close();
  }
  const pushWorkspace = cli("workspace", "create", `bench push ${Date.now()}`);
  const pushToken = cli("token", "issue", "--workspace", pushWorkspace, "--member", "bench");
  const { page, close } = await freshPage();
  await importCsv(page, 2_000);
  const ops = await page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open("rabet");
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const entries = await new Promise((resolve) => (db.transaction("outbox").objectStore("outbox").getAll().onsuccess = (e) => resolve(e.target.result)));
    db.close();
    // An entry is JSON as UTF-8 bytes (text in builds before 2026-12-07): an array of ops, or
    // (since 2026-12-07, `rabet_domain::outbox`) each record with its ops.
    const text = (entry) => (typeof entry === "string" ? entry : new TextDecoder().decode(entry));
    const count = (parsed) => (Array.isArray(parsed) ? parsed.length : parsed.records.reduce((sum, [, , ops]) => sum + ops.length, 0));
    return entries.reduce((sum, entry) => sum + count(JSON.parse(text(entry))), 0);
  });
  const ms = await connectAndSync(page, pushToken);
  record(`sync: client pushes an import of 2,000 contacts (${ops.toLocaleString("en-US")} ops)`, `${round(ms)} ms`, "—");
  await close();
}

/** The sample workspace of `size` contacts as sync ops, one JSON op a line, made once. */
function sampleOps(size) {
  const file = join(work, `sample-${size}.ops`);
  if (!existsSync(file)) {
    execFileSync("cargo", ["run", "-q", "-p", "rabet-domain", "--release", "--example", "sample", "--", "--contacts", String(size), "--lang", "fa", "--today", "2026-11-01", "--out", file], { stdio: "inherit" });
  }
  return file;
}

/** Pushes a file of ops (one a line) to `at` in pushes of 1,000; returns how many. */
async function pushFile(at, token, file) {
  let batch = [];
  let count = 0;
  const send = async () => {
    const answer = await fetch(`${at}/api/v1/ops`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: `{"ops":[${batch.join(",")}]}` });
    if (!answer.ok) throw new Error(`push refused: ${answer.status} ${await answer.text()}`);
    count += batch.length;
    batch = [];
  };
  for await (const line of createInterface({ input: createReadStream(file) })) {
    if (!line) continue;
    batch.push(line);
    if (batch.length === 1000) await send();
  }
  if (batch.length) await send();
  return count;
}

/** Bytes of each table with its indexes in a SQLite file (its `dbstat`). */
function sqliteBytes(file) {
  const sql = "SELECT m.tbl_name, SUM(d.pgsize) FROM dbstat d JOIN sqlite_master m ON m.name = d.name GROUP BY m.tbl_name";
  const out = execFileSync("sqlite3", [file, sql], { encoding: "utf8" });
  return Object.fromEntries(out.trim().split("\n").map((line) => line.split("|")).map(([table, bytes]) => [table, Number(bytes)]));
}

/**
 * A new device joining the sample workspace of `size` contacts, on a server of its own (so
 * its database holds this workspace alone): by snapshot, and op by op as before snapshots
 * (the snapshot route answered 404, as an older server does); and what the server stores.
 */
async function measureJoin(size) {
  const label = size.toLocaleString("en-US");
  const dataDir = join(work, `join-${size}`);
  // `--reuse yes` keeps a server's data from an earlier run (the push takes minutes).
  const saved = join(dataDir, "bench-workspace.json");
  const reuse = args.reuse === "yes" && existsSync(saved);
  if (!reuse) rmSync(dataDir, { recursive: true, force: true });
  const at = `http://127.0.0.1:${port + 1}`;
  // A server of the workspace's own; with `prepare`, it prepares the snapshot at start and
  // `prepared` gives what its log said of that.
  const startServer = (prepare) => {
    const proc = spawn(serverBin, ["serve", "--addr", `127.0.0.1:${port + 1}`, "--dist", dist, "--data-dir", dataDir, "--prepare-every-seconds", prepare ? "30" : "0"], { stdio: ["ignore", "ignore", "pipe"] });
    const prepared = new Promise((resolve) => {
      proc.stderr.on("data", (chunk) => {
        process.stderr.write(chunk);
        const line = chunk.toString().replace(/\x1b\[[0-9;]*m/g, "");
        if (!line.includes("snapshot prepared")) return;
        resolve(Object.fromEntries([...line.matchAll(/(\w+)=([\d.]+)/g)].map(([, name, value]) => [name, Number(value)])));
      });
    });
    return { proc, prepared };
  };
  let joinServer = startServer(false);
  const restart = async (prepare) => {
    joinServer.proc.kill();
    await new Promise((resolve) => joinServer.proc.once("exit", resolve));
    joinServer = startServer(prepare);
    await waitForHealth(at);
  };
  try {
    await waitForHealth(at);
    const { workspace, ops } = reuse ? JSON.parse(readFileSync(saved, "utf8")) : { workspace: cliIn(dataDir, "workspace", "create", `bench join ${size}`) };
    const token = () => cliIn(dataDir, "token", "issue", "--workspace", workspace, "--member", "bench");
    let pushed = ops;
    if (!reuse) {
    const started = Date.now();
      pushed = await pushFile(at, token(), sampleOps(size));
      record(`sync: the ${label}-contact sample's ${pushed.toLocaleString("en-US")} ops pushed in 1,000s`, `${round(Date.now() - started)} ms`, "—");
      writeFileSync(saved, JSON.stringify({ workspace, ops: pushed }));
    }
    const opsLabel = pushed.toLocaleString("en-US");
    const bytes = sqliteBytes(join(dataDir, "rabet.db"));
    const mb = (table) => ((bytes[table] ?? 0) / 2 ** 20).toFixed(0);
    record(`server storage, ${label}-contact sample (SQLite, with indexes)`, `compacted state ${mb("compacted")} MB, op log ${mb("ops")} MB`, "—");
    await timeSnapshotPages(at, token(), label, joinServer.proc.pid);
    // What `serve` runs at start and hourly; here every op is recent, so it keeps them all.
    const trimming = Date.now();
    cliIn(dataDir, "trim");
    record(`server: a trim of the ${label}-contact sample's log (every op within the history window)`, `${round(Date.now() - trimming)} ms`, "—");
    for (const way of joinWays) {
      const prepared = way === "by snapshot";
      await restart(prepared);
      if (prepared) {
        const made = await joinServer.prepared;
        record(`server: the ${label}-contact sample's snapshot prepared (every page of a join, gzip as sent)`, `${round(made.seconds * 1000)} ms, server CPU ${round(cpuMs(joinServer.proc.pid))} ms; ${made.pages} pages, ${(made.json_bytes / 2 ** 20).toFixed(0)} MB of JSON kept as ${(made.kept_bytes / 2 ** 20).toFixed(1)} MB`, "—");
      }
      const { page, close } = await freshPage();
      if (way === "op by op") {
        await page.route("**/api/v1/snapshot?*", (route) => route.fulfill({ status: 404, contentType: "application/json", body: '{"error":"not_found","message":"no such API endpoint"}' }));
      } else if (way === "by snapshot in pages of ops") {
        // As a server from before rows answers: the client merges ops into records.
        await page.route("**/api/v1/snapshot?*", (route) => route.continue({ url: route.request().url().replace("&rows=true", "") }));
      }
      const ms = await connectAndSync(page, token(), at);
      record(`new device joins the ${label}-contact sample (${opsLabel} ops) ${way}: every record in memory and stored`, `${round(ms)} ms`, way.startsWith("by snapshot") && !way.includes("ops") ? (size >= 100_000 ? "≤ 60 s" : "≤ 5 s") : "—");
      // A page of rows is shown once its puts are sent, before it commits: from the click
      // (the first page's fetch begins then) to the last page shown.
      const shown = await page.evaluate(() => {
        const marks = performance.getEntriesByType("measure").filter(({ name }) => name.startsWith("join: "));
        const ends = marks.filter(({ name }) => name === "join: shown").map(({ startTime, duration }) => startTime + duration);
        return ends.length ? Math.max(...ends) - Math.min(...marks.map(({ startTime }) => startTime)) : null;
      });
      if (shown !== null) record(`the same join ${way}: from its first request to every record shown (stored after)`, `${round(shown)} ms`, "—");
      // Where a page's time went (the app's `join: <phase>` marks): fetches overlap the
      // rest, three parts in flight; the other phases run one page after another.
      const phases = await page.evaluate(() => {
        const sums = {};
        for (const { name, duration } of performance.getEntriesByType("measure")) {
          if (!name.startsWith("join: ")) continue;
          sums[name] ??= { ms: 0, pages: 0 };
          sums[name].ms += duration;
          sums[name].pages += 1;
        }
        return sums;
      });
      if (Object.keys(phases).length) {
        const { jsMB, wasmMB } = await memory(page);
        record(`the same join ${way}, by phase (summed over pages; memory after)`, `${Object.entries(phases).map(([name, { ms, pages }]) => `${name.slice(6)} ${round(ms)} ms/${pages}`).join(", ")}; JS heap ${jsMB} MB, wasm ${wasmMB} MB`, "—");
      }
      // The device holds every contact, read again from its store (a join's rows are in
      // packs): the same start-up as after loading the sample.
      const ttiMs = await timeToReady(page, `${at}/customers`, contactsShown, size);
      await page.waitForFunction(() => document.querySelector("main")?.getAttribute("aria-busy") === "false", null, { timeout: 600_000 });
      const everyRecordMs = await page.evaluate(() => performance.now());
      record(`the same join ${way}, then a reload: interactive / every record in memory`, `${round(ttiMs)} ms / ${round(everyRecordMs)} ms`, size >= 100_000 ? "≤ 3 s (interactive)" : "≤ 1 s (interactive)");
      await close();
    }
  } finally {
    joinServer.proc.kill();
  }
}

/** CPU time (user + system) a process has used so far, in ms, from `/proc`. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  // utime and stime, the 14th and 15th fields, in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * The server's side of a join: every snapshot page of every kind in rows, gzip, one after
 * another from Node (no browser), timed to the last byte of each answer, and the server's
 * CPU time for them all (which, unlike wall time, does not grow with the machine's load).
 */
async function timeSnapshotPages(at, token, label, serverPid) {
  const get = async (query) => {
    const started = performance.now();
    const answer = await fetch(`${at}/api/v1/snapshot?${query}&rows=true`, { headers: { authorization: `Bearer ${token}`, "accept-encoding": "gzip" } });
    if (!answer.ok) throw new Error(`snapshot refused: ${answer.status} ${await answer.text()}`);
    const page = await answer.json();
    return { page, ms: performance.now() - started };
  };
  const times = [];
  const cpuBefore = cpuMs(serverPid);
  const first = await get("kind=contact");
  const cursor = first.page.cursor;
  for (const kind of Object.keys(first.page.totals)) {
    let after = null;
    for (;;) {
      const { page, ms } = kind === "contact" && after === null ? first : await get(`kind=${kind}&cursor=${cursor}${after ? `&after=${encodeURIComponent(after)}` : ""}`);
      times.push(ms);
      if (!page.more) break;
      after = page.last;
    }
  }
  const cpu = cpuMs(serverPid) - cpuBefore;
  const total = times.reduce((sum, ms) => sum + ms, 0);
  const load = readFileSync("/proc/loadavg", "utf8").split(" ")[0];
  record(`server: every snapshot page of the ${label}-contact sample as rows, gzip, one after another (${times.length} pages)`, `${round(total)} ms; per page median ${round(median(times))} ms, max ${round(Math.max(...times))} ms; server CPU ${round(cpu)} ms (${round(cpu / times.length)} ms a page), load ${load}`, "—");
}

/** JS heap in use plus the wasm linear memory, after a collection. */
async function memory(page) {
  return page.evaluate(() => {
    globalThis.gc?.();
    const js = performance.memory.usedJSHeapSize;
    const wasm = window.__wasm?.memory?.buffer.byteLength ?? 0;
    return { jsMB: +(js / 2 ** 20).toFixed(1), wasmMB: +(wasm / 2 ** 20).toFixed(1) };
  });
}

const rows = [];
const record = (what, value, target) => {
  rows.push({ what, value, target });
  console.log(`${what}: ${value}${target ? `  (target ${target})` : ""}`);
};

try {
  if (importOnly) {
    for (const size of sizes) await measureImport(size);
  } else if (joinOnly) {
    for (const size of sizes) await measureJoin(size);
  } else if (paletteOnly) {
    for (const size of sizes) await measurePalette(size);
  } else if (bulkOnly) {
    for (const size of sizes) await measureBulk(size);
  } else {
    await measureAll();
  }
} finally {
  server.kill();
}

async function measurePalette(size) {
  const label = size.toLocaleString("en-US");
  const { page, close } = await freshPage();
  await loadSample(page, size);
  const search = await searchLatency(page, size);
  record(`search over ${label} contacts, 50 queries`, `median ${search.median} ms, p95 ${search.p95} ms`, "p95 ≤ 30 ms");
  await recordPalette(page, label);
  await close();
}

async function recordPalette(page, label) {
  const palette = await paletteLatency(page);
  record(`command palette over ${label} contacts, ${palette.keys} keystrokes`, `median ${palette.median} ms, p95 ${palette.p95} ms`, "p95 ≤ 30 ms");
}

/**
 * Clicks the bulk bar's `button` and waits for the notice saying `done`: milliseconds from the
 * click to that notice, and the longest gap between frames meanwhile (how long the page could
 * not respond).
 */
async function bulkAction(page, button, done) {
  return page.evaluate(
    async ({ button, done }) => {
      const target = [...document.querySelectorAll(".bulk-bar button, .notice button")].find((b) => b.textContent.trim() === button);
      let last = performance.now();
      let longestFrame = 0;
      const started = last;
      target.click();
      await new Promise((resolve) => {
        const frame = (now) => {
          longestFrame = Math.max(longestFrame, now - last);
          last = now;
          if ([...document.querySelectorAll(".notice span")].some((span) => span.textContent === done)) resolve();
          else requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      });
      return { ms: performance.now() - started, longestFrame };
    },
    { button, done },
  );
}

async function measureBulk(size) {
  const label = size.toLocaleString("en-US");
  const { page, close } = await freshPage();
  await loadSample(page, size);
  await page.goto(`${origin}/customers`);
  await page.waitForFunction(contactsShown, size, { timeout: 600_000, polling: "raf" });
  await page.waitForFunction(() => document.querySelector("main")?.getAttribute("aria-busy") === "false", null, { timeout: 600_000 });
  await page.getByRole("checkbox", { name: "Select every contact shown" }).check();
  await page.getByRole("region", { name: "Act on the selected contacts" }).getByRole("textbox", { name: "Tag" }).fill("bench");
  const profiler = profiling ? await startProfile(page) : null;
  const tag = await bulkAction(page, "Add tag", `Tag added to ${label} contacts.`);
  if (profiler) await stopProfile(page, profiler, `bulk-${size}`);
  record(`bulk tag of ${label} contacts (one write, one outbox entry), click to done`, `${round(tag.ms)} ms, longest frame ${round(tag.longestFrame)} ms`, "≤ 2 s at 10k");
  const undo = await bulkAction(page, "Undo", `Undone for ${label} contacts.`);
  record(`its undo, click to done`, `${round(undo.ms)} ms, longest frame ${round(undo.longestFrame)} ms`, "—");
  await close();
}

async function startProfile(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 500 });
  await page.evaluate(() => performance.clearMeasures());
  await cdp.send("Profiler.start");
  return cdp;
}

/** Saves the profile and prints the app's phases and the heaviest functions by self time. */
async function stopProfile(page, cdp, name) {
  const { profile } = await cdp.send("Profiler.stop");
  const file = join(work, `${name}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  // Each phase with when it began, from the first phase: the gaps are unmarked work.
  const phases = await page.evaluate(() => performance.getEntriesByType("measure").map((m) => [m.name, Math.round(m.duration), Math.round(m.startTime)]));
  for (const [phase, ms, at] of phases) console.log(`phase ${phase}: ${ms} ms (at +${at - (phases[0]?.[2] ?? 0)} ms)`);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  profile.samples.forEach((id, at) => {
    const { functionName, url } = byId.get(id).callFrame;
    const key = `${functionName || "(anonymous)"} ${url.split("/").pop()}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[at + 1] ?? 0) / 1000);
  });
  const total = (profile.endTime - profile.startTime) / 1000;
  console.log(`profile ${file}: ${round(total)} ms; self time by function:`);
  for (const [fn, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${round(ms)} ms  ${fn}`);
}

async function measureImport(size) {
  const { page, close } = await freshPage();
  let profiler = null;
  const importMs = await importCsv(page, size, async () => {
    if (profiling) profiler = await startProfile(page);
  });
  if (profiler) await stopProfile(page, profiler, `import-${size}`);
  const rawMs = await rawBulkPut(page, size);
  record(`CSV import of ${size.toLocaleString("en-US")} contacts`, `${round(importMs)} ms vs raw IndexedDB put ${round(rawMs)} ms: ${(importMs / rawMs).toFixed(1)}×`, "≤ 1.3×");
  await close();
}

async function measureAll() {
  const size = transferSize();
  record("initial load, gzip (html+js+wasm+css)", `${kb(size.total)} KB (${Object.entries(size.parts).map(([name, bytes]) => `${name.split(".").pop()} ${kb(bytes)}`).join(", ")})`, "≤ 350 KB");

  {
    const { page, close } = await freshPage();
    const ms = await timeToReady(page, `${origin}/customers`, () => /No contacts yet/.test(document.body.textContent));
    record("interactive, empty store", `${round(ms)} ms`, "—");
    await close();
  }

  await measureSync();

  for (const size of sizes) {
    const label = size.toLocaleString("en-US");
    await measureJoin(size);
    await measureImport(size);
    const { page, close } = await freshPage();
    let loadMs;
    try {
      loadMs = await loadSample(page, size);
    } catch (error) {
      // Measure the other sizes, and still write the table, when one load does not finish.
      record(`sample workspace of ${label} contacts loaded (Settings)`, `did not finish: ${String(error.message ?? error).split("\n")[0]}`, "—");
      await close();
      continue;
    }
    record(`sample workspace of ${label} contacts loaded (Settings)`, `${round(loadMs)} ms`, "—");
    const ttiMs = await timeToReady(page, `${origin}/customers`, contactsShown, size);
    record(`interactive with ${label} contacts`, `${round(ttiMs)} ms`, size >= 100_000 ? "≤ 3 s" : "≤ 1 s");
    // The list shows once contacts are in; memory is measured once every kind is.
    await page.waitForFunction(() => document.querySelector("main")?.getAttribute("aria-busy") === "false", null, { timeout: 600_000 });
    record(`every record in memory with ${label} contacts`, `${round(await page.evaluate(() => performance.now()))} ms`, "—");
    const mem = await memory(page);
    record(`memory with ${label} contacts (JS heap + wasm)`, `${(mem.jsMB + mem.wasmMB).toFixed(1)} MB (JS ${mem.jsMB} + wasm ${mem.wasmMB})`, "≤ 250 MB at 100k");
    const search = await searchLatency(page, size);
    record(`search over ${label} contacts, 50 queries`, `median ${search.median} ms, p95 ${search.p95} ms`, "p95 ≤ 30 ms");
    await recordPalette(page, label);
    const boardMs = await navigationRender(page, "Pipeline", "document.querySelectorAll('.board-column article').length > 0");
    const openDeals = await page.evaluate(() => [...document.querySelectorAll(".column-count")].reduce((sum, p) => sum + (parseInt(p.textContent.replace(/,/g, ""), 10) || 0), 0).toLocaleString("en-US"));
    record(`pipeline board render (${label}-contact workspace, ${openDeals} open deals)`, `${round(boardMs)} ms`, "≤ 150 ms");
    record(`pipeline move, key press to repaint (${openDeals} open deals)`, await moveRepaint(page).then((ms) => (Number.isNaN(ms) ? "not seen within 10 s" : `${round(ms)} ms`)), "—");
    const dashboardMs = await dashboardRecompute(page);
    record(`dashboard recompute, one-year range (${label} contacts)`, `${round(dashboardMs)} ms`, "≤ 150 ms");
    const openMs = await open360(page);
    record(`customer 360 open with 2,000 timeline entries (${label} contacts)`, `${round(openMs)} ms`, "≤ 100 ms");
    await close();
  }
}

console.table(rows);
writeFileSync(
  outFile,
  `# Benchmarks\n\nMeasured by \`./bench.sh\` (bench/run.mjs) on ${new Date().toISOString().slice(0, 10)}: ${machine}.\n` +
    `The release build in headless Chromium on the real server; workspaces from \`rabet_domain::sample\`.\n\n` +
    `| What | Measured | Target |\n|---|---|---|\n${rows.map((r) => `| ${r.what} | ${r.value} | ${r.target} |`).join("\n")}\n` +
    // Why targets are missed is written by people, not measured: kept beside this script.
    `\n${readFileSync("bench/misses.md", "utf8")}`,
);
