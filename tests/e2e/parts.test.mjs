// The formats part (issue 18): the Markdown reader and every file format but W3C and
// JSON Lines are a second wasm module, fetched on first use. A page with an HTML article
// never fetches it; a call that needs it works on the first try; every export through it
// is byte for byte the golden file the native tests keep; a failed fetch is a clear error
// that leaves the widget working, and the next call tries again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, withDemo, ROOT } from './harness.mjs';

const PAGE = 'parts-e2e.html';
const GOLDEN = path.join(ROOT, 'tests', 'fixtures', 'golden');
let server, url;
before(async () => {
  ({ server, url } = await startServer());
  // An HTML article, as a CMS gives it; `window.ready` once the widget is up.
  fs.writeFileSync(path.join(ROOT, 'dist', PAGE), `<!doctype html><html lang="en"><meta charset="utf-8"><title>parts</title>
    <link rel="icon" href="favicon.svg" type="image/svg+xml">
    <div id="host"><h1>Minister speaks</h1><p>Communications Minister Nikolai Nikiforov said on Monday that Kaspersky Lab would stay.</p></div>
    <script type="module">
      import init, { mount } from './pkg/article_annotator.js';
      await init();
      window.annotator = mount(document.getElementById('host'), { documentId: 'parts-e2e', storage: 'none' });
      window.ready = true;
    </script>`);
});
after(() => {
  fs.rmSync(path.join(ROOT, 'dist', PAGE), { force: true });
  server.close();
});

const partFetches = (page) => page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => /article_annotator_formats/.test(n)));

/** Runs `fn` on this test's page once its widget is up (a fresh browser profile). */
const onPage = (fn) => withDemo(url + PAGE, fn);
/** An entity annotation on `exact`, as the JS API takes it. */
const tag = (id, exact, value) => ({ id, type: 'Annotation', body: { type: 'TextualBody', purpose: 'tagging', value }, target: { selector: { type: 'TextQuoteSelector', exact } } });

