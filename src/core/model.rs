//! The annotation model: what a reader records about a span of the article.
//!
//! An [`Annotation`] is an entity (a person, organisation, place, ...) or a claim (a
//! statement with its claimant, a verdict and a note). Its [`Target`] keeps both the
//! position and the quoted text with its context, so it can be found again after the
//! article changes; a target without a position is an orphan, kept and shown, never dropped.
//!
//! Invariants: an [`AnnotationId`] is a non-empty string without whitespace (we mint
//! `urn:uuid:` IRIs; imported ones are kept as they are); timestamps are milliseconds
//! since the Unix epoch, UTC.

use crate::core::offset::CharRange;
use std::fmt;

/// The identity of an annotation, an IRI such as `urn:uuid:…`.
///
/// Shared, not copied: the set's index, the annotation, claims naming it, the panel's
/// rows and the change log all hold the same text (an id per copy cost 0.7 MB at 10,000
/// annotations).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AnnotationId(std::rc::Rc<str>);

impl AnnotationId {
    /// `None` for an empty id or one containing whitespace.
    pub fn new(s: impl Into<String>) -> Option<AnnotationId> {
        let s = s.into();
        (!s.is_empty() && !s.chars().any(char::is_whitespace)).then(|| AnnotationId(s.into()))
    }
    /// A `urn:uuid:` id from 16 random bytes (the caller supplies the randomness:
    /// `core` has no source of it). Sets the version 4 and variant bits.
    pub fn from_random(mut b: [u8; 16]) -> AnnotationId {
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
        AnnotationId(
            format!("urn:uuid:{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32]).into(),
        )
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AnnotationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Milliseconds since the Unix epoch, UTC.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

/// A fact-checker's verdict on a claim.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Verdict {
    #[default]
    Unverified,
    True,
    MostlyTrue,
    Misleading,
    False,
    Unverifiable,
}

impl Verdict {
    pub const ALL: [Verdict; 6] = [
        Verdict::Unverified,
        Verdict::True,
        Verdict::MostlyTrue,
        Verdict::Misleading,
        Verdict::False,
        Verdict::Unverifiable,
    ];
    /// The stable machine name used in files: `mostly-true`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Unverified => "unverified",
            Verdict::True => "true",
            Verdict::MostlyTrue => "mostly-true",
            Verdict::Misleading => "misleading",
            Verdict::False => "false",
            Verdict::Unverifiable => "unverifiable",
        }
    }
    /// The label a reader sees: `Mostly true`.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Unverified => "Unverified",
            Verdict::True => "True",
            Verdict::MostlyTrue => "Mostly true",
            Verdict::Misleading => "Misleading",
            Verdict::False => "False",
            Verdict::Unverifiable => "Unverifiable",
        }
    }
    /// Parses a machine name or a label, case-insensitively.
    pub fn parse(s: &str) -> Option<Verdict> {
        let norm = s.trim().to_lowercase().replace([' ', '_'], "-");
        Verdict::ALL.into_iter().find(|v| v.as_str() == norm)
    }
}

/// What a claim carries besides its span.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Claim {
    /// The entity annotation that makes the claim; `None` is "unknown".
    pub claimant: Option<AnnotationId>,
    pub verdict: Verdict,
    /// Plain text, never interpreted as HTML.
    pub note: String,
}

/// What an annotation says about its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// An entity of a type named by its schema id (`person`, `organization`, ...).
    Entity(String),
    Claim(Claim),
}

impl Body {
    pub fn is_claim(&self) -> bool {
        matches!(self, Body::Claim(_))
    }
}

/// The quoted text of a target with up to [`QUOTE_CONTEXT`] code points of context.
///
/// Prefix, exact and suffix are kept end to end in one allocation: one instead of three
/// per annotation took wasm memory after a load at 100k words × 10k annotations from
/// 6.56 to 6.13 MB (measured).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Quote {
    text: Box<str>,
    /// Where `exact` starts and ends in `text` (UTF-8 bytes, on char boundaries).
    exact_start: usize,
    exact_end: usize,
}

impl Quote {
    pub fn new(prefix: &str, exact: &str, suffix: &str) -> Quote {
        let mut text = String::with_capacity(prefix.len() + exact.len() + suffix.len());
        text.push_str(prefix);
        text.push_str(exact);
        text.push_str(suffix);
        Quote { text: text.into_boxed_str(), exact_start: prefix.len(), exact_end: prefix.len() + exact.len() }
    }
    /// A quote with no context, for files that carry none.
    pub fn bare(exact: &str) -> Quote {
        Quote::new("", exact, "")
    }
    pub fn exact(&self) -> &str {
        self.text.get(self.exact_start..self.exact_end).unwrap_or("")
    }
    pub fn prefix(&self) -> &str {
        self.text.get(..self.exact_start).unwrap_or("")
    }
    pub fn suffix(&self) -> &str {
        self.text.get(self.exact_end..).unwrap_or("")
    }
}

/// How many code points of context a [`Quote`] keeps on each side.
pub const QUOTE_CONTEXT: usize = 32;

/// Where an annotation points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The anchored position in the current document; `None` for an orphan.
    pub range: Option<CharRange>,
    /// The quote as last anchored (or as imported, for an orphan).
    pub quote: Quote,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Annotation {
    pub id: AnnotationId,
    pub target: Target,
    pub body: Body,
    pub created: Timestamp,
    pub modified: Timestamp,
    /// The creator's name, if the host said who the reader is.
    pub creator: Option<String>,
    /// For an entity: the thing this mention names, as an IRI every mention of it shares
    /// ([`entity_iri`]): a knowledge-base IRI (Wikidata, or any http(s) IRI) or a
    /// `urn:uuid:` minted when the reader grouped mentions. `None`: a mention on its own.
    pub entity: Option<String>,
}

