//! The endpoints, with the reference service's paths and bodies.

use crate::error::{Failure, ok};
use crate::extract::{BaseUrl, Caller, Json};
use crate::{App, sse};
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use cutroom_api::*;
use futures_util::StreamExt;
use std::collections::HashMap;
use tower::ServiceExt;

type Result<T> = std::result::Result<T, Failure>;

/// Most files in one upload request.
const MAX_FILES: usize = 20;

#[utoipa::path(post, path = "/api/auth/anonymous-token", tag = "auth",
    params(("X-Client-Id" = String, Header, description = "A UUID naming this client")),
    responses((status = 200, description = "A 7-day token with welcome credits", body = TokenData),
              (status = 400, description = "X-Client-Id missing (code 400)"),
              (status = 429, description = "A token was issued to this client id in the last 7 days (code 429)")))]
pub async fn anonymous_token(State(app): State<App>, headers: HeaderMap) -> Result<Response> {
    let client = headers.get("x-client-id").and_then(|v| v.to_str().ok());
    Ok(ok(app.engine.issue_token(client).await?))
}

#[utoipa::path(post, path = "/api/tasks/me/with-session/{app}", tag = "sessions",
    params(("app" = String, Path, description = "nemo_agent")), request_body = NewSession,
    responses((status = 200, body = SessionData), (status = 401, description = "code 1001")))]
pub async fn new_session(
    State(app): State<App>,
    caller: Caller,
    Path(_app): Path<String>,
    Json(body): Json<NewSession>,
) -> Result<Response> {
    app.engine.count_usage(&caller.attribution, "session");
    Ok(ok(app.engine.create_session(&caller.account, body).await?))
}

#[utoipa::path(get, path = "/api/credits/balance/simple", tag = "credits",
    responses((status = 200, body = Balance), (status = 401, description = "code 1001")))]
pub async fn balance(State(app): State<App>, caller: Caller) -> Result<Response> {
    app.engine.count_usage(&caller.attribution, "credits");
    Ok(ok(app.engine.balance(&caller.account).await?))
}

#[utoipa::path(get, path = "/api/state/{app}/{user}/{session}/latest", tag = "sessions",
    params(("app" = String, Path), ("user" = String, Path), ("session" = String, Path)),
    responses((status = 200, body = StateData), (status = 404, description = "code 1002: unknown or someone else's session")))]
pub async fn state(
    State(app): State<App>,
    caller: Caller,
    base: BaseUrl,
    Path((_app, _user, session)): Path<(String, String, String)>,
) -> Result<Response> {
    app.engine.count_usage(&caller.attribution, "state");
    let mut data = app.engine.state(&caller.account, &session).await?;
    app.engine.link_media(&caller.account, &mut data.state.video_infos, &base.0);
    Ok(ok(data))
}

#[utoipa::path(post, path = "/api/upload-video/{app}/{user}/{session}", tag = "media",
    params(("app" = String, Path), ("user" = String, Path), ("session" = String, Path)),
    request_body(content = UrlUpload, description = "multipart/form-data with one or more parts named `files`, or this JSON"),
    responses((status = 200, body = UploadData),
              (status = 415, description = "code 4001: not an accepted type (checked by content)"),
              (status = 413, description = "code 4002: over the size limit")))]
