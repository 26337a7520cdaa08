//! `SelectorSet`: many selectors against one label set, through selector-core's
//! [`SelectorIndex`] (selectors filed under their label restrictions, so a label set meets
//! only the candidates that can match it).

use pyo3::exceptions::{PyIndexError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString, PyTuple, PyType};
use selector_core::index::SelectorIndex;

use crate::errors::guard;
use crate::labels::{type_name, LabelPairs, Source};
use crate::selector::PySelector;

/// An immutable collection of selectors, indexed to find those matching a label set.
#[pyclass(frozen, module = "calico_selector", name = "SelectorSet")]
pub struct PySelectorSet {
    objects: Vec<Py<PySelector>>,
    /// Selectors by position; no endpoints are stored.
    index: SelectorIndex<usize, ()>,
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
                            return Err(PyTypeError::new_err(format!(
                                "SelectorSet items must be Selector or str, not {}",
                                type_name(&err.into_inner())
                            )))
                        }
                    }
                };
                objects.push(object);
            }
        }
        let selectors: Vec<_> = objects.iter().map(|o| o.get().inner.clone()).collect();
        let index = guard("indexing selectors", || {
            let mut index = SelectorIndex::new();
            for (i, selector) in selectors.into_iter().enumerate() {
                index.insert_selector(i, selector);
            }
            index
        })?;
        Ok(PySelectorSet { objects, index })
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
            .ok_or_else(|| PyIndexError::new_err("SelectorSet index out of range"))
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
        let mut copy = LabelPairs::default();
        copy.read(&source)?;
        let pairs = copy.pairs()?;
        let index = &self.index;
        py.detach(|| {
            guard("matching a selector set", || {
                let mut positions: Vec<usize> = index
                    .selectors_matching_labels(pairs)
                    .into_iter()
                    .copied()
                    .collect();
                positions.sort_unstable();
                positions
            })
        })
    }
}
