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
import init, { mount } from './article_annotator.js';

/** Resolves when the wasm module is ready (one download for every element). */
export const ready = init();

const ATTRIBUTES = ['document-id', 'storage', 'read-only', 'schema', 'user', 'server'];

export class ArticleAnnotatorElement extends HTMLElement {
  static get observedAttributes() { return ATTRIBUTES; }
  #annotator = null;
  #generation = 0;
  #token = null;
  #tokenWaiters = [];

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
  disconnectedCallback() { this.#stop(); }
  attributeChangedCallback(name, old, value) {
    if (old !== value && this.#annotator) { this.#stop(); this.#start(); }
  }

  async #start() {
    const generation = ++this.#generation;
    try {
      // The element's children are its article: wait for the parser to finish them.
      if (document.readyState === 'loading') {
        await new Promise((r) => document.addEventListener('DOMContentLoaded', r, { once: true }));
      }
      await ready;
      if (generation !== this.#generation || !this.isConnected) return;
      const options = { storage: this.getAttribute('storage') || 'local', readOnly: this.hasAttribute('read-only') };
      const id = this.getAttribute('document-id');
      if (id) options.documentId = id;
      const user = this.getAttribute('user');
      if (user) options.user = user;
      const schema = this.getAttribute('schema');
      if (schema) options.schema = schema;
      const server = this.getAttribute('server');
      if (server) options.sync = { url: server, token: () => this.#currentToken() };
      this.#annotator = mount(this, options);
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