test('an HTML article never fetches the formats part; the first call that needs it fetches it once and works', async () => {
  await onPage(async ({ page, errors, context }) => {
    await page.evaluate((a) => window.annotator.add(a), tag('urn:x:1', 'Nikolai Nikiforov', 'person'));
    assert.match(await page.evaluate(() => window.annotator.exportAs('w3c')), /Nikolai Nikiforov/, 'W3C is the first module\'s');
    assert.deepEqual(await partFetches(page), [], 'nothing of the formats part before it is needed');
    // Two calls at once: one fetch of each of the part's files.
    const [doccano, spacy] = await page.evaluate(() => Promise.all([window.annotator.exportAs('doccano'), window.annotator.exportAs('spacy')]));
    assert.match(doccano, /"label":\[\[\d+,\d+,"Person"\]\]/);
    assert.match(spacy, /"spans":\[\{"start":41,"end":58,"label":"Person"/);
    const fetched = await partFetches(page);
    assert.equal(fetched.filter((n) => n.endsWith('article_annotator_formats.js')).length, 1, fetched.join('\n'));
    assert.equal(fetched.filter((n) => n.endsWith('article_annotator_formats_bg.wasm')).length, 1, fetched.join('\n'));
    // An import by the part merges, as W3C's does.
    const report = await page.evaluate((text) => window.annotator.importFrom(text), doccano.replace('"Person"', '"Organization"'));
    assert.equal(report.updated + report.added, 1, JSON.stringify(report));
    assert.deepEqual(errors, []);
  });
});

test('a failed fetch of the part is a clear error, the widget keeps working, and the next call tries again', async () => {
  await onPage(async ({ page, errors, context }) => {
    await context.route(/article_annotator_formats/, (route) => route.abort('internetdisconnected'));
    const failed = await page.evaluate(() => window.annotator.exportAs('brat').then(() => 'resolved', (e) => e.message));
    assert.match(failed, /the formats part \(.*article_annotator_formats\.js\) could not be loaded/);
    assert.match(failed, /W3C JSON-LD and JSON Lines still export and import/);
    // The widget still works: an add, and W3C exports.
    await page.evaluate((a) => window.annotator.add(a), tag('urn:x:2', 'Kaspersky Lab', 'organization'));
    assert.equal(await page.evaluate(() => window.annotator.count), 1);
    assert.match(await page.evaluate(() => window.annotator.exportAs('jsonl')), /Kaspersky Lab/);
    // The export menu says so in a notice, and downloads nothing.
    await page.click('.aa-export-more');
    await page.click('.aa-menu [data-format=conll]');
    await page.waitForFunction(() => /Could not export CoNLL.*could not be loaded/.test(aa.q('.aa-notice')?.textContent || ''));
    // A doccano file chosen for import: the same, and nothing changes.
    await page.setInputFiles('.aa-file', { name: 'x.doccano.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from('{"text":"Kaspersky Lab","label":[[0,13,"ORG"]]}\n') });
    await page.waitForFunction(() => /Could not import x\.doccano\.jsonl: the formats part .* could not be loaded.*Nothing was changed\./.test(aa.q('.aa-notice')?.textContent || ''));
    assert.equal(await page.evaluate(() => window.annotator.count), 1);
    await context.unroute(/article_annotator_formats/);
    // Once the part can be fetched, the same click downloads.
    await page.click('.aa-export-more');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.aa-menu [data-format=conll]')]);
    assert.equal(download.suggestedFilename(), 'parts-e2e.conll');
    const brat = await page.evaluate(() => window.annotator.exportAs('brat'));
    assert.match(brat, /^T1\tOrganization 79 92\tKaspersky Lab$/m);
    assert.deepEqual(errors.filter((e) => !/^Failed to load resource/.test(e)), [], 'nothing but the blocked fetches');
  });
});

test('a Markdown article needs the part loaded first, and says so', async () => {
  await onPage(async ({ page }) => {
    const message = await page.evaluate(async () => {
      const { mount } = await import('./pkg/article_annotator.js');
      const el = document.createElement('div');
      document.body.append(el);
      try { mount(el, { storage: 'none', article: { format: 'markdown', content: '# Title\n\nText.' } }); return 'mounted'; } catch (e) { return e.message; }
    });
    assert.match(message, /Markdown article needs the formats part.*await loadFormats\(\)/);
  });
});

test('every export through the part is byte for byte the golden file', async () => {
  await onPage(async ({ page, errors, context }) => {
    const collection = JSON.parse(fs.readFileSync(path.join(GOLDEN, 'test-doc.annotations.jsonld'), 'utf8'));
    // The golden files' session: the sample article as `test-doc`, its annotations read
    // from the golden W3C file (which carries everything).
    const out = await page.evaluate(async (collection) => {
      const { mount, loadFormats } = await import('./pkg/article_annotator.js');
      await loadFormats();
      const content = await (await fetch('sample-article.md')).text();
      const el = document.createElement('div');
      document.body.append(el);
      const api = mount(el, { documentId: 'test-doc', storage: 'none', article: { format: 'markdown', content }, annotations: collection });
      const files = {};
      for (const f of ['w3c', 'jsonl', 'brat', 'conll', 'doccano', 'doccano-relations', 'label-studio', 'spacy', 'claimreview', 'csv']) {
        for (const file of (await api.exportFiles(f)).files) files[file.name] = file.text;
      }
      return files;
    }, collection);
    const golden = fs.readdirSync(GOLDEN);
    for (const name of golden) {
      assert.ok(name in out, `${name} was exported (got ${Object.keys(out).join(', ')})`);
      assert.ok(out[name] === fs.readFileSync(path.join(GOLDEN, name), 'utf8'), `${name} is byte for byte the golden file`);
    }
    assert.equal(Object.keys(out).filter((n) => !golden.includes(n)).join(), 'test-doc.txt', 'nothing else but the brat text');
    assert.deepEqual(errors, []);
  });
});
