//! Running a process: spawn, watch for its deadline or cancellation, keep the tail of its
//! stderr, reap it with its peak memory, and kill it if the handle is dropped early.

use crate::error::ProcessError;
use crate::locate::{Tool, locate};
use crate::sys;
use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{ChildStdin, ChildStdout, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Lines of stderr kept for error messages.
const TAIL_LINES: usize = 30;
/// Bytes of stderr kept for error messages.
const TAIL_BYTES: usize = 8 * 1024;
/// How often the watchdog looks at the clock and the cancel flag.
const WATCH_EVERY: Duration = Duration::from_millis(20);

/// A cancellation flag shared between whoever may cancel and the processes it governs.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// What a finished process left behind.
#[derive(Debug)]
pub struct Output {
    /// Everything it wrote to stdout (empty when stdout was taken or streamed).
    pub stdout: Vec<u8>,
    /// The last lines it wrote to stderr.
    pub stderr: String,
    /// Wall-clock time from start to exit.
    pub wall: Duration,
    /// Peak resident memory, KiB.
    pub peak_rss_kib: u64,
}

/// A process to run. Arguments are passed as-is: no shell is ever involved.
#[derive(Clone, Debug)]
pub struct Command {
    program: PathBuf,
    args: Vec<OsString>,
    timeout: Option<Duration>,
    cancel: Option<Cancel>,
    cwd: Option<PathBuf>,
    envs: Vec<(OsString, OsString)>,
    stdin_piped: bool,
}

impl Command {
    /// A command for an external tool, located with [`locate`].
    pub fn tool(tool: Tool) -> Result<Command, ProcessError> {
        Ok(Command::new(locate(tool)?))
    }

    /// A command for any program (a path, or a name looked up on `$PATH`).
    pub fn new(program: impl Into<PathBuf>) -> Command {
        Command {
            program: program.into(),
            args: Vec::new(),
            timeout: None,
            cancel: None,
            cwd: None,
            envs: Vec::new(),
            stdin_piped: false,
        }
    }

    pub fn arg(mut self, a: impl Into<OsString>) -> Self {
        self.args.push(a.into());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Kill the process if it runs longer than this.
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    /// Kill the process when this flag is raised.
    pub fn cancel(mut self, cancel: &Cancel) -> Self {
        self.cancel = Some(cancel.clone());
        self
    }

    pub fn current_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cwd = Some(dir.into());
        self
    }

    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.envs.push((key.into(), value.into()));
        self
    }

    /// Give the process a pipe on stdin (take it with [`Running::take_stdin`]).
    pub fn stdin_piped(mut self) -> Self {
        self.stdin_piped = true;
        self
    }

    /// The program's file name, for messages.
    pub fn name(&self) -> String {
        self.program.file_name().unwrap_or(self.program.as_os_str()).to_string_lossy().into_owned()
    }

    /// The arguments, as given.
    pub fn get_args(&self) -> &[OsString] {
        &self.args
    }

    /// Program and arguments on one line (for logs; not for a shell).
    pub fn display(&self) -> String {
        let mut s = self.program.display().to_string();
        for a in &self.args {
            s.push(' ');
            s.push_str(&a.to_string_lossy());
        }
        s
    }

    /// Starts the process. It dies with the thread that started it, so finish it (or drop
    /// the handle) on that thread.
    pub fn spawn(self) -> Result<Running, ProcessError> {
        let name = self.name();
        tracing::debug!(command = %self.display(), "spawn");
        #[allow(clippy::disallowed_methods)] // this crate is the one place allowed to
        let mut cmd = std::process::Command::new(&self.program);
        cmd.args(&self.args)
            .stdin(if self.stdin_piped { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(dir) = &self.cwd {
            cmd.current_dir(dir);
        }
        for (k, v) in &self.envs {
            cmd.env(k, v);
        }
        sys::contain(&mut cmd);
        let mut child = cmd.spawn().map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => ProcessError::NotFound {
                tool: name.clone(),
                hint: format!("{} does not exist or is not on PATH", self.program.display()),
            },
            _ => ProcessError::Spawn { program: name.clone(), error: source },
        })?;
        let pid = child.id();
        let shared = Arc::new(Shared { reaped: Mutex::new(false), stop: Mutex::new(None) });
        let stderr = child.stderr.take().map(|e| std::thread::spawn(move || tail_of(e)));
        let watchdog = (self.timeout.is_some() || self.cancel.is_some()).then(|| {
            let (tx, rx) = mpsc::channel::<()>();
            let shared = shared.clone();
            let deadline = self.timeout.map(|t| (Instant::now() + t, t));
            let cancel = self.cancel.clone();
            let handle = std::thread::spawn(move || watch(pid, rx, deadline, cancel, &shared));
            (handle, tx)
        });
        Ok(Running {
            program: name,
            pid,
            stdin: child.stdin.take(),
            stdout: child.stdout.take(),
            stderr,
            watchdog,
            shared,
            started: Instant::now(),
            done: false,
        })
    }

    /// Runs to completion, collecting stdout.
    pub fn run(self) -> Result<Output, ProcessError> {
        self.spawn()?.finish()
    }

    /// Runs to completion, handing each stdout line to `on_line` as it arrives.
    pub fn run_lines(self, mut on_line: impl FnMut(&str)) -> Result<Output, ProcessError> {
        let mut running = self.spawn()?;
        if let Some(out) = running.take_stdout() {
            let mut reader = BufReader::new(out);
            let mut line = Vec::new();
            loop {
                line.clear();
                match reader.read_until(b'\n', &mut line) {
                    Ok(0) => break,
                    Ok(_) => on_line(String::from_utf8_lossy(&line).trim_end()),
                    Err(source) => {
                        running.kill();
                        let _ = running.wait();
                        return Err(ProcessError::Io { program: running.program.clone(), error: source });
                    }
                }
            }
        }
        running.finish()
    }
}

