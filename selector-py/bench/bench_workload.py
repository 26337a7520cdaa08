#!/usr/bin/env python3
"""Benchmark calico_selector on the realistic workload, against a plain-Python evaluator.

    python selector-py/bench/bench_workload.py [--workload PATH] [--repeat N] [--quick] [--json]

The workload (default: ../shared/bench/workload.json relative to the repository root, or
$CALICO_WORKLOAD) holds 1,000 policy-style selectors and 1,000 pod-style label sets. Measured in
one run, so the ratios are comparable even on a noisy machine:

- parse: `Selector(text)` per selector (parse + canonical text + unique id), vs compiling the
  same text with the Python evaluator (`pyselector.py`, written for this benchmark).
- matches: `s.matches(labels)` per call, called from a Python loop, vs the Python predicate.
- filter: `s.filter(all_label_sets)` per (selector, label set) pair, vs the same loop over
  `matches`, vs the Python predicate in a list comprehension; once with the list of dicts
  (the labels each selector names read from every dict on every call) and once with a
  `LabelSets` built from it (label sets copied into Rust and indexed once).
- LabelSets build: `cs.LabelSets(all_label_sets)` per label set, and spread over every pair
  of the workload; "filter(LabelSets) incl. build" is the per-pair cost of building one
  `LabelSets` and filtering it with every selector (the audit case: many selectors over the
  same label sets), also given as a ratio to the `matches` loop.
- SelectorSet: `SelectorSet(all_selectors).matching_indices(labels)` per label set.

Times are CPU time of this process (`time.process_time`), so other load on a shared machine
inflates them less (it still costs caches and memory bandwidth: the load average is printed);
each figure is the best of --repeat runs. Both evaluators must find the same matching pairs
(the workload's README gives 147,407 of the 1,000,000): the script checks it and exits 1 if not.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

import calico_selector as cs

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pyselector import compile_selector  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
EXPECTED_PAIRS = 147_407


def default_workload() -> Path:
    env = os.environ.get("CALICO_WORKLOAD")
    if env:
        return Path(env)
    return REPO_ROOT.parent / "shared" / "bench" / "workload.json"


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of `repeat` runs of `fn` (seconds) and its last result."""
    times = []
    result = None
    for _ in range(repeat):
        start = time.process_time()
        result = fn()
        times.append(time.process_time() - start)
    return min(times), result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workload", type=Path, default=default_workload())
    ap.add_argument("--repeat", type=int, default=3, help="runs per figure (best is kept)")
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: 50 selectors x 50 label sets, one repeat, no pair-count check")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)

    data = json.loads(args.workload.read_text(encoding="utf-8"))
    texts: list[str] = data["selectors"]
    endpoints: list[dict[str, str]] = data["endpoints"]
    repeat = args.repeat
    if args.quick:
        texts, endpoints, repeat = texts[:50], endpoints[:50], 1
    n_sel, n_ep = len(texts), len(endpoints)
    pairs = n_sel * n_ep
    label_counts = [len(e) for e in endpoints]

    t_parse, selectors = best_of(repeat, lambda: [cs.Selector(t) for t in texts])
    t_pyparse, predicates = best_of(repeat, lambda: [compile_selector(t) for t in texts])

    # matches per call: every selector against every label set, from a Python loop.
    def loop_matches() -> int:
        hits = 0
        for s in selectors:
            m = s.matches
            for labels in endpoints:
                if m(labels):
                    hits += 1
        return hits

    def loop_python() -> int:
        hits = 0
        for p in predicates:
            for labels in endpoints:
                if p(labels):
                    hits += 1
        return hits

    def loop_filter() -> int:
        return sum(len(s.filter(endpoints)) for s in selectors)

    t_prepare, prepared = best_of(repeat, lambda: cs.LabelSets(endpoints))

    def prepared_filter() -> int:
        return sum(len(s.filter(prepared)) for s in selectors)

    def python_filter() -> int:
        return sum(len([i for i, labels in enumerate(endpoints) if p(labels)]) for p in predicates)

    def selector_set() -> int:
        ss = cs.SelectorSet(selectors)
        return sum(len(ss.matching_indices(labels)) for labels in endpoints)

    t_matches, hits_matches = best_of(repeat, loop_matches)
    t_python, hits_python = best_of(repeat, loop_python)
    t_filter, hits_filter = best_of(repeat, loop_filter)
    t_prepared, hits_prepared = best_of(repeat, prepared_filter)
    t_pyfilter, hits_pyfilter = best_of(repeat, python_filter)
    t_set, hits_set = best_of(repeat, selector_set)

    # matches on 13-label dicts only (the reference point).
    thirteen = [e for e in endpoints if len(e) == 13] or endpoints
    t_13, _ = best_of(repeat, lambda: [s.matches(l) for s in selectors for l in thirteen])
    pairs_13 = n_sel * len(thirteen)

    counts = {
        "matches": hits_matches,
        "python": hits_python,
        "filter": hits_filter,
        "filter_label_sets": hits_prepared,
        "python_filter": hits_pyfilter,
        "selector_set": hits_set,
    }
    ok = len(set(counts.values())) == 1 and (args.quick or hits_filter == EXPECTED_PAIRS)
    t_prepared_built = t_prepared + t_prepare

    ns = 1e9
    figures = {
        "workload": str(args.workload),
        "selectors": n_sel,
        "label_sets": n_ep,
        "labels_per_set": {"min": min(label_counts), "median": statistics.median(label_counts),
                           "max": max(label_counts)},
        "matching_pairs": counts,
        "parse_us_per_selector": {"native": t_parse / n_sel * 1e6,
                                  "python": t_pyparse / n_sel * 1e6},
        "matches_ns_per_call": t_matches / pairs * ns,
        "matches_ns_per_call_13_labels": t_13 / pairs_13 * ns,
        "python_predicate_ns_per_call": t_python / pairs * ns,
        "filter_ns_per_pair": t_filter / pairs * ns,
        "filter_label_sets_ns_per_pair": t_prepared / pairs * ns,
        "label_sets_build_ns_per_label_set": t_prepare / n_ep * ns,
        "label_sets_build_ns_per_pair": t_prepare / pairs * ns,
        "filter_label_sets_with_build_ns_per_pair": t_prepared_built / pairs * ns,
        "python_filter_ns_per_pair": t_pyfilter / pairs * ns,
        "selector_set_ns_per_pair": t_set / pairs * ns,
        "selector_set_us_per_label_set": t_set / n_ep * 1e6,
        "ratios": {
            "python_predicate / matches": t_python / t_matches,
            "matches loop / filter": t_matches / t_filter,
            "matches loop / filter(LabelSets)": t_matches / t_prepared,
            "matches loop / filter(LabelSets) incl. build": t_matches / t_prepared_built,
            "python list-comprehension / filter(LabelSets)": t_pyfilter / t_prepared,
            "python list-comprehension / filter": t_pyfilter / t_filter,
            "python_parse / parse": t_pyparse / t_parse,
        },
        "repeat": repeat,
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "ok": ok,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        r = figures["ratios"]
        print(f"workload: {args.workload} ({n_sel} selectors x {n_ep} label sets = {pairs:,} pairs;"
              f" labels per set: median {figures['labels_per_set']['median']})")
        print(f"matching pairs: {counts}")
        print(f"{'figure':<46}{'calico_selector':>16}{'plain Python':>14}{'ratio':>9}")
        print(f"{'parse (us / selector)':<46}{t_parse / n_sel * 1e6:>16.2f}"
              f"{t_pyparse / n_sel * 1e6:>14.2f}{r['python_parse / parse']:>8.1f}x")
        print(f"{'matches from a Python loop (ns / call)':<46}{t_matches / pairs * ns:>16.0f}"
              f"{t_python / pairs * ns:>14.0f}{r['python_predicate / matches']:>8.1f}x")
        print(f"{'  same, 13-label dicts only (ns / call)':<46}{t_13 / pairs_13 * ns:>16.0f}")
        print(f"{'filter on a list of dicts (ns / pair)':<46}{t_filter / pairs * ns:>16.0f}"
              f"{t_pyfilter / pairs * ns:>14.0f}{r['python list-comprehension / filter']:>8.1f}x")
        print(f"{'filter(list) vs matches in a Python loop':<46}{'':>16}{'':>14}"
              f"{r['matches loop / filter']:>8.1f}x")
        print(f"{'filter on a LabelSets (ns / pair)':<46}{t_prepared / pairs * ns:>16.1f}"
              f"{t_pyfilter / pairs * ns:>14.0f}"
              f"{r['python list-comprehension / filter(LabelSets)']:>8.1f}x")
        print(f"{'filter(LabelSets) vs matches in a Python loop':<46}{'':>16}{'':>14}"
              f"{r['matches loop / filter(LabelSets)']:>8.1f}x")
        print(f"{'LabelSets(list) build (ns / label set)':<46}{t_prepare / n_ep * ns:>16.0f}")
        print(f"{'  same, spread over all pairs (ns / pair)':<46}{t_prepare / pairs * ns:>16.1f}")
        print(f"{'filter on a LabelSets incl. build (ns / pair)':<46}"
              f"{t_prepared_built / pairs * ns:>16.1f}")
        print(f"{'  that vs matches in a Python loop':<46}{'':>16}{'':>14}"
              f"{r['matches loop / filter(LabelSets) incl. build']:>8.1f}x")
        print(f"{'SelectorSet.matching_indices (ns / pair)':<46}{t_set / pairs * ns:>16.0f}")
        print(f"{'SelectorSet.matching_indices (us / label set)':<46}{t_set / n_ep * 1e6:>16.1f}")
        if figures["load_average"] is not None:
            print("load average at the end: " + ", ".join(f"{x:.2f}" for x in figures["load_average"]))
        print("OK: all evaluators agree" if ok else "MISMATCH between evaluators")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
