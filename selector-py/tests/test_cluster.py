"""The policy evaluator from Python: `Cluster` replays the evaluator's scenario folders and
agrees with `calico-selector flow|reach|policies --format json` (and its human text)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import calico_selector as cs
from conftest import EXAMPLES, REPO_ROOT

SCENARIOS = REPO_ROOT / "selector-policy" / "tests" / "scenarios"
DENY_LIST = EXAMPLES / "secure-prometheus" / "deny-list"
ALLOW_LIST = EXAMPLES / "secure-prometheus" / "allow-list"
MASTER = "hostendpoint/kubeadm-master.eth0"


@pytest.fixture(scope="session")
def cli() -> Path:
    """The `calico-selector` binary, built (or found up to date) by cargo."""
    subprocess.run(["cargo", "build", "--quiet", "-p", "selector-cli"], cwd=REPO_ROOT, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO_ROOT / "target"))
    if not target.is_absolute():
        target = REPO_ROOT / target
    binary = target / "debug" / "calico-selector"
    assert binary.is_file(), binary
    return binary


def run_cli(cli: Path, *args: str | Path) -> str:
    out = subprocess.run([str(cli), *map(str, args)], capture_output=True, text=True,
                         check=False)
    assert out.returncode in (0, 1), out.stderr
    return out.stdout


@dataclass
class Query:
    where: str
    src: str
    dst: str
    protocol: str
    port: int
    verdict: str
    reason: str
    policy: str | None
    rule: int | None


def queries(folder: Path) -> list[Query]:
    """`FROM TO PROTO/PORT => VERDICT REASON POLICY[#RULE]` lines (the Rust harness's format)."""
    out = []
    text = (folder / "queries.txt").read_text(encoding="utf-8")
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        lhs, rhs = line.split("=>")
        src, dst, flow = lhs.split()
        verdict, reason, deciding = rhs.split()
        protocol, port = flow.split("/")
        policy: str | None = None
        rule: int | None = None
        if deciding != "-":
            policy, _, number = deciding.partition("#")
            rule = int(number) if number else None
        out.append(Query(f"{folder.name}/queries.txt:{n}", src, dst, protocol, int(port),
                         verdict, reason, policy, rule))
    return out


def inputs(folder: Path) -> list[Path]:
    listed = folder / "inputs.txt"
    if listed.is_file():
        return [REPO_ROOT / line.strip()
                for line in listed.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [folder]


FOLDERS = sorted(p for p in SCENARIOS.iterdir() if (p / "queries.txt").is_file())


def test_the_scenario_folders_are_there() -> None:
    assert len(FOLDERS) >= 20
    assert {"seed-deny-list", "seed-allow-list", "tier-pass", "staged"} <= {p.name for p in FOLDERS}


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_scenarios_match_their_expectations_and_the_cli(folder: Path, cli: Path) -> None:
    paths = inputs(folder)
    cluster = cs.Cluster.from_paths(paths)
    for q in queries(folder):
        v = cluster.flow(q.src, q.dst, q.port, q.protocol)
        d = v.decided_by
        assert (v.verdict, d.reason, d.policy) == (q.verdict, q.reason, q.policy), \
            f"{q.where}\n{v}"
        if q.rule is not None:
            assert d.rule == q.rule, q.where
        assert v.allowed == (q.verdict == "allow")
        assert v.trace[-1].event == "verdict" and v.trace[-1].action == q.verdict.capitalize()
        want = json.loads(run_cli(cli, "flow", *paths, "--from", q.src, "--to", q.dst,
                                  "--port", str(q.port), "--protocol", q.protocol,
                                  "--format", "json"))
        assert v.to_dict() == want, q.where
        # The typed fields are the JSON's fields.
        assert d.to_dict() == want["decided_by"]
        assert [t.to_dict() for t in v.trace] == want["trace"]
        assert list(v.uncertain) == want["uncertain"]
        for side in ("egress", "ingress"):
            got = getattr(v.sides, side)
            assert (got.to_dict() if got else None) == want["sides"][side], q.where


def test_str_is_the_cli_human_output(cli: Path) -> None:
    cluster = cs.Cluster.from_paths(DENY_LIST)
    v = cluster.flow("203.0.113.9", MASTER, 9093)
    assert str(v) == run_cli(cli, "flow", DENY_LIST, "--from", "203.0.113.9", "--to", MASTER,
                             "--port", "9093")
    assert str(v).startswith(f"DENY 203.0.113.9 -> {MASTER} TCP 9093")
    deciding = v.decided_by
    assert deciding.file is not None and deciding.line is not None
    assert Path(deciding.file).name == "typha-prometheus-policy.yaml"
    assert f"{deciding.file}:{deciding.line}" in str(v)
    assert str(deciding).startswith("end of tier") or str(deciding).startswith("rule ")


def test_reach_answers_the_seed(cli: Path) -> None:
    deny = cs.Cluster.from_paths([DENY_LIST]).reach(MASTER, 9091)
    allow = cs.Cluster.from_paths([ALLOW_LIST]).reach(MASTER, 9091)
    # The deny-list leaves 9091 open to every address; the allow-list closes it to `external`.
    assert {s.source: s.verdict for s in deny.sources}["external"] == "allow"
    assert {s.source: s.verdict for s in allow.sources}["external"] == "deny"
    assert deny.summary.startswith("reachable from")
    assert (deny.to, deny.port, deny.protocol) == (MASTER, 9091, "TCP")
    for folder, r in ((DENY_LIST, deny), (ALLOW_LIST, allow)):
        args: list[str | Path] = ["reach", folder, "--to", MASTER, "--port", "9091"]
        assert r.to_dict() == json.loads(run_cli(cli, *args, "--format", "json"))
        assert str(r) == run_cli(cli, *args)
        assert [s.to_dict() for s in r.sources] == r.to_dict()["sources"]


def test_policies_lists_what_applies(cli: Path) -> None:
    p = cs.Cluster.from_paths(ALLOW_LIST).policies(MASTER)
    assert p.endpoint == MASTER
    names = [pol.name for t in p.ingress.tiers for pol in t.policies]
    assert "restrict-calico-node-prometheus" in names
    tier = p.ingress.tiers[0]
    assert tier.default_action in ("Deny", "Pass")
    assert all(isinstance(pol, cs.AppliedPolicy) and pol.stage in ("normal", "untracked",
                                                                    "pre-dnat")
               for pol in tier.policies)
    args: list[str | Path] = ["policies", ALLOW_LIST, "--endpoint", MASTER]
    assert p.to_dict() == json.loads(run_cli(cli, *args, "--format", "json"))
    assert str(p) == run_cli(cli, *args)
    assert p.ingress.to_dict() == p.to_dict()["ingress"]
    assert [x.to_dict() for x in p.egress.profiles] == p.to_dict()["egress"]["profiles"]


STAGED = SCENARIOS / "staged"


def test_staged_policies_are_marked() -> None:
    p = cs.Cluster.from_paths(STAGED).policies("pod/shop/web")
    staged = [pol for d in (p.ingress, p.egress) for t in d.tiers for pol in t.policies
              if pol.staged]
    assert staged, str(p)
    assert "staged" in str(p)


def test_from_text_names_the_file_and_equals_from_paths() -> None:
    files = sorted(STAGED.glob("*.yaml"))
    text = "\n---\n".join(f.read_text(encoding="utf-8") for f in files)
    one = cs.Cluster.from_text(text, "all.yaml")
    v = one.flow("203.0.113.9", "pod/shop/db", 443)
    assert (v.verdict, v.decided_by.policy) == ("allow", "audit.db-https")
    assert v.decided_by.file == "all.yaml"
    both = cs.Cluster.from_paths(STAGED).flow("203.0.113.9", "pod/shop/db", 443)
    assert v.decided_by.to_dict() == both.decided_by.to_dict()
    unnamed = cs.Cluster.from_text(text).flow("203.0.113.9", "pod/shop/db", 443)
    assert unnamed.decided_by.file == "<input>"
    assert set(one.endpoints) >= {"pod/shop/web", "pod/shop/db"}


def test_unknown_and_malformed_references_are_value_errors() -> None:
    cluster = cs.Cluster.from_paths(ALLOW_LIST)
    with pytest.raises(ValueError, match="hostendpoint/nope"):
        cluster.flow("hostendpoint/nope", MASTER, 80)
    with pytest.raises(ValueError, match="pod/ns/ghost"):
        cluster.flow("10.0.0.1", "pod/ns/ghost", 80)
    with pytest.raises(ValueError, match="pod/ns/ghost"):
        cluster.reach("pod/ns/ghost", 80)
    with pytest.raises(ValueError, match="hostendpoint/nope"):
        cluster.policies("hostendpoint/nope")
    with pytest.raises(ValueError, match="not-a-ref"):
        cluster.flow("not-a-ref", MASTER, 80)
    with pytest.raises(ValueError, match="gre"):
        cluster.flow("10.0.0.1", MASTER, 80, "gre")
    with pytest.raises(ValueError, match="70000"):
        cluster.flow("10.0.0.1", MASTER, 70000)


def test_load_errors_are_value_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no manifest"):
        cs.Cluster.from_paths(tmp_path)
    with pytest.raises(TypeError, match="paths must be"):
        cs.Cluster.from_paths(42)  # type: ignore[arg-type]


def test_classes_are_frozen_and_printable() -> None:
    cluster = cs.Cluster.from_paths(DENY_LIST)
    v = cluster.flow("203.0.113.9", MASTER, 9091)
    assert repr(cluster).startswith("Cluster(endpoints=")
    assert repr(v).startswith("FlowVerdict(verdict='allow', decided_by=Decision(")
    assert repr(v.trace[0]).startswith("TraceEntry(")
    assert repr(cluster.reach(MASTER, 9091)).startswith("Reach(to=")
    assert repr(cluster.policies(MASTER)).startswith("EndpointPolicies(endpoint=")
    with pytest.raises(AttributeError):
        v.verdict = "deny"  # type: ignore[misc]
    assert v == cluster.flow("203.0.113.9", MASTER, 9091)
    assert v != cluster.flow("203.0.113.9", MASTER, 9093)
    d: dict[str, Any] = v.to_dict()
    assert set(d) == {"verdict", "decided_by", "sides", "trace", "uncertain"}


def test_bad_yaml_is_a_value_error_naming_the_file() -> None:
    with pytest.raises(ValueError, match=r"bad\.yaml:2:1: invalid YAML"):
        cs.Cluster.from_text("kind: [unclosed\n", "bad.yaml")
    assert cs.Cluster.from_text("").endpoints == ()


TYPED_USAGE = '''
from __future__ import annotations

import calico_selector as cs

c: cs.Cluster = cs.Cluster.from_text("", "x.yaml")
v: cs.FlowVerdict = c.flow("10.0.0.1", "hostendpoint/h", 9091, protocol="udp")
verdict: str = v.verdict
rule: int | None = v.decided_by.rule
ingress: cs.Decision | None = v.sides.ingress
lines: list[int | None] = [t.line for t in v.trace]
r: cs.Reach = c.reach("hostendpoint/h", 9091)
names: list[str] = [s.source for s in r.sources]
p: cs.EndpointPolicies = c.policies("hostendpoint/h")
orders: list[float | None] = [x.order for t in p.ingress.tiers for x in t.policies]
profiles: list[bool] = [x.exists for x in p.egress.profiles]
text: str = str(v) + str(r) + str(p)
d: dict[str, object] = v.to_dict()
c.flow("a", "b", "9091")  # type: ignore[arg-type]
'''


def test_the_stubs_type_check_cluster_usage(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    usage = tmp_path / "cluster_usage.py"
    usage.write_text(TYPED_USAGE, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--warn-unused-ignores",
         "--cache-dir", "/dev/null", str(usage)],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
