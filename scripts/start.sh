#!/usr/bin/env bash
# Quick start: set up (system packages, sample clips), build cutroom, and run the main job
# on the embedded default. For now the main job renders the bundled example draft (the
# reference timeline) from generated footage and prints where the MP4 is.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
echo "[start] building cutroom (release)…" >&2
cargo build --release --quiet -p cutroom-cli
exec target/release/cutroom -v demo --out "${CUTROOM_OUT:-out/demo}"
