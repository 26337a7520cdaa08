#!/usr/bin/env bash
# Python bindings (selector-py): build `calico_selector` into a venv, check its type stubs,
# run its pytest suite. Runs from a fresh clone: needs only python3 (>= 3.9, with venv and pip),
# cargo, and network access to PyPI and crates.io. Idempotent: the venv is reused.
#
#   scripts/test-python.sh                 # everything
#   PYTEST_ARGS="-k corpus" scripts/test-python.sh
#
# The venv lives in .venv-py/ (git-ignored); set CALICO_PY_VENV to put it elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${CALICO_PY_VENV:-.venv-py}"
python="${PYTHON:-python3}"

echo "== py: venv ($venv)"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
venv="$(cd "$venv" && pwd)"
py="$venv/bin/python"
# maturin's build backend runs the `maturin` executable: put the venv's bin first on PATH.
export PATH="$venv/bin:$PATH"
"$py" -m pip install --quiet --disable-pip-version-check "maturin>=1.5,<2" pytest hypothesis mypy pre-commit

echo "== py: build and install selector-py (maturin, release)"
# No build isolation: reuse the venv's maturin instead of downloading one per build.
"$py" -m pip install --quiet --disable-pip-version-check --no-build-isolation \
  --force-reinstall --no-deps ./selector-py

echo "== py: type stubs (mypy.stubtest)"
# From a neutral directory, so the installed package (not the source tree) is checked.
neutral="$(mktemp -d)"
(cd "$neutral" && "$py" -m mypy.stubtest calico_selector)
rm -rf "$neutral"

echo "== py: pytest"
set +e
# shellcheck disable=SC2086
"$py" -m pytest selector-py/tests -q -p no:cacheprovider ${PYTEST_ARGS:-}
status=$?
set -e
case "$status" in
  0) echo "== py: all tests passed" ;;
  5) echo "== py: pytest collected no tests: failing" >&2; exit 1 ;;
  *) echo "== py: pytest failed (exit $status)" >&2; exit "$status" ;;
esac
