// End to end, in real headless Chromium against the served demo (dist/):
// a fact-checker tags an entity and a claim, reloads, exports, and imports elsewhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startServer, launchFresh, openDemo, mouseSelect, saveArtifact, painted, clickPainted, tapTag, phoneWidths, exportFile, withDemo } from './harness.mjs';

let server, url;
before(async () => ({ server, url } = await startServer()));
after(() => server.close());

/** The canonical document text, rebuilt from the DOM: block texts joined by "\n\n". */
const canonicalText = (page) => page.evaluate(() =>
  [...aa.qa('.aa-article [data-block]')].map((b) => b.textContent).join('\n\n'));

const panelTexts = (page) => page.$$eval('.aa-panel .aa-entry-quote', (els) => els.map((e) => e.textContent));


test('tag an entity and a claim, reload, export with code-point offsets, import in a fresh profile', async () => {
  const a = await launchFresh();
  let exported;
  try {
    const { page, errors } = await openDemo(a.context, url);
    assert.match(await page.textContent('.aa-panel'), /No annotations yet/);

    // An entity with the mouse and key 1.
    await mouseSelect(page, 'Nikolai Nikiforov said');
    await page.waitForSelector('.aa-toolbar');
    await mouseSelect(page, 'Nikolai Nikiforov');
    await page.keyboard.press('1');
    await page.waitForFunction(() => aa.hl('person')?.size === 1);
    assert.deepEqual(await painted(page, 'aa-person'), ['Nikolai Nikiforov']);
    assert.deepEqual(await panelTexts(page), ['Nikolai Nikiforov']);

    // A claim with key C; the editor opens; pick claimant, verdict and note.
    await mouseSelect(page, 'the Kremlin has agreed to broaden software deliveries to China');
    await page.keyboard.press('c');
    await page.waitForSelector('.aa-editor .aa-claimant');
    const options = await page.$$eval('.aa-claimant option', (o) => o.map((x) => x.textContent));
    assert.deepEqual(options, ['Unknown', 'Nikolai Nikiforov (Person)']);
    await page.selectOption('.aa-claimant', { label: 'Nikolai Nikiforov (Person)' });
    await page.selectOption('.aa-verdict', 'mostly-true');
    await page.fill('.aa-note', 'Confirmed by <b>TASS</b>; see https://example.org');
    await page.click('.aa-editor h2'); // blur commits the note
    await page.waitForFunction(() => aa.q('.aa-claimant-name')?.textContent === 'by Nikolai Nikiforov');
    assert.equal(await page.textContent('.aa-verdict-badge'), 'Mostly true');
    assert.deepEqual(await painted(page, 'aa-claim'), ['the Kremlin has agreed to broaden software deliveries to China']);

    // Undo and redo with the keyboard (the note edit, then back).
    await page.focus('.aa-article');
    await page.keyboard.press('Control+z');
    await page.waitForFunction(() => !aa.q('.aa-note') || aa.q('.aa-note').value === '');
    await page.keyboard.press('Control+Shift+z');
    await page.waitForFunction(() => aa.q('.aa-note')?.value.startsWith('Confirmed'));

    // Reload: both are restored from localStorage.
    await page.waitForTimeout(400); // the save is debounced by 300 ms; pagehide also flushes
    await page.reload();
    await page.waitForFunction(() => aa.hl('person')?.size === 1);
    assert.equal((await painted(page, 'aa-claim')).length, 1);
    assert.equal(await page.textContent('.aa-claimant-name'), 'by Nikolai Nikiforov');

    // Export: positions are code points over the canonical text.
    exported = await exportFile(page);
    assert.equal(exported.name, 'moscow-times-2014-08-18.annotations.jsonld');
    saveArtifact('export.jsonld', exported.text);
    const json = JSON.parse(exported.text);
    assert.equal(json.type, 'AnnotationCollection');
    assert.equal(json.first.items.length, 2);
    const text = await canonicalText(page);
    const codePoints = Array.from(text);
    for (const item of json.first.items) {
      const quote = item.target.selector.find((s) => s.type === 'TextQuoteSelector');
      const pos = item.target.selector.find((s) => s.type === 'TextPositionSelector');
      assert.equal(codePoints.slice(pos.start, pos.end).join(''), quote.exact);
    }
    const claim = json.first.items.find((i) => i.motivation === 'assessing');
    const person = json.first.items.find((i) => i.motivation === 'tagging');
    assert.ok(claim.body.some((b) => b.purpose === 'linking' && b.source === person.id));
    assert.ok(claim.body.some((b) => b.purpose === 'commenting' && b.value.includes('<b>TASS</b>')));
    // The note is shown as text, never as HTML.
    await page.click('.aa-claimant-name');
    assert.equal(await page.$$eval('.aa-root b', (e) => e.length), 0);
    assert.deepEqual(errors, []);
  } finally {
    await a.close();
  }

  // Import into a fresh profile: the same set, and the same file on export.
  await withDemo(url, async ({ page, errors }) => {
    const file = saveArtifact('to-import.jsonld', exported.text);
    await page.setInputFiles('.aa-file', file);
    await page.waitForSelector('.aa-notice');
    assert.match(await page.textContent('.aa-notice'), /2 added, 0 updated, 0 unchanged, 0 orphaned/);
    assert.deepEqual(await painted(page, 'aa-person'), ['Nikolai Nikiforov']);
    const again = await exportFile(page);
    assert.equal(again.text, exported.text);
    // A second import of the same file changes nothing.
    await page.setInputFiles('.aa-file', file);
    await page.waitForFunction(() => /0 added, 0 updated, 2 unchanged/.test(aa.q('.aa-notice')?.textContent || ''));
    assert.deepEqual(errors, []);
  });
});

