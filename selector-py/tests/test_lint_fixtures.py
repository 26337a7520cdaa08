"""The rule fixtures of selector-policy/tests/rules/ give the same findings through
``lint_text`` as through the CLI and the Rust harness (their ``fire.expected``), and
``validate`` agrees with the linter on single selectors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import calico_selector as cs

from conftest import REPO_ROOT

POLICY_CRATE = REPO_ROOT / "selector-policy"
RULES = sorted(p for p in (POLICY_CRATE / "tests" / "rules").iterdir() if p.is_dir())


def render(diagnostics: list[cs.Diagnostic]) -> str:
    """One finding per line, as fire.expected holds them."""
    return "".join(
        f"{d.line}:{d.column} {d.severity}[{d.rule}] {d.message.replace(chr(10), chr(92) + 'n')}\n"
        for d in diagnostics
    )


def relative(path: Path) -> str:
    """The name the Rust harness gives the file (relative to the selector-policy crate)."""
    return path.relative_to(POLICY_CRATE).as_posix()


@pytest.mark.parametrize("rule_dir", RULES, ids=[p.name for p in RULES])
def test_fire_fixture_matches_its_snapshot(rule_dir: Path) -> None:
    fire = rule_dir / "fire.yaml"
    found = cs.lint_text(fire.read_text(encoding="utf-8"), relative(fire))
    assert rule_dir.name in {d.rule for d in found}
    assert render(found) == (rule_dir / "fire.expected").read_text(encoding="utf-8")


@pytest.mark.parametrize("rule_dir", RULES, ids=[p.name for p in RULES])
def test_clean_fixtures_are_silent(rule_dir: Path) -> None:
    cleans = sorted(rule_dir.glob("clean*.yaml"))
    assert cleans, f"{rule_dir.name} has no clean fixture"
    for clean in cleans:
        assert cs.lint_text(clean.read_text(encoding="utf-8"), relative(clean)) == []


SINGLE = [
    "!all()",
    'env == "prod" && env == "dev"',
    "has(a) && !has(a)",
    "a = 'x'",
    "app in (web, api)",
    "app=web,tier!=db",
    'a == "x" &&\nb == "y"',
    'app == "web"',
    "a in {}",
]


@pytest.mark.parametrize("selector", SINGLE)
def test_validate_agrees_with_lint(selector: str) -> None:
    """The rules of a selector alone are those the linter reports on a policy's selector."""
    policy = (
        "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\n"
        f"metadata:\n  name: p\nspec:\n  selector: {json.dumps(selector)}\n"
    )
    linted = [(d.rule, d.severity, d.message) for d in cs.lint_text(policy)]
    alone = [(d.rule, d.severity, d.message) for d in cs.validate(selector)]
    assert alone == linted


def test_validate_warns_where_lint_warns() -> None:
    [d] = cs.validate("!all()")
    assert (d.rule, d.severity) == ("never-matches", "warning")


FIRE = (POLICY_CRATE / "tests" / "rules" / "unknown-label" / "fire.yaml").read_text(encoding="utf-8")


def test_rule_choices_as_keywords() -> None:
    everything = {d.rule for d in cs.lint_text(FIRE)}
    assert {"unknown-label", "policy-selects-nothing"} <= everything
    only = cs.lint_text(FIRE, select=["unknown-label"], severity={"unknown-label": "error"})
    assert {(d.rule, d.severity) for d in only} == {("unknown-label", "error")}
    assert "unknown-label" not in {d.rule for d in cs.lint_text(FIRE, ignore=["unknown-label"])}
    with pytest.raises(ValueError, match="did you mean `unknown-label`"):
        cs.lint_text(FIRE, select=["unknown-lable"])
    with pytest.raises(ValueError, match="fatal"):
        cs.lint_text(FIRE, severity={"unknown-label": "fatal"})


def test_suppressions_apply_in_lint_text() -> None:
    text = FIRE.replace("  selector: ap ==", "  # calico-selector: ignore[unknown-label]\n  selector: ap ==")
    found = [(d.rule, d.line) for d in cs.lint_text(text)]
    assert ("unknown-label", 26) not in found and ("unknown-label", 25) not in found
    unused = cs.lint_text(text.replace("ignore[unknown-label]", "ignore[never-matches]"))
    assert "unused-suppression" in {d.rule for d in unused}


def test_lint_paths_finds_the_configuration_and_rejects_no_manifest(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "p.yaml").write_text(FIRE, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.calico-selector]\nselect = ["policy-selects-nothing"]\n', encoding="utf-8"
    )
    assert {d.rule for d in cs.lint_paths(tmp_path / "policies")} == {"policy-selects-nothing"}
    assert "unknown-label" in {d.rule for d in cs.lint_paths(tmp_path / "policies", config=False)}
    # Keywords go on top of the file.
    assert cs.lint_paths(tmp_path / "policies", ignore=["policy-selects-nothing"]) == []
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no manifest to lint"):
        cs.lint_paths(tmp_path / "empty")
