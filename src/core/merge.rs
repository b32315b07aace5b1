//! Merging what a file holds into the annotations the widget has: the merge policy of
//! every import, load and two-tab sync. By id: new ids are added, changed ones updated,
//! identical ones left alone; what a file's format cannot carry is kept from the
//! annotation already there; a file without ids matches annotations over the same span
//! and kind; claims come after the entities (and the claims) they name.
//!
//! Invariants: a merge is one `Edit` (one undo step) that applies in order; a second
//! merge of the same file changes nothing; a claimant never dangles; linear in the size
//! of the file (a load of 10k annotations into 10k copies no ids).

use crate::core::edit::{AnnotationSet, Edit};
use crate::core::format::Carries;
use crate::core::model::{Annotation, AnnotationId, Body};
use crate::core::offset::CharRange;
use std::collections::{HashMap, HashSet};

/// The counts an import reports to the reader.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergeReport {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub orphaned: usize,
}

/// A set of `list` on its own, as a load makes it: duplicate ids dropped (the first
/// stays), claimants that name nothing cleared, each claim added after its claimant.
pub fn set_of(list: Vec<Annotation>) -> (AnnotationSet, MergeReport) {
    set_of_carrying(list, Carries::ALL)
}

/// [`set_of`] for annotations read from a file that carries what `carries` says (one
/// without ids takes the ids of annotations over the same range, here none).
pub fn set_of_carrying(list: Vec<Annotation>, carries: Carries) -> (AnnotationSet, MergeReport) {
    let mut set = AnnotationSet::default();
    let (edit, report) = merge_edit(&set, list, carries);
    // Step by step, not as one batch: no inverse (10,000 ids) is built. No step can
    // fail: merge_edit dropped duplicate ids, cleared claimants that name nothing, and
    // put every claim after its claimant.
    let steps = match edit {
        Edit::Batch(steps) => steps,
        other => vec![other],
    };
    crate::core::edit::each_freeing(steps, |step| {
        let _ = crate::core::edit::apply(&mut set, step);
    });
    (set, report)
}

/// The one edit that merges `incoming` into `set` by id: new ids are added, changed
/// ones updated, identical ones left alone, so a second import of a file changes
/// nothing. What `carries` says the file could not hold is kept from the annotation
/// already in `set`; a file without ids matches annotations by range and kind.
/// Claimants that are neither in `set` nor in `incoming` are cleared.
pub fn merge_edit(set: &AnnotationSet, incoming: Vec<Annotation>, carries: Carries) -> (Edit, MergeReport) {
    let mut report = MergeReport::default();
    let incoming = if carries.ids { incoming } else { adopt_ids(set, incoming) };
    // Ids a claimant may name: the set's (looked up in place: adding one annotation to
    // 10,000 copies no ids) and the incoming ones.
    let arriving: HashSet<AnnotationId> = incoming.iter().map(|a| a.id.clone()).collect();
    let known = |id: &AnnotationId| set.get(id).is_some() || arriving.contains(id);
    // One buffer of the final size: a large load grows nothing by doubling.
    let mut entities = Vec::with_capacity(incoming.len());
    let mut claims = Vec::new();
    let mut seen = HashSet::with_capacity(incoming.len());
    crate::core::edit::each_freeing(incoming, |mut a| {
        if !seen.insert(a.id.clone()) {
            return; // Duplicate id inside the file: the first one wins.
        }
        let old = set.get(&a.id);
        if let Some(old) = old {
            keep_uncarried(&mut a, old, carries);
        }
        if let Body::Claim(c) = &mut a.body {
            if c.claimant.as_ref().is_some_and(|who| !known(who) || *who == a.id) {
                c.claimant = None;
            }
        }
        let (orphan, claim) = (a.is_orphan(), a.body.is_claim());
        // Moved into the edit, never copied: a load of 10k annotations holds them once.
        let edit = match old {
            Some(old) if *old == a => {
                report.unchanged += 1;
                return;
            }
            Some(_) => {
                report.updated += 1;
                Edit::Update(a)
            }
            None => {
                report.added += 1;
                Edit::Add(a)
            }
        };
        if orphan {
            report.orphaned += 1;
        }
        // Entities first, so that claims can name claimants from the same file.
        if claim {
            claims.push(edit);
        } else {
            entities.push(edit);
        }
    });
    entities.extend(order_claims(claims, set));
    (Edit::Batch(entities), report)
}

