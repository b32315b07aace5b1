//! What the server accepts as an annotation: any W3C Web Annotation (an object whose
//! `@context` names `http://www.w3.org/ns/anno.jsonld`, whose `type` includes
//! `Annotation`, and that has a `target`), and, for one that points into text (a
//! `TextQuoteSelector` or `TextPositionSelector`), everything the widget's own importer
//! checks, with the importer's messages (`target.selector.start: expected a whole
//! number`): the same reader, `core::format::w3c::annotation_from_json`.
//!
//! Invariant: an annotation the widget's importer would skip is refused here with the
//! message the importer would give, so nothing the team stores is unreadable by a widget.

use article_annotator::core::format::w3c::annotation_from_json_as;
use article_annotator::core::model::{AnnotationId, Timestamp};
use article_annotator::core::schema::Schema;
use serde_json::Value;

pub const ANNO_CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";

fn list(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(v) => vec![v],
    }
}

/// `Err("field: what is wrong")`.
pub fn check(v: &Value) -> Result<(), String> {
    if !v.is_object() {
        return Err("expected a JSON object".into());
    }
    if !list(v.get("@context")).iter().any(|c| c.as_str() == Some(ANNO_CONTEXT)) {
        return Err(format!("@context: expected {ANNO_CONTEXT:?}"));
    }
    if !list(v.get("type")).iter().any(|t| t.as_str() == Some("Annotation")) {
        return Err("type: expected \"Annotation\"".into());
    }
    let targets = list(v.get("target"));
    if targets.is_empty() {
        return Err("target: missing".into());
    }
    if let Some(id) = v.get("id") {
        if !id.is_string() {
            return Err("id: expected a string".into());
        }
    }
    let textual = targets.iter().flat_map(|t| list(t.get("selector"))).any(|s| {
        matches!(s.get("type").and_then(Value::as_str), Some("TextQuoteSelector" | "TextPositionSelector"))
    });
    if !textual {
        return Ok(());
    }
    // The widget's reader wants an id; the server gives one anyway.
    let id = match v.get("id").and_then(Value::as_str) {
        Some(given) => AnnotationId::new(given).ok_or("id: expected an IRI without spaces")?,
        None => AnnotationId::new("urn:article-annotator:validating").unwrap_or_else(|| AnnotationId::from_random([0; 16])),
    };
    match annotation_from_json_as(v, id, &Schema::default(), Timestamp(0)) {
        Ok(_) => Ok(()),
        Err((field, message)) => {
            // A text annotation with another purpose (a comment, a highlight) is still a
            // W3C annotation; only one that says it tags or assesses must read as ours.
            let ours = list(v.get("motivation")).iter().any(|m| matches!(m.as_str(), Some("tagging" | "assessing" | "classifying")));
            if field.starts_with("body") && !ours {
                Ok(())
            } else if field.is_empty() {
                Err(message)
            } else {
                Err(format!("{field}: {message}"))
            }
        }
    }
}
