//! Receiving media: streamed to a temporary file while hashed and measured (refused as soon
//! as it passes the size limit), then checked by content — ffprobe, not the name — and only
//! then stored. URL uploads go through the same path, from a client that cannot reach
//! private, loopback or link-local addresses unless the operator allows it.

use crate::Engine;
use bytes::Bytes;
use cutroom_api::{ApiError, ErrorCode};
use cutroom_media::Probe;
use cutroom_meta::captions::{self, Captions};
use cutroom_store::{Ingest, IngestError};
use futures_util::{Stream, StreamExt};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// The file types cutroom accepts (subtitles are read for their text, e.g. by metadata).
pub const ACCEPTED: &str = "mp4, mov, avi, webm, mkv, jpg, png, gif, webp, mp3, wav, m4a, aac, srt, vtt";

/// ffprobe format names of the accepted types.
const FORMATS: &[&str] = &[
    "mov",
    "mp4",
    "m4a",
    "avi",
    "matroska",
    "webm",
    "gif",
    "image2",
    "png_pipe",
    "jpeg_pipe",
    "webp_pipe",
    "mp3",
    "wav",
    "aac",
];

/// A received file, checked and ready to store.
pub struct Received {
    pub ingest: Ingest,
    pub name: String,
    pub content: Content,
    pub url: Option<String>,
}

/// What a received file turned out to be.
pub enum Content {
    /// Video, a still or sound, as ffprobe saw it.
    Media(Probe),
    /// A subtitle file, read.
    Captions(Captions),
}

pub(crate) fn unsupported(detail: &str) -> ApiError {
    ApiError::new(ErrorCode::UnsupportedType, format!("unsupported file type ({detail}); accepted: {ACCEPTED}"))
        .with_data(serde_json::json!({ "accepted": ACCEPTED.split(", ").collect::<Vec<_>>() }))
}

pub(crate) fn too_large(limit: u64) -> ApiError {
    ApiError::new(
        ErrorCode::TooLarge,
        format!("file too large: the limit is {} MB; compress or trim it and try again", limit / (1024 * 1024)),
    )
}

/// A name safe to show and store: no folders, no control characters, at most 200 characters.
pub fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let clean = clean.trim().trim_start_matches('.').to_string();
    if clean.is_empty() { "upload".into() } else { clean }
}

impl Engine {
    /// Streams a file in, then checks it.
    pub async fn receive<S, E>(&self, name: &str, mut body: S, url: Option<String>) -> Result<Received, ApiError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let limit = self.config.max_upload_bytes();
        let mut ingest = self.blobs.ingest(limit).map_err(|e| ApiError::internal(format!("storing an upload: {e}")))?;
        // A file small enough to be subtitles is also kept in memory, to be read as such.
        let mut small = Some(Vec::new());
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| ApiError::bad_request(format!("the upload was interrupted: {e}")))?;
            small = small.filter(|s| s.len() + chunk.len() <= captions::MAX_BYTES).map(|mut s| {
                s.extend_from_slice(&chunk);
                s
            });
            ingest.write(&chunk).await.map_err(|e| match e {
                IngestError::TooLarge(_) => too_large(limit),
                IngestError::Io(e) => ApiError::internal(format!("storing an upload: {e}")),
            })?;
        }
        self.metrics.upload_bytes.inc_by(ingest.size());
        ingest.flush().await.map_err(|e| ApiError::internal(format!("storing an upload: {e}")))?;
        let path = ingest.path().to_path_buf();
        if let Some(c) = small.as_deref().and_then(captions::parse) {
            return Ok(Received { ingest, name: clean_name(name), content: Content::Captions(c), url });
        }
        let probe = tokio::task::spawn_blocking(move || cutroom_media::probe(&path))
            .await
            .map_err(|e| ApiError::internal(e.to_string()))?
            .map_err(|e| {
                if e.is_client_error() {
                    unsupported(&e.to_string().replace(&ingest_tmp(&ingest), ""))
                } else {
                    ApiError::internal(e.to_string())
                }
            })?;
        if !probe.format.split(',').any(|f| FORMATS.contains(&f.trim())) {
            return Err(unsupported(&format!("{} content", probe.format)));
        }
        Ok(Received { ingest, name: clean_name(name), content: Content::Media(probe), url })
    }

    /// Fetches a URL upload with the same limits.
    pub async fn fetch(&self, raw: &str) -> Result<Received, ApiError> {
        let url = url::Url::parse(raw.trim()).map_err(|_| ApiError::bad_request(format!("'{raw}' is not a URL")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(ApiError::bad_request("only http and https URLs can be uploaded"));
        }
        let allow = self.config.allow_private_urls;
        check_host(&url, allow)?;
        let client = reqwest::Client::builder()
            .dns_resolver(Arc::new(PublicOnly { allow }))
            .redirect(reqwest::redirect::Policy::custom(move |attempt| {
                if attempt.previous().len() >= 5 {
                    attempt.error("too many redirects")
                } else if let Err(e) = check_host(attempt.url(), allow) {
                    attempt.error(e.message)
                } else {
                    attempt.follow()
                }
            }))
            .timeout(Duration::from_secs(self.config.url_timeout_secs))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| ApiError::internal(e.to_string()))?;
        let response = client
            .get(url.clone())
            .send()
            .await
            .map_err(|e| ApiError::bad_request(format!("could not fetch {url}: {}", error_chain(&e))))?;
        if !response.status().is_success() {
            return Err(ApiError::bad_request(format!("fetching {url} answered {}", response.status())));
        }
        if response.content_length().is_some_and(|n| n > self.config.max_upload_bytes()) {
            return Err(too_large(self.config.max_upload_bytes()));
        }
        let name = url
            .path_segments()
            .and_then(|mut s| s.next_back())
            .filter(|s| !s.is_empty())
            .unwrap_or("download")
            .to_string();
        self.receive(&name, response.bytes_stream().boxed(), Some(url.to_string())).await
    }
}

