//! `policy-selects-nothing`: a policy whose selector selects no endpoint of the input.

use std::collections::HashMap;

use crate::diag::Diagnostic;
use crate::model::{policy_selector, SelectorCache};
use crate::resource::Kind;
use crate::rules::{Check, InputCx};

crate::declare_rule! {
    /// ## What it finds
    /// A policy whose selector (combined with its `namespaceSelector` and
    /// `serviceAccountSelector`, as Calico does) selects none of the endpoints of the input
    /// it could apply to: for a namespaced policy the pods of its namespace, for a global
    /// one the host endpoints and pods. Nothing is reported when there are none.
    ///
    /// ## Why it matters
    /// It is often fine (the endpoints are defined elsewhere), hence the `info` severity;
    /// but when the input is the whole picture, the policy has no effect.
    ///
    /// ## Example
    /// ```yaml
    /// kind: NetworkPolicy
    /// metadata: {name: memcached-clients, namespace: cache}
    /// spec:
    ///   selector: app == "memcached"   # the namespace has only `app: redis` pods
    /// ```
    ///
    /// ## Fix
    /// Check the selector's labels against the endpoints', or lint the files that define
    /// the endpoints together with the policy.
    pub RULE = "policy-selects-nothing", Info, "A policy whose selector selects no endpoint in the input.", check = Check::Input(check);
}

fn check(cx: &InputCx<'_>, cache: &mut SelectorCache, out: &mut Vec<Diagnostic>) {
    let a = cx.analysis;
    let model = cx.model();
    let policy_targets = model
        .endpoints
        .iter()
        .filter(|e| e.is_policy_target())
        .count();
    let mut pods_per_namespace: HashMap<&str, usize> = HashMap::new();
    for r in &a.resources {
        if let (Kind::Pod, Some(ns)) = (r.kind, &r.namespace) {
            *pods_per_namespace.entry(ns).or_default() += 1;
        }
    }
    for r in &a.resources {
        if !r.kind.is_policy() {
            continue;
        }
        let Some(sel) = policy_selector(cache, r) else {
            continue;
        };
        // Endpoints this policy could apply to: a namespaced policy only reaches pods of
        // its namespace; a global one reaches host endpoints and pods.
        let (targets, what) = if r.kind.is_namespaced() {
            let ns = r.namespace.as_deref().unwrap_or("default");
            (
                pods_per_namespace.get(ns).copied().unwrap_or(0),
                format!("pods in namespace `{ns}`"),
            )
        } else {
            (policy_targets, "host endpoints and pods".to_string())
        };
        if targets == 0 || !model.select(&sel, |e| e.is_policy_target()).is_empty() {
            continue;
        }
        let Some(file) = a.file_of(r) else { continue };
        let span = r
            .policy
            .as_ref()
            .and_then(|p| p.selector.as_ref())
            .and_then(|f| f.text())
            .map_or(r.name_span.clone(), |t| t.file_range(0..t.text.len()));
        out.push(Diagnostic::new(
            &RULE,
            file,
            span,
            format!(
                "{} `{}` selects none of the {what} in the input ({targets} in all)",
                r.kind.name(),
                r.name
            ),
            Some(format!(
                "Calico applies it as `{}`; this is fine if its endpoints are defined elsewhere",
                sel.canonical()
            )),
        ));
    }
}
