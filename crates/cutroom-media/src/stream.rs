//! Streaming decoded pictures and sound out of ffmpeg through a pipe: raw RGB frames at a
//! small analysis size, or interleaved f32 samples. No temporary files; memory is one frame
//! (or one buffer of samples) at a time, whatever the length of the input.

use crate::error::MediaError;
use crate::plan::Encode;
use cutroom_process::{Cancel, Command, Running, Tool};
use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{ChildStdin, ChildStdout};
use std::time::Duration;

/// Options shared by the readers.
#[derive(Clone, Debug)]
pub struct StreamOptions {
    /// Kill ffmpeg after this long.
    pub timeout: Duration,
    pub cancel: Cancel,
    /// Decode only reference frames (a faster, coarser pass).
    pub skip_nonref: bool,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions { timeout: Duration::from_secs(3600), cancel: Cancel::new(), skip_nonref: false }
    }
}

/// A frame size for analysis: the picture fitted inside a `max_edge` square (never
/// enlarged), even sides.
pub fn analysis_size(width: u32, height: u32, max_edge: u32) -> (u32, u32) {
    let (w, h) = (f64::from(width.max(1)), f64::from(height.max(1)));
    let scale = (f64::from(max_edge) / w.max(h)).min(1.0);
    let even = |v: f64| ((v * scale / 2.0).round() as u32 * 2).max(2);
    (even(w), even(h))
}

/// Decoded RGB24 frames of a file's main picture stream, scaled to `width`×`height`.
pub struct FrameReader {
    running: Running,
    stdout: ChildStdout,
    pub width: u32,
    pub height: u32,
    frame_bytes: usize,
}

impl FrameReader {
    pub fn open(path: &Path, width: u32, height: u32, opts: &StreamOptions) -> Result<FrameReader, MediaError> {
        let mut cmd = Command::tool(Tool::Ffmpeg)?.args(["-hide_banner", "-nostdin", "-v", "error"]);
        if opts.skip_nonref {
            cmd = cmd.args(["-skip_frame", "nonref"]);
        }
        let mut running = cmd
            .arg("-i")
            .arg(path)
            // The first picture stream that is not cover art.
            .args(["-map", "0:V:0", "-an", "-sn", "-dn", "-vf"])
            .arg(format!("scale={width}:{height}:flags=fast_bilinear,format=rgb24"))
            .args(["-fps_mode", "passthrough", "-f", "rawvideo", "pipe:1"])
            .timeout(opts.timeout)
            .cancel(&opts.cancel)
            .spawn()?;
        let stdout = running.take_stdout().expect("stdout is piped");
        Ok(FrameReader { running, stdout, width, height, frame_bytes: width as usize * height as usize * 3 })
    }

    /// Reads the next frame into `buf` (resized to one frame); `false` at the end.
    pub fn next_frame(&mut self, buf: &mut Vec<u8>) -> Result<bool, MediaError> {
        buf.resize(self.frame_bytes, 0);
        fill(&mut self.stdout, buf).map_err(MediaError::io("reading decoded frames"))
    }

    /// Waits for ffmpeg and reports how it ended.
    pub fn finish(self) -> Result<(), MediaError> {
        drop(self.stdout);
        self.running.finish()?;
        Ok(())
    }
}

/// Decoded sound of a file's main audio stream as interleaved f32 at `rate` Hz.
pub struct PcmReader {
    running: Running,
    stdout: ChildStdout,
    pub channels: u32,
    pub rate: u32,
    raw: Vec<u8>,
}

impl PcmReader {
    pub fn open(path: &Path, channels: u32, rate: u32, opts: &StreamOptions) -> Result<PcmReader, MediaError> {
        let mut running = Command::tool(Tool::Ffmpeg)?
            .args(["-hide_banner", "-nostdin", "-v", "error", "-i"])
            .arg(path)
            .args(["-map", "0:a:0", "-vn", "-sn", "-dn", "-ac", &channels.to_string(), "-ar", &rate.to_string()])
            .args(["-f", "f32le", "pipe:1"])
            .timeout(opts.timeout)
            .cancel(&opts.cancel)
            .spawn()?;
        let stdout = running.take_stdout().expect("stdout is piped");
        Ok(PcmReader { running, stdout, channels, rate, raw: Vec::new() })
    }

