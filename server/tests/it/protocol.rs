//! The W3C Web Annotation Protocol: every MUST of web-platform-tests'
//! `annotation-protocol/server/server-musts-manual.html` and the SHOULDs of
//! `server-shoulds-manual.html` that apply, and the rules the issue adds (412/428, 404
//! and 410, 415, 413, 400 with the importer's message, paging, Prefer, CORS).

use crate::common::*;
use article_annotator_server::auth::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

const MINIMAL: &str = "return=representation;include=\"http://www.w3.org/ns/ldp#PreferMinimalContainer\"";
const IRIS: &str = "return=representation;include=\"http://www.w3.org/ns/oa#PreferContainedIRIs\"";

#[tokio::test(flavor = "multi_thread")]
async fn containers_and_annotations_meet_the_protocols_musts() {
    let s = setup(&[("AA_PAGE_SIZE", "2")]).await;
    let c = client();
    let t = token("alice", Role::Annotator, &["story-1"]);
    let container = s.container("story-1");
    assert!(container.ends_with('/'), "Container MUST end in a \"/\" character");

    // Creation (POST): 201, an id under the container, canonical kept, Location = id.
    let mut anno = comment("I like this page!");
    anno["canonical"] = json!("urn:uuid:5f0c5a2e-0000-4000-8000-000000000001");
    let r = c.post(&container).bearer_auth(&t).header("Content-Type", LD).json(&anno).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let location = header(&r, "location");
    let created: Value = r.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    assert!(id.starts_with(&container), "{id} under {container}");
    assert_eq!(location, id);
    assert_eq!(created["canonical"], anno["canonical"]);
    // Two more, so the container has two pages of two.
    for text in ["second", "third"] {
        let r = c.post(&container).bearer_auth(&t).header("Content-Type", LD).json(&comment(text)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
    }

    // The container.
    let r = c.get(&container).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    for m in ["GET", "HEAD", "OPTIONS"] {
        assert!(header(&r, "allow").contains(m), "Allow has {m}");
    }
    assert!(header(&r, "content-type").starts_with("application/ld+json; profile=\"http://www.w3.org/ns/anno.jsonld\""));
    assert!(header(&r, "link").contains("<http://www.w3.org/ns/ldp#BasicContainer>; rel=\"type\""));
    assert!(header(&r, "link").contains("<http://www.w3.org/TR/annotation-protocol/>; rel=\"http://www.w3.org/ns/ldp#constrainedBy\""));
    assert!(!header(&r, "etag").is_empty());
    assert!(header(&r, "vary").contains("Accept") && header(&r, "vary").contains("Prefer"));
    assert!(header(&r, "accept-post").contains("application/ld+json"));
    let content_location = header(&r, "content-location");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["id"], json!(content_location), "Content-Location and id MUST match");
    let types = body["type"].as_array().unwrap();
    assert!(types.contains(&json!("BasicContainer")) && types.contains(&json!("AnnotationCollection")));
    assert_eq!(body["total"], 3);
    // By default the first page is embedded with full descriptions (§4.1.1).
    assert_eq!(body["first"]["type"], "AnnotationPage");
    assert_eq!(body["first"]["items"].as_array().unwrap().len(), 2);
    assert!(body["first"]["items"][0]["@context"].is_string());
    assert_eq!(body["last"], json!(format!("{container}?page=1")));

    // Pages: partOf, next (not on the last), prev (not on the first).
    let p0: Value = c.get(format!("{container}?page=0")).bearer_auth(&t).send().await.unwrap().json().await.unwrap();
    assert_eq!(p0["type"], "AnnotationPage");
    assert_eq!(p0["partOf"]["id"], json!(container));
    assert_eq!(p0["partOf"]["total"], 3);
    assert_eq!(p0["next"], json!(format!("{container}?page=1")));
    assert!(p0.get("prev").is_none());
    let p1: Value = c.get(p0["next"].as_str().unwrap()).bearer_auth(&t).send().await.unwrap().json().await.unwrap();
    assert_eq!(p1["prev"], json!(format!("{container}?page=0")));
    assert!(p1.get("next").is_none());
    assert_eq!(p1["startIndex"], 2);
    assert_eq!(p1["items"].as_array().unwrap().len(), 1);
    let r = c.get(format!("{container}?page=2")).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // HEAD and OPTIONS on the container.
    let r = c.head(&container).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = c.request(reqwest::Method::OPTIONS, &container).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(header(&r, "allow").contains("POST"));

    // The annotation.
    let r = c.get(&id).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    for m in ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"] {
        assert!(header(&r, "allow").contains(m), "Allow has {m}");
    }
    assert!(header(&r, "content-type").starts_with("application/ld+json"));
    assert_eq!(header(&r, "link"), "<http://www.w3.org/ns/ldp#Resource>; rel=\"type\"");
    assert!(header(&r, "vary").contains("Accept"));
    let tag = header(&r, "etag");
    assert!(!tag.is_empty());
    // A conditional GET.
    let r = c.get(&id).bearer_auth(&t).header("If-None-Match", &tag).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(c.head(&id).bearer_auth(&t).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(c.request(reqwest::Method::OPTIONS, &id).send().await.unwrap().status(), StatusCode::OK);

    // Update with PUT (the protocol's own test sends no If-Match).
    let mut changed = created.clone();
    changed["target"] = json!("http://other.example/");
    let r = c.put(&id).bearer_auth(&t).header("Content-Type", LD).json(&changed).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let new_tag = header(&r, "etag");
    assert_ne!(new_tag, tag, "the ETag changes with the annotation");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["target"], "http://other.example/");
    assert_eq!(body["id"], json!(id), "the id does not change");
    // An update that leaves `canonical` out keeps it.
    let mut without = body.clone();
    without.as_object_mut().unwrap().remove("canonical");
    let r = c.put(&id).bearer_auth(&t).header("Content-Type", LD).json(&without).send().await.unwrap();
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["canonical"], anno["canonical"], "a canonical IRI is maintained");

    // The container's ETag changed with its contents.
    let r = c.get(&container).bearer_auth(&t).send().await.unwrap();
    let r2 = c.get(&container).bearer_auth(&t).header("If-None-Match", header(&r, "etag")).send().await.unwrap();
    assert_eq!(r2.status(), StatusCode::NOT_MODIFIED);

    // Delete: 204, then 410; an unknown one is 404.
    let r = c.delete(&id).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = c.get(&id).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::GONE);
    let r = c.get(format!("{container}nothing-here")).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = c.delete(format!("{container}nothing-here")).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let v: Value = c.get(&container).bearer_auth(&t).send().await.unwrap().json().await.unwrap();
    assert_eq!(v["total"], 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn prefer_chooses_iris_descriptions_or_a_minimal_container() {
    let s = setup(&[("AA_PAGE_SIZE", "2")]).await;
    let c = client();
    let t = token("alice", Role::Annotator, &["story-1"]);
    let container = s.container("story-1");
    for i in 0..3 {
        c.put(format!("{container}a{i}")).bearer_auth(&t).header("Content-Type", LD).json(&comment("x")).send().await.unwrap();
    }
    // Minimal: first and last as IRIs, no annotations.
    let v: Value = c.get(&container).bearer_auth(&t).header("Prefer", MINIMAL).send().await.unwrap().json().await.unwrap();
    assert!(v["first"].is_string() && v["last"].is_string());
    assert!(v.get("items").is_none() && v.get("ldp:contains").is_none() && v.get("contains").is_none());
    assert!(!v.to_string().contains("a0"));
    // IRIs: the container's id says so, the first page lists IRIs.
    let r = c.get(&container).bearer_auth(&t).header("Prefer", IRIS).send().await.unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["id"], json!(format!("{container}?iris=1")));
    assert_eq!(v["first"]["items"], json!([format!("{container}a0"), format!("{container}a1")]));
    assert_eq!(v["first"]["next"], json!(format!("{container}?iris=1&page=1")));
    assert_eq!(v["last"], json!(format!("{container}?iris=1&page=1")));
    let p1: Value = c.get(format!("{container}?iris=1&page=1")).bearer_auth(&t).send().await.unwrap().json().await.unwrap();
    assert_eq!(p1["items"], json!([format!("{container}a2")]));
    // Descriptions, asked for.
    let pref = "return=representation;include=\"http://www.w3.org/ns/oa#PreferContainedDescriptions\"";
    let v: Value = c.get(&container).bearer_auth(&t).header("Prefer", pref).send().await.unwrap().json().await.unwrap();
    assert_eq!(v["first"]["items"][0]["id"], json!(format!("{container}a0")));
    assert_eq!(v["first"]["items"][0]["type"], "Annotation");
    // An empty container has a first page with no items.
    let v: Value = c.get(s.container("story-1-empty")).bearer_auth(token("a", Role::Viewer, &["*"])).send().await.unwrap().json().await.unwrap();
    assert_eq!(v["total"], 0);
    let p: Value = c.get(v["first"].as_str().unwrap()).bearer_auth(token("a", Role::Viewer, &["*"])).send().await.unwrap().json().await.unwrap();
    assert_eq!(p["items"], json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn put_creates_at_the_clients_id_and_if_match_guards_every_change() {
    let s = setup(&[]).await;
    let c = client();
    let t = token("alice", Role::Annotator, &["story-1"]);
    let url = format!("{}3f1e2d4c-1111-4222-8333-944455556666", s.container("story-1"));
    let mut a = person("Nikolai Nikiforov", 10);
    a["id"] = json!("urn:uuid:3f1e2d4c-1111-4222-8333-944455556666");
    let r = c.put(&url).bearer_auth(&t).header("Content-Type", LD).json(&a).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(header(&r, "location"), url);
    let v1 = header(&r, "etag");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["id"], json!(url));
    assert_eq!(body["via"], json!("urn:uuid:3f1e2d4c-1111-4222-8333-944455556666"));
    // A retried create with the same If-None-Match: * is refused, not duplicated.
    let r = c.put(&url).bearer_auth(&t).header("Content-Type", LD).header("If-None-Match", "*").json(&a).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);

    // Update from the right version.
    a["body"][0]["value"] = json!("Organization");
    let r = c.put(&url).bearer_auth(&t).header("Content-Type", LD).header("If-Match", &v1).json(&a).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v2 = header(&r, "etag");
    // From a stale one: 412 with the current version, and nothing changed.
    a["body"][0]["value"] = json!("Location");
    let r = c.put(&url).bearer_auth(&t).header("Content-Type", LD).header("If-Match", &v1).json(&a).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(header(&r, "etag"), v2);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["current"]["body"][0]["value"], "Organization");
    assert_eq!(e["etag"], json!(v2));
    assert_eq!(e["by"], json!({"sub": "alice", "name": "Alice"}), "who made the current version");
    let now: Value = c.get(&url).bearer_auth(&t).send().await.unwrap().json().await.unwrap();
    assert_eq!(now["body"][0]["value"], "Organization");
    // DELETE from a stale version: 412, still there.
    let r = c.delete(&url).bearer_auth(&t).header("If-Match", &v1).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    // If-Match on an annotation that does not exist.
    let r = c.put(format!("{url}-nope")).bearer_auth(&t).header("Content-Type", LD).header("If-Match", "\"1\"").json(&a).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    // Deleted: 410 for GET and a plain PUT; the tombstone's ETag restores it (an undone deletion).
    let r = c.delete(&url).bearer_auth(&t).header("If-Match", &v2).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let tomb = header(&r, "etag");
    let r = c.put(&url).bearer_auth(&t).header("Content-Type", LD).json(&a).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::GONE);
    assert_eq!(header(&r, "etag"), tomb, "a 410 names the tombstone, so a client can restore it");
    let r = c.put(&url).bearer_auth(&t).header("Content-Type", LD).header("If-Match", &tomb).json(&a).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(c.get(&url).bearer_auth(&t).send().await.unwrap().status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn if_match_can_be_required() {
    let s = setup(&[("AA_REQUIRE_IF_MATCH", "1")]).await;
    let c = client();
    let t = token("alice", Role::Annotator, &["story-1"]);
    let url = format!("{}x1", s.container("story-1"));
    let r = c.put(&url).bearer_auth(&t).header("Content-Type", LD).json(&comment("a")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "creating needs no If-Match");
    let tag = header(&r, "etag");
    let r = c.put(&url).bearer_auth(&t).header("Content-Type", LD).json(&comment("b")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_REQUIRED);
    let r = c.delete(&url).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_REQUIRED);
    let r = c.put(&url).bearer_auth(&t).header("Content-Type", LD).header("If-Match", &tag).json(&comment("b")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_requests_are_named() {
    let s = setup(&[("AA_BODY_LIMIT", "4096")]).await;
    let c = client();
    let t = token("alice", Role::Annotator, &["story-1"]);
    let container = s.container("story-1");
    let msg = |v: Value| v["message"].as_str().unwrap_or_default().to_string();

    let r = c.post(&container).bearer_auth(&t).header("Content-Type", "text/plain").body(comment("x").to_string()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(msg(r.json().await.unwrap()).contains("text/plain"));

    let r = c.post(&container).bearer_auth(&t).header("Content-Type", LD).body("{not json").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(msg(r.json().await.unwrap()).starts_with("annotation: not JSON"));

    let mut a = person("Nikiforov", 3);
    a["target"]["selector"][1]["start"] = json!("three");
    let r = c.post(&container).bearer_auth(&t).header("Content-Type", LD).json(&a).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(msg(r.json().await.unwrap()), "annotation: target.selector.start: expected a whole number");

    let mut a = person("Nikiforov", 3);
    a["body"] = json!([{"type": "TextualBody", "purpose": "assessing", "value": "half-true"}, {"type": "TextualBody", "purpose": "tagging", "value": "Claim"}]);
    a["motivation"] = json!("assessing");
    let r = c.post(&container).bearer_auth(&t).header("Content-Type", LD).json(&a).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(msg(r.json().await.unwrap()), "annotation: body.value: unknown verdict \"half-true\"");

    let mut a = comment("x");
    a.as_object_mut().unwrap().remove("target");
    let r = c.post(&container).bearer_auth(&t).header("Content-Type", LD).json(&a).send().await.unwrap();
    assert_eq!(msg(r.json().await.unwrap()), "annotation: target: missing");
    let mut a = comment("x");
    a["@context"] = json!("http://schema.org/");
    let r = c.post(&container).bearer_auth(&t).header("Content-Type", LD).json(&a).send().await.unwrap();
    assert!(msg(r.json().await.unwrap()).starts_with("annotation: @context"));

    let big = comment(&"x".repeat(5000));
    let r = c.post(&container).bearer_auth(&t).header("Content-Type", LD).json(&big).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let r = c.put(format!("{container}changes")).bearer_auth(&t).header("Content-Type", LD).json(&comment("x")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED, "the feed's path is not an annotation");
    let r = c.put(format!("{container}bad%20id")).bearer_auth(&t).header("Content-Type", LD).json(&comment("x")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = c.get(format!("{}/annotations/bad%22doc/", s.base)).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // A comment on text (not ours to read as a tag) is still a W3C annotation.
    let mut a = person("Nikiforov", 3);
    a["motivation"] = json!("commenting");
    a["body"] = json!({"type": "TextualBody", "value": "Check this."});
    let r = c.post(&container).bearer_auth(&t).header("Content-Type", LD).json(&a).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread")]
async fn cors_answers_only_the_configured_origins_and_exposes_the_protocols_headers() {
    let s = setup(&[("AA_ALLOWED_ORIGINS", "http://cms.example")]).await;
    let c = client();
    let t = token("alice", Role::Annotator, &["story-1"]);
    let container = s.container("story-1");
    let r = c.get(&container).bearer_auth(&t).header("Origin", "http://cms.example").send().await.unwrap();
    assert_eq!(header(&r, "access-control-allow-origin"), "http://cms.example");
    let exposed = header(&r, "access-control-expose-headers").to_ascii_lowercase();
    for h in ["allow", "content-location", "etag", "link", "location", "vary"] {
        assert!(exposed.contains(h), "{h} exposed: {exposed}");
    }
    let r = c.request(reqwest::Method::OPTIONS, &container).header("Origin", "http://cms.example").header("Access-Control-Request-Method", "PUT").header("Access-Control-Request-Headers", "authorization, if-match, content-type").send().await.unwrap();
    assert!(r.status().is_success());
    assert!(header(&r, "access-control-allow-methods").contains("PUT"));
    let r = c.get(&container).bearer_auth(&t).header("Origin", "http://evil.example").send().await.unwrap();
    assert_eq!(header(&r, "access-control-allow-origin"), "");
}

#[tokio::test(flavor = "multi_thread")]
async fn post_takes_a_slug_and_never_reuses_an_id() {
    let s = setup(&[]).await;
    let c = client();
    let t = token("alice", Role::Annotator, &["story-1"]);
    let container = s.container("story-1");
    let post = |slug: &'static str| c.post(&container).bearer_auth(&t).header("Content-Type", LD).header("Slug", slug).json(&comment("x")).send();
    let a = header(&post("Nikiforov quote").await.unwrap(), "location");
    assert_eq!(a, format!("{container}Nikiforov-quote"));
    let b = header(&post("Nikiforov quote").await.unwrap(), "location");
    assert!(b.starts_with(&format!("{container}Nikiforov-quote-")) && b != a, "{b}");
    // A Slug that is no id at all (or a reserved name) gets a UUID.
    for slug in ["///", "changes"] {
        let r = post(slug).await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let id = header(&r, "location");
        let last = id.rsplit('/').next().unwrap();
        assert_eq!(last.len(), 36, "{id}");
        assert_eq!(&last[14..15], "4", "a version 4 UUID: {id}");
    }
}
