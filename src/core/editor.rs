//! What the annotation editor offers, worked out from the session: the entities a claim
//! can name as its claimant, the other annotations over the same text ("Also here"), and
//! an orphan put back on a selected text. The editor component only shows them.
//!
//! Invariants: claimants are entities with a place in the text, in reading order, an
//! entity of several mentions offered once; "also
//! here" never lists the annotation itself; an orphan is attached only to a range, with
//! the quote and context the document has there.

use crate::core::anchor::quote_at;
use crate::core::model::{Annotation, AnnotationId, Body, Target, Timestamp};
use crate::core::offset::CharRange;
use crate::core::session::Session;

/// A label for an annotation in a list: its type's label, or `Claim`.
fn label(s: &Session, a: &Annotation) -> String {
    match &a.body {
        Body::Entity(t) => s.schema.label(t).to_string(),
        Body::Claim(_) => "Claim".into(),
    }
}

/// The entities a claim may name as its claimant, in reading order: `(id, "Nikolai
/// Nikiforov (Person)")`. Orphans and claims are not offered.
///
/// An entity of several mentions is one claimant ("Nikolai Nikiforov (Person, 3
/// mentions)"), offered once, through the mention `current` names if it is one of
/// them, else the mention its label is.
/// `entities` is [`crate::core::entities::entities`] of the session's annotations.
pub fn claimant_options(s: &Session, entities: &[crate::core::entities::Entity], current: Option<&AnnotationId>) -> Vec<(AnnotationId, String)> {
    let set = s.annotations();
    let groups: std::collections::HashMap<&str, &crate::core::entities::Entity> = entities.iter().map(|e| (e.iri.as_str(), e)).collect();
    let mut offered: std::collections::HashSet<&str> = std::collections::HashSet::new();
    set.in_reading_order()
        .into_iter()
        .filter(|e| !e.body.is_claim() && !e.is_orphan())
        .filter_map(|e| match e.entity.as_deref().and_then(|iri| groups.get(iri)).filter(|g| g.mentions.len() > 1) {
            None => Some((e.id.clone(), format!("{} ({})", e.target.quote.exact(), label(s, e)))),
            Some(g) => {
                if !offered.insert(g.iri.as_str()) {
                    return None;
                }
                // Named by the mention the entity's label is (the panel then says "by
                // Nikolai Nikiforov"), or the one the claim already names.
                let named = g.mentions.iter().find(|m| set.get(m).is_some_and(|x| x.target.quote.exact() == g.label && !x.is_orphan()));
                let id = current.filter(|c| g.mentions.contains(c)).or(named).unwrap_or(&e.id).clone();
                Some((id, format!("{} ({}, {} mentions)", g.label, label(s, e), g.mentions.len())))
            }
        })
        .collect()
}

/// The other annotations that meet `a`'s text: `(id, "Person: Nikolai Nikiforov")`, the
/// quote cut at 40 characters.
pub fn also_here(s: &Session, a: &Annotation) -> Vec<(AnnotationId, String)> {
    let Some(r) = a.target.range else { return Vec::new() };
    s.covering(r)
        .into_iter()
        .filter(|o| o.id != a.id)
        .map(|o| (o.id.clone(), format!("{}: {}", label(s, o), o.target.quote.exact().chars().take(40).collect::<String>())))
        .collect()
}

/// `orphan` attached to `range`: placed there, with the document's quote and context,
/// modified `now`. `None` if `range` is not in the document.
pub fn attach(s: &Session, orphan: &Annotation, range: CharRange, now: Timestamp) -> Option<Annotation> {
    let quote = quote_at(&s.doc, range)?;
    let mut n = orphan.clone();
    n.target = Target { range: Some(range), quote };
    n.modified = now;
    Some(n)
}

/// What the editor says of a value that lost a conflict with a colleague (`by`), and the
/// annotation with that value put back, to offer: "Bob changed the verdict while you
/// were editing; yours was “True”."
pub fn conflict_note(s: &Session, a: &Annotation, lost: &crate::core::team::Lost, by: Option<&str>) -> (String, Annotation) {
    use crate::core::team::FieldValue;
    let who = by.unwrap_or("A colleague");
    let value = match &lost.value {
        FieldValue::Span(t) => t.quote.exact().to_string(),
        FieldValue::Type(b) => match b {
            Body::Entity(t) => s.schema.label(t).to_string(),
            Body::Claim(_) => "Claim".into(),
        },
        FieldValue::Claimant(None) => "Unknown".into(),
        FieldValue::Claimant(Some(id)) => s.annotations().get(id).map_or_else(|| "an entity no longer here".into(), |e| e.target.quote.exact().to_string()),
        FieldValue::Verdict(v) => s.schema.verdict_label(*v).to_string(),
        FieldValue::Entity(None) => "(on its own)".into(),
        FieldValue::Entity(Some(iri)) => iri.clone(),
        FieldValue::Note(n) if n.is_empty() => "(no note)".into(),
        FieldValue::Note(n) => {
            let short: String = n.chars().take(80).collect();
            if short.len() < n.len() { format!("{short}…") } else { short }
        }
    };
    let field = lost.field.label();
    let text = if lost.mine {
        format!("{who} changed the {field} while you were editing; yours was “{value}”.")
    } else {
        format!("Your change to the {field} came later than {who}'s, which was “{value}”.")
    };
    (text, crate::core::team::restore(a, lost))
}
