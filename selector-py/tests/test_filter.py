"""`filter` gives the same indices as a loop over `matches`, on a list and on a `LabelSets`."""

from __future__ import annotations

import json

import pytest

import calico_selector as cs
from conftest import workload_path


def test_filter_agrees_with_matches_on_the_benchmark_workload() -> None:
    workload = workload_path()
    if workload is None:
        pytest.skip("no benchmark workload (../shared/bench/workload.json) beside the repository")
    data = json.loads(workload.read_text(encoding="utf-8"))
    selectors = [cs.Selector(text) for text in data["selectors"]]
    endpoints = data["endpoints"][:300]
    prepared = cs.LabelSets(endpoints)
    assert list(prepared) == endpoints
    pairs = 0
    for s in selectors:
        expected = [i for i, labels in enumerate(endpoints) if s.matches(labels)]
        assert s.filter(endpoints) == expected, s
        assert s.filter(prepared) == expected, s
        pairs += len(expected)
    assert pairs > 10_000


def test_filter_on_label_sets_is_exact_where_the_index_narrows() -> None:
    # Selectors the LabelSets index answers from its postings, from a text probe, by
    # exclusion or by a scan: every kind must give the indices of a plain loop.
    sets = [
        {"app": "web", "env": "prod"},
        {"app": "web-1", "env": "qa"},
        {"app": "db"},
        {},
        {"env": "prod", "tier": "x"},
        {"app": "web", "env": "prod"},
    ]
    prepared = cs.LabelSets(sets)
    for text in [
        'app == "web"', 'app in {"web", "db", "never"}', 'app != "web"', 'app not in {"web"}',
        "has(app)", "!has(app)", 'app starts with "web"', 'app contains "eb-"',
        'app ends with "b"', '!(app starts with "w")', 'app == "web" || env == "qa"',
        'app == "never"', 'app == "web" && !has(app)', "all()", "!all()", "global()",
        'app == "web" && env == "prod"', '(has(tier) || app == "db") && !has(zzz)',
        'unknown == "x"', 'unknown != "x"',
    ]:
        s = cs.Selector(text)
        expected = [i for i, labels in enumerate(sets) if s.matches(labels)]
        assert s.filter(prepared) == expected == s.filter(sets), text
