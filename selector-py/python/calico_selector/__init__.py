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
JSON manifests of Calico resources.
"""

from calico_selector._native import (
    Diagnostic,
    Explanation,
    LabelRestriction,
    LabelSets,
    Selector,
    SelectorError,
    SelectorSet,
    __version__,
    lint_paths,
    lint_text,
    parse,
    validate,
)

__all__ = [
    "Diagnostic",
    "Explanation",
    "LabelRestriction",
    "LabelSets",
    "Selector",
    "SelectorError",
    "SelectorSet",
    "__version__",
    "lint_paths",
    "lint_text",
    "parse",
    "validate",
]
