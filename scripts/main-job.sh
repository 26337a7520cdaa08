#!/usr/bin/env bash
# The main job: check the selectors of the Calico guide's manifests (../shared/seed/) with the
# core library. (The policy linter replaces this with `calico-selector lint examples/`.)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run -q --release -p selector-core --example check -- \
  'running-calico == "true"' \
  'calico-prometheus-access == "true"' \
  'k8s-app == "calico-kube-controllers"'
