// The widget as a team: two browsers (Alice, Bob) on one article through the real team
// server and a throwaway PostgreSQL (scripts/pg-cluster.sh), from another origin than
// the pages (CORS, as a CMS would have it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { startServer, launchFresh, openDemo, mouseSelect, painted, installHelpers, ROOT, ARTIFACTS } from './harness.mjs';

const SECRET = 'e2e-secret-0123456789abcdef0123456789';
const SERVER_BIN = path.join(ROOT, 'target', 'debug', 'article-annotator-server');
const ARTICLE = '# Minister speaks\n\nNikolai Nikiforov said on Monday that the ban on Huawei would stay.\n\nThe ministry of communications denied it. Russia and China signed a deal.\n';

let site, url, team, pgDir, teamProcess, teamPort, teamDb;

const freePort = () => new Promise((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });

function token(sub, role, extra = []) {
  return execFileSync(SERVER_BIN, ['token', '--sub', sub, '--name', sub[0].toUpperCase() + sub.slice(1), '--role', role, '--docs', 'team-e2e', ...extra],
    { env: { ...process.env, AA_JWT_SECRET: SECRET } }).toString().trim();
}

async function startTeam(port, db) {
  teamProcess = spawn(SERVER_BIN, ['serve'], {
    env: { ...process.env, AA_DATABASE_URL: db, AA_JWT_SECRET: SECRET, AA_LISTEN: `127.0.0.1:${port}`, AA_ALLOWED_ORIGINS: url.replace(/\/$/, ''), RUST_LOG: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(`${team}/health`)).ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the team server did not start');
}

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  ({ server: site, url } = await startServer());
  writePage();
  pgDir = path.join(os.tmpdir(), `aa-pg-e2e-${process.pid}`);
  const pgPort = execFileSync('bash', [path.join(ROOT, 'scripts/pg-cluster.sh'), 'start', pgDir, '0', String(process.pid)]).toString().trim();
  const bin = execFileSync('bash', [path.join(ROOT, 'scripts/pg-cluster.sh'), 'bin']).toString().trim();
  execFileSync(path.join(bin, 'psql'), ['-h', '127.0.0.1', '-p', pgPort, '-U', 'postgres', '-qc', 'CREATE DATABASE team']);
  teamPort = await freePort();
  team = `http://127.0.0.1:${teamPort}`;
  teamDb = `postgres://postgres@127.0.0.1:${pgPort}/team`;
  await startTeam(teamPort, teamDb);
});

after(async () => {
  fs.rmSync(path.join(ROOT, 'dist', PAGE), { force: true });
  teamProcess?.kill('SIGKILL');
  site?.close();
  try { execFileSync('bash', [path.join(ROOT, 'scripts/pg-cluster.sh'), 'stop', pgDir, 'immediate']); } catch { /* the watchdog does it */ }
  fs.rmSync(pgDir, { recursive: true, force: true });
});

/** A reader's page: the article, mounted with the team server and the token in the
 *  page's query (a file in dist/ of this test's own, served from 127.0.0.1 as the server
 *  is: Chromium refuses a page from elsewhere access to a loopback server). */
const PAGE = 'team-e2e.html';
function writePage() {
  fs.writeFileSync(path.join(ROOT, "dist", PAGE), `<!doctype html><meta charset="utf-8"><title>team</title><link rel="icon" href="favicon.svg" type="image/svg+xml">
    <div id="host"></div>
    <script type="module">
      import init, { mount, loadFormats } from './pkg/article_annotator.js';
      await init();
      await loadFormats();
      const q = new URLSearchParams(location.search);
      // With ?tokens=a,b: a token function handing them out in turn (the last one again
      // and again), as a CMS refreshing its token would; it counts its calls.
      const tokens = q.get('tokens')?.split(',');
      window.tokenCalls = 0;
      const token = tokens ? async () => tokens[Math.min(window.tokenCalls++, tokens.length - 1)] : q.get('token');
      window.annotator = mount(document.getElementById('host'), {
        documentId: 'team-e2e', article: { format: 'markdown', content: ${JSON.stringify(ARTICLE)} },
        sync: { url: q.get('server'), token },
      });
      // Opens again without a connection, as the standalone page does (sw.js).
      window.offlineReady = navigator.serviceWorker.register('sw.js').then(() => navigator.serviceWorker.ready).then(() => true);
    </script>`);
}

