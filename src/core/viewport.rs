//! Which parts of the article are near the viewport: the band whose annotations the
//! highlight layer keeps registered with the browser (the UI asks about chunks of
//! blocks, see [`crate::core::html`]).
//!
//! Why a band and not everything: Chromium rebuilds the markers of *every* range in
//! `CSS.highlights` after any change to the DOM or to style (measured: 20–30 ms at
//! 10,000 ranges, twice per tagging gesture: once for the toolbar, once for the new
//! highlight). Registering only the annotations near the viewport makes that cost follow
//! what is on screen, not the size of the set.
//!
//! The search is pure: it is given each element's vertical extent in viewport
//! coordinates through a closure (the UI reads `getBoundingClientRect`), and asks for
//! O(log n) of them.
//!
//! Invariants: when the extents are in document order and non-decreasing (elements
//! stack down the page), the band is exactly the elements whose extents reach into the
//! asked interval ([`band`] is tested against a scan of every element); it is never
//! empty when there are elements.

/// The vertical extent of an element, in CSS pixels from the top of the viewport.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Extent {
    pub top: f64,
    pub bottom: f64,
}

/// The elements, as inclusive indices `(first, last)`, whose extents reach into
/// `[from, to]`; `None` when there are none at all.
///
/// When no element reaches into the interval (it falls in a gap between them, or above
/// or below all of them) the band is the one element after it (or the last), so that it
/// is never empty. `extent(i)` is asked for about `2 log2(n)` indices.
pub fn band(n: usize, mut extent: impl FnMut(usize) -> Extent, from: f64, to: f64) -> Option<(usize, usize)> {
    if n == 0 {
        return None;
    }
    // The first element that ends at or below `from`, and the first that starts below `to`.
    let first = partition(n, |i| extent(i).bottom < from);
    let after = partition(n, |i| extent(i).top <= to);
    Some(if first < after { (first, after - 1) } else { (after.min(n - 1), after.min(n - 1)) })
}

/// The number of leading indices in `0..n` for which `pred` holds (it must hold for a
/// prefix only), found by bisection.
fn partition(n: usize, mut pred: impl FnMut(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// The document range of a band of blocks, from its first block's start to where the
/// block after its last begins (so the separator after the band is inside it).
pub fn chars(doc: &crate::core::document::Document, (first, last): (usize, usize)) -> Option<crate::core::offset::CharRange> {
    let blocks = doc.blocks();
    let start = blocks.get(first)?.range.start();
    let end = blocks.get(last + 1).map_or(doc.len_chars(), |b| b.range.start());
    crate::core::offset::CharRange::new(start, end.max(blocks.get(last)?.range.end()))
}
