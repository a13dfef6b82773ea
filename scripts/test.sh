#!/usr/bin/env bash
# The whole test suite: set up what the tests need (system packages, sample clips), then
# run every test in the workspace. Media fixtures are generated once into target/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
cargo test --workspace --locked "$@"
# The agent corpus's accuracy, printed (the test above asserts the floors).
cargo test --locked -q -p cutroom-agent --test corpus -- --nocapture 2>&1 | grep -E '^(tune|held_out|corpus)' || true
