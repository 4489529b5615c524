import { expect, test } from "./fixtures";

test("a customer created by one teammate appears for the other without a reload", async ({ devices }) => {
  const [a, b] = await devices.team("Ali", "Bita");
  await b.page.goto("/customers");

  await a.createContact({ first: "Sara" });
  // A pushes shortly after the change; B pulls on its next round (every few seconds).
  await expect(b.page.getByRole("link", { name: /Sara/ })).toBeVisible({ timeout: 20_000 });
  await expect(a.syncStatus()).toHaveText("Up to date");
});

test("offline edits to different fields of one customer both survive on both devices", async ({ devices }) => {
  const [a, b] = await devices.team("Ali", "Bita");
  await a.createContact({ first: "Reza" });
  await a.syncNow();
  await b.syncNow();

  await a.context.setOffline(true);
  await b.context.setOffline(true);
  await a.editContact(/Reza/, "Last name", "Ahmadi");
  await b.editContact(/Reza/, "Job title", "Buyer");
  await expect(a.syncStatus()).toContainText("Offline");
  await expect(a.syncStatus()).toContainText("changes waiting: 1");

  await a.context.setOffline(false);
  await b.context.setOffline(false);
  await a.syncNow();
  await b.syncNow();
  await a.syncNow();
  for (const { page } of [a, b]) {
    await page.goto("/customers");
    await expect(page.getByRole("link", { name: /Reza Ahmadi/ })).toBeVisible();
    await page.getByRole("link", { name: /Reza Ahmadi/ }).click();
    // Under the name, and in the field history.
    await expect(page.locator(".page-intro").getByText("Buyer")).toBeVisible();
    await expect(page.getByRole("region", { name: "History" }).getByText(/Job title: — → Buyer/)).toBeVisible();
  }
});

test("a deal deleted on one device while edited offline on another ends the same on both", async ({ devices }) => {
  const [a, b] = await devices.team("Ali", "Bita");
  await a.createDeal("Printers");
  await a.syncNow();
  await b.syncNow();
  await b.page.goto("/pipeline");
  await expect(b.page.getByRole("article", { name: "Printers" })).toBeVisible();

  // B edits the deal offline while A deletes it.
  await b.context.setOffline(true);
  await b.page.getByRole("article", { name: "Printers" }).getByRole("button", { name: "Printers" }).click();
  const edit = b.page.getByRole("dialog", { name: "Edit deal" });
  await edit.getByLabel("Value", { exact: true }).fill("5,000,000");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit).toBeHidden();

  await a.page.getByRole("article", { name: "Printers" }).getByRole("button", { name: "Printers" }).click();
  await a.page.getByRole("dialog", { name: "Edit deal" }).getByRole("button", { name: "Delete" }).click();
  await expect(a.page.getByRole("article", { name: "Printers" })).toHaveCount(0);
  await a.syncNow();

  await b.context.setOffline(false);
  await b.syncNow();
  await a.syncNow();
  // The delete and the edit touch different fields: the deal stays deleted on both.
  for (const { page } of [a, b]) {
    await page.reload();
    await expect(page.getByRole("button", { name: "New deal", exact: true })).toBeVisible();
    await expect(page.getByRole("article", { name: "Printers" })).toHaveCount(0);
  }
});

test("contacts imported offline wait as one change each and reach a teammate once online", async ({ devices }) => {
  const [a, b] = await devices.team("Ali", "Bita");
  const names = ["Kaveh Importi", "Laleh Importi", "Mina Importi"];
  const csv = ["Name,Mobile", ...names.map((name, i) => `${name},0912555000${i}`)].join("\n") + "\n";

  await a.context.setOffline(true);
  await a.importContacts({ name: "contacts.csv", mimeType: "text/csv", buffer: Buffer.from(csv) }, 3);
  await expect(a.page.getByText("3 contacts imported.")).toBeVisible();
  // The import is queued as one write, but a person counts the contacts.
  await expect(a.syncStatus()).toContainText("changes waiting: 3");

  await a.context.setOffline(false);
  // Nothing is left waiting once the server has the import.
  await a.syncNow();
  await b.syncNow();
  await b.page.goto("/customers");
  for (const name of names) await expect(b.page.getByRole("link", { name })).toBeVisible();
});
