// The element's `loading` choices, on a page of this test's own (dist/lazy-e2e.html, a
// CMS-like page whose article is selectable): with "interaction" nothing of the widget
// is fetched until the reader selects in the article (or presses "Annotate"), and that
// selection becomes the widget's pending selection; "idle" starts after the page's load.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, withDemo, launchFresh, ROOT } from './harness.mjs';

const MANY = 1500;
const MANY_PAGE = 'lazy-prepaint-many-e2e.html';
const PAGE = 'lazy-e2e.html', IDLE_PAGE = 'lazy-idle-e2e.html', FONTS_PAGE = 'lazy-fonts-e2e.html', PRE_PAGE = 'lazy-prepaint-e2e.html', EDITED_PAGE = 'lazy-prepaint-edited-e2e.html';
/** A page whose widget keeps its annotations in localStorage and waits for an interaction. */
const prepaintPage = (second) => `<!doctype html><html lang="en"><meta charset="utf-8"><title>prepaint</title>
    <link rel="icon" href="favicon.svg" type="image/svg+xml">
    <script type="module" src="pkg/element.js"></script>
    <article-annotator id="story" document-id="lazy-prepaint" loading="interaction">
      <h1>Minister   speaks</h1>
      <p>Communications Minister <a href="https://example.org/">Nikolai
         Nikiforov</a> said on Monday that the ban would stay.</p>
      <p>${second}</p>
      ${'<p class="again">Nikiforov said so.</p>'.repeat(5)}
    </article-annotator>`;
let server, url;
before(async () => {
  ({ server, url } = await startServer());
  fs.writeFileSync(path.join(ROOT, 'dist', PAGE), `<!doctype html><html lang="en"><meta charset="utf-8"><title>lazy</title>
    <link rel="icon" href="favicon.svg" type="image/svg+xml">
    <script type="module" src="pkg/element.js"></script>
    <main style="max-width: 40rem; margin: 2rem auto; font: 18px/1.5 Georgia, serif">
      <article-annotator id="story" document-id="lazy-story" storage="none" loading="interaction">
        <h1>Minister speaks</h1>
        <p>Communications Minister <a href="https://example.org/">Nikolai Nikiforov</a> said on Monday that the ban on Huawei would stay.</p>
        <p>Russia and China signed a deal on software.</p>
      </article-annotator>
      <article-annotator id="note" document-id="lazy-note" storage="none" loading="interaction"><p>Updated on 19 August.</p></article-annotator>
    </main>`);
  fs.writeFileSync(path.join(ROOT, 'dist', PRE_PAGE), prepaintPage('Russia and China signed a deal on software.'));
  fs.writeFileSync(path.join(ROOT, 'dist', EDITED_PAGE), prepaintPage('Russia and India signed a deal on software.'));
  fs.writeFileSync(path.join(ROOT, 'dist', MANY_PAGE), `<!doctype html><html lang="en"><meta charset="utf-8"><title>many</title>
    <link rel="icon" href="favicon.svg" type="image/svg+xml">
    <script type="module" src="pkg/element.js"></script>
    <article-annotator id="story" document-id="lazy-many" loading="interaction">
      ${Array.from({ length: MANY }, (_, i) => `<p>Item ${String(i).padStart(4, '0')} is   listed here.</p>`).join('\n')}
    </article-annotator>`);
  fs.writeFileSync(path.join(ROOT, 'dist', FONTS_PAGE), `<!doctype html><html lang="en"><meta charset="utf-8"><title>fonts</title>
    <link rel="icon" href="favicon.svg" type="image/svg+xml">
    <script type="module" src="pkg/element.js"></script>
    <article-annotator id="later" document-id="lazy-fonts" storage="none"><p>Kaspersky Lab was not notified.</p></article-annotator>`);
  fs.writeFileSync(path.join(ROOT, 'dist', IDLE_PAGE), `<!doctype html><html lang="en"><meta charset="utf-8"><title>idle</title>
    <link rel="icon" href="favicon.svg" type="image/svg+xml">
    <script type="module" src="pkg/element.js"></script>
    <article-annotator id="later" document-id="lazy-later" storage="none" loading="idle"><p>Kaspersky Lab was not notified.</p></article-annotator>`);
});
after(() => {
  for (const p of [PAGE, IDLE_PAGE, FONTS_PAGE, PRE_PAGE, EDITED_PAGE, MANY_PAGE]) fs.rmSync(path.join(ROOT, 'dist', p), { force: true });
  server.close();
});

