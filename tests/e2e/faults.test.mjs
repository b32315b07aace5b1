// Storage faults, each in real headless Chromium against the served demo (issue 6):
// blocked storage, corrupt and newer stored data, two tabs, huge and malformed imports,
// a tab closed mid-edit, and the article replaced under the widget. (Full storage is in
// demo.test.mjs.) In every case the reader keeps their annotations and can export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, launchFresh, openDemo, mouseSelect, saveArtifact, painted, installHelpers, exportFile, withDemo } from './harness.mjs';

let server, url;
before(async () => ({ server, url } = await startServer()));
after(() => server.close());

const KEY = 'article-annotator/v1/moscow-times-2014-08-18';
const notice = (page) => page.evaluate(() => aa.q('.aa-notice')?.textContent || '');
/** Puts `text` in storage as the saved annotations, reloads, and waits for `selector`. */
async function reloadWithStored(page, text, selector) {
  await page.evaluate(([k, v]) => localStorage.setItem(k, v), [KEY, text]);
  await page.reload();
  await page.waitForSelector(selector);
}
/** What the backup keys hold, sorted. */
const backups = (page) => page.evaluate((k) => Object.keys(localStorage).filter((x) => x.startsWith(k + '/corrupt/')).map((x) => localStorage.getItem(x)).sort(), KEY);

/** Tags `text` with entity key `key` by mouse and keyboard. */
async function tag(page, text, key) {
  await mouseSelect(page, text);
  await page.keyboard.press(key);
  await page.waitForFunction((t) => [...(aa.hl('person') || []), ...(aa.hl('organization') || []), ...(aa.hl('location') || [])].some((r) => r.toString() === t), text);
}

/** A W3C entity annotation the JS API takes. */
const entity = (id, exact, type) => ({
  id, type: 'Annotation', motivation: 'tagging',
  body: [{ type: 'TextualBody', purpose: 'tagging', value: type }],
  target: { selector: [{ type: 'TextQuoteSelector', exact }] },
});

test('storage blocked (access throws, as in a sandboxed iframe): works in memory, says so, exports', async () => {
  const a = await launchFresh();
  try {
    const page = a.context.pages()[0] || await a.context.newPage();
    await page.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('The operation is insecure.', 'SecurityError'); } });
    });
    const { errors } = await openDemo(a.context, url);
    assert.match(await notice(page), /storage can't be used .*kept in this tab only: export them/i);
    await tag(page, 'Edward Snowden', '1');
    assert.equal(JSON.parse((await exportFile(page)).text).total, 1);
    assert.deepEqual(errors, []);
  } finally {
    await a.close();
  }
});

test('corrupt stored data: never overwritten, moved to a backup key, reported, downloadable as it was', async () => {
  await withDemo(url, async ({ page, errors }) => {
    const damaged = '{"v":2,"doc":"moscow-times-2014-08-18","a":[{"id":"urn:x", TRUNCATED';
    await reloadWithStored(page, damaged, '.aa-notice.aa-error');
    assert.match(await notice(page), /Saved annotations were damaged .*kept unchanged under the storage key "article-annotator\/v1\/moscow-times-2014-08-18\/corrupt\/\d+"/);
    await page.screenshot({ path: saveArtifact('corrupt-notice.png', ''), clip: { x: 0, y: 0, width: 1280, height: 260 } });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.aa-notice-download')]);
    assert.equal(download.suggestedFilename(), 'moscow-times-2014-08-18.damaged-annotations.json');
    assert.equal(fs.readFileSync(await download.path(), 'utf8'), damaged, 'the damaged data exactly as it was');
    assert.deepEqual(await backups(page), [damaged]);
    // New work saves under the main key; the backup stays.
    await tag(page, 'Kaspersky Lab', '2');
    await page.waitForFunction((k) => /Kaspersky Lab/.test(localStorage.getItem(k) || ''), KEY);
    assert.equal((await backups(page)).length, 1);
    // Damaged mid-session by something else: backed up too before this tab saves over it.
    await page.evaluate((k) => localStorage.setItem(k, 'garbage written by another script'), KEY);
    await tag(page, 'Edward Snowden', '1');
    await page.waitForFunction((k) => /Edward Snowden/.test(localStorage.getItem(k) || ''), KEY);
    assert.deepEqual(await backups(page), [damaged, 'garbage written by another script'].sort());
    assert.match(await page.evaluate((k) => localStorage.getItem(k), KEY), /Kaspersky Lab/, 'the tab\u2019s own annotations saved in their place');
    assert.deepEqual(errors, []);
  });
});

