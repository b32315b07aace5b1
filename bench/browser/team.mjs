// The team sync's figures (not a test; loopback only, bounded): a throwaway PostgreSQL
// and the team server (optimised build), the widget in headless Chromium.
//   1. load at 100k words × 10k annotations: from the server (the change feed, into an
//      empty profile) against from localStorage (a reload), in the same run;
//   2. live update: Alice adds an annotation, Bob's widget paints it (Date.now() in both
//      pages, one machine): median and p95 of 20;
//   3. 1,000 edits made offline, then drained: time and number of requests.
//
// Usage: scripts/bench-team.sh [--rounds N] [--words N] [--count N]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import crypto from 'node:crypto';
import { spawn, execFileSync } from 'node:child_process';
import { startServer, launchFresh, ROOT } from '../../tests/e2e/harness.mjs';
import { article, annotations, reseed } from './data.mjs';
import { startProfile, stopProfile, report } from './profile.mjs';

const arg = (name, dflt) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : dflt; };
const ROUNDS = Number(arg('--rounds', 3));
const WORDS = Number(arg('--words', 100000));
const COUNT = Number(arg('--count', 10000));
const ONLY = arg('--only', ''); // "load": the first figure alone
const SECRET = 'bench-secret-0123456789abcdef0123456789';
const BIN = process.env.AA_SERVER_BIN || path.join(ROOT, 'target', 'server', 'article-annotator-server');
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.round((s.length - 1) * p))]; };
const freePort = () => new Promise((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });

function jwt(sub) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = b64({ alg: 'HS256', typ: 'JWT' });
  const body = b64({ sub, name: sub, role: 'editor', docs: ['*'], exp: Math.floor(Date.now() / 1000) + 7200 });
  return `${head}.${body}.${crypto.createHmac('sha256', SECRET).update(`${head}.${body}`).digest('base64url')}`;
}

const uuid = (i) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

