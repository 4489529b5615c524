// Lighthouse's performance audit (mobile, its default simulated throttling) of the release
// build served by the real server, as a phone's first visit sees it: a fresh Chromium profile
// per run, so no service worker or cache. It builds nothing and asserts nothing; it prints,
// for each URL, the median of the runs: score, LCP, FCP, TBT, SI, CLS, the LCP element and
// the LCP's phases, and the long tasks of the median run. Each run's JSON goes to
// target/bench/lighthouse/ for a closer look.
//
// Usage (after `build_app` and `build_server`, see scripts/ensure.sh):
//   node bench/lighthouse.mjs [--dist dist] [--port 8124] [--runs 3] [--paths /,/customers]
//                             [--throttling simulate|devtools] [--label name]
// `--dist other/dist` measures another build (e.g. main's) on the same server binary;
// `--server <binary>` serves with another server build.
import lighthouse from "lighthouse";
import { launch } from "chrome-launcher";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const args = Object.fromEntries(process.argv.slice(2).map((arg, i, all) => (arg.startsWith("--") ? [arg.slice(2), all[i + 1]] : [])).filter((pair) => pair.length));
const dist = args.dist ?? "dist";
const port = Number(args.port ?? 8124);
const runs = Number(args.runs ?? 3);
const paths = (args.paths ?? "/,/customers").split(",");
const throttlingMethod = args.throttling ?? "simulate";
const label = args.label ?? "run";
const origin = `http://127.0.0.1:${port}`;
const reports = "target/bench/lighthouse";
mkdirSync(reports, { recursive: true });

const work = mkdtempSync(join(tmpdir(), "rabet-lighthouse-"));
const server = spawn(args.server ?? "target/release/rabet-server", ["serve", "--addr", `127.0.0.1:${port}`, "--dist", dist, "--data-dir", join(work, "server-data")], { stdio: ["ignore", "ignore", "inherit"] });

/** Resolves once the server answers its health check (it is still binding before that). */
async function serverUp() {
  for (let attempt = 0; attempt < 100; attempt++) {
    const healthy = await fetch(`${origin}/api/health`).then((response) => response.ok, () => false);
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server did not start on ${origin}`);
}

/** One Lighthouse run of `url` in a fresh headless Chromium; its report (lhr). */
async function audit(url) {
  const chrome = await launch({
    chromePath: process.env.CHROME_PATH ?? process.env.CHROMIUM ?? "/usr/bin/chromium",
    chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu"],
  });
  try {
    const result = await lighthouse(url, { port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["performance"], throttlingMethod });
    return result.lhr;
  } finally {
    await chrome.kill();
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const metric = (lhr, id) => lhr.audits[id].numericValue;

/** The LCP element and its phases (TTFB, load delay, load time, render delay) from a report. */
function lcpElement(lhr) {
  const [elementTable, phaseTable] = lhr.audits["largest-contentful-paint-element"]?.details?.items ?? [];
  const node = elementTable?.items?.[0]?.node;
  const phases = (phaseTable?.items ?? []).map((phase) => `${phase.phase} ${Math.round(phase.timing)} ms`).join(", ");
  return { element: node ? `${node.nodeLabel} (${node.selector})` : "none", phases };
}

/** The main thread's long tasks of a report: "duration ms at start ms (url)". */
function longTasks(lhr) {
  return (lhr.audits["long-tasks"]?.details?.items ?? [])
    .map((task) => `${Math.round(task.duration)} ms at ${Math.round(task.startTime)} ms (${task.url.replace(origin, "") || "page"})`)
    .join("; ");
}

try {
  await serverUp();
  const stamp = new Date().toISOString().slice(0, 16);
  console.log(`Lighthouse ${(await import("lighthouse/package.json", { with: { type: "json" } })).default.version}, mobile, throttling ${throttlingMethod}, ${dist}, ${runs} runs, ${stamp} UTC`);
  console.log("| URL | score | LCP | FCP | TBT | SI | CLS | LCP element | LCP phases (median run) |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const path of paths) {
    const lhrs = [];
    for (let run = 0; run < runs; run++) {
      const lhr = await audit(origin + path);
      writeFileSync(join(reports, `${label}-${path.replace(/\W/g, "") || "root"}-${run}.json`), JSON.stringify(lhr));
      lhrs.push(lhr);
    }
    const scores = lhrs.map((lhr) => Math.round(lhr.categories.performance.score * 100));
    const middle = lhrs[scores.indexOf(median(scores))];
    const { element, phases } = lcpElement(middle);
    const of = (id) => median(lhrs.map((lhr) => metric(lhr, id)));
    console.log(
      `| \`${path}\` | ${median(scores)} (${scores.join(", ")}) | ${seconds(of("largest-contentful-paint"))} | ${seconds(of("first-contentful-paint"))} | ` +
        `${Math.round(of("total-blocking-time"))} ms | ${seconds(of("speed-index"))} | ${of("cumulative-layout-shift").toFixed(3)} | ${element} | ${phases} |`,
    );
    console.log(`  long tasks of the median run: ${longTasks(middle) || "none"}`);
  }
} finally {
  server.kill();
  rmSync(work, { recursive: true, force: true });
}
