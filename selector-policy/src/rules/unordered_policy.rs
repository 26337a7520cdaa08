//! Rule `unordered-policy`: a policy without `order` in a tier whose other policies have one.

use std::collections::BTreeMap;

use crate::model::spec::Spec;
use crate::validate::Ctx;

crate::declare_rule! {
    /// ## What it finds
    /// An enforced Calico policy without `order` in a tier where other policies of the same
    /// scope in the input have an `order`: for a GlobalNetworkPolicy, ordered global
    /// policies of its tier; for a NetworkPolicy, ordered NetworkPolicies of its tier and
    /// namespace (policies of other scopes seldom select the same endpoints).
    ///
    /// ## Why it matters
    /// A missing order sorts after every ordered policy of the tier (as +infinity), and
    /// unordered policies among themselves by name. That is rarely what the author of a
    /// mix of ordered and unordered policies had in mind.
    ///
    /// ## Example
    /// ```yaml
    /// kind: GlobalNetworkPolicy
    /// metadata: {name: allow-dns}
    /// spec: {order: 100, selector: all(), egress: [{action: Allow}]}
    /// ---
    /// kind: GlobalNetworkPolicy
    /// metadata: {name: deny-rest}
    /// spec: {selector: all(), egress: [{action: Deny}]}
    /// ```
    /// `deny-rest` always runs after `allow-dns` (and after any other ordered policy).
    ///
    /// ## Fix
    /// Give the policy an explicit `order`, e.g. `order: 1000`.
    pub UNORDERED_POLICY = "unordered-policy", Info, "A policy without `order` in a tier where others have one: it runs after all of them.";
}

/// Reports unordered policies next to ordered ones.
pub(crate) fn check(cx: &mut Ctx<'_>) {
    let scope =
        |r: &'_ crate::resource::Resource| r.namespace.clone().filter(|_| r.kind.is_namespaced());
    let mut ordered: BTreeMap<(&str, Option<String>), usize> = BTreeMap::new();
    for r in cx.resources {
        if let Spec::Policy(p) = &r.spec {
            if !r.kind.is_staged() && p.order_value().is_some() {
                *ordered.entry((p.tier_name(), scope(r))).or_default() += 1;
            }
        }
    }
    let mut found = Vec::new();
    for (i, r) in cx.resources.iter().enumerate() {
        let Spec::Policy(p) = &r.spec else { continue };
        if r.kind.is_staged() || p.order.is_some() {
            continue;
        }
        let tier = p.tier_name();
        if let Some(n) = ordered.get(&(tier, scope(r))) {
            found.push((i, format!("{} `{}` has no `order`: it runs after the {n} ordered policies of tier `{tier}`", r.kind.name(), r.name)));
        }
    }
    for (i, message) in found {
        if let Some(r) = cx.resources.get(i) {
            cx.report(
                &UNORDERED_POLICY,
                r,
                r.name_span.clone(),
                message,
                "add `order:` to say where it runs".to_string(),
            );
        }
    }
}
