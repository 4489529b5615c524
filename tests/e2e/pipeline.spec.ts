import { expect, test, type Locator, type Page } from "./fixtures";

/** The figure after a label in a column header ("Total", "Weighted"). */
const figure = (col: Locator, label: string) => col.locator(`dt:text-is("${label}") + dd`);

/**
 * Drags with the mouse (HTML5 drag and drop) to a visible point of `to`: on a phone the next
 * column only peeks in at the edge, and scrolling during a drag would cancel it.
 */
async function mouseDrag(page: Page, from: Locator, to: Locator) {
  await from.scrollIntoViewIfNeeded();
  const [a, b] = [await from.boundingBox(), await to.boundingBox()];
  if (!a || !b) throw new Error("nothing to drag, or nowhere to drop");
  const visibleEnd = Math.min(b.x + b.width, page.viewportSize()!.width);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((b.x + visibleEnd) / 2, b.y + 40, { steps: 8 });
  await page.mouse.up();
}

test("a deal is dragged forward, moved back with the keyboard, and stays where it was left", async ({ app, page }) => {
  const card = await app.createDeal("Office chairs", "1,000,000");
  const leadIn = app.column("Lead in");
  const qualified = app.column("Qualified");
  await expect(figure(leadIn, "Total")).toHaveText("1,000,000 Toman");
  await expect(figure(leadIn, "Weighted")).toHaveText("100,000 Toman");
  await expect(figure(qualified, "Total")).toHaveText("0 Toman");

  // The mouse: HTML5 drag and drop onto the next column.
  await mouseDrag(page, card, qualified);
  const moved = qualified.getByRole("article", { name: "Office chairs" });
  await expect(moved).toBeVisible();
  await expect(leadIn.getByRole("article")).toHaveCount(0);
  await expect(figure(leadIn, "Total")).toHaveText("0 Toman");
  await expect(figure(qualified, "Total")).toHaveText("1,000,000 Toman");
  await expect(figure(qualified, "Weighted")).toHaveText("250,000 Toman");
  await expect(qualified.getByText("1 deal", { exact: true })).toBeVisible();

  await page.reload();
  await expect(qualified.getByRole("article", { name: "Office chairs" })).toBeVisible();

  // The keyboard: focus the card, the left arrow moves it back, focus stays on it.
  const back = qualified.getByRole("article", { name: "Office chairs" });
  await expect(back).toHaveAttribute("aria-keyshortcuts", "ArrowLeft ArrowRight");
  await back.focus();
  await page.keyboard.press("ArrowLeft");
  const returned = leadIn.getByRole("article", { name: "Office chairs" });
  await expect(returned).toBeFocused();
  await expect(page.getByRole("status").filter({ hasText: "moved to Lead in" })).toHaveText("“Office chairs” moved to Lead in.");
  await expect(figure(leadIn, "Weighted")).toHaveText("100,000 Toman");
  await expect(figure(qualified, "Total")).toHaveText("0 Toman");

  await page.reload();
  await expect(leadIn.getByRole("article", { name: "Office chairs" })).toBeVisible();
  await expect(qualified.getByRole("article")).toHaveCount(0);

  // Every move is on the deal's history.
  await leadIn.getByRole("button", { name: "Office chairs" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit deal" });
  await dialog.getByText("Stage history").click();
  const stageHistory = dialog.locator("details", { hasText: "Stage history" });
  await expect(stageHistory.getByRole("listitem")).toHaveText([/Qualified → Lead in/, /Lead in → Qualified/, /Lead in$/]);
  // The field history names the stages, not their ids.
  const history = dialog.getByRole("region", { name: "History" });
  await expect(history.getByText(/Stage: .?Lead in.? → .?Qualified/)).toBeVisible();
  await expect(history.getByText(/Stage: .?Qualified.? → .?Lead in/)).toBeVisible();
});

test("a lost deal asks for a reason, leaves the board and stays in the table", async ({ app, page }) => {
  const lost = await app.createDeal("Printer lease", "300,000");
  const won = await app.createDeal("Laptops", "2,000,000");

  await lost.getByRole("button", { name: "Lost" }).click();
  const dialog = page.getByRole("dialog", { name: "Mark the deal as lost" });
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByText("Required")).toBeVisible();
  await dialog.getByRole("radio", { name: "Bad timing" }).check();
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("article", { name: "Printer lease" })).toHaveCount(0);

  await won.getByRole("button", { name: "Won" }).click();
  await expect(page.getByRole("article", { name: "Laptops" })).toHaveCount(0);
  await expect(figure(app.column("Lead in"), "Total")).toHaveText("0 Toman");
  await app.boardStored();

  await page.reload();
  await expect(page.getByRole("article")).toHaveCount(0);
  await page.getByRole("button", { name: "Table" }).click();
  const table = page.getByRole("table");
  await expect(table.getByRole("row", { name: /Printer lease/ })).toContainText("Lost: Bad timing");
  await expect(table.getByRole("row", { name: /Laptops/ })).toContainText("Won");
  // Sorting by value puts the larger deal last, then first.
  await table.getByRole("button", { name: "Value" }).click();
  await expect(table.getByRole("row").nth(2)).toContainText("Laptops");
  await table.getByRole("button", { name: "Value" }).click();
  await expect(table.getByRole("row").nth(1)).toContainText("Laptops");
});

