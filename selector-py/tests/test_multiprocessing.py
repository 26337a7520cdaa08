"""Selectors, errors and results travel through a real `multiprocessing` pool (pickling)."""

from __future__ import annotations

import multiprocessing
import pickle

import pytest

import calico_selector as cs

LABEL_SETS = [
    {"app": "web", "tier": "frontend"},
    {"app": "db", "tier": "backend"},
    {},
]


def evaluate(job: tuple[cs.Selector, list[dict[str, str]]]) -> tuple[str, list[int], cs.Selector]:
    selector, label_sets = job
    return selector.unique_id, selector.filter(label_sets), selector.with_label_prefix("pcns.")


def parse_in_worker(text: str) -> cs.Selector:
    return cs.Selector(text)


def validate_in_worker(text: str) -> list[cs.Diagnostic]:
    return cs.validate(text)


def set_in_worker(job: tuple[cs.SelectorSet, dict[str, str]]) -> list[cs.Selector]:
    selector_set, labels = job
    return selector_set.matching(labels)


@pytest.fixture(scope="module")
def pool():  # type: ignore[no-untyped-def]
    # "spawn": a fresh interpreter that must import calico_selector and unpickle everything.
    with multiprocessing.get_context("spawn").Pool(2) as p:
        yield p


def test_selectors_round_trip_through_workers(pool) -> None:  # type: ignore[no-untyped-def]
    texts = ['app == "web"', "has(tier) && !has(debug)", '!(!app == "db")', "all()"]
    selectors = [cs.Selector(t) for t in texts]
    results = pool.map(evaluate, [(s, LABEL_SETS) for s in selectors])
    for s, (uid, hits, prefixed) in zip(selectors, results):
        assert uid == s.unique_id
        assert hits == s.filter(LABEL_SETS)
        assert prefixed == s.with_label_prefix("pcns.")
    parsed = pool.map(parse_in_worker, texts)
    assert parsed == selectors
    assert [p.source for p in parsed] == texts


def test_errors_and_diagnostics_cross_process_boundaries(pool) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(cs.SelectorError) as info:
        pool.apply(parse_in_worker, ('a == "x" && b = "y"',))
    err = info.value
    assert err.kind == "invalid_operator"
    assert (err.start, err.end) == (14, 15)
    assert err.selector == 'a == "x" && b = "y"'
    [diag] = pool.apply(validate_in_worker, ("a == x",))
    assert diag == cs.validate("a == x")[0]


def test_selector_sets_travel_too(pool) -> None:  # type: ignore[no-untyped-def]
    ss = cs.SelectorSet(['app == "web"', "has(tier)", 'app == "db"'])
    out = pool.apply(set_in_worker, ((ss, LABEL_SETS[0]),))
    assert out == [ss[0], ss[1]]


def test_pickle_protocols() -> None:
    s = cs.Selector("tier in {'a', 'b'}")
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(s, protocol)) == s
