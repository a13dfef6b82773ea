#!/usr/bin/env bash
# Quick start: set up (system packages, sample clips), build cutroom, render the bundled
# example timeline, start the server on the default configuration, and drive all five jobs
# through the client against it (promo from the sample clips, re-edit, metadata, text to
# video, music). Everything lands in one folder with a short report; the server keeps
# running afterwards.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
bin="${CUTROOM_BIN:-target/release/cutroom}"
if [ -z "${CUTROOM_BIN:-}" ]; then
  echo "[start] building cutroom (release)…" >&2
  cargo build --release --quiet -p cutroom-cli
fi
out="${CUTROOM_OUT:-out/demo}"
port="${CUTROOM_PORT:-8080}"
url="http://127.0.0.1:$port"
mkdir -p "$out"
"$bin" demo --out "$out"
# The server: reused when one already answers here, else started in the background.
if "$bin" credits --server "$url" >/dev/null 2>&1; then
  echo "[start] a cutroom server is already running at $url" >&2
else
  echo "[start] starting the server at $url (log: $out/serve.log)" >&2
  nohup "$bin" serve --bind "127.0.0.1:$port" >"$out/serve.log" 2>&1 &
  echo $! >"$out/serve.pid"
  disown || true
fi
"$bin" tour --server "$url" --out "$out"
echo
echo "The studio is running at $url — try: $bin say --server $url \"make it vertical\""
if [ -s "$out/serve.pid" ]; then
  echo "Stop the server with: kill $(cat "$out/serve.pid")"
fi
