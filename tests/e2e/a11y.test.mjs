// Automated accessibility: axe-core (the npm package, pinned in package-lock.json, run
// in the page through the DevTools protocol, so the pages' CSP does not stop it) checks
// the WCAG 2.0, 2.1 and 2.2 A and AA rules on the demo, the demo with the editor open,
// the demo with other mentions suggested, an entity open in the editor, the CMS page, a read-only widget and a widget waiting for an interaction. Each must
// have no violation; a failure lists the rule, its help and the first nodes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, withDemo, mouseSelect, saveArtifact, ROOT } from './harness.mjs';

const AXE = fs.readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const PAGE = 'a11y-e2e.html';

let server, url;
before(async () => {
  ({ server, url } = await startServer());
  fs.writeFileSync(path.join(ROOT, 'dist', PAGE), `<!doctype html><html lang="en"><meta charset="utf-8"><title>Accessibility check</title>
    <link rel="icon" href="favicon.svg" type="image/svg+xml">
    <script type="module" src="pkg/element.js"></script>
    <main>
      <h1>Two widgets</h1>
      <article-annotator id="ro" document-id="a11y-ro" storage="none" read-only><p>Nikolai Nikiforov said on Monday that the ban would stay.</p></article-annotator>
      <article-annotator id="wait" document-id="a11y-wait" storage="none" loading="interaction"><p>Russia and China signed a deal.</p></article-annotator>
    </main>`);
});
after(() => { fs.rmSync(path.join(ROOT, 'dist', PAGE), { force: true }); server.close(); });

async function violations(page) {
  await page.evaluate(AXE);
  return page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help}; ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' > ')}`).join(' | ')}`);
  }, TAGS);
}

test('axe-core: no WCAG 2.x A/AA violation on the demo, with the editor open, and on the CMS page', async () => {
  await withDemo(url, async ({ page }) => {
    assert.deepEqual(await violations(page), [], 'the demo');
    await mouseSelect(page, 'Nikolai Nikiforov');
    await page.keyboard.press('c');
    await page.waitForFunction(() => !!aa.q('.aa-editor'));
    assert.deepEqual(await violations(page), [], 'the editor open on a claim');
    await page.keyboard.press('Escape');
    // The suggestions state: a name tagged, its other mentions offered, one under the cursor.
    await mouseSelect(page, 'Russia');
    await page.keyboard.press('3');
    await page.waitForFunction(() => aa.qa('.aa-suggestion').length > 0);
    await page.evaluate(() => aa.q('.aa-article').focus());
    await page.keyboard.press('}');
    await page.waitForFunction(() => !!aa.q('.aa-suggestion.aa-current'));
    assert.deepEqual(await violations(page), [], 'other mentions suggested');
    saveArtifact('suggestions.png', await page.screenshot());
    // An entity of several mentions, listed, and open in the editor with a bad link typed.
    await page.evaluate(() => aa.q('.aa-accept-all').click());
    await page.waitForFunction(() => !!aa.q('.aa-entity-row'));
    await page.evaluate(() => aa.q('.aa-entity-row').click());
    await page.waitForFunction(() => !!aa.q('.aa-editor .aa-kb-input'));
    await page.evaluate(() => { aa.q('.aa-kb-input').value = 'not a link'; aa.q('.aa-kb .aa-kb-link').click(); });
    await page.waitForFunction(() => !!aa.q('.aa-field-error'));
    assert.deepEqual(await violations(page), [], 'an entity in the editor');
  });
  await withDemo(url + 'cms-demo.html', async ({ page }) => {
    assert.deepEqual(await violations(page), [], 'the CMS page');
  });
});

test('axe-core: no violation on a read-only widget and on one waiting for an interaction', async () => {
  await withDemo(url + PAGE, async ({ page }) => {
    await page.waitForFunction(() => document.getElementById('ro').annotator?.paintedRevision !== undefined);
    assert.deepEqual(await violations(page), []);
  }, { selector: '#ro' });
});

test('the live region says what the reader\'s change did (tagged, undone, redone), the header\'s status says when it is saved; a change through the API says nothing', async () => {
  await withDemo(url, async ({ page, errors }) => {
    const said = () => page.evaluate(() => aa.q('.aa-sr[aria-live]')?.textContent);
    await mouseSelect(page, 'Nikolai Nikiforov');
    await page.keyboard.press('1');
    await page.waitForFunction(() => aa.q('.aa-sr').textContent.startsWith('Tagged'));
    // The caption names him too: that mention is offered.
    assert.equal(await said(), 'Tagged “Nikolai Nikiforov” as Person. 1 other mention suggested: accept or reject them in the panel, or press } in the article to go through them.');
    await page.keyboard.press('Control+z');
    await page.waitForFunction(() => aa.q('.aa-sr').textContent === 'Undone.');
    await page.keyboard.press('Control+Shift+z');
    await page.waitForFunction(() => aa.q('.aa-sr').textContent === 'Redone.');
    const id = await page.evaluate(() => window.annotator.annotations()[0].id);
    await page.evaluate((id) => window.annotator.remove(id), id);
    // A change through the API is the host's, not the reader's: nothing is said for it.
    assert.equal(await said(), 'Redone.');
    // Saves are said too: the header's status (a status region) says where storage stands.
    await page.waitForFunction(() => aa.q('.aa-sync[role=status]')?.textContent === 'Saved in this browser');
    await mouseSelect(page, 'Kaspersky Lab');
    await page.keyboard.press('2');
    await page.waitForFunction(() => aa.q('.aa-sync[role=status]')?.textContent === 'Saving…');
    await page.waitForFunction(() => aa.q('.aa-sync[role=status]')?.textContent === 'Saved in this browser');
    assert.ok(await page.evaluate(() => localStorage.length > 0 && Object.keys(localStorage).some((k) => localStorage.getItem(k).includes('Kaspersky Lab'))));
    assert.deepEqual(errors, []);
  });
});
