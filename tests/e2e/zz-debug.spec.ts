import { App, expect, test } from "./fixtures";
test("debug", async ({ app }) => {
  const other = new App(await app.context.newPage());
  await other.page.goto("/customers");
  await app.createContact({ first: "Sara", last: "Tabs" });
  await expect(other.page.getByRole("link", { name: /Sara Tabs/ })).toBeVisible();
  await app.page.evaluate(() => { (window as any).heard = []; const c = new BroadcastChannel("rabet"); c.onmessage = (e) => (window as any).heard.push(e.data); });
  await other.page.evaluate(() => { (window as any).heard = []; const c = new BroadcastChannel("rabet"); c.onmessage = (e) => (window as any).heard.push(e.data); });
  app.page.on("console", (m) => console.log("A:", m.text()));
  other.page.on("console", (m) => console.log("B:", m.text()));
  await other.editContact(/Sara Tabs/, "Last name", "Moradi");
  await app.page.getByRole("searchbox").fill("");
  console.log("A heard", await app.page.evaluate(() => (window as any).heard));
  console.log("B heard", await other.page.evaluate(() => (window as any).heard));
  console.log("A vis", await app.page.evaluate(() => document.visibilityState), await other.page.evaluate(() => document.visibilityState));
  await app.page.getByRole("button", { name: "Newest first" }).count();
  await app.page.getByLabel("Sort by").selectOption({ label: "Newest first" });
  console.log(await app.page.locator("main ul").innerText());
});