test('keyboard only: Shift+arrows select, a key tags, Enter opens the editor, Escape closes it', async () => {
  await withDemo(url, async ({ page, errors }) => {
    await page.focus('.aa-article');
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await page.waitForSelector('.aa-toolbar');
    await page.keyboard.press('6');
    await page.waitForFunction(() => aa.hl('other')?.size === 1);
    const [tagged] = await painted(page, 'aa-other');
    assert.match(tagged, /^Wary of( the)?$/);
    // ] moves the cursor to the annotation and announces it; Enter opens it; Escape closes.
    await page.focus('.aa-article');
    await page.keyboard.press(']');
    await page.waitForFunction(() => /^Other: Wary of/.test(aa.q('.aa-sr').textContent));
    assert.deepEqual(await painted(page, 'aa-current'), [tagged]);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.aa-editor');
    await page.focus('.aa-editor .aa-type');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !aa.q('.aa-editor'));
    // Escape cancels a pending selection.
    await mouseSelect(page, 'Edward Snowden');
    await page.waitForSelector('.aa-toolbar');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !aa.q('.aa-toolbar'));
    assert.deepEqual(errors, []);
  });
});

test('nested and overlapping spans are all visible; the panel flashes and scrolls to a span', async () => {
  await withDemo(url, async ({ page, errors }) => {
    await mouseSelect(page, 'anti-virus software maker Kaspersky Lab, which is expanding into Asian markets');
    await page.keyboard.press('c');
    await page.waitForSelector('.aa-editor');
    await mouseSelect(page, 'Kaspersky Lab');
    await page.keyboard.press('2');
    await mouseSelect(page, "People's Daily newspaper in China");
    await page.keyboard.press('2');
    await mouseSelect(page, "People's Daily newspaper in China", 'China');
    await page.keyboard.press('3');
    await page.waitForFunction(() => aa.hl('location')?.size === 1);
    // Every span is painted, nested ones included: the claim around the organisation, the
    // organisation around the location.
    assert.deepEqual(await painted(page, 'aa-claim'), ['anti-virus software maker Kaspersky Lab, which is expanding into Asian markets']);
    assert.deepEqual(await painted(page, 'aa-organization'), ['Kaspersky Lab', "People's Daily newspaper in China"]);
    assert.deepEqual(await painted(page, 'aa-location'), ['China']);
    // Hovering shows the types there, innermost first; clicking opens the innermost.
    await clickPainted(page, 'aa-location', 'China');
    await page.waitForFunction(() => aa.q('.aa-editor .aa-quote')?.textContent === 'China');
    assert.equal(await page.textContent('.aa-tip'), 'Location · Organization');
    // The pointer cursor is set on the hovered block, never on the article (whose own
    // style must not change: that would restyle every block).
    assert.deepEqual(await page.evaluate(() => [aa.qa('.aa-article .aa-over').length, getComputedStyle(aa.q('.aa-over')).cursor, aa.q('.aa-article').className]),
      [1, 'pointer', 'aa-article']);
    await page.keyboard.press('Escape');
    // Panel groups with counts.
    const groups = await page.$$eval('.aa-group h3', (h) => h.map((x) => x.textContent.replace(/\s+/g, ' ').trim()));
    assert.deepEqual(groups, ['Claims 1', 'Organization 2', 'Location 1']);
    await page.click('.aa-group[aria-label="Location"] .aa-entry');
    await page.waitForFunction(() => aa.hl('flash')?.size === 1);
    assert.deepEqual(await painted(page, 'aa-flash'), ['China']);
    await page.screenshot({ path: saveArtifact('nested.png', '') });
    assert.deepEqual(errors, []);
  });
});

