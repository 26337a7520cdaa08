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

/// Lints files and directories (directories are searched recursively for `*.yaml`, `*.yml`
/// and `*.json`); files of one directory are linted together by the rules that compare
/// resources. `paths` is one path or an iterable of paths (`str` or `os.PathLike`). Unreadable
/// paths give `io-error` diagnostics. Runs without the GIL.
#[pyfunction]
pub(crate) fn lint_paths(py: Python<'_>, paths: &Bound<'_, PyAny>) -> PyResult<Vec<PyDiagnostic>> {
    let paths = path_list(paths)?;
    py.detach(|| {
        guard("linting", || {
            let diagnostics = selector_policy::lint_paths(&paths);
            // Code-point offsets need each file's text: read every file named once.
            let mut texts: HashMap<&str, Option<String>> = HashMap::new();
            diagnostics
                .iter()
                .map(|d| {
                    let text = texts
                        .entry(d.file.as_str())
                        .or_insert_with(|| std::fs::read_to_string(&d.file).ok());
                    PyDiagnostic::from_policy(d, text.as_deref())
                })
                .collect()
        })
    })
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
