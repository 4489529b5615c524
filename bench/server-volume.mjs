// Times bulk sync over HTTP against a running server: pushing 10k ops (in pushes of 1000),
// then filling the workspace to 100k ops and pulling all of them (in pages of 1000).
// Usage: node server-volume.mjs <server url> <token>
const [base, token] = process.argv.slice(2);
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const PAGE = 1000;
let made = 0;

function ops(count) {
  return Array.from({ length: count }, () => {
    made += 1;
    return {
      id: `volume-${made}`,
      entity: 'contact',
      record: `record-${made % 5000}`,
      field: ['name', 'phone', 'email', 'city'][made % 4],
      value: `value number ${made}`,
      stamp: `${(1700000000000 + made).toString(16).padStart(16, '0')}-00000000-00000000000000aa`,
    };
  });
}

async function push(count) {
  for (let done = 0; done < count; done += PAGE) {
    const response = await fetch(`${base}/api/v1/ops`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ops: ops(Math.min(PAGE, count - done)) }),
    });
    if (!response.ok) throw new Error(`push: ${response.status} ${await response.text()}`);
  }
}

async function pullAll() {
  let after = 0;
  let count = 0;
  for (;;) {
    const response = await fetch(`${base}/api/v1/ops?after=${after}&limit=${PAGE}`, { headers });
    if (!response.ok) throw new Error(`pull: ${response.status} ${await response.text()}`);
    const page = await response.json();
    count += page.ops.length;
    after = page.next;
    if (!page.more) return count;
  }
}

async function timed(label, run) {
  const start = performance.now();
  const result = await run();
  const seconds = (performance.now() - start) / 1000;
  console.log(`${label}: ${seconds.toFixed(2)} s`);
  return [result, seconds];
}

await timed('push 10k ops (10 pushes of 1000)', () => push(10_000));
await push(90_000);
const [pulled, seconds] = await timed('pull 100k ops (100 pages of 1000)', pullAll);
if (pulled !== 100_000) throw new Error(`pulled ${pulled} ops, expected 100000`);
console.log(`  ${Math.round(pulled / seconds)} ops/s`);
