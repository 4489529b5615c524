// Measures, in headless Chromium against the release build on the real server:
// - importing N generated contacts through the import page (file chosen → "N contacts imported");
// - the same records written by a plain JavaScript IndexedDB bulk put, for comparison;
// - search latency over the imported contacts (input event → list updated), median and p95.
// Usage: node bench/measure-customers.mjs [10000 100000 …]   (run ./run.sh's build first)
import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
import { contactsCsv } from "./generate.mjs";

const sizes = process.argv.slice(2).map(Number).filter(Boolean);
if (sizes.length === 0) sizes.push(10_000, 100_000);
const port = 8123;
const origin = `http://127.0.0.1:${port}`;
const server = spawn("target/release/rabet-server", ["serve", "--addr", `127.0.0.1:${port}`, "--dist", "dist", "--data-dir", "target/bench-data"], { stdio: "inherit" });
await new Promise((resolve) => setTimeout(resolve, 500));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const queries = ["علی", "كريمي", "sara", "0912000", "پارس", "smith", "زهرا احمدی", "vip", "reza", "c123@"];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1];
const results = [];
try {
  for (const size of sizes) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/customers/import`);
    const csv = contactsCsv(size);
    await page.getByLabel("Choose a CSV or vCard file").setInputFiles({ name: "contacts.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    const button = page.getByRole("button", { name: `Import ${size.toLocaleString("en-US")} rows` });
    await button.waitFor({ timeout: 120_000 });
    const started = Date.now();
    // Parsing and checking the rows runs before the first progress paint, so the click can take long.
    await button.click({ timeout: 600_000 });
    await page.getByText(`${size.toLocaleString("en-US")} contacts imported.`).waitFor({ timeout: 600_000 });
    const importMs = Date.now() - started;

    // The same rows as plain objects, put by raw IndexedDB in one transaction.
    const rawMs = await page.evaluate(async (count) => {
      const open = indexedDB.open("raw-bench", 1);
      open.onupgradeneeded = () => open.result.createObjectStore("contacts", { keyPath: "id" });
      const db = await new Promise((resolve, reject) => { open.onsuccess = () => resolve(open.result); open.onerror = () => reject(open.error); });
      const rows = Array.from({ length: count }, (_, i) => ({ id: `c-${i}`, first_name: "علی", last_name: "کریمی", phones: [{ label: "mobile", number: `+98912${i}` }], emails: [{ label: "work", address: `c${i}@example.com` }], tags: [] }));
      const t0 = performance.now();
      const tx = db.transaction("contacts", "readwrite");
      const store = tx.objectStore("contacts");
      for (const row of rows) store.put(row);
      await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
      const elapsed = performance.now() - t0;
      db.close();
      indexedDB.deleteDatabase("raw-bench");
      return elapsed;
    }, size);

    await page.goto(`${origin}/customers`);
    await page.getByText(new RegExp(`^${size.toLocaleString("en-US")} of ${size.toLocaleString("en-US")}$`)).waitFor({ timeout: 120_000 });
    const timings = [];
    for (let round = 0; round < 5; round++) {
      for (const query of queries) {
        timings.push(await page.evaluate(async (query) => {
          const input = document.querySelector('input[type="search"]');
          const count = document.querySelector(".list-count");
          const before = count.textContent;
          const changed = new Promise((resolve) => new MutationObserver((_, observer) => { observer.disconnect(); resolve(); }).observe(count, { childList: true, subtree: true, characterData: true }));
          const t0 = performance.now();
          input.value = query;
          input.dispatchEvent(new Event("input", { bubbles: true }));
          await Promise.race([changed, new Promise((r) => setTimeout(r, 2000))]);
          const elapsed = performance.now() - t0;
          input.value = "";
          input.dispatchEvent(new Event("input", { bubbles: true }));
          await new Promise((r) => requestAnimationFrame(() => r()));
          return before === count.textContent ? elapsed : elapsed;
        }, query));
      }
    }
    const result = { size, importMs, rawPutMs: Math.round(rawMs), searchMedianMs: +median(timings).toFixed(1), searchP95Ms: +p95(timings).toFixed(1) };
    console.log(JSON.stringify(result));
    results.push(result);
    await context.close();
  }
} finally {
  await browser.close();
  server.kill();
}
console.table(results);
