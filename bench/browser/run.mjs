// Browser benchmark: the widget against the floor (plain JS + CSS Custom Highlight API)
// on generated articles of ~1k, 10k and 100k words with 100, 1,000 and 10,000 entity
// annotations. Each combination runs in a fresh browser profile, several rounds; every
// figure is also given as a ratio to the floor measured in the same round.
//
// Usage: scripts/bench.sh [--rounds N] [--sizes 1000,10000] [--counts 100,1000] [--out docs/PERFORMANCE.md]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execSync } from 'node:child_process';
import { startServer, launchFresh, ROOT } from '../../tests/e2e/harness.mjs';

const arg = (name, dflt) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : dflt; };
const ROUNDS = Number(arg('--rounds', 3));
const SIZES = arg('--sizes', '1000,10000,100000').split(',').map(Number);
const COUNTS = arg('--counts', '100,1000,10000').split(',').map(Number);
const OUT = arg('--out', path.join(ROOT, 'docs', 'PERFORMANCE.md'));
const ADDS = 20;

import { article, words, annotations, w3c, reseed } from './data.mjs';

// ---- measuring -----------------------------------------------------------------
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

async function runOne(url, subject, text, list) {
  const { context, close } = await launchFresh();
  try {
    const page = context.pages()[0];
    await page.goto(url + 'bench/page.html');
    await page.evaluate(() => window.bench.ready());
    const cdp = await context.newCDPSession(page);
    const load = await page.evaluate(([s, t, l]) => window.bench.load(s, t, l), [subject, text, list]);
    const adds = [];
    const ws = words(text);
    for (let i = 0; i < ADDS; i++) {
      const w = ws[Math.floor(((i + 0.5) * ws.length) / ADDS)];
      const a = w3c(text, `urn:bench:add:${i}`, w[0], w[1], 'Event');
      const paragraph = text.slice(0, w[0]).split('\n\n').length - 1;
      await page.evaluate(([s, k]) => window.bench.reveal(s, k), [subject, paragraph]);
      adds.push(await page.evaluate(([s, a]) => window.bench.add(s, a), [subject, a]));
    }
    // Read on a quiet page: a save the adds scheduled (300 ms after a change) could run
    // between the forced GC and the reading, and its 1.9 MB of text (garbage by then)
    // was counted in about half the runs.
    await page.evaluate(() => new Promise((r) => setTimeout(r, 500)));
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')).usedSize;
    const wasm = await page.evaluate(() => window.bench.wasmBytes());
    const dom = (await cdp.send('Memory.getDOMCounters')).nodes;
    const result = { load, add: median(adds), heap: heap + wasm, jsHeap: heap, wasm, dom };
    if (process.env.BENCH_DEBUG) process.stderr.write(`  ${subject} heap: JS ${(heap / 1048576).toFixed(2)} MB, wasm ${(wasm / 1048576).toFixed(2)} MB\n`);
    // The selection from a quiet page (the saves the adds scheduled have run), then the
    // widget's save of everything: the 2 MB write and its garbage are not in the
    // selection's frames.
    await page.evaluate(() => new Promise((r) => setTimeout(r, 500)));
    result.select = await measureSelection(page, subject);
    if (subject === 'widget') {
      const w = ws[Math.floor(ws.length / 3)];
      Object.assign(result, await page.evaluate((a) => window.bench.save(a), w3c(text, 'urn:bench:save', w[0], w[1], 'Other')));
    }
    return result;
  } finally {
    await close();
  }
}

/** Mouse-drag over a word near the middle, then press 1: the two intervals summed. */
async function measureSelection(page, subject) {
  await page.evaluate((s) => window.bench.armSelection(s), subject);
  const box = await page.evaluate((s) => {
    const host = document.getElementById('host');
    const ps = s === 'floor' ? host.querySelectorAll('p') : host.shadowRoot.querySelectorAll('.aa-article p');
    const p = ps[Math.floor(ps.length / 2)];
    p.scrollIntoView({ block: 'center' });
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const m = /[A-Za-z]{5,}/.exec(n.data);
      if (!m || n.parentElement.closest('.hl')) continue;
      const r = new Range(); r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
      const b = r.getBoundingClientRect();
      return { x1: b.left + 1, x2: b.right - 1, y: b.top + b.height / 2 };
    }
    return null;
  }, subject);
  if (!box) return NaN;
  await page.mouse.move(box.x1, box.y); await page.mouse.down();
  await page.mouse.move(box.x2, box.y, { steps: 3 }); await page.mouse.up();
  await page.evaluate(() => window.selectionMarks.shown);
  await page.keyboard.press('1');
  await page.evaluate(() => window.selectionMarks.painted);
  const m = await page.evaluate(() => ({ ...window.selectionMarks, shown: 0, painted: 0 }));
  if (process.env.BENCH_DEBUG) process.stderr.write(`  ${subject} select: mouseup→painted ${(m.toolbar - m.up).toFixed(1)} ms, key→painted ${(m.done - m.key).toFixed(1)} ms\n`);
  return (m.toolbar - m.up) + (m.done - m.key);
}

