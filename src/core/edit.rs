//! Every change to the annotations is one [`Edit`], applied by [`apply`].
//!
//! `apply` returns the inverse edit, which is what undo applies; [`History`] keeps the
//! inverses. The UI, the JS API and imports all change state only through here.
//!
//! Invariants: `apply` either applies the whole edit or leaves the set unchanged and
//! returns an error; applying the returned inverse restores the set exactly; after any
//! edit, no claim names a claimant that is not in the set (removing an entity clears it
//! from the claims that named it, and undo puts it back).

use crate::core::model::{Annotation, AnnotationId, Body, Field};
use std::collections::BTreeMap;
use thiserror::Error;

/// The annotations of one document, by id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AnnotationSet {
    by_id: BTreeMap<AnnotationId, Annotation>,
}

impl AnnotationSet {
    pub fn len(&self) -> usize {
        self.by_id.len()
    }
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
    pub fn get(&self, id: &AnnotationId) -> Option<&Annotation> {
        self.by_id.get(id)
    }
    pub fn iter(&self) -> impl Iterator<Item = &Annotation> {
        self.by_id.values()
    }
    /// Anchored annotations in reading order (start, then longer first, then id),
    /// followed by orphans in id order. Exports use this order, so files are stable.
    pub fn in_reading_order(&self) -> Vec<&Annotation> {
        let mut v: Vec<&Annotation> = self.by_id.values().collect();
        v.sort_by(|a, b| reading_order(a, b));
        v
    }
}

/// Calls `f` with each item of `v`, in order, giving back the list's room as it goes
/// (every 1,024 items): a load moves 10,000 annotations from one list into another,
/// and wasm memory never shrinks, so holding both lists whole raised its size for good.
pub fn each_freeing<T>(mut v: Vec<T>, mut f: impl FnMut(T)) {
    v.reverse();
    let mut n = 0usize;
    while let Some(x) = v.pop() {
        f(x);
        n += 1;
        if n % 1024 == 0 {
            v.shrink_to_fit();
        }
    }
}

