// <article-annotator>: the drop-in custom element. Load this module once per page:
//
//   <script type="module" src="/pkg/element.js"></script>
//   <article-annotator document-id="story-123"> …the article's HTML… </article-annotator>
//
// Each element becomes a widget over its own (sanitized) HTML, in a shadow root of its
// own. Attributes: document-id, storage ("local" | "none"), read-only, schema (JSON),
// user, server (the team server's root URL). The `token` property (never an attribute:
// tokens don't belong in HTML) is the team server's token, a string or a function
// returning a promise of one (called again after a 401); with `server` and no token yet,
// the widget waits for it. The element's `annotator` property is the JS API handle (or
// null before it is ready); it fires `annotator-ready` when mounted and `annotator-error`
// (detail: {message}) when it cannot start, besides the widget's annotation events.
//
// `loading` chooses when the widget (its JS and wasm) is fetched and started: "eager"
// (the default: at once), "idle" (after the page's load, when the browser is idle) or
// "interaction" (on the reader's first selection in the article, or the "Annotate"
// control, or the element's `activate()`). Until then the article is the page's own, as
// the CMS rendered it, readable and selectable; a selection the reader made in it
// becomes the widget's pending selection once it is up, whatever the mode.
//
// Whatever the mode, the highlights of a previous visit (the annotations the widget kept
// in localStorage, and the paint style it kept beside them) are painted on the page's
// own article at once, before the widget is fetched (`prepaint`); the widget takes over
// when it has painted. A reader sees their highlights for the cost of this file.

let module = null;
/** Fetches and starts the wasm module, once for every element on the page. */
export function load() {
  // warmUp, in a task of its own: what the first mount runs, compiled before it.
  module ??= import('./article_annotator.js').then(async (m) => { await m.default(); await nextTask(); try { m.warmUp(); } catch { /* only a head start */ } return m; });
  return module;
}
/** Resolves when the wasm module is ready (asking for it fetches it). */
export const ready = { then: (resolve, reject) => load().then(resolve, reject) };

const ATTRIBUTES = ['document-id', 'storage', 'read-only', 'schema', 'user', 'server'];

/** The "Annotate" control's place: over the article's top right corner, in the
 *  element's shadow root (nothing of the page moves for it). */
const WAITING_CSS = `:host { display: block; position: relative; }
:host([hidden]) { display: none; }
.annotate { position: absolute; top: 0; right: 0; z-index: 1; min-width: 24px; min-height: 24px; margin: 4px;
  font: 600 13px/1 system-ui, sans-serif; padding: 6px 10px; border-radius: 4px; border: 1px solid #475569;
  background: #fff; color: #1e293b; cursor: pointer; opacity: .85; }
.annotate:hover, .annotate:focus-visible { opacity: 1; }
.annotate:focus-visible { outline: 3px solid #2563eb; outline-offset: 2px; }`;
let waitingSheet = null;

/** Resolves in a new task (`scheduler.yield` where there is one). */
const nextTask = () => (globalThis.scheduler?.yield ? scheduler.yield() : new Promise((r) => setTimeout(r, 0)));

/** The widgets of a page start one after another: each mounts once the one before it has
 *  painted (or after a second at most), in a task of its own. Nothing then shows one
 *  half-started while another renders, and no task holds two mounts. */
