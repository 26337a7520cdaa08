//! The lint rules that look at one selector field at a time.

use std::ops::Range;

use selector_core::{tokens, ErrorKind, Expr, Selector, TokenKind};

use crate::diag::{
    Diagnostic, RuleInfo, AUTOMATIC_LABEL_MISUSE, GLOBAL_MISUSE, K8S_SELECTOR_SYNTAX,
    NEVER_MATCHES, SELECTOR_NEWLINE, SELECTOR_SYNTAX, YAML_TAG_SELECTOR,
};
use crate::k8s;
use crate::resource::{FieldKind, FieldValue, SelectorField, SelectorText};
use crate::source::SourceFile;
use crate::yaml::Style;

/// Byte range of the first label token named `name` in a valid selector.
pub(crate) fn label_span(text: &str, name: &str) -> Option<Range<usize>> {
    tokens(text)
        .tokens
        .into_iter()
        .find(|t| t.kind == TokenKind::Label && text.get(t.span.clone()) == Some(name))
        .map(|t| t.span)
}

fn diag(
    out: &mut Vec<Diagnostic>,
    rule: &RuleInfo,
    file: &SourceFile,
    span: Range<usize>,
    message: String,
    help: Option<String>,
) {
    out.push(Diagnostic::new(rule, file, span, message, help));
}

/// `true` when the expression is false on every label set.
fn always_false(e: &Expr) -> bool {
    match e {
        Expr::Not { expr, .. } => always_true(expr),
        Expr::And { exprs, .. } => exprs.iter().any(always_false),
        Expr::Or { exprs, .. } => exprs.iter().all(always_false),
        Expr::In {
            values, negated, ..
        } => !*negated && values.is_empty(),
        _ => false,
    }
}

/// `true` when the expression is true on every label set.
fn always_true(e: &Expr) -> bool {
    match e {
        Expr::All { .. } | Expr::Global { .. } => true,
        Expr::Not { expr, .. } => always_false(expr),
        Expr::And { exprs, .. } => exprs.iter().all(always_true),
        Expr::Or { exprs, .. } => exprs.iter().any(always_true),
        Expr::In {
            values, negated, ..
        } => *negated && values.is_empty(),
        _ => false,
    }
}

fn never_reason(sel: &Selector) -> Option<String> {
    for (label, r) in sel.label_restrictions() {
        if r.must_be_present && r.must_be_absent {
            return Some(format!(
                "label `{label}` would have to be both present and absent"
            ));
        }
        if r.must_have_one_of.as_ref().is_some_and(Vec::is_empty) {
            return Some(format!(
                "no value of label `{label}` satisfies all its conditions"
            ));
        }
    }
    always_false(sel.ast()).then(|| "the expression is always false".to_string())
}

fn collect_global(e: &Expr, out: &mut Vec<Range<usize>>) {
    if let Expr::Global { span } = e {
        out.push(span.range());
    }
    for c in e.children() {
        collect_global(c, out);
    }
}

/// Byte offsets of `\n` and `\r` outside `"…"` and `'…'` literals (which have no escapes).
fn line_breaks_outside_strings(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut quote: Option<u8> = None;
    for (i, b) in text.bytes().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'\n' || b == b'\r' => out.push(i),
            None => {}
        }
    }
    out
}

