//! The change feed and the live stream: every change after a sequence number, in order,
//! deletions as tombstones, paged; the stream over a ticket (never a long-lived token in
//! the URL), resumed with Last-Event-ID; and two server processes on one database, a
//! change made through one arriving on the other's stream.

use crate::common::*;
use article_annotator_server::auth::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

pub struct Stream {
    resp: reqwest::Response,
    buf: String,
}

#[derive(Debug)]
pub struct Ev {
    pub event: String,
    pub id: String,
    pub data: Value,
}

impl Stream {
    pub async fn open(url: &str, last_event_id: Option<&str>) -> Stream {
        let mut req = client_no_timeout().get(url).header("Accept", "text/event-stream");
        if let Some(id) = last_event_id {
            req = req.header("Last-Event-ID", id);
        }
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{url}");
        assert!(header(&resp, "content-type").starts_with("text/event-stream"));
        Stream { resp, buf: String::new() }
    }

    /// The next event (comments and keep-alives skipped), or None after `wait`.
    pub async fn next(&mut self, wait: Duration) -> Option<Ev> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut ev = Ev { event: "message".into(), id: String::new(), data: Value::Null };
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        ev.event = v.trim().into();
                    } else if let Some(v) = line.strip_prefix("id:") {
                        ev.id = v.trim().into();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                if data.is_empty() {
                    continue;
                }
                ev.data = serde_json::from_str(&data).unwrap_or(Value::String(data));
                return Some(ev);
            }
            let chunk = tokio::time::timeout_at(deadline, self.resp.chunk()).await.ok()?.ok()??;
            self.buf.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// The next `change` event.
    pub async fn change(&mut self, wait: Duration) -> Option<Ev> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let ev = self.next(left).await?;
            if ev.event == "change" {
                return Some(ev);
            }
        }
    }
}

fn client_no_timeout() -> reqwest::Client {
    reqwest::Client::builder().build().unwrap()
}

