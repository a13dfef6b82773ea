//! The client's errors, each shown as a sentence a user can act on: [`describe_error`] turns
//! an envelope's code, message and data into that sentence with the handling the reference
//! clients prescribe (bind link for 2001, accepted formats for 4001, …).

use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// The formats the API accepts, used when a 4001 answer does not list them.
pub const ACCEPTED: &[&str] =
    &["mp4", "mov", "avi", "webm", "mkv", "jpg", "png", "gif", "webp", "mp3", "wav", "m4a", "aac"];

/// Everything that can go wrong talking to a cutroom server. `Display` is a sentence for the
/// user; no variant ever holds the token.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server answered with an error envelope.
    #[error("{}", describe_error(*code, message, data.as_ref()))]
    Api { code: i32, message: String, data: Option<Value>, retry_after: Option<Duration> },
    /// Nothing listens at the server's address.
    #[error(
        "cannot reach a cutroom server at {url}: start one with `cutroom serve`, or point the client at a running one with --server <url> or CUTROOM_SERVER"
    )]
    Connect { url: String },
    /// The server took too long.
    #[error("the cutroom server at {url} did not answer in time ({what})")]
    Timeout { url: String, what: String },
    /// The connection failed after it was made (reset, closed mid-answer, …).
    #[error("the connection to the cutroom server at {url} failed: {detail}")]
    Network { url: String, detail: String },
    /// An answer that is not a cutroom envelope (another program on that port, a proxy's
    /// error page, …).
    #[error("the server at {url} answered HTTP {status} without a cutroom answer ({detail}); is it a cutroom server?")]
    Http { url: String, status: u16, detail: String },
    /// A successful answer whose body could not be read.
    #[error("the answer from {url} could not be read ({detail}); is the server the same version as this client?")]
    Protocol { url: String, detail: String },
    /// A local file could not be read or written.
    #[error("could not {action} {}: {source}", path.display())]
    Io {
        action: String,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// `client.json` is unreadable.
    #[error(
        "the client state file {} is unreadable ({detail}); fix or delete it (a new anonymous token is then obtained)",
        path.display()
    )]
    Config { path: PathBuf, detail: String },
    /// The server could not render the export.
    #[error("the export {id} failed on the server: {reason}")]
    RenderFailed { id: String, reason: String },
    /// The caller asked for something impossible (no files, a bad address, …).
    #[error("{0}")]
    InvalidInput(String),
}

