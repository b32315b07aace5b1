//! Two tabs on one document: merging what another tab saved into this one.
//!
//! Each tab saves its whole set with [`Tombstone`]s for what it deleted. When another
//! tab's save arrives, [`merge_remote`] decides per annotation: the later `modified`
//! wins (two versions of the same millisecond are ordered by content, the same in every
//! tab); a deletion wins over any version modified before it; an annotation only one side
//! has is kept unless the other side's tombstone is newer. The result is one [`Edit`]
//! for this tab and whether this tab holds anything the other lacks (then it saves, and
//! the other tab merges that in turn, so both converge).
//!
//! Invariants: merging is idempotent (merging the same remote state twice changes
//! nothing the second time) and never loses an annotation that neither side deleted;
//! no claim is left naming a claimant that is not in the set.

use crate::core::edit::{AnnotationSet, Edit};
use crate::core::model::{Annotation, AnnotationId, Body, Timestamp};
use std::collections::{BTreeMap, HashMap};

/// A deleted annotation's id and when it was deleted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Tombstone {
    pub id: AnnotationId,
    pub at: Timestamp,
}

/// How long tombstones are kept: long enough for any other open tab to have seen them.
pub const TOMBSTONE_DAYS: i64 = 30;

/// What merging another tab's state means for this one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merge {
    /// The edit that brings this tab's set to the merged state (an empty batch if none).
    pub edit: Edit,
    /// How many annotations the edit adds, changes or removes.
    pub changed: usize,
    /// This tab has annotations (or deletions) the other tab's state lacks: save.
    pub local_ahead: bool,
}

/// Orders two different versions modified in the same millisecond, the same way in
/// every tab, so that both keep the same one.
fn tie_key(a: &Annotation) -> String {
    format!("{:?}|{:?}|{:?}|{:?}", a.body, a.target.range, a.target.quote, a.creator)
}

fn latest(tombs: &[Tombstone]) -> HashMap<&AnnotationId, Timestamp> {
    let mut m: HashMap<&AnnotationId, Timestamp> = HashMap::new();
    for t in tombs {
        let e = m.entry(&t.id).or_insert(t.at);
        *e = (*e).max(t.at);
    }
    m
}

/// Merges `remote` (another tab's saved annotations, already anchored in this tab's
/// document) and its tombstones into `local`, whose own deletions are `local_tombs`.
pub fn merge_remote(local: &AnnotationSet, local_tombs: &[Tombstone], remote: &[Annotation], remote_tombs: &[Tombstone]) -> Merge {
    let (lt, rt) = (latest(local_tombs), latest(remote_tombs));
    let mut merged: BTreeMap<AnnotationId, Annotation> = BTreeMap::new();
    let mut local_ahead = false;
    let remote_ids: HashMap<&AnnotationId, &Annotation> = remote.iter().map(|a| (&a.id, a)).collect();
    for r in remote {
        match local.get(&r.id) {
            Some(l) if r.modified > l.modified || (r.modified == l.modified && r != l && tie_key(r) > tie_key(l)) => {
                merged.insert(r.id.clone(), r.clone());
            }
            Some(l) => {
                local_ahead |= l != r;
                merged.insert(l.id.clone(), l.clone());
            }
            None if lt.get(&r.id).is_some_and(|&at| at >= r.modified) => local_ahead = true,
            None => {
                merged.insert(r.id.clone(), r.clone());
            }
        }
    }
    for l in local.iter().filter(|l| !remote_ids.contains_key(&l.id)) {
        if rt.get(&l.id).is_some_and(|&at| at >= l.modified) {
            continue; // deleted in the other tab after its last change here
        }
        local_ahead = true;
        merged.insert(l.id.clone(), l.clone());
    }
    // Tombstones the other tab does not have yet also need saving.
    local_ahead |= lt.iter().any(|(id, at)| rt.get(id).is_none_or(|r| r < at));
    // No claim may name a claimant that is gone.
    let ids: std::collections::HashSet<AnnotationId> = merged.keys().cloned().collect();
    for a in merged.values_mut() {
        if let Body::Claim(c) = &mut a.body {
            if c.claimant.as_ref().is_some_and(|w| !ids.contains(w)) {
                c.claimant = None;
            }
        }
    }
    // From local to merged: removals first (they clear claimants), then entities, then claims.
    let mut removes = Vec::new();
    let (mut entities, mut claims) = (Vec::new(), Vec::new());
    for l in local.iter() {
        if !merged.contains_key(&l.id) {
            removes.push(Edit::Remove(l.id.clone()));
        }
    }
    for (id, a) in &merged {
        let edit = match local.get(id) {
            Some(l) if l == a => continue,
            Some(_) => Edit::Update(a.clone()),
            None => Edit::Add(a.clone()),
        };
        if a.body.is_claim() {
            claims.push(edit);
        } else {
            entities.push(edit);
        }
    }
    let changed = removes.len() + entities.len() + claims.len();
    removes.extend(entities);
    removes.extend(claims);
    Merge { edit: Edit::Batch(removes), changed, local_ahead }
}

/// Brings `tombs` up to date before a merge or a save: a tombstone at `now` for each id
/// `before` had and `after` lacks; none older than [`TOMBSTONE_DAYS`]. Returns the ids
/// that have a tombstone but are back in `after` (an undone deletion, a re-import): their
/// tombstones are dropped, and the caller marks them modified `now`
/// ([`crate::core::session::Session::touch`]), so that this later change overrules the
/// deletion another tab may already have merged.
pub fn record_deletions(before: &[AnnotationId], after: &AnnotationSet, now: Timestamp, tombs: &mut Vec<Tombstone>) -> Vec<AnnotationId> {
    let back: Vec<AnnotationId> = tombs.iter().filter(|t| after.get(&t.id).is_some()).map(|t| t.id.clone()).collect();
    tombs.retain(|t| after.get(&t.id).is_none());
    for id in before {
        if after.get(id).is_none() && !tombs.iter().any(|t| t.id == *id) {
            tombs.push(Tombstone { id: id.clone(), at: now });
        }
    }
    let horizon = now.0 - TOMBSTONE_DAYS * 86_400_000;
    tombs.retain(|t| t.at.0 >= horizon);
    back
}

/// Adds another tab's tombstones to this tab's (the later time wins for an id).
pub fn adopt_tombstones(tombs: &mut Vec<Tombstone>, remote: &[Tombstone]) {
    for r in remote {
        match tombs.iter_mut().find(|t| t.id == r.id) {
            Some(t) => t.at = t.at.max(r.at),
            None => tombs.push(r.clone()),
        }
    }
}
