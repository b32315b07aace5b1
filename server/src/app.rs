//! The shared state every handler gets (`State<Arc<App>>`), and the router: which path
//! and method go to which handler, with CORS and the body limit around them.
//!
//! Invariant: `App` holds nothing a second process or a restart would need (the pool,
//! keys, configuration, the per-process rate limiter and the fan-out of notifications).

use crate::auth::{Keys, RateLimit};
use crate::config::Config;
use crate::{documents, events, protocol};
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::routing::{get, post};
use axum::Router;
use deadpool_postgres::Pool;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use tokio::sync::broadcast;
use tower::ServiceExt;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// What the listener hears: an article's change, or "anything may have been missed"
/// (after the listening connection came back).
#[derive(Clone, Debug)]
pub enum Heard {
    Change { doc: String, seq: i64 },
    Resync,
}

pub struct App {
    pub pool: Pool,
    pub keys: Keys,
    pub cfg: Config,
    pub limit: RateLimit,
    pub heard: broadcast::Sender<Heard>,
    /// Whether this process's listener is connected (for `/health`).
    pub listening: AtomicBool,
    /// Set when the process is shutting down: live streams end, so the graceful shutdown
    /// is not held open by them.
    pub stopping: tokio::sync::watch::Sender<bool>,
}

impl App {
    pub fn new(cfg: Config, pool: Pool) -> Arc<App> {
        let (heard, _) = broadcast::channel(1024);
        Arc::new(App { pool, keys: Keys::new(cfg.jwt_secret.as_bytes()), limit: RateLimit::new(cfg.rate_limit), heard, listening: AtomicBool::new(false), stopping: tokio::sync::watch::channel(false).0, cfg })
    }
}

pub fn router(app: Arc<App>) -> Router {
    let expose = ["allow", "content-location", "etag", "link", "location", "vary", "retry-after", "accept-post"].map(HeaderName::from_static);
    let allow_headers = [header::AUTHORIZATION, header::CONTENT_TYPE, header::IF_MATCH, header::IF_NONE_MATCH, header::ACCEPT, HeaderName::from_static("prefer"), HeaderName::from_static("slug"), HeaderName::from_static("last-event-id")];
    let origins: Vec<HeaderValue> = app.cfg.allowed_origins.iter().filter(|o| !o.is_empty() && *o != "*").filter_map(|o| HeaderValue::from_str(o.trim()).ok()).collect();
    let cors = CorsLayer::new()
        .allow_origin(if app.cfg.allowed_origins.iter().any(|o| o == "*") { AllowOrigin::any() } else { AllowOrigin::list(origins) })
        .allow_methods([Method::GET, Method::HEAD, Method::OPTIONS, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers(allow_headers)
        .expose_headers(expose)
        .max_age(std::time::Duration::from_secs(600));
    let limit = app.cfg.body_limit;
    let routes = Router::new()
        .route("/", get(protocol::root))
        .route("/health", get(protocol::health))
        .route("/annotations/{doc}", get(protocol::to_container))
        .route("/annotations/{doc}/", get(protocol::container_get).post(protocol::create).options(protocol::container_options))
        .route("/annotations/{doc}/changes", get(events::changes))
        .route("/annotations/{doc}/events", get(events::stream))
        .route("/annotations/{doc}/events/ticket", post(events::ticket))
        .route("/annotations/{doc}/{id}", get(protocol::annotation_get).put(protocol::put).delete(protocol::delete).options(protocol::annotation_options))
        .layer(DefaultBodyLimit::max(limit))
        .route("/documents/{doc}/text", get(documents::get_text).put(documents::put_text).layer(DefaultBodyLimit::max(documents::TEXT_LIMIT)))
        .with_state(app);
    // tower-http answers every OPTIONS as a CORS preflight; the protocol's own OPTIONS
    // (no Access-Control-Request-Method) must reach its handler for `Allow`.
    let with_cors = routes.clone().layer(cors);
    Router::new().fallback_service(tower::service_fn(move |req: Request| {
        let plain_options = req.method() == Method::OPTIONS && !req.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
        let target = if plain_options { routes.clone() } else { with_cors.clone() };
        target.oneshot(req)
    }))
}
