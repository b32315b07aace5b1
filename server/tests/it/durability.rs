//! Never losing an acknowledged write: `kill -9` in the middle of a burst, PostgreSQL
//! stopped and started under a running server (503 with Retry-After, then back by
//! itself), and concurrent updates from one ETag (one wins, the others get 412).

use crate::common::*;
use crate::feed::{ticket_url, Stream};
use article_annotator_server::auth::Role;
use reqwest::StatusCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn a_server_killed_mid_burst_loses_no_acknowledged_write() {
    let db = Cluster::shared().new_database().await;
    let mut s = Server::spawn(&db, &[("AA_RATE_LIMIT", "0")]).await;
    let container = s.container("story-1");
    let t = token("alice", Role::Annotator, &["story-1"]);
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut tasks = Vec::new();
    for w in 0..8 {
        let (container, t, acked) = (container.clone(), t.clone(), acked.clone());
        tasks.push(tokio::spawn(async move {
            let c = client();
            for i in 0..400 {
                let id = format!("w{w}-{i}");
                match c.put(format!("{container}{id}")).bearer_auth(&t).header("Content-Type", LD).json(&person("Nikiforov", i)).send().await {
                    Ok(r) if r.status().is_success() => acked.lock().unwrap().push(id),
                    _ => break, // the server is gone
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    s.kill9();
    for t in tasks {
        let _ = t.await;
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() > 20, "only {} writes before the kill", acked.len());
    assert!(acked.len() < 3200, "the burst ended before the kill");
    s.restart().await;
    let c = client();
    let v: serde_json::Value = c.get(format!("{container}changes?since=0")).bearer_auth(&t).send().await.unwrap().json().await.unwrap();
    let have: std::collections::HashSet<String> = v["changes"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().rsplit('/').next().unwrap().to_string()).collect();
    let lost: Vec<&String> = acked.iter().filter(|id| !have.contains(*id)).collect();
    assert!(lost.is_empty(), "{} of {} acknowledged writes lost: {:?}", lost.len(), acked.len(), &lost[..lost.len().min(5)]);
    // And the server carries on.
    let r = c.put(format!("{container}after")).bearer_auth(&t).header("Content-Type", LD).json(&person("Nikiforov", 0)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restarted_database_means_503_then_the_server_carries_on_by_itself() {
    let cluster = Cluster::start();
    let db = cluster.new_database().await;
    let s = Server::spawn(&db, &[]).await;
    let c = client();
    let container = s.container("story-1");
    let t = token("alice", Role::Annotator, &["story-1"]);
    assert_eq!(c.put(format!("{container}before")).bearer_auth(&t).header("Content-Type", LD).json(&person("N", 0)).send().await.unwrap().status(), StatusCode::CREATED);
    let url = ticket_url(&c, &s, "story-1", &t).await;
    let mut stream = Stream::open(&url, None).await;

    cluster.stop();
    for i in 0..3 {
        let r = c.put(format!("{container}during-{i}")).bearer_auth(&t).header("Content-Type", LD).json(&person("N", 0)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE, "write {i} while the database is down");
        assert_eq!(header(&r, "retry-after"), "2");
        let r = c.get(&container).bearer_auth(&t).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    }
    assert_eq!(c.get(format!("{}/health", s.base)).send().await.unwrap().status(), StatusCode::SERVICE_UNAVAILABLE);

    cluster.start_again();
    let start = std::time::Instant::now();
    let mut status = StatusCode::SERVICE_UNAVAILABLE;
    while start.elapsed() < Duration::from_secs(20) {
        status = c.put(format!("{container}after")).bearer_auth(&t).header("Content-Type", LD).json(&person("N", 0)).send().await.unwrap().status();
        if status != StatusCode::SERVICE_UNAVAILABLE {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(status, StatusCode::CREATED, "back without a restart");
    // The stream opened before the outage hears the change made after it.
    let ev = stream.change(Duration::from_secs(15)).await.expect("the stream carries on");
    assert!(ev.data["id"].as_str().unwrap().ends_with("/after"), "{:?}", ev.data["id"]);
    cluster.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn of_concurrent_updates_from_one_etag_one_wins_and_the_rest_get_412() {
    let s = setup(&[("AA_RATE_LIMIT", "0")]).await;
    let container = s.container("story-1");
    let t = token("alice", Role::Annotator, &["story-1"]);
    let c = client();
    let r = c.put(format!("{container}contested")).bearer_auth(&t).header("Content-Type", LD).json(&person("Nikiforov", 0)).send().await.unwrap();
    let tag = header(&r, "etag");
    let mut tasks = Vec::new();
    for i in 0..12u64 {
        let (url, t, tag) = (format!("{container}contested"), t.clone(), tag.clone());
        tasks.push(tokio::spawn(async move {
            let r = client().put(url).bearer_auth(&t).header("Content-Type", LD).header("If-Match", tag).json(&person("Nikolai", i)).send().await.unwrap();
            let st = r.status();
            let body: serde_json::Value = r.json().await.unwrap();
            (st, body, i)
        }));
    }
    let mut wins = Vec::new();
    let mut refused = 0;
    for task in tasks {
        let (st, body, i) = task.await.unwrap();
        match st {
            StatusCode::OK => wins.push(i),
            StatusCode::PRECONDITION_FAILED => {
                refused += 1;
                assert!(body["current"]["target"].is_object(), "412 carries the current version");
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(wins.len(), 1, "exactly one wins: {wins:?}");
    assert_eq!(refused, 11);
    let v: serde_json::Value = c.get(format!("{container}contested")).bearer_auth(&t).send().await.unwrap().json().await.unwrap();
    assert_eq!(v["target"]["selector"][1]["start"], wins[0], "the winner's version is stored");
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_ends_the_process_cleanly_even_with_a_stream_open() {
    let mut s = setup(&[]).await;
    let c = client();
    let t = token("alice", Role::Viewer, &["story-1"]);
    let url = ticket_url(&c, &s, "story-1", &t).await;
    let mut stream = Stream::open(&url, None).await;
    assert_eq!(stream.next(Duration::from_secs(5)).await.unwrap().event, "ready");
    assert!(s.terminate(), "the server exits by itself, with success, after SIGTERM");
    assert!(stream.next(Duration::from_secs(2)).await.is_none(), "the stream has ended");
}