test('storage full: a clear message, the work stays, export works, saving resumes when space frees', async () => {
  await withDemo(url, async ({ page, errors }) => {
    // Fill localStorage to the brim.
    await page.evaluate(() => {
      let chunk = 'x'.repeat(1 << 20), i = 0;
      while (chunk.length > 16) {
        try { localStorage.setItem('filler-' + i++, chunk); } catch { chunk = chunk.slice(0, chunk.length / 2); }
      }
    });
    await mouseSelect(page, 'Edward Snowden');
    await page.keyboard.press('1');
    await page.waitForSelector('.aa-notice.aa-error');
    assert.match(await page.textContent('.aa-notice'), /Storage is full/);
    assert.deepEqual(await painted(page, 'aa-person'), ['Edward Snowden']);
    const exported = await exportFile(page);
    assert.equal(JSON.parse(exported.text).total, 1);
    // Space frees up; the next change saves everything.
    await page.evaluate(() => { for (const k of Object.keys(localStorage)) if (k.startsWith('filler-')) localStorage.removeItem(k); });
    await mouseSelect(page, 'Kaspersky Lab');
    await page.keyboard.press('2');
    await page.waitForFunction(() => /Saving works again/.test(aa.q('.aa-notice')?.textContent || ''));
    const saved = await page.evaluate(() => localStorage.getItem('article-annotator/v1/moscow-times-2014-08-18'));
    assert.match(saved, /Edward Snowden/);
    assert.match(saved, /Kaspersky Lab/);
    assert.deepEqual(errors.filter((e) => !/quota/i.test(e)), []);
  });
});

test('phone: a touch selection (as long-press makes it) shows the toolbar; a tap tags it; the panel fits 390 px', async () => {
  await withDemo(url, async ({ page, errors }) => {
    // The OS makes the selection (long-press and handles); no mouse events reach us.
    await page.evaluate(() => {
      const p = [...aa.qa('.aa-article p')].find((x) => x.textContent.includes('Edward Snowden'));
      const node = p.firstChild, i = node.data.indexOf('Edward Snowden');
      p.scrollIntoView({ block: 'center' });
      const r = document.createRange();
      r.setStart(node, i + 2); r.setEnd(node, i + 12);
      getSelection().removeAllRanges(); getSelection().addRange(r);
    });
    await tapTag(page, 'person');
    await page.waitForFunction(() => aa.hl('person')?.size === 1);
    assert.deepEqual(await painted(page, 'aa-person'), ['Edward Snowden']);
    const widths = await phoneWidths(page);
    assert.ok(widths.panel <= 390 && widths.page <= 390, JSON.stringify(widths));
    await page.screenshot({ path: saveArtifact('phone.png', '') });
    assert.deepEqual(errors, []);
  }, { launch: { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true } });
});

