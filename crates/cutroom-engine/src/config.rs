//! Configuration: `cutroom.toml` (every key optional, defaults below), then environment
//! variables, which win. `docs/cutroom.toml` lists every key with its variable and default.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Prices of generation work in credits. Export (render) is free by default.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Prices {
    pub render: i64,
    pub agent_turn: i64,
    pub promo: i64,
    pub text_to_video: i64,
    pub music: i64,
    pub metadata: i64,
}

impl Default for Prices {
    fn default() -> Self {
        Prices { render: 0, agent_turn: 0, promo: 10, text_to_video: 10, music: 5, metadata: 2 }
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Credits {
    /// When off, nothing costs credits.
    pub enabled: bool,
    /// Credits a new anonymous account starts with.
    pub welcome: i64,
    pub prices: Prices,
}

impl Default for Credits {
    fn default() -> Self {
        Credits { enabled: true, welcome: 100, prices: Prices::default() }
    }
}

/// Which planner turns messages into edits.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct PlannerConfig {
    /// `builtin` (default, no model) or `llm` (an OpenAI-compatible chat-completions
    /// endpoint; the built-in planner takes over whenever it fails).
    pub kind: String,
    /// Base URL of the endpoint, e.g. `http://127.0.0.1:8081/v1` (llama.cpp server),
    /// `http://127.0.0.1:11434/v1` (Ollama).
    pub llm_url: String,
    /// Model name sent with each request.
    pub llm_model: String,
    /// Bearer key, if the endpoint needs one.
    pub llm_api_key: Option<String>,
    /// Longest wait for the model, seconds.
    pub llm_timeout_secs: u64,
}

impl Default for PlannerConfig {
    fn default() -> Self {
        PlannerConfig {
            kind: "builtin".into(),
            llm_url: "http://127.0.0.1:8081/v1".into(),
            llm_model: "local".into(),
            llm_api_key: None,
            llm_timeout_secs: 20,
        }
    }
}

/// Everything an operator can set.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub bind: String,
    /// Where the database, media and renders live.
    pub data_dir: PathBuf,
    /// The address clients reach this server at, for download links (default: the
    /// request's Host).
    pub public_url: Option<String>,
    /// Largest upload, in megabytes.
    pub max_upload_mb: u64,
    /// Let URL uploads reach private, loopback and link-local addresses.
    pub allow_private_urls: bool,
    /// How long a URL upload may take, seconds.
    pub url_timeout_secs: u64,
    /// Render jobs run at once.
    pub workers: usize,
    /// Analyses run at once.
    pub analysis_workers: usize,
    pub credits: Credits,
    /// Refuse exports (402) that lack the X-Skill-Source/Version/Platform headers.
    pub require_attribution: bool,
    /// How long a token lives, days; also how often a client id may get a new one.
    pub token_days: i64,
    /// Requests per minute per token before 429.
    pub rate_limit_per_minute: u32,
    /// How long a download link works, seconds.
    pub download_ttl_secs: i64,
    /// Longest agent turn, seconds.
    pub turn_timeout_secs: u64,
    /// Seconds between SSE heartbeats.
    pub heartbeat_secs: u64,
    /// Seconds a shutdown waits for running renders before requeueing them.
    pub shutdown_grace_secs: u64,
    /// `text` or `json` logs.
    pub log_format: String,
    /// Generator jobs (music, …) run at once.
    pub generator_workers: usize,
    /// The General MIDI SoundFont music is played with (default: the one the set-up
    /// script installs, /usr/share/sounds/sf2/FluidR3_GM.sf2).
    pub soundfont: Option<PathBuf>,
    pub planner: PlannerConfig,
    pub video_model: VideoModelConfig,
}

/// Which video model text-to-video uses.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct VideoModelConfig {
    /// An operator's model server (POST JSON request, MP4 answer); empty: the built-in
    /// procedural generator.
    pub url: String,
    /// Longest wait for one clip, seconds.
    pub timeout_secs: u64,
    /// Pixels on the short side of generated clips (1080: 1920x1080, 1080x1920, …).
    pub short_side: u32,
}

impl Default for VideoModelConfig {
    fn default() -> Self {
        VideoModelConfig { url: String::new(), timeout_secs: 1800, short_side: 1080 }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            public_url: None,
            max_upload_mb: 500,
            allow_private_urls: false,
            url_timeout_secs: 120,
            workers: 1,
            analysis_workers: 1,
            credits: Credits::default(),
            require_attribution: false,
            token_days: 7,
            rate_limit_per_minute: 1200,
            download_ttl_secs: 24 * 3600,
            turn_timeout_secs: 15 * 60,
            heartbeat_secs: 10,
            shutdown_grace_secs: 20,
            log_format: "text".into(),
            generator_workers: 1,
            soundfont: None,
            planner: PlannerConfig::default(),
            video_model: VideoModelConfig::default(),
        }
    }
}

