// WebKitGTK (Safari's engine) over WebDriver classic: Debian's WebKitWebDriver drives its
// MiniBrowser under a virtual X display (xvfb-run). A WebKitWebDriver holds one session at a
// time, and each session is a fresh browser with storage of its own: one device at a time.
import { execFileSync, spawn } from "node:child_process";
import http from "node:http";

import { Page, TIMEOUT } from "./page.mjs";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
// WebDriver's code points for the keys the tests press.
const KEYS = { ArrowLeft: "\uE012", ArrowUp: "\uE013", ArrowRight: "\uE014", ArrowDown: "\uE015", Enter: "\uE007", Escape: "\uE00C", Tab: "\uE004" };

function miniBrowser() {
  if (process.env.MINIBROWSER) return process.env.MINIBROWSER;
  // Debian puts it in a folder per architecture and WebKitGTK API version.
  const found = execFileSync("sh", ["-c", "ls /usr/lib/*/webkit2gtk-4.*/MiniBrowser 2>/dev/null || true"], { encoding: "utf8" }).split("\n").filter(Boolean).sort().at(-1);
  if (!found) throw new Error("MiniBrowser not found under /usr/lib/*/webkit2gtk-4.*/ (Debian's webkit2gtk-driver)");
  return found;
}

export async function webkit(origin, port) {
  const binary = miniBrowser();
  // -a: a free display number; the driver and every browser it starts share it.
  const server = spawn("xvfb-run", ["-a", "WebKitWebDriver", `--port=${port}`], { stdio: ["ignore", "ignore", "pipe"], detached: true });
  let log = "";
  server.stderr.on("data", (chunk) => {
    log += chunk;
    if (process.env.RABET_ENGINES_DEBUG) process.stderr.write(chunk);
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const ready = await command(base, "GET", "/status").catch(() => null);
    if (ready?.ready) break;
    if (server.exitCode !== null || Date.now() > deadline) throw new Error(`WebKitWebDriver did not start: ${log}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  let version = "";
  return {
    name: "webkit",
    get version() {
      return version;
    },
    async open() {
      const session = await command(base, "POST", "/session", {
        capabilities: { alwaysMatch: { "webkitgtk:browserOptions": { binary, args: ["--automation"] } } },
      });
      version = `MiniBrowser (WebKitGTK ${session.capabilities.browserVersion})`;
      const url = `${base}/session/${session.sessionId}`;
      const window = await command(url, "GET", "/window");
      return new Page(driver(url, window, { current: window }, () => command(url, "DELETE", "")), origin);
    },
    async close() {
      // xvfb-run leads a process group of its own: end it with the driver and the display.
      process.kill(-server.pid, "SIGTERM");
    },
  };
}

/**
 * One WebDriver command. Over node:http without keep-alive: WebKitWebDriver closes idle
 * connections, and fetch's pool then fails a command on a socket already closed.
 */
const COMMAND_TIMEOUT_MS = 120_000;

function command(base, method, path, body) {
  if (process.env.RABET_ENGINES_DEBUG) console.error(`webdriver ${method} ${base.slice(-20)}${path}`);
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(base + path, { method, agent: false, headers: data ? { "content-type": "application/json", "content-length": Buffer.byteLength(data) } : {} }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => (text += chunk));
      response.on("end", () => {
        const answer = JSON.parse(text);
        if (response.statusCode >= 400) reject(new Error(`WebDriver ${method} ${path}: ${answer.value?.error}: ${answer.value?.message}`));
        else resolve(answer.value);
      });
    });
    // A browser that stops answering fails the command rather than hanging the run.
    request.setTimeout(COMMAND_TIMEOUT_MS, () => request.destroy(new Error(`WebDriver ${method} ${path}: no answer in ${COMMAND_TIMEOUT_MS} ms`)));
    request.on("error", reject);
    request.end(data);
  });
}

/**
 * One tab (window `window`) of a session. The session acts in one window at a time
 * (`focused.current`): each command switches to its own tab first.
 */
function driver(session, window, focused, close) {
  const call = async (method, path, body) => {
    if (focused.current !== window) {
      await command(session, "POST", "/window", { handle: window });
      focused.current = window;
    }
    return command(session, method, path, body);
  };
  const run = (source, args) => call("POST", "/execute/sync", { script: `return (${source}).apply(null, arguments)`, args });
  const element = (handle) => `/element/${handle[ELEMENT]}`;
  return {
    navigate: (url) => call("POST", "/url", { url }),
    reload: () => call("POST", "/refresh", {}),
    run,
    handle: (source, args) => run(source, args),
    click: (handle) => call("POST", `${element(handle)}/click`, {}),
    type: (handle, text) => call("POST", `${element(handle)}/value`, { text }),
    press: (key) =>
      call("POST", "/actions", {
        actions: [{ type: "key", id: "keyboard", actions: [{ type: "keyDown", value: KEYS[key] ?? key }, { type: "keyUp", value: KEYS[key] ?? key }] }],
      }),
    setFiles: (handle, path) => call("POST", `${element(handle)}/value`, { text: path }),
    async newTab() {
      const { handle } = await call("POST", "/window/new", { type: "tab" });
      // Closing one window of a session crashes WebKitWebDriver 2.50 ("DELETE /window"):
      // the tab closes with its session.
      return driver(session, handle, focused, async () => {});
    },
    close,
  };
}