async function reader(tok, { tokens } = {}) {
  const { context, close } = await launchFresh();
  const auth = tokens ? `tokens=${tokens.map(encodeURIComponent).join(',')}` : `token=${encodeURIComponent(tok)}`;
  const { page, errors } = await openDemo(context, `${url}${PAGE}?server=${encodeURIComponent(team)}&${auth}`);
  return { page, errors, context, close };
}

/** Runs `fn` with one reader per token (each a browser of its own; a token, or
 *  `{tokens}` for a token function handing them out in turn), and always closes them. */
async function withReaders(tokens, fn) {
  const readers = [];
  try {
    // A token, or `{tokens}` for the page's token function.
    for (const t of tokens) readers.push(t?.tokens ? await reader(null, t) : await reader(t));
    return await fn(...readers);
  } finally {
    for (const r of readers) await r.close();
  }
}

/** A token signed here (as a CMS's backend would), with any expiry. */
function jwt(sub, role, exp, docs = ['team-e2e']) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = b64({ alg: 'HS256', typ: 'JWT' });
  const body = b64({ sub, name: sub[0].toUpperCase() + sub.slice(1), role, docs, exp });
  const sig = crypto.createHmac('sha256', SECRET).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/** Tags `word` through the API (an entity of `type`, a fresh id). */
const tagWord = (page, word, type = 'Location') => page.evaluate(([w, t]) => window.annotator.add({ '@context': 'http://www.w3.org/ns/anno.jsonld', type: 'Annotation', id: `urn:uuid:${crypto.randomUUID()}`,
  body: { type: 'TextualBody', purpose: 'tagging', value: t }, target: { selector: [{ type: 'TextQuoteSelector', exact: w }] } }), [word, type]);

const status = (page) => page.evaluate(() => aa.q('.aa-sync')?.textContent ?? '');
async function waitStatus(page, text) {
  try {
    await page.waitForFunction((t) => (aa.q('.aa-sync')?.textContent ?? '').startsWith(t), text, { timeout: 10_000 });
  } catch (e) {
    throw new Error(`the status did not become "${text}": it says "${await status(page)}"; notices: "${await page.evaluate(() => aa.q('.aa-notices')?.textContent ?? '')}"`);
  }
}

test('Alice tags a person and Bob sees it within a second, with Alice as its author', async () => {
  await withReaders([token('alice', 'annotator'), token('bob', 'annotator')], async (alice, bob) => {
    await waitStatus(alice.page, 'Synced');
    await waitStatus(bob.page, 'Synced');
    await mouseSelect(alice.page, 'Nikolai Nikiforov');
    await alice.page.keyboard.press('1');
    const tagged = Date.now();
    await bob.page.waitForFunction(() => [...(aa.hl('person') || [])].some((r) => r.toString() === 'Nikolai Nikiforov'), null, { timeout: 5_000 });
    const took = Date.now() - tagged;
    assert.ok(took < 1_000, `Bob saw it after ${took} ms`);
    assert.deepEqual(await painted(bob.page, 'person'), ['Nikolai Nikiforov']);
    const seen = await bob.page.evaluate(() => window.annotator.annotations());
    assert.equal(seen.length, 1);
    assert.equal(seen[0].creator?.name, 'Alice');
    // Bob's panel names Alice as its author; "only mine" hides it (Bob has made none).
    assert.equal(await bob.page.evaluate(() => aa.q('.aa-entry-author')?.textContent), 'Alice');
    await bob.page.evaluate(() => aa.q('.aa-mine-only').click());
    await bob.page.waitForFunction(() => aa.q('.aa-mine-only')?.getAttribute('aria-pressed') === 'true');
    assert.equal(await bob.page.evaluate(() => aa.qa('.aa-entry').length), 0);
    await bob.page.evaluate(() => aa.q('.aa-mine-only').click());
    await bob.page.waitForFunction(() => aa.qa('.aa-entry').length === 1);
    await waitStatus(alice.page, 'Synced');
    await alice.page.screenshot({ path: path.join(ARTIFACTS, 'team-alice.png') });
    await bob.page.screenshot({ path: path.join(ARTIFACTS, 'team-bob.png') });
    assert.deepEqual(alice.errors, []);
    assert.deepEqual(bob.errors, []);
  });
});

