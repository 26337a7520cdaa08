//! `Selector`, `LabelRestriction` and `Explanation`.

use std::collections::hash_map::DefaultHasher;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use pyo3::basic::CompareOp;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PySlice, PyString, PyTuple, PyType};
use selector_core::print::write_expr;
use selector_core::{Explanation, Expr, LabelRestriction, Selector};

use crate::errors::{guard, selector_error, ErrorFields};
use crate::labels::{with_labels, KeyCache, LabelTable};
use crate::labelsets::PyLabelSets;
use crate::offsets::char_index;

/// A parsed Calico selector: immutable, hashable, ordered and compared by canonical text.
#[pyclass(frozen, module = "calico_selector", name = "Selector")]
pub struct PySelector {
    pub(crate) inner: Selector,
    keys: KeyCache,
    /// For a selector built by a rewrite rather than parsed: a text that parses back to the
    /// same tree (used to pickle it; see [`faithful_text`]).
    rebuilt_text: Option<String>,
}

impl PySelector {
    /// Wraps a selector parsed from its source text.
    pub(crate) fn from_core(py: Python<'_>, inner: Selector) -> Self {
        let keys = KeyCache::new(py, inner.label_names());
        PySelector {
            inner,
            keys,
            rebuilt_text: None,
        }
    }

    /// Wraps a selector built by a rewrite: checks that some text parses back to it (so it can
    /// be pickled and printed), else `ValueError` naming `what`.
    fn from_rewrite(py: Python<'_>, inner: Selector, what: &str) -> PyResult<Self> {
        let text = faithful_text(inner.ast());
        match Selector::parse(&text) {
            Ok(back) if back.canonical() == inner.canonical() => {
                let mut wrapped = PySelector::from_core(py, inner);
                wrapped.rebuilt_text = Some(text);
                Ok(wrapped)
            }
            Ok(_) | Err(_) => Err(PyValueError::new_err(format!(
                "{what} does not give a valid selector: `{text}`"
            ))),
        }
    }

    /// A text that parses back to this selector: the source text, or the rebuilt text of a
    /// rewritten selector.
    fn round_trip_text(&self) -> &str {
        self.rebuilt_text
            .as_deref()
            .unwrap_or_else(|| self.inner.source())
    }

    /// Parses `text`, raising `SelectorError`.
    pub(crate) fn parse_text(py: Python<'_>, text: &Bound<'_, PyString>) -> PyResult<Self> {
        let text = selector_text(py, text)?;
        let parsed = guard("parsing a selector", || Selector::parse(&text))?;
        match parsed {
            Ok(inner) => Ok(PySelector::from_core(py, inner)),
            Err(err) => Err(selector_error(py, &err)),
        }
    }
}

/// A text that parses back to `expr`: the canonical text, except that a negation of a
/// negation keeps its parentheses (`!(!a == "x")`; canonical text prints `!!a == "x"`, which
/// parses as `a == "x"`, since a run of `!` collapses). Leaves are printed by the core printer.
fn faithful_text(expr: &Expr) -> String {
    let mut out = String::new();
    write_faithful(&mut out, expr);
    out
}

fn write_faithful(out: &mut String, expr: &Expr) {
    match expr {
        Expr::Not { expr: inner, .. } => {
            out.push('!');
            if matches!(**inner, Expr::Not { .. }) {
                out.push('(');
                write_faithful(out, inner);
                out.push(')');
            } else {
                write_faithful(out, inner);
            }
        }
        Expr::And { exprs, .. } | Expr::Or { exprs, .. } => {
            let sep = if matches!(expr, Expr::And { .. }) {
                " && "
            } else {
                " || "
            };
            out.push('(');
            for (i, e) in exprs.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                write_faithful(out, e);
            }
            out.push(')');
        }
        leaf => write_expr(out, leaf),
    }
}

/// The UTF-8 text of a selector given as a Python `str`; `SelectorError` (kind
/// `invalid_unicode`) when it holds a lone surrogate, which no UTF-8 text (and so no Calico
/// selector) can contain.
pub(crate) fn selector_text(py: Python<'_>, text: &Bound<'_, PyString>) -> PyResult<String> {
    match text.to_cow() {
        Ok(s) => Ok(s.into_owned()),
        Err(_) => {
            let err = surrogate_error(py, text).into_pyerr(py);
            // Keep the caller's own text (surrogates included) as `.selector`.
            match err.value(py).setattr("selector", text) {
                Ok(()) => Err(err),
                Err(other) => Err(other),
            }
        }
    }
}

