//! The web studio's static files (`web/`, embedded in the binary): the page at `/` and its
//! scripts and styles under `/web/`. The page uses only the public API, like every client.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "web/"]
struct Assets;

/// One embedded file with its type; revalidated on every load (the files change with the
/// binary, and their ETag is their hash).
fn file(path: &str, if_none_match: Option<&HeaderValue>) -> Response {
    let Some(f) = Assets::get(path) else {
        return (StatusCode::NOT_FOUND, "no such file").into_response();
    };
    let etag =
        format!("\"{}\"", f.metadata.sha256_hash().iter().take(12).map(|b| format!("{b:02x}")).collect::<String>());
    if if_none_match.and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let mime = f.metadata.mimetype().to_string();
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::ETAG, etag),
            (header::CACHE_CONTROL, "no-cache".to_string()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            // Scripts and styles only from here; pictures and video also from local blobs
            // (thumbnails), the media and download links, which may name another host.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; img-src 'self' blob: data: https: http:; media-src 'self' blob: https: http:; \
                 connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
                    .to_string(),
            ),
        ],
        f.data,
    )
        .into_response()
}

/// `GET /`: the studio.
pub async fn index(headers: axum::http::HeaderMap) -> Response {
    file("index.html", headers.get(header::IF_NONE_MATCH))
}

/// `GET /web/{*path}`: its scripts, styles and icons.
pub async fn asset(Path(path): Path<String>, headers: axum::http::HeaderMap) -> Response {
    file(&path, headers.get(header::IF_NONE_MATCH))
}
