// Every route of the sample workspace, in both languages, on a 360 px phone (the phone
// project) and on a desktop: nothing scrolls sideways, the bottom bar's labels fit, the sync
// status covers nothing, rows that scroll show it and take the keyboard, and axe-core finds no
// serious or critical violation.

import { expect, test, type Lang, type Page } from "./fixtures";

/** The phone the issue names: smaller than the phone project's own. */
const PHONE = { width: 360, height: 740 };

const AXE = "node_modules/axe-core/axe.min.js";

// axe-core goes into the page as an inline script, which the app's Content-Security-Policy
// (rightly) refuses: these tests let it in.
test.use({ bypassCSP: true });

/** One place to check: a path, and what to do there once the page has drawn. */
interface Stop {
  name: string;
  path: string;
  then?: (page: Page) => Promise<void>;
}

/** The first link in the page whose address starts with `prefix` (a record of the sample). */
async function firstHref(page: Page, path: string, selector: string): Promise<string> {
  await open(page, path);
  const link = page.locator(selector).first();
  await expect(link).toBeVisible();
  return (await link.getAttribute("href"))!;
}

/** Goes to `path` and waits until the records are loaded and the page has its heading. */
async function open(page: Page, path: string) {
  await page.goto(path);
  await expect(page.getByRole("main")).toHaveAttribute("aria-busy", "false");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
}

/** A file to import: Persian and English names, numbers in both scripts, a row refused. */
const CSV = {
  name: "contacts.csv",
  mimeType: "text/csv",
  buffer: Buffer.from(
    "Name,Phone,Email,Tags\nسارا احمدی,۰۹۱۲۳۴۵۶۷۸۹,sara@example.com,مشتری ویژه\nJohn Smith,+44 20 7946 0958,john.smith@example.com,lead\n,,not an address,\n",
  ),
};

const TABLE = { en: "Table", fa: "جدول" };
const COMPANIES = { en: "Companies", fa: "شرکت‌ها" };

async function stops(page: Page, lang: Lang): Promise<Stop[]> {
  const contact = await firstHref(page, "/customers", ".virtual-row a.row-link");
  const ticket = await firstHref(page, "/tickets", 'a.row-link[href^="/tickets/"]');
  const invoice = await firstHref(page, "/invoices", 'a.row-link[href^="/invoices/"]');
  const segment = await firstHref(page, "/segments", 'a.row-link[href^="/segments/"]');
  const companyLink = page.locator(".virtual-row a.row-link").first();
  await open(page, "/customers");
  await page.getByRole("button", { name: COMPANIES[lang], exact: true }).click();
  // The list shows companies once its first row is no longer the first contact.
  await expect(companyLink).not.toHaveAttribute("href", contact);
  const company = (await companyLink.getAttribute("href"))!;
  return [
    { name: "dashboard", path: "/" },
    { name: "pipeline board", path: "/pipeline" },
    {
      name: "pipeline table",
      path: "/pipeline",
      then: async (page) => {
        await page.getByRole("button", { name: TABLE[lang], exact: true }).click();
        await expect(page.locator(".deal-table")).toBeVisible();
      },
    },
    {
      name: "deal dialog",
      path: "/pipeline",
      then: async (page) => {
        await page.locator(".deal-card .deal-title").first().click();
        await expect(page.getByRole("dialog")).toBeVisible();
      },
    },
    {
      name: "customers",
      path: "/customers",
      then: async (page) => {
        await expect(page.locator(".virtual-row").first()).toBeVisible();
        await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      },
    },
    {
      name: "companies",
      path: "/customers",
      then: async (page) => {
        await page.getByRole("button", { name: COMPANIES[lang], exact: true }).click();
        await expect(page.locator(".virtual-row").first()).toBeVisible();
      },
    },
    { name: "customer 360", path: contact },
    { name: "company 360", path: company },
    { name: "import", path: "/customers/import" },
    {
      name: "import preview",
      path: "/customers/import",
      then: async (page) => {
        await page.locator('input[type="file"]').setInputFiles(CSV);
        await expect(page.locator("table").first()).toBeVisible();
      },
    },
    { name: "tasks", path: "/tasks" },
    { name: "tickets", path: "/tickets" },
    { name: "ticket", path: ticket },
    { name: "invoices", path: "/invoices" },
    { name: "invoice document", path: invoice },
    { name: "products", path: "/products" },
    { name: "segments", path: "/segments" },
    { name: "segment", path: segment },
    { name: "settings", path: "/settings" },
    { name: "join", path: "/join" },
    { name: "not found", path: "/no/such/page" },
  ];
}

/**
 * What is wrong with the layout of the page as it is now, in words; empty when nothing is.
 * `width` is the window's (a phone zooms out to fit a page wider than itself, and then
 * `innerWidth` grows with it).
 */
