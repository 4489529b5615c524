// The app's frame before its wasm starts (used by post-build.mjs): the navigation and the
// page's heading and introduction, in the language the app will show, so a slow phone's first
// paint, and its largest, do not wait for the wasm to download and compile.
//
// Everything it shows is read from the app's source, so it cannot drift from what the app
// draws: the words from `src/i18n.rs`, the menu from `src/nav.rs`, the icons from
// `src/icons.rs`, each route's page component from `src/app.rs` and that component's
// `PageHeader` from `src/pages/`. The HTML gets an inline script (no download, it runs before
// the first paint) that picks the route, takes the language that index.html's head script put
// on `<html lang>`, and draws the frame; it removes the frame on Trunk's
// `TrunkApplicationStarted`, which the module script dispatches in the task whose `init` mounted
// the app (only microtasks between them), so no paint shows both or neither.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** Every match of `pattern` in `text` (a file of the app's source), or an error if none. */
function matches(text, pattern, what) {
  const found = [...text.matchAll(pattern)];
  if (found.length === 0) throw new Error(`prerender: no ${what} found in the app's source`);
  return found;
}

/** The Rust files under `dir`. */
const rustFiles = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return rustFiles(path);
    return path.endsWith(".rs") ? [path] : [];
  });

/** `{ Component: [titleMsg, introMsg] }` for every page component under `src/pages` that starts with a `PageHeader`. */
function pageHeaders(root) {
  const headers = {};
  for (const file of rustFiles(join(root, "src/pages"))) {
    // One component per piece: from its `#[component]` to the next.
    for (const piece of readFileSync(file, "utf8").split("#[component]")) {
      const name = piece.match(/^\s*pub fn (\w+)\(/)?.[1];
      const header = piece.match(/<(?:crate::ui::)?PageHeader title=Msg::(\w+) intro=Msg::(\w+) \/>/);
      if (name && header) headers[name] = [header[1], header[2]];
    }
  }
  return headers;
}

/** Reads what the frame shows from the app's source under `root`. */
export function frameData(root) {
  const source = (file) => readFileSync(join(root, file), "utf8");
  // `Name => "English", "Persian";` (messages without placeholders; the frame needs no others).
  const words = Object.fromEntries(
    matches(source("src/i18n.rs"), /^\s+(\w+) => "((?:[^"\\]|\\.)*)", "((?:[^"\\]|\\.)*)";$/gm, "messages").map(
      ([, name, en, fa]) => [name, { en: JSON.parse(`"${en}"`), fa: JSON.parse(`"${fa}"`) }],
    ),
  );
  const said = (name) => {
    if (!words[name]) throw new Error(`prerender: no plain message Msg::${name} in src/i18n.rs`);
    return words[name];
  };
  const icons = Object.fromEntries(
    matches(source("src/icons.rs"), /Icon::(\w+) => "([^"]+)",/g, "icons").map(([, name, path]) => [name, path]),
  );
  const menuText = source("src/nav.rs");
  const hiddenOnPhones = new Set(
    matches(menuText, /NOT_ON_PHONES: \[&str; \d+\] = \[([^\]]*)\]/g, "phone-less destinations")[0][1]
      .match(/"[^"]*"/g)
      ?.map((href) => JSON.parse(href)) ?? [],
  );
  const menu = matches(menuText, /\("([^"]+)", Msg::(\w+), Icon::(\w+)\)/g, "destinations").map(([, href, msg, icon]) => ({
    href,
    label: said(msg),
    icon: icons[icon],
    wide: hiddenOnPhones.has(href),
  }));
  // `<Route path=path!("/customers") view=pages::Customers />`, and that component's
  // `<PageHeader title=Msg::NavCustomers intro=Msg::CustomersIntro />`.
  const headers = pageHeaders(root);
  const headings = Object.fromEntries(
    matches(source("src/app.rs"), /path!\("([^":]+)"\) view=pages::(\w+)/g, "routes")
      .filter(([, , component]) => headers[component])
      .map(([, path, component]) => {
        const [title, intro] = headers[component];
        return [path, { title: said(title), intro: said(intro) }];
      }),
  );
  if (!headings["/customers"]) throw new Error("prerender: the customers page's heading was not found");
  const pick = (...names) => Object.fromEntries(names.map((name) => [name, said(name)]));
  // The dashboard's welcome card (`EmptyDashboard` in src/pages/dashboard/mod.rs), drawn on its
  // route unless the app left word (`EMPTY_WORKSPACE_KEY`) that the workspace has records.
  const dashboardPath = matches(source("src/app.rs"), /path!\("([^"]+)"\) view=pages::Dashboard /g, "dashboard route")[0][1];
  const emptyKey = matches(source("src/workspace.rs"), /EMPTY_WORKSPACE_KEY: &str = "([^"]+)"/g, "empty workspace key")[0][1];
  return {
    words: pick("AppName", "MainNavigation", "PaletteOpen", "OtherLanguageName", "SwitchLanguage", "SkipToContent", "Loading"),
    logo: icons.Logo,
    search: icons.Search,
    menu,
    headings,
    welcome: { path: dashboardPath, emptyKey, ...pick("DashboardEmptyTitle", "DashboardEmptyBody", "LoadSample", "DashboardEmptyOwnData") },
  };
}

