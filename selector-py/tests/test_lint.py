"""The policy linter from Python: the repository's examples, positions, paths and errors."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import calico_selector as cs
from conftest import EXAMPLES

SYNTAX = """\
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: syntax # café ☃ — non-ASCII before the errors
spec:
  selector: app = 'web'
  ingress:
    - action: Allow
      source:
        notSelector: "role == 'db' &&"
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: not-a-string
spec:
  selector: [app]
"""


def test_lint_text_positions_are_code_points() -> None:
    diagnostics = cs.lint_text(SYNTAX, "policy.yaml")
    assert [(d.rule, d.severity, d.line, d.column) for d in diagnostics] == [
        ("selector-syntax", "error", 6, 17),
        ("selector-syntax", "error", 10, 38),
        ("selector-syntax", "error", 17, 13),
    ]
    first, second, third = diagnostics
    assert first.file == "policy.yaml"
    assert SYNTAX[first.start : first.end] == "="
    assert SYNTAX.encode()[first.byte_start : first.byte_end] == b"="
    assert first.byte_start > first.start  # the non-ASCII comment comes before it
    assert SYNTAX[third.start : third.end] == "[app]"
    assert first.help is not None and "==" in first.help
    assert str(first).startswith("policy.yaml:6:17: error[selector-syntax]: ")
    assert pickle.loads(pickle.dumps(second)) == second


def test_lint_text_without_a_name_and_clean_input() -> None:
    [d, *_] = cs.lint_text(SYNTAX)
    assert d.file == "<input>"
    # (a positive peer selector: an Allow from `notSelector` alone admits the internet)
    clean = SYNTAX.split("---")[0].replace("app = 'web'", "app == 'web'").replace(
        "notSelector: \"role == 'db' &&\"", "selector: \"role == 'db'\"")
    assert cs.lint_text(clean, "clean.yaml") == []


def test_lint_text_reports_bad_yaml_instead_of_raising() -> None:
    [d] = [d for d in cs.lint_text("kind: [unclosed\n", "bad.yaml") if d.severity == "error"]
    assert d.rule == "yaml-syntax"


def test_examples_allow_list_is_clean() -> None:
    assert [d for d in cs.lint_paths(EXAMPLES / "secure-prometheus" / "allow-list")
            if d.severity == "error"] == []


def test_examples_find_the_duplicate_policy_name() -> None:
    diagnostics = cs.lint_paths([EXAMPLES])
    errors = [d for d in diagnostics if d.severity == "error"]
    assert [(d.rule, Path(d.file).name, d.line, d.column) for d in errors] == [
        ("duplicate-resource", "typha-prometheus-policy.yaml", 6, 9)
    ]
    [d] = errors
    text = Path(d.file).read_text(encoding="utf-8")
    assert text[d.start : d.end] == "restrict-calico-node-prometheus"
    assert "calico-prometheus-policy.yaml" in d.message
    # str, Path, a list of either, and a generator all name the same input
    assert cs.lint_paths(str(EXAMPLES)) == diagnostics
    assert cs.lint_paths(p for p in [EXAMPLES]) == diagnostics


def test_missing_paths_are_diagnostics_not_exceptions(tmp_path: Path) -> None:
    [d] = cs.lint_paths([tmp_path / "missing.yaml"])
    assert (d.rule, d.severity) == ("io-error", "error")
    assert d.file.endswith("missing.yaml")


def test_lint_paths_argument_types() -> None:
    with pytest.raises(TypeError, match="paths must be"):
        cs.lint_paths(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="paths must be str or os.PathLike"):
        cs.lint_paths(["ok.yaml", 3])  # type: ignore[list-item]