function sizes() {
  const dir = path.join(ROOT, 'dist');
  const files = ['pkg/article_annotator_bg.wasm', 'pkg/article_annotator.js']; // the widget's CSS is inside the wasm
  return files.map((f) => {
    const data = fs.readFileSync(path.join(dir, f));
    return { file: f, raw: data.length, gzip: zlib.gzipSync(data, { level: 9 }).length };
  });
}

// ---- main ----------------------------------------------------------------------
fs.mkdirSync(path.join(ROOT, 'dist', 'bench'), { recursive: true });
for (const f of ['page.html', 'page.js', 'floor.js', 'floor.css']) fs.copyFileSync(path.join(ROOT, 'bench/browser', f), path.join(ROOT, 'dist/bench', f));
const { server, url } = await startServer();
const rows = [];
try {
  for (const size of SIZES) {
    const text = article(size);
    for (const count of COUNTS) {
      reseed();
      const list = annotations(text, count);
      const rounds = [];
      for (let r = 0; r < ROUNDS; r++) {
        const floor = await runOne(url, 'floor', text, list);
        const widget = await runOne(url, 'widget', text, list);
        rounds.push({ floor, widget });
        process.stderr.write(`${size} words × ${count}: round ${r + 1}: load ${widget.load.toFixed(0)} ms (floor ${floor.load.toFixed(0)}), add ${widget.add.toFixed(1)} (floor ${floor.add.toFixed(1)}), select ${widget.select.toFixed(1)} (floor ${floor.select.toFixed(1)}) ms\n`);
      }
      rows.push({ size, words: text.split(/\s+/).length, count, rounds });
    }
  }
} finally {
  server.close();
}

// ---- report --------------------------------------------------------------------
const stat = (xs, digits = 0) => { const f = (x) => x.toFixed(digits); return `${f(median(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`; };
const ratio = (rows, key) => stat(rows.map((r) => r.widget[key] / r.floor[key]), 2);
// Two decimals: the heap target (8 MB) is met by tens of KB at 100k × 10k.
const mb = (x) => (x / 1048576).toFixed(2);
let md = '';
md += `| words | annotations | load → painted, ms | floor, ms | ratio | add → painted, ms | floor, ms | ratio | select → painted, ms | floor, ms | ratio | heap JS+wasm, MB (floor) | DOM nodes (floor) | save, ms | stored, chars |\n`;
md += `|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n`;
for (const row of rows) {
  const w = (k) => row.rounds.map((r) => r.widget[k]);
  const f = (k) => row.rounds.map((r) => r.floor[k]);
  md += `| ${row.words} | ${row.count} | ${stat(w('load'))} | ${stat(f('load'))} | ${ratio(row.rounds, 'load')} | ${stat(w('add'), 1)} | ${stat(f('add'), 1)} | ${ratio(row.rounds, 'add')} | ${stat(w('select'), 1)} | ${stat(f('select'), 1)} | ${ratio(row.rounds, 'select')} | ${mb(median(w('heap')))} (${mb(median(f('heap')))}) | ${median(w('dom'))} (${median(f('dom'))}) | ${stat(w('ms'), 1)} | ${median(w('chars'))} |\n`;
}
const sz = sizes();
let sizeMd = `| file | raw, bytes | gzip -9, bytes |\n|---|---:|---:|\n`;
for (const s of sz) sizeMd += `| ${s.file} | ${s.raw} | ${s.gzip} |\n`;
sizeMd += `| **total** | ${sz.reduce((a, s) => a + s.raw, 0)} | ${sz.reduce((a, s) => a + s.gzip, 0)} |\n`;
const cpu = os.cpus()[0]?.model || 'unknown CPU';
const chromium = execSync('/usr/bin/chromium --version 2>/dev/null || true').toString().trim();
const header = `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${chromium}, headless; ${ROUNDS} rounds, each combination in a fresh profile; median (min–max). Command: \`scripts/bench.sh ${process.argv.slice(2).join(' ')}\`.`;
const result = { header, table: md, sizes: sizeMd };
fs.writeFileSync(path.join(ROOT, 'target', 'bench-browser.json'), JSON.stringify({ rows, sizes: sz }, null, 1));
console.log(header + '\n\n' + md + '\n' + sizeMd);
if (OUT !== '-') {
  const begin = '<!-- bench:begin -->', end = '<!-- bench:end -->';
  const block = `${begin}\n${header}\n\n${md}\nTransferred size of what a page loads:\n\n${sizeMd}${end}`;
  let doc = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : `# Performance\n\n${begin}\n${end}\n`;
  if (!doc.includes(begin)) doc += `\n${begin}\n${end}\n`;
  doc = doc.slice(0, doc.indexOf(begin)) + block + doc.slice(doc.indexOf(end) + end.length);
  fs.writeFileSync(OUT, doc);
}