/// Claims that name another claim of the same merge as claimant go after it, so the
/// batch applies in order (a claim's claimant must exist when it is added); in a cycle
/// of claims naming each other, the claim that closes it keeps no claimant. Linear:
/// each claim names at most one claimant, so every walk ends at a placed claim.
fn order_claims(claims: Vec<Edit>, set: &AnnotationSet) -> Vec<Edit> {
    fn annotation(e: &Edit) -> Option<&Annotation> {
        match e {
            Edit::Add(a) | Edit::Update(a) => Some(a),
            _ => None,
        }
    }
    // The claim of this merge that each claim must follow, if any. (The map's type is
    // the one the brat and doccano writers use: one more would cost wasm size.)
    let waits_for: Vec<Option<usize>> = {
        let index: HashMap<&AnnotationId, usize> = claims.iter().enumerate().filter_map(|(i, e)| Some((&annotation(e)?.id, i))).collect();
        claims
            .iter()
            .map(|e| {
                let who = annotation(e)?.claim()?.claimant.as_ref()?;
                if set.get(who).is_some() {
                    return None;
                }
                index.get(who).copied()
            })
            .collect()
    };
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const PLACED: u8 = 2;
    let n = claims.len();
    let mut state = vec![NEW; n];
    let mut clear = vec![false; n];
    let mut order = Vec::with_capacity(n);
    for start in 0..n {
        let mut path = Vec::new();
        let mut i = start;
        while state[i] == NEW {
            state[i] = ON_PATH;
            path.push(i);
            match waits_for[i] {
                Some(j) if state[j] == NEW => i = j,
                Some(j) if state[j] == ON_PATH => clear[i] = true,
                _ => {}
            }
        }
        for &k in path.iter().rev() {
            state[k] = PLACED;
            order.push(k);
        }
    }
    let mut slots: Vec<Option<Edit>> = claims.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|k| {
            let mut e = slots[k].take()?;
            if clear[k] {
                if let Edit::Add(a) | Edit::Update(a) = &mut e {
                    if let Body::Claim(c) = &mut a.body {
                        c.claimant = None;
                    }
                }
            }
            Some(e)
        })
        .collect()
}

/// Fills what the file could not carry from the annotation already in the widget. For
/// a file without dates, `created` stays as it was, and `modified` too unless the file
/// changed something (then it is the import's stamp).
fn keep_uncarried(a: &mut Annotation, old: &Annotation, carries: Carries) {
    if !carries.creator {
        a.creator.clone_from(&old.creator);
    }
    if !carries.entities {
        // A file that says only which mentions are one entity (under IRIs of its own
        // reading): a mention the widget and the file both group keeps the widget's IRI
        // (its link, or its grouping), so importing one's own export changes nothing.
        let keep = !carries.groups || (a.entity.is_some() && old.entity.is_some());
        if keep {
            a.entity.clone_from(&old.entity);
        }
    }
    if let (Body::Claim(new), Body::Claim(was)) = (&mut a.body, &old.body) {
        if !carries.claimants {
            new.claimant.clone_from(&was.claimant);
        }
        if !carries.verdicts {
            new.verdict = was.verdict;
        }
        if !carries.notes {
            new.note.clone_from(&was.note);
        }
    }
    if !carries.timestamps {
        a.created = old.created;
        let stamp = std::mem::replace(&mut a.modified, old.modified);
        if a != old {
            a.modified = stamp;
        }
    }
}

/// For files without ids: an incoming annotation over the same range as one in `set`,
/// with the same entity type (or both claims), takes that annotation's id, and links
/// between incoming annotations follow the renaming.
fn adopt_ids(set: &AnnotationSet, mut incoming: Vec<Annotation>) -> Vec<Annotation> {
    let mut by_span: HashMap<(CharRange, Option<&str>), &AnnotationId> = HashMap::new();
    for a in set.iter() {
        if let Some(r) = a.target.range {
            let kind = match &a.body {
                Body::Entity(t) => Some(t.as_str()),
                Body::Claim(_) => None,
            };
            by_span.entry((r, kind)).or_insert(&a.id);
        }
    }
    let mut renamed: HashMap<AnnotationId, AnnotationId> = HashMap::new();
    let mut taken: HashSet<AnnotationId> = HashSet::new();
    for a in &mut incoming {
        let Some(r) = a.target.range else { continue };
        let kind = match &a.body {
            Body::Entity(t) => Some(t.as_str()),
            Body::Claim(_) => None,
        };
        if let Some(&id) = by_span.get(&(r, kind)) {
            if *id != a.id && taken.insert(id.clone()) {
                renamed.insert(a.id.clone(), id.clone());
                a.id = id.clone();
            }
        }
    }
    if !renamed.is_empty() {
        for a in &mut incoming {
            if let Body::Claim(c) = &mut a.body {
                if let Some(new) = c.claimant.as_ref().and_then(|who| renamed.get(who)) {
                    c.claimant = Some(new.clone());
                }
            }
        }
    }
    incoming
}

