// End to end on the CMS demo page (www/cms-demo.html): the widget as a newsroom embeds it,
// as <article-annotator> elements over the CMS's own HTML, under a strict CSP and an
// aggressive site stylesheet, with a host script listening to its events.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchFresh, openDemo, mouseSelect, saveArtifact, painted, tapTag, phoneWidths } from './harness.mjs';

let server, url;
before(async () => ({ server, url } = await startServer()));
after(() => server.close());

const CMS = () => url + 'cms-demo.html';
const STORY = 0, NOTE = 1;

/** The canonical text of widget `i`: its block texts joined by "\n\n". */
const canonicalText = (page, i = STORY) => page.evaluate((i) =>
  aa.qa('.aa-article [data-block]', i).map((b) => b.textContent).join('\n\n'), i);

/** Host events of one type so far (from www/cms-demo.js). */
const hostEvents = (page, type, widget = 'story') => page.evaluate(([type, widget]) =>
  window.hostEvents.filter((e) => e.type === type && e.widget === widget).map((e) => e.detail), [type, widget]);

const selector = (detail, type) => detail.target.selector.find((s) => s.type === type);

async function openCms(context) {
  const opened = await openDemo(context, CMS(), '.aa-article [data-block]');
  await opened.page.waitForFunction(() => aa.hosts().length === 2);
  return opened;
}

async function pageIsClean(page, errors) {
  assert.deepEqual(errors, [], 'no console errors');
  assert.deepEqual(await page.evaluate(() => window.cspViolations), [], 'no Content-Security-Policy violations');
}

test('the CMS article is read through the allowlist: structure kept, offsets exact across its inline markup', async () => {
  const a = await launchFresh();
  try {
    const { page, errors } = await openCms(a.context);
    const text = await canonicalText(page);
    assert.ok(text.startsWith('Wary of the West, Russia and China Expand Trade in Computer Software\n\nBy The Moscow Times\n\nAugust 18, 2014'), text.slice(0, 120));
    assert.ok(text.includes('have called for \u201ca multilateral transparent model for managing crucial Internet resources,\u201d in'), 'a <q> keeps its quotation marks as text');
    const shape = await page.evaluate(() => ({
      headline: aa.q('h1.aa-headline')?.textContent,
      byline: aa.q('.aa-byline')?.textContent,
      image: aa.q('img.aa-image')?.getAttribute('src'),
      alt: aa.q('img.aa-image')?.alt,
      link: aa.q('.aa-article a[href^="https://en.wikipedia.org"]')?.rel,
      strong: aa.q('.aa-article strong')?.textContent,
      // Attributes the allowlist never reads never reach the page.
      inline: aa.qa('.aa-article [style], .aa-article [onerror], .aa-article [onclick], .aa-article script').length,
    }));
    assert.deepEqual(shape, {
      headline: 'Wary of the West, Russia and China Expand Trade in Computer Software',
      byline: 'By The Moscow Times',
      image: new URL('photo.svg', CMS()).href,
      alt: 'Server racks in a data centre (illustration)',
      link: 'noopener noreferrer',
      strong: 'Edward Snowden',
      inline: 0,
    });
    // The page's aggressive stylesheet does not reach inside the widget.
    const style = await page.evaluate(() => {
      const cs = (el) => getComputedStyle(el);
      const article = aa.q('.aa-article');
      return {
        transform: cs(article).textTransform,
        select: cs(article).userSelect,
        spacing: cs(article).letterSpacing,
        button: cs(aa.q('.aa-export')).backgroundColor,
        img: cs(aa.q('img.aa-image')).display,
      };
    });
    // (The export button takes the accent the host set through --aa-accent: #9f1239.)
    assert.deepEqual(style, { transform: 'none', select: 'text', spacing: 'normal', button: 'rgb(159, 18, 57)', img: 'block' });
    // And the widget's styles do not leak out: the page's own buttons and spans keep theirs.
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.kicker')).textTransform), 'uppercase');
    await pageIsClean(page, errors);
    await page.screenshot({ path: saveArtifact('cms-demo.png', ''), fullPage: false });
  } finally {
    await a.close();
  }
});

