//! The reference service's error codes, and the error every layer returns to the server.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Error codes of the envelope. The HTTP status for each is decided in the server only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ErrorCode {
    /// 400: missing `X-Client-Id`, or a malformed request.
    BadRequest,
    /// 1001: token missing, invalid or expired.
    Unauthorized,
    /// 1002: session (or session-scoped resource) not found, or not the caller's.
    NotFound,
    /// 2001: not enough credits.
    NoCredits,
    /// 402: export blocked by plan or attribution policy.
    ExportBlocked,
    /// 4001: unsupported file type.
    UnsupportedType,
    /// 4002: file too large.
    TooLarge,
    /// 429: rate limited.
    RateLimited,
    /// 500: the server failed.
    Internal,
}

impl ErrorCode {
    /// The number in the envelope.
    pub fn code(self) -> i32 {
        match self {
            ErrorCode::BadRequest => 400,
            ErrorCode::Unauthorized => 1001,
            ErrorCode::NotFound => 1002,
            ErrorCode::NoCredits => 2001,
            ErrorCode::ExportBlocked => 402,
            ErrorCode::UnsupportedType => 4001,
            ErrorCode::TooLarge => 4002,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
        }
    }

    pub fn from_code(code: i32) -> Option<ErrorCode> {
        [
            ErrorCode::BadRequest,
            ErrorCode::Unauthorized,
            ErrorCode::NotFound,
            ErrorCode::NoCredits,
            ErrorCode::ExportBlocked,
            ErrorCode::UnsupportedType,
            ErrorCode::TooLarge,
            ErrorCode::RateLimited,
            ErrorCode::Internal,
        ]
        .into_iter()
        .find(|c| c.code() == code)
    }
}

/// An error as the API reports it: a code, a human sentence, optional data
/// (the bind link for 2001, the accepted types for 4001), and when to retry (429).
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub data: Option<serde_json::Value>,
    pub retry_after_secs: Option<u64>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError { code, message: message.into(), data: None, retry_after_secs: None }
    }

    pub fn with_data(mut self, data: serde_json::Value) -> ApiError {
        self.data = Some(data);
        self
    }

    pub fn retry_after(mut self, secs: u64) -> ApiError {
        self.retry_after_secs = Some(secs);
        self
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::BadRequest, message)
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(
            ErrorCode::Unauthorized,
            "token missing, invalid or expired: get a new one from /api/auth/anonymous-token",
        )
    }

    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(ErrorCode::NotFound, format!("{what} not found"))
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::Internal, message)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code.code())
    }
}

impl std::error::Error for ApiError {}