/// The error fields describing the first lone surrogate in `text`.
pub(crate) fn surrogate_error(py: Python<'_>, text: &Bound<'_, PyString>) -> ErrorFields {
    // Python's own encoder reports where the first unencodable code point is.
    let start: usize = text
        .call_method1("encode", ("utf-8",))
        .err()
        .and_then(|err| err.value(py).getattr("start").ok())
        .and_then(|start| start.extract().ok())
        .unwrap_or(0);
    let prefix = isize::try_from(start)
        .ok()
        .and_then(|stop| text.get_item(PySlice::new(py, 0, stop, 1)).ok())
        .and_then(|p| p.cast_into::<PyString>().ok())
        .and_then(|p| p.to_cow().ok().map(|p| p.into_owned()))
        .unwrap_or_default();
    let line = prefix.matches('\n').count() + 1;
    let column = prefix
        .rsplit('\n')
        .next()
        .map_or(0, |last| last.chars().count())
        + 1;
    let message = "lone surrogate: Python text that cannot be encoded as UTF-8".to_owned();
    let help = "selectors are UTF-8 text; remove the character, or decode the input strictly";
    ErrorFields {
        rendered: format!(
            "error: {message} (line {line}, column {column}, index {start})\n  = help: {help}"
        ),
        selector: text.to_string_lossy().into_owned(),
        kind: "invalid_unicode".to_owned(),
        message,
        help: Some(help.to_owned()),
        byte_start: prefix.len(),
        byte_end: prefix.len() + 3,
        start,
        end: start + 1,
        line,
        column,
    }
}

#[pymethods]
impl PySelector {
    /// Parses `text`; raises `SelectorError` if it is not a valid selector.
    #[new]
    fn py_new(py: Python<'_>, text: &Bound<'_, PyString>) -> PyResult<Self> {
        PySelector::parse_text(py, text)
    }

    /// The canonical text (Calico's `String()`).
    #[getter]
    fn canonical(&self) -> &str {
        self.inner.canonical()
    }

    /// The text the selector was parsed from.
    #[getter]
    fn source(&self) -> &str {
        self.inner.source()
    }

    /// Calico's `UniqueID()`: `s:` + base64url(SHA-224(`s:` + canonical text)).
    #[getter]
    fn unique_id(&self) -> &str {
        self.inner.unique_id()
    }

    /// Whether the selector matches `labels`, a `Mapping[str, str]` read in place (only the
    /// labels the selector names; see the `labels` module).
    fn matches(&self, labels: &Bound<'_, PyAny>) -> PyResult<bool> {
        with_labels(&self.keys, labels, |row| {
            guard("matching", || self.inner.matches(row))
        })
    }

    /// The verdict of every sub-expression on `labels`, as a printable tree.
    fn explain(&self, labels: &Bound<'_, PyAny>) -> PyResult<PyExplanation> {
        let tree = with_labels(&self.keys, labels, |row| {
            guard("explaining", || {
                Node::from_core(&self.inner.explain(row), self.inner.source())
            })
        })?;
        Ok(PyExplanation {
            node: Arc::new(tree),
        })
    }

