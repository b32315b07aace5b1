// What the widget costs a CMS article page (not a test; loopback only, bounded): the CMS
// demo with a 1,000-word article and 100 stored annotations, against the same page
// without the widget, at 1x and 4x CPU throttling, in one run. For each: the bytes
// fetched before the first highlight was painted (each file as gzip -9 would send it;
// the page's own HTML and CSS included): the first painted by element.js from what the
// previous visit stored, before the widget is fetched, and the widget's own; the
// cumulative layout shift from navigation to 3 s after load, the longest main-thread
// task and the total blocking time in that window, LCP, and navigation -> highlights
// painted (the first, and the widget's).
//
// Usage: scripts/bench-cms.sh [--rounds N] [--loading eager|idle|interaction]
// With BENCH_TASKS=1 it lists each long task and Long Animation Frame; BENCH_TRACE=1
// writes what each long task of the first 4x load held (a DevTools timeline trace);
// BENCH_PROFILE=1 a CPU profile (profile.mjs); CHROMIUM_ARGS adds switches to
// Chromium's command line (tests/e2e/harness.mjs).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { startServer, launchFresh, ROOT } from '../../tests/e2e/harness.mjs';
import { article, annotations, reseed } from './data.mjs';
import { startProfile, stopProfile, report, startTrace, traceReport } from './profile.mjs';

const arg = (name, dflt) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : dflt; };
const ROUNDS = Number(arg('--rounds', 3));
const LOADING = arg('--loading', '');
const WORDS = 1000, COUNT = 100;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

// ---- the pages: the CMS demo with a longer article, with and without the widget -------
const demo = fs.readFileSync(path.join(ROOT, 'dist', 'cms-demo.html'), 'utf8');
const text = article(WORDS);
const paras = text.split('\n\n').map((p) => `        <p>${p.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>`).join('\n');
const body = demo.replace(/(<\/figure>\n)[\s\S]*?(\n\s*<p class="related">)/, `$1${paras}$2`);
if (body === demo) throw new Error('the CMS demo no longer has the shape this benchmark rewrites');
const withLoading = LOADING ? body.replaceAll('<article-annotator id=', `<article-annotator loading="${LOADING}" id=`) : body;
const PAGES = {
  widget: 'bench-cms.html',
  plain: 'bench-cms-plain.html',
};
fs.writeFileSync(path.join(ROOT, 'dist', PAGES.widget), withLoading);
fs.writeFileSync(path.join(ROOT, 'dist', PAGES.plain), body.replace(/\s*<script type="module" src="pkg\/element.js"><\/script>/, ''));

const gzipped = new Map();
function gzipSize(url) {
  const file = path.join(ROOT, 'dist', decodeURIComponent(new URL(url).pathname));
  if (!gzipped.has(file)) gzipped.set(file, fs.existsSync(file) ? zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length : 0);
  return gzipped.get(file);
}

