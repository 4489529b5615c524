// Deterministic generated contacts for measurements: Persian and English names, Iranian
// mobiles, e-mails, companies and tags, as a CSV the importer reads.
const persianFirst = ["علی", "زهرا", "محمد", "فاطمه", "رضا", "مریم", "حسین", "سارا", "مهدی", "نرگس", "امیر", "لیلا"];
const persianLast = ["کریمی", "احمدی", "رضایی", "محمدی", "حسینی", "موسوی", "جعفری", "صادقی", "کاظمی", "نوری"];
const latinFirst = ["Ali", "Sara", "Reza", "Maryam", "John", "Emma", "Kaveh", "Nina", "Omid", "Laleh"];
const latinLast = ["Karimi", "Ahmadi", "Smith", "Rezaei", "Brown", "Tehrani", "Shirazi", "Jones"];
const companies = ["پارس صنعت", "Novin Trade", "آریا تجارت", "Saba Co", "کیان پخش", "Delta Foods", "مهر ارتباط"];
const tags = ["vip", "عمده", "تهران", "newsletter", "شیراز", "wholesale"];

/** A small, fast, seeded generator, so every run produces the same file. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function contactsCsv(count, seed = 42) {
  const next = random(seed);
  const pick = (list) => list[Math.floor(next() * list.length)];
  const lines = ["First name,Last name,Company,Mobile,Email,Tags"];
  for (let i = 0; i < count; i++) {
    const persian = next() < 0.6;
    const first = persian ? pick(persianFirst) : pick(latinFirst);
    const last = persian ? pick(persianLast) : pick(latinLast);
    const mobile = "09" + String(100000000 + i).padStart(9, "0");
    const email = `c${i}@example.com`;
    lines.push([first, last, pick(companies), mobile, email, next() < 0.3 ? pick(tags) : ""].join(","));
  }
  return lines.join("\n") + "\n";
}
