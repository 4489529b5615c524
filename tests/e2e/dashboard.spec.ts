import { expect, test, type Locator, type Page } from "./fixtures";

// Loading a few thousand sample records into IndexedDB takes a while on a busy machine.
test.describe.configure({ timeout: 120_000 });

/** A KPI card, found by its label in the "Key figures" list. */
function card(page: Page, list: string, label: string): Locator {
  return page.getByRole("list", { name: list }).getByRole("listitem").filter({ hasText: label }).first();
}

/** Nothing is wider than the screen (on a phone that would shrink the whole page). */
async function expectNoOverflow(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

test("the empty dashboard loads the sample workspace itself", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Nothing to measure yet" })).toBeVisible();
  await page.getByRole("button", { name: "Load sample workspace" }).click();
  // The dashboard replaces the button as soon as customers arrive; saving carries on.
  await expect(page.getByRole("heading", { name: "Key figures" })).toBeVisible({ timeout: 90_000 });
  await expect(card(page, "Key figures", "Revenue")).toBeVisible();
  // Tickets are saved last: their list fills in once everything is stored.
  await page.getByRole("combobox", { name: "Period" }).selectOption({ label: "This year" });
  const breaches = page.getByRole("region", { name: /Tickets past their SLA/ });
  await expect(breaches.getByRole("link").first()).toBeVisible({ timeout: 90_000 });
});

test("the sample workspace fills the dashboard; the range changes the numbers; a dormant customer opens", async ({ app, page }) => {
  await app.loadSample();
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();

  // A year of history has revenue, orders and a chart with bars.
  await page.getByRole("combobox", { name: "Period" }).selectOption({ label: "This year" });
  const revenue = card(page, "Key figures", "Revenue").locator(".kpi-value");
  await expect(revenue).not.toHaveText("No data");
  await expect(revenue).toHaveText(/\$[1-9]/);
  await expect(card(page, "Key figures", "Orders").locator(".kpi-value")).toHaveText(/[1-9]/);
  await expect(card(page, "Key figures", "Deal win rate").locator(".kpi-value")).toHaveText(/%/);
  const revenueChart = page.getByRole("img", { name: /Revenue over time/ });
  await expect(revenueChart).toBeVisible();
  expect(await revenueChart.locator("rect.chart-bar").count()).toBeGreaterThan(0);
  for (const chart of ["Funnel by stage", "Leads by source", "Revenue by source", "Forecast by month", "Customer satisfaction over time"]) {
    await expect(page.getByRole("img", { name: new RegExp(chart) })).toBeVisible();
  }
  // The numbers behind a chart are in a table.
  const numbers = page.locator("figure").filter({ has: revenueChart }).locator("details");
  await numbers.locator("summary").click();
  await expect(numbers.getByRole("table")).toBeVisible();
  await expect(numbers.getByRole("row").nth(1)).toContainText("$");
  await expectNoOverflow(page);

  // Another range, other numbers.
  const thisYear = await revenue.textContent();
  await page.getByRole("combobox", { name: "Period" }).selectOption({ label: "Last month" });
  await expect(revenue).not.toHaveText(thisYear ?? "");
  await expect(page.getByText(/^Showing /)).toBeVisible();

  // A custom range of two typed days.
  await page.getByRole("combobox", { name: "Period" }).selectOption({ label: "Custom dates" });
  await expect(page.getByRole("textbox", { name: "From" })).toBeVisible();
  await page.getByRole("textbox", { name: "From" }).fill("2000-01-01");
  await page.getByRole("textbox", { name: "To" }).fill("2000-01-31");
  await expect(revenue).toHaveText("$0.00");

  // A stale deal opens in the deal form on the pipeline.
  const staleDeal = page.getByRole("region", { name: /Deals going stale/ }).getByRole("link").first();
  const deal = (await staleDeal.locator(".row-title").textContent())?.trim() ?? "";
  await staleDeal.click();
  const dealForm = page.getByRole("dialog", { name: "Edit deal" });
  await expect(dealForm).toBeVisible();
  await expect(dealForm.getByLabel("Title", { exact: true })).toHaveValue(deal);
  await dealForm.getByRole("button", { name: "Cancel" }).click();
  await page.goBack();

  // Who stopped buying: all are counted, the first ones listed, more on request.
  const dormant = page.getByRole("region", { name: /Customers who stopped buying/ });
  const dormantRows = dormant.getByRole("link");
  await expect(dormantRows).toHaveCount(8);
  const total = Number((await dormant.locator("h3 .count").textContent())?.replace(/,/g, ""));
  expect(total).toBeGreaterThan(8);
  await dormant.getByRole("button", { name: new RegExp(`Show more \\(8 of ${total.toLocaleString("en-US")}\\)`) }).click();
  await expect(dormantRows).toHaveCount(Math.min(total, 32));
  // The first one opens their 360 page.
  const first = dormant.getByRole("link").first();
  const name = (await first.locator(".row-title").textContent())?.trim() ?? "";
  expect(name).not.toBe("");
  await first.click();
  await expect(page).toHaveURL(/\/customers\//);
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
});

test("the dashboard in Persian: Jalali months, Persian digits, charts mirrored", async ({ app, page }) => {
  await app.setLanguage("fa");
  await app.loadSample();
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "داشبورد" })).toBeVisible();
  await page.getByRole("combobox", { name: "بازه" }).selectOption({ label: "امسال" });
  const revenue = card(page, "شاخص‌های کلیدی", "درآمد").locator(".kpi-value");
  await expect(revenue).toHaveText(/[۱-۹].*تومان/);
  // The period is written in the Jalali calendar: a 14xx year.
  await expect(page.getByText(/^نمایش ۱۴/)).toBeVisible();
  const chart = page.getByRole("img", { name: /درآمد در طول زمان/ });
  await expect(chart).toBeVisible();
  expect(await chart.locator("rect.chart-bar").count()).toBeGreaterThan(0);
  // The first month of the year is drawn at the right: its label is the rightmost.
  const labels = chart.locator("text.chart-label");
  const firstX = Number(await labels.first().getAttribute("x"));
  const lastX = Number(await labels.last().getAttribute("x"));
  expect(firstX).toBeGreaterThan(lastX);
  await expect(labels.first()).toHaveText("فروردین");
  await expectNoOverflow(page);
});