/// A configuration problem.
#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(pub String);

/// The environment variables, with the key each sets.
pub const ENV: &[(&str, &str)] = &[
    ("CUTROOM_BIND", "bind"),
    ("CUTROOM_DATA_DIR", "data_dir"),
    ("CUTROOM_PUBLIC_URL", "public_url"),
    ("CUTROOM_MAX_UPLOAD_MB", "max_upload_mb"),
    ("CUTROOM_ALLOW_PRIVATE_URLS", "allow_private_urls"),
    ("CUTROOM_URL_TIMEOUT_SECS", "url_timeout_secs"),
    ("CUTROOM_WORKERS", "workers"),
    ("CUTROOM_ANALYSIS_WORKERS", "analysis_workers"),
    ("CUTROOM_CREDITS", "credits.enabled"),
    ("CUTROOM_WELCOME_CREDITS", "credits.welcome"),
    ("CUTROOM_PRICE_RENDER", "credits.prices.render"),
    ("CUTROOM_PRICE_AGENT_TURN", "credits.prices.agent_turn"),
    ("CUTROOM_PRICE_PROMO", "credits.prices.promo"),
    ("CUTROOM_PRICE_TEXT_TO_VIDEO", "credits.prices.text_to_video"),
    ("CUTROOM_PRICE_MUSIC", "credits.prices.music"),
    ("CUTROOM_PRICE_METADATA", "credits.prices.metadata"),
    ("CUTROOM_REQUIRE_ATTRIBUTION", "require_attribution"),
    ("CUTROOM_TOKEN_DAYS", "token_days"),
    ("CUTROOM_RATE_LIMIT", "rate_limit_per_minute"),
    ("CUTROOM_DOWNLOAD_TTL_SECS", "download_ttl_secs"),
    ("CUTROOM_TURN_TIMEOUT_SECS", "turn_timeout_secs"),
    ("CUTROOM_HEARTBEAT_SECS", "heartbeat_secs"),
    ("CUTROOM_SHUTDOWN_GRACE_SECS", "shutdown_grace_secs"),
    ("CUTROOM_LOG_FORMAT", "log_format"),
    ("CUTROOM_GENERATOR_WORKERS", "generator_workers"),
    ("CUTROOM_SOUNDFONT", "soundfont"),
    ("CUTROOM_PLANNER", "planner.kind"),
    ("CUTROOM_LLM_URL", "planner.llm_url"),
    ("CUTROOM_LLM_MODEL", "planner.llm_model"),
    ("CUTROOM_LLM_API_KEY", "planner.llm_api_key"),
    ("CUTROOM_LLM_TIMEOUT_SECS", "planner.llm_timeout_secs"),
    ("CUTROOM_VIDEO_MODEL_URL", "video_model.url"),
    ("CUTROOM_VIDEO_MODEL_TIMEOUT_SECS", "video_model.timeout_secs"),
    ("CUTROOM_VIDEO_SHORT_SIDE", "video_model.short_side"),
];

impl Config {
    /// Reads `file` (when given), then applies the environment.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        Config::load_with(file, |k| std::env::var(k).ok())
    }

    /// [`Config::load`] with the environment given explicitly.
    pub fn load_with(file: Option<&Path>, env: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let text = match file {
            Some(p) => std::fs::read_to_string(p).map_err(|e| ConfigError(format!("reading {}: {e}", p.display())))?,
            None => String::new(),
        };
        let mut table: toml::Table = toml::from_str(&text).map_err(|e| ConfigError(e.to_string()))?;
        for (var, key) in ENV {
            if let Some(value) = env(var).filter(|v| !v.trim().is_empty()) {
                set(&mut table, var, key, &value)?;
            }
        }
        let config: Config = table.try_into().map_err(|e: toml::de::Error| ConfigError(e.to_string()))?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> Result<(), ConfigError> {
        let bad = |m: &str| Err(ConfigError(m.into()));
        if self.workers == 0 || self.analysis_workers == 0 || self.generator_workers == 0 {
            return bad("workers, analysis_workers and generator_workers must be at least 1");
        }
        if !matches!(self.planner.kind.as_str(), "builtin" | "llm") {
            return Err(ConfigError(format!("planner.kind '{}' must be builtin or llm", self.planner.kind)));
        }
        if !(144..=2160).contains(&self.video_model.short_side) {
            return bad("video_model.short_side must be 144–2160 pixels");
        }
        let url = self.video_model.url.trim();
        if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
            return Err(ConfigError(format!("video_model.url '{url}' must be an http(s) URL")));
        }
        if self.max_upload_mb == 0 {
            return bad("max_upload_mb must be at least 1");
        }
        if self.token_days < 1 {
            return bad("token_days must be at least 1");
        }
        if self.bind.parse::<std::net::SocketAddr>().is_err() {
            return Err(ConfigError(format!("bind '{}' is not an address such as 127.0.0.1:8080", self.bind)));
        }
        Ok(())
    }

    pub fn max_upload_bytes(&self) -> u64 {
        self.max_upload_mb * 1024 * 1024
    }

    /// What a kind of work costs, or 0 when credits are off.
    pub fn price(&self, what: &str) -> i64 {
        if !self.credits.enabled {
            return 0;
        }
        let p = &self.credits.prices;
        match what {
            "render" => p.render,
            "agent_turn" => p.agent_turn,
            "promo" => p.promo,
            "text_to_video" => p.text_to_video,
            "music" => p.music,
            "metadata" => p.metadata,
            _ => 0,
        }
    }
}

