#!/usr/bin/env bash
# Runs the main job and checks what it must find: the deny-list Typha policy reuses the name
# `restrict-calico-node-prometheus`, which would replace the calico/node policy on apply; with
# that file applied last, port 9091 of the guide's host endpoint is open to every address,
# while the allow-list folder opens it only to the calico-prometheus-access network set.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(bash scripts/main-job.sh 2>&1); rc=$?
printf '%s\n' "$out"
fail() { echo "main job: $1" >&2; exit 1; }
[ "$rc" -eq 1 ] || fail "expected exit 1 (an error-level finding), got $rc"
grep -q 'deny-list/typha-prometheus-policy.yaml:[0-9]*:[0-9]*: error\[duplicate-resource\]: GlobalNetworkPolicy `restrict-calico-node-prometheus`' <<<"$out" \
  || fail "the Typha name clash was not reported"
summaries=$(grep '^reachable from:' <<<"$out")
[ "$(sed -n 1p <<<"$summaries")" = "reachable from: hostendpoint/kubeadm-node-0.eth0, external (any other address), globalnetworkset/calico-prometheus-set" ] \
  || fail "deny-list: 9091 should be reachable from every address, got: $(sed -n 1p <<<"$summaries")"
[ "$(sed -n 2p <<<"$summaries")" = "reachable from: globalnetworkset/calico-prometheus-set" ] \
  || fail "allow-list: 9091 should be reachable only from the network set, got: $(sed -n 2p <<<"$summaries")"
json=$(bash scripts/main-job.sh --format json 2>/dev/null); [ $? -eq 1 ] || fail "--format json: expected exit 1"
python3 - "$json" <<'PY' || fail "--format json does not carry the findings and both reach answers"
import json, sys
text, dec, docs, i = sys.argv[1], json.JSONDecoder(), [], 0
while i < len(text):
    if text[i].isspace():
        i += 1
        continue
    doc, i = dec.raw_decode(text, i)
    docs.append(doc)
lint, deny, allow = docs
assert any(x["rule"] == "duplicate-resource" for x in lint["diagnostics"]), lint
ext = [s for s in deny["sources"] if s["source"] == "external"]
assert ext and all(s["verdict"] == "allow" for s in ext), deny
assert [s["source"] for s in allow["sources"] if s["verdict"] == "allow"] == ["globalnetworkset/calico-prometheus-set"], allow
assert allow["summary"] == "reachable from: globalnetworkset/calico-prometheus-set"
PY
shown=$(python3 - <<'PY'
import re
text = open("README.md", encoding="utf-8").read()
m = re.search(r"\$ bash scripts/main-job.sh\n(.*?)\n```", text, re.S)
print(m.group(1) if m else "")
PY
)
[ "$shown" = "$out" ] || { diff <(printf '%s\n' "$shown") <(printf '%s\n' "$out") | head -20; fail "README.md shows other output than the main job prints: update it"; }
echo "main job: found the Typha name clash (exit 1, as a linter should), 9091 open to every address under the deny-list and only to the network set under the allow-list; README shows its output exactly"
