import { expect, test } from "@playwright/test";

test("team members added in settings become owners of contacts", async ({ page }) => {
  await page.goto("/settings");
  const team = page.locator("section").filter({ has: page.getByRole("heading", { name: "Team" }) });
  await team.getByRole("button", { name: "Add member" }).click();
  await expect(team.getByText("Required")).toBeVisible();
  await team.getByLabel("Name").fill("Maryam Tehrani");
  await team.getByLabel("E-mail").fill("maryam@example.com");
  await team.getByLabel("Role").selectOption({ label: "Sales" });
  await team.getByRole("button", { name: "Add member" }).click();
  await expect(team.getByText("Maryam Tehrani")).toBeVisible();

  await page.goto("/customers");
  await page.getByRole("button", { name: "New contact" }).click();
  const dialog = page.getByRole("dialog", { name: "New contact" });
  await dialog.getByLabel("First name").fill("Owned");
  await dialog.getByLabel("Owner").selectOption({ label: "Maryam Tehrani" });
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
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
  await page.reload();
  await expect(page.getByLabel("Currency").locator("option:checked")).toHaveText("US dollar");
  await expect(page.getByLabel("Calendar").locator("option:checked")).toHaveText("Solar Hijri (Jalali)");
});

test("storage usage is shown and the data can be protected", async ({ page }) => {
  await page.goto("/settings");
  const storage = page.locator("section").filter({ has: page.getByRole("heading", { name: "Storage on this device" }) });
  await expect(storage.getByText(/MB used of .* MB available to Rabet/)).toBeVisible();
  await expect(storage.getByText(/^(Protected|Not protected)/)).toBeVisible();
});
