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

let module = null;
/** Fetches and starts the wasm module, once for every element on the page. */
export function load() {
  module ??= import('./article_annotator.js').then(async (m) => { await m.default(); return m; });
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
  disconnectedCallback() { this.#stop(); this.#unwait(); }
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
      if (!this.#started) await this.#wait(mode);
      this.#started = true;
      if (generation !== this.#generation || !this.isConnected) return;
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
        if (this.#annotator) whenPainted(this.#annotator, done); else done();
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