    /// The indices of the label sets in `label_sets` that match: a `LabelSets` (evaluated
    /// entirely in Rust), or any iterable of mappings (the labels the selector names are
    /// copied out of each first, as `matches` reads them). Evaluation runs without the GIL.
    fn filter<'py>(
        &self,
        py: Python<'py>,
        label_sets: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        if let Ok(prepared) = label_sets.cast::<PyLabelSets>() {
            return prepared.get().filter(py, &self.inner);
        }
        let table = LabelTable::collect(&self.keys, label_sets)?;
        let rows = table.rows(&self.keys)?;
        let inner = &self.inner;
        let matched: Vec<usize> = py.detach(|| {
            guard("filtering", || {
                rows.iter()
                    .enumerate()
                    .filter(|(_, row)| inner.matches(row))
                    .map(|(i, _)| i)
                    .collect()
            })
        })?;
        PyList::new(py, matched)
    }

    /// Calico's `LabelRestrictions()`: per label name, what every matching label set needs.
    fn label_restrictions(&self) -> PyResult<BTreeMap<String, PyLabelRestriction>> {
        let restrictions = guard("computing label restrictions", || {
            self.inner.label_restrictions()
        })?;
        Ok(restrictions
            .into_iter()
            .map(|(name, r)| (name, PyLabelRestriction::from_core(&r)))
            .collect())
    }

    /// True if no label set can match (some label must be both present and absent, or must
    /// have a value from an empty set).
    fn restrictions_conflict(&self) -> PyResult<bool> {
        guard("analysing a selector", || {
            self.inner.restrictions_conflict()
        })
    }

    /// The distinct label names the selector reads, sorted.
    fn label_names(&self) -> Vec<String> {
        self.keys.names().to_vec()
    }

    /// The same selector with `prefix` in front of every label name (Calico's rewrite for
    /// `namespaceSelector` -> `pcns.`, `serviceAccountSelector` -> `pcsa.`).
    fn with_label_prefix(&self, py: Python<'_>, prefix: &str) -> PyResult<PySelector> {
        let rewritten = guard("rewriting a selector", || {
            self.inner.with_label_prefix(prefix)
        })?;
        let what = format!("label prefix {prefix:?}");
        guard("rewriting a selector", || {
            PySelector::from_rewrite(py, rewritten, &what)
        })?
    }

    fn __str__(&self) -> &str {
        self.inner.canonical()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let text = PyString::new(py, self.round_trip_text()).repr()?;
        Ok(format!("Selector({})", text.to_cow()?))
    }

    fn __hash__(&self) -> u64 {
        let mut hasher = DefaultHasher::new();
        self.inner.canonical().hash(&mut hasher);
        hasher.finish()
    }

    fn __richcmp__(&self, py: Python<'_>, other: &Bound<'_, PyAny>, op: CompareOp) -> Py<PyAny> {
        match other.cast::<PySelector>() {
            Ok(other) => {
                let ordering = self.inner.canonical().cmp(other.get().inner.canonical());
                pyo3::types::PyBool::new(py, op.matches(ordering))
                    .to_owned()
                    .into_any()
                    .unbind()
            }
            Err(_) => py.NotImplemented(),
        }
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> (Bound<'py, PyType>, (String,)) {
        // The source text, not the canonical text: canonical text is not always a fixed point
        // (`!(!a == "x")` prints `!!a == "x"`, which re-parses as `a == "x"`).
        (slf.get_type(), (slf.get().round_trip_text().to_owned(),))
    }

    fn __copy__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __deepcopy__<'py>(slf: Bound<'py, Self>, _memo: &Bound<'py, PyAny>) -> Bound<'py, Self> {
        slf
    }

    // The selector algebra (`selector_core::algebra`): exact answers, computed without the GIL.

    /// True if some label set matches the selector.
    fn is_satisfiable(&self, py: Python<'_>) -> PyResult<bool> {
        let s = &self.inner;
        py.detach(|| guard("deciding satisfiability", || s.is_satisfiable()))
    }

    /// True if every label set matching this selector matches `other`.
    fn implies(&self, py: Python<'_>, other: &Bound<'_, PySelector>) -> PyResult<bool> {
        let (s, t) = (&self.inner, &other.get().inner);
        py.detach(|| guard("deciding implication", || s.implies(t)))
    }

    /// True if this selector and `other` match the same label sets.
    fn equivalent(&self, py: Python<'_>, other: &Bound<'_, PySelector>) -> PyResult<bool> {
        let (s, t) = (&self.inner, &other.get().inner);
        py.detach(|| guard("deciding equivalence", || s.equivalent(t)))
    }

    /// True if some label set matches both this selector and `other`.
    fn intersects(&self, py: Python<'_>, other: &Bound<'_, PySelector>) -> PyResult<bool> {
        let (s, t) = (&self.inner, &other.get().inner);
        py.detach(|| guard("deciding intersection", || s.intersects(t)))
    }

    /// A label set (labels not in it are absent) that matches the selector, or `None`.
    fn witness(&self, py: Python<'_>) -> PyResult<Option<BTreeMap<String, String>>> {
        let s = &self.inner;
        py.detach(|| guard("finding a witness", || s.witness()))
    }

    /// A label set that matches this selector and not `other`, or `None` when this selector
    /// implies `other`.
    fn counterexample(
        &self,
        py: Python<'_>,
        other: &Bound<'_, PySelector>,
    ) -> PyResult<Option<BTreeMap<String, String>>> {
        let (s, t) = (&self.inner, &other.get().inner);
        py.detach(|| guard("finding a counterexample", || s.counterexample(t)))
    }
}

