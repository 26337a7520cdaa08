//! `selector-syntax`: a selector that Calico cannot parse.

use selector_core::ErrorKind;

use crate::diag::Diagnostic;
use crate::rules::{Check, SelectorCx, ValueCx};

crate::declare_rule! {
    /// ## What it finds
    /// A selector that Calico's parser rejects, at the byte where it fails, with what was
    /// expected; or a selector field whose value is not a string (a list, a number).
    /// Kubernetes label-selector syntax is reported by `k8s-selector-syntax` instead.
    ///
    /// ## Why it matters
    /// Calico rejects the whole resource, so the policy is not applied at all.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   selector: app = 'orders-api'
    /// ```
    /// `=` is not an operator.
    ///
    /// ## Fix
    /// Follow the help shown: `==` instead of `=`, `&&` / `||` instead of `and` / `or`,
    /// values in quotes, sets as `in {"a", "b"}`.
    pub RULE = "selector-syntax", Error, "A selector that Calico cannot parse (or a selector field that is not a string).", check = Check::Selector(check);
}

fn check(cx: &SelectorCx<'_>, out: &mut Vec<Diagnostic>) {
    match &cx.value {
        ValueCx::NotAString => out.push(cx.diag(
            &RULE,
            cx.span.clone(),
            format!("`{}` must be a selector string", cx.key),
            format!("write `{}: 'label == \"value\"'`", cx.key),
        )),
        ValueCx::Text(t) => {
            let Err(e) = &t.parsed else { return };
            if t.k8s_equivalent.is_some() || e.kind() == ErrorKind::KubernetesSetSyntax {
                return;
            }
            out.push(cx.parse_error(&RULE, t, e));
        }
        ValueCx::K8sObject(_) => {}
    }
}
