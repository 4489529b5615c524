import { expect, test, type App, type Page } from "./fixtures";

/** Six contacts: four tagged "lead", two "partner", as a CSV the importer reads. */
const names = ["Arash Bulk", "Bahar Bulk", "Cyrus Bulk", "Dina Bulk", "Elham Bulk", "Farid Bulk"];
const csv = Buffer.from(["Name,Mobile,Tags", ...names.map((name, i) => `${name},0912555100${i},${i < 4 ? "lead" : "partner"}`)].join("\n") + "\n");

async function importSix(app: App) {
  await app.importContacts({ name: "contacts.csv", mimeType: "text/csv", buffer: csv }, 6);
  await expect(app.page.getByText("6 contacts imported.")).toBeVisible();
  await app.nav().getByRole("link", { name: "Customers" }).click();
}

/** On a phone, row checkboxes show once "Select" mode is on. */
async function startSelecting(page: Page, label: string) {
  const selectMode = page.getByRole("button", { name: label, exact: true });
  if (test.info().project.name === "phone") await selectMode.click();
  else await expect(selectMode).toBeHidden();
}

test("a filtered selection is tagged as one change, undone, tagged again and seen on a teammate's device", async ({ devices }) => {
  const [a, b] = await devices.team("Ali", "Bita");
  const { page } = a;
  await importSix(a);
  await page.getByLabel("Tags").selectOption("lead");
  await expect(page.getByText("4 of 6")).toBeVisible();
  await startSelecting(page, "Select");

  await page.getByRole("checkbox", { name: "Select every contact shown" }).check();
  const bar = page.getByRole("region", { name: "Act on the selected contacts" });
  await expect(bar.getByText("4 selected")).toBeVisible();
  await bar.getByRole("textbox", { name: "Tag" }).fill("vip");
  await bar.getByRole("button", { name: "Add tag" }).click();
  await expect(page.getByRole("status").getByText("Tag added to 4 contacts.")).toBeVisible();
  for (const name of names.slice(0, 4)) await expect(page.getByRole("link", { name: new RegExp(name) })).toContainText("lead · vip");

  await page.getByRole("status").getByRole("button", { name: "Undo" }).click();
  await expect(page.getByRole("status").getByText("Undone for 4 contacts.")).toBeVisible();
  for (const name of names.slice(0, 4)) await expect(page.getByRole("link", { name: new RegExp(name) })).not.toContainText("vip");

  // Undo leaves nothing selected: the rows are chosen again to act again.
  await expect(bar).toBeHidden();
  await page.getByRole("checkbox", { name: "Select every contact shown" }).check();
  await bar.getByRole("textbox", { name: "Tag" }).fill("vip");
  await bar.getByRole("button", { name: "Add tag" }).click();
  await expect(page.getByRole("status").getByText("Tag added to 4 contacts.")).toBeVisible();
  // As stored: the rows the change patched, each record's history holding its three changes.
  await page.reload();
  for (const name of names.slice(0, 4)) await expect(page.getByRole("link", { name: new RegExp(name) })).toContainText("lead · vip");
  await page.getByRole("link", { name: /Arash Bulk/ }).click();
  await expect(page.getByRole("region", { name: "History" }).getByText(/Tags: .*vip/)).toHaveCount(3);
  // The activity feed: one line for each bulk change, not one for each contact it wrote.
  await page.goto("/activity");
  const lines = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: "4 contacts" }) });
  await expect(lines).toHaveCount(3);
  await expect(lines.filter({ hasText: "Tag vip added" })).toHaveCount(2);
  await expect(lines.filter({ hasText: "Tag vip removed" })).toHaveCount(1);
  await a.syncNow();

  await b.syncNow();
  await b.page.goto("/customers");
  await b.page.getByLabel("Tags").selectOption("vip");
  await expect(b.page.getByText("4 of 6")).toBeVisible();
  for (const name of names.slice(0, 4)) await expect(b.page.getByRole("link", { name: new RegExp(name) })).toBeVisible();
});

