//! The widget's side of the team server, as plain data and pure functions: the path an
//! annotation has on the server, the W3C JSON it travels as (both ways), what waits to
//! be pushed ([`Outbox`]: one entry per annotation, with the server version the local
//! edits started from), and how a conflict with a colleague is settled field by field
//! ([`merge3`]). The engine that uses them is `crate::team`; the browser's transport is
//! `ui::team`. The change feed's compact form ([`compact`], [`CompactPage`]) is written
//! by the server and read by the widget with the same code, here.
//!
//! Invariants: an annotation keeps its id through the server (its `canonical` is the
//! widget's id, and the server keeps it); a merge never drops a value silently: a value
//! that loses a conflict is returned in [`Merged::lost`]; an outbox entry is removed only
//! when the server acknowledged the version it holds now.

use crate::core::format::stored::StoredAnnotation;
use crate::core::format::w3c::{annotation_from_json_as, annotation_out};
use crate::core::model::{Annotation, AnnotationId, Body, Timestamp};
pub use crate::core::model::{Field, FieldValue};
use crate::core::schema::Schema;
use serde::Deserialize;
use serde_json::Value;

const UUID_PREFIX: &str = "urn:uuid:";

/// The last path segment of an annotation on the server: a UUID id's own text (the
/// widget mints those), anything else as a stable digest of it (the server allows only
/// `A-Z a-z 0-9 - _ . ~`), so the same id always goes to the same place.
pub fn server_segment(id: &AnnotationId) -> String {
    let s = id.as_str();
    if let Some(u) = s.strip_prefix(UUID_PREFIX) {
        if !u.is_empty() && u.len() <= 64 && u.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
            return u.to_ascii_lowercase();
        }
    }
    let d = crate::core::format::derived_id("team", &[s]);
    format!("x-{}", d.as_str().rsplit(':').next().unwrap_or_default())
}

/// The annotation as the widget sends it: its W3C JSON, with `canonical` its own id (the
/// server keeps it, and every client reads the id back from it).
pub fn to_server(a: &Annotation, schema: &Schema, source: &str) -> String {
    to_server_value(a, schema, source).to_string()
}

/// [`to_server`] as a JSON value (to put inside another document without a round trip
/// through text).
pub fn to_server_value(a: &Annotation, schema: &Schema, source: &str) -> Value {
    let mut v = serde_json::to_value(annotation_out(a, schema, source)).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.insert("canonical".into(), Value::String(a.id.as_str().to_string()));
        // The server writes these; sending them only costs bytes.
        m.remove("creator");
    }
    v
}

/// Who wrote a version, as the server says (`creator`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Author {
    /// The token's `sub`.
    pub sub: String,
    pub name: String,
}

const USER_PREFIX: &str = "urn:article-annotator:user:";

/// An annotation read from the server, not yet anchored: its position as the server has
/// it is `target.range`.
#[derive(Clone, Debug, PartialEq)]
pub struct FromServer {
    pub annotation: Annotation,
    pub author: Option<Author>,
}

/// Reads one annotation as the server serves it. Its id is its `canonical` (the id the
/// widget that made it gave it), else its `via`, else the server's IRI.
pub fn from_server(v: &Value, schema: &Schema, now: Timestamp) -> Result<FromServer, String> {
    let id = ["canonical", "via", "id"].iter().find_map(|k| v.get(*k).and_then(Value::as_str).and_then(AnnotationId::new)).ok_or("id: missing")?;
    let (mut annotation, position) = annotation_from_json_as(v, id, schema, now).map_err(|(f, m)| if f.is_empty() { m } else { format!("{f}: {m}") })?;
    annotation.target.range = position;
    let author = v.get("creator").and_then(|c| {
        let name = c.get("name").and_then(Value::as_str)?.to_string();
        let sub = c.get("id").and_then(Value::as_str).and_then(|i| i.strip_prefix(USER_PREFIX)).map(unpct).unwrap_or_else(|| name.clone());
        Some(Author { sub, name })
    });
    Ok(FromServer { annotation, author })
}

/// The change feed's compact form of an annotation (`changes?form=compact`), from the
/// W3C JSON the server serves: the widget's stored form ([`StoredAnnotation`]: short
/// keys, times in milliseconds, the position in code points), about a third of the
/// bytes, read without building a JSON tree. The entity type is the W3C body's own word
/// (read with no schema): the reader's schema resolves it ([`from_compact`]), as it does
/// for the W3C form.
pub fn compact(v: &Value) -> Result<String, String> {
    let f = from_server(v, &Schema::new(Vec::new()).unwrap_or_default(), Timestamp(0))?;
    serde_json::to_string(&StoredAnnotation::of(&f.annotation)).map_err(|e| e.to_string())
}

/// A page of the change feed, in either form: `annotation` (W3C JSON) or, with
/// `form: "compact"`, `a` ([`compact`]).
#[derive(Deserialize)]
pub struct CompactPage {
    #[serde(default)]
    pub form: Option<String>,
    #[serde(default)]
    pub last: Option<i64>,
    #[serde(default)]
    pub more: bool,
    #[serde(default)]
    pub changes: Vec<CompactChange>,
}

