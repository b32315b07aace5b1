//! `/documents/{doc}/text`: the article's text as the CMS last sent it. `PUT` (editors and
//! admins; `text/markdown`, `text/plain` or `text/html`) stores it and re-anchors every
//! annotation of the article against it (`reanchor`), in one transaction; the changed
//! annotations reach every client through the feed and the stream like any change, and
//! the answer reports what happened to each. `GET` returns the text.
//!
//! Invariant: re-anchoring never deletes: an annotation that can no longer be placed
//! becomes an orphan (its quote alone) and is named in the report.

use crate::app::App;
use crate::auth::{self, Access};
use crate::db;
use crate::error::ApiError;
use crate::protocol::{check_doc, now_ms, user};
use crate::reanchor::{self, Outcome, TextFormat};
use article_annotator::core::model::Timestamp;
use article_annotator::core::time;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::sync::Arc;

/// The largest article text accepted (413 above).
pub const TEXT_LIMIT: usize = 16 * 1024 * 1024;

pub async fn get_text(State(app): State<Arc<App>>, Path(doc): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    check_doc(&doc)?;
    let u = user(&app, &headers)?;
    auth::check(u.as_ref(), &doc, Access::Read, app.cfg.is_public(&doc))?;
    let (text, format) = db::text(&app.pool, &doc).await?.ok_or_else(|| ApiError::NotFound(format!("no text was sent for {doc:?}")))?;
    let mime = TextFormat::from_name(&format).unwrap_or(TextFormat::Markdown).media_type();
    Ok(([(header::CONTENT_TYPE, mime)], text).into_response())
}

pub async fn put_text(State(app): State<Arc<App>>, Path(doc): Path<String>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    check_doc(&doc)?;
    let u = user(&app, &headers)?;
    auth::check(u.as_ref(), &doc, Access::Manage, false)?;
    let u = u.ok_or_else(|| ApiError::Unauthorized("a bearer token is required".into()))?;
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mime = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let format = TextFormat::from_media_type(&mime).ok_or_else(|| ApiError::UnsupportedMediaType(format!("Content-Type {ct:?}: expected text/markdown, text/plain or text/html")))?;
    let text = std::str::from_utf8(&body).map_err(|e| ApiError::BadRequest(format!("the text is not UTF-8: invalid byte at {}", e.valid_up_to())))?;
    let now = now_ms();
    let stamp = time::format(Timestamp(now));
    let (seq, report) = db::replace_text(&app.pool, &doc, text, format.name(), now, (&u.sub, &u.name), |current| {
        let document = reanchor::document(text, format);
        let mut ids = Vec::new();
        let mut items = Vec::new();
        let mut other = 0usize;
        for (id, body) in current {
            match reanchor::item(&body) {
                Some(it) => {
                    ids.push(id);
                    items.push(it);
                }
                None => other += 1,
            }
        }
        let results = reanchor::reanchor(&document, items, &stamp);
        let mut changes = Vec::new();
        let mut counts = [0usize; 4]; // unchanged, moved, restored, still orphaned
        let mut orphaned = Vec::new();
        for (id, (outcome, json)) in ids.into_iter().zip(results) {
            match &outcome {
                Outcome::Unchanged => counts[0] += 1,
                Outcome::Moved => counts[1] += 1,
                Outcome::Restored => counts[2] += 1,
                Outcome::StillOrphaned => counts[3] += 1,
                Outcome::Orphaned(why) => orphaned.push(json!({"id": id, "reason": why})),
            }
            if let Some(j) = json {
                changes.push((id, Value::Object(j).to_string()));
            }
        }
        let report = json!({
            "unchanged": counts[0], "moved": counts[1], "restored": counts[2],
            "orphaned": orphaned, "stillOrphaned": counts[3], "notOnText": other,
        });
        (changes, report)
    })
    .await?;
    let mut out = report;
    out["document"] = json!(doc);
    out["seq"] = json!(seq);
    Ok(axum::Json(out).into_response())
}
