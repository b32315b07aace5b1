//! Who is asking, and what they may do.
//!
//! A request carries `Authorization: Bearer <JWT>` (HS256, signed with `AA_JWT_SECRET` by
//! the CMS's backend) with the claims `sub`, `name`, `role`, `docs` and `exp`. The live
//! stream, which `EventSource` opens without headers, takes a *ticket* instead: a token
//! of the same shape with `aud: "aa-events"`, one document and a 60-second life, minted
//! by `POST /annotations/{doc}/events/ticket` for a bearer of that document. A long-lived
//! token never goes in a URL; a ticket is refused as a bearer token and a bearer token
//! as a ticket.
//!
//! Invariants: only HS256 is accepted (no `alg` confusion); an expired, malformed or
//! wrongly signed token is a 401 naming which; missing rights are a 403 naming the right;
//! a token never reaches a document outside its `docs`.

use crate::error::ApiError;
use axum::http::{header, HeaderMap};
use jsonwebtoken::{errors::ErrorKind, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

pub const TICKET_AUDIENCE: &str = "aa-events";
pub const TICKET_SECONDS: u64 = 60;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Annotator,
    Editor,
    Admin,
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Role, String> {
        match s {
            "viewer" => Ok(Role::Viewer),
            "annotator" => Ok(Role::Annotator),
            "editor" => Ok(Role::Editor),
            "admin" => Ok(Role::Admin),
            _ => Err(format!("unknown role {s:?}: expected viewer, annotator, editor or admin")),
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Claims {
    pub sub: String,
    pub name: String,
    pub role: Role,
    pub docs: Vec<String>,
    pub exp: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
}

impl Claims {
    pub fn covers(&self, doc: &str) -> bool {
        self.docs.iter().any(|d| d == "*" || d == doc)
    }
}

pub fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl Keys {
    pub fn new(secret: &[u8]) -> Keys {
        Keys { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret) }
    }

    pub fn mint(&self, claims: &Claims) -> String {
        // HS256 signing of a serialisable struct cannot fail.
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding).unwrap_or_default()
    }

    /// Checks signature, algorithm and expiry (30 s of leeway for clocks), then the audience:
    /// `None` for a bearer token (which must have none), `Some` for a ticket.
    pub fn verify(&self, token: &str, audience: Option<&str>) -> Result<Claims, ApiError> {
        let mut v = Validation::new(Algorithm::HS256);
        v.leeway = 30;
        v.validate_aud = false;
        v.set_required_spec_claims(&["exp", "sub"]);
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &v)
            .map_err(|e| {
                ApiError::Unauthorized(match e.kind() {
                    ErrorKind::ExpiredSignature => "token expired".to_string(),
                    ErrorKind::InvalidSignature => "token signature does not verify".to_string(),
                    ErrorKind::InvalidAlgorithm => "token algorithm must be HS256".to_string(),
                    ErrorKind::MissingRequiredClaim(c) => format!("token malformed: claim {c:?} missing"),
                    ErrorKind::Json(e) => format!("token malformed: claims: {e}"),
                    _ => format!("token malformed: {e}"),
                })
            })?
            .claims;
        match (audience, claims.aud.as_deref()) {
            (None, None) => Ok(claims),
            (Some(want), Some(got)) if want == got => Ok(claims),
            (None, Some(_)) => Err(ApiError::Unauthorized("a stream ticket is not a bearer token".into())),
            _ => Err(ApiError::Unauthorized("not a stream ticket".into())),
        }
    }

    /// A ticket for one document's live stream, valid for [`TICKET_SECONDS`] (never past
    /// the token's own expiry).
    pub fn ticket(&self, user: &Claims, doc: &str) -> (String, u64) {
        let exp = (now_secs() + TICKET_SECONDS).min(user.exp);
        let t = Claims { docs: vec![doc.to_string()], exp, aud: Some(TICKET_AUDIENCE.into()), ..user.clone() };
        (self.mint(&t), exp)
    }
}

/// The bearer token's claims, `None` when the request has no `Authorization`.
pub fn bearer(headers: &HeaderMap, keys: &Keys) -> Result<Option<Claims>, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Ok(None) };
    let value = value.to_str().map_err(|_| ApiError::Unauthorized("Authorization: not ASCII".into()))?;
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::Unauthorized("Authorization: expected \"Bearer <token>\"".into()));
    }
    keys.verify(token.trim(), None).map(Some)
}

/// What a request may do to one document.
pub enum Access {
    Read,
    Create,
    /// Change or delete an annotation whose author is this `sub`.
    Modify { author: String },
    /// Replace the article's text (editors and admins).
    Manage,
}

/// Checks `access` to `doc`; `public` is whether the document is readable without a token.
pub fn check(user: Option<&Claims>, doc: &str, access: Access, public: bool) -> Result<(), ApiError> {
    let Some(u) = user else {
        return match access {
            Access::Read if public => Ok(()),
            _ => Err(ApiError::Unauthorized("a bearer token is required".into())),
        };
    };
    if !u.covers(doc) {
        return Err(ApiError::Forbidden(format!("the token does not cover document {doc:?}")));
    }
    match access {
        Access::Read => Ok(()),
        Access::Create if u.role >= Role::Annotator => Ok(()),
        Access::Create => Err(ApiError::Forbidden("viewers may read, not write".into())),
        Access::Manage if u.role >= Role::Editor => Ok(()),
        Access::Manage => Err(ApiError::Forbidden("only editors and admins replace an article's text".into())),
        Access::Modify { author } => {
            if u.role >= Role::Editor || (u.role == Role::Annotator && author == u.sub) {
                Ok(())
            } else if u.role == Role::Viewer {
                Err(ApiError::Forbidden("viewers may read, not write".into()))
            } else {
                Err(ApiError::Forbidden("annotators change and delete only their own annotations".into()))
            }
        }
    }
}

/// Requests per second per token, in one process (a token bucket of twice the rate). It
/// guards the process it runs in; with N processes a token gets up to N times the rate.
pub struct RateLimit {
    per_second: u32,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimit {
    pub fn new(per_second: u32) -> RateLimit {
        RateLimit { per_second, buckets: Mutex::new(HashMap::new()) }
    }

    pub fn take(&self, key: &str) -> Result<(), ApiError> {
        if self.per_second == 0 {
            return Ok(());
        }
        let cap = 2.0 * f64::from(self.per_second);
        let now = Instant::now();
        let mut b = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if b.len() > 100_000 {
            b.retain(|_, (_, at)| now.duration_since(*at).as_secs() < 10);
        }
        let (tokens, at) = b.entry(key.to_string()).or_insert((cap, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * f64::from(self.per_second)).min(cap);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(ApiError::TooManyRequests(self.per_second))
        }
    }
}
