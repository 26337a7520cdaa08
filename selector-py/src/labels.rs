//! Reading Python label mappings.
//!
//! `Selector.matches` reads a `Mapping[str, str]` in place: the core evaluator asks for one
//! label at a time through [`LabelLookup`], and [`PyLabels`] answers by looking the name up in
//! the Python object (a `dict` directly, any other mapping through `in` and `[]`). Batch calls
//! copy just the labels a selector reads into Rust ([`LabelTable`]) and then evaluate without
//! the GIL.
//!
//! Every key and value must be a `str`. For a `dict` that is checked for the whole dict on every
//! call (not only for the labels a selector happens to read), so a bad label set fails the same
//! way whatever the selector: `TypeError` naming the offending key. Other mappings are read
//! lazily, one label at a time, and each value read is checked.

use std::cell::RefCell;
use std::collections::HashMap;

use pyo3::exceptions::{PyKeyError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyMapping, PyString};
use selector_core::LabelLookup;

/// Python `str` objects for the label names one selector reads, sorted by name, so lookups do
/// not build (and hash) a new key object on every call.
pub(crate) struct KeyCache {
    keys: Vec<(String, Py<PyString>)>,
}

impl KeyCache {
    /// Interned keys for `names` (any order, duplicates allowed).
    pub(crate) fn new<'a>(py: Python<'_>, names: impl IntoIterator<Item = &'a str>) -> Self {
        let mut keys: Vec<(String, Py<PyString>)> = names
            .into_iter()
            .map(|name| (name.to_owned(), PyString::intern(py, name).unbind()))
            .collect();
        keys.sort_by(|a, b| a.0.cmp(&b.0));
        keys.dedup_by(|a, b| a.0 == b.0);
        KeyCache { keys }
    }

    /// The label names, sorted.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|(name, _)| name.as_str())
    }

    /// The Python key for `name` (a new string if `name` was not cached).
    fn key<'py>(&self, py: Python<'py>, name: &str) -> Bound<'py, PyString> {
        match self.keys.binary_search_by(|(k, _)| k.as_str().cmp(name)) {
            Ok(i) => match self.keys.get(i) {
                Some((_, key)) => key.bind(py).clone(),
                None => PyString::new(py, name),
            },
            Err(_) => PyString::new(py, name),
        }
    }
}

/// A Python mapping accepted as a label set.
#[derive(Clone, Copy)]
pub(crate) enum Source<'a, 'py> {
    /// A `dict` (or subclass: read through the dict's own storage, so a `defaultdict` never
    /// grows a key because a selector asked for it).
    Dict(&'a Bound<'py, PyDict>),
    /// Any other `collections.abc.Mapping`, read with `in` and `[]`.
    Mapping(&'a Bound<'py, PyMapping>),
}

impl<'a, 'py> Source<'a, 'py> {
    /// Accepts `obj` if it is a mapping; `TypeError` otherwise.
    pub(crate) fn new(obj: &'a Bound<'py, PyAny>) -> PyResult<Self> {
        if let Ok(dict) = obj.cast::<PyDict>() {
            return Ok(Source::Dict(dict));
        }
        match obj.cast::<PyMapping>() {
            Ok(mapping) => Ok(Source::Mapping(mapping)),
            Err(_) => Err(PyTypeError::new_err(format!(
                "labels must be a Mapping[str, str], not {}",
                type_name(obj)
            ))),
        }
    }

    /// Checks that every key and value is a `str`.
    ///
    /// Done for dicts only, where the scan is cheap and happens in C. Any other mapping is read
    /// lazily (it may compute its items, or be large): only the labels a selector asks for
    /// are fetched, and each of those is checked as it is read.
    pub(crate) fn check_types(&self) -> PyResult<()> {
        if let Source::Dict(dict) = self {
            for (key, value) in dict.iter() {
                check_entry(&key, &value)?;
            }
        }
        Ok(())
    }