test('mouse and keyboard annotation on the CMS page; the host hears create, update and delete with W3C details', async () => {
  const a = await launchFresh();
  try {
    const { page, errors } = await openCms(a.context);
    const text = await canonicalText(page);
    // "Nikolai Nikiforov" is a link in the CMS's HTML: the span starts in plain text and
    // ends inside the link (a drag that starts on a link would drag the link instead).
    await mouseSelect(page, 'Minister Nikolai Nikiforov said', 'Minister Nikolai Nikiforov');
    await page.waitForSelector('.aa-toolbar');
    await page.keyboard.press('1');
    await page.waitForFunction(() => aa.hl('person')?.size === 1);
    const [created] = await hostEvents(page, 'annotation-create');
    assert.ok(created, 'annotation-create reached the host');
    const start = [...text.slice(0, text.indexOf('Minister Nikolai Nikiforov said'))].length;
    assert.deepEqual(selector(created, 'TextQuoteSelector').exact, 'Minister Nikolai Nikiforov');
    assert.deepEqual([selector(created, 'TextPositionSelector').start, selector(created, 'TextPositionSelector').end], [start, start + 26]);
    assert.equal(created.creator?.name, 'desk@ledger.example', 'the user attribute is the creator');
    assert.equal(created.type, 'Annotation');

    // Keyboard: focus the article, extend by words with Shift+arrows, press C for a claim.
    await page.evaluate(() => {
      const p = aa.qa('.aa-article p').find((x) => x.textContent.startsWith('Chinese lawmakers'));
      p.scrollIntoView({ block: 'center' });
      const sel = getSelection();
      sel.removeAllRanges();
      const r = document.createRange();
      r.setStart(p.firstChild, 0); r.collapse(true);
      sel.addRange(r);
      aa.q('.aa-article').focus({ preventScroll: true });
    });
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.up('Shift');
    await page.waitForSelector('.aa-toolbar');
    await page.keyboard.press('c');
    await page.waitForSelector('.aa-editor .aa-verdict');
    await page.waitForFunction(() => aa.hl('claim')?.size === 1);
    const claim = (await hostEvents(page, 'annotation-create'))[1];
    assert.equal(selector(claim, 'TextQuoteSelector').exact, 'Chinese lawmakers have');
    await page.selectOption('.aa-editor .aa-verdict', 'misleading');
    await page.waitForFunction(() => window.hostEvents.some((e) => e.type === 'annotation-update'));
    const [updated] = await hostEvents(page, 'annotation-update');
    assert.equal(updated.id, claim.id);
    assert.ok(JSON.stringify(updated.body).includes('misleading'), JSON.stringify(updated.body));
    await page.click('.aa-editor .aa-danger');
    await page.waitForFunction(() => window.hostEvents.some((e) => e.type === 'annotation-delete'));
    const [deleted] = await hostEvents(page, 'annotation-delete');
    assert.equal(deleted.id, claim.id, 'the delete carries the annotation as it was');
    const changes = await hostEvents(page, 'annotations-change');
    assert.ok(changes.length >= 4 && changes.at(-1).count === 1, JSON.stringify(changes.at(-1)));
    // The desk's log shows what the host received, as text.
    assert.match(await page.textContent('#desk-log'), /create: “Minister Nikolai Nikiforov”/);
    await pageIsClean(page, errors);
  } finally {
    await a.close();
  }
});

