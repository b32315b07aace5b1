//! A session: one document, its schema, its annotations and their undo history.
//!
//! This is the state the UI renders and the JS API drives. Every change goes through
//! [`Session::apply`] (one [`Edit`], one undo step), [`Session::undo`] or [`Session::redo`].
//!
//! Every change is also posted, as a [`Change`], for [`Session::take_changes`]: the
//! widget turns them into the host page's events.
//!
//! Invariant: `revision` grows by one with every change to `set`, so a view can tell
//! cheaply whether it is stale; [`Session::changed_since`] names the annotations each
//! revision touched, so a view can update only those.

use crate::core::anchor::quote_at;
use crate::core::document::Document;
use crate::core::edit::{AnnotationSet, Edit, EditError, History};
use crate::core::format::Imported;
use crate::core::merge::{merge_edit, MergeReport};
use crate::core::mentions::{self, SuggestError, Suggestions, Which};
use crate::core::model::{Annotation, AnnotationId, Body, Target, Timestamp};
use crate::core::offset::CharRange;
use crate::core::schema::Schema;
use crate::core::snap::snap_to_words;

#[derive(Clone, Debug)]
pub struct Session {
    pub document_id: String,
    pub doc: Document,
    pub schema: Schema,
    // Invariant: changed only through apply/apply_remote/touch/undo/redo/load/merge, each bumping `revision`.
    set: AnnotationSet,
    history: History,
    revision: u64,
    // Invariant: every (revision, id) touched by a revision after `log_start`, in order.
    changes: Vec<(u64, AnnotationId)>,
    log_start: u64,
    // What happened since the last `take_changes`, for the host's events.
    outbox: Vec<Change>,
    // Other mentions on offer (never saved); pruned after every change to `set`.
    suggestions: Suggestions,
}

/// One change to the annotations, as a host hears of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Created(AnnotationId),
    Updated(AnnotationId),
    /// The annotation as it was before it went.
    Deleted(Annotation),
    /// Everything was replaced (a load), or too much happened to list.
    Reset,
}

/// The changes an edit made, read from the edit that undoes it.
fn changes_of(inverse: &Edit, out: &mut Vec<Change>) {
    match inverse {
        Edit::Remove(id) => out.push(Change::Created(id.clone())),
        Edit::Update(old) => out.push(Change::Updated(old.id.clone())),
        Edit::Add(old) => out.push(Change::Deleted(old.clone())),
        Edit::Batch(v) => v.iter().rev().for_each(|e| changes_of(e, out)),
    }
}

/// How many changes wait for `take_changes` before they are folded into one `Reset`.
const OUTBOX_LIMIT: usize = 20_000;

fn touched(edit: Option<&Edit>) -> Vec<AnnotationId> {
    let mut ids = Vec::new();
    if let Some(e) = edit {
        e.touched(&mut ids);
    }
    ids
}

/// How many change-log entries are kept before the oldest half is dropped.
const CHANGE_LOG_LIMIT: usize = 8192;