    /// The value of label `key`, if present.
    fn get(&self, key: &Bound<'py, PyString>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match self {
            Source::Dict(dict) => dict.get_item(key),
            Source::Mapping(mapping) => {
                // The Mapping protocol: `__getitem__` raises KeyError for an absent key.
                match mapping.get_item(key) {
                    Ok(value) => Ok(Some(value)),
                    Err(err) if err.is_instance_of::<PyKeyError>(mapping.py()) => Ok(None),
                    Err(err) => Err(err),
                }
            }
        }
    }

    /// Appends the value of label `key`, if present, to `text`; returns where it is.
    pub(crate) fn append_value(
        &self,
        key: &Bound<'py, PyString>,
        text: &mut String,
    ) -> PyResult<Option<(usize, usize)>> {
        match self.get(key)? {
            None => Ok(None),
            Some(value) => {
                let bytes = utf8_of(key, &value)?;
                let start = text.len();
                text.push_str(as_text(key, &bytes)?);
                Ok(Some((start, text.len())))
            }
        }
    }
}

/// `TypeError` unless `key` and `value` are both `str`.
fn check_entry(key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
    if !key.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "label names must be str, got key {} of type {}",
            repr(key),
            type_name(key)
        )));
    }
    if !value.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "label values must be str, but label {} has a value of type {}",
            repr(key),
            type_name(value)
        )));
    }
    Ok(())
}

/// The UTF-8 encoding of `value` (the value of label `key`), checked to be text.
fn utf8_of<'py>(
    key: &Bound<'_, PyAny>,
    value: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let text = value.cast::<PyString>().map_err(|_| {
        PyTypeError::new_err(format!(
            "label values must be str, but label {} has a value of type {}",
            repr(key),
            type_name(value)
        ))
    })?;
    // Under the 3.9 stable ABI the only way to UTF-8 is an encoded copy; reading it from the
    // bytes object saves the second copy that `to_cow` would make.
    text.encode_utf8().map_err(|_| {
        PyValueError::new_err(format!(
            "the value of label {} contains a lone surrogate and cannot be encoded as UTF-8",
            repr(key)
        ))
    })
}

/// The text of UTF-8 `bytes` produced by [`utf8_of`].
fn as_text<'b>(key: &Bound<'_, PyAny>, bytes: &'b Bound<'_, PyBytes>) -> PyResult<&'b str> {
    std::str::from_utf8(bytes.as_bytes()).map_err(|_| {
        PyValueError::new_err(format!(
            "the value of label {} is not valid UTF-8",
            repr(key)
        ))
    })
}

/// `repr(obj)`, or a placeholder if that fails.
pub(crate) fn repr(obj: &Bound<'_, PyAny>) -> String {
    obj.repr()
        .map(|r| r.to_string_lossy().into_owned())
        .unwrap_or_else(|_| "<unrepresentable>".to_owned())
}

/// The (qualified) type name of `obj`.
pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|_| "?".to_owned())
}

/// A Python label mapping read in place by the core evaluator.
///
/// [`LabelLookup`] has no error channel, so the first error met (a failing `__getitem__`, a
/// value that is not text) is kept and the label treated as absent; the caller must check
/// [`PyLabels::finish`] before trusting the verdict.
pub(crate) struct PyLabels<'a, 'py> {
    source: Source<'a, 'py>,
    keys: &'a KeyCache,
    error: RefCell<Option<PyErr>>,
}

impl<'a, 'py> PyLabels<'a, 'py> {
    /// Wraps an already type-checked mapping.
    pub(crate) fn new(source: Source<'a, 'py>, keys: &'a KeyCache) -> Self {
        PyLabels {
            source,
            keys,
            error: RefCell::new(None),
        }
    }

    /// `Ok(result)`, or the first error met while reading labels.
    pub(crate) fn finish<T>(self, result: T) -> PyResult<T> {
        match self.error.into_inner() {
            Some(err) => Err(err),
            None => Ok(result),
        }
    }

    fn py(&self) -> Python<'py> {
        match self.source {
            Source::Dict(d) => d.py(),
            Source::Mapping(m) => m.py(),
        }
    }

    fn record(&self, err: PyErr) {
        if let Ok(mut slot) = self.error.try_borrow_mut() {
            if slot.is_none() {
                *slot = Some(err);
            }
        }
    }
}

