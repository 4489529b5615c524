import { expect, test } from "./fixtures";
import type { App } from "./fixtures";

/** The header's bell, by the name that carries its unread count ("Notifications" with none). */
function bell(app: App, name: string) {
  return app.nav().getByRole("button", { name, exact: true });
}

/** Adds `name` to Settings › Team (the list owners are picked from). */
async function addTeamMember(app: App, name: string) {
  await app.goto("/settings");
  const team = app.page.locator("section").filter({ has: app.page.getByRole("heading", { name: "Team", exact: true }) });
  await team.getByLabel("Name").fill(name);
  await team.getByRole("button", { name: "Add member" }).click();
  await expect(team.getByText(name)).toBeVisible();
}

/**
 * Adds a "notify members" rule from Settings › Automation and switches it on; `who` ticks
 * the team members named and, unless `owner` is false, leaves "The record's owner" ticked
 * (as it starts).
 */
async function addNotifyRule(app: App, rule: { name: string; when: string; text: string; owner: boolean; members: string[] }) {
  await app.goto("/settings");
  const section = app.section("Automation");
  const form = section.locator("form");
  await form.getByLabel("Rule name").fill(rule.name);
  await form.getByRole("combobox", { name: "When", exact: true }).selectOption({ label: rule.when });
  await form.getByRole("combobox", { name: "Then", exact: true }).selectOption({ label: "Notify the team in the app" });
  const who = form.getByRole("group", { name: "Who is notified" });
  const owner = who.getByRole("checkbox", { name: "The record's owner" });
  await expect(owner).toBeChecked();
  if (!rule.owner) await owner.uncheck();
  for (const member of rule.members) await who.getByRole("checkbox", { name: member }).check();
  await form.getByLabel("Text, or the webhook's URL").fill(rule.text);
  await form.getByRole("button", { name: "Add rule" }).click();
  const switched = section.getByRole("checkbox", { name: rule.name });
  await switched.check();
  await expect(switched).not.toHaveAttribute("aria-busy", "true");
}

test("a rule notifies a won deal's owner: one unread notification on the owner's second device, opened there and read on both", async ({ devices }) => {
  // Three devices, each syncing more than once.
  test.slow();
  const [ali, bita] = await devices.team("Ali", "Bita");
  await addTeamMember(ali, "Ali");

  await addNotifyRule(ali, { name: "Tell the owner", when: "A deal is won", text: "{title} was won", owner: true, members: [] });

  // A deal owned by Ali, won on his first device.
  await ali.goto("/pipeline");
  await ali.page.getByRole("button", { name: "New deal", exact: true }).click();
  const dialog = ali.page.getByRole("dialog", { name: "New deal" });
  await dialog.getByLabel("Title", { exact: true }).fill("Laptops");
  await dialog.getByLabel("Owner").selectOption({ label: "Ali" });
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await ali.page.getByRole("article", { name: "Laptops" }).getByRole("button", { name: "Won" }).click();
  await expect(ali.page.getByRole("article", { name: "Laptops" })).toHaveCount(0);
  await expect(bell(ali, "Notifications, 1 unread")).toBeVisible();
  await ali.syncNow();
  // The count in the bell's name, in Persian (with Persian digits) too.
  await ali.setLanguage("fa");
  await expect(bell(ali, "اعلان‌ها، ۱ خوانده‌نشده")).toBeVisible();

  // Ali's second device: one unread notification once synced. Bita is not the owner.
  const phone = await devices.open();
  await phone.connect(devices.token("Ali"), "Ali");
  await bita.syncNow();
  await expect(bell(bita, "Notifications")).toBeVisible();
  const unread = bell(phone, "Notifications, 1 unread");
  await expect(unread).toBeVisible();

  // By keyboard: Enter opens the list, Tab goes into it, Escape closes it and gives the
  // focus back.
  await unread.focus();
  await phone.page.keyboard.press("Enter");
  const panel = phone.page.getByRole("region", { name: "Notifications" });
  await expect(panel.getByRole("link", { name: /Laptops was won/ })).toHaveCount(1);
  await phone.page.keyboard.press("Tab");
  await expect(panel.locator(":focus")).toHaveCount(1);
  await phone.page.keyboard.press("Escape");
  await expect(panel).toBeHidden();
  await expect(unread).toBeFocused();
  // Escape closes it with the focus still on the bell, too.
  await phone.page.keyboard.press("Enter");
  await expect(panel).toBeVisible();
  await phone.page.keyboard.press("Escape");
  await expect(panel).toBeHidden();
  await expect(unread).toBeFocused();

  // Opening it shows the deal and marks it read.
  await phone.page.keyboard.press("Enter");
  await panel.getByRole("link", { name: /Laptops was won/ }).click();
  await expect(phone.page).toHaveURL(/\/pipeline\?deal=/);
  const deal = phone.page.getByRole("dialog");
  await expect(deal.getByLabel("Title", { exact: true })).toHaveValue("Laptops");
  await deal.press("Escape");
  await expect(deal).toBeHidden();
  await expect(bell(phone, "Notifications")).toBeVisible();
  await phone.syncNow();

  // Read on the first device too once it syncs.
  await ali.page.getByRole("button", { name: "همگام‌سازی اکنون" }).click();
  await expect(bell(ali, "اعلان‌ها")).toBeVisible();
  await bell(ali, "اعلان‌ها").click();
  const persian = ali.page.getByRole("region", { name: "اعلان‌ها" });
  await expect(persian.getByRole("link", { name: /Laptops was won/ })).toHaveCount(1);
  await expect(persian.getByRole("button", { name: "همه خوانده شد" })).toBeDisabled();
});

test("“Mark all read” reads every notification of a device that does not sync", async ({ app, page, isMobile }) => {
  await addTeamMember(app, "Sara");
  await addNotifyRule(app, { name: "New deals", when: "A deal is created", text: "New deal: {title}", owner: false, members: ["Sara"] });

  await app.createDeal("Printers");
  await app.createDeal("Scanners");
  await expect(bell(app, "Notifications, 2 unread")).toBeVisible();
  await bell(app, "Notifications, 2 unread").click();
  const panel = page.getByRole("region", { name: "Notifications" });
  await expect(panel.getByRole("listitem")).toHaveCount(2);
  await panel.getByRole("button", { name: "Mark all read" }).click();
  await expect(bell(app, "Notifications")).toBeVisible();
  // Stored: still read after a reload.
  await app.goto("/pipeline");
  await expect(bell(app, "Notifications")).toBeVisible();
  await expect(bell(app, "Notifications, 2 unread")).toHaveCount(0);
  // Reading is no edit of the workspace: the activity feed lists no notification's change.
  await app.openPage("Activity", isMobile);
  await page.getByRole("combobox", { name: "Kind" }).selectOption({ label: "Notification" });
  await expect(page.getByText("No change to show: edits of existing records appear here.")).toBeVisible();
});
