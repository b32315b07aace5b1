// Entities as things, in the browser: tagging every mention makes one entity, listed in
// the panel with its count; the editor links it to Wikidata (every mention's W3C
// annotation gets the identifying body), separates a mention and joins another; a claim
// offers the entity once as its claimant; a bad link is refused with a message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, withDemo, mouseSelect, saveArtifact } from './harness.mjs';

let server, url;
before(async () => { ({ server, url } = await startServer()); });
after(() => server.close());

const iris = (page) => page.evaluate(() => window.annotator.annotations()
  .filter((a) => a.motivation === 'tagging')
  .map((a) => [a.target.selector.find((s) => s.type === 'TextQuoteSelector').exact, a.body.find((b) => b.purpose === 'identifying')?.source ?? null]));

test('one entity from every mention: listed, linked to Wikidata, split and joined in the editor, one claimant', async () => {
  await withDemo(url, async ({ page, errors }) => {
    await mouseSelect(page, 'Nikiforov said Monday', 'Nikiforov');
    await page.keyboard.press('Shift+Digit1');
    await page.waitForFunction(() => window.annotator.count === 3);
    const grouped = await iris(page);
    assert.ok(grouped.every(([t, iri]) => t === 'Nikiforov' && iri && iri === grouped[0][1] && iri.startsWith('urn:uuid:')), JSON.stringify(grouped));
    await page.waitForFunction(() => !!aa.q('.aa-entities'));
    assert.equal(await page.evaluate(() => aa.q('.aa-entity-row').textContent.replace(/\s+/g, ' ').trim()), 'Nikiforov Person · 3 mentions');
    // The list opens the editor on the first mention.
    await page.evaluate(() => aa.q('.aa-entity-row').click());
    await page.waitForFunction(() => !!aa.q('.aa-editor .aa-entity'));
    assert.equal(await page.evaluate(() => aa.q('.aa-entity-said').textContent.trim()), 'One of 3 mentions of “Nikiforov”.');
    // A bad link is refused, with a message; a Wikidata item links every mention.
    await page.evaluate(() => { aa.q('.aa-kb-input').focus(); });
    await page.keyboard.type('Nikiforov');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !!aa.q('.aa-field-error[role=alert]'));
    await page.evaluate(() => { aa.q('.aa-kb-input').value = ''; aa.q('.aa-kb-input').focus(); });
    await page.keyboard.type('Q4233718');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.annotator.annotations().filter((a) => a.body.some((b) => b.purpose === 'identifying' && b.source === 'http://www.wikidata.org/entity/Q4233718')).length === 3);
    await page.waitForFunction(() => aa.q('.aa-entity-row')?.textContent.includes('linked'));
    saveArtifact('entities.png', await page.screenshot());
    // Separate this mention: two stay together.
    await page.evaluate(() => aa.q('.aa-separate').click());
    await page.waitForFunction(() => aa.q('.aa-entity-row')?.textContent.includes('2 mentions'));
    // Tag "Nikolai Nikiforov" and join it to the entity: it names it now.
    await page.keyboard.press('Escape');
    await mouseSelect(page, 'Minister Nikolai Nikiforov said', 'Nikolai Nikiforov');
    await page.keyboard.press('1');
    await page.waitForFunction(() => window.annotator.count === 4);
    await page.evaluate(() => aa.qa('.aa-panel .aa-entry').find((b) => b.textContent.includes('Nikolai Nikiforov'))?.click());
    await page.waitForFunction(() => !!aa.q('.aa-editor .aa-join'));
    const option = await page.evaluate(() => [...aa.q('.aa-join').options].find((o) => o.textContent.startsWith('Nikiforov (2 mentions)'))?.value);
    assert.ok(option, 'the entity is offered to join');
    await page.locator('.aa-editor .aa-join').selectOption(option);
    await page.waitForFunction(() => aa.q('.aa-entity-row')?.textContent.includes('Nikolai Nikiforov'));
    assert.match(await page.evaluate(() => aa.q('.aa-entity-row').textContent), /Nikolai Nikiforov\s*Person · 3 mentions · linked/);
    // A claim offers the entity once as its claimant.
    await page.keyboard.press('Escape');
    await mouseSelect(page, 'the Kremlin has agreed');
    await page.keyboard.press('c');
    await page.waitForFunction(() => !!aa.q('.aa-editor .aa-claimant'));
    const claimants = await page.evaluate(() => [...aa.q('.aa-claimant').options].map((o) => o.textContent));
    // (In reading order of their first mentions: the one separated comes first.)
    assert.deepEqual(claimants.filter((t) => t.includes('Nikiforov')), ['Nikiforov (Person)', 'Nikolai Nikiforov (Person, 3 mentions)']);
    // Chosen: the claim is by the entity, named by its label in the panel.
    const value = await page.evaluate(() => [...aa.q('.aa-claimant').options].find((o) => o.textContent.includes('3 mentions')).value);
    await page.locator('.aa-editor .aa-claimant').selectOption(value);
    await page.waitForFunction(() => aa.q('.aa-claimant-name')?.textContent === 'by Nikolai Nikiforov');
    assert.deepEqual(errors, []);
  });
});

