// The core end-to-end flows in Firefox (WebDriver BiDi) and WebKit (WebDriver classic), the
// engines Playwright's Chromium runs do not cover, against the release build on the real
// server. `./test.sh` runs it after Playwright:
//
//   node tests/engines/run.mjs [firefox] [webkit]      (both when none is named)
//
// Needs dist/ and target/release/rabet-server (`build_app; build_server`), Debian's
// firefox-esr, webkit2gtk-driver and xvfb (scripts/ensure.sh installs them). The server
// listens on RABET_E2E_PORT (default 8099) and keeps its data in target/engines-data.
// Prints each flow's result and "N passed, N failed"; exits non-zero on any failure.
// RABET_ENGINES_DEBUG=1 also prints every WebDriver command sent to WebKit.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { firefox } from "./firefox.mjs";
import * as flows from "./scenarios.mjs";
import { webkit } from "./webkit.mjs";

const port = Number(process.env.RABET_E2E_PORT ?? 8099);
const origin = `http://127.0.0.1:${port}`;
const dataDir = "target/engines-data";
const serverBinary = "target/release/rabet-server";
// Made by `cargo run -p rabet-domain --release --example sample -- --contacts 3 --lang fa
// --seed 7 --today 2026-12-01 --out tests/engines/backup.json`.
const backup = { path: join(import.meta.dirname, "backup.json"), contacts: 3, firstName: "یاسمن کاظمی" };

for (const needed of ["dist/index.html", serverBinary]) {
  if (!existsSync(needed)) throw new Error(`${needed} is missing: build the app and the server first (see test.sh)`);
}