test("a segment is created from RFM classes and lists its members", async ({ app, page }) => {
  await app.loadSample();
  await page.goto("/customers");
  await page.getByRole("link", { name: "Segments" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Segments" })).toBeVisible();

  await page.getByRole("button", { name: "New segment" }).click();
  const dialog = page.getByRole("dialog", { name: "New segment" });
  await dialog.getByLabel("Segment name").fill("Best customers");
  await dialog.getByRole("checkbox", { name: "Champions" }).check();
  await dialog.getByRole("checkbox", { name: "Loyal", exact: true }).check();
  await expect(dialog.getByText(/[1-9]\d* contacts match/)).toBeVisible();
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();

  await expect(page.getByRole("heading", { level: 1, name: "Best customers" })).toBeVisible();
  await expect(page.getByText("RFM class: Champions, Loyal")).toBeVisible();
  const members = page.getByRole("list", { name: /contacts/ });
  await expect(members.getByRole("link").first()).toBeVisible();

  // A message batch: one link per channel per member, with the text filled in.
  await page.getByRole("button", { name: "Message batch" }).click();
  const batch = page.getByRole("region", { name: "Message batch" });
  await batch.getByLabel("Text").fill("Hello {first_name}!");
  const email = batch.getByRole("link", { name: "E-mail" }).first();
  await expect(email).toHaveAttribute("href", /^mailto:.*body=Hello%20[^%{]/);

  // The saved segment is listed, and a member opens their page.
  await page.goto("/segments");
  await expect(page.getByRole("link", { name: /Best customers/ })).toBeVisible();
  await page.getByRole("link", { name: /Best customers/ }).click();
  const member = page.getByRole("list", { name: /contacts/ }).getByRole("link").first();
  const name = (await member.locator(".row-title").textContent())?.trim() ?? "";
  await member.click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
});
