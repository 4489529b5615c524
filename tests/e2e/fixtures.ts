// What the end-to-end specs share: a page object for the app (`App`) and two fixtures.
//
//   import { expect, test } from "./fixtures";
//   test("…", async ({ app, devices }) => { … });
//
// `app` is the test's page seen as Rabet; `devices` opens more browsers of the same project
// (an empty one, or a team connected through the test server) and closes them afterwards.
// Every helper waits for what the app shows once it is done (a dialog closing, a status
// line, an attribute), never for a fixed time.

import { expect, test as base, type Browser, type BrowserContext, type Locator, type Page, type TestInfo } from "@playwright/test";
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";

export { expect };
export type { Locator, Page };

export type Lang = "en" | "fa";

/** A member's role on the sync server. */
export type Role = "admin" | "member" | "viewer";

/** What differs between the two languages in the helpers below. */
const LABELS = {
  en: { name: "English", sample: "Load sample workspace", sampleLoaded: /Sample workspace loaded/, dir: "ltr" },
  fa: { name: "فارسی", sample: "بارگذاری فضای کار نمونه", sampleLoaded: /فضای کار نمونه بارگذاری شد/, dir: "rtl" },
} as const;

/** A contact's fields as the "New contact" form has them; all optional. */
export interface Contact {
  first?: string;
  last?: string;
  /** The first phone number. */
  phone?: string;
  /** The first e-mail address. */
  email?: string;
  /** Comma-separated. */
  tags?: string;
  /** A team member's name. */
  owner?: string;
}

/** A file as `setInputFiles` takes it. */
export interface UploadFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** Rabet in one browser page: the flows the specs share. */
export class App {
  /** The language the helpers expect the app in; `setLanguage` changes it. */
  lang: Lang = "en";

  constructor(readonly page: Page) {}

  get context(): BrowserContext {
    return this.page.context();
  }

  /** Opens a page as a person would: its link in the navigation, or on a phone (whose bar has
   * no room for every page) through the search button's command palette. */
  async openPage(name: string, isMobile: boolean) {
    const en = this.lang === "en";
    if (isMobile) {
      await this.nav().getByRole("button", { name: en ? "Search" : "جست‌وجو" }).click();
      const dialog = this.page.getByRole("dialog", { name: en ? "Command palette" : "فرمان‌یاب" });
      await this.page.keyboard.type(name);
      await dialog.getByRole("option").filter({ hasText: en ? "Page" : "صفحه" }).filter({ hasText: name }).first().click();
    } else {
      await this.nav().getByRole("link", { name }).click();
    }
    await expect(this.page.getByRole("heading", { level: 1, name })).toBeVisible();
  }

  /** The main navigation (sidebar on a desktop, bar on a phone). */
  nav(): Locator {
    return this.page.getByRole("navigation", { name: this.lang === "en" ? "Main navigation" : "ناوبری اصلی" });
  }

  /** A section of the settings page, found by its heading. */
  section(heading: string): Locator {
    return this.page.locator("section").filter({ has: this.page.getByRole("heading", { name: heading }) });
  }

  /** Loads `path` anew, once the page has stored its changes: a load before then loses them, as it would a user's. */
  async goto(path: string) {
    if (this.page.url().startsWith("http")) await expect(this.page.locator("main")).toHaveAttribute("aria-busy", "false");
    await this.page.goto(path);
  }

  /** Chooses the language in settings and waits until the whole page has switched. */
  async setLanguage(lang: Lang) {
    await this.goto("/settings");
    await this.page.getByRole("combobox", { name: /^(Language|زبان)/ }).selectOption({ label: LABELS[lang].name });
    const html = this.page.locator("html");
    await expect(html).toHaveAttribute("lang", lang);
    await expect(html).toHaveAttribute("dir", LABELS[lang].dir);
    this.lang = lang;
  }

