import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "./fixtures";
import type { App, Devices } from "./fixtures";

// In order, in one worker: a test's sweep (the server's CLI) sweeps every workspace, so a
// quota of none in one test would hold back another's message.
test.describe.configure({ mode: "default" });

/** Adds a "when a deal is won, create a follow-up task in 3 days" rule and switches it on. */
async function addWonRule(app: App, name: string, task: string) {
  await app.page.goto("/settings");
  const section = app.section(app.lang === "en" ? "Automation" : "خودکارسازی");
  const form = section.locator("form");
  await form.getByLabel(app.lang === "en" ? "Rule name" : "نام قاعده").fill(name);
  await form.getByLabel(app.lang === "en" ? "Text, or the webhook's URL" : "متن، یا نشانی وب‌هوک").fill(task);
  await form.getByLabel(app.lang === "en" ? "Task due after (days)" : "موعد وظیفه پس از (روز)").fill("3");
  await form.getByRole("button", { name: app.lang === "en" ? "Add rule" : "افزودن قاعده" }).click();
  const rule = section.getByRole("checkbox", { name });
  // A new rule starts switched off.
  await expect(rule).not.toBeChecked();
  await rule.check();
  // Busy until stored; then still on after a reload.
  await expect(rule).not.toHaveAttribute("aria-busy", "true");
  await app.page.reload();
  await expect(rule).toBeChecked();
  return section;
}

test("a deal won offline on one device makes exactly one follow-up task on both", async ({ devices }) => {
  const [a, b] = await devices.team("Ali", "Bita");
  await addWonRule(a, "Won follow-up", "Call {title} back");
  await a.createDeal("Laptops");
  await a.syncNow();
  await b.syncNow();
  await b.page.goto("/pipeline");
  await expect(b.page.getByRole("article", { name: "Laptops" })).toBeVisible();

  // A wins the deal offline; the rule fires there at once. B stays online.
  await a.context.setOffline(true);
  await a.nav().getByRole("link", { name: "Pipeline" }).click();
  await a.page.getByRole("article", { name: "Laptops" }).getByRole("button", { name: "Won" }).click();
  await expect(a.page.getByRole("article", { name: "Laptops" })).toHaveCount(0);
  await a.nav().getByRole("link", { name: "Tasks" }).click();
  await expect(a.page.getByText("Call Laptops back")).toHaveCount(1);
  await expect(a.syncStatus()).toContainText("Offline");

  await a.context.setOffline(false);
  await a.syncNow();
  await b.syncNow();
  await a.syncNow();
  for (const { page } of [a, b]) {
    await page.goto("/tasks");
    await expect(page.getByText("Call Laptops back")).toHaveCount(1);
  }
  // The run is in the rule's log, on both devices.
  for (const app of [a, b]) {
    await app.page.goto("/settings");
    const section = app.section("Automation");
    await section.getByRole("button", { name: "Log" }).click();
    await expect(section.locator(".run")).toHaveCount(1);
    await expect(section.locator(".run")).toContainText("Laptops");
    await expect(section.locator(".run")).toContainText("Done");
  }
});

test("in Persian, a rule's preview counts what it would have fired in the last 30 days", async ({ app, page }) => {
  await app.createDeal("چاپگر");
  await page.getByRole("article", { name: "چاپگر" }).getByRole("button", { name: "Won" }).click();
  await expect(page.getByRole("article", { name: "چاپگر" })).toHaveCount(0);
  await app.boardStored();
  await app.setLanguage("fa");
  const section = app.section("خودکارسازی");
  const form = section.locator("form");
  await form.getByLabel("نام قاعده").fill("پیگیری فروش");
  await form.getByLabel("متن، یا نشانی وب‌هوک").fill("تماس دربارهٔ {title}");
  await form.getByRole("button", { name: "افزودن قاعده" }).click();
  await expect(section.getByRole("checkbox", { name: "پیگیری فروش" })).not.toBeChecked();
  await section.getByRole("button", { name: "پیش‌نمایش" }).click();
  await expect(section.getByRole("status").filter({ hasText: "در ۳۰ روز گذشته ۱ بار اجرا می‌شد." })).toBeVisible();
  await expect(section.getByText("چاپگر")).toBeVisible();
  // Previewing fires nothing: the rule is off.
  await page.goto("/tasks");
  await expect(page.getByText("تماس دربارهٔ چاپگر")).toHaveCount(0);
});

