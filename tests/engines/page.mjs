// A browser tab seen the same way whatever drives it: the engines' runs are written once
// against `Page`, and `firefox.mjs` (WebDriver BiDi) and `webkit.mjs` (WebDriver classic)
// each supply its few primitives (a `Driver`):
//
//   navigate(url), reload(), run(source, args) → JSON value, handle(source, args) → element
//   or null, click(element), type(element, text), press(key), setFiles(element, path),
//   newTab() → a driver of another tab of the same browser, close()
//
// Elements are found in the page by role and accessible name, as a person reads the page,
// and every wait polls what the page shows until it holds or the time is up: no fixed sleeps.

/** How long a wait lasts before the test fails; a busy two-core machine is slow. */
export const TIMEOUT = Number(process.env.RABET_ENGINES_TIMEOUT ?? 20_000);

/** The selectors that stand for each role the tests name (the app's markup, not ARIA's whole). */
const ROLES = {
  button: "button,[role=button]",
  link: "a[href]",
  textbox: "input:not([type]),input[type=text],input[type=tel],input[type=email],input[type=url],textarea",
  searchbox: "input[type=search]",
  combobox: "select",
  radio: "input[type=radio]",
  file: "input[type=file]",
  heading: "h1,h2,h3",
  article: "article",
  region: "section",
  status: "[role=status]",
  alert: "[role=alert]",
  dialog: "dialog,[role=dialog]",
  main: "main",
  navigation: "nav",
  listitem: "li",
};

// Runs in the page: the first visible element matching a spec ({role, name, within}), where a
// name is exact text or {re, flags}, and a region or dialog is named by its heading.
const FIND = `function find(spec, roles) {
  const squash = (text) => (text ?? "").replace(/\\s+/g, " ").trim();
  const labelled = (el) => {
    const ids = el.getAttribute("aria-labelledby");
    if (ids) return ids.split(" ").map((id) => document.getElementById(id)?.textContent ?? "").join(" ");
    return null;
  };
  const nameOf = (el) => {
    const aria = el.getAttribute("aria-label") ?? labelled(el);
    if (aria !== null) return squash(aria);
    if (el.labels && el.labels.length) return squash(el.labels[0].textContent);
    if (el.matches("section,dialog,[role=dialog]")) return squash(el.querySelector("h1,h2,h3")?.textContent);
    return squash(el.textContent);
  };
  const matches = (name) =>
    spec.name === undefined ? true
    : typeof spec.name === "string" ? name === spec.name
    : new RegExp(spec.name.re, spec.name.flags).test(name);
  // Hidden from assistive technology counts as absent, as for a screen reader (the frame drawn
  // before the app starts is inert and aria-hidden).
  const visible = (el) =>
    !el.closest("[aria-hidden=true],[inert]") && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const scopes = spec.within ? [find(spec.within, roles)].filter(Boolean) : [document];
  for (const scope of scopes)
    for (const el of scope.querySelectorAll(roles[spec.role]))
      if ((el.type === "file" || visible(el)) && matches(nameOf(el))) return el;
  return null;
}`;

/** A name for `find`: exact text, or a regular expression. */
function nameSpec(name) {
  return name instanceof RegExp ? { re: name.source, flags: name.flags } : name;
}

/** An element to look for: its role, accessible name, and optionally what it is inside. */
export function by(role, name, within) {
  return { role, name: name === undefined ? undefined : nameSpec(name), within };
}

export class TestFailure extends Error {}

export class Page {
  /** @param driver the engine's primitives; @param origin the server's origin. */
  constructor(driver, origin) {
    this.driver = driver;
    this.origin = origin;
  }

  async goto(path) {
    await this.driver.navigate(new URL(path, this.origin).href);
  }

  async reload() {
    await this.driver.reload();
  }

  /** Runs `fn` (a function, serialised) in the page with JSON arguments; returns its JSON result. */
  async evaluate(fn, ...args) {
    return this.driver.run(`(${fn})`, args);
  }

