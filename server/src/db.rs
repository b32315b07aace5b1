//! PostgreSQL: the pool, the migrations, and every query. Nothing a request needs is
//! kept in this process's memory: any number of server processes can share a database.
//!
//! Invariants: every value reaches SQL as a bound parameter (no query text is built from
//! input); a write is one transaction that first takes its article's row lock, so an
//! article's sequence numbers are given in commit order, and it is answered only after
//! `COMMIT` returned; `pg_notify` inside that transaction tells every process's listener
//! when (and only if) it commits.

use crate::error::ApiError;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use std::time::Duration;
use tokio_postgres::NoTls;

pub const CHANNEL: &str = "aa_changes";

const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("../migrations/001_init.sql")),
    (2, include_str!("../migrations/002_document_text.sql")),
    (3, include_str!("../migrations/003_modified_by_name.sql")),
];

pub fn pool(url: &str, size: usize) -> Result<Pool, String> {
    let pg: tokio_postgres::Config = url.parse().map_err(|e| format!("AA_DATABASE_URL: {e}"))?;
    let mgr = Manager::from_config(pg, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    Pool::builder(mgr)
        .max_size(size)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(Duration::from_secs(5)))
        .create_timeout(Some(Duration::from_secs(3)))
        .recycle_timeout(Some(Duration::from_secs(2)))
        .build()
        .map_err(|e| e.to_string())
}

/// Applies the migrations not yet applied, under an advisory lock (two processes starting
/// together apply each once).
pub async fn migrate(pool: &Pool) -> Result<Vec<i32>, ApiError> {
    let mut c = pool.get().await?;
    let tx = c.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock(7270016)", &[]).await?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS aa_migrations (version integer PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())").await?;
    let mut applied = Vec::new();
    for (version, sql) in MIGRATIONS {
        if tx.query_opt("SELECT 1 FROM aa_migrations WHERE version = $1", &[version]).await?.is_none() {
            tx.batch_execute(sql).await?;
            tx.execute("INSERT INTO aa_migrations (version) VALUES ($1)", &[version]).await?;
            applied.push(*version);
        }
    }
    tx.commit().await?;
    Ok(applied)
}

/// An article's state: its last change and live annotation count.
#[derive(Debug, Clone, Copy, Default)]
pub struct DocState {
    pub seq: i64,
    pub live: i64,
    pub modified: i64,
}

pub async fn doc_state(pool: &Pool, doc: &str) -> Result<DocState, ApiError> {
    let c = pool.get().await?;
    let st = c.prepare_cached("SELECT seq, live, modified FROM documents WHERE id = $1").await?;
    Ok(c.query_opt(&st, &[&doc]).await?.map(|r| DocState { seq: r.get(0), live: r.get(1), modified: r.get(2) }).unwrap_or_default())
}

/// One stored annotation or tombstone.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: String,
    pub seq: i64,
    pub deleted: bool,
    pub creator_sub: String,
    pub creator_name: String,
    pub created: i64,
    pub body: Option<String>,
    /// Who made this version (`sub`, name).
    pub by: (String, String),
}

fn stored(r: &tokio_postgres::Row) -> Stored {
    Stored { id: r.get(0), seq: r.get(1), deleted: r.get(2), creator_sub: r.get(3), creator_name: r.get(4), created: r.get(5), body: r.get(6), by: (r.get(7), r.get(8)) }
}

const COLUMNS: &str = "id, seq, deleted, creator_sub, creator_name, created, body, modified_by, modified_by_name";

pub async fn get(pool: &Pool, doc: &str, id: &str) -> Result<Option<Stored>, ApiError> {
    let c = pool.get().await?;
    let st = c.prepare_cached(&format!("SELECT {COLUMNS} FROM annotations WHERE doc_id = $1 AND id = $2")).await?;
    Ok(c.query_opt(&st, &[&doc, &id]).await?.as_ref().map(stored))
}

/// Live annotations in creation order, `limit` from `offset`.
pub async fn page(pool: &Pool, doc: &str, offset: i64, limit: i64) -> Result<Vec<Stored>, ApiError> {
    let c = pool.get().await?;
    let st = c
        .prepare_cached(&format!("SELECT {COLUMNS} FROM annotations WHERE doc_id = $1 AND NOT deleted ORDER BY created, id LIMIT $2 OFFSET $3"))
        .await?;
    Ok(c.query(&st, &[&doc, &limit, &offset]).await?.iter().map(stored).collect())
}

/// An article's changes after `since`, in order (each annotation once, in its latest
/// version: a tombstone for a deletion).
pub async fn changes(pool: &Pool, doc: &str, since: i64, limit: i64) -> Result<Vec<Stored>, ApiError> {
    let c = pool.get().await?;
    let st = c.prepare_cached(&format!("SELECT {COLUMNS} FROM annotations WHERE doc_id = $1 AND seq > $2 ORDER BY seq LIMIT $3")).await?;
    Ok(c.query(&st, &[&doc, &since, &limit]).await?.iter().map(stored).collect())
}

/// What a write is about to replace, and decides; see [`write`].
pub enum Decision {
    /// Write this version (the `Stored` without `seq`, which the write gives it).
    Put(Stored),
    /// Make the annotation a tombstone.
    Delete,
    Refuse(ApiError),
}

/// The outcome of a committed write.
pub struct Written {
    pub seq: i64,
    pub created: bool,
    pub stored: Stored,
}

