//! Fuzzes the article HTML path: the native HTML reader, the allowlist sanitiser and the
//! escaped rendering. Never panics; the document's invariants hold; the rendering has no
//! script, event handler or non-http(s) link.
#![no_main]
use article_annotator::core::html::article_html;
use article_annotator::core::html_read::parse;
use article_annotator::core::sanitize::document_from_html;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    let doc = document_from_html(&parse(&src));
    let joined: Vec<&str> = doc.blocks().iter().map(|b| doc.slice(b.range).expect("block in text")).collect();
    assert_eq!(doc.text(), joined.join("\n\n"));
    // Text is escaped, so every `<` in the output opens one of our tags: check each tag.
    let html = article_html(&doc);
    for tag in html.split('<').skip(1).filter_map(|t| t.split('>').next()) {
        let lower = tag.to_ascii_lowercase();
        assert!(!lower.starts_with("script") && !lower.starts_with("iframe") && !lower.starts_with("svg"), "<{tag}>");
        // Attributes: name="value" pairs (values never hold a raw `"`).
        let mut rest = lower.split_once(char::is_whitespace).map_or("", |(_, r)| r);
        while let Some(eq) = rest.find("=\"") {
            let name = rest[..eq].trim();
            let after = &rest[eq + 2..];
            let end = after.find('"').expect("a closed attribute value");
            let value = &after[..end];
            assert!(!name.starts_with("on") && name != "style" && name != "srcdoc", "<{tag}>");
            if name == "href" || name == "src" {
                assert!(value.starts_with("http://") || value.starts_with("https://") || value.starts_with("mailto:"), "<{tag}>");
            }
            rest = &after[end + 1..];
        }
    }
});
