//! Typed text offsets and the one place that converts between them.
//!
//! Three units meet in this project: Unicode code points (the W3C Web Annotation
//! model's unit, and ours: every stored and exported position is a [`CharOffset`]),
//! UTF-16 code units (what the DOM counts: [`Utf16Offset`]) and UTF-8 bytes (what Rust
//! slices: [`Utf8Offset`]). They are deliberately distinct types, never bare `usize`,
//! and [`TextIndex`] is the only code that converts one into another.
//!
//! Invariant: a `TextIndex` is built from one exact text and answers only for it;
//! conversions return `None` for an offset past the end or inside a character
//! (a UTF-8 continuation byte or the low half of a surrogate pair), unless a [`Bias`]
//! says which way to round.

use std::fmt;

/// A position counted in Unicode scalar values (code points) from the start of the text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CharOffset(pub usize);

/// A position counted in UTF-16 code units, as the DOM counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Utf16Offset(pub usize);

/// A position counted in UTF-8 bytes, as Rust string slicing counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Utf8Offset(pub usize);

impl fmt::Display for CharOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A half-open range `[start, end)` of code points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CharRange {
    // Invariant: start <= end.
    start: CharOffset,
    end: CharOffset,
}

impl CharRange {
    /// A range from `start` to `end`; `None` if `end < start`.
    pub fn new(start: CharOffset, end: CharOffset) -> Option<CharRange> {
        (start <= end).then_some(CharRange { start, end })
    }
    /// Shorthand for tests and literals: `CharRange::from_usize(2, 5)`; `None` if reversed.
    pub fn from_usize(start: usize, end: usize) -> Option<CharRange> {
        CharRange::new(CharOffset(start), CharOffset(end))
    }
    pub fn start(&self) -> CharOffset {
        self.start
    }
    pub fn end(&self) -> CharOffset {
        self.end
    }
    pub fn len(&self) -> usize {
        self.end.0 - self.start.0
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
    /// True when the two ranges share at least one code point.
    pub fn overlaps(&self, other: &CharRange) -> bool {
        self.start < other.end && other.start < self.end
    }
    /// True when the ranges overlap, or `other` is empty and sits inside `self` (a caret
    /// position meets the range around it).
    pub fn meets(&self, other: &CharRange) -> bool {
        self.overlaps(other) || (other.is_empty() && self.start <= other.start && other.start < self.end)
    }
    /// True when `other` lies wholly inside `self`.
    pub fn contains_range(&self, other: &CharRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    /// The common part of two ranges, if they overlap.
    pub fn intersect(&self, other: &CharRange) -> Option<CharRange> {
        let start = self.start.max(other.start);
        let end = self.end.min(other.end);
        (start < end).then_some(CharRange { start, end })
    }
}

/// Which way to round an offset that falls inside a character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bias {
    /// To the start of the character.
    Backward,
    /// To the end of the character.
    Forward,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Wide {
    ch: usize,
    b8: usize,
    b16: usize,
    len8: u8,
    len16: u8,
}

/// Converts offsets between code points, UTF-16 and UTF-8 for one text.
///
/// Only non-ASCII characters are recorded, so an ASCII text costs nothing and every
/// conversion is a binary search over the non-ASCII characters before the offset.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TextIndex {
    // Invariant: one entry per non-ASCII character, in text order (so sorted by every field).
    wide: Vec<Wide>,
    len_chars: usize,
    len8: usize,
    len16: usize,
}

impl TextIndex {
    pub fn new(text: &str) -> TextIndex {
        let mut wide = Vec::new();
        let (mut ch, mut b16) = (0usize, 0usize);
        for (b8, c) in text.char_indices() {
            let len8 = c.len_utf8();
            let len16 = c.len_utf16();
            if len8 > 1 {
                wide.push(Wide { ch, b8, b16, len8: len8 as u8, len16: len16 as u8 });
            }
            ch += 1;
            b16 += len16;
        }
        TextIndex { wide, len_chars: ch, len8: text.len(), len16: b16 }
    }

