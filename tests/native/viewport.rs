//! The band of elements near the viewport: equal to scanning every element, never
//! empty, and found with a logarithmic number of extent reads.

use article_annotator::core::document::Document;
use article_annotator::core::viewport::{band, chars, Extent};
use proptest::prelude::*;

/// Blocks stacked down the page: each starts where the one before ends plus a gap.
fn stack(top: f64, heights: &[(f64, f64)]) -> Vec<Extent> {
    let mut y = top;
    heights
        .iter()
        .map(|&(gap, h)| {
            y += gap;
            let e = Extent { top: y, bottom: y + h };
            y += h;
            e
        })
        .collect()
}

/// Every block reaching into `[from, to]`, by a scan.
fn scan(blocks: &[Extent], from: f64, to: f64) -> Vec<usize> {
    (0..blocks.len()).filter(|&i| blocks[i].bottom >= from && blocks[i].top <= to).collect()
}

proptest! {
    #[test]
    fn the_band_is_every_block_in_view(
        top in -5000.0f64..500.0,
        heights in proptest::collection::vec((0.0f64..40.0, 0.0f64..300.0), 1..300),
        from in -1000.0f64..1000.0,
        len in 0.0f64..2000.0,
    ) {
        let blocks = stack(top, &heights);
        let to = from + len;
        let mut reads = 0;
        let (lo, hi) = band(blocks.len(), |i| { reads += 1; blocks[i] }, from, to).unwrap();
        prop_assert!(lo <= hi && hi < blocks.len());
        let seen = scan(&blocks, from, to);
        if let (Some(&a), Some(&b)) = (seen.first(), seen.last()) {
            prop_assert_eq!(lo, a);
            prop_assert_eq!(hi, b);
        } else {
            // Nothing in view: the band is one block, the nearest after the interval.
            prop_assert_eq!(lo, hi);
        }
        let bound = 2 * (usize::BITS - blocks.len().leading_zeros()) as usize + 2;
        prop_assert!(reads <= bound, "{} reads for {} blocks", reads, blocks.len());
    }
}

#[test]
fn no_blocks_no_band() {
    assert_eq!(band(0, |_| unreachable!(), 0.0, 100.0), None);
}

#[test]
fn a_view_beyond_the_article_keeps_its_nearest_block() {
    let blocks = stack(0.0, &[(0.0, 100.0); 10]);
    assert_eq!(band(10, |i| blocks[i], 5000.0, 6000.0), Some((9, 9)));
    assert_eq!(band(10, |i| blocks[i], -900.0, -100.0), Some((0, 0)));
    assert_eq!(band(10, |i| blocks[i], 250.0, 420.0), Some((2, 4)));
    // A hidden article: every box is empty at 0, so every block is in view.
    assert_eq!(band(10, |_| Extent { top: 0.0, bottom: 0.0 }, -800.0, 1600.0), Some((0, 9)));
}

#[test]
fn the_chars_of_a_band_run_to_the_next_block() {
    let doc = Document::from_plain_text("One.\n\nTwo two.\n\nThree.");
    let r = chars(&doc, (0, 1)).unwrap();
    assert_eq!(doc.slice(r), Some("One.\n\nTwo two.\n\n"));
    let r = chars(&doc, (2, 2)).unwrap();
    assert_eq!(doc.slice(r), Some("Three."));
    assert!(chars(&doc, (3, 3)).is_none());
}
