// Message templates are the workspace's records: what a browser kept in its local storage
// before the upgrade moves into them, once, and stays.

import { expect, test } from "./fixtures";

const KEY = "rabet.message_templates";

test("a template written before the upgrade survives it, moved out of local storage into the workspace", async ({ app }) => {
  const page = app.page;
  // Local storage as the previous version left it, before the app first loads (only once: a
  // reload must find what the app made of it).
  await page.addInitScript((key) => {
    if (sessionStorage.getItem("seeded") !== null) return;
    sessionStorage.setItem("seeded", "yes");
    localStorage.setItem(key, JSON.stringify([{ name: "Welcome back", body: "Hi {first_name}, welcome back!" }]));
  }, KEY);
  await app.createContact({ first: "Sara", last: "Ahmadi", email: "sara@example.com" });
  await expect.poll(() => page.evaluate((key) => localStorage.getItem(key), KEY)).toBeNull();

  for (const visit of ["before", "after a reload"]) {
    if (visit !== "before") await page.reload();
    await page.getByRole("link", { name: /Sara Ahmadi/ }).click();
    await page.getByRole("button", { name: "Message", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Message" });
    const template = dialog.getByRole("combobox", { name: "Template" });
    // The workspace's one template, not the starter ones.
    await expect(template.getByRole("option")).toHaveText(["Welcome back"]);
    await expect(dialog.getByText("Hi Sara, welcome back!")).toBeVisible();
    await dialog.getByRole("button", { name: "Close" }).click();
    await page.goto("/customers");
  }
});
