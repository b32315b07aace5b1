// Every mention, in the browser: after tagging a name the widget offers its other
// mentions as suggestions (drawn, listed, not saved or exported); the reader accepts or
// rejects them with the pointer or the keyboard; "all mentions" tags them at once; the
// JS API does the same; one undo takes back many.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, withDemo, mouseSelect, painted } from './harness.mjs';

let server, url;
before(async () => { ({ server, url } = await startServer()); });
after(() => server.close());

const said = (page) => page.evaluate(() => aa.q('.aa-sr[aria-live]')?.textContent);
const exactOf = (page) => page.evaluate(() => window.annotator.annotations().map((a) => a.target.selector.find((s) => s.type === 'TextQuoteSelector').exact));

test('tagging a name offers its other mentions; reject one with the pointer, accept the rest in one undo step', async () => {
  await withDemo(url, async ({ page, errors }) => {
    await mouseSelect(page, 'Russia');
    await page.keyboard.press('3');
    await page.waitForSelector('.aa-root .aa-suggestions', { state: 'attached' }).catch(() => {});
    await page.waitForFunction(() => aa.qa('.aa-suggestion').length > 0);
    const rows = await page.evaluate(() => aa.qa('.aa-suggestion mark').map((m) => m.textContent));
    assert.ok(rows.length >= 2 && rows.every((t) => t === 'Russia'), JSON.stringify(rows));
    assert.match(await said(page), /^Tagged “Russia” as Location\. \d+ other mentions suggested/);
    // Drawn in their own highlight, and not annotations: not counted, saved or exported.
    assert.deepEqual(await painted(page, 'suggested'), rows);
    assert.equal(await page.evaluate(() => window.annotator.count), 1);
    assert.equal(JSON.parse(await page.evaluate(() => window.annotator.exportAs('w3c'))).total, 1);
    // Reject the first with its ✕ button; it goes and the count drops.
    await page.evaluate(() => aa.q('.aa-suggestion .aa-reject').click());
    await page.waitForFunction((n) => aa.qa('.aa-suggestion').length === n, rows.length - 1);
    // Accept all: one undo step.
    await page.evaluate(() => aa.q('.aa-accept-all').click());
    await page.waitForFunction(() => !aa.q('.aa-suggestions'));
    assert.equal(await page.evaluate(() => window.annotator.count), rows.length);
    assert.deepEqual(await painted(page, 'suggested'), []);
    assert.deepEqual(await painted(page, 'location'), Array(rows.length).fill('Russia'));
    await page.keyboard.press('Control+z');
    await page.waitForFunction(() => window.annotator.count === 1);
    assert.deepEqual(errors, []);
  });
});

test('the keyboard alone: Shift + a type key tags every mention; } walks suggestions, Y accepts, N rejects', async () => {
  await withDemo(url, async ({ page, errors }) => {
    // A selection found rather than dragged (the screen-reader way in: the text and
    // what follows it), then Shift + 3.
    assert.equal(await page.evaluate(() => window.annotator.select({ exact: 'China', suffix: ' may' })), true);
    await page.waitForFunction(() => !!aa.q('.aa-toolbar'));
    await page.keyboard.press('Shift+Digit3');
    await page.waitForFunction(() => window.annotator.count > 1);
    const china = await exactOf(page);
    assert.ok(china.length >= 3 && china.every((t) => t === 'China'), JSON.stringify(china));
    assert.match(await said(page), /^Tagged “China” and \d+ other mentions\.$/);
    await page.keyboard.press('Control+z');
    await page.waitForFunction(() => window.annotator.count === 0);

    // Tag one "Nikiforov" as a person: its other mentions are offered.
    await mouseSelect(page, 'Nikiforov');
    await page.waitForFunction(() => !!aa.q('.aa-toolbar'));
    await page.keyboard.press('1');
    await page.waitForFunction(() => aa.qa('.aa-suggestion').length > 1);
    const offered = await page.evaluate(() => window.annotator.suggestions.length);
    await page.evaluate(() => aa.q('.aa-article').focus());
    await page.keyboard.press('}');
    await page.waitForFunction(() => aa.q('.aa-sr').textContent.startsWith('Suggested'));
    assert.equal(await said(page), 'Suggested Person: Nikiforov. Press Y to accept, N to reject.');
    assert.deepEqual(await painted(page, 'current'), ['Nikiforov']);
    await page.keyboard.press('y');
    await page.waitForFunction(() => window.annotator.count === 2);
    // The cursor moved on to the next one; N rejects it.
    await page.keyboard.press('n');
    await page.waitForFunction((n) => window.annotator.suggestions.length === n - 2, offered);
    assert.equal(await page.evaluate(() => window.annotator.count), 2);
    // The panel's rows are buttons: focus reaches them, and Enter accepts.
    await mouseSelect(page, 'Moscow');
    await page.keyboard.press('3');
    await page.waitForFunction(() => !!aa.q('.aa-suggestion .aa-accept'));
    await page.evaluate(() => aa.q('.aa-suggestion .aa-accept').focus());
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.annotator.count === 4);
    assert.deepEqual(errors, []);
  });
});

