// The team from the app (issue 16): an admin invites a member with a link and its QR code,
// changes their role and revokes their device; the revoked device offers its backup when the
// admins allow it, then clears the workspace from its browser.

import { readFile } from "node:fs/promises";
import { expect, test } from "./fixtures";

test("an admin invites a member who joins through the link, makes them a viewer, then revokes the device, which offers a backup and clears", async ({ devices }) => {
  // Two devices, an invite, a role change and a revocation: longer than one flow.
  test.slow();
  const [admin] = await devices.team("Ali");
  await admin.createContact({ first: "Sara", last: "Ahmadi" });
  await admin.page.goto("/settings");
  await admin.page.getByLabel("Revoked devices may download a backup").check();
  await admin.syncNow();

  const team = admin.section("Team access");
  await team.getByLabel("Name", { exact: true }).fill("Mina");
  await team.getByRole("combobox", { name: "Role", exact: true }).selectOption({ label: "Member" });
  await team.getByRole("button", { name: "Create invite" }).click();
  const invite = team.getByRole("group", { name: "Invite for Mina" });
  await expect(invite.getByRole("img", { name: "QR code of the invite link for Mina" })).toBeVisible();
  const link = await invite.getByRole("textbox", { name: "Invite link" }).inputValue();
  expect(link).toMatch(/\/join#server=.+&token=rbt_/);
  if (test.info().project.name === "phone") {
    // On a 360 px phone the members, the invite and its QR code fit the screen's width.
    await admin.page.setViewportSize({ width: 360, height: 740 });
    const qr = invite.getByRole("img", { name: "QR code of the invite link for Mina" });
    await qr.scrollIntoViewIfNeeded();
    await expect(qr).toBeInViewport({ ratio: 1 });
    expect(await admin.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  }
  await admin.context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await invite.getByRole("button", { name: "Copy link" }).click();
  await expect(invite.getByText("Copied.")).toBeVisible();
  expect(await admin.page.evaluate(() => navigator.clipboard.readText())).toBe(link);

  // Mina's phone opens the link, joins, and holds the team's customers.
  const mina = await devices.open();
  await mina.page.goto(link);
  await mina.page.getByRole("button", { name: "Join and sync" }).click();
  await expect(mina.section("Team sync").getByText("Connected as Mina")).toBeVisible();
  await expect(mina.syncStatus()).toHaveText("Up to date");
  await mina.nav().getByRole("link", { name: "Customers" }).click();
  await expect(mina.page.getByRole("link", { name: /Sara Ahmadi/ })).toBeVisible();
  await expect(mina.page.getByRole("button", { name: "New contact" })).toBeEnabled();

  // The admin sees her device, which has synced, and makes her a viewer.
  await team.getByRole("button", { name: "Refresh" }).click();
  const member = team.getByRole("listitem").filter({ has: admin.page.getByText("Mina", { exact: true }) });
  await expect(member.getByText(/last synced/)).toBeVisible();
  await member.getByLabel("Role of Mina").selectOption({ label: "Viewer" });
  await expect(team.getByText("Mina is now: Viewer.")).toBeVisible();
  await mina.syncNow();
  await expect(mina.page.getByRole("button", { name: "New contact" })).toBeDisabled();
  await expect(mina.page.getByRole("note")).toHaveText("Your role is viewer: you can read but not change anything.");

  // Revoked, after a confirmation that names her.
  admin.page.once("dialog", (dialog) => {
    expect(dialog.message()).toContain("Mina");
    void dialog.accept();
  });
  await member.getByRole("button", { name: /^Revoke Mina's device/ }).click();
  await expect(team.getByText("A device of Mina was revoked.")).toBeVisible();
  await expect(member.getByText(/^revoked /)).toBeVisible();

  // Her device is told at its next sync, offers the backup, then clears.
  await mina.page.getByRole("button", { name: "Sync now" }).click();
  const notice = mina.page.getByRole("alert").filter({ hasText: "This device's access was revoked" });
  await expect(notice).toBeVisible();
  await expect(mina.syncStatus()).toHaveText("An admin revoked this device's access.");
  const downloading = mina.page.waitForEvent("download");
  await notice.getByRole("button", { name: "Download a backup, then clear" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^rabet-backup-.+\.json$/);
  expect(await readFile(await download.path(), "utf8")).toContain("Ahmadi");
  await expect(mina.page.getByRole("alert").filter({ hasText: "The workspace was cleared from this browser." })).toBeVisible();
  await expect(mina.page.getByRole("link", { name: /Sara Ahmadi/ })).toHaveCount(0);
  // No server any more (phones leave the status out when there is none).
  await expect(mina.page.getByRole("button", { name: "Sync now" })).toHaveCount(0);

  // A fresh start, also after a reload: nothing held, no server.
  await mina.page.reload();
  await mina.nav().getByRole("link", { name: "Customers" }).click();
  await expect(mina.page.getByRole("heading", { level: 1, name: "Customers" })).toBeVisible();
  await expect(mina.page.getByRole("link", { name: /Sara Ahmadi/ })).toHaveCount(0);
  await mina.page.goto("/settings");
  await expect(mina.section("Team sync").getByLabel("Access token")).toBeVisible();
});

test("without the admins' leave a revoked device clears at once, and offers no backup", async ({ devices }) => {
  const [admin, member] = await devices.team("Ali", ["Mina", "member"]);
  await admin.createContact({ first: "Sara", last: "Ahmadi" });
  await admin.syncNow();
  await member.syncNow();
  await member.nav().getByRole("link", { name: "Customers" }).click();
  await expect(member.page.getByRole("link", { name: /Sara Ahmadi/ })).toBeVisible();

  await admin.page.goto("/settings");
  const row = admin.section("Team access").getByRole("listitem").filter({ has: admin.page.getByText("Mina", { exact: true }) });
  admin.page.once("dialog", (dialog) => void dialog.accept());
  await row.getByRole("button", { name: /^Revoke Mina's device/ }).click();
  await expect(row.getByText(/^revoked /)).toBeVisible();

  // The person comes back to the app, which syncs on focus (a tap on "Sync now" could come
  // after a background sync has cleared the device and taken the button away).
  await member.page.evaluate(() => window.dispatchEvent(new Event("focus")));
  await expect(member.page.getByRole("alert").filter({ hasText: "The workspace was cleared from this browser." })).toBeVisible();
  await expect(member.page.getByRole("button", { name: /backup/ })).toHaveCount(0);
  await expect(member.page.getByRole("link", { name: /Sara Ahmadi/ })).toHaveCount(0);
});

test("only an admin manages the team's access, online, and is told why otherwise in both languages", async ({ app, devices }) => {
  // Three browsers and two languages.
  test.slow();
  // A device that does not sync.
  await app.page.goto("/settings");
  await expect(app.section("Team access").getByRole("note")).toHaveText("Connect this device to a sync server to manage the team's access.");

  const [admin, member] = await devices.team("Ali", ["Mina", "member"]);
  await member.page.goto("/settings");
  await expect(member.section("Team access").getByRole("note")).toHaveText("Only an admin manages the team's access.");
  await expect(member.section("Team access").getByRole("button", { name: "Create invite" })).toHaveCount(0);
  await member.setLanguage("fa");
  await expect(member.section("دسترسی تیم").getByRole("note")).toHaveText("فقط مدیر دسترسی تیم را مدیریت می‌کند.");

  // The admin's list, then an invite tried offline.
  await admin.page.goto("/settings");
  const team = admin.section("Team access");
  await expect(team.getByLabel("Role of Mina")).toHaveValue("member");
  await expect(team.getByLabel("Role of Ali")).toHaveValue("admin");
  await admin.context.setOffline(true);
  await team.getByLabel("Name", { exact: true }).fill("Nima");
  await team.getByRole("button", { name: "Create invite" }).click();
  await expect(team.getByRole("alert")).toHaveText("This device is offline: the team is managed only online.");
  await admin.context.setOffline(false);
  // A name already in the team: the server's refusal, in words.
  await team.getByLabel("Name", { exact: true }).fill("Mina");
  await team.getByRole("button", { name: "Create invite" }).click();
  await expect(team.getByRole("alert")).toContainText("The server refused the change.");

  await admin.setLanguage("fa");
  const persian = admin.section("دسترسی تیم");
  await persian.getByLabel("نام", { exact: true }).fill("نیما");
  await persian.getByRole("button", { name: "ساختن دعوت‌نامه" }).click();
  await expect(persian.getByRole("img", { name: /^کد QR پیوند دعوت .*نیما/ })).toBeVisible();
});
