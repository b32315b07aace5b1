//! The server's configuration: every setting has an `AA_` environment variable and a
//! command-line flag (clap reads both), checked once at start.
//!
//! Invariant: a server never starts with a JWT secret shorter than 32 bytes, and CORS
//! answers only the origins listed.

use clap::Args;
use std::net::SocketAddr;

#[derive(Args, Debug, Clone)]
pub struct Config {
    /// PostgreSQL to use (`postgres://user@host:port/db`).
    #[arg(long, env = "AA_DATABASE_URL")]
    pub database_url: String,
    /// The HS256 secret tokens are signed with (at least 32 bytes).
    #[arg(long, env = "AA_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: String,
    /// Address to listen on.
    #[arg(long, env = "AA_LISTEN", default_value = "127.0.0.1:8090")]
    pub listen: SocketAddr,
    /// Origins allowed by CORS, comma-separated (`*` for any; none by default).
    #[arg(long, env = "AA_ALLOWED_ORIGINS", default_value = "", value_delimiter = ',')]
    pub allowed_origins: Vec<String>,
    /// Refuse PUT and DELETE without If-Match (428).
    #[arg(long, env = "AA_REQUIRE_IF_MATCH", default_value = "0", value_parser = parse_flag)]
    pub require_if_match: bool,
    /// Documents anyone may read without a token, comma-separated (`*` for every one).
    #[arg(long, env = "AA_PUBLIC_READ", default_value = "", value_delimiter = ',')]
    pub public_read: Vec<String>,
    /// The server's public root URL, used in annotation IRIs (default: from the Host header).
    #[arg(long, env = "AA_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Annotations per container page.
    #[arg(long, env = "AA_PAGE_SIZE", default_value_t = 1000)]
    pub page_size: usize,
    /// Largest request body, in bytes (413 above it).
    #[arg(long, env = "AA_BODY_LIMIT", default_value_t = 256 * 1024)]
    pub body_limit: usize,
    /// Requests a second per token (bursts of twice as many); 0 for no limit.
    #[arg(long, env = "AA_RATE_LIMIT", default_value_t = 200)]
    pub rate_limit: u32,
    /// Database connections this process keeps.
    #[arg(long, env = "AA_POOL_SIZE", default_value_t = 16)]
    pub pool_size: usize,
}

fn parse_flag(s: &str) -> Result<bool, String> {
    match s.trim() {
        "" | "0" | "false" | "no" | "off" => Ok(false),
        "1" | "true" | "yes" | "on" => Ok(true),
        _ => Err(format!("expected 0 or 1, found {s:?}")),
    }
}

impl Config {
    pub fn check(&self) -> Result<(), String> {
        if self.jwt_secret.len() < 32 {
            return Err("AA_JWT_SECRET must be at least 32 bytes".into());
        }
        if self.page_size == 0 || self.page_size > 5000 {
            return Err("AA_PAGE_SIZE must be between 1 and 5000".into());
        }
        if let Some(u) = &self.public_url {
            if !(u.starts_with("http://") || u.starts_with("https://")) || u.ends_with('/') {
                return Err("AA_PUBLIC_URL must be an http(s) URL without a trailing slash".into());
            }
        }
        Ok(())
    }

    pub fn is_public(&self, doc: &str) -> bool {
        self.public_read.iter().any(|d| d == "*" || d == doc)
    }
}
