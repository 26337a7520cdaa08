"""The repository's pre-commit hook (.pre-commit-hooks.yaml), run through
``pre-commit try-repo`` with the ``calico-selector`` binary built from this checkout on PATH
(the hook is ``language: system``: see the comment in .pre-commit-hooks.yaml)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT


def calico_selector_bin() -> Path:
    """$CALICO_SELECTOR_BIN, else the debug binary, built with cargo when missing."""
    given = os.environ.get("CALICO_SELECTOR_BIN")
    if given:
        return Path(given)
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO_ROOT / "target"))
    if not target.is_absolute():
        target = REPO_ROOT / target
    subprocess.run(["cargo", "build", "-q", "-p", "selector-cli"], cwd=REPO_ROOT, check=True)
    return target / "debug" / "calico-selector"


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_hook_through_pre_commit_try_repo(tmp_path: Path) -> None:
    binary = calico_selector_bin()
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "calico-selector").symlink_to(binary)
    env = dict(os.environ)
    env["PATH"] = f"{bindir}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env["PRE_COMMIT_HOME"] = str(tmp_path / "cache")
    for k in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(k, None)
    project = tmp_path / "project"
    project.mkdir()
    fixtures = REPO_ROOT / "selector-policy" / "tests" / "rules"
    shutil.copy(fixtures / "selector-syntax" / "fire.yaml", project / "broken.yaml")
    shutil.copy(fixtures / "selector-syntax" / "clean.yaml", project / "fine.yaml")
    (project / "notes.txt").write_text("app = 'web' is not linted: not a manifest\n")
    assert run(["git", "init", "-q"], project, env).returncode == 0
    pre_commit = [sys.executable, "-m", "pre_commit", "try-repo", str(REPO_ROOT), "calico-selector-lint"]

    ok = run([*pre_commit, "--files", "fine.yaml", "notes.txt"], project, env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Passed" in ok.stdout

    bad = run([*pre_commit, "--files", "broken.yaml", "fine.yaml"], project, env)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "error[selector-syntax]" in bad.stdout
    assert "Failed" in bad.stdout
