//! The policy linter (`selector-policy`): `lint_text` and `lint_paths`.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use selector_policy::{Config, Severity};

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::diagnostics::PyDiagnostic;
use crate::errors::guard;

/// Rule choices given as keyword arguments, as `selector_policy::Config` (the library checks
/// the ids and parses the severities).
fn config(
    select: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    severity: Option<HashMap<String, String>>,
) -> PyResult<Config> {
    let mut levels = BTreeMap::new();
    for (id, level) in severity.unwrap_or_default() {
        let parsed = Severity::parse(&level).ok_or_else(|| {
            PyValueError::new_err(format!(
                "severity of `{id}` must be \"error\", \"warning\" or \"info\", not {level:?}"
            ))
        })?;
        levels.insert(id, parsed);
    }
    let config = Config {
        select,
        ignore: ignore.unwrap_or_default(),
        severity: levels,
    };
    config.check_ids().map_err(PyValueError::new_err)?;
    Ok(config)
}

/// Lints the text of one YAML or JSON file of Calico resources with every rule (rules that
/// compare resources see this text's resources only) and its inline suppressions.
/// `filename` names the file in the diagnostics (`"<input>"` when None); `select`, `ignore`
/// and `severity` choose rules as `calico-selector lint` does. Runs without the GIL.
#[pyfunction]
#[pyo3(signature = (text, filename = None, *, select = None, ignore = None, severity = None))]
pub(crate) fn lint_text(
    py: Python<'_>,
    text: &Bound<'_, PyString>,
    filename: Option<PathBuf>,
    select: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    severity: Option<HashMap<String, String>>,
) -> PyResult<Vec<PyDiagnostic>> {
    let config = config(select, ignore, severity)?;
    let text = text.to_cow().map_err(|_| {
        PyValueError::new_err("the text contains a lone surrogate and cannot be encoded as UTF-8")
    })?;
    let name = filename.map_or_else(String::new, |p| p.to_string_lossy().into_owned());
    let text: &str = &text;
    py.detach(|| {
        guard("linting", || {
            selector_policy::lint_text_with(text, &name, &config)
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
/// `os.PathLike`). `select`, `ignore` and `severity` go on top of the configuration file,
/// as the command line's flags do; `config=False` uses no file. Unreadable paths give
/// `io-error` diagnostics; a configuration that cannot be read, unknown rule ids, or paths
/// holding no manifest at all raise `ValueError`. Runs without the GIL.
#[pyfunction]
#[pyo3(signature = (paths, *, select = None, ignore = None, severity = None, config = true))]
pub(crate) fn lint_paths(
    py: Python<'_>,
    paths: &Bound<'_, PyAny>,
    select: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    severity: Option<HashMap<String, String>>,
    config: bool,
) -> PyResult<Vec<PyDiagnostic>> {
    let paths = path_list(paths)?;
    let options = selector_policy::LintOptions {
        config: self::config(select, ignore, severity)?,
        discover_config: config,
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