pub async fn upload(
    State(app): State<App>,
    caller: Caller,
    base: BaseUrl,
    Path((_app, _user, session)): Path<(String, String, String)>,
    request: Request,
) -> Result<Response> {
    app.engine.count_usage(&caller.attribution, "upload");
    let session = app.engine.session(&caller.account, &session).await?;
    let limit = app.engine.config.max_upload_bytes();
    let length =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let kind =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let mut received = Vec::new();
    if kind.starts_with("multipart/form-data") {
        // A body larger than all the files it may carry is refused before it is read.
        if length.is_some_and(|n| n > limit.saturating_mul(MAX_FILES as u64) + 1024 * 1024) {
            return Err(cutroom_api::ApiError::new(
                ErrorCode::TooLarge,
                format!("upload too large: at most {} MB a file", limit >> 20),
            )
            .into());
        }
        let mut form = Multipart::from_request(request, &app)
            .await
            .map_err(|e| ApiError::bad_request(format!("unreadable form: {e}")))?;
        while let Some(field) =
            form.next_field().await.map_err(|e| ApiError::bad_request(format!("unreadable form: {e}")))?
        {
            if !matches!(field.name(), Some("files") | Some("file") | Some("files[]")) {
                continue;
            }
            if received.len() == MAX_FILES {
                return Err(ApiError::bad_request(format!("at most {MAX_FILES} files per upload")).into());
            }
            let name = field.file_name().unwrap_or("upload").to_string();
            received.push(app.engine.receive(&name, field.boxed(), None).await?);
        }
    } else {
        let Json(body): Json<UrlUpload> = Json::from_request(request, &app).await?;
        if body.urls.is_empty() || body.urls.len() > MAX_FILES {
            return Err(ApiError::bad_request(format!("urls must list 1–{MAX_FILES} addresses")).into());
        }
        for url in &body.urls {
            received.push(app.engine.fetch(url).await?);
        }
    }
    if received.is_empty() {
        return Err(ApiError::bad_request("no files: send multipart parts named `files`, or {\"urls\": [...]}").into());
    }
    let mut data = app.engine.store_uploads(&caller.account, &session, received).await?;
    app.engine.link_media(&caller.account, &mut data.media, &base.0);
    Ok(ok(data))
}

#[utoipa::path(post, path = "/api/render/proxy/lambda", tag = "render", request_body = RenderRequest,
    responses((status = 200, body = RenderStatus), (status = 402, description = "code 402 (attribution policy) or 2001 (credits)")))]
pub async fn render(State(app): State<App>, caller: Caller, Json(body): Json<RenderRequest>) -> Result<Response> {
    app.engine.count_usage(&caller.attribution, "render");
    Ok(ok(app.engine.submit_render(&caller.account, body, &caller.attribution).await?))
}

#[utoipa::path(get, path = "/api/render/proxy/lambda/{id}", tag = "render", params(("id" = String, Path)),
    responses((status = 200, body = RenderStatus), (status = 404, description = "code 1002")))]
pub async fn render_status(
    State(app): State<App>,
    caller: Caller,
    base: BaseUrl,
    Path(id): Path<String>,
) -> Result<Response> {
    app.engine.count_usage(&caller.attribution, "render_status");
    Ok(ok(app.engine.render_status(&caller.account, &id, &base.0).await?))
}

#[utoipa::path(delete, path = "/api/render/proxy/lambda/{id}", tag = "render", params(("id" = String, Path)),
    responses((status = 200, description = "Cancelled (a queued job fails at once, a running one stops)", body = RenderStatus)))]
pub async fn cancel_render(State(app): State<App>, caller: Caller, Path(id): Path<String>) -> Result<Response> {
    Ok(ok(app.engine.cancel_render(&caller.account, &id).await?))
}

#[utoipa::path(get, path = "/api/render/download/{file}", tag = "render",
    params(("file" = String, Path), ("expires" = i64, Query), ("sig" = String, Query)),
    responses((status = 200, description = "The MP4 (Range requests supported)", content_type = "video/mp4"),
              (status = 206, description = "Part of the MP4"), (status = 401, description = "code 1001: link invalid or expired")))]
pub async fn download(
    State(app): State<App>,
    Path(file): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    request: Request,
) -> Result<Response> {
    let (expires, sig) = signature(&query, "download")?;
    let job = file.strip_suffix(".mp4").unwrap_or(&file);
    let path = app.engine.download(job, expires, sig).await?;
    send_file(path, "video/mp4", request).await
}

