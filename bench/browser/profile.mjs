// A CPU profile of a page through the DevTools protocol, for the browser benchmarks'
// BENCH_PROFILE=1: self time by function (the top 25), inclusive time of this crate's
// and Yew's functions, and, with BENCH_CALLERS=regex, who calls the functions matching
// it. Function names need a build that keeps them: wasm-bindgen's output before
// `wasm-opt` (scripts/wasm-opt.sh strips them).

/** Starts the sampling profiler (0.2 ms) on a CDP session; returns the session. */
export async function startProfile(cdp) {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  return cdp;
}

/** Stops it; the profile. */
export async function stopProfile(cdp) {
  return (await cdp.send('Profiler.stop')).profile;
}

const out = (s) => process.stderr.write(s);
const bare = (f) => f.replace(/::h[0-9a-f]{16}$/, '');

/** Writes the report of `profile` to stderr. `inclusiveRe`: which functions' inclusive
 *  time to list (each sample counted once per name). */
export function report(profile, callersRe, inclusiveRe = /article_annotator|serde_json::de::from_str|^__wbg_|Closure|wasm-to-js/) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = profile.timeDeltas;
  const self = new Map();
  profile.samples.forEach((id, i) => {
    const n = byId.get(id);
    const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}`;
    self.set(k, (self.get(k) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) out(`${v.toFixed(1).padStart(8)} ms ${(100 * v / total).toFixed(1).padStart(5)} %  ${k}\n`);
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map();
  profile.samples.forEach((id, i) => {
    const names = new Set();
    for (let n = id; n !== undefined; n = parent.get(n)) {
      const f = bare(byId.get(n).callFrame.functionName);
      if (inclusiveRe.test(f)) names.add(f);
    }
    for (const f of names) incl.set(f, (incl.get(f) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  if (callersRe) {
    // The nearest caller of this crate of each sample in a function matching callersRe.
    const re = new RegExp(callersRe), callers = new Map();
    profile.samples.forEach((id, i) => {
      if (!re.test(byId.get(id).callFrame.functionName)) return;
      let n = parent.get(id);
      while (n !== undefined && !/article_annotator::/.test(byId.get(n).callFrame.functionName)) n = parent.get(n);
      const k = n === undefined ? '(none)' : bare(byId.get(n).callFrame.functionName);
      callers.set(k, (callers.get(k) ?? 0) + (dt[i] ?? 0) / 1000);
    });
    for (const [k, v] of [...callers].sort((a, b) => b[1] - a[1]).slice(0, 12)) out(`caller ${v.toFixed(1).padStart(8)} ms  ${k.slice(0, 150)}\n`);
  }
  out('inclusive:\n');
  for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, 50)) out(`${v.toFixed(1).padStart(8)} ms  ${k.slice(0, 150)}\n`);
}

/** Starts a DevTools timeline trace on a CDP session (BENCH_TRACE=1); `stopTrace` ends
 *  it and returns its events. */
export async function startTrace(cdp) {
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', { categories: 'toplevel,devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,v8.wasm,disabled-by-default-v8.wasm.detailed', transferMode: 'ReportEvents' });
  return async () => { await cdp.send('Tracing.end'); await done; return events; };
}

/** Writes, for each main-thread task over 50 ms in `events`, where its time went: the
 *  self time of each kind of event under it (scripts, style with its element count,
 *  layout with its objects, HTML parsing, paint …), largest first. */
export function traceReport(events) {
  // The page's main thread: of the renderers' main threads, the busiest.
  const busy = new Map();
  for (const e of events) if (e.name === 'RunTask' && e.dur) busy.set(`${e.pid}:${e.tid}`, (busy.get(`${e.pid}:${e.tid}`) ?? 0) + e.dur);
  const mains = events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const main = mains.sort((a, b) => (busy.get(`${b.pid}:${b.tid}`) ?? 0) - (busy.get(`${a.pid}:${a.tid}`) ?? 0))[0];
  const mine = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const t0 = Math.min(...events.filter((e) => e.name === 'navigationStart' || e.name === 'TracingStartedInBrowser').map((e) => e.ts).filter(Number.isFinite));
  for (const task of mine.filter((e) => e.name === 'RunTask' && e.dur > 50_000)) {
    const end = task.ts + task.dur;
    const inside = mine.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= end);
    // Self time: each event's duration less its children's (a stack by nesting).
    const self = new Map(), stack = [];
    const label = (e) => {
      const d = e.args?.data ?? e.args?.beginData ?? {};
      if (e.name === 'UpdateLayoutTree') return `style (${e.args?.elementCount ?? d.elementCount ?? '?'} elements)`;
      if (e.name === 'Layout') return `layout (${d.dirtyObjects ?? '?'} of ${d.totalObjects ?? '?'} objects)`;
      if (e.name === 'FunctionCall' || e.name === 'EvaluateScript' || e.name === 'v8.compile') return `${e.name} ${(d.url || '').split('/').pop()} ${d.functionName || ''}`.trim();
      return e.name;
    };
    const add = (e, ms) => { const k = label(e); self.set(k, (self.get(k) ?? 0) + ms); };
    for (const e of [task, ...inside]) {
      while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
      if (stack.length) add(stack.at(-1), -e.dur / 1000);
      add(e, e.dur / 1000);
      stack.push(e);
    }
    out(`task at ${((task.ts - t0) / 1000).toFixed(0)} ms, ${(task.dur / 1000).toFixed(0)} ms:\n`);
    for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).filter(([, v]) => v >= 1).slice(0, 14)) out(`  ${v.toFixed(1).padStart(7)} ms  ${k.slice(0, 120)}\n`);
  }
}