let turn = Promise.resolve();
function takeTurn() {
  const before = turn;
  let done;
  turn = new Promise((r) => { done = r; });
  return before.then(nextTask).then(() => done);
}
function whenPainted(annotator, done) {
  const t0 = performance.now();
  const tick = () => {
    if (annotator.paintedRevision !== undefined || performance.now() - t0 > 1000) done();
    else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/** The font faces the widget's first render uses (annotator.css: `--aa-font` for the
 *  article, `--aa-ui-font` for the rest, the keys' stack; a page may set the first two
 *  on the element), as [family, weight, style]. */
const FONT_STACKS = {
  '--aa-font': 'Georgia, "Times New Roman", serif',
  '--aa-ui-font': 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  keys: 'ui-monospace, SFMono-Regular, Menlo, monospace',
};
const FACES = [['--aa-font', 400, 'normal'], ['--aa-font', 700, 'normal'], ['--aa-font', 400, 'italic'],
  ['--aa-ui-font', 400, 'normal'], ['--aa-ui-font', 600, 'normal'], ['--aa-ui-font', 700, 'normal'], ['keys', 400, 'normal']];
/** Laid out, never seen, taking no room. */
const PROBE_CSS = '.aa-font-probe { position: absolute; width: 1px; height: 1px; overflow: hidden; visibility: hidden; pointer-events: none; white-space: nowrap; }';
let probeSheet = null;
/** Fonts are the page's: the first widget to start warms them for all. */
let fontsWarmed = false;

/** Has the browser find and open the widget's fonts in frames of their own, while the
 *  widget is fetched: a word in each face it will use, in `el`'s shadow root
 *  beside the slot that shows the page's own article (the widget's first render empties
 *  the shadow root). On a CMS page at 4× CPU throttling the widget's first frame spent
 *  about 20 of its 50–100 ms of style and layout opening fonts the page does not use
 *  (docs/PERFORMANCE.md). Waits for the page's first frame, so that it is not made
 *  longer, then adds one face a frame. Nothing moves: the probe is out of the flow, one
 *  pixel, hidden. */
function warmFonts(el) {
  if (fontsWarmed || !('adoptedStyleSheets' in Document.prototype)) return;
  fontsWarmed = true;
  requestAnimationFrame(() => setTimeout(() => {
    if (!el.isConnected) { fontsWarmed = false; return; }
    let root = el.shadowRoot;
    if (!root) {
      try { root = el.attachShadow({ mode: 'open' }); } catch { return; } // mount will say why
      root.innerHTML = '<slot></slot>';
    }
    // The widget has rendered (or is rendering) into it already: nothing to do.
    if (root.querySelector('.aa-shell, .aa-font-probe')) return;
    if (!probeSheet) { probeSheet = new CSSStyleSheet(); probeSheet.replaceSync(PROBE_CSS); }
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, probeSheet];
    const probe = document.createElement('span');
    probe.className = 'aa-font-probe';
    probe.setAttribute('aria-hidden', 'true');
    root.append(probe);
    const style = getComputedStyle(el);
    // One face a frame: opening all of them at once was itself a frame of 50–60 ms at 4×.
    const next = (i) => {
      if (i >= FACES.length || !probe.isConnected) return;
      const [stack, weight, fontStyle] = FACES[i];
      const face = document.createElement('span');
      // CSSOM, not a style attribute: a strict Content-Security-Policy allows it.
      const page = stack.startsWith('--') ? style.getPropertyValue(stack).trim() : '';
      face.style.fontFamily = page || FONT_STACKS[stack];
      face.style.fontWeight = String(weight);
      face.style.fontStyle = fontStyle;
      face.textContent = 'Annotate';
      probe.append(face);
      requestAnimationFrame(() => setTimeout(() => next(i + 1), 0));
    };
    next(0);
  }, 0));
}

let prepainted = 0;
/** At most this many of a previous visit's annotations are painted early (the rest wait for the widget). */
const MAX_PREPAINT = 5000;
/** The largest stored form (characters) read for an early paint. */
const MAX_STORED = 1_000_000;

/** Paints the highlights a previous visit kept for `documentId` on `el`'s own text (its
 *  light DOM), with the CSS Custom Highlight API and the paint style the widget kept.
 *  Each annotation is found by its quote with its context (the stored prefix, text and
 *  suffix, compared without white space, as the page's markup spaces them differently
 *  from the widget's text), and painted only where that is found once, or, in a passage
 *  the article repeats, at the place its stored position points to when that place is
 *  clearly the nearest: a highlight is never put on text that is not its own with its
 *  context (an edited article paints fewer, never wrong ones). The work is done in
 *  slices of 8 ms. Returns a function that takes the highlights and their style away
 *  (the widget calls it once it has painted its own), or null when there is nothing
 *  stored to paint. */
function prepaint(el, documentId) {
  if (!documentId || !globalThis.CSS?.highlights || typeof Highlight === 'undefined' || !('adoptedStyleSheets' in document)) return null;
  let stored, style;
  try {
    const raw = localStorage.getItem(`article-annotator/v1/${documentId}`) || 'null';
    // Past 1 M characters (some 5,000 annotations) reading it alone would be a long task.
    if (raw.length > MAX_STORED) return null;
    stored = JSON.parse(raw);
    style = JSON.parse(localStorage.getItem(`article-annotator/paint/v1/${documentId}`) || 'null');
  } catch { return null; }
  if (!Array.isArray(stored?.a) || !stored.a.length || style?.v !== 1 || typeof style.css !== 'string' || !style.types) return null;
  // The article's text without white space (text that is not the article's, which the
  // widget's reader skips too, left out), and where each text node's part of it starts.
  const squeeze = (s) => (typeof s === 'string' ? s.replace(/\s+/g, '') : '');
  let text = '';
  const nodes = [], starts = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, { acceptNode: (n) => (n.parentElement?.closest('script, style, template, noscript, textarea, select, button') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT) });
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const part = squeeze(n.data);
    if (!part) continue;
    nodes.push(n);
    starts.push(text.length);
    text += part;
  }
  /** The text node and offset of the `k`-th character of `text` (binary search, then
   *  a count of the node's characters that are not white space). */
  const point = (k) => {
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (starts[mid] <= k) lo = mid; else hi = mid - 1; }
    const data = nodes[lo].data;
    for (let i = 0, seen = starts[lo]; i < data.length; i++) {
      if (/\s/.test(data[i])) continue;
      if (seen === k) return [nodes[lo], i];
      seen++;
    }
    return [nodes[lo], data.length];
  };
  // Where each quote with its context is: once, or (a passage the article repeats) the
  // place its stored position points to, when one place is clearly nearer than any
  // other. A position counts code points of the widget's text, white space included:
  // scaled by the share of its quotes' characters that are not white space.
  const items = [];
  let kept = 0, all = 0;
  for (const a of stored.a.slice(0, MAX_PREPAINT)) {
    const before = squeeze(a.p), exact = squeeze(a.x), needle = before + exact + squeeze(a.q);
    if (!exact) continue;
    items.push({ a, before, exact, needle });
    all += `${a.p ?? ''}${a.x}${a.q ?? ''}`.length;
    kept += needle.length;
  }
  const share = all ? kept / all : 1;
  const prefix = `aa-pre${++prepainted}-`;
  const sheet = new CSSStyleSheet();
  try { sheet.replaceSync(style.css.replaceAll('@@', prefix)); } catch { return null; } // A style this file cannot read: the widget paints.
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  const highlights = new Map();
  let stopped = false;
  /** Where an item is, as a Range, or null (see above). */
  const place = ({ a, before, exact, needle }) => {
    let found = text.indexOf(needle);
    if (found < 0) return null;
    if (text.indexOf(needle, found + 1) >= 0) {
      if (!Number.isInteger(a.s)) return null;
      const want = a.s * share - before.length;
      const places = [];
      for (let i = found; i >= 0 && places.length < 64; i = text.indexOf(needle, i + 1)) places.push(i);
      places.sort((x, y) => Math.abs(x - want) - Math.abs(y - want));
      if (Math.abs(places[0] - want) * 3 > Math.abs(places[1] - want)) return null;
      found = places[0];
    }
    const first = found + before.length, last = first + exact.length - 1;
    const r = new Range();
    const [a0, o0] = point(first), [a1, o1] = point(last);
    r.setStart(a0, o0);
    r.setEnd(a1, o1 + 1);
    return r;
  };
  // In slices of 8 ms, each in a task of its own: a long article with thousands of
  // annotations never holds the page's main thread (each slice's highlights show at once).
  let next = 0;
  const slice = () => {
    if (stopped) return;
    const t0 = performance.now();
    while (next < items.length && performance.now() - t0 < 8) {
      const item = items[next++], a = item.a;
      const r = place(item);
      if (!r) continue;
      const name = a.t === undefined ? 'claim' : (style.types[a.t] ?? 'other');
      let h = highlights.get(name);
      if (!h) { h = new Highlight(); highlights.set(name, h); CSS.highlights.set(prefix + name, h); }
      h.add(r);
    }
    if (next < items.length) setTimeout(slice, 0);
  };
  slice();
  return () => {
    stopped = true;
    for (const name of highlights.keys()) CSS.highlights.delete(prefix + name);
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter((x) => x !== sheet);
  };
}

