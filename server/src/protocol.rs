//! The W3C Web Annotation Protocol: one `ldp:BasicContainer` per article at
//! `/annotations/{doc}/`, its annotations at `/annotations/{doc}/{id}`.
//!
//! - Containers: GET/HEAD (an `AnnotationCollection`; `Prefer` chooses IRIs, full
//!   descriptions (the default) or a minimal container; pages of `AA_PAGE_SIZE` at
//!   `?page=N`, with `iris=1` for IRIs), OPTIONS, POST (with `Slug`).
//! - Annotations: GET/HEAD, OPTIONS, PUT (update, or create at a client-chosen id),
//!   DELETE (204; the annotation then answers 410).
//!
//! Invariants: every annotation response has `ETag` (the sequence number of the change
//! that wrote it), `Link: <http://www.w3.org/ns/ldp#Resource>; rel="type"`, `Allow` and
//! `Vary: Accept`; a PUT or DELETE whose `If-Match` does not match changes nothing and
//! answers 412 with the current version; the server, not the client, writes `creator`,
//! `created` and `modified`.

use crate::app::App;
use crate::auth::{self, Access, Claims};
use crate::db::{self, Decision, Stored};
use crate::error::ApiError;
use crate::validate;
use article_annotator::core::model::Timestamp;
use article_annotator::core::time;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::sync::Arc;

pub const MEDIA_TYPE: &str = "application/ld+json; profile=\"http://www.w3.org/ns/anno.jsonld\"";
const CONTAINER_LINK: &str = "<http://www.w3.org/ns/ldp#BasicContainer>; rel=\"type\", <http://www.w3.org/TR/annotation-protocol/>; rel=\"http://www.w3.org/ns/ldp#constrainedBy\"";
const RESOURCE_LINK: &str = "<http://www.w3.org/ns/ldp#Resource>; rel=\"type\"";
const CONTAINER_ALLOW: &str = "GET, HEAD, OPTIONS, POST";
const ANNOTATION_ALLOW: &str = "GET, HEAD, OPTIONS, PUT, DELETE";
/// Names under a container that are not annotations.
const RESERVED: &[&str] = &["changes", "events"];

pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// An article id: 1-200 characters a path segment holds as they are.
pub fn check_doc(doc: &str) -> Result<(), ApiError> {
    let ok = !doc.is_empty() && doc.len() <= 200 && doc.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~:@!$&'()*+,;=".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(ApiError::BadRequest(format!("document id {doc:?}: expected 1-200 letters, digits or -._~:@!$&'()*+,;=")))
    }
}

/// An annotation id: 1-128 letters, digits, `-`, `_`, `.` or `~`, not a reserved name.
pub fn check_id(id: &str) -> Result<(), ApiError> {
    let ok = !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)) && id != "." && id != "..";
    if !ok {
        return Err(ApiError::BadRequest(format!("annotation id {id:?}: expected 1-128 letters, digits, '-', '_', '.' or '~'")));
    }
    if RESERVED.contains(&id) {
        return Err(ApiError::BadRequest(format!("annotation id {id:?} is reserved")));
    }
    Ok(())
}

/// The root every IRI starts with: `AA_PUBLIC_URL`, else `http://` and the Host header.
pub fn base(app: &App, headers: &HeaderMap) -> String {
    if let Some(u) = &app.cfg.public_url {
        return u.clone();
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b)));
    format!("http://{}", host.map_or_else(|| app.cfg.listen.to_string(), str::to_string))
}

pub fn container_iri(base: &str, doc: &str) -> String {
    format!("{base}/annotations/{doc}/")
}

pub fn etag(seq: i64) -> String {
    format!("\"{seq}\"")
}

/// The annotation as served: its stored JSON with its `id` first.
pub fn render(base: &str, doc: &str, s: &Stored) -> String {
    let iri = serde_json::to_string(&format!("{}{}", container_iri(base, doc), s.id)).unwrap_or_default();
    match s.body.as_deref() {
        Some(b) if b.len() > 2 => format!("{{\"id\":{iri},{}", &b[1..]),
        _ => format!("{{\"id\":{iri}}}"),
    }
}

