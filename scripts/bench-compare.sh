#!/usr/bin/env bash
# Same-run comparison of `bench_workload` between builds: builds the example at each git
# revision given (and at the working tree, written `.` and shown as `work`), then runs the builds in turn,
# round after round, so that every round measures them all under the same load. Prints each
# figure's median per build and, per round, each build's ratio to the first (range and
# median): the form in which the README and closing notes state figures.
#
# Usage: scripts/bench-compare.sh [--rounds N] [--workload FILE] BASE [OTHER ...]
#   scripts/bench-compare.sh HEAD~3 .            the working tree against HEAD~3, 6 rounds
#   scripts/bench-compare.sh --rounds 10 98ddba6 2d1673f .
# Builds of revisions are kept under target/bench-compare/ and reused.
# Exits non-zero if a build fails or the builds disagree on the number of matching pairs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
rounds=6
workload=../shared/bench/workload.json
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --workload) workload=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    -*) echo "bench-compare: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { echo "usage: scripts/bench-compare.sh [--rounds N] [--workload FILE] BASE [OTHER ...]" >&2; exit 2; }
[ -f "$workload" ] || { echo "bench-compare: no workload at $workload" >&2; exit 2; }
out=$root/target/bench-compare
mkdir -p "$out"

# Builds `bench_workload` for revision $1 (`.`: the working tree); prints the binary's path.
build() {
  local rev=$1 bin
  if [ "$rev" = . ]; then
    cargo build --quiet --release -p selector-core --example bench_workload >&2
    bin=$out/bin-working-tree
    cp target/release/examples/bench_workload "$bin"
  else
    local sha
    sha=$(git rev-parse --verify --quiet "$rev^{commit}") || { echo "bench-compare: no revision $rev" >&2; exit 2; }
    bin=$out/bin-$sha
    if [ ! -x "$bin" ]; then
      local tree=$out/tree-$sha
      [ -d "$tree" ] || git worktree add --quiet --detach "$tree" "$sha" >&2
      (cd "$tree" && CARGO_TARGET_DIR=$out/target cargo build --quiet --release -p selector-core --example bench_workload >&2)
      cp "$out/target/release/examples/bench_workload" "$bin"
      git worktree remove --force "$tree" >&2
    fi
  fi
  echo "$bin"
}

names=() bins=()
for rev in "$@"; do
  echo "== bench-compare: building $rev" >&2
  if [ "$rev" = . ]; then names+=(work); else names+=("$rev"); fi
  bins+=("$(build "$rev")")
done
raw=$out/raw.jsonl
: > "$raw"
for round in $(seq "$rounds"); do
  for i in "${!bins[@]}"; do
    echo "== bench-compare: round $round of $rounds, ${names[$i]}" >&2
    line=$("${bins[$i]}" "$workload" 2>/dev/null) || true
    printf '%s\t%s\n' "${names[$i]}" "$line" >> "$raw"
  done
done
python3 "$root/scripts/bench_compare.py" "$raw" "${names[@]}"
