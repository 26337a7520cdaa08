"""Type-checked use of the public API: `mypy --strict` on this file checks the stubs from the
user's side (test_typing.py runs both mypy on it and the code itself)."""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from typing import Literal, assert_type

import calico_selector as cs


def typed_usage() -> list[str]:
    s = cs.Selector('app == "web" && tier in {"a", "b"}')
    assert_type(s, cs.Selector)
    assert_type(cs.parse("all()"), cs.Selector)
    labels: Mapping[str, str] = {"app": "web", "tier": "a"}
    assert_type(s.matches(labels), bool)
    assert_type(s.filter([labels, {}]), list[int])
    prepared = cs.LabelSets([labels, {}])
    assert_type(s.filter(prepared), list[int])
    assert_type(prepared[0], dict[str, str])
    assert_type(s.canonical, str)
    assert_type(s.unique_id, str)
    assert_type(s.source, str)
    restrictions = s.label_restrictions()
    assert_type(restrictions, dict[str, cs.LabelRestriction])
    values = restrictions["tier"].values
    assert_type(values, tuple[str, ...] | None)
    assert_type(s.restrictions_conflict(), bool)
    assert_type(s.label_names(), list[str])
    assert_type(s.with_label_prefix("pcns."), cs.Selector)
    e = s.explain(labels)
    assert_type(e, cs.Explanation)
    assert_type(e.children, tuple[cs.Explanation, ...])
    assert_type(e.matched, bool)
    diagnostics = cs.validate("a == x")
    assert_type(diagnostics, list[cs.Diagnostic])
    severity = diagnostics[0].severity
    assert_type(severity, Literal["error", "warning", "info"])
    ss = cs.SelectorSet([s, "has(app)"])
    assert_type(ss.matching(labels), list[cs.Selector])
    assert_type(ss.matching_indices(labels), list[int])
    assert_type(ss[0], cs.Selector)
    out: list[str] = [str(x) for x in ss]
    try:
        cs.Selector("a = 'x'")
    except cs.SelectorError as err:
        assert_type(err.start, int)
        assert_type(err.help, str | None)
        out.append(f"{err.kind}:{err.start}-{err.end}")
    back = pickle.loads(pickle.dumps(s))
    assert back == s
    sorted_selectors: list[cs.Selector] = sorted([s, cs.Selector("all()")])
    out.extend(x.canonical for x in sorted_selectors)
    return out
