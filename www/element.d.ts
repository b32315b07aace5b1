import type { Annotator } from './article_annotator.js';

/** Resolves when the wasm module is ready. */
export declare const ready: Promise<unknown>;

/**
 * `<article-annotator document-id="…" storage="local|none" read-only schema="{…}" user="…">`
 * wrapping the article's HTML. Fires `annotator-ready`, `annotator-error`
 * (`detail: {message}`), `annotation-create`, `annotation-update`, `annotation-delete`
 * (`detail`: the W3C annotation) and `annotations-change` (`detail: {revision, count}`).
 */
export declare class ArticleAnnotatorElement extends HTMLElement {
  /** The mounted widget's API, or null before `annotator-ready`. */
  readonly annotator: Annotator | null;
}

declare global {
  interface HTMLElementTagNameMap {
    'article-annotator': ArticleAnnotatorElement;
  }
}
