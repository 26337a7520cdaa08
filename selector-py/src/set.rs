//! `SelectorSet`: many selectors against one label set.
//!
//! selector-core has no multi-selector index yet, so this module keeps a small inverted index
//! of its own, built from each selector's label restrictions (which are a sound lower bound on
//! what a matching label set must contain):
//! - a selector whose restrictions can never be met is dropped (it matches nothing);
//! - a selector with a value restriction on some label (`k == "v"`, `k in {...}`) is filed
//!   under each allowed `(k, value)` of the label with the fewest allowed values;
//! - otherwise a selector requiring some label to be present is filed under that label;
//! - the rest are checked on every call.
//!
//! A query collects the candidates filed under the label set's own `(name, value)` pairs and
//! names, then runs the full evaluator on each candidate, so the index only skips work and never
//! decides a verdict.

use std::collections::HashMap;

use pyo3::prelude::*;
use pyo3::types::{PyList, PyString, PyTuple, PyType};
use selector_core::Selector;

use crate::errors::guard;
use crate::labels::{to_map, Source};
use crate::selector::PySelector;

/// The inverted index over selector positions.
#[derive(Default)]
struct Index {
    by_value: HashMap<String, HashMap<String, Vec<usize>>>,
    by_presence: HashMap<String, Vec<usize>>,
    always: Vec<usize>,
}

impl Index {
    fn build(selectors: &[Selector]) -> Index {
        let mut index = Index::default();
        for (i, selector) in selectors.iter().enumerate() {
            let restrictions = selector.label_restrictions();
            if restrictions.values().any(|r| r.is_impossible()) {
                continue;
            }
            let by_value = restrictions
                .iter()
                .filter_map(|(name, r)| r.must_have_one_of.as_ref().map(|v| (name, v)))
                .min_by_key(|(_, values)| values.len());
            if let Some((name, values)) = by_value {
                let slot = index.by_value.entry(name.clone()).or_default();
                for value in values {
                    slot.entry(value.clone()).or_default().push(i);
                }
                continue;
            }
            match restrictions.iter().find(|(_, r)| r.must_be_present) {
                Some((name, _)) => index.by_presence.entry(name.clone()).or_default().push(i),
                None => index.always.push(i),
            }
        }
        index
    }

    /// Positions of the selectors matching `labels`, ascending.
    fn matching(&self, selectors: &[Selector], labels: &HashMap<String, String>) -> Vec<usize> {
        let mut candidates = self.always.clone();
        for (name, value) in labels {
            if let Some(found) = self.by_value.get(name).and_then(|m| m.get(value)) {
                candidates.extend_from_slice(found);
            }
            if let Some(found) = self.by_presence.get(name) {
                candidates.extend_from_slice(found);
            }
        }
        // Each selector is filed under one label, and a label set holds one value per label,
        // so no position can appear twice.
        candidates.sort_unstable();
        candidates
            .into_iter()
            .filter(|&i| selectors.get(i).is_some_and(|s| s.matches(labels)))
            .collect()
    }
}

/// An immutable collection of selectors, indexed to find those matching a label set.
#[pyclass(frozen, module = "calico_selector", name = "SelectorSet")]
pub struct PySelectorSet {
    objects: Vec<Py<PySelector>>,
    selectors: Vec<Selector>,
    index: Index,
}

#[pymethods]
impl PySelectorSet {
    /// Builds a set from an iterable of `Selector` objects or selector strings (strings are
    /// parsed; a bad one raises `SelectorError`).
    #[new]
    #[pyo3(signature = (selectors = None))]
    fn py_new(py: Python<'_>, selectors: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let mut objects = Vec::new();
        if let Some(selectors) = selectors {
            for item in selectors.try_iter()? {
                let item = item?;
                let object = if let Ok(text) = item.cast::<PyString>() {
                    Py::new(py, PySelector::parse_text(py, text)?)?
                } else {
                    match item.cast_into::<PySelector>() {
                        Ok(sel) => sel.unbind(),
                        Err(err) => {
                            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                                "SelectorSet items must be Selector or str, not {}",
                                crate::labels::type_name(&err.into_inner())
                            )))
                        }
                    }
                };
                objects.push(object);
            }
        }
        let selectors: Vec<Selector> = objects.iter().map(|o| o.get().inner.clone()).collect();
        let index = guard("indexing selectors", || Index::build(&selectors))?;
        Ok(PySelectorSet {
            objects,
            selectors,
            index,
        })
    }

    /// The selectors (in input order) that match `labels`, a `Mapping[str, str]`.
    fn matching<'py>(
        &self,
        py: Python<'py>,
        labels: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let positions = self.matching_positions(py, labels)?;
        PyList::new(
            py,
            positions
                .into_iter()
                .filter_map(|i| self.objects.get(i).map(|o| o.clone_ref(py))),
        )
    }

    /// The positions (in input order) of the selectors that match `labels`.
    fn matching_indices(&self, py: Python<'_>, labels: &Bound<'_, PyAny>) -> PyResult<Vec<usize>> {
        self.matching_positions(py, labels)
    }

    /// The selectors, in input order.
    #[getter]
    fn selectors<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.objects.iter().map(|o| o.clone_ref(py)))
    }

    fn __len__(&self) -> usize {
        self.objects.len()
    }

    fn __getitem__(&self, py: Python<'_>, index: isize) -> PyResult<Py<PySelector>> {
        let len = isize::try_from(self.objects.len()).unwrap_or(isize::MAX);
        let position = if index < 0 { index + len } else { index };
        usize::try_from(position)
            .ok()
            .and_then(|p| self.objects.get(p))
            .map(|o| o.clone_ref(py))
            .ok_or_else(|| {
                pyo3::exceptions::PyIndexError::new_err("SelectorSet index out of range")
            })
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.selectors(py)?.into_any().try_iter()?.into_any())
    }

    fn __repr__(&self) -> String {
        format!("SelectorSet(<{} selectors>)", self.objects.len())
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyType>, (Bound<'py, PyTuple>,))> {
        Ok((slf.get_type(), (slf.get().selectors(slf.py())?,)))
    }
}

impl PySelectorSet {
    fn matching_positions(
        &self,
        py: Python<'_>,
        labels: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<usize>> {
        let source = Source::new(labels)?;
        let map = to_map(&source)?;
        let (selectors, index) = (&self.selectors, &self.index);
        py.detach(|| {
            guard("matching a selector set", || {
                index.matching(selectors, &map)
            })
        })
    }
}
