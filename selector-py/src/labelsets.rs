//! `LabelSets`: label sets copied into Rust once, for repeated batch evaluation.
//!
//! `Selector.filter(list_of_dicts)` has to read every dict from Python on every call, and that
//! reading costs more than evaluating. A `LabelSets` pays it once: the label sets go into a
//! selector-core [`SelectorIndex`] as its endpoints (interned, and filed under their labels and
//! `(label, value)` pairs), and a filter over it asks the index which endpoints a selector
//! matches ([`SelectorIndex::endpoints_matching_selector`]), entirely in Rust and without the
//! GIL. The index works from its tables of which label sets have each label and each
//! `(label, value)` pair instead of evaluating the selector on every label set, so a filter
//! costs far less than a loop over the pairs; its results are exactly those of that loop
//! (selector-core's property tests hold it to that, and this package's tests hold `filter` to
//! `matches`).

use pyo3::exceptions::PyIndexError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyType};
use selector_core::index::SelectorIndex;
use selector_core::Selector;

use crate::errors::guard;
use crate::labels::{in_set, LabelPairs, Source};

/// An immutable list of label sets held in Rust.
#[pyclass(frozen, module = "calico_selector", name = "LabelSets")]
pub struct PyLabelSets {
    /// Label set `i` is the endpoint with id `i`; no selectors are stored.
    index: SelectorIndex<(), usize>,
    len: usize,
    /// The Python ints `0..len`, made once: a filter's result list then shares them instead
    /// of allocating an int object per match (about a fifth of a filter's time).
    positions: Vec<Py<PyAny>>,
}

impl PyLabelSets {
    /// The positions of the label sets `selector` matches, in increasing order.
    pub(crate) fn filter<'py>(
        &self,
        py: Python<'py>,
        selector: &Selector,
    ) -> PyResult<Bound<'py, PyList>> {
        let index = &self.index;
        let mut matched =
            py.detach(|| guard("filtering", || index.endpoints_matching_selector(selector)))?;
        // The index promises no particular order (it gives an increasing one).
        if !matched.is_sorted() {
            matched.sort_unstable();
        }
        PyList::new(
            py,
            matched.into_iter().map(|&i| match self.positions.get(i) {
                Some(int) => int.bind(py).clone(),
                None => {
                    let Ok(int) = i.into_pyobject(py);
                    int.into_any()
                }
            }),
        )
    }

    fn dict<'py>(&self, py: Python<'py>, position: usize) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (name, value) in self.index.endpoint_labels(&position).unwrap_or_default() {
            dict.set_item(name, value)?;
        }
        Ok(dict)
    }
}

#[pymethods]
impl PyLabelSets {
    /// Copies an iterable of `Mapping[str, str]` (every key and value checked).
    #[new]
    fn py_new(label_sets: &Bound<'_, PyAny>) -> PyResult<Self> {
        let py = label_sets.py();
        let mut index = SelectorIndex::new();
        let mut len = 0;
        let mut labels = LabelPairs::default();
        for (position, item) in label_sets.try_iter()?.enumerate() {
            let item = item?;
            let pairs = Source::new(&item)
                .and_then(|source| labels.read(&source))
                .and_then(|()| labels.pairs())
                .map_err(|err| in_set(py, position, err))?;
            guard("storing labels", || {
                index.insert_endpoint(position, pairs);
            })?;
            len = position + 1;
        }
        let positions = (0..len)
            .map(|i| {
                let Ok(int) = i.into_pyobject(py);
                int.into_any().unbind()
            })
            .collect();
        Ok(PyLabelSets {
            index,
            len,
            positions,
        })
    }

    fn __len__(&self) -> usize {
        self.len
    }

    /// Label set `index` as a new dict.
    fn __getitem__<'py>(&self, py: Python<'py>, index: isize) -> PyResult<Bound<'py, PyDict>> {
        let len = isize::try_from(self.len).unwrap_or(isize::MAX);
        let position = if index < 0 { index + len } else { index };
        match usize::try_from(position) {
            Ok(p) if p < self.len => self.dict(py, p),
            _ => Err(PyIndexError::new_err("LabelSets index out of range")),
        }
    }

    fn __iter__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Ok(all_dicts(slf)?.into_any().try_iter()?.into_any())
    }

    fn __repr__(&self) -> String {
        format!("LabelSets(<{} label sets>)", self.len)
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyType>, (Bound<'py, PyList>,))> {
        Ok((slf.get_type(), (all_dicts(slf)?,)))
    }
}

/// Every label set as a list of new dicts.
fn all_dicts<'py>(slf: &Bound<'py, PyLabelSets>) -> PyResult<Bound<'py, PyList>> {
    let py = slf.py();
    let this = slf.get();
    let list = PyList::empty(py);
    for position in 0..this.len {
        list.append(this.dict(py, position)?)?;
    }
    Ok(list)
}
