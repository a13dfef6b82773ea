//! Server-sent events for agent turns: each event a `data:` line of JSON, a `: ping`
//! comment while work runs, at most 15 minutes, and an end when the server shuts down. The
//! turn itself runs elsewhere, so a client that goes away does not cancel it.

use crate::App;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use std::time::Duration;
use tokio::sync::mpsc;

/// The longest a stream stays open.
const CAP: Duration = Duration::from_secs(15 * 60);

pub fn stream(app: &App, events: mpsc::Receiver<cutroom_api::Event>) -> Response {
    let open = app.engine.metrics.stream_opened();
    let mut stop = app.stopping.clone();
    let stopped = async move {
        let _ = stop.wait_for(|s| *s).await;
    };
    let items = tokio_stream::wrappers::ReceiverStream::new(events)
        .map(move |e| {
            let _keep = &open;
            Ok::<_, std::convert::Infallible>(SseEvent::default().data(serde_json::to_string(&e).unwrap_or_default()))
        })
        .take_until(tokio::time::sleep(CAP))
        .take_until(Box::pin(stopped));
    let every = Duration::from_secs(app.engine.config.heartbeat_secs.max(1));
    Sse::new(items).keep_alive(KeepAlive::new().interval(every).text("ping")).into_response()
}