/// The order of [`AnnotationSet::in_reading_order`]: anchored by start, then longer
/// first, then id; orphans after, by id.
pub fn reading_order(a: &Annotation, b: &Annotation) -> std::cmp::Ordering {
    match (a.target.range, b.target.range) {
        (Some(x), Some(y)) => x.start().cmp(&y.start()).then(y.end().cmp(&x.end())).then_with(|| a.id.cmp(&b.id)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.id.cmp(&b.id),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// Adds a new annotation; its id must not be in use.
    Add(Annotation),
    /// Replaces an existing annotation (same id) with this one.
    Update(Annotation),
    /// Removes an annotation.
    Remove(AnnotationId),
    /// Several edits as one step (one undo).
    Batch(Vec<Edit>),
}

impl Edit {
    /// Every annotation id this edit adds, changes or removes.
    pub fn touched(&self, out: &mut Vec<AnnotationId>) {
        match self {
            Edit::Add(a) | Edit::Update(a) => out.push(a.id.clone()),
            Edit::Remove(id) => out.push(id.clone()),
            Edit::Batch(v) => v.iter().for_each(|e| e.touched(out)),
        }
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum EditError {
    #[error("an annotation with id {0} already exists")]
    DuplicateId(AnnotationId),
    #[error("no annotation with id {0}")]
    NotFound(AnnotationId),
    #[error("claim {claim} names claimant {claimant}, which is not an annotation here")]
    UnknownClaimant { claim: AnnotationId, claimant: AnnotationId },
}

fn check_claimant(set: &AnnotationSet, a: &Annotation) -> Result<(), EditError> {
    if let Body::Claim(c) = &a.body {
        if let Some(who) = &c.claimant {
            if who == &a.id || !set.by_id.contains_key(who) {
                return Err(EditError::UnknownClaimant { claim: a.id.clone(), claimant: who.clone() });
            }
        }
    }
    Ok(())
}

/// Applies `edit` to `set`; returns the edit that undoes it.
pub fn apply(set: &mut AnnotationSet, edit: Edit) -> Result<Edit, EditError> {
    match edit {
        Edit::Add(a) => {
            if set.by_id.contains_key(&a.id) {
                return Err(EditError::DuplicateId(a.id));
            }
            check_claimant(set, &a)?;
            let id = a.id.clone();
            set.by_id.insert(id.clone(), a);
            Ok(Edit::Remove(id))
        }
        Edit::Update(a) => {
            if !set.by_id.contains_key(&a.id) {
                return Err(EditError::NotFound(a.id));
            }
            check_claimant(set, &a)?;
            let id = a.id.clone();
            let old = set.by_id.insert(id.clone(), a);
            // Present: checked above.
            Ok(old.map_or(Edit::Remove(id), Edit::Update))
        }
        Edit::Remove(id) => {
            // Claims naming this annotation as claimant lose it first (one undo step).
            let dependants: Vec<Annotation> = set
                .by_id
                .values()
                .filter(|a| a.claim().and_then(|c| c.claimant.as_ref()) == Some(&id))
                .cloned()
                .collect();
            if !set.by_id.contains_key(&id) {
                return Err(EditError::NotFound(id));
            }
            let mut steps: Vec<Edit> = dependants
                .into_iter()
                .map(|mut a| {
                    if let Body::Claim(c) = &mut a.body {
                        c.claimant = None;
                    }
                    Edit::Update(a)
                })
                .collect();
            if steps.is_empty() {
                let old = set.by_id.remove(&id).ok_or(EditError::NotFound(id))?;
                return Ok(Edit::Add(old));
            }
            steps.push(Edit::Remove(id));
            apply(set, Edit::Batch(steps))
        }
        Edit::Batch(edits) => {
            let mut inverses = Vec::with_capacity(edits.len());
            for e in edits {
                match apply(set, e) {
                    Ok(inv) => inverses.push(inv),
                    Err(err) => {
                        // Roll back what was applied; inverses of applied edits cannot fail.
                        for inv in inverses.into_iter().rev() {
                            let _ = apply(set, inv);
                        }
                        return Err(err);
                    }
                }
            }
            inverses.reverse();
            Ok(Edit::Batch(inverses))
        }
    }
}

/// What a colleague's change did to each annotation it touched: before and after
/// (`None`: absent).
pub type Changed = std::collections::HashMap<AnnotationId, (Option<Annotation>, Option<Annotation>)>;

/// `step` (a version an undo or redo would put back) with every field a colleague changed
/// from `before` to `after` taken from `after`: undoing then restores only what this
/// reader changed. Fields: the span, the type (or entity against claim), and a claim's
/// claimant, verdict and note.
pub fn rebase_fields(step: &Annotation, before: &Annotation, after: &Annotation) -> Annotation {
    let mut out = step.clone();
    let claims = step.body.is_claim() && before.body.is_claim() && after.body.is_claim();
    for &field in Field::compared(claims) {
        if let Some(theirs) = field.get(after).filter(|v| field.get(before).as_ref() != Some(v)) {
            theirs.set(&mut out);
        }
    }
    out
}

/// `e` rebased over a colleague's change; false when nothing of it is left to apply.
fn rebase_edit(e: &mut Edit, changed: &Changed) -> bool {
    match e {
        Edit::Update(a) => match changed.get(&a.id) {
            None => true,
            Some((Some(before), Some(after))) => {
                *a = rebase_fields(a, before, after);
                true
            }
            // Deleted by the colleague: nothing here to put back.
            Some((_, None)) => false,
            Some((None, Some(_))) => true,
        },
        // Undoing an add (or redoing a delete) of what they deleted: already done.
        Edit::Remove(id) => !matches!(changed.get(id), Some((_, None))),
        // Undoing a delete of what they brought back: it is there already.
        Edit::Add(a) => !matches!(changed.get(&a.id), Some((_, Some(_)))),
        Edit::Batch(v) => {
            v.retain_mut(|x| rebase_edit(x, changed));
            !v.is_empty()
        }
    }
}

/// Undo and redo stacks of inverse edits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    undo: Vec<Edit>,
    redo: Vec<Edit>,
}

/// How many steps of undo are kept.
pub const HISTORY_LIMIT: usize = 500;

impl History {
    /// Applies `edit` and records its inverse; a new edit clears the redo stack.
    pub fn apply(&mut self, set: &mut AnnotationSet, edit: Edit) -> Result<(), EditError> {
        let inverse = apply(set, edit)?;
        self.undo.push(inverse);
        if self.undo.len() > HISTORY_LIMIT {
            self.undo.remove(0);
        }
        self.redo.clear();
        Ok(())
    }
    /// Undoes the last edit; `Ok(false)` when there is nothing to undo.
    pub fn undo(&mut self, set: &mut AnnotationSet) -> Result<bool, EditError> {
        Self::step(&mut self.undo, &mut self.redo, set)
    }
    /// Redoes the last undone edit; `Ok(false)` when there is nothing to redo.
    pub fn redo(&mut self, set: &mut AnnotationSet) -> Result<bool, EditError> {
        Self::step(&mut self.redo, &mut self.undo, set)
    }
    /// Applies the top of `from` and pushes its inverse on `to`; on failure, leaves both.
    fn step(from: &mut Vec<Edit>, to: &mut Vec<Edit>, set: &mut AnnotationSet) -> Result<bool, EditError> {
        let Some(e) = from.pop() else { return Ok(false) };
        match apply(set, e.clone()) {
            Ok(inverse) => {
                to.push(inverse);
                Ok(true)
            }
            Err(err) => {
                from.push(e);
                Err(err)
            }
        }
    }
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }
    /// The edit an undo would apply now (the inverse of the last edit applied or redone).
    pub fn next_undo(&self) -> Option<&Edit> {
        self.undo.last()
    }
    /// The edit a redo would apply now (the inverse of the last edit undone).
    pub fn next_redo(&self) -> Option<&Edit> {
        self.redo.last()
    }
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }
    /// A colleague changed annotations outside this history: every step that names them
    /// is rebased ([`rebase_fields`]), so undo and redo change only what this reader did.
    pub fn rebase(&mut self, changed: &Changed) {
        self.undo.retain_mut(|e| rebase_edit(e, changed));
        self.redo.retain_mut(|e| rebase_edit(e, changed));
    }
}
