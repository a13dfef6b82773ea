#!/usr/bin/env bash
# Render benchmark: cutroom vs a hand-written ffmpeg command, same timeline, same run.
# Usage: bench/render.sh [RUNS]  (default 3 runs each)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
cargo build --release -p cutroom-cli -p cutroom-bench
exec target/release/render "${1:-3}"