  /** Adds a custom field in Settings → Custom fields (English) to the kind `of`, with options `[en, fa]` for a choice. */
  async addCustomField(type: string, en: string, fa: string, options: [string, string][] = [], of = "Contact") {
    // Once earlier writes are stored: a reload right after choosing the calendar lost the
    // choice when its write had not committed (seen once on a loaded machine).
    await this.goto("/settings");
    const section = this.section("Custom fields");
    await section.getByLabel("Fields of").selectOption({ label: of });
    await section.getByRole("button", { name: "Add field" }).click();
    const dialog = this.page.getByRole("dialog", { name: "New custom field" });
    await dialog.getByLabel("Type").selectOption({ label: type });
    await dialog.getByLabel("Label in English").fill(en);
    await dialog.getByLabel("Label in Persian").fill(fa);
    for (const [n, [optionEn, optionFa]] of options.entries()) {
      await dialog.getByRole("button", { name: "Add option" }).click();
      await dialog.getByRole("textbox", { name: `Option in English ${n + 1}` }).fill(optionEn);
      await dialog.getByRole("textbox", { name: `Option in Persian ${n + 1}` }).fill(optionFa);
    }
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog).toBeHidden();
    await expect(section.getByRole("listitem").filter({ hasText: en })).toContainText(type);
  }

  /** Opens the "New contact" form on the customer list. */
  async openNewContact(): Promise<Locator> {
    await this.goto("/customers");
    await this.page.getByRole("button", { name: "New contact" }).click();
    const dialog = this.page.getByRole("dialog", { name: "New contact" });
    await expect(dialog).toBeVisible();
    return dialog;
  }

  /** Creates a contact through the form; returns once it is stored (the form closes then). */
  async createContact(contact: Contact) {
    const dialog = await this.openNewContact();
    if (contact.first !== undefined) await dialog.getByLabel("First name").fill(contact.first);
    if (contact.last !== undefined) await dialog.getByLabel("Last name").fill(contact.last);
    if (contact.phone !== undefined) await dialog.getByRole("textbox", { name: "Phone numbers 1" }).fill(contact.phone);
    if (contact.email !== undefined) await dialog.getByRole("textbox", { name: "E-mail addresses 1" }).fill(contact.email);
    if (contact.tags !== undefined) await dialog.getByLabel("Tags").fill(contact.tags);
    if (contact.owner !== undefined) await dialog.getByLabel("Owner").selectOption({ label: contact.owner });
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog).toBeHidden();
  }

  /** Edits one field of a contact, reaching it through the app's own links (works offline). */
  async editContact(name: RegExp, field: string, value: string) {
    await this.nav().getByRole("link", { name: "Customers" }).click();
    await this.page.getByRole("link", { name }).click();
    await this.page.getByRole("button", { name: "Edit" }).click();
    const dialog = this.page.getByRole("dialog", { name: "Edit contact" });
    await dialog.getByLabel(field, { exact: true }).fill(value);
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog).toBeHidden();
  }

  /** Imports a contacts file from the customer list's Import page (through the app's links). */
  async importContacts(file: UploadFile, rows: number) {
    await this.nav().getByRole("link", { name: "Customers" }).click();
    await this.page.getByRole("link", { name: "Import" }).click();
    await expect(this.page.getByRole("heading", { level: 1, name: "Import contacts" })).toBeVisible();
    await this.page.getByLabel("Choose a CSV or vCard file").setInputFiles(file);
    await this.page.getByRole("button", { name: `Import ${rows} rows` }).click();
  }

  /** A stage's column on the pipeline board, found by its heading. */
  column(stage: string): Locator {
    return this.page.getByRole("region", { name: stage, exact: true });
  }

  /** Waits until the board's moves are stored (a reload before then loses them, as it would a user's). */
  async boardStored() {
    await expect(this.page.locator(".board")).not.toHaveAttribute("aria-busy", "true");
  }

  /** Creates a deal on the pipeline board (`fill` fills more of its form); returns its card, in the first stage. */
  async createDeal(title: string, value?: string, fill?: (dialog: Locator) => Promise<void>): Promise<Locator> {
    if (new URL(this.page.url()).pathname !== "/pipeline") await this.goto("/pipeline");
    await this.page.getByRole("button", { name: "New deal", exact: true }).click();
    const dialog = this.page.getByRole("dialog", { name: "New deal" });
    await dialog.getByLabel("Title", { exact: true }).fill(title);
    if (value !== undefined) await dialog.getByLabel("Value", { exact: true }).fill(value);
    await fill?.(dialog);
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog).toBeHidden();
    const card = this.column("Lead in").getByRole("article", { name: title });
    await expect(card).toBeVisible();
    return card;
  }

  /** Loads the sample workspace from settings (in the app's current language) and waits until it is stored. */
  async loadSample() {
    await this.goto("/settings");
    await this.page.getByRole("button", { name: LABELS[this.lang].sample }).click();
    // A few thousand records into IndexedDB take a while on a busy machine.
    await expect(this.page.getByRole("status").filter({ hasText: LABELS[this.lang].sampleLoaded })).toBeVisible({ timeout: 90_000 });
  }

  /** The sync status line in the navigation. */
  syncStatus(): Locator {
    return this.page.locator(".nav-sync").getByRole("status");
  }

  /** Connects to the test server with `token` in settings and waits for the first sync. */
  async connect(token: string, member: string) {
    await this.startConnecting(token, member);
    await expect(this.syncStatus()).toHaveText("Up to date");
  }

  /** Connects to the test server with `token` in settings; the first sync has only begun. */
  async startConnecting(token: string, member: string) {
    await this.goto("/settings");
    const section = this.section("Team sync");
    await section.getByLabel("Access token").fill(token);
    await section.getByRole("button", { name: "Connect" }).click();
    await expect(section.getByText(`Connected as ${member}`)).toBeVisible();
  }

  /** Joins the test server through an invite link (`/join#server=…&token=…`), as a new member's phone does. */
  async join(token: string, member: string) {
    // The test server serves the app too: the app's origin is the sync server.
    const server = new URL(base.info().project.use.baseURL ?? "").origin;
    await this.goto(`/join#server=${encodeURIComponent(server)}&token=${encodeURIComponent(token)}`);
    await this.page.getByRole("button", { name: "Join and sync" }).click();
    await expect(this.section("Team sync").getByText(`Connected as ${member}`)).toBeVisible();
    await expect(this.syncStatus()).toHaveText("Up to date");
  }

  /** Syncs now and waits until a sync that began after this device's changes were stored has finished. */
  async syncNow() {
    // A sync that began before a change was stored, or that was running when the time of the
    // last one was read, would pass for this one without carrying it.
    await expect(this.page.locator("main")).toHaveAttribute("aria-busy", "false");
    const button = this.page.getByRole("button", { name: "Sync now" });
    await expect(button).toBeEnabled();
    const before = await this.syncStatus().getAttribute("data-synced-at");
    await button.click();
    await expect.poll(() => this.syncStatus().getAttribute("data-synced-at")).not.toBe(before);
    await expect(this.syncStatus()).toHaveText("Up to date");
  }
}

