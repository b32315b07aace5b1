//! How a client follows an article: the change feed (`GET /annotations/{doc}/changes?since=N`,
//! every change after sequence number N in order, paged) and the live stream of the same
//! changes as Server-Sent Events (`/annotations/{doc}/events`, each event's `id` its
//! sequence number, resumable with `Last-Event-ID` or `?since=`), and the listener that
//! hears every process's commits through PostgreSQL's `LISTEN`/`NOTIFY`.
//!
//! A change is `{"seq", "etag", "id", "deleted", "annotation"}`: the annotation's latest
//! version (or, deleted, its tombstone without one). Each annotation appears once, at
//! its latest change, so a feed read from 0 is the whole article. With `form=compact`
//! the annotation is under `a`, in the widget's stored form (`core::team::compact`),
//! and a page's next page is in a `Link` header as well as in `next`.
//!
//! Invariants: what a stream sends is read from the database, never from a notification
//! (which only wakes it): a stream misses nothing a reconnecting listener missed, since
//! after reconnecting it tells every stream to read again, and every stream also reads
//! every 10 s. A stream ends when its ticket's token would have expired.

use crate::app::{App, Heard};
use crate::auth::{self, Access, Claims, TICKET_AUDIENCE};
use crate::db::{self, Stored};
use crate::error::ApiError;
use crate::protocol::{base, check_doc, container_iri, etag, render, user};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::json;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};

const FEED_LIMIT: i64 = 1000;

/// One change as JSON text, the stored annotation spliced in as it is.
fn change_json(base: &str, doc: &str, s: &Stored) -> String {
    let annotation = if s.deleted { "null".to_string() } else { render(base, doc, s) };
    change_with(base, doc, s, "annotation", &annotation)
}

/// A change in the feed's compact form: the annotation as the widget stores it, under
/// `a` (`core::team::compact`). One the widget's reader cannot read (none passes the
/// write path's validation) goes without it, and is logged.
fn compact_change_json(base: &str, doc: &str, s: &Stored) -> String {
    if s.deleted {
        return change_with(base, doc, s, "a", "null");
    }
    let w3c = render(base, doc, s);
    match serde_json::from_str(&w3c).map_err(|e| e.to_string()).and_then(|v| article_annotator::core::team::compact(&v)) {
        Ok(a) => change_with(base, doc, s, "a", &a),
        Err(e) => {
            tracing::warn!(doc, id = %s.id, "an annotation has no compact form: {e}");
            change_with(base, doc, s, "a", "null")
        }
    }
}

fn change_with(base: &str, doc: &str, s: &Stored, key: &str, value: &str) -> String {
    let q = |v: &str| serde_json::to_string(v).unwrap_or_default();
    format!(
        "{{\"seq\":{},\"etag\":{},\"id\":{},\"deleted\":{},\"creator\":{},\"by\":{{\"sub\":{},\"name\":{}}},\"{key}\":{value}}}",
        s.seq,
        q(&etag(s.seq)),
        q(&format!("{}{}", container_iri(base, doc), s.id)),
        s.deleted,
        q(&s.creator_sub),
        q(&s.by.0),
        q(&s.by.1)
    )
}

#[derive(Deserialize)]
pub struct FeedQuery {
    since: Option<i64>,
    limit: Option<i64>,
    /// `compact`: each annotation in the widget's stored form, under `a`.
    form: Option<String>,
}

