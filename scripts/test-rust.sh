#!/usr/bin/env bash
# Rust: formatting, lints (warnings are errors), every test of the workspace including doctests.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== rust: cargo fmt --check"
cargo fmt --all -- --check
echo "== rust: cargo clippy (-D warnings)"
cargo clippy --workspace --all-targets -- -D warnings
echo "== rust: cargo test (unit, integration, conformance, doctests)"
cargo test --workspace
