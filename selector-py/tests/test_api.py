"""The Python surface: construction, value semantics, label mappings, errors, explain, sets."""

from __future__ import annotations

import copy
import pickle
from collections import ChainMap, OrderedDict, defaultdict
from collections.abc import Iterator, Mapping
from types import MappingProxyType

import pytest

import calico_selector as cs
import calico_selector._native as native
from conftest import load_corpus

LABELS = {"app": "web", "tier": "frontend", "env": "prod"}


class ReadOnlyLabels(Mapping[str, str]):
    """A Mapping that is not a dict, counting lookups."""

    def __init__(self, data: dict[str, str]) -> None:
        self._data = data
        self.lookups = 0

    def __getitem__(self, key: str) -> str:
        self.lookups += 1
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


# --- the package ---------------------------------------------------------------------------


def test_public_names_are_exported() -> None:
    for name in cs.__all__:
        assert getattr(cs, name) is getattr(native, name)
    assert set(cs.__all__) >= {"Selector", "SelectorError", "SelectorSet", "parse", "validate",
                               "lint_text", "lint_paths"}
    assert isinstance(cs.__version__, str) and cs.__version__.count(".") == 2


def test_package_docstring_examples() -> None:
    import doctest

    result = doctest.testmod(cs, verbose=False)
    assert result.attempted >= 4 and result.failed == 0


def test_classes_live_in_the_public_module() -> None:
    for cls in (cs.Selector, cs.SelectorError, cs.SelectorSet, cs.Diagnostic, cs.Explanation,
                cs.LabelSets, cs.LabelRestriction):
        assert cls.__module__ == "calico_selector"


# --- Selector value semantics ---------------------------------------------------------------


def test_parse_and_selector_agree() -> None:
    assert cs.parse('a == "x"') == cs.Selector('a == "x"')
    assert isinstance(cs.parse("all()"), cs.Selector)


def test_text_forms() -> None:
    s = cs.Selector("tier in {'web','api'}&&has(app)")
    assert s.canonical == '(tier in {"api", "web"} && has(app))'
    assert str(s) == s.canonical
    assert s.source == "tier in {'web','api'}&&has(app)"
    assert repr(s) == "Selector(\"tier in {'web','api'}&&has(app)\")"
    assert eval(repr(s), {"Selector": cs.Selector}) == s
    assert cs.Selector('running-calico == "true"').unique_id == (
        "s:DUmB89iGSY1Zc4i1sUI_0d-I80TWRxureQMmKg"
    )
    assert cs.Selector("  ").canonical == "all()"
    assert cs.Selector("").unique_id == "s:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug"


def test_equality_hash_and_order_follow_canonical_text() -> None:
    a = cs.Selector('a=="x"  &&  b == "y"')
    b = cs.Selector("a == 'x' && b == 'y'")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != cs.Selector('a == "x"')
    assert a != a.canonical  # a str is not a Selector
    c = cs.Selector('z == "1"')
    assert sorted([c, a]) == [a, c]
    assert (a < c) == (a.canonical < c.canonical)
    assert a <= b and a >= b and not a < b
    with pytest.raises(TypeError):
        a < "text"  # noqa: B015


def test_selector_is_immutable() -> None:
    s = cs.Selector('a == "x"')
    with pytest.raises(AttributeError):
        s.canonical = "b"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        s.anything = 1  # type: ignore[attr-defined]
    assert copy.copy(s) is s and copy.deepcopy(s) is s


def test_pickle_keeps_the_source_text() -> None:
    # `!(!a == "x")` prints `!!a == "x"`, which re-parses as `a == "x"`: pickling the canonical
    # text would change the selector. The source text round-trips exactly.
    s = cs.Selector('!(!a == "x")')
    assert s.canonical == '!!a == "x"'
    back = pickle.loads(pickle.dumps(s))
    assert back == s and back.canonical == '!!a == "x"' and back.source == s.source
    assert cs.Selector(s.canonical) != s


