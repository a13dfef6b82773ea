//! Metadata for a video: title options, a description with chapters, tags and hashtags
//! for a platform (YouTube, TikTok, Instagram Reels, Bilibili), in English or Chinese,
//! generated from the draft, its analyses and the user's hint, and checked against the
//! platform's limits.

pub mod captions;
pub mod generate;
pub mod llm;
pub mod validate;

pub use generate::{Input, generate};
pub use validate::{Problem, repair, validate};

use serde::{Deserialize, Serialize};

/// Where the video is going.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    #[default]
    YouTube,
    TikTok,
    Instagram,
    Bilibili,
}

impl Platform {
    /// `youtube`, `tiktok`, `instagram` (or `reels`), `bilibili` (or `b站`).
    pub fn parse(s: &str) -> Option<Platform> {
        Some(match s.trim().to_lowercase().as_str() {
            "youtube" | "yt" | "shorts" | "youtube shorts" => Platform::YouTube,
            "tiktok" | "douyin" | "抖音" => Platform::TikTok,
            "instagram" | "ig" | "reels" | "instagram reels" => Platform::Instagram,
            "bilibili" | "b站" | "哔哩哔哩" => Platform::Bilibili,
            _ => return None,
        })
    }
}

/// The language of the text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Zh,
}

/// A chapter: where it starts and what it is called.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chapter {
    pub start_ms: u64,
    pub title: String,
}

/// Everything generated for one platform.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    pub platform: Platform,
    pub lang: Lang,
    /// At least three distinct options, best first.
    pub titles: Vec<String>,
    /// Its first line works as a preview; chapters are listed in it when there are any.
    pub description: String,
    pub chapters: Vec<Chapter>,
    /// Without `#`.
    pub tags: Vec<String>,
    /// With `#`.
    pub hashtags: Vec<String>,
}
