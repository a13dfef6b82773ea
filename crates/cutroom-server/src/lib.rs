//! cutroom's HTTP API: the reference service's endpoints and envelope on axum, agent
//! events over SSE, signed downloads with Range, `/healthz`, Prometheus `/metrics`,
//! `/openapi.json`, request logs and metrics, graceful shutdown. HTTP statuses are decided
//! in `error.rs` only.

mod error;
mod extract;
mod openapi;
mod routes;
mod sse;
mod web;

pub use error::status;
pub use openapi::Doc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use cutroom_engine::{Engine, RouteLabels, RouteOnly};
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// Shared by every handler.
#[derive(Clone)]
pub struct App {
    pub engine: Arc<Engine>,
    limiter: Arc<extract::RateLimiter>,
    /// Flips to true when the server is shutting down (open streams end).
    stopping: watch::Receiver<bool>,
}

/// The routes.
pub fn router(app: App) -> Router {
    Router::new()
        .route("/api/auth/anonymous-token", post(routes::anonymous_token))
        .route("/api/tasks/me/with-session/{app}", post(routes::new_session))
        .route("/run_sse", post(routes::run_sse))
        .route(
            "/api/upload-video/{app}/{user}/{session}",
            // Uploads are streamed and limited per file by the engine.
            post(routes::upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/api/credits/balance/simple", get(routes::balance))
        .route("/api/state/{app}/{user}/{session}/latest", get(routes::state))
        .route("/api/render/proxy/lambda", post(routes::render))
        .route("/api/render/proxy/lambda/{id}", get(routes::render_status).delete(routes::cancel_render))
        .route("/api/render/download/{file}", get(routes::download))
        .route("/api/media/{account}/{media}", get(routes::media))
        .route("/", get(web::index))
        .route("/web/{*path}", get(web::asset))
        .route("/healthz", get(routes::healthz))
        .route("/metrics", get(routes::metrics))
        .route("/openapi.json", get(routes::openapi))
        .fallback(routes::not_found)
        .layer(middleware::from_fn_with_state(app.clone(), observe))
        .with_state(app)
}

/// Logs each request and records it in the metrics.
async fn observe(State(app): State<App>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route =
        request.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let method = request.method().clone();
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let code = response.extensions().get::<cutroom_api::ErrorCode>().map_or(0, |c| c.code());
    let m = &app.engine.metrics;
    m.requests.get_or_create(&RouteLabels { route: route.clone(), code: code.to_string() }).inc();
    m.latency.get_or_create(&RouteOnly { route: route.clone() }).observe(elapsed.as_secs_f64());
    tracing::info!(target: "cutroom::http", %method, route, status = response.status().as_u16(), code, ms = elapsed.as_secs_f64() * 1000.0, "request");
    response
}

/// Serves on `listener` until `shutdown` resolves, then stops the engine's workers
/// (letting running renders finish for the grace period, requeueing the rest).
pub async fn serve(
    listener: TcpListener,
    engine: Arc<Engine>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_tx, stopping) = watch::channel(false);
    let app = App { engine: engine.clone(), limiter: Arc::default(), stopping };
    engine.start();
    let signal = async move {
        shutdown.await;
        tracing::info!("shutting down");
        let _ = stop_tx.send(true);
    };
    // Small writes (SSE events, JSON answers) go out at once: with Nagle's algorithm on, an
    // event written right after the headers waits for the client's delayed ACK (~40 ms).
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("TCP_NODELAY: {e}");
        }
    });
    let result = axum::serve(listener, router(app)).with_graceful_shutdown(signal).await;
    engine.shutdown().await;
    result
}
