//! `peer-outside-namespace`: a namespaced policy's rule peer that only matches elsewhere.

use crate::diag::Diagnostic;
use crate::model::{peer_selector, SelectorCache};
use crate::resource::Resource;
use crate::rules::{Check, InputCx};

crate::declare_rule! {
    /// ## What it finds
    /// In a namespaced policy (NetworkPolicy, StagedNetworkPolicy):
    /// - a rule peer `selector` without `namespaceSelector` whose matches in the input are
    ///   all outside the policy's namespace (a GlobalNetworkSet, a host endpoint, a pod of
    ///   another namespace);
    /// - a `Deny` whose peer is only a `notSelector`.
    ///
    /// ## Why it matters
    /// Without a `namespaceSelector`, a namespaced policy's peer selector matches only in the
    /// policy's own namespace, so the rule silently matches nothing; and such a Deny covers
    /// only that namespace, not other namespaces, host endpoints or addresses unknown to
    /// Calico.
    ///
    /// ## Example
    /// ```yaml
    /// kind: NetworkPolicy
    /// metadata: {name: postgres-backup, namespace: data}
    /// spec:
    ///   egress:
    ///     - action: Allow
    ///       destination:
    ///         selector: role == "backup"   # carried by a GlobalNetworkSet
    /// ```
    ///
    /// ## Fix
    /// Add `namespaceSelector: global()` for global network sets and host endpoints, or
    /// `all()` / `projectcalico.org/name == "<ns>"` for pods of other namespaces.
    pub RULE = "peer-outside-namespace", Warning, "A namespaced policy's rule selector that matches resources of the input only outside the policy's namespace (it needs a namespaceSelector).", check = Check::Input(check);
}

fn check(cx: &InputCx<'_>, cache: &mut SelectorCache, out: &mut Vec<Diagnostic>) {
    let a = cx.analysis;
    for r in &a.resources {
        let (Some(policy), Some(file), true) = (&r.policy, a.file_of(r), r.kind.is_namespaced())
        else {
            continue;
        };
        let ns = r.namespace.as_deref().unwrap_or("default");
        for rule in &policy.rules {
            for (peer, which) in [(&rule.source, "source"), (&rule.destination, "destination")] {
                let only_not = peer.selector.is_none()
                    && peer.namespace_selector.is_none()
                    && peer.service_account_selector.is_none()
                    && peer.service_account_names.is_empty();
                if let (true, Some(not), Some("Deny")) =
                    (only_not, &peer.not_selector, rule.action.as_deref())
                {
                    if let Some(t) = not.text() {
                        out.push(Diagnostic::new(
                            &RULE,
                            file,
                            t.file_range(0..t.text.len()),
                            format!(
                                "without a namespaceSelector this Deny covers only {which}s in namespace `{ns}` that do not match the notSelector; {which}s in other namespaces, host endpoints and addresses unknown to Calico are not denied"
                            ),
                            Some("a GlobalNetworkPolicy's notSelector matches every peer without the label, addresses unknown to Calico included; or add rules for the other peers".to_string()),
                        ));
                    }
                    continue;
                }
                let Some(field) = &peer.selector else {
                    continue;
                };
                if peer.namespace_selector.is_some() || peer.not_selector.is_some() {
                    continue;
                }
                let Some(ps) = peer_selector(cache, r, peer) else {
                    continue;
                };
                let model = cx.model();
                if !model.select_peer(&ps).is_empty() {
                    continue;
                }
                let Some(raw) = cache.field(field) else {
                    continue;
                };
                let elsewhere: Vec<&Resource> = model
                    .select(raw, |_| true)
                    .into_iter()
                    .filter_map(|id| model.endpoints.get(id))
                    .filter_map(|e| a.resources.get(e.resource))
                    .collect();
                let Some(t) = field.text() else { continue };
                if elsewhere.is_empty() {
                    continue;
                }
                let global = elsewhere.iter().any(|e| e.namespace.is_none());
                let namespaced = elsewhere.iter().any(|e| e.namespace.is_some());
                let mut names: Vec<String> =
                    elsewhere.iter().take(3).map(|e| e.display_name()).collect();
                if elsewhere.len() > 3 {
                    names.push(format!("and {} more", elsewhere.len() - 3));
                }
                let help = match (global, namespaced) {
                    (true, false) => "add `namespaceSelector: global()` to this peer to match global network sets and host endpoints",
                    (false, _) => "add a `namespaceSelector` to this peer (`all()` for every namespace, or `projectcalico.org/name == \"<ns>\"`)",
                    (true, true) => "add a `namespaceSelector` to this peer: `all()` matches every namespace, `global()` global network sets and host endpoints (use two rules for both)",
                };
                out.push(Diagnostic::new(
                    &RULE,
                    file,
                    t.file_range(0..t.text.len()),
                    format!(
                        "without a namespaceSelector this matches only in namespace `{ns}`, but what it matches in the input is elsewhere: {}",
                        names.join(", ")
                    ),
                    Some(help.to_string()),
                ));
            }
        }
    }
}