impl ClientError {
    /// The envelope code, for API errors.
    pub fn code(&self) -> Option<i32> {
        match self {
            ClientError::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// True when the user's request was at fault (and retrying unchanged will not help).
    pub fn is_client_error(&self) -> bool {
        match self {
            ClientError::Api { code, .. } => matches!(code, 400 | 1001 | 1002 | 2001 | 402 | 4001 | 4002),
            ClientError::InvalidInput(_) | ClientError::Io { .. } => true,
            _ => false,
        }
    }
}

fn str_field<'a>(data: Option<&'a Value>, key: &str) -> Option<&'a str> {
    data.and_then(|d| d.get(key)).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// The server's own message, without a trailing period, or `fallback` when it is empty.
fn detail<'a>(message: &'a str, fallback: &'a str) -> &'a str {
    let m = message.trim().trim_end_matches('.');
    if m.is_empty() { fallback } else { m }
}

/// A sentence for an error envelope, with what to do about it.
///
/// - 400: the request was malformed (a missing `X-Client-Id` is fixed by the client itself);
/// - 1001: token missing, invalid or expired;
/// - 1002: session (or render) not found;
/// - 2001: out of credits — for anonymous accounts with the bind link (`data.bind_url`,
///   `data.bind_path` or `?bind=<data.bind_id>`), else top up;
/// - 402: export blocked by plan or attribution policy, not a credit issue;
/// - 4001: unsupported type, listing `data.accepted` (or the API's list);
/// - 4002: too large: compress or trim;
/// - 429: rate limited: wait and retry;
/// - 500: the server failed.
pub fn describe_error(code: i32, message: &str, data: Option<&Value>) -> String {
    match code {
        0 => "the request succeeded".to_string(),
        400 if message.to_ascii_lowercase().contains("x-client-id") => format!(
            "the server needs a client id (X-Client-Id) to issue a token ({}); the client makes a new one and retries",
            detail(message, "missing")
        ),
        400 => format!("the server refused the request: {}", detail(message, "malformed request")),
        1001 if message.contains("link") => format!(
            "the download link is invalid or expired ({}); ask for the export's status again for a fresh link",
            detail(message, "unauthorized")
        ),
        1001 => format!(
            "the access token is missing, invalid or expired ({}); a new anonymous token is obtained automatically — if you set NEMO_TOKEN, replace or unset it",
            detail(message, "unauthorized")
        ),
        1002 => format!(
            "{}: it may have expired or belong to another token (a missing session is replaced by a new, empty one)",
            detail(message, "session not found")
        ),
        2001 => {
            // The server's message may already carry the bind hint after a ';'.
            let head = detail(message, "not enough credits");
            let head = head.split(';').next().unwrap_or(head).trim();
            let bind = str_field(data, "bind_url")
                .map(str::to_string)
                .or_else(|| str_field(data, "bind_path").map(str::to_string))
                .or_else(|| str_field(data, "bind_id").map(|id| format!("?bind={id}")));
            match (bind, str_field(data, "bind_id")) {
                (Some(link), Some(id)) => format!(
                    "out of credits ({head}): this is an anonymous account — register or bind it with ?bind={id} (open {link}) to get more credits"
                ),
                (Some(link), None) => format!(
                    "out of credits ({head}): this is an anonymous account — register or bind it ({link}) to get more credits"
                ),
                _ => format!(
                    "out of credits ({head}): top up your account, or ask the server's operator to grant credits (`cutroom admin grant`)"
                ),
            }
        }
        402 => format!(
            "export blocked by the server's plan or policy — not a credit issue ({}); a higher plan/tier is needed, or the operator must allow it",
            detail(message, "export blocked")
        ),
        4001 => {
            let accepted: Vec<String> = data
                .and_then(|d| d.get("accepted"))
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                .filter(|a: &Vec<String>| !a.is_empty())
                .unwrap_or_else(|| ACCEPTED.iter().map(|s| s.to_string()).collect());
            let head = detail(message, "unsupported file type");
            let head = head.split("; accepted").next().unwrap_or(head);
            format!("{head}; accepted formats: {}", accepted.join(", "))
        }
        4002 => {
            let head = detail(message, "file too large");
            let head = head.split("; compress").next().unwrap_or(head);
            format!(
                "{head}; compress it (lower resolution or bitrate) or trim it to the part you need, then upload again"
            )
        }
        429 => format!(
            "rate limited by the server ({}); wait a little and try again",
            detail(message, "too many requests")
        ),
        500 => format!(
            "the server failed ({}); try again, and check the server's log if it keeps happening",
            detail(message, "internal error")
        ),
        other => format!("the server answered code {other}: {}", detail(message, "no message")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_code_gets_a_sentence() {
        for code in [0, 400, 1001, 1002, 2001, 402, 4001, 4002, 429, 500, 7777] {
            let s = describe_error(code, "", None);
            assert!(!s.is_empty(), "{code}");
        }
        assert!(describe_error(7777, "odd", None).contains("7777"));
    }

    #[test]
    fn no_credits_names_the_bind_link_for_anonymous_accounts() {
        let data = json!({"bind_id": "acc_1", "bind_path": "/bind?bind=acc_1"});
        let s = describe_error(
            2001,
            "not enough credits: 0 available, 5 needed; register or bind this account with ?bind=acc_1 to get more",
            Some(&data),
        );
        assert!(s.contains("out of credits (not enough credits: 0 available, 5 needed)"), "{s}");
        assert!(s.contains("?bind=acc_1") && s.contains("/bind?bind=acc_1"), "{s}");
        let s = describe_error(2001, "not enough credits: 1 available, 5 needed", None);
        assert!(s.contains("top up"), "{s}");
        let s = describe_error(2001, "", Some(&json!({"bind_id": "b2"})));
        assert!(s.contains("?bind=b2"), "{s}");
    }

    #[test]
    fn unsupported_types_list_the_accepted_formats() {
        let s = describe_error(
            4001,
            "unsupported file type (text); accepted: mp4, mov",
            Some(&json!({"accepted": ["mp4", "mov"]})),
        );
        assert_eq!(s, "unsupported file type (text); accepted formats: mp4, mov");
        let s = describe_error(4001, "", None);
        assert!(s.contains("mp4, mov, avi, webm, mkv, jpg, png, gif, webp, mp3, wav, m4a, aac"), "{s}");
    }

    #[test]
    fn the_rest() {
        assert!(
            describe_error(4002, "file too large: the limit is 500 MB; compress or trim it and try again", None)
                .starts_with("file too large: the limit is 500 MB; compress it")
        );
        let s = describe_error(402, "export blocked: this server requires the X-Skill-Source headers", None);
        assert!(s.contains("not a credit issue") && s.contains("X-Skill-Source"), "{s}");
        assert!(describe_error(429, "too many requests: wait 7 s and try again", None).contains("wait 7 s"));
        assert!(describe_error(1001, "", None).contains("NEMO_TOKEN"));
        assert!(describe_error(1002, "session not found", None).starts_with("session not found: it may have expired"));
        let s = describe_error(
            1001,
            "this download link is invalid or has expired; ask for the render's status again",
            None,
        );
        assert!(s.starts_with("the download link is invalid or expired") && !s.contains("NEMO_TOKEN"), "{s}");
        assert!(describe_error(400, "X-Client-Id header missing", None).contains("client id"));
        assert!(describe_error(400, "draft: the timeline is empty", None).contains("timeline is empty"));
        assert!(describe_error(500, "disk full", None).contains("disk full"));
    }

    #[test]
    fn client_error_sentences() {
        let e = ClientError::Connect { url: "http://127.0.0.1:9".into() };
        assert!(e.to_string().contains("cutroom serve") && e.to_string().contains("CUTROOM_SERVER"));
        let e = ClientError::Api { code: 4001, message: "bad".into(), data: None, retry_after: None };
        assert_eq!(e.code(), Some(4001));
        assert!(e.is_client_error());
        assert!(e.to_string().contains("accepted formats"));
    }
}