def test_label_names_restrictions_and_never_match() -> None:
    s = cs.Selector('a == "x" && has(b) && !has(c) && d in {"2", "1", "2"}')
    assert s.label_names() == ["a", "b", "c", "d"]
    r = s.label_restrictions()
    assert list(r) == ["a", "b", "c", "d"]
    assert r["a"] == cs.LabelRestriction(present=True, values=["x"])
    assert r["b"] == cs.LabelRestriction(present=True)
    assert r["c"] == cs.LabelRestriction(absent=True)
    assert r["d"].values == ("1", "2")
    assert not any(x.is_impossible() for x in r.values())
    assert not s.restrictions_conflict()
    never = cs.Selector("has(e) && !has(e)")
    assert never.restrictions_conflict()
    assert never.label_restrictions()["e"].is_impossible()
    assert cs.Selector("a in {}").label_restrictions()["a"].values == ()
    assert repr(r["d"]) == "LabelRestriction(present=True, absent=False, values=('1', '2'))"
    assert pickle.loads(pickle.dumps(r["d"])) == r["d"]
    assert len({r["b"], cs.LabelRestriction(True, False, None)}) == 1


def test_with_label_prefix() -> None:
    s = cs.Selector('role == "db" || has(team)')
    p = s.with_label_prefix("pcns.")
    assert p.canonical == '(pcns.role == "db" || has(pcns.team))'
    assert p.matches({"pcns.role": "db"}) and not p.matches({"role": "db"})
    # a rewritten double negation still pickles and prints as a text that parses back to it
    q = cs.Selector('!(!app == "db")').with_label_prefix("pcns.")
    assert q.canonical == '!!pcns.app == "db"'
    assert pickle.loads(pickle.dumps(q)) == q
    assert eval(repr(q), {"Selector": cs.Selector}) == q
    with pytest.raises(ValueError, match="label prefix"):
        s.with_label_prefix("not a label ")
    with pytest.raises(ValueError, match="label prefix"):
        s.with_label_prefix("x" * 600)


# --- label mappings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        dict,
        OrderedDict,
        MappingProxyType,
        ReadOnlyLabels,
        lambda d: ChainMap({k: v for k, v in d.items() if k == "app"}, d),
        lambda d: defaultdict(str, d),
    ],
    ids=["dict", "OrderedDict", "MappingProxyType", "Mapping", "ChainMap", "defaultdict"],
)
def test_any_mapping_is_accepted(make) -> None:  # type: ignore[no-untyped-def]
    labels = make(dict(LABELS))
    assert cs.Selector('app == "web" && env in {"prod"}').matches(labels)
    assert not cs.Selector("has(missing)").matches(labels)
    assert cs.Selector("!has(missing) && tier starts with 'front'").matches(labels)
    assert cs.Selector('app == "web"').filter([labels, labels]) == [0, 1]


def test_defaultdict_does_not_grow() -> None:
    labels: defaultdict[str, str] = defaultdict(str, {"app": "web"})
    assert not cs.Selector("has(other)").matches(labels)
    assert dict(labels) == {"app": "web"}


def test_mapping_is_read_in_place() -> None:
    labels = ReadOnlyLabels(dict(LABELS))
    assert cs.Selector('app == "web"').matches(labels)
    assert labels.lookups == 1  # one label read, no copy of the mapping
    # Each label the selector names is read once, also where `&&` has already decided.
    assert not cs.Selector('has(nope) && tier == "x" && tier != "y"').matches(labels)
    assert labels.lookups == 3
    assert cs.Selector('app == "web"').filter([labels, labels]) == [0, 1]
    assert labels.lookups == 5
    assert cs.Selector('app == "web" || tier == "x"').explain(labels).matched
    assert labels.lookups == 7


