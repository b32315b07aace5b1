//! The harness: a throwaway PostgreSQL cluster (one per test binary, a database per
//! test; a test that stops PostgreSQL gets a cluster of its own), real server processes
//! on free loopback ports, tokens, and an HTTP client.

use article_annotator_server::auth::{now_secs, Claims, Keys, Role};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub const SECRET: &str = "test-secret-0123456789abcdef0123456789";
static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/pg-cluster.sh")
}

pub struct Cluster {
    pub dir: PathBuf,
    pub port: u16,
}

impl Cluster {
    /// A new cluster, stopped and removed by a watchdog when this test process ends.
    pub fn start() -> Cluster {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("aa-pg-test-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let out = Command::new("bash").arg(script()).arg("start").arg(&dir).arg("0").arg(std::process::id().to_string()).output().expect("run pg-cluster.sh");
        assert!(out.status.success(), "pg-cluster.sh start failed: {}", String::from_utf8_lossy(&out.stderr));
        let port = String::from_utf8_lossy(&out.stdout).trim().parse().expect("a port");
        Cluster { dir, port }
    }

    /// The cluster every test of this binary shares (each test makes its own database).
    pub fn shared() -> &'static Cluster {
        static SHARED: OnceLock<Cluster> = OnceLock::new();
        SHARED.get_or_init(Cluster::start)
    }

    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    pub async fn new_database(&self) -> String {
        let name = format!("t{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
        let (client, conn) = tokio_postgres::connect(&self.url("postgres"), tokio_postgres::NoTls).await.expect("connect to the cluster");
        tokio::spawn(conn);
        client.batch_execute(&format!("CREATE DATABASE {name}")).await.expect("create database");
        self.url(&name)
    }

    pub fn stop(&self) {
        let ok = Command::new("bash").arg(script()).arg("stop").arg(&self.dir).arg("fast").status().expect("stop").success();
        assert!(ok);
    }

    pub fn start_again(&self) {
        let out = Command::new("bash").arg(script()).arg("start").arg(&self.dir).arg(self.port.to_string()).output().expect("start");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

pub struct Server {
    child: Child,
    pub base: String,
    pub port: u16,
    db: String,
    env: Vec<(String, String)>,
}

impl Server {
    pub async fn spawn(db: &str, env: &[(&str, &str)]) -> Server {
        Server::spawn_on(db, env, free_port()).await
    }

    pub async fn spawn_on(db: &str, env: &[(&str, &str)], port: u16) -> Server {
        let env: Vec<(String, String)> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let child = launch(db, &env, port);
        let s = Server { child, base: format!("http://127.0.0.1:{port}"), port, db: db.to_string(), env };
        s.wait_ready().await;
        s
    }

    async fn wait_ready(&self) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if let Ok(r) = client().get(format!("{}/health", self.base)).send().await {
                if r.status().is_success() {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server on {} did not become ready", self.base);
    }

    pub fn container(&self, doc: &str) -> String {
        format!("{}/annotations/{doc}/", self.base)
    }

    /// Ends the process at once, as `kill -9` does.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends SIGTERM and waits up to 10 s for the process to end; whether it did, cleanly.
    pub fn terminate(&mut self) -> bool {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// A new process on the same port and database.
    pub async fn restart(&mut self) {
        self.kill9();
        self.child = launch(&self.db, &self.env, self.port);
        self.wait_ready().await;
    }
}

fn launch(db: &str, env: &[(String, String)], port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_article-annotator-server"))
        .arg("serve")
        .env("AA_DATABASE_URL", db)
        .env("AA_JWT_SECRET", SECRET)
        .env("AA_LISTEN", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the server")
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(20)).build().expect("client")
}

pub fn token(sub: &str, role: Role, docs: &[&str]) -> String {
    token_exp(sub, role, docs, now_secs() + 3600)
}

pub fn token_exp(sub: &str, role: Role, docs: &[&str], exp: u64) -> String {
    let name = format!("{}{}", sub[..1].to_uppercase(), &sub[1..]);
    Keys::new(SECRET.as_bytes()).mint(&Claims { sub: sub.into(), name, role, docs: docs.iter().map(|d| d.to_string()).collect(), exp, aud: None })
}

pub const LD: &str = "application/ld+json";

/// An annotation as the widget writes it: a Person tag on `exact`.
pub fn person(exact: &str, start: u64) -> serde_json::Value {
    serde_json::json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "motivation": "tagging",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": "Person"}],
        "target": {"source": "urn:article-annotator:document:story-1", "selector": [
            {"type": "TextQuoteSelector", "exact": exact, "prefix": "", "suffix": ""},
            {"type": "TextPositionSelector", "start": start, "end": start + exact.chars().count() as u64}
        ]}
    })
}

/// A generic W3C annotation, as the protocol's own tests post.
pub fn comment(text: &str) -> serde_json::Value {
    serde_json::json!({"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation", "body": {"type": "TextualBody", "value": text}, "target": "http://www.example.com/index.html"})
}

pub fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers().get_all(name).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(", ")
}

/// One environment: a fresh database and a server on it.
pub async fn setup(env: &[(&str, &str)]) -> Server {
    let db = Cluster::shared().new_database().await;
    Server::spawn(&db, env).await
}
