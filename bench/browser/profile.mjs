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