/** The reader's selection inside `el` (its light DOM), as a quote with 32 characters of
 *  context on each side; null if there is none. The raw text (`Range.toString`), not
 *  what the page's CSS shows (a text-transform). */
function selectionIn(el) {
  const sel = document.getSelection();
  if (!sel || sel.isCollapsed || !sel.rangeCount) return null;
  const r = sel.getRangeAt(0);
  if (!el.contains(r.commonAncestorContainer)) return null;
  const exact = r.toString();
  if (!exact.trim()) return null;
  const before = document.createRange();
  before.selectNodeContents(el);
  before.setEnd(r.startContainer, r.startOffset);
  const text = el.textContent;
  const at = before.toString().length;
  const norm = (s) => s.replace(/\s+/g, ' ');
  return { exact, prefix: norm(text.slice(Math.max(0, at - 32), at)), suffix: norm(text.slice(at + exact.length, at + exact.length + 32)) };
}

export class ArticleAnnotatorElement extends HTMLElement {
  static get observedAttributes() { return ATTRIBUTES; }
  #annotator = null;
  #generation = 0;
  #token = null;
  #tokenWaiters = [];
  /** Starts a waiting widget now (the "Annotate" control, a selection, `activate()`). */
  #wake = null;
  /** A selection the reader made before the widget was up. */
  #selection = null;
  #cleanup = [];
  /** Started once: a restart (an attribute changed) does not wait again. */
  #started = false;
  /** Takes away the highlights painted before the widget (`prepaint`). */
  #unpaint = null;