/** Installed before the page's scripts: what the page's own observers see. */
function observe() {
  const m = window.__bench = { cls: 0, shifts: [], tasks: [], lcp: 0, highlight: null, first: null };
  // Awaited by the benchmark over CDP (Playwright's waitForFunction injects its own
  // script into the page, itself a task of 40-50 ms at 4x, inside the measured window).
  m.seen = { first: null, highlight: null };
  m.firstSeen = new Promise((r) => { m.seen.first = r; });
  m.highlightSeen = new Promise((r) => { m.seen.highlight = r; });
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) {
      if (e.hadRecentInput) continue;
      m.cls += e.value;
      const r = (x) => `${Math.round(x.x)},${Math.round(x.y)} ${Math.round(x.width)}x${Math.round(x.height)}`;
      m.shifts.push({ at: Math.round(e.startTime), value: e.value, sources: (e.sources || []).map((s) => `${s.node ? s.node.nodeName + (s.node.id ? `#${s.node.id}` : '') + (s.node.className ? `.${String(s.node.className).split(' ')[0]}` : '') : '(a node since removed, or in a shadow root)'}: ${r(s.previousRect)} -> ${r(s.currentRect)}`) });
    }
  }).observe({ type: 'layout-shift', buffered: true });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) m.tasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) m.lcp = e.startTime; }).observe({ type: 'largest-contentful-paint', buffered: true });
  // What ran in each long animation frame (BENCH_TASKS=1 lists them): script entry points
  // with their durations, then style and layout.
  m.frames = [];
  try {
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) {
        m.frames.push(`${e.startTime.toFixed(0)}+${e.duration.toFixed(0)} [${e.scripts.map((x) => `${x.invoker || x.invokerType} ${x.duration.toFixed(0)}${x.forcedStyleAndLayoutDuration >= 1 ? ` (forced style+layout ${x.forcedStyleAndLayoutDuration.toFixed(0)})` : ''}`).join('; ')}] style+layout ${(e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0).toFixed(0)}`);
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch { /* not in this browser */ }
  // Checked at the start of each frame: what it shows was there before it painted.
  const tick = () => {
    const a = document.getElementById('story')?.annotator;
    const early = globalThis.CSS?.highlights && [...CSS.highlights].some(([k, h]) => k.startsWith('aa-pre') && h.size > 0);
    if (m.first === null && (early || (a && a.count > 0 && a.paintedRevision === a.revision))) { m.first = performance.now(); m.seen.first(); }
    if (a && a.count > 0 && a.paintedRevision === a.revision) { m.highlight = performance.now(); m.seen.highlight(); return; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

const { server, url } = await startServer();
const { context, close } = await launchFresh();
const rows = [];
try {
  // A reader who has annotated this article before: 100 annotations in localStorage.
  {
    const page = await context.newPage();
    await page.goto(url + PAGES.widget);
    await page.evaluate(() => document.getElementById('story').activate());
    reseed();
    // Positions in the widget's text, where the story's headline, byline and caption come
    // first: the generated article repeats the sample's paragraphs, so a quote alone (even
    // with its context) is in it several times, and would be an orphan, never painted.
    const widgetText = await page.evaluate(async () => (await document.getElementById('story').annotator.exportFiles('brat')).files.find((f) => f.name.endsWith('.txt')).text);
    const shift = Array.from(widgetText.slice(0, widgetText.indexOf(text.slice(0, 200)))).length;
    const list = annotations(text, COUNT).map((a) => ({ ...a, target: { selector: a.target.selector.map((s) => (s.type === 'TextPositionSelector' ? { ...s, start: s.start + shift, end: s.end + shift } : s)) } }));
    const n = await page.evaluate((list) => { const a = document.getElementById('story').annotator; a.load(list); return a.annotations().filter((x) => x.target.selector.some((s) => s.type === 'TextPositionSelector')).length; }, list);
    if (n !== COUNT) throw new Error(`seeding: ${n} of ${COUNT} annotations anchored`);
    await page.evaluate(() => new Promise((r) => setTimeout(r, 1000))); // the save
    await page.close();
  }

  /** Waits for the page's `window.__bench[promise]`, over CDP: nothing is injected. */
  async function seen(cdp, promise) {
    let timer;
    const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no ${promise} in 60 s`)), 60_000); });
    try {
      await Promise.race([cdp.send('Runtime.evaluate', { expression: `window.__bench.${promise}`, awaitPromise: true }), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function measure(variant, rate) {
    const page = await context.newPage();
    await page.addInitScript(observe);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    // BENCH_PROFILE=1: a CPU profile of the page with the widget at 4x, its first round.
    const profiling = process.env.BENCH_PROFILE && variant === 'widget' && rate === 4 && !measure.profiled;
    if (profiling) {
      measure.profiled = true;
      await startProfile(cdp);
    }
    // BENCH_TRACE=1: a timeline trace of the same load, and what each long task held.
    const tracing = process.env.BENCH_TRACE && variant === 'widget' && rate === 4 && !measure.traced;
    let stopTracing = null;
    if (tracing) {
      measure.traced = true;
      stopTracing = await startTrace(cdp);
    }
    await page.goto(url + PAGES[variant], { waitUntil: 'load' });
    if (variant === 'widget') await seen(cdp, LOADING === 'interaction' ? 'firstSeen' : 'highlightSeen');
    await page.waitForTimeout(3000);
    if (stopTracing) traceReport(await stopTracing());
    if (profiling) report(await stopProfile(cdp), process.env.BENCH_CALLERS, /article_annotator|^yew::|^__wbg_|Closure|wasm-to-js/);
    const m = await page.evaluate(() => {
      const m = window.__bench;
      const nav = performance.getEntriesByType('navigation')[0];
      const resources = [{ name: location.href, end: nav.responseEnd }, ...performance.getEntriesByType('resource').map((e) => ({ name: e.name, end: e.responseEnd }))];
      const before = (t) => resources.filter((r) => r.end <= (t ?? Infinity)).map((r) => r.name);
      return { ...m, fetched: before(m.first), fetchedWidget: before(m.highlight), all: resources.map((r) => r.name), load: nav.loadEventEnd };
    });
    await page.close();
    const window_ = m.tasks.filter(([start]) => start <= m.load + 3000);
    return {
      bytes: m.fetched.reduce((s, u) => s + gzipSize(u), 0),
      bytesWidget: m.highlight === null ? NaN : m.fetchedWidget.reduce((s, u) => s + gzipSize(u), 0),
      files: m.fetchedWidget.map((u) => `${new URL(u).pathname.slice(1)} ${(gzipSize(u) / 1024).toFixed(1)} KB`),
      cls: m.cls,
      shifts: m.shifts,
      tasks: window_.map(([start, d]) => `${start.toFixed(0)}+${d.toFixed(0)}`),
      frames: m.frames,
      longest: Math.max(0, ...window_.map(([, d]) => d)),
      tbt: window_.reduce((s, [, d]) => s + Math.max(0, d - 50), 0),
      lcp: m.lcp,
      highlight: m.highlight ?? NaN,
      first: m.first ?? NaN,
    };
  }

  for (const rate of [1, 4]) {
    for (const variant of ['plain', 'widget']) {
      const runs = [];
      for (let r = 0; r < ROUNDS; r++) runs.push(await measure(variant, rate));
      const med = (k) => median(runs.map((x) => x[k] ?? NaN));
      const last = runs.at(-1);
      process.stderr.write(`${variant} ${rate}x: ${last.files.join(', ')}\n`);
      if (variant === 'widget') for (const x of runs) if (x.shifts.length) process.stderr.write(`  shifts: ${JSON.stringify(x.shifts)}\n`);
      // Each long task (start + duration, ms), with BENCH_TASKS=1.
      if (process.env.BENCH_TASKS) for (const x of runs) process.stderr.write(`  ${variant} long tasks: ${x.tasks.join(', ') || 'none'}\n${x.frames.map((f) => `    frame ${f}\n`).join('')}`);
      const ms = (k) => (Number.isNaN(med(k)) ? '—' : `${med(k).toFixed(0)} ms`);
      const kb = (k) => (Number.isNaN(med(k)) ? '—' : `${(med(k) / 1024).toFixed(1)} KB`);
      const plain = variant === 'plain';
      rows.push(`| ${plain ? 'without the widget' : `with the widget${LOADING ? ` (loading="${LOADING}")` : ''}`} | ${rate}× | ${kb('bytes')}${plain ? ' (the page)' : ''} | ${plain ? '—' : kb('bytesWidget')} | ${med('cls').toFixed(3)} | ${med('longest').toFixed(0)} ms | ${med('tbt').toFixed(0)} ms | ${med('lcp').toFixed(0)} ms | ${plain ? '—' : ms('first')} | ${plain ? '—' : ms('highlight')} |`);
    }
  }
} finally {
  await close();
  server.close();
  for (const p of Object.values(PAGES)) fs.rmSync(path.join(ROOT, 'dist', p), { force: true });
}
console.log(`Measured ${new Date().toISOString().slice(0, 10)}, \`scripts/bench-cms.sh --rounds ${ROUNDS}${LOADING ? ` --loading ${LOADING}` : ''}\` (CMS demo, ${WORDS.toLocaleString('en')} words, ${COUNT} stored annotations; medians of ${ROUNDS}):\n`);
console.log('| page | CPU | bytes before the first highlight (gzip -9) | … before the widget\'s own | CLS (to load + 3 s) | longest task | TBT | LCP | navigation → first highlight | → the widget\'s |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
