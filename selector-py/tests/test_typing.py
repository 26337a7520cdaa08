"""The typed usage file runs, and type-checks under `mypy --strict` against the installed stubs.

(scripts/test-python.sh also runs `mypy.stubtest` on the package.)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from typing_usage import typed_usage

HERE = Path(__file__).resolve().parent


def test_typed_usage_runs() -> None:
    out = typed_usage()
    assert "invalid_operator:2-3" in out
    assert out[-2:] == ['(app == "web" && tier in {"a", "b"})', "all()"]


def test_mypy_strict_on_usage_file() -> None:
    pytest.importorskip("mypy")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental",
         "--cache-dir", "/dev/null", str(HERE / "typing_usage.py")],
        capture_output=True, text=True, check=False, cwd=HERE,
    )
    assert result.returncode == 0, result.stdout + result.stderr
