"""Replays the Calico-verdict corpus (tests/data/calico-corpus.jsonl) in full from Python.

Every line is one test: validity, canonical text, unique id, label restrictions and every
match case, through `matches`, `filter` (on a list and on a `LabelSets`), `explain` and
`SelectorSet` alike.
"""

from __future__ import annotations

from typing import Any

import pytest

import calico_selector as cs
from conftest import load_corpus

ENTRIES = load_corpus()


def restrictions_as_json(s: cs.Selector) -> dict[str, dict[str, Any]]:
    return {
        name: {
            "present": r.present,
            "absent": r.absent,
            "values": None if r.values is None else list(r.values),
        }
        for name, r in s.label_restrictions().items()
    }


def test_corpus_is_complete() -> None:
    assert len(ENTRIES) == 3000
    assert sum(e["valid"] for e in ENTRIES) > 1000
    assert sum(not e["valid"] for e in ENTRIES) > 100


@pytest.mark.parametrize("entry", ENTRIES, ids=[f"line{i + 1}" for i in range(len(ENTRIES))])
def test_corpus_entry(entry: dict[str, Any]) -> None:
    text = entry["selector"]
    if not entry["valid"]:
        with pytest.raises(cs.SelectorError) as info:
            cs.Selector(text)
        err = info.value
        assert err.selector == text
        assert 0 <= err.start <= err.end <= len(text)
        assert err.byte_start == len(text[: err.start].encode())
        assert err.byte_end == len(text[: err.end].encode())
        assert err.kind and err.kind == err.kind.lower()
        assert err.message in str(err)
        diagnostics = cs.validate(text)
        assert any(d.severity == "error" for d in diagnostics)
        # The parse error itself, unless the Kubernetes-syntax rule rewrote it.
        same = [d for d in diagnostics if d.message == err.message]
        if same:
            assert (same[0].start, same[0].end) == (err.start, err.end)
            assert same[0].rule in {"selector-syntax", "k8s-selector-syntax"}
        else:
            # Rewritten by a linter rule that explains more: Kubernetes syntax, a line break.
            rules = {d.rule for d in diagnostics}
            assert rules & {"k8s-selector-syntax", "selector-newline"}, rules
        return

    s = cs.Selector(text)
    # The linter's never-matches rule finds at least what the core's restrictions find.
    rules = [d.rule for d in cs.validate(text)]
    assert set(rules) <= {"never-matches"}
    assert ("never-matches" in rules) >= s.restrictions_conflict()
    assert s.canonical == entry["canonical"]
    assert str(s) == entry["canonical"]
    assert s.unique_id == entry["unique_id"]
    assert restrictions_as_json(s) == entry["label_restrictions"]

    cases = entry["cases"]
    expected = [c["matches"] for c in cases]
    assert [s.matches(c["labels"]) for c in cases] == expected
    assert s.filter([c["labels"] for c in cases]) == [i for i, m in enumerate(expected) if m]
    assert s.filter(cs.LabelSets(c["labels"] for c in cases)) == [
        i for i, m in enumerate(expected) if m
    ]
    assert [s.explain(c["labels"]).matched for c in cases] == expected
    one = cs.SelectorSet([s])
    assert [bool(one.matching(c["labels"])) for c in cases] == expected
