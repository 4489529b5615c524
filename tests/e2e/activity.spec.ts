// The activity feed: what changed in the workspace, by whom, each change a link to its record;
// read from what the device holds, so it works offline.

import { expect, test, type App } from "./fixtures";

const WORDS = {
  en: { page: "Activity", today: "Today", you: "You", who: "Changed by", empty: /^No change to show/ },
  fa: { page: "تغییرات", today: "امروز", you: "شما", who: "تغییر توسط", empty: /^تغییری برای نمایش نیست/ },
};

/** The feed's section of today's changes. */
function today(app: App) {
  return app.page.getByRole("region", { name: WORDS[app.lang].today, exact: true });
}

test("a teammate's change shows in the other device's feed with their name, filtered by who and kind, and opens the record", async ({ devices, isMobile }) => {
  test.slow();
  const [ali, mina] = await devices.team("Ali", ["Mina", "member"]);
  await ali.createContact({ first: "Sara", last: "Ahmadi" });
  await ali.syncNow();
  await mina.syncNow();
  await mina.editContact(/Sara Ahmadi/, "Job title", "Buyer");
  await mina.syncNow();
  await ali.syncNow();

  await ali.openPage(WORDS[ali.lang].page, isMobile);
  const change = today(ali).getByRole("listitem").filter({ hasText: "Job title: — → Buyer" });
  await expect(change).toContainText("Mina");
  // Ali's creation of Sara is not a change of hers.
  await expect(today(ali).getByRole("listitem")).toHaveCount(1);

  const page = ali.page;
  const who = page.getByRole("combobox", { name: WORDS.en.who });
  await who.selectOption({ label: "Mina" });
  await expect(change).toBeVisible();
  await who.selectOption({ label: WORDS.en.you });
  await expect(page.getByText(WORDS.en.empty)).toBeVisible();
  await who.selectOption({ label: "All" });
  const kind = page.getByRole("combobox", { name: "Kind" });
  await kind.selectOption({ label: "Deal" });
  await expect(page.getByText(WORDS.en.empty)).toBeVisible();
  await kind.selectOption({ label: "Contact" });

  await change.getByRole("link", { name: "Contact: Sara Ahmadi" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sara Ahmadi" })).toBeVisible();
});

test("offline and in Persian, the feed shows this device's own changes as yours, in Persian digits", async ({ app, isMobile }) => {
  await app.createContact({ first: "Sara", last: "Ahmadi" });
  await app.editContact(/Sara Ahmadi/, "Job title", "Buyer");
  await app.setLanguage("fa");
  await app.context.setOffline(true);

  await app.openPage(WORDS[app.lang].page, isMobile);
  // In Persian text, a value in another script is isolated (U+2068 … U+2069).
  const change = today(app).getByRole("listitem").filter({ hasText: /سمت: — ← \u2068?Buyer/ });
  await expect(change).toContainText(WORDS.fa.you);
  // The time on the workspace's clock, in Persian digits.
  await expect(change).toContainText(/[۰-۹]{2}:[۰-۹]{2}/);
  await expect(change).not.toContainText(/[0-9]/);
  await change.getByRole("link", { name: /^مخاطب: \u2068?Sara Ahmadi/ }).click();
  await expect(app.page.getByRole("heading", { level: 1, name: "Sara Ahmadi" })).toBeVisible();
});
