//! Reading labels from a JavaScript object or `Map`.
//!
//! A selector reads only the labels it names, so instead of copying the whole object into
//! Rust, [`JsLabels::read`] fetches just those. Crossing the JS/WebAssembly boundary once per
//! label (`hasOwn`, `get`, then copying the string) costs far more than the match itself, so
//! a small JS function (`read_labels` below) looks every label up on the JS side, checks the
//! types, and returns one string that carries all the values; Rust then slices it.
//!
//! The string is `<len>,<len>,-,…;<value><value>…`: one entry per key, in key order, `-` for
//! an absent label, otherwise the value's length in UTF-16 code units; then the values
//! concatenated. (A lone surrogate becomes U+FFFD on the way in, which is still one UTF-16
//! unit, so the lengths stay right.) A wrong type is reported as `!<message>` rather than
//! thrown: an import that may throw goes through wasm-bindgen's `catch` wrapper, which cost
//! a quarter of the time of a `matches` call.

use selector_core::Labels;
use std::ops::Range;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
function kind(v) {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}
export function read_labels(labels, keys) {
  if (labels === null || typeof labels !== "object" || Array.isArray(labels)) {
    return `!labels must be an object or a Map of strings, got ${kind(labels)}`;
  }
  const isMap = labels instanceof Map;
  let head = "";
  let body = "";
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const value = isMap ? labels.get(key) : Object.hasOwn(labels, key) ? labels[key] : undefined;
    if (value === undefined) {
      head += "-,";
    } else if (typeof value === "string") {
      head += value.length + ",";
      body += value;
    } else {
      return `!label \`${key}\` must be a string, got ${kind(value)}`;
    }
  }
  return head + ";" + body;
}
export function pack_entries(labels) {
  if (labels === null || typeof labels !== "object" || Array.isArray(labels)) {
    return `!labels must be an object or a Map of strings, got ${kind(labels)}`;
  }
  let head = "";
  let body = "";
  const entries = labels instanceof Map ? labels.entries() : Object.entries(labels);
  for (const [key, value] of entries) {
    if (typeof key !== "string") return `!label names must be strings, got ${kind(key)}`;
    if (typeof value !== "string") return `!label \`${key}\` must be a string, got ${kind(value)}`;
    head += key.length + "," + value.length + ",";
    body += key + value;
  }
  return head + ";" + body;
}
"#)]
extern "C" {
    /// See the module documentation; never throws.
    fn read_labels(labels: &JsValue, keys: &JsValue) -> String;

    /// Every entry of an object or `Map`, packed like `read_labels` packs values (name, value,
    /// name, value, …); `!<message>` when a name or value is not a string.
    fn pack_entries(labels: &JsValue) -> String;
}

/// The label names a selector reads, sorted, and the same names as a JS array.
#[derive(Debug)]
pub struct LabelKeys {
    names: Vec<String>,
    keys: JsValue,
}

impl LabelKeys {
    /// Keys for `names` (sorted and distinct, as `Selector::label_names` returns them).
    pub fn new(names: Vec<&str>) -> Self {
        let array: js_sys::Array = names.iter().map(|n| JsValue::from_str(n)).collect();
        LabelKeys {
            names: names.into_iter().map(str::to_owned).collect(),
            keys: array.into(),
        }
    }
}

/// The values of the labels a selector reads, fetched from one JS object.
#[derive(Debug)]
pub struct JsLabels<'k> {
    names: &'k [String],
    values: DecodedValues,
}

impl<'k> JsLabels<'k> {
    /// Fetches every label in `keys` from `labels` (a plain object or a `Map`).
    ///
    /// Errors (a JS `TypeError`): `labels` is not an object, or a label the selector reads
    /// has a value that is neither a string nor `undefined`.
    pub fn read(labels: &JsValue, keys: &'k LabelKeys) -> Result<Self, JsValue> {
        let packed = read_labels(labels, &keys.keys);
        if let Some(message) = packed.strip_prefix('!') {
            return Err(js_sys::TypeError::new(message).into());
        }
        let values = DecodedValues::decode(packed, Some(keys.names.len())).ok_or_else(malformed)?;
        Ok(JsLabels {
            names: &keys.names,
            values,
        })
    }
}

impl Labels for JsLabels<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        let at = self
            .names
            .binary_search_by(|probe| probe.as_str().cmp(name))
            .ok()?;
        self.values.get(at)
    }
}

/// The error for a packed string that does not decode (a bug, never the caller's fault).
fn malformed() -> JsValue {
    js_sys::Error::new("internal error: malformed label values from read_labels").into()
}

/// Labels converted once into Rust, for matching many selectors against the same label set
/// without reading the JS object each time. Sorted by name.
#[wasm_bindgen]
#[derive(Debug, Clone, Default)]
pub struct LabelSet {
    entries: Vec<(String, String)>,
}

#[wasm_bindgen]
impl LabelSet {
    /// Copies `labels` (a plain object or a `Map`). Throws a `TypeError` unless every value
    /// is a string.
    #[wasm_bindgen(constructor)]
    pub fn new(labels: &JsValue) -> Result<LabelSet, JsValue> {
        let packed = pack_entries(labels);
        if let Some(message) = packed.strip_prefix('!') {
            return Err(js_sys::TypeError::new(message).into());
        }
        let decoded = DecodedValues::decode(packed, None).ok_or_else(malformed)?;
        let mut entries = Vec::with_capacity(decoded.ranges.len() / 2);
        let mut strings = (0..decoded.ranges.len()).map(|i| decoded.get(i).map(str::to_owned));
        while let (Some(name), Some(value)) = (strings.next(), strings.next()) {
            entries.push((name.ok_or_else(malformed)?, value.ok_or_else(malformed)?));
        }
        Ok(LabelSet::from_entries(entries))
    }

