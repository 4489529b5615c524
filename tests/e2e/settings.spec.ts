import { expect, test } from "./fixtures";

test("team members added in settings become owners of contacts", async ({ app, page }) => {
  await page.goto("/settings");
  const team = app.section("Team");
  await team.getByRole("button", { name: "Add member" }).click();
  await expect(team.getByText("Required")).toBeVisible();
  await team.getByLabel("Name").fill("Maryam Tehrani");
  await team.getByLabel("E-mail").fill("maryam@example.com");
  await team.getByLabel("Role").selectOption({ label: "Sales" });
  await team.getByRole("button", { name: "Add member" }).click();
  await expect(team.getByText("Maryam Tehrani")).toBeVisible();

  await app.createContact({ first: "Owned", owner: "Maryam Tehrani" });
  await page.getByLabel("Owner").selectOption({ label: "Maryam Tehrani" });
  await expect(page.getByRole("link", { name: /Owned/ })).toBeVisible();
});

test("workspace currency and calendar are saved", async ({ page }) => {
  await page.goto("/settings");
  const currency = page.getByLabel("Currency").locator("option:checked");
  const calendar = page.getByLabel("Calendar").locator("option:checked");
  await page.getByLabel("Currency").selectOption({ label: "US dollar" });
  await page.getByLabel("Calendar").selectOption({ label: "Solar Hijri (Jalali)" });
  // The choices show once stored, and one does not undo the other.
  await expect(currency).toHaveText("US dollar");
  await expect(calendar).toHaveText("Solar Hijri (Jalali)");
  // The select shows a choice as soon as it is made: reload once both writes are stored.
  await expect(page.locator("main")).toHaveAttribute("aria-busy", "false");
  await page.reload();
  await expect(page.getByLabel("Currency").locator("option:checked")).toHaveText("US dollar");
  await expect(page.getByLabel("Calendar").locator("option:checked")).toHaveText("Solar Hijri (Jalali)");
});

test("storage usage is shown, Safari's eviction is explained, and the browser's answer to protecting the data", async ({ app, page }) => {
  await page.goto("/settings");
  const storage = app.section("Storage on this device");
  await expect(storage.getByText(/MB used of .* MB available to Rabet/)).toBeVisible();
  // A fresh browser profile has not been granted persistence.
  await expect(storage.getByText(/^Not protected/)).toBeVisible();
  await expect(storage.getByText(/^Safari \(on iPhone, iPad and Mac\) deletes the data of a website that is not installed/)).toBeVisible();
  await storage.getByRole("button", { name: "Protect my data" }).click();
  await expect(storage.getByRole("status")).toHaveText(/^The browser (agreed|did not agree) to protect this data/);

  await app.setLanguage("fa");
  const persian = app.section("فضای ذخیره‌سازی این دستگاه");
  await expect(persian.getByText(/^(محافظت‌شده|محافظت‌نشده)/)).toBeVisible();
});
