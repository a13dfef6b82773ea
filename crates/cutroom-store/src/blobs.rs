//! The media store: files named by the BLAKE3 hash of their bytes, written through a
//! temporary file that is hashed and measured as it streams in and only renamed into place
//! when complete — so an aborted or oversized upload leaves nothing behind.

use std::io;
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

/// Files by content hash under `<root>/blobs/ab/cd/<hash>`, temporary files in `<root>/tmp`.
#[derive(Clone, Debug)]
pub struct BlobStore {
    root: PathBuf,
}

/// A file being received.
pub struct Ingest {
    file: tempfile::NamedTempFile,
    out: tokio::fs::File,
    hasher: blake3::Hasher,
    size: u64,
    limit: u64,
}

/// The upload passed its size limit (the partial file is gone).
#[derive(Debug, thiserror::Error)]
#[error("larger than {limit} bytes")]
pub struct TooLarge {
    pub limit: u64,
}

impl BlobStore {
    pub fn new(root: impl Into<PathBuf>) -> io::Result<BlobStore> {
        let root = root.into();
        std::fs::create_dir_all(root.join("blobs"))?;
        std::fs::create_dir_all(root.join("tmp"))?;
        Ok(BlobStore { root })
    }

    /// Where a stored file is.
    pub fn path(&self, hash: &str) -> PathBuf {
        let safe: String = hash.chars().filter(char::is_ascii_hexdigit).collect();
        let (a, b) = (safe.get(0..2).unwrap_or("00"), safe.get(2..4).unwrap_or("00"));
        self.root.join("blobs").join(a).join(b).join(&safe)
    }

    /// Starts receiving a file of at most `limit` bytes.
    pub fn ingest(&self, limit: u64) -> io::Result<Ingest> {
        let file = tempfile::Builder::new().prefix("upload-").tempfile_in(self.root.join("tmp"))?;
        let out = tokio::fs::File::from_std(file.reopen()?);
        Ok(Ingest { file, out, hasher: blake3::Hasher::new(), size: 0, limit })
    }

    /// A folder for other temporary work, inside the store's filesystem.
    pub fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    /// Removes leftovers of uploads interrupted by a crash.
    pub fn sweep_tmp(&self) -> io::Result<usize> {
        let mut n = 0;
        for entry in std::fs::read_dir(self.root.join("tmp"))? {
            let entry = entry?;
            if entry.file_name().to_string_lossy().starts_with("upload-") {
                let _ = std::fs::remove_file(entry.path());
                n += 1;
            }
        }
        Ok(n)
    }
}

impl Ingest {
    /// Appends a chunk; fails (and the upload is abandoned) once past the limit.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), IngestError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(IngestError::TooLarge(TooLarge { limit: self.limit }));
        }
        self.hasher.update(chunk);
        self.out.write_all(chunk).await.map_err(IngestError::Io)?;
        Ok(())
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The file received so far (to probe it before committing).
    pub fn path(&self) -> &Path {
        self.file.path()
    }

    pub async fn flush(&mut self) -> io::Result<()> {
        self.out.flush().await?;
        self.out.sync_data().await
    }

    /// Moves the file into the store; returns its hash and size. If the same content is
    /// already stored, the new copy is dropped.
    pub async fn commit(mut self, store: &BlobStore) -> io::Result<(String, u64)> {
        self.flush().await?;
        let hash = self.hasher.finalize().to_hex().to_string();
        let dest = store.path(&hash);
        if let Some(dir) = dest.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        if !dest.exists() {
            self.file.persist(&dest).map_err(|e| e.error)?;
        }
        Ok((hash, self.size))
    }
}

/// Why a chunk was refused.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    TooLarge(TooLarge),
    #[error("writing the upload: {0}")]
    Io(io::Error),
}
