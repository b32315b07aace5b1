//! The `article-annotator-server` command: `serve` (the default: migrate, listen, serve),
//! `migrate`, and `token` (mint a development token with the configured secret).

use article_annotator_server::app::{router, App};
use article_annotator_server::auth::{now_secs, Claims, Keys, Role};
use article_annotator_server::config::Config;
use article_annotator_server::{db, events};
use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "article-annotator-server", version, about = "The team annotation server (W3C Web Annotation Protocol on PostgreSQL)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply the migrations, then serve.
    Serve(Config),
    /// Apply the migrations and exit.
    Migrate {
        #[arg(long, env = "AA_DATABASE_URL")]
        database_url: String,
    },
    /// Print a token signed with AA_JWT_SECRET (for development and tests).
    Token {
        #[arg(long, env = "AA_JWT_SECRET", hide_env_values = true)]
        jwt_secret: String,
        #[arg(long)]
        sub: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, default_value = "annotator")]
        role: Role,
        /// Document ids it covers, comma-separated (`*` for all).
        #[arg(long, value_delimiter = ',', default_value = "*")]
        docs: Vec<String>,
        /// Seconds until it expires.
        #[arg(long, default_value_t = 86400)]
        ttl: u64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Token { jwt_secret, sub, name, role, docs, ttl } => {
            if jwt_secret.len() < 32 {
                eprintln!("error: AA_JWT_SECRET must be at least 32 bytes");
                return ExitCode::from(2);
            }
            let claims = Claims { name: name.unwrap_or_else(|| sub.clone()), sub, role, docs, exp: now_secs() + ttl, aud: None };
            println!("{}", Keys::new(jwt_secret.as_bytes()).mint(&claims));
            ExitCode::SUCCESS
        }
        Command::Migrate { database_url } => run(async move {
            let pool = db::pool(&database_url, 1)?;
            let applied = db::migrate(&pool).await.map_err(|e| e.to_string())?;
            println!("migrations applied: {applied:?}");
            Ok(())
        }),
        Command::Serve(cfg) => run(serve(cfg)),
    }
}

fn run(f: impl std::future::Future<Output = Result<(), String>>) -> ExitCode {
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into())).with_target(false).init();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(f) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(cfg: Config) -> Result<(), String> {
    cfg.check()?;
    let pool = db::pool(&cfg.database_url, cfg.pool_size)?;
    // Wait for the database at start (it may be starting too), then migrate.
    let mut tries = 0;
    loop {
        match db::migrate(&pool).await {
            Ok(v) => {
                if !v.is_empty() {
                    tracing::info!("applied migrations {v:?}");
                }
                break;
            }
            Err(e) if tries < 30 => {
                tries += 1;
                tracing::warn!("database not ready ({e}); retrying");
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            }
            Err(e) => return Err(format!("database: {e}")),
        }
    }
    let listener = tokio::net::TcpListener::bind(cfg.listen).await.map_err(|e| format!("listen on {}: {e}", cfg.listen))?;
    let url = cfg.database_url.clone();
    let app = App::new(cfg, pool);
    tokio::spawn(events::listen(app.clone(), url));
    tracing::info!("serving on http://{}", listener.local_addr().map_err(|e| e.to_string())?);
    let stopping = app.stopping.clone();
    axum::serve(listener, router(app))
        .with_graceful_shutdown(async move {
            signal().await;
            tracing::info!("shutting down: finishing the requests under way");
            let _ = stopping.send(true);
        })
        .await
        .map_err(|e| e.to_string())
}

/// Ctrl-C or SIGTERM (what a service manager or a container runtime sends).
async fn signal() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(t) => t,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