test('the host\'s lookup: the editor asks it for the entity\'s label and links the item picked; a failing lookup says so', async () => {
  await withDemo(url, async ({ page, errors }) => {
    const seen = await page.evaluate(async () => {
      const { mount } = await import('./pkg/article_annotator.js');
      const host = document.createElement('div');
      host.id = 'looked';
      document.body.append(host);
      window.asked = [];
      let fail = false;
      window.failNext = () => { fail = true; };
      const a = mount(host, {
        documentId: 'lookup-e2e', storage: 'none', article: { format: 'text', content: 'Miao Wei met Nikiforov. Miao Wei left.' },
        lookup: async (q) => {
          window.asked.push(q);
          if (fail) throw new Error('the service is down');
          return [{ id: 'Q123', label: 'Miao Wei', description: 'Chinese politician' }, { id: 'javascript:alert(1)', label: 'bad' }, { id: 'https://example.org/miao', label: 'Miao (example)' }];
        },
      });
      window.looked = a;
      let bad = null;
      try { mount(document.createElement('div'), { lookup: 'nope' }); } catch (e) { bad = e.message; }
      return bad;
    });
    assert.match(seen, /options\.lookup must be a function/);
    const w = 1; // the second widget on the page
    await page.waitForFunction(() => !!aa.q('.aa-article', 1));
    await mouseSelect(page, 'Miao Wei', 'Miao Wei', w);
    await page.keyboard.press('Shift+Digit1');
    await page.waitForFunction(() => window.looked.count === 2);
    await page.evaluate(() => aa.q('.aa-entity-row', 1).click());
    await page.waitForFunction(() => !!aa.q('.aa-lookup', 1));
    assert.equal(await page.evaluate(() => aa.q('.aa-lookup', 1).textContent), 'Look up “Miao Wei”');
    await page.evaluate(() => aa.q('.aa-lookup', 1).click());
    await page.waitForFunction(() => aa.qa('.aa-found-item', 1).length > 0);
    // The bad id is left out; the others are offered.
    assert.deepEqual(await page.evaluate(() => aa.qa('.aa-found-item', 1).map((b) => b.textContent)), ['Miao Wei — Chinese politician', 'Miao (example)']);
    assert.deepEqual(await page.evaluate(() => window.asked), ['Miao Wei']);
    await page.evaluate(() => aa.q('.aa-found-item', 1).click());
    await page.waitForFunction(() => window.looked.annotations().every((x) => x.body.some((b) => b.purpose === 'identifying' && b.source === 'http://www.wikidata.org/entity/Q123')));
    // A failing lookup: a message, and nothing changes.
    await page.evaluate(() => window.failNext());
    await page.evaluate(() => aa.q('.aa-lookup', 1).click());
    await page.waitForFunction(() => !!aa.q('.aa-field-error[role=alert]', 1));
    assert.match(await page.evaluate(() => aa.q('.aa-field-error', 1).textContent), /the lookup failed: the service is down/);
    assert.deepEqual(errors, []);
  });
});
