// The keyboard alone, and what WCAG asks of it: creating, editing and deleting an entity
// and a claim with no pointer (the text found with `select`, as a screen reader's user
// would, or a selection made with Shift + arrows); the editor takes focus when it opens
// and gives it back to the article when it closes; a focused control is never hidden
// behind the toolbar, the editor or the sticky header (2.4.11); every control is at least
// 24 × 24 px (2.5.8); and nothing moves under prefers-reduced-motion.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, withDemo } from './harness.mjs';

let server, url;
before(async () => { ({ server, url } = await startServer()); });
after(() => server.close());

/** What has focus inside the widget: its class list, or null. */
const focused = (page) => page.evaluate(() => {
  const a = aa.root().activeElement;
  return a ? `${a.tagName.toLowerCase()}.${[...a.classList].join('.')}` : null;
});

/** Tabs until the article has focus; fails after 40 presses. */
async function tabToArticle(page) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if ((await focused(page))?.startsWith('article.aa-article')) return i + 1;
  }
  throw new Error('Tab never reached the article');
}

test('an entity with the keyboard alone: found, tagged, opened, retyped and deleted; focus follows the editor', async () => {
  await withDemo(url, async ({ page, errors }) => {
    await tabToArticle(page);
    assert.equal(await page.evaluate(() => window.annotator.select({ exact: 'Kaspersky Lab' })), true);
    await page.waitForFunction(() => !!aa.q('.aa-toolbar'));
    await page.keyboard.press('2');
    await page.waitForFunction(() => window.annotator.count === 1);
    // The reading cursor, then Enter: the editor opens with focus on its first control.
    await page.keyboard.press(']');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !!aa.q('.aa-editor'));
    await page.waitForFunction(() => aa.root().activeElement?.closest('.aa-editor'));
    assert.equal(await focused(page), 'select.aa-type');
    // Retype with the arrow key (a native select changes on ArrowDown while closed).
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => window.annotator.annotations()[0].body.find((b) => b.purpose === 'tagging')?.value === 'Location');
    assert.equal(await page.evaluate(() => aa.q('.aa-type').value), 'location');
    // Tab to Delete and press it: the annotation goes, and focus comes back to the article.
    for (let i = 0; i < 10 && (await focused(page)) !== 'button.aa-danger'; i++) await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'button.aa-danger');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.annotator.count === 0);
    await page.waitForFunction(() => aa.root().activeElement?.classList.contains('aa-article'));
    assert.deepEqual(errors, []);
  });
});

test('a claim with the keyboard alone: Shift + arrows select it, C tags it, the editor takes the claimant, verdict and note, Esc gives focus back', async () => {
  await withDemo(url, async ({ page, errors }) => {
    await tabToArticle(page);
    // A claimant first.
    assert.equal(await page.evaluate(() => window.annotator.select({ exact: 'Nikolai Nikiforov', suffix: ' said Monday' })), true);
    await page.waitForFunction(() => !!aa.q('.aa-toolbar'));
    await page.keyboard.press('1');
    await page.waitForFunction(() => window.annotator.count === 1);
    // The claim: a caret at its first word, then Shift + arrows word by word.
    await page.evaluate(() => {
      const art = aa.q('.aa-article');
      const walker = document.createTreeWalker(art, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const at = n.data.indexOf('the Kremlin has agreed');
        if (at >= 0) { getSelection().collapse(n, at); return; }
      }
    });
    for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.up('Shift');
    await page.waitForFunction(() => !!aa.q('.aa-toolbar'));
    await page.keyboard.press('c');
    await page.waitForFunction(() => window.annotator.count === 2);
    await page.waitForFunction(() => aa.root().activeElement?.closest('.aa-editor'));
    assert.equal(await focused(page), 'select.aa-claimant');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'select.aa-verdict');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'textarea.aa-note');
    // Typed slowly: the verdict's save re-renders the widget meanwhile (300 ms after the
    // change), and what was typed must stay (a controlled field would be reset).
    await page.keyboard.type('Checked against TASS.', { delay: 60 });
    assert.equal(await page.evaluate(() => aa.q('.aa-note').value), 'Checked against TASS.');
    await page.keyboard.press('Tab');
    await page.waitForFunction(() => window.annotator.annotations().some((a) => a.body.some((b) => b.purpose === 'commenting')));
    const [person, claim] = await page.evaluate(() => {
      const all = window.annotator.annotations();
      return [all.find((a) => a.motivation === 'tagging'), all.find((a) => a.motivation === 'assessing')];
    });
    const body = (purpose) => claim.body.find((b) => b.purpose === purpose);
    assert.equal(claim.target.selector.find((s) => s.type === 'TextQuoteSelector').exact, 'the Kremlin has agreed');
    assert.equal(body('linking').source, person.id, 'the claimant chosen with the arrow key');
    assert.notEqual(body('assessing').value, 'unverified', 'the verdict chosen with the arrow key');
    assert.equal(body('commenting').value, 'Checked against TASS.');
    // Escape closes the editor and focus goes back to the article.
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !aa.q('.aa-editor'));
    await page.waitForFunction(() => aa.root().activeElement?.classList.contains('aa-article'));
    assert.deepEqual(errors, []);
  });
});

