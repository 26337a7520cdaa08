//! Reading Python label mappings.
//!
//! A selector reads the labels it names ([`KeyCache`], `Selector.label_names()`) and nothing
//! else. To evaluate it on a Python `Mapping[str, str]`, each of those names is looked up once,
//! in sorted order (a `dict` through its own storage, so a `defaultdict` never grows; any other
//! mapping with `[]`, a `KeyError` meaning absent). The value of each label found must be a
//! `str` (else `TypeError` naming the label) and is copied out as UTF-8 (a lone surrogate is a
//! `ValueError`) into a [`LabelTable`]; the core then evaluates on the copy, without the GIL in
//! batch calls. `matches`, `explain` and `filter` all read through [`LabelTable::push`], so they
//! give the same verdicts and raise the same errors on the same input, whatever order the
//! evaluator visits the labels in.
//!
//! Entries a selector does not name are not read, for a `dict` as for any other mapping: a key
//! that is not a `str`, or a bad value under another label, is not an error there. Checking
//! every entry on every call would cost more than everything else a `matches` or `filter` call
//! does: the stable ABI has no cheaper way to see every entry than pyo3's dict iterator, which
//! calls into libpython several times per entry, while a selector names only a few labels (the
//! figures are in the package README). Copying a whole label set
//! ([`LabelPairs`], used by `LabelSets` and `SelectorSet`) checks every key and value.

use std::cell::RefCell;

use pyo3::exceptions::{PyKeyError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyMapping, PyString};

/// The label names one selector reads, sorted and distinct, with a Python `str` for each, so
/// lookups do not build (and hash) a new key object on every call.
pub(crate) struct KeyCache {
    names: Vec<String>,
    keys: Vec<Py<PyString>>,
}

impl KeyCache {
    /// Keys for `names` (any order, duplicates allowed).
    pub(crate) fn new<'a>(py: Python<'_>, names: impl IntoIterator<Item = &'a str>) -> Self {
        let mut names: Vec<String> = names.into_iter().map(str::to_owned).collect();
        names.sort();
        names.dedup();
        let keys = names
            .iter()
            .map(|name| PyString::intern(py, name).unbind())
            .collect();
        KeyCache { names, keys }
    }

    /// The label names, sorted.
    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }
}

/// A Python mapping accepted as a label set.
#[derive(Clone, Copy)]
pub(crate) enum Source<'a, 'py> {
    /// A `dict` (or subclass: read through the dict's own storage, so a `defaultdict` never
    /// grows a key because a selector asked for it).
    Dict(&'a Bound<'py, PyDict>),
    /// Any other `collections.abc.Mapping`, read with `[]`.
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

    fn py(&self) -> Python<'py> {
        match self {
            Source::Dict(d) => d.py(),
            Source::Mapping(m) => m.py(),
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
        return Err(value_type_error(key, value));
    }
    Ok(())
}

/// The `TypeError` for label `key` whose value is not a `str`.
fn value_type_error(key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyErr {
    PyTypeError::new_err(format!(
        "label values must be str, but label {} has a value of type {}",
        repr(key),
        type_name(value)
    ))
}

/// The UTF-8 encoding of `value` (the value of label `key`), checked to be text.
fn utf8_of<'py>(
    key: &Bound<'_, PyAny>,
    value: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let text = value
        .cast::<PyString>()
        .map_err(|_| value_type_error(key, value))?;
    // Under the 3.9 stable ABI the only way to UTF-8 is an encoded copy; reading it from the
    // bytes object saves the second copy that `to_cow` would make.
    text.encode_utf8().map_err(|_| {
        PyValueError::new_err(format!(
            "the value of label {} contains a lone surrogate and cannot be encoded as UTF-8",
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

/// The labels one selector reads, copied out of Python label sets for evaluation without the
/// GIL: for every label set (a row), the value of each name of a [`KeyCache`] (`None` when
/// absent), all kept in one UTF-8 buffer.
#[derive(Default)]
pub(crate) struct LabelTable {
    values: Vec<Option<(usize, usize)>>,
    bytes: Vec<u8>,
    rows: usize,
}

impl LabelTable {
    /// Reads the labels named in `keys` from one mapping (see the module docs) as a new row.
    /// On error the table is left with a partial row and must be cleared or dropped.
    pub(crate) fn push(&mut self, keys: &KeyCache, source: &Source<'_, '_>) -> PyResult<()> {
        let py = source.py();
        for key in &keys.keys {
            let key = key.bind(py);
            let value = match source.get(key)? {
                None => None,
                Some(value) => {
                    let start = self.bytes.len();
                    self.bytes
                        .extend_from_slice(utf8_of(key, &value)?.as_bytes());
                    Some((start, self.bytes.len()))
                }
            };
            self.values.push(value);
        }
        self.rows += 1;
        Ok(())
    }

    /// Reads every mapping of the iterable `sets`; errors name the label set's position.
    pub(crate) fn collect(keys: &KeyCache, sets: &Bound<'_, PyAny>) -> PyResult<Self> {
        let py = sets.py();
        let mut table = LabelTable::default();
        for (index, item) in sets.try_iter()?.enumerate() {
            let item = item?;
            Source::new(&item)
                .and_then(|source| table.push(keys, &source))
                .map_err(|err| in_set(py, index, err))?;
        }
        Ok(table)
    }

    /// Empties the table, keeping its buffers unless they have grown large.
    fn clear(&mut self) {
        const KEEP: usize = 1 << 16;
        if self.bytes.capacity() > KEEP || self.values.capacity() > KEEP {
            *self = LabelTable::default();
        }
        self.values.clear();
        self.bytes.clear();
        self.rows = 0;
    }

    /// The rows as label sets; `keys` must be the cache the table was read with.
    pub(crate) fn rows<'a>(&'a self, keys: &'a KeyCache) -> PyResult<Rows<'a>> {
        // Every value was encoded by CPython's UTF-8 encoder, so this one check of the whole
        // buffer (cheaper than one per value) cannot fail in practice.
        let text = std::str::from_utf8(&self.bytes)
            .map_err(|_| PyValueError::new_err("label values are not valid UTF-8"))?;
        Ok(Rows {
            names: &keys.names,
            values: &self.values,
            text,
            rows: self.rows,
        })
    }
}

/// The rows of a [`LabelTable`], read as label sets.
pub(crate) struct Rows<'a> {
    names: &'a [String],
    values: &'a [Option<(usize, usize)>],
    text: &'a str,
    rows: usize,
}

impl<'a> Rows<'a> {
    /// Row `i` (with no labels if there is no such row).
    pub(crate) fn get(&self, i: usize) -> Row<'a> {
        let width = self.names.len();
        Row {
            names: self.names,
            values: self
                .values
                .get(i * width..(i + 1) * width)
                .unwrap_or_default(),
            text: self.text,
        }
    }

    /// The rows, in input order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = Row<'a>> + '_ {
        (0..self.rows).map(|i| self.get(i))
    }
}

thread_local! {
    /// The table `with_labels` reads into, reused from call to call.
    static SCRATCH: RefCell<LabelTable> = RefCell::new(LabelTable::default());
}

/// Reads the labels named in `keys` from `labels` (see the module docs) and calls `f` with
/// them. Reuses a per-thread buffer, so a `matches` call allocates nothing once warm.
pub(crate) fn with_labels<T>(
    keys: &KeyCache,
    labels: &Bound<'_, PyAny>,
    f: impl FnOnce(&Row<'_>) -> PyResult<T>,
) -> PyResult<T> {
    let source = Source::new(labels)?;
    let read = |table: &mut LabelTable| -> PyResult<T> {
        table.clear();
        table.push(keys, &source)?;
        f(&table.rows(keys)?.get(0))
    };
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut table) => read(&mut table),
        // A mapping's `__getitem__` (Python code) called back into a selector: the buffer is
        // in use further up this thread's stack.
        Err(_) => read(&mut LabelTable::default()),
    })
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

/// One label set of a [`LabelTable`]: the labels its selector reads.
pub(crate) struct Row<'a> {
    names: &'a [String],
    values: &'a [Option<(usize, usize)>],
    text: &'a str,
}