fn one_line(text: &str) -> String {
    text.split(['\n', '\r'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A YAML-safe single-quoted scalar.
pub(crate) fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn field_key(field: &SelectorField) -> &str {
    field.path.rsplit('.').next().unwrap_or("selector")
}

/// Checks one selector field (rules 1, 2, 3, 4, 6, 7 and 11).
pub(crate) fn check_field(file: &SourceFile, field: &SelectorField, out: &mut Vec<Diagnostic>) {
    let key = field_key(field);
    let t = match &field.value {
        FieldValue::Text(t) => t,
        FieldValue::K8sObject { equivalent } => {
            diag(
                out,
                &K8S_SELECTOR_SYNTAX,
                file,
                field.span.clone(),
                format!("`{key}` is a Kubernetes label selector object; Calico needs a selector string"),
                Some(match equivalent {
                    Some(eq) => format!("write `{key}: {}`", single_quoted(eq)),
                    None => "write the selector as a Calico selector string, e.g. `app == \"web\" && tier in {\"a\", \"b\"}`".into(),
                }),
            );
            return;
        }
        FieldValue::Invalid => {
            diag(
                out,
                &SELECTOR_SYNTAX,
                file,
                field.span.clone(),
                format!("`{key}` must be a selector string"),
                Some(format!("write `{key}: 'label == \"value\"'`")),
            );
            return;
        }
    };
    if let Some(tag) = t.tag.as_ref().filter(|t| !t.starts_with("!!")) {
        diag(
            out,
            &YAML_TAG_SELECTOR,
            file,
            t.span.clone(),
            format!("YAML reads the unquoted `{tag}` as a tag, so this selector is not the text written"),
            Some(format!("quote the selector: `{key}: {}`", single_quoted(&t.text))),
        );
    }
    // Line breaks inside string literals are allowed by Calico; elsewhere they are not.
    let breaks = line_breaks_outside_strings(&t.text);
    let mut analysed = t.text.clone();
    if let Some(&i) = breaks.first() {
        let block = matches!(t.style, Style::Literal | Style::Folded);
        let start = t.file_offset(i);
        diag(
            out,
            &SELECTOR_NEWLINE,
            file,
            start..start + 1,
            if block {
                "selector contains a line break (from a YAML block scalar); Calico rejects it"
                    .into()
            } else {
                "selector contains a line break; Calico rejects it".into()
            },
            Some(format!(
                "write the selector on one line: `{key}: {}`",
                single_quoted(&one_line(&t.text))
            )),
        );
        // Check the rest as if the line breaks were spaces (same byte offsets).
        let mut bytes = analysed.into_bytes();
        for i in breaks {
            if let Some(b) = bytes.get_mut(i) {
                *b = b' ';
            }
        }
        analysed = String::from_utf8(bytes).unwrap_or_default();
    }
    let sel = match Selector::parse(&analysed) {
        Ok(sel) => sel,
        Err(e) => {
            match k8s::equivalent(&analysed) {
                Some(eq) => diag(
                    out,
                    &K8S_SELECTOR_SYNTAX,
                    file,
                    t.file_range(0..analysed.len()),
                    "this is Kubernetes label-selector syntax, not a Calico selector".into(),
                    Some(format!(
                        "write the Calico selector `{key}: {}`",
                        single_quoted(&eq)
                    )),
                ),
                None => diag(
                    out,
                    if e.kind() == ErrorKind::KubernetesSetSyntax {
                        &K8S_SELECTOR_SYNTAX
                    } else {
                        &SELECTOR_SYNTAX
                    },
                    file,
                    t.file_range(e.span()),
                    e.message().to_string(),
                    e.help().map(str::to_string),
                ),
            }
            return;
        }
    };
    check_valid(file, field, t, &sel, out);
}

fn check_valid(
    file: &SourceFile,
    field: &SelectorField,
    t: &SelectorText,
    sel: &Selector,
    out: &mut Vec<Diagnostic>,
) {
    let key = field_key(field);
    let whole = t.file_range(0..t.text.len());
    if let Some(reason) = never_reason(sel) {
        diag(
            out,
            &NEVER_MATCHES,
            file,
            whole.clone(),
            format!("`{}` can never match: {reason}", sel.canonical()),
            Some(if field.kind == FieldKind::PeerNotSelector {
                "a notSelector that never matches excludes nothing; remove the contradiction".into()
            } else {
                "remove the contradictory conditions; as written this selects nothing".into()
            }),
        );
    }
    let mut globals = Vec::new();
    collect_global(sel.ast(), &mut globals);
    for g in globals {
        let (msg, help) = if field.kind != FieldKind::PeerNamespaceSelector {
            (
                format!("`global()` is only allowed in a rule's `namespaceSelector`, not in `{key}`"),
                "use `global()` alone as a rule's `namespaceSelector` to match non-namespaced resources",
            )
        } else if !matches!(sel.ast(), Expr::Global { .. }) {
            (
                "`global()` must be the whole `namespaceSelector`; Calico rejects it combined with other expressions".to_string(),
                "write `namespaceSelector: global()` and put label conditions in `selector`",
            )
        } else {
            continue;
        };
        diag(
            out,
            &GLOBAL_MISUSE,
            file,
            t.file_range(g),
            msg,
            Some(help.into()),
        );
    }
    for label in sel.label_names() {
        let problem = if field.kind.is_namespace() {
            match label {
                "projectcalico.org/namespace" | "projectcalico.org/serviceaccount" | "projectcalico.org/orchestrator" => Some((
                    format!("namespaces never carry `{label}`, so this matches no namespace"),
                    "in a namespaceSelector, select a namespace by name with `projectcalico.org/name == \"<namespace>\"`".to_string(),
                )),
                l if l.starts_with("pcns.") || l.starts_with("pcsa.") => Some((
                    format!("`{label}` has a prefix that Calico adds by itself; namespace labels never carry it"),
                    format!("write the namespace label without the prefix: `{}`", l.get(5..).unwrap_or(l)),
                )),
                _ => None,
            }
        } else if field.kind.is_service_account() {
            match label {
                "projectcalico.org/namespace" | "projectcalico.org/serviceaccount" | "projectcalico.org/orchestrator" => Some((
                    format!("service accounts never carry `{label}`, so this matches no service account"),
                    "select a service account by name with `projectcalico.org/name == \"<name>\"` (or use `serviceAccounts.names`)".to_string(),
                )),
                l if l.starts_with("pcns.") || l.starts_with("pcsa.") => Some((
                    format!("`{label}` has a prefix that Calico adds by itself; service-account labels never carry it"),
                    format!("write the service-account label without the prefix: `{}`", l.get(5..).unwrap_or(l)),
                )),
                _ => None,
            }
        } else if label == "projectcalico.org/name" {
            Some((
                format!("endpoints never carry `{label}` (only namespaces and service accounts do), so it matches nothing here"),
                "to select by namespace use `projectcalico.org/namespace == \"<ns>\"`, by service account `projectcalico.org/serviceaccount == \"<name>\"` (or a namespaceSelector / serviceAccountSelector)".to_string(),
            ))
        } else {
            None
        };
        if let Some((message, help)) = problem {
            let span = label_span(&t.text, label).map_or(whole.clone(), |r| t.file_range(r));
            diag(
                out,
                &AUTOMATIC_LABEL_MISUSE,
                file,
                span,
                message,
                Some(help),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_folding() {
        let f = |s: &str| always_false(Selector::parse(s).unwrap().ast());
        assert!(f("!all()"));
        assert!(f("a in {}"));
        assert!(f("has(a) && !(b not in {})"));
        assert!(!f("!has(a)"));
        assert!(!f("!all() || has(a)"));
    }

    #[test]
    fn line_breaks_in_strings_are_allowed() {
        assert_eq!(
            line_breaks_outside_strings("a == \"x\ny\" &&\nb == 'p\rq'\n"),
            vec![13, 24]
        );
    }

    #[test]
    fn finds_labels() {
        assert_eq!(label_span("has(b) && a == \"a\"", "a"), Some(10..11));
        assert_eq!(single_quoted("a == 'x'"), "'a == ''x'''");
    }
}
