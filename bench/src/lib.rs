//! What the benchmarks share: finding the release `cutroom` binary they drive.

use std::path::PathBuf;

/// The `cutroom` binary beside the running benchmark (or `CUTROOM_BIN`); panics with how to
/// build it when it is missing.
pub fn cutroom_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let bin_dir = exe.parent().expect("bin dir").to_path_buf();
    let cutroom = std::env::var_os("CUTROOM_BIN").map(PathBuf::from).unwrap_or_else(|| bin_dir.join("cutroom"));
    assert!(
        cutroom.is_file(),
        "{} is missing: build it with `cargo build --release -p cutroom-cli`",
        cutroom.display()
    );
    cutroom
}
