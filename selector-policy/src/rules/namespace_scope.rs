//! Rule `namespace-scope`: a namespace on a cluster-wide kind, or none on a namespaced kind.

use crate::resource::Resource;
use crate::validate::Ctx;

crate::declare_rule! {
    /// ## What it finds
    /// `metadata.namespace` on a cluster-scoped kind (GlobalNetworkPolicy, Tier,
    /// HostEndpoint, GlobalNetworkSet, ...), and a namespaced Calico kind (NetworkPolicy,
    /// NetworkSet, staged policies) without `metadata.namespace`.
    ///
    /// ## Why it matters
    /// `calicoctl` rejects a namespace on a cluster-scoped kind, while `kubectl` silently
    /// drops it: the author probably expected the resource to be limited to that namespace,
    /// and it is not. A namespaced resource without a namespace lands in whatever namespace
    /// the applying context uses (`default` for `calicoctl`), which is easy to get wrong.
    ///
    /// ## Example
    /// ```yaml
    /// kind: GlobalNetworkPolicy
    /// metadata: {name: deny-all, namespace: shop}
    /// ```
    ///
    /// ## Fix
    /// Remove the namespace (and use `namespaceSelector` to limit the policy), or use a
    /// namespaced NetworkPolicy.
    pub NAMESPACE_SCOPE = "namespace-scope", Warning, "A namespace on a cluster-scoped kind (dropped by kubectl, rejected by calicoctl), or none on a namespaced Calico kind.";
}

/// Reports a namespace that does not fit the kind.
pub(crate) fn check(cx: &mut Ctx<'_>, res: &Resource) {
    let ns = res.meta.namespace.as_ref();
    if !res.kind.is_namespaced() {
        if let Some(ns) = ns.filter(|n| n.value.as_ref().is_ok_and(|s| !s.is_empty())) {
            cx.report(
                &NAMESPACE_SCOPE,
                res,
                ns.key_span.start..ns.span.end,
                format!(
                    "{} is cluster-scoped: `kubectl` silently drops `metadata.namespace` and `calicoctl` rejects it",
                    res.kind.name()
                ),
                "remove `namespace:`; to limit a global policy to namespaces use `spec.namespaceSelector`".to_string(),
            );
        }
    } else if res.kind.is_calico() && ns.is_none() {
        cx.report(
            &NAMESPACE_SCOPE,
            res,
            res.name_span.clone(),
            format!(
                "{} `{}` has no `metadata.namespace`: it goes to the namespace of whoever applies it (`default` with calicoctl)",
                res.kind.name(),
                res.name
            ),
            "add `namespace:` to `metadata`".to_string(),
        );
    }
}
