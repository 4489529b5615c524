import { expect, test, type Page } from "./fixtures";
import { readFileSync } from "node:fs";

/** The figure shown under a KPI label. */
function kpi(page: Page, label: RegExp) {
  return page.getByRole("list", { name: "Key figures" }).getByRole("listitem").filter({ hasText: label });
}

test("customer 360: a call, a follow-up, a paid invoice and a rated ticket, in order, after a reload", async ({ app, page }) => {
  await app.createContact({ first: "Maryam", last: "Tehrani", phone: "0912 345 6789" });
  await page.getByRole("link", { name: /Maryam Tehrani/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Maryam Tehrani" })).toBeVisible();
  await expect(page.getByText("Nothing has happened with this customer yet.")).toBeVisible();

  // A call just made: "Log call", then "Save".
  await page.getByRole("button", { name: "Log call" }).click();
  const call = page.getByRole("dialog", { name: "Log call" });
  await call.getByRole("button", { name: "Talked" }).click();
  await call.getByRole("button", { name: "Save" }).click();
  await expect(call).toBeHidden();

  // A follow-up for tomorrow.
  await page.getByRole("button", { name: "Schedule follow-up" }).click();
  const followUp = page.getByRole("dialog", { name: "New follow-up" });
  await followUp.getByLabel("Title").fill("Send the contract");
  await followUp.getByRole("button", { name: "Tomorrow" }).click();
  await followUp.getByRole("button", { name: "Save" }).click();
  await expect(followUp).toBeHidden();

  // An invoice, marked paid on its page.
  await page.getByRole("button", { name: "New invoice" }).click();
  const invoice = page.getByRole("dialog", { name: "New invoice" });
  await invoice.getByRole("textbox", { name: "Description 1" }).fill("Annual plan");
  await invoice.getByRole("textbox", { name: "Unit price 1" }).fill("1,200,000");
  await expect(invoice.getByText("1,200,000 Toman").last()).toBeVisible();
  await invoice.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Invoice INV-0001" })).toBeVisible();
  await page.getByRole("button", { name: "Mark as paid" }).click();
  await expect(page.getByText("Paid", { exact: true })).toBeVisible();
  await page.getByRole("link", { name: "Maryam Tehrani" }).click();

  // A ticket, resolved and rated on its page.
  await page.getByRole("button", { name: "New ticket" }).click();
  const ticket = page.getByRole("dialog", { name: "New ticket" });
  await ticket.getByLabel("Subject").fill("Cannot sign in");
  await ticket.getByRole("button", { name: "Save" }).click();
  await expect(ticket).toBeHidden();
  await page.getByRole("link", { name: "Cannot sign in" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Cannot sign in" })).toBeVisible();
  await page.getByRole("button", { name: "Resolve" }).click();
  // Rating saves at once; the page redraws with the stored rating.
  await page.getByRole("radio", { name: "4 of 5" }).click();
  await expect(page.getByRole("radio", { name: "4 of 5" })).toBeChecked();
  await page.getByRole("link", { name: "Maryam Tehrani" }).click();

  const expectProfile = async () => {
    const entries = page.getByRole("list", { name: "Timeline" }).getByRole("listitem");
    // Newest first: tomorrow's follow-up, then today's events from last to first.
    await expect(entries).toHaveCount(6);
    await expect(entries.nth(0)).toContainText("Follow-up due");
    await expect(entries.nth(0)).toContainText("Send the contract");
    await expect(entries.nth(1)).toContainText("Ticket resolved");
    await expect(entries.nth(2)).toContainText("Ticket opened");
    await expect(entries.nth(3)).toContainText("Invoice paid");
    await expect(entries.nth(3)).toContainText("1,200,000 Toman");
    await expect(entries.nth(4)).toContainText("Invoice issued");
    await expect(entries.nth(5)).toContainText("Call");
    await expect(entries.nth(5)).toContainText("Talked");

    await expect(kpi(page, /^Lifetime value/)).toContainText("1,200,000 Toman");
    await expect(kpi(page, /^Orders/)).toContainText("1");
    await expect(kpi(page, /^Average order/)).toContainText("1,200,000 Toman");
    await expect(kpi(page, /^Since last contact/)).toContainText("Today");
    await expect(kpi(page, /^Open tickets/)).toContainText("0");
    await expect(kpi(page, /^Satisfaction/)).toContainText("4.0 / 5");
    await expect(kpi(page, /^RFM class/)).toContainText("New customer");
  };
  await expectProfile();

  // The filter chips narrow the timeline.
  await page.getByRole("button", { name: "Tickets", exact: true }).click();
  await expect(page.getByRole("list", { name: "Timeline" }).getByRole("listitem")).toHaveCount(2);
  await page.getByRole("button", { name: "All", exact: true }).click();

  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Maryam Tehrani" })).toBeVisible();
  await expectProfile();

  await page.goto("/tasks");
  const upcoming = page.getByRole("region", { name: /Upcoming/ });
  await expect(upcoming.getByText("Send the contract")).toBeVisible();
  await expect(upcoming.getByRole("link", { name: "Maryam Tehrani" })).toBeVisible();
});

test("a follow-up is marked done from the Tasks page and open ones export as an .ics file", async ({ app, page }) => {
  await app.createContact({ first: "Reza", last: "Karimi", phone: "0912 345 6789" });
  await page.getByRole("link", { name: /Reza Karimi/ }).click();
  await page.getByRole("button", { name: "Schedule follow-up" }).click();
  const followUp = page.getByRole("dialog", { name: "New follow-up" });
  await followUp.getByLabel("Title").fill("Call about the renewal");
  await followUp.getByRole("button", { name: "Today" }).click();
  await followUp.getByLabel("Time").fill("23:59");
  await followUp.getByRole("button", { name: "Save" }).click();
  // The dialog closes once the task is stored; leaving the page before that would drop it.
  await expect(followUp).toBeHidden();

  await page.goto("/tasks");
  const today = page.getByRole("region", { name: /Today/ });
  await expect(today.getByText("Call about the renewal")).toBeVisible();
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export open follow-ups (.ics)" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("rabet-follow-ups.ics");
  const text = readFileSync(await file.path(), "utf8");
  expect(text).toContain("BEGIN:VTODO");
  expect(text).toContain("SUMMARY:Call about the renewal");

  // Ticking it moves it to the Done list.
  await today.getByRole("checkbox", { name: "Call about the renewal" }).click();
  const done = page.getByRole("region", { name: /Done/ });
  await expect(done.getByRole("checkbox", { name: "Call about the renewal" })).toBeChecked();
  await page.reload();
  await expect(page.getByRole("region", { name: /Done/ }).getByText("Call about the renewal")).toBeVisible();
});

test("the 360 page with 2,000 timeline entries draws them a page at a time", async ({ app, page }) => {
  await app.createContact({ first: "Busy", last: "Customer", phone: "0912 345 6789" });
  await page.getByRole("link", { name: /Busy Customer/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Busy Customer" })).toBeVisible();
  const contactUrl = page.url();
  const contactId = contactUrl.split("/").pop()!;

  // 2,000 logged calls, written straight into the app's store (rows as the store lays them out)
  // so that seeding does not dominate the test.
  await page.evaluate(async (contactId) => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const open = indexedDB.open("rabet");
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const tx = db.transaction("activity", "readwrite");
    const store = tx.objectStore("activity");
    const start = Date.now() - 2000 * 3_600_000;
    for (let i = 0; i < 2000; i++) {
      const id = `seed-${String(i).padStart(5, "0")}`;
      const v = { id, kind: "call", direction: "outbound", at: start + i * 3_600_000, outcome: `Call ${i}`, contact_id: contactId };
      store.put({ id, v, d: false });
    }
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, contactId);

  await page.goto("/customers");
  await expect(page.getByRole("link", { name: /Busy Customer/ })).toBeVisible();
  await page.getByRole("link", { name: /Busy Customer/ }).click();
  const entries = page.getByRole("list", { name: "Timeline" }).getByRole("listitem");
  await expect(entries.first()).toContainText("Call 1999");

  await expect(entries).toHaveCount(50);
  await expect(kpi(page, /^Since last contact/)).toContainText("Today");
  await page.getByRole("button", { name: "Show more (50 of 2,000)" }).click();
  await expect(entries).toHaveCount(100);
});

test("a quote made on the Invoices page converts to an invoice for the same customer", async ({ app, page }) => {
  await app.createContact({ first: "Nima", last: "Rahimi", phone: "0912 345 6789" });
  await page.goto("/invoices");
  await page.getByRole("button", { name: "New quote" }).click();
  const quote = page.getByRole("dialog", { name: "New quote" });
  await quote.getByLabel("Customer").fill("nima");
  await quote.getByRole("button", { name: "Nima Rahimi" }).click();
  await quote.getByRole("textbox", { name: "Description 1" }).fill("Installation");
  await quote.getByRole("textbox", { name: "Quantity 1" }).fill("2");
  await quote.getByRole("textbox", { name: "Unit price 1" }).fill("500,000");
  await quote.getByRole("textbox", { name: "Discount % 1" }).fill("10");
  await expect(quote.getByText("900,000 Toman").last()).toBeVisible();
  await quote.getByRole("button", { name: "Save" }).click();

  await expect(page.getByRole("heading", { level: 1, name: "Quote Q-0001" })).toBeVisible();
  await page.getByRole("button", { name: "Convert to invoice" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Invoice INV-0001" })).toBeVisible();
  await expect(page.getByRole("table")).toContainText("Installation");
  await expect(page.getByText("900,000 Toman").last()).toBeVisible();
  await page.getByRole("link", { name: "Nima Rahimi" }).click();
  const entries = page.getByRole("list", { name: "Timeline" }).getByRole("listitem");
  await expect(entries).toHaveCount(1);
  await expect(entries.first()).toContainText("Quote issued");
});
