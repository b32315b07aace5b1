//! The team server's load benchmark (not a test; loopback only, bounded in count and
//! time): `scripts/bench-server.sh` builds the server with `--profile server` and runs
//! this. It starts a throwaway PostgreSQL cluster and one server process, then
//!
//! 1. `--writers` clients (default 50), each on an article of its own, write for
//!    `--seconds` (default 10, and at most `--max-writes` each): a create at a new id,
//!    then an update of it with `If-Match`, and again; it reports acknowledged writes a
//!    second and their latency (p50, p99, max);
//! 2. fills one article with `--container` annotations (default 10,000) and reads the
//!    whole container (the first page embedded, then `next` to the end) and the whole
//!    change feed, 5 times each, alone and with 4 readers at once.
//!
//! Everything is measured from the client's side, on the same 2 cores as the server and
//! PostgreSQL.

use article_annotator_server::auth::{now_secs, Claims, Keys, Role};
use serde_json::{json, Value};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SECRET: &str = "bench-secret-0123456789abcdef0123456789";

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn token(sub: &str) -> String {
    Keys::new(SECRET.as_bytes()).mint(&Claims { sub: sub.into(), name: sub.into(), role: Role::Editor, docs: vec!["*".into()], exp: now_secs() + 3600, aud: None })
}