/** The inline script at the start of `<body>` that draws the frame of the page being opened. */
export function frameScript(data) {
  return `
<script>
    // The frame of this page until the app's wasm starts (scripts/prerender.mjs).
    (() => {
        const data = ${JSON.stringify(data)};
        const lang = document.documentElement.lang === "fa" ? "fa" : "en";
        const escape = (text) => text.replace(/[&<>"]/g, (c) => "&#" + c.charCodeAt(0) + ";");
        const say = (words) => escape(words[lang]);
        const icon = (path) => '<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="' + path + '"/></svg>';
        const path = location.pathname.replace(/(.)\\/$/, "$1");
        const links = data.menu.map((item) =>
            '<li' + (item.wide ? ' class="wide-only"' : '') + '><a href="' + item.href + '" class="nav-link"' +
            (item.href === path ? ' aria-current="page"' : '') + '>' + icon(item.icon) +
            '<span class="nav-label">' + say(item.label) + '</span></a></li>').join("");
        const heading = data.headings[path];
        const header = heading
            ? '<header class="page-header"><h1>' + say(heading.title) + '</h1><p class="page-intro">' + say(heading.intro) + '</p></header>'
            : '<p class="empty">' + say(data.words.Loading) + '</p>';
        // A new device has no word from the app yet: its workspace is empty.
        let empty = true;
        try { empty = JSON.parse(localStorage.getItem(data.welcome.emptyKey)) !== false; } catch (_) {}
        const welcome = data.welcome;
        // The same markup as the app's card, so the app's is not a larger paint than this one.
        const page = path === welcome.path && empty
            ? '<div class="dashboard">' + header + '<section class="card dashboard-empty"><h2>' + say(welcome.DashboardEmptyTitle) + '</h2>' +
              '<p>' + say(welcome.DashboardEmptyBody) + '</p><div class="sample-loader"><button type="button" class="button primary">' +
              say(welcome.LoadSample) + '</button></div><p class="field-hint"><a href="/customers">' + say(welcome.DashboardEmptyOwnData) + '</a></p></section></div>'
            : header;
        const other = lang === "fa" ? "en" : "fa";
        // Inert and hidden from assistive technology: keys and clicks before the app would be lost.
        document.currentScript.insertAdjacentHTML("afterend",
            '<div id="prerendered-frame" inert aria-hidden="true"><a class="skip-link" href="#main">' + say(data.words.SkipToContent) + '</a>' +
            '<div class="shell"><nav class="nav" aria-label="' + say(data.words.MainNavigation) + '">' +
            '<div class="brand">' + icon(data.logo) + '<span class="brand-name">' + say(data.words.AppName) + '</span></div>' +
            '<button type="button" class="palette-open">' + icon(data.search) +
            '<span class="palette-open-label">' + say(data.words.PaletteOpen) + '</span></button>' +
            '<ul class="nav-list">' + links + '</ul><div class="nav-sync"></div>' +
            '<button type="button" class="lang-switch"><span lang="' + other + '">' + say(data.words.OtherLanguageName) +
            '</span><span class="visually-hidden"> — ' + say(data.words.SwitchLanguage) + '</span></button></nav>' +
            '<main class="page" aria-busy="true">' + page + '</main></div></div>');
        // Trunk's module script dispatches this right after \`init\` mounted the app, before any paint.
        addEventListener("TrunkApplicationStarted", () => document.getElementById("prerendered-frame")?.remove(), { once: true });
    })();
</script>`;
}

/**
 * Trunk's `index.html` with the app started only once the frame has been painted: its
 * `<link rel="preload">` of the wasm goes, and the module script waits for the first
 * contentful paint (the frame) before `init` fetches the wasm and mounts the app.
 * Why: a paint whose element is removed before the browser has reported it is never a
 * largest-paint candidate, so an app that mounted first took the largest paint for itself;
 * and Lighthouse's simulation counts every request started before the largest paint, so a
 * wasm fetched at parse time made its estimate wait for 1 MB (BENCHMARKS.md, issue 19).
 * A hidden page paints nothing, so it starts at once, and, lest a browser that never reports
 * the paint never starts, after a second at the latest.
 */
export function startAfterFramePaint(index) {
  const preload = /\s*<link rel="preload" href="[^"]+\.wasm"[^>]*>/;
  const init = "const wasm = await init(";
  if (!preload.test(index) || !index.includes(init)) throw new Error("prerender: Trunk's wasm preload or init call was not found in index.html");
  const framePainted = `await new Promise((resolve) => {
    if (document.visibilityState === "hidden" || !PerformanceObserver.supportedEntryTypes?.includes("paint")) return resolve();
    new PerformanceObserver((list) => list.getEntriesByName("first-contentful-paint").length && resolve()).observe({ type: "paint", buffered: true });
    addEventListener("visibilitychange", resolve, { once: true });
    setTimeout(resolve, 1000);
});
`;
  return index.replace(preload, "").replace(init, framePainted + init);
}