/** Drags the mouse over `needle` in the page's own (light DOM) text of element `id`. */
async function selectInPage(page, id, needle) {
  const box = await page.evaluate(([id, needle]) => {
    const el = document.getElementById(id);
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const at = n.data.indexOf(needle);
      if (at < 0) continue;
      const r = document.createRange();
      r.setStart(n, at); r.setEnd(n, at + needle.length);
      const b = r.getBoundingClientRect();
      return { x1: b.left + 1, x2: b.right - 1, y: b.top + b.height / 2 };
    }
    return null;
  }, [id, needle]);
  assert.ok(box, `${needle} is in #${id}`);
  await page.mouse.move(box.x1, box.y);
  await page.mouse.down();
  await page.mouse.move(box.x2, box.y, { steps: 5 });
  await page.mouse.up();
}

const fetchedWidget = (page) => page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => /article_annotator(_bg\.wasm|\.js)$/.test(n)));

test('loading="interaction": no wasm until the reader selects, and the selection is the widget\'s pending selection', async () => {
  await withDemo(url + PAGE, async ({ page, errors }) => {
    await page.waitForTimeout(1000);
    assert.deepEqual(await fetchedWidget(page), [], 'nothing of the widget fetched yet');
    // The article is the page's own, readable and selectable, with a control to start.
    const control = await page.evaluate(() => {
      const b = document.getElementById('story').shadowRoot?.querySelector('button.annotate');
      return b && { label: b.getAttribute('aria-label'), w: b.getBoundingClientRect().width, h: b.getBoundingClientRect().height };
    });
    assert.equal(control?.label, 'Annotate this article');
    assert.ok(control.w >= 24 && control.h >= 24, JSON.stringify(control));
    // (Not over the link: a drag that starts on a link drags the link.)
    await selectInPage(page, 'story', 'ban on Huawei');
    await page.waitForFunction(() => document.getElementById('story').annotator, null, { timeout: 15_000 });
    assert.equal((await fetchedWidget(page)).length, 2, 'the module, once');
    // The selection made before the widget was up is its pending selection.
    await page.waitForFunction(() => !!aa.q('.aa-toolbar') && aa.hl('pending')?.size === 1, null, { timeout: 5000 });
    assert.equal(await page.evaluate(() => [...aa.hl('pending')][0].toString()), 'ban on Huawei');
    await page.keyboard.press('1');
    await page.waitForFunction(() => document.getElementById('story').annotator.count === 1);
    const a = await page.evaluate(() => document.getElementById('story').annotator.annotations()[0]);
    assert.equal(a.target.selector.find((s) => s.type === 'TextQuoteSelector').exact, 'ban on Huawei');
    // The other waiting widget starts with its own control, not with this one.
    assert.equal(await page.evaluate(() => document.getElementById('note').annotator), null);
    await page.evaluate(() => document.getElementById('note').shadowRoot.querySelector('button.annotate').click());
    await page.waitForFunction(() => document.getElementById('note').annotator?.count === 0);
    assert.deepEqual(errors, []);
  }, { selector: '#story p' });
});

test('loading="idle": the widget starts after the page\'s load, with no interaction', async () => {
  await withDemo(url + IDLE_PAGE, async ({ page, errors }) => {
    const at = await page.evaluate(() => new Promise((resolve) => {
      const el = document.getElementById('later');
      const up = () => resolve({ up: performance.now(), load: performance.getEntriesByType('navigation')[0].loadEventEnd });
      if (el.annotator) up(); else el.addEventListener('annotator-ready', up, { once: true });
    }));
    assert.ok(at.load > 0 && at.up >= at.load, JSON.stringify(at));
    assert.deepEqual(errors, []);
  }, { selector: '#later p' });
});

test('the API\'s select finds a quote with its context and makes it the pending selection', async () => {
  await withDemo(url + PAGE, async ({ page, errors }) => {
    await page.evaluate(() => document.getElementById('story').activate());
    const r = await page.evaluate(() => {
      const a = document.getElementById('story').annotator;
      return [a.select({ exact: 'Russia' }), a.select({ exact: 'no such words' })];
    });
    assert.deepEqual(r, [true, false]);
    await page.evaluate(() => document.getElementById('story').annotator.select({ exact: 'Huawei would', prefix: 'the ban on ', suffix: ' stay' }));
    await page.waitForFunction(() => aa.hl('pending')?.size === 1 && [...aa.hl('pending')][0].toString() === 'Huawei would');
    const e = await page.evaluate(() => { try { document.getElementById('story').annotator.select({ exact: '' }); } catch (e) { return e.message; } });
    assert.equal(e, 'select: exact must be a non-empty string');
    assert.deepEqual(errors, []);
  }, { selector: '#story p' });
});