pub async fn changes(State(app): State<Arc<App>>, Path(doc): Path<String>, Query(q): Query<FeedQuery>, headers: HeaderMap) -> Result<Response, ApiError> {
    check_doc(&doc)?;
    let u = user(&app, &headers)?;
    auth::check(u.as_ref(), &doc, Access::Read, app.cfg.is_public(&doc))?;
    let since = q.since.unwrap_or(0).max(0);
    let compact = match q.form.as_deref() {
        None => false,
        Some("compact") => true,
        Some(f) => return Err(ApiError::BadRequest(format!("form: {f:?} is not a form of the feed (compact, or none for W3C JSON)"))),
    };
    let limit = q.limit.unwrap_or(FEED_LIMIT).clamp(1, FEED_LIMIT);
    let base = base(&app, &headers);
    // The head first: a change committed after it is in the next read, never lost.
    let st = db::doc_state(&app.pool, &doc).await?;
    let list = db::changes(&app.pool, &doc, since, limit).await?;
    let last = list.last().map_or(since, |s| s.seq);
    let more = list.len() as i64 == limit;
    let mut out = String::with_capacity(list.iter().map(|s| s.body.as_ref().map_or(64, |b| b.len() + 200)).sum::<usize>() + 256);
    out.push_str(&format!(
        "{{\"type\":\"ChangeList\",\"document\":{},\"since\":{since},\"last\":{last},\"latest\":{},\"more\":{more},{}",
        serde_json::to_string(&doc).unwrap_or_default(),
        st.seq.max(last),
        if compact { "\"form\":\"compact\"," } else { "" }
    ));
    let next = more.then(|| format!("{}changes?since={last}{}", container_iri(&base, &doc), if compact { "&form=compact" } else { "" }));
    if let Some(n) = &next {
        out.push_str(&format!("\"next\":{},", serde_json::to_string(n).unwrap_or_default()));
    }
    out.push_str("\"changes\":[");
    for (i, s) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&if compact { compact_change_json(&base, &doc, s) } else { change_json(&base, &doc, s) });
    }
    out.push_str("]}");
    let mut resp = ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")], out).into_response();
    // The next page in a header too, so a client can ask for it before reading this one.
    if let Some(v) = next.and_then(|n| HeaderValue::from_str(&format!("<{n}>; rel=\"next\"")).ok()) {
        resp.headers_mut().insert(header::LINK, v);
    }
    Ok(resp)
}

pub async fn ticket(State(app): State<Arc<App>>, Path(doc): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    check_doc(&doc)?;
    let u = user(&app, &headers)?;
    let u = u.ok_or_else(|| ApiError::Unauthorized("a bearer token is required".into()))?;
    auth::check(Some(&u), &doc, Access::Read, false)?;
    let (t, exp) = app.keys.ticket(&u, &doc);
    let url = format!("{}events?ticket={t}", container_iri(&base(&app, &headers), &doc));
    Ok(([(header::CACHE_CONTROL, "no-store")], axum::Json(json!({"ticket": t, "expires": exp, "url": url}))).into_response())
}

#[derive(Deserialize)]
pub struct StreamQuery {
    ticket: Option<String>,
    since: Option<i64>,
}

pub async fn stream(State(app): State<Arc<App>>, Path(doc): Path<String>, Query(q): Query<StreamQuery>, headers: HeaderMap) -> Result<Response, ApiError> {
    check_doc(&doc)?;
    let who: Option<Claims> = match &q.ticket {
        Some(t) => Some(app.keys.verify(t, Some(TICKET_AUDIENCE))?),
        None => user(&app, &headers)?,
    };
    auth::check(who.as_ref(), &doc, Access::Read, app.cfg.is_public(&doc))?;
    let resume = headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<i64>().ok()).or(q.since);
    // Subscribe before reading, so nothing committed in between is missed.
    let heard = app.heard.subscribe();
    let start = match resume {
        Some(n) => n.max(0),
        None => db::doc_state(&app.pool, &doc).await?.seq,
    };
    let base = base(&app, &headers);
    let expires = who.as_ref().map(|c| c.exp);
    let (tx, rx) = mpsc::channel::<Event>(256);
    tokio::spawn(follow(app.clone(), doc, base, start, heard, tx, expires));
    let events = tokio_stream::wrappers::ReceiverStream::new(rx).map(Ok::<_, std::convert::Infallible>);
    let mut res = Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    Ok(res)
}

