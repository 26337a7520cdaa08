//! `unselected-host-endpoint`: a HostEndpoint that no policy of the input selects.

use crate::diag::Diagnostic;
use crate::fmt::quote_value;
use crate::model::SelectorCache;
use crate::resource::Kind;
use crate::rules::{Check, InputCx};

crate::declare_rule! {
    /// ## What it finds
    /// A HostEndpoint that no (non-staged) policy of the input selects.
    ///
    /// ## Why it matters
    /// Once a host endpoint exists, Calico denies all traffic to and from its interface
    /// that no policy allows, except the failsafe ports: applying it before its policies
    /// can cut a node off.
    ///
    /// ## Example
    /// ```yaml
    /// kind: HostEndpoint
    /// metadata:
    ///   name: storage-1.eth1
    ///   labels: {node-role: storage}
    /// spec: {node: storage-1, interfaceName: eth1}
    /// ```
    /// with no policy selecting `node-role == "storage"`.
    ///
    /// ## Fix
    /// Apply a policy that selects the host endpoint (and allows what the node needs) before
    /// the host endpoint itself.
    pub RULE = "unselected-host-endpoint", Warning, "A HostEndpoint that no policy in the input selects: all its traffic is denied except failsafe ports.", check = Check::Input(check);
}

fn check(cx: &InputCx<'_>, cache: &mut SelectorCache, out: &mut Vec<Diagnostic>) {
    let a = cx.analysis;
    let model = cx.model();
    let mut selected = vec![false; model.endpoints.len()];
    for t in cx.policy_targets(cache) {
        if a.resources
            .get(t.resource)
            .is_none_or(|r| r.kind.is_staged())
        {
            continue;
        }
        for &id in &t.endpoints {
            if let Some(s) = selected.get_mut(id) {
                *s = true;
            }
        }
    }
    for (e, sel) in model.endpoints.iter().zip(&selected) {
        if e.kind != Kind::HostEndpoint || *sel {
            continue;
        }
        let Some(r) = a.resources.get(e.resource) else {
            continue;
        };
        let Some(file) = a.file_of(r) else { continue };
        let example = r
            .labels
            .iter()
            .next()
            .map(|(k, v)| {
                format!(
                    " (for example an allow-all policy with `selector: {k} == {}`)",
                    quote_value(v)
                )
            })
            .unwrap_or_default();
        out.push(Diagnostic::new(
            &RULE,
            file,
            r.name_span.clone(),
            format!(
                "HostEndpoint `{}` is selected by no policy in the input: once applied, all its traffic is denied except failsafe ports",
                r.name
            ),
            Some(format!("apply a policy that selects it{example} before the host endpoint")),
        ));
    }
}