/// Wikidata's concept IRIs: this prefix and the item (`Q42`).
pub const WIKIDATA_ENTITY: &str = "http://www.wikidata.org/entity/";

/// The Wikidata item an entity IRI names (`Q42`), if it is Wikidata's.
pub fn wikidata_item(iri: &str) -> Option<&str> {
    iri.strip_prefix(WIKIDATA_ENTITY)
}

/// What a reader may type as an entity's identity, as the IRI kept: an http(s) IRI as
/// it is, a Wikidata item (`Q42`, `wd:Q42`) as its concept IRI, a `urn:uuid:` as it is;
/// `None` for anything else (white space, another scheme, a bare word).
pub fn entity_iri(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')) {
        return None;
    }
    let q = s.strip_prefix("wd:").unwrap_or(s);
    if q.len() > 1 && (q.starts_with('Q') || q.starts_with('q')) && q[1..].bytes().all(|b| b.is_ascii_digit()) && !q[1..].starts_with('0') {
        return Some(format!("{WIKIDATA_ENTITY}Q{}", &q[1..]));
    }
    let lower = s.to_ascii_lowercase();
    let ok = (lower.starts_with("https://") || lower.starts_with("http://")) && s.split_once("://").is_some_and(|(_, rest)| !rest.is_empty() && !rest.starts_with('/'))
        || lower.starts_with("urn:uuid:") && s.len() > 9;
    ok.then(|| s.to_string())
}

impl Annotation {
    pub fn is_orphan(&self) -> bool {
        self.target.range.is_none()
    }
    pub fn claim(&self) -> Option<&Claim> {
        match &self.body {
            Body::Claim(c) => Some(c),
            Body::Entity(_) => None,
        }
    }
}

/// The parts of an annotation that change on their own. A conflict with a colleague is
/// settled one field at a time (`core::team::merge3`), an undo step rebased over a
/// colleague's change keeps their fields (`core::edit::rebase_fields`), and a value that
/// lost a conflict is put back by its field (`core::team::restore`): this is the one
/// place that says what the fields are, and how each is read and written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// Where it is (range and quote).
    Span,
    /// The entity type, or entity against claim.
    Type,
    Claimant,
    Verdict,
    Note,
    /// The thing an entity mention names (its group, or knowledge-base link).
    Entity,
}

impl Field {
    pub fn label(self) -> &'static str {
        match self {
            Field::Span => "text",
            Field::Type => "type",
            Field::Claimant => "claimant",
            Field::Verdict => "verdict",
            Field::Note => "note",
            Field::Entity => "entity",
        }
    }

    /// The fields versions are compared by: the span, the type and the entity, or, when
    /// every version is a claim, the span and the claim's claimant, verdict and note.
    pub fn compared(all_claims: bool) -> &'static [Field] {
        if all_claims {
            &[Field::Span, Field::Claimant, Field::Verdict, Field::Note]
        } else {
            &[Field::Span, Field::Type, Field::Entity]
        }
    }

    /// This field of `a` (`None`: a claim's field of an entity).
    pub fn get(self, a: &Annotation) -> Option<FieldValue> {
        Some(match (self, &a.body) {
            (Field::Span, _) => FieldValue::Span(a.target.clone()),
            (Field::Type, b) => FieldValue::Type(b.clone()),
            (Field::Claimant, Body::Claim(c)) => FieldValue::Claimant(c.claimant.clone()),
            (Field::Verdict, Body::Claim(c)) => FieldValue::Verdict(c.verdict),
            (Field::Note, Body::Claim(c)) => FieldValue::Note(c.note.clone()),
            (Field::Entity, _) => FieldValue::Entity(a.entity.clone()),
            _ => return None,
        })
    }
}

/// One field's value.
#[derive(Clone, Debug)]
pub enum FieldValue {
    Span(Target),
    Type(Body),
    Claimant(Option<AnnotationId>),
    Verdict(Verdict),
    Note(String),
    Entity(Option<String>),
}

/// Two spans are the same when they cover the same range with the same text: their
/// context is read again at every anchoring.
impl PartialEq for FieldValue {
    fn eq(&self, other: &FieldValue) -> bool {
        match (self, other) {
            (FieldValue::Span(a), FieldValue::Span(b)) => a.range == b.range && a.quote.exact() == b.quote.exact(),
            (FieldValue::Type(a), FieldValue::Type(b)) => a == b,
            (FieldValue::Claimant(a), FieldValue::Claimant(b)) => a == b,
            (FieldValue::Verdict(a), FieldValue::Verdict(b)) => a == b,
            (FieldValue::Note(a), FieldValue::Note(b)) => a == b,
            (FieldValue::Entity(a), FieldValue::Entity(b)) => a == b,
            _ => false,
        }
    }
}

impl FieldValue {
    /// Writes this value into `a` (a claim's field on what is no longer a claim: nothing
    /// to put it on).
    pub fn set(&self, a: &mut Annotation) {
        match (self, &mut a.body) {
            (FieldValue::Span(t), _) => a.target = t.clone(),
            (FieldValue::Entity(e), _) => a.entity = e.clone(),
            (FieldValue::Type(b), _) => a.body = b.clone(),
            (FieldValue::Claimant(c), Body::Claim(claim)) => claim.claimant = c.clone(),
            (FieldValue::Verdict(v), Body::Claim(claim)) => claim.verdict = *v,
            (FieldValue::Note(n), Body::Claim(claim)) => claim.note = n.clone(),
            (_, Body::Entity(_)) => {}
        }
    }
}
