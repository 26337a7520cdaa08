//! Rule `host-endpoint-peer-without-ips`: a rule peer that selects a HostEndpoint without
//! `expectedIPs`.

use crate::model::spec::Spec;
use crate::model::value::ValExt;
use crate::model::{entity_selector, Model, SelectorCache};
use crate::resource::Kind;
use crate::validate::{rules_of_resource, Ctx};

crate::declare_rule! {
    /// ## What it finds
    /// A rule's `source` or `destination` selector that selects a HostEndpoint of the input
    /// which has no `expectedIPs`.
    ///
    /// ## Why it matters
    /// Calico matches rule peers by IP, and the only IPs of a host endpoint are its
    /// `expectedIPs` (interface addresses are not learned). The rule therefore never matches
    /// traffic from or to that host through this selector.
    ///
    /// ## Example
    /// ```yaml
    /// kind: HostEndpoint
    /// metadata: {name: node-1-eth0, labels: {role: node}}
    /// spec: {node: node-1, interfaceName: eth0}
    /// ```
    /// with a rule `source: {selector: role == 'node', namespaceSelector: global()}`.
    ///
    /// ## Fix
    /// Add the host's addresses, or match the hosts with `nets`:
    /// ```yaml
    /// spec: {node: node-1, interfaceName: eth0, expectedIPs: [192.168.10.11]}
    /// ```
    pub HOST_ENDPOINT_PEER_WITHOUT_IPS = "host-endpoint-peer-without-ips", Warning, "A rule selector that selects a HostEndpoint without `expectedIPs`, which never matches by IP.";
}

/// Reports rule peers selecting host endpoints that have no IPs.
pub(crate) fn check(cx: &mut Ctx<'_>) {
    let without_ips: Vec<bool> = cx
        .resources
        .iter()
        .map(|r| match &r.spec {
            Spec::HostEndpoint(h) => {
                r.kind == Kind::HostEndpoint && h.expected_ips.get().is_none_or(|l| l.is_empty())
            }
            _ => false,
        })
        .collect();
    if !without_ips.contains(&true) {
        return;
    }
    let model = Model::new(cx.resources);
    let mut cache = SelectorCache::default();
    let mut found = Vec::new();
    for (i, r) in cx.resources.iter().enumerate() {
        if !r.kind.is_policy() {
            continue;
        }
        let ns = r.namespace.as_deref().filter(|_| r.kind.is_namespaced());
        for at in rules_of_resource(r) {
            for (side, e) in [
                ("source", &at.rule.source),
                ("destination", &at.rule.destination),
            ] {
                let Some(e) = e.get() else { continue };
                let Some(ps) = entity_selector(&mut cache, ns, e) else {
                    continue;
                };
                if ps.selector.is_none() {
                    continue;
                }
                for id in model.select_peer(&ps) {
                    let Some(ep) = model.endpoints.get(id) else {
                        continue;
                    };
                    if without_ips.get(ep.resource) != Some(&true) {
                        continue;
                    }
                    let Some(hep) = cx.resources.get(ep.resource) else {
                        continue;
                    };
                    let span = e
                        .selector
                        .as_ref()
                        .map_or(e.span.clone(), |s| s.span.clone());
                    found.push((i, span, format!("`{}.{side}` selects HostEndpoint `{}`, which has no `expectedIPs`: peers match by IP, so this never matches its traffic", at.path(), hep.name)));
                }
            }
        }
    }
    for (i, span, message) in found {
        if let Some(r) = cx.resources.get(i) {
            cx.report(
                &HOST_ENDPOINT_PEER_WITHOUT_IPS,
                r,
                span,
                message,
                "add the host's addresses to the HostEndpoint's `expectedIPs`".to_string(),
            );
        }
    }
}