test('every control is at least 24 × 24 px, and a focused one is never hidden (toolbar, editor, sticky header)', async () => {
  await withDemo(url, async ({ page, errors }) => {
    // A state with everything showing: a tagged name with its mentions suggested, a
    // claim open in the editor, and a pending selection with its toolbar.
    await page.evaluate(() => window.annotator.select({ exact: 'Russia', suffix: ' and China may' }));
    await page.waitForFunction(() => !!aa.q('.aa-toolbar'));
    await page.keyboard.press('3');
    await page.waitForFunction(() => aa.qa('.aa-suggestion').length > 0);
    await page.evaluate(() => window.annotator.select({ exact: 'the Kremlin has agreed' }));
    await page.waitForFunction(() => !!aa.q('.aa-toolbar'));
    await page.keyboard.press('c');
    await page.waitForFunction(() => !!aa.q('.aa-editor'));
    await page.evaluate(() => window.annotator.select({ exact: 'Kaspersky Lab' }));
    await page.waitForFunction(() => !!aa.q('.aa-toolbar'));
    const small = await page.evaluate(() => [...aa.root().querySelectorAll('button, select, input, textarea, a[href], [tabindex]')]
      .filter((el) => !el.closest('.aa-article') && el.getClientRects().length > 0)
      // A checkbox's target is its label too (a click on either toggles it).
      .map((el) => ({ el: `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ${el.textContent.trim().slice(0, 20)}`, r: (el.closest('label') ?? el).getBoundingClientRect() }))
      .filter(({ r }) => r.width < 24 || r.height < 24)
      .map(({ el, r }) => `${el} (${Math.round(r.width)}×${Math.round(r.height)})`));
    assert.deepEqual(small, [], 'targets under 24 × 24 px');
    // Tab through every control of the widget from the header on: each, once focused, is
    // in the viewport and is what the page shows at its centre (not under the sticky
    // header, the toolbar or anything else).
    await page.evaluate(() => aa.q('.aa-root button').focus());
    const hidden = [];
    let stops = 0;
    for (; stops < 120; stops++) {
      const seen = await page.evaluate(() => {
        const el = aa.root().activeElement;
        if (!el) return null;
        // The first line box (a link may wrap; its bounding box's centre may be between lines).
        const r = el.getClientRects()[0] ?? el.getBoundingClientRect();
        const x = Math.min(Math.max(r.left + Math.min(r.width / 2, 12), 0), innerWidth - 1);
        const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
        const top = aa.root().elementFromPoint(x, y);
        const ok = r.bottom > 0 && r.top < innerHeight && !!top && (el === top || el.contains(top) || top.contains(el) && el.tagName === 'ARTICLE');
        return ok ? '' : `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${el.textContent.trim().slice(0, 20)}" under ${top ? top.tagName.toLowerCase() + '.' + [...top.classList].join('.') : 'nothing'}`;
      });
      if (seen === null) break;
      if (seen) hidden.push(seen);
      await page.keyboard.press('Tab');
    }
    assert.ok(stops > 20, `only ${stops} stops`);
    assert.deepEqual(hidden, [], 'focused but hidden');
    assert.deepEqual(errors, []);
  });
});

test('under prefers-reduced-motion nothing animates: no CSS animation or transition, and no smooth scroll', async () => {
  await withDemo(url, async ({ page, errors }) => {
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.evaluate(() => window.annotator.select({ exact: 'Kaspersky Lab' }));
    await page.waitForFunction(() => !!aa.q('.aa-toolbar'));
    await page.keyboard.press('2');
    // A click in the panel flashes the annotation and scrolls to it.
    await page.evaluate(() => aa.q('.aa-panel li button, .aa-panel li [role=button], .aa-panel li')?.click());
    const moving = await page.evaluate(() => {
      const all = [aa.root(), ...aa.root().querySelectorAll('*')];
      const animated = document.getAnimations().map((a) => a.animationName || a.constructor.name);
      const styled = [...aa.root().querySelectorAll('*')].filter((el) => {
        const cs = getComputedStyle(el);
        const secs = (v) => v.split(',').some((t) => parseFloat(t) > 0);
        return (cs.animationName !== 'none' && secs(cs.animationDuration)) || secs(cs.transitionDuration) || cs.scrollBehavior === 'smooth';
      }).map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`);
      return { animated, styled, html: getComputedStyle(document.documentElement).scrollBehavior, n: all.length };
    });
    assert.deepEqual(moving.animated, []);
    assert.deepEqual(moving.styled, []);
    assert.deepEqual(errors, []);
  });
});

test('find, then tag: / goes to the Find field, Enter selects the next whole-word occurrence, the keys tag it', async () => {
  await withDemo(url, async ({ page, errors }) => {
    await tabToArticle(page);
    await page.keyboard.press('/');
    assert.equal(await focused(page), 'input.aa-find-input');
    await page.keyboard.type('china');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !!aa.q('.aa-toolbar') && aa.root().activeElement?.classList.contains('aa-article'));
    const said = () => page.evaluate(() => aa.q('.aa-sr').textContent);
    assert.match(await said(), /^Found “china”, 1 of \d+\. Press 1 to 6 or C to tag it; \/ then Enter finds the next\.$/);
    await page.keyboard.press('3');
    await page.waitForFunction(() => window.annotator.count === 1);
    // / again: the field keeps the text; Enter finds the next one, after the one tagged.
    await page.keyboard.press('/');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => aa.q('.aa-sr').textContent.includes(', 2 of '));
    await page.keyboard.press('3');
    await page.waitForFunction(() => window.annotator.count === 2);
    const exact = await page.evaluate(() => window.annotator.annotations().map((a) => [a.target.selector.find((s) => s.type === 'TextPositionSelector').start, a.target.selector[0].exact]));
    assert.ok(exact.every(([, t]) => t === 'China') && exact[0][0] !== exact[1][0], JSON.stringify(exact));
    // Not there: said, and nothing selected.
    await page.keyboard.press('/');
    await page.keyboard.type('Putin');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => aa.q('.aa-sr').textContent === '“Putin” is not in the article as a whole word.');
    assert.deepEqual(errors, []);
  });
});
