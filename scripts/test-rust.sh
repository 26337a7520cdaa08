#!/usr/bin/env bash
# Rust: formatting, lints (warnings are errors), every test of the workspace including doctests,
# and one round of scripts/bench-compare.sh (SKIP_BENCH=1 skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== rust: cargo fmt --check"
cargo fmt --all -- --check
echo "== rust: cargo clippy (-D warnings)"
cargo clippy --workspace --all-targets -- -D warnings
echo "== rust: cargo test (unit, integration, conformance, doctests)"
cargo test --workspace
echo "== rust: scripts/bench-compare.sh (its summary's self-test; one round of HEAD against the working tree)"
python3 scripts/bench_compare.py --self-test
if [ "${SKIP_BENCH:-}" = 1 ]; then
  echo "== rust: SKIP_BENCH=1: no bench-compare round"
else
  bash scripts/bench-compare.sh --rounds 1 HEAD .
fi
