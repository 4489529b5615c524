// The command palette and keyboard shortcuts: Ctrl+K (or the search button on a phone) opens
// one box that finds a customer and runs an action, by keyboard alone, in both languages;
// "?" lists the shortcuts; no single-key shortcut fires while a field is typed in.

import { expect, test, type Page } from "./fixtures";

/** The palette's text box (the combobox) and its results (the listbox). */
function palette(page: Page, lang: "en" | "fa" = "en") {
  const dialog = page.getByRole("dialog", { name: lang === "en" ? "Command palette" : "فرمان‌یاب" });
  return {
    dialog,
    box: dialog.getByRole("combobox"),
    options: dialog.getByRole("listbox").getByRole("option"),
  };
}

/** The option the combobox names as active (aria-activedescendant). */
async function activeOption(page: Page) {
  const id = await palette(page).box.getAttribute("aria-activedescendant");
  expect(id).toBeTruthy();
  return page.locator(`[id="${id}"]`);
}

test("the palette opens a customer and logs a call with them, by keyboard only", async ({ app, page }) => {
  await app.createContact({ first: "Shirin", last: "Tehrani", phone: "0912 345 6789" });
  await app.createContact({ first: "Shirinzad", last: "Karimi" });
  await page.goto("/tasks");
  // The shortcut is the app's: it listens once the app has started.
  await expect(page.locator("main")).toHaveAttribute("aria-busy", "false");
  await page.keyboard.press("Control+K");
  const { dialog, box, options } = palette(page);
  await expect(box).toBeFocused();
  await expect(box).toHaveAttribute("aria-expanded", "true");
  // With nothing typed: the actions and pages.
  await expect(options.filter({ hasText: "New contact" })).toBeVisible();
  await expect(options.filter({ hasText: "Pipeline" })).toBeVisible();

  // By phone number, typed with Persian digits: the one contact who has it.
  await page.keyboard.type("۰۹۱۲۳۴۵");
  await expect(options).toHaveCount(1);
  await expect(options.first()).toContainText("Shirin Tehrani");
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Backspace");

  // By name: the whole word ranks above a longer one that starts with it.
  await page.keyboard.type("shirin");
  await expect(options.first()).toContainText("Shirin Tehrani");
  await expect(options.nth(1)).toContainText("Shirinzad Karimi");
  await expect(await activeOption(page)).toHaveAttribute("aria-selected", "true");
  await expect(await activeOption(page)).toContainText("Shirin Tehrani");
  // The arrows move the active option, and wrap.
  await page.keyboard.press("ArrowDown");
  await expect(await activeOption(page)).toContainText("Shirinzad Karimi");
  await page.keyboard.press("ArrowUp");
  await expect(await activeOption(page)).toContainText("Shirin Tehrani");
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("heading", { level: 1, name: "Shirin Tehrani" })).toBeVisible();

  // An action for the customer whose page is open.
  await page.keyboard.press("Control+K");
  await page.keyboard.type("log call");
  await expect(await activeOption(page)).toContainText("Log a call with this customer");
  await page.keyboard.press("Enter");
  const call = page.getByRole("dialog", { name: "Log call" });
  await expect(call).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(call).toBeHidden();

  // Escape closes the palette and gives the focus back.
  await page.keyboard.press("Control+K");
  await expect(box).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
});

test("in Persian the palette folds Arabic letters and runs an action", async ({ app, page }) => {
  await app.createContact({ first: "علی", last: "رضایی" });
  await app.setLanguage("fa");
  await page.goto("/");
  await expect(page.locator("main")).toHaveAttribute("aria-busy", "false");
  await page.keyboard.press("Control+K");
  const { dialog, box, options } = palette(page, "fa");
  await expect(box).toHaveAttribute("placeholder", "نام، تلفن، ایمیل، شماره یا کار…");
  // Typed on an Arabic keyboard: ي for ی.
  await page.keyboard.type("علي");
  await expect(options.first()).toContainText("علی رضایی");
  await expect(options.first()).toContainText("مخاطب");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "علی رضایی" })).toBeVisible();

  await page.keyboard.press("Control+K");
  await page.keyboard.type("ثبت تماس");
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("dialog", { name: "ثبت تماس" })).toBeVisible();
});

test("the switch-language action follows the language it switches to", async ({ page }) => {
  await page.goto("/");
  // The shortcut is the app's: it listens once the app has started.
  await expect(page.locator("main")).toHaveAttribute("aria-busy", "false");
  await page.keyboard.press("Control+K");
  await page.keyboard.type("persian");
  await page.keyboard.press("Enter");
  await expect(page.locator("html")).toHaveAttribute("lang", "fa");
  await page.keyboard.press("Control+K");
  await page.keyboard.type("انگلیسی");
  await page.keyboard.press("Enter");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
});

test('"?" lists the shortcuts, a letter runs one, and none fires while typing', async ({ page }) => {
  await page.goto("/customers");
  await expect(page.locator("main")).toHaveAttribute("aria-busy", "false");
  const search = page.getByRole("searchbox", { name: "Search" });
  // Typed into a field, "?", "c" and "/" are text.
  await search.click();
  await page.keyboard.type("c?/");
  await expect(search).toHaveValue("c?/");
  await expect(page.getByRole("dialog")).toHaveCount(0);

  await search.fill("");
  await page.getByRole("heading", { level: 1 }).click();
  await page.keyboard.press("/");
  await expect(search).toBeFocused();
  await page.getByRole("heading", { level: 1 }).click();

  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help.getByRole("row").filter({ hasText: "New contact" })).toContainText("C");
  await page.keyboard.press("Escape");
  await expect(help).toBeHidden();

  // From another page, "d" opens a new deal where deals are.
  await page.keyboard.press("d");
  await expect(page).toHaveURL(/\/pipeline$/);
  await expect(page.getByRole("dialog", { name: "New deal" })).toBeVisible();
});

test("on a phone the search button opens the palette", async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== "phone", "the button is the phone's way in");
  await page.goto("/");
  await page.getByRole("button", { name: "Search" }).click();
  const { box, options } = palette(page);
  await expect(box).toBeFocused();
  await page.keyboard.type("tick");
  await expect(options.first()).toContainText("Tickets");
  await options.first().click();
  await expect(page).toHaveURL(/\/tickets$/);
});
