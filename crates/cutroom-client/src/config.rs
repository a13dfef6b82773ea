//! The client's stored state: per server, a client id, an anonymous token and the current
//! session, kept in `client.json` in the user's config folder (written atomically, mode
//! 0600); where that folder is and which server to talk to.

use crate::error::ClientError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The server used when neither an argument nor `CUTROOM_SERVER` names one.
pub const DEFAULT_SERVER: &str = "http://127.0.0.1:8080";
/// The state file's name inside the config folder.
pub const FILE_NAME: &str = "client.json";

/// The environment variables the client reads.
pub mod env {
    /// A token to use instead of a stored or anonymous one (never written to disk).
    pub const TOKEN: &str = "NEMO_TOKEN";
    /// The server's base URL.
    pub const SERVER: &str = "CUTROOM_SERVER";
    /// The folder holding `client.json`.
    pub const CONFIG_DIR: &str = "CUTROOM_CONFIG_DIR";
    pub const XDG_CONFIG_HOME: &str = "XDG_CONFIG_HOME";
    pub const HOME: &str = "HOME";
}

/// A bearer token. Its `Debug` never shows it and it has no `Display`: read it with
/// [`Token::expose`] only where it goes on the wire or to disk.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Token(String);

impl Token {
    pub fn new(token: impl Into<String>) -> Token {
        Token(token.into())
    }

    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// What the client keeps for one server.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Credentials {
    /// The UUID sent as `X-Client-Id` when asking for an anonymous token.
    pub client_id: String,
    /// The anonymous token (absent when `NEMO_TOKEN` is used: that one is never stored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<Token>,
    /// The session of the stored (anonymous) token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// The session used with `NEMO_TOKEN` (another account, so kept apart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_session_id: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("session_id", &self.session_id)
            .field("env_session_id", &self.env_session_id)
            .finish()
    }
}

/// The whole file: credentials keyed by normalised server URL.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClientFile {
    #[serde(default = "version")]
    pub version: u32,
    #[serde(default)]
    pub servers: BTreeMap<String, Credentials>,
}

fn version() -> u32 {
    1
}

/// The config folder: `$CUTROOM_CONFIG_DIR`, else `$XDG_CONFIG_HOME/cutroom`, else
/// `$HOME/.config/cutroom`; `None` when none of them is set. `var` reads a variable
/// (`|k| std::env::var(k).ok()` in real use), so this stays testable.
pub fn config_dir_from(var: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let set = |k: &str| var(k).filter(|v| !v.trim().is_empty());
    if let Some(d) = set(env::CONFIG_DIR) {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = set(env::XDG_CONFIG_HOME) {
        return Some(PathBuf::from(d).join("cutroom"));
    }
    set(env::HOME).map(|h| PathBuf::from(h).join(".config").join("cutroom"))
}

/// The server's base URL: the explicit one, else `$CUTROOM_SERVER`, else
/// [`DEFAULT_SERVER`]; normalised by [`normalize_server`].
pub fn server_from(explicit: Option<&str>, var: impl Fn(&str) -> Option<String>) -> Result<String, ClientError> {
    let chosen = explicit
        .map(str::to_string)
        .filter(|s| !s.trim().is_empty())
        .or_else(|| var(env::SERVER).filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| DEFAULT_SERVER.to_string());
    normalize_server(&chosen)
}

/// A server address as a base URL and key of the state file: `http://` added when no
/// scheme is given, scheme and host lower-cased, no trailing slash, no query or fragment.
pub fn normalize_server(raw: &str) -> Result<String, ClientError> {
    let raw = raw.trim();
    let with_scheme = if raw.contains("://") { raw.to_string() } else { format!("http://{raw}") };
    let bad =
        |why: &str| ClientError::InvalidInput(format!("'{raw}' is not a server address ({why}); use http://HOST:PORT"));
    let url = reqwest::Url::parse(&with_scheme).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("only http and https are supported"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("credentials do not belong in the address"));
    }
    let mut s = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default().to_ascii_lowercase());
    if let Some(port) = url.port() {
        s.push_str(&format!(":{port}"));
    }
    s.push_str(url.path().trim_end_matches('/'));
    Ok(s)
}

/// `client.json` in a config folder.
#[derive(Clone, Debug)]
pub struct ConfigStore {
    dir: PathBuf,
}

impl ConfigStore {
    pub fn new(dir: impl Into<PathBuf>) -> ConfigStore {
        ConfigStore { dir: dir.into() }
    }