test('exportAs and importFrom round trip through the element\u2019s API; bad input throws without harm', async () => {
  const a = await launchFresh();
  try {
    const { page, errors } = await openCms(a.context);
    await mouseSelect(page, 'Edward Snowden');
    await page.keyboard.press('1');
    await mouseSelect(page, 'Kaspersky Lab');
    await page.keyboard.press('2');
    await page.waitForFunction(() => document.getElementById('story').annotator?.count === 2);
    const result = await page.evaluate(() => {
      const api = document.getElementById('story').annotator;
      const w3c = api.exportAs('w3c');
      const jsonl = api.exportAs('jsonl');
      const errors = [];
      for (const bad of [() => api.exportAs('docx'), () => api.importFrom('{not json'), () => api.add({ id: 'urn:x', target: {} }), () => api.remove('urn:nope')]) {
        try { bad(); errors.push(null); } catch (e) { errors.push(e instanceof Error ? e.message : String(e)); }
      }
      api.load([]);
      return { w3c, jsonl, errors, emptied: api.count };
    });
    assert.equal(result.emptied, 0);
    assert.ok(result.errors.every((e) => typeof e === 'string' && e.length > 0), JSON.stringify(result.errors));
    assert.match(result.errors[0], /unknown export format "docx"/);
    assert.equal(result.jsonl.trim().split('\n').length, 2);
    const report = await page.evaluate((text) => document.getElementById('story').annotator.importFrom(text), result.w3c);
    assert.deepEqual(report, { added: 2, updated: 0, unchanged: 0, orphaned: 0, otherDocuments: 0, errors: [] });
    await page.waitForFunction(() => document.getElementById('story').annotator.count === 2);
    await page.waitForFunction(() => aa.hl('person')?.size === 1 && aa.hl('organization')?.size === 1);
    const again = await page.evaluate(() => document.getElementById('story').annotator.exportAs('w3c'));
    assert.equal(again, result.w3c, 'export → import → export is stable');
    const twice = await page.evaluate((text) => document.getElementById('story').annotator.importFrom(text, 'jsonl'), result.jsonl);
    assert.deepEqual(twice, { added: 0, updated: 0, unchanged: 2, orphaned: 0, otherDocuments: 0, errors: [] }, 'importing again changes nothing');
    const partial = await page.evaluate(() => document.getElementById('story').annotator.importFrom('{"id":"urn:a","target":{"selector":{"type":"TextQuoteSelector","exact":"Microsoft"}},"body":{"type":"TextualBody","purpose":"tagging","value":"organization"}}\nnot json\n', 'jsonl'));
    assert.equal(partial.added, 1);
    assert.equal(partial.errors.length, 1);
    assert.match(partial.errors[0], /^line 2/);
    // A file of several documents: only the one that is this article is imported.
    // doccano is the formats part's: both calls return promises.
    const corpus = await page.evaluate(async () => {
      const api = document.getElementById('story').annotator;
      const line = (await api.exportAs('doccano')).trim();
      const other = (t) => JSON.stringify({ text: t, label: [[0, 5, 'PER']] });
      return await api.importFrom([other('Alice met Bob.'), line, other('Carol left.')].join('\n') + '\n', 'doccano');
    });
    assert.equal(corpus.otherDocuments, 2, JSON.stringify(corpus));
    assert.deepEqual([corpus.added, corpus.orphaned, corpus.unchanged], [0, 0, 3], 'the other documents are not scattered into this article');
    await pageIsClean(page, errors);
  } finally {
    await a.close();
  }
});

