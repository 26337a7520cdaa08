#!/usr/bin/env bash
# Every test suite of the project, from a fresh clone: installs what each suite needs.
# Usage: scripts/test-all.sh            (all suites)
#        scripts/test-all.sh rust py    (some of: rust cli py wasm fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(rust cli py wasm fuzz)
start=$(date +%s)
for suite in "${suites[@]}"; do
  t0=$(date +%s)
  case "$suite" in
    rust) bash scripts/test-rust.sh ;;
    cli)  bash scripts/test-main-job.sh ;;
    py)   bash scripts/test-python.sh ;;
    wasm) bash scripts/test-wasm.sh ;;
    fuzz) bash scripts/test-fuzz.sh ;;
    *) echo "unknown suite: $suite (use: rust cli py wasm fuzz)" >&2; exit 2 ;;
  esac
  echo "== $suite: done in $(( $(date +%s) - t0 )) s"
done
echo "== all suites passed in $(( $(date +%s) - start )) s"
