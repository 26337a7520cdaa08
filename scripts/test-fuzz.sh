#!/usr/bin/env bash
# Fuzz smoke test: builds the cargo-fuzz targets in fuzz/, seeds their corpora from the
# conformance data and the examples, and runs every target for a short fixed time
# (FUZZ_SECONDS, default 30 s each). Fails on any crash, timeout or out-of-memory.
# Runnable from the repository root on a fresh machine (installs cargo-fuzz if missing).
#
#   scripts/test-fuzz.sh                  # all targets, 30 s each
#   FUZZ_SECONDS=600 scripts/test-fuzz.sh parse   # a longer run of one target
#
# Per-target libFuzzer settings (max_len, dictionary) are in fuzz/options/<target>.options
# (OSS-Fuzz `.options` format); this script passes them as -max_len= and -dict=.
# The targets are built without AddressSanitizer (`-s none`): every crate of ours forbids
# unsafe code, so ASan finds nothing a panic would not, and it costs 3-5x in speed. Panics,
# stack overflows, timeouts (-timeout=10) and memory blow-ups (-rss_limit_mb) still fail.
# FUZZ_SANITIZER=address brings ASan back.
set -euo pipefail

cd "$(dirname "$0")/.."
SECONDS_EACH="${FUZZ_SECONDS:-30}"
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(parse eval_diff restrictions lint flow)
fi

export PATH="$HOME/.cargo/bin:$PATH"
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "test-fuzz: installing cargo-fuzz"
  cargo install --locked cargo-fuzz@0.13.2 || cargo install cargo-fuzz@0.13.2
fi

# cargo-fuzz needs a nightly compiler (-Zsanitizer). Use the nightly toolchain when rustup
# has one; otherwise let the installed compiler accept nightly flags.
if rustup run nightly rustc --version >/dev/null 2>&1; then
  FUZZ=(cargo +nightly fuzz)
else
  echo "test-fuzz: no nightly toolchain; using RUSTC_BOOTSTRAP=1 with $(rustc --version)"
  export RUSTC_BOOTSTRAP=1
  FUZZ=(cargo fuzz)
fi

SAN=(-s "${FUZZ_SANITIZER:-none}")
start=$(date +%s)
python3 fuzz/seed-corpus.py
"${FUZZ[@]}" build "${SAN[@]}"
echo "test-fuzz: built in $(( $(date +%s) - start )) s"

option() { # option <target> <key>
  sed -n "s/^$2[[:space:]]*=[[:space:]]*//p" "fuzz/options/$1.options"
}

for t in "${TARGETS[@]}"; do
  max_len=$(option "$t" max_len)
  dict=$(option "$t" dict)
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  echo "test-fuzz: $t for ${SECONDS_EACH} s (max_len $max_len, dict $dict)"
  log="fuzz/artifacts/$t/run.log"
  if ! "${FUZZ[@]}" run "${SAN[@]}" "$t" "fuzz/corpus/$t" -- \
      -max_total_time="$SECONDS_EACH" -max_len="$max_len" -dict="fuzz/$dict" \
      -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "test-fuzz: FAILED: target $t crashed; input saved under fuzz/artifacts/$t/" >&2
    echo "test-fuzz: minimise it with: cargo +nightly fuzz tmin $t <artifact>, then add it to tests/fuzz-regressions/$t/" >&2
    exit 1
  fi
  { grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec)|DONE' "$log" || true; } | tr '\n' ' '
  echo
done
echo "test-fuzz: all ${#TARGETS[@]} targets ran ${SECONDS_EACH} s without a crash ($(( $(date +%s) - start )) s in all)"