    /// Reads up to `frames` sample frames into `out` (cleared first); an empty `out` means the end.
    pub fn next_chunk(&mut self, frames: usize, out: &mut Vec<f32>) -> Result<(), MediaError> {
        out.clear();
        let bytes = frames * self.channels as usize * 4;
        self.raw.resize(bytes, 0);
        let mut got = 0;
        while got < bytes {
            match self.stdout.read(&mut self.raw[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(MediaError::io("reading decoded sound")(e)),
            }
        }
        // Whole sample frames only.
        let whole = got / (self.channels as usize * 4) * self.channels as usize * 4;
        out.extend(self.raw[..whole].chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])));
        Ok(())
    }

    pub fn finish(self) -> Result<(), MediaError> {
        drop(self.stdout);
        self.running.finish()?;
        Ok(())
    }
}

/// ffmpeg's arguments for encoding raw RGBA frames read from stdin into an H.264 MP4 at
/// `out` (no sound). Pure, so it can be checked without running anything.
pub fn raw_encode_args(out: &Path, width: u32, height: u32, fps: u32, e: Encode) -> Vec<OsString> {
    let mut a: Vec<OsString> = ["-hide_banner", "-nostdin", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgba"]
        .map(OsString::from)
        .to_vec();
    a.extend(["-s".into(), format!("{width}x{height}").into(), "-r".into(), fps.to_string().into()]);
    a.extend(["-i", "pipe:0", "-an", "-c:v", "libx264", "-preset", e.preset].map(OsString::from));
    a.extend(["-crf".into(), e.crf.to_string().into()]);
    a.extend(["-pix_fmt", "yuv420p", "-profile:v", "high", "-movflags", "+faststart", "-f", "mp4"].map(OsString::from));
    a.push(out.into());
    a
}

/// Raw RGBA frames written into ffmpeg through a pipe and encoded to an MP4, one frame at a
/// time — for pictures drawn in process (generated video).
pub struct FrameWriter {
    running: Running,
    stdin: Option<ChildStdin>,
    frame_bytes: usize,
    pub frames: u64,
}

impl FrameWriter {
    pub fn open(
        out: &Path,
        width: u32,
        height: u32,
        fps: u32,
        e: Encode,
        opts: &StreamOptions,
    ) -> Result<FrameWriter, MediaError> {
        let mut running = Command::tool(Tool::Ffmpeg)?
            .args(raw_encode_args(out, width, height, fps, e))
            .stdin_piped()
            .timeout(opts.timeout)
            .cancel(&opts.cancel)
            .spawn()?;
        let stdin = running.take_stdin();
        Ok(FrameWriter { running, stdin, frame_bytes: width as usize * height as usize * 4, frames: 0 })
    }

    /// Sends one frame (exactly width × height × 4 bytes of RGBA).
    pub fn write_frame(&mut self, rgba: &[u8]) -> Result<(), MediaError> {
        let invalid = |m: String| MediaError::Io {
            what: "sending frames to the encoder".into(),
            error: std::io::Error::new(std::io::ErrorKind::InvalidInput, m),
        };
        if rgba.len() != self.frame_bytes {
            return Err(invalid(format!("a frame of {} bytes, expected {}", rgba.len(), self.frame_bytes)));
        }
        let Some(stdin) = self.stdin.as_mut() else { return Err(invalid("the encoder is closed".into())) };
        stdin.write_all(rgba).map_err(MediaError::io("sending frames to the encoder"))?;
        self.frames += 1;
        Ok(())
    }

    /// Closes the pipe and waits for the encoder to finish the file.
    pub fn finish(mut self) -> Result<(), MediaError> {
        drop(self.stdin.take());
        self.running.finish()?;
        Ok(())
    }
}

/// Fills `buf` completely; `false` when the stream ends first (a partial tail is dropped).
fn fill(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<bool> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => return Ok(false),
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analysis_sizes_fit_the_box() {
        assert_eq!(analysis_size(1920, 1080, 320), (320, 180));
        assert_eq!(analysis_size(1080, 1920, 320), (180, 320));
        assert_eq!(analysis_size(176, 144, 320), (176, 144));
        assert_eq!(analysis_size(1, 1, 320), (2, 2));
    }
}
