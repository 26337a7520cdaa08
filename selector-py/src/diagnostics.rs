//! `Diagnostic` (one finding of `validate` or the policy linter) and `validate`.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyType};

use selector_policy::rules::selector_syntax::RULE as SYNTAX_RULE;
use selector_policy::{check_selector, Diagnostic};

use crate::errors::{guard, ErrorFields};
use crate::offsets::char_index;
use crate::selector::surrogate_error;

/// One finding: a syntax error from `validate`, or a lint result.
///
/// Offsets are into the text that was checked: `start`/`end` as str indices (code points),
/// `byte_start`/`byte_end` as UTF-8 bytes; `line` and `column` are 1-based, the column in code
/// points.
#[pyclass(frozen, eq, hash, module = "calico_selector", name = "Diagnostic")]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PyDiagnostic {
    /// Stable id of the rule, e.g. `"selector-syntax"`.
    #[pyo3(get)]
    rule: String,
    /// `"error"`, `"warning"` or `"info"`.
    #[pyo3(get)]
    severity: String,
    /// What is wrong.
    #[pyo3(get)]
    message: String,
    /// What to write instead, if known.
    #[pyo3(get)]
    help: Option<String>,
    /// The file name as given (`"<input>"` for text without a name).
    #[pyo3(get)]
    file: String,
    /// 1-based line.
    #[pyo3(get)]
    line: usize,
    /// 1-based column, in code points.
    #[pyo3(get)]
    column: usize,
    /// Start offset (str index).
    #[pyo3(get)]
    start: usize,
    /// End offset (str index, exclusive).
    #[pyo3(get)]
    end: usize,
    /// Start offset in UTF-8 bytes.
    #[pyo3(get)]
    byte_start: usize,
    /// End offset in UTF-8 bytes (exclusive).
    #[pyo3(get)]
    byte_end: usize,
}

impl PyDiagnostic {
    /// A policy-linter diagnostic; `text` is the file's text when known, for code-point offsets
    /// (without it, `start`/`end` are the byte offsets).
    pub(crate) fn from_policy(d: &Diagnostic, text: Option<&str>) -> Self {
        let (start, end) = match text {
            Some(text) => (char_index(text, d.span.start), char_index(text, d.span.end)),
            None => (d.span.start, d.span.end),
        };
        PyDiagnostic {
            rule: d.rule.id.to_owned(),
            severity: d.severity.as_str().to_owned(),
            message: d.message.clone(),
            help: d.help.clone(),
            file: d.file.clone(),
            line: d.line,
            column: d.column,
            start,
            end,
            byte_start: d.span.start,
            byte_end: d.span.end,
        }
    }

    /// A syntax error of a selector given as text.
    fn from_error(fields: ErrorFields, file: &str) -> Self {
        PyDiagnostic {
            rule: SYNTAX_RULE.id.to_owned(),
            severity: SYNTAX_RULE.severity.as_str().to_owned(),
            message: fields.message,
            help: fields.help,
            file: file.to_owned(),
            line: fields.line,
            column: fields.column,
            start: fields.start,
            end: fields.end,
            byte_start: fields.byte_start,
            byte_end: fields.byte_end,
        }
    }
}

#[pymethods]
impl PyDiagnostic {
    /// A diagnostic; every field is also readable as an attribute.
    #[new]
    #[pyo3(
        signature = (rule, severity, message, help = None, file = "<input>".to_owned(), line = 1, column = 1, start = 0, end = 0, byte_start = 0, byte_end = 0),
        text_signature = "(rule, severity, message, help=None, file='<input>', line=1, column=1, start=0, end=0, byte_start=0, byte_end=0)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn py_new(
        rule: String,
        severity: String,
        message: String,
        help: Option<String>,
        file: String,
        line: usize,
        column: usize,
        start: usize,
        end: usize,
        byte_start: usize,
        byte_end: usize,
    ) -> PyResult<Self> {
        if !matches!(severity.as_str(), "error" | "warning" | "info") {
            return Err(PyValueError::new_err(format!(
                "severity must be \"error\", \"warning\" or \"info\", not {severity:?}"
            )));
        }
        Ok(PyDiagnostic {
            rule,
            severity,
            message,
            help,
            file,
            line,
            column,
            start,
            end,
            byte_start,
            byte_end,
        })
    }

    /// The fields as a plain dict (JSON-ready).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("rule", &self.rule)?;
        d.set_item("severity", &self.severity)?;
        d.set_item("message", &self.message)?;
        d.set_item("help", &self.help)?;
        d.set_item("file", &self.file)?;
        d.set_item("line", self.line)?;
        d.set_item("column", self.column)?;
        d.set_item("start", self.start)?;
        d.set_item("end", self.end)?;
        d.set_item("byte_start", self.byte_start)?;
        d.set_item("byte_end", self.byte_end)?;
        Ok(d)
    }

    fn __str__(&self) -> String {
        let mut out = format!(
            "{}:{}:{}: {}[{}]: {}",
            self.file, self.line, self.column, self.severity, self.rule, self.message
        );
        if let Some(help) = &self.help {
            out.push_str("\n  help: ");
            out.push_str(help);
        }
        out
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let message = PyString::new(py, &self.message).repr()?;
        let file = PyString::new(py, &self.file).repr()?;
        let rule = PyString::new(py, &self.rule).repr()?;
        let severity = PyString::new(py, &self.severity).repr()?;
        Ok(format!(
            "Diagnostic(rule={}, severity={}, file={}, line={}, column={}, message={})",
            rule.to_cow()?,
            severity.to_cow()?,
            file.to_cow()?,
            self.line,
            self.column,
            message.to_cow()?
        ))
    }

    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> (
        Bound<'py, PyType>,
        (
            String,
            String,
            String,
            Option<String>,
            String,
            usize,
            usize,
            usize,
            usize,
            usize,
            usize,
        ),
    ) {
        let d = slf.get().clone();
        (
            slf.get_type(),
            (
                d.rule,
                d.severity,
                d.message,
                d.help,
                d.file,
                d.line,
                d.column,
                d.start,
                d.end,
                d.byte_start,
                d.byte_end,
            ),
        )
    }
}

/// Checks one selector with every single-selector lint rule (`selector_policy::check_selector`,
/// as the CLI's `check` does); never raises for bad selector text.
pub(crate) fn validate_text(
    py: Python<'_>,
    text: &Bound<'_, PyString>,
) -> PyResult<Vec<PyDiagnostic>> {
    let source = match text.to_cow() {
        Ok(s) => s.into_owned(),
        Err(_) => {
            return Ok(vec![PyDiagnostic::from_error(
                surrogate_error(py, text),
                INPUT,
            )])
        }
    };
    guard("validating a selector", || {
        check_selector(&source)
            .iter()
            .map(|d| PyDiagnostic::from_policy(d, Some(&source)))
            .collect()
    })
}

/// The file name of text that has none.
const INPUT: &str = "<input>";
