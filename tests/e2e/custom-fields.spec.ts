// Custom fields (issue 17): admins define them in Settings, everyone fills them in a record's
// form, they show on the record's page and in its history, and they travel through sync.

import { expect, test, type App, type Locator } from "./fixtures";

/** A contact's page, through the customer list's link. */
async function openContact(app: App, name: RegExp) {
  await app.nav().getByRole("link", { name: app.lang === "en" ? "Customers" : "مشتریان" }).click();
  await app.page.getByRole("link", { name }).first().click();
}

/** The details list's value of `label` on a record's page. */
function detail(app: App, label: string): Locator {
  return app.page.locator(".custom-value").filter({ has: app.page.getByRole("term").filter({ hasText: label }) }).getByRole("definition");
}

test("an admin's Jalali date and choice fields are filled by a member, shown, kept in history and synced", async ({ devices }) => {
  // Two devices, four syncs and a dozen saves: past 30 s on a busy machine (seen at load 22).
  test.slow();
  const [admin, member] = await devices.team("Ava", ["Mani", "member"]);
  await admin.page.goto("/settings");
  await admin.page.getByLabel("Calendar").selectOption({ label: "Solar Hijri (Jalali)" });
  await admin.addCustomField("Date", "Renewal", "تمدید");
  await admin.addCustomField("Single choice", "Tier", "سطح", [["Gold", "طلایی"], ["Silver", "نقره‌ای"]]);
  await admin.syncNow();
  await member.syncNow();

  // A member sees the fields but may not change them, and is told why.
  await member.page.goto("/settings");
  const section = member.section("Custom fields");
  await expect(section.getByText("Only an admin can change this.")).toBeVisible();
  await expect(section.getByRole("button", { name: "Add field" })).toBeDisabled();
  await expect(section.getByRole("button", { name: "Delete “Tier”" })).toBeDisabled();

  // A value that is not a day of the Jalali calendar is refused beside its field.
  const dialog = await member.openNewContact();
  await dialog.getByLabel("First name").fill("Sara");
  await dialog.getByLabel("Renewal").fill("1403/13/01");
  await dialog.getByLabel("Tier").selectOption({ label: "Gold" });
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByLabel("Renewal")).toHaveAttribute("aria-invalid", "true");
  await expect(dialog.getByText(/Write the date as year\/month\/day/)).toBeVisible();
  await dialog.getByLabel("Renewal").fill("۱۴۰۳/۰۱/۱۵");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();

  await openContact(member, /Sara/);
  await expect(detail(member, "Renewal")).toHaveText("1403/01/15");
  await expect(detail(member, "Tier")).toHaveText("Gold");

  // An edit shows in the history under the field's label.
  await member.page.getByRole("button", { name: "Edit", exact: true }).click();
  const edit = member.page.getByRole("dialog", { name: "Edit contact" });
  await expect(edit.getByLabel("Renewal")).toHaveValue("1403/01/15");
  await edit.getByLabel("Tier").selectOption({ label: "Silver" });
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit).toBeHidden();
  await expect(detail(member, "Tier")).toHaveText("Silver");
  await expect(member.page.getByRole("region", { name: "History" })).toContainText("Tier: Gold → Silver");

  // The other device has it all after a sync.
  await member.syncNow();
  await admin.syncNow();
  await openContact(admin, /Sara/);
  await expect(detail(admin, "Renewal")).toHaveText("1403/01/15");
  await expect(detail(admin, "Tier")).toHaveText("Silver");
});

/** A text field "Code" and two contacts holding "12" and "abc" in it. */
async function codes(app: App) {
  await app.addCustomField("Text", "Code", "کد");
  for (const [name, code] of [["Arash", "12"], ["Bahar", "abc"]]) {
    const dialog = await app.openNewContact();
    await dialog.getByLabel("First name").fill(name);
    await dialog.getByLabel("Code").fill(code);
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog).toBeHidden();
  }
}

test("a type change converts values after asking, naming how many would be cleared", async ({ app }) => {
  const page = app.page;
  await codes(app);
  await page.goto("/settings");
  const section = app.section("Custom fields");
  await section.getByRole("button", { name: "Edit “Code”" }).click();
  const form = page.getByRole("dialog", { name: "Edit custom field" });
  await form.getByLabel("Type").selectOption({ label: "Number" });
  // Refused first: the question names how many values would be cleared.
  const asked: string[] = [];
  page.once("dialog", (question) => {
    asked.push(question.message());
    void question.dismiss();
  });
  await form.getByRole("button", { name: "Save" }).click();
  await expect.poll(() => asked).toEqual(["1 value does not convert to the new type. Change the type and clear it?"]);
  await expect(form.getByRole("button", { name: "Save" })).toBeEnabled();
  page.once("dialog", (question) => void question.accept());
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form).toBeHidden();
  await expect(section.getByRole("listitem").filter({ hasText: "Code" })).toContainText("Number");

  await openContact(app, /Arash/);
  await expect(detail(app, "Code")).toHaveText("12");
  await openContact(app, /Bahar/);
  await expect(page.locator(".custom-value")).toHaveCount(0);
});

