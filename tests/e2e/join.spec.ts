import { expect, test } from "./fixtures";

// A device that starts from nothing joins the team by snapshot: customers first, with their
// progress shown, usable while the rest arrives; then only the ops after the snapshot.
test("a new device joins by snapshot, customers first with progress, and sees every record", async ({ devices }, testInfo) => {
  test.skip(testInfo.project.name === "phone", "the sync status is in the desktop navigation");
  // Two devices, three records and a held join: more than the default half minute here.
  test.setTimeout(120_000);
  const [ali] = await devices.team("Ali");
  await ali.createContact({ first: "Sara", last: "Joiner" });
  await ali.createContact({ first: "Omid", last: "Joiner" });
  await ali.createDeal("Printers");
  await ali.syncNow();

  const bita = await devices.open();
  // The pages of every other kind are held until the test has seen the contacts arrive:
  // the join is then half done, as it would be for a while on a large workspace.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const asked: string[] = [];
  await bita.page.route("**/api/v1/snapshot?*", async (route) => {
    const kind = new URL(route.request().url()).searchParams.get("kind") ?? "";
    asked.push(kind);
    if (kind !== "contact" && kind !== "company") await held;
    await route.continue();
  });
  const pulledFrom: number[] = [];
  bita.page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.pathname === "/api/v1/ops" && request.method() === "GET") pulledFrom.push(Number(url.searchParams.get("after")));
  });

  await bita.startConnecting(devices.token("Bita"), "Bita");
  await expect(bita.syncStatus()).toHaveText("Receiving the team's records: 2 of 2 customers");
  // The customers are there to work with while the rest is still coming.
  await bita.nav().getByRole("link", { name: "Customers" }).click();
  await expect(bita.page.getByRole("link", { name: /Sara Joiner/ })).toBeVisible();
  await expect(bita.page.getByRole("link", { name: /Omid Joiner/ })).toBeVisible();
  // In Persian, with Persian digits (switched in place: a reload would start the join again).
  await bita.nav().getByRole("button", { name: "Switch to Persian" }).click();
  await expect(bita.page.locator("html")).toHaveAttribute("lang", "fa");
  await expect(bita.syncStatus()).toHaveText("دریافت داده‌های تیم: ۲ از ۲ مشتری");
  await bita.page.getByRole("navigation", { name: "ناوبری اصلی" }).getByRole("button", { name: "تغییر زبان به انگلیسی" }).click();
  await expect(bita.page.locator("html")).toHaveAttribute("lang", "en");
  // A customer shown is a customer stored: an edit made while the join goes on is kept
  // (checked after a reload below) and reaches the team.
  await bita.editContact(/Sara Joiner/, "First name", "Sarah");
  await expect(bita.page.getByRole("heading", { level: 1, name: "Sarah Joiner" })).toBeVisible();

  // Later pages travel at once (the customers' page first, alone: it says what there is),
  // and kinds holding no record (companies here) are not asked for.
  expect(asked[0]).toBe("contact");
  await expect.poll(() => asked.length).toBeGreaterThanOrEqual(3);
  expect(asked).not.toContain("company");
  release();
  await expect(bita.syncStatus()).toHaveText("Up to date");
  // Only the ops after the snapshot were pulled, never the whole log.
  expect(pulledFrom.length).toBeGreaterThan(0);
  expect(pulledFrom.every((after) => after > 0)).toBe(true);
  await bita.page.goto("/pipeline");
  await expect(bita.page.getByRole("article", { name: "Printers" })).toBeVisible();

  // What Bita writes after joining reaches Ali, and Ali's next change reaches Bita.
  await bita.createContact({ first: "Bita", last: "Joiner" });
  await bita.syncNow();
  await ali.syncNow();
  await ali.page.goto("/customers");
  await expect(ali.page.getByRole("link", { name: /Bita Joiner/ })).toBeVisible();
  await expect(ali.page.getByRole("link", { name: /Sarah Joiner/ })).toBeVisible();
  // A reload keeps what was joined, and the edit made during the join.
  await bita.page.reload();
  await bita.page.goto("/customers");
  await expect(bita.page.getByRole("link", { name: /Sarah Joiner/ })).toBeVisible();
  await expect(bita.page.getByRole("link", { name: /Omid Joiner/ })).toBeVisible();
});
