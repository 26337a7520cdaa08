"""Batch calls release the GIL: another Python thread keeps running while they work."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Callable

import calico_selector as cs


def ticks_during(call: Callable[[], Any]) -> tuple[int, float, Any]:
    """Runs `call` in a thread while this thread counts loop iterations; returns how many
    happened in the middle third of the call, the call's duration and its result.

    A call that holds the GIL lets the counting thread run only around its edges (a thread
    switch right before or after it, at most one switch interval), never in its middle."""
    window: dict[str, Any] = {}

    def run() -> None:
        window["start"] = time.perf_counter()
        window["result"] = call()
        window["end"] = time.perf_counter()

    ticks: list[float] = []
    thread = threading.Thread(target=run)
    thread.start()
    while thread.is_alive():
        ticks.append(time.perf_counter())
    thread.join()
    start, end = window["start"], window["end"]
    third = (end - start) / 3
    inside = sum(start + third < t < end - third for t in ticks)
    return inside, end - start, window["result"]


def test_the_measure_sees_a_call_that_holds_the_gil() -> None:
    inside, duration, _ = ticks_during(lambda: sum(range(2 * 10**7)))
    assert duration > 0.1
    assert inside == 0


def test_filter_on_label_sets_releases_the_gil() -> None:
    # ~200 x 400 substring searches over 2 kB: long enough to tell, all in Rust. The values
    # are distinct: the index tests a text condition once per distinct value, not per set.
    sets = cs.LabelSets([{"a": "y" * 2000 + str(i)} for i in range(200)])
    s = cs.Selector(" || ".join(f'a contains "x{i}"' for i in range(400)))
    inside, duration, result = ticks_during(lambda: s.filter(sets))
    assert result == []
    assert duration > 0.1
    assert inside > 20, (inside, duration)


def test_lint_paths_releases_the_gil(tmp_path: Path) -> None:
    policy = (
        "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n"
        "  name: p{i}\nspec:\n  selector: app == 'web{i}'\n---\n"
    )
    for f in range(40):
        (tmp_path / f"p{f}.yaml").write_text("".join(policy.format(i=f * 1000 + i)
                                                     for i in range(300)))
    inside, duration, result = ticks_during(lambda: cs.lint_paths(tmp_path))
    assert all(d.severity != "error" for d in result)
    assert duration > 0.1
    assert inside > 20, (inside, duration)
