import type { Annotator } from './article_annotator.js';

/** Resolves when the wasm module is ready (awaiting it fetches the module). */
export declare const ready: PromiseLike<unknown>;

/** Fetches and starts the wasm module (once for the page); every element uses it. */
export declare function load(): Promise<unknown>;

/**
 * `<article-annotator document-id="…" storage="local|none" read-only schema="{…}" user="…" server="https://…" loading="eager|idle|interaction">`
 * wrapping the article's HTML. `loading`: when the widget is fetched and started: at
 * once (`eager`, the default), after the page's load when the browser is idle (`idle`),
 * or on the reader's first selection in the article or the "Annotate" control
 * (`interaction`); a selection made before it is up becomes its pending selection. Fires `annotator-ready`, `annotator-error`
 * (`detail: {message}`), `annotation-create`, `annotation-update`, `annotation-delete`
 * (`detail`: the W3C annotation) and `annotations-change` (`detail: {revision, count}`).
 */
export declare class ArticleAnnotatorElement extends HTMLElement {
  /** The mounted widget's API, or null before `annotator-ready`. */
  readonly annotator: Annotator | null;
  /** The team server's token (with the `server` attribute): a string, or a function
   *  returning a promise of one, called again after a 401. Write-only: reads give null. */
  token: string | (() => string | Promise<string>) | null;
  /** Starts the widget now, whatever its `loading` (a host's own "Annotate" control). */
  activate(): Promise<void>;
}

declare global {
  interface HTMLElementTagNameMap {
    'article-annotator': ArticleAnnotatorElement;
  }
}