test('the JS API: suggestOccurrences, suggestions, acceptSuggestions, rejectSuggestions, dismissSuggestions', async () => {
  await withDemo(url, async ({ page, errors }) => {
    await mouseSelect(page, 'China');
    await page.waitForFunction(() => !!aa.q('.aa-toolbar'));
    await page.keyboard.press('3');
    await page.waitForFunction(() => window.annotator.count === 1);
    const out = await page.evaluate(() => {
      const a = window.annotator;
      a.dismissSuggestions();
      const id = a.annotations()[0].id;
      const list = a.suggestOccurrences(id);
      const text = a.exportAs('w3c');
      const source = JSON.parse(text).first.items[0];
      const pos = source.target.selector.find((s) => s.type === 'TextPositionSelector');
      const errors = [];
      for (const f of [() => a.suggestOccurrences('urn:uuid:nope'), () => a.acceptSuggestions([{ start: 5 }]), () => a.suggestOccurrences(id, { caseSensitive: 'yes' })]) {
        try { f(); errors.push(null); } catch (e) { errors.push(e.message); }
      }
      const accepted = a.acceptSuggestions([list[0]]);
      const left = a.suggestions.length;
      const rejected = a.rejectSuggestions([list[1]]);
      const again = a.suggestOccurrences(id).map((s) => s.start);
      a.dismissSuggestions();
      return { list, pos, accepted, left, rejected, again, after: a.suggestions.length, count: a.count, errors };
    });
    assert.ok(out.list.length >= 2, JSON.stringify(out.list));
    for (const s of out.list) {
      assert.deepEqual(Object.keys(s).sort(), ['end', 'exact', 'source', 'start', 'type']);
      assert.equal(s.exact, 'China');
      assert.equal(s.type, 'location');
      assert.equal(s.end - s.start, 'China'.length);
      assert.notEqual(s.start, out.pos.start);
    }
    assert.equal(out.accepted.length, 1);
    assert.match(out.accepted[0], /^urn:uuid:/);
    assert.equal(out.left, out.list.length - 1);
    assert.equal(out.rejected, 1);
    // Neither the accepted one nor the rejected one is offered again.
    assert.deepEqual(out.again, out.list.slice(2).map((s) => s.start));
    assert.equal(out.after, 0);
    assert.equal(out.count, 2);
    assert.equal(out.errors[0], 'no annotation with id urn:uuid:nope');
    assert.match(out.errors[1], /item 0 needs whole numbers start and end/);
    assert.match(out.errors[2], /caseSensitive must be a boolean/);
    assert.deepEqual(errors, []);
  });
});

test('any case, accept in view, a click on a suggestion, and focus that never falls to the page when a row goes', async () => {
  await withDemo(url, async ({ page, errors }) => {
    // "the" as a stand-in name: lower case 16 times, "The" 3 times.
    await mouseSelect(page, 'the Kremlin has agreed', 'the');
    await page.keyboard.press('6');
    await page.waitForFunction(() => aa.qa('.aa-suggestion').length > 0);
    const exact = await page.evaluate(() => window.annotator.suggestions.length);
    await page.evaluate(() => aa.q('.aa-any-case input').click());
    await page.waitForFunction((n) => window.annotator.suggestions.length > n, exact);
    const anyCase = await page.evaluate(() => window.annotator.suggestions);
    assert.equal(anyCase.length, exact + 3, 'the three "The" too');
    assert.ok(anyCase.some((s) => s.exact === 'The'));
    // Accept in view: exactly those drawn inside the viewport now.
    await page.evaluate(() => window.scrollTo(0, 0));
    const inView = await page.evaluate(() => [...aa.hl('suggested')].filter((r) => {
      const b = r.getBoundingClientRect();
      return b.bottom > 0 && b.top < innerHeight && b.height > 0;
    }).length);
    assert.ok(inView > 0 && inView < anyCase.length, `${inView} of ${anyCase.length} in view`);
    await page.evaluate(() => [...aa.qa('.aa-suggestion-bar button')].find((b) => b.textContent === 'Accept in view').click());
    await page.waitForFunction((n) => window.annotator.count === 1 + n, inView);
    assert.equal(await page.evaluate(() => window.annotator.suggestions.length), anyCase.length - inView);
    // A click on a suggestion in the article puts the cursor on it.
    const box = await page.evaluate(() => {
      const r = [...aa.hl('suggested')].sort((a, b) => a.compareBoundaryPoints(Range.START_TO_START, b))[0];
      r.startContainer.parentElement.scrollIntoView({ block: 'center' });
      const b = r.getClientRects()[0];
      return { x: b.left + b.width / 2, y: b.top + b.height / 2 };
    });
    await page.mouse.click(box.x, box.y);
    await page.waitForFunction(() => !!aa.q('.aa-suggestion.aa-current'));
    assert.match(await said(page), /^Suggested Other: the\. Press Y to accept, N to reject\.$/i);
    // Enter on a row's ✕: the row goes, focus moves to the next row's ✕.
    const before = await page.evaluate(() => window.annotator.suggestions.length);
    await page.evaluate(() => aa.q('.aa-suggestion .aa-reject').focus());
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => window.annotator.suggestions.length === n - 1, before);
    assert.equal(await page.evaluate(() => aa.root().activeElement?.className), 'aa-reject');
    // Dismiss: the box goes, and focus is on the article.
    await page.evaluate(() => [...aa.qa('.aa-suggestion-bar button')].find((b) => b.textContent === 'Dismiss').focus());
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !aa.q('.aa-suggestions'));
    assert.equal(await page.evaluate(() => aa.root().activeElement?.className), 'aa-article');
    assert.deepEqual(errors, []);
  });
});
