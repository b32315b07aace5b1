//! Re-anchoring a team's annotations when the CMS sends a new version of the article
//! (`PUT /documents/{doc}/text`): the text becomes a `Document` through the widget's own
//! readers (Markdown, or HTML through `core::html_read` and the allowlist of
//! `core::sanitize`), and every stored annotation on text goes through the widget's
//! cascade (`core::format::anchor_into`: position, shift, exact quote with context,
//! approximate quote) in reading order, so the shift found for one helps the next.
//!
//! Invariants: an annotation that can no longer be placed is kept, as an orphan (its
//! `TextQuoteSelector` alone, which is how the widget writes an orphan) and named in the
//! report; nothing is dropped. Selectors other than the two text selectors are kept as
//! they are. An annotation whose place and quote did not change is not written again.

use article_annotator::core::anchor::{AnchorHint, Unanchored};
use article_annotator::core::document::Document;
use article_annotator::core::format::anchor_into;
use article_annotator::core::format::w3c::annotation_from_json_as;
use article_annotator::core::model::{AnnotationId, Timestamp};
use article_annotator::core::offset::CharRange;
use article_annotator::core::schema::Schema;
use article_annotator::core::{article, html_read, sanitize};
use serde_json::{json, Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextFormat {
    Markdown,
    Html,
}

impl TextFormat {
    /// From a request's media type: `text/markdown` or `text/plain` (read as Markdown, as
    /// the widget reads a plain article), `text/html`.
    pub fn from_media_type(mime: &str) -> Option<TextFormat> {
        match mime {
            "text/markdown" | "text/plain" | "text/x-markdown" => Some(TextFormat::Markdown),
            "text/html" => Some(TextFormat::Html),
            _ => None,
        }
    }
    pub fn media_type(self) -> &'static str {
        match self {
            TextFormat::Markdown => "text/markdown; charset=utf-8",
            TextFormat::Html => "text/html; charset=utf-8",
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            TextFormat::Markdown => "markdown",
            TextFormat::Html => "html",
        }
    }
    pub fn from_name(s: &str) -> Option<TextFormat> {
        match s {
            "markdown" => Some(TextFormat::Markdown),
            "html" => Some(TextFormat::Html),
            _ => None,
        }
    }
}

/// The article as the widget would read it.
pub fn document(text: &str, format: TextFormat) -> Document {
    match format {
        TextFormat::Markdown => article::parse_markdown(text),
        TextFormat::Html => sanitize::document_from_html(&html_read::parse(text)),
    }
}

/// What happened to one annotation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Placed where it was (its quote's context may have been brought up to date).
    Unchanged,
    /// Placed elsewhere.
    Moved,
    /// It had a place and has none now: why.
    Orphaned(String),
    /// It was an orphan and has a place again.
    Restored,
    /// Still an orphan.
    StillOrphaned,
}

fn why(u: &Unanchored) -> String {
    match u {
        Unanchored::NotFound => "its text is no longer in the article".into(),
        Unanchored::Ambiguous(n) => format!("its text is in {n} places and its context picks none"),
        Unanchored::NoSelector => "it has no text selector".into(),
        Unanchored::WeakContext => "its text is there, but too little of its context".into(),
        Unanchored::OutOfTime => "the approximate search ran out of time".into(),
    }
}

/// One annotation to place: its stored JSON, and where its file said it was.
pub struct Item {
    pub json: Map<String, Value>,
    position: Option<CharRange>,
    annotation: article_annotator::core::model::Annotation,
}

/// Reads a stored annotation for re-anchoring; `None` when it is not on text (a comment
/// on a page) or cannot be read (it stays as it is).
pub fn item(body: &str) -> Option<Item> {
    let v = serde_json::from_str::<Value>(body).ok()?;
    // Stored bodies have no `id` (it is built from the request's URL); the reader wants one.
    let id = AnnotationId::new("urn:article-annotator:reanchoring")?;
    let (annotation, position) = annotation_from_json_as(&v, id, &Schema::default(), Timestamp(0)).ok()?;
    let Value::Object(json) = v else { return None };
    Some(Item { json, position, annotation })
}

/// What became of one annotation, and its JSON to write when it changed.
pub type Placed = (Outcome, Option<Map<String, Value>>);

/// Places `items` in `doc`, in reading order; for each, the outcome and (unless
/// unchanged) the JSON with its new selectors, `modified` set to `now`.
pub fn reanchor(doc: &Document, items: Vec<Item>, now: &str) -> Vec<Placed> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| items[i].position.map_or(usize::MAX, |p| p.start().0));
    let mut out: Vec<Option<Placed>> = (0..items.len()).map(|_| None).collect();
    let mut hint = AnchorHint::default();
    let mut items: Vec<Option<Item>> = items.into_iter().map(Some).collect();
    for i in order {
        let Some(Item { mut json, position, annotation }) = items[i].take() else { continue };
        let old_quote = annotation.target.quote.clone();
        let (placed, unanchored) = anchor_into(doc, annotation, position, &mut hint);
        let range = placed.target.range;
        let outcome = match (position, range, &unanchored) {
            (Some(p), Some(r), _) if p == r => Outcome::Unchanged,
            (Some(_), Some(_), _) => Outcome::Moved,
            (None, Some(_), _) => Outcome::Restored,
            (Some(_), None, u) => Outcome::Orphaned(u.as_ref().map_or_else(|| "it could not be placed".into(), why)),
            (None, None, _) => Outcome::StillOrphaned,
        };
        if matches!(outcome, Outcome::Unchanged | Outcome::StillOrphaned) && placed.target.quote == old_quote {
            // Nothing to write: the same place and the same quote.
            out[i] = Some((outcome, None));
            continue;
        }
        set_selectors(&mut json, &placed.target.quote, range);
        json.insert("modified".into(), json!(now));
        out[i] = Some((outcome, Some(json)));
    }
    out.into_iter().map(|o| o.unwrap_or((Outcome::Unchanged, None))).collect()
}

/// Replaces the text selectors of the first target (the one the widget's reader reads)
/// with the new quote and, when placed, the new position; other selectors stay.
fn set_selectors(json: &mut Map<String, Value>, quote: &article_annotator::core::model::Quote, range: Option<CharRange>) {
    let target = match json.get_mut("target") {
        Some(Value::Array(a)) => a.first_mut(),
        Some(t) => Some(t),
        None => None,
    };
    let Some(Value::Object(target)) = target else { return };
    let mut selectors: Vec<Value> = match target.remove("selector") {
        Some(Value::Array(a)) => a,
        Some(Value::Null) | None => Vec::new(),
        Some(one) => vec![one],
    };
    selectors.retain(|s| !matches!(s.get("type").and_then(Value::as_str), Some("TextQuoteSelector" | "TextPositionSelector")));
    selectors.push(json!({"type": "TextQuoteSelector", "exact": quote.exact(), "prefix": quote.prefix(), "suffix": quote.suffix()}));
    if let Some(r) = range {
        selectors.push(json!({"type": "TextPositionSelector", "start": r.start().0, "end": r.end().0}));
    }
    target.insert("selector".into(), Value::Array(selectors));
}
