// Writes a brat corpus for the converter's benchmark: N documents (default 1,000), each
// about 300 words over 15 lines (Latin, Cyrillic, Chinese and emoji), with 40
// text-bound annotations, 5 relations, 5 attributes and a note, into DIR.
// Usage: node bench/convert/make-corpus.mjs DIR [N]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, n = '1000'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: make-corpus.mjs DIR [N]');
  process.exit(2);
}
mkdirSync(dir, { recursive: true });
const words = ['Nikiforov', 'said', 'the', 'Kremlin', 'agreed', 'Кремль', 'заявил', '习近平', 'Beijing', 'software', '👩🏽‍💻', 'deliveries', 'Mü\u0308nchen', 'and', 'China'];
const labels = ['Person', 'Organization', 'Location', 'Gene_expression', 'Claim'];
let seed = 1;
const rand = (k) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % k;
};
for (let d = 0; d < Number(n); d++) {
  const lines = [];
  for (let l = 0; l < 15; l++) {
    const line = [];
    for (let w = 0; w < 20; w++) line.push(words[rand(words.length)]);
    lines.push(line.join(' '));
  }
  const text = lines.join('\n') + '\n';
  const cps = Array.from(text);
  // Word starts in code points, found once.
  const starts = [];
  for (let i = 0; i < cps.length; i++) if (cps[i] !== ' ' && cps[i] !== '\n' && (i === 0 || cps[i - 1] === ' ' || cps[i - 1] === '\n')) starts.push(i);
  const ann = [];
  for (let t = 1; t <= 40; t++) {
    const s = starts[rand(starts.length)];
    let e = s;
    while (e < cps.length && cps[e] !== ' ' && cps[e] !== '\n') e++;
    ann.push(`T${t}\t${labels[rand(labels.length)]} ${s} ${e}\t${cps.slice(s, e).join('')}`);
  }
  for (let r = 1; r <= 5; r++) ann.push(`R${r}\tRelated Arg1:T${r} Arg2:T${r + 10}`);
  for (let a = 1; a <= 5; a++) ann.push(`A${a}\tNegated T${a + 20}`);
  ann.push('#1\tAnnotatorNotes T1\tchecked');
  const stem = `doc-${String(d).padStart(4, '0')}`;
  writeFileSync(join(dir, `${stem}.txt`), text);
  writeFileSync(join(dir, `${stem}.ann`), ann.join('\n') + '\n');
}
console.log(`${n} documents in ${dir}`);
