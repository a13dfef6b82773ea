#!/usr/bin/env bash
# The whole test suite: set up what the tests need (system packages, sample clips), then
# run every test in the workspace. Media fixtures are generated once into target/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
exec cargo test --workspace --locked "$@"