  /** Starts the widget now, whatever its `loading`; resolves when it is up. */
  activate() {
    this.#wake?.();
    return new Promise((resolve) => {
      if (this.#annotator) resolve();
      else this.addEventListener('annotator-ready', () => resolve(), { once: true });
    });
  }

  /** The JS API handle of the mounted widget, or null. */
  get annotator() { return this.#annotator; }

  /** The team server's token: a string, or a function returning (a promise of) one. It
   *  is not read back (it is a secret). */
  get token() { return null; }
  set token(value) {
    this.#token = value;
    const waiting = this.#tokenWaiters;
    this.#tokenWaiters = [];
    for (const resolve of waiting) resolve();
  }

  /** What the widget calls for a token: the function's answer, the string, or (none yet)
   *  a promise that waits until the page sets one. */
  async #currentToken() {
    while (this.#token == null) await new Promise((r) => this.#tokenWaiters.push(r));
    return typeof this.#token === 'function' ? this.#token() : this.#token;
  }

  connectedCallback() {
    // A page that set `token` before this class was defined made it an own property of
    // the element, hiding the setter: take it over.
    if (Object.prototype.hasOwnProperty.call(this, 'token')) {
      const value = this.token;
      delete this.token;
      this.token = value;
    }
    this.#start();
  }
  disconnectedCallback() { this.#stop(); this.#unwait(); this.#unpaint?.(); this.#unpaint = null; }
  attributeChangedCallback(name, old, value) {
    if (old !== value && this.#annotator) { this.#stop(); this.#start(); }
  }

  /** Until the widget starts: a selection in the article is kept (and, with "idle" or
   *  "interaction", starts it); with "interaction", the "Annotate" control. Resolves when
   *  the widget should start. */
  #wait(mode) {
    return new Promise((resolve) => {
      let done = false;
      const go = () => { if (!done) { done = true; resolve(); } };
      this.#wake = go;
      const on = (target, type, f, opts) => { target.addEventListener(type, f, opts); this.#cleanup.push(() => target.removeEventListener(type, f, opts)); };
      let timer = 0;
      on(document, 'selectionchange', () => {
        clearTimeout(timer);
        // Debounced: a drag is one selection, not one per pixel.
        timer = setTimeout(() => {
          const s = selectionIn(this);
          if (s) { this.#selection = s; if (mode !== 'eager') go(); }
        }, 150);
      });
      this.#cleanup.push(() => clearTimeout(timer));
      if (mode === 'eager') go();
      if (mode === 'idle') {
        const idle = () => {
          const h = window.requestIdleCallback ? requestIdleCallback(go, { timeout: 3000 }) : setTimeout(go, 200);
          this.#cleanup.push(() => (window.cancelIdleCallback ? cancelIdleCallback(h) : clearTimeout(h)));
        };
        if (document.readyState === 'complete') idle(); else on(window, 'load', idle, { once: true });
      }
      if (mode === 'interaction' && !this.shadowRoot) {
        const root = this.attachShadow({ mode: 'open' });
        if (!waitingSheet && 'adoptedStyleSheets' in root) { waitingSheet = new CSSStyleSheet(); waitingSheet.replaceSync(WAITING_CSS); }
        if (waitingSheet) root.adoptedStyleSheets = [waitingSheet];
        root.innerHTML = '<slot></slot><button type="button" class="annotate" part="annotate" aria-label="Annotate this article">Annotate</button>';
        root.querySelector('.annotate').addEventListener('click', go);
      }
    });
  }

  #unwait() {
    for (const f of this.#cleanup.splice(0)) f();
    this.#wake = null;
  }

  async #start() {
    const generation = ++this.#generation;
    try {
      // The element's children are its article: wait for the parser to finish them.
      if (document.readyState === 'loading') {
        await new Promise((r) => document.addEventListener('DOMContentLoaded', r, { once: true }));
      }
      const mode = ['idle', 'interaction'].includes(this.getAttribute('loading')) ? this.getAttribute('loading') : 'eager';
      if (!this.#started && this.getAttribute('storage') !== 'none') {
        try { this.#unpaint = prepaint(this, this.getAttribute('document-id')); } catch (e) { console.warn('<article-annotator>: the stored highlights were not painted early:', e); }
      }
      if (!this.#started) await this.#wait(mode);
      this.#started = true;
      if (generation !== this.#generation || !this.isConnected) return;
      warmFonts(this);
      const { mount } = await load();
      const done = await takeTurn();
      if (generation !== this.#generation || !this.isConnected) { done(); return; }
      const options = { storage: this.getAttribute('storage') || 'local', readOnly: this.hasAttribute('read-only') };
      const id = this.getAttribute('document-id');
      if (id) options.documentId = id;
      const user = this.getAttribute('user');
      if (user) options.user = user;
      const schema = this.getAttribute('schema');
      if (schema) options.schema = schema;
      const server = this.getAttribute('server');
      if (server) options.sync = { url: server, token: () => this.#currentToken() };
      // A selection made while the widget was loading is the last one seen.
      this.#selection = selectionIn(this) ?? this.#selection;
      this.#unwait();
      try {
        this.#annotator = mount(this, options);
      } finally {
        const unpaint = () => { this.#unpaint?.(); this.#unpaint = null; };
        if (this.#annotator) whenPainted(this.#annotator, () => { unpaint(); done(); }); else { unpaint(); done(); }
      }
      if (this.#selection) this.#annotator.select(this.#selection);
      this.#selection = null;
      this.dispatchEvent(new CustomEvent('annotator-ready', { bubbles: true }));
    } catch (e) {
      const message = (e && e.message) || String(e);
      console.error(`<article-annotator>: ${message}`);
      this.dispatchEvent(new CustomEvent('annotator-error', { bubbles: true, detail: { message } }));
    }
  }

  #stop() {
    this.#generation++;
    const a = this.#annotator;
    this.#annotator = null;
    if (a) a.destroy();
  }
}

if (!customElements.get('article-annotator')) {
  customElements.define('article-annotator', ArticleAnnotatorElement);
}