test('two widgets on one page keep apart: own schema, keys, highlights, storage and events; read-only on demand', async () => {
  const a = await launchFresh();
  try {
    const { page, errors } = await openCms(a.context);
    const legend = await page.evaluate(() => aa.qa('.aa-legend li', 1).map((li) => li.textContent));
    assert.deepEqual(legend, ['Source' + 's', 'Figure' + 'f', 'Claim' + 'C'], 'labels and their keys');
    // The note sits in a narrow sidebar: its header's buttons wrap inside it.
    const past = await page.evaluate(() => [0, 1].map((i) => {
      const edge = aa.q('.aa-root', i).getBoundingClientRect().right;
      return aa.qa('.aa-header button', i).filter((b) => b.getBoundingClientRect().right > edge + 0.5).map((b) => b.textContent);
    }));
    assert.deepEqual(past, [[], []], 'no header button reaches past its widget');
    await mouseSelect(page, 'Reuters', 'Reuters', NOTE);
    await page.waitForSelector('.aa-toolbar');
    await page.keyboard.press('s');
    await page.waitForFunction(() => aa.hl('source', 1)?.size === 1);
    assert.deepEqual(await painted(page, 'source', NOTE), ['Reuters']);
    assert.equal((await hostEvents(page, 'annotation-create', 'note')).length, 1);
    assert.equal((await hostEvents(page, 'annotation-create', 'story')).length, 0, 'the story heard nothing');
    assert.equal(await page.evaluate(() => document.getElementById('story').annotator.count), 0);
    const prefixes = await page.evaluate(() => [0, 1].map((i) => aa.q('.aa-root', i).dataset.highlights));
    assert.notEqual(prefixes[0], prefixes[1]);
    // storage="none" on the note: nothing of it in localStorage.
    await page.evaluate(() => window.dispatchEvent(new Event('pagehide')));
    const keys = await page.evaluate(() => Object.keys(localStorage));
    assert.ok(!keys.some((k) => k.includes('ledger-editors-note')), JSON.stringify(keys));

    // The note's schema also names its verdicts: the claim editor offers those.
    await mouseSelect(page, 'had not been notified of the decision', 'had not been notified of the decision', NOTE);
    await page.keyboard.press('c');
    await page.waitForFunction(() => aa.q('.aa-editor .aa-verdict', 1));
    const verdicts = await page.evaluate(() => [...aa.q('.aa-editor .aa-verdict', 1).options].map((o) => o.textContent));
    assert.deepEqual(verdicts, ['Unverified', 'Confirmed', 'Wrong']);

    // Read-only: the host flips the attribute; the widget remounts for readers.
    await page.evaluate(() => document.getElementById('note').setAttribute('read-only', ''));
    await page.waitForFunction(() => aa.q('.aa-readonly-badge', 1));
    const ui = await page.evaluate(() => ({ undo: aa.qa('.aa-actions button', 1).map((b) => b.textContent) }));
    assert.deepEqual(ui.undo, ['Export', '▾'], 'no undo, redo or import; every export stays');
    const before = await page.evaluate(() => document.getElementById('note').annotator.count);
    await mouseSelect(page, 'Kaspersky Lab', 'Kaspersky Lab', NOTE);
    await page.keyboard.press('s');
    // A barrier instead of a fixed wait: the API (which still writes in read-only mode)
    // adds one annotation; once it is painted, the gesture and the key before it have
    // been handled too, so what they did not do, they will not do.
    await page.evaluate(() => document.getElementById('note').annotator.add({
      id: 'urn:x:barrier', type: 'Annotation',
      body: { type: 'TextualBody', purpose: 'tagging', value: 'source' },
      target: { selector: { type: 'TextQuoteSelector', exact: 'Kaspersky Lab' } },
    }));
    await page.waitForFunction(() => (aa.hl('source', 1)?.size ?? 0) >= 1);
    assert.equal(await page.evaluate(() => aa.q('.aa-toolbar', 1)), null, 'no toolbar in read-only mode');
    assert.equal(await page.evaluate(() => aa.hl('source', 1)?.size ?? 0), 1, 'the key tagged nothing: only the API\'s annotation');
    assert.equal(await page.evaluate(() => document.getElementById('note').annotator.count), before + 1);
    await pageIsClean(page, errors);
  } finally {
    await a.close();
  }
});