fn ingest_tmp(i: &Ingest) -> String {
    format!("{}: ", i.path().display())
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(inner) = cur {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        cur = inner.source();
    }
    s
}

/// Whether an address is on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || (o[0] == 198 && (18..20).contains(&o[1]))
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80)
        }
    }
}

/// Refuses URLs whose host is a literal non-public address.
fn check_host(url: &url::Url, allow: bool) -> Result<(), ApiError> {
    let ip = match url.host() {
        Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        Some(url::Host::Domain(d)) if d.eq_ignore_ascii_case("localhost") || d.ends_with(".localhost") => {
            Some(IpAddr::from([127, 0, 0, 1]))
        }
        Some(_) => None,
        None => return Err(ApiError::bad_request(format!("{url} has no host"))),
    };
    match ip {
        Some(ip) if !allow && !is_public(ip) => Err(private(url.host_str().unwrap_or(""))),
        _ => Ok(()),
    }
}

fn private(host: &str) -> ApiError {
    ApiError::bad_request(format!(
        "refusing to fetch from {host}: it is a private, loopback or link-local address (an operator can allow this with allow_private_urls)"
    ))
}

/// DNS that only returns public addresses (so neither a name nor a redirect can lead the
/// server to its own network).
struct PublicOnly {
    allow: bool,
}

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow = self.allow;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = addrs.into_iter().filter(|a| allow || is_public(a.ip())).collect();
            if allowed.is_empty() {
                return Err(
                    Box::new(std::io::Error::other(private(&host).message)) as Box<dyn std::error::Error + Send + Sync>
                );
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_and_private_addresses() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["8.8.8.8", "1.1.1.1", "2606:4700::1111"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn literal_private_hosts_are_refused() {
        for u in ["http://127.0.0.1:9/x.mp4", "http://[::1]/a", "http://localhost/a", "http://169.254.169.254/latest"] {
            assert!(check_host(&url::Url::parse(u).unwrap(), false).is_err(), "{u}");
            assert!(check_host(&url::Url::parse(u).unwrap(), true).is_ok(), "{u} allowed");
        }
        assert!(check_host(&url::Url::parse("https://example.com/a.mp4").unwrap(), false).is_ok());
    }

    #[test]
    fn names_are_cleaned() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\\\videos\\\\clip.mp4"), "clip.mp4");
        assert_eq!(clean_name("a\u{0}b\nc.mp4"), "abc.mp4");
        assert_eq!(clean_name(".."), "upload");
        assert_eq!(clean_name(""), "upload");
        assert_eq!(clean_name(&"x".repeat(500)).len(), 200);
    }
}
