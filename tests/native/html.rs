use crate::util::sample;
use article_annotator::core::article::parse_markdown;
use article_annotator::core::html::article_html;

/// The text of each `data-block` element in `html` (entities decoded), for the five
/// entities `escape` writes; tags are dropped.
fn block_texts(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in html.split("data-block=\"").skip(1) {
        let body = &part[part.find('>').unwrap() + 1..];
        let mut text = String::new();
        let mut depth = 0usize;
        let mut chars = body.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '<' {
                let rest: String = chars.clone().take_while(|&c| c != '>').collect();
                if rest.starts_with('/') {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                } else {
                    depth += 1;
                }
                for _ in 0..=rest.chars().count() {
                    chars.next();
                }
            } else {
                text.push(c);
            }
        }
        out.push(text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&"));
    }
    out
}

#[test]
fn each_block_element_holds_exactly_the_block_text() {
    let doc = sample();
    let html = article_html(&doc);
    let want: Vec<String> = doc.blocks().iter().map(|b| doc.slice(b.range).unwrap().to_string()).collect();
    assert_eq!(block_texts(&html), want);
    assert!(html.contains("<h1 class=\"aa-headline\" data-block=\"0\">Wary of the West"));
    assert!(html.contains("<a href=\"https://www.themoscowtimes.com/2014/08/18/wary-of-the-west-russia-and-china-expand-trade-in-computer-software-a38461\" target=\"_blank\" rel=\"noopener noreferrer\">Russia Joins Hands"));
}

#[test]
fn article_text_is_escaped_never_markup() {
    let doc = parse_markdown("Title <b>x</b>\n\nA \\<script>alert(1)\\</script> & \"quotes\" 'too' [l](https://e.org/?a=1&b=\"><img src=x onerror=alert(1)>)\n");
    let html = article_html(&doc);
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<b>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;too&#39;"), "{html}");
    let want: Vec<String> = doc.blocks().iter().map(|b| doc.slice(b.range).unwrap().to_string()).collect();
    assert_eq!(block_texts(&html), want);
}

#[test]
fn blocks_come_in_chunks_of_chunk_blocks_in_order() {
    use article_annotator::core::html::CHUNK;
    let text: Vec<String> = (0..(2 * CHUNK + 3)).map(|i| format!("Paragraph {i}.")).collect();
    let doc = article_annotator::core::document::Document::from_plain_text(&text.join("\n\n"));
    let html = article_html(&doc);
    let chunks: Vec<Vec<usize>> = html
        .split("<div class=\"aa-chunk\">")
        .skip(1)
        .map(|c| c.split("data-block=\"").skip(1).map(|b| b[..b.find('"').unwrap()].parse().unwrap()).collect())
        .collect();
    assert_eq!(chunks.len(), 3);
    for (k, c) in chunks.iter().enumerate() {
        let want: Vec<usize> = (k * CHUNK..((k + 1) * CHUNK).min(doc.blocks().len())).collect();
        assert_eq!(c, &want, "chunk {k}");
    }
    assert_eq!(html.matches("<div class=\"aa-chunk\">").count(), html.matches("</div>").count());
    assert_eq!(block_texts(&html), text);
}
