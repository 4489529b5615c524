// Trunk post_build hook: finishes the build in Trunk's staging folder.
// (the Persian font comes in as a file of pwa/fonts, made by scripts/vazirmatn.py)
// 1. puts, at the start of <body>, the frame of the page being opened, drawn before the wasm
//    starts and removed as the app mounts, and starts the app once that frame is painted
//    (prerender.mjs);
// 2. writes sw.js: the worker source with this build's file list and a version derived from
//    the files' contents, so every deploy with any change is a new worker;
// 3. writes .gz and .br twins of text and wasm files for the server to send precompressed.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { frameData, frameScript, startAfterFramePaint } from "./prerender.mjs";

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error("TRUNK_STAGING_DIR is not set: run this from trunk build");
const root = process.env.TRUNK_SOURCE_DIR ?? process.cwd();

// Before the file list: the worker's version and the compressed twins cover the frame.
const indexPath = join(staging, "index.html");
const index = readFileSync(indexPath, "utf8");
if (!index.includes("<body>")) throw new Error("post-build: index.html has no <body> to draw the frame in");
writeFileSync(indexPath, startAfterFramePaint(index.replace("<body>", `<body>${frameScript(frameData(root))}`)));

const files = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
const isTwin = (path) => path.endsWith(".gz") || path.endsWith(".br");
const assets = files(staging)
  .filter((path) => !isTwin(path) && !path.endsWith(`${sep}sw.js`))
  .sort();

const version = createHash("sha256");
for (const path of assets) version.update(relative(staging, path)).update(readFileSync(path));
const urls = assets.map((path) => "/" + relative(staging, path).split(sep).join("/"));
const worker =
  `const VERSION = ${JSON.stringify(version.digest("hex").slice(0, 16))};\n` +
  `const PRECACHE = ${JSON.stringify(urls, null, 2)};\n` +
  readFileSync(join(root, "pwa/sw.js"), "utf8");
writeFileSync(join(staging, "sw.js"), worker);

for (const path of [...assets, join(staging, "sw.js")]) {
  if (!/\.(html|js|css|wasm|svg|webmanifest|json)$/.test(path)) continue;
  const data = readFileSync(path);
  writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
  writeFileSync(`${path}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
}
console.log(`post-build: ${urls.length} files precached`);
