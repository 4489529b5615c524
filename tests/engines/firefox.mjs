// Firefox ESR over WebDriver BiDi (puppeteer-core speaks it to the stock browser; no
// geckodriver). Each device is a BiDi user context: storage of its own, like another browser.
import puppeteer from "puppeteer-core";

import { Page } from "./page.mjs";

export async function firefox(origin) {
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: process.env.FIREFOX ?? "/usr/bin/firefox-esr",
    headless: true,
    // Firefox logs what its font checker (OTS) rejects in a downloaded font here.
    env: { ...process.env, MOZ_LOG: "userfonts:5" },
    // navigator.storage.persist() asks the person in a door-hanger: answer "allow" for them.
    extraPrefsFirefox: { "dom.storageManager.prompt.testing": true, "dom.storageManager.prompt.testing.allow": true },
  });
  const fontWarnings = [];
  browser.process()?.stderr?.on("data", (chunk) => {
    for (const line of String(chunk).split("\n")) if (line.includes("downloadable font")) fontWarnings.push(line.trim());
  });
  return {
    name: "firefox",
    version: await browser.version(),
    /** Lines Firefox logged about downloaded fonts it found faulty. */
    fontWarnings,
    async open() {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      return new Page(driver(page, () => context.close()), origin);
    },
    async close() {
      await browser.close();
    },
  };
}

/** A tab; `close` closes it (and, for a device's first tab, the device). */
function driver(page, close) {
  const call = (source, args) => `(${source})(...${JSON.stringify(args)})`;
  return {
    navigate: (url) => page.goto(url),
    reload: () => page.reload(),
    run: (source, args) => page.evaluate(call(source, args)),
    async handle(source, args) {
      const handle = await page.evaluateHandle(call(source, args));
      const element = handle.asElement();
      if (!element) await handle.dispose();
      return element;
    },
    click: (element) => element.click(),
    type: (element, text) => element.type(text),
    press: (key) => page.keyboard.press(key),
    setFiles: (element, path) => element.uploadFile(path),
    async newTab() {
      const tab = await page.browserContext().newPage();
      return driver(tab, () => tab.close());
    },
    close,
  };
}