#[derive(Clone, Copy, Debug)]
enum Stop {
    TimedOut(Duration),
    Cancelled,
}

struct Shared {
    /// Set once the child is reaped; the watchdog never signals after that.
    reaped: Mutex<bool>,
    /// Why the watchdog killed the child, if it did.
    stop: Mutex<Option<Stop>>,
}

fn watch(
    pid: u32,
    rx: mpsc::Receiver<()>,
    deadline: Option<(Instant, Duration)>,
    cancel: Option<Cancel>,
    shared: &Shared,
) {
    loop {
        match rx.recv_timeout(WATCH_EVERY) {
            Err(RecvTimeoutError::Timeout) => {
                let stop = if cancel.as_ref().is_some_and(Cancel::is_cancelled) {
                    Some(Stop::Cancelled)
                } else {
                    deadline.filter(|(at, _)| Instant::now() >= *at).map(|(_, limit)| Stop::TimedOut(limit))
                };
                if let Some(stop) = stop {
                    let reaped = shared.reaped.lock().unwrap_or_else(|e| e.into_inner());
                    if !*reaped {
                        *shared.stop.lock().unwrap_or_else(|e| e.into_inner()) = Some(stop);
                        sys::kill(pid);
                    }
                    return;
                }
            }
            _ => return,
        }
    }
}

fn tail_of(mut stderr: impl Read) -> String {
    let mut lines: VecDeque<String> = VecDeque::new();
    let mut partial = Vec::new();
    let mut buf = [0u8; 4096];
    let push = |lines: &mut VecDeque<String>, bytes: &[u8]| {
        let s = String::from_utf8_lossy(bytes).trim_end().to_string();
        if !s.is_empty() {
            lines.push_back(s);
            while lines.len() > TAIL_LINES || lines.iter().map(String::len).sum::<usize>() > TAIL_BYTES {
                lines.pop_front();
            }
        }
    };
    while let Ok(n) = stderr.read(&mut buf) {
        if n == 0 {
            break;
        }
        for &b in &buf[..n] {
            if b == b'\n' || b == b'\r' {
                push(&mut lines, &partial);
                partial.clear();
            } else if partial.len() < TAIL_BYTES {
                partial.push(b);
            }
        }
    }
    push(&mut lines, &partial);
    lines.into_iter().collect::<Vec<_>>().join("\n")
}