test('data from a newer version: left untouched, a clear message; work continues in the tab and exports', async () => {
  await withDemo(url, async ({ page, errors }) => {
    const newer = '{"v":9,"doc":"moscow-times-2014-08-18","a":[],"future":true}';
    await reloadWithStored(page, newer, '.aa-notice.aa-warning');
    assert.match(await notice(page), /newer version of this tool \(format 9\)\. They are left untouched/);
    await tag(page, 'Edward Snowden', '1');
    await page.waitForTimeout(700); // past the save delay
    await page.evaluate(() => window.dispatchEvent(new Event('pagehide')));
    assert.equal(await page.evaluate((k) => localStorage.getItem(k), KEY), newer, 'never overwritten');
    assert.equal(JSON.parse((await exportFile(page)).text).total, 1);
    assert.deepEqual(errors, []);
  });
});

test('two tabs on one document: edits appear in the other; concurrent edits merge; deletions follow', async () => {
  const a = await launchFresh();
  try {
    const { page: one, errors } = await openDemo(a.context, url);
    const two = await a.context.newPage();
    await two.addInitScript(installHelpers);
    const errors2 = [];
    two.on('console', (m) => { if (m.type() === 'error') errors2.push(m.text()); });
    await two.goto(url);
    await two.waitForSelector('.aa-article [data-block]');
    // An edit in one tab appears in the other.
    await tag(one, 'Edward Snowden', '1');
    await two.waitForFunction(() => [...(aa.hl('person') || [])].some((r) => r.toString() === 'Edward Snowden'));
    assert.match(await notice(two), /Updated from another tab: 1 annotation changed/);
    // Both tabs add at once, before either has saved: both additions survive in both.
    await Promise.all([
      one.evaluate((a) => window.annotator.add(a), entity('urn:t:kaspersky', 'Kaspersky Lab', 'organization')),
      two.evaluate((a) => window.annotator.add(a), entity('urn:t:microsoft', 'Microsoft', 'organization')),
    ]);
    for (const p of [one, two]) {
      await p.waitForFunction(() => window.annotator.count === 3);
      assert.deepEqual(await painted(p, 'aa-organization'), ['Kaspersky Lab', 'Microsoft']);
    }
    // A deletion in one tab is followed in the other (kept as a tombstone until then).
    await two.evaluate(() => window.annotator.remove('urn:t:kaspersky'));
    await one.waitForFunction(() => window.annotator.count === 2);
    assert.deepEqual(await painted(one, 'aa-organization'), ['Microsoft']);
    const saved = await one.evaluate((k) => JSON.parse(localStorage.getItem(k)), KEY);
    assert.equal(saved.v, 2);
    assert.deepEqual(saved.del.map((d) => d[0]), ['urn:t:kaspersky']);
    assert.deepEqual([...errors, ...errors2], []);
  } finally {
    await a.close();
  }
});

test('a 50 MB import is refused at once and a malformed one cleanly; nothing is lost and the tab stays responsive', async () => {
  await withDemo(url, async ({ page, errors }) => {
    await tag(page, 'Edward Snowden', '1');
    const big = saveArtifact('big.jsonld', Buffer.alloc(50 * 1000 * 1000, 'x'));
    const started = Date.now();
    await page.setInputFiles('.aa-file', big);
    await page.waitForFunction(() => /more than the 25 MB/.test(aa.q('.aa-notice')?.textContent || ''));
    assert.ok(Date.now() - started < 5000, 'refused without reading it');
    assert.match(await notice(page), /big\.jsonld is 50 MB.*Nothing was changed/);
    const broken = saveArtifact('broken.jsonld', '{"type":"AnnotationCollection","first":{"items":[' + '{"id":"urn:a","target":'.repeat(20000));
    await page.setInputFiles('.aa-file', broken);
    await page.waitForFunction(() => /Could not import broken\.jsonld: not JSON/.test(aa.q('.aa-notice')?.textContent || ''));
    assert.equal(await page.evaluate(() => window.annotator.count), 1);
    assert.deepEqual(await painted(page, 'aa-person'), ['Edward Snowden']);
    // Still working: the next gesture tags as before.
    await tag(page, 'Kaspersky Lab', '2');
    await page.waitForFunction(() => window.annotator.count === 2);
    assert.deepEqual(await painted(page, 'aa-organization'), ['Kaspersky Lab']);
    fs.rmSync(big);
    assert.deepEqual(errors, []);
  });
});