/// The `expires` and `sig` of a signed link.
fn signature<'q>(query: &'q HashMap<String, String>, what: &str) -> Result<(i64, &'q str)> {
    match (query.get("expires").and_then(|e| e.parse::<i64>().ok()), query.get("sig")) {
        (Some(expires), Some(sig)) => Ok((expires, sig)),
        _ => Err(ApiError::new(ErrorCode::Unauthorized, format!("this {what} link is missing its signature")).into()),
    }
}

/// A stored file, with Range requests, as `mime`.
async fn send_file(path: std::path::PathBuf, mime: &str, request: Request) -> Result<Response> {
    let mime = mime.parse().map_err(|_| ApiError::internal(format!("not a content type: {mime}")))?;
    let served = tower_http::services::ServeFile::new_with_mime(path, &mime)
        .oneshot(request)
        .await
        .map_err(|e| ApiError::internal(format!("sending the file: {e}")))?;
    Ok(served.into_response())
}

#[utoipa::path(get, path = "/api/media/{account}/{media}", tag = "media",
    params(("account" = String, Path), ("media" = String, Path), ("expires" = i64, Query), ("sig" = String, Query)),
    responses((status = 200, description = "The file, as its content type (Range requests supported); the `url` of a media entry"),
              (status = 206, description = "Part of the file"), (status = 401, description = "code 1001: link invalid or expired"),
              (status = 404, description = "code 1002: no such media")))]
pub async fn media(
    State(app): State<App>,
    Path((account, media)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    request: Request,
) -> Result<Response> {
    let (expires, sig) = signature(&query, "media")?;
    let file = app.engine.media_file(&account, &media, expires, sig).await?;
    let mut served = send_file(file.path, file.mime, request).await?;
    // Uploaded bytes are shown, never run: no sniffing, no scripts, no same-origin access.
    let headers = served.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, header::HeaderValue::from_static("nosniff"));
    headers.insert(header::CONTENT_SECURITY_POLICY, header::HeaderValue::from_static("sandbox; default-src 'none'"));
    headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, max-age=3600"));
    headers.insert(header::CONTENT_DISPOSITION, content_disposition(&file.name));
    Ok(served)
}

/// `inline` with the file's name, ASCII-safe (`filename`) and in full (`filename*`).
fn content_disposition(name: &str) -> header::HeaderValue {
    let ascii: String = name
        .chars()
        .map(|c| if (c.is_ascii_graphic() || c == ' ') && !matches!(c, '"' | '\\' | ';') { c } else { '_' })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    header::HeaderValue::from_str(&format!("inline; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"))
        .unwrap_or_else(|_| header::HeaderValue::from_static("inline"))
}

/// Longest message `/run_sse` accepts.
const MAX_MESSAGE_BYTES: usize = 256 * 1024;

#[utoipa::path(post, path = "/run_sse", tag = "agent", request_body = RunRequest,
    responses((status = 200, description = "text/event-stream of ADK events (`data:` lines), heartbeats as `: ping`", body = Event)))]
pub async fn run_sse(
    State(app): State<App>,
    caller: Caller,
    base: BaseUrl,
    Json(body): Json<RunRequest>,
) -> Result<Response> {
    app.engine.count_usage(&caller.attribution, "run_sse");
    let text = body.new_message.text();
    // Long messages still get a reply from the agent; only absurd ones are refused here.
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(
            ApiError::bad_request("the message is longer than 256 KB; send one or a few requests at a time").into()
        );
    }
    let events = app.engine.start_turn(&caller.account, &body.session_id, text, caller.attribution, base.0).await?;
    Ok(sse::stream(&app, events))
}

pub async fn healthz() -> Response {
    ok(serde_json::json!({ "status": "ok" }))
}

pub async fn metrics(State(app): State<App>) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], app.engine.metrics.encode()).into_response()
}

pub async fn openapi() -> Response {
    use utoipa::OpenApi;
    axum::Json(crate::openapi::Doc::openapi()).into_response()
}

pub async fn not_found(request: Request) -> Response {
    let parts = request.into_parts().0;
    Failure(ApiError::new(ErrorCode::NotFound, format!("no such endpoint: {} {}", parts.method, parts.uri.path())))
        .into_response()
}