test('Alice goes offline, makes 20 edits, reloads offline (still there, pending), goes online: all reach Bob', async () => {
  await withReaders([token('alice', 'annotator'), token('bob', 'annotator')], async (alice, bob) => {
    await waitStatus(alice.page, 'Synced');
    assert.equal(await alice.page.evaluate(() => window.offlineReady), true, 'the page is kept for offline use');
    const before = (await bob.page.evaluate(() => window.annotator.count));
    // No network at all for Alice's browser: the team server, and the page's own origin.
    await alice.context.setOffline(true);
    const words = ['Russia', 'China', 'Huawei', 'Monday'];
    await alice.page.evaluate((words) => {
      const text = document.getElementById('host').shadowRoot.querySelector('.aa-article').textContent;
      for (let i = 0; i < 20; i++) {
        const w = words[i % words.length];
        // Code-point offsets in the canonical text (the article's blocks, as rendered).
        window.annotator.add({ '@context': 'http://www.w3.org/ns/anno.jsonld', type: 'Annotation', id: `urn:uuid:00000000-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`,
          body: { type: 'TextualBody', purpose: 'tagging', value: i % 2 ? 'Location' : 'Organization' },
          target: { selector: [{ type: 'TextQuoteSelector', exact: w }] } });
      }
      return text.length;
    }, words);
    await waitStatus(alice.page, 'Offline, 20 pending');
    // Reload while offline: the page comes from the service worker's copy, the edits
    // from localStorage, still pending.
    assert.equal(await alice.page.evaluate(() => navigator.onLine), false);
    await alice.page.reload();
    await alice.page.waitForSelector('.aa-article [data-block]');
    await waitStatus(alice.page, 'Offline, 20 pending');
    assert.equal(await alice.page.evaluate(() => window.annotator.count), before + 20);
    assert.equal(await bob.page.evaluate(() => window.annotator.count), before, 'nothing reached Bob yet');
    // Online again (the browser's own 'online' event): all 20 reach the server and Bob.
    await alice.context.setOffline(false);
    await waitStatus(alice.page, 'Synced');
    await bob.page.waitForFunction((n) => window.annotator.count === n, before + 20, { timeout: 10_000 });
  });
});

