// What a wasm's bytes are: the code section's function bodies by name, grouped the ways that
// show where to cut. Reads a wasm that keeps its name section — cargo's own output,
// target/wasm32-unknown-unknown/release/rabet.wasm, before wasm-bindgen and wasm-opt — so the
// sizes are before wasm-opt's -Oz (it takes about a fifth off, evenly enough to rank by).
// It builds nothing and asserts nothing.
//
// Usage: node bench/wasm-size.mjs [file.wasm] [--top 40]
//   prints the sections, then the largest functions, the largest generic functions summed over
//   their instantiations ("monos"), and the code by crate.
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const file = args.find((arg) => arg.endsWith(".wasm")) ?? "target/wasm32-unknown-unknown/release/rabet.wasm";
const top = Number(args[args.indexOf("--top") + 1] || 40);
const patterns = args.flatMap((arg, i) => (args[i - 1] === "--match" ? [new RegExp(arg)] : []));
const bytes = readFileSync(file);

let at = 8; // magic and version
function leb() {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return result;
  }
}
function text() {
  const length = leb();
  const value = bytes.toString("utf8", at, at + length);
  at += length;
  return value;
}

const sections = [];
const bodies = []; // size of each defined function's body, in order
const names = new Map(); // function index → name
let importedFunctions = 0;
const sectionNames = ["custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data", "data count", "tag"];
while (at < bytes.length) {
  const id = bytes[at++];
  const size = leb();
  const end = at + size;
  let label = sectionNames[id] ?? `section ${id}`;
  if (id === 0) {
    const name = text();
    label = `custom "${name}"`;
    if (name === "name") {
      while (at < end) {
        const sub = bytes[at++];
        const subSize = leb();
        const subEnd = at + subSize;
        if (sub === 1) {
          for (let count = leb(); count > 0; count--) names.set(leb(), text());
        }
        at = subEnd;
      }
    }
  } else if (id === 2) {
    for (let count = leb(); count > 0; count--) {
      text();
      text();
      const kind = bytes[at++];
      if (kind === 0) {
        importedFunctions++;
        leb();
      } else if (kind === 1) {
        at++;
        const flags = leb();
        leb();
        if (flags & 1) leb();
      } else if (kind === 2) {
        const flags = leb();
        leb();
        if (flags & 1) leb();
      } else if (kind === 3) {
        at += 2;
      } else {
        at++;
        leb();
      }
    }
  } else if (id === 10) {
    for (let count = leb(); count > 0; count--) {
      const bodySize = leb();
      bodies.push(bodySize);
      at += bodySize;
    }
  }
  sections.push({ label, size });
  at = end;
}

/** A legacy-mangled Rust symbol (`_ZN4core3fmt5write17h…E`) as `core::fmt::write`. */
function demangle(name) {
  if (!name.startsWith("_ZN")) return name;
  const parts = [];
  let i = 3;
  while (i < name.length && name[i] !== "E") {
    let digits = "";
    while (/[0-9]/.test(name[i])) digits += name[i++];
    if (!digits) break;
    const part = name.slice(i, i + Number(digits));
    i += Number(digits);
    if (!/^h[0-9a-f]{16}$/.test(part)) parts.push(part);
  }
  return parts
    .join("::")
    .replace(/\$LT\$/g, "<")
    .replace(/\$GT\$/g, ">")
    .replace(/\$RF\$/g, "&")
    .replace(/\$BP\$/g, "*")
    .replace(/\$C\$/g, ",")
    .replace(/\$u20\$/g, " ")
    .replace(/\$u27\$/g, "'")
    .replace(/\$u5b\$/g, "[")
    .replace(/\$u5d\$/g, "]")
    .replace(/\$u7b\$/g, "{")
    .replace(/\$u7d\$/g, "}")
    .replace(/\$u3b\$/g, ";")
    .replace(/\$u2b\$/g, "+")
    .replace(/\$u22\$/g, '"')
    .replace(/\.\./g, "::")
    .replace(/\$LP\$/g, "(")
    .replace(/\$RP\$/g, ")");
}

const functions = bodies.map((size, i) => ({ size, name: demangle(names.get(i + importedFunctions) ?? `function ${i + importedFunctions}`) }));
const code = bodies.reduce((sum, size) => sum + size, 0);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const share = (n) => `${((100 * n) / code).toFixed(1)}%`;

console.log(`${file}: ${kb(bytes.length)}, ${functions.length} functions (${importedFunctions} imported), code ${kb(code)}`);
console.log("\n| section | size |\n|---|---|");
for (const section of sections.filter((s) => s.size > 1024)) console.log(`| ${section.label} | ${kb(section.size)} |`);

console.log(`\n| largest functions | size | of code |\n|---|---|---|`);
for (const f of [...functions].sort((a, b) => b.size - a.size).slice(0, top)) console.log(`| \`${f.name.slice(0, 140)}\` | ${kb(f.size)} | ${share(f.size)} |`);

/** A function's name without its generic arguments and impl targets: what its instances share. */
function generic(name) {
  let depth = 0;
  let out = "";
  for (const char of name) {
    if (char === "<") {
      if (depth === 0) out += "<…>";
      depth++;
    } else if (char === ">") depth--;
    else if (depth === 0) out += char;
  }
  return out;
}
const sum = (key) => {
  const groups = new Map();
  for (const f of functions) {
    const group = groups.get(key(f)) ?? { size: 0, count: 0 };
    group.size += f.size;
    group.count++;
    groups.set(key(f), group);
  }
  return [...groups].sort((a, b) => b[1].size - a[1].size);
};
console.log(`\n| generic function, summed over its instances | instances | size | of code |\n|---|---|---|---|`);
for (const [name, group] of sum((f) => generic(f.name)).filter(([, g]) => g.count > 1).slice(0, top)) console.log(`| \`${name.slice(0, 140)}\` | ${group.count} | ${kb(group.size)} | ${share(group.size)} |`);

/** The crate a function's code is from: the first path segment outside generics. */
const crateOf = (f) => {
  if (f.name.startsWith("__wbindgen_describe")) return "(wasm-bindgen's descriptors, removed by it)";
  const name = f.name.replace(/^_</, "<");
  const first = name.startsWith("<") ? name.slice(1).split(/[ :<]/)[0] : generic(name).split("::")[0];
  return /^[a-z_][a-z0-9_]*$/.test(first) ? first : "(other)";
};
console.log(`\n| crate | functions | size | of code |\n|---|---|---|---|`);
for (const [name, group] of sum(crateOf).slice(0, top)) console.log(`| ${name} | ${group.count} | ${kb(group.size)} | ${share(group.size)} |`);

for (const pattern of patterns) {
  const matched = functions.filter((f) => pattern.test(f.name));
  const size = matched.reduce((total, f) => total + f.size, 0);
  console.log(`\n${pattern}: ${matched.length} functions, ${kb(size)} (${share(size)} of code); the largest:`);
  for (const f of matched.sort((a, b) => b.size - a.size).slice(0, 12)) console.log(`  ${kb(f.size)} ${f.name.slice(0, 160)}`);
}
