// The benchmark page: runs one subject ("widget" or "floor") on data the runner injects.
import init, { mount } from '../pkg/article_annotator.js';
import { floorLoad, floorAdd } from './floor.js';

const host = document.getElementById('host');
const painted = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
// Resolves once a frame that shows what `shown()` checks has been painted. The first
// frame is awaited from the moment of the change, as the floor's is (`painted`); `shown()`
// is asked at that frame's start, after the widget's render (a microtask of the task that
// made the change), and only if it is not yet true are later frames awaited. (Waiting for
// the render first, then for a frame, could miss a frame that had begun meanwhile, and
// added up to a frame to the widget's figures only.)
const paintedWith = async (shown) => {
  for (;;) {
    const ok = await new Promise((r) => requestAnimationFrame(() => { const yes = shown(); setTimeout(() => r(yes), 0); }));
    if (ok) return;
  }
};

// The widget has applied `count` annotations, rendered that revision, and put its
// article text and highlights in the page (`paintedRevision`). Yew may paint the
// rendered revision a frame before its effects run; a frame with `data-rev` alone could
// show an empty article (it did, before the widget painted its article before Yew's
// effects, and this check counted it).
const rendered = (annotator, count) => () =>
  annotator.count === count && annotator.paintedRevision === annotator.revision &&
  host.shadowRoot?.querySelector('.aa-root')?.dataset.rev === String(annotator.revision);

let wasm = null;
window.bench = {
  async ready() { wasm = await init(); },
  wasmBytes: () => (wasm ? wasm.memory.buffer.byteLength : 0),

  async load(subject, text, annotations) {
    const t0 = performance.now();
    if (subject === 'floor') {
      window.subject = floorLoad(host, text, annotations);
    } else {
      window.subject = mount(host, { documentId: 'bench', storage: 'local', article: { format: 'text', content: text }, annotations });
    }
    await (subject === 'floor' ? painted() : paintedWith(rendered(window.subject, annotations.length)));
    return performance.now() - t0;
  },

  // Scrolls paragraph `k` to the middle of the viewport (untimed): an annotation is
  // added where the reader is looking, for the widget and the floor alike.
  async reveal(subject, k) {
    const p = subject === 'floor' ? host.querySelectorAll('p')[k] : host.shadowRoot?.querySelector(`[data-block="${k}"]`);
    p?.scrollIntoView({ block: 'center' });
    await painted();
    await painted();
  },

  async add(subject, annotation) {
    const t0 = performance.now();
    if (subject === 'floor') {
      floorAdd(window.subject, annotation);
      await painted();
    } else {
      const n = window.subject.count + 1;
      window.subject.add(annotation);
      await paintedWith(rendered(window.subject, n));
    }
    return performance.now() - t0;
  },

  // The widget's save of everything: one change, then what pagehide triggers at once.
  save(annotation) {
    window.subject.add(annotation);
    const t0 = performance.now();
    window.dispatchEvent(new Event('pagehide'));
    const ms = performance.now() - t0;
    const stored = localStorage.getItem('article-annotator/v1/bench') || '';
    return { ms, chars: stored.length };
  },

  // Marks the time of the next mouseup and keydown, and when the toolbar, then the new
  // highlight, were painted after them. The runner awaits `marks.shown` and `marks.painted`
  // (one call each) rather than polling, which would add its own scripts to the frames.
  // The floor has no toolbar: its mouseup leaves the browser's selection painted, and its
  // key turns the selection into a highlight (a Range in `CSS.highlights`) and clears it.
  armSelection(subject) {
    const marks = {};
    let shown, painted_;
    marks.shown = new Promise((r) => { shown = r; });
    marks.painted = new Promise((r) => { painted_ = r; });
    document.addEventListener('mouseup', () => {
      marks.up = performance.now();
      paintedWith(() => subject === 'floor' || !!host.shadowRoot?.querySelector('.aa-toolbar')).then(() => { marks.toolbar = performance.now(); shown(); });
    }, { once: true, capture: true });
    document.addEventListener('keydown', () => {
      marks.key = performance.now();
      if (subject === 'floor') {
        const sel = getSelection();
        const range = sel.getRangeAt(0).cloneRange();
        sel.removeAllRanges();
        window.subject.highlights.values().next().value.add(range);
        painted().then(() => { marks.done = performance.now(); painted_(); });
        return;
      }
      paintedWith(rendered(window.subject, window.subject.count + 1)).then(() => { marks.done = performance.now(); painted_(); });
    }, { once: true, capture: true });
    window.selectionMarks = marks;
  },
};
