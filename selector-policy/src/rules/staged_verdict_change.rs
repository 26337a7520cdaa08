//! `staged-verdict-change`: built on the policy evaluator (`crate::eval::findings::staged_verdict_changes`).

use crate::diag::Diagnostic;
use crate::eval::findings;
use crate::model::SelectorCache;
use crate::rules::{Check, InputCx};

crate::declare_rule! {
    /// ## What it finds
    /// A StagedGlobalNetworkPolicy, StagedNetworkPolicy or StagedKubernetesNetworkPolicy that,
    /// enforced, would turn an allowed flow between two endpoints of the input into a denied one
    /// or the reverse; the message names one such flow.
    ///
    /// ## Why it matters
    /// Staged policies are previews: they never decide and arm no end-of-tier drop. Knowing
    /// what would change before enforcing one avoids an outage.
    ///
    /// ## Example
    /// ```yaml
    /// kind: StagedNetworkPolicy
    /// metadata: {name: orders-lockdown, namespace: shop}
    /// spec:
    ///   selector: app == "orders"
    ///   ingress:
    ///     - action: Allow
    ///       source: {selector: app == "checkout"}
    /// ```
    /// while pod `shop/frontend-0` talks to the orders pods today.
    ///
    /// ## Fix
    /// Nothing to fix if the change is intended; otherwise adjust the staged policy before
    /// enforcing it.
    pub RULE = "staged-verdict-change", Info, "A staged policy that, once enforced, would change the verdict of a flow between endpoints of the input.", check = Check::Input(check);
}

fn check(cx: &InputCx<'_>, _cache: &mut SelectorCache, out: &mut Vec<Diagnostic>) {
    cx.report(&RULE, findings::staged_verdict_changes(cx.cluster()), out);
}