@pytest.mark.parametrize("make", [dict, ReadOnlyLabels], ids=["dict", "Mapping"])
def test_only_the_labels_a_selector_names_are_read_and_checked(make) -> None:  # type: ignore[no-untyped-def]
    s = cs.Selector('app == "web"')
    # Entries the selector does not name are never read, so never checked, in a dict too.
    for labels in ({"app": "web", "unread": 1}, {"app": "web", 7: "x"}, {None: b"x", "app": "web"}):
        assert s.matches(make(labels))
        assert s.filter([make(labels)]) == [0]
        assert s.explain(make(labels)).matched
        assert s.filter(cs.LabelSets([{"app": "web"}])) == [0]
    # Every label it names is checked, also one the evaluation never reaches (`&&` stops at
    # `app`): matches, explain and filter raise the same error for the same label set.
    both = cs.Selector('app == "db" && tier == "x"')
    bad = make({"app": "web", "tier": 3})
    message = "label values must be str, but label 'tier' has a value of type int"
    with pytest.raises(TypeError, match=f"^{message}$"):
        both.matches(bad)
    with pytest.raises(TypeError, match=f"^{message}$"):
        both.explain(bad)
    with pytest.raises(TypeError, match=f"^label set 1: {message}$"):
        both.filter([{"app": "db"}, bad])
    # Names are read in sorted order: the first bad one is reported.
    worse = make({"app": None, "tier": 3})
    with pytest.raises(TypeError, match="label 'app' has a value of type NoneType"):
        both.matches(worse)
    with pytest.raises(TypeError, match="label set 0: .*label 'app' has a value of type NoneType"):
        both.filter([worse])


def test_non_str_keys_and_values_are_type_errors_naming_the_key() -> None:
    s = cs.Selector('app == "web"')
    with pytest.raises(TypeError, match=r"label 'app' has a value of type int"):
        s.matches({"app": 3, "tier": "x"})
    with pytest.raises(TypeError, match=r"label 'app' has a value of type NoneType"):
        s.matches({"app": None})
    with pytest.raises(TypeError, match=r"label 'app' has a value of type bytes"):
        s.matches(ReadOnlyLabels({"app": b"x"}))  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="label set 1: .*label 'app' has a value of type float"):
        s.filter([{"app": "web"}, {"app": 1.5}])
    with pytest.raises(TypeError, match="labels must be a Mapping"):
        s.matches([("app", "web")])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="label set 0: labels must be a Mapping"):
        s.filter(["app"])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        s.explain({"app": 1})
    # Copying a whole label set (LabelSets, SelectorSet) checks every key and value.
    with pytest.raises(TypeError, match="label set 0: .*got key 7 of type int"):
        cs.LabelSets([{"app": "web", 7: "x"}])
    with pytest.raises(TypeError, match=r"got key 7 of type int"):
        cs.SelectorSet([s]).matching({"app": "web", 7: "x"})
    with pytest.raises(TypeError, match=r"label 'tier' has a value of type int"):
        cs.SelectorSet([s]).matching({"app": "web", "tier": 3})


def test_str_subclasses_are_text() -> None:
    class Name(str):
        pass

    assert cs.Selector('app == "web"').matches({Name("app"): Name("web")})


def test_a_failing_mapping_propagates_its_error() -> None:
    class Broken(ReadOnlyLabels):
        def __getitem__(self, key: str) -> str:
            raise RuntimeError(f"cannot read {key}")

    with pytest.raises(RuntimeError, match="cannot read"):
        cs.Selector('app == "web"').matches(Broken({"app": "web"}))


def test_surrogates_in_values_are_errors_not_crashes() -> None:
    with pytest.raises(ValueError, match="label 'app'.*surrogate"):
        cs.Selector('app == "web"').matches({"app": "w\ud800"})
    s = cs.Selector('app == "x" && b == "y"')
    with pytest.raises(ValueError, match="^label set 1: the value of label 'b' contains a lone surrogate"):
        s.filter([{}, {"app": "z", "b": "\ud800"}])
    with pytest.raises(ValueError, match="label 'b'.*surrogate"):
        s.matches({"app": "z", "b": "\ud800"})
    assert s.matches({"app": "x", "b": "y", "unread": "\ud800"})


