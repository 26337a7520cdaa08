"""The selector algebra (is_satisfiable, implies, equivalent, intersects, witness,
counterexample) against an independent oracle: the z3 SMT solver's string theory.

z3 sometimes gives up on tiny string formulas, so each query has a timeout; the undecided
ones are counted in the output and decided by a bounded search instead, which is exact for
this language: for one label, if some value satisfies a set of `==` / `contains` /
`starts with` / `ends with` literals and fails the others, then one of the literals itself or
prefix·f·contains₁·f·…·f·suffix does (f a character found in no literal), so enumerating
those candidates (and absence) per label decides every query.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from typing import Union

import pytest
import z3

import calico_selector as cs

LABELS = ["a", "b", "c"]
VALUES = ["", "a", "b", "ab", "ba", "abc", "bcd", "abcd", "pr", "od", "prod", "duct", "production", "on"]
FRESH = "#"  # in no value above
TIMEOUT_MS = 1000


@dataclass(frozen=True)
class Leaf:
    op: str  # has, ==, !=, contains, starts with, ends with, in, not in, all
    label: str = ""
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Not:
    inner: "Node"


@dataclass(frozen=True)
class Chain:
    op: str  # && or ||
    items: tuple["Node", ...]


Node = Union[Leaf, Not, Chain]


def gen(rng: random.Random, depth: int) -> Node:
    if depth == 0 or rng.random() < 0.35:
        op = rng.choice(["has", "==", "!=", "contains", "contains", "starts with", "starts with",
                         "ends with", "ends with", "in", "not in", "all"])
        label = rng.choice(LABELS)
        if op in ("in", "not in"):
            return Leaf(op, label, tuple(sorted(set(rng.sample(VALUES, rng.randint(0, 3))))))
        return Leaf(op, label, (rng.choice(VALUES),))
    if rng.random() < 0.25:
        return Not(gen(rng, depth - 1))
    return Chain(rng.choice(["&&", "||"]), tuple(gen(rng, depth - 1) for _ in range(rng.randint(2, 3))))


def text(n: Node) -> str:
    if isinstance(n, Leaf):
        if n.op == "all":
            return "all()"
        if n.op == "has":
            return f"has({n.label})"
        if n.op in ("in", "not in"):
            return f"{n.label} {n.op} {{{', '.join(repr(v) for v in n.values)}}}"
        return f"{n.label} {n.op} {n.values[0]!r}"
    if isinstance(n, Not):
        return f"!({text(n.inner)})"
    return "(" + f" {n.op} ".join(text(i) for i in n.items) + ")"


# z3: each label is a presence flag and a string value; every atom but `!=`/`not in` needs presence.
PRESENT = {k: z3.Bool(f"present_{k}") for k in LABELS}
VALUE = {k: z3.String(f"value_{k}") for k in LABELS}


def smt(n: Node) -> z3.BoolRef:
    if isinstance(n, Leaf):
        if n.op == "all":
            return z3.BoolVal(True)
        p, v = PRESENT[n.label], VALUE[n.label]
        if n.op == "has":
            return p
        lits = [z3.StringVal(x) for x in n.values]
        if n.op in ("in", "not in"):
            inside = z3.And(p, z3.Or([v == x for x in lits])) if lits else z3.BoolVal(False)
            return z3.Not(inside) if n.op == "not in" else inside
        x = lits[0]
        atom = {
            "==": v == x,
            "!=": v == x,
            "contains": z3.Contains(v, x),
            "starts with": z3.PrefixOf(x, v),
            "ends with": z3.SuffixOf(x, v),
        }[n.op]
        return z3.Not(z3.And(p, atom)) if n.op == "!=" else z3.And(p, atom)
    if isinstance(n, Not):
        return z3.Not(smt(n.inner))
    parts = [smt(i) for i in n.items]
    return z3.And(parts) if n.op == "&&" else z3.Or(parts)


def leaves(n: Node) -> list[Leaf]:
    if isinstance(n, Leaf):
        return [n]
    if isinstance(n, Not):
        return leaves(n.inner)
    return [x for i in n.items for x in leaves(i)]


def candidates(nodes: list[Node], label: str) -> list[str | None]:
    """Absence, every literal, and prefix·f·c₁·f·…·f·suffix for every choice of a prefix
    literal (or none), a subset of the contains literals and a suffix literal (or none)."""
    ls = [leaf for n in nodes for leaf in leaves(n) if leaf.label == label]
    lits = sorted({v for leaf in ls for v in leaf.values})
    starts = sorted({leaf.values[0] for leaf in ls if leaf.op == "starts with"} | {""})
    ends = sorted({leaf.values[0] for leaf in ls if leaf.op == "ends with"} | {""})
    contains = sorted({leaf.values[0] for leaf in ls if leaf.op == "contains"})
    out: set[str] = set(lits)
    for p, s in itertools.product(starts, ends):
        for r in range(len(contains) + 1):
            for cs_ in itertools.combinations(contains, r):
                out.add(FRESH.join([p, *cs_, s]))
    return [None, *sorted(out)]


def bounded_search(want: list[tuple[cs.Selector, bool]], nodes: list[Node]) -> dict[str, str] | None:
    """A label set on which each selector's verdict is as wanted, or None: exact (see above)."""
    per_label = [candidates(nodes, k) for k in LABELS]
    for values in itertools.product(*per_label):
        labels = {k: v for k, v in zip(LABELS, values) if v is not None}
        if all(s.matches(labels) == verdict for s, verdict in want):
            return labels
    return None


