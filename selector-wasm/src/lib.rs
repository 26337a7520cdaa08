//! The Calico selector language for JavaScript, through wasm-bindgen.
//!
//! A thin edge over `selector-core`: it parses nothing itself, it only translates. Names are
//! camelCase on the JS side; every span is given in UTF-16 code units (`start`, `end`: what
//! JS strings and editors index by) and in UTF-8 bytes (`byteStart`, `byteEnd`).
//! `index.d.ts` next to `package.json` declares every value that crosses the boundary.
//!
//! ```js
//! const { parse, check } = require("calico-selector-wasm");
//! const s = parse('app == "web" && !has(debug)');
//! s.matches({ app: "web" });            // true
//! s.canonical;                          // '(app == "web" && !has(debug))'
//! check("app = web");                   // { ok: false, diagnostics: [{ message, help, start, end, ... }] }
//! lintYaml(policyText);                 // [{ rule, severity, message, line, column, start, end, ... }]
//! ```

mod cluster;
mod labels;
pub mod model;
pub mod span;

pub use cluster::Cluster;
pub use labels::LabelSet;
use labels::{with_js_labels, LabelKeys};
use model::{CheckResult, ErrorInfo, ExplanationInfo, TokensResult};
use selector_core::{ParseError, Selector as CoreSelector};
use serde::Serialize;
use std::cell::OnceCell;
use wasm_bindgen::prelude::*;

/// Installs the panic hook (once), so that a bug shows its Rust message in the console
/// instead of `unreachable executed`. Called by every entry point that reaches the core:
/// `#[wasm_bindgen(start)]` would also export a `start` function nobody should call.
fn panic_hook() {
    console_error_panic_hook::set_once();
}

/// A parsed selector. Call `free()` when done to release its memory at once (otherwise it is
/// released when the object is garbage-collected).
#[wasm_bindgen]
#[derive(Debug)]
pub struct Selector {
    inner: CoreSelector,
    /// The JS property keys of the labels it reads, made on the first `matches`.
    keys: OnceCell<LabelKeys>,
}

#[wasm_bindgen]
impl Selector {
    /// Calico's canonical text (`String()` in Go).
    #[wasm_bindgen(getter)]
    pub fn canonical(&self) -> String {
        self.inner.canonical().to_owned()
    }

    /// Calico's unique id: `s:` + base64url(SHA-224(`s:` + canonical)).
    #[wasm_bindgen(getter, js_name = uniqueId)]
    pub fn unique_id(&self) -> String {
        self.inner.unique_id().to_owned()
    }

    /// The text as given to `parse`.
    #[wasm_bindgen(getter)]
    pub fn source(&self) -> String {
        self.inner.source().to_owned()
    }

    /// Whether the selector matches `labels` (a plain object or a `Map` of strings).
    /// Throws a `TypeError` if `labels` is not an object or a label the selector reads is
    /// not a string (`undefined` counts as absent).
    pub fn matches(&self, labels: &JsValue) -> Result<bool, JsValue> {
        with_js_labels(labels, self.keys(), |view| self.inner.matches(view))
    }

    /// Whether the selector matches a prepared [`LabelSet`]: no JS object is read, so this
    /// is the fast path for matching many selectors against the same labels.
    #[wasm_bindgen(js_name = matchesSet)]
    pub fn matches_set(&self, labels: &LabelSet) -> bool {
        self.inner.matches(labels)
    }

    /// Per label name, what any matching label set must satisfy:
    /// `{ [label]: { present, absent, values: string[] | null } }`.
    #[wasm_bindgen(js_name = labelRestrictions)]
    pub fn label_restrictions(&self) -> Result<JsValue, JsValue> {
        to_js(&model::restrictions(&self.inner))
    }

    /// The distinct label names the selector reads, sorted.
    #[wasm_bindgen(js_name = labelNames)]
    pub fn label_names(&self) -> Vec<String> {
        self.inner
            .label_names()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    /// Whether the label restrictions are impossible (no label set can match).
    #[wasm_bindgen(js_name = canNeverMatch)]
    pub fn can_never_match(&self) -> bool {
        self.inner.can_never_match()
    }

    /// Why the selector does or does not match `labels`: a tree of sub-expressions with
    /// their verdicts and spans in the source text. Throws like `matches`.
    pub fn explain(&self, labels: &JsValue) -> Result<JsValue, JsValue> {
        let explanation = with_js_labels(labels, self.keys(), |view| self.inner.explain(view))?;
        to_js(&ExplanationInfo::new(&explanation, self.inner.source()))
    }

    /// The canonical text.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_js_string(&self) -> String {
        self.canonical()
    }

    /// The canonical text, so that `JSON.stringify` writes a selector as its text.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> String {
        self.canonical()
    }
}

impl Selector {
    fn keys(&self) -> &LabelKeys {
        self.keys
            .get_or_init(|| LabelKeys::new(self.inner.label_names()))
    }
}

/// Parses a selector. Throws a `SelectorError` (an `Error` with `kind`, `help`, `start`,
/// `end`, `byteStart`, `byteEnd`, `line`, `column`) when the text is not a valid selector.
#[wasm_bindgen]
pub fn parse(text: &str) -> Result<Selector, JsValue> {
    panic_hook();
    match CoreSelector::parse(text) {
        Ok(inner) => Ok(Selector {
            inner,
            keys: OnceCell::new(),
        }),
        Err(error) => Err(selector_error(&error, text)),
    }
}

/// Validates a selector without throwing: `{ ok: true, canonical, uniqueId }` or
/// `{ ok: false, diagnostics: [...] }`.
#[wasm_bindgen]
pub fn check(text: &str) -> Result<JsValue, JsValue> {
    panic_hook();
    to_js(&CheckResult::of(text))
}

/// The tokens of a selector for syntax highlighting, also for invalid text (up to the
/// first error): `{ tokens: [{ kind, start, end, byteStart, byteEnd }], error }`.
#[wasm_bindgen]
pub fn tokens(text: &str) -> Result<JsValue, JsValue> {
    panic_hook();
    to_js(&TokensResult::of(text))
}

/// The canonical text of a selector. Throws a `SelectorError` like `parse`.
#[wasm_bindgen]
pub fn format(text: &str) -> Result<String, JsValue> {
    panic_hook();
    CoreSelector::parse(text)
        .map(|s| s.canonical().to_owned())
        .map_err(|e| selector_error(&e, text))
}

/// Lints a Calico policy file (YAML or JSON, one or more documents) with every rule that
/// fits one file: `[{ rule, severity, message, help, file, line, column, start, end,
/// byteStart, byteEnd }]`, spans in the YAML text. `filename` names the file in the
/// diagnostics (`<input>` when omitted). Never throws for any text.
#[wasm_bindgen(js_name = lintYaml)]
pub fn lint_yaml(yaml_text: &str, filename: Option<String>) -> Result<JsValue, JsValue> {
    panic_hook();
    to_js(&model::lint(yaml_text, filename.as_deref().unwrap_or("")))
}

/// Converts a value to JS: structs and maps become plain objects, `None` becomes `null`.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(JsValue::from)
}

/// A JS `Error` named `SelectorError` carrying the fields of [`ErrorInfo`].
fn selector_error(error: &ParseError, text: &str) -> JsValue {
    let js_error = js_sys::Error::new(error.message());
    js_error.set_name("SelectorError");
    match to_js(&ErrorInfo::new(error, text)) {
        Ok(fields) => {
            if let Some(fields) = fields.dyn_ref::<js_sys::Object>() {
                js_sys::Object::assign(&js_error, fields);
            }
            js_error.into()
        }
        Err(conversion) => conversion,
    }
}