test('files of other tools: brat (.ann with its .txt) and doccano import; the export menu by keyboard; the brat zip and CoNLL download', async () => {
  await withDemo(url, async ({ page, errors }) => {
    const text = await canonicalText(page);
    const cp = (s) => [...s].length; // code points, as brat and doccano count
    const at = (needle) => cp(text.slice(0, text.indexOf(needle)));
    const claim = 'the Kremlin has agreed to broaden software deliveries to China';
    const [p, c] = [at('Nikolai Nikiforov said'), at(claim)];
    const ann = `T1\tPER ${p} ${p + 17}\tNikolai Nikiforov\nT2\tClaim ${c} ${c + cp(claim)}\t${claim}\n` +
      'R1\tClaimant Arg1:T2 Arg2:T1\nA1\tVerdict T2 false\n#1\tAnnotatorNotes T2\tTASS, 18 Aug\nE1\tTrade:T2\n';
    await page.setInputFiles('.aa-file', [saveArtifact('story.ann', ann), saveArtifact('story.txt', text)]);
    await page.waitForFunction(() => /Imported story\.ann: 2 added/.test(aa.q('.aa-notice')?.textContent || ''));
    assert.match(await page.textContent('.aa-notice'), /1 skipped: line 6: event E1: not read/);
    assert.deepEqual(await painted(page, 'aa-person'), ['Nikolai Nikiforov']);
    assert.deepEqual(await painted(page, 'aa-claim'), [claim]);
    const b7 = at('Beijing');
    const doccano = JSON.stringify({ text, label: [[b7, b7 + 7, 'GPE']] }) + '\n';
    await page.setInputFiles('.aa-file', saveArtifact('beijing.jsonl', doccano));
    await page.waitForFunction(() => /Imported beijing\.jsonl: 1 added/.test(aa.q('.aa-notice')?.textContent || ''));
    assert.deepEqual(await painted(page, 'aa-location'), ['Beijing']);

    // The menu button: ArrowDown opens and focuses the first item; arrows move; Escape returns.
    await page.focus('.aa-export-more');
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector('.aa-menu');
    const active = () => page.evaluate(() => aa.root().activeElement?.dataset.format ?? aa.root().activeElement?.className);
    assert.equal(await active(), 'jsonl');
    assert.equal(await page.getAttribute('.aa-export-more', 'aria-expanded'), 'true');
    await page.keyboard.press('ArrowDown');
    assert.equal(await active(), 'brat');
    await page.keyboard.press('End');
    assert.equal(await active(), 'csv');
    await page.keyboard.press('Escape');
    await page.waitForSelector('.aa-menu', { state: 'detached' });
    assert.equal(await active(), 'aa-primary aa-export-more');
    await page.screenshot({ path: saveArtifact('export-menu-closed.png', '') });
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.screenshot({ path: saveArtifact('export-menu.png', '') });
    const [zip] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    assert.equal(zip.suggestedFilename(), 'moscow-times-2014-08-18.brat.zip');
    const bytes = fs.readFileSync(await zip.path());
    assert.equal(bytes.subarray(0, 4).toString('latin1'), 'PK\u0003\u0004');
    const inside = bytes.toString('utf8');
    assert.match(inside, new RegExp(`T\\d\\tClaim ${c} ${c + cp(claim)}\\t${claim}`));
    assert.match(inside, /A1\tVerdict T\d false/);
    // The zip imports back as it is: nothing new, nothing changed.
    await page.setInputFiles('.aa-file', saveArtifact('back.brat.zip', bytes));
    await page.waitForFunction(() => /Imported back\.brat\.zip: 0 added, 0 updated, 3 unchanged/.test(aa.q('.aa-notice')?.textContent || ''));
    // CoNLL cannot hold claims: the download says so.
    await page.click('.aa-export-more');
    const [conll] = await Promise.all([page.waitForEvent('download'), page.click('.aa-menu [data-format=conll]')]);
    const tokens = fs.readFileSync(await conll.path(), 'utf8');
    assert.match(tokens, /\nNikolai _ _ B-Person\nNikiforov _ _ I-Person\nsaid _ _ O\n/);
    await page.waitForFunction(() => /Not in it: 1 claim \(CoNLL IOB2 holds entities only\)/.test(aa.q('.aa-notice')?.textContent || ''));
    assert.deepEqual(errors, []);
  });
});

