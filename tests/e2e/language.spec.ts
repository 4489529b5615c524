// Live language (src/i18n.rs is read from the repository root, where Playwright runs): on every route, desktop and phone (whose bottom bar has the switch), switching the language re-words the whole page at once — no
// word of the other language from the translation table, no digit of the other script — with
// the sample workspace loaded in the other language, so the user's own data (names, subjects,
// numbers they typed) stays as it was and is left out of the check.

import { readFileSync } from "node:fs";
import { expect, test, type App, type Lang, type Page } from "./fixtures";

/** The table's sentences, per language: every literal of `Msg` and `Counted` in src/i18n.rs. */
function tableTexts(): Record<Lang, string[]> {
  const source = readFileSync("src/i18n.rs", "utf8");
  const en: string[] = [];
  const fa: string[] = [];
  for (const line of source.split("\n")) {
    const simple = line.match(/^\s+\w+(?: \{[\w, ]*\})? => "((?:[^"\\]|\\.)*)", "((?:[^"\\]|\\.)*)";$/);
    if (simple) {
      en.push(simple[1]);
      fa.push(simple[2]);
      continue;
    }
    const counted = line.match(/^\s+\w+\(\w+\)(?: \{[\w, ]*\})? => \["(.*?)", "(.*?)"\], \["(.*?)", "(.*?)"\];$/);
    if (counted) {
      en.push(counted[1], counted[2]);
      fa.push(counted[3], counted[4]);
    }
  }
  return { en, fa };
}

/**
 * The phrases of a language that cannot be mistaken for anything else: the parts of its
 * sentences between placeholders that hold two words or more.
 */
function phrases(texts: string[], other: string[]): string[] {
  const found = new Set<string>();
  for (const text of texts) {
    for (const part of text.split(/\{\w+\}/)) {
      const phrase = part.replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, "");
      const words = phrase.split(/\s+/).filter((w) => /\p{L}{2,}/u.test(w));
      // A phrase both languages share (an abbreviation, a code) says nothing about either.
      if (words.length >= 2 && !other.some((t) => t.includes(phrase))) found.add(phrase);
    }
  }
  return [...found];
}

const TABLE = tableTexts();
const PHRASES: Record<Lang, string[]> = { en: phrases(TABLE.en, TABLE.fa), fa: phrases(TABLE.fa, TABLE.en) };
const DIGITS: Record<Lang, RegExp> = { en: /[0-9]/, fa: /[۰-۹]/ };
const SWITCH: Record<Lang, string> = { en: "Switch to Persian", fa: "تغییر زبان به انگلیسی" };

/** The text of the main region and of an open dialog, without what the user (here: the sample) wrote. */
async function mainText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const roots = [document.querySelector("main")!, ...document.querySelectorAll("[role=dialog]")].filter(
      (root, at, all) => !all.some((other, o) => o !== at && other.contains(root)),
    );
    return roots
      .map((root) => {
        const copy = root.cloneNode(true) as HTMLElement;
        // User data: marked as such, form values, and isolated names and titles (`<bdi>`) —
        // but not figures, which Rabet writes.
        const userData = "[data-user], input, textarea, select, code, bdi:not(.row-figure):not(.amount), .visually-hidden-user";
        copy.querySelectorAll(userData).forEach((el) => el.remove());
        // Screen-reader labels are words too.
        const labels = [...root.querySelectorAll("[aria-label]")]
          .filter((el) => !el.closest("[data-user]"))
          .map((el) => el.getAttribute("aria-label"));
        document.body.appendChild(copy);
        const text = copy.innerText;
        copy.remove();
        return [text, ...labels].join("\n");
      })
      .join("\n");
  });
}

/** What of language `was` is still on the page after switching away from it. */
async function leftovers(page: Page, was: Lang): Promise<string[]> {
  const text = await mainText(page);
  const found = PHRASES[was].filter((phrase) => text.includes(phrase));
  const digits = text.split("\n").filter((line) => DIGITS[was].test(line));
  return [...found.map((p) => `phrase: ${p}`), ...digits.map((l) => `digits: ${l.trim()}`)];
}

/**
 * One place to check: a path, what to do there once the page has drawn (`then`), and, for a
 * modal dialog, which leaves the navigation's switch out of reach as it does a user's, how
 * to open it again after each switch (`dialog`; Escape closes it).
 */
interface Stop {
  path: string;
  name?: string;
  then?: (page: Page, lang: Lang) => Promise<void>;
  dialog?: (page: Page) => Promise<void>;
}

const TABLE_VIEW: Record<Lang, string> = { en: "Table", fa: "جدول" };
const COMPANIES: Record<Lang, string> = { en: "Companies", fa: "شرکت‌ها" };

/** A file to import: a Persian and an English name, and a row refused. */
const CSV = {
  name: "contacts.csv",
  mimeType: "text/csv",
  buffer: Buffer.from("Name,Phone,Email\nسارا احمدی,۰۹۱۲۳۴۵۶۷۸۹,sara@example.com\nJohn Smith,+44 20 7946 0958,john@example.com\n,,not an address\n"),
};

/**
 * Every route of the sample and the states of a route that draw another view (the board's
 * table, a deal, the companies list, an import's preview); a record's page is found by
 * following the first link of its list.
 */
