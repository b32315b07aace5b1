//! Entities as things, not only spans: the mentions that name the same person,
//! organisation or place share an IRI ([`Annotation::entity`]), either a knowledge-base
//! IRI (Wikidata, or any http(s) IRI) or a `urn:uuid:` minted when the reader grouped
//! them. This module works out the entities of a set (for the panel and the claimant
//! list) and the edits that join, split and link them; every change is an ordinary
//! [`Edit`], one undo step.
//!
//! Invariants: only entity annotations carry an IRI (claims never do); an entity's
//! label is its longest mention's text (then the first in reading order), so "Nikolai
//! Nikiforov" names the entity whose mentions include "Nikiforov"; [`entities`] lists
//! each IRI once, in the reading order of its first mention.

use crate::core::edit::{AnnotationSet, Edit};
use crate::core::model::{Annotation, AnnotationId, Body, Timestamp};
use std::collections::HashMap;

/// One entity of the set: the mentions that share an IRI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    pub iri: String,
    /// The entity type of its first mention.
    pub type_id: String,
    /// Its longest mention's text.
    pub label: String,
    /// Every mention, in reading order (orphans last).
    pub mentions: Vec<AnnotationId>,
}

impl Entity {
    /// The IRI is a knowledge-base link (not one the widget minted).
    pub fn linked(&self) -> bool {
        is_link(&self.iri)
    }
}

/// Whether an IRI links to a knowledge base (http or https), not a minted `urn:uuid:`.
pub fn is_link(iri: &str) -> bool {
    !iri.starts_with("urn:")
}

/// The entities of `set`, in the reading order of their first mentions.
pub fn entities(set: &AnnotationSet) -> Vec<Entity> {
    let mut at: HashMap<&str, usize> = HashMap::new();
    let mut out: Vec<(Entity, usize)> = Vec::new();
    for a in set.in_reading_order() {
        let (Body::Entity(t), Some(iri)) = (&a.body, a.entity.as_deref()) else { continue };
        let len = a.target.quote.exact().chars().count();
        match at.get(iri) {
            Some(&i) => {
                let (e, best) = &mut out[i];
                e.mentions.push(a.id.clone());
                if len > *best {
                    e.label = a.target.quote.exact().to_string();
                    *best = len;
                }
            }
            None => {
                at.insert(iri, out.len());
                out.push((
                    Entity { iri: iri.to_string(), type_id: t.clone(), label: a.target.quote.exact().to_string(), mentions: vec![a.id.clone()] },
                    len,
                ));
            }
        }
    }
    out.into_iter().map(|(e, _)| e).collect()
}

/// `a`'s entity in `list` ([`entities`]); `None` for a mention on its own.
pub fn of<'e>(list: &'e [Entity], a: &Annotation) -> Option<&'e Entity> {
    let iri = a.entity.as_deref()?;
    list.iter().find(|e| e.iri == iri)
}

/// The other mentions of `a`'s entity, in reading order.
pub fn others<'s>(set: &'s AnnotationSet, a: &Annotation) -> Vec<&'s Annotation> {
    let Some(iri) = a.entity.as_deref() else { return Vec::new() };
    set.in_reading_order().into_iter().filter(|o| o.id != a.id && o.entity.as_deref() == Some(iri)).collect()
}

/// Sets the entity of each of `ids` (entities only) to `iri`, modified `now`: one step.
/// Annotations already there, and claims, are left alone.
pub fn set_entity(set: &AnnotationSet, ids: &[AnnotationId], iri: Option<&str>, now: Timestamp) -> Edit {
    Edit::Batch(
        ids.iter()
            .filter_map(|id| set.get(id))
            .filter(|a| !a.body.is_claim() && a.entity.as_deref() != iri)
            .map(|a| Edit::Update(Annotation { entity: iri.map(str::to_string), modified: now, ..a.clone() }))
            .collect(),
    )
}

/// Joins `a` (and the mentions of its entity) to `other`'s entity. When `other` has no
/// entity yet, both get `minted` (a fresh `urn:uuid:`).
pub fn join(set: &AnnotationSet, a: &Annotation, other: &Annotation, minted: &str, now: Timestamp) -> Edit {
    let iri = other.entity.clone().unwrap_or_else(|| minted.to_string());
    let mut ids: Vec<AnnotationId> = vec![a.id.clone(), other.id.clone()];
    ids.extend(others(set, a).into_iter().map(|o| o.id.clone()));
    set_entity(set, &ids, Some(&iri), now)
}

/// Takes `a` out of its entity (a mention on its own again); the others stay together.
pub fn split(set: &AnnotationSet, a: &Annotation, now: Timestamp) -> Edit {
    set_entity(set, std::slice::from_ref(&a.id), None, now)
}

/// Links `a`'s entity to a knowledge-base IRI (or back to `minted`, with `None`): every
/// mention of it takes the new IRI, and joins any entity that already had it.
pub fn link(set: &AnnotationSet, a: &Annotation, iri: Option<&str>, minted: &str, now: Timestamp) -> Edit {
    let mut ids: Vec<AnnotationId> = vec![a.id.clone()];
    ids.extend(others(set, a).into_iter().map(|o| o.id.clone()));
    set_entity(set, &ids, Some(iri.unwrap_or(minted)), now)
}

/// What an entity mention can be joined to: one mention of each other entity of its
/// type (labelled with the entity's label and mention count), then the mentions of its
/// type on their own, one per distinct text other than its own; at most `limit`.
/// `list` is [`entities`] of `set` (worked out once a revision by the widget).
pub fn join_options(set: &AnnotationSet, list: &[Entity], a: &Annotation, limit: usize) -> Vec<(AnnotationId, String)> {
    let Body::Entity(t) = &a.body else { return Vec::new() };
    let mut out: Vec<(AnnotationId, String)> = list
        .iter()
        .filter(|e| &e.type_id == t && a.entity.as_deref() != Some(e.iri.as_str()))
        .filter_map(|e| {
            let first = e.mentions.first()?.clone();
            Some((first, format!("{} ({})", e.label, crate::core::format::count(e.mentions.len(), "mention", "mentions"))))
        })
        .collect();
    // Only the candidates are put in reading order, not the whole set.
    let mut lone: Vec<&Annotation> = set.iter().filter(|o| o.entity.is_none() && o.id != a.id && matches!(&o.body, Body::Entity(x) if x == t)).collect();
    lone.sort_by(|x, y| crate::core::edit::reading_order(x, y));
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    seen.insert(a.target.quote.exact());
    for o in lone {
        if out.len() >= limit {
            break;
        }
        if seen.insert(o.target.quote.exact()) {
            out.push((o.id.clone(), o.target.quote.exact().to_string()));
        }
    }
    out.truncate(limit);
    out
}

/// For formats that say which mentions are one entity by relations: for each entity of
/// several mentions among `anchored` (in reading order), a pair (later mention, its
/// first mention) for each later one.
pub fn same_as_pairs<'a>(anchored: &[&'a Annotation]) -> Vec<(&'a AnnotationId, &'a AnnotationId)> {
    let mut first: HashMap<&str, &AnnotationId> = HashMap::new();
    let mut out = Vec::new();
    for a in anchored {
        let (Some(iri), false) = (a.entity.as_deref(), a.body.is_claim()) else { continue };
        match first.get(iri) {
            Some(f) => out.push((&a.id, *f)),
            None => {
                first.insert(iri, &a.id);
            }
        }
    }
    out
}
