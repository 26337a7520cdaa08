#!/usr/bin/env bash
# Builds and tests the WebAssembly package (selector-wasm/) from the repository root, on a
# fresh machine too: installs the wasm32 target, wasm-bindgen-cli at exactly the version in
# Cargo.lock, the npm dev dependencies and Debian's chromium when they are missing.
#
#   scripts/test-wasm.sh            # build, type-check, node tests, browser test, bench, size
#
# Environment: CARGO_TARGET_DIR (default target/), SELECTOR_WORKLOAD (default
# ../shared/bench/workload.json), SKIP_BENCH=1 to skip the benchmark.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
pkg=selector-wasm

step() { printf '\n==> %s\n' "$*"; }

step "wasm32 target"
rustup target add wasm32-unknown-unknown

step "wasm-bindgen-cli (must equal the wasm-bindgen crate in Cargo.lock)"
# Resolve the lock file first (a no-op when it is committed and current).
cargo metadata --format-version 1 >/dev/null
want=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$want" ]; then
  echo "no wasm-bindgen in Cargo.lock" >&2
  exit 1
fi
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
  echo "installing wasm-bindgen-cli $want (found: ${have:-none})"
  # Not --locked: the CLI's own lock file does not build with current toolchains.
  cargo install wasm-bindgen-cli --version "$want" --force
fi
wasm-bindgen --version

step "build selector-wasm for wasm32 (release, opt-level s)"
cargo build --release -p selector-wasm --target wasm32-unknown-unknown
target_dir=${CARGO_TARGET_DIR:-target}
case "$target_dir" in /*) ;; *) target_dir="$root/$target_dir" ;; esac
wasm="$target_dir/wasm32-unknown-unknown/release/selector_wasm.wasm"

step "wasm-bindgen: pkg-node (CommonJS) and pkg-web (ES module)"
# wasm-bindgen writes the TypeScript declarations (pkg-*/selector_wasm.d.ts) from the Rust
# signatures and the typescript_custom_section of each serde type. The browser build drops the function-name section (~70 KB);
# the Node build keeps it for readable stack traces.
rm -rf "$pkg/pkg-node" "$pkg/pkg-web"
wasm-bindgen --target nodejs --out-dir "$pkg/pkg-node" "$wasm"
wasm-bindgen --target web --remove-name-section --remove-producers-section \
  --out-dir "$pkg/pkg-web" "$wasm"

step "npm dependencies (typescript, playwright-core)"
(cd "$pkg" && npm ci --no-audit --no-fund)

step "TypeScript declarations (tsc --noEmit on types/usage*.ts)"
(cd "$pkg" && npx --no-install tsc --noEmit -p types)

step "node tests (corpus, UTF-16 spans, tokens, robustness, lint)"
(cd "$pkg" && node --test tests/*.test.mjs)

step "chromium (Debian package) for the browser test"
if ! command -v chromium >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends chromium
fi
chromium --version 2>/dev/null || true

step "browser test (headless chromium, local static server)"
mkdir -p "$root/e2e-artifacts"
(cd "$pkg" && E2E_ARTIFACTS="$root/e2e-artifacts" node --test e2e/*.test.mjs)
echo "screenshots: $(ls "$root"/e2e-artifacts/*.png | tr '\n' ' ')"

if [ "${SKIP_BENCH:-0}" != 1 ]; then
  step "bench: parse + matches from JS vs native, same run"
  workload=${SELECTOR_WORKLOAD:-$root/../shared/bench/workload.json}
  if [ -f "$workload" ]; then
    (cd "$pkg" && node bench/bench.mjs "$workload")
  else
    echo "skipped: no workload at $workload"
  fi
fi

step ".wasm size"
raw=$(wc -c <"$pkg/pkg-web/selector_wasm_bg.wasm")
gz=$(gzip -9 -c "$pkg/pkg-web/selector_wasm_bg.wasm" | wc -c)
awk -v raw="$raw" -v gz="$gz" 'BEGIN { printf "selector_wasm_bg.wasm: %d bytes, %d bytes gzip -9 (%.1f KiB)\n", raw, gz, gz / 1024 }'
