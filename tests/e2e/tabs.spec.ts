// Several tabs of one browser share one database: each shows what the others write at once,
// only one of them syncs, and actions taken while the workspace loads are not lost.

import { execFileSync } from "node:child_process";
import { App, expect, test, type Page } from "./fixtures";

/** Counts a page's requests to the sync server's ops endpoint (push and pull). */
function countOpsRequests(page: Page): { count: number } {
  const counter = { count: 0 };
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === "/api/v1/ops") counter.count += 1;
  });
  return counter;
}

/** A second tab of `app`'s browser (same context: same IndexedDB), on `path`. */
async function secondTab(app: App, path: string): Promise<App> {
  const tab = new App(await app.context.newPage());
  await tab.page.goto(path);
  return tab;
}

test("a contact created, edited and deleted in one tab shows in another tab without a reload", async ({ app }) => {
  const other = await secondTab(app, "/customers");

  await app.createContact({ first: "Sara", last: "Tabs" });
  await expect(other.page.getByRole("link", { name: /Sara Tabs/ })).toBeVisible();

  // Edited in the second tab (reached through its own links: no reload).
  await other.editContact(/Sara Tabs/, "Last name", "Moradi");
  await expect(app.page.getByRole("link", { name: /Sara Moradi/ })).toBeVisible();
  await expect(app.page.getByRole("link", { name: /Sara Tabs/ })).toHaveCount(0);

  // Deleted in the first tab while the second shows the contact's page.
  await expect(other.page.getByRole("heading", { level: 1, name: "Sara Moradi" })).toBeVisible();
  await other.nav().getByRole("link", { name: "Customers" }).click();
  await app.page.getByRole("link", { name: /Sara Moradi/ }).click();
  await app.page.getByRole("button", { name: "Delete" }).click();
  await expect(app.page).toHaveURL("/customers");
  await expect(other.page.getByRole("link", { name: /Sara Moradi/ })).toHaveCount(0);

  // The undo in the first tab brings it back in the second too.
  await app.page.getByRole("status").getByRole("button", { name: "Undo" }).click();
  await expect(other.page.getByRole("link", { name: /Sara Moradi/ })).toBeVisible();
});

test("only one tab of a browser syncs; the other asks it to, and takes over when it closes", async ({ devices }) => {
  const [ali, bita] = await devices.team("Ali", "Bita");
  const leaderRequests = countOpsRequests(ali.page);
  const other = await secondTab(ali, "/customers");
  const otherRequests = countOpsRequests(other.page);
  // The second tab shows the first tab's sync status as its own.
  await expect(other.syncStatus()).toHaveText("Up to date");

  // A contact made in the second tab is pushed by the first when the second asks.
  await other.createContact({ first: "Leila" });
  const before = leaderRequests.count;
  await other.syncNow();
  expect(leaderRequests.count).toBeGreaterThan(before);
  await bita.syncNow();
  await bita.page.goto("/customers");
  await expect(bita.page.getByRole("link", { name: /Leila/ })).toBeVisible();
  expect(otherRequests.count).toBe(0);

  // The first tab closes: the second takes over, pulls what Bita adds and pushes its own.
  await ali.page.close();
  await bita.createContact({ first: "Kaveh" });
  await bita.syncNow();
  await other.page.getByRole("button", { name: "Sync now" }).click();
  await expect(other.page.getByRole("link", { name: /Kaveh/ })).toBeVisible();
  expect(otherRequests.count).toBeGreaterThan(0);
  await other.createContact({ first: "Mina" });
  await other.syncNow();
  await bita.syncNow();
  await expect(bita.page.getByRole("link", { name: /Mina/ })).toBeVisible();
});

test("two tabs saving one field in the same millisecond end with one value on every device", async ({ devices }) => {
  const [ali, bita] = await devices.team("Ali", "Bita");
  await ali.createContact({ first: "Nima", last: "Start" });
  const other = await secondTab(ali, "/customers");

  // Both tabs open the same contact's form and type a different last name.
  const saves = [];
  for (const [tab, last] of [
    [ali, "Alpha"],
    [other, "Omega"],
  ] as const) {
    await tab.page.getByRole("link", { name: /Nima Start/ }).click();
    await tab.page.getByRole("button", { name: "Edit" }).click();
    const dialog = tab.page.getByRole("dialog", { name: "Edit contact" });
    await dialog.getByLabel("Last name", { exact: true }).fill(last);
    saves.push(dialog.getByRole("button", { name: "Save" }));
  }
  // Both press Save at the same instant by the browser's clock (one clock for both tabs).
  const at = Date.now() + 300;
  await Promise.all(
    saves.map((save) =>
      save.evaluate(
        (button, at) =>
          new Promise<void>((resolve) =>
            setTimeout(() => {
              (button as HTMLButtonElement).click();
              resolve();
            }, at - Date.now()),
          ),
        at,
      ),
    ),
  );
  for (const tab of [ali, other]) await expect(tab.page.getByRole("dialog", { name: "Edit contact" })).toBeHidden();

  // The tabs agree at once, without a reload or a sync …
  const name = (tab: App) => tab.page.getByRole("heading", { level: 1, name: /^Nima (Alpha|Omega)$/ }).textContent();
  await expect.poll(async () => (await name(ali)) === (await name(other))).toBe(true);
  const winner = await name(ali);
  // … and so does the other device, after sync, as do both tabs after a reload.
  await other.syncNow();
  await bita.syncNow();
  await bita.page.goto("/customers");
  await expect(bita.page.getByRole("link", { name: new RegExp(winner ?? "") })).toBeVisible();
  await expect(bita.page.getByRole("link", { name: /Nima (Alpha|Omega)/ })).toHaveCount(1);
  for (const tab of [ali, other]) {
    await tab.page.reload();
    await expect(tab.page.getByRole("heading", { level: 1, name: winner ?? "" })).toBeVisible();
  }
});

test("joining from an invite link right away, before the workspace has loaded, connects", async ({ app }) => {
  const cli = (...args: string[]) =>
    execFileSync("target/release/rabet-server", [...args, "--data-dir", "target/e2e-data"], { encoding: "utf8" }).trim();
  const workspace = cli("workspace", "create", `e2e join ${Date.now()} ${Math.random()}`);
  const token = cli("token", "issue", "--workspace", workspace, "--member", "Darya");
  const server = new URL(test.info().project.use.baseURL ?? "").origin;
  await app.page.goto(`/join#server=${encodeURIComponent(server)}&token=${encodeURIComponent(token)}`);
  // Pressed at once: the button waits (disabled, busy) until the page can act on it.
  await app.page.getByRole("button", { name: "Join and sync" }).click();
  await expect(app.section("Team sync").getByText("Connected as Darya")).toBeVisible();
  await expect(app.syncStatus()).toHaveText("Up to date");
});

test("a deal moved with the keyboard right after the board opens stays moved", async ({ app, page }) => {
  await app.createDeal("Desks");
  await page.goto("/pipeline");
  // At once, while the workspace may still be loading.
  const card = app.column("Lead in").getByRole("article", { name: "Desks" });
  await card.focus();
  await page.keyboard.press("ArrowRight");
  const moved = app.column("Qualified").getByRole("article", { name: "Desks" });
  await expect(moved).toBeFocused();
  // Busy while the move is saved (the workspace may still be loading): a person reloading
  // then would lose it, so the card says so until it is stored.
  await expect(moved).not.toHaveAttribute("aria-busy", "true");
  await page.reload();
  await expect(app.column("Qualified").getByRole("article", { name: "Desks" })).toBeVisible();
  await expect(app.column("Lead in").getByRole("article")).toHaveCount(0);
});
