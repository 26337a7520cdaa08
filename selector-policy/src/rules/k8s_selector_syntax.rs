//! `k8s-selector-syntax`: Kubernetes label-selector syntax where a Calico selector is needed.

use selector_core::ErrorKind;

use crate::diag::Diagnostic;
use crate::rules::{single_quoted, Check, SelectorCx, ValueCx};

crate::declare_rule! {
    /// ## What it finds
    /// A Kubernetes label selector in a Calico selector field: a `matchLabels` /
    /// `matchExpressions` object, or a string such as `app in (web, api)` or
    /// `team=analytics,env!=dev`. The help gives the Calico selector with the same meaning
    /// when there is one.
    ///
    /// ## Why it matters
    /// Calico selector fields take Calico's selector language only; the resource is rejected.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   selector: app in (reporting, dashboards)
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// spec:
    ///   selector: app in {"reporting", "dashboards"}
    /// ```
    pub RULE = "k8s-selector-syntax", Error, "Kubernetes label-selector syntax where a Calico selector is needed.", check = Check::Selector(check);
}

fn check(cx: &SelectorCx<'_>, out: &mut Vec<Diagnostic>) {
    let key = cx.key;
    match &cx.value {
        ValueCx::K8sObject(equivalent) => out.push(cx.diag(
            &RULE,
            cx.span.clone(),
            format!("`{key}` is a Kubernetes label selector object; Calico needs a selector string"),
            match equivalent {
                Some(eq) => format!("write `{key}: {}`", single_quoted(eq)),
                None => "write the selector as a Calico selector string, e.g. `app == \"web\" && tier in {\"a\", \"b\"}`".into(),
            },
        )),
        ValueCx::Text(t) => {
            let Err(e) = &t.parsed else { return };
            if let Some(eq) = &t.k8s_equivalent {
                out.push(cx.diag(
                    &RULE,
                    t.file_range(0..t.analysed.len()),
                    "this is Kubernetes label-selector syntax, not a Calico selector",
                    match cx.kind {
                        Some(_) => format!("write the Calico selector `{key}: {}`", single_quoted(eq)),
                        None => format!("write the Calico selector `{eq}`"),
                    },
                ));
            } else if e.kind() == ErrorKind::KubernetesSetSyntax {
                out.push(cx.parse_error(&RULE, t, e));
            }
        }
        ValueCx::NotAString => {}
    }
}