test('a viewer reads, cannot change anything, and is told why', async () => {
  await withReaders([token('vera', 'viewer')], async (viewer) => {
    await viewer.page.waitForFunction(() => !!aa.q('.aa-readonly-badge'));
    await viewer.page.waitForFunction(() => window.annotator.count > 0, null, { timeout: 10_000 });
    assert.match(await status(viewer.page), /Cannot sync: you may read this article's annotations, not change them/);
    await mouseSelect(viewer.page, 'Russia');
    await viewer.page.keyboard.press('3');
    assert.equal(await viewer.page.evaluate(() => aa.q('.aa-toolbar')), null, 'no toolbar for a viewer');
    // And the server refuses a viewer's write anyway.
    const r = await fetch(`${team}/annotations/team-e2e/x1`, { method: 'PUT', headers: { Authorization: `Bearer ${token('vera', 'viewer')}`, 'Content-Type': 'application/ld+json' },
      body: JSON.stringify({ '@context': 'http://www.w3.org/ns/anno.jsonld', type: 'Annotation', target: 'http://x/' }) });
    assert.equal(r.status, 403);
  });
  // A viewer's token from the host's function: known only once it arrives, then the same.
  await withReaders([{ tokens: [jwt('vic', 'viewer', Math.floor(Date.now() / 1000) + 3600)] }], async (later) => {
    await later.page.waitForFunction(() => !!aa.q('.aa-readonly-badge'), null, { timeout: 10_000 });
    await waitStatus(later.page, "Cannot sync: you may read this article's annotations, not change them");
  });
});

/** A claim on "the ban on Huawei would stay", as W3C (an update when the id exists). */
const claimOf = (verdict, note) => ({
  '@context': 'http://www.w3.org/ns/anno.jsonld', type: 'Annotation', id: 'urn:uuid:00000000-0000-4000-8000-00000000c1a1', motivation: 'assessing',
  body: [{ type: 'TextualBody', purpose: 'tagging', value: 'Claim' }, { type: 'TextualBody', purpose: 'assessing', value: verdict },
    ...(note ? [{ type: 'TextualBody', purpose: 'commenting', value: note, format: 'text/plain' }] : [])],
  target: { selector: [{ type: 'TextQuoteSelector', exact: 'the ban on Huawei would stay' }] },
});
const claimNow = (page) => page.evaluate(() => {
  const a = window.annotator.annotations().find((x) => x.id.endsWith('c1a1'));
  if (!a) return null;
  const body = (p) => a.body.find((b) => b.purpose === p)?.value ?? '';
  return { verdict: body('assessing'), note: body('commenting') };
});

test('a verdict and a note changed at once both survive; the same verdict changed on both sides has one winner, and the other is shown', async () => {
  await withReaders([token('alice', 'annotator'), token('bob', 'editor')], async (alice, bob) => {
    await waitStatus(alice.page, 'Synced');
    await alice.page.evaluate((c) => window.annotator.add(c), claimOf('unverified', ''));
    await bob.page.waitForFunction(() => window.annotator.annotations().some((x) => x.id.endsWith('c1a1')), null, { timeout: 5_000 });

    // Alice edits the note without the server; Bob changes the verdict meanwhile.
    await alice.context.route(`${team}/**`, (r) => r.abort('internetdisconnected'));
    await alice.page.evaluate((c) => window.annotator.add(c), claimOf('unverified', "Alice's note"));
    await bob.page.evaluate((c) => window.annotator.add(c), claimOf('false', ''));
    await waitStatus(bob.page, 'Synced');
    await alice.context.unroute(`${team}/**`);
    await alice.page.evaluate(() => window.dispatchEvent(new Event('online')));
    await waitStatus(alice.page, 'Synced');
    const both = { verdict: 'false', note: "Alice's note" };
    await bob.page.waitForFunction(() => window.annotator.annotations().find((x) => x.id.endsWith('c1a1'))?.body.some((b) => b.purpose === 'commenting'), null, { timeout: 5_000 });
    assert.deepEqual(await claimNow(alice.page), both);
    assert.deepEqual(await claimNow(bob.page), both);

    // Both change the verdict: Alice first (without the server), Bob later.
    await alice.context.route(`${team}/**`, (r) => r.abort('internetdisconnected'));
    await alice.page.evaluate((c) => window.annotator.add(c), claimOf('true', "Alice's note"));
    await new Promise((r) => setTimeout(r, 50));
    await bob.page.evaluate((c) => window.annotator.add(c), claimOf('misleading', "Alice's note"));
    await waitStatus(bob.page, 'Synced');
    await alice.context.unroute(`${team}/**`);
    await alice.page.evaluate(() => window.dispatchEvent(new Event('online')));
    await waitStatus(alice.page, 'Synced');
    await alice.page.waitForFunction(() => (aa.q('.aa-notices')?.textContent ?? '').includes('while you were editing'), null, { timeout: 5_000 });
    assert.equal((await claimNow(alice.page)).verdict, 'misleading');
    assert.equal((await claimNow(bob.page)).verdict, 'misleading');
    // Alice's verdict is shown in her editor, and she can restore it.
    await alice.page.evaluate(() => aa.qa('.aa-entry').find((b) => b.textContent.includes('ban on Huawei')).click());
    await alice.page.waitForSelector('.aa-editor');
    const note = await alice.page.evaluate(() => aa.q('.aa-conflict')?.textContent ?? '');
    assert.match(note, /Bob changed the verdict while you were editing; yours was “True”/);
    await alice.page.screenshot({ path: path.join(ARTIFACTS, 'team-conflict.png') });
    await alice.page.evaluate(() => aa.q('.aa-restore').click());
    await bob.page.waitForFunction(() => window.annotator.annotations().find((x) => x.id.endsWith('c1a1'))?.body.some((b) => b.value === 'true'), null, { timeout: 5_000 });
    assert.equal(await alice.page.evaluate(() => aa.q('.aa-conflict')), null, 'the note goes once restored');
  });
});

test('an expired token is refreshed through the token function; without a refresh the status says so and local work goes on', async () => {
  const expired = jwt('alice', 'annotator', Math.floor(Date.now() / 1000) - 3600);
  const fresh = jwt('alice', 'annotator', Math.floor(Date.now() / 1000) + 3600);
  await withReaders([{ tokens: [expired, fresh] }], async (refreshed) => {
    await waitStatus(refreshed.page, 'Synced');
    assert.ok(await refreshed.page.evaluate(() => window.tokenCalls) >= 2, 'asked again after the 401');
    await tagWord(refreshed.page, 'Monday', 'Event');
    await waitStatus(refreshed.page, 'Synced');
  });
  await withReaders([expired], async (stuck) => {
    await waitStatus(stuck.page, 'Cannot sync: your sign-in has expired');
    const before = await stuck.page.evaluate(() => window.annotator.count);
    await tagWord(stuck.page, 'Russia');
    assert.equal(await stuck.page.evaluate(() => window.annotator.count), before + 1, 'local work goes on');
    await waitStatus(stuck.page, 'Cannot sync: your sign-in has expired (1 pending)');
  });
});

test('the server killed and restarted while Alice edits: nothing is lost, the status says offline, then synced', async () => {
  await withReaders([token('alice', 'annotator'), token('bob', 'annotator')], async (alice, bob) => {
    await waitStatus(alice.page, 'Synced');
    const before = await bob.page.evaluate(() => window.annotator.count);
    teamProcess.kill('SIGKILL');
    await new Promise((r) => teamProcess.once('exit', r));
    for (const w of ['Nikolai Nikiforov', 'Huawei', 'China']) await tagWord(alice.page, w, 'Other');
    await waitStatus(alice.page, 'Offline, 3 pending');
    await startTeam(teamPort, teamDb);
    await waitStatus(alice.page, 'Synced');
    await bob.page.waitForFunction((n) => window.annotator.count === n, before + 3, { timeout: 15_000 });
  });
});

test('the CMS demo works as a team with ?server= and the token in the fragment: two windows, one article', async () => {
  const tok = (sub) => jwt(sub, 'annotator', Math.floor(Date.now() / 1000) + 3600, ['*']);
  const open = async (sub) => {
    const { context, close } = await launchFresh();
    const { page, errors } = await openDemo(context, `${url}cms-demo.html?server=${encodeURIComponent(team)}#token=${tok(sub)}`);
    return { page, errors, context, close };
  };
  const alice = await open('alice');
  const bob = await open('bob');
  try {
    await waitStatus(alice.page, 'Synced');
    await waitStatus(bob.page, 'Synced');
    await mouseSelect(alice.page, 'Nikolai Nikiforov');
    await alice.page.keyboard.press('1');
    await bob.page.waitForFunction(() => [...(aa.hl('person') || [])].some((r) => r.toString() === 'Nikolai Nikiforov'), null, { timeout: 5_000 });
    await bob.page.screenshot({ path: path.join(ARTIFACTS, 'team-cms-bob.png') });
    for (const r of [alice, bob]) {
      assert.deepEqual(await r.page.evaluate(() => window.cspViolations), [], "the demo's CSP allows the loopback server");
      assert.deepEqual(r.errors, []);
    }
  } finally {
    await alice.close();
    await bob.close();
  }
});

test('two tabs of one reader: one pushes for both, an edit goes to the server once, both show it', async () => {
  const tok = token('alice', 'annotator');
  const at = `${url}${PAGE}?server=${encodeURIComponent(team)}&token=${encodeURIComponent(tok)}`;
  const { context, close } = await launchFresh();
  try {
    const { page: one } = await openDemo(context, at);
    await waitStatus(one, 'Synced');
    const two = await context.newPage();
    await two.addInitScript(installHelpers);
    await two.goto(at);
    await two.waitForSelector('.aa-article [data-block]');
    await waitStatus(two, 'Synced');
    let puts = 0;
    context.on('request', (q) => { if (q.method() === 'PUT' && q.url().startsWith(team)) puts += 1; });
    // Tagged in the second tab, which does not push: the first pushes it, once.
    const before = await one.evaluate(() => window.annotator.count);
    await tagWord(two, 'Huawei', 'Product');
    await one.waitForFunction((n) => window.annotator.count === n, before + 1, { timeout: 5_000 });
    await waitStatus(one, 'Synced');
    await waitStatus(two, 'Synced');
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(puts, 1, 'pushed once for both tabs');
  } finally {
    await close();
  }
});