test('phone-sized CMS page with touch: tag by long-press selection and a tap; panel and page fit 390 px', async () => {
  const a = await launchFresh({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  try {
    const { page, errors } = await openCms(a.context);
    await page.evaluate(() => {
      const p = aa.qa('.aa-article p').find((x) => x.textContent.includes('Kaspersky Lab'));
      const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const i = n.data.indexOf('Kaspersky Lab');
        if (i < 0) continue;
        p.scrollIntoView({ block: 'center' });
        const r = document.createRange();
        r.setStart(n, i + 1); r.setEnd(n, i + 11);
        getSelection().removeAllRanges(); getSelection().addRange(r);
        return;
      }
    });
    await tapTag(page, 'organization');
    await page.waitForFunction(() => aa.hl('organization')?.size === 1);
    assert.deepEqual(await painted(page, 'organization'), ['Kaspersky Lab']);
    const widths = await phoneWidths(page);
    assert.ok(widths.panel <= 390 && widths.page <= 390, JSON.stringify(widths));
    await page.screenshot({ path: saveArtifact('cms-phone.png', '') });
    await pageIsClean(page, errors);
  } finally {
    await a.close();
  }
});

test('starting the widgets moves nothing of the page but what they grow (CLS at most 0.01), and never shows one half-started', async () => {
  const { context, close } = await launchFresh();
  try {
    const page = context.pages()[0];
    await page.addInitScript(() => {
      window.__shifts = [];
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) if (!e.hadRecentInput) window.__shifts.push({ value: e.value, nodes: (e.sources || []).map((s) => s.node?.nodeName ?? '(shadow)') });
      }).observe({ type: 'layout-shift', buffered: true });
      // Every frame while starting: a widget's shadow root is either the page's own
      // content (a slot) or the whole widget, never an empty or half-rendered one.
      window.__frames = [];
      const tick = () => {
        for (const el of document.querySelectorAll('article-annotator')) {
          const root = el.shadowRoot;
          if (!root) continue;
          // Only a slot (after mount, before the render's task), or the widget laid out
          // unseen over the slot: the page's own content shows.
          const shown = !!root.querySelector('.aa-shell:not(.aa-shell-waiting)');
          const blocks = root.querySelectorAll('.aa-article [data-block]').length;
          if (shown && blocks === 0) window.__frames.push(`${el.id}: shown with no article`);
          if (!shown && !root.querySelector('slot')) window.__frames.push(`${el.id}: neither the page's content nor the widget`);
          if (root.querySelector('.aa-shell-waiting')) window.__unseen = (window.__unseen ?? 0) + 1;
          // Laid out unseen for a frame before it shows: painted only once shown.
          if (!shown && el.annotator?.paintedRevision !== undefined) window.__frames.push(`${el.id}: paintedRevision before it shows`);
        }
        if (performance.now() < 5000) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const { errors } = await openDemo(context, CMS());
    await page.waitForFunction(() => [...document.querySelectorAll('article-annotator')].every((el) => el.annotator && el.annotator.paintedRevision !== undefined));
    await page.waitForTimeout(1500);
    const { shifts, frames, unseen } = await page.evaluate(() => ({ shifts: window.__shifts, frames: window.__frames, unseen: window.__unseen }));
    assert.ok(unseen >= 1, 'a frame saw a widget laid out unseen, before its reveal');
    const cls = shifts.reduce((s, e) => s + e.value, 0);
    assert.ok(cls <= 0.01, `CLS ${cls.toFixed(4)}: ${JSON.stringify(shifts)}`);
    assert.deepEqual(frames, []);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('the first widget\'s start is rehearsed unseen: a stage out of the flow, inert, never painted, gone before the widget shows, nothing of it left', async () => {
  const { context, close } = await launchFresh();
  try {
    const page = context.pages()[0];
    await page.addInitScript(() => {
      // Every element added to or removed from a widget's shadow root that is `inert`
      // (the rehearsal's stage), and what each frame saw of it.
      window.__stages = [];
      window.__stageFrames = [];
      const attach = Element.prototype.attachShadow;
      Element.prototype.attachShadow = function (init) {
        const root = attach.call(this, init);
        const host = this;
        new MutationObserver((records) => {
          for (const r of records) {
            for (const n of r.addedNodes) {
              if (n.nodeType !== 1 || !n.hasAttribute('inert')) continue;
              const cs = getComputedStyle(n);
              window.__stages.push({ host: host.id, ariaHidden: n.getAttribute('aria-hidden'), position: cs.position, height: n.getBoundingClientRect().height, overflow: cs.overflow, width: n.getBoundingClientRect().width, hostWidth: host.getBoundingClientRect().width, removed: null });
            }
            for (const n of r.removedNodes) {
              if (n.nodeType !== 1 || !n.hasAttribute('inert')) continue;
              const s = window.__stages.find((x) => x.host === host.id && x.removed === null);
              if (s) s.removed = { widgetShown: !!root.querySelector('.aa-shell:not(.aa-shell-waiting)') };
            }
          }
        }).observe(root, { childList: true });
        return root;
      };
      const tick = () => {
        for (const el of document.querySelectorAll('article-annotator')) {
          const stage = el.shadowRoot?.querySelector('[inert]');
          const inner = stage?.shadowRoot?.querySelector('.aa-root');
          if (!inner) continue;
          const shown = ['.aa-header', '.aa-panel', '.aa-article'].filter((s) => { const e = inner.querySelector(s); return e && getComputedStyle(e).display !== 'none'; });
          window.__stageFrames.push({ host: el.id, width: inner.getBoundingClientRect().width, shown });
        }
        if (performance.now() < 6000) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const { errors } = await openDemo(context, CMS());
    await page.waitForFunction(() => [...document.querySelectorAll('article-annotator')].every((el) => el.annotator && el.annotator.paintedRevision !== undefined));
    const r = await page.evaluate(() => {
      const roots = [...document.querySelectorAll('article-annotator')].map((el) => el.shadowRoot);
      const prefixes = roots.map((root) => root.querySelector('.aa-root').dataset.highlights);
      return {
        stages: window.__stages,
        frames: window.__stageFrames,
        left: roots.map((root) => root.querySelectorAll('[inert]').length),
        rehearsalText: roots.some((root) => root.textContent.includes('Anna Berg')) || document.body.textContent.includes('Anna Berg'),
        strayHighlights: [...CSS.highlights.keys()].filter((k) => !prefixes.some((p) => k.startsWith(p)) && !k.startsWith('aa-pre')),
        storageKeys: Object.keys(localStorage).filter((k) => k.endsWith('/')),
      };
    });
    // One stage, in the first widget's shadow root: out of the flow, without height,
    // clipped, inert and hidden from assistive technology, as wide as the widget.
    assert.equal(r.stages.length, 1, JSON.stringify(r.stages));
    const [stage] = r.stages;
    assert.equal(stage.host, 'story');
    assert.equal(stage.ariaHidden, 'true');
    assert.equal(stage.position, 'absolute');
    assert.equal(stage.height, 0);
    assert.equal(stage.overflow, 'hidden');
    assert.ok(Math.abs(stage.width - stage.hostWidth) < 1, `the stage is as wide as the host: ${stage.width} against ${stage.hostWidth}`);
    // Laid out at the widget's width, its header, panel and article shown one after another.
    assert.ok(r.frames.length >= 2, JSON.stringify(r.frames));
    assert.ok(r.frames.every((f) => f.width > 0));
    assert.deepEqual(r.frames.at(-1).shown, ['.aa-header', '.aa-panel', '.aa-article']);
    assert.ok(r.frames.some((f) => f.shown.length < 3), 'the parts come a frame at a time');
    // Gone before the widget showed, and nothing of it left: no stage, no text, no
    // highlights but the widgets', nothing stored.
    assert.deepEqual(stage.removed, { widgetShown: false });
    assert.deepEqual(r.left, [0, 0]);
    assert.equal(r.rehearsalText, false);
    assert.deepEqual(r.strayHighlights, []);
    assert.deepEqual(r.storageKeys, []);
    await pageIsClean(page, errors);
  } finally {
    await close();
  }
});
