//! The wire types of cutroom's HTTP API, as the reference service's clients expect them:
//! the `{code, message, data}` envelope, the error codes, request and response bodies and
//! the agent's event shape. Serde only: no HTTP here (statuses live in the server).

mod codes;
mod dto;
mod events;

pub use codes::{ApiError, ErrorCode};
pub use dto::*;
pub use events::*;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Every JSON response: `{"code": 0, "message": "ok", "data": {...}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Envelope<T> {
    pub code: i32,
    pub message: String,
    pub data: Option<T>,
}

impl<T> Envelope<T> {
    pub fn ok(data: T) -> Envelope<T> {
        Envelope { code: 0, message: "ok".into(), data: Some(data) }
    }
}

impl Envelope<serde_json::Value> {
    pub fn error(e: &ApiError) -> Envelope<serde_json::Value> {
        Envelope { code: e.code.code(), message: e.message.clone(), data: e.data.clone() }
    }
}
