use crate::util::{sample, find, MULTILINGUAL};
use article_annotator::core::article::parse_markdown;
use article_annotator::core::url::is_safe_url;
use article_annotator::core::document::{BlockKind, InlineKind, BLOCK_SEPARATOR};

#[test]
fn sample_article_has_the_shape_of_a_news_article() {
    let doc = sample();
    let kinds: Vec<BlockKind> = doc.blocks().iter().map(|b| b.kind.clone()).collect();
    use BlockKind::*;
    assert_eq!(
        kinds,
        vec![Headline, Byline, Dateline, Caption, Paragraph, Paragraph, Paragraph, Paragraph, Paragraph, Paragraph, Label, Related, Label, Source]
    );
    let text = |i: usize| doc.slice(doc.blocks()[i].range).unwrap().to_string();
    assert_eq!(text(0), "Wary of the West, Russia and China Expand Trade in Computer Software");
    assert_eq!(text(1), "By The Moscow Times");
    assert_eq!(text(2), "August 18, 2014");
    assert_eq!(text(3), "Communications and Mass Media Minister Nikolai Nikiforov.");
    assert_eq!(text(10), "See also:");
    assert_eq!(doc.headline(), Some("Wary of the West, Russia and China Expand Trade in Computer Software"));
    assert_eq!(
        doc.source_url(),
        Some("https://www.themoscowtimes.com/2014/08/18/wary-of-the-west-russia-and-china-expand-trade-in-computer-software-a38461")
    );
}

#[test]
fn canonical_text_is_blocks_joined_by_the_separator() {
    let doc = sample();
    let joined: Vec<&str> = doc.blocks().iter().map(|b| doc.slice(b.range).unwrap()).collect();
    assert_eq!(doc.text(), joined.join(BLOCK_SEPARATOR));
    assert!(!doc.text().contains("  "), "white space is folded");
    assert!(!doc.text().contains("]("), "Markdown syntax is not text");
}

#[test]
fn byline_link_to_hash_is_dropped_but_its_text_kept() {
    let doc = sample();
    let byline = &doc.blocks()[1];
    assert!(byline.inlines.is_empty(), "a link to # is not http(s): dropped");
    let related = &doc.blocks()[11];
    assert!(matches!(&related.inlines[..], [i] if matches!(&i.kind, InlineKind::Link(u) if u.starts_with("https://www.themoscowtimes.com/"))));
    assert_eq!(doc.slice(related.inlines[0].range), Some("Russia Joins Hands With China for Anti-Terrorist Chopper Drills"));
}

#[test]
fn unsafe_links_and_raw_html_are_dropped() {
    let doc = parse_markdown("Title here\n\n[click](javascript:alert(1)) and <script>alert(1)</script> [ok](https://example.org) [d](data:text/html,x) [m](mailto:a@b.org)\n");
    let links: Vec<String> = doc.blocks().iter().flat_map(|b| b.inlines.iter()).filter_map(|i| match &i.kind { InlineKind::Link(u) => Some(u.clone()), _ => None }).collect();
    assert_eq!(links, vec!["https://example.org".to_string()]);
    assert!(!doc.text().contains("<script>"));
    assert!(doc.text().contains("click"));
    assert!(!is_safe_url("JaVaScRiPt:alert(1)"));
    assert!(!is_safe_url("vbscript:x"));
    assert!(!is_safe_url("mailto:a@b.org"));
    assert!(is_safe_url("HTTPS://example.org"));
}

#[test]
fn inline_marks_map_onto_folded_text() {
    let doc = parse_markdown("A title\n\nSome   *very\n  important*   text and **bold** and `code`.\n");
    let b = &doc.blocks()[1];
    assert_eq!(doc.slice(b.range), Some("Some very important text and bold and code."));
    let marked: Vec<&str> = b.inlines.iter().map(|i| doc.slice(i.range).unwrap()).collect();
    assert_eq!(marked, vec!["very important", "bold", "code"]);
}

#[test]
fn multilingual_article_keeps_every_character() {
    let doc = parse_markdown(MULTILINGUAL);
    assert_eq!(doc.blocks()[0].kind, BlockKind::Headline);
    let r = find(&doc, "👨‍👩‍👧‍👦");
    assert_eq!(r.len(), 7, "family emoji is 7 code points");
    assert!(doc.text().contains("北京 officials"));
}

#[test]
fn hard_breaks_are_newlines_in_the_canonical_text() {
    let doc = parse_markdown("T\n\nline one  \nline two\n");
    assert_eq!(doc.slice(doc.blocks()[1].range), Some("line one\nline two"));
}

#[test]
fn parsing_never_fails_on_odd_input() {
    for src in ["", "\n\n\n", "#", "> > >", "* * *", "[a](", "<", "\u{0}", "  \t  ", "1. \n2. x"] {
        let doc = parse_markdown(src);
        let joined: Vec<&str> = doc.blocks().iter().map(|b| doc.slice(b.range).unwrap()).collect();
        assert_eq!(doc.text(), joined.join(BLOCK_SEPARATOR));
    }
}

#[test]
fn notes_show_only_http_links() {
    use article_annotator::core::article::{linkify, TextPiece::*};
    assert_eq!(
        linkify("See https://tass.ru/x?a=1, and (http://afp.com/y). Not javascript:alert(1) nor data:x."),
        vec![Text("See "), Link("https://tass.ru/x?a=1"), Text(", and ("), Link("http://afp.com/y"), Text("). Not javascript:alert(1) nor data:x.")]
    );
    assert_eq!(linkify("https:// alone"), vec![Text("https:// alone")]);
    assert_eq!(linkify("HTTPS://EXAMPLE.ORG"), vec![Link("HTTPS://EXAMPLE.ORG")]);
    assert_eq!(linkify("Источник: https://ria.ru/новости — 👍🏽"), vec![Text("Источник: "), Link("https://ria.ru/новости"), Text(" — 👍🏽")]);
    assert_eq!(linkify(""), vec![]);
}