    /// The value of label `name`, or `undefined`.
    pub fn get(&self, name: &str) -> Option<String> {
        Labels::get(self, name).map(str::to_owned)
    }

    /// The number of labels.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.entries.len()
    }
}

impl LabelSet {
    /// A label set from name/value pairs; a repeated name keeps its last value.
    pub fn from_entries(mut entries: Vec<(String, String)>) -> Self {
        // Stable sort, then keep the last of each run of equal names.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut deduped: Vec<(String, String)> = Vec::with_capacity(entries.len());
        for (name, value) in entries {
            match deduped.last_mut() {
                Some(last) if last.0 == name => last.1 = value,
                _ => deduped.push((name, value)),
            }
        }
        LabelSet { entries: deduped }
    }
}

impl Labels for LabelSet {
    fn get(&self, name: &str) -> Option<&str> {
        let at = self
            .entries
            .binary_search_by(|(probe, _)| probe.as_str().cmp(name))
            .ok()?;
        // Not `self.entries.get`: `Vec<(K, V)>` is itself `Labels`, whose `get` takes a name.
        <[(String, String)]>::get(&self.entries, at).map(|(_, v)| v.as_str())
    }
}

/// The values packed by `read_labels`, unpacked into byte ranges of one string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedValues {
    text: String,
    ranges: Vec<Option<Range<usize>>>,
}

impl DecodedValues {
    /// Unpacks `packed` (holding `count` entries, when given); `None` if it is not in the
    /// expected form.
    pub fn decode(packed: String, count: Option<usize>) -> Option<Self> {
        let semicolon = packed.find(';')?;
        let (head, body) = (packed.get(..semicolon)?, packed.get(semicolon + 1..)?);
        let body_start = semicolon + 1;
        let mut ranges = Vec::with_capacity(count.unwrap_or(0));
        let mut chars = body.char_indices();
        let mut at = 0usize; // byte offset in body
        for entry in head.split_terminator(',') {
            if entry == "-" {
                ranges.push(None);
                continue;
            }
            let units: usize = entry.parse().ok()?;
            let start = at;
            let mut taken = 0usize;
            while taken < units {
                let (offset, ch) = chars.next()?;
                taken += ch.len_utf16();
                at = offset + ch.len_utf8();
            }
            if taken != units {
                return None;
            }
            ranges.push(Some(body_start + start..body_start + at));
        }
        if count.is_some_and(|count| ranges.len() != count) || chars.next().is_some() {
            return None;
        }
        Some(DecodedValues {
            text: packed,
            ranges,
        })
    }

    /// The value of entry `index`, `None` when the label is absent.
    pub fn get(&self, index: usize) -> Option<&str> {
        let range = self.ranges.get(index)?.clone()?;
        self.text.get(range)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `read_labels` produces for these values.
    fn pack(values: &[Option<&str>]) -> String {
        let mut head = String::new();
        let mut body = String::new();
        for v in values {
            match v {
                None => head.push_str("-,"),
                Some(v) => {
                    head.push_str(&format!("{},", v.encode_utf16().count()));
                    body.push_str(v);
                }
            }
        }
        format!("{head};{body}")
    }

    #[test]
    fn round_trips_any_values() {
        let values = [
            Some("web"),
            None,
            Some(""),
            Some("a,b;c-d"),
            Some("😀é\"'"),
            None,
            Some("12"),
            Some(";"),
        ];
        let decoded = DecodedValues::decode(pack(&values), Some(values.len())).unwrap();
        for (i, v) in values.iter().enumerate() {
            assert_eq!(decoded.get(i), *v, "entry {i}");
        }
        assert_eq!(decoded.get(values.len()), None);
    }

    #[test]
    fn label_set_looks_up_by_name_and_keeps_the_last_duplicate() {
        let set = LabelSet::from_entries(vec![
            ("b".into(), "1".into()),
            ("a".into(), "x".into()),
            ("b".into(), "2".into()),
        ]);
        assert_eq!(Labels::get(&set, "a"), Some("x"));
        assert_eq!(Labels::get(&set, "b"), Some("2"));
        assert_eq!(Labels::get(&set, "c"), None);
        assert_eq!(set.size(), 2);
    }

    #[test]
    fn no_keys() {
        let decoded = DecodedValues::decode(";".to_owned(), Some(0)).unwrap();
        assert_eq!(decoded.get(0), None);
    }

    #[test]
    fn malformed_input_is_rejected_not_panicking() {
        for (packed, count) in [
            ("", 0),
            ("3,;ab", 1),
            ("1,;abc", 1),
            ("x,;a", 1),
            ("1,1,;a", 2),
            ("-,;", 2),
            ("1,;😀", 1),
        ] {
            assert_eq!(
                DecodedValues::decode(packed.to_owned(), Some(count)),
                None,
                "{packed:?}"
            );
        }
    }
}
