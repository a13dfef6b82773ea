//! The agent's events on `/run_sse`, shaped like Google ADK's `Event`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One event of an agent turn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub id: String,
    pub invocation_id: String,
    pub author: String,
    /// Seconds since the epoch.
    pub timestamp: f64,
    #[serde(default)]
    pub partial: bool,
    #[serde(default)]
    pub turn_complete: bool,
    pub content: Content,
}

/// What an event says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Content {
    pub role: String,
    pub parts: Vec<Part>,
}

/// One part: text, a tool call, or a tool's answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Part {
    Text {
        text: String,
    },
    Call {
        #[serde(rename = "functionCall")]
        function_call: FunctionCall,
    },
    Response {
        #[serde(rename = "functionResponse")]
        function_response: FunctionResponse,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FunctionCall {
    pub id: String,
    pub name: String,
    pub args: serde_json::Value,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FunctionResponse {
    pub id: String,
    pub name: String,
    pub response: serde_json::Value,
}

impl Part {
    pub fn text(&self) -> Option<&str> {
        match self {
            Part::Text { text } => Some(text),
            _ => None,
        }
    }
}
