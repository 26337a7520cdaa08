"""Calico label selectors for Python: parse, evaluate, explain and lint.

A thin layer over the Rust `selector-core` crate (the same parser, printer and evaluator as the
command-line tool), matching Calico's own selector semantics::

    >>> import calico_selector as cs
    >>> s = cs.Selector('running-calico == "true" && tier in {"web", "api"}')
    >>> s.matches({"running-calico": "true", "tier": "web"})
    True
    >>> s.canonical
    '(running-calico == "true" && tier in {"api", "web"})'
    >>> [d.rule for d in cs.validate("app = 'web'")]
    ['selector-syntax']

`lint_text` and `lint_paths` run the policy linter (the `calico-selector lint` rules) on YAML or
JSON manifests of Calico resources. `Cluster` evaluates them: `flow` (verdict and trace of one
flow), `reach` (who can reach an endpoint on a port) and `policies` (what applies to an
endpoint), the answers of `calico-selector flow|reach|policies`.
"""

from calico_selector._native import (
    AppliedPolicy,
    Cluster,
    Decision,
    Diagnostic,
    DirectionPolicies,
    EndpointPolicies,
    Explanation,
    FlowVerdict,
    LabelRestriction,
    LabelSets,
    ProfileRef,
    Reach,
    ReachSource,
    Selector,
    SelectorError,
    SelectorSet,
    Sides,
    TierPolicies,
    TraceEntry,
    __version__,
    lint_paths,
    lint_text,
    parse,
    validate,
)

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
    "lint_paths",
    "lint_text",
    "parse",
    "validate",
]
