//! Layout of highlights: which annotations fall in which block, and how a block's
//! text splits into pieces that each carry the same set of marks.
//!
//! The UI renders each block from [`pieces`] alone, so an edit re-renders only the blocks
//! whose annotations changed. [`partition`] is one pass over the annotations with a binary
//! search per annotation over the blocks: O(n log b), never a walk from the start.
//!
//! Invariant: pieces of a block are non-empty, in order, and exactly cover the block.

use crate::core::document::{Document, InlineKind};
use crate::core::edit::AnnotationSet;
use crate::core::model::AnnotationId;
use crate::core::offset::CharRange;

/// The index of each annotation in each block: `result[block]` lists the anchored
/// annotations that share at least one code point with the block, in reading order.
pub fn partition<'a>(doc: &Document, set: &'a AnnotationSet) -> Vec<Vec<&'a crate::core::model::Annotation>> {
    let mut out: Vec<Vec<&crate::core::model::Annotation>> = vec![Vec::new(); doc.blocks().len()];
    for a in set.in_reading_order() {
        let Some(r) = a.target.range else { continue };
        for b in doc.blocks_overlapping(r) {
            if let Some(v) = out.get_mut(b) {
                v.push(a);
            }
        }
    }
    out
}

/// One mark laid over a block: a highlight or an inline mark of the article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mark {
    Highlight(AnnotationId),
    Inline(InlineKind),
}

/// A run of a block's text with the same marks, in the order they were given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub range: CharRange,
    /// Indices into the `marks` slice passed to [`pieces`].
    pub marks: Vec<usize>,
}

/// Splits `block` into pieces at every edge of `marks` (clipped to the block).
pub fn pieces(block: CharRange, marks: &[(CharRange, Mark)]) -> Vec<Piece> {
    let mut edges: Vec<usize> = vec![block.start().0, block.end().0];
    for (r, _) in marks {
        if let Some(c) = r.intersect(&block) {
            edges.push(c.start().0);
            edges.push(c.end().0);
        }
    }
    edges.sort_unstable();
    edges.dedup();
    edges
        .windows(2)
        .filter_map(|w| {
            let range = CharRange::from_usize(w[0], w[1])?;
            let marks = marks
                .iter()
                .enumerate()
                .filter(|(_, (r, _))| r.contains_range(&range))
                .map(|(i, _)| i)
                .collect();
            Some(Piece { range, marks })
        })
        .collect()
}
