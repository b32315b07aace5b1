import type { Annotator } from './article_annotator.js';

/** Resolves when the wasm module is ready. */
export declare const ready: Promise<unknown>;

/**
 * `<article-annotator document-id="…" storage="local|none" read-only schema="{…}" user="…" server="https://…">`
 * wrapping the article's HTML. Fires `annotator-ready`, `annotator-error`
 * (`detail: {message}`), `annotation-create`, `annotation-update`, `annotation-delete`
 * (`detail`: the W3C annotation) and `annotations-change` (`detail: {revision, count}`).
 */
export declare class ArticleAnnotatorElement extends HTMLElement {
  /** The mounted widget's API, or null before `annotator-ready`. */
  readonly annotator: Annotator | null;
  /** The team server's token (with the `server` attribute): a string, or a function
   *  returning a promise of one, called again after a 401. Write-only: reads give null. */
  token: string | (() => string | Promise<string>) | null;
}

declare global {
  interface HTMLElementTagNameMap {
    'article-annotator': ArticleAnnotatorElement;
  }
}