const BOOLEAN_KEYS: &[&str] = &["allow_private_urls", "credits.enabled", "require_attribution"];
const STRING_KEYS: &[&str] = &[
    "bind",
    "data_dir",
    "public_url",
    "log_format",
    "soundfont",
    "planner.kind",
    "planner.llm_url",
    "planner.llm_model",
    "planner.llm_api_key",
    "video_model.url",
];

/// Sets a dotted key in a TOML table from an environment variable's text, typed by the key.
fn set(table: &mut toml::Table, var: &str, key: &str, value: &str) -> Result<(), ConfigError> {
    let v = value.trim();
    let parsed = if BOOLEAN_KEYS.contains(&key) {
        match v.to_ascii_lowercase().as_str() {
            "1" | "true" | "on" | "yes" => toml::Value::Boolean(true),
            "0" | "false" | "off" | "no" => toml::Value::Boolean(false),
            _ => return Err(ConfigError(format!("{var}: '{v}' is not on/off"))),
        }
    } else if STRING_KEYS.contains(&key) {
        toml::Value::String(v.to_string())
    } else {
        toml::Value::Integer(v.parse().map_err(|_| ConfigError(format!("{var}: '{v}' is not a whole number")))?)
    };
    let mut parts: Vec<&str> = key.split('.').collect();
    let last = parts.pop().expect("a key");
    let mut t = table;
    for p in parts {
        t = t
            .entry(p)
            .or_insert_with(|| toml::Value::Table(toml::Table::new()))
            .as_table_mut()
            .ok_or_else(|| ConfigError(format!("{p} must be a table")))?;
    }
    t.insert(last.to_string(), parsed);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_file_and_environment() {
        let c = Config::load_with(None, |_| None).unwrap();
        assert_eq!(c, Config::default());
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("cutroom.toml");
        std::fs::write(
            &f,
            "bind = \"0.0.0.0:9000\"\nworkers = 2\n[credits]\nwelcome = 50\n[credits.prices]\nmusic = 7\n",
        )
        .unwrap();
        let env = |k: &str| match k {
            "CUTROOM_WORKERS" => Some("3".to_string()),
            "CUTROOM_CREDITS" => Some("off".to_string()),
            "CUTROOM_ALLOW_PRIVATE_URLS" => Some("true".to_string()),
            "CUTROOM_DATA_DIR" => Some("/srv/cutroom".to_string()),
            _ => None,
        };
        let c = Config::load_with(Some(&f), env).unwrap();
        assert_eq!(c.bind, "0.0.0.0:9000");
        assert_eq!(c.workers, 3, "the environment wins");
        assert_eq!((c.credits.welcome, c.credits.prices.music, c.credits.enabled), (50, 7, false));
        assert!(c.allow_private_urls);
        assert_eq!(c.data_dir, PathBuf::from("/srv/cutroom"));
        assert_eq!(c.price("music"), 0, "credits off: free");
        std::fs::write(&f, "bogus = 1\n").unwrap();
        assert!(Config::load_with(Some(&f), |_| None).unwrap_err().to_string().contains("bogus"));
        assert!(Config::load_with(None, |k| (k == "CUTROOM_BIND").then(|| "nowhere".to_string())).is_err());
        let e = Config::load_with(None, |k| (k == "CUTROOM_WORKERS").then(|| "many".to_string())).unwrap_err();
        assert!(e.to_string().contains("CUTROOM_WORKERS: 'many' is not a whole number"), "{e}");
    }

    #[test]
    fn the_documented_file_lists_every_key_at_its_default() {
        let doc = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/cutroom.toml");
        let text = std::fs::read_to_string(&doc).unwrap();
        let c = Config::load_with(Some(&doc), |_| None).unwrap();
        assert_eq!(c, Config::default());
        for (var, key) in ENV {
            assert!(text.contains(var), "docs/cutroom.toml does not mention {var}");
            let leaf = key.rsplit('.').next().unwrap();
            assert!(text.contains(&format!("{leaf} =")) || text.contains(&format!("# {leaf} =")), "{key} missing");
        }
    }
}