test("archiving hides a field and keeps its values; deleting names the records holding values", async ({ app }) => {
  const page = app.page;
  await codes(app);
  await page.goto("/settings");
  const section = app.section("Custom fields");
  await section.getByRole("button", { name: "Archive “Code”" }).click();
  await expect(section.getByRole("listitem").filter({ hasText: "Code" })).toContainText("Archived");
  await openContact(app, /Arash/);
  await expect(page.locator(".custom-value")).toHaveCount(0);
  await page.goto("/settings");
  await section.getByRole("button", { name: "Restore “Code”" }).click();
  await openContact(app, /Arash/);
  await expect(detail(app, "Code")).toHaveText("12");

  await page.goto("/settings");
  const asked: string[] = [];
  page.once("dialog", (question) => {
    asked.push(question.message());
    void question.accept();
  });
  await section.getByRole("button", { name: "Delete “Code”" }).click();
  await expect(section.getByText("No custom fields yet.")).toBeVisible();
  expect(asked).toEqual(["2 records hold a value of this field. Delete the field? Its values will no longer be shown."]);
});

test("in Persian, a field is defined, filled in Persian digits and shown in the Jalali calendar", async ({ app }) => {
  await app.setLanguage("fa");
  const page = app.page;
  const section = app.section("فیلدهای سفارشی");
  await section.getByRole("button", { name: "افزودن فیلد" }).click();
  const form = page.getByRole("dialog", { name: "فیلد سفارشی تازه" });
  await form.getByLabel("نوع").selectOption({ label: "تاریخ" });
  await form.getByLabel("برچسب به انگلیسی").fill("Renewal");
  await form.getByLabel("برچسب به فارسی").fill("تمدید");
  await form.getByRole("button", { name: "ذخیره" }).click();
  await expect(form).toBeHidden();
  await expect(section.getByRole("listitem").filter({ hasText: "تمدید" })).toContainText("تاریخ");

  await page.goto("/customers");
  await page.getByRole("button", { name: "مخاطب جدید" }).click();
  const dialog = page.getByRole("dialog", { name: "مخاطب جدید" });
  await dialog.getByLabel("نام", { exact: true }).fill("سارا");
  await dialog.getByLabel("تمدید").fill("۱۴۰۳/۰۱/۱۵");
  await dialog.getByRole("button", { name: "ذخیره" }).click();
  await expect(dialog).toBeHidden();
  await openContact(app, /سارا/);
  await expect(detail(app, "تمدید")).toHaveText("۱۴۰۳/۰۱/۱۵");
});

test("a CSV import maps a custom column by its label and reports a bad value with its line", async ({ app }) => {
  const page = app.page;
  await page.goto("/settings");
  await page.getByLabel("Calendar").selectOption({ label: "Solar Hijri (Jalali)" });
  await app.addCustomField("Date", "Renewal", "تمدید");
  await app.addCustomField("Single choice", "Tier", "سطح", [["Gold", "طلایی"]]);

  await app.nav().getByRole("link", { name: "Customers" }).click();
  await page.getByRole("link", { name: "Import" }).click();
  await page.getByLabel("Choose a CSV or vCard file").setInputFiles({
    name: "contacts.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("First name,تمدید,Tier\nSara,1403/01/15,طلایی\nBita,1403/13/01,Gold\nCyrus,,Gold\n"),
  });
  // Headed by a field's label in either language, a column imports as that field.
  await expect(page.getByRole("combobox", { name: "Imports as: تمدید" }).locator("option:checked")).toHaveText("Renewal");
  await expect(page.getByRole("combobox", { name: "Imports as: Tier" }).locator("option:checked")).toHaveText("Tier");
  await page.getByRole("button", { name: "Import 3 rows" }).click();
  await expect(page.getByText("2 contacts imported.")).toBeVisible();
  const rejected = page.locator(".import-report table.rejected tbody tr");
  await expect(rejected).toHaveCount(1);
  await expect(rejected.first()).toContainText("3");
  await expect(rejected.first()).toContainText("Renewal: Write the date as year/month/day in the workspace calendar");

  await openContact(app, /Sara/);
  await expect(detail(app, "Renewal")).toHaveText("1403/01/15");
  await expect(detail(app, "Tier")).toHaveText("Gold");
});

test("the contact list shows chosen custom columns, filters by a choice and sorts by a date", async ({ app }) => {
  const page = app.page;
  await page.goto("/settings");
  await page.getByLabel("Calendar").selectOption({ label: "Solar Hijri (Jalali)" });
  await app.addCustomField("Date", "Renewal", "تمدید");
  await app.addCustomField("Single choice", "Tier", "سطح", [["Gold", "طلایی"], ["Silver", "نقره‌ای"]]);
  for (const [name, tier, renewal] of [["Arash", "Silver", "1403/05/01"], ["Bahar", "Gold", "1403/02/01"], ["Cyrus", "Gold", ""]]) {
    const dialog = await app.openNewContact();
    await dialog.getByLabel("First name").fill(name);
    await dialog.getByLabel("Tier").selectOption({ label: tier });
    await dialog.getByLabel("Renewal").fill(renewal);
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog).toBeHidden();
  }

  const titles = page.locator(".row-title");
  await page.getByText("Custom fields shown").click();
  await page.getByRole("checkbox", { name: "Tier", exact: true }).check();
  await expect(page.locator(".custom-column").filter({ hasText: "Tier: Silver" })).toHaveCount(1);

  await page.getByLabel("Sort by").selectOption({ label: "Renewal" });
  await expect(titles).toHaveText(["Bahar", "Arash", "Cyrus"]);
  await page.getByRole("combobox", { name: "Tier" }).selectOption({ label: "Gold" });
  await expect(titles).toHaveText(["Bahar", "Cyrus"]);

  // The chosen columns are remembered for the list.
  await page.reload();
  await expect(page.locator(".custom-column").filter({ hasText: "Tier: Gold" })).toHaveCount(2);
});
