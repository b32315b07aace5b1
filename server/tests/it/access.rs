//! Who may do what: the role × operation × own/other × document matrix, token failures
//! (each a 401 naming which), the server-set creator, public reading, the rate limit.

use crate::common::*;
use article_annotator_server::auth::{now_secs, Role};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn create_as(c: &reqwest::Client, s: &Server, tok: &str, id: &str) -> (StatusCode, String) {
    let r = c.put(format!("{}{id}", s.container("story-1"))).bearer_auth(tok).header("Content-Type", LD).json(&person("Nikiforov", 0)).send().await.unwrap();
    (r.status(), header(&r, "etag"))
}

#[tokio::test(flavor = "multi_thread")]
async fn every_role_on_every_operation_own_and_others_in_and_out_of_its_documents() {
    let s = setup(&[]).await;
    let c = client();
    let container = s.container("story-1");
    let owner = token("olga", Role::Annotator, &["story-1"]);
    let roles = [Role::Viewer, Role::Annotator, Role::Editor, Role::Admin];
    let mut n = 0;
    for role in roles {
        for covered in [true, false] {
            let docs: &[&str] = if covered { &["story-1"] } else { &["story-2"] };
            let me = token("mia", role, docs);
            let may_write = covered && role >= Role::Annotator;
            let may_change_others = covered && role >= Role::Editor;
            let what = format!("{role:?} {}", if covered { "covered" } else { "not covered" });

            // Read.
            let r = c.get(&container).bearer_auth(&me).send().await.unwrap();
            assert_eq!(r.status(), if covered { StatusCode::OK } else { StatusCode::FORBIDDEN }, "{what}: read");
            // Create by POST and by PUT.
            let r = c.post(&container).bearer_auth(&me).header("Content-Type", LD).json(&person("Nikiforov", 0)).send().await.unwrap();
            assert_eq!(r.status(), if may_write { StatusCode::CREATED } else { StatusCode::FORBIDDEN }, "{what}: POST");
            n += 1;
            let (st, _) = create_as(&c, &s, &me, &format!("mine-{n}")).await;
            assert_eq!(st, if may_write { StatusCode::CREATED } else { StatusCode::FORBIDDEN }, "{what}: PUT a new one");

            // Another's annotation: change, then delete.
            let (st, tag) = create_as(&c, &s, &owner, &format!("olgas-{n}")).await;
            assert_eq!(st, StatusCode::CREATED);
            let url = format!("{container}olgas-{n}");
            let r = c.put(&url).bearer_auth(&me).header("Content-Type", LD).header("If-Match", &tag).json(&person("Nikolai Nikiforov", 0)).send().await.unwrap();
            let expect = if may_change_others { StatusCode::OK } else { StatusCode::FORBIDDEN };
            assert_eq!(r.status(), expect, "{what}: change another's");
            let tag = if r.status() == StatusCode::OK { header(&r, "etag") } else { tag };
            let r = c.delete(&url).bearer_auth(&me).header("If-Match", &tag).send().await.unwrap();
            assert_eq!(r.status(), if may_change_others { StatusCode::NO_CONTENT } else { StatusCode::FORBIDDEN }, "{what}: delete another's");
            if r.status() == StatusCode::FORBIDDEN {
                let e: Value = r.json().await.unwrap();
                assert!(!e["message"].as_str().unwrap().is_empty());
            }

            // One's own (made by an annotator token of the same user): change, then delete.
            if may_write {
                let url = format!("{container}mine-{n}");
                let r = c.put(&url).bearer_auth(&me).header("Content-Type", LD).json(&person("Nikolai", 0)).send().await.unwrap();
                assert_eq!(r.status(), StatusCode::OK, "{what}: change own");
                assert_eq!(c.delete(&url).bearer_auth(&me).send().await.unwrap().status(), StatusCode::NO_CONTENT, "{what}: delete own");
            }
        }
    }
    // An annotator who made an annotation cannot change it through another document's token.
    let (_, tag) = create_as(&c, &s, &token("mia", Role::Annotator, &["story-1"]), "cross").await;
    let r = c.put(format!("{container}cross")).bearer_auth(token("mia", Role::Annotator, &["story-2"])).header("Content-Type", LD).header("If-Match", &tag).json(&person("x", 0)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // A viewer of every document still cannot write.
    let r = c.delete(format!("{container}cross")).bearer_auth(token("v", Role::Viewer, &["*"])).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["message"], "viewers may read, not write");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_tokens_are_401_and_say_which() {
    let s = setup(&[]).await;
    let c = client();
    let container = s.container("story-1");
    let msg = |v: Value| v["message"].as_str().unwrap_or_default().to_string();

    let r = c.get(&container).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(header(&r, "www-authenticate").starts_with("Bearer"));
    assert_eq!(msg(r.json().await.unwrap()), "a bearer token is required");

    let expired = token_exp("alice", Role::Editor, &["*"], now_secs() - 120);
    let r = c.get(&container).bearer_auth(&expired).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(msg(r.json().await.unwrap()), "token expired");

    let good = token("alice", Role::Editor, &["*"]);
    let (head, rest) = good.split_once('.').unwrap();
    let (payload, sig) = rest.split_once('.').unwrap();
    let flipped = format!("{head}.{payload}.{}{}", if sig.starts_with('A') { "B" } else { "A" }, &sig[1..]);
    let r = c.get(&container).bearer_auth(&flipped).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(msg(r.json().await.unwrap()), "token signature does not verify");

    // Signed with another secret.
    let other = article_annotator_server::auth::Keys::new(b"another-secret-0123456789abcdef0123").mint(&article_annotator_server::auth::Claims {
        sub: "alice".into(),
        name: "Alice".into(),
        role: Role::Admin,
        docs: vec!["*".into()],
        exp: now_secs() + 60,
        aud: None,
    });
    let r = c.get(&container).bearer_auth(&other).send().await.unwrap();
    assert_eq!(msg(r.json().await.unwrap()), "token signature does not verify");

    for bad in ["not-a-token", "a.b.c", ""] {
        let r = c.get(&container).header("Authorization", format!("Bearer {bad}")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{bad:?}");
        assert!(msg(r.json().await.unwrap()).starts_with("token malformed") || bad.is_empty());
    }
    let r = c.get(&container).header("Authorization", "Basic YWxpY2U6cHc=").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    // The "none" algorithm is refused.
    let none = format!("{}.{payload}.", base64url(r#"{"alg":"none","typ":"JWT"}"#));
    let r = c.get(&container).bearer_auth(&none).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    // A stream ticket is not a bearer token.
    let t: Value = c.post(format!("{container}events/ticket")).bearer_auth(&good).send().await.unwrap().json().await.unwrap();
    let r = c.get(&container).bearer_auth(t["ticket"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(msg(r.json().await.unwrap()), "a stream ticket is not a bearer token");
}

fn base64url(s: &str) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let b = s.as_bytes();
    let mut out = String::new();
    for chunk in b.chunks(3) {
        let n = (u32::from(chunk[0]) << 16) | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8) | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn the_server_writes_the_creator_and_times() {
    let s = setup(&[]).await;
    let c = client();
    let url = format!("{}by-alice", s.container("story-1"));
    let mut a = person("Nikiforov", 0);
    a["creator"] = json!({"type": "Person", "id": "urn:x:bob", "name": "Bob"});
    a["created"] = json!("2001-01-01T00:00:00Z");
    let r = c.put(&url).bearer_auth(token("alice", Role::Annotator, &["story-1"])).header("Content-Type", LD).json(&a).send().await.unwrap();
    let tag = header(&r, "etag");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["creator"], json!({"type": "Person", "id": "urn:article-annotator:user:alice", "name": "Alice"}));
    assert_ne!(v["created"], "2001-01-01T00:00:00Z");
    let created = v["created"].clone();
    // An editor's change keeps Alice as the author and her creation time.
    a["creator"] = json!("Eve");
    let r = c.put(&url).bearer_auth(token("eve", Role::Editor, &["*"])).header("Content-Type", LD).header("If-Match", &tag).json(&a).send().await.unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["creator"]["name"], "Alice");
    assert_eq!(v["created"], created);
    assert!(v["modified"].as_str().unwrap() >= created.as_str().unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn published_articles_can_be_read_without_a_token_when_configured() {
    let s = setup(&[("AA_PUBLIC_READ", "story-1")]).await;
    let c = client();
    let (st, _) = create_as(&c, &s, &token("alice", Role::Annotator, &["story-1"]), "pub").await;
    assert_eq!(st, StatusCode::CREATED);
    assert_eq!(c.get(s.container("story-1")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(c.get(format!("{}pub", s.container("story-1"))).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(c.get(format!("{}changes?since=0", s.container("story-1"))).send().await.unwrap().status(), StatusCode::OK);
    // Not other articles, and never writing.
    assert_eq!(c.get(s.container("story-2")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let r = c.post(s.container("story-1")).header("Content-Type", LD).json(&comment("x")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_per_token_are_limited() {
    let s = setup(&[("AA_RATE_LIMIT", "5")]).await;
    let c = client();
    let t = token("alice", Role::Viewer, &["story-1"]);
    let mut codes = Vec::new();
    for _ in 0..30 {
        codes.push(c.get(s.container("story-1")).bearer_auth(&t).send().await.unwrap().status());
    }
    let limited = codes.iter().filter(|c| **c == StatusCode::TOO_MANY_REQUESTS).count();
    assert!(limited >= 15, "{limited} of 30 limited: {codes:?}");
    assert_eq!(codes[0], StatusCode::OK);
    // Another token is not slowed down by Alice's.
    assert_eq!(c.get(s.container("story-1")).bearer_auth(token("bob", Role::Viewer, &["story-1"])).send().await.unwrap().status(), StatusCode::OK);
}