test("a contact marked do-not-contact gets no automated SMS, and the rule's log says so in both languages", async ({ app, page }) => {
  await page.goto("/settings");
  const section = app.section("Automation");
  const form = section.locator("form");
  await form.getByLabel("Rule name").fill("Welcome SMS");
  await form.getByRole("combobox", { name: "When", exact: true }).selectOption({ label: "A contact is created" });
  await form.getByRole("combobox", { name: "Then", exact: true }).selectOption({ label: "Send an SMS to the contact" });
  await form.getByLabel("Text, or the webhook's URL").fill("Hello {first_name}");
  await form.getByRole("button", { name: "Add rule" }).click();
  await section.getByRole("checkbox", { name: "Welcome SMS" }).check();

  const dialog = await app.openNewContact();
  await dialog.getByLabel("First name").fill("Reza");
  await dialog.getByRole("textbox", { name: "Phone numbers 1" }).fill("09121234567");
  await dialog.getByRole("checkbox", { name: "Do not contact: no automated e-mail or SMS" }).check();
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await app.createContact({ first: "Sara", phone: "09127654321" });

  await page.goto("/settings");
  await section.getByRole("button", { name: "Log" }).click();
  const runs = section.locator(".run");
  await expect(runs).toHaveCount(2);
  await expect(runs.filter({ hasText: "Reza" })).toContainText("Not sent: the contact asked not to be contacted");
  await expect(runs.filter({ hasText: "Sara" })).toContainText("Prepared, waiting for you to send it");

  // The mark is stored with the contact: still there after a reload.
  await page.reload();
  await app.nav().getByRole("link", { name: "Customers" }).click();
  await page.getByRole("link", { name: /Reza/ }).click();
  await page.getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("dialog", { name: "Edit contact" });
  await expect(edit.getByRole("checkbox", { name: "Do not contact: no automated e-mail or SMS" })).toBeChecked();
  await edit.getByRole("button", { name: "Cancel" }).click();

  await app.setLanguage("fa");
  const persian = app.section("خودکارسازی");
  await persian.getByRole("button", { name: "گزارش اجرا" }).click();
  await expect(persian.locator(".run").filter({ hasText: "Reza" })).toContainText(
    "ارسال نشد: مخاطب نخواسته با او تماس گرفته شود",
  );
});

/** Adds a rule from the form, its "When" and "Then" picked by label, and switches it on. */
async function addRule(app: App, rule: { name: string; when: string; then: string; text: string }) {
  const section = app.section(app.lang === "en" ? "Automation" : "خودکارسازی");
  const form = section.locator("form");
  await form.getByLabel("Rule name").fill(rule.name);
  await form.getByRole("combobox", { name: "When", exact: true }).selectOption({ label: rule.when });
  await form.getByRole("combobox", { name: "Then", exact: true }).selectOption({ label: rule.then });
  await form.getByLabel("Text, or the webhook's URL").fill(rule.text);
  await form.getByRole("button", { name: "Add rule" }).click();
  const switched = section.getByRole("checkbox", { name: rule.name });
  await switched.check();
  // Busy until stored.
  await expect(switched).not.toHaveAttribute("aria-busy", "true");
  return section;
}

test("a rule's run is on the customer's timeline and in the activity feed, linked to the rule's log", async ({ app, page }) => {
  await page.goto("/settings");
  const section = await addRule(app, {
    name: "Welcome call",
    when: "A contact is created",
    then: "Create a follow-up task for the record's owner",
    text: "Call {first_name}",
  });
  await app.createContact({ first: "Nima" });
  await page.getByRole("link", { name: /Nima/ }).click();

  const timeline = page.getByRole("region", { name: "Timeline" });
  const run = timeline.getByRole("listitem").filter({ hasText: "Rule ran" });
  await expect(run).toContainText("Follow-up task: Done");
  // Its own chip shows the runs alone.
  await timeline.getByRole("button", { name: "Automation", exact: true }).click();
  await expect(timeline.getByRole("listitem")).toHaveCount(1);
  await expect(timeline.getByRole("listitem")).toContainText("Rule ran");

  // The link opens the rule's log in Settings.
  await run.getByRole("link", { name: "Welcome call" }).click();
  await expect(page).toHaveURL(/\/settings\?rule=/);
  await expect(section.getByRole("button", { name: "Log" })).toHaveAttribute("aria-expanded", "true");
  await expect(section.locator(".run").filter({ hasText: "Nima" })).toContainText("Follow-up task: Done");

  // The activity feed lists it under its kind, with the rule and the record.
  await page.goto("/activity");
  await page.getByRole("combobox", { name: "Kind" }).selectOption({ label: "Automation run" });
  const entry = page.getByRole("listitem").filter({ hasText: "Welcome call" });
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText("Nima");
  await expect(entry).toContainText("Follow-up task: Done");
  await page.getByRole("combobox", { name: "Kind" }).selectOption({ label: "Deal" });
  await expect(page.getByRole("listitem").filter({ hasText: "Welcome call" })).toHaveCount(0);
});

