"""The rule fixtures of selector-policy/tests/rules/ give the same findings through
``lint_text`` as through the CLI and the Rust harness (their ``fire.expected``), and
``validate`` agrees with the linter on single selectors."""

from __future__ import annotations

from pathlib import Path

import pytest

import calico_selector as cs

from .conftest import REPO_ROOT

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
    quoted = selector.replace("'", "''")
    policy = (
        "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\n"
        f"metadata:\n  name: p\nspec:\n  selector: '{quoted}'\n"
    )
    linted = [(d.rule, d.severity, d.message) for d in cs.lint_text(policy)]
    alone = [(d.rule, d.severity, d.message) for d in cs.validate(selector)]
    assert alone == linted


def test_validate_warns_where_lint_warns() -> None:
    [d] = cs.validate("!all()")
    assert (d.rule, d.severity) == ("never-matches", "warning")
