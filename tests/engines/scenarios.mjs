// The core flows every engine must pass. Each takes a fresh device of one engine (`Page`),
// except `twoDevices`, which takes one device of each of two engines.
import { by, TestFailure, TIMEOUT } from "./page.mjs";

const dashboard = by("heading", "Dashboard");

function check(condition, message) {
  if (!condition) throw new TestFailure(message);
}

async function createContact(page, first, last, timeout = TIMEOUT) {
  await page.goto("/customers");
  // As a person waits for the page to finish loading (a cold WebKit once left the dialog open).
  await page.until(
    "the workspace to load",
    async () => (await page.evaluate(() => document.querySelector("#main")?.getAttribute("aria-busy"))) === "false",
    timeout,
  );
  await page.click(by("button", "New contact"));
  const dialog = by("dialog", "New contact");
  await page.fill(by("textbox", "First name", dialog), first);
  await page.fill(by("textbox", "Last name", dialog), last);
  await page.click(by("button", "Save", dialog));
  try {
    await page.expectGone(dialog, timeout);
  } catch (error) {
    // Say what the dialog says (an error, a field left empty) rather than only that it stayed.
    throw new TestFailure(`${error.message}; it reads: ${JSON.stringify(await page.text(dialog))}`);
  }
}

/**
 * Opens the app and saves a contact, waiting up to a minute for each: for a browser just
 * started (see run.mjs), not a test.
 */
export async function warmUp(page) {
  await createContact(page, "Warm", "Up", 60_000);
}

