import { expect, test, type Browser, type Page, type TestInfo } from "@playwright/test";
import { execFileSync } from "node:child_process";

// The server the tests run against (see playwright.config.ts): its own CLI makes a workspace
// and tokens in the same data directory.
const serverBinary = "target/release/rabet-server";
const dataDir = "target/e2e-data";

function cli(...args: string[]): string {
  return execFileSync(serverBinary, [...args, "--data-dir", dataDir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** A new workspace and a token for each member. */
function workspaceWith(members: string[]): string[] {
  const workspace = cli("workspace", "create", `e2e ${Date.now()} ${Math.random()}`);
  return members.map((member) => cli("token", "issue", "--workspace", workspace, "--member", member));
}

/** A person in a browser of their own, connected to the workspace with `token`. */
async function teammate(browser: Browser, testInfo: TestInfo, token: string, member: string) {
  const context = await browser.newContext({ ...testInfo.project.use });
  const page = await context.newPage();
  await page.goto("/settings");
  const section = page.locator("section").filter({ has: page.getByRole("heading", { name: "Team sync" }) });
  await section.getByLabel("Access token").fill(token);
  await section.getByRole("button", { name: "Connect" }).click();
  await expect(section.getByText(`Connected as ${member}`)).toBeVisible();
  await expect(status(page)).toHaveText("Up to date");
  return { context, page };
}

const status = (page: Page) => page.locator(".nav-sync").getByRole("status");

/** Syncs now and waits until that sync (not an earlier one) has finished. */
async function syncNow(page: Page) {
  const before = await status(page).getAttribute("data-synced-at");
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect.poll(() => status(page).getAttribute("data-synced-at")).not.toBe(before);
  await expect(status(page)).toHaveText("Up to date");
}

async function newContact(page: Page, first: string) {
  await page.goto("/customers");
  await page.getByRole("button", { name: "New contact" }).click();
  const dialog = page.getByRole("dialog", { name: "New contact" });
  await dialog.getByLabel("First name").fill(first);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
}

/** Edits through the app's own navigation, which works offline too. */
async function editContact(page: Page, name: RegExp, field: string, value: string) {
  await page.getByRole("navigation").getByRole("link", { name: "Customers" }).click();
  await page.getByRole("link", { name }).click();
  await page.getByRole("button", { name: "Edit" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit contact" });
  await dialog.getByLabel(field, { exact: true }).fill(value);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
}

test("a customer created by one teammate appears for the other without a reload", async ({ browser }, testInfo) => {
  const [ali, bita] = workspaceWith(["Ali", "Bita"]);
  const a = await teammate(browser, testInfo, ali, "Ali");
  const b = await teammate(browser, testInfo, bita, "Bita");
  await b.page.goto("/customers");

  await newContact(a.page, "Sara");
  // A pushes shortly after the change; B pulls on its next round (every few seconds).
  await expect(b.page.getByRole("link", { name: /Sara/ })).toBeVisible({ timeout: 20_000 });
  await expect(status(a.page)).toHaveText("Up to date");
  await a.context.close();
  await b.context.close();
});

test("offline edits to different fields of one customer both survive on both devices", async ({ browser }, testInfo) => {
  const [ali, bita] = workspaceWith(["Ali", "Bita"]);
  const a = await teammate(browser, testInfo, ali, "Ali");
  const b = await teammate(browser, testInfo, bita, "Bita");
  await newContact(a.page, "Reza");
  await syncNow(a.page);
  await syncNow(b.page);

  await a.context.setOffline(true);
  await b.context.setOffline(true);
  await editContact(a.page, /Reza/, "Last name", "Ahmadi");
  await editContact(b.page, /Reza/, "Job title", "Buyer");
  await expect(status(a.page)).toContainText("Offline");
  await expect(status(a.page)).toContainText("changes waiting: 1");

  await a.context.setOffline(false);
  await b.context.setOffline(false);
  await syncNow(a.page);
  await syncNow(b.page);
  await syncNow(a.page);
  for (const { page } of [a, b]) {
    await page.goto("/customers");
    await expect(page.getByRole("link", { name: /Reza Ahmadi/ })).toBeVisible();
    await page.getByRole("link", { name: /Reza Ahmadi/ }).click();
    await expect(page.getByText("Buyer")).toBeVisible();
  }
  await a.context.close();
  await b.context.close();
});

test("a deal deleted on one device while edited offline on another ends the same on both", async ({ browser }, testInfo) => {
  const [ali, bita] = workspaceWith(["Ali", "Bita"]);
  const a = await teammate(browser, testInfo, ali, "Ali");
  const b = await teammate(browser, testInfo, bita, "Bita");
  await a.page.goto("/pipeline");
  await a.page.getByRole("button", { name: "New deal", exact: true }).click();
  const created = a.page.getByRole("dialog", { name: "New deal" });
  await created.getByLabel("Title", { exact: true }).fill("Printers");
  await created.getByRole("button", { name: "Save" }).click();
  await expect(created).toBeHidden();
  await syncNow(a.page);
  await syncNow(b.page);
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
  await syncNow(a.page);

  await b.context.setOffline(false);
  await syncNow(b.page);
  await syncNow(a.page);
  // The delete and the edit touch different fields: the deal stays deleted on both.
  for (const { page } of [a, b]) {
    await page.reload();
    await expect(page.getByRole("button", { name: "New deal", exact: true })).toBeVisible();
    await expect(page.getByRole("article", { name: "Printers" })).toHaveCount(0);
  }
  await a.context.close();
  await b.context.close();
});

test("contacts imported offline wait as one change each and reach a teammate once online", async ({ browser }, testInfo) => {
  const [ali, bita] = workspaceWith(["Ali", "Bita"]);
  const a = await teammate(browser, testInfo, ali, "Ali");
  const b = await teammate(browser, testInfo, bita, "Bita");
  const names = ["Kaveh Importi", "Laleh Importi", "Mina Importi"];
  const csv = ["Name,Mobile", ...names.map((name, i) => `${name},0912555000${i}`)].join("\n") + "\n";

  await a.context.setOffline(true);
  await a.page.getByRole("navigation").getByRole("link", { name: "Customers" }).click();
  await a.page.getByRole("link", { name: "Import" }).click();
  await a.page.getByLabel("Choose a CSV or vCard file").setInputFiles({ name: "contacts.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await a.page.getByRole("button", { name: "Import 3 rows" }).click();
  await expect(a.page.getByText("3 contacts imported.")).toBeVisible();
  // The import is queued as one write, but a person counts the contacts.
  await expect(status(a.page)).toContainText("changes waiting: 3");

  await a.context.setOffline(false);
  // Nothing is left waiting once the server has the import.
  await syncNow(a.page);
  await syncNow(b.page);
  await b.page.goto("/customers");
  for (const name of names) await expect(b.page.getByRole("link", { name })).toBeVisible();
  await a.context.close();
  await b.context.close();
});
