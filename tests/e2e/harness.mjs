// Shared helpers for the end-to-end tests: serve dist/ and drive Debian's Chromium
// with playwright-core (never a downloaded browser).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = path.join(ROOT, 'tests', 'e2e', 'artifacts');

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];

export async function startServer() {
  const server = await serve(path.join(ROOT, 'dist'));
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

/** Switches added to Chromium's command line for every browser launched here, from
 *  the environment (space-separated): e.g. `CHROMIUM_ARGS=--js-flags=--no-wasm-lazy-compilation`
 *  to measure, in a benchmark, what V8's lazy compilation of the wasm costs. */
const EXTRA_ARGS = (process.env.CHROMIUM_ARGS || '').split(' ').filter(Boolean);

/** A browser with a fresh profile of its own (a new user-data-dir each time);
 *  `options` are Playwright context options (viewport, hasTouch, isMobile, ...). */
export async function launchFresh(options = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-profile-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM, headless: true, args: [...ARGS, ...EXTRA_ARGS], acceptDownloads: true,
    viewport: { width: 1280, height: 900 }, ...options,
  });
  const close = async () => { await context.close(); fs.rmSync(dir, { recursive: true, force: true }); };
  return { context, close };
}

/** Page helpers (installed before any page script): the widgets live in shadow roots,
 *  so tests reach them through `aa`: `aa.q(sel, i)`, `aa.qa(sel, i)` query inside the
 *  i-th widget; `aa.hl(name, i)` is its highlight `name` ('person', 'claim', 'flash'…). */
export function installHelpers() {
  window.aa = {
    // Widgets that are up: rendered and shown (a widget is laid out unseen for a frame
    // before it takes its host's content's place).
    hosts: () => [...document.querySelectorAll('*')].filter((e) => e.shadowRoot && e.shadowRoot.querySelector('.aa-root') && !e.shadowRoot.querySelector('.aa-shell-waiting')),
    root: (i = 0) => window.aa.hosts()[i]?.shadowRoot,
    q: (sel, i = 0) => window.aa.root(i)?.querySelector(sel) ?? null,
    qa: (sel, i = 0) => [...(window.aa.root(i)?.querySelectorAll(sel) ?? [])],
    hl: (name, i = 0) => {
      const prefix = window.aa.q('.aa-root', i)?.dataset.highlights;
      return prefix ? CSS.highlights.get(prefix + name.replace(/^aa-/, '')) : undefined;
    },
  };
}

/** Runs `fn({ page, errors, context })` on the demo at `url` in a fresh browser profile
 *  (`launch`: launchFresh's options; `selector`: what to wait for), and always closes
 *  the browser. */
export async function withDemo(url, fn, { launch = {}, selector } = {}) {
  const { context, close } = await launchFresh(launch);
  try {
    const { page, errors } = await openDemo(context, url, selector);
    return await fn({ page, errors, context });
  } finally {
    await close();
  }
}

/** Opens the demo and waits for the article; collects console errors. */
export async function openDemo(context, url, selector = '.aa-article [data-block]') {
  const page = context.pages()[0] || await context.newPage();
  await page.addInitScript(installHelpers);
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector(selector);
  // And until a widget is up (shown, not only rendered), if the page has one.
  if (selector.startsWith('.aa-')) await page.waitForFunction(() => window.aa.hosts().length > 0);
  return { page, errors };
}

/** Selects the first occurrence of `text` inside the article by dragging the mouse;
 *  with `part`, only that part of it (to pick one of several occurrences by context). */
export async function mouseSelect(page, text, part = text, widget = 0) {
  const box = await page.evaluate(([needle, part, widget]) => {
    // Search the article's text across its text nodes (inline markup splits them).
    const article = aa.q('.aa-article', widget);
    const nodes = [];
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n);
    const all = nodes.map((n) => n.data).join('');
    const at = all.indexOf(needle);
    if (at < 0) return null;
    const from = at + needle.indexOf(part), to = from + part.length;
    const locate = (offset) => {
      let acc = 0;
      for (const n of nodes) {
        if (offset <= acc + n.data.length) return [n, offset - acc];
        acc += n.data.length;
      }
      return null;
    };
    const [sn, so] = locate(from), [en, eo] = locate(to);
    sn.parentElement.scrollIntoView({ block: 'center' });
    const r = document.createRange();
    r.setStart(sn, so); r.setEnd(en, eo);
    const rects = [...r.getClientRects()].filter((x) => x.width > 0);
    const a = rects[0], b = rects[rects.length - 1];
    return { x1: a.left + 1, y1: a.top + a.height / 2, x2: b.right - 1, y2: b.top + b.height / 2 };
  }, [text, part, widget]);
  if (!box) throw new Error(`${text} is not in the article`);
  await page.mouse.move(box.x1, box.y1);
  await page.mouse.down();
  await page.mouse.move((box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2, { steps: 4 });
  await page.mouse.move(box.x2, box.y2, { steps: 4 });
  await page.mouse.up();
}

/** Clicks Export (W3C) and returns the download's file name and text. */
export async function exportFile(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('.aa-export')]);
  return { name: download.suggestedFilename(), text: fs.readFileSync(await download.path(), 'utf8') };
}

export function saveArtifact(name, data) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const p = path.join(ARTIFACTS, name);
  fs.writeFileSync(p, data);
  return p;
}

/** The texts painted under highlight `name` (e.g. 'aa-person' or 'person') in widget
 *  `widget`, in document order. */
export function painted(page, name, widget = 0) {
  return page.evaluate(([name, widget]) => {
    const h = aa.hl(name, widget);
    if (!h) return [];
    return [...h].sort((a, b) => a.compareBoundaryPoints(Range.START_TO_START, b)).map((r) => r.toString());
  }, [name, widget]);
}

/** Clicks the middle of the first painted range of `name` whose text is `text`. */
export async function clickPainted(page, name, text, widget = 0) {
  const at = await page.evaluate(([name, text, widget]) => {
    const r = [...(aa.hl(name, widget) || [])].find((x) => x.toString() === text);
    if (!r) return null;
    r.startContainer.parentElement.scrollIntoView({ block: 'center' });
    const b = r.getClientRects()[0];
    return { x: b.left + b.width / 2, y: b.top + b.height / 2 };
  }, [name, text, widget]);
  if (!at) throw new Error(`${text} is not painted as ${name}`);
  await page.mouse.click(at.x, at.y);
}

/** Taps the toolbar's button for entity type `type` (a touch gesture, as on a phone). */
export async function tapTag(page, type) {
  await page.waitForSelector('.aa-toolbar');
  const box = await page.$eval(`.aa-tag-${type}`, (b) => { const r = b.getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; });
  await page.touchscreen.tap(box.x, box.y);
}

/** The right edge of the first widget's panel and the page's scroll width, in CSS px. */
export function phoneWidths(page) {
  return page.evaluate(() => ({
    panel: aa.q('.aa-panel').getBoundingClientRect().right,
    page: document.documentElement.scrollWidth,
  }));
}