test("in Persian, without a server a rule's SMS waits under Messages to send until it is marked sent", async ({ app, page }) => {
  await page.goto("/settings");
  await addRule(app, {
    name: "Welcome SMS",
    when: "A contact is created",
    then: "Send an SMS to the contact",
    text: "Hello {first_name}",
  });
  await app.createContact({ first: "Sara", phone: "09127654321" });
  // Through the app's own link: the run is written just after the contact, and a reload in
  // between would lose it.
  await app.nav().getByRole("link", { name: "Settings" }).click();
  const waiting = page.getByRole("region", { name: "Messages to send" });
  await expect(waiting.getByRole("status")).toHaveText("1 message prepared by a rule waits for you to send it.");

  await app.setLanguage("fa");
  const persian = page.getByRole("region", { name: "پیام‌های آمادهٔ ارسال" });
  await expect(persian.getByRole("status")).toHaveText("۱ پیام آماده‌شده با قاعده منتظر ارسال شماست.");
  const message = persian.getByRole("listitem").filter({ hasText: "Sara" });
  await expect(message).toContainText("پیامک: آماده؛ منتظر ارسال شما");
  await expect(message.getByRole("link", { name: "باز کردن پیام" })).toHaveAttribute("href", /^sms:.*body=Hello%20Sara$/);
  await message.getByRole("button", { name: "ثبت ارسال" }).click();
  await expect(persian).toContainText("پیام آماده‌ای منتظر ارسال نیست.");

  // The rule's log says so, and why it lists no message the server gave up on.
  const section = app.section("خودکارسازی");
  await section.getByRole("button", { name: "گزارش اجرا" }).click();
  await expect(section.locator(".run").filter({ hasText: "Sara" })).toContainText("پیامک: ارسال شد");
  await expect(section.getByRole("note").filter({ hasText: "بدون سرور همگام‌سازی" })).toBeVisible();
});

/**
 * Ali's rule texts each new contact; Bita's device, offline until the rule has synced,
 * creates Reza, so no device fires the rule: the server does at its sweep. Ali's device
 * is offline meanwhile (it would fire too if it pulled the contact before the sweep).
 */
async function contactOnlyTheServerTexts(devices: Devices) {
  const [ali, bita] = await devices.team("Ali", "Bita");
  await bita.context.setOffline(true);
  await ali.page.goto("/settings");
  await addRule(ali, {
    name: "Welcome SMS",
    when: "A contact is created",
    then: "Send an SMS to the contact",
    text: "Hello {first_name}",
  });
  await ali.syncNow();
  await bita.createContact({ first: "Reza", phone: "09121234567" });
  await ali.context.setOffline(true);
  await bita.context.setOffline(false);
  await bita.syncNow();
  return ali;
}

test("a message the server gave up on is in the rule's log with its reason, in both languages, and explained offline", async ({ devices }) => {
  const ali = await contactOnlyTheServerTexts(devices);
  // A gateway nobody listens on, tried once: the message is dead at the first try.
  await devices.sweep("--sms-url", "http://127.0.0.1:9/sms", "--message-attempts", "1");
  await ali.context.setOffline(false);
  await ali.syncNow();
  const section = ali.section("Automation");
  await section.getByRole("button", { name: "Log" }).click();
  await expect(section.locator(".run").filter({ hasText: "Reza" })).toContainText("SMS: Failed");
  const dead = section.getByRole("region", { name: "Messages that failed for good" });
  await expect(dead).toContainText("1 message failed for good.");
  await expect(dead.getByRole("listitem")).toContainText("The SMS gateway could not be reached");
  await expect(dead.getByRole("listitem")).toContainText("1 attempt");
  await expect(section.getByRole("region", { name: "Messages the server postponed" })).toHaveCount(0);

  await ali.setLanguage("fa");
  const persian = ali.section("خودکارسازی");
  await persian.getByRole("button", { name: "گزارش اجرا" }).click();
  const deadFa = persian.getByRole("region", { name: "پیام‌هایی که برای همیشه ناموفق ماندند" });
  await expect(deadFa.getByRole("listitem")).toContainText("درگاه پیامک در دسترس نبود");

  // Offline, the list cannot be asked for: the log says why.
  await ali.context.setOffline(true);
  await expect(deadFa.getByRole("note")).toHaveText(
    "آفلاین: فهرست پیام‌های ناموفق سرور وقتی این دستگاه آنلاین شود نشان داده می‌شود.",
  );
});

