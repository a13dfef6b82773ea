//! The few OS calls std does not offer: waiting without reaping, reaping with resource
//! usage (peak memory), and signalling a child that has not been reaped yet.
#![allow(unsafe_code)]

use std::io;

/// Blocks until the child exits, leaving it waitable (a zombie), so its pid stays reserved.
pub fn wait_exit_keep(pid: u32) -> io::Result<()> {
    loop {
        // SAFETY: siginfo_t is plain data; waitid writes into it and we read nothing back.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: a valid pid of our own child and a valid out-pointer.
        let rc = unsafe { libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, libc::WEXITED | libc::WNOWAIT) };
        if rc == 0 {
            return Ok(());
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

/// Reaps an exited child: its raw wait status and peak resident memory in KiB
/// (the child's own, or that of its largest waited-for descendant).
pub fn reap(pid: u32) -> io::Result<(i32, u64)> {
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain data filled in by the kernel.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: valid pid of our own exited child, valid out-pointers.
        let rc = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
        if rc == pid as libc::pid_t {
            return Ok((status, usage.ru_maxrss.max(0) as u64));
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

/// Sends SIGKILL to the child and its process group (anything it started). Only called
/// while the child is known not to be reaped, so neither id can have been reused.
pub fn kill(pid: u32) {
    // SAFETY: signalling our own unreaped child and the group it leads; failure
    // (already exited) is harmless.
    unsafe {
        libc::kill(-(pid as libc::pid_t), libc::SIGKILL);
        libc::kill(pid as libc::pid_t, libc::SIGKILL);
    }
}

/// Makes the child lead its own process group (so a kill reaches whatever it starts) and
/// die when the thread that started it dies (so no tool outlives a crashed cutroom).
pub fn contain(cmd: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    cmd.process_group(0);
    let parent = std::process::id();
    // SAFETY: the hook runs in the forked child before exec and calls only
    // async-signal-safe functions (prctl, getppid).
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(io::Error::last_os_error());
            }
            // The parent may have died before prctl took effect.
            if libc::getppid() as u32 != parent {
                return Err(io::Error::other("parent exited"));
            }
            Ok(())
        });
    }
}
