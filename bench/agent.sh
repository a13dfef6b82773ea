#!/usr/bin/env bash
# Agent benchmark: the built-in planner's latency per message over the corpus, and time to
# the first event on /run_sse against a real server.
# Usage: bench/agent.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
cargo build --release -p cutroom-cli -p cutroom-bench
exec target/release/agent
