//! `deny-only-policy`: built on the policy evaluator (`crate::eval::findings::deny_only_policies`).

use crate::diag::Diagnostic;
use crate::eval::findings;
use crate::model::SelectorCache;
use crate::rules::{Check, InputCx};

crate::declare_rule! {
    /// ## What it finds
    /// A policy whose rules in one direction are all `Deny` (or `Log`), in a tier whose default
    /// action is `Deny`, when no later policy of that tier allows or passes anything for the
    /// endpoints it selects (for a policy that selects nothing in the input: for an endpoint
    /// with just the labels its selector requires).
    ///
    /// ## Why it matters
    /// A policy that applies to an endpoint arms the end-of-tier drop: every flow its rules do
    /// not deny falls through to the tier's implicit Deny. The seed's deny-list kube-controllers
    /// policy was meant to close one port and closes them all.
    ///
    /// ## Example
    /// ```yaml
    /// kind: NetworkPolicy
    /// spec:
    ///   selector: k8s-app == "calico-kube-controllers"
    ///   ingress:
    ///     - action: Deny
    ///       protocol: TCP
    ///       destination: {ports: [9094]}
    /// ```
    ///
    /// ## Fix
    /// End the rules with `- action: Pass` (hand the rest to the next tier and the profiles) or
    /// with an `Allow` for what must stay open.
    pub RULE = "deny-only-policy", Warning, "A policy whose rules in a direction only deny or log, with nothing later in its tier that allows or passes: every other flow to its endpoints is dropped.", check = Check::Input(check);
}

fn check(cx: &InputCx<'_>, _cache: &mut SelectorCache, out: &mut Vec<Diagnostic>) {
    cx.report(&RULE, findings::deny_only_policies(cx.cluster()), out);
}
