//! The host-HTML reader: what an allowlist keeps, what it drops, and exact offsets
//! across inline markup.
use article_annotator::core::document::{BlockKind, InlineKind};
use article_annotator::core::html::article_html;
use article_annotator::core::sanitize::{document_from_html, HtmlNode, MAX_DEPTH};
use article_annotator::core::schema::{is_css_colour, Schema};

fn el(name: &str, attrs: &[(&str, &str)], children: Vec<HtmlNode>) -> HtmlNode {
    HtmlNode::element(name, attrs, children)
}
fn t(s: &str) -> HtmlNode {
    HtmlNode::text(s)
}

#[test]
fn structure_and_meaning_are_kept() {
    let doc = document_from_html(&[
        el("h1", &[], vec![t("Russia  bans\n imports")]),
        el("p", &[("class", "byline")], vec![t("By Anna Ivanova")]),
        el("figure", &[], vec![
            el("img", &[("src", "https://cdn.example/p.jpg"), ("alt", "A market stall")], vec![]),
            el("figcaption", &[], vec![t("Moscow market")]),
        ]),
        el("p", &[], vec![t("The "), el("a", &[("href", "https://example.org/x")], vec![el("em", &[], vec![t("ban")])]), t(" hits "), el("strong", &[], vec![t("Nestlé")]), t(".")]),
        el("blockquote", &[], vec![el("p", &[], vec![t("We will respond,")]), t(" he said")]),
        el("ul", &[], vec![el("li", &[], vec![t("one")]), el("li", &[], vec![t("two"), el("br", &[], vec![]), t("lines")])]),
        el("h2", &[], vec![t("More")]),
        el("p", &[], vec![t("H"), el("sub", &[], vec![t("2")]), t("O and x"), el("sup", &[], vec![t("2")]), t(" "), el("a", &[("href", "mailto:desk@example.org")], vec![t("mail us")])]),
    ]);
    let kinds: Vec<_> = doc.blocks().iter().map(|b| b.kind.clone()).collect();
    assert_eq!(kinds, vec![BlockKind::Headline, BlockKind::Byline, BlockKind::Caption, BlockKind::Paragraph, BlockKind::Quote, BlockKind::Quote,
        BlockKind::ListItem, BlockKind::ListItem, BlockKind::Heading(2), BlockKind::Paragraph]);
    assert_eq!(doc.text(), "Russia bans imports\n\nBy Anna Ivanova\n\nMoscow market\n\nThe ban hits Nestlé.\n\nWe will respond,\n\nhe said\n\none\n\ntwo\nlines\n\nMore\n\nH2O and x2 mail us");
    let p = &doc.blocks()[3];
    let marks: Vec<(String, InlineKind)> = p.inlines.iter().map(|i| (doc.slice(i.range).unwrap().to_string(), i.kind.clone())).collect();
    assert!(marks.contains(&("ban".into(), InlineKind::Link("https://example.org/x".into()))));
    assert!(marks.contains(&("ban".into(), InlineKind::Emphasis)));
    assert!(marks.contains(&("Nestlé".into(), InlineKind::Strong)));
    let last = &doc.blocks()[9];
    let kinds: Vec<_> = last.inlines.iter().map(|i| (doc.slice(i.range).unwrap().to_string(), i.kind.clone())).collect();
    assert!(kinds.contains(&("2".into(), InlineKind::Subscript)));
    assert!(kinds.contains(&("2".into(), InlineKind::Superscript)));
    assert!(kinds.contains(&("mail us".into(), InlineKind::Link("mailto:desk@example.org".into()))));
    assert_eq!(doc.images().len(), 1);
    assert_eq!(doc.images()[0].alt, "A market stall");
    assert_eq!(doc.images()[0].before, 2, "the image goes with its caption");
    let html = article_html(&doc);
    assert!(html.contains("<img class=\"aa-image\" loading=\"lazy\" referrerpolicy=\"no-referrer\" src=\"https://cdn.example/p.jpg\" alt=\"A market stall\">"));
    assert!(html.contains("<sub>2</sub>") && html.contains("<a href=\"mailto:desk@example.org\""));
}