/// A started process. Dropping it before [`Running::finish`] kills and reaps it.
pub struct Running {
    program: String,
    pid: u32,
    stdin: Option<ChildStdin>,
    stdout: Option<ChildStdout>,
    stderr: Option<JoinHandle<String>>,
    watchdog: Option<(JoinHandle<()>, mpsc::Sender<()>)>,
    shared: Arc<Shared>,
    started: Instant,
    done: bool,
}

impl Running {
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// The process's stdin (when the command asked for a pipe). Drop it to close the pipe.
    pub fn take_stdin(&mut self) -> Option<ChildStdin> {
        self.stdin.take()
    }

    /// The process's stdout, to stream from. [`Running::finish`] then returns no stdout.
    pub fn take_stdout(&mut self) -> Option<ChildStdout> {
        self.stdout.take()
    }

    /// Kills the process now (it is still reaped by `finish` or on drop).
    pub fn kill(&self) {
        let reaped = self.shared.reaped.lock().unwrap_or_else(|e| e.into_inner());
        if !*reaped {
            sys::kill(self.pid);
        }
    }

    /// Closes stdin, reads the rest of stdout, waits for the exit and reports it.
    pub fn finish(mut self) -> Result<Output, ProcessError> {
        drop(self.stdin.take());
        let mut stdout = Vec::new();
        let read = match self.stdout.take() {
            Some(mut out) => out.read_to_end(&mut stdout).map(|_| ()),
            None => Ok(()),
        };
        let waited = self.wait();
        let stderr = self.stderr.take().and_then(|h| h.join().ok()).unwrap_or_default();
        let stop = *self.shared.stop.lock().unwrap_or_else(|e| e.into_inner());
        let program = self.program.clone();
        let (status, peak_rss_kib) =
            waited.map_err(|source| ProcessError::Io { program: program.clone(), error: source })?;
        let wall = self.started.elapsed();
        tracing::debug!(program = %program, ?wall, peak_rss_kib, %status, "exit");
        match stop {
            Some(Stop::Cancelled) => return Err(ProcessError::Cancelled { program }),
            Some(Stop::TimedOut(after)) => {
                return Err(ProcessError::TimedOut { program, after, stderr });
            }
            None => {}
        }
        if !status.success() {
            let status = match (status.code(), status.signal()) {
                (Some(code), _) => format!("exit code {code}"),
                (None, Some(sig)) => format!("killed by signal {sig}"),
                _ => status.to_string(),
            };
            return Err(ProcessError::Failed { program, status, stderr });
        }
        read.map_err(|source| ProcessError::Io { program: program.clone(), error: source })?;
        Ok(Output { stdout, stderr, wall, peak_rss_kib })
    }

    /// Waits for the exit and reaps the process, then stops the watchdog.
    fn wait(&mut self) -> std::io::Result<(ExitStatus, u64)> {
        self.done = true;
        let result = sys::wait_exit_keep(self.pid).and_then(|()| {
            // From here on nobody may signal this pid: it is about to be released.
            *self.shared.reaped.lock().unwrap_or_else(|e| e.into_inner()) = true;
            sys::reap(self.pid)
        });
        if let Some((handle, tx)) = self.watchdog.take() {
            drop(tx);
            let _ = handle.join();
        }
        result.map(|(raw, rss)| (ExitStatus::from_raw(raw), rss))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if !self.done {
            drop(self.stdin.take());
            drop(self.stdout.take());
            self.kill();
            let _ = self.wait();
            if let Some(h) = self.stderr.take() {
                let _ = h.join();
            }
        }
    }
}
