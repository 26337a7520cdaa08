"""Type stubs for the native module `calico_selector._native` (built from selector-py/src)."""

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, Union, final

_Path = Union[str, os.PathLike[str]]

__version__: str
__all__ = [
    "Diagnostic",
    "Explanation",
    "LabelRestriction",
    "LabelSets",
    "Selector",
    "SelectorError",
    "SelectorSet",
    "__version__",
    "_panic_inside_guard",
    "lint_paths",
    "lint_text",
    "parse",
    "validate",
]

class SelectorError(ValueError):
    """A selector that does not parse. `str()` is the caret rendering; pickles."""

    selector: str
    """The selector text as given."""
    kind: str
    """Stable snake_case name of the error kind, e.g. ``"unquoted_value"``."""
    message: str
    """One-line description (no position)."""
    help: str | None
    """What to write instead, when known."""
    start: int
    """Start of the problem in ``selector`` (str index, i.e. code points)."""
    end: int
    """End of the problem in ``selector`` (str index, exclusive)."""
    byte_start: int
    """Start of the problem in the UTF-8 encoding of ``selector``."""
    byte_end: int
    """End of the problem in the UTF-8 encoding of ``selector`` (exclusive)."""
    line: int
    """1-based line of ``start``."""
    column: int
    """1-based column of ``start``, in code points."""

@final
class Selector:
    """A parsed Calico selector: immutable, hashable, ordered and compared by canonical text."""

    def __new__(cls, text: str) -> Selector: ...
    @property
    def canonical(self) -> str:
        """Canonical text (Calico's ``String()``)."""
    @property
    def source(self) -> str:
        """The text the selector was parsed from."""
    @property
    def unique_id(self) -> str:
        """Calico's ``UniqueID()``."""
    def matches(self, labels: Mapping[str, str]) -> bool:
        """Whether the selector matches ``labels``, read in place: each label the selector
        names (``label_names()``) is looked up once and nothing else is read; the value of
        each one present must be a ``str`` (else ``TypeError`` naming the label)."""
    def explain(self, labels: Mapping[str, str]) -> Explanation:
        """The verdict of every sub-expression on ``labels`` (read as ``matches`` reads it)."""
    def filter(self, label_sets: LabelSets | Iterable[Mapping[str, str]]) -> list[int]:
        """Indices, in increasing order, of the label sets that match. A ``LabelSets`` is
        answered entirely in Rust by its index; any other iterable of mappings is read as
        ``matches`` reads each one (same verdicts, same errors, prefixed with the label set's
        position), then evaluated. Both evaluate without the GIL."""
    def label_restrictions(self) -> dict[str, LabelRestriction]:
        """Calico's ``LabelRestrictions()``, sorted by label name."""
    def can_never_match(self) -> bool:
        """True if the label restrictions can never be met."""
    def label_names(self) -> list[str]:
        """The distinct label names the selector reads, sorted."""
    def with_label_prefix(self, prefix: str) -> Selector:
        """The selector with ``prefix`` in front of every label name."""
    def __hash__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __lt__(self, other: Selector, /) -> bool: ...
    def __le__(self, other: Selector, /) -> bool: ...
    def __gt__(self, other: Selector, /) -> bool: ...
    def __ge__(self, other: Selector, /) -> bool: ...
    def __reduce__(self) -> tuple[type[Selector], tuple[str]]: ...
    def __copy__(self) -> Selector: ...
    def __deepcopy__(self, memo: Any, /) -> Selector: ...
    def is_satisfiable(self) -> bool:
        """True if some label set matches the selector (exact for every operator)."""
    def implies(self, other: Selector) -> bool:
        """True if every label set matching this selector matches ``other``."""
    def equivalent(self, other: Selector) -> bool:
        """True if this selector and ``other`` match the same label sets."""
    def intersects(self, other: Selector) -> bool:
        """True if some label set matches both this selector and ``other``."""
    def witness(self) -> dict[str, str] | None:
        """A label set matching the selector (labels not in it are absent), or ``None``."""
    def counterexample(self, other: Selector) -> dict[str, str] | None:
        """A label set matching this selector and not ``other``, or ``None`` if it implies
        ``other``."""

@final
class LabelRestriction:
    """What every label set matching a selector needs for one label."""

    def __new__(
        cls,
        present: bool = False,
        absent: bool = False,
        values: Sequence[str] | None = None,
    ) -> LabelRestriction: ...
    @property
    def present(self) -> bool:
        """The label must be present."""
    @property
    def absent(self) -> bool:
        """The label must be absent."""
    @property
    def values(self) -> tuple[str, ...] | None:
        """If not None, the value must be one of these (sorted); empty: never matches."""
    def is_impossible(self) -> bool:
        """True if no label set can satisfy this restriction."""
    def __hash__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __reduce__(
        self,
    ) -> tuple[type[LabelRestriction], tuple[bool, bool, list[str] | None]]: ...