  /** The element now matching `spec`, or null. */
  async query(spec) {
    return this.driver.handle(`(spec, roles) => (${FIND})(spec, roles)`, [spec, ROLES]);
  }

  /** Waits until `spec` matches an element and returns it. */
  async find(spec, timeout = TIMEOUT) {
    let element = null;
    await this.until(`${describe(spec)} to appear`, async () => (element = await this.query(spec)) !== null, timeout);
    return element;
  }

  async click(spec) {
    await this.driver.click(await this.find(spec));
  }

  /** Types `text` into a field, as a person would (after clearing it). */
  async fill(spec, text) {
    const element = await this.find(spec);
    await this.driver.run(`(spec, roles) => { const el = (${FIND})(spec, roles); el.focus(); el.value = ""; }`, [spec, ROLES]);
    await this.driver.type(element, text);
  }

  /** Chooses a `<select>`'s option by its visible text. */
  async select(spec, label) {
    await this.find(spec);
    await this.driver.run(
      `(spec, roles, label) => { const el = (${FIND})(spec, roles);
         el.value = [...el.options].find((o) => o.textContent.trim() === label).value;
         el.dispatchEvent(new Event("change", { bubbles: true })); }`,
      [spec, ROLES, label],
    );
  }

  async focus(spec) {
    await this.find(spec);
    await this.driver.run(`(spec, roles) => (${FIND})(spec, roles).focus()`, [spec, ROLES]);
  }

  /** Presses a key on whatever has the focus ("ArrowRight", "Enter", …). */
  async press(key) {
    await this.driver.press(key);
  }

  /** Chooses a file in a file input, once it can be used (a disabled one cannot be). */
  async setFiles(spec, path) {
    const element = await this.find(spec);
    await this.until(`${describe(spec)} to be enabled`, async () => (await this.attribute(spec, "disabled")) === null);
    await this.driver.setFiles(element, path);
  }

  /** The text of the element matching `spec` now, or null. */
  async text(spec) {
    return this.driver.run(`(spec, roles) => (${FIND})(spec, roles)?.textContent.trim() ?? null`, [spec, ROLES]);
  }

  async attribute(spec, name) {
    return this.driver.run(`(spec, roles, name) => (${FIND})(spec, roles)?.getAttribute(name) ?? null`, [spec, ROLES, name]);
  }

  /** Waits until an element matching `spec` is shown. */
  async expectVisible(spec, timeout = TIMEOUT) {
    await this.find(spec, timeout);
  }

  /** Waits until no element matches `spec`. */
  async expectGone(spec, timeout = TIMEOUT) {
    await this.until(`${describe(spec)} to go`, async () => (await this.query(spec)) === null, timeout);
  }

  /** Waits until the text of `spec` matches `expected` (exact text or a RegExp). */
  async expectText(spec, expected, timeout = TIMEOUT) {
    let last = null;
    const ok = (text) => (expected instanceof RegExp ? expected.test(text ?? "") : text === expected);
    await this.until(`${describe(spec)} to read ${expected} (it reads ${JSON.stringify(last)})`, async () => ok((last = await this.text(spec))), timeout);
  }

  /** Polls `check` until it is true; fails with `what` after `timeout` ms. */
  async until(what, check, timeout = TIMEOUT) {
    const deadline = Date.now() + timeout;
    for (;;) {
      try {
        if (await check()) return;
      } catch (error) {
        // A navigation in progress discards the page the check ran in; look again.
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) throw new TestFailure(`waited ${timeout} ms for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Another tab of the same browser (same storage), as a person opens one. */
  async newTab() {
    return new Page(await this.driver.newTab(), this.origin);
  }

  async close() {
    await this.driver.close();
  }
}

function describe(spec) {
  const name = spec.name === undefined ? "" : typeof spec.name === "string" ? ` "${spec.name}"` : ` /${spec.name.re}/`;
  return `${spec.role}${name}${spec.within ? ` in ${describe(spec.within)}` : ""}`;
}