// ---- the server -------------------------------------------------------------------
const { server: site, url } = await startServer();
const pgDir = path.join(os.tmpdir(), `aa-pg-bench-team-${process.pid}`);
const pgPort = execFileSync('bash', [path.join(ROOT, 'scripts/pg-cluster.sh'), 'start', pgDir, '0', String(process.pid)]).toString().trim();
const pgBin = execFileSync('bash', [path.join(ROOT, 'scripts/pg-cluster.sh'), 'bin']).toString().trim();
execFileSync(path.join(pgBin, 'psql'), ['-h', '127.0.0.1', '-p', pgPort, '-U', 'postgres', '-qc', 'CREATE DATABASE bench']);
const port = await freePort();
const team = `http://127.0.0.1:${port}`;
const teamProcess = spawn(BIN, ['serve'], {
  env: { ...process.env, AA_DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/bench`, AA_JWT_SECRET: SECRET, AA_LISTEN: `127.0.0.1:${port}`,
    AA_ALLOWED_ORIGINS: url.replace(/\/$/, ''), AA_RATE_LIMIT: '0', RUST_LOG: 'warn' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
for (let i = 0; i < 200; i++) {
  try { if ((await fetch(`${team}/health`)).ok) break; } catch { /* not yet */ }
  await new Promise((r) => setTimeout(r, 50));
}

const PAGE = 'bench/team.html';
fs.mkdirSync(path.join(ROOT, 'dist', 'bench'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'dist', PAGE), `<!doctype html><meta charset="utf-8"><title>team bench</title><link rel="icon" href="../favicon.svg">
<div id="host"></div>
<script type="module">
  import init, { mount } from '../pkg/article_annotator.js';
  window.benchReady = init();
  const painted = (a, n) => a.count === n && a.paintedRevision === a.revision;
  /** Mounts and resolves with the ms from mount until n annotations are painted. */
  window.load = async (opts, n) => {
    await window.benchReady;
    const t0 = performance.now();
    performance.mark('mount');
    window.annotator = mount(document.getElementById('host'), opts);
    await new Promise((r) => { const tick = () => painted(window.annotator, n) ? r() : requestAnimationFrame(tick); tick(); });
    return performance.now() - t0;
  };
  /** Records Date.now() each time the painted count grows (Bob's side of a live update). */
  window.watch = () => {
    window.seen = [];
    let last = window.annotator.count;
    const tick = () => {
      const a = window.annotator;
      if (a.count > last && a.paintedRevision === a.revision) { last = a.count; window.seen.push(Date.now()); }
      requestAnimationFrame(tick);
    };
    tick();
  };
</script>`);

async function openPage() {
  const { context, close } = await launchFresh();
  const page = context.pages()[0];
  await page.goto(url + PAGE);
  await page.evaluate(() => window.benchReady);
  return { context, page, close };
}

const rows = [];
try {
  const text = article(WORDS);
  reseed();
  const list = annotations(text, COUNT).map((a, i) => ({ ...a, id: `urn:uuid:${uuid(i)}` }));
  // Seed the server's copy of the article (through the protocol, 32 at a time).
  const tok = jwt('seeder');
  let next = 0;
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (next < list.length) {
      const a = list[next++];
      const body = { ...a, canonical: a.id };
      delete body.id;
      const r = await fetch(`${team}/annotations/bench-load/${a.id.slice(9)}`, { method: 'PUT', headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/ld+json' }, body: JSON.stringify(body) });
      if (!r.ok) throw new Error(`seeding: ${r.status} ${await r.text()}`);
    }
  }));

  // What the first visit's pages cost on their own: fetched from Node, in turn.
  const wire = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    let since = 0, bytes = 0, pages = 0;
    for (;;) {
      const res = await fetch(`${team}/annotations/bench-load/changes?since=${since}&form=compact`, { headers: { Authorization: `Bearer ${tok}` } });
      const body = await res.text();
      bytes += body.length;
      pages += 1;
      const v = JSON.parse(body);
      since = v.last;
      if (!v.more) break;
    }
    wire.push(performance.now() - t0);
    if (r === 0) process.stderr.write(`the feed: ${pages} pages, ${(bytes / 1e6).toFixed(1)} MB\n`);
  }

  // 1. Load: from the server into an empty profile; from localStorage (a reload).
  const article_ = { format: 'text', content: text };
  const fromServer = [], fromLocal = [], warm = [];
  for (let r = 0; r < ROUNDS; r++) {
    let p = await openPage();
    try {
      const opts = [article_, team, jwt(`reader${r}`), COUNT];
      const syncLoad = ([art, team, tok, n]) => window.load({ documentId: 'bench-load', article: art, sync: { url: team, token: tok } }, n);
      let cdp;
      if (process.env.BENCH_PROFILE && r === 0) cdp = await startProfile(await p.context.newCDPSession(p.page));
      fromServer.push(await p.page.evaluate(syncLoad, opts));
      if (process.env.BENCH_TIMELINE && r === 0) {
        // When each feed page was asked for and arrived, against mount (ms).
        const t = await p.page.evaluate(() => {
          const t0 = performance.getEntriesByType('mark').find((m) => m.name === 'mount')?.startTime ?? 0;
          return performance.getEntriesByType('resource').filter((e) => e.name.includes('/changes?')).map((e) => [e.startTime - t0, e.responseStart - t0, e.responseEnd - t0].map((x) => x.toFixed(0)).join(' → '));
        });
        process.stderr.write(`feed pages (asked → first byte → last byte, ms after mount):\n  ${t.join('\n  ')}\n`);
      }
      if (cdp) {
        // Self and inclusive time by function (BENCH_PROFILE=1, with a build that keeps names).
        report(await stopProfile(cdp), process.env.BENCH_CALLERS);
      }
      // A returning reader: the same page again, with what the first visit kept.
      await p.page.evaluate(() => new Promise((r) => setTimeout(r, 2000)));
      await p.page.reload();
      await p.page.evaluate(() => window.benchReady);
      warm.push(await p.page.evaluate(syncLoad, opts));
    } finally { await p.close(); }
    p = await openPage();
    try {
      await p.page.evaluate(([art, list, n]) => window.load({ documentId: 'bench-local', article: art, annotations: list }, n), [article_, list, COUNT]);
      await p.page.evaluate(() => new Promise((r) => setTimeout(r, 1500))); // the save (300 ms after the load)
      await p.page.reload();
      await p.page.evaluate(() => window.benchReady);
      fromLocal.push(await p.page.evaluate(([art, n]) => window.load({ documentId: 'bench-local', article: art }, n), [article_, COUNT]));
    } finally { await p.close(); }
    process.stderr.write(`load round ${r + 1}: server ${fromServer.at(-1).toFixed(0)} ms, again with the server ${warm.at(-1).toFixed(0)} ms, localStorage ${fromLocal.at(-1).toFixed(0)} ms\n`);
  }
  const span = (xs) => `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
  rows.push(`| the first visit's feed pages fetched by Node alone, in turn (the server's and the wire's share) | ${span(wire)} |`);
  rows.push(`| load at ${WORDS.toLocaleString('en')} words × ${COUNT.toLocaleString('en')}, mount → painted (${ROUNDS} rounds) | without a server, from localStorage: ${span(fromLocal)}; with the server, a first visit (everything from the feed): ${span(fromServer)}, ratio ${(median(fromServer) / median(fromLocal)).toFixed(2)}; with the server, a return visit (localStorage, then the feed since the last change seen): ${span(warm)}, ratio ${(median(warm) / median(fromLocal)).toFixed(2)} |`);

  if (ONLY === 'load') throw 'done';
  // 2. Live update: Alice adds, Bob paints.
  const small = article(1000);
  const small_ = { format: 'text', content: small };
  reseed();
  const adds = annotations(small, 20).map((a, i) => ({ ...a, id: `urn:uuid:${uuid(900000 + i)}` }));
  const alice = await openPage(), bob = await openPage();
  try {
    await alice.page.evaluate(([art, team, tok]) => window.load({ documentId: 'bench-live', article: art, sync: { url: team, token: tok } }, 0), [small_, team, jwt('alice')]);
    await bob.page.evaluate(([art, team, tok]) => window.load({ documentId: 'bench-live', article: art, sync: { url: team, token: tok } }, 0), [small_, team, jwt('bob')]);
    await bob.page.waitForFunction(() => document.getElementById('host').shadowRoot.querySelector('.aa-sync')?.textContent === 'Synced');
    await new Promise((r) => setTimeout(r, 500)); // the stream open
    await bob.page.evaluate(() => window.watch());
    const lat = [];
    for (const a of adds) {
      const t0 = await alice.page.evaluate((a) => { const t = Date.now(); window.annotator.add(a); return t; }, a);
      await bob.page.waitForFunction((n) => window.seen.length >= n, lat.length + 1, { timeout: 10_000 });
      lat.push((await bob.page.evaluate(() => window.seen.at(-1))) - t0);
    }
    rows.push(`| live update, Alice's add → Bob's highlight painted (20, loopback) | median ${median(lat).toFixed(0)} ms, p95 ${pct(lat, 0.95).toFixed(0)} ms, max ${Math.max(...lat).toFixed(0)} ms |`);

    // 3. 1,000 edits offline, then drained.
    let requests = 0;
    alice.context.on('request', (q) => { if (q.url().startsWith(team) && q.method() !== 'GET') requests += 1; });
    await alice.context.route(`${team}/**`, (r) => r.abort('internetdisconnected'));
    await alice.page.evaluate((text) => {
      for (let i = 0; i < 1000; i++) {
        const start = (i * 7919) % (text.length - 40);
        const s = text.indexOf(' ', start) + 1, e = text.indexOf(' ', s);
        window.annotator.add({ '@context': 'http://www.w3.org/ns/anno.jsonld', type: 'Annotation', id: `urn:uuid:00000000-0000-4000-9000-${i.toString(16).padStart(12, '0')}`,
          body: { type: 'TextualBody', purpose: 'tagging', value: 'Other' }, target: { selector: [{ type: 'TextPositionSelector', start: s, end: e }, { type: 'TextQuoteSelector', exact: text.slice(s, e) }] } });
      }
    }, small);
    await alice.page.waitForFunction(() => /^Offline, 1000 pending/.test(document.getElementById('host').shadowRoot.querySelector('.aa-sync')?.textContent ?? ''), null, { timeout: 30_000 });
    requests = 0;
    await alice.context.unroute(`${team}/**`);
    const t0 = Date.now();
    await alice.page.evaluate(() => window.dispatchEvent(new Event('online')));
    await alice.page.waitForFunction(() => document.getElementById('host').shadowRoot.querySelector('.aa-sync')?.textContent === 'Synced', null, { timeout: 120_000, polling: 50 });
    const ms = Date.now() - t0;
    rows.push(`| 1,000 edits made offline, drained | ${(ms / 1000).toFixed(2)} s, ${requests} requests (one PUT each, up to 4 under way at once over HTTP/1.1 keep-alive; no batching), ${(1000 / (ms / 1000)).toFixed(0)} edits/s |`);
  } finally {
    await alice.close();
    await bob.close();
  }
} catch (e) { if (e !== 'done') throw e; } finally {
  teamProcess.kill('SIGKILL');
  site.close();
  fs.rmSync(path.join(ROOT, 'dist', PAGE), { force: true });
  try { execFileSync('bash', [path.join(ROOT, 'scripts/pg-cluster.sh'), 'stop', pgDir, 'immediate']); } catch { /* the watchdog does it */ }
  fs.rmSync(pgDir, { recursive: true, force: true });
}
console.log(`Measured ${new Date().toISOString().slice(0, 10)}, \`scripts/bench-team.sh --rounds ${ROUNDS} --words ${WORDS} --count ${COUNT}\`:\n`);
console.log('| what | result |\n|---|---|');
for (const r of rows) console.log(r);
