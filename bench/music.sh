#!/usr/bin/env bash
# Music benchmark: compose + synthesise 30 s and 3 min in every style, one core.
# Usage: bench/music.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
cargo build --release -p cutroom-bench
exec taskset -c 0 target/release/music