// The server the tests run against (see playwright.config.ts): its own CLI makes workspaces
// and tokens in the same data directory.
const serverBinary = "target/release/rabet-server";
const dataDir = "target/e2e-data";

function serverCli(...args: string[]): string {
  return execFileSync(serverBinary, [...args, "--data-dir", dataDir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** More browsers for one test, each with storage of its own, like separate devices. */
export class Devices {
  private readonly contexts: BrowserContext[] = [];
  /** The workspace `team` made. */
  private workspace?: string;

  constructor(private readonly browser: Browser, private readonly testInfo: TestInfo) {}

  /** A new, empty browser of the test's project (same viewport, locale and server). */
  async open(): Promise<App> {
    const context = await this.browser.newContext({ ...this.testInfo.project.use });
    this.contexts.push(context);
    return new App(await context.newPage());
  }

  /**
   * A new workspace on the test server and one device per member, each connected with a token
   * of its own and synced once. A member is a name (an admin) or `[name, role]`; a member or
   * viewer joins through an invite link, as they would, so their device writes nothing first.
   */
  async team(...members: (string | [string, Role])[]): Promise<App[]> {
    this.workspace = serverCli("workspace", "create", `e2e ${Date.now()} ${Math.random()}`);
    const apps: App[] = [];
    for (const entry of members) {
      const [member, role] = typeof entry === "string" ? [entry, "admin" as Role] : entry;
      const token = this.token(member, role);
      const app = await this.open();
      if (role === "admin") await app.connect(token, member);
      else await app.join(token, member);
      apps.push(app);
    }
    return apps;
  }

  /** A token for `member` in the workspace `team` made: another device, joining later. */
  token(member: string, role: Role = "admin"): string {
    if (this.workspace === undefined) throw new Error("make a team first");
    return serverCli("token", "issue", "--workspace", this.workspace, "--member", member, "--role", role);
  }

  /** Fires the server's pending automation rules once and delivers what they queued, as its
   * sweep does, with the delivery flags given (`--sms-url …`). It runs beside the test rather
   * than blocking it, so a gateway the test itself serves can answer. */
  async sweep(...flags: string[]): Promise<string> {
    const args = ["automation", "sweep", ...flags, "--data-dir", dataDir];
    const { stdout } = await promisify(execFile)(serverBinary, args, { encoding: "utf8" });
    return stdout.trim();
  }

  async closeAll() {
    for (const context of this.contexts.splice(0)) await context.close();
  }
}

export const test = base.extend<{ app: App; devices: Devices }>({
  app: async ({ page }, use) => {
    await use(new App(page));
  },
  devices: async ({ browser }, use, testInfo) => {
    const devices = new Devices(browser, testInfo);
    await use(devices);
    await devices.closeAll();
  },
});
