//! A host's article HTML, read through an allowlist into a [`Document`].
//!
//! The browser parses the HTML (its parser is the one that will run anyway, and it costs
//! the widget no wasm); the UI turns the parsed nodes into this module's neutral
//! [`HtmlNode`] tree, and [`document_from_html`] keeps only what an article means:
//! headings, paragraphs, quotes, list items, captions, line breaks, links (http, https,
//! mailto), emphasis, strong, code, sub/sup, and images with http(s) sources and their
//! alt text. Everything else is either unwrapped (its text kept: `span`, `font`, custom
//! elements, `time`, …) or dropped with its content (`script`, `style`, `iframe`, forms,
//! `object`, `svg`, `math`, `template`, …). Attributes other than `href`, `src` and `alt`
//! are never read, so event handlers and inline styles cannot survive.
//!
//! Sanitising *by construction*: the output is a [`Document`] (text, blocks, typed inline
//! marks, images), which [`crate::core::html`] writes back as markup with every string
//! escaped. No input string ever reaches the page as HTML.
//!
//! Invariants: never panics; nesting deeper than [`MAX_DEPTH`] is read as text only; the
//! document's text equals what the rendered article shows (white space folded as the
//! browser folds it).

use crate::core::article::fold_with_marks;
use crate::core::url::{is_link_url, is_safe_url};
use crate::core::document::{BlockKind, Document, DocumentBuilder, InlineKind, HARD_BREAK};

/// A parsed HTML node, as the browser (or a test) gives it. Tag and attribute names are
/// lower case; `href` and `src` should already be resolved against the page's base URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HtmlNode {
    Element { name: String, attrs: Vec<(String, String)>, children: Vec<HtmlNode> },
    Text(String),
}

impl HtmlNode {
    pub fn element(name: &str, attrs: &[(&str, &str)], children: Vec<HtmlNode>) -> HtmlNode {
        HtmlNode::Element {
            name: name.to_ascii_lowercase(),
            attrs: attrs.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.to_string())).collect(),
            children,
        }
    }
    pub fn text(s: &str) -> HtmlNode {
        HtmlNode::Text(s.to_string())
    }
    fn attr(&self, key: &str) -> Option<&str> {
        match self {
            HtmlNode::Element { attrs, .. } => attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()),
            HtmlNode::Text(_) => None,
        }
    }
}

/// Deeper nesting than this is read as plain text (no recursion past it).
pub const MAX_DEPTH: usize = 200;

/// Elements dropped together with everything inside them.
const DROPPED: &[&str] = &[
    "script", "style", "template", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button",
    "select", "option", "textarea", "noscript", "svg", "math", "canvas", "audio", "video", "source", "track", "head",
    "title", "meta", "link", "base", "dialog", "slot", "portal", "noembed", "noframes", "xmp", "plaintext", "param",
    "picture", "map", "area", "nav", "fencedframe", "search",
];

/// Elements that are blocks of text of their own.
fn block_kind(name: &str, in_quote: bool) -> Option<BlockKind> {
    Some(match name {
        "h1" => BlockKind::Headline,
        "h2" => BlockKind::Heading(2),
        "h3" => BlockKind::Heading(3),
        "h4" => BlockKind::Heading(4),
        "h5" => BlockKind::Heading(5),
        "h6" => BlockKind::Heading(6),
        "li" | "dt" | "dd" => BlockKind::ListItem,
        "figcaption" => BlockKind::Caption,
        "p" | "pre" | "address" | "td" | "th" | "caption" | "summary" | "legend" if in_quote => BlockKind::Quote,
        "p" | "pre" | "address" | "td" | "th" | "caption" | "summary" | "legend" => BlockKind::Paragraph,
        _ => return None,
    })
}

/// Elements that hold blocks (their loose text becomes paragraphs).
fn is_container(name: &str) -> bool {
    matches!(
        name,
        "html" | "body" | "div" | "section" | "article" | "main" | "header" | "footer" | "aside" | "blockquote" | "ul"
            | "ol" | "dl" | "menu" | "figure" | "table" | "thead" | "tbody" | "tfoot" | "tr" | "hgroup" | "details"
            | "fieldset" | "center" | "hr"
    )
}

fn inline_mark(name: &str) -> Option<InlineKind> {
    Some(match name {
        "em" | "i" | "cite" | "dfn" | "var" => InlineKind::Emphasis,
        "strong" | "b" => InlineKind::Strong,
        "code" | "kbd" | "samp" | "tt" => InlineKind::Code,
        "sub" => InlineKind::Subscript,
        "sup" => InlineKind::Superscript,
        _ => return None,
    })
}

/// A block being collected: unfolded text and marks in its code points.
struct Open {
    /// Which block this is (marks only close in the block they opened in).
    serial: u64,
    kind: BlockKind,
    text: String,
    chars: usize,
    marks: Vec<(usize, usize, InlineKind)>,
}

struct Reader {
    out: DocumentBuilder,
    open: Option<Open>,
    headline_seen: bool,
    serial: u64,
}

