"""Type stubs for the native module `calico_selector._native` (built from selector-py/src)."""

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, Union, final

_Path = Union[str, os.PathLike[str]]

__version__: str
__all__ = [
    "AppliedPolicy",
    "Cluster",
    "Decision",
    "Diagnostic",
    "DirectionPolicies",
    "EndpointPolicies",
    "Explanation",
    "FlowVerdict",
    "LabelRestriction",
    "LabelSets",
    "ProfileRef",
    "Reach",
    "ReachSource",
    "Selector",
    "SelectorError",
    "SelectorSet",
    "Sides",
    "TierPolicies",
    "TraceEntry",
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
    def restrictions_conflict(self) -> bool:
        """True if the label restrictions contradict each other, which proves that no
        label set matches; False proves nothing (``is_satisfiable`` is the exact test)."""
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

# The policy evaluator (selector_policy::eval): Cluster and its answers. `to_dict()` equals
# the JSON of `calico-selector flow|reach|policies --format json`; `str()` is its human text.

_Verdict = Literal["allow", "deny"]
_Direction = Literal["ingress", "egress"]

class _Record:
    """Stub-only base (no such runtime class) of the answer types below: values compared
    by their fields, with ``to_dict()``."""

    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...

@final
class Cluster:
    """Calico resources loaded once (applied together, in order), ready for queries.
    References are ``hostendpoint/NAME``, ``pod/NAMESPACE/NAME`` or an IP address; an
    unknown or malformed reference raises ``ValueError`` naming it."""

    @staticmethod
    def from_paths(paths: _Path | Iterable[_Path]) -> Cluster:
        """Load files and directories (a directory's manifests in name order), in order."""
    @staticmethod
    def from_text(text: str, filename: _Path | None = None) -> Cluster:
        """Load one YAML/JSON file's text (``filename`` names it in traces)."""
    def flow(self, src: str, dst: str, port: int, protocol: str = "tcp") -> FlowVerdict:
        """Verdict and trace of traffic from ``src`` to ``dst`` on ``port``."""
    def reach(self, dst: str, port: int, protocol: str = "tcp") -> Reach:
        """Every source the input knows, with its verdict towards ``dst`` on ``port``."""
    def policies(self, endpoint: str) -> EndpointPolicies:
        """Tiers, policies and profiles applying to ``endpoint``, in evaluation order."""
    @property
    def endpoints(self) -> tuple[str, ...]:
        """The endpoints of the input, in input order."""
    @property
    def notes(self) -> tuple[str, ...]:
        """Facts assumed while loading."""

@final
class Decision(_Record):
    """Where and why a side (or the flow) was decided; ``str()`` is one sentence."""

    @property
    def endpoint(self) -> str | None: ...
    @property
    def direction(self) -> _Direction | None: ...
    @property
    def reason(self) -> str:
        """``rule``, ``end-of-tier``, ``profile``, ``no-profile``, ``failsafe``,
        ``endpoint-to-host``, ``not-managed``, ..."""
    @property
    def tier(self) -> str | None: ...
    @property
    def policy(self) -> str | None: ...
    @property
    def kind(self) -> str | None: ...
    @property
    def namespace(self) -> str | None: ...
    @property
    def rule(self) -> int | None:
        """0-based index of the deciding rule in that direction's rule list."""
    @property
    def action(self) -> str | None: ...
    @property
    def file(self) -> str | None:
        """File of the deciding rule (not in ``to_dict()``)."""
    @property
    def line(self) -> int | None:
        """1-based line of the deciding rule (not in ``to_dict()``)."""
    @property
    def allows(self) -> bool: ...

@final
class TraceEntry(_Record):
    """One step of a flow's trace."""

    @property
    def side(self) -> _Direction | None: ...
    @property
    def endpoint(self) -> str | None: ...
    @property
    def event(self) -> str: ...
    @property
    def tier(self) -> str | None: ...
    @property
    def policy(self) -> str | None: ...
    @property
    def kind(self) -> str | None: ...
    @property
    def namespace(self) -> str | None: ...
    @property
    def rule(self) -> int | None: ...
    @property
    def action(self) -> str | None: ...
    @property
    def matched(self) -> bool | None: ...
    @property
    def failed(self) -> str | None: ...
    @property
    def message(self) -> str: ...
    @property
    def file(self) -> str | None: ...
    @property
    def line(self) -> int | None: ...
    @property
    def yaml(self) -> str | None: ...

@final
class Sides(_Record):
    """Each side's decision; None where that end is not Calico-managed."""

    @property
    def egress(self) -> Decision | None: ...
    @property
    def ingress(self) -> Decision | None: ...

@final
class FlowVerdict(_Record):
    """The answer to ``Cluster.flow``; ``str()`` shows the verdict and the trace."""

    @property
    def verdict(self) -> _Verdict: ...
    @property
    def allowed(self) -> bool: ...
    @property
    def decided_by(self) -> Decision: ...
    @property
    def sides(self) -> Sides: ...
    @property
    def trace(self) -> tuple[TraceEntry, ...]: ...
    @property
    def uncertain(self) -> tuple[str, ...]: ...

@final
class ReachSource(_Record):
    """One source of a ``Reach`` answer."""

    @property
    def source(self) -> str: ...
    @property
    def ranges(self) -> tuple[str, ...]: ...
    @property
    def address(self) -> str | None: ...
    @property
    def verdict(self) -> _Verdict: ...
    @property
    def decided_by(self) -> Decision: ...
    @property
    def uncertain(self) -> tuple[str, ...]: ...

@final
class Reach(_Record):
    """The answer to ``Cluster.reach``; ``str()`` lists every source and the summary."""

    @property
    def to(self) -> str: ...
    @property
    def port(self) -> int: ...
    @property
    def protocol(self) -> str: ...
    @property
    def sources(self) -> tuple[ReachSource, ...]: ...
    @property
    def summary(self) -> str: ...

@final
class AppliedPolicy(_Record):
    """One policy applying to an endpoint."""

    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def namespace(self) -> str | None: ...
    @property
    def order(self) -> float | None: ...
    @property
    def staged(self) -> bool: ...
    @property
    def stage(self) -> Literal["normal", "untracked", "pre-dnat"]: ...
    @property
    def rules(self) -> int: ...
    @property
    def location(self) -> str | None: ...

@final
class TierPolicies(_Record):
    """The policies of one tier applying to an endpoint, in evaluation order."""

    @property
    def tier(self) -> str: ...
    @property
    def order(self) -> float | None: ...
    @property
    def default_action(self) -> Literal["Deny", "Pass"]: ...
    @property
    def policies(self) -> tuple[AppliedPolicy, ...]: ...

@final
class ProfileRef(_Record):
    """A profile of an endpoint; a missing one (``exists`` False) drops everything."""

    @property
    def name(self) -> str: ...
    @property
    def exists(self) -> bool: ...

@final
class DirectionPolicies(_Record):
    """One direction of ``Cluster.policies``: tiers in order, then profiles."""

    @property
    def tiers(self) -> tuple[TierPolicies, ...]: ...
    @property
    def profiles(self) -> tuple[ProfileRef, ...]: ...

@final
class EndpointPolicies(_Record):
    """The answer to ``Cluster.policies`` (``calicoq endpoint``, offline)."""

    @property
    def endpoint(self) -> str: ...
    @property
    def ingress(self) -> DirectionPolicies: ...
    @property
    def egress(self) -> DirectionPolicies: ...