    /// The store in the folder the environment names (see [`config_dir_from`]).
    pub fn from_env() -> Option<ConfigStore> {
        config_dir_from(|k| std::env::var(k).ok()).map(ConfigStore::new)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// The whole file; an empty one when it does not exist yet.
    pub fn load(&self) -> Result<ClientFile, ClientError> {
        let path = self.path();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(ClientFile { version: 1, ..Default::default() });
            }
            Err(e) => return Err(ClientError::Config { path, detail: e.to_string() }),
        };
        if text.trim().is_empty() {
            return Ok(ClientFile { version: 1, ..Default::default() });
        }
        serde_json::from_str(&text).map_err(|e| ClientError::Config { path, detail: e.to_string() })
    }

    /// The credentials kept for `server` (a normalised URL), if any.
    pub fn get(&self, server: &str) -> Result<Option<Credentials>, ClientError> {
        Ok(self.load()?.servers.remove(server))
    }

    /// Changes the entry of `server` (created empty when missing) and writes the file: the
    /// file is read again first, so other servers' entries written meanwhile are kept.
    pub fn update(&self, server: &str, change: impl FnOnce(&mut Credentials)) -> Result<Credentials, ClientError> {
        let mut file = self.load()?;
        let entry = file.servers.entry(server.to_string()).or_default();
        change(entry);
        let updated = entry.clone();
        self.save(&file)?;
        Ok(updated)
    }

    /// Writes the whole file: a temporary file beside it (mode 0600) renamed over it.
    pub fn save(&self, file: &ClientFile) -> Result<(), ClientError> {
        let io = |action: &str, path: &Path, source: std::io::Error| ClientError::Io {
            action: action.to_string(),
            path: path.to_path_buf(),
            source,
        };
        create_private_dir(&self.dir).map_err(|e| io("create the config folder", &self.dir, e))?;
        let path = self.path();
        let tmp = self.dir.join(format!(".{FILE_NAME}.{}.tmp", uuid::Uuid::new_v4().simple()));
        let json = serde_json::to_vec_pretty(file)
            .map_err(|e| ClientError::Config { path: path.clone(), detail: e.to_string() })?;
        let written = (|| {
            let mut f = open_private(&tmp)?;
            f.write_all(&json)?;
            f.write_all(b"\n")?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(io("write", &path, e));
        }
        Ok(())
    }
}

#[cfg(unix)]
fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)
}

#[cfg(not(unix))]
fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new().write(true).create_new(true).open(path)
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    }

    #[test]
    fn config_dir_precedence() {
        let all = [("CUTROOM_CONFIG_DIR", "/c"), ("XDG_CONFIG_HOME", "/x"), ("HOME", "/h")];
        assert_eq!(config_dir_from(vars(&all)), Some(PathBuf::from("/c")));
        assert_eq!(config_dir_from(vars(&all[1..])), Some(PathBuf::from("/x/cutroom")));
        assert_eq!(config_dir_from(vars(&all[2..])), Some(PathBuf::from("/h/.config/cutroom")));
        assert_eq!(
            config_dir_from(vars(&[("CUTROOM_CONFIG_DIR", " "), ("HOME", "/h")])),
            Some(PathBuf::from("/h/.config/cutroom"))
        );
        assert_eq!(config_dir_from(vars(&[])), None);
    }

    #[test]
    fn server_precedence_and_normalisation() {
        let env = [("CUTROOM_SERVER", "http://Env.Example:9000/")];
        assert_eq!(server_from(Some("localhost:8081"), vars(&env)).unwrap(), "http://localhost:8081");
        assert_eq!(server_from(None, vars(&env)).unwrap(), "http://env.example:9000");
        assert_eq!(server_from(None, vars(&[])).unwrap(), DEFAULT_SERVER);
        assert_eq!(server_from(Some(""), vars(&[])).unwrap(), DEFAULT_SERVER);
        assert_eq!(normalize_server("https://HOST/prefix/?q=1#f").unwrap(), "https://host/prefix");
        assert_eq!(normalize_server("http://127.0.0.1:80").unwrap(), "http://127.0.0.1");
        assert!(normalize_server("ftp://host").is_err());
        assert!(normalize_server("http://user:pw@host").is_err());
        assert!(normalize_server("http://").is_err());
    }

    #[test]
    fn debug_never_shows_the_token() {
        let c = Credentials {
            client_id: "c".into(),
            token: Some(Token::new("secret-token-123")),
            session_id: None,
            env_session_id: None,
        };
        let shown =
            format!("{c:?} {:?} {:#?}", c.token, ClientFile { version: 1, servers: [("s".into(), c.clone())].into() });
        assert!(!shown.contains("secret-token-123"), "{shown}");
        assert!(shown.contains("redacted"));
    }
}
