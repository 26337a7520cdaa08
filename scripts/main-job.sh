#!/usr/bin/env bash
# The main job, on the Calico guide's manifests in examples/ ("Secure Calico Prometheus
# endpoints", one folder per approach): lint them, then ask who can reach the guide's host
# endpoint on the calico/node metrics port 9091 under each approach. Extra arguments (e.g.
# `--format json`) go to every command. Exits as the linter does: 0 clean, 1 findings at or
# above --fail-on (default: error), 2 usage or I/O error.
set -uo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release -p selector-cli || exit 2
bin=target/release/calico-selector
"$bin" lint examples/ "$@"
rc=$?
for approach in deny-list allow-list; do
  dir=examples/secure-prometheus/$approach
  [ "$*" = "" ] && printf '\n$ calico-selector reach %s --to hostendpoint/kubeadm-master.eth0 --port 9091\n' "$dir"
  "$bin" reach "$dir" --to hostendpoint/kubeadm-master.eth0 --port 9091 "$@" || exit 2
done
exit "$rc"