#[test]
fn scripts_handlers_styles_and_bad_urls_are_dropped() {
    let doc = document_from_html(&[
        el("script", &[], vec![t("alert(1)")]),
        el("style", &[], vec![t("body{display:none}")]),
        el("p", &[("onclick", "alert(1)"), ("style", "color:red")], vec![
            t("Read "),
            el("a", &[("href", "javascript:alert(1)")], vec![t("this")]),
            t(" and "),
            el("a", &[("href", "data:text/html,<script>alert(1)</script>")], vec![t("that")]),
            el("img", &[("src", "javascript:alert(1)"), ("onerror", "alert(1)")], vec![]),
            el("img", &[("src", "data:image/png;base64,AAAA")], vec![]),
        ]),
        el("iframe", &[("srcdoc", "<script>alert(1)</script>")], vec![t("fallback")]),
        el("form", &[], vec![el("input", &[("value", "x")], vec![]), t("form text")]),
        el("svg", &[], vec![el("script", &[], vec![t("alert(2)")]), t("svg text")]),
        el("custom-thing", &[("onload", "x()")], vec![t("kept text")]),
    ]);
    assert_eq!(doc.text(), "Read this and that\n\nkept text");
    assert!(doc.blocks().iter().all(|b| b.inlines.is_empty()), "no unsafe link survives");
    assert!(doc.images().is_empty());
    let html = article_html(&doc);
    for bad in ["script", "onclick", "style=", "javascript", "data:", "iframe", "onload", "onerror"] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
}

#[test]
fn markup_looking_text_stays_text() {
    let doc = document_from_html(&[el("p", &[], vec![t("<img src=x onerror=alert(1)> & \"quotes\"")])]);
    assert_eq!(doc.text(), "<img src=x onerror=alert(1)> & \"quotes\"");
    let html = article_html(&doc);
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;"));
}

#[test]
fn offsets_are_exact_across_inline_markup_in_many_scripts() {
    let doc = document_from_html(&[el("p", &[], vec![
        t("Путин "),
        el("em", &[], vec![t("сказал")]),
        t(" 你好 "),
        el("a", &[("href", "https://x.example")], vec![t("👩🏽‍💻 dev")]),
        t(" cafe\u{301}"),
    ])]);
    assert_eq!(doc.text(), "Путин сказал 你好 👩🏽‍💻 dev cafe\u{301}");
    let b = &doc.blocks()[0];
    let link = b.inlines.iter().find(|i| matches!(i.kind, InlineKind::Link(_))).unwrap();
    assert_eq!(doc.slice(link.range), Some("👩🏽‍💻 dev"));
    assert_eq!(link.range.start().0, "Путин сказал 你好 ".chars().count());
    let em = b.inlines.iter().find(|i| i.kind == InlineKind::Emphasis).unwrap();
    assert_eq!(doc.slice(em.range), Some("сказал"));
}

#[test]
fn loose_text_becomes_paragraphs_and_deep_nesting_is_read_flat() {
    let doc = document_from_html(&[t("Intro text "), el("div", &[], vec![t("inside"), el("p", &[], vec![t("para")]), t("after")])]);
    assert_eq!(doc.text(), "Intro text\n\ninside\n\npara\n\nafter");
    let mut deep = t("bottom");
    for _ in 0..(MAX_DEPTH * 50) {
        deep = el("span", &[], vec![deep]);
    }
    let doc = document_from_html(&[el("p", &[], vec![t("top "), deep])]);
    assert_eq!(doc.text(), "top bottom");
}

#[test]
fn a_second_h1_is_a_heading() {
    let doc = document_from_html(&[el("h1", &[], vec![t("One")]), el("h1", &[], vec![t("Two")])]);
    assert_eq!(doc.blocks()[1].kind, BlockKind::Heading(2));
}

