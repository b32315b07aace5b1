// The JS API's cost at 10k annotations (not a test): mount with them, `annotations()`,
// `exportAs('w3c')`, `exportAs('jsonl')`, `exportFiles('w3c')`, `add` of one and
// `suggestOccurrences` of a word, each
// timed, and how much each grows the wasm linear memory (which never shrinks), in a
// fresh browser profile per round. Prints a Markdown table.
//
// Usage: scripts/build.sh && node bench/browser/api.mjs [--rounds N] [--words N] [--count N]
import fs from 'node:fs';
import path from 'node:path';
import { startServer, launchFresh, ROOT } from '../../tests/e2e/harness.mjs';
import { article, annotations, w3c, words, reseed } from './data.mjs';

const arg = (name, dflt) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : dflt; };
const ROUNDS = Number(arg('--rounds', 3));
const WORDS = Number(arg('--words', 100000));
const COUNT = Number(arg('--count', 10000));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

fs.mkdirSync(path.join(ROOT, 'dist', 'bench'), { recursive: true });
for (const f of ['page.html', 'page.js', 'floor.js', 'floor.css']) fs.copyFileSync(path.join(ROOT, 'bench/browser', f), path.join(ROOT, 'dist/bench', f));
const { server, url } = await startServer();
const MB = 1048576;
const rows = {};
try {
  const text = article(WORDS);
  reseed();
  const list = annotations(text, COUNT);
  const w = words(text)[Math.floor(words(text).length / 2)];
  const extra = w3c(text, 'urn:bench:api:add', w[0], w[1], 'Event');
  // Each call in a page of its own, straight after the mount: memory that one call grew
  // would hide what the next one needs.
  const calls = {
    annotations: 'a.annotations().length',
    'exportAs("w3c")': 'a.exportAs("w3c").length',
    'exportAs("jsonl")': 'a.exportAs("jsonl").length',
    'exportFiles("w3c")': 'a.exportFiles("w3c").files[0].text.length',
    'add (one)': 'a.add(extra) ?? a.count',
    // Every mention (issue 19: one frame at 100k words): a word from the middle of the
    // article, tagged, then its other mentions found, checked against 10k annotations
    // and returned as objects; the add (1 ms) is timed too.
    'add one + suggestOccurrences': '(a.add(extra), a.suggestOccurrences(extra.id).length)',
    'add one + suggestOccurrences (any case)': '(a.add(extra), a.suggestOccurrences(extra.id, { caseSensitive: false }).length)',
  };
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, code] of Object.entries(calls)) {
      const { context, close } = await launchFresh();
      try {
        const page = context.pages()[0];
        await page.goto(url + 'bench/page.html');
        await page.evaluate(() => window.bench.ready());
        const load = await page.evaluate(([t, a]) => window.bench.load('widget', t, a), [text, list]);
        const m = await page.evaluate(([code, extra]) => {
          const a = window.subject;
          const before = window.bench.wasmBytes();
          const t0 = performance.now();
          const n = new Function('a', 'extra', `return ${code}`)(a, extra);
          const ms = performance.now() - t0;
          return { ms, grew: window.bench.wasmBytes() - before, n, before };
        }, [code, extra]);
        (rows[name] ||= []).push(m);
        (rows.mount ||= []).push({ ms: load, grew: m.before });
      } finally {
        await close();
      }
    }
  }
} finally {
  server.close();
}
console.log(`| ${WORDS.toLocaleString('en')} words × ${COUNT.toLocaleString('en')} annotations (median of ${ROUNDS}) | time | wasm memory grown |`);
console.log('|---|---|---|');
for (const [k, v] of Object.entries(rows)) {
  const ms = median(v.map((x) => x.ms));
  const grew = median(v.map((x) => x.grew));
  const label = k === 'mount' ? 'mount with them, to painted (memory: the wasm memory after it)' : k;
  const n = k.includes('suggest') ? ` (${v[0].n} suggestions)` : '';
  console.log(`| ${label}${n} | ${ms.toFixed(1)} ms | ${(grew / MB).toFixed(2)} MB |`);
}