test('a previous visit\'s highlights are painted before anything of the widget is fetched; an edited article paints only what it still holds; the widget takes over', async () => {
  await withDemo(url + PRE_PAGE, async ({ page, errors }) => {
    // The first visit: the reader tags a name and a claim (kept in localStorage).
    await page.evaluate(() => document.getElementById('story').activate());
    await page.evaluate(() => {
      const a = document.getElementById('story').annotator;
      const w3c = (id, exact, value, motivation) => ({ id, type: 'Annotation', motivation, body: { type: 'TextualBody', purpose: 'tagging', value }, target: { selector: { type: 'TextQuoteSelector', exact } } });
      a.add(w3c('urn:x:name', 'Nikolai Nikiforov', 'person', 'tagging'));
      a.add(w3c('urn:x:claim', 'Russia and China signed a deal on software', 'Claim', 'assessing'));
    });
    // A passage the article repeats (5 paragraphs alike): the third one's name, by position.
    await page.evaluate(async () => {
      const a = document.getElementById('story').annotator;
      const text = (await a.exportFiles('brat')).files.find((f) => f.name.endsWith('.txt')).text;
      let at = -1;
      for (let i = 0; i < 3; i++) at = text.indexOf('Nikiforov said so.', at + 1);
      a.add({ id: 'urn:x:third', type: 'Annotation', body: { type: 'TextualBody', purpose: 'tagging', value: 'location' }, target: { selector: [{ type: 'TextPositionSelector', start: at, end: at + 9 }, { type: 'TextQuoteSelector', exact: 'Nikiforov' }] } });
    });
    await page.waitForFunction(() => document.getElementById('story').annotator.count === 3);
    await page.waitForFunction(() => aa.hl('location')?.size === 1);
    await page.waitForFunction(() => localStorage.getItem('article-annotator/v1/lazy-prepaint')?.includes('urn:x:claim') && localStorage.getItem('article-annotator/paint/v1/lazy-prepaint'));
    const painted = () => page.evaluate(() => [...CSS.highlights.keys()].filter((k) => k.startsWith('aa-pre')).sort().map((k) => [k.replace(/^aa-pre\d+-/, ''), [...CSS.highlights.get(k)].map((r) => r.toString().replace(/\s+/g, ' '))]));
    const styled = () => page.evaluate(() => document.adoptedStyleSheets.some((s) => [...s.cssRules].some((r) => r.cssText.includes('::highlight(aa-pre'))));

    // The next visit: both painted on the page's own text, and nothing of the widget fetched.
    await page.reload();
    await page.waitForFunction(() => [...CSS.highlights.keys()].some((k) => k.startsWith('aa-pre')));
    assert.deepEqual(await painted(page), [['claim', ['Russia and China signed a deal on software']], ['location', ['Nikiforov']], ['person', ['Nikolai Nikiforov']]]);
    assert.equal(await page.evaluate(() => [...document.querySelectorAll('p.again')].indexOf([...CSS.highlights].find(([k]) => /^aa-pre\d+-location$/.test(k))[1].values().next().value.startContainer.parentElement)), 2, 'the third of the five paragraphs alike: where its position points');
    assert.ok(await styled(), 'their style, with the names of this page');
    await page.waitForTimeout(500);
    assert.deepEqual(await fetchedWidget(page), [], 'no wasm, no glue');
    // The widget takes over once it has painted: the early highlights and their style go.
    await page.evaluate(() => document.getElementById('story').activate());
    await page.waitForFunction(() => aa.hl('person')?.size === 1 && aa.hl('claim')?.size === 1 && aa.hl('location')?.size === 1);
    await page.waitForFunction(() => ![...CSS.highlights.keys()].some((k) => k.startsWith('aa-pre')));
    assert.equal(await styled(), false);

    // The article was edited: the claim's text is gone, so only the name is painted.
    await page.goto(url + EDITED_PAGE);
    await page.waitForFunction(() => [...CSS.highlights.keys()].some((k) => k.startsWith('aa-pre')));
    assert.deepEqual(await painted(page), [['location', ['Nikiforov']], ['person', ['Nikolai Nikiforov']]]);
    assert.deepEqual(errors, []);
  }, { selector: '#story p' });
});

