#!/usr/bin/env bash
# The main job: lint the Calico guide's manifests shipped in examples/ (the deny-list and
# allow-list approaches of "Secure Calico Prometheus endpoints"). Exits as the linter does:
# 0 clean, 1 findings at or above --fail-on (default: error), 2 usage or I/O error.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run -q --release -p selector-cli -- lint examples/ "$@"
