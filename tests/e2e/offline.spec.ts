import { expect, test, type Page } from "./fixtures";
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Waits until the service worker has installed and controls the page. */
async function controlledByWorker(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }));
    }
  });
}

test("after one visit the app starts with the network off", async ({ page, context }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  await controlledByWorker(page);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  // Deep links work offline too: every route is the same cached page.
  await page.goto("/customers");
  await expect(page.getByRole("heading", { level: 1, name: "Customers" })).toBeVisible();
  // The cached page's pre-rendered frame (scripts/prerender.mjs) made way for the app.
  await expect(page.locator("#prerendered-frame")).toHaveCount(0);
  await expect(page.locator("h1")).toHaveCount(1);
  await context.setOffline(false);
});

// A deploy replaces the files under a running server; this test gets a server of its own
// over a copy of the build so it can deploy a "new version" without disturbing other tests.
test.describe("a new deploy", () => {
  let dist: string;
  let origin: string;
  let server: ChildProcess;

  test.beforeEach(async ({}, testInfo) => {
    dist = mkdtempSync(join(tmpdir(), "rabet-dist-"));
    cpSync("dist", dist, { recursive: true });
    // parallelIndex stays below the worker count, unlike workerIndex, which grows after a failure.
    const addr = `127.0.0.1:${18090 + testInfo.parallelIndex}`;
    origin = `http://${addr}`;
    server = spawn("target/release/rabet-server", ["serve", "--addr", addr, "--dist", dist, "--data-dir", join(dist, ".data")], {
      stdio: "ignore",
    });
    await waitForHealth(origin);
  });

  test.afterEach(() => {
    server.kill();
    rmSync(dist, { recursive: true, force: true });
  });

  test("is offered with a reload prompt that switches to it", async ({ page }) => {
    await page.goto(origin + "/");
    await controlledByWorker(page);
    const prompt = page.getByRole("status").filter({ hasText: "A new version of Rabet is available." });
    await expect(prompt).toHaveCount(0);

    const oldVersion = workerVersion(dist);
    deployNewVersion(dist);
    await page.reload();
    await expect(prompt).toBeVisible();

    // The page reloads once the new worker has taken over; wait for that load, not for the
    // old page's heading, which is still on screen until then.
    const reloaded = page.waitForEvent("load");
    await prompt.getByRole("button", { name: "Reload" }).click();
    await reloaded;
    await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
    await expect(prompt).toHaveCount(0);
    await expect.poll(() => page.evaluate(() => caches.keys())).toEqual([`rabet-${workerVersion(dist)}`]);
    expect(workerVersion(dist)).not.toBe(oldVersion);
  });
});

async function waitForHealth(origin: string) {
  const healthy = () => fetch(`${origin}/api/health`).then((r) => r.ok, () => false);
  await expect.poll(healthy, { message: `server at ${origin} did not start`, timeout: 10_000 }).toBe(true);
}

function workerVersion(dist: string): string {
  return /const VERSION = "([0-9a-f]+)"/.exec(readFileSync(join(dist, "sw.js"), "utf8"))![1];
}

/** Stands for a new build: the worker gets a new version, and its precompressed twins go. */
function deployNewVersion(dist: string) {
  const path = join(dist, "sw.js");
  const next = readFileSync(path, "utf8").replace(/const VERSION = "[0-9a-f]+"/, 'const VERSION = "0123456789abcdef"');
  writeFileSync(path, next);
  rmSync(`${path}.gz`, { force: true });
  rmSync(`${path}.br`, { force: true });
}