function layoutProblems(page: Page, phone: boolean): Promise<string[]> {
  const width = page.viewportSize()!.width;
  return page.evaluate(([phone, width]) => {
    const problems: string[] = [];
    const describe = (el: Element) => {
      const classes = [...el.classList].map((c) => `.${c}`).join("");
      const label = el.getAttribute("aria-label") ?? el.textContent?.trim().slice(0, 30) ?? "";
      return `<${el.tagName.toLowerCase()}${classes}> "${label}"`;
    };
    for (const [name, el] of [["html", document.documentElement], ["body", document.body]] as const) {
      if (el.scrollWidth > width) problems.push(`${name} is ${el.scrollWidth}px wide in a ${width}px window`);
    }
    // Overflow past the start edge (left in Persian) cannot be scrolled to and does not count
    // in scrollWidth: look for anything outside the window that no scrolling row clips.
    const clipped = (el: Element) => {
      for (let at = el.parentElement; at && at !== document.body; at = at.parentElement) {
        if (getComputedStyle(at).overflowX !== "visible") return true;
      }
      return false;
    };
    for (const el of document.querySelectorAll("body *")) {
      const box = el.getBoundingClientRect();
      if (box.width <= 1 || (box.right <= width + 1 && box.left >= -1)) continue;
      const parent = el.parentElement!.getBoundingClientRect();
      // Name only the outermost: its contents stick out with it.
      if (parent.right > width + 1 || parent.left < -1) continue;
      if (!clipped(el)) problems.push(`sticks out of the window (${Math.round(box.left)}…${Math.round(box.right)}px): ${describe(el)}`);
    }
    // The bottom bar's labels are whole, not cut with an ellipsis.
    for (const label of document.querySelectorAll<HTMLElement>(".nav-label")) {
      if (label.scrollWidth > label.clientWidth) problems.push(`nav label cut: "${label.textContent}" needs ${label.scrollWidth}px, has ${label.clientWidth}px`);
    }
    // The sync status covers nothing one could read or press: on a phone it is a row of the
    // bottom bar, and the page keeps the bar's room free below its content.
    const sync = document.querySelector(".nav-sync");
    const bar = document.querySelector(".nav")!.getBoundingClientRect();
    if (phone && sync && sync.getBoundingClientRect().height > 0) {
      const s = sync.getBoundingClientRect();
      if (s.top < bar.top - 1 || s.bottom > bar.bottom + 1) {
        for (const el of document.querySelectorAll("main a, main button, main input, main select, main textarea, main [tabindex], main h1")) {
          const b = el.getBoundingClientRect();
          if (b.width === 0 || b.height === 0) continue;
          const overlap = b.left < s.right && s.left < b.right && b.top < s.bottom && s.top < b.bottom;
          if (overlap) problems.push(`the sync status covers ${describe(el)}`);
        }
      }
    }
    if (phone) {
      const main = document.querySelector("main")!;
      const end = main.getBoundingClientRect().bottom - parseFloat(getComputedStyle(main).paddingBlockEnd);
      const below = document.documentElement.scrollHeight - window.scrollY - window.innerHeight;
      // Scrolled to the end, where the content stops must be above the bar.
      if (end - below > bar.top + 1) problems.push(`the bottom bar (top at ${bar.top}px) covers the page's end (at ${end - below}px)`);
    }
    // Rows that scroll sideways show that they do (a fade at the edge that has more) and can
    // be scrolled from the keyboard (focusable themselves, or holding something focusable).
    for (const el of document.querySelectorAll<HTMLElement>("main *, [role=dialog] *")) {
      const style = getComputedStyle(el);
      if (!["auto", "scroll"].includes(style.overflowX) || el.scrollWidth <= el.clientWidth + 1) continue;
      if (style.maskImage === "none") problems.push(`scrolls sideways with no sign of it: ${describe(el)}`);
      const focusable = el.tabIndex >= 0 || el.querySelector("a[href], button, input, select, textarea, [tabindex]");
      if (!focusable) problems.push(`scrolls sideways out of the keyboard's reach: ${describe(el)}`);
    }
    return problems;
  }, [phone, width] as const);
}

declare global {
  interface Window {
    axe: {
      run(context: Document, options: object): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[] }>;
    };
  }
}

/** axe-core's serious and critical violations on the page as it is now, one line each. */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => {
      const where = v.nodes.slice(0, 4).map((n) => `      ${JSON.stringify(n.target)}: ${(n.failureSummary ?? "").replace(/\s+/g, " ").slice(0, 200)}`);
      const more = v.nodes.length > 4 ? [`      … and ${v.nodes.length - 4} more`] : [];
      return [`  ${v.impact} ${v.id} (${v.nodes.length}): ${v.help}`, ...where, ...more];
    });
}

