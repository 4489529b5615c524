import { expect, test } from "./fixtures";

test("a contact with a Persian name and phone survives a reload and is found by Arabic spelling", async ({ app, page }) => {
  // Persian yeh (ی) and keheh (ک) as a Persian keyboard types them.
  await app.createContact({ first: "علی", last: "کریمی", phone: "۰۹۱۲ ۳۴۵ ۶۷۸۹" });

  const row = page.getByRole("link", { name: /علی کریمی/ });
  await expect(row).toBeVisible();
  // The number, normalized, is the row's link to call it.
  await expect(page.getByRole("listitem").filter({ has: row }).getByRole("link", { name: "+989123456789" })).toBeVisible();

  await page.reload();
  await expect(page.getByRole("link", { name: /علی کریمی/ })).toBeVisible();

  // Arabic yeh (ي) and kaf (ك), as an Arabic keyboard layout types them.
  const search = page.getByRole("searchbox", { name: "Search" });
  await search.fill("علي كريمي");
  await expect(page.getByRole("link", { name: /علی کریمی/ })).toBeVisible();
  await search.fill("0912345");
  await expect(page.getByRole("link", { name: /علی کریمی/ })).toBeVisible();
  await search.fill("نیست");
  await expect(page.getByText("Nothing matches the search and filters.")).toBeVisible();
});

test("markup in a name is shown as text, never run", async ({ app, page }) => {
  let alerted = false;
  page.on("dialog", async (dialog) => {
    alerted = true;
    await dialog.dismiss();
  });
  const name = "<img src=x onerror=alert(1)>";
  await app.createContact({ first: name });
  const row = page.getByRole("link", { name });
  await expect(row).toBeVisible();
  await row.click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.locator("img[src=x]")).toHaveCount(0);
  expect(alerted).toBe(false);
});

test("invalid input is explained next to the field and nothing is saved", async ({ app, page }) => {
  const dialog = await app.openNewContact();
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByText("Give at least a name, a phone number or an e-mail.")).toBeVisible();
  await dialog.getByLabel("First name").fill("Sara");
  await dialog.getByRole("textbox", { name: "E-mail addresses 1" }).fill("sara@");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByText("Not a valid e-mail address")).toBeVisible();
  await expect(dialog.getByRole("textbox", { name: "E-mail addresses 1" })).toHaveAttribute("aria-invalid", "true");
  // Fix it and the same form saves, with everything typed still there.
  await dialog.getByRole("textbox", { name: "E-mail addresses 1" }).fill("sara@example.com");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("link", { name: /Sara/ })).toContainText("sara@example.com");
});

test("a contact can be edited, deleted and the delete undone", async ({ app, page }) => {
  await app.createContact({ first: "Reza", tags: "vip, tehran" });
  await page.getByRole("link", { name: /Reza/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Reza" })).toBeVisible();

  await page.getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("dialog", { name: "Edit contact" });
  await edit.getByLabel("Last name").fill("Ahmadi");
  await edit.getByLabel("Stage").selectOption({ label: "Customer" });
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Reza Ahmadi" })).toBeVisible();

  await page.getByRole("button", { name: "Delete" }).click();
  await expect(page).toHaveURL("/customers");
  await expect(page.getByRole("link", { name: /Reza Ahmadi/ })).toHaveCount(0);
  await page.getByRole("status").getByRole("button", { name: "Undo" }).click();
  await expect(page.getByRole("link", { name: /Reza Ahmadi/ })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("link", { name: /Reza Ahmadi/ })).toContainText("Customer");
  await page.getByLabel("Tags").selectOption("vip");
  await expect(page.getByRole("link", { name: /Reza Ahmadi/ })).toBeVisible();
});
