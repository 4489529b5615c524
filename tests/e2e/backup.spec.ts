import { expect, test, type App } from "./fixtures";

async function restore(app: App, path: string, mode: string) {
  await app.page.goto("/settings");
  const section = app.section("Backup");
  await section.getByRole("radio", { name: mode }).check();
  app.page.once("dialog", (dialog) => dialog.accept());
  await section.getByLabel("Restore from a backup file").setInputFiles(path);
  await expect(app.page.getByRole("status").getByText(/^Restored \d+ records\.$/)).toBeVisible();
}

test("a backup restored into an empty browser gives the same customers", async ({ app, page, devices }, testInfo) => {
  await app.createContact({ first: "زهرا", phone: "09121110000" });
  await app.createContact({ first: "Kaveh", phone: "09352220000" });
  await page.goto("/settings");
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download a backup" }).click();
  const file = testInfo.outputPath("backup.json");
  await (await download).saveAs(file);

  const empty = await devices.open();
  const fresh = empty.page;
  await fresh.goto("/customers");
  await expect(fresh.getByText("No contacts yet. Add one, or import a CSV or vCard file.")).toBeVisible();
  await restore(empty, file, "Replace everything here");
  await fresh.goto("/customers");
  await expect(fresh.getByText(/^2 of 2$/)).toBeVisible();
  // Each contact's row, with its number to call.
  const row = (name: RegExp) => fresh.getByRole("listitem").filter({ has: fresh.getByRole("link", { name }) });
  await expect(row(/زهرا/).getByRole("link", { name: "+989121110000" })).toBeVisible();
  await expect(row(/Kaveh/).getByRole("link", { name: "+989352220000" })).toBeVisible();

  // Merging the same backup again changes nothing and duplicates nothing.
  await restore(empty, file, "Merge with what is here (newer edits win)");
  await fresh.goto("/customers");
  await expect(fresh.getByText(/^2 of 2$/)).toBeVisible();
});

test("a file that is not a backup is refused with a reason", async ({ app }) => {
  await app.page.goto("/settings");
  const section = app.section("Backup");
  await section.getByLabel("Restore from a backup file").setInputFiles({ name: "x.json", mimeType: "application/json", buffer: Buffer.from('{"hello": 1}') });
  const alert = section.getByRole("alert");
  await expect(alert.locator("p")).toHaveText("The file is JSON but not a Rabet backup.");
  // The technical reason is there for whoever needs it, folded away.
  await alert.getByText("Details").click();
  await expect(alert.locator("code")).toHaveText("the file is not a Rabet backup");
});
