//! The document: one canonical text over which every offset is counted, and its blocks.
//!
//! The canonical text is the text of each block, in reading order, joined by
//! [`BLOCK_SEPARATOR`] (`"\n\n"`). Inside a block, runs of white space are folded to one
//! space and a hard line break is a single `"\n"`, so the text equals what a reader sees
//! and what the DOM's text nodes hold, character for character.
//!
//! Invariants: blocks are in text order, do not overlap, and are separated by exactly
//! `BLOCK_SEPARATOR`; every inline mark lies inside its block; `index` was built from `text`.

use crate::core::offset::{slice, CharOffset, CharRange, TextIndex};

/// What separates two blocks in the canonical text.
pub const BLOCK_SEPARATOR: &str = "\n\n";

/// The role a block plays in the article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlockKind {
    Headline,
    Byline,
    Dateline,
    /// A photo caption (the photo itself is not part of the text).
    Caption,
    Paragraph,
    /// A section heading, level 2 to 6.
    Heading(u8),
    Quote,
    ListItem,
    /// A short label such as "See also:" or "Original url:".
    Label,
    /// A related-article link after a "See also" label.
    Related,
    /// The source URL of the article.
    Source,
}

/// Inline markup inside a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InlineKind {
    /// A link; the target is always an `http:`, `https:` or `mailto:` URL
    /// ([`is_link_url`](crate::core::url::is_link_url)).
    Link(String),
    Emphasis,
    Strong,
    Code,
    Subscript,
    Superscript,
}

impl InlineKind {
    /// The HTML element that marks it (the article's markup, and the plain data between
    /// the widget's modules).
    pub fn tag(&self) -> &'static str {
        match self {
            InlineKind::Link(_) => "a",
            InlineKind::Emphasis => "em",
            InlineKind::Strong => "strong",
            InlineKind::Code => "code",
            InlineKind::Subscript => "sub",
            InlineKind::Superscript => "sup",
        }
    }
}

/// An image of the article (not part of the text): shown before block `before` (after
/// the last block when `before` is the block count).
///
/// Invariant: `src` is an absolute `http:` or `https:` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    pub before: usize,
    pub src: String,
    pub alt: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inline {
    pub range: CharRange,
    pub kind: InlineKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub range: CharRange,
    pub inlines: Vec<Inline>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    // Invariant: see the module comment.
    text: String,
    index: TextIndex,
    blocks: Vec<Block>,
    images: Vec<Image>,
}

/// Builds a [`Document`] block by block, keeping the invariants.
#[derive(Default)]
pub struct DocumentBuilder {
    text: String,
    chars: usize,
    blocks: Vec<Block>,
    images: Vec<Image>,
}

impl DocumentBuilder {
    /// Appends a block. `text` is folded (white space runs to one space, trimmed);
    /// `inlines` are given in code points relative to the *folded* block text and are
    /// clipped to it. An empty block is skipped.
    pub fn push(&mut self, kind: BlockKind, text: &str, inlines: Vec<Inline>) {
        if text.is_empty() {
            return;
        }
        if !self.blocks.is_empty() {
            self.text.push_str(BLOCK_SEPARATOR);
            self.chars += BLOCK_SEPARATOR.chars().count();
        }
        let start = self.chars;
        let n = text.chars().count();
        self.text.push_str(text);
        self.chars += n;
        let shift = |r: CharRange| {
            let s = r.start().0.min(n);
            let e = r.end().0.min(n);
            CharRange::from_usize(start + s, start + e)
        };
        let inlines = inlines
            .into_iter()
            .filter_map(|i| Some(Inline { range: shift(i.range).filter(|r| !r.is_empty())?, kind: i.kind }))
            .collect();
        if let Some(range) = CharRange::from_usize(start, start + n) {
            self.blocks.push(Block { kind, range, inlines });
        }
    }
    /// Adds an image before the next block; ignored unless `src` is http(s).
    pub fn push_image(&mut self, src: &str, alt: &str) {
        if crate::core::url::is_safe_url(src) {
            self.images.push(Image { before: self.blocks.len(), src: src.trim().to_string(), alt: fold_whitespace(alt) });
        }
    }
    pub fn finish(mut self) -> Document {
        // Built by appending, so up to twice the text's size is reserved: a document is
        // kept for the session (0.3 MB back at 100,000 words).
        self.text.shrink_to_fit();
        self.blocks.shrink_to_fit();
        let index = TextIndex::new(&self.text);
        Document { text: self.text, index, blocks: self.blocks, images: self.images }
    }
}

/// Folds white space as a browser shows it: runs of spaces, tabs and newlines become one
/// space, a [`HARD_BREAK`] placeholder becomes `"\n"` (swallowing the spaces around it),
/// and the ends are trimmed.
pub fn fold_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c == HARD_BREAK {
            // A hard break swallows the spaces around it.
            out.push('\n');
            pending_space = false;
        } else if c.is_whitespace() {
            pending_space = !out.is_empty() && !out.ends_with('\n');
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    while out.ends_with('\n') {
        out.pop();
    }
    out
}

/// The exact map, both ways, between a plain text and the canonical text of the
/// document [`Document::from_plain_text`] makes of it: folding only removes or changes
/// white space, so the k-th character that is not white space is the same character in
/// both. A range maps from its first visible character to after its last one; a range
/// that starts and ends on visible characters maps there and back unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoldMap {
    /// Code-point positions of the visible characters in the plain text, and in the
    /// canonical text (the same characters, in the same order).
    source: Vec<u32>,
    canonical: Vec<u32>,
    source_len: u32,
    canonical_len: u32,
}

