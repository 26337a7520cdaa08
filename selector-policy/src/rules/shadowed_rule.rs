//! `shadowed-rule`: built on the policy evaluator (`crate::eval::findings::shadowed_rules`).

use crate::diag::Diagnostic;
use crate::eval::findings;
use crate::model::SelectorCache;
use crate::rules::{Check, InputCx};

crate::declare_rule! {
    /// ## What it finds
    /// A rule of a policy after an Allow, Deny or Pass rule of the same policy and direction
    /// that matches every flow it would match: same or wider protocol, ports, nets and peers
    /// (a peer selector covers another when the other implies it, decided exactly by the
    /// selector algebra: `role in {"db", "cache"}` covers `role == "db" && tier == "a"`).
    ///
    /// ## Why it matters
    /// Calico tries rules in order and the first matching Allow, Deny or Pass ends the policy:
    /// the later rule is dead, and what its author meant (often a narrower exception) never
    /// happens.
    ///
    /// ## Example
    /// ```yaml
    /// ingress:
    ///   - action: Allow
    ///     protocol: TCP
    ///   - action: Deny
    ///     protocol: TCP
    ///     destination: {ports: [22]}
    /// ```
    ///
    /// ## Fix
    /// Put the narrower rule first, or remove it.
    pub RULE = "shadowed-rule", Warning, "A rule that can never decide: an earlier rule of the same policy with an ending action matches every flow it matches.", check = Check::Input(check);
}

fn check(cx: &InputCx<'_>, _cache: &mut SelectorCache, out: &mut Vec<Diagnostic>) {
    cx.report(&RULE, findings::shadowed_rules(cx.cluster()), out);
}
