// Renders pwa/icons/icon.svg to the PNG sizes the manifest and iOS want, with headless
// Chromium. Run by hand after changing the logo: `node scripts/make-icons.mjs`.
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";

const svg = readFileSync("pwa/icons/icon.svg", "utf8");
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage();
// A maskable icon is cropped to a circle of 80%: the logo sits inside on a full-bleed background.
const sizes = [
  { file: "icon-180.png", size: 180, inset: 0 },
  { file: "icon-192.png", size: 192, inset: 0 },
  { file: "icon-512.png", size: 512, inset: 0 },
  { file: "icon-maskable-512.png", size: 512, inset: 0.12 },
];
for (const { file, size, inset } of sizes) {
  await page.setViewportSize({ width: size, height: size });
  const pad = Math.round(size * inset);
  await page.setContent(
    `<body style="margin:0;background:${inset ? "#0f766e" : "transparent"}">` +
      `<div style="padding:${pad}px;width:${size}px;height:${size}px;box-sizing:border-box">` +
      svg.replace("<svg ", '<svg width="100%" height="100%" ') +
      "</div></body>",
  );
  await page.screenshot({ path: `pwa/icons/${file}`, omitBackground: !inset });
}
await browser.close();