test('the tab closed right after an edit: the edit is on disk (flushed on pagehide)', async () => {
  const a = await launchFresh();
  try {
    const { page } = await openDemo(a.context, url);
    const next = await a.context.newPage(); // the browser stays open when the tab closes
    await mouseSelect(page, 'Kaspersky Lab');
    await page.keyboard.press('2');
    await page.close({ runBeforeUnload: true }); // well within the 300 ms save delay
    const errors = [];
    next.on('pageerror', (e) => errors.push(String(e)));
    await next.addInitScript(installHelpers);
    await next.goto(url);
    await next.waitForFunction(() => (aa.hl('organization')?.size || 0) === 1);
    assert.deepEqual(await painted(next, 'aa-organization'), ['Kaspersky Lab']);
    assert.deepEqual(errors, []);
  } finally {
    await a.close();
  }
});

test('the article replaced under the widget (same document id, new text): re-anchored, lost spans listed as orphans', async () => {
  await withDemo(url, async ({ page, errors }) => {
    await tag(page, 'Edward Snowden', '1');
    await tag(page, 'Kaspersky Lab', '2');
    await tag(page, 'Nikolai Nikiforov said', '1');
    await page.waitForFunction((k) => /Nikolai Nikiforov said/.test(localStorage.getItem(k) || ''), KEY);
    // The CMS publishes a corrected article: a note on top, a name and a company removed.
    await page.evaluate(async () => {
      const { mount, loadFormats } = await import('./pkg/article_annotator.js');
      await loadFormats();
      const text = await (await fetch('sample-article.md')).text();
      const edited = text
        .replace('As Russia', "Correction: an earlier version misstated the minister's title.\n\nAs Russia")
        .replace('Minister Nikolai Nikiforov said Monday', 'Minister said on Monday')
        .replace('Kaspersky Lab', 'a Russian company');
      window.annotator.destroy();
      window.annotator = mount(document.getElementById('annotator'), { documentId: 'moscow-times-2014-08-18', article: { format: 'markdown', content: edited } });
    });
    await page.waitForFunction(() => aa.q('.aa-article [data-block]') && /Correction/.test(aa.q('.aa-article').textContent));
    assert.match(await notice(page), /article has changed since your last visit: 2 annotation\(s\) could not be placed/);
    assert.deepEqual(await painted(page, 'aa-person'), ['Edward Snowden']);
    const orphans = await page.$$eval('.aa-orphans .aa-entry-quote', (els) => els.map((e) => e.textContent));
    assert.deepEqual(orphans.sort(), ['Kaspersky Lab', 'Nikolai Nikiforov said']);
    // Orphans stay in exports.
    const exported = JSON.parse(await page.evaluate(() => window.annotator.exportAs('w3c')));
    assert.equal(exported.total, 3);
    // The reader re-attaches one: open it, select its new text, press Attach.
    await page.click('.aa-orphans .aa-entry:has-text("Kaspersky Lab")');
    await page.waitForSelector('.aa-editor .aa-attach[disabled]');
    await mouseSelect(page, 'a Russian company');
    await page.waitForSelector('.aa-editor .aa-attach:not([disabled])');
    assert.match(await page.textContent('.aa-attach'), /Attach to “a Russian company”/);
    await page.screenshot({ path: saveArtifact('orphan-attach.png', '') });
    await page.click('.aa-attach');
    await page.waitForFunction(() => [...(aa.hl('organization') || [])].some((r) => r.toString() === 'a Russian company'));
    assert.deepEqual(await page.$$eval('.aa-orphans .aa-entry-quote', (els) => els.map((e) => e.textContent)), ['Nikolai Nikiforov said']);
    // One undo step puts it back among the orphans.
    await page.keyboard.press('Control+z');
    await page.waitForFunction(() => aa.qa('.aa-orphans .aa-entry').length === 2);
    assert.deepEqual(errors, []);
  });
});
