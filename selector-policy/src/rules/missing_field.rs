//! Rule `missing-field`: a field Calico requires is absent.

use crate::model::spec::Spec;
use crate::model::value::ValExt;
use crate::resource::{Kind, Resource};
use crate::validate::{rules_of_resource, Ctx};

crate::declare_rule! {
    /// ## What it finds
    /// A required field that is absent or empty: `metadata.name`; a rule's `action`; a
    /// HostEndpoint's `node`, and its `interfaceName` or `expectedIPs` (one of them); a
    /// rule's `services.name`, and `services.namespace` in a global policy; a named port's
    /// `name` and `port`.
    ///
    /// ## Why it matters
    /// Calico rejects the resource.
    ///
    /// ## Example
    /// ```yaml
    /// kind: HostEndpoint
    /// metadata: {name: node1-eth0}
    /// spec:
    ///   node: node1
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// spec:
    ///   node: node1
    ///   interfaceName: eth0
    ///   expectedIPs: [10.0.0.11]
    /// ```
    pub MISSING_FIELD = "missing-field", Error, "A field Calico requires is absent (name, rule action, HostEndpoint node and interface, service name).";
}

/// Reports the required fields `res` lacks.
pub(crate) fn check(cx: &mut Ctx<'_>, res: &Resource) {
    if res.meta.name.get().is_none_or(|n| n.is_empty())
        && res.meta.name.as_ref().is_none_or(|n| n.value.is_ok())
    {
        cx.report(
            &MISSING_FIELD,
            res,
            res.kind_span.clone(),
            format!("{} has no `metadata.name`", res.kind.name()),
            "add `metadata: {name: ...}` (a lowercase DNS-1123 name)".to_string(),
        );
    }
    if let Spec::HostEndpoint(h) = &res.spec {
        if h.node.get().is_none_or(|n| n.is_empty())
            && h.node.as_ref().is_none_or(|n| n.value.is_ok())
        {
            cx.report(
                &MISSING_FIELD,
                res,
                res.name_span.clone(),
                format!("HostEndpoint `{}` has no `spec.node`", res.name),
                "add `node:` with the name of the node the interface belongs to".to_string(),
            );
        }
        let iface = h.interface_name.get().is_some_and(|i| !i.is_empty());
        let ips = h.expected_ips.get().is_some_and(|l| !l.is_empty());
        if !iface && !ips {
            cx.report(
                &MISSING_FIELD,
                res,
                res.name_span.clone(),
                format!("HostEndpoint `{}` has neither `interfaceName` nor `expectedIPs`", res.name),
                "add `interfaceName: eth0` (or `*` for all interfaces) and/or `expectedIPs: [<the host's IP>]`".to_string(),
            );
        }
    }
    let global = matches!(
        res.kind,
        Kind::GlobalNetworkPolicy | Kind::StagedGlobalNetworkPolicy
    );
    for at in rules_of_resource(res) {
        let rule = at.rule;
        if rule.action.is_none() {
            cx.report(
                &MISSING_FIELD,
                res,
                rule.span.clone(),
                format!("rule `{}` has no `action`", at.path()),
                "add `action: Allow`, `Deny`, `Pass` or `Log`".to_string(),
            );
        }
        for (side, e) in [("source", &rule.source), ("destination", &rule.destination)] {
            let Some(svc) = e.get().and_then(|e| e.services.as_ref()) else {
                continue;
            };
            let Some(s) = svc.get() else { continue };
            if s.name.get().is_none_or(|n| n.is_empty()) {
                cx.report(
                    &MISSING_FIELD,
                    res,
                    svc.key_span.clone(),
                    format!("`{}.{side}.services` has no `name`", at.path()),
                    "add `name:` with the Kubernetes Service's name".to_string(),
                );
            }
            if global && s.namespace.get().is_none_or(|n| n.is_empty()) {
                cx.report(
                    &MISSING_FIELD,
                    res,
                    svc.key_span.clone(),
                    format!(
                        "`{}.{side}.services` in a global policy has no `namespace`",
                        at.path()
                    ),
                    "add `namespace:` with the Service's namespace".to_string(),
                );
            }
        }
    }
}
