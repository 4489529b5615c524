import { expect, test } from "./fixtures";

// This browser's clock is in Tehran (UTC+3:30, no daylight saving since 2022).
test.use({ timezoneId: "Asia/Tehran" });

test("an order paid at 01:00 on 1 April in Tehran counts in April there, in March in UTC", async ({ app, page }) => {
  // 01:00 on 1 April 2025 in Tehran: still 31 March in UTC.
  await page.clock.setFixedTime(new Date("2025-03-31T21:30:00Z"));
  await app.createContact({ first: "Nowruz", last: "Buyer" });
  await page.getByRole("link", { name: /Nowruz Buyer/ }).click();
  await page.getByRole("button", { name: "New invoice" }).click();
  const invoice = page.getByRole("dialog", { name: "New invoice" });
  await invoice.getByRole("textbox", { name: "Description 1" }).fill("Spring order");
  await invoice.getByRole("textbox", { name: "Unit price 1" }).fill("1,200,000");
  await invoice.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Invoice INV-0001" })).toBeVisible();
  await page.getByRole("button", { name: "Mark as paid" }).click();
  await expect(page.getByText("Paid", { exact: true })).toBeVisible();

  // Ten days later, "This month" is April.
  await page.clock.setFixedTime(new Date("2025-04-10T09:00:00Z"));
  await page.goto("/settings");
  const zone = page.getByRole("combobox", { name: "Time zone" });
  await expect(zone.locator("option:checked")).toHaveText("This device's (Asia/Tehran)");
  await page.goto("/");
  await page.getByRole("combobox", { name: "Period" }).selectOption({ label: "This month" });
  const revenue = page
    .getByRole("list", { name: "Key figures" })
    .getByRole("listitem")
    .filter({ hasText: "Revenue" })
    .first()
    .locator(".kpi-value");
  await expect(revenue).toContainText("1,200,000");

  // The workspace's zone set to UTC: the order was paid on 31 March there.
  await page.goto("/settings");
  await zone.selectOption("UTC");
  await expect(zone.locator("option:checked")).toHaveText("UTC");
  await page.goto("/");
  await page.getByRole("combobox", { name: "Period" }).selectOption({ label: "This month" });
  await expect(revenue).not.toContainText("1,200,000");
  await page.getByRole("combobox", { name: "Period" }).selectOption({ label: "Last month" });
  await expect(revenue).toContainText("1,200,000");
});

test("a ticket's times are redrawn when the workspace's zone changes in another tab, with no reload", async ({ app, page }) => {
  // 01:00 on 1 April 2025 in Tehran is 21:30 on 31 March in UTC.
  await page.clock.setFixedTime(new Date("2025-03-31T21:30:00Z"));
  await page.goto("/tickets");
  await page.getByRole("button", { name: "New ticket" }).click();
  const dialog = page.getByRole("dialog", { name: "New ticket" });
  await dialog.getByLabel("Subject").fill("Which zone");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  const opened = page.getByRole("region", { name: "Service" }).getByRole("definition").first();
  await expect(opened).toHaveText("2025-04-01 01:00");

  // Another tab of this browser sets the workspace's zone to UTC: this page follows at once.
  const settings = await app.context.newPage();
  await settings.goto("/settings");
  const zone = settings.getByRole("combobox", { name: "Time zone" });
  await zone.selectOption("UTC");
  await expect(zone.locator("option:checked")).toHaveText("UTC");
  await expect(opened).toHaveText("2025-03-31 21:30");
});
