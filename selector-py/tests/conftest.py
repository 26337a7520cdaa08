"""Shared fixtures: paths into the repository and the data files the suite replays."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# No example database in the repository, and no flaky deadlines on a loaded CI machine.
settings.register_profile("calico", database=None, deadline=None)
settings.load_profile("calico")

REPO_ROOT = Path(__file__).resolve().parents[2]
CORPUS = REPO_ROOT / "tests" / "data" / "calico-corpus.jsonl"
EXAMPLES = REPO_ROOT / "examples"


def workload_path() -> Path | None:
    """The benchmark workload: $CALICO_WORKLOAD, else ../shared/bench/workload.json."""
    candidates = [
        os.environ.get("CALICO_WORKLOAD"),
        REPO_ROOT.parent / "shared" / "bench" / "workload.json",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def load_corpus() -> list[dict[str, Any]]:
    with CORPUS.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="session")
def corpus() -> list[dict[str, Any]]:
    return load_corpus()
