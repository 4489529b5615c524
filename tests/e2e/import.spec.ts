import { expect, test } from "./fixtures";
import { readFileSync } from "node:fs";

/** 20 data rows: 17 good, and 3 bad ones on file lines 5, 12 and 19. */
function twentyRowCsv(): string {
  const lines = ["Name,Mobile,Email,Tags"];
  for (let i = 1; i <= 20; i++) {
    const line = i + 1; // line 1 is the header
    if (line === 5) lines.push(`Bad Email ${i},0912000${String(i).padStart(4, "0")},not-an-email,`);
    else if (line === 12) lines.push(`Bad Phone ${i},12ab,bad${i}@example.com,`);
    else if (line === 19) lines.push(",,,vip,extra");
    else lines.push(`Person ${i},0912000${String(i).padStart(4, "0")},p${i}@example.com,imported`);
  }
  return lines.join("\n") + "\n";
}

test("a CSV import keeps the good rows and reports every bad one with its line", async ({ page }) => {
  await page.goto("/customers");
  await page.getByRole("link", { name: "Import" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Import contacts" })).toBeVisible();
  await page.getByLabel("Choose a CSV or vCard file").setInputFiles({
    name: "contacts.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(twentyRowCsv()),
  });
  // The mapping is guessed from the headers.
  await expect(page.getByRole("combobox", { name: "Imports as: Name" })).toHaveValue(/.+/);
  await expect(page.getByRole("combobox", { name: "Imports as: Name" }).locator("option:checked")).toHaveText("Full name");
  await expect(page.getByRole("combobox", { name: "Imports as: Email" }).locator("option:checked")).toHaveText("E-mail (Work)");

  // Wide tables scroll inside their cards: the page stays as wide as the screen.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
  await page.getByRole("button", { name: "Import 20 rows" }).click();
  await expect(page.getByText("17 contacts imported.")).toBeVisible();
  const report = page.locator(".import-report");
  await expect(report.getByText("3 rows were not imported:")).toBeVisible();
  const rejected = report.locator("table.rejected tbody tr");
  await expect(rejected).toHaveCount(3);
  await expect(rejected.nth(0)).toContainText("5");
  await expect(rejected.nth(0)).toContainText("Not a valid e-mail address");
  await expect(rejected.nth(1)).toContainText("12");
  await expect(rejected.nth(2)).toContainText("19");
  await expect(rejected.nth(2)).toContainText("The row has 5 fields, but the file has 4 columns");

  const download = page.waitForEvent("download");
  await report.getByRole("button", { name: "Download the rejected rows" }).click();
  const file = readFileSync(await (await download).path(), "utf8");
  expect(file).toContain("line,reason");
  expect(file.split("\r\n").filter((l) => l.trim()).length).toBe(4);

  await report.getByRole("link", { name: "Back to customers" }).click();
  await expect(page.getByText(/^17 of 17$/)).toBeVisible();
  await page.reload();
  await expect(page.getByText(/^17 of 17$/)).toBeVisible();
  await page.getByRole("searchbox", { name: "Search" }).fill("person 7");
  const person7 = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: /Person 7/ }) });
  await expect(person7.getByRole("link", { name: "+989120000007" })).toBeVisible();
});

test("an import of thousands of rows stores them all, chunk after chunk, and still names its bad row's line", async ({ page }) => {
  // 5,200 data rows: three chunks of the store's 2,000, written two at a time; line 4,501
  // (in the third chunk) has a bad e-mail address.
  const lines = ["Name,Mobile,Email"];
  for (let i = 1; i <= 5_200; i++) {
    const email = i + 1 === 4_501 ? "not-an-email" : `bulk${i}@example.com`;
    lines.push(`Bulk ${i},0913${String(i).padStart(7, "0")},${email}`);
  }
  await page.goto("/customers/import");
  await page.getByLabel("Choose a CSV or vCard file").setInputFiles({ name: "many.csv", mimeType: "text/csv", buffer: Buffer.from(lines.join("\n") + "\n") });
  await page.getByRole("button", { name: "Import 5,200 rows" }).click();
  await expect(page.getByText("5,199 contacts imported.")).toBeVisible({ timeout: 60_000 });
  const rejected = page.locator(".import-report table.rejected tbody tr");
  await expect(rejected).toHaveCount(1);
  await expect(rejected.first()).toContainText("4,501");
  await expect(rejected.first()).toContainText("Not a valid e-mail address");

  await page.locator(".import-report").getByRole("link", { name: "Back to customers" }).click();
  await expect(page.getByText(/^5,199 of 5,199$/)).toBeVisible();
  // Stored, not only shown: every chunk is there after a reload, the last one's rows too.
  await page.reload();
  await expect(page.getByText(/^5,199 of 5,199$/)).toBeVisible();
  await page.getByRole("searchbox", { name: "Search" }).fill("bulk 5200");
  await expect(page.getByRole("link", { name: "Bulk 5200" })).toBeVisible();
});