impl FoldMap {
    /// The map between `source` and `doc`, when `doc` is `source` folded.
    pub fn new(source: &str, doc: &Document) -> Option<FoldMap> {
        if source.len() > u32::MAX as usize || Document::from_plain_text(source).text() != doc.text() {
            return None;
        }
        let visible = |t: &str| t.chars().enumerate().filter(|(_, c)| !c.is_whitespace()).map(|(i, _)| i as u32).collect::<Vec<u32>>();
        let (src, can) = (visible(source), visible(doc.text()));
        (src.len() == can.len()).then(|| FoldMap { source: src, canonical: can, source_len: source.chars().count() as u32, canonical_len: doc.len_chars().0 as u32 })
    }
    fn map(from: &[u32], to: &[u32], to_len: u32, start: usize, end: usize) -> (usize, usize) {
        let first = from.partition_point(|&x| (x as usize) < start);
        let after = from.partition_point(|&x| (x as usize) < end);
        let s = to.get(first).copied().unwrap_or(to_len) as usize;
        if after > first {
            (s, to[after - 1] as usize + 1)
        } else {
            (s, s)
        }
    }
    /// A range of the plain text in the canonical text.
    pub fn to_canonical(&self, start: usize, end: usize) -> (usize, usize) {
        Self::map(&self.source, &self.canonical, self.canonical_len, start, end)
    }
    /// A range of the canonical text in the plain text.
    pub fn to_source(&self, start: usize, end: usize) -> (usize, usize) {
        Self::map(&self.canonical, &self.source, self.source_len, start, end)
    }
}

/// The placeholder a parser puts for a hard line break before folding.
pub const HARD_BREAK: char = '\u{2028}';

impl Document {
    /// A document of plain text: each run of non-empty lines is a paragraph.
    pub fn from_plain_text(text: &str) -> Document {
        let mut b = DocumentBuilder::default();
        for para in text.split("\n\n") {
            b.push(BlockKind::Paragraph, &fold_whitespace(para), Vec::new());
        }
        b.finish()
    }
    pub fn text(&self) -> &str {
        &self.text
    }
    pub fn index(&self) -> &TextIndex {
        &self.index
    }
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }
    /// The article's images, in reading order.
    pub fn images(&self) -> &[Image] {
        &self.images
    }
    pub fn len_chars(&self) -> CharOffset {
        self.index.len_chars()
    }
    /// The text covered by `r`, or `None` if `r` runs past the end.
    pub fn slice(&self, r: CharRange) -> Option<&str> {
        slice(&self.text, &self.index, r)
    }
    /// The DOM's offset of `at` inside block `block`: UTF-16 units from the block's start
    /// (a block element's text is the block's text). With [`Document::char_in_block`], the
    /// one place the DOM's UTF-16 offsets and the document's code points meet.
    pub fn utf16_in_block(&self, block: usize, at: CharOffset) -> Option<usize> {
        let b = self.blocks.get(block)?;
        let at = at.max(b.range.start()).min(b.range.end());
        Some(self.index.char_to_utf16(at)?.0 - self.index.char_to_utf16(b.range.start())?.0)
    }
    /// The document offset of the DOM's UTF-16 offset `local` inside block `block`, rounded
    /// by `bias` when it falls inside a surrogate pair, and never past the block's end.
    pub fn char_in_block(&self, block: usize, local: usize, bias: crate::core::offset::Bias) -> Option<CharOffset> {
        let b = self.blocks.get(block)?;
        let start16 = self.index.char_to_utf16(b.range.start())?.0;
        let end16 = self.index.char_to_utf16(b.range.end())?.0;
        let at = self.index.utf16_to_char_rounded(crate::core::offset::Utf16Offset(start16 + local.min(end16 - start16)), bias)?;
        Some(at.min(b.range.end()))
    }
    /// The index of the block containing `at` (a block's end counts as inside it).
    pub fn block_at(&self, at: CharOffset) -> Option<usize> {
        let k = self.blocks.partition_point(|b| b.range.end() < at);
        self.blocks.get(k).filter(|b| b.range.start() <= at).map(|_| k)
    }
    /// The blocks that share at least one code point with `r`, as an index range.
    pub fn blocks_overlapping(&self, r: CharRange) -> std::ops::Range<usize> {
        let first = self.blocks.partition_point(|b| b.range.end() <= r.start());
        let last = self.blocks.partition_point(|b| b.range.start() < r.end());
        first..last.max(first)
    }
    /// A stable fingerprint of the text (64-bit FNV-1a, hex), for default document ids.
    pub fn fingerprint(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in self.text.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{h:016x}")
    }
    /// The URL of the article's source, if a `Source` block links to one.
    pub fn source_url(&self) -> Option<&str> {
        self.blocks.iter().filter(|b| b.kind == BlockKind::Source).find_map(|b| {
            b.inlines.iter().find_map(|i| match &i.kind {
                InlineKind::Link(u) if u.starts_with("http") => Some(u.as_str()),
                _ => None,
            })
        })
    }
    /// The headline's text, if the article has one.
    pub fn headline(&self) -> Option<&str> {
        let b = self.blocks.iter().find(|b| b.kind == BlockKind::Headline)?;
        self.slice(b.range)
    }
}