test("a shift-click range is deleted and the deletion undone, in Persian", async ({ app, page }) => {
  await page.goto("/customers");
  await importSix(app);
  await app.setLanguage("fa");
  await page.goto("/customers");
  await expect(page.getByText("۶ از ۶")).toBeVisible();
  await startSelecting(page, "انتخاب");

  // "انتخاب ⁨Bahar Bulk⁩": the name is isolated in right-to-left text.
  const row = (name: string) => page.getByRole("checkbox", { name: new RegExp(`^انتخاب .?${name} Bulk.?$`) });
  await row("Bahar").click();
  await row("Elham").click({ modifiers: ["Shift"] });
  const bar = page.getByRole("region", { name: "کار روی مخاطبان انتخاب‌شده" });
  await expect(bar.getByText("۴ انتخاب‌شده")).toBeVisible();
  for (const name of ["Bahar", "Cyrus", "Dina", "Elham"]) await expect(row(name)).toBeChecked();
  await expect(row("Farid")).not.toBeChecked();

  await bar.getByRole("button", { name: "حذف انتخاب‌شده‌ها" }).click();
  await expect(page.getByRole("status").getByText("۴ مخاطب حذف شد.")).toBeVisible();
  await expect(page.getByText("۲ از ۲")).toBeVisible();
  await expect(page.getByRole("link", { name: /Cyrus Bulk/ })).toHaveCount(0);

  await page.getByRole("status").getByRole("button", { name: "بازگرداندن" }).click();
  await expect(page.getByText("۶ از ۶")).toBeVisible();
  await page.reload();
  await expect(page.getByText("۶ از ۶")).toBeVisible();
  await expect(page.getByRole("link", { name: /Cyrus Bulk/ })).toBeVisible();
  // The activity feed: the deletion and its undo, a line each for the four contacts.
  await page.goto("/activity");
  const lines = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: "۴ مخاطب" }) });
  await expect(lines).toHaveCount(2);
  await expect(lines.filter({ hasText: "حذف شد" })).toHaveCount(1);
  await expect(lines.filter({ hasText: "بازگردانده شد" })).toHaveCount(1);
});

test("a member may tag a selection but not delete it, and is told why", async ({ devices }) => {
  const [admin, member] = await devices.team("Ali", ["Bita", "member"]);
  await importSix(admin);
  await admin.syncNow();
  await member.syncNow();
  const { page } = member;
  await page.goto("/customers");
  await expect(page.getByText("6 of 6")).toBeVisible();
  await startSelecting(page, "Select");
  await page.getByRole("checkbox", { name: "Select Arash Bulk" }).click();
  const bar = page.getByRole("region", { name: "Act on the selected contacts" });
  await expect(bar.getByRole("button", { name: "Delete selected" })).toBeDisabled();
  await expect(bar.getByRole("note")).toHaveText("A member can delete only records they created.");
  await bar.getByRole("combobox", { name: "Stage" }).selectOption({ label: "Customer" });
  await bar.getByRole("button", { name: "Set stage" }).click();
  await expect(page.getByRole("status").getByText("Stage set on 1 contact.")).toBeVisible();
  await expect(page.getByRole("link", { name: /Arash Bulk/ })).toContainText("Customer");
});

test("a shared view is saved, opened by link and picked on a teammate's device; a personal one stays its author's", async ({ devices }) => {
  const [a, b] = await devices.team("Ali", "Bita");
  const { page } = a;
  await importSix(a);
  await page.getByLabel("Tags").selectOption("lead");
  await page.getByRole("combobox", { name: "Sort by" }).selectOption({ label: "Newest first" });
  await page.getByRole("button", { name: "Save view" }).click();
  await page.getByRole("textbox", { name: "View name" }).fill("Leads");
  await page.getByRole("checkbox", { name: "Shared with the team" }).check();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/customers\?view=/);
  const link = new URL(page.url()).pathname + new URL(page.url()).search;

  await page.getByRole("combobox", { name: "Saved view" }).selectOption({ label: "All contacts" });
  await expect(page.getByText("6 of 6")).toBeVisible();
  await page.getByLabel("Tags").selectOption("partner");
  await page.getByRole("button", { name: "Save view" }).click();
  await page.getByRole("textbox", { name: "View name" }).fill("My partners");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("combobox", { name: "Saved view" })).toHaveValue(/\S/);
  await a.syncNow();

  await b.syncNow();
  await b.page.goto(link);
  await expect(b.page.getByText("4 of 6")).toBeVisible();
  await expect(b.page.getByLabel("Tags")).toHaveValue("lead");
  await expect(b.page.getByRole("combobox", { name: "Sort by" })).toHaveValue("newest");
  const picker = b.page.getByRole("combobox", { name: "Saved view" });
  await expect(picker.getByRole("option", { name: "My partners" })).toHaveCount(0);
  await picker.selectOption({ label: "All contacts" });
  await expect(b.page.getByText("6 of 6")).toBeVisible();
  await picker.selectOption({ label: "Leads (shared)" });
  await expect(b.page.getByText("4 of 6")).toBeVisible();
});