async function stops(app: App): Promise<Stop[]> {
  const page = app.page;
  const first = async (list: string, prefix: string) => {
    await page.goto(list);
    const link = page.locator(`main a[href^="${prefix}"]`).first();
    await expect(link).toBeVisible();
    return (await link.getAttribute("href"))!;
  };
  const contact = await first("/customers", "/customers/0");
  // The list shows companies once its first row is no longer the first contact.
  await page.getByRole("button", { name: COMPANIES[app.lang], exact: true }).click();
  const firstRow = page.locator('main a[href^="/customers/0"]').first();
  await expect(firstRow).not.toHaveAttribute("href", contact);
  const company = (await firstRow.getAttribute("href"))!;
  return [
    { path: "/" },
    { path: "/pipeline" },
    {
      path: "/pipeline",
      name: "pipeline table",
      then: async (page, lang) => {
        await page.getByRole("button", { name: TABLE_VIEW[lang], exact: true }).click();
        await expect(page.locator(".deal-table")).toBeVisible();
      },
    },
    {
      path: "/pipeline",
      name: "a deal",
      dialog: async (page) => {
        await page.locator(".deal-card .deal-title").first().click();
        await expect(page.getByRole("dialog")).toBeVisible();
      },
    },
    { path: "/customers" },
    { path: "/customers", name: "companies", then: async (page, lang) => {
      await page.getByRole("button", { name: COMPANIES[lang], exact: true }).click();
      await expect(page.locator(".virtual-row").first()).toBeVisible();
    } },
    { path: contact, name: "a contact's page" },
    { path: company, name: "a company's page" },
    { path: "/customers/import" },
    {
      path: "/customers/import",
      name: "import preview",
      then: async (page) => {
        await page.locator('main input[type="file"]').setInputFiles(CSV);
        await expect(page.locator("main table").first()).toBeVisible();
      },
    },
    { path: "/tasks" },
    { path: "/tickets" },
    { path: await first("/tickets", "/tickets/0"), name: "a ticket" },
    { path: "/invoices" },
    { path: await first("/invoices", "/invoices/0"), name: "an invoice" },
    { path: "/products" },
    { path: "/segments" },
    { path: await first("/segments", "/segments/"), name: "a segment" },
    { path: "/settings" },
    { path: "/join" },
    { path: "/no/such/page", name: "not found" },
  ];
}

async function switchOnEveryRoute(app: App, from: Lang, to: Lang) {
  const page = app.page;
  const soft = expect.configure({ soft: true });
  for (const stop of await stops(app)) {
    const where = stop.name ?? stop.path;
    await page.goto(stop.path);
    await expect(page.locator("html")).toHaveAttribute("lang", from);
    await expect(page.locator("main")).toHaveAttribute("aria-busy", "false");
    await stop.then?.(page, from);
    // To the other language, and back: the page follows each time.
    for (const [was, now, message] of [[from, to, `${where} after switching to ${to}`], [to, from, `${where} after switching back to ${from}`]] as const) {
      await page.getByRole("button", { name: SWITCH[was] }).click();
      await expect(page.locator("html")).toHaveAttribute("lang", now);
      await stop.dialog?.(page);
      await soft.poll(() => leftovers(page, was), { message, timeout: 5_000 }).toEqual([]);
      if (stop.dialog) {
        await page.keyboard.press("Escape");
        await expect(page.getByRole("dialog")).toBeHidden();
      }
    }
  }
}

test.describe("live language", () => {
  // Loading the sample and visiting every route twice takes a while on a shared machine.
  test.setTimeout(600_000);

  test("English sample, switched to Persian on every route", async ({ app }) => {
    await app.loadSample();
    await switchOnEveryRoute(app, "en", "fa");
  });

  test("Persian sample, switched to English on every route", async ({ app }) => {
    await app.setLanguage("fa");
    await app.loadSample();
    await switchOnEveryRoute(app, "fa", "en");
  });
});

test("counts take their plural form and names Rabet gave follow the language", async ({ app }) => {
  const page = app.page;
  await app.loadSample();
  await page.goto("/pipeline");
  // The default stages are named in the reader's language, whatever language made them.
  await expect(page.getByRole("heading", { name: "Lead in" }).first()).toBeVisible();
  await page.getByRole("button", { name: SWITCH.en }).click();
  await expect(page.getByRole("heading", { name: "سرنخ ورودی" }).first()).toBeVisible();
  await page.getByRole("button", { name: SWITCH.fa }).click();
  // No "1 days" anywhere on the board.
  await expect(page.locator("main")).not.toContainText(/\b1 days\b|\b1 open deals\b|\b1 deals\b/);
});

test("a file that cannot be read is explained in Persian, the technical detail folded away", async ({ app }) => {
  const page = app.page;
  await app.setLanguage("fa");
  await page.goto("/customers/import");
  await page.locator('main input[type="file"]').setInputFiles({ name: "broken.csv", mimeType: "text/csv", buffer: Buffer.from('name,phone\n"Ali,0912\n') });
  const alert = page.getByRole("alert").filter({ has: page.locator("details") });
  await expect(alert.locator("p")).toHaveText("خانه‌ای که در سطر ۲ با گیومه شروع شده هرگز بسته نمی‌شود. گیومه‌های آن سطر را بررسی کنید.");
  await expect(alert.locator("details code")).not.toBeVisible();
  await alert.getByText("جزئیات فنی").click();
  await expect(alert.locator("details code")).toHaveText("line 2: a quoted field starting here is never closed");
});

test("a language switch keeps what the user typed and chose on the page", async ({ app }) => {
  const page = app.page;
  await app.loadSample();
  await page.goto("/customers");
  const search = page.locator('main input[type="search"]');
  await search.fill("zz-typed");
  await page.getByRole("button", { name: SWITCH.en }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "fa");
  await expect(search).toHaveValue("zz-typed");
  // Re-worded in place around what was typed.
  await expect(page.locator("main")).toContainText("مخاطب");
});