/// What every label set matching a selector needs for one label (Calico's label restriction).
#[pyclass(
    frozen,
    eq,
    hash,
    module = "calico_selector",
    name = "LabelRestriction"
)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyLabelRestriction {
    /// The label must be present.
    #[pyo3(get)]
    present: bool,
    /// The label must be absent.
    #[pyo3(get)]
    absent: bool,
    values: Option<Vec<String>>,
}

impl PyLabelRestriction {
    fn from_core(r: &LabelRestriction) -> Self {
        PyLabelRestriction {
            present: r.must_be_present,
            absent: r.must_be_absent,
            values: r.must_have_one_of.clone(),
        }
    }
}

#[pymethods]
impl PyLabelRestriction {
    /// A restriction; `values` is sorted and deduplicated.
    #[new]
    #[pyo3(signature = (present = false, absent = false, values = None))]
    fn py_new(present: bool, absent: bool, values: Option<Vec<String>>) -> Self {
        let values = values.map(|mut v| {
            v.sort();
            v.dedup();
            v
        });
        PyLabelRestriction {
            present,
            absent,
            values,
        }
    }

    /// If not None, the label's value must be one of these (sorted; empty: never matches).
    #[getter]
    fn values<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyTuple>>> {
        self.values
            .as_ref()
            .map(|v| PyTuple::new(py, v))
            .transpose()
    }

    /// True if no label set can satisfy this restriction.
    fn is_impossible(&self) -> bool {
        (self.present && self.absent) || self.values.as_ref().is_some_and(Vec::is_empty)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let values = match self.values(py)? {
            Some(tuple) => tuple.repr()?.to_cow()?.into_owned(),
            None => "None".to_owned(),
        };
        Ok(format!(
            "LabelRestriction(present={}, absent={}, values={values})",
            py_bool(self.present),
            py_bool(self.absent)
        ))
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> (Bound<'py, PyType>, RestrictionArgs) {
        let this = slf.get();
        (
            slf.get_type(),
            (this.present, this.absent, this.values.clone()),
        )
    }
}

/// The constructor arguments of a `LabelRestriction`: `(present, absent, values)`.
type RestrictionArgs = (bool, bool, Option<Vec<String>>);

/// Python's spelling of a bool.
fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// One node of a verdict tree, detached from the core type.
struct Node {
    text: String,
    byte_start: usize,
    byte_end: usize,
    start: usize,
    end: usize,
    matched: bool,
    rendered: String,
    children: Vec<Arc<Node>>,
}

impl Node {
    fn from_core(e: &Explanation, source: &str) -> Node {
        Node {
            text: e.text.clone(),
            byte_start: e.span.start,
            byte_end: e.span.end,
            start: char_index(source, e.span.start),
            end: char_index(source, e.span.end),
            matched: e.matched,
            rendered: e.to_string(),
            children: e
                .children
                .iter()
                .map(|c| Arc::new(Node::from_core(c, source)))
                .collect(),
        }
    }
}

/// The verdict of a selector, or of one of its sub-expressions, on one label set.
///
/// `str()` prints the whole tree, one line per sub-expression with ✓ or ✗.
#[pyclass(frozen, module = "calico_selector", name = "Explanation")]
pub struct PyExplanation {
    node: Arc<Node>,
}

#[pymethods]
impl PyExplanation {
    /// Canonical text of this sub-expression.
    #[getter]
    fn text(&self) -> &str {
        &self.node.text
    }

    /// Whether this sub-expression is true on the labels.
    #[getter]
    fn matched(&self) -> bool {
        self.node.matched
    }

    /// Start of the sub-expression in the selector's source (str index).
    #[getter]
    fn start(&self) -> usize {
        self.node.start
    }

    /// End of the sub-expression in the selector's source (str index, exclusive).
    #[getter]
    fn end(&self) -> usize {
        self.node.end
    }

    /// Start in UTF-8 bytes.
    #[getter]
    fn byte_start(&self) -> usize {
        self.node.byte_start
    }

    /// End in UTF-8 bytes (exclusive).
    #[getter]
    fn byte_end(&self) -> usize {
        self.node.byte_end
    }

    /// The operands' verdicts.
    #[getter]
    fn children<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(
            py,
            self.node
                .children
                .iter()
                .map(|c| PyExplanation { node: c.clone() }),
        )
    }

    fn __str__(&self) -> &str {
        &self.node.rendered
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let text = PyString::new(py, &self.node.text).repr()?;
        Ok(format!(
            "Explanation(matched={}, text={})",
            py_bool(self.node.matched),
            text.to_cow()?
        ))
    }
}
