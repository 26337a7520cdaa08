#!/usr/bin/env python3
"""Builds the seed corpus of every fuzz target under fuzz/corpus/<target>/ (git-ignored).

Sources: Calico's verdict corpus (tests/data/calico-corpus.jsonl), the YAML/JSON files of the
examples directories, and a few hand-made edge cases. Standard library only; idempotent
(each seed is named by the SHA-1 of its bytes, as libFuzzer names corpus files).

    python3 fuzz/seed-corpus.py            # from the repository root (or anywhere)

Input formats (see fuzz/src/checks.rs):
  parse         selector text
  restrictions  b"T" + selector + (b"\\0" + name=value)*   (even first byte = text mode)
  eval_diff     bytes decoded by `arbitrary` into a tree and labels (random seeds)
  lint          a YAML file
  flow          a YAML file, then optionally b"\0" and bytes choosing the flows

Seeds longer than the target's max_len (fuzz/options/<target>.options) are skipped.
"""

import hashlib
import json
import os
import random
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUZZ = os.path.join(ROOT, "fuzz")
CORPUS = os.path.join(FUZZ, "corpus")
SKIP_DIRS = {".git", "target", "node_modules", "corpus", "artifacts", ".venv", "pkg"}


def max_len(target):
    with open(os.path.join(FUZZ, "options", target + ".options"), encoding="utf-8") as f:
        m = re.search(r"^max_len\s*=\s*(\d+)", f.read(), re.M)
    return int(m.group(1)) if m else 4096


def write(target, data, limit, counts):
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > limit:
        return
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, hashlib.sha1(data).hexdigest())
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(data)
    counts[target] = counts.get(target, 0) + 1


def example_files():
    """YAML/JSON files under every `examples` directory of the repository, plus test data."""
    out = []
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and d != "fuzz")
        rel = os.path.relpath(dirpath, ROOT).split(os.sep)
        if "examples" not in rel and "testdata" not in rel and rel[:2] != ["tests", "data"]:
            continue
        for name in sorted(filenames):
            if name.endswith((".yaml", ".yml", ".json")):
                out.append(os.path.join(dirpath, name))
    return out


def yaml_str(s):
    # JSON strings are YAML double-quoted scalars.
    return json.dumps(s)


def policy_yaml(i, sel, other):
    kind = i % 4
    if kind == 0:
        return (
            "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n"
            f"  name: p{i}\nspec:\n  selector: {yaml_str(sel)}\n"
            f"  namespaceSelector: {yaml_str(other)}\n  types:\n  - Ingress\n"
        )
    if kind == 1:
        return (
            "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata:\n"
            f"  name: p{i}\n  namespace: ns\nspec:\n  selector: {yaml_str(sel)}\n"
            "  ingress:\n  - action: Allow\n    source:\n"
            f"      selector: {yaml_str(other)}\n      notSelector: {yaml_str(sel)}\n"
            "    destination:\n      serviceAccounts:\n        names: [a, b]\n"
            f"        selector: {yaml_str(other)}\n"
        )
    if kind == 2:
        return (
            "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n"
            f"  name: p{i}\nspec:\n  selector: {sel}\n---\n"
            "apiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata:\n"
            f"  name: h{i}\n  labels:\n    a: x\n    role: db\nspec:\n  node: n1\n"
        )
    return json.dumps(
        {
            "apiVersion": "projectcalico.org/v3",
            "kind": "GlobalNetworkPolicy",
            "metadata": {"name": f"p{i}"},
            "spec": {"selector": sel, "egress": [{"action": "Deny", "destination": {"selector": other}}]},
        },
        indent=2,
    )


def main():
    counts = {}
    limits = {t: max_len(t) for t in ("parse", "restrictions", "eval_diff", "lint", "flow")}
    records = []
    with open(os.path.join(ROOT, "tests", "data", "calico-corpus.jsonl"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                records.append(json.loads(line))

    selectors = []
    for r in records:
        selectors.append(r["selector"])
        if r.get("canonical"):
            selectors.append(r["canonical"])
    for s in selectors:
        write("parse", s, limits["parse"], counts)

    # Edge cases: nesting at and over the limit, runs of `!`, label length limit.
    edge = [
        "(" * 256 + "has(a)" + ")" * 256,
        "(" * 257 + "has(a)" + ")" * 257,
        "!" * 1000 + "has(a)",
        "!(" * 200 + "a == 'x'" + ")" * 200,
        "a" * 512 + " == 'x'",
        "a" * 513 + " == 'x'",
        " && ".join(f"l{i} == 'v{i}'" for i in range(150)),
        "a in {" + ", ".join(f"'v{i}'" for i in range(300)) + ",}",
        "",
        " \t ",
        "a == \"x\ny\"",
        "a == 'x'\n",
    ]
    for s in edge:
        write("parse", s, limits["parse"], counts)

    for r in records:
        if not r.get("valid"):
            write("restrictions", b"T" + r["selector"].encode("utf-8"), limits["restrictions"], counts)
            continue
        for case in r.get("cases", [])[:3]:
            labels = b"".join(
                b"\0" + f"{k}={v}".encode("utf-8") for k, v in sorted(case["labels"].items())
            )
            write("restrictions", b"T" + r["selector"].encode("utf-8") + labels, limits["restrictions"], counts)

    rng = random.Random(6)
    for _ in range(200):
        n = rng.randint(16, 1024)
        write("eval_diff", bytes(rng.getrandbits(8) for _ in range(n)), limits["eval_diff"], counts)
        # odd first byte: the structured mode of `restrictions`
        write("restrictions", bytes([1]) + bytes(rng.getrandbits(8) for _ in range(n)), limits["restrictions"], counts)

    for path in example_files():
        with open(path, "rb") as f:
            write("lint", f.read(), limits["lint"], counts)
    valid = [r["selector"] for r in records if r.get("valid")]
    invalid = [r["selector"] for r in records if not r.get("valid")]
    rng = random.Random(7)
    for i in range(400):
        sel = rng.choice(valid if i % 3 else invalid)
        other = rng.choice(valid)
        write("lint", policy_yaml(i, sel, other), limits["lint"], counts)

    # flow: every scenario folder of the evaluator and every lint fixture, with random queries.
    rng = random.Random(8)
    texts = []
    scen = os.path.join(ROOT, "selector-policy", "tests", "scenarios")
    for name in sorted(os.listdir(scen)) if os.path.isdir(scen) else []:
        d = os.path.join(scen, name)
        docs = []
        for f in sorted(os.listdir(d)):
            if f.endswith(".yaml"):
                with open(os.path.join(d, f), encoding="utf-8") as fh:
                    docs.append(fh.read())
        texts.append("\n---\n".join(docs))
    rules = os.path.join(ROOT, "selector-policy", "tests", "rules")
    for dirpath, _, filenames in sorted(os.walk(rules)):
        for f in sorted(filenames):
            if f.endswith(".yaml"):
                with open(os.path.join(dirpath, f), encoding="utf-8") as fh:
                    texts.append(fh.read())
    for path in example_files():
        with open(path, "rb") as f:
            texts.append(f.read().decode("utf-8", "replace"))
    for t in texts:
        write("flow", t, limits["flow"], counts)
        write("flow", t.encode("utf-8") + b"\0" + bytes(rng.getrandbits(8) for _ in range(32)), limits["flow"], counts)

    for target in sorted(counts):
        print(f"seed-corpus: {target}: {counts[target]} seeds -> fuzz/corpus/{target}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
