#!/usr/bin/env bash
# Text-to-video benchmark: a 10 s 1080x1920 30 fps clip drawn and encoded by the built-in
# generator, against the encode floor (the same number of flat-colour frames through the
# same pipe and encoder), alternating in one run. Targets: under 30 s, under 2× the floor.
# Usage: bench/generate.sh [RUNS]  (default 3 runs of each)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
cargo build --release -p cutroom-bench --bin generate
exec target/release/generate "${1:-3}"