/// The caller's claims (if any), counted against its rate limit.
pub fn user(app: &App, headers: &HeaderMap) -> Result<Option<Claims>, ApiError> {
    let u = auth::bearer(headers, &app.keys)?;
    if let Some(u) = &u {
        app.limit.take(&u.sub)?;
    }
    Ok(u)
}

/// The caller, who must hold a token that may write to `doc` (an annotator or more).
fn writer(app: &App, headers: &HeaderMap, doc: &str) -> Result<Claims, ApiError> {
    let u = user(app, headers)?;
    auth::check(u.as_ref(), doc, Access::Create, false)?;
    u.ok_or_else(|| ApiError::Unauthorized("a bearer token is required".into()))
}

fn if_match(headers: &HeaderMap) -> Option<Vec<String>> {
    let v = headers.get(header::IF_MATCH)?.to_str().ok()?;
    Some(v.split(',').map(|t| t.trim().trim_start_matches("W/").to_string()).collect())
}

fn matches(list: &[String], tag: &str) -> bool {
    list.iter().any(|t| t == "*" || t == tag)
}

fn not_modified(headers: &HeaderMap, tag: &str) -> bool {
    headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v.split(',').any(|t| t.trim().trim_start_matches("W/") == tag || t.trim() == "*"))
}

fn annotation_response(status: StatusCode, tag: &str, body: String, location: Option<&str>) -> Response {
    let mut b = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, MEDIA_TYPE)
        .header(header::ETAG, tag)
        .header(header::LINK, RESOURCE_LINK)
        .header(header::ALLOW, ANNOTATION_ALLOW)
        .header(header::VARY, "Accept");
    if let Some(l) = location {
        b = b.header(header::LOCATION, l).header(header::CONTENT_LOCATION, l);
    }
    b.body(Body::from(body)).unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

pub async fn root(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let base = base(&app, &headers);
    axum::Json(json!({
        "name": "article-annotator-server",
        "version": env!("CARGO_PKG_VERSION"),
        "protocol": "http://www.w3.org/TR/annotation-protocol/",
        "containers": format!("{base}/annotations/{{document-id}}/"),
        "pageSize": app.cfg.page_size,
    }))
    .into_response()
}

pub async fn health(State(app): State<Arc<App>>) -> Result<Response, ApiError> {
    db::ping(&app.pool).await?;
    let listening = app.listening.load(std::sync::atomic::Ordering::Relaxed);
    Ok(axum::Json(json!({"database": "ok", "listening": listening})).into_response())
}

pub async fn to_container(Path(doc): Path<String>) -> Result<Redirect, ApiError> {
    check_doc(&doc)?;
    Ok(Redirect::permanent(&format!("/annotations/{doc}/")))
}

// ---- containers ------------------------------------------------------------------

#[derive(Deserialize)]
pub struct ContainerQuery {
    page: Option<i64>,
    iris: Option<String>,
}

#[derive(Default)]
struct Prefer {
    minimal: bool,
    iris: bool,
    descriptions: bool,
}

fn prefer(headers: &HeaderMap) -> Prefer {
    let mut p = Prefer::default();
    for v in headers.get_all("prefer").iter().filter_map(|v| v.to_str().ok()) {
        for part in v.split(';') {
            let Some((k, val)) = part.split_once('=') else { continue };
            if k.trim() != "include" {
                continue;
            }
            for iri in val.trim().trim_matches('"').split_whitespace() {
                match iri {
                    "http://www.w3.org/ns/ldp#PreferMinimalContainer" => p.minimal = true,
                    "http://www.w3.org/ns/oa#PreferContainedIRIs" => p.iris = true,
                    "http://www.w3.org/ns/oa#PreferContainedDescriptions" => p.descriptions = true,
                    _ => {}
                }
            }
        }
    }
    p
}

fn container_headers(b: axum::http::response::Builder, tag: &str, location: &str) -> axum::http::response::Builder {
    b.header(header::CONTENT_TYPE, MEDIA_TYPE)
        .header(header::ETAG, tag)
        .header(header::LINK, CONTAINER_LINK)
        .header(header::ALLOW, CONTAINER_ALLOW)
        .header(header::VARY, "Accept, Prefer")
        .header("Accept-Post", MEDIA_TYPE)
        .header(header::CONTENT_LOCATION, location)
}