/// One write in one transaction: locks the article (creating its row), reads the current
/// version of `id` (if any), lets `decide` check it (ETag, rights) and say what to write,
/// writes it with the article's next sequence number, notifies, and commits. A refusal
/// rolls everything back, the sequence number included.
pub async fn write(pool: &Pool, doc: &str, id: &str, now_ms: i64, who: (&str, &str), decide: impl FnOnce(Option<&Stored>) -> Decision) -> Result<Written, ApiError> {
    let mut c = pool.get().await?;
    let tx = c.transaction().await?;
    let bump = tx
        .prepare_cached("INSERT INTO documents (id, seq, live, modified) VALUES ($1, 1, 0, $2) ON CONFLICT (id) DO UPDATE SET seq = documents.seq + 1, modified = $2 RETURNING seq")
        .await?;
    let seq: i64 = tx.query_one(&bump, &[&doc, &now_ms]).await?.get(0);
    let read = tx.prepare_cached(&format!("SELECT {COLUMNS} FROM annotations WHERE doc_id = $1 AND id = $2")).await?;
    let current = tx.query_opt(&read, &[&doc, &id]).await?.as_ref().map(stored);
    let was_live = current.as_ref().is_some_and(|s| !s.deleted);
    let (out, live_delta) = match decide(current.as_ref()) {
        Decision::Refuse(e) => return Err(e), // dropping `tx` rolls back
        Decision::Put(new) => {
            let up = tx
                .prepare_cached(
                    "INSERT INTO annotations (doc_id, id, seq, deleted, creator_sub, creator_name, modified_by, modified_by_name, created, modified, body) \
                     VALUES ($1, $2, $3, false, $4, $5, $6, $10, $7, $8, $9) \
                     ON CONFLICT (doc_id, id) DO UPDATE SET seq = $3, deleted = false, creator_sub = $4, creator_name = $5, \
                     modified_by = $6, modified_by_name = $10, created = $7, modified = $8, body = $9",
                )
                .await?;
            tx.execute(&up, &[&doc, &id, &seq, &new.creator_sub, &new.creator_name, &who.0, &new.created, &now_ms, &new.body, &who.1]).await?;
            (Stored { seq, deleted: false, by: (who.0.to_string(), who.1.to_string()), ..new }, if was_live { 0i64 } else { 1 })
        }
        Decision::Delete => {
            let Some(cur) = current.clone() else { return Err(ApiError::Internal("delete without a current version".into())) };
            let del = tx.prepare_cached("UPDATE annotations SET seq = $3, deleted = true, body = NULL, modified_by = $4, modified_by_name = $6, modified = $5 WHERE doc_id = $1 AND id = $2").await?;
            tx.execute(&del, &[&doc, &id, &seq, &who.0, &now_ms, &who.1]).await?;
            (Stored { seq, deleted: true, body: None, by: (who.0.to_string(), who.1.to_string()), ..cur }, if was_live { -1 } else { 0 })
        }
    };
    if live_delta != 0 {
        let live = tx.prepare_cached("UPDATE documents SET live = live + $2 WHERE id = $1").await?;
        tx.execute(&live, &[&doc, &live_delta]).await?;
    }
    let notify = tx.prepare_cached("SELECT pg_notify($1, $2)").await?;
    tx.execute(&notify, &[&CHANNEL, &format!("{seq} {doc}")]).await?;
    tx.commit().await?;
    Ok(Written { seq, created: !was_live && !out.deleted, stored: out })
}

/// Whether the database answers.
pub async fn ping(pool: &Pool) -> Result<(), ApiError> {
    let c = pool.get().await?;
    c.simple_query("SELECT 1").await?;
    Ok(())
}

/// An article's stored text and its format's name, if the CMS sent one.
pub async fn text(pool: &Pool, doc: &str) -> Result<Option<(String, String)>, ApiError> {
    let c = pool.get().await?;
    let st = c.prepare_cached("SELECT text, text_format FROM documents WHERE id = $1 AND text IS NOT NULL").await?;
    Ok(c.query_opt(&st, &[&doc]).await?.map(|r| (r.get(0), r.get(1))))
}

/// Stores an article's new text and, in the same transaction (holding the article's row),
/// rewrites the annotations `plan` says changed, each with its own sequence number, then
/// notifies once. `plan` gets every live annotation (id, stored JSON) and returns, for
/// those it changes, the new JSON.
pub async fn replace_text<T>(
    pool: &Pool,
    doc: &str,
    text: &str,
    format: &str,
    now_ms: i64,
    who: (&str, &str),
    plan: impl FnOnce(Vec<(String, String)>) -> (Vec<(String, String)>, T),
) -> Result<(i64, T), ApiError> {
    let mut c = pool.get().await?;
    let tx = c.transaction().await?;
    let lock = tx
        .prepare_cached("INSERT INTO documents (id, seq, live, modified, text, text_format) VALUES ($1, 0, 0, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET text = $3, text_format = $4 RETURNING seq")
        .await?;
    let mut seq: i64 = tx.query_one(&lock, &[&doc, &now_ms, &text, &format]).await?.get(0);
    let rows = tx.query("SELECT id, body FROM annotations WHERE doc_id = $1 AND NOT deleted AND body IS NOT NULL", &[&doc]).await?;
    let current: Vec<(String, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    let (changes, report) = tokio::task::block_in_place(|| plan(current));
    if !changes.is_empty() {
        let up = tx.prepare_cached("UPDATE annotations SET seq = $3, body = $4, modified = $5, modified_by = $6, modified_by_name = $7 WHERE doc_id = $1 AND id = $2").await?;
        for (id, body) in &changes {
            seq += 1;
            tx.execute(&up, &[&doc, id, &seq, body, &now_ms, &who.0, &who.1]).await?;
        }
        tx.execute("UPDATE documents SET seq = $2, modified = $3 WHERE id = $1", &[&doc, &seq, &now_ms]).await?;
        tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &format!("{seq} {doc}")]).await?;
    }
    tx.commit().await?;
    Ok((seq, report))
}
