// The floor: plain JS drawing the same highlights with the CSS Custom Highlight API
// (Ranges in CSS.highlights, no DOM change to the text). What the browser itself can do.
export function floorLoad(host, text, annotations) {
  const blocks = text.split('\n\n');
  const starts = []; // code-point start of each block
  let at = 0;
  for (const b of blocks) {
    const p = document.createElement('p');
    p.textContent = b;
    host.appendChild(p);
    starts.push(at);
    at += [...b].length + 2;
  }
  const nodes = [...host.querySelectorAll('p')].map((p) => p.firstChild);
  const floor = { blocks, starts, nodes, highlights: new Map() };
  for (const a of annotations) floorAdd(floor, a);
  return floor;
}

function blockOf(floor, cp) {
  let lo = 0, hi = floor.starts.length - 1;
  while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (floor.starts[mid] <= cp) lo = mid; else hi = mid - 1; }
  return lo;
}

// Code points within a block to UTF-16 (the benchmark texts are ASCII, but stay exact).
function utf16(block, cps) {
  let u = 0, i = 0;
  for (const ch of block) { if (i++ === cps) break; u += ch.length; }
  return u;
}

export function floorAdd(floor, a) {
  const pos = a.target.selector.find((s) => s.type === 'TextPositionSelector');
  const type = a.body[0].value.toLowerCase();
  const b = blockOf(floor, pos.start);
  const r = new Range();
  r.setStart(floor.nodes[b], utf16(floor.blocks[b], pos.start - floor.starts[b]));
  r.setEnd(floor.nodes[b], utf16(floor.blocks[b], Math.min(pos.end - floor.starts[b], [...floor.blocks[b]].length)));
  let h = floor.highlights.get(type);
  if (!h) { h = new Highlight(); floor.highlights.set(type, h); CSS.highlights.set(type, h); }
  h.add(r);
}