/// What every page of one container view shares.
struct Paging<'a> {
    base: &'a str,
    doc: &'a str,
    iris: bool,
    last: i64,
    total: i64,
    size: i64,
}

/// A page as JSON text: its fields, then `items` (annotations as stored, or IRIs) spliced
/// in without parsing them again.
fn page_json(p: &Paging, page: i64, items: Vec<String>, embedded: bool) -> String {
    let Paging { base, doc, iris, last, total, size } = *p;
    let container = container_iri(base, doc);
    let q = if iris { "iris=1&" } else { "" };
    let collection = if iris { format!("{container}?iris=1") } else { container.clone() };
    let mut m = Map::new();
    if !embedded {
        m.insert("@context".into(), json!(validate::ANNO_CONTEXT));
    }
    m.insert("id".into(), json!(format!("{container}?{q}page={page}")));
    m.insert("type".into(), json!("AnnotationPage"));
    m.insert("partOf".into(), json!({"id": collection, "total": total}));
    m.insert("startIndex".into(), json!(page * size));
    if page > 0 {
        m.insert("prev".into(), json!(format!("{container}?{q}page={}", page - 1)));
    }
    if page < last {
        m.insert("next".into(), json!(format!("{container}?{q}page={}", page + 1)));
    }
    splice(Value::Object(m).to_string(), "items", &format!("[{}]", items.join(",")))
}

/// `{...}` with `"key": value` added at its end (`value` already JSON text).
fn splice(object: String, key: &str, value: &str) -> String {
    let mut out = object;
    out.pop(); // the closing brace
    if out.len() > 1 {
        out.push(',');
    }
    out.push_str(&format!("\"{key}\":{value}}}"));
    out
}

async fn page_items(app: &App, base: &str, doc: &str, iris: bool, page: i64) -> Result<Vec<String>, ApiError> {
    let size = app.cfg.page_size as i64;
    let rows = db::page(&app.pool, doc, page * size, size).await?;
    Ok(rows.iter().map(|s| if iris { json!(format!("{}{}", container_iri(base, doc), s.id)).to_string() } else { render(base, doc, s) }).collect())
}

pub async fn container_get(State(app): State<Arc<App>>, Path(doc): Path<String>, Query(q): Query<ContainerQuery>, headers: HeaderMap) -> Result<Response, ApiError> {
    check_doc(&doc)?;
    let u = user(&app, &headers)?;
    auth::check(u.as_ref(), &doc, Access::Read, app.cfg.is_public(&doc))?;
    let base = base(&app, &headers);
    let pref = prefer(&headers);
    let iris = q.iris.as_deref() == Some("1") || (q.page.is_none() && pref.iris && !pref.descriptions);
    let st = db::doc_state(&app.pool, &doc).await?;
    let size = app.cfg.page_size as i64;
    let last = ((st.live + size - 1) / size - 1).max(0);
    let container = container_iri(&base, &doc);
    let q_iris = if iris { "iris=1&" } else { "" };
    let paging = Paging { base: &base, doc: &doc, iris, last, total: st.live, size };

    if let Some(page) = q.page {
        if page < 0 || page > last {
            return Err(ApiError::NotFound(format!("page {page}: this container has pages 0 to {last}")));
        }
        let tag = format!("\"{}-p{page}{}\"", st.seq, if iris { "i" } else { "d" });
        let id = format!("{container}?{q_iris}page={page}");
        if not_modified(&headers, &tag) {
            return Ok(container_headers(Response::builder().status(StatusCode::NOT_MODIFIED), &tag, &id).body(Body::empty()).unwrap_or_default());
        }
        let items = page_items(&app, &base, &doc, iris, page).await?;
        let body = page_json(&paging, page, items, false);
        return Ok(container_headers(Response::builder(), &tag, &id).body(Body::from(body)).unwrap_or_default());
    }

    let id = if iris { format!("{container}?iris=1") } else { container.clone() };
    let variant = if pref.minimal { "m" } else if iris { "i" } else { "d" };
    let tag = format!("\"{}-{variant}\"", st.seq);
    if not_modified(&headers, &tag) {
        return Ok(container_headers(Response::builder().status(StatusCode::NOT_MODIFIED), &tag, &id).body(Body::empty()).unwrap_or_default());
    }
    let mut c = Map::new();
    c.insert("@context".into(), json!([validate::ANNO_CONTEXT, "http://www.w3.org/ns/ldp.jsonld"]));
    c.insert("id".into(), json!(id));
    c.insert("type".into(), json!(["BasicContainer", "AnnotationCollection"]));
    c.insert("label".into(), json!(format!("Annotations of {doc}")));
    c.insert("total".into(), json!(st.live));
    if st.modified > 0 {
        c.insert("modified".into(), json!(time::format(Timestamp(st.modified))));
    }
    let first = format!("{container}?{q_iris}page=0");
    c.insert("last".into(), json!(format!("{container}?{q_iris}page={last}")));
    let body = if pref.minimal || st.live == 0 {
        c.insert("first".into(), json!(first));
        Value::Object(c).to_string()
    } else {
        let items = page_items(&app, &base, &doc, iris, 0).await?;
        splice(Value::Object(c).to_string(), "first", &page_json(&paging, 0, items, true))
    };
    Ok(container_headers(Response::builder(), &tag, &id).body(Body::from(body)).unwrap_or_default())
}