/// Sends the article's changes after `last` as they commit, until the client goes away
/// or its token expires.
async fn follow(app: Arc<App>, doc: String, base: String, mut last: i64, mut heard: broadcast::Receiver<Heard>, tx: mpsc::Sender<Event>, expires: Option<u64>) {
    let deadline = expires.map(|e| tokio::time::Instant::now() + Duration::from_secs(e.saturating_sub(auth::now_secs())));
    let _ = tx.send(Event::default().event("ready").data(json!({"since": last}).to_string())).await;
    let mut stopping = app.stopping.subscribe();
    let mut healthy = true;
    loop {
        // Read everything after `last`.
        loop {
            match db::changes(&app.pool, &doc, last, 500).await {
                Ok(list) => {
                    if !healthy {
                        healthy = true;
                        let _ = tx.send(Event::default().event("status").data(r#"{"database":"ok"}"#)).await;
                    }
                    let n = list.len();
                    for s in &list {
                        if tx.send(Event::default().id(s.seq.to_string()).event("change").data(change_json(&base, &doc, s))).await.is_err() {
                            return;
                        }
                        last = s.seq;
                    }
                    if n < 500 {
                        break;
                    }
                }
                Err(_) => {
                    if healthy {
                        healthy = false;
                        let _ = tx.send(Event::default().event("status").data(r#"{"database":"unavailable"}"#)).await;
                    }
                    break;
                }
            }
        }
        // Wait for a reason to read again.
        let wait = if healthy { Duration::from_secs(10) } else { Duration::from_secs(1) };
        let timer = tokio::time::sleep(wait);
        tokio::pin!(timer);
        loop {
            tokio::select! {
                h = heard.recv() => match h {
                    Ok(Heard::Change { doc: d, seq }) if d == doc && seq > last => break,
                    Ok(Heard::Change { .. }) => continue,
                    Ok(Heard::Resync) | Err(broadcast::error::RecvError::Lagged(_)) => break,
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                _ = &mut timer => break,
                _ = tx.closed() => return,
                _ = async { let _ = stopping.wait_for(|s| *s).await.map(|_| ()); } => return,
                _ = async { match deadline { Some(d) => tokio::time::sleep_until(d).await, None => std::future::pending().await } } => {
                    let _ = tx.send(Event::default().event("expired").data(r#"{"message":"the token has expired"}"#)).await;
                    return;
                }
            }
        }
    }
}

/// Listens on the database for every process's commits and tells this process's streams;
/// reconnects by itself (then every stream reads again, in case it missed something).
pub async fn listen(app: Arc<App>, url: String) {
    let mut backoff = Duration::from_millis(200);
    loop {
        if let Ok((client, mut conn)) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await {
            let (ntx, mut nrx) = mpsc::unbounded_channel();
            let driver = tokio::spawn(async move {
                let mut messages = futures_util::stream::poll_fn(move |cx| conn.poll_message(cx));
                while let Some(m) = messages.next().await {
                    match m {
                        Ok(tokio_postgres::AsyncMessage::Notification(n)) => {
                            if ntx.send(n.payload().to_string()).is_err() {
                                break;
                            }
                        }
                        Ok(_) => {}
                        Err(_) => break,
                    }
                }
            });
            if client.batch_execute(&format!("LISTEN {}", db::CHANNEL)).await.is_ok() {
                app.listening.store(true, Ordering::Relaxed);
                backoff = Duration::from_millis(200);
                let _ = app.heard.send(Heard::Resync);
                while let Some(p) = nrx.recv().await {
                    if let Some((seq, doc)) = p.split_once(' ') {
                        if let Ok(seq) = seq.parse() {
                            let _ = app.heard.send(Heard::Change { doc: doc.to_string(), seq });
                        }
                    }
                }
                app.listening.store(false, Ordering::Relaxed);
                tracing::warn!("lost the database's notifications; reconnecting");
            }
            driver.abort();
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}