test('many stored annotations are painted early, all of them, a slice at a time', async () => {
  await withDemo(url + MANY_PAGE, async ({ page, errors }) => {
    // The first visit: one annotation on each paragraph's name, kept by the widget.
    await page.evaluate(() => document.getElementById('story').activate());
    await page.evaluate((n) => {
      const a = document.getElementById('story').annotator;
      a.load(Array.from({ length: n }, (_, i) => ({ id: `urn:x:${i}`, type: 'Annotation', body: { type: 'TextualBody', purpose: 'tagging', value: 'product' },
        target: { selector: { type: 'TextQuoteSelector', exact: `Item ${String(i).padStart(4, '0')}` } } })));
    }, MANY);
    await page.waitForFunction((n) => document.getElementById('story').annotator.count === n, MANY);
    await page.waitForFunction((n) => JSON.parse(localStorage.getItem('article-annotator/v1/lazy-many') || '{"a":[]}').a.length === n, MANY);
    await page.reload();
    await page.waitForFunction((n) => [...CSS.highlights].filter(([k]) => k.startsWith('aa-pre')).reduce((s, [, h]) => s + h.size, 0) === n, MANY, { timeout: 15_000 });
    assert.deepEqual(await fetchedWidget(page), [], 'no wasm');
    const sample = await page.evaluate(() => [...[...CSS.highlights].find(([k]) => k.startsWith('aa-pre'))[1]].slice(0, 3).map((r) => r.toString()));
    assert.ok(sample.every((t) => /^Item \d{4}$/.test(t)), JSON.stringify(sample));
    assert.deepEqual(errors, []);
  }, { selector: '#story p' });
});

test('the widget\'s fonts are opened in a frame of their own while it is fetched: a hidden probe beside the page\'s article, which moves nothing and is gone once the widget renders', async () => {
  const { context, close } = await launchFresh();
  try {
    const page = await context.newPage();
    // The widget's module is held back, so the page stays as it is between the two.
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route(/article_annotator_bg\.wasm$/, async (route) => { await held; await route.continue(); });
    await page.goto(url + FONTS_PAGE);
    const probe = () => page.evaluate(() => {
      const root = document.getElementById('later').shadowRoot;
      const p = root?.querySelector('.aa-font-probe');
      return p && { hidden: p.getAttribute('aria-hidden'), faces: [...p.children].map((s) => [s.style.fontFamily.replace(/"/g, ''), s.style.fontWeight, s.style.fontStyle]), slotted: root.querySelector('slot')?.assignedNodes().some((n) => n.textContent.includes('Kaspersky')), box: getComputedStyle(p).position + ' ' + getComputedStyle(p).visibility };
    });
    // One face a frame, seven in all.
    await page.waitForFunction(() => document.getElementById('later').shadowRoot?.querySelector('.aa-font-probe')?.children.length === 7);
    const before = await page.evaluate(() => JSON.stringify(document.querySelector('#later p').getBoundingClientRect()));
    const p = await probe();
    assert.equal(p.hidden, 'true');
    assert.equal(p.box, 'absolute hidden');
    assert.ok(p.slotted, 'the page\'s own article still shows, through the slot');
    // The faces of annotator.css: the article's (regular, bold, italic), the interface's (regular, 600, bold) and the keys'.
    const css = fs.readFileSync(path.join(ROOT, 'www', 'annotator.css'), 'utf8');
    const article = /--aa-font:\s*([^;]+);/.exec(css)[1].replace(/"/g, ''), ui = /--aa-ui-font:\s*([^;]+);/.exec(css)[1].replace(/"/g, ''), keys = /\.aa-root kbd \{\s*font: [^ ]+ ([^;]+);/.exec(css)[1].replace(/"/g, '');
    assert.deepEqual(p.faces, [[article, '400', 'normal'], [article, '700', 'normal'], [article, '400', 'italic'], [ui, '400', 'normal'], [ui, '600', 'normal'], [ui, '700', 'normal'], [keys, '400', 'normal']]);
    assert.equal(await page.evaluate(() => JSON.stringify(document.querySelector('#later p').getBoundingClientRect())), before, 'nothing moved');
    // The widget renders into the same shadow root: the probe is gone.
    release();
    await page.waitForFunction(() => document.getElementById('later').annotator?.paintedRevision !== undefined);
    assert.equal(await probe(), null);
  } finally {
    await close();
  }
});
