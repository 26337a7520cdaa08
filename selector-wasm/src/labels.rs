//! Reading labels from a JavaScript object or `Map`.
//!
//! A selector reads only the labels it names, so instead of copying the whole object into
//! Rust, [`with_js_labels`] fetches just those. Crossing the JS/WebAssembly boundary once per
//! label (`hasOwn`, `get`, then copying the string) costs far more than the match itself, so
//! a small JS function (`write_labels` below) looks every label up on the JS side and writes
//! all the values, UTF-8 encoded, straight into a scratch buffer in WebAssembly memory: one
//! call, no allocation, no string marshalling. Each entry, in key order, is a little-endian
//! `u32` byte length (`u32::MAX` for an absent label) followed by the value's bytes. Rust
//! then reads the values in place (checking that they are UTF-8).
//!
//! When a value is not a string, `write_labels` only says so, and `type_error` (slow, rare)
//! builds the message. Neither ever throws: an import that may throw goes through
//! wasm-bindgen's `catch` wrapper, which costs more than the whole lookup.
//!
//! [`LabelSet`] copies every entry once instead, through `pack_entries`, for matching many
//! selectors against the same labels.

use selector_core::Labels;
use std::cell::RefCell;
use std::ops::Range;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
function kind(v) {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}
function isLabels(labels) {
  return labels !== null && typeof labels === "object" && !Array.isArray(labels);
}
function lookup(labels, isMap, key) {
  return isMap ? labels.get(key) : Object.hasOwn(labels, key) ? labels[key] : undefined;
}
export function make_keys(names) {
  // Which names an ordinary object inherits (`toString`, `constructor`, ...): only those
  // need the own-property check when the object's prototype is Object.prototype.
  return { names, inherited: names.map((name) => name in Object.prototype) };
}
const encoder = new TextEncoder();
let bytes = new Uint8Array(0);
export function write_labels(labels, { names, inherited }, memory, at, cap) {
  if (!isLabels(labels)) return -1;
  const isMap = labels instanceof Map;
  const proto = Object.getPrototypeOf(labels);
  const plain = proto === Object.prototype || proto === null;
  // A grown memory detaches the old buffer (byteLength 0); the first view is empty too.
  if (bytes.byteLength === 0) bytes = new Uint8Array(memory.buffer);
  const out = bytes;
  let pos = at;
  const limit = at + cap;
  let needed = 0;
  for (let i = 0; i < names.length; i++) {
    const value = plain
      ? inherited[i] && !Object.hasOwn(labels, names[i]) ? undefined : labels[names[i]]
      : lookup(labels, isMap, names[i]);
    if (value === undefined) {
      needed += 4;
      if (needed <= cap) {
        out[pos] = 255; out[pos + 1] = 255; out[pos + 2] = 255; out[pos + 3] = 255;
        pos += 4;
      }
      continue;
    }
    if (typeof value !== "string") return -1;
    // At most 3 UTF-8 bytes per UTF-16 unit (a pair is 4 bytes for 2 units).
    needed += 4 + 3 * value.length;
    if (needed > cap) continue; // keep checking types, then ask for more room
    const start = pos + 4;
    let end = start;
    let j = 0;
    for (; j < value.length; j++) {
      const c = value.charCodeAt(j);
      if (c > 0x7f) break;
      out[end++] = c;
    }
    if (j < value.length) {
      const rest = j === 0 ? value : value.slice(j);
      end += encoder.encodeInto(rest, out.subarray(end, limit)).written;
    }
    const len = end - start;
    out[pos] = len & 255; out[pos + 1] = (len >>> 8) & 255;
    out[pos + 2] = (len >>> 16) & 255; out[pos + 3] = len >>> 24;
    pos = end;
  }
  return needed > cap ? -needed : pos - at;
}
export function type_error(labels, { names }) {
  if (!isLabels(labels)) {
    return `labels must be an object or a Map of strings, got ${kind(labels)}`;
  }
  const isMap = labels instanceof Map;
  for (const name of names) {
    const value = lookup(labels, isMap, name);
    if (value !== undefined && typeof value !== "string") {
      return `label \`${name}\` must be a string, got ${kind(value)}`;
    }
  }
  return "";
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
    /// Writes the values of `keys` into `memory` at `at`, at most `cap` bytes (see the module
    /// documentation). Returns the bytes written, `-1` for a value of the wrong type, or `-n`
    /// when `n` bytes are needed. (Passing `&mut [u8]` instead would make wasm-bindgen build a
    /// new `Uint8Array` view on every call: a tenth of the time of `matches`.)
    fn write_labels(labels: &JsValue, keys: &JsValue, memory: &JsValue, at: u32, cap: u32) -> i32;

    /// The message for the `-1` of `write_labels` (empty if there is nothing wrong).
    fn type_error(labels: &JsValue, keys: &JsValue) -> String;

    /// The keys object `write_labels` takes: `{ names, inherited }`.
    fn make_keys(names: js_sys::Array) -> JsValue;

    /// Every entry of an object or `Map` as one string `<len>,<len>,…;<text>`: the lengths in
    /// UTF-16 units of name, value, name, value, …, then those strings concatenated. (A lone
    /// surrogate becomes U+FFFD on the way in, still one unit, so the lengths stay right.)
    /// `!<message>` when a name or value is not a string.
    fn pack_entries(labels: &JsValue) -> String;
}