def test_a_mapping_may_call_back_into_matches() -> None:
    inner = cs.Selector('tier == "db"')

    class Reentrant(ReadOnlyLabels):
        def __getitem__(self, key: str) -> str:
            # Python code run while a label set is being read: the per-thread read buffer is
            # in use, and must be neither clobbered nor reported as busy.
            assert inner.matches({"tier": "db", "app": "x" * 100})
            assert not inner.matches(ReadOnlyLabels({"tier": "web"}))
            return super().__getitem__(key)

    s = cs.Selector('app == "web" && env == "prod" && tier in {"frontend"}')
    assert s.matches(Reentrant(dict(LABELS)))
    assert s.filter([Reentrant(dict(LABELS)), {}]) == [0]
    assert s.explain(Reentrant(dict(LABELS))).matched


def test_a_failed_read_leaves_no_trace() -> None:
    s = cs.Selector('a == "1" && b == "2"')
    with pytest.raises(TypeError):
        s.matches({"a": "1", "b": 2})
    assert s.matches({"a": "1", "b": "2"})
    assert not s.matches({"b": "2"})
    assert s.matches({"a": "1" * 100_000, "b": "2"}) is False
    assert s.matches({"a": "1", "b": "2"})


def test_non_ascii_labels_and_values() -> None:
    s = cs.Selector('app == "café" && note contains "☃"')
    assert s.matches({"app": "café", "note": "snow ☃ man"})
    assert not s.matches({"app": "cafe", "note": "☃"})


# --- filter -------------------------------------------------------------------------------------


def test_filter_accepts_any_iterable_and_agrees_with_matches() -> None:
    sets = [LABELS, {}, {"app": "web"}, {"app": "db", "env": "prod"}]
    s = cs.Selector('app == "web" || env == "prod"')
    expected = [i for i, labels in enumerate(sets) if s.matches(labels)]
    assert expected == [0, 2, 3]
    assert s.filter(sets) == expected
    assert s.filter(iter(sets)) == expected
    assert s.filter(x for x in sets) == expected
    assert s.filter([]) == []
    assert cs.Selector("all()").filter([{}, {}]) == [0, 1]


def test_label_sets_are_copied_once_and_filter_the_same() -> None:
    sets = [LABELS, {}, {"app": "web"}, {"app": "db", "env": "prod"}, {"é": "ü", "app": "wéb"}]
    prepared = cs.LabelSets(sets)
    assert len(prepared) == 5
    assert list(prepared) == sets and prepared[-1] == sets[-1] and prepared[1] == {}
    for text in ['app == "web" || env == "prod"', "has(app)", "!has(app)", "all()",
                 'app starts with "w" && !has(tier)', 'missing == "x"', "has(missing) || all()"]:
        s = cs.Selector(text)
        assert s.filter(prepared) == s.filter(sets) == [
            i for i, labels in enumerate(sets) if s.matches(labels)
        ], text
    assert pickle.loads(pickle.dumps(prepared))[0] == LABELS
    assert repr(prepared) == "LabelSets(<5 label sets>)"
    with pytest.raises(IndexError):
        prepared[5]
    with pytest.raises(TypeError, match="label set 1: .*got key 1 of type int"):
        cs.LabelSets([{}, {1: "x"}])
    with pytest.raises(TypeError, match="label set 0: .*label 'a' has a value of type int"):
        cs.LabelSets([ReadOnlyLabels({"a": 1})])  # type: ignore[dict-item]
    assert cs.Selector("all()").filter(cs.LabelSets([])) == []


# --- errors ---------------------------------------------------------------------------------------


