//! cutroom's typed HTTP client: what the reference service's clients do, for the `cutroom`
//! CLI's client commands and an MCP server. A [`Client`] keeps per-server credentials in
//! `client.json` ([`config`]), sends the bearer token and attribution headers with every
//! request, recovers the way the reference prescribes (1001 → new anonymous token, 1002 →
//! new session, 429 → wait and retry once, 400 about `X-Client-Id` → new client id), and
//! offers uploads, agent turns as typed events over SSE ([`sse`]), state, credits, exports
//! with progress and downloads. Pure helpers: keyword routing of chat messages ([`route`]),
//! error sentences ([`describe_error`]), state summaries and changes ([`state`]).
//!
//! The client prints nothing: what it does on its own is reported through
//! [`ClientOptions::on_notice`], and it never shows the token (in errors, `Debug` or logs).

mod client;
pub mod config;
mod error;
pub mod export;
pub mod route;
pub mod sse;
pub mod state;

pub use client::{Client, ClientOptions, MAX_FILES, Notice, NoticeFn, Sleeper, TokenSource, TurnStream, header_value};
pub use config::{ClientFile, ConfigStore, Credentials, Token};
pub use error::{ACCEPTED, ClientError, describe_error};
pub use export::{ExportOptions, ExportProgress, ExportResult, Quality};
pub use route::{ExportHint, Route, Source, path_exists, route};
pub use sse::{TurnEvent, TurnOutcome};
pub use state::{DraftChange, GeneratedItem, describe_change, generated_media, summary_line};

/// This crate's version, sent as `X-Skill-Version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
