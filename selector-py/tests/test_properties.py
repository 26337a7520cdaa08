"""Property tests (hypothesis): generated selectors against an evaluator written here."""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Union

from hypothesis import given, settings
from hypothesis import strategies as st

import calico_selector as cs

NAMES = ["app", "tier", "env", "a", "b", "in", "has", "not", "all", "k8s.io/name"]
VALUES = ["", "web", "db", "prod", "a'b", 'a"b', "é☃", "x y", "\\", "web-1"]


# A small AST mirroring SPEC section 3, rendered to text with random spacing and evaluated
# directly (section 4) as the oracle.
@dataclass(frozen=True)
class Leaf:
    op: str
    name: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Not:
    inner: "Node"


@dataclass(frozen=True)
class Chain:
    op: str  # "&&" or "||"
    items: tuple["Node", ...]


Node = Union[Leaf, Not, Chain]


def quote(v: str) -> str:
    return "'" + v + "'" if '"' in v else '"' + v + '"'


def render(node: Node, ws: st.DrawFn) -> str:
    sp = ws(st.sampled_from(["", " ", "\t", "  "]))
    if isinstance(node, Leaf):
        n, vs = node.name, node.values
        if node.op == "has":
            return f"has({sp}{n}{sp})"
        if node.op in ("all", "global"):
            return f"{node.op}()"
        if node.op in ("in", "not in"):
            return f"{n} {node.op}{sp}{{{sp}{(','+sp).join(quote(v) for v in vs)}{sp}}}"
        return f"{n}{sp} {node.op} {sp}{quote(vs[0])}"
    if isinstance(node, Not):
        return f"!{sp}({render(node.inner, ws)})"
    return "(" + f"{sp}{node.op}{sp}".join(render(i, ws) for i in node.items) + ")"


def evaluate(node: Node, labels: Mapping[str, str]) -> bool:
    if isinstance(node, Not):
        return not evaluate(node.inner, labels)
    if isinstance(node, Chain):
        results = [evaluate(i, labels) for i in node.items]
        return all(results) if node.op == "&&" else any(results)
    v = labels.get(node.name)
    op = node.op
    if op in ("all", "global"):
        return True
    if op == "has":
        return v is not None
    if op == "==":
        return v == node.values[0]
    if op == "!=":
        return v != node.values[0]
    if op == "in":
        return v is not None and v in node.values
    if op == "not in":
        return v is None or v not in node.values
    if v is None:
        return False
    if op == "contains":
        return node.values[0] in v
    if op == "starts with":
        return v.startswith(node.values[0])
    return v.endswith(node.values[0])


names = st.sampled_from(NAMES)
values = st.sampled_from(VALUES)
tests = st.one_of(
    st.builds(Leaf, st.sampled_from(["==", "!=", "contains", "starts with", "ends with"]),
              names, st.tuples(values)),
    st.builds(Leaf, st.sampled_from(["in", "not in"]), names,
              st.lists(values, max_size=3).map(tuple)),
    st.builds(Leaf, st.just("has"), names),
    st.builds(Leaf, st.sampled_from(["all", "global"]), st.just("")),
)
nodes = st.recursive(
    tests,
    lambda inner: st.one_of(
        st.builds(Not, inner),
        st.builds(Chain, st.sampled_from(["&&", "||"]),
                  st.lists(inner, min_size=2, max_size=4).map(tuple)),
    ),
    max_leaves=12,
)
label_sets = st.dictionaries(names, values, max_size=6)


@settings(max_examples=300)
@given(nodes, st.lists(label_sets, min_size=1, max_size=8), st.data())
def test_matches_filter_explain_and_sets_agree_with_the_oracle(node, sets, data) -> None:  # type: ignore[no-untyped-def]
    text = render(node, data.draw)
    s = cs.Selector(text)
    expected = [evaluate(node, labels) for labels in sets]
    assert [s.matches(labels) for labels in sets] == expected
    assert s.filter(sets) == [i for i, m in enumerate(expected) if m]
    assert s.filter(cs.LabelSets(sets)) == [i for i, m in enumerate(expected) if m]
    assert [s.explain(labels).matched for labels in sets] == expected
    ss = cs.SelectorSet([s, "all()"])
    assert [ss.matching_indices(labels) == [0, 1] for labels in sets] == expected
    restrictions = s.label_restrictions()
    for labels, matched in zip(sets, expected):
        if matched:  # restrictions are a lower bound on every matching label set
            for name, r in restrictions.items():
                assert not (r.present and name not in labels)
                assert not (r.absent and name in labels)
                assert r.values is None or labels.get(name) in r.values


