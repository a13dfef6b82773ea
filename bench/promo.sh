#!/usr/bin/env bash
# Promo benchmark: a 2-minute 1080p source → a 20 s 9:16 promo with `cutroom promo`
# (analysis + music + render, fresh analysis cache each run), against the 60 s target.
# Usage: bench/promo.sh [RUNS]  (default 1 run)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
cargo build --release -p cutroom-cli -p cutroom-bench
exec target/release/promo "${1:-1}"
