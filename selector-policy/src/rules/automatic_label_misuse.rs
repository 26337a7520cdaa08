//! `automatic-label-misuse`: a Calico automatic label where it never occurs.

use crate::diag::Diagnostic;
use crate::rules::{Check, SelectorCx};

crate::declare_rule! {
    /// ## What it finds
    /// A label that Calico adds by itself, used in a field whose resources never carry it:
    /// `projectcalico.org/name` in an endpoint selector (only namespaces and service
    /// accounts carry it), `projectcalico.org/namespace` in a `namespaceSelector`, or the
    /// `pcns.` / `pcsa.` prefixes written in a namespace or service-account selector.
    ///
    /// ## Why it matters
    /// The selector matches nothing, so the policy or rule silently has no effect.
    ///
    /// ## Example
    /// ```yaml
    /// ingress:
    ///   - action: Allow
    ///     source:
    ///       namespaceSelector: projectcalico.org/namespace == "observability"
    /// ```
    ///
    /// ## Fix
    /// In a `namespaceSelector`, a namespace is selected by name with
    /// `projectcalico.org/name`:
    /// ```yaml
    ///       namespaceSelector: projectcalico.org/name == "observability"
    /// ```
    pub RULE = "automatic-label-misuse", Warning, "A Calico automatic label used in a field whose resources never carry it.", check = Check::Selector(check);
}

const ENDPOINT_ONLY: &[&str] = &[
    "projectcalico.org/namespace",
    "projectcalico.org/serviceaccount",
    "projectcalico.org/orchestrator",
];

fn check(cx: &SelectorCx<'_>, out: &mut Vec<Diagnostic>) {
    let (Some(kind), Some((t, sel))) = (cx.kind, cx.selector()) else {
        return;
    };
    for label in sel.label_names() {
        let owner = if kind.is_namespace() {
            Some(("namespace", "namespaces", "in a namespaceSelector, select a namespace by name with `projectcalico.org/name == \"<namespace>\"`"))
        } else if kind.is_service_account() {
            Some(("service-account", "service accounts", "select a service account by name with `projectcalico.org/name == \"<name>\"` (or use `serviceAccounts.names`)"))
        } else {
            None
        };
        let problem = match owner {
            Some((_, plural, help)) if ENDPOINT_ONLY.contains(&label) => Some((
                format!("{plural} never carry `{label}`, so this matches no {}", plural.trim_end_matches('s')),
                help.to_string(),
            )),
            Some((what, _, _)) if label.starts_with("pcns.") || label.starts_with("pcsa.") => Some((
                format!("`{label}` has a prefix that Calico adds by itself; {what} labels never carry it"),
                format!("write the {what} label without the prefix: `{}`", label.get(5..).unwrap_or(label)),
            )),
            None if label == "projectcalico.org/name" => Some((
                format!("endpoints never carry `{label}` (only namespaces and service accounts do), so it matches nothing here"),
                "to select by namespace use `projectcalico.org/namespace == \"<ns>\"`, by service account `projectcalico.org/serviceaccount == \"<name>\"` (or a namespaceSelector / serviceAccountSelector)".to_string(),
            )),
            _ => None,
        };
        if let Some((message, help)) = problem {
            out.push(cx.diag(&RULE, t.label_range(label), message, help));
        }
    }
}
