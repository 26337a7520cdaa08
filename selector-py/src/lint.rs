//! The policy linter (`selector-policy`): `lint_text` and `lint_paths`.

use std::collections::HashMap;
use std::path::PathBuf;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::diagnostics::PyDiagnostic;
use crate::errors::guard;

/// Lints the text of one YAML or JSON file of Calico resources with every rule (rules that
/// compare resources see this text's resources only). `filename` names the file in the
/// diagnostics (`"<input>"` when None). Runs without the GIL.
#[pyfunction]
#[pyo3(signature = (text, filename = None))]
pub(crate) fn lint_text(
    py: Python<'_>,
    text: &Bound<'_, PyString>,
    filename: Option<PathBuf>,
) -> PyResult<Vec<PyDiagnostic>> {
    let text = text.to_cow().map_err(|_| {
        PyValueError::new_err("the text contains a lone surrogate and cannot be encoded as UTF-8")
    })?;
    let name = filename.map_or_else(String::new, |p| p.to_string_lossy().into_owned());
    let text: &str = &text;
    py.detach(|| {
        guard("linting", || {
            selector_policy::lint_text(text, &name)
                .iter()
                .map(|d| PyDiagnostic::from_policy(d, Some(text)))
                .collect()
        })
    })
}

/// Lints files and directories as `calico-selector lint` does (directories are searched
/// recursively for `*.yaml`, `*.yml` and `*.json`); files of one directory are linted
/// together by the rules that compare resources, with the configuration file found above
/// them (`calico-selector.toml` or `[tool.calico-selector]` in `pyproject.toml`) and their
/// inline suppressions. `paths` is one path or an iterable of paths (`str` or
/// `os.PathLike`). Unreadable paths give `io-error` diagnostics; a configuration that cannot
/// be read, or paths holding no manifest at all, raise `ValueError`. Runs without the GIL.
#[pyfunction]
pub(crate) fn lint_paths(py: Python<'_>, paths: &Bound<'_, PyAny>) -> PyResult<Vec<PyDiagnostic>> {
    let paths = path_list(paths)?;
    let options = selector_policy::LintOptions {
        discover_config: true,
        ..selector_policy::LintOptions::default()
    };
    let report = py.detach(|| {
        guard("linting", || {
            selector_policy::paths::lint(&paths, &options).map(|report| {
                // Code-point offsets need each file's text, which the report holds.
                let texts: HashMap<&str, &str> = report
                    .files
                    .iter()
                    .map(|f| (f.name.as_str(), f.text.as_str()))
                    .collect();
                report
                    .diagnostics
                    .iter()
                    .map(|d| PyDiagnostic::from_policy(d, texts.get(d.file.as_str()).copied()))
                    .collect::<Vec<_>>()
            })
        })
    })?;
    report.map_err(PyValueError::new_err)
}

/// One path, or every path of an iterable.
pub(crate) fn path_list(paths: &Bound<'_, PyAny>) -> PyResult<Vec<PathBuf>> {
    if let Ok(one) = paths.extract::<PathBuf>() {
        return Ok(vec![one]);
    }
    let iter = paths.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "paths must be a path or an iterable of paths (str or os.PathLike), not {}",
            crate::labels::type_name(paths)
        ))
    })?;
    iter.map(|item| {
        let item = item?;
        item.extract::<PathBuf>().map_err(|_| {
            PyTypeError::new_err(format!(
                "paths must be str or os.PathLike, not {}",
                crate::labels::type_name(&item)
            ))
        })
    })
    .collect()
}