pub async fn ticket_url(c: &reqwest::Client, s: &Server, doc: &str, tok: &str) -> String {
    let r = c.post(format!("{}events/ticket", s.container(doc))).bearer_auth(tok).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    v["url"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_feed_lists_every_change_after_a_sequence_number_in_order() {
    let s = setup(&[]).await;
    let c = client();
    let t = token("alice", Role::Annotator, &["story-1"]);
    let container = s.container("story-1");
    let mut tags = Vec::new();
    for i in 0..5 {
        let r = c.put(format!("{container}n{i}")).bearer_auth(&t).header("Content-Type", LD).json(&person("Nikiforov", i)).send().await.unwrap();
        tags.push(header(&r, "etag"));
    }
    // Change n1, delete n2: each appears once, at its latest change.
    let r = c.put(format!("{container}n1")).bearer_auth(&t).header("Content-Type", LD).header("If-Match", &tags[1]).json(&person("Nikolai", 1)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(c.delete(format!("{container}n2")).bearer_auth(&t).send().await.unwrap().status(), StatusCode::NO_CONTENT);

    let v: Value = c.get(format!("{container}changes?since=0")).bearer_auth(&t).send().await.unwrap().json().await.unwrap();
    let ch = v["changes"].as_array().unwrap();
    let ids: Vec<&str> = ch.iter().map(|c| c["id"].as_str().unwrap().rsplit('/').next().unwrap()).collect();
    assert_eq!(ids, ["n0", "n3", "n4", "n1", "n2"]);
    let seqs: Vec<i64> = ch.iter().map(|c| c["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    assert_eq!(v["last"], *seqs.last().unwrap());
    assert_eq!(v["more"], false);
    let n2 = &ch[4];
    assert_eq!(n2["deleted"], true);
    assert!(n2["annotation"].is_null());
    assert_eq!(n2["etag"], json!(format!("\"{}\"", n2["seq"])));
    assert_eq!(ch[3]["annotation"]["target"]["selector"][0]["exact"], "Nikolai");
    assert_eq!(ch[3]["annotation"]["creator"]["name"], "Alice");
    assert_eq!(ch[3]["by"], json!({"sub": "alice", "name": "Alice"}));

    // Since a point: only what came after. Paged: `more` and `next`.
    let since = seqs[2];
    let v: Value = c.get(format!("{container}changes?since={since}")).bearer_auth(&t).send().await.unwrap().json().await.unwrap();
    assert_eq!(v["changes"].as_array().unwrap().len(), 2);
    let v: Value = c.get(format!("{container}changes?since=0&limit=2")).bearer_auth(&t).send().await.unwrap().json().await.unwrap();
    assert_eq!(v["more"], true);
    let next = v["next"].as_str().unwrap().to_string();
    assert!(next.ends_with(&format!("since={}", seqs[1])));
    let v: Value = c.get(format!("{next}&limit=2")).bearer_auth(&t).send().await.unwrap().json().await.unwrap();
    assert_eq!(v["changes"][0]["seq"], seqs[2]);
    // The next page in a Link header too (a client asks for it before reading this one).
    let r = c.get(format!("{container}changes?since=0&limit=2")).bearer_auth(&t).send().await.unwrap();
    assert_eq!(header(&r, "link"), format!("<{next}>; rel=\"next\""));

    // The compact form: the same changes, each annotation as the widget stores it, read
    // back by the widget's own reader to what the W3C form reads to.
    let w3c: Value = c.get(format!("{container}changes?since=0")).bearer_auth(&t).send().await.unwrap().json().await.unwrap();
    let r = c.get(format!("{container}changes?since=0&form=compact")).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    assert!(text.len() * 2 < w3c.to_string().len(), "{} bytes against {}", text.len(), w3c.to_string().len());
    let page: article_annotator::core::team::CompactPage = serde_json::from_str(&text).unwrap();
    assert_eq!((page.form.as_deref(), page.last, page.more), (Some("compact"), Some(seqs[4]), false));
    let schema = article_annotator::core::schema::Schema::default();
    for (change, full) in page.changes.into_iter().zip(w3c["changes"].as_array().unwrap()) {
        assert_eq!((change.seq, change.etag.as_str(), change.id.as_str(), change.deleted), (full["seq"].as_i64(), full["etag"].as_str().unwrap(), full["id"].as_str().unwrap(), full["deleted"] == true));
        assert_eq!(change.by.unwrap().name, full["by"]["name"].as_str().unwrap());
        match change.a {
            Some(item) => {
                let read = article_annotator::core::team::from_compact(item, change.creator.as_deref(), &schema).unwrap();
                let want = article_annotator::core::team::from_server(&full["annotation"], &schema, article_annotator::core::model::Timestamp(0)).unwrap();
                assert_eq!(read, want);
                assert_eq!(read.author.unwrap().sub, "alice");
            }
            None => assert!(change.deleted),
        }
    }
    let r = c.get(format!("{container}changes?since=0&limit=2&form=compact")).bearer_auth(&t).send().await.unwrap();
    assert!(header(&r, "link").contains("&form=compact>"), "the next page keeps the form");
    let r = c.get(format!("{container}changes?since=0&form=turtle")).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let v: Value = r.json().await.unwrap();
    assert!(v["message"].as_str().unwrap().starts_with("form: \"turtle\" is not a form of the feed"), "{v}");

    // Nothing new.
    let v: Value = c.get(format!("{container}changes?since={}", seqs[4])).bearer_auth(&t).send().await.unwrap().json().await.unwrap();
    assert_eq!(v["changes"], json!([]));
    assert_eq!(v["latest"], seqs[4]);
    // The feed of a document the token does not cover.
    assert_eq!(c.get(format!("{}changes", s.container("story-2"))).bearer_auth(&t).send().await.unwrap().status(), StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_stream_sends_changes_as_they_commit_and_resumes_from_last_event_id() {
    let s = setup(&[]).await;
    let c = client();
    let alice = token("alice", Role::Annotator, &["story-1"]);
    let bob = token("bob", Role::Viewer, &["story-1"]);
    let container = s.container("story-1");

    // No token, a bearer token in the URL, or another document's ticket: refused.
    assert_eq!(c.get(format!("{container}events")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(c.get(format!("{container}events?ticket={bob}")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let other = ticket_url(&c, &s, "story-1", &token("bob", Role::Viewer, &["*"])).await;
    let wrong_doc = other.replace("/story-1/", "/story-2/");
    assert_eq!(c.get(&wrong_doc).send().await.unwrap().status(), StatusCode::FORBIDDEN);

    let url = ticket_url(&c, &s, "story-1", &bob).await;
    assert!(!url.contains(&bob), "the long-lived token is not in the URL");
    let mut stream = Stream::open(&url, None).await;
    let ready = stream.next(Duration::from_secs(5)).await.expect("ready");
    assert_eq!(ready.event, "ready");

    let r = c.put(format!("{container}s1")).bearer_auth(&alice).header("Content-Type", LD).json(&person("Nikiforov", 0)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let started = std::time::Instant::now();
    let ev = stream.change(Duration::from_secs(5)).await.expect("a change within 5 s");
    assert!(started.elapsed() < Duration::from_secs(1), "arrived in {:?}", started.elapsed());
    assert_eq!(ev.data["annotation"]["creator"]["name"], "Alice");
    assert_eq!(ev.id, ev.data["seq"].to_string());
    let first_id = ev.id.clone();

    // Two more while the stream is closed; resuming from the first sends exactly them.
    drop(stream);
    c.put(format!("{container}s2")).bearer_auth(&alice).header("Content-Type", LD).json(&person("Nikolai", 0)).send().await.unwrap();
    c.delete(format!("{container}s1")).bearer_auth(&alice).send().await.unwrap();
    let url = ticket_url(&c, &s, "story-1", &bob).await;
    let mut stream = Stream::open(&url, Some(&first_id)).await;
    let a = stream.change(Duration::from_secs(5)).await.expect("s2");
    let b = stream.change(Duration::from_secs(5)).await.expect("s1 deleted");
    assert!(a.data["id"].as_str().unwrap().ends_with("/s2"));
    assert!(b.data["id"].as_str().unwrap().ends_with("/s1"));
    assert_eq!(b.data["deleted"], true);
    assert!(stream.change(Duration::from_millis(300)).await.is_none(), "nothing twice");

    // A fetch stream with the header instead of a ticket works too.
    let r = client_no_timeout().get(format!("{container}events?since=0")).bearer_auth(&bob).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_change_through_one_process_arrives_on_anothers_stream() {
    let db = Cluster::shared().new_database().await;
    let one = Server::spawn(&db, &[]).await;
    let two = Server::spawn(&db, &[]).await;
    let c = client();
    let alice = token("alice", Role::Annotator, &["story-1"]);
    let url = ticket_url(&c, &two, "story-1", &alice).await;
    let mut stream = Stream::open(&url, None).await;
    assert_eq!(stream.next(Duration::from_secs(5)).await.unwrap().event, "ready");
    for i in 0..3 {
        let r = c.put(format!("{}p{i}", one.container("story-1"))).bearer_auth(&alice).header("Content-Type", LD).json(&person("Nikiforov", i)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let ev = stream.change(Duration::from_secs(3)).await.expect("the other process's stream hears it");
        assert!(ev.data["id"].as_str().unwrap().ends_with(&format!("/p{i}")));
    }
    // And both serve the same data: a version written through one updates through the other.
    let r = c.get(format!("{}p0", two.container("story-1"))).bearer_auth(&alice).send().await.unwrap();
    let tag = header(&r, "etag");
    let r = c.put(format!("{}p0", two.container("story-1"))).bearer_auth(&alice).header("Content-Type", LD).header("If-Match", &tag).json(&person("Nikolai", 0)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = c.put(format!("{}p0", one.container("story-1"))).bearer_auth(&alice).header("Content-Type", LD).header("If-Match", &tag).json(&person("N", 0)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
}
