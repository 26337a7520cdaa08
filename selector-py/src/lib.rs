//! Python bindings for the Calico selector language: the native module
//! `calico_selector._native`, re-exported by the `calico_selector` package.
//!
//! This crate only translates at the edge: the language lives in `selector-core` and the linter
//! in `selector-policy` (the one piece of printing done here is `faithful_text` in
//! `selector.rs`, a text that parses back to a rewritten selector, for pickling). Label mappings
//! are read in place (see [`labels`]), batch calls release the GIL, errors become
//! `SelectorError` (a `ValueError`) or `TypeError`, and no Rust panic reaches Python.

mod cluster;
mod diagnostics;
mod errors;
mod labels;
mod labelsets;
mod lint;
mod offsets;
mod selector;
mod set;

use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::diagnostics::PyDiagnostic;
use crate::selector::PySelector;

/// Parses `text` into a `Selector` (same as `Selector(text)`).
#[pyfunction]
fn parse(py: Python<'_>, text: &Bound<'_, PyString>) -> PyResult<PySelector> {
    PySelector::parse_text(py, text)
}

/// Checks one selector: an empty list if it is valid and can match; else one `Diagnostic`
/// (a `selector-syntax` error, or a `never-matches` warning). Never raises for bad selector
/// text.
#[pyfunction]
fn validate(py: Python<'_>, text: &Bound<'_, PyString>) -> PyResult<Vec<PyDiagnostic>> {
    diagnostics::validate_text(py, text)
}

/// The native module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("SelectorError", py.get_type::<errors::SelectorError>())?;
    m.add_class::<PySelector>()?;
    m.add_class::<selector::PyLabelRestriction>()?;
    m.add_class::<selector::PyExplanation>()?;
    m.add_class::<PyDiagnostic>()?;
    m.add_class::<set::PySelectorSet>()?;
    m.add_class::<labelsets::PyLabelSets>()?;
    m.add_function(wrap_pyfunction!(parse, m)?)?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    m.add_function(wrap_pyfunction!(lint::lint_text, m)?)?;
    m.add_function(wrap_pyfunction!(lint::lint_paths, m)?)?;
    cluster::register(m)?;
    m.add_function(wrap_pyfunction!(errors::_panic_inside_guard, m)?)?;
    Ok(())
}