    pub fn len_chars(&self) -> CharOffset {
        CharOffset(self.len_chars)
    }
    pub fn len_utf16(&self) -> Utf16Offset {
        Utf16Offset(self.len16)
    }
    pub fn len_utf8(&self) -> Utf8Offset {
        Utf8Offset(self.len8)
    }

    fn last_wide_before_char(&self, c: usize) -> Option<&Wide> {
        let k = self.wide.partition_point(|w| w.ch < c);
        k.checked_sub(1).and_then(|i| self.wide.get(i))
    }

    /// Code points to UTF-8 bytes; `None` past the end.
    pub fn char_to_utf8(&self, c: CharOffset) -> Option<Utf8Offset> {
        self.char_to_unit(c, |w| (w.b8, w.len8)).map(Utf8Offset)
    }

    /// Code points to UTF-16 code units; `None` past the end.
    pub fn char_to_utf16(&self, c: CharOffset) -> Option<Utf16Offset> {
        self.char_to_unit(c, |w| (w.b16, w.len16)).map(Utf16Offset)
    }

    /// Code points to another unit, whose (start, width) of a wide char `unit` gives.
    fn char_to_unit(&self, c: CharOffset, unit: impl Fn(&Wide) -> (usize, u8)) -> Option<usize> {
        if c.0 > self.len_chars {
            return None;
        }
        Some(match self.last_wide_before_char(c.0) {
            None => c.0,
            Some(w) => {
                let (start, width) = unit(w);
                start + width as usize + (c.0 - w.ch - 1)
            }
        })
    }

    /// UTF-8 bytes to code points; `None` past the end or inside a character.
    pub fn utf8_to_char(&self, b: Utf8Offset) -> Option<CharOffset> {
        self.utf8_to_char_biased(b, None)
    }

    /// UTF-16 code units to code points; `None` past the end or inside a surrogate pair.
    pub fn utf16_to_char(&self, u: Utf16Offset) -> Option<CharOffset> {
        self.utf16_to_char_biased(u, None)
    }

    /// UTF-16 to code points, rounding an offset inside a surrogate pair by `bias`.
    /// `None` only past the end. The DOM can report such offsets, so the UI uses this.
    pub fn utf16_to_char_rounded(&self, u: Utf16Offset, bias: Bias) -> Option<CharOffset> {
        self.utf16_to_char_biased(u, Some(bias))
    }

    fn utf8_to_char_biased(&self, b: Utf8Offset, bias: Option<Bias>) -> Option<CharOffset> {
        self.to_char(b.0, self.len8, |w| (w.b8, w.len8), bias)
    }

    fn utf16_to_char_biased(&self, u: Utf16Offset, bias: Option<Bias>) -> Option<CharOffset> {
        self.to_char(u.0, self.len16, |w| (w.b16, w.len16), bias)
    }

    /// Another unit to code points; `unit` gives a wide char's (start, width) in it.
    fn to_char(&self, pos: usize, len: usize, unit: impl Fn(&Wide) -> (usize, u8), bias: Option<Bias>) -> Option<CharOffset> {
        if pos > len {
            return None;
        }
        let k = self.wide.partition_point(|w| unit(w).0 < pos);
        let Some(w) = k.checked_sub(1).and_then(|i| self.wide.get(i)) else {
            return Some(CharOffset(pos));
        };
        let (start, width) = unit(w);
        let end = start + width as usize;
        if pos < end {
            return match bias? {
                Bias::Backward => Some(CharOffset(w.ch)),
                Bias::Forward => Some(CharOffset(w.ch + 1)),
            };
        }
        Some(CharOffset(w.ch + 1 + (pos - end)))
    }

    /// The UTF-8 byte range of a code-point range; `None` if it runs past the end.
    pub fn utf8_range(&self, r: CharRange) -> Option<std::ops::Range<usize>> {
        Some(self.char_to_utf8(r.start())?.0..self.char_to_utf8(r.end())?.0)
    }
}

/// The slice of `text` covered by `r`, or `None` if `r` runs past the end of `text`.
/// `index` must have been built from `text`.
pub fn slice<'t>(text: &'t str, index: &TextIndex, r: CharRange) -> Option<&'t str> {
    text.get(index.utf8_range(r)?)
}