pub async fn container_options(Path(doc): Path<String>) -> Result<Response, ApiError> {
    check_doc(&doc)?;
    Ok(Response::builder()
        .header(header::ALLOW, CONTAINER_ALLOW)
        .header(header::LINK, CONTAINER_LINK)
        .header("Accept-Post", MEDIA_TYPE)
        .header(header::VARY, "Accept, Prefer")
        .body(Body::empty())
        .unwrap_or_default())
}

pub async fn annotation_options(Path((doc, id)): Path<(String, String)>) -> Result<Response, ApiError> {
    check_doc(&doc)?;
    check_id(&id)?;
    Ok(Response::builder().header(header::ALLOW, ANNOTATION_ALLOW).header(header::LINK, RESOURCE_LINK).header(header::VARY, "Accept").body(Body::empty()).unwrap_or_default())
}

// ---- annotations -------------------------------------------------------------------

pub async fn annotation_get(State(app): State<Arc<App>>, Path((doc, id)): Path<(String, String)>, headers: HeaderMap) -> Result<Response, ApiError> {
    check_doc(&doc)?;
    check_id(&id)?;
    let u = user(&app, &headers)?;
    auth::check(u.as_ref(), &doc, Access::Read, app.cfg.is_public(&doc))?;
    let s = db::get(&app.pool, &doc, &id).await?.ok_or_else(|| ApiError::NotFound(format!("no annotation {id:?} in {doc:?}")))?;
    if s.deleted {
        return Err(ApiError::Gone(format!("annotation {id:?} was deleted"), Some(etag(s.seq))));
    }
    let tag = etag(s.seq);
    if not_modified(&headers, &tag) {
        let mut r = annotation_response(StatusCode::NOT_MODIFIED, &tag, String::new(), None);
        *r.body_mut() = Body::empty();
        return Ok(r);
    }
    Ok(annotation_response(StatusCode::OK, &tag, render(&base(&app, &headers), &doc, &s), None))
}

/// The request body as an annotation object, or 415 / 400 naming what is wrong.
fn read_body(headers: &HeaderMap, body: &Bytes) -> Result<Map<String, Value>, ApiError> {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mime = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if mime != "application/ld+json" && mime != "application/json" {
        return Err(ApiError::UnsupportedMediaType(format!("Content-Type {ct:?}: expected {MEDIA_TYPE}")));
    }
    let v: Value = serde_json::from_slice(body).map_err(|e| ApiError::BadRequest(format!("annotation: not JSON: {e}")))?;
    validate::check(&v).map_err(|m| ApiError::BadRequest(format!("annotation: {m}")))?;
    match v {
        Value::Object(m) => Ok(m),
        _ => Err(ApiError::BadRequest("annotation: expected a JSON object".into())),
    }
}