fn annotation(i: u64) -> Value {
    json!({
        "@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation", "motivation": "tagging",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": "Person"}],
        "target": {"source": "urn:article-annotator:document:bench", "selector": [
            {"type": "TextQuoteSelector", "exact": "Nikolai Nikiforov", "prefix": "said the minister ", "suffix": " on Monday, adding that"},
            {"type": "TextPositionSelector", "start": i * 20, "end": i * 20 + 17}]}
    })
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let writers = arg("--writers", 50);
    let seconds = arg("--seconds", 10);
    let max_writes = arg("--max-writes", 5000);
    let container_size = arg("--container", 10_000);
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let server_bin = std::env::var("AA_SERVER_BIN").unwrap_or_else(|_| root.join("target/server/article-annotator-server").display().to_string());

    // PostgreSQL and the server.
    let dir = std::env::temp_dir().join(format!("aa-pg-bench-{}", std::process::id()));
    let out = Command::new("bash").arg(root.join("scripts/pg-cluster.sh")).arg("start").arg(&dir).arg("0").arg(std::process::id().to_string()).output().expect("pg-cluster.sh");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pg_port: u16 = String::from_utf8_lossy(&out.stdout).trim().parse().expect("port");
    let (client, conn) = tokio_postgres::connect(&format!("postgres://postgres@127.0.0.1:{pg_port}/postgres"), tokio_postgres::NoTls).await.expect("connect");
    tokio::spawn(conn);
    client.batch_execute("CREATE DATABASE bench").await.expect("create database");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = Command::new(&server_bin)
        .arg("serve")
        .env("AA_DATABASE_URL", format!("postgres://postgres@127.0.0.1:{pg_port}/bench"))
        .env("AA_JWT_SECRET", SECRET)
        .env("AA_LISTEN", format!("127.0.0.1:{port}"))
        .env("AA_RATE_LIMIT", "0")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start the server (scripts/bench-server.sh builds it)");
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder().pool_max_idle_per_host(256).build().unwrap();
    for _ in 0..300 {
        if http.get(format!("{base}/health")).send().await.is_ok_and(|r| r.status().is_success()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // 1. Writers.
    let latencies = Arc::new(Mutex::new(Vec::<f64>::new()));
    let errors = Arc::new(Mutex::new(0u64));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..writers {
        let (http, base, latencies, errors) = (http.clone(), base.clone(), latencies.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let t = token(&format!("writer{w}"));
            let mut mine = Vec::new();
            let mut tag = String::new();
            for i in 0..max_writes {
                if Instant::now() >= deadline {
                    break;
                }
                let url = format!("{base}/annotations/bench-{w}/a{}", i / 2);
                let mut req = http.put(&url).bearer_auth(&t).header("Content-Type", "application/ld+json");
                if i % 2 == 1 {
                    req = req.header("If-Match", &tag);
                }
                let t0 = Instant::now();
                match req.json(&annotation(i)).send().await {
                    Ok(r) if r.status().is_success() => {
                        tag = r.headers().get("etag").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                        let _ = r.bytes().await;
                        mine.push(t0.elapsed().as_secs_f64() * 1000.0);
                    }
                    _ => *errors.lock().unwrap() += 1,
                }
            }
            latencies.lock().unwrap().extend(mine);
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut lat = latencies.lock().unwrap().clone();
    lat.sort_by(f64::total_cmp);
    let acked = lat.len();
    println!("| {writers} writers, {seconds} s | {acked} acknowledged writes | {:.0} writes/s | p50 {:.1} ms | p99 {:.1} ms | max {:.1} ms | {} errors |", acked as f64 / elapsed, pct(&lat, 0.5), pct(&lat, 0.99), pct(&lat, 1.0), errors.lock().unwrap());

    // 2. A container of `container_size` annotations, filled through the server.
    let fill = Instant::now();
    let per = container_size.div_ceil(50);
    let mut tasks = Vec::new();
    for w in 0..50 {
        let (http, base) = (http.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            let t = token(&format!("filler{w}"));
            for i in 0..per {
                let n = w * per + i;
                if n >= container_size {
                    break;
                }
                let r = http.put(format!("{base}/annotations/bench-big/b{n}")).bearer_auth(&t).header("Content-Type", "application/ld+json").json(&annotation(n)).send().await;
                assert!(r.is_ok_and(|r| r.status().is_success()));
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    println!("filled {container_size} annotations in {:.1} s", fill.elapsed().as_secs_f64());

    let t = token("reader");
    let read_container = |http: reqwest::Client, base: String, t: String| async move {
        let t0 = Instant::now();
        let c: Value = http.get(format!("{base}/annotations/bench-big/")).bearer_auth(&t).send().await.unwrap().json().await.unwrap();
        let mut n = c["first"]["items"].as_array().map_or(0, Vec::len);
        let mut next = c["first"]["next"].as_str().map(str::to_string);
        while let Some(url) = next {
            let p: Value = http.get(&url).bearer_auth(&t).send().await.unwrap().json().await.unwrap();
            n += p["items"].as_array().map_or(0, Vec::len);
            next = p["next"].as_str().map(str::to_string);
        }
        (t0.elapsed().as_secs_f64() * 1000.0, n)
    };
    let read_feed = |http: reqwest::Client, base: String, t: String| async move {
        let t0 = Instant::now();
        let mut since = 0;
        let mut n = 0;
        loop {
            let p: Value = http.get(format!("{base}/annotations/bench-big/changes?since={since}")).bearer_auth(&t).send().await.unwrap().json().await.unwrap();
            n += p["changes"].as_array().map_or(0, Vec::len);
            since = p["last"].as_i64().unwrap_or(since);
            if p["more"] != json!(true) {
                break;
            }
        }
        (t0.elapsed().as_secs_f64() * 1000.0, n)
    };
    for (what, concurrent) in [("alone", 1), ("4 readers at once", 4)] {
        let mut container_ms = Vec::new();
        let mut feed_ms = Vec::new();
        for _ in 0..5 {
            let mut tasks = Vec::new();
            for _ in 0..concurrent {
                tasks.push(tokio::spawn(read_container(http.clone(), base.clone(), t.clone())));
            }
            for task in tasks {
                let (ms, n) = task.await.unwrap();
                assert_eq!(n as u64, container_size);
                container_ms.push(ms);
            }
            let mut tasks = Vec::new();
            for _ in 0..concurrent {
                tasks.push(tokio::spawn(read_feed(http.clone(), base.clone(), t.clone())));
            }
            for task in tasks {
                let (ms, n) = task.await.unwrap();
                assert_eq!(n as u64, container_size);
                feed_ms.push(ms);
            }
        }
        container_ms.sort_by(f64::total_cmp);
        feed_ms.sort_by(f64::total_cmp);
        println!(
            "| read {container_size} ({what}) | container: median {:.0} ms ({:.0}-{:.0}) | change feed: median {:.0} ms ({:.0}-{:.0}) |",
            pct(&container_ms, 0.5),
            container_ms[0],
            container_ms[container_ms.len() - 1],
            pct(&feed_ms, 0.5),
            feed_ms[0],
            feed_ms[feed_ms.len() - 1]
        );
    }
    let _ = server.kill();
    let _ = server.wait();
    let _ = Command::new("bash").arg(root.join("scripts/pg-cluster.sh")).arg("stop").arg(&dir).arg("immediate").status();
    let _ = std::fs::remove_dir_all(&dir);
}
