//! Rule `invalid-type`: a value of the wrong JSON type.

use crate::model::value::{IssueKind, RawKind};
use crate::resource::Resource;
use crate::validate::Ctx;

crate::declare_rule! {
    /// ## What it finds
    /// A value whose type is not the field's: a quoted number where a number is needed
    /// (`order: "100"`), a number where a string is needed, a single value where a list is
    /// needed (`types: Ingress`), a mapping where a string is needed.
    ///
    /// ## Why it matters
    /// Calico decodes manifests as JSON into typed fields and rejects the whole resource.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   order: "100"
    ///   types: Ingress
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// spec:
    ///   order: 100
    ///   types: [Ingress]
    /// ```
    pub INVALID_TYPE = "invalid-type", Error, "A value of the wrong type (`order: \"100\"`, a single value where a list is needed).";
}

/// Selector fields: their wrong types are reported by the selector rules.
const SELECTOR_FIELDS: &[&str] = &[
    "selector",
    "notSelector",
    "namespaceSelector",
    "serviceAccountSelector",
];

/// Reports every wrong type decoding found in `res`.
pub(crate) fn check(cx: &mut Ctx<'_>, res: &Resource) {
    let Some(file) = cx.files.get(res.file) else {
        return;
    };
    let mut found = Vec::new();
    for issue in &res.decode {
        let IssueKind::WrongType {
            expected,
            found: kind,
        } = &issue.kind
        else {
            continue;
        };
        let field = issue.path.rsplit('.').next().unwrap_or(&issue.path);
        if SELECTOR_FIELDS.contains(&field) {
            // `selector-syntax` and `k8s-selector-syntax` report selector fields of other types.
            continue;
        }
        let text = file.text.get(issue.span.clone()).unwrap_or("");
        let unquoted = text.trim_matches(|c| c == '"' || c == '\'');
        let help = match (*expected, kind) {
            ("a number" | "an integer", RawKind::String) if unquoted.parse::<f64>().is_ok() => {
                format!("remove the quotes: `{field}: {unquoted}`")
            }
            ("a string", RawKind::Number | RawKind::Bool) => {
                format!("quote the value: `{field}: \"{text}\"`")
            }
            ("a list", _) => format!("write a list: `{field}: [{text}]`"),
            _ => format!("write {expected}"),
        };
        found.push((
            issue.span.clone(),
            format!("`{}` must be {expected}, not a {}", issue.path, kind.name()),
            help,
        ));
    }
    for (span, message, help) in found {
        cx.report(&INVALID_TYPE, res, span, message, help);
    }
}