def test_selector_error_fields_with_non_ascii_input() -> None:
    text = 'a == "é€😀" && b == y'
    with pytest.raises(cs.SelectorError) as info:
        cs.Selector(text)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.kind == "unquoted_value"
    assert text[err.start : err.end] == "y"
    assert (err.start, err.end) == (19, 20)
    assert (err.byte_start, err.byte_end) == (25, 26)
    assert text.encode()[err.byte_start : err.byte_end] == b"y"
    assert (err.line, err.column) == (1, 20)
    assert err.selector == text
    assert err.help is not None and '"y"' in err.help
    rendered = str(err)
    assert rendered.splitlines()[0] == err.args[0].splitlines()[0]
    assert text in rendered
    caret_line = next(line for line in rendered.splitlines() if line.strip().endswith("^"))
    assert caret_line.index("^") == rendered.splitlines()[2].index(text) + err.start


def test_selector_error_on_later_line() -> None:
    with pytest.raises(cs.SelectorError) as info:
        cs.Selector('a == "x\ny" &&\nb')
    assert info.value.kind == "newline_not_allowed"
    assert info.value.line == 2


def test_selector_error_pickles() -> None:
    with pytest.raises(cs.SelectorError) as info:
        cs.Selector("a = 'x'")
    err = info.value
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is cs.SelectorError
    assert str(back) == str(err)
    for field in ("selector", "kind", "message", "help", "start", "end", "byte_start",
                  "byte_end", "line", "column"):
        assert getattr(back, field) == getattr(err, field), field


def test_lone_surrogate_is_a_selector_error() -> None:
    with pytest.raises(cs.SelectorError) as info:
        cs.Selector('ab == "\ud800"')
    err = info.value
    assert err.kind == "invalid_unicode"
    assert (err.start, err.end) == (7, 8)
    assert err.selector == 'ab == "\ud800"'
    [diag] = cs.validate('ab == "\ud800"')
    assert diag.start == 7 and diag.rule == "selector-syntax"


def test_non_str_selector_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        cs.Selector(b'a == "x"')  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cs.validate(None)  # type: ignore[arg-type]


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    ok = "(" * 256 + 'a == "x"' + ")" * 256
    assert cs.Selector(ok).matches({"a": "x"})
    for depth in (257, 10_000, 1_000_000):
        with pytest.raises(cs.SelectorError) as info:
            cs.Selector("(" * depth + "all()" + ")" * depth)
        assert info.value.kind == "nesting_too_deep"
    bangs = "!" * 100_001 + "has(a)"
    assert cs.Selector(bangs).canonical == "!has(a)"


def test_a_rust_panic_becomes_a_runtime_error() -> None:
    # pyo3 would raise PanicException, a BaseException that `except Exception` misses; the
    # package's guard turns any panic into a RuntimeError.
    with pytest.raises(RuntimeError, match="internal error in calico_selector.*deliberate panic"):
        native._panic_inside_guard()


def test_validate_never_raises_on_bad_selectors() -> None:
    assert cs.validate('a == "x"') == []
    [d] = cs.validate('a == "x" && b == y')
    assert (d.rule, d.severity, d.file) == ("selector-syntax", "error", "<input>")
    assert (d.line, d.column, d.start, d.end) == (1, 18, 17, 18)
    assert d.help is not None
    assert "b == y" not in str(d) and str(d).startswith("<input>:1:18: error[selector-syntax]")
    assert pickle.loads(pickle.dumps(d)) == d
    assert d.to_dict()["rule"] == "selector-syntax"
    # Kubernetes syntax gets the linter's rule, with the Calico selector to write.
    [k] = cs.validate("a == x")
    assert (k.rule, k.severity) == ("k8s-selector-syntax", "error")
    assert k.help is not None and 'a == "x"' in k.help
    for entry in load_corpus():
        errors = [d for d in cs.validate(entry["selector"]) if d.severity == "error"]
        assert (errors == []) == entry["valid"]


