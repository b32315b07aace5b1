//! The article as HTML markup: the one string the UI hands to the browser's parser.
//!
//! Building the static article as one string and letting the browser parse it is several
//! times faster than building it node by node, and the article never changes after it
//! is drawn (highlights are painted over it). Every piece of text and every attribute
//! value goes through [`escape`]; the only tags and attributes are the ones written here,
//! link targets are http(s) or mailto URLs and image sources http(s) URLs (checked by the
//! readers that build the document).
//!
//! Blocks are grouped [`CHUNK`] at a time in `<div class="aa-chunk">` elements, each of
//! which the stylesheet lets the browser skip while it is off screen
//! (`content-visibility: auto`). Per block, Chromium's observer of those elements cost
//! about 5 ms of every frame at 2,000 blocks (measured while scrolling and tagging);
//! per chunk it observes 8 times fewer, and the highlight layer's band (whole chunks)
//! stays close to the viewport.
//!
//! Invariants: the text content of each `data-block` element is exactly its block's text
//! in the canonical text, so DOM offsets map onto document offsets; chunk `k` (the
//! article's `k`-th `aa-chunk` child) holds blocks `k * CHUNK` to `k * CHUNK + CHUNK - 1`.

use crate::core::document::{Block, BlockKind, Document, Image, InlineKind};
use crate::core::offset::CharRange;

/// How many blocks one `aa-chunk` element holds.
pub const CHUNK: usize = 8;

/// Escapes text for HTML content and double-quoted attribute values.
pub fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

fn open_tag(kind: &BlockKind) -> (&'static str, &'static str) {
    match kind {
        BlockKind::Headline => ("h1", " class=\"aa-headline\""),
        BlockKind::Byline => ("p", " class=\"aa-byline\""),
        BlockKind::Dateline => ("p", " class=\"aa-dateline\""),
        BlockKind::Caption => ("figcaption", ""),
        BlockKind::Heading(2) => ("h2", ""),
        BlockKind::Heading(3) => ("h3", ""),
        BlockKind::Heading(4) => ("h4", ""),
        BlockKind::Heading(5) => ("h5", ""),
        BlockKind::Heading(_) => ("h6", ""),
        BlockKind::Quote => ("blockquote", ""),
        BlockKind::ListItem => ("p", " class=\"aa-li\""),
        BlockKind::Label => ("p", " class=\"aa-label\""),
        BlockKind::Related => ("p", " class=\"aa-related\""),
        BlockKind::Source => ("p", " class=\"aa-source\""),
        BlockKind::Paragraph => ("p", ""),
    }
}

/// A block's text with its inline marks as elements.
fn block_content(doc: &Document, b: &Block, out: &mut String) {
    let mut edges: Vec<usize> = vec![b.range.start().0, b.range.end().0];
    for i in &b.inlines {
        edges.push(i.range.start().0);
        edges.push(i.range.end().0);
    }
    edges.sort_unstable();
    edges.dedup();
    for w in edges.windows(2) {
        let Some(piece) = CharRange::from_usize(w[0], w[1]) else { continue };
        let marks: Vec<&InlineKind> = b.inlines.iter().filter(|i| i.range.contains_range(&piece)).map(|i| &i.kind).collect();
        for m in &marks {
            match m {
                InlineKind::Link(url) => {
                    out.push_str("<a href=\"");
                    escape(url, out);
                    out.push_str("\" target=\"_blank\" rel=\"noopener noreferrer\">");
                }
                other => {
                    out.push('<');
                    out.push_str(other.tag());
                    out.push('>');
                }
            }
        }
        escape(doc.slice(piece).unwrap_or(""), out);
        for m in marks.iter().rev() {
            out.push_str("</");
            out.push_str(m.tag());
            out.push('>');
        }
    }
}

fn image(img: &Image, out: &mut String) {
    out.push_str("<img class=\"aa-image\" loading=\"lazy\" referrerpolicy=\"no-referrer\" src=\"");
    escape(&img.src, out);
    out.push_str("\" alt=\"");
    escape(&img.alt, out);
    out.push_str("\">");
}

/// The whole article: one element per block, each with `data-block="<index>"`, in
/// chunks of [`CHUNK`]; images (outside every block, so they add no text) before the
/// block they precede, inside its chunk.
pub fn article_html(doc: &Document) -> String {
    let mut out = String::with_capacity(doc.text().len() + doc.blocks().len() * 48);
    let images = doc.images();
    let mut next_image = 0;
    let last = doc.blocks().len().saturating_sub(1);
    for (i, b) in doc.blocks().iter().enumerate() {
        if i % CHUNK == 0 {
            out.push_str("<div class=\"aa-chunk\">\n");
        }
        let (tag, class) = open_tag(&b.kind);
        let first = next_image;
        while images.get(next_image).is_some_and(|m| m.before <= i) {
            next_image += 1;
        }
        let here = &images[first..next_image];
        if b.kind == BlockKind::Caption {
            out.push_str("<figure class=\"aa-figure\">");
            if here.is_empty() {
                out.push_str("<div class=\"aa-photo\" aria-hidden=\"true\"></div>");
            }
            here.iter().for_each(|m| image(m, &mut out));
        } else if !here.is_empty() {
            out.push_str("<figure class=\"aa-figure\">");
            here.iter().for_each(|m| image(m, &mut out));
            out.push_str("</figure>\n");
        }
        out.push('<');
        out.push_str(tag);
        out.push_str(class);
        out.push_str(" data-block=\"");
        out.push_str(&i.to_string());
        out.push_str("\">");
        block_content(doc, b, &mut out);
        out.push_str("</");
        out.push_str(tag);
        out.push('>');
        if b.kind == BlockKind::Caption {
            out.push_str("</figure>");
        }
        out.push('\n');
        if i % CHUNK == CHUNK - 1 || i == last {
            out.push_str("</div>\n");
        }
    }
    if next_image < images.len() {
        out.push_str("<figure class=\"aa-figure\">");
        images[next_image..].iter().for_each(|m| image(m, &mut out));
        out.push_str("</figure>\n");
    }
    out
}
