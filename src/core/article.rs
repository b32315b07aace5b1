//! Reads a lightweight-Markdown news article into a [`Document`].
//!
//! pulldown-cmark parses the Markdown; this module keeps only text and safe inline
//! marks (links with http or https targets, emphasis, strong, code), drops raw
//! HTML, and recognises the shape of a news article: headline, byline, dateline, photo
//! caption, body paragraphs, a "See also" link and the source URL.
//!
//! Invariant: parsing never fails and never panics; any input gives a document
//! (possibly empty). Link targets other than http(s) are dropped, their text kept.

// Without the formats feature (the widget's own module) only the plain-text helpers
// are used: the Markdown reader is in the formats part.
#![cfg_attr(not(feature = "formats"), allow(unused_imports, dead_code))]

use crate::core::document::{fold_whitespace, BlockKind, Document, DocumentBuilder, Inline, InlineKind, HARD_BREAK};
use crate::core::offset::CharRange;
#[cfg(feature = "formats")]
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::core::url::is_safe_url;

#[derive(Debug)]
struct RawBlock {
    kind: BlockKind,
    text: String,
    // (start, end) in code points of the unfolded text, and the mark.
    marks: Vec<(usize, usize, InlineKind)>,
}

/// Parses Markdown into a document, recognising the parts of a news article.
#[cfg(feature = "formats")]
pub fn parse_markdown(src: &str) -> Document {
    let mut raw: Vec<RawBlock> = Vec::new();
    let mut cur: Option<RawBlock> = None;
    let mut open: Vec<(usize, Option<InlineKind>)> = Vec::new();
    let mut quote_depth = 0usize;
    let mut chars = 0usize;

    let start_block = |kind: BlockKind| RawBlock { kind, text: String::new(), marks: Vec::new() };
    for ev in Parser::new(src) {
        match ev {
            Event::Start(Tag::Paragraph) => {
                let kind = if quote_depth > 0 { BlockKind::Quote } else { BlockKind::Paragraph };
                if cur.is_none() {
                    cur = Some(start_block(kind));
                    chars = 0;
                }
            }
            Event::Start(Tag::Heading { level, .. }) => {
                let n = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    HeadingLevel::H4 => 4,
                    HeadingLevel::H5 => 5,
                    HeadingLevel::H6 => 6,
                };
                cur = Some(start_block(BlockKind::Heading(n)));
                chars = 0;
            }
            Event::Start(Tag::Item) => {
                cur = Some(start_block(BlockKind::ListItem));
                chars = 0;
            }
            Event::Start(Tag::BlockQuote(_)) => quote_depth += 1,
            Event::End(TagEnd::BlockQuote(_)) => quote_depth = quote_depth.saturating_sub(1),
            Event::End(TagEnd::Paragraph) | Event::End(TagEnd::Heading(_)) | Event::End(TagEnd::Item) => {
                // A paragraph inside a list item belongs to the item.
                let in_item = matches!(cur.as_ref().map(|b| &b.kind), Some(BlockKind::ListItem));
                if matches!(ev, Event::End(TagEnd::Paragraph)) && in_item {
                    continue;
                }
                if let Some(b) = cur.take() {
                    raw.push(b);
                }
                open.clear();
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                let kind = is_safe_url(&dest_url).then(|| InlineKind::Link(dest_url.trim().to_string()));
                open.push((chars, kind));
            }
            Event::Start(Tag::Emphasis) => open.push((chars, Some(InlineKind::Emphasis))),
            Event::Start(Tag::Strong) => open.push((chars, Some(InlineKind::Strong))),
            Event::Start(Tag::Image { .. }) => open.push((chars, None)),
            Event::End(TagEnd::Link) | Event::End(TagEnd::Emphasis) | Event::End(TagEnd::Strong) | Event::End(TagEnd::Image) => {
                if let (Some((s, Some(kind))), Some(b)) = (open.pop(), cur.as_mut()) {
                    b.marks.push((s, chars, kind));
                }
            }
            Event::Text(t) => {
                if let Some(b) = cur.as_mut() {
                    b.text.push_str(&t);
                    chars += t.chars().count();
                }
            }
            Event::Code(t) => {
                if let Some(b) = cur.as_mut() {
                    let s = chars;
                    b.text.push_str(&t);
                    chars += t.chars().count();
                    b.marks.push((s, chars, InlineKind::Code));
                }
            }
            Event::SoftBreak => {
                if let Some(b) = cur.as_mut() {
                    b.text.push(' ');
                    chars += 1;
                }
            }
            Event::HardBreak => {
                if let Some(b) = cur.as_mut() {
                    b.text.push(HARD_BREAK);
                    chars += 1;
                }
            }
            // Raw HTML, footnotes, rules, tables' structure: not article text.
            _ => {}
        }
    }
    if let Some(b) = cur.take() {
        raw.push(b);
    }
    classify(&mut raw);
    let mut builder = DocumentBuilder::default();
    for b in raw {
        let (text, inlines) = fold_with_marks(&b.text, &b.marks);
        builder.push(b.kind, &text, inlines);
    }
    builder.finish()
}

