// The benchmark page: runs one subject ("widget" or "floor") on data the runner injects.
import init, { mount } from '../pkg/article_annotator.js';
import { floorLoad, floorAdd } from './floor.js';

const host = document.getElementById('host');
const painted = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
// Yields to the event loop without setTimeout's 4 ms clamping.
const channel = new MessageChannel();
const tick = () => new Promise((r) => { channel.port1.onmessage = () => r(); channel.port2.postMessage(0); });

// The widget has applied `count` annotations and rendered that revision.
const rendered = async (annotator, count) => {
  while (annotator.count !== count || host.shadowRoot?.querySelector('.aa-root')?.dataset.rev !== String(annotator.revision)) {
    await tick();
  }
};

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
      await rendered(window.subject, annotations.length);
    }
    await painted();
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
    if (subject === 'floor') floorAdd(window.subject, annotation);
    else { const n = window.subject.count + 1; window.subject.add(annotation); await rendered(window.subject, n); }
    await painted();
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
      const wait = async () => {
        while (subject !== 'floor' && !host.shadowRoot?.querySelector('.aa-toolbar')) await tick();
        await painted(); marks.toolbar = performance.now(); shown();
      };
      wait();
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
      const n = window.subject.count + 1;
      const wait = async () => { await rendered(window.subject, n); await painted(); marks.done = performance.now(); painted_(); };
      wait();
    }, { once: true, capture: true });
    window.selectionMarks = marks;
  },
};
