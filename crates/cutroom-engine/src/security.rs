//! Secrets: bearer tokens (random, shown once, stored as SHA-256 hashes) and signed,
//! expiring download links (HMAC-SHA256 with a key kept in the data directory).

use base64::Engine as _;
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::path::Path;

type HmacSha256 = hmac::Hmac<Sha256>;

/// A new bearer token: `ct_` and 32 random bytes.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    format!("ct_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// What is stored of a token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The key that signs download links; made once and kept (mode 0600) in the data directory.
#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
}

impl Signer {
    pub fn load_or_create(path: &Path) -> std::io::Result<Signer> {
        if let Some(key) = std::fs::read(path).ok().filter(|k| k.len() >= 32) {
            return Ok(Signer { key });
        }
        let mut key = vec![0u8; 32];
        rand::fill(&mut key[..]);
        write_private(path, &key)?;
        Ok(Signer { key })
    }

    fn mac(&self, subject: &str, expires: i64) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("any key length");
        mac.update(subject.as_bytes());
        mac.update(b"|");
        mac.update(expires.to_string().as_bytes());
        mac
    }

    /// The signature of `subject` valid until `expires` (seconds since the epoch).
    pub fn sign(&self, subject: &str, expires: i64) -> String {
        hex(&self.mac(subject, expires).finalize().into_bytes())
    }

    /// Whether `signature` is right for `subject` and `expires`, and `now` is before `expires`.
    pub fn verify(&self, subject: &str, expires: i64, signature: &str, now: i64) -> bool {
        if now >= expires || signature.len() != 64 {
            return false;
        }
        let Some(bytes) =
            (0..32).map(|i| u8::from_str_radix(signature.get(2 * i..2 * i + 2)?, 16).ok()).collect::<Option<Vec<u8>>>()
        else {
            return false;
        };
        // Constant-time comparison.
        self.mac(subject, expires).verify_slice(&bytes).is_ok()
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    f.write_all(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert!(a.starts_with("ct_") && a.len() > 40);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), token_hash(&b));
        assert_eq!(token_hash(&a).len(), 64);
    }

    #[test]
    fn signatures_expire_and_bind_their_subject() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        let s = Signer::load_or_create(&path).unwrap();
        let sig = s.sign("job_1", 2000);
        assert!(s.verify("job_1", 2000, &sig, 1999));
        assert!(!s.verify("job_1", 2000, &sig, 2000), "expired");
        assert!(!s.verify("job_2", 2000, &sig, 10), "another job");
        assert!(!s.verify("job_1", 3000, &sig, 10), "a moved expiry");
        assert!(!s.verify("job_1", 2000, "zz", 10));
        // The same key after a restart.
        let again = Signer::load_or_create(&path).unwrap();
        assert!(again.verify("job_1", 2000, &sig, 1999));
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
}
