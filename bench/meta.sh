#!/usr/bin/env bash
# Metadata benchmark: the built-in writer on a 2-minute video (analysis done beforehand and
# not timed), every platform in English and Chinese, against the 50 ms target.
# Usage: bench/meta.sh [RUNS]  (default 200 calls of each)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
cargo build --release -p cutroom-bench --bin meta
exec target/release/meta "${1:-200}"