test("a vCard from a phone imports Persian names and finds duplicates", async ({ page }) => {
  const card = (name: string, tel: string) =>
    ["BEGIN:VCARD", "VERSION:3.0", `FN:${name}`, `TEL;TYPE=CELL:${tel}`, "END:VCARD"].join("\r\n");
  const file = [card("مریم احمدی", "09121112233"), card("Reza", "+98 935 111 2233")].join("\r\n");
  await page.goto("/customers/import");
  await page.getByLabel("Choose a CSV or vCard file").setInputFiles({ name: "phone.vcf", mimeType: "text/vcard", buffer: Buffer.from(file) });
  await page.getByRole("button", { name: "Import 2 rows" }).click();
  await expect(page.getByText("2 contacts imported.")).toBeVisible();

  // The same file again: both rows are recognised as known contacts.
  await page.getByLabel("Choose a CSV or vCard file").setInputFiles({ name: "phone.vcf", mimeType: "text/vcard", buffer: Buffer.from(file) });
  await page.getByRole("button", { name: "Import 2 rows" }).click();
  await expect(page.getByText("0 contacts imported.")).toBeVisible();
  await expect(page.getByText("2 rows look like contacts you already have and were not imported:")).toBeVisible();
  await page.getByRole("button", { name: "Merge into Reza" }).click();
  await expect(page.getByRole("status").getByText("Merged into Reza.")).toBeVisible();
  await page.goto("/customers");
  await expect(page.getByText(/^2 of 2$/)).toBeVisible();
  await expect(page.getByRole("link", { name: /مریم احمدی/ })).toBeVisible();
});

test("the list exports as a CSV that Excel and the importer read", async ({ app, page }) => {
  await app.createContact({ first: "صادرات", phone: "09121234567" });
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export CSV" }).click();
  const text = readFileSync(await (await download).path(), "utf8");
  expect(text.startsWith("\uFEFFFirst name,Last name,Company,Job title,Mobile")).toBe(true);
  expect(text).toContain("صادرات,,,,+989121234567");
});

test("contacts export as vCard 3.0 or 4.0, and the importer reads them back, Persian names and all", async ({ app, page, devices }) => {
  await app.createContact({ first: "سارا", last: "احمدی", phone: "09121234567", email: "sara@example.com" });
  await app.createContact({ first: "رضا", last: "کریمی", phone: "09351112233" });

  // One contact, from its page, as a vCard 4.0.
  await page.getByRole("link", { name: /سارا احمدی/ }).click();
  await page.getByRole("combobox", { name: "vCard version" }).selectOption({ label: "vCard 4.0" });
  const one = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export vCard" }).click();
  const card = readFileSync(await (await one).path(), "utf8");
  expect(card).toContain("VERSION:4.0");
  expect(card).toContain("FN:سارا احمدی");
  expect(card.match(/BEGIN:VCARD/g)).toHaveLength(1);

  // What the list shows (here: a search for one of them), as vCard 3.0, the first choice.
  await page.goto("/customers");
  await page.getByRole("searchbox", { name: "Search" }).fill("کریمی");
  await expect(page.getByText(/^1 of 2$/)).toBeVisible();
  const listed = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export vCard" }).click();
  const list = readFileSync(await (await listed).path(), "utf8");
  expect(list).toContain("VERSION:3.0");
  expect(list).toContain("FN:رضا کریمی");
  expect(list).not.toContain("سارا");

  // Another device imports both files: the same people, the same numbers.
  const other = await devices.open();
  await other.page.goto("/customers/import");
  for (const [name, text] of [["sara.vcf", card], ["list.vcf", list]]) {
    await other.page.getByLabel("Choose a CSV or vCard file").setInputFiles({ name, mimeType: "text/vcard", buffer: Buffer.from(text) });
    await other.page.getByRole("button", { name: "Import 1 row" }).click();
    await expect(other.page.getByText("1 contact imported.")).toBeVisible();
  }
  await other.page.goto("/customers");
  await expect(other.page.getByText(/^2 of 2$/)).toBeVisible();
  for (const [name, phone] of [[/سارا احمدی/, "+989121234567"], [/رضا کریمی/, "+989351112233"]] as const) {
    const row = other.page.getByRole("listitem").filter({ has: other.page.getByRole("link", { name }) });
    await expect(row.getByRole("link", { name: phone })).toBeVisible();
  }
});
