// Generated benchmark data: articles of N words made of the sample's body paragraphs,
// and W3C entity annotations spread over them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const sample = fs.readFileSync(path.join(ROOT, 'tests/fixtures/moscow-times-2014-08-18.md'), 'utf8');
const PARAS = sample.split(/\n\s*\n/).map((p) => p.trim().replace(/\s+/g, ' ')).filter((p) => p.split(' ').length > 20);
const TYPES = ['Person', 'Organization', 'Location', 'Event', 'Product', 'Other'];

/** An article of about `words` words: the sample's body paragraphs repeated. */
export function article(words) {
  const out = [];
  let n = 0;
  for (let i = 0; n < words; i++) { const p = PARAS[i % PARAS.length]; out.push(p); n += p.split(' ').length; }
  return out.join('\n\n');
}

/** Word spans of the text in code points (the texts are ASCII: one unit, one code point). */
export function words(text) {
  const spans = [];
  const re = /[A-Za-z0-9']+/g;
  for (let m; (m = re.exec(text));) spans.push([m.index, m.index + m[0].length]);
  return spans;
}

let seed = 42;
/** Restarts the generator, so every combination gets the same annotations. */
export const reseed = () => { seed = 42; };
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

/** `count` entity annotations spread evenly over the words, 1–3 words long; about one
 *  in ten starts inside the previous one and runs past its end (an overlap). */
export function annotations(text, count) {
  const ws = words(text);
  const list = [];
  for (let i = 0; i < count; i++) {
    let w = Math.floor((i * ws.length) / count);
    let len = 1 + Math.floor(rand() * 3);
    if (i % 10 === 9 && i > 0) { len = 4; }
    const a = ws[Math.min(w, ws.length - 1)], b = ws[Math.min(w + len - 1, ws.length - 1)];
    list.push(w3c(text, `urn:bench:${i}`, a[0], b[1], TYPES[i % TYPES.length]));
  }
  return list;
}

export function w3c(text, id, start, end, type) {
  return {
    '@context': 'http://www.w3.org/ns/anno.jsonld', id, type: 'Annotation', motivation: 'tagging',
    created: '2026-11-25T00:00:00Z', modified: '2026-11-25T00:00:00Z',
    body: [{ type: 'TextualBody', purpose: 'tagging', value: type }],
    target: { source: 'urn:bench', selector: [
      { type: 'TextQuoteSelector', exact: text.slice(start, end), prefix: text.slice(Math.max(0, start - 32), start), suffix: text.slice(end, end + 32) },
      { type: 'TextPositionSelector', start, end },
    ] },
  };
}

