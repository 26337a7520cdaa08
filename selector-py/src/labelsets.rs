//! `LabelSets`: label sets copied into Rust once, for repeated batch evaluation.
//!
//! `Selector.filter(list_of_dicts)` has to read every dict from Python on every call, and that
//! reading costs more than evaluating. A `LabelSets` pays it once: label names are numbered,
//! each label set is kept as `(name number, value)` pairs sorted by number, and a filter over
//! it runs entirely in Rust without the GIL.

use std::collections::HashMap;

use pyo3::exceptions::PyIndexError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyType};

use crate::labels::{each_label, in_set, Source};

/// An immutable list of label sets held in Rust.
#[pyclass(frozen, module = "calico_selector", name = "LabelSets")]
pub struct PyLabelSets {
    /// Name number -> name.
    names: Vec<Box<str>>,
    /// Name -> name number.
    numbers: HashMap<Box<str>, u32>,
    /// Each label set: `(name number, value)`, sorted by number.
    sets: Vec<Vec<(u32, Box<str>)>>,
}

impl PyLabelSets {
    /// The number of each of `names` (None for a name no label set has).
    pub(crate) fn numbers_of<'a>(&self, names: impl Iterator<Item = &'a str>) -> Vec<Option<u32>> {
        names.map(|n| self.numbers.get(n).copied()).collect()
    }

    /// The label sets.
    pub(crate) fn sets(&self) -> &[Vec<(u32, Box<str>)>] {
        &self.sets
    }
}

#[pymethods]
impl PyLabelSets {
    /// Copies an iterable of `Mapping[str, str]` (every key and value checked).
    #[new]
    fn py_new(label_sets: &Bound<'_, PyAny>) -> PyResult<Self> {
        let py = label_sets.py();
        let mut names: Vec<Box<str>> = Vec::new();
        let mut numbers: HashMap<Box<str>, u32> = HashMap::new();
        let mut sets = Vec::new();
        for (index, item) in label_sets.try_iter()?.enumerate() {
            let item = item?;
            let source = Source::new(&item).map_err(|err| in_set(py, index, err))?;
            let mut set: Vec<(u32, Box<str>)> = Vec::new();
            let mut overflow = false;
            each_label(&source, |name, value| {
                let number = match numbers.get(name) {
                    Some(&n) => n,
                    None => match u32::try_from(names.len()) {
                        Ok(n) => {
                            names.push(name.into());
                            numbers.insert(name.into(), n);
                            n
                        }
                        Err(_) => {
                            overflow = true;
                            return;
                        }
                    },
                };
                set.push((number, value.into()));
            })
            .map_err(|err| in_set(py, index, err))?;
            if overflow {
                return Err(pyo3::exceptions::PyOverflowError::new_err(
                    "more than 2**32 distinct label names",
                ));
            }
            set.sort_unstable_by_key(|(n, _)| *n);
            sets.push(set);
        }
        Ok(PyLabelSets {
            names,
            numbers,
            sets,
        })
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
        let dict = PyDict::new(py);
        for (number, value) in set {
            if let Some(name) = self.names.get(*number as usize) {
                dict.set_item(&**name, &**value)?;
            }
        }
        Ok(dict)
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
    for i in 0..this.sets.len() {
        let index = isize::try_from(i).unwrap_or(isize::MAX);
        list.append(this.__getitem__(py, index)?)?;
    }
    Ok(list)
}

/// One label set of a [`PyLabelSets`], seen through one selector's label names.
pub(crate) struct NumberedRow<'a> {
    /// The names the selector reads.
    pub(crate) names: &'a [&'a str],
    /// Their numbers in the `LabelSets` (same order; None for a name no label set has).
    pub(crate) numbers: &'a [Option<u32>],
    /// The label set.
    pub(crate) set: &'a [(u32, Box<str>)],
}

impl selector_core::Labels for NumberedRow<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        // A selector reads few labels: a scan (length first, then bytes) beats a search.
        let i = self.names.iter().position(|n| *n == name)?;
        let number = (*self.numbers.get(i)?)?;
        let j = self.set.binary_search_by_key(&number, |(n, _)| *n).ok()?;
        self.set.get(j).map(|(_, v)| &**v)
    }
}
