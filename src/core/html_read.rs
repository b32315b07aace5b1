//! A small, forgiving HTML reader for native use (the CLI reading an article saved as
//! HTML): text in, [`HtmlNode`] trees out, for [`crate::core::sanitize`] to read through
//! its allowlist. In the browser the browser's own parser does this job.
//!
//! It is not an HTML5 tree builder; it handles what articles contain: tags with quoted,
//! unquoted or bare attributes, void elements, comments, doctype, character references
//! (named for the common ones, numeric for all), `<script>`/`<style>` content skipped
//! as raw text, implied ends of `<p>` and `<li>`, and stray end tags ignored.
//!
//! Invariants: never panics and never recurses; the tree is at most
//! [`MAX_DEPTH`](crate::core::sanitize::MAX_DEPTH) deep (deeper tags are ignored, their
//! text kept); tag and attribute names are lower case.

use crate::core::sanitize::{HtmlNode, MAX_DEPTH};

const VOID: &[&str] = &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"];
const RAW: &[&str] = &["script", "style", "textarea", "title", "xmp", "noscript", "iframe", "noembed", "noframes", "template"];
/// Elements a new `<p>` (or block) implicitly closes when open.
const CLOSED_BY_BLOCK: &[&str] = &["p"];
const BLOCKS: &[&str] = &[
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "figure", "figcaption", "table", "section", "article", "header", "footer", "aside", "pre", "hr",
];

/// Decodes character references in text or an attribute value.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '#')).map(|e| e + 1).unwrap_or(rest.len());
        let name = &rest[1..end];
        let decoded = if let Some(num) = name.strip_prefix('#') {
            let n = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse::<u32>().ok(),
            };
            n.map(|n| char::from_u32(n).filter(|c| *c != '\0').unwrap_or('\u{fffd}'))
        } else {
            named(name)
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn named(name: &str) -> Option<char> {
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "bull" => '•',
        "middot" => '·',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "euro" => '€',
        "pound" => '£',
        "deg" => '°',
        "times" => '×',
        "shy" => '\u{ad}',
        "zwj" => '\u{200d}',
        "zwnj" => '\u{200c}',
        "eacute" => 'é',
        "egrave" => 'è',
        "aacute" => 'á',
        "oacute" => 'ó',
        "uuml" => 'ü',
        "ouml" => 'ö',
        "auml" => 'ä',
        "ccedil" => 'ç',
        "ntilde" => 'ñ',
        _ => return None,
    })
}

struct Open {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<HtmlNode>,
}

/// Parses HTML into the nodes at its top level (`html`, `head` and `body` are kept as
/// elements; the sanitizer unwraps or drops them).
pub fn parse(src: &str) -> Vec<HtmlNode> {
    let mut stack: Vec<Open> = vec![Open { name: String::new(), attrs: Vec::new(), children: Vec::new() }];
    let mut rest = src;
    let push_text = |stack: &mut Vec<Open>, t: &str| {
        if !t.is_empty() {
            if let Some(top) = stack.last_mut() {
                top.children.push(HtmlNode::Text(decode_entities(t)));
            }
        }
    };
    fn close(stack: &mut Vec<Open>) {
        if stack.len() > 1 {
            if let Some(o) = stack.pop() {
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(HtmlNode::Element { name: o.name, attrs: o.attrs, children: o.children });
                }
            }
        }
    }
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(&mut stack, rest);
            break;
        };
        push_text(&mut stack, &rest[..lt]);
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            rest = rest.find('>').map_or("", |e| &rest[e + 1..]);
            continue;
        }
        if let Some(after) = rest.strip_prefix("</") {
            let end = after.find('>').unwrap_or(after.len());
            let name = after[..end].trim().to_ascii_lowercase();
            rest = after.get(end + 1..).unwrap_or("");
            if let Some(k) = stack.iter().rposition(|o| o.name == name) {
                if k > 0 {
                    while stack.len() > k {
                        close(&mut stack);
                    }
                }
            }
            continue;
        }
        let after = &rest[1..];
        let name_len = after.find(|c: char| c.is_whitespace() || c == '>' || c == '/').unwrap_or(after.len());
        if name_len == 0 || !after.starts_with(|c: char| c.is_ascii_alphabetic()) {
            push_text(&mut stack, "<");
            rest = after;
            continue;
        }
        let name = after[..name_len].to_ascii_lowercase();
        let (attrs, consumed, self_closing) = attributes(&after[name_len..]);
        rest = &after[name_len + consumed..];
        if RAW.contains(&name.as_str()) {
            let close_tag = format!("</{name}");
            let lower = rest.to_ascii_lowercase();
            let end = lower.find(&close_tag).unwrap_or(rest.len());
            let body = &rest[..end];
            rest = rest[end..].find('>').map_or("", |e| &rest[end + e + 1..]);
            if let Some(top) = stack.last_mut() {
                let children = if name == "title" { vec![HtmlNode::Text(decode_entities(body))] } else { Vec::new() };
                top.children.push(HtmlNode::Element { name, attrs, children });
            }
            continue;
        }
        if BLOCKS.contains(&name.as_str()) && stack.last().is_some_and(|o| CLOSED_BY_BLOCK.contains(&o.name.as_str())) {
            close(&mut stack);
        }
        if name == "li" {
            if let Some(k) = stack.iter().rposition(|o| o.name == "li" || o.name == "ul" || o.name == "ol") {
                if stack[k].name == "li" {
                    while stack.len() > k {
                        close(&mut stack);
                    }
                }
            }
        }
        if VOID.contains(&name.as_str()) || self_closing {
            if let Some(top) = stack.last_mut() {
                top.children.push(HtmlNode::Element { name, attrs, children: Vec::new() });
            }
        } else if stack.len() <= MAX_DEPTH {
            stack.push(Open { name, attrs, children: Vec::new() });
        }
    }
    while stack.len() > 1 {
        close(&mut stack);
    }
    stack.pop().map(|o| o.children).unwrap_or_default()
}

/// Attributes after a tag name, up to and including `>`: the list, the bytes consumed,
/// and whether the tag ended with `/>`.
fn attributes(s: &str) -> (Vec<(String, String)>, usize, bool) {
    let mut attrs = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return (attrs, i, false);
        }
        if b[i] == b'>' {
            let self_closing = i > 0 && b[i - 1] == b'/';
            return (attrs, i + 1, self_closing);
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = s[start..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let vstart = i + 1;
                let vend = s[vstart..].find(q as char).map_or(s.len(), |e| vstart + e);
                value = decode_entities(&s[vstart..vend]);
                i = (vend + 1).min(s.len());
            } else {
                let vstart = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                value = decode_entities(&s[vstart..i]);
            }
        }
        if !name.is_empty() && !attrs.iter().any(|(k, _)| *k == name) {
            attrs.push((name, value));
        }
    }
}