/// The label names a selector reads, sorted, and the same names for JS (`make_keys`).
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
            keys: make_keys(array),
        }
    }
}

/// Where `write_labels` writes.
struct Scratch {
    /// The buffer; grows when a label set needs more room.
    buffer: RefCell<Vec<u8>>,
    /// This module's `WebAssembly.Memory`, which the buffer is part of.
    memory: JsValue,
}

thread_local! {
    /// WebAssembly here is single-threaded: one scratch buffer.
    static SCRATCH: Scratch = Scratch {
        buffer: RefCell::new(vec![0; SCRATCH_START]),
        memory: wasm_bindgen::memory(),
    };
}

/// The scratch buffer's first size, enough for the labels of any ordinary selector.
const SCRATCH_START: usize = 1024;

/// A scratch buffer grown past this is given back after the call.
const SCRATCH_KEEP: usize = 64 * 1024;

/// Reads the labels in `keys` from `labels` (a plain object or a `Map`) and runs `f` on them.
///
/// Errors (a JS `TypeError`): `labels` is not an object, or a label the selector reads has a
/// value that is neither a string nor `undefined`.
pub fn with_js_labels<R>(
    labels: &JsValue,
    keys: &LabelKeys,
    f: impl FnOnce(&WrittenLabels<'_>) -> R,
) -> Result<R, JsValue> {
    SCRATCH.with(|scratch| {
        let mut buffer = scratch.buffer.try_borrow_mut().map_err(|_| malformed())?;
        loop {
            // Where the buffer lives in linear memory (a wasm32 address fits in a u32). JS
            // writes only within `buffer.len()` bytes from there, while `buffer` is borrowed.
            let at = u32::try_from(buffer.as_mut_ptr() as usize).map_err(|_| malformed())?;
            let cap = u32::try_from(buffer.len()).map_err(|_| malformed())?;
            let written = write_labels(labels, &keys.keys, &scratch.memory, at, cap);
            if let Ok(len) = usize::try_from(written) {
                let bytes = buffer.get(..len).ok_or_else(malformed)?;
                let result = f(&WrittenLabels {
                    names: &keys.names,
                    bytes,
                });
                if buffer.len() > SCRATCH_KEEP {
                    // One huge label value should not pin megabytes for the module's life.
                    *buffer = vec![0; SCRATCH_START];
                }
                return Ok(result);
            }
            if written == -1 {
                let message = type_error(labels, &keys.keys);
                return Err(if message.is_empty() {
                    malformed()
                } else {
                    js_sys::TypeError::new(&message).into()
                });
            }
            let needed = usize::try_from(written.unsigned_abs()).map_err(|_| malformed())?;
            if needed <= buffer.len() {
                return Err(malformed());
            }
            buffer.resize(needed.next_power_of_two(), 0);
        }
    })
}

/// The values written by `write_labels`, read in place.
#[derive(Debug)]
pub struct WrittenLabels<'a> {
    names: &'a [String],
    bytes: &'a [u8],
}