/// The version to store: the client's annotation with the server's `creator`, `created`
/// and `modified`; a client's own `id` on a create goes to `via` (the protocol's rule).
fn prepare(mut m: Map<String, Value>, iri: &str, author: (&str, &str), created: i64, now: i64, creating: bool) -> Stored {
    if let Some(Value::String(given)) = m.remove("id") {
        if creating && given != iri && !m.contains_key("via") {
            m.insert("via".into(), Value::String(given));
        }
    }
    m.insert("creator".into(), json!({"type": "Person", "id": format!("urn:article-annotator:user:{}", pct(author.0)), "name": author.1}));
    m.insert("created".into(), json!(time::format(Timestamp(created))));
    m.insert("modified".into(), json!(time::format(Timestamp(now))));
    Stored {
        id: String::new(),
        seq: 0,
        deleted: false,
        creator_sub: author.0.to_string(),
        creator_name: author.1.to_string(),
        created,
        body: Some(Value::Object(m).to_string()),
        by: (String::new(), String::new()),
    }
}

fn pct(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// A fresh UUID (v4) as the widget mints its ids (`core::model::AnnotationId`).
fn new_id() -> String {
    let mut b = [0u8; 16];
    let _ = getrandom::fill(&mut b);
    let id = article_annotator::core::model::AnnotationId::from_random(b);
    id.as_str().trim_start_matches("urn:uuid:").to_string()
}

fn slug_id(headers: &HeaderMap) -> Option<String> {
    let s = headers.get("slug")?.to_str().ok()?;
    let clean: String = s.trim().chars().map(|c| if c.is_ascii_alphanumeric() || "-._~".contains(c) { c } else { '-' }).take(80).collect();
    let clean = clean.trim_matches('-').to_string();
    (check_id(&clean).is_ok()).then_some(clean)
}

pub async fn create(State(app): State<Arc<App>>, Path(doc): Path<String>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    check_doc(&doc)?;
    let u = writer(&app, &headers, &doc)?;
    let m = read_body(&headers, &body)?;
    let base = base(&app, &headers);
    // The Slug if it is free, else a fresh UUID (a taken Slug gets a suffix).
    let mut id = slug_id(&headers).unwrap_or_else(new_id);
    for attempt in 0..3 {
        let iri = format!("{}{id}", container_iri(&base, &doc));
        let now = now_ms();
        let new = prepare(m.clone(), &iri, (&u.sub, &u.name), now, now, true);
        let res = db::write(&app.pool, &doc, &id, now, (&u.sub, &u.name), |cur| match cur {
            None => Decision::Put(Stored { id: id.clone(), ..new }),
            Some(_) => Decision::Refuse(ApiError::Conflict(format!("annotation id {id:?} is taken"))),
        })
        .await;
        match res {
            Ok(w) => return Ok(annotation_response(StatusCode::CREATED, &etag(w.seq), render(&base, &doc, &w.stored), Some(&iri))),
            Err(ApiError::Conflict(_)) if attempt < 2 => id = format!("{id}-{}", &new_id()[..8]),
            Err(e) => return Err(e),
        }
    }
    Err(ApiError::Internal("no free id".into()))
}

pub async fn put(State(app): State<Arc<App>>, Path((doc, id)): Path<(String, String)>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    check_doc(&doc)?;
    check_id(&id)?;
    let u = writer(&app, &headers, &doc)?;
    let m = read_body(&headers, &body)?;
    let base = base(&app, &headers);
    let iri = format!("{}{id}", container_iri(&base, &doc));
    let cond = if_match(&headers);
    let none_match_any = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v.trim() == "*");
    let require = app.cfg.require_if_match;
    let now = now_ms();
    let render_base = base.clone();
    let w = db::write(&app.pool, &doc, &id, now, (&u.sub, &u.name), |cur| {
        let current_pair = |s: &Stored| Some((etag(s.seq), render(&render_base, &doc, s), s.by.clone()));
        match cur {
            // A new annotation at the client's id.
            None => match &cond {
                Some(_) => Decision::Refuse(ApiError::PreconditionFailed { message: format!("If-Match: annotation {id:?} does not exist"), current: None }),
                None => Decision::Put(Stored { id: id.clone(), ..prepare(m, &iri, (&u.sub, &u.name), now, now, true) }),
            },
            // A deleted one comes back only with the tombstone's ETag (an undone deletion).
            Some(s) if s.deleted => match &cond {
                Some(c) if matches(c, &etag(s.seq)) && !c.iter().any(|t| t == "*") => {
                    Decision::Put(Stored { id: id.clone(), ..prepare(m, &iri, (&u.sub, &u.name), now, now, true) })
                }
                _ => Decision::Refuse(ApiError::Gone(format!("annotation {id:?} was deleted; PUT with If-Match: {} restores it", etag(s.seq)), Some(etag(s.seq)))),
            },
            Some(s) => {
                if none_match_any {
                    return Decision::Refuse(ApiError::PreconditionFailed { message: format!("If-None-Match: *: annotation {id:?} exists"), current: current_pair(s) });
                }
                match &cond {
                    Some(c) if !matches(c, &etag(s.seq)) => {
                        return Decision::Refuse(ApiError::PreconditionFailed {
                            message: format!("If-Match: annotation {id:?} has changed; its current ETag is {}", etag(s.seq)),
                            current: current_pair(s),
                        })
                    }
                    None if require => return Decision::Refuse(ApiError::PreconditionRequired),
                    _ => {}
                }
                if let Err(e) = auth::check(Some(&u), &doc, Access::Modify { author: s.creator_sub.clone() }, false) {
                    return Decision::Refuse(e);
                }
                // The author stays the author; the server records who changed it. The
                // `canonical` and `via` a version had stay unless the update gives its own
                // (the protocol: a canonical IRI is maintained).
                let mut m = m;
                if let Some(Ok(Value::Object(old))) = s.body.as_deref().map(serde_json::from_str::<Value>) {
                    for k in ["canonical", "via"] {
                        if let (false, Some(v)) = (m.contains_key(k), old.get(k)) {
                            m.insert(k.to_string(), v.clone());
                        }
                    }
                }
                Decision::Put(Stored { id: id.clone(), ..prepare(m, &iri, (&s.creator_sub, &s.creator_name), s.created, now, false) })
            }
        }
    })
    .await?;
    let status = if w.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok(annotation_response(status, &etag(w.seq), render(&base, &doc, &w.stored), w.created.then_some(iri.as_str())))
}

