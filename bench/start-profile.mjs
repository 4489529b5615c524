// Where a first visit's main-thread time goes until the workspace has loaded: the long tasks
// (as Lighthouse's total blocking time counts them) and a CPU profile's functions by time, at
// a CPU slowed as Lighthouse's mobile run slows it (4×). Names are only as good as the wasm:
// for Rust's names, measure a build whose wasm kept its name section (see BENCHMARKS.md,
// "Start-up in tasks"). It builds nothing and asserts nothing.
//
// Usage (after `build_app` and `build_server`, see scripts/ensure.sh):
//   node bench/start-profile.mjs [--dist dist] [--port 8125] [--path /customers] [--rate 4] [--top 30]
//                                [--server target/release/rabet-server]
import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const args = Object.fromEntries(process.argv.slice(2).map((arg, i, all) => (arg.startsWith("--") ? [arg.slice(2), all[i + 1]] : [])).filter((pair) => pair.length));
const dist = args.dist ?? "dist";
const port = Number(args.port ?? 8125);
const path = args.path ?? "/customers";
const rate = Number(args.rate ?? 4);
const top = Number(args.top ?? 30);
const origin = `http://127.0.0.1:${port}`;

const work = mkdtempSync(join(tmpdir(), "rabet-profile-"));
const server = spawn(args.server ?? "target/release/rabet-server", ["serve", "--addr", `127.0.0.1:${port}`, "--dist", dist, "--data-dir", join(work, "server-data")], { stdio: ["ignore", "ignore", "inherit"] });

async function serverUp() {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await fetch(`${origin}/api/health`).then((response) => response.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server did not start on ${origin}`);
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
try {
  await serverUp();
  const page = await browser.newPage();
  // Long tasks from the start, kept where the page can hand them over.
  await page.addInitScript(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((task) => [Math.round(task.startTime), Math.round(task.duration)]))).observe({ type: "longtask", buffered: true });
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate });
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
  await cdp.send("Profiler.start");
  await page.goto(origin + path);
  // Loaded, then the first idle moment after it: what the start left for later has run.
  await page.locator("main[aria-busy=false]").waitFor();
  const started = await page.evaluate(() => new Promise((resolve) => requestIdleCallback(() => resolve(Math.round(performance.now())), { timeout: 5000 })));
  const { profile } = await cdp.send("Profiler.stop");
  const tasks = await page.evaluate(() => window.longTasks);
  const blocking = tasks.reduce((sum, [, duration]) => sum + Math.max(0, duration - 50), 0);
  console.log(`${dist} ${path}, CPU ÷${rate}: idle after load at ${started} ms; long tasks (start ms, duration ms): ${tasks.map(([at, duration]) => `${at}:${duration}`).join(" ")}; blocking ${blocking} ms (before ÷${rate}'s rescaling)`);

  // Self and total (inclusive) time per function, from the samples.
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const name = (node) => node.callFrame.functionName || `(${node.callFrame.url.split("/").pop() || "program"})`;
  const self = new Map();
  const total = new Map();
  const deltas = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const ms = (deltas[i + 1] ?? 0) / 1000;
    const leaf = nodes.get(id);
    self.set(name(leaf), (self.get(name(leaf)) ?? 0) + ms);
    const seen = new Set();
    for (let node = leaf; node; node = nodes.get(parent.get(node.id))) {
      if (seen.has(name(node))) continue;
      seen.add(name(node));
      total.set(name(node), (total.get(name(node)) ?? 0) + ms);
    }
  });
  const table = (title, times) => {
    console.log(`\n| ${title} | ms |\n|---|---|`);
    for (const [fn, ms] of [...times].filter(([fn]) => !/^\((idle|program|root)\)$/.test(fn)).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`| \`${fn.slice(0, 120)}\` | ${ms.toFixed(0)} |`);
  };
  table("function, total (inclusive)", total);
  table("function, self", self);
} finally {
  await browser.close();
  server.kill();
  rmSync(work, { recursive: true, force: true });
}