impl WrittenLabels<'_> {
    /// The value of entry `index`: entries are walked from the start, which for the few
    /// labels of a selector is cheaper than building an index.
    fn entry(&self, index: usize) -> Option<&str> {
        let mut at = 0usize;
        for i in 0..=index {
            let len = self.bytes.get(at..at + 4)?;
            let len = u32::from_le_bytes([*len.first()?, *len.get(1)?, *len.get(2)?, *len.get(3)?]);
            at += 4;
            if len == u32::MAX {
                if i == index {
                    return None;
                }
                continue;
            }
            let end = at + usize::try_from(len).ok()?;
            if i == index {
                return std::str::from_utf8(self.bytes.get(at..end)?).ok();
            }
            at = end;
        }
        None
    }
}

impl Labels for WrittenLabels<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        let at = self
            .names
            .binary_search_by(|probe| probe.as_str().cmp(name))
            .ok()?;
        self.entry(at)
    }
}

/// The error for a packed string that does not decode (a bug, never the caller's fault).
fn malformed() -> JsValue {
    js_sys::Error::new("internal error: malformed label values from JavaScript").into()
}

/// The TypeScript declaration of the type(s) below, written into the package's `.d.ts`.
// Read by the wasm-bindgen macro below (which rustc's dead-code pass does not count) and
// by the tests.
#[allow(dead_code)]
pub(crate) const LABELS_TS: &str = r#"
/** Labels to match: a plain object or a `Map`, label name to value. A label the selector
 *  reads must be a string or absent (`undefined`); anything else throws a `TypeError`. */
export type Labels = Readonly<Record<string, string>> | ReadonlyMap<string, string>;
"#;
#[wasm_bindgen(typescript_custom_section)]
const LABELS_TS_SECTION: &str = LABELS_TS;

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
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Labels")] labels: &JsValue,
    ) -> Result<LabelSet, JsValue> {
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

/// The strings packed by `pack_entries`, unpacked into byte ranges of one string (the format
/// also allows `-` for an absent entry).
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

    /// What `pack_entries`'s format is for these values.
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

    /// What `write_labels` writes for these values.
    fn write(values: &[Option<&str>]) -> Vec<u8> {
        let mut out = Vec::new();
        for v in values {
            match v {
                None => out.extend(u32::MAX.to_le_bytes()),
                Some(v) => {
                    out.extend(u32::try_from(v.len()).unwrap().to_le_bytes());
                    out.extend(v.as_bytes());
                }
            }
        }
        out
    }

    #[test]
    fn written_labels_are_read_in_place() {
        let names: Vec<String> = ["a", "b", "c", "d", "e"].map(String::from).to_vec();
        let bytes = write(&[Some("web"), None, Some(""), Some("😀é"), None]);
        let view = WrittenLabels {
            names: &names,
            bytes: &bytes,
        };
        assert_eq!(Labels::get(&view, "a"), Some("web"));
        assert_eq!(Labels::get(&view, "b"), None);
        assert_eq!(Labels::get(&view, "c"), Some(""));
        assert_eq!(Labels::get(&view, "d"), Some("😀é"));
        assert_eq!(Labels::get(&view, "e"), None);
        assert_eq!(Labels::get(&view, "zz"), None);
    }

    #[test]
    fn truncated_or_invalid_bytes_read_as_absent_not_panicking() {
        let names: Vec<String> = ["a", "b"].map(String::from).to_vec();
        for bytes in [
            vec![],
            vec![1, 0],
            vec![5, 0, 0, 0, b'x'],
            vec![2, 0, 0, 0, 0xff, 0xfe, 1, 0, 0, 0, b'y'],
        ] {
            let view = WrittenLabels {
                names: &names,
                bytes: &bytes,
            };
            assert_eq!(Labels::get(&view, "a"), None, "{bytes:?}");
        }
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