for (const lang of ["en", "fa"] as const) {
  test(`every route in ${lang === "en" ? "English" : "Persian"} fits the screen and passes axe`, async ({ app, page }, testInfo) => {
    test.setTimeout(300_000);
    const phone = testInfo.project.name === "phone";
    if (phone) await page.setViewportSize(PHONE);
    // Both palettes: English in light, Persian in dark.
    if (lang === "fa") await page.emulateMedia({ colorScheme: "dark" });
    if (lang === "fa") await app.setLanguage("fa");
    await app.loadSample();
    const found: string[] = [];
    for (const stop of await stops(page, lang)) {
      await open(page, stop.path);
      await stop.then?.(page);
      await page.evaluate(() => document.fonts.ready);
      const problems = [...(await layoutProblems(page, phone)), ...(await axeViolations(page))];
      if (problems.length > 0) found.push(`${stop.name} (${stop.path}):`, ...problems);
      if (process.env.RABET_SCREENSHOTS) {
        await page.screenshot({ path: `tests/artifacts/phone/${testInfo.project.name}-${lang}-${stop.name.replace(/\W+/g, "-")}.png` });
      }
    }
    expect(found, found.join("\n")).toEqual([]);
  });
}

test("the contacts list has each contact's phone, one tap to call", async ({ app, page }, testInfo) => {
  if (testInfo.project.name === "phone") await page.setViewportSize(PHONE);
  await app.createContact({ first: "Sara", last: "Ahmadi", phone: "0912 345 6789" });
  await page.goto("/customers");
  const row = page.locator(".virtual-row").filter({ hasText: "Sara Ahmadi" });
  const call = row.getByRole("link", { name: "+989123456789" });
  await expect(call).toBeVisible();
  await expect(call).toHaveAttribute("href", "tel:+989123456789");
  // Isolated and left to right in either language, inside a row of the list's fixed height.
  await expect(call.locator("bdi")).toHaveAttribute("dir", "ltr");
  expect((await row.boundingBox())!.height).toBeLessThanOrEqual(61);
  const box = (await call.boundingBox())!;
  expect(box.height).toBeGreaterThanOrEqual(40);
});

test("on a phone the sync status is a row of the bottom bar, over nothing", async ({ devices }, testInfo) => {
  test.skip(testInfo.project.name !== "phone", "the sidebar holds it on a desktop");
  const [app] = await devices.team("Ali");
  await app.page.setViewportSize(PHONE);
  for (const path of ["/", "/customers", "/settings"]) {
    await open(app.page, path);
    await expect(app.syncStatus()).toHaveText("Up to date");
    const problems = await layoutProblems(app.page, true);
    expect(problems, problems.join("\n")).toEqual([]);
    const status = (await app.page.locator(".nav-sync").boundingBox())!;
    const bar = (await app.nav().boundingBox())!;
    expect(status.y).toBeGreaterThanOrEqual(bar.y - 1);
    expect(status.y + status.height).toBeLessThanOrEqual(bar.y + bar.height + 1);
    if (process.env.RABET_SCREENSHOTS) await app.page.screenshot({ path: `tests/artifacts/phone/sync${path.replace(/\W+/g, "-")}.png` });
  }
});

for (const lang of ["en", "fa"] as const) {
  test(`a row that scrolls fades at the edge with more, in ${lang === "en" ? "English" : "Persian"}`, async ({ app, page }, testInfo) => {
    test.skip(testInfo.project.name !== "phone", "the quick actions fit a desktop");
    await page.setViewportSize(PHONE);
    if (lang === "fa") await app.setLanguage("fa");
    await app.loadSample();
    await open(page, await firstHref(page, "/customers", ".virtual-row a.row-link"));
    const row = page.locator(".quick-actions");
    const fades = () => row.evaluate((el) => {
      const style = getComputedStyle(el);
      return [style.getPropertyValue("--fade-start"), style.getPropertyValue("--fade-end")].map((v) => parseFloat(v) > 0);
    });
    // At the start only the far end fades; scrolled to the end, only the start.
    await expect.poll(fades).toEqual([false, true]);
    await row.evaluate((el) => el.scrollTo({ left: (getComputedStyle(el).direction === "rtl" ? -1 : 1) * el.scrollWidth }));
    await expect.poll(fades).toEqual([true, false]);
    // From the keyboard: its buttons take the focus and bring themselves into view.
    await row.getByRole("button").first().focus();
    await expect.poll(fades).toEqual([false, true]);
    if (process.env.RABET_SCREENSHOTS) await page.screenshot({ path: `tests/artifacts/phone/${lang}-quick-actions.png` });
  });
}
