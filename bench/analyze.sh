#!/usr/bin/env bash
# Analysis benchmark: cutroom against the decode floor, ffmpeg's scene filter and
# PySceneDetect on the same 60 s 1080p clip, in one run.
# Usage: bench/analyze.sh [RUNS]  (default 3)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
venv=target/bench-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" 2>/dev/null || {
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$venv"
  }
fi
"$venv/bin/python" -c "import scenedetect, cv2" 2>/dev/null || "$venv/bin/pip" install -q "scenedetect[opencv-headless]"
cargo build --release -p cutroom-cli -p cutroom-bench
exec target/release/analyze "${1:-3}" "$venv/bin/python"