impl selector_core::Labels for Row<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        // Selectors name few labels, which often share a long prefix (`projectcalico.org/`):
        // comparing lengths first beats a binary search of string comparisons up to a few.
        let i = if self.names.len() <= 8 {
            self.names
                .iter()
                .position(|n| n.len() == name.len() && n == name)?
        } else {
            self.names.binary_search_by(|n| n.as_str().cmp(name)).ok()?
        };
        let (start, end) = (*self.values.get(i)?)?;
        self.text.get(start..end)
    }
}

/// Whole label sets copied out of Python, every key and value checked (for `LabelSets` and
/// `SelectorSet`, which need every label): the names and values of one label set after another
/// in one UTF-8 buffer, so that copying a label set allocates nothing once the buffers are warm.
#[derive(Default)]
pub(crate) struct LabelPairs {
    bytes: Vec<u8>,
    /// `(name start, value start, value end)`; a name ends where its value starts.
    spans: Vec<(usize, usize, usize)>,
}

impl LabelPairs {
    /// Replaces the contents with every label of one mapping, checking that keys and values
    /// are `str`.
    pub(crate) fn read(&mut self, source: &Source<'_, '_>) -> PyResult<()> {
        self.bytes.clear();
        self.spans.clear();
        match source {
            Source::Dict(dict) => {
                for (key, value) in dict.iter() {
                    self.put(&key, &value)?;
                }
            }
            Source::Mapping(mapping) => {
                for item in mapping.items()?.iter() {
                    let (key, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
                    self.put(&key, &value)?;
                }
            }
        }
        Ok(())
    }

    fn put(&mut self, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        check_entry(key, value)?;
        let name = key.cast::<PyString>()?.encode_utf8().map_err(|_| {
            PyValueError::new_err(format!(
                "label name {} contains a lone surrogate and cannot be encoded as UTF-8",
                repr(key)
            ))
        })?;
        let start = self.bytes.len();
        self.bytes.extend_from_slice(name.as_bytes());
        let middle = self.bytes.len();
        self.bytes
            .extend_from_slice(utf8_of(key, value)?.as_bytes());
        self.spans.push((start, middle, self.bytes.len()));
        Ok(())
    }

    /// The `(name, value)` pairs read, in the mapping's order.
    pub(crate) fn pairs(&self) -> PyResult<impl Iterator<Item = (&str, &str)> + Clone + '_> {
        // Every piece was encoded by CPython's UTF-8 encoder, so this one check of the whole
        // buffer (cheaper than one per piece) cannot fail in practice.
        let text = std::str::from_utf8(&self.bytes)
            .map_err(|_| PyValueError::new_err("labels are not valid UTF-8"))?;
        Ok(self.spans.iter().map(move |&(start, middle, end)| {
            (
                text.get(start..middle).unwrap_or_default(),
                text.get(middle..end).unwrap_or_default(),
            )
        }))
    }
}
