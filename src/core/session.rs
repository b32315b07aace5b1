//! A session: one document, its schema, its annotations and their undo history.
//!
//! This is the state the UI renders and the JS API drives. Every change goes through
//! [`Session::apply`] (one [`Edit`], one undo step), [`Session::undo`] or [`Session::redo`].
//!
//! Invariant: `revision` grows by one with every change to `set`, so a view can tell
//! cheaply whether it is stale.

use crate::core::anchor::quote_at;
use crate::core::document::Document;
use crate::core::edit::{AnnotationSet, Edit, EditError, History};
use crate::core::format::{merge_edit, Imported, MergeReport};
use crate::core::model::{Annotation, AnnotationId, Body, Target, Timestamp};
use crate::core::offset::CharRange;
use crate::core::schema::Schema;
use crate::core::snap::snap_to_words;

#[derive(Clone, Debug)]
pub struct Session {
    pub document_id: String,
    pub doc: Document,
    pub schema: Schema,
    // Invariant: changed only through apply/undo/redo/replace_all, each bumping `revision`.
    set: AnnotationSet,
    history: History,
    revision: u64,
}

impl Session {
    pub fn new(document_id: String, doc: Document, schema: Schema) -> Session {
        Session { document_id, doc, schema, set: AnnotationSet::default(), history: History::default(), revision: 0 }
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
    /// Applies one edit as one undo step.
    pub fn apply(&mut self, edit: Edit) -> Result<(), EditError> {
        self.history.apply(&mut self.set, edit)?;
        self.revision += 1;
        Ok(())
    }
    pub fn undo(&mut self) -> Result<bool, EditError> {
        let done = self.history.undo(&mut self.set)?;
        self.revision += u64::from(done);
        Ok(done)
    }
    pub fn redo(&mut self) -> Result<bool, EditError> {
        let done = self.history.redo(&mut self.set)?;
        self.revision += u64::from(done);
        Ok(done)
    }
    /// Loads annotations as the starting state (from storage): no undo step.
    pub fn load(&mut self, imported: Imported) -> MergeReport {
        let mut set = AnnotationSet::default();
        let (edit, report) = merge_edit(&set, imported.annotations);
        // A merge into an empty set cannot name a missing claimant: merge_edit cleared those.
        let _ = crate::core::edit::apply(&mut set, edit);
        self.set = set;
        self.history.clear();
        self.revision += 1;
        report
    }
    /// Merges imported annotations by id, as one undo step.
    pub fn merge(&mut self, imported: Imported) -> Result<MergeReport, EditError> {
        let (edit, report) = merge_edit(&self.set, imported.annotations);
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
        Some(Annotation { id, target: Target { range: Some(range), quote }, body, created: now, modified: now, creator })
    }
    /// Anchored annotations covering `range` entirely or partly, innermost (shortest) first.
    pub fn covering(&self, range: CharRange) -> Vec<&Annotation> {
        let mut v: Vec<&Annotation> = self
            .set
            .iter()
            .filter(|a| a.target.range.is_some_and(|r| r.overlaps(&range) || (range.is_empty() && r.start() <= range.start() && range.start() < r.end())))
            .collect();
        v.sort_by_key(|a| a.target.range.map_or(usize::MAX, |r| r.len()));
        v
    }
}