/** Boot; a contact with a Persian name is created, found by its Arabic spelling and kept over a reload; the Persian UI. */
export async function persianCustomer(page) {
  await page.goto("/");
  await page.expectVisible(dashboard);
  // Persian yeh (ی) and keheh (ک), as a Persian keyboard types them.
  await createContact(page, "علی", "کریمی");
  const row = by("link", /علی کریمی/);
  await page.expectVisible(row);
  await page.reload();
  await page.expectVisible(row);
  // Arabic yeh (ي) and kaf (ك), as an Arabic keyboard layout types them.
  await page.fill(by("searchbox"), "علي كريمي");
  await page.expectVisible(row);
  await page.fill(by("searchbox"), "نیست");
  await page.expectVisible(by("main", /Nothing matches the search and filters\./));

  await page.goto("/settings");
  await page.select(by("combobox", /^Language/), "فارسی");
  await page.until("the page to turn right-to-left", async () => (await page.evaluate(() => document.documentElement.dir)) === "rtl");
  await page.expectVisible(by("heading", "تنظیمات"));
  // The Persian font is downloaded for Persian text and accepted by the engine.
  const font = await page.evaluate(async () => {
    await document.fonts.load("16px Vazirmatn", "سلام");
    return [...document.fonts].filter((face) => face.family.replace(/"/g, "") === "Vazirmatn").map((face) => face.status);
  });
  check(font.length > 0 && font.every((status) => status === "loaded"), `the Vazirmatn font did not load: ${font}`);
}

/** A deal moved with the keyboard at once after the board opens stays moved over a reload. */
export async function keyboardMove(page) {
  await page.goto("/pipeline");
  await page.click(by("button", "New deal"));
  const dialog = by("dialog", "New deal");
  await page.fill(by("textbox", "Title", dialog), "Desks");
  await page.click(by("button", "Save", dialog));
  await page.expectGone(dialog);
  const card = (stage) => by("article", /Desks/, by("region", stage));
  await page.expectVisible(card("Lead in"));

  await page.reload();
  // At once, while the workspace may still be loading.
  await page.focus(card("Lead in"));
  await page.press("ArrowRight");
  await page.expectVisible(card("Qualified"));
  await page.until("the moved card to keep the focus", () =>
    page.evaluate(() => document.activeElement?.closest("section")?.querySelector("h2,h3")?.textContent.trim() === "Qualified"),
  );
  // The card is busy while its move is saved; a reload before that would lose it.
  await page.until("the move to be saved", () =>
    page.evaluate(() => document.activeElement?.getAttribute("aria-busy") !== "true"),
  );
  await page.reload();
  await page.expectVisible(card("Qualified"));
  await page.expectGone(card("Lead in"));
}

/**
 * Two tabs of one browser: what one saves shows in the other without a reload. Returns
 * whether the engine has Web Locks (without them every tab syncs; see src/sync/leader.rs).
 */
export async function twoTabs(first) {
  await first.goto("/customers");
  const second = await first.newTab();
  try {
    await second.goto("/customers");
    await second.expectVisible(by("heading", "Customers"));
    await createContact(first, "نگار", "رحیمی");
    await second.expectVisible(by("link", /نگار رحیمی/));
    await createContact(second, "Omid", "Tehrani");
    await first.expectVisible(by("link", /Omid Tehrani/));
    return first.evaluate(() => "locks" in navigator);
  } finally {
    await second.close();
  }
}

/** After one visit the app starts with its server gone (the service worker serves it). */
export async function offline(page, { start }) {
  const server = await start();
  try {
    await page.goto(`${server.origin}/`);
    await page.expectVisible(dashboard);
    await page.until("the service worker to control the page", () =>
      page.evaluate(async () => {
        await navigator.serviceWorker.ready;
        return navigator.serviceWorker.controller !== null;
      }),
    );
    await server.stop();
    await page.reload();
    await page.expectVisible(dashboard);
    // Another route through the app's own navigation, still without a server.
    await page.click(by("link", "Customers"));
    await page.expectVisible(by("heading", "Customers"));
  } finally {
    await server.stop();
  }
}

/**
 * Settings say whether the data is protected; unprotected, they warn of Safari's eviction and
 * ask `navigator.storage.persist()`, showing the browser's answer. Returns that answer.
 */
export async function protectData(page) {
  await page.goto("/settings");
  const section = by("region", "Storage on this device");
  const button = by("button", "Protect my data", section);
  // A section is named by its heading; what it says is read from the page's text.
  const protectedAlready = by("main", /Protected: the browser will not clear/);
  const unknown = by("main", /This browser does not report how much storage is used/);
  await page.until("the storage state to show", async () =>
    (await page.query(button)) !== null || (await page.query(protectedAlready)) !== null || (await page.query(unknown)) !== null,
  );
  if (await page.query(protectedAlready)) return "protected already";
  await page.expectVisible(by("main", /Safari \(on iPhone, iPad and Mac\) deletes the data of a website that is not installed/));
  if (await page.query(unknown)) return "not offered (no navigator.storage)";
  await page.click(button);
  const answer = by("status", /^The browser (agreed|did not agree) to protect this data/, section);
  await page.expectVisible(answer);
  return (await page.text(answer)).startsWith("The browser agreed") ? "granted" : "refused";
}

/** A backup file restored (merged) into an empty browser gives its customers. */
export async function restoreBackup(page, { backup }) {
  await page.goto("/settings");
  const section = by("region", "Backup");
  await page.setFiles(by("file", "Restore from a backup file", section), backup.path);
  await page.expectVisible(by("status", /^Restored \d+ records\./));
  await page.goto("/customers");
  await page.expectVisible(by("main", new RegExp(`${backup.contacts} of ${backup.contacts}`)));
  await page.expectVisible(by("link", new RegExp(backup.firstName)));
}

/**
 * Joins a workspace from an invite link, tapping "Join and sync" the moment it is there, as
 * the workspace may still be loading. A tap on a ready button must connect; a button not yet
 * ready must show that it waits (disabled and busy), and connect on a tap once ready.
 */
export async function join(page, invite, member) {
  await page.goto(invite);
  const button = by("button", "Join and sync");
  await page.find(button);
  // Read as two calls, while loading may end between them: the button only goes from waiting
  // (busy and disabled) to ready, so "enabled" read first and "busy" read after mean a button
  // that was busy yet could be tapped; the other order would take a change for a fault.
  const enabled = (await page.attribute(button, "disabled")) === null;
  const busy = (await page.attribute(button, "aria-busy")) === "true";
  if (busy) check(!enabled, "the busy Join button can be tapped, and the tap would be lost");
  await page.click(button);
  const connected = by("main", new RegExp(`Connected as ${member}`));
  if (busy) {
    // That tap may have been too early: once the button is ready, tap it (unless it was taken).
    await page.until("the Join button to be ready, or the device connected", async () =>
      (await page.query(connected)) !== null || (await page.attribute(button, "aria-busy")) === "false",
    );
    if ((await page.query(connected)) === null) await page.click(button);
  }
  console.log(`    the first tap came ${busy ? "while the button waited (busy, disabled)" : "when the button was ready"}`);
  await page.expectVisible(connected, 30_000);
  await page.expectText(syncStatus, /^Up to date/, 30_000);
}

const syncStatus = by("status", undefined, { role: "navigation" });

async function syncNow(page) {
  await page.click(by("button", "Sync now"));
  await page.expectText(syncStatus, /^Up to date/, 30_000);
}

/** Two devices of different engines joined by invite links see each other's new contacts. */
export async function twoDevices([first, second], { invite }) {
  await join(first, invite("Ali"), "Ali");
  await join(second, invite("Bita"), "Bita");
  await createContact(first, "سارا", "احمدی");
  await createContact(second, "Kaveh", "Nouri");
  for (const device of [first, second, first]) await syncNow(device);
  for (const device of [first, second]) {
    await device.goto("/customers");
    await device.expectVisible(by("link", /سارا احمدی/));
    await device.expectVisible(by("link", /Kaveh Nouri/));
  }
}