test('the first frame that shows the widget (a task after mount) shows the whole article and its highlights', async () => {
  // Yew 0.23 yields to the browser after 16 ms of rendering and runs effects in a later
  // task. A frame painted in between showed the header and panel beside an empty
  // article; that frame must not exist. A blank page (the widget's code not yet compiled)
  // and a 4x slower CPU make the first render take longer than 16 ms.
  const { context, close } = await launchFresh();
  try {
    await context.route('**/first-frame.html', (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>first frame</title><p id="blank">A page without the widget.</p>' }));
    const { page, errors } = await openDemo(context, url + 'first-frame.html', '#blank');
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const seen = await page.evaluate(async () => {
      const { default: init, mount } = await import('./pkg/article_annotator.js');
      await init();
      const para = 'Nikolai Nikiforov met officials of Huawei in Moscow and Beijing to discuss software. '.repeat(3).trim();
      const content = Array.from({ length: 400 }, () => para).join('\n\n');
      // The first name of every paragraph is a person (code-point offsets).
      const annotations = Array.from({ length: 400 }, (_, k) => {
        const start = k * (para.length + 2);
        return { '@context': 'http://www.w3.org/ns/anno.jsonld', id: `urn:e2e:${k}`, type: 'Annotation',
          body: { type: 'TextualBody', purpose: 'tagging', value: 'Person' },
          target: { selector: [{ type: 'TextPositionSelector', start, end: start + 7 }, { type: 'TextQuoteSelector', exact: 'Nikolai' }] } };
      });
      const host = document.createElement('div');
      document.body.append(host);
      const annotator = mount(host, { documentId: 'first-frame', storage: 'none', article: { format: 'text', content }, annotations });
      // The widget renders in a task after mount's; until then frames show the host's
      // own content. The first frame that shows the widget, looked at in its animation
      // frame callback (before it is painted), must show it whole.
      const measure = () => {
        let ranges = 0;
        for (const h of CSS.highlights.values()) for (const r of h) if (host.shadowRoot.contains(r.startContainer)) ranges += 1;
        return {
          blocks: host.shadowRoot.querySelectorAll('.aa-article [data-block]').length,
          ranges,
          count: annotator.count,
          rendered: host.shadowRoot.querySelector('.aa-root')?.dataset.rev === String(annotator.revision),
          painted: annotator.paintedRevision === annotator.revision,
        };
      };
      return new Promise((resolve) => {
        const tick = () => {
          const shown = !!host.shadowRoot.querySelector('.aa-shell:not(.aa-shell-waiting)');
          if (shown || !host.shadowRoot.querySelector('slot')) resolve(measure());
          else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
    });
    assert.equal(seen.count, 400);
    assert.ok(seen.rendered, JSON.stringify(seen));
    assert.equal(seen.blocks, 400, 'every paragraph is in the first frame');
    assert.ok(seen.ranges > 0, `highlights are registered in the first frame (${seen.ranges})`);
    assert.ok(seen.painted, JSON.stringify(seen));
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('the demo page opens again without a connection, with the reader\'s annotations, and takes a new build once online', async () => {
  await withDemo(url, async ({ page, errors, context }) => {
    await page.evaluate(() => navigator.serviceWorker.ready);
    await mouseSelect(page, 'Nikiforov');
    await page.keyboard.press('1');
    await page.waitForFunction(() => window.annotator.count === 1);
    await page.evaluate(() => new Promise((r) => setTimeout(r, 500))); // the save
    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector('.aa-article [data-block]');
    assert.equal(await page.evaluate(() => window.annotator.count), 1, 'the annotation, from localStorage');
    assert.match(await page.evaluate(() => aa.q('.aa-article').textContent), /Nikiforov/);
    // Online: network first, so a changed file is what the page gets; offline, the last
    // copy it got.
    await context.setOffline(false);
    const probe = path.join(ROOT, 'dist', 'sw-probe.txt');
    const get = () => page.evaluate(async () => (await fetch('sw-probe.txt')).text());
    try {
      fs.writeFileSync(probe, 'one');
      assert.equal(await get(), 'one');
      fs.writeFileSync(probe, 'two');
      assert.equal(await get(), 'two', 'a new file is taken at once');
      fs.writeFileSync(probe, 'three');
      await context.setOffline(true);
      assert.equal(await get(), 'two', 'offline, the last copy');
      await context.setOffline(false);
    } finally {
      fs.rmSync(probe, { force: true });
    }
    assert.deepEqual(errors, []);
  });
});
