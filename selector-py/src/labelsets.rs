//! `LabelSets`: label sets copied into Rust once, for repeated batch evaluation.
//!
//! `Selector.filter(list_of_dicts)` has to read every dict from Python on every call, and that
//! reading costs more than evaluating. A `LabelSets` pays it once: the label sets are interned
//! with selector-core's [`Interner`] (names and values become integers), and a filter over it
//! compiles the selector against the same interner and runs entirely in Rust without the GIL.

use pyo3::exceptions::PyIndexError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyType};
use selector_core::interned::{Interner, LabelSet};
use selector_core::Selector;

use crate::errors::guard;
use crate::labels::{each_label, in_set, Source};

/// An immutable list of label sets held in Rust.
#[pyclass(frozen, module = "calico_selector", name = "LabelSets")]
pub struct PyLabelSets {
    interner: Interner,
    sets: Vec<LabelSet>,
}

impl PyLabelSets {
    /// The positions of the label sets `selector` matches.
    pub(crate) fn filter(&self, py: Python<'_>, selector: &Selector) -> PyResult<Vec<usize>> {
        let (interner, sets) = (&self.interner, &self.sets);
        py.detach(|| {
            guard("filtering", || {
                // Frozen: strings the interner has never seen match nothing, which is exact
                // for label sets interned before.
                let compiled = interner.compile_frozen(selector);
                sets.iter()
                    .enumerate()
                    .filter(|(_, set)| compiled.matches(set, interner))
                    .map(|(i, _)| i)
                    .collect()
            })
        })
    }

    fn dict<'py>(&self, py: Python<'py>, set: &LabelSet) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (name, value) in set.iter() {
            if let (Some(name), Some(value)) =
                (self.interner.resolve(name), self.interner.resolve(value))
            {
                dict.set_item(name, value)?;
            }
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
        let mut interner = Interner::new();
        let mut sets = Vec::new();
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (index, item) in label_sets.try_iter()?.enumerate() {
            let item = item?;
            let source = Source::new(&item).map_err(|err| in_set(py, index, err))?;
            pairs.clear();
            each_label(&source, |name, value| {
                pairs.push((name.to_owned(), value.to_owned()));
            })
            .map_err(|err| in_set(py, index, err))?;
            sets.push(guard("interning labels", || {
                interner.label_set(pairs.iter().map(|(k, v)| (k, v)))
            })?);
        }
        Ok(PyLabelSets { interner, sets })
    }

    fn __len__(&self) -> usize {
        self.sets.len()
    }

    /// Label set `index` as a new dict.
    fn __getitem__<'py>(&self, py: Python<'py>, index: isize) -> PyResult<Bound<'py, PyDict>> {
        let len = isize::try_from(self.sets.len()).unwrap_or(isize::MAX);
        let position = if index < 0 { index + len } else { index };
        let set = usize::try_from(position)
            .ok()
            .and_then(|p| self.sets.get(p))
            .ok_or_else(|| PyIndexError::new_err("LabelSets index out of range"))?;
        self.dict(py, set)
    }

    fn __iter__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Ok(all_dicts(slf)?.into_any().try_iter()?.into_any())
    }

    fn __repr__(&self) -> String {
        format!("LabelSets(<{} label sets>)", self.sets.len())
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
    for set in &this.sets {
        list.append(this.dict(py, set)?)?;
    }
    Ok(list)
}