test("a message over the workspace's daily quota shows as postponed with when the server tries again, in both languages", async ({ devices }) => {
  const ali = await contactOnlyTheServerTexts(devices);
  // A quota of none: the message waits a day for it (the gateway is never asked).
  await devices.sweep("--sms-url", "http://127.0.0.1:9/sms", "--message-quota", "0");
  await ali.context.setOffline(false);
  await ali.syncNow();
  const section = ali.section("Automation");
  await section.getByRole("button", { name: "Log" }).click();
  const dead = section.getByRole("region", { name: "Messages that failed for good" });
  await expect(dead).toContainText("0 messages failed for good.");
  const waiting = dead.getByRole("region", { name: "Messages the server postponed" });
  await expect(waiting).toContainText("1 message waits to be sent.");
  const letter = waiting.getByRole("listitem");
  await expect(letter).toContainText("The workspace sent as many messages as its daily quota allows");
  await expect(letter).toContainText(/Postponed: tries again \S+ \d\d:\d\d/);
  await expect(letter).toContainText("0 attempts");

  await ali.setLanguage("fa");
  const persian = ali.section("خودکارسازی");
  await persian.getByRole("button", { name: "گزارش اجرا" }).click();
  const waitingFa = persian.getByRole("region", { name: "پیام‌هایی که سرور به تعویق انداخت" });
  await expect(waitingFa).toContainText("۱ پیام منتظر ارسال است.");
  await expect(waitingFa.getByRole("listitem")).toContainText("فضای کار به اندازهٔ سهمیهٔ روزانه‌اش پیام فرستاده است");
  // The time it tries again in Persian digits.
  await expect(waitingFa.getByRole("listitem")).toContainText(/به تعویق افتاد: تلاش دوباره \S+ [۰-۹]{2}:[۰-۹]{2}/);
});

/** An SMS gateway on loopback that answers every request "ok" and keeps what it was sent. */
async function loopbackGateway() {
  const received: URLSearchParams[] = [];
  const server = createServer((request, response) => {
    received.push(new URL(request.url ?? "/", "http://gateway").searchParams);
    response.end("ok");
  });
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sms?to={to_url}&text={text_url}`,
    texts: (to: string) => received.filter((query) => query.get("to") === to).map((query) => query.get("text")),
    close: () => new Promise((closed) => server.close(closed)),
  };
}

test("an SMS a connected device fires is sent once by the server, and the run reads Sent after sync", async ({ devices }) => {
  const gateway = await loopbackGateway();
  try {
    const [ali] = await devices.team("Ali");
    await ali.page.goto("/settings");
    const section = await addRule(ali, {
      name: "Welcome SMS",
      when: "A contact is created",
      then: "Send an SMS to the contact",
      text: "Hello {first_name}",
    });
    // A number of this run's own: the e2e server's data outlives runs.
    const phone = `0912${String(Date.now()).slice(-7)}`;
    const e164 = `+98${phone.slice(1)}`;
    await ali.createContact({ first: "Parisa", phone });
    // The device fired it and prepared the message; the server sends it at its sweep.
    await ali.nav().getByRole("link", { name: "Settings" }).click();
    await section.getByRole("button", { name: "Log" }).click();
    await expect(section.locator(".run").filter({ hasText: "Parisa" })).toContainText("SMS: Prepared");
    await ali.syncNow();

    await devices.sweep("--sms-url", gateway.url, "--sms-method", "GET");
    expect(gateway.texts(e164)).toEqual(["Hello Parisa"]);
    // Another sweep sends nothing again.
    await devices.sweep("--sms-url", gateway.url, "--sms-method", "GET");
    expect(gateway.texts(e164)).toEqual(["Hello Parisa"]);

    await ali.syncNow();
    await expect(section.locator(".run").filter({ hasText: "Parisa" })).toContainText("SMS: Sent");
    await expect(ali.page.getByRole("region", { name: "Messages to send" })).toContainText(
      "No prepared message waits to be sent.",
    );
    await ali.setLanguage("fa");
    const persian = ali.section("خودکارسازی");
    await persian.getByRole("button", { name: "گزارش اجرا" }).click();
    await expect(persian.locator(".run").filter({ hasText: "Parisa" })).toContainText("پیامک: ارسال شد");
  } finally {
    await gateway.close();
  }
});
