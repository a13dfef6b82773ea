//! The one place API errors become HTTP responses: the envelope, and the status each code
//! travels with.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cutroom_api::{ApiError, Envelope, ErrorCode};

/// The HTTP status of each envelope code (SPEC §2).
pub fn status(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::BadRequest => StatusCode::BAD_REQUEST,
        ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::NoCredits | ErrorCode::ExportBlocked => StatusCode::PAYMENT_REQUIRED,
        ErrorCode::UnsupportedType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorCode::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// An [`ApiError`] on its way out.
pub struct Failure(pub ApiError);

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Failure {
        Failure(e)
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let e = self.0;
        if e.code == ErrorCode::Internal {
            tracing::error!("{}", e.message);
        }
        let mut response = (status(e.code), axum::Json(Envelope::error(&e))).into_response();
        if let Some(v) = e.retry_after_secs.and_then(|s| HeaderValue::from_str(&s.to_string()).ok()) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response.extensions_mut().insert(e.code);
        response
    }
}

/// A successful envelope.
pub fn ok<T: serde::Serialize>(data: T) -> Response {
    axum::Json(Envelope::ok(data)).into_response()
}
