import { expect, test, type Page } from "./fixtures";

// The routes of the shell, with the heading each page shows, in English and Persian.
const ROUTES = [
  { link: "Dashboard", path: "/", heading: "Dashboard" },
  { link: "Pipeline", path: "/pipeline", heading: "Pipeline" },
  { link: "Customers", path: "/customers", heading: "Customers" },
  { link: "Tasks", path: "/tasks", heading: "Tasks" },
  { link: "Tickets", path: "/tickets", heading: "Tickets" },
  { link: "Invoices", path: "/invoices", heading: "Invoices" },
  { link: "Settings", path: "/settings", heading: "Settings" },
];

const nav = (page: Page) => page.getByRole("navigation", { name: "Main navigation" });

test("the shell loads with navigation and the dashboard", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  await expect(nav(page)).toBeVisible();
  await expect(page).toHaveTitle("Dashboard · Rabet");
  await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
  // Busy while the records load, then not: screen readers (and the benchmark) wait for it.
  await expect(page.getByRole("main")).toHaveAttribute("aria-busy", "false");
});

test("navigation reaches every route", async ({ page }) => {
  await page.goto("/");
  for (const route of ROUTES) {
    await nav(page).getByRole("link", { name: route.link }).click();
    await expect(page).toHaveURL(route.path);
    await expect(page.getByRole("heading", { level: 1, name: route.heading })).toBeVisible();
    await expect(nav(page).getByRole("link", { name: route.link })).toHaveAttribute("aria-current", "page");
    // Nothing is wider than the screen (on a phone that would shrink the whole page).
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(page.viewportSize()!.width);
  }
  await page.goto("/customers/01898f2a-1b3c-7fff-bfff-ffffffffffff");
  await expect(page.getByRole("heading", { level: 1, name: "Customer" })).toBeVisible();
  await page.goto("/no/such/page");
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  await page.getByRole("link", { name: "Back to the dashboard" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
});

test("the navigation works from the keyboard", async ({ page }) => {
  await page.goto("/");
  // Keys pressed before the app has drawn would go nowhere.
  await expect(nav(page)).toBeVisible();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  const customers = nav(page).getByRole("link", { name: "Customers" });
  for (let i = 0; i < 10 && !(await customers.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
  }
  await expect(customers).toBeFocused();
  // The focus ring is visible, not suppressed.
  const outline = await customers.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe("none");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Customers" })).toBeVisible();
});

test("switching to Persian turns the app right to left and survives a reload", async ({ app, page }) => {
  await app.setLanguage("fa");
  const html = page.locator("html");
  await expect(html).toHaveAttribute("dir", "rtl");
  await expect(html).toHaveAttribute("lang", "fa");
  await expect(page.getByRole("heading", { level: 1, name: "تنظیمات" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "ناوبری اصلی" }).getByRole("link", { name: "مشتریان" })).toBeVisible();

  await page.reload();
  await expect(html).toHaveAttribute("dir", "rtl");
  await expect(page.getByRole("heading", { level: 1, name: "تنظیمات" })).toBeVisible();
  await expect(page).toHaveTitle("تنظیمات · رابط");

  // In RTL the navigation sits on the right (desktop) and the content to its left.
  const viewport = page.viewportSize()!;
  if (viewport.width > 640) {
    const box = (await page.getByRole("navigation", { name: "ناوبری اصلی" }).boundingBox())!;
    expect(box.x + box.width).toBeCloseTo(viewport.width, 0);
  }
});

test("the sidebar's language button switches both ways", async ({ page }, testInfo) => {
  test.skip(testInfo.project.name === "phone", "phones switch language in Settings");
  await page.goto("/");
  await page.getByRole("button", { name: "Switch to Persian" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "داشبورد" })).toBeVisible();
  await page.getByRole("button", { name: "تغییر زبان به انگلیسی" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
});

test.describe("a Persian browser", () => {
  test.use({ locale: "fa-IR" });
  test("gets Persian on the first visit", async ({ page }) => {
    const wasm = await holdTheWasm(page);
    await page.goto("/");
    // The frame drawn before the wasm is Persian already.
    await expect(frame(page).locator("h1")).toHaveText("داشبورد");
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
    await wasm.release();
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
    await expect(page.getByRole("heading", { level: 1, name: "داشبورد" })).toBeVisible();
  });
});

/** Holds back the app's wasm, as a slow line does, until `release` lets it (and what follows) through. */
async function holdTheWasm(page: Page) {
  const held: (() => Promise<void>)[] = [];
  let released = false;
  await page.route(/\.wasm$/, (route) => (released ? route.continue() : void held.push(() => route.continue())));
  return {
    release: () => {
      released = true;
      return Promise.all(held.splice(0).map((go) => go()));
    },
  };
}

/** The frame drawn from the HTML before the wasm starts (scripts/prerender.mjs). */
const frame = (page: Page) => page.locator("#prerendered-frame");

test("before the app's code arrives, the page's frame shows, then the app replaces it", async ({ page }) => {
  const wasm = await holdTheWasm(page);
  await page.goto("/customers");
  await expect(frame(page).locator("h1")).toHaveText("Customers");
  await expect(frame(page).locator(".page-intro")).toHaveText("People and companies you work with.");
  await expect(frame(page).locator('a[aria-current="page"]')).toHaveText("Customers");
  // Until the app replaces it, nothing in it can be used (keys and clicks would be lost), and
  // assistive technology is not told of a page that is not there yet.
  await expect(frame(page)).toHaveAttribute("inert", "");
  await expect(page.getByRole("heading", { level: 1 })).toHaveCount(0);

  await wasm.release();
  await expect(page.getByRole("heading", { level: 1, name: "Customers" })).toBeVisible();
  await expect(frame(page)).toHaveCount(0);
  await expect(page.locator("h1")).toHaveCount(1);
  await expect(page.getByRole("main")).toHaveAttribute("aria-busy", "false");
});

test("the frame drawn before the app follows the stored language over the browser's", async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem("rabet.lang", JSON.stringify("fa")));
  const wasm = await holdTheWasm(page);
  await page.goto("/pipeline");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(frame(page).locator("h1")).toHaveText("قیف فروش");
  await wasm.release();
  await expect(page.getByRole("heading", { level: 1, name: "قیف فروش" })).toBeVisible();
  await expect(frame(page)).toHaveCount(0);
});

test("a page without a heading of its own shows the frame with a loading line", async ({ page }) => {
  const wasm = await holdTheWasm(page);
  await page.goto("/customers/01898f2a-1b3c-7fff-bfff-ffffffffffff");
  await expect(frame(page).locator("main")).toHaveText("Loading…");
  await expect(frame(page).locator('a[aria-current="page"]')).toHaveCount(0);
  await wasm.release();
  await expect(page.getByRole("heading", { level: 1, name: "Customer" })).toBeVisible();
  await expect(frame(page)).toHaveCount(0);
});

test.describe("the dashboard's frame", () => {
  // The wasm is held on a second visit too: no worker serves it past the route.
  test.use({ serviceWorkers: "block" });

  test("on a new device it draws the welcome card, in both languages", async ({ app, page }) => {
    const wasm = await holdTheWasm(page);
    await page.goto("/");
    await expect(frame(page).locator("h2")).toHaveText("Nothing to measure yet");
    await wasm.release();
    await expect(page.getByRole("heading", { level: 2, name: "Nothing to measure yet" })).toBeVisible();
    await expect(frame(page)).toHaveCount(0);

    await app.setLanguage("fa");
    await expect(page.getByRole("main")).toHaveAttribute("aria-busy", "false");
    const again = await holdTheWasm(page);
    await page.goto("/");
    await expect(frame(page).locator("h2")).toHaveText("هنوز چیزی برای سنجش نیست");
    await again.release();
    await expect(page.getByRole("heading", { level: 2, name: "هنوز چیزی برای سنجش نیست" })).toBeVisible();
  });

  test("once the workspace has a customer, it draws no welcome card", async ({ app, page }) => {
    await app.createContact({ first: "Sara", last: "Ahmadi" });
    await expect(page.getByRole("main")).toHaveAttribute("aria-busy", "false");
    const wasm = await holdTheWasm(page);
    await page.goto("/");
    await expect(frame(page).locator("h1")).toHaveText("Dashboard");
    await expect(frame(page).locator(".dashboard-empty")).toHaveCount(0);
    await wasm.release();
    await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Nothing to measure yet" })).toHaveCount(0);
  });
});

for (const path of ["/", "/customers"]) {
  test(`the frame is the largest paint of ${path}, even when the wasm arrives at once`, async ({ page }) => {
    // What a phone's browser reports as the page's largest paint: the app may start only once
    // the frame's paint is reported, or the app's own (later) paint takes its place.
    await page.addInitScript(() => {
      const seen = { paints: [] as number[], started: -1 };
      Object.assign(window, { seen });
      new PerformanceObserver((list) => seen.paints.push(...list.getEntries().map((entry) => entry.startTime))).observe({ type: "largest-contentful-paint", buffered: true });
      addEventListener("TrunkApplicationStarted", () => (seen.started = performance.now()));
    });
    await page.goto(path);
    await expect(page.getByRole("main")).toHaveAttribute("aria-busy", "false");
    await expect(frame(page)).toHaveCount(0);
    const { paints, started } = await page.evaluate(() => (window as unknown as { seen: { paints: number[]; started: number } }).seen);
    expect(paints.length).toBeGreaterThan(0);
    expect(started).toBeGreaterThan(0);
    expect(Math.max(...paints)).toBeLessThan(started);
  });
}

test("screenshots of both languages are kept as artifacts", async ({ app, page }, testInfo) => {
  for (const lang of ["en", "fa"] as const) {
    await app.setLanguage(lang);
    await page.goto("/");
    await page.evaluate(() => document.fonts.ready);
    const path = `tests/artifacts/screenshots/${testInfo.project.name}-${lang}.png`;
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(`${testInfo.project.name}-${lang}`, { path, contentType: "image/png" });
  }
});
