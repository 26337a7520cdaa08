#!/usr/bin/env bash
# Runs the main job and checks what it must find: the deny-list Typha policy reuses the name
# `restrict-calico-node-prometheus`, which would replace the calico/node policy on apply.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(bash scripts/main-job.sh 2>&1); rc=$?
printf '%s\n' "$out"
fail() { echo "main job: $1" >&2; exit 1; }
[ "$rc" -eq 1 ] || fail "expected exit 1 (an error-level finding), got $rc"
grep -q 'deny-list/typha-prometheus-policy.yaml:[0-9]*:[0-9]*: error\[duplicate-resource\]: GlobalNetworkPolicy `restrict-calico-node-prometheus`' <<<"$out" \
  || fail "the Typha name clash was not reported"
json=$(bash scripts/main-job.sh --format json 2>/dev/null); [ $? -eq 1 ] || fail "--format json: expected exit 1"
python3 -c 'import json,sys; d=json.load(sys.stdin); assert any(x["rule"]=="duplicate-resource" for x in d["diagnostics"]), d' <<<"$json" \
  || fail "--format json does not carry the duplicate-resource finding"
shown=$(python3 - <<'PY'
import re
text = open("README.md", encoding="utf-8").read()
m = re.search(r"\$ bash scripts/main-job.sh\n(.*?)\n```", text, re.S)
print(m.group(1) if m else "")
PY
)
[ "$shown" = "$out" ] || { diff <(printf '%s\n' "$shown") <(printf '%s\n' "$out") | head -20; fail "README.md shows other output than the main job prints: update it"; }
echo "main job: found the Typha name clash (exit 1, as a linter should); README shows its output exactly"
