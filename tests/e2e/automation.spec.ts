import { expect, test } from "./fixtures";
import type { App } from "./fixtures";

/** Adds a "when a deal is won, create a follow-up task in 3 days" rule and switches it on. */
async function addWonRule(app: App, name: string, task: string) {
  await app.page.goto("/settings");
  const section = app.section(app.lang === "en" ? "Automation" : "خودکارسازی");
  const form = section.locator("form");
  await form.getByLabel(app.lang === "en" ? "Rule name" : "نام قاعده").fill(name);
  await form.getByLabel(app.lang === "en" ? "Text, or the webhook's URL" : "متن، یا نشانی وب‌هوک").fill(task);
  await form.getByLabel(app.lang === "en" ? "Task due after (days)" : "موعد وظیفه پس از (روز)").fill("3");
  await form.getByRole("button", { name: app.lang === "en" ? "Add rule" : "افزودن قاعده" }).click();
  const rule = section.getByRole("checkbox", { name });
  // A new rule starts switched off.
  await expect(rule).not.toBeChecked();
  await rule.check();
  // Busy until stored; then still on after a reload.
  await expect(rule).not.toHaveAttribute("aria-busy", "true");
  await app.page.reload();
  await expect(rule).toBeChecked();
  return section;
}

test("a deal won offline on one device makes exactly one follow-up task on both", async ({ devices }) => {
  const [a, b] = await devices.team("Ali", "Bita");
  await addWonRule(a, "Won follow-up", "Call {title} back");
  await a.createDeal("Laptops");
  await a.syncNow();
  await b.syncNow();
  await b.page.goto("/pipeline");
  await expect(b.page.getByRole("article", { name: "Laptops" })).toBeVisible();

  // A wins the deal offline; the rule fires there at once. B stays online.
  await a.context.setOffline(true);
  await a.nav().getByRole("link", { name: "Pipeline" }).click();
  await a.page.getByRole("article", { name: "Laptops" }).getByRole("button", { name: "Won" }).click();
  await expect(a.page.getByRole("article", { name: "Laptops" })).toHaveCount(0);
  await a.nav().getByRole("link", { name: "Tasks" }).click();
  await expect(a.page.getByText("Call Laptops back")).toHaveCount(1);
  await expect(a.syncStatus()).toContainText("Offline");

  await a.context.setOffline(false);
  await a.syncNow();
  await b.syncNow();
  await a.syncNow();
  for (const { page } of [a, b]) {
    await page.goto("/tasks");
    await expect(page.getByText("Call Laptops back")).toHaveCount(1);
  }
  // The run is in the rule's log, on both devices.
  for (const app of [a, b]) {
    await app.page.goto("/settings");
    const section = app.section("Automation");
    await section.getByRole("button", { name: "Log" }).click();
    await expect(section.locator(".run")).toHaveCount(1);
    await expect(section.locator(".run")).toContainText("Laptops");
    await expect(section.locator(".run")).toContainText("Done");
  }
});

test("in Persian, a rule's preview counts what it would have fired in the last 30 days", async ({ app, page }) => {
  await app.createDeal("چاپگر");
  await page.getByRole("article", { name: "چاپگر" }).getByRole("button", { name: "Won" }).click();
  await expect(page.getByRole("article", { name: "چاپگر" })).toHaveCount(0);
  // The card leaves at once; the board is busy until the deal is stored, and setLanguage's
  // reload before that would lose the win (then the preview counts none).
  await expect(page.locator(".board")).not.toHaveAttribute("aria-busy", "true");
  await app.setLanguage("fa");
  const section = app.section("خودکارسازی");
  const form = section.locator("form");
  await form.getByLabel("نام قاعده").fill("پیگیری فروش");
  await form.getByLabel("متن، یا نشانی وب‌هوک").fill("تماس دربارهٔ {title}");
  await form.getByRole("button", { name: "افزودن قاعده" }).click();
  await expect(section.getByRole("checkbox", { name: "پیگیری فروش" })).not.toBeChecked();
  await section.getByRole("button", { name: "پیش‌نمایش" }).click();
  await expect(section.getByRole("status").filter({ hasText: "در ۳۰ روز گذشته ۱ بار اجرا می‌شد." })).toBeVisible();
  await expect(section.getByText("چاپگر")).toBeVisible();
  // Previewing fires nothing: the rule is off.
  await page.goto("/tasks");
  await expect(page.getByText("تماس دربارهٔ چاپگر")).toHaveCount(0);
});

test("a contact marked do-not-contact gets no automated SMS, and the rule's log says so in both languages", async ({ app, page }) => {
  await page.goto("/settings");
  const section = app.section("Automation");
  const form = section.locator("form");
  await form.getByLabel("Rule name").fill("Welcome SMS");
  await form.getByRole("combobox", { name: "When", exact: true }).selectOption({ label: "A contact is created" });
  await form.getByRole("combobox", { name: "Then", exact: true }).selectOption({ label: "Send an SMS to the contact" });
  await form.getByLabel("Text, or the webhook's URL").fill("Hello {first_name}");
  await form.getByRole("button", { name: "Add rule" }).click();
  await section.getByRole("checkbox", { name: "Welcome SMS" }).check();

  const dialog = await app.openNewContact();
  await dialog.getByLabel("First name").fill("Reza");
  await dialog.getByRole("textbox", { name: "Phone numbers 1" }).fill("09121234567");
  await dialog.getByRole("checkbox", { name: "Do not contact: no automated e-mail or SMS" }).check();
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await app.createContact({ first: "Sara", phone: "09127654321" });

  await page.goto("/settings");
  await section.getByRole("button", { name: "Log" }).click();
  const runs = section.locator(".run");
  await expect(runs).toHaveCount(2);
  await expect(runs.filter({ hasText: "Reza" })).toContainText("Not sent: the contact asked not to be contacted");
  await expect(runs.filter({ hasText: "Sara" })).toContainText("Prepared, waiting for you to send it");

  // The mark is stored with the contact: still there after a reload.
  await page.reload();
  await app.nav().getByRole("link", { name: "Customers" }).click();
  await page.getByRole("link", { name: /Reza/ }).click();
  await page.getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("dialog", { name: "Edit contact" });
  await expect(edit.getByRole("checkbox", { name: "Do not contact: no automated e-mail or SMS" })).toBeChecked();
  await edit.getByRole("button", { name: "Cancel" }).click();

  await app.setLanguage("fa");
  const persian = app.section("خودکارسازی");
  await persian.getByRole("button", { name: "گزارش اجرا" }).click();
  await expect(persian.locator(".run").filter({ hasText: "Reza" })).toContainText(
    "ارسال نشد: مخاطب نخواسته با او تماس گرفته شود",
  );
});