@final
class Explanation:
    """The verdict of a (sub-)expression; ``str()`` prints the tree with ✓/✗."""

    @property
    def text(self) -> str:
        """Canonical text of this sub-expression."""
    @property
    def matched(self) -> bool:
        """Whether it is true on the labels."""
    @property
    def start(self) -> int:
        """Start in the selector source (str index)."""
    @property
    def end(self) -> int:
        """End in the selector source (str index, exclusive)."""
    @property
    def byte_start(self) -> int:
        """Start in UTF-8 bytes."""
    @property
    def byte_end(self) -> int:
        """End in UTF-8 bytes (exclusive)."""
    @property
    def children(self) -> tuple[Explanation, ...]:
        """The operands' verdicts."""

@final
class Diagnostic:
    """One finding of ``validate`` or of the policy linter."""

    def __new__(
        cls,
        rule: str,
        severity: Literal["error", "warning", "info"],
        message: str,
        help: str | None = None,
        file: str = "<input>",
        line: int = 1,
        column: int = 1,
        start: int = 0,
        end: int = 0,
        byte_start: int = 0,
        byte_end: int = 0,
    ) -> Diagnostic: ...
    @property
    def rule(self) -> str:
        """Stable rule id, e.g. ``"selector-syntax"``."""
    @property
    def severity(self) -> Literal["error", "warning", "info"]:
        """``"error"``, ``"warning"`` or ``"info"``."""
    @property
    def message(self) -> str: ...
    @property
    def help(self) -> str | None: ...
    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def byte_start(self) -> int: ...
    @property
    def byte_end(self) -> int: ...
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain (JSON-ready) dict."""
    def __hash__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __reduce__(
        self,
    ) -> tuple[
        type[Diagnostic],
        tuple[str, str, str, str | None, str, int, int, int, int, int, int],
    ]: ...

@final
class LabelSets:
    """Label sets copied into Rust once (every key and value checked, then interned and
    indexed by selector-core's ``SelectorIndex``), for fast repeated ``Selector.filter``
    calls."""

    def __new__(cls, label_sets: Iterable[Mapping[str, str]]) -> LabelSets: ...
    def __len__(self) -> int: ...
    def __getitem__(self, index: int, /) -> dict[str, str]: ...
    def __iter__(self) -> Iterator[dict[str, str]]: ...
    def __reduce__(self) -> tuple[type[LabelSets], tuple[list[dict[str, str]]]]: ...

@final
class SelectorSet:
    """An immutable collection of selectors, indexed by selector-core's ``SelectorIndex``."""

    def __new__(cls, selectors: Iterable[Selector | str] | None = None) -> SelectorSet: ...
    def matching(self, labels: Mapping[str, str]) -> list[Selector]:
        """The selectors (in input order) that match ``labels``."""
    def matching_indices(self, labels: Mapping[str, str]) -> list[int]:
        """Positions (in input order) of the selectors that match ``labels``."""
    @property
    def selectors(self) -> tuple[Selector, ...]:
        """The selectors, in input order."""
    def __len__(self) -> int: ...
    def __getitem__(self, index: int, /) -> Selector: ...
    def __iter__(self) -> Iterator[Selector]: ...
    def __reduce__(self) -> tuple[type[SelectorSet], tuple[tuple[Selector, ...]]]: ...

def parse(text: str) -> Selector:
    """Parse ``text`` (same as ``Selector(text)``); raises ``SelectorError``."""

def validate(text: str) -> list[Diagnostic]:
    """The findings of the linter's single-selector rules on ``text`` (what
    ``calico-selector check`` reports): empty for a valid selector that can match; else, e.g.,
    a ``selector-syntax`` or ``k8s-selector-syntax`` error or a ``never-matches`` warning.
    Never raises for bad text."""

def lint_text(
    text: str,
    filename: _Path | None = None,
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    severity: dict[str, str] | None = None,
) -> list[Diagnostic]:
    """Lint one YAML/JSON file's text of Calico resources (``filename`` names it); inline
    ``# calico-selector: ignore[rule-id]`` comments apply. ``select``, ``ignore`` and
    ``severity`` (rule id to ``"error"``, ``"warning"`` or ``"info"``) choose rules as the
    CLI's flags do; unknown ids raise ``ValueError``."""

def lint_paths(
    paths: _Path | Iterable[_Path],
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    severity: dict[str, str] | None = None,
    config: bool = True,
) -> list[Diagnostic]:
    """Lint files and directories (recursively ``*.yaml``, ``*.yml``, ``*.json``) as
    ``calico-selector lint`` does, with the configuration file found above them
    (``config=False``: none) and ``select``/``ignore``/``severity`` on top of it. Raises
    ``ValueError`` for an unreadable configuration or paths holding no manifest at all."""

def _panic_inside_guard() -> None:
    """Test hook (not API): a deliberate Rust panic, which must surface as RuntimeError."""