/// One change of a compact page.
#[derive(Deserialize)]
pub struct CompactChange {
    pub seq: Option<i64>,
    #[serde(default)]
    pub etag: String,
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub deleted: bool,
    /// The creator's `sub`.
    #[serde(default)]
    pub creator: Option<String>,
    /// Who made this version.
    #[serde(default)]
    pub by: Option<By>,
    #[serde(default)]
    pub a: Option<StoredAnnotation<'static>>,
}

#[derive(Deserialize)]
pub struct By {
    #[serde(default)]
    pub name: String,
}

/// Reads a compact annotation: its entity type resolved by `schema` as the W3C reader
/// does, its position as the server has it in `target.range` (not yet anchored).
pub fn from_compact(item: StoredAnnotation<'static>, creator: Option<&str>, schema: &Schema) -> Result<FromServer, String> {
    let (mut annotation, position) = item.into_annotation().map_err(|(f, m)| format!("{f}: {m}"))?;
    if let Body::Entity(t) = &mut annotation.body {
        if let Some(e) = schema.resolve(t) {
            *t = e.id.clone();
        }
    }
    annotation.target.range = position;
    let author = annotation.creator.clone().map(|name| Author { sub: creator.map(unpct_user).unwrap_or_else(|| name.clone()), name });
    Ok(FromServer { annotation, author })
}

/// A creator's `sub` as the feed's `creator` gives it (plain, or as the user IRI).
fn unpct_user(c: &str) -> String {
    c.strip_prefix(USER_PREFIX).map_or_else(|| c.to_string(), unpct)
}

fn unpct(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Some(x) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(x);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lost {
    pub field: Field,
    pub value: FieldValue,
    /// Whether the losing value was this reader's own (else the colleague's).
    pub mine: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Merged {
    pub annotation: Annotation,
    pub lost: Vec<Lost>,
}

/// Whether `mine` wins a conflict with `theirs`: the later `modified`; at the same
/// millisecond, the larger content key (the same answer wherever it is computed).
fn mine_wins(mine: &Annotation, theirs: &Annotation) -> bool {
    let key = |a: &Annotation| format!("{:?}|{:?}", a.body, a.target.range);
    (mine.modified, key(mine)) > (theirs.modified, key(theirs))
}

/// Three-way choice of one field: a side that did not change it takes the other's; both
/// changed it differently: the winner's, and the loser's value is returned.
fn pick<T: PartialEq + Clone>(base: Option<&T>, mine: &T, theirs: &T, mine_wins: bool) -> (T, Option<(T, bool)>) {
    if mine == theirs || base == Some(theirs) {
        (mine.clone(), None)
    } else if base == Some(mine) {
        (theirs.clone(), None)
    } else if mine_wins {
        (mine.clone(), Some((theirs.clone(), false)))
    } else {
        (theirs.clone(), Some((mine.clone(), true)))
    }
}

/// Merges this reader's version of an annotation with a colleague's, field by field,
/// against `base`, the version both started from (`None` when there is none: then every
/// field that differs is a conflict). Fields changed on one side only take that side's
/// value; a field changed on both to different values goes to the later `modified`, and
/// the other value is in `lost`.
pub fn merge3(base: Option<&Annotation>, mine: &Annotation, theirs: &Annotation) -> Merged {
    let wins = mine_wins(mine, theirs);
    let mut lost = Vec::new();
    let mut out = theirs.clone();
    out.modified = mine.modified.max(theirs.modified);
    for &field in Field::compared(mine.body.is_claim() && theirs.body.is_claim()) {
        let (Some(m), Some(t)) = (field.get(mine), field.get(theirs)) else { continue };
        let (value, loser) = pick(base.and_then(|b| field.get(b)).as_ref(), &m, &t, wins);
        value.set(&mut out);
        if let Some((value, mine)) = loser {
            lost.push(Lost { field, value, mine });
        }
    }
    Merged { annotation: out, lost }
}

/// Whether two versions say the same thing (span, quote and body), whatever their times
/// and creator: nothing to push from one to the other.
pub fn same_content(a: &Annotation, b: &Annotation) -> bool {
    a.target.range == b.target.range && a.target.quote.exact() == b.target.quote.exact() && a.body == b.body
}

/// `a` with a value that lost a conflict put back (the reader chose it after all).
pub fn restore(a: &Annotation, lost: &Lost) -> Annotation {
    let mut out = a.clone();
    lost.value.set(&mut out);
    out
}

/// What an outbox entry sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// The annotation as it is now (created or changed).
    Put,
    Delete,
}

/// One annotation with local changes the server has not acknowledged.
#[derive(Clone, Debug, PartialEq)]
pub struct Pending {
    pub id: AnnotationId,
    pub op: Op,
    /// The server's version the local changes started from, and its ETag (`None`: the
    /// server has never had it).
    pub base: Option<(String, Annotation)>,
    /// Counts local changes, so that an acknowledgement of an older version does not
    /// clear a newer one.
    pub version: u64,
}

/// The annotations waiting to be pushed, in the order they first changed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outbox {
    items: Vec<Pending>,
}