impl LabelLookup for PyLabels<'_, '_> {
    fn with_label<R>(&self, name: &str, f: impl FnOnce(Option<&str>) -> R) -> R {
        let py = self.py();
        let key = self.keys.key(py, name);
        let bytes = self
            .source
            .get(&key)
            .and_then(|value| value.map(|v| utf8_of(&key, &v)).transpose());
        match bytes {
            Ok(None) => f(None),
            Ok(Some(bytes)) => match as_text(&key, &bytes) {
                Ok(text) => f(Some(text)),
                Err(err) => {
                    self.record(err);
                    f(None)
                }
            },
            Err(err) => {
                self.record(err);
                f(None)
            }
        }
    }
}

/// Label values copied out of Python for evaluation without the GIL: for every label set, the
/// values of the label names in a [`KeyCache`] (`None` when absent), kept in one text buffer.
pub(crate) struct LabelTable {
    names: Vec<String>,
    values: Vec<Option<(usize, usize)>>,
    text: String,
    rows: usize,
}

impl LabelTable {
    /// Reads every mapping of the iterable `sets` (type-checking each one in full) and copies
    /// the labels named in `keys`.
    pub(crate) fn collect(keys: &KeyCache, sets: &Bound<'_, PyAny>) -> PyResult<Self> {
        let py = sets.py();
        let names: Vec<String> = keys.names().map(str::to_owned).collect();
        let py_keys: Vec<Bound<'_, PyString>> = names.iter().map(|n| keys.key(py, n)).collect();
        let mut values = Vec::new();
        let mut text = String::new();
        let mut rows = 0;
        for (index, item) in sets.try_iter()?.enumerate() {
            let item = item?;
            let source = Source::new(&item).map_err(|err| in_set(py, index, err))?;
            source.check_types().map_err(|err| in_set(py, index, err))?;
            for key in &py_keys {
                let value = source
                    .append_value(key, &mut text)
                    .map_err(|err| in_set(py, index, err))?;
                values.push(value);
            }
            rows += 1;
        }
        Ok(LabelTable {
            names,
            values,
            text,
            rows,
        })
    }

    /// The label sets, in input order.
    pub(crate) fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        let width = self.names.len();
        (0..self.rows).map(move |i| Row {
            names: &self.names,
            values: self
                .values
                .get(i * width..(i + 1) * width)
                .unwrap_or_default(),
            text: &self.text,
        })
    }
}

/// Prefixes an error about one label set with its position in the batch.
pub(crate) fn in_set(py: Python<'_>, index: usize, err: PyErr) -> PyErr {
    let message = format!("label set {index}: {}", err.value(py));
    if err.is_instance_of::<PyTypeError>(py) {
        PyTypeError::new_err(message)
    } else if err.is_instance_of::<PyValueError>(py) {
        PyValueError::new_err(message)
    } else {
        err
    }
}

/// One label set of a [`LabelTable`].
pub(crate) struct Row<'a> {
    names: &'a [String],
    values: &'a [Option<(usize, usize)>],
    text: &'a str,
}

impl selector_core::Labels for Row<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        let i = self.names.binary_search_by(|n| n.as_str().cmp(name)).ok()?;
        let (start, end) = (*self.values.get(i)?)?;
        self.text.get(start..end)
    }
}

/// Calls `f` with every label of a mapping (checking that keys and values are `str`).
pub(crate) fn each_label(source: &Source<'_, '_>, mut f: impl FnMut(&str, &str)) -> PyResult<()> {
    let mut put = |key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>| -> PyResult<()> {
        check_entry(key, value)?;
        let name = key.cast::<PyString>()?.encode_utf8().map_err(|_| {
            PyValueError::new_err(format!(
                "label name {} contains a lone surrogate and cannot be encoded as UTF-8",
                repr(key)
            ))
        })?;
        let name = as_text(key, &name)?;
        let bytes = utf8_of(key, value)?;
        f(name, as_text(key, &bytes)?);
        Ok(())
    };
    match source {
        Source::Dict(dict) => {
            for (key, value) in dict.iter() {
                put(&key, &value)?;
            }
        }
        Source::Mapping(mapping) => {
            for item in mapping.items()?.iter() {
                let (key, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
                put(&key, &value)?;
            }
        }
    }
    Ok(())
}

/// Copies a whole label mapping into Rust (checking that keys and values are `str`).
pub(crate) fn to_map(source: &Source<'_, '_>) -> PyResult<HashMap<String, String>> {
    let mut map = HashMap::new();
    each_label(source, |k, v| {
        map.insert(k.to_owned(), v.to_owned());
    })?;
    Ok(map)
}