impl Session {
    pub fn new(document_id: String, doc: Document, schema: Schema) -> Session {
        Session {
            document_id,
            doc,
            schema,
            set: AnnotationSet::default(),
            history: History::default(),
            revision: 0,
            changes: Vec::new(),
            log_start: 0,
            outbox: Vec::new(),
            suggestions: Suggestions::default(),
        }
    }
    /// The changes since the last call, oldest first (each revision's in edit order).
    pub fn take_changes(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.outbox)
    }
    fn post(&mut self, inverse: Option<&Edit>) {
        match inverse {
            Some(e) => changes_of(e, &mut self.outbox),
            None => self.outbox.push(Change::Reset),
        }
        if self.outbox.len() > OUTBOX_LIMIT {
            self.outbox = vec![Change::Reset];
        }
    }
    /// The article's IRI, as every export, event and API value names it: its canonical
    /// URL, or a URN of the document id.
    pub fn source(&self) -> String {
        crate::core::format::w3c::default_source(&self.doc, &self.document_id)
    }
    pub fn annotations(&self) -> &AnnotationSet {
        &self.set
    }
    pub fn revision(&self) -> u64 {
        self.revision
    }
    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }
    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }
    /// The annotations changed after revision `rev`, or `None` when the log cannot say
    /// (a load replaced everything, or `rev` is older than the log): then look at all.
    pub fn changed_since(&self, rev: u64) -> Option<Vec<&AnnotationId>> {
        if rev < self.log_start {
            return None;
        }
        let k = self.changes.partition_point(|(r, _)| *r <= rev);
        Some(self.changes.get(k..)?.iter().map(|(_, id)| id).collect())
    }

    /// Records a new revision that touched `ids`.
    fn record(&mut self, ids: Vec<AnnotationId>) {
        self.suggestions.prune(&self.set, &ids);
        self.revision += 1;
        self.changes.extend(ids.into_iter().map(|id| (self.revision, id)));
        if self.changes.len() > CHANGE_LOG_LIMIT {
            // Drop the oldest half, at a revision boundary.
            let cut_rev = self.changes[CHANGE_LOG_LIMIT / 2].0;
            let k = self.changes.partition_point(|(r, _)| *r <= cut_rev);
            self.changes.drain(..k);
            self.log_start = cut_rev;
        }
    }

    /// Applies one edit as one undo step.
    pub fn apply(&mut self, edit: Edit) -> Result<(), EditError> {
        self.history.apply(&mut self.set, edit)?;
        let inverse = self.history.next_undo().cloned();
        self.post(inverse.as_ref());
        let ids = touched(inverse.as_ref());
        self.record(ids);
        Ok(())
    }
    pub fn undo(&mut self) -> Result<bool, EditError> {
        let done = self.history.undo(&mut self.set)?;
        if done {
            // The redo step is the inverse of what undo applied.
            let inverse = self.history.next_redo().cloned();
            self.post(inverse.as_ref());
            let ids = touched(inverse.as_ref());
            self.record(ids);
        }
        Ok(done)
    }
    pub fn redo(&mut self) -> Result<bool, EditError> {
        let done = self.history.redo(&mut self.set)?;
        if done {
            let inverse = self.history.next_undo().cloned();
            self.post(inverse.as_ref());
            let ids = touched(inverse.as_ref());
            self.record(ids);
        }
        Ok(done)
    }
    /// Applies what another tab changed ([`crate::core::sync::merge_remote`]): not an undo
    /// step of this tab, and the undo history is cleared, since its steps may name
    /// annotations the other tab changed.
    pub fn apply_remote(&mut self, edit: Edit) -> Result<(), EditError> {
        let inverse = crate::core::edit::apply(&mut self.set, edit)?;
        self.history.clear();
        self.post(Some(&inverse));
        let ids = touched(Some(&inverse));
        self.record(ids);
        Ok(())
    }
    /// Applies a colleague's change from the team server: not an undo step, and the undo
    /// history is kept, rebased over it ([`crate::core::edit::History::rebase`]): undoing
    /// afterwards undoes this reader's own edits only.
    pub fn apply_team(&mut self, edit: Edit) -> Result<(), EditError> {
        self.apply_team_as(edit, false)
    }
    /// [`Session::apply_team`] for the first read of the team's annotations (a first
    /// visit's feed pages): the host hears of it as of a load, one `Reset` rather than an
    /// event per annotation.
    pub fn apply_team_fill(&mut self, edit: Edit) -> Result<(), EditError> {
        self.apply_team_as(edit, true)
    }
    fn apply_team_as(&mut self, edit: Edit, fill: bool) -> Result<(), EditError> {
        // The versions before and after are kept only for an undo history to rebase (a
        // first visit's 10,000 annotations, with nothing to undo, copy none).
        let rebase = self.history.can_undo() || self.history.can_redo();
        let mut ids = Vec::new();
        if rebase {
            edit.touched(&mut ids);
        }
        let before: Vec<(AnnotationId, Option<Annotation>)> = ids.into_iter().map(|id| {
            let b = self.set.get(&id).cloned();
            (id, b)
        }).collect();
        let inverse = crate::core::edit::apply(&mut self.set, edit)?;
        if rebase {
            let changed: crate::core::edit::Changed = before.into_iter().map(|(id, b)| {
                let a = self.set.get(&id).cloned();
                (id, (b, a))
            }).collect();
            self.history.rebase(&changed);
        }
        self.post(if fill { None } else { Some(&inverse) });
        let ids = touched(Some(&inverse));
        self.record(ids);
        Ok(())
    }
    /// Marks annotations as modified at `now` (an undone deletion another tab may have
    /// merged: see [`crate::core::sync::record_deletions`]). Not an undo step; the undo
    /// history is kept, since only `modified` changes.
    pub fn touch(&mut self, ids: &[AnnotationId], now: Timestamp) {
        let edits: Vec<Edit> = ids
            .iter()
            .filter_map(|id| self.set.get(id))
            .filter(|a| a.modified < now)
            .map(|a| Edit::Update(Annotation { modified: now, ..a.clone() }))
            .collect();
        if edits.is_empty() {
            return;
        }
        if let Ok(inverse) = crate::core::edit::apply(&mut self.set, Edit::Batch(edits)) {
            self.post(Some(&inverse));
            let ids = touched(Some(&inverse));
            self.record(ids);
        }
    }
    /// Loads annotations as the starting state (from storage): no undo step.
    pub fn load(&mut self, imported: Imported) -> MergeReport {
        // A load is not undoable: the set is built step by step, with no inverse.
        let (set, report) = crate::core::merge::set_of_carrying(imported.annotations, imported.carries);
        self.set = set;
        self.history.clear();
        self.revision += 1;
        self.changes.clear();
        self.log_start = self.revision;
        self.outbox = vec![Change::Reset];
        self.suggestions.reset();
        report
    }
    /// Merges imported annotations by id, as one undo step.
    pub fn merge(&mut self, imported: Imported) -> Result<MergeReport, EditError> {
        let (edit, report) = merge_edit(&self.set, imported.annotations, imported.carries);
        self.apply(edit)?;
        Ok(report)
    }
    /// Snaps a selection to words; `None` if it holds no word.
    pub fn snap(&self, range: CharRange) -> Option<CharRange> {
        snap_to_words(&self.doc, range)
    }
    /// A new annotation over `range` (already snapped), not yet applied.
    pub fn new_annotation(&self, id: AnnotationId, range: CharRange, body: Body, now: Timestamp, creator: Option<String>) -> Option<Annotation> {
        let quote = quote_at(&self.doc, range)?;
        Some(Annotation { id, target: Target { range: Some(range), quote }, body, created: now, modified: now, creator, entity: None })
    }
    /// Anchored annotations covering `range` entirely or partly, innermost (shortest) first.
    pub fn covering(&self, range: CharRange) -> Vec<&Annotation> {
        let mut v: Vec<&Annotation> = self
            .set
            .iter()
            .filter(|a| a.target.range.is_some_and(|r| r.meets(&range)))
            .collect();
        v.sort_by_key(|a| a.target.range.map_or(usize::MAX, |r| r.len()));
        v
    }

    /// The other mentions on offer ([`crate::core::mentions`]).
    pub fn suggestions(&self) -> &Suggestions {
        &self.suggestions
    }
    /// What a view shows changes when either part does: the annotations' revision and
    /// the suggestions' version.
    pub fn view_version(&self) -> (u64, u64) {
        (self.revision, self.suggestions.version())
    }
    /// Offers the untagged mentions of annotation `id`'s text; how many are on offer.
    pub fn suggest(&mut self, id: &AnnotationId, case_sensitive: bool) -> Result<usize, SuggestError> {
        let a = self.set.get(id).ok_or_else(|| SuggestError::NotFound(id.clone()))?;
        let found = mentions::suggest(&self.doc, &self.set, a, case_sensitive)?;
        Ok(self.suggestions.offer(found))
    }
    /// Tags the suggestions `which` chooses, as one undo step, joined to the entity of the
    /// annotation each came from ([`crate::core::entities`]); the new annotations' ids
    /// (each from `mint`, which also mints an entity's IRI), in document order.
    pub fn accept_suggestions(&mut self, which: &Which, mint: &mut dyn FnMut() -> AnnotationId, now: Timestamp, creator: Option<String>) -> Result<Vec<AnnotationId>, EditError> {
        let taken = self.suggestions.take_accepted(which);
        if taken.is_empty() {
            return Ok(Vec::new());
        }
        // Accepted mentions join the entity of the annotation they came from (which gets
        // a fresh IRI if it had none), in the same step.
        let mut steps: Vec<Edit> = Vec::new();
        let mut iri_of: std::collections::HashMap<AnnotationId, String> = std::collections::HashMap::new();
        for s in &taken {
            if iri_of.contains_key(&s.source) {
                continue;
            }
            let iri = match self.set.get(&s.source) {
                Some(src) => match &src.entity {
                    Some(iri) => iri.clone(),
                    None => {
                        let iri = mint().as_str().to_string();
                        steps.push(Edit::Update(Annotation { entity: Some(iri.clone()), modified: now, ..src.clone() }));
                        iri
                    }
                },
                None => mint().as_str().to_string(),
            };
            iri_of.insert(s.source.clone(), iri);
        }
        let adds: Vec<Annotation> = taken
            .iter()
            .filter_map(|s| {
                let mut a = self.new_annotation(mint(), s.range, Body::Entity(s.type_id.clone()), now, creator.clone())?;
                a.entity = iri_of.get(&s.source).cloned();
                Some(a)
            })
            .collect();
        let ids: Vec<AnnotationId> = adds.iter().map(|a| a.id.clone()).collect();
        steps.extend(adds.into_iter().map(Edit::Add));
        match self.apply(Edit::Batch(steps)) {
            Ok(()) => Ok(ids),
            Err(e) => {
                self.suggestions.offer(taken);
                Err(e)
            }
        }
    }
    /// Turns down the suggestions `which` chooses; how many went.
    pub fn reject_suggestions(&mut self, which: &Which) -> usize {
        self.suggestions.reject(which)
    }
    /// Withdraws every suggestion.
    pub fn dismiss_suggestions(&mut self) {
        self.suggestions.dismiss();
    }
    /// Adds `a` (an entity) and every untagged mention of its text, as one undo step
    /// ("tag all mentions"), all one entity; the ids added, `a`'s first.
    pub fn add_with_mentions(&mut self, mut a: Annotation, case_sensitive: bool, mint: &mut dyn FnMut() -> AnnotationId) -> Result<Vec<AnnotationId>, EditError> {
        let found = mentions::suggest(&self.doc, &self.set, &a, case_sensitive).unwrap_or_default();
        // One entity: every mention shares an IRI.
        if !found.is_empty() && a.entity.is_none() {
            a.entity = Some(mint().as_str().to_string());
        }
        let mut ids = vec![a.id.clone()];
        let mut steps = Vec::with_capacity(found.len() + 1);
        for s in found {
            if let Some(mut m) = self.new_annotation(mint(), s.range, a.body.clone(), a.created, a.creator.clone()) {
                m.entity.clone_from(&a.entity);
                ids.push(m.id.clone());
                steps.push(Edit::Add(m));
            }
        }
        steps.insert(0, Edit::Add(a));
        self.apply(Edit::Batch(steps))?;
        Ok(ids)
    }
}