/** Starts the server on `addr` over `data`; resolves once it answers. */
async function startServer(addr, data) {
  const health = `http://${addr}/api/health`;
  if (await fetch(health).then(() => true, () => false)) throw new Error(`${addr} is taken: another server is running there`);
  const child = spawn(serverBinary, ["serve", "--addr", addr, "--dist", "dist", "--data-dir", data], { stdio: ["ignore", "ignore", "inherit"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  // Even if this process dies of an error, the server goes with it.
  process.once("exit", () => child.kill());
  const deadline = Date.now() + 30_000;
  while (!(await fetch(health).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the server on ${addr} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    origin: `http://${addr}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
    },
  };
}

function serverCli(...args) {
  return execFileSync(serverBinary, [...args, "--data-dir", dataDir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** An invite link (`/join#server=…&token=…`) of a new member of one new workspace. */
function inviter() {
  const workspace = serverCli("workspace", "create", `engines ${Date.now()}`);
  return (member) => {
    const printed = serverCli("token", "issue", "--workspace", workspace, "--member", member, "--app-url", origin);
    const link = printed.split("\n").find((line) => line.includes("/join#"));
    if (!link) throw new Error(`no invite link in: ${printed}`);
    return link.trim().slice(link.trim().indexOf("http"));
  };
}

// A server of its own for the offline flow, which stops it; a port per engine run.
let offlinePort = 10_000 + port;
const offlineServer = () => {
  const data = mkdtempSync(join(tmpdir(), "rabet-engines-"));
  return startServer(`127.0.0.1:${offlinePort++}`, data).then((server) => ({
    origin: server.origin,
    async stop() {
      await server.stop();
      rmSync(data, { recursive: true, force: true });
    },
  }));
};

const launchers = { firefox: () => firefox(origin), webkit: () => webkit(origin, port + 100) };
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(launchers);

// The whole run takes about two minutes; one that hangs (a driver that never answers) ends
// as a failure instead of holding the test run forever.
const RUN_LIMIT_MS = 15 * 60_000;
setTimeout(() => {
  console.log(`\nengines: stopped after ${RUN_LIMIT_MS / 60_000} minutes, something hangs`);
  process.exit(1);
}, RUN_LIMIT_MS).unref();

rmSync(dataDir, { recursive: true, force: true });
const server = await startServer(`127.0.0.1:${port}`, dataDir);
const results = [];

// A flow that fails is run once more on a fresh device, and the first failure is printed
// either way, so a second failure is a bug and a first one is a flake on record, not a red
// run (WebKit's first flow failed so before the browser was warmed up, see `warmUp`).
async function attempt(name, flow) {
  const started = Date.now();
  for (const last of [false, true]) {
    try {
      await flow();
      results.push({ name, ok: true });
      const again = last ? ", on its second attempt" : "";
      console.log(`  ✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s${again})`);
      return;
    } catch (error) {
      if (last) {
        results.push({ name, ok: false });
        console.log(`  ✘ ${name}: ${error.stack ?? error}`);
      } else {
        console.log(`  ! ${name}: failed once, trying again on a fresh device: ${error.message ?? error}`);
      }
    }
  }
}

// A cold WebKitGTK (its first sessions after the driver starts, on a machine just busy with
// builds or the Playwright suite) has left a save "Saving…" and then the next session's
// workspace loading for over 20 s, and worked in every later session of the run; alone,
// its first flow passes nearly always. The flows test the app, not the engine's warming up:
// WebKit first opens the app and saves a contact in up to two sessions of its own, waiting a
// minute for each step; what goes wrong there is printed, not counted.
async function warmUp(engine) {
  const started = Date.now();
  for (const last of [false, true]) {
    const page = await engine.open();
    try {
      await flows.warmUp(page);
      console.log(`    warmed up: the app loaded and saved in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return;
    } catch (error) {
      console.log(`    warming ${engine.name} up${last ? " again" : ""}: ${error.message ?? error}`);
    } finally {
      await page.close().catch(() => {});
    }
  }
}

/** Runs `flow` on a fresh device of `engine`, closing it afterwards. */
function onDevice(engine, flow, ...args) {
  return async () => {
    const page = await engine.open();
    try {
      await flow(page, ...args);
    } catch (error) {
      // What the page holds when a flow fails, so that a failure seen only in a full run can
      // be read afterwards.
      const held = await Promise.race([page.evaluate(pageState), new Promise((resolve) => setTimeout(resolve, 10_000, "no answer in 10 s"))]).catch((reason) => `unreadable: ${reason}`);
      error.message += `\n    the page held: ${JSON.stringify(held)}`;
      throw error;
    } finally {
      await page.close();
    }
  };
}

/** Runs in the page: where it is and what it shows. */
function pageState() {
  const main = document.querySelector("#main");
  return {
    url: location.href,
    readyState: document.readyState,
    frameShown: Boolean(document.querySelector("[data-frame]")),
    mainBusy: main?.getAttribute("aria-busy") ?? null,
    serviceWorker: Boolean(navigator.serviceWorker?.controller),
    text: (document.body?.innerText ?? "").replace(/\s+/g, " ").slice(0, 400),
  };
}

const engines = [];
try {
  for (const name of wanted) {
    const engine = await launchers[name]();
    engines.push(engine);
    console.log(`\n${name}`);
    if (name === "webkit") await warmUp(engine);
    await attempt(`${name}: boot, a Persian customer created, found and kept over a reload; the Persian UI`, onDevice(engine, flows.persianCustomer));
    await attempt(`${name}: a deal moved with the keyboard at once after a reload stays moved`, onDevice(engine, flows.keyboardMove));
    await attempt(`${name}: two tabs of one browser show each other's new contacts without a reload`, onDevice(engine, async (page) => {
      console.log(`    Web Locks: ${(await flows.twoTabs(page)) ? "present" : "missing (every tab syncs)"}`);
    }));
    await attempt(`${name}: after one visit the app starts with its server gone`, onDevice(engine, flows.offline, { start: offlineServer }));
    await attempt(`${name}: storage protection asked for in Settings, the answer shown`, onDevice(engine, async (page) => {
      console.log(`    navigator.storage.persist(): ${await flows.protectData(page)}`);
    }));
    await attempt(`${name}: a backup restored into an empty browser`, onDevice(engine, flows.restoreBackup, { backup }));
    await attempt(`${name}: "Join and sync" tapped at once from an invite link connects`, onDevice(engine, (page) => flows.join(page, inviter()("Darya"), "Darya")));
    if (engine.fontWarnings) {
      await attempt(`${name}: the Persian font is accepted without a warning`, async () => {
        if (engine.fontWarnings.length) throw new Error(engine.fontWarnings.join("\n"));
      });
    }
  }
  if (engines.length === 2) {
    const [a, b] = engines;
    await attempt(`two devices, ${a.name} and ${b.name}, joined by invite links, see each other's contacts`, async () => {
      const pages = [await a.open(), await b.open()];
      try {
        await flows.twoDevices(pages, { invite: inviter() });
      } finally {
        for (const page of pages) await page.close();
      }
    });
  }
} finally {
  for (const engine of engines) await engine.close();
  await server.stop();
}

console.log(`\n${engines.map((engine) => engine.version).join(", ")}`);
const failed = results.filter((result) => !result.ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