#[test]
fn host_schemas_are_checked() {
    let s = Schema::from_json(r##"{"types":[{"id":"politician","label":"Politician","colour":"#aa0000","key":"p"},{"id":"party","color":"rgb(0, 80, 160)","key":"y"}]}"##).unwrap();
    assert_eq!(s.types().len(), 2);
    assert_eq!(s.types()[1].label, "party");
    assert_eq!(s.by_key('p').unwrap().id, "politician");
    let err = |j: &str| Schema::from_json(j).unwrap_err().to_string();
    assert!(err(r#"{"types":[{"id":"a","colour":"red","key":"12"}]}"#).contains("types[0].key"));
    assert!(err(r#"{"types":[{"id":"a","colour":"red;background:url(x)","key":"a"}]}"#).contains("not a CSS colour"));
    assert!(err(r#"{"types":[{"id":"a","colour":"red","key":"c"}]}"#).contains("reserved for claims"));
    assert!(err(r#"{"types":[]}"#).contains("at least one"));
    assert!(err("nope").contains("schema is not valid"));
    let v = Schema::from_json(r#"{"types":[{"id":"a","colour":"red","key":"a"}],"verdicts":[{"id":"false","label":"Pants on fire"},{"id":"mostly true"}]}"#).unwrap();
    use article_annotator::core::model::Verdict;
    let got: Vec<(Verdict, &str)> = v.verdicts().iter().map(|(x, l)| (*x, l.as_str())).collect();
    assert_eq!(got, vec![(Verdict::Unverified, "Unverified"), (Verdict::False, "Pants on fire"), (Verdict::MostlyTrue, "Mostly true")], "unverified is always offered, first");
    assert_eq!(v.verdict_label(Verdict::True), "True", "verdicts not listed keep their built-in label");
    assert!(err(r#"{"types":[{"id":"a","colour":"red","key":"a"}],"verdicts":[{"id":"pants"}]}"#).contains("schema.verdicts[0].id"));
    assert!(err(r#"{"types":[{"id":"a","colour":"red","key":"a"}],"verdicts":[{"id":"true"},{"id":"True"}]}"#).contains("listed twice"));
    for ok in ["#abc", "#a1b2c3d4", "rgb(1 2 3 / 50%)", "hsl(120deg, 50%, 40%)", "rebeccapurple"] {
        assert!(is_css_colour(ok), "{ok}");
    }
    for bad in ["#ab", "url(x)", "red}", "rgb(1,2,3);x", "expression(alert(1))", "rgb(1,2,3) , red"] {
        assert!(!is_css_colour(bad), "{bad}");
    }
}

#[test]
fn native_html_reader_feeds_the_allowlist() {
    use article_annotator::core::html_read::{decode_entities, parse};
    let src = "<!DOCTYPE html><!-- c --><html><head><style>p{}</style><script>alert('<p>x</p>')</script></head>\
               <body><h1 class=x>War &amp; peace &#8212; &#x1F469;&#x200D;&#x1F4BB;</h1><p>One <b>bold<p>Two <a href=https://example.org/a?b=1&amp;c=2 onclick=\"evil()\">link</a>\
               </span></div>three<ul><li>a<li>b</ul><img src='https://example.org/i.png' alt=\"A &quot;photo&quot;\"/><p>4 &lt; 5 &unknown; &</body></html>";
    let doc = document_from_html(&parse(src));
    assert_eq!(doc.text(), "War & peace — 👩‍💻\n\nOne bold\n\nTwo linkthree\n\na\n\nb\n\n4 < 5 &unknown; &");
    assert_eq!(doc.images().len(), 1);
    assert_eq!(doc.images()[0].alt, "A \"photo\"");
    let link = doc.blocks()[2].inlines.iter().find_map(|i| match &i.kind {
        article_annotator::core::document::InlineKind::Link(u) => Some(u.clone()),
        _ => None,
    });
    assert_eq!(link.as_deref(), Some("https://example.org/a?b=1&c=2"));
    assert_eq!(decode_entities("&#0;&#xD800;&#99999999;&amp"), "\u{fffd}\u{fffd}\u{fffd}&");
    // Deep nesting neither overflows the stack nor loses the text.
    let deep = format!("{}deep{}", "<div><span>".repeat(50_000), "</span></div>".repeat(50_000));
    assert_eq!(document_from_html(&parse(&deep)).text(), "deep");
    for odd in ["<", "<<>>", "</", "<a", "<a href", "<a href='", "<!--", "<script>", "<p><li><td>", "&#", "<\u{e9}>", "<p\u{e9}>x"] {
        let _ = document_from_html(&parse(odd));
    }
}

#[test]
fn the_xss_corpus_leaves_nothing_executable_in_the_rendering() {
    use article_annotator::core::html_read::parse;
    let corpus = include_str!("../fixtures/xss-vectors.txt");
    let vectors: Vec<&str> = corpus.lines().filter(|l| !l.is_empty()).collect();
    assert!(vectors.len() >= 50);
    for v in &vectors {
        let doc = document_from_html(&parse(&format!("<p>before</p>{v}<p>after</p>")));
        // Text is escaped, so every `<` in the rendering opens one of our own tags.
        let html = article_html(&doc);
        for tag in html.split('<').skip(1).filter_map(|t| t.split('>').next()) {
            let lower = tag.to_ascii_lowercase();
            let name = lower.trim_start_matches('/').split_whitespace().next().unwrap_or("");
            assert!(["h1", "h2", "h3", "h4", "h5", "h6", "p", "blockquote", "a", "em", "strong", "code", "sub", "sup", "br", "img", "figure", "figcaption", "div", "span"].contains(&name), "{v}: <{tag}>");
            assert!(!lower.contains(" on") && !lower.contains("style=") && !lower.contains("srcdoc"), "{v}: <{tag}>");
            for url in lower.split(['"']).skip(1).step_by(2) {
                assert!(!url.contains("javascript:") && !url.contains("data:") && !url.contains("vbscript:") && !url.contains("xss.invalid/1") || url.starts_with("https://ok.example"), "{v}: <{tag}>");
            }
        }
    }
}
