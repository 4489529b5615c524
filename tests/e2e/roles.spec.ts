// Roles as the app mirrors them: what a viewer or member may not do is disabled with the
// reason, and a write the server refuses is taken back and listed for its author.

import { expect, test } from "./fixtures";

test("a viewer reads the team's customers but cannot change them, and is told why in both languages", async ({ devices }) => {
  const [admin, viewer] = await devices.team("Ali", ["Vida", "viewer"]);
  await admin.createContact({ first: "Sara", last: "Ahmadi" });
  await admin.syncNow();
  await viewer.syncNow();
  await expect(viewer.section("Team sync").getByText("Your role: Viewer")).toBeVisible();

  // A reload: the role is known from the start, before any sync.
  await viewer.page.goto("/customers");
  await expect(viewer.page.getByRole("note")).toHaveText("Your role is viewer: you can read but not change anything.");
  await expect(viewer.page.getByRole("button", { name: "New contact" })).toBeDisabled();
  await viewer.page.getByRole("link", { name: /Sara Ahmadi/ }).click();
  await expect(viewer.page.getByRole("heading", { level: 1, name: "Sara Ahmadi" })).toBeVisible();
  await expect(viewer.page.getByRole("button", { name: "Edit", exact: true })).toBeDisabled();
  await expect(viewer.page.getByRole("button", { name: "Delete", exact: true })).toBeDisabled();

  await viewer.setLanguage("fa");
  await viewer.page.goto("/customers");
  await expect(viewer.page.getByRole("note")).toHaveText("نقش شما بیننده است: می‌توانید بخوانید اما چیزی را تغییر نمی‌دهید.");
  await expect(viewer.page.getByRole("button", { name: "مخاطب جدید" })).toBeDisabled();
  // Nothing of the viewer's is waiting to be refused.
  await expect(viewer.page.getByRole("link", { name: /پذیرفته‌نشده/ })).toHaveCount(0);
});

test("a member's offline delete of a customer they did not create is refused, listed, and the customer comes back", async ({ devices }) => {
  // Two devices, five syncs and a refusal: longer than one flow.
  test.slow();
  const [admin, member] = await devices.team("Ali", ["Mina", "member"]);
  await admin.createContact({ first: "Sara", last: "Ahmadi" });
  await admin.syncNow();
  await member.syncNow();
  await expect(member.section("Team sync").getByText("Your role: Member")).toBeVisible();

  const page = member.page;
  await member.nav().getByRole("link", { name: "Customers" }).click();
  await page.getByRole("link", { name: /Sara Ahmadi/ }).click();
  await member.context.setOffline(true);
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Customers" })).toBeVisible();
  await expect(page.getByRole("link", { name: /Sara Ahmadi/ })).toHaveCount(0);

  await member.context.setOffline(false);
  await member.syncNow();
  // The server kept Sara: the device is back to what the server accepted.
  await expect(page.getByRole("link", { name: /Sara Ahmadi/ })).toBeVisible();
  await page.getByRole("link", { name: "1 not accepted" }).click();
  const list = member.section("Not accepted");
  await expect(list.getByText("A member can delete only records they created.")).toBeVisible();
  await expect(list.getByText(/^Contact · /)).toBeVisible();
  await expect(list.getByText("Deleted", { exact: true })).toBeVisible();

  await member.context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await list.getByRole("button", { name: "Copy" }).click();
  await expect(list.getByRole("status")).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain("deleted: true");
  await list.getByRole("button", { name: "Discard" }).click();
  await expect(list).toHaveCount(0);
  await expect(page.getByRole("link", { name: "1 not accepted" })).toHaveCount(0);

  // What the member created, they may delete: accepted, and gone for the admin too.
  await member.createContact({ first: "Omid" });
  await member.syncNow();
  await admin.syncNow();
  await admin.page.goto("/customers");
  await expect(admin.page.getByRole("link", { name: /Omid/ })).toBeVisible();
  await page.getByRole("link", { name: /Omid/ }).click();
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Customers" })).toBeVisible();
  await member.syncNow();
  await expect(page.getByRole("link", { name: /not accepted/ })).toHaveCount(0);
  await admin.syncNow();
  await admin.page.goto("/customers");
  await expect(admin.page.getByRole("link", { name: /Sara Ahmadi/ })).toBeVisible();
  await expect(admin.page.getByRole("link", { name: /Omid/ })).toHaveCount(0);
});

test("a member's change appears in the other device's field history with the member's name", async ({ devices }) => {
  test.slow();
  const [admin, member] = await devices.team("Ali", ["Mina", "member"]);
  await admin.createContact({ first: "Sara", last: "Ahmadi" });
  await admin.syncNow();
  await member.syncNow();
  await member.editContact(/Sara Ahmadi/, "Job title", "Buyer");
  // Before it syncs, the change is the member's own.
  const mine = member.page.getByRole("region", { name: "History" });
  await expect(mine.getByText("You", { exact: true })).toBeVisible();
  await member.syncNow();
  await admin.syncNow();

  await admin.nav().getByRole("link", { name: "Customers" }).click();
  await admin.page.getByRole("link", { name: /Sara Ahmadi/ }).click();
  const history = admin.page.getByRole("region", { name: "History" });
  await expect(history.getByText("Mina", { exact: true })).toBeVisible();
  await expect(history.getByText("Job title: — → Buyer")).toBeVisible();
  // The job title was empty before: there is no earlier value to restore.
  await expect(history.getByRole("button", { name: /^Restore this value/ })).toHaveCount(0);
});