impl Outbox {
    pub fn len(&self) -> usize {
        self.items.len()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    pub fn items(&self) -> &[Pending] {
        &self.items
    }
    pub fn get(&self, id: &AnnotationId) -> Option<&Pending> {
        self.items.iter().find(|p| &p.id == id)
    }
    fn position(&self, id: &AnnotationId) -> Option<usize> {
        self.items.iter().position(|p| &p.id == id)
    }

    /// A local change to `id`: it exists now or not, and `known` is the server's version
    /// as this widget last saw it (with its ETag). Several changes before a push are one
    /// entry, which keeps the base of the first; one created and deleted before it was
    /// ever pushed leaves nothing to send.
    pub fn record(&mut self, id: &AnnotationId, exists: bool, known: Option<(&str, &Annotation)>) {
        let op = if exists { Op::Put } else { Op::Delete };
        match self.position(id) {
            Some(i) => {
                let p = &mut self.items[i];
                p.op = op;
                p.version += 1;
                if op == Op::Delete && p.base.is_none() {
                    self.items.remove(i);
                }
            }
            None if op == Op::Delete && known.is_none() => {}
            None => self.items.push(Pending { id: id.clone(), op, base: known.map(|(e, a)| (e.to_string(), a.clone())), version: 1 }),
        }
    }

    /// The server acknowledged `version` of `id`: the entry goes, unless it changed again
    /// since (then the acknowledged version is its new base).
    pub fn acknowledged(&mut self, id: &AnnotationId, version: u64, now_known: Option<(&str, &Annotation)>) {
        if let Some(i) = self.position(id) {
            if self.items[i].version == version {
                self.items.remove(i);
            } else {
                self.items[i].base = now_known.map(|(e, a)| (e.to_string(), a.clone()));
            }
        }
    }

    /// The server has a newer version than the entry's base (a colleague's, merged in
    /// locally): later pushes start from it.
    pub fn rebase(&mut self, id: &AnnotationId, etag: &str, server: &Annotation) {
        if let Some(i) = self.position(id) {
            self.items[i].base = Some((etag.to_string(), server.clone()));
        }
    }

    /// The server does not have the entry's base (any more): the next push creates.
    pub fn forget_base(&mut self, id: &AnnotationId) {
        if let Some(i) = self.position(id) {
            self.items[i].base = None;
        }
    }

    pub fn remove(&mut self, id: &AnnotationId) {
        if let Some(i) = self.position(id) {
            self.items.remove(i);
        }
    }

    /// The stored form (kept beside the annotations, so pending edits survive a reload):
    /// `{"v": 1, "items": [{"id", "op", "version", "etag", "base"}]}`, bases as the
    /// server's JSON.
    pub fn to_json(&self, schema: &Schema, source: &str) -> String {
        self.to_value(schema, source).to_string()
    }

    /// [`Outbox::to_json`]'s form as a value (the team state holds it).
    pub fn to_value(&self, schema: &Schema, source: &str) -> Value {
        let items: Vec<Value> = self
            .items
            .iter()
            .map(|p| {
                serde_json::json!({
                    "id": p.id.as_str(),
                    "op": if p.op == Op::Put { "put" } else { "delete" },
                    "version": p.version,
                    "etag": p.base.as_ref().map(|(e, _)| e.clone()),
                    "base": p.base.as_ref().map(|(_, a)| to_server_value(a, schema, source)),
                })
            })
            .collect();
        serde_json::json!({"v": 1, "items": items})
    }

    /// Reads [`Outbox::to_json`]'s form; an entry that cannot be read is skipped and
    /// named.
    pub fn from_json(text: &str, schema: &Schema, now: Timestamp) -> Result<(Outbox, Vec<String>), String> {
        let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        Outbox::from_value(&v, schema, now)
    }

    /// [`Outbox::from_json`] from a value already parsed.
    pub fn from_value(v: &Value, schema: &Schema, now: Timestamp) -> Result<(Outbox, Vec<String>), String> {
        if v.get("v").and_then(Value::as_u64) != Some(1) {
            return Err("unknown version".into());
        }
        let mut out = Outbox::default();
        let mut skipped = Vec::new();
        for (i, item) in v.get("items").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let id = item.get("id").and_then(Value::as_str).and_then(AnnotationId::new);
            let op = match item.get("op").and_then(Value::as_str) {
                Some("put") => Some(Op::Put),
                Some("delete") => Some(Op::Delete),
                _ => None,
            };
            let base = match (item.get("etag").and_then(Value::as_str), item.get("base")) {
                (Some(e), Some(b)) if b.is_object() => match from_server(b, schema, now) {
                    Ok(f) => Some((e.to_string(), f.annotation)),
                    Err(m) => {
                        skipped.push(format!("pending item {}: base: {m}", i + 1));
                        continue;
                    }
                },
                _ => None,
            };
            match (id, op) {
                (Some(id), Some(op)) => out.items.push(Pending { id, op, base, version: item.get("version").and_then(Value::as_u64).unwrap_or(1) }),
                _ => skipped.push(format!("pending item {}: expected an id and an op", i + 1)),
            }
        }
        Ok((out, skipped))
    }
}