def test_validate_warns_about_selectors_that_never_match() -> None:
    [d] = cs.validate("has(e) && !has(e)")
    assert (d.rule, d.severity) == ("never-matches", "warning")
    assert (d.start, d.end) == (0, len("has(e) && !has(e)"))
    assert cs.validate("!has(b) || a in {}") == []  # an impossible `||` operand is not dropped
    [d] = cs.validate('a == "é" && a in {}')
    assert d.end == len('a == "é" && a in {}') and d.byte_end == d.end + 1


def test_diagnostic_constructor_checks_severity() -> None:
    d = cs.Diagnostic("r", "warning", "m", file="f.yaml", line=3)
    assert (d.severity, d.file, d.line, d.help) == ("warning", "f.yaml", 3, None)
    with pytest.raises(ValueError, match="severity"):
        cs.Diagnostic("r", "fatal", "m")


# --- explain --------------------------------------------------------------------------------------


def test_explain_tree() -> None:
    s = cs.Selector('app == "web" && (tier == "db" || !has(debug))')
    e = s.explain({"app": "web", "tier": "frontend"})
    assert e.matched
    assert str(e) == (
        '✓ (app == "web" && (tier == "db" || !has(debug)))\n'
        '  ✓ app == "web"\n'
        '  ✓ (tier == "db" || !has(debug))\n'
        '    ✗ tier == "db"\n'
        "    ✓ !has(debug)\n"
        "      ✗ has(debug)\n"
    )
    assert [c.text for c in e.children] == ['app == "web"', '(tier == "db" || !has(debug))']
    first = e.children[0]
    assert s.source[first.start : first.end] == 'app == "web"'
    assert repr(first) == "Explanation(matched=True, text='app == \"web\"')"


def test_explain_offsets_are_code_points() -> None:
    s = cs.Selector('a == "ü" && b == "x"')
    e = s.explain({"a": "ü"})
    assert not e.matched
    left, right = e.children
    assert s.source[left.start : left.end] == 'a == "ü"'
    assert s.source[right.start : right.end] == 'b == "x"'
    assert s.source.encode()[right.byte_start : right.byte_end] == b'b == "x"'


# --- SelectorSet ----------------------------------------------------------------------------------


def test_selector_set_basics() -> None:
    texts = ['app == "web"', "has(tier)", "!has(app)", "all()", 'app in {"db", "web"}',
             "has(x) && !has(x)"]
    ss = cs.SelectorSet(texts[:3] + [cs.Selector(t) for t in texts[3:]])
    assert len(ss) == 6 and ss[0] == cs.Selector(texts[0]) and ss[-1].canonical == "(has(x) && !has(x))"
    assert [str(s) for s in ss] == [cs.Selector(t).canonical for t in texts]
    assert ss.matching_indices(LABELS) == [0, 1, 3, 4]
    assert ss.matching({}) == [ss[2], ss[3]]
    assert ss.matching({"app": "db"}) == [ss[3], ss[4]]
    assert ss.matching({"app": "db"})[0] is ss[3]
    back = pickle.loads(pickle.dumps(ss))
    assert back.selectors == ss.selectors
    assert cs.SelectorSet().matching(LABELS) == []
    with pytest.raises(IndexError):
        ss[6]
    with pytest.raises(cs.SelectorError):
        cs.SelectorSet(["a == x"])
    with pytest.raises(TypeError, match="Selector or str"):
        cs.SelectorSet([1])  # type: ignore[list-item]


def test_selector_set_agrees_with_matches_on_the_corpus() -> None:
    entries = [e for e in load_corpus() if e["valid"]]
    selectors = [cs.Selector(e["selector"]) for e in entries]
    label_sets = [c["labels"] for e in entries for c in e["cases"]][::23]
    ss = cs.SelectorSet(selectors)
    by_selector = [set(s.filter(label_sets)) for s in selectors]
    for j, labels in enumerate(label_sets):
        expected = [i for i, hits in enumerate(by_selector) if j in hits]
        assert ss.matching_indices(labels) == expected, labels
