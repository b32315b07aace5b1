//! `PUT /documents/{doc}/text`: a new version of the article re-anchors the stored
//! annotations with the widget's cascade; moved ones get their new place, one whose text
//! is gone becomes an orphan (kept, named), and comes back when its text does.

use crate::common::*;
use article_annotator::core::anchor::quote_at;
use article_annotator::core::offset::{CharOffset, CharRange};
use article_annotator_server::auth::Role;
use article_annotator_server::reanchor::{document, TextFormat};
use reqwest::StatusCode;
use serde_json::{json, Value};

const V1: &str = "# Minister speaks\n\nNikolai Nikiforov said on Monday that the ban would stay.\n\nThe ministry of communications denied it. Russia's economy grew by two per cent.\n";
const V2: &str = "# Minister speaks\n\nA new first paragraph, added after publication, with a correction.\n\nNikolai Nikiforov said on Monday that the ban would stay.\n\nThe ministry of communications denied it.\n";

fn at(text: &str, exact: &str) -> u64 {
    let doc = document(text, TextFormat::Markdown);
    let byte = doc.text().find(exact).expect("in the text");
    doc.text()[..byte].chars().count() as u64
}

/// A tag as the widget writes it: the quote with its context, from the core.
fn tagged(text: &str, exact: &str, label: &str) -> Value {
    let start = at(text, exact);
    let mut a = person(exact, start);
    a["body"][0]["value"] = json!(label);
    let doc = document(text, TextFormat::Markdown);
    let range = CharRange::new(CharOffset(start as usize), CharOffset(start as usize + exact.chars().count())).unwrap();
    let q = quote_at(&doc, range).unwrap();
    a["target"]["selector"][0] = json!({"type": "TextQuoteSelector", "exact": q.exact(), "prefix": q.prefix(), "suffix": q.suffix()});
    a
}

fn selectors(v: &Value) -> (Option<u64>, String) {
    let sel = v["target"]["selector"].as_array().unwrap();
    let pos = sel.iter().find(|s| s["type"] == "TextPositionSelector").map(|s| s["start"].as_u64().unwrap());
    let exact = sel.iter().find(|s| s["type"] == "TextQuoteSelector").map(|s| s["exact"].as_str().unwrap().to_string()).unwrap();
    (pos, exact)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_version_of_the_text_reanchors_and_orphans_without_dropping() {
    let s = setup(&[]).await;
    let c = client();
    let container = s.container("story-1");
    let text_url = format!("{}/documents/story-1/text", s.base);
    let alice = token("alice", Role::Annotator, &["story-1"]);
    let editor = token("erin", Role::Editor, &["story-1"]);
    for (id, exact, label) in [("nik", "Nikolai Nikiforov", "Person"), ("min", "ministry of communications", "Organization"), ("rus", "Russia", "Location")] {
        let r = c.put(format!("{container}{id}")).bearer_auth(&alice).header("Content-Type", LD).json(&tagged(V1, exact, label)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    // A comment on the page, not on text, is left alone.
    c.put(format!("{container}page-note")).bearer_auth(&alice).header("Content-Type", LD).json(&comment("nice")).send().await.unwrap();

    // Who may, and in what form.
    let r = c.put(&text_url).bearer_auth(&alice).header("Content-Type", "text/markdown").body(V1).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c.put(&text_url).bearer_auth(&editor).header("Content-Type", "application/json").body(V1).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(c.get(&text_url).bearer_auth(&alice).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    // The text they were made on: nothing changes.
    let r = c.put(&text_url).bearer_auth(&editor).header("Content-Type", "text/markdown").body(V1).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let rep: Value = r.json().await.unwrap();
    assert_eq!((rep["unchanged"].as_u64(), rep["moved"].as_u64(), rep["notOnText"].as_u64()), (Some(3), Some(0), Some(1)), "{rep}");
    let seq_before = rep["seq"].as_i64().unwrap();
    let r = c.get(&text_url).bearer_auth(&alice).send().await.unwrap();
    assert!(header(&r, "content-type").starts_with("text/markdown"));
    assert_eq!(r.text().await.unwrap(), V1);

    // A paragraph added before them and the last sentence cut: two move, one is orphaned.
    let r = c.put(&text_url).bearer_auth(&editor).header("Content-Type", "text/markdown").body(V2).send().await.unwrap();
    let rep: Value = r.json().await.unwrap();
    assert_eq!(rep["moved"], 2, "{rep}");
    assert_eq!(rep["orphaned"], json!([{"id": "rus", "reason": "its text is no longer in the article"}]));
    let nik: Value = c.get(format!("{container}nik")).bearer_auth(&alice).send().await.unwrap().json().await.unwrap();
    assert_eq!(selectors(&nik), (Some(at(V2, "Nikolai Nikiforov")), "Nikolai Nikiforov".to_string()));
    assert_eq!(nik["creator"]["name"], "Alice", "the author stays");
    let rus = c.get(format!("{container}rus")).bearer_auth(&alice).send().await.unwrap();
    assert_eq!(rus.status(), StatusCode::OK, "an orphan is kept");
    let rus: Value = rus.json().await.unwrap();
    assert_eq!(selectors(&rus), (None, "Russia".to_string()), "an orphan keeps its quote alone");
    // Every change reached the feed, after the last one seen.
    let feed: Value = c.get(format!("{container}changes?since={seq_before}")).bearer_auth(&alice).send().await.unwrap().json().await.unwrap();
    let ids: Vec<&str> = feed["changes"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().rsplit('/').next().unwrap()).collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(ids.contains(&"rus") && ids.contains(&"nik") && ids.contains(&"min"));

    // The sentence comes back: so does the annotation's place.
    let rep: Value = c.put(&text_url).bearer_auth(&editor).header("Content-Type", "text/markdown").body(V1).send().await.unwrap().json().await.unwrap();
    assert_eq!(rep["restored"], 1, "{rep}");
    assert_eq!(rep["moved"], 2);
    let rus: Value = c.get(format!("{container}rus")).bearer_auth(&alice).send().await.unwrap().json().await.unwrap();
    assert_eq!(selectors(&rus), (Some(at(V1, "Russia")), "Russia".to_string()));

    // HTML from the CMS reads as the widget reads it.
    let html = "<article><h1>Minister speaks</h1><p>Nikolai Nikiforov said on Monday that the ban would stay.</p><p>The ministry of communications denied it. Russia's economy grew by two per cent.</p></article>";
    let r = c.put(&text_url).bearer_auth(&editor).header("Content-Type", "text/html").body(html).send().await.unwrap();
    let rep: Value = r.json().await.unwrap();
    assert_eq!(rep["orphaned"], json!([]), "{rep}");
    let nik: Value = c.get(format!("{container}nik")).bearer_auth(&alice).send().await.unwrap().json().await.unwrap();
    assert_eq!(selectors(&nik).1, "Nikolai Nikiforov");
}
