//! `host-endpoint-lockout`: built on the policy evaluator (`crate::eval::findings::host_endpoint_lockout`).

use crate::diag::Diagnostic;
use crate::eval::findings;
use crate::model::SelectorCache;
use crate::rules::{Check, InputCx};

crate::declare_rule! {
    /// ## What it finds
    /// A HostEndpoint for which, evaluating the input's policies and profiles as Calico does,
    /// no flow in one direction is allowed except on the failsafe ports (Felix's defaults, or
    /// those of the FelixConfiguration `default`). It replaces the label-only check
    /// `unselected-host-endpoint`: a policy that selects the endpoint but allows nothing, a
    /// missing profile, or only deny rules count too, and `projectcalico-default-allow` counts
    /// as allowing.
    ///
    /// ## Why it matters
    /// Once a host endpoint exists, Calico drops every packet of its interface that no policy
    /// or profile allows. Applying it like this can cut a node off from everything but SSH,
    /// the API server and etcd.
    ///
    /// ## Example
    /// ```yaml
    /// kind: HostEndpoint
    /// metadata: {name: storage-1.eth1, labels: {node-role: storage}}
    /// spec: {node: storage-1, interfaceName: eth1, expectedIPs: [10.0.3.1]}
    /// ```
    /// with no policy selecting `node-role == "storage"` and no profile.
    ///
    /// ## Fix
    /// Apply a policy that selects the host endpoint and allows what the node needs (before the
    /// host endpoint itself), or give it the profile `projectcalico-default-allow`.
    pub RULE = "host-endpoint-lockout", Warning, "A HostEndpoint that, once applied, accepts nothing beyond the failsafe ports on ingress or egress.", check = Check::Input(check);
}

fn check(cx: &InputCx<'_>, _cache: &mut SelectorCache, out: &mut Vec<Diagnostic>) {
    cx.report(&RULE, findings::host_endpoint_lockout(cx.cluster()), out);
}
