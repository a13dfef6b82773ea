//! Request extractors that answer in the envelope: JSON bodies (with a size limit), the
//! caller behind a bearer token (rate limited, attribution counted), the request's own
//! base URL.

use crate::App;
use crate::error::Failure;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use cutroom_api::{ApiError, ErrorCode};
use cutroom_engine::Attribution;
use cutroom_store::Account;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Largest JSON body (a draft with thousands of segments fits easily).
pub const MAX_JSON: usize = 16 * 1024 * 1024;

/// A JSON body; malformed or oversized bodies are a 400 in the envelope.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned> FromRequest<App> for Json<T> {
    type Rejection = Failure;

    async fn from_request(req: Request, _: &App) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::to_bytes(req.into_body(), MAX_JSON).await.map_err(|_| {
            ApiError::bad_request(format!("the request body is unreadable or larger than {} MB", MAX_JSON >> 20))
        })?;
        let value =
            serde_json::from_slice(&bytes).map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))?;
        Ok(Json(value))
    }
}

fn header_str<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty())
}

/// The attribution headers of a request.
pub fn attribution(parts: &Parts) -> Attribution {
    let h = |n| header_str(parts, n).map(|s| s.chars().take(64).collect());
    Attribution { source: h("x-skill-source"), version: h("x-skill-version"), platform: h("x-skill-platform") }
}

/// Requests per token per minute, counted in fixed one-minute windows.
#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    /// `Err(seconds to wait)` when the token has used up this minute.
    pub fn check(&self, key: &str, per_minute: u32) -> Result<(), u64> {
        let mut w = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if w.len() > 100_000 {
            w.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(60));
        }
        let entry = w.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= Duration::from_secs(60) {
            *entry = (now, 0);
        }
        entry.1 += 1;
        if entry.1 > per_minute {
            return Err(60u64.saturating_sub(now.duration_since(entry.0).as_secs()).max(1));
        }
        Ok(())
    }
}

/// The authenticated caller.
pub struct Caller {
    pub account: Account,
    pub attribution: Attribution,
}

impl FromRequestParts<App> for Caller {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let auth = header_str(parts, header::AUTHORIZATION.as_str());
        let account = app.engine.authenticate(auth).await?;
        let limit = app.engine.config.rate_limit_per_minute;
        if let Err(wait) = app.limiter.check(&account.id, limit) {
            return Err(ApiError::new(
                ErrorCode::RateLimited,
                format!("too many requests: wait {wait} s and try again"),
            )
            .retry_after(wait)
            .into());
        }
        let attribution = attribution(parts);
        Ok(Caller { account, attribution })
    }
}

/// The address the client used to reach this server (for links it can follow).
pub struct BaseUrl(pub String);

impl FromRequestParts<App> for BaseUrl {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, _: &App) -> Result<Self, Self::Rejection> {
        let host = header_str(parts, header::HOST.as_str()).unwrap_or("127.0.0.1");
        let host: String =
            host.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '[' | ']')).collect();
        let scheme = header_str(parts, "x-forwarded-proto").filter(|p| *p == "https").unwrap_or("http");
        Ok(BaseUrl(format!("{scheme}://{host}")))
    }
}