pub async fn delete(State(app): State<Arc<App>>, Path((doc, id)): Path<(String, String)>, headers: HeaderMap) -> Result<Response, ApiError> {
    check_doc(&doc)?;
    check_id(&id)?;
    let u = writer(&app, &headers, &doc)?;
    let base = base(&app, &headers);
    let cond = if_match(&headers);
    let require = app.cfg.require_if_match;
    let w = db::write(&app.pool, &doc, &id, now_ms(), (&u.sub, &u.name), |cur| match cur {
        None => Decision::Refuse(ApiError::NotFound(format!("no annotation {id:?} in {doc:?}"))),
        Some(s) if s.deleted => Decision::Refuse(ApiError::Gone(format!("annotation {id:?} was deleted"), Some(etag(s.seq)))),
        Some(s) => {
            match &cond {
                Some(c) if !matches(c, &etag(s.seq)) => {
                    return Decision::Refuse(ApiError::PreconditionFailed {
                        message: format!("If-Match: annotation {id:?} has changed; its current ETag is {}", etag(s.seq)),
                        current: Some((etag(s.seq), render(&base, &doc, s), s.by.clone())),
                    })
                }
                None if require => return Decision::Refuse(ApiError::PreconditionRequired),
                _ => {}
            }
            match auth::check(Some(&u), &doc, Access::Modify { author: s.creator_sub.clone() }, false) {
                Ok(()) => Decision::Delete,
                Err(e) => Decision::Refuse(e),
            }
        }
    })
    .await?;
    Ok(Response::builder()
        .status(StatusCode::NO_CONTENT)
        .header(header::ETAG, etag(w.seq))
        .header(header::LINK, RESOURCE_LINK)
        .header(header::ALLOW, ANNOTATION_ALLOW)
        .header(header::VARY, "Accept")
        .body(Body::empty())
        .unwrap_or_default())
}