class Oracle:
    def __init__(self) -> None:
        self.decided = 0
        self.undecided = 0

    def satisfiable(self, formula: z3.BoolRef, want: list[tuple[cs.Selector, bool]], nodes: list[Node]) -> bool:
        solver = z3.Solver()
        solver.set("timeout", TIMEOUT_MS)
        solver.add(formula)
        verdict = solver.check()
        if verdict == z3.sat:
            self.decided += 1
            return True
        if verdict == z3.unsat:
            self.decided += 1
            return False
        self.undecided += 1
        return bounded_search(want, nodes) is not None


def test_random_pairs_agree_with_z3(capsys: pytest.CaptureFixture[str]) -> None:
    rng = random.Random(20261204)
    oracle = Oracle()
    pairs = 0
    for _ in range(150):
        a, b = gen(rng, 3), gen(rng, 3)
        s, t = cs.Selector(text(a)), cs.Selector(text(b))
        pairs += 1
        nodes = [a, b]

        sat = oracle.satisfiable(smt(a), [(s, True)], nodes)
        assert s.is_satisfiable() == sat, s
        w = s.witness()
        assert (w is not None) == sat
        if w is not None:
            assert s.matches(w)

        implies = not oracle.satisfiable(z3.And(smt(a), z3.Not(smt(b))), [(s, True), (t, False)], nodes)
        assert s.implies(t) == implies, (s, t)
        ce = s.counterexample(t)
        assert (ce is None) == implies, (s, t)
        if ce is not None:
            assert s.matches(ce) and not t.matches(ce)

        inter = oracle.satisfiable(z3.And(smt(a), smt(b)), [(s, True), (t, True)], nodes)
        assert s.intersects(t) == inter, (s, t)

        reverse = not oracle.satisfiable(z3.And(smt(b), z3.Not(smt(a))), [(t, True), (s, False)], nodes)
        assert s.equivalent(t) == (implies and reverse), (s, t)
    with capsys.disabled():
        print(f"\n[algebra vs z3] {pairs} pairs, {oracle.decided + oracle.undecided} queries: "
              f"{oracle.decided} decided by z3, {oracle.undecided} undecided (timeout "
              f"{TIMEOUT_MS} ms) decided by bounded search; all agree")


def test_bounded_search_is_an_oracle_too() -> None:
    # The formula that z3 finds hard: unsatisfiable.
    hard = Chain("&&", (Not(Leaf("starts with", "a", ("ba",))), Leaf("starts with", "a", ("duct",)),
                        Leaf("contains", "a", ("production",)), Not(Leaf("contains", "a", ("on",)))))
    s = cs.Selector(text(hard))
    assert bounded_search([(s, True)], [hard]) is None
    assert not s.is_satisfiable()
    overlap = Chain("&&", (Leaf("starts with", "a", ("abc",)), Leaf("ends with", "a", ("bcd",)),
                           Leaf("!=", "a", ("abcd",))))
    s = cs.Selector(text(overlap))
    assert bounded_search([(s, True)], [overlap]) is not None
    assert s.witness() == {"a": "abcbcd"}


def test_examples() -> None:
    sel = cs.Selector
    assert sel("a starts with 'abc' && a ends with 'bcd' && a != 'abcd'").is_satisfiable()
    pr_od = sel("a starts with 'pr' && a ends with 'od'")
    assert not pr_od.implies(sel("a == 'prod'"))
    assert sel("a == 'prod'").implies(pr_od)
    assert pr_od.counterexample(sel("a == 'prod'")) == {"a": "prxod"}
    assert sel("!has(a)").witness() == {}
    assert sel("!all()").witness() is None
    assert not sel("!all()").is_satisfiable()
    assert sel("a in {'x'}").equivalent(sel("a == 'x'"))
    assert not sel("a == 'x'").intersects(sel("a == 'y'"))
    assert sel("env == 'prod'").counterexample(sel("has(env)")) is None
    with pytest.raises(TypeError):
        sel("has(a)").implies("has(a)")  # type: ignore[arg-type]