@settings(max_examples=300)
@given(nodes, st.data())
def test_canonical_text_keeps_meaning_and_settles(node, data) -> None:  # type: ignore[no-untyped-def]
    s = cs.Selector(render(node, data.draw))
    once = cs.Selector(s.canonical)
    twice = cs.Selector(once.canonical)
    assert cs.Selector(twice.canonical) == twice
    for labels in data.draw(st.lists(label_sets, max_size=5)):
        assert once.matches(labels) == s.matches(labels)
    assert pickle.loads(pickle.dumps(s)) == s
    assert hash(cs.Selector(s.source)) == hash(s)


@settings(max_examples=500)
@given(st.lists(st.sampled_from(list("ab=!&|(){}\"', \t\né€") + ["has(", "all()", " in ", "\ud800"]),
                max_size=20).map("".join)
       | st.text())
def test_validate_never_raises_and_agrees_with_parse(text: str) -> None:
    diagnostics = cs.validate(text)
    try:
        cs.Selector(text)
    except cs.SelectorError as err:
        assert any(d.severity == "error" for d in diagnostics)
        # The parse error itself, unless the Kubernetes-syntax rule rewrote it.
        same = [d for d in diagnostics if d.message == err.message]
        if same:
            assert (same[0].start, same[0].end) == (err.start, err.end)
        else:
            # Rewritten by a linter rule that explains more: Kubernetes syntax, a line break.
            rules = {d.rule for d in diagnostics}
            assert rules & {"k8s-selector-syntax", "selector-newline"}, rules
        assert 0 <= err.start <= err.end <= len(text)
        assert err.byte_start == len(text[: err.start].encode("utf-8", "surrogatepass"))
        assert err.line == text[: err.start].count("\n") + 1
    else:
        assert all(d.severity != "error" for d in diagnostics)


@settings(max_examples=200)
@given(st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=8))
def test_any_str_dict_is_accepted(labels: dict[str, str]) -> None:
    label_chars = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-")
    for key, value in labels.items():
        if not key or not set(key) <= label_chars:
            continue
        assert cs.Selector(f"has({key})").matches(labels)
        if not ('"' in value and "'" in value):
            assert cs.Selector(f"{key} == {quote(value)}").matches(labels)
            assert not cs.Selector(f"{key} != {quote(value)}").matches(labels)


def leaf_names(node: Node) -> set[str]:
    if isinstance(node, Leaf):
        return {node.name} if node.name else set()
    if isinstance(node, Not):
        return leaf_names(node.inner)
    return set().union(*(leaf_names(i) for i in node.items))


class Lookups(Mapping[str, object]):
    """A Mapping that is not a dict (read with `[]`)."""

    def __init__(self, data: dict[object, object]) -> None:
        self._data = data

    def __getitem__(self, key: str) -> object:
        return self._data[key]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


def outcome(call):  # type: ignore[no-untyped-def]
    try:
        return ("ok", call())
    except (TypeError, ValueError) as err:
        return (type(err), str(err))


messy_sets = st.dictionaries(
    st.one_of(names, st.sampled_from([1, None, b"app", ("a",)])),
    st.one_of(values, st.sampled_from([1, None, b"web", 2.5, "w\ud800", ["web"]])),
    max_size=6,
)


@settings(max_examples=400)
@given(nodes, messy_sets, st.booleans(), st.data())
def test_matches_filter_and_explain_agree_on_bad_label_sets(node, labels, lazy, data) -> None:  # type: ignore[no-untyped-def]
    s = cs.Selector(render(node, data.draw))
    source = Lookups(labels) if lazy else labels
    matched = outcome(lambda: s.matches(source))
    # The contract: the labels the selector names are read in sorted order, and the first
    # one present whose value is not text (TypeError) or not UTF-8 (ValueError) is reported;
    # nothing else is read.
    named = sorted(leaf_names(node))
    assert s.label_names() == named
    bad = [n for n in named if n in labels and not isinstance(labels[n], str)]
    surrogate = [n for n in named if isinstance(labels.get(n), str) and "\ud800" in labels[n]]
    first = min(bad + surrogate, default=None)
    if first is None:
        assert matched == ("ok", evaluate(node, {k: v for k, v in labels.items() if k in named}))
    else:
        assert matched[0] is (TypeError if first in bad else ValueError)
        assert f"label {first!r}" in matched[1]
    # filter (both paths) and explain say exactly the same, errors included.
    if matched[0] == "ok":
        assert outcome(lambda: s.filter([source])) == ("ok", [0] if matched[1] else [])
    else:
        assert outcome(lambda: s.filter([{}, source])) == (matched[0], f"label set 1: {matched[1]}")
    assert outcome(lambda: s.explain(source).matched) == matched
