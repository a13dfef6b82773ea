#!/usr/bin/env bash
# Service benchmark: throughput and latency of the read endpoints, memory with 1,000 open
# agent streams, memory growth during a 500 MB upload.
# Usage: bench/serve.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
cargo build --release -p cutroom-cli -p cutroom-bench
exec target/release/serve
