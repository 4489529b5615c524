import { expect, test, type Page } from "@playwright/test";

async function addContact(page: Page, first: string, phone: string) {
  await page.goto("/customers");
  await page.getByRole("button", { name: "New contact" }).click();
  const dialog = page.getByRole("dialog", { name: "New contact" });
  await dialog.getByLabel("First name").fill(first);
  await dialog.getByRole("textbox", { name: "Phone numbers 1" }).fill(phone);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
}

async function restore(page: Page, path: string, mode: string) {
  await page.goto("/settings");
  const section = page.locator("section").filter({ has: page.getByRole("heading", { name: "Backup" }) });
  await section.getByRole("radio", { name: mode }).check();
  page.once("dialog", (dialog) => dialog.accept());
  await section.getByLabel("Restore from a backup file").setInputFiles(path);
  await expect(page.getByRole("status").getByText(/^Restored \d+ records\.$/)).toBeVisible();
}

test("a backup restored into an empty browser gives the same customers", async ({ page, browser }, testInfo) => {
  await addContact(page, "زهرا", "09121110000");
  await addContact(page, "Kaveh", "09352220000");
  await page.goto("/settings");
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download a backup" }).click();
  const file = testInfo.outputPath("backup.json");
  await (await download).saveAs(file);

  const empty = await browser.newContext({ ...testInfo.project.use });
  const fresh = await empty.newPage();
  await fresh.goto("/customers");
  await expect(fresh.getByText("No contacts yet. Add one, or import a CSV or vCard file.")).toBeVisible();
  await restore(fresh, file, "Replace everything here");
  await fresh.goto("/customers");
  await expect(fresh.getByText(/^2 of 2$/)).toBeVisible();
  await expect(fresh.getByRole("link", { name: /زهرا/ })).toContainText("+989121110000");
  await expect(fresh.getByRole("link", { name: /Kaveh/ })).toContainText("+989352220000");

  // Merging the same backup again changes nothing and duplicates nothing.
  await restore(fresh, file, "Merge with what is here (newer edits win)");
  await fresh.goto("/customers");
  await expect(fresh.getByText(/^2 of 2$/)).toBeVisible();
  await empty.close();
});

test("a file that is not a backup is refused with a reason", async ({ page }) => {
  await page.goto("/settings");
  const section = page.locator("section").filter({ has: page.getByRole("heading", { name: "Backup" }) });
  await section.getByLabel("Restore from a backup file").setInputFiles({ name: "x.json", mimeType: "application/json", buffer: Buffer.from('{"hello": 1}') });
  await expect(section.getByRole("alert")).toHaveText("This is not a Rabet backup file that can be read: the file is not a Rabet backup");
});
