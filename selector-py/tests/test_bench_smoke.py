"""The benchmark's baseline evaluator is right, and the benchmark script runs (tiny sizes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import calico_selector as cs
from conftest import load_corpus, workload_path

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))
from pyselector import PySelectorError, compile_selector  # noqa: E402


def test_python_baseline_agrees_with_the_corpus() -> None:
    # The baseline must do the same work as the native evaluator for the ratios to mean
    # anything: it accepts exactly the valid selectors and gives Calico's verdicts.
    checked = 0
    for entry in load_corpus():
        try:
            predicate = compile_selector(entry["selector"])
        except (PySelectorError, RecursionError):
            assert not entry["valid"], entry["selector"]
            continue
        assert entry["valid"], entry["selector"]
        for case in entry["cases"]:
            assert predicate(case["labels"]) == case["matches"], (entry["selector"], case)
            checked += 1
    assert checked > 10_000


def test_bench_script_smoke_run() -> None:
    workload = workload_path()
    if workload is None:
        pytest.skip("no benchmark workload (../shared/bench/workload.json) beside the repository")
    result = subprocess.run(
        [sys.executable, str(BENCH / "bench_workload.py"), "--quick", "--json",
         "--workload", str(workload)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(result.stdout)
    assert figures["ok"] is True
    assert figures["selectors"] == 50 and figures["label_sets"] == 50
    assert len(set(figures["matching_pairs"].values())) == 1
    assert figures["matches_ns_per_call"] > 0 and figures["filter_ns_per_pair"] > 0
    # and the native side agrees with the baseline on the first workload selectors
    data = json.loads(workload.read_text(encoding="utf-8"))
    for text in data["selectors"][:50]:
        p, s = compile_selector(text), cs.Selector(text)
        assert [p(e) for e in data["endpoints"][:50]] == [s.matches(e) for e in data["endpoints"][:50]]