/// Folds white space in `text` and maps the marks' code-point positions onto the result.
pub(crate) fn fold_with_marks(text: &str, marks: &[(usize, usize, InlineKind)]) -> (String, Vec<Inline>) {
    let folded = fold_whitespace(text);
    // Map each original code point to its folded position with a second walk that
    // mirrors fold_whitespace: a position maps to the count of folded chars emitted so far.
    let mut map = Vec::with_capacity(text.chars().count() + 1);
    let mut emitted = 0usize;
    let mut pending_space = false;
    let mut last_was_break = false;
    for c in text.chars() {
        if c == HARD_BREAK {
            map.push(emitted);
            emitted += 1;
            pending_space = false;
            last_was_break = true;
        } else if c.is_whitespace() {
            map.push(emitted);
            pending_space = emitted > 0 && !last_was_break;
        } else {
            if pending_space {
                emitted += 1;
                pending_space = false;
            }
            map.push(emitted);
            emitted += 1;
            last_was_break = false;
        }
    }
    map.push(emitted);
    let n = folded.chars().count();
    let at = |i: usize| map.get(i).copied().unwrap_or(emitted).min(n);
    let inlines = marks
        .iter()
        .filter_map(|(s, e, kind)| {
            let range = CharRange::from_usize(at(*s), at(*e))?;
            (!range.is_empty()).then(|| Inline { range, kind: kind.clone() })
        })
        .collect();
    (folded, inlines)
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

const MONTHS: [&str; 12] = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
];

fn looks_like_date(s: &str) -> bool {
    let l = s.to_lowercase();
    words(s) <= 6 && l.chars().any(|c| c.is_ascii_digit()) && (MONTHS.iter().any(|m| l.contains(m)) || is_iso_date(&l))
}

fn is_iso_date(s: &str) -> bool {
    let b = s.trim().as_bytes();
    b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && b[..4].iter().all(u8::is_ascii_digit)
}

fn label_kind(s: &str) -> Option<BlockKind> {
    let l = s.trim().trim_end_matches(':').trim().to_lowercase();
    match l.as_str() {
        "see also" | "related" | "read more" => Some(BlockKind::Related),
        "original url" | "source" | "original" | "source url" => Some(BlockKind::Source),
        _ => None,
    }
}

/// Gives the front matter and the end matter of a news article their roles.
fn classify(raw: &mut [RawBlock]) {
    let n = raw.len();
    let mut i = 0;
    // Headline: a leading H1, or a leading short paragraph that does not end a sentence.
    if let Some(first) = raw.first_mut() {
        let t = first.text.trim();
        let para_headline = first.kind == BlockKind::Paragraph
            && words(t) <= 25
            && !t.ends_with('.')
            && label_kind(t).is_none();
        if first.kind == BlockKind::Heading(1) || para_headline {
            first.kind = BlockKind::Headline;
            i = 1;
        }
    }
    // Byline and dateline, in either order, within the next few blocks.
    let mut front_end = i;
    while front_end < n.min(i + 3) {
        let b = &mut raw[front_end];
        if b.kind != BlockKind::Paragraph {
            break;
        }
        let t = b.text.trim();
        if (t.starts_with("By ") || t.starts_with("by ")) && words(t) <= 12 {
            b.kind = BlockKind::Byline;
        } else if looks_like_date(t) {
            b.kind = BlockKind::Dateline;
        } else {
            break;
        }
        front_end += 1;
    }
    // A photo caption: a short paragraph right after the front matter, before a longer one.
    if front_end > 0 && front_end + 1 < n {
        let short = words(&raw[front_end].text) <= 20;
        let longer_next = words(&raw[front_end + 1].text) > words(&raw[front_end].text);
        if raw[front_end].kind == BlockKind::Paragraph && short && longer_next {
            raw[front_end].kind = BlockKind::Caption;
        }
    }
    // End matter: "See also:" / "Original url:" labels and the block after each.
    for k in 0..n {
        if raw[k].kind != BlockKind::Paragraph {
            continue;
        }
        if let Some(role) = label_kind(&raw[k].text) {
            raw[k].kind = BlockKind::Label;
            if let Some(next) = raw.get_mut(k + 1) {
                if next.kind == BlockKind::Paragraph {
                    next.kind = role;
                }
            }
        }
    }
}

/// A piece of plain text (a claim's note) split for display: text, or an http(s) link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextPiece<'a> {
    Text(&'a str),
    Link(&'a str),
}

/// Splits plain text into text and the http(s) URLs in it (up to white space, without a
/// trailing `.`, `,`, `)` and the like), so a note's sources can be shown as links. Any
/// other scheme stays text.
pub fn linkify(text: &str) -> Vec<TextPiece<'_>> {
    let mut out = Vec::new();
    let (mut plain_from, mut at) = (0usize, 0usize);
    while let Some(k) = ["https://", "http://"].iter().filter_map(|p| find_ascii_ci(&text[at..], p)).min() {
        let start = at + k;
        let tail = &text[start..];
        let end = tail.find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '“' | '”' | '«' | '»')).unwrap_or(tail.len());
        let url = tail[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '\'']);
        if url.len() <= "https://".len() {
            at = start + end.max(1); // a scheme with nothing after it stays text
            continue;
        }
        if start > plain_from {
            out.push(TextPiece::Text(&text[plain_from..start]));
        }
        out.push(TextPiece::Link(url));
        plain_from = start + url.len();
        at = plain_from;
    }
    if plain_from < text.len() {
        out.push(TextPiece::Text(&text[plain_from..]));
    }
    out
}

fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    hay.as_bytes().windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}