test("a long press and a finger drag move a card on a phone", async ({ app, page }, testInfo) => {
  test.skip(testInfo.project.name !== "phone", "touch is the phone's way");
  const card = await app.createDeal("Shop fittings", "500,000");
  const board = page.locator(".board");
  // Scrolled to, as a thumb would, so that no bar covers it.
  await card.scrollIntoViewIfNeeded();
  const start = await card.getByText("days in this stage").boundingBox();
  if (!start) throw new Error("the card is not on screen");
  const viewport = page.viewportSize()!;
  const y = start.y + start.height / 2;

  // A real finger through the browser's touch input: touch events, pointer events and scrolling.
  const cdp = await page.context().newCDPSession(page);
  const touch = (type: string, x = 0) =>
    cdp.send("Input.dispatchTouchEvent", { type, touchPoints: type === "touchEnd" ? [] : [{ x, y }] });
  await expect(card).not.toHaveClass(/(^|\s)dragging(\s|$)/);
  await touch("touchStart", start.x + 20);
  // The finger rests until the card lifts: it is marked as dragged and a copy follows the finger.
  await expect(card).toHaveClass(/(^|\s)dragging(\s|$)/);
  await expect(page.locator(".drag-ghost")).toBeVisible();
  // Glide to the edge of the screen and rest there: the board scrolls sideways by itself
  // until the next column is well in view.
  for (let x = start.x + 20; x < viewport.width - 12; x += 30) await touch("touchMove", x);
  await touch("touchMove", viewport.width - 12);
  const qualified = app.column("Qualified");
  await expect.poll(async () => (await qualified.boundingBox())!.x, { timeout: 5_000 }).toBeLessThan(200);
  expect(await board.evaluate((b) => b.scrollLeft)).toBeGreaterThan(100);

  // Leave the edge so the board stops scrolling, then drop on that column where it came to rest
  // (read while the board still scrolled, a slow machine would drop a column further on).
  await touch("touchMove", viewport.width / 2);
  await expect.poll(() => board.evaluate((b) => new Promise((done) => {
    const before = b.scrollLeft;
    requestAnimationFrame(() => requestAnimationFrame(() => done(b.scrollLeft === before)));
  }))).toBe(true);
  const target = (await qualified.boundingBox())!;
  await touch("touchMove", Math.max(target.x + 40, 80));
  await touch("touchEnd");

  await expect(app.column("Qualified").getByRole("article", { name: "Shop fittings" })).toBeVisible();
  await expect(figure(app.column("Qualified"), "Total")).toHaveText("500,000 Toman");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await page.reload();
  await expect(app.column("Qualified").getByRole("article", { name: "Shop fittings" })).toBeVisible();
});

test("in Persian the first stage is on the right and the arrows follow", async ({ app, page }) => {
  await app.createDeal("Carpets", "1,000");
  await app.setLanguage("fa");
  await page.goto("/pipeline");
  // The stages Rabet made are named in the reader's language until someone renames them.
  const first = app.column("سرنخ ورودی");
  const second = app.column("واجد شرایط");
  await expect(figure(first, "جمع")).toHaveText("۱٬۰۰۰ تومان");
  const [a, b] = [await first.boundingBox(), await second.boundingBox()];
  expect(a!.x).toBeGreaterThan(b!.x);
  await first.getByRole("article", { name: "Carpets" }).focus();
  await page.keyboard.press("ArrowLeft");
  await expect(second.getByRole("article", { name: "Carpets" })).toBeFocused();
});

test("stages are renamed, reordered and deleted in settings, their deals moved where chosen", async ({ app, page }) => {
  await app.createDeal("Signage", "40,000");
  await page.goto("/settings");
  const section = page.getByRole("region", { name: "Pipelines and stages" });
  await section.getByRole("textbox", { name: "Stage name 2" }).fill("Discovery");
  await section.getByRole("button", { name: "Delete stage “Lead in”" }).click();
  await section.getByLabel("“Lead in” is deleted; move its 1 deal to").selectOption({ label: "Proposal" });
  await section.getByRole("button", { name: "Move up “Negotiation”" }).click();
  await section.getByRole("button", { name: "Save" }).click();
  await expect(section.getByText("Pipeline saved.")).toBeVisible();

  await page.goto("/pipeline");
  const headings = page.locator(".board-column h2");
  await expect(headings).toHaveText(["Discovery", "Negotiation", "Proposal"]);
  await expect(app.column("Proposal").getByRole("article", { name: "Signage" })).toBeVisible();
});
