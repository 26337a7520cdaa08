//! Errors at the Python boundary: `SelectorError`, and the guard that keeps Rust panics out of
//! Python.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use selector_core::ParseError;

use crate::offsets::char_index;

pyo3::create_exception!(
    calico_selector,
    SelectorError,
    PyValueError,
    "Raised when a selector does not parse.\n\n\
     `str(err)` is the rendering with the source line and a caret under the problem. The fields\n\
     `selector`, `start`, `end` (str indices, i.e. code points), `byte_start`, `byte_end` (UTF-8\n\
     bytes), `line`, `column` (1-based, column in code points), `kind` (a stable snake_case\n\
     name), `message` and `help` (or None) describe it. Instances pickle."
);

/// The fields of one `SelectorError`, independent of where they came from.
pub(crate) struct ErrorFields {
    pub(crate) rendered: String,
    pub(crate) selector: String,
    pub(crate) kind: String,
    pub(crate) message: String,
    pub(crate) help: Option<String>,
    pub(crate) byte_start: usize,
    pub(crate) byte_end: usize,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

impl ErrorFields {
    /// Fields of a core parse error (byte offsets converted to code-point offsets).
    pub(crate) fn from_parse_error(err: &ParseError) -> Self {
        let src = err.source_text();
        let span = err.span();
        ErrorFields {
            rendered: err.to_string(),
            selector: src.to_owned(),
            kind: err.kind().as_str().to_owned(),
            message: err.message().to_owned(),
            help: err.help().map(str::to_owned),
            byte_start: span.start,
            byte_end: span.end,
            start: char_index(src, span.start),
            end: char_index(src, span.end),
            line: err.line(),
            column: err.column(),
        }
    }

    /// The exception object, with every field set as an attribute.
    ///
    /// The attributes live in the instance `__dict__` and `args` is `(rendered,)`, so the
    /// standard `BaseException.__reduce__` pickles and restores all of them.
    pub(crate) fn into_pyerr(self, py: Python<'_>) -> PyErr {
        let err = SelectorError::new_err(self.rendered);
        let value = err.value(py);
        let set = || -> PyResult<()> {
            value.setattr("selector", self.selector)?;
            value.setattr("kind", self.kind)?;
            value.setattr("message", self.message)?;
            value.setattr("help", self.help)?;
            value.setattr("start", self.start)?;
            value.setattr("end", self.end)?;
            value.setattr("byte_start", self.byte_start)?;
            value.setattr("byte_end", self.byte_end)?;
            value.setattr("line", self.line)?;
            value.setattr("column", self.column)?;
            Ok(())
        };
        match set() {
            Ok(()) => err,
            Err(other) => other,
        }
    }
}

/// A core parse error as a Python `SelectorError`.
pub(crate) fn selector_error(py: Python<'_>, err: &ParseError) -> PyErr {
    ErrorFields::from_parse_error(err).into_pyerr(py)
}

/// Runs `f`, turning a Rust panic into a Python `RuntimeError` instead of pyo3's
/// `PanicException` (which derives from `BaseException` and escapes `except Exception`).
///
/// The core library is written not to panic; this is the last line of defence.
pub(crate) fn guard<T>(what: &str, f: impl FnOnce() -> T) -> PyResult<T> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        PyRuntimeError::new_err(format!(
            "internal error in calico_selector while {what}: {detail} (please report this)"
        ))
    })
}

/// Test hook: panics inside [`guard`], so the suite can check that a Rust panic reaches
/// Python as a `RuntimeError` (never as pyo3's `PanicException`). Not part of the API.
#[pyfunction]
pub(crate) fn _panic_inside_guard() -> PyResult<()> {
    // The one deliberate panic of the crate, to exercise the guard.
    #[allow(clippy::panic)]
    guard("running the panic test hook", || {
        panic!("deliberate panic from the test hook")
    })
}