impl Reader {
    fn flush(&mut self) {
        if let Some(b) = self.open.take() {
            let (text, inlines) = fold_with_marks(&b.text, &b.marks);
            let kind = match b.kind {
                BlockKind::Headline if self.headline_seen => BlockKind::Heading(2),
                k => k,
            };
            if !text.is_empty() {
                self.headline_seen |= kind == BlockKind::Headline;
                self.out.push(kind, &text, inlines);
            }
        }
    }
    fn open(&mut self, kind: BlockKind) {
        self.flush();
        self.serial += 1;
        self.open = Some(Open { serial: self.serial, kind, text: String::new(), chars: 0, marks: Vec::new() });
    }
    /// The block loose inline content goes into (an anonymous paragraph if none is open).
    fn current(&mut self, in_quote: bool) -> &mut Open {
        if self.open.is_none() {
            self.serial += 1;
        }
        let serial = self.serial;
        self.open.get_or_insert_with(|| Open {
            serial,
            kind: if in_quote { BlockKind::Quote } else { BlockKind::Paragraph },
            text: String::new(),
            chars: 0,
            marks: Vec::new(),
        })
    }
    fn mark_start(&mut self, in_quote: bool) -> (u64, usize) {
        let b = self.current(in_quote);
        (b.serial, b.chars)
    }
    fn push_text(&mut self, s: &str, in_quote: bool) {
        let b = self.current(in_quote);
        // A hard-break placeholder in the input is ordinary white space here.
        for c in s.chars() {
            b.text.push(if c == HARD_BREAK { ' ' } else { c });
        }
        b.chars += s.chars().count();
    }

    fn walk(&mut self, node: &HtmlNode, depth: usize, in_quote: bool) {
        let (name, children) = match node {
            HtmlNode::Text(t) => return self.push_text(t, in_quote),
            HtmlNode::Element { name, children, .. } => (name.as_str(), children),
        };
        if DROPPED.contains(&name) {
            return;
        }
        if depth >= MAX_DEPTH {
            let mut s = String::new();
            text_of(node, &mut s);
            return self.push_text(&s, in_quote);
        }
        let kids = |r: &mut Reader, q: bool| children.iter().for_each(|c| r.walk(c, depth + 1, q));
        match name {
            "br" => {
                let b = self.current(in_quote);
                b.text.push(HARD_BREAK);
                b.chars += 1;
            }
            "img" => {
                let src = node.attr("src").unwrap_or("");
                if is_safe_url(src) {
                    // An image ends the text before it.
                    self.flush();
                    self.out.push_image(src, node.attr("alt").unwrap_or(""));
                }
            }
            "wbr" => {}
            "q" => {
                // Browsers draw a <q>'s quotation marks; keep them as text.
                self.push_text("\u{201c}", in_quote);
                kids(self, in_quote);
                self.push_text("\u{201d}", in_quote);
            }
            "a" => {
                let (serial, start) = self.mark_start(in_quote);
                kids(self, in_quote);
                let href = node.attr("href").filter(|h| is_link_url(h));
                if let (Some(href), Some(b)) = (href, self.open.as_mut()) {
                    if b.serial == serial && b.chars > start {
                        b.marks.push((start, b.chars, InlineKind::Link(href.trim().to_string())));
                    }
                }
            }
            _ if inline_mark(name).is_some() => {
                let (serial, start) = self.mark_start(in_quote);
                kids(self, in_quote);
                if let (Some(kind), Some(b)) = (inline_mark(name), self.open.as_mut()) {
                    if b.serial == serial && b.chars > start {
                        b.marks.push((start, b.chars, kind));
                    }
                }
            }
            _ => {
                if let Some(kind) = block_kind(name, in_quote) {
                    let kind = match (&kind, node.attr("class")) {
                        (BlockKind::Paragraph, Some(c)) if has_class(c, &["byline", "author"]) => BlockKind::Byline,
                        (BlockKind::Paragraph, Some(c)) if has_class(c, &["dateline", "date"]) => BlockKind::Dateline,
                        _ => kind,
                    };
                    self.open(kind);
                    kids(self, in_quote);
                    self.flush();
                } else if is_container(name) {
                    self.flush();
                    kids(self, in_quote || name == "blockquote");
                    self.flush();
                } else {
                    // Unknown or purely presentational inline elements: their text only.
                    kids(self, in_quote);
                }
            }
        }
    }
}

fn has_class(list: &str, names: &[&str]) -> bool {
    list.split_ascii_whitespace().any(|c| names.iter().any(|n| c.eq_ignore_ascii_case(n)))
}

/// The text of a subtree, without recursion (for content nested too deep to read).
fn text_of(node: &HtmlNode, out: &mut String) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match n {
            HtmlNode::Text(t) => out.push_str(t),
            HtmlNode::Element { name, children, .. } if !DROPPED.contains(&name.as_str()) => {
                stack.extend(children.iter().rev());
            }
            HtmlNode::Element { .. } => {}
        }
    }
}

/// Reads parsed HTML (the children of a `<body>` or of the host element) into a document.
pub fn document_from_html(nodes: &[HtmlNode]) -> Document {
    let mut r = Reader { out: DocumentBuilder::default(), open: None, headline_seen: false, serial: 0 };
    for n in nodes {
        r.walk(n, 0, false);
    }
    r.flush();
    r.out.finish()
}
